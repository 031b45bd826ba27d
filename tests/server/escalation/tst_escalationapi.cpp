#include "access/caller.h"
#include "escalation/escalationapi.h"
#include "escalation/escalationstore.h"
#include "store/callstore.h"
#include "testcalls.h"
#include "testdatabase.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

// The escalation handlers over a real call database (SQLite; a PostgreSQL database on the
// postgres/ run): every validation rule with the field it names, idempotent creation, status
// changes with their history, the list's filters and pages, and what an agent may see. The
// routes and their roles are tested against a real crn-server in tst_escalationserver.
class TestEscalationApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void options();
    void createRepeatConflict();
    void canonicalBody();
    void idempotencyKeyHeader_data();
    void idempotencyKeyHeader();
    void validation_data();
    void validation();
    void validEvidenceIsStored();
    void transitions_data();
    void transitions();
    void historyAndComments();
    void updateErrors();
    void listFiltersAndPages();
    void agentSeesOwnCallsOnly();

private:
    QJsonObject body(const CallApi::Response &response) const;
    QJsonObject create(const QJsonObject &request, const QByteArray &key, int expectedStatus = 201);
    QJsonObject validRequest() const;
    int rowCount(const QString &table);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<CallStore> m_calls;
    std::unique_ptr<EscalationStore> m_store;
    std::unique_ptr<EscalationApi> m_api;
    const Caller m_supervisor { u"sam"_qs, Role::Supervisor, {} };
};

namespace {

const QString kRecordingId = u"r-evidence-1"_qs;
const QString kCrn = u"1694023642.7"_qs;

QList<Call> callsWithRecording()
{
    QList<Call> calls = TestCalls::servedCalls();
    // The first call's agent leg was recorded for 20 s from its answer.
    Recording recording;
    recording.id = kRecordingId;
    recording.legId = u"1694023642.8"_qs;
    recording.start = calls[0].summary.start.addMicroseconds(5000000);
    recording.durationUs = 20000000;
    recording.channels = 1;
    recording.sampleRate = 8000;
    recording.codec = u"pcm"_qs;
    recording.sizeBytes = 320044;
    recording.name = u"agent.wav"_qs;
    recording.contentType = u"audio/wav"_qs;
    calls[0].recordings = { recording };
    calls[0].summary.recordingCount = 1;
    // Another agent took the second call.
    calls[1] = TestCalls::make(TestCalls::kUuidCrn, u"2023-10-01T09:00:00Z"_qs,
                               { u"PJSIP/trunk-00000010"_qs, u"PJSIP/agent-00000011"_qs },
                               u"Agent Z"_qs);
    return calls;
}

} // namespace

QJsonObject TestEscalationApi::body(const CallApi::Response &response) const
{
    return QJsonDocument::fromJson(response.body).object();
}

QJsonObject TestEscalationApi::validRequest() const
{
    return { { u"crn"_qs, kCrn },
             { u"category"_qs, u"complaint"_qs },
             { u"priority"_qs, u"p2"_qs },
             { u"team"_qs, u"quality"_qs },
             { u"summary"_qs, u"Caller was put on hold for ten minutes"_qs } };
}

QJsonObject TestEscalationApi::create(const QJsonObject &request, const QByteArray &key,
                                      int expectedStatus)
{
    const CallApi::Response response = m_api->create(
        m_supervisor, true, key, QJsonDocument(request).toJson(QJsonDocument::Compact));
    if (int(response.status) != expectedStatus)
        qWarning().noquote() << response.body;
    [&] {
        QCOMPARE(int(response.status), expectedStatus);
    }();
    return body(response);
}

int TestEscalationApi::rowCount(const QString &table)
{
    QSqlQuery query(m_calls->database());
    if (!query.exec(u"SELECT count(*) FROM "_qs + table) || !query.next())
        return -1;
    return query.value(0).toInt();
}

