#include "calljson.h"

#include <QJsonArray>

namespace {

// Collects the first problem met while reading a document; later reads become no-ops.
class Reader
{
public:
    explicit Reader(QString *error)
        : m_error(error)
    { }

    bool ok() const { return m_failure.isEmpty(); }

    QString string(const QJsonObject &object, QLatin1StringView key, bool required = false)
    {
        const QJsonValue value = object.value(key);
        if (value.isString())
            return value.toString();
        if (value.isUndefined() || value.isNull()) {
            if (required)
                fail(QStringLiteral("\"%1\" is missing").arg(key));
            return {};
        }
        fail(QStringLiteral("\"%1\" is not a string").arg(key));
        return {};
    }

    Timestamp time(const QJsonObject &object, QLatin1StringView key, bool required = false)
    {
        const QString text = string(object, key, required);
        if (text.isEmpty())
            return {};
        const auto parsed = Timestamp::parseIso(text);
        if (!parsed)
            fail(QStringLiteral("\"%1\" is not an ISO 8601 time: %2").arg(key, text));
        return parsed.value_or(Timestamp());
    }

    template<typename Enum>
    Enum enumeration(const QJsonObject &object, QLatin1StringView key,
                     std::optional<Enum> (*fromString)(QStringView), Enum fallback)
    {
        const QString text = string(object, key);
        if (text.isEmpty())
            return fallback;
        // An unknown word from a newer server is shown as the fallback rather than refused.
        return fromString(text).value_or(fallback);
    }

    QJsonArray array(const QJsonObject &object, QLatin1StringView key)
    {
        const QJsonValue value = object.value(key);
        if (value.isArray())
            return value.toArray();
        if (!value.isUndefined() && !value.isNull())
            fail(QStringLiteral("\"%1\" is not an array").arg(key));
        return {};
    }

    QJsonObject objectAt(const QJsonArray &array, qsizetype index, QLatin1StringView arrayName)
    {
        const QJsonValue value = array.at(index);
        if (!value.isObject())
            fail(QStringLiteral("\"%1\"[%2] is not an object").arg(arrayName).arg(index));
        return value.toObject();
    }

    QStringList strings(const QJsonObject &object, QLatin1StringView key)
    {
        QStringList result;
        const QJsonArray values = array(object, key);
        for (const QJsonValue &value : values) {
            if (!value.isString()) {
                fail(QStringLiteral("\"%1\" holds something other than text").arg(key));
                break;
            }
            result.append(value.toString());
        }
        return result;
    }

