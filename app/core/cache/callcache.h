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

// A call as the cache holds it: the server's copy and when it left the server.
struct CachedCall
{
    Call call;
    QDateTime fetchedAt; // UTC
    QDateTime lastOpened; // UTC
};

struct CachedSummary
{
    CallSummary summary;
    QDateTime fetchedAt; // UTC
    QDateTime lastOpened; // UTC
};

// The console's local copy of every call it has fetched, so that a call opened before is shown
// at once and still shown when the server cannot be reached.
//
// Owns a worker thread, and the SQLite file (calls.sqlite in QStandardPaths::CacheLocation) is
// opened, read and written only there: the calling thread never touches the disk. Calls return
// at once; jobs run in the order they were made, and each answer arrives on the cache's thread
// through the callback, unless the context object given with it has been destroyed by then.
// A file that is not a readable SQLite database is moved aside and a fresh cache started;
// cacheReset() says so in a sentence. Other failures are logged, reported by errorOccurred()
// and answered as "not cached", so the console keeps working from the server alone.
// Jobs still queued when the cache is destroyed are finished first (their answers dropped).
class CallCache : public QObject
{
    Q_OBJECT

public:
    using LookupCallback = std::function<void(const std::optional<CachedCall> &)>;
    using StoreCallback = std::function<void(bool stored)>;
    using RecentCallback = std::function<void(const QList<CachedSummary> &)>;

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
    // Inserts or replaces the call and the keys it is found by; it counts as opened now.
    void store(const Call &call, const QDateTime &fetchedAt, QObject *context = nullptr,
               StoreCallback done = {});
    // The count most recently opened calls, newest first.
    void recent(int count, QObject *context, RecentCallback done);

    // Runs probe on the worker thread at the start of every later job; tests use it to see
    // where the work happens.
    void setWorkerProbe(std::function<void()> probe);

Q_SIGNALS:
    // The file was damaged (or written by a newer console) and set aside; a sentence for the
    // supervisor that names the file kept.
    void cacheReset(const QString &sentence);
    // The cache cannot be opened or written; the console goes on without it.
    void errorOccurred(const QString &sentence);
    void callStored(const CallSummary &summary);

private:
    void post(std::function<void(CacheWorker &)> job);
    // From the worker thread: run deliver on this object's thread, if context still lives.
    void answer(bool hasContext, const QPointer<QObject> &context, std::function<void()> deliver);
    // From the worker thread: errorOccurred(problem) on this object's thread, if there is one.
    void report(const QString &problem);

    QString m_filePath;
    QThread *m_thread;
    CacheWorker *m_worker;
};
