// The HTTP API of a real `crn-server serve` process on a free loopback port, over a database
// this test fills with hand-built calls (testcalls.h). Every expected value comes from those
// calls or from /work/shared/samples/SOURCES.md.

#include "store/callstore.h"
#include "testcalls.h"
#include "testdatabase.h"
#include "testserver.h"
#include "json/calljson.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <csignal>
#include <memory>
#include <utility>

namespace {

const QString kServerBinary = QStringLiteral(CRN_SERVER_BINARY);

// A crn-server process; start() waits for its "listening on" line and reads the port from it.
class ServerProcess
{
public:
    ~ServerProcess() { stop(); }

    bool start(const QStringList &arguments, QString *error)
    {
        m_process.start(kServerBinary, arguments);
        if (!m_process.waitForStarted(10000)) {
            *error = u"crn-server did not start: "_qs + m_process.errorString();
            return false;
        }

        static const QRegularExpression listening(
            uR"(^crn-server listening on http://127\.0\.0\.1:(\d+)\n$)"_qs);
        while (!m_process.canReadLine()) {
            if (m_process.state() != QProcess::Running || !m_process.waitForReadyRead(10000)) {
                *error = u"crn-server printed no address; its error output: "_qs
                    + QString::fromUtf8(m_process.readAllStandardError());
                return false;
            }
        }
        const QString line = QString::fromUtf8(m_process.readLine());
        const QRegularExpressionMatch match = listening.match(line);
        if (!match.hasMatch()) {
            *error = u"unexpected first line: "_qs + line;
            return false;
        }
        m_port = match.captured(1).toUShort();
        return m_port != 0;
    }

    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(5000)) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    quint16 port() const { return m_port; }
    QProcess &process() { return m_process; }

private:
    QProcess m_process;
    quint16 m_port = 0;
};

struct HttpResult
{
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QList<QNetworkReply::RawHeaderPair> headers;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
    QString errorCode() const { return json.value(u"error").toObject().value(u"code").toString(); }
    QString errorMessage() const
    {
        return json.value(u"error").toObject().value(u"message").toString();
    }
};

// In the contract/ run, prism answers a request that the document does not allow by itself, and
// the server never sees it: the reason to skip the row, or empty for an answer of the server.
QByteArray refusedByProxy(const HttpResult &result)
{
    const QString refusal = ContractProxy::refusal(result.header("Content-Type"), result.body);
    if (refusal.isEmpty())
        return {};
    return "prism refused the request before the server saw it, as docs/api.yaml allows it to "
           "(server/http/tst_serve checks the server's answer): "
        + refusal.toUtf8();
}

QStringList crnsOf(const QJsonArray &calls)
{
    QStringList crns;
    for (const QJsonValue &value : calls)
        crns.append(value.toObject().value(u"crn").toString());
    return crns;
}

QStringList crnsOf(const QList<Call> &calls)
{
    QStringList crns;
    for (const Call &call : calls)
        crns.append(call.crn());
    return crns;
}

} // namespace

class TestServe : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void health();
    void callByCrnOrLegId_data();
    void callByCrnOrLegId();
    void unknownCallIs404_data();
    void unknownCallIs404();
    void etagAndIfNoneMatch();
    void search_data();
    void search();
    void pagingVisitsEveryCallOnce_data();
    void pagingVisitsEveryCallOnce();
    void badQueryIs400_data();
    void badQueryIs400();
    void wrongMethodIs405_data();
    void wrongMethodIs405();
    void unknownPathIs404_data();
    void unknownPathIs404();
    void headHasHeadersWithoutBody_data();
    void headHasHeadersWithoutBody();
    void headSendsNoBodyBytes();
    void keepsOneConnectionForManyRequests();
    void stopsCleanlyOnSignal_data();
    void stopsCleanlyOnSignal();
    void refusesTakenPort();
    void refusesMissingOrDamagedDatabase_data();
    void refusesMissingOrDamagedDatabase();
    void refusesUnreachablePostgreSQL_data();
    void refusesUnreachablePostgreSQL();
    void rejectsBadArguments_data();
    void rejectsBadArguments();
    void importedSampleAnswersByLegId();
    void answersOnSeveralThreads();

private:
    HttpResult request(const QByteArray &verb, const QByteArray &pathAndQuery,
                       const QList<QNetworkReply::RawHeaderPair> &headers = {}, quint16 port = 0);
    HttpResult get(const QByteArray &pathAndQuery,
                   const QList<QNetworkReply::RawHeaderPair> &headers = {})
    {
        return request("GET", pathAndQuery, headers);
    }
    QByteArray rawExchange(const QByteArray &bytes, int responses);

    QTemporaryDir m_dir;
    QString m_databasePath;
    QByteArray m_authorization; // a supervisor's, sent with every request
    std::unique_ptr<CallStore> m_store;
    ServerProcess m_server;
    // In the contract/ run, the requests go through it (see testserver.h).
    ContractProxy m_proxy;
    QNetworkAccessManager m_network;
};

void TestServe::initTestCase()
{
    QVERIFY2(QFile::exists(kServerBinary), qPrintable(kServerBinary));
    QVERIFY(m_dir.isValid());
    m_databasePath = TestDatabase::address(m_dir.filePath(u"calls.db"_qs));

    QString error;
    m_store = CallStore::open(m_databasePath, &error);
    QVERIFY2(m_store, qPrintable(error));
    QVERIFY2(m_store->saveCalls(TestCalls::all()), qPrintable(m_store->errorString()));
    QByteArray token;
    QVERIFY2(
        TestServer::addUser(m_databasePath, u"tester"_qs, Role::Supervisor, {}, &token, &error),
        qPrintable(error));
    m_authorization = "Bearer " + token;

    QVERIFY2(
        m_server.start(
            { u"serve"_qs, u"--db"_qs, m_databasePath, u"--listen"_qs, u"127.0.0.1:0"_qs }, &error),
        qPrintable(error));

    if (ContractProxy::requested()) {
        if (const QString why = ContractProxy::unavailableReason(); !why.isEmpty())
            QSKIP(qPrintable(why));
        QVERIFY2(m_proxy.start(m_server.port(), &error), qPrintable(error));
    }
}

