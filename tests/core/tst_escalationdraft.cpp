#include "escalation/escalationdraft.h"
#include "escalation/escalationrules.h"

#include <QTest>

// EscalationDraft::validate judges a draft by crn-server's own field rules (EscalationRules).
// Each row changes one field of a draft that is valid otherwise and names the field expected
// to be refused (empty: none) and a phrase of the reason. The expectations are counted by hand
// from docs/api.yaml: summary 1 to 200 characters counted as code points, description at most
// 10,000, callback number 6 to 15 digits with a leading + and separators, a span
// 0 <= start < end <= the recording's length, and the catalogue's required fields. Where the
// row is refused, the reason must be the very sentence the server gives for that value.
class TestEscalationDraft : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validate_data();
    void validate();
    void requiredFieldKeepsAnEarlierReason();

private:
    static EscalationOptions options();
    static EscalationDraft validDraft();
};

EscalationOptions TestEscalationDraft::options()
{
    EscalationOptions options;
    options.categories
        = { { u"general"_qs, u"General"_qs, {} },
            { u"compliance"_qs, u"Compliance breach"_qs, { u"evidence"_qs } },
            { u"callback"_qs, u"Call back"_qs, { u"callback_number"_qs, u"description"_qs } } };
    options.priorities = { { u"p1"_qs, u"Urgent"_qs, 60 } };
    options.teams = { { u"qa"_qs, u"Quality"_qs } };
    return options;
}

// rec1 lasts 15 s (by the draft's own durations: the server knows the real one).
EscalationDraft TestEscalationDraft::validDraft()
{
    EscalationDraft draft;
    draft.crn = u"1694023642.7"_qs;
    draft.category = u"general"_qs;
    draft.priority = u"p1"_qs;
    draft.team = u"qa"_qs;
    draft.summary = u"Agent promised a refund"_qs;
    draft.recordingDurations.insert(u"rec1"_qs, 15.0);
    return draft;
}

