#pragma once

#include "model/call.h"

#include <QCoreApplication>
#include <QJsonValue>
#include <QString>

// The words a supervisor reads for the parts of a call: participant labels such as
// "Caller 8001" or "Queue q12", event sentences such as "Entered queue q12" or "Hangup (cause
// 16, normal clearing)", and the names of segment kinds, outcomes and directions.
//
// Everything goes through tr(). Missing data gives a shorter sentence, never an error.
// Stateless; any thread.
class CallText
{
    Q_DECLARE_TR_FUNCTIONS(CallText)

public:
    static QString kindName(SegmentKind kind);
    static QString roleName(ParticipantRole role);
    // One letter for a lane's badge: C, I, Q, A, E in English.
    static QString roleLetter(ParticipantRole role);
    static QString directionName(CallDirection direction);
    static QString outcomeName(CallOutcome outcome);

    // "Caller 8001", "IVR main-menu", "Queue q12", "Agent/12".
    static QString participantLabel(const Participant &participant);
    // The label of the participant with this id in call, or the id itself when it is unknown.
    static QString participantLabel(const Call &call, const QString &participantId);
    // The participant an event belongs to: its own, or failing that its leg's.
    static QString eventParticipantId(const Call &call, const CallEvent &event);

    // "Alice (8001)", "8001", or "unknown".
    static QString caller(const CallSummary &summary);
    // A phone number as written, or "withheld (##########)" where the records mask it.
    static QString number(const QString &written);

    // A readable sentence for what happened: "Answered", "Blind transfer to 1001".
    static QString eventDescription(const Call &call, const CallEvent &event);
    // The event's remaining details: "HANGUP · hangup cause: 16 · dialstatus: ANSWER".
    static QString eventDetails(const CallEvent &event);

    // "cause 16, normal clearing"; a textual cause such as NORMAL_CLEARING becomes words.
    static QString hangupCause(const QJsonValue &cause);

    // Who ended the call, as the records say it (the hangup's source channel, or queue_log's
    // COMPLETECALLER/COMPLETEAGENT, or a caller abandoning a queue); empty when they do not.
    static QString endedBy(const Call &call);
};
