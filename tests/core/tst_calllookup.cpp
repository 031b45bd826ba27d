#include "lookup/calllookup.h"

#include "cache/callcache.h"
#include "net/apiclient.h"
#include "settings/consolesettings.h"
#include "testcalls.h"
#include "testserver.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

namespace {

using Freshness = CallLookup::Freshness;
using ServerState = CallLookup::ServerState;

// Everything a CallLookup says, in the order it says it.
struct Heard
{
    enum class Kind { Started, Found, Confirmed, Matches, NotFound, Failed, State };

    Kind kind = Kind::Started;
    QString text; // cleaned text, query, or sentence
    Call call;
    Freshness freshness = Freshness::Live;
    QDateTime fetchedAt; // callFound's asOf, or callConfirmed's checkedAt
    QList<CallSummary> matches;
    ServerState state = ServerState::Unknown;
};

class Recorder : public QObject
{
public:
    explicit Recorder(CallLookup *lookup)
    {
        using Kind = Heard::Kind;
        connect(lookup, &CallLookup::searchStarted, this,
                [this](const QString &text) { add(Kind::Started, text); });
        connect(lookup, &CallLookup::callFound, this,
                [this](const Call &call, Freshness freshness, const QDateTime &fetchedAt) {
                    Heard &heard = add(Kind::Found, call.crn());
                    heard.call = call;
                    heard.freshness = freshness;
                    heard.fetchedAt = fetchedAt;
                });
        connect(lookup, &CallLookup::callConfirmed, this,
                [this](const QString &crn, const QDateTime &checkedAt) {
                    add(Kind::Confirmed, crn).fetchedAt = checkedAt;
                });
        connect(lookup, &CallLookup::matchesFound, this,
                [this](const QString &query, const QList<CallSummary> &matches) {
                    add(Kind::Matches, query).matches = matches;
                });
        connect(lookup, &CallLookup::notFound, this,
                [this](const QString &query) { add(Kind::NotFound, query); });
        connect(lookup, &CallLookup::failed, this,
                [this](const QString &, const QString &sentence) { add(Kind::Failed, sentence); });
        connect(lookup, &CallLookup::serverStateChanged, this,
                [this](ServerState state, const QString &sentence) {
                    add(Kind::State, sentence).state = state;
                });
    }

    void clear() { m_heard.clear(); }
    QList<Heard> answers() const { return except(Heard::Kind::State); }
    QList<Heard> states() const { return only(Heard::Kind::State); }
    QList<Heard> only(Heard::Kind kind) const
    {
        QList<Heard> result;
        for (const Heard &heard : m_heard) {
            if (heard.kind == kind)
                result.append(heard);
        }
        return result;
    }
    QList<Heard> except(Heard::Kind kind) const
    {
        QList<Heard> result;
        for (const Heard &heard : m_heard) {
            if (heard.kind != kind && heard.kind != Heard::Kind::Started)
                result.append(heard);
        }
        return result;
    }
    QList<ServerState> stateSequence() const
    {
        QList<ServerState> result;
        for (const Heard &heard : only(Heard::Kind::State))
            result.append(heard.state);
        return result;
    }

private:
    Heard &add(Heard::Kind kind, const QString &text)
    {
        m_heard.append(Heard());
        m_heard.last().kind = kind;
        m_heard.last().text = text;
        return m_heard.last();
    }

    QList<Heard> m_heard;
};

// The HTTP status of every call request the client made, as Qt saw the answer; 0 when none.
class CallStatuses : public QObject
{
public:
    explicit CallStatuses(ApiClient *client)
    {
        auto *network = client->findChild<QNetworkAccessManager *>();
        Q_ASSERT(network);
        connect(network, &QNetworkAccessManager::finished, this, [this](QNetworkReply *reply) {
            if (!reply->url().path().startsWith(u"/api/v1/calls/"))
                return;
            statuses.append(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt());
            if (!finishedAt.isValid())
                finishedAt = QDateTime::currentDateTimeUtc();
        });
    }

