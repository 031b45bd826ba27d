#include "mainwindow.h"

#include "callsummarydelegate.h"
#include "callsummarymodel.h"
#include "callview.h"
#include "connectiondialog.h"
#include "escalation/draftstore.h"
#include "escalation/playedspantracker.h"
#include "escalationdialog.h"
#include "escalationpresenter.h"
#include "escalationsview.h"
#include "icons.h"
#include "logging.h"
#include "media/recordingdownloads.h"
#include "messagebanner.h"
#include "model/crntext.h"
#include "net/escalationapi.h"
#include "playbackcontroller.h"
#include "playerbar.h"
#include "resultsexport.h"
#include "resultsfiltermodel.h"
#include "searchfield.h"
#include "searchhistory.h"
#include "serverindicator.h"
#include "settings/settingswriter.h"
#include "settingsdialog.h"
#include "timetext.h"
#include "json/calljson.h"

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace {

constexpr int kRecentCallsKept = 20;
constexpr int kAgeRefreshMs = 30000;

QLabel *paneTitle(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont bold = label->font();
    bold.setBold(true);
    label->setFont(bold);
    return label;
}

// A list of calls, two lines each; the delegate reads every column of the row.
QListView *summaryView(QAbstractItemModel *model, const QString &accessibleName, QWidget *parent)
{
    auto *view = new QListView(parent);
    view->setModel(model);
    view->setModelColumn(CallSummaryModel::CrnColumn);
    view->setItemDelegate(new CallSummaryDelegate(view));
    view->setAccessibleName(accessibleName);
    view->setUniformItemSizes(true);
    view->setAlternatingRowColors(true);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    return view;
}

// What was searched, short enough for one line of a banner: pasted text can be anything.
QString shortened(const QString &query)
{
    constexpr qsizetype kMaxCharacters = 64;
    return query.size() <= kMaxCharacters ? query : query.left(kMaxCharacters - 1) + u'…';
}

} // namespace

