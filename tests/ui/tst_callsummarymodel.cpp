#include "callsummarymodel.h"
#include "uitestcall.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QLocale>
#include <QSignalSpy>
#include <QTest>

// The list model behind the search matches and the recent calls.
class TestCallSummaryModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void passesTheModelTester();
    void cells();
    void rememberInsertsMovesAndTrims();

private:
    static CallSummary summary(const QString &crn);
};

void TestCallSummaryModel::initTestCase()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    qputenv("TZ", "Europe/Berlin");
}

CallSummary TestCallSummaryModel::summary(const QString &crn)
{
    CallSummary result = UiTestCall::make().summary;
    result.crn = crn;
    return result;
}

void TestCallSummaryModel::passesTheModelTester()
{
    CallSummaryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSummaries({ summary(u"a"_qs), summary(u"b"_qs), summary(u"c"_qs) });
    model.remember(summary(u"d"_qs), 4); // insert at the top
    model.remember(summary(u"b"_qs), 4); // move to the top
    model.remember(summary(u"b"_qs), 4); // already on top
    model.remember(summary(u"e"_qs), 3); // insert and trim two
    model.setSummaries({});
    model.remember(summary(u"f"_qs), 3);
}

void TestCallSummaryModel::cells()
{
    CallSummaryModel model;
    model.setSummaries({ UiTestCall::make().summary });
    const auto text = [&model](int column) {
        return model.index(0, column).data().toString();
    };

    QCOMPARE(text(CallSummaryModel::CrnColumn), u"1694023642.7"_qs);
    QCOMPARE(text(CallSummaryModel::StartColumn), u"6 Sep 2023 20:07"_qs);
    QCOMPARE(text(CallSummaryModel::CallerColumn), u"Alice (8001)"_qs);
    QCOMPARE(text(CallSummaryModel::QueueColumn), u"q12"_qs);
    QCOMPARE(text(CallSummaryModel::AgentColumn), u"Operator"_qs);
    QCOMPARE(text(CallSummaryModel::OutcomeColumn), u"Answered"_qs);

    const QModelIndex first = model.index(0, 0);
    QCOMPARE(first.data(CallSummaryModel::CrnRole).toString(), u"1694023642.7"_qs);
    QCOMPARE(first.data(CallSummaryModel::DurationRole).toLongLong(), 23'400'000);
    QCOMPARE(first.data(CallSummaryModel::OutcomeRole).toString(), u"answered"_qs);
    QVERIFY(model.index(0, CallSummaryModel::OutcomeColumn)
                .data(Qt::DecorationRole)
                .canConvert<QColor>());
    // A screen reader gets one sentence for the row.
    QCOMPARE(first.data(Qt::AccessibleTextRole).toString(),
             u"Call 1694023642.7, Wed 6 Sep 2023 20:07:22, from Alice (8001), Answered"_qs);
}

void TestCallSummaryModel::rememberInsertsMovesAndTrims()
{
    CallSummaryModel model;
    model.setSummaries({ summary(u"a"_qs), summary(u"b"_qs) });
    QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);

    model.remember(summary(u"b"_qs), 2);
    QCOMPARE(moved.size(), 1);
    QCOMPARE(model.rowOf(u"b"_qs), 0);
    QCOMPARE(model.rowOf(u"a"_qs), 1);

    model.remember(summary(u"c"_qs), 2);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(removed.size(), 1);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.rowOf(u"c"_qs), 0);
    QCOMPARE(model.rowOf(u"a"_qs), -1);
    QCOMPARE(resets.size(), 0);
}

QTEST_MAIN(TestCallSummaryModel)
#include "tst_callsummarymodel.moc"
