#include "callview.h"
#include "playbackcontroller.h"
#include "playerbar.h"
#include "qtmediabackend.h"
#include "testwav.h"
#include "timelinelegend.h"
#include "timelineview.h"
#include "uitestcall.h"

#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

// The timeline's recording lane, its playhead and the clicks that ask to play, on UiTestCall's
// call (axis 0 to 23.4 s; lanes caller 0, q 1, op 2) with recordings added by hand:
//   "a": the operator's leg from 6 s to 12 s, "b": from 16 s to 22 s.
// So 0-6 s (IVR, queue, ringing), 12-16 s (hold) and 22-23.4 s (wrap-up) were not recorded.
// A time t lands at plot.left + plot.width * t / 23.4.
class TestTimelineRecording : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void noRecordingsNoLane();
    void coverageOfTwoRecordingsAndTheirGaps();
    void gapsAreExplainedAsNotRecorded();
    void overlappingRecordingsShareTheLaneInRows();
    void aProblemRecordingIsDrawnDistinctly();
    void waveformIsDrawnOncePeaksArrive();
    void clicksAskToPlay_data();
    void clicksAskToPlay();
    void clickOnTheRecordingLanePlaysWithoutSelecting();
    void shiftDragSelectsASpan();
    void playheadIsOneLineAcrossTheLanes();
    void legendExplainsTheRecordingMarks();
    void clickingAnEventPlaysThatMoment();
    void aSeekAskedWhileLoadingIsKept();
    void enterInTheEventTablePlaysTheEvent();

private:
    static Call callWithRecordings();
    static qreal xAt(const TimelineView &view, double seconds);
    static QPoint at(const TimelineView &view, double seconds, int lane);
    static bool hasColorNear(const QImage &image, const QColor &color, const QRect &area,
                             int tolerance = 40);
    // Writes a 16-bit mono 8 kHz tone of the given length and returns its path.
    QString writeTone(const QString &name, double seconds);

    QTemporaryDir m_dir;
};

Call TestTimelineRecording::callWithRecordings()
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
        result.name = result.id + u".wav";
        result.contentType = u"audio/wav"_qs;
        return result;
    };
    call.recordings = { recording(u"a", 6, 12), recording(u"b", 16, 22) };
    call.summary.recordingCount = 2;
    return call;
}

qreal TestTimelineRecording::xAt(const TimelineView &view, double seconds)
{
    const QRectF plot = view.plotArea();
    return plot.left() + plot.width() * seconds / 23.4;
}

QPoint TestTimelineRecording::at(const TimelineView &view, double seconds, int lane)
{
    const QRectF band = lane >= 0 ? view.laneArea(lane) : view.recordingLaneArea();
    return QPointF(xAt(view, seconds), band.center().y()).toPoint();
}

bool TestTimelineRecording::hasColorNear(const QImage &image, const QColor &color,
                                         const QRect &area, int tolerance)
{
    for (int y = area.top(); y <= area.bottom(); ++y) {
        for (int x = area.left(); x <= area.right(); ++x) {
            const QColor pixel = image.pixelColor(x, y);
            if (qAbs(pixel.red() - color.red()) < tolerance
                && qAbs(pixel.green() - color.green()) < tolerance
                && qAbs(pixel.blue() - color.blue()) < tolerance)
                return true;
        }
    }
    return false;
}

QString TestTimelineRecording::writeTone(const QString &name, double seconds)
{
    const TestWav::Format format;
    const QString path = m_dir.filePath(name);
    const auto bytes = qint64(seconds * format.sampleRate) * 2;
    return TestWav::write(path, TestWav::clean(format, bytes)) ? path : QString();
}

void TestTimelineRecording::init()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QVERIFY(m_dir.isValid());
}

