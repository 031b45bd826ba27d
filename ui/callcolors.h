#pragma once

#include "model/call.h"

#include <QBrush>
#include <QColor>

class QPalette;

// The colours and fill patterns that mean something on the call screen: segment kinds, call
// outcomes and participant roles.
//
// Hues come from the Okabe-Ito set, which stays distinguishable for the common kinds of colour
// blindness, and are mid-tone so that they read on light and dark palettes alike. Kinds that a
// colour alone could confuse also get a pattern (hold is hatched, ringing dotted, wrap-up
// crossed), and every segment wide enough carries its name as text. Stateless; any thread.
class CallColors
{
public:
    static QColor segment(SegmentKind kind);
    // The pattern drawn over the segment's colour, or Qt::NoBrush.
    static Qt::BrushStyle segmentPattern(SegmentKind kind);
    static QColor outcome(CallOutcome outcome);
    static QColor role(ParticipantRole role);

    // Black or white, whichever reads better on background.
    static QColor textOn(const QColor &background);
    // A colour for the pattern lines over background: darker on light fills, lighter on dark.
    static QColor patternOn(const QColor &background);
    // background blended into the palette's base colour; used for banners and selection glows.
    static QColor tint(const QPalette &palette, const QColor &color, qreal amount);
};
