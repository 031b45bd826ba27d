#include "escalation/escalationapi.h"

#include "access/apirouter.h"
#include "access/caller.h"
#include "audit/auditlog.h"
#include "escalation/escalationrules.h"
#include "escalation/escalationstore.h"
#include "http/httpheaders.h"
#include "logging.h"
#include "model/crntext.h"
#include "store/callstore.h"
#include "json/calljson.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QMap>
#include <QUrlQuery>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

namespace {

using StatusCode = EscalationApi::StatusCode;
using Response = EscalationApi::Response;

constexpr qsizetype kMaxEchoedLength = 120;

const QString kOptionsPath = u"/api/v1/escalation-options"_qs;
const QString kEscalationsPath = u"/api/v1/escalations"_qs;
const QString kEscalationPath = u"/api/v1/escalations/{id}"_qs;

QByteArray compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

Response errorResponse(StatusCode status, const QString &code, const QString &message)
{
    return { status, compactJson(CallJson::errorJson(code, message)), {} };
}

Response badRequest(const QString &message)
{
    return errorResponse(StatusCode::BadRequest, u"bad_request"_qs, message);
}

Response validationFailed(const QMap<QString, QString> &problems)
{
    QJsonObject fields;
    for (auto it = problems.cbegin(); it != problems.cend(); ++it)
        fields.insert(it.key(), it.value());
    QJsonObject body = CallJson::errorJson(
        u"validation_failed"_qs,
        problems.size() == 1 ? u"1 field needs correcting."_qs
                             : QStringLiteral("%1 fields need correcting.").arg(problems.size()));
    QJsonObject error = body.value(u"error").toObject();
    error.insert(u"fields"_qs, fields);
    body.insert(u"error"_qs, error);
    return { StatusCode::UnprocessableEntity, compactJson(body), {} };
}

Response escalationResponse(StatusCode status, const StoredEscalation &escalation)
{
    return { status, compactJson(escalation.toJson()), {} };
}

QString echoed(QStringView text)
{
    if (text.size() <= kMaxEchoedLength)
        return text.toString();
    return text.left(kMaxEchoedLength).toString() + QChar(0x2026);
}

bool validKey(const QByteArray &key)
{
    if (key.size() < EscalationApi::kMinKeyLength || key.size() > EscalationApi::kMaxKeyLength)
        return false;
    return std::all_of(key.cbegin(), key.cend(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
            || c == '-' || c == '_' || c == '.' || c == ':';
    });
}

// Numbers become doubles, so that 1, 1.0 and 1e0 are one number; objects are sorted already.
QJsonValue canonicalValue(const QJsonValue &value)
{
    if (value.isDouble())
        return QJsonValue(value.toDouble());
    if (value.isArray()) {
        QJsonArray array;
        for (const QJsonValue &item : value.toArray())
            array.append(canonicalValue(item));
        return array;
    }
    if (value.isObject()) {
        QJsonObject object;
        const QJsonObject source = value.toObject();
        for (auto it = source.begin(); it != source.end(); ++it)
            object.insert(it.key(), canonicalValue(it.value()));
        return object;
    }
    return value;
}

std::optional<QString> queryParameter(const QUrlQuery &query, const QString &name, QString *error)
{
    const QStringList values = query.allQueryItemValues(name, QUrl::FullyDecoded);
    if (values.size() > 1) {
        *error = QStringLiteral("The parameter \"%1\" is given more than once.").arg(name);
        return std::nullopt;
    }
    return values.isEmpty() ? QString() : values.constFirst();
}

// To the microsecond, so that "newest first" follows the order of creation, not the random id
// of two escalations made in one millisecond.
Timestamp now()
{
    using namespace std::chrono;
    return Timestamp::fromMicroseconds(
        duration_cast<microseconds>(system_clock::now().time_since_epoch()).count());
}

} // namespace

// What check() makes of a request: the fields to store, or the problems of each field.
struct EscalationApi::Checked
{
    QMap<QString, QString> problems; // field name -> sentence
    StoredEscalation escalation; // crn, team, fields; valid when problems is empty
    int responseMinutes = 0;
};

EscalationApi::EscalationApi(CallStore *calls, EscalationStore *escalations,
                             EscalationCatalogue catalogue, AuditLog *audit)
    : m_calls(calls)
    , m_escalations(escalations)
    , m_catalogue(std::move(catalogue))
    , m_audit(audit)
{ }

