#pragma once

#include "model/call.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include <memory>
#include <optional>
#include <utility>

#include <QSqlDatabase>

#include "store/migrations.h"

class CallStore;
struct sqlite3;

// A source record as stored: its call group, format, time, origin and encoded fields.
struct StoredRecord
{
    int format = 0;
    QString group;
    qint64 timeUs = 0;
    QString origin;
    QByteArray fields;
};

// A recording file as the importer last found it in the recordings folder, or a file the records
// name that is not there (present false, flag recording_missing).
struct StoredRecordingFile
{
    QString id; // RecordingFiles::idFor(path)
    QString path; // relative to the recordings folder, '/'-separated
    bool present = true;
    qint64 sizeBytes = 0;
    qint64 modifiedUs = 0;
    QString contentType;
    QString codec; // as Recording::codec
    int channels = 0;
    int sampleRate = 0;
    qint64 durationUs = 0;
    QList<CallFlag> flags; // what is wrong with the file itself

    bool operator==(const StoredRecordingFile &) const = default;
};

// What a record says about a recording: a row of a mapping CSV, or a FreeSWITCH CDR naming the
// file its channel recorded.
struct StoredRecordingRef
{
    // Stored numbers; a mapping is trusted over a CDR when both name one file.
    enum class Source { FreeSwitch = 1, Mapping = 2 };

    Source source = Source::Mapping;
    QString file; // mapping: relative to the recordings folder; FreeSWITCH: the path it names
    QString target; // a leg id or a CRN, as written
    bool legOnly = false; // the target is the recorded leg; else a leg or a whole call's CRN
    std::optional<qint64> startUs; // the recording's first sample, when the record says
    QString origin; // "file:line"
};

// The call a recording was last written into, and a fingerprint of what was written.
struct StoredRecordingLink
{
    QString id;
    QString crn; // empty: not linked to any call
    qint64 fingerprint = 0;
};

// The importer's own tables, in the call database's file:
//   import_records      every source record once, keyed by (group, fingerprint), so that a
//                       re-import adds nothing; calls are rebuilt from these;
//   import_links        which legs (uniqueids, or channel names where a record has no uniqueid)
//                       each group has, with the time span they were seen in; groups sharing a
//                       uniqueid are one call;
//   import_groups       each group's earliest time and whether it is a linkedid (strong) or a
//                       queue_log callid, which only joins a call (weak);
//   import_agent_events queue_log rows about an agent rather than a call (WRAPUPSTART without a
//                       callid), found again by agent and time when the call is built;
//   import_recording_files  each audio file of the recordings folder and what is in it;
//   import_recording_refs   mapping rows and FreeSWITCH CDRs that say whose a recording is;
//   import_recording_links  which call each recording went into, so that only the calls whose
//                       recordings changed are written again.
//
// Uses the connection CallStore opened. On SQLite through its raw handle: a million prepared
// inserts per run is where Qt's per-value wrapping costs most. On PostgreSQL through Qt Sql
// (QPSQL), in the same batches. Same thread rules as CallStore.
// After startBackgroundCheckpoints(), a thread of its own copies the write-ahead log into the
// database file through a second connection, until the store is destroyed.
// Links and group times are gathered in memory during a batch and written when it commits.
// Failures return false (or Added::Failed); errorString() says why.
class EventStore
{
public:
    enum class Added { New, Known, Failed };

    struct GroupInfo
    {
        bool strong = false;
        qint64 firstUs = 0;
    };

    // Another group that shares a leg named only by its channel, at an overlapping time.
    struct NameOverlap
    {
        QString leg;
        QString otherGroup;
    };

    ~EventStore();
    EventStore(const EventStore &) = delete;
    EventStore &operator=(const EventStore &) = delete;

    // Creates the tables if needed. The store must outlive this object.
    static std::unique_ptr<EventStore> open(CallStore &calls, QString *error);
    // The schema steps of the import tables (component "import" of applyMigrations).
    static QList<MigrationStep> migrationSteps();

    bool beginBatch();
    bool commitBatch();
    void rollbackBatch();

    // From now on a thread of its own copies the write-ahead log into the database file, so
    // that this thread's commits do not stop for checkpoints. Worth it while many large rows
    // are written in small transactions (the calls); while the records are read, it costs more
    // than it saves. Without a database file (":memory:"), and on PostgreSQL, it does nothing.
    void startBackgroundCheckpoints();

    Added addRecord(int format, QByteArrayView group, qint64 fingerprint, qint64 timeUs,
                    QByteArrayView origin, QByteArrayView fields);
    void noteGroup(QByteArrayView group, bool strong, qint64 timeUs);
    void noteLink(QByteArrayView leg, QByteArrayView group, bool byName, qint64 timeUs);
    Added addAgentEvent(QByteArrayView agent, QByteArrayView scope, qint64 timeUs,
                        qint64 fingerprint, QByteArrayView origin, QByteArrayView fields);

