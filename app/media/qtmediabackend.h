#pragma once

#include "mediabackend.h"

#include <QMediaPlayer>

class QAudioOutput;

// MediaBackend over QMediaPlayer and QAudioOutput (GStreamer on Debian's Qt 6.4).
//
// Only translates: QMediaPlayer's statuses become loaded(), endOfMedia() and playingChanged(),
// and its first error for a source becomes one errorOccurred() sentence (GStreamer tends to
// report the same failure several times). No playback logic lives here. UI thread only.
class QtMediaBackend : public MediaBackend
{
    Q_OBJECT

public:
    explicit QtMediaBackend(QObject *parent = nullptr);
    ~QtMediaBackend() override;

    void setSource(const QString &localFilePath) override;
    QString source() const override { return m_source; }

    void play() override;
    void pause() override;
    void stop() override;

    void setPosition(qint64 ms) override;
    qint64 position() const override;
    qint64 duration() const override;

    void setPlaybackRate(double rate) override;
    double playbackRate() const override;
    void setVolume(float volume) override;
    float volume() const override;

    bool isPlaying() const override;

private:
    void handleStatus(QMediaPlayer::MediaStatus status);
    void handlePlaybackState(QMediaPlayer::PlaybackState state);
    void syncPlaying();
    void handleError(QMediaPlayer::Error error, const QString &text);
    void checkLoaded();
    void reportLoadedOnce();

    QMediaPlayer *m_player;
    QAudioOutput *m_output;
    QString m_source;
    // What playingChanged() said last.
    bool m_playing = false;
    bool m_loadedReported = false;
    bool m_errorReported = false;
    // Within setSource(): what QMediaPlayer reports then is about the old source.
    bool m_switching = false;
};
