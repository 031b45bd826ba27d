#include "recordingdownloads.h"

#include "logging.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QRegularExpression>
#include <QSaveFile>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <map>
#include <memory>

namespace {

constexpr int kIndexVersion = 1;
const QString kIndexName = u"index.json"_qs;
const QString kPartSuffix = u".part"_qs;
// What the network may hold for a download before it waits for the disk.
constexpr qint64 kReadBufferBytes = 1024 * 1024;
constexpr qint64 kMaxErrorBodyBytes = 64 * 1024;
constexpr int kProgressIntervalMs = 100;
constexpr int kFirstRetryMs = 1000;
constexpr int kMaxRetryMs = 60'000;
// Longer ids are kept under a name made from their hash, which a rebuilt index cannot map back.
constexpr qsizetype kMaxStemLength = 200;

// The file name of an id without its extension: percent-encoded, '.' and '~' included, so the
// first '.' starts the extension and a leading '~' marks a hashed name.
QString fileStem(const QString &id)
{
    const QString encoded = QString::fromLatin1(QUrl::toPercentEncoding(id, {}, ".~"));
    if (encoded.size() <= kMaxStemLength)
        return encoded;
    return u'~'
        + QString::fromLatin1(
               QCryptographicHash::hash(id.toUtf8(), QCryptographicHash::Sha256).toHex());
}

// The extension the player needs to recognise the file without sniffing it.
QString extensionFor(const Recording &recording)
{
    static const QRegularExpression shortWord(u"^[a-z0-9]{1,5}$"_qs);
    const QString suffix = QFileInfo(recording.name).suffix().toLower();
    if (shortWord.match(suffix).hasMatch() && suffix != u"part")
        return suffix;
    if (recording.contentType == u"audio/wav" || recording.contentType == u"audio/x-wav")
        return u"wav"_qs;
    if (recording.contentType == u"audio/ogg")
        return u"ogg"_qs;
    if (recording.contentType == u"audio/mpeg")
        return u"mp3"_qs;
    return u"bin"_qs;
}

std::pair<QString, QString> serverError(const QByteArray &body)
{
    const QJsonObject error = QJsonDocument::fromJson(body).object().value(u"error").toObject();
    return { error.value(u"code").toString(), error.value(u"message").toString() };
}

// "bytes 100-199/1000" -> (100, 1000); (-1, -1) when it is not that.
std::pair<qint64, qint64> parseContentRange(const QByteArray &value)
{
    static const QRegularExpression form(uR"(^\s*bytes\s+(\d+)-(\d+)/(\d+)\s*$)"_qs);
    const QRegularExpressionMatch match = form.match(QString::fromLatin1(value));
    if (!match.hasMatch())
        return { -1, -1 };
    return { match.captured(1).toLongLong(), match.captured(3).toLongLong() };
}

} // namespace

// RecordingDownloads' half on the worker thread: the QNetworkAccessManager, the .part files,
// the index and the eviction. Every method runs on that thread; results reach the UI thread
// through RecordingDownloads::deliver().
class RecordingDownloadsWorker : public QObject
{
public:
    RecordingDownloadsWorker(RecordingDownloads *owner, const QUrl &serverBase,
                             const QString &folder, qint64 capBytes)
        : m_owner(owner)
        , m_serverBase(serverBase)
        , m_folder(folder)
        , m_capBytes(capBytes)
    { }

    void start();
    void request(const Recording &recording);
    void cancel(const QString &id);
    void markPlayed(const QString &id);
    void setCapBytes(qint64 capBytes);
    void clear();
    void setTransferTimeoutMs(int milliseconds) { m_transferTimeoutMs = milliseconds; }
    void setAccessToken(const QByteArray &token) { m_accessToken = token; }
    void setServerBase(const QUrl &serverBase);
    void shutDown();

private:
    // One cached recording, complete or not. The index holds these.
    struct Entry
    {
        QString id;
        QString fileName; // of the complete file
        qint64 size = 0; // of the complete file; the expected size while partial
        QString etag;
        qint64 lastPlayedMs = 0; // 0: never played
        qint64 used = 0; // the cache's clock when last played or downloaded: eviction order
        bool complete = false;
        qint64 partBytes = 0; // bytes in the .part file of a partial entry
    };

    // Why a download was aborted from inside its own handlers; finishDownload() acts on it.
    enum class Stop { None, Restart, Mismatch, Disk };

    struct Job
    {
        ~Job() { delete retry; }

