#include "calltext.h"

#include "model/timelinebuilder.h"

#include <QJsonObject>
#include <QRegularExpression>

#include <initializer_list>

namespace {

// The first non-empty text among these detail keys; numbers are written as text.
QString detail(const QJsonObject &details, std::initializer_list<QLatin1StringView> keys)
{
    for (const QLatin1StringView key : keys) {
        const QJsonValue value = details.value(key);
        if (value.isString() && !value.toString().isEmpty())
            return value.toString();
        if (value.isDouble())
            return QString::number(value.toDouble());
    }
    return {};
}

QString valueText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Double:
        return QString::number(value.toDouble());
    case QJsonValue::Bool:
        return value.toBool() ? CallText::tr("yes") : CallText::tr("no");
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return {};
    case QJsonValue::Array:
    case QJsonValue::Object:
        break;
    }
    return QStringLiteral("…");
}

// "NORMAL_CLEARING" -> "normal clearing".
QString wordsFromConstant(const QString &constant)
{
    return constant.toLower().replace(u'_', u' ');
}

// The importers write the kind of a transfer (blind, attended) and its target; a record that
// names no kind still says it in its own word (BLINDTRANSFER). A transfer the importer inferred
// from CDR rows says so: no record shows it.
QString transferText(const QJsonObject &details, const QString &sourceType)
{
    const QString target = detail(details, { EventDetail::Target });
    QString kind = detail(details, { EventDetail::Kind }).toLower();
    if (kind.isEmpty())
        kind = sourceType.toLower();
    QString text;
    if (kind.contains(u"blind"))
        text = target.isEmpty() ? CallText::tr("Blind transfer")
                                : CallText::tr("Blind transfer to %1").arg(target);
    else if (kind.contains(u"attended"))
        text = target.isEmpty() ? CallText::tr("Attended transfer")
                                : CallText::tr("Attended transfer to %1").arg(target);
    else
        text = target.isEmpty() ? CallText::tr("Transferred")
                                : CallText::tr("Transferred to %1").arg(target);
    if (details.value(EventDetail::Inferred).toBool())
        return CallText::tr("%1 (inferred from CDR)", "a transfer no record shows directly")
            .arg(text);
    return text;
}

} // namespace

QString CallText::kindName(SegmentKind kind)
{
    switch (kind) {
    case SegmentKind::Ivr:
        return tr("IVR");
    case SegmentKind::Queue:
        return tr("Queue");
    case SegmentKind::Ringing:
        return tr("Ringing");
    case SegmentKind::Talk:
        return tr("Talk");
    case SegmentKind::Hold:
        return tr("Hold");
    case SegmentKind::Conference:
        return tr("Conference");
    case SegmentKind::WrapUp:
        return tr("Wrap-up");
    }
    return {};
}

QString CallText::roleName(ParticipantRole role)
{
    switch (role) {
    case ParticipantRole::Caller:
        return tr("Caller");
    case ParticipantRole::Ivr:
        return tr("IVR");
    case ParticipantRole::Queue:
        return tr("Queue");
    case ParticipantRole::Agent:
        return tr("Agent");
    case ParticipantRole::External:
        return tr("External party");
    }
    return {};
}

QString CallText::roleLetter(ParticipantRole role)
{
    switch (role) {
    case ParticipantRole::Caller:
        return tr("C", "one-letter badge for the caller");
    case ParticipantRole::Ivr:
        return tr("I", "one-letter badge for an IVR");
    case ParticipantRole::Queue:
        return tr("Q", "one-letter badge for a queue");
    case ParticipantRole::Agent:
        return tr("A", "one-letter badge for an agent");
    case ParticipantRole::External:
        return tr("E", "one-letter badge for an external party");
    }
    return {};
}

QString CallText::directionName(CallDirection direction)
{
    switch (direction) {
    case CallDirection::Inbound:
        return tr("Inbound");
    case CallDirection::Outbound:
        return tr("Outbound");
    case CallDirection::Internal:
        return tr("Internal");
    case CallDirection::Unknown:
        break;
    }
    return tr("Unknown direction");
}

QString CallText::outcomeName(CallOutcome outcome)
{
    switch (outcome) {
    case CallOutcome::Answered:
        return tr("Answered");
    case CallOutcome::Abandoned:
        return tr("Abandoned");
    case CallOutcome::NoAnswer:
        return tr("No answer");
    case CallOutcome::Busy:
        return tr("Busy");
    case CallOutcome::Failed:
        return tr("Failed");
    case CallOutcome::Transferred:
        return tr("Transferred");
    case CallOutcome::Unknown:
        break;
    }
    return tr("Outcome unknown");
}

