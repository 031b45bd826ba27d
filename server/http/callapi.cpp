#include "callapi.h"

#include "access/agentscope.h"
#include "audit/auditlog.h"
#include "httpheaders.h"
#include "logging.h"
#include "store/callstore.h"
#include "json/calljson.h"

#include <QElapsedTimer>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>
#include <optional>

namespace {

using Method = QHttpServerRequest::Method;
using StatusCode = CallApi::StatusCode;

const QString kHealthPath = u"/api/v1/health"_qs;
const QString kCallsPath = u"/api/v1/calls"_qs;
const QString kCallPath = u"/api/v1/calls/{crn}"_qs;

// What a CRN in a message may show at most, so that a pasted page of text is not echoed back.
constexpr qsizetype kMaxEchoedLength = 120;

QByteArray compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

CallApi::Response errorResponse(StatusCode status, const QString &code, const QString &message)
{
    return ApiResponse::error(status, code, message);
}

CallApi::Response badRequest(const QString &message)
{
    return errorResponse(StatusCode::BadRequest, u"bad_request"_qs, message);
}

QString echoed(QStringView text)
{
    if (text.size() <= kMaxEchoedLength)
        return text.toString();
    return text.left(kMaxEchoedLength).toString() + QChar(0x2026);
}

// One query parameter. Leaving it out and sending it empty are the same; sending it twice is a
// mistake the caller should hear about rather than have one of the values picked for them.
std::optional<QString> parameter(const QUrlQuery &query, const QString &name, QString *error)
{
    const QStringList values = query.allQueryItemValues(name, QUrl::FullyDecoded);
    if (values.size() > 1) {
        *error = QStringLiteral("The parameter \"%1\" is given more than once.").arg(name);
        return std::nullopt;
    }
    return values.isEmpty() ? QString() : values.constFirst();
}

std::optional<Timestamp> timeParameter(const QUrlQuery &query, const QString &name, QString *error)
{
    const std::optional<QString> text = parameter(query, name, error);
    if (!text)
        return std::nullopt;
    if (text->isEmpty())
        return Timestamp();

    const std::optional<Timestamp> time = Timestamp::parseIso(*text);
    if (!time) {
        *error = QStringLiteral("The parameter \"%1\" must be an ISO 8601 time such as "
                                "2023-09-06T18:07:22Z.")
                     .arg(name);
    }
    return time;
}

std::optional<int> limitParameter(const QUrlQuery &query, QString *error)
{
    const QString name = u"limit"_qs;
    const std::optional<QString> text = parameter(query, name, error);
    if (!text)
        return std::nullopt;
    if (text->isEmpty())
        return SearchQuery().limit;

    // Digits only: toInt() would also take "+5", " 5" and "0x5".
    const bool digitsOnly = text->size() <= 9
        && std::all_of(text->cbegin(), text->cend(),
                       [](QChar c) { return c >= u'0' && c <= u'9'; });
    const int limit = digitsOnly ? text->toInt() : 0;
    if (limit < 1 || limit > CallStore::kMaxSearchLimit) {
        *error = QStringLiteral("The parameter \"limit\" must be a whole number from 1 to %1.")
                     .arg(CallStore::kMaxSearchLimit);
        return std::nullopt;
    }
    return limit;
}

// A parameter that takes one of a few words; an empty value is the same as none.
template<typename T>
bool wordParameter(const QUrlQuery &query, const QString &name,
                   std::optional<T> (*fromString)(QStringView), const QString &words,
                   std::optional<T> *value, QString *error)
{
    const std::optional<QString> text = parameter(query, name, error);
    if (!text)
        return false;
    if (text->isEmpty())
        return true;
    *value = fromString(*text);
    if (!*value) {
        *error = QStringLiteral("The parameter \"%1\" must be one of %2.").arg(name, words);
        return false;
    }
    return true;
}

std::optional<bool> booleanFromString(QStringView text)
{
    if (text == u"true")
        return true;
    if (text == u"false")
        return false;
    return std::nullopt;
}

std::optional<SearchSort> sortFromString(QStringView text)
{
    if (text == u"start_desc")
        return SearchSort::StartDescending;
    if (text == u"start_asc")
        return SearchSort::StartAscending;
    return std::nullopt;
}

// agent and queue are prefixes of a name; a value of white space alone names nothing.
bool nameParameter(const QUrlQuery &query, const QString &name, QString *value, QString *error)
{
    const std::optional<QString> text = parameter(query, name, error);
    if (!text)
        return false;
    if (!text->isEmpty() && text->trimmed().isEmpty()) {
        *error = QStringLiteral("The parameter \"%1\" must hold more than white space.").arg(name);
        return false;
    }
    *value = *text;
    return true;
}

bool numberParameter(const QUrlQuery &query, QString *value, QString *error)
{
    const std::optional<QString> text = parameter(query, u"number"_qs, error);
    if (!text)
        return false;
    if (!text->isEmpty()
        && PhoneNumber::parse(*text).significantDigits() < CallStore::kMinNumberDigits) {
        *error = QStringLiteral("The parameter \"number\" must hold at least %1 digits "
                                "besides a leading + or 00.")
                     .arg(CallStore::kMinNumberDigits);
        return false;
    }
    *value = *text;
    return true;
}

// The filters besides q, from, to, limit and cursor, into search.
bool readFilters(const QUrlQuery &query, SearchQuery *search, QString *error)
{
    const QString booleans = u"true or false"_qs;
    std::optional<SearchSort> sort;
    if (!wordParameter(query, u"direction"_qs, &callDirectionFromString,
                       u"inbound, outbound, internal or unknown"_qs, &search->direction, error)
        || !wordParameter(query, u"outcome"_qs, &callOutcomeFromString,
                          u"unknown, answered, abandoned, no_answer, busy, failed or "
                          "transferred"_qs,
                          &search->outcome, error)
        || !nameParameter(query, u"agent"_qs, &search->agent, error)
        || !nameParameter(query, u"queue"_qs, &search->queue, error)
        || !numberParameter(query, &search->number, error)
        || !wordParameter(query, u"has_recording"_qs, &booleanFromString, booleans,
                          &search->hasRecording, error)
        || !wordParameter(query, u"has_escalation"_qs, &booleanFromString, booleans,
                          &search->hasEscalation, error)
        || !wordParameter(query, u"sort"_qs, &sortFromString, u"start_desc or start_asc"_qs, &sort,
                          error))
        return false;
    search->sort = sort.value_or(SearchSort::StartDescending);
    return true;
}

std::optional<SearchQuery> searchQueryFrom(const QUrlQuery &query, QString *error)
{
    // Each reader sets *error; the first bad parameter is the one named.
    const std::optional<QString> text = parameter(query, u"q"_qs, error);
    if (!text)
        return std::nullopt;
    const std::optional<Timestamp> from = timeParameter(query, u"from"_qs, error);
    if (!from)
        return std::nullopt;
    const std::optional<Timestamp> to = timeParameter(query, u"to"_qs, error);
    if (!to)
        return std::nullopt;
    const std::optional<int> limit = limitParameter(query, error);
    if (!limit)
        return std::nullopt;
    const std::optional<QString> cursor = parameter(query, u"cursor"_qs, error);
    if (!cursor)
        return std::nullopt;

    if (from->isValid() && to->isValid() && *to <= *from) {
        *error = u"The parameter \"to\" must be a later time than \"from\"."_qs;
        return std::nullopt;
    }

    SearchQuery search;
    search.text = *text;
    search.from = *from;
    search.to = *to;
    search.limit = *limit;
    search.cursor = *cursor;
    if (!readFilters(query, &search, error))
        return std::nullopt;
    return search;
}

} // namespace