        Recording recording;
        QString fileName;
        QNetworkReply *reply = nullptr;
        quint64 attempt = 0; // which request the reply's queued signals belong to
        std::unique_ptr<QFile> part;
        qint64 offset = 0; // bytes the .part held when this request was made
        qint64 received = 0; // bytes the .part holds now
        qint64 total = -1;
        int status = 0;
        bool headersRead = false;
        bool resumeAllowed = true;
        Stop stop = Stop::None;
        QString diskError;
        QByteArray errorBody;
        QElapsedTimer sinceProgress;
        QTimer *retry = nullptr;
        int retryDelayMs = kFirstRetryMs;
    };

    QString pathOf(const QString &fileName) const { return QDir(m_folder).filePath(fileName); }
    QString partPathOf(const QString &id) const { return pathOf(fileStem(id) + kPartSuffix); }

    bool ensureFolder(QString *why);
    void loadIndex();
    bool readIndex(QList<Entry> *entries) const;
    void saveIndex();
    void announceIndex();

    void startDownload(Job &job);
    void readHeaders(Job &job);
    void readBody(Job &job);
    void finishDownload(const QString &id, quint64 attempt);
    void complete(Job &job);
    void fail(const QString &id, RecordingDownloads::Error error, const QString &sentence);
    void scheduleRetry(Job &job);
    void abort(Job &job, Stop stop);
    void stopNow(Job &job);
    void stopAll();
    void closePart(Job &job);
    void dropFiles(const QString &id);

    qint64 bytesOnDisk() const;
    // Deletes the least recently used files until the cache holds at most capBytes, sparing
    // the one playing, the ones downloading and alsoKeep.
    void evict(qint64 capBytes, const QString &alsoKeep = {});
    void reportProgress(Job &job, bool force);

    RecordingDownloads *m_owner;
    QUrl m_serverBase;
    QString m_folder;
    qint64 m_capBytes;
    int m_transferTimeoutMs = RecordingDownloads::kDefaultTransferTimeoutMs;
    QByteArray m_accessToken;
    QNetworkAccessManager *m_network = nullptr;
    QHash<QString, Entry> m_index;
    std::map<QString, std::unique_ptr<Job>> m_jobs;
    QString m_playing;
    qint64 m_clock = 0;
    quint64 m_attempts = 0;
};

void RecordingDownloadsWorker::start()
{
    m_network = new QNetworkAccessManager(this);
    m_network->setRedirectPolicy(QNetworkRequest::SameOriginRedirectPolicy);
    loadIndex();
    announceIndex();
}

bool RecordingDownloadsWorker::ensureFolder(QString *why)
{
    if (QFileInfo(m_folder).isDir() || QDir().mkpath(m_folder))
        return true;
    *why = QFileInfo(m_folder).exists() ? u"is not a folder"_qs : u"cannot be created"_qs;
    return false;
}

bool RecordingDownloadsWorker::readIndex(QList<Entry> *entries) const
{
    QFile file(pathOf(kIndexName));
    if (!file.exists())
        return true;
    if (!file.open(QIODevice::ReadOnly))
        return false;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    const QJsonObject root = document.object();
    if (parseError.error != QJsonParseError::NoError || !root.value(u"recordings").isArray()
        || root.value(u"version").toInt() != kIndexVersion)
        return false;

    const QJsonArray items = root.value(u"recordings").toArray();
    for (const QJsonValue &value : items) {
        const QJsonObject item = value.toObject();
        Entry entry;
        entry.id = item.value(u"id").toString();
        entry.fileName = item.value(u"file").toString();
        entry.size = qint64(item.value(u"size").toDouble(-1));
        entry.etag = item.value(u"etag").toString();
        entry.lastPlayedMs = qint64(item.value(u"last_played").toDouble());
        entry.used = qint64(item.value(u"used").toDouble());
        entry.complete = item.value(u"complete").toBool();
        // A file name from the index is used as a path: it must be one of ours, in this folder.
        const bool ours = !entry.id.isEmpty()
            && entry.fileName.startsWith(fileStem(entry.id) + u'.')
            && !entry.fileName.contains(u'/') && entry.size >= 0;
        if (!ours)
            return false;
        entries->append(entry);
    }
    return true;
}

