#include "commands.h"
#include "generate/daygenerator.h"
#include "generate/recordingwriter.h"
#include "media/wavprobe.h"
#include "model/timestamp.h"

#include <QAudioBuffer>
#include <QAudioDecoder>
#include <QBuffer>
#include <QDateTime>
#include <QDirIterator>
#include <QFile>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <algorithm>
#include <cmath>

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

// --- recordings ------------------------------------------------------------------------------

// A day written to a folder with --recordings.
struct RecordedDay
{
    std::unique_ptr<QTemporaryDir> dir = std::make_unique<QTemporaryDir>();
    QByteArray cel;
    DayGenerator::Totals totals;
    bool written = false;
    QString errorString;

    QString recordings() const { return dir->filePath(u"day/recordings"_qs); }
};

RecordedDay generateWithRecordings(qint64 calls, quint64 seed)
{
    RecordedDay day;
    DayGenerator::Options options;
    options.calls = calls;
    options.seed = seed;
    options.recordings = true;
    DayGenerator generator(options);
    day.written = generator.writeToDirectory(day.dir->filePath(u"day"_qs));
    day.errorString = generator.errorString();
    day.totals = generator.totals();
    QFile cel(day.dir->filePath(u"day/cel/Master.csv"_qs));
    if (cel.open(QIODevice::ReadOnly))
        day.cel = cel.readAll();
    return day;
}

struct Span
{
    qint64 from = 0;
    qint64 to = 0;
};

// What the CEL rows say a leg's recording must be: MixMonitor starts at the leg's ANSWER and
// stops at its HANGUP; the agent's phone holds the call from HOLD to UNHOLD, or to its HANGUP
// when it never takes it back (the first leg of an attended transfer).
struct ExpectedRecording
{
    QByteArray uniqueId;
    qint64 answer = -1;
    qint64 hangup = -1;
    QList<Span> held;
};

// The agent legs that answered a caller, in the order their HANGUP rows were written. A leg is
// an agent's when its channel is a desk phone, not the carrier trunk; it talked to a caller when
// it belongs to an inbound call: it held the caller's linkedid (the caller's uniqueid), or a
// linkedid that was given up for another (a consultation or a conference leg that joined).
// Calls between two desk phones are not recorded.
QList<ExpectedRecording> expectedRecordings(const QList<CelRow> &rows)
{
    QSet<QByteArray> inbound = joinedLinkedIds(rows);
    for (const CelRow &row : rows) {
        if (row.type == "CHAN_START" && row.channel.startsWith("PJSIP/carrier-"))
            inbound.insert(row.uniqueId);
    }

    QHash<QByteArray, ExpectedRecording> legs;
    QSet<QByteArray> ofInboundCalls;
    QList<QByteArray> hangupOrder;
    for (const CelRow &row : rows) {
        if (row.channel.startsWith("PJSIP/carrier-"))
            continue;
        ExpectedRecording &leg = legs[row.uniqueId];
        leg.uniqueId = row.uniqueId;
        if (inbound.contains(row.linkedId))
            ofInboundCalls.insert(row.uniqueId);
        if (row.type == "ANSWER") {
            leg.answer = row.time;
        } else if (row.type == "HOLD") {
            leg.held.append({ row.time, -1 });
        } else if (row.type == "UNHOLD") {
            leg.held.last().to = row.time;
        } else if (row.type == "HANGUP") {
            leg.hangup = row.time;
            if (!leg.held.isEmpty() && leg.held.last().to < 0)
                leg.held.last().to = row.time;
            hangupOrder.append(row.uniqueId);
        }
    }

    QList<ExpectedRecording> expected;
    for (const QByteArray &id : hangupOrder) {
        const ExpectedRecording &leg = legs.value(id);
        if (ofInboundCalls.contains(id) && leg.answer >= 0)
            expected.append(leg);
    }
    return expected;
}

// Every .wav file under FOLDER, by its name without the extension, with its path from FOLDER.
QMultiHash<QByteArray, QString> wavFiles(const QString &folder)
{
    QMultiHash<QByteArray, QString> files;
    const QDir root(folder);
    for (QDirIterator it(folder, QDir::Files, QDirIterator::Subdirectories); it.hasNext();) {
        const QFileInfo file(it.next());
        if (file.suffix() == u"wav")
            files.insert(file.completeBaseName().toLatin1(),
                         root.relativeFilePath(file.filePath()));
    }
    return files;
}

