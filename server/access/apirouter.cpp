#include "access/apirouter.h"

#include "access/authenticator.h"
#include "logging.h"
#include "json/calljson.h"

#include <QElapsedTimer>
#include <QHttpServer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

namespace {

using StatusCode = ApiResponse::StatusCode;

constexpr qsizetype kMaxEchoedLength = 120;

QString echoed(QStringView text)
{
    if (text.size() <= kMaxEchoedLength)
        return text.toString();
    return text.left(kMaxEchoedLength).toString() + QChar(0x2026);
}

QString article(Role role)
{
    return role == Role::Auditor || role == Role::Agent ? u"An "_qs : u"A "_qs;
}

} // namespace

QByteArray ApiResponse::header(const QByteArray &name) const
{
    for (const Header &header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    }
    return {};
}

ApiResponse ApiResponse::error(StatusCode status, const QString &code, const QString &message)
{
    return { status,
             QJsonDocument(CallJson::errorJson(code, message)).toJson(QJsonDocument::Compact),
             {} };
}

ApiRouter::ApiRouter(QHttpServer *server, Authenticator *authenticator)
    : m_server(server)
    , m_authenticator(authenticator)
{
    // Qt's QString argument stops at '/', and it matches the path after percent-decoding, so a
    // leg id that is a channel name ("PJSIP/8001-00000001", sent as "PJSIP%2F8001-00000001")
    // would never reach the handler.
    m_server->router()->addConverter(QMetaType::fromType<QString>(), u"[\\s\\S]+"_qs);
    m_server->setMissingHandler(
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            answerMissing(request, std::move(responder));
        });
}

void ApiRouter::addRoute(const QString &operationId, const QString &path, Method method,
                         const RouteAccess &access, Handler handler)
{
    static const QRegularExpression parameter(u"\\{[A-Za-z_]+\\}"_qs);
    const qsizetype parameters = path.count(parameter);
    if (parameters > 1 || (!access.isPublic() && access.allowedRoles().isEmpty()))
        qFatal("ApiRouter: route %s needs at most one path parameter and at least one role",
               qPrintable(operationId));

    Route route { operationId, path, method, access, {} };
    const qsizetype at = path.indexOf(parameter);
    QString qtPath = path;
    QString pattern = QRegularExpression::escape(path);
    if (at >= 0) {
        const qsizetype end = path.indexOf(u'}', at) + 1;
        qtPath = path.left(at) + u"<arg>"_qs + path.mid(end);
        pattern = QRegularExpression::escape(path.left(at)) + u"[\\s\\S]+"_qs
            + QRegularExpression::escape(path.mid(end));
    }
    route.pattern = QRegularExpression(QRegularExpression::anchoredPattern(pattern));
    m_routes.append(route);

    QHttpServerRequest::Methods methods = method;
    if (method == Method::Get)
        methods |= Method::Head;
    if (at >= 0) {
        m_server->route(qtPath, methods,
                        [this, route, handler](const QString &argument,
                                               const QHttpServerRequest &request,
                                               QHttpServerResponder &&responder) {
                            dispatch(route, handler, argument, request, std::move(responder));
                        });
    } else {
        m_server->route(qtPath, methods,
                        [this, route, handler](const QHttpServerRequest &request,
                                               QHttpServerResponder &&responder) {
                            dispatch(route, handler, {}, request, std::move(responder));
                        });
    }
}

void ApiRouter::dispatch(const Route &route, const Handler &handler, const QString &argument,
                         const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    if (route.access.isPublic()) {
        const Caller nobody;
        handler({ request, nobody, argument }, std::move(responder));
        return;
    }

    QElapsedTimer timer;
    timer.start();
    QByteArray authorization;
    for (const auto &header : request.headers()) {
        if (header.first.compare("Authorization", Qt::CaseInsensitive) == 0) {
            // Two Authorization headers are one too many to guess between.
            if (!authorization.isEmpty()) {
                authorization = "invalid";
                break;
            }
            authorization = header.second;
        }
    }

    Authenticator::Outcome outcome = Authenticator::Outcome::Missing;
    const std::optional<Caller> caller = m_authenticator->authenticate(authorization, &outcome);
    if (outcome == Authenticator::Outcome::Unavailable) {
        respond(request, responder,
                ApiResponse::error(
                    StatusCode::ServiceUnavailable, u"unavailable"_qs,
                    u"The call database cannot be read right now. Try again in a moment."_qs),
                route.path, timer);
        return;
    }
    if (!caller) {
        ApiResponse response = ApiResponse::error(StatusCode::Unauthorized, u"unauthorized"_qs,
                                                  u"This request needs a valid bearer token."_qs);
        response.headers.append(
            ApiResponse::Header("WWW-Authenticate", "Bearer realm=\"crn-server\""));
        respond(request, responder, response, route.path, timer);
        return;
    }
    if (!route.access.allows(caller->role)) {
        const QString message = article(caller->role) + roleName(caller->role) + u" may not use "_qs
            + route.operationId + u'.';
        respond(request, responder,
                ApiResponse::error(StatusCode::Forbidden, u"forbidden"_qs, message), route.path,
                timer);
        return;
    }
    handler({ request, *caller, argument }, std::move(responder));
}

