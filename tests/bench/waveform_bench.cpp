// Waveform benchmark: peaks of a long 8 kHz recording (16-bit PCM and G.711 mu-law) with
// Waveform::compute, next to a plain QAudioDecoder pass over the same file as the reference.
// Goal (issue 3): the peaks of one hour at 8 kHz in under 1 s.
//
//   waveform_bench [seconds]     (default 3600; the test suite runs a short smoke pass)
//
// Prints one line per measurement; exits non-zero only when something fails to decode, never
// because of a time.

#include "waveformpeaks.h"

#include <QAudioBuffer>
#include <QAudioDecoder>
#include <QAudioFormat>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QTemporaryDir>
#include <QTextStream>
#include <QUrl>
#include <QtEndian>

#include <cmath>
#include <numbers>
#include <vector>

namespace {

constexpr int kRate = 8000;

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

// G.711 mu-law compression of a 16-bit sample (the classic bias-and-segment encoder).
quint8 toMuLaw(int sample)
{
    constexpr int kBias = 0x84;
    constexpr int kClip = 32635;
    const int sign = sample < 0 ? 0x80 : 0;
    int magnitude = qMin(sample < 0 ? -sample : sample, kClip) + kBias;
    int segment = 7;
    for (int mask = 0x4000; (magnitude & mask) == 0 && segment > 0; mask >>= 1)
        --segment;
    const int mantissa = (magnitude >> (segment + 3)) & 0x0F;
    return quint8(~(sign | (segment << 4) | mantissa));
}

QByteArray header(int formatTag, int bytesPerSample, qint64 frames)
{
    const quint32 dataBytes = quint32(frames * bytesPerSample);
    QByteArray bytes(44, '\0');
    char *h = bytes.data();
    memcpy(h, "RIFF", 4);
    qToLittleEndian<quint32>(36 + dataBytes, h + 4);
    memcpy(h + 8, "WAVEfmt ", 8);
    qToLittleEndian<quint32>(16, h + 16);
    qToLittleEndian<quint16>(quint16(formatTag), h + 20);
    qToLittleEndian<quint16>(1, h + 22);
    qToLittleEndian<quint32>(kRate, h + 24);
    qToLittleEndian<quint32>(quint32(kRate * bytesPerSample), h + 28);
    qToLittleEndian<quint16>(quint16(bytesPerSample), h + 32);
    qToLittleEndian<quint16>(quint16(bytesPerSample * 8), h + 34);
    memcpy(h + 36, "data", 4);
    qToLittleEndian<quint32>(dataBytes, h + 40);
    return bytes;
}

// Something shaped like a call: 2 s of a voiced 180 Hz tone with noise, 1 s of quiet, over
// and over. Written a second at a time, so that an hour needs no hour in memory.
bool writeRecording(const QString &path, qint64 seconds, bool muLaw)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(header(muLaw ? 7 : 1, muLaw ? 1 : 2, seconds * kRate));

    quint32 noise = 12345;
    QByteArray block(kRate * (muLaw ? 1 : 2), '\0');
    for (qint64 second = 0; second < seconds; ++second) {
        const bool talking = second % 3 != 2;
        for (int i = 0; i < kRate; ++i) {
            noise = noise * 1664525u + 1013904223u;
            const double t = double(second * kRate + i) / kRate;
            const double envelope
                = talking ? 0.5 + 0.4 * std::sin(2 * std::numbers::pi * 3 * t) : 0.01;
            const double voice = std::sin(2 * std::numbers::pi * 180 * t)
                + 0.3 * (double(noise >> 16) / 32768.0 - 1.0);
            const int sample = int(std::lround(qBound(-1.0, envelope * voice, 1.0) * 32000));
            if (muLaw)
                block[i] = char(toMuLaw(sample));
            else
                qToLittleEndian<qint16>(qint16(sample), block.data() + 2 * i);
        }
        if (file.write(block) != block.size())
            return false;
    }
    return file.flush();
}

// Decodes the file to its end with QAudioDecoder. NOTES.md: without setAudioFormat() the
// GStreamer backend fails on some formats, so the reference asks for what we produce too.
struct DecoderRun
{
    qint64 ms = -1;
    qint64 frames = 0;
    QString error;
};

