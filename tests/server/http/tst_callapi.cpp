// CallApi in-process, on a real QHttpServer and SQLite, through raw sockets: malformed query
// strings and paths, database failures and the request log. tst_serve covers the contract
// against the real crn-server process.

#include "access/apirouter.h"
#include "access/authenticator.h"
#include "access/userstore.h"
#include "http/callapi.h"
#include "store/callstore.h"
#include "testcalls.h"

#include <QHttpServer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include <memory>

namespace {

struct RawResponse
{
    int status = 0;
    QByteArray head; // status line and headers
    QByteArray body;
    QJsonObject json;

    QString errorCode() const { return json.value(u"error").toObject().value(u"code").toString(); }
};

// Messages of the crn.server category, collected while a test runs.
QStringList g_serverLog;
QtMessageHandler g_previousHandler = nullptr;

void collectServerLog(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (context.category && qstrcmp(context.category, "crn.server") == 0)
        g_serverLog.append(message);
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

} // namespace

class TestCallApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void garbageQueryIs200Or400_data();
    void garbageQueryIs200Or400();
    void garbagePathIs200Or404_data();
    void garbagePathIs200Or404();
    void answersWithoutServer();
    void logsOneLinePerRequestWithoutQuery();
    void damagedDocumentIs503();
    void missingTablesAre503();

private:
    // Sends raw bytes on a fresh connection and runs the event loop until a whole answer is in.
    bool exchange(const QByteArray &bytes, RawResponse *response);
    bool get(const QByteArray &target, RawResponse *response)
    {
        return exchange("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                            + m_token + "\r\n\r\n",
                        response);
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<CallStore> m_store;
    std::unique_ptr<UserStore> m_users;
    std::unique_ptr<Authenticator> m_authenticator;
    QByteArray m_token; // a supervisor's
    std::unique_ptr<CallApi> m_api;
    std::unique_ptr<QHttpServer> m_server;
    std::unique_ptr<ApiRouter> m_router;
    quint16 m_port = 0;
};

void TestCallApi::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QString error;
    m_store = CallStore::open(m_dir->filePath(u"calls.db"_qs), &error);
    QVERIFY2(m_store, qPrintable(error));
    QVERIFY(m_store->saveCalls({ TestCalls::c3(), TestCalls::c4() }));

    m_users = std::make_unique<UserStore>(m_store->database());
    QVERIFY2(m_users->migrate(&error), qPrintable(error));
    const std::optional<QByteArray> token
        = m_users->addUser(u"tester"_qs, Role::Supervisor, {}, UserStore::AddMode::New, &error);
    QVERIFY2(token, qPrintable(error));
    m_token = *token;
    m_authenticator = std::make_unique<Authenticator>(m_users.get());

    m_api = std::make_unique<CallApi>(m_store.get(), u"0.1.0"_qs);
    m_server = std::make_unique<QHttpServer>();
    m_router = std::make_unique<ApiRouter>(m_server.get(), m_authenticator.get());
    m_api->registerRoutes(m_router.get());
    auto *tcpServer = new QTcpServer(m_server.get());
    QVERIFY(tcpServer->listen(QHostAddress::LocalHost, 0));
    m_server->bind(tcpServer);
    m_port = tcpServer->serverPort();
}

void TestCallApi::cleanup()
{
    m_server.reset();
    m_router.reset();
    m_api.reset();
    m_authenticator.reset();
    m_users.reset();
    m_store.reset();
    m_dir.reset();
}