void EscalationApi::registerRoutes(ApiRouter *router)
{
    using Method = QHttpServerRequest::Method;
    const RouteAccess everyRole
        = RouteAccess::roles({ Role::Supervisor, Role::Auditor, Role::Agent });
    const RouteAccess supervisors = RouteAccess::roles({ Role::Supervisor });

    // Each route answers through the router, which logs the path given here: the template for
    // {id}, never a query (a crn filter may be a phone number pasted by mistake).
    const auto route = [&](const QString &operationId, const QString &path, Method method,
                           const RouteAccess &access, auto answer) {
        router->addRoute(
            operationId, path, method, access,
            [path, answer](const ApiRequest &request, QHttpServerResponder &&responder) {
                QElapsedTimer timer;
                timer.start();
                ApiRouter::respond(request.http, responder, answer(request), path, timer);
            });
    };
    route(u"getEscalationOptions"_qs, kOptionsPath, Method::Get, everyRole,
          [this](const ApiRequest &) { return options(); });
    route(u"createEscalation"_qs, kEscalationsPath, Method::Post, supervisors,
          [this](const ApiRequest &request) {
              bool hasKey = false;
              for (const auto &[name, value] : request.http.headers())
                  hasKey = hasKey || name.compare("Idempotency-Key", Qt::CaseInsensitive) == 0;
              return create(request.caller, hasKey,
                            HttpHeaders::value(request.http, "Idempotency-Key"),
                            request.http.body());
          });
    route(u"listEscalations"_qs, kEscalationsPath, Method::Get, everyRole,
          [this](const ApiRequest &request) { return list(request.caller, request.http.query()); });
    route(u"getEscalation"_qs, kEscalationPath, Method::Get, everyRole,
          [this](const ApiRequest &request) { return get(request.caller, request.argument); });
    route(u"updateEscalation"_qs, kEscalationPath, Method::Patch, supervisors,
          [this](const ApiRequest &request) {
              return update(request.caller, request.argument, request.http.body());
          });
}

QByteArray EscalationApi::canonicalBody(const QJsonValue &body)
{
    const QJsonValue canonical = canonicalValue(body);
    if (canonical.isArray())
        return QJsonDocument(canonical.toArray()).toJson(QJsonDocument::Compact);
    if (canonical.isObject())
        return QJsonDocument(canonical.toObject()).toJson(QJsonDocument::Compact);
    // A bare value: wrapped, so that it still has one written form.
    return QJsonDocument(QJsonArray { canonical }).toJson(QJsonDocument::Compact);
}

EscalationApi::Response EscalationApi::options() const
{
    return { StatusCode::Ok, compactJson(m_catalogue.toJson()), {} };
}

