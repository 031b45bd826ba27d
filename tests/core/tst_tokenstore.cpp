#include "auth/tokenstore.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <qt6keychain/keychain.h>

// TokenStore against a real keychain and against its fallback file. ctest runs this twice:
//
// core/tst_tokenstore_keychain: under a private D-Bus session with a real Secret Service,
//   CRN_TOKENSTORE_EXPECT=keychain. The recipe (tests/core/CMakeLists.txt) is
//     HOME=<fresh temp dir> dbus-run-session -- sh -c
//       'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
//        && exec tst_tokenstore'
//   --unlock reads the password of the "login" keyring from stdin and creates that keyring in
//   the fresh HOME, so no prompt is ever shown; the daemon ends with the session's bus, which
//   dbus-run-session stops when the test exits. A temporary HOME keeps the user's own keyring
//   out of reach.
// core/tst_tokenstore_file: DBUS_SESSION_BUS_ADDRESS unset, CRN_TOKENSTORE_EXPECT=file: no
//   keychain answers (qtkeychain fails in milliseconds), so the file must take the token.
class TestTokenStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void savedTokenReadsBack();
    void unknownServerHasNoToken();
    void serversKeepTheirOwnTokens();
    void removeForgetsTheToken();
    void keychainHoldsTheSecret();
    void fallbackFileIsPrivateAndSaidOnce();

private:
    bool expectKeychain() const { return m_expect == u"keychain"; }
    bool save(TokenStore &store, const QUrl &server, const QByteArray &token);
    std::optional<QByteArray> load(TokenStore &store, const QUrl &server);

    QString m_expect;
    const QUrl m_server { u"http://127.0.0.1:8470"_qs };
    const QUrl m_other { u"http://[::1]:9000/"_qs };
};

void TestTokenStore::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_expect = qEnvironmentVariable("CRN_TOKENSTORE_EXPECT");
    if (m_expect != u"keychain" && m_expect != u"file")
        QSKIP("CRN_TOKENSTORE_EXPECT must say keychain or file; ctest sets it");
    if (expectKeychain()) {
        QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
                 "the keychain run needs the D-Bus session that its ctest command starts");
        // gnome-keyring-daemon --unlock returns before it owns the Secret Service's name on a
        // busy machine; a request before then would have D-Bus start a second, locked daemon
        // and the token would go to the file. Wait for the unlocked one to answer.
        QDBusConnectionInterface *bus = QDBusConnection::sessionBus().interface();
        QVERIFY(bus);
        QTRY_VERIFY2_WITH_TIMEOUT(bus->isServiceRegistered(u"org.freedesktop.secrets"_qs).value(),
                                  "no Secret Service on the session bus", 10000);
    } else
        QVERIFY2(!qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
                 "the file run must have no D-Bus session bus");
}

void TestTokenStore::init()
{
    QFile::remove(TokenStore::fallbackFilePath());
}

bool TestTokenStore::save(TokenStore &store, const QUrl &server, const QByteArray &token)
{
    QSignalSpy saved(&store, &TokenStore::saved);
    store.save(server, token);
    if (!saved.wait(10000))
        return false;
    return saved.first().at(1).toBool();
}

std::optional<QByteArray> TestTokenStore::load(TokenStore &store, const QUrl &server)
{
    QSignalSpy loaded(&store, &TokenStore::loaded);
    store.load(server);
    if (!loaded.wait(10000))
        return std::nullopt;
    if (!loaded.first().at(2).toBool())
        return QByteArray();
    return loaded.first().at(1).toByteArray();
}

void TestTokenStore::savedTokenReadsBack()
{
    {
        TokenStore store;
        QVERIFY(save(store, m_server, "tok-3f9a1c"));
        QCOMPARE(store.backend(),
                 expectKeychain() ? TokenStore::Backend::Keychain : TokenStore::Backend::File);
    }
    // A new store, as after a restart of the console.
    TokenStore again;
    QCOMPARE(load(again, m_server), std::optional<QByteArray>("tok-3f9a1c"));
    // The same origin written another way is the same server.
    QCOMPARE(load(again, QUrl(u"http://127.0.0.1:8470/"_qs)),
             std::optional<QByteArray>("tok-3f9a1c"));
}

