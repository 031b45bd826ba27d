#include "import/freeswitchcdr.h"
#include "import/importer.h"
#include "store/callstore.h"
#include "testdatabase.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

// FreeSWITCH XML CDRs (mod_xml_cdr): the reader on its own, then imports into a real SQLite
// store. Expected values are the ones SOURCES.md gives for the two sample documents, or read by
// hand from their XML, as the comments say.
class TestFreeSwitchCdr : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void urlDecoding_data();
    void urlDecoding();
    void audioPaths_data();
    void audioPaths();
    void readsTheBridgedRecordedCall();
    void readsTheUnansweredCall();
    void refusesWhatIsNotACdr_data();
    void refusesWhatIsNotACdr();
    void severalDocumentsInOneFile();

    void importsTheBridgedRecordedCall();
    void importsTheUnansweredCall();
    void reimportAddsNothing();
    void bLegDocumentJoinsItsALeg();

private:
    QByteArray sampleBytes(const QString &name);
    QString sample(const QString &name);
    QString writeFile(const QString &name, const QByteArray &content);
    std::unique_ptr<CallStore> openStore(const QString &name);

    QTemporaryDir m_dir;
    QString m_samples;
};

namespace {

const QString kBridgedFile = u"xml_cdr_bridged_recorded_call.cdr.xml"_qs;
const QString kUnansweredFile = u"xml_cdr_a_80183ec8-d424-11e3-8fb2-65b6c3cdac7d.cdr.xml"_qs;
const QString kALeg = u"6f32e2f8-38d1-43a7-b6ea-215bbfe6a314"_qs;
const QString kBLeg = u"e012ce96-7f9c-4194-87fe-5ba86a3930ca"_qs;
const QString kUnanswered = u"80183ec8-d424-11e3-8fb2-65b6c3cdac7d"_qs;

Timestamp utc(const char *iso)
{
    return Timestamp::parseIso(QString::fromLatin1(iso)).value_or(Timestamp());
}

QList<CallEvent> eventsOf(const Call &call, EventType type, const QString &leg)
{
    QList<CallEvent> found;
    for (const CallEvent &event : call.events) {
        if (event.type == type && event.legId == leg)
            found.append(event);
    }
    return found;
}

bool hasFlag(const QList<CallFlag> &flags, const QString &code)
{
    return std::any_of(flags.cbegin(), flags.cend(),
                       [&](const CallFlag &flag) { return flag.code == code; });
}

// A B-leg's CDR as mod_xml_cdr writes one with log-b-leg: its originator is the A-leg. Times:
// created 2008-07-31T18:35:38.46Z, answered 18:35:41.50Z, hung up 18:36:17.79Z.
const char kBLegDocument[] = R"(<?xml version="1.0"?>
<cdr>
  <variables>
    <hangup_cause>NORMAL_CLEARING</hangup_cause>
  </variables>
  <callflow dialplan="XML" unique-id="aaaaaaaa-0000-0000-0000-000000000000">
    <caller_profile>
      <caller_id_name>Agent A</caller_id_name>
      <caller_id_number>5550100175</caller_id_number>
      <destination_number>1/A/5550100140</destination_number>
      <uuid>e012ce96-7f9c-4194-87fe-5ba86a3930ca</uuid>
      <chan_name>OpenZAP/1:23/5550100140</chan_name>
      <originator>
        <originator_caller_profile>
          <uuid>6f32e2f8-38d1-43a7-b6ea-215bbfe6a314</uuid>
          <chan_name>sofia/internal/1160@192.168.50.229</chan_name>
        </originator_caller_profile>
      </originator>
    </caller_profile>
    <times>
      <created_time>1217529338460000</created_time>
      <answered_time>1217529341500000</answered_time>
      <hangup_time>1217529377790000</hangup_time>
    </times>
  </callflow>
</cdr>
)";

} // namespace

void TestFreeSwitchCdr::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    const QString samples = qEnvironmentVariable("CRN_SAMPLES_DIR");
    if (!samples.isEmpty() && QDir(samples).exists(u"freeswitch"_qs))
        m_samples = samples + u"/freeswitch/"_qs;
}

QString TestFreeSwitchCdr::sample(const QString &name)
{
    return m_samples.isEmpty() ? QString() : m_samples + name;
}