bool TestCallApi::exchange(const QByteArray &bytes, RawResponse *response)
{
    QTcpSocket socket;
    QSignalSpy readyRead(&socket, &QTcpSocket::readyRead);
    socket.connectToHost(QHostAddress::LocalHost, m_port);
    // The kernel completes the handshake; the server in this thread accepts it later.
    if (!socket.waitForConnected(5000))
        return false;
    socket.write(bytes);

    QByteArray received;
    static const QRegularExpression lengthHeader(u"\r\nContent-Length: (\\d+)\r\n"_qs,
                                                 QRegularExpression::CaseInsensitiveOption);
    for (;;) {
        const qsizetype headEnd = received.indexOf("\r\n\r\n");
        if (headEnd >= 0) {
            const QByteArray head = received.left(headEnd + 2);
            const auto match = lengthHeader.match(QString::fromLatin1(head));
            const qsizetype length = match.hasMatch() ? match.captured(1).toLongLong() : 0;
            if (received.size() >= headEnd + 4 + length) {
                response->head = head;
                response->body = received.mid(headEnd + 4, length);
                break;
            }
        }
        if (!readyRead.wait(5000))
            return false;
        received += socket.readAll();
    }

    const QList<QByteArray> statusLine
        = response->head.left(response->head.indexOf("\r\n")).split(' ');
    response->status = statusLine.size() >= 2 ? statusLine.at(1).toInt() : 0;
    response->json = QJsonDocument::fromJson(response->body).object();
    return true;
}

void TestCallApi::garbageQueryIs200Or400_data()
{
    QTest::addColumn<QByteArray>("query");

    const QList<std::pair<const char *, QByteArray>> rows = {
        { "lone percent", "%" },
        { "percents", "%%%" },
        { "bad escape", "%zz" },
        { "q lone percent", "q=%" },
        { "q half escape", "q=%F" },
        { "q invalid utf-8", "q=%FF%FE" },
        { "q nul", "q=%00" },
        { "q overlong utf-8", "q=%C0%80" },
        { "q lone surrogate", "q=%ED%A0%80" },
        { "q zero-width space only", "q=%E2%80%8B" },
        { "q carriage return", "q=%0D%0A" },
        { "q sql", "q='%20OR%201=1--" },
        { "q like wildcards", "q=%25_%25" },
        { "q backslash", "q=%5C%5C" },
        { "q plus signs", "q=+++" },
        { "q brackets", "q=(((" },
        // Bytes a client should have percent-encoded, sent as they are.
        { "q raw utf-8", "q=\xC3\xA9" },
        { "q raw invalid utf-8", "q=\xFF\xFE" },
        { "q raw delete", "q=\x7F" },
        { "q raw tab", "q=a\tb" },
        { "q raw fragment", "q=a#b" },
        { "q raw specials", "q={}|^`\"<>" },
        { "q percent-u", "q=%u0041" },
        { "q long", "q=" + QByteArray(4000, 'a') },
        { "q long digits", "q=" + QByteArray(4000, '7') },
        { "q many escapes", "q=" + QByteArray("%25").repeated(1000) },
        { "equals only", "=" },
        { "ampersands", "&&&" },
        { "equals and ampersands", "==&==" },
        { "semicolons", ";;;" },
        { "semicolon separated", "q=1;limit=0" },
        { "name without value", "q" },
        { "array names", "a[]=1&b[x]=2" },
        { "encoded name", "%71=1" },
        { "limit empty name", "limit" },
        { "limit plus", "limit=%2B5" },
        { "limit minus zero", "limit=-0" },
        { "limit hex", "limit=0x10" },
        { "limit exponent", "limit=1e2" },
        { "limit full-width", "limit=%EF%BC%95" },
        { "limit overflow", "limit=99999999999999999999" },
        { "limit twice", "limit=500&limit=1" },
        { "from nul", "from=%00" },
        { "from year 9999", "from=9999-12-31T23:59:59Z" },
        { "from year 1", "from=0001-01-01T00:00:00Z" },
        { "from year 0", "from=0000-01-01T00:00:00Z" },
        { "from hour 24", "from=2023-09-06T24:00:00Z" },
        { "from ten fraction digits", "from=2023-09-06T18:07:22.1234567890Z" },
        { "from zone 99", "from=2023-09-06T18:07:22%2B99:99" },
        { "from arabic digits", "from=%D9%A2%D9%A0%D9%A2%D9%A3-01-01T00:00:00Z" },
        { "to negative year", "to=-2023-01-01T00:00:00Z" },
        { "cursor invalid latin-1", "cursor=%FF" },
        { "cursor newline only", "cursor=Cg" },
        { "cursor no key", "cursor=MTIzCg" },
        { "cursor negative time", "cursor=LTEKeA" },
        { "cursor huge number", "cursor=OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTkKeA" },
        { "cursor padding", "cursor=====" },
        { "cursor long", "cursor=" + QByteArray(4000, 'A') },
        { "everything at once", "q=%FF&from=x&to=y&limit=z&cursor=%00" },
    };
    for (const auto &[name, query] : rows)
        QTest::newRow(name) << query;
}

