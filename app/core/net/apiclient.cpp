#include "apiclient.h"

#include "logging.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QTimer>
#include <QUrlQuery>

namespace {

// Errors of the connection itself, as opposed to an HTTP status the server chose to send.
bool isTransportError(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::HostNotFoundError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
    case QNetworkReply::SslHandshakeFailedError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::BackgroundRequestNotAllowedError:
    case QNetworkReply::TooManyRedirectsError:
    case QNetworkReply::InsecureRedirectError:
    case QNetworkReply::UnknownNetworkError:
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyNotFoundError:
    case QNetworkReply::ProxyTimeoutError:
    case QNetworkReply::ProxyAuthenticationRequiredError:
    case QNetworkReply::UnknownProxyError:
    case QNetworkReply::ProtocolUnknownError:
    case QNetworkReply::ProtocolFailure:
        return true;
    default:
        return false;
    }
}

QString seconds(int milliseconds)
{
    return QString::number(milliseconds / 1000.0);
}

// The "message" (and "code") of an {"error": {"code": ..., "message": ...}} body, if it is one.
std::pair<QString, QString> serverError(const QByteArray &body)
{
    const QJsonObject error = QJsonDocument::fromJson(body).object().value(u"error").toObject();
    return { error.value(u"code").toString(), error.value(u"message").toString() };
}

// What a supervisor types goes into the path of /calls/{crn}, and that may be a phone number,
// which never goes to a log.
QString loggablePath(const QUrl &url)
{
    const QString path = url.path();
    const QString callPrefix = u"/api/v1/calls/"_qs;
    const qsizetype at = path.indexOf(callPrefix);
    return at < 0 ? path : path.left(at + callPrefix.size()) + u"{crn}"_qs;
}

QString userAgent()
{
    const QString version = QCoreApplication::applicationVersion();
    return version.isEmpty() ? u"crn-console"_qs : u"crn-console/"_qs + version;
}

} // namespace

