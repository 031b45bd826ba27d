// The escalation routes of a real `crn-server serve` over loopback, with the calls of
// testcalls.h: roles, idempotent creation (also with many requests at once and with two server
// processes on one database), status changes and their audit rows, the list, and
// has_escalation in the calls search. The contract/ run sends the same requests through the
// validating proxy.

#include "testcalls.h"
#include "testdatabase.h"
#include "testserver.h"

#include "store/databaseaddress.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Answer
{
    int status = 0;
    QByteArray location;
    QByteArray contentType;
    QByteArray body;
    QJsonObject json;
};

const QString kCrn = u"1694023642.7"_qs;

QJsonObject request(const QString &summary, const QString &crn = kCrn)
{
    return { { u"crn"_qs, crn },
             { u"category"_qs, u"complaint"_qs },
             { u"priority"_qs, u"p1"_qs },
             { u"team"_qs, u"customer_care"_qs },
             { u"summary"_qs, summary } };
}

QStringList idsOf(const QJsonObject &page)
{
    QStringList ids;
    for (const QJsonValue &escalation : page.value(u"escalations").toArray())
        ids.append(escalation.toObject().value(u"id").toString());
    return ids;
}

} // namespace

class TestEscalationServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();

    void optionsForEveryRole();
    void rolesThatMayNotEscalate();
    void createRepeatConflict();
    void concurrentDuplicates();
    void twoServersOneDatabase();
    void patchWritesHistoryAndAudit();
    void agentSeesOwnCallsOnly();
    void hasEscalationInCallSearch();
    void catalogueFile();

private:
    QNetworkReply *send(const QByteArray &method, const QString &path, const QByteArray &body,
                        const QByteArray &authorization, const QByteArray &key = {},
                        const QUrl &base = {});
    Answer finish(QNetworkReply *reply);
    Answer call(const QByteArray &method, const QString &path, const QJsonObject &body = {},
                Role role = Role::Supervisor, const QByteArray &key = {});
    int escalationRows(const QString &where = {});

    QTemporaryDir m_dir;
    QString m_database; // --db: the SQLite file, or a PostgreSQL URL on the postgres/ run
    std::unique_ptr<TestServer> m_server;
    QNetworkAccessManager m_network;
    QByteArray m_operatorAgent; // an agent of the calls whose agent is "Operator"
};

void TestEscalationServer::initTestCase()
{
    QVERIFY(m_dir.isValid());
    if (ContractProxy::requested()) {
        if (const QString why = ContractProxy::unavailableReason(); !why.isEmpty())
            QSKIP(qPrintable(why));
    }
    m_database = TestDatabase::address(m_dir.filePath(u"calls.db"_qs));
    m_server = std::make_unique<TestServer>(m_database);
    QString why;
    QList<Call> calls = TestCalls::servedCalls();
    // The second call was taken by another agent.
    calls[1] = TestCalls::make(TestCalls::kUuidCrn, u"2023-10-01T09:00:00Z"_qs,
                               { u"PJSIP/trunk-00000010"_qs, u"PJSIP/agent-00000011"_qs },
                               u"Agent Z"_qs);
    QVERIFY2(m_server->writeDatabase(calls, &why), qPrintable(why));
    QVERIFY2(m_server->start(0, &why), qPrintable(why));
    QByteArray token;
    QVERIFY2(m_server->addUser(u"olga"_qs, Role::Agent, u"Operator"_qs, &token, &why),
             qPrintable(why));
    m_operatorAgent = "Bearer " + token;
}

// Through the proxy, an answer that breaks the document is an error prism only logs.
void TestEscalationServer::cleanup()
{
    ContractProxy *proxy = m_server ? m_server->contractProxy() : nullptr;
    if (!proxy)
        return;
    QStringList violations;
    QString error;
    QVERIFY2(proxy->takeLoggedViolations(&violations, &error), qPrintable(error));
    QVERIFY2(violations.isEmpty(), qPrintable(violations.join(u'\n')));
}

void TestEscalationServer::cleanupTestCase()
{
    m_server.reset();
    QSqlDatabase::removeDatabase(u"escalation-count"_qs);
}

QNetworkReply *TestEscalationServer::send(const QByteArray &method, const QString &path,
                                          const QByteArray &body, const QByteArray &authorization,
                                          const QByteArray &key, const QUrl &base)
{
    QUrl url = base.isEmpty() ? m_server->url() : base;
    const QUrl relative = QUrl::fromEncoded(path.toUtf8(), QUrl::StrictMode);
    url.setPath(relative.path());
    url.setQuery(relative.query());
    QNetworkRequest request(url);
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
    if (!key.isEmpty())
        request.setRawHeader("Idempotency-Key", key);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    return m_network.sendCustomRequest(request, method, body);
}