void TestCallApi::garbageQueryIs200Or400()
{
    QFETCH(QByteArray, query);

    RawResponse response;
    QVERIFY2(get("/api/v1/calls?" + query, &response), "no whole answer within 5 s");
    QVERIFY2(response.status == 200 || response.status == 400, response.head.constData());
    QVERIFY(response.head.contains("\r\nContent-Type: application/json\r\n"));
    if (response.status == 400)
        QCOMPARE(response.errorCode(), u"bad_request"_qs);
    else
        QVERIFY(response.json.value(u"calls").isArray());

    // The server is still there.
    QVERIFY(get("/api/v1/health", &response));
    QCOMPARE(response.status, 200);
}

void TestCallApi::garbagePathIs200Or404_data()
{
    QTest::addColumn<QByteArray>("path");

    QTest::newRow("lone percent") << QByteArray("/api/v1/calls/%");
    QTest::newRow("nul") << QByteArray("/api/v1/calls/%00");
    QTest::newRow("invalid utf-8") << QByteArray("/api/v1/calls/%FF%FE");
    QTest::newRow("dot segments") << QByteArray("/api/v1/calls/..%2F..%2Fetc%2Fpasswd");
    QTest::newRow("dots") << QByteArray("/api/v1/calls/../../health");
    QTest::newRow("newline") << QByteArray("/api/v1/calls/1694023642.7%0A");
    QTest::newRow("long") << "/api/v1/calls/" + QByteArray(4000, '9');
    QTest::newRow("double slash") << QByteArray("/api/v1/calls//1694023642.7");
    QTest::newRow("question mark encoded") << QByteArray("/api/v1/calls/1694023642.7%3F");
    QTest::newRow("found, query ignored") << QByteArray("/api/v1/calls/1694023642.7?limit=0");
}

void TestCallApi::garbagePathIs200Or404()
{
    QFETCH(QByteArray, path);

    RawResponse response;
    QVERIFY2(get(path, &response), "no whole answer within 5 s");
    QVERIFY2(response.status == 200 || response.status == 404, response.head.constData());
    QVERIFY(response.head.contains("\r\nContent-Type: application/json\r\n"));
    if (response.status == 404)
        QCOMPARE(response.errorCode(), u"not_found"_qs);
}

void TestCallApi::answersWithoutServer()
{
    const CallApi::Response health = m_api->health();
    QCOMPARE(health.status, CallApi::StatusCode::Ok);
    QCOMPARE(QJsonDocument::fromJson(health.body).object().value(u"calls").toInteger(), 2);

    const CallApi::Response call = m_api->call(u" 1694023659.13 ");
    QCOMPARE(call.status, CallApi::StatusCode::Ok);
    QCOMPARE(QJsonDocument::fromJson(call.body).object().value(u"crn").toString(),
             TestCalls::c3().crn());
    const QByteArray etag = call.header("ETag");
    QVERIFY(!etag.isEmpty());
    QCOMPARE(m_api->call(u"1694023642.7", etag).status, CallApi::StatusCode::NotModified);
    QCOMPARE(m_api->call(u"1694023700.20", etag).status, CallApi::StatusCode::Ok);
    QCOMPARE(m_api->call(u"nope").status, CallApi::StatusCode::NotFound);

    const CallApi::Response page = m_api->search(QUrlQuery(u"q=operator&limit=1"_qs));
    QCOMPARE(page.status, CallApi::StatusCode::Ok);
    const QJsonObject pageJson = QJsonDocument::fromJson(page.body).object();
    QCOMPARE(pageJson.value(u"calls").toArray().size(), 1);
    QVERIFY(pageJson.value(u"next_cursor").isString());
    QCOMPARE(m_api->search(QUrlQuery(u"limit=0"_qs)).status, CallApi::StatusCode::BadRequest);
}

