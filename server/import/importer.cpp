#include "importer.h"

#include "callassembler.h"
#include "formatdetector.h"
#include "freeswitchcdr.h"
#include "logging.h"
#include "model/crntext.h"
#include "recordingfiles.h"
#include "recordinglinker.h"
#include "recordreader.h"
#include "store/callstore.h"
#include "store/eventstore.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QFuture>
#include <QHash>
#include <QJsonDocument>
#include <QMap>
#include <QSet>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <charconv>
#include <functional>
#include <optional>

namespace {

// Rows per transaction: large enough that commits cost little, small enough that the links
// and group times gathered in memory for a batch stay small.
constexpr qint64 kBatchRows = 250000;
constexpr qsizetype kCallsPerBatch = 500;
constexpr qsizetype kChunkBytes = 1 << 20;
constexpr qsizetype kMaxLineBytes = 4 << 20;
// Calls written again at a time when their recordings change.
constexpr qsizetype kRecordingCallsPerBatch = 200;

// Why an audio file among the paths is not read: it is a recording, not call records.
const char *const kAudioAmongPaths
    = "an audio file, not call records: pass its folder with --recordings DIR to link it to "
      "its call";

QString plural(qint64 count, const char *one, const char *many)
{
    return QString::number(count) + u' ' + QLatin1StringView(count == 1 ? one : many);
}

// Union-find over call groups; the smaller string is the root, which keeps it deterministic.
class GroupSets
{
public:
    QString find(const QString &group)
    {
        QString root = group;
        while (m_parent.contains(root) && m_parent.value(root) != root)
            root = m_parent.value(root);
        m_parent.insert(group, root);
        return root;
    }

    void join(const QString &a, const QString &b)
    {
        const QString rootA = find(a);
        const QString rootB = find(b);
        if (rootA == rootB)
            return;
        if (rootA < rootB)
            m_parent.insert(rootB, rootA);
        else
            m_parent.insert(rootA, rootB);
    }

private:
    QHash<QString, QString> m_parent;
};

// One call to build: its CRN, its groups, their stored records and what else it needs to know.
struct CallInput
{
    QString crn;
    QStringList groups;
    QList<StoredRecord> stored; // decoded on the worker: a QString per field is costly
    CallAssembler::Hints hints;
};

// The fields of stored records, in their stored order; damaged ones are left out.
QList<SourceRecord> decodeRecords(const QList<StoredRecord> &stored, bool warn,
                                  bool (*wanted)(RecordFormat) = nullptr)
{
    QList<SourceRecord> records;
    if (!wanted)
        records.reserve(stored.size());
    for (const StoredRecord &row : stored) {
        if (wanted && !wanted(RecordFormat(row.format)))
            continue;
        SourceRecord record;
        record.format = RecordFormat(row.format);
        record.group = row.group;
        record.time = Timestamp::fromMicroseconds(row.timeUs);
        record.origin = row.origin;
        if (!RecordBlob::decode(row.fields, record)) {
            if (warn) {
                qCWarning(lcImport).noquote() << "a stored record of" << row.origin
                                              << "is damaged; the call is built without it";
            }
            continue;
        }
        records.append(std::move(record));
    }
    return records;
}

struct BuiltCall
{
    PreparedCall prepared;
    // Set instead of prepared when a recording may belong to the call: it is written once its
    // recordings are known, with them.
    std::optional<Call> held;
    qint64 legs = 0;
    qint64 events = 0;
};

// Whether a recording may be linked to the call: one of the keys recordings are linked by
// (recordingKeys, in CrnText's normal form) is its CRN or a leg's id.
bool mayHaveRecordings(const Call &call, const QSet<QString> &recordingKeys)
{
    if (recordingKeys.isEmpty())
        return false;
    if (recordingKeys.contains(CrnText::normalized(call.crn())))
        return true;
    return std::any_of(call.legs.cbegin(), call.legs.cend(), [&](const Leg &leg) {
        return recordingKeys.contains(CrnText::normalized(leg.id));
    });
}

// Runs on the thread pool: no database here. recordingKeys is only read.
BuiltCall buildCall(const CallInput &input, const QSet<QString> &recordingKeys)
{
    const QList<SourceRecord> records = decodeRecords(input.stored, true);
    Call call = CallAssembler::assemble(input.crn, input.groups, records, input.hints);
    BuiltCall built;
    built.legs = call.legs.size();
    built.events = call.events.size();
    if (mayHaveRecordings(call, recordingKeys))
        built.held = std::move(call);
    else
        built.prepared = CallStore::prepareCall(call);
    return built;
}

// A recording as the import links it: its file, and what says whose it is.
struct Candidate
{
    StoredRecordingFile file;
    RecordingLinker::Link link;
    bool linkedByRecord = false; // else by the ids in its name
    QStringList idsInName; // when linked by its name, longest first
    QString crn;
};

// One importPaths() call: the files' rows in, the touched calls out.
class ImportRun : public RecordSink
{
public:
    ImportRun(Importer &importer, CallStore &calls, EventStore &events, ImportReport &report)
        : m_importer(importer)
        , m_calls(calls)
        , m_events(events)
        , m_report(report)
    { }

    void setRecordingsRoot(const QString &root) { m_recordingsRoot = root; }
    void scanRecordings(const QStringList &files);
    void readFile(const QString &path, qint64 *bytesDone, qint64 bytesTotal);
    void gatherRecordings();
    void buildCalls();
    void linkRecordings();
    QString canonicalGroup(const QStringList &groups);
    bool loadRecords(CallInput &input);
    bool failed() const { return m_failed; }
    bool begin();
    bool commit();

