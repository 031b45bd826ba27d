#include "importer.h"

#include "callassembler.h"
#include "formatdetector.h"
#include "logging.h"
#include "recordreader.h"
#include "store/callstore.h"
#include "store/eventstore.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QFuture>
#include <QHash>
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
    qint64 legs = 0;
    qint64 events = 0;
};

// Runs on the thread pool: no database here.
BuiltCall buildCall(const CallInput &input)
{
    const QList<SourceRecord> records = decodeRecords(input.stored, true);
    const Call call = CallAssembler::assemble(input.crn, input.groups, records, input.hints);
    return { CallStore::prepareCall(call), call.legs.size(), call.events.size() };
}

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

    void readFile(const QString &path, qint64 *bytesDone, qint64 bytesTotal);
    void buildCalls();
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
    void skipFile(const QString &path, const QString &reason);
    void reject(const QString &path, qint64 line, const QString &reason);
    void fail(const QString &why);
    void countRow();
    const QByteArray &origin();

    Importer &m_importer;
    CallStore &m_calls;
    EventStore &m_events;
    ImportReport &m_report;

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
    // batches are in memory at a time.
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
            prepared.append(std::move(built.prepared));
        }
        running = QFuture<BuiltCall>();
        return prepared;
    };
    auto save = [&](const QList<PreparedCall> &prepared) {
        if (prepared.isEmpty())
            return;
        if (!m_failed && !m_calls.savePreparedCalls(prepared))
            fail(m_calls.errorString());
        done += prepared.size();
        Q_EMIT m_importer.progress(Importer::Phase::Building, done, roots.size());
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
        running = QtConcurrent::mapped(std::move(batch), &buildCall);
        save(built);
    }
    save(takeRunning());

    // Calls stored under a group that now belongs to an older call go away.
    QStringList stale;
    for (const QString &group : std::as_const(merged)) {
        if (!m_failed && m_calls.resolveCrn(group) == group)
            stale.append(group);
    }
    if (!stale.isEmpty() && !m_failed) {
        if (!m_calls.removeCalls(stale))
            fail(m_calls.errorString());
        m_report.callsMerged = stale.size();
    }
    Q_EMIT m_importer.progress(Importer::Phase::Building, done, roots.size());
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

    // Files in a stable order: folders walked recursively, their files sorted by path.
    QStringList files;
    QSet<QString> listed; // a file named twice (itself and in its folder) is read once
    auto add = [&](const QString &file) {
        const QString canonical = QFileInfo(file).canonicalFilePath();
        if (!listed.contains(canonical)) {
            listed.insert(canonical);
            files.append(file);
        }
    };
    qint64 bytesTotal = 0;
    for (const QString &path : paths) {
        const QFileInfo info(path);
        if (info.isDir()) {
            QStringList found;
            QDirIterator it(path, QDir::Files | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
            while (it.hasNext())
                found.append(it.next());
            found.sort();
            for (const QString &file : std::as_const(found))
                add(file);
        } else if (info.exists() && !info.isFile()) {
            // A pipe or a device would block the import or never end.
            ++report.filesSkipped;
            report.problems.append({ path, 0, u"not a regular file"_qs });
            Q_EMIT fileSkipped(path, u"not a regular file"_qs);
        } else if (info.exists()) {
            add(path);
        } else {
            ++report.filesSkipped;
            report.problems.append({ path, 0, u"no such file or folder"_qs });
            Q_EMIT fileSkipped(path, u"no such file or folder"_qs);
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

    ImportRun run(*this, m_store, *events, report);
    qint64 bytesDone = 0;
    if (run.begin()) {
        for (const QString &file : std::as_const(files)) {
            run.readFile(file, &bytesDone, bytesTotal);
            if (run.failed())
                break;
        }
        if (!run.failed())
            run.commit();
    }
    Q_EMIT progress(Phase::Reading, bytesTotal, bytesTotal);
    const qint64 readingMs = timer.elapsed();
    if (!run.failed())
        run.buildCalls();
    qCDebug(lcImport) << "reading took" << readingMs << "ms, building calls"
                      << timer.elapsed() - readingMs << "ms";

    qCDebug(lcImport).noquote() << report.summaryLine() << "in" << timer.elapsed() << "ms";
    return report;
}
