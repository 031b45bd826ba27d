#include "timelineview.h"

#include "callcolors.h"
#include "calltext.h"
#include "logging.h"
#include "timetext.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
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
    m_call = call;
    m_currentEvent = -1;
    buildLanes();
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

    m_axisStart = first.isValid() ? first : Timestamp::fromMicroseconds(0);
    // A call of no duration still gets a readable one-second axis.
    m_axisEnd = last.isValid() && last - m_axisStart >= kSecond
        ? last
        : m_axisStart.addMicroseconds(kSecond);
}

void TimelineView::updateLabelWidth()
{
    const QFontMetrics metrics = fontMetrics();
    const int badge = metrics.height() + 2;
    int widest = metrics.horizontalAdvance(tr("Participant"));
    for (const Lane &lane : std::as_const(m_lanes))
        widest = qMax(widest, metrics.horizontalAdvance(lane.label));
    m_labelWidth = qMin(kMaxLabelWidth, badge + 6 + widest + 12);
}

void TimelineView::updateAccessibleDescription()
{
    if (m_currentEvent < 0) {
        setAccessibleDescription(
            tr("%n participant(s). Use Left and Right to move between events.", "", laneCount()));
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

QRectF TimelineView::plotArea() const
{
    const qreal left = kMargin + m_labelWidth;
    const qreal top = kMargin + axisHeight();
    const qreal right = width() - kMargin - kRightRoom;
    return QRectF(left, top, qMax<qreal>(1.0, right - left), qreal(laneCount() * laneHeight()));
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

int TimelineView::laneAtY(qreal y) const
{
    const QRectF plot = plotArea();
    if (y < plot.top() || y >= plot.bottom())
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

    const QRectF plot = plotArea();
    const qreal fraction = std::clamp((pos.x() - plot.left()) / plot.width(), 0.0, 1.0);
    const Timestamp time
        = m_axisStart.addMicroseconds(qint64(fraction * double(m_axisEnd - m_axisStart)));
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
    return QSize(720, 2 * kMargin + axisHeight() + lanes * laneHeight());
}

QSize TimelineView::minimumSizeHint() const
{
    // Every lane stays visible; a scroll area around the view takes over when they do not fit.
    const int lanes = qMax(1, laneCount());
    return QSize(m_labelWidth + 160, 2 * kMargin + axisHeight() + lanes * laneHeight());
}

bool TimelineView::event(QEvent *event)
{
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
    const int index = eventAt(event->position().toPoint());
    if (index >= 0)
        setCurrentEvent(index);
    event->accept();
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
    paintEvents(painter);
    paintCurrentEvent(painter);

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
