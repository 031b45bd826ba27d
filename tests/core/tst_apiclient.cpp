#include "net/apiclient.h"

#include "testcalls.h"
#include "testserver.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

namespace {

// A loopback HTTP server that misbehaves on purpose, for the answers crn-server never gives.
class FaultServer : public QObject
{
    Q_OBJECT

public:
    enum class Mode {
        Answer, // send the answer for the path (or the default answer), then close
        StallAfterHeaders, // send the headers and one byte of a longer body, then nothing
        Trickle, // send the headers, then one byte of the body every 100 ms
        Silent, // accept and never say a word
    };

    FaultServer() { connect(&m_server, &QTcpServer::newConnection, this, &FaultServer::accept); }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }

    QUrl url() const
    {
        QUrl url;
        url.setScheme(u"http"_qs);
        url.setHost(u"127.0.0.1"_qs);
        url.setPort(m_server.serverPort());
        return url;
    }

    void setMode(Mode mode) { m_mode = mode; }
    // The answer to every path without one of its own.
    void setAnswer(int status, const QByteArray &body, const QByteArray &extraHeaders = {})
    {
        m_mode = Mode::Answer;
        m_answers.clear();
        m_answer = response(status, body, extraHeaders);
    }
    // The answer to one path, e.g. "/api/v1/health".
    void setAnswerFor(const QByteArray &path, int status, const QByteArray &body,
                      const QByteArray &extraHeaders = {})
    {
        m_mode = Mode::Answer;
        m_answers.insert(path, response(status, body, extraHeaders));
    }

    QByteArray lastRequest() const { return m_lastRequest; }
    // Every request's head (request line and headers), in order.
    QList<QByteArray> heads() const { return m_heads; }
    // Connections whose first bytes were not an HTTP request, e.g. a TLS handshake.
    int foreignConnections() const { return m_foreign; }
    int requests() const { return m_requests; }
    int connections() const { return m_connections; }
    int disconnects() const { return m_disconnects; }

private:
    static QByteArray response(int status, const QByteArray &body, const QByteArray &extra)
    {
        return "HTTP/1.1 " + QByteArray::number(status) + " Whatever\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Length: " + QByteArray::number(body.size()) + "\r\n"
            + "Connection: close\r\n" + extra + "\r\n" + body;
    }

    void accept()
    {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            ++m_connections;
            socket->setParent(this);
            auto buffer = std::make_shared<QByteArray>();
            connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                ++m_disconnects;
                socket->deleteLater();
            });
            connect(socket, &QTcpSocket::readyRead, this,
                    [this, socket, buffer] { onRequest(socket, buffer.get()); });
        }
    }

    void onRequest(QTcpSocket *socket, QByteArray *buffer)
    {
        const bool first = buffer->isEmpty() && !socket->property("spoke").toBool();
        buffer->append(socket->readAll());
        socket->setProperty("spoke", true);
        if (first && !buffer->startsWith("GET "))
            ++m_foreign;
        if (!buffer->contains("\r\n\r\n"))
            return;
        ++m_requests;
        m_lastRequest = *buffer;
        m_heads.append(buffer->left(buffer->indexOf("\r\n\r\n")));
        buffer->clear();
        switch (m_mode) {
        case Mode::Answer: {
            const QByteArray path = m_lastRequest.split(' ').value(1);
            socket->write(m_answers.value(path, m_answer));
            socket->disconnectFromHost();
            break;
        }
        case Mode::StallAfterHeaders:
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                          "Content-Length: 100\r\n\r\n{");
            break;
        case Mode::Trickle: {
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                          "Content-Length: 1000\r\n\r\n");
            auto *drip = new QTimer(socket);
            connect(drip, &QTimer::timeout, socket, [socket] { socket->write(" "); });
            drip->start(100);
            break;
        }
        case Mode::Silent:
            break;
        }
    }

    QTcpServer m_server;
    Mode m_mode = Mode::Answer;
    QByteArray m_answer;
    QHash<QByteArray, QByteArray> m_answers;
    QByteArray m_lastRequest;
    QList<QByteArray> m_heads;
    int m_foreign = 0;
    int m_requests = 0;
    int m_connections = 0;
    int m_disconnects = 0;
};

// A listening socket whose accept queue is full: the kernel drops further connection attempts,
// so a new connection hangs the way one to a vanished host does.
class FullServer
{
public:
    ~FullServer() { m_fillers.clear(); }

    bool start()
    {
        m_server.setListenBacklogSize(0);
        if (!m_server.listen(QHostAddress::LocalHost, 0))
            return false;
        m_server.pauseAccepting();
        // Fill the queue until an attempt is left hanging.
        for (int i = 0; i < 16; ++i) {
            auto filler = std::make_unique<QTcpSocket>();
            QSignalSpy connected(filler.get(), &QTcpSocket::connected);
            filler->connectToHost(QHostAddress::LocalHost, m_server.serverPort());
            const bool accepted = connected.wait(300);
            m_fillers.push_back(std::move(filler));
            if (!accepted)
                return true;
        }
        return false;
    }

