#include "recordreader.h"

#include <QList>

#include <initializer_list>
#include <utility>

namespace {

constexpr int f(Field field)
{
    return int(field);
}

QString malformedTime(const char *what, QByteArrayView value)
{
    return QStringLiteral("malformed %1 \"%2\"")
        .arg(QLatin1StringView(what),
             QString::fromUtf8(value.first(std::min<qsizetype>(value.size(), 40))));
}

// cel_csv, in the column order Asterisk's testsuite reads it.
const QList<int> kCelCsvColumns = {
    f(Field::EventType), kTimeColumn,           f(Field::CidName),     f(Field::CidNum),
    f(Field::Ani),       f(Field::Rdnis),       f(Field::Dnid),        f(Field::Exten),
    f(Field::Context),   f(Field::Channel),     f(Field::App),         f(Field::AppData),
    f(Field::AmaFlags),  f(Field::AccountCode), f(Field::UniqueId),    f(Field::LinkedId),
    f(Field::Peer),      f(Field::UserField),   f(Field::UserDefType), f(Field::Extra),
};

// cdr_csv's Master.csv of Asterisk 1.6 to 11.
const QList<int> kCdrCsvColumns = {
    f(Field::AccountCode), f(Field::Src),       f(Field::Dst),         f(Field::DContext),
    f(Field::Clid),        f(Field::Channel),   f(Field::DstChannel),  f(Field::LastApp),
    f(Field::LastData),    f(Field::Start),     f(Field::Answer),      f(Field::End),
    f(Field::Duration),    f(Field::BillSec),   f(Field::Disposition), f(Field::AmaFlags),
    f(Field::UniqueId),    f(Field::UserField),
};

// The flat queue_log: epoch|callid|queue|agent|event|data1|...; data beyond data5 stays in it.
const QList<int> kQueueLogFlatColumns = {
    kTimeColumn,     f(Field::CallId), f(Field::Queue), f(Field::Agent), f(Field::Event),
    f(Field::Data1), f(Field::Data2),  f(Field::Data3), f(Field::Data4), f(Field::Data5),
};

const std::initializer_list<RecordColumnName> kCelNames = {
    { "eventtype", f(Field::EventType) },
    { "eventtime", kTimeColumn },
    { "cidname", f(Field::CidName) },
    { "cid_name", f(Field::CidName) },
    { "cidnum", f(Field::CidNum) },
    { "cid_num", f(Field::CidNum) },
    { "ani", f(Field::Ani) },
    { "cid_ani", f(Field::Ani) },
    { "rdnis", f(Field::Rdnis) },
    { "cid_rdnis", f(Field::Rdnis) },
    { "dnid", f(Field::Dnid) },
    { "cid_dnid", f(Field::Dnid) },
    { "exten", f(Field::Exten) },
    { "context", f(Field::Context) },
    { "channel", f(Field::Channel) },
    { "channame", f(Field::Channel) },
    { "app", f(Field::App) },
    { "appname", f(Field::App) },
    { "appdata", f(Field::AppData) },
    { "amaflags", f(Field::AmaFlags) },
    { "accountcode", f(Field::AccountCode) },
    { "peeraccount", f(Field::PeerAccount) },
    { "uniqueid", f(Field::UniqueId) },
    { "linkedid", f(Field::LinkedId) },
    { "peer", f(Field::Peer) },
    { "bridgepeer", f(Field::Peer) },
    { "userfield", f(Field::UserField) },
    { "userdeftype", f(Field::UserDefType) },
    { "extra", f(Field::Extra) },
    { "eventextra", f(Field::Extra) },
    { "scenario", f(Field::Scenario) },
};

const std::initializer_list<RecordColumnName> kCdrNames = {
    { "accountcode", f(Field::AccountCode) },
    { "src", f(Field::Src) },
    { "dst", f(Field::Dst) },
    { "dcontext", f(Field::DContext) },
    { "clid", f(Field::Clid) },
    { "channel", f(Field::Channel) },
    { "dstchannel", f(Field::DstChannel) },
    { "lastapp", f(Field::LastApp) },
    { "lastdata", f(Field::LastData) },
    { "start", f(Field::Start) },
    { "calldate", f(Field::Start) },
    { "answer", f(Field::Answer) },
    { "end", f(Field::End) },
    { "duration", f(Field::Duration) },
    { "billsec", f(Field::BillSec) },
    { "disposition", f(Field::Disposition) },
    { "amaflags", f(Field::AmaFlags) },
    { "uniqueid", f(Field::UniqueId) },
    { "userfield", f(Field::UserField) },
    { "peeraccount", f(Field::PeerAccount) },
    { "sequence", f(Field::Sequence) },
    { "linkedid", f(Field::LinkedId) },
    { "scenario", f(Field::Scenario) },
};

const std::initializer_list<RecordColumnName> kQueueLogNames = {
    { "time", kTimeColumn },        { "timestamp", kTimeColumn },
    { "callid", f(Field::CallId) }, { "queuename", f(Field::Queue) },
    { "queue", f(Field::Queue) },   { "agent", f(Field::Agent) },
    { "event", f(Field::Event) },   { "data", f(Field::Data1) },
    { "data1", f(Field::Data1) },   { "data2", f(Field::Data2) },
    { "data3", f(Field::Data3) },   { "data4", f(Field::Data4) },
    { "data5", f(Field::Data5) },   { "scenario", f(Field::Scenario) },
};

bool isPsql(FileLayout layout)
{
    return layout == FileLayout::CelPsql || layout == FileLayout::QueueLogPsql
        || layout == FileLayout::CdrPsql;
}

class CelReader : public RecordReader
{
public:
    explicit CelReader(FileLayout layout)
        : RecordReader(layout)
    {
        if (layout == FileLayout::CelCsv)
            m_columns = kCelCsvColumns;
    }