    // PostgreSQL: addRecord's answer costs a round trip per row, so the importer queues rows
    // instead (inside a batch); they are written a thousand per statement when enough are
    // queued and when the batch commits, and takeQueueOutcome() then says what they were. A
    // new row's group and legs are noted as addRecord's caller notes them. SQLite: false, and
    // the importer calls addRecord and addAgentEvent.
    bool queuesRecords() const { return m_sqlite == nullptr; }
    struct QueuedLeg
    {
        QByteArray id;
        bool byName = false;
        qint64 fromUs = 0;
        qint64 toUs = 0;
    };
    void queueRecord(int format, QByteArrayView group, bool strong, qint64 fingerprint,
                     qint64 timeUs, QByteArrayView origin, QByteArrayView fields,
                     const QList<QueuedLeg> &legs);
    void queueAgentEvent(QByteArrayView agent, QByteArrayView scope, qint64 timeUs,
                         qint64 fingerprint, QByteArrayView origin, QByteArrayView fields);
    struct QueueOutcome
    {
        qint64 added = 0; // rows stored for the first time
        qint64 known = 0; // rows stored before
        QSet<QString> touchedGroups; // the groups of the added rows
    };
    // What the queued rows written so far were; the tally starts again.
    QueueOutcome takeQueueOutcome();

    // Pairs of groups that share a uniqueid, for the given groups (outside a batch).
    std::optional<QList<std::pair<QString, QString>>>
    groupsSharingLegs(const QSet<QString> &groups);
    std::optional<GroupInfo> group(const QString &group);
    bool records(const QString &group, QList<StoredRecord> &out);
    QList<NameOverlap> nameOverlaps(const QString &group);
    QList<StoredRecord> agentEvents(const QString &agent, const QString &scope, qint64 fromUs,
                                    qint64 toUs);

    // Recordings. The saves may run inside a batch or alone; saveRecordingLinks is one
    // transaction of its own and must run outside a batch.
    bool saveRecordingFile(const StoredRecordingFile &file);
    std::optional<QList<StoredRecordingFile>> recordingFiles();
    // New when the (source, file) pair is new or now says something else; Known otherwise.
    Added saveRecordingRef(const StoredRecordingRef &ref);
    std::optional<QList<StoredRecordingRef>> recordingRefs();
    std::optional<QHash<QString, StoredRecordingLink>> recordingLinks();
    bool saveRecordingLinks(const QList<StoredRecordingLink> &links);

    // The stored calls that have this key (CrnText::normalized) as their CRN or as a leg's id,
    // by CRN; read from the CallStore's key table, so that the importer can tell whose a
    // recording is while some calls are still to be written. Nullopt when the read fails.
    struct KeyOwner
    {
        QString crn;
        bool isCrn = false; // else a leg of the call
    };
    std::optional<QList<KeyOwner>> callsWithKey(const QString &key);

    QString errorString() const { return m_errorString; }

private:
    class Statement;
    class Checkpointer;
    struct LinkSpan
    {
        bool byName = false;
        qint64 firstUs = 0;
        qint64 lastUs = 0;
    };
    struct GroupSpan
    {
        bool strong = false;
        qint64 firstUs = 0;
    };

    explicit EventStore(const QSqlDatabase &database);
    bool exec(const char *sql);
    // The statement of this store's dialect.
    const char *sql(const char *sqlite, const char *postgresql) const;
    bool prepareAll();
    bool flushNotes();
    bool flushNotesInBulk();
    bool flushQueued();
    bool fail(const QString &what);

    QSqlDatabase m_database;
    sqlite3 *m_sqlite = nullptr; // SQLite's own handle; null on PostgreSQL
    QString m_sqlError; // PostgreSQL: the reason of the last failed statement
    std::unique_ptr<Statement> m_insertRecord;
    std::unique_ptr<Statement> m_upsertLink;
    std::unique_ptr<Statement> m_upsertGroup;
    std::unique_ptr<Statement> m_insertAgentEvent;
    std::unique_ptr<Statement> m_selectRecords;
    std::unique_ptr<Statement> m_selectGroup;
    std::unique_ptr<Statement> m_selectOverlaps;
    std::unique_ptr<Statement> m_selectAgentEvents;
    std::unique_ptr<Statement> m_selectKeyOwners; // prepared on first use

    // key: leg '\n' group
    QHash<QByteArray, LinkSpan> m_links;
    QHash<QByteArray, GroupSpan> m_groups;
    QByteArray m_keyScratch;
    // The entries the previous note went to: most notes repeat it.
    LinkSpan *m_lastLink = nullptr;
    QByteArray m_lastLinkKey;
    GroupSpan *m_lastGroup = nullptr;
    QByteArray m_lastGroupKey;
    bool m_inBatch = false;
    QString m_errorString;
    // PostgreSQL's queued rows, and what the written ones were.
    struct QueuedRecord
    {
        int format = 0;
        QByteArray group;
        bool strong = false;
        qint64 fingerprint = 0;
        qint64 timeUs = 0;
        QByteArray origin;
        QByteArray fields;
        QList<QueuedLeg> legs;
    };
    struct QueuedAgentEvent
    {
        QByteArray agent;
        QByteArray scope;
        qint64 timeUs = 0;
        qint64 fingerprint = 0;
        QByteArray origin;
        QByteArray fields;
    };
    QList<QueuedRecord> m_queuedRecords;
    QList<QueuedAgentEvent> m_queuedAgentEvents;
    QueueOutcome m_queueOutcome;
    bool m_queueFailed = false;
    std::unique_ptr<Checkpointer> m_checkpointer; // copies the log into the file meanwhile
};
