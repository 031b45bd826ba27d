// CallStore::search with its filters, phone-number forms, sort, snapshot cursor and indexes,
// over a real SQLite file (or, on the postgres/ run, a real PostgreSQL database) filled with the
// hand-built calls below. Every expected CRN list is
// worked out by hand from the table in the comment, newest first unless a row says otherwise.
//
//   crn  start  direction  outcome    caller            dialed              agent      queue
//   s1   10:00  inbound    answered   030 1234567       8000                Bob        sales
//   s2   10:01  inbound    abandoned  +49 30 1234567    8000                -          support
//   s3   10:02  outbound   answered   2001              0044 20 7946 0000   Carol Ann  -
//   s4   10:03  internal   no_answer  2002              2003                Bobby      Sales-EN
//   s5   10:04  inbound    answered   49301234999       8000                carol      support
//   s6   10:05  unknown    unknown    040 123456        8000                -          -
//
// Recordings: s1 one, s3 two, s5 one; the others none. All on 2024-06-11 (UTC).

#include "escalation/escalationstore.h"
#include "store/callstore.h"
#include "testdatabase.h"
#include "json/calljson.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

namespace {

Timestamp at(int hour, int minute, int second = 0)
{
    return Timestamp::fromDateTime(
        QDateTime(QDate(2024, 6, 11), QTime(hour, minute, second), Qt::UTC));
}

struct Spec
{
    QString crn;
    Timestamp start;
    CallDirection direction;
    CallOutcome outcome;
    QString caller;
    QString dialed;
    QString agent; // empty: none
    QString queue; // empty: none
    int recordings;
};

Call build(const Spec &spec)
{
    Call call;
    call.summary.crn = spec.crn;
    call.summary.start = spec.start;
    call.summary.end = spec.start.addMicroseconds(30 * 1000000);
    call.summary.direction = spec.direction;
    call.summary.outcome = spec.outcome;
    call.summary.caller = spec.caller;
    call.summary.dialed = spec.dialed;
    if (!spec.agent.isEmpty())
        call.summary.agents = QStringList { spec.agent };
    if (!spec.queue.isEmpty())
        call.summary.queues = QStringList { spec.queue };
    call.participants.append({ u"caller"_qs, ParticipantRole::Caller, {}, spec.caller });
    call.legs.append(
        { spec.crn, u"PJSIP/trunk-1"_qs, u"caller"_qs, spec.start, {}, call.summary.end });
    for (int i = 0; i < spec.recordings; ++i) {
        Recording recording;
        recording.id = spec.crn + u"-r"_qs + QString::number(i);
        recording.start = spec.start;
        call.recordings.append(recording);
    }
    call.summary.recordingCount = spec.recordings;
    return call;
}

using D = CallDirection;
using O = CallOutcome;

QList<Call> sixCalls()
{
    return {
        build({ u"s1"_qs, at(10, 0), D::Inbound, O::Answered, u"030 1234567"_qs, u"8000"_qs,
                u"Bob"_qs, u"sales"_qs, 1 }),
        build({ u"s2"_qs,
                at(10, 1),
                D::Inbound,
                O::Abandoned,
                u"+49 30 1234567"_qs,
                u"8000"_qs,
                {},
                u"support"_qs,
                0 }),
        build({ u"s3"_qs,
                at(10, 2),
                D::Outbound,
                O::Answered,
                u"2001"_qs,
                u"0044 20 7946 0000"_qs,
                u"Carol Ann"_qs,
                {},
                2 }),
        build({ u"s4"_qs, at(10, 3), D::Internal, O::NoAnswer, u"2002"_qs, u"2003"_qs, u"Bobby"_qs,
                u"Sales-EN"_qs, 0 }),
        build({ u"s5"_qs, at(10, 4), D::Inbound, O::Answered, u"49301234999"_qs, u"8000"_qs,
                u"carol"_qs, u"support"_qs, 1 }),
        build({ u"s6"_qs,
                at(10, 5),
                D::Unknown,
                O::Unknown,
                u"040 123456"_qs,
                u"8000"_qs,
                {},
                {},
                0 }),
    };
}

QStringList crnsOf(const QList<CallSummary> &calls)
{
    QStringList crns;
    for (const CallSummary &call : calls)
        crns.append(call.crn);
    return crns;
}

// Reads every page of a query and the CRNs in order; between pages, between(pageIndex) runs.
QStringList walk(CallStore &store, SearchQuery query, const std::function<void(int)> &between)
{
    QStringList crns;
    for (int page = 0; page < 100; ++page) {
        CallStore::SearchError error = CallStore::SearchError::None;
        const SearchPage result = store.search(query, &error);
        if (error != CallStore::SearchError::None)
            return { u"error"_qs };
        crns += crnsOf(result.calls);
        if (result.nextCursor.isEmpty())
            return crns;
        query.cursor = result.nextCursor;
        if (between)
            between(page);
    }
    return { u"endless"_qs };
}

} // namespace