QByteArray TestFreeSwitchCdr::sampleBytes(const QString &name)
{
    QFile file(sample(name));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QString TestFreeSwitchCdr::writeFile(const QString &name, const QByteArray &content)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    file.write(content);
    return path;
}

std::unique_ptr<CallStore> TestFreeSwitchCdr::openStore(const QString &name)
{
    QString error;
    auto store
        = CallStore::open(TestDatabase::address(m_dir.filePath(name + u".sqlite"_qs)), &error);
    if (!store)
        qWarning().noquote() << error;
    return store;
}

void TestFreeSwitchCdr::urlDecoding_data()
{
    QTest::addColumn<QString>("written");
    QTest::addColumn<QString>("decoded");

    QTest::newRow("space") << u"Agent%20A"_qs << u"Agent A"_qs;
    QTest::newRow("colon, at") << u"1160%40192.168.50.21%3A39368"_qs
                               << u"1160@192.168.50.21:39368"_qs;
    QTest::newRow("quotes and angle brackets")
        << u"%22Agent%20A%22%20%3C1160%3E"_qs << u"\"Agent A\" <1160>"_qs;
    QTest::newRow("plus stays a plus") << u"%2B15550100392+1"_qs << u"+15550100392+1"_qs;
    QTest::newRow("UTF-8") << u"Jos%C3%A9"_qs << u"José"_qs;
    QTest::newRow("nothing encoded") << u"NORMAL_CLEARING"_qs << u"NORMAL_CLEARING"_qs;
}

void TestFreeSwitchCdr::urlDecoding()
{
    QFETCH(QString, written);
    QFETCH(QString, decoded);
    QCOMPARE(FreeSwitchCdrReader::urlDecoded(written), decoded);
}

void TestFreeSwitchCdr::audioPaths_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QStringList>("paths");

    QTest::newRow("record_session's data")
        << u"/rec/a__1.wav"_qs << QStringList { u"/rec/a__1.wav"_qs };
    QTest::newRow("with a time limit") << u"/rec/a.wav +600"_qs << QStringList { u"/rec/a.wav"_qs };
    QTest::newRow("execute_on_answer")
        << u"record_session /var/rec/b.mp3"_qs << QStringList { u"/var/rec/b.mp3"_qs };
    QTest::newRow("channel variables first")
        << u"{RECORD_STEREO=true}/rec/c.WAV"_qs << QStringList { u"/rec/c.WAV"_qs };
    QTest::newRow("application::argument")
        << u"record_session::/rec/d.ogg"_qs << QStringList { u"/rec/d.ogg"_qs };
    QTest::newRow("not expanded") << u"/rec/${uuid}.wav"_qs << QStringList();
    QTest::newRow("a folder") << u"/var/lib/freeswitch/recordings"_qs << QStringList();
    QTest::newRow("no audio") << u"true"_qs << QStringList();
}

void TestFreeSwitchCdr::audioPaths()
{
    QFETCH(QString, value);
    QFETCH(QStringList, paths);
    QCOMPARE(FreeSwitchCdrReader::audioPathsIn(value), paths);
}

