#pragma once

#include <QObject>
#include <QString>

// Turns what the player does into the spans of recordings that were heard, for the audit log
// (POST /api/v1/recordings/{id}/plays).
//
// Fed with the player's facts: which recording is current, whether it plays, and its position
// in seconds into that recording. A span starts when playback starts and ends when it pauses or
// stops, when the position jumps (a seek away: backwards, or further forward than playing could
// have gone) or when another recording becomes current; spanPlayed() then says it once. Spans
// shorter than kMinSeconds are not worth an audit row. Pure logic, no timers; UI thread.
class PlayedSpanTracker : public QObject
{
    Q_OBJECT

public:
    static constexpr double kMinSeconds = 0.2;
    // Forward by more than this between two position reports is a seek, not playing.
    static constexpr double kMaxStepSeconds = 2.0;

    explicit PlayedSpanTracker(QObject *parent = nullptr);

    void setPlaying(bool playing);
    void setRecording(const QString &recordingId);
    void setPosition(double secondsIntoRecording);
    // Ends the span being heard, if any (the call is closed, the console quits).
    void finish();

Q_SIGNALS:
    void spanPlayed(const QString &recordingId, double startSeconds, double endSeconds);

private:
    void close();

    QString m_recording;
    bool m_playing = false;
    bool m_open = false;
    double m_start = 0;
    double m_last = 0;
};