class TestCallSearch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void readsPhoneNumbers_data();
    void readsPhoneNumbers();
    void findsNumbersInEveryForm_data();
    void findsNumbersInEveryForm();
    void filters_data();
    void filters();
    void hasRecordingAgreesWithRecordingCount();
    void refusesShortNumbersAndForeignCursors();
    void walkIsASnapshotWhileCallsArrive_data();
    void walkIsASnapshotWhileCallsArrive();
    void everyFilteredShapeUsesAnIndex_data();
    void everyFilteredShapeUsesAnIndex();
    void everyFilteredShapeUsesAnIndexOnPostgreSQL_data();
    void everyFilteredShapeUsesAnIndexOnPostgreSQL();
    void bringsAVersionTwoDatabaseForward();

    void broadSearchesWalkTheStartIndex_data();
    void broadSearchesWalkTheStartIndex();

private:
    std::unique_ptr<CallStore> freshStore(const QString &name);
    CallStore *widerStore();

    std::unique_ptr<CallStore> m_widerStore;

    QTemporaryDir m_dir;
    std::unique_ptr<CallStore> m_store;
};

std::unique_ptr<CallStore> TestCallSearch::freshStore(const QString &name)
{
    QString error;
    auto store = CallStore::open(TestDatabase::address(m_dir.filePath(name)), &error);
    // has_escalation reads the escalations table, as crn-server serve creates it.
    if (!store || !EscalationStore::open(store->database(), &error)) {
        qWarning("%s", qPrintable(error));
        return nullptr;
    }
    return store;
}

// The six calls and 4000 more, f0 to f3999: fi starts (4000 - i) minutes before midnight on the
// day of the six, so a higher i is newer; its caller is +44 20 7 followed by 1000000 + i, its
// agent "agent" + (i % 300), its queue "queue" + (i % 70). On PostgreSQL after ANALYZE, so that
// the planner knows the tables' sizes.
CallStore *TestCallSearch::widerStore()
{
    if (m_widerStore)
        return m_widerStore.get();
    std::unique_ptr<CallStore> store = freshStore(u"plans.sqlite"_qs);
    if (!store)
        return nullptr;
    QList<Call> calls = sixCalls();
    const D directions[] = { D::Inbound, D::Outbound, D::Internal, D::Unknown };
    const O outcomes[] = { O::Answered, O::Abandoned, O::NoAnswer, O::Busy, O::Failed };
    for (int i = 0; i < 4000; ++i) {
        calls.append(
            build({ u"f"_qs + QString::number(i),
                    at(0, 0).addMicroseconds(qint64(i - 4000) * 60 * 1000000), directions[i % 4],
                    outcomes[i % 5], u"+44 20 7"_qs + QString::number(1000000 + i), u"8000"_qs,
                    u"agent"_qs + QString::number(i % 300), u"queue"_qs + QString::number(i % 70),
                    i % 500 == 0 ? 1 : 0 }));
    }
    if (!store->saveCalls(calls)) {
        qWarning("%s", qPrintable(store->errorString()));
        return nullptr;
    }
    if (TestDatabase::isPostgreSQL()) {
        QSqlQuery analyze(store->database());
        if (!analyze.exec(u"ANALYZE"_qs)) {
            qWarning("%s", qPrintable(analyze.lastError().text()));
            return nullptr;
        }
    }
    m_widerStore = std::move(store);
    return m_widerStore.get();
}

void TestCallSearch::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_store = freshStore(u"search.sqlite"_qs);
    QVERIFY(m_store);
    QVERIFY2(m_store->saveCalls(sixCalls()), qPrintable(m_store->errorString()));
}

void TestCallSearch::readsPhoneNumbers_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<PhoneNumber::Form>("form");
    QTest::addColumn<QString>("countryCode");
    QTest::addColumn<QString>("nationalNumber");
    QTest::addColumn<int>("significant");

    using F = PhoneNumber::Form;
    QTest::newRow("national with trunk 0")
        << u"030 1234567"_qs << F::National << QString() << u"301234567"_qs << 10;
    QTest::newRow("national with punctuation")
        << u"(030) 123-45.67"_qs << F::National << QString() << u"301234567"_qs << 10;
    QTest::newRow("E.164 with plus")
        << u"+49 30 1234567"_qs << F::International << u"49"_qs << u"301234567"_qs << 11;
    QTest::newRow("E.164 with 00 and dashes")
        << u"0049-30-1234567"_qs << F::International << u"49"_qs << u"301234567"_qs << 11;
    QTest::newRow("NANP, one-digit code")
        << u"+1 415 555 0100"_qs << F::International << u"1"_qs << u"4155550100"_qs << 11;
    QTest::newRow("Russia, one-digit code")
        << u"+7 495 123 45 67"_qs << F::International << u"7"_qs << u"4951234567"_qs << 11;
    QTest::newRow("Ireland, three-digit code")
        << u"+353 1 234 5678"_qs << F::International << u"353"_qs << u"12345678"_qs << 11;
    QTest::newRow("UK, two-digit code")
        << u"+44 20 7946 0000"_qs << F::International << u"44"_qs << u"2079460000"_qs << 12;
    QTest::newRow("extension") << u"8001"_qs << F::Plain << QString() << QString() << 4;
    QTest::newRow("full-width digits")
        << u"\uFF10\uFF13\uFF10 1234567"_qs << F::National << QString() << u"301234567"_qs << 10;
    QTest::newRow("plus and two digits")
        << u"+49"_qs << F::International << u"49"_qs << QString() << 2;
    QTest::newRow("00 and two digits")
        << u"0049"_qs << F::International << u"49"_qs << QString() << 2;
    QTest::newRow("trunk 0 and two digits")
        << u"030"_qs << F::National << QString() << u"30"_qs << 3;
}

