#include "consolesettings.h"

#include "logging.h"

#include <QSettings>

namespace {

const QString kCacheMaxMegabytes = u"cache/maxMegabytes"_qs;
const QString kCacheMaxAgeDays = u"cache/maxAgeDays"_qs;
const QString kForceHttp1 = u"network/forceHttp1"_qs;
const QString kTimeoutSeconds = u"network/timeoutSeconds"_qs;
const QString kServerUrl = u"network/serverUrl"_qs;

const QLoggingCategory &categoryOf(const QString &key)
{
    return key.startsWith(u"cache/") ? lcCache() : lcNet();
}

} // namespace

ConsoleSettings::ConsoleSettings(QObject *parent)
    : QObject(parent)
    , m_settings(std::make_unique<QSettings>())
{ }

ConsoleSettings::ConsoleSettings(const QString &iniFile, QObject *parent)
    : QObject(parent)
    , m_settings(std::make_unique<QSettings>(iniFile, QSettings::IniFormat))
{ }

ConsoleSettings::~ConsoleSettings() = default;

int ConsoleSettings::readInt(const QString &key, int fallback, int minimum, int maximum) const
{
    const QVariant value = m_settings->value(key);
    if (!value.isValid())
        return fallback;

    bool ok = false;
    const qlonglong number = value.toString().trimmed().toLongLong(&ok);
    if (!ok) {
        qCWarning(categoryOf(key)).noquote()
            << "setting" << key << "is not a number; using" << fallback;
        return fallback;
    }
    if (number < minimum || number > maximum) {
        const int nearest = number < minimum ? minimum : maximum;
        qCWarning(categoryOf(key)).noquote() << "setting" << key << "is out of range" << minimum
                                             << "to" << maximum << "; using" << nearest;
        return nearest;
    }
    return int(number);
}

bool ConsoleSettings::writeInt(const QString &key, int value, int fallback, int minimum,
                               int maximum)
{
    const int before = readInt(key, fallback, minimum, maximum);
    const int clamped = qBound(minimum, value, maximum);
    m_settings->setValue(key, clamped);
    return clamped != before;
}

int ConsoleSettings::cacheMaxMegabytes() const
{
    return readInt(kCacheMaxMegabytes, kDefaultCacheMaxMegabytes, kMinCacheMaxMegabytes,
                   kMaxCacheMaxMegabytes);
}

void ConsoleSettings::setCacheMaxMegabytes(int megabytes)
{
    if (writeInt(kCacheMaxMegabytes, megabytes, kDefaultCacheMaxMegabytes, kMinCacheMaxMegabytes,
                 kMaxCacheMaxMegabytes))
        Q_EMIT cacheLimitsChanged();
}

qint64 ConsoleSettings::cacheMaxBytes() const
{
    return qint64(cacheMaxMegabytes()) * 1024 * 1024;
}

int ConsoleSettings::cacheMaxAgeDays() const
{
    return readInt(kCacheMaxAgeDays, kDefaultCacheMaxAgeDays, kMinCacheMaxAgeDays,
                   kMaxCacheMaxAgeDays);
}

void ConsoleSettings::setCacheMaxAgeDays(int days)
{
    if (writeInt(kCacheMaxAgeDays, days, kDefaultCacheMaxAgeDays, kMinCacheMaxAgeDays,
                 kMaxCacheMaxAgeDays))
        Q_EMIT cacheLimitsChanged();
}

bool ConsoleSettings::forceHttp1() const
{
    const QVariant value = m_settings->value(kForceHttp1);
    if (!value.isValid())
        return kDefaultForceHttp1;
    // QSettings gives an INI file's "true" back as text; QVariant reads it as a boolean.
    const QString text = value.toString().trimmed().toLower();
    if (text == u"true" || text == u"1")
        return true;
    if (text == u"false" || text == u"0")
        return false;
    qCWarning(lcNet).noquote() << "setting" << kForceHttp1 << "is not true or false; using"
                               << kDefaultForceHttp1;
    return kDefaultForceHttp1;
}

void ConsoleSettings::setForceHttp1(bool force)
{
    const bool before = forceHttp1();
    m_settings->setValue(kForceHttp1, force);
    if (force != before)
        Q_EMIT networkChanged();
}

int ConsoleSettings::networkTimeoutSeconds() const
{
    return readInt(kTimeoutSeconds, kDefaultTimeoutSeconds, kMinTimeoutSeconds, kMaxTimeoutSeconds);
}

void ConsoleSettings::setNetworkTimeoutSeconds(int seconds)
{
    if (writeInt(kTimeoutSeconds, seconds, kDefaultTimeoutSeconds, kMinTimeoutSeconds,
                 kMaxTimeoutSeconds))
        Q_EMIT networkChanged();
}

QUrl ConsoleSettings::serverUrl() const
{
    const QString text = m_settings->value(kServerUrl).toString().trimmed();
    if (text.isEmpty())
        return {};
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != u"http" && url.scheme() != u"https")) {
        qCWarning(lcNet).noquote() << "setting" << kServerUrl << "is not an http address; ignored";
        return {};
    }
    return url;
}

void ConsoleSettings::setServerUrl(const QUrl &url)
{
    const QUrl before = serverUrl();
    m_settings->setValue(kServerUrl, url.toString());
    if (url != before)
        Q_EMIT networkChanged();
}
