#pragma once

#include "lookup/calllookup.h"
#include "model/call.h"

#include <QAbstractTableModel>

// A list of calls in short: CRN, start in local time, caller, queue, agent and outcome. The
// main window shows search matches and recently opened calls with it.
//
// setSummaries replaces the list with a model reset; remember moves or inserts one call at the
// top with granular signals, so views keep their selection. A listing the server sends in pages
// is loaded as views scroll: after setMoreAvailable(true), fetchMore() emits moreRequested once
// and appendSummaries() adds the page with beginInsertRows. A pasted list (setListedCalls) can
// hold rows for references that name no call (RowKindRole), which have no summary. UI thread.
class CallSummaryModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        CrnColumn,
        StartColumn,
        CallerColumn,
        QueueColumn,
        AgentColumn,
        OutcomeColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        CrnRole = Qt::UserRole, // QString
        StartRole, // qint64: UTC microseconds since the epoch
        DurationRole, // qint64: microseconds
        OutcomeRole, // QString: the API's word, e.g. "answered"
        RowKindRole, // RowKind
        ReferenceRole, // QString: the reference as pasted, for NotFound and Unavailable rows
        CallerRole, // QString: the caller as shown, for sorting
    };
    Q_ENUM(Role)

    enum class RowKind { Call, NotFound, Unavailable };
    Q_ENUM(RowKind)

    explicit CallSummaryModel(QObject *parent = nullptr);

    // Replaces the rows; more says whether the server has further pages.
    void setSummaries(const QList<CallSummary> &summaries, bool more = false);
    void setListedCalls(const QList<ListedCall> &calls);
    // Adds a page at the end and says whether more remain.
    void appendSummaries(const QList<CallSummary> &summaries, bool more);
    // The page asked for by moreRequested will not come: loading stops until setMoreAvailable.
    void setMoreAvailable(bool more);
    bool moreAvailable() const { return m_more; }
    bool isLoadingMore() const { return m_loading; }
    // The calls listed, without the rows of references that name none.
    QList<CallSummary> summaries() const;
    // "3 calls", "50+ calls" while pages remain, "2 calls, 1 not found" for a pasted list.
    QString countText() const;
    // Puts summary first: moves its row there when the CRN is listed, else inserts it and drops
    // the rows past maximumRows.
    void remember(const CallSummary &summary, int maximumRows);
    int rowOf(const QString &crn) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

Q_SIGNALS:
    // A view scrolled to the end of the loaded rows: the next page is wanted.
    void moreRequested();

private:
    struct Row
    {
        CallSummary summary;
        RowKind kind = RowKind::Call;
        QString reference;
        QString problem;
    };

    QVariant display(const Row &row, int column) const;
    QVariant missingData(const Row &row, int column, int role) const;
    QString accessibleText(const CallSummary &summary) const;

    QList<Row> m_rows;
    bool m_more = false;
    bool m_loading = false;
};
