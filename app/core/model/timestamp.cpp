#include "timestamp.h"

#include <QDateTime>
#include <QRegularExpression>

namespace {

constexpr qint64 kMicrosPerSecond = 1000000;

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
    if (!isValid())
        return {};

    // Floor division, so that times before 1970 still get a fraction in [0, 1 s).
    qint64 seconds = m_us / kMicrosPerSecond;
    qint64 micros = m_us % kMicrosPerSecond;
    if (micros < 0) {
        micros += kMicrosPerSecond;
        --seconds;
    }

    QString text = QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC)
                       .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
    if (micros % 1000 != 0)
        text += u'.' + QString::number(micros).rightJustified(6, u'0');
    else if (micros != 0)
        text += u'.' + QString::number(micros / 1000).rightJustified(3, u'0');
    return text + u'Z';
}
