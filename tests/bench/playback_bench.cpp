// Click to first audio for a cached recording, next to a plain QAudioDecoder pass.
//
// For each file: the time from PlaybackController::playAt() (the middle of the recording) to
// the first positionChanged() after the backend says it plays, which is when the clock of the
// audio sink has moved, so sound is coming out; and, as the reference, the time from
// QAudioDecoder::start() to its first bufferReady() over the same file. Each is the median of
// several runs after one warm-up run, which pays for loading the GStreamer plugins.
// GStreamer reports positions every 100 ms, so click->audio is click->play plus up to one tick:
// an upper bound on when sound starts. Goal (issue 3): under 300 ms. A benchmark, not a test:
// timings are printed, and it fails only when a file does not play at all.
//
//   playback_bench [--samples DIR] [--runs N] [--quick]
//   --quick: one run, and a one-minute generated file instead of an hour (the ctest smoke run)

#include "playbackcontroller.h"
#include "qtmediabackend.h"

#include <QAudioDecoder>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QTemporaryDir>
#include <QTimer>
#include <QUrl>
#include <QtEndian>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numbers>
#include <optional>

namespace {

constexpr int kTimeoutMs = 10'000;
constexpr double kGoalMs = 300;
constexpr int kSampleRate = 8000;

struct BenchFile
{
    QString label;
    QString path;
    qint64 durationUs = 0;
};

// An 8 kHz 16-bit mono WAV of `seconds` of a slowly sweeping tone, written in blocks so that
// an hour (57.6 MB) never sits in memory.
bool writeTone(const QString &path, int seconds)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;

    const quint32 dataBytes = quint32(seconds) * kSampleRate * 2;
    QByteArray header(44, '\0');
    char *h = header.data();
    memcpy(h, "RIFF", 4);
    qToLittleEndian<quint32>(36 + dataBytes, h + 4);
    memcpy(h + 8, "WAVEfmt ", 8);
    qToLittleEndian<quint32>(16, h + 16);
    qToLittleEndian<quint16>(1, h + 20);
    qToLittleEndian<quint16>(1, h + 22);
    qToLittleEndian<quint32>(kSampleRate, h + 24);
    qToLittleEndian<quint32>(kSampleRate * 2, h + 28);
    qToLittleEndian<quint16>(2, h + 32);
    qToLittleEndian<quint16>(16, h + 34);
    memcpy(h + 36, "data", 4);
    qToLittleEndian<quint32>(dataBytes, h + 40);
    file.write(header);

    QByteArray second(kSampleRate * 2, Qt::Uninitialized);
    for (int s = 0; s < seconds; ++s) {
        const double frequency = 300 + s % 60 * 10;
        for (int i = 0; i < kSampleRate; ++i) {
            const double t = double(i) / kSampleRate;
            const auto value = qint16(6000 * std::sin(2 * std::numbers::pi * frequency * t));
            qToLittleEndian(value, second.data() + 2 * i);
        }
        if (file.write(second) != second.size())
            return false;
    }
    return true;
}

// Runs the event loop until done() says so or the time-out passes; false on time-out.
template<typename Done>
bool waitFor(Done done)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > kTimeoutMs)
            return false;
        QEventLoop loop;
        QTimer::singleShot(1, &loop, &QEventLoop::quit);
        loop.exec(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents);
    }
    return true;
}

struct ClickTimes
{
    double playingMs = 0; // the backend says it plays
    double firstAudioMs = 0; // the first position after that
};

// Milliseconds from playAt() to the backend playing, and to the first position after that.
std::optional<ClickTimes> clickToFirstAudio(const BenchFile &file)
{
    const Timestamp start = *Timestamp::parseIso(u"2024-06-11T09:30:00Z");
    QtMediaBackend backend;
    PlaybackController controller(&backend);
    controller.setCall(start, start.addMicroseconds(file.durationUs),
                       { { u"bench"_qs, start, file.durationUs, file.path } });

    bool playing = false;
    double playingMs = -1;
    double firstAudioMs = -1;
    QElapsedTimer clock;
    QObject::connect(&backend, &MediaBackend::playingChanged, [&](bool on) {
        if (on && !playing)
            playingMs = double(clock.nsecsElapsed()) / 1e6;
        playing |= on;
    });
    QObject::connect(&controller, &PlaybackController::positionChanged, [&](Timestamp) {
        if (playing && firstAudioMs < 0)
            firstAudioMs = double(clock.nsecsElapsed()) / 1e6;
    });

    clock.start();
    controller.playAt(start.addMicroseconds(file.durationUs / 2));
    const bool ok = waitFor([&] {
        return firstAudioMs >= 0 || controller.state() == PlaybackController::State::Unplayable;
    });
    controller.pause();
    if (!ok || firstAudioMs < 0) {
        std::fprintf(stderr, "%s did not play: %s\n", qPrintable(file.label),
                     qPrintable(controller.problem()));
        return std::nullopt;
    }
    return ClickTimes { playingMs, firstAudioMs };
}

