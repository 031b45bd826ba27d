#include "import/importer.h"
#include "model/timelinebuilder.h"
#include "store/callstore.h"
#include "testdatabase.h"

#include <QDir>
#include <QFile>
#include <QSet>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

// Imports the shared samples into a real SQLite call store, in process, and checks what
// SOURCES.md says a correct import shows. Expected values come from SOURCES.md or from the
// sample rows themselves, worked out by hand in the comments.
class TestImporter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void switchboardIsOneCallAcrossLinkedids();
    void celDialThroughLocalChannel();
    void queueLogCallThroughTwoQueues();
    void queueLogScenarios();
    void cdrRejectsMalformedTimestamps();
    void cdrSpecScenarios();
    void cdrQueueWait_data();
    void cdrQueueWait();
    void legacyCdrRowsSharingUniqueid();
    void wazoMobileDialNewestFirst();
    void wazoGroupCall();
    void wazoQueueTwoMembers();
    void reimportAddsNothing();
    void badRowsAreRejectedWithTheirLines();
    void unknownFormatsAreReported();
    void headersDecide();
    void flatQueueLog();
    void celThenQueueLogMerge();
    void queueLogThenCelMerge();
    void agentIsOnePersonAcrossChannels();

private:
    std::unique_ptr<CallStore> openStore(const QString &name);
    QString sample(const QString &relative) const;
    QString writeFile(const QString &name, const QByteArray &content);
    Call callOf(CallStore &store, const QString &crn);

    QTemporaryDir m_dir;
    QString m_samples;
};

namespace {

Timestamp utc(const char *iso)
{
    return Timestamp::parseIso(QString::fromLatin1(iso)).value_or(Timestamp());
}

double seconds(qint64 microseconds)
{
    return double(microseconds) / 1e6;
}

QList<Segment> segmentsOf(const Call &call, const QString &participantId, SegmentKind kind)
{
    QList<Segment> found;
    for (const Segment &segment : call.segments) {
        if (segment.participantId == participantId && segment.kind == kind)
            found.append(segment);
    }
    return found;
}

QList<CallEvent> eventsOf(const Call &call, EventType type)
{
    QList<CallEvent> found;
    for (const CallEvent &event : call.events) {
        if (event.type == type)
            found.append(event);
    }
    return found;
}

const Participant *participantNamed(const Call &call, const QString &name)
{
    for (const Participant &participant : call.participants) {
        if (participant.name == name)
            return &participant;
    }
    return nullptr;
}

const Participant *callerOf(const Call &call)
{
    for (const Participant &participant : call.participants) {
        if (participant.role == ParticipantRole::Caller)
            return &participant;
    }
    return nullptr;
}

QSet<QString> originsOf(const Call &call)
{
    QSet<QString> origins;
    for (const CallEvent &event : call.events)
        origins.insert(event.origin);
    return origins;
}

bool hasFlag(const Call &call, const QString &code)
{
    return std::any_of(call.flags.cbegin(), call.flags.cend(),
                       [&](const CallFlag &flag) { return flag.code == code; });
}

bool within(Timestamp time, const char *from, const char *to)
{
    return time >= utc(from) && time < utc(to);
}

// One cel_csv row; the columns the tests do not need stay empty.
QByteArray celRow(const char *type, const char *time, const char *channel, const char *uniqueid,
                  const char *linkedid, const char *app = "", const char *appdata = "",
                  const char *extra = "")
{
    QByteArray extraField = QByteArray(extra).replace('"', "\"\"");
    return QByteArray("\"") + type + "\",\"" + time
        + "\",\"\",\"\",\"\",\"\",\"\",\"s\",\"default\",\"" + channel + "\",\"" + app + "\",\""
        + appdata + "\",\"3\",\"\",\"" + uniqueid + "\",\"" + linkedid + "\",\"\",\"\",\"\",\""
        + extraField + "\"\n";
}

// One cel_csv row with the caller id columns too.
QByteArray celPartyRow(const char *type, const char *time, const char *cidName, const char *cidNum,
                       const char *channel, const char *uniqueid, const char *linkedid,
                       const char *app = "", const char *appdata = "", const char *extra = "")
{
    QByteArray extraField = QByteArray(extra).replace('"', "\"\"");
    return QByteArray("\"") + type + "\",\"" + time + "\",\"" + cidName + "\",\"" + cidNum
        + "\",\"\",\"\",\"\",\"s\",\"default\",\"" + channel + "\",\"" + app + "\",\"" + appdata
        + "\",\"3\",\"\",\"" + uniqueid + "\",\"" + linkedid + "\",\"\",\"\",\"\",\"" + extraField
        + "\"\n";
}

} // namespace

#define REQUIRE_SAMPLES()                                                                          \
    do {                                                                                           \
        if (m_samples.isEmpty())                                                                   \
            QSKIP("CRN_SAMPLES_DIR is not set or missing: the shared samples are not here");       \
    } while (false)

void TestImporter::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    const QString samples = qEnvironmentVariable("CRN_SAMPLES_DIR");
    if (!samples.isEmpty() && QDir(samples).exists(u"SOURCES.md"_qs))
        m_samples = samples;
}

std::unique_ptr<CallStore> TestImporter::openStore(const QString &name)
{
    QString error;
    auto store
        = CallStore::open(TestDatabase::address(m_dir.filePath(name + u".sqlite"_qs)), &error);
    if (!store)
        qWarning().noquote() << error;
    return store;
}

QString TestImporter::sample(const QString &relative) const
{
    return m_samples + u'/' + relative;
}

QString TestImporter::writeFile(const QString &name, const QByteArray &content)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qWarning() << "cannot write" << path;
    return path;
}

Call TestImporter::callOf(CallStore &store, const QString &crn)
{
    const auto call = store.findCall(crn);
    if (!call) {
        qWarning().noquote() << "no call" << crn;
        return {};
    }
    return *call;
}

