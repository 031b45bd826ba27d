#include "escalation/outbox.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace {

// A test-only HTTP peer on 127.0.0.1 that answers each request as the test scripts it: a status
// and body, a stall (the request is read and never answered), or a closed connection. With the
// script empty it answers as the contract says a server does: 201 with a new id for a new
// Idempotency-Key, 200 with the same id for a key it has seen. Fault injection for the outbox;
// the real server is in tests/escalation.
class ScriptedPeer : public QObject
{
public:
    enum class Action { Answer, Stall, Close };
    struct Step
    {
        Action action = Action::Answer;
        int status = 0; // 0: the contract's idempotent 201/200
        QByteArray body;
    };
    struct Request
    {
        QByteArray method;
        QByteArray path;
        QHash<QByteArray, QByteArray> headers; // names in lower case
        QByteArray body;
    };

    ScriptedPeer()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection())
                accept(socket);
        });
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QUrl url() const
    {
        QUrl url;
        url.setScheme(u"http"_qs);
        url.setHost(u"127.0.0.1"_qs);
        url.setPort(m_server.serverPort());
        return url;
    }

    // Steps used one per request, in order; then `fallback` for every later request.
    void script(const QList<Step> &steps) { m_steps = steps; }
    void setFallback(const Step &step) { m_fallback = step; }

    QList<Request> requests;

private:
    void accept(QTcpSocket *socket)
    {
        auto buffer = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer] {
            buffer->append(socket->readAll());
            const qsizetype end = buffer->indexOf("\r\n\r\n");
            if (end < 0)
                return;
            Request request;
            const QList<QByteArray> lines = buffer->left(end).split('\n');
            const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
            request.method = first.value(0);
            request.path = first.value(1);
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const qsizetype colon = lines[i].indexOf(':');
                if (colon > 0)
                    request.headers.insert(lines[i].left(colon).trimmed().toLower(),
                                           lines[i].mid(colon + 1).trimmed());
            }
            const qsizetype length = request.headers.value("content-length").toLongLong();
            if (buffer->size() < end + 4 + length)
                return;
            request.body = buffer->mid(end + 4, length);
            buffer->remove(0, end + 4 + length);
            requests.append(request);
            handle(socket, request);
        });
    }

    void handle(QTcpSocket *socket, const Request &request)
    {
        const Step step = m_steps.isEmpty() ? m_fallback : m_steps.takeFirst();
        switch (step.action) {
        case Action::Stall:
            // Read and never answered; the socket stays open until the client gives up.
            return;
        case Action::Close:
            socket->disconnectFromHost();
            return;
        case Action::Answer:
            break;
        }
        int status = step.status;
        QByteArray body = step.body;
        if (status == 0) {
            const QByteArray key = request.headers.value("idempotency-key");
            status = m_ids.contains(key) ? 200 : 201;
            if (!m_ids.contains(key))
                m_ids.insert(key, "esc-" + QByteArray::number(m_ids.size() + 1));
            body = R"({"id":")" + m_ids.value(key) + R"(","status":"open"})";
        }
        socket->write("HTTP/1.1 " + QByteArray::number(status) + " Scripted\r\n"
                      + "Content-Type: application/json\r\nContent-Length: "
                      + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QList<Step> m_steps;
    Step m_fallback;
    QHash<QByteArray, QByteArray> m_ids;
};

QByteArray errorBody(const char *code, const char *message, const QJsonObject &fields = {})
{
    QJsonObject error { { u"code"_qs, QString::fromLatin1(code) },
                        { u"message"_qs, QString::fromLatin1(message) } };
    if (!fields.isEmpty())
        error.insert(u"fields"_qs, fields);
    return QJsonDocument(QJsonObject { { u"error"_qs, error } }).toJson(QJsonDocument::Compact);
}

QByteArray requestBody(const QString &summary)
{
    return QJsonDocument(QJsonObject { { u"crn"_qs, u"1694023642.7"_qs },
                                       { u"category"_qs, u"customer_complaint"_qs },
                                       { u"priority"_qs, u"p2"_qs },
                                       { u"team"_qs, u"quality"_qs },
                                       { u"summary"_qs, summary } })
        .toJson(QJsonDocument::Compact);
}

const QByteArray kToken = "test-token-7f3a9c2e-never-on-disk";

std::optional<OutboxItem> itemWithKey(const Outbox &outbox, const QString &key)
{
    for (const OutboxItem &item : outbox.items()) {
        if (item.idempotencyKey == key)
            return item;
    }
    return std::nullopt;
}

// Waits until the item with key reaches state; returns it as it was then.
std::optional<OutboxItem> waitFor(const Outbox &outbox, const QString &key, OutboxState state,
                                  int timeoutMs = 10000)
{
    std::optional<OutboxItem> found;
    const bool reached = QTest::qWaitFor(
        [&] {
            found = itemWithKey(outbox, key);
            return found && found->state == state;
        },
        timeoutMs);
    return reached ? found : std::nullopt;
}

std::unique_ptr<Outbox> makeOutbox(const QString &path, const QUrl &server)
{
    auto outbox = std::make_unique<Outbox>(path);
    // Short, so that the tests see retries in milliseconds.
    outbox->setBackoff(20, 200);
    outbox->setTimeouts(2000, 2000);
    if (server.isValid())
        outbox->setServer(server, kToken);
    return outbox;
}

} // namespace

