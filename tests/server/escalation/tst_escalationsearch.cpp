// CallStore::search's two conditions that reach beyond the calls table, over real escalation
// rows: has_escalation (an EXISTS on the escalations table of EscalationStore) and the agent
// restriction (SearchQuery::agentKey, an EXISTS on call_keys). What they answer, page by page,
// and that the plans of the main shapes with them still read through indexes: SQLite's
// EXPLAIN QUERY PLAN here, PostgreSQL's EXPLAIN on the postgres/ run.

#include "escalation/escalationstore.h"
#include "store/callstore.h"
#include "testcalls.h"
#include "testdatabase.h"

#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace {

// 2000 calls, one a minute from 2024-01-01T00:00:00Z (call i starts i minutes later). Call i
// is outbound when i is odd, abandoned when i % 3 == 0, and taken by agent "Agent <i % 300>"
// (key agent<i % 300>). Every call with i % 50 == 0 has one escalation, the calls with
// i % 50 == 7 two. Enough rows that PostgreSQL's planner prefers indexes to reading a table
// whole, as it rightly does for a handful of rows.
constexpr int kCalls = 2000;
constexpr qint64 kFirstStartS = 1704067200; // 2024-01-01T00:00:00Z

QString crnOf(int i)
{
    return QString::number(kFirstStartS + i * 60) + u".1"_qs;
}

bool escalated(int i)
{
    return i % 50 == 0 || i % 50 == 7;
}

Call callNumber(int i)
{
    const QString crn = crnOf(i);
    const QString start = Timestamp::fromMicroseconds((kFirstStartS + i * 60) * 1000000).toIso();
    Call call
        = TestCalls::make(crn, start, { crn, QString::number(kFirstStartS + i * 60) + u".2"_qs },
                          u"Agent "_qs + QString::number(i % 300));
    call.summary.direction = i % 2 ? CallDirection::Outbound : CallDirection::Inbound;
    call.summary.outcome = i % 3 == 0 ? CallOutcome::Abandoned : CallOutcome::Answered;
    return call;
}

// The calls numbered by the predicate, newest first: what a walk through the pages must give.
QStringList expected(const std::function<bool(int)> &wanted)
{
    QStringList crns;
    for (int i = kCalls - 1; i >= 0; --i) {
        if (wanted(i))
            crns.append(crnOf(i));
    }
    return crns;
}

} // namespace

class TestEscalationSearch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void answers_data();
    void answers();
    void plansUseIndexes_data();
    void plansUseIndexes();
    void bringsAVersionOneDatabaseForward();

private:
    QStringList walk(SearchQuery query, QString *why);

    QTemporaryDir m_dir;
    std::unique_ptr<CallStore> m_calls;
    std::unique_ptr<EscalationStore> m_escalations;
};

void TestEscalationSearch::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QString error;
    m_calls = CallStore::open(TestDatabase::address(m_dir.filePath(u"calls.db"_qs)), &error);
    QVERIFY2(m_calls, qPrintable(error));
    m_escalations = EscalationStore::open(m_calls->database(), &error);
    QVERIFY2(m_escalations, qPrintable(error));

    QList<Call> calls;
    for (int i = 0; i < kCalls; ++i)
        calls.append(callNumber(i));
    QVERIFY2(m_calls->saveCalls(calls), qPrintable(m_calls->errorString()));

    for (int i = 0; i < kCalls; ++i) {
        if (!escalated(i))
            continue;
        for (int n = 0; n < (i % 50 == 7 ? 2 : 1); ++n) {
            StoredEscalation escalation;
            escalation.id = EscalationStore::newId();
            escalation.crn = crnOf(i);
            escalation.status = u"open"_qs;
            escalation.team = u"quality"_qs;
            escalation.author = u"sam"_qs;
            escalation.created
                = Timestamp::fromMicroseconds((kFirstStartS + i * 60 + 3600) * 1000000);
            escalation.due = escalation.created.addMicroseconds(qint64(3600) * 1000000);
            escalation.updated = escalation.created;
            escalation.fields = { { u"summary"_qs, u"Escalated"_qs } };
            StoredEscalation stored;
            const QString key = QStringLiteral("search-%1-%2").arg(i).arg(n);
            QCOMPARE(m_escalations->create(escalation, key, key.toUtf8(), &stored),
                     EscalationStore::CreateResult::Created);
        }
    }

    // Statistics for PostgreSQL's planner; SQLite plans the same with or without.
    QSqlQuery analyze(m_calls->database());
    QVERIFY2(analyze.exec(u"ANALYZE"_qs), qPrintable(analyze.lastError().text()));
}

void TestEscalationSearch::cleanupTestCase()
{
    m_escalations.reset();
    m_calls.reset();
}

