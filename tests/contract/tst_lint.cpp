// docs/api.yaml passes `redocly lint` with the repository's redocly.yaml, and the same lint
// fails on copies of the document broken on purpose, so that this test can fail and the rules
// that matter are really on. redocly comes from tests/contract/node_modules (scripts/install-deps);
// ctest names it, the configuration and the document in CRN_REDOCLY, CRN_REDOCLY_CONFIG and
// CRN_API_DOCUMENT.

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct LintResult
{
    int exitCode = -1;
    QString output; // standard output and error, as one text
};

} // namespace

class TestLint : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void documentPassesLint();
    void brokenDocumentFailsLint_data();
    void brokenDocumentFailsLint();

private:
    LintResult lint(const QString &documentPath);

    QString m_redocly;
    QString m_config;
    QByteArray m_document;
    QTemporaryDir m_dir;
};

void TestLint::initTestCase()
{
    m_redocly = qEnvironmentVariable("CRN_REDOCLY");
    m_config = qEnvironmentVariable("CRN_REDOCLY_CONFIG");
    const QString documentPath = qEnvironmentVariable("CRN_API_DOCUMENT");
    if (m_redocly.isEmpty() || m_config.isEmpty() || documentPath.isEmpty())
        QSKIP("CRN_REDOCLY, CRN_REDOCLY_CONFIG and CRN_API_DOCUMENT are not set (ctest sets them)");
    if (QStandardPaths::findExecutable(u"node"_qs).isEmpty())
        QSKIP("Node.js is not installed, so redocly cannot run");
    if (!QFileInfo(m_redocly).isExecutable())
        QSKIP(qPrintable(u"redocly is not installed at "_qs + m_redocly
                         + u": run scripts/install-deps"_qs));

    QFile document(documentPath);
    QVERIFY2(document.open(QIODevice::ReadOnly), qPrintable(documentPath));
    m_document = document.readAll();
    QVERIFY(m_dir.isValid());
}

LintResult TestLint::lint(const QString &documentPath)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    // The linter would otherwise report usage to its vendor and ask the registry for updates:
    // a test reaches no host but loopback.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"REDOCLY_TELEMETRY"_qs, u"off"_qs);
    environment.insert(u"REDOCLY_SUPPRESS_UPDATE_NOTICE"_qs, u"true"_qs);
    environment.insert(u"NO_COLOR"_qs, u"1"_qs);
    process.setProcessEnvironment(environment);
    process.start(
        m_redocly,
        { u"lint"_qs, u"--config"_qs, m_config, u"--format"_qs, u"codeframe"_qs, documentPath });

    LintResult result;
    if (!process.waitForFinished(120000) || process.exitStatus() != QProcess::NormalExit) {
        result.output = u"redocly did not finish: "_qs + process.errorString();
        return result;
    }
    result.exitCode = process.exitCode();
    result.output = QString::fromUtf8(process.readAll());
    return result;
}

void TestLint::documentPassesLint()
{
    const LintResult result = lint(qEnvironmentVariable("CRN_API_DOCUMENT"));
    QVERIFY2(result.exitCode == 0, qPrintable(result.output));
    // Warnings do not change the exit code, so the summary must say there were none.
    QVERIFY2(result.output.contains(u"Your API description is valid"_qs),
             qPrintable(result.output));
}

// Each row changes one piece of the real document and names the rule that must catch it.
void TestLint::brokenDocumentFailsLint_data()
{
    QTest::addColumn<QByteArray>("before");
    QTest::addColumn<QByteArray>("after");
    QTest::addColumn<QString>("rule");

    QTest::newRow("reference to a missing schema")
        << QByteArray("$ref: '#/components/schemas/Health'")
        << QByteArray("$ref: '#/components/schemas/Healthy'") << u"no-unresolved-refs"_qs;
    QTest::newRow("example that breaks its schema")
        << QByteArray("calls: 1234") << QByteArray("calls: many")
        << u"no-invalid-media-type-examples"_qs;
    QTest::newRow("path parameter without a definition")
        << QByteArray("  /api/v1/calls/{crn}:") << QByteArray("  /api/v1/calls/{crn}/{part}:")
        << u"path-parameters-defined"_qs;
    QTest::newRow("operation id used twice")
        << QByteArray("operationId: getCall") << QByteArray("operationId: getHealth")
        << u"operation-operationId-unique"_qs;
}

void TestLint::brokenDocumentFailsLint()
{
    QFETCH(QByteArray, before);
    QFETCH(QByteArray, after);
    QFETCH(QString, rule);

    // A row whose text the document no longer holds would test nothing: it must be rewritten.
    QCOMPARE(m_document.count(before), 1);
    QByteArray broken = m_document;
    broken.replace(before, after);
    const QString path = m_dir.filePath(u"api.yaml"_qs);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(broken), broken.size());
    file.close();

    const LintResult result = lint(path);
    QVERIFY2(result.exitCode == 1, qPrintable(result.output));
    QVERIFY2(result.output.contains(u"generated by the "_qs + rule + u" rule"_qs),
             qPrintable(result.output));
}

QTEST_MAIN(TestLint)
#include "tst_lint.moc"