    void fail(const QString &message)
    {
        if (!m_failure.isEmpty())
            return;
        m_failure = message;
        if (m_error)
            *m_error = message;
    }

private:
    QString *m_error;
    QString m_failure;
};

void putTime(QJsonObject &object, QLatin1StringView key, Timestamp time)
{
    if (time.isValid())
        object.insert(key, time.toIso());
}

QJsonArray toJsonArray(const QStringList &strings)
{
    return QJsonArray::fromStringList(strings);
}

template<typename Item, typename Convert>
QJsonArray toJsonArray(const QList<Item> &items, Convert convert)
{
    QJsonArray array;
    for (const Item &item : items)
        array.append(convert(item));
    return array;
}

QJsonObject participantJson(const Participant &participant)
{
    QJsonObject object { { u"id"_qs, participant.id },
                         { u"role"_qs, toString(participant.role) },
                         { u"name"_qs, participant.name } };
    if (!participant.number.isEmpty())
        object.insert(u"number"_qs, participant.number);
    return object;
}

QJsonObject legJson(const Leg &leg)
{
    QJsonObject object { { u"id"_qs, leg.id },
                         { u"channel"_qs, leg.channel },
                         { u"participant"_qs, leg.participantId } };
    putTime(object, QLatin1StringView("start"), leg.start);
    putTime(object, QLatin1StringView("answer"), leg.answer);
    putTime(object, QLatin1StringView("end"), leg.end);
    return object;
}

QJsonObject eventJson(const CallEvent &event)
{
    QJsonObject object { { u"type"_qs, toString(event.type) },
                         { u"time"_qs, event.time.toIso() },
                         { u"leg"_qs, event.legId },
                         { u"participant"_qs, event.participantId },
                         { u"source_type"_qs, event.sourceType } };
    if (!event.details.isEmpty())
        object.insert(u"details"_qs, event.details);
    if (!event.origin.isEmpty())
        object.insert(u"origin"_qs, event.origin);
    return object;
}

QJsonObject segmentJson(const Segment &segment)
{
    QJsonObject object { { u"participant"_qs, segment.participantId },
                         { u"kind"_qs, toString(segment.kind) },
                         { u"start"_qs, segment.start.toIso() },
                         { u"end"_qs, segment.end.toIso() } };
    if (!segment.legId.isEmpty())
        object.insert(u"leg"_qs, segment.legId);
    return object;
}

QJsonObject flagJson(const CallFlag &flag)
{
    return { { u"code"_qs, flag.code }, { u"message"_qs, flag.message } };
}

CallSummary readSummary(Reader &reader, const QJsonObject &object)
{
    CallSummary summary;
    summary.crn = reader.string(object, QLatin1StringView("crn"), true);
    summary.start = reader.time(object, QLatin1StringView("start"), true);
    summary.end = reader.time(object, QLatin1StringView("end"));
    summary.direction = reader.enumeration(object, QLatin1StringView("direction"),
                                           &callDirectionFromString, CallDirection::Unknown);
    summary.caller = reader.string(object, QLatin1StringView("caller"));
    summary.callerName = reader.string(object, QLatin1StringView("caller_name"));
    summary.dialed = reader.string(object, QLatin1StringView("dialed"));
    summary.queues = reader.strings(object, QLatin1StringView("queues"));
    summary.agents = reader.strings(object, QLatin1StringView("agents"));
    summary.outcome = reader.enumeration(object, QLatin1StringView("outcome"),
                                         &callOutcomeFromString, CallOutcome::Unknown);
    summary.flagCount = object.value(u"flag_count").toInt();
    return summary;
}

} // namespace

