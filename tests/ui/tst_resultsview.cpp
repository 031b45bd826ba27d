#include "cache/callcache.h"
#include "callsummarymodel.h"
#include "lookup/calllookup.h"
#include "mainwindow.h"
#include "messagebanner.h"
#include "net/apiclient.h"
#include "resultsexport.h"
#include "resultsfiltermodel.h"
#include "searchfield.h"
#include "searchhistory.h"
#include "settings/settingswriter.h"
#include "testcalls.h"
#include "testserver.h"
#include "translations.h"
#include "typing.h"

#include <QAbstractItemModelTester>
#include <QAbstractItemView>
#include <QClipboard>
#include <QComboBox>
#include <QCompleter>
#include <QFile>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

// The console's results list against a real crn-server serving more than two pages of calls:
// paging as it scrolls, pasted lists, sorting and filtering, recent and saved searches, and the
// CSV export.
class TestResultsView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void modelTestersSeeEveryPage();
    void scrollingLoadsTheNextPage();
    void aPageThatFailsStopsLoadingAndSaysSo();
    void keptListShowsItsAgeAndGoesOffline();
    void countSaysWhatIsMissing();
    void pastedListForms_data();
    void pastedListForms();
    void pastedListShowsEveryReferenceInOrder();
    void sortKeys_data();
    void sortKeys();
    void filterNarrowsTheLoadedRows();
    void sortedListStillPages();
    void recentSearchesAreKeptAndCapped();
    void savedSearchesPersistAndRun();
    void csvBytes();
    void csvWriteFailureSaysWhy();
    void exportLoadsTheRemainingPagesFirst();
    void exportOfTheLoadedRowsOnly();
    void cancelledExportWritesNothing();

private:
    void newWindow();
    void attachModelTesters();
    QString bannerText() const;
    void waitForFirstPage();

    QTemporaryDir m_dir;
    std::unique_ptr<TestServer> m_server;
    quint16 m_port = 0;
    int m_run = 0;
    std::unique_ptr<ApiClient> m_client;
    std::unique_ptr<CallCache> m_cache;
    std::unique_ptr<CallLookup> m_lookup;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<QAbstractItemModelTester> m_modelTester;
    std::unique_ptr<QAbstractItemModelTester> m_proxyTester;
};

