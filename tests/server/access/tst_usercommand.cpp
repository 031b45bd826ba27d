// `crn-server user add|list|disable` on a real call database and against a real crn-server:
// the token is printed once and never stored, and what the commands change is what the server
// answers. Also run against PostgreSQL (postgres/tst_usercommand).

#include "testcalls.h"
#include "testdatabase.h"
#include "testserver.h"

#include "store/callstore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run crnServer(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(CRN_SERVER_BINARY), arguments);
    Run run;
    if (!process.waitForFinished(30000))
        return run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

} // namespace

class TestUserCommand : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void addPrintsOnlyTheToken();
    void tokenIsInNoFileOfTheDatabase();
    void tokenIsInNoColumn();
    void tokenWorksAndListShowsNoSecret();
    void existingNameIsRefusedUnlessReplaced();
    void agentIdDefaultsToNormalisedName();
    void disableEndsTheTokenOfARunningServer();
    void concurrentAddsMakeOneUser();
    void usageErrors_data();
    void usageErrors();

private:
    int statusWith(const QByteArray &token);
    // Runs `user add carol --role supervisor`: its standard output, empty on failure.
    QByteArray addCarol();

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_database;
    std::unique_ptr<TestServer> m_server;
    QNetworkAccessManager m_network;
};

void TestUserCommand::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_database = TestDatabase::address(m_dir->filePath(u"calls.db"_qs));
    m_server = std::make_unique<TestServer>(m_database);
    QString why;
    QVERIFY2(
        m_server->writeDatabase({ TestCalls::make(u"1700000000.1"_qs, u"2023-11-14T22:13:20Z"_qs,
                                                  { u"1700000000.1"_qs, u"1700000000.2"_qs }) },
                                &why),
        qPrintable(why));
}

void TestUserCommand::cleanup()
{
    m_server.reset();
    m_dir.reset();
}

int TestUserCommand::statusWith(const QByteArray &token)
{
    QUrl url = m_server->url();
    url.setPath(u"/api/v1/calls/1700000000.1"_qs);
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + token);
    std::unique_ptr<QNetworkReply> reply(m_network.get(request));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(10000))
        return 0;
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

QByteArray TestUserCommand::addCarol()
{
    const Run add = crnServer({ u"user"_qs, u"add"_qs, u"carol"_qs, u"--role"_qs, u"supervisor"_qs,
                                u"--db"_qs, m_database });
    if (add.exitCode != 0) {
        qWarning("user add failed: %s", add.err.constData());
        return {};
    }
    return add.out;
}

