#pragma once

#include "net/escalationapi.h"

#include <QDialog>
#include <QUrl>

class QLabel;
class QLineEdit;
class QPushButton;

// Connection…: the crn-server address and the access token the console uses.
//
// The token is typed with password echo and never shown back. Test asks the server's health
// (no token needed) and then an authenticated GET through EscalationApi::checkConnection, and
// says which of three it is: unreachable, token refused, or connected. OK hands the address and
// token back through server() and token(); keeping them is the owner's business (settings and
// TokenStore). The checker is not owned. UI thread.
class ConnectionDialog : public QDialog
{
    Q_OBJECT

public:
    ConnectionDialog(const QUrl &server, const QByteArray &token, EscalationApi *checker,
                     QWidget *parent = nullptr);

    // The address as typed, read leniently ("127.0.0.1:8470" gets http://); invalid when it
    // is not an http or https address.
    QUrl server() const;
    QByteArray token() const;

    QLineEdit *serverField() const { return m_server; }
    QLineEdit *tokenField() const { return m_token; }
    QPushButton *testButton() const { return m_test; }
    QLabel *resultLabel() const { return m_result; }

public Q_SLOTS:
    void test();
    void accept() override;

Q_SIGNALS:
    void tested(EscalationApi::Check result);

private:
    EscalationApi *m_checker;
    QLineEdit *m_server;
    QLineEdit *m_token;
    QPushButton *m_test;
    QLabel *m_result;
    QPushButton *m_ok = nullptr;
};
