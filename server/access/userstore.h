#pragma once

#include "access/caller.h"

#include <QByteArray>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <optional>

// One row of the users table as `crn-server user list` shows it: never the token or its hash.
struct UserRecord
{
    QString name;
    Role role = Role::Agent;
    QString agentId;
    qint64 createdUs = 0;
    bool disabled = false;
};

// The users and their bearer tokens, in the call database (the "access" component of
// applyMigrations, SQL that reads the same on SQLite and PostgreSQL).
//
// Only the SHA-256 of a token is stored, as lowercase hex; the token itself exists only in the
// answer of addUser(), which the command prints once. Lookups go by that hash, so no token is
// ever compared in a way whose time depends on its bytes. Works on a connection it does not
// own, on that connection's thread. Failures come back as false or an empty optional with a
// sentence in *error.
class UserStore
{
public:
    explicit UserStore(QSqlDatabase database);

    // Creates or updates the users table.
    bool migrate(QString *error);

    // "crn_" and base64url (no padding) of 32 bytes from the system's random source.
    static QByteArray newToken();
    // The stored form of a token: SHA-256, lowercase hex.
    static QByteArray tokenHash(QByteArrayView token);

    enum class AddMode { New, ReplaceToken };
    // A new token for the user, or nothing with *error. New refuses an existing name;
    // ReplaceToken gives an existing user (or a new one) a new token, the role and agent id
    // given, and enables it again. agentId empty: the name; both are stored in CrnText's
    // normal form, as the call store keeps its agent keys.
    std::optional<QByteArray> addUser(const QString &name, Role role, const QString &agentId,
                                      AddMode mode, QString *error);
    // false with *error when the name is unknown or the database fails.
    bool disableUser(const QString &name, QString *error);
    std::optional<QList<UserRecord>> users(QString *error);

    enum class Lookup { Found, Unknown, Failed };
    // The enabled user whose token has this hash.
    std::optional<Caller> callerForHash(const QByteArray &hash, Lookup *lookup, QString *error);

private:
    QSqlDatabase m_database;
};
