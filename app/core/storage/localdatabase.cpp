#include "localdatabase.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

LocalDatabase::~LocalDatabase()
{
    close();
}

QSqlDatabase LocalDatabase::database() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

bool LocalDatabase::isDamage(const QSqlError &error)
{
    const QString code = error.nativeErrorCode();
    return code == u"26" || code == u"11";
}

bool LocalDatabase::open(const QString &filePath, const Setup &setup, QString *why)
{
    close();
    m_setAside = SetAside::No;
    m_keptAs.clear();

    Outcome outcome = tryOpen(filePath, setup, why);
    if (outcome == Outcome::Damaged || outcome == Outcome::Newer) {
        close();
        m_keptAs = moveAside(filePath);
        if (m_keptAs.isEmpty()) {
            m_setAside = SetAside::CouldNot;
            *why = QStringLiteral("%1 cannot be renamed").arg(filePath);
            return false;
        }
        m_setAside = outcome == Outcome::Damaged ? SetAside::Damaged : SetAside::Newer;
        outcome = tryOpen(filePath, setup, why);
    }

    if (outcome != Outcome::Ready) {
        close();
        return false;
    }
    return true;
}

void LocalDatabase::close()
{
    if (m_connectionName.isEmpty())
        return;
    {
        QSqlDatabase db = database();
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
    m_connectionName.clear();
}

LocalDatabase::Outcome LocalDatabase::tryOpen(const QString &filePath, const Setup &setup,
                                              QString *why)
{
    static QAtomicInteger<int> counter;
    m_connectionName
        = setup.connectionPrefix + u'-' + QString::number(counter.fetchAndAddRelaxed(1));
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_qs, m_connectionName);
    db.setDatabaseName(filePath);
    // The console may run twice on one file; wait for the other's write rather than fail.
    db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_qs);
    if (!db.open()) {
        *why = db.lastError().text();
        return isDamage(db.lastError()) ? Outcome::Damaged : Outcome::Failed;
    }

    QSqlQuery query(db);
    if (!query.exec(u"PRAGMA quick_check"_qs)) {
        *why = query.lastError().text();
        return isDamage(query.lastError()) ? Outcome::Damaged : Outcome::Failed;
    }
    if (!query.next() || query.value(0).toString() != u"ok") {
        *why = u"quick_check found damage"_qs;
        return Outcome::Damaged;
    }

    for (const QString &pragma : setup.pragmas) {
        if (!query.exec(pragma)) {
            *why = query.lastError().text();
            return isDamage(query.lastError()) ? Outcome::Damaged : Outcome::Failed;
        }
    }

    if (!query.exec(u"PRAGMA user_version"_qs) || !query.next()) {
        *why = query.lastError().text();
        return Outcome::Failed;
    }
    const int foundVersion = query.value(0).toInt();
    // An open read would keep the migration from dropping what it replaces.
    query.finish();
    if (foundVersion > setup.schemaVersion)
        return Outcome::Newer;
    if (foundVersion < setup.schemaVersion && !setup.migrate()) {
        *why = u"the schema cannot be brought up to date"_qs;
        return Outcome::Failed;
    }
    return Outcome::Ready;
}

// Renames the file and its WAL companions to <name>.corrupt-<UTC time>; returns the new file
// name, or an empty string when the file could not be moved.
QString LocalDatabase::moveAside(const QString &filePath)
{
    const QString stamp = QDateTime::currentDateTimeUtc().toString(u"yyyyMMdd-HHmmss"_qs);
    QString target = filePath + u".corrupt-"_qs + stamp;
    for (int n = 2; QFile::exists(target); ++n)
        target = filePath + u".corrupt-"_qs + stamp + u'-' + QString::number(n);

    if (!QFile::rename(filePath, target))
        return {};
    // The WAL belongs to the damaged file: kept with it, never replayed into the new one.
    for (const QString &suffix : { u"-wal"_qs, u"-shm"_qs }) {
        if (QFile::exists(filePath + suffix) && !QFile::rename(filePath + suffix, target + suffix))
            QFile::remove(filePath + suffix);
    }
    return QFileInfo(target).fileName();
}
