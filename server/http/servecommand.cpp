#include "commands.h"

#include "access/apirouter.h"
#include "access/authenticator.h"
#include "access/userstore.h"
#include "audit/auditapi.h"
#include "audit/auditlog.h"
#include "escalation/escalationapi.h"
#include "escalation/escalationstore.h"
#include "http/callapi.h"
#include "http/recordingapi.h"
#include "logging.h"
#include "store/callstore.h"
#include "store/databaseaddress.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QHostAddress>
#include <QHttpServer>
#include <QSemaphore>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTextStream>
#include <QThread>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <memory>
#include <optional>
#include <sys/socket.h>
#include <unistd.h>

namespace {

constexpr auto kDefaultListen = "127.0.0.1:8470";

int usage(QTextStream &out, int exitCode)
{
    out << "Usage: crn-server serve --db FILE|URL [--listen HOST:PORT] [--recordings DIR]\n"
           "                        [--escalations FILE] [--threads N]\n\n"
           "Answers the console's HTTP API (docs/api.yaml) from a call database.\n\n"
           "Options:\n"
           "  --db FILE|URL        the call database that 'crn-server import' wrote: a SQLite\n"
           "                       file, or postgresql://user[:password]@host[:port]/dbname\n"
           "                       (the password may come from PGPASSWORD instead). Several\n"
           "                       servers may share one PostgreSQL database.\n"
           "  --listen HOST:PORT   the address to listen on (default "
        << kDefaultListen
        << "); port 0 picks a free one.\n"
           "                       Only this address is bound: give 0.0.0.0 to open the\n"
           "                       server to the network.\n"
           "  --recordings DIR     the folder the recordings' paths are relative to\n"
           "                       (default: the one 'crn-server import' stored)\n"
           "  --list-routes        print the API's routes (operationId, path, method, roles)\n"
           "                       as JSON and exit without listening\n"
           "  --escalations FILE   the escalation catalogue (categories, priorities, teams)\n"
           "                       as JSON; see docs/escalation-catalogue.example.json\n"
           "                       (default: the built-in one)\n"
           "  --threads N          answer on N threads, each with its own connection to the\n"
           "                       database (default: one per processor core, "
        << QThread::idealThreadCount()
        << " here)\n"
           "  -h, --help           show this text\n";
    return exitCode;
}

struct ListenAddress
{
    QHostAddress host;
    quint16 port = 0;
};

// "127.0.0.1:8470", "[::1]:8470" or "localhost:8470".
std::optional<ListenAddress> parseListenAddress(const QString &text)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon <= 0)
        return std::nullopt;

    QString host = text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    const QString port = text.mid(colon + 1);

    bool ok = false;
    const uint portNumber = port.toUInt(&ok);
    if (!ok || portNumber > 65535 || port.startsWith(u'+'))
        return std::nullopt;

    ListenAddress address;
    address.port = quint16(portNumber);
    if (host.compare(u"localhost", Qt::CaseInsensitive) == 0)
        address.host = QHostAddress(QHostAddress::LocalHost);
    else if (!address.host.setAddress(host))
        return std::nullopt;
    return address;
}

QString urlHost(const QHostAddress &address)
{
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        return u'[' + address.toString() + u']';
    return address.toString();
}

// SIGTERM and SIGINT end the event loop through a socket pair, because a signal handler may
// only do async-signal-safe things such as write().
int g_signalSocket[2] = { -1, -1 };

void onTerminationSignal(int)
{
    const int savedErrno = errno;
    const char byte = 1;
    if (::write(g_signalSocket[0], &byte, sizeof byte) < 0) {
        // Nothing can be reported from inside a signal handler.
    }
    errno = savedErrno;
}

bool installSignalHandlers()
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalSocket) != 0)
        return false;

    struct sigaction action = {};
    action.sa_handler = onTerminationSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    return ::sigaction(SIGTERM, &action, nullptr) == 0
        && ::sigaction(SIGINT, &action, nullptr) == 0;
}