class TstOutbox : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void stateNames_data();
    void stateNames();
    void queuedSendingSent();
    void queuedIsOnDiskFirst();
    void unavailableThenCreated();
    void stallTimesOutAndRetries();
    void closedConnectionRetries();
    void validationFailedKeepsFields();
    void conflictFails();
    void unauthorizedFails();
    void resubmitMakesNewKey();
    void discardRemovesFailedOnly();
    void sendingAtStartIsResentWithSameKey();
    void nothingSentWithoutServer();
    void retryNowMakesQueuedDue();
    void backoffBounds_data();
    void backoffBounds();
    void backoffOfARealRetry();
    void damagedFileMovedAside();
    void newerFileMovedAside();
    void tokenNeverOnDisk();

private:
    QString outboxPath() const { return m_dir->filePath(u"outbox.sqlite"_qs); }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TstOutbox::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TstOutbox::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TstOutbox::cleanup()
{
    m_dir.reset();
}

void TstOutbox::stateNames_data()
{
    QTest::addColumn<OutboxState>("state");
    QTest::addColumn<QString>("word");
    QTest::newRow("queued") << OutboxState::Queued << u"queued"_qs;
    QTest::newRow("sending") << OutboxState::Sending << u"sending"_qs;
    QTest::newRow("sent") << OutboxState::Sent << u"sent"_qs;
    QTest::newRow("failed") << OutboxState::Failed << u"failed"_qs;
}

void TstOutbox::stateNames()
{
    QFETCH(OutboxState, state);
    QFETCH(QString, word);
    QCOMPARE(toString(state), word);
    // Compared as words: QtTest would print the enum with the QString-returning toString.
    QVERIFY(outboxStateFromString(word) == state);
    QVERIFY(!outboxStateFromString(u"draft"_qs));
}

