#include "escalation/draftstore.h"
#include "escalation/escalationdraft.h"
#include "escalation/playedspantracker.h"
#include "escalationdialog.h"
#include "uitestcall.h"

#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

// The escalation form over a hand-built call (uitestcall.h) with one recording added here:
// "rec1" starts 2 s into the call and lasts 15 s, so it covers call seconds 2 to 17 and call
// second t is t - 2 s into it. The catalogue below is written by hand: "general" needs nothing
// more, "compliance" needs evidence, "callback" needs a callback number.
class TestEscalationDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void evidenceSpans_data();
    void evidenceSpans();
    void playedSpans();

    void nothingIsJudgedBeforeItIsTouched();
    void badCallbackNumberIsExplainedBesideIt_data();
    void badCallbackNumberIsExplainedBesideIt();
    void emptySummaryIsExplainedBesideIt();
    void categoryNeedingEvidenceAsksForIt();
    void validFormSubmitsTheRequestBody();
    void serverReasonsStandUntilTheFieldChanges();
    void draftSurvivesACrash();

private:
    static Call call();
    static EscalationOptions options();
    static QString reason(const EscalationDialog &dialog, const QString &field);
    static void choose(QComboBox *box, const QString &id);
};

void TestEscalationDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
}

Call TestEscalationDialog::call()
{
    Call call = UiTestCall::make();
    Recording recording;
    recording.id = u"rec1"_qs;
    recording.start = UiTestCall::at(2);
    recording.durationUs = 15'000'000;
    recording.name = u"call.wav"_qs;
    call.recordings.append(recording);
    return call;
}

EscalationOptions TestEscalationDialog::options()
{
    EscalationOptions options;
    options.categories = { { u"general"_qs, u"General"_qs, {} },
                           { u"compliance"_qs, u"Compliance breach"_qs, { u"evidence"_qs } },
                           { u"callback"_qs, u"Call back"_qs, { u"callback_number"_qs } } };
    options.priorities = { { u"p1"_qs, u"Urgent"_qs, 60 }, { u"p3"_qs, u"Normal"_qs, 1440 } };
    options.teams = { { u"billing"_qs, u"Billing"_qs }, { u"qa"_qs, u"Quality"_qs } };
    return options;
}

QString TestEscalationDialog::reason(const EscalationDialog &dialog, const QString &field)
{
    const QLabel *label = dialog.reasonLabel(field);
    return label ? label->text() : u"<no label for "_qs + field + u'>';
}

void TestEscalationDialog::choose(QComboBox *box, const QString &id)
{
    const int index = box->findData(id);
    QVERIFY2(index >= 0, qPrintable(id));
    box->setCurrentIndex(index);
}

void TestEscalationDialog::evidenceSpans_data()
{
    QTest::addColumn<double>("from");
    QTest::addColumn<double>("to"); // < 0: a position alone, not a span
    QTest::addColumn<bool>("found");
    QTest::addColumn<double>("start");
    QTest::addColumn<double>("end");

    // Call seconds minus the recording's 2 s start.
    QTest::newRow("span inside") << 5.0 << 9.0 << true << 3.0 << 7.0;
    QTest::newRow("span past the end is clamped") << 16.0 << 20.0 << true << 14.0 << 15.0;
    QTest::newRow("span before any recording") << 1.0 << 4.0 << false << 0.0 << 0.0;
    // Position ± 10 s: 2 - 10 is clamped to 0, 13 + 10 to the 15 s length.
    QTest::newRow("position near the start") << 4.0 << -1.0 << true << 0.0 << 12.0;
    QTest::newRow("position near the end") << 15.0 << -1.0 << true << 3.0 << 15.0;
    QTest::newRow("position outside") << 20.0 << -1.0 << false << 0.0 << 0.0;
}