    bool hasHeader() const override { return m_layout != FileLayout::CelCsv; }

protected:
    QString takeHeader(const FieldSplitter &fields) override
    {
        QString reason = mapHeader(fields, kCelNames);
        if (reason.isEmpty() && !m_columns.contains(kTimeColumn))
            reason = u"the header has no eventtime column"_qs;
        return reason;
    }

    void noteScenarioIds(const Row &row) override
    {
        noteId(row[Field::UniqueId], row[Field::Scenario]);
        noteId(row[Field::LinkedId], row[Field::Scenario]);
    }

    QString takeRow(const Row &row, RecordSink &sink) override
    {
        if (row[Field::EventType].isEmpty())
            return u"no event type"_qs;
        qint64 us = 0;
        if (!parseRecordTime(row.time, &us))
            return malformedTime("eventtime", row.time);

        const QByteArrayView scenario = row[Field::Scenario];
        const QByteArrayView unique = qualify(row[Field::UniqueId], scenario, m_unique);
        const QByteArrayView linked = qualify(row[Field::LinkedId], scenario, m_linked);
        const QByteArrayView group = linked.isEmpty() ? unique : linked;
        if (group.isEmpty())
            return u"no linkedid or uniqueid: the event belongs to no call"_qs;

        m_blob.clear();
        for (int i = 0; i < kFieldCount; ++i) {
            if (i == f(Field::UniqueId))
                m_blob.add(Field::UniqueId, unique);
            else if (i == f(Field::LinkedId))
                m_blob.add(Field::LinkedId, linked);
            else
                m_blob.add(Field(i), row.values[std::size_t(i)]);
        }

        ReadRecord record;
        record.format = RecordFormat::AsteriskCel;
        record.group = group;
        record.timeUs = us;
        record.fields = m_blob.bytes();
        if (!unique.isEmpty())
            record.legs[record.legCount++] = { unique, false, us, us };
        sink.addRecord(record);
        return {};
    }

private:
    QByteArray m_unique;
    QByteArray m_linked;
};

class CdrReader : public RecordReader
{
public:
    explicit CdrReader(FileLayout layout)
        : RecordReader(layout)
    {
        if (layout == FileLayout::CdrCsvLegacy)
            m_columns = kCdrCsvColumns;
    }

