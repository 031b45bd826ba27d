#include "commands.h"
#include "generate/daygenerator.h"
#include "model/timestamp.h"

#include <QBuffer>
#include <QDateTime>
#include <QFile>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

// The generated files are read back here with a reader of our own, not with the product's
// importer, so that a fault shared by both cannot hide.

namespace {

const QDate kDay(2024, 6, 11);

struct Day
{
    QByteArray cel;
    QByteArray queueLog;
    DayGenerator::Totals totals;
    bool written = false;
};

Day generate(qint64 calls, quint64 seed, QDate date = kDay)
{
    DayGenerator::Options options;
    options.calls = calls;
    options.seed = seed;
    options.date = date;
    DayGenerator generator(options);
    QBuffer cel;
    QBuffer queueLog;
    cel.open(QIODevice::WriteOnly);
    queueLog.open(QIODevice::WriteOnly);
    Day day;
    day.written = generator.write(cel, queueLog);
    day.cel = cel.data();
    day.queueLog = queueLog.data();
    day.totals = generator.totals();
    return day;
}

QList<QByteArray> lines(const QByteArray &text)
{
    QList<QByteArray> result = text.split('\n');
    if (!result.isEmpty() && result.constLast().isEmpty())
        result.removeLast();
    return result;
}

// The fields of a CSV line in which every field is quoted and quotes inside are doubled, as
// CSV_QUOTE writes them; an empty list when the line is not of that form.
QList<QByteArray> quotedFields(const QByteArray &line)
{
    QList<QByteArray> fields;
    qsizetype i = 0;
    while (i < line.size()) {
        if (line[i] != '"')
            return {};
        QByteArray field;
        for (++i;; ++i) {
            if (i >= line.size())
                return {};
            if (line[i] == '"') {
                if (i + 1 < line.size() && line[i + 1] == '"') {
                    field += '"';
                    ++i;
                    continue;
                }
                ++i;
                break;
            }
            field += line[i];
        }
        fields.append(field);
        if (i == line.size())
            break;
        if (line[i] != ',' || i + 1 == line.size())
            return {};
        ++i;
    }
    return fields;
}

struct CelRow
{
    QByteArray type;
    qint64 time = 0;
    QByteArray cidName;
    QByteArray exten;
    QByteArray context;
    QByteArray channel;
    QByteArray app;
    QByteArray uniqueId;
    QByteArray linkedId;
    QByteArray peer;
    QByteArray userType;
    QJsonObject extra;
};

QList<CelRow> celRows(const QByteArray &text)
{
    QList<CelRow> rows;
    for (const QByteArray &line : lines(text)) {
        const QList<QByteArray> f = quotedFields(line);
        if (f.size() != 20)
            return {};
        CelRow row;
        row.type = f[0];
        row.time
            = Timestamp::parseEpoch(QString::fromLatin1(f[1])).value_or(Timestamp()).microseconds();
        row.cidName = f[2];
        row.exten = f[7];
        row.context = f[8];
        row.channel = f[9];
        row.app = f[10];
        row.uniqueId = f[14];
        row.linkedId = f[15];
        row.peer = f[16];
        row.userType = f[18];
        row.extra = QJsonDocument::fromJson(f[19]).object();
        rows.append(row);
    }
    return rows;
}

struct QueueRow
{
    qint64 time = 0;
    QByteArray callId;
    QByteArray queue;
    QByteArray agent;
    QByteArray event;
    QList<QByteArray> data;
};

QList<QueueRow> queueRows(const QByteArray &text)
{
    QList<QueueRow> rows;
    for (const QByteArray &line : lines(text)) {
        const QList<QByteArray> f = line.split('|');
        if (f.size() < 6)
            return {};
        QueueRow row;
        bool ok = false;
        row.time = f[0].toLongLong(&ok);
        if (!ok)
            return {};
        row.callId = f[1];
        row.queue = f[2];
        row.agent = f[3];
        row.event = f[4];
        row.data = f.mid(5);
        rows.append(row);
    }
    return rows;
}

qint64 dayStart(QDate date)
{
    return QDateTime(date, QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
}

// A linkedid that some channel held and later gave up for another: a consultation leg or a
// conference leg that joined the call.
QSet<QByteArray> joinedLinkedIds(const QList<CelRow> &rows)
{
    QHash<QByteArray, QByteArray> current;
    QSet<QByteArray> joined;
    for (const CelRow &row : rows) {
        auto it = current.find(row.uniqueId);
        if (it != current.end() && *it != row.linkedId)
            joined.insert(*it);
        current[row.uniqueId] = row.linkedId;
    }
    return joined;
}

// The keys of the first JSON object in TEXT that starts with START, in the order written.
QStringList keysInOrder(const QString &text, const QString &start)
{
    const qsizetype from = text.indexOf(start);
    if (from < 0)
        return {};
    const QString object = text.mid(from, text.indexOf(u'}', from) - from + 1);
    QStringList keys;
    static const QRegularExpression key(u"\"(\\w+)\":"_qs);
    for (auto it = key.globalMatch(object); it.hasNext();)
        keys.append(it.next().captured(1));
    return keys;
}

} // namespace

class TestGenerator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameSeedGivesSameBytes();
    void differentSeedGivesDifferentDay();
    void linkedIdsCountTheCalls_data();
    void linkedIdsCountTheCalls();
    void celRowsAreWellFormed();
    void eventsAreInTimeOrder();
    void uniqueIdsFollowCreation();
    void queueLogRowsParse();
    void mixHasEveryKindOfCall_data();
    void mixHasEveryKindOfCall();
    void agentsTakeOneQueueCallAtATime();
    void dateOptionMovesTheDay();
    void extrasUseAsteriskKeys();
    void commandWritesFiles();
    void commandRejectsBadUsage_data();
    void commandRejectsBadUsage();
    void unwritableFolderIsReported();
};

