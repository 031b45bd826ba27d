#include "timelineview.h"

#include "callcolors.h"
#include "calltext.h"
#include "logging.h"
#include "recordingtext.h"
#include "timetext.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QSet>
#include <QStyleOptionFocusRect>
#include <QToolTip>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>

namespace {

constexpr int kMargin = 8;
constexpr int kRightRoom = 10; // so that a marker at the call's last instant is drawn whole
constexpr int kMarkerHalfWidth = 6;
constexpr int kSegmentInset = 5;
constexpr int kMaxLabelWidth = 220;
constexpr int kMinTickSpacing = 72;
constexpr qint64 kSecond = 1000000;
constexpr int kRecordingInset = 3;
constexpr qreal kMinRecordingWidth = 6.0; // an empty or missing recording stays visible
constexpr int kDragThreshold = 3;

// The colours of the recording lane. Audio is drawn in a blue that no segment kind uses at
// this strength; a problem in red with a cross hatch, so it reads without colour too.
constexpr QRgb kAudio = 0xff1f4e79;
constexpr QRgb kProblem = 0xffc0392b;

int roleRank(ParticipantRole role)
{
    switch (role) {
    case ParticipantRole::Caller:
        return 0;
    case ParticipantRole::Ivr:
        return 1;
    case ParticipantRole::Queue:
        return 2;
    case ParticipantRole::Agent:
        return 3;
    case ParticipantRole::External:
        break;
    }
    return 4;
}

bool isTransfer(EventType type)
{
    return type == EventType::Transfer;
}

bool isHangup(EventType type)
{
    return type == EventType::Hangup || type == EventType::Abandon;
}

} // namespace

TimelineView::TimelineView(QWidget *parent)
    : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    setAccessibleName(tr("Call timeline"));
}

TimelineView::~TimelineView() = default;

void TimelineView::setCall(const Call &call)
{
    // Another call: nothing of the last one's playback or selection applies.
    if (call.crn() != m_call.crn()) {
        m_playhead = {};
        m_selectedSpan = {};
        m_dragAnchor.reset();
    }
    m_call = call;
    m_currentEvent = -1;

    // Peaks and problems of recordings the new copy still has are kept.
    QSet<QString> ids;
    for (const Recording &recording : std::as_const(m_call.recordings))
        ids.insert(recording.id);
    m_peaks.removeIf([&ids](const auto &it) { return !ids.contains(it.key()); });
    m_playerProblems.removeIf([&ids](const auto &it) { return !ids.contains(it.key()); });

    buildLanes();
    buildRecordingLane();
    updateLabelWidth();
    updateGeometry();
    updateAccessibleDescription();
    update();
    qCDebug(lcUi) << "timeline shows" << m_lanes.size() << "lanes," << m_call.segments.size()
                  << "segments," << m_call.events.size() << "events";
    Q_EMIT currentEventChanged(-1);
}

void TimelineView::buildLanes()
{
    m_lanes.clear();
    m_laneIndex.clear();
    m_eventLane.clear();

    // The first moment each participant does something orders lanes of the same role.
    QHash<QString, Timestamp> firstActivity;
    const auto noteActivity = [&firstActivity](const QString &id, Timestamp time) {
        if (id.isEmpty())
            return;
        auto it = firstActivity.find(id);
        if (it == firstActivity.end())
            firstActivity.insert(id, time);
        else if (time < *it)
            *it = time;
    };
    for (const Segment &segment : std::as_const(m_call.segments))
        noteActivity(segment.participantId, segment.start);
    for (const CallEvent &event : std::as_const(m_call.events))
        noteActivity(CallText::eventParticipantId(m_call, event), event.time);

    QStringList ids;
    for (const Participant &participant : std::as_const(m_call.participants))
        ids.append(participant.id);
    for (auto it = firstActivity.cbegin(); it != firstActivity.cend(); ++it) {
        if (!ids.contains(it.key()))
            ids.append(it.key());
    }

    for (const QString &id : std::as_const(ids)) {
        Lane lane;
        lane.participantId = id;
        const Participant *participant = m_call.participant(id);
        lane.role = participant ? participant->role : ParticipantRole::External;
        lane.label = participant ? CallText::participantLabel(*participant) : id;
        m_lanes.append(lane);
    }

    const Timestamp never = Timestamp::fromMicroseconds(std::numeric_limits<qint64>::max());
    std::stable_sort(m_lanes.begin(), m_lanes.end(), [&](const Lane &a, const Lane &b) {
        if (roleRank(a.role) != roleRank(b.role))
            return roleRank(a.role) < roleRank(b.role);
        return firstActivity.value(a.participantId, never)
            < firstActivity.value(b.participantId, never);
    });
    for (int lane = 0; lane < m_lanes.size(); ++lane)
        m_laneIndex.insert(m_lanes.at(lane).participantId, lane);

    for (int i = 0; i < m_call.segments.size(); ++i) {
        const int lane = laneOf(m_call.segments.at(i).participantId);
        if (lane >= 0)
            m_lanes[lane].segments.append(i);
    }
    for (int i = 0; i < m_call.events.size(); ++i) {
        const int lane = laneOf(CallText::eventParticipantId(m_call, m_call.events.at(i)));
        m_eventLane.append(lane);
        if (lane >= 0)
            m_lanes[lane].events.append(i);
    }

    // The axis covers the call and anything the records put outside its start and end.
    Timestamp first = m_call.summary.start;
    Timestamp last = m_call.summary.end;
    const auto widen = [&first, &last](Timestamp time) {
        if (!time.isValid())
            return;
        if (!first.isValid() || time < first)
            first = time;
        if (!last.isValid() || time > last)
            last = time;
    };
    for (const Segment &segment : std::as_const(m_call.segments)) {
        widen(segment.start);
        widen(segment.end);
    }
    for (const CallEvent &event : std::as_const(m_call.events))
        widen(event.time);
    for (const Recording &recording : std::as_const(m_call.recordings)) {
        widen(recording.start);
        if (recording.start.isValid())
            widen(recording.end());
    }

    m_axisStart = first.isValid() ? first : Timestamp::fromMicroseconds(0);
    // A call of no duration still gets a readable one-second axis.
    m_axisEnd = last.isValid() && last - m_axisStart >= kSecond
        ? last
        : m_axisStart.addMicroseconds(kSecond);
}

