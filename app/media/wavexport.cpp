#include "wavexport.h"

#include "logging.h"
#include "pcmdecoder.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QPromise>
#include <QSaveFile>
#include <QThreadPool>
#include <QtConcurrent>
#include <QtEndian>

#include <functional>
#include <vector>

namespace {

class WavExportText
{
    Q_DECLARE_TR_FUNCTIONS(WavExport)
};

constexpr qint64 kBlockFrames = 32 * 1024;
constexpr qint64 kCanonicalHeaderBytes = 44;

// Told the permille done after each block; answers false to stop the export.
using Progress = std::function<bool(int permille)>;

WavExportResult failure(const QString &sentence)
{
    WavExportResult result;
    result.error = sentence;
    return result;
}

QString seconds(qint64 us)
{
    return QString::number(double(us) / 1e6, 'f', 2);
}

// The canonical 44-byte header of a 16-bit PCM WAV.
QByteArray wavHeader(int channels, int sampleRate, qint64 frames)
{
    const quint32 blockAlign = quint32(channels) * 2;
    const quint32 dataBytes = quint32(frames * blockAlign);
    QByteArray header(kCanonicalHeaderBytes, '\0');
    char *out = header.data();
    memcpy(out, "RIFF", 4);
    qToLittleEndian<quint32>(36 + dataBytes, out + 4);
    memcpy(out + 8, "WAVEfmt ", 8);
    qToLittleEndian<quint32>(16, out + 16);
    qToLittleEndian<quint16>(1, out + 20); // PCM
    qToLittleEndian<quint16>(quint16(channels), out + 22);
    qToLittleEndian<quint32>(quint32(sampleRate), out + 24);
    qToLittleEndian<quint32>(quint32(sampleRate) * blockAlign, out + 28);
    qToLittleEndian<quint16>(quint16(blockAlign), out + 32);
    qToLittleEndian<quint16>(16, out + 34);
    memcpy(out + 36, "data", 4);
    qToLittleEndian<quint32>(dataBytes, out + 40);
    return header;
}

// The first frame whose time is at or after `us`, at most `frames`: ceil(us * rate / 1 s).
qint64 frameAt(qint64 us, qint64 rate, qint64 frames)
{
    if (us <= 0)
        return 0;
    // Far past the end: answered before the product below can overflow.
    if (us / 1000000 > frames / rate + 1)
        return frames;
    return qMin(frames, (us * rate + 999999) / 1000000);
}

bool sameFile(const QString &sourcePath, const QString &targetPath)
{
    const QFileInfo source(sourcePath);
    const QFileInfo target(targetPath);
    if (source.absoluteFilePath() == target.absoluteFilePath())
        return true;
    return target.exists() && source.canonicalFilePath() == target.canonicalFilePath();
}

WavExportResult run(const QString &sourcePath, const QString &targetPath, qint64 startUs,
                    qint64 endUs, const Progress &progress)
{
    QElapsedTimer timer;
    timer.start();

    if (startUs >= endUs)
        return failure(
            WavExportText::tr("The span to export is empty: it must end after it starts."));

    PcmDecoder decoder;
    QString error;
    if (!decoder.open(sourcePath, &error))
        return failure(WavExportText::tr("The recording cannot be exported. %1").arg(error));

    const qint64 rate = decoder.sampleRate();
    const int channels = decoder.channels();
    const qint64 frameCount = decoder.frameCount();
    const qint64 durationUs = frameCount * 1000000 / rate;
    if (frameCount == 0)
        return failure(WavExportText::tr("The recording has no samples to export."));

    const qint64 first = frameAt(startUs, rate, frameCount);
    const qint64 end = frameAt(endUs, rate, frameCount);
    if (first >= frameCount) {
        return failure(WavExportText::tr("The span starts at %1 s, after the recording ends at "
                                         "%2 s.")
                           .arg(seconds(startUs), seconds(durationUs)));
    }
    if (end <= first) {
        return failure(WavExportText::tr("The span holds no samples: it ends before the "
                                         "recording starts or is shorter than one sample."));
    }
    // The RIFF size field is 32 bits.
    if ((end - first) * channels * 2 > qint64(0xFFFFFFFF) - 36) {
        return failure(WavExportText::tr("The span is too long for one WAV file; export a "
                                         "shorter span."));
    }
    if (sameFile(sourcePath, targetPath))
        return failure(WavExportText::tr("The export cannot replace the recording it reads."));

    QSaveFile target(targetPath);
    if (!target.open(QIODevice::WriteOnly)) {
        return failure(
            WavExportText::tr("The file cannot be written: %1").arg(target.errorString()));
    }
    target.write(wavHeader(channels, int(rate), end - first));
    decoder.seekToFrame(first);

    std::vector<qint16> block(size_t(kBlockFrames * channels));
    qint64 written = 0;
    while (written < end - first) {
        const qint64 frames = decoder.read(block.data(), qMin(kBlockFrames, end - first - written));
        if (frames == 0)
            break;
        if (QSysInfo::ByteOrder != QSysInfo::LittleEndian) {
            for (size_t i = 0; i < size_t(frames * channels); ++i)
                block[i] = qToLittleEndian(block[i]);
        }
        const qint64 bytes = frames * channels * 2;
        if (target.write(reinterpret_cast<const char *>(block.data()), bytes) != bytes)
            break;
        written += frames;
        if (progress && !progress(int(written * 1000 / (end - first)))) {
            target.cancelWriting();
            return failure(WavExportText::tr("The export was cancelled."));
        }
    }

    if (!decoder.errorString().isEmpty()) {
        target.cancelWriting();
        return failure(decoder.errorString());
    }
    // The recording shrank while it was read: the header must say what was written.
    if (written < end - first && target.error() == QFileDevice::NoError) {
        target.seek(0);
        target.write(wavHeader(channels, int(rate), written));
    }
    if (!target.commit()) {
        return failure(
            WavExportText::tr("The file could not be written: %1").arg(target.errorString()));
    }

    qCInfo(lcMedia) << "exported" << written << "frames of" << channels << "channel(s) in"
                    << timer.elapsed() << "ms";
    WavExportResult result;
    result.ok = true;
    result.frames = written;
    return result;
}

} // namespace

namespace WavExport {

WavExportResult exportWav(const QString &sourcePath, const QString &targetPath, qint64 startUs,
                          qint64 endUs)
{
    return run(sourcePath, targetPath, startUs, endUs, {});
}

QFuture<WavExportResult> exportWavAsync(const QString &sourcePath, const QString &targetPath,
                                        qint64 startUs, qint64 endUs, QThreadPool *pool)
{
    return QtConcurrent::run(
        pool ? pool : QThreadPool::globalInstance(),
        [sourcePath, targetPath, startUs, endUs](QPromise<WavExportResult> &promise) {
            promise.setProgressRange(0, 1000);
            const Progress progress = [&promise](int permille) {
                promise.setProgressValue(permille);
                return !promise.isCanceled();
            };
            promise.addResult(run(sourcePath, targetPath, startUs, endUs, progress));
        });
}

} // namespace WavExport
