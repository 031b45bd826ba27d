#pragma once

#include <QByteArray>
#include <QHttpServerResponder>
#include <QList>
#include <QString>
#include <QStringView>

#include <utility>

class CallStore;
class QElapsedTimer;
class QHttpServer;
class QHttpServerRequest;
class QUrlQuery;

// API v1 of crn-server, as docs/api.yaml describes it, over a CallStore.
//
// registerRoutes() puts GET/HEAD handlers for /api/v1/health, /api/v1/calls and
// /api/v1/calls/{crn} on a QHttpServer, and a missing handler that answers every other request
// with a JSON 404, or 405 with Allow when the path exists. The handlers write the answer
// themselves, because QHttpServer 6.4 sends a body to HEAD, answers a wrong method with 404 and
// skips afterRequest() for responder handlers; this way every request is logged once.
//
// health(), call() and search() turn store results into a Response and can be called without a
// server. Every failure is a JSON error answer (400 bad_request, 404 not_found, 503
// unavailable); nothing throws. Lives on the thread that owns the store; owns neither the store
// nor the server, and must outlive the routes it registered.
class CallApi
{
public:
    using StatusCode = QHttpServerResponder::StatusCode;
    using Header = std::pair<QByteArray, QByteArray>;

    struct Response
    {
        StatusCode status = StatusCode::Ok;
        QByteArray body; // JSON; empty for 304
        QList<Header> headers; // besides Content-Type and Content-Length

        QByteArray header(const QByteArray &name) const;
    };

    CallApi(CallStore *store, const QString &version);
    CallApi(const CallApi &) = delete;
    CallApi &operator=(const CallApi &) = delete;

    void registerRoutes(QHttpServer *server);

    Response health();
    // ifNoneMatch is the request's If-None-Match header, empty when it had none.
    Response call(QStringView crnOrLegId, const QByteArray &ifNoneMatch = {});
    Response search(const QUrlQuery &query);

private:
    void respond(const QHttpServerRequest &request, QHttpServerResponder &responder,
                 const Response &response, const QElapsedTimer &timer) const;
    Response missing(const QHttpServerRequest &request) const;
    Response unavailable(const QString &what, const QString &why) const;

    CallStore *m_store;
    QString m_version;
};
