#pragma once

#include "model/call.h"

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>
#include <optional>

class CacheWorker;
class QThread;

// A call as the cache holds it: the server's copy, its validator and how old it is.
struct CachedCall
{
    Call call;
    QString etag; // the server's ETag for this copy; empty for copies from before ETags
    QDateTime fetchedAt; // UTC: when this copy came from the server
    QDateTime lastOpened; // UTC
    // UTC: when the server last said this copy was current (fetchedAt, or a later 304). The
    // copy's age, as the console shows it, counts from here.
    QDateTime checkedAt;
};

struct CachedSummary
{
    CallSummary summary;
    QDateTime fetchedAt; // UTC
    QDateTime lastOpened; // UTC
    QDateTime checkedAt; // UTC
};

// How much the cache holds; bytes is what counts against the size cap: the calls' JSON text.
// The file is somewhat larger (SQLite's pages and indexes, and a write-ahead log of up to about
// 4 MB between checkpoints).
struct CacheUsage
{
    qint64 calls = 0;
    qint64 bytes = 0;
};

// The console's local copy of every call it has fetched, so that a call opened before is shown
// at once and still shown when the server cannot be reached.
//
// Owns a worker thread, and the SQLite file (calls.sqlite in QStandardPaths::CacheLocation) is
// opened, read and written only there: the calling thread never touches the disk. Calls return
// at once; jobs run in the order they were made, and each answer arrives on the cache's thread
// through the callback, unless the context object given with it has been destroyed by then.
// A file that is not a readable SQLite database (garbage, cut short) is moved aside and a fresh
// cache started; cacheReset() says so in a sentence. Other failures are logged, reported by
// errorOccurred() and answered as "not cached", so the console keeps working from the server
// alone. The cache keeps to a size cap and an age limit (setLimits; the defaults until then),
// enforced on the worker thread when it opens, when the limits change and after every store:
// calls not opened within the age limit go, then the least recently opened until the rest fit.
// Jobs still queued when the cache is destroyed are finished first (their answers dropped).
class CallCache : public QObject
{
    Q_OBJECT

public:
    using LookupCallback = std::function<void(const std::optional<CachedCall> &)>;
    using StoreCallback = std::function<void(bool stored)>;
    using RecentCallback = std::function<void(const QList<CachedSummary> &)>;
    using UsageCallback = std::function<void(const CacheUsage &)>;
    using LimitsCallback = std::function<void(int evicted)>;

    // The same as ConsoleSettings' defaults, so a cache nobody configured stays bounded.
    static constexpr qint64 kDefaultMaxBytes = 200LL * 1024 * 1024;
    static constexpr int kDefaultMaxAgeDays = 30;

    // The file at defaultFilePath().
    explicit CallCache(QObject *parent = nullptr);
    explicit CallCache(const QString &filePath, QObject *parent = nullptr);
    ~CallCache() override;

    // <QStandardPaths::CacheLocation>/calls.sqlite
    static QString defaultFilePath();
    QString filePath() const { return m_filePath; }
    QThread *workerThread() const { return m_thread; }

    // The call whose CRN or leg id is text in any pasted form (see CrnText), or nothing.
    // A call found counts as opened now for recent().
    void lookup(const QString &text, QObject *context, LookupCallback done);
    // Inserts or replaces the call and the keys it is found by; it counts as opened now and as
    // confirmed at fetchedAt. etag is the server's validator for this copy ("" if none).
    void store(const Call &call, const QDateTime &fetchedAt, const QString &etag = {},
               QObject *context = nullptr, StoreCallback done = {});
    // The server said the cached copy of crn is still current at checkedAt (a 304, or the same
    // document again); etag replaces the stored one unless empty. done(false): not cached.
    void confirm(const QString &crn, const QString &etag, const QDateTime &checkedAt,
                 QObject *context = nullptr, StoreCallback done = {});
    // The count most recently opened calls, newest first.
    void recent(int count, QObject *context, RecentCallback done);
    // How many calls and bytes the cache holds now.
    void usage(QObject *context, UsageCallback done);

    // maxBytes: the size cap (see CacheUsage::bytes); maxAgeDays: calls not opened for longer
    // are dropped. 0 lifts a limit. Enforced at once; done says how many calls were dropped.
    void setLimits(qint64 maxBytes, int maxAgeDays, QObject *context = nullptr,
                   LimitsCallback done = {});
    // Drops every cached call and compacts the file; cleared() follows on success.
    void clear(QObject *context = nullptr, StoreCallback done = {});

    // Runs probe on the worker thread at the start of every later job; tests use it to see
    // where the work happens.
    void setWorkerProbe(std::function<void()> probe);
    // Later jobs take "now" (opened, checked, the age limit) from clock instead of the system
    // clock; tests use it to age calls by days. Called on the worker thread.
    void setClock(std::function<QDateTime()> clock);

Q_SIGNALS:
    // The file was damaged (or written by a newer console) and set aside; a sentence for the
    // supervisor that names the file kept.
    void cacheReset(const QString &sentence);
    // The cache cannot be opened or written; the console goes on without it.
    void errorOccurred(const QString &sentence);
    void callStored(const CallSummary &summary);
    // Calls dropped to keep to the size cap and age limit.
    void callsEvicted(int count);
    // clear() emptied the cache.
    void cleared();

private:
    void post(std::function<void(CacheWorker &)> job);
    // From the worker thread: run deliver on this object's thread, if context still lives.
    void answer(bool hasContext, const QPointer<QObject> &context, std::function<void()> deliver);
    // From the worker thread: errorOccurred(problem) on this object's thread, if there is one.
    void report(const QString &problem);
    // From the worker thread: after work that may have dropped calls.
    void reportEvicted(int count);

    QString m_filePath;
    QThread *m_thread;
    CacheWorker *m_worker;
};