void TstOutbox::queuedSendingSent()
{
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    auto outbox = makeOutbox(outboxPath(), peer.url());
    QSignalSpy changes(outbox.get(), &Outbox::itemChanged);
    QSignalSpy loaded(outbox.get(), &Outbox::itemsLoaded);

    const QByteArray body = requestBody(u"first"_qs);
    const QString key = outbox->submit(body, u"1694023642.7"_qs, u"first"_qs);
    // The API takes 8 to 128 characters from A-Z a-z 0-9 - _ . :
    QVERIFY(QRegularExpression(u"^[A-Za-z0-9\\-_.:]{8,128}$"_qs).match(key).hasMatch());

    QVERIFY(waitFor(*outbox, key, OutboxState::Sent));
    QCOMPARE(loaded.count(), 1);
    QStringList states;
    for (const QList<QVariant> &change : changes)
        states.append(toString(change.at(0).value<OutboxItem>().state));
    QCOMPARE(states, (QStringList { u"queued"_qs, u"sending"_qs, u"sent"_qs }));

    const OutboxItem sent = *itemWithKey(*outbox, key);
    QCOMPARE(sent.escalationId, u"esc-1"_qs);
    QCOMPARE(sent.attempts, 1);
    QCOMPARE(sent.body, body);
    QCOMPARE(sent.crn, u"1694023642.7"_qs);
    QCOMPARE(sent.summary, u"first"_qs);
    QVERIFY(sent.lastError.isEmpty());
    QVERIFY(sent.createdUtc.isValid() && sent.updatedUtc >= sent.createdUtc);
    QCOMPARE(outbox->items().size(), 1);

    QCOMPARE(peer.requests.size(), 1);
    const ScriptedPeer::Request &request = peer.requests.first();
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.path, QByteArray("/api/v1/escalations"));
    QCOMPARE(request.headers.value("authorization"), "Bearer " + kToken);
    QCOMPARE(request.headers.value("idempotency-key"), key.toLatin1());
    QCOMPARE(request.headers.value("content-type"), QByteArray("application/json"));
    QCOMPARE(request.body, body);
}

void TstOutbox::queuedIsOnDiskFirst()
{
    // No server: the item stays queued, and the signal must mean it is in the file already.
    auto outbox = makeOutbox(outboxPath(), {});
    QSignalSpy changes(outbox.get(), &Outbox::itemChanged);
    const QString key
        = outbox->submit(requestBody(u"durable"_qs), u"1694023642.7"_qs, u"durable"_qs);
    QVERIFY(changes.wait(10000));
    QCOMPARE(toString(changes.first().at(0).value<OutboxItem>().state), u"queued"_qs);

    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_qs, u"reader"_qs);
        db.setDatabaseName(outboxPath());
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(u"SELECT idempotency_key, state FROM items"_qs));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toString(), key);
        QCOMPARE(query.value(1).toString(), u"queued"_qs);
        QVERIFY(query.exec(u"PRAGMA journal_mode"_qs) && query.next());
        QCOMPARE(query.value(0).toString(), u"wal"_qs);
        QVERIFY(query.exec(u"PRAGMA user_version"_qs) && query.next());
        QCOMPARE(query.value(0).toInt(), 1);
    }
    QSqlDatabase::removeDatabase(u"reader"_qs);
}

void TstOutbox::unavailableThenCreated()
{
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    peer.script({ { ScriptedPeer::Action::Answer, 503,
                    errorBody("unavailable", "The call database cannot be read right now.") } });
    auto outbox = makeOutbox(outboxPath(), peer.url());
    QSignalSpy changes(outbox.get(), &Outbox::itemChanged);
    const QString key = outbox->submit(requestBody(u"x"_qs), u"1694023642.7"_qs, u"x"_qs);

    const auto sent = waitFor(*outbox, key, OutboxState::Sent);
    QVERIFY(sent);
    QCOMPARE(sent->attempts, 2);
    QCOMPARE(sent->escalationId, u"esc-1"_qs);

    // Between the two attempts it was queued again, with the server's sentence.
    bool requeued = false;
    for (const QList<QVariant> &change : changes) {
        const OutboxItem item = change.at(0).value<OutboxItem>();
        if (item.state == OutboxState::Queued && item.attempts == 1) {
            requeued = true;
            QVERIFY2(item.lastError.contains(u"The call database cannot be read right now."_qs),
                     qPrintable(item.lastError));
        }
    }
    QVERIFY(requeued);
    QCOMPARE(peer.requests.size(), 2);
    for (const ScriptedPeer::Request &request : std::as_const(peer.requests))
        QCOMPARE(request.headers.value("idempotency-key"), key.toLatin1());
}

