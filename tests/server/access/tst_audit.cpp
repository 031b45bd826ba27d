// The audit log of a real crn-server: which requests write which rows (call_viewed,
// recording_downloaded with the byte ranges, recording_played), GET /api/v1/audit with its
// filters and pages, and `crn-server audit export` as CSV. Also run against PostgreSQL
// (postgres/tst_audit).

#include "testcalls.h"
#include "testdatabase.h"
#include "testserver.h"

#include "audit/auditlog.h"
#include "store/callstore.h"
#include "store/databaseaddress.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUrlQuery>

#include <memory>

namespace {

const QString kCallA = u"1700000000.1"_qs; // agent Operator
const QString kCallB = u"1700000001.1"_qs; // agent Bob
const QString kRecordingA = u"r-audit-a"_qs;
const QString kRecordingB = u"r-audit-b"_qs;
constexpr qint64 kSize = 5000;

struct Answer
{
    int status = 0;
    QByteArray body;
    QByteArray etag;
    QJsonObject json;
};

} // namespace

class TestAudit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void viewDownloadAndPlayWriteRows();
    void badPlaysWriteNothing_data();
    void badPlaysWriteNothing();
    void agentPlaysAndDownloadsOnlyTheirOwn();
    void pagesAndFilters();
    void badAuditParameters_data();
    void badAuditParameters();
    void onlyAuditorsReadTheLog();
    void exportWritesCsv();
    void idsBecomeVisibleInOrder();

private:
    Answer send(const QByteArray &method, const QString &pathAndQuery, const QByteArray &token,
                const QList<std::pair<QByteArray, QByteArray>> &headers = {},
                const QByteArray &body = {});
    // Every row the auditor sees for this query, following the cursor page by page.
    QJsonArray entries(const QString &query);

    QTemporaryDir m_dir;
    std::unique_ptr<TestServer> m_server;
    QByteArray m_bob;
    QNetworkAccessManager m_network;
};

void TestAudit::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString database = TestDatabase::address(m_dir.filePath(u"calls.db"_qs));
    const QString root = m_dir.filePath(u"recordings"_qs);
    QVERIFY(QDir().mkpath(root));
    for (const QString &name : { u"a.wav"_qs, u"b.wav"_qs }) {
        QFile file(QDir(root).filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(QByteArray(kSize, 'x')), kSize);
    }

    QString why;
    {
        const std::unique_ptr<CallStore> store = CallStore::open(database, &why);
        QVERIFY2(store, qPrintable(why));
        QVERIFY(store->saveCalls(
            { TestCalls::make(kCallA, u"2023-11-14T22:13:20Z"_qs, { kCallA, u"1700000000.2"_qs }),
              TestCalls::make(kCallB, u"2023-11-14T22:13:21Z"_qs, { kCallB, u"1700000001.2"_qs },
                              u"Bob"_qs) }));
        QVERIFY(store->saveRecordings(
            { { kRecordingA, kCallA, u"a.wav"_qs, kSize, 0, u"audio/wav"_qs },
              { kRecordingB, kCallB, u"b.wav"_qs, kSize, 0, u"audio/wav"_qs } }));
        QVERIFY(store->setSetting(u"recordings_root"_qs, root));
    }
    m_server = std::make_unique<TestServer>(database);
    QVERIFY2(m_server->start(0, &why), qPrintable(why));
    QVERIFY2(m_server->addUser(u"bob"_qs, Role::Agent, u"Bob"_qs, &m_bob, &why), qPrintable(why));
}

void TestAudit::cleanupTestCase()
{
    m_server.reset();
}

Answer TestAudit::send(const QByteArray &method, const QString &pathAndQuery,
                       const QByteArray &token,
                       const QList<std::pair<QByteArray, QByteArray>> &headers,
                       const QByteArray &body)
{
    QUrl url = m_server->url();
    const qsizetype question = pathAndQuery.indexOf(u'?');
    url.setPath(pathAndQuery.left(question));
    if (question >= 0)
        url.setQuery(pathAndQuery.mid(question + 1));
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + token);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    if (!body.isEmpty())
        request.setRawHeader("Content-Type", "application/json");
    std::unique_ptr<QNetworkReply> reply(method == "HEAD"
                                             ? m_network.head(request)
                                             : m_network.sendCustomRequest(request, method, body));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(10000);
    Answer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->readAll();
    answer.etag = reply->rawHeader("ETag");
    answer.json = QJsonDocument::fromJson(answer.body).object();
    return answer;
}