    bool hasHeader() const override { return m_layout != FileLayout::CdrCsvLegacy; }

protected:
    QString takeHeader(const FieldSplitter &fields) override
    {
        QString reason = mapHeader(fields, kCdrNames);
        if (reason.isEmpty() && !m_columns.contains(f(Field::Start)))
            reason = u"the header has no start column"_qs;
        return reason;
    }

    void noteScenarioIds(const Row &row) override
    {
        const QByteArrayView scenario = row[Field::Scenario];
        noteId(row[Field::UniqueId], scenario);
        noteId(row[Field::LinkedId], scenario);
        noteId(row[Field::DstChannel], scenario);
        if (row[Field::UniqueId].isEmpty())
            noteId(row[Field::Channel], scenario);
    }

    QString takeRow(const Row &row, RecordSink &sink) override
    {
        qint64 start = 0;
        if (!parseRecordTime(row[Field::Start], &start))
            return malformedTime("start time", row[Field::Start]);
        qint64 answer = 0;
        if (!row[Field::Answer].isEmpty() && !parseRecordTime(row[Field::Answer], &answer))
            return malformedTime("answer time", row[Field::Answer]);
        qint64 end = start;
        if (!row[Field::End].isEmpty() && !parseRecordTime(row[Field::End], &end))
            return malformedTime("end time", row[Field::End]);

        const QByteArrayView scenario = row[Field::Scenario];
        const QByteArrayView unique = qualify(row[Field::UniqueId], scenario, m_unique);
        const QByteArrayView linked = qualify(row[Field::LinkedId], scenario, m_linked);
        const QByteArrayView group = linked.isEmpty() ? unique : linked;
        if (group.isEmpty())
            return u"no uniqueid or linkedid: the row belongs to no call"_qs;
        const QByteArrayView dstLeg = qualify(row[Field::DstChannel], scenario, m_dstLeg);

        m_blob.clear();
        for (int i = 0; i < kFieldCount; ++i) {
            if (i == f(Field::UniqueId))
                m_blob.add(Field::UniqueId, unique);
            else if (i == f(Field::LinkedId))
                m_blob.add(Field::LinkedId, linked);
            else if (i == f(Field::DstLeg))
                m_blob.add(Field::DstLeg, dstLeg);
            else
                m_blob.add(Field(i), row.values[std::size_t(i)]);
        }

        ReadRecord record;
        record.format = RecordFormat::AsteriskCdr;
        record.group = group;
        record.timeUs = start;
        record.fields = m_blob.bytes();
        const qint64 last = std::max(start, end);
        if (!unique.isEmpty())
            record.legs[record.legCount++] = { unique, false, start, last };
        if (!dstLeg.isEmpty())
            record.legs[record.legCount++] = { dstLeg, true, start, last };
        sink.addRecord(record);
        return {};
    }

private:
    QByteArray m_unique;
    QByteArray m_linked;
    QByteArray m_dstLeg;
};

// queue_log rows about agents and queues themselves, never about one call.
bool isAgentEvent(QByteArrayView event)
{
    static const QSet<QByteArray> words = {
        "AGENTLOGIN", "AGENTLOGOFF",  "AGENTCALLBACKLOGIN", "AGENTCALLBACKLOGOFF",
        "PAUSE",      "UNPAUSE",      "PAUSEALL",           "UNPAUSEALL",
        "ADDMEMBER",  "REMOVEMEMBER", "QUEUESTART",         "CONFIGRELOAD",
        "PENALTY",
    };
    return words.contains(QByteArray::fromRawData(event.data(), event.size()));
}

class QueueLogReader : public RecordReader
{
public:
    explicit QueueLogReader(FileLayout layout)
        : RecordReader(layout)
    {
        if (layout == FileLayout::QueueLogFlat)
            m_columns = kQueueLogFlatColumns;
    }