void TstOutbox::stallTimesOutAndRetries()
{
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    peer.script({ { ScriptedPeer::Action::Stall, 0, {} } });
    auto outbox = makeOutbox(outboxPath(), peer.url());
    outbox->setTimeouts(300, 300);
    QSignalSpy changes(outbox.get(), &Outbox::itemChanged);
    const QString key = outbox->submit(requestBody(u"x"_qs), u"1694023642.7"_qs, u"x"_qs);

    const auto sent = waitFor(*outbox, key, OutboxState::Sent);
    QVERIFY(sent);
    QCOMPARE(sent->attempts, 2);
    bool timedOut = false;
    for (const QList<QVariant> &change : changes) {
        const OutboxItem item = change.at(0).value<OutboxItem>();
        if (item.state == OutboxState::Queued && item.attempts == 1)
            timedOut = item.lastError.contains(u"did not answer within 0.3 seconds"_qs);
    }
    QVERIFY(timedOut);
    QCOMPARE(peer.requests.size(), 2);
    QCOMPARE(peer.requests.at(1).headers.value("idempotency-key"), key.toLatin1());
}

void TstOutbox::closedConnectionRetries()
{
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    // Qt itself sends a request again once or twice when a connection closes unanswered; every
    // one of those is closed too, until the outbox has queued the item again.
    peer.setFallback({ ScriptedPeer::Action::Close, 0, {} });
    auto outbox = makeOutbox(outboxPath(), peer.url());
    outbox->setBackoff(60'000, 60'000);
    const QString key = outbox->submit(requestBody(u"x"_qs), u"1694023642.7"_qs, u"x"_qs);

    std::optional<OutboxItem> queued;
    QTRY_VERIFY_WITH_TIMEOUT((queued = itemWithKey(*outbox, key)) && queued->attempts == 1
                                 && queued->state == OutboxState::Queued,
                             10000);
    QVERIFY2(queued->lastError.contains(u"closed the connection without answering"_qs),
             qPrintable(queued->lastError));

    peer.setFallback({});
    outbox->retryNow();
    const auto sent = waitFor(*outbox, key, OutboxState::Sent);
    QVERIFY(sent);
    QCOMPARE(sent->attempts, 2);
    QVERIFY(peer.requests.size() >= 2);
    for (const ScriptedPeer::Request &request : std::as_const(peer.requests))
        QCOMPARE(request.headers.value("idempotency-key"), key.toLatin1());
}

void TstOutbox::validationFailedKeepsFields()
{
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    const QJsonObject fields { { u"callback_number"_qs,
                                 u"A callback number needs 6 to 15 digits."_qs },
                               { u"summary"_qs, u"A summary is required."_qs } };
    peer.script({ { ScriptedPeer::Action::Answer, 422,
                    errorBody("validation_failed", "2 fields need correcting.", fields) } });
    auto outbox = makeOutbox(outboxPath(), peer.url());
    const QString key = outbox->submit(requestBody(u" "_qs), u"1694023642.7"_qs, u" "_qs);

    const auto failed = waitFor(*outbox, key, OutboxState::Failed);
    QVERIFY(failed);
    QCOMPARE(failed->lastError, u"2 fields need correcting."_qs);
    const QMap<QString, QString> expected { { u"callback_number"_qs,
                                              u"A callback number needs 6 to 15 digits."_qs },
                                            { u"summary"_qs, u"A summary is required."_qs } };
    QCOMPARE(failed->fieldErrors, expected);
    QCOMPARE(failed->attempts, 1);
    QVERIFY(failed->escalationId.isEmpty());
    QCOMPARE(peer.requests.size(), 1);

    // Failed stays failed across a restart, with its fields.
    outbox.reset();
    auto reopened = makeOutbox(outboxPath(), peer.url());
    QSignalSpy loaded(reopened.get(), &Outbox::itemsLoaded);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(reopened->items().size(), 1);
    QCOMPARE(toString(reopened->items().first().state), u"failed"_qs);
    QCOMPARE(reopened->items().first().fieldErrors, expected);
}