    void addRecord(const ReadRecord &record) override;
    void addAgentRecord(const ReadAgentRecord &record) override;
    void countAgentRow() override { ++m_report.agentRows; }

private:
    using LineHandler = std::function<bool(QByteArrayView line, qint64 number)>;
    bool forEachLine(QFile &file, const LineHandler &handler, qint64 *bytesDone, qint64 bytesTotal);
    void readFreeSwitchFile(const QString &path, QFile &file);
    void readMappingFile(const QString &path, QFile &file, qint64 *bytesDone, qint64 bytesTotal);
    QString mappingRow(const FieldSplitter &fields, const QHash<QByteArray, qsizetype> &columns);
    void addDocument(RecordFormat format, const QByteArray &group, qint64 timeUs,
                     const QByteArray &fields, const QStringList &legs);
    void addRecordingRef(const StoredRecordingRef &ref);
    void skipFile(const QString &path, const QString &reason);
    void reject(const QString &path, qint64 line, const QString &reason);
    void fail(const QString &why);
    void countRow();
    const QByteArray &origin();

    Importer &m_importer;
    CallStore &m_calls;
    EventStore &m_events;
    ImportReport &m_report;

    QString resolveCrn(const QString &target);
    void holdCall(Call call);

    QString m_recordingsRoot; // canonical; empty when no recordings folder is read
    QSet<QString> m_savedCrns; // calls rebuilt by this import and already written
    // Recordings, gathered before the calls are built.
    QMap<QString, Candidate> m_candidates; // by id: a stable order
    std::optional<QHash<QString, StoredRecordingLink>> m_oldLinks; // as the last import left
    QSet<QString> m_recordingKeys; // every key a recording may be linked by, normalized
    // Calls rebuilt by this import that may have recordings, written after linking, with them;
    // their CRN and leg keys, and the stored calls merged into others, removed after that.
    QList<Call> m_heldCalls;
    QHash<QString, QString> m_heldCrnByKey;
    QHash<QString, QStringList> m_heldCrnsByLegKey;
    QStringList m_staleCrns;
    QSet<QString> m_touched; // groups that got new records
    QByteArray m_lastTouched;
    QByteArray m_originPrefix; // "file:"
    QByteArray m_origin;
    qint64 m_line = 0;
    qint64 m_batchRows = 0;
    bool m_failed = false;
};

bool ImportRun::begin()
{
    if (!m_events.beginBatch()) {
        fail(m_events.errorString());
        return false;
    }
    return true;
}

bool ImportRun::commit()
{
    m_batchRows = 0;
    if (!m_events.commitBatch()) {
        fail(m_events.errorString());
        return false;
    }
    // Queued rows (PostgreSQL) are known as new or not only now.
    const EventStore::QueueOutcome queued = m_events.takeQueueOutcome();
    m_report.recordsAdded += queued.added;
    m_report.rowsKnown += queued.known;
    m_touched.unite(queued.touchedGroups);
    return true;
}

void ImportRun::fail(const QString &why)
{
    if (m_failed)
        return;
    m_failed = true;
    m_report.ok = false;
    m_report.errorString = why;
}

void ImportRun::skipFile(const QString &path, const QString &reason)
{
    ++m_report.filesSkipped;
    if (m_report.problems.size() < ImportReport::kMaxProblems)
        m_report.problems.append({ path, 0, reason });
    Q_EMIT m_importer.fileSkipped(path, reason);
}

void ImportRun::reject(const QString &path, qint64 line, const QString &reason)
{
    ++m_report.rowsRejected;
    if (m_report.problems.size() < ImportReport::kMaxProblems)
        m_report.problems.append({ path, line, reason });
    Q_EMIT m_importer.rowRejected(path, line, reason);
}

const QByteArray &ImportRun::origin()
{
    char digits[24];
    const auto written = std::to_chars(digits, digits + sizeof digits, m_line);
    m_origin.resize(0);
    m_origin.append(m_originPrefix).append(digits, written.ptr - digits);
    return m_origin;
}

void ImportRun::countRow()
{
    if (++m_batchRows >= kBatchRows && commit())
        begin();
}

void ImportRun::addRecord(const ReadRecord &record)
{
    if (m_failed)
        return;
    Fingerprint fingerprint;
    fingerprint.add(qint64(record.format));
    fingerprint.add(record.group);
    fingerprint.add(record.timeUs);
    fingerprint.add(record.fields);

    if (m_events.queuesRecords()) {
        QList<EventStore::QueuedLeg> legs;
        for (int i = 0; i < record.legCount; ++i) {
            const RecordLeg &leg = record.legs[std::size_t(i)];
            legs.append({ leg.id.toByteArray(), leg.byName, leg.fromUs, leg.toUs });
        }
        m_events.queueRecord(int(record.format), record.group, record.strongGroup,
                             fingerprint.value(), record.timeUs, origin(), record.fields, legs);
        countRow();
        return;
    }
    switch (m_events.addRecord(int(record.format), record.group, fingerprint.value(), record.timeUs,
                               origin(), record.fields)) {
    case EventStore::Added::Failed:
        fail(m_events.errorString());
        return;
    case EventStore::Added::Known:
        ++m_report.rowsKnown;
        break;
    case EventStore::Added::New:
        ++m_report.recordsAdded;
        if (record.group != m_lastTouched) {
            m_lastTouched = record.group.toByteArray();
            m_touched.insert(QString::fromUtf8(record.group));
        }
        m_events.noteGroup(record.group, record.strongGroup, record.timeUs);
        for (int i = 0; i < record.legCount; ++i) {
            const RecordLeg &leg = record.legs[std::size_t(i)];
            m_events.noteLink(leg.id, record.group, leg.byName, leg.fromUs);
            if (leg.toUs != leg.fromUs)
                m_events.noteLink(leg.id, record.group, leg.byName, leg.toUs);
        }
        break;
    }
    countRow();
}

void ImportRun::addAgentRecord(const ReadAgentRecord &record)
{
    if (m_failed)
        return;
    Fingerprint fingerprint;
    fingerprint.add(record.agent);
    fingerprint.add(record.scope);
    fingerprint.add(record.timeUs);
    fingerprint.add(record.fields);
    if (m_events.queuesRecords()) {
        m_events.queueAgentEvent(record.agent, record.scope, record.timeUs, fingerprint.value(),
                                 origin(), record.fields);
        countRow();
        return;
    }
    if (m_events.addAgentEvent(record.agent, record.scope, record.timeUs, fingerprint.value(),
                               origin(), record.fields)
        == EventStore::Added::Failed)
        fail(m_events.errorString());
    countRow();
}

bool ImportRun::forEachLine(QFile &file, const LineHandler &handler, qint64 *bytesDone,
                            qint64 bytesTotal)
{
    if (!file.seek(0))
        return false;
    QByteArray buffer;
    qsizetype consumed = 0;
    qint64 number = 0;
    qint64 reportedAt = 0;
    bool atEnd = false;
    bool discarding = false; // inside a line already handed over as too long
    while (!atEnd) {
        // Keep the unfinished line, then read the next chunk after it.
        buffer.remove(0, consumed);
        consumed = 0;
        const qsizetype kept = buffer.size();
        buffer.resize(kept + kChunkBytes);
        const qint64 got = file.read(buffer.data() + kept, kChunkBytes);
        if (got < 0)
            return false;
        buffer.resize(kept + got);
        atEnd = got == 0;
        if (bytesDone)
            *bytesDone += got;

        for (;;) {
            qsizetype newline = buffer.indexOf('\n', consumed);
            if (discarding) {
                if (newline < 0) {
                    consumed = buffer.size();
                    break;
                }
                consumed = newline + 1;
                discarding = false;
                continue;
            }
            if (newline < 0) {
                if (!atEnd && buffer.size() - consumed <= kMaxLineBytes)
                    break;
                if (consumed == buffer.size())
                    break;
                if (!atEnd) {
                    // Longer than any record: handed over once, as one line the handler
                    // refuses, and the rest of it dropped, so that no piece of it can pass
                    // for a row of its own and the line numbers after it stay right.
                    const QByteArrayView head(buffer.constData() + consumed,
                                              buffer.size() - consumed);
                    consumed = buffer.size();
                    discarding = true;
                    if (!handler(head, ++number))
                        return true;
                    break;
                }
                newline = buffer.size(); // the last line, without its newline
            }
            QByteArrayView line(buffer.constData() + consumed, newline - consumed);
            if (line.endsWith('\r'))
                line.chop(1);
            consumed = std::min(newline + 1, buffer.size());
            if (!handler(line, ++number))
                return true;
        }
        if (bytesDone && *bytesDone - reportedAt >= 16 * kChunkBytes) {
            reportedAt = *bytesDone;
            Q_EMIT m_importer.progress(Importer::Phase::Reading, *bytesDone, bytesTotal);
        }
    }
    return true;
}

void ImportRun::readFile(const QString &path, qint64 *bytesDone, qint64 bytesTotal)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        skipFile(path, u"cannot be read: "_qs + file.errorString());
        *bytesDone += QFileInfo(path).size();
        return;
    }

    const Detection detection = FormatDetector::detect(file.read(FormatDetector::kHeadSize));
    if (detection.layout == FileLayout::FreeSwitchXmlCdr) {
        readFreeSwitchFile(path, file);
        *bytesDone += file.size();
        return;
    }
    if (detection.layout == FileLayout::RecordingMap) {
        readMappingFile(path, file, bytesDone, bytesTotal);
        return;
    }
    const auto reader = RecordReader::create(detection.layout);
    if (!reader) {
        skipFile(path,
                 detection.description.isEmpty()
                     ? detection.reason
                     : detection.description + u": "_qs + detection.reason);
        *bytesDone += file.size();
        return;
    }
    qCDebug(lcImport).noquote() << "reading" << QFileInfo(path).fileName() << "as"
                                << detection.description;

    if (reader->hasHeader()) {
        forEachLine(
            file,
            [&](QByteArrayView line, qint64) {
                return line.size() > kMaxLineBytes || reader->prepassLine(line);
            },
            nullptr, 0);
        reader->restart();
    }

    m_originPrefix = QFileInfo(path).fileName().toUtf8() + ':';
    QString headerProblem;
    const bool read = forEachLine(
        file,
        [&](QByteArrayView line, qint64 number) {
            if (number == 1 && line.startsWith("\xEF\xBB\xBF"))
                line = line.sliced(3); // a UTF-8 byte order mark
            if (line.trimmed().isEmpty())
                return true;
            m_line = number;
            if (line.size() > kMaxLineBytes) {
                reject(path, number, u"longer than 4 MiB: not a call record"_qs);
                return true;
            }
            if (line.contains('\0')) {
                reject(path, number, u"contains NUL bytes: the line is damaged"_qs);
                return true;
            }
            if (!line.isValidUtf8()) {
                reject(path, number, u"invalid UTF-8"_qs);
                return true;
            }
            const QString reason = reader->readLine(line, *this);
            if (reason.isEmpty())
                return !m_failed;
            if (reader->headerRejected()) {
                headerProblem = QStringLiteral("line %1: %2").arg(number).arg(reason);
                return false; // without its header, no row of the file can be read
            }
            reject(path, number, reason);
            return !m_failed;
        },
        bytesDone, bytesTotal);
    if (!read)
        skipFile(path, u"cannot be read: "_qs + file.errorString());
    else if (!headerProblem.isEmpty())
        skipFile(path, detection.description + u": "_qs + headerProblem);
    else
        ++m_report.filesRead;
}

