#pragma once

#include "model/call.h"

#include <QDateTime>
#include <QObject>
#include <QUrl>

#include <memory>

class ApiClient;
class CallCache;

// Finds calls for the console: what the supervisor typed is cleaned (CrnText), the local cache
// answers at once when it knows the call, and the server is asked in the background. When the
// server cannot be reached, a cached call is still shown, marked as offline with its age.
//
// Lives on the UI thread and never blocks it: the cache works on its own thread and the network
// is asynchronous. Every request ends in exactly one of callFound, matchesFound, notFound or
// failed; callFound may come a second time for the same request when the server's copy arrives
// after the cached one. Requests superseded by a newer find() or open() are dropped silently.
class CallLookup : public QObject
{
    Q_OBJECT

public:
    enum class Freshness {
        Live, // just received from the server
        Cached, // from the cache, the server is being asked for a newer copy
        CachedOffline, // from the cache, the server could not be reached
        CachedNotOnServer, // from the cache; the server answered and does not know this call
    };
    Q_ENUM(Freshness)

    enum class ServerState { Unknown, Connecting, Connected, Unreachable };
    Q_ENUM(ServerState)

    CallLookup(ApiClient *client, CallCache *cache, QObject *parent = nullptr);
    ~CallLookup() override;

    QUrl serverUrl() const;
    ServerState serverState() const;

    // While the server is unreachable, /health is asked again at this interval.
    static constexpr int kDefaultRetryIntervalMs = 5000;
    int retryIntervalMs() const;
    void setRetryIntervalMs(int milliseconds);

public Q_SLOTS:
    // Text as pasted: a CRN, a leg id, a number, an agent or a queue name.
    void find(const QString &text);
    // A CRN picked from a list of matches.
    void open(const QString &crn);
    // Asks /health; the answer arrives as serverStateChanged.
    void checkServer();

Q_SIGNALS:
    // fetchedAt is when this copy left the server (now, for Live).
    void callFound(const Call &call, CallLookup::Freshness freshness, const QDateTime &fetchedAt);
    void matchesFound(const QString &query, const QList<CallSummary> &matches);
    void notFound(const QString &query);
    // A sentence for the supervisor: no codes, says what to do next where there is something.
    void failed(const QString &query, const QString &sentence);
    void serverStateChanged(CallLookup::ServerState state, const QString &sentence);
    // The cleaned text actually searched, for the search field to show.
    void searchStarted(const QString &cleanedText);
    // The local cache was damaged and replaced, or cannot be used: a sentence for the
    // supervisor (CallCache::cacheReset and errorOccurred, passed on).
    void cacheProblem(const QString &sentence);

private:
    class Private;
    std::unique_ptr<Private> d;
};
