#pragma once

#include <QSqlDatabase>
#include <QString>

#include <optional>

// Where crn-server keeps its data, as the --db option of every command gives it: a file path
// (SQLite, the default) or a PostgreSQL URL, postgresql://user[:password]@host[:port]/dbname
// (also postgres://). Without a password in the URL, PGPASSWORD is used. The one place that
// reads --db, so that serve, import and the other commands accept the same forms and refuse
// a malformed URL with the same sentence.
//
// Pure values; parse() and open() may run on any thread (open() creates a connection that
// belongs to the calling thread). Nothing here ever writes the password into a sentence.
struct DatabaseAddress
{
    enum class Kind { SQLiteFile, PostgreSQL };

    Kind kind = Kind::SQLiteFile;
    QString path; // SQLiteFile: the file
    QString user; // PostgreSQL: the rest
    QString password; // from the URL or PGPASSWORD; never printed
    QString host; // empty: libpq's default (its local socket)
    int port = 5432;
    QString databaseName;
    QString connectOptions; // libpq options from the URL's query, e.g. "sslmode=require"

    // Nullopt with a sentence in *error for an empty text or a malformed URL.
    static std::optional<DatabaseAddress> parse(const QString &text, QString *error);

    bool isPostgreSQL() const { return kind == Kind::PostgreSQL; }
    // For messages and logs: the path, or the URL without its password.
    QString displayName() const;

    // Adds and opens a connection of this name. On failure the connection is removed again
    // and *error says why in a sentence (a refused connection names the host and port).
    bool open(const QString &connectionName, QString *error) const;
};