void ImportRun::addDocument(RecordFormat format, const QByteArray &group, qint64 timeUs,
                            const QByteArray &fields, const QStringList &legs)
{
    if (m_failed)
        return;
    Fingerprint fingerprint;
    fingerprint.add(qint64(format));
    fingerprint.add(group);
    fingerprint.add(timeUs);
    fingerprint.add(fields);

    switch (m_events.addRecord(int(format), group, fingerprint.value(), timeUs, origin(), fields)) {
    case EventStore::Added::Failed:
        fail(m_events.errorString());
        return;
    case EventStore::Added::Known:
        ++m_report.rowsKnown;
        break;
    case EventStore::Added::New:
        ++m_report.recordsAdded;
        m_touched.insert(QString::fromUtf8(group));
        m_lastTouched.clear();
        m_events.noteGroup(group, true, timeUs);
        for (const QString &leg : legs) {
            if (!leg.isEmpty())
                m_events.noteLink(leg.toUtf8(), group, false, timeUs);
        }
        break;
    }
    countRow();
}

void ImportRun::addRecordingRef(const StoredRecordingRef &ref)
{
    switch (m_events.saveRecordingRef(ref)) {
    case EventStore::Added::Failed:
        fail(m_events.errorString());
        break;
    case EventStore::Added::New:
        ++m_report.recordingLinksRead;
        break;
    case EventStore::Added::Known:
        break;
    }
}

