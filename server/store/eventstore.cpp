#include "eventstore.h"

#include "callstore.h"
#include "logging.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

namespace {

// A prepared statement of one dialect, behind EventStore::Statement. step() answers with
// SQLite's codes (SQLITE_ROW, SQLITE_DONE, SQLITE_ERROR) in both.
class StatementBackend
{
public:
    virtual ~StatementBackend() = default;

    virtual void bind(int index, QByteArrayView text) = 0;
    virtual void bindBlob(int index, QByteArrayView bytes) = 0;
    virtual void bind(int index, qint64 value) = 0;
    virtual void bindNull(int index) = 0;
    virtual int step() = 0;
    virtual void reset() = 0;
    virtual qint64 integer(int column) const = 0;
    virtual bool isNull(int column) const = 0;
    virtual QString text(int column) const = 0;
    virtual QByteArray blob(int column) const = 0;
    // How many rows the last step inserted or changed.
    virtual qint64 changes() const = 0;
    virtual QString error() const = 0;
};

// On SQLite's own handle, binding the caller's bytes without copying them.
class SqliteStatement final : public StatementBackend
{
public:
    ~SqliteStatement() override { sqlite3_finalize(m_statement); }

    bool prepare(sqlite3 *db, const char *sql)
    {
        m_db = db;
        return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_statement, nullptr)
            == SQLITE_OK;
    }

    void bind(int index, QByteArrayView text) override
    {
        sqlite3_bind_text(m_statement, index, text.isNull() ? "" : text.data(), int(text.size()),
                          SQLITE_STATIC);
    }
    void bindBlob(int index, QByteArrayView bytes) override
    {
        sqlite3_bind_blob(m_statement, index, bytes.isNull() ? "" : bytes.data(), int(bytes.size()),
                          SQLITE_STATIC);
    }
    void bind(int index, qint64 value) override { sqlite3_bind_int64(m_statement, index, value); }
    void bindNull(int index) override { sqlite3_bind_null(m_statement, index); }

    int step() override { return sqlite3_step(m_statement); }
    void reset() override
    {
        sqlite3_reset(m_statement);
        sqlite3_clear_bindings(m_statement);
    }

    qint64 integer(int column) const override { return sqlite3_column_int64(m_statement, column); }
    bool isNull(int column) const override
    {
        return sqlite3_column_type(m_statement, column) == SQLITE_NULL;
    }
    QString text(int column) const override
    {
        return QString::fromUtf8(
            reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column)),
            sqlite3_column_bytes(m_statement, column));
    }
    QByteArray blob(int column) const override
    {
        const void *data = sqlite3_column_blob(m_statement, column);
        return QByteArray(static_cast<const char *>(data),
                          sqlite3_column_bytes(m_statement, column));
    }
    qint64 changes() const override { return sqlite3_changes(m_db); }
    QString error() const override { return QString::fromUtf8(sqlite3_errmsg(m_db)); }

private:
    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_statement = nullptr;
};

// Through Qt Sql (PostgreSQL): the first step executes, later steps fetch the next row. Views
// are copied into QVariants when bound; an empty view binds an empty value, never NULL.
class SqlStatement final : public StatementBackend
{
public:
    explicit SqlStatement(const QSqlDatabase &db)
        : m_query(db)
    {
        m_query.setForwardOnly(true);
    }

    bool prepare(const char *sql) { return m_query.prepare(QString::fromUtf8(sql)); }

    void bind(int index, QByteArrayView text) override
    {
        m_query.bindValue(index - 1, QString::fromUtf8(text.isNull() ? QByteArrayView("") : text));
    }
    void bindBlob(int index, QByteArrayView bytes) override
    {
        m_query.bindValue(index - 1, QByteArray(bytes.isNull() ? "" : bytes.data(), bytes.size()));
    }
    void bind(int index, qint64 value) override { m_query.bindValue(index - 1, value); }
    void bindNull(int index) override { m_query.bindValue(index - 1, QVariant()); }

    int step() override
    {
        if (!m_executed) {
            m_executed = true;
            if (!m_query.exec())
                return SQLITE_ERROR;
            if (!m_query.isSelect()) {
                m_changes = m_query.numRowsAffected();
                return SQLITE_DONE;
            }
        }
        if (m_query.next())
            return SQLITE_ROW;
        return m_query.lastError().isValid() ? SQLITE_ERROR : SQLITE_DONE;
    }
    void reset() override
    {
        m_query.finish();
        m_executed = false;
    }

    qint64 integer(int column) const override { return m_query.value(column).toLongLong(); }
    bool isNull(int column) const override { return m_query.isNull(column); }
    QString text(int column) const override { return m_query.value(column).toString(); }
    QByteArray blob(int column) const override { return m_query.value(column).toByteArray(); }
    qint64 changes() const override { return m_changes; }
    QString error() const override { return m_query.lastError().text(); }

private:
    QSqlQuery m_query;
    bool m_executed = false;
    qint64 m_changes = 0;
};

} // namespace

// A prepared statement on the store's connection, whichever the dialect. A failure's reason is
// left with the store, for fail().
class EventStore::Statement
{
public:
    bool prepare(EventStore &store, const char *sql)
    {
        m_store = &store;
        if (store.m_sqlite) {
            auto statement = std::make_unique<SqliteStatement>();
            const bool prepared = statement->prepare(store.m_sqlite, sql);
            m_backend = std::move(statement);
            return prepared;
        }
        auto statement = std::make_unique<SqlStatement>(store.m_database);
        const bool prepared = statement->prepare(sql);
        if (!prepared)
            store.m_sqlError = statement->error();
        m_backend = std::move(statement);
        return prepared;
    }