void ApiRouter::answerMissing(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    QElapsedTimer timer;
    timer.start();
    const QString path = request.url().path();
    QList<QByteArray> allowed;
    QString loggedPath = u"(unknown path)"_qs;
    for (const Route &route : std::as_const(m_routes)) {
        if (!route.pattern.match(path).hasMatch())
            continue;
        loggedPath = route.path;
        const QByteArray name = methodName(route.method);
        if (!allowed.contains(name))
            allowed.append(name);
        if (route.method == Method::Get && !allowed.contains("HEAD"))
            allowed.append("HEAD");
    }

    if (allowed.isEmpty()) {
        respond(request, responder,
                ApiResponse::error(StatusCode::NotFound, u"not_found"_qs,
                                   QStringLiteral("Nothing is at the path \"%1\".")
                                       .arg(echoed(request.url().path(QUrl::FullyEncoded)))),
                loggedPath, timer);
        return;
    }

    const QString list = QString::fromLatin1(allowed.join(", "));
    const QString message = request.method() == Method::Unknown
        ? QStringLiteral("This path answers only %1.").arg(list)
        : QStringLiteral("This path answers only %1, not %2.")
              .arg(list, QString::fromLatin1(methodName(request.method())));
    ApiResponse response
        = ApiResponse::error(StatusCode::MethodNotAllowed, u"method_not_allowed"_qs, message);
    response.headers.append(ApiResponse::Header("Allow", allowed.join(", ")));
    respond(request, responder, response, loggedPath, timer);
}

QByteArray ApiRouter::methodName(Method method)
{
    switch (method) {
    case Method::Get:
        return "GET";
    case Method::Put:
        return "PUT";
    case Method::Delete:
        return "DELETE";
    case Method::Post:
        return "POST";
    case Method::Head:
        return "HEAD";
    case Method::Options:
        return "OPTIONS";
    case Method::Patch:
        return "PATCH";
    case Method::Connect:
        return "CONNECT";
    case Method::Trace:
        return "TRACE";
    default:
        return "UNKNOWN";
    }
}

void ApiRouter::respond(const QHttpServerRequest &request, QHttpServerResponder &responder,
                        const ApiResponse &response, const QString &loggedPath,
                        const QElapsedTimer &timer)
{
    const bool bodiless
        = response.status == StatusCode::NotModified || response.status == StatusCode::NoContent;
    responder.writeStatusLine(response.status);
    if (!bodiless) {
        responder.writeHeader("Content-Type", "application/json");
        responder.writeHeader("Content-Length", QByteArray::number(response.body.size()));
    }
    for (const ApiResponse::Header &header : response.headers)
        responder.writeHeader(header.first, header.second);
    const bool withBody = request.method() != Method::Head && !bodiless;
    responder.writeBody(withBody ? response.body : QByteArray());

    qCInfo(lcServer).noquote() << methodName(request.method()) << loggedPath << int(response.status)
                               << QString::number(double(timer.nsecsElapsed()) / 1e6, 'f', 1)
                               << "ms";
}

QString routeTableJson(const ApiRouter &router)
{
    QJsonArray table;
    for (const ApiRouter::Route &route : router.routes()) {
        QJsonArray roles;
        for (const Role role : route.access.allowedRoles())
            roles.append(roleName(role));
        table.append(QJsonObject {
            { u"operationId"_qs, route.operationId },
            { u"path"_qs, route.path },
            { u"method"_qs, QString::fromLatin1(ApiRouter::methodName(route.method)) },
            { u"public"_qs, route.access.isPublic() },
            { u"roles"_qs, roles },
        });
    }
    return QString::fromUtf8(QJsonDocument(table).toJson(QJsonDocument::Indented));
}
