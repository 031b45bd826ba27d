#pragma once

#include "model/timestamp.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <memory>
#include <optional>

// One entry of an escalation's history (docs/api.yaml, EscalationChange).
struct StoredEscalationChange
{
    Timestamp at;
    QString by;
    QString action; // "created", "status_changed" or "commented"
    QString fromStatus; // status_changed only
    QString toStatus; // created and status_changed
    QString comment; // commented only

    QJsonObject toJson() const;
};

// An escalation as stored: the request's fields (with the call's canonical CRN and the summary
// trimmed) and what the server adds.
struct StoredEscalation
{
    QString id;
    QString crn;
    QString status; // "open", "acknowledged" or "resolved"
    QString team;
    QString author;
    Timestamp created;
    Timestamp due;
    Timestamp updated;
    QJsonObject fields; // category, priority, team, summary, description, callback_number, evidence
    QList<StoredEscalationChange> history; // oldest first

    // The API's Escalation object.
    QJsonObject toJson() const;
};

struct EscalationListQuery
{
    QString crn; // canonical; empty: every call
    QString status;
    QString team;
    // Agents see only escalations on calls with this agent key (CrnText's normal form); empty:
    // every call.
    QString visibleToAgent;
    int limit = 50;
    QString cursor;
};

struct EscalationListPage
{
    QList<StoredEscalation> escalations; // newest first
    QString nextCursor; // empty on the last page
};

// The escalations and their history, in two tables of the call database (component
// "escalations" of applyMigrations), written so that the same statements run on SQLite and
// PostgreSQL. Concurrency rests on the database: the UNIQUE idempotency key makes one row of
// any number of simultaneous creations with one key, across processes; a status change is a
// compare-and-set on the row, which also serialises the history's positions.
//
// Uses the connection it is given, on the thread that owns it. Failures come back as results
// or empty optionals; errorString() says why in a sentence (and the log has it).
class EscalationStore
{
public:
    enum class CreateResult { Created, Repeated, KeyConflict, Failed };
    enum class UpdateResult { Updated, Unchanged, NotFound, InvalidTransition, Failed };
    enum class ListError { None, BadCursor, Database };

    static constexpr int kMaxListLimit = 500;

    // Migrates the tables in database; null with a sentence in *error when that fails.
    static std::unique_ptr<EscalationStore> open(QSqlDatabase database, QString *error);

    // "esc_" and 16 base32 characters from the system's random source.
    static QString newId();
    // Whether docs/api.yaml lets an escalation move from one status to another (a different
    // one: asking for the same status is no move).
    static bool transitionAllowed(QStringView from, QStringView to);
    static bool isStatus(QStringView status);

    // Creates the escalation under its idempotency key, together with its "created" history
    // row, unless the key is taken: then *stored is the escalation the key made, and the answer
    // is Repeated when it was made from the same request (same requestSha256) or KeyConflict.
    CreateResult create(const StoredEscalation &escalation, const QString &idempotencyKey,
                        const QByteArray &requestSha256, StoredEscalation *stored);
    // The escalation a key made, if any, and the hash of its request.
    std::optional<StoredEscalation> findByKey(const QString &idempotencyKey,
                                              QByteArray *requestSha256, bool *failed);
    std::optional<StoredEscalation> find(const QString &id, bool *failed);

    // Moves the escalation to status (when set and different) and adds the comment (when not
    // empty), each as one history row by `by` at `at`. *result is the escalation afterwards;
    // on InvalidTransition it is the escalation as it is. *changes gets the rows added.
    UpdateResult update(const QString &id, const std::optional<QString> &status,
                        const QString &comment, const QString &by, Timestamp at,
                        StoredEscalation *result, QList<StoredEscalationChange> *changes = nullptr);

    EscalationListPage list(const EscalationListQuery &query, ListError *error);

    // Whether the call carries this agent key (CrnText's normal form) among the keys the call
    // store found it by: the calls an agent took part in.
    bool callHasAgent(const QString &crn, const QString &agentKey, bool *failed);

    QString errorString() const { return m_errorString; }

private:
    explicit EscalationStore(QSqlDatabase database);
    bool fail(const QString &what, const QString &why);
    bool loadHistory(QList<StoredEscalation> *escalations);
    // The escalation whose column (id or idempotency_key, never from a request) holds value,
    // and the SHA-256 of the request that created it when requestSha256 is given.
    std::optional<StoredEscalation> findOne(const QString &column, const QString &value,
                                            QByteArray *requestSha256, bool *failed);

    QSqlDatabase m_database;
    QString m_errorString;
};
