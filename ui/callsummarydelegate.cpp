#include "callsummarydelegate.h"

#include "callcolors.h"
#include "callsummarymodel.h"

#include <QApplication>
#include <QFontDatabase>
#include <QPainter>

namespace {

constexpr int kPadding = 6;
constexpr int kLineGap = 2;

QFont crnFont(const QFont &base)
{
    QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    font.setPointSizeF(base.pointSizeF());
    font.setBold(true);
    return font;
}

QString cell(const QModelIndex &index, int column)
{
    return index.siblingAtColumn(column).data().toString();
}

} // namespace

namespace {

// Calls that share an id are told apart by what follows the '@' (the importer qualifies ids
// that several example scenarios reuse), so that part is kept whole and the id shortened.
QString elidedCrn(const QFontMetrics &metrics, const QString &crn, int width)
{
    if (metrics.horizontalAdvance(crn) <= width)
        return crn;

    const qsizetype at = crn.lastIndexOf(u'@');
    if (at > 0) {
        const QString qualifier = crn.mid(at);
        const int room = width - metrics.horizontalAdvance(qualifier);
        if (room > metrics.horizontalAdvance(QStringLiteral("0000…")))
            return metrics.elidedText(crn.left(at), Qt::ElideMiddle, room) + qualifier;
    }
    return metrics.elidedText(crn, Qt::ElideMiddle, width);
}

} // namespace

void CallSummaryDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    opt.icon = {};
    const QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

    const bool selected = opt.state.testFlag(QStyle::State_Selected);
    const QPalette::ColorGroup group
        = opt.state.testFlag(QStyle::State_Active) ? QPalette::Active : QPalette::Inactive;
    const QColor ink
        = opt.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text);
    QColor quiet = ink;
    quiet.setAlphaF(0.7f);

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, true);
    const QRect box = opt.rect.adjusted(kPadding, kPadding / 2, -kPadding, -kPadding / 2);

    // A reference that names no call: a dashed frame, italic text and the reason underneath,
    // so that it cannot be mistaken for a call to open.
    if (index.data(CallSummaryModel::RowKindRole).value<CallSummaryModel::RowKind>()
        != CallSummaryModel::RowKind::Call) {
        paintMissing(painter, opt, index, box, ink, quiet);
        painter->restore();
        return;
    }

    // The model's font role makes the CRN column monospace; the second line keeps the view's.
    const QFont base = option.font;
    const QFontMetrics plain(base);
    const QFont bold = crnFont(base);
    const QFontMetrics boldMetrics(bold);

    // The outcome chip at the right of the first line.
    const auto outcome
        = CallOutcome(callOutcomeFromString(index.data(CallSummaryModel::OutcomeRole).toString())
                          .value_or(CallOutcome::Unknown));
    const QString outcomeText = cell(index, CallSummaryModel::OutcomeColumn);
    const int chipWidth = plain.horizontalAdvance(outcomeText) + 12;
    const QRect chip(box.right() - chipWidth, box.top() + 1, chipWidth, plain.height() + 2);
    const QColor chipColor = CallColors::outcome(outcome);
    painter->setPen(Qt::NoPen);
    painter->setBrush(chipColor);
    painter->drawRoundedRect(chip, chip.height() / 2.0, chip.height() / 2.0);
    painter->setPen(CallColors::textOn(chipColor));
    painter->setFont(base);
    painter->drawText(chip, Qt::AlignCenter, outcomeText);

    const QRect first(box.left(), box.top(), chip.left() - box.left() - 8, chip.height());
    painter->setFont(bold);
    painter->setPen(ink);
    painter->drawText(
        first, Qt::AlignLeft | Qt::AlignVCenter,
        elidedCrn(boldMetrics, cell(index, CallSummaryModel::CrnColumn), first.width()));

    QStringList parts { cell(index, CallSummaryModel::StartColumn),
                        cell(index, CallSummaryModel::CallerColumn) };
    const QString queue = cell(index, CallSummaryModel::QueueColumn);
    const QString agent = cell(index, CallSummaryModel::AgentColumn);
    if (!queue.isEmpty())
        parts.append(queue);
    if (!agent.isEmpty())
        parts.append(agent);
    const QRect second(box.left(), first.bottom() + kLineGap, box.width(), plain.height());
    painter->setFont(base);
    painter->setPen(quiet);
    painter->drawText(
        second, Qt::AlignLeft | Qt::AlignVCenter,
        plain.elidedText(parts.join(QStringLiteral(" · ")), Qt::ElideRight, second.width()));
    painter->restore();
}

void CallSummaryDelegate::paintMissing(QPainter *painter, const QStyleOptionViewItem &option,
                                       const QModelIndex &index, const QRect &box,
                                       const QColor &ink, const QColor &quiet) const
{
    QPen dashed(quiet, 1, Qt::DashLine);
    painter->setPen(dashed);
    painter->setBrush(Qt::NoBrush);
    painter->drawRoundedRect(QRectF(box).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);

    QFont italic = option.font;
    italic.setItalic(true);
    const QFontMetrics metrics(italic);
    const QRect inner = box.adjusted(6, 1, -6, -1);
    const QRect first(inner.left(), inner.top(), inner.width(), metrics.height() + 2);
    painter->setFont(italic);
    painter->setPen(ink);
    painter->drawText(first, Qt::AlignLeft | Qt::AlignVCenter,
                      metrics.elidedText(index.data().toString(), Qt::ElideMiddle, first.width()));

    const QRect second(inner.left(), first.bottom() + kLineGap, inner.width(), metrics.height());
    painter->setPen(quiet);
    painter->drawText(
        second, Qt::AlignLeft | Qt::AlignVCenter,
        metrics.elidedText(index.data(Qt::ToolTipRole).toString(), Qt::ElideRight, second.width()));
}

QSize CallSummaryDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    const QFontMetrics plain(option.font);
    const int height = plain.height() + 2 + kLineGap + plain.height() + kPadding;
    return QSize(plain.averageCharWidth() * 40, height);
}
