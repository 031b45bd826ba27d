// Every call that `crn-server import` makes of the shared samples, read through the validating
// proxy: each page of the search and each call by its CRN must match docs/api.yaml. The
// hand-built calls of server/http/tst_serve cannot show everything real records put into a call
// (event details, flags, odd names); these can. Last, the 503 answers of a server whose database
// lost its tables, which server/http/tst_callapi only sees in-process. Runs only through the
// proxy (ctest's contract/samplecalls sets CRN_TEST_VIA_PRISM=1 and the tools' paths).

#include "testserver.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace {

struct Answer
{
    int status = 0;
    QJsonObject json;
    QByteArray body;
};

} // namespace

class TestSampleCalls : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void everyPageMatchesTheDocument();
    void everyCallMatchesTheDocument();
    void unreadableDatabaseIs503(); // last: it takes the tables away

private:
    Answer get(const QByteArray &pathAndQuery);

    QTemporaryDir m_dir;
    QString m_databasePath;
    std::unique_ptr<TestServer> m_server;
    QNetworkAccessManager m_network;
    QStringList m_crns; // every call's CRN, newest first, as the search pages gave them
};

void TestSampleCalls::initTestCase()
{
    const QString samples = qEnvironmentVariable("CRN_SAMPLES_DIR");
    if (samples.isEmpty() || !QDir(samples).exists())
        QSKIP("CRN_SAMPLES_DIR does not name the shared samples folder");
    if (!ContractProxy::requested())
        QSKIP("runs only through the validating proxy (CRN_TEST_VIA_PRISM=1)");
    if (const QString why = ContractProxy::unavailableReason(); !why.isEmpty())
        QSKIP(qPrintable(why));
    QVERIFY(m_dir.isValid());

    m_databasePath = m_dir.filePath(u"samples.db"_qs);
    QProcess import;
    import.start(QStringLiteral(CRN_SERVER_BINARY),
                 { u"import"_qs, u"--db"_qs, m_databasePath, samples });
    QVERIFY(import.waitForFinished(240000));
    QVERIFY2(import.exitStatus() == QProcess::NormalExit && import.exitCode() == 0,
             import.readAllStandardError().constData());

    m_server = std::make_unique<TestServer>(m_databasePath);
    QString why;
    QVERIFY2(m_server->start(0, &why), qPrintable(why));
    QVERIFY(m_server->contractProxy());
}

// An answer that breaks the document fails the check of its status; one with an error status
// the document does not list is only in prism's log.
void TestSampleCalls::cleanup()
{
    if (!m_server || !m_server->contractProxy())
        return;
    QStringList violations;
    QString why;
    QVERIFY2(m_server->contractProxy()->takeLoggedViolations(&violations, &why), qPrintable(why));
    QVERIFY2(violations.isEmpty(), qPrintable(violations.join(u'\n')));
}

Answer TestSampleCalls::get(const QByteArray &pathAndQuery)
{
    const QUrl url = QUrl::fromEncoded(m_server->url().toEncoded() + pathAndQuery);
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", m_server->authorization());
    std::unique_ptr<QNetworkReply> reply(m_network.get(request));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    Answer answer;
    if (!reply->isFinished() && !finished.wait(10000))
        return answer;

    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->readAll();
    answer.json = QJsonDocument::fromJson(answer.body).object();
    const QString broken = ContractProxy::violation(reply->rawHeader("Content-Type"), answer.body);
    if (!broken.isEmpty())
        qWarning("GET %s breaks docs/api.yaml: %s", pathAndQuery.constData(), qPrintable(broken));
    return answer;
}

// Small pages, so that many pages and their cursors go through the proxy.
void TestSampleCalls::everyPageMatchesTheDocument()
{
    const Answer health = get("/api/v1/health");
    QCOMPARE(health.status, 200);
    const qint64 count = health.json.value(u"calls").toInteger();
    QVERIFY(count > 0);

    QByteArray cursor;
    do {
        QByteArray query = "/api/v1/calls?limit=7";
        if (!cursor.isEmpty())
            query += "&cursor=" + QUrl::toPercentEncoding(QString::fromUtf8(cursor));
        const Answer page = get(query);
        QCOMPARE(page.status, 200);
        for (const QJsonValue &call : page.json.value(u"calls").toArray())
            m_crns.append(call.toObject().value(u"crn").toString());
        cursor = page.json.value(u"next_cursor").toString().toUtf8();
        QVERIFY(m_crns.size() <= count);
    } while (!cursor.isEmpty());

    QCOMPARE(m_crns.size(), count);
    // SOURCES.md: the switchboard sample imports as one call with this CRN.
    QVERIFY(m_crns.contains(u"1694023642.7"_qs));
}

void TestSampleCalls::everyCallMatchesTheDocument()
{
    QVERIFY(!m_crns.isEmpty());
    for (const QString &crn : std::as_const(m_crns)) {
        const Answer call = get("/api/v1/calls/" + QUrl::toPercentEncoding(crn));
        QVERIFY2(call.status == 200, qPrintable(crn + u": "_qs + QString::fromUtf8(call.body)));
        QCOMPARE(call.json.value(u"crn").toString(), crn);
    }
}

void TestSampleCalls::unreadableDatabaseIs503()
{
    {
        QSqlDatabase database = QSqlDatabase::addDatabase(u"QSQLITE"_qs, u"damage"_qs);
        database.setDatabaseName(m_databasePath);
        QVERIFY2(database.open(), qPrintable(database.lastError().text()));
        QSqlQuery query(database);
        for (const QString &table : { u"call_keys"_qs, u"calls"_qs })
            QVERIFY2(query.exec(u"DROP TABLE "_qs + table), qPrintable(query.lastError().text()));
    }
    QSqlDatabase::removeDatabase(u"damage"_qs);

    for (const QByteArray &path :
         { QByteArray("/api/v1/health"), QByteArray("/api/v1/calls/1694023642.7"),
           QByteArray("/api/v1/calls?q=1694") }) {
        const Answer answer = get(path);
        QVERIFY2(answer.status == 503, QByteArray(path + ' ' + answer.body).constData());
        QCOMPARE(answer.json.value(u"error").toObject().value(u"code").toString(),
                 u"unavailable"_qs);
    }
}

QTEST_MAIN(TestSampleCalls)
#include "tst_samplecalls.moc"