QJsonArray TestAudit::entries(const QString &query)
{
    QJsonArray all;
    QString cursor;
    for (int page = 0; page < 1000; ++page) {
        QUrlQuery parameters(query);
        if (!cursor.isEmpty())
            parameters.addQueryItem(u"cursor"_qs, cursor);
        const Answer answer
            = send("GET", u"/api/v1/audit?"_qs + parameters.toString(QUrl::FullyEncoded),
                   m_server->token(Role::Auditor));
        if (answer.status != 200) {
            qWarning("GET /api/v1/audit?%s: %d %s", qPrintable(parameters.toString()),
                     answer.status, answer.body.constData());
            return {};
        }
        for (const QJsonValue &entry : answer.json.value(u"entries").toArray())
            all.append(entry);
        if (answer.json.value(u"next_cursor").isNull())
            break;
        cursor = answer.json.value(u"next_cursor").toString();
    }
    return all;
}

void TestAudit::viewDownloadAndPlayWriteRows()
{
    const QByteArray supervisor = m_server->token(Role::Supervisor);
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    const qsizetype already = entries({}).size();

    const Answer view = send("GET", u"/api/v1/calls/"_qs + kCallA, supervisor);
    QCOMPARE(view.status, 200);
    // By a leg id, revalidated: 304, still a view of call A.
    QCOMPARE(send("GET", u"/api/v1/calls/1700000000.2"_qs, supervisor,
                  { { "If-None-Match", view.etag } })
                 .status,
             304);
    // A HEAD shows nothing; an unknown call is no view.
    QCOMPARE(send("HEAD", u"/api/v1/calls/"_qs + kCallA, supervisor).status, 200);
    QCOMPARE(send("GET", u"/api/v1/calls/1700000099.1"_qs, supervisor).status, 404);

    const Answer range = send("GET", u"/api/v1/recordings/"_qs + kRecordingA, supervisor,
                              { { "Range", "bytes=0-1048575" } });
    QCOMPARE(range.status, 206); // the file has 5000 bytes: 0-4999 served
    QCOMPARE(range.body.size(), kSize);
    const Answer ranges = send("GET", u"/api/v1/recordings/"_qs + kRecordingA, supervisor,
                               { { "Range", "bytes=10-19,100-199" } });
    QCOMPARE(ranges.status, 206);
    QCOMPARE(send("GET", u"/api/v1/recordings/"_qs + kRecordingA, supervisor).status, 200);
    QCOMPARE(send("HEAD", u"/api/v1/recordings/"_qs + kRecordingA, supervisor).status, 200);

    const Answer played = send("POST", u"/api/v1/recordings/"_qs + kRecordingA + u"/plays"_qs,
                               supervisor, {}, R"({"start": 12, "end": 32})");
    QCOMPARE(played.status, 204);
    QVERIFY(played.body.isEmpty());
    const qint64 after = QDateTime::currentMSecsSinceEpoch();

    const QJsonArray rows = entries({});
    QCOMPARE(rows.size() - already, 6);
    // What each row must say, in the order of the requests (hand-written from them).
    const QList<QStringList> expected = {
        { u"call_viewed"_qs, kCallA, {}, {} },
        { u"call_viewed"_qs, kCallA, {}, {} },
        { u"recording_downloaded"_qs, kCallA, kRecordingA, u"bytes=0-4999"_qs },
        { u"recording_downloaded"_qs, kCallA, kRecordingA, u"bytes=10-19,100-199"_qs },
        { u"recording_downloaded"_qs, kCallA, kRecordingA, u"bytes=all"_qs },
        { u"recording_played"_qs, kCallA, kRecordingA, u"12.0-32.0 s"_qs },
    };
    qint64 previousId = 0;
    for (qsizetype i = 0; i < expected.size(); ++i) {
        const QJsonObject row = rows.at(already + i).toObject();
        const QStringList &want = expected.at(i);
        QCOMPARE(row.value(u"user").toString(), u"supervisor"_qs);
        QCOMPARE(row.value(u"role").toString(), u"supervisor"_qs);
        QCOMPARE(row.value(u"action").toString(), want.at(0));
        QCOMPARE(row.value(u"crn").toString(), want.at(1));
        QCOMPARE(row.value(u"recording_id").toString(), want.at(2));
        QCOMPARE(row.value(u"detail").toString(), want.at(3));
        QVERIFY(!row.contains(u"escalation_id"));
        const qint64 id = row.value(u"id").toInteger();
        QVERIFY(id > previousId);
        previousId = id;
        const std::optional<Timestamp> at = Timestamp::parseIso(row.value(u"at").toString());
        QVERIFY(at);
        QVERIFY(at->microseconds() >= before * 1000 && at->microseconds() <= after * 1000);
    }
}

