#include "commands.h"

#include "access/apirouter.h"
#include "access/authenticator.h"
#include "access/userstore.h"
#include "audit/auditapi.h"
#include "audit/auditlog.h"
#include "http/callapi.h"
#include "http/recordingapi.h"
#include "logging.h"
#include "store/callstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QHostAddress>
#include <QHttpServer>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTextStream>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <optional>
#include <sys/socket.h>
#include <unistd.h>

namespace {

constexpr auto kDefaultListen = "127.0.0.1:8470";

int usage(QTextStream &out, int exitCode)
{
    out << "Usage: crn-server serve --db FILE [--listen HOST:PORT] [--recordings DIR]\n\n"
           "Answers the console's HTTP API (docs/api.yaml) from a call database.\n\n"
           "Options:\n"
           "  --db FILE            the call database that 'crn-server import' wrote\n"
           "  --listen HOST:PORT   the address to listen on (default "
        << kDefaultListen
        << "); port 0 picks a free one.\n"
           "                       Only this address is bound: give 0.0.0.0 to open the\n"
           "                       server to the network.\n"
           "  --recordings DIR     the folder the recordings' paths are relative to\n"
           "                       (default: the one 'crn-server import' stored)\n"
           "  --list-routes        print the API's routes (operationId, path, method, roles)\n"
           "                       as JSON and exit without listening\n"
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

} // namespace

int runServeCommand(const QStringList &arguments)
{
    QTextStream err(stderr);
    QString databasePath;
    QString listenText = QString::fromLatin1(kDefaultListen);
    QString recordingsRoot;
    bool listRoutes = false;

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
        if (isDb || isListen || isRecordings) {
            if (i + 1 >= arguments.size()) {
                err << "crn-server serve: " << argument << " needs a value.\n\n";
                return usage(err, 2);
            }
            (isDb ? databasePath : isListen ? listenText : recordingsRoot) = arguments.at(++i);
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

    // Serving a path with a typo would create an empty database and answer 404 to everything.
    if (!QFileInfo(databasePath).isFile()) {
        err << "crn-server: the call database " << databasePath
            << " does not exist. Import call records into it first with "
               "'crn-server import --db "
            << databasePath << " PATH...'.\n";
        return 1;
    }
    QString error;
    const std::unique_ptr<CallStore> store = CallStore::open(databasePath, &error);
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
            qCWarning(lcServer).noquote() << "The recordings folder" << recordingsRoot
                                          << "does not exist; recordings are answered as missing";
    }
    if (!recordingsRoot.isEmpty())
        recordingsRoot = QDir(recordingsRoot).absolutePath();

    // Access and audit: the users and the audit log live in the call database. Every route is
    // registered through the router, which checks the bearer token and the role first.
    UserStore users(store->database());
    AuditLog auditLog(store->database());
    if (!users.migrate(&error) || !auditLog.migrate(&error)) {
        err << "crn-server: " << error << '\n';
        return 1;
    }
    Authenticator authenticator(&users);
    QHttpServer server;
    ApiRouter router(&server, &authenticator);
    CallApi api(store.get(), QCoreApplication::applicationVersion(), &auditLog);
    api.registerRoutes(&router);
    RecordingApi recordingApi(store.get(), recordingsRoot, &auditLog);
    recordingApi.registerRoutes(&router);
    AuditApi auditApi(&auditLog);
    auditApi.registerRoutes(&router);

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
    qCInfo(lcServer).noquote() << "Serving" << store->callCount() << "calls from" << databasePath;

    const int exitCode = QCoreApplication::exec();
    return exitCode == 0 ? 0 : 1;
}
