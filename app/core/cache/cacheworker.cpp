#include "cacheworker.h"

#include "logging.h"
#include "model/crntext.h"
#include "json/calljson.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace {

// Rolls back unless commit() succeeded, so an early return never leaves half a call behind.
class Transaction
{
public:
    explicit Transaction(QSqlDatabase db)
        : m_db(std::move(db))
        , m_active(m_db.transaction())
    { }
    ~Transaction()
    {
        if (m_active)
            m_db.rollback();
    }
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    bool isActive() const { return m_active; }
    bool commit()
    {
        if (m_active && m_db.commit())
            m_active = false;
        return !m_active;
    }

private:
    QSqlDatabase m_db;
    bool m_active;
};

QDateTime fromMs(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

constexpr qint64 kMsPerDay = 24 * 60 * 60 * 1000;

// What a cached call costs against the size cap: the UTF-8 bytes of its stored JSON.
QString sizeExpression()
{
    return u"length(CAST(summary AS BLOB)) + length(CAST(document AS BLOB))"_qs;
}

} // namespace

CacheWorker::CacheWorker()
    : m_clock([] { return QDateTime::currentDateTimeUtc(); })
{ }

CacheWorker::~CacheWorker()
{
    m_db.close();
}

qint64 CacheWorker::nowMs() const
{
    return m_clock().toMSecsSinceEpoch();
}

bool CacheWorker::fail(const QString &sentence, const QString &why)
{
    qCWarning(lcCache).noquote() << sentence << why;
    m_problem = sentence;
    return false;
}

bool CacheWorker::open(const QString &filePath)
{
    const QFileInfo info(filePath);
    if (!QDir().mkpath(info.absolutePath()))
        return fail(tr("The local call cache cannot be created in %1.").arg(info.absolutePath()),
                    QString());

    // auto_vacuum only takes on a new file, and only before WAL writes the file's header: every
    // commit that drops calls then gives their pages back, so the file shrinks with the cache.
    const LocalDatabase::Setup setup {
        u"crn-cache"_qs,
        { u"PRAGMA auto_vacuum=FULL"_qs, u"PRAGMA journal_mode=WAL"_qs,
          u"PRAGMA synchronous=NORMAL"_qs, u"PRAGMA foreign_keys=ON"_qs },
        kSchemaVersion,
        [this] {
            return migrate();
        }
    };
    QString why;
    const bool opened = m_db.open(filePath, setup, &why);

    const QString keptAs = m_db.keptAs();
    switch (m_db.setAside()) {
    case LocalDatabase::SetAside::No:
        break;
    case LocalDatabase::SetAside::Damaged:
        m_resetSentence = tr("The local call cache was damaged, so it was kept as %1 and a new, "
                             "empty cache was started.")
                              .arg(keptAs);
        break;
    case LocalDatabase::SetAside::Newer:
        m_resetSentence = tr("The local call cache was written by a newer console, so it was kept "
                             "as %1 and a new, empty cache was started.")
                              .arg(keptAs);
        break;
    case LocalDatabase::SetAside::CouldNot:
        return fail(tr("The local call cache %1 is damaged and cannot be set aside; the "
                       "console works without it.")
                        .arg(QDir::toNativeSeparators(filePath)),
                    why);
    }
    if (!keptAs.isEmpty())
        qCWarning(lcCache).noquote() << "set aside" << filePath << "as" << keptAs;

    if (!opened) {
        if (m_problem.isEmpty())
            return fail(tr("The local call cache %1 cannot be opened; the console works without "
                           "it.")
                            .arg(QDir::toNativeSeparators(filePath)),
                        why);
        return false;
    }
    // Damage met on the way was dealt with; it is reported through the reset sentence.
    m_problem.clear();
    m_open = true;
    qCInfo(lcCache).noquote() << "opened" << filePath;
    return true;
}