namespace {

// 130 calls taken by agent "Pager", one a minute: pages of 50, 50 and 30.
constexpr int kPagedCalls = 130;

QString pagedCrn(int i)
{
    return u"1710000000.%1"_qs.arg(i);
}

CallSummary summary(const QString &crn, const QString &startIso, qint64 durationSeconds,
                    const QString &caller, CallOutcome outcome)
{
    CallSummary call;
    call.crn = crn;
    call.start = *Timestamp::parseIso(startIso);
    call.end = call.start.addMicroseconds(durationSeconds * 1'000'000);
    call.caller = caller;
    call.outcome = outcome;
    return call;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

void TestResultsView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    Translations::install(QCoreApplication::instance());
    QVERIFY(m_dir.isValid());

    QList<Call> calls = TestCalls::servedCalls();
    for (int i = 0; i < kPagedCalls; ++i) {
        const QString start = u"2024-03-01T%1:%2:00Z"_qs.arg(10 + i / 60, 2, 10, QChar(u'0'))
                                  .arg(i % 60, 2, 10, QChar(u'0'));
        calls.append(TestCalls::make(pagedCrn(i), start,
                                     { pagedCrn(i), u"1710000000.%1-b"_qs.arg(i) }, u"Pager"_qs));
    }
    m_server = std::make_unique<TestServer>(m_dir.filePath(u"calls.sqlite"_qs));
    QString why;
    QVERIFY2(m_server->writeDatabase(calls, &why), qPrintable(why));
    QVERIFY2(m_server->start(0, &why), qPrintable(why));
    m_port = m_server->port();
}

void TestResultsView::init()
{
    QString why;
    if (!m_server->isRunning())
        QVERIFY2(m_server->start(m_port, &why), qPrintable(why));
    // Writes handed to SettingsWriter by the last test must not land after the clear.
    SettingsWriter::flush();
    QSettings().clear();
    newWindow();
}

void TestResultsView::newWindow()
{
    m_proxyTester.reset();
    m_modelTester.reset();
    m_window.reset();
    m_lookup.reset();
    m_cache.reset();
    m_client.reset();

    ++m_run;
    m_client = std::make_unique<ApiClient>(m_server->url());
    m_client->setAccessToken(m_server->token());
    m_client->setTransferTimeoutMs(3000);
    m_cache = std::make_unique<CallCache>(m_dir.filePath(u"cache-%1.sqlite"_qs.arg(m_run)));
    m_lookup = std::make_unique<CallLookup>(m_client.get(), m_cache.get());
    m_window = std::make_unique<MainWindow>(m_lookup.get());
    m_window->resize(1200, 700);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

// QAbstractItemModelTester calls fetchMore() itself whenever rows change, so with it attached
// every page is loaded without scrolling: the tests of scrolling run without it.
void TestResultsView::attachModelTesters()
{
    using Mode = QAbstractItemModelTester::FailureReportingMode;
    m_modelTester = std::make_unique<QAbstractItemModelTester>(m_window->matches(), Mode::QtTest);
    m_proxyTester
        = std::make_unique<QAbstractItemModelTester>(m_window->matchesFilter(), Mode::QtTest);
}

void TestResultsView::cleanup()
{
    m_proxyTester.reset();
    m_modelTester.reset();
    m_window.reset();
    m_lookup.reset();
    m_cache.reset();
    m_client.reset();
}

QString TestResultsView::bannerText() const
{
    return m_window->banner()->isVisible() ? m_window->banner()->text() : QString();
}

void TestResultsView::waitForFirstPage()
{
    UiTest::typeAndSearch(m_window->searchField(), u"Pager"_qs);
    QTRY_COMPARE(m_window->matches()->rowCount(), 50);
}

void TestResultsView::modelTestersSeeEveryPage()
{
    attachModelTesters();
    m_window->matchesSortBox()->setCurrentIndex(m_window->matchesSortBox()->findText(u"Start"_qs));
    m_window->matchesFilterField()->setText(u"1710000000.1"_qs);
    UiTest::typeAndSearch(m_window->searchField(), u"Pager"_qs);
    QTRY_COMPARE(m_window->matches()->rowCount(), kPagedCalls);
    QCOMPARE(m_window->matchesCountLabel()->text(), u"41 of 130 calls"_qs);
    // Ascending by start: .1, then .10 to .19, then .100 to .129.
    QCOMPARE(m_window->matchesFilter()->index(0, 0).data(CallSummaryModel::CrnRole).toString(),
             pagedCrn(1));
    QCOMPARE(m_window->matchesFilter()->index(40, 0).data(CallSummaryModel::CrnRole).toString(),
             pagedCrn(129));
    m_window->matchesFilterField()->clear();
    QCOMPARE(m_window->matchesFilter()->rowCount(), kPagedCalls);
}

void TestResultsView::scrollingLoadsTheNextPage()
{
    waitForFirstPage();
    // Showing the list loads nothing more: only scrolling to its end does.
    QCoreApplication::processEvents();
    QCOMPARE(m_window->matches()->rowCount(), 50);
    QCOMPARE(m_window->matchesCountLabel()->text(), u"50+ calls"_qs);
    QCOMPARE(bannerText(), u"50+ calls match “Pager”. Pick one on the left to open it."_qs);
    // Newest first, as the server sends them.
    QCOMPARE(m_window->matchesFilter()->index(0, 0).data(CallSummaryModel::CrnRole).toString(),
             pagedCrn(kPagedCalls - 1));
    QVERIFY(m_window->matchesFilter()->canFetchMore({}));

    QListView *view = m_window->matchesView();
    QVERIFY(view->isVisible());
    view->scrollToBottom();
    QTRY_COMPARE(m_window->matches()->rowCount(), 100);
    QTRY_COMPARE(m_window->matchesCountLabel()->text(), u"100+ calls"_qs);

    view->scrollToBottom();
    QTRY_COMPARE(m_window->matches()->rowCount(), kPagedCalls);
    QCOMPARE(m_window->matchesCountLabel()->text(), u"130 calls"_qs);
    QVERIFY(!m_window->matchesFilter()->canFetchMore({}));
    QCOMPARE(m_window->matchesFilter()
                 ->index(kPagedCalls - 1, 0)
                 .data(CallSummaryModel::CrnRole)
                 .toString(),
             pagedCrn(0));
}

void TestResultsView::aPageThatFailsStopsLoadingAndSaysSo()
{
    waitForFirstPage();
    m_server->kill();
    m_window->matchesView()->scrollToBottom();
    QTRY_VERIFY(bannerText().startsWith(u"More results could not be loaded."_qs));
    QCOMPARE(m_window->banner()->kind(), MessageBanner::Kind::Error);
    QCOMPARE(m_window->banner()->actionText(), u"Retry"_qs);
    QCOMPARE(m_window->matches()->rowCount(), 50);
    QVERIFY(!m_window->matchesFilter()->canFetchMore({}));
    QCOMPARE(m_window->matchesCountLabel()->text(), u"50 calls"_qs);
}

// The same search again shows the kept list at once with its age, until the server confirms it;
// with the server gone the kept list stays, marked offline.
void TestResultsView::keptListShowsItsAgeAndGoesOffline()
{
    const QString live = u"3 calls match “17000000”. Pick one on the left to open it."_qs;
    UiTest::typeAndSearch(m_window->searchField(), u"17000000"_qs);
    QTRY_COMPARE(bannerText(), live);
    QCOMPARE(m_window->matches()->rowCount(), 3);

    UiTest::typeAndSearch(m_window->searchField(), u"17000000"_qs);
    // Before any answer: the kept list, with the time it was fetched.
    QVERIFY2(bannerText().startsWith(u"3 calls match “17000000”. List kept from "_qs),
             qPrintable(bannerText()));
    QVERIFY2(bannerText().endsWith(u"checking the server…"_qs), qPrintable(bannerText()));
    QCOMPARE(m_window->matches()->rowCount(), 3);
    QTRY_COMPARE(bannerText(), live);
    QCOMPARE(m_window->banner()->kind(), MessageBanner::Kind::Information);

    m_server->kill();
    UiTest::typeAndSearch(m_window->searchField(), u"17000000"_qs);
    QTRY_VERIFY_WITH_TIMEOUT(bannerText().startsWith(u"Offline: showing the list kept at "_qs),
                             10000);
    QVERIFY2(bannerText().contains(u"cannot be reached"_qs), qPrintable(bannerText()));
    QCOMPARE(m_window->banner()->kind(), MessageBanner::Kind::Warning);
    QCOMPARE(m_window->matches()->rowCount(), 3);
    QCOMPARE(m_window->matchesFilter()->index(0, 0).data(CallSummaryModel::CrnRole).toString(),
             u"1700000003.1"_qs);
}

void TestResultsView::countSaysWhatIsMissing()
{
    CallSummaryModel model;
    QList<ListedCall> calls(4);
    calls[0].outcome = ListedCall::Outcome::Found;
    calls[0].summary.crn = u"a"_qs;
    calls[1].outcome = ListedCall::Outcome::NotFound;
    calls[1].reference = u"b"_qs;
    calls[2].outcome = ListedCall::Outcome::Unavailable;
    calls[2].reference = u"c"_qs;
    calls[2].problem = u"The server cannot be reached."_qs;
    calls[3].outcome = ListedCall::Outcome::NotFound;
    calls[3].reference = u"d"_qs;
    model.setListedCalls(calls);
    QCOMPARE(model.countText(), u"1 call, 2 not found, 1 not available"_qs);
    QCOMPARE(model.index(2, 0).data().toString(), u"not available: c"_qs);
    QCOMPARE(model.index(2, 0).data(Qt::ToolTipRole).toString(),
             u"The server cannot be reached."_qs);
    QCOMPARE(model.summaries().size(), 1);
    QCOMPARE(model.rowOf(u"a"_qs), 0);

    model.setSummaries({ calls[0].summary, calls[0].summary }, true);
    QCOMPARE(model.countText(), u"2+ calls"_qs);
    QVERIFY(model.canFetchMore({}));
    QSignalSpy requested(&model, &CallSummaryModel::moreRequested);
    model.fetchMore({});
    model.fetchMore({}); // one page at a time
    QCOMPARE(requested.size(), 1);
    QVERIFY(!model.canFetchMore({}));
    model.appendSummaries({ calls[0].summary }, false);
    QCOMPARE(model.countText(), u"3 calls"_qs);
    QVERIFY(!model.canFetchMore({}));
}

void TestResultsView::pastedListForms_data()
{
    QTest::addColumn<QString>("pasted");
    QTest::addColumn<QString>("shown");

    const QString three = u"1700000003.1, 9999999999.9, 1694023642.7"_qs;
    QTest::newRow("one a line") << u"1700000003.1\n9999999999.9\n1694023642.7\n"_qs << three;
    QTest::newRow("windows lines") << u"1700000003.1\r\n9999999999.9\r\n1694023642.7"_qs << three;
    QTest::newRow("commas") << u"1700000003.1,9999999999.9,1694023642.7"_qs << three;
    QTest::newRow("semicolons") << u"1700000003.1; 9999999999.9; 1694023642.7"_qs << three;
    QTest::newRow("spaces") << u"1700000003.1 9999999999.9  1694023642.7"_qs << three;
    QTest::newRow("invisible and wide characters")
        << u"\u00a01700000003\u200b.1\n\uff19999999999.9\n1694023642.7\u00a0"_qs << three;
    QTest::newRow("repeat dropped")
        << u"1700000003.1\n9999999999.9\n1700000003.1\n1694023642.7"_qs << three;
}

void TestResultsView::pastedListForms()
{
    QFETCH(QString, pasted);
    QFETCH(QString, shown);

    SearchField *field = m_window->searchField();
    field->setFocus();
    field->clear();
    QGuiApplication::clipboard()->setText(pasted);
    QTest::keySequence(field, QKeySequence::Paste);
    QCOMPARE(field->text(), shown);

    QTest::keyClick(field, Qt::Key_Return);
    QTRY_COMPARE(m_window->matches()->rowCount(), 3);
    QCOMPARE(m_window->matches()->index(1, 0).data().toString(), u"not found: 9999999999.9"_qs);
}

void TestResultsView::pastedListShowsEveryReferenceInOrder()
{
    UiTest::typeAndSearch(m_window->searchField(),
                          u"1700000003.1, 9999999999.9, 1710000000.7-b, 1694023642.7"_qs);
    QTRY_COMPARE(m_window->matches()->rowCount(), 4);

    const CallSummaryModel *model = m_window->matches();
    const auto kind = [model](int row) {
        return model->index(row, 0)
            .data(CallSummaryModel::RowKindRole)
            .value<CallSummaryModel::RowKind>();
    };
    QCOMPARE(model->index(0, 0).data(CallSummaryModel::CrnRole).toString(), u"1700000003.1"_qs);
    QCOMPARE(kind(1), CallSummaryModel::RowKind::NotFound);
    QCOMPARE(model->index(1, 0).data().toString(), u"not found: 9999999999.9"_qs);
    QVERIFY(model->index(1, 0).data(Qt::FontRole).value<QFont>().italic());
    QVERIFY(model->index(1, 0).data(CallSummaryModel::CrnRole).toString().isEmpty());
    // The leg id names its call, which is listed in the leg's place.
    QCOMPARE(model->index(2, 0).data(CallSummaryModel::CrnRole).toString(), u"1710000000.7"_qs);
    QCOMPARE(model->index(3, 0).data(CallSummaryModel::CrnRole).toString(), u"1694023642.7"_qs);
    QCOMPARE(kind(3), CallSummaryModel::RowKind::Call);

    QCOMPARE(m_window->matchesCountLabel()->text(), u"3 calls, 1 not found"_qs);
    QCOMPARE(bannerText(),
             u"3 of the 4 pasted references name a call. Pick one on the left to open it."_qs);
    QCOMPARE(m_window->banner()->kind(), MessageBanner::Kind::Warning);
    QVERIFY(m_window->shownCrn().isEmpty());
    QVERIFY(!m_window->matchesFilter()->canFetchMore({}));

    // The missing row opens nothing; a call's row opens the call.
    QListView *view = m_window->matchesView();
    const QModelIndex missing = view->model()->index(1, 0);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(missing).center());
    const QModelIndex call = view->model()->index(2, 0);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(call).center());
    QTRY_COMPARE(m_window->shownCrn(), u"1710000000.7"_qs);
}