    QUrl url() const
    {
        QUrl url(u"http://127.0.0.1"_qs);
        url.setPort(m_server.serverPort());
        return url;
    }

private:
    QTcpServer m_server;
    std::vector<std::unique_ptr<QTcpSocket>> m_fillers;
};

// Proves the thread's event loop kept running: ticks every 10 ms and remembers the longest gap.
class LoopWatch
{
public:
    LoopWatch()
    {
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            m_longestGapMs = qMax(m_longestGapMs, m_sinceTick.restart());
            ++m_ticks;
        });
        m_sinceTick.start();
        m_timer.start(10);
    }
    qint64 longestGapMs() const { return m_longestGapMs; }
    int ticks() const { return m_ticks; }

private:
    QTimer m_timer;
    QElapsedTimer m_sinceTick;
    qint64 m_longestGapMs = 0;
    int m_ticks = 0;
};

// Keeps the reply past its finished() and waits for that one finished().
template<typename Reply>
std::unique_ptr<Reply> finished(Reply *reply, int timeoutMs = 15000)
{
    reply->setAutoDelete(false);
    std::unique_ptr<Reply> owned(reply);
    QSignalSpy spy(reply, &ApiReply::finished);
    if (!reply->isFinished() && !spy.wait(timeoutMs))
        qWarning("the reply did not finish within %d ms", timeoutMs);
    return owned;
}

// A port that nothing listens on: bound, then closed again.
quint16 deadPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

QStringList crnsOf(const QList<CallSummary> &calls)
{
    QStringList crns;
    for (const CallSummary &call : calls)
        crns.append(call.crn);
    return crns;
}

} // namespace

class TestApiClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    // Against a real crn-server.
    void health();
    void fetchCall_data();
    void fetchCall();
    void fetchUnknownCallIsNotFound();
    void searchPagesNewestFirst();
    void searchWithTimeRange();
    void searchWithForeignCursorIsBadRequest();
    void replyDeletesItselfAfterFinishing();
    void revalidatesWithTheEtag_data();
    void revalidatesWithTheEtag();

    // Against FaultServer, for what the real server never does.
    void requestHeaders();
    void accessTokenGoesWithEveryRequestAndNowhereElse();
    void refusedTokenIsNamedWithoutTheToken();
    void malformedJsonIsBadResponse();
    void wrongShapeIsBadResponse_data();
    void wrongShapeIsBadResponse();
    void serverErrorIs5xx_data();
    void serverErrorIs5xx();
    void redirectToAnotherOriginIsRefused();
    void redirectWithinTheOriginIsFollowed();
    void redirectOutOfTheOriginIsRefused_data();
    void redirectOutOfTheOriginIsRefused();
    void redirectLoopIsRefused();
    void ifNoneMatchIsSent();
    void notModifiedOutsideRevalidationIsBadResponse();
    void stallAfterHeadersTimesOut();
    void silentServerTimesOut();
    void unacceptedConnectionTimesOut();
    void connectTimeoutEndsOnceConnected();
    void tricklingAnswerMeetsTheDeadline();
    void forceHttp1_data();
    void forceHttp1();
    void timeoutSecondsSetsAllThree();
    void refusedPortIsUnreachable();
    void destroyingTheClientAbortsItsRequests();
    void deletingAReplyAbortsItsRequest();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<TestServer> m_server;
    FaultServer m_faults;
    FaultServer m_elsewhere;
};

void TestApiClient::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_server = std::make_unique<TestServer>(m_dir.filePath(u"calls.db"_qs));
    QString why;
    QVERIFY2(m_server->writeDatabase(TestCalls::servedCalls(), &why), qPrintable(why));
    QVERIFY2(m_server->start(0, &why), qPrintable(why));
    QVERIFY(m_faults.listen());
    QVERIFY(m_elsewhere.listen());
}

void TestApiClient::cleanupTestCase()
{
    m_server.reset();
}

void TestApiClient::health()
{
    ApiClient client(m_server->url());
    client.setAccessToken(m_server->token());
    const auto reply = finished(client.health());
    QVERIFY(reply->isFinished());
    QCOMPARE(reply->error(), ApiReply::Error::None);
    QCOMPARE(reply->httpStatus(), 200);
    QCOMPARE(reply->status(), u"ok"_qs);
    QVERIFY(!reply->version().isEmpty());
    QCOMPARE(reply->callCount(), TestCalls::servedCalls().size());
}

void TestApiClient::fetchCall_data()
{
    QTest::addColumn<QString>("asked");
    QTest::addColumn<QString>("crn");

    QTest::newRow("crn") << u"1694023642.7"_qs << u"1694023642.7"_qs;
    QTest::newRow("second leg") << u"1694023642.8"_qs << u"1694023642.7"_qs;
    QTest::newRow("uuid upper case with en dashes")
        << TestCalls::kUuidCrn.toUpper().replace(u'-', QChar(0x2013)) << TestCalls::kUuidCrn;
    QTest::newRow("leg with a slash") << u"PJSIP/agent-00000011"_qs << TestCalls::kUuidCrn;
    QTest::newRow("leg with characters to encode")
        << u" PJSIP/trunk\u201300000010 "_qs << TestCalls::kUuidCrn;
}