ApiClient::ApiClient(const QUrl &baseUrl, QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
    , m_baseUrl(baseUrl)
{
    // The server answers from its own origin; a redirect elsewhere is refused as BadResponse.
    m_network->setRedirectPolicy(QNetworkRequest::SameOriginRedirectPolicy);
}

ApiClient::~ApiClient()
{
    // Aborting emits finished() synchronously; nobody may hear it from a half-destroyed client.
    const QList<QNetworkReply *> outstanding = std::exchange(m_outstanding, {}).keys();
    for (QNetworkReply *network : outstanding) {
        network->disconnect(this);
        network->abort();
    }
    if (!outstanding.isEmpty())
        qCDebug(lcNet) << "aborted" << outstanding.size() << "outstanding requests";
}

void ApiClient::setBaseUrl(const QUrl &baseUrl)
{
    m_baseUrl = baseUrl;
}

QString ApiClient::serverName() const
{
    const int port = m_baseUrl.port();
    const QString host = m_baseUrl.host();
    if (port < 0)
        return host;
    // An IPv6 literal needs its brackets back before a port can follow it.
    return (host.contains(u':') ? u'[' + host + u']' : host) + u':' + QString::number(port);
}

void ApiClient::setConnectTimeoutMs(int milliseconds)
{
    m_connectTimeoutMs = milliseconds;
}

void ApiClient::setTransferTimeoutMs(int milliseconds)
{
    m_transferTimeoutMs = milliseconds;
}

void ApiClient::setAnswerDeadlineMs(int milliseconds)
{
    m_answerDeadlineMs = milliseconds;
}

void ApiClient::setTimeoutSeconds(int seconds)
{
    const int milliseconds = qMax(1, seconds) * 1000;
    m_connectTimeoutMs = milliseconds;
    m_transferTimeoutMs = milliseconds;
    m_answerDeadlineMs = 4 * milliseconds;
}

void ApiClient::setForceHttp1(bool force)
{
    m_forceHttp1 = force;
}

HealthReply *ApiClient::health()
{
    auto *reply = new HealthReply(endpoint(u"/api/v1/health"_qs), this);
    start(reply);
    return reply;
}

CallReply *ApiClient::fetchCall(const QString &crnOrLeg, const QString &ifNoneMatch)
{
    // A leg id can be a channel name with a '/', so every reserved character is encoded.
    const QString segment = QString::fromLatin1(QUrl::toPercentEncoding(crnOrLeg));
    auto *reply = new CallReply(crnOrLeg, endpoint(u"/api/v1/calls/"_qs + segment), this);
    start(reply, ifNoneMatch.toLatin1());
    return reply;
}

SearchReply *ApiClient::searchCalls(const QString &query, int limit, const QString &cursor,
                                    Timestamp from, Timestamp to, const QString &ifNoneMatch)
{
    QUrl url = endpoint(u"/api/v1/calls"_qs);
    QUrlQuery items;
    // QUrlQuery leaves '+' and '&' as they are in values; encode them so they stay text.
    const auto encoded = [](const QString &value) {
        return QString::fromLatin1(QUrl::toPercentEncoding(value));
    };
    items.addQueryItem(u"q"_qs, encoded(query));
    items.addQueryItem(u"limit"_qs, QString::number(limit));
    if (!cursor.isEmpty())
        items.addQueryItem(u"cursor"_qs, encoded(cursor));
    if (from.isValid())
        items.addQueryItem(u"from"_qs, encoded(from.toIso()));
    if (to.isValid())
        items.addQueryItem(u"to"_qs, encoded(to.toIso()));
    url.setQuery(items);

    auto *reply = new SearchReply(query, url, this);
    start(reply, ifNoneMatch.toLatin1());
    return reply;
}

QUrl ApiClient::endpoint(const QString &encodedPath) const
{
    QUrl url = m_baseUrl;
    QString base = m_baseUrl.path(QUrl::FullyEncoded);
    while (base.endsWith(u'/'))
        base.chop(1);
    url.setPath(base + encodedPath, QUrl::StrictMode);
    url.setQuery(QString());
    url.setFragment(QString());
    return url;
}

QNetworkRequest ApiClient::request(const QUrl &url) const
{
    QNetworkRequest request(url);
    request.setTransferTimeout(m_transferTimeoutMs);
    request.setMaximumRedirectsAllowed(kMaxRedirects);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, !m_forceHttp1);
    request.setRawHeader("Accept", "application/json");
    request.setHeader(QNetworkRequest::UserAgentHeader, userAgent());
    if (!m_accessToken.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_accessToken);
    return request;
}

void ApiClient::start(ApiReply *reply, const QByteArray &ifNoneMatch)
{
    QNetworkRequest request = this->request(reply->url());
    if (!ifNoneMatch.isEmpty())
        request.setRawHeader("If-None-Match", ifNoneMatch);
    QNetworkReply *network = m_network->get(request);
    m_outstanding.insert(network, Abandoned::No);
    qCDebug(lcNet).noquote() << "GET" << loggablePath(reply->url())
                             << (ifNoneMatch.isEmpty() ? "" : "(revalidating)");
    watch(network);

    // Deleting an unfinished ApiReply abandons its request.
    connect(reply, &QObject::destroyed, network, &QNetworkReply::abort);
    connect(network, &QNetworkReply::finished, this,
            [this, network, guard = QPointer<ApiReply>(reply)] {
                network->deleteLater();
                const Abandoned why = m_outstanding.take(network);
                if (guard)
                    handleFinished(network, guard, why);
            });
}