void TestResultsView::sortKeys_data()
{
    QTest::addColumn<ResultsFilterModel::SortKey>("key");
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::addColumn<QStringList>("expected");

    // a: 10:00, 30 s, caller 300, answered; b: 09:00, 90 s, caller 100, abandoned;
    // c: 11:00, 60 s, caller 200, transferred; then the missing reference "x-404" (row 3).
    using Key = ResultsFilterModel::SortKey;
    const QString missing = QString();
    QTest::newRow("as found") << Key::Found << Qt::AscendingOrder
                              << QStringList { u"a"_qs, u"b"_qs, u"c"_qs, missing };
    QTest::newRow("start ascending")
        << Key::Start << Qt::AscendingOrder << QStringList { u"b"_qs, u"a"_qs, u"c"_qs, missing };
    QTest::newRow("start descending")
        << Key::Start << Qt::DescendingOrder << QStringList { u"c"_qs, u"a"_qs, u"b"_qs, missing };
    QTest::newRow("duration ascending") << Key::Duration << Qt::AscendingOrder
                                        << QStringList { u"a"_qs, u"c"_qs, u"b"_qs, missing };
    QTest::newRow("duration descending") << Key::Duration << Qt::DescendingOrder
                                         << QStringList { u"b"_qs, u"c"_qs, u"a"_qs, missing };
    QTest::newRow("caller") << Key::Caller << Qt::AscendingOrder
                            << QStringList { u"b"_qs, u"c"_qs, u"a"_qs, missing };
    // Outcome names as shown: Abandoned, Answered, Transferred.
    QTest::newRow("outcome") << Key::Outcome << Qt::AscendingOrder
                             << QStringList { u"b"_qs, u"a"_qs, u"c"_qs, missing };
}

