#pragma once

#include "model/call.h"

#include <QWidget>

class CallHeaderView;
class EventTableModel;
class QLabel;
class QScrollArea;
class QSplitter;
class QTableView;
class TimelineLegend;
class TimelineView;

// One call on screen: the header, the timeline with its legend, and the event table. The
// timeline and the table share one current event: a click on the timeline selects and reveals
// the table's row, and a row picked in the table moves the timeline's highlight.
//
// setCall keeps the selected event when it is given a newer copy of the call already shown
// (a cached copy followed by the server's). UI thread.
class CallView : public QWidget
{
    Q_OBJECT

public:
    explicit CallView(QWidget *parent = nullptr);

    void setCall(const Call &call);
    const Call &call() const;
    int currentEvent() const;

    CallHeaderView *header() const { return m_header; }
    TimelineView *timeline() const { return m_timeline; }
    QTableView *eventTable() const { return m_table; }
    EventTableModel *eventModel() const { return m_events; }

public Q_SLOTS:
    void selectEvent(int index);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void showEventInTable(int index);
    void fitTimeline();
    void resizeColumns();

    CallHeaderView *m_header;
    TimelineView *m_timeline;
    TimelineLegend *m_legend;
    QScrollArea *m_timelineScroll;
    EventTableModel *m_events;
    QTableView *m_table;
    QLabel *m_eventsTitle;
    QWidget *m_timelinePane = nullptr;
    QSplitter *m_splitter = nullptr;
};
