#include "playbackcontroller.h"
#include "qtmediabackend.h"
#include "testwav.h"

#include <QElapsedTimer>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <memory>

namespace {

// The call starts at T0. Recording "a" covers 10 s to 12 s of it and "b" 15 s to 16 s, so
// nothing was recorded before 10 s, from 12 s to 15 s, or from 16 s to the call's end at 20 s.
const Timestamp kCallStart = *Timestamp::parseIso(u"2024-06-11T09:30:00Z");

Timestamp at(double seconds)
{
    return kCallStart.addMicroseconds(std::llround(seconds * 1e6));
}

// Call time as microseconds since the call started: readable when a comparison fails.
qint64 us(Timestamp t)
{
    return t - kCallStart;
}

qint64 us(const QVariant &timestamp)
{
    return us(timestamp.value<Timestamp>());
}

// 16-bit mono at 8 kHz: 16000 bytes a second.
constexpr qint64 kPcmBytesPerSecond = 16000;
constexpr qint64 kDurationToleranceMs = 20;

// A real QtMediaBackend that lets a test act at the moment a file is handed to it, before
// GStreamer has had a chance to load it.
class HookedBackend : public QtMediaBackend
{
    Q_OBJECT

public:
    using QtMediaBackend::QtMediaBackend;

    void setSource(const QString &localFilePath) override
    {
        QtMediaBackend::setSource(localFilePath);
        Q_EMIT sourceSet(localFilePath);
    }

Q_SIGNALS:
    void sourceSet(const QString &localFilePath);
};

} // namespace

class TestPlaybackController : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void playsTheMomentAsked();
    void skipsAGapToTheNextRecording();
    void saysNothingWasRecordedAfterTheLast();
    void asksForTheFileAndKeepsTheSeek();
    void fileThatCannotBeFetched();
    void keepsASeekAskedForWhileLoading_data();
    void keepsASeekAskedForWhileLoading();
    void playsOnAcrossAGap();
    void clampsRateAndVolume();
    void playheadGlides_data();
    void playheadGlides();
    void skipsWithinTheRecording();
    void seeksToStartAndEnd();
    void overlappingRecordingTakesOver();
    void newDownloadOfThePlayingRecording();

    void emptyRecording();
    void gsmIsOfferedForDownload();
    void unknownCodecIsOfferedForDownload();
    void g711PlaysAtTheRightSpeed_data();
    void g711PlaysAtTheRightSpeed();
    void sizesUnsetPlaysWithItsRealDuration();
    void truncatedPlaysWhatItHas();
    void seekIntoTheMissingPartOfATruncatedFile();
    void fileThatCannotBeOpened();
    void damagedHeader();
    void backendError();
    void playMovesPastAnUnplayableRecording();

private:
    QList<PlaylistEntry> twoRecordings(bool aIsLocal = true) const;
    // One recording at 10 s of a call lasting callSeconds; the file holds bytes.
    QString playSingle(const QString &name, const QByteArray &bytes, qint64 declaredUs,
                       double callSeconds = 20);

    QTemporaryDir m_dir;
    QString m_pathA;
    QString m_pathB;
    std::unique_ptr<HookedBackend> m_backend;
    std::unique_ptr<PlaybackController> m_controller;
};

void TestPlaybackController::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_pathA = m_dir.filePath(u"a.wav"_qs);
    m_pathB = m_dir.filePath(u"b.wav"_qs);
    QVERIFY(TestWav::write(m_pathA, TestWav::clean({}, 2 * kPcmBytesPerSecond)));
    QVERIFY(TestWav::write(m_pathB, TestWav::clean({}, kPcmBytesPerSecond)));
}

void TestPlaybackController::init()
{
    m_backend = std::make_unique<HookedBackend>();
    m_controller = std::make_unique<PlaybackController>(m_backend.get());
}

void TestPlaybackController::cleanup()
{
    m_controller.reset();
    m_backend.reset();
}

QList<PlaylistEntry> TestPlaybackController::twoRecordings(bool aIsLocal) const
{
    return {
        { u"a"_qs, at(10), 2'000'000, aIsLocal ? m_pathA : QString() },
        { u"b"_qs, at(15), 1'000'000, m_pathB },
    };
}