// One database for the whole test, its calls saved once: a fresh PostgreSQL database for each
// of the fifty-odd runs would cost seconds. init() empties the escalation tables instead.
void TestEscalationApi::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QString error;
    m_calls = CallStore::open(TestDatabase::address(m_dir->filePath(u"calls.sqlite"_qs)), &error);
    QVERIFY2(m_calls, qPrintable(error));
    QVERIFY2(m_calls->saveCalls(callsWithRecording()), qPrintable(m_calls->errorString()));
    m_store = EscalationStore::open(m_calls->database(), &error);
    QVERIFY2(m_store, qPrintable(error));
}

void TestEscalationApi::init()
{
    QVERIFY(m_store);
    QSqlQuery query(m_calls->database());
    for (const QString &table : { u"escalation_history"_qs, u"escalations"_qs })
        QVERIFY2(query.exec(u"DELETE FROM "_qs + table), qPrintable(query.lastError().text()));
    QCOMPARE(rowCount(u"escalations"_qs), 0);
    m_api = std::make_unique<EscalationApi>(m_calls.get(), m_store.get(),
                                            EscalationCatalogue::builtIn());
}

void TestEscalationApi::cleanup()
{
    m_api.reset();
}

void TestEscalationApi::cleanupTestCase()
{
    m_api.reset();
    m_store.reset();
    m_calls.reset();
    m_dir.reset();
}

void TestEscalationApi::options()
{
    const CallApi::Response response = m_api->options();
    QCOMPARE(int(response.status), 200);
    const QJsonObject options = body(response);
    QCOMPARE(options.value(u"categories").toArray().size(), 4);
    QCOMPARE(options.value(u"priorities").toArray().at(0).toObject(),
             (QJsonObject { { u"id"_qs, u"p1"_qs },
                            { u"label"_qs, u"Critical"_qs },
                            { u"response_minutes"_qs, 60 } }));
}

void TestEscalationApi::createRepeatConflict()
{
    QJsonObject request = validRequest();
    // A leg id in another case and with stray spaces names the same call.
    request.insert(u"crn"_qs, u" 1694023642.8 "_qs);
    const CallApi::Response first
        = m_api->create(m_supervisor, true, "key-0001", QJsonDocument(request).toJson());
    QCOMPARE(int(first.status), 201);
    const QJsonObject created = body(first);
    const QString id = created.value(u"id").toString();
    QVERIFY(id.startsWith(u"esc_"));
    QCOMPARE(id.size(), 4 + 16);
    QCOMPARE(first.header("Location"), "/api/v1/escalations/" + id.toUtf8());
    QCOMPARE(created.value(u"crn").toString(), kCrn);
    QCOMPARE(created.value(u"status").toString(), u"open"_qs);
    QCOMPARE(created.value(u"author").toString(), u"sam"_qs);
    QCOMPARE(created.value(u"created").toString(), created.value(u"updated").toString());
    // p2 is due 240 minutes after creation.
    const Timestamp createdAt = *Timestamp::parseIso(created.value(u"created").toString());
    const Timestamp due = *Timestamp::parseIso(created.value(u"due").toString());
    QCOMPARE(due - createdAt, qint64(240) * 60 * 1000000);
    const QJsonArray history = created.value(u"history").toArray();
    QCOMPARE(history.size(), 1);
    QCOMPARE(history.at(0).toObject().value(u"action").toString(), u"created"_qs);
    QCOMPARE(history.at(0).toObject().value(u"by").toString(), u"sam"_qs);

    // The same body with its members in another order and other white space: the same answer.
    const QByteArray reordered
        = R"({ "summary": "Caller was put on hold for ten minutes", "team": "quality",
               "priority": "p2", "category": "complaint", "crn": " 1694023642.8 " })";
    const CallApi::Response repeat = m_api->create(m_supervisor, true, "key-0001", reordered);
    QCOMPARE(int(repeat.status), 200);
    QCOMPARE(body(repeat), created);
    QCOMPARE(rowCount(u"escalations"_qs), 1);
    QCOMPARE(rowCount(u"escalation_history"_qs), 1);

    // Another body under the key: refused, and still one row.
    request.insert(u"priority"_qs, u"p1"_qs);
    const CallApi::Response conflict
        = m_api->create(m_supervisor, true, "key-0001", QJsonDocument(request).toJson());
    QCOMPARE(int(conflict.status), 409);
    QCOMPARE(body(conflict).value(u"error").toObject().value(u"code").toString(),
             u"idempotency_conflict"_qs);
    QCOMPARE(rowCount(u"escalations"_qs), 1);

    // A new key makes a new escalation.
    const QJsonObject second = create(request, "key-0002");
    QVERIFY(second.value(u"id").toString() != id);
    QCOMPARE(rowCount(u"escalations"_qs), 2);
}