void TestGenerator::sameSeedGivesSameBytes()
{
    const Day first = generate(300, 42);
    const Day second = generate(300, 42);
    QVERIFY(first.written);
    QVERIFY(!first.cel.isEmpty());
    QVERIFY(!first.queueLog.isEmpty());
    QCOMPARE(second.cel, first.cel);
    QCOMPARE(second.queueLog, first.queueLog);

    // Through files too: what lands on disk is what the in-memory run wrote.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    DayGenerator::Options options;
    options.calls = 300;
    options.seed = 42;
    DayGenerator generator(options);
    QVERIFY2(generator.writeToDirectory(dir.path()), qPrintable(generator.errorString()));
    QFile cel(dir.filePath(u"cel/Master.csv"_qs));
    QFile queueLog(dir.filePath(u"queue_log"_qs));
    QVERIFY(cel.open(QIODevice::ReadOnly));
    QVERIFY(queueLog.open(QIODevice::ReadOnly));
    QCOMPARE(cel.readAll(), first.cel);
    QCOMPARE(queueLog.readAll(), first.queueLog);
    QVERIFY(!QFile::exists(dir.filePath(u"Master.csv"_qs)));
}

void TestGenerator::differentSeedGivesDifferentDay()
{
    const Day first = generate(300, 42);
    const Day other = generate(300, 43);
    QVERIFY(first.written && other.written);
    QVERIFY(first.cel != other.cel);
    QVERIFY(first.queueLog != other.queueLog);
}

void TestGenerator::linkedIdsCountTheCalls_data()
{
    QTest::addColumn<qint64>("calls");
    QTest::addColumn<quint64>("seed");

    QTest::newRow("one call") << qint64(1) << quint64(1);
    QTest::newRow("one call, other seed") << qint64(1) << quint64(77);
    QTest::newRow("seven calls") << qint64(7) << quint64(3);
    QTest::newRow("two hundred calls") << qint64(200) << quint64(5);
    QTest::newRow("two thousand calls") << qint64(2000) << quint64(11);
}

