#pragma once

#include "access/caller.h"
#include "access/userstore.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>

#include <optional>

// Turns a request's Authorization header into the Caller its bearer token names.
//
// Looks the token up by its SHA-256 in the users table through a UserStore, and keeps a found
// caller in memory for at most kCacheMs, so that a `user disable` run by another process takes
// effect within that time while a busy console costs no query per request. Unknown tokens are
// not cached: a user added a moment ago works at once. Lives on the thread of the store's
// connection; reports a database failure as Outcome::Unavailable.
class Authenticator
{
public:
    static constexpr qint64 kCacheMs = 2000;

    enum class Outcome { Ok, Missing, Refused, Unavailable };

    explicit Authenticator(UserStore *users);

    // authorization is the header's value, empty when the request had none.
    std::optional<Caller> authenticate(const QByteArray &authorization, Outcome *outcome);

private:
    struct Cached
    {
        Caller caller;
        qint64 until = 0; // m_clock milliseconds
    };

    UserStore *m_users;
    QElapsedTimer m_clock;
    QHash<QByteArray, Cached> m_cache; // by token hash
};
