#include "testserver.h"

#include "store/callstore.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

namespace {

// prism names its own answers with problem types under this address.
constexpr QLatin1StringView kPrismProblem("https://stoplight.io/prism/errors#");

// prism's own answer as "TYPE: detail (location message; ...)", if it is one of these types.
QString prismProblem(const QByteArray &contentType, const QByteArray &body,
                     const QStringList &types)
{
    if (!contentType.startsWith("application/problem+json"))
        return {};
    const QJsonObject problem = QJsonDocument::fromJson(body).object();
    const QString type = problem.value(u"type").toString();
    if (!type.startsWith(kPrismProblem) || !types.contains(type.mid(kPrismProblem.size())))
        return {};

    QStringList where;
    for (const QJsonValue &entry : problem.value(u"validation").toArray()) {
        QStringList location;
        for (const QJsonValue &part : entry.toObject().value(u"location").toArray())
            location.append(part.toString());
        where.append(location.join(u'.') + u' ' + entry.toObject().value(u"message").toString());
    }
    // The detail only repeats what the type says when prism lists what broke the document.
    return type.mid(kPrismProblem.size()) + u": "_qs
        + (where.isEmpty() ? problem.value(u"detail").toString() : where.join(u"; "_qs));
}

} // namespace

ContractProxy::ContractProxy() = default;

ContractProxy::~ContractProxy()
{
    stop();
}

bool ContractProxy::requested()
{
    return qEnvironmentVariable("CRN_TEST_VIA_PRISM") == u"1"_qs;
}

QString ContractProxy::unavailableReason()
{
    const QString prism = qEnvironmentVariable("CRN_PRISM");
    const QString document = qEnvironmentVariable("CRN_API_DOCUMENT");
    if (prism.isEmpty() || document.isEmpty())
        return u"CRN_PRISM and CRN_API_DOCUMENT must name prism and the OpenAPI document "
               u"(ctest sets them on the contract/ tests)"_qs;
    if (QStandardPaths::findExecutable(u"node"_qs).isEmpty())
        return u"Node.js is not installed, so the validating proxy cannot run"_qs;
    if (!QFileInfo(prism).isExecutable())
        return u"prism is not installed at "_qs + prism + u": run scripts/install-deps"_qs;
    if (!QFileInfo(document).isFile())
        return u"no OpenAPI document at "_qs + document;
    return {};
}

bool ContractProxy::start(quint16 upstreamPort, QString *why)
{
    stop();
    if (const QString reason = unavailableReason(); !reason.isEmpty()) {
        *why = reason;
        return false;
    }
    m_logDir = std::make_unique<QTemporaryDir>();
    const QString logPath = m_logDir->filePath(u"prism.log"_qs);
    if (!m_logDir->isValid() || !QFile(logPath).open(QIODevice::WriteOnly)) {
        *why = u"no folder for prism's log"_qs;
        return false;
    }

    // prism's log goes to a file: a pipe that nobody reads while a test blocks would stall it.
    m_process = std::make_unique<QProcess>();
    m_process->setStandardOutputFile(logPath, QIODevice::Append);
    m_process->setStandardErrorFile(logPath, QIODevice::Append);
    // It forwards to the server on loopback, never through a proxy this machine may name.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString &name : { u"http_proxy"_qs, u"https_proxy"_qs, u"all_proxy"_qs,
                                 u"HTTP_PROXY"_qs, u"HTTPS_PROXY"_qs, u"ALL_PROXY"_qs })
        environment.remove(name);
    environment.insert(u"NO_COLOR"_qs, u"1"_qs);
    m_process->setProcessEnvironment(environment);
    m_upstreamPort = upstreamPort;
    m_process->start(qEnvironmentVariable("CRN_PRISM"),
                     { u"proxy"_qs, u"--errors"_qs, u"--cors=false"_qs, u"--host"_qs,
                       u"127.0.0.1"_qs, u"--port"_qs, u"0"_qs,
                       qEnvironmentVariable("CRN_API_DOCUMENT"),
                       u"http://127.0.0.1:"_qs + QString::number(upstreamPort) });
    if (!m_process->waitForStarted(10000)) {
        *why = u"prism did not start: "_qs + m_process->errorString();
        return false;
    }

    // Node loads prism's modules and the document first: seconds on a busy machine.
    static const QRegularExpression listening(
        u"Prism is listening on http://127\\.0\\.0\\.1:(\\d+)"_qs);
    const bool announced = QTest::qWaitFor(
        [&] {
            const auto match = listening.match(QString::fromUtf8(readLog()));
            if (match.hasMatch())
                m_port = match.captured(1).toUShort();
            return match.hasMatch() || m_process->state() == QProcess::NotRunning;
        },
        60000);
    if (!announced || m_port == 0) {
        *why = u"prism did not start listening. Its log: "_qs + QString::fromUtf8(readLog());
        stop();
        return false;
    }
    m_logChecked = readLog().size();
    return true;
}

