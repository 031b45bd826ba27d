#pragma once

#include "model/call.h"

#include <QSqlDatabase>
#include <QString>

#include <memory>
#include <optional>

// What a search asks for. Text matches a CRN or leg id (exact or prefix, after
// CrnText::normalized), the digits of a phone number, an agent or a queue (prefix, any case).
struct SearchQuery
{
    QString text;
    Timestamp from; // inclusive; invalid when open
    Timestamp to; // exclusive; invalid when open
    int limit = 50;
    QString cursor; // opaque, from the previous page's nextCursor
};

struct SearchPage
{
    QList<CallSummary> calls; // newest first
    QString nextCursor; // empty on the last page
};

// A call turned into what the store writes: its JSON and the keys it can be found by.
// CallStore::prepareCall builds it without touching the database, so the importer can prepare
// calls on worker threads and save them on the store's thread.
struct PreparedCall
{
    QString crn;
    QString crnKey;
    qint64 startUs = 0;
    QByteArray summary; // JSON, UTF-8: written to SQLite as it is, without a UTF-16 detour
    QByteArray document; // JSON, UTF-8
    QList<std::pair<QString, QString>> keys; // (kind, normalized key)
};

// Where a recording's file is and what serving it needs. The call's document describes the
// recording to clients; this row is the server's own and never leaves it.
struct StoredRecording
{
    QString id;
    QString crn; // empty while no call is known for it
    QString path; // relative to the recordings folder, '/'-separated
    qint64 sizeBytes = 0;
    qint64 modifiedUs = 0; // the file's modification time when it was imported
    QString contentType;
};

// The server's call database: one row per call with its whole JSON document, plus the keys a
// call can be found by (its CRN, every leg id, numbers, agents, queues).
//
// Owns one named QSqlDatabase connection and must be used from the thread that opened it.
// Methods report failure through their return value; errorString() says why in a sentence.
class CallStore
{
public:
    enum class SearchError { None, BadCursor, Database };

    static constexpr int kMaxSearchLimit = 500;

    ~CallStore();
    CallStore(const CallStore &) = delete;
    CallStore &operator=(const CallStore &) = delete;

    // Opens (creating and migrating as needed) the SQLite database at path.
    static std::unique_ptr<CallStore> open(const QString &path, QString *error);

    // Inserts or replaces the calls and all their search keys in one transaction.
    bool saveCalls(const QList<Call> &calls);
    // Pure and thread-safe: the rows saveCalls would write for this call.
    static PreparedCall prepareCall(const Call &call);
    // saveCalls for calls prepared elsewhere, in one transaction.
    bool savePreparedCalls(const QList<PreparedCall> &calls);
    // Deletes these calls and their search keys in one transaction; unknown CRNs are ignored.
    // The importer uses it when a call turns out to be part of an older one.
    bool removeCalls(const QStringList &crns);

    // Finds a call by its CRN or by any of its legs' ids, in any of the forms CrnText folds.
    std::optional<Call> findCall(QStringView crnOrLegId);
    // The canonical CRN of the call that owns this CRN or leg id, or an empty string.
    QString resolveCrn(QStringView crnOrLegId);

    // Inserts or updates recordings by id, in one transaction.
    bool saveRecordings(const QList<StoredRecording> &recordings);
    std::optional<StoredRecording> findRecording(QStringView id);

    // Small named values the store keeps for its commands, e.g. "recordings_root". An unknown
    // name reads as an empty string.
    QString setting(const QString &name);
    bool setSetting(const QString &name, const QString &value);

    SearchPage search(const SearchQuery &query, SearchError *error = nullptr);
    qint64 callCount();

    // For the importer's own tables, which live in the same file.
    QSqlDatabase database() const;
    QString errorString() const { return m_errorString; }

private:
    explicit CallStore(const QString &connectionName);
    bool migrate();
    bool fail(const QString &what, const QString &why);

    QString m_connectionName;
    QString m_errorString;
};
