// Two crn-server processes on different loopback ports over one PostgreSQL database, which
// they share with no coordination of their own: both answer every call with the same body and
// ETag, a call imported while both run is served by both, and two imports running at once
// number their calls without a collision, so a page walk on either server sees each call once.
// Registered only as postgres/tst_sharedpostgres: the database is the test cluster's
// (TestDatabase).

#include "store/callstore.h"
#include "testcalls.h"
#include "testdatabase.h"
#include "testserver.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Answer
{
    int status = 0;
    QByteArray etag;
    QByteArray body;
};

// One CEL call in cel_csv form, as Asterisk writes it: a caller's channel that answers and hangs
// up. Its CRN (linkedid) and channel id (uniqueid) are both crn.
QByteArray celCall(const QByteArray &crn, qint64 startSeconds)
{
    const auto row = [&](const char *event, qint64 seconds, const char *extra) -> QByteArray {
        return QByteArray("\"") + event + "\",\"" + QByteArray::number(seconds)
            + ".000000\",\"Alice\",\"100\",\"\",\"\",\"\",\"200\",\"default\",\"SIP/alice-" + crn
            + "\",\"\",\"\",\"3\",\"\",\"" + crn + "\",\"" + crn + "\",\"\",\"\",\"\",\"" + extra
            + "\"\n";
    };
    return row("CHAN_START", startSeconds, "") + row("ANSWER", startSeconds + 1, "")
        + row("HANGUP", startSeconds + 10, "16,,ANSWER") + row("CHAN_END", startSeconds + 10, "")
        + row("LINKEDID_END", startSeconds + 10, "");
}

} // namespace

class TestSharedPostgres : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void bothServeTheSameCalls();
    void callImportedMeanwhileIsServedByBoth();
    void concurrentImportsNeverCollide();
    void twoImportsCreateAnEmptyDatabaseAtOnce();
    void cleanupTestCase();

private:
    Answer get(const TestServer &server, const QString &pathAndQuery);
    bool import(const QStringList &files, QProcess *process);
    QStringList walk(const TestServer &server);

    QTemporaryDir m_dir;
    QString m_database;
    std::unique_ptr<TestServer> m_first;
    std::unique_ptr<TestServer> m_second;
    QNetworkAccessManager m_network;
};

void TestSharedPostgres::initTestCase()
{
    if (!TestDatabase::isPostgreSQL())
        QSKIP("shares one PostgreSQL database between servers: run as postgres/tst_sharedpostgres");
    QVERIFY(m_dir.isValid());
    m_database = TestDatabase::address(m_dir.filePath(u"shared.db"_qs));

    m_first = std::make_unique<TestServer>(m_database);
    QString why;
    QVERIFY2(m_first->writeDatabase(TestCalls::all(), &why), qPrintable(why));
    m_second = std::make_unique<TestServer>(m_database);
    QVERIFY2(m_first->start(0, &why), qPrintable(why));
    QVERIFY2(m_second->start(0, &why), qPrintable(why));
    QVERIFY(m_first->port() != m_second->port());
}

void TestSharedPostgres::cleanupTestCase()
{
    m_first.reset();
    m_second.reset();
}

Answer TestSharedPostgres::get(const TestServer &server, const QString &pathAndQuery)
{
    // Percent-encoded as given: a CRN's '/' travels as %2F.
    const QUrl url(server.serverUrl().toString() + pathAndQuery, QUrl::StrictMode);
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", server.authorization());
    QNetworkReply *reply = m_network.get(request);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    Answer answer;
    if (reply->isFinished() || finished.wait(10000)) {
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer.etag = reply->rawHeader("ETag");
        answer.body = reply->readAll();
    }
    reply->deleteLater();
    return answer;
}

bool TestSharedPostgres::import(const QStringList &files, QProcess *process)
{
    process->start(QStringLiteral(CRN_SERVER_BINARY),
                   QStringList { u"import"_qs, u"--db"_qs, m_database } + files);
    return process->waitForStarted(10000);
}

// Every CRN of a walk through the pages of ten, newest first.
QStringList TestSharedPostgres::walk(const TestServer &server)
{
    QStringList crns;
    QString cursor;
    for (int page = 0; page < 100; ++page) {
        QString path = u"/api/v1/calls?limit=10"_qs;
        if (!cursor.isEmpty())
            path += u"&cursor="_qs + QString::fromLatin1(QUrl::toPercentEncoding(cursor));
        const Answer answer = get(server, path);
        if (answer.status != 200)
            return { u"status "_qs + QString::number(answer.status) };
        const QJsonObject object = QJsonDocument::fromJson(answer.body).object();
        for (const QJsonValue &call : object.value(u"calls").toArray())
            crns.append(call.toObject().value(u"crn").toString());
        cursor = object.value(u"next_cursor").toString();
        if (cursor.isEmpty())
            return crns;
    }
    return { u"endless"_qs };
}

