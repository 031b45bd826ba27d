#include "cache/callcache.h"
#include "callheaderview.h"
#include "callsummarymodel.h"
#include "callview.h"
#include "eventtablemodel.h"
#include "lookup/calllookup.h"
#include "mainwindow.h"
#include "messagebanner.h"
#include "net/apiclient.h"
#include "searchfield.h"
#include "serverindicator.h"
#include "settings/settingswriter.h"
#include "testserver.h"
#include "timelineview.h"
#include "translations.h"
#include "typing.h"
#include "uitestcall.h"

#include <QImage>
#include <QLabel>
#include <QListView>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

// The main window against a real crn-server serving hand-built calls (uitestcall.h): what the
// supervisor types, what the window shows, and what it says when the server goes away.
class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void startsReadyToSearch();
    void messyTextFindsTheCall();
    void ctrlLComesBackToTheSearch();
    void unknownTextSaysSo();
    void aNumberListsItsCallsToPickFrom();
    void offlineShowsTheCachedCopyAndRecovers();
    void unreachableWithoutCacheOffersRetry();
    void commandLineScreenshot();
    void commandLineRefusesABadServer();
    void commandLineRemembersTheConnection();

private:
    void search(const QString &typed);
    QString bannerText() const;

    QTemporaryDir m_dir;
    std::unique_ptr<TestServer> m_server;
    quint16 m_port = 0;
    int m_run = 0;

    std::unique_ptr<ApiClient> m_client;
    std::unique_ptr<CallCache> m_cache;
    std::unique_ptr<CallLookup> m_lookup;
    std::unique_ptr<MainWindow> m_window;
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    // Writes handed to SettingsWriter by the last test must not land after the clear.
    SettingsWriter::flush();
    QSettings().clear();
    qputenv("TZ", "Europe/Berlin");
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    Translations::install(QCoreApplication::instance());
    QVERIFY(m_dir.isValid());

    // Two calls from the same caller, so that the caller's number has two matches.
    Call second = UiTestCall::make();
    second.summary.crn = u"1694023700.1"_qs;
    second.summary.outcome = CallOutcome::Abandoned;
    second.legs[0].id = u"1694023700.1"_qs;
    second.legs[1].id = u"1694023700.2"_qs;
    for (CallEvent &event : second.events)
        event.legId = event.legId == u"1694023642.7" ? u"1694023700.1"_qs : u"1694023700.2"_qs;

    m_server = std::make_unique<TestServer>(m_dir.filePath(u"calls.sqlite"_qs));
    QString why;
    QVERIFY2(m_server->writeDatabase({ UiTestCall::make(), second }, &why), qPrintable(why));
    QVERIFY2(m_server->start(0, &why), qPrintable(why));
    m_port = m_server->port();
}