void TestFreeSwitchCdr::readsTheBridgedRecordedCall()
{
    const QByteArray bytes = sampleBytes(kBridgedFile);
    if (bytes.isEmpty())
        QSKIP("CRN_SAMPLES_DIR is not set or has no freeswitch folder");

    QList<FreeSwitchCdr> documents;
    QList<FreeSwitchCdrReader::Problem> problems;
    QString error;
    QVERIFY2(FreeSwitchCdrReader::parse(bytes, &documents, &problems, &error), qPrintable(error));
    QVERIFY(problems.isEmpty());
    QCOMPARE(documents.size(), 1);
    const FreeSwitchCdr &cdr = documents.first();

    // SOURCES.md: the A-leg uuid only under callflow/caller_profile/uuid; the B-leg in
    // bridge_uuid, signal_bond and originatee_caller_profile/uuid.
    QCOMPARE(cdr.leg.uuid, kALeg);
    QCOMPARE(cdr.group(), kALeg);
    QVERIFY(cdr.originator.isEmpty());
    QCOMPARE(cdr.bridged.size(), 1);
    QCOMPARE(cdr.bridged.first().uuid, kBLeg);
    QCOMPARE(cdr.bridged.first().channel, u"OpenZAP/1:23/5550100140"_qs);
    QCOMPARE(cdr.bridgedTo, kBLeg);
    QCOMPARE(cdr.leg.channel, u"sofia/internal/1160@192.168.50.229"_qs);
    QCOMPARE(cdr.leg.callerIdName, u"Agent A"_qs);
    QCOMPARE(cdr.leg.callerIdNumber, u"1160"_qs);
    QCOMPARE(cdr.leg.destination, u"95550100140"_qs);

    // callflow/times, in microseconds; answer_epoch says 1217529338 (the start).
    QCOMPARE(cdr.createdUs, Q_INT64_C(1217529338212616));
    QCOMPARE(cdr.progressUs, Q_INT64_C(1217529338450571));
    QCOMPARE(cdr.answeredUs, Q_INT64_C(1217529341528422));
    QCOMPARE(cdr.hangupUs, Q_INT64_C(1217529377795951));
    QCOMPARE(cdr.answerEpochUs, Q_INT64_C(1217529338000000));
    QVERIFY(cdr.answerEpochWholeSeconds);
    QCOMPARE(cdr.duration, u"39"_qs);
    QCOMPARE(cdr.billsec, u"36"_qs);
    QCOMPARE(cdr.hangupCause, u"NORMAL_CLEARING"_qs);
    QCOMPARE(cdr.userAgent, u"X-Lite release 1100l stamp 47546"_qs); // URL-decoded

    // record_session in the app_log, which has no app_stamp in this 2008 CDR.
    QCOMPARE(cdr.recordings.size(), 1);
    QCOMPARE(cdr.recordings.first().path,
             u"/mnt/powervault/Databases/XMLCDR/"_qs + kALeg + u"__1.wav"_qs);
    QCOMPARE(cdr.recordings.first().startUs, Q_INT64_C(0));

    // The stored form reads back the same.
    const FreeSwitchCdr copy = FreeSwitchCdr::fromJson(cdr.toJson());
    QCOMPARE(copy.leg.uuid, cdr.leg.uuid);
    QCOMPARE(copy.bridged.first().uuid, kBLeg);
    QCOMPARE(copy.answeredUs, cdr.answeredUs);
    QCOMPARE(copy.answerEpochUs, cdr.answerEpochUs);
    QCOMPARE(copy.recordings.first().path, cdr.recordings.first().path);
}

void TestFreeSwitchCdr::readsTheUnansweredCall()
{
    const QByteArray bytes = sampleBytes(kUnansweredFile);
    if (bytes.isEmpty())
        QSKIP("CRN_SAMPLES_DIR is not set or has no freeswitch folder");

    QList<FreeSwitchCdr> documents;
    QList<FreeSwitchCdrReader::Problem> problems;
    QString error;
    QVERIFY2(FreeSwitchCdrReader::parse(bytes, &documents, &problems, &error), qPrintable(error));
    QCOMPARE(documents.size(), 1);
    const FreeSwitchCdr &cdr = documents.first();

    // The channel uuid, not <callflow unique-id="801853d6-...">.
    QCOMPARE(cdr.leg.uuid, kUnanswered);
    QCOMPARE(cdr.line, Q_INT64_C(2)); // <cdr> is on the file's second line
    QCOMPARE(cdr.context, u"public"_qs);
    QCOMPARE(cdr.createdUs, Q_INT64_C(1399273898421766));
    QCOMPARE(cdr.hangupUs, Q_INT64_C(1399273898421766));
    QCOMPARE(cdr.answeredUs, Q_INT64_C(0));
    QCOMPARE(cdr.answerEpochUs, Q_INT64_C(0));
    QCOMPARE(cdr.hangupCause, u"NORMAL_CLEARING"_qs);
    QCOMPARE(cdr.q850Cause, 16);
    QCOMPARE(cdr.lastApp, u"export"_qs);
    QCOMPARE(cdr.lastArg, u"RFC2822_DATE=Mon, 05 May 2014 07:11:38 +0000"_qs);
    QCOMPARE(cdr.userAgent, u"sipcli/v1.8"_qs);
    QVERIFY(cdr.bridged.isEmpty());
    QVERIFY(cdr.recordings.isEmpty());
    QCOMPARE(cdr.apps.size(), 2);
    QCOMPARE(cdr.apps.at(1).stampUs, Q_INT64_C(1399273898426099));
}

