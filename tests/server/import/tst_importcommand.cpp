#include <QDir>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

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
    const QString database = m_dir.filePath(u"samples.sqlite"_qs);

    const Run first = run({ u"--db"_qs, database, samples });
    QCOMPARE(first.exitCode, 0);
    QCOMPARE(first.out.size(), 1);
    // The folder holds 21 files: 8 Asterisk record files (2 CDR, 1 CEL, 1 queue_log, 4 Wazo
    // CEL dumps) and 13 others (SOURCES.md, 3 WAV, 3 FreeSWITCH, 3 Amazon Connect, 1 Genesys,
    // 2 Twilio).
    static const QRegularExpression summary(QStringLiteral(
        R"(^imported 8 files \(13 skipped\): \d+ calls, \d+ legs, \d+ events, \d+ rows rejected)"));
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
    QCOMPARE(notSupported, 9); // FreeSWITCH 3, Amazon Connect 3, Genesys 1, Twilio 2
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
    const Run result = run({ u"--db"_qs, m_dir.filePath(u"missing.sqlite"_qs), missing });
    QCOMPARE(result.exitCode, 1);
    QCOMPARE(result.err, QStringList { missing + u": skipped: no such file or folder"_qs });
    QCOMPARE(result.out.size(), 1);
}

QTEST_GUILESS_MAIN(TestImportCommand)
#include "tst_importcommand.moc"