    bool hasHeader() const override { return m_layout != FileLayout::QueueLogFlat; }

protected:
    QString takeHeader(const FieldSplitter &fields) override
    {
        QString reason = mapHeader(fields, kQueueLogNames);
        if (reason.isEmpty() && !m_columns.contains(kTimeColumn))
            reason = u"the header has no time column"_qs;
        return reason;
    }

    static bool isCallRow(const Row &row)
    {
        const QByteArrayView callId = row[Field::CallId];
        return !callId.isEmpty() && callId != "NONE" && !isAgentEvent(row[Field::Event]);
    }

    void noteScenarioIds(const Row &row) override
    {
        if (!isCallRow(row))
            return;
        noteId(row[Field::CallId], row[Field::Scenario]);
        if (row[Field::Event] == "CONNECT")
            noteId(row[Field::Data2], row[Field::Scenario]);
    }

    QString takeRow(const Row &row, RecordSink &sink) override
    {
        qint64 us = 0;
        if (!parseRecordTime(row.time, &us))
            return malformedTime("time", row.time);
        if (row[Field::Event].isEmpty())
            return u"no event"_qs;

        const QByteArrayView scenario = row[Field::Scenario];
        if (!isCallRow(row)) {
            sink.countAgentRow();
            if (row[Field::Event] == "WRAPUPSTART" && !row[Field::Agent].isEmpty()) {
                fillBlob(row, {}, {});
                sink.addAgentRecord({ row[Field::Agent], scenario, us, m_blob.bytes() });
            }
            return {};
        }

        const QByteArrayView callId = qualify(row[Field::CallId], scenario, m_callId);
        const QByteArrayView member = row[Field::Event] == "CONNECT"
            ? qualify(row[Field::Data2], scenario, m_member)
            : QByteArrayView();
        fillBlob(row, callId, member);

        ReadRecord record;
        record.format = RecordFormat::AsteriskQueueLog;
        record.group = callId;
        record.strongGroup = false;
        record.timeUs = us;
        record.fields = m_blob.bytes();
        record.legs[record.legCount++] = { callId, false, us, us };
        sink.addRecord(record);
        return {};
    }

private:
    void fillBlob(const Row &row, QByteArrayView callId, QByteArrayView member)
    {
        m_blob.clear();
        for (int i = 0; i < kFieldCount; ++i) {
            if (i == f(Field::CallId))
                m_blob.add(Field::CallId, callId.isNull() ? row[Field::CallId] : callId);
            else if (i == f(Field::MemberLeg))
                m_blob.add(Field::MemberLeg, member);
            else
                m_blob.add(Field(i), row.values[std::size_t(i)]);
        }
    }

    QByteArray m_callId;
    QByteArray m_member;
};

} // namespace

bool parseEpochMicroseconds(QByteArrayView text, qint64 *us)
{
    const qsizetype dot = text.indexOf('.');
    const QByteArrayView whole = dot < 0 ? text : text.first(dot);
    const QByteArrayView fraction = dot < 0 ? QByteArrayView() : text.sliced(dot + 1);
    if (!isDigits(whole) || whole.size() > 12 || (dot >= 0 && !isDigits(fraction)))
        return false;

    qint64 seconds = 0;
    for (const char c : whole)
        seconds = seconds * 10 + (c - '0');
    if (seconds > Timestamp::kLatestSecondsSinceEpoch)
        return false;
    qint64 micros = 0;
    for (int i = 0; i < 6; ++i)
        micros = micros * 10 + (i < fraction.size() ? fraction.at(i) - '0' : 0);
    *us = seconds * 1000000 + micros;
    return true;
}