void TestEscalationDialog::evidenceSpans()
{
    QFETCH(double, from);
    QFETCH(double, to);
    QFETCH(bool, found);
    QFETCH(double, start);
    QFETCH(double, end);

    const auto evidence = to < 0
        ? EscalationEvidenceSpan::aroundPosition(call(), UiTestCall::at(from), u"rec1"_qs)
        : EscalationEvidenceSpan::forSpan(call(), UiTestCall::at(from), UiTestCall::at(to));
    QCOMPARE(evidence.has_value(), found);
    if (!found)
        return;
    QCOMPARE(evidence->recordingId, u"rec1"_qs);
    QCOMPARE(evidence->start, start);
    QCOMPARE(evidence->end, end);
}

void TestEscalationDialog::playedSpans()
{
    PlayedSpanTracker tracker;
    QSignalSpy spans(&tracker, &PlayedSpanTracker::spanPlayed);

    tracker.setRecording(u"rec1"_qs);
    tracker.setPosition(3.0);
    tracker.setPlaying(true);
    for (double t = 3.1; t <= 6.05; t += 0.1)
        tracker.setPosition(t);
    // A seek away: 6.0 to 12.0 could not have been played in one report.
    tracker.setPosition(12.0);
    tracker.setPosition(12.5);
    tracker.setPlaying(false);
    // Paused: moving around is not listening.
    tracker.setPosition(1.0);
    tracker.setPosition(2.0);
    tracker.setPlaying(true);
    tracker.setPosition(2.1);
    tracker.setRecording(u"rec2"_qs);

    QCOMPARE(spans.count(), 2);
    QCOMPARE(spans.at(0).at(0).toString(), u"rec1"_qs);
    QCOMPARE(spans.at(0).at(1).toDouble(), 3.0);
    QCOMPARE(spans.at(0).at(2).toDouble(), 6.0);
    QCOMPARE(spans.at(1).at(1).toDouble(), 12.0);
    QCOMPARE(spans.at(1).at(2).toDouble(), 12.5);
    // 2.0 to 2.1 is shorter than kMinSeconds: no audit row for it.
}

void TestEscalationDialog::nothingIsJudgedBeforeItIsTouched()
{
    EscalationDialog dialog(call(), EscalationDraft::forCall(call()));
    dialog.setOptions(options(), QDateTime::currentDateTimeUtc(), true);
    for (const QString &field : EscalationDialog::fieldNames())
        QCOMPARE(reason(dialog, field), QString());
    QVERIFY(!dialog.submitButton()->isEnabled());
    QCOMPARE(dialog.windowTitle(),
             u"Escalate call 1694023642.7"_qs.replace(u"1694023642.7"_qs, call().summary.crn));
}

void TestEscalationDialog::badCallbackNumberIsExplainedBesideIt_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("because"); // empty: acceptable

    QTest::newRow("letters") << u"0301234abc"_qs << u"digits, a leading +"_qs;
    QTest::newRow("five digits") << u"12345"_qs << u"6 to 15 digits"_qs;
    QTest::newRow("sixteen digits") << u"1234567890123456"_qs << u"6 to 15 digits"_qs;
    QTest::newRow("plus in the middle") << u"030+1234567"_qs << u"digits, a leading +"_qs;
    QTest::newRow("six digits") << u"123456"_qs << QString();
    QTest::newRow("written out") << u"+49 (30) 123-45.67"_qs << QString();
}

void TestEscalationDialog::badCallbackNumberIsExplainedBesideIt()
{
    QFETCH(QString, typed);
    QFETCH(QString, because);

    EscalationDialog dialog(call(), EscalationDraft::forCall(call()));
    dialog.setOptions(options(), QDateTime::currentDateTimeUtc(), true);
    QTest::keyClicks(dialog.callbackField(), typed);

    if (because.isEmpty())
        QCOMPARE(reason(dialog, u"callback_number"_qs), QString());
    else
        QVERIFY2(reason(dialog, u"callback_number"_qs).contains(because),
                 qPrintable(reason(dialog, u"callback_number"_qs)));
    // Only the field typed in is judged; the summary is untouched.
    QCOMPARE(reason(dialog, u"summary"_qs), QString());
    QVERIFY(!dialog.submitButton()->isEnabled());
}

