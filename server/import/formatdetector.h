#pragma once

#include <QByteArray>
#include <QString>

// The layouts the importer reads, and what it recognises but cannot read yet.
enum class FileLayout {
    Unknown,
    Unsupported, // a known call-record format of another system; see Detection::description
    CdrCsvLegacy, // cdr_csv Master.csv: 18 columns, no header
    CdrCsvHeader, // CDR with a header line (Asterisk 12 fields, maybe a scenario column)
    CelCsv, // cel_csv: 20 columns, no header
    CelCsvHeader, // CEL with a header line
    CelPsql, // psql's aligned dump of the cel table
    QueueLogFlat, // /var/log/asterisk/queue_log: epoch|callid|queue|agent|event|data...
    QueueLogCsv, // the database form with a header line
    QueueLogPsql, // psql's aligned dump of the queue_log table
    CdrPsql, // psql's aligned dump of the cdr table
    FreeSwitchXmlCdr, // mod_xml_cdr: one or more <cdr> documents
    RecordingMap, // which recording belongs to which leg or call: file,leg_or_crn,start_time
};

struct Detection
{
    FileLayout layout = FileLayout::Unknown;
    // What the file is, for people: "Asterisk CEL (cel_csv)", "FreeSWITCH XML CDR".
    QString description;
    // For Unknown and Unsupported: why the file is skipped, as one sentence fragment.
    QString reason;
};

// Tells a file's format from its first bytes, never from its name.
//
// It looks at the first few non-empty lines: a header names the columns; without one, the
// number of fields and the shape of the time fields decide, by majority, so that one damaged
// first row does not hide a good file. Pure function, any thread.
namespace FormatDetector {

Detection detect(const QByteArray &head);

// How many bytes of the file detect() wants to see.
constexpr qsizetype kHeadSize = 64 * 1024;

} // namespace FormatDetector
