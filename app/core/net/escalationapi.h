#pragma once

#include "escalation/escalationmodel.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QString>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

// The console's side of issue 4's routes that are not the outbox's: the escalation catalogue
// (GET /api/v1/escalation-options), the escalations list (GET /api/v1/escalations[?crn=]),
// played spans (POST /api/v1/recordings/{id}/plays) and the connection check (GET
// /api/v1/health, then an authenticated GET).
//
// Every request carries the bearer token given to setServer(). Answers come back as signals,
// one per request. What was fetched last is kept in the cache folder (one JSON file per list,
// written off the UI thread) and given back, marked with the time it was fetched, when the
// server cannot be reached, so the console keeps working offline. A 401 from any request also
// emits unauthorized() with one sentence for the window. Sentences never hold the token. UI
// thread; the network is asynchronous and files are read and written on the thread pool.
class EscalationApi : public QObject
{
    Q_OBJECT

public:
    // How a connection check ended.
    enum class Check { Ok, Unreachable, TokenRefused, Failed };
    Q_ENUM(Check)

    static constexpr int kTimeoutMs = 15'000;

    explicit EscalationApi(QObject *parent = nullptr);
    ~EscalationApi() override;

    void setServer(const QUrl &baseUrl, const QByteArray &accessToken);
    QUrl baseUrl() const { return m_baseUrl; }
    // Where fetched lists are kept for offline use; empty keeps nothing.
    void setCacheFolder(const QString &folder) { m_cacheFolder = folder; }

    // The catalogue last fetched (or read from the cache), and when it was fetched.
    const EscalationOptions &options() const { return m_options; }
    QDateTime optionsFetchedAt() const { return m_optionsFetchedAt; }
    // Whether options() came from the server in this run rather than from the cache.
    bool optionsLive() const { return m_optionsLive; }

public Q_SLOTS:
    void fetchOptions();
    // crn empty: every escalation the token may see (the first page, newest first).
    void fetchEscalations(const QString &crn = {});
    // Fire and forget: playReported() says how it went, nothing retries.
    void reportPlay(const QString &recordingId, double startSeconds, double endSeconds);
    // Checks baseUrl with accessToken without changing what setServer() set.
    void checkConnection(const QUrl &baseUrl, const QByteArray &accessToken);

Q_SIGNALS:
    // live is false for a copy from the cache, fetched at fetchedAt.
    void optionsFetched(const EscalationOptions &options, const QDateTime &fetchedAt, bool live);
    void escalationsFetched(const QString &crn, const QList<Escalation> &escalations,
                            const QDateTime &fetchedAt, bool live);
    // A fetch failed; a cached copy may still follow through the *Fetched signal.
    void fetchFailed(const QString &what, const QString &sentence);
    void playReported(const QString &recordingId, int httpStatus);
    void connectionChecked(EscalationApi::Check result, const QString &sentence);
    void unauthorized(const QString &sentence);

private:
    QNetworkReply *get(const QString &path, const QUrl &base, const QByteArray &token,
                       const QList<std::pair<QString, QString>> &query = {});
    QString failureSentence(QNetworkReply *reply, int status) const;
    QString cachePath(const QString &name) const;
    void writeCache(const QString &name, const QJsonObject &object);
    template<typename Done>
    void readCache(const QString &name, Done done);
    static QString escalationsCacheName(const QString &crn);

    QNetworkAccessManager *m_network;
    QUrl m_baseUrl;
    QByteArray m_token;
    QString m_cacheFolder;
    EscalationOptions m_options;
    QDateTime m_optionsFetchedAt;
    bool m_optionsLive = false;
};
