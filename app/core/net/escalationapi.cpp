#include "escalationapi.h"

#include "logging.h"
#include "model/crntext.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSaveFile>
#include <QUrlQuery>
#include <QtConcurrent/QtConcurrentRun>

namespace {

const QString kOptionsCache = u"escalation-options"_qs;

QString serverName(const QUrl &url)
{
    return url.port() < 0 ? url.host() : url.host() + u':' + QString::number(url.port());
}

QString errorMessage(const QByteArray &body)
{
    return QJsonDocument::fromJson(body)
        .object()
        .value(u"error")
        .toObject()
        .value(u"message")
        .toString();
}

} // namespace

EscalationApi::EscalationApi(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
{
    m_network->setRedirectPolicy(QNetworkRequest::SameOriginRedirectPolicy);
}

EscalationApi::~EscalationApi() = default;

void EscalationApi::setServer(const QUrl &baseUrl, const QByteArray &accessToken)
{
    m_baseUrl = baseUrl;
    m_token = accessToken;
}

QNetworkReply *EscalationApi::get(const QString &path, const QUrl &base, const QByteArray &token,
                                  const QList<std::pair<QString, QString>> &query)
{
    QUrl url = base;
    QString basePath = base.path();
    while (basePath.endsWith(u'/'))
        basePath.chop(1);
    url.setPath(basePath + path);
    QUrlQuery items;
    for (const auto &[key, value] : query)
        items.addQueryItem(key, QString::fromLatin1(QUrl::toPercentEncoding(value)));
    url.setQuery(items);

    QNetworkRequest request(url);
    request.setTransferTimeout(kTimeoutMs);
    request.setRawHeader("Accept", "application/json");
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token);
    qCDebug(lcNet).noquote() << "GET" << path;
    return m_network->get(request);
}

QString EscalationApi::failureSentence(QNetworkReply *reply, int status) const
{
    const QString server = serverName(reply->url());
    if (status == 0)
        return tr("The server at %1 cannot be reached: %2").arg(server, reply->errorString());
    if (status == 401)
        return tr("The server at %1 does not accept the console's access token. Open "
                  "Connection… to enter a valid one.")
            .arg(server);
    const QString message = errorMessage(reply->readAll());
    if (!message.isEmpty())
        return tr("The server at %1 answered: %2").arg(server, message);
    return tr("The server at %1 answered with HTTP status %2.").arg(server).arg(status);
}

QString EscalationApi::cachePath(const QString &name) const
{
    return m_cacheFolder + u'/' + name + u".json"_qs;
}

QString EscalationApi::escalationsCacheName(const QString &crn)
{
    if (crn.isEmpty())
        return u"escalations-all"_qs;
    const QByteArray key = CrnText::normalized(crn).toUtf8();
    return u"escalations-"_qs
        + QString::fromLatin1(
               QCryptographicHash::hash(key, QCryptographicHash::Sha1).toHex().left(16));
}

void EscalationApi::writeCache(const QString &name, const QJsonObject &object)
{
    if (m_cacheFolder.isEmpty())
        return;
    const QString path = cachePath(name);
    const QByteArray bytes = QJsonDocument(object).toJson(QJsonDocument::Compact);
    // Fire and forget: a cache that cannot be written costs only the offline copy.
    (void)QtConcurrent::run([path, bytes] {
        QDir().mkpath(QFileInfo(path).absolutePath());
        QSaveFile file(path);
        if (file.open(QIODevice::WriteOnly)) {
            file.write(bytes);
            if (file.commit())
                return;
        }
        qCWarning(lcCache).noquote() << "cannot write" << path << ":" << file.errorString();
    });
}

template<typename Done>
void EscalationApi::readCache(const QString &name, Done done)
{
    if (m_cacheFolder.isEmpty())
        return;
    const QString path = cachePath(name);
    auto *watcher = new QFutureWatcher<QJsonObject>(this);
    connect(watcher, &QFutureWatcher<QJsonObject>::finished, this, [watcher, done] {
        watcher->deleteLater();
        const QJsonObject object = watcher->result();
        if (!object.isEmpty())
            done(object);
    });
    watcher->setFuture(QtConcurrent::run([path] {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return QJsonObject();
        return QJsonDocument::fromJson(file.readAll()).object();
    }));
}

void EscalationApi::fetchOptions()
{
    QNetworkReply *reply = get(u"/api/v1/escalation-options"_qs, m_baseUrl, m_token);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        QString problem;
        if (status == 200) {
            const auto options = EscalationOptions::fromJson(
                QJsonDocument::fromJson(reply->readAll()).object(), &problem);
            if (options) {
                m_options = *options;
                m_optionsFetchedAt = QDateTime::currentDateTimeUtc();
                m_optionsLive = true;
                writeCache(
                    kOptionsCache,
                    QJsonObject { { u"fetched"_qs, m_optionsFetchedAt.toString(Qt::ISODate) },
                                  { u"options"_qs, m_options.toJson() } });
                Q_EMIT optionsFetched(m_options, m_optionsFetchedAt, true);
                return;
            }
            problem = tr("The server's escalation catalogue cannot be read: %1.").arg(problem);
        } else {
            problem = failureSentence(reply, status);
        }
        if (status == 401)
            Q_EMIT unauthorized(problem);
        Q_EMIT fetchFailed(u"escalation-options"_qs, problem);
        if (!m_options.isEmpty())
            return;
        readCache(kOptionsCache, [this](const QJsonObject &cached) {
            const auto options = EscalationOptions::fromJson(cached.value(u"options").toObject());
            if (!options || !m_options.isEmpty())
                return;
            m_options = *options;
            m_optionsFetchedAt
                = QDateTime::fromString(cached.value(u"fetched").toString(), Qt::ISODate);
            Q_EMIT optionsFetched(m_options, m_optionsFetchedAt, false);
        });
    });
}