void TestApiClient::fetchCall()
{
    QFETCH(QString, asked);
    QFETCH(QString, crn);

    ApiClient client(m_server->url());
    client.setAccessToken(m_server->token());
    const auto reply = finished(client.fetchCall(asked));
    QVERIFY2(reply->error() == ApiReply::Error::None, qPrintable(reply->errorString()));
    QCOMPARE(reply->requestedText(), asked);
    QCOMPARE(reply->call(), TestCalls::servedCall(crn));
    QVERIFY(reply->etag().startsWith(u'"'));
    QVERIFY(reply->errorString().isEmpty());
}

void TestApiClient::fetchUnknownCallIsNotFound()
{
    ApiClient client(m_server->url());
    client.setAccessToken(m_server->token());
    const auto reply = finished(client.fetchCall(u"1694023642.9"_qs));
    QCOMPARE(reply->error(), ApiReply::Error::NotFound);
    QCOMPARE(reply->httpStatus(), 404);
    QCOMPARE(reply->serverErrorCode(), u"not_found"_qs);
    QVERIFY2(reply->errorString().contains(u"1694023642.9"_qs), qPrintable(reply->errorString()));
}

void TestApiClient::searchPagesNewestFirst()
{
    ApiClient client(m_server->url());
    client.setAccessToken(m_server->token());
    const auto first = finished(client.searchCalls(u"170000000"_qs, 2));
    QCOMPARE(first->error(), ApiReply::Error::None);
    QCOMPARE(first->query(), u"170000000"_qs);
    QCOMPARE(crnsOf(first->calls()), QStringList({ u"1700000003.1"_qs, u"1700000002.1"_qs }));
    QCOMPARE(first->calls().at(0), TestCalls::servedCall(u"1700000003.1"_qs).summary);
    QVERIFY(!first->nextCursor().isEmpty());

    const auto second = finished(client.searchCalls(u"170000000"_qs, 2, first->nextCursor()));
    QCOMPARE(second->error(), ApiReply::Error::None);
    QCOMPARE(crnsOf(second->calls()), QStringList({ u"1700000001.1"_qs }));
    QVERIFY(second->nextCursor().isEmpty());

    // A prefix of a UUID in another letter case finds just that call.
    const auto uuid = finished(client.searchCalls(u"4C6B1F0E"_qs));
    QCOMPARE(crnsOf(uuid->calls()), QStringList({ TestCalls::kUuidCrn }));
}

void TestApiClient::searchWithTimeRange()
{
    ApiClient client(m_server->url());
    client.setAccessToken(m_server->token());
    // 22:13:22 inclusive to 22:13:23 exclusive: only the middle one of the three.
    const auto reply = finished(client.searchCalls(u"170000000"_qs, 50, {},
                                                   *Timestamp::parseIso(u"2023-11-14T22:13:22Z"),
                                                   *Timestamp::parseIso(u"2023-11-14T22:13:23Z")));
    QCOMPARE(reply->error(), ApiReply::Error::None);
    QCOMPARE(crnsOf(reply->calls()), QStringList({ u"1700000002.1"_qs }));
}

void TestApiClient::searchWithForeignCursorIsBadRequest()
{
    ApiClient client(m_server->url());
    client.setAccessToken(m_server->token());
    const auto reply = finished(client.searchCalls(u"170000000"_qs, 2, u"not+a cursor&x=1"_qs));
    QCOMPARE(reply->error(), ApiReply::Error::BadRequest);
    QCOMPARE(reply->httpStatus(), 400);
    QCOMPARE(reply->serverErrorCode(), u"bad_request"_qs);
    QVERIFY2(reply->errorString().contains(u"cursor"_qs), qPrintable(reply->errorString()));
}

void TestApiClient::replyDeletesItselfAfterFinishing()
{
    ApiClient client(m_server->url());
    client.setAccessToken(m_server->token());
    QPointer<HealthReply> reply = client.health();
    QSignalSpy spy(reply.data(), &ApiReply::finished);
    QVERIFY(spy.wait(15000));
    QTRY_VERIFY(reply.isNull());
    QCOMPARE(spy.size(), 1);
}

void TestApiClient::revalidatesWithTheEtag_data()
{
    QTest::addColumn<QString>("asked");

    QTest::newRow("by crn") << u"1694023642.7"_qs;
    // The ETag belongs to the call's document, whichever id finds it.
    QTest::newRow("by leg id") << u"1694023642.8"_qs;
}