void TestServe::cleanupTestCase()
{
    m_proxy.stop();
    m_server.stop();
}

// Through the proxy, the tests of the process and of its socket are not run again: no answer of
// the API shows what they check. HEAD is in the document's prose only, so prism refuses it.
void TestServe::init()
{
    if (!m_proxy.isRunning())
        return;
    static const QList<QByteArray> direct = { "headSendsNoBodyBytes",
                                              "keepsOneConnectionForManyRequests",
                                              "stopsCleanlyOnSignal",
                                              "refusesTakenPort",
                                              "refusesMissingOrDamagedDatabase",
                                              "rejectsBadArguments",
                                              "refusesUnreachablePostgreSQL",
                                              "answersOnSeveralThreads" };
    if (direct.contains(QTest::currentTestFunction()))
        QSKIP("checks the crn-server process or its socket, not an answer of the API; "
              "server/http/tst_serve runs it");
    if (qstrcmp(QTest::currentTestFunction(), "importedSampleAnswersByLegId") == 0)
        QSKIP("asks a second crn-server, which the proxy is not in front of; "
              "server/http/tst_serve runs it");
    if (qstrcmp(QTest::currentTestFunction(), "headHasHeadersWithoutBody") == 0)
        QSKIP("docs/api.yaml describes HEAD in prose, with no head operations, so prism refuses "
              "every HEAD with 405 before the server sees it");
}

// Answers that break the document come back from prism as errors, which fail the checks; this
// also fails a test on an error status the document does not list, which prism only logs.
void TestServe::cleanup()
{
    if (!m_proxy.isRunning())
        return;
    QStringList violations;
    QString error;
    QVERIFY2(m_proxy.takeLoggedViolations(&violations, &error), qPrintable(error));
    QVERIFY2(violations.isEmpty(), qPrintable(violations.join(u'\n')));
}

HttpResult TestServe::request(const QByteArray &verb, const QByteArray &pathAndQuery,
                              const QList<QNetworkReply::RawHeaderPair> &headers, quint16 port)
{
    const quint16 apiPort = m_proxy.isRunning() ? m_proxy.port() : m_server.port();
    const QByteArray base = "http://127.0.0.1:" + QByteArray::number(port ? port : apiPort);
    QNetworkRequest request(QUrl::fromEncoded(base + pathAndQuery, QUrl::StrictMode));
    request.setRawHeader("Authorization", m_authorization);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);

    QNetworkReply *reply = nullptr;
    if (verb == "GET")
        reply = m_network.get(request);
    else if (verb == "HEAD")
        reply = m_network.head(request);
    else
        reply = m_network.sendCustomRequest(request, verb);
    std::unique_ptr<QNetworkReply> owner(reply);

    HttpResult result;
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(10000))
        return result;

    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.headers = reply->rawHeaderPairs();
    result.json = QJsonDocument::fromJson(result.body).object();
    if (const QString broken = ContractProxy::violation(result.header("Content-Type"), result.body);
        !broken.isEmpty())
        qWarning("%s %s breaks docs/api.yaml: %s", verb.constData(), pathAndQuery.constData(),
                 qPrintable(broken));
    return result;
}

// Writes bytes on one fresh connection and reads until that many JSON answers have come back.
QByteArray TestServe::rawExchange(const QByteArray &bytes, int responses)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server.port());
    if (!socket.waitForConnected(5000))
        return {};
    socket.write(bytes);

    QByteArray received;
    while (received.count("HTTP/1.1 ") < responses || !received.endsWith("}")) {
        if (!socket.waitForReadyRead(5000))
            break;
        received += socket.readAll();
    }
    return received;
}

