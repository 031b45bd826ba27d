#include "calllookup.h"

#include "cache/callcache.h"
#include "logging.h"
#include "model/crntext.h"
#include "net/apiclient.h"
#include "settings/consolesettings.h"

#include <QPointer>
#include <QRegularExpression>
#include <QSet>
#include <QTimer>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>

namespace {

// A cache nobody configured keeps to the same limits as the settings' defaults.
static_assert(qint64(ConsoleSettings::kDefaultCacheMaxMegabytes) * 1024 * 1024
              == CallCache::kDefaultMaxBytes);
static_assert(ConsoleSettings::kDefaultCacheMaxAgeDays == CallCache::kDefaultMaxAgeDays);
static_assert(ConsoleSettings::kDefaultTimeoutSeconds * 1000
              == ApiClient::kDefaultTransferTimeoutMs);

// How many calls a search may offer the supervisor to choose from.
constexpr int kMatchLimit = 50;

// The first page of a listing as the server last sent or confirmed it.
struct KeptPage
{
    QString query; // the cleaned text
    QList<CallSummary> matches;
    QString cursor; // the next page's, empty when this was the only one
    QString etag;
    QDateTime fetchedAt; // UTC, when the server last vouched for it
};

// One find() or open(), from the cleaned text to its ending. Answers for a request that is no
// longer the current one are dropped.
struct LookupRequest
{
    QString query; // the cleaned text
    bool allowSearch; // find(): on 404, search; open(): a CRN from a list, 404 is the answer
    bool cacheAnswered = false;
    std::optional<CachedCall> cached;
    bool fetchStarted = false;
    bool ended = false;
    // A server outcome that arrived before the cache answered; the cache always speaks first.
    std::function<void()> pendingServerOutcome;
    QPointer<ApiReply> reply;
    // The kept first page of this text's earlier listing, shown at once and revalidated.
    std::optional<KeptPage> kept;
};

using RequestPtr = std::shared_ptr<LookupRequest>;

// A reference in a list separated only by white space is at least this long: shorter parts are
// the groups of a phone number ("0800 123 4567"), not references.
constexpr qsizetype kMinSpaceSeparatedReference = 8;

// A pasted list of references, looked up one by one and answered together.
struct ListRequest
{
    enum class Step { Cache, Server, Done };

    QString query; // the references joined by ", "
    QList<ListedCall> entries;
    QList<Step> steps;
    int pending = 0;
    bool ended = false;
    QList<QPointer<ApiReply>> replies;
};

using ListPtr = std::shared_ptr<ListRequest>;

// The server's cursor for the listing of matches the window shows.
struct Listing
{
    QString query;
    QString cursor; // empty when the last page has arrived
    QPointer<SearchReply> reply; // the next page, while it is on its way
};

} // namespace

class CallLookup::Private
{
public:
    Private(CallLookup *q, ApiClient *client, CallCache *cache)
        : q(q)
        , client(client)
        , cache(cache)
    { }

    void start(const QString &text, bool allowSearch);
    void abandonList();
    void startList(const QStringList &references);
    void fetchListed(const ListPtr &list, int index);
    void resolveListed(const ListPtr &list, int index, ListedCall::Outcome outcome,
                       const CallSummary &summary = {}, const QString &problem = {});
    bool isCurrent(const RequestPtr &request) const
    {
        return current == request && !request->ended;
    }
    void onCacheAnswer(const RequestPtr &request, const std::optional<CachedCall> &found);
    void afterCache(const RequestPtr &request, std::function<void()> outcome);
    void fetch(const RequestPtr &request, const QString &crn, bool allowSearch);
    void serverCopy(const RequestPtr &request, const Call &call, const QString &etag);
    void confirmed(const RequestPtr &request, const QString &etag);
    void search(const RequestPtr &request);
    void keep(const KeptPage &page);
    void forget(const QString &query);
    std::optional<KeptPage> keptPage(const QString &query) const;
    void showKept(const RequestPtr &request, Freshness freshness);
    void notFound(const RequestPtr &request);
    void unreachable(const RequestPtr &request);
    void problem(const RequestPtr &request, const QString &sentence);
    void end(const RequestPtr &request);

