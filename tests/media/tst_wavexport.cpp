#include "media/wavprobe.h"
#include "wavexport.h"

#include "testwav.h"

#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QSemaphore>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QtEndian>

#include <vector>

namespace {

// A WAV file as the recorder left it. declaredBytes is what the header claims: -1 for the real
// size, 0 for a recording whose sizes were never set. blockAlign 0: PCM's own.
QByteArray makeWav(int formatTag, int bitsPerSample, int channels, int sampleRate,
                   const QByteArray &samples, qint64 declaredBytes = -1, int blockAlign = 0)
{
    const TestWav::Format format { formatTag, bitsPerSample, channels, sampleRate, blockAlign };
    const auto dataBytes = quint32(declaredBytes < 0 ? samples.size() : declaredBytes);
    return TestWav::header(format, dataBytes == 0 ? 0 : 36 + dataBytes, dataBytes) + samples;
}

// What an exported file holds, read field by field from its canonical 44-byte header.
struct Exported
{
    int formatTag = 0;
    int channels = 0;
    int sampleRate = 0;
    int bitsPerSample = 0;
    quint32 riffBytes = 0;
    quint32 dataBytes = 0;
    std::vector<qint16> samples;
};

std::optional<Exported> readExport(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray bytes = file.readAll();
    if (bytes.size() < 44 || !bytes.startsWith("RIFF") || bytes.mid(8, 8) != "WAVEfmt "
        || bytes.mid(36, 4) != "data")
        return std::nullopt;

    const char *header = bytes.constData();
    Exported result;
    result.riffBytes = qFromLittleEndian<quint32>(header + 4);
    result.formatTag = qFromLittleEndian<quint16>(header + 20);
    result.channels = qFromLittleEndian<quint16>(header + 22);
    result.sampleRate = int(qFromLittleEndian<quint32>(header + 24));
    result.bitsPerSample = qFromLittleEndian<quint16>(header + 34);
    result.dataBytes = qFromLittleEndian<quint32>(header + 40);
    for (qsizetype at = 44; at + 1 < bytes.size(); at += 2)
        result.samples.push_back(qFromLittleEndian<qint16>(header + at));
    return result;
}

// 3 s of 8 kHz 16-bit mono; frame i holds i - 12000, so any frame is known by its value.
QByteArray rampWav(qint64 declaredBytes = -1, int frames = 24000)
{
    QByteArray bytes(frames * 2, '\0');
    for (int i = 0; i < frames; ++i)
        qToLittleEndian<qint16>(qint16(i - 12000), bytes.data() + 2 * i);
    return makeWav(1, 16, 1, 8000, bytes, declaredBytes);
}

} // namespace

class TestWavExport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void spans_data();
    void spans();
    void badSpans_data();
    void badSpans();
    void g711IsDecoded_data();
    void g711IsDecoded();
    void truncatedSource();
    void stereoSample();
    void targetProblems();
    void asyncWithProgress();
    void cancelledBeforeItRuns();

private:
    QString write(const QString &name, const QByteArray &bytes);

    QTemporaryDir m_dir;
};

void TestWavExport::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
}

QString TestWavExport::write(const QString &name, const QByteArray &bytes)
{
    const QString path = m_dir.filePath(name);
    if (!TestWav::write(path, bytes))
        qFatal("cannot write the test file");
    return path;
}

void TestWavExport::spans_data()
{
    QTest::addColumn<qint64>("startUs");
    QTest::addColumn<qint64>("endUs");
    QTest::addColumn<int>("firstFrame");
    QTest::addColumn<int>("frames");

    // The source: 24000 frames at 8 kHz (3 s), a frame every 125 µs. A span holds the frames
    // whose time is in [start, end).
    QTest::newRow("whole") << qint64(0) << WavExport::kToEnd << 0 << 24000;
    QTest::newRow("second 1 to 2: 8000 * 1 s")
        << qint64(1000000) << qint64(2000000) << 8000 << 8000;
    QTest::newRow("0.25 s to 0.75 s: 8000 * 0.5 s")
        << qint64(250000) << qint64(750000) << 2000 << 4000;
    QTest::newRow("starts before 0: clamped") << qint64(-5000000) << qint64(500000) << 0 << 4000;
    QTest::newRow("ends after 3 s: clamped")
        << qint64(2500000) << qint64(10000000) << 20000 << 4000;
    QTest::newRow("one frame exactly: [125, 250) µs") << qint64(125) << qint64(250) << 1 << 1;
    // Frames 1 (125 µs) and 2 (250 µs) are in [100, 300); frame 3 (375 µs) is not.
    QTest::newRow("between frames: [100, 300) µs") << qint64(100) << qint64(300) << 1 << 2;
    QTest::newRow("the last frame") << qint64(2999875) << WavExport::kToEnd << 23999 << 1;
}

