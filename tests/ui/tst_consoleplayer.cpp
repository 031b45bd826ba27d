#include "cache/callcache.h"
#include "callview.h"
#include "lookup/calllookup.h"
#include "mainwindow.h"
#include "media/recordingdownloads.h"
#include "net/apiclient.h"
#include "playbackcontroller.h"
#include "playerbar.h"
#include "qtmediabackend.h"
#include "settingsdialog.h"
#include "store/callstore.h"
#include "testserver.h"
#include "testwav.h"
#include "timelineview.h"
#include "typing.h"
#include "uitestcall.h"

#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QImage>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

// The console's player end to end: a real crn-server serves UiTestCall's call (0 to 23.4 s)
// with three recordings from a folder this test writes, and the window downloads them into its
// cache, draws their waveforms and plays them with the real QMediaPlayer (GStreamer).
//   "a": 6-12 s, a.wav (6 s of tone, 8 kHz mono 16-bit: 96,044 bytes)
//   "b": 16-22 s, 2024/06/11/b.wav (the same)
//   "c": 22.2-23.2 s, listed by the import but its file has since gone from the server.
class TestConsolePlayer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void openingACallFetchesItsRecordingsAndDrawsTheirWaveforms();
    void clickingTheTransferPlaysThatMomentFromTheServersRecording();
    void aFileMissingOnTheServerIsAPlainSentence();
    void settingsSetTheCapAndClearTheCache();
    void screenshotShowsTheWaveforms();

private:
    void openCall();
    static Call callWithRecordings();
    static QPoint at(const TimelineView &view, double seconds, int lane);

    QTemporaryDir m_dir;
    std::unique_ptr<TestServer> m_server;
    int m_run = 0;

    std::unique_ptr<ApiClient> m_client;
    std::unique_ptr<CallCache> m_cache;
    std::unique_ptr<CallLookup> m_lookup;
    std::unique_ptr<RecordingDownloads> m_downloads;
    std::unique_ptr<QtMediaBackend> m_backend;
    std::unique_ptr<PlaybackController> m_controller;
    std::unique_ptr<MainWindow> m_window;
};

Call TestConsolePlayer::callWithRecordings()
{
    Call call = UiTestCall::make();
    const auto recording = [](const char16_t *id, double from, double to) {
        Recording result;
        result.id = QString::fromUtf16(id);
        result.legId = u"1694023646.9"_qs;
        result.participantIds = { u"caller"_qs, u"op"_qs };
        result.start = UiTestCall::at(from);
        result.durationUs = qint64((to - from) * 1e6);
        result.channels = 1;
        result.sampleRate = 8000;
        result.codec = u"pcm"_qs;
        result.sizeBytes = 44 + qint64((to - from) * 8000) * 2;
        result.name = result.id + u".wav";
        result.contentType = u"audio/wav"_qs;
        return result;
    };
    call.recordings
        = { recording(u"a", 6, 12), recording(u"b", 16, 22), recording(u"c", 22.2, 23.2) };
    call.summary.recordingCount = 3;
    return call;
}

QPoint TestConsolePlayer::at(const TimelineView &view, double seconds, int lane)
{
    const QRectF plot = view.plotArea();
    const QRectF band = lane >= 0 ? view.laneArea(lane) : view.recordingLaneArea();
    return QPointF(plot.left() + plot.width() * seconds / 23.4, band.center().y()).toPoint();
}

void TestConsolePlayer::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QVERIFY(m_dir.isValid());

    const QString root = m_dir.filePath(u"recordings"_qs);
    QVERIFY(QDir().mkpath(root + u"/2024/06/11"_qs));
    const TestWav::Format format;
    const QByteArray tone = TestWav::clean(format, 6 * 8000 * 2);
    QCOMPARE(tone.size(), 96044);
    QVERIFY(TestWav::write(root + u"/a.wav"_qs, tone));
    QVERIFY(TestWav::write(root + u"/2024/06/11/b.wav"_qs, tone));

    const QString database = m_dir.filePath(u"calls.sqlite"_qs);
    m_server = std::make_unique<TestServer>(database);
    QString why;
    QVERIFY2(m_server->writeDatabase({ callWithRecordings() }, &why), qPrintable(why));
    {
        const std::unique_ptr<CallStore> store = CallStore::open(database, &why);
        QVERIFY2(store, qPrintable(why));
        const QString crn = UiTestCall::make().crn();
        QVERIFY2(store->saveRecordings({
                     { u"a"_qs, crn, u"a.wav"_qs, 96044, 0, u"audio/wav"_qs },
                     { u"b"_qs, crn, u"2024/06/11/b.wav"_qs, 96044, 0, u"audio/wav"_qs },
                     { u"c"_qs, crn, u"c.wav"_qs, 16044, 0, u"audio/wav"_qs },
                 }),
                 qPrintable(store->errorString()));
    }
    m_server->setExtraArguments({ u"--recordings"_qs, root });
    QVERIFY2(m_server->start(0, &why), qPrintable(why));
}

