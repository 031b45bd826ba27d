#include "pcmdecoder.h"

#include "testwav.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <algorithm>
#include <cmath>
#include <limits>
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

QByteArray int16Bytes(const std::vector<qint16> &samples)
{
    QByteArray bytes(qsizetype(samples.size() * 2), '\0');
    for (size_t i = 0; i < samples.size(); ++i)
        qToLittleEndian<qint16>(samples[i], bytes.data() + 2 * i);
    return bytes;
}

WavInfo infoFor(WavInfo::Codec codec, int bitsPerSample, int channels = 1)
{
    WavInfo info;
    info.codec = codec;
    info.channels = channels;
    info.sampleRate = 8000;
    info.bitsPerSample = bitsPerSample;
    info.blockAlign = channels * bitsPerSample / 8;
    return info;
}

std::vector<qint16> readAll(PcmDecoder *decoder, qint64 framesPerRead)
{
    std::vector<qint16> all;
    std::vector<qint16> block(size_t(framesPerRead * decoder->channels()));
    qint64 frames = 0;
    while ((frames = decoder->read(block.data(), framesPerRead)) > 0)
        all.insert(all.end(), block.begin(), block.begin() + frames * decoder->channels());
    return all;
}

} // namespace

class TestPcmDecoder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void g711_data();
    void g711();
    void g711Symmetry();
    void pcm_data();
    void pcm();
    void stereoFile();
    void blocksAcrossTheBuffer();
    void sizesUnset();
    void truncated();
    void emptyFile();
    void seek();
    void cannotDecode_data();
    void cannotDecode();
    void talkingSample();

private:
    QString write(const QString &name, const QByteArray &bytes);

    QTemporaryDir m_dir;
};

void TestPcmDecoder::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

QString TestPcmDecoder::write(const QString &name, const QByteArray &bytes)
{
    const QString path = m_dir.filePath(name);
    if (!TestWav::write(path, bytes))
        qFatal("cannot write the test file");
    return path;
}

void TestPcmDecoder::g711_data()
{
    QTest::addColumn<bool>("aLaw");
    QTest::addColumn<int>("code");
    QTest::addColumn<int>("expected");

    // mu-law (ITU-T G.711 table 2): the code is sent inverted; inverted bit 7 set = negative,
    // bits 4-6 = segment s, bits 0-3 = mantissa m, magnitude ((2m + 33) << s) - 33 in 14-bit
    // units, times 4 for 16 bits.
    // 0xFF -> inverted 0x00: s 0, m 0: (33 - 33) * 4 = 0.
    QTest::newRow("mu-law 0xFF, positive zero") << false << 0xFF << 0;
    // 0x7F -> inverted 0x80: the same magnitude 0 with the sign set: mu-law's second zero.
    QTest::newRow("mu-law 0x7F, negative zero") << false << 0x7F << 0;
    // 0x00 -> inverted 0xFF: negative, s 7, m 15: ((30 + 33) * 128 - 33) * 4 = 8031 * 4.
    QTest::newRow("mu-law 0x00, most negative") << false << 0x00 << -32124;
    // 0x80 -> inverted 0x7F: positive, s 7, m 15.
    QTest::newRow("mu-law 0x80, most positive") << false << 0x80 << 32124;
    // 0xEF -> inverted 0x10: positive, s 1, m 0: (33 * 2 - 33) * 4 = 132.
    QTest::newRow("mu-law 0xEF, first step of segment 1") << false << 0xEF << 132;
    // 0x6F -> inverted 0x90: the same, negative.
    QTest::newRow("mu-law 0x6F, negative") << false << 0x6F << -132;

    // A-law (ITU-T G.711 table 1): even bits are inverted on the line (XOR 0x55); then bit 7
    // set = positive, bits 4-6 = segment s, bits 0-3 = mantissa m. In 16-bit scale segment 0
    // is 16m + 8, and segment s > 0 is (16m + 264) << (s - 1): the middle of each interval.
    // 0xD5 -> 0x80: positive, s 0, m 0: 8.
    QTest::newRow("A-law 0xD5, smallest positive") << true << 0xD5 << 8;
    // 0x55 -> 0x00: negative, s 0, m 0.
    QTest::newRow("A-law 0x55, smallest negative") << true << 0x55 << -8;
    // 0xAA -> 0xFF: positive, s 7, m 15: (240 + 264) << 6 = 504 * 64.
    QTest::newRow("A-law 0xAA, most positive") << true << 0xAA << 32256;
    // 0x2A -> 0x7F: negative, s 7, m 15.
    QTest::newRow("A-law 0x2A, most negative") << true << 0x2A << -32256;
    // 0xC5 -> 0x90: positive, s 1, m 0: (0 + 264) << 0.
    QTest::newRow("A-law 0xC5, segment 1") << true << 0xC5 << 264;
    // 0xD4 -> 0x81: positive, s 0, m 1: 16 + 8.
    QTest::newRow("A-law 0xD4, segment 0, mantissa 1") << true << 0xD4 << 24;
}