// Every CRN of a walk through pages of 100, or a sentence in *why.
QStringList TestEscalationSearch::walk(SearchQuery query, QString *why)
{
    QStringList crns;
    query.limit = 100;
    for (int page = 0; page < 100; ++page) {
        CallStore::SearchError error = CallStore::SearchError::None;
        const SearchPage found = m_calls->search(query, &error);
        if (error != CallStore::SearchError::None) {
            *why = u"search failed: "_qs + m_calls->errorString();
            return {};
        }
        for (const CallSummary &call : found.calls)
            crns.append(call.crn);
        if (found.nextCursor.isEmpty())
            return crns;
        query.cursor = found.nextCursor;
    }
    *why = u"endless walk"_qs;
    return {};
}

void TestEscalationSearch::answers_data()
{
    QTest::addColumn<SearchQuery>("query");
    QTest::addColumn<QStringList>("crns");

    const auto with = [](const std::function<void(SearchQuery &)> &set) {
        SearchQuery query;
        set(query);
        return query;
    };
    QTest::newRow("escalated") << with([](auto &q) { q.hasEscalation = true; })
                               << expected(escalated);
    QTest::newRow("not escalated") << with([](auto &q) { q.hasEscalation = false; })
                                   << expected([](int i) { return !escalated(i); });
    // An exact key: agent7 is neither agent70 nor agent270.
    QTest::newRow("agent") << with([](auto &q) { q.agentKey = u"agent7"_qs; })
                           << expected([](int i) { return i % 300 == 7; });
    QTest::newRow("agent, escalated") << with([](auto &q) {
        q.agentKey = u"agent7"_qs;
        q.hasEscalation = true;
    }) << expected([](int i) { return i % 300 == 7 && escalated(i); });
    QTest::newRow("agent, not escalated") << with([](auto &q) {
        q.agentKey = u"agent7"_qs;
        q.hasEscalation = false;
    }) << expected([](int i) { return i % 300 == 7 && !escalated(i); });
    QTest::newRow("agent, outbound, escalated") << with([](auto &q) {
        q.agentKey = u"agent7"_qs;
        q.direction = CallDirection::Outbound;
        q.hasEscalation = true;
    }) << expected([](int i) { return i % 300 == 7 && i % 2 == 1 && escalated(i); });
    QTest::newRow("abandoned, escalated, a day") << with([](auto &q) {
        q.outcome = CallOutcome::Abandoned;
        q.hasEscalation = true;
        q.from = Timestamp::fromMicroseconds(kFirstStartS * 1000000);
        q.to = Timestamp::fromMicroseconds((kFirstStartS + 86400) * 1000000);
    }) << expected([](int i) { return i % 3 == 0 && escalated(i) && i < 1440; });
    QTest::newRow("unknown agent")
        << with([](auto &q) { q.agentKey = u"nobody"_qs; }) << QStringList {};
    QTest::newRow("empty agent key")
        << with([](auto &q) { q.agentKey = QString(); }) << QStringList {};
}

void TestEscalationSearch::answers()
{
    QFETCH(SearchQuery, query);
    QFETCH(QStringList, crns);
    QString why;
    const QStringList found = walk(query, &why);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QCOMPARE(found.size(), crns.size());
    QCOMPARE(found, crns);
}

void TestEscalationSearch::plansUseIndexes_data()
{
    answers_data();
}

// With and without a cursor. SQLite: every table is read through an index (SEARCH or SCAN
// ... USING), call_keys by its primary key or call_keys_by_crn, escalations by
// escalations_by_crn. PostgreSQL: no sequential scan of calls or call_keys, calls read through
// an index, call_keys through one when an agent key is given, and for has_escalation=false
// escalations through escalations_by_crn (which needs escalations.crn in the call store's
// COLLATE "C": in the database's default collation no index serves e.crn = c.crn).
void TestEscalationSearch::plansUseIndexes()
{
    QFETCH(SearchQuery, query);

    for (const bool withCursor : { false, true }) {
        if (withCursor) {
            SearchQuery first = query;
            first.limit = 1;
            query.cursor = m_calls->search(first).nextCursor;
            if (query.cursor.isEmpty())
                continue; // one call or none: no second page to plan
        }
        CallStore::SearchError error = CallStore::SearchError::None;
        const QStringList plan = m_calls->searchPlan(query, &error);
        QCOMPARE(error, CallStore::SearchError::None);
        QVERIFY2(!plan.isEmpty(), "no plan");
        const QString text = plan.join(u'\n');

        if (!TestDatabase::isPostgreSQL()) {
            for (const QString &line : plan) {
                if (!line.startsWith(u"SCAN ") && !line.startsWith(u"SEARCH "))
                    continue;
                QVERIFY2(line.contains(u" USING "), qPrintable(text));
                if (line.contains(u"call_keys"))
                    QVERIFY2(line.contains(u"USING PRIMARY KEY")
                                 || line.contains(u"USING INDEX call_keys_by_crn")
                                 || line.contains(u"USING COVERING INDEX call_keys_by_crn"),
                             qPrintable(text));
                if (line.contains(u"escalations"))
                    QVERIFY2(line.contains(u"INDEX escalations_by_crn"), qPrintable(text));
            }
            if (query.hasEscalation)
                QVERIFY2(text.contains(u"escalations_by_crn"), qPrintable(text));
            continue;
        }

        bool callsByIndex = false;
        bool keysByIndex = false;
        for (const QString &line : plan) {
            QVERIFY2(!(line.startsWith(u"Seq Scan") && line.endsWith(u" on calls")),
                     qPrintable(text));
            QVERIFY2(!(line.startsWith(u"Seq Scan") && line.endsWith(u" on call_keys")),
                     qPrintable(text));
            const bool byIndex = (line.contains(u"Index") && line.contains(u" using "))
                || line.startsWith(u"Bitmap Heap Scan");
            callsByIndex = callsByIndex || (byIndex && line.endsWith(u" on calls"));
            keysByIndex = keysByIndex || (byIndex && line.endsWith(u" on call_keys"));
            // Calls without an escalation: each call the walk meets is looked up in the index.
            // Calls with one: the planner may read the (few) escalations whole and fetch their
            // calls by key, the cheaper way while escalations are rare.
            if (line.endsWith(u" on escalations") && query.hasEscalation == false)
                QVERIFY2(line.contains(u"using escalations_by_crn"), qPrintable(text));
        }
        QVERIFY2(callsByIndex, qPrintable(text));
        if (query.agentKey && !query.agentKey->isEmpty())
            QVERIFY2(keysByIndex, qPrintable(text));
    }
}