bool CacheWorker::migrate()
{
    QSqlDatabase db = m_db.database();
    QSqlQuery query(db);
    if (!query.exec(u"PRAGMA user_version"_qs) || !query.next())
        return fail(tr("The local call cache cannot be read."), query.lastError().text());
    const int version = query.value(0).toInt();
    query.finish();
    if (version == kSchemaVersion)
        return true;

    QStringList statements;
    if (version == 0) {
        statements = {
            // Times are UTC milliseconds since the epoch. fetched_at: when this document came
            // from the server; checked_at: when the server last said it was still current
            // (fetched_at or later); last_opened: when the supervisor last looked at it.
            u"CREATE TABLE calls ("
            "  crn TEXT PRIMARY KEY,"
            "  start_us INTEGER NOT NULL,"
            "  summary TEXT NOT NULL,"
            "  document TEXT NOT NULL,"
            "  fetched_at INTEGER NOT NULL,"
            "  last_opened INTEGER NOT NULL,"
            "  etag TEXT NOT NULL DEFAULT '',"
            "  bytes INTEGER NOT NULL DEFAULT 0,"
            "  checked_at INTEGER NOT NULL DEFAULT 0"
            ") STRICT"_qs,
            // Covers the size sum and the eviction order without reading the documents.
            u"CREATE INDEX calls_by_last_opened ON calls (last_opened DESC, bytes)"_qs,
            // The normalized CRN and every normalized leg id of each call.
            u"CREATE TABLE call_keys ("
            "  key TEXT NOT NULL,"
            "  kind TEXT NOT NULL CHECK (kind IN ('crn', 'leg')),"
            "  crn TEXT NOT NULL REFERENCES calls (crn) ON DELETE CASCADE,"
            "  PRIMARY KEY (key, kind, crn)"
            ") STRICT, WITHOUT ROWID"_qs,
            u"CREATE INDEX call_keys_by_crn ON call_keys (crn)"_qs,
        };
    } else if (version == 1) {
        // A cache from before revalidation: its copies have no ETag and count as confirmed
        // when they were fetched.
        statements = {
            u"ALTER TABLE calls ADD COLUMN etag TEXT NOT NULL DEFAULT ''"_qs,
            u"ALTER TABLE calls ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0"_qs,
            u"ALTER TABLE calls ADD COLUMN checked_at INTEGER NOT NULL DEFAULT 0"_qs,
            u"UPDATE calls SET checked_at = fetched_at, bytes = "_qs + sizeExpression(),
            u"DROP INDEX calls_by_last_opened"_qs,
            u"CREATE INDEX calls_by_last_opened ON calls (last_opened DESC, bytes)"_qs,
        };
    } else {
        return fail(tr("The local call cache cannot be set up."),
                    u"unknown schema version "_qs + QString::number(version));
    }
    statements.append(QStringLiteral("PRAGMA user_version = %1").arg(kSchemaVersion));

    Transaction transaction(db);
    if (!transaction.isActive())
        return fail(tr("The local call cache cannot be set up."), db.lastError().text());
    for (const QString &statement : std::as_const(statements)) {
        if (!query.exec(statement))
            return fail(tr("The local call cache cannot be set up."), query.lastError().text());
    }
    if (!transaction.commit())
        return fail(tr("The local call cache cannot be set up."), db.lastError().text());
    if (version == 0)
        return true;

    qCInfo(lcCache) << "cache schema migrated from version" << version << "to" << kSchemaVersion;
    // A file from before the size cap never gave pages back; rewriting it once turns that on.
    if (!query.exec(u"PRAGMA auto_vacuum=FULL"_qs) || !query.exec(u"VACUUM"_qs))
        qCWarning(lcCache).noquote()
            << "the migrated cache keeps its free pages:" << query.lastError().text();
    return true;
}

std::optional<CachedCall> CacheWorker::lookup(const QString &normalizedKey)
{
    if (!m_open || normalizedKey.isEmpty())
        return std::nullopt;

    // A CRN wins over a leg id of the same spelling, then the copy fetched last.
    QSqlDatabase db = m_db.database();
    QSqlQuery query(db);
    query.prepare(u"SELECT c.crn, c.document, c.fetched_at, c.etag, c.checked_at"
                  " FROM call_keys k JOIN calls c ON c.crn = k.crn"
                  " WHERE k.key = ?"
                  " ORDER BY k.kind = 'crn' DESC, c.fetched_at DESC LIMIT 1"_qs);
    query.addBindValue(normalizedKey);
    if (!query.exec()) {
        fail(tr("The local call cache cannot be read."), query.lastError().text());
        return std::nullopt;
    }
    if (!query.next())
        return std::nullopt;

    const QString crn = query.value(0).toString();
    QString why;
    auto call = CallJson::callFromJson(
        QJsonDocument::fromJson(query.value(1).toString().toUtf8()).object(), &why);
    if (!call) {
        // Written by this code, so this is damage; the server's copy will replace it.
        qCWarning(lcCache).noquote() << "cached document of" << crn << "is unreadable:" << why;
        return std::nullopt;
    }
    CachedCall cached;
    cached.fetchedAt = fromMs(query.value(2).toLongLong());
    cached.etag = query.value(3).toString();
    cached.checkedAt = fromMs(qMax(query.value(4).toLongLong(), query.value(2).toLongLong()));
    query.finish();

    cached.call = std::move(*call);
    cached.lastOpened = fromMs(nowMs());
    return cached;
}