void TestMainWindow::init()
{
    QString why;
    if (!m_server->isRunning())
        QVERIFY2(m_server->start(m_port, &why), qPrintable(why));

    // A fresh cache and window per test, so that one test's copies do not answer another's.
    ++m_run;
    m_client = std::make_unique<ApiClient>(m_server->url());
    m_client->setAccessToken(m_server->token());
    m_client->setTransferTimeoutMs(3000);
    m_cache = std::make_unique<CallCache>(m_dir.filePath(u"cache-%1.sqlite"_qs.arg(m_run)));
    m_lookup = std::make_unique<CallLookup>(m_client.get(), m_cache.get());
    m_lookup->setRetryIntervalMs(200);
    m_window = std::make_unique<MainWindow>(m_lookup.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestMainWindow::cleanup()
{
    m_window.reset();
    m_lookup.reset();
    m_cache.reset();
    m_client.reset();
}

void TestMainWindow::search(const QString &typed)
{
    UiTest::typeAndSearch(m_window->searchField(), typed);
}

QString TestMainWindow::bannerText() const
{
    return m_window->banner()->isVisible() ? m_window->banner()->text() : QString();
}

void TestMainWindow::startsReadyToSearch()
{
    SearchField *field = m_window->searchField();
    QTRY_VERIFY(field->hasFocus());
    QCOMPARE(field->placeholderText(), u"CRN, leg id, phone number, agent or queue"_qs);
    QTRY_COMPARE(m_window->serverIndicator()->text(), u"connected to 127.0.0.1:%1"_qs.arg(m_port));
    QVERIFY(bannerText().isEmpty());
}

void TestMainWindow::messyTextFindsTheCall()
{
    QSignalSpy shown(m_window.get(), &MainWindow::callShown);
    // Stray spaces around and a no-break space inside, as a copy from a ticket brings them.
    search(u"  1694023642\u00a0.7 "_qs);

    QTRY_COMPARE(m_window->shownCrn(), u"1694023642.7"_qs);
    QTRY_VERIFY(!shown.isEmpty());
    QCOMPARE(shown.last().at(1).value<CallLookup::Freshness>(), CallLookup::Freshness::Live);
    QCOMPARE(m_window->searchField()->text(), u"1694023642.7"_qs);

    CallView *view = m_window->callView();
    QCOMPARE(view->header()->findChild<QLabel *>(u"duration"_qs)->text(), u"23.4 s"_qs);
    QCOMPARE(view->header()->findChild<QLabel *>(u"caller"_qs)->text(), u"Alice (8001)"_qs);
    QCOMPARE(view->timeline()->laneCount(), 3);
    QCOMPARE(view->eventModel()->rowCount(), 10);
    QVERIFY(bannerText().isEmpty());
    QCOMPARE(m_window->recentCalls()->rowOf(u"1694023642.7"_qs), 0);
    QCOMPARE(m_window->windowTitle(), u"1694023642.7 — CRN Console"_qs);
}

void TestMainWindow::ctrlLComesBackToTheSearch()
{
    search(u"1694023642.7"_qs);
    QTRY_COMPARE(m_window->shownCrn(), u"1694023642.7"_qs);
    m_window->callView()->eventTable()->setFocus();
    QTRY_VERIFY(!m_window->searchField()->hasFocus());

    QTest::keyClick(m_window->callView()->eventTable(), Qt::Key_L, Qt::ControlModifier);
    QTRY_VERIFY(m_window->searchField()->hasFocus());
    QCOMPARE(m_window->searchField()->selectedText(), u"1694023642.7"_qs);
}

void TestMainWindow::unknownTextSaysSo()
{
    search(u"nothing-like-this"_qs);
    QTRY_COMPARE(bannerText(),
                 u"No call matches “nothing-like-this”. Check the reference, or search by "
                 "number, agent or queue."_qs);
    QCOMPARE(m_window->banner()->kind(), MessageBanner::Kind::Information);
    QVERIFY(m_window->shownCrn().isEmpty());
}

void TestMainWindow::aNumberListsItsCallsToPickFrom()
{
    search(u"8001"_qs);
    QTRY_COMPARE(m_window->matches()->rowCount(), 2);
    QCOMPARE(bannerText(), u"2 calls match “8001”. Pick one on the left to open it."_qs);
    QVERIFY(m_window->shownCrn().isEmpty());

    auto *list = m_window->findChild<QListView *>(u"matches"_qs);
    QVERIFY(list && list->isVisible());
    const int row = m_window->matches()->rowOf(u"1694023700.1"_qs);
    QVERIFY(row >= 0);
    const QModelIndex index = list->model()->index(row, 0);
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(index).center());
    QTRY_COMPARE(m_window->shownCrn(), u"1694023700.1"_qs);
    QCOMPARE(m_window->callView()->header()->findChild<QLabel *>(u"outcome"_qs)->text(),
             u"Abandoned"_qs);
}

void TestMainWindow::offlineShowsTheCachedCopyAndRecovers()
{
    QSignalSpy shown(m_window.get(), &MainWindow::callShown);
    QSignalSpy stored(m_cache.get(), &CallCache::callStored);
    search(u"1694023642.7"_qs);
    QTRY_COMPARE(m_window->shownCrn(), u"1694023642.7"_qs);
    QTRY_VERIFY(!shown.isEmpty());
    // The cache's thread must have stored the copy before the server disappears.
    QTRY_VERIFY(!stored.isEmpty());

    m_server->kill();
    shown.clear();
    search(u"1694023642.7"_qs);
    QTRY_VERIFY(!shown.isEmpty()
                && shown.last().at(1).value<CallLookup::Freshness>()
                    == CallLookup::Freshness::CachedOffline);
    QVERIFY2(bannerText().startsWith(u"Offline: showing the copy cached at "_qs),
             qPrintable(bannerText()));
    QVERIFY2(bannerText().endsWith(
                 u"(just now). The server at 127.0.0.1:%1 cannot be reached."_qs.arg(m_port)),
             qPrintable(bannerText()));
    QCOMPARE(m_window->banner()->kind(), MessageBanner::Kind::Warning);
    QCOMPARE(m_window->callView()->timeline()->laneCount(), 3);
    QTRY_COMPARE(m_window->serverIndicator()->text(),
                 u"cannot reach 127.0.0.1:%1, retrying"_qs.arg(m_port));

    // The server comes back on the same address: the window fetches the call again by itself.
    QString why;
    QVERIFY2(m_server->start(m_port, &why), qPrintable(why));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->serverIndicator()->text(),
                              u"connected to 127.0.0.1:%1"_qs.arg(m_port), 10000);
    QTRY_VERIFY(shown.last().at(1).value<CallLookup::Freshness>() == CallLookup::Freshness::Live);
    QTRY_VERIFY(bannerText().isEmpty());
}