void TimelineView::buildRecordingLane()
{
    m_recordingRow.fill(0, m_call.recordings.size());
    m_recordingRows = 1;
    m_unrecorded.clear();

    // Overlapping recordings (a whole-call recording and a leg's) go to rows of their own: the
    // first row whose last recording has ended.
    QList<int> order;
    for (int i = 0; i < m_call.recordings.size(); ++i) {
        if (m_call.recordings.at(i).start.isValid())
            order.append(i);
    }
    std::stable_sort(order.begin(), order.end(), [this](int a, int b) {
        return m_call.recordings.at(a).start < m_call.recordings.at(b).start;
    });
    QList<Timestamp> rowEnds;
    for (const int index : std::as_const(order)) {
        const Recording &recording = m_call.recordings.at(index);
        int row = 0;
        while (row < rowEnds.size() && rowEnds.at(row) > recording.start)
            ++row;
        if (row == rowEnds.size())
            rowEnds.append(recording.end());
        else
            rowEnds[row] = recording.end();
        m_recordingRow[index] = row;
    }
    m_recordingRows = qMax(1, int(rowEnds.size()));

    if (m_call.recordings.isEmpty())
        return;

    // What no recording covers, between the call's start and end. A recording with no samples
    // covers nothing: its span was not recorded either, and its own mark says why.
    const Timestamp callStart = m_call.summary.start.isValid() ? m_call.summary.start : m_axisStart;
    const Timestamp callEnd = m_call.summary.end.isValid() ? m_call.summary.end : m_axisEnd;
    Timestamp covered = callStart;
    for (const int index : std::as_const(order)) {
        const Recording &recording = m_call.recordings.at(index);
        if (recording.durationUs <= 0)
            continue;
        if (recording.start > covered && covered < callEnd)
            m_unrecorded.append({ covered, std::min(recording.start, callEnd) });
        covered = std::max(covered, recording.end());
    }
    if (covered < callEnd)
        m_unrecorded.append({ covered, callEnd });
}

void TimelineView::updateLabelWidth()
{
    const QFontMetrics metrics = fontMetrics();
    const int badge = metrics.height() + 2;
    int widest = metrics.horizontalAdvance(tr("Participant"));
    for (const Lane &lane : std::as_const(m_lanes))
        widest = qMax(widest, metrics.horizontalAdvance(lane.label));
    if (hasRecordingLane())
        widest = qMax(widest, metrics.horizontalAdvance(tr("Recording")));
    m_labelWidth = qMin(kMaxLabelWidth, badge + 6 + widest + 12);
}

void TimelineView::updateAccessibleDescription()
{
    if (m_currentEvent < 0) {
        QString text
            = tr("%n participant(s). Use Left and Right to move between events.", "", laneCount());
        if (hasRecordingLane())
            text += u' '
                + tr("%n recording(s); parts of the call not recorded: %1.", "",
                     int(m_call.recordings.size()))
                      .arg(m_unrecorded.size());
        setAccessibleDescription(text);
        return;
    }
    const CallEvent &event = m_call.events.at(m_currentEvent);
    setAccessibleDescription(
        tr("Selected: %1, %2, at %3")
            .arg(CallText::eventDescription(m_call, event),
                 CallText::participantLabel(m_call, CallText::eventParticipantId(m_call, event)),
                 TimeText::offset(event.time - m_call.summary.start)));
}

QString TimelineView::laneLabel(int lane) const
{
    return lane >= 0 && lane < m_lanes.size() ? m_lanes.at(lane).label : QString();
}

int TimelineView::axisHeight() const
{
    return fontMetrics().height() + 12;
}

int TimelineView::laneHeight() const
{
    return qMax(28, fontMetrics().height() + 16);
}

int TimelineView::recordingLaneHeight() const
{
    if (!hasRecordingLane())
        return 0;
    // Taller than a participant's lane, so the waveform has room.
    return m_recordingRows == 1 ? laneHeight() + 14 : m_recordingRows * (laneHeight() - 2);
}

QRectF TimelineView::plotArea() const
{
    const qreal left = kMargin + m_labelWidth;
    const qreal top = kMargin + axisHeight();
    const qreal right = width() - kMargin - kRightRoom;
    return QRectF(left, top, qMax<qreal>(1.0, right - left),
                  qreal(laneCount() * laneHeight() + recordingLaneHeight()));
}

QRectF TimelineView::recordingLaneArea() const
{
    if (!hasRecordingLane())
        return {};
    const QRectF plot = plotArea();
    return QRectF(plot.left(), plot.top() + laneCount() * laneHeight(), plot.width(),
                  recordingLaneHeight());
}

QRectF TimelineView::recordingRect(int index) const
{
    if (index < 0 || index >= m_call.recordings.size())
        return {};
    const Recording &recording = m_call.recordings.at(index);
    if (!recording.start.isValid())
        return {};
    const QRectF lane = recordingLaneArea();
    const qreal rowHeight = (lane.height() - 2 * kRecordingInset) / m_recordingRows;
    const qreal top = lane.top() + kRecordingInset + m_recordingRow.at(index) * rowHeight;
    const qreal left = xForTime(recording.start);
    const qreal right = qMax(xForTime(recording.end()), left + kMinRecordingWidth);
    // One pixel between rows, so that two overlapping recordings are seen as two.
    return QRectF(left, top, right - left, rowHeight - (m_recordingRows > 1 ? 1 : 0));
}

