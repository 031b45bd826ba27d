#pragma once

#include <QObject>
#include <QString>

// The thin seam between the console and whatever plays audio.
//
// It plays one local file at a time and reports what the audio stack says, in milliseconds of
// that file; it knows nothing of calls, playlists or call time (PlaybackController does). Tests
// and the benchmark drive the real implementation, QtMediaBackend, through this interface.
// Errors arrive once per source as errorOccurred() with a sentence a supervisor can read.
// Lives on the thread that created it (the UI thread).
class MediaBackend : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    // Starts loading the file at localFilePath; an empty path unloads. loaded() follows once
    // the media can be played and seeked, or errorOccurred() if it cannot.
    virtual void setSource(const QString &localFilePath) = 0;
    virtual QString source() const = 0;

    virtual void play() = 0;
    virtual void pause() = 0;
    virtual void stop() = 0;

    virtual void setPosition(qint64 ms) = 0;
    virtual qint64 position() const = 0;
    // 0 until the media has loaded.
    virtual qint64 duration() const = 0;

    virtual void setPlaybackRate(double rate) = 0;
    virtual double playbackRate() const = 0;
    // 0 (silent) to 1 (full).
    virtual void setVolume(float volume) = 0;
    virtual float volume() const = 0;

    virtual bool isPlaying() const = 0;

Q_SIGNALS:
    // The source has loaded and can be seeked: setPosition() now takes effect.
    void loaded();
    void positionChanged(qint64 ms);
    void durationChanged(qint64 ms);
    void playingChanged(bool playing);
    void endOfMedia();
    void errorOccurred(const QString &sentence);
};