void TestImporter::switchboardIsOneCallAcrossLinkedids()
{
    REQUIRE_SAMPLES();
    auto store = openStore(u"switchboard"_qs);
    QVERIFY(store);
    Importer importer(*store);
    QSignalSpy progress(&importer, &Importer::progress);
    const ImportReport report = importer.importPaths(
        { sample(u"wazo-cel/cel_switchboard_hold_requeue_linkedid_change.psql.txt"_qs) });
    QVERIFY2(report.ok, qPrintable(report.errorString));
    QVERIFY(progress.count() > 0);

    // 27 events, two linkedids, one call: the operator's second channel starts with its own
    // linkedid 1694023659.13, ends it at 18:07:40.649 and carries on under 1694023642.7.
    QCOMPARE(report.rowsRejected, 0);
    QCOMPARE(report.recordsAdded, 27);
    QCOMPARE(report.calls, 1);
    QCOMPARE(store->callCount(), 1);
    QCOMPARE(store->resolveCrn(u"1694023659.13"), u"1694023642.7"_qs);
    const Call call = callOf(*store, u"1694023659.13"_qs);
    QCOMPARE(call.crn(), u"1694023642.7"_qs);
    QCOMPARE(call.events.size(), 27);

    QStringList legs;
    for (const Leg &leg : call.legs)
        legs.append(leg.id);
    legs.sort();
    QCOMPARE(legs, (QStringList { u"1694023642.7"_qs, u"1694023647.10"_qs, u"1694023659.13"_qs }));

    // PJSIP/KvXYRheV-00000004 and -00000005 are one person, the Operator.
    const Participant *operatorPerson = participantNamed(call, u"Operator"_qs);
    QVERIFY(operatorPerson);
    QCOMPARE(call.leg(u"1694023647.10"_qs)->participantId, operatorPerson->id);
    QCOMPARE(call.leg(u"1694023659.13"_qs)->participantId, operatorPerson->id);
    const Participant *caller = callerOf(call);
    QVERIFY(caller);
    QCOMPARE(caller->name, u"Caller"_qs);

    // The bridges: the switchboard's queue holding bridge, the first operator bridge, the
    // hold bridge, then the second operator bridge (SOURCES.md lists the last two together).
    QStringList bridges;
    for (const CallEvent &event : eventsOf(call, EventType::BridgeEnter)) {
        const QString id = event.details.value(EventDetail::BridgeId).toString();
        if (!bridges.contains(id))
            bridges.append(id);
    }
    QCOMPARE(bridges,
             (QStringList { u"switchboard-34aba842-e9d3-49c7-ba36-45cdf78bb1fb-queue"_qs,
                            u"2513e8a5-184f-4399-a592-a8c629b2aaed"_qs,
                            u"switchboard-34aba842-e9d3-49c7-ba36-45cdf78bb1fb-hold"_qs,
                            u"d855ac7e-790b-46bc-9b7f-9634ea7081e1"_qs }));

    // The caller waits in the queue bridge 18:07:24.634089-18:07:27.279066, talks in the
    // first operator bridge 18:07:28.7-18:07:33.99, holds 18:07:33.99-18:07:39.181324 and
    // talks again 18:07:40.6-18:07:45.9.
    const QList<Segment> queue = segmentsOf(call, caller->id, SegmentKind::Queue);
    QCOMPARE(queue.size(), 1);
    QCOMPARE(queue.first().start, utc("2023-09-06T18:07:24.634089Z"));
    QCOMPARE(queue.first().end, utc("2023-09-06T18:07:27.279066Z"));
    const QList<Segment> talks = segmentsOf(call, caller->id, SegmentKind::Talk);
    QCOMPARE(talks.size(), 2);
    QVERIFY(within(talks[0].start, "2023-09-06T18:07:28.7Z", "2023-09-06T18:07:28.8Z"));
    QVERIFY(within(talks[0].end, "2023-09-06T18:07:33.99Z", "2023-09-06T18:07:34Z"));
    QVERIFY(within(talks[1].start, "2023-09-06T18:07:40.6Z", "2023-09-06T18:07:40.7Z"));
    QVERIFY(within(talks[1].end, "2023-09-06T18:07:45.9Z", "2023-09-06T18:07:46Z"));
    const QList<Segment> holds = segmentsOf(call, caller->id, SegmentKind::Hold);
    QCOMPARE(holds.size(), 1);
    QVERIFY(within(holds.first().start, "2023-09-06T18:07:33.99Z", "2023-09-06T18:07:34Z"));
    QCOMPARE(holds.first().end, utc("2023-09-06T18:07:39.181324Z"));

    // The operator's first talk is the same stretch: 18:07:28.7-18:07:33.99.
    const QList<Segment> operatorTalks = segmentsOf(call, operatorPerson->id, SegmentKind::Talk);
    QCOMPARE(operatorTalks.size(), 2);
    QVERIFY(within(operatorTalks[0].start, "2023-09-06T18:07:28.7Z", "2023-09-06T18:07:28.8Z"));
    QVERIFY(within(operatorTalks[0].end, "2023-09-06T18:07:33.99Z", "2023-09-06T18:07:34Z"));

    // Answered about 18:07:28: the operator's first channel answers at 18:07:28.621623.
    QVERIFY(within(call.leg(u"1694023647.10"_qs)->answer, "2023-09-06T18:07:28Z",
                   "2023-09-06T18:07:29Z"));
    QCOMPARE(toString(call.summary.direction), u"inbound"_qs);
    QCOMPARE(call.summary.caller, u"8001"_qs);
    QCOMPARE(call.summary.dialed, u"91001"_qs);
    QCOMPARE(call.summary.agents, QStringList { u"Operator"_qs });
    QCOMPARE(toString(call.summary.outcome), u"answered"_qs);
    QCOMPARE(call.summary.start, utc("2023-09-06T18:07:22.626751Z"));
    QCOMPARE(call.summary.end, utc("2023-09-06T18:07:45.983346Z"));

    // The old linkedid's end is kept as a record, but it does not end the call.
    const QList<CallEvent> ends = eventsOf(call, EventType::CallEnd);
    QCOMPARE(ends.size(), 1);
    QCOMPARE(ends.first().time, utc("2023-09-06T18:07:45.983346Z"));

    // Searching for the second channel finds the one call.
    SearchQuery query;
    query.text = u"1694023659.13"_qs;
    const SearchPage page = store->search(query);
    QCOMPARE(page.calls.size(), 1);
    QCOMPARE(page.calls.first().crn, u"1694023642.7"_qs);
}

void TestImporter::celDialThroughLocalChannel()
{
    REQUIRE_SAMPLES();
    auto store = openStore(u"celcsv"_qs);
    QVERIFY(store);
    Importer importer(*store);
    const ImportReport report
        = importer.importPaths({ sample(u"asterisk-cel/cel_csv_dial_local_channel.csv"_qs) });
    QVERIFY(report.ok);
    QCOMPARE(report.recordsAdded, 16);

    const Call call = callOf(*store, u"1335310195.0"_qs);
    QCOMPARE(call.crn(), u"1335310195.0"_qs);
    QCOMPARE(call.legs.size(), 3);
    QVERIFY(call.leg(u"1335310195.0"_qs) && call.leg(u"1335310195.1"_qs)
            && call.leg(u"1335310195.2"_qs));
    QCOMPARE(call.sources, QStringList { u"asterisk-cel"_qs });

    // From CHAN_START 1335310195.513823 to LINKEDID_END 1335310213.625295: 18.111472 s.
    QCOMPARE(call.summary.start, Timestamp::fromMicroseconds(Q_INT64_C(1335310195513823)));
    QCOMPARE(call.summary.durationMicroseconds(), Q_INT64_C(18111472));
    QCOMPARE(call.summary.start.toIso(), u"2012-04-24T23:29:55.513823Z"_qs);

    QCOMPARE(eventsOf(call, EventType::Answer).size(), 4);
    const QList<CallEvent> hangups = eventsOf(call, EventType::Hangup);
    QCOMPARE(hangups.size(), 3);
    for (const CallEvent &hangup : hangups)
        QCOMPARE(hangup.details.value(EventDetail::HangupCause).toInt(), 16);
    // The last HANGUP's extra is "16,,ANSWER": cause, source, dialstatus.
    QCOMPARE(hangups.last().legId, u"1335310195.0"_qs);
    QCOMPARE(hangups.last().details.value(EventDetail::DialStatus).toString(), u"ANSWER"_qs);
    QVERIFY(!hangups.last().details.contains(EventDetail::HangupSource));
    // The first: "16,dialplan/builtin,".
    QCOMPARE(hangups.first().details.value(EventDetail::HangupSource).toString(),
             u"dialplan/builtin"_qs);

    // The bridge starts at +0.017468 s (195.531291) and ends at +17.207526 s (212.721349).
    const QList<CallEvent> enters = eventsOf(call, EventType::BridgeEnter);
    QCOMPARE(enters.size(), 1);
    QCOMPARE(enters.first().sourceType, u"BRIDGE_START"_qs);
    QCOMPARE(enters.first().time - call.summary.start, Q_INT64_C(17468));
    QCOMPARE(eventsOf(call, EventType::BridgeExit).first().time - call.summary.start,
             Q_INT64_C(17207526));

    // Local;2 plays tt-monkeys: that half is the IVR, and the caller is in it throughout.
    const Leg *ivrLeg = call.leg(u"1335310195.2"_qs);
    const Participant *ivr = call.participant(ivrLeg->participantId);
    QVERIFY(ivr);
    QCOMPARE(toString(ivr->role), u"ivr"_qs);
    QVERIFY(call.leg(u"1335310195.1"_qs)->participantId.isEmpty()); // plumbing
    const Participant *caller = callerOf(call);
    QVERIFY(caller);
    QCOMPARE(segmentsOf(call, caller->id, SegmentKind::Talk).size(), 0);
    QCOMPARE(segmentsOf(call, caller->id, SegmentKind::Ivr).size(), 1);
    QCOMPARE(eventsOf(call, EventType::CallEnd).size(), 1);
}

