#include "import/importer.h"
#include "store/callstore.h"
#include "testdatabase.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <algorithm>

// Recordings linked to calls by the importer, in a real SQLite store: folders built at test
// time from the sample WAVs (under MixMonitor names) and from files the test writes, next to
// CEL rows the test writes. Every expected time is worked out by hand in the comments.
class TestRecordingLink : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void mixMonitorNames_data();
    void mixMonitorNames();
    void mappingStartWins();
    void mappingNeedsTheFolder();
    void recordingsBeforeTheirCall();
    void callBeforeItsRecordings();
    void reimportKeepsIdsAndAddsNothing();
    void fileFlags_data();
    void fileFlags();
    void audioAmongThePaths();
    void linkOutOfTheFolderIsSkipped();
    void freeSwitchRecordingFoundByName();
    void rebuiltCallIsWrittenOnceWithItsRecordings();

private:
    // A folder of its own for each case, with "recordings" in it.
    QString caseFolder(const QString &name);
    // A database of its own for each case, outside the case's folder, which may be a PATH.
    std::unique_ptr<CallStore> openStore(const QString &name);
    QString sampleWav(const QString &name) const;
    ImportReport import(CallStore &store, const QString &recordings, const QStringList &paths);

    QTemporaryDir m_dir;
    QString m_audio;
};

namespace {

// The hand-written call: linkedid 1718100000.41 (2024-06-11T10:00:00Z is 1718100000 s).
//   Alice, the caller, leg <prefix>1718100000.41: starts +0, answered +0.5, bridged with Bob
//   from +5 to +20, hangs up at +21, which ends the call.
//   Bob, the agent, leg <prefix>1718100000.42: starts +1, answers +5, hangs up at +20.
// So Bob's leg ends at 10:00:20 and the call at 10:00:21.
const char *const kCallerId = "1718100000.41";
const char *const kAgentId = "1718100000.42";
constexpr qint64 kCallStartUs = Q_INT64_C(1718100000000000);
constexpr qint64 kTalkingUs = 10260000; // SOURCES.md: the talking sample lasts 10.26 s

Timestamp utc(const char *iso)
{
    return Timestamp::parseIso(QString::fromLatin1(iso)).value_or(Timestamp());
}

QString recordingId(const QString &relativePath)
{
    // The contract: "r-" and the first 16 hex digits of SHA-256 of the relative path.
    return u"r-"_qs
        + QString::fromLatin1(
               QCryptographicHash::hash(relativePath.toUtf8(), QCryptographicHash::Sha256)
                   .toHex()
                   .left(16));
}

QByteArray quoted(const QByteArray &field)
{
    return '"' + QByteArray(field).replace('"', "\"\"") + '"';
}

// One cel_csv row: eventtype, eventtime, cidname, cidnum, ani, rdnis, dnid, exten, context,
// channel, app, appdata, amaflags, accountcode, uniqueid, linkedid, bridgepeer, userfield,
// userdeftype, eventextra.
QByteArray celRow(const char *type, qint64 offsetMs, const char *name, const char *number,
                  const char *channel, const QByteArray &uniqueid, const QByteArray &linkedid,
                  const QByteArray &extra = {})
{
    const qint64 us = kCallStartUs + offsetMs * 1000;
    const QByteArray time = QByteArray::number(us / 1000000) + '.'
        + QByteArray::number(us % 1000000).rightJustified(6, '0');
    const QList<QByteArray> fields = {
        type, time, name, number, "",       "",       "", "2001", "default", channel,
        "",   "",   "3",  "",     uniqueid, linkedid, "", "",     "",        extra,
    };
    QByteArray row;
    for (const QByteArray &field : fields)
        row += (row.isEmpty() ? "" : ",") + quoted(field);
    return row + '\n';
}

QByteArray callRows(const QByteArray &prefix)
{
    const QByteArray alice = prefix + kCallerId;
    const QByteArray bob = prefix + kAgentId;
    const QByteArray bridge = R"({"bridge_id":"b1","bridge_technology":"simple_bridge"})";
    const QByteArray hangup = R"({"hangupcause":16,"hangupsource":"","dialstatus":"ANSWER"})";
    const char *a = "SIP/alice-00000001";
    const char *b = "SIP/bob-00000002";
    return celRow("CHAN_START", 0, "Alice", "5550100101", a, alice, alice)
        + celRow("ANSWER", 500, "Alice", "5550100101", a, alice, alice)
        + celRow("CHAN_START", 1000, "Bob", "1001", b, bob, alice)
        + celRow("ANSWER", 5000, "Bob", "1001", b, bob, alice)
        + celRow("BRIDGE_ENTER", 5000, "Alice", "5550100101", a, alice, alice, bridge)
        + celRow("BRIDGE_ENTER", 5000, "Bob", "1001", b, bob, alice, bridge)
        + celRow("BRIDGE_EXIT", 20000, "Bob", "1001", b, bob, alice, bridge)
        + celRow("BRIDGE_EXIT", 20000, "Alice", "5550100101", a, alice, alice, bridge)
        + celRow("HANGUP", 20000, "Bob", "1001", b, bob, alice, hangup)
        + celRow("CHAN_END", 20000, "Bob", "1001", b, bob, alice)
        + celRow("HANGUP", 21000, "Alice", "5550100101", a, alice, alice, hangup)
        + celRow("CHAN_END", 21000, "Alice", "5550100101", a, alice, alice)
        + celRow("LINKEDID_END", 21000, "Alice", "5550100101", a, alice, alice);
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        && file.write(bytes) == bytes.size();
}

bool copyFile(const QString &from, const QString &to)
{
    QDir().mkpath(QFileInfo(to).absolutePath());
    QFile::remove(to);
    return QFile::copy(from, to);
}

void put16(QByteArray &bytes, quint16 value)
{
    bytes.append(char(value & 0xff)).append(char(value >> 8));
}

void put32(QByteArray &bytes, quint32 value)
{
    for (int shift = 0; shift < 32; shift += 8)
        bytes.append(char((value >> shift) & 0xff));
}

// A RIFF/WAVE file at 8 kHz: `blocks` blocks of silence, sizes in the header or 0.
QByteArray wav(int formatTag, int bitsPerSample, int blockAlign, int blocks, bool sizesSet)
{
    const quint32 dataBytes = quint32(blocks * blockAlign);
    QByteArray bytes("RIFF");
    put32(bytes, sizesSet ? 36 + dataBytes : 0);
    bytes.append("WAVEfmt ");
    put32(bytes, 16);
    put16(bytes, quint16(formatTag));
    put16(bytes, 1);
    put32(bytes, 8000);
    put32(bytes, quint32(8000 * blockAlign));
    put16(bytes, quint16(blockAlign));
    put16(bytes, quint16(bitsPerSample));
    bytes.append("data");
    put32(bytes, sizesSet ? dataBytes : 0);
    bytes.append(QByteArray(int(dataBytes), '\0'));
    return bytes;
}

// An Ogg page of one packet; the CRC is left 0, which nothing here checks.
QByteArray oggPage(char headerType, qint64 granule, quint32 sequence, const QByteArray &packet)
{
    QByteArray page("OggS");
    page.append('\0').append(headerType);
    for (int shift = 0; shift < 64; shift += 8)
        page.append(char((quint64(granule) >> shift) & 0xff));
    put32(page, 1);
    put32(page, sequence);
    put32(page, 0);
    page.append(char(1)).append(char(packet.size()));
    return page + packet;
}

// Ogg Opus, stereo: pre-skip 312, last granule 312 + 3 * 48000, so 3 s of audio.
QByteArray oggOpus()
{
    QByteArray head("OpusHead");
    head.append(char(1)).append(char(2));
    put16(head, 312);
    put32(head, 48000);
    put16(head, 0);
    head.append('\0');
    QByteArray tags("OpusTags");
    put32(tags, 0);
    put32(tags, 0);
    return oggPage(2, 0, 0, head) + oggPage(0, 0, 1, tags)
        + oggPage(4, 312 + 3 * 48000, 2, QByteArray(10, '\x7f'));
}

// MPEG-1 layer III at 128 kbit/s, 44.1 kHz, joint stereo, no Xing header: 16000 bytes are
// 16000 * 8 / 128000 = 1 s.
QByteArray mp3()
{
    QByteArray bytes("\xFF\xFB\x90\x44", 4);
    bytes.append(QByteArray(16000 - 4, '\0'));
    return bytes;
}

QStringList codesOf(const Recording &recording)
{
    QStringList codes;
    for (const CallFlag &flag : recording.flags)
        codes.append(flag.code);
    return codes;
}

} // namespace

