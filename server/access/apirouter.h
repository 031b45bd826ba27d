#pragma once

#include "access/caller.h"

#include <QByteArray>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QList>
#include <QRegularExpression>
#include <QString>

#include <functional>
#include <initializer_list>
#include <utility>

class Authenticator;
class QElapsedTimer;
class QHttpServer;

// A JSON answer as the API's handlers build it.
struct ApiResponse
{
    using StatusCode = QHttpServerResponder::StatusCode;
    using Header = std::pair<QByteArray, QByteArray>;

    StatusCode status = StatusCode::Ok;
    QByteArray body; // JSON; empty for 204 and 304
    QList<Header> headers; // besides Content-Type and Content-Length

    QByteArray header(const QByteArray &name) const;
    // {"error": {"code", "message"}} with this status.
    static ApiResponse error(StatusCode status, const QString &code, const QString &message);
};

// Who may call a route: nobody needs a token (public), or a token of one of these roles.
// There is no default: every route says which, so that none is open by omission.
class RouteAccess
{
public:
    static RouteAccess publicRoute() { return RouteAccess(true, {}); }
    static RouteAccess roles(std::initializer_list<Role> roles)
    {
        return RouteAccess(false, QList<Role>(roles));
    }

    bool isPublic() const { return m_public; }
    QList<Role> allowedRoles() const { return m_roles; }
    bool allows(Role role) const { return m_public || m_roles.contains(role); }

private:
    RouteAccess(bool isPublic, QList<Role> roles)
        : m_public(isPublic)
        , m_roles(std::move(roles))
    { }

    bool m_public = false;
    QList<Role> m_roles;
};

// What a handler gets besides the responder: the request, who sent it and the value of the
// path's one {parameter} (empty for a path without one).
struct ApiRequest
{
    const QHttpServerRequest &http;
    const Caller &caller;
    QString argument;
};

// The one place where API routes are registered on the QHttpServer.
//
// Each route is declared with its operationId and path as docs/api.yaml writes them
// ("/api/v1/calls/{crn}", at most one {parameter}, which may hold any character, '/'
// included), one method, and its RouteAccess. Before a handler runs, the router reads the
// bearer token through the Authenticator and answers itself, with no data: 401
// `unauthorized` (with WWW-Authenticate) for a missing, unknown or disabled token, 403
// `forbidden` for a role the route does not allow, 503 when the users table cannot be read. A
// GET route also answers HEAD. Requests no route takes get 404 `not_found`, or 405 with Allow
// when the path exists for other methods. routes() lists the table for tests. Lives on the
// server's thread; owns neither the server nor the authenticator, and must outlive both's use.
class ApiRouter
{
public:
    using Method = QHttpServerRequest::Method;
    using Handler = std::function<void(const ApiRequest &, QHttpServerResponder &&)>;

    struct Route
    {
        QString operationId;
        QString path;
        Method method = Method::Get;
        RouteAccess access;
        QRegularExpression pattern; // the whole path, {parameter} matching any text
    };

    ApiRouter(QHttpServer *server, Authenticator *authenticator);
    ApiRouter(const ApiRouter &) = delete;
    ApiRouter &operator=(const ApiRouter &) = delete;

    // A path that holds a more specific path of another route's parameter (e.g.
    // /api/v1/recordings/{id}/plays next to /api/v1/recordings/{id}) is told apart by method
    // only; register such routes for different methods.
    void addRoute(const QString &operationId, const QString &path, Method method,
                  const RouteAccess &access, Handler handler);
    const QList<Route> &routes() const { return m_routes; }

    static QByteArray methodName(Method method);
    // Writes a JSON answer: HEAD gets the headers and no body, 204 and 304 neither body nor
    // length. Logs one line with the method, loggedPath (never a query: it may hold a phone
    // number), the status and the time since timer started.
    static void respond(const QHttpServerRequest &request, QHttpServerResponder &responder,
                        const ApiResponse &response, const QString &loggedPath,
                        const QElapsedTimer &timer);

private:
    void dispatch(const Route &route, const Handler &handler, const QString &argument,
                  const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void answerMissing(const QHttpServerRequest &request, QHttpServerResponder &&responder);

    QHttpServer *m_server;
    Authenticator *m_authenticator;
    QList<Route> m_routes;
};

// The router's table as JSON text: an array of {"operationId", "path", "method", "public",
// "roles"}, in the order the routes were added (`crn-server serve --list-routes`).
QString routeTableJson(const ApiRouter &router);