void TestApiClient::revalidatesWithTheEtag()
{
    QFETCH(QString, asked);

    ApiClient client(m_server->url());
    client.setAccessToken(m_server->token());
    const auto first = finished(client.fetchCall(u"1694023642.7"_qs));
    QCOMPARE(first->error(), ApiReply::Error::None);
    const QString etag = first->etag();
    QVERIFY(etag.size() > 2);
    QVERIFY(!first->isNotModified());

    // The ETag just received: 304, no body, no error, the same ETag.
    const auto same = finished(client.fetchCall(asked, etag));
    QVERIFY2(same->error() == ApiReply::Error::None, qPrintable(same->errorString()));
    QCOMPARE(same->httpStatus(), 304);
    QVERIFY(same->isNotModified());
    QCOMPARE(same->etag(), etag);
    QCOMPARE(same->call(), Call());

    // Another ETag: the whole call again.
    const auto other = finished(client.fetchCall(asked, u"\"0123456789abcdef\""_qs));
    QCOMPARE(other->error(), ApiReply::Error::None);
    QCOMPARE(other->httpStatus(), 200);
    QVERIFY(!other->isNotModified());
    QCOMPARE(other->etag(), etag);
    QCOMPARE(other->call(), TestCalls::servedCall(u"1694023642.7"_qs));
}

void TestApiClient::requestHeaders()
{
    m_faults.setAnswer(404, R"({"error":{"code":"not_found","message":"No such call."}})");
    ApiClient client(m_faults.url());
    const auto reply = finished(client.fetchCall(u"PJSIP/a b\u2013c?d#e%"_qs));
    QCOMPARE(reply->error(), ApiReply::Error::NotFound);
    QCOMPARE(reply->errorString(), u"No such call."_qs);

    const QByteArray request = m_faults.lastRequest();
    // Every reserved character of the id is encoded, the en dash as UTF-8.
    QVERIFY2(
        request.startsWith("GET /api/v1/calls/PJSIP%2Fa%20b%E2%80%93c%3Fd%23e%25 HTTP/1.1\r\n"),
        request.constData());
    QVERIFY2(request.contains("\r\nAccept: application/json\r\n"), request.constData());
    QVERIFY2(request.contains("\r\nUser-Agent: crn-console"), request.constData());
}