void TestRecordingLink::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    const QString samples = qEnvironmentVariable("CRN_SAMPLES_DIR");
    if (!samples.isEmpty() && QDir(samples).exists(u"audio"_qs))
        m_audio = samples + u"/audio/"_qs;
}

QString TestRecordingLink::caseFolder(const QString &name)
{
    const QString folder = m_dir.filePath(name);
    QDir(folder).removeRecursively();
    QDir().mkpath(folder + u"/recordings"_qs);
    return folder;
}

std::unique_ptr<CallStore> TestRecordingLink::openStore(const QString &name)
{
    const QString path = m_dir.filePath(u"db-"_qs + name + u".sqlite"_qs);
    QFile::remove(path);
    QString error;
    auto store = CallStore::open(TestDatabase::address(path), &error);
    if (!store)
        qWarning().noquote() << error;
    return store;
}

QString TestRecordingLink::sampleWav(const QString &name) const
{
    return m_audio.isEmpty() ? QString() : m_audio + name;
}

ImportReport TestRecordingLink::import(CallStore &store, const QString &recordings,
                                       const QStringList &paths)
{
    Importer importer(store);
    importer.setRecordingsFolder(recordings);
    return importer.importPaths(paths);
}

void TestRecordingLink::mixMonitorNames_data()
{
    QTest::addColumn<QByteArray>("idPrefix"); // of every uniqueid and linkedid in the records
    QTest::addColumn<QString>("file"); // relative to the recordings folder
    QTest::addColumn<bool>("wholeCall");

    QTest::newRow("uniqueid") << QByteArray() << u"1718100000.42.wav"_qs << false;
    QTest::newRow("prefix and suffix")
        << QByteArray() << u"in-2000-1001-20240611-093000-1718100000.42-b.wav"_qs << false;
    QTest::newRow("date folders") << QByteArray() << u"2024/06/11/1718100000.42.wav"_qs << false;
    QTest::newRow("upper-case extension") << QByteArray() << u"1718100000.42.WAV"_qs << false;
    QTest::newRow("linkedid") << QByteArray() << u"1718100000.41.wav"_qs << true;
    QTest::newRow("system name") << QByteArray("Asterisk-01-")
                                 << u"out-Asterisk-01-1718100000.42.wav"_qs << false;
    QTest::newRow("system name, linkedid, date folders")
        << QByteArray("Asterisk-01-") << u"2024/06/11/Asterisk-01-1718100000.41.wav"_qs << true;
}