QRectF TimelineView::spanRect(const Span &span) const
{
    const QRectF lane = recordingLaneArea();
    const qreal left = xForTime(span.start);
    return QRectF(left, lane.top() + kRecordingInset, xForTime(span.end) - left,
                  lane.height() - 2 * kRecordingInset);
}

int TimelineView::recordingAt(const QPoint &pos) const
{
    if (!recordingLaneArea().contains(pos))
        return -1;
    for (int i = int(m_call.recordings.size()) - 1; i >= 0; --i) {
        if (recordingRect(i).contains(pos))
            return i;
    }
    return -1;
}

bool TimelineView::recordingHasProblem(int index) const
{
    if (index < 0 || index >= m_call.recordings.size())
        return false;
    const Recording &recording = m_call.recordings.at(index);
    return RecordingText::hasProblem(recording) || !m_playerProblems.value(recording.id).isEmpty();
}

QString TimelineView::recordingProblem(int index) const
{
    if (index < 0 || index >= m_call.recordings.size())
        return {};
    const Recording &recording = m_call.recordings.at(index);
    const QString player = m_playerProblems.value(recording.id);
    const QString flagged = RecordingText::problem(m_call, recording);
    if (player.isEmpty() || flagged.contains(player))
        return flagged;
    return flagged.isEmpty() ? player : flagged + u' ' + player;
}

void TimelineView::setPeaks(const QString &recordingId, const WaveformPeaks &peaks)
{
    m_peaks.insert(recordingId, peaks);
    update();
}

void TimelineView::setRecordingProblem(const QString &recordingId, const QString &sentence)
{
    if (m_playerProblems.value(recordingId) == sentence)
        return;
    if (sentence.isEmpty())
        m_playerProblems.remove(recordingId);
    else
        m_playerProblems.insert(recordingId, sentence);
    update();
}

void TimelineView::setPlayhead(Timestamp time)
{
    if (time == m_playhead)
        return;
    m_playhead = time;
    update();
}

void TimelineView::setSelectedSpan(const Span &span)
{
    const Span wanted = span.isValid() ? span : Span {};
    if (wanted == m_selectedSpan)
        return;
    m_selectedSpan = wanted;
    update();
    Q_EMIT selectedSpanChanged(m_selectedSpan);
}

QRectF TimelineView::laneArea(int lane) const
{
    const QRectF plot = plotArea();
    return QRectF(plot.left(), plot.top() + lane * laneHeight(), plot.width(), laneHeight());
}

qreal TimelineView::xForTime(Timestamp time) const
{
    const QRectF plot = plotArea();
    const qint64 span = m_axisEnd - m_axisStart;
    return plot.left() + plot.width() * double(time - m_axisStart) / double(span);
}

Timestamp TimelineView::timeForX(qreal x) const
{
    const QRectF plot = plotArea();
    const double fraction = std::clamp((x - plot.left()) / plot.width(), 0.0, 1.0);
    return m_axisStart.addMicroseconds(
        qint64(std::llround(fraction * double(m_axisEnd - m_axisStart))));
}

int TimelineView::laneAtY(qreal y) const
{
    const QRectF plot = plotArea();
    if (y < plot.top() || y >= plot.top() + laneCount() * laneHeight())
        return -1;
    return int((y - plot.top()) / laneHeight());
}

QRectF TimelineView::segmentRect(int index) const
{
    const Segment &segment = m_call.segments.at(index);
    const QRectF lane = laneArea(laneOf(segment.participantId));
    const qreal left = xForTime(segment.start);
    // A segment of a few microseconds is still drawn, and can still be hovered.
    const qreal right = qMax(xForTime(segment.end), left + 2.0);
    return QRectF(left, lane.top() + kSegmentInset, right - left,
                  lane.height() - 2 * kSegmentInset);
}

QPointF TimelineView::eventPoint(int index) const
{
    const int lane = m_eventLane.value(index, -1);
    const qreal x = xForTime(m_call.events.at(index).time);
    if (lane < 0)
        return QPointF(x, plotArea().top());
    return QPointF(x, laneArea(lane).center().y());
}

int TimelineView::markerAt(const QPoint &pos) const
{
    const int lane = laneAtY(pos.y());
    if (lane < 0)
        return -1;

    // Among the lane's events within reach, the closest; a transfer or hangup wins a tie
    // because it is what the supervisor aims at.
    int best = -1;
    qreal bestDistance = kMarkerHalfWidth + 0.5;
    for (const int index : std::as_const(m_lanes.at(lane).events)) {
        const EventType type = m_call.events.at(index).type;
        const bool marked = isTransfer(type) || isHangup(type);
        qreal distance = std::abs(eventPoint(index).x() - pos.x());
        if (marked)
            distance -= 0.25;
        if (distance < bestDistance) {
            bestDistance = distance;
            best = index;
        }
    }
    return best;
}

int TimelineView::segmentAt(const QPoint &pos) const
{
    const int lane = laneAtY(pos.y());
    if (lane < 0)
        return -1;
    // Later segments are painted over earlier ones, so they are hit first.
    const QList<int> &segments = m_lanes.at(lane).segments;
    for (auto it = segments.crbegin(); it != segments.crend(); ++it) {
        if (segmentRect(*it).contains(pos))
            return *it;
    }
    return -1;
}

int TimelineView::nearestEvent(const QList<int> &candidates, Timestamp time) const
{
    int best = -1;
    qint64 bestDistance = std::numeric_limits<qint64>::max();
    for (const int index : candidates) {
        const qint64 distance = qAbs(m_call.events.at(index).time - time);
        if (distance < bestDistance) {
            bestDistance = distance;
            best = index;
        }
    }
    return best;
}