void TestResultsView::sortKeys()
{
    QFETCH(ResultsFilterModel::SortKey, key);
    QFETCH(Qt::SortOrder, order);
    QFETCH(QStringList, expected);

    CallSummaryModel model;
    ResultsFilterModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);

    QList<ListedCall> calls(4);
    calls[0].summary
        = summary(u"a"_qs, u"2024-01-01T10:00:00Z"_qs, 30, u"300"_qs, CallOutcome::Answered);
    calls[1].summary
        = summary(u"b"_qs, u"2024-01-01T09:00:00Z"_qs, 90, u"100"_qs, CallOutcome::Abandoned);
    calls[2].summary
        = summary(u"c"_qs, u"2024-01-01T11:00:00Z"_qs, 60, u"200"_qs, CallOutcome::Transferred);
    for (int i = 0; i < 3; ++i) {
        calls[i].outcome = ListedCall::Outcome::Found;
        calls[i].reference = calls[i].summary.crn;
    }
    calls[3].reference = u"x-404"_qs;
    calls[3].outcome = ListedCall::Outcome::NotFound;
    model.setListedCalls(calls);

    proxy.setSortKey(key, order);
    QStringList actual;
    for (int row = 0; row < proxy.rowCount(); ++row)
        actual.append(proxy.index(row, 0).data(CallSummaryModel::CrnRole).toString());
    QCOMPARE(actual, expected);
}

