#pragma once

#include "cache/callcache.h"

#include "storage/localdatabase.h"

#include <QObject>
#include <QSqlDatabase>
#include <QString>

#include <functional>
#include <optional>

// CallCache's half on the worker thread: owns the SQLite connection and does the SQL. Private to
// the cache folder; every method is synchronous and must run on the thread the worker was moved
// to (the connection belongs to it). Failures are logged and leave a sentence in
// takeProblem() for CallCache to report.
class CacheWorker : public QObject
{
    Q_OBJECT

public:
    // 1: calls and their keys. 2: each call's ETag, size and when the server last confirmed it.
    static constexpr int kSchemaVersion = 2;

    CacheWorker();
    ~CacheWorker() override;

    // Opens or creates the file; a damaged file is moved aside first (see takeResetSentence).
    bool open(const QString &filePath);
    bool isOpen() const { return m_open; }

    // Reads the call without writing: the supervisor is waiting for the answer, and marking
    // it opened (markOpened) can follow once it is on its way.
    std::optional<CachedCall> lookup(const QString &normalizedKey);
    void markOpened(const QString &crn, const QDateTime &openedAt);
    bool store(const Call &call, const QString &etag, const QDateTime &fetchedAt);
    // Whether the call with this CRN was in the cache to be marked.
    bool confirm(const QString &crn, const QString &etag, const QDateTime &checkedAt);
    QList<CachedSummary> recent(int count);
    CacheUsage usage();
    bool clear();

    // 0 lifts a limit. Takes effect at the next enforceLimits().
    void setLimits(qint64 maxBytes, int maxAgeDays);
    // Drops the calls not opened within the age limit, then the least recently opened ones
    // until the rest fit the size cap. Returns how many calls were dropped.
    int enforceLimits();

    // The sentence for cacheReset() after open() set a damaged file aside, once.
    QString takeResetSentence() { return std::exchange(m_resetSentence, {}); }
    // The sentence for errorOccurred() after a failure, once.
    QString takeProblem() { return std::exchange(m_problem, {}); }

    void setProbe(std::function<void()> probe) { m_probe = std::move(probe); }
    void runProbe() const
    {
        if (m_probe)
            m_probe();
    }
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }

private:
    bool migrate();
    bool fail(const QString &sentence, const QString &why);
    qint64 nowMs() const;
    int evict(const QString &statement, qint64 bound, const char *reason);

    LocalDatabase m_db;
    QString m_resetSentence;
    QString m_problem;
    std::function<void()> m_probe;
    std::function<QDateTime()> m_clock;
    qint64 m_maxBytes = 0;
    int m_maxAgeDays = 0;
    bool m_open = false;
};
