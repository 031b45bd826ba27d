#include "cache/callcache.h"

#include "testcalls.h"

#include <QDir>
#include <QFile>
#include <QMutex>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

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

bool storeNow(CallCache &cache, const Call &call, const QDateTime &fetchedAt)
{
    bool stored = false;
    bool done = false;
    QObject context;
    cache.store(call, fetchedAt, &context, [&](bool ok) {
        stored = ok;
        done = true;
    });
    return QTest::qWaitFor([&] { return done; }, 10000) && stored;
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
    void corruptFileIsMovedAside();
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
