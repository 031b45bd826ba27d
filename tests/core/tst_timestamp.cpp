#include "model/timestamp.h"

#include <QDateTime>
#include <QTest>

class TestTimestamp : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseIso_data();
    void parseIso();
    void parseEpoch_data();
    void parseEpoch();
    void toIsoKeepsOnlyNeededDigits();
    void toIsoCalendar_data();
    void toIsoCalendar();
};

void TestTimestamp::parseIso_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<qint64>("microseconds");

    // 2023-09-06T18:07:22Z is 1694023642 s after the epoch (the call's own linkedid says so).
    QTest::newRow("psql with zone")
        << u"2023-09-06 18:07:22.626751+00"_qs << true << Q_INT64_C(1694023642626751);
    QTest::newRow("five fraction digits")
        << u"2023-09-06 18:07:28.77778+00"_qs << true << Q_INT64_C(1694023648777780);
    QTest::newRow("T and Z") << u"2023-09-06T18:07:22Z"_qs << true << Q_INT64_C(1694023642000000);
    QTest::newRow("no zone is UTC")
        << u"2023-09-06 18:07:22"_qs << true << Q_INT64_C(1694023642000000);
    QTest::newRow("offset") << u"2023-09-06T20:07:22+02:00"_qs << true
                            << Q_INT64_C(1694023642000000);
    QTest::newRow("nanoseconds cut")
        << u"2023-09-06T18:07:22.123456789Z"_qs << true << Q_INT64_C(1694023642123456);
    QTest::newRow("upstream typo") << u"2013-04-13:12:08"_qs << false << Q_INT64_C(0);
    QTest::newRow("month 13") << u"2013-13-04 13:12:08"_qs << false << Q_INT64_C(0);
    QTest::newRow("empty") << QString() << false << Q_INT64_C(0);
}

void TestTimestamp::parseIso()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(qint64, microseconds);

    const auto parsed = Timestamp::parseIso(text);
    QCOMPARE(parsed.has_value(), valid);
    if (valid)
        QCOMPARE(parsed->microseconds(), microseconds);
}

void TestTimestamp::parseEpoch_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<qint64>("microseconds");

    QTest::newRow("cel_csv") << u"1335310195.513823"_qs << true << Q_INT64_C(1335310195513823);
    QTest::newRow("seconds") << u"1383900788"_qs << true << Q_INT64_C(1383900788000000);
    QTest::newRow("short fraction") << u"1335310195.5"_qs << true << Q_INT64_C(1335310195500000);
    QTest::newRow("not a number") << u"12a"_qs << false << Q_INT64_C(0);
    // 253402300799 is 9999-12-31T23:59:59Z, the last second ISO 8601 can write with 4 digits.
    QTest::newRow("last second of 9999")
        << u"253402300799"_qs << true << Q_INT64_C(253402300799000000);
    QTest::newRow("year 10000") << u"253402300800"_qs << false << Q_INT64_C(0);
    QTest::newRow("year 33658") << u"999999999999"_qs << false << Q_INT64_C(0);
}

void TestTimestamp::parseEpoch()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(qint64, microseconds);

    const auto parsed = Timestamp::parseEpoch(text);
    QCOMPARE(parsed.has_value(), valid);
    if (valid)
        QCOMPARE(parsed->microseconds(), microseconds);
}

void TestTimestamp::toIsoKeepsOnlyNeededDigits()
{
    QCOMPARE(Timestamp::fromMicroseconds(Q_INT64_C(1694023642626751)).toIso(),
             u"2023-09-06T18:07:22.626751Z"_qs);
    QCOMPARE(Timestamp::fromMicroseconds(Q_INT64_C(1694023642500000)).toIso(),
             u"2023-09-06T18:07:22.500Z"_qs);
    QCOMPARE(Timestamp::fromMicroseconds(Q_INT64_C(1694023642000000)).toIso(),
             u"2023-09-06T18:07:22Z"_qs);
    QVERIFY(Timestamp().toIso().isEmpty());
}

