#include "model/timestamp.h"

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

QTEST_GUILESS_MAIN(TestTimestamp)
#include "tst_timestamp.moc"
