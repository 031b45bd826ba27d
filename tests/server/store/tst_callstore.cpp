#include "store/callstore.h"

#include <QSqlDatabase>
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
    void keepsRecordingsAndSettings();

private:
    QTemporaryDir m_dir;
};

void TestCallStore::reopensItsOwnDatabase()
{
    const QString path = m_dir.filePath(u"own.sqlite"_qs);
    QString error;
    QVERIFY2(CallStore::open(path, &error), qPrintable(error));
    const auto again = CallStore::open(path, &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(again->callCount(), 0);
}

void TestCallStore::leavesAnotherProgramsDatabaseAlone()
{
    const QString path = m_dir.filePath(u"foreign.sqlite"_qs);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_qs, u"foreign"_qs);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QVERIFY(QSqlQuery(db).exec(u"CREATE TABLE invoices (id INTEGER PRIMARY KEY)"_qs));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"foreign"_qs);

    QString error;
    QVERIFY(!CallStore::open(path, &error));
    QVERIFY2(error.contains(u"another program's tables"_qs), qPrintable(error));

    // Nothing was written into it: its one table is still alone.
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_qs, u"check"_qs);
    db.setDatabaseName(path);
    QVERIFY(db.open());
    QSqlQuery tables(db);
    QVERIFY(tables.exec(u"SELECT group_concat(name) FROM sqlite_master WHERE type = 'table'"_qs));
    QVERIFY(tables.next());
    QCOMPARE(tables.value(0).toString(), u"invoices"_qs);
}

// A database written before recordings existed (schema 1) keeps its calls and gains the
// recordings table when a newer crn-server opens it.
void TestCallStore::bringsAVersionOneDatabaseForward()
{
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

void TestCallStore::keepsRecordingsAndSettings()
{
    QString error;
    const auto store = CallStore::open(m_dir.filePath(u"recordings.sqlite"_qs), &error);
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
