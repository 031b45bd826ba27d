#pragma once

#include "model/call.h"

#include <QAbstractTableModel>

// A list of calls in short: CRN, start in local time, caller, queue, agent and outcome. The
// main window shows search matches and recently opened calls with it.
//
// setSummaries replaces the list with a model reset; remember moves or inserts one call at the
// top with granular signals, so views keep their selection. UI thread.
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
    };
    Q_ENUM(Role)

    explicit CallSummaryModel(QObject *parent = nullptr);

    void setSummaries(const QList<CallSummary> &summaries);
    const QList<CallSummary> &summaries() const { return m_summaries; }
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

private:
    QVariant display(const CallSummary &summary, int column) const;
    QString accessibleText(const CallSummary &summary) const;

    QList<CallSummary> m_summaries;
};
