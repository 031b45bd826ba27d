#include "cache/callcache.h"
#include "callview.h"
#include "escalation/draftstore.h"
#include "escalation/outbox.h"
#include "escalationdialog.h"
#include "escalationpresenter.h"
#include "escalationsview.h"
#include "lookup/calllookup.h"
#include "mainwindow.h"
#include "media/recordingdownloads.h"
#include "messagebanner.h"
#include "net/apiclient.h"
#include "net/escalationapi.h"
#include "playbackcontroller.h"
#include "qtmediabackend.h"
#include "settings/settingswriter.h"
#include "store/callstore.h"
#include "testserver.h"
#include "testwav.h"
#include "timelineview.h"
#include "typing.h"
#include "uitestcall.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

#include <memory>

// The escalation flow of the whole window against a real crn-server (its built-in catalogue:
// "complaint" needs nothing more, "p3" Normal, team "quality") serving UiTestCall's call with
// one recording, "a": call seconds 1 to 23, so 22 s long (a.wav, 8 kHz mono 16-bit: 44 +
// 22 * 16,000 = 352,044 bytes); call second t is t - 1 s into it. The window is wired as
// crn-console's main() wires it: ApiClient, RecordingDownloads, a real PlaybackController
// (GStreamer), EscalationApi, DraftStore and the Outbox, each in a folder of its own per test.
class TestEscalationFlow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void ctrlEOffersTenSecondsAroundThePlayhead();
    void ctrlEOffersTheShiftDraggedSpan();
    void submittedOfflineIsQueuedThenSentOnce();
    void refusedByTheServerReopensWithItsReason();
    void refusedTokenOffersConnection();
    void refusedForItsTokenIsSentAgainAsItIs();
    void pausedPlaybackReportsThePlayedSpan();
    void picturesOfTheFormAndTheView();

private:
    void openCall();
    EscalationDialog *pressCtrlE();
    void fillAndSubmit(EscalationDialog *dialog, const QString &summary);
    // Saves a grab of widget as name in CRN_DOCS_PICTURES (docs/ when refreshing the pictures)
    // or the test's folder, and checks it is a picture worth looking at: small enough for the
    // repository and not one flat colour.
    void savePicture(QWidget *widget, const QString &name);
    // The escalations the server holds, by GET /api/v1/escalations with the supervisor's token.
    QJsonArray serverEscalations();
    // The list under key of GET path, asked with role's token; one string naming the failure
    // otherwise.
    QJsonArray serverList(const QString &path, const QString &key, Role role);
    static Call callWithRecording();
    static QPoint at(const TimelineView &view, double seconds);

    QTemporaryDir m_dir;
    std::unique_ptr<TestServer> m_server;
    int m_run = 0;

    std::unique_ptr<ApiClient> m_client;
    std::unique_ptr<CallCache> m_cache;
    std::unique_ptr<CallLookup> m_lookup;
    std::unique_ptr<RecordingDownloads> m_downloads;
    std::unique_ptr<QtMediaBackend> m_backend;
    std::unique_ptr<PlaybackController> m_controller;
    std::unique_ptr<EscalationApi> m_api;
    std::unique_ptr<DraftStore> m_drafts;
    std::unique_ptr<Outbox> m_outbox;
    std::unique_ptr<MainWindow> m_window;
};

Call TestEscalationFlow::callWithRecording()
{
    Call call = UiTestCall::make();
    Recording recording;
    recording.id = u"a"_qs;
    recording.legId = u"1694023646.9"_qs;
    recording.participantIds = { u"caller"_qs, u"op"_qs };
    recording.start = UiTestCall::at(1);
    recording.durationUs = 22'000'000;
    recording.channels = 1;
    recording.sampleRate = 8000;
    recording.codec = u"pcm"_qs;
    recording.sizeBytes = 352'044;
    recording.name = u"a.wav"_qs;
    recording.contentType = u"audio/wav"_qs;
    call.recordings = { recording };
    call.summary.recordingCount = 1;
    return call;
}

QPoint TestEscalationFlow::at(const TimelineView &view, double seconds)
{
    const QRectF plot = view.plotArea();
    return QPointF(plot.left() + plot.width() * seconds / 23.4,
                   view.recordingLaneArea().center().y())
        .toPoint();
}