    void bind(int index, QByteArrayView text) { m_backend->bind(index, text); }
    void bindBlob(int index, QByteArrayView bytes) { m_backend->bindBlob(index, bytes); }
    void bind(int index, qint64 value) { m_backend->bind(index, value); }
    void bindNull(int index) { m_backend->bindNull(index); }
    int step()
    {
        const int result = m_backend->step();
        if (result != SQLITE_ROW && result != SQLITE_DONE && !m_store->m_sqlite)
            m_store->m_sqlError = m_backend->error();
        return result;
    }
    void reset() { m_backend->reset(); }
    qint64 integer(int column) const { return m_backend->integer(column); }
    bool isNull(int column) const { return m_backend->isNull(column); }
    QString text(int column) const { return m_backend->text(column); }
    QByteArray blob(int column) const { return m_backend->blob(column); }
    qint64 changes() const { return m_backend->changes(); }

private:
    EventStore *m_store = nullptr;
    std::unique_ptr<StatementBackend> m_backend;
};

// Copies the write-ahead log into the database file on a thread of its own, through a
// connection of its own, while the import goes on writing: a checkpoint on the importing
// connection would stop the import for as long as it takes (a third of the time spent saving
// calls). Passive checkpoints never wait for a lock nor block the writer, and a failed one is
// simply tried again, so nothing is reported; the importing connection's checkpoint at close
// copies whatever is left. Without a database file (":memory:") there is no thread.
class EventStore::Checkpointer
{
public:
    explicit Checkpointer(sqlite3 *importing)
    {
        const char *file = sqlite3_db_filename(importing, "main");
        if (!file || !*file)
            return;
        if (sqlite3_open_v2(file, &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr)
                != SQLITE_OK
            || sqlite3_exec(m_db, "PRAGMA synchronous = NORMAL", nullptr, nullptr, nullptr)
                != SQLITE_OK) {
            sqlite3_close(m_db);
            m_db = nullptr;
            return;
        }
        m_thread = std::thread([this] { run(); });
    }