void TestEscalationApi::canonicalBody()
{
    const auto canonical = [](const QByteArray &json) {
        return EscalationApi::canonicalBody(QJsonDocument::fromJson(json).object());
    };
    QCOMPARE(canonical(R"({"b": 1, "a": {"y": 2.0, "x": [1e0, "t"]}})"),
             canonical(R"({"a": {"x": [1, "t"], "y": 2}, "b": 1.0})"));
    QVERIFY(canonical(R"({"a": [1, 2]})") != canonical(R"({"a": [2, 1]})"));
    QVERIFY(canonical(R"({"a": "1"})") != canonical(R"({"a": 1})"));
}

void TestEscalationApi::idempotencyKeyHeader_data()
{
    QTest::addColumn<bool>("hasKey");
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<int>("status");

    QTest::newRow("missing") << false << QByteArray() << 400;
    QTest::newRow("empty") << true << QByteArray() << 400;
    QTest::newRow("seven characters") << true << QByteArray("abcdefg") << 400;
    QTest::newRow("eight characters") << true << QByteArray("abcdefgh") << 201;
    QTest::newRow("uuid") << true << QByteArray("3f0c2a9d-41e7-4b3c-8a9d-41e7b3c8a9d4") << 201;
    QTest::newRow("all allowed signs") << true << QByteArray("Az09-_.:") << 201;
    QTest::newRow("128 characters") << true << QByteArray(128, 'k') << 201;
    QTest::newRow("129 characters") << true << QByteArray(129, 'k') << 400;
    QTest::newRow("space") << true << QByteArray("abcd efgh") << 400;
    QTest::newRow("slash") << true << QByteArray("abcd/efgh") << 400;
    QTest::newRow("non-ASCII") << true << QByteArray("abcdéfgh") << 400;
}

void TestEscalationApi::idempotencyKeyHeader()
{
    QFETCH(bool, hasKey);
    QFETCH(QByteArray, key);
    QFETCH(int, status);

    const CallApi::Response response
        = m_api->create(m_supervisor, hasKey, key, QJsonDocument(validRequest()).toJson());
    QCOMPARE(int(response.status), status);
    if (status == 400) {
        const QJsonObject error = body(response).value(u"error").toObject();
        QCOMPARE(error.value(u"code").toString(), u"bad_request"_qs);
        QVERIFY(error.value(u"message").toString().contains(u"\"Idempotency-Key\""));
        QCOMPARE(rowCount(u"escalations"_qs), 0);
    }
}