void ImportRun::readFreeSwitchFile(const QString &path, QFile &file)
{
    const QString what = u"FreeSWITCH XML CDR: "_qs;
    if (file.size() > FreeSwitchCdrReader::kMaxFileBytes) {
        skipFile(path, what + u"larger than 16 MiB, which no CDR is"_qs);
        return;
    }
    if (!file.seek(0)) {
        skipFile(path, u"cannot be read: "_qs + file.errorString());
        return;
    }
    const QByteArray bytes = file.readAll();

    QList<FreeSwitchCdr> documents;
    QList<FreeSwitchCdrReader::Problem> problems;
    QString error;
    if (!FreeSwitchCdrReader::parse(bytes, &documents, &problems, &error)) {
        skipFile(path, what + error);
        return;
    }
    for (const FreeSwitchCdrReader::Problem &problem : std::as_const(problems))
        reject(path, problem.line, problem.reason);

    m_originPrefix = QFileInfo(path).fileName().toUtf8() + ':';
    RecordBlob blob;
    for (const FreeSwitchCdr &cdr : std::as_const(documents)) {
        m_line = cdr.line;
        blob.clear();
        blob.add(Field::Document, QJsonDocument(cdr.toJson()).toJson(QJsonDocument::Compact));
        addDocument(RecordFormat::FreeSwitchXmlCdr, cdr.group().toUtf8(),
                    cdr.createdUs > 0 ? cdr.createdUs : cdr.hangupUs, blob.bytes(), cdr.legIds());
        // The channel that ran the recorder is the recorded leg.
        for (const FreeSwitchRecording &recording : cdr.recordings) {
            StoredRecordingRef ref;
            ref.source = StoredRecordingRef::Source::FreeSwitch;
            ref.file = recording.path;
            ref.target = cdr.leg.uuid;
            ref.legOnly = true;
            if (recording.startUs > 0)
                ref.startUs = recording.startUs;
            ref.origin = QString::fromUtf8(origin());
            addRecordingRef(ref);
        }
        if (m_failed)
            return;
    }
    ++m_report.filesRead;
}

// One row of a mapping CSV into a recording link; returns why it is refused, or nothing.
QString ImportRun::mappingRow(const FieldSplitter &fields,
                              const QHash<QByteArray, qsizetype> &columns)
{
    auto value = [&](const char *name) {
        const qsizetype column = columns.value(QByteArray(name), -1);
        return column < 0 ? QString() : QString::fromUtf8(fields.at(column).trimmed());
    };
    const QString written = value("file");
    const QString target = value("leg_or_crn");
    const QString start = value("start_time");
    if (fields.size() < columns.size())
        return QStringLiteral("%1 fields where the header has %2")
            .arg(fields.size())
            .arg(columns.size());
    if (written.isEmpty())
        return u"file is empty"_qs;

    const QString file = QDir::cleanPath(QString(written).replace(u'\\', u'/'));
    if (QDir::isAbsolutePath(file) || file == u".." || file.startsWith(u"../"))
        return QStringLiteral("file \"%1\" is not inside the recordings folder: give its path "
                              "from that folder")
            .arg(written);
    if (!RecordingFiles::isAudioName(file))
        return QStringLiteral("file \"%1\" is not a .wav, .gsm, .ogg, .opus or .mp3 file")
            .arg(written);
    if (target.isEmpty())
        return u"leg_or_crn is empty"_qs;

    StoredRecordingRef ref;
    ref.source = StoredRecordingRef::Source::Mapping;
    ref.file = file;
    ref.target = target;
    if (!start.isEmpty()) {
        qint64 us = 0;
        if (!parseRecordTime(start.toUtf8(), &us))
            return QStringLiteral("start_time \"%1\" is neither ISO 8601 nor seconds since 1970")
                .arg(start);
        ref.startUs = us;
    }
    ref.origin = QString::fromUtf8(origin());
    addRecordingRef(ref);
    return {};
}

void ImportRun::readMappingFile(const QString &path, QFile &file, qint64 *bytesDone,
                                qint64 bytesTotal)
{
    if (m_recordingsRoot.isEmpty()) {
        skipFile(path,
                 u"recording mapping (CSV): its files are relative to the recordings folder; "
                 "pass that folder with --recordings DIR"_qs);
        *bytesDone += file.size();
        return;
    }

    m_originPrefix = QFileInfo(path).fileName().toUtf8() + ':';
    FieldSplitter fields;
    QHash<QByteArray, qsizetype> columns; // header name -> column
    const bool read = forEachLine(
        file,
        [&](QByteArrayView line, qint64 number) {
            if (number == 1 && line.startsWith("\xEF\xBB\xBF"))
                line = line.sliced(3);
            if (line.trimmed().isEmpty())
                return true;
            m_line = number;
            if (line.size() > kMaxLineBytes || !line.isValidUtf8() || line.contains('\0')) {
                reject(path, number, u"not a line of text"_qs);
                return true;
            }
            const FieldSplitter::Status status = fields.splitCsv(line);
            if (status != FieldSplitter::Status::Ok) {
                reject(path, number, FieldSplitter::statusText(status));
                return true;
            }
            if (columns.isEmpty()) {
                for (qsizetype i = 0; i < fields.size(); ++i)
                    columns.insert(fields.at(i).trimmed().toByteArray().toLower(), i);
                return true;
            }
            const QString reason = mappingRow(fields, columns);
            if (!reason.isEmpty())
                reject(path, number, reason);
            return !m_failed;
        },
        bytesDone, bytesTotal);
    if (!read)
        skipFile(path, u"cannot be read: "_qs + file.errorString());
    else
        ++m_report.filesRead;
}

