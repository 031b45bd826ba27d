#include "access/userstore.h"

#include "model/crntext.h"
#include "store/migrations.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>

#include <array>

namespace {

const QString kComponent = u"access"_qs;

QList<MigrationStep> migrationSteps()
{
    // Portable DDL: TEXT, BIGINT and INTEGER mean the same on both; no identity column needed,
    // as the name is the key.
    return { { 1,
               { u"CREATE TABLE users ("
                 " name TEXT PRIMARY KEY,"
                 " role TEXT NOT NULL,"
                 " agent_id TEXT NOT NULL,"
                 " token_hash TEXT NOT NULL UNIQUE,"
                 " created_us BIGINT NOT NULL,"
                 " disabled INTEGER NOT NULL DEFAULT 0)"_qs },
               {} } };
}

qint64 nowUs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1000;
}

} // namespace

UserStore::UserStore(QSqlDatabase database)
    : m_database(std::move(database))
{ }

bool UserStore::migrate(QString *error)
{
    return applyMigrations(m_database, kComponent, migrationSteps(), error);
}

QByteArray UserStore::newToken()
{
    std::array<quint32, 8> words {};
    QRandomGenerator::system()->fillRange(words.data(), words.size());
    const QByteArray bytes(reinterpret_cast<const char *>(words.data()), sizeof words);
    return "crn_" + bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray UserStore::tokenHash(QByteArrayView token)
{
    return QCryptographicHash::hash(token, QCryptographicHash::Sha256).toHex();
}

std::optional<QByteArray> UserStore::addUser(const QString &name, Role role, const QString &agentId,
                                             AddMode mode, QString *error)
{
    const QString user = name.trimmed();
    if (user.isEmpty()) {
        *error = u"A user needs a name."_qs;
        return std::nullopt;
    }
    const QString agent = CrnText::normalized(agentId.isEmpty() ? user : agentId);
    const QByteArray token = newToken();

    // One statement, so that two commands adding one name at once (on one SQLite file or one
    // PostgreSQL database) make one user: the database decides which came first, and the other
    // is told that the name exists, not shown a unique-constraint error.
    QSqlQuery query(m_database);
    query.prepare(u"INSERT INTO users (name, role, agent_id, token_hash, created_us, disabled)"
                  " VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (name) "_qs
                  + (mode == AddMode::New
                         ? u"DO NOTHING"_qs
                         : u"DO UPDATE SET role = excluded.role, agent_id = excluded.agent_id,"
                           " token_hash = excluded.token_hash, disabled = 0"_qs));
    query.addBindValue(user);
    query.addBindValue(roleName(role));
    query.addBindValue(agent);
    query.addBindValue(QString::fromLatin1(tokenHash(token)));
    query.addBindValue(nowUs());
    if (!query.exec()) {
        *error = u"Cannot write the users table: "_qs + query.lastError().text();
        return std::nullopt;
    }
    if (query.numRowsAffected() != 1) {
        *error = QStringLiteral("A user named \"%1\" exists already; give --replace-token to "
                                "make them a new token.")
                     .arg(user);
        return std::nullopt;
    }
    return token;
}

bool UserStore::disableUser(const QString &name, QString *error)
{
    QSqlQuery query(m_database);
    query.prepare(u"UPDATE users SET disabled = 1 WHERE name = ?"_qs);
    query.addBindValue(name.trimmed());
    if (!query.exec()) {
        *error = u"Cannot write the users table: "_qs + query.lastError().text();
        return false;
    }
    if (query.numRowsAffected() < 1) {
        *error = QStringLiteral("No user is named \"%1\".").arg(name.trimmed());
        return false;
    }
    return true;
}

std::optional<QList<UserRecord>> UserStore::users(QString *error)
{
    QSqlQuery query(m_database);
    query.setForwardOnly(true);
    if (!query.exec(u"SELECT name, role, agent_id, created_us, disabled FROM users"
                    " ORDER BY name"_qs)) {
        *error = u"Cannot read the users table: "_qs + query.lastError().text();
        return std::nullopt;
    }
    QList<UserRecord> users;
    while (query.next()) {
        UserRecord user;
        user.name = query.value(0).toString();
        user.role = roleFromName(query.value(1).toString()).value_or(Role::Agent);
        user.agentId = query.value(2).toString();
        user.createdUs = query.value(3).toLongLong();
        user.disabled = query.value(4).toInt() != 0;
        users.append(user);
    }
    return users;
}

std::optional<Caller> UserStore::callerForHash(const QByteArray &hash, Lookup *lookup,
                                               QString *error)
{
    QSqlQuery query(m_database);
    query.setForwardOnly(true);
    query.prepare(
        u"SELECT name, role, agent_id FROM users WHERE token_hash = ? AND disabled = 0"_qs);
    query.addBindValue(QString::fromLatin1(hash));
    if (!query.exec()) {
        *lookup = Lookup::Failed;
        *error = query.lastError().text();
        return std::nullopt;
    }
    if (!query.next()) {
        *lookup = Lookup::Unknown;
        return std::nullopt;
    }
    // A role word this server does not know (a newer one wrote it) grants nothing.
    const std::optional<Role> role = roleFromName(query.value(1).toString());
    if (!role) {
        *lookup = Lookup::Unknown;
        return std::nullopt;
    }
    *lookup = Lookup::Found;
    return Caller { query.value(0).toString(), *role, query.value(2).toString() };
}
