#include "testserver.h"

#include "store/callstore.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTest>

TestServer::TestServer(const QString &databasePath)
    : m_databasePath(databasePath)
{ }

TestServer::~TestServer()
{
    kill();
}

bool TestServer::writeDatabase(const QList<Call> &calls, QString *why)
{
    const std::unique_ptr<CallStore> store = CallStore::open(m_databasePath, why);
    if (!store)
        return false;
    if (!store->saveCalls(calls)) {
        *why = store->errorString();
        return false;
    }
    return true;
}

bool TestServer::start(quint16 port, QString *why)
{
    kill();
    m_process = std::make_unique<QProcess>();
    m_process->setProgram(QStringLiteral(CRN_SERVER_BINARY));
    m_process->setArguments({ u"serve"_qs, u"--db"_qs, m_databasePath, u"--listen"_qs,
                              u"127.0.0.1:"_qs + QString::number(port) });
    m_process->start();
    if (!m_process->waitForStarted(10000)) {
        *why = u"crn-server did not start: "_qs + m_process->errorString();
        return false;
    }

    static const QRegularExpression listening(
        u"crn-server listening on http://127\\.0\\.0\\.1:(\\d+)"_qs);
    QByteArray output;
    const bool announced = QTest::qWaitFor(
        [&] {
            output += m_process->readAllStandardOutput();
            const auto match = listening.match(QString::fromUtf8(output));
            if (match.hasMatch())
                m_port = match.captured(1).toUShort();
            return match.hasMatch() || m_process->state() == QProcess::NotRunning;
        },
        10000);
    if (!announced || m_port == 0) {
        *why = u"crn-server did not announce its port. stdout: "_qs + QString::fromUtf8(output)
            + u" stderr: "_qs + QString::fromUtf8(m_process->readAllStandardError());
        return false;
    }
    return true;
}

void TestServer::kill()
{
    if (!m_process)
        return;
    if (m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(10000);
    }
    m_process.reset();
}

bool TestServer::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

QUrl TestServer::url() const
{
    QUrl url;
    url.setScheme(u"http"_qs);
    url.setHost(u"127.0.0.1"_qs);
    url.setPort(m_port);
    return url;
}