namespace {

// Every message of any category, collected while a test runs.
QStringList g_messages;
QtMessageHandler g_previousHandler = nullptr;

void collectMessages(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    g_messages.append(message);
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

} // namespace

void TestApiClient::accessTokenGoesWithEveryRequestAndNowhereElse()
{
    const QByteArray token = "crn_ThisIsNotARealToken-0123456789abcdefghijklm";
    m_faults.setAnswer(404, R"({"error":{"code":"not_found","message":"No such call."}})");
    ApiClient client(m_faults.url());
    QVERIFY(!client.hasAccessToken());
    client.setAccessToken(token);
    QVERIFY(client.hasAccessToken());

    QLoggingCategory::setFilterRules(u"crn.*.debug=true"_qs);
    g_messages.clear();
    g_previousHandler = qInstallMessageHandler(collectMessages);
    const qsizetype before = m_faults.heads().size();
    const auto call = finished(client.fetchCall(u"1694023642.7"_qs));
    const auto search = finished(client.searchCalls(u"1694"_qs));
    const auto health = finished(client.health());
    qInstallMessageHandler(g_previousHandler);
    QLoggingCategory::setFilterRules({});

    const QList<QByteArray> heads = m_faults.heads().mid(before);
    QCOMPARE(heads.size(), 3);
    for (const QByteArray &head : heads)
        QVERIFY2(head.contains(QByteArray("\r\nAuthorization: Bearer " + token)), head.constData());
    // The client logged its requests, without the token.
    QVERIFY(!g_messages.isEmpty());
    QVERIFY(!g_messages.join(u'\n').contains(QString::fromLatin1(token.mid(4))));
    for (const auto *reply :
         { static_cast<ApiReply *>(call.get()), static_cast<ApiReply *>(search.get()),
           static_cast<ApiReply *>(health.get()) })
        QVERIFY(!reply->errorString().contains(QString::fromLatin1(token.mid(4))));

    // An empty token sends no header at all.
    client.setAccessToken({});
    finished(client.health());
    QVERIFY(!m_faults.lastRequest().contains("Authorization"));
}

// Against the real server: no token and a wrong one are 401, told as a sentence that names
// neither; the right one is let in.
void TestApiClient::refusedTokenIsNamedWithoutTheToken()
{
    ApiClient client(m_server->url());
    const auto without = finished(client.fetchCall(u"1694023642.7"_qs));
    QCOMPARE(without->httpStatus(), 401);
    QCOMPARE(without->error(), ApiReply::Error::BadRequest);
    QVERIFY2(without->errorString().contains(u"access token"_qs),
             qPrintable(without->errorString()));

    const QByteArray wrong = m_server->token() + "x";
    client.setAccessToken(wrong);
    const auto refused = finished(client.fetchCall(u"1694023642.7"_qs));
    QCOMPARE(refused->httpStatus(), 401);
    QVERIFY(!refused->errorString().contains(QString::fromLatin1(wrong.mid(4))));

    client.setAccessToken(m_server->token(Role::Auditor));
    const auto let = finished(client.fetchCall(u"1694023642.7"_qs));
    QCOMPARE(let->error(), ApiReply::Error::None);
}

void TestApiClient::malformedJsonIsBadResponse()
{
    m_faults.setAnswer(200, R"({"crn": "1694023642.7", "legs": [)");
    ApiClient client(m_faults.url());
    const auto reply = finished(client.fetchCall(u"1694023642.7"_qs));
    QCOMPARE(reply->error(), ApiReply::Error::BadResponse);
    QCOMPARE(reply->httpStatus(), 200);
    QVERIFY2(reply->errorString().contains(u"not valid JSON"_qs), qPrintable(reply->errorString()));
    QVERIFY2(reply->errorString().contains(m_faults.url().authority()),
             qPrintable(reply->errorString()));
}

void TestApiClient::wrongShapeIsBadResponse_data()
{
    QTest::addColumn<QString>("endpoint");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("call crn is a number")
        << u"call"_qs << QByteArray(R"({"crn":1694023642.7,"start":"2023-09-06T18:07:22Z"})")
        << u"\"crn\""_qs;
    QTest::newRow("call is an array") << u"call"_qs << QByteArray("[]") << u"not a JSON object"_qs;
    QTest::newRow("search calls is an object")
        << u"search"_qs << QByteArray(R"({"calls":{},"next_cursor":null})") << u"\"calls\""_qs;
    QTest::newRow("search item without crn")
        << u"search"_qs
        << QByteArray(R"({"calls":[{"crn":"a","start":"2023-09-06T18:07:22Z"},)"
                      R"({"start":"2023-09-06T18:07:22Z"}],"next_cursor":null})")
        << u"\"calls\"[1]: \"crn\" is missing"_qs;
    QTest::newRow("search cursor is a number")
        << u"search"_qs << QByteArray(R"({"calls":[],"next_cursor":7})") << u"\"next_cursor\""_qs;
    QTest::newRow("health without version")
        << u"health"_qs << QByteArray(R"({"status":"ok","calls":3})") << u"\"version\""_qs;
    QTest::newRow("health calls is text")
        << u"health"_qs << QByteArray(R"({"status":"ok","version":"1","calls":"3"})")
        << u"\"calls\""_qs;
}

void TestApiClient::wrongShapeIsBadResponse()
{
    QFETCH(QString, endpoint);
    QFETCH(QByteArray, body);
    QFETCH(QString, mentions);

    m_faults.setAnswer(200, body);
    ApiClient client(m_faults.url());
    std::unique_ptr<ApiReply> reply;
    if (endpoint == u"call")
        reply = finished(client.fetchCall(u"x"_qs));
    else if (endpoint == u"search")
        reply = finished(client.searchCalls(u"x"_qs));
    else
        reply = finished(client.health());

    QCOMPARE(reply->error(), ApiReply::Error::BadResponse);
    QVERIFY2(reply->errorString().contains(mentions), qPrintable(reply->errorString()));
}

void TestApiClient::serverErrorIs5xx_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("500 with an error body")
        << 500 << QByteArray(R"({"error":{"code":"internal","message":"Disk on fire."}})")
        << u"Disk on fire."_qs;
    QTest::newRow("503 without a body") << 503 << QByteArray() << u"ran into a problem"_qs;
    QTest::newRow("502 with an HTML body")
        << 502 << QByteArray("<html>Bad Gateway</html>") << u"ran into a problem"_qs;
}

void TestApiClient::serverErrorIs5xx()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, mentions);

    m_faults.setAnswer(status, body);
    ApiClient client(m_faults.url());
    const auto reply = finished(client.fetchCall(u"1694023642.7"_qs));
    QCOMPARE(reply->error(), ApiReply::Error::ServerError);
    QCOMPARE(reply->httpStatus(), status);
    QVERIFY2(reply->errorString().contains(mentions), qPrintable(reply->errorString()));
}

void TestApiClient::redirectToAnotherOriginIsRefused()
{
    // The real server is another origin (another port) on the same host.
    QUrl elsewhere = m_server->url();
    elsewhere.setPath(u"/api/v1/health"_qs);
    m_faults.setAnswer(302, {}, "Location: " + elsewhere.toEncoded() + "\r\n");
    ApiClient client(m_faults.url());
    const auto reply = finished(client.health());
    QCOMPARE(reply->error(), ApiReply::Error::BadResponse);
    QVERIFY2(reply->errorString().contains(u"redirected"_qs), qPrintable(reply->errorString()));
    QVERIFY(reply->version().isEmpty());
}

