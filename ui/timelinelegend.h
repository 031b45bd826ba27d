#pragma once

#include <QWidget>

// The key to the timeline: a swatch with its pattern for every segment kind, and the transfer,
// hangup and event marks; for a call with recordings also the recording lane's marks (recorded,
// not recorded, a recording with a problem) and the playhead. Items wrap onto more rows when
// the widget is narrow. UI thread.
class TimelineLegend : public QWidget
{
    Q_OBJECT

public:
    explicit TimelineLegend(QWidget *parent = nullptr);

    // Whether the recording lane's marks are explained too.
    void setShowsRecordings(bool shows);
    bool showsRecordings() const { return m_showsRecordings; }
    // The words of the items shown, in order.
    QStringList itemTexts() const;

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    enum class Mark { Segment, Transfer, Hangup, Tick, Recorded, NotRecorded, Problem, Playhead };
    struct Item
    {
        Mark mark;
        int kind; // a SegmentKind for Mark::Segment
        QString text;
    };

    QList<Item> items() const;
    int itemWidth(const Item &item) const;
    // Lays items out for width and returns their boxes.
    QList<QRect> layout(int width) const;
    void paintMark(QPainter &painter, const Item &item, const QRect &box) const;
    void updateAccessibleDescription();

    bool m_showsRecordings = false;
};