void TestImporter::queueLogCallThroughTwoQueues()
{
    REQUIRE_SAMPLES();
    auto store = openStore(u"twoqueues"_qs);
    QVERIFY(store);
    Importer importer(*store);
    QVERIFY(
        importer
            .importPaths({ sample(u"asterisk-queue_log/queue_log_agent_stats_scenarios.csv"_qs) })
            .ok);

    const Call call = callOf(*store, u"1383900788.167039"_qs);
    QCOMPARE(call.crn(), u"1383900788.167039"_qs); // one scenario only: not qualified
    QCOMPARE(call.summary.queues, (QStringList { u"q12"_qs, u"q13"_qs }));
    QCOMPARE(call.summary.agents, (QStringList { u"Agent/12"_qs, u"Agent/13"_qs }));
    QCOMPARE(call.summary.caller, u"##########"_qs);

    // Agent/12 talks 09:53:12.684547-10:02:30.219402 = 557.534855 s, which COMPLETECALLER
    // reports as 558; Agent/13 10:02:32.770339-10:04:19.485883 = 106.715544 s, reported 107.
    const QList<Segment> first = segmentsOf(call, u"Agent/12"_qs, SegmentKind::Talk);
    const QList<Segment> second = segmentsOf(call, u"Agent/13"_qs, SegmentKind::Talk);
    QCOMPARE(first.size(), 1);
    QCOMPARE(second.size(), 1);
    QVERIFY(qAbs(seconds(first.first().end - first.first().start) - 558) < 1);
    QVERIFY(qAbs(seconds(second.first().end - second.first().start) - 107) < 1);
    // The first session's COMPLETECALLER is followed by the caller entering q13: the scenario
    // is an agent transferring the caller to another queue, so it is a transfer, not a hangup.
    const QList<CallEvent> transfers = eventsOf(call, EventType::Transfer);
    QCOMPARE(transfers.size(), 1);
    QCOMPARE(transfers.first().time, utc("2013-11-08T10:02:30.219402Z"));
    QCOMPARE(transfers.first().details.value(u"target").toString(), u"queue q13"_qs);
    QCOMPARE(transfers.first().details.value(u"talk_time").toInt(), 558);
    QList<int> talkTimes;
    for (const CallEvent &hangup : eventsOf(call, EventType::Hangup))
        talkTimes.append(hangup.details.value(u"talk_time").toInt());
    QCOMPARE(talkTimes, (QList<int> { 107 }));
    QCOMPARE(toString(call.summary.outcome), u"transferred"_qs);

    // Two queue segments, one in each queue's lane.
    const QList<Segment> q12 = segmentsOf(call, u"queue:q12"_qs, SegmentKind::Queue);
    const QList<Segment> q13 = segmentsOf(call, u"queue:q13"_qs, SegmentKind::Queue);
    QCOMPARE(q12.size(), 1);
    QCOMPARE(q13.size(), 1);
    QCOMPARE(q12.first().start, utc("2013-11-08T09:53:09.948070Z"));
    QCOMPARE(q12.first().end, utc("2013-11-08T09:53:12.684547Z"));
    QCOMPARE(q13.first().start, utc("2013-11-08T10:02:30.569451Z"));
    QCOMPARE(q13.first().end, utc("2013-11-08T10:02:32.770339Z"));
    QCOMPARE(segmentsOf(call, callerOf(call)->id, SegmentKind::Queue).size(), 2);

    // The member channel's uniqueid from CONNECT's data2 finds the call too.
    QCOMPARE(store->resolveCrn(u"1383900789.167040"), u"1383900788.167039"_qs);
}

void TestImporter::queueLogScenarios()
{
    REQUIRE_SAMPLES();
    auto store = openStore(u"queuelog"_qs);
    QVERIFY(store);
    Importer importer(*store);
    const QString path = sample(u"asterisk-queue_log/queue_log_agent_stats_scenarios.csv"_qs);
    const ImportReport report = importer.importPaths({ path });
    QVERIFY(report.ok);

    // "Generate stats twice" (lines 57-59) writes times without a date: 10:10.777777,
    // 25:10.777777, 25:11.555555. Nothing else is wrong in the file.
    QList<qint64> lines;
    for (const ImportProblem &problem : report.problems) {
        QCOMPARE(problem.path, path);
        lines.append(problem.line);
    }
    QCOMPARE(lines, (QList<qint64> { 57, 58, 59 }));
    QVERIFY(report.problems.first().message.contains(u"10:10.777777"));
    // Lines 29-87 are agent rows (logins, pauses, a wrap-up without a callid): 59 rows, of
    // which the three above are rejected first.
    QCOMPARE(report.agentRows, 56);
    // Calls: answered_1-3, talk_time_1-6, wrapup_time_1 and 1383900788.167039.
    QCOMPARE(report.calls, 11);
    QCOMPARE(store->callCount(), 11);

    // answered_2: one second in q01 (CONNECT's hold time), then transferred to s@user.
    const Call answered = callOf(*store, u"answered_2"_qs);
    QCOMPARE(toString(answered.summary.outcome), u"transferred"_qs);
    const QList<CallEvent> transfers = eventsOf(answered, EventType::Transfer);
    QCOMPARE(transfers.size(), 1);
    QCOMPARE(transfers.first().details.value(EventDetail::Target).toString(), u"s@user"_qs);
    QCOMPARE(eventsOf(answered, EventType::Answer).first().details.value(u"hold_time").toInt(), 1);
    QCOMPARE(answered.summary.agents, QStringList { u"Agent/1"_qs });

    // talk_time_3..6 end in each kind of transfer; the LINK row keeps data5 "10|1".
    const QStringList words
        = { u"TRANSFER"_qs, u"BLINDTRANSFER"_qs, u"ATTENDEDTRANSFER"_qs, u"ATTENDEDTRANSFER"_qs };
    for (int i = 0; i < 4; ++i) {
        const Call call = callOf(*store, u"talk_time_"_qs + QString::number(i + 3));
        const QList<CallEvent> transfer = eventsOf(call, EventType::Transfer);
        QCOMPARE(transfer.size(), 1);
        QCOMPARE(transfer.first().sourceType, words[i]);
    }
    const CallEvent link = eventsOf(callOf(*store, u"talk_time_6"_qs), EventType::Transfer).first();
    QCOMPARE(link.details.value(u"method").toString(), u"LINK"_qs);
    QCOMPARE(link.details.value(u"data5").toString(), u"10|1"_qs);

    // The rows of the first scenario are newest first; the call is in time order anyway.
    const Call first = callOf(*store, u"answered_1"_qs);
    QCOMPARE(first.events.first().sourceType, u"ENTERQUEUE"_qs);
    QCOMPARE(first.events.last().sourceType, u"COMPLETECALLER"_qs);

    // Agent/11's WRAPUPSTART (line 87, callid NONE, data1 15) follows its COMPLETEAGENT by
    // 2.35 ms: a 15 s wrap-up on Agent/11's lane.
    const Call wrapped = callOf(*store, u"wrapup_time_1"_qs);
    const QList<Segment> wrapUps = segmentsOf(wrapped, u"Agent/11"_qs, SegmentKind::WrapUp);
    QCOMPARE(wrapUps.size(), 1);
    QCOMPARE(wrapUps.first().start, utc("2012-01-01T09:43:07.216260Z"));
    QCOMPARE(wrapUps.first().end - wrapUps.first().start, Q_INT64_C(15000000));

    // Login rows are not calls, although login_time_1 repeats across scenarios.
    QVERIFY(store->resolveCrn(u"login_time_1").isEmpty());
}

