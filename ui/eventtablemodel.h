#pragma once

#include "model/call.h"

#include <QAbstractTableModel>

// The events of one call as a table: local time, offset since the call's start, participant,
// what happened in words, leg, and the remaining details. Row i is Call::events[i], so a row
// number is an event index everywhere on the call screen; the model does not sort.
//
// Holds a copy of the call; setCall replaces it with a model reset. UI thread.
class EventTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        TimeColumn,
        OffsetColumn,
        ParticipantColumn,
        EventColumn,
        LegColumn,
        DetailsColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        TimeRole = Qt::UserRole, // qint64: UTC microseconds since the epoch
        OffsetRole, // qint64: microseconds since the call's start
        EventTypeRole, // QString: the API's word for the type, e.g. "hangup"
        ParticipantIdRole, // QString
        LegIdRole, // QString
    };
    Q_ENUM(Role)

    explicit EventTableModel(QObject *parent = nullptr);

    void setCall(const Call &call);
    const Call &call() const { return m_call; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    QVariant display(const CallEvent &event, int column) const;
    QVariant toolTip(const CallEvent &event, int column) const;

    Call m_call;
};
