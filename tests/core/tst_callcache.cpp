#include "cache/callcache.h"

#include "testcalls.h"
#include "json/calljson.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QMutex>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>

namespace {

// The cache answers through callbacks on this thread; these wait for one answer.
std::optional<CachedCall> lookupNow(CallCache &cache, const QString &text, bool *answered)
{
    std::optional<CachedCall> result;
    bool done = false;
    QObject context;
    cache.lookup(text, &context, [&](const std::optional<CachedCall> &found) {
        result = found;
        done = true;
    });
    *answered = QTest::qWaitFor([&] { return done; }, 10000);
    return result;
}

bool storeNow(CallCache &cache, const Call &call, const QDateTime &fetchedAt,
              const QString &etag = {})
{
    bool stored = false;
    bool done = false;
    QObject context;
    cache.store(call, fetchedAt, etag, &context, [&](bool ok) {
        stored = ok;
        done = true;
    });
    return QTest::qWaitFor([&] { return done; }, 10000) && stored;
}

// Whether the cache had the call to confirm; false also when it did not answer.
bool confirmNow(CallCache &cache, const QString &crn, const QString &etag, const QDateTime &at)
{
    bool confirmed = false;
    bool done = false;
    QObject context;
    cache.confirm(crn, etag, at, &context, [&](bool ok) {
        confirmed = ok;
        done = true;
    });
    return QTest::qWaitFor([&] { return done; }, 10000) && confirmed;
}

CacheUsage usageNow(CallCache &cache)
{
    CacheUsage result { -1, -1 };
    bool done = false;
    QObject context;
    cache.usage(&context, [&](const CacheUsage &usage) {
        result = usage;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 10000))
        qWarning("the cache did not answer usage()");
    return result;
}

int setLimitsNow(CallCache &cache, qint64 maxBytes, int maxAgeDays)
{
    int evicted = -1;
    QObject context;
    cache.setLimits(maxBytes, maxAgeDays, &context, [&](int count) { evicted = count; });
    if (!QTest::qWaitFor([&] { return evicted >= 0; }, 10000))
        qWarning("the cache did not answer setLimits()");
    return evicted;
}

// A clock the test sets by hand, read on the cache's thread.
class TestClock
{
public:
    void set(const QDateTime &time) { m_ms->store(time.toMSecsSinceEpoch()); }
    std::function<QDateTime()> function() const
    {
        return [ms = m_ms] {
            return QDateTime::fromMSecsSinceEpoch(ms->load(), Qt::UTC);
        };
    }

private:
    std::shared_ptr<std::atomic<qint64>> m_ms = std::make_shared<std::atomic<qint64>>(0);
};

// What a call costs against the size cap, as CacheUsage defines it: the UTF-8 bytes of the
// call's compact JSON and of its summary's.
qint64 cachedBytes(const Call &call)
{
    return QJsonDocument(CallJson::toJson(call)).toJson(QJsonDocument::Compact).size()
        + QJsonDocument(CallJson::toJson(call.summary)).toJson(QJsonDocument::Compact).size();
}

// Calls whose JSON is the same length: CRNs, leg ids and times differ in digits only. n is 1
// to 99.
Call numberedCall(int n)
{
    const QString crn = QStringLiteral("17000001%1.1").arg(n, 2, 10, QLatin1Char('0'));
    const QString start = QStringLiteral("2023-11-14T22:%1:%2Z")
                              .arg(10 + n / 60, 2, 10, QLatin1Char('0'))
                              .arg(n % 60, 2, 10, QLatin1Char('0'));
    return TestCalls::make(crn, start, { crn, QString(crn).replace(u".1"_qs, u".2"_qs) });
}

// The file and its write-ahead log: where the calls' bytes are on disk.
qint64 fileBytes(const QString &path)
{
    return QFileInfo(path).size() + QFileInfo(path + u"-wal"_qs).size();
}

QList<CachedSummary> recentNow(CallCache &cache, int count);

QStringList recentCrns(CallCache &cache)
{
    QStringList crns;
    for (const CachedSummary &cached : recentNow(cache, 100))
        crns.append(cached.summary.crn);
    return crns;
}

QList<CachedSummary> recentNow(CallCache &cache, int count)
{
    QList<CachedSummary> result;
    bool done = false;
    QObject context;
    cache.recent(count, &context, [&](const QList<CachedSummary> &calls) {
        result = calls;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 10000))
        qWarning("the cache did not answer recent()");
    return result;
}

// A UUID CRN as some platforms write it, with legs in Asterisk's and in channel-name form.
const QString kUuidCrn = u"4C6B1F0E-5E2A-4D0C-9A77-1F2E3D4C5B6A"_qs;

Call uuidCall()
{
    return TestCalls::make(kUuidCrn, u"2023-09-06T18:07:22.626751Z"_qs,
                           { u"1694023642.7"_qs, u"PJSIP/agent-00000004"_qs });
}

QDateTime fetchedAtNoon()
{
    return QDateTime(QDate(2024, 3, 1), QTime(12, 0, 0, 250), Qt::UTC);
}

} // namespace

