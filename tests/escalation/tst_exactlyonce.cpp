// Issue 4, "exactly once, proven": escalations submitted through the console's Outbox reach a
// real crn-server exactly once while the console is SIGKILLed and restarted, the server is
// SIGKILLed and restarted on the same port and database, and a proxy drops a share of the
// server's answers after the server has committed them.
//
// CRN_HARNESS_N sets N (50 by default; tests/bench/exactlyonce_bench.sh runs 1000) and
// CRN_HARNESS_SEED the seed of every random choice (printed, so a failing run can be repeated).

#include "escalation/outbox.h"

#include "droppingproxy.h"
#include "testcalls.h"
#include "testserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include <cstdio>
#include <memory>

namespace {

constexpr QLatin1StringView kCrn("1694023642.7");

struct Answer
{
    int status = 0;
    QJsonObject json;
    QString error;
};

// One request straight to the server (never through the proxy), waited for on this thread.
Answer request(QNetworkAccessManager &network, const QUrl &url, const QByteArray &token,
               const QByteArray &method = "GET", const QByteArray &body = {},
               const QByteArray &key = {})
{
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + token);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_qs);
    if (!key.isEmpty())
        request.setRawHeader("Idempotency-Key", key);
    request.setTransferTimeout(10000);
    QNetworkReply *reply = network.sendCustomRequest(request, method, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    Answer answer;
    if (!reply->isFinished() && !finished.wait(15000)) {
        answer.error = u"no answer"_qs;
        reply->abort();
    }
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.json = QJsonDocument::fromJson(reply->readAll()).object();
    if (answer.status == 0)
        answer.error = reply->errorString();
    reply->deleteLater();
    return answer;
}

QUrl endpoint(const QUrl &server, const QString &path, const QUrlQuery &query = {})
{
    QUrl url = server;
    url.setPath(path);
    url.setQuery(query);
    return url;
}

} // namespace

class TstExactlyOnce : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void exactlyOnceThroughKillsAndDrops();
    void submittedWhileServerDownArriveOnce();

private:
    bool readCatalogue(QString *why);
    QStringList driverArguments(const QString &outboxPath, const QUrl &server, int count,
                                quint32 seed) const;
    // Every escalation the server holds, through the paged list.
    QList<QJsonObject> serverEscalations(QString *why);
    QByteArray escalationBody(const QString &summary) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TestServer> m_server;
    QNetworkAccessManager m_network;
    QByteArray m_token;
    QJsonObject m_common; // crn, category, priority, team and the category's required fields
};

void TstExactlyOnce::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_server = std::make_unique<TestServer>(m_dir->filePath(u"calls.sqlite"_qs));
    QString why;
    QVERIFY2(m_server->writeDatabase(TestCalls::servedCalls(), &why), qPrintable(why));
    // The first start makes a supervisor with the real `crn-server user add`.
    QVERIFY2(m_server->start(0, &why), qPrintable(why));
    m_token = m_server->token(Role::Supervisor);
    QVERIFY(!m_token.isEmpty());
    QVERIFY2(readCatalogue(&why), qPrintable(why));
}

void TstExactlyOnce::cleanupTestCase()
{
    m_server.reset();
}

bool TstExactlyOnce::readCatalogue(QString *why)
{
    const Answer options = request(
        m_network, endpoint(m_server->serverUrl(), u"/api/v1/escalation-options"_qs), m_token);
    if (options.status != 200) {
        *why = u"escalation-options answered "_qs + QString::number(options.status) + u' '
            + options.error;
        return false;
    }

    // A category that needs no evidence: the harness fills in the other fields it may need.
    m_common = QJsonObject { { u"crn"_qs, QString(kCrn) } };
    for (const QJsonValue &value : options.json.value(u"categories").toArray()) {
        const QJsonArray required = value.toObject().value(u"required_fields").toArray();
        if (required.contains(u"evidence"_qs))
            continue;
        m_common.insert(u"category"_qs, value.toObject().value(u"id"));
        for (const QJsonValue &field : required) {
            m_common.insert(field.toString(),
                            field.toString() == u"callback_number"
                                ? u"+44 20 7946 0000"_qs
                                : u"Written by the exactly-once harness."_qs);
        }
        break;
    }
    m_common.insert(u"priority"_qs,
                    options.json.value(u"priorities").toArray().first().toObject().value(u"id"));
    m_common.insert(u"team"_qs,
                    options.json.value(u"teams").toArray().first().toObject().value(u"id"));
    if (!m_common.contains(u"category"_qs)) {
        *why = u"the catalogue has no category without evidence"_qs;
        return false;
    }
    return true;
}

