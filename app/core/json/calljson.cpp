#include "calljson.h"

#include <QJsonArray>

#include <algorithm>
#include <charconv>
#include <cmath>

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

QJsonObject recordingJson(const Recording &recording)
{
    QJsonObject object { { u"id"_qs, recording.id },
                         { u"leg"_qs, recording.legId },
                         { u"participants"_qs, toJsonArray(recording.participantIds) },
                         { u"duration"_qs, double(recording.durationUs) / 1e6 },
                         { u"channels"_qs, recording.channels },
                         { u"sample_rate"_qs, recording.sampleRate },
                         { u"codec"_qs, recording.codec },
                         { u"size"_qs, recording.sizeBytes },
                         { u"name"_qs, recording.name },
                         { u"content_type"_qs, recording.contentType },
                         { u"flags"_qs, toJsonArray(recording.flags, flagJson) } };
    putTime(object, QLatin1StringView("start"), recording.start);
    return object;
}

// Writes compact JSON text into a buffer that is reused from call to call on each thread.
// Keys are written in the order QJsonObject keeps them (sorted), so the text is the same as
// QJsonDocument's for the same values.
class TextWriter
{
public:
    TextWriter()
        : m_out(scratch())
    {
        if (m_out.size() < kInitialBytes)
            m_out.resize(kInitialBytes);
    }

    ~TextWriter()
    {
        // One huge call must not keep its buffer for the thread's life.
        if (m_out.size() > kKeptBytes)
            m_out = QByteArray();
    }
    TextWriter(const TextWriter &) = delete;
    TextWriter &operator=(const TextWriter &) = delete;

    QByteArray text() const { return QByteArray(m_out.constData(), m_used); }

    void begin(char bracket)
    {
        put(bracket);
        m_first = true;
    }
    void end(char bracket)
    {
        put(bracket);
        m_first = false;
    }

    // A key of the current object; keys here are plain ASCII and need no escaping.
    void key(QLatin1StringView name)
    {
        char *p = room(name.size() + 4);
        if (!m_first)
            *p++ = ',';
        *p++ = '"';
        memcpy(p, name.data(), size_t(name.size()));
        p += name.size();
        *p++ = '"';
        *p++ = ':';
        advance(p);
        m_first = true; // the value follows without a comma
    }

    void string(QStringView text)
    {
        // Each UTF-16 unit becomes at most 6 bytes ("\u001f"); two units at most 4 bytes.
        char *p = room(text.size() * 6 + 3);
        if (!m_first)
            *p++ = ',';
        *p++ = '"';
        const char16_t *source = text.utf16();
        const char16_t *const sourceEnd = source + text.size();
        while (source != sourceEnd) {
            const char16_t unit = *source++;
            if (unit < 0x80) {
                if (unit >= 0x20 && unit != u'"' && unit != u'\\') {
                    *p++ = char(unit);
                    continue;
                }
                *p++ = '\\';
                switch (unit) {
                case u'"':
                    *p++ = '"';
                    break;
                case u'\\':
                    *p++ = '\\';
                    break;
                case u'\b':
                    *p++ = 'b';
                    break;
                case u'\f':
                    *p++ = 'f';
                    break;
                case u'\n':
                    *p++ = 'n';
                    break;
                case u'\r':
                    *p++ = 'r';
                    break;
                case u'\t':
                    *p++ = 't';
                    break;
                default:
                    p = escapedUnit(p, unit);
                    break;
                }
            } else if (unit < 0x800) {
                *p++ = char(0xc0 | (unit >> 6));
                *p++ = char(0x80 | (unit & 0x3f));
            } else if (!QChar::isSurrogate(unit)) {
                *p++ = char(0xe0 | (unit >> 12));
                *p++ = char(0x80 | ((unit >> 6) & 0x3f));
                *p++ = char(0x80 | (unit & 0x3f));
            } else if (QChar::isHighSurrogate(unit) && source != sourceEnd
                       && QChar::isLowSurrogate(*source)) {
                const char32_t code = QChar::surrogateToUcs4(unit, *source++);
                *p++ = char(0xf0 | (code >> 18));
                *p++ = char(0x80 | ((code >> 12) & 0x3f));
                *p++ = char(0x80 | ((code >> 6) & 0x3f));
                *p++ = char(0x80 | (code & 0x3f));
            } else {
                // A lone surrogate has no UTF-8 form; an escape keeps the text valid JSON.
                p = escapedUnit(p, unit);
            }
        }
        *p++ = '"';
        advance(p);
        m_first = false;
    }