    ~Checkpointer()
    {
        if (m_thread.joinable()) {
            {
                const std::lock_guard lock(m_mutex);
                m_stop = true;
            }
            m_wake.notify_one();
            m_thread.join();
        }
        sqlite3_close(m_db);
    }

private:
    void run()
    {
        std::unique_lock lock(m_mutex);
        while (!m_stop) {
            m_wake.wait_for(lock, std::chrono::milliseconds(100));
            if (m_stop)
                break;
            lock.unlock();
            sqlite3_wal_checkpoint_v2(m_db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
            lock.lock();
        }
    }

    sqlite3 *m_db = nullptr;
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
};

namespace {

sqlite3 *rawHandle(const QSqlDatabase &db)
{
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(handle.constData());
}

QByteArray utf8(const QString &text)
{
    return text.toUtf8();
}

QByteArray flagsText(const QList<CallFlag> &flags)
{
    QJsonArray array;
    for (const CallFlag &flag : flags)
        array.append(QJsonObject { { u"code"_qs, flag.code }, { u"message"_qs, flag.message } });
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}

QList<CallFlag> flagsFrom(const QString &text)
{
    QList<CallFlag> flags;
    const QJsonArray array = QJsonDocument::fromJson(text.toUtf8()).array();
    for (const QJsonValue &value : array) {
        const QJsonObject object = value.toObject();
        flags.append({ object.value(u"code").toString(), object.value(u"message").toString() });
    }
    return flags;
}

} // namespace

EventStore::EventStore(const QSqlDatabase &database)
    : m_database(database)
    , m_sqlite(rawHandle(database))
{ }

EventStore::~EventStore()
{
    m_checkpointer.reset();
    if (m_inBatch)
        rollbackBatch();
    if (m_sqlite)
        sqlite3_wal_autocheckpoint(m_sqlite, 1000); // SQLite's default
}

QList<MigrationStep> EventStore::migrationSteps()
{
    // SQLite files made before schema_versions already have these tables, hence IF NOT EXISTS.
    MigrationStep tables {
        1,
        {
            u"CREATE TABLE IF NOT EXISTS import_records ("
            "  grp TEXT NOT NULL, fp INTEGER NOT NULL, format INTEGER NOT NULL,"
            "  time_us INTEGER NOT NULL, origin TEXT NOT NULL, fields BLOB NOT NULL,"
            "  PRIMARY KEY (grp, fp)) STRICT, WITHOUT ROWID"_qs,
            u"CREATE TABLE IF NOT EXISTS import_links ("
            "  leg TEXT NOT NULL, grp TEXT NOT NULL, by_name INTEGER NOT NULL,"
            "  first_us INTEGER NOT NULL, last_us INTEGER NOT NULL,"
            "  PRIMARY KEY (leg, grp)) STRICT, WITHOUT ROWID"_qs,
            u"CREATE INDEX IF NOT EXISTS import_links_by_grp ON import_links (grp, by_name)"_qs,
            u"CREATE TABLE IF NOT EXISTS import_groups ("
            "  grp TEXT PRIMARY KEY, strong INTEGER NOT NULL, first_us INTEGER NOT NULL)"
            "  STRICT, WITHOUT ROWID"_qs,
            u"CREATE TABLE IF NOT EXISTS import_agent_events ("
            "  agent TEXT NOT NULL, scope TEXT NOT NULL, time_us INTEGER NOT NULL,"
            "  fp INTEGER NOT NULL, origin TEXT NOT NULL, fields BLOB NOT NULL,"
            "  PRIMARY KEY (agent, scope, time_us, fp)) STRICT, WITHOUT ROWID"_qs,
            u"CREATE TABLE IF NOT EXISTS import_recording_files ("
            "  id TEXT PRIMARY KEY, path TEXT NOT NULL UNIQUE, present INTEGER NOT NULL,"
            "  size INTEGER NOT NULL, modified_us INTEGER NOT NULL, content_type TEXT NOT NULL,"
            "  codec TEXT NOT NULL, channels INTEGER NOT NULL, sample_rate INTEGER NOT NULL,"
            "  duration_us INTEGER NOT NULL, flags TEXT NOT NULL) STRICT, WITHOUT ROWID"_qs,
            u"CREATE TABLE IF NOT EXISTS import_recording_refs ("
            "  source INTEGER NOT NULL, file TEXT NOT NULL, target TEXT NOT NULL,"
            "  leg_only INTEGER NOT NULL, start_us INTEGER, origin TEXT NOT NULL,"
            "  PRIMARY KEY (source, file)) STRICT, WITHOUT ROWID"_qs,
            u"CREATE TABLE IF NOT EXISTS import_recording_links ("
            "  id TEXT PRIMARY KEY, crn TEXT NOT NULL, fingerprint INTEGER NOT NULL)"
            "  STRICT, WITHOUT ROWID"_qs,
        },
        {
            // Texts compare bytewise, as on SQLite, so that every ORDER BY agrees.
            u"CREATE TABLE import_records ("
            "  grp TEXT COLLATE \"C\" NOT NULL, fp BIGINT NOT NULL, format INTEGER NOT NULL,"
            "  time_us BIGINT NOT NULL, origin TEXT NOT NULL, fields BYTEA NOT NULL,"
            "  PRIMARY KEY (grp, fp))"_qs,
            u"CREATE TABLE import_links ("
            "  leg TEXT COLLATE \"C\" NOT NULL, grp TEXT COLLATE \"C\" NOT NULL,"
            "  by_name INTEGER NOT NULL, first_us BIGINT NOT NULL, last_us BIGINT NOT NULL,"
            "  PRIMARY KEY (leg, grp))"_qs,
            u"CREATE INDEX import_links_by_grp ON import_links (grp, by_name)"_qs,
            u"CREATE TABLE import_groups ("
            "  grp TEXT COLLATE \"C\" PRIMARY KEY, strong INTEGER NOT NULL,"
            "  first_us BIGINT NOT NULL)"_qs,
            u"CREATE TABLE import_agent_events ("
            "  agent TEXT COLLATE \"C\" NOT NULL, scope TEXT COLLATE \"C\" NOT NULL,"
            "  time_us BIGINT NOT NULL, fp BIGINT NOT NULL, origin TEXT NOT NULL,"
            "  fields BYTEA NOT NULL, PRIMARY KEY (agent, scope, time_us, fp))"_qs,
            u"CREATE TABLE import_recording_files ("
            "  id TEXT COLLATE \"C\" PRIMARY KEY, path TEXT COLLATE \"C\" NOT NULL UNIQUE,"
            "  present INTEGER NOT NULL, size BIGINT NOT NULL, modified_us BIGINT NOT NULL,"
            "  content_type TEXT NOT NULL, codec TEXT NOT NULL, channels INTEGER NOT NULL,"
            "  sample_rate INTEGER NOT NULL, duration_us BIGINT NOT NULL, flags TEXT NOT NULL)"_qs,
            u"CREATE TABLE import_recording_refs ("
            "  source INTEGER NOT NULL, file TEXT COLLATE \"C\" NOT NULL, target TEXT NOT NULL,"
            "  leg_only INTEGER NOT NULL, start_us BIGINT, origin TEXT NOT NULL,"
            "  PRIMARY KEY (source, file))"_qs,
            u"CREATE TABLE import_recording_links ("
            "  id TEXT COLLATE \"C\" PRIMARY KEY, crn TEXT COLLATE \"C\" NOT NULL,"
            "  fingerprint BIGINT NOT NULL)"_qs,
        },
    };
    return { tables };
}

std::unique_ptr<EventStore> EventStore::open(CallStore &calls, QString *error)
{
    QSqlDatabase db = calls.database();
    std::unique_ptr<EventStore> store(new EventStore(db));
    if (!store->m_sqlite && sqlDialect(db) != SqlDialect::PostgreSQL) {
        if (error)
            *error = u"The call database is not an open SQLite or PostgreSQL database"_qs;
        return nullptr;
    }
    if (!applyMigrations(db, u"import"_qs, migrationSteps(), error))
        return nullptr;

    // Per connection: a temporary table and, on SQLite, the page cache and checkpoints.
    QList<const char *> setup {
        "CREATE TEMP TABLE IF NOT EXISTS import_wanted (grp TEXT PRIMARY KEY)",
    };
    if (store->m_sqlite) {
        setup += {
            // A bigger page cache than the default 2 MiB keeps the key inserts of a large import
            // in memory; it is a fixed ceiling, so memory stays flat in the file's size.
            "PRAGMA cache_size = -32768",
            // Checkpoints every 64 MiB of log rather than SQLite's 4 MiB: each one copies pages
            // into the database file and waits for the disk twice, and a large import writes
            // hundreds of MiB. Durability is unchanged (WAL, synchronous=NORMAL); the log file
            // may grow to this size. Reset when the import ends.
            "PRAGMA wal_autocheckpoint = 16384",
        };
    }
    for (const char *statement : std::as_const(setup)) {
        if (!store->exec(statement)) {
            if (error)
                *error = store->errorString();
            return nullptr;
        }
    }
    if (!store->prepareAll()) {
        if (error)
            *error = store->errorString();
        return nullptr;
    }
    return store;
}

bool EventStore::fail(const QString &what)
{
    m_errorString
        = what + u": "_qs + (m_sqlite ? QString::fromUtf8(sqlite3_errmsg(m_sqlite)) : m_sqlError);
    qCWarning(lcStore).noquote() << m_errorString;
    return false;
}

bool EventStore::exec(const char *sql)
{
    if (m_sqlite) {
        if (sqlite3_exec(m_sqlite, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
            return fail(u"Cannot run a statement on the import tables"_qs);
        return true;
    }
    QSqlQuery query(m_database);
    if (!query.exec(QString::fromUtf8(sql))) {
        m_sqlError = query.lastError().text();
        return fail(u"Cannot run a statement on the import tables"_qs);
    }
    return true;
}

const char *EventStore::sql(const char *sqlite, const char *postgresql) const
{
    return m_sqlite ? sqlite : postgresql;
}

bool EventStore::prepareAll()
{
    const std::pair<std::unique_ptr<Statement> *, const char *> statements[] = {
        { &m_insertRecord,
          "INSERT INTO import_records (grp, fp, format, time_us, origin, fields)"
          " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING" },
        // SQLite's scalar min() and max() are PostgreSQL's LEAST and GREATEST.
        { &m_upsertLink,
          sql("INSERT INTO import_links (leg, grp, by_name, first_us, last_us)"
              " VALUES (?, ?, ?, ?, ?) ON CONFLICT (leg, grp) DO UPDATE"
              " SET first_us = min(first_us, excluded.first_us),"
              " last_us = max(last_us, excluded.last_us)",
              "INSERT INTO import_links (leg, grp, by_name, first_us, last_us)"
              " VALUES (?, ?, ?, ?, ?) ON CONFLICT (leg, grp) DO UPDATE"
              " SET first_us = LEAST(import_links.first_us, excluded.first_us),"
              " last_us = GREATEST(import_links.last_us, excluded.last_us)") },
        { &m_upsertGroup,
          sql("INSERT INTO import_groups (grp, strong, first_us) VALUES (?, ?, ?)"
              " ON CONFLICT (grp) DO UPDATE SET strong = max(strong, excluded.strong),"
              " first_us = min(first_us, excluded.first_us)",
              "INSERT INTO import_groups (grp, strong, first_us) VALUES (?, ?, ?)"
              " ON CONFLICT (grp) DO UPDATE"
              " SET strong = GREATEST(import_groups.strong, excluded.strong),"
              " first_us = LEAST(import_groups.first_us, excluded.first_us)") },
        { &m_insertAgentEvent,
          "INSERT INTO import_agent_events (agent, scope, time_us, fp, origin, fields)"
          " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING" },
        { &m_selectRecords,
          "SELECT format, time_us, origin, fields FROM import_records WHERE grp = ?" },
        { &m_selectGroup, "SELECT strong, first_us FROM import_groups WHERE grp = ?" },
        { &m_selectOverlaps,
          "SELECT DISTINCT mine.leg, theirs.grp FROM import_links mine"
          " JOIN import_links theirs ON theirs.leg = mine.leg AND theirs.grp <> mine.grp"
          "  AND theirs.by_name = 1"
          "  AND theirs.first_us <= mine.last_us + 1000000"
          "  AND theirs.last_us + 1000000 >= mine.first_us"
          " WHERE mine.grp = ? AND mine.by_name = 1" },
        { &m_selectAgentEvents,
          "SELECT time_us, origin, fields FROM import_agent_events"
          " WHERE agent = ? AND scope = ? AND time_us BETWEEN ? AND ? ORDER BY time_us" },
    };
    for (const auto &[slot, sql] : statements) {
        *slot = std::make_unique<Statement>();
        if (!(*slot)->prepare(*this, sql))
            return fail(u"Cannot prepare the import statements"_qs);
    }
    return true;
}

bool EventStore::beginBatch()
{
    if (!exec("BEGIN"))
        return false;
    m_inBatch = true;
    return true;
}

void EventStore::startBackgroundCheckpoints()
{
    if (!m_checkpointer && m_sqlite)
        m_checkpointer = std::make_unique<Checkpointer>(m_sqlite);
}

bool EventStore::commitBatch()
{
    if (!flushQueued() || !flushNotes()) {
        rollbackBatch();
        return false;
    }
    if (!exec("COMMIT")) {
        fail(u"Cannot commit imported records"_qs);
        rollbackBatch();
        return false;
    }
    m_inBatch = false;
    return true;
}

void EventStore::rollbackBatch()
{
    // Not exec(): a failed rollback must not replace the reason the batch failed.
    if (m_sqlite)
        sqlite3_exec(m_sqlite, "ROLLBACK", nullptr, nullptr, nullptr);
    else
        QSqlQuery(m_database).exec(u"ROLLBACK"_qs);
    m_links.clear();
    m_groups.clear();
    m_lastLink = nullptr;
    m_lastGroup = nullptr;
    m_queuedRecords.clear();
    m_queuedAgentEvents.clear();
    m_queueOutcome = {};
    m_queueFailed = false;
    m_inBatch = false;
}

EventStore::Added EventStore::addRecord(int format, QByteArrayView group, qint64 fingerprint,
                                        qint64 timeUs, QByteArrayView origin, QByteArrayView fields)
{
    Statement &insert = *m_insertRecord;
    insert.bind(1, group);
    insert.bind(2, fingerprint);
    insert.bind(3, qint64(format));
    insert.bind(4, timeUs);
    insert.bind(5, origin);
    insert.bindBlob(6, fields);
    const int result = insert.step();
    insert.reset();
    if (result != SQLITE_DONE) {
        fail(u"Cannot store a record"_qs);
        return Added::Failed;
    }
    return insert.changes() > 0 ? Added::New : Added::Known;
}

void EventStore::noteGroup(QByteArrayView group, bool strong, qint64 timeUs)
{
    // Rows of one call come together: most notes repeat the previous one.
    if (m_lastGroup && group == m_lastGroupKey) {
        m_lastGroup->strong = m_lastGroup->strong || strong;
        m_lastGroup->firstUs = std::min(m_lastGroup->firstUs, timeUs);
        return;
    }
    m_keyScratch.resize(0);
    m_keyScratch.append(group);
    auto found = m_groups.find(m_keyScratch);
    if (found == m_groups.end()) {
        found = m_groups.insert(m_keyScratch, { strong, timeUs });
    } else {
        found->strong = found->strong || strong;
        found->firstUs = std::min(found->firstUs, timeUs);
    }
    m_lastGroup = &found.value();
    m_lastGroupKey = found.key();
}

void EventStore::noteLink(QByteArrayView leg, QByteArrayView group, bool byName, qint64 timeUs)
{
    const QByteArrayView last(m_lastLinkKey);
    if (m_lastLink && last.size() == leg.size() + 1 + group.size() && last.startsWith(leg)
        && last.endsWith(group)) {
        m_lastLink->firstUs = std::min(m_lastLink->firstUs, timeUs);
        m_lastLink->lastUs = std::max(m_lastLink->lastUs, timeUs);
        return;
    }
    m_keyScratch.resize(0);
    m_keyScratch.append(leg).append('\n').append(group);
    auto found = m_links.find(m_keyScratch);
    if (found == m_links.end()) {
        found = m_links.insert(m_keyScratch, { byName, timeUs, timeUs });
    } else {
        found->firstUs = std::min(found->firstUs, timeUs);
        found->lastUs = std::max(found->lastUs, timeUs);
    }
    m_lastLink = &found.value();
    m_lastLinkKey = found.key();
}

namespace {

// Rows per multi-row statement: large enough that round trips cost little, small enough that
// the queue stays a few MiB.
constexpr qsizetype kQueuedRowsPerStatement = 2000;

// Array literals for "?::text[]" and "?::bigint[]": QPSQL binds no arrays.
QString textArray(const QList<QByteArray> &items)
{
    QString literal = u"{"_qs;
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (i > 0)
            literal.append(u',');
        QString item = QString::fromUtf8(items.at(i));
        item.replace(u'\\', u"\\\\"_qs).replace(u'"', u"\\\""_qs);
        literal.append(u'"' + item + u'"');
    }
    return literal + u'}';
}

QString integerArray(const QList<qint64> &items)
{
    QString literal = u"{"_qs;
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (i > 0)
            literal.append(u',');
        literal.append(QString::number(items.at(i)));
    }
    return literal + u'}';
}

} // namespace

bool EventStore::flushNotesInBulk()
{
    // Each leg and group once per batch (the notes are keyed by them), so one statement may
    // upsert them all without touching a row twice.
    const auto run = [this](const QString &sql, const QStringList &arrays, const QString &what) {
        QSqlQuery upsert(m_database);
        upsert.prepare(sql);
        for (const QString &array : arrays)
            upsert.addBindValue(array);
        if (upsert.exec())
            return true;
        m_sqlError = upsert.lastError().text();
        return fail(what);
    };

    QList<QByteArray> legs;
    QList<QByteArray> groups;
    QList<qint64> byName;
    QList<qint64> first;
    QList<qint64> last;
    for (auto it = m_links.cbegin(); it != m_links.cend(); ++it) {
        const QByteArrayView key(it.key());
        const qsizetype newline = key.indexOf('\n');
        legs.append(key.first(newline).toByteArray());
        groups.append(key.sliced(newline + 1).toByteArray());
        byName.append(it->byName ? 1 : 0);
        first.append(it->firstUs);
        last.append(it->lastUs);
        if (legs.size() == kQueuedRowsPerStatement || std::next(it) == m_links.cend()) {
            if (!run(u"INSERT INTO import_links (leg, grp, by_name, first_us, last_us)"
                     " SELECT * FROM unnest(?::text[], ?::text[], ?::integer[], ?::bigint[],"
                     " ?::bigint[]) ON CONFLICT (leg, grp) DO UPDATE"
                     " SET first_us = LEAST(import_links.first_us, excluded.first_us),"
                     " last_us = GREATEST(import_links.last_us, excluded.last_us)"_qs,
                     { textArray(legs), textArray(groups), integerArray(byName),
                       integerArray(first), integerArray(last) },
                     u"Cannot store the legs of calls"_qs))
                return false;
            legs.clear();
            groups.clear();
            byName.clear();
            first.clear();
            last.clear();
        }
    }
    m_links.clear();
    m_lastLink = nullptr;

    QList<qint64> strong;
    for (auto it = m_groups.cbegin(); it != m_groups.cend(); ++it) {
        groups.append(it.key());
        strong.append(it->strong ? 1 : 0);
        first.append(it->firstUs);
        if (groups.size() == kQueuedRowsPerStatement || std::next(it) == m_groups.cend()) {
            if (!run(u"INSERT INTO import_groups (grp, strong, first_us)"
                     " SELECT * FROM unnest(?::text[], ?::integer[], ?::bigint[])"
                     " ON CONFLICT (grp) DO UPDATE"
                     " SET strong = GREATEST(import_groups.strong, excluded.strong),"
                     " first_us = LEAST(import_groups.first_us, excluded.first_us)"_qs,
                     { textArray(groups), integerArray(strong), integerArray(first) },
                     u"Cannot store call groups"_qs))
                return false;
            groups.clear();
            strong.clear();
            first.clear();
        }
    }
    m_groups.clear();
    m_lastGroup = nullptr;
    return true;
}

bool EventStore::flushNotes()
{
    // PostgreSQL: a round trip per row would cost more than the rows.
    if (!m_sqlite)
        return flushNotesInBulk();

    Statement &link = *m_upsertLink;
    for (auto it = m_links.cbegin(); it != m_links.cend(); ++it) {
        const QByteArrayView key(it.key());
        const qsizetype newline = key.indexOf('\n');
        link.bind(1, key.first(newline));
        link.bind(2, key.sliced(newline + 1));
        link.bind(3, qint64(it->byName ? 1 : 0));
        link.bind(4, it->firstUs);
        link.bind(5, it->lastUs);
        const int result = link.step();
        link.reset();
        if (result != SQLITE_DONE)
            return fail(u"Cannot store a leg of a call"_qs);
    }
    m_links.clear();
    m_lastLink = nullptr;

    Statement &group = *m_upsertGroup;
    for (auto it = m_groups.cbegin(); it != m_groups.cend(); ++it) {
        group.bind(1, QByteArrayView(it.key()));
        group.bind(2, qint64(it->strong ? 1 : 0));
        group.bind(3, it->firstUs);
        const int result = group.step();
        group.reset();
        if (result != SQLITE_DONE)
            return fail(u"Cannot store a call group"_qs);
    }
    m_groups.clear();
    m_lastGroup = nullptr;
    return true;
}

EventStore::Added EventStore::addAgentEvent(QByteArrayView agent, QByteArrayView scope,
                                            qint64 timeUs, qint64 fingerprint,
                                            QByteArrayView origin, QByteArrayView fields)
{
    Statement &insert = *m_insertAgentEvent;
    insert.bind(1, agent);
    insert.bind(2, scope);
    insert.bind(3, timeUs);
    insert.bind(4, fingerprint);
    insert.bind(5, origin);
    insert.bindBlob(6, fields);
    const int result = insert.step();
    insert.reset();
    if (result != SQLITE_DONE) {
        fail(u"Cannot store an agent event"_qs);
        return Added::Failed;
    }
    return insert.changes() > 0 ? Added::New : Added::Known;
}

void EventStore::queueRecord(int format, QByteArrayView group, bool strong, qint64 fingerprint,
                             qint64 timeUs, QByteArrayView origin, QByteArrayView fields,
                             const QList<QueuedLeg> &legs)
{
    m_queuedRecords.append({ format, group.toByteArray(), strong, fingerprint, timeUs,
                             origin.toByteArray(), fields.toByteArray(), legs });
    if (m_queuedRecords.size() >= kQueuedRowsPerStatement)
        flushQueued();
}

void EventStore::queueAgentEvent(QByteArrayView agent, QByteArrayView scope, qint64 timeUs,
                                 qint64 fingerprint, QByteArrayView origin, QByteArrayView fields)
{
    m_queuedAgentEvents.append({ agent.toByteArray(), scope.toByteArray(), timeUs, fingerprint,
                                 origin.toByteArray(), fields.toByteArray() });
    if (m_queuedAgentEvents.size() >= kQueuedRowsPerStatement)
        flushQueued();
}

EventStore::QueueOutcome EventStore::takeQueueOutcome()
{
    return std::exchange(m_queueOutcome, {});
}

bool EventStore::flushQueued()
{
    // A failure is kept until the batch ends, so that commitBatch reports it.
    if (m_queueFailed)
        return false;

    if (!m_queuedRecords.isEmpty()) {
        QList<QByteArray> groups;
        QList<qint64> fingerprints;
        QList<qint64> formats;
        QList<qint64> times;
        QList<QByteArray> origins;
        QList<QByteArray> fields;
        for (const QueuedRecord &record : std::as_const(m_queuedRecords)) {
            groups.append(record.group);
            fingerprints.append(record.fingerprint);
            formats.append(record.format);
            times.append(record.timeUs);
            origins.append(record.origin);
            fields.append(record.fields.toHex());
        }
        // RETURNING lists the rows that were new; the rest were stored before (or twice in
        // this statement, where the first one counts, as row by row).
        QSqlQuery insert(m_database);
        insert.prepare(u"INSERT INTO import_records (grp, fp, format, time_us, origin, fields)"
                       " SELECT g, f, m, t, o, decode(x, 'hex') FROM unnest(?::text[],"
                       " ?::bigint[], ?::integer[], ?::bigint[], ?::text[], ?::text[])"
                       " AS r (g, f, m, t, o, x) ON CONFLICT DO NOTHING RETURNING grp, fp"_qs);
        insert.addBindValue(textArray(groups));
        insert.addBindValue(integerArray(fingerprints));
        insert.addBindValue(integerArray(formats));
        insert.addBindValue(integerArray(times));
        insert.addBindValue(textArray(origins));
        insert.addBindValue(textArray(fields));
        if (!insert.exec()) {
            m_sqlError = insert.lastError().text();
            m_queueFailed = true;
            return fail(u"Cannot store records"_qs);
        }
        QSet<std::pair<QByteArray, qint64>> added;
        while (insert.next())
            added.insert({ insert.value(0).toString().toUtf8(), insert.value(1).toLongLong() });
        for (const QueuedRecord &record : std::as_const(m_queuedRecords)) {
            if (!added.remove({ record.group, record.fingerprint })) {
                ++m_queueOutcome.known;
                continue;
            }
            ++m_queueOutcome.added;
            m_queueOutcome.touchedGroups.insert(QString::fromUtf8(record.group));
            noteGroup(record.group, record.strong, record.timeUs);
            for (const QueuedLeg &leg : record.legs) {
                noteLink(leg.id, record.group, leg.byName, leg.fromUs);
                if (leg.toUs != leg.fromUs)
                    noteLink(leg.id, record.group, leg.byName, leg.toUs);
            }
        }
        m_queuedRecords.clear();
    }

    if (!m_queuedAgentEvents.isEmpty()) {
        QList<QByteArray> agents;
        QList<QByteArray> scopes;
        QList<qint64> times;
        QList<qint64> fingerprints;
        QList<QByteArray> origins;
        QList<QByteArray> fields;
        for (const QueuedAgentEvent &event : std::as_const(m_queuedAgentEvents)) {
            agents.append(event.agent);
            scopes.append(event.scope);
            times.append(event.timeUs);
            fingerprints.append(event.fingerprint);
            origins.append(event.origin);
            fields.append(event.fields.toHex());
        }
        QSqlQuery insert(m_database);
        insert.prepare(u"INSERT INTO import_agent_events (agent, scope, time_us, fp, origin,"
                       " fields) SELECT a, s, t, f, o, decode(x, 'hex') FROM unnest(?::text[],"
                       " ?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::text[])"
                       " AS r (a, s, t, f, o, x) ON CONFLICT DO NOTHING"_qs);
        insert.addBindValue(textArray(agents));
        insert.addBindValue(textArray(scopes));
        insert.addBindValue(integerArray(times));
        insert.addBindValue(integerArray(fingerprints));
        insert.addBindValue(textArray(origins));
        insert.addBindValue(textArray(fields));
        if (!insert.exec()) {
            m_sqlError = insert.lastError().text();
            m_queueFailed = true;
            return fail(u"Cannot store agent events"_qs);
        }
        m_queuedAgentEvents.clear();
    }
    return true;
}

std::optional<QList<std::pair<QString, QString>>>
EventStore::groupsSharingLegs(const QSet<QString> &groups)
{
    if (!exec("BEGIN") || !exec("DELETE FROM import_wanted"))
        return std::nullopt;

    Statement want;
    if (!want.prepare(*this, "INSERT INTO import_wanted (grp) VALUES (?) ON CONFLICT DO NOTHING")) {
        fail(u"Cannot look up shared legs"_qs);
        exec("ROLLBACK");
        return std::nullopt;
    }
    for (const QString &group : groups) {
        const QByteArray bytes = utf8(group);
        want.bind(1, bytes);
        const int result = want.step();
        want.reset();
        if (result != SQLITE_DONE) {
            fail(u"Cannot look up shared legs"_qs);
            exec("ROLLBACK");
            return std::nullopt;
        }
    }

    QList<std::pair<QString, QString>> pairs;
    Statement select;
    if (!select.prepare(*this,
                        "SELECT DISTINCT mine.grp, theirs.grp FROM import_wanted w"
                        " JOIN import_links mine ON mine.grp = w.grp AND mine.by_name = 0"
                        " JOIN import_links theirs ON theirs.leg = mine.leg"
                        "  AND theirs.by_name = 0 AND theirs.grp <> mine.grp")) {
        fail(u"Cannot look up shared legs"_qs);
        exec("ROLLBACK");
        return std::nullopt;
    }
    int result = SQLITE_ROW;
    while ((result = select.step()) == SQLITE_ROW)
        pairs.append({ select.text(0), select.text(1) });
    select.reset();
    if (result != SQLITE_DONE) {
        fail(u"Cannot look up shared legs"_qs);
        exec("ROLLBACK");
        return std::nullopt;
    }
    exec("DELETE FROM import_wanted");
    if (!exec("COMMIT"))
        return std::nullopt;
    return pairs;
}

std::optional<EventStore::GroupInfo> EventStore::group(const QString &group)
{
    const QByteArray key = utf8(group);
    Statement &select = *m_selectGroup;
    select.bind(1, key);
    std::optional<GroupInfo> info;
    if (select.step() == SQLITE_ROW)
        info = GroupInfo { select.integer(0) != 0, select.integer(1) };
    select.reset();
    return info;
}

bool EventStore::records(const QString &group, QList<StoredRecord> &out)
{
    const QByteArray key = utf8(group);
    Statement &select = *m_selectRecords;
    select.bind(1, key);
    int result = SQLITE_ROW;
    while ((result = select.step()) == SQLITE_ROW) {
        out.append(
            { int(select.integer(0)), group, select.integer(1), select.text(2), select.blob(3) });
    }
    select.reset();
    if (result != SQLITE_DONE)
        return fail(u"Cannot read the records of a call"_qs);
    return true;
}

QList<EventStore::NameOverlap> EventStore::nameOverlaps(const QString &group)
{
    const QByteArray key = utf8(group);
    Statement &select = *m_selectOverlaps;
    select.bind(1, key);
    QList<NameOverlap> overlaps;
    while (select.step() == SQLITE_ROW)
        overlaps.append({ select.text(0), select.text(1) });
    select.reset();
    return overlaps;
}

QList<StoredRecord> EventStore::agentEvents(const QString &agent, const QString &scope,
                                            qint64 fromUs, qint64 toUs)
{
    const QByteArray agentKey = utf8(agent);
    const QByteArray scopeKey = utf8(scope);
    Statement &select = *m_selectAgentEvents;
    select.bind(1, agentKey);
    select.bind(2, scopeKey);
    select.bind(3, fromUs);
    select.bind(4, toUs);
    QList<StoredRecord> events;
    while (select.step() == SQLITE_ROW) {
        events.append({ 0, QString(), select.integer(0), select.text(1), select.blob(2) });
    }
    select.reset();
    return events;
}

bool EventStore::saveRecordingFile(const StoredRecordingFile &file)
{
    Statement upsert;
    if (!upsert.prepare(*this,
                        "INSERT INTO import_recording_files (id, path, present, size, modified_us,"
                        " content_type, codec, channels, sample_rate, duration_us, flags)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        " ON CONFLICT (id) DO UPDATE SET path = excluded.path,"
                        " present = excluded.present, size = excluded.size,"
                        " modified_us = excluded.modified_us,"
                        " content_type = excluded.content_type, codec = excluded.codec,"
                        " channels = excluded.channels, sample_rate = excluded.sample_rate,"
                        " duration_us = excluded.duration_us, flags = excluded.flags"))
        return fail(u"Cannot store a recording"_qs);

    const QByteArray id = utf8(file.id);
    const QByteArray path = utf8(file.path);
    const QByteArray contentType = utf8(file.contentType);
    const QByteArray codec = utf8(file.codec);
    const QByteArray flags = flagsText(file.flags);
    upsert.bind(1, id);
    upsert.bind(2, path);
    upsert.bind(3, qint64(file.present ? 1 : 0));
    upsert.bind(4, file.sizeBytes);
    upsert.bind(5, file.modifiedUs);
    upsert.bind(6, contentType);
    upsert.bind(7, codec);
    upsert.bind(8, qint64(file.channels));
    upsert.bind(9, qint64(file.sampleRate));
    upsert.bind(10, file.durationUs);
    upsert.bind(11, flags);
    return upsert.step() == SQLITE_DONE || fail(u"Cannot store a recording"_qs);
}

std::optional<QList<StoredRecordingFile>> EventStore::recordingFiles()
{
    Statement select;
    if (!select.prepare(*this,
                        "SELECT id, path, present, size, modified_us, content_type, codec,"
                        " channels, sample_rate, duration_us, flags FROM import_recording_files"
                        " ORDER BY path")) {
        fail(u"Cannot read the recordings"_qs);
        return std::nullopt;
    }
    QList<StoredRecordingFile> files;
    int result = SQLITE_ROW;
    while ((result = select.step()) == SQLITE_ROW) {
        StoredRecordingFile file;
        file.id = select.text(0);
        file.path = select.text(1);
        file.present = select.integer(2) != 0;
        file.sizeBytes = select.integer(3);
        file.modifiedUs = select.integer(4);
        file.contentType = select.text(5);
        file.codec = select.text(6);
        file.channels = int(select.integer(7));
        file.sampleRate = int(select.integer(8));
        file.durationUs = select.integer(9);
        file.flags = flagsFrom(select.text(10));
        files.append(file);
    }
    if (result != SQLITE_DONE) {
        fail(u"Cannot read the recordings"_qs);
        return std::nullopt;
    }
    return files;
}

EventStore::Added EventStore::saveRecordingRef(const StoredRecordingRef &ref)
{
    // Written only when it says something new, so that the caller can tell a re-import.
    Statement upsert;
    if (!upsert.prepare(*this,
                        "INSERT INTO import_recording_refs"
                        " (source, file, target, leg_only, start_us, origin)"
                        " VALUES (?, ?, ?, ?, ?, ?)"
                        " ON CONFLICT (source, file) DO UPDATE SET target = excluded.target,"
                        " leg_only = excluded.leg_only, start_us = excluded.start_us,"
                        " origin = excluded.origin"
                        " WHERE import_recording_refs.target IS DISTINCT FROM excluded.target"
                        " OR import_recording_refs.leg_only IS DISTINCT FROM excluded.leg_only"
                        " OR import_recording_refs.start_us IS DISTINCT FROM excluded.start_us")) {
        fail(u"Cannot store a recording's link"_qs);
        return Added::Failed;
    }
    const QByteArray file = utf8(ref.file);
    const QByteArray target = utf8(ref.target);
    const QByteArray origin = utf8(ref.origin);
    upsert.bind(1, qint64(ref.source));
    upsert.bind(2, file);
    upsert.bind(3, target);
    upsert.bind(4, qint64(ref.legOnly ? 1 : 0));
    if (ref.startUs)
        upsert.bind(5, *ref.startUs);
    else
        upsert.bindNull(5);
    upsert.bind(6, origin);
    if (upsert.step() != SQLITE_DONE) {
        fail(u"Cannot store a recording's link"_qs);
        return Added::Failed;
    }
    return upsert.changes() > 0 ? Added::New : Added::Known;
}

std::optional<QList<StoredRecordingRef>> EventStore::recordingRefs()
{
    Statement select;
    if (!select.prepare(*this,
                        "SELECT source, file, target, leg_only, start_us, origin"
                        " FROM import_recording_refs ORDER BY source, file")) {
        fail(u"Cannot read the recordings' links"_qs);
        return std::nullopt;
    }
    QList<StoredRecordingRef> refs;
    int result = SQLITE_ROW;
    while ((result = select.step()) == SQLITE_ROW) {
        StoredRecordingRef ref;
        ref.source = StoredRecordingRef::Source(select.integer(0));
        ref.file = select.text(1);
        ref.target = select.text(2);
        ref.legOnly = select.integer(3) != 0;
        if (!select.isNull(4))
            ref.startUs = select.integer(4);
        ref.origin = select.text(5);
        refs.append(ref);
    }
    if (result != SQLITE_DONE) {
        fail(u"Cannot read the recordings' links"_qs);
        return std::nullopt;
    }
    return refs;
}

std::optional<QHash<QString, StoredRecordingLink>> EventStore::recordingLinks()
{
    Statement select;
    if (!select.prepare(*this, "SELECT id, crn, fingerprint FROM import_recording_links")) {
        fail(u"Cannot read which calls have which recordings"_qs);
        return std::nullopt;
    }
    QHash<QString, StoredRecordingLink> links;
    int result = SQLITE_ROW;
    while ((result = select.step()) == SQLITE_ROW) {
        const StoredRecordingLink link { select.text(0), select.text(1), select.integer(2) };
        links.insert(link.id, link);
    }
    if (result != SQLITE_DONE) {
        fail(u"Cannot read which calls have which recordings"_qs);
        return std::nullopt;
    }
    return links;
}

bool EventStore::saveRecordingLinks(const QList<StoredRecordingLink> &links)
{
    Statement upsert;
    if (!upsert.prepare(*this,
                        "INSERT INTO import_recording_links (id, crn, fingerprint) VALUES (?, ?, ?)"
                        " ON CONFLICT (id) DO UPDATE SET crn = excluded.crn,"
                        " fingerprint = excluded.fingerprint"))
        return fail(u"Cannot store which calls have which recordings"_qs);
    if (!exec("BEGIN"))
        return false;
    for (const StoredRecordingLink &link : links) {
        const QByteArray id = utf8(link.id);
        const QByteArray crn = utf8(link.crn);
        upsert.bind(1, id);
        upsert.bind(2, crn);
        upsert.bind(3, link.fingerprint);
        const int result = upsert.step();
        upsert.reset();
        if (result != SQLITE_DONE) {
            fail(u"Cannot store which calls have which recordings"_qs);
            exec("ROLLBACK");
            return false;
        }
    }
    return exec("COMMIT");
}

std::optional<QList<EventStore::KeyOwner>> EventStore::callsWithKey(const QString &key)
{
    if (!m_selectKeyOwners) {
        auto select = std::make_unique<Statement>();
        if (!select->prepare(*this,
                             "SELECT crn, kind = 'crn' FROM call_keys"
                             " WHERE key = ? AND kind IN ('crn', 'leg') ORDER BY crn")) {
            fail(u"Cannot look up calls by their keys"_qs);
            return std::nullopt;
        }
        m_selectKeyOwners = std::move(select);
    }

    const QByteArray text = utf8(key);
    m_selectKeyOwners->bind(1, text);
    QList<KeyOwner> owners;
    int result = SQLITE_ROW;
    while ((result = m_selectKeyOwners->step()) == SQLITE_ROW)
        owners.append({ m_selectKeyOwners->text(0), m_selectKeyOwners->integer(1) != 0 });
    m_selectKeyOwners->reset();
    if (result != SQLITE_DONE) {
        fail(u"Cannot look up calls by their keys"_qs);
        return std::nullopt;
    }
    return owners;
}