int TimelineView::eventAt(const QPoint &pos) const
{
    if (m_call.events.isEmpty())
        return -1;

    if (const int marker = markerAt(pos); marker >= 0)
        return marker;

    const int lane = laneAtY(pos.y());
    if (const int segment = segmentAt(pos); segment >= 0) {
        // A segment stands for the event that began it.
        const QList<int> &events = m_lanes.at(lane).events;
        const Timestamp start = m_call.segments.at(segment).start;
        if (!events.isEmpty())
            return nearestEvent(events, start);
    }

    const Timestamp time = timeForX(pos.x());
    if (lane >= 0 && !m_lanes.at(lane).events.isEmpty())
        return nearestEvent(m_lanes.at(lane).events, time);

    QList<int> all(m_call.events.size());
    std::iota(all.begin(), all.end(), 0);
    return nearestEvent(all, time);
}

QString TimelineView::toolTipAt(const QPoint &pos) const
{
    const Timestamp callStart = m_call.summary.start.isValid() ? m_call.summary.start : m_axisStart;

    if (const int index = markerAt(pos); index >= 0) {
        const CallEvent &event = m_call.events.at(index);
        return tr("%1\n%2\nat %3 (%4)")
            .arg(CallText::eventDescription(m_call, event),
                 CallText::participantLabel(m_call, CallText::eventParticipantId(m_call, event)),
                 TimeText::localTime(event.time, TimeText::Precision::Milliseconds),
                 TimeText::offset(event.time - callStart));
    }

    if (const int index = segmentAt(pos); index >= 0) {
        const Segment &segment = m_call.segments.at(index);
        return tr("%1 · %2\nfrom %3 to %4, %5\n%6 to %7 since the call started")
            .arg(CallText::kindName(segment.kind),
                 CallText::participantLabel(m_call, segment.participantId),
                 TimeText::localTime(segment.start, TimeText::Precision::Milliseconds),
                 TimeText::localTime(segment.end, TimeText::Precision::Milliseconds),
                 TimeText::duration(segment.end - segment.start),
                 TimeText::offset(segment.start - callStart),
                 TimeText::offset(segment.end - callStart));
    }

    if (const QString text = recordingToolTipAt(pos); !text.isEmpty())
        return text;

    const int lane = laneAtY(pos.y());
    if (lane >= 0 && pos.x() < plotArea().left()) {
        const Participant *participant = m_call.participant(m_lanes.at(lane).participantId);
        if (!participant)
            return m_lanes.at(lane).label;
        QString text = CallText::roleName(participant->role) + u": "
            + (participant->name.isEmpty() ? participant->id : participant->name);
        if (!participant->number.isEmpty() && participant->number != participant->name)
            text += tr(", number %1").arg(participant->number);
        return text;
    }
    return {};
}

QString TimelineView::recordingToolTipAt(const QPoint &pos) const
{
    const QRectF lane = recordingLaneArea();
    if (lane.isEmpty() || pos.y() < lane.top() || pos.y() >= lane.bottom())
        return {};
    const Timestamp callStart = m_call.summary.start.isValid() ? m_call.summary.start : m_axisStart;

    if (pos.x() < lane.left()) {
        QString text = tr("%n recording(s) of this call. Hatched spans were not recorded; a "
                          "click plays the call from that moment, Shift+drag selects a span "
                          "to export.",
                          "", int(m_call.recordings.size()));
        for (const Recording &recording : std::as_const(m_call.recordings)) {
            if (!recording.start.isValid())
                text += u"\n"
                    + tr("%1 cannot be placed on the timeline: %2")
                          .arg(RecordingText::title(m_call, recording),
                               RecordingText::problem(m_call, recording));
        }
        return text;
    }

    if (const int index = recordingAt(pos); index >= 0) {
        const Recording &recording = m_call.recordings.at(index);
        QStringList lines { tr("Recording %1").arg(RecordingText::title(m_call, recording)) };
        if (const QString heard = RecordingText::heard(m_call, recording); !heard.isEmpty())
            lines.append(tr("Heard: %1").arg(heard));
        lines.append(
            tr("from %1 to %2, %3")
                .arg(TimeText::localTime(recording.start, TimeText::Precision::Milliseconds),
                     TimeText::localTime(recording.end(), TimeText::Precision::Milliseconds),
                     TimeText::duration(recording.durationUs)));
        lines.append(tr("%1 to %2 since the call started")
                         .arg(TimeText::offset(recording.start - callStart),
                              TimeText::offset(recording.end() - callStart)));
        lines.append(RecordingText::format(recording));
        if (recording.hasFlag(u"recording_start_estimated"))
            lines.append(tr("Placed so that it ends when its leg hung up."));
        if (const QString problem = recordingProblem(index); !problem.isEmpty())
            lines.append(problem);
        return lines.join(u'\n');
    }

    const Timestamp time = timeForX(pos.x());
    for (const Span &span : m_unrecorded) {
        if (time >= span.start && time < span.end)
            return tr("Not recorded\nNo recording was made of this part of the call: %1 to %2, "
                      "%3.")
                .arg(TimeText::offset(span.start - callStart),
                     TimeText::offset(span.end - callStart),
                     TimeText::duration(span.end - span.start));
    }
    return {};
}

Timestamp TimelineView::playTimeAt(const QPoint &pos) const
{
    const QRectF plot = plotArea();
    // Markers at the call's last instant reach into the room right of the plot.
    if (pos.y() < plot.top() || pos.y() >= plot.bottom() || pos.x() < plot.left()
        || pos.x() > plot.right() + kRightRoom)
        return {};
    if (const int marker = markerAt(pos); marker >= 0)
        return m_call.events.at(marker).time;
    if (const int segment = segmentAt(pos); segment >= 0)
        return m_call.segments.at(segment).start;
    return timeForX(pos.x());
}

void TimelineView::setCurrentEvent(int index)
{
    if (index < -1 || index >= m_call.events.size() || index == m_currentEvent)
        return;
    m_currentEvent = index;
    updateAccessibleDescription();
    update();
    Q_EMIT currentEventChanged(index);
}

QSize TimelineView::sizeHint() const
{
    const int lanes = qMax(4, laneCount());
    return QSize(720, 2 * kMargin + axisHeight() + lanes * laneHeight() + recordingLaneHeight());
}

