#include "callview.h"
#include "playbackcontroller.h"
#include "playerbar.h"
#include "qtmediabackend.h"
#include "searchfield.h"
#include "settings/settingswriter.h"
#include "testwav.h"
#include "timelineview.h"
#include "uitestcall.h"
#include "wavexport.h"

#include <QAbstractSlider>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QLineEdit>
#include <QProgressBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <memory>

// The player bar over a real PlaybackController and QMediaPlayer (GStreamer), on UiTestCall's
// call (0 to 23.4 s) with recordings added by hand: "a" from 6 s to 12 s and "b" from 16 s to
// 22 s, as 8 kHz mono WAV files written here.
class TestPlayerBar : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void disabledForACallWithoutRecordings();
    void readyOnACallWithRecordings();
    void buttonsHaveNamesAndTooltipsWithTheirKeys();
    void playPauseAndSkip();
    void speedAndVolumeReachTheController();
    void seekBarSeeksInCallTime();
    void shortcutsLeaveTheSearchFieldAlone();
    void anUnplayableRecordingSaysSoAndOffersTheDownload();
    void aMissingFileIsAPlainSentence();
    void downloadProgressIsShown();
    void exportAsksForTheRecordingOrTheSelectedSpan();

private:
    // Answers the next file dialog: remembers the file it suggested and its title, then
    // chooses path, or cancels when path is empty.
    struct DialogAnswer
    {
        QString suggested;
        QString title;
        bool answered = false;
    };
    static std::shared_ptr<DialogAnswer> answerNextFileDialog(const QString &path);
    static Call callWithRecordings();
    QString writeTone(const QString &name, double seconds);

    QTemporaryDir m_dir;
};

Call TestPlayerBar::callWithRecordings()
{
    Call call = UiTestCall::make();
    const auto recording = [](const char16_t *id, double from, double to) {
        Recording result;
        result.id = QString::fromUtf16(id);
        result.participantIds = { u"caller"_qs, u"op"_qs };
        result.start = UiTestCall::at(from);
        result.durationUs = qint64((to - from) * 1e6);
        result.channels = 1;
        result.sampleRate = 8000;
        result.codec = u"pcm"_qs;
        result.name = result.id + u".wav";
        return result;
    };
    call.recordings = { recording(u"a", 6, 12), recording(u"b", 16, 22) };
    return call;
}

std::shared_ptr<TestPlayerBar::DialogAnswer>
TestPlayerBar::answerNextFileDialog(const QString &path)
{
    auto answer = std::make_shared<DialogAnswer>();
    auto *timer = new QTimer(qApp);
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, answer, path] {
        auto *dialog = qobject_cast<QFileDialog *>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        timer->stop();
        timer->deleteLater();
        answer->suggested = dialog->selectedFiles().value(0);
        answer->title = dialog->windowTitle();
        answer->answered = true;
        if (path.isEmpty()) {
            dialog->reject();
            return;
        }
        // Typed, as a supervisor would: selectFile() lets the dialog's model, which loads
        // folders on a thread, override the name.
        auto *name = dialog->findChild<QLineEdit *>(u"fileNameEdit"_qs);
        if (!name) {
            dialog->reject();
            return;
        }
        name->setText(path);
        // QFileDialog hides accept(); QDialog's is the same virtual.
        static_cast<QDialog *>(dialog)->accept();
    });
    timer->start();
    return answer;
}

QString TestPlayerBar::writeTone(const QString &name, double seconds)
{
    const TestWav::Format format;
    const QString path = m_dir.filePath(name);
    const auto bytes = qint64(seconds * format.sampleRate) * 2;
    return TestWav::write(path, TestWav::clean(format, bytes)) ? path : QString();
}

void TestPlayerBar::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
}

void TestPlayerBar::init()
{
    // Speed and volume are remembered; every test starts from the defaults.
    // Writes handed to SettingsWriter by the last test must not land after the clear.
    SettingsWriter::flush();
    QSettings().clear();
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
}

void TestPlayerBar::disabledForACallWithoutRecordings()
{
    QtMediaBackend backend;
    PlaybackController controller(&backend);
    PlayerBar bar;
    bar.setController(&controller);
    bar.setCall(UiTestCall::make());
    bar.show();
    QVERIFY(QTest::qWaitForWindowExposed(&bar));

    QCOMPARE(bar.statusText(), u"No recording for this call"_qs);
    QVERIFY(!bar.playAction()->isEnabled());
    QVERIFY(!bar.backAction()->isEnabled());
    QVERIFY(!bar.forwardAction()->isEnabled());
    QVERIFY(!bar.seekBar()->isEnabled());
    QVERIFY(!bar.speedBox()->isEnabled());
    QVERIFY(!bar.volumeSlider()->isEnabled());
    QVERIFY(!bar.downloadAction()->isEnabled());
    QVERIFY(!bar.exportAction()->isEnabled());
    QCOMPARE(bar.timeText(), u"00:00 / 00:23"_qs);

    // A call with recordings enables it, and one without disables it again.
    bar.setCall(callWithRecordings());
    QVERIFY(bar.playAction()->isEnabled());
    bar.setCall(UiTestCall::make());
    QVERIFY(!bar.playAction()->isEnabled());
}

