#include "audit/auditlog.h"

#include "logging.h"
#include "store/migrations.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>

namespace {

const QString kComponent = u"audit"_qs;

QList<MigrationStep> migrationSteps()
{
    // The id is the cursor and must grow with every row: AUTOINCREMENT never reuses one, nor
    // does an identity column. "user" is a reserved word in PostgreSQL, hence user_name.
    const QString columns = u" at_us BIGINT NOT NULL,"
                            " user_name TEXT NOT NULL,"
                            " role TEXT NOT NULL,"
                            " action TEXT NOT NULL,"
                            " crn TEXT NOT NULL DEFAULT '',"
                            " recording_id TEXT NOT NULL DEFAULT '',"
                            " escalation_id TEXT NOT NULL DEFAULT '',"
                            " detail TEXT NOT NULL DEFAULT '')"_qs;
    const QString index = u"CREATE INDEX audit_log_by_at ON audit_log (at_us)"_qs;
    return { { 1,
               { u"CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT,"_qs + columns,
                 index },
               { u"CREATE TABLE audit_log (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"_qs
                     + columns,
                 index } } };
}

constexpr std::pair<AuditAction, const char16_t *> kActionNames[] = {
    { AuditAction::CallViewed, u"call_viewed" },
    { AuditAction::RecordingDownloaded, u"recording_downloaded" },
    { AuditAction::RecordingPlayed, u"recording_played" },
    { AuditAction::EscalationCreated, u"escalation_created" },
    { AuditAction::EscalationStatusChanged, u"escalation_status_changed" },
    { AuditAction::EscalationCommented, u"escalation_commented" },
};

// A null QString binds as SQL NULL; the columns hold '' for "does not apply".
QString text(const QString &value)
{
    return value.isNull() ? u""_qs : value;
}

} // namespace

QString auditActionName(AuditAction action)
{
    for (const auto &[value, name] : kActionNames) {
        if (value == action)
            return QString::fromUtf16(name);
    }
    return {};
}

std::optional<AuditAction> auditActionFromName(QStringView name)
{
    for (const auto &[value, word] : kActionNames) {
        if (name == QStringView(word))
            return value;
    }
    return std::nullopt;
}

AuditLog::AuditLog(QSqlDatabase database, std::shared_ptr<AuditQueue> queue)
    : m_database(std::move(database))
    , m_queue(queue ? std::move(queue) : std::make_shared<AuditQueue>())
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(kBatchMs);
    QObject::connect(&m_flushTimer, &QTimer::timeout, &m_flushTimer, [this] { flush(); });
}

AuditLog::~AuditLog()
{
    flush();
}

bool AuditLog::migrate(QString *error)
{
    return applyMigrations(m_database, kComponent, migrationSteps(), error);
}

void AuditLog::record(const Caller &caller, AuditAction action, const AuditTarget &target)
{
    AuditEntry entry;
    entry.at = Timestamp::fromMicroseconds(QDateTime::currentMSecsSinceEpoch() * 1000);
    entry.user = caller.user;
    entry.role = caller.role;
    entry.action = action;
    entry.target = target;
    {
        const QMutexLocker locker(&m_queue->pendingMutex);
        m_queue->pending.append(entry);
    }
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

bool AuditLog::flush(QString *error)
{
    m_flushTimer.stop();
    // One writer at a time: a flush that finds the queue empty must still wait for rows another
    // thread has taken and not yet committed, or a read right after it would miss them.
    const QMutexLocker writing(&m_queue->writeMutex);
    QList<AuditEntry> rows;
    {
        const QMutexLocker locker(&m_queue->pendingMutex);
        rows.swap(m_queue->pending);
    }
    if (rows.isEmpty())
        return true;

    const auto failed = [&](const QString &why) {
        m_database.rollback();
        qCWarning(lcServer).noquote() << "Cannot write" << rows.size() << "audit rows:" << why;
        if (error)
            *error = why;
        // Tried again with the next row, or at the next read, before the rows queued since.
        const QMutexLocker locker(&m_queue->pendingMutex);
        m_queue->pending = rows + m_queue->pending;
        return false;
    };
    if (!m_database.transaction())
        return failed(m_database.lastError().text());
    if (sqlDialect(m_database) == SqlDialect::PostgreSQL) {
        // The id is the readers' cursor, so rows must become visible in the order of their ids.
        // An identity hands out numbers at insert time, and two servers' flushes could commit
        // in the other order: a reader between the two commits would move its cursor past the
        // smaller id for good. This lock (which no reader takes) makes writers take turns from
        // before their first number to their commit. SQLite's one write lock does the same.
        QSqlQuery lock(m_database);
        if (!lock.exec(u"LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE"_qs))
            return failed(lock.lastError().text());
    }
    QSqlQuery insert(m_database);
    insert.prepare(u"INSERT INTO audit_log (at_us, user_name, role, action, crn, recording_id,"
                   " escalation_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"_qs);
    for (const AuditEntry &entry : std::as_const(rows)) {
        insert.addBindValue(entry.at.microseconds());
        insert.addBindValue(text(entry.user));
        insert.addBindValue(roleName(entry.role));
        insert.addBindValue(auditActionName(entry.action));
        insert.addBindValue(text(entry.target.crn));
        insert.addBindValue(text(entry.target.recordingId));
        insert.addBindValue(text(entry.target.escalationId));
        insert.addBindValue(text(entry.target.detail));
        if (!insert.exec())
            return failed(insert.lastError().text());
    }
    if (!m_database.commit())
        return failed(m_database.lastError().text());
    return true;
}

std::optional<QList<AuditEntry>> AuditLog::entries(const AuditQuery &query, QString *error)
{
    if (!flush(error))
        return std::nullopt;

    QStringList where { u"id > ?"_qs };
    QVariantList values { query.afterId };
    if (query.from.isValid()) {
        where.append(u"at_us >= ?"_qs);
        values.append(query.from.microseconds());
    }
    if (query.to.isValid()) {
        where.append(u"at_us < ?"_qs);
        values.append(query.to.microseconds());
    }
    if (!query.user.isEmpty()) {
        where.append(u"user_name = ?"_qs);
        values.append(query.user);
    }
    if (query.action) {
        where.append(u"action = ?"_qs);
        values.append(auditActionName(*query.action));
    }
    QString sql = u"SELECT id, at_us, user_name, role, action, crn, recording_id, escalation_id,"
                  " detail FROM audit_log WHERE "_qs
        + where.join(u" AND "_qs) + u" ORDER BY id"_qs;
    if (query.limit > 0)
        sql += u" LIMIT "_qs + QString::number(query.limit);

    QSqlQuery select(m_database);
    select.setForwardOnly(true);
    select.prepare(sql);
    for (const QVariant &value : std::as_const(values))
        select.addBindValue(value);
    if (!select.exec()) {
        *error = u"Cannot read the audit log: "_qs + select.lastError().text();
        return std::nullopt;
    }
    QList<AuditEntry> entries;
    while (select.next()) {
        AuditEntry entry;
        entry.id = select.value(0).toLongLong();
        entry.at = Timestamp::fromMicroseconds(select.value(1).toLongLong());
        entry.user = select.value(2).toString();
        entry.role = roleFromName(select.value(3).toString()).value_or(Role::Agent);
        entry.action
            = auditActionFromName(select.value(4).toString()).value_or(AuditAction::CallViewed);
        entry.target = { select.value(5).toString(), select.value(6).toString(),
                         select.value(7).toString(), select.value(8).toString() };
        entries.append(entry);
    }
    return entries;
}