MainWindow::MainWindow(CallLookup *lookup, QWidget *parent)
    : QMainWindow(parent)
    , m_lookup(lookup)
    , m_banner(new MessageBanner)
    , m_matches(new CallSummaryModel(this))
    , m_recent(new CallSummaryModel(this))
    , m_pages(new QStackedWidget)
    , m_callView(new CallView)
    , m_server(new ServerIndicator)
{
    setWindowTitle(tr("CRN Console"));
    setWindowIcon(Icons::application());
    m_matchesFilter = new ResultsFilterModel(this);
    m_matchesFilter->setSourceModel(m_matches);
    m_history = new SearchHistory(this);
    m_export = new ResultsExport(this);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(8, 8, 8, 4);
    layout->setSpacing(8);
    buildSearchBar(central);
    auto *searchRow = new QHBoxLayout;
    searchRow->addWidget(m_search, 1);
    searchRow->addWidget(m_find);
    layout->addLayout(searchRow);
    layout->addWidget(m_banner);

    m_pages->addWidget(buildWelcomePage());
    showWelcome();
    m_pages->addWidget(m_callView);

    auto *splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(buildLeftPane());
    splitter->addWidget(m_pages);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({ 340, 1020 });
    splitter->setChildrenCollapsible(false);
    layout->addWidget(splitter, 1);
    setCentralWidget(central);

    statusBar()->addPermanentWidget(m_server);
    createActions();

    connect(m_banner, &MessageBanner::actionTriggered, this, [this] {
        if (m_bannerAction == BannerAction::CancelExport)
            cancelExport();
        else if (m_bannerAction == BannerAction::Connection)
            showConnection();
        else if (m_bannerAction == BannerAction::OpenDrafts && m_escalations
                 && !m_waitingDrafts.isEmpty()) {
            const EscalationDraft draft = m_waitingDrafts.takeFirst();
            m_escalations->openDraft(draft, shownCrn() == draft.crn ? m_callView->call() : Call());
            m_banner->dismiss();
        } else
            search(m_lastQuery);
    });
    connect(m_banner, &MessageBanner::dismissed, this, [this] { m_bannerIsFreshness = false; });

    connect(m_lookup, &CallLookup::searchStarted, this, &MainWindow::onSearchStarted);
    connect(m_lookup, &CallLookup::callFound, this, &MainWindow::onCallFound);
    connect(m_lookup, &CallLookup::callConfirmed, this, &MainWindow::onCallConfirmed);
    connect(m_lookup, &CallLookup::matchesFound, this, &MainWindow::onMatchesFound);
    connect(m_lookup, &CallLookup::matchesConfirmed, this, &MainWindow::onMatchesConfirmed);
    connect(m_lookup, &CallLookup::matchesAppended, this, &MainWindow::onMatchesAppended);
    connect(m_lookup, &CallLookup::moreMatchesFailed, this, &MainWindow::onMoreMatchesFailed);
    connect(m_lookup, &CallLookup::listFound, this, &MainWindow::onListFound);
    // The model asks as the list is scrolled to its end; the lookup holds the server's cursor.
    connect(m_matches, &CallSummaryModel::moreRequested, this,
            [this] { m_lookup->fetchMoreMatches(m_matchesQuery); });
    connect(m_matchesFilter, &QAbstractItemModel::modelReset, this,
            &MainWindow::updateMatchesCount);
    connect(m_matchesFilter, &QAbstractItemModel::rowsInserted, this,
            &MainWindow::updateMatchesCount);
    connect(m_matchesFilter, &QAbstractItemModel::rowsRemoved, this,
            &MainWindow::updateMatchesCount);
    connect(m_history, &SearchHistory::recentChanged, this,
            [this] { m_search->setRecentSearches(m_history->recent()); });
    m_search->setRecentSearches(m_history->recent());
    connect(m_export, &ResultsExport::finished, this,
            [this](const QString &path, int calls, bool ok, const QString &sentence) {
                if (ok)
                    statusBar()->showMessage(tr("Exported %n call(s) to %1.", "", calls).arg(path),
                                             10000);
                else
                    m_banner->showMessage(MessageBanner::Kind::Error, sentence);
                Q_EMIT resultsExported(path, ok, sentence);
            });
    connect(m_lookup, &CallLookup::notFound, this, &MainWindow::onNotFound);
    connect(m_lookup, &CallLookup::failed, this, &MainWindow::onFailed);
    // After onFailed's sentence: the banner then offers Connection… instead of Retry.
    connect(m_lookup, &CallLookup::unauthorized, this, &MainWindow::showUnauthorized);
    connect(m_lookup, &CallLookup::cacheProblem, this, [this](const QString &sentence) {
        m_banner->showMessage(MessageBanner::Kind::Warning, sentence);
        m_bannerIsFreshness = false;
    });
    connect(m_lookup, &CallLookup::serverStateChanged, this, &MainWindow::onServerStateChanged);

    // "5 min ago" must not stay "5 min ago" for an hour.
    m_ageTimer.setInterval(kAgeRefreshMs);
    connect(&m_ageTimer, &QTimer::timeout, this, &MainWindow::showFreshnessBanner);

    loadRecentCalls();
    // CallLookup checks the server by itself, at once and again while it cannot be reached.
    onServerStateChanged(m_lookup->serverState(), {});

    resize(1360, 860);
    m_search->setFocus();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildSearchBar(QWidget *parent)
{
    m_search = new SearchField(parent);
    m_search->setObjectName(QStringLiteral("search"));
    QFont larger = m_search->font();
    larger.setPointSizeF(larger.pointSizeF() * 1.15);
    m_search->setFont(larger);
    m_search->setMinimumHeight(m_search->sizeHint().height() + 6);

    m_find = new QPushButton(tr("Find"), parent);
    m_find->setObjectName(QStringLiteral("find"));
    m_find->setDefault(true);
    m_find->setMinimumHeight(m_search->minimumHeight());
    m_find->setToolTip(tr("Find the call (Enter)"));

    connect(m_search, &QLineEdit::returnPressed, this, [this] { search(m_search->text()); });
    connect(m_find, &QPushButton::clicked, this, [this] { search(m_search->text()); });
}

QWidget *MainWindow::buildLeftPane()
{
    auto *pane = new QWidget;
    auto *layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);

    m_matchesTitle = paneTitle(tr("Matches"), pane);
    m_matchesCount = new QLabel(pane);
    m_matchesCount->setObjectName(QStringLiteral("matchesCount"));
    // The count must be read whole; a long query in the title gives way instead.
    m_matchesTitle->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto *titleRow = new QHBoxLayout;
    titleRow->addWidget(m_matchesTitle, 1);
    titleRow->addWidget(m_matchesCount);

    // Sorting and the quick filter work on the rows loaded so far.
    m_matchesTools = new QWidget(pane);
    auto *tools = new QHBoxLayout(m_matchesTools);
    tools->setContentsMargins(0, 0, 0, 0);
    m_filterField = new QLineEdit(m_matchesTools);
    m_filterField->setObjectName(QStringLiteral("matchesFilter"));
    m_filterField->setPlaceholderText(tr("Filter these results"));
    m_filterField->setAccessibleName(tr("Filter the loaded results"));
    m_filterField->setClearButtonEnabled(true);
    m_sortBox = new QComboBox(m_matchesTools);
    m_sortBox->setObjectName(QStringLiteral("matchesSort"));
    m_sortBox->setAccessibleName(tr("Sort the results by"));
    m_sortBox->addItem(tr("As found"), QVariant::fromValue(ResultsFilterModel::SortKey::Found));
    m_sortBox->addItem(tr("Start"), QVariant::fromValue(ResultsFilterModel::SortKey::Start));
    m_sortBox->addItem(tr("Duration"), QVariant::fromValue(ResultsFilterModel::SortKey::Duration));
    m_sortBox->addItem(tr("Caller"), QVariant::fromValue(ResultsFilterModel::SortKey::Caller));
    m_sortBox->addItem(tr("Outcome"), QVariant::fromValue(ResultsFilterModel::SortKey::Outcome));
    m_sortOrder = new QToolButton(m_matchesTools);
    m_sortOrder->setObjectName(QStringLiteral("matchesSortOrder"));
    m_sortOrder->setCheckable(true);
    m_sortOrder->setText(QStringLiteral("↑"));
    m_sortOrder->setToolTip(tr("Sort in descending order"));
    m_sortOrder->setAccessibleName(tr("Descending order"));
    tools->addWidget(m_filterField, 1);
    tools->addWidget(m_sortBox);
    tools->addWidget(m_sortOrder);
    connect(m_filterField, &QLineEdit::textChanged, m_matchesFilter,
            &ResultsFilterModel::setFilterText);
    connect(m_sortBox, &QComboBox::currentIndexChanged, this, &MainWindow::applySort);
    connect(m_sortOrder, &QToolButton::toggled, this, &MainWindow::applySort);

    m_matchesView = summaryView(m_matchesFilter, tr("Calls matching the search"), pane);
    m_matchesView->setObjectName(QStringLiteral("matches"));
    m_matchesTitle->setBuddy(m_matchesView);
    auto *recentTitle = paneTitle(tr("Recent calls"), pane);
    m_recentView = summaryView(m_recent, tr("Recently opened calls"), pane);
    m_recentView->setObjectName(QStringLiteral("recentCalls"));
    recentTitle->setBuddy(m_recentView);

    layout->addLayout(titleRow);
    layout->addWidget(m_matchesTools);
    layout->addWidget(m_matchesView, 3);
    layout->addWidget(recentTitle);
    layout->addWidget(m_recentView, 2);
    m_matchesTitle->hide();
    m_matchesCount->hide();
    m_matchesTools->hide();
    m_matchesView->hide();

    // A single click opens: the supervisor is in a hurry, and a newer pick supersedes.
    for (QListView *view : { m_matchesView, m_recentView }) {
        connect(view, &QAbstractItemView::activated, this, [this](const QModelIndex &index) {
            open(index.data(CallSummaryModel::CrnRole).toString());
        });
        connect(view, &QAbstractItemView::clicked, this, [this](const QModelIndex &index) {
            open(index.data(CallSummaryModel::CrnRole).toString());
        });
    }
    return pane;
}

