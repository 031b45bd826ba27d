#pragma once

#include "model/call.h"

#include <QHash>
#include <QWidget>

// What happened to each participant of a call, on one time axis.
//
// One lane per participant (caller first, then IVRs, queues, agents, other parties), coloured
// segments per SegmentKind with a pattern and a name where colour alone could mislead, ▲ for
// transfers, ✕ for hangups and a tick for every other event on the lane of the event's
// participant. The axis counts seconds or minutes since the call's start.
//
// One event can be current: it is drawn as a highlight line. A click selects the event under
// the mouse, the event that began the clicked segment, or the lane's nearest event in time;
// Left/Right/Home/End move between events. Every change of the current event, by the user or
// by setCurrentEvent, is reported once through currentEventChanged. Holds a copy of the call.
// UI thread.
class TimelineView : public QWidget
{
    Q_OBJECT
    Q_PROPERTY(int currentEvent READ currentEvent WRITE setCurrentEvent NOTIFY currentEventChanged)

public:
    explicit TimelineView(QWidget *parent = nullptr);
    ~TimelineView() override;

    void setCall(const Call &call);
    const Call &call() const { return m_call; }
    int currentEvent() const { return m_currentEvent; }

    int laneCount() const { return int(m_lanes.size()); }
    int laneOf(const QString &participantId) const { return m_laneIndex.value(participantId, -1); }
    QString laneLabel(int lane) const;

    // The rectangle the call's time span maps onto: from the earliest to the latest time of the
    // call at its left and right edges, all lanes from its top to its bottom.
    QRectF plotArea() const;
    // The band of one lane inside plotArea.
    QRectF laneArea(int lane) const;
    qreal xForTime(Timestamp time) const;
    // The earliest and latest time the axis covers.
    Timestamp axisStart() const { return m_axisStart; }
    Timestamp axisEnd() const { return m_axisEnd; }

    // The event a click at pos selects, or -1 when there is none.
    int eventAt(const QPoint &pos) const;
    // The segment drawn at pos, or -1.
    int segmentAt(const QPoint &pos) const;
    // The text the tooltip shows at pos; empty where there is nothing to explain.
    QString toolTipAt(const QPoint &pos) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

public Q_SLOTS:
    // -1 clears the selection. Out-of-range indexes are ignored.
    void setCurrentEvent(int index);

Q_SIGNALS:
    void currentEventChanged(int index);

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    struct Lane
    {
        QString participantId;
        QString label;
        ParticipantRole role = ParticipantRole::External;
        QList<int> segments;
        QList<int> events;
    };

    void buildLanes();
    void updateLabelWidth();
    void updateAccessibleDescription();

    int axisHeight() const;
    int laneHeight() const;
    int laneAtY(qreal y) const;
    QRectF segmentRect(int segment) const;
    QPointF eventPoint(int event) const;
    int markerAt(const QPoint &pos) const;
    int nearestEvent(const QList<int> &candidates, Timestamp time) const;
    qint64 tickStep() const;

    void paintAxis(QPainter &painter) const;
    void paintLanes(QPainter &painter) const;
    void paintSegments(QPainter &painter) const;
    void paintEvents(QPainter &painter) const;
    void paintCurrentEvent(QPainter &painter) const;

    Call m_call;
    QList<Lane> m_lanes;
    QHash<QString, int> m_laneIndex;
    QList<int> m_eventLane; // lane of each event, -1 when its participant is unknown
    Timestamp m_axisStart;
    Timestamp m_axisEnd;
    int m_labelWidth = 120;
    int m_currentEvent = -1;
};
