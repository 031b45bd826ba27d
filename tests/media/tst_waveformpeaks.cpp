#include "waveformpeaks.h"

#include "testwav.h"
#include <QDateTime>

#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
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

QByteArray pcm16(const std::vector<qint16> &samples, qint64 declaredBytes = -1, int channels = 1,
                 int sampleRate = 8000)
{
    QByteArray bytes(qsizetype(samples.size() * 2), '\0');
    for (size_t i = 0; i < samples.size(); ++i)
        qToLittleEndian<qint16>(samples[i], bytes.data() + 2 * i);
    return makeWav(1, 16, channels, sampleRate, bytes, declaredBytes);
}

// 8 kHz mono, 8080 frames (1.01 s): 0.5 s of a square wave of +-16384 with a 40-frame period,
// 0.5 s of silence, then 80 frames at 8192.
std::vector<qint16> squareThenSilence()
{
    std::vector<qint16> samples(8080, 0);
    for (size_t i = 0; i < 4000; ++i)
        samples[i] = (i / 20) % 2 == 0 ? 16384 : -16384;
    for (size_t i = 8000; i < 8080; ++i)
        samples[i] = 8192;
    return samples;
}

QDateTime modifiedAt(const QString &path)
{
    return QFileInfo(path).lastModified();
}

bool setModified(const QString &path, const QDateTime &time)
{
    QFile file(path);
    return file.open(QIODevice::ReadWrite)
        && file.setFileTime(time, QFileDevice::FileModificationTime);
}

} // namespace

class TestWaveformPeaks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void squareWaveAndSilence();
    void bucketEdgesAtOddRates();
    void stereoIsMixed();
    void muLaw();
    void sizesUnsetAndTruncated_data();
    void sizesUnsetAndTruncated();
    void samples_data();
    void samples();
    void talkingSampleHasFourPhrases();
    void cacheHit();
    void modifiedSourceIsRecomputed();
    void corruptCacheIsReplaced_data();
    void corruptCacheIsReplaced();
    void errors_data();
    void errors();
    void asyncOnThePool();

private:
    QString write(const QString &name, const QByteArray &bytes);
    static QString samplePath(const QString &name);

    QTemporaryDir m_dir;
};

void TestWaveformPeaks::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
}

QString TestWaveformPeaks::write(const QString &name, const QByteArray &bytes)
{
    const QString path = m_dir.filePath(name);
    if (!TestWav::write(path, bytes))
        qFatal("cannot write the test file");
    return path;
}

QString TestWaveformPeaks::samplePath(const QString &name)
{
    const QString dir = qEnvironmentVariable("CRN_SAMPLES_DIR");
    const QString path = dir + u"/audio/"_qs + name;
    return !dir.isEmpty() && QFile::exists(path) ? path : QString();
}

void TestWaveformPeaks::squareWaveAndSilence()
{
    const QString path = write(u"square.wav"_qs, pcm16(squareThenSilence()));
    QString error;
    const std::optional<WaveformPeaks> peaks = Waveform::compute(path, &error);
    QVERIFY2(peaks, qPrintable(error));

    // 8080 frames at 8000 Hz = 1.01 s; 50 buckets of 160 frames and a last one of 80.
    QCOMPARE(peaks->bucketsPerSecond, 50);
    QCOMPARE(peaks->durationUs, 1010000);
    QCOMPARE(peaks->channels, 1);
    QCOMPARE(peaks->bucketCount(), 51);
    QCOMPARE(peaks->maxima.size(), 51);
    // 16384 >> 8 = 64; -16384 >> 8 = -64; every 160-frame bucket of the square wave holds
    // both halves of its period.
    for (int bucket = 0; bucket < 25; ++bucket) {
        QCOMPARE(peaks->minimum(bucket), qint8(-64));
        QCOMPARE(peaks->maximum(bucket), qint8(64));
    }
    for (int bucket = 25; bucket < 50; ++bucket) {
        QCOMPARE(peaks->minimum(bucket), qint8(0));
        QCOMPARE(peaks->maximum(bucket), qint8(0));
    }
    // 8192 >> 8 = 32.
    QCOMPARE(peaks->minimum(50), qint8(32));
    QCOMPARE(peaks->maximum(50), qint8(32));
}

