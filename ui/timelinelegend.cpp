#include "timelinelegend.h"

#include "callcolors.h"
#include "calltext.h"

#include <QEvent>
#include <QPainter>
#include <QPainterPath>

#include <array>

namespace {

constexpr int kSwatchWidth = 22;
constexpr int kGap = 6;
constexpr int kItemSpacing = 14;
constexpr int kRowSpacing = 4;

// As in TimelineView's recording lane.
constexpr QRgb kAudio = 0xff1f4e79;
constexpr QRgb kProblem = 0xffc0392b;

constexpr std::array kKinds { SegmentKind::Ivr,   SegmentKind::Queue, SegmentKind::Ringing,
                              SegmentKind::Talk,  SegmentKind::Hold,  SegmentKind::Conference,
                              SegmentKind::WrapUp };

} // namespace

TimelineLegend::TimelineLegend(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    setAccessibleName(tr("Timeline legend"));
    updateAccessibleDescription();
}

void TimelineLegend::setShowsRecordings(bool shows)
{
    if (shows == m_showsRecordings)
        return;
    m_showsRecordings = shows;
    updateAccessibleDescription();
    updateGeometry();
    update();
}

QStringList TimelineLegend::itemTexts() const
{
    QStringList names;
    for (const Item &item : items())
        names.append(item.text);
    return names;
}

void TimelineLegend::updateAccessibleDescription()
{
    setAccessibleDescription(itemTexts().join(QStringLiteral(", ")));
}

QList<TimelineLegend::Item> TimelineLegend::items() const
{
    QList<Item> result;
    for (const SegmentKind kind : kKinds)
        result.append({ Mark::Segment, int(kind), CallText::kindName(kind) });
    result.append({ Mark::Transfer, 0, tr("Transfer") });
    result.append({ Mark::Hangup, 0, tr("Hangup") });
    result.append({ Mark::Tick, 0, tr("Other event") });
    if (m_showsRecordings) {
        result.append({ Mark::Recorded, 0, tr("Recorded") });
        result.append({ Mark::NotRecorded, 0, tr("Not recorded") });
        result.append({ Mark::Problem, 0, tr("Recording problem") });
        result.append({ Mark::Playhead, 0, tr("Playhead") });
    }
    return result;
}

int TimelineLegend::itemWidth(const Item &item) const
{
    return kSwatchWidth + kGap + fontMetrics().horizontalAdvance(item.text);
}

QList<QRect> TimelineLegend::layout(int width) const
{
    const int height = fontMetrics().height() + 4;
    QList<QRect> boxes;
    int x = 0;
    int y = 0;
    for (const Item &item : items()) {
        const int itemWide = itemWidth(item);
        if (x > 0 && x + itemWide > width) {
            x = 0;
            y += height + kRowSpacing;
        }
        boxes.append(QRect(x, y, itemWide, height));
        x += itemWide + kItemSpacing;
    }
    return boxes;
}

int TimelineLegend::heightForWidth(int width) const
{
    const QList<QRect> boxes = layout(width);
    return boxes.isEmpty() ? 0 : boxes.last().bottom() + 1;
}

QSize TimelineLegend::sizeHint() const
{
    int width = 0;
    for (const Item &item : items())
        width += itemWidth(item) + kItemSpacing;
    return QSize(width, fontMetrics().height() + 4);
}

QSize TimelineLegend::minimumSizeHint() const
{
    int widest = 0;
    for (const Item &item : items())
        widest = qMax(widest, itemWidth(item));
    // Two rows at most are asked for up front, so the legend never crowds out the lanes;
    // heightForWidth gives more where the layout honours it.
    return QSize(widest, heightForWidth(sizeHint().width() / 2 + 1));
}

void TimelineLegend::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::FontChange)
        updateGeometry();
    QWidget::changeEvent(event);
}

void TimelineLegend::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing, true);
    const QList<Item> all = items();
    const QList<QRect> boxes = layout(width());
    for (int i = 0; i < all.size(); ++i) {
        const QRect box = boxes.at(i);
        paintMark(painter, all.at(i), QRect(box.left(), box.top(), kSwatchWidth, box.height()));
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(box.adjusted(kSwatchWidth + kGap, 0, 0, 0),
                         Qt::AlignVCenter | Qt::AlignLeft, all.at(i).text);
    }
}

