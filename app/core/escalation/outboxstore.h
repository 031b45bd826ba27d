#pragma once

#include "escalation/outbox.h"

#include "storage/localdatabase.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

#include <optional>

// The outbox's SQLite file: one row per submitted escalation. Private to the escalation folder;
// synchronous, and used only on the outbox's worker thread (the connection belongs to it).
// Every write is one statement or one transaction, committed with synchronous=FULL before the
// method returns, so a state the caller reports is already durable. Failures are logged and
// leave a sentence in takeProblem(); a write that failed returns nothing.
class OutboxStore
{
    Q_DECLARE_TR_FUNCTIONS(OutboxStore)

public:
    // 1: the items table.
    static constexpr int kSchemaVersion = 1;

    OutboxStore();
    ~OutboxStore();
    OutboxStore(const OutboxStore &) = delete;
    OutboxStore &operator=(const OutboxStore &) = delete;

    // Opens or creates the file; a damaged file (or one from a newer console) is moved aside
    // first and a new one started (see takeResetSentence).
    bool open(const QString &filePath);
    bool isOpen() const { return m_open; }

    // Items left Sending by a process that ended mid-request go back to Queued, due now, with
    // their key. Returns how many.
    int requeueInterrupted(const QDateTime &now);
    // Every item, newest first.
    QList<OutboxItem> all();
    std::optional<OutboxItem> item(qint64 id);

    std::optional<OutboxItem> insert(const QString &key, const QByteArray &body, const QString &crn,
                                     const QString &summary, const QDateTime &now);
    // Queued items due by now, oldest first, at most limit.
    QList<OutboxItem> due(const QDateTime &now, int limit);
    // When the next Queued item falls due, if any is queued.
    std::optional<QDateTime> nextDue();
    // Every Queued item due now; returns them.
    QList<OutboxItem> makeAllDue(const QDateTime &now);

    // Queued -> Sending, one more attempt counted.
    std::optional<OutboxItem> markSending(qint64 id, const QDateTime &now);
    std::optional<OutboxItem> markQueued(qint64 id, const QDateTime &nextAttempt,
                                         const QString &error, const QDateTime &now);
    std::optional<OutboxItem> markSent(qint64 id, const QString &escalationId,
                                       const QDateTime &now);
    std::optional<OutboxItem> markFailed(qint64 id, const QString &error,
                                         const QMap<QString, QString> &fields,
                                         const QDateTime &now);
    // Failed -> Queued with a new body and key, attempts and errors cleared.
    std::optional<OutboxItem> resubmit(qint64 id, const QString &key, const QByteArray &body,
                                       const QDateTime &now);
    // Failed items only; whether one was removed.
    bool discard(qint64 id);

    // The sentence for problem() after open() set a damaged file aside, once.
    QString takeResetSentence() { return std::exchange(m_resetSentence, {}); }
    // The sentence for problem() after a failure, once.
    QString takeProblem() { return std::exchange(m_problem, {}); }

private:
    bool migrate();
    bool fail(const QString &sentence, const QString &why);
    // Runs an UPDATE on one item and reads the item back.
    std::optional<OutboxItem> update(qint64 id, const QString &statement,
                                     const QVariantList &values);
    QList<OutboxItem> select(const QString &where, const QVariantList &values);

    LocalDatabase m_db;
    QString m_resetSentence;
    QString m_problem;
    bool m_open = false;
};
