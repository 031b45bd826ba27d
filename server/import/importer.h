#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

class CallStore;

struct ImportProblem
{
    QString path;
    qint64 line = 0; // 0: the whole file
    QString message;
};

// What an import did, for the one summary line and for tests.
struct ImportReport
{
    static constexpr int kMaxProblems = 1000;

    int filesRead = 0;
    int filesSkipped = 0; // unknown formats, formats not supported yet, unreadable files
    qint64 rowsRejected = 0;
    qint64 rowsKnown = 0; // already stored by an earlier import: they add nothing
    qint64 agentRows = 0; // queue_log rows about agents or queues, not about a call
    qint64 recordsAdded = 0; // source rows stored for the first time
    qint64 calls = 0; // calls written, new or rebuilt with new records
    qint64 legs = 0; // of those calls
    qint64 events = 0; // of those calls
    qint64 callsMerged = 0; // calls that turned out to be part of another and were removed
    int recordingFilesRead = 0; // audio files probed this time: new, or changed since
    int recordingLinksRead = 0; // mapping rows and FreeSWITCH recording paths new this time
    // All the recordings the database knows after the import, not only this import's:
    int recordingsLinked = 0; // files linked to a call
    int recordingsUnlinked = 0; // files kept until the records of their call are imported
    int recordingsMissing = 0; // named by records, or found before, with no file now
    qint64 callsGivenRecordings = 0; // calls written again only because their recordings changed
    QList<ImportProblem> problems; // skipped files and rejected rows, the first kMaxProblems

    bool ok = true; // false when the database failed; the import stopped there
    QString errorString;

    // "imported 3 files: 12 calls, 31 legs, 140 events, 2 rows rejected; recordings: 5 linked,
    // 1 unlinked, 0 missing"
    QString summaryLine() const;
};

// Reads call records (Asterisk CDR, CEL, queue_log in their CSV, flat and psql forms;
// FreeSWITCH XML CDRs) from files and folders into the call database, and links recordings to
// the calls.
//
// Each file's format is told from its content. Rows are read line by line and stored once each
// (a re-import adds nothing); a bad row is skipped and reported with its line, the rest goes
// on. When all files are read, every call that got new rows is rebuilt from all its stored
// rows, joined with the calls it shares a channel with, and saved to the CallStore.
//
// Runs synchronously on the calling thread, which must own the CallStore. Reports progress,
// skipped files and rejected rows through signals as they happen, and everything in the
// returned ImportReport. Memory stays flat in the size of the files: rows go to the database
// in batches, and calls are rebuilt one by one. A rebuilt call that a recording may belong to
// (its CRN or a leg's id is one a recording is linked by) is the exception: it is held until
// every call is built and the recordings are linked, then written once, with its recordings
// and their rows in the same transaction, so memory grows with those calls.
class Importer : public QObject
{
    Q_OBJECT

public:
    enum class Phase { Reading, Building };
    Q_ENUM(Phase)

    explicit Importer(CallStore &store, QObject *parent = nullptr);

    // The folder whose audio files (.wav, .gsm, .ogg, .opus, .mp3, in any subfolder) are the
    // recordings; the store keeps its absolute path as "recordings_root", which the server
    // serves them from. Mapping CSVs in it are read too. Empty (the default): no folder is read
    // this time, and the recordings known from earlier imports are linked to new calls.
    void setRecordingsFolder(const QString &folder) { m_recordingsFolder = folder; }

    ImportReport importPaths(const QStringList &paths);

Q_SIGNALS:
    // Reading: bytes of all files; Building: calls.
    void progress(Importer::Phase phase, qint64 done, qint64 total);
    void fileSkipped(const QString &path, const QString &reason);
    void rowRejected(const QString &path, qint64 line, const QString &reason);

private:
    CallStore &m_store;
    QString m_recordingsFolder;
};
