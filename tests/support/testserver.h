#pragma once

#include "model/call.h"

#include <QList>
#include <QString>
#include <QUrl>

#include <memory>

class QProcess;

// A real crn-server ("crn-server serve") on a free loopback port, over a database filled with
// CallStore::saveCalls. The binary's path comes from the CRN_SERVER_BINARY compile definition.
class TestServer
{
public:
    explicit TestServer(const QString &databasePath);
    ~TestServer();

    // Writes the calls into a new call database at the path given to the constructor.
    bool writeDatabase(const QList<Call> &calls, QString *why);
    // Starts the server on port (0: any free port) and waits for its "listening on" line.
    bool start(quint16 port, QString *why);
    // SIGKILL: the server disappears the way a crashed or unplugged one does.
    void kill();

    bool isRunning() const;
    quint16 port() const { return m_port; }
    QUrl url() const;

private:
    QString m_databasePath;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
};
