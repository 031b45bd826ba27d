#include "callview.h"

#include "callheaderview.h"
#include "eventtablemodel.h"
#include "timelinelegend.h"
#include "timelineview.h"

#include <QFrame>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QScrollArea>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace {

QLabel *sectionTitle(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont bold = label->font();
    bold.setBold(true);
    label->setFont(bold);
    return label;
}

} // namespace

CallView::CallView(QWidget *parent)
    : QWidget(parent)
    , m_header(new CallHeaderView(this))
    , m_timeline(new TimelineView)
    , m_legend(new TimelineLegend)
    , m_timelineScroll(new QScrollArea)
    , m_events(new EventTableModel(this))
    , m_table(new QTableView)
    , m_eventsTitle(nullptr)
{
    m_timeline->setObjectName(QStringLiteral("timeline"));
    m_timelineScroll->setWidget(m_timeline);
    m_timelineScroll->setWidgetResizable(true);
    m_timelineScroll->setFrameShape(QFrame::StyledPanel);
    m_timelineScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_timelineScroll->setFocusPolicy(Qt::NoFocus);

    auto *timelinePane = new QWidget;
    auto *timelineLayout = new QVBoxLayout(timelinePane);
    timelineLayout->setContentsMargins(0, 0, 0, 0);
    timelineLayout->setSpacing(4);
    timelineLayout->addWidget(sectionTitle(tr("Timeline"), timelinePane));
    timelineLayout->addWidget(m_timelineScroll, 1);
    timelineLayout->addWidget(m_legend);

    m_table->setObjectName(QStringLiteral("eventTable"));
    m_table->setModel(m_events);
    m_table->setAccessibleName(tr("Events of the call"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setHighlightSections(false);

    auto *eventsPane = new QWidget;
    auto *eventsLayout = new QVBoxLayout(eventsPane);
    eventsLayout->setContentsMargins(0, 0, 0, 0);
    eventsLayout->setSpacing(4);
    m_eventsTitle = sectionTitle(tr("Events"), eventsPane);
    eventsLayout->addWidget(m_eventsTitle);
    eventsLayout->addWidget(m_table, 1);

    m_timelinePane = timelinePane;
    m_splitter = new QSplitter(Qt::Vertical, this);
    auto *splitter = m_splitter;
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(timelinePane);
    splitter->addWidget(eventsPane);
    // The timeline takes the height its lanes need; the event list gets the rest.
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);

    auto *rule = new QFrame(this);
    rule->setFrameShape(QFrame::HLine);
    rule->setFrameShadow(QFrame::Sunken);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addWidget(m_header);
    layout->addWidget(rule);
    layout->addWidget(splitter, 1);

    // One current event for both views; each side ignores a change to what it already shows,
    // so the two connections cannot ping-pong.
    connect(m_timeline, &TimelineView::currentEventChanged, this, &CallView::showEventInTable);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                m_timeline->setCurrentEvent(current.isValid() ? current.row() : -1);
            });
}

void CallView::setCall(const Call &call)
{
    // A newer copy of the same call keeps the event the supervisor was looking at.
    const bool sameCall = call.crn() == m_timeline->call().crn()
        && call.events.size() == m_timeline->call().events.size();
    const int keep = sameCall ? m_timeline->currentEvent() : -1;

    m_header->setCall(call);
    m_events->setCall(call);
    m_timeline->setCall(call);
    m_eventsTitle->setText(tr("Events (%1)").arg(call.events.size()));
    resizeColumns();

    if (keep >= 0)
        selectEvent(keep);
    else
        fitTimeline();
}

void CallView::fitTimeline()
{
    // The lanes get the height they ask for, up to 60 % of the space; the table the rest.
    const int total = m_splitter->height();
    if (total <= 0)
        return;
    // Only the lanes there are: empty bands would push the event list down for nothing. The
    // pane's title, legend and frames keep the height they have now.
    const int around = m_timelinePane->height() - m_timelineScroll->viewport()->height();
    const int wanted = qMin(around + m_timeline->minimumSizeHint().height(), total * 3 / 5);
    m_splitter->setSizes({ wanted, total - wanted });
}

void CallView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    QTimer::singleShot(0, this, &CallView::fitTimeline);
}

const Call &CallView::call() const
{
    return m_timeline->call();
}

int CallView::currentEvent() const
{
    return m_timeline->currentEvent();
}

void CallView::selectEvent(int index)
{
    m_timeline->setCurrentEvent(index);
}

void CallView::showEventInTable(int index)
{
    QItemSelectionModel *selection = m_table->selectionModel();
    if (index < 0) {
        selection->clear();
        return;
    }
    const QModelIndex row = m_events->index(index, 0);
    if (selection->currentIndex().row() != index || !selection->isRowSelected(index)) {
        selection->setCurrentIndex(row,
                                   QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
    m_table->scrollTo(row, QAbstractItemView::EnsureVisible);
}

void CallView::resizeColumns()
{
    QHeaderView *header = m_table->horizontalHeader();
    for (const int column : { EventTableModel::TimeColumn, EventTableModel::OffsetColumn,
                              EventTableModel::ParticipantColumn, EventTableModel::EventColumn,
                              EventTableModel::LegColumn }) {
        m_table->resizeColumnToContents(column);
        // A very long channel name or sentence must not push the details out of sight.
        header->resizeSection(column, qMin(header->sectionSize(column), 320));
    }
}