void TestWavExport::spans()
{
    QFETCH(qint64, startUs);
    QFETCH(qint64, endUs);
    QFETCH(int, firstFrame);
    QFETCH(int, frames);

    const QString source = write(u"ramp.wav"_qs, rampWav());
    const QString target = m_dir.filePath(u"span.wav"_qs);
    const WavExportResult result = WavExport::exportWav(source, target, startUs, endUs);
    QVERIFY2(result.ok, qPrintable(result.error));
    QVERIFY(result.error.isEmpty());
    QCOMPARE(result.frames, frames);

    const std::optional<Exported> exported = readExport(target);
    QVERIFY(exported);
    QCOMPARE(exported->formatTag, 1);
    QCOMPARE(exported->channels, 1);
    QCOMPARE(exported->sampleRate, 8000);
    QCOMPARE(exported->bitsPerSample, 16);
    QCOMPARE(exported->dataBytes, quint32(frames * 2));
    QCOMPARE(exported->riffBytes, quint32(36 + frames * 2));
    QCOMPARE(QFileInfo(target).size(), 44 + frames * 2);
    QCOMPARE(int(exported->samples.size()), frames);
    for (int i = 0; i < frames; ++i)
        QCOMPARE(exported->samples[size_t(i)], qint16(firstFrame + i - 12000));
}

void TestWavExport::badSpans_data()
{
    QTest::addColumn<qint64>("startUs");
    QTest::addColumn<qint64>("endUs");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("ends where it starts") << qint64(1000000) << qint64(1000000) << u"empty"_qs;
    QTest::newRow("ends before it starts") << qint64(2000000) << qint64(1000000) << u"empty"_qs;
    QTest::newRow("starts after the end") << qint64(5000000) << qint64(6000000) << u"3.00 s"_qs;
    QTest::newRow("starts exactly at the end")
        << qint64(3000000) << WavExport::kToEnd << u"after the recording ends"_qs;
    QTest::newRow("ends before the start") << qint64(-2000000) << qint64(0) << u"no samples"_qs;
    // No frame's time is in [10, 20) µs: frame 0 is at 0, frame 1 at 125.
    QTest::newRow("between two frames") << qint64(10) << qint64(20) << u"no samples"_qs;
}

void TestWavExport::badSpans()
{
    QFETCH(qint64, startUs);
    QFETCH(qint64, endUs);
    QFETCH(QString, mentions);

    const QString source = write(u"ramp.wav"_qs, rampWav());
    const QString target = m_dir.filePath(u"bad-span.wav"_qs);
    QFile::remove(target);
    const WavExportResult result = WavExport::exportWav(source, target, startUs, endUs);
    QVERIFY(!result.ok);
    QVERIFY2(result.error.contains(mentions), qPrintable(result.error));
    QVERIFY(result.error.endsWith(u'.'));
    QCOMPARE(result.frames, 0);
    QVERIFY(!QFile::exists(target));
}

void TestWavExport::g711IsDecoded_data()
{
    QTest::addColumn<int>("formatTag");
    QTest::addColumn<QByteArray>("codes");
    QTest::addColumn<QList<int>>("expected");

    // ITU-T G.711 values, worked out in tst_pcmdecoder.cpp: A-law 0xD5 = 8, 0x55 = -8,
    // 0xAA = 32256, 0x2A = -32256; mu-law 0xFF = 0, 0x00 = -32124, 0x80 = 32124, 0xEF = 132.
    QTest::newRow("A-law") << 6 << QByteArray("\xD5\x55\xAA\x2A", 4)
                           << QList<int> { 8, -8, 32256, -32256 };
    QTest::newRow("mu-law") << 7 << QByteArray("\xFF\x00\x80\xEF", 4)
                            << QList<int> { 0, -32124, 32124, 132 };
}