    QList<int> statuses;
    QDateTime finishedAt; // of the first
};

// Answers every request with a status line and headers promising a body, sends one byte of it
// and then nothing: a server that hangs half-way through its answer.
class StallingServer : public QObject
{
public:
    StallingServer()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                socket->setParent(this);
                connect(socket, &QTcpSocket::readyRead, socket, [socket] {
                    socket->readAll();
                    socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                  "Content-Length: 500\r\n\r\n{");
                });
            }
        });
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QUrl url() const
    {
        QUrl url(u"http://127.0.0.1"_qs);
        url.setPort(m_server.serverPort());
        return url;
    }

private:
    QTcpServer m_server;
};

// Proves the thread's event loop kept running: ticks every 10 ms and remembers the longest gap.
class LoopWatch
{
public:
    LoopWatch()
    {
        QObject::connect(&m_timer, &QTimer::timeout,
                         [this] { m_longestGapMs = qMax(m_longestGapMs, m_sinceTick.restart()); });
        m_sinceTick.start();
        m_timer.start(10);
    }
    qint64 longestGapMs() const { return m_longestGapMs; }

private:
    QTimer m_timer;
    QElapsedTimer m_sinceTick;
    qint64 m_longestGapMs = 0;
};

// The served call 1694023642.7 while it is still being finalised: its hangup not yet recorded.
Call unfinishedCall()
{
    Call call = TestCalls::servedCall(u"1694023642.7"_qs);
    call.events.clear();
    call.summary.outcome = CallOutcome::Unknown;
    return call;
}

constexpr int kWaitMs = 15000;

} // namespace

class TestCallLookup : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void reportsTheServerStateAtStart();
    void findsACrnPastedWithSpacesAndEnDashes();
    void repeatSearchIsConfirmedWithoutTheCallAgain();
    void changedCallIsEmittedLiveOnce();
    void sameCopyWithoutEtagIsConfirmed();
    void slowCacheDoesNotHoldTheServerBack();
    void stallingServerFallsBackToTheCacheWithoutBlocking();
    void clearCacheForgetsEveryCall();
    void settingsReachTheClientAndTheCache();
    void showsTheCachedCopyWhenTheServerStops();
    void failsWhenTheServerIsGoneAndTheCallIsNotCached();
    void marksACachedCallTheServerDoesNotKnow();
    void unknownCrnIsNotFound();
    void prefixOfSeveralCallsOffersTheMatches();
    void prefixOfOneCallOpensIt();
    void emptyTextAsksForSomething();
    void openTakesACrnFromTheList();
    void newerFindSupersedesOlder();
    void reconnectsByItselfAfterTheServerReturns();
    void passesOnADamagedCache();

private:
    void waitUntilConnected();
    // Finds another call and waits for its answer: anything the earlier request could still
    // say would have arrived by then.
    void flush();

    QTemporaryDir m_dir;
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<CallCache> m_cache;
    std::unique_ptr<ApiClient> m_client;
    std::unique_ptr<CallLookup> m_lookup;
    std::unique_ptr<Recorder> m_heard;
    int m_run = 0;
};

void TestCallLookup::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_server = std::make_unique<TestServer>(m_dir.filePath(u"calls.db"_qs));
    QString why;
    QVERIFY2(m_server->writeDatabase(TestCalls::servedCalls(), &why), qPrintable(why));
}

void TestCallLookup::init()
{
    QString why;
    QVERIFY2(m_server->start(0, &why), qPrintable(why));

    // A new, empty cache for every test.
    ++m_run;
    m_cache = std::make_unique<CallCache>(m_dir.filePath(u"cache-%1/calls.sqlite"_qs.arg(m_run)));
    m_client = std::make_unique<ApiClient>(m_server->url());
    m_client->setAccessToken(m_server->token());
    m_lookup = std::make_unique<CallLookup>(m_client.get(), m_cache.get());
    m_lookup->setRetryIntervalMs(200);
    m_heard = std::make_unique<Recorder>(m_lookup.get());
}

void TestCallLookup::cleanup()
{
    m_heard.reset();
    m_lookup.reset();
    m_client.reset();
    m_cache.reset();
    m_server->kill();
}

void TestCallLookup::waitUntilConnected()
{
    QTRY_COMPARE_WITH_TIMEOUT(m_lookup->serverState(), ServerState::Connected, kWaitMs);
    m_heard->clear();
}

