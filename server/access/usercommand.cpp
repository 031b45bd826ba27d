#include "commands.h"

#include "access/userstore.h"
#include "model/timestamp.h"
#include "store/callstore.h"

#include <QFileInfo>
#include <QTextStream>

#include <cstdio>

namespace {

int usage(QTextStream &out, int exitCode)
{
    out << "Usage: crn-server user add NAME --role supervisor|auditor|agent [--agent AGENT_ID]\n"
           "                           [--replace-token] --db FILE\n"
           "       crn-server user list --db FILE\n"
           "       crn-server user disable NAME --db FILE\n\n"
           "Manages who may use the HTTP API. 'add' prints the new user's bearer token once,\n"
           "alone on one line; the database keeps only its SHA-256. --agent names the agent\n"
           "whose calls an agent may read (default: NAME). --replace-token gives an existing\n"
           "user a new token (the old one stops working), the role given, and enables them.\n"
           "'disable' ends a user's token within two seconds, also for a running server.\n";
    return exitCode;
}

struct Options
{
    QString action;
    QString name;
    QString role;
    QString agent;
    QString database;
    bool replaceToken = false;
};

// Empty optional: a usage error, already reported.
std::optional<Options> parse(const QStringList &arguments, QTextStream &err, bool *help)
{
    Options options;
    QStringList positional;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (argument == u"-h" || argument == u"--help") {
            *help = true;
            return std::nullopt;
        }
        QString *value = argument == u"--role" ? &options.role
            : argument == u"--agent"           ? &options.agent
            : argument == u"--db"              ? &options.database
                                               : nullptr;
        if (value) {
            if (i + 1 >= arguments.size()) {
                err << "crn-server user: " << argument << " needs a value.\n\n";
                return std::nullopt;
            }
            *value = arguments.at(++i);
        } else if (argument == u"--replace-token") {
            options.replaceToken = true;
        } else if (argument.startsWith(u"--")) {
            err << "crn-server user: unknown option '" << argument << "'.\n\n";
            return std::nullopt;
        } else {
            positional.append(argument);
        }
    }
    if (positional.isEmpty()) {
        err << "crn-server user: say add, list or disable.\n\n";
        return std::nullopt;
    }
    options.action = positional.takeFirst();
    const bool needsName = options.action == u"add" || options.action == u"disable";
    if (options.action != u"list" && !needsName) {
        err << "crn-server user: unknown action '" << options.action << "'.\n\n";
        return std::nullopt;
    }
    if (positional.size() != (needsName ? 1 : 0)) {
        err << "crn-server user " << options.action
            << (needsName ? ": give exactly one NAME.\n\n" : ": takes no NAME.\n\n");
        return std::nullopt;
    }
    if (needsName)
        options.name = positional.constFirst();
    if (options.database.isEmpty()) {
        err << "crn-server user: --db FILE is required.\n\n";
        return std::nullopt;
    }
    if (options.action == u"add" && !roleFromName(options.role)) {
        err << "crn-server user add: --role must be supervisor, auditor or agent.\n\n";
        return std::nullopt;
    }
    return options;
}

} // namespace

int runUserCommand(const QStringList &arguments)
{
    QTextStream err(stderr);
    bool help = false;
    const std::optional<Options> options = parse(arguments, err, &help);
    if (!options) {
        if (help) {
            QTextStream out(stdout);
            return usage(out, 0);
        }
        return usage(err, 2);
    }

    // A typo in the path would otherwise create an empty database beside the real one.
    if (!QFileInfo(options->database).isFile()) {
        err << "crn-server: the call database " << options->database
            << " does not exist. Import call records into it first with 'crn-server import'.\n";
        return 1;
    }
    QString error;
    const std::unique_ptr<CallStore> store = CallStore::open(options->database, &error);
    if (!store) {
        err << "crn-server: " << error << '\n';
        return 1;
    }
    UserStore users(store->database());
    if (!users.migrate(&error)) {
        err << "crn-server: " << error << '\n';
        return 1;
    }

    if (options->action == u"add") {
        const std::optional<QByteArray> token = users.addUser(
            options->name, *roleFromName(options->role), options->agent,
            options->replaceToken ? UserStore::AddMode::ReplaceToken : UserStore::AddMode::New,
            &error);
        if (!token) {
            err << "crn-server user add: " << error << '\n';
            return 1;
        }
        // Only the token, so that a script can take stdout as it is.
        std::fwrite(token->constData(), 1, size_t(token->size()), stdout);
        std::fputc('\n', stdout);
        std::fflush(stdout);
        return 0;
    }

    if (options->action == u"disable") {
        if (!users.disableUser(options->name, &error)) {
            err << "crn-server user disable: " << error << '\n';
            return 1;
        }
        return 0;
    }

    const std::optional<QList<UserRecord>> list = users.users(&error);
    if (!list) {
        err << "crn-server user list: " << error << '\n';
        return 1;
    }
    QTextStream out(stdout);
    out << "name\trole\tagent\tcreated\tdisabled\n";
    for (const UserRecord &user : *list) {
        out << user.name << '\t' << roleName(user.role) << '\t' << user.agentId << '\t'
            << Timestamp::fromMicroseconds(user.createdUs).toIso() << '\t'
            << (user.disabled ? "yes" : "no") << '\n';
    }
    return 0;
}
