#pragma once

#include "model/call.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QTimeZone>

// Seven calls written by hand for the HTTP tests. The expected answers in the tests (which call
// a search finds, in which order) follow from the start times, numbers, agents and queues here:
//
//   c1  Asterisk-01-1362424276.2@blind-transfer  2013-03-04 19:11:16.1  2000            Tom
//   c2  1694020000.1    2023-09-06 17:06:40         +49 30 1234567   sales       Bob
//   c3  1694023642.7    2023-09-06 18:07:22.626751  8001             support     Operator
//   c4  1694023700.20   2023-09-06 18:08:20         +44 20 7946 0000 Support-EN  Operator
//   c5  1694027000.3    2023-09-06 19:03:20         8002             sales       Bob
//   c6  1694110000.5    2023-09-07 18:06:40         4930555          billing     Carol Ann
//   c7  CA1234abcd      2023-09-08 10:00:00         +1 415 555 0100              alice
//
// Newest first, the order is c7 c6 c5 c4 c3 c2 c1.
namespace TestCalls {

inline Timestamp utc(int year, int month, int day, int hour, int minute, int second,
                     int microsecond = 0)
{
    const QDateTime time(QDate(year, month, day), QTime(hour, minute, second), Qt::UTC);
    return Timestamp::fromDateTime(time).addMicroseconds(microsecond);
}

struct Spec
{
    QString crn;
    Timestamp start;
    int seconds;
    CallDirection direction;
    QString caller;
    QString callerName;
    QString dialed;
    QString queue; // empty when the call met no queue
    QString agent;
    QString agentNumber;
    QStringList legIds; // the first is the caller's leg, the last the agent's
    CallOutcome outcome;
};

inline Call build(const Spec &spec)
{
    const qint64 second = 1000000;
    const Timestamp end = spec.start.addMicroseconds(spec.seconds * second);
    const Timestamp answer = spec.start.addMicroseconds(5 * second);

    Call call;
    call.summary.crn = spec.crn;
    call.summary.start = spec.start;
    call.summary.end = end;
    call.summary.direction = spec.direction;
    call.summary.caller = spec.caller;
    call.summary.callerName = spec.callerName;
    call.summary.dialed = spec.dialed;
    if (!spec.queue.isEmpty())
        call.summary.queues = QStringList { spec.queue };
    call.summary.agents = QStringList { spec.agent };
    call.summary.outcome = spec.outcome;

    call.participants.append(
        { u"caller"_qs, ParticipantRole::Caller, spec.callerName, spec.caller });
    if (!spec.queue.isEmpty())
        call.participants.append({ u"queue"_qs, ParticipantRole::Queue, spec.queue, {} });
    call.participants.append({ u"agent"_qs, ParticipantRole::Agent, spec.agent, spec.agentNumber });

    for (qsizetype i = 0; i < spec.legIds.size(); ++i) {
        const bool callerLeg = i == 0;
        Leg leg;
        leg.id = spec.legIds.at(i);
        leg.channel = callerLeg
            ? QString(u"PJSIP/trunk-00000001"_qs)
            : QString(u"PJSIP/"_qs + spec.agentNumber + u"-0000000"_qs + QString::number(i));
        leg.participantId = callerLeg ? u"caller"_qs : u"agent"_qs;
        leg.start = callerLeg ? spec.start : spec.start.addMicroseconds(3 * second);
        leg.answer = answer;
        leg.end = end;
        call.legs.append(leg);
    }

    const QString firstLeg = spec.legIds.constFirst();
    const QString lastLeg = spec.legIds.constLast();
    call.events.append({ EventType::ChannelStart,
                         spec.start,
                         firstLeg,
                         u"caller"_qs,
                         u"CHAN_START"_qs,
                         {},
                         u"cel.csv:1"_qs });
    call.events.append({ EventType::Answer, answer, lastLeg, u"agent"_qs, u"ANSWER"_qs,
                         QJsonObject { { u"agent"_qs, spec.agent } }, u"cel.csv:2"_qs });
    call.events.append({ EventType::Hangup, end, firstLeg, u"caller"_qs, u"HANGUP"_qs,
                         QJsonObject { { u"hangup_cause"_qs, 16 } }, u"cel.csv:3"_qs });

    call.segments.append({ u"caller"_qs, SegmentKind::Ringing, spec.start, answer, firstLeg });
    call.segments.append({ u"caller"_qs, SegmentKind::Talk, answer, end, firstLeg });
    call.segments.append({ u"agent"_qs, SegmentKind::Talk, answer, end, lastLeg });
    call.sources = QStringList { u"asterisk-cel"_qs };
    return call;
}

inline Call c1()
{
    return build({ u"Asterisk-01-1362424276.2@blind-transfer"_qs,
                   utc(2013, 3, 4, 19, 11, 16, 100000),
                   30,
                   CallDirection::Internal,
                   u"2000"_qs,
                   u"Desk 2000"_qs,
                   u"3000"_qs,
                   {},
                   u"Tom"_qs,
                   u"3000"_qs,
                   { u"Asterisk-01-1362424276.2@blind-transfer"_qs,
                     u"Asterisk-01-1362424276.3@blind-transfer"_qs },
                   CallOutcome::Transferred });
}

inline Call c2()
{
    return build({ u"1694020000.1"_qs,
                   utc(2023, 9, 6, 17, 6, 40),
                   95,
                   CallDirection::Inbound,
                   u"+49 30 1234567"_qs,
                   {},
                   u"91002"_qs,
                   u"sales"_qs,
                   u"Bob"_qs,
                   u"1002"_qs,
                   { u"1694020000.1"_qs, u"1694020003.2"_qs },
                   CallOutcome::Answered });
}

inline Call c3()
{
    return build({ u"1694023642.7"_qs,
                   utc(2023, 9, 6, 18, 7, 22, 626751),
                   24,
                   CallDirection::Inbound,
                   u"8001"_qs,
                   u"Alice"_qs,
                   u"91001"_qs,
                   u"support"_qs,
                   u"Operator"_qs,
                   u"1001"_qs,
                   { u"1694023642.7"_qs, u"1694023659.13"_qs },
                   CallOutcome::Answered });
}

inline Call c4()
{
    return build({ u"1694023700.20"_qs,
                   utc(2023, 9, 6, 18, 8, 20),
                   60,
                   CallDirection::Inbound,
                   u"+44 20 7946 0000"_qs,
                   {},
                   u"91001"_qs,
                   u"Support-EN"_qs,
                   u"Operator"_qs,
                   u"1001"_qs,
                   { u"1694023700.20"_qs, u"1694023705.21"_qs },
                   CallOutcome::Answered });
}

inline Call c5()
{
    return build({ u"1694027000.3"_qs,
                   utc(2023, 9, 6, 19, 3, 20),
                   45,
                   CallDirection::Inbound,
                   u"8002"_qs,
                   {},
                   u"91002"_qs,
                   u"sales"_qs,
                   u"Bob"_qs,
                   u"1002"_qs,
                   { u"1694027000.3"_qs },
                   CallOutcome::Abandoned });
}

inline Call c6()
{
    return build({ u"1694110000.5"_qs,
                   utc(2023, 9, 7, 18, 6, 40),
                   120,
                   CallDirection::Inbound,
                   u"4930555"_qs,
                   {},
                   u"91003"_qs,
                   u"billing"_qs,
                   u"Carol Ann"_qs,
                   u"1003"_qs,
                   { u"1694110000.5"_qs, u"1694110004.6"_qs },
                   CallOutcome::Answered });
}

// A leg id that is a channel name, with a '/', as sources without unique ids give.
inline Call c7()
{
    return build({ u"CA1234abcd"_qs,
                   utc(2023, 9, 8, 10, 0, 0),
                   30,
                   CallDirection::Outbound,
                   u"+1 415 555 0100"_qs,
                   {},
                   u"+1 415 555 0199"_qs,
                   {},
                   u"alice"_qs,
                   u"1004"_qs,
                   { u"CA1234abcd"_qs, u"SIP/trunk-0000abcd"_qs },
                   CallOutcome::Answered });
}

inline QList<Call> all()
{
    return { c1(), c2(), c3(), c4(), c5(), c6(), c7() };
}

} // namespace TestCalls