void RecordingDownloadsWorker::loadIndex()
{
    QString why;
    if (!ensureFolder(&why)) {
        qCWarning(lcMedia).noquote() << "The recordings cache folder" << m_folder << why;
        return;
    }

    QList<Entry> entries;
    bool rewrite = false;
    if (!readIndex(&entries)) {
        qCWarning(lcMedia).noquote() << "The recordings cache index in" << m_folder
                                     << "cannot be read; it is rebuilt from the files present";
        entries.clear();
        rewrite = true;
    }

    // The index is checked against the folder: entries whose files are gone or damaged go,
    // and files no entry names are taken in when complete and deleted when partial (a .part
    // without its ETag cannot be resumed safely).
    QDir dir(m_folder);
    const QFileInfoList files = dir.entryInfoList(QDir::Files | QDir::Hidden);
    QHash<QString, QFileInfo> byName;
    for (const QFileInfo &info : files)
        byName.insert(info.fileName(), info);

    for (Entry &entry : entries) {
        const QString name = entry.complete ? entry.fileName : fileStem(entry.id) + kPartSuffix;
        const QFileInfo info = byName.take(name);
        const bool present = info.exists()
            && (entry.complete ? info.size() == entry.size : info.size() <= entry.size);
        if (!present) {
            if (info.exists())
                QFile::remove(info.filePath());
            rewrite = true;
            continue;
        }
        entry.partBytes = entry.complete ? 0 : info.size();
        m_clock = std::max(m_clock, entry.used);
        m_index.insert(entry.id, entry);
    }

    QList<QFileInfo> strays = byName.values();
    std::sort(strays.begin(), strays.end(), [](const QFileInfo &a, const QFileInfo &b) {
        return a.lastModified() < b.lastModified();
    });
    for (const QFileInfo &info : std::as_const(strays)) {
        const QString name = info.fileName();
        if (name.startsWith(kIndexName))
            continue; // the index, or a save of it that never finished
        const QString stem = name.section(u'.', 0, 0);
        const QString id = QString::fromUtf8(QByteArray::fromPercentEncoding(stem.toLatin1()));
        const bool adoptable = !name.endsWith(kPartSuffix) && !stem.startsWith(u'~')
            && !id.isEmpty() && fileStem(id) == stem && !m_index.contains(id);
        rewrite = true;
        if (!adoptable) {
            QFile::remove(info.filePath());
            continue;
        }
        Entry entry;
        entry.id = id;
        entry.fileName = name;
        entry.size = info.size();
        entry.used = ++m_clock;
        entry.complete = true;
        m_index.insert(id, entry);
    }
    if (rewrite)
        saveIndex();
    qCInfo(lcMedia).noquote() << "Recordings cache:" << m_index.size() << "files," << bytesOnDisk()
                              << "bytes in" << m_folder;
}

void RecordingDownloadsWorker::saveIndex()
{
    // Without its folder the cache is off; the failed requests have said so.
    if (!QFileInfo(m_folder).isDir())
        return;

    QJsonArray items;
    for (const Entry &entry : std::as_const(m_index)) {
        items.append(QJsonObject { { u"id"_qs, entry.id },
                                   { u"file"_qs, entry.fileName },
                                   { u"size"_qs, entry.size },
                                   { u"etag"_qs, entry.etag },
                                   { u"last_played"_qs, entry.lastPlayedMs },
                                   { u"used"_qs, entry.used },
                                   { u"complete"_qs, entry.complete } });
    }
    const QJsonObject root { { u"version"_qs, kIndexVersion }, { u"recordings"_qs, items } };

    // QSaveFile renames a finished copy over the old one: a crash leaves one or the other.
    QSaveFile file(pathOf(kIndexName));
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(root).toJson()) < 0
        || !file.commit()) {
        qCWarning(lcMedia).noquote()
            << "Cannot write the recordings cache index:" << file.errorString();
    }
}

void RecordingDownloadsWorker::announceIndex()
{
    QHash<QString, QString> complete;
    for (const Entry &entry : std::as_const(m_index)) {
        if (entry.complete)
            complete.insert(entry.id, pathOf(entry.fileName));
    }
    m_owner->deliver([owner = m_owner, complete] {
        owner->m_complete = complete;
        owner->m_indexLoaded = true;
        Q_EMIT owner->indexLoaded();
    });
}

