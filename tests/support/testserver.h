#pragma once

#include "access/caller.h"
#include "model/call.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>

class QProcess;
class QTemporaryDir;

// The validating proxy of the contract tests: `prism proxy --errors` with docs/api.yaml, on a
// free loopback port in front of a crn-server on 127.0.0.1, so that every request and answer
// that passes through is checked against the document. prism answers for itself, as
// application/problem+json, when a request breaks the document (422, or 404/405 for a path or
// method it lacks: the server never sees the request) and when an answer does (500, type
// VIOLATIONS); refusal() and violation() tell those from the server's answers. An error status
// the document does not list is only a warning to prism: takeLoggedViolations() reads those from
// its log. ctest sets CRN_TEST_VIA_PRISM=1, CRN_PRISM (the executable) and CRN_API_DOCUMENT on
// the contract/ runs of the HTTP tests. Failures come back as false and a sentence. Blocking
// calls, for the test's thread.
class ContractProxy
{
public:
    ContractProxy();
    ~ContractProxy();

    // Whether this run goes through the proxy (CRN_TEST_VIA_PRISM=1).
    static bool requested();
    // Why the proxy cannot run here (no node, prism not installed), or empty when it can.
    static QString unavailableReason();

    // Starts prism in front of http://127.0.0.1:upstreamPort and waits until it listens.
    bool start(quint16 upstreamPort, QString *why);
    void stop();

    bool isRunning() const;
    quint16 port() const { return m_port; }
    quint16 upstreamPort() const { return m_upstreamPort; }
    QUrl url() const;

    // prism's own refusal of a request that breaks the document, as "TYPE: detail (where)";
    // empty for any other answer (the server's, or a violation).
    static QString refusal(const QByteArray &contentType, const QByteArray &body);
    // prism's error for an answer that breaks the document, with what broke it; empty otherwise.
    static QString violation(const QByteArray &contentType, const QByteArray &body);
    // The violations prism logged since the last call, warnings included. A marked request
    // through the proxy first makes sure the log holds every earlier exchange.
    bool takeLoggedViolations(QStringList *violations, QString *why);

private:
    QByteArray readLog() const;

    std::unique_ptr<QTemporaryDir> m_logDir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    quint16 m_upstreamPort = 0;
    qsizetype m_logChecked = 0; // bytes of the log takeLoggedViolations has looked at
    int m_marks = 0;
};

// A real crn-server ("crn-server serve") on a free loopback port, over a database filled with
// CallStore::saveCalls. The binary's path comes from the CRN_SERVER_BINARY compile definition.
// The first start() makes one user per role with the real `crn-server user add` (named
// "supervisor", "auditor" and "agent", with "-N" added by later TestServers of the process);
// token() and authorization() give what a request sends.
// When ContractProxy::requested(), start() also starts the validating proxy in front of the
// server (once: a restart on the same port keeps it) and url() is the proxy's; port() and
// serverUrl() stay the server's own, for tests that talk to its socket directly.
class TestServer
{
public:
    explicit TestServer(const QString &databasePath);
    ~TestServer();

    // Writes the calls into a new call database at the path given to the constructor.
    bool writeDatabase(const QList<Call> &calls, QString *why);
    // Arguments added to "serve --db FILE --listen ADDRESS" by the next start(), such as
    // {"--recordings", folder}.
    void setExtraArguments(const QStringList &arguments) { m_extraArguments = arguments; }
    // Starts the server on port (0: any free port) and waits for its "listening on" line.
    bool start(quint16 port, QString *why);
    // SIGKILL: the server disappears the way a crashed or unplugged one does.
    void kill();

    // The token of the user start() made for this role; empty before the first start().
    QByteArray token(Role role = Role::Supervisor) const { return m_tokens.value(role); }
    // "Bearer <token>", the value of an Authorization header.
    QByteArray authorization(Role role = Role::Supervisor) const { return "Bearer " + token(role); }
    // Runs `crn-server user add NAME --role ROLE [--agent AGENT]` (or `user disable NAME`) on
    // the database, as an administrator would, also while the server runs.
    bool addUser(const QString &name, Role role, const QString &agentId, QByteArray *token,
                 QString *why);
    // Writes the supervisor's token to a new file in folder (mode 0600), for
    // `crn-console --token-file`; empty on failure.
    QString writeTokenFile(const QString &folder) const;
    // Whether this crn-console binary takes --token-file (its --help lists it).
    static bool consoleTakesTokenFile(const QString &consoleBinary);
    // The same on any call database, for tests that run crn-server themselves.
    static bool addUser(const QString &databasePath, const QString &name, Role role,
                        const QString &agentId, QByteArray *token, QString *why);
    bool disableUser(const QString &name, QString *why);

    bool isRunning() const;
    // The process id while it runs, e.g. to SIGSTOP it as a stalled server; 0 otherwise.
    qint64 processId() const;
    quint16 port() const { return m_port; }
    // Where the tests send their requests: the proxy's address when it runs, else serverUrl().
    QUrl url() const;
    QUrl serverUrl() const;
    // The validating proxy, or null when this run does not go through it.
    ContractProxy *contractProxy() const { return m_proxy.get(); }

private:
    static bool runCommand(const QStringList &arguments, QByteArray *output, QString *why);

    QString m_databasePath;
    QStringList m_extraArguments;
    QHash<Role, QByteArray> m_tokens;
    // crn-server's log goes to a file here: a pipe nobody reads would fill up and stop the
    // server in the middle of a long test.
    std::unique_ptr<QTemporaryDir> m_logDir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    std::unique_ptr<ContractProxy> m_proxy;
};
