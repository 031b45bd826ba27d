#pragma once

#include "cache/callcache.h"

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
    static constexpr int kSchemaVersion = 1;

    CacheWorker();
    ~CacheWorker() override;

    // Opens or creates the file; a damaged file is moved aside first (see takeResetSentence).
    bool open(const QString &filePath);
    bool isOpen() const { return m_open; }

    std::optional<CachedCall> lookup(const QString &normalizedKey);
    bool store(const Call &call, const QDateTime &fetchedAt);
    QList<CachedSummary> recent(int count);

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

private:
    enum class OpenResult { Ready, Damaged, Newer, Failed };

    OpenResult openConnection(const QString &filePath);
    void closeConnection();
    QString moveAside(const QString &filePath);
    bool migrate();
    bool fail(const QString &sentence, const QString &why);

    QString m_connectionName;
    QString m_resetSentence;
    QString m_problem;
    std::function<void()> m_probe;
    bool m_open = false;
};