CallApi::CallApi(CallStore *store, const QString &version, AuditLog *audit)
    : m_store(store)
    , m_version(version)
    , m_audit(audit)
{ }

void CallApi::registerRoutes(ApiRouter *router)
{
    // The paths are logged as declared: the query string and a {crn} can hold a phone number,
    // when a supervisor pastes one where a CRN belongs, and neither goes to the log.
    router->addRoute(u"getHealth"_qs, kHealthPath, Method::Get, RouteAccess::publicRoute(),
                     [this](const ApiRequest &request, QHttpServerResponder &&responder) {
                         QElapsedTimer timer;
                         timer.start();
                         ApiRouter::respond(request.http, responder, health(), kHealthPath, timer);
                     });

    const RouteAccess readers
        = RouteAccess::roles({ Role::Supervisor, Role::Auditor, Role::Agent });
    router->addRoute(u"searchCalls"_qs, kCallsPath, Method::Get, readers,
                     [this](const ApiRequest &request, QHttpServerResponder &&responder) {
                         QElapsedTimer timer;
                         timer.start();
                         ApiRouter::respond(
                             request.http, responder,
                             search(request.http.query(), &request.caller,
                                    HttpHeaders::value(request.http, "If-None-Match")),
                             kCallsPath, timer);
                     });

    router->addRoute(
        u"getCall"_qs, kCallPath, Method::Get, readers,
        [this](const ApiRequest &request, QHttpServerResponder &&responder) {
            QElapsedTimer timer;
            timer.start();
            QString crn;
            const Response response
                = call(request.argument, HttpHeaders::value(request.http, "If-None-Match"),
                       &request.caller, &crn);
            // A HEAD shows nothing of the call, so only a GET is a view.
            if (m_audit && !crn.isEmpty() && request.http.method() == Method::Get)
                m_audit->record(request.caller, AuditAction::CallViewed, { crn, {}, {}, {} });
            ApiRouter::respond(request.http, responder, response, kCallPath, timer);
        });
}

