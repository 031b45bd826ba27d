// crn-console: find a contact-center call by its reference number and see what happened.
#include "cache/callcache.h"
#include "lookup/calllookup.h"
#include "mainwindow.h"
#include "media/recordingdownloads.h"
#include "net/apiclient.h"
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
    const QCommandLineOption server(QStringLiteral("server"),
                                    Console::tr("The crn-server to ask (default %1).")
                                        .arg(QStringLiteral("http://127.0.0.1:8470")),
                                    Console::tr("URL"), QStringLiteral("http://127.0.0.1:8470"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        Console::tr("Save a picture of the window once the call is shown (or after 10 s) and quit. "
                    "Exit code 0 when the call was shown."),
        Console::tr("FILE.png"));
    parser.addOption(server);
    parser.addOption(screenshot);
    parser.addPositionalArgument(
        QStringLiteral("CRN"),
        Console::tr("A CRN, leg id, number, agent or queue to search for at "
                    "once, or a crn:// link."),
        QStringLiteral("[CRN]"));
    parser.process(application);

    // StrictMode: fromUserInput would otherwise read "http://127.0.0.1:99999" as a host
    // named "http" instead of refusing the port.
    QUrl serverUrl(parser.value(server), QUrl::StrictMode);
    if (serverUrl.scheme().isEmpty())
        serverUrl = QUrl::fromUserInput(parser.value(server));
    if (!serverUrl.isValid() || serverUrl.host().isEmpty()
        || (serverUrl.scheme() != u"http" && serverUrl.scheme() != u"https")) {
        QTextStream(stderr) << Console::tr(
                                   "crn-console: --server needs an http:// or https:// address, "
                                   "not \"%1\"")
                                   .arg(parser.value(server))
                            << Qt::endl;
        return 2;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1) {
        QTextStream(stderr) << Console::tr("crn-console: give one CRN at most") << Qt::endl;
        return 2;
    }

    ApiClient client(serverUrl);
    CallCache cache;
    CallLookup lookup(&client, &cache);
    // Time-outs, HTTP/1.1 and the call cache's limits, applied now and whenever they change.
    ConsoleSettings settings;
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
    if (!positional.isEmpty()) {
        const QString text = searchTextFromArgument(positional.first());
        QTimer::singleShot(0, &window, [&window, text] { window.search(text); });
    }
    return application.exec();
}
