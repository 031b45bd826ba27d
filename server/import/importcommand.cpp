#include "commands.h"

#include "import/importer.h"
#include "store/callstore.h"

#include <QFileInfo>
#include <QTextStream>

namespace {

int usage(QTextStream &out, int exitCode)
{
    out << "Usage: crn-server import --db FILE|URL [--recordings DIR] PATH...\n"
           "       crn-server import --db FILE|URL --recordings DIR\n\n"
           "Reads call records into a call database, creating it if needed, and links\n"
           "recordings to the calls.\n"
           "PATH is a file or a folder (read recursively). Each file's format is told from its\n"
           "content: Asterisk CDR (cdr_csv, or CSV with a header), CEL (cel_csv, or a psql dump\n"
           "of the cel table) and queue_log (the flat file, or the database form as CSV or\n"
           "psql); FreeSWITCH XML CDRs (mod_xml_cdr); recording mappings (CSV with the header\n"
           "file,leg_or_crn,start_time, files relative to DIR, start as ISO 8601 or epoch\n"
           "seconds, empty when unknown).\n"
           "Other files are reported and skipped; bad rows are reported as FILE:LINE: reason\n"
           "and skipped. Importing a file again adds nothing.\n\n"
           "Recordings are the .wav, .gsm, .ogg, .opus and .mp3 files under DIR (any case, any\n"
           "subfolder); the server serves them from there. Each is linked to its call by a\n"
           "mapping, else by a FreeSWITCH CDR that names it, else by the uniqueid, linkedid or\n"
           "UUID in its name (Asterisk MixMonitor: 1718100000.42.wav, with any prefix, suffix\n"
           "or date folders). One whose call is not imported yet is linked by the import that\n"
           "brings it. Audio files among the PATHs outside DIR are reported and skipped.\n\n"
           "Options:\n"
           "  --db FILE|URL       the call database to write: a SQLite file, or\n"
           "                      postgresql://user[:password]@host[:port]/dbname (the\n"
           "                      password may come from PGPASSWORD instead)\n"
           "  --recordings DIR    the folder of recordings to link to the calls\n"
           "  -h, --help          show this text\n";
    return exitCode;
}

} // namespace

int runImportCommand(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);

    QString database;
    QString recordings;
    QStringList paths;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (argument == u"-h" || argument == u"--help")
            return usage(out, 0);
        if (argument == u"--db") {
            if (i + 1 == arguments.size()) {
                err << "crn-server import: --db needs a file name or a postgresql:// URL\n\n";
                return usage(err, 2);
            }
            database = arguments.at(++i);
        } else if (argument.startsWith(u"--db=")) {
            database = argument.mid(5);
        } else if (argument == u"--recordings") {
            if (i + 1 == arguments.size()) {
                err << "crn-server import: --recordings needs a folder\n\n";
                return usage(err, 2);
            }
            recordings = arguments.at(++i);
        } else if (argument.startsWith(u"--recordings=")) {
            recordings = argument.mid(13);
        } else if (argument.startsWith(u'-') && argument.size() > 1) {
            err << "crn-server import: unknown option '" << argument << "'\n\n";
            return usage(err, 2);
        } else {
            paths.append(argument);
        }
    }
    // With a recordings folder alone, the import links new recordings to the calls known.
    if (database.isEmpty() || (paths.isEmpty() && recordings.isEmpty())) {
        err << "crn-server import: " << (database.isEmpty() ? "--db FILE|URL" : "a PATH")
            << " is required\n\n";
        return usage(err, 2);
    }

    if (!recordings.isEmpty() && !QFileInfo(recordings).isDir()) {
        err << "crn-server import: the recordings folder " << recordings << " does not exist\n";
        return 1;
    }

    QString error;
    const auto store = CallStore::open(database, &error);
    if (!store) {
        err << "crn-server import: " << error << '\n';
        return 1;
    }

    // Problems go to stderr as they are found; the one summary line to stdout at the end.
    Importer importer(*store);
    importer.setRecordingsFolder(recordings);
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
    // Nothing read at all is a failure for a script that imports on a schedule; a run for the
    // recordings folder alone reads no record file.
    if (!report.ok || (report.filesRead == 0 && !paths.isEmpty()))
        return 1;
    for (const ImportProblem &problem : report.problems) {
        if (problem.line == 0 && problem.message == u"no such file or folder")
            return 1;
    }
    return 0;
}
