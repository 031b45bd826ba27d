#include "testwav.h"
#include "wavrepair.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

namespace {

quint32 sizeAt(const QByteArray &bytes, qsizetype offset)
{
    return qFromLittleEndian<quint32>(bytes.constData() + offset);
}

} // namespace

class TestWavRepair : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void repairs_data();
    void repairs();
    void keepsChunksBeforeTheSamples();
    void cleanFileIsPlayedAsItIs();
    void reusesACurrentCopy();
    void rewritesAStaleCopy();
    void saysWhyTheCopyCannotBeWritten();

private:
    QString writeSource(const QString &name, const QByteArray &bytes);

    QTemporaryDir m_dir;
};

QString TestWavRepair::writeSource(const QString &name, const QByteArray &bytes)
{
    const QString path = m_dir.filePath(name);
    if (!TestWav::write(path, bytes))
        qFatal("Cannot write a test file in the temporary folder");
    return path;
}

void TestWavRepair::repairs_data()
{
    QTest::addColumn<QByteArray>("source");
    QTest::addColumn<quint32>("dataBytes");
    QTest::addColumn<quint32>("riffSize");
    QTest::addColumn<qint64>("fileSize");

    const TestWav::Format pcm;
    // One second of 16-bit mono at 8 kHz is 16000 bytes; the header is 44 bytes, and the RIFF
    // size counts everything after its own 8 bytes: 44 + 16000 - 8 = 16036.
    QTest::newRow("sizes 0, 1 s present")
        << TestWav::header(pcm, 0, 0) + TestWav::samples(pcm, 16000) << 16000u << 16036u
        << Q_INT64_C(16044);
    // Streaming writers also leave 0xFFFFFFFF until they finish.
    QTest::newRow("sizes 0xFFFFFFFF, 1 s present")
        << TestWav::header(pcm, 0xFFFFFFFF, 0xFFFFFFFF) + TestWav::samples(pcm, 16000) << 16000u
        << 16036u << Q_INT64_C(16044);
    // Claims 10.0 s (160000 bytes), holds 3.1 s: 3.1 * 16000 = 49600 bytes.
    QTest::newRow("truncated, 3.1 s of 10.0 s")
        << TestWav::header(pcm, 36 + 160000, 160000) + TestWav::samples(pcm, 49600) << 49600u
        << 49636u << Q_INT64_C(49644);
    // Stereo frames are 4 bytes; 3 bytes of a frame cut off leave 7999 whole frames.
    TestWav::Format stereo;
    stereo.channels = 2;
    QTest::newRow("truncated inside a frame")
        << TestWav::clean(stereo, 32000).chopped(3) << 31996u << 32032u << Q_INT64_C(32040);
    // 8001 mu-law bytes: an odd chunk takes a pad byte, which the RIFF size counts.
    TestWav::Format mulaw { 7, 8 };
    QTest::newRow("mu-law, sizes 0, odd length")
        << TestWav::header(mulaw, 0, 0) + TestWav::samples(mulaw, 8001) << 8001u << 8038u
        << Q_INT64_C(8046);
}

void TestWavRepair::repairs()
{
    QFETCH(QByteArray, source);
    QFETCH(quint32, dataBytes);
    QFETCH(quint32, riffSize);
    QFETCH(qint64, fileSize);

    const QString path = writeSource(u"repairs.wav"_qs, source);
    const auto info = WavProbe::probeFile(path);
    QVERIFY(info);
    QVERIFY(WavRepair::needsRepair(*info));

    QString error;
    const auto copy = WavRepair::playableCopy(path, *info, &error);
    QVERIFY2(copy, qPrintable(error));
    QCOMPARE(*copy, path + u".playable.wav"_qs);

    // The source keeps its bytes: the download cache compares them.
    QCOMPARE(TestWav::read(path), source);

    const QByteArray repaired = TestWav::read(*copy);
    QCOMPARE(repaired.size(), fileSize);
    QCOMPARE(sizeAt(repaired, 4), riffSize);
    QCOMPARE(sizeAt(repaired, 40), dataBytes);
    QCOMPARE(repaired.mid(44, dataBytes), source.mid(44, dataBytes));
    QCOMPARE(repaired.left(4), QByteArray("RIFF"));
    QCOMPARE(repaired.mid(8, 32), source.mid(8, 32));

    const auto repairedInfo = WavProbe::probeFile(*copy);
    QVERIFY(repairedInfo);
    QCOMPARE(repairedInfo->problem, WavInfo::Problem::None);
    QCOMPARE(repairedInfo->dataBytes, qint64(dataBytes));
}