void TestImporter::cdrRejectsMalformedTimestamps()
{
    REQUIRE_SAMPLES();
    auto store = openStore(u"cdrtimes"_qs);
    QVERIFY(store);
    Importer importer(*store);
    QSignalSpy rejected(&importer, &Importer::rowRejected);
    const QString path = sample(u"asterisk-cdr/cdr_spec_scenarios.csv"_qs);
    const ImportReport report = importer.importPaths({ path });
    QVERIFY(report.ok);

    // Line 1 is the header; the scenarios start on line 2. The 16th data row, line 17, is
    // the first "SIP Protocol Attended Transfer" row, whose end is 2013-04-13:12:08.
    QCOMPARE(report.rowsRejected, 1);
    QCOMPARE(rejected.count(), 1);
    QCOMPARE(rejected.first().at(0).toString(), path);
    QCOMPARE(rejected.first().at(1).toLongLong(), 17);
    QVERIFY(rejected.first().at(2).toString().contains(u"2013-04-13:12:08"));
    QCOMPARE(report.recordsAdded, 41); // 42 rows, one rejected
}

void TestImporter::cdrSpecScenarios()
{
    REQUIRE_SAMPLES();
    auto store = openStore(u"cdrspec"_qs);
    QVERIFY(store);
    Importer importer(*store);
    QVERIFY(importer.importPaths({ sample(u"asterisk-cdr/cdr_spec_scenarios.csv"_qs) }).ok);
    const QString file = u"cdr_spec_scenarios.csv:"_qs;

    // The same linkedid in many scenarios: each scenario's call is qualified, none is plain.
    QVERIFY(store->resolveCrn(u"Asterisk-01-1362424276.2").isEmpty());

    // Blind Transfer: lines 9 and 10, one call, three people; the transfer at 13:11:48,
    // 30 s after the call starts at 13:11:18.
    const Call blind = callOf(*store, u"Asterisk-01-1362424276.2@blind-transfer"_qs);
    QCOMPARE(blind.crn(), u"Asterisk-01-1362424276.2@blind-transfer"_qs);
    QCOMPARE(originsOf(blind), (QSet<QString> { file + u"9"_qs, file + u"10"_qs }));
    QCOMPARE(blind.participants.size(), 3);
    const QList<CallEvent> transfers = eventsOf(blind, EventType::Transfer);
    QCOMPARE(transfers.size(), 1);
    QCOMPARE(transfers.first().time, utc("2013-03-04T13:11:48Z"));
    QCOMPARE(transfers.first().time - blind.summary.start, Q_INT64_C(30000000));
    QCOMPARE(toString(blind.summary.outcome), u"transferred"_qs);

    // Core Attended Transfer to Channel: lines 11-13 in one call; Bob's consultation leg
    // has its own uniqueid but Alice's linkedid; Alice and Charlie bridge at 13:12:18.
    const QString attended = u"Asterisk-01-1362424276.2@core-attended-transfer-to-channel"_qs;
    const Call core = callOf(*store, attended);
    QCOMPARE(originsOf(core),
             (QSet<QString> { file + u"11"_qs, file + u"12"_qs, file + u"13"_qs }));
    QCOMPARE(store->resolveCrn(u"Asterisk-01-1362424280.1@core-attended-transfer-to-channel"),
             attended);
    bool aliceMeetsCharlie = false;
    for (const CallEvent &event : eventsOf(core, EventType::BridgeEnter)) {
        if (event.origin == file + u"13"_qs && event.time == utc("2013-03-04T13:12:18Z"))
            aliceMeetsCharlie = true;
    }
    QVERIFY(aliceMeetsCharlie);

    // SIP Protocol Attended Transfer cannot be joined: two CRNs, each used in this scenario
    // only and so not qualified, each flagged. (Its first row, line 17, is rejected.)
    const Call left = callOf(*store, u"Asterisk-01-13624276.2"_qs);
    const Call right = callOf(*store, u"Asterisk-01-136242428.3"_qs);
    QCOMPARE(left.crn(), u"Asterisk-01-13624276.2"_qs);
    QCOMPARE(right.crn(), u"Asterisk-01-136242428.3"_qs);
    QVERIFY(hasFlag(left, u"unjoined_leg"_qs));
    QVERIFY(hasFlag(right, u"unjoined_leg"_qs));

    // Parallel dial: two rows, IAX2/bob answers.
    const Call parallel = callOf(*store, u"Asterisk-01-1362424276.2@parallel-dial"_qs);
    QCOMPARE(parallel.summary.agents.size(), 1);
    QCOMPARE(toString(parallel.summary.outcome), u"answered"_qs);
}

void TestImporter::cdrQueueWait_data()
{
    QTest::addColumn<QString>("crn");
    QTest::addColumn<qint64>("waitSeconds");

    // Answer minus start: 13:12:18 - 13:11:18 and 13:12:38 - 13:11:18.
    QTest::newRow("Call Queue - Example 1")
        << u"Asterisk-01-1362424276.2@call-queue-example-1"_qs << qint64(60);
    QTest::newRow("Call Queue - Example 2")
        << u"Asterisk-01-1362424276.2@call-queue-example-2"_qs << qint64(80);
}

void TestImporter::cdrQueueWait()
{
    REQUIRE_SAMPLES();
    QFETCH(QString, crn);
    QFETCH(qint64, waitSeconds);

    auto store = openStore(u"cdrqueue"_qs);
    QVERIFY(store);
    Importer importer(*store);
    QVERIFY(importer.importPaths({ sample(u"asterisk-cdr/cdr_spec_scenarios.csv"_qs) }).ok);

    const Call call = callOf(*store, crn);
    QCOMPARE(call.summary.queues, QStringList { u"complaints"_qs });
    const QList<Segment> waits = segmentsOf(call, u"queue:complaints"_qs, SegmentKind::Queue);
    QCOMPARE(waits.size(), 1);
    QCOMPARE(waits.first().end - waits.first().start, waitSeconds * 1000000);
    QCOMPARE(segmentsOf(call, callerOf(call)->id, SegmentKind::Queue).size(), 1);
    // Bob (BUSY or NO ANSWER) rang; Charlie answered.
    QCOMPARE(call.summary.agents, QStringList { u"charlie"_qs });
    QVERIFY(call.participant(u"SIP/bob"_qs));
}

void TestImporter::legacyCdrRowsSharingUniqueid()
{
    REQUIRE_SAMPLES();
    auto store = openStore(u"legacy"_qs);
    QVERIFY(store);
    Importer importer(*store);
    const ImportReport report
        = importer.importPaths({ sample(u"asterisk-cdr/cdr_csv_dispositions.csv"_qs) });
    QVERIFY(report.ok);
    QCOMPARE(report.recordsAdded, 5);
    QCOMPARE(report.calls, 1);

    // Five rows, one uniqueid 1231977075.0: one call, every row still there, and a flag.
    const Call call = callOf(*store, u"1231977075.0"_qs);
    const QString file = u"cdr_csv_dispositions.csv:"_qs;
    QCOMPARE(originsOf(call),
             (QSet<QString> { file + u"1"_qs, file + u"2"_qs, file + u"3"_qs, file + u"4"_qs,
                              file + u"5"_qs }));
    QVERIFY(hasFlag(call, u"duplicate_uniqueid"_qs));
    // Row 2: billsec 7 is more than its duration 5.
    QVERIFY(hasFlag(call, u"billsec_exceeds_duration"_qs));
    QCOMPARE(call.summary.flagCount, call.flags.size());
    const Participant *caller = callerOf(call);
    QCOMPARE(caller->name, u"Test User"_qs); // from "Test User" <test>
    QCOMPARE(caller->number, u"test"_qs);
    QCOMPARE(call.summary.start, utc("2009-01-14T23:51:15Z")); // CDR times are UTC
}

