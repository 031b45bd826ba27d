#include "httpheaders.h"

#include <QByteArrayList>
#include <QHttpServerRequest>

namespace HttpHeaders {

QByteArray value(const QHttpServerRequest &request, QByteArrayView name)
{
    QByteArrayList values;
    const auto headers = request.headers();
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            values.append(value);
    }
    return values.join(", ");
}

bool ifNoneMatchHolds(const QByteArray &ifNoneMatch, const QByteArray &etag)
{
    const QByteArrayList candidates = ifNoneMatch.split(',');
    for (QByteArray candidate : candidates) {
        candidate = candidate.trimmed();
        if (candidate == "*")
            return true;
        if (candidate.startsWith("W/"))
            candidate.remove(0, 2);
        if (candidate == etag)
            return true;
    }
    return false;
}

} // namespace HttpHeaders
