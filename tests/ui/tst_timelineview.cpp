#include "callview.h"
#include "eventtablemodel.h"
#include "timelineview.h"
#include "uitestcall.h"

#include <QSignalSpy>
#include <QTableView>
#include <QTest>

// The timeline maps clicks and keys to events, and shares its current event with the table.
// The call is UiTestCall's: lanes caller (0), q (1), op (2); the axis runs from the start to
// 23.4 s, so a time t lands at plot.left + plot.width * t / 23.4.
class TestTimelineView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void lanesFollowRoles();
    void axisSpansTheCall();
    void clickSelectsEvents_data();
    void clickSelectsEvents();
    void keysMoveBetweenEvents();
    void toolTipsExplainSegmentsAndMarkers();
    void tableSelectionMovesTheHighlight();
    void timelineClickSelectsTheTableRow();
    void newCopyOfTheSameCallKeepsTheSelection();

private:
    static QPoint at(const TimelineView &view, double seconds, int lane);
    static bool hasHighlightAt(const QImage &image, const QColor &highlight, int x, int y);
};

QPoint TestTimelineView::at(const TimelineView &view, double seconds, int lane)
{
    const QRectF plot = view.plotArea();
    const QRectF band = view.laneArea(lane);
    return QPointF(plot.left() + plot.width() * seconds / 23.4, band.center().y()).toPoint();
}

// The highlight line is 2 px wide at a fractional x, so any of the columns around it will do.
bool TestTimelineView::hasHighlightAt(const QImage &image, const QColor &highlight, int x, int y)
{
    for (int dx = -1; dx <= 1; ++dx) {
        const QColor pixel = image.pixelColor(x + dx, y);
        if (qAbs(pixel.red() - highlight.red()) < 40 && qAbs(pixel.green() - highlight.green()) < 40
            && qAbs(pixel.blue() - highlight.blue()) < 40)
            return true;
    }
    return false;
}

void TestTimelineView::init()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
}

void TestTimelineView::lanesFollowRoles()
{
    TimelineView view;
    view.setCall(UiTestCall::make());
    QCOMPARE(view.laneCount(), 3);
    QCOMPARE(view.laneOf(u"caller"_qs), 0);
    QCOMPARE(view.laneOf(u"q"_qs), 1);
    QCOMPARE(view.laneOf(u"op"_qs), 2);
    QCOMPARE(view.laneLabel(0), u"Caller 8001"_qs);
    QCOMPARE(view.laneLabel(1), u"Queue q12"_qs);
    QCOMPARE(view.laneLabel(2), u"Operator"_qs);
    QVERIFY(view.sizeHint().height() >= view.minimumSizeHint().height());
}

void TestTimelineView::axisSpansTheCall()
{
    TimelineView view;
    view.resize(800, 300);
    view.setCall(UiTestCall::make());
    QCOMPARE(view.axisStart(), UiTestCall::at(0));
    QCOMPARE(view.axisEnd(), UiTestCall::at(23.4));
    const QRectF plot = view.plotArea();
    QCOMPARE(view.xForTime(UiTestCall::at(0)), plot.left());
    QCOMPARE(view.xForTime(UiTestCall::at(23.4)), plot.right());
    QVERIFY(qAbs(view.xForTime(UiTestCall::at(11.7)) - plot.center().x()) < 0.01);
    QCOMPARE(view.laneArea(2).bottom(), plot.bottom());
}

void TestTimelineView::clickSelectsEvents_data()
{
    QTest::addColumn<double>("seconds");
    QTest::addColumn<int>("lane");
    QTest::addColumn<int>("expectedEvent");

    // The hold segment (12-16 s) stands for the event that began it: HoldStart.
    QTest::newRow("inside the hold segment") << 14.0 << 0 << 5;
    // The operator's first talk (6-12 s) began with the answer.
    QTest::newRow("inside the operator's talk") << 9.0 << 2 << 4;
    QTest::newRow("the transfer marker") << 20.0 << 2 << 7;
    // The hangup at 22 s sits where the wrap-up begins; the marker wins.
    QTest::newRow("the operator's hangup marker") << 22.0 << 2 << 8;
    QTest::newRow("the caller's hangup marker") << 23.4 << 0 << 9;
    // Empty lane space picks the lane's nearest event: the queue's only one.
    QTest::newRow("empty queue lane") << 15.0 << 1 << 2;
}

void TestTimelineView::clickSelectsEvents()
{
    QFETCH(double, seconds);
    QFETCH(int, lane);
    QFETCH(int, expectedEvent);

    TimelineView view;
    view.resize(800, 300);
    view.setCall(UiTestCall::make());
    QSignalSpy changed(&view, &TimelineView::currentEventChanged);

    const QPoint point = at(view, seconds, lane);
    QCOMPARE(view.eventAt(point), expectedEvent);
    QTest::mouseClick(&view, Qt::LeftButton, {}, point);
    QCOMPARE(view.currentEvent(), expectedEvent);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().first().toInt(), expectedEvent);

    // A second click on the same spot changes nothing and says nothing.
    QTest::mouseClick(&view, Qt::LeftButton, {}, point);
    QCOMPARE(changed.size(), 1);
}