void TestEscalationFlow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    SettingsWriter::flush();
    QSettings().clear();
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QVERIFY(m_dir.isValid());

    const QString root = m_dir.filePath(u"recordings"_qs);
    QVERIFY(QDir().mkpath(root));
    const QByteArray tone = TestWav::clean(TestWav::Format(), 22 * 8000 * 2);
    QCOMPARE(tone.size(), 352'044);
    QVERIFY(TestWav::write(root + u"/a.wav"_qs, tone));

    const QString database = m_dir.filePath(u"calls.sqlite"_qs);
    m_server = std::make_unique<TestServer>(database);
    QString why;
    QVERIFY2(m_server->writeDatabase({ callWithRecording() }, &why), qPrintable(why));
    {
        const std::unique_ptr<CallStore> store = CallStore::open(database, &why);
        QVERIFY2(store, qPrintable(why));
        QVERIFY2(store->saveRecordings({ { u"a"_qs, UiTestCall::make().crn(), u"a.wav"_qs, 352'044,
                                           0, u"audio/wav"_qs } }),
                 qPrintable(store->errorString()));
    }
    m_server->setExtraArguments({ u"--recordings"_qs, root });
    QVERIFY2(m_server->start(0, &why), qPrintable(why));
}

void TestEscalationFlow::init()
{
    ++m_run;
    const QString folder = m_dir.filePath(u"run-%1"_qs.arg(m_run));
    QVERIFY(QDir().mkpath(folder));
    const QUrl url = m_server->url();
    const QByteArray token = m_server->token();

    m_client = std::make_unique<ApiClient>(url);
    m_client->setAccessToken(token);
    m_cache = std::make_unique<CallCache>(folder + u"/cache.sqlite"_qs);
    m_lookup = std::make_unique<CallLookup>(m_client.get(), m_cache.get());
    m_downloads = std::make_unique<RecordingDownloads>(url, folder + u"/recordings"_qs);
    m_downloads->setAccessToken(token);
    m_backend = std::make_unique<QtMediaBackend>();
    m_controller = std::make_unique<PlaybackController>(m_backend.get());
    m_api = std::make_unique<EscalationApi>();
    m_api->setCacheFolder(folder + u"/escalations"_qs);
    m_api->setServer(url, token);
    m_drafts = std::make_unique<DraftStore>(folder + u"/drafts"_qs);
    m_outbox = std::make_unique<Outbox>(folder + u"/outbox.sqlite"_qs);
    // Retries within a second, so that a server back on its port is found soon.
    m_outbox->setBackoff(100, 800);
    m_outbox->setServer(url, token);

    m_window = std::make_unique<MainWindow>(m_lookup.get());
    m_window->setPlayback(m_controller.get(), m_downloads.get());
    m_window->setEscalationServices(m_api.get(), m_drafts.get(), m_outbox.get());
    m_window->setConnection(url, token);
    m_window->resize(1200, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTRY_VERIFY(m_outbox->isLoaded());
    // The catalogue, so that the form has categories to choose from.
    QTRY_VERIFY_WITH_TIMEOUT(!m_api->options().isEmpty(), 10000);
}

void TestEscalationFlow::cleanup()
{
    m_window.reset();
    m_outbox.reset();
    m_drafts.reset();
    m_api.reset();
    m_controller.reset();
    m_backend.reset();
    m_downloads.reset();
    m_lookup.reset();
    m_cache.reset();
    m_client.reset();
}

void TestEscalationFlow::openCall()
{
    QSignalSpy shown(m_window.get(), &MainWindow::callShown);
    UiTest::typeAndSearch(m_window->searchField(), UiTestCall::make().crn());
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 10000);
    QCOMPARE(m_window->callView()->call().recordings.size(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->callView()->isMediaSettled(), 10000);
}

EscalationDialog *TestEscalationFlow::pressCtrlE()
{
    EscalationPresenter *presenter = m_window->escalations();
    QSignalSpy opened(presenter, &EscalationPresenter::dialogOpened);
    // The shortcut is the window's: it must be the active one, as it is again on a desktop once
    // an earlier form has closed (offscreen, nothing gives the activation back).
    QApplication::setActiveWindow(m_window.get());
    if (QApplication::activeWindow() != m_window.get())
        return nullptr;
    QTest::keyClick(m_window.get(), Qt::Key_E, Qt::ControlModifier);
    if (opened.isEmpty())
        return nullptr;
    return opened.first().first().value<EscalationDialog *>();
}

void TestEscalationFlow::fillAndSubmit(EscalationDialog *dialog, const QString &summary)
{
    const auto choose = [](QComboBox *box, const QString &id) {
        const int index = box->findData(id);
        QVERIFY2(index >= 0, qPrintable(id));
        box->setCurrentIndex(index);
    };
    choose(dialog->categoryBox(), u"complaint"_qs);
    choose(dialog->priorityBox(), u"p3"_qs);
    choose(dialog->teamBox(), u"quality"_qs);
    QTest::keyClicks(dialog->summaryField(), summary);
    QVERIFY2(dialog->submitButton()->isEnabled(),
             qPrintable(dialog->findChild<QLabel *>(u"needed"_qs)->text()));
    QTest::mouseClick(dialog->submitButton(), Qt::LeftButton);
}

QJsonArray TestEscalationFlow::serverEscalations()
{
    return serverList(u"/api/v1/escalations"_qs, u"escalations"_qs, Role::Supervisor);
}

QJsonArray TestEscalationFlow::serverList(const QString &path, const QString &key, Role role)
{
    QNetworkAccessManager network;
    QUrl url = m_server->url();
    url.setPath(path);
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", m_server->authorization(role));
    std::unique_ptr<QNetworkReply> reply(network.get(request));
    QSignalSpy done(reply.get(), &QNetworkReply::finished);
    if (!done.wait(10000))
        return { u"no answer"_qs };
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200)
        return { u"HTTP %1"_qs.arg(status) };
    return QJsonDocument::fromJson(reply->readAll()).object().value(key).toArray();
}