void TestResultsView::filterNarrowsTheLoadedRows()
{
    waitForFirstPage();
    // Loaded: 1710000000.129 down to .80; ".12" is in .129 to .120 only.
    m_window->matchesFilterField()->setText(u"1710000000.12"_qs);
    QCOMPARE(m_window->matchesFilter()->rowCount(), 10);
    QCOMPARE(m_window->matchesCountLabel()->text(), u"10 of 50+ calls"_qs);
    m_window->matchesFilterField()->setText(u"PAGER"_qs);
    QCOMPARE(m_window->matchesFilter()->rowCount(), 50);
    m_window->matchesFilterField()->setText(u"no such text"_qs);
    QCOMPARE(m_window->matchesFilter()->rowCount(), 0);
    QCOMPARE(m_window->matchesCountLabel()->text(), u"0 of 50+ calls"_qs);
    m_window->matchesFilterField()->clear();
    QCOMPARE(m_window->matchesFilter()->rowCount(), 50);
    QCOMPARE(m_window->matchesCountLabel()->text(), u"50+ calls"_qs);
}

void TestResultsView::sortedListStillPages()
{
    waitForFirstPage();
    QComboBox *sort = m_window->matchesSortBox();
    sort->setCurrentIndex(sort->findText(u"Start"_qs));
    // Ascending by start: the oldest loaded call (.80) first.
    QCOMPARE(m_window->matchesFilter()->index(0, 0).data(CallSummaryModel::CrnRole).toString(),
             pagedCrn(80));
    m_window->matchesView()->scrollToBottom();
    QTRY_COMPARE(m_window->matches()->rowCount(), 100);
    // The next page holds older calls, which sort to the top.
    QTRY_COMPARE(m_window->matchesFilter()->index(0, 0).data(CallSummaryModel::CrnRole).toString(),
                 pagedCrn(30));
    m_window->findChild<QToolButton *>(u"matchesSortOrder"_qs)->setChecked(true);
    QCOMPARE(m_window->matchesFilter()->index(0, 0).data(CallSummaryModel::CrnRole).toString(),
             pagedCrn(129));
}