class TestCallCache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void findsByCrnAndLegInPastedForms_data();
    void findsByCrnAndLegInPastedForms();
    void unknownTextIsNotCached();
    void storeReplacesTheLegKeys();
    void survivesRestart();
    void recentIsNewestOpenedFirst();
    void storesTheEtagAndWhenItWasConfirmed();
    void sizeCapDropsTheLeastRecentlyOpened();
    void evictionGivesThePagesBack();
    void ageLimitDropsCallsNotOpenedRecently();
    void defaultLimitsApplyAtStart();
    void clearDropsEveryCall();
    void corruptFileIsMovedAside();
    void truncatedFileIsMovedAside();
    void migratesAVersion1Cache();
    void defaultFileIsInTheCacheLocation();
    void workRunsOnTheWorkerThread();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString filePath() const { return m_dir->filePath(u"calls.sqlite"_qs); }
};

void TestCallCache::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestCallCache::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestCallCache::findsByCrnAndLegInPastedForms_data()
{
    QTest::addColumn<QString>("pasted");

    QTest::newRow("crn as written") << kUuidCrn;
    QTest::newRow("crn lower case") << kUuidCrn.toLower();
    QTest::newRow("crn with stray spaces") << u"  "_qs + kUuidCrn + u" \t"_qs;
    // U+2013 en dash for every '-', U+00A0 before, U+200B inside.
    QTest::newRow("crn with en dashes and invisible spaces") << QString(kUuidCrn)
                                                                    .replace(u'-', QChar(0x2013))
                                                                    .insert(4, QChar(0x200B))
                                                                    .prepend(QChar(0x00A0));
    QTest::newRow("caller leg") << u"1694023642.7"_qs;
    // Full-width digits U+FF11.. and a full-width full stop U+FF0E, as an IME types them.
    QTest::newRow("caller leg full-width")
        << u"\uFF11\uFF16\uFF19\uFF14\uFF10\uFF12\uFF13\uFF16\uFF14\uFF12\uFF0E\uFF17"_qs;
    QTest::newRow("agent leg other case") << u"pjsip/AGENT-00000004"_qs;
    QTest::newRow("agent leg with en dash") << u"PJSIP/agent\u201300000004"_qs;
}

void TestCallCache::findsByCrnAndLegInPastedForms()
{
    QFETCH(QString, pasted);

    CallCache cache(filePath());
    QVERIFY(storeNow(cache, uuidCall(), fetchedAtNoon()));

    bool answered = false;
    const std::optional<CachedCall> found = lookupNow(cache, pasted, &answered);
    QVERIFY(answered);
    QVERIFY(found.has_value());
    QCOMPARE(found->call, uuidCall());
    QCOMPARE(found->fetchedAt, fetchedAtNoon());
}

void TestCallCache::unknownTextIsNotCached()
{
    CallCache cache(filePath());
    QVERIFY(storeNow(cache, uuidCall(), fetchedAtNoon()));

    bool answered = false;
    // A prefix of the CRN is not the CRN: the cache answers exact keys only.
    QVERIFY(!lookupNow(cache, u"4C6B1F0E"_qs, &answered).has_value());
    QVERIFY(answered);
    QVERIFY(!lookupNow(cache, u"1694023642.70"_qs, &answered).has_value());
    QVERIFY(answered);
}