QString recordingPath(const QString &folder, const ExpectedRecording &leg)
{
    const QDate day = QDateTime::fromMSecsSinceEpoch(leg.answer / 1000, Qt::UTC).date();
    return folder + u'/' + day.toString(u"yyyy/MM/dd"_qs) + u'/' + QString::fromLatin1(leg.uniqueId)
        + u".wav"_qs;
}

// At 8 kHz, sample i of a recording sounds at ANSWER + i * 125 us.
constexpr qint64 kMicrosPerSample = 125;

// The first sample that sounds at or after TIME.
qint64 sampleAt(const ExpectedRecording &leg, qint64 time)
{
    return (std::max<qint64>(0, time - leg.answer) + kMicrosPerSample - 1) / kMicrosPerSample;
}

// A recording's samples as 16-bit values, whatever its encoding; silent[i] says whether sample
// i is digital silence: 0 in PCM, 0xFF/0x7F (+0/-0) in mu-law, 0xD5/0x55 (the two codes of the
// smallest step around 0) in A-law.
struct Samples
{
    WavInfo info;
    QByteArray data;

    qsizetype count() const { return data.size() / info.blockAlign; }
    bool silent(qsizetype i) const
    {
        switch (info.codec) {
        case WavInfo::Codec::Pcm:
            return data[2 * i] == 0 && data[2 * i + 1] == 0;
        case WavInfo::Codec::MuLaw:
            return quint8(data[i]) == 0xFF || quint8(data[i]) == 0x7F;
        case WavInfo::Codec::ALaw:
            return quint8(data[i]) == 0xD5 || quint8(data[i]) == 0x55;
        default:
            return false;
        }
    }
    // PCM only.
    qint16 value(qsizetype i) const
    {
        return qint16(quint8(data[2 * i]) | (quint8(data[2 * i + 1]) << 8));
    }
};

std::optional<Samples> readSamples(const QString &path)
{
    QString error;
    const std::optional<WavInfo> info = WavProbe::probeFile(path, &error);
    QFile file(path);
    if (!info || !file.open(QIODevice::ReadOnly))
        return std::nullopt;
    file.seek(info->dataOffset);
    return Samples { *info, file.read(info->dataBytes) };
}

// The windows of WIDTH samples that lie wholly in talk: inside the recording and outside every
// held span, with a sample's margin at the edges of a hold.
QList<qsizetype> talkWindows(const ExpectedRecording &leg, qsizetype count, qsizetype width)
{
    QList<qsizetype> starts;
    for (qsizetype start = 0; start + width <= count; start += width) {
        bool talk = true;
        for (const Span &span : leg.held) {
            if (start < sampleAt(leg, span.to) + 1 && start + width > sampleAt(leg, span.from) - 1)
                talk = false;
        }
        if (talk)
            starts.append(start);
    }
    return starts;
}

double rootMeanSquare(const Samples &samples, qsizetype start, qsizetype width)
{
    double sum = 0;
    for (qsizetype i = start; i < start + width; ++i)
        sum += double(samples.value(i)) * samples.value(i);
    return std::sqrt(sum / double(width));
}