// The escalation routes' parts: the catalogue (a malformed file stops the server with the
// reason) and the store, whose tables are migrated in the call database; *store must outlive
// the API.
std::unique_ptr<EscalationApi> openEscalations(CallStore *calls, const QString &catalogueFile,
                                               AuditLog *audit,
                                               std::unique_ptr<EscalationStore> *store,
                                               QString *error)
{
    std::optional<EscalationCatalogue> catalogue = catalogueFile.isEmpty()
        ? EscalationCatalogue::builtIn()
        : EscalationCatalogue::load(catalogueFile, error);
    if (!catalogue)
        return nullptr;
    *store = EscalationStore::open(calls->database(), error);
    if (!*store)
        return nullptr;
    return std::make_unique<EscalationApi>(calls, store->get(), std::move(*catalogue), audit);
}

// What one serving thread answers with: its own connection to the database and everything that
// uses it. Built, used and destroyed on that thread; members are destroyed in reverse order, so
// the server (no more requests) goes first and the store (the connection) last.
struct ServeStack
{
    std::unique_ptr<CallStore> store;
    std::unique_ptr<UserStore> users;
    std::unique_ptr<AuditLog> auditLog;
    std::unique_ptr<Authenticator> authenticator;
    std::unique_ptr<EscalationStore> escalationStore;
    std::unique_ptr<CallApi> api;
    std::unique_ptr<RecordingApi> recordingApi;
    std::unique_ptr<AuditApi> auditApi;
    std::unique_ptr<EscalationApi> escalationApi;
    std::unique_ptr<ApiRouter> router;
    std::unique_ptr<QHttpServer> server;
};

struct ServeOptions
{
    QString databasePath;
    QString recordingsRoot; // absolute, or empty
    QString escalationsFile;
    std::shared_ptr<AuditQueue> auditQueue; // shared by every thread's audit log
};

// Opens the database and registers every route; the first thread's call also migrates the
// tables. Null with *error when something cannot be opened.
std::unique_ptr<ServeStack> buildStack(const ServeOptions &options, QString *error)
{
    auto stack = std::make_unique<ServeStack>();
    stack->store = CallStore::openExisting(options.databasePath, error);
    if (!stack->store)
        return nullptr;

    // Access and audit: the users and the audit log live in the call database. Every route is
    // registered through the router, which checks the bearer token and the role first.
    CallStore *store = stack->store.get();
    stack->users = std::make_unique<UserStore>(store->database());
    stack->auditLog = std::make_unique<AuditLog>(store->database(), options.auditQueue);
    if (!stack->users->migrate(error) || !stack->auditLog->migrate(error))
        return nullptr;
    stack->authenticator = std::make_unique<Authenticator>(stack->users.get());
    stack->server = std::make_unique<QHttpServer>();
    stack->router = std::make_unique<ApiRouter>(stack->server.get(), stack->authenticator.get());
    stack->api = std::make_unique<CallApi>(store, QCoreApplication::applicationVersion(),
                                           stack->auditLog.get());
    stack->api->registerRoutes(stack->router.get());
    stack->recordingApi
        = std::make_unique<RecordingApi>(store, options.recordingsRoot, stack->auditLog.get());
    stack->recordingApi->registerRoutes(stack->router.get());
    stack->auditApi = std::make_unique<AuditApi>(stack->auditLog.get());
    stack->auditApi->registerRoutes(stack->router.get());
    stack->escalationApi = openEscalations(store, options.escalationsFile, stack->auditLog.get(),
                                           &stack->escalationStore, error);
    if (!stack->escalationApi)
        return nullptr;
    stack->escalationApi->registerRoutes(stack->router.get());
    return stack;
}

// One more thread that answers requests: its own ServeStack, accepting on a duplicate of the
// listening socket, so that whichever thread is free takes the next connection. Reports
// through waitUntilReady() whether it came up; stops when quit() ends its event loop.
class ServeWorker : public QThread
{
public:
    ServeWorker(ServeOptions options, qintptr socket)
        : m_options(std::move(options))
        , m_socket(socket)
    { }