void TestCallCache::storeReplacesTheLegKeys()
{
    CallCache cache(filePath());
    QVERIFY(storeNow(cache, uuidCall(), fetchedAtNoon()));

    // The server's newer copy knows the call by a different agent leg.
    Call newer = TestCalls::make(kUuidCrn, u"2023-09-06T18:07:22.626751Z"_qs,
                                 { u"1694023642.7"_qs, u"PJSIP/agent-00000009"_qs });
    QVERIFY(storeNow(cache, newer, fetchedAtNoon().addSecs(60)));

    bool answered = false;
    QVERIFY(!lookupNow(cache, u"PJSIP/agent-00000004"_qs, &answered).has_value());
    QVERIFY(answered);
    const std::optional<CachedCall> found = lookupNow(cache, u"PJSIP/agent-00000009"_qs, &answered);
    QVERIFY(found.has_value());
    QCOMPARE(found->call, newer);
    QCOMPARE(found->fetchedAt, fetchedAtNoon().addSecs(60));
}

void TestCallCache::survivesRestart()
{
    {
        CallCache cache(filePath());
        // No waiting for the answer: a store made just before closing must still be written.
        cache.store(uuidCall(), fetchedAtNoon());
    }

    CallCache reopened(filePath());
    QSignalSpy resets(&reopened, &CallCache::cacheReset);
    bool answered = false;
    const std::optional<CachedCall> found = lookupNow(reopened, u"1694023642.7"_qs, &answered);
    QVERIFY(answered);
    QVERIFY(found.has_value());
    QCOMPARE(found->call, uuidCall());
    QCOMPARE(found->fetchedAt, fetchedAtNoon());
    QCOMPARE(resets.size(), 0);
}

void TestCallCache::recentIsNewestOpenedFirst()
{
    CallCache cache(filePath());
    const Call first = TestCalls::make(u"1700000000.1"_qs, u"2023-11-14T22:13:20Z"_qs,
                                       { u"1700000000.1"_qs, u"1700000000.2"_qs });
    const Call second = TestCalls::make(u"1700000100.1"_qs, u"2023-11-14T22:15:00Z"_qs,
                                        { u"1700000100.1"_qs, u"1700000100.2"_qs });
    QVERIFY(storeNow(cache, first, fetchedAtNoon()));
    QTest::qWait(5); // last_opened is kept in milliseconds; two stores must not tie
    QVERIFY(storeNow(cache, second, fetchedAtNoon()));

    QList<CachedSummary> recent = recentNow(cache, 10);
    QCOMPARE(recent.size(), 2);
    QCOMPARE(recent.at(0).summary.crn, second.crn());
    QCOMPARE(recent.at(1).summary.crn, first.crn());

    // Opening the older one again puts it on top.
    QTest::qWait(5);
    bool answered = false;
    QVERIFY(lookupNow(cache, u"1700000000.2"_qs, &answered).has_value());
    recent = recentNow(cache, 1);
    QCOMPARE(recent.size(), 1);
    QCOMPARE(recent.at(0).summary, first.summary);
    QCOMPARE(recent.at(0).fetchedAt, fetchedAtNoon());
}

void TestCallCache::storesTheEtagAndWhenItWasConfirmed()
{
    CallCache cache(filePath());
    QVERIFY(storeNow(cache, uuidCall(), fetchedAtNoon(), u"\"v1\""_qs));
    bool answered = false;
    std::optional<CachedCall> found = lookupNow(cache, kUuidCrn, &answered);
    QVERIFY(found.has_value());
    QCOMPARE(found->etag, u"\"v1\""_qs);
    QCOMPARE(found->fetchedAt, fetchedAtNoon());
    QCOMPARE(found->checkedAt, fetchedAtNoon());

    // A 304 an hour later, with the server's (new) tag.
    const QDateTime hourLater = fetchedAtNoon().addSecs(3600);
    QVERIFY(confirmNow(cache, kUuidCrn, u"\"v2\""_qs, hourLater));
    found = lookupNow(cache, u"PJSIP/agent-00000004"_qs, &answered);
    QVERIFY(found.has_value());
    QCOMPARE(found->etag, u"\"v2\""_qs);
    QCOMPARE(found->fetchedAt, fetchedAtNoon());
    QCOMPARE(found->checkedAt, hourLater);
    QCOMPARE(found->call, uuidCall());

    // No tag keeps the stored one; an older confirmation does not turn the clock back.
    const QDateTime twoHoursLater = fetchedAtNoon().addSecs(7200);
    QVERIFY(confirmNow(cache, kUuidCrn, QString(), twoHoursLater));
    QVERIFY(confirmNow(cache, kUuidCrn, QString(), fetchedAtNoon().addSecs(1800)));
    found = lookupNow(cache, kUuidCrn, &answered);
    QCOMPARE(found->etag, u"\"v2\""_qs);
    QCOMPARE(found->checkedAt, twoHoursLater);
    QCOMPARE(recentNow(cache, 1).value(0).checkedAt, twoHoursLater);

    QVERIFY(!confirmNow(cache, u"1600000000.1"_qs, u"\"v1\""_qs, twoHoursLater));
}