void TestGenerator::linkedIdsCountTheCalls()
{
    QFETCH(qint64, calls);
    QFETCH(quint64, seed);

    const Day day = generate(calls, seed);
    QVERIFY(day.written);
    QCOMPARE(day.totals.calls, calls);
    const QList<CelRow> rows = celRows(day.cel);
    QVERIFY(!rows.isEmpty());

    const QSet<QByteArray> joined = joinedLinkedIds(rows);
    QSet<QByteArray> callIds;
    QSet<QByteArray> selfLinkedStarts;
    for (const CelRow &row : rows) {
        if (!joined.contains(row.linkedId))
            callIds.insert(row.linkedId);
        if (row.type == "CHAN_START" && row.linkedId == row.uniqueId)
            selfLinkedStarts.insert(row.uniqueId);
    }
    QCOMPARE(qint64(callIds.size()), calls);

    // Each call's linkedid is the uniqueid of its first channel, which starts it.
    for (const QByteArray &id : callIds)
        QVERIFY2(selfLinkedStarts.contains(id), id.constData());

    // Every linkedid ends once, and a joined one ends before the call it joined.
    QHash<QByteArray, int> ends;
    for (const CelRow &row : rows) {
        if (row.type == "LINKEDID_END")
            ++ends[row.linkedId];
    }
    QCOMPARE(qsizetype(ends.size()), callIds.size() + joined.size());
    for (auto it = ends.cbegin(); it != ends.cend(); ++it)
        QCOMPARE(it.value(), 1);
}

void TestGenerator::celRowsAreWellFormed()
{
    const Day day = generate(500, 8);
    QVERIFY(day.written);
    const QList<QByteArray> text = lines(day.cel);
    QCOMPARE(qint64(text.size()), day.totals.celEvents);

    static const QRegularExpression epoch(u"^\\d{10}\\.\\d{6}$"_qs);
    const QSet<QByteArray> known {
        "CHAN_START",   "CHAN_END",     "ANSWER",      "HANGUP",        "APP_START",
        "APP_END",      "BRIDGE_ENTER", "BRIDGE_EXIT", "BLINDTRANSFER", "ATTENDEDTRANSFER",
        "LINKEDID_END", "HOLD",         "UNHOLD"
    };
    const qint64 from = dayStart(kDay) * 1000000;
    const qint64 to = (dayStart(kDay) + 30 * 3600) * 1000000;
    for (const QByteArray &line : text) {
        const QList<QByteArray> f = quotedFields(line);
        QCOMPARE(f.size(), 20);
        QVERIFY2(epoch.match(QString::fromLatin1(f[1])).hasMatch(), line.constData());
        const auto time = Timestamp::parseEpoch(QString::fromLatin1(f[1]));
        QVERIFY(time.has_value());
        QVERIFY(time->microseconds() >= from && time->microseconds() < to);
        QVERIFY2(known.contains(f[0]), f[0].constData());
        QCOMPARE(f[12], QByteArray("3"));
        QVERIFY(f[9].startsWith("PJSIP/"));
        if (!f[19].isEmpty()) {
            QJsonParseError error;
            const QJsonDocument extra = QJsonDocument::fromJson(f[19], &error);
            QVERIFY2(error.error == QJsonParseError::NoError && extra.isObject(), line.constData());
        }
        if (f[0] == "HANGUP") {
            const QJsonObject extra = QJsonDocument::fromJson(f[19]).object();
            QVERIFY(extra.value(u"hangupcause"_qs).isDouble());
            QVERIFY(extra.contains(u"hangupsource"_qs) && extra.contains(u"dialstatus"_qs));
        }
        if (f[0] == "HOLD" || f[0] == "UNHOLD")
            QCOMPARE(f[18], f[0]); // a user-defined event names itself in userdeftype
    }
}

void TestGenerator::eventsAreInTimeOrder()
{
    const Day day = generate(1000, 21);
    QVERIFY(day.written);
    const QList<CelRow> rows = celRows(day.cel);
    QVERIFY(!rows.isEmpty());

    QHash<QByteArray, qint64> lastTime;
    QHash<QByteArray, QByteArray> lastType;
    qint64 previous = 0;
    for (const CelRow &row : rows) {
        // The file as a whole is in time order, as Asterisk writes it.
        QVERIFY(row.time >= previous);
        previous = row.time;

        const auto seen = lastTime.constFind(row.uniqueId);
        if (seen == lastTime.cend()) {
            QCOMPARE(row.type, QByteArray("CHAN_START"));
        } else {
            QVERIFY(row.time >= *seen);
            const QByteArray before = lastType.value(row.uniqueId);
            if (before == "CHAN_END")
                QCOMPARE(row.type, QByteArray("LINKEDID_END"));
            if (row.type == "CHAN_END")
                QCOMPARE(before, QByteArray("HANGUP"));
        }
        lastTime[row.uniqueId] = row.time;
        lastType[row.uniqueId] = row.type;
    }
    for (auto it = lastType.cbegin(); it != lastType.cend(); ++it)
        QVERIFY(it.value() == "CHAN_END" || it.value() == "LINKEDID_END");

    qint64 previousSecond = 0;
    for (const QueueRow &row : queueRows(day.queueLog)) {
        QVERIFY(row.time >= previousSecond);
        previousSecond = row.time;
    }
}