void RecordingDownloadsWorker::request(const Recording &recording)
{
    const QString id = recording.id;
    const auto running = m_jobs.find(id);
    if (running != m_jobs.end()) {
        // Asked again while waiting to retry: now is as good a time as any.
        Job &job = *running->second;
        if (!job.reply && job.retry && job.retry->isActive()) {
            job.retry->stop();
            startDownload(job);
        }
        return;
    }

    const auto cached = m_index.constFind(id);
    if (cached != m_index.cend() && cached->complete) {
        const bool sameSize = recording.sizeBytes <= 0 || cached->size == recording.sizeBytes;
        if (sameSize && QFileInfo(pathOf(cached->fileName)).size() == cached->size) {
            const QString path = pathOf(cached->fileName);
            m_owner->deliver([owner = m_owner, id, path] { Q_EMIT owner->ready(id, path); });
            return;
        }
        // Another version of the file is on the server now, or the copy was damaged.
        dropFiles(id);
    }

    auto job = std::make_unique<Job>();
    job->recording = recording;
    job->fileName = fileStem(id) + u'.' + extensionFor(recording);
    Job &started = *job;
    m_jobs.emplace(id, std::move(job));
    startDownload(started);
}

void RecordingDownloadsWorker::startDownload(Job &job)
{
    const QString id = job.recording.id;
    QString why;
    if (!ensureFolder(&why)) {
        fail(id, RecordingDownloads::Error::Disk,
             RecordingDownloads::tr("The recording cannot be saved: the cache folder %1 %2.")
                 .arg(QDir::toNativeSeparators(m_folder), why));
        return;
    }

    // Resume only what was saved with its ETag, and only while it is shorter than the file.
    const auto entry = m_index.constFind(id);
    const QString partPath = partPathOf(id);
    const qint64 partSize = QFileInfo(partPath).size();
    const bool resume = job.resumeAllowed && entry != m_index.cend() && !entry->complete
        && !entry->etag.isEmpty() && partSize > 0
        && (job.recording.sizeBytes <= 0 || partSize < job.recording.sizeBytes);
    const QByteArray resumeEtag = resume ? entry->etag.toLatin1() : QByteArray();
    if (!resume) {
        QFile::remove(partPath);
        m_index.remove(id);
    }
    job.offset = resume ? partSize : 0;
    job.received = job.offset;
    job.total = -1;
    job.status = 0;
    job.headersRead = false;
    job.stop = Stop::None;
    job.errorBody.clear();
    job.diskError.clear();

    // Room for the rest of this file, at the cost of the least recently played.
    if (job.recording.sizeBytes > 0)
        evict(m_capBytes - (job.recording.sizeBytes - job.offset));

    job.part = std::make_unique<QFile>(partPath);
    if (!job.part->open(QIODevice::ReadWrite) || !job.part->seek(job.offset)) {
        const QString error = job.part->errorString();
        job.part.reset();
        fail(id, RecordingDownloads::Error::Disk,
             RecordingDownloads::tr("The recording cannot be saved in the cache folder %1: %2.")
                 .arg(QDir::toNativeSeparators(m_folder), error));
        return;
    }

    QUrl url = m_serverBase;
    QString base = m_serverBase.path(QUrl::FullyEncoded);
    while (base.endsWith(u'/'))
        base.chop(1);
    url.setPath(base + u"/api/v1/recordings/"_qs + QString::fromLatin1(QUrl::toPercentEncoding(id)),
                QUrl::StrictMode);
    QNetworkRequest request(url);
    request.setTransferTimeout(m_transferTimeoutMs);
    // The bytes as the server holds them: a compressed answer would not match the file's size.
    request.setRawHeader("Accept-Encoding", "identity");
    if (!m_accessToken.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_accessToken);
    if (resume) {
        request.setRawHeader("Range", "bytes=" + QByteArray::number(job.offset) + '-');
        request.setRawHeader("If-Range", resumeEtag);
    }
    qCDebug(lcMedia).noquote() << "Downloading recording" << id
                               << (resume ? u"from byte "_qs + QString::number(job.offset)
                                          : u"from the start"_qs);

    job.reply = m_network->get(request);
    job.reply->setReadBufferSize(kReadBufferBytes);
    job.attempt = ++m_attempts;
    job.sinceProgress.start();
    connect(job.reply, &QNetworkReply::readyRead, this, [this, id, attempt = job.attempt] {
        const auto found = m_jobs.find(id);
        if (found != m_jobs.end() && found->second->attempt == attempt)
            readBody(*found->second);
    });
    // Queued, so that a download aborted from inside readBody() is finished from a clean stack
    // rather than while readBody() still holds its Job.
    connect(
        job.reply, &QNetworkReply::finished, this,
        [this, id, attempt = job.attempt] { finishDownload(id, attempt); }, Qt::QueuedConnection);
}

