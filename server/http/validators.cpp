#include "validators.h"

#include <QByteArrayList>

namespace HttpValidators {

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

} // namespace HttpValidators