    void time(Timestamp time)
    {
        char *p = room(Timestamp::kMaxIsoLength + 3);
        if (!m_first)
            *p++ = ',';
        *p++ = '"';
        p += time.writeIso(p);
        *p++ = '"';
        advance(p);
        m_first = false;
    }

    void integer(qint64 value)
    {
        char *p = room(24);
        if (!m_first)
            *p++ = ',';
        p = std::to_chars(p, p + 22, value).ptr;
        advance(p);
        m_first = false;
    }

    void number(double value)
    {
        if (!std::isfinite(value)) {
            literal(QLatin1StringView("null")); // as QJsonDocument writes it
            return;
        }
        char *p = room(40);
        if (!m_first)
            *p++ = ',';
        p = std::to_chars(p, p + 38, value).ptr; // the shortest text that reads back the same
        advance(p);
        m_first = false;
    }

    void literal(QLatin1StringView word)
    {
        char *p = room(word.size() + 1);
        if (!m_first)
            *p++ = ',';
        memcpy(p, word.data(), size_t(word.size()));
        advance(p + word.size());
        m_first = false;
    }

    // A value before its key's comma: arrays and objects open with begin().
    void comma()
    {
        if (!m_first)
            put(',');
    }

    void value(const QJsonValue &value)
    {
        switch (value.type()) {
        case QJsonValue::Null:
        case QJsonValue::Undefined:
            literal(QLatin1StringView("null"));
            break;
        case QJsonValue::Bool:
            literal(QLatin1StringView(value.toBool() ? "true" : "false"));
            break;
        case QJsonValue::Double: {
            // Integers are kept exactly, as QJsonValue keeps them; other numbers as doubles.
            const qint64 whole = value.toInteger();
            if (double(whole) == value.toDouble())
                integer(whole);
            else
                number(value.toDouble());
            break;
        }
        case QJsonValue::String:
            string(value.toString());
            break;
        case QJsonValue::Array:
            array(value.toArray());
            break;
        case QJsonValue::Object:
            object(value.toObject());
            break;
        }
    }

    void object(const QJsonObject &object)
    {
        comma();
        begin('{');
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            // Keys of details come from records: escape them like any string.
            string(it.key());
            put(':');
            m_first = true;
            value(it.value());
        }
        end('}');
    }

    void array(const QJsonArray &array)
    {
        comma();
        begin('[');
        for (const QJsonValue &item : array)
            value(item);
        end(']');
    }

    void strings(const QStringList &list)
    {
        comma();
        begin('[');
        for (const QString &item : list)
            string(item);
        end(']');
    }

private:
    static constexpr qsizetype kInitialBytes = 16 * 1024;
    static constexpr qsizetype kKeptBytes = 1024 * 1024;

    static QByteArray &scratch()
    {
        thread_local QByteArray buffer;
        return buffer;
    }

    static char *escapedUnit(char *p, char16_t unit)
    {
        static constexpr char kHex[] = "0123456789abcdef";
        *p++ = 'u';
        *p++ = kHex[(unit >> 12) & 0xf];
        *p++ = kHex[(unit >> 8) & 0xf];
        *p++ = kHex[(unit >> 4) & 0xf];
        *p++ = kHex[unit & 0xf];
        return p;
    }

    // Room for that many more bytes after what is written; the buffer only grows.
    char *room(qsizetype bytes)
    {
        if (m_used + bytes > m_out.size())
            m_out.resize(std::max(m_out.size() * 2, m_used + bytes));
        return m_out.data() + m_used;
    }
    void advance(char *end) { m_used = end - m_out.constData(); }
    void put(char c)
    {
        *room(1) = c;
        ++m_used;
    }

    QByteArray &m_out;
    qsizetype m_used = 0;
    bool m_first = true; // no comma before the next value
};