void EscalationApi::fetchEscalations(const QString &crn)
{
    QList<std::pair<QString, QString>> query { { u"limit"_qs, u"200"_qs } };
    if (!crn.isEmpty())
        query.append({ u"crn"_qs, crn });
    QNetworkReply *reply = get(u"/api/v1/escalations"_qs, m_baseUrl, m_token, query);
    connect(reply, &QNetworkReply::finished, this, [this, reply, crn] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        QString problem;
        if (status == 200) {
            const QJsonObject page = QJsonDocument::fromJson(reply->readAll()).object();
            QList<Escalation> escalations;
            const QJsonArray array = page.value(u"escalations").toArray();
            for (const QJsonValue &value : array) {
                const auto escalation = Escalation::fromJson(value.toObject(), &problem);
                if (!escalation)
                    break;
                escalations.append(*escalation);
            }
            if (problem.isEmpty() && page.value(u"escalations").isArray()) {
                const QDateTime now = QDateTime::currentDateTimeUtc();
                QJsonArray cached;
                for (const Escalation &escalation : escalations)
                    cached.append(escalation.toJson());
                writeCache(escalationsCacheName(crn),
                           QJsonObject { { u"fetched"_qs, now.toString(Qt::ISODate) },
                                         { u"escalations"_qs, cached } });
                Q_EMIT escalationsFetched(crn, escalations, now, true);
                return;
            }
            problem = tr("The server's list of escalations cannot be read: %1.")
                          .arg(problem.isEmpty() ? u"\"escalations\" is missing"_qs : problem);
        } else {
            problem = failureSentence(reply, status);
        }
        if (status == 401)
            Q_EMIT unauthorized(problem);
        Q_EMIT fetchFailed(u"escalations"_qs, problem);
        readCache(escalationsCacheName(crn), [this, crn](const QJsonObject &cached) {
            QList<Escalation> escalations;
            for (const QJsonValue &value : cached.value(u"escalations").toArray()) {
                if (const auto escalation = Escalation::fromJson(value.toObject()))
                    escalations.append(*escalation);
            }
            Q_EMIT escalationsFetched(
                crn, escalations,
                QDateTime::fromString(cached.value(u"fetched").toString(), Qt::ISODate), false);
        });
    });
}

void EscalationApi::reportPlay(const QString &recordingId, double startSeconds, double endSeconds)
{
    QUrl url = m_baseUrl;
    QString basePath = m_baseUrl.path();
    while (basePath.endsWith(u'/'))
        basePath.chop(1);
    url.setPath(basePath + u"/api/v1/recordings/"_qs
                    + QString::fromLatin1(QUrl::toPercentEncoding(recordingId)) + u"/plays"_qs,
                QUrl::StrictMode);
    QNetworkRequest request(url);
    request.setTransferTimeout(kTimeoutMs);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_qs);
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token);
    const QByteArray body
        = QJsonDocument(QJsonObject { { u"start"_qs, startSeconds }, { u"end"_qs, endSeconds } })
              .toJson(QJsonDocument::Compact);
    QNetworkReply *reply = m_network->post(request, body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, recordingId] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        qCDebug(lcNet) << "POST /api/v1/recordings/{id}/plays" << status;
        if (status == 401)
            Q_EMIT unauthorized(failureSentence(reply, status));
        Q_EMIT playReported(recordingId, status);
    });
}

void EscalationApi::checkConnection(const QUrl &baseUrl, const QByteArray &accessToken)
{
    QNetworkReply *health = get(u"/api/v1/health"_qs, baseUrl, {});
    connect(health, &QNetworkReply::finished, this, [this, health, baseUrl, accessToken] {
        health->deleteLater();
        const int status = health->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status != 200) {
            Q_EMIT connectionChecked(Check::Unreachable,
                                     status == 0
                                         ? failureSentence(health, 0)
                                         : tr("The address %1 answers, but not as a crn-server "
                                              "(HTTP status %2).")
                                               .arg(serverName(baseUrl))
                                               .arg(status));
            return;
        }
        // Health needs no token; the catalogue does, and every role may read it.
        QNetworkReply *authed = get(u"/api/v1/escalation-options"_qs, baseUrl, accessToken);
        connect(authed, &QNetworkReply::finished, this, [this, authed, baseUrl] {
            authed->deleteLater();
            const int status = authed->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status == 200)
                Q_EMIT connectionChecked(
                    Check::Ok,
                    tr("Connected: the server at %1 accepts this token.").arg(serverName(baseUrl)));
            else if (status == 401)
                Q_EMIT connectionChecked(Check::TokenRefused,
                                         tr("The server at %1 answers but refuses this token.")
                                             .arg(serverName(baseUrl)));
            else
                Q_EMIT connectionChecked(Check::Failed, failureSentence(authed, status));
        });
    });
}