void TestRecordingLink::mixMonitorNames()
{
    QFETCH(QByteArray, idPrefix);
    QFETCH(QString, file);
    QFETCH(bool, wholeCall);
    if (m_audio.isEmpty())
        QSKIP("CRN_SAMPLES_DIR is not set or has no audio folder");

    const QString folder = caseFolder(
        u"names-"_qs + QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-'));
    const QString recordings = folder + u"/recordings"_qs;
    QVERIFY(copyFile(sampleWav(u"asterisk_testsuite_talking_8k_mono.wav"_qs),
                     recordings + u'/' + file));
    const QString cel = folder + u"/cel.csv"_qs;
    QVERIFY(writeFile(cel, callRows(idPrefix)));
    auto store = openStore(QFileInfo(folder).fileName());
    QVERIFY(store);

    const ImportReport report = import(*store, recordings, { cel });
    QVERIFY2(report.ok, qPrintable(report.errorString));
    QCOMPARE(report.recordingFilesRead, 1);
    QCOMPARE(report.recordingsLinked, 1);
    QCOMPARE(report.recordingsUnlinked, 0);
    QCOMPARE(report.recordingsMissing, 0);
    QVERIFY2(report.summaryLine().endsWith(u"; recordings: 1 linked, 0 unlinked, 0 missing"),
             qPrintable(report.summaryLine()));

    const QString crn = QString::fromLatin1(idPrefix + kCallerId);
    const QString agentLeg = QString::fromLatin1(idPrefix + kAgentId);
    const auto call = store->findCall(crn);
    QVERIFY(call);
    QCOMPARE(call->summary.recordingCount, 1);
    QCOMPARE(call->recordings.size(), 1);
    const Recording &recording = call->recordings.first();
    QCOMPARE(recording.id, recordingId(file));
    QCOMPARE(recording.name, file.section(u'/', -1));
    QCOMPARE(recording.legId, wholeCall ? QString() : agentLeg);
    QCOMPARE(recording.durationUs, kTalkingUs);
    QCOMPARE(recording.channels, 1);
    QCOMPARE(recording.sampleRate, 8000);
    QCOMPARE(recording.codec, u"pcm"_qs);
    QCOMPARE(recording.sizeBytes, Q_INT64_C(164204)); // the sample's size on disk
    QCOMPARE(recording.contentType, u"audio/wav"_qs);

    // MixMonitor stops when its channel hangs up: Bob's leg ends at 10:00:20 and the call at
    // 10:00:21, so the 10.26 s recording began at 10:00:09.74, or 10:00:10.74 for the call.
    QCOMPARE(recording.start,
             wholeCall ? utc("2024-06-11T10:00:10.74Z") : utc("2024-06-11T10:00:09.74Z"));
    QCOMPARE(recording.end(), wholeCall ? call->summary.end : call->leg(agentLeg)->end);
    QCOMPARE(codesOf(recording), QStringList { u"recording_start_estimated"_qs });
    // Alice and Bob talk from 10:00:05 to 10:00:20: both are heard, the caller first.
    const QStringList heard { call->leg(crn)->participantId, call->leg(agentLeg)->participantId };
    QCOMPARE(recording.participantIds, heard);

    // What the server serves it from.
    const auto row = store->findRecording(recording.id);
    QVERIFY(row);
    QCOMPARE(row->crn, crn);
    QCOMPARE(row->path, file);
    QCOMPARE(row->sizeBytes, Q_INT64_C(164204));
    QCOMPARE(row->contentType, u"audio/wav"_qs);
    QCOMPARE(store->setting(u"recordings_root"_qs), QFileInfo(recordings).canonicalFilePath());
}

void TestRecordingLink::mappingStartWins()
{
    if (m_audio.isEmpty())
        QSKIP("CRN_SAMPLES_DIR is not set or has no audio folder");
    const QString folder = caseFolder(u"mapping"_qs);
    const QString recordings = folder + u"/recordings"_qs;
    const QString talking = sampleWav(u"asterisk_testsuite_talking_8k_mono.wav"_qs);
    QVERIFY(copyFile(talking, recordings + u"/custom/agent-side.wav"_qs));
    QVERIFY(copyFile(talking, recordings + u"/1718100000.42.wav"_qs));
    const QString cel = folder + u"/cel.csv"_qs;
    QVERIFY(writeFile(cel, callRows({})));
    const QString mapping = folder + u"/mapping.csv"_qs;
    QVERIFY(writeFile(mapping,
                      "file,leg_or_crn,start_time\n"
                      "custom/agent-side.wav,1718100000.42,2024-06-11T10:00:07Z\n"
                      "1718100000.42.wav,1718100000.41,1718100003.5\n"
                      "gone/never.wav,1718100000.42,2024-06-11 10:00:08\n"
                      "/etc/secret.wav,1718100000.42,\n"
                      "../outside.wav,1718100000.41,\n"
                      "notes.txt,1718100000.41,\n"
                      "custom/agent-side.wav,,\n"
                      "custom/agent-side.wav,1718100000.42,yesterday\n"));
    auto store = openStore(QFileInfo(folder).fileName());
    QVERIFY(store);

    Importer importer(*store);
    importer.setRecordingsFolder(recordings);
    QSignalSpy rejected(&importer, &Importer::rowRejected);
    const ImportReport report = importer.importPaths({ cel, mapping });
    QVERIFY2(report.ok, qPrintable(report.errorString));
    QCOMPARE(report.filesRead, 2);
    QCOMPARE(report.rowsRejected, Q_INT64_C(5));
    QList<qint64> lines;
    for (const QList<QVariant> &row : std::as_const(rejected)) {
        QCOMPARE(row.at(0).toString(), mapping);
        lines.append(row.at(1).toLongLong());
    }
    QCOMPARE(lines, (QList<qint64> { 5, 6, 7, 8, 9 }));
    QVERIFY(rejected.at(0).at(2).toString().contains(u"not inside the recordings folder"));
    QVERIFY(rejected.at(4).at(2).toString().contains(u"\"yesterday\""));
    QCOMPARE(report.recordingsLinked, 2);
    QCOMPARE(report.recordingsMissing, 1);

    // By start: 10:00:03.5 (epoch 1718100003.5), 10:00:07, then the missing file at 10:00:08
    // (a time without a zone is UTC). No start is estimated: the mapping gives each.
    const auto call = store->findCall(u"1718100000.41");
    QVERIFY(call);
    QCOMPARE(call->recordings.size(), 3);
    const Recording &named = call->recordings.at(0);
    const Recording &custom = call->recordings.at(1);
    const Recording &never = call->recordings.at(2);
    QCOMPARE(named.name, u"1718100000.42.wav"_qs);
    QCOMPARE(named.start, utc("2024-06-11T10:00:03.5Z"));
    QCOMPARE(named.legId, QString()); // the mapping names the call, over the leg in the name
    QCOMPARE(custom.name, u"agent-side.wav"_qs);
    QCOMPARE(custom.start, utc("2024-06-11T10:00:07Z"));
    QCOMPARE(custom.legId, u"1718100000.42"_qs);
    QCOMPARE(never.name, u"never.wav"_qs);
    QCOMPARE(never.id, recordingId(u"gone/never.wav"_qs));
    QCOMPARE(never.start, utc("2024-06-11T10:00:08Z"));
    QCOMPARE(codesOf(never), QStringList { u"recording_missing"_qs });
    QVERIFY(never.flags.first().message.contains(u"mapping.csv:4"));
    QVERIFY(codesOf(named).isEmpty());
    QVERIFY(codesOf(custom).isEmpty());
    // 10:00:03.5 to 10:00:13.76 overlaps the talk from 10:00:05: both are heard.
    QCOMPARE(named.participantIds.size(), 2);
    QVERIFY(store->findRecording(never.id));
}

void TestRecordingLink::mappingNeedsTheFolder()
{
    if (m_audio.isEmpty())
        QSKIP("CRN_SAMPLES_DIR is not set or has no audio folder");
    const QString folder = caseFolder(u"mapping-folder"_qs);
    const QString recordings = folder + u"/recordings"_qs;
    QVERIFY(copyFile(sampleWav(u"pjproject_input_8k_stereo.wav"_qs),
                     recordings + u"/calls/agent.wav"_qs));
    // The mapping sits in the recordings folder, where the import finds it by itself.
    const QByteArray rows = "leg_or_crn,file,start_time\n1718100000.42,calls/agent.wav,"
                            "1718100006\n";
    QVERIFY(writeFile(recordings + u"/map.csv"_qs, rows));
    const QString cel = folder + u"/cel.csv"_qs;
    QVERIFY(writeFile(cel, callRows({})));

    // Without the folder, a mapping among the paths cannot be read: its paths are relative.
    {
        auto store = openStore(u"mapping-without-folder"_qs);
        QVERIFY(store);
        Importer importer(*store);
        QSignalSpy skipped(&importer, &Importer::fileSkipped);
        const ImportReport report = importer.importPaths({ cel, recordings + u"/map.csv"_qs });
        QCOMPARE(report.filesRead, 1);
        QCOMPARE(skipped.size(), 1);
        QVERIFY(skipped.first().at(1).toString().contains(u"--recordings DIR"));
    }

    auto store = openStore(QFileInfo(folder).fileName());
    QVERIFY(store);
    const ImportReport report = import(*store, recordings, { cel });
    QVERIFY2(report.ok, qPrintable(report.errorString));
    QCOMPARE(report.filesRead, 2); // the CEL rows and the mapping
    const auto call = store->findCall(u"1718100000.41");
    QVERIFY(call);
    QCOMPARE(call->recordings.size(), 1);
    QCOMPARE(call->recordings.first().legId, u"1718100000.42"_qs);
    QCOMPARE(call->recordings.first().start, utc("2024-06-11T10:00:06Z"));
    QCOMPARE(call->recordings.first().channels, 2);
}

void TestRecordingLink::recordingsBeforeTheirCall()
{
    if (m_audio.isEmpty())
        QSKIP("CRN_SAMPLES_DIR is not set or has no audio folder");
    const QString folder = caseFolder(u"recordings-first"_qs);
    const QString recordings = folder + u"/recordings"_qs;
    QVERIFY(copyFile(sampleWav(u"asterisk_testsuite_talking_8k_mono.wav"_qs),
                     recordings + u"/1718100000.42.wav"_qs));
    const QString cel = folder + u"/cel.csv"_qs;
    QVERIFY(writeFile(cel, callRows({})));
    auto store = openStore(QFileInfo(folder).fileName());
    QVERIFY(store);

    // No call yet: the recording waits.
    const ImportReport first = import(*store, recordings, {});
    QVERIFY2(first.ok, qPrintable(first.errorString));
    QCOMPARE(first.recordingsUnlinked, 1);
    QCOMPARE(first.recordingsLinked, 0);
    QCOMPARE(store->callCount(), Q_INT64_C(0));

    // The records come later, without the folder: the call takes the recording.
    const ImportReport second = import(*store, {}, { cel });
    QVERIFY2(second.ok, qPrintable(second.errorString));
    QCOMPARE(second.recordingsLinked, 1);
    QCOMPARE(second.recordingsUnlinked, 0);
    const auto call = store->findCall(u"1718100000.41");
    QVERIFY(call);
    QCOMPARE(call->recordings.size(), 1);
    QCOMPARE(call->recordings.first().start, utc("2024-06-11T10:00:09.74Z"));
    const auto row = store->findRecording(recordingId(u"1718100000.42.wav"_qs));
    QVERIFY(row);
    QCOMPARE(row->crn, u"1718100000.41"_qs);
}

void TestRecordingLink::callBeforeItsRecordings()
{
    if (m_audio.isEmpty())
        QSKIP("CRN_SAMPLES_DIR is not set or has no audio folder");
    const QString folder = caseFolder(u"call-first"_qs);
    const QString recordings = folder + u"/recordings"_qs;
    const QString cel = folder + u"/cel.csv"_qs;
    QVERIFY(writeFile(cel, callRows({})));
    auto store = openStore(QFileInfo(folder).fileName());
    QVERIFY(store);

    const ImportReport first = import(*store, {}, { cel });
    QCOMPARE(first.calls, Q_INT64_C(1));
    QCOMPARE(store->findCall(u"1718100000.41")->summary.recordingCount, 0);

    QVERIFY(copyFile(sampleWav(u"asterisk_testsuite_talking_8k_mono.wav"_qs),
                     recordings + u"/1718100000.41.wav"_qs));
    const ImportReport second = import(*store, recordings, {});
    QVERIFY2(second.ok, qPrintable(second.errorString));
    QCOMPARE(second.calls, Q_INT64_C(0)); // no new records
    QCOMPARE(second.callsGivenRecordings, Q_INT64_C(1));
    QVERIFY2(second.summaryLine().endsWith(u"(1 call updated)"), qPrintable(second.summaryLine()));
    const auto call = store->findCall(u"1718100000.41");
    QVERIFY(call);
    QCOMPARE(call->summary.recordingCount, 1);
    QCOMPARE(call->recordings.first().legId, QString());
    QCOMPARE(call->recordings.first().start, utc("2024-06-11T10:00:10.74Z"));
}

void TestRecordingLink::reimportKeepsIdsAndAddsNothing()
{
    if (m_audio.isEmpty())
        QSKIP("CRN_SAMPLES_DIR is not set or has no audio folder");
    const QString folder = caseFolder(u"reimport"_qs);
    const QString recordings = folder + u"/recordings"_qs;
    const QString file = recordings + u"/2024/06/11/1718100000.42.wav"_qs;
    QVERIFY(copyFile(sampleWav(u"asterisk_testsuite_talking_8k_mono.wav"_qs), file));
    const QString cel = folder + u"/cel.csv"_qs;
    QVERIFY(writeFile(cel, callRows({})));
    auto store = openStore(QFileInfo(folder).fileName());
    QVERIFY(store);

    QCOMPARE(import(*store, recordings, { cel }).recordingsLinked, 1);
    const auto before = store->findCall(u"1718100000.41");
    QVERIFY(before);
    QCOMPARE(before->recordings.size(), 1);
    const QString id = recordingId(u"2024/06/11/1718100000.42.wav"_qs);
    QCOMPARE(before->recordings.first().id, id);

    const ImportReport again = import(*store, recordings, { cel });
    QVERIFY(again.ok);
    QCOMPARE(again.recordingFilesRead, 0);
    QCOMPARE(again.recordingLinksRead, 0);
    QCOMPARE(again.calls, Q_INT64_C(0));
    QCOMPARE(again.callsGivenRecordings, Q_INT64_C(0));
    QCOMPARE(again.recordingsLinked, 1);
    QCOMPARE(store->findCall(u"1718100000.41"), before);

    // Another file in its place (4.203375 s of audio): probed again, same id, placed anew.
    QVERIFY(copyFile(sampleWav(u"pjproject_input_8k_mono.wav"_qs), file));
    const ImportReport changed = import(*store, recordings, {});
    QCOMPARE(changed.recordingFilesRead, 1);
    QCOMPARE(changed.callsGivenRecordings, Q_INT64_C(1));
    auto call = store->findCall(u"1718100000.41");
    QCOMPARE(call->recordings.size(), 1);
    QCOMPARE(call->recordings.first().id, id);
    QCOMPARE(call->recordings.first().durationUs, Q_INT64_C(4203375));
    QCOMPARE(call->recordings.first().start, utc("2024-06-11T10:00:15.796625Z")); // 20 - 4.203375

    // Gone from the folder: still listed, now missing, under the same id.
    QVERIFY(QFile::remove(file));
    const ImportReport gone = import(*store, recordings, {});
    QCOMPARE(gone.recordingsMissing, 1);
    QCOMPARE(gone.recordingsLinked, 0);
    call = store->findCall(u"1718100000.41");
    QCOMPARE(call->recordings.size(), 1);
    QCOMPARE(call->recordings.first().id, id);
    QCOMPARE(codesOf(call->recordings.first()), QStringList { u"recording_missing"_qs });
    QVERIFY(!call->recordings.first().start.isValid());
}

void TestRecordingLink::fileFlags_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QStringList>("codes");
    QTest::addColumn<QString>("codec");
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("sampleRate");
    QTest::addColumn<qint64>("durationUs");
    QTest::addColumn<QString>("contentType");

    const QString estimated = u"recording_start_estimated"_qs;
    // GSM 6.10 in WAV: 65-byte blocks of 320 samples; 50 blocks at 8 kHz are 2 s.
    QTest::newRow("GSM in WAV") << u"1718100000.42-gsm.wav"_qs << wav(0x31, 0, 65, 50, true)
                                << QStringList { u"recording_unsupported_codec"_qs, estimated }
                                << u"gsm"_qs << 1 << 8000 << Q_INT64_C(2000000) << u"audio/wav"_qs;
    // Raw GSM: 33-byte frames of 20 ms, each starting with the nibble 0xD; 100 are 2 s.
    QTest::newRow("raw GSM") << u"1718100000.42.gsm"_qs << QByteArray(3300, '\xD5')
                             << QStringList { u"recording_unsupported_codec"_qs, estimated }
                             << u"gsm"_qs << 1 << 8000 << Q_INT64_C(2000000)
                             << u"application/octet-stream"_qs;
    QTest::newRow("empty") << u"1718100000.42-empty.wav"_qs << wav(1, 16, 2, 0, true)
                           << QStringList { u"recording_empty"_qs, estimated } << u"pcm"_qs << 1
                           << 8000 << Q_INT64_C(0) << u"audio/wav"_qs;
    // The header announces 16000 bytes (1 s of 16-bit samples); 8000 are there: 0.5 s.
    QTest::newRow("truncated") << u"1718100000.42-cut.wav"_qs
                               << wav(1, 16, 2, 8000, true).chopped(8000)
                               << QStringList { u"recording_truncated"_qs, estimated } << u"pcm"_qs
                               << 1 << 8000 << Q_INT64_C(500000) << u"audio/wav"_qs;
    QTest::newRow("sizes unset") << u"1718100000.42-live.wav"_qs << wav(1, 16, 2, 8000, false)
                                 << QStringList { u"recording_sizes_unset"_qs, estimated }
                                 << u"pcm"_qs << 1 << 8000 << Q_INT64_C(1000000) << u"audio/wav"_qs;
    QTest::newRow("mu-law") << u"1718100000.42-ulaw.wav"_qs << wav(7, 8, 1, 8000, true)
                            << QStringList { estimated } << u"mulaw"_qs << 1 << 8000
                            << Q_INT64_C(1000000) << u"audio/wav"_qs;
    QTest::newRow("a-law") << u"1718100000.42-alaw.wav"_qs << wav(6, 8, 1, 4000, true)
                           << QStringList { estimated } << u"alaw"_qs << 1 << 8000
                           << Q_INT64_C(500000) << u"audio/wav"_qs;
    // Unreadable: no duration, so nothing places it in the call.
    QTest::newRow("not audio") << u"1718100000.42-text.wav"_qs
                               << QByteArray("This is not a recording.\n")
                               << QStringList { u"recording_unreadable"_qs } << u"unknown"_qs << 0
                               << 0 << Q_INT64_C(0) << u"audio/wav"_qs;
    QTest::newRow("Ogg Opus") << u"1718100000.42.opus"_qs << oggOpus() << QStringList { estimated }
                              << u"unknown"_qs << 2 << 48000 << Q_INT64_C(3000000)
                              << u"audio/ogg"_qs;
    QTest::newRow("not Ogg") << u"1718100000.42.ogg"_qs << QByteArray(100, 'x')
                             << QStringList { u"recording_unreadable"_qs } << u"unknown"_qs << 0
                             << 0 << Q_INT64_C(0) << u"audio/ogg"_qs;
    QTest::newRow("MP3") << u"1718100000.42.mp3"_qs << mp3() << QStringList { estimated }
                         << u"unknown"_qs << 2 << 44100 << Q_INT64_C(1000000) << u"audio/mpeg"_qs;
}