// Paused at call second 12 (11 s into "a"): the evidence is 1 s to 21 s of "a".
void TestEscalationFlow::ctrlEOffersTenSecondsAroundThePlayhead()
{
    openCall();
    m_controller->seek(UiTestCall::at(12));
    QTRY_COMPARE(m_controller->position(), UiTestCall::at(12));
    QVERIFY(m_controller->state() != PlaybackController::State::Playing);
    QCOMPARE(m_controller->currentRecordingId(), u"a"_qs);

    EscalationDialog *dialog = pressCtrlE();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    const EscalationDraft draft = dialog->draft();
    QCOMPARE(draft.crn, UiTestCall::make().crn());
    QCOMPARE(draft.recordings.size(), 1);
    QCOMPARE(draft.recordings.first(), (RecordingEvidence { u"a"_qs, 1.0, 21.0 }));
    // The span is offered as evidence, ticked, in words a supervisor reads.
    QVERIFY(dialog->evidenceList()->count() >= 1);
    QCOMPARE(dialog->evidenceList()->item(0)->checkState(), Qt::Checked);
    dialog->reject();
}

// Shift+drag from call second 7 to 10 on the recording lane: 6 s to 9 s of "a", to a pixel.
void TestEscalationFlow::ctrlEOffersTheShiftDraggedSpan()
{
    openCall();
    TimelineView *timeline = m_window->callView()->timeline();
    QTest::mousePress(timeline, Qt::LeftButton, Qt::ShiftModifier, at(*timeline, 7));
    QTest::mouseMove(timeline, at(*timeline, 8.5));
    QTest::mouseMove(timeline, at(*timeline, 10));
    QTest::mouseRelease(timeline, Qt::LeftButton, Qt::ShiftModifier, at(*timeline, 10));
    QVERIFY(timeline->selectedSpan().isValid());

    EscalationDialog *dialog = pressCtrlE();
    QVERIFY(dialog);
    const EscalationDraft draft = dialog->draft();
    QCOMPARE(draft.crn, UiTestCall::make().crn());
    QCOMPARE(draft.recordings.size(), 1);
    const RecordingEvidence span = draft.recordings.first();
    QCOMPARE(span.recordingId, u"a"_qs);
    const double pixel = 23.4 / timeline->plotArea().width() + 0.001;
    QVERIFY2(qAbs(span.start - 6.0) <= pixel, qPrintable(QString::number(span.start)));
    QVERIFY2(qAbs(span.end - 9.0) <= pixel, qPrintable(QString::number(span.end)));
    dialog->reject();
}

