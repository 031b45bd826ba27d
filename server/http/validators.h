#pragma once

#include <QByteArray>

// Conditional requests, shared by every route that sends an ETag.
namespace HttpValidators {

// Whether If-None-Match holds the ETag. The comparison is the weak one (RFC 9110, 13.1.2), so
// W/"x" matches "x", and "*" matches any.
bool ifNoneMatchHolds(const QByteArray &ifNoneMatch, const QByteArray &etag);

} // namespace HttpValidators
