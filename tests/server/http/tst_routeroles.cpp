// Every operation of docs/api.yaml against crn-server's route table and a real crn-server: the
// table declares exactly the document's operations with the roles of their x-roles, and the
// server refuses a request without a token, with a disabled user's token and with each role
// outside x-roles, with no data, while each role inside gets past the router.

#include "access/caller.h"
#include "testcalls.h"
#include "testdatabase.h"
#include "testserver.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace {

// One operation as the document or the route table declares it.
struct Operation
{
    QString operationId;
    QString method; // upper case
    QString path;
    bool isPublic = false;
    QStringList roles; // sorted
};

// Escalation routes are helper "escal"'s, being written at the same time; until one is
// registered its documented operation is an expected failure here. The lead removes this at
// merge, when every one of them must be there.
const QStringList kEscalationOperations
    = { u"getEscalationOptions"_qs, u"createEscalation"_qs, u"listEscalations"_qs,
        u"getEscalation"_qs, u"updateEscalation"_qs };

const QList<Role> kRoles = { Role::Supervisor, Role::Auditor, Role::Agent };

struct Answer
{
    int status = 0;
    QByteArray body;
    QByteArray wwwAuthenticate;
    QJsonObject json;
};

} // namespace

Q_DECLARE_METATYPE(Operation)

class TestRouteRoles : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void documentedOperationIsRouted_data();
    void documentedOperationIsRouted();
    void everyRouteIsDocumented();
    void enforcesRoles_data();
    void enforcesRoles();
    void agentReadsOnlyTheirCalls();

private:
    const Operation *route(const QString &method, const QString &path) const;
    // Sends the operation with this Authorization value (empty: none) and real ids in its path.
    Answer send(const Operation &operation, const QByteArray &authorization);

    QTemporaryDir m_dir;
    QList<Operation> m_document;
    QList<Operation> m_table;
    std::unique_ptr<TestServer> m_server;
    QHash<Role, QByteArray> m_insideTokens; // tokens of users inside a call (agents: Bob)
    QByteArray m_disabledToken;
    QNetworkAccessManager m_network;
};

void TestRouteRoles::initTestCase()
{
    // The document, as JSON, through the tool the contract tests install.
    const QString tool
        = QStringLiteral(CRN_SOURCE_DIR) + u"/tests/contract/node_modules/.bin/js-yaml"_qs;
    if (!QFileInfo(tool).isExecutable() || QStandardPaths::findExecutable(u"node"_qs).isEmpty())
        QSKIP("js-yaml (tests/contract/node_modules, scripts/install-deps) or Node.js is not "
              "installed, so docs/api.yaml cannot be read");
    QProcess convert;
    convert.start(tool, { QStringLiteral(CRN_SOURCE_DIR) + u"/docs/api.yaml"_qs });
    QVERIFY(convert.waitForFinished(60000));
    QVERIFY2(convert.exitCode() == 0, convert.readAllStandardError().constData());
    const QJsonObject document = QJsonDocument::fromJson(convert.readAllStandardOutput()).object();
    const QJsonObject paths = document.value(u"paths").toObject();
    QVERIFY(!paths.isEmpty());
    for (auto path = paths.begin(); path != paths.end(); ++path) {
        const QJsonObject item = path.value().toObject();
        for (auto entry = item.begin(); entry != item.end(); ++entry) {
            const QJsonObject operation = entry.value().toObject();
            if (!operation.contains(u"operationId"))
                continue; // "parameters" shared by a path's operations
            Operation documented { operation.value(u"operationId").toString(),
                                   entry.key().toUpper(),
                                   path.key(),
                                   false,
                                   {} };
            // security: [] makes an operation public; the document's default is bearer.
            documented.isPublic = operation.contains(u"security")
                && operation.value(u"security").toArray().isEmpty();
            for (const QJsonValue &role : operation.value(u"x-roles").toArray())
                documented.roles.append(role.toString());
            documented.roles.sort();
            m_document.append(documented);
        }
    }
    QVERIFY(m_document.size() >= 5);

    QString why;
    QVERIFY2(TestServer(TestDatabase::address(m_dir.filePath(u"calls.db"_qs)))
                 .writeDatabase(TestCalls::all(), &why),
             qPrintable(why));

    // The table as the real binary builds it.
    QProcess list;
    list.start(QStringLiteral(CRN_SERVER_BINARY),
               { u"serve"_qs, u"--db"_qs, TestDatabase::address(m_dir.filePath(u"calls.db"_qs)),
                 u"--list-routes"_qs });
    QVERIFY(list.waitForFinished(30000));
    QVERIFY2(list.exitCode() == 0, list.readAllStandardError().constData());
    const QJsonArray table = QJsonDocument::fromJson(list.readAllStandardOutput()).array();
    QVERIFY(!table.isEmpty());
    for (const QJsonValue &value : table) {
        const QJsonObject entry = value.toObject();
        Operation routed { entry.value(u"operationId").toString(),
                           entry.value(u"method").toString(),
                           entry.value(u"path").toString(),
                           entry.value(u"public").toBool(),
                           {} };
        for (const QJsonValue &role : entry.value(u"roles").toArray())
            routed.roles.append(role.toString());
        routed.roles.sort();
        m_table.append(routed);
    }

    m_server = std::make_unique<TestServer>(TestDatabase::address(m_dir.filePath(u"calls.db"_qs)));
    QVERIFY2(m_server->start(0, &why), qPrintable(why));
    // An agent who took part in c2 and c5 (agent "Bob"), so that reading c2 is theirs to do.
    QByteArray bob;
    QVERIFY2(m_server->addUser(u"bob"_qs, Role::Agent, u"Bob"_qs, &bob, &why), qPrintable(why));
    m_insideTokens = { { Role::Supervisor, m_server->token(Role::Supervisor) },
                       { Role::Auditor, m_server->token(Role::Auditor) },
                       { Role::Agent, bob } };
    QVERIFY2(m_server->addUser(u"gone"_qs, Role::Supervisor, {}, &m_disabledToken, &why),
             qPrintable(why));
    QVERIFY2(m_server->disableUser(u"gone"_qs, &why), qPrintable(why));
}