Answer TestEscalationServer::finish(QNetworkReply *reply)
{
    std::unique_ptr<QNetworkReply> owner(reply);
    Answer answer;
    if (!reply->isFinished()) {
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!finished.wait(20000))
            return answer;
    }
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.location = reply->rawHeader("Location");
    answer.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    answer.body = reply->readAll();
    answer.json = QJsonDocument::fromJson(answer.body).object();
    return answer;
}

Answer TestEscalationServer::call(const QByteArray &method, const QString &path,
                                  const QJsonObject &body, Role role, const QByteArray &key)
{
    return finish(send(method, path, body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(),
                       m_server->authorization(role), key));
}

int TestEscalationServer::escalationRows(const QString &where)
{
    // A connection of the test's own, as the server's database sees it.
    if (!QSqlDatabase::contains(u"escalation-count"_qs)) {
        QString why;
        const std::optional<DatabaseAddress> address = DatabaseAddress::parse(m_database, &why);
        if (!address || !address->open(u"escalation-count"_qs, &why)) {
            qWarning("Cannot open the test's database: %s", qPrintable(why));
            return -1;
        }
    }
    QSqlDatabase db = QSqlDatabase::database(u"escalation-count"_qs);
    QSqlQuery query(db);
    if (!query.exec(u"SELECT count(*) FROM escalations"_qs
                    + (where.isEmpty() ? QString() : u" WHERE "_qs + where))
        || !query.next())
        return -1;
    return query.value(0).toInt();
}

void TestEscalationServer::optionsForEveryRole()
{
    for (const Role role : { Role::Supervisor, Role::Auditor, Role::Agent }) {
        const Answer answer = call("GET", u"/api/v1/escalation-options"_qs, {}, role);
        QCOMPARE(answer.status, 200);
        QCOMPARE(answer.json.value(u"teams").toArray().size(), 4);
    }
    QCOMPARE(finish(send("GET", u"/api/v1/escalation-options"_qs, {}, {})).status, 401);
}

void TestEscalationServer::rolesThatMayNotEscalate()
{
    for (const Role role : { Role::Auditor, Role::Agent }) {
        const Answer answer = call("POST", u"/api/v1/escalations"_qs, request(u"Not mine"_qs), role,
                                   "roles-key-0001");
        QCOMPARE(answer.status, 403);
        QCOMPARE(answer.json.value(u"error").toObject().value(u"code").toString(), u"forbidden"_qs);
    }
    QCOMPARE(finish(send("POST", u"/api/v1/escalations"_qs,
                         QJsonDocument(request(u"x"_qs)).toJson(), {}, "roles-key-0001"))
                 .status,
             401);
    QCOMPARE(escalationRows(u"idempotency_key = 'roles-key-0001'"_qs), 0);

    // The header is checked after the role, and before anything is stored.
    const Answer noKey = call("POST", u"/api/v1/escalations"_qs, request(u"No key"_qs));
    if (!m_server->contractProxy()) {
        QCOMPARE(noKey.status, 400);
        QVERIFY(noKey.json.value(u"error")
                    .toObject()
                    .value(u"message")
                    .toString()
                    .contains(u"Idempotency-Key"));
    } else {
        // prism refuses a request without the required header itself.
        QVERIFY2(!ContractProxy::refusal(noKey.contentType, noKey.body).isEmpty(), noKey.body);
    }
}

void TestEscalationServer::createRepeatConflict()
{
    const QJsonObject body = request(u"Caller waited 20 minutes"_qs);
    const Answer created
        = call("POST", u"/api/v1/escalations"_qs, body, Role::Supervisor, "create-key-0001");
    QCOMPARE(created.status, 201);
    const QString id = created.json.value(u"id").toString();
    QCOMPARE(created.location, "/api/v1/escalations/" + id.toUtf8());
    QCOMPARE(created.json.value(u"author").toString(), u"supervisor"_qs);

    const Answer repeat
        = call("POST", u"/api/v1/escalations"_qs, body, Role::Supervisor, "create-key-0001");
    QCOMPARE(repeat.status, 200);
    QCOMPARE(repeat.json, created.json);

    QJsonObject other = body;
    other.insert(u"priority"_qs, u"p4"_qs);
    const Answer conflict
        = call("POST", u"/api/v1/escalations"_qs, other, Role::Supervisor, "create-key-0001");
    QCOMPARE(conflict.status, 409);
    QCOMPARE(conflict.json.value(u"error").toObject().value(u"code").toString(),
             u"idempotency_conflict"_qs);
    QCOMPARE(escalationRows(u"idempotency_key = 'create-key-0001'"_qs), 1);

    const Answer read = call("GET", u"/api/v1/escalations/"_qs + id);
    QCOMPARE(read.status, 200);
    QCOMPARE(read.json, created.json);

    QJsonObject invalid = body;
    invalid.insert(u"callback_number"_qs, u"12"_qs);
    const Answer refused
        = call("POST", u"/api/v1/escalations"_qs, invalid, Role::Supervisor, "create-key-0002");
    QCOMPARE(refused.status, 422);
    QCOMPARE(refused.json.value(u"error").toObject().value(u"fields").toObject().keys(),
             QStringList { u"callback_number"_qs });
}