void TestMainWindow::unreachableWithoutCacheOffersRetry()
{
    m_server->kill();
    search(u"1694023700.1"_qs);
    QTRY_COMPARE(m_window->banner()->kind(), MessageBanner::Kind::Error);
    QTRY_VERIFY(!bannerText().isEmpty());
    QVERIFY2(bannerText().contains(u"127.0.0.1:%1"_qs.arg(m_port)), qPrintable(bannerText()));
    QCOMPARE(m_window->banner()->actionText(), u"Retry"_qs);
    QVERIFY(m_window->shownCrn().isEmpty());

    // Retry, once the server is back, finds the call.
    QString why;
    QVERIFY2(m_server->start(m_port, &why), qPrintable(why));
    auto *retry = m_window->banner()->findChild<QPushButton *>(u"bannerAction"_qs);
    QVERIFY(retry);
    retry->click();
    QTRY_COMPARE(m_window->shownCrn(), u"1694023700.1"_qs);
    QTRY_VERIFY(bannerText().isEmpty());
}

// crn-console --screenshot, as the README's picture is made: exit code 0 once the call is shown.
void TestMainWindow::commandLineScreenshot()
{
    const QString picture = m_dir.filePath(u"console.png"_qs);
    QProcess console;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"QT_QPA_PLATFORM"_qs, u"offscreen"_qs);
    // Its cache and settings go to the test's folder, not the user's.
    environment.insert(u"XDG_CACHE_HOME"_qs, m_dir.filePath(u"xdg-cache"_qs));
    environment.insert(u"XDG_CONFIG_HOME"_qs, m_dir.filePath(u"xdg-config"_qs));
    environment.insert(u"XDG_DATA_HOME"_qs, m_dir.filePath(u"xdg-data"_qs));
    console.setProcessEnvironment(environment);
    // The server answers 401 to a console without a token.
    if (!TestServer::consoleTakesTokenFile(QStringLiteral(CRN_CONSOLE_BINARY)))
        QSKIP("crn-console has no --token-file yet (helper ui adds it), and the server refuses "
              "a console without a token");
    const QString tokenFile = m_server->writeTokenFile(m_dir.path());
    QVERIFY(!tokenFile.isEmpty());
    console.start(QStringLiteral(CRN_CONSOLE_BINARY),
                  { u"--server"_qs, m_server->url().toString(), u"--token-file"_qs, tokenFile,
                    u"--screenshot"_qs, picture, u"1694023642.7"_qs });
    QVERIFY2(console.waitForFinished(30000), qPrintable(console.errorString()));
    QVERIFY2(console.exitStatus() == QProcess::NormalExit && console.exitCode() == 0,
             qPrintable(QString::fromUtf8(console.readAllStandardError())));

    const QImage image(picture);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 800 && image.height() >= 500);
}

