#include "timelinebuilder.h"

#include <QHash>
#include <QMap>
#include <QSet>

#include <algorithm>
#include <limits>
#include <optional>

namespace {

// Asterisk ends the Queue application a few milliseconds before the hangup that ended it.
constexpr qint64 kQueueLeftByHangup = 1000000;

// A channel's life order, for events written at the same microsecond: a channel that leaves
// one bridge and enters another in the same instant ends up in the second one.
int lifeOrder(EventType type)
{
    switch (type) {
    case EventType::ChannelStart:
        return 0;
    case EventType::Ringing:
        return 1;
    case EventType::QueueEnter:
    case EventType::Ivr:
        return 2;
    case EventType::Answer:
        return 3;
    case EventType::BridgeExit:
    case EventType::QueueLeave:
        return 4;
    case EventType::BridgeEnter:
    case EventType::ConferenceEnter:
        return 5;
    case EventType::HoldStart:
    case EventType::HoldEnd:
        return 6;
    case EventType::Transfer:
    case EventType::Other:
        return 7;
    case EventType::Abandon:
        return 8;
    case EventType::Hangup:
        return 9;
    case EventType::ChannelEnd:
        return 10;
    case EventType::WrapUpStart:
        return 11;
    case EventType::WrapUpEnd:
        return 12;
    case EventType::CallEnd:
        return 13;
    }
    return 7;
}

// Which kind wins when two legs of one participant overlap (an agent's consultation call
// rings while the first call is still in talk).
int lanePriority(SegmentKind kind)
{
    switch (kind) {
    case SegmentKind::Conference:
        return 7;
    case SegmentKind::Talk:
        return 6;
    case SegmentKind::Hold:
        return 5;
    case SegmentKind::Queue:
        return 4;
    case SegmentKind::Ringing:
        return 3;
    case SegmentKind::Ivr:
        return 2;
    case SegmentKind::WrapUp:
        return 1;
    }
    return 0;
}

QString detailText(const QJsonObject &details, QLatin1StringView key)
{
    const QJsonValue value = details.value(key);
    if (value.isDouble())
        return QString::number(value.toDouble());
    return value.toString();
}

bool isTalk(SegmentKind kind)
{
    return kind == SegmentKind::Talk || kind == SegmentKind::Conference;
}

// What a leg is doing: a segment kind, and for a queue, which one.
struct LegActivity
{
    SegmentKind kind = SegmentKind::Ivr;
    QString queue;

    bool operator==(const LegActivity &) const = default;
};

struct LegState
{
    QString id;
    QString channel;
    QString participantId;
    bool isCaller = false;
    bool plumbing = true;
    bool ivr = false;
    int partner = -1; // the other half of a Local (or Announcer) channel pair

    bool started = false;
    bool ended = false;
    bool answered = false;
    bool talked = false;
    bool onHold = false;
    bool inQueue = false;
    QString queue;
    bool inConference = false; // inside a conference application (ConfBridge, MeetMe)
    // Where a blind transfer sends this leg (a queue, a conference), from the transfer until
    // it gets there: the few moments between are the same wait, not the IVR.
    std::optional<LegActivity> transferredTo;
    bool delivered = false; // left a holding bridge alive: on its way to someone
    bool ringingStopped = false; // the caller was answered by someone else
    bool hadChannelStart = false;
    Timestamp leftQueue; // when this leg last left a queue
    bool hadHangup = false;
    QStringList bridges;
    Timestamp wrapUntil;
    bool wrapOpen = false; // a wrap-up without a duration, until its end event

    std::optional<LegActivity> current;
    Timestamp since;

    Timestamp first;
    Timestamp answer;
    Timestamp last;
};

struct Bridge
{
    bool holding = false;
    QList<int> members;
};

struct Parties
{
    QSet<QString> people;
    QSet<QString> ivrs;
    QSet<QString> holders; // people in the bridge who have put the others on hold
};

struct Company
{
    qsizetype people = 0; // other people than the leg's own participant
    bool ivr = false;
    bool heldBy = false; // someone else in the bridge holds this leg
};

class Builder
{
public:
    explicit Builder(Call &call)
        : m_call(call)
    { }

    void run();

private:
    LegState *legFor(const QString &id);
    int addLeg(const Leg &leg);
    void linkLocalPairs();

    void apply(const CallEvent &event, LegState &leg);
    void startLeg(LegState &leg);
    void enterBridge(int legIndex, const QString &bridgeId, bool holding);
    bool leaveBridge(int legIndex, const QString &bridgeId);
    void leaveAllBridges(int legIndex);
    void endLeg(int legIndex, bool isHangup);