void ContractProxy::stop()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(5000)) {
            m_process->kill();
            m_process->waitForFinished(5000);
        }
    }
    m_process.reset();
    m_port = 0;
}

bool ContractProxy::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running && m_port != 0;
}

QUrl ContractProxy::url() const
{
    QUrl url;
    url.setScheme(u"http"_qs);
    url.setHost(u"127.0.0.1"_qs);
    url.setPort(m_port);
    return url;
}

QString ContractProxy::refusal(const QByteArray &contentType, const QByteArray &body)
{
    return prismProblem(
        contentType, body,
        { u"UNPROCESSABLE_ENTITY"_qs, u"NO_PATH_MATCHED_ERROR"_qs, u"NO_METHOD_MATCHED_ERROR"_qs });
}

QString ContractProxy::violation(const QByteArray &contentType, const QByteArray &body)
{
    return prismProblem(contentType, body, { u"VIOLATIONS"_qs });
}

bool ContractProxy::takeLoggedViolations(QStringList *violations, QString *why)
{
    violations->clear();
    if (!isRunning()) {
        *why = u"prism is not running"_qs;
        return false;
    }

    // prism logs the path of each request as it arrives, before it answers: once the mark's
    // line is in the log, so is every line of the exchanges before it. The mark's path is in no
    // document, so prism answers it without forwarding or validating anything.
    const QByteArray mark = "/contract-log-mark-" + QByteArray::number(++m_marks) + '/';
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_port);
    if (!socket.waitForConnected(5000)) {
        *why = u"cannot connect to prism: "_qs + socket.errorString();
        return false;
    }
    socket.write("GET " + mark + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    while (socket.waitForReadyRead(10000))
        socket.readAll();

    QByteArray log;
    qsizetype markAt = -1;
    const bool marked = QTest::qWaitFor(
        [&] {
            log = readLog();
            markAt = log.indexOf(mark, m_logChecked);
            return markAt >= 0;
        },
        10000);
    if (!marked) {
        *why = u"prism did not log the marked request. Its log: "_qs
            + QString::fromUtf8(log.mid(m_logChecked));
        return false;
    }

    for (const QByteArray &line : log.mid(m_logChecked, markAt - m_logChecked).split('\n')) {
        if (line.contains("Violation: ") || line.contains("errors#VIOLATIONS"))
            violations->append(QString::fromUtf8(line.simplified()));
    }
    m_logChecked = markAt;
    return true;
}

QByteArray ContractProxy::readLog() const
{
    QFile file(m_logDir ? m_logDir->filePath(u"prism.log"_qs) : QString());
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

TestServer::TestServer(const QString &databasePath)
    : m_databasePath(databasePath)
{ }

TestServer::~TestServer()
{
    kill();
}

bool TestServer::writeDatabase(const QList<Call> &calls, QString *why)
{
    const std::unique_ptr<CallStore> store = CallStore::open(m_databasePath, why);
    if (!store)
        return false;
    if (!store->saveCalls(calls)) {
        *why = store->errorString();
        return false;
    }
    return true;
}

bool TestServer::runCommand(const QStringList &arguments, QByteArray *output, QString *why)
{
    QProcess process;
    process.start(QStringLiteral(CRN_SERVER_BINARY), arguments);
    if (!process.waitForFinished(30000) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0) {
        *why = u"crn-server "_qs + arguments.join(u' ') + u" failed: "_qs
            + QString::fromUtf8(process.readAllStandardError());
        return false;
    }
    *output = process.readAllStandardOutput();
    return true;
}

bool TestServer::addUser(const QString &name, Role role, const QString &agentId, QByteArray *token,
                         QString *why)
{
    return addUser(m_databasePath, name, role, agentId, token, why);
}

bool TestServer::addUser(const QString &databasePath, const QString &name, Role role,
                         const QString &agentId, QByteArray *token, QString *why)
{
    QStringList arguments { u"user"_qs,     u"add"_qs,  name,        u"--role"_qs,
                            roleName(role), u"--db"_qs, databasePath };
    if (!agentId.isEmpty())
        arguments << u"--agent"_qs << agentId;
    QByteArray output;
    if (!runCommand(arguments, &output, why))
        return false;
    // The command prints the token alone on one line.
    *token = output.trimmed();
    if (!token->startsWith("crn_") || token->contains('\n')) {
        *why = u"user add printed something else than one token"_qs;
        return false;
    }
    return true;
}

QString TestServer::writeTokenFile(const QString &folder) const
{
    QFile file(folder + u"/token"_qs);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || file.write(token() + '\n') != token().size() + 1)
        return {};
    return file.fileName();
}