void TestAudit::badPlaysWriteNothing_data()
{
    QTest::addColumn<QString>("recording");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::newRow("negative start")
        << kRecordingA << QByteArray(R"({"start": -1, "end": 2})") << 400;
    QTest::newRow("end before start")
        << kRecordingA << QByteArray(R"({"start": 5, "end": 4})") << 400;
    QTest::newRow("empty span") << kRecordingA << QByteArray(R"({"start": 5, "end": 5})") << 400;
    QTest::newRow("text numbers") << kRecordingA << QByteArray(R"({"start": "1", "end": "2"})")
                                  << 400;
    QTest::newRow("not json") << kRecordingA << QByteArray("start=1&end=2") << 400;
    QTest::newRow("unknown recording")
        << u"r-none"_qs << QByteArray(R"({"start": 1, "end": 2})") << 404;
}

void TestAudit::badPlaysWriteNothing()
{
    QFETCH(QString, recording);
    QFETCH(QByteArray, body);
    QFETCH(int, status);

    const qsizetype before = entries({}).size();
    const Answer answer = send("POST", u"/api/v1/recordings/"_qs + recording + u"/plays"_qs,
                               m_server->token(Role::Supervisor), {}, body);
    QCOMPARE(answer.status, status);
    QCOMPARE(answer.json.value(u"error").toObject().value(u"code").toString(),
             status == 400 ? u"bad_request"_qs : u"not_found"_qs);
    QCOMPARE(entries({}).size(), before);
}

void TestAudit::agentPlaysAndDownloadsOnlyTheirOwn()
{
    const qsizetype before = entries({}).size();
    QCOMPARE(send("GET", u"/api/v1/recordings/"_qs + kRecordingA, m_bob).status, 403);
    QCOMPARE(send("POST", u"/api/v1/recordings/"_qs + kRecordingA + u"/plays"_qs, m_bob, {},
                  R"({"start": 0, "end": 1})")
                 .status,
             403);
    QCOMPARE(send("GET", u"/api/v1/calls/"_qs + kCallA, m_bob).status, 403);
    // Refusals are not in the log.
    QCOMPARE(entries({}).size(), before);

    const Answer own = send("GET", u"/api/v1/recordings/"_qs + kRecordingB, m_bob,
                            { { "Range", "bytes=-100" } });
    QCOMPARE(own.status, 206);
    QCOMPARE(own.body, QByteArray(100, 'x'));
    QCOMPARE(send("POST", u"/api/v1/recordings/"_qs + kRecordingB + u"/plays"_qs, m_bob, {},
                  R"({"start": 0.3, "end": 1.54})")
                 .status,
             204);

    const QJsonArray bobs = entries(u"user=bob"_qs);
    QCOMPARE(bobs.size(), 2);
    QCOMPARE(bobs.at(0).toObject().value(u"detail").toString(), u"bytes=4900-4999"_qs);
    QCOMPARE(bobs.at(0).toObject().value(u"role").toString(), u"agent"_qs);
    QCOMPARE(bobs.at(1).toObject().value(u"detail").toString(), u"0.3-1.5 s"_qs);
    QCOMPARE(bobs.at(1).toObject().value(u"crn").toString(), kCallB);
}