void TestEscalationServer::concurrentDuplicates()
{
    // Eight requests with one key, all sent before any answer is read: QNetworkAccessManager
    // opens up to six connections to the host, so several are in flight at once.
    const QByteArray body = QJsonDocument(request(u"Sent eight times"_qs)).toJson();
    QList<QNetworkReply *> replies;
    for (int i = 0; i < 8; ++i)
        replies.append(send("POST", u"/api/v1/escalations"_qs, body, m_server->authorization(),
                            "concurrent-key-0001"));
    QList<int> statuses;
    QSet<QString> ids;
    for (QNetworkReply *reply : replies) {
        const Answer answer = finish(reply);
        statuses.append(answer.status);
        ids.insert(answer.json.value(u"id").toString());
    }
    QCOMPARE(statuses.count(201), 1);
    QCOMPARE(statuses.count(200), 7);
    QCOMPARE(ids.size(), 1);
    QCOMPARE(escalationRows(u"idempotency_key = 'concurrent-key-0001'"_qs), 1);
}

void TestEscalationServer::twoServersOneDatabase()
{
    // A second crn-server process on the same database (the SQLite file, or the PostgreSQL
    // database on the postgres/ run), straight on its own port.
    QProcess second;
    second.setProgram(QStringLiteral(CRN_SERVER_BINARY));
    second.setArguments({ u"serve"_qs, u"--db"_qs, m_database, u"--listen"_qs, u"127.0.0.1:0"_qs });
    second.start();
    QVERIFY(second.waitForStarted(10000));
    static const QRegularExpression listening(u"listening on http://127\\.0\\.0\\.1:(\\d+)"_qs);
    QByteArray output;
    quint16 port = 0;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            output += second.readAllStandardOutput();
            const auto match = listening.match(QString::fromUtf8(output));
            port = match.hasMatch() ? match.captured(1).toUShort() : 0;
            return port != 0;
        }(),
        10000);
    QUrl secondUrl;
    secondUrl.setScheme(u"http"_qs);
    secondUrl.setHost(u"127.0.0.1"_qs);
    secondUrl.setPort(port);

    // Each round sends one key eight times, four to each process, all before any answer is
    // read; ten rounds give the two many chances to meet in the database. Exactly one request
    // creates, the seven others repeat it, and every answer names the one escalation.
    for (int round = 0; round < 10; ++round) {
        const QByteArray key = "two-servers-" + QByteArray::number(round);
        const QByteArray body
            = QJsonDocument(request(QStringLiteral("Round %1").arg(round))).toJson();
        QList<QNetworkReply *> replies;
        for (int i = 0; i < 8; ++i)
            replies.append(send("POST", u"/api/v1/escalations"_qs, body, m_server->authorization(),
                                key, i % 2 ? secondUrl : QUrl()));
        QList<int> statuses;
        QSet<QString> ids;
        for (QNetworkReply *reply : std::as_const(replies)) {
            const Answer answer = finish(reply);
            statuses.append(answer.status);
            ids.insert(answer.json.value(u"id").toString());
        }
        QStringList seen;
        for (const int status : std::as_const(statuses))
            seen.append(QString::number(status));
        QVERIFY2(statuses.count(201) == 1 && statuses.count(200) == 7,
                 qPrintable(u"round "_qs + QString::number(round) + u": "_qs + seen.join(u' ')));
        QCOMPARE(ids.size(), 1);
        QVERIFY(ids.cbegin()->startsWith(u"esc_"));
        QCOMPARE(escalationRows(u"idempotency_key = '"_qs + QString::fromLatin1(key) + u'\''), 1);
    }

    // Eight comments on one escalation at once, four through each process: each gets its own
    // place in the history (the positions are a primary key, so a collision would be a 500).
    const Answer created = call("POST", u"/api/v1/escalations"_qs, request(u"Comment race"_qs),
                                Role::Supervisor, "two-servers-comments");
    QCOMPARE(created.status, 201);
    const QString path = u"/api/v1/escalations/"_qs + created.json.value(u"id").toString();
    QList<QNetworkReply *> patches;
    for (int i = 0; i < 8; ++i) {
        const QJsonObject comment { { u"comment"_qs,
                                      QString(u"Comment "_qs + QString::number(i)) } };
        patches.append(send("PATCH", path, QJsonDocument(comment).toJson(),
                            m_server->authorization(), {}, i % 2 ? secondUrl : QUrl()));
    }
    for (QNetworkReply *reply : std::as_const(patches))
        QCOMPARE(finish(reply).status, 200);
    const QJsonArray history = call("GET", path).json.value(u"history").toArray();
    QCOMPARE(history.size(), 1 + 8);
    QSet<QString> comments;
    for (const QJsonValue &change : history)
        comments.insert(change.toObject().value(u"comment").toString());
    QCOMPARE(comments.size(), 1 + 8); // eight comments and the creation's none

    second.terminate();
    QVERIFY(second.waitForFinished(10000));
}

