#include "call.h"

#include <algorithm>

#include <array>
#include <utility>

namespace {

template<typename Enum, std::size_t N>
using NameTable = std::array<std::pair<Enum, const char16_t *>, N>;

constexpr NameTable<ParticipantRole, 5> kRoleNames { {
    { ParticipantRole::Caller, u"caller" },
    { ParticipantRole::Ivr, u"ivr" },
    { ParticipantRole::Queue, u"queue" },
    { ParticipantRole::Agent, u"agent" },
    { ParticipantRole::External, u"external" },
} };

constexpr NameTable<EventType, 19> kEventNames { {
    { EventType::ChannelStart, u"channel_start" },
    { EventType::Ivr, u"ivr" },
    { EventType::QueueEnter, u"queue_enter" },
    { EventType::QueueLeave, u"queue_leave" },
    { EventType::Ringing, u"ringing" },
    { EventType::Answer, u"answer" },
    { EventType::BridgeEnter, u"bridge_enter" },
    { EventType::BridgeExit, u"bridge_exit" },
    { EventType::HoldStart, u"hold_start" },
    { EventType::HoldEnd, u"hold_end" },
    { EventType::Transfer, u"transfer" },
    { EventType::ConferenceEnter, u"conference_enter" },
    { EventType::Hangup, u"hangup" },
    { EventType::ChannelEnd, u"channel_end" },
    { EventType::WrapUpStart, u"wrapup_start" },
    { EventType::WrapUpEnd, u"wrapup_end" },
    { EventType::Abandon, u"abandon" },
    { EventType::CallEnd, u"call_end" },
    { EventType::Other, u"other" },
} };

constexpr NameTable<SegmentKind, 7> kSegmentNames { {
    { SegmentKind::Ivr, u"ivr" },
    { SegmentKind::Queue, u"queue" },
    { SegmentKind::Ringing, u"ringing" },
    { SegmentKind::Talk, u"talk" },
    { SegmentKind::Hold, u"hold" },
    { SegmentKind::Conference, u"conference" },
    { SegmentKind::WrapUp, u"wrapup" },
} };

constexpr NameTable<CallDirection, 4> kDirectionNames { {
    { CallDirection::Unknown, u"unknown" },
    { CallDirection::Inbound, u"inbound" },
    { CallDirection::Outbound, u"outbound" },
    { CallDirection::Internal, u"internal" },
} };

constexpr NameTable<CallOutcome, 7> kOutcomeNames { {
    { CallOutcome::Unknown, u"unknown" },
    { CallOutcome::Answered, u"answered" },
    { CallOutcome::Abandoned, u"abandoned" },
    { CallOutcome::NoAnswer, u"no_answer" },
    { CallOutcome::Busy, u"busy" },
    { CallOutcome::Failed, u"failed" },
    { CallOutcome::Transferred, u"transferred" },
} };

template<typename Enum, std::size_t N>
QString nameOf(const NameTable<Enum, N> &table, Enum value)
{
    for (const auto &[candidate, name] : table) {
        if (candidate == value)
            return QString::fromUtf16(name);
    }
    return {};
}

template<typename Enum, std::size_t N>
std::optional<Enum> valueOf(const NameTable<Enum, N> &table, QStringView text)
{
    for (const auto &[value, name] : table) {
        if (text == QStringView(name))
            return value;
    }
    return std::nullopt;
}

} // namespace

const Participant *Call::participant(const QString &id) const
{
    for (const Participant &candidate : participants) {
        if (candidate.id == id)
            return &candidate;
    }
    return nullptr;
}

const Leg *Call::leg(const QString &id) const
{
    for (const Leg &candidate : legs) {
        if (candidate.id == id)
            return &candidate;
    }
    return nullptr;
}

bool Recording::hasFlag(QStringView code) const
{
    return std::any_of(flags.cbegin(), flags.cend(),
                       [code](const CallFlag &flag) { return flag.code == code; });
}

QString toString(ParticipantRole role)
{
    return nameOf(kRoleNames, role);
}
QString toString(EventType type)
{
    return nameOf(kEventNames, type);
}
QString toString(SegmentKind kind)
{
    return nameOf(kSegmentNames, kind);
}
QString toString(CallDirection direction)
{
    return nameOf(kDirectionNames, direction);
}
QString toString(CallOutcome outcome)
{
    return nameOf(kOutcomeNames, outcome);
}

std::optional<ParticipantRole> participantRoleFromString(QStringView text)
{
    return valueOf(kRoleNames, text);
}

std::optional<EventType> eventTypeFromString(QStringView text)
{
    return valueOf(kEventNames, text);
}

std::optional<SegmentKind> segmentKindFromString(QStringView text)
{
    return valueOf(kSegmentNames, text);
}

std::optional<CallDirection> callDirectionFromString(QStringView text)
{
    return valueOf(kDirectionNames, text);
}

std::optional<CallOutcome> callOutcomeFromString(QStringView text)
{
    return valueOf(kOutcomeNames, text);
}