void TestTokenStore::unknownServerHasNoToken()
{
    TokenStore store;
    QSignalSpy loaded(&store, &TokenStore::loaded);
    store.load(QUrl(u"http://127.0.0.1:1"_qs));
    QVERIFY(loaded.wait(10000));
    QCOMPARE(loaded.first().at(2).toBool(), false);
    QVERIFY(loaded.first().at(1).toByteArray().isEmpty());
}

void TestTokenStore::serversKeepTheirOwnTokens()
{
    TokenStore store;
    QVERIFY(save(store, m_server, "first-token"));
    QVERIFY(save(store, m_other, "second-token"));
    QCOMPARE(load(store, m_server), std::optional<QByteArray>("first-token"));
    QCOMPARE(load(store, m_other), std::optional<QByteArray>("second-token"));

    // A new token replaces the old one.
    QVERIFY(save(store, m_server, "third-token"));
    QCOMPARE(load(store, m_server), std::optional<QByteArray>("third-token"));
}

void TestTokenStore::removeForgetsTheToken()
{
    TokenStore store;
    QVERIFY(save(store, m_server, "to-forget"));
    QSignalSpy removed(&store, &TokenStore::removed);
    store.remove(m_server);
    QVERIFY(removed.wait(10000));
    QCOMPARE(load(store, m_server), std::optional<QByteArray>(QByteArray()));
}

void TestTokenStore::keychainHoldsTheSecret()
{
    if (!expectKeychain())
        QSKIP("only in the keychain run");

    TokenStore store;
    QSignalSpy notices(&store, &TokenStore::notice);
    QVERIFY(save(store, m_server, "in-the-keychain"));
    QCOMPARE(notices.count(), 0);

    // Read back through QtKeychain itself, not through the store.
    QKeychain::ReadPasswordJob job(TokenStore::kService.toString());
    job.setAutoDelete(false);
    job.setKey(TokenStore::keyFor(m_server));
    QSignalSpy finished(&job, &QKeychain::Job::finished);
    job.start();
    QVERIFY(finished.wait(10000));
    QCOMPARE(job.error(), QKeychain::NoError);
    QCOMPARE(job.binaryData(), QByteArray("in-the-keychain"));

    // And the token is not lying about on disk.
    QFile file(TokenStore::fallbackFilePath());
    if (file.open(QIODevice::ReadOnly))
        QVERIFY(!file.readAll().contains("in-the-keychain"));
}

void TestTokenStore::fallbackFileIsPrivateAndSaidOnce()
{
    if (expectKeychain())
        QSKIP("only in the run without a keychain");

    TokenStore store;
    QSignalSpy notices(&store, &TokenStore::notice);
    QVERIFY(save(store, m_server, "on-disk-token"));
    QVERIFY(save(store, m_other, "another"));
    QCOMPARE(load(store, m_server), std::optional<QByteArray>("on-disk-token"));
    QCOMPARE(notices.count(), 1);
    QVERIFY(notices.first().first().toString().contains(TokenStore::fallbackFilePath()));

    const QFileInfo info(TokenStore::fallbackFilePath());
    QVERIFY(info.exists());
    QCOMPARE(info.permissions()
                 & (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther
                    | QFile::ExeGroup | QFile::ExeOther),
             QFile::Permissions());
    QCOMPARE(info.permissions() & (QFile::ReadOwner | QFile::WriteOwner),
             QFile::ReadOwner | QFile::WriteOwner);

    QFile file(info.filePath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll().contains("on-disk-token"));
}

QTEST_GUILESS_MAIN(TestTokenStore)
#include "tst_tokenstore.moc"