void TestPlayerBar::readyOnACallWithRecordings()
{
    QtMediaBackend backend;
    PlaybackController controller(&backend);
    CallView view;
    view.setPlayback(&controller, nullptr);
    view.setCall(callWithRecordings());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    PlayerBar *bar = view.playerBar();

    // Ready at the first recorded moment, 6 s into the 23.4 s call.
    QVERIFY(bar->playAction()->isEnabled());
    QVERIFY(bar->seekBar()->isEnabled());
    QCOMPARE(bar->timeText(), u"00:06 / 00:23"_qs);
    QCOMPARE(bar->seekBar()->maximum(), 23400);
    QCOMPARE(bar->seekBar()->value(), 6000);
    QCOMPARE(bar->targetRecordingId(), u"a"_qs);
    QVERIFY2(bar->statusText().contains(u"Caller 8001 and Operator"_qs),
             qPrintable(bar->statusText()));
    QVERIFY(bar->downloadAction()->isEnabled());
    QVERIFY(bar->exportAction()->isEnabled());
    QCOMPARE(view.timeline()->playhead(), UiTestCall::at(6));
}

void TestPlayerBar::buttonsHaveNamesAndTooltipsWithTheirKeys()
{
    PlayerBar bar;
    const QList<QToolButton *> buttons = bar.findChildren<QToolButton *>();
    QVERIFY(buttons.size() >= 5);
    for (const QToolButton *button : buttons) {
        QVERIFY2(!button->accessibleName().isEmpty() || !button->text().isEmpty(),
                 qPrintable(button->objectName()));
        QVERIFY(!button->toolTip().isEmpty());
    }
    QCOMPARE(bar.playAction()->toolTip(), u"Play (Space)"_qs);
    QCOMPARE(bar.backAction()->toolTip(), u"Back 5 s (Left)"_qs);
    QCOMPARE(bar.forwardAction()->toolTip(), u"Forward 5 s (Right)"_qs);
    QVERIFY(bar.startAction()->toolTip().endsWith(u"(Home)"_qs));
    QVERIFY(bar.endAction()->toolTip().endsWith(u"(End)"_qs));
    QCOMPARE(bar.seekBar()->accessibleName(), u"Position in the call"_qs);
    QCOMPARE(bar.speedBox()->accessibleName(), u"Playback speed"_qs);
    QCOMPARE(bar.volumeSlider()->accessibleName(), u"Volume"_qs);
}

void TestPlayerBar::playPauseAndSkip()
{
    QtMediaBackend backend;
    PlaybackController controller(&backend);
    CallView view;
    view.setPlayback(&controller, nullptr);
    const QHash<QString, QString> files { { u"a"_qs, writeTone(u"a.wav"_qs, 6) },
                                          { u"b"_qs, writeTone(u"b.wav"_qs, 6) } };
    connect(&controller, &PlaybackController::fileNeeded, this,
            [&](const QString &id) { controller.setLocalFile(id, files.value(id)); });
    view.setCall(callWithRecordings());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    PlayerBar *bar = view.playerBar();

    bar->playAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(controller.state(), PlaybackController::State::Playing, 10000);
    QCOMPARE(bar->playAction()->text(), u"Pause"_qs);
    QCOMPARE(bar->playAction()->toolTip(), u"Pause (Space)"_qs);

    // Forward 5 s from about 6 s: about 11 s, still in recording a.
    const Timestamp before = controller.position();
    bar->forwardAction()->trigger();
    QVERIFY(controller.position() - before >= 5'000'000);
    QVERIFY(controller.position() < UiTestCall::at(12));
    bar->backAction()->trigger();
    QVERIFY(controller.position() < UiTestCall::at(7.5));

    bar->playAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(controller.state(), PlaybackController::State::Paused, 5000);
    QCOMPARE(bar->playAction()->text(), u"Play"_qs);

    // Elapsed time follows the controller: "00:MM / 00:23".
    QVERIFY2(bar->timeText().startsWith(u"00:0"_qs) && bar->timeText().endsWith(u" / 00:23"_qs),
             qPrintable(bar->timeText()));
    // End goes to the end of the last recording, 22 s.
    bar->endAction()->trigger();
    QCOMPARE(controller.position(), UiTestCall::at(22));
    QCOMPARE(bar->timeText(), u"00:22 / 00:23"_qs);
    bar->startAction()->trigger();
    QCOMPARE(controller.position(), UiTestCall::at(6));
}

