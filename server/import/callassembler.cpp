#include "callassembler.h"

#include "freeswitchcdr.h"
#include "model/timelinebuilder.h"
#include "recordreader.h"
#include "store/eventstore.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <optional>

namespace {

constexpr qint64 kSecond = 1000000;
// Two CDR rows of one caller this close, end to start, are one transfer.
constexpr qint64 kTransferGap = kSecond;

// Applications that talk to the caller by themselves: a Local channel running one is the IVR.
const QSet<QString> &ivrApplications()
{
    static const QSet<QString> apps = {
        u"Playback"_qs,
        u"BackGround"_qs,
        u"Background"_qs,
        u"Read"_qs,
        u"ReadExten"_qs,
        u"VoiceMail"_qs,
        u"VoiceMailMain"_qs,
        u"Record"_qs,
        u"SayDigits"_qs,
        u"SayNumber"_qs,
        u"SayAlpha"_qs,
        u"Festival"_qs,
        u"AGI"_qs,
        u"EAGI"_qs,
        u"AudioSocket"_qs,
        u"Directory"_qs,
        u"ControlPlayback"_qs,
        u"WaitExten"_qs,
        u"SpeechBackground"_qs,
        u"MP3Player"_qs,
    };
    return apps;
}

bool isConferenceApp(const QString &app)
{
    return app == u"ConfBridge" || app == u"MeetMe";
}

Timestamp parseTime(const QString &text)
{
    qint64 us = 0;
    if (text.isEmpty() || !parseRecordTime(text.toUtf8(), &us))
        return {};
    return Timestamp::fromMicroseconds(us);
}

// Whole numbers as JSON numbers, everything else as text.
QJsonValue numberOrText(const QString &text)
{
    bool ok = false;
    const qlonglong number = text.toLongLong(&ok);
    if (ok)
        return QJsonValue(qint64(number));
    return text;
}

void putText(QJsonObject &details, const QString &key, const QString &value)
{
    if (!value.isEmpty() && value != u"NONE")
        details.insert(key, value);
}

void putNumber(QJsonObject &details, const QString &key, const QString &value)
{
    if (!value.isEmpty())
        details.insert(key, numberOrText(value));
}

QJsonObject parseJsonObject(const QString &text)
{
    if (!text.startsWith(u'{'))
        return {};
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

// "Name" <number>, as Asterisk writes a caller id; the whole field may be quoted again.
std::pair<QString, QString> parseCallerId(QString text)
{
    text = text.trimmed();
    if (text.size() >= 2 && text.startsWith(u'"') && text.endsWith(u'"') && !text.contains(u'<'))
        text = text.mid(1, text.size() - 2).trimmed();
    if (text.size() >= 2 && text.startsWith(u'"') && text.endsWith(u'"') && text.count(u'"') == 2)
        text = text.mid(1, text.size() - 2).trimmed();

    static const QRegularExpression pattern(QStringLiteral(R"re(^"?([^"<]*?)"?\s*<([^>]*)>$)re"));
    const auto match = pattern.match(text);
    if (match.hasMatch())
        return { match.captured(1).trimmed(), match.captured(2).trimmed() };
    return { text, QString() };
}

struct LegInfo
{
    QString id;
    QString channel;
    Timestamp first;
    int order = 0;
    QString cidName;
    QString cidNum;
    QString agent; // the queue_log agent this leg is
    QString ivrApp; // an IVR application this leg ran
};

struct CdrRow
{
    const SourceRecord *record = nullptr;
    Timestamp start;
    Timestamp answer; // invalid unless the row was answered
    Timestamp end;
    QString a;
    QString b;
};

// A queue_log row that ends an agent's part of a call; a wrap-up may follow it.
struct Completion
{
    QString agent;
    QString leg;
    Timestamp time;
    QString scope;
};

// queue_log rows that end an agent's part of a call.
bool endsAgentPart(const QString &word)
{
    return word == u"COMPLETECALLER" || word == u"COMPLETEAGENT" || word == u"TRANSFER"
        || word == u"BLINDTRANSFER" || word == u"ATTENDEDTRANSFER";
}

class Assembly
{
public:
    Assembly(const QString &crn, const CallAssembler::Hints &hints)
        : m_crn(crn)
        , m_hints(hints)
    { }

    // What the call's CEL records show: its channels, and its queue (APP_START Queue).
    void setCelCoverage(bool channels, bool queue)
    {
        m_celChannels = channels;
        m_celQueue = queue;
    }

    void addCel(const SourceRecord &record);
    void addQueueLog(const SourceRecord &record);
    void addCdr(const QList<const SourceRecord *> &records);
    void addFreeSwitch(const SourceRecord &record, const QSet<QString> &documented);
    void addWrapUps();
    void requeueCompletions();
    void flagUnjoinedLegs(const QStringList &groups);
    Call finish(const QStringList &sources);

private:
    LegInfo &touch(const QString &id, const QString &channel, Timestamp time);
    void add(EventType type, Timestamp time, const QString &leg, const QString &sourceType,
             const QJsonObject &details, const QString &origin);
    QString agentLeg(const QString &agent, const QString &callerLeg) const;
    void assignParticipants();

    QString m_crn;
    const CallAssembler::Hints &m_hints;
    Call m_call;
    QHash<QString, LegInfo> m_legs;
    QHash<QString, QString> m_agentLegs; // queue_log agent -> its leg in this call
    QList<Completion> m_completions;
    QHash<QString, QString> m_completionCallers; // agent leg -> the caller leg it served
    QSet<QString> m_queueLogCallers; // queue_log's callids: the caller's channels
    bool m_celChannels = false;
    bool m_celQueue = false;
};

LegInfo &Assembly::touch(const QString &id, const QString &channel, Timestamp time)
{
    auto found = m_legs.find(id);
    if (found == m_legs.end()) {
        LegInfo info;
        info.id = id;
        info.order = int(m_legs.size());
        found = m_legs.insert(id, info);
    }
    if (found->channel.isEmpty())
        found->channel = channel;
    if (time.isValid() && (!found->first.isValid() || time < found->first))
        found->first = time;
    return *found;
}

void Assembly::add(EventType type, Timestamp time, const QString &leg, const QString &sourceType,
                   const QJsonObject &details, const QString &origin)
{
    CallEvent event;
    event.type = type;
    event.time = time;
    event.legId = leg;
    event.sourceType = sourceType;
    event.details = details;
    event.origin = origin;
    m_call.events.append(event);
}

void Assembly::addCel(const SourceRecord &r)
{
    const QString &channel = r[Field::Channel];
    const QString leg = r[Field::UniqueId].isEmpty() ? channel : r[Field::UniqueId];
    LegInfo &info = touch(leg, channel, r.time);
    if (info.cidName.isEmpty())
        info.cidName = r[Field::CidName];
    if (info.cidNum.isEmpty())
        info.cidNum = r[Field::CidNum];
    if (CallAssembler::isPlumbing(channel) && info.ivrApp.isEmpty()
        && ivrApplications().contains(r[Field::App]))
        info.ivrApp = r[Field::App];

    const QString &word = r[Field::EventType];
    const QJsonObject extra = parseJsonObject(r[Field::Extra]);
    QJsonObject details;
    EventType type = EventType::Other;

    if (word == u"CHAN_START") {
        type = EventType::ChannelStart;
        // "s" is the dialplan's start extension, not a number anyone dialed.
        if (r[Field::Exten] != u"s")
            putText(details, EventDetail::Dialed, r[Field::Exten]);
        putText(details, EventDetail::Context, r[Field::Context]);
    } else if (word == u"CHAN_END") {
        type = EventType::ChannelEnd;
    } else if (word == u"ANSWER") {
        type = EventType::Answer;
    } else if (word == u"HANGUP") {
        type = EventType::Hangup;
        if (!extra.isEmpty()) {
            putNumber(details, EventDetail::HangupCause,
                      extra.value(u"hangupcause").toVariant().toString());
            putText(details, EventDetail::HangupSource, extra.value(u"hangupsource").toString());
            putText(details, EventDetail::DialStatus, extra.value(u"dialstatus").toString());
        } else {
            // Before Asterisk 12: "cause,source,dialstatus", e.g. "16,,ANSWER".
            const QStringList parts = r[Field::Extra].split(u',');
            putNumber(details, EventDetail::HangupCause, parts.value(0));
            putText(details, EventDetail::HangupSource, parts.value(1));
            putText(details, EventDetail::DialStatus, parts.value(2));
        }
    } else if (word == u"BRIDGE_ENTER" || word == u"BRIDGE_EXIT") {
        type = word == u"BRIDGE_ENTER" ? EventType::BridgeEnter : EventType::BridgeExit;
        putText(details, EventDetail::BridgeId, extra.value(u"bridge_id").toString());
        putText(details, EventDetail::BridgeTechnology,
                extra.value(u"bridge_technology").toString());
        putText(details, EventDetail::Peer, r[Field::Peer]);
    } else if (word == u"BRIDGE_START" || word == u"BRIDGE_END") {
        // Before Asterisk 12 only the calling side logs the bridge, naming its peer.
        type = word == u"BRIDGE_START" ? EventType::BridgeEnter : EventType::BridgeExit;
        details.insert(EventDetail::BridgeId, QString(u"bridge:"_qs + channel));
        putText(details, EventDetail::Peer, r[Field::Peer]);
        if (!r[Field::Peer].isEmpty())
            details.insert(EventDetail::PeerJoins, true);
    } else if (word == u"CONF_ENTER" || word == u"CONF_EXIT") {
        type = word == u"CONF_ENTER" ? EventType::BridgeEnter : EventType::BridgeExit;
        details.insert(EventDetail::BridgeId,
                       QString(u"conference:"_qs + r[Field::AppData].section(u',', 0, 0)));
    } else if (word == u"HOLD" || word == u"PARK_START") {
        type = EventType::HoldStart;
        if (word == u"PARK_START")
            details.insert(EventDetail::Kind, u"park"_qs);
    } else if (word == u"UNHOLD" || word == u"PARK_END") {
        type = EventType::HoldEnd;
    } else if (word == u"BLINDTRANSFER" || word == u"ATTENDEDTRANSFER" || word == u"TRANSFER") {
        type = EventType::Transfer;
        details = extra;
        details.insert(EventDetail::Kind,
                       word == u"BLINDTRANSFER"          ? u"blind"_qs
                           : word == u"ATTENDEDTRANSFER" ? u"attended"_qs
                                                         : u"transfer"_qs);
        QString target = extra.value(u"transfer_target_channel_name").toString();
        if (target.isEmpty())
            target = extra.value(u"channel2_name").toString();
        const QString extension = extra.value(u"extension").toString();
        if (target.isEmpty() && !extension.isEmpty()) {
            const QString context = extra.value(u"context").toString();
            target = context.isEmpty() ? extension : extension + u'@' + context;
        }
        putText(details, EventDetail::Target, target);
    } else if (word == u"LINKEDID_END") {
        // A channel that started its own linkedid ends it when it joins this call; only the
        // call's own linkedid ending ends the call.
        type = r[Field::LinkedId] == m_crn ? EventType::CallEnd : EventType::Other;
        if (type == EventType::Other)
            details.insert(u"linkedid"_qs, r[Field::LinkedId]);
    } else if ((word == u"APP_START" || word == u"APP_END") && isConferenceApp(r[Field::App])) {
        // Inside a conference application the channel is in the conference, whoever else has
        // joined its bridge yet.
        const QString room = r[Field::AppData].section(u',', 0, 0);
        type = word == u"APP_START" ? EventType::ConferenceEnter : EventType::Other;
        putText(details, EventDetail::App, r[Field::App]);
        putText(details, EventDetail::AppData, r[Field::AppData]);
        details.insert(word == u"APP_START" ? EventDetail::Conference : EventDetail::ConferenceLeft,
                       room);
    } else if ((word == u"APP_START" || word == u"APP_END") && r[Field::App] == u"Queue") {
        type = word == u"APP_START" ? EventType::QueueEnter : EventType::QueueLeave;
        putText(details, EventDetail::Queue, r[Field::AppData].section(u',', 0, 0));
    } else {
        details = extra;
        if (extra.isEmpty())
            putText(details, u"extra"_qs, r[Field::Extra]);
        putText(details, EventDetail::App, r[Field::App]);
        putText(details, EventDetail::AppData, r[Field::AppData]);
        putText(details, u"userdeftype"_qs, r[Field::UserDefType]);
        // Wazo marks the calls its incoming and outgoing routes handle.
        if (word == u"XIVO_INCALL")
            details.insert(EventDetail::Direction, u"inbound"_qs);
        else if (word == u"XIVO_OUTCALL")
            details.insert(EventDetail::Direction, u"outbound"_qs);
    }
    add(type, r.time, leg, word, details, r.origin);
}

QString Assembly::agentLeg(const QString &agent, const QString &callerLeg) const
{
    return m_agentLegs.value(agent, agent + u'@' + callerLeg);
}

void Assembly::addQueueLog(const SourceRecord &r)
{
    const QString &callerLeg = r[Field::CallId];
    m_queueLogCallers.insert(callerLeg);
    LegInfo &caller = touch(callerLeg, QString(), r.time);
    const QString &word = r[Field::Event];
    const QString queue = r[Field::Queue] == u"NONE" ? QString() : r[Field::Queue];
    const QString agent = r[Field::Agent] == u"NONE" ? QString() : r[Field::Agent];

    QJsonObject details;
    putText(details, EventDetail::Queue, queue);
    putText(details, EventDetail::Agent, agent);
    const QString bridge = u"queue:"_qs + queue + u':';

    // Where CEL records tell the same story to the microsecond, queue_log rows (whole seconds
    // in the flat file) are kept as what they are, without moving the call's state.
    if (word == u"ENTERQUEUE") {
        if (caller.cidNum.isEmpty())
            caller.cidNum = r[Field::Data2];
        putNumber(details, u"position"_qs, r[Field::Data3]);
        add(m_celQueue ? EventType::Other : EventType::QueueEnter, r.time, callerLeg, word, details,
            r.origin);
    } else if (word == u"CONNECT") {
        const QString leg
            = r[Field::MemberLeg].isEmpty() ? agent + u'@' + callerLeg : r[Field::MemberLeg];
        m_agentLegs.insert(agent, leg);
        touch(leg, QString(), r.time).agent = agent;
        putNumber(details, u"hold_time"_qs, r[Field::Data1]);
        putNumber(details, u"ring_time"_qs, r[Field::Data3]);
        if (m_celChannels) {
            add(EventType::Other, r.time, leg, word, details, r.origin);
            return;
        }
        add(EventType::Answer, r.time, leg, word, details, r.origin);
        const QJsonObject join { { EventDetail::BridgeId, QString(bridge + leg) } };
        add(EventType::BridgeEnter, r.time, leg, word, join, r.origin);
        add(EventType::BridgeEnter, r.time, callerLeg, word, join, r.origin);
    } else if (word == u"COMPLETECALLER" || word == u"COMPLETEAGENT") {
        const QString leg = agentLeg(agent, callerLeg);
        touch(leg, QString(), r.time).agent = agent;
        m_completions.append({ agent, leg, r.time, r[Field::Scenario] });
        m_completionCallers.insert(leg, callerLeg);
        const bool callerHungUp = word == u"COMPLETECALLER";
        details.insert(EventDetail::HangupSource, callerHungUp ? u"caller"_qs : u"agent"_qs);
        putNumber(details, u"hold_time"_qs, r[Field::Data1]);
        putNumber(details, u"talk_time"_qs, r[Field::Data2]);
        if (m_celChannels) {
            add(EventType::Other, r.time, callerHungUp ? callerLeg : leg, word, details, r.origin);
            return;
        }
        const QJsonObject part { { EventDetail::BridgeId, QString(bridge + leg) } };
        add(EventType::BridgeExit, r.time, leg, word, part, r.origin);
        add(EventType::BridgeExit, r.time, callerLeg, word, part, r.origin);
        add(EventType::Hangup, r.time, callerHungUp ? callerLeg : leg, word, details, r.origin);
    } else if (word == u"TRANSFER" || word == u"BLINDTRANSFER" || word == u"ATTENDEDTRANSFER") {
        const QString leg = agentLeg(agent, callerLeg);
        touch(leg, QString(), r.time).agent = agent;
        m_completions.append({ agent, leg, r.time, r[Field::Scenario] });
        QString target;
        if (word == u"ATTENDEDTRANSFER") {
            // data1 is the method: BRIDGE|bridge, APP|app|data, LINK|chan1|chan2, THREEWAY|chan.
            const QString &method = r[Field::Data1];
            details.insert(EventDetail::Kind, u"attended"_qs);
            details.insert(u"method"_qs, method);
            // The fields after the method differ by method; keep them as written.
            putText(details, u"data2"_qs, r[Field::Data2]);
            putText(details, u"data3"_qs, r[Field::Data3]);
            putText(details, u"data4"_qs, r[Field::Data4]);
            putText(details, u"data5"_qs, r[Field::Data5]);
            if (method == u"LINK")
                target = r[Field::Data3];
            else if (method == u"BRIDGE")
                target = u"bridge "_qs + r[Field::Data2];
            else
                target = r[Field::Data2];
        } else {
            details.insert(EventDetail::Kind,
                           word == u"BLINDTRANSFER" ? u"blind"_qs : u"transfer"_qs);
            target = r[Field::Data2].isEmpty() ? r[Field::Data1]
                                               : r[Field::Data1] + u'@' + r[Field::Data2];
            putNumber(details, u"hold_time"_qs, r[Field::Data3]);
            putNumber(details, u"talk_time"_qs, r[Field::Data4]);
        }
        putText(details, EventDetail::Target, target);
        if (!m_celChannels) {
            const QJsonObject part { { EventDetail::BridgeId, QString(bridge + leg) } };
            add(EventType::BridgeExit, r.time, leg, word, part, r.origin);
            add(EventType::BridgeExit, r.time, callerLeg, word, part, r.origin);
        }
        add(EventType::Transfer, r.time, callerLeg, word, details, r.origin);
    } else if (word == u"ABANDON" || word == u"EXITWITHTIMEOUT" || word == u"EXITEMPTY") {
        putNumber(details, u"position"_qs, r[Field::Data1]);
        putNumber(details, u"original_position"_qs, r[Field::Data2]);
        putNumber(details, u"wait_time"_qs, r[Field::Data3]);
        add(EventType::Abandon, r.time, callerLeg, word, details, r.origin);
    } else if (word == u"EXITWITHKEY") {
        putText(details, u"key"_qs, r[Field::Data1]);
        add(m_celQueue ? EventType::Other : EventType::QueueLeave, r.time, callerLeg, word, details,
            r.origin);
    } else if (word == u"RINGNOANSWER" || word == u"RINGCANCELED") {
        // Logged when the ringing stops; data1 says for how many milliseconds it rang.
        putNumber(details, u"ring_time_ms"_qs, r[Field::Data1]);
        if (m_celChannels) {
            add(EventType::Other, r.time, callerLeg, word, details, r.origin);
            return;
        }
        const QString leg = agent + u'@' + callerLeg;
        touch(leg, QString(), r.time).agent = agent;
        bool ok = false;
        const qint64 ringMs = r[Field::Data1].toLongLong(&ok);
        const Timestamp rang = ok && ringMs > 0 ? r.time.addMicroseconds(-ringMs * 1000) : r.time;
        add(EventType::Ringing, rang, leg, word, details, r.origin);
        QJsonObject stop = details;
        stop.insert(EventDetail::DialStatus,
                    word == u"RINGNOANSWER" ? u"NOANSWER"_qs : u"CANCEL"_qs);
        add(EventType::Hangup, r.time, leg, word, stop, r.origin);
    } else if (word == u"WRAPUPSTART") {
        putNumber(details, EventDetail::Duration, r[Field::Data1]);
        add(EventType::WrapUpStart, r.time, agentLeg(agent, callerLeg), word, details, r.origin);
    } else if (word == u"DID") {
        putText(details, EventDetail::Dialed, r[Field::Data1]);
        add(EventType::Other, r.time, callerLeg, word, details, r.origin);
    } else {
        const std::pair<Field, const char16_t *> data[] = {
            { Field::Data1, u"data1" }, { Field::Data2, u"data2" }, { Field::Data3, u"data3" },
            { Field::Data4, u"data4" }, { Field::Data5, u"data5" },
        };
        for (const auto &[field, key] : data)
            putText(details, QString::fromUtf16(key), r[field]);
        add(EventType::Other, r.time, callerLeg, word, details, r.origin);
    }
}

Timestamp freeSwitchTime(qint64 us)
{
    return us > 0 ? Timestamp::fromMicroseconds(us) : Timestamp();
}

// The number a dial string ends with: "1/A/5550100140" -> "5550100140".
QString dialedNumber(const FreeSwitchParty &party)
{
    if (!party.calleeIdNumber.isEmpty())
        return party.calleeIdNumber;
    return party.destination.section(u'/', -1);
}

// What became of a channel, in the words TimelineBuilder reads for a call's outcome.
QString freeSwitchDialStatus(const FreeSwitchCdr &cdr)
{
    if (cdr.answeredUs > 0)
        return u"ANSWER"_qs;
    if (cdr.hangupCause == u"USER_BUSY")
        return u"BUSY"_qs;
    if (cdr.hangupCause == u"ORIGINATOR_CANCEL")
        return u"CANCEL"_qs;
    return u"NOANSWER"_qs;
}

QString answerText(qint64 us)
{
    return us > 0 ? u"answered at "_qs + Timestamp::fromMicroseconds(us).toIso()
                  : u"never answered"_qs;
}

// A FreeSWITCH XML CDR is one channel's whole story: its callflow times give its start, answer
// and hangup. An A-leg's CDR also names the channels it was bridged with; where their own CDRs
// are not imported (mod_xml_cdr writes B-legs only when asked to), their ringing, answer and
// hangup are taken from the A-leg's times and marked inferred. The bridge itself is always the
// A-leg's to tell, so that two CDRs of one call do not tell it twice.
void Assembly::addFreeSwitch(const SourceRecord &r, const QSet<QString> &documented)
{
    const FreeSwitchCdr cdr
        = FreeSwitchCdr::fromJson(QJsonDocument::fromJson(r[Field::Document].toUtf8()).object());
    const QString &own = cdr.leg.uuid;
    if (own.isEmpty())
        return;
    const Timestamp created = freeSwitchTime(cdr.createdUs);
    const Timestamp progress = freeSwitchTime(cdr.progressUs);
    const Timestamp answered = freeSwitchTime(cdr.answeredUs);
    const Timestamp bridged = freeSwitchTime(cdr.bridgedUs);
    const Timestamp hangup = freeSwitchTime(cdr.hangupUs);

    LegInfo &leg = touch(own, cdr.leg.channel, created.isValid() ? created : hangup);
    if (cdr.originator.isEmpty()) {
        leg.cidName = cdr.leg.callerIdName;
        leg.cidNum = cdr.leg.callerIdNumber;
    } else {
        // A B-leg's profile carries the caller id presented to it, which is the caller's.
        leg.cidNum = dialedNumber(cdr.leg);
        leg.cidName = cdr.leg.calleeIdName.isEmpty() ? leg.cidNum : cdr.leg.calleeIdName;
    }

    QJsonObject start;
    putText(start, EventDetail::Dialed, cdr.leg.destination);
    putText(start, EventDetail::Context, cdr.context);
    putText(start, u"user_agent"_qs, cdr.userAgent);
    // FreeSWITCH's own convention: the "public" context takes the calls that come from outside.
    if (cdr.originator.isEmpty() && cdr.context == u"public")
        start.insert(EventDetail::Direction, u"inbound"_qs);
    if (created.isValid())
        add(EventType::ChannelStart, created, own, u"created"_qs, start, r.origin);
    if (answered.isValid())
        add(EventType::Answer, answered, own, u"answered"_qs, {}, r.origin);
    // FreeSWITCH stamps the applications a channel ran; those it logs after the hangup (the
    // stamps of a refused call's last steps) would stretch the call past its end.
    for (const FreeSwitchApp &app : cdr.apps) {
        const Timestamp stamp = freeSwitchTime(app.stampUs);
        if (stamp.isValid() && (!created.isValid() || created <= stamp)
            && (!hangup.isValid() || stamp <= hangup))
            add(EventType::Other, stamp, own, app.name,
                { { EventDetail::App, app.name }, { EventDetail::AppData, app.data } }, r.origin);
    }

    QJsonObject end;
    putText(end, EventDetail::HangupCause, cdr.hangupCause);
    if (cdr.q850Cause > 0)
        end.insert(u"q850_cause"_qs, cdr.q850Cause);
    putText(end, EventDetail::DialStatus, freeSwitchDialStatus(cdr));
    putNumber(end, EventDetail::Duration, cdr.duration);
    putNumber(end, u"billsec"_qs, cdr.billsec);
    putText(end, u"last_app"_qs, cdr.lastApp);
    putText(end, u"last_arg"_qs, cdr.lastArg);
    putText(end, u"sip_hangup_disposition"_qs, cdr.hangupDisposition);
    if (hangup.isValid())
        add(EventType::Hangup, hangup, own, u"hangup"_qs, end, r.origin);

    const Timestamp joined = bridged.isValid() ? bridged : answered;
    for (const FreeSwitchParty &party :
         cdr.originator.isEmpty() ? cdr.bridged : QList<FreeSwitchParty>()) {
        const bool answeredHere
            = party.uuid == cdr.bridgedTo || (cdr.bridgedTo.isEmpty() && cdr.bridged.size() == 1);
        const Timestamp rang = progress.isValid() ? progress : created;
        LegInfo &other = touch(party.uuid, party.channel, rang);
        if (other.cidNum.isEmpty())
            other.cidNum = dialedNumber(party);
        if (other.cidName.isEmpty())
            other.cidName = party.calleeIdName.isEmpty() ? other.cidNum : party.calleeIdName;

        const bool inferred = !documented.contains(party.uuid);
        const QJsonObject mark { { EventDetail::Inferred, true } };
        if (inferred && rang.isValid()) {
            QJsonObject ring = mark;
            putText(ring, EventDetail::Peer, cdr.leg.channel);
            putText(ring, EventDetail::Dialed, party.destination);
            add(EventType::ChannelStart, rang, party.uuid, u"originate"_qs, ring, r.origin);
        }
        if (answeredHere && joined.isValid()) {
            if (inferred)
                add(EventType::Answer, joined, party.uuid, u"answered"_qs, mark, r.origin);
            const QJsonObject bridge { { EventDetail::BridgeId,
                                         QString(u"freeswitch:"_qs + own + u':' + party.uuid) } };
            add(EventType::BridgeEnter, joined, own, u"bridge"_qs, bridge, r.origin);
            add(EventType::BridgeEnter, joined, party.uuid, u"bridge"_qs, bridge, r.origin);
            if (hangup.isValid()) {
                add(EventType::BridgeExit, hangup, own, u"unbridge"_qs, bridge, r.origin);
                add(EventType::BridgeExit, hangup, party.uuid, u"unbridge"_qs, bridge, r.origin);
            }
        }
        // Channels rung beside the one that answered stop ringing when it does.
        const Timestamp stopped = answeredHere || !joined.isValid() ? hangup : joined;
        if (inferred && stopped.isValid()) {
            QJsonObject stop = mark;
            putText(stop, EventDetail::DialStatus,
                    answeredHere && joined.isValid() ? u"ANSWER"_qs : u"NOANSWER"_qs);
            if (answeredHere)
                putText(stop, EventDetail::HangupCause, cdr.hangupCause);
            add(EventType::Hangup, stopped, party.uuid, u"hangup"_qs, stop, r.origin);
        }
    }

    // Old FreeSWITCH versions wrote answer_epoch at the first media, not at the answer.
    if (cdr.answerEpochUs >= 0) {
        const bool differ = cdr.answerEpochWholeSeconds
            ? cdr.answerEpochUs / 1000000 != cdr.answeredUs / 1000000
            : qAbs(cdr.answerEpochUs - cdr.answeredUs) >= kSecond;
        if (differ)
            m_call.flags.append(
                { u"timestamp_mismatch"_qs,
                  QStringLiteral("%1: the CDR's answer_epoch says %2, its callflow's "
                                 "answered_time says %3; the timeline follows the callflow's "
                                 "microsecond times.")
                      .arg(r.origin, answerText(cdr.answerEpochUs), answerText(cdr.answeredUs)) });
    }
}

void Assembly::addWrapUps()
{
    QSet<QString> legsWithWrapUp;
    for (const CallEvent &event : std::as_const(m_call.events)) {
        if (event.type == EventType::WrapUpStart)
            legsWithWrapUp.insert(event.legId);
    }
    for (const Completion &done : std::as_const(m_completions)) {
        if (done.agent.isEmpty() || legsWithWrapUp.contains(done.leg))
            continue;
        for (const CallAssembler::Hints::WrapUp &wrap : m_hints.wrapUps) {
            if (wrap.agent != done.agent || wrap.scope != done.scope || wrap.time < done.time
                || wrap.time - done.time > CallAssembler::kWrapUpWindowMicroseconds)
                continue;
            QJsonObject details { { EventDetail::Agent, done.agent } };
            putNumber(details, EventDetail::Duration, wrap.duration);
            add(EventType::WrapUpStart, wrap.time, done.leg, wrap.word, details, wrap.origin);
            legsWithWrapUp.insert(done.leg);
            break;
        }
    }
}

void Assembly::addCdr(const QList<const SourceRecord *> &records)
{
    QList<CdrRow> rows;
    QHash<QString, QString> legByChannel; // a channel's uniqueid, where a row names it
    for (const SourceRecord *record : records) {
        const SourceRecord &r = *record;
        CdrRow row;
        row.record = record;
        row.start = parseTime(r[Field::Start]);
        row.end = parseTime(r[Field::End]);
        if (!row.end.isValid() || row.end < row.start)
            row.end = row.start;
        // Unanswered rows may still carry an answer time; only the disposition says.
        const Timestamp answer = parseTime(r[Field::Answer]);
        if (r[Field::Disposition] == u"ANSWERED" && answer.isValid())
            row.answer = std::clamp(answer, row.start, row.end);
        row.a = r[Field::UniqueId].isEmpty() ? r[Field::Channel] : r[Field::UniqueId];
        if (!r[Field::UniqueId].isEmpty() && !legByChannel.contains(r[Field::Channel]))
            legByChannel.insert(r[Field::Channel], r[Field::UniqueId]);
        rows.append(row);
    }
    for (CdrRow &row : rows) {
        const SourceRecord &r = *row.record;
        if (!r[Field::DstChannel].isEmpty())
            row.b = legByChannel.value(r[Field::DstChannel], r[Field::DstLeg]);
    }
    std::stable_sort(rows.begin(), rows.end(), [](const CdrRow &x, const CdrRow &y) {
        if (x.start != y.start)
            return x.start < y.start;
        return (*x.record)[Field::Sequence].toLongLong()
            < (*y.record)[Field::Sequence].toLongLong();
    });

    QSet<QString> started;
    QSet<QString> answered;
    QSet<QString> queued;
    // Maps, not hashes: their order is the order events and flags are written in.
    QMap<QString, const CdrRow *> lastRow; // the row each leg ends with
    QMap<QString, QStringList> duplicates; // (a, start, b) -> dispositions
    for (const CdrRow &row : std::as_const(rows)) {
        const SourceRecord &r = *row.record;
        const QString &origin = r.origin;

        LegInfo &a = touch(row.a, r[Field::Channel], row.start);
        const auto [name, number] = parseCallerId(r[Field::Clid]);
        if (a.cidName.isEmpty())
            a.cidName = name;
        if (a.cidNum.isEmpty())
            a.cidNum = number.isEmpty() ? r[Field::Src] : number;
        if (CallAssembler::isPlumbing(r[Field::Channel]) && row.b.isEmpty()
            && ivrApplications().contains(r[Field::LastApp]) && a.ivrApp.isEmpty())
            a.ivrApp = r[Field::LastApp];
        if (!row.b.isEmpty())
            touch(row.b, r[Field::DstChannel], row.start);

        QJsonObject startDetails;
        if (r[Field::Dst] != u"s")
            putText(startDetails, EventDetail::Dialed, r[Field::Dst]);
        putText(startDetails, EventDetail::Context, r[Field::DContext]);
        putText(startDetails, EventDetail::App, r[Field::LastApp]);
        putText(startDetails, EventDetail::AppData, r[Field::LastData]);
        if (!started.contains(row.a)) {
            started.insert(row.a);
            add(EventType::ChannelStart, row.start, row.a, u"start"_qs, startDetails, origin);
        }
        const QString &app = r[Field::LastApp];
        if (app.compare(u"Queue", Qt::CaseInsensitive) == 0) {
            const QString queue = r[Field::LastData].section(u',', 0, 0);
            const QString key
                = row.a + u'\n' + queue + u'\n' + QString::number(row.start.microseconds());
            if (!queued.contains(key)) {
                queued.insert(key);
                add(EventType::QueueEnter, row.start, row.a, u"start"_qs,
                    { { EventDetail::Queue, queue } }, origin);
            }
        } else if (row.b.isEmpty() && app.compare(u"Park", Qt::CaseInsensitive) == 0) {
            add(EventType::HoldStart, row.start, row.a, u"start"_qs,
                { { EventDetail::Kind, u"park"_qs }, { EventDetail::AppData, r[Field::LastData] } },
                origin);
            add(EventType::HoldEnd, row.end, row.a, u"end"_qs, {}, origin);
        } else if (row.b.isEmpty() && !app.isEmpty() && app != u"Dial") {
            add(EventType::Ivr, row.start, row.a, u"start"_qs,
                { { EventDetail::App, app }, { EventDetail::AppData, r[Field::LastData] } },
                origin);
        }
        if (!row.b.isEmpty() && !started.contains(row.b)) {
            started.insert(row.b);
            QJsonObject ring;
            putText(ring, EventDetail::Peer, r[Field::Channel]);
            add(EventType::ChannelStart, row.start, row.b, u"start"_qs, ring, origin);
        }

        if (row.answer.isValid()) {
            if (!row.b.isEmpty()) {
                if (!answered.contains(row.b)) {
                    answered.insert(row.b);
                    add(EventType::Answer, row.answer, row.b, u"answer"_qs, {}, origin);
                }
                // Each CDR row is one pair of parties; a leg may be in several at once.
                const QJsonObject bridge { { EventDetail::BridgeId,
                                             QString(u"cdr:"_qs + origin) } };
                add(EventType::BridgeEnter, row.answer, row.a, u"answer"_qs, bridge, origin);
                add(EventType::BridgeEnter, row.answer, row.b, u"answer"_qs, bridge, origin);
                add(EventType::BridgeExit, row.end, row.a, u"end"_qs, bridge, origin);
                add(EventType::BridgeExit, row.end, row.b, u"end"_qs, bridge, origin);
            } else if (!answered.contains(row.a)) {
                answered.insert(row.a);
                add(EventType::Answer, row.answer, row.a, u"answer"_qs,
                    { { EventDetail::App, app } }, origin);
            }
        }

        for (const QString &leg : { row.a, row.b }) {
            if (leg.isEmpty())
                continue;
            const CdrRow *&last = lastRow[leg];
            if (!last || last->end <= row.end)
                last = &row;
        }
        const QString key
            = row.a + u'\n' + QString::number(row.start.microseconds()) + u'\n' + row.b;
        duplicates[key].append(r[Field::Disposition]);

        bool durationOk = false;
        bool billOk = false;
        const qint64 duration = r[Field::Duration].toLongLong(&durationOk);
        const qint64 billsec = r[Field::BillSec].toLongLong(&billOk);
        if (durationOk && billOk && billsec > duration)
            m_call.flags.append({ u"billsec_exceeds_duration"_qs,
                                  QStringLiteral("%1: billsec %2 is more than duration %3")
                                      .arg(origin)
                                      .arg(billsec)
                                      .arg(duration) });
    }

    // A leg's last row ends it; every other row's end is kept as what it is, the end of one
    // relationship, so that no row disappears from the call (rows that repeat a leg included).
    auto endDetails = [](const SourceRecord &r) {
        QJsonObject details;
        putText(details, EventDetail::Disposition, r[Field::Disposition]);
        putNumber(details, EventDetail::Duration, r[Field::Duration]);
        putNumber(details, u"billsec"_qs, r[Field::BillSec]);
        return details;
    };
    for (auto it = lastRow.cbegin(); it != lastRow.cend(); ++it) {
        const CdrRow &row = **it;
        add(EventType::Hangup, row.end, it.key(), u"end"_qs, endDetails(*row.record),
            row.record->origin);
    }
    for (const CdrRow &row : std::as_const(rows)) {
        if (lastRow.value(row.a) != &row)
            add(EventType::Other, row.end, row.a, u"end"_qs, endDetails(*row.record),
                row.record->origin);
    }

    // A callee who dials someone else while the first conversation goes on is consulting: the
    // first caller waits on hold until that consultation ends (core attended transfers and the
    // first part of a three-way call look like this in CDRs).
    for (const CdrRow &consult : std::as_const(rows)) {
        const SourceRecord &r = *consult.record;
        // A consultation rings first; a row bridged at once re-joins parties already talking.
        if (consult.b.isEmpty() || r[Field::LastApp].startsWith(u"ConfBridge")
            || r[Field::LastApp] == u"MeetMe" || consult.answer == consult.start)
            continue;
        const QString consultant = CallAssembler::endpointOf(r[Field::Channel]);
        for (const CdrRow &first : std::as_const(rows)) {
            const SourceRecord &f = *first.record;
            if (&first == &consult || first.b.isEmpty() || !first.answer.isValid()
                || !(first.answer < consult.start) || !(consult.start < first.end)
                || CallAssembler::endpointOf(f[Field::DstChannel]) != consultant
                || CallAssembler::endpointOf(r[Field::DstChannel])
                    == CallAssembler::endpointOf(f[Field::Channel]))
                continue;
            const QJsonObject details { { EventDetail::Kind, u"consultation"_qs },
                                        { u"inferred"_qs, true } };
            add(EventType::HoldStart, consult.start, first.a, u"start"_qs, details, r.origin);
            add(EventType::HoldEnd, std::min(consult.end, first.end), first.a, u"end"_qs, details,
                r.origin);
        }
    }

    // One caller's answered row ending as the next row to another party starts: a transfer.
    QMap<QString, QList<const CdrRow *>> byCaller;
    for (const CdrRow &row : std::as_const(rows))
        byCaller[row.a].append(&row);
    for (const QList<const CdrRow *> &callerRows : std::as_const(byCaller)) {
        for (qsizetype i = 0; i + 1 < callerRows.size(); ++i) {
            const CdrRow &before = *callerRows[i];
            const CdrRow &after = *callerRows[i + 1];
            if (before.b.isEmpty() || !before.answer.isValid() || after.b == before.b
                || qAbs(after.start - before.end) > kTransferGap)
                continue;
            const SourceRecord &r = *after.record;
            const bool attended = after.answer.isValid() && after.answer == after.start;
            QJsonObject details { { EventDetail::Kind, attended ? u"attended"_qs : u"blind"_qs },
                                  { u"inferred"_qs, true } };
            putText(details, EventDetail::Target,
                    after.b.isEmpty() ? r[Field::Dst] : r[Field::DstChannel]);
            add(EventType::Transfer, before.end, before.a, u"end"_qs, details,
                before.record->origin);
        }
    }

    for (auto it = duplicates.cbegin(); it != duplicates.cend(); ++it) {
        if (it->size() < 2)
            continue;
        const QStringList parts = it.key().split(u'\n');
        m_call.flags.append(
            { u"duplicate_uniqueid"_qs,
              QStringLiteral("%1 CDR rows describe leg %2 from the same start; their "
                             "dispositions are %3")
                  .arg(it->size())
                  .arg(parts.value(0), it->join(u", "_qs)) });
    }
}

void Assembly::flagUnjoinedLegs(const QStringList &groups)
{
    QSet<QString> flagged;
    for (const auto &[leg, otherGroup] : m_hints.sharedChannels) {
        if (groups.contains(otherGroup) || flagged.contains(leg) || !m_legs.contains(leg))
            continue;
        flagged.insert(leg);
        const QString channel = m_legs.value(leg).channel;
        m_call.flags.append(
            { u"unjoined_leg"_qs,
              QStringLiteral("Channel %1 is also in call %2 at the same time; the records do "
                             "not say how the two calls connect")
                  .arg(channel.isEmpty() ? leg : channel, otherGroup) });
    }
}

void Assembly::assignParticipants()
{
    QList<const LegInfo *> legs;
    for (const LegInfo &leg : std::as_const(m_legs))
        legs.append(&leg);
    std::sort(legs.begin(), legs.end(), [](const LegInfo *x, const LegInfo *y) {
        if (x->first != y->first)
            return x->first < y->first;
        return x->order < y->order;
    });

    // The caller: the channel queue_log names as callid, if any; else the first person's leg
    // that is not a queue agent's, else the first person's.
    const LegInfo *caller = nullptr;
    for (const LegInfo *leg : std::as_const(legs)) {
        if (m_queueLogCallers.contains(leg->id)) {
            caller = leg;
            break;
        }
    }
    for (const bool agentsToo : { false, true }) {
        for (const LegInfo *leg : std::as_const(legs)) {
            if (caller)
                break;
            const bool person = !leg->agent.isEmpty() || !CallAssembler::isPlumbing(leg->channel);
            if (person && (agentsToo || leg->agent.isEmpty()))
                caller = leg;
        }
    }
    const QString callerEndpoint = caller ? CallAssembler::endpointOf(caller->channel) : QString();
    const QString callerKey = callerEndpoint.isEmpty() ? u"caller"_qs : callerEndpoint;

    // A queue agent is the same person on every channel their phone opens in this call (a
    // consultation, a conference dial-in, a ring they let go): queue_log names one of them
    // (CONNECT's member uniqueid), the channel name joins the others. A phone that several
    // agents answered on joins none of them.
    QHash<QString, QString> agentOfEndpoint;
    QSet<QString> sharedPhones;
    for (const LegInfo *leg : std::as_const(legs)) {
        if (leg->agent.isEmpty() || leg->channel.isEmpty()
            || CallAssembler::isPlumbing(leg->channel))
            continue;
        const QString endpoint = CallAssembler::endpointOf(leg->channel);
        if (endpoint == callerEndpoint)
            continue;
        const auto found = agentOfEndpoint.constFind(endpoint);
        if (found == agentOfEndpoint.constEnd())
            agentOfEndpoint.insert(endpoint, leg->agent);
        else if (*found != leg->agent)
            sharedPhones.insert(endpoint);
    }
    for (const QString &endpoint : std::as_const(sharedPhones))
        agentOfEndpoint.remove(endpoint);

    struct Person
    {
        Participant participant;
        Timestamp first;
        int order = 0;
        QString fallbackName; // the name used when no record gives one
    };
    QHash<QString, Person> people;
    QHash<QString, QString> participantOfLeg;
    for (const LegInfo *leg : std::as_const(legs)) {
        const QString endpoint = CallAssembler::endpointOf(leg->channel);
        QString key;
        ParticipantRole role = ParticipantRole::Agent;
        QString fallbackName;
        bool agentKey = false;
        if (leg == caller
            || (leg->agent.isEmpty() && !endpoint.isEmpty() && endpoint == callerEndpoint)) {
            key = callerKey;
            role = ParticipantRole::Caller;
            fallbackName = endpoint.section(u'/', 1);
        } else if (!leg->agent.isEmpty() || agentOfEndpoint.contains(endpoint)) {
            key = leg->agent.isEmpty() ? agentOfEndpoint.value(endpoint) : leg->agent;
            fallbackName = key;
            agentKey = true;
        } else if (CallAssembler::isPlumbing(leg->channel)) {
            if (leg->ivrApp.isEmpty())
                continue; // plumbing: no lane
            key = u"ivr:"_qs + endpoint;
            role = ParticipantRole::Ivr;
            fallbackName = leg->ivrApp;
        } else {
            key = endpoint.isEmpty() ? leg->id : endpoint;
            fallbackName = endpoint.isEmpty() ? leg->id : endpoint.section(u'/', 1);
        }
        participantOfLeg.insert(leg->id, key);

        auto found = people.find(key);
        if (found == people.end()) {
            Person person;
            person.participant.id = key;
            person.participant.role = role;
            person.participant.name = fallbackName;
            person.fallbackName = fallbackName;
            person.first = leg->first;
            person.order = int(people.size());
            found = people.insert(key, person);
        }
        Participant &participant = found->participant;
        // A callee's channel may carry the caller's id: ignore a name that is the caller's.
        const bool callersId = role != ParticipantRole::Caller && caller && leg != caller
            && leg->cidName == caller->cidName && leg->cidNum == caller->cidNum;
        // An agent is known by the agent name queue_log gives, not by the phone's caller id.
        if (!callersId && !agentKey && !leg->cidName.isEmpty() && participant.name == fallbackName
            && role != ParticipantRole::Ivr)
            participant.name = leg->cidName;
        if (!callersId && participant.number.isEmpty() && role != ParticipantRole::Ivr)
            participant.number = leg->cidNum;
    }

    // A caller without a name is known by number, not by the trunk it came in on.
    auto callerPerson = people.find(callerKey);
    if (callerPerson != people.end() && !callerPerson->participant.number.isEmpty()
        && callerPerson->participant.name == callerPerson->fallbackName)
        callerPerson->participant.name = callerPerson->participant.number;

    for (const CallEvent &event : std::as_const(m_call.events)) {
        const QString queue = event.details.value(EventDetail::Queue).toString();
        if (event.type != EventType::QueueEnter || queue.isEmpty()
            || people.contains(u"queue:"_qs + queue))
            continue;
        Person person;
        person.participant = { u"queue:"_qs + queue, ParticipantRole::Queue, queue, {} };
        person.first = event.time;
        person.order = int(people.size());
        people.insert(person.participant.id, person);
    }

    QList<Person> ordered = people.values();
    std::sort(ordered.begin(), ordered.end(), [&](const Person &x, const Person &y) {
        const bool xCaller = x.participant.id == callerKey;
        const bool yCaller = y.participant.id == callerKey;
        if (xCaller != yCaller)
            return xCaller;
        if (x.first != y.first)
            return x.first < y.first;
        return x.order < y.order;
    });
    for (const Person &person : std::as_const(ordered))
        m_call.participants.append(person.participant);

    for (const LegInfo *leg : std::as_const(legs))
        m_call.legs.append({ leg->id, leg->channel, participantOfLeg.value(leg->id), {}, {}, {} });
}

// queue_log ends a queue session with COMPLETECALLER or COMPLETEAGENT also when an agent
// transfers the caller into another queue; the caller entering a queue again later shows that
// the session ended in a transfer, not in the caller hanging up.
void Assembly::requeueCompletions()
{
    const auto nextQueueEntry = [this](const CallEvent &completion, const QString &callerLeg) {
        const CallEvent *next = nullptr;
        for (const CallEvent &event : std::as_const(m_call.events)) {
            if (event.legId == callerLeg && event.sourceType == u"ENTERQUEUE"
                && event.time > completion.time && (!next || event.time < next->time))
                next = &event;
        }
        return next ? next->details.value(EventDetail::Queue).toString() : QString();
    };

    QList<CallEvent> transfers;
    for (CallEvent &event : m_call.events) {
        const bool byCaller = event.sourceType == u"COMPLETECALLER";
        if (event.type != EventType::Hangup || (!byCaller && event.sourceType != u"COMPLETEAGENT"))
            continue;
        const QString callerLeg = byCaller ? event.legId : m_completionCallers.value(event.legId);
        const QString queue = nextQueueEntry(event, callerLeg);
        if (callerLeg.isEmpty() || queue.isEmpty())
            continue;

        QJsonObject details = event.details;
        details.remove(EventDetail::HangupSource);
        details.insert(EventDetail::Kind, u"queue"_qs);
        details.insert(EventDetail::Target, QString(u"queue "_qs + queue));
        if (byCaller) {
            // The caller did not hang up: this row is the transfer itself.
            event.type = EventType::Transfer;
            event.details = details;
        } else {
            // The agent's leg did end; the caller moved on.
            CallEvent transfer = event;
            transfer.type = EventType::Transfer;
            transfer.legId = callerLeg;
            transfer.details = details;
            transfers.append(transfer);
        }
    }
    m_call.events.append(transfers);
}

Call Assembly::finish(const QStringList &sources)
{
    requeueCompletions();
    assignParticipants();
    m_call.summary.crn = m_crn;
    m_call.sources = sources;
    TimelineBuilder::build(m_call);
    return std::move(m_call);
}

} // namespace

QString CallAssembler::endpointOf(const QString &channel)
{
    QString endpoint = channel;
    if (endpoint.size() > 2 && endpoint.at(endpoint.size() - 2) == u';'
        && endpoint.back().isDigit())
        endpoint.chop(2);
    const qsizetype dash = endpoint.lastIndexOf(u'-');
    const qsizetype slash = endpoint.indexOf(u'/');
    if (dash > slash && slash >= 0 && endpoint.size() - dash - 1 >= 4) {
        bool hex = true;
        for (qsizetype i = dash + 1; i < endpoint.size() && hex; ++i) {
            const QChar c = endpoint.at(i);
            hex = c.isDigit() || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
        }
        if (hex)
            endpoint.truncate(dash);
    }
    return endpoint;
}

bool CallAssembler::isPlumbing(const QString &channel)
{
    static const QSet<QString> technologies
        = { u"Local"_qs, u"Announcer"_qs, u"Snoop"_qs, u"CBAnn"_qs, u"CBRec"_qs, u"Recorder"_qs };
    const qsizetype slash = channel.indexOf(u'/');
    return slash > 0 && technologies.contains(channel.left(slash));
}

CallAssembler::Hints CallAssembler::lookUpHints(EventStore &store, const QStringList &groups,
                                                const QList<SourceRecord> &records)
{
    Hints hints;
    bool hasCdr = false;
    QSet<QString> seen;
    for (const SourceRecord &record : records) {
        hasCdr = hasCdr || record.format == RecordFormat::AsteriskCdr;
        if (record.format != RecordFormat::AsteriskQueueLog || !endsAgentPart(record[Field::Event])
            || record[Field::Agent].isEmpty() || record[Field::Agent] == u"NONE")
            continue;
        const qint64 from = record.time.microseconds();
        const QList<StoredRecord> found = store.agentEvents(
            record[Field::Agent], record[Field::Scenario], from, from + kWrapUpWindowMicroseconds);
        for (const StoredRecord &row : found) {
            SourceRecord wrap;
            if (seen.contains(row.origin) || !RecordBlob::decode(row.fields, wrap))
                continue;
            seen.insert(row.origin);
            hints.wrapUps.append({ record[Field::Agent], record[Field::Scenario],
                                   Timestamp::fromMicroseconds(row.timeUs), wrap[Field::Data1],
                                   wrap[Field::Event], row.origin });
        }
    }
    // Channel names are reused in time; only a CDR leg named by its channel can be shared.
    if (hasCdr) {
        for (const QString &group : groups) {
            for (const EventStore::NameOverlap &overlap : store.nameOverlaps(group))
                hints.sharedChannels.append({ overlap.leg, overlap.otherGroup });
        }
    }
    return hints;
}

Call CallAssembler::assemble(const QString &crn, const QStringList &groups,
                             const QList<SourceRecord> &records, const Hints &hints)
{
    // Time order, whatever the files' order (psql dumps may be newest first).
    QList<const SourceRecord *> ordered;
    ordered.reserve(records.size());
    for (const SourceRecord &record : std::as_const(records))
        ordered.append(&record);
    std::stable_sort(
        ordered.begin(), ordered.end(),
        [](const SourceRecord *a, const SourceRecord *b) { return a->time < b->time; });

    Assembly assembly(crn, hints);
    bool celChannels = false;
    bool celQueue = false;
    for (const SourceRecord &record : records) {
        if (record.format != RecordFormat::AsteriskCel)
            continue;
        celChannels = true;
        celQueue = celQueue
            || (record[Field::EventType] == u"APP_START" && record[Field::App] == u"Queue");
    }
    assembly.setCelCoverage(celChannels, celQueue);
    // The channels with FreeSWITCH CDRs of their own: nothing is inferred about them.
    QSet<QString> documented;
    for (const SourceRecord &record : records) {
        if (record.format == RecordFormat::FreeSwitchXmlCdr)
            documented.insert(
                FreeSwitchCdr::fromJson(
                    QJsonDocument::fromJson(record[Field::Document].toUtf8()).object())
                    .leg.uuid);
    }
    QList<const SourceRecord *> cdrRows;
    QStringList sources;
    for (const SourceRecord *pointer : std::as_const(ordered)) {
        const SourceRecord &record = *pointer;
        const QString source = recordFormatName(record.format);
        if (!sources.contains(source))
            sources.append(source);
        switch (record.format) {
        case RecordFormat::AsteriskCel:
            assembly.addCel(record);
            break;
        case RecordFormat::AsteriskQueueLog:
            assembly.addQueueLog(record);
            break;
        case RecordFormat::AsteriskCdr:
            cdrRows.append(pointer);
            break;
        case RecordFormat::FreeSwitchXmlCdr:
            assembly.addFreeSwitch(record, documented);
            break;
        }
    }
    // CEL tells the same story in finer detail; CDR rows shape the call only without it.
    if (!cdrRows.isEmpty() && !sources.contains(recordFormatName(RecordFormat::AsteriskCel)))
        assembly.addCdr(cdrRows);
    assembly.addWrapUps();
    assembly.flagUnjoinedLegs(groups);
    sources.sort();
    return assembly.finish(sources);
}