void TestCallSearch::readsPhoneNumbers()
{
    QFETCH(QString, text);
    QFETCH(PhoneNumber::Form, form);
    QFETCH(QString, countryCode);
    QFETCH(QString, nationalNumber);
    QFETCH(int, significant);

    const PhoneNumber number = PhoneNumber::parse(text);
    QCOMPARE(number.form, form);
    QCOMPARE(number.countryCode, countryCode);
    QCOMPARE(number.nationalNumber, nationalNumber);
    QCOMPARE(number.significantDigits(), significant);
}

void TestCallSearch::findsNumbersInEveryForm_data()
{
    QTest::addColumn<QString>("number");
    QTest::addColumn<QStringList>("expected");

    // s1 holds 030 1234567 (national), s2 +49 30 1234567, s5 the plain 49301234999.
    const QStringList berlin { u"s2"_qs, u"s1"_qs };
    QTest::newRow("national") << u"030 1234567"_qs << berlin;
    QTest::newRow("E.164") << u"+49301234567"_qs << berlin;
    QTest::newRow("00 and spaces") << u"0049 30 1234567"_qs << berlin;
    QTest::newRow("parentheses, dashes, dots") << u"(030) 123-45.67"_qs << berlin;
    QTest::newRow("full-width digits") << u"\uFF10\uFF13\uFF10 1234567"_qs << berlin;
    // E.164 prefix 4930 (s2, and s5 written without its '+') or the NSN prefix 30 (s1).
    QTest::newRow("partial international")
        << u"+49 30"_qs << QStringList { u"s5"_qs, u"s2"_qs, u"s1"_qs };
    // Plain digits: the start of the digits as written or of the E.164 digits.
    QTest::newRow("partial plain") << u"4930"_qs << QStringList { u"s5"_qs, u"s2"_qs };
    QTest::newRow("last digits") << u"1234567"_qs << berlin;
    QTest::newRow("NSN without trunk 0") << u"301234"_qs << berlin;
    // A national number may be in any country: +44 finds s1 through its NSN, not s2.
    QTest::newRow("other country, national stored")
        << u"+44 30 1234567"_qs << QStringList { u"s1"_qs };
    QTest::newRow("UK national finds 00 form") << u"020 7946 0000"_qs << QStringList { u"s3"_qs };
    QTest::newRow("UK partial E.164") << u"+44 20 7946"_qs << QStringList { u"s3"_qs };
    QTest::newRow("Hamburg E.164 finds national")
        << u"+49 40 123456"_qs << QStringList { u"s6"_qs };
    QTest::newRow("extension") << u"2001"_qs << QStringList { u"s3"_qs };
    QTest::newRow("dialed number")
        << u"8000"_qs << QStringList { u"s6"_qs, u"s5"_qs, u"s2"_qs, u"s1"_qs };
    QTest::newRow("no such number") << u"+33 1 2345"_qs << QStringList {};
}

void TestCallSearch::findsNumbersInEveryForm()
{
    QFETCH(QString, number);
    QFETCH(QStringList, expected);

    SearchQuery query;
    query.number = number;
    CallStore::SearchError error = CallStore::SearchError::None;
    const SearchPage page = m_store->search(query, &error);
    QCOMPARE(error, CallStore::SearchError::None);
    QCOMPARE(crnsOf(page.calls), expected);
}

