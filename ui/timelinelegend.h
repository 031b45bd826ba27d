#pragma once

#include <QWidget>

// The key to the timeline: a swatch with its pattern for every segment kind, and the transfer,
// hangup and event marks. Items wrap onto more rows when the widget is narrow. UI thread.
class TimelineLegend : public QWidget
{
    Q_OBJECT

public:
    explicit TimelineLegend(QWidget *parent = nullptr);

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    enum class Mark { Segment, Transfer, Hangup, Tick };
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
};