// Qt's transfer time-out covers a stalled answer; these two cover what it does not: a
// connection that is never accepted, and an answer that trickles in for ever.
void ApiClient::watch(QNetworkReply *network)
{
    auto *connectTimer = new QTimer(network);
    connectTimer->setSingleShot(true);
    connect(connectTimer, &QTimer::timeout, this,
            [this, network] { abandon(network, Abandoned::ConnectTimeout); });
    // Sent means connected; anything received means so too (a reused connection may skip it).
    connect(network, &QNetworkReply::requestSent, connectTimer, &QTimer::stop);
    connect(network, &QNetworkReply::metaDataChanged, connectTimer, &QTimer::stop);
    connectTimer->start(m_connectTimeoutMs);

    auto *deadline = new QTimer(network);
    deadline->setSingleShot(true);
    connect(deadline, &QTimer::timeout, this,
            [this, network] { abandon(network, Abandoned::Deadline); });
    deadline->start(m_answerDeadlineMs);
}

void ApiClient::abandon(QNetworkReply *network, Abandoned why)
{
    const auto found = m_outstanding.find(network);
    if (found == m_outstanding.end() || network->isFinished())
        return;
    *found = why;
    network->abort();
}

QString ApiClient::transportSentence(QNetworkReply *network, int status, Abandoned why,
                                     ApiReply::Error *error) const
{
    const QString server = serverName();
    *error = ApiReply::Error::Unreachable;
    if (why == Abandoned::ConnectTimeout)
        return tr("The server at %1 did not accept a connection within %2 seconds.")
            .arg(server, seconds(m_connectTimeoutMs));
    if (why == Abandoned::Deadline)
        return tr("The server at %1 took longer than %2 seconds to send its answer.")
            .arg(server, seconds(m_answerDeadlineMs));

    switch (network->error()) {
    case QNetworkReply::ConnectionRefusedError:
        return tr("The server at %1 refused the connection.").arg(server);
    case QNetworkReply::HostNotFoundError:
        return tr("The server name %1 cannot be found.").arg(m_baseUrl.host());
    case QNetworkReply::RemoteHostClosedError:
        return tr("The server at %1 closed the connection without answering.").arg(server);
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
        // Qt 6.4 reports the transfer timeout as a cancel; the client cancels nothing else.
        return status > 0 ? tr("The server at %1 stopped sending its answer for %2 seconds.")
                                .arg(server, seconds(m_transferTimeoutMs))
                          : tr("The server at %1 did not answer within %2 seconds.")
                                .arg(server, seconds(m_transferTimeoutMs));
    case QNetworkReply::TooManyRedirectsError:
        *error = ApiReply::Error::BadResponse;
        return tr("The server at %1 redirected the console more than %2 times.")
            .arg(server)
            .arg(kMaxRedirects);
    case QNetworkReply::InsecureRedirectError: {
        *error = ApiReply::Error::BadResponse;
        // Only the origin is named: the rest of the address may hold what was searched for.
        const QUrl target = network->url().resolved(
            QUrl::fromEncoded(network->rawHeader("Location"), QUrl::StrictMode));
        const QString origin = target.isValid() && !target.host().isEmpty()
            ? target
                  .adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment
                            | QUrl::RemoveUserInfo)
                  .toString()
            : tr("another address");
        return tr("The server at %1 redirected the console to %2, which it does not follow: "
                  "only the server's own address is trusted.")
            .arg(server, origin);
    }
    case QNetworkReply::ProtocolFailure:
    case QNetworkReply::ProtocolUnknownError:
        *error = ApiReply::Error::BadResponse;
        return tr("The server at %1 did not answer in HTTP.").arg(server);
    default:
        return tr("The server at %1 cannot be reached: %2").arg(server, network->errorString());
    }
}