void TestRouteRoles::cleanupTestCase()
{
    m_server.reset();
}

const Operation *TestRouteRoles::route(const QString &method, const QString &path) const
{
    for (const Operation &routed : m_table) {
        if (routed.method == method && routed.path == path)
            return &routed;
    }
    return nullptr;
}

void TestRouteRoles::documentedOperationIsRouted_data()
{
    QTest::addColumn<Operation>("documented");
    for (const Operation &operation : std::as_const(m_document))
        QTest::newRow(qPrintable(operation.operationId)) << operation;
}

void TestRouteRoles::documentedOperationIsRouted()
{
    QFETCH(Operation, documented);

    const Operation *routed = route(documented.method, documented.path);
    if (!routed && kEscalationOperations.contains(documented.operationId))
        QEXPECT_FAIL("", "helper escal registers the escalation routes", Abort);
    QVERIFY2(routed, qPrintable(u"no route for "_qs + documented.method + u' ' + documented.path));
    QCOMPARE(routed->operationId, documented.operationId);
    QCOMPARE(routed->isPublic, documented.isPublic);
    QCOMPARE(routed->roles, documented.roles);
    // A public route has no roles to name; every other one has at least one.
    QCOMPARE(routed->roles.isEmpty(), routed->isPublic);
}

void TestRouteRoles::everyRouteIsDocumented()
{
    for (const Operation &routed : std::as_const(m_table)) {
        const auto documented
            = std::find_if(m_document.cbegin(), m_document.cend(), [&](const Operation &op) {
                  return op.method == routed.method && op.path == routed.path;
              });
        QVERIFY2(documented != m_document.cend(),
                 qPrintable(routed.operationId + u" is not in docs/api.yaml"_qs));
    }
}

Answer TestRouteRoles::send(const Operation &operation, const QByteArray &authorization)
{
    // Real ids where easy: c2 is Bob's call; the other ids are unknown, which is a 404 after
    // the router, not a refusal.
    QString path = operation.path;
    path.replace(u"{crn}"_qs, u"1694020000.1"_qs);
    path.replace(u"{id}"_qs, u"no-such-id"_qs);
    QUrl url = m_server->url();
    url.setPath(path);
    QNetworkRequest request(url);
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
    QByteArray body;
    if (operation.method != u"GET") {
        request.setRawHeader("Content-Type", "application/json");
        request.setRawHeader("Idempotency-Key", "routeroles-0001");
        body = operation.operationId == u"reportPlayback"  ? R"({"start": 1.0, "end": 2.0})"
            : operation.operationId == u"updateEscalation" ? R"({"comment": "checked"})"
                                                           : "{}";
    }
    std::unique_ptr<QNetworkReply> reply(
        m_network.sendCustomRequest(request, operation.method.toLatin1(), body));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(10000);

    Answer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->readAll();
    answer.wwwAuthenticate = reply->rawHeader("WWW-Authenticate");
    answer.json = QJsonDocument::fromJson(answer.body).object();
    return answer;
}

void TestRouteRoles::enforcesRoles_data()
{
    documentedOperationIsRouted_data();
}