void TestWavExport::g711IsDecoded()
{
    QFETCH(int, formatTag);
    QFETCH(QByteArray, codes);
    QFETCH(QList<int>, expected);

    // 8000 frames (1 s): the four codes, then code 0xD5/0xFF (A-law 8 / mu-law 0) repeated.
    QByteArray samples = codes;
    samples.append(QByteArray(8000 - codes.size(), formatTag == 6 ? '\xD5' : '\xFF'));
    const QString source = write(u"g711.wav"_qs, makeWav(formatTag, 8, 1, 8000, samples));
    const QString target = m_dir.filePath(u"g711-export.wav"_qs);
    const WavExportResult result = WavExport::exportWav(source, target);
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.frames, 8000);

    const std::optional<Exported> exported = readExport(target);
    QVERIFY(exported);
    QCOMPARE(exported->formatTag, 1);
    QCOMPARE(exported->bitsPerSample, 16);
    QCOMPARE(exported->sampleRate, 8000);
    QCOMPARE(exported->dataBytes, quint32(16000));
    for (int i = 0; i < expected.size(); ++i)
        QCOMPARE(int(exported->samples[size_t(i)]), expected.at(i));
    QCOMPARE(int(exported->samples.back()), formatTag == 6 ? 8 : 0);

    // The exported file is what the player's header check calls clean 16-bit PCM.
    const std::optional<WavInfo> info = WavProbe::probeFile(target);
    QVERIFY(info);
    QCOMPARE(info->codec, WavInfo::Codec::Pcm);
    QCOMPARE(info->problem, WavInfo::Problem::None);
    QCOMPARE(info->durationMicroseconds(), 1000000);
}

void TestWavExport::truncatedSource()
{
    // The header claims 3 s; 1 s (8000 frames) is there. The whole export is that 1 s, and a
    // span reaching past it is clamped to it.
    const QByteArray wav = rampWav(48000, 8000);
    const QString source = write(u"cut.wav"_qs, wav);
    const QString target = m_dir.filePath(u"cut-export.wav"_qs);

    WavExportResult result = WavExport::exportWav(source, target);
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.frames, 8000);
    std::optional<Exported> exported = readExport(target);
    QVERIFY(exported);
    QCOMPARE(exported->dataBytes, quint32(16000));
    QCOMPARE(exported->samples.back(), qint16(7999 - 12000));

    result = WavExport::exportWav(source, target, 500000, 2500000);
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.frames, 4000);
    exported = readExport(target);
    QVERIFY(exported);
    QCOMPARE(exported->samples.front(), qint16(4000 - 12000));

    // Sizes never set: the same 8000 frames.
    const QString unset = write(u"unset.wav"_qs, rampWav(0, 8000));
    result = WavExport::exportWav(unset, target);
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.frames, 8000);

    // A 44-byte WAV has nothing to export.
    const QString empty = write(u"empty.wav"_qs, makeWav(1, 16, 1, 8000, {}));
    result = WavExport::exportWav(empty, m_dir.filePath(u"nothing.wav"_qs));
    QVERIFY(!result.ok);
    QVERIFY2(result.error.contains(u"no samples"_qs), qPrintable(result.error));
    QVERIFY(!QFile::exists(m_dir.filePath(u"nothing.wav"_qs)));
}

void TestWavExport::stereoSample()
{
    const QString dir = qEnvironmentVariable("CRN_SAMPLES_DIR");
    const QString source = dir + u"/audio/pjproject_input_8k_stereo.wav"_qs;
    if (dir.isEmpty() || !QFile::exists(source))
        QSKIP("The shared samples are not there (CRN_SAMPLES_DIR).");

    // SOURCES.md: 2 channels, 16-bit PCM, 8 kHz, 4.20 s: 33,627 frames. A 16-bit source exports
    // its own samples unchanged, so the export's samples equal the source's data chunk.
    const std::optional<WavInfo> info = WavProbe::probeFile(source);
    QVERIFY(info);
    QFile file(source);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.seek(info->dataOffset));
    const QByteArray sourceData = file.read(info->dataBytes);
    QCOMPARE(sourceData.size(), 33627 * 4);

    const QString target = m_dir.filePath(u"stereo-export.wav"_qs);
    WavExportResult result = WavExport::exportWav(source, target);
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.frames, 33627);
    std::optional<Exported> exported = readExport(target);
    QVERIFY(exported);
    QCOMPARE(exported->channels, 2);
    QCOMPARE(exported->sampleRate, 8000);
    QCOMPARE(exported->dataBytes, quint32(33627 * 4));
    QCOMPARE(QFile(target).size(), 44 + 33627 * 4);
    QFile written(target);
    QVERIFY(written.open(QIODevice::ReadOnly));
    QVERIFY(written.readAll().mid(44) == sourceData);

    // Seconds 1 to 2: 8000 frames of 4 bytes from byte 8000 * 4 of the data.
    result = WavExport::exportWav(source, target, 1000000, 2000000);
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.frames, 8000);
    QFile span(target);
    QVERIFY(span.open(QIODevice::ReadOnly));
    QVERIFY(span.readAll().mid(44) == sourceData.mid(32000, 32000));
}

