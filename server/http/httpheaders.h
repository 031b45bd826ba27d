#pragma once

#include <QByteArray>
#include <QByteArrayView>

class QHttpServerRequest;

// Request headers as every route reads them.
namespace HttpHeaders {

// All values of a request header, joined as HTTP allows, matching the name in any case.
QByteArray value(const QHttpServerRequest &request, QByteArrayView name);

// Whether If-None-Match holds the ETag. The comparison is the weak one (RFC 9110, 13.1.2), so
// W/"x" matches "x", and "*" matches any.
bool ifNoneMatchHolds(const QByteArray &ifNoneMatch, const QByteArray &etag);

} // namespace HttpHeaders