    void poll();
    void noteAnswer(ApiReply::Error error, const QString &sentence);
    void setState(ServerState newState, const QString &sentence);
    QString unreachableSentence(const QString &why) const;
    void applySettings();

    CallLookup *q;
    QPointer<ApiClient> client;
    QPointer<CallCache> cache;
    RequestPtr current;
    ListPtr currentList;
    Listing listing;
    // Most recently searched last; at most kKeptPages.
    QList<KeptPage> keptPages;
    ServerState state = ServerState::Unknown;
    QTimer retryTimer;
    QPointer<HealthReply> health;
    int cacheGraceMs = kDefaultCacheGraceMs;
    QPointer<ConsoleSettings> settings;
};

CallLookup::CallLookup(ApiClient *client, CallCache *cache, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, client, cache))
{
    Q_ASSERT(client);
    d->retryTimer.setInterval(kDefaultRetryIntervalMs);
    connect(&d->retryTimer, &QTimer::timeout, this, [this] { d->poll(); });
    if (cache) {
        connect(cache, &CallCache::cacheReset, this, &CallLookup::cacheProblem);
        connect(cache, &CallCache::errorOccurred, this, &CallLookup::cacheProblem);
        connect(cache, &CallCache::cleared, this, &CallLookup::cacheCleared);
        // Its pending answers die with it; the request goes on with the server alone.
        connect(cache, &QObject::destroyed, this, [this] {
            const RequestPtr request = d->current; // onCacheAnswer may end and reset it
            if (request && !request->cacheAnswered)
                d->onCacheAnswer(request, std::nullopt);
        });
    }

    // A refused token is the window's to explain, whichever request met it.
    connect(client, &ApiClient::unauthorized, this, &CallLookup::unauthorized);

    // The window shows the server's state from the start, without waiting for a first search.
    QTimer::singleShot(0, this, &CallLookup::checkServer);
}

CallLookup::~CallLookup() = default;

QUrl CallLookup::serverUrl() const
{
    return d->client ? d->client->baseUrl() : QUrl();
}

CallLookup::ServerState CallLookup::serverState() const
{
    return d->state;
}

int CallLookup::retryIntervalMs() const
{
    return d->retryTimer.interval();
}

void CallLookup::setRetryIntervalMs(int milliseconds)
{
    d->retryTimer.setInterval(milliseconds);
}

int CallLookup::cacheGraceMs() const
{
    return d->cacheGraceMs;
}

void CallLookup::setCacheGraceMs(int milliseconds)
{
    d->cacheGraceMs = milliseconds;
}

void CallLookup::setCacheLimits(int maxMegabytes, int maxAgeDays)
{
    if (d->cache)
        d->cache->setLimits(qint64(maxMegabytes) * 1024 * 1024, maxAgeDays);
}

void CallLookup::setSettings(ConsoleSettings *settings)
{
    if (d->settings)
        d->settings->disconnect(this);
    d->settings = settings;
    if (!settings)
        return;
    connect(settings, &ConsoleSettings::cacheLimitsChanged, this, [this] { d->applySettings(); });
    connect(settings, &ConsoleSettings::networkChanged, this, [this] { d->applySettings(); });
    d->applySettings();
}

void CallLookup::Private::applySettings()
{
    if (!settings)
        return;
    if (client) {
        client->setTimeoutSeconds(settings->networkTimeoutSeconds());
        client->setForceHttp1(settings->forceHttp1());
    }
    if (cache)
        cache->setLimits(settings->cacheMaxBytes(), settings->cacheMaxAgeDays());
}