void TstOutbox::conflictFails()
{
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    peer.script({ { ScriptedPeer::Action::Answer, 409,
                    errorBody("idempotency_conflict",
                              "This Idempotency-Key was used before with another body.") } });
    auto outbox = makeOutbox(outboxPath(), peer.url());
    const QString key = outbox->submit(requestBody(u"x"_qs), u"1694023642.7"_qs, u"x"_qs);

    const auto failed = waitFor(*outbox, key, OutboxState::Failed);
    QVERIFY(failed);
    QVERIFY2(failed->lastError.contains(u"different escalation under this submission's key"_qs),
             qPrintable(failed->lastError));
    QCOMPARE(peer.requests.size(), 1);
}

void TstOutbox::unauthorizedFails()
{
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    peer.script({ { ScriptedPeer::Action::Answer, 401,
                    errorBody("unauthorized", "The access token is not known to the server.") } });
    auto outbox = makeOutbox(outboxPath(), peer.url());
    const QString key = outbox->submit(requestBody(u"x"_qs), u"1694023642.7"_qs, u"x"_qs);

    const auto failed = waitFor(*outbox, key, OutboxState::Failed);
    QVERIFY(failed);
    QCOMPARE(failed->lastError, u"The access token is not known to the server."_qs);
    QVERIFY(failed->fieldErrors.isEmpty());
    QCOMPARE(peer.requests.size(), 1);
}

void TstOutbox::resubmitMakesNewKey()
{
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    peer.script({ { ScriptedPeer::Action::Answer, 422,
                    errorBody("validation_failed", "1 field needs correcting.",
                              { { u"summary"_qs, u"A summary is required."_qs } }) } });
    auto outbox = makeOutbox(outboxPath(), peer.url());
    const QString firstKey = outbox->submit(requestBody(u""_qs), u"1694023642.7"_qs, u""_qs);
    const auto failed = waitFor(*outbox, firstKey, OutboxState::Failed);
    QVERIFY(failed);

    const QByteArray corrected = requestBody(u"corrected"_qs);
    QSignalSpy changes(outbox.get(), &Outbox::itemChanged);
    outbox->resubmit(failed->id, corrected);
    QVERIFY(changes.wait(10000));
    const OutboxItem requeued = changes.first().at(0).value<OutboxItem>();
    QCOMPARE(requeued.id, failed->id);
    QCOMPARE(toString(requeued.state), u"queued"_qs);
    QCOMPARE(requeued.attempts, 0);
    QVERIFY(requeued.lastError.isEmpty());
    QVERIFY(requeued.fieldErrors.isEmpty());
    QVERIFY(requeued.idempotencyKey != firstKey);

    const auto sent = waitFor(*outbox, requeued.idempotencyKey, OutboxState::Sent);
    QVERIFY(sent);
    QCOMPARE(sent->body, corrected);
    QCOMPARE(outbox->items().size(), 1);
    QCOMPARE(peer.requests.size(), 2);
    QCOMPARE(peer.requests.at(1).headers.value("idempotency-key"),
             requeued.idempotencyKey.toLatin1());
    QCOMPARE(peer.requests.at(1).body, corrected);
}