void TestServe::health()
{
    const HttpResult result = get("/api/v1/health");
    QCOMPARE(result.status, 200);
    QCOMPARE(result.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(result.json.value(u"status").toString(), u"ok"_qs);
    QCOMPARE(result.json.value(u"version").toString(), u"0.1.0"_qs);
    QCOMPARE(result.json.value(u"calls").toInteger(), qint64(TestCalls::all().size()));
}

void TestServe::callByCrnOrLegId_data()
{
    QTest::addColumn<QByteArray>("segment");
    QTest::addColumn<Call>("expected");

    QTest::newRow("crn") << QByteArray("1694023642.7") << TestCalls::c3();
    QTest::newRow("second leg id") << QByteArray("1694023659.13") << TestCalls::c3();
    QTest::newRow("stray spaces") << QByteArray("%20%201694023642.7%20") << TestCalls::c3();
    QTest::newRow("no-break space and tab")
        << QByteArray("%C2%A01694023642.7%09") << TestCalls::c3();
    QTest::newRow("full-width digits")
        << QUrl::toPercentEncoding(u"\uFF11\uFF16\uFF19\uFF14\uFF10\uFF12\uFF13\uFF16\uFF14"
                                   u"\uFF12\uFF0E\uFF17"_qs)
        << TestCalls::c3();
    QTest::newRow("at sign as is")
        << QByteArray("Asterisk-01-1362424276.2@blind-transfer") << TestCalls::c1();
    QTest::newRow("at sign encoded")
        << QByteArray("Asterisk-01-1362424276.2%40blind-transfer") << TestCalls::c1();
    QTest::newRow("en dashes") << QByteArray(
        "Asterisk%E2%80%9301%E2%80%931362424276.2@blind%E2%80%93transfer")
                               << TestCalls::c1();
    QTest::newRow("upper case") << QByteArray("ASTERISK-01-1362424276.2@BLIND-TRANSFER")
                                << TestCalls::c1();
    QTest::newRow("other leg, mixed case, spaces")
        << QByteArray("%20asterisk-01-1362424276.3%40Blind-Transfer%20") << TestCalls::c1();
    QTest::newRow("leg id with slash encoded")
        << QByteArray("sip%2FTRUNK-0000abcd") << TestCalls::c7();
    QTest::newRow("leg id with slash as is") << QByteArray("SIP/trunk-0000abcd") << TestCalls::c7();
    QTest::newRow("letters in the crn") << QByteArray("ca1234ABCD") << TestCalls::c7();
}

void TestServe::callByCrnOrLegId()
{
    QFETCH(QByteArray, segment);
    QFETCH(Call, expected);
    if (m_proxy.isRunning() && segment.contains('/'))
        QSKIP("the document's {crn} is one path segment, so prism finds no route for a leg id "
              "sent with its '/' as is; server/http/tst_serve checks that the server takes it");

    const HttpResult result = get("/api/v1/calls/" + segment);
    QCOMPARE(result.status, 200);
    QCOMPARE(result.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(result.json.value(u"crn").toString(), expected.crn());

    QString error;
    const std::optional<Call> call = CallJson::callFromJson(result.json, &error);
    QVERIFY2(call, qPrintable(error));
    QCOMPARE(call->summary, expected.summary);
    QCOMPARE(call->legs, expected.legs);
    QCOMPARE(call->participants, expected.participants);
    QCOMPARE(call->events, expected.events);
    QCOMPARE(call->segments, expected.segments);
    QCOMPARE(call->sources, expected.sources);
    // Spelled out once, so that a change in the codec cannot hide a change in the contract.
    QCOMPARE(result.json.value(u"duration").toDouble(),
             double(expected.summary.durationMicroseconds()) / 1e6);
    QCOMPARE(result.json.value(u"legs").toArray().size(), expected.legs.size());
    for (const char *key : { "crn", "start", "end", "duration", "direction", "caller",
                             "caller_name", "dialed", "queues", "agents", "outcome", "flag_count",
                             "legs", "participants", "events", "segments", "flags", "sources" })
        QVERIFY2(result.json.contains(QLatin1StringView(key)), key);
}

void TestServe::unknownCallIs404_data()
{
    QTest::addColumn<QByteArray>("segment");
    QTest::addColumn<QString>("named");

    QTest::newRow("unknown crn") << QByteArray("1694023642.99") << u"1694023642.99"_qs;
    QTest::newRow("prefix is not enough") << QByteArray("1694023642") << u"1694023642"_qs;
    QTest::newRow("only spaces") << QByteArray("%20%20") << u"  "_qs;
    QTest::newRow("en dash") << QByteArray("%E2%80%93") << u"\u2013"_qs;
}

void TestServe::unknownCallIs404()
{
    QFETCH(QByteArray, segment);
    QFETCH(QString, named);

    const HttpResult result = get("/api/v1/calls/" + segment);
    QCOMPARE(result.status, 404);
    QCOMPARE(result.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(result.errorCode(), u"not_found"_qs);
    QVERIFY2(result.errorMessage().contains(u'"' + named + u'"'),
             qPrintable(result.errorMessage()));
}

void TestServe::etagAndIfNoneMatch()
{
    const HttpResult first = get("/api/v1/calls/1694023642.7");
    QCOMPARE(first.status, 200);
    const QByteArray etag = first.header("ETag");
    QVERIFY2(etag.size() > 2 && etag.startsWith('"') && etag.endsWith('"'), etag.constData());
    QCOMPARE(first.header("Cache-Control"), QByteArray("no-cache"));

    const HttpResult again = get("/api/v1/calls/1694023642.7");
    QCOMPARE(again.header("ETag"), etag);

    const HttpResult notModified = get("/api/v1/calls/1694023642.7", { { "If-None-Match", etag } });
    QCOMPARE(notModified.status, 304);
    QVERIFY(notModified.body.isEmpty());
    QCOMPARE(notModified.header("ETag"), etag);

    // The same call asked for by its other leg is the same document.
    QCOMPARE(get("/api/v1/calls/1694023659.13", { { "If-None-Match", etag } }).status, 304);
    QCOMPARE(get("/api/v1/calls/1694023642.7", { { "If-None-Match", "\"a\", " + etag } }).status,
             304);
    QCOMPARE(get("/api/v1/calls/1694023642.7", { { "If-None-Match", "W/" + etag } }).status, 304);
    QCOMPARE(get("/api/v1/calls/1694023642.7", { { "If-None-Match", "*" } }).status, 304);
    QCOMPARE(get("/api/v1/calls/1694023642.7", { { "If-None-Match", "\"stale\"" } }).status, 200);
    QCOMPARE(get("/api/v1/calls/1694023700.20", { { "If-None-Match", etag } }).status, 200);

    // A changed call gets a new ETag, and the old one no longer matches.
    Call flagged = TestCalls::c3();
    flagged.flags.append({ u"timestamp_mismatch"_qs, u"CDR and CEL disagree by 2 s."_qs });
    flagged.summary.flagCount = 1;
    QVERIFY(m_store->saveCalls({ flagged }));
    const HttpResult changed = get("/api/v1/calls/1694023642.7", { { "If-None-Match", etag } });
    QCOMPARE(changed.status, 200);
    QVERIFY(changed.header("ETag") != etag);
    QCOMPARE(changed.json.value(u"flag_count").toInt(), 1);

    QVERIFY(m_store->saveCalls({ TestCalls::c3() }));
    QCOMPARE(get("/api/v1/calls/1694023642.7", { { "If-None-Match", etag } }).status, 304);
}

void TestServe::search_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QList<Call>>("expected");

    using namespace TestCalls;
    QTest::newRow("everything") << QByteArray()
                                << QList<Call> { c7(), c6(), c5(), c4(), c3(), c2(), c1() };
    QTest::newRow("empty values are absent")
        << QByteArray("q=&from=&to=&limit=&cursor=")
        << QList<Call> { c7(), c6(), c5(), c4(), c3(), c2(), c1() };
    QTest::newRow("crn prefix") << QByteArray("q=1694023") << QList<Call> { c4(), c3() };
    QTest::newRow("crn prefix, other case") << QByteArray("q=ASTERISK-01") << QList<Call> { c1() };
    QTest::newRow("whole crn") << QByteArray("q=1694023642.7") << QList<Call> { c3() };
    QTest::newRow("leg id") << QByteArray("q=1694023659.13") << QList<Call> { c3() };
    QTest::newRow("leg id with en dash")
        << QByteArray("q=asterisk%E2%80%9301%E2%80%931362424276.3") << QList<Call> { c1() };
    QTest::newRow("number digits") << QByteArray("q=4930") << QList<Call> { c6(), c2() };
    QTest::newRow("formatted number") << QByteArray("q=%2B49%2030") << QList<Call> { c6(), c2() };
    QTest::newRow("whole number") << QByteArray("q=%2B44%2020%207946%200000")
                                  << QList<Call> { c4() };
    QTest::newRow("dialed number") << QByteArray("q=91002") << QList<Call> { c5(), c2() };
    QTest::newRow("agent") << QByteArray("q=operator") << QList<Call> { c4(), c3() };
    QTest::newRow("agent prefix, other case") << QByteArray("q=BO") << QList<Call> { c5(), c2() };
    // A name with a space, searched the way the console sends it and with the space kept.
    QTest::newRow("agent with a space") << QByteArray("q=Carol%20Ann") << QList<Call> { c6() };
    QTest::newRow("agent without the space") << QByteArray("q=carolann") << QList<Call> { c6() };
    QTest::newRow("queue") << QByteArray("q=support") << QList<Call> { c4(), c3() };
    QTest::newRow("queue, other case") << QByteArray("q=SALES") << QList<Call> { c5(), c2() };
    QTest::newRow("nothing matches") << QByteArray("q=zzz") << QList<Call> {};
    QTest::newRow("from and to") << QByteArray("from=2023-09-06T18:00:00Z&to=2023-09-07T00:00:00Z")
                                 << QList<Call> { c5(), c4(), c3() };
    QTest::newRow("from is inclusive, to exclusive")
        << QByteArray("from=2023-09-06T18:07:22.626751Z&to=2023-09-06T19:03:20Z")
        << QList<Call> { c4(), c3() };
    QTest::newRow("only from") << QByteArray("from=2023-09-07T18:06:40Z")
                               << QList<Call> { c7(), c6() };
    QTest::newRow("only to") << QByteArray("to=2023-09-06T17:06:40.000001Z")
                             << QList<Call> { c2(), c1() };
    QTest::newRow("zone offset") << QByteArray(
        "from=2023-09-06T20:00:00%2B02:00&to=2023-09-06%2021:00:00%2B02:00")
                                 << QList<Call> { c4(), c3() };
    QTest::newRow("q with from") << QByteArray("q=operator&from=2023-09-06T18:08:00Z")
                                 << QList<Call> { c4() };
    QTest::newRow("unknown parameter ignored")
        << QByteArray("foo=bar&q=bob&x") << QList<Call> { c5(), c2() };
}

void TestServe::search()
{
    QFETCH(QByteArray, query);
    QFETCH(QList<Call>, expected);
    if (m_proxy.isRunning() && query.contains("%20"))
        QSKIP("prism forwards the query re-encoded as a form, a space as '+', which this API "
              "takes as a plus sign (see q in docs/api.yaml); server/http/tst_serve runs it");

    const HttpResult result = get("/api/v1/calls?" + query);
    QCOMPARE(result.status, 200);
    QCOMPARE(result.header("Content-Type"), QByteArray("application/json"));
    const QJsonArray calls = result.json.value(u"calls").toArray();
    QCOMPARE(crnsOf(calls), crnsOf(expected));
    QVERIFY(result.json.contains(u"next_cursor"));
    QVERIFY(result.json.value(u"next_cursor").isNull());

    for (qsizetype i = 0; i < calls.size(); ++i) {
        QString error;
        const auto summary = CallJson::summaryFromJson(calls.at(i).toObject(), &error);
        QVERIFY2(summary, qPrintable(error));
        QCOMPARE(*summary, expected.at(i).summary);
    }
}

void TestServe::pagingVisitsEveryCallOnce_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<int>("limit");
    QTest::addColumn<QList<Call>>("expected");

    using namespace TestCalls;
    QTest::newRow("all, 3 a page")
        << QByteArray() << 3 << QList<Call> { c7(), c6(), c5(), c4(), c3(), c2(), c1() };
    QTest::newRow("all, 7 a page")
        << QByteArray() << 7 << QList<Call> { c7(), c6(), c5(), c4(), c3(), c2(), c1() };
    QTest::newRow("queue sales, 1 a page")
        << QByteArray("q=sales&") << 1 << QList<Call> { c5(), c2() };
    QTest::newRow("a day, 2 a page")
        << QByteArray("from=2023-09-06T00:00:00Z&to=2023-09-07T00:00:00Z&") << 2
        << QList<Call> { c5(), c4(), c3(), c2() };
}

void TestServe::pagingVisitsEveryCallOnce()
{
    QFETCH(QByteArray, query);
    QFETCH(int, limit);
    QFETCH(QList<Call>, expected);

    QStringList seen;
    QByteArray cursor;
    int pages = 0;
    do {
        QByteArray url = "/api/v1/calls?" + query + "limit=" + QByteArray::number(limit);
        if (!cursor.isEmpty())
            url += "&cursor=" + QUrl::toPercentEncoding(QString::fromUtf8(cursor));
        const HttpResult page = get(url);
        QCOMPARE(page.status, 200);
        const QJsonArray calls = page.json.value(u"calls").toArray();
        QVERIFY(!calls.isEmpty());
        QVERIFY(calls.size() <= limit);
        seen += crnsOf(calls);
        const QJsonValue next = page.json.value(u"next_cursor");
        QVERIFY(next.isNull() || (next.isString() && !next.toString().isEmpty()));
        cursor = next.toString().toUtf8();
        ++pages;
        QVERIFY(pages <= expected.size());
    } while (!cursor.isEmpty());

    // Newest first, every call exactly once, across (n + limit - 1) / limit pages. A last
    // page that is exactly full may be followed by one empty page, which the loop refuses.
    QCOMPARE(seen, crnsOf(expected));
    QCOMPARE(pages, (int(expected.size()) + limit - 1) / limit);
}

void TestServe::badQueryIs400_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QString>("parameter");

    QTest::newRow("from is a word") << QByteArray("from=yesterday") << u"from"_qs;
    QTest::newRow("from has month 13") << QByteArray("from=2023-13-01T00:00:00Z") << u"from"_qs;
    QTest::newRow("from is a date only") << QByteArray("from=2023-09-06") << u"from"_qs;
    QTest::newRow("from is epoch seconds") << QByteArray("from=1694023642") << u"from"_qs;
    QTest::newRow("to is February 30") << QByteArray("to=2023-02-30T00:00:00Z") << u"to"_qs;
    QTest::newRow("to before from")
        << QByteArray("from=2023-09-07T00:00:00Z&to=2023-09-06T00:00:00Z") << u"to"_qs;
    QTest::newRow("to equals from")
        << QByteArray("from=2023-09-07T00:00:00Z&to=2023-09-07T00:00:00Z") << u"to"_qs;
    QTest::newRow("limit 0") << QByteArray("limit=0") << u"limit"_qs;
    QTest::newRow("limit 501") << QByteArray("limit=501") << u"limit"_qs;
    QTest::newRow("limit x") << QByteArray("limit=x") << u"limit"_qs;
    QTest::newRow("limit -1") << QByteArray("limit=-1") << u"limit"_qs;
    QTest::newRow("limit 1.5") << QByteArray("limit=1.5") << u"limit"_qs;
    QTest::newRow("limit with sign") << QByteArray("limit=%2B5") << u"limit"_qs;
    QTest::newRow("limit with space") << QByteArray("limit=%205") << u"limit"_qs;
    QTest::newRow("limit huge") << QByteArray("limit=99999999999999999999") << u"limit"_qs;
    QTest::newRow("cursor made up") << QByteArray("cursor=not-a-cursor") << u"cursor"_qs;
    QTest::newRow("cursor not base64") << QByteArray("cursor=!!!") << u"cursor"_qs;
    QTest::newRow("q twice") << QByteArray("q=bob&q=alice") << u"q"_qs;
    QTest::newRow("limit twice") << QByteArray("limit=5&limit=5") << u"limit"_qs;
}

