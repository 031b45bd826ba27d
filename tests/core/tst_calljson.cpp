#include "json/calljson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

class TestCallJson : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip();
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

    const QJsonObject json = CallJson::toJson(call);
    QCOMPARE(json.value(u"start").toString(), u"2023-09-06T18:07:22.626751Z"_qs);
    QCOMPARE(json.value(u"duration").toDouble(), 23.356595);

    // Through text and back, as it travels between the server and the console.
    const QByteArray wire = QJsonDocument(json).toJson(QJsonDocument::Compact);
    QString error;
    const auto back = CallJson::callFromJson(QJsonDocument::fromJson(wire).object(), &error);
    QVERIFY2(back.has_value(), qPrintable(error));
    QCOMPARE(*back, call);
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