// Milliseconds from QAudioDecoder::start() to its first buffer.
std::optional<double> decoderFirstBuffer(const BenchFile &file)
{
    QAudioDecoder decoder;
    double firstBufferMs = -1;
    bool failed = false;
    QElapsedTimer clock;
    QObject::connect(&decoder, &QAudioDecoder::bufferReady, [&] {
        if (firstBufferMs < 0)
            firstBufferMs = double(clock.nsecsElapsed()) / 1e6;
    });
    QObject::connect(&decoder, qOverload<QAudioDecoder::Error>(&QAudioDecoder::error),
                     [&](QAudioDecoder::Error) { failed = true; });

    clock.start();
    decoder.setSource(QUrl::fromLocalFile(file.path));
    decoder.start();
    const bool ok = waitFor([&] { return firstBufferMs >= 0 || failed; });
    decoder.stop();
    if (!ok || failed) {
        std::fprintf(stderr, "QAudioDecoder could not decode %s: %s\n", qPrintable(file.label),
                     qPrintable(decoder.errorString()));
        return std::nullopt;
    }
    return firstBufferMs;
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    const qsizetype middle = values.size() / 2;
    return values.size() % 2 ? values.at(middle) : (values.at(middle - 1) + values.at(middle)) / 2;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Click to first audio for a cached recording"_qs);
    parser.addHelpOption();
    const QCommandLineOption samplesOption(u"samples"_qs, u"Folder with audio/*.wav"_qs, u"dir"_qs,
                                           qEnvironmentVariable("CRN_SAMPLES_DIR"));
    const QCommandLineOption runsOption(u"runs"_qs, u"Measured runs per file"_qs, u"n"_qs, u"7"_qs);
    const QCommandLineOption quickOption(u"quick"_qs, u"One run, a one-minute file"_qs);
    parser.addOptions({ samplesOption, runsOption, quickOption });
    parser.process(app);

    const bool quick = parser.isSet(quickOption);
    const int runs = quick ? 1 : qMax(1, parser.value(runsOption).toInt());

    QList<BenchFile> files;
    const QDir audio(parser.value(samplesOption) + u"/audio"_qs);
    // Durations from SOURCES.md.
    const QList<std::pair<QString, qint64>> samples {
        { u"asterisk_testsuite_talking_8k_mono.wav"_qs, 10'260'000 },
        { u"pjproject_input_8k_mono.wav"_qs, 4'203'375 },
        { u"pjproject_input_8k_stereo.wav"_qs, 4'203'375 },
    };
    for (const auto &[name, durationUs] : samples) {
        if (audio.exists(name))
            files.append({ name, audio.filePath(name), durationUs });
    }
    if (files.isEmpty())
        std::printf("The sample recordings are not here; only the generated file is measured.\n");

    QTemporaryDir temporary;
    const int seconds = quick ? 60 : 3600;
    const QString generated = temporary.filePath(u"generated-8k.wav"_qs);
    if (!temporary.isValid() || !writeTone(generated, seconds)) {
        std::fprintf(stderr, "Cannot write the generated recording\n");
        return 1;
    }
    const QString label = quick ? u"generated, 1 min 8 kHz"_qs : u"generated, 1 h 8 kHz"_qs;
    files.append({ label, generated, qint64(seconds) * 1'000'000 });

    // Warm-up: the first player and decoder of a process load GStreamer's plugins.
    if (!clickToFirstAudio(files.first()) || !decoderFirstBuffer(files.first()))
        return 1;

    std::printf("%-40s %12s %12s %12s %7s  %s\n", "file", "click->play", "click->audio", "decoder",
                "ratio", "goal < 300 ms");
    bool allMet = true;
    for (const auto &file : std::as_const(files)) {
        QList<double> playing;
        QList<double> player;
        QList<double> decoder;
        for (int run = 0; run < runs; ++run) {
            const auto playerMs = clickToFirstAudio(file);
            const auto decoderMs = decoderFirstBuffer(file);
            if (!playerMs || !decoderMs)
                return 1;
            playing.append(playerMs->playingMs);
            player.append(playerMs->firstAudioMs);
            decoder.append(*decoderMs);
        }
        const double playerMs = median(player);
        const double decoderMs = median(decoder);
        const bool met = playerMs < kGoalMs;
        allMet &= met;
        std::printf("%-40s %9.1f ms %9.1f ms %9.1f ms %7.1f  %s\n", qPrintable(file.label),
                    median(playing), playerMs, decoderMs, playerMs / decoderMs,
                    met ? "met" : "MISSED");
    }
    std::printf("Medians of %d run(s) each. Goal %s.\n", runs,
                allMet ? "met for every file" : "missed");
    return 0;
}