bool TestServer::consoleTakesTokenFile(const QString &consoleBinary)
{
    QProcess console;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"QT_QPA_PLATFORM"_qs, u"offscreen"_qs);
    console.setProcessEnvironment(environment);
    console.start(consoleBinary, { u"--help"_qs });
    if (!console.waitForFinished(30000))
        return false;
    const QByteArray help = console.readAllStandardOutput() + console.readAllStandardError();
    return help.contains("--token-file");
}

bool TestServer::disableUser(const QString &name, QString *why)
{
    QByteArray output;
    return runCommand({ u"user"_qs, u"disable"_qs, name, u"--db"_qs, m_databasePath }, &output,
                      why);
}

bool TestServer::start(quint16 port, QString *why)
{
    kill();
    if (m_tokens.isEmpty()) {
        // A second TestServer on the same database makes users of its own.
        static int servers = 0;
        const QString suffix = servers++ == 0 ? QString() : u'-' + QString::number(servers);
        for (const Role role : { Role::Supervisor, Role::Auditor, Role::Agent }) {
            QByteArray token;
            if (!addUser(roleName(role) + suffix, role, {}, &token, why))
                return false;
            m_tokens.insert(role, token);
        }
    }
    m_process = std::make_unique<QProcess>();
    m_process->setProgram(QStringLiteral(CRN_SERVER_BINARY));
    m_process->setArguments(QStringList { u"serve"_qs, u"--db"_qs, m_databasePath, u"--listen"_qs,
                                          u"127.0.0.1:"_qs + QString::number(port) }
                            + m_extraArguments);
    if (!m_logDir)
        m_logDir = std::make_unique<QTemporaryDir>();
    const QString logPath = m_logDir->filePath(u"crn-server.log"_qs);
    m_process->setStandardErrorFile(logPath, QIODevice::Append);
    m_process->start();
    if (!m_process->waitForStarted(10000)) {
        *why = u"crn-server did not start: "_qs + m_process->errorString();
        return false;
    }

    static const QRegularExpression listening(
        u"crn-server listening on http://127\\.0\\.0\\.1:(\\d+)"_qs);
    QByteArray output;
    const bool announced = QTest::qWaitFor(
        [&] {
            output += m_process->readAllStandardOutput();
            const auto match = listening.match(QString::fromUtf8(output));
            if (match.hasMatch())
                m_port = match.captured(1).toUShort();
            return match.hasMatch() || m_process->state() == QProcess::NotRunning;
        },
        10000);
    if (!announced || m_port == 0) {
        QFile log(logPath);
        const QByteArray logged = log.open(QIODevice::ReadOnly) ? log.readAll() : QByteArray();
        *why = u"crn-server did not announce its port. stdout: "_qs + QString::fromUtf8(output)
            + u" log: "_qs + QString::fromUtf8(logged.right(4000));
        return false;
    }

    // Through the proxy: one prism for the test, kept while the server comes back on its port.
    if (!ContractProxy::requested()
        || (m_proxy && m_proxy->isRunning() && m_proxy->upstreamPort() == m_port))
        return true;
    m_proxy = std::make_unique<ContractProxy>();
    return m_proxy->start(m_port, why);
}

void TestServer::kill()
{
    if (!m_process)
        return;
    if (m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(10000);
    }
    m_process.reset();
}

bool TestServer::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

qint64 TestServer::processId() const
{
    return isRunning() ? m_process->processId() : 0;
}

QUrl TestServer::url() const
{
    return m_proxy && m_proxy->isRunning() ? m_proxy->url() : serverUrl();
}

QUrl TestServer::serverUrl() const
{
    QUrl url;
    url.setScheme(u"http"_qs);
    url.setHost(u"127.0.0.1"_qs);
    url.setPort(m_port);
    return url;
}
