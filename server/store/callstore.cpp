#include "callstore.h"

#include "store/databaseaddress.h"

#include "logging.h"
#include "model/crntext.h"
#include "json/calljson.h"

#include <QAtomicInteger>
#include <QCryptographicHash>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlField>
#include <QSqlQuery>
#include <QVariant>
#include <algorithm>
#include <cmath>

#include <sqlite3.h>

namespace {

const QString kLastCallSequence = u"last_call_sequence"_qs;

// A cursor is the sort order, the walk's snapshot (the last call sequence number when its first
// page was read) and the sort key of the last call on a page: start time, then the CRN key.
struct Cursor
{
    SearchSort sort = SearchSort::StartDescending;
    qint64 snapshot = 0;
    qint64 startUs = 0;
    QString crnKey;
};

constexpr QByteArrayView kCursorVersion = "c3";

QString encodeCursor(const Cursor &cursor)
{
    const QByteArray raw = kCursorVersion.toByteArray() + '\n'
        + (cursor.sort == SearchSort::StartAscending ? "a" : "d") + '\n'
        + QByteArray::number(cursor.snapshot) + '\n' + QByteArray::number(cursor.startUs) + '\n'
        + cursor.crnKey.toUtf8();
    return QString::fromLatin1(
        raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

std::optional<Cursor> decodeCursor(const QString &text)
{
    const auto decoded = QByteArray::fromBase64Encoding(
        text.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;

    // The CRN key is last and may hold anything but is never empty.
    const QList<QByteArray> parts = decoded.decoded.split('\n');
    if (parts.size() < 5 || parts.at(0) != kCursorVersion)
        return std::nullopt;
    Cursor cursor;
    if (parts.at(1) == "a")
        cursor.sort = SearchSort::StartAscending;
    else if (parts.at(1) != "d")
        return std::nullopt;
    bool snapshotOk = false;
    bool startOk = false;
    cursor.snapshot = parts.at(2).toLongLong(&snapshotOk);
    cursor.startUs = parts.at(3).toLongLong(&startOk);
    cursor.crnKey = QString::fromUtf8(parts.mid(4).join('\n'));
    if (!snapshotOk || !startOk || cursor.crnKey.isEmpty())
        return std::nullopt;
    return cursor;
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

// The key kinds a phone number is stored under, as docs/api.yaml ("number") defines them.
const QString kNumberKind = u"number"_qs; // every digit as written
const QString kReversedKind = u"number_reversed"_qs; // the same, last digit first
const QString kE164Kind = u"e164"_qs; // international numbers: the digits after '+' or "00"
const QString kInternationalNsnKind = u"nsn_international"_qs;
const QString kNationalNsnKind = u"nsn_national"_qs;

// Country codes are a prefix code: 1 and 7 stand alone, these take two digits, all others three.
int countryCodeLength(QStringView e164)
{
    static const QList<int> twoDigitCodes = { 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41,
                                              43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54,
                                              55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66,
                                              81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98 };
    if (e164.startsWith(u'1') || e164.startsWith(u'7'))
        return 1;
    if (e164.size() >= 2 && twoDigitCodes.contains(e164.left(2).toInt()))
        return 2;
    return 3;
}

QString reversed(const QString &text)
{
    QString result = text;
    std::reverse(result.begin(), result.end());
    return result;
}

QList<std::pair<QString, QString>> numberKeys(const QString &text)
{
    const PhoneNumber number = PhoneNumber::parse(text);
    if (number.digits.isEmpty())
        return {};

    QList<std::pair<QString, QString>> keys { { kNumberKind, number.digits },
                                              { kReversedKind, reversed(number.digits) } };
    if (number.form == PhoneNumber::Form::International) {
        keys.append({ kE164Kind, number.e164 });
        keys.append({ kInternationalNsnKind, number.nationalNumber });
    } else if (number.form == PhoneNumber::Form::National) {
        keys.append({ kNationalNsnKind, number.nationalNumber });
    }
    return keys;
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
    QStringList numbers;
    for (const Participant &participant : call.participants)
        numbers.append(participant.number);
    numbers << call.summary.caller << call.summary.dialed;
    for (const QString &number : std::as_const(numbers))
        keys += numberKeys(number);
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

// A text[] literal, for binding a list as one value ("?::text[]") where QPSQL binds none.
QString arrayLiteral(const QStringList &items)
{
    QString literal = u"{"_qs;
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (i > 0)
            literal.append(u',');
        QString item = items.at(i);
        item.replace(u'\\', u"\\\\"_qs).replace(u'"', u"\\\""_qs);
        literal.append(u'"' + item + u'"');
    }
    return literal + u'}';
}

// The key of the advisory lock that makes writers of calls on PostgreSQL take turns.
constexpr qint64 kCallWriterLock = 0x63726e2d63616c6c; // "crn-call"

const QString kUpsertRecording
    = u"INSERT INTO recordings (id, crn, path, size, modified_us, content_type)"
      " VALUES (?, ?, ?, ?, ?, ?)"
      " ON CONFLICT (id) DO UPDATE SET crn = excluded.crn, path = excluded.path,"
      " size = excluded.size, modified_us = excluded.modified_us,"
      " content_type = excluded.content_type"_qs;

void bindRecording(QSqlQuery &query, const StoredRecording &recording)
{
    query.addBindValue(recording.id);
    // No call yet: NULL.
    query.addBindValue(recording.crn.isEmpty() ? QVariant() : QVariant(recording.crn));
    query.addBindValue(recording.path);
    query.addBindValue(recording.sizeBytes);
    query.addBindValue(recording.modifiedUs);
    query.addBindValue(recording.contentType);
}

} // namespace

PhoneNumber PhoneNumber::parse(QStringView text)
{
    PhoneNumber number;
    number.digits = digitsOf(text);

    // '+' (or its full-width form) before the first digit marks the international form.
    bool plus = false;
    for (const QChar c : text) {
        if (c.isDigit())
            break;
        if (c == u'+' || c == QChar(0xFF0B))
            plus = true;
    }

    if (plus || number.digits.startsWith(u"00"))
        number.form = Form::International;
    else if (number.digits.startsWith(u'0'))
        number.form = Form::National;

    if (number.form == Form::International) {
        number.e164 = plus ? number.digits : number.digits.mid(2);
        const int codeLength = countryCodeLength(number.e164);
        number.countryCode = number.e164.left(codeLength);
        number.nationalNumber = number.e164.mid(codeLength);
    } else if (number.form == Form::National) {
        number.nationalNumber = number.digits.mid(1);
    }
    return number;
}

qsizetype PhoneNumber::significantDigits() const
{
    return form == Form::International ? e164.size() : digits.size();
}

CallStore::CallStore(const QString &connectionName)
    : m_connectionName(connectionName)
{ }

CallStore::~CallStore()
{
    m_documentQuery.reset();
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

std::unique_ptr<CallStore> CallStore::openExisting(const QString &address, QString *error)
{
    const std::optional<DatabaseAddress> parsed = DatabaseAddress::parse(address, error);
    if (!parsed)
        return nullptr;

    if (!parsed->isPostgreSQL() && !QFileInfo(parsed->path).isFile()) {
        if (error)
            *error = QStringLiteral("the call database %1 does not exist. Import call records "
                                    "into it first with 'crn-server import --db %1 PATH...'.")
                         .arg(parsed->displayName());
        return nullptr;
    }
    return open(address, error);
}

std::unique_ptr<CallStore> CallStore::open(const QString &address, QString *error)
{
    const std::optional<DatabaseAddress> parsed = DatabaseAddress::parse(address, error);
    if (!parsed)
        return nullptr;

    static QAtomicInteger<int> counter;
    const QString name = u"crn-store-"_qs + QString::number(counter.fetchAndAddRelaxed(1));
    if (!parsed->open(name, error))
        return nullptr;
    std::unique_ptr<CallStore> store(new CallStore(name));
    QSqlDatabase db = store->database();
    store->m_dialect = sqlDialect(db);

    QSqlQuery settings(db);
    if (store->m_dialect == SqlDialect::SQLite) {
        for (const char *statement :
             { "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON" })
            settings.exec(QString::fromLatin1(statement));
    } else {
        // CREATE ... IF NOT EXISTS on a table that is there is a NOTICE, not news.
        settings.exec(u"SET client_min_messages = warning"_qs);
    }

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

namespace {

// Step 3 stores numbers in more forms than step 1 did; only C++ can derive them.
bool indexNumbersOfStoredCalls(QSqlDatabase db, QString *why)
{
    QSqlQuery select(db);
    select.setForwardOnly(true);
    if (!select.exec(u"SELECT crn, document FROM calls"_qs)) {
        *why = select.lastError().text();
        return false;
    }

    QSqlQuery insert(db);
    insert.prepare(u"INSERT INTO call_keys (key, kind, crn) VALUES (?, ?, ?)"
                   " ON CONFLICT DO NOTHING"_qs);
    qint64 calls = 0;
    while (select.next()) {
        const QString crn = select.value(0).toString();
        const auto call = CallJson::callFromJson(
            QJsonDocument::fromJson(select.value(1).toString().toUtf8()).object());
        if (!call)
            continue; // a damaged document is still found by its CRN, as before
        for (const auto &[kind, key] : searchKeys(*call)) {
            if (key.isEmpty())
                continue;
            insert.addBindValue(key);
            insert.addBindValue(kind);
            insert.addBindValue(crn);
            if (!insert.exec()) {
                *why = insert.lastError().text();
                return false;
            }
        }
        ++calls;
    }
    if (calls > 0)
        qCInfo(lcStore) << "Indexed the phone numbers of" << calls << "stored calls for search";
    return true;
}

// Step 4 on SQLite: the ETag of every stored document, which SQL there cannot compute.
bool tagStoredCalls(QSqlDatabase db, QString *why)
{
    QSqlQuery select(db);
    select.setForwardOnly(true);
    if (!select.exec(u"SELECT crn, CAST(document AS BLOB) FROM calls"_qs)) {
        *why = select.lastError().text();
        return false;
    }
    QSqlQuery update(db);
    update.prepare(u"UPDATE calls SET etag = ? WHERE crn = ?"_qs);
    while (select.next()) {
        update.addBindValue(
            QString::fromLatin1(CallStore::documentTag(select.value(1).toByteArray())));
        update.addBindValue(select.value(0).toString());
        if (!update.exec()) {
            *why = update.lastError().text();
            return false;
        }
    }
    return true;
}

} // namespace

QByteArray CallStore::documentTag(const QByteArray &document)
{
    return QCryptographicHash::hash(document, QCryptographicHash::Sha256).toHex().left(32);
}

QList<MigrationStep> CallStore::migrationSteps()
{
    // Each step takes the schema from the version before it to its own. PostgreSQL has its own
    // statements for types (BIGINT, identity) and for the key columns, which compare bytewise
    // (COLLATE "C") as SQLite does, so that ranges and the sort order are the same on both.
    MigrationStep calls {
        1,
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
            u"CREATE TABLE calls ("
            "  crn TEXT COLLATE \"C\" PRIMARY KEY,"
            "  crn_key TEXT COLLATE \"C\" NOT NULL UNIQUE,"
            "  start_us BIGINT NOT NULL,"
            "  summary TEXT NOT NULL,"
            "  document TEXT NOT NULL"
            ")"_qs,
            u"CREATE INDEX calls_by_start ON calls (start_us DESC, crn_key DESC)"_qs,
            u"CREATE TABLE call_keys ("
            "  key TEXT COLLATE \"C\" NOT NULL,"
            "  kind TEXT COLLATE \"C\" NOT NULL,"
            "  crn TEXT COLLATE \"C\" NOT NULL REFERENCES calls (crn) ON DELETE CASCADE,"
            "  PRIMARY KEY (key, kind, crn)"
            ")"_qs,
            u"CREATE INDEX call_keys_by_crn ON call_keys (crn)"_qs,
        },
    };
    MigrationStep recordings {
        2,
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
        {
            u"CREATE TABLE recordings ("
            "  id TEXT PRIMARY KEY,"
            "  crn TEXT COLLATE \"C\","
            "  path TEXT NOT NULL UNIQUE,"
            "  size BIGINT NOT NULL,"
            "  modified_us BIGINT NOT NULL,"
            "  content_type TEXT NOT NULL"
            ")"_qs,
            u"CREATE INDEX recordings_by_crn ON recordings (crn)"_qs,
            u"CREATE TABLE store_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)"_qs,
        },
    };
    MigrationStep filters {
        3,
        {
            // The search filters read columns, not the summary's JSON. seq numbers calls in the
            // order they were first saved, so that a page walk can leave out later arrivals.
            u"ALTER TABLE calls ADD COLUMN direction TEXT NOT NULL DEFAULT 'unknown'"_qs,
            u"ALTER TABLE calls ADD COLUMN outcome TEXT NOT NULL DEFAULT 'unknown'"_qs,
            u"ALTER TABLE calls ADD COLUMN recording_count INTEGER NOT NULL DEFAULT 0"_qs,
            u"ALTER TABLE calls ADD COLUMN seq INTEGER NOT NULL DEFAULT 0"_qs,
            u"UPDATE calls SET"
            "  direction = coalesce(json_extract(summary, '$.direction'), 'unknown'),"
            "  outcome = coalesce(json_extract(summary, '$.outcome'), 'unknown'),"
            "  recording_count = coalesce(json_extract(summary, '$.recording_count'), 0),"
            "  seq = rowid"_qs,
            u"INSERT INTO store_settings (name, value)"
            " SELECT 'last_call_sequence', CAST(coalesce(max(seq), 0) AS TEXT) FROM calls"
            " WHERE true ON CONFLICT (name) DO UPDATE SET value = excluded.value"_qs,
            // Each filter on a column with the sort key behind it: rows come out in order.
            u"CREATE INDEX calls_by_direction ON calls (direction, start_us DESC, crn_key DESC)"_qs,
            u"CREATE INDEX calls_by_outcome ON calls (outcome, start_us DESC, crn_key DESC)"_qs,
            u"CREATE INDEX calls_by_recorded"
            " ON calls ((recording_count > 0), start_us DESC, crn_key DESC)"_qs,
        },
        {
            // seq comes from the column's own sequence, so that importers and servers sharing
            // the database never hand out one number twice; savePreparedCalls takes a lock so
            // that numbers also become visible in their order (see lastCallSequence).
            u"ALTER TABLE calls ADD COLUMN direction TEXT NOT NULL DEFAULT 'unknown'"_qs,
            u"ALTER TABLE calls ADD COLUMN outcome TEXT NOT NULL DEFAULT 'unknown'"_qs,
            u"ALTER TABLE calls ADD COLUMN recording_count INTEGER NOT NULL DEFAULT 0"_qs,
            u"ALTER TABLE calls ADD COLUMN seq BIGINT GENERATED BY DEFAULT AS IDENTITY"_qs,
            u"UPDATE calls SET"
            "  direction = coalesce(summary::jsonb ->> 'direction', 'unknown'),"
            "  outcome = coalesce(summary::jsonb ->> 'outcome', 'unknown'),"
            "  recording_count = coalesce((summary::jsonb ->> 'recording_count')::integer, 0)"_qs,
            u"CREATE INDEX calls_by_direction ON calls (direction, start_us DESC, crn_key DESC)"_qs,
            u"CREATE INDEX calls_by_outcome ON calls (outcome, start_us DESC, crn_key DESC)"_qs,
            u"CREATE INDEX calls_by_recorded"
            " ON calls ((recording_count > 0), start_us DESC, crn_key DESC)"_qs,
            // The snapshot of a page walk is max(seq).
            u"CREATE INDEX calls_by_seq ON calls (seq)"_qs,
        },
    };
    MigrationStep etags {
        4,
        {
            // The ETag of each call's document, written with it, so that an answer computes
            // none; the rows already there get theirs in C++ (SQLite has no SHA-256), after this.
            u"ALTER TABLE calls ADD COLUMN etag TEXT NOT NULL DEFAULT ''"_qs,
        },
        {
            u"ALTER TABLE calls ADD COLUMN etag TEXT NOT NULL DEFAULT ''"_qs,
            u"UPDATE calls SET etag = left(encode(sha256(convert_to(document, 'UTF8')), 'hex'),"
            " 32)"_qs,
        },
    };
    return { calls, recordings, filters, etags };
}

bool CallStore::migrate()
{
    QSqlDatabase db = database();
    QSqlQuery query(db);

    // A database of another program is left as it is: writing our tables into it would mix
    // two programs' data in one place. Ours has schema_versions (or, before it, SQLite's
    // schema_version).
    const QString tables = m_dialect == SqlDialect::PostgreSQL
        ? u"SELECT count(*) FILTER (WHERE table_name IN ('schema_version', 'schema_versions')),"
          " count(*) FROM information_schema.tables"
          " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"_qs
        : u"SELECT count(*) FILTER (WHERE name IN ('schema_version', 'schema_versions')),"
          " count(*) FROM sqlite_master WHERE type = 'table'"_qs;
    if (!query.exec(tables))
        return fail(u"Cannot read the call database"_qs, query.lastError().text());
    if (query.next() && query.value(0).toInt() == 0 && query.value(1).toInt() > 0)
        return fail(u"The call database"_qs,
                    u"the database holds another program's tables, not crn-server's"_qs);
    query.finish();

    if (m_dialect == SqlDialect::SQLite && !adoptOldSchemaVersion())
        return false;

    QString error;
    const SqlDialect dialect = m_dialect;
    const auto afterStep = [dialect](int version, QSqlDatabase database, QString *why) {
        if (version == 3)
            return indexNumbersOfStoredCalls(database, why);
        if (version == 4 && dialect == SqlDialect::SQLite)
            return tagStoredCalls(database, why);
        return true;
    };
    if (!applyMigrations(db, u"calls"_qs, migrationSteps(), afterStep, &error)) {
        m_errorString = error;
        return false;
    }
    return true;
}

bool CallStore::adoptOldSchemaVersion()
{
    // Before schema_versions, SQLite files had one table schema_version with the calls'
    // version (1 to 3): it becomes the "calls" component's row, so that applyMigrations goes on
    // from there.
    QSqlDatabase db = database();
    QSqlQuery query(db);
    if (!query.exec(u"SELECT count(*) FROM sqlite_master"
                    " WHERE type = 'table' AND name = 'schema_version'"_qs)
        || !query.next())
        return fail(u"Cannot read the call database"_qs, query.lastError().text());
    if (query.value(0).toInt() == 0)
        return true;

    if (!db.transaction())
        return fail(u"Cannot migrate the call database"_qs, db.lastError().text());
    const QStringList statements = {
        u"CREATE TABLE IF NOT EXISTS schema_versions ("
        " component TEXT PRIMARY KEY, version INTEGER NOT NULL)"_qs,
        u"INSERT INTO schema_versions (component, version)"
        " SELECT 'calls', version FROM schema_version WHERE version > 0"
        " ORDER BY version DESC LIMIT 1 ON CONFLICT (component) DO NOTHING"_qs,
        u"DROP TABLE schema_version"_qs,
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
    prepared.direction = toString(call.summary.direction);
    prepared.outcome = toString(call.summary.outcome);
    prepared.recordingCount = call.summary.recordingCount;
    prepared.summary = CallJson::toJsonText(call.summary);
    prepared.document = CallJson::toJsonText(call);
    prepared.etag = documentTag(prepared.document);
    for (const auto &[kind, key] : searchKeys(call)) {
        if (!key.isEmpty())
            prepared.keys.append({ kind, key });
    }
    return prepared;
}

bool CallStore::savePreparedCalls(const QList<PreparedCall> &calls,
                                  const QList<StoredRecording> &recordings)
{
    if (m_dialect == SqlDialect::PostgreSQL)
        return savePreparedCallsSql(calls, recordings);

    // On SQLite's own handle: Qt's binding turns each JSON document into UTF-16 and SQLite
    // turns it back, which cost more than writing it.
    sqlite3 *db = rawHandle(database());
    if (!db)
        return fail(u"Cannot save calls"_qs,
                    u"the call database is not an open SQLite database"_qs);

    RawStatement deleteKeys(db, "DELETE FROM call_keys WHERE crn = ?");
    // A call saved again keeps its seq: a re-import must not move it out of a page walk.
    RawStatement upsert(db,
                        "INSERT INTO calls (crn, crn_key, start_us, summary, document, direction,"
                        " outcome, recording_count, seq, etag)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        " ON CONFLICT (crn) DO UPDATE SET crn_key = excluded.crn_key,"
                        " start_us = excluded.start_us, summary = excluded.summary,"
                        " document = excluded.document, direction = excluded.direction,"
                        " outcome = excluded.outcome, recording_count = excluded.recording_count,"
                        " etag = excluded.etag");
    RawStatement saveSequence(db,
                              "INSERT INTO store_settings (name, value) VALUES (?, ?)"
                              " ON CONFLICT (name) DO UPDATE SET value = excluded.value");
    RawStatement insertKey(db, "INSERT OR IGNORE INTO call_keys (key, kind, crn) VALUES (?, ?, ?)");
    RawStatement upsertRecording(
        db,
        "INSERT INTO recordings (id, crn, path, size, modified_us, content_type)"
        " VALUES (?, NULLIF(?, ''), ?, ?, ?, ?)" // no call yet: NULL, as saveRecordings
        " ON CONFLICT (id) DO UPDATE SET crn = excluded.crn, path = excluded.path,"
        " size = excluded.size, modified_us = excluded.modified_us,"
        " content_type = excluded.content_type");
    if (!deleteKeys.ok() || !upsert.ok() || !insertKey.ok() || !upsertRecording.ok()
        || !saveSequence.ok())
        return fail(u"Cannot save calls"_qs, rawError(db));
    // IMMEDIATE: the sequence is read and then written, and two writers must not both read it.
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
        return fail(u"Cannot save calls"_qs, rawError(db));
    const auto rollBack = [&](const QString &what) {
        const QString why = rawError(db);
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        return fail(what, why);
    };
    qint64 sequence = lastCallSequence();
    if (sequence < 0)
        return rollBack(u"Cannot save calls"_qs);

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
        const QByteArray direction = call.direction.toUtf8();
        const QByteArray outcome = call.outcome.toUtf8();
        upsert.bind(6, direction);
        upsert.bind(7, outcome);
        upsert.bind(8, qint64(call.recordingCount));
        upsert.bind(9, ++sequence);
        upsert.bind(10, call.etag);
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
    for (const StoredRecording &recording : recordings) {
        const QByteArray id = recording.id.toUtf8();
        const QByteArray path = recording.path.toUtf8();
        const QByteArray type = recording.contentType.toUtf8();
        crn = recording.crn.toUtf8();
        upsertRecording.bind(1, id);
        upsertRecording.bind(2, crn);
        upsertRecording.bind(3, path);
        upsertRecording.bind(4, recording.sizeBytes);
        upsertRecording.bind(5, recording.modifiedUs);
        upsertRecording.bind(6, type);
        if (!upsertRecording.run())
            return rollBack(QStringLiteral("Cannot save recording %1").arg(recording.id));
    }
    const QByteArray sequenceName = kLastCallSequence.toUtf8();
    const QByteArray sequenceText = QByteArray::number(sequence);
    saveSequence.bind(1, sequenceName);
    saveSequence.bind(2, sequenceText);
    if (!saveSequence.run())
        return rollBack(u"Cannot save calls"_qs);
    if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
        return rollBack(u"Cannot save calls"_qs);
    return true;
}

bool CallStore::savePreparedCallsSql(const QList<PreparedCall> &calls,
                                     const QList<StoredRecording> &recordings)
{
    QSqlDatabase db = database();
    if (!db.transaction())
        return fail(u"Cannot save calls"_qs, db.lastError().text());
    const auto rollBack = [&](const QString &what, const QSqlQuery &failed) {
        const QString why = failed.lastError().text();
        db.rollback();
        return fail(what, why);
    };

    // One writer at a time, until commit: seq numbers then become visible in the order they
    // were taken, so that a walk's snapshot (the largest seq it saw) never has a smaller
    // number arrive behind it. Readers are not held up.
    QSqlQuery lock(db);
    lock.prepare(u"SELECT pg_advisory_xact_lock(?)"_qs);
    lock.addBindValue(kCallWriterLock);
    if (!lock.exec())
        return rollBack(u"Cannot save calls"_qs, lock);

    // A call saved twice in one list is written as its last version, as row by row; its
    // number stays the one its first insert took.
    QHash<QString, qsizetype> last;
    for (qsizetype i = 0; i < calls.size(); ++i)
        last.insert(calls.at(i).crn, i);

    // A few statements per chunk of calls, each with its values as arrays: a round trip per
    // row would cost more than the rows.
    constexpr qsizetype kCallsPerStatement = 500;
    for (qsizetype from = 0; from < calls.size(); from += kCallsPerStatement) {
        QStringList crns;
        QStringList crnKeys;
        QStringList starts;
        QStringList summaries;
        QStringList documents;
        QStringList directions;
        QStringList outcomes;
        QStringList recordingCounts;
        QStringList etags;
        QStringList keys;
        QStringList kinds;
        QStringList keyCrns;
        for (qsizetype i = from; i < std::min(calls.size(), from + kCallsPerStatement); ++i) {
            const PreparedCall &call = calls.at(i);
            if (last.value(call.crn) != i)
                continue;
            crns.append(call.crn);
            crnKeys.append(call.crnKey);
            starts.append(QString::number(call.startUs));
            summaries.append(QString::fromUtf8(call.summary));
            documents.append(QString::fromUtf8(call.document));
            directions.append(call.direction);
            outcomes.append(call.outcome);
            recordingCounts.append(QString::number(call.recordingCount));
            etags.append(QString::fromLatin1(call.etag));
            for (const auto &[kind, key] : call.keys) {
                keys.append(key);
                kinds.append(kind);
                keyCrns.append(call.crn);
            }
        }
        if (crns.isEmpty())
            continue;

        QSqlQuery deleteKeys(db);
        deleteKeys.prepare(u"DELETE FROM call_keys WHERE crn = ANY (?::text[])"_qs);
        deleteKeys.addBindValue(arrayLiteral(crns));
        if (!deleteKeys.exec())
            return rollBack(u"Cannot save calls"_qs, deleteKeys);

        // seq comes from its identity sequence on insert and stays on update, as on SQLite.
        QSqlQuery upsert(db);
        upsert.prepare(
            u"INSERT INTO calls (crn, crn_key, start_us, summary, document, direction,"
            " outcome, recording_count, etag) SELECT * FROM unnest(?::text[], ?::text[],"
            " ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::integer[], ?::text[])"
            " ON CONFLICT (crn) DO UPDATE SET crn_key = excluded.crn_key,"
            " start_us = excluded.start_us, summary = excluded.summary,"
            " document = excluded.document, direction = excluded.direction,"
            " outcome = excluded.outcome, recording_count = excluded.recording_count,"
            " etag = excluded.etag"_qs);
        for (const QStringList *values : { &crns, &crnKeys, &starts, &summaries, &documents,
                                           &directions, &outcomes, &recordingCounts, &etags })
            upsert.addBindValue(arrayLiteral(*values));
        if (!upsert.exec())
            return rollBack(u"Cannot save calls"_qs, upsert);

        if (keys.isEmpty())
            continue;
        QSqlQuery insertKeys(db);
        insertKeys.prepare(u"INSERT INTO call_keys (key, kind, crn)"
                           " SELECT * FROM unnest(?::text[], ?::text[], ?::text[])"
                           " ON CONFLICT DO NOTHING"_qs);
        insertKeys.addBindValue(arrayLiteral(keys));
        insertKeys.addBindValue(arrayLiteral(kinds));
        insertKeys.addBindValue(arrayLiteral(keyCrns));
        if (!insertKeys.exec())
            return rollBack(u"Cannot index calls"_qs, insertKeys);
    }

    QSqlQuery upsertRecording(db);
    upsertRecording.prepare(kUpsertRecording);
    for (const StoredRecording &recording : recordings) {
        bindRecording(upsertRecording, recording);
        if (!upsertRecording.exec())
            return rollBack(QStringLiteral("Cannot save recording %1").arg(recording.id),
                            upsertRecording);
    }
    return db.commit() || fail(u"Cannot save calls"_qs, db.lastError().text());
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

std::optional<QByteArray> CallStore::findCallDocument(QStringView crnOrLegId)
{
    const std::optional<StoredDocument> stored = findStoredDocument(crnOrLegId);
    if (!stored)
        return std::nullopt;
    return stored->document;
}

std::optional<StoredDocument> CallStore::findStoredDocument(QStringView crnOrLegId)
{
    const QString key = CrnText::normalized(crnOrLegId);
    if (key.isEmpty())
        return std::nullopt;

    // One statement: the key's row, then the call by its primary key. A CRN wins over a leg
    // id of the same spelling, as in resolveCrn. The document as bytes: the UTF-8 as stored,
    // without a round trip through UTF-16. Prepared once per connection, as every request
    // runs it.
    if (!m_documentQuery) {
        m_documentQuery = std::make_unique<QSqlQuery>(database());
        m_documentQuery->setForwardOnly(true);
        m_documentQuery->prepare(u"SELECT c.crn, c.etag, "_qs
                                 + (m_dialect == SqlDialect::PostgreSQL
                                        ? u"convert_to(c.document, 'UTF8')"_qs
                                        : u"CAST(c.document AS BLOB)"_qs)
                                 + u" FROM call_keys k JOIN calls c ON c.crn = k.crn"
                                   " WHERE k.key = ? AND k.kind IN ('crn', 'leg')"
                                   " ORDER BY k.kind = 'crn' DESC LIMIT 1"_qs);
    }
    QSqlQuery &query = *m_documentQuery;
    query.addBindValue(key);
    if (!query.exec()) {
        fail(u"Cannot look up a call"_qs, query.lastError().text());
        return std::nullopt;
    }
    if (!query.next()) {
        query.finish();
        return std::nullopt;
    }
    StoredDocument stored { query.value(0).toString(), query.value(1).toString().toLatin1(),
                            query.value(2).toByteArray() };
    query.finish();
    // A row written before step 4 by an older importer has no tag yet.
    if (stored.etag.isEmpty())
        stored.etag = documentTag(stored.document);
    return stored;
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
    query.prepare(kUpsertRecording);
    for (const StoredRecording &recording : recordings) {
        bindRecording(query, recording);
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

// The statement search() runs: SQL and its values in order, and what the page's cursor needs.
struct CallStore::SearchStatement
{
    QString sql;
    QVariantList values;
    int limit = 0;
    Cursor next; // sort and snapshot filled in; the sort key comes from the page's last call
};

qint64 CallStore::lastCallSequence()
{
    QSqlQuery query(database());
    if (m_dialect == SqlDialect::PostgreSQL) {
        // Writers take turns until they commit (savePreparedCalls), so the largest committed
        // seq has every smaller one committed before it.
        if (!query.exec(u"SELECT coalesce(max(seq), 0) FROM calls"_qs) || !query.next()) {
            fail(u"Cannot read the call sequence"_qs, query.lastError().text());
            return -1;
        }
        return query.value(0).toLongLong();
    }
    query.prepare(u"SELECT value FROM store_settings WHERE name = ?"_qs);
    query.addBindValue(kLastCallSequence);
    if (!query.exec()) {
        fail(u"Cannot read the call sequence"_qs, query.lastError().text());
        return -1;
    }
    return query.next() ? query.value(0).toLongLong() : 0;
}

namespace {

// A condition that a call has a key of one of these kinds starting with prefix.
QString keyPrefixCondition(const QStringList &kinds, const QString &prefix, QVariantList *values)
{
    *values << prefix << prefixUpperBound(prefix);
    return u"(kind IN ('"_qs + kinds.join(u"', '"_qs) + u"') AND key >= ? AND key < ?)"_qs;
}

// The call_keys conditions of the "number" parameter, as docs/api.yaml defines them.
QString numberCondition(const PhoneNumber &number, QVariantList *values)
{
    QStringList any;
    switch (number.form) {
    case PhoneNumber::Form::International:
        any.append(keyPrefixCondition({ kNumberKind, kE164Kind }, number.e164, values));
        if (!number.nationalNumber.isEmpty())
            any.append(keyPrefixCondition({ kNationalNsnKind }, number.nationalNumber, values));
        break;
    case PhoneNumber::Form::National:
        any.append(keyPrefixCondition({ kNationalNsnKind, kInternationalNsnKind },
                                      number.nationalNumber, values));
        break;
    case PhoneNumber::Form::Plain:
        any.append(
            keyPrefixCondition({ kNumberKind, kE164Kind, kNationalNsnKind, kInternationalNsnKind },
                               number.digits, values));
        any.append(keyPrefixCondition({ kReversedKind }, reversed(number.digits), values));
        break;
    }
    return any.join(u" OR "_qs);
}

} // namespace

// A condition on the call's keys in one of two shapes, chosen by how many key rows match (see
// searchStatement): few, and the matching calls are read by their CRN and sorted; many, and the
// calls are walked in sort order through an index on calls and each one's keys are looked at,
// which finds a page of calls after a few probes however deep in the walk the page is.
QString CallStore::keyCondition(const QString &condition, const QVariantList &values,
                                qint64 broadFrom, QVariantList *statementValues, bool *failed)
{
    QSqlQuery probe(database());
    probe.prepare(u"SELECT count(*) FROM (SELECT 1 FROM call_keys WHERE "_qs + condition
                  + u" LIMIT ?) AS matched"_qs);
    for (const QVariant &value : values)
        probe.addBindValue(value);
    probe.addBindValue(broadFrom);
    if (!probe.exec() || !probe.next()) {
        fail(u"Cannot search calls"_qs, probe.lastError().text());
        *failed = true;
        return {};
    }
    *statementValues += values;
    if (probe.value(0).toLongLong() < broadFrom)
        return u"c.crn IN (SELECT crn FROM call_keys WHERE "_qs + condition + u')';
    // PostgreSQL would turn the EXISTS into a join and may sort its result again; OFFSET 0
    // keeps it a check of each call the index walk reaches.
    return u"EXISTS (SELECT 1 FROM call_keys k WHERE k.crn = c.crn AND ("_qs + condition
        + (m_dialect == SqlDialect::PostgreSQL ? u") OFFSET 0)"_qs : u"))"_qs);
}

std::optional<CallStore::SearchStatement> CallStore::searchStatement(const SearchQuery &query,
                                                                     SearchError *error)
{
    const auto refuse = [error](SearchError why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (error)
        *error = SearchError::None;

    SearchStatement statement;
    statement.next.sort = query.sort;
    const bool ascending = query.sort == SearchSort::StartAscending;
    QStringList where;
    QVariantList &values = statement.values;

    // The snapshot: a walk's first page fixes it, every later page carries it along.
    if (query.cursor.isEmpty()) {
        statement.next.snapshot = lastCallSequence();
        if (statement.next.snapshot < 0)
            return refuse(SearchError::Database);
    } else {
        const std::optional<Cursor> cursor = decodeCursor(query.cursor);
        if (!cursor || cursor->sort != query.sort)
            return refuse(SearchError::BadCursor);
        statement.next.snapshot = cursor->snapshot;
        where.append(ascending ? u"(c.start_us, c.crn_key) > (?, ?)"_qs
                               : u"(c.start_us, c.crn_key) < (?, ?)"_qs);
        values << cursor->startUs << cursor->crnKey;
    }
    where.append(u"c.seq <= ?"_qs);
    values << statement.next.snapshot;

    if (query.from.isValid()) {
        where.append(u"c.start_us >= ?"_qs);
        values.append(query.from.microseconds());
    }
    if (query.to.isValid()) {
        where.append(u"c.start_us < ?"_qs);
        values.append(query.to.microseconds());
    }
    if (query.direction) {
        where.append(u"c.direction = ?"_qs);
        values.append(toString(*query.direction));
    }
    if (query.outcome) {
        where.append(u"c.outcome = ?"_qs);
        values.append(toString(*query.outcome));
    }
    if (query.hasRecording) {
        // The very expression of the index calls_by_recorded, or SQLite would not use it.
        // A boolean value: SQLite binds it as 1 or 0, PostgreSQL as a boolean.
        where.append(u"(c.recording_count > 0) = ?"_qs);
        values.append(*query.hasRecording);
    }
    if (query.hasEscalation) {
        // The table of EscalationStore (server/escalation), in this database; NOT EXISTS rather
        // than comparing EXISTS with a number, which PostgreSQL refuses.
        where.append((*query.hasEscalation ? u"EXISTS"_qs : u"NOT EXISTS"_qs)
                     + u" (SELECT 1 FROM escalations e WHERE e.crn = c.crn)"_qs);
    }

    // A key condition is broad when at least this many key rows match it: walking the calls in
    // order then reaches a page of matches after about (calls / broadFrom) * limit probes,
    // while the narrow shape reads and sorts up to broadFrom calls; the two costs meet near the
    // square root of calls * limit.
    const qint64 broadFrom = std::clamp<qint64>(
        qint64(std::sqrt(double(std::max<qint64>(statement.next.snapshot, 1))
                         * double(std::clamp(query.limit, 1, kMaxSearchLimit) + 1))),
        kMinBroadKeyRows, kMaxBroadKeyRows);
    bool failed = false;
    const auto addKeyCondition = [&](const QString &condition, const QVariantList &keyValues) {
        const QString shaped = keyCondition(condition, keyValues, broadFrom, &values, &failed);
        if (!failed)
            where.append(shaped);
    };

    const QString agent = CrnText::normalized(query.agent);
    if (!agent.isEmpty()) {
        QVariantList keyValues;
        const QString condition = keyPrefixCondition({ u"agent"_qs }, agent, &keyValues);
        addKeyCondition(condition, keyValues);
    }
    if (query.agentKey) {
        where.append(u"EXISTS (SELECT 1 FROM call_keys a WHERE a.crn = c.crn AND a.kind = 'agent'"
                     " AND a.key = ?)"_qs);
        values.append(*query.agentKey);
    }
    const QString queue = CrnText::normalized(query.queue);
    if (!queue.isEmpty()) {
        QVariantList keyValues;
        const QString condition = keyPrefixCondition({ u"queue"_qs }, queue, &keyValues);
        addKeyCondition(condition, keyValues);
    }
    if (!query.number.isEmpty()) {
        const PhoneNumber number = PhoneNumber::parse(query.number);
        if (number.significantDigits() < kMinNumberDigits)
            return refuse(SearchError::BadNumber);
        QVariantList keyValues;
        const QString condition = numberCondition(number, &keyValues);
        addKeyCondition(condition, keyValues);
    }

    const QString key = CrnText::normalized(query.text);
    if (!key.isEmpty()) {
        // Ids and names by prefix; a number by the digits it contains, also by prefix.
        QString condition
            = u"(kind IN ('crn', 'leg', 'agent', 'queue') AND key >= ? AND key < ?)"_qs;
        QVariantList keyValues { key, prefixUpperBound(key) };
        const QString digits = digitsOf(query.text);
        if (digits.size() >= kMinNumberDigits) {
            condition += u" OR (kind = 'number' AND key >= ? AND key < ?)"_qs;
            keyValues << digits << prefixUpperBound(digits);
        }
        addKeyCondition(condition, keyValues);
    }
    if (failed)
        return refuse(SearchError::Database);

    statement.limit = std::clamp(query.limit, 1, kMaxSearchLimit);
    const QString order = ascending ? u"ASC"_qs : u"DESC"_qs;
    statement.sql = u"SELECT c.crn_key, c.start_us, c.summary FROM calls c WHERE "_qs
        + where.join(u" AND "_qs) + u" ORDER BY c.start_us "_qs + order + u", c.crn_key "_qs + order
        + u" LIMIT "_qs + QString::number(statement.limit + 1);
    return statement;
}

SearchPage CallStore::search(const SearchQuery &query, SearchError *error)
{
    std::optional<SearchStatement> statement = searchStatement(query, error);
    if (!statement)
        return {};

    QSqlQuery select(database());
    select.setForwardOnly(true);
    select.prepare(statement->sql);
    for (const QVariant &value : std::as_const(statement->values))
        select.addBindValue(value);
    if (!select.exec()) {
        fail(u"Cannot search calls"_qs, select.lastError().text());
        if (error)
            *error = SearchError::Database;
        return {};
    }

    SearchPage page;
    Cursor &next = statement->next;
    while (select.next()) {
        if (page.calls.size() == statement->limit) {
            page.nextCursor = encodeCursor(next);
            break;
        }
        next.crnKey = select.value(0).toString();
        next.startUs = select.value(1).toLongLong();
        const auto summary = CallJson::summaryFromJson(
            QJsonDocument::fromJson(select.value(2).toString().toUtf8()).object());
        if (summary)
            page.calls.append(*summary);
    }
    return page;
}

QStringList CallStore::searchPlan(const SearchQuery &query, SearchError *error)
{
    const std::optional<SearchStatement> statement = searchStatement(query, error);
    if (!statement)
        return {};

    QSqlQuery explain(database());
    if (m_dialect == SqlDialect::PostgreSQL) {
        // PostgreSQL prepares no EXPLAIN, so the values go in as literals, which also gives the
        // plan a prepared statement's first executions get (a custom plan for these values).
        QStringList parts = statement->sql.split(u'?');
        QString sql = parts.takeFirst();
        QSqlField field;
        for (qsizetype i = 0; i < parts.size(); ++i) {
            const QVariant &value = statement->values.value(i);
            field = QSqlField(QString(), value.metaType());
            field.setValue(value);
            sql += database().driver()->formatValue(field) + parts.at(i);
        }
        if (!explain.exec(u"EXPLAIN (FORMAT JSON) "_qs + sql) || !explain.next()) {
            fail(u"Cannot explain a search"_qs, explain.lastError().text());
            if (error)
                *error = SearchError::Database;
            return {};
        }
        QStringList plan;
        const QJsonArray root
            = QJsonDocument::fromJson(explain.value(0).toString().toUtf8()).array();
        QList<QJsonObject> nodes { root.first().toObject().value(u"Plan").toObject() };
        while (!nodes.isEmpty()) {
            const QJsonObject node = nodes.takeFirst();
            QString line = node.value(u"Node Type").toString();
            if (node.contains(u"Index Name"))
                line += u" using "_qs + node.value(u"Index Name").toString();
            if (node.contains(u"Relation Name"))
                line += u" on "_qs + node.value(u"Relation Name").toString();
            plan.append(line);
            for (const QJsonValue &child : node.value(u"Plans").toArray())
                nodes.append(child.toObject());
        }
        return plan;
    }

    explain.prepare(u"EXPLAIN QUERY PLAN "_qs + statement->sql);
    for (const QVariant &value : statement->values)
        explain.addBindValue(value);
    if (!explain.exec()) {
        fail(u"Cannot explain a search"_qs, explain.lastError().text());
        if (error)
            *error = SearchError::Database;
        return {};
    }
    QStringList plan;
    while (explain.next())
        plan.append(explain.value(3).toString());
    return plan;
}

qint64 CallStore::callCount()
{
    QSqlQuery query(database());
    if (!query.exec(u"SELECT count(*) FROM calls"_qs) || !query.next())
        return -1;
    return query.value(0).toLongLong();
}