// A database whose escalation tables are at version 1 (as the first crn-server with
// escalations made them: on PostgreSQL, crn in the database's default collation) is brought to
// version 2, keeping its rows; on PostgreSQL crn then compares bytewise, as the call store's.
void TestEscalationSearch::bringsAVersionOneDatabaseForward()
{
    QString error;
    const std::unique_ptr<CallStore> calls
        = CallStore::open(TestDatabase::address(m_dir.filePath(u"version1.db"_qs)), &error);
    QVERIFY2(calls, qPrintable(error));
    QVERIFY2(calls->saveCalls({ callNumber(0) }), qPrintable(calls->errorString()));
    {
        const std::unique_ptr<EscalationStore> store
            = EscalationStore::open(calls->database(), &error);
        QVERIFY2(store, qPrintable(error));
        StoredEscalation escalation;
        escalation.id = EscalationStore::newId();
        escalation.crn = crnOf(0);
        escalation.status = u"open"_qs;
        escalation.team = u"quality"_qs;
        escalation.author = u"sam"_qs;
        escalation.created = Timestamp::fromMicroseconds(kFirstStartS * 1000000);
        escalation.due = escalation.created;
        escalation.updated = escalation.created;
        StoredEscalation stored;
        QCOMPARE(store->create(escalation, u"old-key"_qs, "old", &stored),
                 EscalationStore::CreateResult::Created);
    }

    // Back to version 1.
    const QString crnCollation = u"SELECT collation_name FROM information_schema.columns"
                                 " WHERE table_name = 'escalations' AND column_name = 'crn'"_qs;
    QSqlQuery query(calls->database());
    if (TestDatabase::isPostgreSQL()) {
        QVERIFY2(query.exec(u"ALTER TABLE escalations ALTER COLUMN crn TYPE TEXT"
                            " COLLATE \"default\""_qs),
                 qPrintable(query.lastError().text()));
        QVERIFY(query.exec(crnCollation));
        QVERIFY(query.next());
        QVERIFY(query.isNull(0)); // the database's default
        query.finish();
    }
    QVERIFY2(query.exec(u"UPDATE schema_versions SET version = 1"
                        " WHERE component = 'escalations'"_qs),
             qPrintable(query.lastError().text()));

    const std::unique_ptr<EscalationStore> store = EscalationStore::open(calls->database(), &error);
    QVERIFY2(store, qPrintable(error));
    QVERIFY(query.exec(u"SELECT version FROM schema_versions WHERE component = 'escalations'"_qs));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toInt(), 2);
    query.finish();
    if (TestDatabase::isPostgreSQL()) {
        QVERIFY(query.exec(crnCollation));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toString(), u"C"_qs);
        query.finish();
    }
    QByteArray sha;
    bool failed = false;
    const std::optional<StoredEscalation> kept = store->findByKey(u"old-key"_qs, &sha, &failed);
    QVERIFY(kept);
    QCOMPARE(kept->crn, crnOf(0));

    SearchQuery escalated;
    escalated.hasEscalation = true;
    const SearchPage page = calls->search(escalated);
    QCOMPARE(page.calls.size(), 1);
    QCOMPARE(page.calls.constFirst().crn, crnOf(0));
}

QTEST_GUILESS_MAIN(TestEscalationSearch)
#include "tst_escalationsearch.moc"
