#include "searchfield.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QTest>

// What the search field shows after a paste.
class TestSearchField : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanedPaste_data();
    void cleanedPaste();
    void pasteIsCleanedInTheField();
    void typingIsLeftAlone();
};

void TestSearchField::cleanedPaste_data()
{
    QTest::addColumn<QString>("pasted");
    QTest::addColumn<QString>("expected");

    QTest::newRow("stray spaces") << u"  1694023642.7 \n"_qs << u"1694023642.7"_qs;
    QTest::newRow("no-break and zero-width spaces")
        << u"\u00a01694023642\u200b.7\u00a0"_qs << u"1694023642.7"_qs;
    QTest::newRow("en dashes become hyphens")
        << u"Asterisk\u201301\u20131362424276.2"_qs << u"Asterisk-01-1362424276.2"_qs;
    QTest::newRow("full-width digits") << u"\uff11\uff16\uff19\uff14.7"_qs << u"1694.7"_qs;
    QTest::newRow("grouped phone number") << u"+1 555 0100 799"_qs << u"+15550100799"_qs;
    QTest::newRow("a name keeps its space") << u" Agent\u00a0A "_qs << u"Agent A"_qs;
    QTest::newRow("agent id") << u"Agent/12 "_qs << u"Agent/12"_qs;
}

void TestSearchField::cleanedPaste()
{
    QFETCH(QString, pasted);
    QFETCH(QString, expected);
    QCOMPARE(SearchField::cleanedPaste(pasted), expected);
}

void TestSearchField::pasteIsCleanedInTheField()
{
    SearchField field;
    field.show();
    QVERIFY(QTest::qWaitForWindowExposed(&field));
    QGuiApplication::clipboard()->setText(u" 1694023642\u20137\u00a0"_qs);
    QTest::keySequence(&field, QKeySequence::Paste);
    QCOMPARE(field.text(), u"1694023642-7"_qs);
    QVERIFY(!field.placeholderText().isEmpty());
    QVERIFY(!field.accessibleName().isEmpty());
}

void TestSearchField::typingIsLeftAlone()
{
    SearchField field;
    QTest::keyClicks(&field, u"Agent A "_qs);
    QCOMPARE(field.text(), u"Agent A "_qs);
}

QTEST_MAIN(TestSearchField)
#include "tst_searchfield.moc"