// The lag, in samples, at which a window best matches itself shifted, and how well (the
// normalised autocorrelation, 1 for a perfectly periodic signal).
std::pair<int, double> bestPeriod(const Samples &samples, qsizetype start, qsizetype width,
                                  int minLag, int maxLag)
{
    int best = minLag;
    double bestScore = -1;
    for (int lag = minLag; lag <= maxLag; ++lag) {
        double product = 0;
        double energyA = 0;
        double energyB = 0;
        for (qsizetype i = start; i + lag < start + width; ++i) {
            const double a = samples.value(i);
            const double b = samples.value(i + lag);
            product += a * b;
            energyA += a * a;
            energyB += b * b;
        }
        const double score = product / std::sqrt(energyA * energyB + 1e-9);
        if (score > bestScore) {
            bestScore = score;
            best = lag;
        }
    }
    return { best, bestScore };
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
    void recordingsCoverEveryAnsweredAgentLeg();
    void recordingsUseEveryEncoding();
    void heldSpansAreSilentAndTalkIsNot();
    void recordingsSoundLikeTwoSpeakers();
    void recordingsAreDeterministic();
    void recordingsLeaveTheRecordsAlone();
    void commandWritesRecordings_data();
    void commandWritesRecordings();
    void noRecordingsWithoutTheOption();
    void recordingsDecode_data();
    void recordingsDecode();

private:
    // One day with recordings, shared by the tests that only read it.
    const RecordedDay &recordedDay();

    std::optional<RecordedDay> m_recordedDay;
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
    QTest::newRow("value for --recordings")
        << QStringList { u"--out"_qs, u"x"_qs, u"--recordings=yes"_qs };
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

// A day small enough to synthesise in seconds that still has every kind of recorded leg: with
// this seed it has holds that end and one that lasts to the hangup (an attended transfer),
// consultation and conference legs, and more than 11 recordings.
constexpr qint64 kRecordedCalls = 14;
constexpr quint64 kRecordedSeed = 36;

const RecordedDay &TestGenerator::recordedDay()
{
    if (!m_recordedDay)
        m_recordedDay = generateWithRecordings(kRecordedCalls, kRecordedSeed);
    return *m_recordedDay;
}

void TestGenerator::recordingsCoverEveryAnsweredAgentLeg()
{
    const RecordedDay &day = recordedDay();
    QVERIFY2(day.written, qPrintable(day.errorString));
    const QList<CelRow> rows = celRows(day.cel);
    const QList<ExpectedRecording> expected = expectedRecordings(rows);

    // The day has what the recordings must get right.
    const auto has = [&](const char *type) {
        return std::any_of(rows.cbegin(), rows.cend(),
                           [&](const CelRow &row) { return row.type == type; });
    };
    QVERIFY(has("HOLD") && has("UNHOLD") && has("ATTENDEDTRANSFER"));
    QVERIFY(std::any_of(rows.cbegin(), rows.cend(),
                        [](const CelRow &row) { return row.app == "ConfBridge"; }));
    QVERIFY(expected.size() >= 11);
    // ...and a call between two desk phones, answered but not recorded.
    const auto answeredDeskPhones
        = std::count_if(rows.cbegin(), rows.cend(), [](const CelRow &row) {
              return row.type == "ANSWER" && !row.channel.startsWith("PJSIP/carrier-");
          });
    QVERIFY(answeredDeskPhones > expected.size());

    const QMultiHash<QByteArray, QString> files = wavFiles(day.recordings());
    QCOMPARE(files.size(), expected.size());
    QCOMPARE(day.totals.recordings, qint64(expected.size()));
    qint64 bytes = 0;
    for (const ExpectedRecording &leg : expected) {
        QCOMPARE(files.count(leg.uniqueId), 1);
        const QString path = recordingPath(day.recordings(), leg);
        QVERIFY2(QFile::exists(path), qPrintable(path));

        QString error;
        const std::optional<WavInfo> info = WavProbe::probeFile(path, &error);
        QVERIFY2(info, qPrintable(error));
        QCOMPARE(info->problem, WavInfo::Problem::None);
        QCOMPARE(info->channels, 1);
        QCOMPARE(info->sampleRate, 8000);
        QCOMPARE(info->declaredBytes, info->dataBytes);

        // The RIFF size is the file's size less the 8 bytes of "RIFF" and the size itself.
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray riff = file.read(8);
        QCOMPARE(qint64(qFromLittleEndian<quint32>(riff.constData() + 4)), file.size() - 8);
        bytes += file.size();

        // Duration by hand: data bytes / (rate * block align). The recording is whole samples,
        // so it can only come within half a sample (62.5 us) of HANGUP - ANSWER; compared in
        // units of 1/8000 us to stay in integers.
        const qint64 samples = info->dataBytes / info->blockAlign;
        const qint64 offBy = std::abs(samples * 1000000 - (leg.hangup - leg.answer) * 8000);
        QVERIFY2(offBy <= 500000,
                 qPrintable(u"%1: %2 samples for %3 us"_qs.arg(QString::fromLatin1(leg.uniqueId))
                                .arg(samples)
                                .arg(leg.hangup - leg.answer)));
    }
    QCOMPARE(day.totals.recordingBytes, bytes);
}

void TestGenerator::recordingsUseEveryEncoding()
{
    const RecordedDay &day = recordedDay();
    QVERIFY2(day.written, qPrintable(day.errorString));
    const QList<ExpectedRecording> expected = expectedRecordings(celRows(day.cel));
    QVERIFY(expected.size() >= 11);

    // Counted in the order the legs hung up: every 7th is mu-law, every other 11th A-law, the
    // rest 16-bit PCM.
    for (qsizetype index = 0; index < expected.size(); ++index) {
        const qsizetype number = index + 1;
        const std::optional<WavInfo> info
            = WavProbe::probeFile(recordingPath(day.recordings(), expected[index]));
        QVERIFY(info);
        if (number % 7 == 0) {
            QCOMPARE(info->formatTag, 7);
            QCOMPARE(info->codec, WavInfo::Codec::MuLaw);
            QCOMPARE(info->bitsPerSample, 8);
            QCOMPARE(info->blockAlign, 1);
        } else if (number % 11 == 0) {
            QCOMPARE(info->formatTag, 6);
            QCOMPARE(info->codec, WavInfo::Codec::ALaw);
            QCOMPARE(info->bitsPerSample, 8);
            QCOMPARE(info->blockAlign, 1);
        } else {
            QCOMPARE(info->formatTag, 1);
            QCOMPARE(info->bitsPerSample, 16);
            QCOMPARE(info->blockAlign, 2);
        }
    }
}

void TestGenerator::heldSpansAreSilentAndTalkIsNot()
{
    const RecordedDay &day = recordedDay();
    QVERIFY2(day.written, qPrintable(day.errorString));
    const QList<ExpectedRecording> expected = expectedRecordings(celRows(day.cel));

    qint64 heldSamples = 0;
    int heldToHangup = 0;
    for (const ExpectedRecording &leg : expected) {
        const std::optional<Samples> samples = readSamples(recordingPath(day.recordings(), leg));
        QVERIFY(samples);
        const qsizetype count = samples->count();

        for (const Span &span : leg.held) {
            const qsizetype to = std::min<qsizetype>(count, sampleAt(leg, span.to));
            for (qsizetype i = sampleAt(leg, span.from); i < to; ++i) {
                if (!samples->silent(i))
                    QFAIL(qPrintable(
                        u"%1: sample %2 sounds on hold"_qs.arg(QString::fromLatin1(leg.uniqueId))
                            .arg(i)));
                ++heldSamples;
            }
            heldToHangup += span.to == leg.hangup;
        }

        // Talk is never digital silence, even in a pause: every 20 ms has a sound.
        const qsizetype width = 160;
        for (const qsizetype start : talkWindows(leg, count, width)) {
            bool sounds = false;
            for (qsizetype i = start; i < start + width && !sounds; ++i)
                sounds = !samples->silent(i);
            if (!sounds)
                QFAIL(qPrintable(u"%1: silence at sample %2 outside a hold"_qs
                                     .arg(QString::fromLatin1(leg.uniqueId))
                                     .arg(start)));
        }
    }
    QVERIFY(heldSamples > 8000);
    QVERIFY(heldToHangup > 0);
}

void TestGenerator::recordingsSoundLikeTwoSpeakers()
{
    const RecordedDay &day = recordedDay();
    QVERIFY2(day.written, qPrintable(day.errorString));

    // In 32 ms windows of talk: the agent is a tone of 180-220 Hz, bent at most 4 % a syllable
    // and 1.5 % by vibrato, so a loud window repeats itself after one period of 34-47 samples;
    // the caller is low-passed noise, which does not; a pause is only the faint line noise.
    // The first minute of talk of each recording that has that much is enough to hear both.
    const qsizetype width = 256;
    const qsizetype minute = 60 * 8000 / width;
    int checked = 0;
    qint64 voicedTotal = 0;
    qint64 noisyTotal = 0;
    for (const ExpectedRecording &leg : expectedRecordings(celRows(day.cel))) {
        const std::optional<Samples> samples = readSamples(recordingPath(day.recordings(), leg));
        QVERIFY(samples);
        if (samples->info.codec != WavInfo::Codec::Pcm)
            continue;
        const QList<qsizetype> windows = talkWindows(leg, samples->count(), width).mid(0, minute);
        if (windows.size() < minute)
            continue;

        int voiced = 0;
        int noisy = 0;
        int quiet = 0;
        for (const qsizetype start : windows) {
            const double level = rootMeanSquare(*samples, start, width);
            if (level < 100) {
                ++quiet;
                continue;
            }
            if (level < 1000)
                continue;
            const auto [lag, score] = bestPeriod(*samples, start, width, 25, 60);
            if (score > 0.8 && lag >= 34 && lag <= 47)
                ++voiced;
            else if (score < 0.4)
                ++noisy;
        }
        QVERIFY2(voiced > 0 && noisy > 0 && quiet > 0,
                 qPrintable(u"%1: %2 voiced, %3 noisy, %4 quiet windows"_qs
                                .arg(QString::fromLatin1(leg.uniqueId))
                                .arg(voiced)
                                .arg(noisy)
                                .arg(quiet)));
        voicedTotal += voiced;
        noisyTotal += noisy;
        ++checked;
    }
    QVERIFY(checked >= 3);
    // Both speakers have a fair share of the talk.
    QVERIFY(voicedTotal * 4 > noisyTotal);
    QVERIFY(noisyTotal * 4 > voicedTotal);
}

void TestGenerator::recordingsAreDeterministic()
{
    const RecordedDay &first = recordedDay();
    const RecordedDay second = generateWithRecordings(kRecordedCalls, kRecordedSeed);
    QVERIFY2(first.written && second.written, qPrintable(second.errorString));

    const QMultiHash<QByteArray, QString> files = wavFiles(first.recordings());
    QCOMPARE(wavFiles(second.recordings()), files);
    QVERIFY(!files.isEmpty());
    for (const QString &path : files) {
        QFile a(first.recordings() + u'/' + path);
        QFile b(second.recordings() + u'/' + path);
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        QVERIFY2(a.readAll() == b.readAll(), qPrintable(path));
    }
}

void TestGenerator::recordingsLeaveTheRecordsAlone()
{
    const RecordedDay &day = recordedDay();
    QVERIFY2(day.written, qPrintable(day.errorString));
    const Day plain = generate(kRecordedCalls, kRecordedSeed);
    QVERIFY(plain.written);
    QCOMPARE(day.cel, plain.cel);
    QFile queueLog(day.dir->filePath(u"day/queue_log"_qs));
    QVERIFY(queueLog.open(QIODevice::ReadOnly));
    QCOMPARE(queueLog.readAll(), plain.queueLog);
    QCOMPARE(plain.totals.recordings, qint64(0));
}

void TestGenerator::commandWritesRecordings_data()
{
    QTest::addColumn<bool>("relative");
    QTest::newRow("absolute --out") << false;
    QTest::newRow("relative --out") << true;
}

void TestGenerator::commandWritesRecordings()
{
    QFETCH(bool, relative);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString out = dir.filePath(u"day"_qs);
    const QString previousCurrent = QDir::currentPath();
    const auto restoreCurrent = qScopeGuard([&] { QDir::setCurrent(previousCurrent); });
    QVERIFY(QDir::setCurrent(dir.path()));

    // A recording of an earlier day in the folder does not survive the new day.
    QVERIFY(QDir().mkpath(out + u"/recordings/2020/01/01"_qs));
    QFile stale(out + u"/recordings/2020/01/01/1577869200.1.wav"_qs);
    QVERIFY(stale.open(QIODevice::WriteOnly));
    stale.close();

    const QStringList arguments { u"--out"_qs,       relative ? u"day"_qs : out,
                                  u"--calls"_qs,     u"4"_qs,
                                  u"--seed"_qs,      u"16"_qs,
                                  u"--recordings"_qs };
    QCOMPARE(runGenerateCommand(arguments), 0);
    QVERIFY(!stale.exists());
    QVERIFY(!QFileInfo::exists(out + u"/day"_qs));
    QVERIFY(!QFileInfo::exists(out + u"/.recordings.partial"_qs));

    QFile cel(out + u"/cel/Master.csv"_qs);
    QVERIFY(cel.open(QIODevice::ReadOnly));
    const QList<ExpectedRecording> expected = expectedRecordings(celRows(cel.readAll()));
    QVERIFY(!expected.isEmpty());
    const QMultiHash<QByteArray, QString> files = wavFiles(out + u"/recordings"_qs);
    QCOMPARE(files.size(), expected.size());
    for (const ExpectedRecording &leg : expected)
        QVERIFY(QFile::exists(recordingPath(out + u"/recordings"_qs, leg)));
}

void TestGenerator::noRecordingsWithoutTheOption()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString out = dir.filePath(u"day"_qs);
    QCOMPARE(runGenerateCommand({ u"--out"_qs, out, u"--calls"_qs, u"4"_qs }), 0);
    QVERIFY(QFile::exists(out + u"/cel/Master.csv"_qs));
    QCOMPARE(QDir(out).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList({ u"cel"_qs, u"queue_log"_qs }));

    // In memory, recordings need a folder to go to.
    DayGenerator::Options options;
    options.calls = 5;
    options.recordings = true;
    DayGenerator generator(options);
    QBuffer cel;
    QBuffer queueLog;
    cel.open(QIODevice::WriteOnly);
    queueLog.open(QIODevice::WriteOnly);
    QVERIFY(!generator.write(cel, queueLog));
    QVERIFY(!generator.errorString().isEmpty());
}