void TestCallSearch::filters_data()
{
    QTest::addColumn<SearchQuery>("query");
    QTest::addColumn<QStringList>("expected");

    const auto with = [](const std::function<void(SearchQuery &)> &set) {
        SearchQuery query;
        set(query);
        return query;
    };
    const QStringList all { u"s6"_qs, u"s5"_qs, u"s4"_qs, u"s3"_qs, u"s2"_qs, u"s1"_qs };

    QTest::newRow("nothing") << SearchQuery() << all;
    QTest::newRow("inbound") << with([](auto &q) { q.direction = D::Inbound; })
                             << QStringList { u"s5"_qs, u"s2"_qs, u"s1"_qs };
    QTest::newRow("outbound") << with([](auto &q) { q.direction = D::Outbound; })
                              << QStringList { u"s3"_qs };
    QTest::newRow("internal") << with([](auto &q) { q.direction = D::Internal; })
                              << QStringList { u"s4"_qs };
    QTest::newRow("direction unknown")
        << with([](auto &q) { q.direction = D::Unknown; }) << QStringList { u"s6"_qs };
    QTest::newRow("answered") << with([](auto &q) { q.outcome = O::Answered; })
                              << QStringList { u"s5"_qs, u"s3"_qs, u"s1"_qs };
    QTest::newRow("abandoned") << with([](auto &q) { q.outcome = O::Abandoned; })
                               << QStringList { u"s2"_qs };
    QTest::newRow("no answer") << with([](auto &q) { q.outcome = O::NoAnswer; })
                               << QStringList { u"s4"_qs };
    QTest::newRow("busy") << with([](auto &q) { q.outcome = O::Busy; }) << QStringList {};
    QTest::newRow("agent prefix") << with([](auto &q) { q.agent = u"bo"_qs; })
                                  << QStringList { u"s4"_qs, u"s1"_qs };
    QTest::newRow("agent other case")
        << with([](auto &q) { q.agent = u"BOB"_qs; }) << QStringList { u"s4"_qs, u"s1"_qs };
    QTest::newRow("agent carol") << with([](auto &q) { q.agent = u"carol"_qs; })
                                 << QStringList { u"s5"_qs, u"s3"_qs };
    QTest::newRow("agent with a space")
        << with([](auto &q) { q.agent = u"Carol A"_qs; }) << QStringList { u"s3"_qs };
    QTest::newRow("queue prefix") << with([](auto &q) { q.queue = u"sales"_qs; })
                                  << QStringList { u"s4"_qs, u"s1"_qs };
    QTest::newRow("queue other case")
        << with([](auto &q) { q.queue = u"SALES-"_qs; }) << QStringList { u"s4"_qs };
    QTest::newRow("queue support")
        << with([](auto &q) { q.queue = u"support"_qs; }) << QStringList { u"s5"_qs, u"s2"_qs };
    QTest::newRow("recorded") << with([](auto &q) { q.hasRecording = true; })
                              << QStringList { u"s5"_qs, u"s3"_qs, u"s1"_qs };
    QTest::newRow("not recorded") << with([](auto &q) { q.hasRecording = false; })
                                  << QStringList { u"s6"_qs, u"s4"_qs, u"s2"_qs };
    QTest::newRow("escalated: none yet")
        << with([](auto &q) { q.hasEscalation = true; }) << QStringList {};
    QTest::newRow("not escalated: all") << with([](auto &q) { q.hasEscalation = false; }) << all;
    QTest::newRow("oldest first") << with([](auto &q) {
        q.sort = SearchSort::StartAscending;
    }) << QStringList { u"s1"_qs, u"s2"_qs, u"s3"_qs, u"s4"_qs, u"s5"_qs, u"s6"_qs };
    QTest::newRow("inbound, oldest first") << with([](auto &q) {
        q.direction = D::Inbound;
        q.sort = SearchSort::StartAscending;
    }) << QStringList { u"s1"_qs, u"s2"_qs, u"s5"_qs };
    QTest::newRow("inbound and answered") << with([](auto &q) {
        q.direction = D::Inbound;
        q.outcome = O::Answered;
    }) << QStringList { u"s5"_qs, u"s1"_qs };
    QTest::newRow("queue and recorded") << with([](auto &q) {
        q.queue = u"support"_qs;
        q.hasRecording = true;
    }) << QStringList { u"s5"_qs };
    QTest::newRow("number and inbound") << with([](auto &q) {
        q.number = u"+49 30"_qs;
        q.direction = D::Inbound;
    }) << QStringList { u"s5"_qs, u"s2"_qs, u"s1"_qs };
    QTest::newRow("number and not recorded") << with([](auto &q) {
        q.number = u"+49 30"_qs;
        q.hasRecording = false;
    }) << QStringList { u"s2"_qs };
    QTest::newRow("agent and from") << with([](auto &q) {
        q.agent = u"bo"_qs;
        q.from = at(10, 2);
    }) << QStringList { u"s4"_qs };
    QTest::newRow("agent and queue") << with([](auto &q) {
        q.agent = u"carol"_qs;
        q.queue = u"support"_qs;
    }) << QStringList { u"s5"_qs };
    QTest::newRow("q and outcome") << with([](auto &q) {
        q.text = u"sales"_qs;
        q.outcome = O::Answered;
    }) << QStringList { u"s1"_qs };
    QTest::newRow("everything at once") << with([](auto &q) {
        q.direction = D::Inbound;
        q.outcome = O::Answered;
        q.agent = u"car"_qs;
        q.queue = u"sup"_qs;
        q.number = u"8000"_qs;
        q.hasRecording = true;
        q.hasEscalation = false;
        q.from = at(10, 4);
        q.to = at(10, 5);
    }) << QStringList { u"s5"_qs };
}

