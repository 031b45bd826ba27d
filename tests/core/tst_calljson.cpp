#include "json/calljson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

class TestCallJson : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip();
    void textMatchesObject();
    void rejectsWrongShapes_data();
    void rejectsWrongShapes();
};

void TestCallJson::roundTrip()
{
    Call call;
    call.summary.crn = u"1694023642.7"_qs;
    call.summary.start = Timestamp::fromMicroseconds(Q_INT64_C(1694023642626751));
    call.summary.end = Timestamp::fromMicroseconds(Q_INT64_C(1694023665983346));
    call.summary.direction = CallDirection::Inbound;
    call.summary.caller = u"8001"_qs;
    call.summary.agents = { u"Operator"_qs };
    call.summary.outcome = CallOutcome::Answered;
    call.participants = { { u"p1"_qs, ParticipantRole::Caller, u"Caller"_qs, u"8001"_qs } };
    call.legs = { { u"1694023642.7"_qs, u"PJSIP/9EYlfTvB-00000003"_qs, u"p1"_qs, call.summary.start,
                    Timestamp(), call.summary.end } };
    CallEvent hangup;
    hangup.type = EventType::Hangup;
    hangup.time = call.summary.end;
    hangup.legId = u"1694023642.7"_qs;
    hangup.participantId = u"p1"_qs;
    hangup.sourceType = u"HANGUP"_qs;
    hangup.details = { { u"hangup_cause"_qs, 16 } };
    call.events = { hangup };
    call.segments = { { u"p1"_qs, SegmentKind::Talk, call.summary.start, call.summary.end,
                        u"1694023642.7"_qs } };
    call.flags = { { u"timestamp_mismatch"_qs, u"answer times disagree"_qs } };
    call.sources = { u"asterisk-cel"_qs };
    call.summary.recordingCount = 1;
    Recording recording;
    recording.id = u"r-0123abcd"_qs;
    recording.legId = u"1694023642.7"_qs;
    recording.participantIds = { u"p1"_qs };
    recording.start = Timestamp::fromMicroseconds(Q_INT64_C(1694023645000000));
    recording.durationUs = 10260000;
    recording.channels = 1;
    recording.sampleRate = 8000;
    recording.codec = u"pcm"_qs;
    recording.sizeBytes = 164204;
    recording.name = u"1694023642.7.wav"_qs;
    recording.contentType = u"audio/wav"_qs;
    recording.flags = { { u"recording_start_estimated"_qs, u"aligned to the hangup"_qs } };
    call.recordings = { recording };

    const QJsonObject json = CallJson::toJson(call);
    QCOMPARE(json.value(u"start").toString(), u"2023-09-06T18:07:22.626751Z"_qs);
    QCOMPARE(json.value(u"duration").toDouble(), 23.356595);
    const QJsonObject recordingJson = json.value(u"recordings").toArray().at(0).toObject();
    QCOMPARE(recordingJson.value(u"start").toString(), u"2023-09-06T18:07:25Z"_qs);
    QCOMPARE(recordingJson.value(u"duration").toDouble(), 10.26);
    QCOMPARE(recordingJson.value(u"sample_rate").toInt(), 8000);
    QCOMPARE(json.value(u"recording_count").toInt(), 1);

    // Through text and back, as it travels between the server and the console.
    const QByteArray wire = QJsonDocument(json).toJson(QJsonDocument::Compact);
    QString error;
    const auto back = CallJson::callFromJson(QJsonDocument::fromJson(wire).object(), &error);
    QVERIFY2(back.has_value(), qPrintable(error));
    QCOMPARE(*back, call);
}

