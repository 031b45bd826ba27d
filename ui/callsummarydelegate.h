#pragma once

#include <QStyledItemDelegate>

// Paints one call of a CallSummaryModel in two lines for the narrow list on the left: the CRN
// and an outcome chip, then start, caller, queue and agent in a quieter colour. It reads the
// other columns of the row through the model, so a list view showing only the first column
// still shows everything. A row for a pasted reference that names no call is drawn apart: a
// dashed frame, italic, with the reason. Follows the palette, selected rows included. UI thread.
class CallSummaryDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    void paintMissing(QPainter *painter, const QStyleOptionViewItem &option,
                      const QModelIndex &index, const QRect &box, const QColor &ink,
                      const QColor &quiet) const;
};