void TestCallSearch::filters()
{
    QFETCH(SearchQuery, query);
    QFETCH(QStringList, expected);

    CallStore::SearchError error = CallStore::SearchError::None;
    const SearchPage page = m_store->search(query, &error);
    QCOMPARE(error, CallStore::SearchError::None);
    QCOMPARE(crnsOf(page.calls), expected);
    QVERIFY(page.nextCursor.isEmpty());
}

void TestCallSearch::hasRecordingAgreesWithRecordingCount()
{
    for (const bool recorded : { true, false }) {
        SearchQuery query;
        query.hasRecording = recorded;
        const SearchPage page = m_store->search(query);
        QVERIFY(!page.calls.isEmpty());
        for (const CallSummary &call : page.calls)
            QCOMPARE(call.recordingCount > 0, recorded);
    }
}

void TestCallSearch::refusesShortNumbersAndForeignCursors()
{
    CallStore::SearchError error = CallStore::SearchError::None;
    for (const QString &number : { u"12"_qs, u"+49"_qs, u"0049"_qs, u"abc"_qs }) {
        SearchQuery query;
        query.number = number;
        m_store->search(query, &error);
        QCOMPARE(error, CallStore::SearchError::BadNumber);
    }

    // A cursor of a newest-first walk means nothing to an oldest-first one.
    SearchQuery query;
    query.limit = 2;
    const SearchPage first = m_store->search(query, &error);
    QVERIFY(!first.nextCursor.isEmpty());
    query.cursor = first.nextCursor;
    query.sort = SearchSort::StartAscending;
    m_store->search(query, &error);
    QCOMPARE(error, CallStore::SearchError::BadCursor);
}

void TestCallSearch::walkIsASnapshotWhileCallsArrive_data()
{
    QTest::addColumn<SearchSort>("sort");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("newest first") << SearchSort::StartDescending
                                  << QStringList { u"s6"_qs, u"s5"_qs, u"s4"_qs,
                                                   u"s3"_qs, u"s2"_qs, u"s1"_qs };
    QTest::newRow("oldest first") << SearchSort::StartAscending
                                  << QStringList { u"s1"_qs, u"s2"_qs, u"s3"_qs,
                                                   u"s4"_qs, u"s5"_qs, u"s6"_qs };
}

// While a supervisor pages, the import goes on: after the first page a call newer than all and
// one among the calls still to come (between s4 and s5) arrive, after the second one older than
// all, and s3 is imported again with a new outcome. The walk shows the six calls it started with,
// each once.
void TestCallSearch::walkIsASnapshotWhileCallsArrive()
{
    QFETCH(SearchSort, sort);
    QFETCH(QStringList, expected);

    const auto store = freshStore(QString::fromLatin1(QTest::currentDataTag()) + u".sqlite"_qs);
    QVERIFY(store);
    QVERIFY(store->saveCalls(sixCalls()));

    Call again = sixCalls().at(2);
    again.summary.outcome = O::Transferred;
    const QList<QList<Call>> arrivals {
        { build(
              { u"n1"_qs, at(11, 0), D::Inbound, O::Answered, u"8001"_qs, u"8000"_qs, {}, {}, 0 }),
          build({ u"n2"_qs,
                  at(10, 3, 30),
                  D::Inbound,
                  O::Answered,
                  u"8002"_qs,
                  u"8000"_qs,
                  {},
                  {},
                  0 }) },
        { build({ u"n3"_qs, at(9, 0), D::Inbound, O::Answered, u"8003"_qs, u"8000"_qs, {}, {}, 0 }),
          again },
    };

    SearchQuery query;
    query.sort = sort;
    query.limit = 2;
    bool saved = true;
    const QStringList seen = walk(*store, query, [&](int page) {
        if (page < arrivals.size())
            saved = saved && store->saveCalls(arrivals.at(page));
    });
    QVERIFY2(saved, qPrintable(store->errorString()));
    QCOMPARE(seen, expected);

    // A new walk sees everything, the re-imported s3 with its new outcome.
    query.limit = 50;
    const SearchPage now = store->search(query);
    QCOMPARE(now.calls.size(), 9);
    QCOMPARE(now.calls.at(sort == SearchSort::StartDescending ? 0 : 8).crn, u"n1"_qs);
    SearchQuery transferred;
    transferred.outcome = O::Transferred;
    QCOMPARE(crnsOf(store->search(transferred).calls), QStringList { u"s3"_qs });
}