QString TestPlaybackController::playSingle(const QString &name, const QByteArray &bytes,
                                           qint64 declaredUs, double callSeconds)
{
    const QString path = m_dir.filePath(name);
    if (!bytes.isNull() && !TestWav::write(path, bytes))
        qFatal("Cannot write a test file in the temporary folder");
    m_controller->setCall(at(0), at(callSeconds), { { name, at(10), declaredUs, path } });
    m_controller->playAt(at(10));
    return path;
}

void TestPlaybackController::playsTheMomentAsked()
{
    QSignalSpy recordings(m_controller.get(), &PlaybackController::currentRecordingChanged);
    m_controller->setCall(at(0), at(20), twoRecordings());
    QCOMPARE(m_controller->state(), PlaybackController::State::Idle);

    m_controller->playAt(at(10.5));
    // The playhead goes where the supervisor clicked at once; the file is probed meanwhile.
    QCOMPARE(us(m_controller->position()), us(at(10.5)));
    QCOMPARE(m_controller->state(), PlaybackController::State::Loading);
    QCOMPARE(m_controller->currentRecordingId(), u"a"_qs);
    QCOMPARE(recordings.size(), 1);

    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Playing);
    QVERIFY2(qAbs(m_backend->position() - 500) <= 150,
             qPrintable(QString::number(m_backend->position())));
    QTRY_VERIFY(m_controller->position() >= at(10.7));
    QVERIFY(m_controller->position() < at(12));
    QVERIFY(m_controller->problem().isEmpty());

    m_controller->pause();
    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Paused);
}

void TestPlaybackController::skipsAGapToTheNextRecording()
{
    m_controller->setCall(at(0), at(20), twoRecordings());
    QSignalSpy gaps(m_controller.get(), &PlaybackController::gapSkipped);

    m_controller->playAt(at(13));
    QCOMPARE(gaps.size(), 1);
    QCOMPARE(us(gaps.at(0).at(0)), us(at(13)));
    QCOMPARE(us(gaps.at(0).at(1)), us(at(15)));
    QCOMPARE(m_controller->currentRecordingId(), u"b"_qs);
    QCOMPARE(us(m_controller->position()), us(at(15)));

    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Playing);
    QVERIFY(m_backend->position() < 300);
    m_controller->pause();
}

void TestPlaybackController::saysNothingWasRecordedAfterTheLast()
{
    m_controller->setCall(at(0), at(20), twoRecordings());
    m_controller->playAt(at(18));

    QCOMPARE(m_controller->state(), PlaybackController::State::Ended);
    QCOMPARE(us(m_controller->position()), us(at(18)));
    QCOMPARE(m_controller->problem(), u"Nothing was recorded after 16 s into the call."_qs);

    // Play from the end starts over, as any player does.
    m_controller->play();
    QCOMPARE(m_controller->currentRecordingId(), u"a"_qs);
    QVERIFY(m_controller->problem().isEmpty());
    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Playing);
    QVERIFY(m_controller->position() < at(10.5));
    m_controller->pause();
}

void TestPlaybackController::asksForTheFileAndKeepsTheSeek()
{
    m_controller->setCall(at(0), at(20), twoRecordings(false));
    QSignalSpy needed(m_controller.get(), &PlaybackController::fileNeeded);

    m_controller->playAt(at(11));
    QCOMPARE(needed.size(), 1);
    QCOMPARE(needed.at(0).at(0).toString(), u"a"_qs);
    QCOMPARE(m_controller->state(), PlaybackController::State::Loading);

    // Another click while the download runs: asked once, and the later moment wins.
    m_controller->seek(at(11.2));
    QCOMPARE(needed.size(), 1);
    QCOMPARE(us(m_controller->position()), us(at(11.2)));
    QVERIFY(m_backend->source().isEmpty());

    m_controller->setLocalFile(u"a"_qs, m_pathA);
    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Playing);
    QCOMPARE(m_backend->source(), m_pathA);
    QVERIFY2(m_backend->position() >= 1200 - 100 && m_backend->position() <= 1200 + 250,
             qPrintable(QString::number(m_backend->position())));
    m_controller->pause();
}