void TestImporter::wazoMobileDialNewestFirst()
{
    REQUIRE_SAMPLES();
    auto store = openStore(u"mobile"_qs);
    QVERIFY(store);
    Importer importer(*store);
    QVERIFY(importer.importPaths({ sample(u"wazo-cel/cel_mobile_dial_local_channels.psql.txt"_qs) })
                .ok);
    QCOMPARE(store->callCount(), 1);

    const Call call = callOf(*store, u"1567020560.33"_qs);
    QStringList legs;
    for (const Leg &leg : call.legs)
        legs.append(leg.id);
    legs.sort();
    QCOMPARE(legs,
             (QStringList { u"1567020560.33"_qs, u"1567020561.34"_qs, u"1567020561.35"_qs,
                            u"1567020561.36"_qs, u"1567020561.37"_qs }));
    QCOMPARE(call.events.size(), 29);

    // The file is newest first (its last line, 30, is the CHAN_START); the call is not.
    QVERIFY(std::is_sorted(call.events.cbegin(), call.events.cend(),
                           [](const CallEvent &a, const CallEvent &b) { return a.time < b.time; }));
    QCOMPARE(call.events.first().sourceType, u"CHAN_START"_qs);
    QCOMPARE(call.events.first().origin, u"cel_mobile_dial_local_channels.psql.txt:30"_qs);
    QCOMPARE(call.summary.start, utc("2019-08-28T15:29:20.778532Z"));
    QCOMPARE(eventsOf(call, EventType::CallEnd).first().time, utc("2019-08-28T15:29:32.275896Z"));

    // Alice 1001 calls Bob 1002 through Local channels; answered about 15:29:26.6.
    QCOMPARE(call.summary.caller, u"1001"_qs);
    QCOMPARE(call.summary.callerName, u"Alice"_qs);
    QCOMPARE(call.summary.dialed, u"1002"_qs);
    QCOMPARE(call.summary.agents, QStringList { u"Bob"_qs });
    const QList<Segment> talks = segmentsOf(call, callerOf(call)->id, SegmentKind::Talk);
    QCOMPARE(talks.size(), 1);
    QVERIFY(within(talks.first().start, "2019-08-28T15:29:26.5Z", "2019-08-28T15:29:26.7Z"));
    // Both of Bob's registrations rang: one participant; the Local halves have no lane.
    const Participant *bob = participantNamed(call, u"Bob"_qs);
    QVERIFY(bob);
    QCOMPARE(call.leg(u"1567020561.36"_qs)->participantId, bob->id);
    QCOMPARE(call.leg(u"1567020561.37"_qs)->participantId, bob->id);
    QVERIFY(call.leg(u"1567020561.34"_qs)->participantId.isEmpty());
    QCOMPARE(call.participants.size(), 2);
}

void TestImporter::wazoGroupCall()
{
    REQUIRE_SAMPLES();
    auto store = openStore(u"group"_qs);
    QVERIFY(store);
    Importer importer(*store);
    QVERIFY(
        importer.importPaths({ sample(u"wazo-cel/cel_group_call_local_optimization.psql.txt"_qs) })
            .ok);
    QCOMPARE(store->callCount(), 1);

    const Call call = callOf(*store, u"1612809661.11"_qs);
    QCOMPARE(call.summary.start, utc("2021-02-08T18:41:01.659557Z"));
    // Answered with the caller's BRIDGE_ENTER at 18:41:07.315137; the caller hangs up at
    // 18:41:08.892839 (the call's last record, LINKEDID_END, is at 18:41:08.90886).
    const Participant *caller = callerOf(call);
    const QList<Segment> talks = segmentsOf(call, caller->id, SegmentKind::Talk);
    QCOMPARE(talks.size(), 1); // 9jqihz0h's exit and re-entry 0.1 ms later is no gap
    QCOMPARE(talks.first().start, utc("2021-02-08T18:41:07.315137Z"));
    QCOMPARE(call.leg(u"1612809661.11"_qs)->end, utc("2021-02-08T18:41:08.892839Z"));
    QCOMPARE(call.summary.end, utc("2021-02-08T18:41:08.90886Z"));

    QCOMPARE(call.summary.agents, QStringList { u"9jqihz0h"_qs });
    QCOMPARE(segmentsOf(call, u"PJSIP/uzyebgp2"_qs, SegmentKind::Ringing).size(), 1);
    QCOMPARE(segmentsOf(call, u"PJSIP/uzyebgp2"_qs, SegmentKind::Talk).size(), 0);
}

void TestImporter::wazoQueueTwoMembers()
{
    REQUIRE_SAMPLES();
    auto store = openStore(u"members"_qs);
    QVERIFY(store);
    Importer importer(*store);
    QVERIFY(
        importer.importPaths({ sample(u"wazo-cel/cel_queue_call_two_members.psql.txt"_qs) }).ok);

    const Call call = callOf(*store, u"1612971551.59"_qs);
    QCOMPARE(call.summary.start, utc("2021-02-10T15:39:11.425631Z"));
    QCOMPARE(call.summary.end, utc("2021-02-10T15:39:15.641666Z"));
    const QList<Segment> talks = segmentsOf(call, callerOf(call)->id, SegmentKind::Talk);
    QCOMPARE(talks.size(), 1);
    QCOMPARE(talks.first().start, utc("2021-02-10T15:39:14.413848Z"));
    QCOMPARE(call.summary.agents, QStringList { u"o7r761lt"_qs });
    QCOMPARE(segmentsOf(call, u"PJSIP/w6hpvj79"_qs, SegmentKind::Ringing).size(), 1);
    QCOMPARE(segmentsOf(call, u"PJSIP/w6hpvj79"_qs, SegmentKind::Talk).size(), 0);
}

void TestImporter::reimportAddsNothing()
{
    REQUIRE_SAMPLES();
    auto store = openStore(u"reimport"_qs);
    QVERIFY(store);
    Importer importer(*store);
    const ImportReport first = importer.importPaths({ m_samples });
    QVERIFY(first.ok);
    QVERIFY(first.calls > 0);
    const qint64 calls = store->callCount();
    const Call before = callOf(*store, u"1694023642.7"_qs);

    const ImportReport second = importer.importPaths({ m_samples });
    QVERIFY(second.ok);
    QCOMPARE(second.recordsAdded, 0);
    QCOMPARE(second.calls, 0);
    QCOMPARE(second.legs, 0);
    QCOMPARE(second.events, 0);
    QCOMPARE(second.callsMerged, 0);
    QCOMPARE(second.rowsKnown, first.recordsAdded);
    QCOMPARE(second.rowsRejected, first.rowsRejected); // the same bad rows, again
    QCOMPARE(store->callCount(), calls);
    QCOMPARE(callOf(*store, u"1694023642.7"_qs), before);
    QVERIFY(second.summaryLine().contains(u": 0 calls, 0 legs, 0 events"));
}

