#pragma once

#include "access/apirouter.h"

#include <QByteArray>
#include <QHttpServerResponder>
#include <QList>
#include <QString>
#include <QStringView>

#include <utility>

class AuditLog;
class CallStore;
class QUrlQuery;
struct Caller;

// API v1 of crn-server, as docs/api.yaml describes it, over a CallStore.
//
// registerRoutes() declares getHealth (public), searchCalls and getCall (every role) on the
// ApiRouter, which answers unknown paths and methods and checks the token first. The handlers
// write the answer through ApiRouter::respond, because QHttpServer 6.4 sends a body to HEAD and
// skips afterRequest() for responder handlers; this way every request is logged once.
//
// health(), call() and search() turn store results into a Response and can be called without a
// server; given a Caller, they answer as for that caller: an agent's search holds only calls
// the agent took part in, and another call is 403 forbidden. A GET of a call (200 or 304) is
// written to the AuditLog as call_viewed. Every failure is a JSON error answer (400
// bad_request, 403 forbidden, 404 not_found, 503 unavailable); nothing throws. Lives on the
// thread that owns the store; owns neither the store, the audit log nor the router, and must
// outlive the routes it registered.
class CallApi
{
public:
    using StatusCode = QHttpServerResponder::StatusCode;
    using Header = std::pair<QByteArray, QByteArray>;

    using Response = ApiResponse;

    // audit may be null: nothing is written then.
    CallApi(CallStore *store, const QString &version, AuditLog *audit = nullptr);
    CallApi(const CallApi &) = delete;
    CallApi &operator=(const CallApi &) = delete;

    void registerRoutes(ApiRouter *router);

    Response health();
    // ifNoneMatch is the request's If-None-Match header, empty when it had none. caller null:
    // unrestricted. *crn gets the call's canonical CRN when the answer is 200 or 304.
    Response call(QStringView crnOrLegId, const QByteArray &ifNoneMatch = {},
                  const Caller *caller = nullptr, QString *crn = nullptr);
    // A page with its ETag; ifNoneMatch as for call(): 304 when it holds the page's.
    Response search(const QUrlQuery &query, const Caller *caller = nullptr,
                    const QByteArray &ifNoneMatch = {});

private:
    Response unavailable(const QString &what, const QString &why) const;

    CallStore *m_store;
    QString m_version;
    AuditLog *m_audit;
};