void CallLookup::clearCache()
{
    if (d->cache)
        d->cache->clear();
    else
        Q_EMIT cacheProblem(tr("The console has no local call cache to clear."));
}

void CallLookup::find(const QString &text)
{
    d->start(text, true);
}

void CallLookup::open(const QString &crn)
{
    d->start(crn, false);
}

QStringList CallLookup::referenceList(QStringView text)
{
    static const QRegularExpression strongSeparators(u"[\\r\\n,;]+"_qs);
    static const QRegularExpression spaces(u"\\s+"_qs);

    const QString whole = text.toString();
    QStringList parts = whole.split(strongSeparators, Qt::SkipEmptyParts);
    if (parts.size() < 2) {
        parts = whole.split(spaces, Qt::SkipEmptyParts);
        const bool allReferences
            = std::all_of(parts.cbegin(), parts.cend(), [](const QString &part) {
                  const QString cleaned = CrnText::cleaned(part);
                  return cleaned.size() >= kMinSpaceSeparatedReference
                      && std::any_of(cleaned.cbegin(), cleaned.cend(),
                                     [](QChar c) { return c.isDigit(); });
              });
        if (!allReferences)
            return {};
    }

    QStringList references;
    QSet<QString> seen;
    for (const QString &part : std::as_const(parts)) {
        const QString cleaned = CrnText::cleaned(part);
        const QString key = CrnText::normalized(cleaned);
        if (key.isEmpty() || seen.contains(key))
            continue;
        seen.insert(key);
        references.append(cleaned);
    }
    return references.size() >= 2 ? references : QStringList();
}

bool CallLookup::hasMoreMatches(const QString &query) const
{
    return d->listing.query == query && !d->listing.cursor.isEmpty();
}

void CallLookup::fetchMoreMatches(const QString &query)
{
    Listing &listing = d->listing;
    if (!d->client || listing.query != query || listing.cursor.isEmpty() || listing.reply)
        return;

    SearchReply *reply = d->client->searchCalls(query, kMatchLimit, listing.cursor);
    listing.reply = reply;
    connect(reply, &ApiReply::finished, this, [this, reply, query] {
        // A newer listing replaced this one while the page was on its way.
        if (d->listing.query != query || d->listing.reply != reply)
            return;
        d->listing.reply.clear();
        d->noteAnswer(reply->error(), reply->errorString());
        if (reply->error() != ApiReply::Error::None) {
            // The cursor stays: the same page can be asked for again.
            Q_EMIT moreMatchesFailed(query, reply->errorString());
            return;
        }
        d->listing.cursor = reply->nextCursor();
        qCDebug(lcNet) << "next page of matches:" << reply->calls().size() << "calls";
        Q_EMIT matchesAppended(query, reply->calls(), !d->listing.cursor.isEmpty());
    });
}

void CallLookup::checkServer()
{
    if (!d->client)
        return;
    if (d->state != ServerState::Connected)
        d->setState(ServerState::Connecting,
                    tr("Connecting to the server at %1…").arg(d->client->serverName()));
    d->poll();
}