QSize TimelineView::minimumSizeHint() const
{
    // Every lane stays visible; a scroll area around the view takes over when they do not fit.
    const int lanes = qMax(1, laneCount());
    return QSize(m_labelWidth + 160,
                 2 * kMargin + axisHeight() + lanes * laneHeight() + recordingLaneHeight());
}

bool TimelineView::event(QEvent *event)
{
    // The keys that move between events stay the timeline's while it has the focus, ahead of
    // the window's playback shortcuts.
    if (event->type() == QEvent::ShortcutOverride) {
        auto *key = static_cast<QKeyEvent *>(event);
        const bool plain
            = key->modifiers() == Qt::NoModifier || key->modifiers() == Qt::KeypadModifier;
        if (plain && !m_call.events.isEmpty()
            && (key->key() == Qt::Key_Left || key->key() == Qt::Key_Right
                || key->key() == Qt::Key_Home || key->key() == Qt::Key_End)) {
            event->accept();
            return true;
        }
    }
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = toolTipAt(help->pos());
        if (text.isEmpty()) {
            QToolTip::hideText();
            event->ignore();
        } else {
            QToolTip::showText(help->globalPos(), text, this);
        }
        return true;
    }
    return QWidget::event(event);
}

void TimelineView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    event->accept();
    const QPoint pos = event->position().toPoint();

    // Shift on the recording lane starts a span for an export, and plays nothing.
    if (recordingLaneArea().contains(pos)) {
        if (event->modifiers() & Qt::ShiftModifier) {
            m_dragAnchor = timeForX(pos.x());
            return;
        }
        clearSelectedSpan();
        Q_EMIT playRequested(timeForX(pos.x()));
        return;
    }

    const Timestamp play = playTimeAt(pos);
    const int index = eventAt(pos);
    if (index >= 0)
        setCurrentEvent(index);
    if (play.isValid())
        Q_EMIT playRequested(play);
}

void TimelineView::mouseMoveEvent(QMouseEvent *event)
{
    if (!m_dragAnchor) {
        QWidget::mouseMoveEvent(event);
        return;
    }
    const qreal x = event->position().x();
    if (std::abs(x - xForTime(*m_dragAnchor)) < kDragThreshold)
        return;
    const Timestamp time = timeForX(x);
    setSelectedSpan({ std::min(*m_dragAnchor, time), std::max(*m_dragAnchor, time) });
    event->accept();
}

void TimelineView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && m_dragAnchor) {
        // A Shift+click without a drag clears the span.
        const qreal x = event->position().x();
        if (std::abs(x - xForTime(*m_dragAnchor)) < kDragThreshold)
            clearSelectedSpan();
        m_dragAnchor.reset();
        event->accept();
        return;
    }
    QWidget::mouseReleaseEvent(event);
}

void TimelineView::keyPressEvent(QKeyEvent *event)
{
    const int count = int(m_call.events.size());
    if (count == 0) {
        QWidget::keyPressEvent(event);
        return;
    }

    switch (event->key()) {
    case Qt::Key_Right:
        setCurrentEvent(m_currentEvent < 0 ? 0 : qMin(count - 1, m_currentEvent + 1));
        break;
    case Qt::Key_Left:
        setCurrentEvent(m_currentEvent < 0 ? count - 1 : qMax(0, m_currentEvent - 1));
        break;
    case Qt::Key_Home:
        setCurrentEvent(0);
        break;
    case Qt::Key_End:
        setCurrentEvent(count - 1);
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (m_currentEvent >= 0)
            Q_EMIT playRequested(m_call.events.at(m_currentEvent).time);
        break;
    case Qt::Key_Escape:
        if (!m_selectedSpan.isValid()) {
            QWidget::keyPressEvent(event);
            return;
        }
        clearSelectedSpan();
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

void TimelineView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange) {
        updateLabelWidth();
        updateGeometry();
    }
    QWidget::changeEvent(event);
}

qint64 TimelineView::tickStep() const
{
    static constexpr std::array<qint64, 20> kSteps {
        kSecond / 10,   kSecond / 5,        kSecond / 2,         kSecond,
        2 * kSecond,    5 * kSecond,        10 * kSecond,        15 * kSecond,
        30 * kSecond,   60 * kSecond,       120 * kSecond,       300 * kSecond,
        600 * kSecond,  900 * kSecond,      1800 * kSecond,      3600 * kSecond,
        7200 * kSecond, 4 * 3600 * kSecond, 12 * 3600 * kSecond, 24 * 3600 * kSecond,
    };
    const double pixelsPerMicrosecond = plotArea().width() / double(m_axisEnd - m_axisStart);
    for (const qint64 step : kSteps) {
        if (double(step) * pixelsPerMicrosecond >= kMinTickSpacing)
            return step;
    }
    return kSteps.back();
}

void TimelineView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Base));
    painter.setRenderHint(QPainter::Antialiasing, true);

    if (m_lanes.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, tr("No participants to show"));
        return;
    }

    paintLanes(painter);
    paintAxis(painter);
    paintSegments(painter);
    paintRecordingLane(painter);
    paintEvents(painter);
    paintSelectedSpan(painter);
    paintCurrentEvent(painter);
    paintPlayhead(painter);

    if (hasFocus()) {
        QStyleOptionFocusRect option;
        option.initFrom(this);
        option.rect = plotArea().toAlignedRect().adjusted(-3, -3, 3, 3);
        option.backgroundColor = palette().color(QPalette::Base);
        style()->drawPrimitive(QStyle::PE_FrameFocusRect, &option, &painter, this);
    }
}