    bool waitUntilReady(QString *error)
    {
        m_ready.acquire();
        *error = m_error;
        return m_error.isEmpty();
    }

protected:
    void run() override
    {
        std::unique_ptr<ServeStack> stack = buildStack(m_options, &m_error);
        if (stack) {
            auto *tcpServer = new QTcpServer(stack->server.get());
            if (tcpServer->setSocketDescriptor(m_socket)) {
                stack->server->bind(tcpServer);
            } else {
                m_error = u"cannot accept on the listening socket: "_qs + tcpServer->errorString();
                ::close(int(m_socket));
                stack.reset();
            }
        } else {
            ::close(int(m_socket));
        }
        m_ready.release();
        if (!stack)
            return;
        exec();
        // Here, on this thread: the audit log writes what it still holds, the connection closes.
        stack.reset();
    }

private:
    ServeOptions m_options;
    qintptr m_socket;
    QString m_error;
    QSemaphore m_ready;
};

} // namespace

int runServeCommand(const QStringList &arguments)
{
    QTextStream err(stderr);
    QString databasePath;
    QString listenText = QString::fromLatin1(kDefaultListen);
    QString recordingsRoot;
    QString escalationsFile;
    bool listRoutes = false;
    QString threadsText;

    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (argument == u"-h" || argument == u"--help") {
            QTextStream out(stdout);
            return usage(out, 0);
        }
        if (argument == u"--list-routes") {
            listRoutes = true;
            continue;
        }
        const bool isDb = argument == u"--db";
        const bool isListen = argument == u"--listen";
        const bool isRecordings = argument == u"--recordings";
        const bool isEscalations = argument == u"--escalations";
        const bool isThreads = argument == u"--threads";
        if (isDb || isListen || isRecordings || isEscalations || isThreads) {
            if (i + 1 >= arguments.size()) {
                err << "crn-server serve: " << argument << " needs a value.\n\n";
                return usage(err, 2);
            }
            (isDb               ? databasePath
                 : isListen     ? listenText
                 : isRecordings ? recordingsRoot
                 : isThreads    ? threadsText
                                : escalationsFile)
                = arguments.at(++i);
        } else if (argument.startsWith(u"--threads=")) {
            threadsText = argument.mid(10);
        } else if (argument.startsWith(u"--escalations=")) {
            escalationsFile = argument.mid(14);
        } else if (argument.startsWith(u"--db=")) {
            databasePath = argument.mid(5);
        } else if (argument.startsWith(u"--listen=")) {
            listenText = argument.mid(9);
        } else if (argument.startsWith(u"--recordings=")) {
            recordingsRoot = argument.mid(13);
        } else {
            err << "crn-server serve: unknown argument '" << argument << "'.\n\n";
            return usage(err, 2);
        }
    }

    if (databasePath.isEmpty()) {
        err << "crn-server serve: --db FILE is required.\n\n";
        return usage(err, 2);
    }
    const std::optional<ListenAddress> address = parseListenAddress(listenText);
    if (!address) {
        err << "crn-server serve: --listen takes HOST:PORT with an IP address, such as "
               "127.0.0.1:8470 or [::1]:0, not '"
            << listenText << "'.\n\n";
        return usage(err, 2);
    }

    int threads = QThread::idealThreadCount();
    if (!threadsText.isNull()) {
        bool ok = false;
        threads = threadsText.toInt(&ok);
        if (!ok || threads < 1 || threads > 256 || threadsText.startsWith(u'+')) {
            err << "crn-server serve: --threads takes a whole number from 1 to 256, not '"
                << threadsText << "'.\n\n";
            return usage(err, 2);
        }
    }

    QString error;
    const std::optional<DatabaseAddress> database = DatabaseAddress::parse(databasePath, &error);
    if (!database) {
        err << "crn-server serve: " << error << ".\n\n";
        return usage(err, 2);
    }
    // The first thread's stack migrates the tables; the others open them as they are.
    ServeOptions options { databasePath, {}, escalationsFile, std::make_shared<AuditQueue>() };
    {
        const std::unique_ptr<CallStore> store = CallStore::openExisting(databasePath, &error);
        if (!store) {
            err << "crn-server: " << error << '\n';
            return 1;
        }

        // A folder given here wins over the one the import stored; a typo in it is an error, a
        // stored folder that has gone is only a warning, as the calls can still be served.
        if (!recordingsRoot.isEmpty()) {
            if (!QFileInfo(recordingsRoot).isDir()) {
                err << "crn-server: the recordings folder " << recordingsRoot
                    << " does not exist or is not a folder.\n";
                return 1;
            }
        } else {
            recordingsRoot = store->setting(u"recordings_root"_qs);
            if (!recordingsRoot.isEmpty() && !QFileInfo(recordingsRoot).isDir())
                qCWarning(lcServer).noquote()
                    << "The recordings folder" << recordingsRoot
                    << "does not exist; recordings are answered as missing";
        }
    }
    if (!recordingsRoot.isEmpty())
        options.recordingsRoot = QDir(recordingsRoot).absolutePath();

    const std::unique_ptr<ServeStack> stack = buildStack(options, &error);
    if (!stack) {
        err << "crn-server: " << error << '\n';
        return 1;
    }
    QHttpServer &server = *stack->server;
    const ApiRouter &router = *stack->router;
    CallStore *store = stack->store.get();

    // The table exactly as this server would answer it, for the test that holds it against
    // docs/api.yaml.
    if (listRoutes) {
        QTextStream(stdout) << routeTableJson(router) << Qt::endl;
        return 0;
    }

    // Our own QTcpServer, because QAbstractHttpServer::listen() keeps the reason to itself.
    auto *tcpServer = new QTcpServer(&server);
    if (!tcpServer->listen(address->host, address->port)) {
        err << "crn-server: cannot listen on " << urlHost(address->host) << ':' << address->port
            << ": " << tcpServer->errorString() << ".\n";
        return 1;
    }
    server.bind(tcpServer);

    // The other threads accept on duplicates of the same socket; each answers with its own
    // stack. They stop, and write what their audit logs hold, before this thread's stack goes.
    std::vector<std::unique_ptr<ServeWorker>> workers;
    const auto stopWorkers = [&workers] {
        for (const auto &worker : workers) {
            worker->quit();
            worker->wait();
        }
    };
    for (int i = 1; i < threads; ++i) {
        const int socket = ::fcntl(int(tcpServer->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
        if (socket < 0) {
            err << "crn-server: cannot share the listening socket with another thread.\n";
            stopWorkers();
            return 1;
        }
        workers.push_back(std::make_unique<ServeWorker>(options, socket));
        workers.back()->start();
        if (!workers.back()->waitUntilReady(&error)) {
            err << "crn-server: " << error << '\n';
            stopWorkers();
            return 1;
        }
    }

    if (!installSignalHandlers()) {
        err << "crn-server: cannot set up the handling of SIGTERM and SIGINT.\n";
        return 1;
    }
    QSocketNotifier signalNotifier(g_signalSocket[1], QSocketNotifier::Read);
    QObject::connect(&signalNotifier, &QSocketNotifier::activated, qApp, [] {
        qCInfo(lcServer) << "Stopping on a termination signal";
        QCoreApplication::quit();
    });

    const QString url = u"http://"_qs + urlHost(tcpServer->serverAddress()) + u':'
        + QString::number(tcpServer->serverPort());
    {
        QTextStream out(stdout);
        out << "crn-server listening on " << url << Qt::endl;
    }
    std::fflush(stdout);
    qCInfo(lcServer).noquote() << "Serving" << store->callCount() << "calls from"
                               << database->displayName() << "on" << threads << "threads";

    const int exitCode = QCoreApplication::exec();
    stopWorkers();
    return exitCode == 0 ? 0 : 1;
}