void TestRecordingLink::fileFlags()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, bytes);
    QFETCH(QStringList, codes);
    QFETCH(QString, codec);
    QFETCH(int, channels);
    QFETCH(int, sampleRate);
    QFETCH(qint64, durationUs);
    QFETCH(QString, contentType);

    const QString folder = caseFolder(
        u"flags-"_qs + QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-'));
    const QString recordings = folder + u"/recordings"_qs;
    QVERIFY(writeFile(recordings + u'/' + name, bytes));
    const QString cel = folder + u"/cel.csv"_qs;
    QVERIFY(writeFile(cel, callRows({})));
    auto store = openStore(QFileInfo(folder).fileName());
    QVERIFY(store);

    const ImportReport report = import(*store, recordings, { cel });
    QVERIFY2(report.ok, qPrintable(report.errorString));
    const auto call = store->findCall(u"1718100000.41");
    QVERIFY(call);
    QCOMPARE(call->recordings.size(), 1);
    const Recording &recording = call->recordings.first();
    QCOMPARE(codesOf(recording), codes);
    for (const CallFlag &flag : recording.flags)
        QVERIFY2(flag.message.endsWith(u'.'), qPrintable(flag.message)); // a sentence each
    QCOMPARE(recording.codec, codec);
    QCOMPARE(recording.channels, channels);
    QCOMPARE(recording.sampleRate, sampleRate);
    QCOMPARE(recording.durationUs, durationUs);
    QCOMPARE(recording.contentType, contentType);
    QCOMPARE(recording.sizeBytes, qint64(bytes.size()));
    QCOMPARE(recording.legId, u"1718100000.42"_qs);
    // Placed to end with Bob's leg at 10:00:20 when its duration is known.
    if (codes.contains(u"recording_start_estimated"))
        QCOMPARE(recording.start, utc("2024-06-11T10:00:20Z").addMicroseconds(-durationUs));
    else
        QVERIFY(!recording.start.isValid());
}

