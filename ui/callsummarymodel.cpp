#include "callsummarymodel.h"

#include "callcolors.h"
#include "calltext.h"
#include "timetext.h"

#include <QDateTime>
#include <QFont>
#include <QFontDatabase>
#include <QLocale>

CallSummaryModel::CallSummaryModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void CallSummaryModel::setSummaries(const QList<CallSummary> &summaries, bool more)
{
    beginResetModel();
    m_rows.clear();
    m_rows.reserve(summaries.size());
    for (const CallSummary &summary : summaries)
        m_rows.append({ summary, RowKind::Call, {}, {} });
    m_more = more;
    m_loading = false;
    endResetModel();
}

void CallSummaryModel::setListedCalls(const QList<ListedCall> &calls)
{
    beginResetModel();
    m_rows.clear();
    for (const ListedCall &call : calls) {
        RowKind kind = RowKind::Call;
        if (call.outcome == ListedCall::Outcome::NotFound)
            kind = RowKind::NotFound;
        else if (call.outcome == ListedCall::Outcome::Unavailable)
            kind = RowKind::Unavailable;
        m_rows.append({ call.summary, kind, call.reference, call.problem });
    }
    m_more = false;
    m_loading = false;
    endResetModel();
}

void CallSummaryModel::appendSummaries(const QList<CallSummary> &summaries, bool more)
{
    m_loading = false;
    m_more = more;
    if (summaries.isEmpty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(summaries.size()) - 1);
    for (const CallSummary &summary : summaries)
        m_rows.append({ summary, RowKind::Call, {}, {} });
    endInsertRows();
}

void CallSummaryModel::setMoreAvailable(bool more)
{
    m_more = more;
    m_loading = false;
}

QList<CallSummary> CallSummaryModel::summaries() const
{
    QList<CallSummary> summaries;
    summaries.reserve(m_rows.size());
    for (const Row &row : m_rows) {
        if (row.kind == RowKind::Call)
            summaries.append(row.summary);
    }
    return summaries;
}

QString CallSummaryModel::countText() const
{
    int calls = 0;
    int notFound = 0;
    int unavailable = 0;
    for (const Row &row : m_rows) {
        calls += row.kind == RowKind::Call ? 1 : 0;
        notFound += row.kind == RowKind::NotFound ? 1 : 0;
        unavailable += row.kind == RowKind::Unavailable ? 1 : 0;
    }

    if (m_more)
        //: The number of calls loaded while the server has more pages
        return tr("%1+ calls").arg(calls);
    QString text = tr("%n call(s)", "", calls);
    if (notFound > 0)
        //: %1 is "N calls"
        text = tr("%1, %n not found", "", notFound).arg(text);
    if (unavailable > 0)
        //: %1 is "N calls" or "N calls, M not found"
        text = tr("%1, %n not available", "", unavailable).arg(text);
    return text;
}

bool CallSummaryModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_more && !m_loading;
}

void CallSummaryModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    // One page at a time: views ask again as they lay out, before the page has come.
    m_loading = true;
    Q_EMIT moreRequested();
}

void CallSummaryModel::remember(const CallSummary &summary, int maximumRows)
{
    maximumRows = qMax(1, maximumRows);
    const int existing = rowOf(summary.crn);
    if (existing > 0) {
        beginMoveRows({}, existing, existing, {}, 0);
        m_rows.move(existing, 0);
        endMoveRows();
    } else if (existing < 0) {
        beginInsertRows({}, 0, 0);
        m_rows.prepend({ summary, RowKind::Call, {}, {} });
        endInsertRows();
    }

    // A newer copy of the call may have a different outcome or end.
    m_rows[0] = { summary, RowKind::Call, {}, {} };
    Q_EMIT dataChanged(index(0, 0), index(0, ColumnCount - 1));

    if (m_rows.size() > maximumRows) {
        beginRemoveRows({}, maximumRows, int(m_rows.size()) - 1);
        m_rows.resize(maximumRows);
        endRemoveRows();
    }
}

int CallSummaryModel::rowOf(const QString &crn) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).kind == RowKind::Call && m_rows.at(row).summary.crn == crn)
            return row;
    }
    return -1;
}

int CallSummaryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int CallSummaryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CallSummaryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};

    const Row &row = m_rows.at(index.row());
    if (role == RowKindRole)
        return QVariant::fromValue(row.kind);
    if (row.kind != RowKind::Call)
        return missingData(row, index.column(), role);

    const CallSummary &summary = row.summary;
    switch (role) {
    case Qt::DisplayRole:
        return display(row, index.column());
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
    case CallerRole:
        return CallText::caller(summary);
    default:
        return {};
    }
}

// A reference from a pasted list that names no call: its row says so, and has no call to open.
QVariant CallSummaryModel::missingData(const Row &row, int column, int role) const
{
    const QString text = row.kind == RowKind::NotFound ? tr("not found: %1").arg(row.reference)
                                                       : tr("not available: %1").arg(row.reference);
    switch (role) {
    case Qt::DisplayRole:
        return column == CrnColumn ? QVariant(text) : QVariant();
    case Qt::AccessibleTextRole:
        return text;
    case Qt::ToolTipRole:
        return row.kind == RowKind::NotFound
            ? tr("The server knows no call with the reference %1.").arg(row.reference)
            : row.problem;
    case Qt::FontRole: {
        QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
        font.setItalic(true);
        return font;
    }
    case ReferenceRole:
        return row.reference;
    case CrnRole:
        return QString();
    default:
        return {};
    }
}

QVariant CallSummaryModel::display(const Row &row, int column) const
{
    const CallSummary &summary = row.summary;
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
    names.insert(RowKindRole, "rowKind");
    names.insert(ReferenceRole, "reference");
    names.insert(CallerRole, "caller");
    return names;
}