void TestPlayerBar::speedAndVolumeReachTheController()
{
    QtMediaBackend backend;
    PlaybackController controller(&backend);
    PlayerBar bar;
    bar.setController(&controller);
    bar.setCall(callWithRecordings());

    QStringList speeds;
    for (int i = 0; i < bar.speedBox()->count(); ++i)
        speeds.append(bar.speedBox()->itemText(i));
    QCOMPARE(
        speeds,
        (QStringList { u"0.5×"_qs, u"0.75×"_qs, u"1×"_qs, u"1.25×"_qs, u"1.5×"_qs, u"2×"_qs }));
    QCOMPARE(bar.speedBox()->currentText(), u"1×"_qs);

    bar.speedBox()->setCurrentIndex(4);
    QCOMPARE(controller.rate(), 1.5);
    bar.volumeSlider()->setValue(40);
    QVERIFY(qAbs(controller.volume() - 0.4f) < 0.001f);

    // Remembered for the next bar, once the background write has landed.
    SettingsWriter::flush();
    PlaybackController second(&backend);
    PlayerBar next;
    next.setController(&second);
    QCOMPARE(next.speedBox()->currentText(), u"1.5×"_qs);
    QCOMPARE(second.rate(), 1.5);
    QCOMPARE(next.volumeSlider()->value(), 40);
}

void TestPlayerBar::seekBarSeeksInCallTime()
{
    QtMediaBackend backend;
    PlaybackController controller(&backend);
    CallView view;
    view.resize(1000, 700);
    view.setPlayback(&controller, nullptr);
    view.setCall(callWithRecordings());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    PlayerBar *bar = view.playerBar();

    // A click at 19.5 of 23.4 s along the track: recording b, 3.5 s in. The track leaves 8 px
    // for the handle at each end.
    QAbstractSlider *seek = bar->seekBar();
    const qreal left = 8;
    const qreal width = seek->width() - 16;
    const QPoint point(int(std::lround(left + width * 19.5 / 23.4)), seek->height() / 2);
    QTest::mouseClick(seek, Qt::LeftButton, {}, point);
    const qint64 pixel = qint64(23.4e6 / width) + 1000;
    QVERIFY2(qAbs(controller.position() - UiTestCall::at(19.5)) <= pixel,
             qPrintable(QString::number(double(controller.position() - UiTestCall::at(0)) / 1e6)));
    QCOMPARE(controller.currentRecordingId(), u"b"_qs);
    // A seek does not start playback by itself.
    QVERIFY(controller.state() != PlaybackController::State::Playing);
    QCOMPARE(bar->timeText(), u"00:19 / 00:23"_qs);
    QCOMPARE(view.timeline()->playhead(), controller.position());
}

void TestPlayerBar::shortcutsLeaveTheSearchFieldAlone()
{
    QtMediaBackend backend;
    PlaybackController controller(&backend);
    QWidget window;
    auto *search = new SearchField(&window);
    auto *view = new CallView(&window);
    auto *layout = new QVBoxLayout(&window);
    layout->addWidget(search);
    layout->addWidget(view);
    view->setPlayback(&controller, nullptr);
    QStringList asked;
    connect(&controller, &PlaybackController::fileNeeded, this,
            [&asked](const QString &id) { asked.append(id); });
    view->setCall(callWithRecordings());
    window.resize(1000, 700);
    window.show();
    QApplication::setActiveWindow(&window);
    QVERIFY(QTest::qWaitForWindowActive(&window));

    // Typing a CRN with spaces and moving the cursor stay in the field.
    search->setFocus();
    QTest::keyClicks(search, u"1694 023"_qs);
    QTest::keyClick(search, Qt::Key_Left);
    QTest::keyClick(search, Qt::Key_Home);
    QTest::keyClick(search, Qt::Key_Right);
    QTest::keyClick(search, Qt::Key_End);
    QTest::keyClick(search, Qt::Key_Space);
    QCOMPARE(search->text(), u"1694 023 "_qs);
    QCOMPARE(controller.state(), PlaybackController::State::Idle);
    QCOMPARE(controller.position(), UiTestCall::at(6));
    QVERIFY(asked.isEmpty());

    // Elsewhere in the window, Space plays and End goes to the end of the recordings.
    view->playerBar()->seekBar()->setFocus();
    QTest::keyClick(view->playerBar()->seekBar(), Qt::Key_Space);
    QCOMPARE(asked, QStringList { u"a"_qs });
    QCOMPARE(controller.state(), PlaybackController::State::Loading);
    QTest::keyClick(view->playerBar()->seekBar(), Qt::Key_End);
    QCOMPARE(controller.position(), UiTestCall::at(22));
    QTest::keyClick(view->playerBar()->seekBar(), Qt::Key_Home);
    QCOMPARE(controller.position(), UiTestCall::at(6));
    QCOMPARE(search->text(), u"1694 023 "_qs);
}

