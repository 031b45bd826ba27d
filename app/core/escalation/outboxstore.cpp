#include "outboxstore.h"

#include "logging.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace {

qint64 toMs(const QDateTime &time)
{
    return time.toMSecsSinceEpoch();
}

QDateTime fromMs(const QVariant &ms)
{
    return ms.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(ms.toLongLong(), Qt::UTC);
}

QString fieldsToJson(const QMap<QString, QString> &fields)
{
    QJsonObject object;
    for (auto it = fields.cbegin(); it != fields.cend(); ++it)
        object.insert(it.key(), it.value());
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QMap<QString, QString> fieldsFromJson(const QString &text)
{
    QMap<QString, QString> fields;
    const QJsonObject object = QJsonDocument::fromJson(text.toUtf8()).object();
    for (auto it = object.constBegin(); it != object.constEnd(); ++it)
        fields.insert(it.key(), it.value().toString());
    return fields;
}

const QString kColumns = u"id, idempotency_key, body, crn, summary, state, attempts, "
                         "next_attempt_ms, last_error, field_errors, escalation_id, created_ms, "
                         "updated_ms"_qs;

} // namespace

OutboxStore::OutboxStore() = default;

OutboxStore::~OutboxStore()
{
    m_db.close();
}

bool OutboxStore::fail(const QString &sentence, const QString &why)
{
    qCWarning(lcCache).noquote() << "outbox:" << sentence << why;
    m_problem = sentence;
    return false;
}

bool OutboxStore::open(const QString &filePath)
{
    const QFileInfo info(filePath);
    if (!QDir().mkpath(info.absolutePath()))
        return fail(tr("The escalation outbox cannot be created in %1, so escalations cannot be "
                       "submitted.")
                        .arg(QDir::toNativeSeparators(info.absolutePath())),
                    QString());

    // synchronous=FULL: a submission is on the disk, not just in the WAL's page cache, before
    // the console calls it queued.
    const LocalDatabase::Setup setup { u"crn-outbox"_qs,
                                       { u"PRAGMA journal_mode=WAL"_qs,
                                         u"PRAGMA synchronous=FULL"_qs,
                                         u"PRAGMA foreign_keys=ON"_qs },
                                       kSchemaVersion,
                                       [this] {
                                           return migrate();
                                       } };
    QString why;
    const bool opened = m_db.open(filePath, setup, &why);

    const QString keptAs = m_db.keptAs();
    switch (m_db.setAside()) {
    case LocalDatabase::SetAside::No:
        break;
    case LocalDatabase::SetAside::Damaged:
        m_resetSentence = tr("The escalation outbox was damaged, so it was kept as %1 and a new, "
                             "empty outbox was started; escalations in it that had not been sent "
                             "were not sent.")
                              .arg(keptAs);
        break;
    case LocalDatabase::SetAside::Newer:
        m_resetSentence = tr("The escalation outbox was written by a newer console, so it was "
                             "kept as %1 and a new, empty outbox was started.")
                              .arg(keptAs);
        break;
    case LocalDatabase::SetAside::CouldNot:
        return fail(tr("The escalation outbox %1 is damaged and cannot be set aside, so "
                       "escalations cannot be submitted.")
                        .arg(QDir::toNativeSeparators(filePath)),
                    why);
    }
    if (!keptAs.isEmpty())
        qCWarning(lcCache).noquote() << "outbox: set aside" << filePath << "as" << keptAs;

    if (!opened) {
        if (m_problem.isEmpty())
            return fail(tr("The escalation outbox %1 cannot be opened, so escalations cannot "
                           "be submitted.")
                            .arg(QDir::toNativeSeparators(filePath)),
                        why);
        return false;
    }
    m_problem.clear();
    m_open = true;
    qCInfo(lcCache).noquote() << "outbox opened" << filePath;
    return true;
}