QWidget *MainWindow::buildWelcomePage()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    auto *hint = new QLabel(page);
    m_welcome = hint;
    hint->setObjectName(QStringLiteral("welcome"));
    hint->setAlignment(Qt::AlignCenter);
    hint->setWordWrap(true);
    QPalette muted = hint->palette();
    muted.setColor(QPalette::WindowText, muted.color(QPalette::PlaceholderText));
    hint->setPalette(muted);
    QFont larger = hint->font();
    larger.setPointSizeF(larger.pointSizeF() * 1.2);
    hint->setFont(larger);
    layout->addStretch(1);
    layout->addWidget(hint);
    layout->addStretch(2);
    return page;
}

void MainWindow::createActions()
{
    auto *focus = new QAction(tr("Search"), this);
    focus->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    focus->setShortcutContext(Qt::WindowShortcut);
    connect(focus, &QAction::triggered, this, &MainWindow::focusSearch);
    addAction(focus);

    auto *reload = new QAction(tr("Reload the call from the server"), this);
    reload->setShortcut(QKeySequence::Refresh);
    connect(reload, &QAction::triggered, this, &MainWindow::refresh);
    addAction(reload);

    auto *quit = new QAction(tr("&Quit"), this);
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    auto *exportResults = new QAction(tr("&Export results…"), this);
    exportResults->setObjectName(QStringLiteral("exportResults"));
    exportResults->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    connect(exportResults, &QAction::triggered, this, &MainWindow::exportResults);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(focus);
    file->addAction(reload);
    file->addSeparator();
    file->addAction(exportResults);
    file->addSeparator();
    file->addAction(quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    auto *settings = edit->addAction(tr("&Settings…"), this, &MainWindow::showSettings);
    settings->setObjectName(QStringLiteral("settings"));
    settings->setMenuRole(QAction::PreferencesRole);
    auto *connection = edit->addAction(tr("&Connection…"), this, &MainWindow::showConnection);
    connection->setObjectName(QStringLiteral("connection"));

    QMenu *callMenu = menuBar()->addMenu(tr("&Call"));
    m_escalateAction = callMenu->addAction(tr("&Escalate…"), this, &MainWindow::escalate);
    m_escalateAction->setObjectName(QStringLiteral("escalateAction"));
    m_escalateAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_escalateAction->setShortcutContext(Qt::WindowShortcut);
    addAction(m_escalateAction);
    m_viewMenu = menuBar()->addMenu(tr("&View"));

    // Rebuilt as it opens, so that it always lists what SearchHistory holds.
    m_searchesMenu = menuBar()->addMenu(tr("Sea&rches"));
    m_searchesMenu->setObjectName(QStringLiteral("searches"));
    connect(m_searchesMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildSearchesMenu);
    rebuildSearchesMenu();

    // The player's own actions, so that their keys can be found in a menu; they act only while
    // a call is on screen.
    QMenu *playback = menuBar()->addMenu(tr("&Playback"));
    const PlayerBar *player = m_callView->playerBar();
    for (QAction *action : { player->playAction(), player->backAction(), player->forwardAction(),
                             player->startAction(), player->endAction() })
        playback->addAction(action);
    playback->addSeparator();
    playback->addAction(player->downloadAction());
    playback->addAction(player->exportAction());
}

void MainWindow::setPlayback(PlaybackController *controller, RecordingDownloads *downloads)
{
    m_downloads = downloads;
    m_controller = controller;
    m_callView->setPlayback(controller, downloads);
    feedPlayedSpans();
}

void MainWindow::setEscalationServices(EscalationApi *api, DraftStore *drafts, Outbox *outbox)
{
    m_escalationApi = api;
    m_escalations = new EscalationPresenter(api, drafts, outbox, this);
    m_escalationsView = new EscalationsView;
    m_escalations->setView(m_escalationsView);
    m_escalationsDock = new QDockWidget(tr("Escalations"), this);
    m_escalationsDock->setObjectName(QStringLiteral("escalationsDock"));
    m_escalationsDock->setWidget(m_escalationsView);
    addDockWidget(Qt::BottomDockWidgetArea, m_escalationsDock);
    // Hidden until wanted (View > Escalations, or a submission to follow): the call's timeline
    // needs the height more.
    m_escalationsDock->hide();
    QAction *toggle = m_escalationsDock->toggleViewAction();
    toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    m_viewMenu->addAction(toggle);

    connect(m_callView, &CallView::escalateRequested, this, &MainWindow::escalate);
    connect(m_escalationsView, &EscalationsView::openCallRequested, this, &MainWindow::open);
    connect(m_escalations, &EscalationPresenter::callEscalationsChanged, this,
            &MainWindow::showCallEscalations);
    connect(m_escalations, &EscalationPresenter::notice, this, &MainWindow::showNotice);
    connect(m_escalations, &EscalationPresenter::submitted, m_escalationsDock, &QWidget::show);
    connect(api, &EscalationApi::unauthorized, this, &MainWindow::showUnauthorized);
    connect(m_escalations, &EscalationPresenter::draftsWaiting, this,
            [this](const QList<EscalationDraft> &drafts) {
                m_waitingDrafts = drafts;
                m_bannerAction = BannerAction::OpenDrafts;
                m_bannerIsFreshness = false;
                m_banner->showMessage(
                    MessageBanner::Kind::Information,
                    tr("%n escalation draft(s) not submitted yet, the latest for call %1.", "",
                       int(drafts.size()))
                        .arg(drafts.first().crn),
                    tr("Open draft"));
            });
    connect(this, &MainWindow::callShown, this, [this](const QString &crn) {
        showCallEscalations(crn);
        m_escalationApi->fetchEscalations(crn);
    });
    m_escalations->loadDrafts();
    m_escalations->refresh();
    feedPlayedSpans();
}

void MainWindow::feedPlayedSpans()
{
    if (!m_controller || !m_escalationApi || m_playedSpans)
        return;
    m_playedSpans = new PlayedSpanTracker(this);
    PlaybackController *controller = m_controller;
    connect(m_playedSpans, &PlayedSpanTracker::spanPlayed, m_escalationApi,
            &EscalationApi::reportPlay);
    const auto position = [this, controller] {
        const QString id = controller->currentRecordingId();
        for (const PlaylistEntry &entry : controller->playlist()) {
            if (entry.recordingId == id && controller->position().isValid())
                return double(controller->position() - entry.start) / 1e6;
        }
        return 0.0;
    };
    connect(controller, &PlaybackController::currentRecordingChanged, m_playedSpans,
            [this, position](const QString &id) {
                m_playedSpans->setRecording(id);
                m_playedSpans->setPosition(position());
            });
    connect(controller, &PlaybackController::positionChanged, m_playedSpans,
            [this, position] { m_playedSpans->setPosition(position()); });
    connect(controller, &PlaybackController::stateChanged, m_playedSpans,
            [this](PlaybackController::State state) {
                m_playedSpans->setPlaying(state == PlaybackController::State::Playing);
            });
}

void MainWindow::setConnection(const QUrl &server, const QByteArray &token)
{
    m_connectionServer = server;
    m_token = token;
}

void MainWindow::escalate()
{
    if (!m_escalations || shownCrn().isEmpty() || m_pages->currentWidget() != m_callView) {
        statusBar()->showMessage(tr("Open a call first, then escalate it."), 5000);
        return;
    }
    m_escalations->escalate(m_callView->call(), m_callView->evidenceSpan(),
                            m_callView->pickedEvents());
}

void MainWindow::showConnection()
{
    ConnectionDialog dialog(m_connectionServer, m_token, m_escalationApi, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_connectionServer = dialog.server();
    m_token = dialog.token();
    if (m_bannerAction == BannerAction::Connection)
        m_banner->dismiss();
    Q_EMIT connectionChanged(m_connectionServer, m_token);
}

void MainWindow::showUnauthorized(const QString &sentence)
{
    // One sentence, however many requests were refused.
    if (m_bannerAction == BannerAction::Connection && m_banner->isVisible())
        return;
    m_bannerAction = BannerAction::Connection;
    m_bannerIsFreshness = false;
    m_banner->showMessage(MessageBanner::Kind::Error, sentence, tr("Connection…"));
}

void MainWindow::showNotice(const QString &sentence)
{
    m_bannerAction = BannerAction::Retry;
    m_bannerIsFreshness = false;
    m_banner->showMessage(MessageBanner::Kind::Information, sentence);
}

void MainWindow::showCallEscalations(const QString &crn)
{
    if (!m_escalations || CrnText::normalized(crn) != CrnText::normalized(shownCrn()))
        return;
    QString note;
    const auto lines = m_escalations->linesForCall(crn, &note);
    m_callView->setEscalationLines(lines, note);
}

void MainWindow::setSettings(ConsoleSettings *settings)
{
    m_settings = settings;
}

void MainWindow::showSettings()
{
    SettingsDialog dialog(m_downloads, m_settings, m_lookup, this);
    dialog.exec();
}

QString MainWindow::shownCrn() const
{
    return m_pages->currentWidget() == m_callView ? m_callView->call().crn() : QString();
}

void MainWindow::search(const QString &text)
{
    if (text.trimmed().isEmpty()) {
        m_banner->showMessage(MessageBanner::Kind::Information,
                              tr("Type or paste a CRN, a leg id, a phone number, an agent or a "
                                 "queue, then press Enter."));
        m_bannerIsFreshness = false;
        focusSearch();
        return;
    }
    m_lastQuery = text;
    m_lookup->find(text);
}

void MainWindow::open(const QString &crn)
{
    if (crn.isEmpty())
        return;
    m_lastQuery = crn;
    m_lookup->open(crn);
}

void MainWindow::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void MainWindow::refresh()
{
    if (!shownCrn().isEmpty())
        open(shownCrn());
}

void MainWindow::onSearchStarted(const QString &cleanedText)
{
    m_history->addRecent(cleanedText);
    // The field shows what is actually searched, after the lookup cleaned it.
    if (m_search->text() != cleanedText)
        m_search->setText(cleanedText);
    statusBar()->showMessage(tr("Searching for “%1”…").arg(cleanedText));
}

void MainWindow::onCallFound(const Call &call, CallLookup::Freshness freshness,
                             const QDateTime &fetchedAt)
{
    statusBar()->clearMessage();
    m_callView->setCall(call);
    m_pages->setCurrentWidget(m_callView);
    setWindowTitle(tr("%1 — CRN Console").arg(call.crn()));

    m_freshness = freshness;
    m_fetchedAt = fetchedAt;
    m_freshnessOfMatches = false;
    showFreshnessBanner();

    m_recent->remember(call.summary, kRecentCallsKept);
    saveRecentCalls();
    qCInfo(lcUi) << "showing call" << call.crn() << "with" << call.events.size() << "events,"
                 << freshness;
    Q_EMIT callShown(call.crn(), freshness);
}

void MainWindow::onCallConfirmed(const QString &crn, const QDateTime &checkedAt)
{
    // The server vouched for the cached copy on screen: it is as good as a fresh one.
    if (m_freshnessOfMatches || CrnText::normalized(crn) != CrnText::normalized(shownCrn()))
        return;
    m_freshness = CallLookup::Freshness::Live;
    m_fetchedAt = checkedAt;
    showFreshnessBanner();
    Q_EMIT callShown(shownCrn(), CallLookup::Freshness::Live);
}

void MainWindow::showFreshnessBanner()
{
    // Only the ticking age refreshes a kept list's banner here, and only while it shows it.
    if (m_freshnessOfMatches) {
        if (m_bannerIsFreshness && m_banner->isVisible())
            showMatchesFreshnessBanner();
        else
            m_ageTimer.stop();
        return;
    }
    if (m_pages->currentWidget() != m_callView)
        return;

    const QDateTime now = QDateTime::currentDateTime();
    QString text;
    MessageBanner::Kind kind = MessageBanner::Kind::Information;
    switch (m_freshness) {
    case CallLookup::Freshness::Live:
        // A fresh answer supersedes whatever the banner said about earlier requests.
        m_banner->dismiss();
        m_bannerIsFreshness = false;
        m_ageTimer.stop();
        return;
    case CallLookup::Freshness::Cached:
        text = tr("Cached copy from %1, checking the server…")
                   .arg(TimeText::clock(m_fetchedAt, now));
        break;
    case CallLookup::Freshness::CachedOffline:
        kind = MessageBanner::Kind::Warning;
        text = tr("Offline: showing the copy cached at %1 (%2). The server at %3 cannot be "
                  "reached.")
                   .arg(TimeText::clock(m_fetchedAt, now), TimeText::age(m_fetchedAt, now),
                        serverAddress());
        break;
    case CallLookup::Freshness::CachedNotOnServer:
        kind = MessageBanner::Kind::Warning;
        text = tr("The server at %1 does not know this call. Showing the copy cached at %2 "
                  "(%3), which may come from another server.")
                   .arg(serverAddress(), TimeText::clock(m_fetchedAt, now),
                        TimeText::age(m_fetchedAt, now));
        break;
    }

    if (m_bannerIsFreshness && m_banner->isVisible() && m_banner->kind() == kind)
        m_banner->updateText(text);
    else
        m_banner->showMessage(kind, text);
    m_bannerIsFreshness = true;
    m_ageTimer.start();
}

void MainWindow::onMatchesFound(const QString &query, const QList<CallSummary> &matches,
                                CallLookup::Freshness freshness, const QDateTime &asOf)
{
    if (freshness == CallLookup::Freshness::Cached)
        statusBar()->showMessage(tr("Checking “%1” with the server…").arg(shortened(query)));
    else
        statusBar()->clearMessage();
    if (matches.isEmpty()) {
        onNotFound(query);
        return;
    }
    cancelExport();
    m_matchesQuery = query;
    m_matches->setSummaries(matches, m_lookup->hasMoreMatches(query));
    showMatches(tr("Matches for “%1”").arg(shortened(query)));
    m_freshnessOfMatches = true;
    m_freshness = freshness;
    m_fetchedAt = asOf;
    m_bannerIsFreshness = false;
    showMatchesFreshnessBanner();
}

void MainWindow::onMatchesConfirmed(const QString &query, const QDateTime &checkedAt)
{
    // The server vouched for the kept list on screen: it is as good as a fresh one.
    if (!m_freshnessOfMatches || query != m_matchesQuery)
        return;
    statusBar()->clearMessage();
    m_freshness = CallLookup::Freshness::Live;
    m_fetchedAt = checkedAt;
    showMatchesFreshnessBanner();
}

void MainWindow::showMatchesFreshnessBanner()
{
    const QDateTime now = QDateTime::currentDateTime();
    const QString matchText
        = tr("%1 match “%2”.").arg(m_matches->countText(), shortened(m_matchesQuery));
    QString text;
    MessageBanner::Kind kind = MessageBanner::Kind::Information;
    switch (m_freshness) {
    case CallLookup::Freshness::Live:
    case CallLookup::Freshness::CachedNotOnServer:
        text = tr("%1 Pick one on the left to open it.").arg(matchText);
        break;
    case CallLookup::Freshness::Cached:
        text = tr("%1 List kept from %2 (%3), checking the server…")
                   .arg(matchText, TimeText::clock(m_fetchedAt, now),
                        TimeText::age(m_fetchedAt, now));
        break;
    case CallLookup::Freshness::CachedOffline:
        kind = MessageBanner::Kind::Warning;
        text = tr("Offline: showing the list kept at %1 (%2). The server at %3 cannot be "
                  "reached.")
                   .arg(TimeText::clock(m_fetchedAt, now), TimeText::age(m_fetchedAt, now),
                        serverAddress());
        break;
    }

    if (m_bannerIsFreshness && m_banner->isVisible() && m_banner->kind() == kind)
        m_banner->updateText(text);
    else
        m_banner->showMessage(kind, text);
    // A fresh list needs no ticking age; a kept one does.
    m_bannerIsFreshness = m_freshness != CallLookup::Freshness::Live;
    if (m_bannerIsFreshness)
        m_ageTimer.start();
    else
        m_ageTimer.stop();
}

void MainWindow::showMatches(const QString &title)
{
    // Until one is picked, no call on screen may pass for the answer.
    showWelcome(tr("Pick one of the matching calls on the left to see what happened."));
    m_matchesTitle->setText(title);
    m_matchesTitle->show();
    m_matchesCount->show();
    m_matchesTools->show();
    m_matchesView->show();
    m_matchesView->scrollToTop();
    updateMatchesCount();
}

void MainWindow::onMatchesAppended(const QString &query, const QList<CallSummary> &matches,
                                   bool more)
{
    if (query != m_matchesQuery)
        return;
    m_matches->appendSummaries(matches, more);
    updateMatchesCount();
    continueExport();
}

void MainWindow::onMoreMatchesFailed(const QString &query, const QString &sentence)
{
    if (query != m_matchesQuery)
        return;
    // No more asking on every scroll: the banner's Retry runs the search again.
    m_matches->setMoreAvailable(false);
    updateMatchesCount();
    m_pendingExport.clear();
    m_bannerAction = BannerAction::Retry;
    m_banner->showMessage(MessageBanner::Kind::Error,
                          tr("More results could not be loaded. %1").arg(sentence), tr("Retry"));
    m_bannerIsFreshness = false;
}

void MainWindow::onListFound(const QString &query, const QList<ListedCall> &calls)
{
    statusBar()->clearMessage();
    cancelExport();
    m_matchesQuery = query;
    m_matches->setListedCalls(calls);
    showMatches(tr("Calls pasted"));

    const auto found = std::count_if(calls.cbegin(), calls.cend(), [](const ListedCall &call) {
        return call.outcome == ListedCall::Outcome::Found;
    });
    const MessageBanner::Kind kind
        = found == calls.size() ? MessageBanner::Kind::Information : MessageBanner::Kind::Warning;
    m_bannerAction = BannerAction::Retry;
    m_banner->showMessage(kind,
                          tr("%1 of the %n pasted reference(s) name a call. Pick one on the "
                             "left to open it.",
                             "", int(calls.size()))
                              .arg(found));
    m_bannerIsFreshness = false;
    m_ageTimer.stop();
}

void MainWindow::updateMatchesCount()
{
    QString text = m_matches->countText();
    if (m_matchesFilter->rowCount() != m_matches->rowCount())
        //: %1 is the number of rows the filter lets through, %2 e.g. "50+ calls"
        text = tr("%1 of %2").arg(m_matchesFilter->rowCount()).arg(text);
    m_matchesCount->setText(text);
}

void MainWindow::applySort()
{
    const auto key = m_sortBox->currentData().value<ResultsFilterModel::SortKey>();
    const bool descending = m_sortOrder->isChecked();
    m_sortOrder->setText(descending ? QStringLiteral("↓") : QStringLiteral("↑"));
    m_matchesFilter->setSortKey(key, descending ? Qt::DescendingOrder : Qt::AscendingOrder);
}

void MainWindow::rebuildSearchesMenu()
{
    m_searchesMenu->clear();
    QAction *save
        = m_searchesMenu->addAction(tr("&Save this search…"), this, &MainWindow::saveCurrentSearch);
    save->setObjectName(QStringLiteral("saveSearch"));
    save->setEnabled(!m_search->text().trimmed().isEmpty());

    const QList<SearchHistory::SavedSearch> saved = m_history->saved();
    m_searchesMenu->addSection(tr("Saved searches"));
    if (saved.isEmpty())
        m_searchesMenu->addAction(tr("No saved searches"))->setEnabled(false);
    for (const SearchHistory::SavedSearch &entry : saved) {
        QAction *run = m_searchesMenu->addAction(
            entry.name, this, [this, name = entry.name] { runSavedSearch(name); });
        run->setToolTip(entry.query);
        run->setStatusTip(entry.query);
    }

    QMenu *remove = m_searchesMenu->addMenu(tr("&Delete saved search"));
    remove->setEnabled(!saved.isEmpty());
    for (const SearchHistory::SavedSearch &entry : saved)
        remove->addAction(entry.name, m_history,
                          [this, name = entry.name] { m_history->remove(name); });

    QMenu *recent = m_searchesMenu->addMenu(tr("&Recent searches"));
    const QStringList recentSearches = m_history->recent();
    recent->setEnabled(!recentSearches.isEmpty());
    for (const QString &query : recentSearches)
        recent->addAction(shortened(query), this, [this, query] { search(query); });
    if (!recentSearches.isEmpty()) {
        recent->addSeparator();
        recent->addAction(tr("&Clear recent searches"), m_history, &SearchHistory::clearRecent);
    }
}

void MainWindow::saveCurrentSearch()
{
    const QString query = m_search->text().trimmed();
    if (query.isEmpty()) {
        m_banner->showMessage(MessageBanner::Kind::Information,
                              tr("Type or paste a search first, then save it under a name."));
        m_bannerIsFreshness = false;
        return;
    }
    bool ok = false;
    const QString name = QInputDialog::getText(
        this, tr("Save search"), tr("Name for the search “%1”:").arg(shortened(query)),
        QLineEdit::Normal, query, &ok);
    if (ok)
        saveSearch(name, query);
}

void MainWindow::saveSearch(const QString &name, const QString &query)
{
    if (m_history->save(name, query))
        statusBar()->showMessage(tr("Saved the search as “%1”.").arg(name.trimmed()), 5000);
}

void MainWindow::runSavedSearch(const QString &name)
{
    const QString query = m_history->savedQuery(name);
    if (query.isEmpty())
        return;
    m_search->setText(query);
    search(query);
}

void MainWindow::exportResults()
{
    if (m_matches->summaries().isEmpty() || m_matchesView->isHidden()) {
        m_banner->showMessage(MessageBanner::Kind::Information,
                              tr("There are no results to export. Search first; the calls it "
                                 "finds can then be exported."));
        m_bannerIsFreshness = false;
        return;
    }

    bool loadRemaining = false;
    if (m_matches->moreAvailable()) {
        const auto answer = QMessageBox::question(
            this, tr("Export results"),
            tr("%1 are loaded and the server has more. Load all of them before exporting?")
                .arg(m_matches->countText()),
            QMessageBox::YesAll | QMessageBox::No | QMessageBox::Cancel, QMessageBox::YesAll);
        if (answer == QMessageBox::Cancel)
            return;
        loadRemaining = answer == QMessageBox::YesAll;
    }

    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export results"), folder + u"/calls.csv"_qs, tr("CSV files (*.csv)"));
    if (!path.isEmpty())
        exportResultsTo(path, loadRemaining);
}

void MainWindow::exportResultsTo(const QString &path, bool loadRemaining)
{
    if (!loadRemaining || !m_matches->moreAvailable()) {
        writeExport(path);
        return;
    }
    m_pendingExport = path;
    continueExport();
}

void MainWindow::continueExport()
{
    if (m_pendingExport.isEmpty())
        return;
    if (!m_matches->moreAvailable()) {
        const QString path = std::exchange(m_pendingExport, {});
        m_bannerAction = BannerAction::Retry;
        m_banner->dismiss();
        writeExport(path);
        return;
    }

    const QString text
        = tr("Loading all results for the export: %1 so far…").arg(m_matches->countText());
    // The banner says how far loading has come, with a button to cancel it.
    if (m_bannerAction == BannerAction::CancelExport && m_banner->isVisible())
        m_banner->updateText(text);
    else
        m_banner->showMessage(MessageBanner::Kind::Information, text, tr("Cancel"));
    m_bannerAction = BannerAction::CancelExport;
    m_bannerIsFreshness = false;
    if (m_matches->canFetchMore({}))
        m_matches->fetchMore({});
}

void MainWindow::cancelExport()
{
    if (m_pendingExport.isEmpty())
        return;
    m_pendingExport.clear();
    m_bannerAction = BannerAction::Retry;
    m_banner->dismiss();
    statusBar()->showMessage(tr("The export was cancelled."), 5000);
}

void MainWindow::writeExport(const QString &path)
{
    if (!m_export->start(m_matches->summaries(), path)) {
        m_banner->showMessage(MessageBanner::Kind::Information,
                              tr("An export is still being written; try again in a moment."));
        m_bannerIsFreshness = false;
        return;
    }
    statusBar()->showMessage(tr("Exporting %1…").arg(m_matches->countText()));
}

void MainWindow::onNotFound(const QString &query)
{
    statusBar()->clearMessage();
    cancelExport();
    m_matches->setSummaries({});
    m_matchesTitle->hide();
    m_matchesCount->hide();
    m_matchesTools->hide();
    m_matchesView->hide();
    // The previous call stays out of sight, so that nobody reads it as this search's answer.
    showWelcome();
    m_banner->showMessage(MessageBanner::Kind::Information,
                          tr("No call matches “%1”. Check the reference, or search by number, "
                             "agent or queue.")
                              .arg(shortened(query)));
    m_bannerIsFreshness = false;
    m_ageTimer.stop();
}

void MainWindow::onFailed(const QString &query, const QString &sentence)
{
    statusBar()->clearMessage();
    // A call on screen that is not what was asked for must not pass for the answer.
    if (CrnText::normalized(query) != CrnText::normalized(shownCrn()))
        showWelcome();
    m_bannerAction = BannerAction::Retry;
    m_banner->showMessage(MessageBanner::Kind::Error, sentence, tr("Retry"));
    m_bannerIsFreshness = false;
    m_ageTimer.stop();
}

void MainWindow::onServerStateChanged(CallLookup::ServerState state, const QString &sentence)
{
    const QString address = serverAddress();
    QString text;
    switch (state) {
    case CallLookup::ServerState::Connected:
        text = tr("connected to %1").arg(address);
        break;
    case CallLookup::ServerState::Connecting:
        text = tr("connecting to %1…").arg(address);
        break;
    case CallLookup::ServerState::Unreachable:
        text = tr("cannot reach %1, retrying").arg(address);
        break;
    case CallLookup::ServerState::Unknown:
        text = tr("server %1 not checked yet").arg(address);
        break;
    }

    const CallLookup::ServerState before = m_server->state();
    m_server->setState(state, text, sentence);

    // Back online: an offline copy on screen is replaced by the server's.
    if (state == CallLookup::ServerState::Connected
        && before == CallLookup::ServerState::Unreachable
        && m_freshness == CallLookup::Freshness::CachedOffline && !shownCrn().isEmpty())
        m_lookup->open(shownCrn());
}

void MainWindow::showWelcome(const QString &hint)
{
    // No recording goes on playing behind a page that does not show its call.
    if (PlaybackController *controller = m_callView->controller())
        controller->pause();
    m_welcome->setText(!hint.isEmpty()
                           ? hint
                           : tr("Paste a call reference (CRN) or a leg id into the search field "
                                "above and press Enter.\nA phone number, an agent or a queue "
                                "finds the calls they took part in."));
    m_pages->setCurrentIndex(0);
    setWindowTitle(tr("CRN Console"));
}

QString MainWindow::serverAddress() const
{
    const QUrl url = m_lookup->serverUrl();
    if (url.host().isEmpty())
        return url.toDisplayString();
    const int port = url.port(url.scheme() == u"https" ? 443 : 80);
    // An IPv6 literal needs its brackets back before the port.
    const QString host = url.host().contains(u':') ? u'[' + url.host() + u']' : url.host();
    return host + u':' + QString::number(port);
}

// Each server keeps its own list: a call opened on one site's server means nothing on another.
QString MainWindow::recentCallsKey() const
{
    QString address = serverAddress();
    address.replace(u'/', u'_');
    return u"recentCalls/"_qs + address;
}

void MainWindow::loadRecentCalls()
{
    const QByteArray stored = QSettings().value(recentCallsKey()).toByteArray();
    const QJsonArray array = QJsonDocument::fromJson(stored).array();
    QList<CallSummary> summaries;
    for (const QJsonValue &value : array) {
        if (const auto summary = CallJson::summaryFromJson(value.toObject()))
            summaries.append(*summary);
    }
    m_recent->setSummaries(summaries.mid(0, kRecentCallsKept));
}

void MainWindow::saveRecentCalls() const
{
    QJsonArray array;
    for (const CallSummary &summary : m_recent->summaries())
        array.append(CallJson::toJson(summary));
    SettingsWriter::setValue(recentCallsKey(), QJsonDocument(array).toJson(QJsonDocument::Compact));
}