QByteArray TstExactlyOnce::escalationBody(const QString &summary) const
{
    QJsonObject body = m_common;
    body.insert(u"summary"_qs, summary);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QStringList TstExactlyOnce::driverArguments(const QString &outboxPath, const QUrl &server,
                                            int count, quint32 seed) const
{
    QStringList arguments { u"--outbox"_qs,    outboxPath,           u"--server"_qs,
                            server.toString(), u"--count"_qs,        QString::number(count),
                            u"--seed"_qs,      QString::number(seed) };
    for (auto it = m_common.constBegin(); it != m_common.constEnd(); ++it) {
        if (it.key() == u"crn" || it.key() == u"category" || it.key() == u"priority"
            || it.key() == u"team")
            arguments << u"--"_qs + it.key() << it.value().toString();
        else
            arguments << u"--field"_qs << it.key() + u'=' + it.value().toString();
    }
    return arguments;
}

QList<QJsonObject> TstExactlyOnce::serverEscalations(QString *why)
{
    QList<QJsonObject> escalations;
    QString cursor;
    do {
        QUrlQuery query;
        query.addQueryItem(u"limit"_qs, u"500"_qs);
        if (!cursor.isEmpty())
            query.addQueryItem(u"cursor"_qs, cursor);
        const Answer page = request(
            m_network, endpoint(m_server->serverUrl(), u"/api/v1/escalations"_qs, query), m_token);
        if (page.status != 200) {
            *why = u"GET /api/v1/escalations answered "_qs + QString::number(page.status) + u' '
                + page.error;
            return {};
        }
        for (const QJsonValue &value : page.json.value(u"escalations").toArray())
            escalations.append(value.toObject());
        cursor = page.json.value(u"next_cursor").toString();
    } while (!cursor.isEmpty());
    return escalations;
}

void TstExactlyOnce::exactlyOnceThroughKillsAndDrops()
{
    const int count = qEnvironmentVariableIsSet("CRN_HARNESS_N")
        ? qEnvironmentVariableIntValue("CRN_HARNESS_N")
        : 50;
    const quint32 seed = qEnvironmentVariableIsSet("CRN_HARNESS_SEED")
        ? quint32(qEnvironmentVariableIntValue("CRN_HARNESS_SEED"))
        : QRandomGenerator::global()->generate() % 1'000'000;
    std::printf("harness: N=%d seed=%u (repeat with CRN_HARNESS_SEED=%u)\n", count, seed, seed);
    std::fflush(stdout);
    QRandomGenerator random(seed);
    QString why;

    // Drop 30 % of the answers after the server committed them.
    DroppingProxy proxy(m_server->port(), 0.3, seed + 1);
    QVERIFY(proxy.listen());

    const QString outboxPath = m_dir->filePath(u"harness-outbox.sqlite"_qs);
    QProcess driver;
    driver.setProgram(QStringLiteral(CRN_OUTBOX_DRIVER));
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"CRN_OUTBOX_TOKEN"_qs, QString::fromLatin1(m_token));
    driver.setProcessEnvironment(environment);
    driver.setProcessChannelMode(QProcess::MergedChannels);
    QByteArray driverLog;
    int driverRuns = 0;
    const auto startDriver = [&] {
        driver.setArguments(driverArguments(outboxPath, proxy.url(), count, seed + 2 + driverRuns));
        driver.start();
        ++driverRuns;
        return driver.waitForStarted(10000);
    };
    QVERIFY(startDriver());

    // A kill of each kind for about every ten escalations, placed at random points of the
    // driver's progress (escalations sent) so that they fall while it works: a point of 0 falls
    // while it submits.
    struct Disruption
    {
        bool driver = true;
        int atSent = 0;
    };
    QList<Disruption> plan;
    for (int i = 0; i < std::max(3, count / 10); ++i)
        plan.append({ true, int(random.bounded(count * 8 / 10)) });
    for (int i = 0; i < std::max(2, count / 15); ++i)
        plan.append({ false, int(random.bounded(count * 8 / 10)) });
    std::stable_sort(plan.begin(), plan.end(),
                     [](const Disruption &a, const Disruption &b) { return a.atSent < b.atSent; });
    const qsizetype planned = plan.size();
    int driverKills = 0;
    int serverKills = 0;

    static const QRegularExpression progressLine(u"driver: sent (\\d+)/"_qs);
    int progress = 0;
    QElapsedTimer elapsed;
    elapsed.start();
    const qint64 deadlineMs = 30'000 + qint64(count) * 400;
    bool finished = false;
    while (!finished && elapsed.elapsed() < deadlineMs) {
        // The chaos's own clock: a random moment, serving the proxy meanwhile.
        QTest::qWait(5 + int(random.bounded(40)));
        const QByteArray output = driver.readAll();
        driverLog += output;
        for (auto it = progressLine.globalMatch(QString::fromUtf8(output)); it.hasNext();)
            progress = it.next().captured(1).toInt();
        if (driver.state() == QProcess::NotRunning) {
            QVERIFY2(driver.exitStatus() == QProcess::NormalExit && driver.exitCode() == 0,
                     driverLog.constData());
            finished = true;
            break;
        }
        if (plan.isEmpty() || plan.first().atSent > progress)
            continue;
        if (plan.takeFirst().driver) {
            ++driverKills;
            driver.kill();
            QVERIFY(driver.waitForFinished(10000));
            driverLog += driver.readAll() + "(SIGKILL at " + QByteArray::number(progress) + ")\n";
            QVERIFY(startDriver());
        } else {
            ++serverKills;
            const quint16 port = m_server->port();
            m_server->kill();
            // Down for a moment, so that requests meet a refused connection too.
            QTest::qWait(int(random.bounded(300)));
            QVERIFY2(m_server->start(port, &why), qPrintable(why));
            QCOMPARE(m_server->port(), port);
        }
    }
    driverLog += driver.readAll();
    if (!finished) {
        driver.kill();
        driver.waitForFinished(10000);
    }
    QVERIFY2(finished,
             (u"the driver did not finish. Its output:\n"_qs + QString::fromUtf8(driverLog))
                 .toUtf8()
                 .constData());
    std::printf("harness: %d driver runs, %d driver and %d server kills of %d planned, proxy "
                "forwarded %d, dropped %d, broken %d, %.1f s\n",
                driverRuns, driverKills, serverKills, int(planned), proxy.forwarded(),
                proxy.dropped(), proxy.broken(), double(elapsed.elapsed()) / 1000);

    // The outbox: N items, each Sent once.
    QHash<QString, QString> sentIds; // summary -> escalation id
    {
        Outbox outbox(outboxPath);
        QSignalSpy loaded(&outbox, &Outbox::itemsLoaded);
        QVERIFY(loaded.wait(10000));
        for (const OutboxItem &item : outbox.items()) {
            QCOMPARE(toString(item.state), u"sent"_qs);
            QVERIFY2(!sentIds.contains(item.summary), qPrintable(item.summary));
            sentIds.insert(item.summary, item.escalationId);
        }
    }
    const int submitted = int(sentIds.size());

    // The server: every body once and right.
    const QList<QJsonObject> escalations = serverEscalations(&why);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QHash<QString, QStringList> seen; // summary -> the ids the server holds it under
    int duplicates = 0;
    QStringList wrong;
    for (const QJsonObject &escalation : escalations) {
        const QString summary = escalation.value(u"summary").toString();
        if (!summary.startsWith(u"harness #"_qs))
            continue;
        if (seen.contains(summary))
            ++duplicates;
        seen[summary].append(escalation.value(u"id").toString());
        const QJsonObject expected = QJsonDocument::fromJson(escalationBody(summary)).object();
        for (auto it = expected.constBegin(); it != expected.constEnd(); ++it) {
            if (escalation.value(it.key()) != it.value())
                wrong.append(summary + u": "_qs + it.key());
        }
    }
    int delivered = 0;
    for (int i = 0; i < count; ++i)
        delivered += seen.contains(u"harness #"_qs + QString::number(i)) ? 1 : 0;
    const int lost = count - delivered;
    // The outbox's escalation id for each is the one the server holds.
    for (auto it = sentIds.cbegin(); it != sentIds.cend(); ++it) {
        if (!seen.value(it.key()).contains(it.value()))
            wrong.append(it.key() + u": the outbox's escalation id"_qs);
    }

    std::printf("submitted %d, delivered %d, duplicates %d, lost %d\n", submitted, delivered,
                duplicates, lost);
    std::fflush(stdout);
    QCOMPARE(submitted, count);
    QCOMPARE(delivered, count);
    QCOMPARE(duplicates, 0);
    QCOMPARE(lost, 0);
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(u"; "_qs)));
    // The run must really have been disturbed, by every kind of fault.
    QVERIFY(proxy.dropped() > 0);
    QVERIFY(driverKills > 0);
    QVERIFY(serverKills > 0);
}