bool OutboxStore::migrate()
{
    QSqlDatabase db = m_db.database();
    QSqlQuery query(db);
    if (!query.exec(u"PRAGMA user_version"_qs) || !query.next())
        return fail(tr("The escalation outbox cannot be read."), query.lastError().text());
    const int version = query.value(0).toInt();
    query.finish();
    if (version == kSchemaVersion)
        return true;

    // Times are UTC milliseconds since the epoch. state is toString(OutboxState). The key is
    // unique: one key is one submission, whatever happens to its row.
    const QStringList statements = {
        u"CREATE TABLE items ("
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  idempotency_key TEXT NOT NULL UNIQUE,"
        "  body BLOB NOT NULL,"
        "  crn TEXT NOT NULL,"
        "  summary TEXT NOT NULL,"
        "  state TEXT NOT NULL,"
        "  attempts INTEGER NOT NULL DEFAULT 0,"
        "  next_attempt_ms INTEGER,"
        "  last_error TEXT NOT NULL DEFAULT '',"
        "  field_errors TEXT NOT NULL DEFAULT '{}',"
        "  escalation_id TEXT NOT NULL DEFAULT '',"
        "  created_ms INTEGER NOT NULL,"
        "  updated_ms INTEGER NOT NULL"
        ") STRICT"_qs,
        u"CREATE INDEX items_due ON items (state, next_attempt_ms, id)"_qs,
        u"PRAGMA user_version = 1"_qs,
    };
    if (!db.transaction())
        return fail(tr("The escalation outbox cannot be prepared."), db.lastError().text());
    for (const QString &statement : statements) {
        if (!query.exec(statement)) {
            const QString why = query.lastError().text();
            db.rollback();
            return fail(tr("The escalation outbox cannot be prepared."), why);
        }
    }
    if (!db.commit())
        return fail(tr("The escalation outbox cannot be prepared."), db.lastError().text());
    return true;
}

QList<OutboxItem> OutboxStore::select(const QString &where, const QVariantList &values)
{
    QList<OutboxItem> items;
    if (!m_open)
        return items;
    QSqlQuery query(m_db.database());
    query.prepare(u"SELECT "_qs + kColumns + u" FROM items "_qs + where);
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (!query.exec()) {
        fail(tr("The escalation outbox cannot be read."), query.lastError().text());
        return items;
    }
    while (query.next()) {
        OutboxItem item;
        item.id = query.value(0).toLongLong();
        item.idempotencyKey = query.value(1).toString();
        item.body = query.value(2).toByteArray();
        item.crn = query.value(3).toString();
        item.summary = query.value(4).toString();
        // A word this console does not know is left queued: sending it again is safe.
        item.state = outboxStateFromString(query.value(5).toString()).value_or(OutboxState::Queued);
        item.attempts = query.value(6).toInt();
        item.nextAttemptUtc = fromMs(query.value(7));
        item.lastError = query.value(8).toString();
        item.fieldErrors = fieldsFromJson(query.value(9).toString());
        item.escalationId = query.value(10).toString();
        item.createdUtc = fromMs(query.value(11));
        item.updatedUtc = fromMs(query.value(12));
        items.append(item);
    }
    return items;
}

std::optional<OutboxItem> OutboxStore::item(qint64 id)
{
    const QList<OutboxItem> found = select(u"WHERE id = ?"_qs, { id });
    if (found.isEmpty())
        return std::nullopt;
    return found.first();
}

QList<OutboxItem> OutboxStore::all()
{
    return select(u"ORDER BY id DESC"_qs, {});
}

std::optional<OutboxItem> OutboxStore::update(qint64 id, const QString &statement,
                                              const QVariantList &values)
{
    if (!m_open)
        return std::nullopt;
    QSqlQuery query(m_db.database());
    query.prepare(statement);
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (!query.exec()) {
        fail(tr("The escalation outbox cannot be written."), query.lastError().text());
        return std::nullopt;
    }
    if (query.numRowsAffected() != 1)
        return std::nullopt;
    query.finish();
    return item(id);
}

int OutboxStore::requeueInterrupted(const QDateTime &now)
{
    if (!m_open)
        return 0;
    QSqlQuery query(m_db.database());
    query.prepare(u"UPDATE items SET state = 'queued', next_attempt_ms = ?, updated_ms = ? "
                  "WHERE state = 'sending'"_qs);
    query.addBindValue(toMs(now));
    query.addBindValue(toMs(now));
    if (!query.exec()) {
        fail(tr("The escalation outbox cannot be written."), query.lastError().text());
        return 0;
    }
    return query.numRowsAffected();
}

std::optional<OutboxItem> OutboxStore::insert(const QString &key, const QByteArray &body,
                                              const QString &crn, const QString &summary,
                                              const QDateTime &now)
{
    if (!m_open)
        return std::nullopt;
    // One statement is one transaction: the row with its key is on disk when exec() returns.
    QSqlQuery query(m_db.database());
    query.prepare(
        u"INSERT INTO items (idempotency_key, body, crn, summary, state, "
        "next_attempt_ms, created_ms, updated_ms) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?)"_qs);
    for (const QVariant &value :
         QVariantList { key, body, crn, summary, toMs(now), toMs(now), toMs(now) })
        query.addBindValue(value);
    if (!query.exec()) {
        fail(tr("The escalation could not be saved in the outbox, so it was not sent."),
             query.lastError().text());
        return std::nullopt;
    }
    const qint64 id = query.lastInsertId().toLongLong();
    query.finish();
    return item(id);
}

