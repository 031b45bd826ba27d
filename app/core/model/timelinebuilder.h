#pragma once

#include "call.h"

#include <QLatin1StringView>

// The keys of CallEvent::details that the importers write and TimelineBuilder reads.
namespace EventDetail {
inline constexpr QLatin1StringView BridgeId("bridge_id");
// "holding_bridge" marks a bridge where a channel waits (music on hold, a switchboard queue).
inline constexpr QLatin1StringView BridgeTechnology("bridge_technology");
inline constexpr QLatin1StringView Peer("peer"); // the other channel's name, as written
// true when the record names one side only and its peer joins or leaves the bridge with it
// (Asterisk before 12: BRIDGE_START/BRIDGE_END on the calling channel only).
inline constexpr QLatin1StringView PeerJoins("peer_joins");
inline constexpr QLatin1StringView Queue("queue");
inline constexpr QLatin1StringView Agent("agent");
inline constexpr QLatin1StringView Dialed("dialed"); // the number or extension a channel asked for
inline constexpr QLatin1StringView Direction("direction"); // "inbound", "outbound", "internal"
inline constexpr QLatin1StringView Duration("duration"); // seconds, e.g. of a wrap-up
inline constexpr QLatin1StringView HangupCause("hangup_cause");
inline constexpr QLatin1StringView HangupSource("hangup_source");
inline constexpr QLatin1StringView DialStatus("dialstatus"); // ANSWER, BUSY, NOANSWER, ...
inline constexpr QLatin1StringView Disposition("disposition"); // a CDR's: ANSWERED, NO ANSWER, ...
inline constexpr QLatin1StringView Kind("kind"); // of a transfer: blind, attended
inline constexpr QLatin1StringView Target("target"); // of a transfer
// The room of a conference application (ConfBridge, MeetMe): on a ConferenceEnter without a
// bridge id, the channel entered the application; on an Other event, ConferenceLeft, it left.
inline constexpr QLatin1StringView Conference("conference");
inline constexpr QLatin1StringView ConferenceLeft("conference_left");
// The channel a transfer moves (Asterisk's transferee), when the record names it.
inline constexpr QLatin1StringView Transferee("transferee_channel_uniqueid");
inline constexpr QLatin1StringView Inferred("inferred"); // true: derived, not recorded
inline constexpr QLatin1StringView Context("context");
inline constexpr QLatin1StringView App("app");
inline constexpr QLatin1StringView AppData("appdata");
} // namespace EventDetail

// Derives what a supervisor sees from what the records say about one call.
//
// Input: the call's canonical events (any order), its legs (id, channel, participantId; an empty
// participantId marks internal plumbing such as Local or Announcer channels, which get no lane)
// and its participants with their roles. Output, written into the same Call: the events sorted
// by time with their participantId filled in, each leg's start/answer/end, the per-participant
// segments, the summary (everything but the CRN, which the caller sets) and flags for data
// problems found on the way.
//
// The segments follow the channels' state: the caller starts in the IVR, every other leg rings
// until it answers; a queue, a holding bridge or hold is waiting, a bridge with one other person
// is talk and with two or more a conference; a wrap-up lasts its announced duration. A Local
// channel pair (names ending in ;1 and ;2) is one wire: who is bridged with one half talks with
// whoever the other half is bridged with, or with the IVR that half runs.
//
// Pure and synchronous, no I/O: usable from any thread. It never fails; what it cannot place it
// leaves out of the segments and reports as a CallFlag.
class TimelineBuilder
{
public:
    // Shorter blips than this between two stretches of the same kind are measurement noise
    // (Local channel optimisation leaves and re-enters a bridge within microseconds).
    static constexpr qint64 kGlitchMicroseconds = 10000;

    static void build(Call &call);

    // Time order; at the same microsecond, a channel's life order (start, answer, leave a
    // bridge, enter a bridge, hang up, end), then the order given.
    static void sortEvents(QList<CallEvent> &events);
};