void TestPcmDecoder::g711()
{
    QFETCH(bool, aLaw);
    QFETCH(int, code);
    QFETCH(int, expected);

    const qint16 value
        = aLaw ? PcmDecoder::aLawToLinear(quint8(code)) : PcmDecoder::muLawToLinear(quint8(code));
    QCOMPARE(int(value), expected);

    // The same byte through the block decoder gives the same sample.
    const WavInfo info = infoFor(aLaw ? WavInfo::Codec::ALaw : WavInfo::Codec::MuLaw, 8);
    const char byte = char(code);
    qint16 decoded = 0;
    PcmDecoder::decode(info, &byte, 1, &decoded);
    QCOMPARE(int(decoded), expected);
}

void TestPcmDecoder::g711Symmetry()
{
    // Both laws are sign-magnitude: flipping bit 7 of a code negates its value, and within a
    // sign the magnitude never falls as the code's magnitude bits rise.
    for (int code = 0; code < 256; ++code) {
        QCOMPARE(PcmDecoder::aLawToLinear(quint8(code)),
                 qint16(-PcmDecoder::aLawToLinear(quint8(code ^ 0x80))));
        QCOMPARE(PcmDecoder::muLawToLinear(quint8(code)),
                 qint16(-PcmDecoder::muLawToLinear(quint8(code ^ 0x80))));
    }
    for (int magnitude = 1; magnitude < 128; ++magnitude) {
        // mu-law: larger magnitude = smaller code on the line (it is inverted).
        QVERIFY(PcmDecoder::muLawToLinear(quint8(0xFF - magnitude))
                > PcmDecoder::muLawToLinear(quint8(0xFF - magnitude + 1)));
        QVERIFY(PcmDecoder::aLawToLinear(quint8(0x80 | (magnitude ^ 0x55)))
                > PcmDecoder::aLawToLinear(quint8(0x80 | ((magnitude - 1) ^ 0x55))));
    }
}

