#include "calltext.h"
#include "uitestcall.h"

#include <QJsonObject>
#include <QTest>

// The sentences a supervisor reads for events and participants.
class TestCallText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eventDescription_data();
    void eventDescription();
    void participantLabel_data();
    void participantLabel();
    void hangupCause_data();
    void hangupCause();
    void eventParticipantFallsBackToTheLeg();
    void eventDetails();
    void caller();
    void endedBy();
};

void TestCallText::eventDescription_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("sourceType");
    QTest::addColumn<QJsonObject>("details");
    QTest::addColumn<QString>("expected");

    QTest::newRow("answer") << int(EventType::Answer) << u"ANSWER"_qs << QJsonObject()
                            << u"Answered"_qs;
    QTest::newRow("channel joined from its own call")
        << int(EventType::Other) << u"LINKEDID_END"_qs
        << QJsonObject { { u"linkedid"_qs, u"1694023659.13"_qs } }
        << u"Joined this call from reference 1694023659.13"_qs;
    QTest::newRow("queue moved on")
        << int(EventType::Transfer) << u"COMPLETECALLER"_qs
        << QJsonObject { { u"kind"_qs, u"queue"_qs }, { u"target"_qs, u"queue q13"_qs } }
        << u"Transferred to queue q13"_qs;
    QTest::newRow("queue from details")
        << int(EventType::QueueEnter) << u"ENTERQUEUE"_qs
        << QJsonObject { { u"queue"_qs, u"q12"_qs } } << u"Entered queue q12"_qs;
    QTest::newRow("hangup with a numeric cause")
        << int(EventType::Hangup) << u"HANGUP"_qs << QJsonObject { { u"hangup_cause"_qs, 16 } }
        << u"Hangup (cause 16, normal clearing)"_qs;
    QTest::newRow("hangup with the cause as text")
        << int(EventType::Hangup) << u"HANGUP"_qs
        << QJsonObject { { u"hangup_cause"_qs, u"17"_qs } } << u"Hangup (cause 17, user busy)"_qs;
    QTest::newRow("hangup with a FreeSWITCH cause name")
        << int(EventType::Hangup) << u"hangup"_qs
        << QJsonObject { { u"hangup_cause"_qs, u"NORMAL_CLEARING"_qs } }
        << u"Hangup (normal clearing)"_qs;
    QTest::newRow("hangup without a cause")
        << int(EventType::Hangup) << u"HANGUP"_qs << QJsonObject() << u"Hangup"_qs;
    QTest::newRow("blind transfer")
        << int(EventType::Transfer) << u"BLINDTRANSFER"_qs
        << QJsonObject { { u"target"_qs, u"1001"_qs } } << u"Blind transfer to 1001"_qs;
    QTest::newRow("attended transfer from the kind")
        << int(EventType::Transfer) << u"TRANSFER"_qs
        << QJsonObject { { u"kind"_qs, u"attended"_qs }, { u"target"_qs, u"s@user"_qs } }
        << u"Attended transfer to s@user"_qs;
    // What the importer writes: kind and target (CEL, queue_log and inferred CDR transfers).
    QTest::newRow("CEL blind transfer to a queue")
        << int(EventType::Transfer) << u"BLINDTRANSFER"_qs
        << QJsonObject { { u"kind"_qs, u"blind"_qs }, { u"target"_qs, u"8003@queues"_qs } }
        << u"Blind transfer to 8003@queues"_qs;
    QTest::newRow("CEL attended transfer to a channel")
        << int(EventType::Transfer) << u"ATTENDEDTRANSFER"_qs
        << QJsonObject { { u"kind"_qs, u"attended"_qs },
                         { u"target"_qs, u"PJSIP/2001-00000005"_qs } }
        << u"Attended transfer to PJSIP/2001-00000005"_qs;
    QTest::newRow("the kind wins over the record's word")
        << int(EventType::Transfer) << u"BLINDTRANSFER"_qs
        << QJsonObject { { u"kind"_qs, u"attended"_qs }, { u"target"_qs, u"8003"_qs } }
        << u"Attended transfer to 8003"_qs;
    QTest::newRow("queue_log TRANSFER")
        << int(EventType::Transfer) << u"TRANSFER"_qs
        << QJsonObject { { u"kind"_qs, u"transfer"_qs }, { u"target"_qs, u"s@user"_qs } }
        << u"Transferred to s@user"_qs;
    QTest::newRow("transfer inferred from CDR rows")
        << int(EventType::Transfer) << u"end"_qs
        << QJsonObject { { u"kind"_qs, u"blind"_qs },
                         { u"target"_qs, u"SIP/charlie-0000000a"_qs },
                         { u"inferred"_qs, true } }
        << u"Blind transfer to SIP/charlie-0000000a (inferred from CDR)"_qs;
    QTest::newRow("conference application")
        << int(EventType::ConferenceEnter) << u"APP_START"_qs
        << QJsonObject { { u"app"_qs, u"ConfBridge"_qs }, { u"conference"_qs, u"7001"_qs } }
        << u"Joined conference 7001"_qs;
    QTest::newRow("conference application ends")
        << int(EventType::Other) << u"APP_END"_qs
        << QJsonObject { { u"app"_qs, u"ConfBridge"_qs }, { u"conference_left"_qs, u"7001"_qs } }
        << u"Left conference 7001"_qs;
    QTest::newRow("CDR row that is not the leg's last")
        << int(EventType::Other) << u"end"_qs
        << QJsonObject { { u"disposition"_qs, u"NO ANSWER"_qs }, { u"billsec"_qs, 0 } }
        << u"Conversation ended (no answer)"_qs;
    QTest::newRow("queue_log CONNECT beside CEL")
        << int(EventType::Other) << u"CONNECT"_qs
        << QJsonObject { { u"queue"_qs, u"billing"_qs }, { u"agent"_qs, u"Agent F"_qs } }
        << u"Answered from queue billing"_qs;
    QTest::newRow("dialplan application")
        << int(EventType::Other) << u"APP_START"_qs
        << QJsonObject { { u"app"_qs, u"Playback"_qs },
                         { u"appdata"_qs, u"custom/please-hold"_qs } }
        << u"Started Playback"_qs;
    QTest::newRow("transfer of unknown kind")
        << int(EventType::Transfer) << u"TRANSFER"_qs << QJsonObject() << u"Transferred"_qs;
    QTest::newRow("holding bridge")
        << int(EventType::BridgeEnter) << u"BRIDGE_ENTER"_qs
        << QJsonObject { { u"bridge_technology"_qs, u"holding_bridge"_qs } }
        << u"Waiting in a holding bridge"_qs;
    QTest::newRow("talk bridge") << int(EventType::BridgeEnter) << u"BRIDGE_ENTER"_qs
                                 << QJsonObject { { u"bridge_technology"_qs, u"simple_bridge"_qs } }
                                 << u"Joined the conversation"_qs;
    QTest::newRow("other keeps the record's word")
        << int(EventType::Other) << u"PAUSEALL"_qs << QJsonObject() << u"PAUSEALL"_qs;
}

