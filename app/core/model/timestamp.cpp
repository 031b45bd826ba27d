#include "timestamp.h"

#include <QDateTime>
#include <QRegularExpression>

#include <algorithm>
#include <cstring>

namespace {

constexpr qint64 kMicrosPerSecond = 1000000;
constexpr qint64 kSecondsPerDay = 86400;

struct CivilDate
{
    qint64 year;
    int month; // 1 to 12
    int day; // 1 to 31
};

// The proleptic Gregorian date of a day counted from 1970-01-01, after Howard Hinnant's
// days_from_civil inverse: eras of 400 years, each 146097 days, years starting in March so
// that the leap day is the last of its year.
CivilDate civilFromDays(qint64 days)
{
    const qint64 z = days + 719468; // days since 0000-03-01
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const qint64 dayOfEra = z - era * 146097; // [0, 146096]
    const qint64 yearOfEra
        = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365; // [0, 399]
    const qint64 dayOfYear
        = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100); // [0, 365]
    const qint64 monthFromMarch = (5 * dayOfYear + 2) / 153; // [0, 11]
    const int day = int(dayOfYear - (153 * monthFromMarch + 2) / 5 + 1);
    const int month = int(monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9);
    const qint64 year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    return { year, month, day };
}

// Writes value (not negative) zero-padded to exactly width digits.
char *writeDigits(char *out, qint64 value, int width)
{
    for (int i = width - 1; i >= 0; --i) {
        out[i] = char('0' + value % 10);
        value /= 10;
    }
    return out + width;
}

// Pads or cuts a fraction of a second written with any number of digits to microseconds.
qint64 fractionToMicroseconds(QStringView digits)
{
    QString padded = digits.left(6).toString();
    while (padded.size() < 6)
        padded.append(QLatin1Char('0'));
    return padded.toLongLong();
}

} // namespace

Timestamp Timestamp::fromDateTime(const QDateTime &dateTime)
{
    if (!dateTime.isValid())
        return {};
    return Timestamp(dateTime.toMSecsSinceEpoch() * 1000);
}

std::optional<Timestamp> Timestamp::parseIso(QStringView text)
{
    static const QRegularExpression pattern(
        QStringLiteral(R"(^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?)"
                       R"(\s*(Z|[+-]\d{2}(?::?\d{2})?)?$)"));

    const auto match = pattern.match(text.trimmed());
    if (!match.hasMatch())
        return std::nullopt;

    const QDate date(match.capturedView(1).toInt(), match.capturedView(2).toInt(),
                     match.capturedView(3).toInt());
    const QTime time(match.capturedView(4).toInt(), match.capturedView(5).toInt(),
                     match.capturedView(6).toInt());
    if (!date.isValid() || !time.isValid())
        return std::nullopt;

    qint64 offsetSeconds = 0;
    const QStringView zone = match.capturedView(8);
    if (!zone.isEmpty() && zone != u"Z") {
        const int sign = zone.front() == u'-' ? -1 : 1;
        const QString digits = zone.mid(1).toString().remove(QLatin1Char(':'));
        const int hours = digits.left(2).toInt();
        const int minutes = digits.size() >= 4 ? digits.mid(2, 2).toInt() : 0;
        if (hours > 23 || minutes > 59)
            return std::nullopt;
        offsetSeconds = sign * (hours * 3600 + minutes * 60);
    }

    const QDateTime utc(date, time, Qt::UTC);
    const qint64 seconds = utc.toSecsSinceEpoch() - offsetSeconds;
    return Timestamp(seconds * kMicrosPerSecond + fractionToMicroseconds(match.capturedView(7)));
}

std::optional<Timestamp> Timestamp::parseEpoch(QStringView text)
{
    static const QRegularExpression pattern(QStringLiteral(R"(^(\d{1,12})(?:\.(\d{1,9}))?$)"));

    const auto match = pattern.match(text.trimmed());
    if (!match.hasMatch())
        return std::nullopt;
    const qint64 seconds = match.capturedView(1).toLongLong();
    if (seconds > kLatestSecondsSinceEpoch)
        return std::nullopt;
    return Timestamp(seconds * kMicrosPerSecond + fractionToMicroseconds(match.capturedView(2)));
}

QDateTime Timestamp::toDateTime() const
{
    if (!isValid())
        return {};
    return QDateTime::fromMSecsSinceEpoch(m_us / 1000, Qt::UTC);
}

QString Timestamp::toIso() const
{
    char text[kMaxIsoLength];
    return QString::fromLatin1(text, writeIso(text));
}

qsizetype Timestamp::writeIso(char *out) const
{
    if (!isValid())
        return 0;

    // Floor division, so that times before 1970 still get a fraction in [0, 1 s).
    qint64 seconds = m_us / kMicrosPerSecond;
    qint64 micros = m_us % kMicrosPerSecond;
    if (micros < 0) {
        micros += kMicrosPerSecond;
        --seconds;
    }
    qint64 days = seconds / kSecondsPerDay;
    qint64 secondOfDay = seconds % kSecondsPerDay;
    if (secondOfDay < 0) {
        secondOfDay += kSecondsPerDay;
        --days;
    }

    char *p = out;
    const CivilDate date = civilFromDays(days);
    if (date.year >= 0 && date.year <= 9999) {
        // Formatting by hand: QDateTime::toString cost a tenth of an import's time.
        p = writeDigits(p, date.year, 4);
        *p++ = '-';
        p = writeDigits(p, date.month, 2);
        *p++ = '-';
        p = writeDigits(p, date.day, 2);
        *p++ = 'T';
        p = writeDigits(p, secondOfDay / 3600, 2);
        *p++ = ':';
        p = writeDigits(p, secondOfDay / 60 % 60, 2);
        *p++ = ':';
        p = writeDigits(p, secondOfDay % 60, 2);
    } else {
        // Years QDateTime writes in its own way (signs, more digits): leave those to it.
        const QByteArray text = QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC)
                                    .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"))
                                    .toLatin1();
        const qsizetype length = std::min<qsizetype>(text.size(), kMaxIsoLength - 9);
        memcpy(p, text.constData(), size_t(length));
        p += length;
    }

    if (micros % 1000 != 0) {
        *p++ = '.';
        p = writeDigits(p, micros, 6);
    } else if (micros != 0) {
        *p++ = '.';
        p = writeDigits(p, micros / 1000, 3);
    }
    *p++ = 'Z';
    return p - out;
}