void TestSharedPostgres::bothServeTheSameCalls()
{
    for (const Call &call : TestCalls::all()) {
        const QString path
            = u"/api/v1/calls/"_qs + QString::fromLatin1(QUrl::toPercentEncoding(call.crn()));
        const Answer first = get(*m_first, path);
        const Answer second = get(*m_second, path);
        QCOMPARE(first.status, 200);
        QCOMPARE(second.status, 200);
        QVERIFY(!first.etag.isEmpty());
        QCOMPARE(second.etag, first.etag);
        QCOMPARE(second.body, first.body);
        QCOMPARE(QJsonDocument::fromJson(first.body).object().value(u"crn").toString(), call.crn());
    }
    const Answer first = get(*m_first, u"/api/v1/calls?limit=500"_qs);
    const Answer second = get(*m_second, u"/api/v1/calls?limit=500"_qs);
    QCOMPARE(first.status, 200);
    QCOMPARE(second.body, first.body);
    QCOMPARE(QJsonDocument::fromJson(first.body).object().value(u"calls").toArray().size(),
             TestCalls::all().size());
}

void TestSharedPostgres::callImportedMeanwhileIsServedByBoth()
{
    const QString path = u"/api/v1/calls/1800000000.1"_qs;
    QCOMPARE(get(*m_first, path).status, 404);
    QCOMPARE(get(*m_second, path).status, 404);

    QFile file(m_dir.filePath(u"meanwhile.csv"_qs));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(celCall("1800000000.1", 1800000000));
    file.close();
    QProcess process;
    QVERIFY(import({ file.fileName() }, &process));
    QVERIFY(process.waitForFinished(60000));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());

    const Answer first = get(*m_first, path);
    const Answer second = get(*m_second, path);
    QCOMPARE(first.status, 200);
    QCOMPARE(second.status, 200);
    QCOMPARE(second.etag, first.etag);
    QCOMPARE(second.body, first.body);
    const QJsonObject call = QJsonDocument::fromJson(first.body).object();
    QCOMPARE(call.value(u"crn").toString(), u"1800000000.1"_qs);
}

// Two imports of 60 calls each at once: each call is numbered once (the identity sequence
// and the writers' lock), so that a walk through the pages of either server, which pages by
// that number's snapshot, shows 5 + 1 + 120 calls, each once.
void TestSharedPostgres::concurrentImportsNeverCollide()
{
    QStringList files;
    for (int file = 0; file < 2; ++file) {
        QFile out(m_dir.filePath(QStringLiteral("batch-%1.csv").arg(file)));
        QVERIFY(out.open(QIODevice::WriteOnly));
        for (int i = 0; i < 60; ++i) {
            const qint64 start = 1810000000 + file * 100000 + i * 60;
            out.write(celCall(QByteArray::number(start) + ".1", start));
        }
        files.append(out.fileName());
    }
    QProcess one;
    QProcess two;
    QVERIFY(import({ files.at(0) }, &one));
    QVERIFY(import({ files.at(1) }, &two));
    QVERIFY(one.waitForFinished(60000));
    QVERIFY(two.waitForFinished(60000));
    QVERIFY2(one.exitCode() == 0, one.readAllStandardError().constData());
    QVERIFY2(two.exitCode() == 0, two.readAllStandardError().constData());
    QVERIFY2(one.readAllStandardOutput().contains("60 calls"), "first import");
    QVERIFY2(two.readAllStandardOutput().contains("60 calls"), "second import");

    const QStringList first = walk(*m_first);
    const QStringList second = walk(*m_second);
    QCOMPARE(first.size(), TestCalls::all().size() + 1 + 120);
    QCOMPARE(QSet<QString>(first.cbegin(), first.cend()).size(), first.size());
    QCOMPARE(second, first);

    // Straight from the table: no number was handed out twice.
    QString error;
    const auto store = CallStore::open(m_database, &error);
    QVERIFY2(store, qPrintable(error));
    QSqlQuery query(store->database());
    QVERIFY(query.exec(u"SELECT count(*), count(DISTINCT seq) FROM calls"_qs));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toInt(), first.size());
    QCOMPARE(query.value(1).toInt(), first.size());
}

// Both create every component's tables (schema_versions first) in the same moment: the
// migrations take turns, so both succeed and the calls of both are there.
void TestSharedPostgres::twoImportsCreateAnEmptyDatabaseAtOnce()
{
    const QString database = TestDatabase::address(m_dir.filePath(u"empty.db"_qs));
    QList<std::shared_ptr<QProcess>> imports;
    for (int i = 0; i < 4; ++i) {
        QFile file(m_dir.filePath(QStringLiteral("empty-%1.csv").arg(i)));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(celCall(QByteArray::number(1820000000 + i) + ".1", 1820000000 + i));
        file.close();
        auto process = std::make_shared<QProcess>();
        process->start(QStringLiteral(CRN_SERVER_BINARY),
                       { u"import"_qs, u"--db"_qs, database, file.fileName() });
        imports.append(process);
    }
    for (const auto &process : std::as_const(imports)) {
        QVERIFY(process->waitForFinished(60000));
        QVERIFY2(process->exitCode() == 0, process->readAllStandardError().constData());
    }
    QString error;
    const auto store = CallStore::open(database, &error);
    QVERIFY2(store, qPrintable(error));
    QCOMPARE(store->callCount(), 4);
}

QTEST_MAIN(TestSharedPostgres)
#include "tst_sharedpostgres.moc"