void TimelineView::paintLanes(QPainter &painter) const
{
    const QFontMetrics metrics = fontMetrics();
    const int badge = metrics.height() + 2;
    QFont bold = font();
    bold.setBold(true);

    for (int lane = 0; lane < m_lanes.size(); ++lane) {
        const QRectF band = laneArea(lane);
        const QRectF row(kMargin, band.top(), band.right() - kMargin, band.height());
        if (lane % 2 == 1)
            painter.fillRect(row, palette().color(QPalette::AlternateBase));

        // The badge: a role's letter on the role's colour, so lanes can be told apart at a
        // glance and without colour.
        const QRectF circle(kMargin + 2, band.center().y() - badge / 2.0, badge, badge);
        const QColor roleColor = CallColors::role(m_lanes.at(lane).role);
        painter.setPen(Qt::NoPen);
        painter.setBrush(roleColor);
        painter.drawEllipse(circle);
        painter.setFont(bold);
        painter.setPen(CallColors::textOn(roleColor));
        painter.drawText(circle, Qt::AlignCenter, CallText::roleLetter(m_lanes.at(lane).role));

        painter.setFont(font());
        painter.setPen(palette().color(QPalette::Text));
        const QRectF text(circle.right() + 6, band.top(), m_labelWidth - badge - 14, band.height());
        painter.drawText(
            text, Qt::AlignVCenter | Qt::AlignLeft,
            metrics.elidedText(m_lanes.at(lane).label, Qt::ElideRight, int(text.width())));
    }

    if (!hasRecordingLane())
        return;
    // The recording lane's badge is the universal red dot of a recorder.
    const QRectF band = recordingLaneArea();
    const QRectF row(kMargin, band.top(), band.right() - kMargin, band.height());
    if (m_lanes.size() % 2 == 1)
        painter.fillRect(row, palette().color(QPalette::AlternateBase));
    QPen rule(palette().color(QPalette::Mid), 1);
    painter.setPen(rule);
    painter.drawLine(QPointF(kMargin, band.top() + 0.5), QPointF(band.right(), band.top() + 0.5));
    const QRectF circle(kMargin + 2, band.center().y() - badge / 2.0, badge, badge);
    painter.setPen(QPen(palette().color(QPalette::Text), 1.2));
    painter.setBrush(Qt::NoBrush);
    painter.drawEllipse(circle);
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor::fromRgb(kProblem));
    painter.drawEllipse(circle.center(), badge / 4.0, badge / 4.0);
    painter.setFont(bold);
    painter.setPen(palette().color(QPalette::Text));
    const QRectF text(circle.right() + 6, band.top(), m_labelWidth - badge - 14, band.height());
    painter.drawText(text, Qt::AlignVCenter | Qt::AlignLeft,
                     metrics.elidedText(tr("Recording"), Qt::ElideRight, int(text.width())));
    painter.setFont(font());
}

void TimelineView::paintAxis(QPainter &painter) const
{
    const QRectF plot = plotArea();
    const QFontMetrics metrics = fontMetrics();
    const Timestamp zero = m_call.summary.start.isValid() ? m_call.summary.start : m_axisStart;
    const qint64 step = tickStep();

    QColor grid = palette().color(QPalette::Text);
    grid.setAlphaF(0.12f);
    QColor tickText = palette().color(QPalette::Text);
    tickText.setAlphaF(0.7f);

    // Ticks count from the call's start; records before it get no negative labels.
    const qint64 firstTick = std::max<qint64>(0, (m_axisStart - zero + step - 1) / step);
    const qint64 lastTick = (m_axisEnd - zero) / step;
    const qreal labelBaseline = kMargin + metrics.ascent() + 2;
    for (qint64 k = firstTick; k <= lastTick; ++k) {
        const qreal x = xForTime(zero.addMicroseconds(k * step));
        painter.setPen(QPen(grid, 1));
        painter.drawLine(QPointF(x, plot.top() - 4), QPointF(x, plot.bottom()));

        const QString label = TimeText::axisLabel(k * step, step);
        const qreal labelWidth = metrics.horizontalAdvance(label);
        const qreal left = std::clamp(x - labelWidth / 2, plot.left() - 4,
                                      plot.right() + kRightRoom - labelWidth);
        painter.setPen(tickText);
        painter.drawText(QPointF(left, labelBaseline), label);
    }

    painter.setPen(QPen(palette().color(QPalette::Mid), 1));
    painter.drawLine(QPointF(plot.left(), plot.top() - 0.5),
                     QPointF(plot.right(), plot.top() - 0.5));

    painter.setPen(tickText);
    painter.drawText(QRectF(kMargin, kMargin, m_labelWidth - 8, metrics.height() + 4),
                     Qt::AlignLeft | Qt::AlignVCenter, tr("Since start"));
}

void TimelineView::paintSegments(QPainter &painter) const
{
    const QFontMetrics metrics = fontMetrics();
    for (int index = 0; index < m_call.segments.size(); ++index) {
        const Segment &segment = m_call.segments.at(index);
        if (laneOf(segment.participantId) < 0)
            continue;

        const QRectF box = segmentRect(index);
        const QColor color = CallColors::segment(segment.kind);
        painter.setPen(QPen(color.darker(130), 1));
        painter.setBrush(color);
        painter.drawRoundedRect(box.adjusted(0.5, 0.5, -0.5, -0.5), 2, 2);

        const Qt::BrushStyle pattern = CallColors::segmentPattern(segment.kind);
        if (pattern != Qt::NoBrush) {
            painter.setPen(Qt::NoPen);
            painter.setBrush(QBrush(CallColors::patternOn(color), pattern));
            painter.drawRect(box.adjusted(1, 1, -1, -1));
        }

        // The kind's name where it fits, so colour is never the only clue.
        const QString name = CallText::kindName(segment.kind);
        if (box.width() >= metrics.horizontalAdvance(name) + 8) {
            const QRectF textBox = box.adjusted(4, 0, -4, 0);
            const QRectF needed(textBox.left(), textBox.center().y() - metrics.height() / 2.0,
                                metrics.horizontalAdvance(name) + 4, metrics.height());
            if (pattern != Qt::NoBrush) {
                // A plain patch under the words keeps them legible over the pattern.
                painter.setPen(Qt::NoPen);
                painter.setBrush(color);
                painter.drawRect(needed.adjusted(-2, 0, 0, 0));
            }
            painter.setPen(CallColors::textOn(color));
            painter.drawText(textBox, Qt::AlignVCenter | Qt::AlignLeft, name);
        }
    }
}