void TestWavRepair::keepsChunksBeforeTheSamples()
{
    // RIFF, its size and "WAVE" take 12 bytes and the "fmt " chunk 8 + 16, so 36; a LIST chunk
    // of 8 + 10 bytes follows, which puts the data header at 54 and the samples at 62. Sizes
    // 0 with 2000 bytes of samples present: RIFF size 62 + 2000 - 8 = 2054.
    const TestWav::Format pcm;
    QByteArray source = TestWav::header(pcm, 0, 0).left(36);
    source.append("LIST");
    TestWav::put32(&source, 10);
    source.append("INFOabcdef");
    source.append("data");
    TestWav::put32(&source, 0);
    source.append(TestWav::samples(pcm, 2000));
    QCOMPARE(source.size(), qsizetype(62 + 2000));

    const QString path = writeSource(u"list.wav"_qs, source);
    const auto info = WavProbe::probeFile(path);
    QVERIFY(info);
    const auto copy = WavRepair::playableCopy(path, *info);
    QVERIFY(copy);

    const QByteArray repaired = TestWav::read(*copy);
    QCOMPARE(repaired.size(), qsizetype(2062));
    QCOMPARE(sizeAt(repaired, 4), 2054u);
    QCOMPARE(repaired.mid(8, 46), source.mid(8, 46));
    QCOMPARE(repaired.mid(54, 4), QByteArray("data"));
    QCOMPARE(sizeAt(repaired, 58), 2000u);
    QCOMPARE(repaired.mid(62), source.mid(62));
}

void TestWavRepair::cleanFileIsPlayedAsItIs()
{
    const QString path = writeSource(u"clean.wav"_qs, TestWav::clean({}, 16000));
    const auto info = WavProbe::probeFile(path);
    QVERIFY(info);
    QVERIFY(!WavRepair::needsRepair(*info));

    QCOMPARE(WavRepair::playableCopy(path, *info), std::optional<QString>(path));
    QVERIFY(!QFileInfo::exists(WavRepair::playablePath(path)));
}

void TestWavRepair::reusesACurrentCopy()
{
    const TestWav::Format pcm;
    const QString path
        = writeSource(u"reuse.wav"_qs, TestWav::header(pcm, 0, 0) + TestWav::samples(pcm, 8000));
    const auto info = WavProbe::probeFile(path);
    QVERIFY(info);
    const auto copy = WavRepair::playableCopy(path, *info);
    QVERIFY(copy);

    // Mark the copy with a time of our own, later than the source: a rewrite would replace it.
    const QDateTime marked = QFileInfo(path).lastModified().addSecs(60);
    {
        QFile file(*copy);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.setFileTime(marked, QFileDevice::FileModificationTime));
    }

    QCOMPARE(WavRepair::playableCopy(path, *info), copy);
    QCOMPARE(QFileInfo(*copy).lastModified(), marked);
}

void TestWavRepair::rewritesAStaleCopy()
{
    // The recording of a running call, fetched twice: the second fetch holds more samples.
    const TestWav::Format pcm;
    const QString path
        = writeSource(u"stale.wav"_qs, TestWav::header(pcm, 0, 0) + TestWav::samples(pcm, 8000));
    const auto first = WavProbe::probeFile(path);
    QVERIFY(first);
    const auto copy = WavRepair::playableCopy(path, *first);
    QVERIFY(copy);
    QCOMPARE(QFileInfo(*copy).size(), qint64(44 + 8000));

    QVERIFY(TestWav::write(path, TestWav::header(pcm, 0, 0) + TestWav::samples(pcm, 12000)));
    // Even when the copy looks newer than the source, a copy of the wrong size is stale.
    {
        QFile file(*copy);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.setFileTime(QFileInfo(path).lastModified().addSecs(60),
                                 QFileDevice::FileModificationTime));
    }
    const auto second = WavProbe::probeFile(path);
    QVERIFY(second);
    QCOMPARE(WavRepair::playableCopy(path, *second), copy);
    QCOMPARE(QFileInfo(*copy).size(), qint64(44 + 12000));

    // A source newer than its copy is copied again, even at the same size.
    {
        QFile file(*copy);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.setFileTime(QFileInfo(path).lastModified().addSecs(-60),
                                 QFileDevice::FileModificationTime));
    }
    QCOMPARE(WavRepair::playableCopy(path, *second), copy);
    QVERIFY(QFileInfo(*copy).lastModified() >= QFileInfo(path).lastModified());
}

void TestWavRepair::saysWhyTheCopyCannotBeWritten()
{
    const TestWav::Format pcm;
    const QString path
        = writeSource(u"blocked.wav"_qs, TestWav::header(pcm, 0, 0) + TestWav::samples(pcm, 8000));
    // A folder where the copy should go: no file can be written there.
    QVERIFY(QDir().mkpath(WavRepair::playablePath(path)));
    const auto info = WavProbe::probeFile(path);
    QVERIFY(info);

    QString error;
    QVERIFY(!WavRepair::playableCopy(path, *info, &error));
    QVERIFY2(error.startsWith(u"A playable copy could not be written"_qs), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestWavRepair)
#include "tst_wavrepair.moc"
