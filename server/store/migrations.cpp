#include "store/migrations.h"

#include "logging.h"

#include <QCryptographicHash>
#include <QSqlError>
#include <QSqlQuery>

SqlDialect sqlDialect(const QSqlDatabase &database)
{
    return database.driverName() == u"QPSQL"_qs ? SqlDialect::PostgreSQL : SqlDialect::SQLite;
}

namespace {

// A stable number for pg_advisory_xact_lock, which takes a 64-bit key.
qint64 lockKey(const QString &component)
{
    const QByteArray digest = QCryptographicHash::hash(
        u"crn-server schema "_qs.append(component).toUtf8(), QCryptographicHash::Sha256);
    qint64 key = 0;
    for (int i = 0; i < 8; ++i)
        key = (key << 8) | static_cast<unsigned char>(digest.at(i));
    return key;
}

bool exec(QSqlQuery &query, const QString &statement, QString *why)
{
    if (query.exec(statement))
        return true;
    *why = query.lastError().text();
    return false;
}

// Whether the component's tables are at version newest or later, outside any transaction; a
// missing schema_versions table, or no row for the component, is not.
bool upToDate(const QSqlDatabase &database, const QString &component, int newest)
{
    QSqlQuery query(database);
    query.prepare(u"SELECT version FROM schema_versions WHERE component = ?"_qs);
    query.addBindValue(component);
    return query.exec() && query.next() && query.value(0).toInt() >= newest;
}

} // namespace

bool applyMigrations(QSqlDatabase database, const QString &component,
                     const QList<MigrationStep> &steps, QString *error)
{
    return applyMigrations(database, component, steps, {}, error);
}

bool applyMigrations(QSqlDatabase database, const QString &component,
                     const QList<MigrationStep> &steps, const MigrationCode &afterStep,
                     QString *error)
{
    const SqlDialect dialect = sqlDialect(database);
    const QString what = QStringLiteral("Cannot bring the %1 tables up to date").arg(component);
    QString why;
    auto failed = [&](const QString &reason) {
        database.rollback();
        if (error)
            *error = what + u": "_qs + reason;
        qCWarning(lcStore).noquote() << what << reason;
        return false;
    };

    const int newest = steps.isEmpty() ? 0 : steps.constLast().version;
    if (dialect == SqlDialect::SQLite && !upToDate(database, component, newest)) {
        // A SQLite transaction that reads first and writes later fails at once ("database is
        // locked", with no busy wait) when another connection wrote in between, as two commands
        // creating a new database's tables at once do. So a migration with work to do takes
        // the write lock first; one with none only reads, and never waits for a long import.
        QSqlQuery begin(database);
        if (!begin.exec(u"BEGIN IMMEDIATE"_qs))
            return failed(begin.lastError().text());
    } else if (!database.transaction()) {
        return failed(database.lastError().text());
    }

    QSqlQuery query(database);
    if (dialect == SqlDialect::PostgreSQL) {
        // One key for every component: all of them create schema_versions if it is missing,
        // and two CREATE TABLE IF NOT EXISTS at once may both try to create it.
        query.prepare(u"SELECT pg_advisory_xact_lock(?)"_qs);
        query.addBindValue(lockKey(u"all components"_qs));
        if (!query.exec())
            return failed(query.lastError().text());
    }

    if (!exec(query,
              u"CREATE TABLE IF NOT EXISTS schema_versions ("
              " component TEXT PRIMARY KEY, version INTEGER NOT NULL)"_qs,
              &why))
        return failed(why);

    query.prepare(u"SELECT version FROM schema_versions WHERE component = ?"_qs);
    query.addBindValue(component);
    if (!query.exec())
        return failed(query.lastError().text());
    const int current = query.next() ? query.value(0).toInt() : 0;
    query.finish();

    if (current > newest)
        return failed(QStringLiteral("the database was written by a newer crn-server (%1 "
                                     "version %2, this one knows %3)")
                          .arg(component)
                          .arg(current)
                          .arg(newest));

    for (const MigrationStep &step : steps) {
        if (step.version <= current)
            continue;

        const QStringList &statements
            = dialect == SqlDialect::PostgreSQL && !step.postgresql.isEmpty() ? step.postgresql
                                                                              : step.sqlite;
        for (const QString &statement : statements) {
            if (!exec(query, statement, &why))
                return failed(QStringLiteral("step %1: %2").arg(step.version).arg(why));
        }
        if (afterStep && !afterStep(step.version, database, &why))
            return failed(QStringLiteral("step %1: %2").arg(step.version).arg(why));
    }

    if (newest > current) {
        query.prepare(current == 0
                          ? u"INSERT INTO schema_versions (version, component) VALUES (?, ?)"_qs
                          : u"UPDATE schema_versions SET version = ? WHERE component = ?"_qs);
        query.addBindValue(newest);
        query.addBindValue(component);
        if (!query.exec())
            return failed(query.lastError().text());
        // Creating a new database's tables is no news; bringing stored data forward is.
        if (current > 0)
            qCInfo(lcStore).noquote() << "The" << component << "tables were brought from version"
                                      << current << "to" << newest;
        else
            qCDebug(lcStore).noquote()
                << "Created the" << component << "tables at version" << newest;
    }

    if (!database.commit())
        return failed(database.lastError().text());
    return true;
}