// Probes the audio files of the recordings folder that are new or changed since the last
// import; the ones that are gone stay known, as missing.
void ImportRun::scanRecordings(const QStringList &files)
{
    const auto known = m_events.recordingFiles();
    if (!known) {
        fail(m_events.errorString());
        return;
    }
    QHash<QString, StoredRecordingFile> byPath;
    for (const StoredRecordingFile &file : *known)
        byPath.insert(file.path, file);

    const QDir root(m_recordingsRoot);
    QSet<QString> seen;
    for (const QString &path : files) {
        const QFileInfo info(path);
        // The server refuses to serve a link that leads out of the folder; so is it here.
        if (!info.canonicalFilePath().startsWith(m_recordingsRoot + u'/')) {
            skipFile(path,
                     u"a link to a file outside the recordings folder, which the server would "
                     "not serve"_qs);
            continue;
        }
        const QString relative = root.relativeFilePath(path);
        seen.insert(relative);
        const auto old = byPath.constFind(relative);
        if (old != byPath.constEnd() && old->present && old->sizeBytes == info.size()
            && old->modifiedUs == info.lastModified().toMSecsSinceEpoch() * 1000)
            continue;
        if (!m_events.saveRecordingFile(RecordingFiles::probe(path, relative))) {
            fail(m_events.errorString());
            return;
        }
        ++m_report.recordingFilesRead;
    }
    for (const StoredRecordingFile &file : *known) {
        if (!file.present || seen.contains(file.path))
            continue;
        if (!m_events.saveRecordingFile(RecordingFiles::missing(
                file.path, u"The file is no longer in the recordings folder."_qs))) {
            fail(m_events.errorString());
            return;
        }
    }
}

// The call's CRN is the linkedid that started first; a queue_log callid only when alone.
QString ImportRun::canonicalGroup(const QStringList &groups)
{
    QString crn = groups.first();
    if (groups.size() == 1)
        return crn;
    std::optional<EventStore::GroupInfo> best;
    for (const QString &group : groups) {
        const auto info = m_events.group(group);
        if (!info)
            continue;
        if (!best || (info->strong && !best->strong)
            || (info->strong == best->strong && info->firstUs < best->firstUs)) {
            best = info;
            crn = group;
        }
    }
    return crn;
}

bool ImportRun::loadRecords(CallInput &input)
{
    for (const QString &group : std::as_const(input.groups)) {
        if (!m_events.records(group, input.stored)) {
            fail(m_events.errorString());
            return false;
        }
    }

    // The hints need the database, so they are looked up here, from the only records they
    // read: queue_log rows (wrap-ups) and CDR rows (shared channel names). The worker decodes
    // all of them again, in order, and warns about damaged ones.
    const QList<SourceRecord> hinting = decodeRecords(input.stored, false, [](RecordFormat format) {
        return format == RecordFormat::AsteriskQueueLog || format == RecordFormat::AsteriskCdr;
    });
    input.hints = CallAssembler::lookUpHints(m_events, input.groups, hinting);
    return true;
}

void ImportRun::buildCalls()
{
    // Which groups are one call: those sharing a uniqueid, followed until nothing new turns up.
    GroupSets sets;
    QSet<QString> seen = m_touched;
    QSet<QString> frontier = m_touched;
    QSet<QString> joined;
    while (!frontier.isEmpty()) {
        const auto pairs = m_events.groupsSharingLegs(frontier);
        if (!pairs) {
            fail(m_events.errorString());
            return;
        }
        frontier.clear();
        for (const auto &[mine, theirs] : *pairs) {
            sets.join(mine, theirs);
            joined << mine << theirs;
            if (!seen.contains(theirs)) {
                seen.insert(theirs);
                frontier.insert(theirs);
            }
        }
    }

    // A queue_log callid that no stored leg explains may still name a leg of a stored call.
    for (const QString &group : std::as_const(m_touched)) {
        if (joined.contains(group))
            continue;
        const auto info = m_events.group(group);
        if (!info || info->strong)
            continue;
        const QString crn = m_calls.resolveCrn(group);
        if (!crn.isEmpty() && crn != group && m_events.group(crn)) {
            sets.join(group, crn);
            seen.insert(crn);
        }
    }

    QHash<QString, QStringList> components;
    for (const QString &group : std::as_const(seen))
        components[sets.find(group)].append(group);
    QStringList roots = components.keys();
    roots.sort();

    // A pipeline: this thread reads the records of a batch of calls and writes the batch
    // before, while the thread pool assembles and serialises the calls in between. Only a few
    // batches are in memory at a time, and the calls a recording may belong to, which are
    // written with their recordings once all calls are known (linkRecordings).
    m_events.startBackgroundCheckpoints();
    QFuture<BuiltCall> running;
    QStringList merged;
    qint64 done = 0;
    auto takeRunning = [&]() {
        QList<PreparedCall> prepared;
        if (!running.isValid())
            return prepared;
        prepared.reserve(running.resultCount());
        for (BuiltCall &built : running.results()) {
            ++m_report.calls;
            m_report.legs += built.legs;
            m_report.events += built.events;
            if (built.held)
                holdCall(std::move(*built.held));
            else
                prepared.append(std::move(built.prepared));
        }
        running = QFuture<BuiltCall>();
        return prepared;
    };
    auto save = [&](const QList<PreparedCall> &prepared) {
        if (prepared.isEmpty())
            return;
        for (const PreparedCall &call : prepared)
            m_savedCrns.insert(call.crn);
        if (!m_failed && !m_calls.savePreparedCalls(prepared))
            fail(m_calls.errorString());
        done += prepared.size();
        Q_EMIT m_importer.progress(Importer::Phase::Building, done, roots.size());
    };
    const QSet<QString> *recordingKeys = &m_recordingKeys;
    const auto build = [recordingKeys](const CallInput &input) {
        return buildCall(input, *recordingKeys);
    };

    for (qsizetype first = 0; first < roots.size() && !m_failed; first += kCallsPerBatch) {
        QList<CallInput> batch;
        for (qsizetype i = first; i < std::min(first + kCallsPerBatch, roots.size()); ++i) {
            CallInput input;
            input.groups = components.value(roots.at(i));
            input.groups.sort();
            input.crn = canonicalGroup(input.groups);
            for (const QString &group : std::as_const(input.groups)) {
                if (group != input.crn)
                    merged.append(group);
            }
            if (!loadRecords(input))
                break;
            batch.append(std::move(input));
        }
        // The next batch is started before the last one is written, so that the pool never
        // waits for the database.
        const QList<PreparedCall> built = takeRunning();
        running = QtConcurrent::mapped(std::move(batch), build);
        save(built);
    }
    save(takeRunning());
    done += m_heldCalls.size();

    // Calls stored under a group that now belongs to an older call go away, once the older
    // call has been written (linkRecordings).
    for (const QString &group : std::as_const(merged)) {
        if (!m_failed && m_calls.resolveCrn(group) == group)
            m_staleCrns.append(group);
    }
    m_report.callsMerged = m_staleCrns.size();
    Q_EMIT m_importer.progress(Importer::Phase::Building, done, roots.size());
}

