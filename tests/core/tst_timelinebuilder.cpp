#include "model/timelinebuilder.h"

#include <QTest>

// Hand-built calls: every expected segment below is read off the event list by hand.
namespace {

constexpr qint64 kBase = Q_INT64_C(1700000000000000); // 2023-11-14T22:13:20Z

Timestamp at(double seconds)
{
    return Timestamp::fromMicroseconds(kBase + qint64(seconds * 1e6 + (seconds >= 0 ? 0.5 : -0.5)));
}

CallEvent ev(EventType type, double seconds, const QString &leg, QJsonObject details = {})
{
    CallEvent e;
    e.type = type;
    e.time = at(seconds);
    e.legId = leg;
    e.sourceType = toString(type).toUpper();
    e.details = details;
    return e;
}

QJsonObject bridge(const QString &id, bool holding = false)
{
    QJsonObject details { { EventDetail::BridgeId, id } };
    if (holding)
        details.insert(EventDetail::BridgeTechnology, u"holding_bridge"_qs);
    return details;
}

struct Expected
{
    QString participant;
    SegmentKind kind;
    double start;
    double end;
};

// Caller "c" (leg c1), agents "a" (a1) and "b" (b1), queue "q1".
Call threePartyCall()
{
    Call call;
    call.summary.crn = u"c1"_qs;
    call.participants = {
        { u"c"_qs, ParticipantRole::Caller, u"Customer"_qs, u"+15550100123"_qs },
        { u"a"_qs, ParticipantRole::Agent, u"Agent A"_qs, u"2001"_qs },
        { u"b"_qs, ParticipantRole::Agent, u"Bob"_qs, u"2002"_qs },
        { u"queue:q1"_qs, ParticipantRole::Queue, u"q1"_qs, {} },
    };
    call.legs = {
        { u"c1"_qs, u"PJSIP/trunk-00000001"_qs, u"c"_qs, {}, {}, {} },
        { u"a1"_qs, u"PJSIP/agenta-00000002"_qs, u"a"_qs, {}, {}, {} },
        { u"b1"_qs, u"PJSIP/bob-00000003"_qs, u"b"_qs, {}, {}, {} },
    };
    return call;
}

void compareSegments(const Call &call, const QList<Expected> &expected)
{
    QStringList actual;
    for (const Segment &segment : call.segments)
        actual << QStringLiteral("%1 %2 %3-%4")
                      .arg(segment.participantId, toString(segment.kind))
                      .arg(double(segment.start - at(0)) / 1e6)
                      .arg(double(segment.end - at(0)) / 1e6);
    QStringList wanted;
    for (const Expected &segment : expected)
        wanted << QStringLiteral("%1 %2 %3-%4")
                      .arg(segment.participant, toString(segment.kind))
                      .arg(segment.start)
                      .arg(segment.end);
    if (actual != wanted)
        qWarning().noquote() << "actual segments:\n " << actual.join(u"\n  "_qs);
    QCOMPARE(actual, wanted);
}

} // namespace

class TestTimelineBuilder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void queueThenTalkThenHangup();
    void holdingBridgeIsQueueBeforeTalkAndHoldAfter();
    void conferenceWithThreeParties();
    void localChannelPairCarriesTheCall();
    void localHalfRunningAnIvr();
    void wrapUpLastsItsDuration();
    void glitchesAreAbsorbed();
    void isolatedBlipGoes();
    void dayLongCallIsFlagged();
    void abandonedInQueue_data();
    void abandonedInQueue();
    void outcomeFromDialStatus_data();
    void outcomeFromDialStatus();
    void directionRules_data();
    void directionRules();
    void sortsByTimeThenLifeOrder();
    void ringingStopsWhenAnotherAnswers();
    void holdEventsAndTransfer();
    void holdOnTheAgentsChannelHoldsTheCaller();
    void conferenceApplicationIsConference();
    void blindTransferIntoQueueWaitsFromTheTransfer();
    void blindTransferIntoAnIvrIsNotAQueue();
    void flagsLegWithoutHangup();
};

