#include "escalation/escalationrules.h"

#include <QTest>

// The field rules of docs/api.yaml's EscalationRequest, as the server and the console's form
// apply them. Expected answers follow from the contract's wording, row by row.
class TestEscalationRules : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void callbackNumber_data();
    void callbackNumber();
    void summary_data();
    void summary();
    void description();
    void comment_data();
    void comment();
    void requiredField();
    void span_data();
    void span();
};

void TestEscalationRules::callbackNumber_data()
{
    QTest::addColumn<QString>("number");
    QTest::addColumn<bool>("accepted");

    QTest::newRow("empty (optional here)") << QString() << true;
    QTest::newRow("six digits") << u"123456"_qs << true;
    QTest::newRow("five digits") << u"12345"_qs << false;
    QTest::newRow("fifteen digits") << u"+123456789012345"_qs << true;
    QTest::newRow("sixteen digits") << u"1234567890123456"_qs << false;
    QTest::newRow("international with spaces") << u"+49 30 1234567"_qs << true;
    QTest::newRow("parentheses, dash and dot") << u"(030) 123-45.67"_qs << true;
    QTest::newRow("plus in the middle") << u"030+1234567"_qs << false;
    QTest::newRow("two pluses") << u"++49301234567"_qs << false;
    QTest::newRow("letters") << u"030 CALL ME"_qs << false;
    QTest::newRow("slash") << u"030/1234567"_qs << false;
    QTest::newRow("separators only count no digits") << u"+ (--) ..."_qs << false;
}

void TestEscalationRules::callbackNumber()
{
    QFETCH(QString, number);
    QFETCH(bool, accepted);

    const QString problem = EscalationRules::callbackNumberProblem(number);
    QCOMPARE(problem.isEmpty(), accepted);
    if (!accepted)
        QVERIFY2(problem.startsWith(u"A callback number"), qPrintable(problem));
}

void TestEscalationRules::summary_data()
{
    QTest::addColumn<QString>("summary");
    QTest::addColumn<QString>("expected");

    QTest::newRow("empty") << QString() << u"A summary is required."_qs;
    QTest::newRow("white space only") << u"  \t "_qs << u"A summary is required."_qs;
    QTest::newRow("one character") << u"x"_qs << QString();
    QTest::newRow("200 characters") << QString(200, u'a') << QString();
    QTest::newRow("200 after trimming") << u"  "_qs + QString(200, u'a') + u"  "_qs << QString();
    QTest::newRow("201 characters")
        << QString(201, u'a') << u"A summary can have at most 200 characters; this one has 201."_qs;
    // 200 emoji are 400 UTF-16 units but 200 characters.
    QString emoji;
    for (int i = 0; i < 200; ++i)
        emoji += QString::fromUcs4(U"\U0001F4DE");
    QTest::newRow("200 emoji") << emoji << QString();
}

void TestEscalationRules::summary()
{
    QFETCH(QString, summary);
    QFETCH(QString, expected);

    QCOMPARE(EscalationRules::summaryProblem(summary), expected);
}

void TestEscalationRules::description()
{
    QCOMPARE(EscalationRules::descriptionProblem(QString()), QString());
    QCOMPARE(EscalationRules::descriptionProblem(QString(10000, u'd')), QString());
    QCOMPARE(EscalationRules::descriptionProblem(QString(10001, u'd')),
             u"A description can have at most 10,000 characters; this one has 10001."_qs);
}

void TestEscalationRules::comment_data()
{
    QTest::addColumn<QString>("comment");
    QTest::addColumn<bool>("accepted");

    QTest::newRow("empty") << QString() << false;
    QTest::newRow("spaces") << u"   "_qs << false;
    QTest::newRow("one character") << u"k"_qs << true;
    QTest::newRow("10,000 characters") << QString(10000, u'c') << true;
    QTest::newRow("10,001 characters") << QString(10001, u'c') << false;
}

void TestEscalationRules::comment()
{
    QFETCH(QString, comment);
    QFETCH(bool, accepted);

    QCOMPARE(EscalationRules::commentProblem(comment).isEmpty(), accepted);
}

void TestEscalationRules::requiredField()
{
    QCOMPARE(EscalationRules::requiredFieldProblem(u"evidence", u"Compliance breach", true),
             QString());
    QCOMPARE(EscalationRules::requiredFieldProblem(u"callback_number", u"Missed callback", false),
             u"A callback number is required for the category \"Missed callback\"."_qs);
    QCOMPARE(EscalationRules::requiredFieldProblem(u"description", u"Technical fault", false),
             u"A description is required for the category \"Technical fault\"."_qs);
    QVERIFY(EscalationRules::requiredFieldProblem(u"evidence", u"Compliance breach", false)
                .contains(u"\"Compliance breach\""));
}

void TestEscalationRules::span_data()
{
    QTest::addColumn<double>("start");
    QTest::addColumn<double>("end");
    QTest::addColumn<double>("duration");
    QTest::addColumn<bool>("accepted");

    QTest::newRow("whole recording") << 0.0 << 30.0 << 30.0 << true;
    QTest::newRow("inside") << 12.0 << 18.5 << 30.0 << true;
    QTest::newRow("negative start") << -0.5 << 10.0 << 30.0 << false;
    QTest::newRow("empty span") << 10.0 << 10.0 << 30.0 << false;
    QTest::newRow("reversed") << 20.0 << 10.0 << 30.0 << false;
    QTest::newRow("past the end") << 10.0 << 30.001 << 30.0 << false;
    QTest::newRow("not a number") << qQNaN() << 10.0 << 30.0 << false;
}

void TestEscalationRules::span()
{
    QFETCH(double, start);
    QFETCH(double, end);
    QFETCH(double, duration);
    QFETCH(bool, accepted);

    QCOMPARE(EscalationRules::spanProblem(start, end, duration).isEmpty(), accepted);
}

QTEST_GUILESS_MAIN(TestEscalationRules)
#include "tst_escalationrules.moc"
