#include "waveformpeaks.h"

#include "logging.h"
#include "pcmdecoder.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QSaveFile>
#include <QSet>
#include <QThreadPool>
#include <QWaitCondition>
#include <QtConcurrent>
#include <QtEndian>

#include <vector>

namespace {

class WaveformText
{
    Q_DECLARE_TR_FUNCTIONS(Waveform)
};

constexpr int kBucketsPerSecond = 50;
constexpr qint64 kBlockFrames = 32 * 1024;

// The .peaks file, little-endian: magic, version, buckets per second, the source's size and
// modification time (ms since the epoch), duration (µs), channels, bucket count n, n minima,
// n maxima, and a CRC-16 (ISO 3309) of everything before it.
constexpr char kMagic[8] = { 'C', 'R', 'N', 'P', 'E', 'A', 'K', 'S' };
constexpr quint32 kVersion = 1;
constexpr qint64 kHeaderBytes = 48;
constexpr qint64 kChecksumBytes = 4;
// An hour at 50 buckets a second is 360 KB; anything near this is not ours.
constexpr qint64 kMaxCacheBytes = 64 * 1024 * 1024;

struct SourceStamp
{
    qint64 size = 0;
    qint64 modifiedMs = 0;
};

SourceStamp stampOf(const QFileInfo &source)
{
    return { source.size(), source.lastModified().toMSecsSinceEpoch() };
}

// Folds frames, in order, into per-bucket minima and maxima. Bucket b holds the frames
// [ceil(b * rate / 50), ceil((b + 1) * rate / 50)), i.e. those whose time is in [b/50, (b+1)/50).
class PeakAccumulator
{
public:
    PeakAccumulator(qint64 sampleRate, qint64 buckets)
        : m_rate(sampleRate)
        , m_bucketEnd(firstFrame(1))
    {
        m_peaks.minima.resize(buckets);
        m_peaks.maxima.resize(buckets);
    }

    void add(const qint16 *samples, qint64 count)
    {
        qint64 i = 0;
        while (i < count) {
            // A run that stays inside the current bucket, so that the inner loop has no branch
            // and the compiler can vectorise it.
            const qint64 run = qMin(count - i, m_bucketEnd - m_frame);
            int lowest = m_lowest;
            int highest = m_highest;
            for (qint64 k = i; k < i + run; ++k) {
                lowest = qMin<int>(lowest, samples[k]);
                highest = qMax<int>(highest, samples[k]);
            }
            m_lowest = lowest;
            m_highest = highest;

            i += run;
            m_frame += run;
            if (m_frame == m_bucketEnd)
                closeBucket();
        }
    }

    WaveformPeaks finish(int channels)
    {
        if (m_frame > firstFrame(m_bucket))
            closeBucket();

        // Fewer buckets than planned when the file ended early while it was read.
        m_peaks.minima.truncate(m_bucket);
        m_peaks.maxima.truncate(m_bucket);
        m_peaks.bucketsPerSecond = kBucketsPerSecond;
        m_peaks.channels = channels;
        m_peaks.durationUs = m_frame * 1000000 / m_rate;
        return std::move(m_peaks);
    }

private:
    qint64 firstFrame(qint64 bucket) const
    {
        return (bucket * m_rate + kBucketsPerSecond - 1) / kBucketsPerSecond;
    }

    void closeBucket()
    {
        // Below 50 Hz a bucket can hold no frame at all; it is drawn as silence.
        const bool empty = m_lowest > m_highest;
        if (m_bucket < m_peaks.minima.size()) {
            m_peaks.minima[m_bucket] = char(empty ? 0 : m_lowest >> 8);
            m_peaks.maxima[m_bucket] = char(empty ? 0 : m_highest >> 8);
        }
        ++m_bucket;
        m_bucketEnd = firstFrame(m_bucket + 1);
        m_lowest = 32767;
        m_highest = -32768;
    }

    WaveformPeaks m_peaks;
    qint64 m_rate;
    qint64 m_frame = 0;
    qint64 m_bucket = 0;
    qint64 m_bucketEnd;
    int m_lowest = 32767;
    int m_highest = -32768;
};

// Callers for the same recording queue here, so that it is decoded and written once.
class PathLock
{
public:
    explicit PathLock(const QString &path)
        : m_path(path)
    {
        QMutexLocker locker(&mutex());
        while (busy().contains(m_path))
            released().wait(&mutex());
        busy().insert(m_path);
    }

    ~PathLock()
    {
        QMutexLocker locker(&mutex());
        busy().remove(m_path);
        released().wakeAll();
    }

    PathLock(const PathLock &) = delete;
    PathLock &operator=(const PathLock &) = delete;

private:
    static QMutex &mutex()
    {
        static QMutex instance;
        return instance;
    }
    static QWaitCondition &released()
    {
        static QWaitCondition instance;
        return instance;
    }
    static QSet<QString> &busy()
    {
        static QSet<QString> instance;
        return instance;
    }

