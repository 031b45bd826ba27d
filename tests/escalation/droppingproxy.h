#pragma once

#include <QObject>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QUrl>

#include <memory>

struct ProxySession;

// A loopback HTTP/1.1 proxy for the exactly-once harness, in front of a crn-server on
// 127.0.0.1: it passes each request to the server on a connection of its own, waits for the
// server's whole answer, and then, for a random share of requests, closes the client's
// connection without sending it, so that the server has committed what the client never hears
// of. A request the server cannot be reached for, or does not answer whole, closes the client's
// connection too. Runs on the test's thread and event loop; nothing here blocks.
class DroppingProxy : public QObject
{
    Q_OBJECT

public:
    DroppingProxy(quint16 upstreamPort, double dropShare, quint32 seed);

    bool listen();
    QUrl url() const;

    int forwarded() const { return m_forwarded; }
    int dropped() const { return m_dropped; }
    // Requests whose answer never came whole from the server (it was killed, say).
    int broken() const { return m_broken; }

private:
    void accept(QTcpSocket *client);
    // The client's next whole request in its buffer goes to the server.
    void forwardNext(QTcpSocket *client, const std::shared_ptr<ProxySession> &session);

    QTcpServer m_server;
    quint16 m_upstreamPort;
    double m_dropShare;
    QRandomGenerator m_random;
    int m_forwarded = 0;
    int m_dropped = 0;
    int m_broken = 0;
};