void TestEscalationServer::patchWritesHistoryAndAudit()
{
    const Answer created = call("POST", u"/api/v1/escalations"_qs, request(u"Patch me"_qs),
                                Role::Supervisor, "patch-key-0001");
    QCOMPARE(created.status, 201);
    const QString path = u"/api/v1/escalations/"_qs + created.json.value(u"id").toString();

    Answer answer = call("PATCH", path, { { u"status"_qs, u"acknowledged"_qs } });
    QCOMPARE(answer.status, 200);
    answer = call("PATCH", path, { { u"status"_qs, u"acknowledged"_qs } }); // no change
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.json.value(u"history").toArray().size(), 2);
    answer = call("PATCH", path, { { u"comment"_qs, u"Called the customer back."_qs } });
    QCOMPARE(answer.status, 200);
    answer = call("PATCH", path, { { u"status"_qs, u"open"_qs } });
    QCOMPARE(answer.status, 409);
    QCOMPARE(answer.json.value(u"error").toObject().value(u"code").toString(),
             u"invalid_transition"_qs);
    QCOMPARE(call("PATCH", path, { { u"comment"_qs, u"x"_qs } }, Role::Auditor).status, 403);

    const QJsonObject escalation = call("GET", path).json;
    const QJsonArray history = escalation.value(u"history").toArray();
    QCOMPARE(history.size(), 3);
    QCOMPARE(history.at(1).toObject().value(u"to_status").toString(), u"acknowledged"_qs);
    QCOMPARE(history.at(2).toObject().value(u"comment").toString(),
             u"Called the customer back."_qs);
    QCOMPARE(history.at(2).toObject().value(u"by").toString(), u"supervisor"_qs);

    // The audit log has one row per action, the status change with its detail.
    const QString id = created.json.value(u"id").toString();
    QStringList actions;
    QString detail;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            actions.clear();
            const Answer audit = call("GET", u"/api/v1/audit?limit=1000"_qs, {}, Role::Auditor);
            for (const QJsonValue &value : audit.json.value(u"entries").toArray()) {
                const QJsonObject entry = value.toObject();
                if (entry.value(u"escalation_id").toString() != id)
                    continue;
                actions.append(entry.value(u"action").toString());
                if (entry.value(u"action").toString() == u"escalation_status_changed")
                    detail = entry.value(u"detail").toString();
            }
            return actions.size() == 3;
        }(),
        5000);
    QCOMPARE(actions,
             (QStringList { u"escalation_created"_qs, u"escalation_status_changed"_qs,
                            u"escalation_commented"_qs }));
    QCOMPARE(detail, u"open -> acknowledged"_qs);
}