void TestPlaybackController::fileThatCannotBeFetched()
{
    m_controller->setCall(at(0), at(20), twoRecordings(false));
    QSignalSpy needed(m_controller.get(), &PlaybackController::fileNeeded);
    m_controller->playAt(at(11));
    QCOMPARE(needed.size(), 1);
    QCOMPARE(m_controller->state(), PlaybackController::State::Loading);

    // The download failed for good: the wait ends with the reason, not an endless "loading".
    const QString missing = u"The recording file is missing on the server."_qs;
    m_controller->setFileUnavailable(u"a"_qs, missing);
    QCOMPARE(m_controller->state(), PlaybackController::State::Unplayable);
    QCOMPARE(m_controller->problem(), missing);
    QVERIFY(m_backend->source().isEmpty());

    // Play goes on with the next recording, as for any recording that cannot be played.
    m_controller->play();
    QCOMPARE(m_controller->currentRecordingId(), u"b"_qs);
    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Playing);
    m_controller->pause();

    // Fetched after all (the server is back): it plays.
    m_controller->setLocalFile(u"a"_qs, m_pathA);
    m_controller->playAt(at(10.5));
    QCOMPARE(m_controller->currentRecordingId(), u"a"_qs);
    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Playing);
    QVERIFY(m_controller->problem().isEmpty());
    m_controller->pause();
}

void TestPlaybackController::keepsASeekAskedForWhileLoading_data()
{
    QTest::addColumn<bool>("whileBackendLoads");

    // The file's probe runs on a worker thread: a second click arrives before it is done.
    QTest::newRow("while the file is probed") << false;
    // GStreamer has the file but has not said it loaded: a seek now would be dropped by it.
    QTest::newRow("while the backend loads") << true;
}

void TestPlaybackController::keepsASeekAskedForWhileLoading()
{
    QFETCH(bool, whileBackendLoads);
    m_controller->setCall(at(0), at(20), twoRecordings());
    QSignalSpy positions(m_controller.get(), &PlaybackController::positionChanged);

    bool secondSeekAsked = false;
    if (whileBackendLoads) {
        connect(m_backend.get(), &HookedBackend::sourceSet, this, [&] {
            if (secondSeekAsked)
                return;
            secondSeekAsked = true;
            QCOMPARE(m_controller->state(), PlaybackController::State::Loading);
            m_controller->playAt(at(11.5));
        });
    }

    m_controller->playAt(at(10.2));
    if (!whileBackendLoads) {
        QCOMPARE(m_controller->state(), PlaybackController::State::Loading);
        secondSeekAsked = true;
        m_controller->playAt(at(11.5));
    }
    const qsizetype seeksAsked = positions.size();

    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Playing);
    QVERIFY(secondSeekAsked);
    QVERIFY2(m_backend->position() >= 1500 - 100 && m_backend->position() <= 1500 + 250,
             qPrintable(QString::number(m_backend->position())));
    // After the second click the playhead never went back to the first one.
    for (qsizetype i = seeksAsked; i < positions.size(); ++i)
        QVERIFY(us(positions.at(i).at(0)) >= us(at(11.4)));
    m_controller->pause();
}