EscalationApi::Checked EscalationApi::check(const QJsonObject &request)
{
    Checked checked;
    QMap<QString, QString> &problems = checked.problems;
    QJsonObject fields;

    // A text field: missing, of another type, or present. Returns the text when it is one.
    auto text = [&](const QString &name, const QString &missing) -> std::optional<QString> {
        const QJsonValue value = request.value(name);
        if (value.isUndefined() || value.isNull()) {
            if (!missing.isEmpty())
                problems.insert(name, missing);
            return std::nullopt;
        }
        if (!value.isString()) {
            problems.insert(name, QStringLiteral("The field \"%1\" must be text.").arg(name));
            return std::nullopt;
        }
        return value.toString();
    };

    // The call, resolved from any CRN or leg id form, then kept in its canonical form.
    std::optional<Call> call;
    const std::optional<QString> crnText
        = text(u"crn"_qs, u"Name the call to escalate by its CRN or a leg id."_qs);
    if (crnText && crnText->trimmed().isEmpty()) {
        problems.insert(u"crn"_qs, u"Name the call to escalate by its CRN or a leg id."_qs);
    } else if (crnText) {
        call = m_calls->findCall(*crnText);
        if (call) {
            checked.escalation.crn = call->crn();
            fields.insert(u"crn"_qs, call->crn());
        } else {
            problems.insert(
                u"crn"_qs,
                QStringLiteral("No call has the CRN or leg id \"%1\".").arg(echoed(*crnText)));
        }
    }

    const EscalationCategory *category = nullptr;
    if (const auto id = text(u"category"_qs, u"Choose a category."_qs)) {
        category = m_catalogue.category(*id);
        if (category)
            fields.insert(u"category"_qs, *id);
        else
            problems.insert(
                u"category"_qs,
                QStringLiteral("\"%1\" is not one of this server's categories.").arg(echoed(*id)));
    }
    if (const auto id = text(u"priority"_qs, u"Choose a priority."_qs)) {
        if (const EscalationPriority *priority = m_catalogue.priority(*id)) {
            checked.responseMinutes = priority->responseMinutes;
            fields.insert(u"priority"_qs, *id);
        } else {
            problems.insert(
                u"priority"_qs,
                QStringLiteral("\"%1\" is not one of this server's priorities.").arg(echoed(*id)));
        }
    }
    if (const auto id = text(u"team"_qs, u"Choose the team to escalate to."_qs)) {
        if (m_catalogue.team(*id)) {
            checked.escalation.team = *id;
            fields.insert(u"team"_qs, *id);
        } else {
            problems.insert(
                u"team"_qs,
                QStringLiteral("\"%1\" is not one of this server's teams.").arg(echoed(*id)));
        }
    }

    if (const auto summary = text(u"summary"_qs, EscalationRules::summaryProblem({}))) {
        if (const QString problem = EscalationRules::summaryProblem(*summary); !problem.isEmpty())
            problems.insert(u"summary"_qs, problem);
        else
            fields.insert(u"summary"_qs, summary->trimmed());
    }
    QString description;
    if (const auto value = text(u"description"_qs, {})) {
        if (const QString problem = EscalationRules::descriptionProblem(*value); !problem.isEmpty())
            problems.insert(u"description"_qs, problem);
        description = *value;
    }
    QString callbackNumber;
    if (const auto value = text(u"callback_number"_qs, {})) {
        if (const QString problem = EscalationRules::callbackNumberProblem(*value);
            !problem.isEmpty())
            problems.insert(u"callback_number"_qs, problem);
        callbackNumber = *value;
    }
    if (!description.trimmed().isEmpty())
        fields.insert(u"description"_qs, description);
    if (!callbackNumber.trimmed().isEmpty())
        fields.insert(u"callback_number"_qs, callbackNumber);

    // Evidence: spans of the call's own recordings and events of the call itself.
    QJsonArray recordingEvidence;
    QJsonArray eventEvidence;
    const QJsonValue evidence = request.value(u"evidence");
    if (!evidence.isUndefined() && !evidence.isNull() && !evidence.isObject()) {
        problems.insert(u"evidence"_qs,
                        u"The field \"evidence\" must be an object with \"recordings\" and "
                        "\"events\"."_qs);
    } else if (evidence.isObject()) {
        const QJsonObject object = evidence.toObject();
        const QJsonValue recordings = object.value(u"recordings");
        if (!recordings.isUndefined() && !recordings.isArray())
            problems.insert(u"evidence.recordings"_qs,
                            u"The field \"evidence.recordings\" must be a list."_qs);
        const QJsonArray recordingList = recordings.toArray();
        for (qsizetype i = 0; i < recordingList.size(); ++i) {
            const QString where = QStringLiteral("evidence.recordings[%1]").arg(i);
            const QJsonObject item = recordingList.at(i).toObject();
            const QJsonValue id = item.value(u"recording_id");
            const QJsonValue start = item.value(u"start");
            const QJsonValue end = item.value(u"end");
            if (!id.isString()) {
                problems.insert(where + u".recording_id"_qs, u"Name the recording by its id."_qs);
                continue;
            }
            const Recording *recording = nullptr;
            if (call) {
                for (const Recording &candidate : std::as_const(call->recordings)) {
                    if (candidate.id == id.toString())
                        recording = &candidate;
                }
            }
            if (!recording) {
                if (call)
                    problems.insert(where + u".recording_id"_qs,
                                    QStringLiteral("The call has no recording \"%1\".")
                                        .arg(echoed(id.toString())));
                continue;
            }
            if (!start.isDouble() || !end.isDouble()) {
                problems.insert(where + (start.isDouble() ? u".end"_qs : u".start"_qs),
                                u"Give the span's start and end in seconds into the "
                                "recording."_qs);
                continue;
            }
            const double from = start.toDouble();
            const double to = end.toDouble();
            const QString problem
                = EscalationRules::spanProblem(from, to, double(recording->durationUs) / 1e6);
            if (!problem.isEmpty()) {
                problems.insert(where + (from < 0 ? u".start"_qs : u".end"_qs), problem);
                continue;
            }
            recordingEvidence.append(QJsonObject {
                { u"recording_id"_qs, recording->id }, { u"start"_qs, from }, { u"end"_qs, to } });
        }

        const QJsonValue events = object.value(u"events");
        if (!events.isUndefined() && !events.isArray())
            problems.insert(u"evidence.events"_qs,
                            u"The field \"evidence.events\" must be a list."_qs);
        const QJsonArray eventList = events.toArray();
        for (qsizetype i = 0; i < eventList.size(); ++i) {
            const QString where = QStringLiteral("evidence.events[%1]").arg(i);
            const QJsonObject item = eventList.at(i).toObject();
            const QString type = item.value(u"type").toString();
            const QString leg = item.value(u"leg").toString();
            const std::optional<Timestamp> time
                = Timestamp::parseIso(item.value(u"time").toString());
            if (!item.value(u"type").isString() || !item.value(u"leg").isString() || !time) {
                problems.insert(where,
                                u"Name the event by its type, time and leg as the call shows "
                                "them."_qs);
                continue;
            }
            if (!call)
                continue;
            const QString legKey = CrnText::normalized(leg);
            const auto match = std::find_if(
                call->events.cbegin(), call->events.cend(), [&](const CallEvent &event) {
                    return toString(event.type) == type && event.time == *time
                        && CrnText::normalized(event.legId) == legKey;
                });
            if (match == call->events.cend()) {
                problems.insert(where,
                                QStringLiteral("The call has no %1 event at %2 on leg \"%3\".")
                                    .arg(echoed(type), time->toIso(), echoed(leg)));
                continue;
            }
            eventEvidence.append(QJsonObject { { u"type"_qs, type },
                                               { u"time"_qs, match->time.toIso() },
                                               { u"leg"_qs, match->legId } });
        }
    }
    fields.insert(
        u"evidence"_qs,
        QJsonObject { { u"recordings"_qs, recordingEvidence }, { u"events"_qs, eventEvidence } });

    // A required field already named for another reason (a wrong evidence item, a callback
    // number with letters) keeps that reason.
    const bool evidenceNamed
        = std::any_of(problems.keyBegin(), problems.keyEnd(),
                      [](const QString &key) { return key.startsWith(u"evidence"); });
    for (const QString &field : category ? category->requiredFields : QStringList()) {
        bool present = false;
        if (field == u"description")
            present = !description.trimmed().isEmpty();
        else if (field == u"callback_number")
            present = !callbackNumber.trimmed().isEmpty();
        else if (field == u"evidence")
            present = !recordingEvidence.isEmpty() || !eventEvidence.isEmpty() || evidenceNamed;
        const QString problem
            = EscalationRules::requiredFieldProblem(field, category->label, present);
        if (!problem.isEmpty() && !problems.contains(field))
            problems.insert(field, problem);
    }

    checked.escalation.fields = fields;
    return checked;
}

