// crn-console: find a contact-center call by its reference number and see what happened.
#include "auth/tokenstore.h"
#include "cache/callcache.h"
#include "connectiondialog.h"
#include "escalation/draftstore.h"
#include "escalation/outbox.h"
#include "logging.h"
#include "lookup/calllookup.h"
#include "mainwindow.h"
#include "media/recordingdownloads.h"
#include "net/apiclient.h"
#include "net/escalationapi.h"
#include "playbackcontroller.h"
#include "qtmediabackend.h"
#include "screenshotjob.h"
#include "settings/consolesettings.h"
#include "settingsdialog.h"
#include "translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QStandardPaths>
#include <QTextStream>
#include <QTimer>
#include <QUrl>

namespace {

// The context of the command line's sentences for translators.
class Console
{
    Q_DECLARE_TR_FUNCTIONS(Console)
};

// "crn://1694023642.7" (a link from a ticket) or plain text: what to search for.
QString searchTextFromArgument(const QString &argument)
{
    if (!argument.startsWith(u"crn:", Qt::CaseInsensitive))
        return argument;
    QString rest = argument.mid(4);
    while (rest.startsWith(u'/'))
        rest.remove(0, 1);
    while (rest.endsWith(u'/'))
        rest.chop(1);
    return QUrl::fromPercentEncoding(rest.toUtf8());
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication application(argc, argv);
    // No organisation name, so that the cache and settings live in ~/.cache/crn-console and
    // ~/.config/crn-console.conf rather than under a doubled crn-console/crn-console.
    QApplication::setApplicationName(QStringLiteral("crn-console"));
    QApplication::setApplicationDisplayName(QStringLiteral("CRN Console"));
    QApplication::setApplicationVersion(QStringLiteral(CRN_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("org.crnconsole.CrnConsole"));
    Translations::install(&application);

    QCommandLineParser parser;
    parser.setApplicationDescription(Console::tr(
        "Find a contact-center call by its reference number (CRN) and see what happened."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QString defaultServer = QStringLiteral("http://127.0.0.1:8470");
    const QCommandLineOption server(
        QStringLiteral("server"),
        Console::tr("The crn-server to ask (default: the one chosen before, else %1). It is "
                    "remembered.")
            .arg(defaultServer),
        Console::tr("URL"));
    const QCommandLineOption tokenFile(
        QStringLiteral("token-file"),
        Console::tr("Read the access token from FILE and keep it like Connection… does."),
        Console::tr("FILE"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        Console::tr("Save a picture of the window once the call is shown (or after 10 s) and quit. "
                    "Exit code 0 when the call was shown."),
        Console::tr("FILE.png"));
    parser.addOption(server);
    parser.addOption(tokenFile);
    parser.addOption(screenshot);
    parser.addPositionalArgument(
        QStringLiteral("CRN"),
        Console::tr("A CRN, leg id, number, agent or queue to search for at "
                    "once, or a crn:// link."),
        QStringLiteral("[CRN]"));
    parser.process(application);

    ConsoleSettings settings;
    // The address given now, else the one kept, else the default (the dialog still asks for a
    // token then).
    const QString serverText = parser.isSet(server) ? parser.value(server)
        : settings.serverUrl().isValid()            ? settings.serverUrl().toString()
                                                    : defaultServer;
    // StrictMode: fromUserInput would otherwise read "http://127.0.0.1:99999" as a host
    // named "http" instead of refusing the port.
    QUrl serverUrl(serverText, QUrl::StrictMode);
    if (serverUrl.scheme().isEmpty())
        serverUrl = QUrl::fromUserInput(serverText);
    if (!serverUrl.isValid() || serverUrl.host().isEmpty()
        || (serverUrl.scheme() != u"http" && serverUrl.scheme() != u"https")) {
        QTextStream(stderr) << Console::tr(
                                   "crn-console: --server needs an http:// or https:// address, "
                                   "not \"%1\"")
                                   .arg(serverText)
                            << Qt::endl;
        return 2;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1) {
        QTextStream(stderr) << Console::tr("crn-console: give one CRN at most") << Qt::endl;
        return 2;
    }

    QByteArray tokenFromFile;
    if (parser.isSet(tokenFile)) {
        QFile file(parser.value(tokenFile));
        if (!file.open(QIODevice::ReadOnly)) {
            QTextStream(stderr) << Console::tr("crn-console: cannot read the token file %1: %2")
                                       .arg(parser.value(tokenFile), file.errorString())
                                << Qt::endl;
            return 2;
        }
        tokenFromFile = file.readAll().trimmed();
        if (tokenFromFile.isEmpty()) {
            QTextStream(stderr) << Console::tr("crn-console: the token file %1 is empty")
                                       .arg(parser.value(tokenFile))
                                << Qt::endl;
            return 2;
        }
    }
    if (parser.isSet(server))
        settings.setServerUrl(serverUrl);

    ApiClient client(serverUrl);
    CallCache cache;
    CallLookup lookup(&client, &cache);
    // Time-outs, HTTP/1.1 and the call cache's limits, applied now and whenever they change.
    lookup.setSettings(&settings);
    // Recordings are played from local copies: GStreamer cannot seek every format over http.
    RecordingDownloads downloads(serverUrl,
                                 QStandardPaths::writableLocation(QStandardPaths::CacheLocation)
                                     + u"/recordings"_qs,
                                 SettingsDialog::recordingsCacheCapBytes());
    QtMediaBackend backend;
    PlaybackController player(&backend);
    MainWindow window(&lookup);
    window.setPlayback(&player, &downloads);
    window.setSettings(&settings);

    // Escalations: the outbox and the drafts in the app's data folder, the server's lists
    // cached for offline use.
    const QString dataFolder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    Outbox outbox(dataFolder + u"/outbox.sqlite"_qs);
    DraftStore drafts(dataFolder + u"/escalation-drafts"_qs);
    EscalationApi escalationApi;
    escalationApi.setCacheFolder(QStandardPaths::writableLocation(QStandardPaths::CacheLocation)
                                 + u"/escalations"_qs);
    TokenStore tokens;
    QObject::connect(&tokens, &TokenStore::notice, &window, &MainWindow::showNotice);
    QObject::connect(&tokens, &TokenStore::saved, &window,
                     [&window](const QUrl &, bool ok, const QString &sentence) {
                         if (!ok)
                             window.showNotice(sentence);
                     });

    // Every client gets the same server and token, now and after Connection….
    const auto applyConnection = [&](const QUrl &url, const QByteArray &token) {
        client.setBaseUrl(url);
        client.setAccessToken(token);
        downloads.setServerBase(url);
        downloads.setAccessToken(token);
        escalationApi.setServer(url, token);
        outbox.setServer(url, token);
        window.setConnection(url, token);
    };
    applyConnection(serverUrl, tokenFromFile);
    window.setEscalationServices(&escalationApi, &drafts, &outbox);
    QObject::connect(&window, &MainWindow::connectionChanged, &window,
                     [&](const QUrl &url, const QByteArray &token) {
                         settings.setServerUrl(url);
                         tokens.save(url, token);
                         applyConnection(url, token);
                         escalationApi.fetchOptions();
                         escalationApi.fetchEscalations();
                         outbox.retryNow();
                         lookup.checkServer();
                     });

    ScreenshotJob *job = nullptr;
    if (parser.isSet(screenshot)) {
        job = new ScreenshotJob(&window, parser.value(screenshot), &application);
        QObject::connect(job, &ScreenshotJob::finished, &application, &QApplication::exit);
    }

    window.show();
    // CRN_REPORT_STARTUP=1: say when the event loop first runs after show(), for the cold-start
    // figure of tests/bench/console_bench.cpp, which subtracts the moment it started us.
    if (qEnvironmentVariable("CRN_REPORT_STARTUP") == u"1") {
        QTimer::singleShot(0, &window, [] {
            QTextStream(stdout) << u"crn-console: event loop running at "_qs
                                << QDateTime::currentMSecsSinceEpoch() << u" ms"_qs << Qt::endl;
        });
    }
    const QString firstSearch
        = positional.isEmpty() ? QString() : searchTextFromArgument(positional.first());
    // The first search waits for the token, so that it is not refused for the lack of one.
    const auto start = [&window, firstSearch] {
        if (!firstSearch.isEmpty())
            window.search(firstSearch);
    };
    if (!tokenFromFile.isEmpty()) {
        tokens.save(serverUrl, tokenFromFile);
        QTimer::singleShot(0, &window, start);
    } else {
        QObject::connect(
            &tokens, &TokenStore::loaded, &window,
            [&, start](const QUrl &url, const QByteArray &token, bool found) {
                if (url != serverUrl)
                    return;
                if (found) {
                    applyConnection(serverUrl, token);
                    escalationApi.fetchOptions();
                    escalationApi.fetchEscalations();
                    outbox.retryNow();
                } else if (!parser.isSet(screenshot)) {
                    // First start (or a server never connected to): ask for the token.
                    qCInfo(lcUi) << "no access token kept for this server: asking for the "
                                    "connection";
                    window.showConnection();
                }
                start();
            },
            Qt::SingleShotConnection);
        tokens.load(serverUrl);
    }
    return application.exec();
}
