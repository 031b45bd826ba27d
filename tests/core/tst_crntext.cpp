#include "model/crntext.h"

#include <QTest>

class TestCrnText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void normalized_data();
    void normalized();
};

void TestCrnText::normalized_data()
{
    QTest::addColumn<QString>("pasted");
    QTest::addColumn<QString>("expected");

    QTest::newRow("plain") << u"1694023642.7"_qs << u"1694023642.7"_qs;
    QTest::newRow("stray spaces") << u"  1694023642.7 \t\n"_qs << u"1694023642.7"_qs;
    QTest::newRow("no-break and zero-width spaces")
        << u"\u00a01694023642\u200b.7\u2060"_qs << u"1694023642.7"_qs;
    QTest::newRow("byte order mark") << u"\ufeff1694023642.7"_qs << u"1694023642.7"_qs;
    QTest::newRow("en dash") << u"Asterisk\u201301\u20141362424276.2"_qs
                             << u"asterisk-01-1362424276.2"_qs;
    QTest::newRow("minus sign and figure dash") << u"a\u2212b\u2012c"_qs << u"a-b-c"_qs;
    QTest::newRow("full-width digits") << u"\uff11\uff16\uff19\uff14\uff10\uff12\uff13\uff16"
                                          "\uff14\uff12\uff0e\uff17"_qs
                                       << u"1694023642.7"_qs;
    QTest::newRow("letter case") << u"80183EC8-D424-11E3"_qs << u"80183ec8-d424-11e3"_qs;
    QTest::newRow("empty") << u" \u200b "_qs << QString();
}

void TestCrnText::normalized()
{
    QFETCH(QString, pasted);
    QFETCH(QString, expected);

    QCOMPARE(CrnText::normalized(pasted), expected);
}

QTEST_GUILESS_MAIN(TestCrnText)
#include "tst_crntext.moc"