void TimelineView::paintEvents(QPainter &painter) const
{
    const QColor ink = palette().color(QPalette::Text);
    const QColor paper = palette().color(QPalette::Base);
    const qreal half = kMarkerHalfWidth;

    for (int index = 0; index < m_call.events.size(); ++index) {
        if (m_eventLane.at(index) < 0)
            continue;
        const EventType type = m_call.events.at(index).type;
        const QPointF point = eventPoint(index);
        const QRectF band = laneArea(m_eventLane.at(index));

        if (isTransfer(type)) {
            QPainterPath triangle;
            triangle.moveTo(point.x(), point.y() - half);
            triangle.lineTo(point.x() + half, point.y() + half);
            triangle.lineTo(point.x() - half, point.y() + half);
            triangle.closeSubpath();
            painter.setPen(QPen(paper, 1.5));
            painter.setBrush(ink);
            painter.drawPath(triangle);
        } else if (isHangup(type)) {
            // A halo in the base colour keeps the cross visible on any segment colour.
            for (const auto &[color, width] : { std::pair { paper, 5.0 }, { ink, 2.2 } }) {
                painter.setPen(QPen(color, width, Qt::SolidLine, Qt::RoundCap));
                painter.drawLine(point + QPointF(-half + 1, -half + 1),
                                 point + QPointF(half - 1, half - 1));
                painter.drawLine(point + QPointF(-half + 1, half - 1),
                                 point + QPointF(half - 1, -half + 1));
            }
        } else {
            QColor tick = ink;
            tick.setAlphaF(0.55f);
            painter.setPen(QPen(tick, 1.5));
            painter.drawLine(QPointF(point.x(), band.bottom() - kSegmentInset + 1),
                             QPointF(point.x(), band.bottom() - 1));
            painter.drawLine(QPointF(point.x(), band.top() + 1),
                             QPointF(point.x(), band.top() + kSegmentInset - 1));
        }
    }
}

void TimelineView::paintCurrentEvent(QPainter &painter) const
{
    if (m_currentEvent < 0)
        return;

    const QRectF plot = plotArea();
    const QColor highlight = palette().color(QPalette::Highlight);
    const QPointF point = eventPoint(m_currentEvent);

    painter.setPen(QPen(highlight, 2));
    painter.drawLine(QPointF(point.x(), plot.top() - 2), QPointF(point.x(), plot.bottom()));

    if (m_eventLane.at(m_currentEvent) >= 0) {
        painter.setBrush(Qt::NoBrush);
        painter.drawEllipse(point, kMarkerHalfWidth + 3, kMarkerHalfWidth + 3);
    }

    // The offset in a pill on the axis, where the eye looks for the time.
    const Timestamp zero = m_call.summary.start.isValid() ? m_call.summary.start : m_axisStart;
    const QString label = TimeText::offset(m_call.events.at(m_currentEvent).time - zero);
    const QFontMetrics metrics = fontMetrics();
    const qreal pillWidth = metrics.horizontalAdvance(label) + 12;
    const qreal left = std::clamp(point.x() - pillWidth / 2, plot.left() - 4,
                                  plot.right() + kRightRoom - pillWidth);
    const QRectF pill(left, kMargin, pillWidth, metrics.height() + 4);
    painter.setPen(Qt::NoPen);
    painter.setBrush(highlight);
    painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2);
    painter.setPen(palette().color(QPalette::HighlightedText));
    painter.drawText(pill, Qt::AlignCenter, label);
}

void TimelineView::paintRecordingLane(QPainter &painter) const
{
    if (!hasRecordingLane())
        return;
    const QFontMetrics metrics = fontMetrics();
    const QColor ink = palette().color(QPalette::Text);

    // Not recorded: grey hatching, and the words where they fit, so that the span is read as
    // "nobody recorded this" rather than as silence or lost audio.
    QColor hatch = ink;
    hatch.setAlphaF(0.35f);
    QColor muted = ink;
    muted.setAlphaF(0.75f);
    QFont italic = font();
    italic.setItalic(true);
    const QString notRecorded = tr("not recorded");
    for (const Span &span : m_unrecorded) {
        const QRectF box = spanRect(span);
        if (box.width() < 0.5)
            continue;
        painter.setPen(Qt::NoPen);
        painter.setBrush(QBrush(hatch, Qt::BDiagPattern));
        painter.drawRect(box);
        painter.setPen(QPen(hatch, 1, Qt::DashLine));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(box.adjusted(0.5, 0.5, -0.5, -0.5));

        const QFontMetrics italicMetrics(italic);
        const qreal wanted = italicMetrics.horizontalAdvance(notRecorded) + 8;
        if (box.width() >= wanted) {
            const QRectF patch(box.center().x() - wanted / 2,
                               box.center().y() - italicMetrics.height() / 2.0, wanted,
                               italicMetrics.height());
            painter.setPen(Qt::NoPen);
            painter.setBrush(palette().color(QPalette::Base));
            painter.drawRect(patch);
            painter.setFont(italic);
            painter.setPen(muted);
            painter.drawText(patch, Qt::AlignCenter, notRecorded);
            painter.setFont(font());
        }
    }

    const QColor audio = QColor::fromRgb(kAudio);
    const QColor problem = QColor::fromRgb(kProblem);
    for (int index = 0; index < m_call.recordings.size(); ++index) {
        const QRectF box = recordingRect(index);
        if (box.isEmpty())
            continue;
        const Recording &recording = m_call.recordings.at(index);
        const bool bad = recordingHasProblem(index);
        const QColor edge = bad ? problem : audio;

        painter.setPen(QPen(edge, 1));
        painter.setBrush(CallColors::tint(palette(), edge, 0.18));
        painter.drawRoundedRect(box.adjusted(0.5, 0.5, -0.5, -0.5), 2, 2);

        const auto peaks = m_peaks.constFind(recording.id);
        if (peaks != m_peaks.cend())
            paintWaveform(painter, box.adjusted(1, 2, -1, -2), recording.start, *peaks, audio);

        if (bad) {
            // Crossed out where nothing can be played; a truncated recording keeps its waveform
            // clear and gets a red frame and a word.
            if (!RecordingText::isPlayable(recording) || recording.durationUs <= 0) {
                painter.setPen(Qt::NoPen);
                painter.setBrush(
                    QBrush(CallColors::tint(palette(), problem, 0.55), Qt::DiagCrossPattern));
                painter.drawRect(box.adjusted(1, 1, -1, -1));
            }
            painter.setPen(QPen(problem, 2));
            painter.setBrush(Qt::NoBrush);
            painter.drawRoundedRect(box.adjusted(1, 1, -1, -1), 2, 2);

            const QString word = u"\u26a0 "_qs + RecordingText::shortProblem(recording);
            const qreal wanted = metrics.horizontalAdvance(word) + 8;
            if (box.width() >= wanted) {
                const QRectF patch(box.left() + 3, box.center().y() - metrics.height() / 2.0,
                                   wanted, metrics.height());
                painter.setPen(Qt::NoPen);
                painter.setBrush(palette().color(QPalette::Base));
                painter.drawRect(patch);
                painter.setPen(problem.darker(120));
                painter.drawText(patch, Qt::AlignCenter, word);
            }
        } else if (peaks == m_peaks.cend()) {
            // Until the waveform is in, the recording's name says what the block is.
            const QString name = RecordingText::title(m_call, recording);
            if (box.width() >= metrics.horizontalAdvance(name) + 8) {
                painter.setPen(ink);
                painter.drawText(box.adjusted(4, 0, -4, 0), Qt::AlignVCenter | Qt::AlignLeft, name);
            }
        }
    }
}