void TestCallLookup::flush()
{
    const qsizetype before = m_heard->answers().size();
    m_lookup->open(u"1700000003.1"_qs);
    QTRY_VERIFY_WITH_TIMEOUT(m_heard->answers().size() > before
                                 && m_heard->answers().last().call.crn() == u"1700000003.1",
                             kWaitMs);
}

void TestCallLookup::reportsTheServerStateAtStart()
{
    QCOMPARE(m_lookup->serverState(), ServerState::Unknown);
    QCOMPARE(m_lookup->serverUrl(), m_server->url());

    // Nobody asked: the lookup checks the server by itself once the event loop runs.
    QTRY_COMPARE_WITH_TIMEOUT(
        m_heard->stateSequence(),
        QList<ServerState>({ ServerState::Connecting, ServerState::Connected }), kWaitMs);
    const QString sentence = m_heard->states().last().text;
    QVERIFY2(sentence.contains(m_server->url().authority()), qPrintable(sentence));
}

void TestCallLookup::findsACrnPastedWithSpacesAndEnDashes()
{
    waitUntilConnected();
    const QString pasted = u"  4C6B1F0E\u20135E2A\u20134D0C\u20139A77\u20131F2E3D4C5B6A\u00A0 "_qs;
    const QDateTime before = QDateTime::currentDateTimeUtc();
    m_lookup->find(pasted);

    QTRY_COMPARE_WITH_TIMEOUT(m_heard->answers().size(), 1, kWaitMs);
    const QList<Heard> started = m_heard->only(Heard::Kind::Started);
    QCOMPARE(started.size(), 1);
    QCOMPARE(started.first().text, u"4C6B1F0E-5E2A-4D0C-9A77-1F2E3D4C5B6A"_qs);

    const Heard found = m_heard->answers().first();
    QCOMPARE(found.kind, Heard::Kind::Found);
    QCOMPARE(found.freshness, Freshness::Live);
    QCOMPARE(found.call, TestCalls::servedCall(TestCalls::kUuidCrn));
    QVERIFY(found.fetchedAt >= before.addMSecs(-1));
    QVERIFY(found.fetchedAt <= QDateTime::currentDateTimeUtc());
}

