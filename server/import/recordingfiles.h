#pragma once

#include "store/eventstore.h"

#include <QString>
#include <QStringList>
#include <QStringView>

// What the importer knows about an audio file without a call: its name and what is in it.
//
// Recordings are told by their file name's extension (.wav, .gsm, .ogg, .opus, .mp3, any case),
// unlike call records, which are told by their content: a recordings folder holds audio and
// nothing else, and a WAV's content says little about whether it is a recording. Only headers
// are read (for Ogg and MP3 also the last few KiB), never the samples, so a folder of long
// recordings is probed quickly. Problems go into the file's flags as sentences; nothing here
// fails. Pure functions apart from reading the file, any thread.
namespace RecordingFiles {

bool isAudioName(QStringView fileName);
// audio/wav, audio/ogg, audio/mpeg, else application/octet-stream (raw GSM among them).
QString contentTypeFor(QStringView fileName);

// "r-" and the first 16 hex digits of the SHA-256 of the path relative to the recordings
// folder: stable across re-imports and across machines, and it says nothing about the path.
QString idFor(const QString &relativePath);

// The call and leg ids a file name may carry, longest first: Asterisk uniqueids and linkedids
// ("1718100000.42", "Asterisk-01-1362424276.2"), with every prefix the name puts before them
// tried as part of the id as well, and UUIDs (FreeSWITCH). The extension is not part of them.
QStringList idsInName(QStringView fileName);

// The facts of the file at absolutePath: size, modification time, and for WAV what WavProbe
// finds, for raw GSM the frame count, for Ogg and MP3 their headers; flags for what is wrong.
StoredRecordingFile probe(const QString &absolutePath, const QString &relativePath);

// A recording the records name whose file is not there: no facts, one recording_missing flag.
StoredRecordingFile missing(const QString &relativePath, const QString &message);

} // namespace RecordingFiles
