#include "access/authenticator.h"

#include "logging.h"

namespace {

// More distinct tokens than this in two seconds is no console; the cache starts over.
constexpr qsizetype kMaxCached = 4096;

} // namespace

Authenticator::Authenticator(UserStore *users)
    : m_users(users)
{
    m_clock.start();
}

std::optional<Caller> Authenticator::authenticate(const QByteArray &authorization, Outcome *outcome)
{
    // RFC 6750, 2.1: the scheme is case-insensitive, then one space and the token.
    const QByteArray value = authorization.trimmed();
    const qsizetype space = value.indexOf(' ');
    if (value.isEmpty() || space < 0
        || value.left(space).compare("Bearer", Qt::CaseInsensitive) != 0) {
        *outcome = value.isEmpty() ? Outcome::Missing : Outcome::Refused;
        return std::nullopt;
    }
    const QByteArray token = value.mid(space + 1).trimmed();
    if (token.isEmpty()) {
        *outcome = Outcome::Missing;
        return std::nullopt;
    }

    const QByteArray hash = UserStore::tokenHash(token);
    const qint64 now = m_clock.elapsed();
    if (const auto cached = m_cache.constFind(hash); cached != m_cache.cend()) {
        if (cached->until > now) {
            *outcome = Outcome::Ok;
            return cached->caller;
        }
        m_cache.erase(cached);
    }

    UserStore::Lookup lookup = UserStore::Lookup::Unknown;
    QString error;
    const std::optional<Caller> caller = m_users->callerForHash(hash, &lookup, &error);
    if (lookup == UserStore::Lookup::Failed) {
        qCWarning(lcServer).noquote() << "Cannot read the users table:" << error;
        *outcome = Outcome::Unavailable;
        return std::nullopt;
    }
    if (!caller) {
        *outcome = Outcome::Refused;
        return std::nullopt;
    }
    if (m_cache.size() >= kMaxCached)
        m_cache.clear();
    m_cache.insert(hash, { *caller, now + kCacheMs });
    *outcome = Outcome::Ok;
    return caller;
}