QList<OutboxItem> OutboxStore::due(const QDateTime &now, int limit)
{
    return select(u"WHERE state = 'queued' AND next_attempt_ms <= ? ORDER BY id LIMIT ?"_qs,
                  { toMs(now), limit });
}

std::optional<QDateTime> OutboxStore::nextDue()
{
    if (!m_open)
        return std::nullopt;
    QSqlQuery query(m_db.database());
    if (!query.exec(u"SELECT MIN(next_attempt_ms) FROM items WHERE state = 'queued'"_qs)
        || !query.next()) {
        fail(tr("The escalation outbox cannot be read."), query.lastError().text());
        return std::nullopt;
    }
    if (query.value(0).isNull())
        return std::nullopt;
    return fromMs(query.value(0));
}

QList<OutboxItem> OutboxStore::makeAllDue(const QDateTime &now)
{
    if (!m_open)
        return {};
    QSqlQuery query(m_db.database());
    query.prepare(u"UPDATE items SET next_attempt_ms = ? WHERE state = 'queued' AND "
                  "next_attempt_ms > ?"_qs);
    query.addBindValue(toMs(now));
    query.addBindValue(toMs(now));
    if (!query.exec()) {
        fail(tr("The escalation outbox cannot be written."), query.lastError().text());
        return {};
    }
    query.finish();
    return select(u"WHERE state = 'queued' ORDER BY id"_qs, {});
}

std::optional<OutboxItem> OutboxStore::markSending(qint64 id, const QDateTime &now)
{
    return update(id,
                  u"UPDATE items SET state = 'sending', attempts = attempts + 1, updated_ms = ? "
                  "WHERE id = ? AND state = 'queued'"_qs,
                  { toMs(now), id });
}

std::optional<OutboxItem> OutboxStore::markQueued(qint64 id, const QDateTime &nextAttempt,
                                                  const QString &error, const QDateTime &now)
{
    return update(id,
                  u"UPDATE items SET state = 'queued', next_attempt_ms = ?, last_error = ?, "
                  "updated_ms = ? WHERE id = ? AND state = 'sending'"_qs,
                  { toMs(nextAttempt), error, toMs(now), id });
}

std::optional<OutboxItem> OutboxStore::markSent(qint64 id, const QString &escalationId,
                                                const QDateTime &now)
{
    return update(id,
                  u"UPDATE items SET state = 'sent', escalation_id = ?, last_error = '', "
                  "field_errors = '{}', next_attempt_ms = NULL, updated_ms = ? "
                  "WHERE id = ? AND state = 'sending'"_qs,
                  { escalationId, toMs(now), id });
}

std::optional<OutboxItem> OutboxStore::markFailed(qint64 id, const QString &error,
                                                  const QMap<QString, QString> &fields,
                                                  const QDateTime &now)
{
    return update(id,
                  u"UPDATE items SET state = 'failed', last_error = ?, field_errors = ?, "
                  "next_attempt_ms = NULL, updated_ms = ? WHERE id = ? AND state = 'sending'"_qs,
                  { error, fieldsToJson(fields), toMs(now), id });
}

std::optional<OutboxItem> OutboxStore::resubmit(qint64 id, const QString &key,
                                                const QByteArray &body, const QDateTime &now)
{
    return update(id,
                  u"UPDATE items SET state = 'queued', idempotency_key = ?, body = ?, "
                  "attempts = 0, last_error = '', field_errors = '{}', next_attempt_ms = ?, "
                  "escalation_id = '', updated_ms = ? WHERE id = ? AND state = 'failed'"_qs,
                  { key, body, toMs(now), toMs(now), id });
}

bool OutboxStore::discard(qint64 id)
{
    if (!m_open)
        return false;
    QSqlQuery query(m_db.database());
    query.prepare(u"DELETE FROM items WHERE id = ? AND state = 'failed'"_qs);
    query.addBindValue(id);
    if (!query.exec()) {
        fail(tr("The escalation outbox cannot be written."), query.lastError().text());
        return false;
    }
    return query.numRowsAffected() == 1;
}