void TestWaveformPeaks::bucketEdgesAtOddRates()
{
    // At 11025 Hz a bucket is 220.5 frames: bucket 0 is frames 0-220 (frame 220 is at 19.95 ms),
    // bucket 1 starts at frame 221 (20.05 ms) and ends at 440, bucket 2 starts at 441.
    // 1000 frames = 90.70 ms: ceil(4.535) = 5 buckets.
    std::vector<qint16> samples(1000, 0);
    samples[220] = 32767; // 32767 >> 8 = 127
    samples[221] = -32768; // -32768 >> 8 = -128
    samples[440] = -256; // -1
    samples[441] = 255; // 255 >> 8 = 0, so bucket 2 stays 0 / 0
    const QString path = write(u"odd.wav"_qs, pcm16(samples, -1, 1, 11025));
    const std::optional<WaveformPeaks> peaks = Waveform::compute(path);
    QVERIFY(peaks);
    QCOMPARE(peaks->bucketCount(), 5);
    QCOMPARE(peaks->durationUs, 1000 * 1000000LL / 11025);
    QCOMPARE(peaks->minimum(0), qint8(0));
    QCOMPARE(peaks->maximum(0), qint8(127));
    QCOMPARE(peaks->minimum(1), qint8(-128));
    QCOMPARE(peaks->maximum(1), qint8(0));
    QCOMPARE(peaks->minimum(2), qint8(0));
    QCOMPARE(peaks->maximum(2), qint8(0));
}

void TestWaveformPeaks::stereoIsMixed()
{
    // Two buckets of 8 kHz stereo. Bucket 0: left +16384, right 0: mixed 8192 -> 32. Bucket 1:
    // left +16384, right -16384: they cancel, 0.
    std::vector<qint16> samples;
    for (int frame = 0; frame < 160; ++frame)
        samples.insert(samples.end(), { 16384, 0 });
    for (int frame = 0; frame < 160; ++frame)
        samples.insert(samples.end(), { 16384, -16384 });
    const QString path = write(u"stereo.wav"_qs, pcm16(samples, -1, 2));
    const std::optional<WaveformPeaks> peaks = Waveform::compute(path);
    QVERIFY(peaks);
    QCOMPARE(peaks->channels, 2);
    QCOMPARE(peaks->bucketCount(), 2);
    QCOMPARE(peaks->durationUs, 40000);
    QCOMPARE(peaks->minimum(0), qint8(32));
    QCOMPARE(peaks->maximum(0), qint8(32));
    QCOMPARE(peaks->minimum(1), qint8(0));
    QCOMPARE(peaks->maximum(1), qint8(0));
}

void TestWaveformPeaks::muLaw()
{
    // One bucket of mu-law: code 0x80 is +32124 (>> 8 = 125), code 0x00 is -32124
    // (-125.48, rounded down: -126); the rest 0xFF, zero.
    QByteArray samples(160, '\xFF');
    samples[10] = '\x80';
    samples[20] = '\x00';
    const QString path = write(u"mulaw.wav"_qs, makeWav(7, 8, 1, 8000, samples));
    const std::optional<WaveformPeaks> peaks = Waveform::compute(path);
    QVERIFY(peaks);
    QCOMPARE(peaks->bucketCount(), 1);
    QCOMPARE(peaks->maximum(0), qint8(125));
    QCOMPARE(peaks->minimum(0), qint8(-126));
}

void TestWaveformPeaks::sizesUnsetAndTruncated_data()
{
    QTest::addColumn<qint64>("declaredBytes");
    QTest::addColumn<int>("extraBytes");

    // 1 s at 8 kHz is there (16000 bytes) in every row.
    QTest::newRow("sizes unset") << qint64(0) << 0;
    QTest::newRow("truncated to half") << qint64(32000) << 0;
    QTest::newRow("truncated mid-frame") << qint64(32000) << 1;
}

