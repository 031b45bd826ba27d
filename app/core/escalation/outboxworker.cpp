#include "outboxworker.h"

#include "logging.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <algorithm>

namespace {

QString seconds(int milliseconds)
{
    return QString::number(milliseconds / 1000.0, 'g', 3);
}

// Errors of the connection itself (1-99) and of a proxy (101-199): the request may or may not
// have reached the server, and trying again with the same key is what makes that safe.
bool isTransportError(QNetworkReply::NetworkError error)
{
    return error != QNetworkReply::NoError && error < QNetworkReply::ContentAccessDenied;
}

bool isRetryableStatus(int status)
{
    return status == 408 || status == 429 || status >= 500;
}

} // namespace

OutboxWorker::OutboxWorker(const QString &databasePath)
    : m_databasePath(databasePath)
    , m_random(QRandomGenerator::securelySeeded())
{ }

OutboxWorker::~OutboxWorker()
{
    stop();
}

void OutboxWorker::start()
{
    // Made here, on the worker thread, so that the requests and their timers live on it.
    m_network = new QNetworkAccessManager(this);
    // A redirect would send the escalation somewhere the supervisor did not choose.
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &OutboxWorker::pump);

    m_store.open(m_databasePath);
    if (const QString reset = m_store.takeResetSentence(); !reset.isEmpty())
        Q_EMIT problem(reset);
    reportProblem();

    // A request cut off by the end of the last process may or may not have reached the server;
    // the same key makes sending it again safe.
    if (const int interrupted = m_store.requeueInterrupted(now()); interrupted > 0)
        qCInfo(lcNet) << "outbox:" << interrupted
                      << "escalations were being sent when the console stopped; sending them "
                         "again with their keys";
    const QList<OutboxItem> items = m_store.all();
    reportProblem();
    qCInfo(lcCache) << "outbox holds" << items.size() << "escalations";
    Q_EMIT loaded(items);
    pump();
}

void OutboxWorker::stop()
{
    if (m_stopped)
        return;
    m_stopped = true;
    if (m_timer)
        m_timer->stop();

    // Their items stay Sending on disk; the next start queues them again with the same key.
    const QList<QNetworkReply *> replies = m_inFlight.keys();
    m_inFlight.clear();
    for (QNetworkReply *reply : replies) {
        reply->disconnect(this);
        reply->abort();
        delete reply;
    }
    if (!replies.isEmpty())
        qCInfo(lcNet) << "outbox: stopped with" << replies.size() << "escalations in flight";
}

void OutboxWorker::setServer(const QUrl &baseUrl, const QByteArray &accessToken)
{
    m_baseUrl = baseUrl;
    m_token = accessToken;
    pump();
}

void OutboxWorker::setTimeouts(int connectMs, int transferMs)
{
    m_connectTimeoutMs = std::max(1, connectMs);
    m_transferTimeoutMs = std::max(1, transferMs);
}

void OutboxWorker::setBackoff(int initialMs, int maxMs)
{
    m_backoffInitialMs = std::max(1, initialMs);
    m_backoffMaxMs = std::max(m_backoffInitialMs, maxMs);
}

void OutboxWorker::submit(const QString &key, const QByteArray &body, const QString &crn,
                          const QString &summary)
{
    const std::optional<OutboxItem> item = m_store.insert(key, body, crn, summary, now());
    if (!item) {
        const QString sentence = m_store.takeProblem();
        Q_EMIT submitFailed(key,
                            sentence.isEmpty()
                                ? tr("The escalation could not be saved in the outbox, so it "
                                     "was not sent.")
                                : sentence);
        return;
    }
    qCDebug(lcNet) << "outbox: queued item" << item->id;
    Q_EMIT itemChanged(*item);
    pump();
}

void OutboxWorker::resubmit(qint64 id, const QString &key, const QByteArray &body)
{
    const std::optional<OutboxItem> item = m_store.resubmit(id, key, body, now());
    if (!item) {
        reportProblem();
        qCWarning(lcNet) << "outbox: item" << id << "is not failed, so it was not resubmitted";
        return;
    }
    Q_EMIT itemChanged(*item);
    pump();
}

void OutboxWorker::discard(qint64 id)
{
    if (!m_store.discard(id)) {
        reportProblem();
        qCWarning(lcNet) << "outbox: item" << id << "is not failed, so it was not discarded";
        return;
    }
    Q_EMIT itemRemoved(id);
}

void OutboxWorker::retryNow()
{
    const QList<OutboxItem> items = m_store.makeAllDue(now());
    reportProblem();
    for (const OutboxItem &item : items)
        Q_EMIT itemChanged(item);
    pump();
}