void TestEscalationFlow::submittedOfflineIsQueuedThenSentOnce()
{
    openCall();
    QCOMPARE(serverEscalations().size(), 0);
    const quint16 port = m_server->port();
    m_server->kill();

    // The Escalations dock stays out of the way until there is something to follow.
    QVERIFY(!m_window->escalationsDock()->isVisible());
    EscalationDialog *dialog = pressCtrlE();
    QVERIFY(dialog);
    QPointer<EscalationDialog> form(dialog);
    fillAndSubmit(dialog, u"Caller was promised a refund"_qs);
    // On disk in the outbox: the form closes.
    QTRY_VERIFY(form.isNull() || !form->isVisible());

    // The server is away: every try fails and the item waits, shown as queued.
    EscalationsView *view = m_window->escalationsView();
    QVERIFY(m_window->escalationsDock()->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(!m_outbox->items().isEmpty() && m_outbox->items().first().attempts >= 2
                                 && m_outbox->items().first().state == OutboxState::Queued,
                             10000);
    QCOMPARE(view->visibleStates(), QStringList { u"queued"_qs });
    QTreeWidgetItem *row = view->tree()->topLevelItem(0);
    QCOMPARE(row->text(EscalationsView::StateColumn), u"Queued here"_qs);
    QCOMPARE(row->text(EscalationsView::CrnColumn), UiTestCall::make().crn());
    QCOMPARE(row->text(EscalationsView::SummaryColumn), u"Caller was promised a refund"_qs);
    QVERIFY2(row->text(EscalationsView::WhenColumn).startsWith(u"next try"_qs),
             qPrintable(row->text(EscalationsView::WhenColumn)));

    // Back on the same port: the outbox's next try gets through, once.
    QString why;
    QVERIFY2(m_server->start(port, &why), qPrintable(why));
    QTRY_VERIFY_WITH_TIMEOUT(m_outbox->items().first().state == OutboxState::Sent, 15000);
    const QJsonArray held = serverEscalations();
    QCOMPARE(held.size(), 1);
    const QJsonObject escalation = held.first().toObject();
    QCOMPARE(escalation.value(u"crn").toString(), UiTestCall::make().crn());
    QCOMPARE(escalation.value(u"summary").toString(), u"Caller was promised a refund"_qs);
    QCOMPARE(escalation.value(u"id").toString(), m_outbox->items().first().escalationId);

    // The view shows it sent, with the server's status once its list is fetched again.
    QTRY_COMPARE_WITH_TIMEOUT(view->visibleStates(), QStringList { u"sent · open"_qs }, 10000);
    QVERIFY(
        view->tree()->topLevelItem(0)->text(EscalationsView::StateColumn).startsWith(u"Sent"_qs));

    // The call view lists it under "Escalations on this call" with the server's status and team.
    const auto *list = m_window->callView()->findChild<QListWidget *>(u"callEscalations"_qs);
    QVERIFY(list);
    QTRY_COMPARE(list->count(), 1);
    const QString line = list->item(0)->text();
    QVERIFY2(line.startsWith(u"Open · due "_qs)
                 && line.endsWith(u" · Quality · Caller was "
                                  "promised a refund"_qs),
             qPrintable(line));
}

// A body the form would not have let through, straight into the outbox: a span past the end of
// the 22 s recording. The server refuses it field by field (422) and the form reopens with the
// server's sentence beside the evidence.
void TestEscalationFlow::refusedByTheServerReopensWithItsReason()
{
    openCall();
    const QJsonObject body {
        { u"crn"_qs, UiTestCall::make().crn() },
        { u"category"_qs, u"complaint"_qs },
        { u"priority"_qs, u"p3"_qs },
        { u"team"_qs, u"quality"_qs },
        { u"summary"_qs, u"Span past the end"_qs },
        { u"evidence"_qs,
          QJsonObject { { u"recordings"_qs,
                          QJsonArray { QJsonObject { { u"recording_id"_qs, u"a"_qs },
                                                     { u"start"_qs, 20.0 },
                                                     { u"end"_qs, 30.0 } } } } } },
    };
    QSignalSpy opened(m_window->escalations(), &EscalationPresenter::dialogOpened);
    m_outbox->submit(QJsonDocument(body).toJson(QJsonDocument::Compact), UiTestCall::make().crn(),
                     u"Span past the end"_qs);

    QTRY_VERIFY_WITH_TIMEOUT(!m_outbox->items().isEmpty()
                                 && m_outbox->items().first().state == OutboxState::Failed,
                             10000);
    QTRY_VERIFY(!opened.isEmpty());
    EscalationDialog *dialog = m_window->escalations()->dialog();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    // "The span ends at 30 s, after the recording ends at 22 s." (docs/api.yaml's rule).
    const QString reason = dialog->reasonFor(u"evidence"_qs);
    QVERIFY2(reason.contains(u"after the recording ends at 22 s"_qs), qPrintable(reason));
    QVERIFY(dialog->reasonLabel(u"evidence"_qs)->isVisible());
    QCOMPARE(dialog->summaryField()->text(), u"Span past the end"_qs);
    QVERIFY(dialog->resubmitOf() >= 0);

    EscalationsView *view = m_window->escalationsView();
    // The server's escalation from the previous test is listed too; the filter narrows.
    QTRY_VERIFY(view->visibleStates().contains(u"failed"_qs));
    view->setFilter(u"failed"_qs);
    QCOMPARE(view->visibleStates(), QStringList { u"failed"_qs });
    QVERIFY2(view->tree()
                 ->topLevelItem(0)
                 ->text(EscalationsView::ReasonColumn)
                 .contains(u"Double-click to correct"_qs),
             qPrintable(view->tree()->topLevelItem(0)->text(EscalationsView::ReasonColumn)));
    QCOMPARE(serverEscalations().size(), 1); // the one sent by the previous test only
    dialog->reject();
    QTRY_VERIFY(!m_window->escalations()->dialog());

    // A double-click on the failed row reopens the form with the reason; without the span
    // (unticked) the corrected escalation goes through Outbox::resubmit and is sent.
    QTreeWidgetItem *failed = view->tree()->topLevelItem(0);
    const QPoint row = view->tree()->visualItemRect(failed).center();
    // A double-click is a press, a release and a second press: the view wants the first.
    QTest::mouseClick(view->tree()->viewport(), Qt::LeftButton, {}, row);
    QTest::mouseDClick(view->tree()->viewport(), Qt::LeftButton, {}, row);
    QTRY_VERIFY(m_window->escalations()->dialog());
    EscalationDialog *again = m_window->escalations()->dialog();
    QVERIFY2(again->reasonFor(u"evidence"_qs).contains(u"after the recording ends at 22 s"_qs),
             qPrintable(again->reasonFor(u"evidence"_qs)));
    QCOMPARE(again->evidenceList()->item(0)->checkState(), Qt::Checked);
    again->evidenceList()->item(0)->setCheckState(Qt::Unchecked);
    QCOMPARE(again->reasonFor(u"evidence"_qs), QString());
    QVERIFY(again->submitButton()->isEnabled());
    QTest::mouseClick(again->submitButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_outbox->items().first().state == OutboxState::Sent, 10000);
    QCOMPARE(m_outbox->items().size(), 1);
    const QJsonArray held = serverEscalations();
    QCOMPARE(held.size(), 2);
    QCOMPARE(held.first().toObject().value(u"summary").toString(), u"Span past the end"_qs);
}

// The supervisor's token is refused: the search says so and the banner offers Connection…,
// whose dialog takes the right token; the call then opens.
void TestEscalationFlow::refusedTokenOffersConnection()
{
    m_client->setAccessToken("not-a-token-of-this-server");
    QSignalSpy failed(m_lookup.get(), &CallLookup::failed);
    UiTest::typeAndSearch(m_window->searchField(), UiTestCall::make().crn());
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 10000);

    MessageBanner *banner = m_window->banner();
    QTRY_COMPARE(banner->actionText(), u"Connection…"_qs);
    QVERIFY(banner->isVisible());
    QCOMPARE(banner->kind(), MessageBanner::Kind::Error);
    QVERIFY2(banner->text().contains(u"did not accept the console's access token"_qs),
             qPrintable(banner->text()));
    QVERIFY(!banner->text().contains(u"not-a-token"_qs));

    // The button opens the connection dialog (modal): type the right token and accept.
    QSignalSpy changed(m_window.get(), &MainWindow::connectionChanged);
    connect(m_window.get(), &MainWindow::connectionChanged, m_client.get(),
            [this](const QUrl &, const QByteArray &token) { m_client->setAccessToken(token); });
    bool seen = false;
    QTimer::singleShot(0, this, [this, &seen] {
        auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget());
        if (!dialog || dialog->objectName() != u"connectionDialog")
            return;
        seen = true;
        auto *field = dialog->findChild<QLineEdit *>(u"accessToken"_qs);
        field->setText(QString::fromLatin1(m_server->token()));
        dialog->accept();
    });
    QTest::mouseClick(banner->findChild<QPushButton *>(u"bannerAction"_qs), Qt::LeftButton);
    QVERIFY(seen);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.first().at(1).toByteArray(), m_server->token());

    QSignalSpy shown(m_window.get(), &MainWindow::callShown);
    UiTest::typeAndSearch(m_window->searchField(), UiTestCall::make().crn());
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 10000);
}