void TestWaveformPeaks::sizesUnsetAndTruncated()
{
    QFETCH(qint64, declaredBytes);
    QFETCH(int, extraBytes);

    std::vector<qint16> samples(8000, 0);
    for (size_t i = 0; i < samples.size(); i += 2)
        samples[i] = 4096; // >> 8 = 16
    QByteArray wav = pcm16(samples, declaredBytes);
    wav.append(QByteArray(extraBytes, '\x7F'));
    const QString path = write(u"partial.wav"_qs, wav);
    QString error;
    const std::optional<WaveformPeaks> peaks = Waveform::loadOrCompute(path, &error);
    QVERIFY2(peaks, qPrintable(error));
    QCOMPARE(peaks->durationUs, 1000000);
    QCOMPARE(peaks->bucketCount(), 50);
    for (int bucket = 0; bucket < 50; ++bucket) {
        QCOMPARE(peaks->minimum(bucket), qint8(0));
        QCOMPARE(peaks->maximum(bucket), qint8(16));
    }
    QFile::remove(Waveform::cachePath(path));
}

void TestWaveformPeaks::samples_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("channels");
    QTest::addColumn<qint64>("durationUs");
    QTest::addColumn<int>("buckets");

    // SOURCES.md: 10.26 s, 4.20 s and 4.20 s at 8 kHz. The pjproject files hold 33,627 frames
    // (67,254 bytes of 16-bit mono): 4.203375 s, so 210.17 buckets, the last one partial: 211.
    QTest::newRow("talking, mono")
        << u"asterisk_testsuite_talking_8k_mono.wav"_qs << 1 << Q_INT64_C(10260000) << 513;
    QTest::newRow("pjproject, mono")
        << u"pjproject_input_8k_mono.wav"_qs << 1 << Q_INT64_C(4203375) << 211;
    QTest::newRow("pjproject, stereo")
        << u"pjproject_input_8k_stereo.wav"_qs << 2 << Q_INT64_C(4203375) << 211;
}

void TestWaveformPeaks::samples()
{
    QFETCH(QString, file);
    QFETCH(int, channels);
    QFETCH(qint64, durationUs);
    QFETCH(int, buckets);

    const QString path = samplePath(file);
    if (path.isEmpty())
        QSKIP("The shared samples are not there (CRN_SAMPLES_DIR).");

    // compute() only: the samples folder is read-only and gets no .peaks file.
    QString error;
    const std::optional<WaveformPeaks> peaks = Waveform::compute(path, &error);
    QVERIFY2(peaks, qPrintable(error));
    QCOMPARE(peaks->channels, channels);
    QCOMPARE(peaks->durationUs, durationUs);
    QCOMPARE(peaks->bucketCount(), buckets);
    QCOMPARE(peaks->maxima.size(), buckets);
    // Voiced speech somewhere: a peak above a quarter of full scale (8192 >> 8 = 32).
    QVERIFY(*std::max_element(peaks->maxima.begin(), peaks->maxima.end()) > 32);
}

void TestWaveformPeaks::talkingSampleHasFourPhrases()
{
    const QString path = samplePath(u"asterisk_testsuite_talking_8k_mono.wav"_qs);
    if (path.isEmpty())
        QSKIP("The shared samples are not there (CRN_SAMPLES_DIR).");

    // SOURCES.md: "the same ~2.5 s phrase four times with silence between". So each quarter of
    // the file holds loud speech (a peak past a quarter of full scale, 32 in 8 bits), and near
    // each of the three boundaries between quarters (within 0.2 s) there is a quiet gap of at
    // least 60 ms: three buckets in a row whose samples stay within +-256 (-42 dBFS), i.e.
    // whose 8-bit minimum is at least -1 and maximum at most 0.
    const std::optional<WaveformPeaks> peaks = Waveform::compute(path);
    QVERIFY(peaks);
    const qsizetype count = peaks->bucketCount();
    auto quiet = [&](qsizetype bucket) {
        return peaks->minimum(bucket) >= -1 && peaks->maximum(bucket) <= 0;
    };

    for (int quarter = 0; quarter < 4; ++quarter) {
        qint8 loudest = 0;
        for (qsizetype bucket = count * quarter / 4; bucket < count * (quarter + 1) / 4; ++bucket)
            loudest = qMax(loudest, peaks->maximum(bucket));
        QVERIFY2(loudest > 32, qPrintable(u"quarter %1 peaks at %2"_qs.arg(quarter).arg(loudest)));
    }

    for (int boundary = 1; boundary < 4; ++boundary) {
        const qsizetype middle = count * boundary / 4;
        int longestGap = 0;
        int gap = 0;
        for (qsizetype bucket = middle - 10; bucket <= middle + 10; ++bucket) {
            gap = quiet(bucket) ? gap + 1 : 0;
            longestGap = qMax(longestGap, gap);
        }
        QVERIFY2(longestGap >= 3,
                 qPrintable(
                     u"no silence near bucket %1 (longest quiet run %2 buckets)"_qs.arg(middle).arg(
                         longestGap)));
    }
}

