#pragma once

#include "media/wavprobe.h"

#include <QString>

#include <optional>

// Playable copies of WAV files whose header lies about their length.
//
// A recording fetched while the call was still running has RIFF and data sizes of 0, and a
// copy cut short claims more samples than it holds; players then report a wrong duration or
// none. WavRepair writes a sibling "<path>.playable.wav" whose sizes match the samples really
// present, and reuses it while it is newer than the source and of the right size. The source
// is never modified: the download cache compares its bytes. Synchronous file work, safe on any
// thread; call it off the UI thread (PlaybackController does, with QtConcurrent).
namespace WavRepair {

// Whether a file with this probe result needs a repaired copy to play with its real duration.
bool needsRepair(const WavInfo &info);

// "<path>.playable.wav".
QString playablePath(const QString &path);

// Returns the path to play: the source itself when it needs no repair, otherwise the repaired
// copy, written now unless a current one exists. Returns std::nullopt and sets *error to a
// sentence when the copy cannot be written.
std::optional<QString> playableCopy(const QString &path, const WavInfo &info,
                                    QString *error = nullptr);

} // namespace WavRepair