void TestGenerator::uniqueIdsFollowCreation()
{
    const Day day = generate(1000, 4);
    QVERIFY(day.written);
    const QList<CelRow> rows = celRows(day.cel);

    qint64 previousSequence = -1;
    qint64 previousEpoch = 0;
    QSet<QByteArray> started;
    QSet<QByteArray> names;
    QHash<QByteArray, QByteArray> nameOf;
    for (const CelRow &row : rows) {
        if (row.type == "CHAN_START") {
            const QList<QByteArray> parts = row.uniqueId.split('.');
            QCOMPARE(parts.size(), 2);
            const qint64 epoch = parts[0].toLongLong();
            const qint64 sequence = parts[1].toLongLong();
            QCOMPARE(epoch, row.time / 1000000);
            QVERIFY(epoch >= previousEpoch);
            QVERIFY(sequence > previousSequence);
            previousEpoch = epoch;
            previousSequence = sequence;
            started.insert(row.uniqueId);
            nameOf[row.uniqueId] = row.cidName;
            QVERIFY2(!names.contains(row.channel), row.channel.constData());
            names.insert(row.channel);
        }
        QVERIFY(started.contains(row.uniqueId));
        QVERIFY(started.contains(row.linkedId));
        for (const QString &key : { u"transferee_channel_uniqueid"_qs, u"channel2_uniqueid"_qs,
                                    u"transfer_target_channel_uniqueid"_qs }) {
            if (row.extra.contains(key))
                QVERIFY(started.contains(row.extra.value(key).toString().toLatin1()));
        }
    }
    for (const QueueRow &row : queueRows(day.queueLog)) {
        if (row.callId != "NONE")
            QVERIFY(started.contains(row.callId));
        // CONNECT names the member's leg, whose caller id is the member name queue_log shows.
        if (row.event == "CONNECT") {
            QVERIFY(started.contains(row.data.value(1)));
            QCOMPARE(nameOf.value(row.data.value(1)), row.agent);
        }
    }
}

void TestGenerator::queueLogRowsParse()
{
    const Day day = generate(1000, 13);
    QVERIFY(day.written);
    const QList<QByteArray> text = lines(day.queueLog);
    QCOMPARE(qint64(text.size()), day.totals.queueLogRows);
    for (const QByteArray &line : text)
        QVERIFY2(line.count('|') >= 5, line.constData());
    const QList<QueueRow> rows = queueRows(day.queueLog);
    QCOMPARE(rows.size(), text.size());

    const QSet<QByteArray> known { "ENTERQUEUE",     "RINGNOANSWER",     "CONNECT",
                                   "COMPLETECALLER", "COMPLETEAGENT",    "ABANDON",
                                   "BLINDTRANSFER",  "ATTENDEDTRANSFER", "PAUSE",
                                   "UNPAUSE",        "RINGCANCELED" };
    const qint64 from = dayStart(kDay);
    QHash<QByteArray, qint64> entered; // callid + queue -> ENTERQUEUE second
    QHash<QByteArray, QueueRow> connected;
    for (const QueueRow &row : rows) {
        QVERIFY2(known.contains(row.event), row.event.constData());
        QVERIFY(row.time >= from && row.time < from + 30 * 3600);
        const QByteArray key = row.callId + '|' + row.queue;
        if (row.event == "ENTERQUEUE") {
            QCOMPARE(row.agent, QByteArray("NONE"));
            QVERIFY(row.data.value(1).startsWith("+1555010"));
            entered[key] = row.time;
        } else if (row.event == "CONNECT") {
            // holdtime is the whole seconds from ENTERQUEUE to CONNECT.
            QVERIFY(entered.contains(key));
            QCOMPARE(row.data.value(0).toLongLong(), row.time - entered.value(key));
            QVERIFY(row.agent.startsWith("Agent "));
            connected[key] = row;
        } else if (row.event == "COMPLETECALLER" || row.event == "COMPLETEAGENT"
                   || row.event == "BLINDTRANSFER" || row.event == "ATTENDEDTRANSFER") {
            // ...holdtime|calltime|origposition: calltime counts from CONNECT.
            QVERIFY(connected.contains(key));
            const QueueRow &connect = connected.value(key);
            const qsizetype n = row.data.size();
            QCOMPARE(row.data.value(n - 3), connect.data.value(0));
            QCOMPARE(row.data.value(n - 2).toLongLong(), row.time - connect.time);
            QCOMPARE(row.agent, connect.agent);
        } else if (row.event == "RINGNOANSWER") {
            QVERIFY(row.data.value(0).toLongLong() >= 15000);
        } else if (row.event == "ABANDON") {
            QVERIFY(entered.contains(key));
            QVERIFY(!connected.contains(key));
            QCOMPARE(row.data.value(2).toLongLong(), row.time - entered.value(key));
        }
    }
}