namespace CallJson {

QJsonObject toJson(const CallSummary &summary)
{
    QJsonObject object { { u"crn"_qs, summary.crn },
                         { u"direction"_qs, toString(summary.direction) },
                         { u"caller"_qs, summary.caller },
                         { u"caller_name"_qs, summary.callerName },
                         { u"dialed"_qs, summary.dialed },
                         { u"queues"_qs, toJsonArray(summary.queues) },
                         { u"agents"_qs, toJsonArray(summary.agents) },
                         { u"outcome"_qs, toString(summary.outcome) },
                         { u"flag_count"_qs, summary.flagCount } };
    putTime(object, QLatin1StringView("start"), summary.start);
    putTime(object, QLatin1StringView("end"), summary.end);
    object.insert(u"duration"_qs, double(summary.durationMicroseconds()) / 1e6);
    return object;
}

QJsonObject toJson(const Call &call)
{
    QJsonObject object = toJson(call.summary);
    object.insert(u"legs"_qs, toJsonArray(call.legs, legJson));
    object.insert(u"participants"_qs, toJsonArray(call.participants, participantJson));
    object.insert(u"events"_qs, toJsonArray(call.events, eventJson));
    object.insert(u"segments"_qs, toJsonArray(call.segments, segmentJson));
    object.insert(u"flags"_qs, toJsonArray(call.flags, flagJson));
    object.insert(u"sources"_qs, toJsonArray(call.sources));
    return object;
}

std::optional<CallSummary> summaryFromJson(const QJsonObject &object, QString *error)
{
    Reader reader(error);
    CallSummary summary = readSummary(reader, object);
    if (!reader.ok())
        return std::nullopt;
    return summary;
}

std::optional<Call> callFromJson(const QJsonObject &object, QString *error)
{
    Reader reader(error);
    Call call;
    call.summary = readSummary(reader, object);

    const QJsonArray legs = reader.array(object, QLatin1StringView("legs"));
    for (qsizetype i = 0; i < legs.size() && reader.ok(); ++i) {
        const QJsonObject item = reader.objectAt(legs, i, QLatin1StringView("legs"));
        Leg leg;
        leg.id = reader.string(item, QLatin1StringView("id"), true);
        leg.channel = reader.string(item, QLatin1StringView("channel"));
        leg.participantId = reader.string(item, QLatin1StringView("participant"));
        leg.start = reader.time(item, QLatin1StringView("start"));
        leg.answer = reader.time(item, QLatin1StringView("answer"));
        leg.end = reader.time(item, QLatin1StringView("end"));
        call.legs.append(leg);
    }

    const QJsonArray participants = reader.array(object, QLatin1StringView("participants"));
    for (qsizetype i = 0; i < participants.size() && reader.ok(); ++i) {
        const QJsonObject item
            = reader.objectAt(participants, i, QLatin1StringView("participants"));
        Participant participant;
        participant.id = reader.string(item, QLatin1StringView("id"), true);
        participant.role = reader.enumeration(
            item, QLatin1StringView("role"), &participantRoleFromString, ParticipantRole::External);
        participant.name = reader.string(item, QLatin1StringView("name"));
        participant.number = reader.string(item, QLatin1StringView("number"));
        call.participants.append(participant);
    }

    const QJsonArray events = reader.array(object, QLatin1StringView("events"));
    for (qsizetype i = 0; i < events.size() && reader.ok(); ++i) {
        const QJsonObject item = reader.objectAt(events, i, QLatin1StringView("events"));
        CallEvent event;
        event.type = reader.enumeration(item, QLatin1StringView("type"), &eventTypeFromString,
                                        EventType::Other);
        event.time = reader.time(item, QLatin1StringView("time"), true);
        event.legId = reader.string(item, QLatin1StringView("leg"));
        event.participantId = reader.string(item, QLatin1StringView("participant"));
        event.sourceType = reader.string(item, QLatin1StringView("source_type"));
        event.details = item.value(u"details").toObject();
        event.origin = reader.string(item, QLatin1StringView("origin"));
        call.events.append(event);
    }

    const QJsonArray segments = reader.array(object, QLatin1StringView("segments"));
    for (qsizetype i = 0; i < segments.size() && reader.ok(); ++i) {
        const QJsonObject item = reader.objectAt(segments, i, QLatin1StringView("segments"));
        Segment segment;
        segment.participantId = reader.string(item, QLatin1StringView("participant"), true);
        segment.kind = reader.enumeration(item, QLatin1StringView("kind"), &segmentKindFromString,
                                          SegmentKind::Talk);
        segment.start = reader.time(item, QLatin1StringView("start"), true);
        segment.end = reader.time(item, QLatin1StringView("end"), true);
        segment.legId = reader.string(item, QLatin1StringView("leg"));
        call.segments.append(segment);
    }

    const QJsonArray flags = reader.array(object, QLatin1StringView("flags"));
    for (qsizetype i = 0; i < flags.size() && reader.ok(); ++i) {
        const QJsonObject item = reader.objectAt(flags, i, QLatin1StringView("flags"));
        call.flags.append({ reader.string(item, QLatin1StringView("code"), true),
                            reader.string(item, QLatin1StringView("message")) });
    }

    call.sources = reader.strings(object, QLatin1StringView("sources"));
    if (!reader.ok())
        return std::nullopt;
    return call;
}

QJsonObject errorJson(const QString &code, const QString &message)
{
    return { { u"error"_qs, QJsonObject { { u"code"_qs, code }, { u"message"_qs, message } } } };
}

} // namespace CallJson
