#include "qtmediabackend.h"
#include "testwav.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

namespace {

// Durations from SOURCES.md: 10.26 s, 4.20 s and 4.20 s. The player reports milliseconds.
constexpr qint64 kDurationToleranceMs = 20;
constexpr qint64 kSeekToleranceMs = 100;

QString sampleAudio(const QString &file)
{
    const QString samples = qEnvironmentVariable("CRN_SAMPLES_DIR");
    if (samples.isEmpty() || !QDir(samples).exists(u"audio"_qs))
        return {};
    return samples + u"/audio/"_qs + file;
}

} // namespace

class TestQtMediaBackend : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void samples_data();
    void duration();
    void duration_data() { samples_data(); }
    void playsToTheEnd();
    void playsToTheEnd_data() { samples_data(); }
    void seeks();
    void seeks_data() { samples_data(); }
    void loadsTheSameFileAgain();
    void seeksAtOnceAfterSwitchingSource();
    void rateAndVolume();
    void reportsAnErrorOnce_data();
    void reportsAnErrorOnce();

private:
    QTemporaryDir m_dir;
};

void TestQtMediaBackend::samples_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<qint64>("durationMs");

    QTest::newRow("talking, mono")
        << u"asterisk_testsuite_talking_8k_mono.wav"_qs << Q_INT64_C(10260);
    QTest::newRow("pjproject, mono") << u"pjproject_input_8k_mono.wav"_qs << Q_INT64_C(4200);
    QTest::newRow("pjproject, stereo") << u"pjproject_input_8k_stereo.wav"_qs << Q_INT64_C(4200);
}

void TestQtMediaBackend::duration()
{
    QFETCH(QString, file);
    QFETCH(qint64, durationMs);
    const QString path = sampleAudio(file);
    if (path.isEmpty())
        QSKIP("CRN_SAMPLES_DIR/audio is not here; the sample recordings are not played");

    QtMediaBackend backend;
    QSignalSpy loaded(&backend, &MediaBackend::loaded);
    backend.setSource(path);
    QVERIFY(loaded.wait());

    QCOMPARE(backend.source(), path);
    QVERIFY2(qAbs(backend.duration() - durationMs) <= kDurationToleranceMs,
             qPrintable(QString::number(backend.duration())));
    QVERIFY(!backend.isPlaying());
}