void TestTimelineBuilder::queueThenTalkThenHangup()
{
    Call call = threePartyCall();
    // Events handed over out of order: the builder sorts them.
    call.events = {
        ev(EventType::Hangup, 100, u"c1"_qs, { { EventDetail::HangupCause, 16 } }),
        ev(EventType::ChannelStart, 0, u"c1"_qs, { { EventDetail::Dialed, u"0800123"_qs } }),
        ev(EventType::QueueEnter, 10, u"c1"_qs, { { EventDetail::Queue, u"q1"_qs } }),
        ev(EventType::ChannelStart, 30, u"a1"_qs),
        ev(EventType::Answer, 40, u"a1"_qs),
        ev(EventType::BridgeEnter, 40, u"c1"_qs, bridge(u"x"_qs)),
        ev(EventType::BridgeEnter, 40.5, u"a1"_qs, bridge(u"x"_qs)),
        ev(EventType::BridgeExit, 99, u"a1"_qs, bridge(u"x"_qs)),
        ev(EventType::Hangup, 99.5, u"a1"_qs),
        ev(EventType::BridgeExit, 99.9, u"c1"_qs, bridge(u"x"_qs)),
    };
    TimelineBuilder::build(call);

    // The caller is in the IVR until the queue, queued until the agent is in the bridge
    // (40.5: alone in the bridge it still waits), then talks until the agent leaves at 99.
    // Alone in the bridge after the talk nothing happens to it (no lane) until its own bridge
    // exit at 99.9 puts it back in the dialplan, the IVR, until its hangup at 100.
    compareSegments(call,
                    {
                        { u"c"_qs, SegmentKind::Ivr, 0, 10 },
                        { u"c"_qs, SegmentKind::Queue, 10, 40.5 },
                        { u"c"_qs, SegmentKind::Talk, 40.5, 99 },
                        { u"c"_qs, SegmentKind::Ivr, 99.9, 100 },
                        { u"a"_qs, SegmentKind::Ringing, 30, 40.5 },
                        { u"a"_qs, SegmentKind::Talk, 40.5, 99 },
                        { u"queue:q1"_qs, SegmentKind::Queue, 10, 40.5 },
                    });

    QCOMPARE(toString(call.events.first().type), toString(EventType::ChannelStart));
    QCOMPARE(call.events.first().participantId, u"c"_qs);
    const Leg *agent = call.leg(u"a1"_qs);
    QVERIFY(agent);
    QCOMPARE(agent->start, at(30));
    QCOMPARE(agent->answer, at(40));
    QCOMPARE(agent->end, at(99.5));

    QCOMPARE(call.summary.crn, u"c1"_qs); // left as given
    QCOMPARE(call.summary.start, at(0));
    QCOMPARE(call.summary.end, at(100));
    QCOMPARE(call.summary.caller, u"+15550100123"_qs);
    QCOMPARE(call.summary.callerName, u"Customer"_qs);
    QCOMPARE(call.summary.dialed, u"0800123"_qs);
    QCOMPARE(call.summary.queues, QStringList { u"q1"_qs });
    QCOMPARE(call.summary.agents, QStringList { u"Agent A"_qs });
    QCOMPARE(toString(call.summary.direction), toString(CallDirection::Inbound));
    QCOMPARE(toString(call.summary.outcome), toString(CallOutcome::Answered));
    QCOMPARE(call.summary.flagCount, 0);
}

void TestTimelineBuilder::holdingBridgeIsQueueBeforeTalkAndHoldAfter()
{
    Call call = threePartyCall();
    call.events = {
        ev(EventType::ChannelStart, 0, u"c1"_qs),
        ev(EventType::BridgeEnter, 2, u"c1"_qs, bridge(u"waiting"_qs, true)),
        ev(EventType::ChannelStart, 4, u"a1"_qs),
        ev(EventType::BridgeExit, 5, u"c1"_qs, bridge(u"waiting"_qs, true)),
        ev(EventType::Answer, 6, u"a1"_qs),
        ev(EventType::BridgeEnter, 6, u"c1"_qs, bridge(u"talk"_qs)),
        ev(EventType::BridgeEnter, 6, u"a1"_qs, bridge(u"talk"_qs)),
        ev(EventType::BridgeExit, 10, u"c1"_qs, bridge(u"talk"_qs)),
        ev(EventType::BridgeEnter, 10, u"c1"_qs, bridge(u"parked"_qs, true)),
        ev(EventType::BridgeExit, 10.2, u"a1"_qs, bridge(u"talk"_qs)),
        ev(EventType::Hangup, 10.3, u"a1"_qs),
        ev(EventType::BridgeExit, 20, u"c1"_qs, bridge(u"parked"_qs, true)),
        ev(EventType::Hangup, 20, u"c1"_qs),
    };
    TimelineBuilder::build(call);

    // Before any talk the holding bridge is a queue; after talk, hold. Leaving the waiting
    // bridge alive (5) the caller is on its way to the agent: ringing.
    compareSegments(call,
                    {
                        { u"c"_qs, SegmentKind::Ivr, 0, 2 },
                        { u"c"_qs, SegmentKind::Queue, 2, 5 },
                        { u"c"_qs, SegmentKind::Ringing, 5, 6 },
                        { u"c"_qs, SegmentKind::Talk, 6, 10 },
                        { u"c"_qs, SegmentKind::Hold, 10, 20 },
                        { u"a"_qs, SegmentKind::Ringing, 4, 6 },
                        { u"a"_qs, SegmentKind::Talk, 6, 10 },
                    });
}

void TestTimelineBuilder::conferenceWithThreeParties()
{
    Call call = threePartyCall();
    call.events = {
        ev(EventType::ChannelStart, 0, u"c1"_qs),
        ev(EventType::ChannelStart, 1, u"a1"_qs),
        ev(EventType::Answer, 2, u"a1"_qs),
        ev(EventType::BridgeEnter, 2, u"c1"_qs, bridge(u"x"_qs)),
        ev(EventType::BridgeEnter, 2, u"a1"_qs, bridge(u"x"_qs)),
        ev(EventType::ChannelStart, 10, u"b1"_qs),
        ev(EventType::Answer, 12, u"b1"_qs),
        ev(EventType::BridgeEnter, 12, u"b1"_qs, bridge(u"x"_qs)),
        ev(EventType::BridgeExit, 20, u"b1"_qs, bridge(u"x"_qs)),
        ev(EventType::Hangup, 20, u"b1"_qs),
        ev(EventType::BridgeExit, 30, u"a1"_qs, bridge(u"x"_qs)),
        ev(EventType::BridgeExit, 30, u"c1"_qs, bridge(u"x"_qs)),
        ev(EventType::Hangup, 30, u"a1"_qs),
        ev(EventType::Hangup, 30, u"c1"_qs),
    };
    TimelineBuilder::build(call);

    // The caller hears ringing from 1, when the agent's phone starts ringing. Bob rings from 10
    // while the others talk: the caller keeps talking (a bridge outranks someone else's
    // ringing). From 12 to 20 three people share the bridge.
    compareSegments(call,
                    {
                        { u"c"_qs, SegmentKind::Ivr, 0, 1 },
                        { u"c"_qs, SegmentKind::Ringing, 1, 2 },
                        { u"c"_qs, SegmentKind::Talk, 2, 12 },
                        { u"c"_qs, SegmentKind::Conference, 12, 20 },
                        { u"c"_qs, SegmentKind::Talk, 20, 30 },
                        { u"a"_qs, SegmentKind::Ringing, 1, 2 },
                        { u"a"_qs, SegmentKind::Talk, 2, 12 },
                        { u"a"_qs, SegmentKind::Conference, 12, 20 },
                        { u"a"_qs, SegmentKind::Talk, 20, 30 },
                        { u"b"_qs, SegmentKind::Ringing, 10, 12 },
                        { u"b"_qs, SegmentKind::Conference, 12, 20 },
                    });
    QCOMPARE(call.summary.agents, (QStringList { u"Agent A"_qs, u"Bob"_qs }));
}