void ApiClient::handleFinished(QNetworkReply *network, ApiReply *reply, Abandoned why)
{
    reply->disconnect(network);

    const QNetworkReply::NetworkError networkError = network->error();
    const int status = network->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->m_httpStatus = status;
    const QString server = serverName();
    const QString path = loggablePath(reply->url());

    if (why != Abandoned::No || isTransportError(networkError)) {
        ApiReply::Error error = ApiReply::Error::Unreachable;
        const QString sentence = transportSentence(network, status, why, &error);
        qCInfo(lcNet).noquote() << "GET" << path << "failed:" << networkError
                                << (why == Abandoned::ConnectTimeout ? "(connect time-out)"
                                        : why == Abandoned::Deadline ? "(answer deadline)"
                                                                     : "");
        reply->finish(error, sentence);
        return;
    }

    auto *callReply = qobject_cast<CallReply *>(reply);
    auto *searchReply = qobject_cast<SearchReply *>(reply);
    if (status == 304 && (callReply || searchReply)) {
        // Only asked with If-None-Match: the copy the caller holds is still the server's.
        const QString etag = QString::fromLatin1(network->rawHeader("ETag"));
        if (callReply) {
            callReply->m_notModified = true;
            callReply->m_etag = etag;
        } else {
            searchReply->m_notModified = true;
            searchReply->m_etag = etag;
        }
        qCDebug(lcNet).noquote() << "GET" << path << "304";
        reply->finish(ApiReply::Error::None, QString());
        return;
    }

    const QByteArray body = network->readAll();
    if (status == 200) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
        if (parseError.error != QJsonParseError::NoError) {
            qCWarning(lcNet).noquote()
                << "GET" << path << "answered malformed JSON at offset" << parseError.offset;
            reply->finish(ApiReply::Error::BadResponse,
                          tr("The server at %1 sent an answer that is not valid JSON (%2 at "
                             "character %3).")
                              .arg(server, parseError.errorString())
                              .arg(parseError.offset));
            return;
        }
        QString problem;
        if (!reply->readBody(document, &problem)) {
            qCWarning(lcNet).noquote() << "GET" << path << "answered the wrong shape:" << problem;
            reply->finish(ApiReply::Error::BadResponse,
                          tr("The server at %1 sent an answer the console cannot read: %2.")
                              .arg(server, problem));
            return;
        }
        if (callReply)
            callReply->m_etag = QString::fromLatin1(network->rawHeader("ETag"));
        if (searchReply)
            searchReply->m_etag = QString::fromLatin1(network->rawHeader("ETag"));
        qCDebug(lcNet).noquote() << "GET" << path << "200";
        reply->finish(ApiReply::Error::None, QString());
        return;
    }

    const auto [code, message] = serverError(body);
    reply->m_serverErrorCode = code;
    qCDebug(lcNet).noquote() << "GET" << path << status << code;
    if (status == 404) {
        reply->finish(ApiReply::Error::NotFound,
                      message.isEmpty() ? tr("The server at %1 has no such call.").arg(server)
                                        : message);
    } else if (status == 401 || status == 403) {
        // The server's message may name the role, never the token; this sentence says what to do.
        reply->finish(
            ApiReply::Error::BadRequest,
            status == 401
                ? tr("The server at %1 did not accept the console's access "
                     "token. Ask for a new one.")
                      .arg(server)
                : tr("The server at %1 does not let this user see that: %2").arg(server, message));
        // After the reply's own ending, so that whoever shows a sentence for the failed request
        // is followed by whoever offers a new token.
        if (status == 401)
            Q_EMIT unauthorized(reply->errorString());
    } else if (status == 400) {
        reply->finish(ApiReply::Error::BadRequest,
                      message.isEmpty() ? tr("The server at %1 refused the request.").arg(server)
                                        : message);
    } else if (status >= 500) {
        reply->finish(
            ApiReply::Error::ServerError,
            message.isEmpty()
                ? tr("The server at %1 ran into a problem and could not answer.").arg(server)
                : tr("The server at %1 ran into a problem: %2").arg(server, message));
    } else {
        reply->finish(ApiReply::Error::BadResponse,
                      tr("The server at %1 answered with HTTP status %2, which the console does "
                         "not expect.")
                          .arg(server)
                          .arg(status));
    }
}
