#pragma once

#include "model/call.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <QUrl>

#include <functional>

class QThread;
class RecordingDownloadsWorker;

// The console's local copies of recordings: downloads them from crn-server
// (/api/v1/recordings/{id}) into a cache folder, so that the player reads local files (GStreamer
// cannot seek Ogg/Opus over http), and keeps that folder under a size cap.
//
// Lives on the UI thread, but owns a worker thread of its own where the network, the files and
// the index are handled: nothing here touches the disk or the network on the calling thread.
// A download is written to "<id>.part" and renamed when its size equals both the server's and
// the one the call listed; one cut short (cancel(), a dropped connection, a stalled server)
// resumes with "Range: bytes=N-" and "If-Range: <ETag>", and starts again from the first byte if
// the file changed on the server. The cache evicts the least recently played recordings first,
// never the one being played or downloaded. The index (id, size, ETag, last played) is a JSON
// file beside the recordings, written atomically; one that cannot be read is rebuilt from the
// files present.
//
// Each request() ends with ready() or failed(); failed() with Unreachable or TimedOut is not
// final: the download is tried again after a pause (1 s, doubling up to 1 min) until it
// completes or is cancelled. Sentences are for a supervisor and never name HTTP codes.
class RecordingDownloads : public QObject
{
    Q_OBJECT

public:
    enum class Error {
        NotFound, // the server knows no recording with this id
        Missing, // the server lists the recording, but its file is gone
        Unreachable, // no connection, or it dropped; retried
        TimedOut, // the server stopped sending; retried
        Server, // the server failed, or answered something the console cannot use
        Disk, // the cache folder cannot be written
    };
    Q_ENUM(Error)

    static constexpr qint64 kDefaultCapBytes = Q_INT64_C(2) * 1024 * 1024 * 1024;
    static constexpr int kDefaultTransferTimeoutMs = 15'000;

    // serverBase is the server's root, e.g. http://127.0.0.1:8470. cacheFolder is created if
    // needed and should hold nothing else.
    RecordingDownloads(const QUrl &serverBase, const QString &cacheFolder,
                       qint64 capBytes = kDefaultCapBytes, QObject *parent = nullptr);
    // Downloads in progress are stopped; their .part files stay to be resumed next time.
    ~RecordingDownloads() override;

    QString cacheFolder() const { return m_cacheFolder; }
    qint64 capBytes() const { return m_capBytes; }
    // Whether the index has been read; until then localPath() knows nothing.
    bool isIndexLoaded() const { return m_indexLoaded; }
    // Where the network, file and index work happens; tests use it to pause that work.
    QThread *workerThread() const { return m_thread; }

    // Downloads the recording unless a complete copy of its size is cached; either way ends in
    // ready() or failed(). Asking again while it downloads changes nothing.
    void request(const Recording &recording);
    // The local file of a completely downloaded recording, or an empty string. Answered from
    // memory.
    QString localPath(const QString &id) const { return m_complete.value(id); }
    // Stops a download; what arrived stays and is resumed by the next request().
    void cancel(const QString &id);
    // The recording is being played from now on: it is the most recently played and is never
    // evicted, until another one is marked.
    void markPlayed(const QString &id);
    // Evicts at once if the cache is now over the cap.
    void setCapBytes(qint64 capBytes);
    // Stops every download and deletes every cached file but the one being played.
    void clear();
    // How long a download may receive nothing before it is given up as TimedOut.
    void setTransferTimeoutMs(int milliseconds);
    // The bearer token sent as Authorization with every download from now on; empty sends none.
    // Never logged nor put in a sentence.
    void setAccessToken(const QByteArray &token);
    // The server's root from now on (Connection… chose another address). Downloads under way
    // start again there at once, resuming what arrived; the cached files stay.
    void setServerBase(const QUrl &serverBase);

Q_SIGNALS:
    void indexLoaded();
    // totalBytes is -1 while the server has not said.
    void progress(const QString &id, qint64 receivedBytes, qint64 totalBytes);
    void ready(const QString &id, const QString &localPath);
    void failed(const QString &id, const QString &sentence, RecordingDownloads::Error error);
    // A cached copy was deleted to stay under the cap, or by clear().
    void evicted(const QString &id);

private:
    friend class RecordingDownloadsWorker;

    // From the worker thread: run deliver on this object's thread.
    void post(std::function<void(RecordingDownloadsWorker &)> job);
    void deliver(std::function<void()> job);

    QString m_cacheFolder;
    qint64 m_capBytes;
    QThread *m_thread;
    RecordingDownloadsWorker *m_worker;
    QHash<QString, QString> m_complete; // id -> local path, mirrored from the worker
    bool m_indexLoaded = false;
};