void TestEscalationServer::agentSeesOwnCallsOnly()
{
    const Answer own = call("POST", u"/api/v1/escalations"_qs, request(u"Own call"_qs),
                            Role::Supervisor, "agent-key-0001");
    const Answer other
        = call("POST", u"/api/v1/escalations"_qs, request(u"Other call"_qs, TestCalls::kUuidCrn),
               Role::Supervisor, "agent-key-0002");
    QCOMPARE(own.status, 201);
    QCOMPARE(other.status, 201);

    const auto asOperator = [&](const QString &path) {
        return finish(send("GET", path, {}, m_operatorAgent));
    };
    QCOMPARE(asOperator(u"/api/v1/escalations/"_qs + own.json.value(u"id").toString()).status, 200);
    QCOMPARE(asOperator(u"/api/v1/escalations/"_qs + other.json.value(u"id").toString()).status,
             403);
    const QStringList seen = idsOf(asOperator(u"/api/v1/escalations?limit=500"_qs).json);
    QVERIFY(seen.contains(own.json.value(u"id").toString()));
    QVERIFY(!seen.contains(other.json.value(u"id").toString()));

    // The list's filters and pages, as a supervisor.
    const QJsonObject uuidPage
        = call("GET", u"/api/v1/escalations?crn=PJSIP%2Fagent-00000011"_qs).json;
    QCOMPARE(idsOf(uuidPage), QStringList { other.json.value(u"id").toString() });
    const Answer first = call("GET", u"/api/v1/escalations?limit=1&team=customer_care"_qs);
    QCOMPARE(idsOf(first.json), QStringList { other.json.value(u"id").toString() });
    const QString cursor = first.json.value(u"next_cursor").toString();
    QVERIFY(!cursor.isEmpty());
    const Answer second
        = call("GET", u"/api/v1/escalations?limit=1&team=customer_care&cursor="_qs + cursor);
    QCOMPARE(idsOf(second.json), QStringList { own.json.value(u"id").toString() });
    const Answer badStatus = call("GET", u"/api/v1/escalations?status=closed"_qs);
    if (m_server->contractProxy()) // the proxy refuses a value outside the enum itself
        QVERIFY(!ContractProxy::refusal(badStatus.contentType, badStatus.body).isEmpty());
    else
        QCOMPARE(badStatus.status, 400);
}

void TestEscalationServer::hasEscalationInCallSearch()
{
    // Escalated by now: 1694023642.7 and the UUID call; the three 17000000xx calls are not.
    const auto crns = [&](const QString &query) {
        QStringList found;
        const Answer answer = call("GET", u"/api/v1/calls?"_qs + query);
        for (const QJsonValue &summary : answer.json.value(u"calls").toArray())
            found.append(summary.toObject().value(u"crn").toString());
        return found;
    };
    QCOMPARE(call("POST", u"/api/v1/escalations"_qs, request(u"Make sure"_qs), Role::Supervisor,
                  "search-key-0001")
                 .status,
             201);
    QCOMPARE(call("POST", u"/api/v1/escalations"_qs, request(u"Make sure"_qs, TestCalls::kUuidCrn),
                  Role::Supervisor, "search-key-0002")
                 .status,
             201);
    QCOMPARE(crns(u"has_escalation=true"_qs), (QStringList { TestCalls::kUuidCrn, kCrn }));
    QCOMPARE(crns(u"has_escalation=false"_qs),
             (QStringList { u"1700000003.1"_qs, u"1700000002.1"_qs, u"1700000001.1"_qs }));
    QCOMPARE(crns(u"has_escalation=true&q=1694"_qs), QStringList { kCrn });
}

void TestEscalationServer::catalogueFile()
{
    // A malformed catalogue stops the server before it listens, naming the field.
    QFile bad(m_dir.filePath(u"bad-catalogue.json"_qs));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write(R"({"categories": [{"id": "c", "label": "C", "required_fields": []}],
                 "priorities": [{"id": "p", "label": "P", "response_minutes": -5}],
                 "teams": [{"id": "t", "label": "T"}]})");
    bad.close();
    QProcess refused;
    refused.start(QStringLiteral(CRN_SERVER_BINARY),
                  { u"serve"_qs, u"--db"_qs, m_database, u"--listen"_qs, u"127.0.0.1:0"_qs,
                    u"--escalations"_qs, bad.fileName() });
    QVERIFY(refused.waitForFinished(10000));
    QCOMPARE(refused.exitCode(), 1);
    const QString error = QString::fromUtf8(refused.readAllStandardError());
    QVERIFY2(error.contains(u"\"priorities[0].response_minutes\" must be a whole number"),
             qPrintable(error));
    QVERIFY(refused.readAllStandardOutput().isEmpty()); // it never said it was listening

    // The example file is served as it is written.
    QString why;
    m_server->setExtraArguments(
        { u"--escalations"_qs,
          QStringLiteral(CRN_SOURCE_DIR "/docs/escalation-catalogue.example.json") });
    QVERIFY2(m_server->start(m_server->port(), &why), qPrintable(why));
    const Answer options = call("GET", u"/api/v1/escalation-options"_qs, {}, Role::Agent);
    QCOMPARE(options.status, 200);
    const QJsonArray categories = options.json.value(u"categories").toArray();
    QCOMPARE(categories.size(), 5);
    QCOMPARE(categories.at(4).toObject().value(u"required_fields").toArray(),
             (QJsonArray { u"evidence"_qs, u"description"_qs }));
}

QTEST_GUILESS_MAIN(TestEscalationServer)
#include "tst_escalationserver.moc"