void TestRecordingLink::audioAmongThePaths()
{
    if (m_audio.isEmpty())
        QSKIP("CRN_SAMPLES_DIR is not set or has no audio folder");
    const QString folder = caseFolder(u"paths"_qs);
    const QString recordings = folder + u"/recordings"_qs;
    const QString talking = sampleWav(u"asterisk_testsuite_talking_8k_mono.wav"_qs);
    QVERIFY(copyFile(talking, recordings + u"/1718100000.42.wav"_qs));
    const QString stray = folder + u"/elsewhere/1718100000.41.wav"_qs;
    QVERIFY(copyFile(talking, stray));
    QVERIFY(writeFile(folder + u"/cel.csv"_qs, callRows({})));
    auto store = openStore(QFileInfo(folder).fileName());
    QVERIFY(store);

    // The whole folder as a PATH: the recordings folder's files are recordings, not skipped;
    // the one elsewhere is reported with what to do about it, and is no recording.
    Importer importer(*store);
    importer.setRecordingsFolder(recordings);
    QSignalSpy skipped(&importer, &Importer::fileSkipped);
    const ImportReport report = importer.importPaths({ folder });
    QVERIFY2(report.ok, qPrintable(report.errorString));
    QCOMPARE(report.filesRead, 1);
    QStringList skippedPaths;
    for (const QList<QVariant> &row : std::as_const(skipped))
        skippedPaths.append(row.at(0).toString());
    QCOMPARE(skippedPaths, QStringList { stray });
    QVERIFY(skipped.first().at(1).toString().contains(u"pass its folder with --recordings DIR"));
    QCOMPARE(report.recordingsLinked, 1);
    QCOMPARE(store->findCall(u"1718100000.41")->recordings.size(), 1);
}