void TestWaveformPeaks::cacheHit()
{
    const QString path = write(u"cached.wav"_qs, pcm16(squareThenSilence()));
    const QString cache = Waveform::cachePath(path);
    QFile::remove(cache);

    const std::optional<WaveformPeaks> first = Waveform::loadOrCompute(path);
    QVERIFY(first);
    QVERIFY(QFile::exists(cache));
    QCOMPARE(cache, path + u".peaks"_qs);

    // Back-date the cache: were it rewritten, its modification time would be now again.
    const QDateTime longAgo = QDateTime::currentDateTimeUtc().addDays(-3);
    QVERIFY(setModified(cache, longAgo));
    const QDateTime stamped = modifiedAt(cache);

    const std::optional<WaveformPeaks> second = Waveform::loadOrCompute(path);
    QVERIFY(second);
    QCOMPARE(modifiedAt(cache), stamped);
    QCOMPARE(second->minima, first->minima);
    QCOMPARE(second->maxima, first->maxima);
    QCOMPARE(second->durationUs, 1010000);
    QCOMPARE(second->channels, 1);
    QCOMPARE(second->bucketsPerSecond, 50);
}

void TestWaveformPeaks::modifiedSourceIsRecomputed()
{
    const QString path = write(u"changing.wav"_qs, pcm16(std::vector<qint16>(8000, 0)));
    QVERIFY(setModified(path, QDateTime::currentDateTimeUtc().addSecs(-60)));
    const std::optional<WaveformPeaks> silent = Waveform::loadOrCompute(path);
    QVERIFY(silent);
    QCOMPARE(silent->maximum(0), qint8(0));

    // The same size, new samples (8192 -> 32) and a new modification time.
    write(u"changing.wav"_qs, pcm16(std::vector<qint16>(8000, 8192)));
    QVERIFY(setModified(path, QDateTime::currentDateTimeUtc()));
    const std::optional<WaveformPeaks> loud = Waveform::loadOrCompute(path);
    QVERIFY(loud);
    QCOMPARE(loud->bucketCount(), 50);
    QCOMPARE(loud->minimum(0), qint8(32));
    QCOMPARE(loud->maximum(49), qint8(32));

    // A longer recording with the old time still counts as changed: the size differs.
    const QDateTime fixed = QDateTime::currentDateTimeUtc().addSecs(-30);
    write(u"changing.wav"_qs, pcm16(std::vector<qint16>(16000, -8192)));
    QVERIFY(setModified(path, fixed));
    QVERIFY(Waveform::loadOrCompute(path));
    write(u"changing.wav"_qs, pcm16(std::vector<qint16>(24000, 8192)));
    QVERIFY(setModified(path, fixed));
    const std::optional<WaveformPeaks> longer = Waveform::loadOrCompute(path);
    QVERIFY(longer);
    QCOMPARE(longer->bucketCount(), 150);
    QCOMPARE(longer->minimum(0), qint8(32));
}

void TestWaveformPeaks::corruptCacheIsReplaced_data()
{
    QTest::addColumn<int>("damage");

    QTest::newRow("not a peaks file") << 0;
    QTest::newRow("cut short") << 1;
    QTest::newRow("one bucket changed") << 2;
    QTest::newRow("empty") << 3;
}