void TestTimelineRecording::noRecordingsNoLane()
{
    TimelineView view;
    view.resize(800, 300);
    view.setCall(UiTestCall::make());
    QVERIFY(!view.hasRecordingLane());
    QVERIFY(view.recordingLaneArea().isEmpty());
    QVERIFY(view.unrecordedSpans().isEmpty());
    QCOMPARE(view.laneArea(2).bottom(), view.plotArea().bottom());
}

void TestTimelineRecording::coverageOfTwoRecordingsAndTheirGaps()
{
    TimelineView view;
    view.resize(800, 300);
    view.setCall(callWithRecordings());
    QVERIFY(view.hasRecordingLane());

    // The lane is the last band of the plot, under the operator's.
    const QRectF plot = view.plotArea();
    const QRectF lane = view.recordingLaneArea();
    QCOMPARE(lane.top(), view.laneArea(2).bottom());
    QCOMPARE(lane.bottom(), plot.bottom());
    QCOMPARE(lane.left(), plot.left());
    QCOMPARE(lane.width(), plot.width());

    // Recording a spans 6-12 s, b 16-22 s, at x = left + width * t / 23.4.
    const QRectF a = view.recordingRect(0);
    const QRectF b = view.recordingRect(1);
    QVERIFY(qAbs(a.left() - xAt(view, 6)) < 0.01);
    QVERIFY(qAbs(a.right() - xAt(view, 12)) < 0.01);
    QVERIFY(qAbs(b.left() - xAt(view, 16)) < 0.01);
    QVERIFY(qAbs(b.right() - xAt(view, 22)) < 0.01);
    QVERIFY(lane.contains(a) && lane.contains(b));
    QCOMPARE(a.top(), b.top());

    // Not recorded: 0-6 s, 12-16 s and 22-23.4 s.
    const QList<TimelineView::Span> expected {
        { UiTestCall::at(0), UiTestCall::at(6) },
        { UiTestCall::at(12), UiTestCall::at(16) },
        { UiTestCall::at(22), UiTestCall::at(23.4) },
    };
    QCOMPARE(view.unrecordedSpans(), expected);
    const QRectF hold = view.spanRect(expected.at(1));
    QVERIFY(qAbs(hold.left() - xAt(view, 12)) < 0.01);
    QVERIFY(qAbs(hold.right() - xAt(view, 16)) < 0.01);

    QCOMPARE(view.recordingAt(at(view, 9, -1)), 0);
    QCOMPARE(view.recordingAt(at(view, 19, -1)), 1);
    QCOMPARE(view.recordingAt(at(view, 14, -1)), -1);
    // A participant's lane knows nothing of the recording lane below it.
    QCOMPARE(view.recordingAt(at(view, 9, 2)), -1);
    QVERIFY(view.sizeHint().height() >= view.minimumSizeHint().height());
}

void TestTimelineRecording::gapsAreExplainedAsNotRecorded()
{
    TimelineView view;
    view.resize(800, 300);
    view.setCall(callWithRecordings());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    const QString gap = view.toolTipAt(at(view, 14, -1));
    QVERIFY2(gap.startsWith(u"Not recorded\n"_qs), qPrintable(gap));
    QVERIFY2(gap.contains(u"+12.0 s to +16.0 s, 4.0 s"_qs), qPrintable(gap));

    const QString recorded = view.toolTipAt(at(view, 9, -1));
    QVERIFY2(recorded.startsWith(u"Recording a.wav\n"_qs), qPrintable(recorded));
    QVERIFY2(recorded.contains(u"Heard: Caller 8001 and Operator"_qs), qPrintable(recorded));
    QVERIFY2(recorded.contains(u"+6.0 s to +12.0 s since the call started"_qs),
             qPrintable(recorded));
    QVERIFY2(recorded.contains(u"8 kHz, mono, PCM"_qs), qPrintable(recorded));

    // The first gap (0-6 s) is hatched: along a row of pixels above its words, the diagonal
    // lines come again and again, where a plain fill would give one colour.
    const QImage image = view.grab().toImage();
    const QRect span = view.spanRect(view.unrecordedSpans().at(0)).toAlignedRect();
    int changes = 0;
    for (int x = span.left() + 3; x < span.right() - 3; ++x) {
        if (image.pixelColor(x, span.top() + 3) != image.pixelColor(x - 1, span.top() + 3))
            ++changes;
    }
    QVERIFY2(changes >= 10, qPrintable(QString::number(changes)));
}