void TestFreeSwitchCdr::refusesWhatIsNotACdr_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("wellFormed");
    QTest::addColumn<QString>("problem");

    QTest::newRow("cut short") << QByteArray("<?xml version=\"1.0\"?>\n<cdr>\n  <variables>\n")
                               << false
                               << u"line 4: the file ends inside its XML: it was cut short"_qs;
    QTest::newRow("mismatched tags") << QByteArray("<cdr>\n<variables>\n</cdr>\n") << false
                                     << u"line 3: Opening and ending tag mismatch."_qs;
    QTest::newRow("not a cdr") << QByteArray("<?xml version=\"1.0\"?>\n<html></html>\n") << false
                               << u"no <cdr> document"_qs;
    QTest::newRow("no uuid") << QByteArray(
        "<cdr>\n<callflow><times><created_time>1</created_time></times>"
        "</callflow>\n</cdr>\n")
                             << true << u"no channel uuid"_qs;
    QTest::newRow("no times") << QByteArray("<cdr><variables><uuid>a-b</uuid></variables></cdr>")
                              << true << u"no times"_qs;
}

void TestFreeSwitchCdr::refusesWhatIsNotACdr()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, wellFormed);
    QFETCH(QString, problem);

    QList<FreeSwitchCdr> documents;
    QList<FreeSwitchCdrReader::Problem> problems;
    QString error;
    QCOMPARE(FreeSwitchCdrReader::parse(bytes, &documents, &problems, &error), wellFormed);
    QVERIFY(documents.isEmpty());
    if (wellFormed) {
        QCOMPARE(problems.size(), 1);
        QVERIFY2(problems.first().reason.contains(problem), qPrintable(problems.first().reason));
    } else {
        QVERIFY2(error.contains(problem), qPrintable(error));
    }
}

void TestFreeSwitchCdr::severalDocumentsInOneFile()
{
    const QByteArray a = sampleBytes(kBridgedFile);
    const QByteArray b = sampleBytes(kUnansweredFile);
    if (a.isEmpty() || b.isEmpty())
        QSKIP("CRN_SAMPLES_DIR is not set or has no freeswitch folder");

    // Two documents, each with its XML declaration, one after the other.
    QList<FreeSwitchCdr> documents;
    QList<FreeSwitchCdrReader::Problem> problems;
    QString error;
    QVERIFY2(FreeSwitchCdrReader::parse(a + b, &documents, &problems, &error), qPrintable(error));
    QCOMPARE(documents.size(), 2);
    QCOMPARE(documents.at(0).leg.uuid, kALeg);
    QCOMPARE(documents.at(1).leg.uuid, kUnanswered);
    // The second <cdr> is on the line after the first file's lines and its declaration.
    QCOMPARE(documents.at(1).line, qint64(a.count('\n') + 2));
}

