#include "cache/callcache.h"
#include "lookup/calllookup.h"
#include "net/apiclient.h"
#include "testcalls.h"
#include "testserver.h"

#include <QSet>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

// CallLookup's listings past their first page and pasted lists of CRNs, against a real
// crn-server serving calls written by CallStore.
class TestResultPaging : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void referenceList_data();
    void referenceList();
    void pagesFollowTheServersCursor();
    void aNewerListingDropsTheOlderPages();
    void pastedListKeepsTheOrderAndNamesTheMissing();
    void pastedListUsesTheCacheWhenTheServerIsGone();
    void singleCrnStillOpensTheCall();
    void searchPageNotModified();
    void keptPageIsRevalidated();
    void keptPageIsReplacedWhenTheListChanged();
    void keptPageIsShownOfflineWhenTheServerIsGone();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<TestServer> m_server;
    quint16 m_port = 0;
    int m_run = 0;
    std::unique_ptr<ApiClient> m_client;
    std::unique_ptr<CallCache> m_cache;
    std::unique_ptr<CallLookup> m_lookup;
};

namespace {

// 130 calls taken by agent "Pager": three pages of 50, 50 and 30 at the console's page size.
constexpr int kPagedCalls = 130;

QString pagedCrn(int i)
{
    return u"1710000000.%1"_qs.arg(i);
}

} // namespace

void TestResultPaging::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());

    QList<Call> calls = TestCalls::servedCalls();
    for (int i = 0; i < kPagedCalls; ++i) {
        const QString start = u"2024-03-01T10:%1:%2Z"_qs.arg(i / 60, 2, 10, QChar(u'0'))
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

void TestResultPaging::init()
{
    QString why;
    if (!m_server->isRunning())
        QVERIFY2(m_server->start(m_port, &why), qPrintable(why));
    ++m_run;
    m_client = std::make_unique<ApiClient>(m_server->url());
    m_client->setAccessToken(m_server->token());
    m_client->setTransferTimeoutMs(3000);
    m_cache = std::make_unique<CallCache>(m_dir.filePath(u"cache-%1.sqlite"_qs.arg(m_run)));
    m_lookup = std::make_unique<CallLookup>(m_client.get(), m_cache.get());
}

void TestResultPaging::cleanup()
{
    m_lookup.reset();
    m_cache.reset();
    m_client.reset();
}

void TestResultPaging::referenceList_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected");

    const QStringList two { u"1694023642.7"_qs, u"1700000001.1"_qs };
    QTest::newRow("one a line") << u"1694023642.7\n1700000001.1\n"_qs << two;
    QTest::newRow("windows line ends") << u"1694023642.7\r\n1700000001.1\r\n"_qs << two;
    QTest::newRow("commas") << u"1694023642.7,1700000001.1"_qs << two;
    QTest::newRow("commas and spaces") << u" 1694023642.7 , 1700000001.1 "_qs << two;
    QTest::newRow("semicolons") << u"1694023642.7;1700000001.1;"_qs << two;
    QTest::newRow("spaces only") << u"1694023642.7   1700000001.1"_qs << two;
    QTest::newRow("tabs") << u"1694023642.7\t1700000001.1"_qs << two;
    QTest::newRow("blank lines between") << u"\n\n1694023642.7\n\n\n1700000001.1\n"_qs << two;
    QTest::newRow("each cleaned like one CRN")
        << u"\u00a01694023642\u200b.7\n\uff11\uff17\uff10\uff10000001.1"_qs << two;
    QTest::newRow("en dash in a part")
        << u"Asterisk\u201301\u20131362424276.2, 1700000001.1"_qs
        << QStringList { u"Asterisk-01-1362424276.2"_qs, u"1700000001.1"_qs };
    QTest::newRow("a repeat is dropped") << u"1694023642.7\n1700000001.1\n1694023642.7"_qs << two;
    QTest::newRow("a repeat in another case is dropped")
        << u"ABC-12345678, abc-12345678, 1700000001.1"_qs
        << QStringList { u"ABC-12345678"_qs, u"1700000001.1"_qs };
    QTest::newRow("order kept") << u"1700000001.1\n1694023642.7"_qs
                                << QStringList { u"1700000001.1"_qs, u"1694023642.7"_qs };
    QTest::newRow("three mixed") << u"1700000003.1, 1700000002.1\n1700000001.1"_qs
                                 << QStringList { u"1700000003.1"_qs, u"1700000002.1"_qs,
                                                  u"1700000001.1"_qs };
    QTest::newRow("one CRN is no list") << u"1694023642.7"_qs << QStringList();
    QTest::newRow("one CRN and a line break") << u" 1694023642.7 \n"_qs << QStringList();
    QTest::newRow("one CRN and commas") << u",1694023642.7,,"_qs << QStringList();
    QTest::newRow("the same CRN twice") << u"1694023642.7\n1694023642.7"_qs << QStringList();
    QTest::newRow("grouped phone number") << u"+1 555 0100 799"_qs << QStringList();
    QTest::newRow("national number with spaces") << u"0800 123 4567"_qs << QStringList();
    QTest::newRow("a name") << u"Agent A"_qs << QStringList();
    QTest::newRow("a queue name") << u"Sales Queue"_qs << QStringList();
    QTest::newRow("empty") << QString() << QStringList();
}