void TestPlayerBar::anUnplayableRecordingSaysSoAndOffersTheDownload()
{
    // A GSM 6.10 file as Asterisk writes it (format 0x31, 65-byte blocks of 320 samples), and
    // the flag the server's import gives it.
    TestWav::Format gsm;
    gsm.formatTag = 0x31;
    gsm.bitsPerSample = 0;
    gsm.blockAlign = 65;
    const QString path = m_dir.filePath(u"gsm.wav"_qs);
    QVERIFY(TestWav::write(path, TestWav::clean(gsm, 65 * 100)));

    Call call = UiTestCall::make();
    Recording recording;
    recording.id = u"g"_qs;
    recording.start = UiTestCall::at(6);
    recording.durationUs = 4'000'000; // 100 blocks of 320 samples at 8 kHz
    recording.channels = 1;
    recording.sampleRate = 8000;
    recording.codec = u"gsm"_qs;
    recording.name = u"g.wav"_qs;
    recording.flags = { { u"recording_unsupported_codec"_qs, u"GSM 6.10"_qs } };
    call.recordings = { recording };

    QtMediaBackend backend;
    PlaybackController controller(&backend);
    CallView view;
    view.setPlayback(&controller, nullptr);
    connect(&controller, &PlaybackController::fileNeeded, this,
            [&](const QString &id) { controller.setLocalFile(id, path); });
    QSignalSpy offered(&controller, &PlaybackController::downloadOffered);
    QSignalSpy downloads(view.playerBar(), &PlayerBar::downloadRequested);
    view.setCall(call);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    PlayerBar *bar = view.playerBar();

    // Before anything plays, the import's flag already says it.
    QVERIFY2(bar->statusText().contains(u"The recording uses GSM 6.10, which the console cannot "
                                        "play. Download it to play it in another program."_qs),
             qPrintable(bar->statusText()));
    QVERIFY(bar->downloadAction()->isEnabled());
    QVERIFY(!bar->exportAction()->isEnabled());

    // Play: the controller finds the codec, says so, and offers the download.
    bar->playAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(controller.state(), PlaybackController::State::Unplayable, 10000);
    QVERIFY(!controller.problem().isEmpty());
    QVERIFY2(bar->statusText().contains(controller.problem()), qPrintable(bar->statusText()));
    QVERIFY(!offered.isEmpty());
    QVERIFY(bar->downloadAction()->isEnabled());
    QVERIFY(view.timeline()->recordingHasProblem(0));

    // Download asks where to save a copy of the original file, under its own name.
    const QString copy = m_dir.filePath(u"saved-gsm.wav"_qs);
    const auto answer = answerNextFileDialog(copy);
    bar->downloadAction()->trigger();
    QVERIFY(answer->answered);
    QCOMPARE(QFileInfo(answer->suggested).fileName(), u"g.wav"_qs);
    QCOMPARE(downloads.size(), 1);
    QCOMPARE(downloads.first().first().toString(), u"g"_qs);
    QTRY_VERIFY2_WITH_TIMEOUT(QFileInfo(copy).size() > 0, qPrintable(bar->statusText()), 5000);
    QCOMPARE(TestWav::read(copy), TestWav::read(path));
}

void TestPlayerBar::aMissingFileIsAPlainSentence()
{
    Call call = callWithRecordings();
    call.recordings[0].durationUs = 0;
    call.recordings[0].flags = { { u"recording_missing"_qs, u"no such file"_qs } };

    QtMediaBackend backend;
    PlaybackController controller(&backend);
    PlayerBar bar;
    bar.setController(&controller);
    bar.setCall(call);
    QVERIFY2(bar.statusText().contains(u"The recording file is missing on the server."_qs),
             qPrintable(bar.statusText()));
    // Nothing to download or convert.
    QVERIFY(!bar.downloadAction()->isEnabled());
    QVERIFY(!bar.exportAction()->isEnabled());

    // A download that fails later says it the same way.
    bar.setCall(callWithRecordings());
    bar.showDownloadFailed(u"a"_qs, u"The recording file is missing on the server."_qs);
    QVERIFY(bar.statusText().contains(u"The recording file is missing on the server."_qs));
}