void TestTimelineBuilder::localChannelPairCarriesTheCall()
{
    Call call = threePartyCall();
    // Local halves have no participant: plumbing, no lane.
    call.legs.append({ u"l1"_qs, u"Local/2001@agents-00000001;1"_qs, {}, {}, {}, {} });
    call.legs.append({ u"l2"_qs, u"Local/2001@agents-00000001;2"_qs, {}, {}, {}, {} });
    call.events = {
        ev(EventType::ChannelStart, 0, u"c1"_qs),
        ev(EventType::ChannelStart, 1, u"l1"_qs),
        ev(EventType::ChannelStart, 1, u"l2"_qs),
        ev(EventType::ChannelStart, 1.5, u"a1"_qs),
        ev(EventType::Answer, 5, u"a1"_qs),
        ev(EventType::BridgeEnter, 5.1, u"a1"_qs, bridge(u"far"_qs)),
        ev(EventType::BridgeEnter, 5.2, u"l2"_qs, bridge(u"far"_qs)),
        ev(EventType::BridgeEnter, 5.3, u"l1"_qs, bridge(u"near"_qs)),
        ev(EventType::BridgeEnter, 5.4, u"c1"_qs, bridge(u"near"_qs)),
        ev(EventType::BridgeExit, 9, u"c1"_qs, bridge(u"near"_qs)),
        ev(EventType::Hangup, 9.5, u"c1"_qs),
        ev(EventType::Hangup, 9.6, u"l1"_qs),
        ev(EventType::Hangup, 9.7, u"l2"_qs),
        ev(EventType::Hangup, 9.8, u"a1"_qs),
    };
    TimelineBuilder::build(call);

    // The caller reaches the agent through near bridge -> Local;1 = Local;2 -> far bridge.
    compareSegments(call,
                    {
                        { u"c"_qs, SegmentKind::Ivr, 0, 1.5 },
                        { u"c"_qs, SegmentKind::Ringing, 1.5, 5.4 },
                        { u"c"_qs, SegmentKind::Talk, 5.4, 9 },
                        { u"c"_qs, SegmentKind::Ivr, 9, 9.5 },
                        { u"a"_qs, SegmentKind::Ringing, 1.5, 5.4 },
                        { u"a"_qs, SegmentKind::Talk, 5.4, 9 },
                    });
    QCOMPARE(call.legs.size(), 5); // plumbing legs are kept, with their times
    QCOMPARE(call.leg(u"l1"_qs)->start, at(1));
}

void TestTimelineBuilder::localHalfRunningAnIvr()
{
    Call call;
    call.participants = {
        { u"c"_qs, ParticipantRole::Caller, u"Caller"_qs, {} },
        { u"ivr"_qs, ParticipantRole::Ivr, u"Playback"_qs, {} },
    };
    call.legs = {
        { u"c1"_qs, u"SIP/caller-00000001"_qs, u"c"_qs, {}, {}, {} },
        { u"l1"_qs, u"Local/x@default-1545;1"_qs, {}, {}, {}, {} },
        { u"l2"_qs, u"Local/x@default-1545;2"_qs, u"ivr"_qs, {}, {}, {} },
    };
    QJsonObject pre12 = bridge(u"bridge:SIP/caller-00000001"_qs);
    pre12.insert(EventDetail::Peer, u"Local/x@default-1545;1"_qs);
    pre12.insert(EventDetail::PeerJoins, true);
    call.events = {
        ev(EventType::ChannelStart, 0, u"c1"_qs),
        ev(EventType::ChannelStart, 0.1, u"l1"_qs),
        ev(EventType::ChannelStart, 0.2, u"l2"_qs),
        ev(EventType::Answer, 0.3, u"l2"_qs),
        ev(EventType::Answer, 0.4, u"l1"_qs),
        ev(EventType::BridgeEnter, 0.5, u"c1"_qs, pre12), // BRIDGE_START names the peer
        ev(EventType::Hangup, 17, u"l2"_qs),
        ev(EventType::BridgeExit, 17.1, u"c1"_qs, pre12),
        ev(EventType::Hangup, 18, u"c1"_qs),
    };
    TimelineBuilder::build(call);

    // Bridged with a Local half whose other half plays a prompt: the caller is in the IVR all
    // along; the IVR lane rings until it answers.
    compareSegments(call,
                    {
                        { u"c"_qs, SegmentKind::Ivr, 0, 18 },
                        { u"ivr"_qs, SegmentKind::Ringing, 0.2, 0.3 },
                        { u"ivr"_qs, SegmentKind::Ivr, 0.3, 17 },
                    });
    QCOMPARE(call.summary.agents, QStringList());
}