void TestTimelineRecording::overlappingRecordingsShareTheLaneInRows()
{
    Call call = callWithRecordings();
    Recording whole = call.recordings.first();
    whole.id = u"whole"_qs;
    whole.legId.clear();
    whole.start = UiTestCall::at(0.5);
    whole.durationUs = 22'900'000; // to 23.4 s
    call.recordings.prepend(whole);

    TimelineView view;
    view.resize(800, 300);
    view.setCall(call);

    const QRectF first = view.recordingRect(0);
    const QRectF a = view.recordingRect(1);
    const QRectF b = view.recordingRect(2);
    QVERIFY(first.bottom() <= a.top());
    QCOMPARE(a.top(), b.top());
    QVERIFY(view.recordingLaneArea().contains(first));
    QVERIFY(view.recordingLaneArea().contains(a));
    // Only the first half second was not recorded.
    const QList<TimelineView::Span> expected { { UiTestCall::at(0), UiTestCall::at(0.5) } };
    QCOMPARE(view.unrecordedSpans(), expected);
}

void TestTimelineRecording::aProblemRecordingIsDrawnDistinctly()
{
    Call call = callWithRecordings();
    call.recordings[1].codec = u"gsm"_qs;
    call.recordings[1].flags
        = { { u"recording_unsupported_codec"_qs, u"GSM 6.10 is not supported"_qs } };
    call.recordings[0].flags
        = { { u"recording_start_estimated"_qs, u"estimated from the hangup"_qs } };

    TimelineView view;
    view.resize(800, 300);
    view.setCall(call);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    // An estimated start explains; it is no problem.
    QVERIFY(!view.recordingHasProblem(0));
    QVERIFY(view.recordingHasProblem(1));
    const QString tip = view.toolTipAt(at(view, 19, -1));
    QVERIFY2(tip.contains(u"The recording uses GSM 6.10, which the console cannot play."_qs),
             qPrintable(tip));
    QVERIFY2(view.toolTipAt(at(view, 9, -1)).contains(u"ends when its leg hung up"_qs),
             qPrintable(view.toolTipAt(at(view, 9, -1))));

    // Red (0xc0392b) in the problem recording's frame, none in the clean one's.
    const QImage image = view.grab().toImage();
    const QColor red(0xc0, 0x39, 0x2b);
    QVERIFY(hasColorNear(image, red, view.recordingRect(1).toAlignedRect(), 30));
    QVERIFY(!hasColorNear(image, red, view.recordingRect(0).toAlignedRect(), 30));

    // A problem the player finds later marks a recording too, and can be taken back.
    view.setRecordingProblem(u"a"_qs, u"The recording is empty."_qs);
    QVERIFY(view.recordingHasProblem(0));
    QVERIFY(view.toolTipAt(at(view, 9, -1)).contains(u"The recording is empty."_qs));
    view.setRecordingProblem(u"a"_qs, QString());
    QVERIFY(!view.recordingHasProblem(0));
}