void TestCallJson::textMatchesObject()
{
    // Every kind of text the writer must escape or encode, and fields left empty or invalid.
    const QString awkward = u"quote \" backslash \\ slash / tab \t newline \n"_qs + QChar(0x01)
        + QChar(0x1f) + QChar(0x7f) + u" caf\u00e9 \u65e5\u672c \U0001F600 end"_qs;

    Call call;
    call.summary.crn = u"1694023642.7"_qs;
    call.summary.start = Timestamp::fromMicroseconds(Q_INT64_C(1694023642626751));
    call.summary.end = Timestamp::fromMicroseconds(Q_INT64_C(1694023665000000));
    call.summary.direction = CallDirection::Outbound;
    call.summary.caller = awkward;
    call.summary.callerName = QString(); // empty
    call.summary.dialed = u"\"\""_qs;
    call.summary.queues = { u"sales"_qs, QString(), awkward };
    call.summary.agents = {};
    call.summary.outcome = CallOutcome::Transferred;
    call.summary.flagCount = 2;
    call.participants = { { u"p1"_qs, ParticipantRole::Caller, awkward, u"+44 20 7946 0000"_qs },
                          { u"p2"_qs, ParticipantRole::Agent, QString(), QString() } };
    call.legs
        = { { u"a.1"_qs, awkward, u"p1"_qs, call.summary.start, Timestamp(), call.summary.end },
            { QString(), QString(), QString(), Timestamp(), Timestamp(), Timestamp() } };

    CallEvent rich;
    rich.type = EventType::Transfer;
    rich.time = Timestamp::fromMicroseconds(Q_INT64_C(-1)); // before 1970
    rich.legId = u"a.1"_qs;
    rich.participantId = u"p1"_qs;
    rich.sourceType = u"BLINDTRANSFER"_qs;
    rich.details
        = { { u"hangup_cause"_qs, 16 },
            { u"big"_qs, Q_INT64_C(4611686018427387905) },
            { u"ratio"_qs, 0.1 },
            { u"whole double"_qs, 3.0 },
            { u"negative"_qs, -2.5e-7 },
            { u"yes"_qs, true },
            { u"no"_qs, false },
            { u"nothing"_qs, QJsonValue::Null },
            { awkward, awkward },
            { u"list"_qs, QJsonArray { 1, u"two"_qs, QJsonObject { { u"x"_qs, awkward } } } },
            { u"empty"_qs, QJsonObject() } };
    rich.origin = u"Master.csv:12"_qs;
    CallEvent bare; // every field empty, the time invalid
    call.events = { rich, bare };
    call.segments
        = { { u"p1"_qs, SegmentKind::Hold, call.summary.start, call.summary.end, QString() },
            { u"p2"_qs, SegmentKind::WrapUp, call.summary.start, Timestamp(), awkward } };
    call.flags = { { u"unjoined_leg"_qs, awkward }, { QString(), QString() } };
    call.sources = { u"asterisk-cel"_qs, u"asterisk-queue_log"_qs };
    call.summary.recordingCount = 2;
    Recording full;
    full.id = awkward;
    full.legId = u"a.1"_qs;
    full.participantIds = { u"p1"_qs, awkward };
    full.start = call.summary.start;
    full.durationUs = 4200001;
    full.channels = 2;
    full.sampleRate = 8000;
    full.codec = u"mulaw"_qs;
    full.sizeBytes = Q_INT64_C(5000000000); // past 32 bits
    full.name = awkward;
    full.contentType = u"audio/wav"_qs;
    full.flags = { { u"recording_truncated"_qs, awkward } };
    Recording unread; // a file that could not be read: no start, no format
    unread.id = u"r-2"_qs;
    unread.flags = { { u"recording_missing"_qs, QString() } };
    call.recordings = { full, unread };

    QJsonParseError error;
    const QByteArray text = CallJson::toJsonText(call);
    QVERIFY(text.isValidUtf8());
    const QJsonDocument parsed = QJsonDocument::fromJson(text, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QCOMPARE(parsed.object(), CallJson::toJson(call));

    const QByteArray summaryText = CallJson::toJsonText(call.summary);
    const QJsonDocument summary = QJsonDocument::fromJson(summaryText, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QCOMPARE(summary.object(), CallJson::toJson(call.summary));

    // The control characters travel as escapes (RFC 8259 section 7), never raw.
    for (const char c : text)
        QVERIFY(uchar(c) >= 0x20);
    QVERIFY(text.contains(R"(\u0001)"));
    QVERIFY(text.contains(R"(\t)"));

    // A call far longer than the writer's first buffer, twice: the buffer grows, and is reused.
    Call longCall = call;
    for (int i = 0; i < 3000; ++i) {
        rich.origin = u"Master.csv:"_qs + QString::number(i);
        longCall.events.append(rich);
    }
    for (int round = 0; round < 2; ++round) {
        const QByteArray longText = CallJson::toJsonText(longCall);
        QVERIFY(longText.size() > 1024 * 1024);
        QCOMPARE(QJsonDocument::fromJson(longText).object(), CallJson::toJson(longCall));
    }
    QCOMPARE(QJsonDocument::fromJson(CallJson::toJsonText(call)).object(), CallJson::toJson(call));

    // A call with nothing in it: no times, no lists.
    const Call empty;
    QCOMPARE(QJsonDocument::fromJson(CallJson::toJsonText(empty)).object(),
             CallJson::toJson(empty));
}

void TestCallJson::rejectsWrongShapes_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("errorMentions");

    QTest::newRow("no crn") << QByteArray(R"({"start":"2023-09-06T18:07:22Z"})") << u"crn"_qs;
    QTest::newRow("crn is a number")
        << QByteArray(R"({"crn":1694023642.7,"start":"2023-09-06T18:07:22Z"})") << u"crn"_qs;
    QTest::newRow("bad time") << QByteArray(R"({"crn":"x","start":"yesterday"})") << u"start"_qs;
    QTest::newRow("legs not an array")
        << QByteArray(R"({"crn":"x","start":"2023-09-06T18:07:22Z","legs":{}})") << u"legs"_qs;
    QTest::newRow("event without time")
        << QByteArray(R"({"crn":"x","start":"2023-09-06T18:07:22Z","events":[{"type":"answer"}]})")
        << u"time"_qs;
    QTest::newRow("recording without id")
        << QByteArray(R"({"crn":"x","start":"2023-09-06T18:07:22Z","recordings":[{"size":1}]})")
        << u"id"_qs;
    QTest::newRow("recordings not an array")
        << QByteArray(R"({"crn":"x","start":"2023-09-06T18:07:22Z","recordings":"none"})")
        << u"recordings"_qs;
}

void TestCallJson::rejectsWrongShapes()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, errorMentions);

    QString error;
    QVERIFY(!CallJson::callFromJson(QJsonDocument::fromJson(json).object(), &error));
    QVERIFY2(error.contains(errorMentions), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestCallJson)
#include "tst_calljson.moc"
