#include "playedspantracker.h"

#include <cmath>

PlayedSpanTracker::PlayedSpanTracker(QObject *parent)
    : QObject(parent)
{ }

void PlayedSpanTracker::close()
{
    if (!m_open)
        return;
    m_open = false;
    if (m_last - m_start >= kMinSeconds && !m_recording.isEmpty())
        Q_EMIT spanPlayed(m_recording, std::round(m_start * 1000) / 1000,
                          std::round(m_last * 1000) / 1000);
}

void PlayedSpanTracker::setPlaying(bool playing)
{
    if (playing == m_playing)
        return;
    m_playing = playing;
    if (playing) {
        m_open = true;
        m_start = m_last;
    } else {
        close();
    }
}

void PlayedSpanTracker::setRecording(const QString &recordingId)
{
    if (recordingId == m_recording)
        return;
    close();
    m_recording = recordingId;
    m_last = 0;
    m_start = 0;
    m_open = m_playing;
}

void PlayedSpanTracker::setPosition(double secondsIntoRecording)
{
    const double step = secondsIntoRecording - m_last;
    if (m_open && (step < -0.05 || step > kMaxStepSeconds)) {
        // A seek away: what was heard ends where the position left it.
        close();
        m_open = m_playing;
        m_start = secondsIntoRecording;
    }
    m_last = secondsIntoRecording;
    if (!m_open)
        m_start = secondsIntoRecording;
}

void PlayedSpanTracker::finish()
{
    close();
    m_open = false;
}