void TestApiClient::redirectWithinTheOriginIsFollowed()
{
    // A relative Location and an absolute one on the same scheme, host and port.
    m_faults.setAnswerFor("/api/v1/health", 301, {}, "Location: /moved/health\r\n");
    m_faults.setAnswerFor("/moved/health", 307, {},
                          "Location: " + m_faults.url().toEncoded() + "/final/health\r\n");
    m_faults.setAnswerFor("/final/health", 200, R"({"status":"ok","version":"7.1","calls":3})");
    const qsizetype before = m_faults.heads().size();

    ApiClient client(m_faults.url());
    const auto reply = finished(client.health());
    QVERIFY2(reply->error() == ApiReply::Error::None, qPrintable(reply->errorString()));
    QCOMPARE(reply->version(), u"7.1"_qs);
    // The three hops, in order (Qt may repeat a GET whose kept-alive connection was closed).
    QList<QByteArray> paths;
    for (const QByteArray &head : m_faults.heads().mid(before)) {
        const QByteArray path = head.split(' ').value(1);
        if (paths.isEmpty() || paths.last() != path)
            paths.append(path);
    }
    QCOMPARE(paths, QList<QByteArray>({ "/api/v1/health", "/moved/health", "/final/health" }));
}

void TestApiClient::redirectOutOfTheOriginIsRefused_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("origin");

    // m_elsewhere is a live server: were the redirect followed, it would be asked.
    const QUrl elsewhere = m_elsewhere.url();
    const QString port = QString::number(m_faults.url().port());
    QTest::newRow("another port") << elsewhere.toString() + u"/api/v1/health"_qs
                                  << elsewhere.toString();
    QTest::newRow("another host name for the same machine")
        << u"http://localhost:"_qs + port + u"/api/v1/health"_qs << u"http://localhost:"_qs + port;
    QTest::newRow("another scheme") << u"https://127.0.0.1:"_qs + port + u"/api/v1/health"_qs
                                    << u"https://127.0.0.1:"_qs + port;
}

void TestApiClient::redirectOutOfTheOriginIsRefused()
{
    QFETCH(QString, target);
    QFETCH(QString, origin);

    m_faults.setAnswer(302, {}, "Location: " + target.toUtf8() + "\r\n");
    m_elsewhere.setAnswer(200, R"({"status":"ok","version":"6.6","calls":1})");
    const qsizetype headsBefore = m_faults.heads().size();
    const int foreignBefore = m_faults.foreignConnections();
    const int elsewhereBefore = m_elsewhere.connections();

    ApiClient client(m_faults.url());
    const auto reply = finished(client.health());
    QCOMPARE(reply->error(), ApiReply::Error::BadResponse);
    QCOMPARE(reply->httpStatus(), 302);
    QCOMPARE(reply->errorString(),
             u"The server at 127.0.0.1:%1 redirected the console to %2, which it does not "
             "follow: only the server's own address is trusted."_qs.arg(m_faults.url().port())
                 .arg(origin));
    QVERIFY(reply->version().isEmpty());
    // Nothing went to the other address: not to the other port, not by the other name (every
    // request named 127.0.0.1), not as TLS.
    QCOMPARE(m_elsewhere.connections(), elsewhereBefore);
    QCOMPARE(m_faults.foreignConnections(), foreignBefore);
    const QList<QByteArray> heads = m_faults.heads().mid(headsBefore);
    const QByteArray host = "\r\nHost: 127.0.0.1:" + QByteArray::number(m_faults.url().port());
    QVERIFY(!heads.isEmpty());
    for (const QByteArray &head : heads) {
        QVERIFY2(head.startsWith("GET /api/v1/health HTTP/1.1\r\n"), head.constData());
        QVERIFY2(head.contains(host), head.constData());
    }
}

void TestApiClient::redirectLoopIsRefused()
{
    m_faults.setAnswerFor("/api/v1/health", 302, {}, "Location: /api/v1/health\r\n");
    const int requestsBefore = m_faults.requests();
    ApiClient client(m_faults.url());
    const auto reply = finished(client.health());
    QCOMPARE(reply->error(), ApiReply::Error::BadResponse);
    QCOMPARE(reply->errorString(),
             u"The server at 127.0.0.1:%1 redirected the console more than 5 times."_qs.arg(
                 m_faults.url().port()));
    // The first request and five hops, not Qt's fifty; Qt may repeat a GET whose kept-alive
    // connection the server had just closed, so up to twice that.
    const int requests = m_faults.requests() - requestsBefore;
    QVERIFY2(requests > ApiClient::kMaxRedirects && requests <= 2 * (1 + ApiClient::kMaxRedirects),
             qPrintable(QString::number(requests)));
}

void TestApiClient::ifNoneMatchIsSent()
{
    m_faults.setAnswer(304, {}, "ETag: \"abc\"\r\n");
    ApiClient client(m_faults.url());
    const auto reply = finished(client.fetchCall(u"1694023642.7"_qs, u"\"abc\""_qs));
    QVERIFY(reply->isNotModified());
    QCOMPARE(reply->etag(), u"\"abc\""_qs);
    QVERIFY2(m_faults.lastRequest().contains("\r\nIf-None-Match: \"abc\"\r\n"),
             m_faults.lastRequest().constData());

    // Without an ETag to give, none is sent.
    m_faults.setAnswer(404, R"({"error":{"code":"not_found","message":"No such call."}})");
    const auto plain = finished(client.fetchCall(u"1694023642.7"_qs));
    QVERIFY(!m_faults.lastRequest().contains("If-None-Match"));
    QVERIFY(!plain->isNotModified());
}

