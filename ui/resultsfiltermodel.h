#pragma once

#include <QSortFilterProxyModel>

// The results list as the supervisor arranges it: sorted by start, duration, caller or outcome
// (or left in the order found or pasted), and narrowed to the loaded rows whose CRN, caller,
// queue, agent or outcome contains the quick filter's text. Rows for pasted references that name
// no call are matched by their reference and sort after the calls. Paging passes through to the
// source model (canFetchMore/fetchMore), so scrolling a sorted list still loads the next page.
// UI thread.
class ResultsFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    enum class SortKey { Found, Start, Duration, Caller, Outcome };
    Q_ENUM(SortKey)

    explicit ResultsFilterModel(QObject *parent = nullptr);

    SortKey sortKey() const { return m_sortKey; }
    void setSortKey(SortKey key, Qt::SortOrder order = Qt::AscendingOrder);
    QString filterText() const { return m_filterText; }
    void setFilterText(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    SortKey m_sortKey = SortKey::Found;
    QString m_filterText;
};