void TestResultPaging::referenceList()
{
    QFETCH(QString, text);
    QFETCH(QStringList, expected);
    QCOMPARE(CallLookup::referenceList(text), expected);
}

void TestResultPaging::pagesFollowTheServersCursor()
{
    QSignalSpy matches(m_lookup.get(), &CallLookup::matchesFound);
    QSignalSpy appended(m_lookup.get(), &CallLookup::matchesAppended);
    QSignalSpy failed(m_lookup.get(), &CallLookup::moreMatchesFailed);

    m_lookup->find(u"Pager"_qs);
    QVERIFY(matches.wait(5000));
    QCOMPARE(matches.first().at(0).toString(), u"Pager"_qs);
    QSet<QString> seen;
    const auto collect = [&seen](const QList<CallSummary> &page) {
        for (const CallSummary &summary : page)
            seen.insert(summary.crn);
    };
    const auto first = matches.first().at(1).value<QList<CallSummary>>();
    QCOMPARE(first.size(), 50);
    // Newest first: the last of the 130 calls started last.
    QCOMPARE(first.first().crn, pagedCrn(kPagedCalls - 1));
    collect(first);
    QVERIFY(m_lookup->hasMoreMatches(u"Pager"_qs));
    QVERIFY(!m_lookup->hasMoreMatches(u"other"_qs));

    m_lookup->fetchMoreMatches(u"Pager"_qs);
    // A second ask while the page is on its way is not a second request.
    m_lookup->fetchMoreMatches(u"Pager"_qs);
    QVERIFY(appended.wait(5000));
    QCOMPARE(appended.size(), 1);
    QCOMPARE(appended.last().at(1).value<QList<CallSummary>>().size(), 50);
    QCOMPARE(appended.last().at(2).toBool(), true);
    collect(appended.last().at(1).value<QList<CallSummary>>());

    m_lookup->fetchMoreMatches(u"Pager"_qs);
    QVERIFY(appended.wait(5000));
    const auto last = appended.last().at(1).value<QList<CallSummary>>();
    QCOMPARE(last.size(), 30);
    QCOMPARE(appended.last().at(2).toBool(), false);
    QCOMPARE(last.last().crn, pagedCrn(0));
    collect(last);

    QCOMPARE(seen.size(), kPagedCalls);
    QVERIFY(!m_lookup->hasMoreMatches(u"Pager"_qs));
    QCOMPARE(failed.size(), 0);
}

