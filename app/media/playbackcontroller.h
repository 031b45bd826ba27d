#pragma once

#include "media/wavprobe.h"
#include "model/timestamp.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>

#include <optional>

class MediaBackend;
class QTimer;
template<typename T>
class QFutureWatcher;

// One recording of a call, placed on the call's clock.
struct PlaylistEntry
{
    QString recordingId;
    Timestamp start;
    qint64 durationUs = 0;
    // Empty until the recording has been downloaded to the local cache.
    QString localPath;

    Timestamp end() const { return start.addMicroseconds(durationUs); }
};

// The playback logic of the console's player: the recordings of ONE call heard as one
// continuous listening, in call time.
//
// Owns no audio: it drives a MediaBackend (QtMediaBackend in the console) and never touches
// QMediaPlayer, so that it can be driven and observed with QSignalSpy.
//
// Call time. Every position is a Timestamp on the call's clock. playAt(t) plays the recording
// that covers t from that moment; a t in a span nobody recorded plays the next recording and
// emits gapSkipped(t, its start); a t after the last recording ends playback with a sentence.
// When a recording ends, the next one in call order follows (gapSkipped for the span between);
// after the last one the state is Ended. Where recordings overlap, the earliest that covers the
// moment plays, and the next one takes over from where the first ended.
//
// Files. Recordings are played from local files only. When the recording to play has no local
// file yet, fileNeeded(recordingId) asks for it and the seek waits; setLocalFile() applies it.
// Each file is first probed with WavProbe (and, when its header lies about its length, copied
// with WavRepair) on a worker thread, so no call here blocks. A seek asked for at any point
// while loading is kept, and the latest one is applied once the media has loaded. A new file
// at the same path (a recording fetched again while its call still runs) is probed and loaded
// again, and playback picks up where it was.
//
// Position. positionChanged() follows the backend, at once after every seek. GStreamer reports
// the position only about 10 times a second, which moves a playhead in visible steps, so while
// playing the position between two reports is interpolated from the time since the last one
// and the rate, about 30 times a second. It never runs backwards while playing: when the
// backend's figure is behind the interpolated one, the position waits for it; when ahead, it
// snaps to it. Pause, a seek, the end or a rate change stop the interpolation until the
// backend's next report.
//
// Problems. Bad media never gives a silent player: problemChanged() carries a sentence for the
// supervisor (empty = no problem). An empty file, a codec the player cannot decode (then also
// downloadOffered()), a file that cannot be opened or an error from the backend make the state
// Unplayable; play() then moves on to the next recording. A truncated file plays what it has
// and says how much is missing.
//
// UI thread only; the backend must live on the same thread.
class PlaybackController : public QObject
{
    Q_OBJECT

public:
    enum class State {
        Idle, // no recording chosen yet
        Loading, // waiting for the file, its probe or the backend
        Playing,
        Paused,
        Ended, // past the last recording
        Unplayable, // the current recording cannot be played: see problem()
    };
    Q_ENUM(State)

    static constexpr double kMinRate = 0.5;
    static constexpr double kMaxRate = 2.0;
    // The step of the back and forward buttons.
    static constexpr qint64 kSkipUs = 5'000'000;

    // The backend is not owned; it must outlive the controller.
    explicit PlaybackController(MediaBackend *backend, QObject *parent = nullptr);
    ~PlaybackController() override;

    // Replaces the call: entries are sorted by start here. Stops what was playing.
    void setCall(Timestamp callStart, Timestamp callEnd, QList<PlaylistEntry> entries);
    // A download finished: recordingId is now at localPath. Applies a seek that waited for it.
    void setLocalFile(const QString &recordingId, const QString &localPath);
    // The file cannot be fetched (missing on the server, no disk space...): the recording is
    // unplayable with this sentence, and a seek that waited for it gives up there. A later
    // setLocalFile for it makes it playable again.
    void setFileUnavailable(const QString &recordingId, const QString &sentence);

    // The entries in call order; a duration is corrected to the samples really present once
    // the file has been probed (playlistChanged() says when).
    QList<PlaylistEntry> playlist() const;
    Timestamp callStart() const { return m_callStart; }
    Timestamp callEnd() const { return m_callEnd; }