void TstOutbox::discardRemovesFailedOnly()
{
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    peer.script({ { ScriptedPeer::Action::Answer, 403,
                    errorBody("forbidden", "Only supervisors may escalate.") } });
    auto outbox = makeOutbox(outboxPath(), peer.url());
    const QString failedKey = outbox->submit(requestBody(u"a"_qs), u"1694023642.7"_qs, u"a"_qs);
    const auto failed = waitFor(*outbox, failedKey, OutboxState::Failed);
    QVERIFY(failed);
    QCOMPARE(failed->lastError, u"Only supervisors may escalate."_qs);
    const QString sentKey = outbox->submit(requestBody(u"b"_qs), u"1694023642.7"_qs, u"b"_qs);
    const auto sent = waitFor(*outbox, sentKey, OutboxState::Sent);
    QVERIFY(sent);

    QSignalSpy removed(outbox.get(), &Outbox::itemRemoved);
    // A sent item is not the outbox's to forget; the failed one is discarded after it, in order.
    outbox->discard(sent->id);
    outbox->discard(failed->id);
    QVERIFY(removed.wait(10000));
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.first().at(0).toLongLong(), failed->id);
    QCOMPARE(outbox->items().size(), 1);
    QCOMPARE(outbox->items().first().id, sent->id);

    outbox.reset();
    auto reopened = makeOutbox(outboxPath(), {});
    QSignalSpy loaded(reopened.get(), &Outbox::itemsLoaded);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(reopened->items().size(), 1);
    QCOMPARE(reopened->items().first().idempotencyKey, sentKey);
}

void TstOutbox::sendingAtStartIsResentWithSameKey()
{
    QString key;
    {
        ScriptedPeer stalling;
        QVERIFY(stalling.listen());
        stalling.setFallback({ ScriptedPeer::Action::Stall, 0, {} });
        auto outbox = makeOutbox(outboxPath(), stalling.url());
        outbox->setTimeouts(60'000, 60'000);
        key = outbox->submit(requestBody(u"x"_qs), u"1694023642.7"_qs, u"x"_qs);
        QVERIFY(waitFor(*outbox, key, OutboxState::Sending));
        QTRY_COMPARE(stalling.requests.size(), 1);
        // Destroyed mid-request: the file is left as a crash leaves it.
    }
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_qs, u"reader"_qs);
        db.setDatabaseName(outboxPath());
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(u"SELECT state, attempts FROM items"_qs) && query.next());
        QCOMPARE(query.value(0).toString(), u"sending"_qs);
        QCOMPARE(query.value(1).toInt(), 1);
    }
    QSqlDatabase::removeDatabase(u"reader"_qs);

    ScriptedPeer peer;
    QVERIFY(peer.listen());
    auto outbox = makeOutbox(outboxPath(), {});
    QSignalSpy loaded(outbox.get(), &Outbox::itemsLoaded);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(outbox->items().size(), 1);
    QCOMPARE(toString(outbox->items().first().state), u"queued"_qs);
    QCOMPARE(outbox->items().first().idempotencyKey, key);

    outbox->setServer(peer.url(), kToken);
    const auto sent = waitFor(*outbox, key, OutboxState::Sent);
    QVERIFY(sent);
    QCOMPARE(sent->attempts, 2);
    QCOMPARE(peer.requests.size(), 1);
    QCOMPARE(peer.requests.first().headers.value("idempotency-key"), key.toLatin1());
}

void TstOutbox::nothingSentWithoutServer()
{
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    auto outbox = makeOutbox(outboxPath(), {});
    // A token is needed as well as the address.
    outbox->setServer(peer.url(), QByteArray());
    const QString key = outbox->submit(requestBody(u"x"_qs), u"1694023642.7"_qs, u"x"_qs);
    QVERIFY(waitFor(*outbox, key, OutboxState::Queued));
    QCOMPARE(peer.requests.size(), 0);

    outbox->setServer(peer.url(), kToken);
    QVERIFY(waitFor(*outbox, key, OutboxState::Sent));
    QCOMPARE(peer.requests.size(), 1);
}