void RecordingDownloadsWorker::readHeaders(Job &job)
{
    job.headersRead = true;
    QNetworkReply *reply = job.reply;
    job.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (job.status != 200 && job.status != 206)
        return;
    job.retryDelayMs = kFirstRetryMs;

    const QString etag = QString::fromLatin1(reply->rawHeader("ETag"));
    if (job.status == 206) {
        const auto [first, total] = parseContentRange(reply->rawHeader("Content-Range"));
        const Entry *entry
            = m_index.contains(job.recording.id) ? &m_index[job.recording.id] : nullptr;
        // Anything but the rest of the same file asked for cannot be appended.
        if (first != job.offset || total < 0 || !entry || entry->etag != etag) {
            qCInfo(lcMedia).noquote() << "Recording" << job.recording.id
                                      << "answered a resume with other bytes; starting again";
            abort(job, Stop::Restart);
            return;
        }
        job.total = total;
    } else {
        // A whole file: a new download, or a resume the server refused because the file changed.
        if (job.offset > 0) {
            qCInfo(lcMedia).noquote()
                << "Recording" << job.recording.id << "changed on the server; downloading it again";
            job.part->resize(0);
            job.part->seek(0);
            job.offset = 0;
            job.received = 0;
        }
        const QVariant length = reply->header(QNetworkRequest::ContentLengthHeader);
        job.total = length.isValid() ? length.toLongLong() : -1;
    }

    if (job.recording.sizeBytes > 0 && job.total >= 0 && job.total != job.recording.sizeBytes) {
        abort(job, Stop::Mismatch);
        return;
    }

    // From here on the .part can be resumed: its ETag is kept in the index.
    Entry &entry = m_index[job.recording.id];
    entry.id = job.recording.id;
    entry.fileName = job.fileName;
    entry.size = job.total >= 0 ? job.total : job.recording.sizeBytes;
    entry.etag = etag;
    entry.complete = false;
    if (entry.used == 0)
        entry.used = ++m_clock;
    job.resumeAllowed = true;
    saveIndex();
    reportProgress(job, true);
}

void RecordingDownloadsWorker::readBody(Job &job)
{
    // A reply the transfer timeout cancelled is closed and has nothing more to read.
    if (!job.reply || !job.reply->isOpen() || job.stop != Stop::None)
        return;
    if (!job.headersRead)
        readHeaders(job);
    if (job.stop != Stop::None)
        return;

    if (job.status != 200 && job.status != 206) {
        // An error's JSON body, kept to read its code; never more than a small one.
        const QByteArray data = job.reply->readAll();
        job.errorBody += data.left(kMaxErrorBodyBytes - job.errorBody.size());
        return;
    }
    const QByteArray data = job.reply->readAll();
    if (data.isEmpty())
        return;
    if (job.part->write(data) != data.size()) {
        job.diskError = job.part->errorString();
        abort(job, Stop::Disk);
        return;
    }
    job.received += data.size();
    reportProgress(job, false);
}

void RecordingDownloadsWorker::reportProgress(Job &job, bool force)
{
    if (!force && job.sinceProgress.elapsed() < kProgressIntervalMs)
        return;
    job.sinceProgress.restart();
    m_owner->deliver([owner = m_owner, id = job.recording.id, received = job.received,
                      total = job.total] { Q_EMIT owner->progress(id, received, total); });
}

void RecordingDownloadsWorker::abort(Job &job, Stop stop)
{
    job.stop = stop;
    if (job.reply)
        job.reply->abort(); // finishDownload() follows through the queue
}

void RecordingDownloadsWorker::stopNow(Job &job)
{
    delete std::exchange(job.retry, nullptr);
    if (QNetworkReply *reply = std::exchange(job.reply, nullptr)) {
        disconnect(reply, nullptr, this, nullptr);
        reply->abort();
        reply->deleteLater();
    }
    closePart(job);
}

void RecordingDownloadsWorker::stopAll()
{
    for (auto &[id, job] : m_jobs)
        stopNow(*job);
    m_jobs.clear();
}

void RecordingDownloadsWorker::closePart(Job &job)
{
    if (!job.part)
        return;
    job.part->close();
    job.part.reset();
    const auto entry = m_index.find(job.recording.id);
    if (entry != m_index.end() && !entry->complete)
        entry->partBytes = job.received;
}

