#pragma once

#include "model/timestamp.h"
#include "net/apireply.h"

#include <QObject>
#include <QSet>
#include <QString>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

// The console's one HTTP client for crn-server's API (/api/v1).
//
// Owns the QNetworkAccessManager, the base URL, the transfer timeout (which also gives up on a
// server that sends its headers and then stalls), the same-origin redirect policy and the
// User-Agent and Accept headers. Each call starts a request and returns its ApiReply at once;
// the reply finishes exactly once with a typed error and a sentence (see ApiReply::Error).
// Outstanding requests are aborted when the client is destroyed. UI thread only.
class ApiClient : public QObject
{
    Q_OBJECT

public:
    static constexpr int kDefaultTransferTimeoutMs = 10'000;

    // baseUrl is the server's root, e.g. http://127.0.0.1:8470; "/api/v1/..." is added to it.
    explicit ApiClient(const QUrl &baseUrl, QObject *parent = nullptr);
    ~ApiClient() override;

    QUrl baseUrl() const { return m_baseUrl; }
    void setBaseUrl(const QUrl &baseUrl);
    // "127.0.0.1:8470": how sentences name the server.
    QString serverName() const;

    // How long a request may go without receiving a byte before it is given up as Unreachable.
    int transferTimeoutMs() const { return m_transferTimeoutMs; }
    void setTransferTimeoutMs(int milliseconds);

    HealthReply *health();
    // crnOrLeg in any pasted form; it travels percent-encoded in the path.
    CallReply *fetchCall(const QString &crnOrLeg);
    // One page of calls whose CRN, leg id, number, agent or queue starts with query. from is
    // inclusive, to exclusive; an invalid Timestamp leaves that end open.
    SearchReply *searchCalls(const QString &query, int limit = 50, const QString &cursor = {},
                             Timestamp from = {}, Timestamp to = {});

private:
    QNetworkRequest request(const QUrl &url) const;
    QUrl endpoint(const QString &encodedPath) const;
    void start(ApiReply *reply);
    void handleFinished(QNetworkReply *network, ApiReply *reply);

    QNetworkAccessManager *m_network;
    QUrl m_baseUrl;
    int m_transferTimeoutMs = kDefaultTransferTimeoutMs;
    QSet<QNetworkReply *> m_outstanding;
};