void TestResultPaging::aNewerListingDropsTheOlderPages()
{
    QSignalSpy matches(m_lookup.get(), &CallLookup::matchesFound);
    // A page of the older listing may still come before the newer listing is there, never
    // after it.
    int appendedAfterNewerListing = 0;
    connect(m_lookup.get(), &CallLookup::matchesAppended, this,
            [&] { appendedAfterNewerListing += matches.size() > 1 ? 1 : 0; });
    m_lookup->find(u"Pager"_qs);
    QVERIFY(matches.wait(5000));
    m_lookup->fetchMoreMatches(u"Pager"_qs);
    // "17000000" lists the three calls 1700000001.1 to .3 on one page.
    m_lookup->find(u"17000000"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(matches.size(), 2, 5000);
    QCOMPARE(matches.last().at(1).value<QList<CallSummary>>().size(), 3);
    QVERIFY(!m_lookup->hasMoreMatches(u"Pager"_qs));
    QVERIFY(!m_lookup->hasMoreMatches(u"17000000"_qs));

    // Asking the older listing for more does nothing now; a request would answer in
    // milliseconds, so a third listing's answer shows whether one went out.
    m_lookup->fetchMoreMatches(u"Pager"_qs);
    m_lookup->fetchMoreMatches(u"17000000"_qs);
    m_lookup->find(u"8001"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(matches.size(), 3, 5000);
    QCOMPARE(appendedAfterNewerListing, 0);
}

void TestResultPaging::pastedListKeepsTheOrderAndNamesTheMissing()
{
    QSignalSpy started(m_lookup.get(), &CallLookup::searchStarted);
    QSignalSpy listed(m_lookup.get(), &CallLookup::listFound);
    QSignalSpy found(m_lookup.get(), &CallLookup::callFound);

    // A leg id names its call; an en dash and a no-break space are cleaned away.
    m_lookup->find(u"1700000003.1\n9999999999.9\n\u00a01710000000.5-b, 1694023642\u20137"_qs);
    QVERIFY(listed.wait(5000));
    QCOMPARE(started.last().at(0).toString(),
             u"1700000003.1, 9999999999.9, 1710000000.5-b, 1694023642-7"_qs);
    QCOMPARE(listed.last().at(0).toString(), started.last().at(0).toString());

    const auto calls = listed.last().at(1).value<QList<ListedCall>>();
    QCOMPARE(calls.size(), 4);
    QCOMPARE(calls.at(0).outcome, ListedCall::Outcome::Found);
    QCOMPARE(calls.at(0).summary.crn, u"1700000003.1"_qs);
    QCOMPARE(calls.at(1).outcome, ListedCall::Outcome::NotFound);
    QCOMPARE(calls.at(1).reference, u"9999999999.9"_qs);
    QCOMPARE(calls.at(2).outcome, ListedCall::Outcome::Found);
    QCOMPARE(calls.at(2).reference, u"1710000000.5-b"_qs);
    QCOMPARE(calls.at(2).summary.crn, u"1710000000.5"_qs);
    QCOMPARE(calls.at(2).summary.agents, QStringList { u"Pager"_qs });
    // "1694023642-7" is not the CRN "1694023642.7": the dash stays a dash.
    QCOMPARE(calls.at(3).outcome, ListedCall::Outcome::NotFound);
    // A list opens no call by itself.
    QCOMPARE(found.size(), 0);
}

void TestResultPaging::pastedListUsesTheCacheWhenTheServerIsGone()
{
    // Opening a call puts it in the cache.
    QSignalSpy stored(m_cache.get(), &CallCache::callStored);
    m_lookup->open(u"1700000002.1"_qs);
    QVERIFY(stored.wait(5000));

    m_server->kill();
    QSignalSpy listed(m_lookup.get(), &CallLookup::listFound);
    m_lookup->find(u"1700000001.1\n1700000002.1"_qs);
    QVERIFY(listed.wait(10000));
    const auto calls = listed.last().at(1).value<QList<ListedCall>>();
    QCOMPARE(calls.size(), 2);
    QCOMPARE(calls.at(0).outcome, ListedCall::Outcome::Unavailable);
    QVERIFY(calls.at(0).problem.contains(u"cannot be reached"_qs));
    QCOMPARE(calls.at(1).outcome, ListedCall::Outcome::Found);
    QCOMPARE(calls.at(1).summary, TestCalls::servedCall(u"1700000002.1"_qs).summary);
}

void TestResultPaging::singleCrnStillOpensTheCall()
{
    QSignalSpy found(m_lookup.get(), &CallLookup::callFound);
    QSignalSpy listed(m_lookup.get(), &CallLookup::listFound);
    m_lookup->find(u"1700000001.1\n"_qs);
    QVERIFY(found.wait(5000));
    QCOMPARE(found.last().at(0).value<Call>().crn(), u"1700000001.1"_qs);
    QCOMPARE(listed.size(), 0);
}

// The same first page asked with its own ETag is a 304 without calls; a made-up ETag gets it.
void TestResultPaging::searchPageNotModified()
{
    SearchReply *first = m_client->searchCalls(u"17000000"_qs);
    QSignalSpy firstDone(first, &ApiReply::finished);
    QVERIFY(firstDone.wait(5000));
    QCOMPARE(first->error(), ApiReply::Error::None);
    QCOMPARE(first->calls().size(), 3);
    QVERIFY(!first->isNotModified());
    const QString etag = first->etag();
    QVERIFY2(etag.size() > 2 && etag.startsWith(u'"') && etag.endsWith(u'"'), qPrintable(etag));

    SearchReply *again = m_client->searchCalls(u"17000000"_qs, 50, {}, {}, {}, etag);
    QSignalSpy againDone(again, &ApiReply::finished);
    QVERIFY(againDone.wait(5000));
    QCOMPARE(again->error(), ApiReply::Error::None);
    QVERIFY(again->isNotModified());
    QVERIFY(again->calls().isEmpty());
    QCOMPARE(again->etag(), etag);

    SearchReply *stale = m_client->searchCalls(u"17000000"_qs, 50, {}, {}, {}, u"\"stale\""_qs);
    QSignalSpy staleDone(stale, &ApiReply::finished);
    QVERIFY(staleDone.wait(5000));
    QVERIFY(!stale->isNotModified());
    QCOMPARE(stale->calls().size(), 3);
}

// The second run of a listing shows the kept page at once, as of the first run, and the server
// confirms it with a 304 (matchesConfirmed is only emitted for one).
void TestResultPaging::keptPageIsRevalidated()
{
    QSignalSpy matches(m_lookup.get(), &CallLookup::matchesFound);
    QSignalSpy confirmed(m_lookup.get(), &CallLookup::matchesConfirmed);
    m_lookup->find(u"17000000"_qs);
    QVERIFY(matches.wait(5000));
    QCOMPARE(matches.last().at(2).value<CallLookup::Freshness>(), CallLookup::Freshness::Live);
    const auto firstAsOf = matches.last().at(3).toDateTime();
    const auto listed = matches.last().at(1).value<QList<CallSummary>>();
    QCOMPARE(listed.size(), 3);

    m_lookup->find(u"17000000"_qs);
    // At once, before any answer from the server.
    QCOMPARE(matches.size(), 2);
    QCOMPARE(matches.last().at(2).value<CallLookup::Freshness>(), CallLookup::Freshness::Cached);
    QCOMPARE(matches.last().at(3).toDateTime(), firstAsOf);
    QCOMPARE(matches.last().at(1).value<QList<CallSummary>>(), listed);

    QVERIFY(confirmed.wait(5000));
    QCOMPARE(confirmed.last().at(0).toString(), u"17000000"_qs);
    QVERIFY(confirmed.last().at(1).toDateTime() >= firstAsOf);
    // Only the age changed: the list is not sent again.
    QCOMPARE(matches.size(), 2);
    QVERIFY(!m_lookup->hasMoreMatches(u"17000000"_qs));
}

// A call written to the server's database after the first run changes the page: the kept one
// is shown first, then replaced by the server's.
void TestResultPaging::keptPageIsReplacedWhenTheListChanged()
{
    QString why;
    QVERIFY2(m_server->writeDatabase(
                 { TestCalls::make(u"1720000000.1"_qs, u"2024-04-01T09:00:00Z"_qs,
                                   { u"1720000000.1"_qs, u"1720000000.1-b"_qs }, u"Keeper"_qs),
                   TestCalls::make(u"1720000000.2"_qs, u"2024-04-01T09:05:00Z"_qs,
                                   { u"1720000000.2"_qs, u"1720000000.2-b"_qs }, u"Keeper"_qs) },
                 &why),
             qPrintable(why));

    QSignalSpy matches(m_lookup.get(), &CallLookup::matchesFound);
    QSignalSpy confirmed(m_lookup.get(), &CallLookup::matchesConfirmed);
    m_lookup->find(u"Keeper"_qs);
    QVERIFY(matches.wait(5000));
    QCOMPARE(matches.last().at(1).value<QList<CallSummary>>().size(), 2);

    QVERIFY2(m_server->writeDatabase(
                 { TestCalls::make(u"1720000000.3"_qs, u"2024-04-01T09:10:00Z"_qs,
                                   { u"1720000000.3"_qs, u"1720000000.3-b"_qs }, u"Keeper"_qs) },
                 &why),
             qPrintable(why));
    m_lookup->find(u"Keeper"_qs);
    QCOMPARE(matches.size(), 2);
    QCOMPARE(matches.last().at(2).value<CallLookup::Freshness>(), CallLookup::Freshness::Cached);
    QCOMPARE(matches.last().at(1).value<QList<CallSummary>>().size(), 2);

    QTRY_COMPARE_WITH_TIMEOUT(matches.size(), 3, 5000);
    QCOMPARE(matches.last().at(2).value<CallLookup::Freshness>(), CallLookup::Freshness::Live);
    const auto fresh = matches.last().at(1).value<QList<CallSummary>>();
    QCOMPARE(fresh.size(), 3);
    // Newest first: the call written last started last.
    QCOMPARE(fresh.first().crn, u"1720000000.3"_qs);
    QCOMPARE(confirmed.size(), 0);

    // The new page is the one kept now: a third run is confirmed.
    m_lookup->find(u"Keeper"_qs);
    QCOMPARE(matches.last().at(1).value<QList<CallSummary>>().size(), 3);
    QVERIFY(confirmed.wait(5000));
}

// With the server gone, the kept page stays, marked offline and as old as its last answer.
void TestResultPaging::keptPageIsShownOfflineWhenTheServerIsGone()
{
    QSignalSpy matches(m_lookup.get(), &CallLookup::matchesFound);
    m_lookup->find(u"17000000"_qs);
    QVERIFY(matches.wait(5000));
    const auto asOf = matches.last().at(3).toDateTime();
    const auto listed = matches.last().at(1).value<QList<CallSummary>>();
    QCOMPARE(listed.size(), 3);

    m_server->kill();
    m_lookup->find(u"17000000"_qs);
    QCOMPARE(matches.size(), 2);
    QCOMPARE(matches.last().at(2).value<CallLookup::Freshness>(), CallLookup::Freshness::Cached);
    QTRY_COMPARE_WITH_TIMEOUT(matches.size(), 3, 10000);
    QCOMPARE(matches.last().at(2).value<CallLookup::Freshness>(),
             CallLookup::Freshness::CachedOffline);
    QCOMPARE(matches.last().at(3).toDateTime(), asOf);
    QCOMPARE(matches.last().at(1).value<QList<CallSummary>>(), listed);
}

QTEST_GUILESS_MAIN(TestResultPaging)
#include "tst_resultpaging.moc"