// The outbox's token is refused (401): the item fails with the server's sentence and no field;
// once the token is right again, a double-click on its row opens the form with that sentence
// and Submit sends it unchanged.
void TestEscalationFlow::refusedForItsTokenIsSentAgainAsItIs()
{
    openCall();
    m_outbox->setServer(m_server->url(), "not-a-token-of-this-server");
    EscalationDialog *dialog = pressCtrlE();
    QVERIFY(dialog);
    fillAndSubmit(dialog, u"Refused for its token"_qs);
    QTRY_VERIFY_WITH_TIMEOUT(!m_outbox->items().isEmpty()
                                 && m_outbox->items().first().state == OutboxState::Failed,
                             10000);
    const OutboxItem refused = m_outbox->items().first();
    QVERIFY(refused.fieldErrors.isEmpty());
    QVERIFY(!refused.lastError.isEmpty());
    QVERIFY(!refused.lastError.contains(u"not-a-token"_qs));

    EscalationsView *view = m_window->escalationsView();
    view->setFilter(u"failed"_qs);
    QTRY_COMPARE(view->visibleStates(), QStringList { u"failed"_qs });
    QTreeWidgetItem *row = view->tree()->topLevelItem(0);
    QVERIFY2(
        row->text(EscalationsView::ReasonColumn).endsWith(u"Double-click to send it again."_qs),
        qPrintable(row->text(EscalationsView::ReasonColumn)));

    m_outbox->setServer(m_server->url(), m_server->token());
    const QPoint at = view->tree()->visualItemRect(row).center();
    QTest::mouseClick(view->tree()->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseDClick(view->tree()->viewport(), Qt::LeftButton, {}, at);
    QTRY_VERIFY(m_window->escalations()->dialog());
    EscalationDialog *again = m_window->escalations()->dialog();
    QCOMPARE(again->reasonFor(u"form"_qs), refused.lastError);
    QCOMPARE(again->summaryField()->text(), u"Refused for its token"_qs);
    QVERIFY(again->submitButton()->isEnabled());
    const int before = int(serverEscalations().size());
    QTest::mouseClick(again->submitButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_outbox->items().first().state == OutboxState::Sent, 10000);
    QCOMPARE(serverEscalations().size(), before + 1);
}

// Played from call second 3 (2 s into "a") and paused once past call second 5: the console
// tells the server which span was heard, and the audit log holds it as "2.0-x s".
void TestEscalationFlow::pausedPlaybackReportsThePlayedSpan()
{
    openCall();
    QSignalSpy reported(m_api.get(), &EscalationApi::playReported);
    m_controller->playAt(UiTestCall::at(3));
    QTRY_COMPARE_WITH_TIMEOUT(m_controller->state(), PlaybackController::State::Playing, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(m_controller->position() > UiTestCall::at(5), 10000);
    QVERIFY(reported.isEmpty());
    m_controller->pause();

    QTRY_COMPARE_WITH_TIMEOUT(reported.size(), 1, 10000);
    QCOMPARE(reported.first().at(0).toString(), u"a"_qs);
    QCOMPARE(reported.first().at(1).toInt(), 204);

    bool found = false;
    for (const QJsonValue &value : serverList(u"/api/v1/audit"_qs, u"entries"_qs, Role::Auditor)) {
        const QJsonObject entry = value.toObject();
        if (entry.value(u"action").toString() != u"recording_played")
            continue;
        QCOMPARE(entry.value(u"recording_id").toString(), u"a"_qs);
        QCOMPARE(entry.value(u"user").toString(), u"supervisor"_qs);
        // "2.0-4.3 s": from where playing started to where it paused, seconds into "a".
        const QString detail = entry.value(u"detail").toString();
        const QStringList ends = detail.chopped(2).split(u'-');
        QCOMPARE(ends.size(), 2);
        QVERIFY2(qAbs(ends.at(0).toDouble() - 2.0) <= 0.3, qPrintable(detail));
        QVERIFY2(ends.at(1).toDouble() >= 4.0 && ends.at(1).toDouble() < 22.0, qPrintable(detail));
        found = true;
    }
    QVERIFY(found);
}

void TestEscalationFlow::savePicture(QWidget *widget, const QString &name)
{
    const QString folder = qEnvironmentVariableIsSet("CRN_DOCS_PICTURES")
        ? qEnvironmentVariable("CRN_DOCS_PICTURES")
        : m_dir.path();
    const QString path = folder + u'/' + name;
    const QImage image = widget->grab().toImage();
    QVERIFY(image.save(path, "PNG", 9));
    QVERIFY2(QFileInfo(path).size() < 150 * 1024,
             qPrintable(QString::number(QFileInfo(path).size())));
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 4) {
        for (int x = 0; x < image.width(); x += 4)
            colours.insert(image.pixel(x, y));
    }
    QVERIFY2(colours.size() > 10, qPrintable(name));
}

// The form filled in with a 20 s span (paused at call second 12: 1 s to 21 s of "a"), and the
// Escalations view with one escalation sent and one queued while the server is away.
void TestEscalationFlow::picturesOfTheFormAndTheView()
{
    openCall();
    m_controller->seek(UiTestCall::at(12));
    QTRY_COMPARE(m_controller->position(), UiTestCall::at(12));
    EscalationDialog *dialog = pressCtrlE();
    QVERIFY(dialog);
    QCOMPARE(dialog->draft().recordings.value(0), (RecordingEvidence { u"a"_qs, 1.0, 21.0 }));
    const auto choose = [](QComboBox *box, const QString &id) {
        box->setCurrentIndex(box->findData(id));
    };
    choose(dialog->categoryBox(), u"compliance_breach"_qs);
    choose(dialog->priorityBox(), u"p2"_qs);
    choose(dialog->teamBox(), u"compliance"_qs);
    QTest::keyClicks(dialog->summaryField(), u"Agent read the card number back aloud"_qs);
    dialog->descriptionField()->setPlainText(
        u"At 18:07:34 the agent repeats the full card number to the caller before the hold. "
        "Please review the span and coach the agent."_qs);
    QVERIFY(dialog->submitButton()->isEnabled());
    QTest::qWait(50);
    savePicture(dialog, u"escalation-form.png"_qs);
    QTest::mouseClick(dialog->submitButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!m_outbox->items().isEmpty()
                                 && m_outbox->items().first().state == OutboxState::Sent,
                             10000);

    const quint16 port = m_server->port();
    m_server->kill();
    QTRY_VERIFY(!m_window->escalations()->dialog());
    m_window->callView()->timeline()->clearSelectedSpan();
    EscalationDialog *second = pressCtrlE();
    QVERIFY(second);
    fillAndSubmit(second, u"Caller asks for a call back about the refund"_qs);
    QTRY_VERIFY_WITH_TIMEOUT(m_outbox->items().size() == 2
                                 && m_outbox->items().first().state == OutboxState::Queued
                                 && m_outbox->items().first().attempts >= 1,
                             10000);
    EscalationsView *view = m_window->escalationsView();
    QTRY_COMPARE(view->visibleStates().mid(0, 2),
                 (QStringList { u"queued"_qs, u"sent · open"_qs }));
    m_window->escalationsDock()->resize(1100, 260);
    view->resize(1100, 230);
    savePicture(view, u"escalations-view.png"_qs);

    QString why;
    QVERIFY2(m_server->start(port, &why), qPrintable(why));
    QTRY_VERIFY_WITH_TIMEOUT(m_outbox->items().first().state == OutboxState::Sent, 15000);
}

QTEST_MAIN(TestEscalationFlow)
#include "tst_escalationflow.moc"