void TestWaveformPeaks::corruptCacheIsReplaced()
{
    QFETCH(int, damage);

    const QString path = write(u"damaged.wav"_qs, pcm16(squareThenSilence()));
    const QString cache = Waveform::cachePath(path);
    QFile::remove(cache);
    QVERIFY(Waveform::loadOrCompute(path));
    const QByteArray good = TestWav::read(cache);
    QVERIFY(!good.isEmpty());

    QByteArray bad;
    switch (damage) {
    case 0:
        bad = QByteArray("these are not the peaks you are looking for").repeated(5);
        break;
    case 1:
        bad = good.left(good.size() / 2);
        break;
    case 2:
        bad = good;
        // Bucket 30 is silence (0); header is 48 bytes, minima follow.
        bad[48 + 30] = char(-100);
        break;
    case 3:
        break;
    }
    write(QFileInfo(cache).fileName(), bad);

    const std::optional<WaveformPeaks> peaks = Waveform::loadOrCompute(path);
    QVERIFY(peaks);
    QCOMPARE(peaks->bucketCount(), 51);
    QCOMPARE(peaks->minimum(30), qint8(0));
    QCOMPARE(peaks->minimum(0), qint8(-64));
    QCOMPARE(TestWav::read(cache), good);
}

void TestWaveformPeaks::errors_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("not a WAV") << QByteArray("OggS\0\0 an Opus file", 19) << u"not a WAV"_qs;
    QTest::newRow("GSM 6.10") << makeWav(0x31, 0, 1, 8000, QByteArray(130, '\0'), -1, 65)
                              << u"GSM"_qs;
    QTest::newRow("missing") << QByteArray() << u"cannot be found"_qs;
}

void TestWaveformPeaks::errors()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, mentions);

    const QString path
        = bytes.isEmpty() ? m_dir.filePath(u"nothing-here.wav"_qs) : write(u"bad.wav"_qs, bytes);
    QString error;
    QVERIFY(!Waveform::loadOrCompute(path, &error));
    QVERIFY2(error.contains(mentions), qPrintable(error));
    QVERIFY(!QFile::exists(Waveform::cachePath(path)));
}

void TestWaveformPeaks::asyncOnThePool()
{
    const QString path = write(u"async.wav"_qs, pcm16(squareThenSilence()));
    QFile::remove(Waveform::cachePath(path));

    // Four requests for the same recording at once: each gets the same peaks, and the cache
    // they leave is whole.
    std::vector<std::unique_ptr<QFutureWatcher<WaveformResult>>> watchers;
    std::vector<std::unique_ptr<QSignalSpy>> spies;
    for (int i = 0; i < 4; ++i) {
        watchers.push_back(std::make_unique<QFutureWatcher<WaveformResult>>());
        spies.push_back(
            std::make_unique<QSignalSpy>(watchers.back().get(), &QFutureWatcherBase::finished));
        watchers.back()->setFuture(Waveform::loadOrComputeAsync(path));
    }
    for (int i = 0; i < 4; ++i) {
        QVERIFY(spies[size_t(i)]->count() == 1 || spies[size_t(i)]->wait(10000));
        const WaveformResult result = watchers[size_t(i)]->result();
        QVERIFY2(result.peaks, qPrintable(result.error));
        QCOMPARE(result.peaks->bucketCount(), 51);
        QCOMPARE(result.peaks->maximum(0), qint8(64));
        QCOMPARE(result.peaks->maximum(50), qint8(32));
    }
    QVERIFY(QFile::exists(Waveform::cachePath(path)));

    // An error comes back as a sentence, not as an empty result.
    QFutureWatcher<WaveformResult> failing;
    QSignalSpy failed(&failing, &QFutureWatcherBase::finished);
    failing.setFuture(Waveform::loadOrComputeAsync(m_dir.filePath(u"absent.wav"_qs)));
    QVERIFY(failed.wait(10000));
    QVERIFY(!failing.result().peaks);
    QVERIFY(!failing.result().error.isEmpty());
}

QTEST_GUILESS_MAIN(TestWaveformPeaks)
#include "tst_waveformpeaks.moc"
