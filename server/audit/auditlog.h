#pragma once

#include "access/caller.h"
#include "model/timestamp.h"

#include <QList>
#include <QMutex>
#include <QSqlDatabase>
#include <QString>
#include <QTimer>

#include <memory>
#include <optional>

// What an audit row says was done, as AuditEntry.action in docs/api.yaml.
enum class AuditAction {
    CallViewed,
    RecordingDownloaded,
    RecordingPlayed,
    EscalationCreated,
    EscalationStatusChanged,
    EscalationCommented,
};

// "call_viewed", "recording_downloaded", ...: the words of the API and the CSV export.
QString auditActionName(AuditAction action);
std::optional<AuditAction> auditActionFromName(QStringView name);

// What an action was done to; empty fields do not apply.
struct AuditTarget
{
    QString crn;
    QString recordingId;
    QString escalationId;
    QString detail; // "bytes=0-1048575", "12.0-32.0 s", "open -> acknowledged"
};

struct AuditEntry
{
    qint64 id = 0;
    Timestamp at;
    QString user;
    Role role = Role::Agent;
    AuditAction action = AuditAction::CallViewed;
    AuditTarget target;
};

// Which rows entries() reads: every set part narrows them; oldest first, after afterId.
struct AuditQuery
{
    Timestamp from; // inclusive; invalid when open
    Timestamp to; // exclusive; invalid when open
    QString user;
    std::optional<AuditAction> action;
    qint64 afterId = 0; // the cursor: the id of the last row already read
    int limit = 100; // 0: no limit (the CSV export)
};

// The rows that the AuditLogs of several threads over one database have recorded and none has
// written yet. Whichever log flushes takes them all, so that a read through any thread's log
// sees what every thread recorded. Thread-safe.
struct AuditQueue
{
    QMutex pendingMutex; // guards pending
    QList<AuditEntry> pending;
    QMutex writeMutex; // held while rows taken from pending are written
};

// The audit log: who did what and when, in the table audit_log of the call database (the
// "audit" component of applyMigrations; SQLite and PostgreSQL).
//
// record() only queues the row, stamped with the time of the call, so that answering a request
// costs no write of its own: the queue is written in one transaction shortly after (kBatchMs,
// on this thread's event loop), before any read through entries(), and when the log is
// destroyed. A failed write is logged as a warning and the rows stay queued for the next
// attempt. Row ids grow in the order rows become visible, also with several servers on one
// PostgreSQL database, so that a reader's cursor (the last id read) never passes a row that
// is committed later. Lives on the thread of the connection, which it does not own; logs on
// other threads, each with its own connection, share their rows through one AuditQueue.
class AuditLog
{
public:
    static constexpr int kBatchMs = 10;

    // queue null: a queue of this log's own.
    explicit AuditLog(QSqlDatabase database, std::shared_ptr<AuditQueue> queue = nullptr);
    ~AuditLog();
    AuditLog(const AuditLog &) = delete;
    AuditLog &operator=(const AuditLog &) = delete;

    // Creates or updates the audit table.
    bool migrate(QString *error);

    void record(const Caller &caller, AuditAction action, const AuditTarget &target);
    // Writes the queued rows now; false with *error when the database refuses them.
    bool flush(QString *error = nullptr);

    // Flushes first. Empty optional with *error when the database fails.
    std::optional<QList<AuditEntry>> entries(const AuditQuery &query, QString *error);

private:
    QSqlDatabase m_database;
    std::shared_ptr<AuditQueue> m_queue;
    QTimer m_flushTimer;
};

// The rows as RFC 4180 CSV: a header row (id, at, user, role, action, crn, recording_id,
// escalation_id, detail), UTF-8, CRLF line ends; what `crn-server audit export` writes.
QByteArray auditCsv(const QList<AuditEntry> &entries);