void TestEscalationDraft::validate_data()
{
    QTest::addColumn<QString>("category");
    QTest::addColumn<QString>("summary");
    QTest::addColumn<QString>("description");
    QTest::addColumn<QString>("callback");
    QTest::addColumn<double>("spanStart"); // < 0 with spanEnd < 0: no span
    QTest::addColumn<double>("spanEnd");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("phrase");

    const QString ok = u"Agent promised a refund"_qs;
    // U+1F600, two UTF-16 units, one character.
    const QString emoji = QString::fromUcs4(U"\U0001F600");

    QTest::newRow("valid") << u"general"_qs << ok << QString() << QString() << -1.0 << -1.0
                           << QString() << QString();
    QTest::newRow("summary blank") << u"general"_qs << u"   "_qs << QString() << QString() << -1.0
                                   << -1.0 << u"summary"_qs << u"A summary is required."_qs;
    QTest::newRow("summary 200 characters") << u"general"_qs << QString(200, u'x') << QString()
                                            << QString() << -1.0 << -1.0 << QString() << QString();
    QTest::newRow("summary 201 characters")
        << u"general"_qs << QString(201, u'x') << QString() << QString() << -1.0 << -1.0
        << u"summary"_qs << u"this one has 201"_qs;
    // 150 emoji are 300 UTF-16 units but 150 characters: within 200.
    QTest::newRow("summary of 150 emoji") << u"general"_qs << emoji.repeated(150) << QString()
                                          << QString() << -1.0 << -1.0 << QString() << QString();
    QTest::newRow("summary of 201 emoji")
        << u"general"_qs << emoji.repeated(201) << QString() << QString() << -1.0 << -1.0
        << u"summary"_qs << u"this one has 201"_qs;
    QTest::newRow("description 10001 characters")
        << u"general"_qs << ok << QString(10'001, u'd') << QString() << -1.0 << -1.0
        << u"description"_qs << u"10,000"_qs;
    QTest::newRow("callback with letters")
        << u"general"_qs << ok << QString() << u"0301234abc"_qs << -1.0 << -1.0
        << u"callback_number"_qs << u"leading +"_qs;
    QTest::newRow("callback five digits")
        << u"general"_qs << ok << QString() << u"(030) 12-"_qs << -1.0 << -1.0
        << u"callback_number"_qs << u"6 to 15 digits"_qs;
    QTest::newRow("callback fifteen digits with separators")
        << u"general"_qs << ok << QString() << u"+49 (30) 123.456-78901"_qs << -1.0 << -1.0
        << QString() << QString();
    QTest::newRow("span inside") << u"general"_qs << ok << QString() << QString() << 3.0 << 15.0
                                 << QString() << QString();
    QTest::newRow("span past the end")
        << u"general"_qs << ok << QString() << QString() << 3.0 << 15.5 << u"evidence"_qs
        << u"after the recording ends at 15 s"_qs;
    QTest::newRow("span backwards") << u"general"_qs << ok << QString() << QString() << 7.0 << 3.0
                                    << u"evidence"_qs << u"must end after it starts"_qs;
    QTest::newRow("span before 0") << u"general"_qs << ok << QString() << QString() << -0.5 << 3.0
                                   << u"evidence"_qs << u"before the recording does"_qs;
    QTest::newRow("evidence required, none")
        << u"compliance"_qs << ok << QString() << QString() << -1.0 << -1.0 << u"evidence"_qs
        << u"\"Compliance breach\""_qs;
    QTest::newRow("evidence required, span given")
        << u"compliance"_qs << ok << QString() << QString() << 0.0 << 1.0 << QString() << QString();
    QTest::newRow("callback and description required")
        << u"callback"_qs << ok << u"  "_qs << QString() << -1.0 << -1.0 << u"callback_number"_qs
        << u"A callback number is required for the category \"Call back\"."_qs;
}

void TestEscalationDraft::validate()
{
    QFETCH(QString, category);
    QFETCH(QString, summary);
    QFETCH(QString, description);
    QFETCH(QString, callback);
    QFETCH(double, spanStart);
    QFETCH(double, spanEnd);
    QFETCH(QString, field);
    QFETCH(QString, phrase);

    EscalationDraft draft = validDraft();
    draft.category = category;
    draft.summary = summary;
    draft.description = description;
    draft.callbackNumber = callback;
    if (spanStart >= 0 || spanEnd >= 0)
        draft.recordings.append({ u"rec1"_qs, spanStart, spanEnd });

    const QMap<QString, QString> problems = draft.validate(options());

    if (field.isEmpty()) {
        QVERIFY2(problems.isEmpty(), qPrintable(problems.keys().join(u", "_qs)));
        return;
    }
    QVERIFY2(problems.contains(field), qPrintable(problems.keys().join(u", "_qs)));
    QVERIFY2(problems.value(field).contains(phrase), qPrintable(problems.value(field)));

    // The same sentence crn-server gives for the same value (its checks call these rules).
    if (field == u"summary")
        QCOMPARE(problems.value(field), EscalationRules::summaryProblem(summary));
    else if (field == u"description")
        QCOMPARE(problems.value(field), EscalationRules::descriptionProblem(description));
    else if (field == u"callback_number" && !callback.isEmpty())
        QCOMPARE(problems.value(field), EscalationRules::callbackNumberProblem(callback));
    else if (field == u"evidence" && spanEnd >= 0)
        QCOMPARE(problems.value(field), EscalationRules::spanProblem(spanStart, spanEnd, 15.0));
}

// "callback" needs a description and a callback number: a number with letters keeps its own
// reason rather than the "required" one, and the blank description is named as required.
void TestEscalationDraft::requiredFieldKeepsAnEarlierReason()
{
    EscalationDraft draft = validDraft();
    draft.category = u"callback"_qs;
    draft.callbackNumber = u"call me"_qs;

    const QMap<QString, QString> problems = draft.validate(options());

    QCOMPARE(problems.keys(), (QStringList { u"callback_number"_qs, u"description"_qs }));
    QVERIFY2(problems.value(u"callback_number"_qs).contains(u"only digits"_qs),
             qPrintable(problems.value(u"callback_number"_qs)));
    QCOMPARE(problems.value(u"description"_qs),
             u"A description is required for the category \"Call back\"."_qs);
}

QTEST_GUILESS_MAIN(TestEscalationDraft)
#include "tst_escalationdraft.moc"