void TestServe::badQueryIs400()
{
    QFETCH(QByteArray, query);
    QFETCH(QString, parameter);

    const HttpResult result = get("/api/v1/calls?" + query);
    if (const QByteArray refused = refusedByProxy(result); !refused.isEmpty()) {
        QVERIFY2(refused.contains(QByteArray("query." + parameter.toUtf8() + ' ')),
                 refused.constData());
        QSKIP(refused.constData());
    }
    QCOMPARE(result.status, 400);
    QCOMPARE(result.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(result.errorCode(), u"bad_request"_qs);
    QVERIFY2(result.errorMessage().contains(u'"' + parameter + u'"'),
             qPrintable(result.errorMessage()));
}

void TestServe::wrongMethodIs405_data()
{
    QTest::addColumn<QByteArray>("verb");
    QTest::addColumn<QByteArray>("path");

    QTest::newRow("POST calls") << QByteArray("POST") << QByteArray("/api/v1/calls");
    QTest::newRow("DELETE a call")
        << QByteArray("DELETE") << QByteArray("/api/v1/calls/1694023642.7");
    QTest::newRow("PUT an unknown call") << QByteArray("PUT") << QByteArray("/api/v1/calls/nope");
    QTest::newRow("PATCH health") << QByteArray("PATCH") << QByteArray("/api/v1/health");
    QTest::newRow("OPTIONS health") << QByteArray("OPTIONS") << QByteArray("/api/v1/health");
}

void TestServe::wrongMethodIs405()
{
    QFETCH(QByteArray, verb);
    QFETCH(QByteArray, path);

    const HttpResult result = request(verb, path);
    if (const QByteArray refused = refusedByProxy(result); !refused.isEmpty())
        QSKIP(refused.constData());
    QCOMPARE(result.status, 405);
    QCOMPARE(result.header("Allow"), QByteArray("GET, HEAD"));
    QCOMPARE(result.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(result.errorCode(), u"method_not_allowed"_qs);
    QVERIFY(!result.errorMessage().isEmpty());

    // Nothing was changed by it.
    QCOMPARE(get("/api/v1/calls/1694023642.7").status, 200);
}

void TestServe::unknownPathIs404_data()
{
    QTest::addColumn<QByteArray>("verb");
    QTest::addColumn<QByteArray>("path");

    QTest::newRow("root") << QByteArray("GET") << QByteArray("/");
    QTest::newRow("api without version") << QByteArray("GET") << QByteArray("/api");
    QTest::newRow("another version") << QByteArray("GET") << QByteArray("/api/v2/health");
    QTest::newRow("empty crn") << QByteArray("GET") << QByteArray("/api/v1/calls/");
    QTest::newRow("below health") << QByteArray("GET") << QByteArray("/api/v1/health/x");
    QTest::newRow("other case") << QByteArray("GET") << QByteArray("/API/V1/HEALTH");
    QTest::newRow("POST elsewhere") << QByteArray("POST") << QByteArray("/api/v1/upload");
}

void TestServe::unknownPathIs404()
{
    QFETCH(QByteArray, verb);
    QFETCH(QByteArray, path);

    const HttpResult result = request(verb, path);
    if (const QByteArray refused = refusedByProxy(result); !refused.isEmpty())
        QSKIP(refused.constData());
    QCOMPARE(result.status, 404);
    QCOMPARE(result.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(result.errorCode(), u"not_found"_qs);
    QVERIFY(!result.errorMessage().isEmpty());
}

void TestServe::headHasHeadersWithoutBody_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<int>("status");

    QTest::newRow("call") << QByteArray("/api/v1/calls/1694023642.7") << 200;
    QTest::newRow("search") << QByteArray("/api/v1/calls?q=operator") << 200;
    QTest::newRow("health") << QByteArray("/api/v1/health") << 200;
    QTest::newRow("unknown call") << QByteArray("/api/v1/calls/nope") << 404;
    QTest::newRow("bad query") << QByteArray("/api/v1/calls?limit=0") << 400;
    QTest::newRow("unknown path") << QByteArray("/nowhere") << 404;
}

void TestServe::headHasHeadersWithoutBody()
{
    QFETCH(QByteArray, path);
    QFETCH(int, status);

    const HttpResult getResult = get(path);
    const HttpResult head = request("HEAD", path);
    QCOMPARE(getResult.status, status);
    QCOMPARE(head.status, status);
    QVERIFY(head.body.isEmpty());
    QCOMPARE(head.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(head.header("Content-Length"), QByteArray::number(getResult.body.size()));
    QCOMPARE(head.header("ETag"), getResult.header("ETag"));
}

// QNetworkAccessManager drops whatever follows the headers of a HEAD answer, so the bytes on
// the wire are read here: a HEAD answer followed by a second answer on the same connection.
void TestServe::headSendsNoBodyBytes()
{
    const QByteArray head = "HEAD /api/v1/calls/1694023642.7 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            "Authorization: "
        + m_authorization + "\r\n\r\n";
    const QByteArray health = "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server.port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write(head);
    QByteArray received;
    while (!received.contains("\r\n\r\n")) {
        QVERIFY(socket.waitForReadyRead(5000));
        received += socket.readAll();
    }

    // Whatever a buggy server sent after the HEAD headers is on the socket before this answer.
    socket.write(health);
    while (!received.endsWith("}")) {
        QVERIFY2(socket.waitForReadyRead(5000), received.constData());
        received += socket.readAll();
    }

    const qsizetype headersEnd = received.indexOf("\r\n\r\n") + 4;
    QVERIFY2(received.startsWith("HTTP/1.1 200 "), received.constData());
    QVERIFY2(received.mid(headersEnd).startsWith("HTTP/1.1 200 "), received.constData());
    QVERIFY(received.left(headersEnd).contains("Content-Length: "));
    QVERIFY(received.mid(headersEnd).contains("\"status\":\"ok\""));
}

void TestServe::keepsOneConnectionForManyRequests()
{
    QByteArray requests;
    for (int i = 0; i < 3; ++i)
        requests += "GET /api/v1/calls/1694023642.7 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
            + m_authorization + "\r\n\r\n";
    const QByteArray received = rawExchange(requests, 3);
    QCOMPARE(received.count("HTTP/1.1 200 OK\r\n"), 3);
}

void TestServe::stopsCleanlyOnSignal_data()
{
    QTest::addColumn<int>("signalNumber");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
}

void TestServe::stopsCleanlyOnSignal()
{
    QFETCH(int, signalNumber);

    ServerProcess server;
    QString error;
    QVERIFY2(
        server.start({ u"serve"_qs, u"--db"_qs, m_databasePath, u"--listen"_qs, u"127.0.0.1:0"_qs },
                     &error),
        qPrintable(error));
    QCOMPARE(request("GET", "/api/v1/health", {}, server.port()).status, 200);

    QVERIFY(::kill(pid_t(server.process().processId()), signalNumber) == 0);
    QVERIFY(server.process().waitForFinished(10000));
    QCOMPARE(server.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(server.process().exitCode(), 0);
}

void TestServe::refusesTakenPort()
{
    const QString listen = u"127.0.0.1:"_qs + QString::number(m_server.port());
    QProcess second;
    second.start(kServerBinary,
                 { u"serve"_qs, u"--db"_qs, m_databasePath, u"--listen"_qs, listen });
    QVERIFY(second.waitForFinished(10000));
    QCOMPARE(second.exitStatus(), QProcess::NormalExit);
    QCOMPARE(second.exitCode(), 1);
    QVERIFY(second.readAllStandardOutput().isEmpty());
    const QString message = QString::fromUtf8(second.readAllStandardError());
    QVERIFY2(message.contains(u"cannot listen on "_qs + listen), qPrintable(message));

    // The first server still answers.
    QCOMPARE(get("/api/v1/health").status, 200);
}

void TestServe::refusesMissingOrDamagedDatabase_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QByteArray>("content"); // written first unless empty

    QTest::newRow("missing folder") << u"no/such/folder/calls.db"_qs << QByteArray();
    QTest::newRow("missing file") << u"missing.db"_qs << QByteArray();
    QTest::newRow("not a database")
        << u"text.db"_qs << QByteArray("this is a text file, not SQLite\n").repeated(200);
}

void TestServe::refusesMissingOrDamagedDatabase()
{
    QFETCH(QString, fileName);
    QFETCH(QByteArray, content);
    if (TestDatabase::isPostgreSQL())
        QSKIP("about SQLite files; refusesUnreachablePostgreSQL is its PostgreSQL side");

    const QString path = m_dir.filePath(fileName);
    if (!content.isEmpty()) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }

    QProcess server;
    server.start(kServerBinary,
                 { u"serve"_qs, u"--db"_qs, path, u"--listen"_qs, u"127.0.0.1:0"_qs });
    QVERIFY(server.waitForFinished(10000));
    QCOMPARE(server.exitStatus(), QProcess::NormalExit);
    QCOMPARE(server.exitCode(), 1);
    QVERIFY(server.readAllStandardOutput().isEmpty());
    // The store may log its own warning first; the last line is the command's sentence.
    const QStringList lines
        = QString::fromUtf8(server.readAllStandardError()).split(u'\n', Qt::SkipEmptyParts);
    QVERIFY(!lines.isEmpty());
    const QString message = lines.constLast();
    QVERIFY2(message.startsWith(u"crn-server: "_qs), qPrintable(message));
    QVERIFY2(message.contains(u"database"_qs), qPrintable(message));
    if (content.isEmpty())
        QVERIFY2(message.contains(path), qPrintable(message));
}

void TestServe::refusesUnreachablePostgreSQL_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("expected"); // in the last line of stderr

    // Nothing listens on a port a probe just gave back.
    quint16 closedPort = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        closedPort = probe.serverPort();
    }
    QTest::newRow("refused connection")
        << QStringLiteral("postgresql://crn:s3cret-word@127.0.0.1:%1/calls").arg(closedPort)
        << QStringLiteral("Cannot connect to the PostgreSQL database calls on 127.0.0.1:%1")
               .arg(closedPort);
    QTest::newRow("malformed port") << u"postgresql://crn:s3cret-word@127.0.0.1:port/calls"_qs
                                    << u"The database URL is malformed"_qs;
    QTest::newRow("no database") << u"postgres://crn:s3cret-word@127.0.0.1:5432/"_qs
                                 << u"The database URL names no database"_qs;
    // Against the test's own cluster, only on the PostgreSQL run (which starts one).
    if (TestDatabase::isPostgreSQL()) {
        const QString missing = TestDatabase::missingDatabaseAddress();
        QTest::newRow("database missing")
            << missing << u"Cannot connect to the PostgreSQL database crn_no_such_database"_qs;
        QUrl wrongPassword(missing);
        wrongPassword.setPassword(u"s3cret-word"_qs);
        QTest::newRow("wrong password")
            << wrongPassword.toString()
            << u"Cannot connect to the PostgreSQL database crn_no_such_database"_qs;
    }
}

