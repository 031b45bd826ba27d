#pragma once

#include "escalation/escalationdraft.h"
#include "media/recordingdownloads.h"
#include "model/call.h"
#include "playbackcontroller.h"
#include "timelineview.h"

#include <QHash>
#include <QPointer>
#include <QSet>
#include <QWidget>

class CallHeaderView;
class EventTableModel;
class PlayerBar;
class QLabel;
class QListWidget;
class QPushButton;
class QScrollArea;
class QSplitter;
class QTableView;
class TimelineLegend;
class TimelineView;

// One call on screen: the header, the timeline with its legend, the player under it, and the
// event table. The timeline and the table share one current event: a click on the timeline
// selects and reveals the table's row, and a row picked in the table moves the timeline's
// highlight.
//
// With a PlaybackController and RecordingDownloads (setPlayback), it also ties the call's
// recordings together: the controller gets the call's playlist, the cache downloads every
// recording of the call shown (the waveforms need them) and hands each finished file to the
// controller and to the waveform peaks, computed off the UI thread. A click on the timeline,
// Enter on the timeline or in the table, or a double-click on a row plays that moment; the
// controller's position is the timeline's playhead. Download and Export WAV from the player bar
// ask for a file name here and write on a worker thread. Problems go to the player bar as
// sentences. mediaSettled() says when every recording of the call has its waveform or a reason
// why not.
//
// setCall keeps the selected event, and what plays, when it is given a newer copy of the call
// already shown (a cached copy followed by the server's). UI thread.
class CallView : public QWidget
{
    Q_OBJECT

public:
    explicit CallView(QWidget *parent = nullptr);

    void setCall(const Call &call);
    const Call &call() const;
    int currentEvent() const;

    // Neither is owned; either may be null (no playback, or no downloads: the owner then
    // answers the controller's fileNeeded itself).
    void setPlayback(PlaybackController *controller, RecordingDownloads *downloads);
    PlaybackController *controller() const { return m_controller; }
    // Whether every recording of the call shown has its waveform or has failed to get one.
    bool isMediaSettled() const { return m_mediaPending.isEmpty(); }

    // The evidence an escalation of this call starts with: the span selected on the recording
    // lane, else the playhead's moment ± 10 s of the recording playing; nothing when neither.
    std::optional<RecordingEvidence> evidenceSpan() const;
    // The events picked in the table or on the timeline (the current one).
    QList<EventEvidence> pickedEvents() const;

    // The "Escalations on this call" list: lines and tooltips the owner gives, newest first,
    // and a note under it (the age of an offline copy, or a problem).
    void setEscalationLines(const QList<std::pair<QString, QString>> &lines, const QString &note);
    QListWidget *escalationList() const { return m_escalationList; }
    QLabel *escalationNote() const { return m_escalationNote; }
    QPushButton *escalateButton() const { return m_escalate; }

    CallHeaderView *header() const { return m_header; }
    TimelineView *timeline() const { return m_timeline; }
    QTableView *eventTable() const { return m_table; }
    EventTableModel *eventModel() const { return m_events; }
    PlayerBar *playerBar() const { return m_player; }
    TimelineLegend *legend() const { return m_legend; }

public Q_SLOTS:
    void selectEvent(int index);
    // Plays the call from the event at index (a row of the table).
    void playEvent(int index);

Q_SIGNALS:
    void mediaSettled();
    // The Escalate button was pressed.
    void escalateRequested();

protected:
    void showEvent(QShowEvent *event) override;

private:
    // A copy or an export of a recording, waiting for its file when it was asked for early.
    struct PendingWrite
    {
        QString target;
        bool isExport = false;
        qint64 fromUs = 0;
        qint64 toUs = 0;
    };

    void showEventInTable(int index);
    void fitTimeline();
    void resizeColumns();

    void giveRecordingsToPlayer(bool sameCall);
    void fetchRecordings();
    void onDownloadReady(const QString &id, const QString &localPath);
    void onDownloadFailed(const QString &id, const QString &sentence, int error);
    void loadPeaks(const QString &id, const QString &localPath);
    void settle(const QString &id);
    const Recording *recording(const QString &id) const;
    // The recording's local file, from the cache or the controller; empty when there is none.
    QString localPath(const QString &id) const;
    void saveCopy(const QString &id);
    void exportWav(const QString &id, qint64 fromUs, qint64 toUs);
    void startWrite(const QString &localPath, const PendingWrite &write);
    void writeWhenLocal(const Recording &recording, const PendingWrite &write,
                        const QString &waitingNote);

    CallHeaderView *m_header;
    TimelineView *m_timeline;
    TimelineLegend *m_legend;
    QScrollArea *m_timelineScroll;
    EventTableModel *m_events;
    QTableView *m_table;
    QLabel *m_eventsTitle;
    QWidget *m_timelinePane = nullptr;
    QSplitter *m_splitter = nullptr;
    PlayerBar *m_player;
    QListWidget *m_escalationList = nullptr;
    QLabel *m_escalationNote = nullptr;
    QPushButton *m_escalate = nullptr;

    QPointer<PlaybackController> m_controller;
    QPointer<RecordingDownloads> m_downloads;
    QList<QMetaObject::Connection> m_playbackConnections;
    QString m_playlistKey; // what the controller was last given, to keep it for a newer copy
    QSet<QString> m_mediaPending; // recordings still waiting for a file or a waveform
    QSet<QString> m_peaksLoading;
    QHash<QString, PendingWrite> m_writeWhenReady; // by recording id
};