void TestCallSearch::everyFilteredShapeUsesAnIndex_data()
{
    QTest::addColumn<SearchQuery>("query");
    QTest::addColumn<QString>("index"); // the index the calls table is read through

    const auto with = [](const std::function<void(SearchQuery &)> &set) {
        SearchQuery query;
        set(query);
        return query;
    };
    QTest::newRow("no filter") << SearchQuery() << u"calls_by_start"_qs;
    QTest::newRow("oldest first") << with([](auto &q) { q.sort = SearchSort::StartAscending; })
                                  << u"calls_by_start"_qs;
    QTest::newRow("time range") << with([](auto &q) {
        q.from = at(10, 0);
        q.to = at(11, 0);
    }) << u"calls_by_start"_qs;
    QTest::newRow("direction") << with([](auto &q) { q.direction = D::Inbound; })
                               << u"calls_by_direction"_qs;
    QTest::newRow("direction and time") << with([](auto &q) {
        q.direction = D::Inbound;
        q.from = at(10, 0);
    }) << u"calls_by_direction"_qs;
    QTest::newRow("outcome") << with([](auto &q) { q.outcome = O::Abandoned; })
                             << u"calls_by_outcome"_qs;
    QTest::newRow("has recording")
        << with([](auto &q) { q.hasRecording = true; }) << u"calls_by_recorded"_qs;
    QTest::newRow("agent") << with([](auto &q) { q.agent = u"bob"_qs; })
                           << u"sqlite_autoindex_calls_1"_qs;
    QTest::newRow("queue") << with([](auto &q) { q.queue = u"sales"_qs; })
                           << u"sqlite_autoindex_calls_1"_qs;
    QTest::newRow("number, national")
        << with([](auto &q) { q.number = u"030 1234567"_qs; }) << u"sqlite_autoindex_calls_1"_qs;
    QTest::newRow("number, international")
        << with([](auto &q) { q.number = u"+49 30 1234567"_qs; }) << u"sqlite_autoindex_calls_1"_qs;
    QTest::newRow("number, plain")
        << with([](auto &q) { q.number = u"1234567"_qs; }) << u"sqlite_autoindex_calls_1"_qs;
    QTest::newRow("q") << with([](auto &q) { q.text = u"1694"_qs; })
                       << u"sqlite_autoindex_calls_1"_qs;
}

// Through EXPLAIN QUERY PLAN: no table is scanned without an index, the calls table is read
// through the index chosen for the shape, and call_keys only by its primary key.
void TestCallSearch::everyFilteredShapeUsesAnIndex()
{
    QFETCH(SearchQuery, query);
    QFETCH(QString, index);
    if (TestDatabase::isPostgreSQL())
        QSKIP("reads SQLite's EXPLAIN QUERY PLAN; everyFilteredShapeUsesAnIndexOnPostgreSQL "
              "checks PostgreSQL's plans");

    for (const bool withCursor : { false, true }) {
        if (withCursor) {
            SearchQuery first = query;
            first.limit = 1;
            query.cursor = m_store->search(first).nextCursor;
            if (query.cursor.isEmpty())
                continue; // one call or none: no second page to plan
        }
        CallStore::SearchError error = CallStore::SearchError::None;
        const QStringList plan = m_store->searchPlan(query, &error);
        QCOMPARE(error, CallStore::SearchError::None);
        const QString text = plan.join(u'\n');
        QVERIFY2(!plan.isEmpty(), "no plan");
        for (const QString &line : plan) {
            const bool tableAccess = line.startsWith(u"SCAN ") || line.startsWith(u"SEARCH ");
            if (!tableAccess)
                continue;
            QVERIFY2(line.contains(u" USING "), qPrintable(text));
            if (line.contains(u"call_keys"))
                QVERIFY2(line.startsWith(u"SEARCH call_keys USING PRIMARY KEY"), qPrintable(text));
        }
        QVERIFY2(text.contains(u" c USING INDEX "_qs + index)
                     || text.contains(u" c USING COVERING INDEX "_qs + index),
                 qPrintable(text));
        // A filter narrows through its index; only the unfiltered shapes walk a whole index.
        const bool unfiltered
            = !query.from.isValid() && !query.to.isValid() && index == u"calls_by_start";
        if (!unfiltered)
            QVERIFY2(!text.contains(u"SCAN c"), qPrintable(text));
    }
}

// A database written before the search filters (schema 2) gains their columns, indexes and
// number keys, and keeps its calls.
void TestCallSearch::everyFilteredShapeUsesAnIndexOnPostgreSQL_data()
{
    everyFilteredShapeUsesAnIndex_data();
}