void TestPlaybackController::playsOnAcrossAGap()
{
    m_controller->setCall(at(0), at(20), twoRecordings());
    QSignalSpy gaps(m_controller.get(), &PlaybackController::gapSkipped);
    QSignalSpy recordings(m_controller.get(), &PlaybackController::currentRecordingChanged);
    QSignalSpy states(m_controller.get(), &PlaybackController::stateChanged);

    QElapsedTimer clock;
    clock.start();
    m_controller->playAt(at(11.5));
    // 0.5 s of "a", then all of "b": 1.5 s of audio.
    QTRY_COMPARE_WITH_TIMEOUT(m_controller->state(), PlaybackController::State::Ended, 8000);
    QVERIFY2(clock.elapsed() >= 1500 - 300, qPrintable(QString::number(clock.elapsed())));

    QCOMPARE(gaps.size(), 1);
    QCOMPARE(us(gaps.at(0).at(0)), us(at(12)));
    QCOMPARE(us(gaps.at(0).at(1)), us(at(15)));
    QCOMPARE(recordings.size(), 2);
    QCOMPARE(recordings.at(0).at(0).toString(), u"a"_qs);
    QCOMPARE(recordings.at(1).at(0).toString(), u"b"_qs);
    QCOMPARE(us(m_controller->position()), us(at(16)));
    QVERIFY(m_controller->problem().isEmpty());

    // One listening: it went from playing to loading the next, never through a pause.
    QList<PlaybackController::State> seen;
    for (const auto &arguments : std::as_const(states))
        seen.append(arguments.at(0).value<PlaybackController::State>());
    QVERIFY(seen.contains(PlaybackController::State::Playing));
    QVERIFY(!seen.contains(PlaybackController::State::Paused));
    QCOMPARE(seen.last(), PlaybackController::State::Ended);
}

void TestPlaybackController::clampsRateAndVolume()
{
    QSignalSpy rates(m_controller.get(), &PlaybackController::rateChanged);
    m_controller->setRate(3.0);
    QCOMPARE(m_controller->rate(), 2.0);
    m_controller->setRate(0.1);
    QCOMPARE(m_controller->rate(), 0.5);
    m_controller->setRate(1.25);
    QCOMPARE(m_controller->rate(), 1.25);
    QCOMPARE(rates.size(), 3);
    QCOMPARE(rates.at(0).at(0).toDouble(), 2.0);
    QCOMPARE(rates.at(1).at(0).toDouble(), 0.5);

    m_controller->setVolume(1.5f);
    QCOMPARE(m_controller->volume(), 1.0f);
    m_controller->setVolume(-1.0f);
    QCOMPARE(m_controller->volume(), 0.0f);
    m_controller->setVolume(0.5f);
    QCOMPARE(m_backend->volume(), 0.5f);

    // The rate holds for a file loaded after it was set, and the audio runs that much faster:
    // at 2x, a second of the clock is about two seconds of the recording.
    m_controller->setRate(2.0);
    m_controller->setCall(at(0), at(20), twoRecordings());
    m_controller->playAt(at(10));
    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Playing);
    QCOMPARE(m_backend->playbackRate(), 2.0);
    QElapsedTimer clock;
    clock.start();
    const Timestamp from = m_controller->position();
    QTRY_VERIFY(m_controller->position() - from >= 1'000'000);
    QVERIFY2(clock.elapsed() < 900, qPrintable(QString::number(clock.elapsed())));
    m_controller->pause();
}

void TestPlaybackController::playheadGlides_data()
{
    QTest::addColumn<double>("rate");
    QTest::newRow("1x") << 1.0;
    QTest::newRow("2x") << 2.0;
}