void CacheWorker::markOpened(const QString &crn, const QDateTime &openedAt)
{
    if (!m_open)
        return;

    QSqlQuery touch(m_db.database());
    touch.prepare(u"UPDATE calls SET last_opened = ? WHERE crn = ?"_qs);
    touch.addBindValue(openedAt.toMSecsSinceEpoch());
    touch.addBindValue(crn);
    if (!touch.exec())
        qCWarning(lcCache).noquote()
            << "cannot mark" << crn << "as opened:" << touch.lastError().text();
}

bool CacheWorker::store(const Call &call, const QString &etag, const QDateTime &fetchedAt)
{
    if (!m_open)
        return false;

    QSqlDatabase db = m_db.database();
    Transaction transaction(db);
    if (!transaction.isActive())
        return fail(tr("The local call cache cannot be written."), db.lastError().text());

    const QByteArray summary
        = QJsonDocument(CallJson::toJson(call.summary)).toJson(QJsonDocument::Compact);
    const QByteArray document
        = QJsonDocument(CallJson::toJson(call)).toJson(QJsonDocument::Compact);
    const qint64 now = nowMs();
    const qint64 fetchedMs = fetchedAt.isValid() ? fetchedAt.toMSecsSinceEpoch() : now;
    QSqlQuery upsert(db);
    upsert.prepare(u"INSERT INTO calls (crn, start_us, summary, document, fetched_at, last_opened,"
                   " etag, bytes, checked_at) VALUES (?, ?, ?, ?, ?, ?, coalesce(?, ''), ?, ?)"
                   " ON CONFLICT (crn) DO UPDATE SET start_us = excluded.start_us,"
                   " summary = excluded.summary, document = excluded.document,"
                   " fetched_at = excluded.fetched_at, last_opened = excluded.last_opened,"
                   " etag = excluded.etag, bytes = excluded.bytes,"
                   " checked_at = excluded.checked_at"_qs);
    upsert.addBindValue(call.crn());
    upsert.addBindValue(call.summary.start.isValid() ? call.summary.start.microseconds() : 0);
    upsert.addBindValue(QString::fromUtf8(summary));
    upsert.addBindValue(QString::fromUtf8(document));
    upsert.addBindValue(fetchedMs);
    upsert.addBindValue(now);
    upsert.addBindValue(etag);
    upsert.addBindValue(qint64(summary.size() + document.size()));
    upsert.addBindValue(fetchedMs);
    if (!upsert.exec())
        return fail(tr("The local call cache cannot be written."), upsert.lastError().text());

    // The legs may have changed since the last copy; the keys are rebuilt from this one.
    QSqlQuery forget(db);
    forget.prepare(u"DELETE FROM call_keys WHERE crn = ?"_qs);
    forget.addBindValue(call.crn());
    if (!forget.exec())
        return fail(tr("The local call cache cannot be written."), forget.lastError().text());

    QSqlQuery insertKey(db);
    insertKey.prepare(u"INSERT OR IGNORE INTO call_keys (key, kind, crn) VALUES (?, ?, ?)"_qs);
    QList<std::pair<QString, QString>> keys { { CrnText::normalized(call.crn()), u"crn"_qs } };
    for (const Leg &leg : call.legs)
        keys.append({ CrnText::normalized(leg.id), u"leg"_qs });
    for (const auto &[key, kind] : std::as_const(keys)) {
        if (key.isEmpty())
            continue;
        insertKey.addBindValue(key);
        insertKey.addBindValue(kind);
        insertKey.addBindValue(call.crn());
        if (!insertKey.exec())
            return fail(tr("The local call cache cannot be written."),
                        insertKey.lastError().text());
    }

    if (!transaction.commit())
        return fail(tr("The local call cache cannot be written."), db.lastError().text());
    qCDebug(lcCache).noquote() << "stored" << call.crn() << "with" << call.legs.size() << "legs,"
                               << summary.size() + document.size() << "bytes";
    return true;
}

bool CacheWorker::confirm(const QString &crn, const QString &etag, const QDateTime &checkedAt)
{
    if (!m_open)
        return false;

    // An empty etag keeps the one stored: the server confirmed the document, not a new tag.
    QSqlQuery query(m_db.database());
    query.prepare(u"UPDATE calls SET checked_at = max(checked_at, ?),"
                  " etag = CASE WHEN coalesce(?, '') <> '' THEN ? ELSE etag END WHERE crn = ?"_qs);
    query.addBindValue(checkedAt.isValid() ? checkedAt.toMSecsSinceEpoch() : nowMs());
    query.addBindValue(etag);
    query.addBindValue(etag);
    query.addBindValue(crn);
    if (!query.exec())
        return fail(tr("The local call cache cannot be written."), query.lastError().text());
    return query.numRowsAffected() > 0;
}