void TestCallText::eventDescription()
{
    QFETCH(int, type);
    QFETCH(QString, sourceType);
    QFETCH(QJsonObject, details);
    QFETCH(QString, expected);

    const Call call = UiTestCall::make();
    CallEvent event;
    event.type = EventType(type);
    event.sourceType = sourceType;
    event.details = details;
    event.participantId = u"op"_qs;
    QCOMPARE(CallText::eventDescription(call, event), expected);
}

void TestCallText::participantLabel_data()
{
    QTest::addColumn<int>("role");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("number");
    QTest::addColumn<QString>("expected");

    QTest::newRow("caller by number")
        << int(ParticipantRole::Caller) << u"Alice"_qs << u"8001"_qs << u"Caller 8001"_qs;
    QTest::newRow("caller without number")
        << int(ParticipantRole::Caller) << u"Alice"_qs << QString() << u"Caller Alice"_qs;
    QTest::newRow("queue") << int(ParticipantRole::Queue) << u"q12"_qs << QString()
                           << u"Queue q12"_qs;
    QTest::newRow("queue already named so") << int(ParticipantRole::Queue) << u"Queue complaints"_qs
                                            << QString() << u"Queue complaints"_qs;
    QTest::newRow("agent") << int(ParticipantRole::Agent) << u"Agent/12"_qs << QString()
                           << u"Agent/12"_qs;
    QTest::newRow("ivr") << int(ParticipantRole::Ivr) << u"main-menu"_qs << QString()
                         << u"IVR main-menu"_qs;
    QTest::newRow("external by number")
        << int(ParticipantRole::External) << QString() << u"+15550100799"_qs << u"+15550100799"_qs;
}