void TestFreeSwitchCdr::importsTheBridgedRecordedCall()
{
    if (sampleBytes(kBridgedFile).isEmpty())
        QSKIP("CRN_SAMPLES_DIR is not set or has no freeswitch folder");
    auto store = openStore(u"bridged"_qs);
    QVERIFY(store);

    Importer importer(*store);
    const ImportReport report = importer.importPaths({ sample(kBridgedFile) });
    QVERIFY2(report.ok, qPrintable(report.errorString));
    QCOMPARE(report.filesRead, 1);
    QCOMPARE(report.calls, Q_INT64_C(1));

    const auto call = store->findCall(kALeg);
    QVERIFY(call);
    QCOMPARE(call->crn(), kALeg); // the A-leg uuid, not a callflow unique-id
    QCOMPARE(call->sources, QStringList { u"freeswitch-xml-cdr"_qs });
    QCOMPARE(call->legs.size(), 2);
    QVERIFY(call->leg(kALeg));
    QVERIFY(call->leg(kBLeg));
    // The B-leg's uuid finds the call too.
    QCOMPARE(store->resolveCrn(kBLeg), kALeg);

    // SOURCES.md: starts 2008-07-31 18:35:38 UTC (11:35:38 local in the stamps), 39 s long,
    // billsec 36. From the callflow: created 1217529338.212616, hung up 1217529377.795951,
    // 39.583335 s apart; answered 1217529341.528422, 36.267529 s before the hangup.
    QCOMPARE(call->summary.start, utc("2008-07-31T18:35:38.212616Z"));
    QCOMPARE(call->summary.end, utc("2008-07-31T18:36:17.795951Z"));
    QCOMPARE(call->summary.durationMicroseconds(), Q_INT64_C(39583335));
    QCOMPARE(call->summary.durationMicroseconds() / 1000000, Q_INT64_C(39));
    QCOMPARE(call->leg(kALeg)->answer, utc("2008-07-31T18:35:41.528422Z"));
    QCOMPARE((call->summary.end - call->leg(kALeg)->answer) / 1000000, Q_INT64_C(36));
    QCOMPARE(toString(call->summary.outcome), toString(CallOutcome::Answered));
    QCOMPARE(call->summary.caller, u"1160"_qs);
    QCOMPARE(call->summary.callerName, u"Agent A"_qs);
    QCOMPARE(call->summary.dialed, u"95550100140"_qs);

    const QList<CallEvent> hangups = eventsOf(*call, EventType::Hangup, kALeg);
    QCOMPARE(hangups.size(), 1);
    QCOMPARE(hangups.first().details.value(u"hangup_cause").toString(), u"NORMAL_CLEARING"_qs);
    QCOMPARE(hangups.first().details.value(u"billsec").toInt(), 36);
    QCOMPARE(hangups.first().details.value(u"duration").toInt(), 39);
    QCOMPARE(hangups.first().origin, kBridgedFile + u":2"_qs);
    QCOMPARE(eventsOf(*call, EventType::BridgeEnter, kALeg).size(), 1);
    QCOMPARE(eventsOf(*call, EventType::BridgeEnter, kBLeg).size(), 1);
    // No CDR of the B-leg: its answer is the A-leg's, and said to be inferred.
    const QList<CallEvent> bAnswers = eventsOf(*call, EventType::Answer, kBLeg);
    QCOMPARE(bAnswers.size(), 1);
    QCOMPARE(bAnswers.first().time, utc("2008-07-31T18:35:41.528422Z"));
    QVERIFY(bAnswers.first().details.value(u"inferred").toBool());

    // answer_epoch (the start) against answered_time (3 s later): flagged.
    QVERIFY(hasFlag(call->flags, u"timestamp_mismatch"_qs));

    // The record_session path derived from the A-leg uuid, not on this machine.
    QCOMPARE(call->recordings.size(), 1);
    QCOMPARE(call->summary.recordingCount, 1);
    const Recording &recording = call->recordings.first();
    QCOMPARE(recording.name, kALeg + u"__1.wav"_qs);
    QCOMPARE(recording.legId, kALeg);
    QVERIFY(recording.hasFlag(u"recording_missing"));
    QVERIFY(!recording.start.isValid()); // nothing places a file nobody has
    QVERIFY(recording.flags.first().message.contains(u"/mnt/powervault/Databases/XMLCDR/"));
    QCOMPARE(report.recordingsMissing, 1);
    const auto row = store->findRecording(recording.id);
    QVERIFY(row);
    QCOMPARE(row->crn, kALeg);
}

void TestFreeSwitchCdr::importsTheUnansweredCall()
{
    if (sampleBytes(kUnansweredFile).isEmpty())
        QSKIP("CRN_SAMPLES_DIR is not set or has no freeswitch folder");
    auto store = openStore(u"unanswered"_qs);
    QVERIFY(store);

    Importer importer(*store);
    const ImportReport report = importer.importPaths({ sample(kUnansweredFile) });
    QVERIFY2(report.ok, qPrintable(report.errorString));
    QCOMPARE(report.calls, Q_INT64_C(1));

    // SOURCES.md: 2014-05-05 07:11:38 (start_epoch 1399273898), never answered, 0 s,
    // NORMAL_CLEARING (Q.850 16).
    const auto call = store->findCall(kUnanswered);
    QVERIFY(call);
    QCOMPARE(call->crn(), kUnanswered);
    QVERIFY(!store->findCall(u"801853d6-d424-11e3-8fb3-65b6c3cdac7d"));
    QCOMPARE(call->legs.size(), 1);
    QCOMPARE(call->summary.start, utc("2014-05-05T07:11:38.421766Z"));
    QCOMPARE(call->summary.durationMicroseconds(), Q_INT64_C(0));
    QVERIFY(!call->legs.first().answer.isValid());
    QCOMPARE(toString(call->summary.outcome), toString(CallOutcome::NoAnswer));
    QCOMPARE(toString(call->summary.direction), toString(CallDirection::Inbound));
    const QList<CallEvent> hangups = eventsOf(*call, EventType::Hangup, kUnanswered);
    QCOMPARE(hangups.size(), 1);
    QCOMPARE(hangups.first().details.value(u"hangup_cause").toString(), u"NORMAL_CLEARING"_qs);
    QCOMPARE(hangups.first().details.value(u"q850_cause").toInt(), 16);
    QVERIFY(!hasFlag(call->flags, u"timestamp_mismatch"_qs)); // answer_epoch 0, answered_time 0
    QVERIFY(call->recordings.isEmpty());
}