void TestEscalationApi::validation_data()
{
    QTest::addColumn<QJsonObject>("changes"); // merged into a valid request; null removes
    QTest::addColumn<QStringList>("fields"); // every field the answer must name, and only those
    QTest::addColumn<QString>("sentence"); // a part of the first field's sentence

    const QJsonValue remove(QJsonValue::Null);
    QTest::newRow("crn missing") << QJsonObject { { u"crn"_qs, remove } }
                                 << QStringList { u"crn"_qs } << u"CRN or a leg id"_qs;
    QTest::newRow("crn unknown") << QJsonObject { { u"crn"_qs, u"1694023642.99"_qs } }
                                 << QStringList { u"crn"_qs } << u"\"1694023642.99\""_qs;
    QTest::newRow("crn not text") << QJsonObject { { u"crn"_qs, 1694023642.7 } }
                                  << QStringList { u"crn"_qs } << u"must be text"_qs;
    QTest::newRow("category unknown") << QJsonObject { { u"category"_qs, u"rudeness"_qs } }
                                      << QStringList { u"category"_qs } << u"\"rudeness\""_qs;
    QTest::newRow("priority missing") << QJsonObject { { u"priority"_qs, remove } }
                                      << QStringList { u"priority"_qs } << u"priority"_qs;
    QTest::newRow("team unknown") << QJsonObject { { u"team"_qs, u"legal"_qs } }
                                  << QStringList { u"team"_qs } << u"\"legal\""_qs;
    QTest::newRow("summary blank") << QJsonObject { { u"summary"_qs, u"   "_qs } }
                                   << QStringList { u"summary"_qs } << u"A summary is required."_qs;
    QTest::newRow("summary too long") << QJsonObject { { u"summary"_qs, QString(201, u's') } }
                                      << QStringList { u"summary"_qs } << u"at most 200"_qs;
    QTest::newRow("description too long")
        << QJsonObject { { u"description"_qs, QString(10001, u'd') } }
        << QStringList { u"description"_qs } << u"at most 10,000"_qs;
    QTest::newRow("callback number too short")
        << QJsonObject { { u"callback_number"_qs, u"+49 30"_qs } }
        << QStringList { u"callback_number"_qs } << u"6 to 15 digits"_qs;
    QTest::newRow("callback number with letters")
        << QJsonObject { { u"callback_number"_qs, u"030 CALLME"_qs } }
        << QStringList { u"callback_number"_qs } << u"only digits"_qs;
    QTest::newRow("missed callback without number")
        << QJsonObject { { u"category"_qs, u"missed_callback"_qs } }
        << QStringList { u"callback_number"_qs } << u"\"Missed callback\""_qs;
    QTest::newRow("technical fault with blank description")
        << QJsonObject { { u"category"_qs, u"technical_fault"_qs }, { u"description"_qs, u" "_qs } }
        << QStringList { u"description"_qs } << u"\"Technical fault\""_qs;
    QTest::newRow("compliance breach without evidence")
        << QJsonObject { { u"category"_qs, u"compliance_breach"_qs } }
        << QStringList { u"evidence"_qs } << u"\"Compliance breach\""_qs;
    QTest::newRow("compliance breach with empty evidence") << QJsonObject {
        { u"category"_qs, u"compliance_breach"_qs },
        { u"evidence"_qs,
          QJsonObject { { u"recordings"_qs, QJsonArray() }, { u"events"_qs, QJsonArray() } } }
    } << QStringList { u"evidence"_qs } << u"\"Compliance breach\""_qs;
    const auto span = [](const QJsonValue &id, const QJsonValue &start, const QJsonValue &end) {
        return QJsonObject { { u"evidence"_qs,
                               QJsonObject {
                                   { u"recordings"_qs,
                                     QJsonArray { QJsonObject { { u"recording_id"_qs, id },
                                                                { u"start"_qs, start },
                                                                { u"end"_qs, end } } } } } } };
    };
    QTest::newRow("recording of another call")
        << span(u"r-nobody"_qs, 1, 2) << QStringList { u"evidence.recordings[0].recording_id"_qs }
        << u"no recording \"r-nobody\""_qs;
    QTest::newRow("span past the recording's end (20 s)")
        << span(kRecordingId, 10, 20.5) << QStringList { u"evidence.recordings[0].end"_qs }
        << u"after the recording ends at 20 s"_qs;
    QTest::newRow("span ending before it starts")
        << span(kRecordingId, 12, 11) << QStringList { u"evidence.recordings[0].end"_qs }
        << u"must end after it starts"_qs;
    QTest::newRow("span starting before 0")
        << span(kRecordingId, -1, 5) << QStringList { u"evidence.recordings[0].start"_qs }
        << u"before the recording"_qs;
    QTest::newRow("span given as text")
        << span(kRecordingId, u"1"_qs, 5) << QStringList { u"evidence.recordings[0].start"_qs }
        << u"in seconds"_qs;
    const auto event = [](const QString &type, const QString &time, const QString &leg) {
        return QJsonObject {
            { u"evidence"_qs,
              QJsonObject {
                  { u"events"_qs,
                    QJsonArray { QJsonObject {
                        { u"type"_qs, type }, { u"time"_qs, time }, { u"leg"_qs, leg } } } } } }
        };
    };
    // The call's one event is the caller leg's hangup, 30 s after 18:07:22.626751.
    QTest::newRow("event at another time")
        << event(u"hangup"_qs, u"2023-09-06T18:07:53.626751Z"_qs, u"1694023642.7"_qs)
        << QStringList { u"evidence.events[0]"_qs } << u"no hangup event"_qs;
    QTest::newRow("event of another type")
        << event(u"answer"_qs, u"2023-09-06T18:07:52.626751Z"_qs, u"1694023642.7"_qs)
        << QStringList { u"evidence.events[0]"_qs } << u"no answer event"_qs;
    QTest::newRow("event on another leg")
        << event(u"hangup"_qs, u"2023-09-06T18:07:52.626751Z"_qs, u"1694023642.8"_qs)
        << QStringList { u"evidence.events[0]"_qs } << u"leg \"1694023642.8\""_qs;
    QTest::newRow("event time not a time")
        << event(u"hangup"_qs, u"yesterday"_qs, u"1694023642.7"_qs)
        << QStringList { u"evidence.events[0]"_qs } << u"type, time and leg"_qs;
    QTest::newRow("every field at once")
        << QJsonObject { { u"crn"_qs, remove },        { u"category"_qs, remove },
                         { u"priority"_qs, u"p9"_qs }, { u"team"_qs, remove },
                         { u"summary"_qs, remove },    { u"callback_number"_qs, u"12"_qs } }
        << QStringList { u"callback_number"_qs, u"category"_qs, u"crn"_qs,
                         u"priority"_qs,        u"summary"_qs,  u"team"_qs }
        << u"6 to 15 digits"_qs;
}