void TestCallText::participantLabel()
{
    QFETCH(int, role);
    QFETCH(QString, name);
    QFETCH(QString, number);
    QFETCH(QString, expected);
    const Participant participant { u"id"_qs, ParticipantRole(role), name, number };
    QCOMPARE(CallText::participantLabel(participant), expected);
}

void TestCallText::hangupCause_data()
{
    QTest::addColumn<QJsonValue>("cause");
    QTest::addColumn<QString>("expected");

    QTest::newRow("known") << QJsonValue(19) << u"cause 19, no answer"_qs;
    QTest::newRow("unknown number") << QJsonValue(99) << u"cause 99"_qs;
    QTest::newRow("missing") << QJsonValue() << QString();
    QTest::newRow("empty text") << QJsonValue(u""_qs) << QString();
}

void TestCallText::hangupCause()
{
    QFETCH(QJsonValue, cause);
    QFETCH(QString, expected);
    QCOMPARE(CallText::hangupCause(cause), expected);
}

void TestCallText::eventParticipantFallsBackToTheLeg()
{
    const Call call = UiTestCall::make();
    CallEvent event;
    event.legId = u"1694023646.9"_qs;
    QCOMPARE(CallText::eventParticipantId(call, event), u"op"_qs);
    event.participantId = u"q"_qs;
    QCOMPARE(CallText::eventParticipantId(call, event), u"q"_qs);
    QCOMPARE(CallText::participantLabel(call, u"nobody"_qs), u"nobody"_qs);
}

void TestCallText::eventDetails()
{
    CallEvent event;
    event.sourceType = u"HANGUP"_qs;
    event.details = { { u"hangup_cause"_qs, 16 }, { u"dialstatus"_qs, u"ANSWER"_qs } };
    // QJsonObject keeps its keys sorted.
    QCOMPARE(CallText::eventDetails(event), u"HANGUP · dialstatus: ANSWER · hangup cause: 16"_qs);
}

void TestCallText::caller()
{
    CallSummary summary;
    QCOMPARE(CallText::caller(summary), u"unknown"_qs);
    summary.caller = u"8001"_qs;
    QCOMPARE(CallText::caller(summary), u"8001"_qs);
    summary.callerName = u"Alice"_qs;
    QCOMPARE(CallText::caller(summary), u"Alice (8001)"_qs);
    summary.callerName = u"8001"_qs;
    QCOMPARE(CallText::caller(summary), u"8001"_qs);

    // The queue_log sample masks the caller's number as ten '#'.
    summary.caller = u"##########"_qs;
    summary.callerName.clear();
    QCOMPARE(CallText::caller(summary), u"withheld (##########)"_qs);
    QCOMPARE(CallText::number(u"XXX"_qs), u"withheld (XXX)"_qs);
    QCOMPARE(CallText::number(u"+15550100581"_qs), u"+15550100581"_qs);
}

void TestCallText::endedBy()
{
    // The hand-built call's hangups name no source: the records do not say who ended it.
    Call call = UiTestCall::make();
    QCOMPARE(CallText::endedBy(call), QString());

    // The caller's final hangup (event 9) names the operator's channel as its source.
    call.events[9].details.insert(u"hangup_source"_qs, u"PJSIP/1001-00000009"_qs);
    QCOMPARE(CallText::endedBy(call), u"Operator"_qs);

    call.events[9].details.insert(u"hangup_source"_qs, u"dialplan/builtin"_qs);
    QCOMPARE(CallText::endedBy(call), u"the dialplan"_qs);

    // queue_log's COMPLETECALLER, written after the hangups, says the caller did.
    CallEvent complete;
    complete.type = EventType::Other;
    complete.sourceType = u"COMPLETECALLER"_qs;
    complete.participantId = u"op"_qs;
    call.events.append(complete);
    QCOMPARE(CallText::endedBy(call), u"Caller 8001"_qs);
}

QTEST_GUILESS_MAIN(TestCallText)
#include "tst_calltext.moc"
