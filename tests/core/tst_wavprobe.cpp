#include "media/wavprobe.h"

#include <QBuffer>
#include <QDir>
#include <QTest>
#include <QtEndian>

namespace {

// A RIFF/WAVE file built by hand: 8 kHz, the given format tag and sample size, `frames` frames
// of silence, with the sizes the header should claim (or 0 for a recording still running).
QByteArray makeWav(int formatTag, int bitsPerSample, int channels, int frames, bool sizesSet,
                   int blockAlign = 0)
{
    if (blockAlign == 0)
        blockAlign = channels * bitsPerSample / 8;
    const quint32 dataBytes = quint32(frames * blockAlign);

    QByteArray wav;
    auto put16 = [&wav](quint16 value) {
        wav.append(char(value & 0xff)).append(char(value >> 8));
    };
    auto put32 = [&wav](quint32 value) {
        for (int shift = 0; shift < 32; shift += 8)
            wav.append(char((value >> shift) & 0xff));
    };
    wav.append("RIFF");
    put32(sizesSet ? 36 + dataBytes : 0);
    wav.append("WAVEfmt ");
    put32(16);
    put16(quint16(formatTag));
    put16(quint16(channels));
    put32(8000);
    put32(quint32(8000 * blockAlign));
    put16(quint16(blockAlign));
    put16(quint16(bitsPerSample));
    wav.append("data");
    put32(sizesSet ? dataBytes : 0);
    wav.append(QByteArray(int(dataBytes), '\0'));
    return wav;
}

std::optional<WavInfo> probeBytes(const QByteArray &bytes, QString *error = nullptr)
{
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    return WavProbe::probe(&buffer, error);
}

} // namespace

class TestWavProbe : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void samples_data();
    void samples();
    void damagedFiles_data();
    void damagedFiles();
    void notAWav();
};

void TestWavProbe::samples_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("channels");
    QTest::addColumn<qint64>("durationUs");

    // Data chunk sizes read from the headers with xxd: 164160, 67254 and 134508 bytes of
    // 16-bit samples at 8000 Hz, so 164160 / 16000 = 10.26 s and 67254 / 16000 = 4.203375 s.
    QTest::newRow("talking, mono")
        << u"asterisk_testsuite_talking_8k_mono.wav"_qs << 1 << Q_INT64_C(10260000);
    QTest::newRow("pjproject, mono")
        << u"pjproject_input_8k_mono.wav"_qs << 1 << Q_INT64_C(4203375);
    QTest::newRow("pjproject, stereo")
        << u"pjproject_input_8k_stereo.wav"_qs << 2 << Q_INT64_C(4203375);
}

void TestWavProbe::samples()
{
    QFETCH(QString, file);
    QFETCH(int, channels);
    QFETCH(qint64, durationUs);

    const QString samples = qEnvironmentVariable("CRN_SAMPLES_DIR");
    if (samples.isEmpty() || !QDir(samples).exists(u"audio"_qs))
        QSKIP("CRN_SAMPLES_DIR/audio is not here; the sample recordings are not checked");

    QString error;
    const auto info = WavProbe::probeFile(samples + u"/audio/"_qs + file, &error);
    QVERIFY2(info, qPrintable(error));
    QCOMPARE(info->codec, WavInfo::Codec::Pcm);
    QCOMPARE(info->channels, channels);
    QCOMPARE(info->sampleRate, 8000);
    QCOMPARE(info->dataOffset, qint64(44));
    QCOMPARE(info->durationMicroseconds(), durationUs);
    QCOMPARE(info->problem, WavInfo::Problem::None);
}

void TestWavProbe::damagedFiles_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<WavInfo::Codec>("codec");
    QTest::addColumn<WavInfo::Problem>("problem");
    QTest::addColumn<qint64>("durationUs");

    // 8000 frames at 8 kHz is one second, whatever the sample size.
    QTest::newRow("sizes 0, samples present")
        << makeWav(1, 16, 1, 8000, false) << WavInfo::Codec::Pcm << WavInfo::Problem::SizesUnset
        << Q_INT64_C(1000000);
    QTest::newRow("44 bytes, no samples") << makeWav(1, 16, 1, 0, true) << WavInfo::Codec::Pcm
                                          << WavInfo::Problem::Empty << Q_INT64_C(0);
    QTest::newRow("mu-law") << makeWav(7, 8, 1, 8000, true) << WavInfo::Codec::MuLaw
                            << WavInfo::Problem::None << Q_INT64_C(1000000);
    QTest::newRow("a-law") << makeWav(6, 8, 1, 16000, true) << WavInfo::Codec::ALaw
                           << WavInfo::Problem::None << Q_INT64_C(2000000);
    // GSM 6.10: 65-byte blocks of 320 samples; 25 blocks are 8000 samples, one second.
    QTest::newRow("gsm") << makeWav(0x31, 0, 1, 25, true, 65) << WavInfo::Codec::Gsm610
                         << WavInfo::Problem::UnsupportedCodec << Q_INT64_C(1000000);
    // Half of a one-second file's samples cut away: 0.5 s remain.
    QTest::newRow("truncated") << makeWav(1, 16, 1, 8000, true).chopped(8000) << WavInfo::Codec::Pcm
                               << WavInfo::Problem::Truncated << Q_INT64_C(500000);
    // A cut inside a frame: the partial frame is not counted.
    QTest::newRow("truncated mid-frame")
        << makeWav(1, 16, 2, 8000, true).chopped(3) << WavInfo::Codec::Pcm
        << WavInfo::Problem::Truncated << Q_INT64_C(999875);
}

void TestWavProbe::damagedFiles()
{
    QFETCH(QByteArray, bytes);
    QFETCH(WavInfo::Codec, codec);
    QFETCH(WavInfo::Problem, problem);
    QFETCH(qint64, durationUs);

    QString error;
    const auto info = probeBytes(bytes, &error);
    QVERIFY2(info, qPrintable(error));
    QCOMPARE(info->codec, codec);
    QCOMPARE(info->problem, problem);
    QCOMPARE(info->durationMicroseconds(), durationUs);
}

void TestWavProbe::notAWav()
{
    QString error;
    QVERIFY(!probeBytes(QByteArray("OggS\0\0\0\0\0\0\0\0\0\0", 14), &error));
    QCOMPARE(error, u"It is not a WAV file."_qs);

    QVERIFY(!probeBytes(makeWav(1, 16, 1, 10, true).left(20), &error));
    QVERIFY(!error.isEmpty());
}

QTEST_GUILESS_MAIN(TestWavProbe)
#include "tst_wavprobe.moc"