void RecordingDownloadsWorker::finishDownload(const QString &id, quint64 attempt)
{
    const auto found = m_jobs.find(id);
    if (found == m_jobs.end() || found->second->attempt != attempt)
        return;
    Job &job = *found->second;
    QNetworkReply *reply = job.reply;
    if (!reply)
        return;
    reply->deleteLater();
    // What arrived with the end of the answer is read before the answer is judged.
    if (job.stop == Stop::None) {
        if (!job.headersRead)
            readHeaders(job);
        if (job.stop == Stop::None)
            readBody(job);
    }
    job.reply = nullptr;

    const Stop stop = job.stop;
    const QNetworkReply::NetworkError networkError = reply->error();
    const auto &[code, message] = serverError(job.errorBody);
    closePart(job);

    switch (stop) {
    case Stop::Restart:
        job.resumeAllowed = false;
        startDownload(job);
        return;
    case Stop::Mismatch:
        dropFiles(id);
        fail(id, RecordingDownloads::Error::Server,
             RecordingDownloads::tr("The recording has changed on the server since the call was "
                                    "opened; open the call again to play it."));
        return;
    case Stop::Disk:
        dropFiles(id);
        fail(id, RecordingDownloads::Error::Disk,
             RecordingDownloads::tr("The recording cannot be saved in the cache folder %1: %2.")
                 .arg(QDir::toNativeSeparators(m_folder), job.diskError));
        return;
    case Stop::None:
        break;
    }

    if (job.status == 404) {
        dropFiles(id);
        const bool missing = code == u"recording_missing";
        qCInfo(lcMedia).noquote() << "Recording" << id << (missing ? "is missing" : "is unknown")
                                  << "on the server";
        fail(id, missing ? RecordingDownloads::Error::Missing : RecordingDownloads::Error::NotFound,
             missing ? RecordingDownloads::tr("The recording file is missing on the server.")
                     : RecordingDownloads::tr("The server has no such recording; it may have "
                                              "been removed since the call was opened."));
        return;
    }
    if (job.status == 401 || job.status == 403) {
        // Not retried: the same token gets the same answer. What arrived stays for later.
        qCInfo(lcMedia).noquote() << "Recording" << id << "refused by the server:" << job.status;
        fail(id, RecordingDownloads::Error::Server,
             job.status == 401 ? RecordingDownloads::tr("The server did not accept the console's "
                                                        "access token. Ask for a new one.")
                               : RecordingDownloads::tr("The server does not let this user play "
                                                        "this recording."));
        return;
    }
    if (job.status == 416) {
        // The .part is not a beginning of the file any more; start from the first byte.
        job.resumeAllowed = false;
        startDownload(job);
        return;
    }
    if (job.status >= 500) {
        qCWarning(lcMedia).noquote()
            << "Recording" << id << "failed on the server:" << job.status << code << message;
        fail(id, RecordingDownloads::Error::Server,
             RecordingDownloads::tr("The server ran into a problem sending the recording. Try "
                                    "again in a moment."));
        return;
    }
    if (job.status != 0 && job.status != 200 && job.status != 206) {
        qCWarning(lcMedia).noquote() << "Recording" << id << "answered HTTP" << job.status;
        fail(id, RecordingDownloads::Error::Server,
             RecordingDownloads::tr("The server gave an answer the console cannot use for this "
                                    "recording."));
        return;
    }

    if (networkError != QNetworkReply::NoError) {
        // Qt 6.4 reports the transfer timeout as a cancel; this class cancels nothing unmarked.
        const bool timedOut = networkError == QNetworkReply::OperationCanceledError
            || networkError == QNetworkReply::TimeoutError;
        qCInfo(lcMedia).noquote() << "Recording" << id << "stopped at byte" << job.received << "of"
                                  << job.total << ':' << networkError;
        if (timedOut) {
            fail(id, RecordingDownloads::Error::TimedOut,
                 RecordingDownloads::tr("The server stopped sending the recording; the download "
                                        "will go on when it answers again."));
        } else {
            fail(id, RecordingDownloads::Error::Unreachable,
                 RecordingDownloads::tr("The server cannot be reached; the recording will "
                                        "download when it is back."));
        }
        return;
    }
    complete(job);
}