void TestPcmDecoder::pcm_data()
{
    QTest::addColumn<int>("codec");
    QTest::addColumn<int>("bits");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("expected");

    const int pcm = int(WavInfo::Codec::Pcm);
    const int real = int(WavInfo::Codec::Float);
    auto floatBytes = [](float value) {
        QByteArray bytes(4, '\0');
        qToLittleEndian<float>(value, bytes.data());
        return bytes;
    };
    auto doubleBytes = [](double value) {
        QByteArray bytes(8, '\0');
        qToLittleEndian<double>(value, bytes.data());
        return bytes;
    };

    // 8-bit WAV is unsigned with silence at 128; each step is 256 in 16 bits.
    QTest::newRow("8-bit 0x80 is silence") << pcm << 8 << QByteArray("\x80", 1) << 0;
    QTest::newRow("8-bit 0x00 is the lowest") << pcm << 8 << QByteArray("\x00", 1) << -32768;
    QTest::newRow("8-bit 0xFF is (255 - 128) * 256") << pcm << 8 << QByteArray("\xFF", 1) << 32512;
    QTest::newRow("8-bit 0x81 is one step") << pcm << 8 << QByteArray("\x81", 1) << 256;
    // 16-bit is little-endian two's complement.
    QTest::newRow("16-bit 0x1234") << pcm << 16 << QByteArray("\x34\x12", 2) << 0x1234;
    QTest::newRow("16-bit 0x8000") << pcm << 16 << QByteArray("\x00\x80", 2) << -32768;
    // 24-bit keeps its upper 16 bits: 0x123456 -> 0x1234, -1 -> -1 (rounded down).
    QTest::newRow("24-bit 0x123456") << pcm << 24 << QByteArray("\x56\x34\x12", 3) << 0x1234;
    QTest::newRow("24-bit -1") << pcm << 24 << QByteArray("\xFF\xFF\xFF", 3) << -1;
    QTest::newRow("24-bit lowest") << pcm << 24 << QByteArray("\x00\x00\x80", 3) << -32768;
    QTest::newRow("24-bit highest") << pcm << 24 << QByteArray("\xFF\xFF\x7F", 3) << 32767;
    QTest::newRow("32-bit 0x12345678") << pcm << 32 << QByteArray("\x78\x56\x34\x12", 4) << 0x1234;
    QTest::newRow("32-bit -65536") << pcm << 32 << QByteArray("\x00\x00\xFF\xFF", 4) << -1;
    // Float full scale is [-1, 1] -> 32768 times the value, clipped to 16 bits.
    QTest::newRow("float 0.5") << real << 32 << floatBytes(0.5f) << 16384;
    QTest::newRow("float -0.25") << real << 32 << floatBytes(-0.25f) << -8192;
    QTest::newRow("float 0") << real << 32 << floatBytes(0.0f) << 0;
    QTest::newRow("float 1.0 clips") << real << 32 << floatBytes(1.0f) << 32767;
    QTest::newRow("float -1.0 is the lowest") << real << 32 << floatBytes(-1.0f) << -32768;
    QTest::newRow("float 2.0 clips") << real << 32 << floatBytes(2.0f) << 32767;
    QTest::newRow("float -3.5 clips") << real << 32 << floatBytes(-3.5f) << -32768;
    QTest::newRow("float NaN is silence")
        << real << 32 << floatBytes(std::numeric_limits<float>::quiet_NaN()) << 0;
    QTest::newRow("double 0.5") << real << 64 << doubleBytes(0.5) << 16384;
    QTest::newRow("double 1.5 clips") << real << 64 << doubleBytes(1.5) << 32767;
}

void TestPcmDecoder::pcm()
{
    QFETCH(int, codec);
    QFETCH(int, bits);
    QFETCH(QByteArray, bytes);
    QFETCH(int, expected);

    const WavInfo info = infoFor(WavInfo::Codec(codec), bits);
    QVERIFY(PcmDecoder::canDecode(info));
    qint16 decoded = 1234;
    PcmDecoder::decode(info, bytes.constData(), 1, &decoded);
    QCOMPARE(int(decoded), expected);

    // The same sample through a file: header, open, read.
    const int formatTag = codec == int(WavInfo::Codec::Float) ? 3 : 1;
    const QString path = write(u"one.wav"_qs, makeWav(formatTag, bits, 1, 8000, bytes));
    PcmDecoder decoder;
    QString error;
    QVERIFY2(decoder.open(path, &error), qPrintable(error));
    QCOMPARE(decoder.frameCount(), 1);
    decoded = 1234;
    QCOMPARE(decoder.read(&decoded, 16), 1);
    QCOMPARE(int(decoded), expected);
    QCOMPARE(decoder.read(&decoded, 16), 0);
    QVERIFY(decoder.errorString().isEmpty());
}