void TestTimelineView::keysMoveBetweenEvents()
{
    TimelineView view;
    view.setCall(UiTestCall::make());
    QCOMPARE(view.focusPolicy(), Qt::StrongFocus);
    QCOMPARE(view.currentEvent(), -1);

    QTest::keyClick(&view, Qt::Key_Right);
    QCOMPARE(view.currentEvent(), 0);
    QTest::keyClick(&view, Qt::Key_Right);
    QCOMPARE(view.currentEvent(), 1);
    QTest::keyClick(&view, Qt::Key_Left);
    QTest::keyClick(&view, Qt::Key_Left);
    QCOMPARE(view.currentEvent(), 0);
    QTest::keyClick(&view, Qt::Key_End);
    QCOMPARE(view.currentEvent(), 9);
    QTest::keyClick(&view, Qt::Key_Right);
    QCOMPARE(view.currentEvent(), 9);
    QTest::keyClick(&view, Qt::Key_Home);
    QCOMPARE(view.currentEvent(), 0);
}

void TestTimelineView::toolTipsExplainSegmentsAndMarkers()
{
    TimelineView view;
    view.resize(800, 300);
    view.setCall(UiTestCall::make());
    qputenv("TZ", "Europe/Berlin");

    const QString hold = view.toolTipAt(at(view, 14.0, 0));
    QVERIFY2(hold.startsWith(u"Hold · Caller 8001\n"_qs), qPrintable(hold));
    QVERIFY2(hold.contains(u"from 20:07:34.000 to 20:07:38.000, 4.0 s"_qs), qPrintable(hold));
    QVERIFY2(hold.contains(u"+12.0 s to +16.0 s"_qs), qPrintable(hold));

    const QString transfer = view.toolTipAt(at(view, 20.0, 2));
    QVERIFY2(transfer.startsWith(u"Blind transfer to 1002\nOperator\n"_qs), qPrintable(transfer));
    QVERIFY2(transfer.contains(u"(+20.0 s)"_qs), qPrintable(transfer));

    QVERIFY(view.toolTipAt(at(view, 15.0, 1)).isEmpty());
}

void TestTimelineView::tableSelectionMovesTheHighlight()
{
    CallView callView;
    callView.resize(1000, 700);
    callView.setCall(UiTestCall::make());
    callView.show();
    QVERIFY(QTest::qWaitForWindowExposed(&callView));

    TimelineView *timeline = callView.timeline();
    const QColor highlight = timeline->palette().color(QPalette::Highlight);
    // The queue lane is empty at 20 s and at 12 s, so the highlight line is what shows there.
    const int y = int(timeline->laneArea(1).center().y());
    const int transferX = at(*timeline, 20.0, 1).x();
    const int holdX = at(*timeline, 12.0, 1).x();
    QVERIFY(!hasHighlightAt(timeline->grab().toImage(), highlight, transferX, y));

    callView.eventTable()->selectRow(7);
    QCOMPARE(timeline->currentEvent(), 7);
    QImage image = timeline->grab().toImage();
    QVERIFY(hasHighlightAt(image, highlight, transferX, y));
    QVERIFY(!hasHighlightAt(image, highlight, holdX, y));

    callView.eventTable()->selectRow(5);
    QCOMPARE(timeline->currentEvent(), 5);
    image = timeline->grab().toImage();
    QVERIFY(hasHighlightAt(image, highlight, holdX, y));
    QVERIFY(!hasHighlightAt(image, highlight, transferX, y));
}

void TestTimelineView::timelineClickSelectsTheTableRow()
{
    CallView callView;
    // A short table, so that the last rows start out of sight.
    callView.resize(1000, 520);
    callView.setCall(UiTestCall::make());
    callView.show();
    QVERIFY(QTest::qWaitForWindowExposed(&callView));

    QTableView *table = callView.eventTable();
    TimelineView *timeline = callView.timeline();
    QTest::mouseClick(timeline, Qt::LeftButton, {}, at(*timeline, 23.4, 0));
    QCOMPARE(timeline->currentEvent(), 9);
    QCOMPARE(table->selectionModel()->currentIndex().row(), 9);
    QVERIFY(table->selectionModel()->isRowSelected(9, {}));
    const QRect row = table->visualRect(callView.eventModel()->index(9, 0));
    QVERIFY(table->viewport()->rect().intersects(row));
    QCOMPARE(callView.currentEvent(), 9);
}

void TestTimelineView::newCopyOfTheSameCallKeepsTheSelection()
{
    CallView callView;
    callView.setCall(UiTestCall::make());
    callView.selectEvent(4);
    callView.setCall(UiTestCall::make());
    QCOMPARE(callView.currentEvent(), 4);
    QCOMPARE(callView.eventTable()->selectionModel()->currentIndex().row(), 4);

    Call other = UiTestCall::make();
    other.summary.crn = u"another"_qs;
    callView.setCall(other);
    QCOMPARE(callView.currentEvent(), -1);
}

QTEST_MAIN(TestTimelineView)
#include "tst_timelineview.moc"
