#include "eventtablemodel.h"
#include "uitestcall.h"

#include <QAbstractItemModelTester>
#include <QLocale>
#include <QSignalSpy>
#include <QTest>

// The event table over a hand-built call (see uitestcall.h for its times).
class TestEventTableModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void passesTheModelTester();
    void rowsAreEvents();
    void cells();
    void roles();
    void headers();
};

void TestEventTableModel::initTestCase()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    // 18:07:22 UTC is 20:07:22 in Berlin in September (CEST, UTC+2).
    qputenv("TZ", "Europe/Berlin");
}

void TestEventTableModel::passesTheModelTester()
{
    EventTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setCall(UiTestCall::make());
    model.setCall(Call());
    model.setCall(UiTestCall::make());
}

void TestEventTableModel::rowsAreEvents()
{
    EventTableModel model;
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    model.setCall(UiTestCall::make());
    QCOMPARE(resets.size(), 1);
    QCOMPARE(model.rowCount(), 10);
    QCOMPARE(model.columnCount(), int(EventTableModel::ColumnCount));
    QCOMPARE(model.rowCount(model.index(0, 0)), 0);
}

void TestEventTableModel::cells()
{
    EventTableModel model;
    model.setCall(UiTestCall::make());
    const auto text = [&model](int row, int column) {
        return model.index(row, column).data().toString();
    };

    // Event 4: the operator answers 6.0 s after 18:07:22 UTC.
    QCOMPARE(text(4, EventTableModel::TimeColumn), u"20:07:28.000"_qs);
    QCOMPARE(text(4, EventTableModel::OffsetColumn), u"+6.0 s"_qs);
    QCOMPARE(text(4, EventTableModel::ParticipantColumn), u"Operator"_qs);
    QCOMPARE(text(4, EventTableModel::EventColumn), u"Answered"_qs);
    QCOMPARE(text(4, EventTableModel::LegColumn), u"PJSIP/1001-00000009"_qs);

    QCOMPARE(text(2, EventTableModel::ParticipantColumn), u"Queue q12"_qs);
    QCOMPARE(text(2, EventTableModel::EventColumn), u"Entered queue q12"_qs);
    QCOMPARE(text(7, EventTableModel::EventColumn), u"Blind transfer to 1002"_qs);
    QCOMPARE(text(9, EventTableModel::TimeColumn), u"20:07:45.400"_qs);
    QCOMPARE(text(9, EventTableModel::OffsetColumn), u"+23.4 s"_qs);
    QCOMPARE(text(9, EventTableModel::ParticipantColumn), u"Caller 8001"_qs);
    QCOMPARE(text(9, EventTableModel::EventColumn), u"Hangup (cause 16, normal clearing)"_qs);
    QCOMPARE(text(9, EventTableModel::DetailsColumn), u"HANGUP · hangup cause: 16"_qs);

    QCOMPARE(model.index(9, EventTableModel::TimeColumn).data(Qt::ToolTipRole).toString(),
             u"2023-09-06 18:07:45.400 UTC"_qs);
    QCOMPARE(model.index(9, EventTableModel::LegColumn).data(Qt::ToolTipRole).toString(),
             u"Leg 1694023642.7"_qs);
}

void TestEventTableModel::roles()
{
    EventTableModel model;
    model.setCall(UiTestCall::make());
    const QModelIndex hangup = model.index(8, EventTableModel::EventColumn);
    QCOMPARE(hangup.data(EventTableModel::TimeRole).toLongLong(),
             UiTestCall::kStartSeconds * 1000000 + 22'000'000);
    QCOMPARE(hangup.data(EventTableModel::OffsetRole).toLongLong(), 22'000'000);
    QCOMPARE(hangup.data(EventTableModel::EventTypeRole).toString(), u"hangup"_qs);
    QCOMPARE(hangup.data(EventTableModel::ParticipantIdRole).toString(), u"op"_qs);
    QCOMPARE(hangup.data(EventTableModel::LegIdRole).toString(), u"1694023646.9"_qs);
    QCOMPARE(int(EventTableModel::TimeRole), int(Qt::UserRole));
    QCOMPARE(model.roleNames().value(EventTableModel::EventTypeRole), QByteArray("eventType"));
}

void TestEventTableModel::headers()
{
    EventTableModel model;
    QCOMPARE(model.headerData(EventTableModel::OffsetColumn, Qt::Horizontal).toString(),
             u"Since start"_qs);
    QCOMPARE(model.headerData(EventTableModel::EventColumn, Qt::Horizontal).toString(),
             u"Event"_qs);
}

QTEST_MAIN(TestEventTableModel)
#include "tst_eventtablemodel.moc"