CallApi::Response CallApi::health()
{
    const qint64 count = m_store->callCount();
    // callCount() leaves errorString() as it was, so it has no reason to add.
    if (count < 0)
        return unavailable(u"count the calls"_qs, {});

    const QJsonObject body { { u"status"_qs, u"ok"_qs },
                             { u"version"_qs, m_version },
                             { u"calls"_qs, count } };
    return { StatusCode::Ok, compactJson(body), {} };
}

CallApi::Response CallApi::call(QStringView crnOrLegId, const QByteArray &ifNoneMatch,
                                const Caller *caller, QString *crn)
{
    const std::optional<StoredDocument> stored = m_store->findStoredDocument(crnOrLegId);
    if (!stored) {
        // The store answers "no" both for an unknown id and for a database that failed.
        if (m_store->callCount() < 0)
            return unavailable(u"look up the call"_qs, m_store->errorString());
        if (!m_store->resolveCrn(crnOrLegId).isEmpty())
            return unavailable(u"read the stored call"_qs, m_store->errorString());
        return errorResponse(
            StatusCode::NotFound, u"not_found"_qs,
            QStringLiteral("No call has the CRN or leg id \"%1\".").arg(echoed(crnOrLegId)));
    }

    // The stored document is the compact JSON of the call as CallJson writes it, so it is sent
    // as it is, once a parse has shown it is still a call: a damaged row must never reach a
    // console as if it were one. Its ETag was stored with it.
    const QByteArray &body = stored->document;
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    if (!object.value(u"crn").isString() || !object.value(u"start").isString())
        return unavailable(u"read the stored call"_qs, u"its document is damaged"_qs);
    if (caller && !callerMayRead(*caller, object)) {
        return errorResponse(StatusCode::Forbidden, u"forbidden"_qs,
                             u"An agent may read only the calls they took part in."_qs);
    }
    if (crn)
        *crn = object.value(u"crn").toString();
    const QByteArray etag = '"' + stored->etag + '"';
    const QList<Header> headers { { "ETag", etag }, { "Cache-Control", "no-cache" } };
    if (!ifNoneMatch.isEmpty() && HttpHeaders::ifNoneMatchHolds(ifNoneMatch, etag))
        return { StatusCode::NotModified, {}, headers };
    return { StatusCode::Ok, body, headers };
}

CallApi::Response CallApi::search(const QUrlQuery &query, const Caller *caller,
                                  const QByteArray &ifNoneMatch)
{
    QString error;
    std::optional<SearchQuery> search = searchQueryFrom(query, &error);
    if (!search)
        return badRequest(error);
    if (caller && caller->role == Role::Agent)
        search->agentKey = caller->agentId;

    CallStore::SearchError searchError = CallStore::SearchError::None;
    const SearchPage page = m_store->search(*search, &searchError);
    switch (searchError) {
    case CallStore::SearchError::None:
        break;
    case CallStore::SearchError::BadCursor:
        return badRequest(u"The parameter \"cursor\" is not one this server gave out for this "
                          "sort; start again without it."_qs);
    case CallStore::SearchError::BadNumber:
        return badRequest(u"The parameter \"number\" has too few digits."_qs);
    case CallStore::SearchError::Database:
        return unavailable(u"search the calls"_qs, m_store->errorString());
    }

    QJsonArray calls;
    for (const CallSummary &summary : page.calls)
        calls.append(CallJson::toJson(summary));
    const QJsonObject body { { u"calls"_qs, calls },
                             { u"next_cursor"_qs,
                               page.nextCursor.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                         : QJsonValue(page.nextCursor) } };
    // A strong validator of these exact bytes: the same query over the same calls (and the same
    // snapshot in the cursor) gives the same page.
    const QByteArray json = compactJson(body);
    const QByteArray etag = '"' + CallStore::documentTag(json) + '"';
    const QList<Header> headers { { "ETag", etag }, { "Cache-Control", "no-cache" } };
    if (!ifNoneMatch.isEmpty() && HttpHeaders::ifNoneMatchHolds(ifNoneMatch, etag))
        return { StatusCode::NotModified, {}, headers };
    return { StatusCode::Ok, json, headers };
}

CallApi::Response CallApi::unavailable(const QString &what, const QString &why) const
{
    // The log gets the database's own words; the client gets a sentence without them.
    QString line = u"Cannot "_qs + what + u" because the call database failed"_qs;
    if (!why.isEmpty())
        line += u": "_qs + why;
    qCWarning(lcServer).noquote() << line;
    return errorResponse(StatusCode::ServiceUnavailable, u"unavailable"_qs,
                         u"The call database cannot be read right now. Try again in a moment."_qs);
}