void CallLookup::Private::start(const QString &text, bool allowSearch)
{
    // The request this one supersedes is abandoned: its answers would be dropped anyway.
    if (current) {
        current->ended = true;
        if (current->reply)
            current->reply->deleteLater();
        current.reset();
    }
    abandonList();

    if (allowSearch) {
        const QStringList references = CallLookup::referenceList(text);
        if (!references.isEmpty()) {
            startList(references);
            return;
        }
    }

    const QString cleaned = CrnText::cleaned(text);
    if (allowSearch)
        Q_EMIT q->searchStarted(cleaned);
    if (CrnText::normalized(cleaned).isEmpty()) {
        Q_EMIT q->failed(cleaned, CallLookup::tr("Type or paste a CRN, number, agent or queue."));
        return;
    }

    if (!client) {
        Q_EMIT q->failed(cleaned, CallLookup::tr("The console has no server to ask."));
        return;
    }

    auto request = std::make_shared<LookupRequest>();
    request->query = cleaned;
    request->allowSearch = allowSearch;
    current = request;

    // A text that listed matches before lists them again at once. It goes straight to the
    // search, revalidating the kept page: a call with this exact CRN would be among the
    // matches, and opened if it is the only one.
    if (allowSearch) {
        if (std::optional<KeptPage> kept = keptPage(cleaned)) {
            request->kept = std::move(kept);
            request->cacheAnswered = true;
            request->fetchStarted = true;
            if (listing.reply)
                listing.reply->deleteLater();
            listing = { cleaned, request->kept->cursor, {} };
            Q_EMIT q->matchesFound(cleaned, request->kept->matches, Freshness::Cached,
                                   request->kept->fetchedAt);
            search(request);
            return;
        }
    }

    // The cache first, so that the server can be asked with the cached copy's ETag; the cache
    // answers in milliseconds, and a slow one is not waited for.
    if (cache) {
        cache->lookup(cleaned, q, [this, request](const std::optional<CachedCall> &found) {
            onCacheAnswer(request, found);
        });
        QTimer::singleShot(cacheGraceMs, q, [this, request] {
            if (isCurrent(request) && !request->fetchStarted) {
                qCDebug(lcCache) << "the cache is slow to answer; asking the server meanwhile";
                fetch(request, request->query, request->allowSearch);
            }
        });
    } else {
        request->cacheAnswered = true;
        fetch(request, cleaned, allowSearch);
    }
}

void CallLookup::Private::abandonList()
{
    if (!currentList)
        return;
    currentList->ended = true;
    for (const QPointer<ApiReply> &reply : std::as_const(currentList->replies)) {
        if (reply)
            reply->deleteLater();
    }
    currentList.reset();
}

void CallLookup::Private::startList(const QStringList &references)
{
    auto list = std::make_shared<ListRequest>();
    list->query = references.join(u", "_qs);
    list->pending = int(references.size());
    for (const QString &reference : references) {
        ListedCall entry;
        entry.reference = reference;
        list->entries.append(entry);
        list->steps.append(ListRequest::Step::Cache);
    }
    currentList = list;
    Q_EMIT q->searchStarted(list->query);
    qCInfo(lcNet) << "looking up a list of" << references.size() << "references";

    if (!cache || !client) {
        for (int i = 0; i < references.size(); ++i)
            fetchListed(list, i);
        return;
    }

    // As for one CRN: the cache first, and the server for what the cache does not know.
    for (int i = 0; i < references.size(); ++i) {
        cache->lookup(references.at(i), q, [this, list, i](const std::optional<CachedCall> &found) {
            if (list->ended || list->steps.at(i) != ListRequest::Step::Cache)
                return;
            if (found)
                resolveListed(list, i, ListedCall::Outcome::Found, found->call.summary);
            else
                fetchListed(list, i);
        });
    }
    QTimer::singleShot(cacheGraceMs, q, [this, list] {
        for (int i = 0; !list->ended && i < list->steps.size(); ++i) {
            if (list->steps.at(i) == ListRequest::Step::Cache)
                fetchListed(list, i);
        }
    });
}

