#include "net/apiclient.h"

#include "testcalls.h"
#include "testserver.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

namespace {

// A loopback HTTP server that misbehaves on purpose, for the answers crn-server never gives.
class FaultServer : public QObject
{
    Q_OBJECT

public:
    enum class Mode {
        Answer, // send answer, then close
        StallAfterHeaders, // send the headers and one byte of a longer body, then nothing
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
    void setAnswer(int status, const QByteArray &body, const QByteArray &extraHeaders = {})
    {
        m_mode = Mode::Answer;
        m_answer = "HTTP/1.1 " + QByteArray::number(status) + " Whatever\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Length: " + QByteArray::number(body.size()) + "\r\n"
            + "Connection: close\r\n" + extraHeaders + "\r\n" + body;
    }

    QByteArray lastRequest() const { return m_lastRequest; }
    int requests() const { return m_requests; }
    int disconnects() const { return m_disconnects; }

private:
    void accept()
    {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            socket->setParent(this);
            auto buffer = std::make_shared<QByteArray>();
            connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                ++m_disconnects;
                socket->deleteLater();
            });
            connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer] {
                buffer->append(socket->readAll());
                if (!buffer->contains("\r\n\r\n"))
                    return;
                ++m_requests;
                m_lastRequest = *buffer;
                buffer->clear();
                switch (m_mode) {
                case Mode::Answer:
                    socket->write(m_answer);
                    socket->disconnectFromHost();
                    break;
                case Mode::StallAfterHeaders:
                    socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                  "Content-Length: 100\r\n\r\n{");
                    break;
                case Mode::Silent:
                    break;
                }
            });
        }
    }

    QTcpServer m_server;
    Mode m_mode = Mode::Answer;
    QByteArray m_answer;
    QByteArray m_lastRequest;
    int m_requests = 0;
    int m_disconnects = 0;
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

    // Against FaultServer, for what the real server never does.
    void requestHeaders();
    void malformedJsonIsBadResponse();
    void wrongShapeIsBadResponse_data();
    void wrongShapeIsBadResponse();
    void serverErrorIs5xx_data();
    void serverErrorIs5xx();
    void redirectToAnotherOriginIsRefused();
    void stallAfterHeadersTimesOut();
    void silentServerTimesOut();
    void refusedPortIsUnreachable();
    void destroyingTheClientAbortsItsRequests();
    void deletingAReplyAbortsItsRequest();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<TestServer> m_server;
    FaultServer m_faults;
};

void TestApiClient::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_server = std::make_unique<TestServer>(m_dir.filePath(u"calls.db"_qs));
    QString why;
    QVERIFY2(m_server->writeDatabase(TestCalls::servedCalls(), &why), qPrintable(why));
    QVERIFY2(m_server->start(0, &why), qPrintable(why));
    QVERIFY(m_faults.listen());
}

void TestApiClient::cleanupTestCase()
{
    m_server.reset();
}

void TestApiClient::health()
{
    ApiClient client(m_server->url());
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
    const auto reply = finished(client.fetchCall(u"1694023642.9"_qs));
    QCOMPARE(reply->error(), ApiReply::Error::NotFound);
    QCOMPARE(reply->httpStatus(), 404);
    QCOMPARE(reply->serverErrorCode(), u"not_found"_qs);
    QVERIFY2(reply->errorString().contains(u"1694023642.9"_qs), qPrintable(reply->errorString()));
}

void TestApiClient::searchPagesNewestFirst()
{
    ApiClient client(m_server->url());
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
    const auto reply = finished(client.searchCalls(u"170000000"_qs, 2, u"not+a cursor&x=1"_qs));
    QCOMPARE(reply->error(), ApiReply::Error::BadRequest);
    QCOMPARE(reply->httpStatus(), 400);
    QCOMPARE(reply->serverErrorCode(), u"bad_request"_qs);
    QVERIFY2(reply->errorString().contains(u"cursor"_qs), qPrintable(reply->errorString()));
}

void TestApiClient::replyDeletesItselfAfterFinishing()
{
    ApiClient client(m_server->url());
    QPointer<HealthReply> reply = client.health();
    QSignalSpy spy(reply.data(), &ApiReply::finished);
    QVERIFY(spy.wait(15000));
    QTRY_VERIFY(reply.isNull());
    QCOMPARE(spy.size(), 1);
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

void TestApiClient::stallAfterHeadersTimesOut()
{
    m_faults.setMode(FaultServer::Mode::StallAfterHeaders);
    ApiClient client(m_faults.url());
    client.setTransferTimeoutMs(400);
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