void TestPlaybackController::playheadGlides()
{
    QFETCH(double, rate);
    // 6 s of recording at 10 s: long enough for the watched second at 2x.
    const QString path = m_dir.filePath(u"long.wav"_qs);
    QVERIFY(TestWav::write(path, TestWav::clean({}, 6 * kPcmBytesPerSecond)));
    m_controller->setRate(rate);
    m_controller->setCall(at(0), at(20), { { u"long"_qs, at(10), 6'000'000, path } });
    m_controller->playAt(at(10));
    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Playing);

    // A second of playback from the backend's first report on. GStreamer reports about 10
    // times a second, so without interpolation about 10 distinct positions arrive; at ~30 Hz
    // at least 20 must.
    QSignalSpy positions(m_controller.get(), &PlaybackController::positionChanged);
    QVERIFY(positions.wait(1000));
    positions.clear();
    constexpr qint64 windowMs = 1000;
    QElapsedTimer clock;
    clock.start();
    QTRY_VERIFY_WITH_TIMEOUT(clock.elapsed() >= windowMs, 5000);
    QCOMPARE(m_controller->state(), PlaybackController::State::Playing);

    QList<qint64> seen;
    for (const QList<QVariant> &arguments : std::as_const(positions))
        seen.append(us(arguments.at(0)));
    QVERIFY(!seen.isEmpty());
    for (qsizetype i = 1; i < seen.size(); ++i) {
        QVERIFY2(
            seen.at(i) >= seen.at(i - 1),
            qPrintable(
                QStringLiteral("position %1 us after %2 us").arg(seen.at(i)).arg(seen.at(i - 1))));
    }
    QSet<qint64> distinct(seen.cbegin(), seen.cend());
    const double perSecond = distinct.size() * 1000.0 / double(clock.elapsed());
    QVERIFY2(perSecond >= 20,
             qPrintable(QStringLiteral("%1 distinct positions a second in %2")
                            .arg(perSecond)
                            .arg(clock.elapsed())));

    // The glide keeps to the audio: never more than the interpolation's reach (250 ms of the
    // clock) ahead of what the backend says, and it covered about the second of the window.
    const qint64 backendUs = m_backend->position() * 1000;
    const qint64 shownUs = us(m_controller->position()) - 10'000'000;
    QVERIFY2(shownUs - backendUs <= qint64(250'000 * rate),
             qPrintable(QStringLiteral("shown %1 us, backend %2 us").arg(shownUs).arg(backendUs)));
    QVERIFY2(seen.last() - seen.first() >= qint64(double(windowMs) * 1000 * rate * 0.7),
             qPrintable(QStringLiteral("%1 us covered").arg(seen.last() - seen.first())));

    // Paused, it stops: what follows is the backend's own figure, never a step past it.
    m_controller->pause();
    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Paused);
    positions.clear();
    clock.restart();
    QTRY_VERIFY_WITH_TIMEOUT(clock.elapsed() >= 300, 5000);
    const qint64 stoppedUs = m_backend->position() * 1000;
    for (const QList<QVariant> &arguments : std::as_const(positions)) {
        const qint64 afterUs = us(arguments.at(0)) - 10'000'000;
        QVERIFY2(afterUs <= stoppedUs,
                 qPrintable(
                     QStringLiteral("%1 us after the pause at %2 us").arg(afterUs).arg(stoppedUs)));
    }
}

void TestPlaybackController::skipsWithinTheRecording()
{
    m_controller->setCall(at(0), at(20), twoRecordings());
    QSignalSpy gaps(m_controller.get(), &PlaybackController::gapSkipped);
    m_controller->seek(at(11));
    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Paused);

    m_controller->skip(700'000);
    QCOMPARE(us(m_controller->position()), us(at(11.7)));
    QVERIFY(qAbs(m_backend->position() - 1700) <= 100);

    // Back 5 s from 1.7 s into "a" stops at its start.
    m_controller->skip(-PlaybackController::kSkipUs);
    QCOMPARE(us(m_controller->position()), us(at(10)));
    QVERIFY(m_backend->position() <= 100);
    QCOMPARE(m_controller->state(), PlaybackController::State::Paused);

    // Forward 5 s stops at the end of "a", which leads on to "b", still paused.
    m_controller->skip(PlaybackController::kSkipUs);
    QCOMPARE(gaps.size(), 1);
    QCOMPARE(us(gaps.at(0).at(0)), us(at(12)));
    QCOMPARE(us(gaps.at(0).at(1)), us(at(15)));
    QCOMPARE(m_controller->currentRecordingId(), u"b"_qs);
    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Paused);
    QCOMPARE(us(m_controller->position()), us(at(15)));

    // Forward 5 s in the last recording ends at its end.
    m_controller->skip(PlaybackController::kSkipUs);
    QCOMPARE(m_controller->state(), PlaybackController::State::Ended);
    QCOMPARE(us(m_controller->position()), us(at(16)));
}

void TestPlaybackController::seeksToStartAndEnd()
{
    m_controller->setCall(at(0), at(20), twoRecordings());

    m_controller->seekToEnd();
    QCOMPARE(m_controller->state(), PlaybackController::State::Ended);
    QCOMPARE(us(m_controller->position()), us(at(16)));
    QCOMPARE(m_controller->currentRecordingId(), u"b"_qs);

    m_controller->seekToStart();
    QCOMPARE(us(m_controller->position()), us(at(10)));
    QCOMPARE(m_controller->currentRecordingId(), u"a"_qs);
    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Paused);

    // Space toggles: play from here, then pause.
    m_controller->togglePlay();
    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Playing);
    m_controller->togglePlay();
    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Paused);
    QVERIFY(m_controller->position() < at(11));
}

