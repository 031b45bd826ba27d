#include "commands.h"

#include <QCoreApplication>
#include <QTextStream>

namespace {

int usage(QTextStream &out, int exitCode)
{
    out << "Usage: crn-server COMMAND [OPTIONS]\n\n"
           "Commands:\n"
           "  import    --db FILE [--recordings DIR] PATH...\n"
           "            read call records into the database and link their recordings\n"
           "  serve     --db FILE [--listen HOST:PORT] [--recordings DIR]\n"
           "            answer the console's HTTP API, recordings included\n"
           "  generate  --out DIR [--calls N] [--seed S] [--recordings]\n"
           "            write a synthetic contact-center day, with recordings if asked\n"
           "  user      add NAME --role ROLE [--agent ID] [--replace-token] --db FILE\n"
           "            | list --db FILE | disable NAME --db FILE: who may use the API\n"
           "  audit     export --db FILE [--from T] [--to T] [--out FILE]\n"
           "            the audit log as CSV\n"
           "\n"
           "Run 'crn-server COMMAND --help' for a command's options.\n";
    return exitCode;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"crn-server"_qs);
    QCoreApplication::setApplicationVersion(QStringLiteral(CRN_VERSION));

    QStringList arguments = QCoreApplication::arguments();
    arguments.removeFirst();
    QTextStream err(stderr);
    if (arguments.isEmpty())
        return usage(err, 2);

    const QString command = arguments.takeFirst();
    if (command == u"import")
        return runImportCommand(arguments);
    if (command == u"serve")
        return runServeCommand(arguments);
    if (command == u"generate")
        return runGenerateCommand(arguments);
    if (command == u"user")
        return runUserCommand(arguments);
    if (command == u"audit")
        return runAuditCommand(arguments);
    if (command == u"--version") {
        QTextStream(stdout) << "crn-server " << QCoreApplication::applicationVersion() << '\n';
        return 0;
    }
    if (command == u"--help" || command == u"-h") {
        QTextStream out(stdout);
        return usage(out, 0);
    }
    err << "crn-server: unknown command '" << command << "'\n\n";
    return usage(err, 2);
}