// A server that cannot reach its PostgreSQL says so in one sentence, naming host and port but
// never the password, and exits with 1 (2 for a URL it cannot read, as for other bad usage).
void TestServe::refusesUnreachablePostgreSQL()
{
    QFETCH(QString, address);
    QFETCH(QString, expected);

    QProcess server;
    server.start(kServerBinary,
                 { u"serve"_qs, u"--db"_qs, address, u"--listen"_qs, u"127.0.0.1:0"_qs });
    QVERIFY(server.waitForFinished(30000));
    QCOMPARE(server.exitStatus(), QProcess::NormalExit);
    const bool malformed = !expected.startsWith(u"Cannot connect"_qs);
    QCOMPARE(server.exitCode(), malformed ? 2 : 1);
    QVERIFY(server.readAllStandardOutput().isEmpty());
    const QString errors = QString::fromUtf8(server.readAllStandardError());
    QVERIFY2(errors.contains(expected), qPrintable(errors));
    QVERIFY2(!errors.contains(u"s3cret-word"_qs), qPrintable(errors));
    const QString password = QUrl(address).password();
    if (!password.isEmpty())
        QVERIFY2(!errors.contains(password), qPrintable(errors));
}

void TestServe::rejectsBadArguments_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");

    QTest::newRow("no --db") << QStringList { u"serve"_qs } << 2;
    QTest::newRow("no thread") << QStringList { u"serve"_qs, u"--db"_qs, u"x.db"_qs,
                                                u"--threads"_qs, u"0"_qs }
                               << 2;
    QTest::newRow("threads not a number")
        << QStringList { u"serve"_qs, u"--db"_qs, u"x.db"_qs, u"--threads=two"_qs } << 2;
    QTest::newRow("--db without a value") << QStringList { u"serve"_qs, u"--db"_qs } << 2;
    QTest::newRow("listen without port")
        << QStringList { u"serve"_qs, u"--db"_qs, u"x.db"_qs, u"--listen"_qs, u"127.0.0.1"_qs }
        << 2;
    QTest::newRow("listen port too big") << QStringList { u"serve"_qs, u"--db"_qs, u"x.db"_qs,
                                                          u"--listen"_qs, u"127.0.0.1:65536"_qs }
                                         << 2;
    QTest::newRow("listen host is a name")
        << QStringList { u"serve"_qs, u"--db"_qs, u"x.db"_qs, u"--listen"_qs, u"example:80"_qs }
        << 2;
    QTest::newRow("stray argument")
        << QStringList { u"serve"_qs, u"--db"_qs, u"x.db"_qs, u"extra"_qs } << 2;
    QTest::newRow("help") << QStringList { u"serve"_qs, u"--help"_qs } << 0;
}