void TestQtMediaBackend::playsToTheEnd()
{
    QFETCH(QString, file);
    QFETCH(qint64, durationMs);
    const QString path = sampleAudio(file);
    if (path.isEmpty())
        QSKIP("CRN_SAMPLES_DIR/audio is not here; the sample recordings are not played");

    QtMediaBackend backend;
    QSignalSpy loaded(&backend, &MediaBackend::loaded);
    QSignalSpy playing(&backend, &MediaBackend::playingChanged);
    QSignalSpy ended(&backend, &MediaBackend::endOfMedia);
    QSignalSpy errors(&backend, &MediaBackend::errorOccurred);
    backend.setSource(path);
    QVERIFY(loaded.wait());

    QElapsedTimer clock;
    clock.start();
    backend.play();
    QTRY_VERIFY(backend.isPlaying());
    QVERIFY(ended.wait(int(durationMs) + 5000));

    // Real time, not a decode at full speed: the end comes about one duration later.
    QVERIFY2(clock.elapsed() >= durationMs - 300, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(playing.value(0).value(0).toBool(), true);
    QTRY_COMPARE(playing.last().value(0).toBool(), false);
    QVERIFY(!backend.isPlaying());
    QCOMPARE(errors.size(), 0);
}

void TestQtMediaBackend::seeks()
{
    QFETCH(QString, file);
    const QString path = sampleAudio(file);
    if (path.isEmpty())
        QSKIP("CRN_SAMPLES_DIR/audio is not here; the sample recordings are not played");

    QtMediaBackend backend;
    QSignalSpy loaded(&backend, &MediaBackend::loaded);
    backend.setSource(path);
    QVERIFY(loaded.wait());

    backend.setPosition(2000);
    QVERIFY2(qAbs(backend.position() - 2000) <= kSeekToleranceMs,
             qPrintable(QString::number(backend.position())));

    // Playing on from there: positions past 2 s, and not a restart from 0.
    QSignalSpy positions(&backend, &MediaBackend::positionChanged);
    backend.play();
    QTRY_VERIFY(backend.position() >= 2000 + 200);
    QVERIFY(backend.position() < 2000 + 2000);
    for (const auto &arguments : std::as_const(positions))
        QVERIFY(arguments.value(0).toLongLong() >= 2000 - kSeekToleranceMs);

    // Back while playing.
    backend.setPosition(500);
    QVERIFY(qAbs(backend.position() - 500) <= kSeekToleranceMs);
    QTRY_VERIFY(backend.position() >= 500 + 200);
    backend.stop();
}

void TestQtMediaBackend::loadsTheSameFileAgain()
{
    // QMediaPlayer ignores the source it already has; the backend must still answer.
    const QString path = m_dir.filePath(u"again.wav"_qs);
    QVERIFY(TestWav::write(path, TestWav::clean({}, 16000)));

    QtMediaBackend backend;
    QSignalSpy loaded(&backend, &MediaBackend::loaded);
    backend.setSource(path);
    QVERIFY(loaded.wait());
    backend.setSource(path);
    QVERIFY(loaded.wait());
    QCOMPARE(loaded.size(), 2);
    QVERIFY(qAbs(backend.duration() - 1000) <= kDurationToleranceMs);
}

void TestQtMediaBackend::seeksAtOnceAfterSwitchingSource()
{
    // The controller seeks the moment loaded() arrives; after another file played, that must
    // still be a moment when GStreamer takes the seek.
    const QString first = m_dir.filePath(u"first.wav"_qs);
    const QString second = m_dir.filePath(u"second.wav"_qs);
    QVERIFY(TestWav::write(first, TestWav::clean({}, 3 * 16000)));
    QVERIFY(TestWav::write(second, TestWav::clean({}, 3 * 16000)));

    QtMediaBackend backend;
    QSignalSpy loaded(&backend, &MediaBackend::loaded);
    backend.setSource(first);
    QVERIFY(loaded.wait());
    backend.play();
    QTRY_VERIFY(backend.position() >= 200);
    backend.pause();

    qint64 positionAtLoad = -1;
    connect(&backend, &MediaBackend::loaded, this, [&] {
        backend.setPosition(2000);
        positionAtLoad = backend.position();
        backend.play();
    });
    backend.setSource(second);
    QVERIFY(loaded.wait());
    QCOMPARE(loaded.size(), 2);
    QVERIFY2(qAbs(positionAtLoad - 2000) <= kSeekToleranceMs,
             qPrintable(QString::number(positionAtLoad)));
    QTRY_VERIFY(backend.position() >= 2000 + 200);
    QVERIFY(backend.position() < 3000);
    backend.stop();
}

void TestQtMediaBackend::rateAndVolume()
{
    QtMediaBackend backend;
    backend.setPlaybackRate(1.5);
    QCOMPARE(backend.playbackRate(), 1.5);
    backend.setVolume(0.25f);
    QCOMPARE(backend.volume(), 0.25f);
}

void TestQtMediaBackend::reportsAnErrorOnce_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("bytes");

    // Nothing GStreamer can recognise.
    QTest::newRow("not audio") << u"notes.wav"_qs << QByteArray(4000, 'x');
    QTest::newRow("missing file") << QString() << QByteArray();
}

void TestQtMediaBackend::reportsAnErrorOnce()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, bytes);
    QString path = m_dir.filePath(u"missing.wav"_qs);
    if (!name.isEmpty()) {
        path = m_dir.filePath(name);
        QVERIFY(TestWav::write(path, bytes));
    }

    QtMediaBackend backend;
    QSignalSpy loaded(&backend, &MediaBackend::loaded);
    QSignalSpy errors(&backend, &MediaBackend::errorOccurred);
    backend.setSource(path);
    QVERIFY(errors.wait());
    // GStreamer repeats itself; the supervisor reads one sentence.
    QVERIFY(!errors.wait(300));
    QCOMPARE(errors.size(), 1);
    QCOMPARE(loaded.size(), 0);
    const QString sentence = errors.value(0).value(0).toString();
    QVERIFY2(sentence.startsWith(u"This recording cannot be played: "_qs), qPrintable(sentence));
}

QTEST_GUILESS_MAIN(TestQtMediaBackend)
#include "tst_qtmediabackend.moc"
