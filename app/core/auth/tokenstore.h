#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QUrl>

// Keeps the console's bearer token for a crn-server, one per server origin.
//
// The token lives in the system keychain (QtKeychain: the Secret Service on Linux, the
// Keychain on macOS, the Credential Store on Windows). Where no keychain service answers, it
// falls back to a file in the application's config folder that only the user may read (0600,
// written whole with QSaveFile), and says so once per store through notice(), a sentence for
// the window's banner. Every operation is asynchronous: keychain jobs run on their own, the
// file is read and written on the global thread pool, and the ending comes back as one signal
// (loaded, saved or removed). The token never reaches a log. UI thread.
class TokenStore : public QObject
{
    Q_OBJECT

public:
    // Where the last operation found or put the token.
    enum class Backend { Unknown, Keychain, File };
    Q_ENUM(Backend)

    // The service name the keychain entries are filed under.
    static constexpr QStringView kService = u"crn-console";

    explicit TokenStore(QObject *parent = nullptr);
    ~TokenStore() override;

    // The fallback file: <config folder>/crn-console-tokens.json.
    static QString fallbackFilePath();
    // "http://127.0.0.1:8470": the key a server's token is kept under.
    static QString keyFor(const QUrl &server);

    Backend backend() const { return m_backend; }

    // Reads the token of server; loaded() follows.
    void load(const QUrl &server);
    // Keeps token for server; saved() follows.
    void save(const QUrl &server, const QByteArray &token);
    // Forgets the token of server everywhere; removed() follows.
    void remove(const QUrl &server);

Q_SIGNALS:
    // found is false when no token is kept for server (token is then empty).
    void loaded(const QUrl &server, const QByteArray &token, bool found);
    // ok is false when neither the keychain nor the file could keep it; sentence says why.
    void saved(const QUrl &server, bool ok, const QString &sentence);
    void removed(const QUrl &server);
    // Said once per store, the first time the token goes to or comes from the file.
    void notice(const QString &sentence);

private:
    void loadFromFile(const QUrl &server);
    void saveToFile(const QUrl &server, const QByteArray &token);
    void usingFile();

    Backend m_backend = Backend::Unknown;
    bool m_noticeGiven = false;
};