void OutboxWorker::reportProblem()
{
    if (const QString sentence = m_store.takeProblem(); !sentence.isEmpty())
        Q_EMIT problem(sentence);
}

void OutboxWorker::pump()
{
    if (m_stopped || !m_network || !m_store.isOpen() || !m_baseUrl.isValid() || m_token.isEmpty())
        return;

    const qsizetype free = Outbox::kMaxInFlight - m_inFlight.size();
    if (free > 0) {
        for (const OutboxItem &item : m_store.due(now(), int(free)))
            send(item);
    }
    reportProblem();

    // With every slot taken, the next finished request pumps again.
    if (m_inFlight.size() >= Outbox::kMaxInFlight) {
        m_timer->stop();
        return;
    }
    const std::optional<QDateTime> next = m_store.nextDue();
    if (!next) {
        m_timer->stop();
        return;
    }
    // At least a few milliseconds, so that a file that cannot be read is not polled in a loop.
    const qint64 wait = std::clamp<qint64>(now().msecsTo(*next), 5, 24LL * 3600 * 1000);
    m_timer->start(std::chrono::milliseconds(wait));
}

void OutboxWorker::send(const OutboxItem &queued)
{
    // Sending is on disk before the request leaves: a process that dies now leaves a trace
    // that the next start reads as "may have reached the server".
    const std::optional<OutboxItem> item = m_store.markSending(queued.id, now());
    if (!item)
        return;
    Q_EMIT itemChanged(*item);

    QUrl url = m_baseUrl;
    QString base = url.path();
    while (base.endsWith(u'/'))
        base.chop(1);
    url.setPath(base + u"/api/v1/escalations"_qs);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_qs);
    request.setRawHeader("Accept", "application/json");
    request.setRawHeader("Authorization", "Bearer " + m_token);
    request.setRawHeader("Idempotency-Key", item->idempotencyKey.toLatin1());
    request.setTransferTimeout(m_transferTimeoutMs);

    QNetworkReply *reply = m_network->post(request, item->body);
    m_inFlight.insert(reply, InFlight { item->id, Abandoned::No });
    qCDebug(lcNet) << "outbox: POST /api/v1/escalations for item" << item->id << "attempt"
                   << item->attempts;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { finished(reply); });

    // Qt's transfer time-out covers a stalled answer; these cover a connection never accepted
    // and an answer that trickles in for ever.
    auto *connectTimer = new QTimer(reply);
    connectTimer->setSingleShot(true);
    connect(connectTimer, &QTimer::timeout, this,
            [this, reply] { abandon(reply, Abandoned::ConnectTimeout); });
    connect(reply, &QNetworkReply::requestSent, connectTimer, &QTimer::stop);
    connect(reply, &QNetworkReply::metaDataChanged, connectTimer, &QTimer::stop);
    connectTimer->start(m_connectTimeoutMs);

    auto *deadline = new QTimer(reply);
    deadline->setSingleShot(true);
    connect(deadline, &QTimer::timeout, this,
            [this, reply] { abandon(reply, Abandoned::Deadline); });
    deadline->start(4 * m_transferTimeoutMs);
}

void OutboxWorker::abandon(QNetworkReply *reply, Abandoned why)
{
    const auto found = m_inFlight.find(reply);
    if (found == m_inFlight.end() || reply->isFinished())
        return;
    found->abandoned = why;
    reply->abort();
}

void OutboxWorker::finished(QNetworkReply *reply)
{
    reply->deleteLater();
    const auto found = m_inFlight.find(reply);
    if (found == m_inFlight.end())
        return;
    const InFlight flight = *found;
    m_inFlight.erase(found);

    const Outcome result = outcome(reply, flight.abandoned);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    std::optional<OutboxItem> item;
    switch (result.kind) {
    case Outcome::Kind::Sent:
        qCDebug(lcNet) << "outbox: item" << flight.itemId << "delivered, HTTP" << status;
        item = m_store.markSent(flight.itemId, result.escalationId, now());
        break;
    case Outcome::Kind::Fail:
        qCInfo(lcNet) << "outbox: item" << flight.itemId << "refused, HTTP" << status;
        item = m_store.markFailed(flight.itemId, result.sentence, result.fields, now());
        break;
    case Outcome::Kind::Retry: {
        const std::optional<OutboxItem> current = m_store.item(flight.itemId);
        const int failed = current ? current->attempts : 1;
        const qint64 delay
            = Outbox::backoffDelayMs(failed, m_backoffInitialMs, m_backoffMaxMs, &m_random);
        qCDebug(lcNet) << "outbox: item" << flight.itemId << "not delivered (HTTP" << status
                       << reply->error() << "); next attempt in" << delay << "ms";
        const QDateTime at = now();
        item = m_store.markQueued(flight.itemId, at.addMSecs(delay), result.sentence, at);
        break;
    }
    }
    reportProblem();
    if (item)
        Q_EMIT itemChanged(*item);
    pump();
}