DecoderRun runQAudioDecoder(const QString &path)
{
    QAudioFormat format;
    format.setSampleRate(kRate);
    format.setChannelCount(1);
    format.setSampleFormat(QAudioFormat::Int16);

    QAudioDecoder decoder;
    decoder.setAudioFormat(format);
    decoder.setSource(QUrl::fromLocalFile(path));

    DecoderRun run;
    QEventLoop loop;
    QObject::connect(&decoder, &QAudioDecoder::bufferReady, &loop,
                     [&] { run.frames += decoder.read().frameCount(); });
    QObject::connect(&decoder, &QAudioDecoder::finished, &loop, &QEventLoop::quit);
    QObject::connect(&decoder, qOverload<QAudioDecoder::Error>(&QAudioDecoder::error), &loop,
                     [&](QAudioDecoder::Error) {
                         run.error = decoder.errorString();
                         loop.quit();
                     });

    QElapsedTimer timer;
    timer.start();
    decoder.start();
    loop.exec();
    run.ms = timer.elapsed();
    return run;
}

bool bench(const QString &path, const QString &label, qint64 seconds)
{
    // The file was just written, so both runs read it from the page cache.
    QElapsedTimer timer;
    timer.start();
    QString error;
    const std::optional<WaveformPeaks> peaks = Waveform::compute(path, &error);
    const double peaksMs = double(timer.nsecsElapsed()) / 1e6;
    if (!peaks) {
        out() << label << ": Waveform::compute failed: " << error << Qt::endl;
        return false;
    }

    // Once the .peaks file is written, the next open only reads it.
    Waveform::loadOrCompute(path);
    timer.restart();
    const std::optional<WaveformPeaks> cached = Waveform::loadOrCompute(path);
    const double cachedMs = double(timer.nsecsElapsed()) / 1e6;

    const DecoderRun reference = runQAudioDecoder(path);
    if (!reference.error.isEmpty()) {
        out() << label << ": QAudioDecoder failed: " << reference.error << Qt::endl;
        return false;
    }

    out() << label << ", " << seconds << " s at 8 kHz: Waveform::compute "
          << QString::number(peaksMs, 'f', 1) << " ms (" << peaks->bucketCount()
          << " buckets), cached " << QString::number(cachedMs, 'f', 1) << " ms; QAudioDecoder pass "
          << reference.ms << " ms (" << reference.frames << " frames); QAudioDecoder / peaks = "
          << QString::number(double(reference.ms) / qMax(peaksMs, 0.001), 'f', 1) << Qt::endl;
    if (seconds == 3600) {
        out() << "  goal, one hour in under 1000 ms: " << (peaksMs < 1000 ? "met" : "missed")
              << Qt::endl;
    }
    if (!cached || cached->minima != peaks->minima || cached->maxima != peaks->maxima) {
        out() << label << ": the cached peaks differ from the computed ones" << Qt::endl;
        return false;
    }
    if (reference.frames != seconds * kRate || peaks->bucketCount() != seconds * 50) {
        out() << label << ": expected " << seconds * kRate << " frames and " << seconds * 50
              << " buckets" << Qt::endl;
        return false;
    }
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const qint64 seconds = args.size() > 1 ? args.at(1).toLongLong() : 3600;
    if (seconds <= 0) {
        out() << "usage: waveform_bench [seconds]" << Qt::endl;
        return 2;
    }

    QTemporaryDir dir;
    if (!dir.isValid())
        return 1;
    const QString pcmPath = dir.filePath(u"pcm16.wav"_qs);
    const QString muLawPath = dir.filePath(u"mulaw.wav"_qs);
    if (!writeRecording(pcmPath, seconds, false) || !writeRecording(muLawPath, seconds, true)) {
        out() << "cannot write the test recordings in " << dir.path() << Qt::endl;
        return 1;
    }

    const bool pcmOk = bench(pcmPath, u"16-bit PCM"_qs, seconds);
    const bool muLawOk = bench(muLawPath, u"mu-law"_qs, seconds);
    return pcmOk && muLawOk ? 0 : 1;
}