void TestMainWindow::commandLineRefusesABadServer()
{
    QProcess console;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"QT_QPA_PLATFORM"_qs, u"offscreen"_qs);
    console.setProcessEnvironment(environment);
    console.start(QStringLiteral(CRN_CONSOLE_BINARY), { u"--server"_qs, u"ftp://example"_qs });
    QVERIFY(console.waitForFinished(30000));
    QCOMPARE(console.exitCode(), 2);
    QVERIFY(QString::fromUtf8(console.readAllStandardError()).contains(u"--server"_qs));
}

// --server and --token-file are kept: a second start with neither shows the call (the
// screenshot's exit code 0 needs the server's answer, which needs the token). A console that
// has neither, in a fresh home, asks for them with the connection dialog and keeps running.
void TestMainWindow::commandLineRemembersTheConnection()
{
    if (!TestServer::consoleTakesTokenFile(QStringLiteral(CRN_CONSOLE_BINARY)))
        QSKIP("crn-console has no --token-file");
    const auto environmentIn = [this](const QString &home) {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"QT_QPA_PLATFORM"_qs, u"offscreen"_qs);
        environment.insert(u"XDG_CACHE_HOME"_qs, m_dir.filePath(home + u"/cache"_qs));
        environment.insert(u"XDG_CONFIG_HOME"_qs, m_dir.filePath(home + u"/config"_qs));
        environment.insert(u"XDG_DATA_HOME"_qs, m_dir.filePath(home + u"/data"_qs));
        // No keychain: the token goes to the private file, the same on every start.
        environment.remove(u"DBUS_SESSION_BUS_ADDRESS"_qs);
        return environment;
    };
    const QString tokenFile = m_server->writeTokenFile(m_dir.path());
    QVERIFY(!tokenFile.isEmpty());

    QProcess first;
    first.setProcessEnvironment(environmentIn(u"kept"_qs));
    first.start(QStringLiteral(CRN_CONSOLE_BINARY),
                { u"--server"_qs, m_server->url().toString(), u"--token-file"_qs, tokenFile,
                  u"--screenshot"_qs, m_dir.filePath(u"first.png"_qs), u"1694023642.7"_qs });
    QVERIFY(first.waitForFinished(30000));
    QVERIFY2(first.exitCode() == 0, qPrintable(QString::fromUtf8(first.readAllStandardError())));

    QProcess second;
    second.setProcessEnvironment(environmentIn(u"kept"_qs));
    second.start(QStringLiteral(CRN_CONSOLE_BINARY),
                 { u"--screenshot"_qs, m_dir.filePath(u"second.png"_qs), u"1694023642.7"_qs });
    QVERIFY(second.waitForFinished(30000));
    QVERIFY2(second.exitCode() == 0, qPrintable(QString::fromUtf8(second.readAllStandardError())));

    QProcess fresh;
    fresh.setProcessEnvironment(environmentIn(u"fresh"_qs));
    fresh.setProcessChannelMode(QProcess::MergedChannels);
    fresh.start(QStringLiteral(CRN_CONSOLE_BINARY), { u"--server"_qs, m_server->url().toString() });
    QVERIFY(fresh.waitForStarted(10000));
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT((output += fresh.readAll()).contains("asking for the connection"),
                             15000);
    QCOMPARE(fresh.state(), QProcess::Running);
    fresh.kill();
    QVERIFY(fresh.waitForFinished(10000));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