void TimelineLegend::paintMark(QPainter &painter, const Item &item, const QRect &box) const
{
    const QColor ink = palette().color(QPalette::WindowText);
    const QPointF center = QRectF(box).center();
    switch (item.mark) {
    case Mark::Segment: {
        const auto kind = SegmentKind(item.kind);
        const QColor color = CallColors::segment(kind);
        const QRectF swatch = QRectF(box).adjusted(1, 3, -1, -3);
        painter.setPen(QPen(color.darker(130), 1));
        painter.setBrush(color);
        painter.drawRoundedRect(swatch, 2, 2);
        const Qt::BrushStyle pattern = CallColors::segmentPattern(kind);
        if (pattern != Qt::NoBrush) {
            painter.setPen(Qt::NoPen);
            painter.setBrush(QBrush(CallColors::patternOn(color), pattern));
            painter.drawRect(swatch.adjusted(1, 1, -1, -1));
        }
        break;
    }
    case Mark::Transfer: {
        QPainterPath triangle;
        triangle.moveTo(center.x(), center.y() - 6);
        triangle.lineTo(center.x() + 6, center.y() + 6);
        triangle.lineTo(center.x() - 6, center.y() + 6);
        triangle.closeSubpath();
        painter.setPen(Qt::NoPen);
        painter.setBrush(ink);
        painter.drawPath(triangle);
        break;
    }
    case Mark::Hangup:
        painter.setPen(QPen(ink, 2.2, Qt::SolidLine, Qt::RoundCap));
        painter.drawLine(center + QPointF(-5, -5), center + QPointF(5, 5));
        painter.drawLine(center + QPointF(-5, 5), center + QPointF(5, -5));
        break;
    case Mark::Tick: {
        QColor tick = ink;
        tick.setAlphaF(0.55f);
        painter.setPen(QPen(tick, 1.5));
        painter.drawLine(QPointF(center.x(), box.top() + 2), QPointF(center.x(), box.bottom() - 2));
        break;
    }
    case Mark::Recorded: {
        const QColor audio = QColor::fromRgb(kAudio);
        const QRectF swatch = QRectF(box).adjusted(1, 3, -1, -3);
        painter.setPen(QPen(audio, 1));
        painter.setBrush(CallColors::tint(palette(), audio, 0.18));
        painter.drawRoundedRect(swatch, 2, 2);
        // A few strokes of waveform.
        painter.setPen(QPen(audio, 1));
        const std::array heights { 0.2, 0.6, 0.9, 0.4, 0.7, 0.3, 0.8, 0.5, 0.2 };
        for (size_t i = 0; i < heights.size(); ++i) {
            const qreal x = swatch.left() + 3 + qreal(i) * (swatch.width() - 6) / 8.0;
            const qreal half = heights.at(i) * (swatch.height() / 2.0 - 1.5);
            painter.drawLine(QPointF(x, center.y() - half), QPointF(x, center.y() + half));
        }
        break;
    }
    case Mark::NotRecorded: {
        const QRectF swatch = QRectF(box).adjusted(1, 3, -1, -3);
        QColor hatch = palette().color(QPalette::Text);
        hatch.setAlphaF(0.35f);
        painter.setPen(Qt::NoPen);
        painter.setBrush(QBrush(hatch, Qt::BDiagPattern));
        painter.drawRect(swatch);
        painter.setPen(QPen(hatch, 1, Qt::DashLine));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(swatch.adjusted(0.5, 0.5, -0.5, -0.5));
        break;
    }
    case Mark::Problem: {
        const QColor problem = QColor::fromRgb(kProblem);
        const QRectF swatch = QRectF(box).adjusted(1, 3, -1, -3);
        painter.setPen(Qt::NoPen);
        painter.setBrush(CallColors::tint(palette(), problem, 0.18));
        painter.drawRect(swatch);
        painter.setBrush(QBrush(CallColors::tint(palette(), problem, 0.55), Qt::DiagCrossPattern));
        painter.drawRect(swatch);
        painter.setPen(QPen(problem, 2));
        painter.setBrush(Qt::NoBrush);
        painter.drawRoundedRect(swatch.adjusted(1, 1, -1, -1), 2, 2);
        break;
    }
    case Mark::Playhead: {
        painter.setPen(QPen(ink, 2));
        painter.drawLine(QPointF(center.x(), box.top() + 4), QPointF(center.x(), box.bottom()));
        QPainterPath head;
        head.moveTo(center.x() - 5, box.top());
        head.lineTo(center.x() + 5, box.top());
        head.lineTo(center.x(), box.top() + 6);
        head.closeSubpath();
        painter.setPen(Qt::NoPen);
        painter.setBrush(ink);
        painter.drawPath(head);
        break;
    }
    }
}