void TestServe::rejectsBadArguments()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);

    QProcess server;
    server.start(kServerBinary, arguments);
    QVERIFY(server.waitForFinished(10000));
    QCOMPARE(server.exitCode(), exitCode);
    const QByteArray usage
        = exitCode == 0 ? server.readAllStandardOutput() : server.readAllStandardError();
    QVERIFY2(usage.contains("crn-server serve --db FILE"), usage.constData());
}

// SOURCES.md: the switchboard sample imports as one call with CRN 1694023642.7, and the
// operator's second channel 1694023659.13 belongs to it rather than being a call of its own.
void TestServe::importedSampleAnswersByLegId()
{
    const QString samples = qEnvironmentVariable("CRN_SAMPLES_DIR");
    if (samples.isEmpty() || !QDir(samples).exists())
        QSKIP("CRN_SAMPLES_DIR does not name the shared samples folder");

    const QString databasePath = TestDatabase::address(m_dir.filePath(u"samples.db"_qs));
    QProcess import;
    import.start(kServerBinary, { u"import"_qs, u"--db"_qs, databasePath, samples });
    QVERIFY(import.waitForFinished(240000));
    QVERIFY2(import.exitStatus() == QProcess::NormalExit && import.exitCode() == 0,
             import.readAllStandardError().constData());

    // That database has users of its own.
    QString error;
    QByteArray token;
    QVERIFY2(TestServer::addUser(databasePath, u"tester"_qs, Role::Supervisor, {}, &token, &error),
             qPrintable(error));
    const QByteArray authorization = std::exchange(m_authorization, "Bearer " + token);
    const auto restore = qScopeGuard([&] { m_authorization = authorization; });

    ServerProcess server;
    QVERIFY2(
        server.start({ u"serve"_qs, u"--db"_qs, databasePath, u"--listen"_qs, u"127.0.0.1:0"_qs },
                     &error),
        qPrintable(error));

    const HttpResult byLeg = request("GET", "/api/v1/calls/1694023659.13", {}, server.port());
    QCOMPARE(byLeg.status, 200);
    QCOMPARE(byLeg.json.value(u"crn").toString(), u"1694023642.7"_qs);

    const HttpResult byCrn = request("GET", "/api/v1/calls/1694023642.7", {}, server.port());
    QCOMPARE(byCrn.status, 200);
    QCOMPARE(byCrn.json, byLeg.json);

    const HttpResult search = request("GET", "/api/v1/calls?q=1694023659.13", {}, server.port());
    QCOMPARE(search.status, 200);
    QCOMPARE(crnsOf(search.json.value(u"calls").toArray()), QStringList { u"1694023642.7"_qs });
}

