#include "escalation/escalationcatalogue.h"

#include <QJsonDocument>
#include <QTest>

// The escalation catalogue of `crn-server serve --escalations FILE`: the built-in one as the
// brief lists it, the example file, and one named refusal for each way a file can be wrong.
class TestEscalationCatalogue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void builtIn();
    void exampleFile();
    void roundTrip();
    void malformed_data();
    void malformed();
    void missingFile();
};

void TestEscalationCatalogue::builtIn()
{
    const EscalationCatalogue catalogue = EscalationCatalogue::builtIn();

    QCOMPARE(catalogue.categories.size(), 4);
    QCOMPARE(catalogue.category(u"complaint")->requiredFields, QStringList());
    QCOMPARE(catalogue.category(u"compliance_breach")->requiredFields,
             QStringList { u"evidence"_qs });
    QCOMPARE(catalogue.category(u"missed_callback")->requiredFields,
             QStringList { u"callback_number"_qs });
    QCOMPARE(catalogue.category(u"technical_fault")->requiredFields,
             QStringList { u"description"_qs });

    QCOMPARE(catalogue.priorities.size(), 4);
    QCOMPARE(catalogue.priority(u"p1")->label, u"Critical"_qs);
    QCOMPARE(catalogue.priority(u"p1")->responseMinutes, 60);
    QCOMPARE(catalogue.priority(u"p2")->responseMinutes, 240);
    QCOMPARE(catalogue.priority(u"p3")->responseMinutes, 24 * 60);
    QCOMPARE(catalogue.priority(u"p4")->responseMinutes, 3 * 24 * 60);

    QStringList teams;
    for (const EscalationTeam &team : catalogue.teams)
        teams.append(team.id);
    QCOMPARE(
        teams,
        (QStringList { u"quality"_qs, u"compliance"_qs, u"customer_care"_qs, u"telephony"_qs }));
    QVERIFY(!catalogue.category(u"p1"));
    QVERIFY(!catalogue.team(u"Quality"));
}

void TestEscalationCatalogue::exampleFile()
{
    QString error;
    const auto catalogue = EscalationCatalogue::load(
        QStringLiteral(CRN_SOURCE_DIR "/docs/escalation-catalogue.example.json"), &error);
    QVERIFY2(catalogue, qPrintable(error));
    QCOMPARE(catalogue->category(u"abusive_caller")->requiredFields,
             (QStringList { u"evidence"_qs, u"description"_qs }));
    QCOMPARE(catalogue->priority(u"p3")->responseMinutes, 1440);
}

void TestEscalationCatalogue::roundTrip()
{
    const EscalationCatalogue builtIn = EscalationCatalogue::builtIn();
    QString error;
    const auto again
        = EscalationCatalogue::fromJson(QJsonDocument(builtIn.toJson()).toJson(), &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(again->toJson(), builtIn.toJson());
}

void TestEscalationCatalogue::malformed_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");

    const QByteArray priorities
        = R"("priorities": [{"id": "p1", "label": "Now", "response_minutes": 5}])";
    const QByteArray teams = R"("teams": [{"id": "t", "label": "Team"}])";
    const QByteArray categories
        = R"("categories": [{"id": "c", "label": "C", "required_fields": []}])";

    QTest::newRow("not JSON") << QByteArray("{categories: []}") << u"not valid JSON"_qs;
    QTest::newRow("an array") << QByteArray("[]") << u"must be a JSON object"_qs;
    QTest::newRow("no categories")
        << "{" + priorities + "," + teams + "}" << u"The field \"categories\" is missing."_qs;
    QTest::newRow("empty categories") << "{\"categories\": []," + priorities + "," + teams
            + "}" << u"The field \"categories\" must list at least one entry."_qs;
    QTest::newRow("categories not a list") << "{\"categories\": {}," + priorities + "," + teams
            + "}" << u"The field \"categories\" must be a list."_qs;
    QTest::newRow("category without label")
        << R"({"categories": [{"id": "c", "required_fields": []}],)" + priorities + "," + teams
            + "}"
        << u"The field \"categories[0].label\" is missing."_qs;
    QTest::newRow("category with empty id")
        << R"({"categories": [{"id": " ", "label": "C", "required_fields": []}],)" + priorities
            + "," + teams + "}"
        << u"The field \"categories[0].id\" must be a non-empty text."_qs;
    QTest::newRow("repeated id")
        << R"({"categories": [{"id": "c", "label": "C", "required_fields": []},)"
           R"( {"id": "c", "label": "D", "required_fields": []}],)"
            + priorities + "," + teams + "}"
        << u"The field \"categories[1].id\" repeats the id \"c\" of an earlier entry."_qs;
    QTest::newRow("required_fields missing")
        << R"({"categories": [{"id": "c", "label": "C"}],)" + priorities + "," + teams + "}"
        << u"The field \"categories[0].required_fields\" is missing (write [] when none is "
           "required)."_qs;
    QTest::newRow("unknown required field")
        << R"({"categories": [{"id": "c", "label": "C", "required_fields": ["summary", "phone"]}],)"
            + priorities + "," + teams + "}"
        << u"The field \"categories[0].required_fields[0]\" must be one of description, "
           "callback_number and evidence."_qs;
    QTest::newRow("response_minutes zero")
        << "{" + categories
            + R"(, "priorities": [{"id": "p", "label": "P", "response_minutes": 0}],)" + teams + "}"
        << u"The field \"priorities[0].response_minutes\" must be a whole number of minutes, at "
           "least 1."_qs;
    QTest::newRow("response_minutes fraction")
        << "{" + categories
            + R"(, "priorities": [{"id": "p", "label": "P", "response_minutes": 1.5}],)" + teams
            + "}"
        << u"The field \"priorities[0].response_minutes\" must be a whole number of minutes, at "
           "least 1."_qs;
    QTest::newRow("response_minutes text")
        << "{" + categories
            + R"(, "priorities": [{"id": "p", "label": "P", "response_minutes": "60"}],)" + teams
            + "}"
        << u"The field \"priorities[0].response_minutes\" must be a whole number of minutes, at "
           "least 1."_qs;
    QTest::newRow("team not an object")
        << "{" + categories + "," + priorities + R"(, "teams": ["quality"]})"
        << u"The field \"teams[0]\" must be an object with an id and a label."_qs;
    QTest::newRow("no teams") << "{" + categories + "," + priorities + "}"
                              << u"The field \"teams\" is missing."_qs;
}

void TestEscalationCatalogue::malformed()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);

    QString error;
    QVERIFY(!EscalationCatalogue::fromJson(json, &error));
    QVERIFY2(error.contains(expected), qPrintable(error));
}

void TestEscalationCatalogue::missingFile()
{
    QString error;
    QVERIFY(!EscalationCatalogue::load(u"/nonexistent/catalogue.json"_qs, &error));
    QVERIFY2(error.startsWith(u"Cannot read the escalation catalogue /nonexistent/catalogue.json"),
             qPrintable(error));
}

QTEST_GUILESS_MAIN(TestEscalationCatalogue)
#include "tst_escalationcatalogue.moc"
