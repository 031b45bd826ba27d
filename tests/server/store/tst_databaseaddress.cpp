// DatabaseAddress::parse: what --db accepts, read by hand from the forms README.md documents.

#include "store/databaseaddress.h"

#include <QTest>

class TestDatabaseAddress : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parses_data();
    void parses();
    void refuses_data();
    void refuses();
    void passwordFromTheEnvironment();
    void displayNameHasNoPassword();
};

void TestDatabaseAddress::parses_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("postgresql");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("database");
    QTest::addColumn<QString>("options");

    const QString timeout = u"connect_timeout=10"_qs; // added when the URL sets none
    QTest::newRow("file") << u"calls.sqlite"_qs << false << u"calls.sqlite"_qs << QString()
                          << QString() << QString() << 5432 << QString() << QString();
    QTest::newRow("file with colon and slashes")
        << u"/srv/crn/a:b/calls.db"_qs << false << u"/srv/crn/a:b/calls.db"_qs << QString()
        << QString() << QString() << 5432 << QString() << QString();
    QTest::newRow("full URL") << u"postgresql://crn:secret@db.example:6543/calls"_qs << true
                              << QString() << u"crn"_qs << u"secret"_qs << u"db.example"_qs << 6543
                              << u"calls"_qs << timeout;
    QTest::newRow("postgres scheme, default port")
        << u"postgres://crn@127.0.0.1/calls"_qs << true << QString() << u"crn"_qs << QString()
        << u"127.0.0.1"_qs << 5432 << u"calls"_qs << timeout;
    QTest::newRow("IPv6 host") << u"postgresql://crn@[::1]:5433/calls"_qs << true << QString()
                               << u"crn"_qs << QString() << u"::1"_qs << 5433 << u"calls"_qs
                               << timeout;
    QTest::newRow("percent-encoded password")
        << u"postgresql://crn:p%40ss%3Aw%2Fd@h/calls"_qs << true << QString() << u"crn"_qs
        << u"p@ss:w/d"_qs << u"h"_qs << 5432 << u"calls"_qs << timeout;
    QTest::newRow("options") << u"postgresql://crn@h/calls?sslmode=require&connect_timeout=3"_qs
                             << true << QString() << u"crn"_qs << QString() << u"h"_qs << 5432
                             << u"calls"_qs << u"sslmode=require;connect_timeout=3"_qs;
    QTest::newRow("upper-case scheme")
        << u"POSTGRESQL://crn@h/calls"_qs << true << QString() << u"crn"_qs << QString() << u"h"_qs
        << 5432 << u"calls"_qs << timeout;
}

void TestDatabaseAddress::parses()
{
    QFETCH(QString, text);
    QFETCH(bool, postgresql);
    QFETCH(QString, path);
    QFETCH(QString, user);
    QFETCH(QString, password);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, database);
    QFETCH(QString, options);

    qunsetenv("PGPASSWORD");
    QString error;
    const auto address = DatabaseAddress::parse(text, &error);
    QVERIFY2(address, qPrintable(error));
    QCOMPARE(address->isPostgreSQL(), postgresql);
    QCOMPARE(address->path, path);
    QCOMPARE(address->user, user);
    QCOMPARE(address->password, password);
    QCOMPARE(address->host, host);
    QCOMPARE(address->port, port);
    QCOMPARE(address->databaseName, database);
    QCOMPARE(address->connectOptions, options);
}

void TestDatabaseAddress::refuses_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected"); // the start of the sentence

    QTest::newRow("empty") << QString() << u"The database is not named"_qs;
    QTest::newRow("port not a number")
        << u"postgresql://crn:hunter2@h:port/calls"_qs << u"The database URL is malformed"_qs;
    QTest::newRow("no database") << u"postgresql://crn:hunter2@h:5432/"_qs
                                 << u"The database URL names no database"_qs;
    QTest::newRow("database with a slash")
        << u"postgresql://crn:hunter2@h/a/b"_qs << u"The database URL names no database"_qs;
    QTest::newRow("no user") << u"postgresql://h/calls"_qs << u"The database URL names no user"_qs;
    QTest::newRow("unknown option") << u"postgresql://crn:hunter2@h/calls?sslcert=x"_qs
                                    << u"The database URL has the option 'sslcert'"_qs;
    QTest::newRow("option with a separator")
        << u"postgresql://crn@h/calls?sslmode=a;b"_qs << u"The database URL's option 'sslmode'"_qs;
    QTest::newRow("fragment") << u"postgresql://crn:hunter2@h/calls#x"_qs
                              << u"The database URL has a fragment"_qs;
}

// A refusal is one sentence that never repeats the URL, which may hold a password.
void TestDatabaseAddress::refuses()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);

    QString error;
    QVERIFY(!DatabaseAddress::parse(text, &error));
    QVERIFY2(error.startsWith(expected), qPrintable(error));
    QVERIFY2(!error.contains(u"hunter2"_qs), qPrintable(error));
}

void TestDatabaseAddress::passwordFromTheEnvironment()
{
    qputenv("PGPASSWORD", "from-env");
    QString error;
    auto address = DatabaseAddress::parse(u"postgresql://crn@h/calls"_qs, &error);
    QVERIFY2(address, qPrintable(error));
    QCOMPARE(address->password, u"from-env"_qs);
    // The URL's own password wins.
    address = DatabaseAddress::parse(u"postgresql://crn:in-url@h/calls"_qs, &error);
    QVERIFY2(address, qPrintable(error));
    QCOMPARE(address->password, u"in-url"_qs);
    qunsetenv("PGPASSWORD");
}

void TestDatabaseAddress::displayNameHasNoPassword()
{
    QString error;
    const auto address
        = DatabaseAddress::parse(u"postgresql://crn:hunter2@h:6543/calls"_qs, &error);
    QVERIFY2(address, qPrintable(error));
    QCOMPARE(address->displayName(), u"postgresql://crn@h:6543/calls"_qs);
    const auto file = DatabaseAddress::parse(u"calls.sqlite"_qs, &error);
    QVERIFY2(file, qPrintable(error));
    QCOMPARE(file->displayName(), u"calls.sqlite"_qs);
}

QTEST_GUILESS_MAIN(TestDatabaseAddress)
#include "tst_databaseaddress.moc"
