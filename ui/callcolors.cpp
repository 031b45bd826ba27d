#include "callcolors.h"

#include <QPalette>

#include <cmath>

namespace {

// Okabe & Ito, "Color Universal Design" (2008).
constexpr QRgb kOrange = 0xffe69f00;
constexpr QRgb kSkyBlue = 0xff56b4e9;
constexpr QRgb kBluishGreen = 0xff009e73;
constexpr QRgb kBlue = 0xff0072b2;
constexpr QRgb kVermillion = 0xffd55e00;
constexpr QRgb kReddishPurple = 0xffcc79a7;
constexpr QRgb kGrey = 0xff9a9a9a;
constexpr QRgb kRed = 0xffc0392b;

} // namespace

QColor CallColors::segment(SegmentKind kind)
{
    switch (kind) {
    case SegmentKind::Ivr:
        return QColor::fromRgb(kReddishPurple);
    case SegmentKind::Queue:
        return QColor::fromRgb(kOrange);
    case SegmentKind::Ringing:
        return QColor::fromRgb(kSkyBlue);
    case SegmentKind::Talk:
        return QColor::fromRgb(kBluishGreen);
    case SegmentKind::Hold:
        return QColor::fromRgb(kVermillion);
    case SegmentKind::Conference:
        return QColor::fromRgb(kBlue);
    case SegmentKind::WrapUp:
        return QColor::fromRgb(kGrey);
    }
    return QColor::fromRgb(kGrey);
}

Qt::BrushStyle CallColors::segmentPattern(SegmentKind kind)
{
    switch (kind) {
    case SegmentKind::Hold:
        return Qt::BDiagPattern;
    case SegmentKind::Ringing:
        return Qt::Dense6Pattern;
    case SegmentKind::WrapUp:
        return Qt::DiagCrossPattern;
    case SegmentKind::Ivr:
    case SegmentKind::Queue:
    case SegmentKind::Talk:
    case SegmentKind::Conference:
        break;
    }
    return Qt::NoBrush;
}

QColor CallColors::outcome(CallOutcome outcome)
{
    switch (outcome) {
    case CallOutcome::Answered:
        return QColor::fromRgb(kBluishGreen);
    case CallOutcome::Transferred:
        return QColor::fromRgb(kBlue);
    case CallOutcome::Abandoned:
        return QColor::fromRgb(kVermillion);
    case CallOutcome::NoAnswer:
    case CallOutcome::Busy:
        return QColor::fromRgb(kOrange);
    case CallOutcome::Failed:
        return QColor::fromRgb(kRed);
    case CallOutcome::Unknown:
        break;
    }
    return QColor::fromRgb(kGrey);
}

QColor CallColors::role(ParticipantRole role)
{
    switch (role) {
    case ParticipantRole::Caller:
        return QColor::fromRgb(kBlue);
    case ParticipantRole::Ivr:
        return QColor::fromRgb(kReddishPurple);
    case ParticipantRole::Queue:
        return QColor::fromRgb(kOrange);
    case ParticipantRole::Agent:
        return QColor::fromRgb(kBluishGreen);
    case ParticipantRole::External:
        break;
    }
    return QColor::fromRgb(kGrey);
}

QColor CallColors::textOn(const QColor &background)
{
    // WCAG relative luminance; black wins the contrast ratio above about 0.18.
    const auto linear = [](float c) {
        return c <= 0.04045f ? c / 12.92f : std::pow((c + 0.055f) / 1.055f, 2.4f);
    };
    const float luminance = 0.2126f * linear(background.redF())
        + 0.7152f * linear(background.greenF()) + 0.0722f * linear(background.blueF());
    return luminance > 0.179f ? QColor(Qt::black) : QColor(Qt::white);
}

QColor CallColors::patternOn(const QColor &background)
{
    return textOn(background) == QColor(Qt::black) ? background.darker(170)
                                                   : background.lighter(170);
}

QColor CallColors::tint(const QPalette &palette, const QColor &color, qreal amount)
{
    const QColor base = palette.color(QPalette::Base);
    const auto mix = [amount](qreal a, qreal b) {
        return a * (1.0 - amount) + b * amount;
    };
    return QColor::fromRgbF(float(mix(base.redF(), color.redF())),
                            float(mix(base.greenF(), color.greenF())),
                            float(mix(base.blueF(), color.blueF())));
}