void TstOutbox::retryNowMakesQueuedDue()
{
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    peer.script(
        { { ScriptedPeer::Action::Answer, 429, errorBody("unavailable", "Too many requests.") } });
    auto outbox = makeOutbox(outboxPath(), peer.url());
    // An hour at most; seeded, so that the draw is the same every run and far from now.
    outbox->setBackoff(3'600'000, 3'600'000);
    outbox->setRandomSeed(4);
    const QString key = outbox->submit(requestBody(u"x"_qs), u"1694023642.7"_qs, u"x"_qs);

    std::optional<OutboxItem> queued;
    QTRY_VERIFY_WITH_TIMEOUT((queued = itemWithKey(*outbox, key)) && queued->attempts == 1
                                 && queued->state == OutboxState::Queued,
                             10000);
    QVERIFY2(queued->nextAttemptUtc > queued->updatedUtc.addSecs(60),
             "the seeded draw must leave the next attempt well in the future");
    QVERIFY(queued->lastError.contains(u"Too many requests."_qs));

    outbox->retryNow();
    const auto sent = waitFor(*outbox, key, OutboxState::Sent, 5000);
    QVERIFY(sent);
    QCOMPARE(sent->attempts, 2);
}

void TstOutbox::backoffBounds_data()
{
    QTest::addColumn<int>("failedAttempts");
    QTest::addColumn<int>("initialMs");
    QTest::addColumn<int>("maxMs");
    QTest::addColumn<qint64>("bound");

    // bound = min(max, initial * 2^(n-1)), by hand.
    QTest::newRow("first failure: 1 s") << 1 << 1000 << 300000 << qint64(1000);
    QTest::newRow("second: 2 s") << 2 << 1000 << 300000 << qint64(2000);
    QTest::newRow("third: 4 s") << 3 << 1000 << 300000 << qint64(4000);
    QTest::newRow("ninth: 256 s") << 9 << 1000 << 300000 << qint64(256000);
    QTest::newRow("tenth: 512 s capped at 300 s") << 10 << 1000 << 300000 << qint64(300000);
    QTest::newRow("thousandth: capped, no overflow") << 1000 << 1000 << 300000 << qint64(300000);
    QTest::newRow("small steps: 20 ms * 2^4") << 5 << 20 << 200 << qint64(200);
    QTest::newRow("small steps: 20 ms * 2^3") << 4 << 20 << 200 << qint64(160);
}

void TstOutbox::backoffBounds()
{
    QFETCH(int, failedAttempts);
    QFETCH(int, initialMs);
    QFETCH(int, maxMs);
    QFETCH(qint64, bound);

    QRandomGenerator random(12345);
    qint64 lowest = bound;
    qint64 highest = 0;
    double sum = 0;
    constexpr int kDraws = 4000;
    for (int i = 0; i < kDraws; ++i) {
        const qint64 delay = Outbox::backoffDelayMs(failedAttempts, initialMs, maxMs, &random);
        QVERIFY2(delay >= 0 && delay <= bound, qPrintable(QString::number(delay)));
        lowest = std::min(lowest, delay);
        highest = std::max(highest, delay);
        sum += double(delay);
    }
    // Full jitter: spread over the whole of [0, bound], about bound/2 on average.
    QVERIFY(lowest < bound / 10);
    QVERIFY(highest > bound - bound / 10);
    const double mean = sum / kDraws;
    QVERIFY2(mean > 0.45 * double(bound) && mean < 0.55 * double(bound),
             qPrintable(QString::number(mean)));
}

