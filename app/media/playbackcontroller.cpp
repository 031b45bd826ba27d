#include "playbackcontroller.h"

#include "logging.h"
#include "mediabackend.h"
#include "wavrepair.h"

#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLocale>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace {

// About 30 updates a second move a playhead smoothly; more only costs repaints.
constexpr int kGlideIntervalMs = 33;
// The least time between two positions emitted: a backend report and a tick may come together.
constexpr int kPositionIntervalMs = 25;
// How long past the backend's last report the position goes on by itself: GStreamer reports
// every 100 ms; when it stalls, the playhead stops soon after rather than run away.
constexpr qint64 kMaxGlideMs = 250;

constexpr qint64 kUsPerMs = 1000;
constexpr qint64 kUsPerSecond = 1'000'000;

bool isRiffWave(QFile *file)
{
    const QByteArray head = file->read(12);
    return head.size() == 12 && head.startsWith("RIFF") && head.mid(8, 4) == "WAVE";
}

} // namespace

PlaybackController::PlaybackController(MediaBackend *backend, QObject *parent)
    : QObject(parent)
    , m_backend(backend)
    , m_positionTimer(new QTimer(this))
    , m_glideTimer(new QTimer(this))
{
    m_positionTimer->setSingleShot(true);
    connect(m_positionTimer, &QTimer::timeout, this, &PlaybackController::flushPosition);
    m_glideTimer->setTimerType(Qt::PreciseTimer);
    m_glideTimer->setInterval(kGlideIntervalMs);
    connect(m_glideTimer, &QTimer::timeout, this, &PlaybackController::glide);

    connect(m_backend, &MediaBackend::loaded, this, &PlaybackController::handleLoaded);
    connect(m_backend, &MediaBackend::positionChanged, this,
            &PlaybackController::handleBackendPosition);
    connect(m_backend, &MediaBackend::playingChanged, this, &PlaybackController::updateState);
    connect(m_backend, &MediaBackend::endOfMedia, this, &PlaybackController::handleEndOfMedia);
    connect(m_backend, &MediaBackend::errorOccurred, this, &PlaybackController::handleBackendError);
}

PlaybackController::~PlaybackController()
{
    // A probe may be writing a repaired copy; let it finish rather than leave half a file.
    const auto jobs = m_jobs;
    for (auto *job : jobs)
        job->waitForFinished();
}

void PlaybackController::setCall(Timestamp callStart, Timestamp callEnd,
                                 QList<PlaylistEntry> entries)
{
    std::stable_sort(
        entries.begin(), entries.end(),
        [](const PlaylistEntry &a, const PlaylistEntry &b) { return a.start < b.start; });

    m_backend->stop();
    m_backend->setSource(QString());
    m_requestedPath.clear();
    m_loadedPath.clear();

    m_callStart = callStart;
    m_callEnd = callEnd;
    m_items.clear();
    for (auto &entry : entries) {
        Item item;
        item.entry = std::move(entry);
        m_items.append(std::move(item));
    }
    m_pendingUs = -1;
    m_wantPlay = false;
    m_ended = false;
    qCDebug(lcMedia) << "A call with" << m_items.size() << "recordings";

    setCurrent(-1);
    setProblem(m_items.isEmpty() ? tr("This call has no recordings.") : QString());
    setPosition(m_items.isEmpty() ? callStart : m_items.first().entry.start, true);
    updateState();
    Q_EMIT playlistChanged();
}

void PlaybackController::setLocalFile(const QString &recordingId, const QString &localPath)
{
    for (qsizetype i = 0; i < m_items.size(); ++i) {
        Item &item = m_items[i];
        if (item.entry.recordingId != recordingId)
            continue;

        // The same file again changes nothing; a new download at the same path does.
        const QFileInfo file(localPath);
        if (item.entry.localPath == localPath
            && (item.media == Item::Media::Unknown
                || (file.size() == item.preparedSize
                    && file.lastModified() == item.preparedModified)))
            continue;

        // A new file means a new probe, and the backend must load it afresh.
        if (!item.playPath.isEmpty()
            && (item.playPath == m_loadedPath || item.playPath == m_requestedPath)) {
            if (m_backend->isPlaying())
                m_backend->pause();
            m_loadedPath.clear();
            m_requestedPath.clear();
        }
        item.entry.localPath = localPath;
        item.media = Item::Media::Unknown;
        item.playPath.clear();
        item.problem.clear();
        item.offerDownload = false;
        item.fileRequested = false;
        item.durationMeasured = false;
        item.preparedSize = -1;
        item.preparedModified = {};
        if (i == m_current && !m_ended) {
            // Where the old file was playing, the new one picks up.
            if (m_pendingUs < 0)
                m_pendingUs = m_position - item.entry.start;
            proceed();
        }
    }
}