void TestTimelineRecording::waveformIsDrawnOncePeaksArrive()
{
    TimelineView view;
    view.resize(800, 300);
    view.setCall(callWithRecordings());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    // Peaks for recording a: silent for its first 3 s, then full scale for 3 s.
    WaveformPeaks peaks;
    peaks.bucketsPerSecond = 50;
    peaks.durationUs = 6'000'000;
    peaks.channels = 1;
    peaks.minima = QByteArray(300, char(0));
    peaks.maxima = QByteArray(300, char(0));
    for (int i = 150; i < 300; ++i) {
        peaks.minima[i] = char(-120);
        peaks.maxima[i] = char(120);
    }

    const QRectF box = view.recordingRect(0);
    const QColor audio(0x1f, 0x4e, 0x79);
    // Near the top edge of the box, a quarter of its height above the middle.
    const int y = int(box.center().y() - box.height() / 4);
    const QRect loud(int(xAt(view, 10)) - 2, y, 5, 1);
    const QRect quiet(int(xAt(view, 7.5)) - 2, y, 5, 1);
    QVERIFY(!hasColorNear(view.grab().toImage(), audio, loud, 30));

    view.setPeaks(u"a"_qs, peaks);
    QVERIFY(view.hasPeaks(u"a"_qs));
    const QImage image = view.grab().toImage();
    QVERIFY(hasColorNear(image, audio, loud, 30));
    QVERIFY(!hasColorNear(image, audio, quiet, 30));
}

void TestTimelineRecording::clicksAskToPlay_data()
{
    QTest::addColumn<double>("seconds");
    QTest::addColumn<int>("lane");
    QTest::addColumn<double>("expectedSeconds");
    QTest::addColumn<double>("tolerance");

    QTest::newRow("the transfer marker plays from the transfer") << 20.0 << 2 << 20.0 << 0.0;
    // The hold segment (12-16 s) plays from where the hold began.
    QTest::newRow("inside the hold segment") << 14.0 << 0 << 12.0 << 0.0;
    // Empty lane space plays the moment under the mouse (to a pixel: 23.4 s / plot width).
    QTest::newRow("empty queue lane") << 15.0 << 1 << 15.0 << 0.05;
}

void TestTimelineRecording::clicksAskToPlay()
{
    QFETCH(double, seconds);
    QFETCH(int, lane);
    QFETCH(double, expectedSeconds);
    QFETCH(double, tolerance);

    TimelineView view;
    view.resize(800, 300);
    view.setCall(callWithRecordings());
    QSignalSpy play(&view, &TimelineView::playRequested);
    QSignalSpy selected(&view, &TimelineView::currentEventChanged);

    QTest::mouseClick(&view, Qt::LeftButton, {}, at(view, seconds, lane));
    QCOMPARE(play.size(), 1);
    const auto time = play.first().first().value<Timestamp>();
    QVERIFY2(qAbs(time - UiTestCall::at(expectedSeconds)) <= qint64(tolerance * 1e6),
             qPrintable(QString::number(double(time - UiTestCall::at(0)) / 1e6)));
    // The click still selects an event, as before.
    QCOMPARE(selected.size(), 1);

    // Enter plays the selected event from its time.
    play.clear();
    QTest::keyClick(&view, Qt::Key_Return);
    QCOMPARE(play.size(), 1);
    QCOMPARE(play.first().first().value<Timestamp>(),
             view.call().events.at(view.currentEvent()).time);
}

