#include "eventtablemodel.h"

#include "calltext.h"
#include "timetext.h"

#include <QFontDatabase>

EventTableModel::EventTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void EventTableModel::setCall(const Call &call)
{
    beginResetModel();
    m_call = call;
    endResetModel();
}

int EventTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_call.events.size());
}

int EventTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};

    const CallEvent &event = m_call.events.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        return display(event, index.column());
    case Qt::ToolTipRole:
        return toolTip(event, index.column());
    case Qt::FontRole:
        if (index.column() == TimeColumn || index.column() == LegColumn)
            return QFontDatabase::systemFont(QFontDatabase::FixedFont);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == OffsetColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case TimeRole:
        return event.time.microseconds();
    case OffsetRole:
        return event.time - m_call.summary.start;
    case EventTypeRole:
        return toString(event.type);
    case ParticipantIdRole:
        return CallText::eventParticipantId(m_call, event);
    case LegIdRole:
        return event.legId;
    default:
        return {};
    }
}

QVariant EventTableModel::display(const CallEvent &event, int column) const
{
    switch (column) {
    case TimeColumn:
        return TimeText::localTime(event.time, TimeText::Precision::Milliseconds);
    case OffsetColumn:
        if (!m_call.summary.start.isValid())
            return {};
        return TimeText::offset(event.time - m_call.summary.start);
    case ParticipantColumn:
        return CallText::participantLabel(m_call, CallText::eventParticipantId(m_call, event));
    case EventColumn:
        return CallText::eventDescription(m_call, event);
    case LegColumn:
        // The channel name says more to a supervisor than an opaque unique id.
        if (const Leg *leg = m_call.leg(event.legId); leg && !leg->channel.isEmpty())
            return leg->channel;
        return event.legId;
    case DetailsColumn:
        return CallText::eventDetails(event);
    default:
        return {};
    }
}

QVariant EventTableModel::toolTip(const CallEvent &event, int column) const
{
    switch (column) {
    case TimeColumn:
    case OffsetColumn:
        return TimeText::utc(event.time);
    case LegColumn:
        if (event.legId.isEmpty())
            return {};
        return tr("Leg %1").arg(event.legId);
    case DetailsColumn:
        if (event.origin.isEmpty())
            return CallText::eventDetails(event);
        return tr("%1\nRecord: %2").arg(CallText::eventDetails(event), event.origin);
    default:
        return display(event, column);
    }
}

QVariant EventTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);

    switch (section) {
    case TimeColumn:
        return tr("Time");
    case OffsetColumn:
        return tr("Since start");
    case ParticipantColumn:
        return tr("Participant");
    case EventColumn:
        return tr("Event");
    case LegColumn:
        return tr("Leg / channel");
    case DetailsColumn:
        return tr("Details");
    default:
        return {};
    }
}

QHash<int, QByteArray> EventTableModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(TimeRole, "time");
    names.insert(OffsetRole, "offset");
    names.insert(EventTypeRole, "eventType");
    names.insert(ParticipantIdRole, "participantId");
    names.insert(LegIdRole, "legId");
    return names;
}