void TestTimelineBuilder::wrapUpLastsItsDuration()
{
    Call call = threePartyCall();
    call.events = {
        ev(EventType::QueueEnter, 0, u"c1"_qs, { { EventDetail::Queue, u"q1"_qs } }),
        ev(EventType::Answer, 3, u"a1"_qs),
        ev(EventType::BridgeEnter, 3, u"a1"_qs, bridge(u"q"_qs)),
        ev(EventType::BridgeEnter, 3, u"c1"_qs, bridge(u"q"_qs)),
        ev(EventType::BridgeExit, 20, u"a1"_qs, bridge(u"q"_qs)),
        ev(EventType::BridgeExit, 20, u"c1"_qs, bridge(u"q"_qs)),
        ev(EventType::Hangup, 20, u"a1"_qs),
        ev(EventType::WrapUpStart, 20.5, u"a1"_qs, { { EventDetail::Duration, 15 } }),
    };
    TimelineBuilder::build(call);

    // The wrap-up runs past the last record: 20.5 + 15 s.
    compareSegments(call,
                    {
                        { u"c"_qs, SegmentKind::Queue, 0, 3 },
                        { u"c"_qs, SegmentKind::Talk, 3, 20 },
                        { u"a"_qs, SegmentKind::Talk, 3, 20 },
                        { u"a"_qs, SegmentKind::WrapUp, 20.5, 35.5 },
                        { u"queue:q1"_qs, SegmentKind::Queue, 0, 3 },
                    });
    QCOMPARE(call.summary.end, at(20.5)); // the call ends with its last record
}

void TestTimelineBuilder::glitchesAreAbsorbed()
{
    Call call = threePartyCall();
    call.events = {
        ev(EventType::ChannelStart, 0, u"c1"_qs),
        ev(EventType::ChannelStart, 0, u"a1"_qs),
        ev(EventType::Answer, 1, u"a1"_qs),
        ev(EventType::BridgeEnter, 1, u"a1"_qs, bridge(u"x"_qs)),
        ev(EventType::BridgeEnter, 1, u"c1"_qs, bridge(u"x"_qs)),
        // Local channel optimisation: out and back in 0.1 ms later.
        ev(EventType::BridgeExit, 2, u"a1"_qs, bridge(u"x"_qs)),
        ev(EventType::BridgeEnter, 2.0001, u"a1"_qs, bridge(u"x"_qs)),
        ev(EventType::BridgeExit, 5, u"a1"_qs, bridge(u"x"_qs)),
        ev(EventType::Hangup, 5, u"a1"_qs),
        // 3 ms alone in the bridge before hanging up: the talk ended at 5, nothing follows.
        ev(EventType::BridgeExit, 5.003, u"c1"_qs, bridge(u"x"_qs)),
        ev(EventType::Hangup, 5.003, u"c1"_qs),
    };
    TimelineBuilder::build(call);

    compareSegments(call,
                    {
                        { u"c"_qs, SegmentKind::Ringing, 0, 1 },
                        { u"c"_qs, SegmentKind::Talk, 1, 5 },
                        { u"a"_qs, SegmentKind::Ringing, 0, 1 },
                        { u"a"_qs, SegmentKind::Talk, 1, 5 },
                    });
    for (const Segment &segment : std::as_const(call.segments))
        QVERIFY2(segment.end > segment.start, "no zero-length segments");
}

void TestTimelineBuilder::dayLongCallIsFlagged()
{
    // A hangup 25 hours (90000 s) after the start, as a CDR with a mistyped end date gives.
    Call call = threePartyCall();
    call.events = {
        ev(EventType::ChannelStart, 0, u"c1"_qs),
        ev(EventType::Hangup, 90000, u"c1"_qs),
    };
    TimelineBuilder::build(call);

    QCOMPARE(call.flags.size(), 1);
    QCOMPARE(call.flags.first().code, u"implausible_duration"_qs);
    QVERIFY2(call.flags.first().message.contains(u"25 hours"_qs),
             qPrintable(call.flags.first().message));

    // 23 hours is long, but possible.
    call.events.last().time = call.events.first().time.addMicroseconds(Q_INT64_C(82800000000));
    call.flags.clear();
    TimelineBuilder::build(call);
    QVERIFY(call.flags.isEmpty());
}

void TestTimelineBuilder::isolatedBlipGoes()
{
    Call call = threePartyCall();
    call.events = {
        ev(EventType::ChannelStart, 0, u"c1"_qs),
        ev(EventType::ChannelStart, 0, u"a1"_qs),
        ev(EventType::Answer, 1, u"a1"_qs),
        ev(EventType::BridgeEnter, 1, u"a1"_qs, bridge(u"x"_qs)),
        ev(EventType::BridgeEnter, 1, u"c1"_qs, bridge(u"x"_qs)),
        ev(EventType::BridgeExit, 5, u"a1"_qs, bridge(u"x"_qs)),
        ev(EventType::Hangup, 5, u"a1"_qs),
        // Alone in the bridge 5-5.02 (no lane), then 1 ms in the dialplan before the hangup.
        ev(EventType::BridgeExit, 5.02, u"c1"_qs, bridge(u"x"_qs)),
        ev(EventType::Hangup, 5.021, u"c1"_qs),
    };
    TimelineBuilder::build(call);

    compareSegments(call,
                    {
                        { u"c"_qs, SegmentKind::Ringing, 0, 1 },
                        { u"c"_qs, SegmentKind::Talk, 1, 5 },
                        { u"a"_qs, SegmentKind::Ringing, 0, 1 },
                        { u"a"_qs, SegmentKind::Talk, 1, 5 },
                    });
}