void TestTimelineRecording::clickOnTheRecordingLanePlaysWithoutSelecting()
{
    TimelineView view;
    view.resize(800, 300);
    view.setCall(callWithRecordings());
    QSignalSpy play(&view, &TimelineView::playRequested);

    QTest::mouseClick(&view, Qt::LeftButton, {}, at(view, 9, -1));
    QCOMPARE(play.size(), 1);
    const auto time = play.first().first().value<Timestamp>();
    QVERIFY(qAbs(time - UiTestCall::at(9)) <= 50'000);
    QCOMPARE(view.currentEvent(), -1);
}

void TestTimelineRecording::shiftDragSelectsASpan()
{
    TimelineView view;
    view.resize(800, 300);
    view.setCall(callWithRecordings());
    QSignalSpy spans(&view, &TimelineView::selectedSpanChanged);
    QSignalSpy play(&view, &TimelineView::playRequested);

    QTest::mousePress(&view, Qt::LeftButton, Qt::ShiftModifier, at(view, 7, -1));
    QTest::mouseMove(&view, at(view, 8.5, -1));
    QTest::mouseMove(&view, at(view, 10, -1));
    QTest::mouseRelease(&view, Qt::LeftButton, Qt::ShiftModifier, at(view, 10, -1));

    QVERIFY(play.isEmpty());
    QVERIFY(!spans.isEmpty());
    const TimelineView::Span span = view.selectedSpan();
    QVERIFY(span.isValid());
    // To a pixel, 23.4 s / plot width.
    const qint64 pixel = qint64(23.4e6 / view.plotArea().width()) + 1;
    QVERIFY(qAbs(span.start - UiTestCall::at(7)) <= pixel);
    QVERIFY(qAbs(span.end - UiTestCall::at(10)) <= pixel);
    QCOMPARE(spans.last().first().value<TimelineView::Span>(), span);

    // Escape clears it.
    QTest::keyClick(&view, Qt::Key_Escape);
    QVERIFY(!view.selectedSpan().isValid());
}

void TestTimelineRecording::playheadIsOneLineAcrossTheLanes()
{
    TimelineView view;
    view.resize(800, 300);
    view.setCall(callWithRecordings());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const QColor ink = view.palette().color(QPalette::Text);

    // At 15 s the queue lane is empty, and so is the recording lane (the hold gap) but for its
    // hatch: only the playhead puts ink there.
    const int x = int(std::lround(xAt(view, 15)));
    const QRect queueLane(x - 1, int(view.laneArea(1).center().y()), 3, 1);
    QVERIFY(!hasColorNear(view.grab().toImage(), ink, queueLane, 20));

    view.setPlayhead(UiTestCall::at(15));
    QCOMPARE(view.playhead(), UiTestCall::at(15));
    const QImage image = view.grab().toImage();
    QVERIFY(hasColorNear(image, ink, queueLane, 20));
    for (int lane = 0; lane < view.laneCount(); ++lane)
        QVERIFY(
            hasColorNear(image, ink, QRect(x - 1, int(view.laneArea(lane).top()) + 2, 3, 1), 20));

    // Another call hides it.
    Call other = callWithRecordings();
    other.summary.crn = u"other"_qs;
    view.setCall(other);
    QVERIFY(!view.playhead().isValid());
}

void TestTimelineRecording::legendExplainsTheRecordingMarks()
{
    CallView callView;
    callView.setCall(UiTestCall::make());
    QVERIFY(!callView.legend()->itemTexts().contains(u"Not recorded"_qs));
    callView.setCall(callWithRecordings());
    const QStringList items = callView.legend()->itemTexts();
    for (const QString &item :
         { u"Recorded"_qs, u"Not recorded"_qs, u"Recording problem"_qs, u"Playhead"_qs })
        QVERIFY2(items.contains(item), qPrintable(items.join(u", ")));
}

void TestTimelineRecording::clickingAnEventPlaysThatMoment()
{
    // A real QMediaPlayer (GStreamer) plays files written here, for recording b's 6 s.
    QtMediaBackend backend;
    PlaybackController controller(&backend);
    CallView callView;
    callView.resize(1100, 700);
    callView.setPlayback(&controller, nullptr);
    QHash<QString, QString> files { { u"a"_qs, writeTone(u"a.wav"_qs, 6) },
                                    { u"b"_qs, writeTone(u"b.wav"_qs, 6) } };
    QVERIFY(!files.value(u"a"_qs).isEmpty() && !files.value(u"b"_qs).isEmpty());
    connect(&controller, &PlaybackController::fileNeeded, this,
            [&](const QString &id) { controller.setLocalFile(id, files.value(id)); });
    callView.setCall(callWithRecordings());
    callView.show();
    QVERIFY(QTest::qWaitForWindowExposed(&callView));

    // The blind transfer at 20 s, 4 s into recording b.
    TimelineView *timeline = callView.timeline();
    QTest::mouseClick(timeline, Qt::LeftButton, {}, at(*timeline, 20, 2));
    QCOMPARE(timeline->currentEvent(), 7);
    QTRY_COMPARE_WITH_TIMEOUT(controller.state(), PlaybackController::State::Playing, 10000);
    QCOMPARE(controller.currentRecordingId(), u"b"_qs);
    QVERIFY2(qAbs(controller.position() - UiTestCall::at(20)) < 200'000,
             qPrintable(QString::number(double(controller.position() - UiTestCall::at(0)) / 1e6)));

    // The playhead follows the audio along the timeline.
    QTRY_VERIFY_WITH_TIMEOUT(timeline->playhead() > UiTestCall::at(20.3), 5000);
    QVERIFY(timeline->playhead() < UiTestCall::at(22.1));
    controller.pause();
}

void TestTimelineRecording::aSeekAskedWhileLoadingIsKept()
{
    QtMediaBackend backend;
    PlaybackController controller(&backend);
    CallView callView;
    callView.resize(1100, 700);
    callView.setPlayback(&controller, nullptr);
    const QString file = writeTone(u"b-late.wav"_qs, 6);
    QStringList asked;
    connect(&controller, &PlaybackController::fileNeeded, this,
            [&asked](const QString &id) { asked.append(id); });
    callView.setCall(callWithRecordings());
    callView.show();
    QVERIFY(QTest::qWaitForWindowExposed(&callView));

    // The transfer (20 s) first, then, while recording b is still being fetched, 18 s.
    TimelineView *timeline = callView.timeline();
    QTest::mouseClick(timeline, Qt::LeftButton, {}, at(*timeline, 20, 2));
    QCOMPARE(asked, QStringList { u"b"_qs });
    QCOMPARE(controller.state(), PlaybackController::State::Loading);
    QTest::mouseClick(timeline, Qt::LeftButton, {}, at(*timeline, 18, 1));
    const qint64 pixel = qint64(23.4e6 / timeline->plotArea().width()) + 1;
    QVERIFY(qAbs(timeline->playhead() - UiTestCall::at(18)) <= pixel);

    // The file arrives: playback starts at 18 s, not at 20 s or at the recording's start.
    controller.setLocalFile(u"b"_qs, file);
    QTRY_COMPARE_WITH_TIMEOUT(controller.state(), PlaybackController::State::Playing, 10000);
    QVERIFY2(qAbs(controller.position() - UiTestCall::at(18)) < 200'000 + pixel,
             qPrintable(QString::number(double(controller.position() - UiTestCall::at(0)) / 1e6)));
    controller.pause();
}

void TestTimelineRecording::enterInTheEventTablePlaysTheEvent()
{
    QtMediaBackend backend;
    PlaybackController controller(&backend);
    CallView callView;
    callView.resize(1100, 700);
    callView.setPlayback(&controller, nullptr);
    QStringList asked;
    connect(&controller, &PlaybackController::fileNeeded, this,
            [&asked](const QString &id) { asked.append(id); });
    callView.setCall(callWithRecordings());
    callView.show();
    QVERIFY(QTest::qWaitForWindowExposed(&callView));

    // Picking a row only selects; Enter plays from the event (the answer at 6 s: recording a).
    QTableView *table = callView.eventTable();
    table->setFocus();
    table->selectRow(4);
    QCOMPARE(controller.state(), PlaybackController::State::Idle);
    QTest::keyClick(table, Qt::Key_Return);
    QCOMPARE(asked, QStringList { u"a"_qs });
    QCOMPARE(controller.position(), UiTestCall::at(6));
    QCOMPARE(callView.timeline()->playhead(), UiTestCall::at(6));
}

QTEST_MAIN(TestTimelineRecording)
#include "tst_timelinerecording.moc"
