#include "connectiondialog.h"
#include "net/escalationapi.h"
#include "testserver.h"
#include "uitestcall.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

// Edit > Connection… against a real crn-server on loopback: Test says which of three it is
// (unreachable, token refused, connected), and OK hands back only a usable address and a token.
// "unreachable" is the port of a second crn-server that was started and then killed, so nothing
// listens there.
class TestConnectionDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void testSaysWhichItIs_data();
    void testSaysWhichItIs();
    void okNeedsAnAddressAndAToken_data();
    void okNeedsAnAddressAndAToken();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<TestServer> m_server;
    QUrl m_deadUrl;
};

void TestConnectionDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_server = std::make_unique<TestServer>(m_dir.filePath(u"calls.sqlite"_qs));
    QString why;
    QVERIFY2(m_server->writeDatabase({ UiTestCall::make() }, &why), qPrintable(why));
    QVERIFY2(m_server->start(0, &why), qPrintable(why));

    TestServer gone(m_dir.filePath(u"gone.sqlite"_qs));
    QVERIFY2(gone.writeDatabase({}, &why), qPrintable(why));
    QVERIFY2(gone.start(0, &why), qPrintable(why));
    m_deadUrl = gone.serverUrl();
    gone.kill();
}

void TestConnectionDialog::testSaysWhichItIs_data()
{
    QTest::addColumn<bool>("dead");
    QTest::addColumn<QByteArray>("token"); // "good": the supervisor's
    QTest::addColumn<EscalationApi::Check>("result");
    QTest::addColumn<QString>("phrase");

    QTest::newRow("connected") << false << QByteArray("good") << EscalationApi::Check::Ok
                               << u"accepts this token"_qs;
    QTest::newRow("token refused")
        << false << QByteArray("no-such-token") << EscalationApi::Check::TokenRefused
        << u"refuses this token"_qs;
    QTest::newRow("unreachable") << true << QByteArray("good") << EscalationApi::Check::Unreachable
                                 << m_deadUrl.authority();
}

void TestConnectionDialog::testSaysWhichItIs()
{
    QFETCH(bool, dead);
    QFETCH(QByteArray, token);
    QFETCH(EscalationApi::Check, result);
    QFETCH(QString, phrase);

    EscalationApi checker;
    const QUrl url = dead ? m_deadUrl : m_server->url();
    ConnectionDialog dialog(url, {}, &checker);
    dialog.tokenField()->setText(QString::fromLatin1(token == "good" ? m_server->token() : token));
    // The token is typed unseen.
    QCOMPARE(dialog.tokenField()->echoMode(), QLineEdit::Password);
    QSignalSpy tested(&dialog, &ConnectionDialog::tested);

    QTest::mouseClick(dialog.testButton(), Qt::LeftButton);
    QVERIFY(!dialog.testButton()->isEnabled());
    QVERIFY(tested.wait(20000));
    QCOMPARE(tested.first().first().value<EscalationApi::Check>(), result);
    QVERIFY2(dialog.resultLabel()->text().contains(phrase),
             qPrintable(dialog.resultLabel()->text()));
    QVERIFY(!dialog.resultLabel()->text().contains(QString::fromLatin1(m_server->token())));
    QVERIFY(dialog.testButton()->isEnabled());
}

void TestConnectionDialog::okNeedsAnAddressAndAToken_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("token");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<QString>("server"); // what server() hands back when accepted

    QTest::newRow("address without a scheme")
        << u"127.0.0.1:8470"_qs << u"t0k"_qs << true << u"http://127.0.0.1:8470"_qs;
    QTest::newRow("https") << u"https://127.0.0.1:8443"_qs << u"t0k"_qs << true
                           << u"https://127.0.0.1:8443"_qs;
    QTest::newRow("ftp") << u"ftp://127.0.0.1"_qs << u"t0k"_qs << false << QString();
    QTest::newRow("no token") << u"http://127.0.0.1:8470"_qs << u"  "_qs << false << QString();
}

void TestConnectionDialog::okNeedsAnAddressAndAToken()
{
    QFETCH(QString, address);
    QFETCH(QString, token);
    QFETCH(bool, accepted);
    QFETCH(QString, server);

    ConnectionDialog dialog({}, {}, nullptr);
    dialog.serverField()->setText(address);
    dialog.tokenField()->setText(token);
    dialog.show();
    dialog.accept();
    QCOMPARE(dialog.result() == QDialog::Accepted, accepted);
    QCOMPARE(dialog.isVisible(), !accepted);
    if (accepted) {
        QCOMPARE(dialog.server(), QUrl(server));
        QCOMPARE(dialog.token(), token.toLatin1());
    } else {
        QVERIFY(!dialog.resultLabel()->text().isEmpty());
    }
}

QTEST_MAIN(TestConnectionDialog)
#include "tst_connectiondialog.moc"
