#include "icons.h"

#include <QGuiApplication>
#include <QPainter>
#include <QPainterPath>

#include <functional>

namespace {

using Painter = std::function<void(QPainter &, qreal size)>;

// Draws the same picture at the sizes toolbars, banners and window managers ask for, in a
// 0..size coordinate system, sharp on high-density screens.
QIcon drawnIcon(const Painter &paint)
{
    QIcon icon;
    const qreal ratio = qGuiApp ? qGuiApp->devicePixelRatio() : 1.0;
    for (const int size : { 16, 20, 24, 32, 48, 64, 128, 256 }) {
        QPixmap pixmap(QSize(size, size) * ratio);
        pixmap.setDevicePixelRatio(ratio);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing, true);
        paint(painter, qreal(size));
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

} // namespace

QIcon Icons::application()
{
    return drawnIcon([](QPainter &painter, qreal size) {
        // Units of a 64-unit grid, as in crn-console.svg.
        painter.scale(size / 64.0, size / 64.0);
        painter.setPen(Qt::NoPen);
        painter.setBrush(QColor(0x00, 0x72, 0xb2));
        painter.drawRoundedRect(QRectF(2, 2, 60, 60), 12, 12);
        painter.setBrush(QColor(0xe6, 0x9f, 0x00));
        painter.drawRoundedRect(QRectF(12, 14, 22, 8), 3, 3);
        painter.setBrush(QColor(0x56, 0xb4, 0xe9));
        painter.drawRoundedRect(QRectF(24, 28, 14, 8), 3, 3);
        painter.setBrush(QColor(0x00, 0x9e, 0x73));
        painter.drawRoundedRect(QRectF(32, 42, 22, 8), 3, 3);
        painter.setPen(QPen(Qt::white, 3, Qt::SolidLine, Qt::RoundCap));
        painter.drawLine(QPointF(12, 55), QPointF(54, 55));
    });
}

QIcon Icons::copy(const QColor &color)
{
    return drawnIcon([color](QPainter &painter, qreal size) {
        const qreal unit = size / 16.0;
        const QRectF back(2.5 * unit, 1.5 * unit, 8 * unit, 9.5 * unit);
        const QRectF front(5.5 * unit, 5 * unit, 8 * unit, 9.5 * unit);
        painter.setPen(QPen(color, qMax(1.0, 1.3 * unit)));
        painter.setBrush(Qt::NoBrush);

        // The back sheet shows only where the front one does not cover it.
        QPainterPath visible;
        visible.addRect(QRectF(0, 0, size, size));
        QPainterPath covered;
        covered.addRect(front.adjusted(-1.5 * unit, -1.5 * unit, 0, 0));
        painter.setClipPath(visible.subtracted(covered));
        painter.drawRoundedRect(back, 1.2 * unit, 1.2 * unit);
        painter.setClipping(false);

        painter.drawRoundedRect(front, 1.2 * unit, 1.2 * unit);
    });
}

QIcon Icons::symbol(Symbol symbol, const QColor &color)
{
    return drawnIcon([symbol, color](QPainter &painter, qreal size) {
        const qreal unit = size / 16.0;
        painter.setPen(Qt::NoPen);
        painter.setBrush(color);
        if (symbol == Symbol::Warning) {
            QPainterPath triangle;
            triangle.moveTo(8 * unit, 1 * unit);
            triangle.lineTo(15.5 * unit, 14.5 * unit);
            triangle.lineTo(0.5 * unit, 14.5 * unit);
            triangle.closeSubpath();
            painter.drawPath(triangle);
        } else {
            painter.drawEllipse(QRectF(0.5 * unit, 0.5 * unit, 15 * unit, 15 * unit));
        }

        const QColor mark = symbol == Symbol::Warning ? QColor(Qt::black) : QColor(Qt::white);
        painter.setPen(QPen(mark, 1.8 * unit, Qt::SolidLine, Qt::RoundCap));
        switch (symbol) {
        case Symbol::Information:
            painter.drawLine(QPointF(8 * unit, 7 * unit), QPointF(8 * unit, 12 * unit));
            painter.drawPoint(QPointF(8 * unit, 4.3 * unit));
            break;
        case Symbol::Warning:
            painter.drawLine(QPointF(8 * unit, 5.5 * unit), QPointF(8 * unit, 9.5 * unit));
            painter.drawPoint(QPointF(8 * unit, 12.3 * unit));
            break;
        case Symbol::Error:
            painter.drawLine(QPointF(5 * unit, 5 * unit), QPointF(11 * unit, 11 * unit));
            painter.drawLine(QPointF(5 * unit, 11 * unit), QPointF(11 * unit, 5 * unit));
            break;
        }
    });
}

QIcon Icons::close(const QColor &color)
{
    return drawnIcon([color](QPainter &painter, qreal size) {
        const qreal unit = size / 16.0;
        painter.setPen(QPen(color, 1.6 * unit, Qt::SolidLine, Qt::RoundCap));
        painter.drawLine(QPointF(4 * unit, 4 * unit), QPointF(12 * unit, 12 * unit));
        painter.drawLine(QPointF(4 * unit, 12 * unit), QPointF(12 * unit, 4 * unit));
    });
}
