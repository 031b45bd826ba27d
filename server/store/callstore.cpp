#include "callstore.h"

#include "logging.h"
#include "model/crntext.h"
#include "json/calljson.h"

#include <QAtomicInteger>
#include <QJsonDocument>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>
#include <algorithm>

#include <sqlite3.h>

namespace {

constexpr int kSchemaVersion = 2;

// A cursor is the sort key of the last call on a page: start time, then the CRN key.
QString encodeCursor(qint64 startUs, const QString &crnKey)
{
    const QByteArray raw = QByteArray::number(startUs) + '\n' + crnKey.toUtf8();
    return QString::fromLatin1(
        raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

bool decodeCursor(const QString &cursor, qint64 *startUs, QString *crnKey)
{
    const auto decoded = QByteArray::fromBase64Encoding(
        cursor.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return false;
    const QByteArray &raw = decoded.decoded;
    const qsizetype newline = raw.indexOf('\n');
    if (newline <= 0)
        return false;
    bool ok = false;
    *startUs = raw.left(newline).toLongLong(&ok);
    *crnKey = QString::fromUtf8(raw.mid(newline + 1));
    return ok && !crnKey->isEmpty();
}

QString digitsOf(QStringView text)
{
    QString digits;
    for (const QChar c : text) {
        if (c.isDigit())
            digits.append(QChar(u'0' + c.digitValue()));
    }
    return digits;
}

// Every text the call can be found by, as (kind, normalized key) pairs.
QList<std::pair<QString, QString>> searchKeys(const Call &call)
{
    QList<std::pair<QString, QString>> keys;
    keys.append({ u"crn"_qs, CrnText::normalized(call.crn()) });
    for (const Leg &leg : call.legs)
        keys.append({ u"leg"_qs, CrnText::normalized(leg.id) });
    // Names in the same normal form as the search text, which has lost its spaces: "Agent Z"
    // must be found when typed as it is written.
    for (const QString &agent : call.summary.agents)
        keys.append({ u"agent"_qs, CrnText::normalized(agent) });
    for (const QString &queue : call.summary.queues)
        keys.append({ u"queue"_qs, CrnText::normalized(queue) });
    for (const Participant &participant : call.participants) {
        const QString digits = digitsOf(participant.number);
        if (!digits.isEmpty())
            keys.append({ u"number"_qs, digits });
    }
    for (const QString &number : { call.summary.caller, call.summary.dialed }) {
        const QString digits = digitsOf(number);
        if (!digits.isEmpty())
            keys.append({ u"number"_qs, digits });
    }
    return keys;
}

sqlite3 *rawHandle(const QSqlDatabase &db)
{
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(handle.constData());
}

QString rawError(sqlite3 *db)
{
    return QString::fromUtf8(sqlite3_errmsg(db));
}

// A statement on SQLite's own handle that binds UTF-8 without copying it: the bound bytes
// must live until run(), which steps and resets at once.
class RawStatement
{
public:
    RawStatement(sqlite3 *db, const char *sql)
    {
        if (sqlite3_prepare_v2(db, sql, -1, &m_statement, nullptr) != SQLITE_OK)
            m_statement = nullptr;
    }
    ~RawStatement() { sqlite3_finalize(m_statement); }
    RawStatement(const RawStatement &) = delete;
    RawStatement &operator=(const RawStatement &) = delete;

    bool ok() const { return m_statement != nullptr; }
    void bind(int index, const QByteArray &text)
    {
        sqlite3_bind_text(m_statement, index, text.constData(), int(text.size()), SQLITE_STATIC);
    }
    void bind(int index, qint64 value) { sqlite3_bind_int64(m_statement, index, value); }
    bool run()
    {
        const int result = sqlite3_step(m_statement);
        sqlite3_reset(m_statement);
        return result == SQLITE_DONE;
    }

private:
    sqlite3_stmt *m_statement = nullptr;
};

// The smallest string greater than every string that starts with prefix, for range scans
// that use the index where LIKE would not.
QString prefixUpperBound(const QString &prefix)
{
    return prefix + QChar(0xFFFF);
}

} // namespace

CallStore::CallStore(const QString &connectionName)
    : m_connectionName(connectionName)
{ }

CallStore::~CallStore()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

std::unique_ptr<CallStore> CallStore::open(const QString &path, QString *error)
{
    static QAtomicInteger<int> counter;
    const QString name = u"crn-store-"_qs + QString::number(counter.fetchAndAddRelaxed(1));

    std::unique_ptr<CallStore> store(new CallStore(name));
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_qs, name);
    db.setDatabaseName(path);
    db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_qs);
    if (!db.open()) {
        if (error)
            *error = QStringLiteral("Cannot open the call database %1: %2")
                         .arg(path, db.lastError().text());
        return nullptr;
    }

    QSqlQuery pragma(db);
    for (const char *statement :
         { "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON" })
        pragma.exec(QString::fromLatin1(statement));

    if (!store->migrate()) {
        if (error)
            *error = store->errorString();
        return nullptr;
    }
    return store;
}

QSqlDatabase CallStore::database() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

bool CallStore::fail(const QString &what, const QString &why)
{
    m_errorString = what + u": "_qs + why;
    qCWarning(lcStore).noquote() << m_errorString;
    return false;
}

bool CallStore::migrate()
{
    QSqlDatabase db = database();
    QSqlQuery query(db);

    // A database of another program is left as it is: writing our tables into it would mix
    // two programs' data in one file.
    query.exec(u"SELECT count(*) FILTER (WHERE name = 'schema_version'), count(*)"
               " FROM sqlite_master WHERE type = 'table'"_qs);
    if (query.next() && query.value(0).toInt() == 0 && query.value(1).toInt() > 0)
        return fail(u"The call database"_qs,
                    u"the file holds another program's tables, not crn-server's"_qs);

    query.exec(u"CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"_qs);
    query.exec(u"SELECT version FROM schema_version"_qs);
    const int version = query.next() ? query.value(0).toInt() : 0;
    if (version == kSchemaVersion)
        return true;
    if (version > kSchemaVersion)
        return fail(
            u"The call database"_qs,
            QStringLiteral("it was written by a newer crn-server (schema %1)").arg(version));

    // Each step takes the schema from the version before it to its own; a database is brought
    // forward through every step it has not had, in one transaction.
    const QList<QStringList> steps = {
        {
            u"CREATE TABLE calls ("
            "  crn TEXT PRIMARY KEY,"
            "  crn_key TEXT NOT NULL UNIQUE,"
            "  start_us INTEGER NOT NULL,"
            "  summary TEXT NOT NULL,"
            "  document TEXT NOT NULL"
            ") STRICT"_qs,
            u"CREATE INDEX calls_by_start ON calls (start_us DESC, crn_key DESC)"_qs,
            // Every text a call can be found by; kind is crn, leg, number, agent or queue.
            u"CREATE TABLE call_keys ("
            "  key TEXT NOT NULL,"
            "  kind TEXT NOT NULL,"
            "  crn TEXT NOT NULL REFERENCES calls (crn) ON DELETE CASCADE,"
            "  PRIMARY KEY (key, kind, crn)"
            ") STRICT, WITHOUT ROWID"_qs,
            u"CREATE INDEX call_keys_by_crn ON call_keys (crn)"_qs,
        },
        {
            // What serving a recording needs; the call's document describes it to clients.
            u"CREATE TABLE recordings ("
            "  id TEXT PRIMARY KEY,"
            "  crn TEXT,"
            "  path TEXT NOT NULL UNIQUE,"
            "  size INTEGER NOT NULL,"
            "  modified_us INTEGER NOT NULL,"
            "  content_type TEXT NOT NULL"
            ") STRICT"_qs,
            u"CREATE INDEX recordings_by_crn ON recordings (crn)"_qs,
            u"CREATE TABLE store_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT"_qs,
        },
    };
    Q_ASSERT(steps.size() == kSchemaVersion);

    if (!db.transaction())
        return fail(u"Cannot migrate the call database"_qs, db.lastError().text());
    QStringList statements;
    for (qsizetype step = version; step < steps.size(); ++step)
        statements += steps.at(step);
    statements += {
        u"DELETE FROM schema_version"_qs,
        QStringLiteral("INSERT INTO schema_version (version) VALUES (%1)").arg(kSchemaVersion)
    };
    for (const QString &statement : statements) {
        if (!query.exec(statement)) {
            const QString why = query.lastError().text();
            db.rollback();
            return fail(u"Cannot migrate the call database"_qs, why);
        }
    }
    return db.commit() || fail(u"Cannot migrate the call database"_qs, db.lastError().text());
}

bool CallStore::saveCalls(const QList<Call> &calls)
{
    QList<PreparedCall> prepared;
    prepared.reserve(calls.size());
    for (const Call &call : calls)
        prepared.append(prepareCall(call));
    return savePreparedCalls(prepared);
}

PreparedCall CallStore::prepareCall(const Call &call)
{
    PreparedCall prepared;
    prepared.crn = call.crn();
    prepared.crnKey = CrnText::normalized(call.crn());
    prepared.startUs = call.summary.start.microseconds();
    prepared.summary = CallJson::toJsonText(call.summary);
    prepared.document = CallJson::toJsonText(call);
    for (const auto &[kind, key] : searchKeys(call)) {
        if (!key.isEmpty())
            prepared.keys.append({ kind, key });
    }
    return prepared;
}

bool CallStore::savePreparedCalls(const QList<PreparedCall> &calls)
{
    // The same statements as saveCalls, on SQLite's own handle: Qt's binding turns each JSON
    // document into UTF-16 and SQLite turns it back, which cost more than writing it.
    sqlite3 *db = rawHandle(database());
    if (!db)
        return fail(u"Cannot save calls"_qs,
                    u"the call database is not an open SQLite database"_qs);

    RawStatement deleteKeys(db, "DELETE FROM call_keys WHERE crn = ?");
    RawStatement upsert(db,
                        "INSERT INTO calls (crn, crn_key, start_us, summary, document)"
                        " VALUES (?, ?, ?, ?, ?)"
                        " ON CONFLICT (crn) DO UPDATE SET crn_key = excluded.crn_key,"
                        " start_us = excluded.start_us, summary = excluded.summary,"
                        " document = excluded.document");
    RawStatement insertKey(db, "INSERT OR IGNORE INTO call_keys (key, kind, crn) VALUES (?, ?, ?)");
    if (!deleteKeys.ok() || !upsert.ok() || !insertKey.ok())
        return fail(u"Cannot save calls"_qs, rawError(db));
    if (sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK)
        return fail(u"Cannot save calls"_qs, rawError(db));
    const auto rollBack = [&](const QString &what) {
        const QString why = rawError(db);
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        return fail(what, why);
    };

    QByteArray crn;
    QByteArray key;
    QByteArray kind;
    for (const PreparedCall &call : calls) {
        crn = call.crn.toUtf8();
        const QByteArray crnKey = call.crnKey.toUtf8();
        deleteKeys.bind(1, crn);
        upsert.bind(1, crn);
        upsert.bind(2, crnKey);
        upsert.bind(3, call.startUs);
        upsert.bind(4, call.summary);
        upsert.bind(5, call.document);
        if (!deleteKeys.run() || !upsert.run())
            return rollBack(QStringLiteral("Cannot save call %1").arg(call.crn));
        for (const auto &[keyKind, keyText] : call.keys) {
            key = keyText.toUtf8();
            kind = keyKind.toUtf8();
            insertKey.bind(1, key);
            insertKey.bind(2, kind);
            insertKey.bind(3, crn);
            if (!insertKey.run())
                return rollBack(QStringLiteral("Cannot index call %1").arg(call.crn));
        }
    }
    if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
        return rollBack(u"Cannot save calls"_qs);
    return true;
}

bool CallStore::removeCalls(const QStringList &crns)
{
    QSqlDatabase db = database();
    if (!db.transaction())
        return fail(u"Cannot remove calls"_qs, db.lastError().text());

    // call_keys rows go with their call (ON DELETE CASCADE); deleted here too, so that a
    // connection without foreign keys on leaves nothing behind.
    QSqlQuery deleteKeys(db);
    deleteKeys.prepare(u"DELETE FROM call_keys WHERE crn = ?"_qs);
    QSqlQuery deleteCall(db);
    deleteCall.prepare(u"DELETE FROM calls WHERE crn = ?"_qs);
    for (const QString &crn : crns) {
        deleteKeys.addBindValue(crn);
        deleteCall.addBindValue(crn);
        if (!deleteKeys.exec() || !deleteCall.exec()) {
            const QString why = deleteKeys.lastError().isValid() ? deleteKeys.lastError().text()
                                                                 : deleteCall.lastError().text();
            db.rollback();
            return fail(QStringLiteral("Cannot remove call %1").arg(crn), why);
        }
    }
    return db.commit() || fail(u"Cannot remove calls"_qs, db.lastError().text());
}

QString CallStore::resolveCrn(QStringView crnOrLegId)
{
    const QString key = CrnText::normalized(crnOrLegId);
    if (key.isEmpty())
        return {};

    // A CRN wins over a leg id of the same spelling: a caller's channel often has the call's id.
    QSqlQuery query(database());
    query.prepare(u"SELECT crn FROM call_keys WHERE key = ? AND kind IN ('crn', 'leg')"
                  " ORDER BY kind = 'crn' DESC LIMIT 1"_qs);
    query.addBindValue(key);
    if (!query.exec()) {
        fail(u"Cannot look up a call"_qs, query.lastError().text());
        return {};
    }
    return query.next() ? query.value(0).toString() : QString();
}

std::optional<Call> CallStore::findCall(QStringView crnOrLegId)
{
    const QString crn = resolveCrn(crnOrLegId);
    if (crn.isEmpty())
        return std::nullopt;

    QSqlQuery query(database());
    query.prepare(u"SELECT document FROM calls WHERE crn = ?"_qs);
    query.addBindValue(crn);
    if (!query.exec() || !query.next())
        return std::nullopt;

    QString error;
    auto call = CallJson::callFromJson(
        QJsonDocument::fromJson(query.value(0).toString().toUtf8()).object(), &error);
    if (!call)
        fail(QStringLiteral("The stored document of call %1 is damaged").arg(crn), error);
    return call;
}

bool CallStore::saveRecordings(const QList<StoredRecording> &recordings)
{
    QSqlDatabase db = database();
    if (!db.transaction())
        return fail(u"Cannot save recordings"_qs, db.lastError().text());

    QSqlQuery query(db);
    query.prepare(u"INSERT INTO recordings (id, crn, path, size, modified_us, content_type)"
                  " VALUES (?, ?, ?, ?, ?, ?)"
                  " ON CONFLICT (id) DO UPDATE SET crn = excluded.crn, path = excluded.path,"
                  " size = excluded.size, modified_us = excluded.modified_us,"
                  " content_type = excluded.content_type"_qs);
    for (const StoredRecording &recording : recordings) {
        query.addBindValue(recording.id);
        query.addBindValue(recording.crn.isEmpty() ? QVariant() : QVariant(recording.crn));
        query.addBindValue(recording.path);
        query.addBindValue(recording.sizeBytes);
        query.addBindValue(recording.modifiedUs);
        query.addBindValue(recording.contentType);
        if (!query.exec()) {
            const QString why = query.lastError().text();
            db.rollback();
            return fail(u"Cannot save recordings"_qs, why);
        }
    }
    return db.commit() || fail(u"Cannot save recordings"_qs, db.lastError().text());
}

std::optional<StoredRecording> CallStore::findRecording(QStringView id)
{
    QSqlQuery query(database());
    query.prepare(u"SELECT id, crn, path, size, modified_us, content_type FROM recordings"
                  " WHERE id = ?"_qs);
    query.addBindValue(id.toString());
    if (!query.exec()) {
        fail(u"Cannot look up a recording"_qs, query.lastError().text());
        return std::nullopt;
    }
    if (!query.next())
        return std::nullopt;
    return StoredRecording { query.value(0).toString(),   query.value(1).toString(),
                             query.value(2).toString(),   query.value(3).toLongLong(),
                             query.value(4).toLongLong(), query.value(5).toString() };
}

QString CallStore::setting(const QString &name)
{
    QSqlQuery query(database());
    query.prepare(u"SELECT value FROM store_settings WHERE name = ?"_qs);
    query.addBindValue(name);
    if (!query.exec()) {
        fail(u"Cannot read a setting"_qs, query.lastError().text());
        return {};
    }
    return query.next() ? query.value(0).toString() : QString();
}

bool CallStore::setSetting(const QString &name, const QString &value)
{
    QSqlQuery query(database());
    query.prepare(u"INSERT INTO store_settings (name, value) VALUES (?, ?)"
                  " ON CONFLICT (name) DO UPDATE SET value = excluded.value"_qs);
    query.addBindValue(name);
    query.addBindValue(value);
    return query.exec() || fail(u"Cannot save a setting"_qs, query.lastError().text());
}

SearchPage CallStore::search(const SearchQuery &query, SearchError *error)
{
    if (error)
        *error = SearchError::None;

    QStringList where;
    QVariantList values;

    if (query.from.isValid()) {
        where.append(u"c.start_us >= ?"_qs);
        values.append(query.from.microseconds());
    }
    if (query.to.isValid()) {
        where.append(u"c.start_us < ?"_qs);
        values.append(query.to.microseconds());
    }

    if (!query.cursor.isEmpty()) {
        qint64 startUs = 0;
        QString crnKey;
        if (!decodeCursor(query.cursor, &startUs, &crnKey)) {
            if (error)
                *error = SearchError::BadCursor;
            return {};
        }
        where.append(u"(c.start_us < ? OR (c.start_us = ? AND c.crn_key < ?))"_qs);
        values << startUs << startUs << crnKey;
    }

    const QString key = CrnText::normalized(query.text);
    if (!key.isEmpty()) {
        // Ids and names by prefix; a number by the digits it contains, also by prefix.
        QString condition
            = u"c.crn IN (SELECT crn FROM call_keys WHERE"
              " (kind IN ('crn', 'leg', 'agent', 'queue') AND key >= ? AND key < ?)"_qs;
        values << key << prefixUpperBound(key);
        const QString digits = digitsOf(query.text);
        if (digits.size() >= 3) {
            condition += u" OR (kind = 'number' AND key >= ? AND key < ?)"_qs;
            values << digits << prefixUpperBound(digits);
        }
        where.append(condition + u')');
    }

    const int limit = std::clamp(query.limit, 1, kMaxSearchLimit);
    QString sql = u"SELECT c.crn_key, c.start_us, c.summary FROM calls c"_qs;
    if (!where.isEmpty())
        sql += u" WHERE "_qs + where.join(u" AND "_qs);
    sql += QStringLiteral(" ORDER BY c.start_us DESC, c.crn_key DESC LIMIT %1").arg(limit + 1);

    QSqlQuery select(database());
    select.setForwardOnly(true);
    select.prepare(sql);
    for (const QVariant &value : std::as_const(values))
        select.addBindValue(value);
    if (!select.exec()) {
        fail(u"Cannot search calls"_qs, select.lastError().text());
        if (error)
            *error = SearchError::Database;
        return {};
    }

    SearchPage page;
    QString lastKey;
    qint64 lastStart = 0;
    while (select.next()) {
        if (page.calls.size() == limit) {
            page.nextCursor = encodeCursor(lastStart, lastKey);
            break;
        }
        lastKey = select.value(0).toString();
        lastStart = select.value(1).toLongLong();
        const auto summary = CallJson::summaryFromJson(
            QJsonDocument::fromJson(select.value(2).toString().toUtf8()).object());
        if (summary)
            page.calls.append(*summary);
    }
    return page;
}

qint64 CallStore::callCount()
{
    QSqlQuery query(database());
    if (!query.exec(u"SELECT count(*) FROM calls"_qs) || !query.next())
        return -1;
    return query.value(0).toLongLong();
}
