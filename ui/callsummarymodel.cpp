#include "callsummarymodel.h"

#include "callcolors.h"
#include "calltext.h"
#include "timetext.h"

#include <QDateTime>
#include <QFontDatabase>
#include <QLocale>

CallSummaryModel::CallSummaryModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void CallSummaryModel::setSummaries(const QList<CallSummary> &summaries)
{
    beginResetModel();
    m_summaries = summaries;
    endResetModel();
}

void CallSummaryModel::remember(const CallSummary &summary, int maximumRows)
{
    maximumRows = qMax(1, maximumRows);
    const int existing = rowOf(summary.crn);
    if (existing > 0) {
        beginMoveRows({}, existing, existing, {}, 0);
        m_summaries.move(existing, 0);
        endMoveRows();
    } else if (existing < 0) {
        beginInsertRows({}, 0, 0);
        m_summaries.prepend(summary);
        endInsertRows();
    }

    // A newer copy of the call may have a different outcome or end.
    m_summaries[0] = summary;
    Q_EMIT dataChanged(index(0, 0), index(0, ColumnCount - 1));

    if (m_summaries.size() > maximumRows) {
        beginRemoveRows({}, maximumRows, int(m_summaries.size()) - 1);
        m_summaries.resize(maximumRows);
        endRemoveRows();
    }
}

int CallSummaryModel::rowOf(const QString &crn) const
{
    for (int row = 0; row < m_summaries.size(); ++row) {
        if (m_summaries.at(row).crn == crn)
            return row;
    }
    return -1;
}

int CallSummaryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_summaries.size());
}

int CallSummaryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CallSummaryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};

    const CallSummary &summary = m_summaries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(summary, index.column());
    case Qt::AccessibleTextRole:
        return accessibleText(summary);
    case Qt::ToolTipRole:
        if (index.column() == StartColumn)
            return TimeText::utc(summary.start);
        return accessibleText(summary);
    case Qt::DecorationRole:
        if (index.column() == OutcomeColumn)
            return CallColors::outcome(summary.outcome);
        return {};
    case Qt::FontRole:
        if (index.column() == CrnColumn)
            return QFontDatabase::systemFont(QFontDatabase::FixedFont);
        return {};
    case CrnRole:
        return summary.crn;
    case StartRole:
        return summary.start.microseconds();
    case DurationRole:
        return summary.durationMicroseconds();
    case OutcomeRole:
        return toString(summary.outcome);
    default:
        return {};
    }
}

QVariant CallSummaryModel::display(const CallSummary &summary, int column) const
{
    switch (column) {
    case CrnColumn:
        return summary.crn;
    case StartColumn: {
        if (!summary.start.isValid())
            return tr("unknown");
        //: QDateTime format of a call's start in the lists of calls
        return QLocale().toString(summary.start.toDateTime().toLocalTime(), tr("d MMM yyyy HH:mm"));
    }
    case CallerColumn:
        return CallText::caller(summary);
    case QueueColumn:
        return summary.queues.join(QStringLiteral(", "));
    case AgentColumn:
        return summary.agents.join(QStringLiteral(", "));
    case OutcomeColumn:
        return CallText::outcomeName(summary.outcome);
    default:
        return {};
    }
}

// One sentence per row, so that a screen reader does not have to read six cells.
QString CallSummaryModel::accessibleText(const CallSummary &summary) const
{
    return tr("Call %1, %2, from %3, %4")
        .arg(summary.crn, TimeText::localDateTime(summary.start), CallText::caller(summary),
             CallText::outcomeName(summary.outcome));
}

QVariant CallSummaryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);

    switch (section) {
    case CrnColumn:
        return tr("CRN");
    case StartColumn:
        return tr("Start");
    case CallerColumn:
        return tr("Caller");
    case QueueColumn:
        return tr("Queue");
    case AgentColumn:
        return tr("Agent");
    case OutcomeColumn:
        return tr("Outcome");
    default:
        return {};
    }
}

QHash<int, QByteArray> CallSummaryModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(CrnRole, "crn");
    names.insert(StartRole, "start");
    names.insert(DurationRole, "duration");
    names.insert(OutcomeRole, "outcome");
    return names;
}