void TestAudit::pagesAndFilters()
{
    // Rows of two users, so that the filters have something to tell apart.
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(send("GET", u"/api/v1/calls/"_qs + kCallB, m_server->token(Role::Auditor)).status,
                 200);
    }
    const QJsonArray all = entries({});
    QVERIFY(all.size() >= 5);

    // Pages of two, oldest first, each row once, until next_cursor is null.
    const QJsonArray paged = entries(u"limit=2"_qs);
    QCOMPARE(paged, all);
    const Answer first = send("GET", u"/api/v1/audit?limit=2"_qs, m_server->token(Role::Auditor));
    QCOMPARE(first.json.value(u"entries").toArray().size(), 2);
    QCOMPARE(first.json.value(u"next_cursor").toString(),
             QString::number(all.at(1).toObject().value(u"id").toInteger()));

    const QJsonArray auditors = entries(u"user=auditor"_qs);
    QVERIFY(auditors.size() >= 3);
    for (const QJsonValue &row : auditors) {
        QCOMPARE(row.toObject().value(u"user").toString(), u"auditor"_qs);
        QCOMPARE(row.toObject().value(u"action").toString(), u"call_viewed"_qs);
    }
    const QJsonArray played = entries(u"action=recording_played"_qs);
    QVERIFY(!played.isEmpty());
    for (const QJsonValue &row : played)
        QCOMPARE(row.toObject().value(u"action").toString(), u"recording_played"_qs);
    QCOMPARE(entries(u"user=auditor&action=recording_played"_qs).size(), 0);

    // from is inclusive and to exclusive: the window from the first row's time to a time past
    // the last holds them all, a window ending at the first row's time none.
    const QString firstAt = all.first().toObject().value(u"at").toString();
    QCOMPARE(entries(u"from="_qs + firstAt).size(), all.size());
    QCOMPARE(entries(u"to="_qs + firstAt).size(), 0);
    QCOMPARE(entries(u"from=2000-01-01T00:00:00Z&to=2001-01-01T00:00:00Z"_qs).size(), 0);
}

void TestAudit::badAuditParameters_data()
{
    QTest::addColumn<QString>("query");
    QTest::newRow("limit 0") << u"limit=0"_qs;
    QTest::newRow("limit 1001") << u"limit=1001"_qs;
    QTest::newRow("limit text") << u"limit=ten"_qs;
    QTest::newRow("cursor text") << u"cursor=abc"_qs;
    QTest::newRow("unknown action") << u"action=call_deleted"_qs;
    QTest::newRow("bad time") << u"from=yesterday"_qs;
    QTest::newRow("to before from") << u"from=2024-01-02T00:00:00Z&to=2024-01-01T00:00:00Z"_qs;
    QTest::newRow("user twice") << u"user=a&user=b"_qs;
}

void TestAudit::badAuditParameters()
{
    QFETCH(QString, query);
    const Answer answer = send("GET", u"/api/v1/audit?"_qs + query, m_server->token(Role::Auditor));
    QCOMPARE(answer.status, 400);
    QCOMPARE(answer.json.value(u"error").toObject().value(u"code").toString(), u"bad_request"_qs);
}

void TestAudit::onlyAuditorsReadTheLog()
{
    for (const QByteArray &token : { m_server->token(Role::Supervisor), m_bob }) {
        const Answer answer = send("GET", u"/api/v1/audit"_qs, token);
        QCOMPARE(answer.status, 403);
        QCOMPARE(answer.json.keys(), QStringList { u"error"_qs });
    }
    QCOMPARE(send("GET", u"/api/v1/audit"_qs, m_server->token(Role::Auditor)).status, 200);
}