void TestCallCache::sizeCapDropsTheLeastRecentlyOpened()
{
    const qint64 size = cachedBytes(numberedCall(1));
    for (int n = 2; n <= 99; ++n)
        QCOMPARE(cachedBytes(numberedCall(n)), size);

    CallCache cache(filePath());
    QSignalSpy evictions(&cache, &CallCache::callsEvicted);
    TestClock clock;
    const QDateTime start = QDateTime::currentDateTimeUtc();
    cache.setClock(clock.function());
    QCOMPARE(setLimitsNow(cache, 0, 0), 0);

    // Calls 1 to 5, a minute apart, then call 1 opened again: newest opened first, that is
    // 1, 5, 4, 3, 2.
    for (int n = 1; n <= 5; ++n) {
        clock.set(start.addSecs(60 * n));
        QVERIFY(storeNow(cache, numberedCall(n), start));
    }
    const CacheUsage five = usageNow(cache);
    QCOMPARE(five.calls, 5);
    QCOMPARE(five.bytes, 5 * size);
    clock.set(start.addSecs(360));
    bool answered = false;
    QVERIFY(lookupNow(cache, numberedCall(1).crn(), &answered).has_value());

    // Room for three and a half: 1, 5 and 4 fit (3 sizes), 3 would make 4 sizes; 3 and 2 go.
    QCOMPARE(setLimitsNow(cache, 3 * size + size / 2, 0), 2);
    QCOMPARE(recentCrns(cache),
             QStringList({ numberedCall(1).crn(), numberedCall(5).crn(), numberedCall(4).crn() }));

    // A new call is the newest; the cap now leaves out the oldest opened of the rest, 4.
    clock.set(start.addSecs(420));
    QVERIFY(storeNow(cache, numberedCall(6), start));
    QCOMPARE(recentCrns(cache),
             QStringList({ numberedCall(6).crn(), numberedCall(1).crn(), numberedCall(5).crn() }));
    const CacheUsage three = usageNow(cache);
    QCOMPARE(three.calls, 3);
    QCOMPARE(three.bytes, 3 * size);
    QTRY_COMPARE(evictions.size(), 2);
    QCOMPARE(evictions.at(0).at(0).toInt(), 2);
    QCOMPARE(evictions.at(1).at(0).toInt(), 1);
    // The keys went with their calls.
    QVERIFY(!lookupNow(cache, numberedCall(4).legs.at(1).id, &answered).has_value());
    QVERIFY(answered);
}

void TestCallCache::evictionGivesThePagesBack()
{
    CallCache cache(filePath());
    for (int n = 1; n <= 60; ++n)
        QVERIFY(storeNow(cache, numberedCall(n), fetchedAtNoon()));
    QCOMPARE(setLimitsNow(cache, 5 * cachedBytes(numberedCall(1)), 0), 55);

    // Read from a connection of the test's own: no page of the file is left on the free list.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_qs, u"reader"_qs);
        db.setDatabaseName(filePath());
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_qs);
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(u"PRAGMA freelist_count"_qs) && query.next());
        QCOMPARE(query.value(0).toInt(), 0);
        QVERIFY(query.exec(u"PRAGMA auto_vacuum"_qs) && query.next());
        QCOMPARE(query.value(0).toInt(), 1); // full
    }
    QSqlDatabase::removeDatabase(u"reader"_qs);
}