void TestPcmDecoder::stereoFile()
{
    // Two frames of 24-bit stereo: left then right in each frame.
    const QByteArray samples("\x00\x00\x40" // left 0x400000 -> 16384
                             "\x00\x00\xC0" // right -0x400000 -> -16384
                             "\x00\x01\x00" // left 0x000100 -> 1
                             "\xFF\xFF\x7F", // right -> 32767
                             12);
    const QString path = write(u"stereo24.wav"_qs, makeWav(1, 24, 2, 16000, samples));
    PcmDecoder decoder;
    QVERIFY(decoder.open(path));
    QCOMPARE(decoder.channels(), 2);
    QCOMPARE(decoder.sampleRate(), 16000);
    QCOMPARE(decoder.frameCount(), 2);
    QCOMPARE(readAll(&decoder, 1), (std::vector<qint16> { 16384, -16384, 1, 32767 }));
}

void TestPcmDecoder::blocksAcrossTheBuffer()
{
    // 700,000 8-bit frames: well past the decoder's 256 KB buffer, read in odd-sized pieces,
    // so that block edges fall everywhere. Frame i holds byte i % 251 (a prime, so the pattern
    // does not line up with any power-of-two block), decoded as (byte - 128) * 256.
    const qint64 frames = 700000;
    QByteArray samples(frames, '\0');
    for (qint64 i = 0; i < frames; ++i)
        samples[i] = char(i % 251);
    const QString path = write(u"long8.wav"_qs, makeWav(1, 8, 1, 8000, samples));

    PcmDecoder decoder;
    QVERIFY(decoder.open(path));
    const std::vector<qint16> all = readAll(&decoder, 99991);
    QCOMPARE(qint64(all.size()), frames);
    for (qint64 i = 0; i < frames; ++i) {
        if (all[size_t(i)] != qint16((i % 251 - 128) * 256))
            QFAIL(qPrintable(u"frame %1 is %2"_qs.arg(i).arg(all[size_t(i)])));
    }

    // 16-bit is read straight into the caller's buffer: the same check on that path.
    std::vector<qint16> ramp(static_cast<size_t>(frames));
    for (qint64 i = 0; i < frames; ++i)
        ramp[size_t(i)] = qint16(i % 65521 - 32000);
    const QString path16 = write(u"long16.wav"_qs, makeWav(1, 16, 1, 8000, int16Bytes(ramp)));
    QVERIFY(decoder.open(path16));
    QCOMPARE(readAll(&decoder, 300007), ramp);
}

void TestPcmDecoder::sizesUnset()
{
    // MixMonitor leaves both sizes at 0 while it records: all 4000 frames that follow count.
    const std::vector<qint16> ramp = [] {
        std::vector<qint16> samples(4000);
        for (size_t i = 0; i < samples.size(); ++i)
            samples[i] = qint16(i * 8);
        return samples;
    }();
    const QString path = write(u"unset.wav"_qs, makeWav(1, 16, 1, 8000, int16Bytes(ramp), 0));
    PcmDecoder decoder;
    QVERIFY(decoder.open(path));
    QCOMPARE(decoder.info().problem, WavInfo::Problem::SizesUnset);
    QCOMPARE(decoder.frameCount(), 4000);
    QCOMPARE(readAll(&decoder, 1024), ramp);
}

void TestPcmDecoder::truncated()
{
    // The header claims 8000 mu-law stereo frames (16000 bytes); 1000 frames and half of one
    // more are there. The whole 1000 decode; the half frame does not.
    QByteArray samples;
    for (int i = 0; i < 1000; ++i)
        samples.append("\x80\x00", 2); // left 32124, right -32124
    samples.append('\xFF');
    const QString path = write(u"cut.wav"_qs, makeWav(7, 8, 2, 8000, samples, 16000));
    PcmDecoder decoder;
    QVERIFY(decoder.open(path));
    QCOMPARE(decoder.info().problem, WavInfo::Problem::Truncated);
    QCOMPARE(decoder.frameCount(), 1000);
    const std::vector<qint16> all = readAll(&decoder, 333);
    QCOMPARE(all.size(), size_t(2000));
    QCOMPARE(all.front(), qint16(32124));
    QCOMPARE(all[1], qint16(-32124));
    QCOMPARE(all[1998], qint16(32124));
    QCOMPARE(all.back(), qint16(-32124));
}