void TestTimelineBuilder::abandonedInQueue_data()
{
    QTest::addColumn<int>("ending");
    QTest::addColumn<double>("callerEnd");

    // The caller's records end at 30 s: a queue_log ABANDON, a hangup while queued, or (CEL)
    // the Queue application ending 2 ms before the hangup that ended it; that 2 ms blip after
    // the queue joins it.
    QTest::newRow("queue_log ABANDON") << 0 << 30.0;
    QTest::newRow("caller hangs up in the queue") << 1 << 30.0;
    QTest::newRow("queue ends with the hangup") << 2 << 30.002;
}

void TestTimelineBuilder::abandonedInQueue()
{
    QFETCH(int, ending);
    QFETCH(double, callerEnd);

    Call call = threePartyCall();
    call.events = {
        ev(EventType::QueueEnter, 0, u"c1"_qs, { { EventDetail::Queue, u"q1"_qs } }),
        ev(EventType::Ringing, 5, u"a1"_qs),
        ev(EventType::Hangup, 9, u"a1"_qs, { { EventDetail::DialStatus, u"NOANSWER"_qs } }),
    };
    if (ending == 0) {
        call.events.append(ev(EventType::Abandon, 30, u"c1"_qs));
    } else if (ending == 1) {
        call.events.append(ev(EventType::Hangup, 30, u"c1"_qs));
    } else {
        call.events.append(ev(EventType::QueueLeave, 30, u"c1"_qs));
        call.events.append(ev(EventType::Hangup, 30.002, u"c1"_qs));
    }
    TimelineBuilder::build(call);

    QCOMPARE(toString(call.summary.outcome), toString(CallOutcome::Abandoned));
    QCOMPARE(call.summary.agents, QStringList());
    compareSegments(call,
                    {
                        { u"c"_qs, SegmentKind::Queue, 0, callerEnd },
                        { u"a"_qs, SegmentKind::Ringing, 5, 9 },
                        { u"queue:q1"_qs, SegmentKind::Queue, 0, 30 },
                    });
}

void TestTimelineBuilder::outcomeFromDialStatus_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("status");
    QTest::addColumn<CallOutcome>("outcome");

    QTest::newRow("CEL busy") << u"dialstatus"_qs << u"BUSY"_qs << CallOutcome::Busy;
    QTest::newRow("CEL no answer") << u"dialstatus"_qs << u"NOANSWER"_qs << CallOutcome::NoAnswer;
    QTest::newRow("CEL congestion") << u"dialstatus"_qs << u"CONGESTION"_qs << CallOutcome::Failed;
    QTest::newRow("CDR no answer") << u"disposition"_qs << u"NO ANSWER"_qs << CallOutcome::NoAnswer;
    QTest::newRow("CDR answered, nobody else")
        << u"disposition"_qs << u"ANSWERED"_qs << CallOutcome::Answered;
    QTest::newRow("no word") << u"dialstatus"_qs << QString() << CallOutcome::Unknown;
}

void TestTimelineBuilder::outcomeFromDialStatus()
{
    QFETCH(QString, key);
    QFETCH(QString, status);
    QFETCH(CallOutcome, outcome);

    Call call = threePartyCall();
    QJsonObject details;
    if (!status.isEmpty())
        details.insert(key, status);
    call.events = {
        ev(EventType::ChannelStart, 0, u"c1"_qs),
        ev(EventType::ChannelStart, 1, u"b1"_qs),
        ev(EventType::Hangup, 11, u"b1"_qs),
        ev(EventType::Hangup, 11, u"c1"_qs, details),
    };
    TimelineBuilder::build(call);
    QCOMPARE(toString(call.summary.outcome), toString(outcome));
}

void TestTimelineBuilder::directionRules_data()
{
    QTest::addColumn<QString>("caller");
    QTest::addColumn<QString>("dialed");
    QTest::addColumn<QString>("marker");
    QTest::addColumn<CallDirection>("direction");

    QTest::newRow("extension to extension")
        << u"1001"_qs << u"1002"_qs << QString() << CallDirection::Internal;
    QTest::newRow("extension to a number")
        << u"1001"_qs << u"+15550100999"_qs << QString() << CallDirection::Outbound;
    QTest::newRow("number to a DID")
        << u"+15550100123"_qs << u"5550100"_qs << QString() << CallDirection::Inbound;
    QTest::newRow("a record says inbound")
        << u"8001"_qs << u"91001"_qs << u"inbound"_qs << CallDirection::Inbound;
    QTest::newRow("nothing known") << QString() << QString() << QString() << CallDirection::Unknown;
}

void TestTimelineBuilder::directionRules()
{
    QFETCH(QString, caller);
    QFETCH(QString, dialed);
    QFETCH(QString, marker);
    QFETCH(CallDirection, direction);

    Call call;
    call.participants = { { u"c"_qs, ParticipantRole::Caller, {}, caller } };
    call.legs = { { u"c1"_qs, {}, u"c"_qs, {}, {}, {} } };
    call.events = { ev(EventType::ChannelStart, 0, u"c1"_qs, { { EventDetail::Dialed, dialed } }) };
    if (!marker.isEmpty())
        call.events.append(
            ev(EventType::Other, 1, u"c1"_qs, { { EventDetail::Direction, marker } }));
    TimelineBuilder::build(call);
    QCOMPARE(toString(call.summary.direction), toString(direction));
}

void TestTimelineBuilder::sortsByTimeThenLifeOrder()
{
    QList<CallEvent> events = {
        ev(EventType::ChannelEnd, 5, u"x"_qs),   ev(EventType::Hangup, 5, u"x"_qs),
        ev(EventType::BridgeEnter, 5, u"x"_qs),  ev(EventType::BridgeExit, 5, u"x"_qs),
        ev(EventType::ChannelStart, 1, u"x"_qs),
    };
    TimelineBuilder::sortEvents(events);
    QStringList order;
    for (const CallEvent &e : std::as_const(events))
        order.append(toString(e.type));
    QCOMPARE(order,
             (QStringList { u"channel_start"_qs, u"bridge_exit"_qs, u"bridge_enter"_qs,
                            u"hangup"_qs, u"channel_end"_qs }));
}