void TestConsolePlayer::init()
{
    ++m_run;
    m_client = std::make_unique<ApiClient>(m_server->url());
    m_client->setAccessToken(m_server->token());
    m_cache = std::make_unique<CallCache>(m_dir.filePath(u"cache-%1.sqlite"_qs.arg(m_run)));
    m_lookup = std::make_unique<CallLookup>(m_client.get(), m_cache.get());
    m_downloads = std::make_unique<RecordingDownloads>(m_server->url(),
                                                       m_dir.filePath(u"recording-cache"_qs));
    m_downloads->setAccessToken(m_server->token());
    m_backend = std::make_unique<QtMediaBackend>();
    m_controller = std::make_unique<PlaybackController>(m_backend.get());
    m_window = std::make_unique<MainWindow>(m_lookup.get());
    m_window->setPlayback(m_controller.get(), m_downloads.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestConsolePlayer::cleanup()
{
    m_window.reset();
    m_controller.reset();
    m_backend.reset();
    m_downloads.reset();
    m_lookup.reset();
    m_cache.reset();
    m_client.reset();
}

void TestConsolePlayer::openCall()
{
    QSignalSpy shown(m_window.get(), &MainWindow::callShown);
    UiTest::typeAndSearch(m_window->searchField(), UiTestCall::make().crn());
    QTRY_VERIFY(!shown.isEmpty());
    QCOMPARE(m_window->callView()->call().recordings.size(), 3);
}

void TestConsolePlayer::openingACallFetchesItsRecordingsAndDrawsTheirWaveforms()
{
    openCall();
    CallView *view = m_window->callView();
    TimelineView *timeline = view->timeline();
    QVERIFY(timeline->hasRecordingLane());

    QTRY_VERIFY_WITH_TIMEOUT(view->isMediaSettled(), 10000);
    QVERIFY(timeline->hasPeaks(u"a"_qs));
    QVERIFY(timeline->hasPeaks(u"b"_qs));
    QVERIFY(!timeline->hasPeaks(u"c"_qs));
    // Both files in the cache, whole.
    QCOMPARE(QFileInfo(m_downloads->localPath(u"a"_qs)).size(), 96044);
    QCOMPARE(QFileInfo(m_downloads->localPath(u"b"_qs)).size(), 96044);

    // The player is ready at the first recorded moment.
    PlayerBar *bar = view->playerBar();
    QVERIFY(bar->playAction()->isEnabled());
    QCOMPARE(bar->timeText(), u"00:06 / 00:23"_qs);
    QCOMPARE(timeline->playhead(), UiTestCall::at(6));
}

void TestConsolePlayer::clickingTheTransferPlaysThatMomentFromTheServersRecording()
{
    openCall();
    TimelineView *timeline = m_window->callView()->timeline();
    QTest::mouseClick(timeline, Qt::LeftButton, {}, at(*timeline, 20, 2));
    QCOMPARE(timeline->currentEvent(), 7);

    QTRY_COMPARE_WITH_TIMEOUT(m_controller->state(), PlaybackController::State::Playing, 15000);
    QCOMPARE(m_controller->currentRecordingId(), u"b"_qs);
    QVERIFY2(
        qAbs(m_controller->position() - UiTestCall::at(20)) < 200'000,
        qPrintable(QString::number(double(m_controller->position() - UiTestCall::at(0)) / 1e6)));
    QTRY_VERIFY_WITH_TIMEOUT(timeline->playhead() > UiTestCall::at(20.3), 5000);
    QCOMPARE(m_downloads->localPath(u"b"_qs).isEmpty(), false);
    m_controller->pause();
}

void TestConsolePlayer::aFileMissingOnTheServerIsAPlainSentence()
{
    openCall();
    CallView *view = m_window->callView();
    // The download of c fails at once; nothing waits for it.
    QTRY_VERIFY_WITH_TIMEOUT(view->isMediaSettled(), 10000);
    QVERIFY(view->timeline()->recordingHasProblem(2));
    QVERIFY2(view->timeline()->recordingProblem(2).contains(
                 u"The recording file is missing on the server."_qs),
             qPrintable(view->timeline()->recordingProblem(2)));

    // Asked to play it, the player says so in the same words.
    TimelineView *timeline = view->timeline();
    QTest::mouseClick(timeline, Qt::LeftButton, {}, at(*timeline, 22.7, -1));
    QTRY_COMPARE(m_controller->currentRecordingId(), u"c"_qs);
    QTRY_VERIFY2(view->playerBar()->statusText().contains(
                     u"The recording file is missing on the server."_qs),
                 qPrintable(view->playerBar()->statusText()));
}

void TestConsolePlayer::settingsSetTheCapAndClearTheCache()
{
    openCall();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->callView()->isMediaSettled(), 10000);
    const QString cached = m_downloads->localPath(u"a"_qs);
    QVERIFY(QFileInfo::exists(cached));

    SettingsDialog dialog(m_downloads.get(), m_window.get());
    // The default cap is 2 GB.
    QCOMPARE(dialog.capBox()->value(), 2.0);
    QSignalSpy evicted(m_downloads.get(), &RecordingDownloads::evicted);
    QTest::mouseClick(dialog.clearButton(), Qt::LeftButton);
    QTRY_VERIFY(!QFileInfo::exists(cached));
    QTRY_VERIFY(!evicted.isEmpty());

    // 0.5 GB is 536,870,912 bytes, kept in the settings and given to the cache.
    dialog.capBox()->setValue(0.5);
    dialog.accept();
    QCOMPARE(SettingsDialog::recordingsCacheCapBytes(), Q_INT64_C(536870912));
    QCOMPARE(m_downloads->capBytes(), Q_INT64_C(536870912));
    SettingsDialog::setRecordingsCacheCapBytes(RecordingDownloads::kDefaultCapBytes);
}

void TestConsolePlayer::screenshotShowsTheWaveforms()
{
    const QString picture = m_dir.filePath(u"console.png"_qs);
    QProcess console;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"QT_QPA_PLATFORM"_qs, u"offscreen"_qs);
    environment.insert(u"XDG_CACHE_HOME"_qs, m_dir.filePath(u"xdg-cache"_qs));
    environment.insert(u"XDG_CONFIG_HOME"_qs, m_dir.filePath(u"xdg-config"_qs));
    environment.insert(u"XDG_DATA_HOME"_qs, m_dir.filePath(u"xdg-data"_qs));
    console.setProcessEnvironment(environment);
    // The server answers 401 to a console without a token.
    if (!TestServer::consoleTakesTokenFile(QStringLiteral(CRN_CONSOLE_BINARY)))
        QSKIP("crn-console has no --token-file yet (helper ui adds it), and the server refuses "
              "a console without a token");
    const QString tokenFile = m_server->writeTokenFile(m_dir.path());
    QVERIFY(!tokenFile.isEmpty());
    console.start(QStringLiteral(CRN_CONSOLE_BINARY),
                  { u"--server"_qs, m_server->url().toString(), u"--token-file"_qs, tokenFile,
                    u"--screenshot"_qs, picture, UiTestCall::make().crn() });
    QVERIFY2(console.waitForFinished(30000), qPrintable(console.errorString()));
    QVERIFY2(console.exitStatus() == QProcess::NormalExit && console.exitCode() == 0,
             qPrintable(QString::fromUtf8(console.readAllStandardError())));

    // The waveform is drawn in 0x1f4e79; a 6 s tone at full width fills hundreds of pixels,
    // where the legend's swatch has a few dozen.
    const QImage image(picture);
    QVERIFY(!image.isNull());
    int waveform = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            if (image.pixel(x, y) == qRgb(0x1f, 0x4e, 0x79))
                ++waveform;
        }
    }
    QVERIFY2(waveform > 500, qPrintable(QString::number(waveform)));
    QVERIFY(QFileInfo::exists(m_dir.filePath(u"xdg-cache/crn-console/recordings"_qs)));
}

QTEST_MAIN(TestConsolePlayer)
#include "tst_consoleplayer.moc"