void TimelineView::paintWaveform(QPainter &painter, const QRectF &box, Timestamp start,
                                 const WaveformPeaks &peaks, const QColor &color) const
{
    if (peaks.bucketCount() == 0 || peaks.bucketsPerSecond <= 0 || box.width() < 1)
        return;

    // One vertical stroke per pixel column, from the lowest to the highest sample of the
    // buckets under it, over the audio really present.
    const qreal origin = xForTime(start);
    const double microsecondsPerPixel = double(m_axisEnd - m_axisStart) / plotArea().width();
    const double bucketsPerPixel = microsecondsPerPixel * peaks.bucketsPerSecond / 1e6;
    const qreal audioRight
        = std::min(box.right(), xForTime(start.addMicroseconds(peaks.durationUs)));
    const qreal middle = box.center().y();
    const qreal scale = box.height() / 2.0 / 128.0;

    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.setPen(QPen(color, 1));
    const int first = int(std::floor(box.left()));
    const int last = int(std::ceil(audioRight));
    for (int x = first; x < last; ++x) {
        const qsizetype from = std::clamp<qsizetype>(
            qsizetype(std::floor((x - origin) * bucketsPerPixel)), 0, peaks.bucketCount() - 1);
        const qsizetype to
            = std::clamp<qsizetype>(qsizetype(std::ceil((x + 1 - origin) * bucketsPerPixel)),
                                    from + 1, peaks.bucketCount());
        int low = 127;
        int high = -128;
        for (qsizetype bucket = from; bucket < to; ++bucket) {
            low = std::min<int>(low, peaks.minimum(bucket));
            high = std::max<int>(high, peaks.maximum(bucket));
        }
        // Silence still shows as a hairline, so a quiet stretch is not taken for a gap.
        const qreal top = std::min(middle - high * scale, middle - 0.5);
        const qreal bottom = std::max(middle - low * scale, middle + 0.5);
        painter.drawLine(QPointF(x + 0.5, top), QPointF(x + 0.5, bottom));
    }
    painter.restore();
}

void TimelineView::paintSelectedSpan(QPainter &painter) const
{
    if (!m_selectedSpan.isValid() || !hasRecordingLane())
        return;
    const QRectF plot = plotArea();
    const QRectF lane = recordingLaneArea();
    const qreal left = xForTime(m_selectedSpan.start);
    const qreal right = xForTime(m_selectedSpan.end);
    QColor fill = palette().color(QPalette::Highlight);
    fill.setAlphaF(0.28f);
    painter.setPen(Qt::NoPen);
    painter.setBrush(fill);
    painter.drawRect(QRectF(left, lane.top(), right - left, lane.height()));
    fill.setAlphaF(0.08f);
    painter.setBrush(fill);
    painter.drawRect(QRectF(left, plot.top(), right - left, lane.top() - plot.top()));
    painter.setPen(QPen(palette().color(QPalette::Highlight), 1.5));
    painter.drawLine(QPointF(left, plot.top()), QPointF(left, plot.bottom()));
    painter.drawLine(QPointF(right, plot.top()), QPointF(right, plot.bottom()));
}

void TimelineView::paintPlayhead(QPainter &painter) const
{
    if (!m_playhead.isValid() || m_playhead < m_axisStart || m_playhead > m_axisEnd)
        return;
    const QRectF plot = plotArea();
    const qreal x = xForTime(m_playhead);
    const QColor ink = palette().color(QPalette::Text);
    const QColor paper = palette().color(QPalette::Base);

    // A halo keeps the line visible on every segment colour and on the waveform.
    painter.setPen(QPen(paper, 4));
    painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    painter.setPen(QPen(ink, 2));
    painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));

    QPainterPath head;
    head.moveTo(x - 6, plot.top() - 8);
    head.lineTo(x + 6, plot.top() - 8);
    head.lineTo(x, plot.top());
    head.closeSubpath();
    painter.setPen(QPen(paper, 1));
    painter.setBrush(ink);
    painter.drawPath(head);
}
