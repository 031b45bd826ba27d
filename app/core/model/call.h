#pragma once

#include "timestamp.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// The domain of one customer interaction, as the server stores it and the console shows it.
//
// A call is identified by its CRN (for Asterisk, the linkedid). It is made of legs (channels),
// each belonging to a participant (caller, IVR, queue, agent, external party). What happened is
// a list of events in time order; the timeline is a list of segments per participant that
// TimelineBuilder derives from those events. Every id here is opaque text, never a number.

enum class ParticipantRole { Caller, Ivr, Queue, Agent, External };

enum class EventType {
    ChannelStart,
    Ivr,
    QueueEnter,
    QueueLeave,
    Ringing,
    Answer,
    BridgeEnter,
    BridgeExit,
    HoldStart,
    HoldEnd,
    Transfer,
    ConferenceEnter,
    Hangup,
    ChannelEnd,
    WrapUpStart,
    WrapUpEnd,
    Abandon,
    CallEnd,
    Other,
};

enum class SegmentKind { Ivr, Queue, Ringing, Talk, Hold, Conference, WrapUp };

enum class CallDirection { Unknown, Inbound, Outbound, Internal };

enum class CallOutcome { Unknown, Answered, Abandoned, NoAnswer, Busy, Failed, Transferred };

struct Participant
{
    QString id;
    ParticipantRole role = ParticipantRole::External;
    QString name;
    QString number;

    bool operator==(const Participant &) const = default;
};

struct Leg
{
    QString id; // the channel's uniqueid where the source has one, else the channel name
    QString channel;
    QString participantId;
    Timestamp start;
    Timestamp answer; // invalid when the leg was never answered
    Timestamp end;

    bool operator==(const Leg &) const = default;
};

struct CallEvent
{
    EventType type = EventType::Other;
    Timestamp time;
    QString legId;
    QString participantId;
    QString sourceType; // the record's own word for it, e.g. "BRIDGE_ENTER" or "CONNECT"
    QJsonObject details; // hangup_cause, bridge_id, transfer_target, queue, agent, ...
    QString origin; // "file:line" of the record it came from

    bool operator==(const CallEvent &) const = default;
};

struct Segment
{
    QString participantId;
    SegmentKind kind = SegmentKind::Talk;
    Timestamp start;
    Timestamp end;
    QString legId;

    bool operator==(const Segment &) const = default;
};

// A data-quality problem found at import, shown to the supervisor beside the call.
struct CallFlag
{
    QString code; // stable, machine-readable: "timestamp_mismatch", "unjoined_leg", ...
    QString message;

    bool operator==(const CallFlag &) const = default;
};

struct CallSummary
{
    QString crn;
    Timestamp start;
    Timestamp end;
    CallDirection direction = CallDirection::Unknown;
    QString caller; // the caller's number, as the records wrote it
    QString callerName;
    QString dialed; // the number the caller asked for
    QStringList queues;
    QStringList agents;
    CallOutcome outcome = CallOutcome::Unknown;
    int flagCount = 0;
    int recordingCount = 0;

    qint64 durationMicroseconds() const
    {
        return end.isValid() && start.isValid() ? end - start : 0;
    }
    bool operator==(const CallSummary &) const = default;
};

// One audio file that recorded the call, or part of it, as the server found it on disk.
//
// Where it sits in the call matters as much as what it holds: a recording of the first agent's
// leg ends at the transfer, and the spans no recording covers (IVR, queue, ringing) were never
// recorded rather than lost. The audio itself is fetched by id; the server's path never leaves
// the server.
struct Recording
{
    QString id; // opaque; the audio is at /api/v1/recordings/{id}
    QString legId; // the recorded leg; empty when the file records the whole call
    QStringList participantIds; // who can be heard on it
    Timestamp start; // when its first sample was recorded
    qint64 durationUs = 0; // of the samples really present in the file
    int channels = 0; // 0 when the file could not be read
    int sampleRate = 0;
    QString codec; // "pcm", "float", "alaw", "mulaw", "gsm" or "unknown"
    qint64 sizeBytes = 0;
    QString name; // the file's own name, offered when saving a copy
    QString contentType; // e.g. "audio/wav"
    QList<CallFlag> flags; // "recording_missing", "recording_truncated", ...

    Timestamp end() const { return Timestamp::fromMicroseconds(start.microseconds() + durationUs); }
    bool hasFlag(QStringView code) const;
    bool operator==(const Recording &) const = default;
};

struct Call
{
    CallSummary summary;
    QList<Leg> legs;
    QList<Participant> participants;
    QList<CallEvent> events; // in time order
    QList<Segment> segments;
    QList<CallFlag> flags;
    QStringList sources; // the record formats this call was built from, e.g. "asterisk-cel"
    QList<Recording> recordings; // in order of their start

    const QString &crn() const { return summary.crn; }
    const Participant *participant(const QString &id) const;
    const Leg *leg(const QString &id) const;
    bool operator==(const Call &) const = default;
};

// The words used for these enums in the API, the store and the logs.
QString toString(ParticipantRole role);
QString toString(EventType type);
QString toString(SegmentKind kind);
QString toString(CallDirection direction);
QString toString(CallOutcome outcome);

std::optional<ParticipantRole> participantRoleFromString(QStringView text);
std::optional<EventType> eventTypeFromString(QStringView text);
std::optional<SegmentKind> segmentKindFromString(QStringView text);
std::optional<CallDirection> callDirectionFromString(QStringView text);
std::optional<CallOutcome> callOutcomeFromString(QStringView text);