// Rows written straight into a database of their own, with known ids and times, so that the
// expected CSV can be written by hand.
void TestAudit::exportWritesCsv()
{
    const QString database = TestDatabase::address(m_dir.filePath(u"export.db"_qs));
    QString why;
    {
        const std::unique_ptr<CallStore> store = CallStore::open(database, &why);
        QVERIFY2(store, qPrintable(why));
        AuditLog log(store->database());
        QVERIFY2(log.migrate(&why), qPrintable(why));
        QSqlQuery insert(store->database());
        QVERIFY(insert.prepare(u"INSERT INTO audit_log (at_us, user_name, role, action, crn,"
                               " recording_id, escalation_id, detail)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"_qs));
        const QList<QVariantList> rows = {
            // 2024-03-01T08:59:59.999999Z: before the window
            { Q_INT64_C(1709283599999999), u"early"_qs, u"supervisor"_qs, u"call_viewed"_qs,
              u"1.1"_qs, u""_qs, u""_qs, u""_qs },
            // 2024-03-01T09:00:00Z
            { Q_INT64_C(1709283600000000), u"Smith, Jane"_qs, u"supervisor"_qs, u"call_viewed"_qs,
              u"1694023642.7"_qs, u""_qs, u""_qs, u""_qs },
            // 2024-03-01T09:00:01.500Z
            { Q_INT64_C(1709283601500000), u"amy"_qs, u"auditor"_qs, u"recording_downloaded"_qs,
              u"1694023642.7"_qs, u"r-1"_qs, u""_qs, u"bytes=0-99,200-299"_qs },
            // 2024-03-01T09:30:00.000001Z
            { Q_INT64_C(1709285400000001), u"bob"_qs, u"supervisor"_qs,
              u"escalation_status_changed"_qs, u"1694023642.7"_qs, u""_qs, u"e-7"_qs,
              u"said \"done\"\nnext line"_qs },
            // 2024-03-01T10:00:00Z: the window's end, excluded
            { Q_INT64_C(1709287200000000), u"late"_qs, u"agent"_qs, u"recording_played"_qs,
              u"1.1"_qs, u"r-2"_qs, u""_qs, u"1.0-2.0 s"_qs },
        };
        for (const QVariantList &row : rows) {
            for (const QVariant &value : row)
                insert.addBindValue(value);
            QVERIFY2(insert.exec(), qPrintable(insert.lastError().text()));
        }
    }

    // RFC 4180: CRLF ends, a field with a comma, quote or line break quoted, quotes doubled.
    // Times as the API writes them: no fraction for a whole second, milliseconds when the
    // microseconds are whole milliseconds, else microseconds.
    const QByteArray expected
        = "id,at,user,role,action,crn,recording_id,escalation_id,detail\r\n"
          "2,2024-03-01T09:00:00Z,\"Smith, Jane\",supervisor,call_viewed,1694023642.7,,,\r\n"
          "3,2024-03-01T09:00:01.500Z,amy,auditor,recording_downloaded,1694023642.7,r-1,,"
          "\"bytes=0-99,200-299\"\r\n"
          "4,2024-03-01T09:30:00.000001Z,bob,supervisor,escalation_status_changed,"
          "1694023642.7,,e-7,\"said \"\"done\"\"\nnext line\"\r\n";

    const QStringList arguments = { u"audit"_qs,  u"export"_qs,
                                    u"--db"_qs,   database,
                                    u"--from"_qs, u"2024-03-01T09:00:00Z"_qs,
                                    u"--to"_qs,   u"2024-03-01T10:00:00Z"_qs };
    QProcess toStdout;
    toStdout.start(QStringLiteral(CRN_SERVER_BINARY), arguments);
    QVERIFY(toStdout.waitForFinished(30000));
    QCOMPARE(toStdout.exitCode(), 0);
    QCOMPARE(toStdout.readAllStandardOutput(), expected);

    const QString out = m_dir.filePath(u"audit.csv"_qs);
    QProcess toFile;
    toFile.start(QStringLiteral(CRN_SERVER_BINARY), arguments + QStringList { u"--out"_qs, out });
    QVERIFY(toFile.waitForFinished(30000));
    QCOMPARE(toFile.exitCode(), 0);
    QVERIFY(toFile.readAllStandardOutput().isEmpty());
    QFile file(out);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), expected);

    QProcess bad;
    bad.start(QStringLiteral(CRN_SERVER_BINARY),
              { u"audit"_qs, u"export"_qs, u"--db"_qs, database, u"--from"_qs, u"soon"_qs });
    QVERIFY(bad.waitForFinished(30000));
    QCOMPARE(bad.exitCode(), 2);
}