void TestImporter::badRowsAreRejectedWithTheirLines()
{
    auto store = openStore(u"badrows"_qs);
    QVERIFY(store);
    QByteArray content;
    content += celRow("CHAN_START", "1700000000.000001", "SIP/a-00000001", "1700000000.1",
                      "1700000000.1"); // line 1
    content += celRow("ANSWER", "1700000000.500000", "SIP/a-00000001", "1700000000.1",
                      "1700000000.1"); // line 2
    content += "\"HANGUP\",\"1700000001.0\",\"\",\"\",\"\",\"\",\"\",\"s\",\"d\",\"c\",\"\","
               "\"\",\"3\",\"\",\"1700000000.1\",\"1700000000.1\",\"\",\"\",\"\"\n"; // line 3: 19
    content += celRow("HOLD", "1700000001.100000", "SIP/a-00000001", "1700000000.1", "1700000000.1")
                   .replace("\"s\"", "\"\xff\xfe\""); // line 4
    content += celRow("UNHOLD", "tomorrow", "SIP/a-00000001", "1700000000.1",
                      "1700000000.1"); // line 5
    content += "\"HOLD\",\"1700000001.2,\"\"\n"; // line 6
    content += "\n"; // line 7
    content += celRow("HANGUP", "1700000002.000000", "SIP/a-00000001", "1700000000.1",
                      "1700000000.1", "", "", "16,,ANSWER"); // line 8
    // A different call whose id differs only by a trailing zero: ids are text.
    content += celRow("CHAN_START", "1700000003.000000", "SIP/b-00000002", "1700000000.10",
                      "1700000000.10"); // line 9
    const QString path = writeFile(u"bad_rows_cel.csv"_qs, content);

    Importer importer(*store);
    const ImportReport report = importer.importPaths({ path });
    QVERIFY(report.ok);
    QStringList problems;
    for (const ImportProblem &problem : report.problems) {
        QCOMPARE(problem.path, path);
        problems.append(QString::number(problem.line) + u": "_qs + problem.message);
    }
    QCOMPARE(problems.size(), 4);
    QVERIFY(problems[0].startsWith(u"3: expected 20 fields, found 19"));
    QVERIFY(problems[1].startsWith(u"4: invalid UTF-8"));
    QVERIFY(problems[2].startsWith(u"5: malformed eventtime \"tomorrow\""));
    QVERIFY(problems[3].startsWith(u"6: a quoted field is not closed"));

    // The rest is imported: 3 events of one call, 1 of the other.
    QCOMPARE(report.recordsAdded, 4);
    QCOMPARE(store->callCount(), 2);
    QCOMPARE(callOf(*store, u"1700000000.1"_qs).events.size(), 3);
    QCOMPARE(callOf(*store, u"1700000000.10"_qs).events.size(), 1);
    QVERIFY(report.summaryLine().contains(u"4 rows rejected"));
}

void TestImporter::unknownFormatsAreReported()
{
    auto store = openStore(u"unknown"_qs);
    QVERIFY(store);
    const QString notes = writeFile(u"notes.txt"_qs, "Call me back about the outage.\nThanks\n");
    QStringList paths { notes };
    if (!m_samples.isEmpty())
        paths.append(sample(u"twilio/call_fetch.json"_qs));

    Importer importer(*store);
    QSignalSpy skipped(&importer, &Importer::fileSkipped);
    const ImportReport report = importer.importPaths(paths);
    QVERIFY(report.ok);
    QCOMPARE(report.filesRead, 0);
    QCOMPARE(report.filesSkipped, paths.size());
    QCOMPARE(skipped.count(), paths.size());
    QCOMPARE(skipped.first().at(0).toString(), notes);
    QVERIFY(skipped.first().at(1).toString().contains(u"not an Asterisk CDR, CEL or queue_log"));
    if (paths.size() > 1)
        QVERIFY(skipped.at(1).at(1).toString().contains(u"format not supported yet"));
    QCOMPARE(store->callCount(), 0);
    QVERIFY(report.summaryLine().startsWith(u"imported 0 files"));
}

void TestImporter::headersDecide()
{
    auto store = openStore(u"headers"_qs);
    QVERIFY(store);
    // A header names the columns, in any order, after a byte order mark.
    const QString cel = writeFile(u"cel_with_header.csv"_qs,
                                  "\xEF\xBB\xBFlinkedid,eventtime,eventtype,channame,uniqueid\n"
                                  "1700000000.5,1700000000.500001,CHAN_START,SIP/x-00000001,"
                                  "1700000000.5\n"
                                  "1700000000.5,1700000009.000002,HANGUP,SIP/x-00000001,"
                                  "1700000000.5\n");
    // A CDR header without a start column: no row can be placed in time, the file is skipped.
    const QString cdr = writeFile(u"cdr_without_start.csv"_qs,
                                  "channel,disposition,billsec,uniqueid\nSIP/x,ANSWERED,5,1.2\n");

    Importer importer(*store);
    QSignalSpy skipped(&importer, &Importer::fileSkipped);
    const ImportReport report = importer.importPaths({ cel, cdr, cel });
    QVERIFY(report.ok);
    QCOMPARE(report.filesRead, 1); // the CEL file, named twice, is read once
    QCOMPARE(report.recordsAdded, 2);
    QCOMPARE(skipped.count(), 1);
    QCOMPARE(skipped.first().at(0).toString(), cdr);
    QVERIFY(skipped.first().at(1).toString().contains(u"line 1: the header has no start column"));
    const Call call = callOf(*store, u"1700000000.5"_qs);
    QCOMPARE(call.summary.durationMicroseconds(), Q_INT64_C(8500001));
}

void TestImporter::flatQueueLog()
{
    auto store = openStore(u"flat"_qs);
    QVERIFY(store);
    // /var/log/asterisk/queue_log as Asterisk writes it, by hand: the caller waits in
    // "support" from ...350, SIP/8007 rings 3 s until ...355, SIP/8008 answers at ...362
    // after 12 s and hangs up after 38 s of talk.
    const QString path
        = writeFile(u"queue_log"_qs,
                    "1366720340|NONE|NONE|NONE|QUEUESTART|\n"
                    "1366720350|1366720350.1|support|NONE|ENTERQUEUE||5550100|1\n"
                    "1366720355|1366720350.1|support|SIP/8007|RINGNOANSWER|3000\n"
                    "1366720362|1366720350.1|support|SIP/8008|CONNECT|12|"
                    "1366720358.2|4\n"
                    "1366720400|1366720350.1|support|SIP/8008|COMPLETEAGENT|12|38|1\n"
                    "1366720401|NONE|support|SIP/8008|PAUSE|\n");
    Importer importer(*store);
    const ImportReport report = importer.importPaths({ path });
    QVERIFY(report.ok);
    QCOMPARE(report.rowsRejected, 0);
    QCOMPARE(report.agentRows, 2); // QUEUESTART and PAUSE: not calls
    QCOMPARE(report.calls, 1);

    const Call call = callOf(*store, u"1366720350.1"_qs);
    QCOMPARE(call.sources, QStringList { u"asterisk-queue_log"_qs });
    QCOMPARE(call.summary.queues, QStringList { u"support"_qs });
    QCOMPARE(call.summary.agents, QStringList { u"SIP/8008"_qs });
    QCOMPARE(call.summary.caller, u"5550100"_qs);
    const QList<Segment> wait = segmentsOf(call, u"queue:support"_qs, SegmentKind::Queue);
    QCOMPARE(wait.size(), 1);
    QCOMPARE(wait.first().end - wait.first().start, Q_INT64_C(12000000));
    const QList<Segment> ring = segmentsOf(call, u"SIP/8007"_qs, SegmentKind::Ringing);
    QCOMPARE(ring.size(), 1);
    QCOMPARE(ring.first().start, Timestamp::fromMicroseconds(Q_INT64_C(1366720352000000)));
    QCOMPARE(ring.first().end, Timestamp::fromMicroseconds(Q_INT64_C(1366720355000000)));
    const QList<Segment> talk = segmentsOf(call, u"SIP/8008"_qs, SegmentKind::Talk);
    QCOMPARE(talk.size(), 1);
    QCOMPARE(talk.first().end - talk.first().start, Q_INT64_C(38000000));
    QCOMPARE(eventsOf(call, EventType::Hangup)
                 .last()
                 .details.value(EventDetail::HangupSource)
                 .toString(),
             u"agent"_qs);
    QCOMPARE(store->resolveCrn(u"1366720358.2"), u"1366720350.1"_qs);
}