void TestEscalationDialog::emptySummaryIsExplainedBesideIt()
{
    EscalationDialog dialog(call(), EscalationDraft::forCall(call()));
    dialog.setOptions(options(), QDateTime::currentDateTimeUtc(), true);
    QTest::keyClicks(dialog.summaryField(), u"x"_qs);
    QCOMPARE(reason(dialog, u"summary"_qs), QString());
    QTest::keyClick(dialog.summaryField(), Qt::Key_Backspace);
    QCOMPARE(reason(dialog, u"summary"_qs), u"A summary is required."_qs);

    dialog.summaryField()->setText(QString(201, u'a'));
    QVERIFY(reason(dialog, u"summary"_qs).contains(u"at most 200"_qs));
}

void TestEscalationDialog::categoryNeedingEvidenceAsksForIt()
{
    EscalationDialog dialog(call(), EscalationDraft::forCall(call()));
    dialog.setOptions(options(), QDateTime::currentDateTimeUtc(), true);
    choose(dialog.priorityBox(), u"p1"_qs);
    choose(dialog.teamBox(), u"qa"_qs);
    dialog.summaryField()->setText(u"Agent read out the card number"_qs);
    choose(dialog.categoryBox(), u"compliance"_qs);

    QVERIFY2(
        reason(dialog, u"evidence"_qs)
            .contains(u"Evidence (a span of a recording or an event of the call) is required"_qs),
        qPrintable(reason(dialog, u"evidence"_qs)));
    QVERIFY(!dialog.submitButton()->isEnabled());

    // Ticking the Answer event (row 4: no recording span was offered) is evidence enough.
    QListWidgetItem *answer = dialog.evidenceList()->item(4);
    QVERIFY(answer->text().contains(u"+6"_qs));
    answer->setCheckState(Qt::Checked);
    QCOMPARE(reason(dialog, u"evidence"_qs), QString());
    QVERIFY(dialog.submitButton()->isEnabled());
}

void TestEscalationDialog::validFormSubmitsTheRequestBody()
{
    EscalationDraft draft = EscalationDraft::forCall(call());
    draft.recordings.append({ u"rec1"_qs, 3.0, 7.0 });
    EscalationDialog dialog(call(), draft);
    dialog.setOptions(options(), QDateTime::currentDateTimeUtc(), true);
    QSignalSpy submitted(&dialog, &EscalationDialog::submitRequested);

    choose(dialog.categoryBox(), u"callback"_qs);
    choose(dialog.priorityBox(), u"p3"_qs);
    choose(dialog.teamBox(), u"billing"_qs);
    QTest::keyClicks(dialog.summaryField(), u"  Refund promised, not booked "_qs);
    QVERIFY(reason(dialog, u"callback_number"_qs).contains(u"A callback number is required"_qs));
    QTest::keyClicks(dialog.callbackField(), u"+49 30 1234567"_qs);
    QVERIFY(dialog.submitButton()->isEnabled());

    QTest::mouseClick(dialog.submitButton(), Qt::LeftButton);
    QCOMPARE(submitted.count(), 1);
    QVERIFY(!dialog.submitButton()->isEnabled()); // waiting for the outbox
    const EscalationDraft sent = submitted.first().first().value<EscalationDraft>();
    const QJsonObject body = QJsonDocument::fromJson(sent.toRequestBody()).object();
    // CRN_SCREENSHOT_DIR: a picture of the filled form, to look at.
    if (const QString folder = qEnvironmentVariable("CRN_SCREENSHOT_DIR"); !folder.isEmpty())
        QVERIFY(dialog.grab().save(folder + u"/escalation-form.png"_qs));
    QCOMPARE(body.value(u"crn").toString(), call().summary.crn);
    QCOMPARE(body.value(u"category").toString(), u"callback"_qs);
    QCOMPARE(body.value(u"priority").toString(), u"p3"_qs);
    QCOMPARE(body.value(u"team").toString(), u"billing"_qs);
    QCOMPARE(body.value(u"summary").toString(), u"Refund promised, not booked"_qs);
    QCOMPARE(body.value(u"callback_number").toString(), u"+49 30 1234567"_qs);
    QVERIFY(!body.contains(u"description"));
    const QJsonObject span
        = body.value(u"evidence").toObject().value(u"recordings").toArray().first().toObject();
    QCOMPARE(span.value(u"recording_id").toString(), u"rec1"_qs);
    QCOMPARE(span.value(u"start").toDouble(), 3.0);
    QCOMPARE(span.value(u"end").toDouble(), 7.0);
}