void TestApiClient::notModifiedOutsideRevalidationIsBadResponse()
{
    // Only a call is ever revalidated; a 304 to anything else is not the API's answer.
    m_faults.setAnswer(304, {});
    ApiClient client(m_faults.url());
    const auto reply = finished(client.health());
    QCOMPARE(reply->error(), ApiReply::Error::BadResponse);
    QVERIFY2(reply->errorString().contains(u"HTTP status 304"_qs),
             qPrintable(reply->errorString()));
}

void TestApiClient::stallAfterHeadersTimesOut()
{
    m_faults.setMode(FaultServer::Mode::StallAfterHeaders);
    ApiClient client(m_faults.url());
    client.setTransferTimeoutMs(400);
    const LoopWatch loop;
    QElapsedTimer timer;
    timer.start();
    const auto reply = finished(client.fetchCall(u"1694023642.7"_qs));
    QCOMPARE(reply->error(), ApiReply::Error::Unreachable);
    QCOMPARE(reply->httpStatus(), 200);
    QVERIFY2(reply->errorString().contains(u"stopped sending"_qs),
             qPrintable(reply->errorString()));
    // Given up by the transfer timeout (a coarse timer, so maybe a little early), not by the
    // test's own patience.
    QVERIFY2(timer.elapsed() >= 350 && timer.elapsed() < 5000,
             qPrintable(QString::number(timer.elapsed())));
    // The thread's event loop ran all along: ticks every 10 ms, none held up.
    QVERIFY2(loop.longestGapMs() < 200, qPrintable(QString::number(loop.longestGapMs())));
    QVERIFY2(loop.ticks() >= timer.elapsed() / 40, qPrintable(QString::number(loop.ticks())));
}

void TestApiClient::silentServerTimesOut()
{
    m_faults.setMode(FaultServer::Mode::Silent);
    ApiClient client(m_faults.url());
    client.setTransferTimeoutMs(400);
    const auto reply = finished(client.health());
    QCOMPARE(reply->error(), ApiReply::Error::Unreachable);
    QCOMPARE(reply->httpStatus(), 0);
    QVERIFY2(reply->errorString().contains(u"did not answer within 0.4 seconds"_qs),
             qPrintable(reply->errorString()));
}

void TestApiClient::unacceptedConnectionTimesOut()
{
    FullServer full;
    if (!full.start())
        QSKIP("this kernel accepts every loopback connection; no way to leave one hanging");

    ApiClient client(full.url());
    client.setConnectTimeoutMs(300);
    client.setTransferTimeoutMs(5000);
    const LoopWatch loop;
    QElapsedTimer timer;
    timer.start();
    const auto reply = finished(client.health());
    QCOMPARE(reply->error(), ApiReply::Error::Unreachable);
    QCOMPARE(reply->httpStatus(), 0);
    QCOMPARE(reply->errorString(),
             u"The server at 127.0.0.1:%1 did not accept a connection within 0.3 seconds."_qs.arg(
                 full.url().port()));
    // The connect time-out, not the transfer time-out, ended it.
    QVERIFY2(timer.elapsed() >= 280 && timer.elapsed() < 4000,
             qPrintable(QString::number(timer.elapsed())));
    QVERIFY2(loop.longestGapMs() < 200, qPrintable(QString::number(loop.longestGapMs())));
}

void TestApiClient::connectTimeoutEndsOnceConnected()
{
    // Connected at once, then silent: the transfer time-out speaks, after its own time.
    m_faults.setMode(FaultServer::Mode::Silent);
    ApiClient client(m_faults.url());
    client.setConnectTimeoutMs(200);
    client.setTransferTimeoutMs(1000);
    QElapsedTimer timer;
    timer.start();
    const auto reply = finished(client.health());
    QCOMPARE(reply->error(), ApiReply::Error::Unreachable);
    QVERIFY2(reply->errorString().contains(u"did not answer within 1 seconds"_qs),
             qPrintable(reply->errorString()));
    QVERIFY2(timer.elapsed() >= 900, qPrintable(QString::number(timer.elapsed())));
}

void TestApiClient::tricklingAnswerMeetsTheDeadline()
{
    // A byte every 100 ms never trips the 400 ms transfer time-out; the 1 s deadline ends it.
    m_faults.setMode(FaultServer::Mode::Trickle);
    ApiClient client(m_faults.url());
    client.setTransferTimeoutMs(400);
    client.setAnswerDeadlineMs(1000);
    const LoopWatch loop;
    QElapsedTimer timer;
    timer.start();
    const auto reply = finished(client.fetchCall(u"1694023642.7"_qs));
    QCOMPARE(reply->error(), ApiReply::Error::Unreachable);
    QCOMPARE(reply->errorString(),
             u"The server at 127.0.0.1:%1 took longer than 1 seconds to send its answer."_qs.arg(
                 m_faults.url().port()));
    // Qt's coarse timers may fire up to 5 % early.
    QVERIFY2(timer.elapsed() >= 940 && timer.elapsed() < 5000,
             qPrintable(QString::number(timer.elapsed())));
    QVERIFY2(loop.longestGapMs() < 200, qPrintable(QString::number(loop.longestGapMs())));
}

