#include "escalation/escalationstore.h"

#include "logging.h"
#include "store/migrations.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>

namespace {

// Every statement reads the same on SQLite and PostgreSQL: no STRICT, no AUTOINCREMENT, BIGINT
// for microseconds, ON CONFLICT with a target (SQLite 3.24 and PostgreSQL 9.5 have it).
const QList<MigrationStep> kMigrations = {
    { 1,
      {
          u"CREATE TABLE escalations ("
          "  id TEXT PRIMARY KEY,"
          "  idempotency_key TEXT NOT NULL UNIQUE,"
          "  request_sha256 TEXT NOT NULL,"
          "  crn TEXT NOT NULL,"
          "  status TEXT NOT NULL,"
          "  team TEXT NOT NULL,"
          "  author TEXT NOT NULL,"
          "  created_us BIGINT NOT NULL,"
          "  due_us BIGINT NOT NULL,"
          "  updated_us BIGINT NOT NULL,"
          "  fields TEXT NOT NULL)"_qs,
          u"CREATE INDEX escalations_by_created ON escalations (created_us, id)"_qs,
          u"CREATE INDEX escalations_by_crn ON escalations (crn, created_us, id)"_qs,
          u"CREATE TABLE escalation_history ("
          "  escalation_id TEXT NOT NULL REFERENCES escalations (id),"
          "  position INTEGER NOT NULL,"
          "  at_us BIGINT NOT NULL,"
          "  by_user TEXT NOT NULL,"
          "  action TEXT NOT NULL,"
          "  from_status TEXT,"
          "  to_status TEXT,"
          "  comment TEXT,"
          "  PRIMARY KEY (escalation_id, position))"_qs,
      },
      {} },
    // PostgreSQL only: the call store keeps its CRNs in COLLATE "C" (bytewise, as SQLite), and
    // a comparison takes the column's collation over the database's default, so that
    // e.crn = c.crn in the calls search compared in "C", which escalations_by_crn (made in the
    // default collation) cannot serve: has_escalation read the whole table for every call.
    { 2, {}, { u"ALTER TABLE escalations ALTER COLUMN crn TYPE TEXT COLLATE \"C\""_qs } },
};

const QString kColumns
    = u"id, crn, status, team, author, created_us, due_us, updated_us, fields"_qs;

QString isoOf(Timestamp time)
{
    return time.toIso();
}

StoredEscalation escalationFrom(const QSqlQuery &query)
{
    StoredEscalation escalation;
    escalation.id = query.value(0).toString();
    escalation.crn = query.value(1).toString();
    escalation.status = query.value(2).toString();
    escalation.team = query.value(3).toString();
    escalation.author = query.value(4).toString();
    escalation.created = Timestamp::fromMicroseconds(query.value(5).toLongLong());
    escalation.due = Timestamp::fromMicroseconds(query.value(6).toLongLong());
    escalation.updated = Timestamp::fromMicroseconds(query.value(7).toLongLong());
    escalation.fields = QJsonDocument::fromJson(query.value(8).toString().toUtf8()).object();
    return escalation;
}

QVariant nullable(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

// The cursor is the last row's (created, id), which the order is strict over.
QString cursorFor(const StoredEscalation &escalation)
{
    const QByteArray raw
        = QByteArray::number(escalation.created.microseconds()) + ' ' + escalation.id.toUtf8();
    return QString::fromLatin1(
        raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

bool readCursor(const QString &cursor, qint64 *createdUs, QString *id)
{
    const auto decoded = QByteArray::fromBase64Encoding(
        cursor.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return false;
    const QByteArray &bytes = *decoded;
    const qsizetype space = bytes.indexOf(' ');
    if (space <= 0)
        return false;
    bool ok = false;
    *createdUs = bytes.left(space).toLongLong(&ok);
    *id = QString::fromUtf8(bytes.mid(space + 1));
    return ok && id->startsWith(u"esc_"_qs);
}

} // namespace

QJsonObject StoredEscalationChange::toJson() const
{
    QJsonObject object { { u"at"_qs, isoOf(at) }, { u"by"_qs, by }, { u"action"_qs, action } };
    if (!fromStatus.isEmpty())
        object.insert(u"from_status"_qs, fromStatus);
    if (!toStatus.isEmpty())
        object.insert(u"to_status"_qs, toStatus);
    if (!comment.isEmpty())
        object.insert(u"comment"_qs, comment);
    return object;
}

QJsonObject StoredEscalation::toJson() const
{
    QJsonObject object = fields;
    object.insert(u"id"_qs, id);
    object.insert(u"crn"_qs, crn);
    object.insert(u"status"_qs, status);
    object.insert(u"author"_qs, author);
    object.insert(u"created"_qs, isoOf(created));
    object.insert(u"due"_qs, isoOf(due));
    object.insert(u"updated"_qs, isoOf(updated));
    if (!object.contains(u"evidence"))
        object.insert(u"evidence"_qs, QJsonObject());
    QJsonArray changes;
    for (const StoredEscalationChange &change : history)
        changes.append(change.toJson());
    object.insert(u"history"_qs, changes);
    return object;
}

EscalationStore::EscalationStore(QSqlDatabase database)
    : m_database(database)
{ }

std::unique_ptr<EscalationStore> EscalationStore::open(QSqlDatabase database, QString *error)
{
    if (!applyMigrations(database, u"escalations"_qs, kMigrations, error))
        return nullptr;
    return std::unique_ptr<EscalationStore>(new EscalationStore(database));
}

QString EscalationStore::newId()
{
    // RFC 4648's base32 alphabet, lower case: 16 characters carry 80 random bits.
    static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
    QString id = u"esc_"_qs;
    QRandomGenerator *random = QRandomGenerator::system();
    for (int i = 0; i < 16; ++i)
        id += QLatin1Char(kAlphabet[random->bounded(32)]);
    return id;
}

bool EscalationStore::isStatus(QStringView status)
{
    return status == u"open" || status == u"acknowledged" || status == u"resolved";
}

bool EscalationStore::transitionAllowed(QStringView from, QStringView to)
{
    if (from == u"open")
        return to == u"acknowledged" || to == u"resolved";
    if (from == u"acknowledged")
        return to == u"resolved";
    if (from == u"resolved")
        return to == u"open";
    return false;
}

bool EscalationStore::fail(const QString &what, const QString &why)
{
    m_errorString = what + u": "_qs + why;
    qCWarning(lcStore).noquote() << m_errorString;
    return false;
}

EscalationStore::CreateResult EscalationStore::create(const StoredEscalation &escalation,
                                                      const QString &idempotencyKey,
                                                      const QByteArray &requestSha256,
                                                      StoredEscalation *stored)
{
    auto failed = [&](const QString &why) {
        m_database.rollback();
        fail(u"Cannot store an escalation"_qs, why);
        return CreateResult::Failed;
    };

    // The insert comes first in its transaction, so that SQLite takes the write lock before
    // anything is read, and PostgreSQL makes a second insert of the key wait for this one.
    if (!m_database.transaction())
        return failed(m_database.lastError().text());
    QSqlQuery query(m_database);
    query.prepare(u"INSERT INTO escalations (id, idempotency_key, request_sha256, crn, status, "
                  "team, author, created_us, due_us, updated_us, fields)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                  " ON CONFLICT (idempotency_key) DO NOTHING"_qs);
    query.addBindValue(escalation.id);
    query.addBindValue(idempotencyKey);
    query.addBindValue(QString::fromLatin1(requestSha256.toHex()));
    query.addBindValue(escalation.crn);
    query.addBindValue(escalation.status);
    query.addBindValue(escalation.team);
    query.addBindValue(escalation.author);
    query.addBindValue(escalation.created.microseconds());
    query.addBindValue(escalation.due.microseconds());
    query.addBindValue(escalation.updated.microseconds());
    query.addBindValue(
        QString::fromUtf8(QJsonDocument(escalation.fields).toJson(QJsonDocument::Compact)));
    if (!query.exec())
        return failed(query.lastError().text());
    const bool inserted = query.numRowsAffected() == 1;

    if (inserted) {
        for (qsizetype i = 0; i < escalation.history.size(); ++i) {
            const StoredEscalationChange &change = escalation.history.at(i);
            query.prepare(u"INSERT INTO escalation_history (escalation_id, position, at_us, "
                          "by_user, action, from_status, to_status, comment)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"_qs);
            query.addBindValue(escalation.id);
            query.addBindValue(int(i + 1));
            query.addBindValue(change.at.microseconds());
            query.addBindValue(change.by);
            query.addBindValue(change.action);
            query.addBindValue(nullable(change.fromStatus));
            query.addBindValue(nullable(change.toStatus));
            query.addBindValue(nullable(change.comment));
            if (!query.exec())
                return failed(query.lastError().text());
        }
    }
    query.finish();
    if (!m_database.commit())
        return failed(m_database.lastError().text());

    if (inserted) {
        *stored = escalation;
        return CreateResult::Created;
    }

    // Another request took the key first, maybe in another server process: its escalation is
    // committed now, so it can be read.
    QByteArray storedSha;
    bool readFailed = false;
    const std::optional<StoredEscalation> existing
        = findByKey(idempotencyKey, &storedSha, &readFailed);
    if (!existing) {
        if (!readFailed)
            fail(u"Cannot store an escalation"_qs,
                 u"its idempotency key is taken but no escalation has it"_qs);
        return CreateResult::Failed;
    }
    *stored = *existing;
    return storedSha == requestSha256 ? CreateResult::Repeated : CreateResult::KeyConflict;
}

std::optional<StoredEscalation> EscalationStore::findByKey(const QString &idempotencyKey,
                                                           QByteArray *requestSha256, bool *failed)
{
    return findOne(u"idempotency_key"_qs, idempotencyKey, requestSha256, failed);
}

std::optional<StoredEscalation> EscalationStore::find(const QString &id, bool *failed)
{
    return findOne(u"id"_qs, id, nullptr, failed);
}

std::optional<StoredEscalation> EscalationStore::findOne(const QString &column,
                                                         const QString &value,
                                                         QByteArray *requestSha256, bool *failed)
{
    *failed = false;
    QSqlQuery query(m_database);
    query.prepare(u"SELECT "_qs + kColumns + u", request_sha256 FROM escalations WHERE "_qs + column
                  + u" = ?"_qs);
    query.addBindValue(value);
    if (!query.exec()) {
        *failed = true;
        fail(u"Cannot read an escalation"_qs, query.lastError().text());
        return std::nullopt;
    }
    if (!query.next())
        return std::nullopt;
    QList<StoredEscalation> found { escalationFrom(query) };
    if (requestSha256)
        *requestSha256 = QByteArray::fromHex(query.value(9).toString().toLatin1());
    query.finish();
    if (!loadHistory(&found)) {
        *failed = true;
        return std::nullopt;
    }
    return found.constFirst();
}

EscalationStore::UpdateResult EscalationStore::update(const QString &id,
                                                      const std::optional<QString> &status,
                                                      const QString &comment, const QString &by,
                                                      Timestamp at, StoredEscalation *result,
                                                      QList<StoredEscalationChange> *changes)
{
    auto failed = [&](const QString &why) {
        m_database.rollback();
        fail(u"Cannot change an escalation"_qs, why);
        return UpdateResult::Failed;
    };

    // A compare-and-set on the status: when another request changed it between the read and
    // the write, the update touches no row and the whole step is tried again on the new status.
    for (int attempt = 0; attempt < 5; ++attempt) {
        bool readFailed = false;
        const std::optional<StoredEscalation> current = find(id, &readFailed);
        if (!current)
            return readFailed ? UpdateResult::Failed : UpdateResult::NotFound;
        *result = *current;

        const QString from = current->status;
        const QString to = status.value_or(from);
        if (to != from && !transitionAllowed(from, to))
            return UpdateResult::InvalidTransition;
        if (to == from && comment.isEmpty())
            return UpdateResult::Unchanged;

        if (!m_database.transaction())
            return failed(m_database.lastError().text());
        QSqlQuery query(m_database);
        query.prepare(
            u"UPDATE escalations SET status = ?, updated_us = ? WHERE id = ? AND status = ?"_qs);
        query.addBindValue(to);
        query.addBindValue(at.microseconds());
        query.addBindValue(id);
        query.addBindValue(from);
        if (!query.exec())
            return failed(query.lastError().text());
        if (query.numRowsAffected() != 1) {
            m_database.rollback();
            continue;
        }

        // The row is locked by the update now, so the next positions are this request's.
        query.prepare(u"SELECT COALESCE(MAX(position), 0) FROM escalation_history"
                      " WHERE escalation_id = ?"_qs);
        query.addBindValue(id);
        if (!query.exec() || !query.next())
            return failed(query.lastError().text());
        int position = query.value(0).toInt();

        QList<StoredEscalationChange> added;
        if (to != from)
            added.append({ at, by, u"status_changed"_qs, from, to, {} });
        if (!comment.isEmpty())
            added.append({ at, by, u"commented"_qs, {}, {}, comment });
        for (const StoredEscalationChange &change : added) {
            query.prepare(u"INSERT INTO escalation_history (escalation_id, position, at_us, "
                          "by_user, action, from_status, to_status, comment)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"_qs);
            query.addBindValue(id);
            query.addBindValue(++position);
            query.addBindValue(change.at.microseconds());
            query.addBindValue(change.by);
            query.addBindValue(change.action);
            query.addBindValue(nullable(change.fromStatus));
            query.addBindValue(nullable(change.toStatus));
            query.addBindValue(nullable(change.comment));
            if (!query.exec())
                return failed(query.lastError().text());
        }
        query.finish();
        if (!m_database.commit())
            return failed(m_database.lastError().text());

        result->status = to;
        result->updated = at;
        result->history.append(added);
        if (changes)
            *changes = added;
        return UpdateResult::Updated;
    }
    fail(u"Cannot change an escalation"_qs, u"others kept changing it at the same time"_qs);
    return UpdateResult::Failed;
}

EscalationListPage EscalationStore::list(const EscalationListQuery &query, ListError *error)
{
    *error = ListError::None;
    QStringList where { u"1 = 1"_qs };
    QVariantList values;
    if (!query.crn.isEmpty()) {
        where.append(u"e.crn = ?"_qs);
        values.append(query.crn);
    }
    if (!query.status.isEmpty()) {
        where.append(u"e.status = ?"_qs);
        values.append(query.status);
    }
    if (!query.team.isEmpty()) {
        where.append(u"e.team = ?"_qs);
        values.append(query.team);
    }
    if (!query.visibleToAgent.isEmpty()) {
        // call_keys is the call store's table of the keys a call is found by.
        where.append(u"EXISTS (SELECT 1 FROM call_keys k WHERE k.crn = e.crn"
                     " AND k.kind = 'agent' AND k.key = ?)"_qs);
        values.append(query.visibleToAgent);
    }
    if (!query.cursor.isEmpty()) {
        qint64 createdUs = 0;
        QString id;
        if (!readCursor(query.cursor, &createdUs, &id)) {
            *error = ListError::BadCursor;
            return {};
        }
        where.append(u"(e.created_us < ? OR (e.created_us = ? AND e.id < ?))"_qs);
        values << createdUs << createdUs << id;
    }

    const int limit = std::clamp(query.limit, 1, kMaxListLimit);
    QSqlQuery sql(m_database);
    sql.prepare(u"SELECT "_qs + kColumns + u" FROM escalations e WHERE "_qs
                + where.join(u" AND "_qs) + u" ORDER BY e.created_us DESC, e.id DESC LIMIT "_qs
                + QString::number(limit + 1));
    for (const QVariant &value : values)
        sql.addBindValue(value);
    if (!sql.exec()) {
        *error = ListError::Database;
        fail(u"Cannot list escalations"_qs, sql.lastError().text());
        return {};
    }

    EscalationListPage page;
    while (sql.next())
        page.escalations.append(escalationFrom(sql));
    sql.finish();
    if (page.escalations.size() > limit) {
        page.escalations.removeLast();
        page.nextCursor = cursorFor(page.escalations.constLast());
    }
    if (!loadHistory(&page.escalations)) {
        *error = ListError::Database;
        return {};
    }
    return page;
}

bool EscalationStore::callHasAgent(const QString &crn, const QString &agentKey, bool *failed)
{
    *failed = false;
    QSqlQuery query(m_database);
    query.prepare(u"SELECT 1 FROM call_keys WHERE crn = ? AND kind = 'agent' AND key = ?"_qs);
    query.addBindValue(crn);
    query.addBindValue(agentKey);
    if (!query.exec()) {
        *failed = true;
        fail(u"Cannot read the agents of a call"_qs, query.lastError().text());
        return false;
    }
    return query.next();
}

bool EscalationStore::loadHistory(QList<StoredEscalation> *escalations)
{
    if (escalations->isEmpty())
        return true;

    QHash<QString, qsizetype> indexOf;
    QStringList marks;
    for (qsizetype i = 0; i < escalations->size(); ++i) {
        indexOf.insert(escalations->at(i).id, i);
        marks.append(u"?"_qs);
    }
    QSqlQuery query(m_database);
    query.prepare(u"SELECT escalation_id, at_us, by_user, action, from_status, to_status, comment"
                  " FROM escalation_history WHERE escalation_id IN ("_qs
                  + marks.join(u", "_qs) + u") ORDER BY escalation_id, position"_qs);
    for (const StoredEscalation &escalation : *escalations)
        query.addBindValue(escalation.id);
    if (!query.exec())
        return fail(u"Cannot read the history of escalations"_qs, query.lastError().text());
    while (query.next()) {
        StoredEscalationChange change;
        change.at = Timestamp::fromMicroseconds(query.value(1).toLongLong());
        change.by = query.value(2).toString();
        change.action = query.value(3).toString();
        change.fromStatus = query.value(4).toString();
        change.toStatus = query.value(5).toString();
        change.comment = query.value(6).toString();
        (*escalations)[indexOf.value(query.value(0).toString())].history.append(change);
    }
    return true;
}