bool parseRecordTime(QByteArrayView text, qint64 *us)
{
    text = text.trimmed();
    if (parseEpochMicroseconds(text, us))
        return true;
    const auto parsed = Timestamp::parseIso(QString::fromLatin1(text));
    if (!parsed)
        return false;
    *us = parsed->microseconds();
    return true;
}

std::unique_ptr<RecordReader> RecordReader::create(FileLayout layout)
{
    switch (layout) {
    case FileLayout::CelCsv:
    case FileLayout::CelCsvHeader:
    case FileLayout::CelPsql:
        return std::make_unique<CelReader>(layout);
    case FileLayout::CdrCsvLegacy:
    case FileLayout::CdrCsvHeader:
    case FileLayout::CdrPsql:
        return std::make_unique<CdrReader>(layout);
    case FileLayout::QueueLogFlat:
    case FileLayout::QueueLogCsv:
    case FileLayout::QueueLogPsql:
        return std::make_unique<QueueLogReader>(layout);
    case FileLayout::Unknown:
    case FileLayout::Unsupported:
    case FileLayout::FreeSwitchXmlCdr: // whole documents, not lines: see FreeSwitchCdrReader
    case FileLayout::RecordingMap: // not call records: the importer reads it into recordings
        break;
    }
    return nullptr;
}

RecordReader::RecordReader(FileLayout layout)
    : m_layout(layout)
{ }