void TestRouteRoles::enforcesRoles()
{
    QFETCH(Operation, documented);

    if (!route(documented.method, documented.path)
        && kEscalationOperations.contains(documented.operationId))
        QEXPECT_FAIL("", "helper escal registers the escalation routes", Abort);

    // A refusal is the error object and nothing else: no data of the call or the recording.
    const auto isRefusal = [](const Answer &answer, const QString &code) {
        const QJsonObject error = answer.json.value(u"error").toObject();
        return answer.json.keys() == QStringList { u"error"_qs } && error.keys().size() == 2
            && error.value(u"code").toString() == code
            && !error.value(u"message").toString().isEmpty();
    };

    const Answer anonymous = send(documented, {});
    if (documented.isPublic) {
        QCOMPARE(anonymous.status, 200);
        return;
    }
    QCOMPARE(anonymous.status, 401);
    QVERIFY2(isRefusal(anonymous, u"unauthorized"_qs), anonymous.body.constData());
    QCOMPARE(anonymous.wwwAuthenticate, QByteArray("Bearer realm=\"crn-server\""));

    const Answer unknown = send(documented, "Bearer crn_not-a-token-this-server-made");
    QCOMPARE(unknown.status, 401);
    QVERIFY2(isRefusal(unknown, u"unauthorized"_qs), unknown.body.constData());

    const Answer disabled = send(documented, "Bearer " + m_disabledToken);
    QCOMPARE(disabled.status, 401);
    QVERIFY2(isRefusal(disabled, u"unauthorized"_qs), disabled.body.constData());

    for (const Role role : kRoles) {
        const Answer answer = send(documented, "Bearer " + m_insideTokens.value(role));
        const QString what = roleName(role) + u": "_qs + QString::fromUtf8(answer.body);
        if (documented.roles.contains(roleName(role))) {
            QVERIFY2(answer.status != 401 && answer.status != 403 && answer.status != 0,
                     qPrintable(what));
        } else {
            QVERIFY2(answer.status == 403, qPrintable(what));
            QVERIFY2(isRefusal(answer, u"forbidden"_qs), qPrintable(what));
        }
    }
}

// Bob took part in c2 and c5 (testcalls.h); every other call is not his to read.
void TestRouteRoles::agentReadsOnlyTheirCalls()
{
    const auto crnsFor = [this](Role role) {
        const Answer page = send({ u"searchCalls"_qs, u"GET"_qs, u"/api/v1/calls"_qs, false, {} },
                                 "Bearer " + m_insideTokens.value(role));
        QStringList crns;
        for (const QJsonValue &call : page.json.value(u"calls").toArray())
            crns.append(call.toObject().value(u"crn").toString());
        return crns;
    };
    QCOMPARE(crnsFor(Role::Agent), (QStringList { u"1694027000.3"_qs, u"1694020000.1"_qs }));
    QCOMPARE(crnsFor(Role::Supervisor).size(), TestCalls::all().size());
    QCOMPARE(crnsFor(Role::Auditor).size(), TestCalls::all().size());

    // The agent made by TestServer (agent id "agent") took part in none.
    QVERIFY(m_server->token(Role::Agent) != m_insideTokens.value(Role::Agent));
    QUrl url = m_server->url();
    url.setPath(u"/api/v1/calls"_qs);
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", m_server->authorization(Role::Agent));
    std::unique_ptr<QNetworkReply> reply(m_network.get(request));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    QVERIFY(reply->isFinished() || finished.wait(10000));
    QCOMPARE(QJsonDocument::fromJson(reply->readAll()).object().value(u"calls").toArray().size(),
             0);

    const Operation getCall { u"getCall"_qs, u"GET"_qs, u"/api/v1/calls/{crn}"_qs, false, {} };
    const Answer own = send(getCall, "Bearer " + m_insideTokens.value(Role::Agent));
    QCOMPARE(own.status, 200);
    QCOMPARE(own.json.value(u"crn").toString(), u"1694020000.1"_qs);

    // Other calls: 403 with no data.
    for (const QString &other : { u"1694023642.7"_qs, u"CA1234abcd"_qs }) {
        url.setPath(u"/api/v1/calls/"_qs + other);
        QNetworkRequest get(url);
        get.setRawHeader("Authorization", "Bearer " + m_insideTokens.value(Role::Agent));
        std::unique_ptr<QNetworkReply> refused(m_network.get(get));
        QSignalSpy done(refused.get(), &QNetworkReply::finished);
        QVERIFY(refused->isFinished() || done.wait(10000));
        QCOMPARE(refused->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 403);
        const QJsonObject body = QJsonDocument::fromJson(refused->readAll()).object();
        QCOMPARE(body.keys(), QStringList { u"error"_qs });
        QCOMPARE(body.value(u"error").toObject().value(u"code").toString(), u"forbidden"_qs);
    }
}

QTEST_GUILESS_MAIN(TestRouteRoles)
#include "tst_routeroles.moc"
