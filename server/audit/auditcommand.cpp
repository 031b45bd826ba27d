#include "commands.h"

#include "audit/auditlog.h"
#include "store/callstore.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QTextStream>

#include <cstdio>

namespace {

int usage(QTextStream &out, int exitCode)
{
    out << "Usage: crn-server audit export --db FILE [--from TIME] [--to TIME] [--out FILE]\n\n"
           "Writes the audit log as CSV (RFC 4180, a header row, CRLF line ends), oldest row\n"
           "first, to FILE or to stdout. --from is inclusive, --to exclusive, both ISO 8601\n"
           "(a time without a zone is UTC).\n";
    return exitCode;
}

// RFC 4180, 2.6 and 2.7: a field with a comma, a quote or a line break is quoted, and its
// quotes doubled.
QByteArray csvField(const QString &text)
{
    QByteArray bytes = text.toUtf8();
    if (bytes.contains(',') || bytes.contains('"') || bytes.contains('\n')
        || bytes.contains('\r')) {
        bytes.replace("\"", "\"\"");
        bytes = '"' + bytes + '"';
    }
    return bytes;
}

} // namespace

QByteArray auditCsv(const QList<AuditEntry> &entries)
{
    QByteArray csv = "id,at,user,role,action,crn,recording_id,escalation_id,detail\r\n";
    for (const AuditEntry &entry : entries) {
        const QStringList fields { QString::number(entry.id),
                                   entry.at.toIso(),
                                   entry.user,
                                   roleName(entry.role),
                                   auditActionName(entry.action),
                                   entry.target.crn,
                                   entry.target.recordingId,
                                   entry.target.escalationId,
                                   entry.target.detail };
        QByteArrayList row;
        for (const QString &field : fields)
            row.append(csvField(field));
        csv += row.join(',') + "\r\n";
    }
    return csv;
}

int runAuditCommand(const QStringList &arguments)
{
    QTextStream err(stderr);
    QString database;
    QString from;
    QString to;
    QString out;
    QStringList positional;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (argument == u"-h" || argument == u"--help") {
            QTextStream stdOut(stdout);
            return usage(stdOut, 0);
        }
        QString *value = argument == u"--db" ? &database
            : argument == u"--from"          ? &from
            : argument == u"--to"            ? &to
            : argument == u"--out"           ? &out
                                             : nullptr;
        if (value) {
            if (i + 1 >= arguments.size()) {
                err << "crn-server audit: " << argument << " needs a value.\n\n";
                return usage(err, 2);
            }
            *value = arguments.at(++i);
        } else if (argument.startsWith(u"--")) {
            err << "crn-server audit: unknown option '" << argument << "'.\n\n";
            return usage(err, 2);
        } else {
            positional.append(argument);
        }
    }
    if (positional != QStringList { u"export"_qs }) {
        err << "crn-server audit: the one action is 'export'.\n\n";
        return usage(err, 2);
    }
    if (database.isEmpty()) {
        err << "crn-server audit export: --db FILE is required.\n\n";
        return usage(err, 2);
    }
    AuditQuery query;
    query.limit = 0;
    for (const auto &[text, time, name] :
         { std::tuple { &from, &query.from, "--from" }, std::tuple { &to, &query.to, "--to" } }) {
        if (text->isEmpty())
            continue;
        const std::optional<Timestamp> parsed = Timestamp::parseIso(*text);
        if (!parsed) {
            err << "crn-server audit export: " << name
                << " takes an ISO 8601 time such as 2023-09-06T00:00:00Z.\n\n";
            return usage(err, 2);
        }
        *time = *parsed;
    }

    if (!QFileInfo(database).isFile()) {
        err << "crn-server: the call database " << database << " does not exist.\n";
        return 1;
    }
    QString error;
    const std::unique_ptr<CallStore> store = CallStore::open(database, &error);
    if (!store) {
        err << "crn-server: " << error << '\n';
        return 1;
    }
    AuditLog log(store->database());
    if (!log.migrate(&error)) {
        err << "crn-server: " << error << '\n';
        return 1;
    }
    const std::optional<QList<AuditEntry>> entries = log.entries(query, &error);
    if (!entries) {
        err << "crn-server audit export: " << error << '\n';
        return 1;
    }
    const QByteArray csv = auditCsv(*entries);

    if (out.isEmpty()) {
        std::fwrite(csv.constData(), 1, size_t(csv.size()), stdout);
        std::fflush(stdout);
        return 0;
    }
    QSaveFile file(out);
    if (!file.open(QIODevice::WriteOnly) || file.write(csv) != csv.size() || !file.commit()) {
        err << "crn-server audit export: cannot write " << out << ": " << file.errorString()
            << '\n';
        return 1;
    }
    return 0;
}