void TestPlaybackController::overlappingRecordingTakesOver()
{
    // "a" covers 10 s to 12 s and "c" (another leg, recorded at the same time) 11 s to 13 s.
    m_controller->setCall(
        at(0), at(20),
        { { u"c"_qs, at(11), 2'000'000, m_pathA }, { u"a"_qs, at(10), 2'000'000, m_pathA } });
    QSignalSpy gaps(m_controller.get(), &PlaybackController::gapSkipped);

    // Sorted by start: the earliest recording that covers the moment plays.
    QCOMPARE(m_controller->playlist().at(0).recordingId, u"a"_qs);
    m_controller->seek(at(11.5));
    QCOMPARE(m_controller->currentRecordingId(), u"a"_qs);
    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Paused);

    // At the end of "a", "c" goes on from 12 s, which is 1 s into it: nothing is skipped and
    // nothing heard twice.
    m_controller->skip(PlaybackController::kSkipUs);
    QCOMPARE(gaps.size(), 0);
    QCOMPARE(m_controller->currentRecordingId(), u"c"_qs);
    QCOMPARE(us(m_controller->position()), us(at(12)));
    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Paused);
    QVERIFY(qAbs(m_backend->position() - 1000) <= 100);
}

void TestPlaybackController::newDownloadOfThePlayingRecording()
{
    // The recording of a call still running, fetched at 1 s and again at 2 s of samples.
    const TestWav::Format pcm;
    const QString path = playSingle(u"growing.wav"_qs,
                                    TestWav::header(pcm, 0, 0) + TestWav::samples(pcm, 16000), 0);
    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Playing);
    m_controller->pause();
    m_controller->seek(at(10.6));
    QCOMPARE(m_controller->playlist().at(0).durationUs, 1'000'000);

    QVERIFY(TestWav::write(path, TestWav::header(pcm, 0, 0) + TestWav::samples(pcm, 32000)));
    QSignalSpy loaded(m_backend.get(), &MediaBackend::loaded);
    m_controller->setLocalFile(u"growing.wav"_qs, path);
    QVERIFY(loaded.wait());
    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Paused);
    QCOMPARE(m_controller->playlist().at(0).durationUs, 2'000'000);
    QVERIFY2(qAbs(m_backend->duration() - 2000) <= kDurationToleranceMs,
             qPrintable(QString::number(m_backend->duration())));
    QVERIFY(qAbs(m_backend->position() - 600) <= 100);

    // Told about the same file again, nothing is reloaded.
    m_controller->setLocalFile(u"growing.wav"_qs, path);
    QVERIFY(!loaded.wait(300));
}

void TestPlaybackController::emptyRecording()
{
    QSignalSpy offers(m_controller.get(), &PlaybackController::downloadOffered);
    // The call lasted 192 s, which is 3 min 12 s.
    playSingle(u"empty.wav"_qs, TestWav::clean({}, 0), 0, 192);

    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Unplayable);
    QCOMPARE(m_controller->problem(),
             u"This recording is empty: it holds no sound. The call lasted 3 min 12 s."_qs);
    QCOMPARE(offers.size(), 0);
    // Never handed to the player, which would play nothing without a word.
    QVERIFY(m_backend->source().isEmpty());
}

void TestPlaybackController::gsmIsOfferedForDownload()
{
    QSignalSpy offers(m_controller.get(), &PlaybackController::downloadOffered);
    // GSM 6.10: 65-byte blocks of 320 samples; 25 blocks are 8000 samples, 1 s at 8 kHz.
    const TestWav::Format gsm { 0x31, 0, 1, 8000, 65 };
    playSingle(u"gsm.wav"_qs, TestWav::clean(gsm, 25 * 65), 1'000'000);

    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Unplayable);
    QVERIFY2(m_controller->problem().contains(u"GSM 6.10"_qs), qPrintable(m_controller->problem()));
    QVERIFY(m_controller->problem().contains(u"Download"_qs));
    QCOMPARE(offers.size(), 1);
    QCOMPARE(offers.at(0).at(0).toString(), u"gsm.wav"_qs);
    QVERIFY(m_backend->source().isEmpty());
}