void TestGenerator::mixHasEveryKindOfCall_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::newRow("seed 1") << quint64(1);
    QTest::newRow("seed 2") << quint64(2);
    QTest::newRow("seed 1234567890123") << quint64(1234567890123);
}

void TestGenerator::mixHasEveryKindOfCall()
{
    QFETCH(quint64, seed);
    const Day day = generate(200, seed);
    QVERIFY(day.written);
    const QList<CelRow> rows = celRows(day.cel);
    const QList<QueueRow> queue = queueRows(day.queueLog);

    int abandons = 0;
    int rangOut = 0;
    for (const QueueRow &row : queue) {
        abandons += row.event == "ABANDON";
        rangOut += row.event == "RINGNOANSWER";
    }
    QVERIFY(abandons > 0);
    QVERIFY(rangOut > 0);

    int holds = 0;
    int blindToQueue = 0;
    int attended = 0;
    QHash<QByteArray, QSet<QByteArray>> softmixMembers;
    for (const CelRow &row : rows) {
        holds += row.type == "HOLD";
        attended += row.type == "ATTENDEDTRANSFER";
        if (row.type == "BLINDTRANSFER" && row.extra.value(u"context"_qs).toString() == u"queues")
            ++blindToQueue;
        if (row.type == "BRIDGE_ENTER"
            && row.extra.value(u"bridge_technology"_qs).toString() == u"softmix")
            softmixMembers[row.extra.value(u"bridge_id"_qs).toString().toLatin1()].insert(
                row.uniqueId);
    }
    QVERIFY(holds > 0);
    QVERIFY(blindToQueue > 0);
    QVERIFY(attended > 0);
    const bool threeParty
        = std::any_of(softmixMembers.cbegin(), softmixMembers.cend(),
                      [](const QSet<QByteArray> &members) { return members.size() >= 3; });
    QVERIFY(threeParty);
}

void TestGenerator::agentsTakeOneQueueCallAtATime()
{
    const Day day = generate(2000, 17);
    QVERIFY(day.written);

    // A queue leg of an agent runs from its ANSWER to its CHAN_END; the legs of one phone
    // (PJSIP/1001-...) must not overlap.
    struct Leg
    {
        qint64 start = -1;
        qint64 end = -1;
    };
    QHash<QByteArray, Leg> legs;
    QHash<QByteArray, QByteArray> phoneOf;
    for (const CelRow &row : celRows(day.cel)) {
        if (row.app != "AppQueue")
            continue;
        phoneOf[row.uniqueId] = row.channel.left(row.channel.lastIndexOf('-'));
        if (row.type == "ANSWER")
            legs[row.uniqueId].start = row.time;
        if (row.type == "CHAN_END")
            legs[row.uniqueId].end = row.time;
    }
    QHash<QByteArray, QList<Leg>> byPhone;
    for (auto it = legs.cbegin(); it != legs.cend(); ++it) {
        if (it->start >= 0)
            byPhone[phoneOf.value(it.key())].append(*it);
    }
    QVERIFY(byPhone.size() > 1);
    for (QList<Leg> &list : byPhone) {
        std::sort(list.begin(), list.end(),
                  [](const Leg &a, const Leg &b) { return a.start < b.start; });
        for (qsizetype i = 1; i < list.size(); ++i)
            QVERIFY(list[i].start > list[i - 1].end);
    }
}