void TestRecordingLink::linkOutOfTheFolderIsSkipped()
{
    if (m_audio.isEmpty())
        QSKIP("CRN_SAMPLES_DIR is not set or has no audio folder");
    const QString folder = caseFolder(u"symlink"_qs);
    const QString recordings = folder + u"/recordings"_qs;
    const QString outside = folder + u"/private/1718100000.42.wav"_qs;
    QVERIFY(copyFile(sampleWav(u"pjproject_input_8k_mono.wav"_qs), outside));
    const QString link = recordings + u"/1718100000.42.wav"_qs;
    QVERIFY(QFile::link(outside, link));
    QVERIFY(writeFile(folder + u"/cel.csv"_qs, callRows({})));
    auto store = openStore(QFileInfo(folder).fileName());
    QVERIFY(store);

    Importer importer(*store);
    importer.setRecordingsFolder(recordings);
    QSignalSpy skipped(&importer, &Importer::fileSkipped);
    const ImportReport report = importer.importPaths({ folder + u"/cel.csv"_qs });
    QVERIFY(report.ok);
    QCOMPARE(skipped.size(), 1);
    QCOMPARE(skipped.first().at(0).toString(), link);
    QVERIFY(skipped.first().at(1).toString().contains(u"outside the recordings folder"));
    QCOMPARE(report.recordingFilesRead, 0);
    QCOMPARE(store->findCall(u"1718100000.41")->recordings.size(), 0);
}