void TestWavExport::targetProblems()
{
    const QString source = write(u"ramp.wav"_qs, rampWav());

    WavExportResult result = WavExport::exportWav(source, source);
    QVERIFY(!result.ok);
    QVERIFY2(result.error.contains(u"cannot replace"_qs), qPrintable(result.error));
    QCOMPARE(QFileInfo(source).size(), 44 + 48000);

    result = WavExport::exportWav(source, m_dir.filePath(u"no/such/folder/out.wav"_qs));
    QVERIFY(!result.ok);
    QVERIFY2(result.error.contains(u"cannot be written"_qs), qPrintable(result.error));

    result = WavExport::exportWav(m_dir.filePath(u"absent.wav"_qs), m_dir.filePath(u"x.wav"_qs));
    QVERIFY(!result.ok);
    QVERIFY2(result.error.contains(u"cannot be opened"_qs), qPrintable(result.error));
    QVERIFY(!QFile::exists(m_dir.filePath(u"x.wav"_qs)));

    const QString gsm
        = write(u"gsm.wav"_qs, makeWav(0x31, 0, 1, 8000, QByteArray(130, '\0'), -1, 65));
    result = WavExport::exportWav(gsm, m_dir.filePath(u"x.wav"_qs));
    QVERIFY(!result.ok);
    QVERIFY2(result.error.contains(u"GSM"_qs), qPrintable(result.error));
}

void TestWavExport::asyncWithProgress()
{
    // 60 s at 8 kHz, so the export takes several blocks and reports progress on the way.
    const QString source = write(u"minute.wav"_qs, rampWav(-1, 480000));
    const QString target = m_dir.filePath(u"minute-export.wav"_qs);

    QFutureWatcher<WavExportResult> watcher;
    QSignalSpy finished(&watcher, &QFutureWatcherBase::finished);
    QSignalSpy progress(&watcher, &QFutureWatcherBase::progressValueChanged);
    watcher.setFuture(WavExport::exportWavAsync(source, target, 0, 30000000));
    QVERIFY(finished.wait(20000));

    const WavExportResult result = watcher.result();
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.frames, 240000);
    QCOMPARE(watcher.progressMaximum(), 1000);
    QCOMPARE(watcher.progressValue(), 1000);
    QVERIFY(!progress.isEmpty());
    QCOMPARE(QFileInfo(target).size(), 44 + 240000 * 2);

    // A bad span comes back as a sentence through the future too.
    QFutureWatcher<WavExportResult> failing;
    QSignalSpy failed(&failing, &QFutureWatcherBase::finished);
    failing.setFuture(WavExport::exportWavAsync(source, target, 10, 10));
    QVERIFY(failed.wait(10000));
    QVERIFY(!failing.result().ok);
    QVERIFY(!failing.result().error.isEmpty());
}

void TestWavExport::cancelledBeforeItRuns()
{
    // The pool's only thread waits on a semaphore, so the export is still queued when it is
    // cancelled; once the thread is free the export must not run and must write nothing.
    const QString source = write(u"queued.wav"_qs, rampWav());
    const QString target = m_dir.filePath(u"queued-export.wav"_qs);
    QFile::remove(target);

    QThreadPool pool;
    pool.setMaxThreadCount(1);
    QSemaphore gate;
    pool.start([&gate] { gate.acquire(); });
    QFuture<WavExportResult> future
        = WavExport::exportWavAsync(source, target, 0, WavExport::kToEnd, &pool);
    future.cancel();
    gate.release();
    QVERIFY(pool.waitForDone(10000));

    QVERIFY(future.isCanceled());
    QVERIFY(future.isFinished());
    QCOMPARE(future.resultCount(), 0);
    QVERIFY(!QFile::exists(target));
}

QTEST_GUILESS_MAIN(TestWavExport)
#include "tst_wavexport.moc"