void RecordingDownloadsWorker::complete(Job &job)
{
    const QString id = job.recording.id;
    const qint64 expected = job.recording.sizeBytes;
    if ((job.total >= 0 && job.received != job.total)
        || (expected > 0 && job.received != expected)) {
        qCWarning(lcMedia).noquote()
            << "Recording" << id << "ended at byte" << job.received << "of" << job.total;
        dropFiles(id);
        fail(id, RecordingDownloads::Error::Server,
             RecordingDownloads::tr("The recording arrived incomplete from the server."));
        return;
    }

    const QString path = pathOf(job.fileName);
    QFile::remove(path);
    if (!QFile::rename(partPathOf(id), path)) {
        dropFiles(id);
        fail(id, RecordingDownloads::Error::Disk,
             RecordingDownloads::tr("The recording cannot be saved in the cache folder %1.")
                 .arg(QDir::toNativeSeparators(m_folder)));
        return;
    }

    Entry &entry = m_index[id];
    entry.fileName = job.fileName;
    entry.size = job.received;
    entry.complete = true;
    entry.partBytes = 0;
    entry.used = ++m_clock;
    reportProgress(job, true);
    m_jobs.erase(id);
    qCInfo(lcMedia).noquote() << "Recording" << id << "downloaded:" << entry.size << "bytes";

    // The file just asked for stays, even alone over the cap: it is about to be played.
    evict(m_capBytes, id);
    saveIndex();
    m_owner->deliver([owner = m_owner, id, path] {
        owner->m_complete.insert(id, path);
        Q_EMIT owner->ready(id, path);
    });
}

void RecordingDownloadsWorker::fail(const QString &id, RecordingDownloads::Error error,
                                    const QString &sentence)
{
    const auto found = m_jobs.find(id);
    const bool retried = error == RecordingDownloads::Error::Unreachable
        || error == RecordingDownloads::Error::TimedOut;
    if (found != m_jobs.end()) {
        if (retried)
            scheduleRetry(*found->second);
        else
            m_jobs.erase(found);
    }
    saveIndex();
    m_owner->deliver(
        [owner = m_owner, id, sentence, error] { Q_EMIT owner->failed(id, sentence, error); });
}

void RecordingDownloadsWorker::scheduleRetry(Job &job)
{
    if (!job.retry) {
        job.retry = new QTimer(this);
        job.retry->setSingleShot(true);
        connect(job.retry, &QTimer::timeout, this, [this, id = job.recording.id] {
            const auto found = m_jobs.find(id);
            if (found != m_jobs.end())
                startDownload(*found->second);
        });
    }
    job.retry->start(job.retryDelayMs);
    job.retryDelayMs = std::min(kMaxRetryMs, job.retryDelayMs * 2);
}

void RecordingDownloadsWorker::setServerBase(const QUrl &serverBase)
{
    if (serverBase == m_serverBase)
        return;
    m_serverBase = serverBase;
    // Downloads under way (or waiting to retry) go on from the new address at once; what
    // arrived is resumed there only if its ETag still matches, as after any interruption.
    for (auto &[id, job] : m_jobs) {
        stopNow(*job);
        job->retryDelayMs = kFirstRetryMs;
        startDownload(*job);
    }
    qCInfo(lcMedia) << "Recordings are fetched from a new server address now;" << m_jobs.size()
                    << "download(s) moved there";
    saveIndex();
}

void RecordingDownloadsWorker::cancel(const QString &id)
{
    const auto found = m_jobs.find(id);
    if (found == m_jobs.end())
        return;
    stopNow(*found->second);
    qCInfo(lcMedia).noquote() << "Download of recording" << id << "cancelled at byte"
                              << found->second->received;
    m_jobs.erase(found);
    saveIndex();
}

void RecordingDownloadsWorker::dropFiles(const QString &id)
{
    const auto entry = m_index.constFind(id);
    if (entry != m_index.cend() && entry->complete) {
        QFile::remove(pathOf(entry->fileName));
        m_owner->deliver([owner = m_owner, id] {
            owner->m_complete.remove(id);
            Q_EMIT owner->evicted(id);
        });
    }
    QFile::remove(partPathOf(id));
    m_index.remove(id);
}

qint64 RecordingDownloadsWorker::bytesOnDisk() const
{
    qint64 total = 0;
    for (const Entry &entry : std::as_const(m_index)) {
        const auto job = m_jobs.find(entry.id);
        if (job != m_jobs.end() && job->second->part)
            total += job->second->received;
        else
            total += entry.complete ? entry.size : entry.partBytes;
    }
    return total;
}