void TestRecordingLink::freeSwitchRecordingFoundByName()
{
    const QString samples = qEnvironmentVariable("CRN_SAMPLES_DIR");
    const QString cdr = samples + u"/freeswitch/xml_cdr_bridged_recorded_call.cdr.xml"_qs;
    if (m_audio.isEmpty() || !QFile::exists(cdr))
        QSKIP("CRN_SAMPLES_DIR is not set or has no audio or freeswitch folder");
    const QString aLeg = u"6f32e2f8-38d1-43a7-b6ea-215bbfe6a314"_qs;
    const QString folder = caseFolder(u"freeswitch"_qs);
    const QString recordings = folder + u"/recordings"_qs;
    // The CDR names /mnt/powervault/Databases/XMLCDR/<A-leg uuid>__1.wav; here it is kept in
    // date folders. Only its name can be looked for.
    const QString relative = u"2008/07/31/"_qs + aLeg + u"__1.wav"_qs;
    QVERIFY(copyFile(sampleWav(u"asterisk_testsuite_talking_8k_mono.wav"_qs),
                     recordings + u'/' + relative));
    auto store = openStore(QFileInfo(folder).fileName());
    QVERIFY(store);

    const ImportReport report = import(*store, recordings, { cdr });
    QVERIFY2(report.ok, qPrintable(report.errorString));
    QCOMPARE(report.recordingsLinked, 1);
    QCOMPARE(report.recordingsMissing, 0);
    const auto call = store->findCall(aLeg);
    QVERIFY(call);
    QCOMPARE(call->recordings.size(), 1);
    const Recording &recording = call->recordings.first();
    QCOMPARE(recording.id, recordingId(relative));
    QCOMPARE(recording.legId, aLeg);
    // The CDR's app_log has no app_stamp: the recording ends at the A-leg's hangup,
    // 1217529377.795951, and began 10.26 s before, at 1217529367.535951.
    QCOMPARE(recording.start, utc("2008-07-31T18:36:07.535951Z"));
    QCOMPARE(codesOf(recording), QStringList { u"recording_start_estimated"_qs });
    QCOMPARE(recording.participantIds.size(), 2); // the bridge runs to the hangup
}