void CallLookup::Private::fetchListed(const ListPtr &list, int index)
{
    list->steps[index] = ListRequest::Step::Server;
    if (!client) {
        resolveListed(list, index, ListedCall::Outcome::Unavailable, {},
                      CallLookup::tr("The console has no server to ask."));
        return;
    }

    CallReply *reply = client->fetchCall(list->entries.at(index).reference);
    list->replies.append(reply);
    QObject::connect(reply, &ApiReply::finished, q, [this, list, index, reply] {
        if (list->ended)
            return;
        noteAnswer(reply->error(), reply->errorString());
        switch (reply->error()) {
        case ApiReply::Error::None:
            if (cache && !reply->isNotModified())
                cache->store(reply->call(), QDateTime::currentDateTimeUtc(), reply->etag());
            resolveListed(list, index, ListedCall::Outcome::Found, reply->call().summary);
            break;
        case ApiReply::Error::NotFound:
            resolveListed(list, index, ListedCall::Outcome::NotFound);
            break;
        case ApiReply::Error::Unreachable:
            resolveListed(list, index, ListedCall::Outcome::Unavailable, {},
                          CallLookup::tr("The server at %1 cannot be reached, and this call is "
                                         "not in the local cache.")
                              .arg(client->serverName()));
            break;
        default:
            resolveListed(list, index, ListedCall::Outcome::Unavailable, {}, reply->errorString());
            break;
        }
    });
}

void CallLookup::Private::resolveListed(const ListPtr &list, int index, ListedCall::Outcome outcome,
                                        const CallSummary &summary, const QString &problem)
{
    ListedCall &entry = list->entries[index];
    entry.outcome = outcome;
    entry.summary = summary;
    entry.problem = problem;
    list->steps[index] = ListRequest::Step::Done;

    if (--list->pending > 0)
        return;
    list->ended = true;
    if (currentList == list)
        currentList.reset();
    Q_EMIT q->listFound(list->query, list->entries);
}

void CallLookup::Private::onCacheAnswer(const RequestPtr &request,
                                        const std::optional<CachedCall> &found)
{
    if (!isCurrent(request))
        return;

    request->cacheAnswered = true;
    request->cached = found;
    if (found)
        Q_EMIT q->callFound(found->call, Freshness::Cached, found->checkedAt);
    // A slot may have started another request.
    if (!isCurrent(request))
        return;

    if (!request->fetchStarted)
        fetch(request, request->query, request->allowSearch);
    else if (request->pendingServerOutcome)
        std::exchange(request->pendingServerOutcome, {})();
}

void CallLookup::Private::afterCache(const RequestPtr &request, std::function<void()> outcome)
{
    // Cached before Live, always: otherwise a fast server could be followed by an older copy.
    if (request->cacheAnswered)
        outcome();
    else
        request->pendingServerOutcome = std::move(outcome);
}

void CallLookup::Private::fetch(const RequestPtr &request, const QString &crn, bool allowSearch)
{
    // Revalidate only the copy this text found; the server compares the ETag with the document
    // the same text finds there.
    const bool revalidate = request->cached && !request->cached->etag.isEmpty()
        && (crn == request->query || crn == request->cached->call.crn());
    CallReply *reply = client->fetchCall(crn, revalidate ? request->cached->etag : QString());
    request->fetchStarted = true;
    request->reply = reply;
    QObject::connect(reply, &ApiReply::finished, q, [this, request, reply, allowSearch] {
        if (!isCurrent(request))
            return;
        const ApiReply::Error error = reply->error();
        const QString sentence = reply->errorString();
        noteAnswer(error, sentence);

        afterCache(request,
                   [this, request, error, sentence, allowSearch, call = reply->call(),
                    etag = reply->etag(), notModified = reply->isNotModified()] {
                       if (!isCurrent(request))
                           return;
                       switch (error) {
                       case ApiReply::Error::None:
                           if (notModified)
                               confirmed(request, etag);
                           else
                               serverCopy(request, call, etag);
                           break;
                       case ApiReply::Error::NotFound:
                           if (allowSearch)
                               search(request);
                           else
                               notFound(request);
                           break;
                       case ApiReply::Error::Unreachable:
                           unreachable(request);
                           break;
                       default:
                           problem(request, sentence);
                           break;
                       }
                   });
    });
}

