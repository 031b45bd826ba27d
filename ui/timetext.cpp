#include "timetext.h"

#include <QDateTime>
#include <QLocale>

namespace {

constexpr qint64 kSecond = 1000000;
constexpr qint64 kMinute = 60 * kSecond;
constexpr qint64 kHour = 60 * kMinute;

QString decimal(double value, int decimals)
{
    return QLocale().toString(value, 'f', decimals);
}

// Rounds to the nearest multiple of unit, halves away from zero, for non-negative values.
qint64 roundTo(qint64 value, qint64 unit)
{
    return (value + unit / 2) / unit;
}

} // namespace

QString TimeText::duration(qint64 microseconds)
{
    if (microseconds < 0)
        return u'\u2212' + duration(-microseconds);

    // The tenths are rounded first, so 59.96 s becomes "1 min" rather than "60.0 s".
    const qint64 tenths = roundTo(microseconds, kSecond / 10);
    if (tenths < 600)
        return tr("%1 s", "duration in seconds").arg(decimal(double(tenths) / 10.0, 1));

    const qint64 seconds = roundTo(microseconds, kSecond);
    if (seconds < 3600) {
        const qint64 minutes = seconds / 60;
        const qint64 rest = seconds % 60;
        if (rest == 0)
            return tr("%1 min", "duration in whole minutes").arg(minutes);
        return tr("%1 min %2 s", "duration in minutes and seconds").arg(minutes).arg(rest);
    }

    const qint64 minutes = roundTo(microseconds, kMinute);
    const qint64 hours = minutes / 60;
    if (minutes % 60 == 0)
        return tr("%1 h", "duration in whole hours").arg(hours);
    return tr("%1 h %2 min", "duration in hours and minutes").arg(hours).arg(minutes % 60);
}

QString TimeText::offset(qint64 microseconds)
{
    const QChar sign = microseconds < 0 ? QChar(u'\u2212') : QChar(u'+');
    const qint64 tenths = roundTo(qAbs(microseconds), kSecond / 10);
    if (tenths < 600) {
        return tr("%1%2 s", "offset since the call's start in seconds")
            .arg(sign)
            .arg(decimal(double(tenths) / 10.0, 1));
    }

    const qint64 minutes = tenths / 600;
    const double seconds = double(tenths % 600) / 10.0;
    if (minutes < 60) {
        return tr("%1%2 min %3 s", "offset since the call's start in minutes and seconds")
            .arg(sign)
            .arg(minutes)
            .arg(decimal(seconds, 1));
    }
    return tr("%1%2 h %3 min %4 s", "offset since the call's start")
        .arg(sign)
        .arg(minutes / 60)
        .arg(minutes % 60)
        .arg(decimal(seconds, 1));
}

QString TimeText::localDateTime(Timestamp time)
{
    if (!time.isValid())
        return tr("unknown");
    //: QDateTime format of a call's start and end in the call header
    const QString format = tr("ddd d MMM yyyy HH:mm:ss");
    return QLocale().toString(time.toDateTime().toLocalTime(), format);
}

QString TimeText::localTime(Timestamp time, Precision precision)
{
    if (!time.isValid())
        return tr("unknown");
    const QString format = precision == Precision::Milliseconds ? QStringLiteral("HH:mm:ss.zzz")
                                                                : QStringLiteral("HH:mm:ss");
    return QLocale().toString(time.toDateTime().toLocalTime(), format);
}

QString TimeText::utc(Timestamp time)
{
    if (!time.isValid())
        return tr("unknown");
    // toIso keeps every digit the record had; a space and "UTC" read better than 'T' and 'Z'.
    QString iso = time.toIso();
    iso.chop(1);
    iso.replace(10, 1, u' ');
    return tr("%1 UTC").arg(iso);
}

QString TimeText::age(const QDateTime &then, const QDateTime &now)
{
    const qint64 seconds = qMax<qint64>(0, then.secsTo(now));
    if (seconds < 60)
        return tr("just now");
    if (seconds < 3600)
        return tr("%n min ago", "", int(seconds / 60));
    if (seconds < 86400)
        return tr("%n h ago", "", int(seconds / 3600));
    return tr("%n day(s) ago", "", int(seconds / 86400));
}

QString TimeText::clock(const QDateTime &then, const QDateTime &now)
{
    const QDateTime local = then.toLocalTime();
    if (local.date() == now.toLocalTime().date())
        return QLocale().toString(local, QStringLiteral("HH:mm"));
    //: QDateTime format of a cached copy's time when it is not from today
    return QLocale().toString(local, tr("d MMM HH:mm"));
}

QString TimeText::axisLabel(qint64 microseconds, qint64 step)
{
    // Coarse steps read best as minutes:seconds, fine ones as seconds with the step's decimals.
    if (step >= 10 * kSecond) {
        const qint64 seconds = roundTo(microseconds, kSecond);
        if (seconds >= 3600) {
            return QStringLiteral("%1:%2:%3")
                .arg(seconds / 3600)
                .arg((seconds / 60) % 60, 2, 10, QLatin1Char('0'))
                .arg(seconds % 60, 2, 10, QLatin1Char('0'));
        }
        return QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    }

    if (microseconds == 0)
        return QStringLiteral("0");
    const int decimals = step % kSecond == 0 ? 0 : (step % (kSecond / 10) == 0 ? 1 : 2);
    return tr("%1 s", "axis tick in seconds")
        .arg(decimal(double(microseconds) / double(kSecond), decimals));
}