void TestEscalationApi::validation()
{
    QFETCH(QJsonObject, changes);
    QFETCH(QStringList, fields);
    QFETCH(QString, sentence);

    QJsonObject request = validRequest();
    for (auto it = changes.begin(); it != changes.end(); ++it) {
        if (it.value().isNull())
            request.remove(it.key());
        else
            request.insert(it.key(), it.value());
    }
    const QJsonObject error = create(request, "validation-key", 422).value(u"error").toObject();
    QCOMPARE(error.value(u"code").toString(), u"validation_failed"_qs);
    const QJsonObject named = error.value(u"fields").toObject();
    QCOMPARE(named.keys(), fields);
    const QString first = named.value(fields.constFirst()).toString();
    QVERIFY2(first.contains(sentence), qPrintable(first));
    QCOMPARE(error.value(u"message").toString(),
             fields.size() == 1 ? u"1 field needs correcting."_qs
                                : QStringLiteral("%1 fields need correcting.").arg(fields.size()));
    QCOMPARE(rowCount(u"escalations"_qs), 0);
}

void TestEscalationApi::validEvidenceIsStored()
{
    QJsonObject request = validRequest();
    request.insert(u"category"_qs, u"compliance_breach"_qs);
    request.insert(u"callback_number"_qs, u"+49 (30) 123-45.67"_qs);
    // The hangup written with a "+00:00" zone is the same moment as the call's "Z" form.
    request.insert(
        u"evidence"_qs,
        QJsonObject {
            { u"recordings"_qs,
              QJsonArray { QJsonObject {
                  { u"recording_id"_qs, kRecordingId }, { u"start"_qs, 0 }, { u"end"_qs, 20 } } } },
            { u"events"_qs,
              QJsonArray { QJsonObject { { u"type"_qs, u"hangup"_qs },
                                         { u"time"_qs, u"2023-09-06T18:07:52.626751+00:00"_qs },
                                         { u"leg"_qs, u"1694023642.7"_qs } } } } });
    const QJsonObject created = create(request, "evidence-key");
    const QJsonObject evidence = created.value(u"evidence").toObject();
    QCOMPARE(evidence.value(u"recordings").toArray().at(0).toObject().value(u"end").toDouble(),
             20.0);
    QCOMPARE(evidence.value(u"events").toArray().at(0).toObject().value(u"time").toString(),
             u"2023-09-06T18:07:52.626751Z"_qs);
    QCOMPARE(created.value(u"callback_number").toString(), u"+49 (30) 123-45.67"_qs);

    const CallApi::Response read = m_api->get(m_supervisor, created.value(u"id").toString());
    QCOMPARE(int(read.status), 200);
    QCOMPARE(body(read), created);
}

