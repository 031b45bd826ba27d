#include "store/callstore.h"
#include "store/databaseaddress.h"
#include "testcalls.h"
#include "testdatabase.h"

#include <QCryptographicHash>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

class TestCallStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void reopensItsOwnDatabase();
    void leavesAnotherProgramsDatabaseAlone();
    void bringsAVersionOneDatabaseForward();
    void bringsAVersionThreeFileForward();
    void keepsRecordingsAndSettings();

private:
    QTemporaryDir m_dir;
};

void TestCallStore::reopensItsOwnDatabase()
{
    const QString path = TestDatabase::address(m_dir.filePath(u"own.sqlite"_qs));
    QString error;
    QVERIFY2(CallStore::open(path, &error), qPrintable(error));
    const auto again = CallStore::open(path, &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(again->callCount(), 0);
}

void TestCallStore::leavesAnotherProgramsDatabaseAlone()
{
    const QString address = TestDatabase::address(m_dir.filePath(u"foreign.sqlite"_qs));
    const QString tableNames = TestDatabase::isPostgreSQL()
        ? u"SELECT string_agg(table_name, ',') FROM information_schema.tables"
          " WHERE table_schema = current_schema()"_qs
        : u"SELECT group_concat(name) FROM sqlite_master WHERE type = 'table'"_qs;
    QString error;
    const auto parsed = DatabaseAddress::parse(address, &error);
    QVERIFY2(parsed, qPrintable(error));
    {
        QVERIFY2(parsed->open(u"foreign"_qs, &error), qPrintable(error));
        QSqlDatabase db = QSqlDatabase::database(u"foreign"_qs);
        QVERIFY(QSqlQuery(db).exec(u"CREATE TABLE invoices (id INTEGER PRIMARY KEY)"_qs));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"foreign"_qs);

    QVERIFY(!CallStore::open(address, &error));
    QVERIFY2(error.contains(u"another program's tables"_qs), qPrintable(error));

    // Nothing was written into it: its one table is still alone.
    QVERIFY2(parsed->open(u"check"_qs, &error), qPrintable(error));
    QSqlQuery tables(QSqlDatabase::database(u"check"_qs));
    QVERIFY(tables.exec(tableNames));
    QVERIFY(tables.next());
    QCOMPARE(tables.value(0).toString(), u"invoices"_qs);
}

// A database written before recordings existed (schema 1) keeps its calls and gains the
// recordings table when a newer crn-server opens it.
void TestCallStore::bringsAVersionOneDatabaseForward()
{
    if (TestDatabase::isPostgreSQL())
        QSKIP("about SQLite files written by older crn-servers; a PostgreSQL database never "
              "had their schema_version table");
    const QString path = m_dir.filePath(u"version1.sqlite"_qs);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_qs, u"v1"_qs);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery query(db);
        const QStringList schemaOne = {
            u"CREATE TABLE schema_version (version INTEGER NOT NULL)"_qs,
            u"INSERT INTO schema_version (version) VALUES (1)"_qs,
            u"CREATE TABLE calls (crn TEXT PRIMARY KEY, crn_key TEXT NOT NULL UNIQUE,"
            " start_us INTEGER NOT NULL, summary TEXT NOT NULL, document TEXT NOT NULL) STRICT"_qs,
            u"CREATE INDEX calls_by_start ON calls (start_us DESC, crn_key DESC)"_qs,
            u"CREATE TABLE call_keys (key TEXT NOT NULL, kind TEXT NOT NULL, crn TEXT NOT NULL"
            " REFERENCES calls (crn) ON DELETE CASCADE, PRIMARY KEY (key, kind, crn))"
            " STRICT, WITHOUT ROWID"_qs,
            u"CREATE INDEX call_keys_by_crn ON call_keys (crn)"_qs,
            u"INSERT INTO calls VALUES ('1.1', '1.1', 0,"
            " '{\"crn\":\"1.1\",\"start\":\"1970-01-01T00:00:00Z\"}',"
            " '{\"crn\":\"1.1\",\"start\":\"1970-01-01T00:00:00Z\"}')"_qs,
            u"INSERT INTO call_keys VALUES ('1.1', 'crn', '1.1')"_qs,
        };
        for (const QString &statement : schemaOne)
            QVERIFY2(query.exec(statement), qPrintable(statement));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"v1"_qs);

    QString error;
    const auto store = CallStore::open(path, &error);
    QVERIFY2(store, qPrintable(error));
    QCOMPARE(store->callCount(), 1);
    const auto call = store->findCall(u"1.1");
    QVERIFY(call);
    QVERIFY(call->recordings.isEmpty());
    QVERIFY(
        store->saveRecordings({ { u"r-1"_qs, u"1.1"_qs, u"a.wav"_qs, 44, 1, u"audio/wav"_qs } }));
    QVERIFY(store->findRecording(u"r-1"));
}

