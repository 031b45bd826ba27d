#include "testdatabase.h"

#include <QDir>
#include <QFile>
#include <QProcess>

#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>

// `crn-server import` as a person runs it: one summary line on stdout, one line per skipped
// file or rejected row on stderr, exit codes.
class TestImportCommand : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void importsTheSamplesFolder();
    void usageErrors_data();
    void usageErrors();
    void missingPathFails();
    void pipeIsSkippedNotWaitedOn();
    void damagedLinesAreRejectedOneByOne();
    void recordingsFolder();
    void missingRecordingsFolderFails();

private:
    struct Run
    {
        int exitCode = -1;
        QStringList out;
        QStringList err;
    };
    Run run(const QStringList &arguments);

    QTemporaryDir m_dir;
};

void TestImportCommand::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
}

TestImportCommand::Run TestImportCommand::run(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(CRN_SERVER_BINARY), QStringList { u"import"_qs } + arguments);
    Run result;
    if (!process.waitForFinished(120000)) {
        process.kill();
        process.waitForFinished();
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out
        = QString::fromUtf8(process.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
    result.err = QString::fromUtf8(process.readAllStandardError()).split(u'\n', Qt::SkipEmptyParts);
    return result;
}

void TestImportCommand::importsTheSamplesFolder()
{
    const QString samples = qEnvironmentVariable("CRN_SAMPLES_DIR");
    if (samples.isEmpty() || !QDir(samples).exists(u"SOURCES.md"_qs))
        QSKIP("CRN_SAMPLES_DIR is not set or missing: the shared samples are not here");
    const QString database = TestDatabase::address(m_dir.filePath(u"samples.sqlite"_qs));

    const Run first = run({ u"--db"_qs, database, samples });
    QCOMPARE(first.exitCode, 0);
    QCOMPARE(first.out.size(), 1);
    // The folder holds 21 files: 10 record files read (2 CDR, 1 CEL, 1 queue_log, 4 Wazo CEL
    // dumps, 2 FreeSWITCH XML CDRs) and 11 others (SOURCES.md, 3 WAV, the FreeSWITCH CSV, 3
    // Amazon Connect, 1 Genesys, 2 Twilio). The FreeSWITCH CDR of the bridged call names a
    // recording that is not there: no --recordings folder was given.
    static const QRegularExpression summary(
        QStringLiteral(R"(^imported 10 files \(11 skipped\): \d+ calls, \d+ legs, )"
                       R"(\d+ events, \d+ rows rejected)"));
    QVERIFY2(summary.match(first.out.first()).hasMatch(), qPrintable(first.out.first()));
    QVERIFY(first.out.first().contains(u"queue_log agent rows (not calls)"));

    // One line per problem, nothing else on stderr.
    static const QRegularExpression problem(QStringLiteral(R"(^.+(: skipped: |:\d+: ).+$)"));
    int notSupported = 0;
    for (const QString &line : first.err) {
        QVERIFY2(problem.match(line).hasMatch(), qPrintable(line));
        if (line.contains(u"format not supported yet"))
            ++notSupported;
    }
    QCOMPARE(notSupported, 7); // FreeSWITCH CSV 1, Amazon Connect 3, Genesys 1, Twilio 2
    QVERIFY(first.out.first().endsWith(u"; recordings: 0 linked, 0 unlinked, 1 missing"_qs));
    // The WAV files are recordings: the sentence says how to link them.
    const QString wav = samples
        + u"/audio/pjproject_input_8k_mono.wav: skipped: an audio file, "
          "not call records: pass its folder with --recordings DIR to "
          "link it to its call"_qs;
    QVERIFY2(first.err.contains(wav), qPrintable(first.err.join(u'\n')));
    QVERIFY(first.err.contains(samples
                               + u"/asterisk-cdr/cdr_spec_scenarios.csv:17: malformed end "
                                 "time \"2013-04-13:12:08\""_qs));

    const Run second = run({ u"--db"_qs, database, samples });
    QCOMPARE(second.exitCode, 0);
    QCOMPARE(second.out.size(), 1);
    QVERIFY2(second.out.first().contains(u": 0 calls, 0 legs, 0 events"),
             qPrintable(second.out.first()));
    QVERIFY(second.out.first().contains(u"already imported"));
}

void TestImportCommand::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("no database") << QStringList { u"/tmp"_qs };
    QTest::newRow("no path") << QStringList { u"--db"_qs, u"x.sqlite"_qs };
    QTest::newRow("--db without a file") << QStringList { u"--db"_qs };
    QTest::newRow("unknown option") << QStringList { u"--fast"_qs, u"--db"_qs, u"x"_qs, u"y"_qs };
    QTest::newRow("--recordings without a folder")
        << QStringList { u"--db"_qs, u"x.sqlite"_qs, u"/tmp"_qs, u"--recordings"_qs };
}

void TestImportCommand::usageErrors()
{
    QFETCH(QStringList, arguments);
    const Run result = run(arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY(result.out.isEmpty());
    QVERIFY(result.err.join(u'\n').contains(u"Usage: crn-server import"));
}

void TestImportCommand::missingPathFails()
{
    const QString missing = m_dir.filePath(u"no-such-folder"_qs);
    const Run result
        = run({ u"--db"_qs, TestDatabase::address(m_dir.filePath(u"missing.sqlite"_qs)), missing });
    QCOMPARE(result.exitCode, 1);
    QCOMPARE(result.err, QStringList { missing + u": skipped: no such file or folder"_qs });
    QCOMPARE(result.out.size(), 1);
}

void TestImportCommand::pipeIsSkippedNotWaitedOn()
{
    const QString fifo = m_dir.filePath(u"records.fifo"_qs);
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);

    const Run result
        = run({ u"--db"_qs, TestDatabase::address(m_dir.filePath(u"fifo.sqlite"_qs)), fifo });
    QCOMPARE(result.exitCode, 1); // nothing was imported
    QCOMPARE(result.err, QStringList { fifo + u": skipped: not a regular file"_qs });
}

