#pragma once

#include "model/call.h"
#include "sourcerecord.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <utility>

class EventStore;

// Builds one call as the console shows it from all the stored source records of its groups.
//
// Each record becomes canonical events (CallEvent) with its own word kept as sourceType and
// "file:line" as origin: CEL one event a row; a queue_log CONNECT the agent's answer and both
// sides entering the queue's bridge; a CDR row the start, answer and end of its two legs, from
// which the last end of each leg is its hangup and back-to-back rows of one caller make a
// transfer; a FreeSWITCH XML CDR its channel's start, answer and hangup from the callflow's
// microsecond times, and the bridge with the channels it names (their ringing, answer and hangup
// inferred from the A-leg's times where their own CDRs are absent). Then the legs become
// participants: a channel's endpoint (its name without the -0000xxxx sequence) is one person
// across channels; the first person's leg is the caller; queue_log agents keep their agent name;
// Local and Announcer channels are plumbing, except a Local half that runs a playback or
// voicemail application, which is the IVR. TimelineBuilder then derives the segments and the
// summary.
//
// Data problems become CallFlags on the call: rows that describe one leg twice with different
// outcomes (duplicate_uniqueid), billsec above duration, a channel that also appears in another
// call at the same time (unjoined_leg), a FreeSWITCH answer_epoch that disagrees with the
// callflow's answered_time (timestamp_mismatch).
//
// assemble() is pure and thread-safe, so calls can be built on worker threads; what it needs
// from other calls' records (those other calls, agents' wrap-ups logged without a callid)
// lookUpHints() reads from the EventStore first, on the store's thread.
class CallAssembler
{
public:
    // A wrap-up an agent logged without a callid, and a channel shared with another call.
    struct Hints
    {
        struct WrapUp
        {
            QString agent;
            QString scope; // the scenario, in files of worked examples
            Timestamp time;
            QString duration;
            QString word;
            QString origin;
        };
        QList<WrapUp> wrapUps;
        QList<std::pair<QString, QString>> sharedChannels; // (leg, the other call's group)
    };

    // A wrap-up logged without a callid belongs to the call its agent finished this shortly
    // before.
    static constexpr qint64 kWrapUpWindowMicroseconds = 10000000;

    // crn: the call's CRN (its canonical group); groups: every group joined into it.
    static Call assemble(const QString &crn, const QStringList &groups,
                         const QList<SourceRecord> &records, const Hints &hints = {});
    static Hints lookUpHints(EventStore &store, const QStringList &groups,
                             const QList<SourceRecord> &records);

    // "PJSIP/KvXYRheV-00000004" -> "PJSIP/KvXYRheV"; "Local/x@default-1545;2" -> "Local/x@default"
    static QString endpointOf(const QString &channel);
    // Local, Announcer and their kind: channels that carry a call between bridges.
    static bool isPlumbing(const QString &channel);
};