void TestEscalationApi::transitions_data()
{
    QTest::addColumn<QStringList>("path"); // statuses asked for, one after another
    QTest::addColumn<QList<int>>("statuses");

    QTest::newRow("open, acknowledged, resolved")
        << QStringList { u"acknowledged"_qs, u"resolved"_qs } << QList<int> { 200, 200 };
    QTest::newRow("open straight to resolved")
        << QStringList { u"resolved"_qs } << QList<int> { 200 };
    QTest::newRow("resolved reopens")
        << QStringList { u"resolved"_qs, u"open"_qs } << QList<int> { 200, 200 };
    QTest::newRow("acknowledged cannot go back to open")
        << QStringList { u"acknowledged"_qs, u"open"_qs } << QList<int> { 200, 409 };
    QTest::newRow("resolved cannot become acknowledged")
        << QStringList { u"resolved"_qs, u"acknowledged"_qs } << QList<int> { 200, 409 };
    QTest::newRow("same status is no change") << QStringList { u"open"_qs } << QList<int> { 200 };
}

void TestEscalationApi::transitions()
{
    QFETCH(QStringList, path);
    QFETCH(QList<int>, statuses);

    const QString id = create(validRequest(), "transition-key").value(u"id").toString();
    QString status = u"open"_qs;
    int historyRows = 1;
    for (qsizetype i = 0; i < path.size(); ++i) {
        const QByteArray request = QJsonDocument(QJsonObject { { u"status"_qs, path.at(i) } })
                                       .toJson(QJsonDocument::Compact);
        const CallApi::Response response = m_api->update(m_supervisor, id, request);
        QCOMPARE(int(response.status), statuses.at(i));
        if (statuses.at(i) == 409) {
            QCOMPARE(body(response).value(u"error").toObject().value(u"code").toString(),
                     u"invalid_transition"_qs);
            continue;
        }
        if (path.at(i) != status)
            ++historyRows;
        status = path.at(i);
        QCOMPARE(body(response).value(u"status").toString(), status);
        QCOMPARE(body(response).value(u"history").toArray().size(), historyRows);
    }
    QCOMPARE(rowCount(u"escalation_history"_qs), historyRows);
}

