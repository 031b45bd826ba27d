#pragma once

#include <QString>
#include <QStringView>

#include <compare>
#include <limits>
#include <optional>

class QDateTime;

// A point in time in UTC, kept to the microsecond.
//
// QDateTime stops at milliseconds, and Asterisk CEL records microseconds; two events a few
// microseconds apart must keep their order, so the whole code base uses this type for event
// times and converts to QDateTime only to show a time to a person.
class Timestamp
{
public:
    // 9999-12-31T23:59:59Z: ISO 8601 with four-digit years ends there, and so do the times
    // this type accepts, so that every accepted time can be written back.
    static constexpr qint64 kLatestSecondsSinceEpoch = Q_INT64_C(253402300799);

    constexpr Timestamp() = default;
    static constexpr Timestamp fromMicroseconds(qint64 us) { return Timestamp(us); }
    static Timestamp fromDateTime(const QDateTime &dateTime);

    // Parses ISO 8601 with a 'T' or a space, an optional fraction of up to 9 digits and an
    // optional zone ("Z", "+00", "+02:00"). A time without a zone is read as UTC.
    static std::optional<Timestamp> parseIso(QStringView text);
    // Parses "1335310195.513823": seconds since the epoch with an optional fraction.
    static std::optional<Timestamp> parseEpoch(QStringView text);

    constexpr bool isValid() const { return m_us != kInvalid; }
    constexpr qint64 microseconds() const { return m_us; }
    QDateTime toDateTime() const;

    // "2023-09-06T18:07:22.626751Z"; the fraction keeps only the digits the value needs.
    QString toIso() const;
    // The same text as toIso(), as Latin-1 bytes written to out, which must have room for
    // kMaxIsoLength bytes; returns how many were written (0 for an invalid time). Allocates
    // nothing for years 0 to 9999, so writers of many times (the JSON of a call) can use it.
    static constexpr qsizetype kMaxIsoLength = 48;
    qsizetype writeIso(char *out) const;

    constexpr auto operator<=>(const Timestamp &) const = default;
    constexpr qint64 operator-(const Timestamp &other) const { return m_us - other.m_us; }
    constexpr Timestamp addMicroseconds(qint64 us) const { return Timestamp(m_us + us); }

private:
    static constexpr qint64 kInvalid = std::numeric_limits<qint64>::min();
    constexpr explicit Timestamp(qint64 us)
        : m_us(us)
    { }

    qint64 m_us = kInvalid;
};