// Another writer has inserted a row (and so drawn its id) but not committed yet, as another
// server sharing the PostgreSQL database does in the middle of its flush. A flush now must wait
// for it: committing its larger id first would let a reader see it, move its cursor past the
// smaller one and never read that row. SQLite has one writer at a time by design.
void TestAudit::idsBecomeVisibleInOrder()
{
    if (!TestDatabase::isPostgreSQL())
        QSKIP("SQLite lets one connection write at a time; the order of two writers' commits is "
              "a PostgreSQL question");
    const QString database = TestDatabase::address(m_dir.filePath(u"order.db"_qs));
    QString why;
    const std::optional<DatabaseAddress> address = DatabaseAddress::parse(database, &why);
    QVERIFY2(address, qPrintable(why));
    {
        const std::unique_ptr<CallStore> store = CallStore::open(database, &why);
        QVERIFY2(store, qPrintable(why));
        AuditLog log(store->database());
        QVERIFY2(log.migrate(&why), qPrintable(why));
    }

    QVERIFY2(address->open(u"audit-other-writer"_qs, &why), qPrintable(why));
    qint64 otherId = 0;
    {
        QSqlDatabase other = QSqlDatabase::database(u"audit-other-writer"_qs);
        QVERIFY(other.transaction());
        QSqlQuery insert(other);
        QVERIFY2(insert.exec(u"INSERT INTO audit_log (at_us, user_name, role, action)"
                             " VALUES (1, 'other', 'auditor', 'call_viewed') RETURNING id"_qs),
                 qPrintable(insert.lastError().text()));
        QVERIFY(insert.next());
        otherId = insert.value(0).toLongLong();
    }

    // The flush on a thread of its own, with its own connection, as in another server.
    bool flushed = false;
    QString flushError;
    std::unique_ptr<QThread> flusher(QThread::create([&] {
        {
            if (!address->open(u"audit-flusher"_qs, &flushError))
                return;
            AuditLog log(QSqlDatabase::database(u"audit-flusher"_qs));
            log.record({ u"mine"_qs, Role::Supervisor, {} }, AuditAction::CallViewed,
                       { kCallA, {}, {}, {} });
            flushed = log.flush(&flushError);
        }
        QSqlDatabase::removeDatabase(u"audit-flusher"_qs);
    }));
    flusher->start();

    // It waits on a lock of audit_log while the other writer's row is uncommitted.
    const auto flushWaits = [&] {
        QSqlQuery waiting(QSqlDatabase::database(u"audit-other-writer"_qs));
        return waiting.exec(u"SELECT count(*) FROM pg_locks l JOIN pg_class c"
                            " ON c.oid = l.relation WHERE c.relname = 'audit_log'"
                            " AND NOT l.granted"_qs)
            && waiting.next() && waiting.value(0).toInt() > 0;
    };
    const bool waited = QTest::qWaitFor(flushWaits, 10000);
    QVERIFY(QSqlDatabase::database(u"audit-other-writer"_qs).commit());
    QVERIFY(flusher->wait(30000));
    QSqlDatabase::removeDatabase(u"audit-other-writer"_qs);
    QVERIFY2(waited, "the flush did not wait for the uncommitted row before it");
    QVERIFY2(flushed, qPrintable(flushError));

    const std::unique_ptr<CallStore> store = CallStore::open(database, &why);
    QVERIFY2(store, qPrintable(why));
    AuditLog reader(store->database());
    const std::optional<QList<AuditEntry>> rows = reader.entries({}, &why);
    QVERIFY2(rows, qPrintable(why));
    QCOMPARE(rows->size(), 2);
    QCOMPARE(rows->at(0).id, otherId);
    QCOMPARE(rows->at(0).user, u"other"_qs);
    QCOMPARE(rows->at(1).user, u"mine"_qs);
    QVERIFY(rows->at(1).id > otherId);
}

QTEST_GUILESS_MAIN(TestAudit)
#include "tst_audit.moc"