QList<PlaylistEntry> PlaybackController::playlist() const
{
    QList<PlaylistEntry> entries;
    entries.reserve(m_items.size());
    for (const auto &item : m_items)
        entries.append(item.entry);
    return entries;
}

QString PlaybackController::currentRecordingId() const
{
    return m_current >= 0 ? m_items.at(m_current).entry.recordingId : QString();
}

void PlaybackController::playAt(Timestamp t)
{
    moveTo(t, true);
}

void PlaybackController::seek(Timestamp t)
{
    moveTo(t, m_wantPlay && !m_ended);
}

void PlaybackController::play()
{
    if (m_items.isEmpty())
        return;

    if (m_current < 0 || m_ended) {
        // Nothing chosen yet, or past the end: start over, as a player does.
        goTo(0, 0, true);
        return;
    }

    if (m_items.at(m_current).media == Item::Media::Unplayable) {
        m_wantPlay = true;
        continueAfter(m_current, m_position);
        return;
    }

    m_wantPlay = true;
    if (currentIsLoaded())
        m_backend->play();
}

void PlaybackController::pause()
{
    m_wantPlay = false;
    if (currentIsLoaded())
        m_backend->pause();
}

void PlaybackController::togglePlay()
{
    if (m_state == State::Playing || (m_state == State::Loading && m_wantPlay))
        pause();
    else
        play();
}

void PlaybackController::skip(qint64 deltaUs)
{
    if (m_current < 0)
        return;

    const PlaylistEntry &entry = m_items.at(m_current).entry;
    const Timestamp target
        = std::clamp(m_position.addMicroseconds(deltaUs), entry.start, entry.end());
    if (target >= entry.end()) {
        // Forward to the end of this recording is what its natural end does: on to the next.
        setPosition(target, true);
        continueAfter(m_current, target);
        return;
    }
    goTo(m_current, target - entry.start, m_wantPlay && !m_ended);
}

void PlaybackController::seekToStart()
{
    if (!m_items.isEmpty())
        goTo(0, 0, m_wantPlay && !m_ended);
}

void PlaybackController::seekToEnd()
{
    if (m_items.isEmpty())
        return;

    const int last = lastEnding();
    setCurrent(last);
    endAt(m_items.at(last).entry.end(), QString());
}

void PlaybackController::setRate(double rate)
{
    rate = std::clamp(rate, kMinRate, kMaxRate);
    if (qFuzzyCompare(rate, m_rate))
        return;

    m_rate = rate;
    // The time since the last report ran at the old rate.
    m_sinceReport.invalidate();
    m_backend->setPlaybackRate(rate);
    Q_EMIT rateChanged(rate);
}

void PlaybackController::setVolume(float volume)
{
    volume = std::clamp(volume, 0.0f, 1.0f);
    if (qFuzzyCompare(volume, m_volume))
        return;

    m_volume = volume;
    m_backend->setVolume(volume);
    Q_EMIT volumeChanged(volume);
}

PlaybackController::Location PlaybackController::locate(Timestamp t, int exclude,
                                                        bool clicked) const
{
    // A recording covers [start, end). One of no length covers its own start when clicked, so
    // that the click reaches its sentence; playing on, it is passed by, or two of them at the
    // same moment would hand over to each other for ever.
    const qint64 minimumUs = clicked ? 1 : 0;
    for (qsizetype i = 0; i < m_items.size(); ++i) {
        const PlaylistEntry &entry = m_items.at(i).entry;
        const Timestamp coverEnd = entry.start.addMicroseconds(qMax(entry.durationUs, minimumUs));
        if (i != exclude && entry.start <= t && t < coverEnd)
            return { int(i), true };
    }

    for (qsizetype i = 0; i < m_items.size(); ++i) {
        if (i != exclude && m_items.at(i).entry.start > t)
            return { int(i), false };
    }
    return {};
}