    void advanceTo(Timestamp time);
    void recompute();
    std::optional<LegActivity> desired(int legIndex) const;
    const Parties &reachable(const QString &bridgeId) const;
    Company company(int legIndex) const;
    bool reaches(int legIndex, const QString &participantId) const;
    bool someoneRingsFor(const LegState &caller) const;
    void transition(int legIndex, const std::optional<LegActivity> &next);
    void closeSegment(LegState &leg, Timestamp end);
    void finish();

    void findTransferDestinations();

    void buildLanes();
    void buildSummary();

    Call &m_call;
    QList<LegState> m_legs;
    QHash<QString, int> m_legIndex;
    QHash<QString, int> m_byChannel;
    QHash<QString, Bridge> m_bridges;
    mutable QHash<QString, Parties> m_reachable; // per talk bridge, until the state changes
    QList<Segment> m_raw;
    Timestamp m_now;
    QHash<int, std::pair<int, LegActivity>> m_transferDestinations; // event -> (leg, where)

    bool m_transferred = false;
    bool m_abandoned = false;
};

int Builder::addLeg(const Leg &leg)
{
    LegState state;
    state.id = leg.id;
    state.channel = leg.channel;
    state.participantId = leg.participantId;
    if (const Participant *participant = m_call.participant(leg.participantId)) {
        state.plumbing = false;
        state.isCaller = participant->role == ParticipantRole::Caller;
        state.ivr = participant->role == ParticipantRole::Ivr;
    }
    m_legs.append(state);
    const int index = int(m_legs.size() - 1);
    m_legIndex.insert(leg.id, index);
    if (!leg.channel.isEmpty())
        m_byChannel.insert(leg.channel, index);
    return index;
}

LegState *Builder::legFor(const QString &id)
{
    if (id.isEmpty())
        return nullptr;
    auto found = m_legIndex.constFind(id);
    if (found != m_legIndex.constEnd())
        return &m_legs[*found];

    // An event on a leg the call does not list: keep its times, give it no lane.
    Leg leg;
    leg.id = id;
    m_call.legs.append(leg);
    return &m_legs[addLeg(leg)];
}

void Builder::linkLocalPairs()
{
    for (int i = 0; i < m_legs.size(); ++i) {
        const QString &channel = m_legs[i].channel;
        if (channel.size() < 3 || channel.at(channel.size() - 2) != u';')
            continue;
        const QChar half = channel.back();
        if (half != u'1' && half != u'2')
            continue;
        const QString other = channel.chopped(1) + (half == u'1' ? u'2' : u'1');
        m_legs[i].partner = m_byChannel.value(other, -1);
    }
}

void Builder::run()
{
    TimelineBuilder::sortEvents(m_call.events);
    for (const Leg &leg : std::as_const(m_call.legs))
        addLeg(leg);
    linkLocalPairs();
    findTransferDestinations();

    for (qsizetype i = 0; i < m_call.events.size(); ++i) {
        CallEvent &event = m_call.events[i];
        advanceTo(event.time);
        if (const auto found = m_transferDestinations.constFind(int(i));
            found != m_transferDestinations.constEnd())
            m_legs[found->first].transferredTo = found->second;
        LegState *leg = legFor(event.legId);
        if (leg) {
            if (event.participantId.isEmpty())
                event.participantId = leg->participantId;
            if (!leg->first.isValid())
                leg->first = event.time;
            leg->last = event.time;
            apply(event, *leg);
        } else if (event.type == EventType::Transfer) {
            m_transferred = true;
        }
        // These change no channel's state; skipping them keeps large calls fast.
        const bool leftConference = event.details.contains(EventDetail::ConferenceLeft);
        if ((event.type != EventType::Other || leftConference) && event.type != EventType::CallEnd
            && (event.type != EventType::Transfer || m_transferDestinations.contains(int(i))))
            recompute();
    }
    finish();

    for (Leg &leg : m_call.legs) {
        const LegState &state = m_legs[m_legIndex.value(leg.id)];
        leg.start = state.first;
        leg.answer = state.answer;
        leg.end = state.last;
    }
    buildLanes();
    buildSummary();
}

// A blind transfer moves a leg (the transferee the record names, else the leg it is logged on)
// to a queue or a conference: its next step, before anything else happens on it, shows where.
// The leg waits there from the transfer on. A transfer to anything else (an IVR, a phone) is
// left to the records that follow.
void Builder::findTransferDestinations()
{
    const QList<CallEvent> &events = m_call.events;
    for (qsizetype i = 0; i < events.size(); ++i) {
        const CallEvent &transfer = events[i];
        if (transfer.type != EventType::Transfer
            || detailText(transfer.details, EventDetail::Kind) != u"blind")
            continue;
        QString moved = detailText(transfer.details, EventDetail::Transferee);
        if (!m_legIndex.contains(moved))
            moved = transfer.legId;
        if (!m_legIndex.contains(moved))
            continue;

        for (qsizetype j = i + 1; j < events.size(); ++j) {
            const CallEvent &next = events[j];
            if (next.legId != moved || next.type == EventType::Transfer
                || next.type == EventType::BridgeExit || next.type == EventType::QueueLeave)
                continue;
            const QString queue = detailText(next.details, EventDetail::Queue);
            const bool queueLogEntry = next.type == EventType::Other && !queue.isEmpty()
                && !next.details.contains(EventDetail::Agent)
                && !next.details.contains(EventDetail::App);
            if (next.type == EventType::QueueEnter || queueLogEntry)
                m_transferDestinations.insert(
                    int(i), { m_legIndex.value(moved), { SegmentKind::Queue, queue } });
            else if (next.type == EventType::ConferenceEnter)
                m_transferDestinations.insert(
                    int(i), { m_legIndex.value(moved), { SegmentKind::Conference, {} } });
            else if (next.type == EventType::Other && !next.details.contains(EventDetail::App)
                     && !next.details.contains(EventDetail::ConferenceLeft))
                continue; // a record that says nothing about where the leg is
            break;
        }
    }
}

void Builder::startLeg(LegState &leg)
{
    leg.started = true;
    // A leg that speaks again after its hangup was not gone (queue_log's COMPLETECALLER is
    // followed by ENTERQUEUE when an agent sends the caller to another queue).
    leg.ended = false;
}

void Builder::apply(const CallEvent &event, LegState &leg)
{
    const int index = int(&leg - m_legs.data());
    const QString bridgeId = detailText(event.details, EventDetail::BridgeId);
    const bool peerJoins = event.details.value(EventDetail::PeerJoins).toBool();
    const QString peer = event.details.value(EventDetail::Peer).toString();

    switch (event.type) {
    case EventType::ChannelStart:
        leg.hadChannelStart = true;
        startLeg(leg);
        break;
    case EventType::Ringing:
        startLeg(leg);
        leg.ringingStopped = false;
        break;
    case EventType::Answer:
        startLeg(leg);
        leg.answered = true;
        leg.ringingStopped = false;
        if (!leg.answer.isValid())
            leg.answer = event.time;
        break;
    case EventType::BridgeEnter:
    case EventType::ConferenceEnter: {
        startLeg(leg);
        leg.transferredTo.reset();
        if (event.type == EventType::ConferenceEnter && bridgeId.isEmpty()) {
            leg.inConference = true; // the application; its bridge follows
            break;
        }
        const bool holding
            = event.details.value(EventDetail::BridgeTechnology).toString() == u"holding_bridge";
        enterBridge(index, bridgeId, holding);
        if (peerJoins && m_byChannel.contains(peer)) {
            const int other = m_byChannel.value(peer);
            startLeg(m_legs[other]);
            enterBridge(other, bridgeId, holding);
        }
        break;
    }
    case EventType::BridgeExit: {
        const bool holding = leaveBridge(index, bridgeId);
        if (holding && !leg.ended)
            leg.delivered = true;
        if (peerJoins && m_byChannel.contains(peer))
            leaveBridge(m_byChannel.value(peer), bridgeId);
        break;
    }
    case EventType::HoldStart:
        startLeg(leg);
        leg.onHold = true;
        break;
    case EventType::HoldEnd:
        leg.onHold = false;
        break;
    case EventType::QueueEnter:
        startLeg(leg);
        leg.transferredTo.reset();
        leg.inQueue = true;
        leg.queue = detailText(event.details, EventDetail::Queue);
        leg.delivered = false;
        break;
    case EventType::QueueLeave:
        if (leg.inQueue)
            leg.leftQueue = event.time;
        leg.inQueue = false;
        break;
    case EventType::Abandon:
        // Only a verdict: the hangup or the queue's own end closes the wait.
        if (leg.isCaller && !leg.talked)
            m_abandoned = true;
        break;
    case EventType::Hangup:
    case EventType::ChannelEnd:
        endLeg(index, event.type == EventType::Hangup);
        break;
    case EventType::WrapUpStart: {
        leg.started = true;
        bool ok = false;
        const double seconds = event.details.value(EventDetail::Duration).isDouble()
            ? event.details.value(EventDetail::Duration).toDouble()
            : detailText(event.details, EventDetail::Duration).toDouble(&ok);
        if (seconds > 0) {
            leg.wrapUntil = event.time.addMicroseconds(qint64(seconds * 1e6));
            leg.wrapOpen = false;
        } else {
            leg.wrapUntil = Timestamp();
            leg.wrapOpen = true;
        }
        break;
    }
    case EventType::WrapUpEnd:
        leg.wrapOpen = false;
        leg.wrapUntil = event.time;
        break;
    case EventType::Transfer:
        m_transferred = true;
        break;
    case EventType::Ivr:
        startLeg(leg);
        break;
    case EventType::Other:
        if (event.details.contains(EventDetail::ConferenceLeft))
            leg.inConference = false;
        break;
    case EventType::CallEnd:
        break;
    }
}

void Builder::enterBridge(int legIndex, const QString &bridgeId, bool holding)
{
    Bridge &bridge = m_bridges[bridgeId];
    bridge.holding = bridge.holding || holding;
    if (!bridge.members.contains(legIndex))
        bridge.members.append(legIndex);
    LegState &leg = m_legs[legIndex];
    if (!leg.bridges.contains(bridgeId))
        leg.bridges.append(bridgeId);
    if (holding)
        leg.delivered = false;
}

// Returns whether the bridge left was a holding bridge.
bool Builder::leaveBridge(int legIndex, const QString &bridgeId)
{
    LegState &leg = m_legs[legIndex];
    leg.bridges.removeAll(bridgeId);
    auto found = m_bridges.find(bridgeId);
    if (found == m_bridges.end())
        return false;
    found->members.removeAll(legIndex);
    return found->holding;
}

void Builder::leaveAllBridges(int legIndex)
{
    const QStringList bridges = m_legs[legIndex].bridges;
    for (const QString &bridgeId : bridges)
        leaveBridge(legIndex, bridgeId);
}

void Builder::endLeg(int legIndex, bool isHangup)
{
    LegState &leg = m_legs[legIndex];
    if (isHangup)
        leg.hadHangup = true;
    if (leg.ended)
        return;

    // A caller who hangs up while still waiting in a queue or a holding bridge abandoned, and
    // so did one whose queue ended only because of that hangup, a moment before it.
    bool waiting
        = leg.inQueue || (leg.leftQueue.isValid() && m_now - leg.leftQueue <= kQueueLeftByHangup);
    for (const QString &bridgeId : std::as_const(leg.bridges))
        waiting = waiting || m_bridges.value(bridgeId).holding;
    if (leg.isCaller && waiting && !leg.talked)
        m_abandoned = true;

    leaveAllBridges(legIndex);
    leg.ended = true;
    leg.onHold = false;
    leg.inQueue = false;
    leg.inConference = false;
    leg.transferredTo.reset();
    leg.hadHangup = true;
}

void Builder::advanceTo(Timestamp time)
{
    // Wrap-ups end on their own clock, between records.
    for (;;) {
        Timestamp next;
        for (const LegState &leg : std::as_const(m_legs)) {
            if (leg.wrapUntil.isValid() && leg.wrapUntil > m_now && leg.wrapUntil <= time
                && (!next.isValid() || leg.wrapUntil < next))
                next = leg.wrapUntil;
        }
        if (!next.isValid())
            break;
        m_now = next;
        recompute();
    }
    m_now = time;
}

// Everyone reachable from a talk bridge: its members, and through plumbing (a Local pair's
// other half, the bridges plumbing is in) whoever is at the far end. Cached until the next
// event: with one shared bridge per conference, this keeps a call linear in its size.
const Parties &Builder::reachable(const QString &bridgeId) const
{
    auto cached = m_reachable.constFind(bridgeId);
    if (cached != m_reachable.constEnd())
        return *cached;

    Parties parties;
    QSet<int> seenLegs;
    QSet<QString> seenBridges { bridgeId };
    QStringList pending { bridgeId };
    auto followBridgesOf = [&](int index) {
        for (const QString &other : m_legs[index].bridges) {
            if (!m_bridges.value(other).holding && !seenBridges.contains(other)) {
                seenBridges.insert(other);
                pending.append(other);
            }
        }
    };
    auto meet = [&](const LegState &leg) {
        if (leg.ivr)
            parties.ivrs.insert(leg.participantId);
        else
            parties.people.insert(leg.participantId);
    };

    while (!pending.isEmpty()) {
        const QString current = pending.takeLast();
        for (const int member : m_bridges.value(current).members) {
            if (seenLegs.contains(member))
                continue;
            seenLegs.insert(member);
            const LegState &other = m_legs[member];
            if (other.onHold && !other.ended && !other.plumbing && !other.ivr)
                parties.holders.insert(other.participantId);
            if (other.ended || !other.started || other.onHold)
                continue;
            if (!other.plumbing) {
                meet(other);
                continue;
            }
            followBridgesOf(member);
            const int partner = other.partner;
            if (partner < 0 || seenLegs.contains(partner))
                continue;
            seenLegs.insert(partner);
            const LegState &far = m_legs[partner];
            if (far.ended || !far.started || far.onHold)
                continue;
            if (far.plumbing)
                followBridgesOf(partner);
            else
                meet(far);
        }
    }
    return *m_reachable.insert(bridgeId, parties);
}

// Who a leg is with in its talk bridges: how many people, and whether an IVR, besides itself.
Company Builder::company(int legIndex) const
{
    const LegState &leg = m_legs[legIndex];
    QSet<QString> people;
    QSet<QString> ivrs;
    bool heldBy = false;
    const Parties *only = nullptr;
    int bridges = 0;
    for (const QString &bridgeId : leg.bridges) {
        if (m_bridges.value(bridgeId).holding)
            continue;
        const Parties &far = reachable(bridgeId);
        heldBy = heldBy || far.holders.size() > (far.holders.contains(leg.participantId) ? 1 : 0);
        if (++bridges == 1) {
            only = &far;
            continue;
        }
        if (bridges == 2) {
            people = only->people;
            ivrs = only->ivrs;
        }
        people.unite(far.people);
        ivrs.unite(far.ivrs);
    }
    if (bridges == 1) {
        people = only->people; // shared, not copied, unless changed below
        ivrs = only->ivrs;
    }
    const qsizetype others = people.size() - (people.contains(leg.participantId) ? 1 : 0);
    const qsizetype machines = ivrs.size() - (ivrs.contains(leg.participantId) ? 1 : 0);
    return { others, machines > 0, heldBy };
}

bool Builder::reaches(int legIndex, const QString &participantId) const
{
    for (const QString &bridgeId : m_legs[legIndex].bridges) {
        if (!m_bridges.value(bridgeId).holding
            && reachable(bridgeId).people.contains(participantId))
            return true;
    }
    return false;
}

bool Builder::someoneRingsFor(const LegState &caller) const
{
    for (const LegState &leg : m_legs) {
        if (leg.isCaller || leg.plumbing || leg.ivr || leg.participantId == caller.participantId)
            continue;
        if (leg.current && leg.current->kind == SegmentKind::Ringing)
            return true;
    }
    return false;
}

std::optional<LegActivity> Builder::desired(int legIndex) const
{
    const LegState &leg = m_legs[legIndex];
    if (leg.plumbing || !leg.started)
        return std::nullopt;

    const bool wrapping = leg.wrapOpen || (leg.wrapUntil.isValid() && m_now < leg.wrapUntil);
    if (leg.ended)
        return wrapping ? std::optional(LegActivity { SegmentKind::WrapUp, {} }) : std::nullopt;
    if (leg.onHold)
        return LegActivity { SegmentKind::Hold, {} };
    // In a conference application the leg is in the conference, alone or not.
    if (leg.inConference)
        return LegActivity { SegmentKind::Conference, {} };

    QString holdingBridge;
    bool inTalkBridge = false;
    for (const QString &bridgeId : leg.bridges) {
        if (m_bridges.value(bridgeId).holding)
            holdingBridge = bridgeId;
        else
            inTalkBridge = true;
    }
    if (inTalkBridge) {
        const Company with = company(legIndex);
        // An IVR bridged with someone is still the IVR, not a person talking.
        if (leg.ivr && (with.ivr || with.people > 0))
            return LegActivity { SegmentKind::Ivr, {} };
        if (with.people >= 2)
            return LegActivity { SegmentKind::Conference, {} };
        if (with.people == 1)
            return LegActivity { SegmentKind::Talk, {} };
        if (with.ivr)
            return LegActivity { SegmentKind::Ivr, {} };
        // The person it was talking with has put it on hold (the hold is recorded on the
        // holder's channel): it hears music on hold.
        if (with.heldBy)
            return LegActivity { SegmentKind::Hold, {} };
        // Alone in the bridge: the other side has not arrived yet or has just left. Left after
        // a conversation, the caller is only waiting for its own hangup: no IVR talks to it.
        if (leg.isCaller && leg.talked && !leg.inQueue && !leg.transferredTo
            && holdingBridge.isEmpty() && !someoneRingsFor(leg))
            return std::nullopt;
    }
    if (!holdingBridge.isEmpty()) {
        // A holding bridge is a queue until someone has talked with this leg, and for
        // switchboards that name their waiting bridge after the queue; otherwise it is hold.
        const bool queue = !leg.talked || holdingBridge.contains(u"queue", Qt::CaseInsensitive);
        if (queue)
            return LegActivity { SegmentKind::Queue, leg.inQueue ? leg.queue : QString() };
        return LegActivity { SegmentKind::Hold, {} };
    }
    if (leg.inQueue)
        return LegActivity { SegmentKind::Queue, leg.queue };
    if (leg.transferredTo)
        return leg.transferredTo;
    if (wrapping)
        return LegActivity { SegmentKind::WrapUp, {} };
    if (leg.isCaller) {
        if (leg.delivered || someoneRingsFor(leg))
            return LegActivity { SegmentKind::Ringing, {} };
        return LegActivity { SegmentKind::Ivr, {} };
    }
    if (leg.ivr)
        return LegActivity { leg.answered ? SegmentKind::Ivr : SegmentKind::Ringing, {} };
    if (leg.talked || leg.ringingStopped)
        return std::nullopt;
    return LegActivity { SegmentKind::Ringing, {} };
}

void Builder::recompute()
{
    m_reachable.clear();
    // Callers last: whether a caller hears ringing depends on the other legs' state. A caller
    // starting to talk stops the others' ringing, so a second round settles that.
    for (int round = 0; round < 3; ++round) {
        bool changed = false;
        for (const bool callers : { false, true }) {
            for (int i = 0; i < m_legs.size(); ++i) {
                if (m_legs[i].isCaller != callers)
                    continue;
                const auto next = desired(i);
                if (next != m_legs[i].current) {
                    transition(i, next);
                    changed = true;
                }
            }
        }
        if (!changed)
            break;
    }
}

void Builder::transition(int legIndex, const std::optional<LegActivity> &next)
{
    LegState &leg = m_legs[legIndex];
    const bool wasTalking = leg.current && isTalk(leg.current->kind);
    if (leg.current)
        closeSegment(leg, m_now);
    leg.current = next;
    leg.since = m_now;
    if (!next || !isTalk(next->kind))
        return;

    leg.talked = true;
    leg.inQueue = false;
    leg.delivered = false;
    if (!leg.isCaller || wasTalking)
        return;

    // Ring-all queues and parallel dials: once the caller talks, the others stop ringing.
    for (LegState &other : m_legs) {
        if (other.isCaller || other.answered || reaches(legIndex, other.participantId))
            continue;
        if (other.current && other.current->kind == SegmentKind::Ringing)
            other.ringingStopped = true;
    }
}

void Builder::closeSegment(LegState &leg, Timestamp end)
{
    if (!leg.current || !(end > leg.since))
        return;
    m_raw.append({ leg.participantId, leg.current->kind, leg.since, end, leg.id });

    // The queue's own lane shows how long the call waited in it.
    if (leg.current->kind != SegmentKind::Queue || leg.current->queue.isEmpty())
        return;
    for (const Participant &participant : std::as_const(m_call.participants)) {
        if (participant.role == ParticipantRole::Queue
            && (participant.name == leg.current->queue || participant.id == leg.current->queue))
            m_raw.append({ participant.id, SegmentKind::Queue, leg.since, end, leg.id });
    }
}

void Builder::finish()
{
    advanceTo(Timestamp::fromMicroseconds(std::numeric_limits<qint64>::max()));

    // What is still open ends with the leg's last record, or the call's for an open wrap-up.
    const Timestamp callEnd = m_call.events.isEmpty() ? Timestamp() : m_call.events.last().time;
    for (LegState &leg : m_legs) {
        if (!leg.current)
            continue;
        Timestamp end = leg.last;
        if (leg.current->kind == SegmentKind::WrapUp)
            end = leg.wrapUntil.isValid() && !leg.wrapOpen ? leg.wrapUntil : callEnd;
        if (end.isValid() && leg.since.isValid() && end > leg.since)
            closeSegment(leg, end);
        leg.current.reset();
    }

    bool sourceReportsEnds = false;
    for (const LegState &leg : std::as_const(m_legs))
        sourceReportsEnds = sourceReportsEnds || leg.hadHangup;
    for (const LegState &leg : std::as_const(m_legs)) {
        if (leg.plumbing || !leg.hadChannelStart || leg.hadHangup || !sourceReportsEnds)
            continue;
        m_call.flags.append({ u"leg_not_closed"_qs,
                              QStringLiteral("Leg %1 (%2) has no hangup in the records; its "
                                             "end is its last record.")
                                  .arg(leg.id, leg.channel) });
    }
}

// Blips shorter than a glitch are measurement noise: first those between two stretches of one
// kind (and gaps there) join the stretches, then any other blip joins the stretch before it,
// and a blip alone between gaps goes.
void absorbGlitches(QList<Segment> &lane)
{
    const qint64 glitch = TimelineBuilder::kGlitchMicroseconds;
    for (qsizetype i = 0; i + 1 < lane.size();) {
        Segment &left = lane[i];
        const Segment &right = lane[i + 1];
        if (left.kind == right.kind && right.start - left.end < glitch) {
            left.end = right.end;
            lane.removeAt(i + 1);
            continue;
        }
        if (i + 2 < lane.size() && right.end - right.start < glitch && right.start == left.end
            && lane[i + 2].start == right.end && lane[i + 2].kind == left.kind) {
            left.end = lane[i + 2].end;
            lane.remove(i + 1, 2);
            continue;
        }
        ++i;
    }
    for (qsizetype i = 1; i < lane.size();) {
        if (lane[i].end - lane[i].start < glitch && lane[i].start == lane[i - 1].end) {
            lane[i - 1].end = lane[i].end;
            lane.removeAt(i);
            if (i < lane.size() && lane[i - 1].kind == lane[i].kind
                && lane[i].start == lane[i - 1].end) {
                lane[i - 1].end = lane[i].end;
                lane.removeAt(i);
            }
            continue;
        }
        ++i;
    }
    // A blip touching nothing on either side (a channel's last milliseconds between leaving
    // its bridge and hanging up) says nothing a supervisor could see.
    for (qsizetype i = 0; i < lane.size() && lane.size() > 1;) {
        const Segment &blip = lane[i];
        const bool joinsBefore = i > 0 && lane[i - 1].end == blip.start;
        const bool joinsAfter = i + 1 < lane.size() && lane[i + 1].start == blip.end;
        if (blip.end - blip.start < glitch && !joinsBefore && !joinsAfter)
            lane.removeAt(i);
        else
            ++i;
    }
}

void Builder::buildLanes()
{
    QMap<QString, QList<Segment>> byParticipant;
    for (const Segment &segment : std::as_const(m_raw))
        byParticipant[segment.participantId].append(segment);

    QStringList order;
    for (const Participant &participant : std::as_const(m_call.participants))
        order.append(participant.id);
    for (auto it = byParticipant.cbegin(); it != byParticipant.cend(); ++it) {
        if (!order.contains(it.key()))
            order.append(it.key());
    }

    QList<Segment> lanes;
    for (const QString &participantId : std::as_const(order)) {
        const QList<Segment> segments = byParticipant.value(participantId);
        if (segments.isEmpty())
            continue;

        // Where legs of one participant overlap, the lane shows the most telling activity.
        QList<Timestamp> points;
        for (const Segment &segment : segments)
            points << segment.start << segment.end;
        std::sort(points.begin(), points.end());
        points.erase(std::unique(points.begin(), points.end()), points.end());

        QList<Segment> lane;
        for (qsizetype i = 0; i + 1 < points.size(); ++i) {
            const Segment *best = nullptr;
            for (const Segment &segment : segments) {
                if (segment.start <= points[i] && segment.end >= points[i + 1]
                    && (!best || lanePriority(segment.kind) > lanePriority(best->kind)))
                    best = &segment;
            }
            if (!best)
                continue;
            if (!lane.isEmpty() && lane.last().kind == best->kind && lane.last().end == points[i])
                lane.last().end = points[i + 1];
            else
                lane.append({ participantId, best->kind, points[i], points[i + 1], best->legId });
        }

        absorbGlitches(lane);
        lanes.append(lane);
    }
    m_call.segments = lanes;
}

bool isExtension(const QString &number)
{
    if (number.isEmpty() || number.size() > 6)
        return false;
    return std::all_of(number.cbegin(), number.cend(), [](QChar c) { return c.isDigit(); });
}

bool isExternalNumber(const QString &number)
{
    if (number.startsWith(u'+'))
        return number.size() > 4;
    return number.size() >= 7
        && std::all_of(number.cbegin(), number.cend(), [](QChar c) { return c.isDigit(); });
}

void Builder::buildSummary()
{
    CallSummary &summary = m_call.summary;
    const QList<CallEvent> &events = m_call.events;
    summary.start = Timestamp();
    summary.end = Timestamp();
    for (const CallEvent &event : events) {
        if (!summary.start.isValid() || event.time < summary.start)
            summary.start = event.time;
        if (!summary.end.isValid() || event.time > summary.end)
            summary.end = event.time;
    }

    // No contact-center call lasts a day; one that seems to has a wrong time in its records,
    // and the timeline drawn from it would mislead.
    constexpr qint64 kLongestPlausibleMicroseconds = Q_INT64_C(24) * 3600 * 1000000;
    if (summary.durationMicroseconds() > kLongestPlausibleMicroseconds) {
        m_call.flags.append({ u"implausible_duration"_qs,
                              QStringLiteral("The records make this call last %1 hours: one of "
                                             "their times is probably wrong.")
                                  .arg(summary.durationMicroseconds() / 3600000000) });
    }

    const Participant *caller = nullptr;
    for (const Participant &participant : std::as_const(m_call.participants)) {
        if (participant.role == ParticipantRole::Caller) {
            caller = &participant;
            break;
        }
    }
    summary.caller = caller ? caller->number : QString();
    summary.callerName = caller ? caller->name : QString();

    // The number asked for: the caller's own record of it first, then any.
    summary.dialed.clear();
    QString anyDialed;
    QString direction;
    for (const CallEvent &event : events) {
        const QString dialed = detailText(event.details, EventDetail::Dialed);
        if (!dialed.isEmpty()) {
            if (summary.dialed.isEmpty() && caller && event.participantId == caller->id)
                summary.dialed = dialed;
            if (anyDialed.isEmpty())
                anyDialed = dialed;
        }
        if (direction.isEmpty())
            direction = detailText(event.details, EventDetail::Direction);
    }
    if (summary.dialed.isEmpty())
        summary.dialed = anyDialed;

    summary.queues.clear();
    for (const CallEvent &event : events) {
        const QString queue = detailText(event.details, EventDetail::Queue);
        if (event.type == EventType::QueueEnter && !queue.isEmpty()
            && !summary.queues.contains(queue))
            summary.queues.append(queue);
    }
    for (const Participant &participant : std::as_const(m_call.participants)) {
        if (participant.role == ParticipantRole::Queue
            && !summary.queues.contains(participant.name))
            summary.queues.append(participant.name);
    }

    // Agents are the people who talked with the call, in the order they did.
    summary.agents.clear();
    QList<Segment> talks;
    for (const Segment &segment : std::as_const(m_call.segments)) {
        const Participant *participant = m_call.participant(segment.participantId);
        if (isTalk(segment.kind) && participant
            && (participant->role == ParticipantRole::Agent
                || participant->role == ParticipantRole::External))
            talks.append(segment);
    }
    std::stable_sort(talks.begin(), talks.end(),
                     [](const Segment &a, const Segment &b) { return a.start < b.start; });
    for (const Segment &talk : std::as_const(talks)) {
        const Participant *participant = m_call.participant(talk.participantId);
        const QString name = participant->name.isEmpty() ? participant->id : participant->name;
        if (!summary.agents.contains(name))
            summary.agents.append(name);
    }

    if (const auto parsed = callDirectionFromString(direction))
        summary.direction = *parsed;
    else if (!summary.queues.isEmpty())
        summary.direction = CallDirection::Inbound; // a contact center's queues take calls in
    else if (isExtension(summary.caller) && isExtension(summary.dialed))
        summary.direction = CallDirection::Internal;
    else if (isExtension(summary.caller) && isExternalNumber(summary.dialed))
        summary.direction = CallDirection::Outbound;
    else if (isExternalNumber(summary.caller))
        summary.direction = CallDirection::Inbound;
    else
        summary.direction = CallDirection::Unknown;

    summary.outcome = CallOutcome::Unknown;
    if (m_transferred)
        summary.outcome = CallOutcome::Transferred;
    else if (!talks.isEmpty())
        summary.outcome = CallOutcome::Answered;
    else if (m_abandoned)
        summary.outcome = CallOutcome::Abandoned;
    else {
        // Nobody talked: the channel's own verdict, the best one if records disagree.
        QSet<QString> statuses;
        for (const CallEvent &event : events) {
            for (const QLatin1StringView key :
                 { EventDetail::DialStatus, EventDetail::Disposition }) {
                QString status = detailText(event.details, key).toUpper();
                status.remove(u' ');
                if (!status.isEmpty())
                    statuses.insert(status);
            }
        }
        if (statuses.contains(u"ANSWER"_qs) || statuses.contains(u"ANSWERED"_qs))
            summary.outcome = CallOutcome::Answered;
        else if (statuses.contains(u"BUSY"_qs))
            summary.outcome = CallOutcome::Busy;
        else if (statuses.contains(u"NOANSWER"_qs) || statuses.contains(u"CANCEL"_qs))
            summary.outcome = CallOutcome::NoAnswer;
        else if (statuses.contains(u"FAILED"_qs) || statuses.contains(u"CONGESTION"_qs)
                 || statuses.contains(u"CHANUNAVAIL"_qs))
            summary.outcome = CallOutcome::Failed;
    }

    summary.flagCount = int(m_call.flags.size());
}

} // namespace

void TimelineBuilder::sortEvents(QList<CallEvent> &events)
{
    std::stable_sort(events.begin(), events.end(), [](const CallEvent &a, const CallEvent &b) {
        if (a.time != b.time)
            return a.time < b.time;
        return lifeOrder(a.type) < lifeOrder(b.type);
    });
}

void TimelineBuilder::build(Call &call)
{
    Builder(call).run();
}