void CallLookup::Private::serverCopy(const RequestPtr &request, const Call &call,
                                     const QString &etag)
{
    // The same document again (asked without the ETag, or a copy from before ETags) confirms
    // the cached copy as a 304 would.
    if (request->cached
        && ((!etag.isEmpty() && etag == request->cached->etag) || call == request->cached->call)) {
        confirmed(request, etag);
        return;
    }

    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (cache)
        cache->store(call, now, etag);
    end(request);
    Q_EMIT q->callFound(call, Freshness::Live, now);
}

void CallLookup::Private::confirmed(const RequestPtr &request, const QString &etag)
{
    // A 304 is only asked for with a cached copy's ETag.
    if (!request->cached) {
        qCWarning(lcNet) << "the server answered 304 to a request without a cached copy";
        problem(request,
                CallLookup::tr("The server at %1 answered that the call has not changed, but "
                               "the console holds no copy of it.")
                    .arg(client->serverName()));
        return;
    }

    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString crn = request->cached->call.crn();
    if (cache)
        cache->confirm(crn, etag, now);
    end(request);
    qCDebug(lcCache) << "the server confirmed the cached copy";
    Q_EMIT q->callConfirmed(crn, now);
}

void CallLookup::Private::search(const RequestPtr &request)
{
    SearchReply *reply = client->searchCalls(request->query, kMatchLimit, {}, {}, {},
                                             request->kept ? request->kept->etag : QString());
    request->reply = reply;
    QObject::connect(reply, &ApiReply::finished, q, [this, request, reply] {
        if (!isCurrent(request))
            return;
        noteAnswer(reply->error(), reply->errorString());

        switch (reply->error()) {
        case ApiReply::Error::None:
            if (reply->isNotModified()) {
                if (!request->kept) {
                    problem(request,
                            CallLookup::tr("The server at %1 answered that the list has not "
                                           "changed, but the console holds no copy of it.")
                                .arg(client->serverName()));
                    return;
                }
                end(request);
                KeptPage page = *request->kept;
                page.fetchedAt = QDateTime::currentDateTimeUtc();
                keep(page);
                qCDebug(lcNet) << "the server confirmed the kept page of matches";
                Q_EMIT q->matchesConfirmed(request->query, page.fetchedAt);
                return;
            }
            // The server's answer replaces the kept page, whatever becomes of it below.
            request->kept.reset();
            forget(request->query);
            break;
        case ApiReply::Error::Unreachable:
            unreachable(request);
            return;
        default:
            problem(request, reply->errorString());
            return;
        }

        const QList<CallSummary> &matches = reply->calls();
        qCDebug(lcNet) << "search found" << matches.size() << "calls";
        if (matches.isEmpty()) {
            notFound(request);
        } else if (matches.size() == 1) {
            fetch(request, matches.first().crn, false);
        } else if (request->cached) {
            // The cache knew this exact text; a list now would replace the call on screen.
            notFound(request);
        } else {
            end(request);
            // Replaces the listing whose pages the window was loading; its answers are dropped.
            if (listing.reply)
                listing.reply->deleteLater();
            listing = { request->query, reply->nextCursor(), {} };
            const QDateTime now = QDateTime::currentDateTimeUtc();
            keep({ request->query, matches, reply->nextCursor(), reply->etag(), now });
            Q_EMIT q->matchesFound(request->query, matches, Freshness::Live, now);
        }
    });
}

void CallLookup::Private::keep(const KeptPage &page)
{
    forget(page.query);
    keptPages.append(page);
    while (keptPages.size() > CallLookup::kKeptPages)
        keptPages.removeFirst();
}

void CallLookup::Private::forget(const QString &query)
{
    keptPages.removeIf([&query](const KeptPage &page) { return page.query == query; });
}

std::optional<KeptPage> CallLookup::Private::keptPage(const QString &query) const
{
    for (const KeptPage &page : keptPages) {
        if (page.query == query)
            return page;
    }
    return std::nullopt;
}