void TestEscalationDialog::serverReasonsStandUntilTheFieldChanges()
{
    EscalationDraft draft = EscalationDraft::forCall(call());
    draft.category = u"general"_qs;
    draft.priority = u"p1"_qs;
    draft.team = u"qa"_qs;
    draft.summary = u"Caller was cut off"_qs;
    draft.callbackNumber = u"030 1234567"_qs;
    draft.resubmitOf = 7;
    draft.serverErrors.insert(u"callback_number"_qs, u"This number is blocked."_qs);
    EscalationDialog dialog(call(), draft);
    dialog.setOptions(options(), QDateTime::currentDateTimeUtc(), true);

    QCOMPARE(reason(dialog, u"callback_number"_qs), u"This number is blocked."_qs);
    QCOMPARE(reason(dialog, u"summary"_qs), QString());
    QVERIFY(!dialog.submitButton()->isEnabled());

    dialog.callbackField()->setText(u"030 7654321"_qs);
    QCOMPARE(reason(dialog, u"callback_number"_qs), QString());
    QVERIFY(dialog.submitButton()->isEnabled());
    QCOMPARE(dialog.draft().resubmitOf, qint64(7));
}

void TestEscalationDialog::draftSurvivesACrash()
{
    QTemporaryDir folder;
    QVERIFY(folder.isValid());
    QString key;
    {
        DraftStore store(folder.path());
        QSignalSpy saved(&store, &DraftStore::saved);
        auto *dialog = new EscalationDialog(call(), EscalationDraft::forCall(call()));
        dialog->setDraftStore(&store);
        dialog->setOptions(options(), QDateTime::currentDateTimeUtc(), true);
        choose(dialog->teamBox(), u"billing"_qs);
        QTest::keyClicks(dialog->summaryField(), u"Wrong refund"_qs);
        dialog->descriptionField()->setPlainText(u"Second line\nthird"_qs);
        QVERIFY(saved.wait(5000));
        key = saved.last().first().toString();
        // Destroyed without submit or close: what a crash leaves is the file on disk.
        delete dialog;
    }
    QVERIFY(QFile::exists(folder.path() + u'/' + key + u".json"_qs));

    DraftStore again(folder.path());
    QSignalSpy loaded(&again, &DraftStore::draftsLoaded);
    again.loadAll();
    QVERIFY(loaded.wait(5000));
    const auto drafts = loaded.first().first().value<QList<EscalationDraft>>();
    QCOMPARE(drafts.size(), 1);
    QCOMPARE(drafts.first().crn, call().summary.crn);

    EscalationDialog restored(call(), drafts.first());
    restored.setOptions(options(), QDateTime::currentDateTimeUtc(), true);
    QCOMPARE(restored.summaryField()->text(), u"Wrong refund"_qs);
    QCOMPARE(restored.descriptionField()->toPlainText(), u"Second line\nthird"_qs);
    QCOMPARE(restored.teamBox()->currentData().toString(), u"billing"_qs);
    // A restored draft shows every reason at once: category and priority are still missing.
    QCOMPARE(reason(restored, u"category"_qs), u"Choose a category."_qs);
    QCOMPARE(reason(restored, u"priority"_qs), u"Choose a priority."_qs);
}

QTEST_MAIN(TestEscalationDialog)
#include "tst_escalationdialog.moc"
