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
#include "testserver.h"
#include "timelineview.h"
#include "translations.h"
#include "typing.h"

#include <QDir>
#include <QLabel>
#include <QListView>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

// The console end to end over the shared samples: `crn-server import` reads them into a fresh
// database, `crn-server serve` answers, and the window is driven the way a supervisor drives
// it. Expected facts come from samples/SOURCES.md; local times are Berlin's.
class TestConsoleEndToEnd : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void messyCrnShowsTheSwitchboardCall();
    void enDashesFindTheBlindTransfer();
    void stoppedServerLeavesTheCachedCopy();
    void cleanupTestCase();

private:
    void search(const QString &typed);
    QString headerText(const QString &name) const;
    QString bannerText() const;

    QTemporaryDir m_dir;
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<ApiClient> m_client;
    std::unique_ptr<CallCache> m_cache;
    std::unique_ptr<CallLookup> m_lookup;
    std::unique_ptr<MainWindow> m_window;
};

void TestConsoleEndToEnd::initTestCase()
{
    const QString samples = qEnvironmentVariable("CRN_SAMPLES_DIR");
    if (samples.isEmpty() || !QDir(samples).exists())
        QSKIP("CRN_SAMPLES_DIR does not name the shared samples folder; nothing to import");

    // The cache and the recent calls start empty, in folders of their own.
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    qputenv("TZ", "Europe/Berlin");
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    Translations::install(QCoreApplication::instance());
    QVERIFY(m_dir.isValid());

    const QString database = m_dir.filePath(u"calls.sqlite"_qs);
    QProcess import;
    import.start(QStringLiteral(CRN_SERVER_BINARY),
                 { u"import"_qs, u"--db"_qs, database, samples });
    QVERIFY2(import.waitForFinished(120000), qPrintable(import.errorString()));
    // Some samples are broken on purpose: the importer reports their rows and goes on.
    QVERIFY2(import.exitStatus() == QProcess::NormalExit && import.exitCode() == 0,
             qPrintable(QString::fromUtf8(import.readAllStandardError())));

    m_server = std::make_unique<TestServer>(database);
    QString why;
    QVERIFY2(m_server->start(0, &why), qPrintable(why));

    m_client = std::make_unique<ApiClient>(m_server->url());
    m_client->setAccessToken(m_server->token());
    m_client->setTransferTimeoutMs(3000);
    m_cache = std::make_unique<CallCache>(m_dir.filePath(u"cache/calls.sqlite"_qs));
    m_lookup = std::make_unique<CallLookup>(m_client.get(), m_cache.get());
    m_lookup->setRetryIntervalMs(500);
    m_window = std::make_unique<MainWindow>(m_lookup.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTRY_COMPARE(m_window->serverIndicator()->text(),
                 u"connected to 127.0.0.1:%1"_qs.arg(m_server->port()));
}

void TestConsoleEndToEnd::cleanupTestCase()
{
    m_window.reset();
    m_lookup.reset();
    m_cache.reset();
    m_client.reset();
    m_server.reset();
}

void TestConsoleEndToEnd::search(const QString &typed)
{
    UiTest::typeAndSearch(m_window->searchField(), typed);
}

QString TestConsoleEndToEnd::headerText(const QString &name) const
{
    const auto *label = m_window->callView()->header()->findChild<QLabel *>(name);
    return label ? label->text() : u"<no label %1>"_qs.arg(name);
}

QString TestConsoleEndToEnd::bannerText() const
{
    return m_window->banner()->isVisible() ? m_window->banner()->text() : QString();
}

void TestConsoleEndToEnd::messyCrnShowsTheSwitchboardCall()
{
    // wazo-cel/cel_switchboard_hold_requeue_linkedid_change: one inbound call, 8001 asking for
    // 91001, answered by the operator; its linkedid 1694023642.7 is 18:07:22 UTC.
    QSignalSpy stored(m_cache.get(), &CallCache::callStored);
    search(u"  1694023642.7\u00a0 "_qs);
    QTRY_COMPARE(m_window->shownCrn(), u"1694023642.7"_qs);
    QCOMPARE(m_window->searchField()->text(), u"1694023642.7"_qs);

    QCOMPARE(headerText(u"crn"_qs), u"1694023642.7"_qs);
    QCOMPARE(headerText(u"start"_qs), u"Wed 6 Sep 2023 20:07:22"_qs);
    QCOMPARE(headerText(u"direction"_qs), u"Inbound"_qs);
    QVERIFY2(headerText(u"caller"_qs).contains(u"8001"_qs), qPrintable(headerText(u"caller"_qs)));
    QCOMPARE(headerText(u"dialed"_qs), u"91001"_qs);
    QCOMPARE(headerText(u"agents"_qs), u"Operator"_qs);
    QCOMPARE(headerText(u"outcome"_qs), u"Answered"_qs);

    // The timeline shows the operator's first conversation, bridged 18:07:28.7 to 18:07:33.99.
    const TimelineView *timeline = m_window->callView()->timeline();
    QVERIFY(timeline->laneCount() >= 2);
    const qint64 bridged = 1694023648'700000; // 18:07:28.7 UTC
    bool talkShown = false;
    for (const Segment &segment : timeline->call().segments) {
        talkShown = talkShown
            || (segment.kind == SegmentKind::Talk && timeline->laneOf(segment.participantId) >= 0
                && qAbs(segment.start.microseconds() - bridged) < 200000);
    }
    QVERIFY(talkShown);
    QVERIFY(m_window->callView()->eventModel()->rowCount() > 0);
    QVERIFY(bannerText().isEmpty());
    QTRY_VERIFY(!stored.isEmpty());
}

void TestConsoleEndToEnd::enDashesFindTheBlindTransfer()
{
    // The CDR specification's scenarios share the linkedid Asterisk-01-1362424276.2; typed with
    // en dashes it still finds them, and the supervisor picks the blind transfer.
    search(u" Asterisk\u201301\u20131362424276.2 "_qs);
    QTRY_VERIFY(m_window->matches()->rowCount() >= 2);
    QCOMPARE(m_window->searchField()->text(), u"Asterisk-01-1362424276.2"_qs);
    QVERIFY2(bannerText().endsWith(u"match “Asterisk-01-1362424276.2”. Pick one on the left to "
                                   "open it."_qs),
             qPrintable(bannerText()));

    int row = -1;
    for (int i = 0; i < m_window->matches()->rowCount(); ++i) {
        if (m_window->matches()->summaries().at(i).crn.contains(u"blind-transfer"))
            row = i;
    }
    QVERIFY(row >= 0);
    auto *list = m_window->findChild<QListView *>(u"matches"_qs);
    const QModelIndex index = list->model()->index(row, 0);
    list->scrollTo(index);
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(index).center());
    QTRY_VERIFY(m_window->shownCrn().contains(u"blind-transfer"));

    // Alice -> Bob 13:11:18 to 13:11:48, then Alice -> Charlie until 13:12:53 (CET, UTC+1, in
    // Berlin): 95 s, three participants, the transfer 30 s in.
    QCOMPARE(headerText(u"start"_qs), u"Mon 4 Mar 2013 14:11:18"_qs);
    QCOMPARE(headerText(u"end"_qs), u"14:12:53"_qs);
    QCOMPARE(headerText(u"duration"_qs), u"1 min 35 s"_qs);
    QCOMPARE(m_window->callView()->timeline()->laneCount(), 3);
    const EventTableModel *events = m_window->callView()->eventModel();
    bool transferAt30 = false;
    for (int i = 0; i < events->rowCount(); ++i) {
        const QModelIndex cell = events->index(i, EventTableModel::EventColumn);
        transferAt30 = transferAt30
            || (cell.data(EventTableModel::EventTypeRole).toString() == u"transfer"
                && events->index(i, EventTableModel::OffsetColumn).data().toString() == u"+30.0 s");
    }
    QVERIFY(transferAt30);
}

void TestConsoleEndToEnd::stoppedServerLeavesTheCachedCopy()
{
    m_server->kill();
    QSignalSpy shown(m_window.get(), &MainWindow::callShown);
    search(u"1694023642.7 "_qs);
    QTRY_VERIFY(!shown.isEmpty()
                && shown.last().at(1).value<CallLookup::Freshness>()
                    == CallLookup::Freshness::CachedOffline);
    QCOMPARE(m_window->shownCrn(), u"1694023642.7"_qs);
    QCOMPARE(headerText(u"dialed"_qs), u"91001"_qs);
    QVERIFY(m_window->callView()->timeline()->laneCount() >= 2);
    QVERIFY2(bannerText().startsWith(u"Offline: showing the copy cached at "_qs),
             qPrintable(bannerText()));
    QVERIFY2(bannerText().endsWith(
                 u"The server at 127.0.0.1:%1 cannot be reached."_qs.arg(m_server->port())),
             qPrintable(bannerText()));
    QTRY_COMPARE(m_window->serverIndicator()->text(),
                 u"cannot reach 127.0.0.1:%1, retrying"_qs.arg(m_server->port()));
}

QTEST_MAIN(TestConsoleEndToEnd)
#include "tst_consoleendtoend.moc"
