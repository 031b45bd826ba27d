#pragma once

#include "escalation/escalationcatalogue.h"
#include "http/callapi.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

class ApiRouter;
class AuditLog;
class CallStore;
class EscalationStore;
class QUrlQuery;
struct Caller;

// The escalation routes of docs/api.yaml: GET /api/v1/escalation-options, POST and GET
// /api/v1/escalations, GET and PATCH /api/v1/escalations/{id}.
//
// registerRoutes() declares the five operations on the ApiRouter with their x-roles, so the
// router checks the token and the role before a handler runs. Each handler takes who is asking
// and the request's parts, and returns the whole answer: the
// JSON, or an error answer with the contract's code (400 bad_request, 403 forbidden, 404
// not_found, 409 idempotency_conflict or invalid_transition, 422 validation_failed with
// `fields`, 503 unavailable); nothing throws. Calls are looked up in the CallStore, escalations
// kept in the EscalationStore; creation, status changes and comments are written to the
// AuditLog. Lives on the thread that owns both stores; owns neither the stores, the audit log
// nor the router, and must outlive the routes it registered.
class EscalationApi
{
public:
    using Response = CallApi::Response;
    using StatusCode = CallApi::StatusCode;

    static constexpr qsizetype kMinKeyLength = 8;
    static constexpr qsizetype kMaxKeyLength = 128;

    // audit may be null: nothing is written then.
    EscalationApi(CallStore *calls, EscalationStore *escalations, EscalationCatalogue catalogue,
                  AuditLog *audit = nullptr);
    EscalationApi(const EscalationApi &) = delete;
    EscalationApi &operator=(const EscalationApi &) = delete;

    // The request JSON with its object members sorted and every number written one way, so
    // that two bodies that are the same JSON hash the same.
    static QByteArray canonicalBody(const QJsonValue &body);

    void registerRoutes(ApiRouter *router);

    Response options() const;
    // idempotencyKey is the header's value; hasKey says whether the request had the header.
    Response create(const Caller &caller, bool hasKey, const QByteArray &idempotencyKey,
                    const QByteArray &body);
    Response list(const Caller &caller, const QUrlQuery &query);
    Response get(const Caller &caller, const QString &id);
    Response update(const Caller &caller, const QString &id, const QByteArray &body);

private:
    struct Checked;
    Checked check(const QJsonObject &request);
    bool visibleTo(const Caller &caller, const QString &crn, bool *failed);
    Response unavailable(const QString &what, const QString &why) const;

    CallStore *m_calls;
    EscalationStore *m_escalations;
    EscalationCatalogue m_catalogue;
    AuditLog *m_audit;
};
