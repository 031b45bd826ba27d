#pragma once

#include "lookup/calllookup.h"

#include <QDateTime>
#include <QMainWindow>
#include <QTimer>

class CallSummaryModel;
class CallView;
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
// dialogs. Recently opened calls are remembered in QSettings. With setPlayback, the call view's
// player plays the recordings; the menu bar has the player's keys (Playback) and the settings
// (Edit > Settings...). UI thread.
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
    // The CRN of the call on screen, or an empty string.
    QString shownCrn() const;

    // Neither is owned; both must outlive the window.
    void setPlayback(PlaybackController *controller, RecordingDownloads *downloads);
    // What Edit > Settings edits besides the recordings cache. Not owned.
    void setSettings(ConsoleSettings *settings);

public Q_SLOTS:
    void search(const QString &text);
    void open(const QString &crn);
    void focusSearch();
    void refresh();
    void showSettings();

Q_SIGNALS:
    // The call is on screen, painted with this copy.
    void callShown(const QString &crn, CallLookup::Freshness freshness);

private:
    void buildSearchBar(QWidget *parent);
    QWidget *buildLeftPane();
    QWidget *buildWelcomePage();
    void createActions();

    void onSearchStarted(const QString &cleanedText);
    void onCallFound(const Call &call, CallLookup::Freshness freshness, const QDateTime &fetchedAt);
    void onCallConfirmed(const QString &crn, const QDateTime &checkedAt);
    void onMatchesFound(const QString &query, const QList<CallSummary> &matches);
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
    QListView *m_matchesView = nullptr;
    QListView *m_recentView = nullptr;
    QStackedWidget *m_pages = nullptr;
    QLabel *m_welcome = nullptr;
    CallView *m_callView = nullptr;
    ServerIndicator *m_server = nullptr;
    RecordingDownloads *m_downloads = nullptr;
    ConsoleSettings *m_settings = nullptr;

    QString m_lastQuery;
    // What the banner says about the call on screen, kept to refresh "5 min ago".
    CallLookup::Freshness m_freshness = CallLookup::Freshness::Live;
    QDateTime m_fetchedAt;
    bool m_bannerIsFreshness = false;
    QTimer m_ageTimer;
};
