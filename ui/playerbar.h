#pragma once

#include "model/call.h"
#include "playbackcontroller.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

class QAbstractSlider;
class QAction;
class QComboBox;
class QLabel;
class QProgressBar;
class QSlider;
class QToolButton;

// The player docked under the timeline: it presents a PlaybackController and forwards the
// supervisor's requests to it.
//
// Buttons for back 5 s, play/pause and forward 5 s; a seek bar over the whole call on the
// timeline's axis, with the recorded spans solid, the spans nobody recorded hatched and
// recordings with a problem in red; elapsed and total time since the call's start
// ("01:12 / 04:30"); speed (0.5x to 2x); volume. A second line names the recording that plays,
// shows a download's progress, says in a sentence what is wrong with the recording (the
// controller's problem, a failed download, or the import's flags) and offers "Download" (a copy
// of the original file) and "Export WAV..." (the recording, or the span selected on the
// timeline); both are signals, handled by whoever owns the files (CallView).
//
// Keyboard: Space, Left, Right, Home and End are window shortcuts on the actions below; a text
// field with the focus keeps these keys for itself, so typing a CRN is never hijacked. A call
// without recordings disables the bar and says "No recording for this call". Speed and volume
// are remembered in QSettings. UI thread.
class PlayerBar : public QWidget
{
    Q_OBJECT

public:
    explicit PlayerBar(QWidget *parent = nullptr);
    ~PlayerBar() override;

    // Not owned; may be null, which leaves the bar disabled.
    void setController(PlaybackController *controller);
    PlaybackController *controller() const { return m_controller; }
    void setCall(const Call &call);

    // The recording that Download and Export act on: the one playing, or else the first.
    QString targetRecordingId() const;
    // The span of call time that Export writes instead of the whole recording; invalid times
    // clear it.
    void setSelectedSpan(Timestamp start, Timestamp end);

    // What the status line says now: the problem, or the recording's name.
    QString statusText() const;
    QString timeText() const;

    QAction *playAction() const { return m_play; }
    QAction *backAction() const { return m_back; }
    QAction *forwardAction() const { return m_forward; }
    QAction *startAction() const { return m_start; }
    QAction *endAction() const { return m_end; }
    QAction *downloadAction() const { return m_download; }
    QAction *exportAction() const { return m_export; }
    QAbstractSlider *seekBar() const;
    QComboBox *speedBox() const { return m_speed; }
    QSlider *volumeSlider() const { return m_volume; }
    QProgressBar *downloadProgress() const { return m_progress; }

public Q_SLOTS:
    // From the recording downloads: received of total bytes (total -1 while unknown).
    void showDownloadProgress(const QString &recordingId, qint64 received, qint64 total);
    void showDownloadFinished(const QString &recordingId);
    void showDownloadFailed(const QString &recordingId, const QString &sentence);
    // A sentence of the owner's about the recordings, such as a saved export or, as a
    // problem, a failed one; an empty sentence clears it.
    void showNote(const QString &sentence, bool problem = false);

Q_SIGNALS:
    // Save a copy of the original file.
    void downloadRequested(const QString &recordingId);
    // Export as WAV; fromUs and toUs are microseconds from the recording's start, toUs
    // WavExport::kToEnd for the whole recording.
    void exportRequested(const QString &recordingId, qint64 fromUs, qint64 toUs);

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void createActions();
    void buildLayout();
    void restoreSettings();
    void updateEnabled();
    void updatePlayAction();
    void updateTime();
    void updateStatus();
    void updateCoverage();
    void requestExport();
    void onStateChanged(PlaybackController::State state);
    void onGapSkipped(Timestamp from, Timestamp to);
    const Recording *recording(const QString &id) const;
    Timestamp callStart() const;
    Timestamp callEnd() const;

    QPointer<PlaybackController> m_controller;
    QList<QMetaObject::Connection> m_connections;
    Call m_call;
    Timestamp m_spanStart;
    Timestamp m_spanEnd;
    QString m_downloading; // the recording whose download the progress bar shows
    QHash<QString, QString> m_downloadProblems;
    QString m_note;
    bool m_noteIsProblem = false;
    QString m_gapNote;
    QTimer m_gapNoteTimer;
    bool m_expectPlaying = false; // the last settled state was Playing

    QAction *m_play = nullptr;
    QAction *m_back = nullptr;
    QAction *m_forward = nullptr;
    QAction *m_start = nullptr;
    QAction *m_end = nullptr;
    QAction *m_download = nullptr;
    QAction *m_export = nullptr;

    QToolButton *m_playButton = nullptr;
    QToolButton *m_backButton = nullptr;
    QToolButton *m_forwardButton = nullptr;
    QWidget *m_seek = nullptr;
    QLabel *m_time = nullptr;
    QComboBox *m_speed = nullptr;
    QToolButton *m_mute = nullptr;
    QSlider *m_volume = nullptr;
    QLabel *m_name = nullptr;
    QLabel *m_status = nullptr;
    QProgressBar *m_progress = nullptr;
    QToolButton *m_downloadButton = nullptr;
    QToolButton *m_exportButton = nullptr;
};
