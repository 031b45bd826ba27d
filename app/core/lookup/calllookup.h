#pragma once

#include "model/call.h"

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QUrl>

#include <memory>

class ApiClient;
class CallCache;
class ConsoleSettings;

// One entry of a pasted list of CRNs, in the order pasted: the call it names, or why none is
// shown.
struct ListedCall
{
    enum class Outcome {
        Found, // summary is the call's
        NotFound, // the server answered and knows no call by this reference
        Unavailable, // neither the cache nor the server could answer; problem says why
    };

    QString reference; // as pasted, cleaned like a single CRN (CrnText::cleaned)
    Outcome outcome = Outcome::NotFound;
    CallSummary summary;
    QString problem;
};

// Finds calls for the console: what the supervisor typed is cleaned (CrnText), the local cache
// answers at once when it knows the call, and the server is asked in the background whether
// that copy is still current (If-None-Match with the copy's ETag). When the server cannot be
// reached, a cached call is still shown, marked as offline with its age.
//
// Lives on the UI thread and never blocks it: the cache works on its own thread and the network
// is asynchronous. Every request ends in exactly one of callFound, callConfirmed, matchesFound,
// listFound, notFound or failed. A cached copy comes first as callFound(Cached); then either the
// server confirms it (callConfirmed: the call is not emitted again), or sends a different copy
// (callFound(Live), which replaces the cached one), or the copy is marked CachedOffline or
// CachedNotOnServer. Requests superseded by a newer find() or open() are dropped silently.
//
// Text holding several CRNs (a pasted list) is one request that ends in listFound. A search
// that lists matches keeps its server cursor: fetchMoreMatches() asks for the next page, which
// ends in matchesAppended or moreMatchesFailed; a newer listing drops the older one's pages.
//
// The first page of the last kKeptPages listings is kept in memory with its ETag: the same
// text again shows it at once (matchesFound(Cached)) and asks the server with If-None-Match;
// a 304 ends in matchesConfirmed (only the age changes), a changed page in matchesFound(Live),
// and no server in matchesFound(CachedOffline) with the kept page.
class CallLookup : public QObject
{
    Q_OBJECT

public:
    enum class Freshness {
        Live, // just received from the server
        Cached, // from the cache; the server is being asked whether it is still current
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

    // The server is asked once the cache has answered, so that it can be asked with the cached
    // copy's ETag; a cache slower than this does not hold the server back (the server's
    // answer is then compared with the cached copy instead).
    static constexpr int kDefaultCacheGraceMs = 250;
    // How many listings' first pages are kept to be shown at once when searched again.
    static constexpr int kKeptPages = 20;
    int cacheGraceMs() const;
    void setCacheGraceMs(int milliseconds);

    // The cache's size cap (megabytes of 1024 × 1024 bytes) and age limit (days since a call
    // was last opened); enforced at once on the cache's thread.
    void setCacheLimits(int maxMegabytes, int maxAgeDays);
    // Applies the settings to the client (time-outs, HTTP/1.1) and the cache (limits) now and
    // whenever they change. settings must outlive this object or be destroyed first.
    void setSettings(ConsoleSettings *settings);

    // The references in text when it is a list of two or more: separated by line breaks,
    // commas or semicolons, or by white space when every part is long enough to be a reference
    // (a phone number written "0800 123 4567" is not a list). Each is cleaned like a single
    // CRN; empty parts and repeats (in the normal form) are dropped. Otherwise empty.
    static QStringList referenceList(QStringView text);

    // Whether the listing of matches for query has pages the server has not sent yet.
    bool hasMoreMatches(const QString &query) const;

public Q_SLOTS:
    // Text as pasted: a CRN, a leg id, a number, an agent or a queue name, or a list of CRNs
    // (referenceList).
    void find(const QString &text);
    // The next page of the listing that matchesFound gave for query; ignored when query is no
    // longer the current listing, a page is already on its way, or there is none left.
    void fetchMoreMatches(const QString &query);
    // A CRN picked from a list of matches.
    void open(const QString &crn);
    // Asks /health; the answer arrives as serverStateChanged.
    void checkServer();
    // Drops every cached call; cacheCleared() follows, or cacheProblem() with a sentence.
    void clearCache();

Q_SIGNALS:
    // asOf (UTC) is when the server last vouched for this copy: now for Live; for a cached
    // copy, when it was fetched or last confirmed. The age to show counts from it.
    void callFound(const Call &call, CallLookup::Freshness freshness, const QDateTime &asOf);
    // The server says the cached copy of crn shown by the last callFound(Cached) is still
    // current, as of checkedAt (UTC, now). The call is not emitted again: only its age changes.
    void callConfirmed(const QString &crn, const QDateTime &checkedAt);
    // The first page of query's listing. asOf (UTC) is when the server last vouched for it: now
    // for Live, else when the kept page was fetched or last confirmed.
    void matchesFound(const QString &query, const QList<CallSummary> &matches,
                      CallLookup::Freshness freshness, const QDateTime &asOf);
    // The server says the kept page of query shown by the last matchesFound(Cached) is still
    // current, as of checkedAt (UTC, now). The page is not emitted again.
    void matchesConfirmed(const QString &query, const QDateTime &checkedAt);
    // The next page of query's listing; more is whether pages remain after it.
    void matchesAppended(const QString &query, const QList<CallSummary> &matches, bool more);
    // The next page of query's listing could not be had: a sentence for the supervisor.
    void moreMatchesFailed(const QString &query, const QString &sentence);
    // A pasted list: one entry per reference, in the order pasted. query is the cleaned list as
    // the search field shows it (references joined by ", ").
    void listFound(const QString &query, const QList<ListedCall> &calls);
    void notFound(const QString &query);
    // A sentence for the supervisor: no codes, says what to do next where there is something.
    void failed(const QString &query, const QString &sentence);
    void serverStateChanged(CallLookup::ServerState state, const QString &sentence);
    // The cleaned text actually searched, for the search field to show.
    void searchStarted(const QString &cleanedText);
    // The local cache was damaged and replaced, or cannot be used: a sentence for the
    // supervisor (CallCache::cacheReset and errorOccurred, passed on).
    void cacheProblem(const QString &sentence);
    // clearCache() emptied the cache.
    void cacheCleared();
    // A request was answered 401 (ApiClient::unauthorized), after its own ending: the access
    // token is missing, wrong or no longer valid.
    void unauthorized(const QString &sentence);

private:
    class Private;
    std::unique_ptr<Private> d;
};