void TestUserCommand::addPrintsOnlyTheToken()
{
    const QByteArray out = addCarol();
    // "crn_" and base64url of 32 bytes without padding: 43 characters; one line, nothing else.
    static const QRegularExpression shape(u"^crn_[A-Za-z0-9_-]{43}\n$"_qs);
    QVERIFY2(shape.match(QString::fromLatin1(out)).hasMatch(), out.constData());
    const QByteArray raw = QByteArray::fromBase64(
        out.trimmed().mid(4), QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    QCOMPARE(raw.size(), 32);

    QString why;
    QVERIFY2(m_server->start(0, &why), qPrintable(why));
    QCOMPARE(statusWith(out.trimmed()), 200);
}

void TestUserCommand::tokenIsInNoFileOfTheDatabase()
{
    if (TestDatabase::isPostgreSQL())
        QSKIP("reads the bytes of the SQLite file and its journal; on PostgreSQL "
              "tokenIsInNoColumn reads every column of every table");
    const QByteArray token = addCarol().trimmed();
    QVERIFY(!token.isEmpty());
    const QByteArray secret = token.mid(4);
    const QByteArray raw = QByteArray::fromBase64(
        secret, QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);

    // Neither the token's secret part nor its 32 bytes are in any file of the database; the
    // stored hash is, which shows that the files read are the ones written.
    const QByteArray hash = QCryptographicHash::hash(token, QCryptographicHash::Sha256).toHex();
    bool hashSeen = false;
    for (const QString &name : QDir(m_dir->path()).entryList(QDir::Files)) {
        QFile file(m_dir->filePath(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY2(!bytes.contains(secret) && !bytes.contains(raw), qPrintable(name));
        hashSeen = hashSeen || bytes.contains(hash);
    }
    QVERIFY(hashSeen);
}

// Every column of every table, read as text: on SQLite through SELECT *, on PostgreSQL each
// column that information_schema lists, cast to text (bytea as its hex form). Neither the
// token's secret part, nor its 32 bytes in hex, is in any value; its SHA-256 is, in
// users.token_hash, which shows that the walk reads what the command wrote.
void TestUserCommand::tokenIsInNoColumn()
{
    const QByteArray token = addCarol().trimmed();
    QVERIFY(!token.isEmpty());
    const QString secret = QString::fromLatin1(token.mid(4));
    const QString rawHex = QString::fromLatin1(
        QByteArray::fromBase64(token.mid(4),
                               QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)
            .toHex());
    const QString hash
        = QString::fromLatin1(QCryptographicHash::hash(token, QCryptographicHash::Sha256).toHex());

    QString why;
    const std::unique_ptr<CallStore> store = CallStore::open(m_database, &why);
    QVERIFY2(store, qPrintable(why));
    QList<std::pair<QString, QString>> columns; // (table, column), quoted for SQL
    QSqlQuery query(store->database());
    if (TestDatabase::isPostgreSQL()) {
        QVERIFY2(query.exec(u"SELECT quote_ident(table_schema) || '.' || quote_ident(table_name),"
                            " quote_ident(column_name) FROM information_schema.columns"
                            " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
                            " AND table_catalog = current_database()"_qs),
                 qPrintable(query.lastError().text()));
        while (query.next())
            columns.append({ query.value(0).toString(), query.value(1).toString() });
    } else {
        for (const QString &table : store->database().tables()) {
            const QSqlRecord record = store->database().record(table);
            for (int i = 0; i < record.count(); ++i)
                columns.append({ u'"' + table + u'"', u'"' + record.fieldName(i) + u'"' });
        }
    }
    QVERIFY(columns.contains(
        std::pair { TestDatabase::isPostgreSQL() ? u"public.users"_qs : u"\"users\""_qs,
                    TestDatabase::isPostgreSQL() ? u"token_hash"_qs : u"\"token_hash\""_qs }));

    bool hashSeen = false;
    for (const auto &[table, column] : std::as_const(columns)) {
        const QString cast = TestDatabase::isPostgreSQL() ? column + u"::text"_qs : column;
        QVERIFY2(query.exec(u"SELECT "_qs + cast + u" FROM "_qs + table),
                 qPrintable(query.lastError().text()));
        while (query.next()) {
            const QString value = query.value(0).toString();
            const QString where = table + u'.' + column;
            QVERIFY2(!value.contains(secret), qPrintable(where));
            QVERIFY2(!value.contains(rawHex, Qt::CaseInsensitive), qPrintable(where));
            hashSeen = hashSeen || value == hash;
        }
    }
    QVERIFY(hashSeen);
}

void TestUserCommand::tokenWorksAndListShowsNoSecret()
{
    const Run add = crnServer(
        { u"user"_qs, u"add"_qs, u"dave"_qs, u"--role"_qs, u"auditor"_qs, u"--db"_qs, m_database });
    QCOMPARE(add.exitCode, 0);
    const QByteArray token = add.out.trimmed();

    const Run list = crnServer({ u"user"_qs, u"list"_qs, u"--db"_qs, m_database });
    QCOMPARE(list.exitCode, 0);
    const QList<QByteArray> lines = list.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines.at(0), QByteArray("name\trole\tagent\tcreated\tdisabled"));
    const QList<QByteArray> fields = lines.at(1).split('\t');
    QCOMPARE(fields.size(), 5);
    QCOMPARE(fields.at(0), QByteArray("dave"));
    QCOMPARE(fields.at(1), QByteArray("auditor"));
    QVERIFY(Timestamp::parseIso(QString::fromLatin1(fields.at(3))).has_value());
    QCOMPARE(fields.at(4), QByteArray("no"));
    // Neither the token nor its SHA-256 (hex) is shown.
    const QByteArray hash = QCryptographicHash::hash(token, QCryptographicHash::Sha256).toHex();
    QVERIFY(!list.out.contains(token.mid(4)) && !list.out.contains(hash));

    QString why;
    QVERIFY2(m_server->start(0, &why), qPrintable(why));
    QCOMPARE(statusWith(token), 200);
    QCOMPARE(statusWith(token + 'x'), 401);
}

void TestUserCommand::existingNameIsRefusedUnlessReplaced()
{
    const QStringList add = { u"user"_qs,       u"add"_qs,  u"erin"_qs, u"--role"_qs,
                              u"supervisor"_qs, u"--db"_qs, m_database };
    const Run first = crnServer(add);
    QCOMPARE(first.exitCode, 0);
    const Run again = crnServer(add);
    QCOMPARE(again.exitCode, 1);
    QVERIFY(again.out.isEmpty());
    QVERIFY2(again.err.contains("exists already"), again.err.constData());

    const Run replaced = crnServer(add + QStringList { u"--replace-token"_qs });
    QCOMPARE(replaced.exitCode, 0);
    QVERIFY(replaced.out.trimmed() != first.out.trimmed());

    QString why;
    QVERIFY2(m_server->start(0, &why), qPrintable(why));
    QCOMPARE(statusWith(first.out.trimmed()), 401);
    QCOMPARE(statusWith(replaced.out.trimmed()), 200);
}

void TestUserCommand::agentIdDefaultsToNormalisedName()
{
    QCOMPARE(crnServer({ u"user"_qs, u"add"_qs, u"Carol Ann"_qs, u"--role"_qs, u"agent"_qs,
                         u"--db"_qs, m_database })
                 .exitCode,
             0);
    QCOMPARE(crnServer({ u"user"_qs, u"add"_qs, u"frank"_qs, u"--role"_qs, u"agent"_qs,
                         u"--agent"_qs, u"Agent Z"_qs, u"--db"_qs, m_database })
                 .exitCode,
             0);
    const Run list = crnServer({ u"user"_qs, u"list"_qs, u"--db"_qs, m_database });
    // CrnText folds white space away and the letter case down, as the call store's agent keys.
    QVERIFY2(list.out.contains("\nCarol Ann\tagent\tcarolann\t"), list.out.constData());
    QVERIFY2(list.out.contains("\nfrank\tagent\tagentz\t"), list.out.constData());
}

void TestUserCommand::disableEndsTheTokenOfARunningServer()
{
    const Run add = crnServer({ u"user"_qs, u"add"_qs, u"gina"_qs, u"--role"_qs, u"supervisor"_qs,
                                u"--db"_qs, m_database });
    QCOMPARE(add.exitCode, 0);
    const QByteArray token = add.out.trimmed();
    QString why;
    QVERIFY2(m_server->start(0, &why), qPrintable(why));
    QCOMPARE(statusWith(token), 200); // now in the server's two-second cache

    QElapsedTimer clock;
    clock.start();
    const Run disable
        = crnServer({ u"user"_qs, u"disable"_qs, u"gina"_qs, u"--db"_qs, m_database });
    QCOMPARE(disable.exitCode, 0);
    // Within the cache's two seconds (and some slack for a busy machine), never later.
    QTRY_COMPARE_WITH_TIMEOUT(statusWith(token), 401, 3000);
    QVERIFY(clock.elapsed() < 3000);

    const Run list = crnServer({ u"user"_qs, u"list"_qs, u"--db"_qs, m_database });
    static const QRegularExpression disabled(u"\ngina\tsupervisor\tgina\t[^\t]+\tyes\n"_qs);
    QVERIFY2(disabled.match(QString::fromUtf8(list.out)).hasMatch(), list.out.constData());

    const Run unknown
        = crnServer({ u"user"_qs, u"disable"_qs, u"nobody"_qs, u"--db"_qs, m_database });
    QCOMPARE(unknown.exitCode, 1);
}

// Four administrators add the same name at once (or a script runs twice): one command makes
// the user and prints its token, the others are refused as for an existing name, and the one
// token printed is the one that works.
void TestUserCommand::concurrentAddsMakeOneUser()
{
    QList<std::shared_ptr<QProcess>> adds;
    for (int i = 0; i < 4; ++i) {
        auto process = std::make_shared<QProcess>();
        process->start(QStringLiteral(CRN_SERVER_BINARY),
                       { u"user"_qs, u"add"_qs, u"hana"_qs, u"--role"_qs, u"supervisor"_qs,
                         u"--db"_qs, m_database });
        adds.append(process);
    }
    QByteArrayList tokens;
    for (const auto &process : std::as_const(adds)) {
        QVERIFY(process->waitForFinished(30000));
        const QByteArray err = process->readAllStandardError();
        if (process->exitCode() == 0) {
            tokens.append(process->readAllStandardOutput().trimmed());
            continue;
        }
        QCOMPARE(process->exitCode(), 1);
        QVERIFY2(err.contains("exists already"), err.constData());
        QVERIFY(process->readAllStandardOutput().isEmpty());
    }
    QCOMPARE(tokens.size(), 1);

    const Run list = crnServer({ u"user"_qs, u"list"_qs, u"--db"_qs, m_database });
    QCOMPARE(list.out.count("\nhana\t"), 1);
    QString why;
    QVERIFY2(m_server->start(0, &why), qPrintable(why));
    QCOMPARE(statusWith(tokens.constFirst()), 200);
}

void TestUserCommand::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::newRow("no action") << QStringList { u"user"_qs } << 2;
    QTest::newRow("unknown action") << QStringList { u"user"_qs, u"rename"_qs, u"x"_qs } << 2;
    QTest::newRow("unknown role") << QStringList { u"user"_qs, u"add"_qs, u"x"_qs, u"--role"_qs,
                                                   u"admin"_qs }
                                  << 2;
    QTest::newRow("add without name")
        << QStringList { u"user"_qs, u"add"_qs, u"--role"_qs, u"agent"_qs } << 2;
    QTest::newRow("no database") << QStringList { u"user"_qs, u"list"_qs } << 2;
    QTest::newRow("missing database file")
        << QStringList { u"user"_qs, u"list"_qs, u"--db"_qs, u"/nonexistent/calls.db"_qs } << 1;
    if (TestDatabase::isPostgreSQL()) {
        // The cluster runs, the database does not exist: refused, not created.
        QTest::newRow("missing PostgreSQL database")
            << QStringList { u"user"_qs, u"list"_qs, u"--db"_qs,
                             TestDatabase::missingDatabaseAddress() }
            << 1;
    }
}

void TestUserCommand::usageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    // Options that need the database get this test's, unless the row says otherwise.
    if (arguments.size() >= 3 && !arguments.contains(u"--db"_qs) && arguments.at(1) != u"list")
        arguments << u"--db"_qs << m_database;
    const Run run = crnServer(arguments);
    QCOMPARE(run.exitCode, exitCode);
    QVERIFY(run.out.isEmpty());
    QVERIFY(!run.err.isEmpty());
    // A database URL's password is never repeated in the sentence.
    for (const QString &argument : std::as_const(arguments)) {
        const QString password = QUrl(argument).password();
        if (!password.isEmpty())
            QVERIFY2(!run.err.contains(password.toUtf8()), run.err.constData());
    }
}

QTEST_GUILESS_MAIN(TestUserCommand)
#include "tst_usercommand.moc"