void TestFreeSwitchCdr::reimportAddsNothing()
{
    if (m_samples.isEmpty())
        QSKIP("CRN_SAMPLES_DIR is not set or has no freeswitch folder");
    auto store = openStore(u"reimport"_qs);
    QVERIFY(store);
    const QStringList paths { sample(kBridgedFile), sample(kUnansweredFile) };

    Importer importer(*store);
    const ImportReport first = importer.importPaths(paths);
    QCOMPARE(first.recordsAdded, Q_INT64_C(2));
    const auto before = store->findCall(kALeg);
    QVERIFY(before);

    const ImportReport second = importer.importPaths(paths);
    QVERIFY(second.ok);
    QCOMPARE(second.recordsAdded, Q_INT64_C(0));
    QCOMPARE(second.rowsKnown, Q_INT64_C(2));
    QCOMPARE(second.calls, Q_INT64_C(0));
    QCOMPARE(second.recordingLinksRead, 0);
    QCOMPARE(second.callsGivenRecordings, Q_INT64_C(0));
    QCOMPARE(store->callCount(), Q_INT64_C(2));
    QCOMPARE(store->findCall(kALeg), before);
}

void TestFreeSwitchCdr::bLegDocumentJoinsItsALeg()
{
    if (sampleBytes(kBridgedFile).isEmpty())
        QSKIP("CRN_SAMPLES_DIR is not set or has no freeswitch folder");
    auto store = openStore(u"b-leg"_qs);
    QVERIFY(store);
    const QString bLeg = writeFile(u"b_e012ce96.cdr.xml"_qs, QByteArray(kBLegDocument));

    Importer importer(*store);
    const ImportReport report = importer.importPaths({ bLeg, sample(kBridgedFile) });
    QVERIFY2(report.ok, qPrintable(report.errorString));
    QCOMPARE(report.filesRead, 2);
    QCOMPARE(store->callCount(), Q_INT64_C(1));

    const auto call = store->findCall(kBLeg);
    QVERIFY(call);
    QCOMPARE(call->crn(), kALeg);
    QCOMPARE(call->legs.size(), 2);
    // The B-leg's own times, not inferred from the A-leg's, and one bridge per side.
    const QList<CallEvent> answers = eventsOf(*call, EventType::Answer, kBLeg);
    QCOMPARE(answers.size(), 1);
    QCOMPARE(answers.first().time, utc("2008-07-31T18:35:41.5Z"));
    QVERIFY(!answers.first().details.contains(u"inferred"));
    QCOMPARE(call->leg(kBLeg)->start, utc("2008-07-31T18:35:38.46Z"));
    QCOMPARE(eventsOf(*call, EventType::BridgeEnter, kBLeg).size(), 1);
    QCOMPARE(eventsOf(*call, EventType::Hangup, kBLeg).first().time,
             utc("2008-07-31T18:36:17.79Z"));
    // The B-leg is called by the number it was sent to, not by the caller id shown to it.
    const Participant *callee = call->participant(call->leg(kBLeg)->participantId);
    QVERIFY(callee);
    QCOMPARE(callee->number, u"5550100140"_qs);
}

QTEST_GUILESS_MAIN(TestFreeSwitchCdr)
#include "tst_freeswitchcdr.moc"