void TestPcmDecoder::emptyFile()
{
    // A 44-byte WAV: a valid header and no samples. It opens; there is nothing to read.
    const QString path = write(u"empty.wav"_qs, makeWav(1, 16, 1, 8000, {}));
    QCOMPARE(QFileInfo(path).size(), 44);
    PcmDecoder decoder;
    QVERIFY(decoder.open(path));
    QCOMPARE(decoder.frameCount(), 0);
    qint16 sample = 0;
    QCOMPARE(decoder.read(&sample, 1), 0);
}

void TestPcmDecoder::seek()
{
    // Frame i of this A-law file is code 0xD5 (8) except frame 500, code 0xAA (32256).
    QByteArray samples(1000, '\xD5');
    samples[500] = '\xAA';
    const QString path = write(u"seek.wav"_qs, makeWav(6, 8, 1, 8000, samples));
    PcmDecoder decoder;
    QVERIFY(decoder.open(path));
    QVERIFY(decoder.seekToFrame(499));
    qint16 three[3] = {};
    QCOMPARE(decoder.read(three, 3), 3);
    QCOMPARE(three[0], qint16(8));
    QCOMPARE(three[1], qint16(32256));
    QCOMPARE(three[2], qint16(8));
    QCOMPARE(decoder.position(), 502);

    // Past the end clamps to the end.
    QVERIFY(decoder.seekToFrame(5000));
    QCOMPARE(decoder.position(), 1000);
    QCOMPARE(decoder.read(three, 3), 0);
}

void TestPcmDecoder::cannotDecode_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("mentions");

    // GSM 6.10: 65-byte blocks of 320 samples (WavProbe reads it; nobody here decodes it).
    QTest::newRow("GSM 6.10") << makeWav(0x31, 0, 1, 8000, QByteArray(130, '\0'), -1, 65)
                              << u"GSM"_qs;
    QTest::newRow("ADPCM") << makeWav(2, 4, 1, 8000, QByteArray(512, '\0'), -1, 256) << u"tag 2"_qs;
    QTest::newRow("not a WAV") << QByteArray("ID3\x03 this is an MP3") << u"not a WAV"_qs;
}

void TestPcmDecoder::cannotDecode()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, mentions);

    const QString path = write(u"bad.wav"_qs, bytes);
    PcmDecoder decoder;
    QString error;
    QVERIFY(!decoder.open(path, &error));
    QVERIFY2(error.contains(mentions), qPrintable(error));
    qint16 sample = 0;
    QCOMPARE(decoder.read(&sample, 1), 0);

    QVERIFY(!decoder.open(m_dir.filePath(u"missing.wav"_qs), &error));
    QVERIFY2(error.contains(u"cannot be opened"_qs), qPrintable(error));
}

void TestPcmDecoder::talkingSample()
{
    const QString samples = qEnvironmentVariable("CRN_SAMPLES_DIR");
    const QString path = samples + u"/audio/asterisk_testsuite_talking_8k_mono.wav"_qs;
    if (samples.isEmpty() || !QFile::exists(path))
        QSKIP("The shared samples are not there (CRN_SAMPLES_DIR).");

    // SOURCES.md: 16-bit PCM at 8 kHz, mono, 10.26 s, so 82,080 frames.
    PcmDecoder decoder;
    QVERIFY(decoder.open(path));
    QCOMPARE(decoder.frameCount(), 82080);
    const std::vector<qint16> all = readAll(&decoder, 8192);
    QCOMPARE(all.size(), size_t(82080));
    // Voiced speech: it is not silence.
    QVERIFY(*std::max_element(all.begin(), all.end()) > 8192);
}

QTEST_GUILESS_MAIN(TestPcmDecoder)
#include "tst_pcmdecoder.moc"