void TestPlayerBar::downloadProgressIsShown()
{
    QtMediaBackend backend;
    PlaybackController controller(&backend);
    PlayerBar bar;
    bar.setController(&controller);
    bar.setCall(callWithRecordings());
    bar.show();
    QVERIFY(QTest::qWaitForWindowExposed(&bar));

    QVERIFY(!bar.downloadProgress()->isVisible());
    bar.showDownloadProgress(u"a"_qs, 48 * 1024, 96 * 1024);
    QVERIFY(bar.downloadProgress()->isVisible());
    QCOMPARE(bar.downloadProgress()->value(), 48);
    QCOMPARE(bar.downloadProgress()->maximum(), 97);
    bar.showDownloadFinished(u"a"_qs);
    QVERIFY(!bar.downloadProgress()->isVisible());
    // A recording of another call is none of this bar's business.
    bar.showDownloadProgress(u"elsewhere"_qs, 1, 2);
    QVERIFY(!bar.downloadProgress()->isVisible());
}

void TestPlayerBar::exportAsksForTheRecordingOrTheSelectedSpan()
{
    QtMediaBackend backend;
    PlaybackController controller(&backend);
    CallView view;
    view.resize(1000, 700);
    view.setPlayback(&controller, nullptr);
    view.setCall(callWithRecordings());
    controller.setLocalFile(u"a"_qs, writeTone(u"export-a.wav"_qs, 6));
    controller.setLocalFile(u"b"_qs, writeTone(u"export-b.wav"_qs, 6));
    PlayerBar *bar = view.playerBar();
    QSignalSpy exports(bar, &PlayerBar::exportRequested);

    // No span: the whole of the recording the player is on (the first). Cancelled.
    QCOMPARE(bar->exportAction()->text(), u"Export WAV…"_qs);
    auto answer = answerNextFileDialog(QString());
    bar->exportAction()->trigger();
    QVERIFY(answer->answered);
    QCOMPARE(QFileInfo(answer->suggested).fileName(), u"a.wav"_qs);
    QCOMPARE(exports.size(), 1);
    QCOMPARE(exports.at(0).at(0).toString(), u"a"_qs);
    QCOMPARE(exports.at(0).at(1).toLongLong(), 0);
    QCOMPARE(exports.at(0).at(2).toLongLong(), WavExport::kToEnd);

    // A span selected on the timeline, 17-20 s: 1 s to 4 s into recording b, written as
    // 3 s of 8 kHz mono 16-bit: 24000 frames, 48000 bytes after a 44-byte header.
    view.timeline()->setSelectedSpan({ UiTestCall::at(17), UiTestCall::at(20) });
    QCOMPARE(bar->exportAction()->text(), u"Export span as WAV…"_qs);
    const QString target = m_dir.filePath(u"span.wav"_qs);
    answer = answerNextFileDialog(target);
    bar->exportAction()->trigger();
    QVERIFY(answer->answered);
    QCOMPARE(QFileInfo(answer->suggested).fileName(), u"b from 00.01 to 00.04.wav"_qs);
    QCOMPARE(exports.size(), 2);
    QCOMPARE(exports.at(1).at(0).toString(), u"b"_qs);
    QCOMPARE(exports.at(1).at(1).toLongLong(), 1'000'000);
    QCOMPARE(exports.at(1).at(2).toLongLong(), 4'000'000);
    QTRY_VERIFY_WITH_TIMEOUT(bar->statusText().startsWith(u"Saved to"_qs), 5000);
    QCOMPARE(QFileInfo(target).size(), 44 + 48000);

    // A span across the hold gap is cut from the recording that covers most of it: 10.5-17 s
    // has 1.5 s of a and 1 s of b, so a, from 4.5 s to its end at 6 s.
    view.timeline()->setSelectedSpan({ UiTestCall::at(10.5), UiTestCall::at(17) });
    answer = answerNextFileDialog(QString());
    bar->exportAction()->trigger();
    QCOMPARE(exports.size(), 3);
    QCOMPARE(exports.at(2).at(0).toString(), u"a"_qs);
    QCOMPARE(exports.at(2).at(1).toLongLong(), 4'500'000);
    QCOMPARE(exports.at(2).at(2).toLongLong(), 6'000'000);
}

QTEST_MAIN(TestPlayerBar)
#include "tst_playerbar.moc"