    QString m_path;
};

template<typename T>
void append(QByteArray *bytes, T value)
{
    const qsizetype at = bytes->size();
    bytes->resize(at + qsizetype(sizeof(T)));
    qToLittleEndian<T>(value, bytes->data() + at);
}

template<typename T>
T valueAt(const QByteArray &bytes, qint64 offset)
{
    return qFromLittleEndian<T>(bytes.constData() + offset);
}

QByteArray serialise(const WaveformPeaks &peaks, const SourceStamp &stamp)
{
    QByteArray bytes;
    bytes.reserve(kHeaderBytes + 2 * peaks.bucketCount() + kChecksumBytes);
    bytes.append(kMagic, sizeof kMagic);
    append<quint32>(&bytes, kVersion);
    append<quint32>(&bytes, quint32(peaks.bucketsPerSecond));
    append<qint64>(&bytes, stamp.size);
    append<qint64>(&bytes, stamp.modifiedMs);
    append<qint64>(&bytes, peaks.durationUs);
    append<quint32>(&bytes, quint32(peaks.channels));
    append<quint32>(&bytes, quint32(peaks.bucketCount()));
    bytes.append(peaks.minima).append(peaks.maxima);
    append<quint32>(&bytes, qChecksum(bytes, Qt::ChecksumIso3309));
    return bytes;
}

// The cached peaks when the file is ours, intact and made from this very source.
std::optional<WaveformPeaks> readCache(const QString &path, const SourceStamp &stamp)
{
    QFile file(path);
    if (!file.exists() || file.size() > kMaxCacheBytes || !file.open(QIODevice::ReadOnly))
        return std::nullopt;

    const QByteArray bytes = file.readAll();
    if (bytes.size() < kHeaderBytes + kChecksumBytes || !bytes.startsWith(kMagic)
        || valueAt<quint32>(bytes, 8) != kVersion) {
        qCInfo(lcMedia) << "ignoring a waveform cache that is not ours or of another version";
        return std::nullopt;
    }
    if (valueAt<qint64>(bytes, 16) != stamp.size || valueAt<qint64>(bytes, 24) != stamp.modifiedMs)
        return std::nullopt; // the recording changed since: not damage, just stale

    const qint64 buckets = valueAt<quint32>(bytes, 44);
    const qint64 body = bytes.size() - kChecksumBytes;
    const QByteArrayView checked(bytes.constData(), body);
    if (body != kHeaderBytes + 2 * buckets
        || valueAt<quint32>(bytes, body) != qChecksum(checked, Qt::ChecksumIso3309)
        || valueAt<quint32>(bytes, 12) != quint32(kBucketsPerSecond)) {
        qCWarning(lcMedia) << "ignoring a damaged waveform cache; it will be rewritten";
        return std::nullopt;
    }

    WaveformPeaks peaks;
    peaks.bucketsPerSecond = kBucketsPerSecond;
    peaks.durationUs = valueAt<qint64>(bytes, 32);
    peaks.channels = int(valueAt<quint32>(bytes, 40));
    peaks.minima = bytes.mid(kHeaderBytes, buckets);
    peaks.maxima = bytes.mid(kHeaderBytes + buckets, buckets);
    return peaks;
}

void writeCache(const QString &path, const WaveformPeaks &peaks, const SourceStamp &stamp)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        qCWarning(lcMedia) << "the waveform cache cannot be created:" << file.errorString();
        return;
    }
    file.write(serialise(peaks, stamp));
    if (!file.commit())
        qCWarning(lcMedia) << "the waveform cache cannot be written:" << file.errorString();
}

} // namespace

namespace Waveform {

QString cachePath(const QString &wavPath)
{
    return wavPath + u".peaks"_qs;
}

std::optional<WaveformPeaks> compute(const QString &wavPath, QString *error)
{
    QElapsedTimer timer;
    timer.start();

    PcmDecoder decoder;
    if (!decoder.open(wavPath, error))
        return std::nullopt;

    const int channels = decoder.channels();
    const qint64 rate = decoder.sampleRate();
    const qint64 buckets = (decoder.frameCount() * kBucketsPerSecond + rate - 1) / rate;
    PeakAccumulator peaks(rate, buckets);
    std::vector<qint16> block(size_t(kBlockFrames * channels));
    std::vector<qint16> mixed(channels > 1 ? size_t(kBlockFrames) : 0);
    qint64 frames = 0;
    while ((frames = decoder.read(block.data(), kBlockFrames)) > 0) {
        if (channels == 1) {
            peaks.add(block.data(), frames);
            continue;
        }
        for (qint64 frame = 0; frame < frames; ++frame) {
            int sum = 0;
            for (int channel = 0; channel < channels; ++channel)
                sum += block[size_t(frame * channels + channel)];
            mixed[size_t(frame)] = qint16(sum / channels);
        }
        peaks.add(mixed.data(), frames);
    }

    if (!decoder.errorString().isEmpty()) {
        if (error)
            *error = decoder.errorString();
        return std::nullopt;
    }
    WaveformPeaks result = peaks.finish(channels);
    qCDebug(lcMedia) << "waveform of" << result.bucketCount() << "buckets computed in"
                     << timer.elapsed() << "ms";
    return result;
}

std::optional<WaveformPeaks> loadOrCompute(const QString &wavPath, QString *error)
{
    const QFileInfo source(wavPath);
    if (!source.isFile()) {
        if (error)
            *error = WaveformText::tr("The recording cannot be found.");
        return std::nullopt;
    }

    const PathLock lock(source.absoluteFilePath());
    // Stamped before decoding: if the recording changes meanwhile, the cache is stale at once
    // and the next call recomputes.
    const SourceStamp stamp = stampOf(source);
    const QString cache = cachePath(wavPath);
    if (std::optional<WaveformPeaks> cached = readCache(cache, stamp))
        return cached;

    std::optional<WaveformPeaks> peaks = compute(wavPath, error);
    if (peaks)
        writeCache(cache, *peaks, stamp);
    return peaks;
}

QFuture<WaveformResult> loadOrComputeAsync(const QString &wavPath, QThreadPool *pool)
{
    return QtConcurrent::run(pool ? pool : QThreadPool::globalInstance(), [wavPath] {
        WaveformResult result;
        result.peaks = loadOrCompute(wavPath, &result.error);
        return result;
    });
}

} // namespace Waveform
