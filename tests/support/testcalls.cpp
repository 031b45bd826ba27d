#include "testcalls.h"

namespace TestCalls {

Call make(const QString &crn, const QString &startIso, const QStringList &legIds,
          const QString &agent)
{
    const Timestamp start = *Timestamp::parseIso(startIso);
    const qint64 second = 1000000;

    Call call;
    call.summary.crn = crn;
    call.summary.start = start;
    call.summary.end = start.addMicroseconds(30 * second);
    call.summary.direction = CallDirection::Inbound;
    call.summary.caller = u"8001"_qs;
    call.summary.dialed = u"91001"_qs;
    call.summary.queues = { u"support"_qs };
    call.summary.agents = { agent };
    call.summary.outcome = CallOutcome::Answered;
    call.participants = { { u"caller"_qs, ParticipantRole::Caller, u"Caller"_qs, u"8001"_qs },
                          { u"agent"_qs, ParticipantRole::Agent, agent, u"8100"_qs } };
    for (qsizetype i = 0; i < legIds.size(); ++i) {
        Leg leg;
        leg.id = legIds.at(i);
        leg.channel = u"PJSIP/test-0000000"_qs + QString::number(i);
        leg.participantId = i == 0 ? u"caller"_qs : u"agent"_qs;
        leg.start = start.addMicroseconds(i * second);
        leg.answer = start.addMicroseconds(5 * second);
        leg.end = call.summary.end;
        call.legs.append(leg);
    }
    CallEvent hangup;
    hangup.type = EventType::Hangup;
    hangup.time = call.summary.end;
    hangup.legId = legIds.value(0);
    hangup.participantId = u"caller"_qs;
    hangup.sourceType = u"HANGUP"_qs;
    call.events = { hangup };
    call.segments = { { u"caller"_qs, SegmentKind::Talk, start.addMicroseconds(5 * second),
                        call.summary.end, legIds.value(0) } };
    call.sources = { u"asterisk-cel"_qs };
    return call;
}

QList<Call> servedCalls()
{
    return {
        make(u"1694023642.7"_qs, u"2023-09-06T18:07:22.626751Z"_qs,
             { u"1694023642.7"_qs, u"1694023642.8"_qs }),
        make(kUuidCrn, u"2023-10-01T09:00:00Z"_qs,
             { u"PJSIP/trunk-00000010"_qs, u"PJSIP/agent-00000011"_qs }),
        make(u"1700000001.1"_qs, u"2023-11-14T22:13:21Z"_qs,
             { u"1700000001.1"_qs, u"1700000001.2"_qs }),
        make(u"1700000002.1"_qs, u"2023-11-14T22:13:22Z"_qs,
             { u"1700000002.1"_qs, u"1700000002.2"_qs }),
        make(u"1700000003.1"_qs, u"2023-11-14T22:13:23Z"_qs,
             { u"1700000003.1"_qs, u"1700000003.2"_qs }),
    };
}

Call servedCall(const QString &crn)
{
    for (const Call &call : servedCalls()) {
        if (call.crn() == crn)
            return call;
    }
    return {};
}

} // namespace TestCalls