// Through EXPLAIN (FORMAT JSON), over the six calls and 4000 more that make the tables worth an
// index to PostgreSQL's planner (which reads a table of six rows whole, rightly), after
// ANALYZE: neither table is read by a sequential scan, the calls table is read through an index,
// and call_keys, when a filter needs it, too.
void TestCallSearch::everyFilteredShapeUsesAnIndexOnPostgreSQL()
{
    QFETCH(SearchQuery, query);
    if (!TestDatabase::isPostgreSQL())
        QSKIP("reads PostgreSQL's EXPLAIN; everyFilteredShapeUsesAnIndex checks SQLite's plans");

    CallStore *store = widerStore();
    QVERIFY(store);

    for (const bool withCursor : { false, true }) {
        if (withCursor) {
            SearchQuery first = query;
            first.limit = 1;
            query.cursor = store->search(first).nextCursor;
            if (query.cursor.isEmpty())
                continue;
        }
        CallStore::SearchError error = CallStore::SearchError::None;
        const QStringList plan = store->searchPlan(query, &error);
        QCOMPARE(error, CallStore::SearchError::None);
        const QString text = plan.join(u'\n');
        QVERIFY2(!plan.isEmpty(), "no plan");
        bool callsByIndex = false;
        bool keysByIndex = false;
        for (const QString &line : plan) {
            QVERIFY2(!line.startsWith(u"Seq Scan"), qPrintable(text));
            // A bitmap heap scan reads the rows its Bitmap Index Scan children found.
            const bool byIndex = (line.contains(u"Index") && line.contains(u" using "))
                || line.startsWith(u"Bitmap Heap Scan");
            callsByIndex = callsByIndex || (byIndex && line.endsWith(u" on calls"));
            keysByIndex = keysByIndex || (byIndex && line.endsWith(u" on call_keys"));
        }
        QVERIFY2(callsByIndex, qPrintable(text));
        const bool usesKeys = !query.agent.isEmpty() || !query.queue.isEmpty()
            || !query.number.isEmpty() || !query.text.isEmpty();
        if (usesKeys)
            QVERIFY2(keysByIndex, qPrintable(text));
    }
}

void TestCallSearch::broadSearchesWalkTheStartIndex_data()
{
    QTest::addColumn<SearchQuery>("query");
    QTest::addColumn<bool>("broad"); // true: walks the calls in order through calls_by_start
    QTest::addColumn<int>("count");
    QTest::addColumn<QString>("newest");
    QTest::addColumn<QString>("oldest");

    const auto with = [](const std::function<void(SearchQuery &)> &set) {
        SearchQuery query;
        query.limit = 50;
        set(query);
        return query;
    };
    // Of the 4000 wider calls (see widerStore), by hand:
    // agent prefix "agent1": i % 300 is 1, 10..19 or 100..199, 111 of every 300; 13 whole
    // rounds of 300 (0..3899) give 1443, and 3900..3999 (i % 300 = 0..99) 11 more: 1454. The
    // newest is i = 3919 (3900 + 19), the oldest i = 1.
    QTest::newRow("agent prefix, 1454 calls")
        << with([](auto &q) { q.agent = u"agent1"_qs; }) << true << 1454 << u"f3919"_qs << u"f1"_qs;
    // agent "agent299" exactly: i = 299 + 300 k for k = 0..12 (3899 < 4000): 13 calls.
    QTest::newRow("agent, 13 calls") << with([](auto &q) { q.agent = u"agent299"_qs; }) << false
                                     << 13 << u"f3899"_qs << u"f299"_qs;
    // Every wider call's caller starts with +44 20 71; none of the six's numbers does (s3's
    // 0044 20 7946 0000 has 44 20 79), nor has any a national number starting 2071.
    QTest::newRow("number prefix, 4000 calls") << with([](auto &q) { q.number = u"+44 20 71"_qs; })
                                               << true << 4000 << u"f3999"_qs << u"f0"_qs;
    // q "f1": f1, f10..f19, f100..f199, f1000..f1999: 1 + 10 + 100 + 1000 = 1111 calls.
    QTest::newRow("q prefix, 1111 calls")
        << with([](auto &q) { q.text = u"f1"_qs; }) << true << 1111 << u"f1999"_qs << u"f1"_qs;
    QTest::newRow("q prefix, oldest first") << with([](auto &q) {
        q.text = u"f1"_qs;
        q.sort = SearchSort::StartAscending;
    }) << true << 1111 << u"f1999"_qs << u"f1"_qs;
}

