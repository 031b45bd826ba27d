#pragma once

#include "model/call.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

#include "store/migrations.h"

#include <memory>
#include <optional>

// A phone number read the way docs/api.yaml (parameter "number") defines: everything but
// digits is ignored, except that a leading '+' or "00" marks the international form and a single
// leading '0' (the trunk prefix) the national one. Pure; any thread.
struct PhoneNumber
{
    enum class Form { Plain, National, International };

    Form form = Form::Plain;
    QString digits; // every digit as written, leading zeros included
    QString e164; // International: the digits after '+' or "00"
    QString countryCode; // International: by the ITU country-code table
    QString nationalNumber; // the NSN: after the country code, or after the trunk '0'

    static PhoneNumber parse(QStringView text);
    // The digits that say something: all of them but a leading "00"; '+' is no digit anyway.
    qsizetype significantDigits() const;
};

enum class SearchSort { StartDescending, StartAscending };

// What a search asks for; every part that is set narrows the answer. Text matches a CRN or leg
// id (exact or prefix, after CrnText::normalized), the digits of a phone number, an agent or a
// queue (prefix, any case). agent and queue are prefixes in CrnText's normal form; number is
// read by PhoneNumber and must have at least kMinNumberDigits significant digits.
struct SearchQuery
{
    QString text;
    Timestamp from; // inclusive; invalid when open
    Timestamp to; // exclusive; invalid when open
    std::optional<CallDirection> direction;
    std::optional<CallOutcome> outcome;
    QString agent;
    QString queue;
    QString number;
    std::optional<bool> hasRecording;
    // true: calls with at least one escalation (any status), false: calls with none. Reads the
    // escalations table, which EscalationStore::open creates in the same database.
    std::optional<bool> hasEscalation;
    // Set for an agent's search: only calls with this agent key, exactly (CrnText's normal
    // form); an empty key matches nothing.
    std::optional<QString> agentKey;
    SearchSort sort = SearchSort::StartDescending;
    int limit = 50;
    QString cursor; // opaque, from the previous page's nextCursor
};

struct SearchPage
{
    QList<CallSummary> calls; // in the query's sort order
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
    QString direction; // the API's word, for the search filters
    QString outcome;
    int recordingCount = 0; // as the summary says, so that has_recording agrees with it
    QByteArray summary; // JSON, UTF-8: written to SQLite as it is, without a UTF-16 detour
    QByteArray document; // JSON, UTF-8
    QByteArray etag; // CallStore::documentTag(document)
    QList<std::pair<QString, QString>> keys; // (kind, normalized key)
};

// A call's document as stored, with what an answer needs besides.
struct StoredDocument
{
    QString crn; // canonical
    QByteArray etag; // CallStore::documentTag of the document, without quotes
    QByteArray document; // JSON, UTF-8, as CallJson::toJsonText wrote it
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
// call can be found by (its CRN, every leg id, numbers, agents, queues). In a SQLite file or in
// a PostgreSQL database (see DatabaseAddress), with the same answers from both; on PostgreSQL
// several servers and importers may share one database, each through its own CallStore.
//
// Owns one named QSqlDatabase connection and must be used from the thread that opened it.
// Methods report failure through their return value; errorString() says why in a sentence.
class CallStore
{
public:
    enum class SearchError { None, BadCursor, BadNumber, Database };

    static constexpr int kMaxSearchLimit = 500;
    static constexpr int kMinNumberDigits = 3;
    // The bounds of the number of key rows from which a key condition counts as broad, and
    // search walks the calls in order instead of sorting the matching ones (searchStatement).
    static constexpr qint64 kMinBroadKeyRows = 500;
    static constexpr qint64 kMaxBroadKeyRows = 20000;

    ~CallStore();
    CallStore(const CallStore &) = delete;
    CallStore &operator=(const CallStore &) = delete;

