#include "formatdetector.h"

#include "fieldsplitter.h"

#include <QList>
#include <QSet>

#include <array>
#include <cctype>
#include <utility>

namespace {

// Binary data is full of control bytes; a text file damaged by a run of NULs has few. Such a
// file is read, and its damaged lines are rejected one by one, so the rest is not lost.
bool looksBinary(QByteArrayView head)
{
    qsizetype control = 0;
    for (const char c : head) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 && c != '\t' && c != '\n' && c != '\r')
            ++control;
    }
    return control * 20 > head.size();
}

// "1335310195.513823" or "1366720340"
bool isEpoch(QByteArrayView text)
{
    const qsizetype dot = text.indexOf('.');
    if (dot < 0)
        return isDigits(text) && text.size() >= 9;
    return dot >= 9 && isDigits(text.first(dot)) && isDigits(text.sliced(dot + 1));
}

// "2009-01-14 23:51:15", with or without a fraction and a zone.
bool isDateTime(QByteArrayView text)
{
    return text.size() >= 19 && isDigits(text.first(4)) && text.at(4) == '-' && text.at(7) == '-'
        && (text.at(10) == ' ' || text.at(10) == 'T') && text.at(13) == ':' && text.at(16) == ':';
}

bool isUpperWord(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        if (!((c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9')))
            return false;
    }
    return true;
}

// 8-4-4-4-12 hex
bool isUuid(QByteArrayView text)
{
    if (text.size() != 36)
        return false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text.at(i);
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash != (c == '-'))
            return false;
        if (!dash && !std::isxdigit(uchar(c)))
            return false;
    }
    return true;
}

QSet<QByteArray> lowerNames(const FieldSplitter &fields)
{
    QSet<QByteArray> names;
    for (qsizetype i = 0; i < fields.size(); ++i)
        names.insert(fields.at(i).trimmed().toByteArray().toLower());
    return names;
}

Detection known(FileLayout layout, const char *description)
{
    return { layout, QString::fromLatin1(description), {} };
}

Detection unsupported(const char *description)
{
    return { FileLayout::Unsupported, QString::fromLatin1(description),
             u"format not supported yet"_qs };
}

Detection unknown(const char *reason)
{
    return { FileLayout::Unknown, {}, QString::fromLatin1(reason) };
}

Detection detectJson(QByteArrayView head)
{
    if (head.contains("Amazon Connect Contact Event"))
        return unsupported("Amazon Connect contact event (EventBridge JSON)");
    if (head.contains("\"ContactFlowEvent\""))
        return unsupported("Amazon Connect contact flow event (JSON)");
    if (head.contains("\"contactId\"") || head.contains("\"ContactId\""))
        return unsupported("Amazon Connect contact event (JSON)");
    if (head.contains("\"conversationId\""))
        return unsupported("Genesys Cloud conversation details (JSON)");
    if (head.contains("\"account_sid\"") || head.contains("\"call_sid\""))
        return unsupported("Twilio API response (JSON)");
    return unknown("a JSON document of no known call-record shape");
}

// The layout a header-less line has, if any.
FileLayout layoutOfRow(QByteArrayView line, FieldSplitter &fields, bool *freeswitch)
{
    fields.splitPlain(line, '|');
    if (fields.size() >= 5 && isEpoch(fields.at(0)) && isUpperWord(fields.at(4)))
        return FileLayout::QueueLogFlat;

    if (fields.splitCsv(line) != FieldSplitter::Status::Ok)
        return FileLayout::Unknown;
    if (fields.size() == 20 && isUpperWord(fields.at(0)) && isEpoch(fields.at(1)))
        return FileLayout::CelCsv;
    if (fields.size() == 18 && isDateTime(fields.at(9)))
        return FileLayout::CdrCsvLegacy;
    if (fields.size() == 15 && isDateTime(fields.at(4)) && isUuid(fields.at(10)))
        *freeswitch = true;
    return FileLayout::Unknown;
}

} // namespace