void TestTimelineBuilder::ringingStopsWhenAnotherAnswers()
{
    Call call = threePartyCall();
    // A ring-all: both agents ring from 1; a answers at 4. b's records (a CDR) only end at 60.
    call.events = {
        ev(EventType::QueueEnter, 0, u"c1"_qs, { { EventDetail::Queue, u"q1"_qs } }),
        ev(EventType::ChannelStart, 1, u"a1"_qs),
        ev(EventType::ChannelStart, 1, u"b1"_qs),
        ev(EventType::Answer, 4, u"a1"_qs),
        ev(EventType::BridgeEnter, 4, u"a1"_qs, bridge(u"x"_qs)),
        ev(EventType::BridgeEnter, 4, u"c1"_qs, bridge(u"x"_qs)),
        ev(EventType::Hangup, 60, u"b1"_qs),
        ev(EventType::Hangup, 60, u"a1"_qs),
        ev(EventType::Hangup, 60, u"c1"_qs),
    };
    TimelineBuilder::build(call);
    compareSegments(call,
                    {
                        { u"c"_qs, SegmentKind::Queue, 0, 4 },
                        { u"c"_qs, SegmentKind::Talk, 4, 60 },
                        { u"a"_qs, SegmentKind::Ringing, 1, 4 },
                        { u"a"_qs, SegmentKind::Talk, 4, 60 },
                        { u"b"_qs, SegmentKind::Ringing, 1, 4 },
                        { u"queue:q1"_qs, SegmentKind::Queue, 0, 4 },
                    });
}

void TestTimelineBuilder::holdEventsAndTransfer()
{
    Call call = threePartyCall();
    call.events = {
        ev(EventType::ChannelStart, 0, u"c1"_qs),
        ev(EventType::Answer, 1, u"a1"_qs),
        ev(EventType::BridgeEnter, 1, u"a1"_qs, bridge(u"x"_qs)),
        ev(EventType::BridgeEnter, 1, u"c1"_qs, bridge(u"x"_qs)),
        ev(EventType::HoldStart, 10, u"c1"_qs),
        ev(EventType::HoldEnd, 15, u"c1"_qs),
        ev(EventType::Transfer, 20, u"c1"_qs,
           { { EventDetail::Kind, u"blind"_qs }, { EventDetail::Target, u"2002@default"_qs } }),
        ev(EventType::BridgeExit, 20, u"a1"_qs, bridge(u"x"_qs)),
        ev(EventType::Hangup, 20, u"a1"_qs),
        ev(EventType::BridgeExit, 20, u"c1"_qs, bridge(u"x"_qs)),
        ev(EventType::Hangup, 21, u"c1"_qs),
    };
    TimelineBuilder::build(call);

    // A hold is a state of the conversation: while the caller is on hold (10-15) the agent,
    // whose only company it is, has it on hold, and the agent's lane says so too.
    compareSegments(call,
                    {
                        { u"c"_qs, SegmentKind::Ivr, 0, 1 },
                        { u"c"_qs, SegmentKind::Talk, 1, 10 },
                        { u"c"_qs, SegmentKind::Hold, 10, 15 },
                        { u"c"_qs, SegmentKind::Talk, 15, 20 },
                        { u"c"_qs, SegmentKind::Ivr, 20, 21 },
                        { u"a"_qs, SegmentKind::Talk, 1, 10 },
                        { u"a"_qs, SegmentKind::Hold, 10, 15 },
                        { u"a"_qs, SegmentKind::Talk, 15, 20 },
                    });
    QCOMPARE(toString(call.summary.outcome), toString(CallOutcome::Transferred));
}

void TestTimelineBuilder::holdOnTheAgentsChannelHoldsTheCaller()
{
    // Asterisk's hold is recorded on the channel that pressed hold, the agent's.
    Call call = threePartyCall();
    call.events = {
        ev(EventType::ChannelStart, 0, u"c1"_qs),
        ev(EventType::ChannelStart, 0, u"a1"_qs),
        ev(EventType::Answer, 1, u"a1"_qs),
        ev(EventType::BridgeEnter, 1, u"a1"_qs, bridge(u"x"_qs)),
        ev(EventType::BridgeEnter, 1, u"c1"_qs, bridge(u"x"_qs)),
        ev(EventType::HoldStart, 10, u"a1"_qs),
        ev(EventType::HoldEnd, 15, u"a1"_qs),
        ev(EventType::BridgeExit, 20, u"a1"_qs, bridge(u"x"_qs)),
        ev(EventType::Hangup, 20, u"a1"_qs),
        ev(EventType::BridgeExit, 20, u"c1"_qs, bridge(u"x"_qs)),
        ev(EventType::Hangup, 20, u"c1"_qs),
    };
    TimelineBuilder::build(call);

    // The caller hears ringing while the agent's phone rings (0-1), talks, and from 10 to 15
    // is on hold: not back in the IVR, which nobody on the call is.
    compareSegments(call,
                    {
                        { u"c"_qs, SegmentKind::Ringing, 0, 1 },
                        { u"c"_qs, SegmentKind::Talk, 1, 10 },
                        { u"c"_qs, SegmentKind::Hold, 10, 15 },
                        { u"c"_qs, SegmentKind::Talk, 15, 20 },
                        { u"a"_qs, SegmentKind::Ringing, 0, 1 },
                        { u"a"_qs, SegmentKind::Talk, 1, 10 },
                        { u"a"_qs, SegmentKind::Hold, 10, 15 },
                        { u"a"_qs, SegmentKind::Talk, 15, 20 },
                    });
}

