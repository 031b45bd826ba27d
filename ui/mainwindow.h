#pragma once

#include "escalation/escalationdraft.h"
#include "lookup/calllookup.h"

#include <QDateTime>
#include <QMainWindow>
#include <QTimer>
#include <QUrl>

class CallSummaryModel;
class DraftStore;
class EscalationApi;
class EscalationPresenter;
class EscalationsView;
class Outbox;
class PlayedSpanTracker;
class QAction;
class QDockWidget;
class CallView;
class QComboBox;
class QLineEdit;
class QMenu;
class QToolButton;
class ResultsExport;
class ResultsFilterModel;
class SearchHistory;
class ConsoleSettings;
class MessageBanner;
class PlaybackController;
class RecordingDownloads;
class QLabel;
class QListView;
class QPushButton;
class QStackedWidget;
class SearchField;
class ServerIndicator;

// The console's one window: a search field and Find button at the top, a banner for what the
// supervisor must know now, search matches and recently opened calls on the left, the call on
// the right, and the server's state in the status bar.
//
// It only presents: every search goes to CallLookup's slots and every answer comes back
// through its signals, so the window never waits. Problems are sentences in the banner, never
// dialogs. Recently opened calls are remembered in QSettings. The results list loads further
// pages as it is scrolled, can be sorted and filtered, shows a pasted list of CRNs in the order
// pasted, and is exported to CSV (File > Export results...); recent and saved searches are in
// the Searches menu and the search field's completer (SearchHistory). With setPlayback, the call
// view's player plays the recordings; the menu bar has the player's keys (Playback) and the
// settings (Edit > Settings...). UI thread.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(CallLookup *lookup, QWidget *parent = nullptr);
    ~MainWindow() override;

    SearchField *searchField() const { return m_search; }
    CallView *callView() const { return m_callView; }
    MessageBanner *banner() const { return m_banner; }
    ServerIndicator *serverIndicator() const { return m_server; }
    CallSummaryModel *matches() const { return m_matches; }
    CallSummaryModel *recentCalls() const { return m_recent; }
    ResultsFilterModel *matchesFilter() const { return m_matchesFilter; }
    QListView *matchesView() const { return m_matchesView; }
    QLineEdit *matchesFilterField() const { return m_filterField; }
    QComboBox *matchesSortBox() const { return m_sortBox; }
    QLabel *matchesCountLabel() const { return m_matchesCount; }
    SearchHistory *searchHistory() const { return m_history; }
    ResultsExport *resultsExport() const { return m_export; }
    QMenu *searchesMenu() const { return m_searchesMenu; }
    // The CRN of the call on screen, or an empty string.
    QString shownCrn() const;

    // Neither is owned; both must outlive the window.
    void setPlayback(PlaybackController *controller, RecordingDownloads *downloads);
    // What Edit > Settings edits besides the recordings cache. Not owned.
    void setSettings(ConsoleSettings *settings);
    // Escalations: the form (Call > Escalate…, Ctrl+E, the call view's button), the
    // Escalations dock and the call's escalations, and the audit of played spans. None is
    // owned; all must outlive the window.
    void setEscalationServices(EscalationApi *api, DraftStore *drafts, Outbox *outbox);
    EscalationPresenter *escalations() const { return m_escalations; }
    EscalationsView *escalationsView() const { return m_escalationsView; }
    QDockWidget *escalationsDock() const { return m_escalationsDock; }
    QAction *escalateAction() const { return m_escalateAction; }
    // The server and token Edit > Connection… starts from.
    void setConnection(const QUrl &server, const QByteArray &token);

public Q_SLOTS:
    void search(const QString &text);
    void open(const QString &crn);
    void focusSearch();
    void refresh();
    void showSettings();
    // Asks for a name and saves the search in the field under it.
    void saveCurrentSearch();
    void saveSearch(const QString &name, const QString &query);
    void runSavedSearch(const QString &name);
    // Asks for a file and whether to load the remaining pages first.
    void exportResults();
    // Writes the loaded calls to path; with loadRemaining, the remaining pages are loaded first
    // (the banner shows the progress and offers to cancel).
    void exportResultsTo(const QString &path, bool loadRemaining);
    void cancelExport();
    // Opens the escalation form for the call on screen.
    void escalate();
    // Edit > Connection…: the server address and access token; connectionChanged on OK.
    void showConnection();
    // A request was refused for its token: one sentence and a button to the connection.
    void showUnauthorized(const QString &sentence);
    // Something the supervisor should read once, without an action.
    void showNotice(const QString &sentence);