void TestCallCache::ageLimitDropsCallsNotOpenedRecently()
{
    CallCache cache(filePath());
    TestClock clock;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    cache.setClock(clock.function());
    QCOMPARE(setLimitsNow(cache, 0, 0), 0);

    // Last opened 25, 12, 10 and 3 days before now.
    const QList<int> daysAgo { 25, 12, 10, 3 };
    for (int i = 0; i < daysAgo.size(); ++i) {
        clock.set(now.addDays(-daysAgo.at(i)));
        QVERIFY(storeNow(cache, numberedCall(i + 1), now.addDays(-daysAgo.at(i))));
    }

    // Ten days: 25 and 12 are older; exactly 10 is not.
    clock.set(now);
    QCOMPARE(setLimitsNow(cache, 0, 10), 2);
    QCOMPARE(recentCrns(cache), QStringList({ numberedCall(4).crn(), numberedCall(3).crn() }));

    // Eight days on, a store: now the 10- and 3-day-old calls are 18 and 11 days old.
    clock.set(now.addDays(8));
    QVERIFY(storeNow(cache, numberedCall(5), now.addDays(8)));
    QCOMPARE(recentCrns(cache), QStringList({ numberedCall(5).crn() }));
}

void TestCallCache::defaultLimitsApplyAtStart()
{
    QCOMPARE(CallCache::kDefaultMaxAgeDays, 30);
    QCOMPARE(CallCache::kDefaultMaxBytes, 200 * 1024 * 1024);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    {
        CallCache cache(filePath());
        TestClock clock;
        cache.setClock(clock.function());
        QCOMPARE(setLimitsNow(cache, 0, 0), 0);
        clock.set(now.addDays(-40));
        QVERIFY(storeNow(cache, numberedCall(1), now.addDays(-40)));
        clock.set(now.addDays(-3));
        QVERIFY(storeNow(cache, numberedCall(2), now.addDays(-3)));
    }

    // Opened again with the defaults and the real clock: 40 days is past 30.
    CallCache reopened(filePath());
    QSignalSpy evictions(&reopened, &CallCache::callsEvicted);
    QVERIFY(evictions.wait(10000));
    QCOMPARE(evictions.first().first().toInt(), 1);
    QCOMPARE(recentCrns(reopened), QStringList({ numberedCall(2).crn() }));
}

void TestCallCache::clearDropsEveryCall()
{
    CallCache cache(filePath());
    QSignalSpy cleared(&cache, &CallCache::cleared);
    for (int n = 1; n <= 99; ++n)
        QVERIFY(storeNow(cache, numberedCall(n), fetchedAtNoon()));
    QCOMPARE(usageNow(cache).calls, 99);
    const qint64 before = fileBytes(filePath());
    QVERIFY2(before > 99 * cachedBytes(numberedCall(1)), qPrintable(QString::number(before)));

    bool ok = false;
    bool done = false;
    cache.clear(this, [&](bool result) {
        ok = result;
        done = true;
    });
    QTRY_VERIFY(done);
    QVERIFY(ok);
    QTRY_COMPARE(cleared.size(), 1);

    const CacheUsage usage = usageNow(cache);
    QCOMPARE(usage.calls, 0);
    QCOMPARE(usage.bytes, 0);
    QVERIFY(recentNow(cache, 10).isEmpty());
    bool answered = false;
    QVERIFY(!lookupNow(cache, numberedCall(7).crn(), &answered).has_value());
    QVERIFY(answered);
    // The calls' bytes left the disk too: what is left is the empty tables, a few pages.
    QVERIFY2(fileBytes(filePath()) <= 8 * 4096, qPrintable(QString::number(fileBytes(filePath()))));

    // And the cache goes on working.
    QVERIFY(storeNow(cache, uuidCall(), fetchedAtNoon()));
    QVERIFY(lookupNow(cache, kUuidCrn, &answered).has_value());
}