namespace {

// Every write of a row of the calls table, through triggers: the CRN, and how many recordings
// the written document lists (NULL when it has no list). On SQLite, TEMP triggers on the
// store's own connection (they vanish with it); on PostgreSQL, which has no temporary
// triggers, ordinary ones in the test's own database.
bool logCallWrites(CallStore &store)
{
    QSqlQuery query(store.database());
    const QList<const char *> sqlite = {
        "CREATE TEMP TABLE call_writes (crn TEXT, recordings INTEGER)",
        "CREATE TEMP TRIGGER call_inserted AFTER INSERT ON main.calls BEGIN"
        " INSERT INTO call_writes VALUES"
        " (NEW.crn, json_array_length(NEW.document, '$.recordings')); END",
        "CREATE TEMP TRIGGER call_updated AFTER UPDATE ON main.calls BEGIN"
        " INSERT INTO call_writes VALUES"
        " (NEW.crn, json_array_length(NEW.document, '$.recordings')); END",
    };
    const QList<const char *> postgresql = {
        "CREATE TABLE call_writes (n BIGSERIAL PRIMARY KEY, crn TEXT, recordings INTEGER)",
        "CREATE FUNCTION log_call_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        " INSERT INTO call_writes (crn, recordings) VALUES (NEW.crn,"
        "  CASE WHEN json_typeof(NEW.document::json -> 'recordings') = 'array'"
        "  THEN json_array_length(NEW.document::json -> 'recordings') END);"
        " RETURN NEW; END $$",
        "CREATE TRIGGER call_written AFTER INSERT OR UPDATE ON calls"
        " FOR EACH ROW EXECUTE FUNCTION log_call_write()",
    };
    for (const char *sql : TestDatabase::isPostgreSQL() ? postgresql : sqlite) {
        if (!query.exec(QString::fromLatin1(sql))) {
            qWarning().noquote() << query.lastError().text();
            return false;
        }
    }
    return true;
}

// The logged writes, "crn:recordings" each, in order; the log is emptied.
QStringList takeCallWrites(CallStore &store)
{
    QStringList writes;
    QSqlQuery query(store.database());
    if (!query.exec(TestDatabase::isPostgreSQL()
                        ? u"SELECT crn, recordings FROM call_writes ORDER BY n"_qs
                        : u"SELECT crn, recordings FROM call_writes ORDER BY rowid"_qs))
        return { query.lastError().text() };
    while (query.next()) {
        writes.append(query.value(0).toString() + u':'
                      + (query.value(1).isNull() ? u"none"_qs : query.value(1).toString()));
    }
    query.exec(u"DELETE FROM call_writes"_qs);
    return writes;
}

} // namespace

// A call rebuilt by an import that also links its recordings is written once, with them: an
// import stopped after some writes never leaves a call stored without the recordings it has.
void TestRecordingLink::rebuiltCallIsWrittenOnceWithItsRecordings()
{
    if (m_audio.isEmpty())
        QSKIP("CRN_SAMPLES_DIR is not set or has no audio folder");
    const QString folder = caseFolder(u"written-once"_qs);
    const QString recordings = folder + u"/recordings"_qs;
    const QString talking = sampleWav(u"asterisk_testsuite_talking_8k_mono.wav"_qs);
    // Bob's leg, by its uniqueid, and the whole call, by its linkedid.
    QVERIFY(copyFile(talking, recordings + u"/1718100000.42.wav"_qs));
    QVERIFY(copyFile(talking, recordings + u"/2024/06/11/1718100000.41.wav"_qs));
    const QString cel = folder + u"/cel.csv"_qs;
    QVERIFY(writeFile(cel, callRows({})));
    auto store = openStore(QFileInfo(folder).fileName());
    QVERIFY(store);
    QVERIFY(logCallWrites(*store));

    // New call and new recordings in one import: one write, with both recordings.
    const ImportReport first = import(*store, recordings, { cel });
    QVERIFY2(first.ok, qPrintable(first.errorString));
    QCOMPARE(first.calls, Q_INT64_C(1));
    QCOMPARE(first.recordingsLinked, 2);
    QCOMPARE(takeCallWrites(*store), QStringList { u"1718100000.41:2"_qs });
    QCOMPARE(store->findRecording(recordingId(u"1718100000.42.wav"_qs))->crn, u"1718100000.41"_qs);

    // New records of the call (Bob's channel starts an application at +2 s): the call is
    // rebuilt and written once more, with the recordings it had, which did not change.
    const QString more = folder + u"/cel-more.csv"_qs;
    QVERIFY(writeFile(
        more, celRow("APP_START", 2000, "Bob", "1001", "SIP/bob-00000002", kAgentId, kCallerId)));
    const ImportReport second = import(*store, recordings, { more });
    QVERIFY2(second.ok, qPrintable(second.errorString));
    QCOMPARE(second.calls, Q_INT64_C(1));
    QCOMPARE(second.callsGivenRecordings, Q_INT64_C(0));
    QCOMPARE(takeCallWrites(*store), QStringList { u"1718100000.41:2"_qs });

    // New records and a new recording of the call together: once, with all three.
    QVERIFY(copyFile(talking, recordings + u"/out-1718100000.42-b.wav"_qs));
    const QString later = folder + u"/cel-later.csv"_qs;
    QVERIFY(writeFile(
        later, celRow("APP_END", 3000, "Bob", "1001", "SIP/bob-00000002", kAgentId, kCallerId)));
    const ImportReport third = import(*store, recordings, { later });
    QVERIFY2(third.ok, qPrintable(third.errorString));
    QCOMPARE(third.calls, Q_INT64_C(1));
    QCOMPARE(third.recordingsLinked, 3);
    QCOMPARE(takeCallWrites(*store), QStringList { u"1718100000.41:3"_qs });
    const auto call = store->findCall(u"1718100000.41");
    QVERIFY(call);
    QCOMPARE(call->recordings.size(), 3);
    QCOMPARE(store->findRecording(recordingId(u"out-1718100000.42-b.wav"_qs))->crn,
             u"1718100000.41"_qs);

    // Only a new recording, no new records: the stored call is written once, with it.
    QVERIFY(copyFile(talking, recordings + u"/in-1718100000.41-c.wav"_qs));
    const ImportReport fourth = import(*store, recordings, {});
    QVERIFY2(fourth.ok, qPrintable(fourth.errorString));
    QCOMPARE(fourth.calls, Q_INT64_C(0));
    QCOMPARE(fourth.callsGivenRecordings, Q_INT64_C(1));
    QCOMPARE(takeCallWrites(*store), QStringList { u"1718100000.41:4"_qs });
}

QTEST_GUILESS_MAIN(TestRecordingLink)
#include "tst_recordinglink.moc"
