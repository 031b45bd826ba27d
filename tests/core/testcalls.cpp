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

} // namespace TestCalls