void TestEscalationApi::historyAndComments()
{
    const QString id = create(validRequest(), "history-key").value(u"id").toString();
    const Caller other { u"kim"_qs, Role::Supervisor, {} };

    const CallApi::Response both = m_api->update(
        other, id, R"({"status": "acknowledged", "comment": "Listening to the recording now."})");
    QCOMPARE(int(both.status), 200);
    const CallApi::Response comment
        = m_api->update(m_supervisor, id, R"({"comment": "Coached the agent."})");
    QCOMPARE(int(comment.status), 200);

    const QJsonObject escalation = body(comment);
    const QJsonArray history = escalation.value(u"history").toArray();
    QCOMPARE(history.size(), 4);
    QCOMPARE(history.at(1).toObject().value(u"action").toString(), u"status_changed"_qs);
    QCOMPARE(history.at(1).toObject().value(u"by").toString(), u"kim"_qs);
    QCOMPARE(history.at(1).toObject().value(u"from_status").toString(), u"open"_qs);
    QCOMPARE(history.at(1).toObject().value(u"to_status").toString(), u"acknowledged"_qs);
    QCOMPARE(history.at(2).toObject().value(u"action").toString(), u"commented"_qs);
    QCOMPARE(history.at(2).toObject().value(u"comment").toString(),
             u"Listening to the recording now."_qs);
    QCOMPARE(history.at(3).toObject().value(u"by").toString(), u"sam"_qs);
    QCOMPARE(history.at(3).toObject().value(u"comment").toString(), u"Coached the agent."_qs);
    QCOMPARE(escalation.value(u"status").toString(), u"acknowledged"_qs);
    QCOMPARE(escalation.value(u"updated").toString(), history.at(3).toObject().value(u"at"));
    QVERIFY(escalation.value(u"updated").toString() >= escalation.value(u"created").toString());

    // Read back from the database, not from the answer.
    QCOMPARE(body(m_api->get(m_supervisor, id)), escalation);
}

void TestEscalationApi::updateErrors()
{
    const QString id = create(validRequest(), "errors-key").value(u"id").toString();

    const auto fieldsOf = [&](const QByteArray &request) {
        const CallApi::Response response = m_api->update(m_supervisor, id, request);
        [&] {
            QCOMPARE(int(response.status), 422);
        }();
        return body(response).value(u"error").toObject().value(u"fields").toObject().keys();
    };
    QCOMPARE(fieldsOf("{}"), QStringList { u"status"_qs });
    QCOMPARE(fieldsOf(R"({"status": "closed"})"), QStringList { u"status"_qs });
    QCOMPARE(fieldsOf(R"({"comment": ""})"), QStringList { u"comment"_qs });
    QCOMPARE(
        fieldsOf(QJsonDocument(QJsonObject { { u"comment"_qs, QString(10001, u'c') } }).toJson()),
        QStringList { u"comment"_qs });
    QCOMPARE(fieldsOf(R"({"status": 1, "comment": 2})"),
             (QStringList { u"comment"_qs, u"status"_qs }));
    QCOMPARE(int(m_api->update(m_supervisor, id, "not json").status), 400);
    QCOMPARE(
        int(m_api->update(m_supervisor, u"esc_aaaaaaaaaaaaaaaa"_qs, R"({"comment": "x"})").status),
        404);
    QCOMPARE(int(m_api->get(m_supervisor, u"esc_aaaaaaaaaaaaaaaa"_qs).status), 404);
    QCOMPARE(rowCount(u"escalation_history"_qs), 1);
}