EscalationApi::Response EscalationApi::create(const Caller &caller, bool hasKey,
                                              const QByteArray &idempotencyKey,
                                              const QByteArray &body)
{
    if (!hasKey)
        return badRequest(u"The header \"Idempotency-Key\" is required: make one key when the "
                          "escalation is submitted and send it with every retry."_qs);
    if (!validKey(idempotencyKey))
        return badRequest(QStringLiteral("The header \"Idempotency-Key\" must be %1 to %2 "
                                         "characters from A-Z, a-z, 0-9, '-', '_', '.' and ':'.")
                              .arg(kMinKeyLength)
                              .arg(kMaxKeyLength));

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return badRequest(u"The body must be a JSON object (an EscalationRequest)."_qs);
    const QByteArray sha
        = QCryptographicHash::hash(canonicalBody(document.object()), QCryptographicHash::Sha256);
    const QString key = QString::fromLatin1(idempotencyKey);

    // A retry of a request that was answered before gets that answer, even if the catalogue
    // or the call changed since.
    QByteArray storedSha;
    bool failed = false;
    if (const auto existing = m_escalations->findByKey(key, &storedSha, &failed)) {
        if (storedSha != sha)
            return errorResponse(StatusCode::Conflict, u"idempotency_conflict"_qs,
                                 u"This Idempotency-Key was used before with another body; "
                                 "make a new key for a new escalation."_qs);
        return escalationResponse(StatusCode::Ok, *existing);
    }
    if (failed)
        return unavailable(u"look up the idempotency key"_qs, m_escalations->errorString());

    Checked checked = check(document.object());
    if (!checked.problems.isEmpty())
        return validationFailed(checked.problems);

    StoredEscalation escalation = checked.escalation;
    escalation.id = EscalationStore::newId();
    escalation.status = u"open"_qs;
    escalation.author = caller.user;
    escalation.created = now();
    escalation.updated = escalation.created;
    escalation.due
        = escalation.created.addMicroseconds(qint64(checked.responseMinutes) * 60 * 1000000);
    escalation.history = { { escalation.created, caller.user, u"created"_qs, {}, u"open"_qs, {} } };

    StoredEscalation stored;
    switch (m_escalations->create(escalation, key, sha, &stored)) {
    case EscalationStore::CreateResult::Created: {
        qCInfo(lcServer).noquote() << "Escalation" << stored.id << "created by" << caller.user;
        if (m_audit)
            m_audit->record(caller, AuditAction::EscalationCreated,
                            { stored.crn, {}, stored.id, {} });
        Response response = escalationResponse(StatusCode::Created, stored);
        response.headers.append({ "Location", "/api/v1/escalations/" + stored.id.toUtf8() });
        return response;
    }
    case EscalationStore::CreateResult::Repeated:
        return escalationResponse(StatusCode::Ok, stored);
    case EscalationStore::CreateResult::KeyConflict:
        return errorResponse(StatusCode::Conflict, u"idempotency_conflict"_qs,
                             u"This Idempotency-Key was used before with another body; make a "
                             "new key for a new escalation."_qs);
    case EscalationStore::CreateResult::Failed:
        break;
    }
    return unavailable(u"store the escalation"_qs, m_escalations->errorString());
}

