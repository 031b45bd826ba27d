#pragma once

#include "fieldsplitter.h"
#include "formatdetector.h"
#include "sourcerecord.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QSet>
#include <QString>

#include <array>
#include <initializer_list>
#include <memory>

// Where a file's column goes: a Field number, or one of these.
inline constexpr int kTimeColumn = kFieldCount;
inline constexpr int kIgnoredColumn = kFieldCount + 1;

// A header's column name and where that column goes.
struct RecordColumnName
{
    const char *name;
    int column;
};

// A leg a record shows, by uniqueid or (byName) by channel name, over a span of time.
struct RecordLeg
{
    QByteArrayView id;
    bool byName = false;
    qint64 fromUs = 0;
    qint64 toUs = 0;
};

// One row read from a file, before it is stored. The views point into the reader's buffers
// and are valid only during RecordSink::addRecord.
struct ReadRecord
{
    RecordFormat format = RecordFormat::AsteriskCel;
    QByteArrayView group;
    bool strongGroup = true; // a linkedid or uniqueid; false for a queue_log callid
    qint64 timeUs = 0;
    QByteArrayView fields; // RecordBlob bytes
    std::array<RecordLeg, 2> legs;
    int legCount = 0;
};

// A queue_log row about an agent that a call may claim later (WRAPUPSTART without a callid).
struct ReadAgentRecord
{
    QByteArrayView agent;
    QByteArrayView scope; // the scenario in files of worked examples, else empty
    qint64 timeUs = 0;
    QByteArrayView fields;
};

// Where readers put what they read; the importer stores it.
class RecordSink
{
public:
    virtual ~RecordSink() = default;
    virtual void addRecord(const ReadRecord &record) = 0;
    virtual void addAgentRecord(const ReadAgentRecord &record) = 0;
    // A queue_log row about agents or queues rather than a call: counted, not a call.
    virtual void countAgentRow() = 0;
};

// Reads the rows of one file of one layout (see FormatDetector), line by line.
//
// Files of worked examples carry a `scenario` column: the same ids recur in unrelated
// scenarios. Such files are read twice: the first pass (prepassLine) notes which ids occur in
// more than one scenario, and the second qualifies exactly those as `<id>@<scenario-slug>`
// (slug: lowercase, every run of other characters than letters and digits one '-'), in the
// call's CRN and in its leg ids; ids seen in one scenario only stay as they are.
//
// Not thread-safe; one reader per file.
class RecordReader
{
public:
    static std::unique_ptr<RecordReader> create(FileLayout layout);
    virtual ~RecordReader() = default;

    // Whether the file needs the first pass: it has a header, which may name a scenario column.
    virtual bool hasHeader() const = 0;
    // Returns false once it has seen enough (no scenario column).
    bool prepassLine(QByteArrayView line);
    // Call between the two passes.
    void restart();

    // An empty result: the line was read (or was a header, rule or footer). Otherwise why the
    // row was rejected, as a sentence fragment for "FILE:LINE: reason".
    QString readLine(QByteArrayView line, RecordSink &sink);
    // Whether the last readLine() rejected the file's header: no row can be read then.
    bool headerRejected() const { return m_headerRejected; }

    static QByteArray scenarioSlug(QByteArrayView scenario);

protected:
    // The row's fields by Field, as views into the splitter's buffers.
    struct Row
    {
        std::array<QByteArrayView, kFieldCount> values;
        QByteArrayView time;
        QByteArrayView operator[](Field field) const { return values[std::size_t(field)]; }
    };

    explicit RecordReader(FileLayout layout);

    // The header maps names to columns; returns a rejection reason or an empty string.
    virtual QString takeHeader(const FieldSplitter &fields);
    virtual QString takeRow(const Row &row, RecordSink &sink) = 0;
    // The ids of a row that qualify under the scenario rule.
    virtual void noteScenarioIds(const Row &row) = 0;

    QString mapHeader(const FieldSplitter &fields, std::initializer_list<RecordColumnName> names);

    QByteArrayView qualify(QByteArrayView id, QByteArrayView scenario, QByteArray &scratch) const;
    void noteId(QByteArrayView id, QByteArrayView scenario);

    FileLayout m_layout;
    QList<int> m_columns; // column index -> Field number, kTimeColumn or kIgnoredColumn
    RecordBlob m_blob;

private:
    enum class LineKind { Header, Rule, Footer, Data };
    LineKind classify(QByteArrayView line) const;
    QString splitRow(QByteArrayView line, Row &row);

    FieldSplitter m_splitter;
    bool m_headerSeen = false;
    bool m_headerRejected = false;
    bool m_hasScenario = false;
    QHash<QByteArray, QByteArray> m_firstScenario; // id -> the first scenario it was seen in
    QSet<QByteArray> m_repeated; // ids seen in more than one scenario
    QByteArray m_dataJoin; // flat queue_log data beyond data5, or a single data column
    QList<QByteArray> m_dataParts;
};

// Parses "1335310195.513823" (seconds since the epoch, any fraction) to microseconds.
bool parseEpochMicroseconds(QByteArrayView text, qint64 *us);
// Parses ISO 8601 or epoch seconds, as Timestamp::parseIso; a time without zone is UTC.
bool parseRecordTime(QByteArrayView text, qint64 *us);