// The recording that ends last, which with overlaps need not be the one that starts last.
int PlaybackController::lastEnding() const
{
    int last = 0;
    for (qsizetype i = 1; i < m_items.size(); ++i) {
        if (m_items.at(i).entry.end() >= m_items.at(last).entry.end())
            last = int(i);
    }
    return last;
}

void PlaybackController::moveTo(Timestamp t, bool play)
{
    if (m_items.isEmpty() || !t.isValid())
        return;

    const Location location = locate(t, -1, true);
    if (location.index < 0) {
        const int last = lastEnding();
        setCurrent(last);
        endAt(t,
              tr("Nothing was recorded after %1 into the call.")
                  .arg(spanText(m_items.at(last).entry.end() - m_callStart)));
        return;
    }

    const PlaylistEntry &entry = m_items.at(location.index).entry;
    if (!location.covers)
        Q_EMIT gapSkipped(t, entry.start);
    goTo(location.index, location.covers ? t - entry.start : 0, play);
}

void PlaybackController::goTo(int index, qint64 offsetUs, bool play)
{
    if (index != m_current && currentIsLoaded() && m_backend->isPlaying())
        m_backend->pause();

    m_ended = false;
    m_wantPlay = play;
    m_pendingUs = offsetUs;
    setCurrent(index);
    setPosition(m_items.at(index).entry.start.addMicroseconds(offsetUs), true);
    proceed();
}

void PlaybackController::continueAfter(int index, Timestamp from)
{
    const Timestamp end = m_items.at(index).entry.end();
    const Location next = locate(end, index, false);
    if (next.index < 0) {
        m_wantPlay = false;
        endAt(end, QString());
        return;
    }

    // Where the overlap of two recordings lets the next take over, it does so mid-recording.
    const PlaylistEntry &entry = m_items.at(next.index).entry;
    const Timestamp to = next.covers ? end : entry.start;
    if (to > from)
        Q_EMIT gapSkipped(from, to);
    goTo(next.index, to - entry.start, m_wantPlay);
}

void PlaybackController::endAt(Timestamp t, const QString &problem)
{
    // Ended first: what the backend reports while it pauses belongs to no position any more.
    m_ended = true;
    m_pendingUs = -1;
    if (currentIsLoaded() && m_backend->isPlaying())
        m_backend->pause();

    m_wantPlay = false;
    setPosition(t, true);
    setProblem(problem);
    updateState();
}

// Takes the current recording one step further: ask for its file, probe it, load it, then seek
// and play. Each step that has to wait calls this again when it is done.
void PlaybackController::proceed()
{
    if (m_current < 0 || m_ended)
        return;

    Item &item = m_items[m_current];
    // A file that could not be fetched is unplayable without ever being local.
    if (item.entry.localPath.isEmpty() && item.media != Item::Media::Unplayable) {
        setProblem(QString());
        updateState();
        if (!item.fileRequested) {
            item.fileRequested = true;
            Q_EMIT fileNeeded(item.entry.recordingId);
        }
        return;
    }

    switch (item.media) {
    case Item::Media::Unknown:
        prepare(m_current);
        Q_FALLTHROUGH();
    case Item::Media::Preparing:
        setProblem(QString());
        updateState();
        return;
    case Item::Media::Unplayable:
        if (!m_loadedPath.isEmpty() && m_backend->isPlaying())
            m_backend->pause();
        setProblem(item.problem);
        updateState();
        if (item.offerDownload)
            Q_EMIT downloadOffered(item.entry.recordingId);
        return;
    case Item::Media::Ready:
        break;
    }

    setProblem(item.problem);
    if (item.playPath != m_loadedPath) {
        if (item.playPath != m_requestedPath) {
            m_requestedPath = item.playPath;
            m_loadedPath.clear();
            m_backend->setSource(item.playPath);
        }
        updateState();
        return;
    }

    if (m_pendingUs >= 0) {
        m_backend->setPosition(m_pendingUs / kUsPerMs);
        m_pendingUs = -1;
    }
    if (m_wantPlay)
        m_backend->play();
    else
        m_backend->pause();
    updateState();
}