namespace FormatDetector {

Detection detect(const QByteArray &bytes)
{
    QByteArrayView head(bytes);
    if (head.startsWith("\xEF\xBB\xBF"))
        head = head.sliced(3);
    if (head.trimmed().isEmpty())
        return unknown("the file is empty");
    if (head.startsWith("RIFF") && head.size() >= 12 && head.sliced(8, 4) == "WAVE")
        return unknown("a WAV audio file, not call records");
    if (looksBinary(head))
        return unknown("a binary file, not call records");

    const QByteArrayView text = head.trimmed();
    if (text.startsWith('{') || text.startsWith('['))
        return detectJson(text);
    if (text.startsWith('<')) {
        if (text.contains("<cdr"))
            return known(FileLayout::FreeSwitchXmlCdr, "FreeSWITCH XML CDR");
        return unknown("an XML document of no known call-record shape");
    }

    // The first few non-empty lines; a line cut by the end of the sample does not count.
    QList<QByteArrayView> lines;
    qsizetype start = 0;
    while (start < head.size() && lines.size() < 6) {
        const qsizetype newline = head.indexOf('\n', start);
        if (newline < 0 && bytes.size() >= kHeadSize)
            break;
        QByteArrayView line = head.sliced(start, (newline < 0 ? head.size() : newline) - start);
        if (line.endsWith('\r'))
            line.chop(1);
        if (!line.trimmed().isEmpty())
            lines.append(line);
        if (newline < 0)
            break;
        start = newline + 1;
    }
    if (lines.isEmpty())
        return unknown("no complete line in the first 64 KiB");

    FieldSplitter fields;
    const QByteArrayView first = lines.first();
    if (first.contains('|')) {
        fields.splitPlain(first, '|');
        const QSet<QByteArray> names = lowerNames(fields);
        if (names.contains("eventtype") && names.contains("eventtime"))
            return known(FileLayout::CelPsql, "Asterisk CEL (psql table dump)");
        if (names.contains("callid") && names.contains("event"))
            return known(FileLayout::QueueLogPsql, "Asterisk queue_log (psql table dump)");
        if (names.contains("disposition") && names.contains("channel"))
            return known(FileLayout::CdrPsql, "Asterisk CDR (psql table dump)");
    }
    if (fields.splitCsv(first) == FieldSplitter::Status::Ok) {
        const QSet<QByteArray> names = lowerNames(fields);
        if (names.contains("eventtype") && names.contains("eventtime"))
            return known(FileLayout::CelCsvHeader, "Asterisk CEL (CSV with a header)");
        if (names.contains("callid") && names.contains("event"))
            return known(FileLayout::QueueLogCsv, "Asterisk queue_log (database CSV)");
        if ((names.contains("disposition") || names.contains("billsec"))
            && names.contains("channel"))
            return known(FileLayout::CdrCsvHeader, "Asterisk CDR (CSV with a header)");
        if (names.contains("file") && names.contains("leg_or_crn"))
            return known(FileLayout::RecordingMap, "recording mapping (CSV)");
    }

    // No header: the layout most of the first lines have.
    std::array<int, 16> votes {};
    bool freeswitch = false;
    for (const QByteArrayView line : std::as_const(lines))
        ++votes[std::size_t(layoutOfRow(line, fields, &freeswitch))];
    const std::array<std::pair<FileLayout, const char *>, 3> rowLayouts { {
        { FileLayout::CelCsv, "Asterisk CEL (cel_csv)" },
        { FileLayout::CdrCsvLegacy, "Asterisk CDR (cdr_csv Master.csv)" },
        { FileLayout::QueueLogFlat, "Asterisk queue_log (flat file)" },
    } };
    for (const auto &[layout, description] : rowLayouts) {
        if (votes[std::size_t(layout)] * 2 >= lines.size())
            return known(layout, description);
    }
    if (freeswitch)
        return unsupported("FreeSWITCH CDR (mod_cdr_csv)");
    return unknown("not an Asterisk CDR, CEL or queue_log file: no known header or record layout");
}

} // namespace FormatDetector