    // Opens (creating and migrating as needed) the database that --db names: a SQLite file
    // path or a postgresql:// URL (DatabaseAddress::parse).
    static std::unique_ptr<CallStore> open(const QString &address, QString *error);
    // open() for the commands that read what an import wrote (serve, user, audit): a SQLite
    // file that does not exist is refused, since a typo in the path would otherwise create an
    // empty database beside the real one.
    static std::unique_ptr<CallStore> openExisting(const QString &address, QString *error);
    // The schema steps of the call tables (component "calls" of applyMigrations).
    static QList<MigrationStep> migrationSteps();

    // Inserts or replaces the calls and all their search keys in one transaction.
    bool saveCalls(const QList<Call> &calls);
    // Pure and thread-safe: the rows saveCalls would write for this call.
    static PreparedCall prepareCall(const Call &call);
    // saveCalls for calls prepared elsewhere, in one transaction, with the rows of the
    // recordings these calls now have (as saveRecordings), so that no call is ever stored
    // without recordings its document lists, nor the other way round.
    bool savePreparedCalls(const QList<PreparedCall> &calls,
                           const QList<StoredRecording> &recordings = {});
    // Deletes these calls and their search keys in one transaction; unknown CRNs are ignored.
    // The importer uses it when a call turns out to be part of an older one.
    bool removeCalls(const QStringList &crns);

    // Finds a call by its CRN or by any of its legs' ids, in any of the forms CrnText folds.
    std::optional<Call> findCall(QStringView crnOrLegId);
    // The call's JSON exactly as it was stored (CallJson::toJsonText), for answers that send it
    // unchanged: reading it back into a Call and writing it again cost most of a request.
    std::optional<QByteArray> findCallDocument(QStringView crnOrLegId);
    // findCallDocument with the call's canonical CRN and stored ETag, in one statement.
    std::optional<StoredDocument> findStoredDocument(QStringView crnOrLegId);
    // The validator of a document: the first 32 hex digits of its SHA-256. Pure.
    static QByteArray documentTag(const QByteArray &document);
    // The canonical CRN of the call that owns this CRN or leg id, or an empty string.
    QString resolveCrn(QStringView crnOrLegId);

    // Inserts or updates recordings by id, in one transaction.
    bool saveRecordings(const QList<StoredRecording> &recordings);
    std::optional<StoredRecording> findRecording(QStringView id);

    // Small named values the store keeps for its commands, e.g. "recordings_root". An unknown
    // name reads as an empty string.
    QString setting(const QString &name);
    bool setSetting(const QString &name, const QString &value);

    // One page of calls. A walk through the pages sees the calls that existed when its first
    // page was read (the cursor carries that moment), each once, in order, whatever is saved
    // meanwhile.
    SearchPage search(const SearchQuery &query, SearchError *error = nullptr);
    // The plan of the statement search() would run, so that a test can see which indexes each
    // shape of query uses. SQLite: EXPLAIN QUERY PLAN, one detail per line. PostgreSQL:
    // EXPLAIN (FORMAT JSON), one line per plan node: "Node Type [using Index] [on Relation]".
    QStringList searchPlan(const SearchQuery &query, SearchError *error = nullptr);
    qint64 callCount();

    // For the importer's own tables, which live in the same database.
    QSqlDatabase database() const;
    SqlDialect dialect() const { return m_dialect; }
    QString errorString() const { return m_errorString; }

private:
    explicit CallStore(const QString &connectionName);
    bool migrate();
    bool adoptOldSchemaVersion();
    bool savePreparedCallsSql(const QList<PreparedCall> &calls,
                              const QList<StoredRecording> &recordings);
    struct SearchStatement;
    std::optional<SearchStatement> searchStatement(const SearchQuery &query, SearchError *error);
    QString keyCondition(const QString &condition, const QVariantList &values, qint64 broadFrom,
                         QVariantList *statementValues, bool *failed);
    qint64 lastCallSequence();
    bool fail(const QString &what, const QString &why);

    QString m_connectionName;
    std::unique_ptr<QSqlQuery> m_documentQuery; // findStoredDocument's, prepared on first use
    QString m_errorString;
    SqlDialect m_dialect = SqlDialect::SQLite;
};