void TestImportCommand::damagedLinesAreRejectedOneByOne()
{
    // One call in cel_csv form, written by hand: a caller's channel that answers and hangs up.
    auto row = [](const char *event, const char *time, const char *extra = "") -> QByteArray {
        return QByteArray("\"") + event + "\",\"" + time
            + "\",\"Alice\",\"100\",\"\",\"\",\"\",\"200\",\"default\",\"SIP/alice-00000001\","
              "\"\",\"\",\"3\",\"\",\"1700000000.1\",\"1700000000.1\",\"\",\"\",\"\",\""
            + extra + "\"\n";
    };
    QByteArray endRow = row("CHAN_END", "1700000010.100000");
    endRow.insert(10, QByteArray(3, '\0'));
    QByteArray injected = row("CHAN_START", "1700000005.000000");
    injected.replace("1700000000.1\",\"1700000000.1", "1700000000.9\",\"1700000000.1");

    QFile file(m_dir.filePath(u"damaged.csv"_qs));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(row("CHAN_START", "1700000000.100000"));
    file.write(row("ANSWER", "1700000001.000000"));
    // Line 3: 5 MiB of noise, then something shaped like a row that must not be read as one.
    file.write(QByteArray(5 << 20, 'X') + injected);
    file.write(row("HANGUP", "1700000010.000000", "16,,ANSWER"));
    file.write(endRow); // line 5: NUL bytes inside
    file.write(row("LINKEDID_END", "1700000010.200000"));
    file.close();

    const Run result
        = run({ u"--db"_qs, TestDatabase::address(m_dir.filePath(u"damaged.sqlite"_qs)),
                file.fileName() });
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.err,
             QStringList({ file.fileName() + u":3: longer than 4 MiB: not a call record"_qs,
                           file.fileName() + u":5: contains NUL bytes: the line is damaged"_qs }));
    // Four good rows of one channel: CHAN_START, ANSWER, HANGUP, LINKEDID_END.
    QCOMPARE(result.out.size(), 1);
    QVERIFY2(result.out.first().contains(u"1 call, 1 leg, 4 events, 2 rows rejected"_qs),
             qPrintable(result.out.first()));
}

void TestImportCommand::recordingsFolder()
{
    const QString samples = qEnvironmentVariable("CRN_SAMPLES_DIR");
    if (samples.isEmpty() || !QDir(samples).exists(u"audio"_qs))
        QSKIP("CRN_SAMPLES_DIR is not set or missing: the shared samples are not here");

    // A MixMonitor recording of the caller's channel 1700000000.1, which is also the linkedid,
    // and that channel's CEL rows: CHAN_START at 1700000000.1, HANGUP at 1700000010.
    const QString folder = m_dir.filePath(u"cli-recordings"_qs);
    QVERIFY(QDir().mkpath(folder + u"/2023/11/14"_qs));
    QVERIFY(QFile::copy(samples + u"/audio/pjproject_input_8k_mono.wav"_qs,
                        folder + u"/2023/11/14/in-100-200-1700000000.1.wav"_qs));
    QFile cel(m_dir.filePath(u"cli-cel.csv"_qs));
    QVERIFY(cel.open(QIODevice::WriteOnly));
    for (const char *row : { "CHAN_START\",\"1700000000.100000", "HANGUP\",\"1700000010.000000" })
        cel.write(QByteArray("\"") + row
                  + "\",\"Alice\",\"100\",\"\",\"\",\"\",\"200\",\"default\","
                    "\"SIP/alice-00000001\",\"\",\"\",\"3\",\"\",\"1700000000.1\","
                    "\"1700000000.1\",\"\",\"\",\"\",\"\"\n");
    cel.close();
    const QString database = TestDatabase::address(m_dir.filePath(u"cli-recordings.sqlite"_qs));

    // The recordings first, alone: kept until their call comes.
    const Run first = run({ u"--db"_qs, database, u"--recordings"_qs, folder });
    QCOMPARE(first.exitCode, 0);
    QCOMPARE(first.out.size(), 1);
    QVERIFY2(first.out.first().endsWith(u"; recordings: 0 linked, 1 unlinked, 0 missing"_qs),
             qPrintable(first.out.first()));

    const Run second = run({ u"--db"_qs, database, u"--recordings="_qs + folder, cel.fileName() });
    QCOMPARE(second.exitCode, 0);
    QVERIFY(second.err.isEmpty());
    QCOMPARE(second.out.size(), 1);
    QVERIFY2(second.out.first().startsWith(u"imported 1 file: 1 call, 1 leg, 2 events"_qs),
             qPrintable(second.out.first()));
    QVERIFY2(second.out.first().endsWith(u"; recordings: 1 linked, 0 unlinked, 0 missing"_qs),
             qPrintable(second.out.first()));
}

void TestImportCommand::missingRecordingsFolderFails()
{
    const QString missing = m_dir.filePath(u"no-recordings-here"_qs);
    const Run result
        = run({ u"--db"_qs, TestDatabase::address(m_dir.filePath(u"no-recordings.sqlite"_qs)),
                u"--recordings"_qs, missing, m_dir.path() });
    QCOMPARE(result.exitCode, 1);
    QVERIFY(result.out.isEmpty());
    QCOMPARE(result.err,
             QStringList { u"crn-server import: the recordings folder "_qs + missing
                           + u" does not exist"_qs });
}

QTEST_GUILESS_MAIN(TestImportCommand)
#include "tst_importcommand.moc"
