#pragma once

#include "model/timestamp.h"

#include <QCoreApplication>
#include <QString>

class QDateTime;

// How times and durations are written on the call screen. Wall-clock times are shown in the
// supervisor's local time, with UTC kept for tooltips; times inside a call are offsets since
// its start. Numbers follow the default QLocale. Stateless; any thread.
class TimeText
{
    Q_DECLARE_TR_FUNCTIONS(TimeText)

public:
    enum class Precision { Seconds, Milliseconds };

    // "23.4 s" under a minute, "9 min 18 s" under an hour, "2 h 5 min" beyond.
    static QString duration(qint64 microseconds);
    // "+5.2 s", "+9 min 18.4 s": an offset since the start of the call, to a tenth of a second.
    static QString offset(qint64 microseconds);

    // "Wed 6 Sep 2023 20:07:22" in local time.
    static QString localDateTime(Timestamp time);
    // "20:07:22" or "20:07:22.626" in local time.
    static QString localTime(Timestamp time, Precision precision = Precision::Seconds);
    // "2023-09-06 18:07:22.626751 UTC": exact, for tooltips.
    static QString utc(Timestamp time);

    // "just now", "5 min ago", "3 h ago", "2 days ago".
    static QString age(const QDateTime &then, const QDateTime &now);
    // "14:32" when then is today, "6 Sep 14:32" otherwise.
    static QString clock(const QDateTime &then, const QDateTime &now);

    // A label for a tick of the timeline's axis, at offset microseconds from the call's start,
    // where ticks are step microseconds apart: "0", "2.5 s", "5 s" for fine steps, "0:30",
    // "1:30" for steps of ten seconds or more.
    static QString axisLabel(qint64 microseconds, qint64 step);
};