void ImportRun::holdCall(Call call)
{
    m_heldCrnByKey.insert(CrnText::normalized(call.crn()), call.crn());
    for (const Leg &leg : std::as_const(call.legs))
        m_heldCrnsByLegKey[CrnText::normalized(leg.id)].append(call.crn());
    m_heldCalls.append(std::move(call));
}

// Reads every recording the database knows and what links it, before the calls are built,
// so that the calls a recording may belong to are held back and written once, with it.
void ImportRun::gatherRecordings()
{
    const auto files = m_events.recordingFiles();
    const auto refs = m_events.recordingRefs();
    m_oldLinks = m_events.recordingLinks();
    if (!files || !refs || !m_oldLinks) {
        fail(m_events.errorString());
        return;
    }

    QHash<QString, QString> idByPath;
    QHash<QString, QString> idByName; // a present file first, then the first by path
    for (const StoredRecordingFile &file : *files) {
        m_candidates.insert(file.id, { file, {}, false, {}, {} });
        idByPath.insert(file.path, file.id);
        const QString name = file.path.section(u'/', -1);
        const auto known = idByName.constFind(name);
        if (known == idByName.constEnd() || (file.present && !m_candidates[*known].file.present))
            idByName.insert(name, file.id);
    }

    // Records name files: a mapping by its path in the folder, a FreeSWITCH CDR by the path on
    // its own host, of which only the name can be looked for. Mappings come last and win.
    for (const StoredRecordingRef &ref : *refs) {
        const bool mapping = ref.source == StoredRecordingRef::Source::Mapping;
        const QString name = ref.file.section(u'/', -1);
        const QString path = mapping ? ref.file : name;
        QString id = mapping ? idByPath.value(path) : idByName.value(name);
        if (id.isEmpty()) {
            const QString message = mapping
                ? QStringLiteral("No file %1 is in the recordings folder, though the mapping "
                                 "%2 names it.")
                      .arg(path, ref.origin)
                : QStringLiteral("No file named %1 is in the recordings folder, though the "
                                 "FreeSWITCH CDR %2 names it as %3.")
                      .arg(name, ref.origin, ref.file);
            const StoredRecordingFile placeholder = RecordingFiles::missing(path, message);
            id = placeholder.id;
            if (!m_candidates.contains(id))
                m_candidates.insert(id, { placeholder, {}, false, {}, {} });
        }
        Candidate &candidate = m_candidates[id];
        candidate.link = { ref.target, ref.legOnly, ref.startUs };
        candidate.linkedByRecord = true;
    }

    for (Candidate &candidate : m_candidates) {
        if (candidate.linkedByRecord) {
            m_recordingKeys.insert(CrnText::normalized(candidate.link.target));
            continue;
        }
        candidate.idsInName = RecordingFiles::idsInName(candidate.file.path.section(u'/', -1));
        for (const QString &id : std::as_const(candidate.idsInName))
            m_recordingKeys.insert(CrnText::normalized(id));
    }
    m_recordingKeys.remove(QString());
}

// The CRN of the call that owns this CRN or leg id once the import is done, as
// CallStore::resolveCrn will say then: a CRN wins over a leg id, then the smallest CRN. The
// held calls are not written yet, and their stored keys, like those of the calls merged into
// others, are out of date.
QString ImportRun::resolveCrn(const QString &target)
{
    const QString key = CrnText::normalized(target);
    if (key.isEmpty())
        return {};
    const QString held = m_heldCrnByKey.value(key);
    if (!held.isEmpty())
        return held;

    const auto stored = m_events.callsWithKey(key);
    if (!stored) {
        fail(m_events.errorString());
        return {};
    }
    auto current = [this](const QString &crn) {
        return !m_heldCrnByKey.contains(CrnText::normalized(crn)) && !m_staleCrns.contains(crn);
    };
    QString byLeg;
    for (const EventStore::KeyOwner &owner : *stored) {
        if (!current(owner.crn))
            continue;
        if (owner.isCrn)
            return owner.crn;
        if (byLeg.isEmpty() || owner.crn < byLeg)
            byLeg = owner.crn;
    }
    const QStringList heldByLeg = m_heldCrnsByLegKey.value(key);
    for (const QString &crn : heldByLeg) {
        if (byLeg.isEmpty() || crn < byLeg)
            byLeg = crn;
    }
    return byLeg;
}