// A search whose keys match many calls walks calls_by_start (or a filter's index) and looks at
// each call's keys, with no sort of the matches, so a page deep in it costs what the first
// does; one whose keys match few reads those calls and sorts them. Both give every call once,
// in order, through every page.
void TestCallSearch::broadSearchesWalkTheStartIndex()
{
    QFETCH(SearchQuery, query);
    QFETCH(bool, broad);
    QFETCH(int, count);
    QFETCH(QString, newest);
    QFETCH(QString, oldest);
    CallStore *store = widerStore();
    QVERIFY(store);

    const QStringList crns = walk(*store, query, {});
    QCOMPARE(crns.size(), count);
    QCOMPARE(QSet<QString>(crns.cbegin(), crns.cend()).size(), count);
    const bool ascending = query.sort == SearchSort::StartAscending;
    QCOMPARE(crns.constFirst(), ascending ? oldest : newest);
    QCOMPARE(crns.constLast(), ascending ? newest : oldest);
    // The wider calls' numbers grow with their start time.
    for (qsizetype i = 1; i < crns.size(); ++i) {
        const int before = crns.at(i - 1).mid(1).toInt();
        const int after = crns.at(i).mid(1).toInt();
        QVERIFY2(ascending ? before < after : before > after,
                 qPrintable(crns.at(i - 1) + u" then "_qs + crns.at(i)));
    }

    // The plan of a page deep in the walk.
    SearchQuery deep = query;
    deep.limit = count / 2;
    deep.cursor = store->search(deep).nextCursor;
    QVERIFY(!deep.cursor.isEmpty());
    deep.limit = query.limit;
    const QString plan = store->searchPlan(deep).join(u'\n');
    QVERIFY(!plan.isEmpty());
    if (TestDatabase::isPostgreSQL()) {
        QVERIFY2((plan.contains(u"Index Scan using calls_by_start on calls"_qs)
                  && !plan.contains(u"Sort"_qs))
                     == broad,
                 qPrintable(plan));
        QVERIFY2(!plan.contains(u"Seq Scan"_qs), qPrintable(plan));
    } else {
        QVERIFY2(plan.contains(u"call_keys_by_crn"_qs) == broad, qPrintable(plan));
        QVERIFY2(plan.contains(u"TEMP B-TREE"_qs) != broad, qPrintable(plan));
        if (broad)
            QVERIFY2(plan.contains(u"SEARCH c USING INDEX calls_by_start"_qs), qPrintable(plan));
    }
}

void TestCallSearch::bringsAVersionTwoDatabaseForward()
{
    if (TestDatabase::isPostgreSQL())
        QSKIP("about SQLite files written by older crn-servers; a PostgreSQL database never "
              "had their schema_version table");
    const QString path = m_dir.filePath(u"version2.sqlite"_qs);
    const Call call = sixCalls().at(0); // s1: inbound, answered, 030 1234567, one recording
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_qs, u"v2"_qs);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery query(db);
        const QStringList schemaTwo = {
            u"CREATE TABLE schema_version (version INTEGER NOT NULL)"_qs,
            u"INSERT INTO schema_version (version) VALUES (2)"_qs,
            u"CREATE TABLE calls (crn TEXT PRIMARY KEY, crn_key TEXT NOT NULL UNIQUE,"
            " start_us INTEGER NOT NULL, summary TEXT NOT NULL, document TEXT NOT NULL) STRICT"_qs,
            u"CREATE INDEX calls_by_start ON calls (start_us DESC, crn_key DESC)"_qs,
            u"CREATE TABLE call_keys (key TEXT NOT NULL, kind TEXT NOT NULL, crn TEXT NOT NULL"
            " REFERENCES calls (crn) ON DELETE CASCADE, PRIMARY KEY (key, kind, crn))"
            " STRICT, WITHOUT ROWID"_qs,
            u"CREATE INDEX call_keys_by_crn ON call_keys (crn)"_qs,
            u"CREATE TABLE recordings (id TEXT PRIMARY KEY, crn TEXT, path TEXT NOT NULL UNIQUE,"
            " size INTEGER NOT NULL, modified_us INTEGER NOT NULL, content_type TEXT NOT NULL)"
            " STRICT"_qs,
            u"CREATE INDEX recordings_by_crn ON recordings (crn)"_qs,
            u"CREATE TABLE store_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT"_qs,
            // What schema 2 wrote for s1: its keys, the number as digits only.
            u"INSERT INTO call_keys VALUES ('s1', 'crn', 's1'), ('0301234567', 'number', 's1')"_qs,
        };
        for (const QString &statement : schemaTwo)
            QVERIFY2(query.exec(statement), qPrintable(statement));
        query.prepare(u"INSERT INTO calls VALUES ('s1', 's1', ?, ?, ?)"_qs);
        query.addBindValue(call.summary.start.microseconds());
        query.addBindValue(QString::fromUtf8(CallJson::toJsonText(call.summary)));
        query.addBindValue(QString::fromUtf8(CallJson::toJsonText(call)));
        QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"v2"_qs);

    const auto store = freshStore(u"version2.sqlite"_qs);
    QVERIFY(store);
    QCOMPARE(store->callCount(), 1);
    SearchQuery query;
    query.number = u"+49 30 1234567"_qs;
    query.direction = D::Inbound;
    query.outcome = O::Answered;
    query.hasRecording = true;
    QCOMPARE(crnsOf(store->search(query).calls), QStringList { u"s1"_qs });

    // Calls saved after the migration come after the old ones in the sequence: a walk that
    // started before them does not see them.
    SearchQuery walkQuery;
    walkQuery.limit = 1;
    QVERIFY(store->saveCalls({ sixCalls().at(1) }));
    bool saved = true;
    const QStringList seen = walk(
        *store, walkQuery, [&](int) { saved = saved && store->saveCalls({ sixCalls().at(2) }); });
    QVERIFY(saved);
    QCOMPARE(seen, (QStringList { u"s2"_qs, u"s1"_qs }));
}

QTEST_GUILESS_MAIN(TestCallSearch)
#include "tst_callsearch.moc"