QString CallText::participantLabel(const Participant &participant)
{
    const QString name = participant.name.isEmpty()
        ? (participant.number.isEmpty() ? participant.id : participant.number)
        : participant.name;

    switch (participant.role) {
    case ParticipantRole::Caller:
        // The number identifies a caller better than a free-text caller-id name.
        return tr("Caller %1")
            .arg(participant.number.isEmpty() ? name : number(participant.number));
    case ParticipantRole::Ivr:
        if (name.startsWith(tr("IVR"), Qt::CaseInsensitive))
            return name;
        return tr("IVR %1").arg(name);
    case ParticipantRole::Queue:
        if (name.startsWith(tr("Queue"), Qt::CaseInsensitive))
            return name;
        return tr("Queue %1").arg(name);
    case ParticipantRole::Agent:
    case ParticipantRole::External:
        break;
    }
    return name;
}

QString CallText::participantLabel(const Call &call, const QString &participantId)
{
    if (const Participant *participant = call.participant(participantId))
        return participantLabel(*participant);
    return participantId;
}

QString CallText::eventParticipantId(const Call &call, const CallEvent &event)
{
    if (!event.participantId.isEmpty())
        return event.participantId;
    if (const Leg *leg = call.leg(event.legId))
        return leg->participantId;
    return {};
}

QString CallText::number(const QString &written)
{
    // Platforms and exports mask numbers they may not show with runs of '#', '*' or 'X'; shown
    // bare, such a run reads like a column too narrow for its text.
    static const QRegularExpression masked(QStringLiteral("^[#*Xx]{3,}$"));
    if (masked.match(written).hasMatch())
        return tr("withheld (%1)", "a masked phone number").arg(written);
    return written;
}

QString CallText::caller(const CallSummary &summary)
{
    if (summary.caller.isEmpty() && summary.callerName.isEmpty())
        return tr("unknown");
    if (summary.callerName.isEmpty() || summary.callerName == summary.caller)
        return number(summary.caller);
    if (summary.caller.isEmpty())
        return summary.callerName;
    return tr("%1 (%2)", "caller name and number").arg(summary.callerName, number(summary.caller));
}

QString CallText::eventDescription(const Call &call, const CallEvent &event)
{
    const QJsonObject &details = event.details;
    const Participant *participant = call.participant(eventParticipantId(call, event));

    switch (event.type) {
    case EventType::ChannelStart:
        return tr("Channel opened");
    case EventType::Ivr: {
        const QString step = detail(details, { EventDetail::App, QLatin1StringView("ivr") });
        return step.isEmpty() ? tr("In the IVR") : tr("In the IVR: %1").arg(step);
    }
    case EventType::QueueEnter:
    case EventType::QueueLeave: {
        QString queue = detail(details, { EventDetail::Queue });
        if (queue.isEmpty() && participant && participant->role == ParticipantRole::Queue)
            queue = participant->name;
        if (event.type == EventType::QueueEnter)
            return queue.isEmpty() ? tr("Entered a queue") : tr("Entered queue %1").arg(queue);
        return queue.isEmpty() ? tr("Left the queue") : tr("Left queue %1").arg(queue);
    }
    case EventType::Ringing: {
        const QString target = detail(details, { EventDetail::Agent, EventDetail::Dialed });
        return target.isEmpty() ? tr("Ringing") : tr("Ringing %1").arg(target);
    }
    case EventType::Answer:
        return tr("Answered");
    case EventType::BridgeEnter:
    case EventType::BridgeExit: {
        // A holding bridge is where a caller waits, not a conversation.
        const bool holding = detail(details, { EventDetail::BridgeTechnology })
                                 .contains(u"holding", Qt::CaseInsensitive);
        if (event.type == EventType::BridgeEnter)
            return holding ? tr("Waiting in a holding bridge") : tr("Joined the conversation");
        return holding ? tr("Left the holding bridge") : tr("Left the conversation");
    }
    case EventType::HoldStart:
        return tr("Put on hold");
    case EventType::HoldEnd:
        return tr("Taken off hold");
    case EventType::Transfer:
        return transferText(details, event.sourceType);
    case EventType::ConferenceEnter: {
        const QString room = detail(details, { EventDetail::Conference });
        return room.isEmpty() ? tr("Joined a conference") : tr("Joined conference %1").arg(room);
    }
    case EventType::Hangup: {
        const QString cause = hangupCause(details.value(EventDetail::HangupCause));
        return cause.isEmpty() ? tr("Hangup") : tr("Hangup (%1)").arg(cause);
    }
    case EventType::ChannelEnd:
        return tr("Channel closed");
    case EventType::WrapUpStart:
        return tr("Wrap-up started");
    case EventType::WrapUpEnd:
        return tr("Wrap-up ended");
    case EventType::Abandon:
        return tr("Caller hung up while waiting");
    case EventType::CallEnd:
        return tr("Call ended");
    case EventType::Other:
        break;
    }
    if (details.contains(EventDetail::ConferenceLeft)) {
        const QString room = detail(details, { EventDetail::ConferenceLeft });
        return room.isEmpty() ? tr("Left the conference") : tr("Left conference %1").arg(room);
    }
    // Records kept beside finer ones (queue_log next to CEL) and dialplan applications.
    const QString word = event.sourceType.toUpper();
    const QString queue = detail(details, { EventDetail::Queue });
    const QString app = detail(details, { EventDetail::App });
    if (word == u"ENTERQUEUE" && !queue.isEmpty())
        return tr("Entered queue %1").arg(queue);
    if (word == u"CONNECT")
        return queue.isEmpty() ? tr("Answered from a queue")
                               : tr("Answered from queue %1").arg(queue);
    if (word == u"LINKEDID_END") {
        // A channel that started a call of its own and was then joined to this one.
        const QString own = detail(details, { QLatin1StringView("linkedid") });
        return own.isEmpty() ? tr("Joined this call from another reference")
                             : tr("Joined this call from reference %1").arg(own);
    }
    if (word == u"XIVO_INCALL")
        return tr("Taken by the incoming-call route");
    if (word == u"COMPLETECALLER")
        return tr("Caller ended the call");
    if (word == u"COMPLETEAGENT")
        return tr("Agent ended the call");
    if (word == u"APP_START" && !app.isEmpty())
        return tr("Started %1", "a dialplan application, e.g. Playback").arg(app);
    if (word == u"APP_END" && !app.isEmpty())
        return tr("Finished %1", "a dialplan application, e.g. Playback").arg(app);
    // A CDR row that is not its leg's last: one conversation of the leg ended, not the leg.
    if (details.contains(EventDetail::Disposition)) {
        const QString disposition = detail(details, { EventDetail::Disposition });
        return tr("Conversation ended (%1)", "CDR disposition, e.g. answered")
            .arg(wordsFromConstant(disposition));
    }
    return event.sourceType.isEmpty() ? tr("Other event") : event.sourceType;
}