void CallLookup::Private::showKept(const RequestPtr &request, Freshness freshness)
{
    end(request);
    Q_EMIT q->matchesFound(request->query, request->kept->matches, freshness,
                           request->kept->fetchedAt);
}

void CallLookup::Private::notFound(const RequestPtr &request)
{
    end(request);
    // The cached call stays on screen, but marked: the server may hold a different set of
    // calls, and a supervisor must not take the copy for one the server still has.
    if (request->cached) {
        qCInfo(lcNet) << "the server does not know a call the cache has";
        Q_EMIT q->callFound(request->cached->call, Freshness::CachedNotOnServer,
                            request->cached->checkedAt);
        return;
    }
    Q_EMIT q->notFound(request->query);
}

void CallLookup::Private::unreachable(const RequestPtr &request)
{
    if (request->kept) {
        showKept(request, Freshness::CachedOffline);
        return;
    }
    end(request);
    if (request->cached) {
        Q_EMIT q->callFound(request->cached->call, Freshness::CachedOffline,
                            request->cached->checkedAt);
        return;
    }
    Q_EMIT q->failed(
        request->query,
        CallLookup::tr("The server at %1 cannot be reached, and this call is not in the local "
                       "cache.")
            .arg(client->serverName()));
}

void CallLookup::Private::problem(const RequestPtr &request, const QString &sentence)
{
    if (request->kept) {
        qCWarning(lcNet).noquote() << "showing the kept page of matches:" << sentence;
        showKept(request, Freshness::CachedOffline);
        return;
    }
    end(request);
    // A server that answers wrongly is as good as none for this call: show the copy we have.
    if (request->cached) {
        qCWarning(lcNet).noquote() << "showing the cached copy:" << sentence;
        Q_EMIT q->callFound(request->cached->call, Freshness::CachedOffline,
                            request->cached->checkedAt);
        return;
    }
    Q_EMIT q->failed(request->query, sentence);
}

void CallLookup::Private::end(const RequestPtr &request)
{
    request->ended = true;
    if (current == request)
        current.reset();
}

void CallLookup::Private::poll()
{
    if (health || !client)
        return;

    health = client->health();
    QObject::connect(health, &ApiReply::finished, q, [this, reply = health.data()] {
        health.clear();
        if (reply->error() == ApiReply::Error::None) {
            setState(ServerState::Connected,
                     CallLookup::tr("Connected to crn-server %1 at %2.")
                         .arg(reply->version(), client->serverName()));
        } else {
            // Whatever answers /health wrongly is not a server the console can use.
            setState(ServerState::Unreachable, unreachableSentence(reply->errorString()));
        }
    });
}

void CallLookup::Private::noteAnswer(ApiReply::Error error, const QString &sentence)
{
    switch (error) {
    case ApiReply::Error::None:
    case ApiReply::Error::NotFound:
    case ApiReply::Error::BadRequest:
        setState(ServerState::Connected,
                 CallLookup::tr("Connected to the server at %1.").arg(client->serverName()));
        break;
    case ApiReply::Error::Unreachable:
        setState(ServerState::Unreachable, unreachableSentence(sentence));
        break;
    case ApiReply::Error::ServerError:
    case ApiReply::Error::BadResponse:
        // It is there, it answered; the request's own ending says what went wrong.
        break;
    }
}

QString CallLookup::Private::unreachableSentence(const QString &why) const
{
    return CallLookup::tr(
               "%1 Calls opened before are shown from the local cache; the console tries again "
               "every %2 seconds.")
        .arg(why, QString::number(retryTimer.interval() / 1000.0));
}

void CallLookup::Private::setState(ServerState newState, const QString &sentence)
{
    if (newState == ServerState::Unreachable)
        retryTimer.start();
    else if (newState == ServerState::Connected)
        retryTimer.stop();

    if (newState == state)
        return;
    state = newState;
    qCInfo(lcNet) << "server state:" << newState;
    Q_EMIT q->serverStateChanged(newState, sentence);
}
