#include "audit/auditapi.h"

#include "audit/auditlog.h"
#include "logging.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

#include <algorithm>

namespace {

using StatusCode = ApiResponse::StatusCode;

const QString kAuditPath = u"/api/v1/audit"_qs;

ApiResponse badRequest(const QString &message)
{
    return ApiResponse::error(StatusCode::BadRequest, u"bad_request"_qs, message);
}

// Empty when absent or empty; refuses a parameter given twice.
bool parameter(const QUrlQuery &query, const QString &name, QString *value, QString *error)
{
    const QStringList values = query.allQueryItemValues(name, QUrl::FullyDecoded);
    if (values.size() > 1) {
        *error = QStringLiteral("The parameter \"%1\" is given more than once.").arg(name);
        return false;
    }
    *value = values.isEmpty() ? QString() : values.constFirst();
    return true;
}

bool isDigits(const QString &text, qsizetype maxLength)
{
    return !text.isEmpty() && text.size() <= maxLength
        && std::all_of(text.cbegin(), text.cend(), [](QChar c) { return c >= u'0' && c <= u'9'; });
}

QJsonObject entryJson(const AuditEntry &entry)
{
    QJsonObject json { { u"id"_qs, entry.id },
                       { u"at"_qs, entry.at.toIso() },
                       { u"user"_qs, entry.user },
                       { u"role"_qs, roleName(entry.role) },
                       { u"action"_qs, auditActionName(entry.action) } };
    // Fields that do not apply are left out, as the schema makes them optional.
    const std::pair<const char16_t *, QString> optional[] = {
        { u"crn", entry.target.crn },
        { u"recording_id", entry.target.recordingId },
        { u"escalation_id", entry.target.escalationId },
        { u"detail", entry.target.detail },
    };
    for (const auto &[name, value] : optional) {
        if (!value.isEmpty())
            json.insert(QString::fromUtf16(name), value);
    }
    return json;
}

} // namespace

AuditApi::AuditApi(AuditLog *log)
    : m_log(log)
{ }

void AuditApi::registerRoutes(ApiRouter *router)
{
    router->addRoute(u"listAudit"_qs, kAuditPath, QHttpServerRequest::Method::Get,
                     RouteAccess::roles({ Role::Auditor }),
                     [this](const ApiRequest &request, QHttpServerResponder &&responder) {
                         QElapsedTimer timer;
                         timer.start();
                         ApiRouter::respond(request.http, responder, page(request.http.query()),
                                            kAuditPath, timer);
                     });
}

ApiResponse AuditApi::page(const QUrlQuery &query)
{
    QString error;
    QString from, to, user, action, limitText, cursor;
    if (!parameter(query, u"from"_qs, &from, &error) || !parameter(query, u"to"_qs, &to, &error)
        || !parameter(query, u"user"_qs, &user, &error)
        || !parameter(query, u"action"_qs, &action, &error)
        || !parameter(query, u"limit"_qs, &limitText, &error)
        || !parameter(query, u"cursor"_qs, &cursor, &error))
        return badRequest(error);

    AuditQuery audit;
    for (const auto &[text, time, name] :
         { std::tuple { &from, &audit.from, u"from" }, std::tuple { &to, &audit.to, u"to" } }) {
        if (text->isEmpty())
            continue;
        const std::optional<Timestamp> parsed = Timestamp::parseIso(*text);
        if (!parsed) {
            return badRequest(QStringLiteral("The parameter \"%1\" must be an ISO 8601 time such "
                                             "as 2023-09-06T18:07:22Z.")
                                  .arg(QStringView(name)));
        }
        *time = *parsed;
    }
    if (audit.from.isValid() && audit.to.isValid() && audit.to <= audit.from)
        return badRequest(u"The parameter \"to\" must be a later time than \"from\"."_qs);
    audit.user = user;
    if (!action.isEmpty()) {
        audit.action = auditActionFromName(action);
        if (!audit.action) {
            return badRequest(u"The parameter \"action\" must be one of call_viewed, "
                              "recording_downloaded, recording_played, escalation_created, "
                              "escalation_status_changed or escalation_commented."_qs);
        }
    }
    int limit = kDefaultLimit;
    if (!limitText.isEmpty()) {
        limit = isDigits(limitText, 9) ? limitText.toInt() : 0;
        if (limit < 1 || limit > kMaxLimit) {
            return badRequest(
                QStringLiteral("The parameter \"limit\" must be a whole number from 1 to %1.")
                    .arg(kMaxLimit));
        }
    }
    if (!cursor.isEmpty()) {
        if (!isDigits(cursor, 18))
            return badRequest(u"The parameter \"cursor\" is not one this server gave out."_qs);
        audit.afterId = cursor.toLongLong();
    }
    // One row more than the page tells whether another page follows.
    audit.limit = limit + 1;

    const std::optional<QList<AuditEntry>> entries = m_log->entries(audit, &error);
    if (!entries) {
        qCWarning(lcServer).noquote() << "Cannot read the audit log:" << error;
        return ApiResponse::error(
            StatusCode::ServiceUnavailable, u"unavailable"_qs,
            u"The call database cannot be read right now. Try again in a moment."_qs);
    }
    QJsonArray rows;
    for (qsizetype i = 0; i < std::min<qsizetype>(limit, entries->size()); ++i)
        rows.append(entryJson(entries->at(i)));
    const bool more = entries->size() > limit;
    const QJsonObject body {
        { u"entries"_qs, rows },
        { u"next_cursor"_qs,
          more ? QJsonValue(QString::number(entries->at(limit - 1).id))
               : QJsonValue(QJsonValue::Null) },
    };
    return { StatusCode::Ok, QJsonDocument(body).toJson(QJsonDocument::Compact), {} };
}
