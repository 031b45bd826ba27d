#include "timetext.h"
#include "translations.h"

#include <QDateTime>
#include <QLocale>
#include <QTest>

// Durations, offsets, ages and axis labels as the call screen writes them. Expected texts are
// worked out by hand from the microseconds in each row.
class TestTimeText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void duration_data();
    void duration();
    void offset_data();
    void offset();
    void axisLabel_data();
    void axisLabel();
    void age_data();
    void age();
    void utc();
};

void TestTimeText::initTestCase()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    Translations::install(QCoreApplication::instance());
}

void TestTimeText::duration_data()
{
    QTest::addColumn<qint64>("microseconds");
    QTest::addColumn<QString>("expected");

    QTest::newRow("zero") << qint64(0) << u"0.0 s"_qs;
    QTest::newRow("tenths") << qint64(23'400'000) << u"23.4 s"_qs;
    QTest::newRow("rounds down below half a tenth") << qint64(23'449'999) << u"23.4 s"_qs;
    QTest::newRow("rounds half a tenth up") << qint64(23'450'000) << u"23.5 s"_qs;
    QTest::newRow("59.96 s is a minute") << qint64(59'960'000) << u"1 min"_qs;
    QTest::newRow("agent 12 talked 558 s") << qint64(558'000'000) << u"9 min 18 s"_qs;
    QTest::newRow("whole minutes") << qint64(600'000'000) << u"10 min"_qs;
    QTest::newRow("an hour") << qint64(3600'000'000) << u"1 h"_qs;
    QTest::newRow("3725 s is 62 min") << qint64(3725'000'000) << u"1 h 2 min"_qs;
    QTest::newRow("negative") << qint64(-1'500'000) << u"\u22121.5 s"_qs;
}

void TestTimeText::duration()
{
    QFETCH(qint64, microseconds);
    QFETCH(QString, expected);
    QCOMPARE(TimeText::duration(microseconds), expected);
}

void TestTimeText::offset_data()
{
    QTest::addColumn<qint64>("microseconds");
    QTest::addColumn<QString>("expected");

    QTest::newRow("start") << qint64(0) << u"+0.0 s"_qs;
    QTest::newRow("seconds") << qint64(5'200'000) << u"+5.2 s"_qs;
    QTest::newRow("minutes keep tenths") << qint64(558'400'000) << u"+9 min 18.4 s"_qs;
    QTest::newRow("before the start") << qint64(-300'000) << u"\u22120.3 s"_qs;
    QTest::newRow("hours") << qint64(3'723'500'000) << u"+1 h 2 min 3.5 s"_qs;
}

void TestTimeText::offset()
{
    QFETCH(qint64, microseconds);
    QFETCH(QString, expected);
    QCOMPARE(TimeText::offset(microseconds), expected);
}

void TestTimeText::axisLabel_data()
{
    QTest::addColumn<qint64>("microseconds");
    QTest::addColumn<qint64>("step");
    QTest::addColumn<QString>("expected");

    QTest::newRow("origin") << qint64(0) << qint64(5'000'000) << u"0"_qs;
    QTest::newRow("whole seconds") << qint64(15'000'000) << qint64(5'000'000) << u"15 s"_qs;
    QTest::newRow("half seconds") << qint64(2'500'000) << qint64(500'000) << u"2.5 s"_qs;
    QTest::newRow("tenths") << qint64(200'000) << qint64(100'000) << u"0.2 s"_qs;
    QTest::newRow("coarse origin") << qint64(0) << qint64(30'000'000) << u"0:00"_qs;
    QTest::newRow("minutes") << qint64(90'000'000) << qint64(30'000'000) << u"1:30"_qs;
    QTest::newRow("hours") << qint64(3'900'000'000) << qint64(300'000'000) << u"1:05:00"_qs;
}

void TestTimeText::axisLabel()
{
    QFETCH(qint64, microseconds);
    QFETCH(qint64, step);
    QFETCH(QString, expected);
    QCOMPARE(TimeText::axisLabel(microseconds, step), expected);
}

void TestTimeText::age_data()
{
    QTest::addColumn<int>("seconds");
    QTest::addColumn<QString>("expected");

    QTest::newRow("seconds") << 30 << u"just now"_qs;
    QTest::newRow("one minute") << 60 << u"1 min ago"_qs;
    QTest::newRow("five minutes") << 5 * 60 + 59 << u"5 min ago"_qs;
    QTest::newRow("hours") << 2 * 3600 << u"2 h ago"_qs;
    QTest::newRow("one day") << 86400 << u"1 day ago"_qs;
    QTest::newRow("days") << 3 * 86400 << u"3 days ago"_qs;
    QTest::newRow("clock skew") << -20 << u"just now"_qs;
}

void TestTimeText::age()
{
    QFETCH(int, seconds);
    QFETCH(QString, expected);
    const QDateTime now(QDate(2023, 9, 6), QTime(14, 37), Qt::UTC);
    QCOMPARE(TimeText::age(now.addSecs(-seconds), now), expected);
}

void TestTimeText::utc()
{
    // 1694023642.626751 s since the epoch is 2023-09-06 18:07:22.626751 UTC.
    QCOMPARE(TimeText::utc(Timestamp::fromMicroseconds(1694023642626751)),
             u"2023-09-06 18:07:22.626751 UTC"_qs);
    QCOMPARE(TimeText::utc(Timestamp()), u"unknown"_qs);
}

QTEST_GUILESS_MAIN(TestTimeText)
#include "tst_timetext.moc"