QString CallText::endedBy(const Call &call)
{
    // The last word on it counts: a call can be transferred after one side hung up its leg.
    for (auto event = call.events.crbegin(); event != call.events.crend(); ++event) {
        const QString word = event->sourceType.toUpper();
        if (event->type == EventType::Abandon || word == u"COMPLETECALLER") {
            for (const Participant &participant : call.participants) {
                if (participant.role == ParticipantRole::Caller)
                    return participantLabel(participant);
            }
            return tr("the caller");
        }
        if (word == u"COMPLETEAGENT")
            return participantLabel(call, eventParticipantId(call, *event));
        if (event->type != EventType::Hangup)
            continue;

        // Asterisk names the channel that hung up; another leg's hangup may carry it too.
        const QString source = detail(event->details, { EventDetail::HangupSource });
        if (source.isEmpty())
            continue;
        for (const Leg &leg : call.legs) {
            if (leg.channel == source && !leg.participantId.isEmpty())
                return participantLabel(call, leg.participantId);
        }
        if (source.compare(u"dialplan/builtin", Qt::CaseInsensitive) == 0)
            return tr("the dialplan");
    }
    return {};
}

QString CallText::eventDetails(const CallEvent &event)
{
    QStringList parts;
    if (!event.sourceType.isEmpty())
        parts.append(event.sourceType);
    for (auto it = event.details.begin(); it != event.details.end(); ++it) {
        const QString value = valueText(it.value());
        if (value.isEmpty())
            continue;
        parts.append(tr("%1: %2", "a detail of an event: key and value")
                         .arg(wordsFromConstant(it.key()), value));
    }
    return parts.join(QStringLiteral(" · "));
}

QString CallText::hangupCause(const QJsonValue &cause)
{
    bool isNumber = cause.isDouble();
    int code = cause.toInt();
    if (cause.isString()) {
        code = cause.toString().toInt(&isNumber);
        if (!isNumber)
            return cause.toString().isEmpty() ? QString() : wordsFromConstant(cause.toString());
    }
    if (!isNumber)
        return {};

    // The ITU-T Q.850 causes a contact center meets every day.
    QString meaning;
    switch (code) {
    case 1:
        meaning = tr("unallocated number");
        break;
    case 16:
        meaning = tr("normal clearing");
        break;
    case 17:
        meaning = tr("user busy");
        break;
    case 18:
        meaning = tr("no user responding");
        break;
    case 19:
        meaning = tr("no answer");
        break;
    case 21:
        meaning = tr("call rejected");
        break;
    case 26:
        meaning = tr("answered elsewhere");
        break;
    case 27:
        meaning = tr("destination out of order");
        break;
    case 28:
        meaning = tr("invalid number format");
        break;
    case 31:
        meaning = tr("normal, unspecified");
        break;
    case 34:
        meaning = tr("no circuit available");
        break;
    case 38:
        meaning = tr("network out of order");
        break;
    case 41:
        meaning = tr("temporary failure");
        break;
    case 42:
        meaning = tr("switching equipment congestion");
        break;
    case 102:
        meaning = tr("timer expired");
        break;
    case 127:
        meaning = tr("interworking, unspecified");
        break;
    default:
        return tr("cause %1").arg(code);
    }
    return tr("cause %1, %2", "Q.850 hangup cause number and meaning").arg(code).arg(meaning);
}