void TestCallLookup::repeatSearchIsConfirmedWithoutTheCallAgain()
{
    waitUntilConnected();
    CallStatuses network(m_client.get());
    m_lookup->find(u"1694023642.7"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(m_heard->answers().size(), 1, kWaitMs);
    const Heard first = m_heard->answers().first();
    QCOMPARE(first.freshness, Freshness::Live);

    // By the other leg's id, this time: the cached copy at once, then the server's word that
    // it is still current (a 304), and no second copy of the call.
    m_heard->clear();
    const QDateTime before = QDateTime::currentDateTimeUtc();
    m_lookup->find(u"1694023642.8"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(m_heard->answers().size(), 2, kWaitMs);
    QList<Heard> answers = m_heard->answers();
    QCOMPARE(answers.at(0).kind, Heard::Kind::Found);
    QCOMPARE(answers.at(0).freshness, Freshness::Cached);
    QCOMPARE(answers.at(0).call, TestCalls::servedCall(u"1694023642.7"_qs));
    // The cached copy is the one fetched by the first search, and says so.
    QCOMPARE(answers.at(0).fetchedAt, first.fetchedAt);
    QCOMPARE(answers.at(1).kind, Heard::Kind::Confirmed);
    QCOMPARE(answers.at(1).text, u"1694023642.7"_qs);
    const QDateTime confirmedAt = answers.at(1).fetchedAt;
    QVERIFY(confirmedAt >= before.addMSecs(-1) && confirmedAt <= QDateTime::currentDateTimeUtc());
    QCOMPARE(network.statuses, QList<int>({ 200, 304 }));

    flush();
    answers = m_heard->answers();
    QCOMPARE(answers.size(), 3);
    QCOMPARE(answers.at(2).call.crn(), u"1700000003.1"_qs);

    // The copy's age now counts from the confirmation.
    m_heard->clear();
    m_lookup->find(u"1694023642.7"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(m_heard->answers().size(), 2, kWaitMs);
    answers = m_heard->answers();
    QCOMPARE(answers.at(0).freshness, Freshness::Cached);
    QCOMPARE(answers.at(0).fetchedAt, confirmedAt);
    QCOMPARE(answers.at(1).kind, Heard::Kind::Confirmed);
    QCOMPARE(network.statuses, QList<int>({ 200, 304, 200, 304 }));
}

void TestCallLookup::changedCallIsEmittedLiveOnce()
{
    // A server of its own, whose copy of 1694023642.7 is still being finalised.
    TestServer server(m_dir.filePath(u"changing-%1.db"_qs.arg(m_run)));
    QString why;
    QVERIFY2(server.writeDatabase({ unfinishedCall() }, &why), qPrintable(why));
    QVERIFY2(server.start(0, &why), qPrintable(why));
    ApiClient client(server.url());
    client.setAccessToken(server.token());
    CallLookup lookup(&client, m_cache.get());
    Recorder heard(&lookup);
    CallStatuses network(&client);

    lookup.find(u"1694023642.7"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(heard.answers().size(), 1, kWaitMs);
    QCOMPARE(heard.answers().at(0).freshness, Freshness::Live);
    QCOMPARE(heard.answers().at(0).call, unfinishedCall());

    // The hangup is recorded: the server's document and its ETag change.
    QVERIFY2(server.writeDatabase({ TestCalls::servedCall(u"1694023642.7"_qs) }, &why),
             qPrintable(why));
    heard.clear();
    lookup.find(u"1694023642.7"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(heard.answers().size(), 2, kWaitMs);
    // Another request on the same server, answered after anything this one could still say.
    lookup.open(u"1694023642.7"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(heard.answers().size(), 4, kWaitMs);

    const QList<Heard> answers = heard.answers();
    QCOMPARE(answers.at(0).freshness, Freshness::Cached);
    QCOMPARE(answers.at(0).call, unfinishedCall());
    QCOMPARE(answers.at(1).kind, Heard::Kind::Found);
    QCOMPARE(answers.at(1).freshness, Freshness::Live);
    QCOMPARE(answers.at(1).call, TestCalls::servedCall(u"1694023642.7"_qs));
    // The Live copy replaced the cached one, and is what the server confirms next.
    QCOMPARE(answers.at(2).freshness, Freshness::Cached);
    QCOMPARE(answers.at(2).call, TestCalls::servedCall(u"1694023642.7"_qs));
    QCOMPARE(answers.at(2).fetchedAt, answers.at(1).fetchedAt);
    QCOMPARE(answers.at(3).kind, Heard::Kind::Confirmed);
    QCOMPARE(network.statuses, QList<int>({ 200, 200, 304 }));
}

void TestCallLookup::sameCopyWithoutEtagIsConfirmed()
{
    // A copy from before ETags (or one the server changed back): no tag to ask with.
    const Call call = TestCalls::servedCall(u"1700000001.1"_qs);
    const QDateTime fetchedAt = QDateTime::currentDateTimeUtc().addSecs(-600);
    bool stored = false;
    m_cache->store(call, fetchedAt, QString(), this, [&stored](bool ok) { stored = ok; });
    QTRY_VERIFY_WITH_TIMEOUT(stored, kWaitMs);
    waitUntilConnected();
    CallStatuses network(m_client.get());

    m_lookup->find(u"1700000001.2"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(m_heard->answers().size(), 2, kWaitMs);
    flush();
    const QList<Heard> answers = m_heard->answers();
    QCOMPARE(answers.size(), 3);
    QCOMPARE(answers.at(0).freshness, Freshness::Cached);
    QCOMPARE(answers.at(0).fetchedAt, fetchedAt);
    // The whole call came back, the same as the cached one: confirmed, not shown again.
    QCOMPARE(answers.at(1).kind, Heard::Kind::Confirmed);
    QCOMPARE(answers.at(1).text, call.crn());
    QVERIFY(answers.at(1).fetchedAt > fetchedAt.addSecs(590));

    // The server's tag was kept: the next time, a 304.
    m_heard->clear();
    m_lookup->find(u"1700000001.1"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(m_heard->answers().size(), 2, kWaitMs);
    QCOMPARE(m_heard->answers().at(1).kind, Heard::Kind::Confirmed);
    QCOMPARE(network.statuses, QList<int>({ 200, 200, 304 }));
}

void TestCallLookup::slowCacheDoesNotHoldTheServerBack()
{
    waitUntilConnected();
    m_lookup->find(u"1694023642.7"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(m_heard->answers().size(), 1, kWaitMs);

    // Every cache job now takes 800 ms, on the cache's own thread.
    m_cache->setWorkerProbe([] { QThread::msleep(800); });
    m_lookup->setCacheGraceMs(100);
    CallStatuses network(m_client.get());
    QDateTime cachedAt;
    connect(m_lookup.get(), &CallLookup::callFound, this,
            [&cachedAt](const Call &, Freshness freshness) {
                if (freshness == Freshness::Cached)
                    cachedAt = QDateTime::currentDateTimeUtc();
            });
    m_heard->clear();
    m_lookup->find(u"1694023642.7"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(m_heard->answers().size(), 2, kWaitMs);
    m_cache->setWorkerProbe({});

    // The server answered while the cache was still busy; its answer waited for the cached
    // copy, and being the same document, confirmed it.
    QVERIFY(network.finishedAt.isValid() && cachedAt.isValid());
    QVERIFY2(network.finishedAt < cachedAt,
             qPrintable(network.finishedAt.toString(Qt::ISODateWithMs) + u" "_qs
                        + cachedAt.toString(Qt::ISODateWithMs)));
    QCOMPARE(network.statuses, QList<int>({ 200 }));
    const QList<Heard> answers = m_heard->answers();
    QCOMPARE(answers.at(0).freshness, Freshness::Cached);
    QCOMPARE(answers.at(1).kind, Heard::Kind::Confirmed);
}

void TestCallLookup::stallingServerFallsBackToTheCacheWithoutBlocking()
{
    const Call call = TestCalls::servedCall(TestCalls::kUuidCrn);
    const QDateTime fetchedAt = QDateTime::currentDateTimeUtc().addSecs(-3600);
    bool stored = false;
    m_cache->store(call, fetchedAt, u"\"old\""_qs, this, [&stored](bool ok) { stored = ok; });
    QTRY_VERIFY_WITH_TIMEOUT(stored, kWaitMs);

    StallingServer stalling;
    QVERIFY(stalling.listen());
    ApiClient client(stalling.url());
    client.setTransferTimeoutMs(500);
    CallLookup lookup(&client, m_cache.get());
    Recorder heard(&lookup);
    const LoopWatch loop;
    QElapsedTimer timer;
    timer.start();
    lookup.find(TestCalls::kUuidCrn);

    QTRY_COMPARE_WITH_TIMEOUT(heard.answers().size(), 1, kWaitMs);
    const qint64 cachedAfter = timer.elapsed();
    QTRY_COMPARE_WITH_TIMEOUT(heard.answers().size(), 2, kWaitMs);
    const qint64 offlineAfter = timer.elapsed();

    const QList<Heard> answers = heard.answers();
    QCOMPARE(answers.at(0).freshness, Freshness::Cached);
    QCOMPARE(answers.at(1).kind, Heard::Kind::Found);
    QCOMPARE(answers.at(1).freshness, Freshness::CachedOffline);
    QCOMPARE(answers.at(1).call, call);
    QCOMPARE(answers.at(1).fetchedAt, fetchedAt);
    // The cached copy did not wait for the server; the server was given up after 0.5 s.
    QVERIFY2(cachedAfter < 450, qPrintable(QString::number(cachedAfter)));
    QVERIFY2(offlineAfter >= 450 && offlineAfter < 5000, qPrintable(QString::number(offlineAfter)));
    QVERIFY2(loop.longestGapMs() < 200, qPrintable(QString::number(loop.longestGapMs())));

    QCOMPARE(lookup.serverState(), ServerState::Unreachable);
    const QString sentence = heard.states().last().text;
    QVERIFY2(
        sentence.startsWith(u"The server at %1 stopped sending its answer for 0.5 seconds."_qs.arg(
            stalling.url().authority())),
        qPrintable(sentence));
}

void TestCallLookup::clearCacheForgetsEveryCall()
{
    waitUntilConnected();
    m_lookup->find(u"1694023642.7"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(m_heard->answers().size(), 1, kWaitMs);

    QSignalSpy cleared(m_lookup.get(), &CallLookup::cacheCleared);
    m_lookup->clearCache();
    QVERIFY(cleared.wait(kWaitMs));

    m_server->kill();
    m_heard->clear();
    m_lookup->find(u"1694023642.7"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(m_heard->answers().size(), 1, kWaitMs);
    QCOMPARE(m_heard->answers().first().kind, Heard::Kind::Failed);
    QVERIFY2(m_heard->answers().first().text.endsWith(u"is not in the local cache."_qs),
             qPrintable(m_heard->answers().first().text));
}

void TestCallLookup::settingsReachTheClientAndTheCache()
{
    // A call last opened two days ago.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    auto clockMs = std::make_shared<std::atomic<qint64>>(now.addDays(-2).toMSecsSinceEpoch());
    m_cache->setClock([clockMs] { return QDateTime::fromMSecsSinceEpoch(*clockMs, Qt::UTC); });
    bool stored = false;
    m_cache->store(TestCalls::servedCall(u"1700000002.1"_qs), now.addDays(-2), QString(), this,
                   [&stored](bool ok) { stored = ok; });
    QTRY_VERIFY_WITH_TIMEOUT(stored, kWaitMs);
    *clockMs = now.toMSecsSinceEpoch();

    ConsoleSettings settings(m_dir.filePath(u"settings-%1.ini"_qs.arg(m_run)));
    settings.setNetworkTimeoutSeconds(7);
    settings.setForceHttp1(true);
    settings.setCacheMaxAgeDays(1);
    QSignalSpy evicted(m_cache.get(), &CallCache::callsEvicted);
    m_lookup->setSettings(&settings);

    QCOMPARE(m_client->connectTimeoutMs(), 7000);
    QCOMPARE(m_client->transferTimeoutMs(), 7000);
    QCOMPARE(m_client->answerDeadlineMs(), 28000);
    QVERIFY(m_client->forceHttp1());
    QVERIFY(evicted.wait(kWaitMs));
    QCOMPARE(evicted.first().first().toInt(), 1);

    // Changes apply as they are made.
    settings.setNetworkTimeoutSeconds(3);
    settings.setForceHttp1(false);
    QCOMPARE(m_client->transferTimeoutMs(), 3000);
    QVERIFY(!m_client->forceHttp1());
    m_lookup->setSettings(nullptr);
}

void TestCallLookup::showsTheCachedCopyWhenTheServerStops()
{
    waitUntilConnected();
    m_lookup->find(u"PJSIP/agent-00000011"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(m_heard->answers().size(), 1, kWaitMs);
    const QDateTime fetchedAt = m_heard->answers().first().fetchedAt;
    QVERIFY(fetchedAt.isValid());

    m_server->kill();
    m_heard->clear();
    m_lookup->find(TestCalls::kUuidCrn);

    QTRY_COMPARE_WITH_TIMEOUT(m_heard->answers().size(), 2, kWaitMs);
    const QList<Heard> answers = m_heard->answers();
    QCOMPARE(answers.at(0).freshness, Freshness::Cached);
    QCOMPARE(answers.at(1).kind, Heard::Kind::Found);
    QCOMPARE(answers.at(1).freshness, Freshness::CachedOffline);
    QCOMPARE(answers.at(1).call, TestCalls::servedCall(TestCalls::kUuidCrn));
    QCOMPARE(answers.at(1).fetchedAt, fetchedAt);

    QCOMPARE(m_lookup->serverState(), ServerState::Unreachable);
    const QList<Heard> states = m_heard->states();
    QCOMPARE(states.size(), 1);
    QCOMPARE(states.first().state, ServerState::Unreachable);
    QVERIFY2(states.first().text.contains(m_server->url().authority()),
             qPrintable(states.first().text));
}

void TestCallLookup::failsWhenTheServerIsGoneAndTheCallIsNotCached()
{
    waitUntilConnected();
    m_server->kill();
    m_lookup->find(u"1694023642.7"_qs);

    QTRY_COMPARE_WITH_TIMEOUT(m_heard->answers().size(), 1, kWaitMs);
    const Heard failed = m_heard->answers().first();
    QCOMPARE(failed.kind, Heard::Kind::Failed);
    QCOMPARE(failed.text,
             u"The server at "_qs + m_server->url().authority()
                 + u" cannot be reached, and this call is not in the local cache."_qs);
}

void TestCallLookup::marksACachedCallTheServerDoesNotKnow()
{
    // A copy fetched from another server (or a call since removed) sits in the cache.
    const Call elsewhere = TestCalls::make(u"1600000000.1"_qs, u"2020-09-13T12:26:40Z"_qs,
                                           { u"1600000000.1"_qs, u"1600000000.2"_qs });
    const QDateTime fetchedAt = QDateTime::currentDateTimeUtc().addSecs(-600);
    bool stored = false;
    m_cache->store(elsewhere, fetchedAt, QString(), this, [&stored](bool ok) { stored = ok; });
    QTRY_VERIFY_WITH_TIMEOUT(stored, kWaitMs);
    waitUntilConnected();

    m_lookup->find(u"1600000000.1"_qs);

    QTRY_COMPARE_WITH_TIMEOUT(m_heard->answers().size(), 2, kWaitMs);
    const QList<Heard> answers = m_heard->answers();
    QCOMPARE(answers.at(0).freshness, Freshness::Cached);
    QCOMPARE(answers.at(1).kind, Heard::Kind::Found);
    QCOMPARE(answers.at(1).freshness, Freshness::CachedNotOnServer);
    QCOMPARE(answers.at(1).call, elsewhere);
    QCOMPARE(answers.at(1).fetchedAt.toSecsSinceEpoch(), fetchedAt.toSecsSinceEpoch());
    QCOMPARE(m_lookup->serverState(), ServerState::Connected);
}

void TestCallLookup::unknownCrnIsNotFound()
{
    waitUntilConnected();
    m_lookup->find(u"1694023642.9"_qs);

    QTRY_COMPARE_WITH_TIMEOUT(m_heard->answers().size(), 1, kWaitMs);
    const Heard answer = m_heard->answers().first();
    QCOMPARE(answer.kind, Heard::Kind::NotFound);
    QCOMPARE(answer.text, u"1694023642.9"_qs);
    QCOMPARE(m_lookup->serverState(), ServerState::Connected);
}

void TestCallLookup::prefixOfSeveralCallsOffersTheMatches()
{
    waitUntilConnected();
    m_lookup->find(u"170000000"_qs);

    QTRY_COMPARE_WITH_TIMEOUT(m_heard->answers().size(), 1, kWaitMs);
    const Heard answer = m_heard->answers().first();
    QCOMPARE(answer.kind, Heard::Kind::Matches);
    QCOMPARE(answer.text, u"170000000"_qs);
    // Newest first, as the server orders them.
    QCOMPARE(answer.matches,
             QList<CallSummary>({ TestCalls::servedCall(u"1700000003.1"_qs).summary,
                                  TestCalls::servedCall(u"1700000002.1"_qs).summary,
                                  TestCalls::servedCall(u"1700000001.1"_qs).summary }));
}

void TestCallLookup::prefixOfOneCallOpensIt()
{
    waitUntilConnected();
    m_lookup->find(u"4C6B1F0E"_qs);

    QTRY_COMPARE_WITH_TIMEOUT(m_heard->answers().size(), 1, kWaitMs);
    const Heard answer = m_heard->answers().first();
    QCOMPARE(answer.kind, Heard::Kind::Found);
    QCOMPARE(answer.freshness, Freshness::Live);
    QCOMPARE(answer.call, TestCalls::servedCall(TestCalls::kUuidCrn));
}

void TestCallLookup::emptyTextAsksForSomething()
{
    waitUntilConnected();
    m_lookup->find(u" \u200B\u00A0\t"_qs);

    QCOMPARE(m_heard->answers().size(), 1);
    QCOMPARE(m_heard->answers().first().kind, Heard::Kind::Failed);
    QCOMPARE(m_heard->answers().first().text, u"Type or paste a CRN, number, agent or queue."_qs);
    QCOMPARE(m_heard->only(Heard::Kind::Started).first().text, QString());
}

void TestCallLookup::openTakesACrnFromTheList()
{
    waitUntilConnected();
    m_lookup->open(u"1700000002.1"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(m_heard->answers().size(), 1, kWaitMs);
    QCOMPARE(m_heard->answers().first().freshness, Freshness::Live);
    QCOMPARE(m_heard->answers().first().call, TestCalls::servedCall(u"1700000002.1"_qs));
    // The search field keeps what the supervisor searched for.
    QVERIFY(m_heard->only(Heard::Kind::Started).isEmpty());

    // A CRN from a list is taken as it is: no prefix search behind it.
    m_heard->clear();
    m_lookup->open(u"170000000"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(m_heard->answers().size(), 1, kWaitMs);
    QCOMPARE(m_heard->answers().first().kind, Heard::Kind::NotFound);
}

void TestCallLookup::newerFindSupersedesOlder()
{
    waitUntilConnected();
    m_lookup->find(u"1694023642.7"_qs);
    m_lookup->find(u"170000000"_qs);
    m_lookup->find(TestCalls::kUuidCrn);

    QTRY_COMPARE_WITH_TIMEOUT(m_heard->answers().size(), 1, kWaitMs);
    // A later request on the same server is answered after anything the dropped ones could
    // still have produced.
    m_lookup->find(u"1700000001.1"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(m_heard->answers().size(), 2, kWaitMs);

    const QList<Heard> answers = m_heard->answers();
    QCOMPARE(answers.at(0).call.crn(), TestCalls::kUuidCrn);
    QCOMPARE(answers.at(1).call.crn(), u"1700000001.1"_qs);
    QCOMPARE(m_heard->only(Heard::Kind::Started).size(), 4);
}

void TestCallLookup::reconnectsByItselfAfterTheServerReturns()
{
    waitUntilConnected();
    const quint16 port = m_server->port();
    m_server->kill();

    // Any request notices; here the supervisor's next search.
    m_lookup->find(u"1694023642.7"_qs);
    QTRY_COMPARE_WITH_TIMEOUT(m_heard->stateSequence(),
                              QList<ServerState>({ ServerState::Unreachable }), kWaitMs);
    const QString sentence = m_heard->states().first().text;
    QVERIFY2(sentence.contains(u"tries again"_qs), qPrintable(sentence));

    QString why;
    QVERIFY2(m_server->start(port, &why), qPrintable(why));
    QCOMPARE(m_server->port(), port);

    // No find(), no checkServer(): the retry timer brings it back.
    QTRY_COMPARE_WITH_TIMEOUT(
        m_heard->stateSequence(),
        QList<ServerState>({ ServerState::Unreachable, ServerState::Connected }), kWaitMs);
    QCOMPARE(m_lookup->serverState(), ServerState::Connected);
}

void TestCallLookup::passesOnADamagedCache()
{
    const QString path = m_dir.filePath(u"damaged/calls.sqlite"_qs);
    QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
    QFile garbage(path);
    QVERIFY(garbage.open(QIODevice::WriteOnly));
    garbage.write(QByteArray(4096, '\x5a'));
    garbage.close();

    // Made the way the console's main() makes them: the lookup right after the cache.
    CallCache cache(path);
    CallLookup lookup(m_client.get(), &cache);
    QSignalSpy problems(&lookup, &CallLookup::cacheProblem);
    QVERIFY(problems.wait(kWaitMs));
    const QString sentence = problems.first().first().toString();
    QVERIFY2(sentence.contains(u"calls.sqlite.corrupt-"_qs), qPrintable(sentence));

    // And the call is still found, and cached in the fresh file.
    lookup.find(u"1694023642.7"_qs);
    QSignalSpy found(&lookup, &CallLookup::callFound);
    QVERIFY(found.wait(kWaitMs));
    QCOMPARE(found.first().at(1).value<Freshness>(), Freshness::Live);
}

QTEST_GUILESS_MAIN(TestCallLookup)
#include "tst_calllookup.moc"