// Links every known recording to its call anew (calls and legs may have come or moved since),
// and writes the held calls, and the stored calls whose recordings changed, each once with
// the rows of its recordings in the same transaction.
void ImportRun::linkRecordings()
{
    // Which call each recording is in now, and which calls must be written again for it.
    QHash<QString, QStringList> idsByCrn;
    QSet<QString> affected;
    QList<StoredRecordingLink> changed;
    for (Candidate &candidate : m_candidates) {
        if (candidate.linkedByRecord) {
            candidate.crn = resolveCrn(candidate.link.target);
        } else {
            for (const QString &id : std::as_const(candidate.idsInName)) {
                candidate.crn = resolveCrn(id);
                if (!candidate.crn.isEmpty()) {
                    candidate.link.target = id;
                    break;
                }
            }
        }
        if (m_failed)
            return;

        const StoredRecordingFile &file = candidate.file;
        Fingerprint fingerprint;
        for (const QString &text :
             { candidate.crn, candidate.link.target, file.path, file.codec, file.contentType })
            fingerprint.add(text.toUtf8());
        for (const qint64 value :
             { qint64(candidate.link.legOnly), candidate.link.startUs.value_or(-1),
               qint64(file.present), file.sizeBytes, file.modifiedUs, qint64(file.channels),
               qint64(file.sampleRate), file.durationUs })
            fingerprint.add(value);
        for (const CallFlag &flag : file.flags)
            fingerprint.add((flag.code + u'\n' + flag.message).toUtf8());

        const StoredRecordingLink link { file.id, candidate.crn, fingerprint.value() };
        const auto old = m_oldLinks->constFind(file.id);
        if (old == m_oldLinks->constEnd() || old->crn != link.crn
            || old->fingerprint != link.fingerprint) {
            changed.append(link);
            affected.insert(link.crn);
            if (old != m_oldLinks->constEnd())
                affected.insert(old->crn);
        }
        if (!candidate.crn.isEmpty())
            idsByCrn[candidate.crn].append(file.id);

        if (!file.present)
            ++m_report.recordingsMissing;
        else if (candidate.crn.isEmpty())
            ++m_report.recordingsUnlinked;
        else
            ++m_report.recordingsLinked;
    }
    // A recording no record or file names any more leaves its call.
    for (const StoredRecordingLink &old : std::as_const(*m_oldLinks)) {
        if (!m_candidates.contains(old.id) && !old.crn.isEmpty()) {
            changed.append({ old.id, QString(), 0 });
            affected.insert(old.crn);
        }
    }
    // The calls written already have no recording (no recording's key is theirs); the held
    // ones are written below in any case, and the merged ones go away.
    affected.remove(QString());
    for (const QString &crn : std::as_const(m_savedCrns))
        affected.remove(crn);
    for (const Call &call : std::as_const(m_heldCalls))
        affected.remove(call.crn());
    for (const QString &crn : std::as_const(m_staleCrns))
        affected.remove(crn);

    // What the server needs to serve a recording, written with the call it is in now.
    QHash<QString, QList<StoredRecording>> rowsByCrn;
    for (const StoredRecordingLink &link : std::as_const(changed)) {
        const auto found = m_candidates.constFind(link.id);
        if (found == m_candidates.constEnd())
            continue;
        const StoredRecordingFile &file = found->file;
        rowsByCrn[link.crn].append(
            { file.id, link.crn, file.path, file.sizeBytes, file.modifiedUs, file.contentType });
    }

    QList<PreparedCall> batch;
    QList<StoredRecording> batchRows;
    auto save = [&]() {
        if (!m_failed && (!batch.isEmpty() || !batchRows.isEmpty())
            && !m_calls.savePreparedCalls(batch, batchRows))
            fail(m_calls.errorString());
        batch.clear();
        batchRows.clear();
    };
    auto write = [&](Call &call) {
        QList<Recording> recordings;
        const QStringList ids = idsByCrn.value(call.crn());
        for (const QString &id : ids) {
            const Candidate &candidate = m_candidates[id];
            recordings.append(RecordingLinker::place(call, candidate.file, candidate.link));
        }
        RecordingLinker::attach(call, recordings);
        batch.append(CallStore::prepareCall(call));
        batchRows.append(rowsByCrn.take(call.crn()));
        if (batch.size() >= kRecordingCallsPerBatch)
            save();
    };
    for (Call &call : m_heldCalls) {
        write(call);
        m_savedCrns.insert(call.crn());
    }
    m_heldCalls.clear();

    QStringList crns = affected.values();
    crns.sort();
    for (const QString &crn : std::as_const(crns)) {
        std::optional<Call> call = m_calls.findCall(crn);
        if (!call || call->crn() != crn)
            continue; // merged into another call, which is in the list itself
        write(*call);
        ++m_report.callsGivenRecordings;
    }
    // The recordings that are in no call now (or whose call is gone) go with the last batch.
    for (const QList<StoredRecording> &rows : std::as_const(rowsByCrn))
        batchRows.append(rows);
    save();

    if (!m_staleCrns.isEmpty() && !m_failed && !m_calls.removeCalls(m_staleCrns))
        fail(m_calls.errorString());
    // What was written, for the next import; an import that stops before this only writes
    // these calls again.
    if (!m_failed && !changed.isEmpty() && !m_events.saveRecordingLinks(changed))
        fail(m_events.errorString());
}

} // namespace