// A file of the last crn-server before schema_versions: the three steps of its own
// schema_version table, written here by hand with that version's statements, holding one call
// (seq 1, its keys, the sequence in store_settings). It keeps its call, its version and its
// walk order, and gains the "calls" row of schema_versions instead of its old table.
void TestCallStore::bringsAVersionThreeFileForward()
{
    if (TestDatabase::isPostgreSQL())
        QSKIP("about SQLite files written by older crn-servers; a PostgreSQL database never "
              "had their schema_version table");
    const QString path = m_dir.filePath(u"version3.sqlite"_qs);
    const Call old = TestCalls::make(u"1718100000.1"_qs, u"2024-06-11T10:00:00Z"_qs,
                                     { u"1718100000.1"_qs, u"1718100000.2"_qs });
    const PreparedCall prepared = CallStore::prepareCall(old);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_qs, u"v3"_qs);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery query(db);
        const QStringList schemaThree = {
            u"CREATE TABLE schema_version (version INTEGER NOT NULL)"_qs,
            u"INSERT INTO schema_version (version) VALUES (3)"_qs,
            u"CREATE TABLE calls (crn TEXT PRIMARY KEY, crn_key TEXT NOT NULL UNIQUE,"
            " start_us INTEGER NOT NULL, summary TEXT NOT NULL, document TEXT NOT NULL,"
            " direction TEXT NOT NULL DEFAULT 'unknown', outcome TEXT NOT NULL DEFAULT 'unknown',"
            " recording_count INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL DEFAULT 0)"
            " STRICT"_qs,
            u"CREATE INDEX calls_by_start ON calls (start_us DESC, crn_key DESC)"_qs,
            u"CREATE TABLE call_keys (key TEXT NOT NULL, kind TEXT NOT NULL, crn TEXT NOT NULL"
            " REFERENCES calls (crn) ON DELETE CASCADE, PRIMARY KEY (key, kind, crn))"
            " STRICT, WITHOUT ROWID"_qs,
            u"CREATE INDEX call_keys_by_crn ON call_keys (crn)"_qs,
            u"CREATE TABLE recordings (id TEXT PRIMARY KEY, crn TEXT, path TEXT NOT NULL UNIQUE,"
            " size INTEGER NOT NULL, modified_us INTEGER NOT NULL, content_type TEXT NOT NULL)"
            " STRICT"_qs,
            u"CREATE INDEX recordings_by_crn ON recordings (crn)"_qs,
            u"CREATE TABLE store_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)"
            " STRICT"_qs,
            u"CREATE INDEX calls_by_direction ON calls (direction, start_us DESC, crn_key DESC)"_qs,
            u"CREATE INDEX calls_by_outcome ON calls (outcome, start_us DESC, crn_key DESC)"_qs,
            u"CREATE INDEX calls_by_recorded"
            " ON calls ((recording_count > 0), start_us DESC, crn_key DESC)"_qs,
            u"INSERT INTO store_settings VALUES ('last_call_sequence', '1')"_qs,
            u"INSERT INTO store_settings VALUES ('recordings_root', '/srv/recordings')"_qs,
        };
        for (const QString &statement : schemaThree)
            QVERIFY2(query.exec(statement), qPrintable(statement + query.lastError().text()));
        query.prepare(u"INSERT INTO calls VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)"_qs);
        for (const QVariant &value : QVariantList {
                 prepared.crn, prepared.crnKey, prepared.startUs,
                 QString::fromUtf8(prepared.summary), QString::fromUtf8(prepared.document),
                 prepared.direction, prepared.outcome, prepared.recordingCount })
            query.addBindValue(value);
        QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
        query.prepare(u"INSERT OR IGNORE INTO call_keys VALUES (?, ?, ?)"_qs);
        for (const auto &[kind, key] : prepared.keys) {
            query.addBindValue(key);
            query.addBindValue(kind);
            query.addBindValue(prepared.crn);
            QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(u"v3"_qs);

    QString error;
    {
        const auto store = CallStore::open(path, &error);
        QVERIFY2(store, qPrintable(error));
        QCOMPARE(store->callCount(), 1);
        const auto document = store->findCallDocument(old.legs.constFirst().id);
        QVERIFY(document);
        QCOMPARE(*document, prepared.document);
        QCOMPARE(store->setting(u"recordings_root"_qs), u"/srv/recordings"_qs);

        QSqlQuery query(store->database());
        QVERIFY(query.exec(u"SELECT version FROM schema_versions WHERE component = 'calls'"_qs));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toInt(), 4);
        // Step 4 tagged the old row: the first 32 hex digits of its document's SHA-256.
        QVERIFY(query.exec(u"SELECT etag FROM calls"_qs));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toString().toLatin1(),
                 QCryptographicHash::hash(prepared.document, QCryptographicHash::Sha256)
                     .toHex()
                     .left(32));
        QVERIFY(query.exec(u"SELECT count(*) FROM sqlite_master WHERE name = 'schema_version'"_qs));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toInt(), 0);

        // The old call is found by search, and a new one is numbered after it.
        const SearchPage before = store->search(SearchQuery());
        QCOMPARE(before.calls.size(), 1);
        QCOMPARE(before.calls.constFirst().crn, old.crn());
        const Call newer = TestCalls::make(u"1718000000.1"_qs, u"2024-06-10T06:13:20Z"_qs,
                                           { u"1718000000.1"_qs, u"1718000000.2"_qs });
        QVERIFY(store->saveCalls({ newer }));
        QCOMPARE(store->search(SearchQuery()).calls.size(), 2);
        QVERIFY(query.exec(u"SELECT seq FROM calls ORDER BY seq"_qs));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toLongLong(), 1);
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toLongLong(), 2);
        QCOMPARE(store->setting(u"last_call_sequence"_qs), u"2"_qs);
    }
    // Open again: nothing left to do.
    QVERIFY2(CallStore::open(path, &error), qPrintable(error));
}