// serve --threads 4: four threads answer, each with its own connection; eight connections at
// once, ten pipelined requests each, all get the call; and every one of the 80 views is in the
// audit log when it is read right after the last answer, whichever thread recorded it.
void TestServe::answersOnSeveralThreads()
{
    constexpr int kThreads = 4;
    constexpr int kConnections = 8;
    constexpr int kRequests = 10;
    QString error;
    QByteArray viewer;
    QByteArray auditor;
    QVERIFY2(
        TestServer::addUser(m_databasePath, u"threaded"_qs, Role::Supervisor, {}, &viewer, &error),
        qPrintable(error));
    QVERIFY2(TestServer::addUser(m_databasePath, u"threads-auditor"_qs, Role::Auditor, {}, &auditor,
                                 &error),
             qPrintable(error));
    ServerProcess server;
    QVERIFY2(server.start({ u"serve"_qs, u"--db"_qs, m_databasePath, u"--listen"_qs,
                            u"127.0.0.1:0"_qs, u"--threads"_qs, QString::number(kThreads) },
                          &error),
             qPrintable(error));
    const qint64 pid = server.process().processId();
    const QDir tasks(u"/proc/"_qs + QString::number(pid) + u"/task"_qs);
    QVERIFY(tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot).size() >= kThreads);

    const HttpResult expected = get("/api/v1/calls/1694023642.7");
    QCOMPARE(expected.status, 200);
    QByteArray requests;
    for (int i = 0; i < kRequests; ++i)
        requests += "GET /api/v1/calls/1694023642.7 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    "Authorization: Bearer "
            + viewer + "\r\n\r\n";
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    for (int i = 0; i < kConnections; ++i) {
        sockets.push_back(std::make_unique<QTcpSocket>());
        sockets.back()->connectToHost(QHostAddress::LocalHost, server.port());
    }
    for (const auto &socket : sockets) {
        QVERIFY(socket->waitForConnected(5000));
        socket->write(requests);
    }
    for (const auto &socket : sockets) {
        QByteArray received;
        while (received.count("HTTP/1.1 ") < kRequests || !received.endsWith("}")) {
            if (!socket->waitForReadyRead(10000))
                break;
            received += socket->readAll();
        }
        QCOMPARE(received.count("HTTP/1.1 200 OK\r\n"), kRequests);
        QCOMPARE(received.count(expected.body), kRequests);
        QCOMPARE(received.count(QByteArray("ETag: " + expected.header("ETag"))), kRequests);
    }

    QNetworkRequest audit(QUrl(u"http://127.0.0.1:"_qs + QString::number(server.port())
                               + u"/api/v1/audit?user=threaded&action=call_viewed&limit=500"_qs));
    audit.setRawHeader("Authorization", "Bearer " + auditor);
    std::unique_ptr<QNetworkReply> reply(m_network.get(audit));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    QVERIFY(reply->isFinished() || finished.wait(10000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    const QJsonArray entries
        = QJsonDocument::fromJson(reply->readAll()).object().value(u"entries").toArray();
    QCOMPARE(entries.size(), kConnections * kRequests);

    // It stops as one process: every thread ends on SIGTERM.
    server.process().terminate();
    QVERIFY(server.process().waitForFinished(10000));
    QCOMPARE(server.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(server.process().exitCode(), 0);
}

QTEST_MAIN(TestServe)
#include "tst_serve.moc"