QString ImportReport::summaryLine() const
{
    QString line = u"imported "_qs + plural(filesRead, "file", "files");
    if (filesSkipped > 0)
        line += u" ("_qs + QString::number(filesSkipped) + u" skipped)"_qs;
    line += u": "_qs + plural(calls, "call", "calls") + u", "_qs + plural(legs, "leg", "legs")
        + u", "_qs + plural(events, "event", "events") + u", "_qs
        + plural(rowsRejected, "row rejected", "rows rejected");
    if (rowsKnown > 0)
        line += u", "_qs + plural(rowsKnown, "row", "rows") + u" already imported"_qs;
    if (callsMerged > 0)
        line += u", "_qs
            + plural(callsMerged, "call merged into an older call",
                     "calls merged into older calls");
    if (agentRows > 0)
        line += u", "_qs + plural(agentRows, "queue_log agent row", "queue_log agent rows")
            + u" (not calls)"_qs;
    if (recordingsLinked + recordingsUnlinked + recordingsMissing > 0) {
        line += u"; recordings: "_qs + QString::number(recordingsLinked) + u" linked, "_qs
            + QString::number(recordingsUnlinked) + u" unlinked, "_qs
            + QString::number(recordingsMissing) + u" missing"_qs;
        if (callsGivenRecordings > 0)
            line += u" ("_qs + plural(callsGivenRecordings, "call", "calls") + u" updated)"_qs;
    }
    if (!ok)
        line += u"; stopped: "_qs + errorString;
    return line;
}

Importer::Importer(CallStore &store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{ }

ImportReport Importer::importPaths(const QStringList &paths)
{
    ImportReport report;
    QElapsedTimer timer;
    timer.start();
    auto skip = [&](const QString &path, const QString &reason) {
        ++report.filesSkipped;
        if (report.problems.size() < ImportReport::kMaxProblems)
            report.problems.append({ path, 0, reason });
        Q_EMIT fileSkipped(path, reason);
    };

    QString root; // canonical, so that files can be told inside it or not
    if (!m_recordingsFolder.isEmpty()) {
        const QFileInfo folder(m_recordingsFolder);
        if (!folder.isDir()) {
            report.ok = false;
            report.errorString
                = QStringLiteral("the recordings folder %1 does not exist").arg(m_recordingsFolder);
            return report;
        }
        root = folder.canonicalFilePath();
    }
    auto inRecordings = [&root](const QString &canonical) {
        return !root.isEmpty() && canonical.startsWith(root + u'/');
    };

    // Files in a stable order: folders walked recursively, their files sorted by path.
    QStringList files;
    QSet<QString> listed; // a file named twice (itself and in its folder) is read once
    auto add = [&](const QString &file) {
        const QString canonical = QFileInfo(file).canonicalFilePath();
        if (listed.contains(canonical))
            return;
        listed.insert(canonical);
        // Recordings are the recordings folder's business; one elsewhere is only reported.
        if (RecordingFiles::isAudioName(file)) {
            if (!inRecordings(canonical))
                skip(file, QString::fromLatin1(kAudioAmongPaths));
            return;
        }
        files.append(file);
    };
    auto walk = [](const QString &folder) {
        QStringList found;
        QDirIterator it(folder, QDir::Files | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
        while (it.hasNext())
            found.append(it.next());
        found.sort();
        return found;
    };
    qint64 bytesTotal = 0;
    for (const QString &path : paths) {
        const QFileInfo info(path);
        if (info.isDir()) {
            const QStringList found = walk(path);
            for (const QString &file : found)
                add(file);
        } else if (info.exists() && !info.isFile()) {
            // A pipe or a device would block the import or never end.
            skip(path, u"not a regular file"_qs);
        } else if (info.exists()) {
            add(path);
        } else {
            skip(path, u"no such file or folder"_qs);
        }
    }

    // The recordings folder: its audio files, and the mapping CSVs kept beside them.
    QStringList recordings;
    if (!root.isEmpty()) {
        const QStringList found = walk(root);
        for (const QString &file : found) {
            if (RecordingFiles::isAudioName(file)) {
                recordings.append(file);
                continue;
            }
            QFile head(file);
            if (file.endsWith(u".csv", Qt::CaseInsensitive) && head.open(QIODevice::ReadOnly)
                && FormatDetector::detect(head.read(FormatDetector::kHeadSize)).layout
                    == FileLayout::RecordingMap)
                add(file);
        }
    }
    for (const QString &file : std::as_const(files))
        bytesTotal += QFileInfo(file).size();

    QString error;
    const auto events = EventStore::open(m_store, &error);
    if (!events) {
        report.ok = false;
        report.errorString = error;
        return report;
    }
    if (!root.isEmpty() && !m_store.setSetting(u"recordings_root"_qs, root)) {
        report.ok = false;
        report.errorString = m_store.errorString();
        return report;
    }

    ImportRun run(*this, m_store, *events, report);
    run.setRecordingsRoot(root);
    qint64 bytesDone = 0;
    if (run.begin()) {
        if (!root.isEmpty())
            run.scanRecordings(recordings);
        for (const QString &file : std::as_const(files)) {
            if (run.failed())
                break;
            run.readFile(file, &bytesDone, bytesTotal);
        }
        if (!run.failed())
            run.commit();
    }
    Q_EMIT progress(Phase::Reading, bytesTotal, bytesTotal);
    const qint64 readingMs = timer.elapsed();
    if (!run.failed())
        run.gatherRecordings();
    if (!run.failed())
        run.buildCalls();
    const qint64 buildingMs = timer.elapsed() - readingMs;
    if (!run.failed())
        run.linkRecordings();
    qCDebug(lcImport) << "reading took" << readingMs << "ms, building calls" << buildingMs
                      << "ms, linking recordings" << timer.elapsed() - readingMs - buildingMs
                      << "ms";

    qCDebug(lcImport).noquote() << report.summaryLine() << "in" << timer.elapsed() << "ms";
    return report;
}