void writeFlagsText(TextWriter &out, const QList<CallFlag> &flags)
{
    out.comma();
    out.begin('[');
    for (const CallFlag &flag : flags) {
        out.comma();
        out.begin('{');
        out.key(QLatin1StringView("code"));
        out.string(flag.code);
        out.key(QLatin1StringView("message"));
        out.string(flag.message);
        out.end('}');
    }
    out.end(']');
}

// The members of recordingJson, in key order.
void writeRecordingText(TextWriter &out, const Recording &recording)
{
    const auto key = [&out](const char *name) {
        out.key(QLatin1StringView(name));
    };

    out.begin('{');
    key("channels");
    out.integer(recording.channels);
    key("codec");
    out.string(recording.codec);
    key("content_type");
    out.string(recording.contentType);
    key("duration");
    out.number(double(recording.durationUs) / 1e6);
    key("flags");
    writeFlagsText(out, recording.flags);
    key("id");
    out.string(recording.id);
    key("leg");
    out.string(recording.legId);
    key("name");
    out.string(recording.name);
    key("participants");
    out.strings(recording.participantIds);
    key("sample_rate");
    out.integer(recording.sampleRate);
    key("size");
    out.integer(recording.sizeBytes);
    if (recording.start.isValid()) {
        key("start");
        out.time(recording.start);
    }
    out.end('}');
}

// The members of toJson(summary), in key order, interleaved with a call's arrays when given.
void writeCallText(TextWriter &out, const CallSummary &summary, const Call *call)
{
    const auto key = [&out](const char *name) {
        out.key(QLatin1StringView(name));
    };
    const auto time = [&out](const char *name, Timestamp value) {
        if (value.isValid()) {
            out.key(QLatin1StringView(name));
            out.time(value);
        }
    };

    out.begin('{');
    key("agents");
    out.strings(summary.agents);
    key("caller");
    out.string(summary.caller);
    key("caller_name");
    out.string(summary.callerName);
    key("crn");
    out.string(summary.crn);
    key("dialed");
    out.string(summary.dialed);
    key("direction");
    out.string(toString(summary.direction));
    key("duration");
    out.number(double(summary.durationMicroseconds()) / 1e6);
    time("end", summary.end);
    if (call) {
        key("events");
        out.comma();
        out.begin('[');
        for (const CallEvent &event : call->events) {
            out.comma();
            out.begin('{');
            if (!event.details.isEmpty()) {
                key("details");
                out.object(event.details);
            }
            key("leg");
            out.string(event.legId);
            if (!event.origin.isEmpty()) {
                key("origin");
                out.string(event.origin);
            }
            key("participant");
            out.string(event.participantId);
            key("source_type");
            out.string(event.sourceType);
            // toJson writes an invalid time as an empty string, and so does this.
            key("time");
            if (event.time.isValid())
                out.time(event.time);
            else
                out.string(QStringView());
            key("type");
            out.string(toString(event.type));
            out.end('}');
        }
        out.end(']');
    }
    key("flag_count");
    out.integer(summary.flagCount);
    if (call) {
        key("flags");
        writeFlagsText(out, call->flags);

        key("legs");
        out.comma();
        out.begin('[');
        for (const Leg &leg : call->legs) {
            out.comma();
            out.begin('{');
            time("answer", leg.answer);
            key("channel");
            out.string(leg.channel);
            time("end", leg.end);
            key("id");
            out.string(leg.id);
            key("participant");
            out.string(leg.participantId);
            time("start", leg.start);
            out.end('}');
        }
        out.end(']');
    }
    key("outcome");
    out.string(toString(summary.outcome));
    if (call) {
        key("participants");
        out.comma();
        out.begin('[');
        for (const Participant &participant : call->participants) {
            out.comma();
            out.begin('{');
            key("id");
            out.string(participant.id);
            key("name");
            out.string(participant.name);
            if (!participant.number.isEmpty()) {
                key("number");
                out.string(participant.number);
            }
            key("role");
            out.string(toString(participant.role));
            out.end('}');
        }
        out.end(']');
    }
    key("queues");
    out.strings(summary.queues);
    key("recording_count");
    out.integer(summary.recordingCount);
    if (call) {
        key("recordings");
        out.comma();
        out.begin('[');
        for (const Recording &recording : call->recordings) {
            out.comma();
            writeRecordingText(out, recording);
        }
        out.end(']');

        key("segments");
        out.comma();
        out.begin('[');
        for (const Segment &segment : call->segments) {
            out.comma();
            out.begin('{');
            key("end");
            if (segment.end.isValid())
                out.time(segment.end);
            else
                out.string(QStringView());
            key("kind");
            out.string(toString(segment.kind));
            if (!segment.legId.isEmpty()) {
                key("leg");
                out.string(segment.legId);
            }
            key("participant");
            out.string(segment.participantId);
            key("start");
            if (segment.start.isValid())
                out.time(segment.start);
            else
                out.string(QStringView());
            out.end('}');
        }
        out.end(']');

        key("sources");
        out.strings(call->sources);
    }
    time("start", summary.start);
    out.end('}');
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
    summary.recordingCount = object.value(u"recording_count").toInt();
    return summary;
}