QByteArray RecordReader::scenarioSlug(QByteArrayView scenario)
{
    QByteArray slug;
    bool dash = false;
    for (const char c : scenario) {
        const char lower = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
        if ((lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9')) {
            if (dash && !slug.isEmpty())
                slug.append('-');
            slug.append(lower);
            dash = false;
        } else {
            dash = true;
        }
    }
    return slug;
}

QString RecordReader::mapHeader(const FieldSplitter &fields,
                                std::initializer_list<RecordColumnName> names)
{
    m_columns.clear();
    for (qsizetype i = 0; i < fields.size(); ++i) {
        const QByteArray name = fields.at(i).trimmed().toByteArray().toLower();
        int column = kIgnoredColumn;
        for (const RecordColumnName &known : names) {
            if (name == known.name) {
                column = known.column;
                break;
            }
        }
        if (column != kIgnoredColumn && m_columns.contains(column))
            return QStringLiteral("the header names column %1 twice").arg(QString::fromUtf8(name));
        m_columns.append(column);
    }
    m_hasScenario = m_columns.contains(f(Field::Scenario));
    return {};
}

QString RecordReader::takeHeader(const FieldSplitter &)
{
    return {};
}

RecordReader::LineKind RecordReader::classify(QByteArrayView line) const
{
    if (isPsql(m_layout)) {
        const QByteArrayView trimmed = line.trimmed();
        bool rule = !trimmed.isEmpty();
        for (const char c : trimmed)
            rule = rule && (c == '-' || c == '+' || c == ' ');
        if (rule)
            return LineKind::Rule;
        if (trimmed.startsWith('(') && trimmed.endsWith(')') && trimmed.contains("row"))
            return LineKind::Footer;
    }
    if (hasHeader() && !m_headerSeen)
        return LineKind::Header;
    return LineKind::Data;
}

QString RecordReader::splitRow(QByteArrayView line, Row &row)
{
    const bool plain = isPsql(m_layout) || m_layout == FileLayout::QueueLogFlat;
    if (plain) {
        m_splitter.splitPlain(line, '|');
    } else {
        const FieldSplitter::Status status = m_splitter.splitCsv(line);
        if (status != FieldSplitter::Status::Ok)
            return FieldSplitter::statusText(status);
    }

    const qsizetype count = m_splitter.size();
    const qsizetype expected = m_columns.size();
    if (m_layout == FileLayout::QueueLogFlat) {
        if (count < 5)
            return QStringLiteral("expected at least 5 fields separated by '|', found %1")
                .arg(count);
    } else if (count != expected) {
        return QStringLiteral("expected %1 fields, found %2").arg(expected).arg(count);
    }

    row = Row();
    for (qsizetype i = 0; i < std::min(count, expected); ++i) {
        const int column = m_columns.at(i);
        if (column == kTimeColumn)
            row.time = m_splitter.at(i);
        else if (column < kFieldCount)
            row.values[std::size_t(column)] = m_splitter.at(i);
    }
    if (m_layout == FileLayout::QueueLogFlat && count > expected) {
        // Data beyond data5 (an ATTENDEDTRANSFER's "10|1") stays together in data5.
        m_dataJoin.resize(0);
        for (qsizetype i = expected - 1; i < count; ++i) {
            if (i > expected - 1)
                m_dataJoin.append('|');
            m_dataJoin.append(m_splitter.at(i));
        }
        row.values[std::size_t(Field::Data5)] = m_dataJoin;
    }
    if (m_layout == FileLayout::QueueLogCsv && !row[Field::Data1].isEmpty()
        && row[Field::Data2].isEmpty() && !m_columns.contains(f(Field::Data2))) {
        // A single "data" column holds data1|data2|...; split it like the flat file does.
        m_dataParts = row[Field::Data1].toByteArray().split('|');
        for (qsizetype i = 0; i < m_dataParts.size() && i < 5; ++i)
            row.values[std::size_t(f(Field::Data1) + i)] = m_dataParts.at(i);
    }
    return {};
}

bool RecordReader::prepassLine(QByteArrayView line)
{
    if (line.trimmed().isEmpty())
        return true;
    switch (classify(line)) {
    case LineKind::Header:
        if (isPsql(m_layout))
            m_splitter.splitPlain(line, '|');
        else
            m_splitter.splitCsv(line);
        takeHeader(m_splitter);
        m_headerSeen = true;
        return m_hasScenario;
    case LineKind::Rule:
    case LineKind::Footer:
        return true;
    case LineKind::Data:
        break;
    }
    Row row;
    if (splitRow(line, row).isEmpty())
        noteScenarioIds(row);
    return true;
}

void RecordReader::restart()
{
    m_headerSeen = false;
    m_headerRejected = false;
}

QString RecordReader::readLine(QByteArrayView line, RecordSink &sink)
{
    switch (classify(line)) {
    case LineKind::Header: {
        m_headerSeen = true;
        QString reason;
        if (isPsql(m_layout)) {
            m_splitter.splitPlain(line, '|');
        } else {
            const FieldSplitter::Status status = m_splitter.splitCsv(line);
            if (status != FieldSplitter::Status::Ok)
                reason = FieldSplitter::statusText(status);
        }
        if (reason.isEmpty())
            reason = takeHeader(m_splitter);
        m_headerRejected = !reason.isEmpty();
        return reason;
    }
    case LineKind::Rule:
    case LineKind::Footer:
        return {};
    case LineKind::Data:
        break;
    }

    Row row;
    const QString reason = splitRow(line, row);
    if (!reason.isEmpty())
        return reason;
    return takeRow(row, sink);
}

QByteArrayView RecordReader::qualify(QByteArrayView id, QByteArrayView scenario,
                                     QByteArray &scratch) const
{
    if (!m_hasScenario || id.isEmpty()
        || !m_repeated.contains(QByteArray::fromRawData(id.data(), id.size())))
        return id;
    scratch.resize(0);
    scratch.append(id).append('@').append(scenarioSlug(scenario));
    return scratch;
}

void RecordReader::noteId(QByteArrayView id, QByteArrayView scenario)
{
    if (id.isEmpty())
        return;
    const QByteArray key = id.toByteArray();
    auto found = m_firstScenario.constFind(key);
    if (found == m_firstScenario.constEnd())
        m_firstScenario.insert(key, scenario.toByteArray());
    else if (*found != scenario)
        m_repeated.insert(key);
}
