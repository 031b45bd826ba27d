#include "callheaderview.h"
#include "translations.h"
#include "uitestcall.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QLabel>
#include <QLocale>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

// The header shows the hand-built call's facts; see uitestcall.h. The test runs in Berlin
// time, where 18:07:22 UTC on 6 September 2023 is 20:07:22 (CEST, UTC+2).
class TestCallHeaderView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void showsTheCall();
    void durationsAcrossTheUnits_data();
    void durationsAcrossTheUnits();
    void copyButtonCopiesTheCrn();
    void clearEmptiesEveryField();

private:
    static QString text(const CallHeaderView &header, const QString &name);
    static QString toolTip(const CallHeaderView &header, const QString &name);
};

void TestCallHeaderView::initTestCase()
{
    qputenv("TZ", "Europe/Berlin");
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    Translations::install(QCoreApplication::instance());
}

QString TestCallHeaderView::text(const CallHeaderView &header, const QString &name)
{
    const auto *label = header.findChild<QLabel *>(name);
    return label ? label->text() : u"<no label %1>"_qs.arg(name);
}

QString TestCallHeaderView::toolTip(const CallHeaderView &header, const QString &name)
{
    const auto *label = header.findChild<QLabel *>(name);
    return label ? label->toolTip() : u"<no label %1>"_qs.arg(name);
}

void TestCallHeaderView::showsTheCall()
{
    CallHeaderView header;
    header.setCall(UiTestCall::make());

    QCOMPARE(text(header, u"crn"_qs), u"1694023642.7"_qs);
    QCOMPARE(text(header, u"start"_qs), u"Wed 6 Sep 2023 20:07:22"_qs);
    QCOMPARE(toolTip(header, u"start"_qs), u"2023-09-06 18:07:22 UTC"_qs);
    // Same day as the start: the time alone.
    QCOMPARE(text(header, u"end"_qs), u"20:07:45"_qs);
    QCOMPARE(toolTip(header, u"end"_qs), u"2023-09-06 18:07:45.400 UTC"_qs);
    QCOMPARE(text(header, u"duration"_qs), u"23.4 s"_qs);
    QCOMPARE(text(header, u"direction"_qs), u"Inbound"_qs);
    QCOMPARE(text(header, u"caller"_qs), u"Alice (8001)"_qs);
    QCOMPARE(text(header, u"dialed"_qs), u"91001"_qs);
    QCOMPARE(text(header, u"queues"_qs), u"q12"_qs);
    QCOMPARE(text(header, u"agents"_qs), u"Operator"_qs);
    QCOMPARE(text(header, u"outcome"_qs), u"Answered"_qs);
    QCOMPARE(text(header, u"flags"_qs), u"⚠ 1 problem in the records"_qs);
    QCOMPARE(toolTip(header, u"flags"_qs), u"• The answer time differs between two records."_qs);
}

void TestCallHeaderView::durationsAcrossTheUnits_data()
{
    QTest::addColumn<double>("seconds");
    QTest::addColumn<QString>("expected");
    QTest::newRow("seconds") << 23.4 << u"23.4 s"_qs;
    QTest::newRow("minutes") << 558.0 << u"9 min 18 s"_qs;
}

void TestCallHeaderView::durationsAcrossTheUnits()
{
    QFETCH(double, seconds);
    QFETCH(QString, expected);
    Call call = UiTestCall::make();
    call.summary.end = UiTestCall::at(seconds);
    call.flags.append({ u"unjoined_leg"_qs, u"A leg could not be joined."_qs });
    CallHeaderView header;
    header.setCall(call);
    QCOMPARE(text(header, u"duration"_qs), expected);
    QCOMPARE(text(header, u"flags"_qs), u"⚠ 2 problems in the records"_qs);
}

void TestCallHeaderView::copyButtonCopiesTheCrn()
{
    CallHeaderView header;
    header.setCall(UiTestCall::make());
    auto *copy = header.findChild<QToolButton *>(u"copyCrn"_qs);
    QVERIFY(copy);
    // Icon-only: it must say what it does.
    QCOMPARE(copy->accessibleName(), u"Copy CRN"_qs);
    QVERIFY(!copy->toolTip().isEmpty());
    QVERIFY(!copy->icon().isNull());

    QSignalSpy copied(&header, &CallHeaderView::crnCopied);
    copy->click();
    QCOMPARE(copied.size(), 1);
    QCOMPARE(QGuiApplication::clipboard()->text(), u"1694023642.7"_qs);
}

void TestCallHeaderView::clearEmptiesEveryField()
{
    CallHeaderView header;
    header.setCall(UiTestCall::make());
    header.clear();
    for (const char16_t *name : { u"crn", u"start", u"duration", u"caller", u"flags" })
        QVERIFY2(text(header, QString::fromUtf16(name)).isEmpty(),
                 qPrintable(QString::fromUtf16(name)));
    QVERIFY(!header.findChild<QToolButton *>(u"copyCrn"_qs)->isEnabled());
}

QTEST_MAIN(TestCallHeaderView)
#include "tst_callheaderview.moc"