void TestApiClient::forceHttp1_data()
{
    QTest::addColumn<bool>("force");
    QTest::addColumn<bool>("http2Allowed");

    QTest::newRow("default") << false << true;
    QTest::newRow("forced") << true << false;
}

void TestApiClient::forceHttp1()
{
    QFETCH(bool, force);
    QFETCH(bool, http2Allowed);

    ApiClient client(m_server->url());
    client.setAccessToken(m_server->token());
    QCOMPARE(client.forceHttp1(), false);
    client.setForceHttp1(force);
    QCOMPARE(client.forceHttp1(), force);

    // What the client handed to Qt, seen from Qt's side.
    auto *network = client.findChild<QNetworkAccessManager *>();
    QVERIFY(network);
    QList<QVariant> allowed;
    QList<bool> http2Used;
    connect(network, &QNetworkAccessManager::finished, this, [&](QNetworkReply *reply) {
        allowed.append(reply->request().attribute(QNetworkRequest::Http2AllowedAttribute));
        http2Used.append(reply->attribute(QNetworkRequest::Http2WasUsedAttribute).toBool());
    });

    const auto reply = finished(client.fetchCall(u"1694023642.7"_qs));
    QCOMPARE(reply->error(), ApiReply::Error::None);
    QCOMPARE(allowed, QList<QVariant>({ QVariant(http2Allowed) }));
    QCOMPARE(http2Used, QList<bool>({ false }));
}

void TestApiClient::timeoutSecondsSetsAllThree()
{
    ApiClient client(m_faults.url());
    QCOMPARE(client.connectTimeoutMs(), 15000);
    QCOMPARE(client.transferTimeoutMs(), 15000);
    QCOMPARE(client.answerDeadlineMs(), 60000);

    client.setTimeoutSeconds(7);
    QCOMPARE(client.connectTimeoutMs(), 7000);
    QCOMPARE(client.transferTimeoutMs(), 7000);
    QCOMPARE(client.answerDeadlineMs(), 28000);
}

void TestApiClient::refusedPortIsUnreachable()
{
    const quint16 port = deadPort();
    QVERIFY(port != 0);
    QUrl url(u"http://127.0.0.1"_qs);
    url.setPort(port);
    ApiClient client(url);
    QCOMPARE(client.serverName(), u"127.0.0.1:"_qs + QString::number(port));

    const auto reply = finished(client.fetchCall(u"1694023642.7"_qs));
    QCOMPARE(reply->error(), ApiReply::Error::Unreachable);
    QCOMPARE(reply->httpStatus(), 0);
    QCOMPARE(reply->errorString(),
             u"The server at 127.0.0.1:"_qs + QString::number(port)
                 + u" refused the connection."_qs);
}

void TestApiClient::destroyingTheClientAbortsItsRequests()
{
    m_faults.setMode(FaultServer::Mode::Silent);
    const int disconnectsBefore = m_faults.disconnects();
    const int requestsBefore = m_faults.requests();

    auto client = std::make_unique<ApiClient>(m_faults.url());
    QPointer<CallReply> reply = client->fetchCall(u"1694023642.7"_qs);
    QSignalSpy finishedSpy(reply.data(), &ApiReply::finished);
    QTRY_COMPARE(m_faults.requests(), requestsBefore + 1);

    client.reset();
    QVERIFY(reply.isNull());
    QCOMPARE(finishedSpy.size(), 0);
    // The connection is really closed, not left to the server's patience.
    QTRY_COMPARE(m_faults.disconnects(), disconnectsBefore + 1);
}

void TestApiClient::deletingAReplyAbortsItsRequest()
{
    m_faults.setMode(FaultServer::Mode::Silent);
    const int disconnectsBefore = m_faults.disconnects();
    const int requestsBefore = m_faults.requests();

    ApiClient client(m_faults.url());
    CallReply *reply = client.fetchCall(u"1694023642.7"_qs);
    QTRY_COMPARE(m_faults.requests(), requestsBefore + 1);
    delete reply;
    QTRY_COMPARE(m_faults.disconnects(), disconnectsBefore + 1);

    // The client is still fine for the next request.
    m_faults.setAnswer(200, R"({"status":"ok","version":"9.9","calls":42})");
    const auto next = finished(client.health());
    QCOMPARE(next->error(), ApiReply::Error::None);
    QCOMPARE(next->callCount(), 42);
}

QTEST_GUILESS_MAIN(TestApiClient)
#include "tst_apiclient.moc"
