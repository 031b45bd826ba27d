#include "resultsfiltermodel.h"

#include "callsummarymodel.h"

namespace {

bool isCall(const QModelIndex &index)
{
    return index.data(CallSummaryModel::RowKindRole).value<CallSummaryModel::RowKind>()
        == CallSummaryModel::RowKind::Call;
}

} // namespace

ResultsFilterModel::ResultsFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    // Pages appended while sorted or filtered take their places at once.
    setDynamicSortFilter(true);
    setSortLocaleAware(true);
}

void ResultsFilterModel::setSortKey(SortKey key, Qt::SortOrder order)
{
    m_sortKey = key;
    // Column -1 gives back the source's order: as found, or as pasted.
    if (key == SortKey::Found)
        sort(-1, order);
    else {
        invalidate();
        sort(CallSummaryModel::CrnColumn, order);
    }
}

void ResultsFilterModel::setFilterText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_filterText)
        return;
    m_filterText = trimmed;
    invalidateRowsFilter();
}

bool ResultsFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_filterText.isEmpty())
        return true;

    const QAbstractItemModel *model = sourceModel();
    const QModelIndex first = model->index(sourceRow, 0, sourceParent);
    if (!isCall(first))
        return first.data(CallSummaryModel::ReferenceRole)
            .toString()
            .contains(m_filterText, Qt::CaseInsensitive);

    for (int column = 0; column < model->columnCount(sourceParent); ++column) {
        if (column == CallSummaryModel::StartColumn)
            continue; // dates are filtered by the search, not by their local spelling
        const QString text = model->index(sourceRow, column, sourceParent).data().toString();
        if (text.contains(m_filterText, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

bool ResultsFilterModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    // The calls first, whichever way they are sorted; the rows without a call keep their order.
    const bool leftIsCall = isCall(left);
    const bool rightIsCall = isCall(right);
    if (leftIsCall != rightIsCall)
        return (sortOrder() == Qt::AscendingOrder) == leftIsCall;
    if (!leftIsCall)
        return sortOrder() == Qt::AscendingOrder ? left.row() < right.row()
                                                 : left.row() > right.row();

    switch (m_sortKey) {
    case SortKey::Start:
        return left.data(CallSummaryModel::StartRole).toLongLong()
            < right.data(CallSummaryModel::StartRole).toLongLong();
    case SortKey::Duration:
        return left.data(CallSummaryModel::DurationRole).toLongLong()
            < right.data(CallSummaryModel::DurationRole).toLongLong();
    case SortKey::Caller:
        return left.data(CallSummaryModel::CallerRole)
                   .toString()
                   .localeAwareCompare(right.data(CallSummaryModel::CallerRole).toString())
            < 0;
    case SortKey::Outcome:
        return left.siblingAtColumn(CallSummaryModel::OutcomeColumn)
                   .data()
                   .toString()
                   .localeAwareCompare(
                       right.siblingAtColumn(CallSummaryModel::OutcomeColumn).data().toString())
            < 0;
    case SortKey::Found:
        break;
    }
    return left.row() < right.row();
}