EscalationApi::Response EscalationApi::list(const Caller &caller, const QUrlQuery &query)
{
    QString error;
    const std::optional<QString> crn = queryParameter(query, u"crn"_qs, &error);
    const std::optional<QString> status
        = crn ? queryParameter(query, u"status"_qs, &error) : std::nullopt;
    const std::optional<QString> team
        = status ? queryParameter(query, u"team"_qs, &error) : std::nullopt;
    const std::optional<QString> limitText
        = team ? queryParameter(query, u"limit"_qs, &error) : std::nullopt;
    const std::optional<QString> cursor
        = limitText ? queryParameter(query, u"cursor"_qs, &error) : std::nullopt;
    if (!cursor)
        return badRequest(error);

    if (!status->isEmpty() && !EscalationStore::isStatus(*status))
        return badRequest(
            u"The parameter \"status\" must be one of open, acknowledged or resolved."_qs);
    int limit = 50;
    if (!limitText->isEmpty()) {
        const bool digitsOnly = limitText->size() <= 9
            && std::all_of(limitText->cbegin(), limitText->cend(),
                           [](QChar c) { return c >= u'0' && c <= u'9'; });
        limit = digitsOnly ? limitText->toInt() : 0;
        if (limit < 1 || limit > EscalationStore::kMaxListLimit)
            return badRequest(
                QStringLiteral("The parameter \"limit\" must be a whole number from 1 to %1.")
                    .arg(EscalationStore::kMaxListLimit));
    }

    EscalationListQuery listQuery;
    listQuery.status = *status;
    listQuery.team = *team;
    listQuery.limit = limit;
    listQuery.cursor = *cursor;
    const QJsonObject emptyPage { { u"escalations"_qs, QJsonArray() },
                                  { u"next_cursor"_qs, QJsonValue(QJsonValue::Null) } };
    if (!crn->isEmpty()) {
        listQuery.crn = m_calls->resolveCrn(*crn);
        // No call, no escalation of it.
        if (listQuery.crn.isEmpty())
            return { StatusCode::Ok, compactJson(emptyPage), {} };
    }
    if (caller.role == Role::Agent) {
        // An agent without an agent id took part in no call.
        if (caller.agentId.isEmpty())
            return { StatusCode::Ok, compactJson(emptyPage), {} };
        listQuery.visibleToAgent = CrnText::normalized(caller.agentId);
    }

    EscalationStore::ListError listError = EscalationStore::ListError::None;
    const EscalationListPage page = m_escalations->list(listQuery, &listError);
    if (listError == EscalationStore::ListError::BadCursor)
        return badRequest(u"The parameter \"cursor\" is not one this server gave out; start "
                          "again without it."_qs);
    if (listError == EscalationStore::ListError::Database)
        return unavailable(u"list the escalations"_qs, m_escalations->errorString());

    QJsonArray escalations;
    for (const StoredEscalation &escalation : page.escalations)
        escalations.append(escalation.toJson());
    const QJsonObject body { { u"escalations"_qs, escalations },
                             { u"next_cursor"_qs,
                               page.nextCursor.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                         : QJsonValue(page.nextCursor) } };
    return { StatusCode::Ok, compactJson(body), {} };
}

