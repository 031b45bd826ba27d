#pragma once

#include "model/timestamp.h"
#include "net/apireply.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

// The console's one HTTP client for crn-server's API (/api/v1).
//
// Owns the QNetworkAccessManager, the base URL, the time-outs, the same-origin redirect policy,
// the HTTP version policy and the User-Agent and Accept headers. Each call starts a request and
// returns its ApiReply at once; the reply finishes exactly once with a typed error and a
// sentence (see ApiReply::Error). Three time-outs keep a slow or broken server from holding a
// request forever: the connect time-out (no connection accepted), the transfer time-out (no byte
// received for that long, e.g. a server that sends its headers and then stalls) and the answer
// deadline (a server that trickles its answer). Redirects are followed only within the origin
// (scheme, host and port) of the request. Outstanding requests are aborted when the client is
// destroyed. UI thread only; nothing here blocks.
class ApiClient : public QObject
{
    Q_OBJECT

public:
    static constexpr int kDefaultConnectTimeoutMs = 15'000;
    static constexpr int kDefaultTransferTimeoutMs = 15'000;
    static constexpr int kDefaultAnswerDeadlineMs = 60'000;
    // A redirect loop is given up after this many hops rather than Qt's fifty.
    static constexpr int kMaxRedirects = 5;

    // baseUrl is the server's root, e.g. http://127.0.0.1:8470; "/api/v1/..." is added to it.
    explicit ApiClient(const QUrl &baseUrl, QObject *parent = nullptr);
    ~ApiClient() override;

    QUrl baseUrl() const { return m_baseUrl; }
    void setBaseUrl(const QUrl &baseUrl);
    // "127.0.0.1:8470": how sentences name the server.
    QString serverName() const;

    // How long the server may take to accept the connection and take the request.
    int connectTimeoutMs() const { return m_connectTimeoutMs; }
    void setConnectTimeoutMs(int milliseconds);
    // How long a request may go without receiving a byte before it is given up as Unreachable.
    int transferTimeoutMs() const { return m_transferTimeoutMs; }
    void setTransferTimeoutMs(int milliseconds);
    // How long a whole answer may take, however steadily its bytes trickle in.
    int answerDeadlineMs() const { return m_answerDeadlineMs; }
    void setAnswerDeadlineMs(int milliseconds);
    // All three from the one setting the supervisor sees (network/timeoutSeconds): connect and
    // transfer get it as it is, the whole answer four times as long.
    void setTimeoutSeconds(int seconds);

    // Requests made from now on use HTTP/1.1 only, for proxies and servers that mishandle
    // HTTP/2 (Http2AllowedAttribute false).
    bool forceHttp1() const { return m_forceHttp1; }
    void setForceHttp1(bool force);

    // The bearer token (docs/api.yaml, "Who is asking") sent as Authorization on every request
    // from now on; empty sends none. It is never logged nor put in a sentence.
    void setAccessToken(const QByteArray &token) { m_accessToken = token; }
    bool hasAccessToken() const { return !m_accessToken.isEmpty(); }

    HealthReply *health();
    // crnOrLeg in any pasted form; it travels percent-encoded in the path. With ifNoneMatch (an
    // ETag from an earlier answer) the server may answer 304: the reply then finishes without
    // error, isNotModified() is true and call() is empty.
    CallReply *fetchCall(const QString &crnOrLeg, const QString &ifNoneMatch = {});
    // One page of calls whose CRN, leg id, number, agent or queue starts with query. from is
    // inclusive, to exclusive; an invalid Timestamp leaves that end open. With ifNoneMatch (the
    // ETag of an earlier answer to the same question) the server may answer 304: the reply then
    // finishes without error, isNotModified() is true and calls() is empty.
    SearchReply *searchCalls(const QString &query, int limit = 50, const QString &cursor = {},
                             Timestamp from = {}, Timestamp to = {},
                             const QString &ifNoneMatch = {});

Q_SIGNALS:
    // A request was answered 401: the token is missing, wrong, disabled or replaced. sentence is
    // the one the request's reply ends with (never the token). Emitted after the reply finished.
    void unauthorized(const QString &sentence);

private:
    // Why the client itself gave up on a request, so that its ending can say so.
    enum class Abandoned { No, ConnectTimeout, Deadline };

    QNetworkRequest request(const QUrl &url) const;
    QUrl endpoint(const QString &encodedPath) const;
    void start(ApiReply *reply, const QByteArray &ifNoneMatch = {});
    void watch(QNetworkReply *network);
    void abandon(QNetworkReply *network, Abandoned why);
    void handleFinished(QNetworkReply *network, ApiReply *reply, Abandoned why);
    QString transportSentence(QNetworkReply *network, int status, Abandoned why,
                              ApiReply::Error *error) const;

    QNetworkAccessManager *m_network;
    QUrl m_baseUrl;
    int m_connectTimeoutMs = kDefaultConnectTimeoutMs;
    int m_transferTimeoutMs = kDefaultTransferTimeoutMs;
    int m_answerDeadlineMs = kDefaultAnswerDeadlineMs;
    bool m_forceHttp1 = false;
    QByteArray m_accessToken;
    QHash<QNetworkReply *, Abandoned> m_outstanding;
};