QString OutboxWorker::serverName() const
{
    return m_baseUrl.port() >= 0 ? m_baseUrl.host() + u':' + QString::number(m_baseUrl.port())
                                 : m_baseUrl.host();
}

OutboxWorker::Outcome OutboxWorker::outcome(QNetworkReply *reply, Abandoned why) const
{
    Outcome result;
    const QString server = serverName();
    const QString later = tr("It will be sent again automatically.");
    const QNetworkReply::NetworkError error = reply->error();

    if (why == Abandoned::ConnectTimeout) {
        result.sentence = tr("The server at %1 did not accept a connection within %2 seconds.")
                              .arg(server, seconds(m_connectTimeoutMs))
            + u' ' + later;
        return result;
    }
    if (why == Abandoned::Deadline) {
        result.sentence = tr("The server at %1 took longer than %2 seconds to answer.")
                              .arg(server, seconds(4 * m_transferTimeoutMs))
            + u' ' + later;
        return result;
    }
    if (isTransportError(error)) {
        switch (error) {
        case QNetworkReply::ConnectionRefusedError:
            result.sentence = tr("The server at %1 refused the connection.").arg(server);
            break;
        case QNetworkReply::RemoteHostClosedError:
            result.sentence
                = tr("The server at %1 closed the connection without answering.").arg(server);
            break;
        case QNetworkReply::TimeoutError:
        case QNetworkReply::OperationCanceledError:
            // Qt 6.4 reports its transfer time-out as a cancel; nothing else cancels here.
            result.sentence = tr("The server at %1 did not answer within %2 seconds.")
                                  .arg(server, seconds(m_transferTimeoutMs));
            break;
        default:
            result.sentence
                = tr("The server at %1 cannot be reached: %2").arg(server, reply->errorString());
            break;
        }
        result.sentence += u' ' + later;
        return result;
    }

    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
    const QJsonObject problem = answer.value(u"error").toObject();
    const QString code = problem.value(u"code").toString();
    const QString message = problem.value(u"message").toString();

    if (status == 200 || status == 201) {
        result.escalationId = answer.value(u"id").toString();
        if (!result.escalationId.isEmpty()) {
            result.kind = Outcome::Kind::Sent;
            return result;
        }
        // It was taken, but the answer is unreadable: the same key brings the same escalation.
        result.sentence
            = tr("The server at %1 took the escalation but its answer could not be read.")
                  .arg(server)
            + u' ' + later;
        return result;
    }
    if (status == 0) {
        result.sentence = tr("The server at %1 did not answer in HTTP.").arg(server) + u' ' + later;
        return result;
    }
    if (isRetryableStatus(status)) {
        result.sentence
            = (message.isEmpty()
                   ? tr("The server at %1 could not take the escalation (HTTP %2).")
                         .arg(server)
                         .arg(status)
                   : tr("The server at %1 could not take the escalation: %2").arg(server, message))
            + u' ' + later;
        return result;
    }
    if (status >= 200 && status < 300) {
        // Not in the contract, but a 2xx may have created it: only the same key is safe.
        result.sentence = tr("The server at %1 answered HTTP %2, which the console does not "
                             "expect.")
                              .arg(server)
                              .arg(status)
            + u' ' + later;
        return result;
    }

    result.kind = Outcome::Kind::Fail;
    if (status == 409 && code == u"idempotency_conflict") {
        result.sentence = tr("The server already holds a different escalation under this "
                             "submission's key, so this one was not sent. Check it and submit "
                             "it again.");
        return result;
    }
    if (status >= 300 && status < 400) {
        result.sentence = tr("The server at %1 redirected the escalation elsewhere (HTTP %2), so "
                             "it was not sent. Check the server address.")
                              .arg(server)
                              .arg(status);
        return result;
    }
    const QJsonObject fields = problem.value(u"fields").toObject();
    for (auto it = fields.constBegin(); it != fields.constEnd(); ++it)
        result.fields.insert(it.key(), it.value().toString());
    result.sentence = message.isEmpty()
        ? tr("The server at %1 refused the escalation (HTTP %2).").arg(server).arg(status)
        : message;
    return result;
}
