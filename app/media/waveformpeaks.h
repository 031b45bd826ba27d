#pragma once

#include <QByteArray>
#include <QFuture>
#include <QString>

#include <optional>

class QThreadPool;

// The outline of a recording that the player draws: for each 1/50 s bucket, the lowest and the
// highest sample, the channels mixed to one (their average, which is what a mono downmix
// plays), scaled from 16 bits to 8 (sample >> 8). Bucket i holds the frames whose time falls in
// [i / 50 s, (i + 1) / 50 s); the last bucket may be partial, so a recording of d seconds has
// ceil(d * 50) buckets.
struct WaveformPeaks
{
    int bucketsPerSecond = 50;
    qint64 durationUs = 0; // of the samples that are really there
    int channels = 0; // of the source, before mixing
    QByteArray minima; // qint8 per bucket
    QByteArray maxima; // qint8 per bucket

    qsizetype bucketCount() const { return minima.size(); }
    qint8 minimum(qsizetype bucket) const { return qint8(minima.at(bucket)); }
    qint8 maximum(qsizetype bucket) const { return qint8(maxima.at(bucket)); }
};

// What the asynchronous variant hands back: the peaks, or a sentence saying why there are none.
struct WaveformResult
{
    std::optional<WaveformPeaks> peaks;
    QString error;
};

// Computes a recording's peaks with PcmDecoder, and caches them beside the recording as
// `<wavPath>.peaks`, a small binary file that records the source's size and modification time:
// a changed recording is recomputed, and a damaged or foreign .peaks file is ignored and
// rewritten (through QSaveFile, so a reader never sees half a file). A cache that cannot be
// written is logged (crn.media) and the peaks are still returned.
//
// All functions are thread-safe; two requests for the same recording at once compute it once.
// The synchronous ones block on disk and decoding, so the console calls only
// loadOrComputeAsync(), which runs on QtConcurrent's pool, never on the UI thread.
// Errors are a sentence in *error (or WaveformResult::error), never an exception.
namespace Waveform {

std::optional<WaveformPeaks> compute(const QString &wavPath, QString *error = nullptr);
std::optional<WaveformPeaks> loadOrCompute(const QString &wavPath, QString *error = nullptr);
// Runs loadOrCompute() on pool (the global pool when null).
QFuture<WaveformResult> loadOrComputeAsync(const QString &wavPath, QThreadPool *pool = nullptr);

// Where the cache of wavPath lives.
QString cachePath(const QString &wavPath);

} // namespace Waveform