namespace {

// An outbound campaign call: the agent's channel (1700000000.1) starts the call and dials the
// customer (1700000000.2), whom the dialplan then queues. queue_log names the customer's
// channel as callid, not the linkedid.
QByteArray campaignCel()
{
    return celRow("CHAN_START", "1700000000.100000", "PJSIP/agent7-00000001", "1700000000.1",
                  "1700000000.1")
        + celRow("CHAN_START", "1700000001.000000", "PJSIP/trunk-00000002", "1700000000.2",
                 "1700000000.1")
        + celRow("ANSWER", "1700000005.000000", "PJSIP/trunk-00000002", "1700000000.2",
                 "1700000000.1")
        + celRow("APP_START", "1700000006.000000", "PJSIP/trunk-00000002", "1700000000.2",
                 "1700000000.1", "Queue", "support,t")
        + celRow("BRIDGE_ENTER", "1700000010.000000", "PJSIP/agent7-00000001", "1700000000.1",
                 "1700000000.1", "", "",
                 R"({"bridge_id":"b1","bridge_technology":"simple_bridge"})")
        + celRow("BRIDGE_ENTER", "1700000010.100000", "PJSIP/trunk-00000002", "1700000000.2",
                 "1700000000.1", "", "",
                 R"({"bridge_id":"b1","bridge_technology":"simple_bridge"})")
        + celRow("BRIDGE_EXIT", "1700000030.000000", "PJSIP/trunk-00000002", "1700000000.2",
                 "1700000000.1", "", "",
                 R"({"bridge_id":"b1","bridge_technology":"simple_bridge"})")
        + celRow("HANGUP", "1700000030.100000", "PJSIP/trunk-00000002", "1700000000.2",
                 "1700000000.1", "", "", R"({"hangupcause":16,"hangupsource":"","dialstatus":""})")
        + celRow("HANGUP", "1700000030.200000", "PJSIP/agent7-00000001", "1700000000.1",
                 "1700000000.1", "", "", R"({"hangupcause":16,"hangupsource":"","dialstatus":""})")
        + celRow("LINKEDID_END", "1700000030.300000", "PJSIP/agent7-00000001", "1700000000.1",
                 "1700000000.1");
}

QByteArray campaignQueueLog()
{
    return "1700000006|1700000000.2|support|NONE|ENTERQUEUE||5550100|1\n"
           "1700000010|1700000000.2|support|Agent/7|CONNECT|4|1700000000.1|1\n"
           "1700000030|1700000000.2|support|Agent/7|COMPLETECALLER|4|20|1\n";
}

} // namespace

void TestImporter::celThenQueueLogMerge()
{
    auto store = openStore(u"celfirst"_qs);
    QVERIFY(store);
    const QString cel = writeFile(u"campaign_cel_a.csv"_qs, campaignCel());
    const QString queueLog = writeFile(u"campaign_queue_log_a"_qs, campaignQueueLog());

    Importer importer(*store);
    QVERIFY(importer.importPaths({ cel }).ok);
    QCOMPARE(store->callCount(), 1);

    // A separate import: the callid is a leg of the stored call, so it joins it.
    const ImportReport report = importer.importPaths({ queueLog });
    QVERIFY(report.ok);
    QCOMPARE(report.calls, 1);
    QCOMPARE(report.callsMerged, 0);
    QCOMPARE(store->callCount(), 1);
    const Call call = callOf(*store, u"1700000000.2"_qs);
    QCOMPARE(call.crn(), u"1700000000.1"_qs);
    QCOMPARE(call.sources, (QStringList { u"asterisk-cel"_qs, u"asterisk-queue_log"_qs }));
    QCOMPARE(call.summary.queues, QStringList { u"support"_qs });
    QVERIFY(call.summary.agents.contains(u"Agent/7"_qs));
    // 10 CEL events and one for each queue_log row. The CEL records show the queue, the
    // bridge and the hangups to the microsecond, so the whole-second queue_log rows are kept
    // as records but do not move the timeline: the caller waits from APP_START Queue
    // (1700000006) to the bridge (1700000010.1).
    QCOMPARE(call.events.size(), 10 + 3);
    const QList<Segment> waits = segmentsOf(call, u"queue:support"_qs, SegmentKind::Queue);
    QCOMPARE(waits.size(), 1);
    QCOMPARE(waits.first().start, Timestamp::fromMicroseconds(Q_INT64_C(1700000006000000)));
    QCOMPARE(waits.first().end, Timestamp::fromMicroseconds(Q_INT64_C(1700000010100000)));
    QCOMPARE(call.leg(u"1700000000.1"_qs)->participantId, u"Agent/7"_qs);
}

void TestImporter::queueLogThenCelMerge()
{
    auto store = openStore(u"queuefirst"_qs);
    QVERIFY(store);
    const QString cel = writeFile(u"campaign_cel_b.csv"_qs, campaignCel());
    const QString queueLog = writeFile(u"campaign_queue_log_b"_qs, campaignQueueLog());

    Importer importer(*store);
    QVERIFY(importer.importPaths({ queueLog }).ok);
    QCOMPARE(store->resolveCrn(u"1700000000.2"), u"1700000000.2"_qs);

    // The CEL records show that channel belongs to the call 1700000000.1: the queue_log
    // call moves into it and its own CRN goes away.
    const ImportReport report = importer.importPaths({ cel });
    QVERIFY(report.ok);
    QCOMPARE(report.callsMerged, 1);
    QCOMPARE(store->callCount(), 1);
    QCOMPARE(store->resolveCrn(u"1700000000.2"), u"1700000000.1"_qs);
    QCOMPARE(callOf(*store, u"1700000000.1"_qs).events.size(), 13);
}

