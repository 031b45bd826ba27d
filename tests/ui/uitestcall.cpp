#include "uitestcall.h"

#include <QJsonObject>

#include <cmath>

namespace UiTestCall {

Timestamp at(double secondsSinceStart)
{
    return Timestamp::fromMicroseconds(kStartSeconds * 1000000
                                       + std::llround(secondsSinceStart * 1e6));
}

Call make()
{
    Call call;
    call.summary.crn = u"1694023642.7"_qs;
    call.summary.start = at(0);
    call.summary.end = at(23.4);
    call.summary.direction = CallDirection::Inbound;
    call.summary.caller = u"8001"_qs;
    call.summary.callerName = u"Alice"_qs;
    call.summary.dialed = u"91001"_qs;
    call.summary.queues = { u"q12"_qs };
    call.summary.agents = { u"Operator"_qs };
    call.summary.outcome = CallOutcome::Answered;
    call.summary.flagCount = 1;

    call.participants = {
        { u"caller"_qs, ParticipantRole::Caller, u"Alice"_qs, u"8001"_qs },
        { u"q"_qs, ParticipantRole::Queue, u"q12"_qs, {} },
        { u"op"_qs, ParticipantRole::Agent, u"Operator"_qs, u"1001"_qs },
    };
    call.legs = {
        { u"1694023642.7"_qs, u"PJSIP/8001-00000007"_qs, u"caller"_qs, at(0), at(0.5), at(23.4) },
        { u"1694023646.9"_qs, u"PJSIP/1001-00000009"_qs, u"op"_qs, at(4), at(6), at(22) },
    };

    const auto segment = [](const char16_t *who, SegmentKind kind, double from, double to) {
        return Segment { QString::fromUtf16(who), kind, at(from), at(to), {} };
    };
    call.segments = {
        segment(u"caller", SegmentKind::Ivr, 0, 2),
        segment(u"q", SegmentKind::Queue, 2, 6),
        segment(u"op", SegmentKind::Ringing, 4, 6),
        segment(u"caller", SegmentKind::Talk, 6, 12),
        segment(u"op", SegmentKind::Talk, 6, 12),
        segment(u"caller", SegmentKind::Hold, 12, 16),
        segment(u"caller", SegmentKind::Talk, 16, 22),
        segment(u"op", SegmentKind::Talk, 16, 22),
        segment(u"op", SegmentKind::WrapUp, 22, 23.4),
    };

    const QString callerLeg = u"1694023642.7"_qs;
    const QString agentLeg = u"1694023646.9"_qs;
    const auto event = [](EventType type, double seconds, const QString &leg, const char16_t *who,
                          const char16_t *sourceType, const QJsonObject &details = {}) {
        return CallEvent {
            type,    at(seconds), leg, QString::fromUtf16(who), QString::fromUtf16(sourceType),
            details, {}
        };
    };
    call.events = {
        event(EventType::ChannelStart, 0, callerLeg, u"caller", u"CHAN_START"),
        event(EventType::Ivr, 0.5, callerLeg, u"caller", u"APP_START",
              { { u"app"_qs, u"Playback"_qs } }),
        event(EventType::QueueEnter, 2, callerLeg, u"q", u"ENTERQUEUE",
              { { u"queue"_qs, u"q12"_qs } }),
        event(EventType::Ringing, 4, agentLeg, u"op", u"CHAN_START"),
        event(EventType::Answer, 6, agentLeg, u"op", u"ANSWER"),
        event(EventType::HoldStart, 12, callerLeg, u"caller", u"HOLD"),
        event(EventType::HoldEnd, 16, callerLeg, u"caller", u"UNHOLD"),
        event(EventType::Transfer, 20, agentLeg, u"op", u"BLINDTRANSFER",
              { { u"kind"_qs, u"blind"_qs }, { u"target"_qs, u"1002"_qs } }),
        event(EventType::Hangup, 22, agentLeg, u"op", u"HANGUP", { { u"hangup_cause"_qs, 16 } }),
        event(EventType::Hangup, 23.4, callerLeg, u"caller", u"HANGUP",
              { { u"hangup_cause"_qs, 16 } }),
    };

    call.flags
        = { { u"timestamp_mismatch"_qs, u"The answer time differs between two records."_qs } };
    call.sources = { u"asterisk-cel"_qs };
    return call;
}

} // namespace UiTestCall