void TestResultsView::recentSearchesAreKeptAndCapped()
{
    {
        SearchHistory history;
        for (int i = 0; i < 25; ++i)
            history.addRecent(u"query %1"_qs.arg(i));
        history.addRecent(u"query 10"_qs);
        history.addRecent(u"   "_qs);
    }
    SettingsWriter::flush();
    SearchHistory reread;
    const QStringList recent = reread.recent();
    QCOMPARE(recent.size(), 20);
    QCOMPARE(recent.first(), u"query 10"_qs);
    QCOMPARE(recent.at(1), u"query 24"_qs);
    // 24 down to 5; 10 was among them and only moves to the top, so "query 5" stays last.
    QCOMPARE(recent.last(), u"query 5"_qs);
    QCOMPARE(recent.count(u"query 10"_qs), 1);

    // The window records what was searched, as cleaned, and offers it in the field.
    newWindow();
    UiTest::typeAndSearch(m_window->searchField(), u" 1700000001.1 "_qs);
    QTRY_COMPARE(m_window->shownCrn(), u"1700000001.1"_qs);
    QCOMPARE(m_window->searchHistory()->recent().first(), u"1700000001.1"_qs);
    QCOMPARE(m_window->searchField()->recentSearches().first(), u"1700000001.1"_qs);

    newWindow();
    SearchField *field = m_window->searchField();
    QCOMPARE(field->recentSearches().first(), u"1700000001.1"_qs);
    QCOMPARE(field->recentSearches().size(), 20);

    // Down in the empty field offers them all; typing narrows them; Enter still searches.
    field->setFocus();
    QTest::keyClick(field, Qt::Key_Down);
    QTRY_VERIFY(field->recentCompleter()->popup()->isVisible());
    QCOMPARE(field->recentCompleter()->completionCount(), 20);
    QTest::keyClick(field->recentCompleter()->popup(), Qt::Key_Escape);
    QTRY_VERIFY(!field->recentCompleter()->popup()->isVisible());
    UiTest::typeAndSearch(field, u"1700000002.1"_qs);
    QTRY_COMPARE(m_window->shownCrn(), u"1700000002.1"_qs);
    field->clear();
    QTest::keyClicks(field, u"170000000"_qs);
    QTRY_VERIFY(field->recentCompleter()->popup()->isVisible());
    QCOMPARE(field->recentCompleter()->completionCount(), 2);
}