void TestTimelineBuilder::conferenceApplicationIsConference()
{
    // The agent transfers the caller blind into ConfBridge room 7001, dials in from a second
    // channel (a2, the same person), and Bob joins for a while. ConferenceEnter without a
    // bridge id is the application starting; an Other event with conference_left its end.
    Call call = threePartyCall();
    call.legs.append({ u"a2"_qs, u"PJSIP/agenta-00000004"_qs, u"a"_qs, {}, {}, {} });
    const QJsonObject room { { EventDetail::Conference, u"7001"_qs } };
    const QJsonObject left { { EventDetail::ConferenceLeft, u"7001"_qs } };
    QJsonObject softmix = bridge(u"conf"_qs);
    softmix.insert(EventDetail::BridgeTechnology, u"softmix"_qs);
    call.events = {
        ev(EventType::ChannelStart, 0, u"c1"_qs),
        ev(EventType::ChannelStart, 0, u"a1"_qs),
        ev(EventType::Answer, 1, u"a1"_qs),
        ev(EventType::BridgeEnter, 1, u"a1"_qs, bridge(u"x"_qs)),
        ev(EventType::BridgeEnter, 1, u"c1"_qs, bridge(u"x"_qs)),
        ev(EventType::Transfer, 10, u"a1"_qs,
           { { EventDetail::Kind, u"blind"_qs },
             { EventDetail::Target, u"7001@conferences"_qs },
             { EventDetail::Transferee, u"c1"_qs } }),
        ev(EventType::BridgeExit, 10.001, u"c1"_qs, bridge(u"x"_qs)),
        ev(EventType::BridgeExit, 10.002, u"a1"_qs, bridge(u"x"_qs)),
        ev(EventType::Hangup, 10.003, u"a1"_qs),
        ev(EventType::ConferenceEnter, 10.05, u"c1"_qs, room),
        ev(EventType::BridgeEnter, 10.5, u"c1"_qs, softmix),
        ev(EventType::ChannelStart, 20, u"a2"_qs),
        ev(EventType::ConferenceEnter, 20.05, u"a2"_qs, room),
        ev(EventType::Answer, 20.1, u"a2"_qs),
        ev(EventType::BridgeEnter, 20.5, u"a2"_qs, softmix),
        ev(EventType::ChannelStart, 30, u"b1"_qs),
        ev(EventType::ConferenceEnter, 30.05, u"b1"_qs, room),
        ev(EventType::Answer, 30.1, u"b1"_qs),
        ev(EventType::BridgeEnter, 30.5, u"b1"_qs, softmix),
        ev(EventType::BridgeExit, 60, u"b1"_qs, softmix),
        ev(EventType::Other, 60.001, u"b1"_qs, left),
        ev(EventType::Hangup, 60.002, u"b1"_qs),
        ev(EventType::BridgeExit, 90, u"c1"_qs, softmix),
        ev(EventType::Other, 90.001, u"c1"_qs, left),
        ev(EventType::Hangup, 90.002, u"c1"_qs),
        ev(EventType::BridgeExit, 92, u"a2"_qs, softmix),
        ev(EventType::Other, 92.001, u"a2"_qs, left),
        ev(EventType::Hangup, 92.002, u"a2"_qs),
    };
    TimelineBuilder::build(call);

    // Caller: ringing while a1 rings, talk until it leaves the agent's bridge at 10.001, then
    // in the conference: first on its way there (the transfer names the room), then alone in
    // the room, with the agent (20.5), with the agent and Bob (30.5-60) and with the agent
    // again, all of it the conference, until it leaves at 90.001; the 1 ms before its hangup
    // is a blip that joins the conference.
    // Agent: a1 rings 0-1 and talks until the caller leaves at 10.001 (alone after that: no
    // lane); a2 is a channel starting (ringing, 20-20.05) and then in the conference until
    // it leaves at 92.001. Bob: the same from 30 to his leaving at 60.001.
    compareSegments(call,
                    {
                        { u"c"_qs, SegmentKind::Ringing, 0, 1 },
                        { u"c"_qs, SegmentKind::Talk, 1, 10.001 },
                        { u"c"_qs, SegmentKind::Conference, 10.001, 90.002 },
                        { u"a"_qs, SegmentKind::Ringing, 0, 1 },
                        { u"a"_qs, SegmentKind::Talk, 1, 10.001 },
                        { u"a"_qs, SegmentKind::Ringing, 20, 20.05 },
                        { u"a"_qs, SegmentKind::Conference, 20.05, 92.001 },
                        { u"b"_qs, SegmentKind::Ringing, 30, 30.05 },
                        { u"b"_qs, SegmentKind::Conference, 30.05, 60.001 },
                    });
    QCOMPARE(call.summary.agents, (QStringList { u"Agent A"_qs, u"Bob"_qs }));
}