void TstOutbox::backoffOfARealRetry()
{
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    const QByteArray unavailable = errorBody("unavailable", "Not now.");
    peer.script({ { ScriptedPeer::Action::Answer, 503, unavailable },
                  { ScriptedPeer::Action::Answer, 500, unavailable },
                  { ScriptedPeer::Action::Answer, 408, unavailable } });
    auto outbox = makeOutbox(outboxPath(), peer.url());
    outbox->setBackoff(100, 10'000);
    QSignalSpy changes(outbox.get(), &Outbox::itemChanged);
    const QString key = outbox->submit(requestBody(u"x"_qs), u"1694023642.7"_qs, u"x"_qs);
    QVERIFY(waitFor(*outbox, key, OutboxState::Sent));

    // After the n-th failure the next attempt is at most 100 ms * 2^(n-1) later: 100, 200, 400.
    QList<qint64> waits;
    for (const QList<QVariant> &change : changes) {
        const OutboxItem item = change.at(0).value<OutboxItem>();
        if (item.state != OutboxState::Queued || item.attempts == 0)
            continue;
        const qint64 wait = item.updatedUtc.msecsTo(item.nextAttemptUtc);
        const qint64 bound = 100LL << (item.attempts - 1);
        QVERIFY2(wait >= 0 && wait <= bound,
                 qPrintable(QString::number(wait) + u" > "_qs + QString::number(bound)));
        waits.append(wait);
    }
    QCOMPARE(waits.size(), 3);
    QCOMPARE(itemWithKey(*outbox, key)->attempts, 4);
}

void TstOutbox::damagedFileMovedAside()
{
    {
        QFile file(outboxPath());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(8192, 'x'));
    }
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    auto outbox = makeOutbox(outboxPath(), peer.url());
    QSignalSpy problems(outbox.get(), &Outbox::problem);
    QSignalSpy loaded(outbox.get(), &Outbox::itemsLoaded);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(problems.count(), 1);
    const QString sentence = problems.first().at(0).toString();
    QVERIFY2(sentence.contains(u"damaged"_qs) && sentence.contains(u"outbox.sqlite.corrupt-"_qs),
             qPrintable(sentence));

    const QStringList aside
        = QDir(m_dir->path()).entryList({ u"outbox.sqlite.corrupt-*"_qs }, QDir::Files);
    QCOMPARE(aside.size(), 1);
    QFile kept(m_dir->filePath(aside.first()));
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QCOMPARE(kept.readAll(), QByteArray(8192, 'x'));

    // The new outbox works.
    const QString key = outbox->submit(requestBody(u"x"_qs), u"1694023642.7"_qs, u"x"_qs);
    QVERIFY(waitFor(*outbox, key, OutboxState::Sent));
}

void TstOutbox::newerFileMovedAside()
{
    // A file a newer console wrote (schema 2 and up) is kept for it, not misread.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_qs, u"writer"_qs);
        db.setDatabaseName(outboxPath());
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(u"CREATE TABLE future (x INTEGER)"_qs));
        QVERIFY(query.exec(u"PRAGMA user_version = 2"_qs));
    }
    QSqlDatabase::removeDatabase(u"writer"_qs);

    auto outbox = makeOutbox(outboxPath(), {});
    QSignalSpy problems(outbox.get(), &Outbox::problem);
    QSignalSpy loaded(outbox.get(), &Outbox::itemsLoaded);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(problems.count(), 1);
    QVERIFY2(problems.first().at(0).toString().contains(u"newer console"_qs),
             qPrintable(problems.first().at(0).toString()));
    QCOMPARE(QDir(m_dir->path()).entryList({ u"outbox.sqlite.corrupt-*"_qs }, QDir::Files).size(),
             1);
    QVERIFY(outbox->items().isEmpty());
}

void TstOutbox::tokenNeverOnDisk()
{
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    peer.script({ { ScriptedPeer::Action::Answer, 503, errorBody("unavailable", "Not now.") } });
    auto outbox = makeOutbox(outboxPath(), peer.url());
    const QString key = outbox->submit(requestBody(u"x"_qs), u"1694023642.7"_qs, u"x"_qs);
    QVERIFY(waitFor(*outbox, key, OutboxState::Sent));
    QCOMPARE(peer.requests.first().headers.value("authorization"), "Bearer " + kToken);

    // The file, its write-ahead log and anything else beside it.
    int files = 0;
    for (const QString &name : QDir(m_dir->path()).entryList(QDir::Files)) {
        QFile file(m_dir->filePath(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY2(!bytes.contains(kToken), qPrintable(name));
        ++files;
    }
    QVERIFY(files >= 1);
}

QTEST_GUILESS_MAIN(TstOutbox)
#include "tst_outbox.moc"