void PlaybackController::prepare(int index)
{
    Item &item = m_items[index];
    item.media = Item::Media::Preparing;
    const QFileInfo file(item.entry.localPath);
    item.preparedSize = file.size();
    item.preparedModified = file.lastModified();

    const QString recordingId = item.entry.recordingId;
    const QString path = item.entry.localPath;
    auto *job = new QFutureWatcher<PreparedMedia>(this);
    m_jobs.insert(job);
    connect(job, &QFutureWatcherBase::finished, this, [this, job, recordingId, path] {
        m_jobs.remove(job);
        job->deleteLater();
        applyPrepared(recordingId, path, job->result());
    });
    job->setFuture(QtConcurrent::run(&PlaybackController::prepareFile, path));
}

// Runs on a worker thread: reads the header and, where the header lies about the length,
// writes the repaired copy that the backend will play.
PlaybackController::PreparedMedia PlaybackController::prepareFile(const QString &path)
{
    PreparedMedia prepared;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        prepared.detail = file.errorString();
        return prepared;
    }

    // Not a WAV (MP3, Opus...): the backend is the judge of those.
    if (!isRiffWave(&file)) {
        prepared.outcome = PreparedMedia::Outcome::Playable;
        prepared.playPath = path;
        return prepared;
    }

    file.seek(0);
    prepared.info = WavProbe::probe(&file, &prepared.detail);
    file.close();
    if (!prepared.info) {
        prepared.outcome = PreparedMedia::Outcome::Damaged;
        return prepared;
    }

    switch (prepared.info->problem) {
    case WavInfo::Problem::Empty:
        prepared.outcome = PreparedMedia::Outcome::Empty;
        return prepared;
    case WavInfo::Problem::UnsupportedCodec:
        prepared.outcome = PreparedMedia::Outcome::UnsupportedCodec;
        return prepared;
    case WavInfo::Problem::None:
    case WavInfo::Problem::SizesUnset:
    case WavInfo::Problem::Truncated:
        break;
    }

    // Without the copy GStreamer still plays the samples, only its duration may be wrong:
    // better that than no sound at all.
    prepared.outcome = PreparedMedia::Outcome::Playable;
    prepared.playPath = WavRepair::playableCopy(path, *prepared.info).value_or(path);
    return prepared;
}

void PlaybackController::applyPrepared(const QString &recordingId, const QString &path,
                                       const PreparedMedia &prepared)
{
    // The call may have changed, or a newer download replaced the file, while this ran.
    int index = -1;
    for (qsizetype i = 0; i < m_items.size(); ++i) {
        const Item &item = m_items.at(i);
        if (item.entry.recordingId == recordingId && item.entry.localPath == path
            && item.media == Item::Media::Preparing)
            index = int(i);
    }
    if (index < 0)
        return;

    Item &item = m_items[index];
    const bool playable = prepared.outcome == PreparedMedia::Outcome::Playable;
    item.media = playable ? Item::Media::Ready : Item::Media::Unplayable;
    item.playPath = prepared.playPath;
    item.problem = sentenceFor(prepared);
    item.offerDownload = prepared.outcome == PreparedMedia::Outcome::UnsupportedCodec;
    if (!playable)
        qCInfo(lcMedia) << "A recording cannot be played:" << int(prepared.outcome);

    // The samples really present decide how long the recording covers the call.
    item.durationMeasured = prepared.info.has_value();
    if (prepared.info && item.entry.durationUs != prepared.info->durationMicroseconds()) {
        item.entry.durationUs = prepared.info->durationMicroseconds();
        Q_EMIT playlistChanged();
    }
    if (index != m_current || m_ended)
        return;

    // A seek into what turned out to be missing goes where that moment really is.
    const PlaylistEntry &entry = item.entry;
    if (m_pendingUs >= 0 && m_pendingUs >= entry.durationUs && item.media == Item::Media::Ready)
        moveTo(entry.start.addMicroseconds(m_pendingUs), m_wantPlay);
    else
        proceed();
}

