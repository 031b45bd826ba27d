#pragma once

#include <QColor>
#include <QIcon>

// The console's few icons, drawn with QPainter so that they follow the palette and need no
// image plugin (Qt's SVG plugin is not a dependency). The application icon matches
// resources/icons/crn-console.svg, which the desktop file uses. UI thread.
class Icons
{
public:
    enum class Symbol { Information, Warning, Error };

    // The window's icon: three timeline bars on a blue tile.
    static QIcon application();
    // Two overlapping sheets, in color.
    static QIcon copy(const QColor &color);
    // A round or triangular sign with a mark in it, for message banners.
    static QIcon symbol(Symbol symbol, const QColor &color);
    // A cross for closing a message, in color.
    static QIcon close(const QColor &color);
};