Q_SIGNALS:
    // The call is on screen, painted with this copy.
    void callShown(const QString &crn, CallLookup::Freshness freshness);
    // A CSV export ended; sentence says why it failed.
    void resultsExported(const QString &path, bool ok, const QString &sentence);
    // Edit > Connection… was accepted with this address and token.
    void connectionChanged(const QUrl &server, const QByteArray &token);

private:
    void buildSearchBar(QWidget *parent);
    QWidget *buildLeftPane();
    QWidget *buildWelcomePage();
    void createActions();

    void onSearchStarted(const QString &cleanedText);
    void onCallFound(const Call &call, CallLookup::Freshness freshness, const QDateTime &fetchedAt);
    void onCallConfirmed(const QString &crn, const QDateTime &checkedAt);
    void onMatchesFound(const QString &query, const QList<CallSummary> &matches,
                        CallLookup::Freshness freshness, const QDateTime &asOf);
    void onMatchesConfirmed(const QString &query, const QDateTime &checkedAt);
    void showMatchesFreshnessBanner();
    void onMatchesAppended(const QString &query, const QList<CallSummary> &matches, bool more);
    void onMoreMatchesFailed(const QString &query, const QString &sentence);
    void onListFound(const QString &query, const QList<ListedCall> &calls);
    void showMatches(const QString &title);
    void updateMatchesCount();
    void applySort();
    void rebuildSearchesMenu();
    void continueExport();
    void writeExport(const QString &path);
    void onNotFound(const QString &query);
    void onFailed(const QString &query, const QString &sentence);
    void onServerStateChanged(CallLookup::ServerState state, const QString &sentence);

    void showFreshnessBanner();
    // The empty page, with hint instead of the usual how-to when one is given.
    void showWelcome(const QString &hint = {});
    QString serverAddress() const;
    QString recentCallsKey() const;
    void loadRecentCalls();
    void saveRecentCalls() const;

    CallLookup *m_lookup;
    SearchField *m_search = nullptr;
    QPushButton *m_find = nullptr;
    MessageBanner *m_banner = nullptr;
    CallSummaryModel *m_matches = nullptr;
    CallSummaryModel *m_recent = nullptr;
    QLabel *m_matchesTitle = nullptr;
    QLabel *m_matchesCount = nullptr;
    QWidget *m_matchesTools = nullptr;
    QLineEdit *m_filterField = nullptr;
    QComboBox *m_sortBox = nullptr;
    QToolButton *m_sortOrder = nullptr;
    ResultsFilterModel *m_matchesFilter = nullptr;
    QString m_matchesQuery;
    QListView *m_matchesView = nullptr;
    QListView *m_recentView = nullptr;
    QStackedWidget *m_pages = nullptr;
    QLabel *m_welcome = nullptr;
    CallView *m_callView = nullptr;
    ServerIndicator *m_server = nullptr;
    RecordingDownloads *m_downloads = nullptr;
    ConsoleSettings *m_settings = nullptr;
    SearchHistory *m_history = nullptr;
    QMenu *m_searchesMenu = nullptr;
    ResultsExport *m_export = nullptr;
    // The file an export writes once the remaining pages have come; empty when none waits.
    QString m_pendingExport;
    // What the banner's button does: retry the search, or cancel loading pages for an export.
    enum class BannerAction { Retry, CancelExport, Connection, OpenDrafts };
    BannerAction m_bannerAction = BannerAction::Retry;

    QString m_lastQuery;
    // What the banner says about the call on screen, kept to refresh "5 min ago".
    CallLookup::Freshness m_freshness = CallLookup::Freshness::Live;
    QDateTime m_fetchedAt;
    bool m_bannerIsFreshness = false;
    // Whether m_freshness and m_fetchedAt speak of the list of matches rather than a call.
    bool m_freshnessOfMatches = false;
    QTimer m_ageTimer;

    void showCallEscalations(const QString &crn);
    void feedPlayedSpans();
    EscalationApi *m_escalationApi = nullptr;
    EscalationPresenter *m_escalations = nullptr;
    EscalationsView *m_escalationsView = nullptr;
    QDockWidget *m_escalationsDock = nullptr;
    QAction *m_escalateAction = nullptr;
    QMenu *m_viewMenu = nullptr;
    PlayedSpanTracker *m_playedSpans = nullptr;
    PlaybackController *m_controller = nullptr;
    QList<EscalationDraft> m_waitingDrafts;
    QUrl m_connectionServer;
    QByteArray m_token;
};