CacheUsage CacheWorker::usage()
{
    CacheUsage result;
    if (!m_open)
        return result;

    QSqlQuery query(m_db.database());
    if (!query.exec(u"SELECT count(*), coalesce(sum(bytes), 0) FROM calls"_qs) || !query.next()) {
        fail(tr("The local call cache cannot be read."), query.lastError().text());
        return result;
    }
    result.calls = query.value(0).toLongLong();
    result.bytes = query.value(1).toLongLong();
    return result;
}

bool CacheWorker::clear()
{
    if (!m_open)
        return false;

    QSqlDatabase db = m_db.database();
    {
        Transaction transaction(db);
        QSqlQuery query(db);
        if (!transaction.isActive() || !query.exec(u"DELETE FROM call_keys"_qs)
            || !query.exec(u"DELETE FROM calls"_qs) || !transaction.commit())
            return fail(tr("The local call cache cannot be cleared."),
                        query.lastError().text() + db.lastError().text());
    }

    // The calls are gone either way; rewriting the file and emptying the WAL also takes their
    // bytes off the disk, which is what a supervisor clearing the cache expects.
    QSqlQuery query(db);
    if (!query.exec(u"VACUUM"_qs) || !query.exec(u"PRAGMA wal_checkpoint(TRUNCATE)"_qs))
        qCWarning(lcCache).noquote()
            << "cleared, but the file was not compacted:" << query.lastError().text();
    qCInfo(lcCache) << "cleared every cached call";
    return true;
}

void CacheWorker::setLimits(qint64 maxBytes, int maxAgeDays)
{
    m_maxBytes = qMax<qint64>(0, maxBytes);
    m_maxAgeDays = qMax(0, maxAgeDays);
}

int CacheWorker::enforceLimits()
{
    if (!m_open)
        return 0;

    int evicted = 0;
    if (m_maxAgeDays > 0) {
        evicted += evict(u"DELETE FROM calls WHERE last_opened < ?"_qs,
                         nowMs() - m_maxAgeDays * kMsPerDay, "not opened within the age limit");
    }

    if (m_maxBytes > 0) {
        const CacheUsage before = usage();
        if (before.bytes > m_maxBytes) {
            // Newest opened first, each with the bytes of itself and every newer call: the
            // first one past the cap and everything older goes.
            evicted += evict(u"DELETE FROM calls WHERE crn IN (SELECT crn FROM (SELECT crn,"
                             " sum(bytes) OVER (ORDER BY last_opened DESC, crn"
                             " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running"
                             " FROM calls) WHERE running > ?)"_qs,
                             m_maxBytes, "past the size cap");
        }
    }

    return evicted;
}

int CacheWorker::evict(const QString &statement, qint64 bound, const char *reason)
{
    QSqlQuery query(m_db.database());
    query.prepare(statement);
    query.addBindValue(bound);
    if (!query.exec()) {
        fail(tr("The local call cache cannot be trimmed to its limits."), query.lastError().text());
        return 0;
    }
    const int evicted = query.numRowsAffected();
    if (evicted > 0)
        qCInfo(lcCache) << "evicted" << evicted << "calls" << reason;
    return evicted;
}

QList<CachedSummary> CacheWorker::recent(int count)
{
    QList<CachedSummary> result;
    if (!m_open || count <= 0)
        return result;

    QSqlQuery query(m_db.database());
    query.setForwardOnly(true);
    query.prepare(u"SELECT summary, fetched_at, last_opened, max(checked_at, fetched_at)"
                  " FROM calls"
                  " ORDER BY last_opened DESC, fetched_at DESC LIMIT ?"_qs);
    query.addBindValue(count);
    if (!query.exec()) {
        fail(tr("The local call cache cannot be read."), query.lastError().text());
        return result;
    }
    while (query.next()) {
        const auto summary = CallJson::summaryFromJson(
            QJsonDocument::fromJson(query.value(0).toString().toUtf8()).object());
        if (summary)
            result.append({ *summary, fromMs(query.value(1).toLongLong()),
                            fromMs(query.value(2).toLongLong()),
                            fromMs(query.value(3).toLongLong()) });
    }
    return result;
}