void TestPlaybackController::unknownCodecIsOfferedForDownload()
{
    QSignalSpy offers(m_controller.get(), &PlaybackController::downloadOffered);
    // Format 85 is MPEG layer 3 inside a WAV, which WavProbe does not know.
    const TestWav::Format mp3 { 85, 0, 1, 8000, 1 };
    playSingle(u"mp3.wav"_qs, TestWav::clean(mp3, 1000), 1'000'000);

    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Unplayable);
    QVERIFY2(m_controller->problem().contains(u"WAV format 85"_qs),
             qPrintable(m_controller->problem()));
    QCOMPARE(offers.size(), 1);
}

void TestPlaybackController::g711PlaysAtTheRightSpeed_data()
{
    QTest::addColumn<int>("formatTag");
    QTest::addColumn<int>("bytes");
    QTest::addColumn<qint64>("durationMs");

    // One byte a sample at 8 kHz: 8000 bytes are 1 s, 12000 bytes 1.5 s.
    QTest::newRow("mu-law") << 7 << 8000 << Q_INT64_C(1000);
    QTest::newRow("a-law") << 6 << 12000 << Q_INT64_C(1500);
}

void TestPlaybackController::g711PlaysAtTheRightSpeed()
{
    QFETCH(int, formatTag);
    QFETCH(int, bytes);
    QFETCH(qint64, durationMs);

    const TestWav::Format format { formatTag, 8 };
    playSingle(u"g711.wav"_qs, TestWav::clean(format, bytes), durationMs * 1000);
    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Playing);
    QElapsedTimer clock;
    clock.start();

    QVERIFY2(qAbs(m_backend->duration() - durationMs) <= kDurationToleranceMs,
             qPrintable(QString::number(m_backend->duration())));
    QCOMPARE(m_controller->playlist().at(0).durationUs, durationMs * 1000);
    QVERIFY(m_controller->problem().isEmpty());

    // At the right speed the end comes one duration later, not half or twice that.
    QTRY_COMPARE_WITH_TIMEOUT(m_controller->state(), PlaybackController::State::Ended,
                              int(durationMs) + 3000);
    QVERIFY2(clock.elapsed() >= durationMs - 300 && clock.elapsed() <= durationMs + 700,
             qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(us(m_controller->position()), us(at(10)) + durationMs * 1000);
}

void TestPlaybackController::sizesUnsetPlaysWithItsRealDuration()
{
    // Fetched while the call was still running: sizes 0, 1.5 s of samples (24000 bytes). The
    // server could not say how long it is either.
    const TestWav::Format pcm;
    const QByteArray bytes = TestWav::header(pcm, 0, 0) + TestWav::samples(pcm, 24000);
    const QString path = playSingle(u"running.wav"_qs, bytes, 0);

    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Playing);
    QCOMPARE(m_backend->source(), path + u".playable.wav"_qs);
    QVERIFY2(qAbs(m_backend->duration() - 1500) <= kDurationToleranceMs,
             qPrintable(QString::number(m_backend->duration())));
    QCOMPARE(m_controller->playlist().at(0).durationUs, 1'500'000);
    QVERIFY(m_controller->problem().isEmpty());
    QCOMPARE(TestWav::read(path), bytes);
    m_controller->pause();
}

void TestPlaybackController::truncatedPlaysWhatItHas()
{
    // Claims 10.0 s (160000 bytes) and holds 3.1 s (49600 bytes).
    const TestWav::Format pcm;
    const QByteArray bytes
        = TestWav::header(pcm, 36 + 160000, 160000) + TestWav::samples(pcm, 49600);
    const QString path = playSingle(u"cut.wav"_qs, bytes, 10'000'000);

    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Playing);
    QCOMPARE(m_controller->problem(),
             u"This recording is cut short: 3.1 s of 10.0 s are present."_qs);
    QVERIFY2(qAbs(m_backend->duration() - 3100) <= kDurationToleranceMs,
             qPrintable(QString::number(m_backend->duration())));
    QCOMPARE(m_controller->playlist().at(0).durationUs, 3'100'000);
    QCOMPARE(TestWav::read(path), bytes);
    m_controller->pause();
}