void TestEscalationApi::listFiltersAndPages()
{
    // Five escalations: three on the first call, two on the UUID call (one for telephony).
    QStringList ids;
    for (int i = 0; i < 5; ++i) {
        QJsonObject request = validRequest();
        request.insert(u"summary"_qs, QStringLiteral("Escalation %1").arg(i));
        if (i >= 3)
            request.insert(u"crn"_qs, TestCalls::kUuidCrn);
        if (i == 4)
            request.insert(u"team"_qs, u"telephony"_qs);
        ids.prepend(create(request, QByteArray("list-key-") + QByteArray::number(i))
                        .value(u"id")
                        .toString());
        QTest::qWait(2); // distinct creation times, so that "newest first" is not decided by id
    }
    QCOMPARE(int(m_api->update(m_supervisor, ids.at(4), R"({"status": "resolved"})").status), 200);

    const auto list = [&](const QString &query) {
        const CallApi::Response response = m_api->list(m_supervisor, QUrlQuery(query));
        [&] {
            QCOMPARE(int(response.status), 200);
        }();
        const QJsonObject page = body(response);
        QStringList found;
        for (const QJsonValue &escalation : page.value(u"escalations").toArray())
            found.append(escalation.toObject().value(u"id").toString());
        return std::make_pair(found, page.value(u"next_cursor"));
    };

    QCOMPARE(list({}).first, ids); // newest first
    QCOMPARE(list(u"crn=1694023642.8"_qs).first, ids.mid(2)); // by a leg id of the call
    QCOMPARE(list(u"crn="_qs + TestCalls::kUuidCrn.toUpper()).first, ids.mid(0, 2));
    QCOMPARE(list(u"team=telephony"_qs).first, ids.mid(0, 1));
    QCOMPARE(list(u"status=resolved"_qs).first, ids.mid(4));
    QCOMPARE(list(u"status=open&team=quality"_qs).first, ids.mid(1, 3));
    QCOMPARE(list(u"crn=1694023642.99"_qs).first, QStringList());
    QVERIFY(list({}).second.isNull());

    // Two at a time: every escalation once, in order, the last page without a cursor.
    QStringList walked;
    QString cursor;
    int pages = 0;
    do {
        const auto [found, next] = list(u"limit=2&cursor="_qs + cursor);
        walked += found;
        cursor = next.toString();
        ++pages;
    } while (!cursor.isEmpty() && pages < 10);
    QCOMPARE(walked, ids);
    QCOMPARE(pages, 3);

    for (const QString &bad : { u"limit=0"_qs, u"limit=501"_qs, u"limit=x"_qs, u"status=closed"_qs,
                                u"cursor=garbage"_qs, u"team=a&team=b"_qs }) {
        const CallApi::Response response = m_api->list(m_supervisor, QUrlQuery(bad));
        QVERIFY2(int(response.status) == 400, qPrintable(bad));
    }
}

void TestEscalationApi::agentSeesOwnCallsOnly()
{
    // The first call's agent is "Operator", the UUID call's "Agent Z".
    const QString operatorCall = create(validRequest(), "agent-key-1").value(u"id").toString();
    QJsonObject request = validRequest();
    request.insert(u"crn"_qs, TestCalls::kUuidCrn);
    const QString otherCall = create(request, "agent-key-2").value(u"id").toString();

    const Caller operatorAgent { u"olga"_qs, Role::Agent, u"operator"_qs };
    const Caller agentZ { u"zed"_qs, Role::Agent, u"agentz"_qs };
    const Caller noAgentId { u"nobody"_qs, Role::Agent, {} };
    const Caller auditor { u"ada"_qs, Role::Auditor, {} };

    QCOMPARE(int(m_api->get(operatorAgent, operatorCall).status), 200);
    QCOMPARE(int(m_api->get(operatorAgent, otherCall).status), 403);
    QCOMPARE(int(m_api->get(agentZ, otherCall).status), 200);
    QCOMPARE(int(m_api->get(noAgentId, operatorCall).status), 403);
    QCOMPARE(int(m_api->get(auditor, otherCall).status), 200);

    const auto listed = [&](const Caller &caller) {
        QStringList found;
        const QJsonObject page = body(m_api->list(caller, QUrlQuery()));
        for (const QJsonValue &escalation : page.value(u"escalations").toArray())
            found.append(escalation.toObject().value(u"id").toString());
        return found;
    };
    QCOMPARE(listed(operatorAgent), QStringList { operatorCall });
    QCOMPARE(listed(agentZ), QStringList { otherCall });
    QCOMPARE(listed(noAgentId), QStringList());
    QCOMPARE(listed(auditor).size(), 2);
}

QTEST_GUILESS_MAIN(TestEscalationApi)
#include "tst_escalationapi.moc"