void TestCallCache::corruptFileIsMovedAside()
{
    QFile garbage(filePath());
    QVERIFY(garbage.open(QIODevice::WriteOnly));
    QByteArray bytes;
    for (int i = 0; i < 8192; ++i)
        bytes.append(char((i * 7919 + 13) % 251));
    garbage.write(bytes);
    garbage.close();

    CallCache cache(filePath());
    QSignalSpy resets(&cache, &CallCache::cacheReset);
    QSignalSpy errors(&cache, &CallCache::errorOccurred);
    QVERIFY(resets.wait(10000));
    const QString sentence = resets.at(0).at(0).toString();
    QVERIFY2(sentence.contains(u"calls.sqlite.corrupt-"_qs), qPrintable(sentence));
    QVERIFY2(sentence.endsWith(u'.'), qPrintable(sentence));

    // The damaged bytes are kept under the name the sentence gives, untouched.
    const QStringList kept
        = QDir(m_dir->path()).entryList({ u"calls.sqlite.corrupt-*"_qs }, QDir::Files);
    QCOMPARE(kept.size(), 1);
    QVERIFY2(sentence.contains(kept.first()), qPrintable(sentence));
    QFile keptFile(m_dir->filePath(kept.first()));
    QVERIFY(keptFile.open(QIODevice::ReadOnly));
    QCOMPARE(keptFile.readAll(), bytes);

    // The fresh cache works.
    QVERIFY(storeNow(cache, uuidCall(), fetchedAtNoon()));
    bool answered = false;
    QVERIFY(lookupNow(cache, kUuidCrn, &answered).has_value());
    QCOMPARE(errors.size(), 0);
}

void TestCallCache::truncatedFileIsMovedAside()
{
    {
        CallCache cache(filePath());
        for (int n = 1; n <= 40; ++n)
            QVERIFY(storeNow(cache, numberedCall(n), fetchedAtNoon()));
    }
    // Closed cleanly: everything is in the main file.
    QVERIFY(!QFile::exists(filePath() + u"-wal"_qs));

    QFile file(filePath());
    const qint64 size = file.size();
    QVERIFY2(size >= 16 * 4096, qPrintable(QString::number(size)));
    QVERIFY(file.resize(size / 2));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray half = file.readAll();
    file.close();

    CallCache cache(filePath());
    QSignalSpy resets(&cache, &CallCache::cacheReset);
    QSignalSpy errors(&cache, &CallCache::errorOccurred);
    QVERIFY(resets.wait(10000));
    const QString sentence = resets.at(0).at(0).toString();
    QVERIFY2(sentence.startsWith(u"The local call cache was damaged, so it was kept as "
                                 "calls.sqlite.corrupt-"_qs),
             qPrintable(sentence));
    QVERIFY2(sentence.endsWith(u" and a new, empty cache was started."_qs), qPrintable(sentence));

    const QStringList kept
        = QDir(m_dir->path()).entryList({ u"calls.sqlite.corrupt-*"_qs }, QDir::Files);
    QCOMPARE(kept.size(), 1);
    QVERIFY(sentence.contains(kept.first()));
    QFile keptFile(m_dir->filePath(kept.first()));
    QVERIFY(keptFile.open(QIODevice::ReadOnly));
    QCOMPARE(keptFile.readAll(), half);

    // A new, empty cache: the old calls are gone, new ones are kept.
    bool answered = false;
    QVERIFY(!lookupNow(cache, numberedCall(1).crn(), &answered).has_value());
    QVERIFY(answered);
    QVERIFY(storeNow(cache, uuidCall(), fetchedAtNoon()));
    QVERIFY(lookupNow(cache, kUuidCrn, &answered).has_value());
    QCOMPARE(resets.size(), 1);
    QCOMPARE(errors.size(), 0);
}