void TestResultsView::savedSearchesPersistAndRun()
{
    {
        SearchHistory history;
        QVERIFY(history.save(u"Pagers"_qs, u"8001"_qs));
        QVERIFY(history.save(u"Pagers"_qs, u"Pager"_qs)); // replaces
        QVERIFY(history.save(u"Odd, name/with \"quotes\""_qs, u"1700000001.1"_qs));
        QVERIFY(!history.save(u" "_qs, u"Pager"_qs));
        QVERIFY(!history.save(u"Empty"_qs, QString()));
        QVERIFY(history.save(u"Gone"_qs, u"x"_qs));
        history.remove(u"Gone"_qs);
    }
    SettingsWriter::flush();
    SearchHistory reread;
    const QList<SearchHistory::SavedSearch> expected {
        { u"Pagers"_qs, u"Pager"_qs },
        { u"Odd, name/with \"quotes\""_qs, u"1700000001.1"_qs },
    };
    QCOMPARE(reread.saved(), expected);

    // The Searches menu lists them and runs one.
    newWindow();
    QMenu *menu = m_window->searchesMenu();
    Q_EMIT menu->aboutToShow();
    QAction *run = nullptr;
    for (QAction *action : menu->actions()) {
        if (action->text() == u"Pagers")
            run = action;
    }
    QVERIFY(run);
    run->trigger();
    QTRY_COMPARE(m_window->matches()->rowCount(), 50);
    QCOMPARE(m_window->searchField()->text(), u"Pager"_qs);

    m_window->saveSearch(u"One call"_qs, u"1700000002.1"_qs);
    newWindow();
    m_window->runSavedSearch(u"One call"_qs);
    QTRY_COMPARE(m_window->shownCrn(), u"1700000002.1"_qs);
}

void TestResultsView::csvBytes()
{
    CallSummary first;
    first.crn = u"1694023642.7"_qs;
    first.start = *Timestamp::parseIso(u"2023-09-06T18:07:22.626751Z"_qs);
    first.end = first.start.addMicroseconds(23'400'000);
    first.direction = CallDirection::Inbound;
    first.caller = u"+15550100"_qs;
    first.callerName = u"Not exported"_qs;
    first.dialed = u"91001"_qs;
    first.queues = { u"support"_qs, u"sales, east"_qs };
    first.agents = { u"Sam \"Ace\" Lee"_qs };
    first.outcome = CallOutcome::Answered;
    first.recordingCount = 2;

    CallSummary second;
    second.crn = u"1700000001.1"_qs;
    second.start = *Timestamp::parseIso(u"2023-11-14T22:13:21Z"_qs);
    second.end = second.start.addMicroseconds(30'000'000);
    second.direction = CallDirection::Outbound;
    second.caller = u"8001"_qs;
    second.agents = { u"Line\nBreak"_qs };
    second.outcome = CallOutcome::Abandoned;

    const QByteArray expected
        = "crn,start,duration_s,direction,caller,dialed,queues,agents,outcome,recordings\r\n"
          "1694023642.7,2023-09-06T18:07:22.626751Z,23.4,inbound,+15550100,91001,"
          "\"support; sales, east\",\"Sam \"\"Ace\"\" Lee\",answered,2\r\n"
          "1700000001.1,2023-11-14T22:13:21Z,30,outbound,8001,,,\"Line\nBreak\",abandoned,0\r\n";
    QCOMPARE(ResultsExport::toCsv({ first, second }), expected);
    QCOMPARE(ResultsExport::toCsv({}),
             QByteArray("crn,start,duration_s,direction,caller,dialed,queues,agents,outcome,"
                        "recordings\r\n"));

    ResultsExport exporter;
    QSignalSpy finished(&exporter, &ResultsExport::finished);
    const QString path = m_dir.filePath(u"two.csv"_qs);
    QVERIFY(exporter.start({ first, second }, path));
    QVERIFY(finished.wait(5000));
    QCOMPARE(finished.last().at(2).toBool(), true);
    QCOMPARE(finished.last().at(1).toInt(), 2);
    QCOMPARE(readAll(path), expected);
}