void TestCallStore::keepsRecordingsAndSettings()
{
    QString error;
    const auto store
        = CallStore::open(TestDatabase::address(m_dir.filePath(u"recordings.sqlite"_qs)), &error);
    QVERIFY2(store, qPrintable(error));

    const StoredRecording first {
        u"r-a"_qs,        u"1.1"_qs,      u"2024/06/11/1.1.wav"_qs, Q_INT64_C(5000000000),
        1718100000000000, u"audio/wav"_qs
    };
    QVERIFY(store->saveRecordings({ first }));
    auto found = store->findRecording(u"r-a");
    QVERIFY(found);
    QCOMPARE(found->path, first.path);
    QCOMPARE(found->sizeBytes, first.sizeBytes);
    QCOMPARE(found->modifiedUs, first.modifiedUs);
    QCOMPARE(found->crn, first.crn);

    // Saving the same id again updates it: a re-import after the file changed.
    StoredRecording changed = first;
    changed.sizeBytes = 44;
    changed.crn.clear(); // its call is not known any more
    QVERIFY(store->saveRecordings({ changed }));
    found = store->findRecording(u"r-a");
    QCOMPARE(found->sizeBytes, 44);
    QVERIFY(found->crn.isEmpty());
    QVERIFY(!store->findRecording(u"r-b"));

    QVERIFY(store->setting(u"recordings_root"_qs).isEmpty());
    QVERIFY(store->setSetting(u"recordings_root"_qs, u"/srv/recordings"_qs));
    QVERIFY(store->setSetting(u"recordings_root"_qs, u"/srv/other"_qs));
    QCOMPARE(store->setting(u"recordings_root"_qs), u"/srv/other"_qs);
}

QTEST_GUILESS_MAIN(TestCallStore)
#include "tst_callstore.moc"
