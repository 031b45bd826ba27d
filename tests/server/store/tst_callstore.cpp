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

QTEST_GUILESS_MAIN(TestCallStore)
#include "tst_callstore.moc"