void TestResultsView::csvWriteFailureSaysWhy()
{
    ResultsExport exporter;
    QSignalSpy finished(&exporter, &ResultsExport::finished);
    const QString path = m_dir.filePath(u"no-such-folder/calls.csv"_qs);
    QVERIFY(exporter.start({}, path));
    QVERIFY(finished.wait(5000));
    QCOMPARE(finished.last().at(2).toBool(), false);
    QVERIFY(finished.last().at(3).toString().contains(path));
    QVERIFY(!QFile::exists(path));
}

void TestResultsView::exportLoadsTheRemainingPagesFirst()
{
    waitForFirstPage();
    QSignalSpy exported(m_window.get(), &MainWindow::resultsExported);
    const QString path = m_dir.filePath(u"all.csv"_qs);
    m_window->exportResultsTo(path, true);
    QCOMPARE(m_window->banner()->actionText(), u"Cancel"_qs);
    QVERIFY(bannerText().startsWith(u"Loading all results for the export: 50+ calls"_qs));
    QVERIFY(exported.wait(10000));
    QCOMPARE(exported.last().at(1).toBool(), true);
    QCOMPARE(m_window->matches()->rowCount(), kPagedCalls);

    const QList<QByteArray> lines = readAll(path).split('\n');
    // A header, 130 calls, and the empty rest after the last CRLF.
    QCOMPARE(lines.size(), 1 + kPagedCalls + 1);
    QVERIFY(lines.at(kPagedCalls).startsWith(QByteArray(pagedCrn(0).toLatin1() + ',')));
    QCOMPARE(lines.at(1),
             pagedCrn(129).toLatin1()
                 + ",2024-03-01T12:09:00Z,30,inbound,8001,91001,support,Pager,answered,0\r");
}

void TestResultsView::exportOfTheLoadedRowsOnly()
{
    waitForFirstPage();
    QSignalSpy exported(m_window.get(), &MainWindow::resultsExported);
    const QString path = m_dir.filePath(u"loaded.csv"_qs);
    m_window->exportResultsTo(path, false);
    QVERIFY(exported.wait(5000));
    QCOMPARE(readAll(path).count("\r\n"), 1 + 50);
    QCOMPARE(m_window->matches()->rowCount(), 50);
}

void TestResultsView::cancelledExportWritesNothing()
{
    waitForFirstPage();
    QSignalSpy exported(m_window.get(), &MainWindow::resultsExported);
    const QString path = m_dir.filePath(u"cancelled.csv"_qs);
    m_window->exportResultsTo(path, true);
    QVERIFY(m_window->banner()->isVisible());
    // The banner's Cancel button.
    m_window->cancelExport();
    QVERIFY(!m_window->banner()->isVisible());
    // The page already asked for still arrives, and no further one is asked for.
    QTRY_COMPARE(m_window->matches()->rowCount(), 100);
    QVERIFY(m_window->matches()->moreAvailable());
    QCOMPARE(exported.size(), 0);
    QVERIFY(!QFile::exists(path));
}

QTEST_MAIN(TestResultsView)
#include "tst_resultsview.moc"
