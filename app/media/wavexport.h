#pragma once

#include <QFuture>
#include <QString>

#include <limits>

class QThreadPool;

// How an export ended: ok, or a sentence for the supervisor saying why not.
struct WavExportResult
{
    bool ok = false;
    QString error;
    qint64 frames = 0; // frames written
};

// Writes a recording, or a span of it, as a 16-bit PCM WAV with the source's sample rate and
// channels (A-law, mu-law, float, 8/24/32-bit PCM are decoded by PcmDecoder on the way). The
// target is written through QSaveFile, so it appears whole or not at all.
//
// The span [startUs, endUs) is in microseconds from the recording's start and holds the frames
// whose time falls in it; it is clamped to the samples present, so a truncated recording exports
// what it has. A span that is empty or lies outside the recording is an error sentence.
//
// exportWav() blocks and is thread-safe (no shared state); the console calls exportWavAsync(),
// which runs on QtConcurrent's pool, reports progress (0-1000) on the future, and stops, writing
// nothing, when the future is cancelled.
namespace WavExport {

constexpr qint64 kToEnd = std::numeric_limits<qint64>::max();

WavExportResult exportWav(const QString &sourcePath, const QString &targetPath, qint64 startUs = 0,
                          qint64 endUs = kToEnd);
QFuture<WavExportResult> exportWavAsync(const QString &sourcePath, const QString &targetPath,
                                        qint64 startUs = 0, qint64 endUs = kToEnd,
                                        QThreadPool *pool = nullptr);

} // namespace WavExport