void TstExactlyOnce::submittedWhileServerDownArriveOnce()
{
    const quint16 port = m_server->port();
    QUrl server = m_server->serverUrl();
    const QString outboxPath = m_dir->filePath(u"offline-outbox.sqlite"_qs);
    m_server->kill();

    QStringList keys;
    {
        Outbox outbox(outboxPath);
        outbox.setBackoff(50, 200);
        outbox.setServer(server, m_token);
        keys << outbox.submit(escalationBody(u"offline #1"_qs), QString(kCrn), u"offline #1"_qs);
        keys << outbox.submit(escalationBody(u"offline #2"_qs), QString(kCrn), u"offline #2"_qs);
        // Both tried and refused at least once, and queued again.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const QList<OutboxItem> items = outbox.items();
                return items.size() == 2
                    && std::all_of(items.cbegin(), items.cend(), [](const OutboxItem &item) {
                           return item.state == OutboxState::Queued && item.attempts >= 1;
                       });
            }(),
            10000);
    }

    QString why;
    QVERIFY2(m_server->start(port, &why), qPrintable(why));
    Outbox outbox(outboxPath);
    outbox.setServer(server, m_token);
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const QList<OutboxItem> items = outbox.items();
            return items.size() == 2
                && std::all_of(items.cbegin(), items.cend(), [](const OutboxItem &item) {
                       return item.state == OutboxState::Sent;
                   });
        }(),
        15000);

    const QList<QJsonObject> escalations = serverEscalations(&why);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    for (const QString &summary : { u"offline #1"_qs, u"offline #2"_qs }) {
        int found = 0;
        for (const QJsonObject &escalation : escalations)
            found += escalation.value(u"summary").toString() == summary ? 1 : 0;
        QCOMPARE(found, 1);
    }
    // The same keys again are answered with the same escalations, not new ones.
    for (const OutboxItem &item : outbox.items()) {
        QVERIFY(keys.contains(item.idempotencyKey));
        const Answer again = request(m_network, endpoint(server, u"/api/v1/escalations"_qs),
                                     m_token, "POST", item.body, item.idempotencyKey.toLatin1());
        QCOMPARE(again.status, 200);
        QCOMPARE(again.json.value(u"id").toString(), item.escalationId);
    }
}

QTEST_GUILESS_MAIN(TstExactlyOnce)
#include "tst_exactlyonce.moc"
