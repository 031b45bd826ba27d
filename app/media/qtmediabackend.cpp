#include "qtmediabackend.h"

#include "logging.h"

#include <QAudioOutput>
#include <QUrl>

QtMediaBackend::QtMediaBackend(QObject *parent)
    : MediaBackend(parent)
    , m_player(new QMediaPlayer(this))
    , m_output(new QAudioOutput(this))
{
    m_player->setAudioOutput(m_output);

    connect(m_player, &QMediaPlayer::mediaStatusChanged, this, &QtMediaBackend::handleStatus);
    connect(m_player, &QMediaPlayer::playbackStateChanged, this,
            &QtMediaBackend::handlePlaybackState);
    connect(m_player, &QMediaPlayer::errorOccurred, this, &QtMediaBackend::handleError);
    connect(m_player, &QMediaPlayer::positionChanged, this, &MediaBackend::positionChanged);
    connect(m_player, &QMediaPlayer::durationChanged, this, &MediaBackend::durationChanged);
    // GStreamer says the media is seekable a moment after it says it has loaded; a seek asked
    // for in between is dropped, so loaded() waits for both.
    connect(m_player, &QMediaPlayer::seekableChanged, this, &QtMediaBackend::checkLoaded);
}

QtMediaBackend::~QtMediaBackend() = default;

void QtMediaBackend::setSource(const QString &localFilePath)
{
    // Stopping the old source makes QMediaPlayer report that source's status at once (it is
    // "loaded" again); none of that may pass for the new source's.
    m_switching = true;
    m_player->stop();
    // QMediaPlayer ignores the source it already has, and then never reports it loaded again:
    // unload first so that asking again always ends in loaded() or errorOccurred().
    if (localFilePath == m_source)
        m_player->setSource(QUrl());

    m_source = localFilePath;
    m_loadedReported = false;
    m_errorReported = false;
    qCDebug(lcMedia) << "Loading" << localFilePath;
    m_player->setSource(localFilePath.isEmpty() ? QUrl() : QUrl::fromLocalFile(localFilePath));
    m_switching = false;

    // Should the new source have loaded within the call, say so once the caller is done.
    if (!localFilePath.isEmpty())
        QMetaObject::invokeMethod(this, &QtMediaBackend::checkLoaded, Qt::QueuedConnection);
}

void QtMediaBackend::play()
{
    m_player->play();
}

void QtMediaBackend::pause()
{
    m_player->pause();
}

void QtMediaBackend::stop()
{
    m_player->stop();
}

void QtMediaBackend::setPosition(qint64 ms)
{
    m_player->setPosition(ms);
}

qint64 QtMediaBackend::position() const
{
    return m_player->position();
}

qint64 QtMediaBackend::duration() const
{
    return m_player->duration();
}

void QtMediaBackend::setPlaybackRate(double rate)
{
    m_player->setPlaybackRate(rate);
}

double QtMediaBackend::playbackRate() const
{
    return m_player->playbackRate();
}

void QtMediaBackend::setVolume(float volume)
{
    m_output->setVolume(volume);
}

float QtMediaBackend::volume() const
{
    return m_output->volume();
}

bool QtMediaBackend::isPlaying() const
{
    return m_player->playbackState() == QMediaPlayer::PlayingState;
}

void QtMediaBackend::checkLoaded()
{
    const auto status = m_player->mediaStatus();
    if (m_player->isSeekable()
        && (status == QMediaPlayer::LoadedMedia || status == QMediaPlayer::BufferedMedia))
        reportLoadedOnce();
}

void QtMediaBackend::handleStatus(QMediaPlayer::MediaStatus status)
{
    qCDebug(lcMedia) << "Media status" << status;
    if (m_switching)
        return;

    switch (status) {
    case QMediaPlayer::LoadedMedia:
    case QMediaPlayer::BufferedMedia:
        checkLoaded();
        break;
    case QMediaPlayer::EndOfMedia:
        Q_EMIT endOfMedia();
        break;
    case QMediaPlayer::InvalidMedia:
        // The error signal carries the reason; this covers a backend that sends none.
        handleError(QMediaPlayer::FormatError, m_player->errorString());
        break;
    case QMediaPlayer::NoMedia:
    case QMediaPlayer::LoadingMedia:
    case QMediaPlayer::StalledMedia:
    case QMediaPlayer::BufferingMedia:
        break;
    }
}

void QtMediaBackend::handlePlaybackState(QMediaPlayer::PlaybackState state)
{
    // At the end of the media QMediaPlayer stops first and says EndOfMedia right after; saying
    // "not playing" later lets endOfMedia() arrive first, so that a listener does not take the
    // end for a pause.
    if (state == QMediaPlayer::StoppedState)
        QMetaObject::invokeMethod(this, &QtMediaBackend::syncPlaying, Qt::QueuedConnection);
    else
        syncPlaying();
}

void QtMediaBackend::syncPlaying()
{
    const bool playing = m_player->playbackState() == QMediaPlayer::PlayingState;
    if (playing == m_playing)
        return;

    m_playing = playing;
    Q_EMIT playingChanged(playing);
}

void QtMediaBackend::handleError(QMediaPlayer::Error error, const QString &text)
{
    if (error == QMediaPlayer::NoError || m_errorReported || m_switching)
        return;

    m_errorReported = true;
    qCWarning(lcMedia) << "The player failed on a recording:" << error << text;
    const QString detail = text.isEmpty() ? tr("the audio system gave no reason.") : text;
    Q_EMIT errorOccurred(tr("This recording cannot be played: %1").arg(detail));
}

void QtMediaBackend::reportLoadedOnce()
{
    if (m_loadedReported || m_errorReported || m_switching || m_source.isEmpty())
        return;

    m_loadedReported = true;
    // GStreamer keeps the rate it was given for the next file but plays that file at 1x until
    // something seeks; QMediaPlayer ignores a rate it already has, so give it 1x and back.
    const double rate = m_player->playbackRate();
    if (!qFuzzyCompare(rate, 1.0)) {
        m_player->setPlaybackRate(1.0);
        m_player->setPlaybackRate(rate);
    }
    qCDebug(lcMedia) << "Loaded, duration" << m_player->duration() << "ms";
    Q_EMIT loaded();
}