void TestPlaybackController::seekIntoTheMissingPartOfATruncatedFile()
{
    // The server said 10 s; a click at 8 s into it lands where the file has nothing.
    const TestWav::Format pcm;
    const QString path = m_dir.filePath(u"cut-seek.wav"_qs);
    QVERIFY(TestWav::write(
        path, TestWav::header(pcm, 36 + 160000, 160000) + TestWav::samples(pcm, 49600)));
    m_controller->setCall(at(0), at(30), { { u"cut"_qs, at(10), 10'000'000, path } });

    m_controller->playAt(at(18));
    QCOMPARE(m_controller->state(), PlaybackController::State::Loading);
    // 10 s + 3.1 s = 13.1 s, said in whole seconds.
    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Ended);
    QCOMPARE(m_controller->problem(), u"Nothing was recorded after 13 s into the call."_qs);
    QCOMPARE(us(m_controller->position()), us(at(18)));
}

void TestPlaybackController::fileThatCannotBeOpened()
{
    playSingle(u"gone.wav"_qs, QByteArray(), 1'000'000);

    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Unplayable);
    QVERIFY2(m_controller->problem().startsWith(
                 u"The file of this recording cannot be opened: No such file"_qs),
             qPrintable(m_controller->problem()));
}

void TestPlaybackController::damagedHeader()
{
    // A RIFF/WAVE file whose samples come before any format header.
    QByteArray bytes("RIFF");
    TestWav::put32(&bytes, 4 + 8 + 100);
    bytes.append("WAVEdata");
    TestWav::put32(&bytes, 100);
    bytes.append(QByteArray(100, '\x10'));
    playSingle(u"damaged.wav"_qs, bytes, 1'000'000);

    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Unplayable);
    QCOMPARE(m_controller->problem(),
             u"This recording cannot be played: its file is damaged. "
             "Its samples come before its format header."_qs);
}

void TestPlaybackController::backendError()
{
    // Not a WAV at all, so it goes to the player, which is the judge of other formats.
    QSignalSpy errors(m_backend.get(), &MediaBackend::errorOccurred);
    playSingle(u"noise.wav"_qs, QByteArray(4000, 'x'), 1'000'000);

    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Unplayable);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(m_controller->problem(), errors.at(0).at(0).toString());
    QVERIFY(m_controller->problem().startsWith(u"This recording cannot be played: "_qs));
}

void TestPlaybackController::playMovesPastAnUnplayableRecording()
{
    const QString empty = m_dir.filePath(u"first-empty.wav"_qs);
    QVERIFY(TestWav::write(empty, TestWav::clean({}, 0)));
    m_controller->setCall(
        at(0), at(20),
        { { u"e"_qs, at(5), 2'000'000, empty }, { u"a"_qs, at(10), 2'000'000, m_pathA } });
    QSignalSpy gaps(m_controller.get(), &PlaybackController::gapSkipped);

    m_controller->playAt(at(5));
    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Unplayable);
    QVERIFY(m_controller->problem().contains(u"empty"_qs));
    // The probe found no samples: the recording covers nothing of the call.
    QCOMPARE(m_controller->playlist().at(0).durationUs, 0);

    m_controller->play();
    QCOMPARE(gaps.size(), 1);
    QCOMPARE(us(gaps.at(0).at(0)), us(at(5)));
    QCOMPARE(us(gaps.at(0).at(1)), us(at(10)));
    QCOMPARE(m_controller->currentRecordingId(), u"a"_qs);
    QVERIFY(m_controller->problem().isEmpty());
    QTRY_COMPARE(m_controller->state(), PlaybackController::State::Playing);
    m_controller->pause();
}

QTEST_GUILESS_MAIN(TestPlaybackController)
#include "tst_playbackcontroller.moc"
