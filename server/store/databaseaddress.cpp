#include "store/databaseaddress.h"

#include <QSqlError>
#include <QUrl>
#include <QUrlQuery>

namespace {

// The libpq options a URL may carry in its query; others are refused rather than dropped.
const QStringList kConnectOptions
    = { u"sslmode"_qs, u"connect_timeout"_qs, u"application_name"_qs };

// The connection's own time-out: a server that is down or firewalled is reported in seconds.
constexpr int kDefaultConnectTimeoutSeconds = 10;

} // namespace

std::optional<DatabaseAddress> DatabaseAddress::parse(const QString &text, QString *error)
{
    const auto refuse = [error](const QString &why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (text.isEmpty())
        return refuse(u"The database is not named: --db takes a file or a postgresql:// URL"_qs);

    DatabaseAddress address;
    const bool isUrl = text.startsWith(u"postgresql://", Qt::CaseInsensitive)
        || text.startsWith(u"postgres://", Qt::CaseInsensitive);
    if (!isUrl) {
        address.path = text;
        return address;
    }

    // Only the shape is reported, never the text itself: it may hold the password.
    const QString shape = u"postgresql://user[:password]@host[:port]/dbname"_qs;
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid())
        return refuse(u"The database URL is malformed: write it as "_qs + shape);
    address.kind = Kind::PostgreSQL;
    address.user = url.userName(QUrl::FullyDecoded);
    address.password = url.password(QUrl::FullyDecoded);
    if (address.password.isEmpty())
        address.password = qEnvironmentVariable("PGPASSWORD");
    address.host = url.host(QUrl::FullyDecoded);
    address.port = url.port(5432);
    if (address.port <= 0)
        return refuse(u"The database URL has no valid port: write it as "_qs + shape);

    QString name = url.path(QUrl::FullyDecoded);
    if (name.startsWith(u'/'))
        name.remove(0, 1);
    if (name.isEmpty() || name.contains(u'/'))
        return refuse(u"The database URL names no database: write it as "_qs + shape);
    address.databaseName = name;
    if (address.user.isEmpty())
        return refuse(u"The database URL names no user: write it as "_qs + shape);
    if (!url.fragment().isEmpty())
        return refuse(u"The database URL has a fragment ('#…'), which means nothing here"_qs);

    QStringList options;
    bool timeoutGiven = false;
    const QUrlQuery query(url);
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (!kConnectOptions.contains(key))
            return refuse(QStringLiteral("The database URL has the option '%1', which crn-server "
                                         "does not know (it knows %2)")
                              .arg(key, kConnectOptions.join(u", "_qs)));
        if (value.contains(u';') || value.contains(u'='))
            return refuse(
                QStringLiteral("The database URL's option '%1' has a malformed value").arg(key));
        timeoutGiven = timeoutGiven || key == u"connect_timeout"_qs;
        options.append(key + u'=' + value);
    }
    if (!timeoutGiven)
        options.append(u"connect_timeout="_qs + QString::number(kDefaultConnectTimeoutSeconds));
    address.connectOptions = options.join(u';');
    return address;
}

QString DatabaseAddress::displayName() const
{
    if (kind == Kind::SQLiteFile)
        return path;
    QUrl url;
    url.setScheme(u"postgresql"_qs);
    url.setUserName(user);
    url.setHost(host);
    if (port != 5432)
        url.setPort(port);
    url.setPath(u'/' + databaseName);
    return url.toString();
}

bool DatabaseAddress::open(const QString &connectionName, QString *error) const
{
    const QString driver = isPostgreSQL() ? u"QPSQL"_qs : u"QSQLITE"_qs;
    if (!QSqlDatabase::isDriverAvailable(driver)) {
        if (error)
            *error = isPostgreSQL()
                ? u"Cannot use PostgreSQL: Qt's QPSQL driver is not installed (on Debian, the "
                  "package libqt6sql6-psql)"_qs
                : u"Cannot use SQLite: Qt's QSQLITE driver is not installed"_qs;
        return false;
    }

    QString why;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(driver, connectionName);
        if (isPostgreSQL()) {
            db.setHostName(host);
            db.setPort(port);
            db.setUserName(user);
            db.setPassword(password);
            db.setDatabaseName(databaseName);
            db.setConnectOptions(connectOptions);
        } else {
            db.setDatabaseName(path);
            db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_qs);
        }
        if (db.open())
            return true;
        why = db.lastError().text().trimmed();
    }
    QSqlDatabase::removeDatabase(connectionName);

    if (error) {
        *error = isPostgreSQL()
            ? QStringLiteral("Cannot connect to the PostgreSQL database %1 on %2:%3: %4")
                  .arg(databaseName, host.isEmpty() ? u"the local socket"_qs : host)
                  .arg(port)
                  .arg(why)
            : QStringLiteral("Cannot open the call database %1: %2").arg(path, why);
        // libpq's own words never hold the password, but make sure of it.
        if (!password.isEmpty())
            error->replace(password, u"(password)"_qs);
    }
    return false;
}