    State state() const { return m_state; }
    Timestamp position() const { return m_position; }
    QString currentRecordingId() const;
    QString problem() const { return m_problem; }
    double rate() const { return m_rate; }
    float volume() const { return m_volume; }

public Q_SLOTS:
    // Moves to t and plays from there.
    void playAt(Timestamp t);
    // Moves to t and keeps playing or paused as before.
    void seek(Timestamp t);
    void play();
    void pause();
    void togglePlay();
    // Back or forward by deltaUs, kept within the current recording; forward to its end goes
    // on to the next recording.
    void skip(qint64 deltaUs);
    // The start of the first recording, and the end of the last one.
    void seekToStart();
    void seekToEnd();
    // Clamped to kMinRate..kMaxRate.
    void setRate(double rate);
    // Clamped to 0..1.
    void setVolume(float volume);

Q_SIGNALS:
    // About 30 times a second while playing (never backwards then), and at once after every
    // seek.
    void positionChanged(Timestamp position);
    void stateChanged(PlaybackController::State state);
    void currentRecordingChanged(const QString &recordingId);
    void problemChanged(const QString &sentence);
    // Playback jumped from one call time to a later one: nothing was recorded in between, or
    // the recording there cannot be played.
    void gapSkipped(Timestamp from, Timestamp to);
    void fileNeeded(const QString &recordingId);
    void downloadOffered(const QString &recordingId);
    void rateChanged(double rate);
    void volumeChanged(float volume);
    void playlistChanged();

private:
    // What the worker thread found out about a local file before it goes to the backend.
    struct PreparedMedia
    {
        enum class Outcome { Playable, Empty, UnsupportedCodec, Damaged, CannotOpen };
        Outcome outcome = Outcome::CannotOpen;
        std::optional<WavInfo> info; // unset for files that are not WAV
        QString playPath; // the file itself or its repaired copy
        QString detail; // the probe's or the file system's reason
    };

    struct Item
    {
        enum class Media { Unknown, Preparing, Ready, Unplayable };
        PlaylistEntry entry;
        Media media = Media::Unknown;
        QString playPath;
        // Shown while this recording is current: the reason it is unplayable, or a warning.
        QString problem;
        bool offerDownload = false;
        bool fileRequested = false;
        // The probe measured the samples: the duration is exact, not the server's estimate.
        bool durationMeasured = false;
        // The file as it was when its probe started, to tell a new download at the same path.
        qint64 preparedSize = -1;
        QDateTime preparedModified;
    };

    static PreparedMedia prepareFile(const QString &path);
    struct Location
    {
        int index = -1;
        bool covers = false; // false: the recording starts after the asked time
    };

    Location locate(Timestamp t, int exclude, bool clicked) const;
    int lastEnding() const;
    void moveTo(Timestamp t, bool play);
    void goTo(int index, qint64 offsetUs, bool play);
    void continueAfter(int index, Timestamp from);
    void endAt(Timestamp t, const QString &problem);
    void proceed();
    void prepare(int index);
    void applyPrepared(const QString &recordingId, const QString &path,
                       const PreparedMedia &prepared);
    QString sentenceFor(const PreparedMedia &prepared) const;
    void markUnplayable(int index, const QString &sentence);

    void handleLoaded();
    void handleBackendPosition(qint64 ms);
    void handleEndOfMedia();
    void handleBackendError(const QString &sentence);

    bool currentIsLoaded() const;
    void updateState();
    void setProblem(const QString &sentence);
    void setCurrent(int index);
    void setPosition(Timestamp t, bool force);
    void flushPosition();
    void glide();
    void stopGliding();
    QString spanText(qint64 us) const;

    MediaBackend *m_backend;
    QTimer *m_positionTimer;
    QElapsedTimer m_sinceEmit;
    // Interpolation: ticks while playing, from the backend's last figure and the time since.
    QTimer *m_glideTimer;
    Timestamp m_reported;
    QElapsedTimer m_sinceReport; // invalid: no figure to go on until the backend's next one

    Timestamp m_callStart;
    Timestamp m_callEnd;
    QList<Item> m_items;
    QSet<QFutureWatcher<PreparedMedia> *> m_jobs;

    int m_current = -1;
    // Where to seek in the current recording once it has loaded; -1 when nothing waits.
    qint64 m_pendingUs = -1;
    bool m_wantPlay = false;
    bool m_ended = false;
    // What the backend was last given, and what it has said it loaded.
    QString m_requestedPath;
    QString m_loadedPath;

    State m_state = State::Idle;
    Timestamp m_position;
    QString m_problem;
    double m_rate = 1.0;
    float m_volume = 1.0f;
};