void TestCallApi::logsOneLinePerRequestWithoutQuery()
{
    g_serverLog.clear();
    g_previousHandler = qInstallMessageHandler(collectServerLog);
    RawResponse response;
    const bool searched = get("/api/v1/calls?q=4930555&limit=5", &response);
    const bool looked = get("/api/v1/calls/%2B49%2030555", &response);
    const bool found = get("/api/v1/calls/1694023642.7", &response);
    const bool wrong = exchange("POST /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                "Content-Length: 0\r\n\r\n",
                                &response);
    qInstallMessageHandler(g_previousHandler);

    QVERIFY(searched && looked && found && wrong);
    const QStringList expected = { u"^GET /api/v1/calls 200 \\d+\\.\\d ms$"_qs,
                                   u"^GET /api/v1/calls/\\{crn\\} 404 \\d+\\.\\d ms$"_qs,
                                   u"^GET /api/v1/calls/\\{crn\\} 200 \\d+\\.\\d ms$"_qs,
                                   u"^POST /api/v1/health 405 \\d+\\.\\d ms$"_qs };
    QCOMPARE(g_serverLog.size(), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i) {
        QVERIFY2(QRegularExpression(expected.at(i)).match(g_serverLog.at(i)).hasMatch(),
                 qPrintable(g_serverLog.at(i)));
    }
    QVERIFY(!g_serverLog.join(u'\n').contains(u"30555"));
}

void TestCallApi::damagedDocumentIs503()
{
    QSqlQuery query(m_store->database());
    QVERIFY(
        query.exec(u"UPDATE calls SET document = '{\"crn\": 5}' WHERE crn = '1694023700.20'"_qs));

    RawResponse response;
    QVERIFY(get("/api/v1/calls/1694023700.20", &response));
    QCOMPARE(response.status, 503);
    QCOMPARE(response.errorCode(), u"unavailable"_qs);

    // The other call and the unknown ones are not affected.
    QVERIFY(get("/api/v1/calls/1694023642.7", &response));
    QCOMPARE(response.status, 200);
    QVERIFY(get("/api/v1/calls/nope", &response));
    QCOMPARE(response.status, 404);
}

void TestCallApi::missingTablesAre503()
{
    QSqlQuery query(m_store->database());
    QVERIFY(query.exec(u"DROP TABLE call_keys"_qs));
    QVERIFY(query.exec(u"DROP TABLE calls"_qs));

    for (const QByteArray &target :
         { QByteArray("/api/v1/health"), QByteArray("/api/v1/calls/1694023642.7"),
           QByteArray("/api/v1/calls/nope"), QByteArray("/api/v1/calls?q=operator") }) {
        RawResponse response;
        QVERIFY2(get(target, &response), target.constData());
        QCOMPARE(response.status, 503);
        QCOMPARE(response.errorCode(), u"unavailable"_qs);
        QVERIFY(!response.json.value(u"error").toObject().value(u"message").toString().isEmpty());
    }

    // A malformed query is still the client's mistake, whatever the database says.
    RawResponse response;
    QVERIFY(get("/api/v1/calls?limit=0", &response));
    QCOMPARE(response.status, 400);
}

QTEST_MAIN(TestCallApi)
#include "tst_callapi.moc"