// What the supervisor reads about a file: why it cannot be played, or what is wrong with one
// that plays. Empty for a sound file.
QString PlaybackController::sentenceFor(const PreparedMedia &prepared) const
{
    using Outcome = PreparedMedia::Outcome;
    switch (prepared.outcome) {
    case Outcome::CannotOpen:
        return tr("The file of this recording cannot be opened: %1.").arg(prepared.detail);
    case Outcome::Damaged:
        return tr("This recording cannot be played: its file is damaged. %1").arg(prepared.detail);
    case Outcome::Empty:
        return tr("This recording is empty: it holds no sound. The call lasted %1.")
            .arg(spanText(m_callEnd - m_callStart));
    case Outcome::UnsupportedCodec: {
        const WavInfo &info = *prepared.info;
        const QString codec = info.codec == WavInfo::Codec::Gsm610
            ? tr("GSM 6.10")
            : tr("an audio format the player does not know (WAV format %1)").arg(info.formatTag);
        return tr("This recording is in %1, which the player cannot play. Download it to "
                  "listen to it in another program.")
            .arg(codec);
    }
    case Outcome::Playable:
        break;
    }

    if (!prepared.info || prepared.info->problem != WavInfo::Problem::Truncated)
        return {};
    const WavInfo &info = *prepared.info;
    const double declaredSeconds = double(info.declaredBytes) / info.blockAlign / info.sampleRate;
    const QLocale locale;
    return tr("This recording is cut short: %1 s of %2 s are present.")
        .arg(locale.toString(double(info.durationMicroseconds()) / kUsPerSecond, 'f', 1),
             locale.toString(declaredSeconds, 'f', 1));
}

void PlaybackController::setFileUnavailable(const QString &recordingId, const QString &sentence)
{
    for (qsizetype i = 0; i < m_items.size(); ++i) {
        Item &item = m_items[i];
        if (item.entry.recordingId != recordingId || !item.entry.localPath.isEmpty())
            continue;

        item.media = Item::Media::Unplayable;
        item.problem = sentence;
        item.offerDownload = false;
        qCInfo(lcMedia) << "A recording cannot be fetched";
        if (i == m_current && !m_ended)
            proceed();
    }
}

void PlaybackController::markUnplayable(int index, const QString &sentence)
{
    Item &item = m_items[index];
    item.media = Item::Media::Unplayable;
    item.problem = sentence;
    item.offerDownload = false;
    qCInfo(lcMedia) << "A recording cannot be played: the backend failed";
}

void PlaybackController::handleLoaded()
{
    if (m_backend->source() != m_requestedPath || m_requestedPath.isEmpty())
        return;

    m_loadedPath = m_requestedPath;
    // The backend may start a new source at its defaults.
    m_backend->setPlaybackRate(m_rate);
    m_backend->setVolume(m_volume);

    // A file that is not WAV was not measured by the probe: the backend says how long it is.
    if (m_current >= 0 && !m_ended) {
        Item &item = m_items[m_current];
        const qint64 durationUs = m_backend->duration() * kUsPerMs;
        if (item.playPath == m_loadedPath && !item.durationMeasured && durationUs > 0
            && durationUs != item.entry.durationUs) {
            item.entry.durationUs = durationUs;
            Q_EMIT playlistChanged();
        }
    }
    proceed();
}

void PlaybackController::handleBackendPosition(qint64 ms)
{
    if (!currentIsLoaded() || m_pendingUs >= 0 || m_ended)
        return;

    const PlaylistEntry &entry = m_items.at(m_current).entry;
    const qint64 offsetUs = ms * kUsPerMs;
    const Timestamp reported = entry.start.addMicroseconds(
        entry.durationUs > 0 ? qMin(offsetUs, entry.durationUs) : offsetUs);
    m_reported = reported;
    m_sinceReport.start();
    // While playing, interpolation may have gone a little past the backend: the playhead waits
    // for it rather than step back.
    if (m_state != State::Playing || reported > m_position)
        setPosition(reported, false);
}