void TestImporter::agentIsOnePersonAcrossChannels()
{
    auto store = openStore(u"oneagent"_qs);
    QVERIFY(store);
    // By hand, as Asterisk writes it: a trunk caller without a caller id name (+15550100123)
    // queues in "sales"; Agent D answers on PJSIP/1004-00000002 (uniqueid .2, which CONNECT
    // names), transfers the caller blind into ConfBridge room 7001 and dials into the room
    // from the same phone on a second channel (.3). The phone's caller id name is "Desk 4".
    const char *crn = "1700001000.1";
    const char *caller = "PJSIP/carrier-00000001";
    const char *first = "PJSIP/1004-00000002";
    const char *second = "PJSIP/1004-00000003";
    const char *talkBridge = R"({"bridge_id":"b1","bridge_technology":"simple_bridge"})";
    const char *room = R"({"bridge_id":"c1","bridge_technology":"softmix"})";
    const char *normal = R"({"hangupcause":16,"hangupsource":"","dialstatus":""})";
    const char *transfer = R"({"extension":"7001","context":"conferences","bridge_id":"b1",)"
                           R"("transferee_channel_name":"PJSIP/carrier-00000001",)"
                           R"("transferee_channel_uniqueid":"1700001000.1"})";
    const QByteArray cel
        = celPartyRow("CHAN_START", "1700001000.000000", "", "+15550100123", caller, crn, crn)
        + celPartyRow("APP_START", "1700001001.000000", "", "+15550100123", caller, crn, crn,
                      "Queue", "sales,t")
        + celPartyRow("CHAN_START", "1700001002.000000", "Desk 4", "1004", first, "1700001000.2",
                      crn)
        + celPartyRow("ANSWER", "1700001005.000000", "Desk 4", "1004", first, "1700001000.2", crn)
        + celPartyRow("BRIDGE_ENTER", "1700001005.100000", "Desk 4", "1004", first, "1700001000.2",
                      crn, "", "", talkBridge)
        + celPartyRow("BRIDGE_ENTER", "1700001005.200000", "", "+15550100123", caller, crn, crn, "",
                      "", talkBridge)
        + celPartyRow("BLINDTRANSFER", "1700001030.000000", "Desk 4", "1004", first, "1700001000.2",
                      crn, "", "", transfer)
        + celPartyRow("BRIDGE_EXIT", "1700001030.010000", "", "+15550100123", caller, crn, crn, "",
                      "", talkBridge)
        + celPartyRow("BRIDGE_EXIT", "1700001030.020000", "Desk 4", "1004", first, "1700001000.2",
                      crn, "", "", talkBridge)
        + celPartyRow("HANGUP", "1700001030.030000", "Desk 4", "1004", first, "1700001000.2", crn,
                      "", "", normal)
        + celPartyRow("APP_END", "1700001030.040000", "", "+15550100123", caller, crn, crn, "Queue",
                      "sales,t")
        + celPartyRow("APP_START", "1700001030.100000", "", "+15550100123", caller, crn, crn,
                      "ConfBridge", "7001")
        + celPartyRow("BRIDGE_ENTER", "1700001030.500000", "", "+15550100123", caller, crn, crn, "",
                      "", room)
        + celPartyRow("CHAN_START", "1700001040.000000", "Desk 4", "1004", second, "1700001000.3",
                      crn)
        + celPartyRow("APP_START", "1700001040.000000", "Desk 4", "1004", second, "1700001000.3",
                      crn, "ConfBridge", "7001")
        + celPartyRow("ANSWER", "1700001040.100000", "Desk 4", "1004", second, "1700001000.3", crn)
        + celPartyRow("BRIDGE_ENTER", "1700001040.500000", "Desk 4", "1004", second, "1700001000.3",
                      crn, "", "", room)
        + celPartyRow("BRIDGE_EXIT", "1700001090.000000", "", "+15550100123", caller, crn, crn, "",
                      "", room)
        + celPartyRow("APP_END", "1700001090.001000", "", "+15550100123", caller, crn, crn,
                      "ConfBridge", "7001")
        + celPartyRow("HANGUP", "1700001090.002000", "", "+15550100123", caller, crn, crn, "", "",
                      normal)
        + celPartyRow("BRIDGE_EXIT", "1700001092.000000", "Desk 4", "1004", second, "1700001000.3",
                      crn, "", "", room)
        + celPartyRow("APP_END", "1700001092.001000", "Desk 4", "1004", second, "1700001000.3", crn,
                      "ConfBridge", "7001")
        + celPartyRow("HANGUP", "1700001092.002000", "Desk 4", "1004", second, "1700001000.3", crn,
                      "", "", normal)
        + celPartyRow("LINKEDID_END", "1700001092.003000", "Desk 4", "1004", second, "1700001000.3",
                      crn);
    const QByteArray queueLog
        = "1700001001|1700001000.1|sales|NONE|ENTERQUEUE||+15550100123|1\n"
          "1700001005|1700001000.1|sales|Agent D|CONNECT|4|1700001000.2|3\n"
          "1700001030|1700001000.1|sales|Agent D|BLINDTRANSFER|7001|conferences|4|25|1\n";
    const QString celPath = writeFile(u"oneagent_cel.csv"_qs, cel);
    const QString queueLogPath = writeFile(u"oneagent_queue_log"_qs, queueLog);

    Importer importer(*store);
    const ImportReport report = importer.importPaths({ celPath, queueLogPath });
    QVERIFY2(report.ok, qPrintable(report.errorString));
    QCOMPARE(report.rowsRejected, 0);
    QCOMPARE(report.calls, 1);
    const Call call = callOf(*store, QString::fromLatin1(crn));

    // Three participants: the caller, the queue, and Agent D on both channels, named as
    // queue_log names the agent, not by the phone's caller id.
    QCOMPARE(call.participants.size(), 3);
    QCOMPARE(call.leg(u"1700001000.2"_qs)->participantId, u"Agent D"_qs);
    QCOMPARE(call.leg(u"1700001000.3"_qs)->participantId, u"Agent D"_qs);
    QVERIFY(!participantNamed(call, u"Desk 4"_qs));
    QCOMPARE(call.participant(u"Agent D"_qs)->name, u"Agent D"_qs);
    QCOMPARE(call.summary.agents, QStringList { u"Agent D"_qs });

    // No caller id name: the caller is known by the number, not by the trunk "carrier".
    const Participant *callerPerson = callerOf(call);
    QVERIFY(callerPerson);
    QCOMPARE(callerPerson->name, u"+15550100123"_qs);
    QCOMPARE(call.summary.callerName, u"+15550100123"_qs);

    // The caller: IVR until the Queue application (1001), queued until both are in the
    // agent's bridge (1005.2), talk until it leaves that bridge (1030.01), then in the
    // conference, on its way there and inside ConfBridge, until the application ends
    // (1090.001); its hangup 1 ms later is a blip that joins it.
    const QString callerId = callerPerson->id;
    const auto t = [](const char *seconds) {
        return Timestamp::fromMicroseconds(
            qint64(QByteArray(seconds).replace('.', "").toLongLong()));
    };
    QStringList lanes;
    for (const Segment &segment : call.segments)
        lanes << QStringLiteral("%1 %2 %3-%4")
                     .arg(segment.participantId, toString(segment.kind))
                     .arg(segment.start.microseconds())
                     .arg(segment.end.microseconds());
    const auto lane = [&](const QString &who, SegmentKind kind, const char *from, const char *to) {
        return QStringLiteral("%1 %2 %3-%4")
            .arg(who, toString(kind))
            .arg(t(from).microseconds())
            .arg(t(to).microseconds());
    };
    // Agent D: .2 rings from 1002 (alone in the bridge at 1005.1 it still rings) and talks
    // until the caller leaves at 1030.01; .3 is in the conference from its ConfBridge start
    // (1040, the same microsecond as its channel start) until the application ends (1092.001).
    const QStringList expected {
        lane(callerId, SegmentKind::Ivr, "1700001000.000000", "1700001001.000000"),
        lane(callerId, SegmentKind::Queue, "1700001001.000000", "1700001005.200000"),
        lane(callerId, SegmentKind::Talk, "1700001005.200000", "1700001030.010000"),
        lane(callerId, SegmentKind::Conference, "1700001030.010000", "1700001090.002000"),
        lane(u"queue:sales"_qs, SegmentKind::Queue, "1700001001.000000", "1700001005.200000"),
        lane(u"Agent D"_qs, SegmentKind::Ringing, "1700001002.000000", "1700001005.200000"),
        lane(u"Agent D"_qs, SegmentKind::Talk, "1700001005.200000", "1700001030.010000"),
        lane(u"Agent D"_qs, SegmentKind::Conference, "1700001040.000000", "1700001092.001000"),
    };
    if (lanes != expected)
        qWarning().noquote() << "actual lanes:\n " << lanes.join(u"\n  "_qs);
    QCOMPARE(lanes, expected);

    // The transfer as both sources write it: kind and target.
    for (const CallEvent &event : eventsOf(call, EventType::Transfer)) {
        QCOMPARE(event.details.value(EventDetail::Kind).toString(), u"blind"_qs);
        QCOMPARE(event.details.value(EventDetail::Target).toString(), u"7001@conferences"_qs);
    }
    QCOMPARE(eventsOf(call, EventType::Transfer).size(), 2);
}

QTEST_GUILESS_MAIN(TestImporter)
#include "tst_importer.moc"