void TestCallCache::migratesAVersion1Cache()
{
    // The first cache schema, as consoles before ETags wrote it.
    const Call call = uuidCall();
    const QString document
        = QString::fromUtf8(QJsonDocument(CallJson::toJson(call)).toJson(QJsonDocument::Compact));
    const QString summary = QString::fromUtf8(
        QJsonDocument(CallJson::toJson(call.summary)).toJson(QJsonDocument::Compact));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_qs, u"v1"_qs);
        db.setDatabaseName(filePath());
        QVERIFY(db.open());
        QSqlQuery query(db);
        const QStringList statements {
            u"CREATE TABLE calls (crn TEXT PRIMARY KEY, start_us INTEGER NOT NULL,"
            " summary TEXT NOT NULL, document TEXT NOT NULL, fetched_at INTEGER NOT NULL,"
            " last_opened INTEGER NOT NULL) STRICT"_qs,
            u"CREATE INDEX calls_by_last_opened ON calls (last_opened DESC)"_qs,
            u"CREATE TABLE call_keys (key TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN"
            " ('crn', 'leg')), crn TEXT NOT NULL REFERENCES calls (crn) ON DELETE CASCADE,"
            " PRIMARY KEY (key, kind, crn)) STRICT, WITHOUT ROWID"_qs,
            u"CREATE INDEX call_keys_by_crn ON call_keys (crn)"_qs,
            u"PRAGMA user_version = 1"_qs,
        };
        for (const QString &statement : statements)
            QVERIFY2(query.exec(statement), qPrintable(query.lastError().text()));
        query.prepare(u"INSERT INTO calls VALUES (?, 0, ?, ?, ?, ?)"_qs);
        query.addBindValue(call.crn());
        query.addBindValue(summary);
        query.addBindValue(document);
        query.addBindValue(fetchedAtNoon().toMSecsSinceEpoch());
        query.addBindValue(QDateTime::currentMSecsSinceEpoch());
        QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
        // Keys are stored normalized: lower case.
        QVERIFY(query.exec(u"INSERT INTO call_keys VALUES ('pjsip/agent-00000004', 'leg', '"_qs
                           + call.crn() + u"')"_qs));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"v1"_qs);

    CallCache cache(filePath());
    QSignalSpy resets(&cache, &CallCache::cacheReset);
    bool answered = false;
    const std::optional<CachedCall> found = lookupNow(cache, u"PJSIP/agent-00000004"_qs, &answered);
    QVERIFY(found.has_value());
    QCOMPARE(found->call, call);
    // No ETag yet; confirmed when it was fetched.
    QCOMPARE(found->etag, QString());
    QCOMPARE(found->fetchedAt, fetchedAtNoon());
    QCOMPARE(found->checkedAt, fetchedAtNoon());
    const CacheUsage usage = usageNow(cache);
    QCOMPARE(usage.calls, 1);
    QCOMPARE(usage.bytes, qint64(document.toUtf8().size() + summary.toUtf8().size()));
    QCOMPARE(resets.size(), 0);

    QVERIFY(storeNow(cache, call, fetchedAtNoon().addSecs(5), u"\"e\""_qs));
    QCOMPARE(lookupNow(cache, kUuidCrn, &answered)->etag, u"\"e\""_qs);

    // Rewritten once, so that evictions give pages back from now on.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_qs, u"reader"_qs);
        db.setDatabaseName(filePath());
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_qs);
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(u"PRAGMA auto_vacuum"_qs) && query.next());
        QCOMPARE(query.value(0).toInt(), 1); // full
    }
    QSqlDatabase::removeDatabase(u"reader"_qs);
}

void TestCallCache::defaultFileIsInTheCacheLocation()
{
    const QString location = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
    QVERIFY(!location.isEmpty());
    QCOMPARE(CallCache::defaultFilePath(), QDir(location).filePath(u"calls.sqlite"_qs));
    QFile::remove(CallCache::defaultFilePath());

    {
        CallCache cache;
        QCOMPARE(cache.filePath(), CallCache::defaultFilePath());
        QVERIFY(storeNow(cache, uuidCall(), fetchedAtNoon()));
    }
    QVERIFY(QFile::exists(CallCache::defaultFilePath()));
    QFile::remove(CallCache::defaultFilePath());
    QFile::remove(CallCache::defaultFilePath() + u"-wal"_qs);
    QFile::remove(CallCache::defaultFilePath() + u"-shm"_qs);
}

void TestCallCache::workRunsOnTheWorkerThread()
{
    CallCache cache(filePath());
    QVERIFY(cache.workerThread());
    QVERIFY(cache.workerThread() != QThread::currentThread());

    QMutex mutex;
    QList<QThread *> seen;
    cache.setWorkerProbe([&] {
        QMutexLocker locker(&mutex);
        seen.append(QThread::currentThread());
    });

    QThread *answeredOn = nullptr;
    bool done = false;
    QVERIFY(storeNow(cache, uuidCall(), fetchedAtNoon()));
    cache.lookup(kUuidCrn, this, [&](const std::optional<CachedCall> &) {
        answeredOn = QThread::currentThread();
        done = true;
    });
    QTRY_VERIFY(done);
    QCOMPARE(recentNow(cache, 5).size(), 1);

    QMutexLocker locker(&mutex);
    QCOMPARE(seen.size(), 3); // store, lookup, recent
    for (QThread *thread : std::as_const(seen))
        QCOMPARE(thread, cache.workerThread());
    // The answer comes back to the thread that asked.
    QCOMPARE(answeredOn, QThread::currentThread());
}

QTEST_GUILESS_MAIN(TestCallCache)
#include "tst_callcache.moc"