void TestGenerator::recordingsDecode_data()
{
    QTest::addColumn<int>("encoding");
    QTest::addColumn<qint64>("length"); // microseconds
    QTest::addColumn<int>("samples");

    // 125 us a sample at 8 kHz; an odd count leaves the 8-bit data chunk a pad byte.
    QTest::newRow("pcm, 1 s") << int(RecordingWriter::Encoding::Pcm16) << qint64(1000000) << 8000;
    QTest::newRow("pcm, 1 s and a sample")
        << int(RecordingWriter::Encoding::Pcm16) << qint64(1000125) << 8001;
    QTest::newRow("mu-law, odd") << int(RecordingWriter::Encoding::MuLaw) << qint64(1000125)
                                 << 8001;
    QTest::newRow("a-law, odd") << int(RecordingWriter::Encoding::ALaw) << qint64(1000125) << 8001;
    QTest::newRow("a-law, even") << int(RecordingWriter::Encoding::ALaw) << qint64(2000000)
                                 << 16000;
    QTest::newRow("rounded down") << int(RecordingWriter::Encoding::MuLaw) << qint64(1000062)
                                  << 8000;
    QTest::newRow("rounded up") << int(RecordingWriter::Encoding::MuLaw) << qint64(1000063) << 8001;
}

// What the player's decoder (GStreamer, through QAudioDecoder) makes of a recording: every
// sample, and silence where the leg was on hold.
void TestGenerator::recordingsDecode()
{
    QFETCH(int, encoding);
    QFETCH(qint64, length);
    QFETCH(int, samples);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"recording.wav"_qs);
    const qint64 start = 1718100000000000;
    // On hold from 0.25 s to 0.5 s: samples 2000 to 3999.
    RecordingWriter writer({ start, start + length }, { { start + 250000, start + 500000 } }, 7,
                           RecordingWriter::Encoding(encoding));
    QVERIFY2(writer.writeFile(path), qPrintable(writer.errorString()));
    QCOMPARE(QFileInfo(path).size(), writer.fileSize());

    QAudioDecoder decoder;
    QAudioFormat format;
    format.setSampleRate(8000);
    format.setChannelCount(1);
    format.setSampleFormat(QAudioFormat::Int16);
    decoder.setAudioFormat(format);
    decoder.setSource(QUrl::fromLocalFile(path));
    QList<qint16> decoded;
    connect(&decoder, &QAudioDecoder::bufferReady, this, [&] {
        const QAudioBuffer buffer = decoder.read();
        const qint16 *data = buffer.constData<qint16>();
        decoded.append(QList<qint16>(data, data + buffer.frameCount()));
    });
    QSignalSpy finished(&decoder, &QAudioDecoder::finished);
    QSignalSpy failed(&decoder, qOverload<QAudioDecoder::Error>(&QAudioDecoder::error));
    decoder.start();
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), 20000);
    QVERIFY2(failed.isEmpty(), qPrintable(decoder.errorString()));

    QCOMPARE(decoded.size(), samples);
    // A-law has no code for 0: its silence decodes to +-8.
    for (qsizetype i = 2000; i < 4000; ++i)
        QVERIFY2(std::abs(decoded[i]) <= 8, qPrintable(QString::number(i)));
    const auto sounds = [&](qsizetype from, qsizetype to) {
        return std::any_of(decoded.cbegin() + from, decoded.cbegin() + to,
                           [](qint16 value) { return std::abs(value) > 8; });
    };
    QVERIFY(sounds(0, 2000));
    QVERIFY(sounds(4000, samples));
}

QTEST_GUILESS_MAIN(TestGenerator)
#include "tst_generator.moc"