void PlaybackController::glide()
{
    if (m_state != State::Playing || !m_sinceReport.isValid() || !currentIsLoaded()
        || m_pendingUs >= 0 || m_ended)
        return;

    const PlaylistEntry &entry = m_items.at(m_current).entry;
    const qint64 elapsedUs = qMin(m_sinceReport.nsecsElapsed() / 1000, kMaxGlideMs * kUsPerMs);
    Timestamp t = m_reported.addMicroseconds(qint64(double(elapsedUs) * m_rate));
    if (entry.durationUs > 0 && entry.end() < t)
        t = entry.end();
    if (m_position < t)
        setPosition(t, false);
}

void PlaybackController::stopGliding()
{
    m_glideTimer->stop();
    m_sinceReport.invalidate();
}

void PlaybackController::handleEndOfMedia()
{
    if (!currentIsLoaded() || m_ended)
        return;

    const Timestamp end = m_items.at(m_current).entry.end();
    setPosition(end, true);
    continueAfter(m_current, end);
}

void PlaybackController::handleBackendError(const QString &sentence)
{
    const QString failed = m_backend->source();
    m_requestedPath.clear();
    m_loadedPath.clear();
    for (qsizetype i = 0; i < m_items.size(); ++i) {
        if (m_items.at(i).media == Item::Media::Ready && m_items.at(i).playPath == failed)
            markUnplayable(int(i), sentence);
    }
    if (m_current >= 0 && m_items.at(m_current).playPath == failed)
        proceed();
}

bool PlaybackController::currentIsLoaded() const
{
    return m_current >= 0 && !m_loadedPath.isEmpty()
        && m_items.at(m_current).media == Item::Media::Ready
        && m_items.at(m_current).playPath == m_loadedPath;
}

void PlaybackController::updateState()
{
    State state = State::Idle;
    if (m_ended)
        state = State::Ended;
    else if (m_current < 0)
        state = State::Idle;
    else if (m_items.at(m_current).media == Item::Media::Unplayable)
        state = State::Unplayable;
    else if (!currentIsLoaded() || m_pendingUs >= 0)
        state = State::Loading;
    else
        state = m_backend->isPlaying() ? State::Playing : State::Paused;

    if (state == m_state)
        return;
    m_state = state;
    // Interpolation starts from the backend's first report after playback (re)starts: the time
    // since an earlier one was not all spent playing.
    stopGliding();
    if (state == State::Playing)
        m_glideTimer->start();
    qCDebug(lcMedia) << "Playback state" << state;
    Q_EMIT stateChanged(state);
}

void PlaybackController::setProblem(const QString &sentence)
{
    if (sentence == m_problem)
        return;
    m_problem = sentence;
    Q_EMIT problemChanged(sentence);
}

void PlaybackController::setCurrent(int index)
{
    if (index == m_current)
        return;
    m_current = index;
    Q_EMIT currentRecordingChanged(currentRecordingId());
}

void PlaybackController::setPosition(Timestamp t, bool force)
{
    if (t == m_position && !force)
        return;

    m_position = t;
    if (force) // a seek, a new recording or the end: the old figure says nothing about it
        m_sinceReport.invalidate();
    if (force || !m_sinceEmit.isValid() || m_sinceEmit.elapsed() >= kPositionIntervalMs) {
        m_positionTimer->stop();
        flushPosition();
        return;
    }

    // Too soon after the last one: the latest position goes out when the interval is over.
    if (!m_positionTimer->isActive())
        m_positionTimer->start(int(kPositionIntervalMs - m_sinceEmit.elapsed()));
}

void PlaybackController::flushPosition()
{
    m_sinceEmit.start();
    Q_EMIT positionChanged(m_position);
}

QString PlaybackController::spanText(qint64 us) const
{
    const qint64 seconds = (qMax<qint64>(us, 0) + kUsPerSecond / 2) / kUsPerSecond;
    const qint64 hours = seconds / 3600;
    const qint64 minutes = seconds % 3600 / 60;
    if (hours > 0)
        return tr("%1 h %2 min %3 s").arg(hours).arg(minutes).arg(seconds % 60);
    if (minutes > 0)
        return tr("%1 min %2 s").arg(minutes).arg(seconds % 60);
    return tr("%1 s").arg(seconds);
}
