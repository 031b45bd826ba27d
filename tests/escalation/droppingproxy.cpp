#include "droppingproxy.h"

#include <QPointer>
#include <QTcpSocket>

#include <memory>

namespace {

constexpr QByteArrayView kHeadEnd("\r\n\r\n");

// The value of a header in an HTTP head, by case-insensitive name; empty when absent.
QByteArray headerValue(QByteArrayView head, QByteArrayView name)
{
    for (const QByteArray &line : head.toByteArray().split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

// The length of the first whole HTTP message in buffer (head and body), or -1 while it is not
// all there. Without Content-Length a message is whole only when its connection ends
// (endOfStream); chunked bodies end with the zero-length chunk.
qsizetype messageLength(const QByteArray &buffer, bool endOfStream)
{
    const qsizetype headEnd = buffer.indexOf(kHeadEnd);
    if (headEnd < 0)
        return -1;
    const QByteArrayView head(buffer.constData(), headEnd);
    const qsizetype bodyStart = headEnd + kHeadEnd.size();
    const QByteArray length = headerValue(head, "Content-Length");
    if (!length.isEmpty()) {
        const qsizetype total = bodyStart + length.toLongLong();
        return buffer.size() >= total ? total : -1;
    }
    if (headerValue(head, "Transfer-Encoding").contains("chunked")) {
        const qsizetype last = buffer.indexOf("\r\n0\r\n\r\n", bodyStart - 2);
        return last >= 0 ? last + 7 : -1;
    }
    // A request without a body, or an answer that ends with its connection.
    if (head.startsWith("HTTP/"))
        return endOfStream ? buffer.size() : -1;
    return bodyStart;
}

} // namespace

// What the proxy knows of one client connection: bytes not yet forwarded, and whether a request
// of it is with the server now.
struct ProxySession
{
    QByteArray buffer;
    bool busy = false;
};

DroppingProxy::DroppingProxy(quint16 upstreamPort, double dropShare, quint32 seed)
    : m_upstreamPort(upstreamPort)
    , m_dropShare(dropShare)
    , m_random(seed)
{
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *client = m_server.nextPendingConnection())
            accept(client);
    });
}

bool DroppingProxy::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QUrl DroppingProxy::url() const
{
    QUrl url;
    url.setScheme(u"http"_qs);
    url.setHost(u"127.0.0.1"_qs);
    url.setPort(m_server.serverPort());
    return url;
}

void DroppingProxy::accept(QTcpSocket *client)
{
    // The session lives as long as the client's connections hold it; the upstream sockets are
    // the client socket's children.
    auto session = std::make_shared<ProxySession>();
    connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
    connect(client, &QTcpSocket::readyRead, this, [this, client, session] {
        session->buffer.append(client->readAll());
        if (!session->busy)
            forwardNext(client, session);
    });
}

void DroppingProxy::forwardNext(QTcpSocket *client, const std::shared_ptr<ProxySession> &session)
{
    const qsizetype length = messageLength(session->buffer, false);
    if (length < 0)
        return;
    const QByteArray request = session->buffer.left(length);
    session->buffer.remove(0, length);
    session->busy = true;

    auto *upstream = new QTcpSocket(client);
    auto answer = std::make_shared<QByteArray>();
    auto done = std::make_shared<bool>(false);
    const QPointer<QTcpSocket> guard(client);

    const auto finish = [this, upstream, answer, done, guard, session](bool endOfStream) {
        if (*done || !guard)
            return;
        const qsizetype whole = messageLength(*answer, endOfStream);
        if (whole < 0) {
            if (!endOfStream)
                return;
            // The server went away mid-answer: the client hears nothing either.
            *done = true;
            ++m_broken;
            upstream->deleteLater();
            guard->close();
            return;
        }
        *done = true;
        upstream->abort();
        upstream->deleteLater();
        if (m_random.generateDouble() < m_dropShare) {
            // The server has committed; the client never learns it.
            ++m_dropped;
            guard->close();
            return;
        }
        ++m_forwarded;
        guard->write(answer->left(whole));
        session->busy = false;
        forwardNext(guard, session);
    };

    connect(upstream, &QTcpSocket::connected, upstream,
            [upstream, request] { upstream->write(request); });
    connect(upstream, &QTcpSocket::readyRead, this, [upstream, answer, finish] {
        answer->append(upstream->readAll());
        finish(false);
    });
    connect(upstream, &QTcpSocket::disconnected, this, [finish] { finish(true); });
    connect(upstream, &QTcpSocket::errorOccurred, this, [finish] { finish(true); });
    upstream->connectToHost(QHostAddress::LocalHost, m_upstreamPort);
}