Recording readRecording(Reader &reader, const QJsonObject &item)
{
    Recording recording;
    recording.id = reader.string(item, QLatin1StringView("id"), true);
    recording.legId = reader.string(item, QLatin1StringView("leg"));
    recording.participantIds = reader.strings(item, QLatin1StringView("participants"));
    recording.start = reader.time(item, QLatin1StringView("start"));
    recording.durationUs = qRound64(item.value(u"duration").toDouble() * 1e6);
    recording.channels = item.value(u"channels").toInt();
    recording.sampleRate = item.value(u"sample_rate").toInt();
    recording.codec = reader.string(item, QLatin1StringView("codec"));
    recording.sizeBytes = qint64(item.value(u"size").toDouble());
    recording.name = reader.string(item, QLatin1StringView("name"));
    recording.contentType = reader.string(item, QLatin1StringView("content_type"));

    const QJsonArray flags = reader.array(item, QLatin1StringView("flags"));
    for (qsizetype i = 0; i < flags.size() && reader.ok(); ++i) {
        const QJsonObject flag = reader.objectAt(flags, i, QLatin1StringView("flags"));
        recording.flags.append({ reader.string(flag, QLatin1StringView("code"), true),
                                 reader.string(flag, QLatin1StringView("message")) });
    }
    return recording;
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
                         { u"flag_count"_qs, summary.flagCount },
                         { u"recording_count"_qs, summary.recordingCount } };
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
    object.insert(u"recordings"_qs, toJsonArray(call.recordings, recordingJson));
    return object;
}

QByteArray toJsonText(const CallSummary &summary)
{
    TextWriter out;
    writeCallText(out, summary, nullptr);
    return out.text();
}

QByteArray toJsonText(const Call &call)
{
    TextWriter out;
    writeCallText(out, call.summary, &call);
    return out.text();
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

    // Documents cached before recordings existed have no such array: that reads as none.
    const QJsonArray recordings = reader.array(object, QLatin1StringView("recordings"));
    for (qsizetype i = 0; i < recordings.size() && reader.ok(); ++i) {
        const QJsonObject item = reader.objectAt(recordings, i, QLatin1StringView("recordings"));
        call.recordings.append(readRecording(reader, item));
    }
    if (!reader.ok())
        return std::nullopt;
    return call;
}

QJsonObject errorJson(const QString &code, const QString &message)
{
    return { { u"error"_qs, QJsonObject { { u"code"_qs, code }, { u"message"_qs, message } } } };
}

} // namespace CallJson
