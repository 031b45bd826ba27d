#include "commands.h"

#include "import/importer.h"
#include "store/callstore.h"

#include <QTextStream>

namespace {

int usage(QTextStream &out, int exitCode)
{
    out << "Usage: crn-server import --db FILE PATH...\n\n"
           "Reads Asterisk call records into a call database, creating it if needed.\n"
           "PATH is a file or a folder (read recursively). Each file's format is told from its\n"
           "content: CDR (cdr_csv, or CSV with a header), CEL (cel_csv, or a psql dump of the\n"
           "cel table) and queue_log (the flat file, or the database form as CSV or psql).\n"
           "Other files are reported and skipped; bad rows are reported as FILE:LINE: reason\n"
           "and skipped. Importing a file again adds nothing.\n\n"
           "Options:\n"
           "  --db FILE    the call database to write (SQLite)\n"
           "  -h, --help   show this text\n";
    return exitCode;
}

} // namespace

int runImportCommand(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);

    QString database;
    QStringList paths;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (argument == u"-h" || argument == u"--help")
            return usage(out, 0);
        if (argument == u"--db") {
            if (i + 1 == arguments.size()) {
                err << "crn-server import: --db needs a file name\n\n";
                return usage(err, 2);
            }
            database = arguments.at(++i);
        } else if (argument.startsWith(u"--db=")) {
            database = argument.mid(5);
        } else if (argument.startsWith(u'-') && argument.size() > 1) {
            err << "crn-server import: unknown option '" << argument << "'\n\n";
            return usage(err, 2);
        } else {
            paths.append(argument);
        }
    }
    if (database.isEmpty() || paths.isEmpty()) {
        err << "crn-server import: " << (database.isEmpty() ? "--db FILE" : "a PATH")
            << " is required\n\n";
        return usage(err, 2);
    }

    QString error;
    const auto store = CallStore::open(database, &error);
    if (!store) {
        err << "crn-server import: " << error << '\n';
        return 1;
    }

    // Problems go to stderr as they are found; the one summary line to stdout at the end.
    Importer importer(*store);
    QObject::connect(&importer, &Importer::fileSkipped,
                     [&err](const QString &path, const QString &reason) {
                         err << path << ": skipped: " << reason << '\n';
                         err.flush();
                     });
    QObject::connect(&importer, &Importer::rowRejected,
                     [&err](const QString &path, qint64 line, const QString &reason) {
                         err << path << ':' << line << ": " << reason << '\n';
                     });

    const ImportReport report = importer.importPaths(paths);
    err.flush();
    out << report.summaryLine() << '\n';
    // Nothing read at all is a failure for a script that imports on a schedule.
    if (!report.ok || report.filesRead == 0)
        return 1;
    for (const ImportProblem &problem : report.problems) {
        if (problem.line == 0 && problem.message == u"no such file or folder")
            return 1;
    }
    return 0;
}