void TestGenerator::dateOptionMovesTheDay()
{
    const QDate other(2023, 1, 2);
    const Day day = generate(50, 1, other);
    QVERIFY(day.written);
    const qint64 from = dayStart(other) * 1000000;
    for (const CelRow &row : celRows(day.cel)) {
        // Business hours: calls arrive from 07:00 and the last ones end in the evening.
        QVERIFY(row.time >= from + qint64(7) * 3600 * 1000000);
        QVERIFY(row.time < from + qint64(24) * 3600 * 1000000);
    }
}

void TestGenerator::extrasUseAsteriskKeys()
{
    const QString samples = qEnvironmentVariable("CRN_SAMPLES_DIR");
    if (samples.isEmpty())
        QSKIP("CRN_SAMPLES_DIR is not set");
    QFile wazo(samples + u"/wazo-cel/cel_mobile_dial_local_channels.psql.txt"_qs);
    QFile asterisk(samples + u"/asterisk-cel/cel_csv_dial_local_channel.csv"_qs);
    if (!wazo.open(QIODevice::ReadOnly) || !asterisk.open(QIODevice::ReadOnly))
        QSKIP("the CEL samples are not there");

    // Real cel_csv output reads as 20 quoted fields with the same reader.
    for (const QByteArray &line : lines(asterisk.readAll()))
        QCOMPARE(quotedFields(line.trimmed()).size(), 20);

    // The JSON extras carry the keys, in the order, that Asterisk wrote on the Wazo system.
    const QString sample = QString::fromUtf8(wazo.readAll());
    const Day day = generate(100, 2);
    const QString ours = QString::fromLatin1(day.cel).replace(u"\"\""_qs, u"\""_qs);
    for (const QString &start : { u"{\"hangupcause\""_qs, u"{\"bridge_id\""_qs }) {
        const QStringList expected = keysInOrder(sample, start);
        QVERIFY(!expected.isEmpty());
        QCOMPARE(keysInOrder(ours, start), expected);
    }
}

void TestGenerator::commandWritesFiles()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString out = dir.filePath(u"day"_qs);
    QCOMPARE(
        runGenerateCommand({ u"--out"_qs, out, u"--calls"_qs, u"25"_qs, u"--seed"_qs, u"9"_qs }),
        0);

    const Day expected = generate(25, 9);
    QFile cel(out + u"/cel/Master.csv"_qs);
    QFile queueLog(out + u"/queue_log"_qs);
    QVERIFY(cel.open(QIODevice::ReadOnly));
    QVERIFY(queueLog.open(QIODevice::ReadOnly));
    QCOMPARE(cel.readAll(), expected.cel);
    QCOMPARE(queueLog.readAll(), expected.queueLog);
}

void TestGenerator::commandRejectsBadUsage_data()
{
    QTest::addColumn<QStringList>("arguments");

    QTest::newRow("no --out") << QStringList { u"--calls"_qs, u"5"_qs };
    QTest::newRow("zero calls") << QStringList { u"--out"_qs, u"x"_qs, u"--calls"_qs, u"0"_qs };
    QTest::newRow("calls not a number")
        << QStringList { u"--out"_qs, u"x"_qs, u"--calls"_qs, u"ten"_qs };
    QTest::newRow("negative seed") << QStringList { u"--out"_qs, u"x"_qs, u"--seed"_qs, u"-1"_qs };
    QTest::newRow("month 13") << QStringList { u"--out"_qs, u"x"_qs, u"--date"_qs,
                                               u"2024-13-01"_qs };
    QTest::newRow("unknown option") << QStringList { u"--out"_qs, u"x"_qs, u"--cals"_qs, u"5"_qs };
    QTest::newRow("stray argument") << QStringList { u"--out"_qs, u"x"_qs, u"extra"_qs };
}

void TestGenerator::commandRejectsBadUsage()
{
    QFETCH(QStringList, arguments);
    QCOMPARE(runGenerateCommand(arguments), 2);
    QVERIFY(!QFile::exists(u"x"_qs));
}

void TestGenerator::unwritableFolderIsReported()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile blocker(dir.filePath(u"blocker"_qs));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();

    DayGenerator generator(DayGenerator::Options {});
    QVERIFY(!generator.writeToDirectory(dir.filePath(u"blocker/day"_qs)));
    QVERIFY(!generator.errorString().isEmpty());
}

QTEST_GUILESS_MAIN(TestGenerator)
#include "tst_generator.moc"
