#pragma once

#include <QObject>
#include <QString>
#include <QUrl>

#include <memory>

class QSettings;

// The console's own settings, kept in QSettings under these keys:
//   cache/maxMegabytes      size cap of the local call cache (default 200, 1 to 100000)
//   cache/maxAgeDays        calls not opened for longer leave the cache (default 30, 1 to 3650)
//   network/forceHttp1      ask the server in HTTP/1.1 only (default false)
//   network/timeoutSeconds  connect and transfer time-out (default 15, 1 to 300)
//   network/serverUrl       the crn-server's address (default none: the console asks)
//
// Reads every key when asked, so a settings dialog and the running console never disagree.
// A value that is missing reads as its default; one that is not a number or out of range
// reads as the default or the nearest allowed value, with a warning in the log (crn.cache or
// crn.net). Setters clamp, write at once and emit the group's changed signal when the stored
// value changed. CallLookup::setSettings applies them to the client and the cache. UI thread.
class ConsoleSettings : public QObject
{
    Q_OBJECT

public:
    static constexpr int kDefaultCacheMaxMegabytes = 200;
    static constexpr int kMinCacheMaxMegabytes = 1;
    static constexpr int kMaxCacheMaxMegabytes = 100'000;
    static constexpr int kDefaultCacheMaxAgeDays = 30;
    static constexpr int kMinCacheMaxAgeDays = 1;
    static constexpr int kMaxCacheMaxAgeDays = 3650;
    static constexpr bool kDefaultForceHttp1 = false;
    static constexpr int kDefaultTimeoutSeconds = 15;
    static constexpr int kMinTimeoutSeconds = 1;
    static constexpr int kMaxTimeoutSeconds = 300;

    // The application's QSettings (its organization and application name).
    explicit ConsoleSettings(QObject *parent = nullptr);
    // An INI file instead, for tests and portable installs.
    explicit ConsoleSettings(const QString &iniFile, QObject *parent = nullptr);
    ~ConsoleSettings() override;

    int cacheMaxMegabytes() const;
    void setCacheMaxMegabytes(int megabytes);
    // cacheMaxMegabytes in bytes, a megabyte being 1024 × 1024 bytes.
    qint64 cacheMaxBytes() const;
    int cacheMaxAgeDays() const;
    void setCacheMaxAgeDays(int days);

    bool forceHttp1() const;
    void setForceHttp1(bool force);
    int networkTimeoutSeconds() const;
    void setNetworkTimeoutSeconds(int seconds);
    // An http or https address, or an empty QUrl when none is kept (or what is kept is not one).
    QUrl serverUrl() const;
    void setServerUrl(const QUrl &url);

Q_SIGNALS:
    void cacheLimitsChanged();
    void networkChanged();

private:
    int readInt(const QString &key, int fallback, int minimum, int maximum) const;
    bool writeInt(const QString &key, int value, int fallback, int minimum, int maximum);

    std::unique_ptr<QSettings> m_settings;
};