void TestTimelineBuilder::blindTransferIntoQueueWaitsFromTheTransfer()
{
    Call call = threePartyCall();
    call.participants.append({ u"queue:q2"_qs, ParticipantRole::Queue, u"q2"_qs, {} });
    call.events = {
        ev(EventType::ChannelStart, 0, u"c1"_qs),
        ev(EventType::QueueEnter, 5, u"c1"_qs, { { EventDetail::Queue, u"q1"_qs } }),
        ev(EventType::ChannelStart, 6, u"a1"_qs),
        ev(EventType::Answer, 10, u"a1"_qs),
        ev(EventType::BridgeEnter, 10, u"a1"_qs, bridge(u"x"_qs)),
        ev(EventType::BridgeEnter, 10, u"c1"_qs, bridge(u"x"_qs)),
        // Logged on the agent's channel, naming the caller's as the one it moves.
        ev(EventType::Transfer, 40, u"a1"_qs,
           { { EventDetail::Kind, u"blind"_qs },
             { EventDetail::Target, u"8003@queues"_qs },
             { EventDetail::Transferee, u"c1"_qs } }),
        ev(EventType::BridgeExit, 40.01, u"c1"_qs, bridge(u"x"_qs)),
        ev(EventType::BridgeExit, 40.02, u"a1"_qs, bridge(u"x"_qs)),
        ev(EventType::Hangup, 40.03, u"a1"_qs),
        ev(EventType::QueueLeave, 40.04, u"c1"_qs, { { EventDetail::Queue, u"q1"_qs } }),
        ev(EventType::QueueEnter, 40.06, u"c1"_qs, { { EventDetail::Queue, u"q2"_qs } }),
        ev(EventType::ChannelStart, 41, u"b1"_qs),
        ev(EventType::Answer, 45, u"b1"_qs),
        ev(EventType::BridgeEnter, 45, u"b1"_qs, bridge(u"y"_qs)),
        ev(EventType::BridgeEnter, 45, u"c1"_qs, bridge(u"y"_qs)),
        ev(EventType::BridgeExit, 100, u"c1"_qs, bridge(u"y"_qs)),
        ev(EventType::Hangup, 100, u"c1"_qs),
        ev(EventType::BridgeExit, 100.005, u"b1"_qs, bridge(u"y"_qs)),
        ev(EventType::Hangup, 100.006, u"b1"_qs),
    };
    TimelineBuilder::build(call);

    // From leaving the agent's bridge (40.01) the caller waits for q2, through the 50 ms in
    // which the first Queue application ends and the second starts, until Bob answers at 45;
    // q2's lane shows the same wait. Bob is alone after the caller's hangup: no lane.
    compareSegments(call,
                    {
                        { u"c"_qs, SegmentKind::Ivr, 0, 5 },
                        { u"c"_qs, SegmentKind::Queue, 5, 10 },
                        { u"c"_qs, SegmentKind::Talk, 10, 40.01 },
                        { u"c"_qs, SegmentKind::Queue, 40.01, 45 },
                        { u"c"_qs, SegmentKind::Talk, 45, 100 },
                        { u"a"_qs, SegmentKind::Ringing, 6, 10 },
                        { u"a"_qs, SegmentKind::Talk, 10, 40.01 },
                        { u"b"_qs, SegmentKind::Ringing, 41, 45 },
                        { u"b"_qs, SegmentKind::Talk, 45, 100 },
                        { u"queue:q1"_qs, SegmentKind::Queue, 5, 10 },
                        { u"queue:q2"_qs, SegmentKind::Queue, 40.01, 45 },
                    });
    QCOMPARE(call.summary.queues, (QStringList { u"q1"_qs, u"q2"_qs }));
}

void TestTimelineBuilder::blindTransferIntoAnIvrIsNotAQueue()
{
    // Transferred to a menu that queues the caller only after it: the menu is the IVR.
    Call call = threePartyCall();
    call.events = {
        ev(EventType::ChannelStart, 0, u"c1"_qs),
        ev(EventType::ChannelStart, 0, u"a1"_qs),
        ev(EventType::Answer, 1, u"a1"_qs),
        ev(EventType::BridgeEnter, 1, u"a1"_qs, bridge(u"x"_qs)),
        ev(EventType::BridgeEnter, 1, u"c1"_qs, bridge(u"x"_qs)),
        ev(EventType::Transfer, 10, u"c1"_qs, { { EventDetail::Kind, u"blind"_qs } }),
        ev(EventType::BridgeExit, 10, u"c1"_qs, bridge(u"x"_qs)),
        ev(EventType::BridgeExit, 10, u"a1"_qs, bridge(u"x"_qs)),
        ev(EventType::Hangup, 10, u"a1"_qs),
        ev(EventType::Other, 11, u"c1"_qs, { { EventDetail::App, u"BackGround"_qs } }),
        ev(EventType::QueueEnter, 20, u"c1"_qs, { { EventDetail::Queue, u"q1"_qs } }),
        ev(EventType::Hangup, 30, u"c1"_qs),
    };
    TimelineBuilder::build(call);

    compareSegments(call,
                    {
                        { u"c"_qs, SegmentKind::Ringing, 0, 1 },
                        { u"c"_qs, SegmentKind::Talk, 1, 10 },
                        { u"c"_qs, SegmentKind::Ivr, 10, 20 },
                        { u"c"_qs, SegmentKind::Queue, 20, 30 },
                        { u"a"_qs, SegmentKind::Ringing, 0, 1 },
                        { u"a"_qs, SegmentKind::Talk, 1, 10 },
                        { u"queue:q1"_qs, SegmentKind::Queue, 20, 30 },
                    });
}

void TestTimelineBuilder::flagsLegWithoutHangup()
{
    Call call = threePartyCall();
    call.events = {
        ev(EventType::ChannelStart, 0, u"c1"_qs),
        ev(EventType::ChannelStart, 1, u"b1"_qs),
        ev(EventType::Hangup, 5, u"c1"_qs),
    };
    TimelineBuilder::build(call);
    QCOMPARE(call.flags.size(), 1);
    QCOMPARE(call.flags.first().code, u"leg_not_closed"_qs);
    QCOMPARE(call.summary.flagCount, 1);
}

QTEST_GUILESS_MAIN(TestTimelineBuilder)
#include "tst_timelinebuilder.moc"