bool EscalationApi::visibleTo(const Caller &caller, const QString &crn, bool *failed)
{
    *failed = false;
    if (caller.role != Role::Agent)
        return true;
    if (caller.agentId.isEmpty())
        return false;
    return m_escalations->callHasAgent(crn, CrnText::normalized(caller.agentId), failed);
}

EscalationApi::Response EscalationApi::get(const Caller &caller, const QString &id)
{
    bool failed = false;
    const std::optional<StoredEscalation> escalation = m_escalations->find(id, &failed);
    if (failed)
        return unavailable(u"read the escalation"_qs, m_escalations->errorString());
    if (!escalation)
        return errorResponse(StatusCode::NotFound, u"not_found"_qs,
                             QStringLiteral("No escalation has the id \"%1\".").arg(echoed(id)));
    const bool visible = visibleTo(caller, escalation->crn, &failed);
    if (failed)
        return unavailable(u"read the escalation"_qs, m_escalations->errorString());
    if (!visible)
        return errorResponse(StatusCode::Forbidden, u"forbidden"_qs,
                             u"An agent can read only the escalations of calls they took part "
                             "in."_qs);
    return escalationResponse(StatusCode::Ok, *escalation);
}

EscalationApi::Response EscalationApi::update(const Caller &caller, const QString &id,
                                              const QByteArray &body)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return badRequest(u"The body must be a JSON object (an EscalationUpdate)."_qs);
    const QJsonObject request = document.object();

    QMap<QString, QString> problems;
    std::optional<QString> status;
    const QJsonValue statusValue = request.value(u"status");
    if (!statusValue.isUndefined() && !statusValue.isNull()) {
        if (statusValue.isString() && EscalationStore::isStatus(statusValue.toString()))
            status = statusValue.toString();
        else
            problems.insert(u"status"_qs, u"The status must be open, acknowledged or resolved."_qs);
    }
    QString comment;
    const QJsonValue commentValue = request.value(u"comment");
    if (!commentValue.isUndefined() && !commentValue.isNull()) {
        comment = commentValue.toString();
        const QString problem = commentValue.isString() ? EscalationRules::commentProblem(comment)
                                                        : u"A comment must be text."_qs;
        if (!problem.isEmpty())
            problems.insert(u"comment"_qs, problem);
    }
    if (problems.isEmpty() && !status && comment.isEmpty())
        problems.insert(u"status"_qs, u"Give a new status, a comment, or both."_qs);
    if (!problems.isEmpty())
        return validationFailed(problems);

    StoredEscalation result;
    QList<StoredEscalationChange> changes;
    switch (m_escalations->update(id, status, comment, caller.user, now(), &result, &changes)) {
    case EscalationStore::UpdateResult::Updated:
        for (const StoredEscalationChange &change : std::as_const(changes)) {
            if (!m_audit)
                break;
            if (change.action == u"status_changed")
                m_audit->record(caller, AuditAction::EscalationStatusChanged,
                                { result.crn,
                                  {},
                                  result.id,
                                  change.fromStatus + u" -> "_qs + change.toStatus });
            else
                m_audit->record(caller, AuditAction::EscalationCommented,
                                { result.crn, {}, result.id, {} });
        }
        return escalationResponse(StatusCode::Ok, result);
    case EscalationStore::UpdateResult::Unchanged:
        return escalationResponse(StatusCode::Ok, result);
    case EscalationStore::UpdateResult::NotFound:
        return errorResponse(StatusCode::NotFound, u"not_found"_qs,
                             QStringLiteral("No escalation has the id \"%1\".").arg(echoed(id)));
    case EscalationStore::UpdateResult::InvalidTransition:
        return errorResponse(StatusCode::Conflict, u"invalid_transition"_qs,
                             QStringLiteral("An escalation that is %1 cannot become %2.")
                                 .arg(result.status, *status));
    case EscalationStore::UpdateResult::Failed:
        break;
    }
    return unavailable(u"change the escalation"_qs, m_escalations->errorString());
}

EscalationApi::Response EscalationApi::unavailable(const QString &what, const QString &why) const
{
    qCWarning(lcServer).noquote() << "Cannot" << what << "because the database failed:" << why;
    return errorResponse(StatusCode::ServiceUnavailable, u"unavailable"_qs,
                         u"The call database cannot be read right now. Try again in a moment."_qs);
}
