#pragma once

#include "model/call.h"

// A call written by hand for the widget tests. Every time is a round offset from the start,
// 2023-09-06 18:07:22 UTC, so positions on the timeline and texts in the header follow from
// the numbers below by hand.
//
// Participants: "caller" (Caller Alice, 8001), "q" (Queue q12), "op" (Agent Operator, 1001).
// Segments (seconds since start):
//   caller: IVR 0-2, Talk 6-12, Hold 12-16, Talk 16-22
//   q:      Queue 2-6
//   op:     Ringing 4-6, Talk 6-12, Talk 16-22, Wrap-up 22-23.4
// Events (index: seconds, participant, type):
//   0: 0.0 caller ChannelStart      5: 12.0 caller HoldStart
//   1: 0.5 caller Ivr (app Playback) 6: 16.0 caller HoldEnd
//   2: 2.0 q QueueEnter (q12)        7: 20.0 op Transfer (blind, to 1002)
//   3: 4.0 op Ringing                8: 22.0 op Hangup (cause 16)
//   4: 6.0 op Answer                 9: 23.4 caller Hangup (cause 16)
// Duration 23.4 s; one flag.
namespace UiTestCall {

inline constexpr qint64 kStartSeconds = 1694023642; // 2023-09-06 18:07:22 UTC

Timestamp at(double secondsSinceStart);
Call make();

} // namespace UiTestCall