void TestTimestamp::toIsoCalendar_data()
{
    QTest::addColumn<QDateTime>("dateTime"); // the whole second, as Qt counts it
    QTest::addColumn<qint64>("micros"); // added to it
    QTest::addColumn<QString>("expected"); // written by hand

    const auto utc = [](int y, int mo, int d, int h, int mi, int s) {
        return QDateTime(QDate(y, mo, d), QTime(h, mi, s), Qt::UTC);
    };
    QTest::newRow("epoch") << utc(1970, 1, 1, 0, 0, 0) << Q_INT64_C(0)
                           << u"1970-01-01T00:00:00Z"_qs;
    QTest::newRow("a microsecond before the epoch")
        << utc(1969, 12, 31, 23, 59, 59) << Q_INT64_C(999999) << u"1969-12-31T23:59:59.999999Z"_qs;
    QTest::newRow("pre-1970") << utc(1969, 7, 20, 20, 17, 40) << Q_INT64_C(250000)
                              << u"1969-07-20T20:17:40.250Z"_qs;
    QTest::newRow("1900 is not a leap year")
        << utc(1900, 2, 28, 23, 59, 59) << Q_INT64_C(0) << u"1900-02-28T23:59:59Z"_qs;
    QTest::newRow("after 1900-02-28 comes March")
        << utc(1900, 3, 1, 0, 0, 0) << Q_INT64_C(0) << u"1900-03-01T00:00:00Z"_qs;
    QTest::newRow("2000 is a leap year")
        << utc(2000, 2, 29, 12, 0, 0) << Q_INT64_C(500000) << u"2000-02-29T12:00:00.500Z"_qs;
    QTest::newRow("2024 leap day, last microsecond")
        << utc(2024, 2, 29, 23, 59, 59) << Q_INT64_C(999999) << u"2024-02-29T23:59:59.999999Z"_qs;
    QTest::newRow("2023 has no leap day")
        << utc(2023, 3, 1, 0, 0, 0) << Q_INT64_C(1) << u"2023-03-01T00:00:00.000001Z"_qs;
    QTest::newRow("2100 is not a leap year")
        << utc(2100, 3, 1, 0, 0, 0) << Q_INT64_C(0) << u"2100-03-01T00:00:00Z"_qs;
    QTest::newRow("end of April") << utc(2023, 4, 30, 23, 59, 59) << Q_INT64_C(0)
                                  << u"2023-04-30T23:59:59Z"_qs;
    QTest::newRow("end of year") << utc(2023, 12, 31, 23, 59, 59) << Q_INT64_C(10)
                                 << u"2023-12-31T23:59:59.000010Z"_qs;
    QTest::newRow("new year") << utc(2024, 1, 1, 0, 0, 0) << Q_INT64_C(0)
                              << u"2024-01-01T00:00:00Z"_qs;
    QTest::newRow("year 1") << utc(1, 1, 1, 0, 0, 0) << Q_INT64_C(0) << u"0001-01-01T00:00:00Z"_qs;
    QTest::newRow("year 9999") << utc(9999, 12, 31, 23, 59, 59) << Q_INT64_C(0)
                               << u"9999-12-31T23:59:59Z"_qs;
}

void TestTimestamp::toIsoCalendar()
{
    QFETCH(QDateTime, dateTime);
    QFETCH(qint64, micros);
    QFETCH(QString, expected);

    const Timestamp time
        = Timestamp::fromMicroseconds(dateTime.toSecsSinceEpoch() * 1000000 + micros);
    QCOMPARE(time.toIso(), expected);

    // QDateTime agrees on the date and the clock time.
    QCOMPARE(time.toIso().left(19), dateTime.toString(u"yyyy-MM-ddTHH:mm:ss"_qs));

    char bytes[Timestamp::kMaxIsoLength];
    QCOMPARE(QString::fromLatin1(bytes, time.writeIso(bytes)), expected);
}

QTEST_GUILESS_MAIN(TestTimestamp)
#include "tst_timestamp.moc"
