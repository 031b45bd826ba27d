#pragma once

#include "model/call.h"
#include "waveformpeaks.h"

#include <QHash>
#include <QWidget>

#include <optional>

// What happened to each participant of a call, on one time axis.
//
// One lane per participant (caller first, then IVRs, queues, agents, other parties), coloured
// segments per SegmentKind with a pattern and a name where colour alone could mislead, ▲ for
// transfers, ✕ for hangups and a tick for every other event on the lane of the event's
// participant. The axis counts seconds or minutes since the call's start.
//
// When the call has recordings, a last lane, "Recording", shows the spans each recording
// covers (with its waveform once setPeaks hands it over) and hatches the spans of the call that
// no recording covers as "not recorded", so that they are never taken for lost audio. A
// recording with a problem (missing, empty, truncated, a codec the console cannot play) is
// drawn crossed out in red, its sentence in the tooltip. Overlapping recordings share the lane
// in rows.
//
// One event can be current: it is drawn as a highlight line. A click selects the event under
// the mouse, the event that began the clicked segment, or the lane's nearest event in time;
// Left/Right/Home/End move between events, Enter asks to play the current one. A click also
// asks to play: from the clicked event, from the start of the clicked segment, or from the
// clicked moment anywhere else (playRequested). The playhead, set from outside while audio
// plays, is one dark line across every lane. Shift+drag on the recording lane selects a span
// (for an export); Escape or a plain click clears it. Every change of the current event, by the
// user or by setCurrentEvent, is reported once through currentEventChanged. Holds a copy of the
// call. UI thread.
class TimelineView : public QWidget
{
    Q_OBJECT
    Q_PROPERTY(int currentEvent READ currentEvent WRITE setCurrentEvent NOTIFY currentEventChanged)

public:
    // A stretch of call time, [start, end).
    struct Span
    {
        Timestamp start;
        Timestamp end;

        bool isValid() const { return start.isValid() && end.isValid() && start < end; }
        bool operator==(const Span &) const = default;
    };

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
    // The call time at x, clamped to the axis.
    Timestamp timeForX(qreal x) const;
    // The earliest and latest time the axis covers.
    Timestamp axisStart() const { return m_axisStart; }
    Timestamp axisEnd() const { return m_axisEnd; }

    // The event a click at pos selects, or -1 when there is none.
    int eventAt(const QPoint &pos) const;
    // The segment drawn at pos, or -1.
    int segmentAt(const QPoint &pos) const;
    // The text the tooltip shows at pos; empty where there is nothing to explain.
    QString toolTipAt(const QPoint &pos) const;
    // The moment a click at pos asks to play: the event's time on a marker, the segment's
    // start on a segment, else the time under the mouse. Invalid outside the plot area.
    Timestamp playTimeAt(const QPoint &pos) const;

    // The recording lane: present when the call has at least one recording.
    bool hasRecordingLane() const { return !m_call.recordings.isEmpty(); }
    QRectF recordingLaneArea() const;
    // Where the recording at index (in call().recordings) is drawn; empty when it cannot be
    // placed (no start time).
    QRectF recordingRect(int recording) const;
    // The recording drawn at pos, or -1.
    int recordingAt(const QPoint &pos) const;
    // The spans of the call, in time order, that no recording covers.
    const QList<Span> &unrecordedSpans() const { return m_unrecorded; }
    QRectF spanRect(const Span &span) const;
    // Whether the recording at index is drawn as a problem, and the sentence that says why.
    bool recordingHasProblem(int recording) const;
    QString recordingProblem(int recording) const;

    // The waveform drawn inside the recording with this id.
    void setPeaks(const QString &recordingId, const WaveformPeaks &peaks);
    bool hasPeaks(const QString &recordingId) const { return m_peaks.contains(recordingId); }
    // A problem the player found while loading a recording (an empty string clears it).
    void setRecordingProblem(const QString &recordingId, const QString &sentence);

    Timestamp playhead() const { return m_playhead; }
    // The span selected with Shift+drag on the recording lane; invalid when there is none.
    Span selectedSpan() const { return m_selectedSpan; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

public Q_SLOTS:
    // -1 clears the selection. Out-of-range indexes are ignored.
    void setCurrentEvent(int index);
    // Where the player is in call time; an invalid time hides the playhead.
    void setPlayhead(Timestamp time);
    void setSelectedSpan(const Span &span);
    void clearSelectedSpan() { setSelectedSpan({}); }

Q_SIGNALS:
    void currentEventChanged(int index);
    // The supervisor asked to hear the call from this moment.
    void playRequested(Timestamp time);
    // Shift+drag changed the selected span; an invalid span means none is selected.
    void selectedSpanChanged(const TimelineView::Span &span);

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
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
    void buildRecordingLane();
    void updateLabelWidth();
    void updateAccessibleDescription();

    int axisHeight() const;
    int laneHeight() const;
    int laneAtY(qreal y) const;
    int recordingLaneHeight() const;
    QRectF segmentRect(int segment) const;
    QPointF eventPoint(int event) const;
    int markerAt(const QPoint &pos) const;
    int nearestEvent(const QList<int> &candidates, Timestamp time) const;
    qint64 tickStep() const;
    QString recordingToolTipAt(const QPoint &pos) const;

    void paintAxis(QPainter &painter) const;
    void paintLanes(QPainter &painter) const;
    void paintSegments(QPainter &painter) const;
    void paintEvents(QPainter &painter) const;
    void paintCurrentEvent(QPainter &painter) const;
    void paintRecordingLane(QPainter &painter) const;
    void paintWaveform(QPainter &painter, const QRectF &box, Timestamp start,
                       const WaveformPeaks &peaks, const QColor &color) const;
    void paintSelectedSpan(QPainter &painter) const;
    void paintPlayhead(QPainter &painter) const;

    Call m_call;
    QList<Lane> m_lanes;
    QHash<QString, int> m_laneIndex;
    QList<int> m_eventLane; // lane of each event, -1 when its participant is unknown
    Timestamp m_axisStart;
    Timestamp m_axisEnd;
    int m_labelWidth = 120;
    int m_currentEvent = -1;

    QList<int> m_recordingRow; // the row of the recording lane each recording is drawn in
    int m_recordingRows = 1;
    QList<Span> m_unrecorded;
    QHash<QString, WaveformPeaks> m_peaks;
    QHash<QString, QString> m_playerProblems;
    Timestamp m_playhead;
    Span m_selectedSpan;
    std::optional<Timestamp> m_dragAnchor; // while Shift+dragging on the recording lane
};

Q_DECLARE_METATYPE(TimelineView::Span)