void RecordingDownloadsWorker::evict(qint64 capBytes, const QString &alsoKeep)
{
    qint64 total = bytesOnDisk();
    if (total <= capBytes)
        return;

    // Least recently played (or downloaded) first.
    QList<Entry> candidates;
    for (const Entry &entry : std::as_const(m_index)) {
        if (entry.id != m_playing && entry.id != alsoKeep && m_jobs.find(entry.id) == m_jobs.end())
            candidates.append(entry);
    }
    std::sort(candidates.begin(), candidates.end(),
              [](const Entry &a, const Entry &b) { return a.used < b.used; });
    qsizetype evicted = 0;
    for (const Entry &entry : std::as_const(candidates)) {
        if (total <= capBytes)
            break;
        total -= entry.complete ? entry.size : entry.partBytes;
        dropFiles(entry.id);
        ++evicted;
    }
    if (evicted > 0) {
        qCInfo(lcMedia).noquote() << "Evicted" << evicted << "recordings to stay under" << capBytes
                                  << "bytes;" << total << "bytes remain";
        saveIndex();
    }
}

void RecordingDownloadsWorker::markPlayed(const QString &id)
{
    m_playing = id;
    const auto entry = m_index.find(id);
    if (entry == m_index.end())
        return;
    entry->used = ++m_clock;
    entry->lastPlayedMs = QDateTime::currentMSecsSinceEpoch();
    saveIndex();
}

void RecordingDownloadsWorker::setCapBytes(qint64 capBytes)
{
    m_capBytes = capBytes;
    evict(m_capBytes);
}

void RecordingDownloadsWorker::clear()
{
    stopAll();
    const QStringList cached = m_index.keys();
    for (const QString &id : cached) {
        if (id != m_playing)
            dropFiles(id);
    }
    saveIndex();
    qCInfo(lcMedia) << "Recordings cache cleared";
}

void RecordingDownloadsWorker::shutDown()
{
    stopAll();
    saveIndex();
}

RecordingDownloads::RecordingDownloads(const QUrl &serverBase, const QString &cacheFolder,
                                       qint64 capBytes, QObject *parent)
    : QObject(parent)
    , m_cacheFolder(cacheFolder)
    , m_capBytes(capBytes)
    , m_thread(new QThread(this))
    , m_worker(new RecordingDownloadsWorker(this, serverBase, cacheFolder, capBytes))
{
    m_thread->setObjectName(u"crn-recordings"_qs);
    m_worker->moveToThread(m_thread);
    // The worker's network manager and files must be destroyed on their own thread.
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread->start();
    post([](RecordingDownloadsWorker &worker) { worker.start(); });
}

RecordingDownloads::~RecordingDownloads()
{
    // Through the worker's queue, so that jobs posted before still run first.
    post([thread = m_thread](RecordingDownloadsWorker &worker) {
        worker.shutDown();
        thread->quit();
    });
    m_thread->wait();
}

void RecordingDownloads::post(std::function<void(RecordingDownloadsWorker &)> job)
{
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, job = std::move(job)] { job(*worker); },
        Qt::QueuedConnection);
}

void RecordingDownloads::deliver(std::function<void()> job)
{
    // The destructor waits for the worker, so this object outlives every call made here; what
    // is still queued when it dies is discarded with it.
    QMetaObject::invokeMethod(this, std::move(job), Qt::QueuedConnection);
}

void RecordingDownloads::request(const Recording &recording)
{
    post([recording](RecordingDownloadsWorker &worker) { worker.request(recording); });
}

void RecordingDownloads::cancel(const QString &id)
{
    post([id](RecordingDownloadsWorker &worker) { worker.cancel(id); });
}

void RecordingDownloads::markPlayed(const QString &id)
{
    post([id](RecordingDownloadsWorker &worker) { worker.markPlayed(id); });
}

void RecordingDownloads::setCapBytes(qint64 capBytes)
{
    m_capBytes = capBytes;
    post([capBytes](RecordingDownloadsWorker &worker) { worker.setCapBytes(capBytes); });
}

void RecordingDownloads::clear()
{
    post([](RecordingDownloadsWorker &worker) { worker.clear(); });
}

void RecordingDownloads::setServerBase(const QUrl &serverBase)
{
    post([serverBase](RecordingDownloadsWorker &worker) { worker.setServerBase(serverBase); });
}

void RecordingDownloads::setAccessToken(const QByteArray &token)
{
    post([token](RecordingDownloadsWorker &worker) { worker.setAccessToken(token); });
}

void RecordingDownloads::setTransferTimeoutMs(int milliseconds)
{
    post([milliseconds](RecordingDownloadsWorker &worker) {
        worker.setTransferTimeoutMs(milliseconds);
    });
}
