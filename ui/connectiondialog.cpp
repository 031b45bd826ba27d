#include "connectiondialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

ConnectionDialog::ConnectionDialog(const QUrl &server, const QByteArray &token,
                                   EscalationApi *checker, QWidget *parent)
    : QDialog(parent)
    , m_checker(checker)
    , m_server(new QLineEdit(this))
    , m_token(new QLineEdit(this))
    , m_test(new QPushButton(tr("&Test"), this))
    , m_result(new QLabel(this))
{
    setObjectName(QStringLiteral("connectionDialog"));
    setWindowTitle(tr("Connection"));

    auto *intro = new QLabel(tr("The console reads calls and sends escalations to this "
                                "crn-server. The access token comes from your administrator "
                                "(crn-server user add)."),
                             this);
    intro->setWordWrap(true);

    m_server->setObjectName(QStringLiteral("serverAddress"));
    m_server->setPlaceholderText(QStringLiteral("http://127.0.0.1:8470"));
    m_server->setText(server.toString());
    m_token->setObjectName(QStringLiteral("accessToken"));
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setText(QString::fromLatin1(token));
    m_token->setPlaceholderText(tr("Paste the access token"));
    m_test->setObjectName(QStringLiteral("test"));
    m_result->setObjectName(QStringLiteral("result"));
    m_result->setWordWrap(true);

    auto *form = new QFormLayout;
    form->addRow(tr("&Server address:"), m_server);
    form->addRow(tr("&Access token:"), m_token);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->addButton(m_test, QDialogButtonBox::ActionRole);
    m_ok = buttons->button(QDialogButtonBox::Ok);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_result);
    layout->addWidget(buttons);

    connect(m_test, &QPushButton::clicked, this, &ConnectionDialog::test);
    connect(buttons, &QDialogButtonBox::accepted, this, &ConnectionDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    if (m_checker) {
        connect(m_checker, &EscalationApi::connectionChecked, this,
                [this](EscalationApi::Check result, const QString &sentence) {
                    m_test->setEnabled(true);
                    m_result->setText(sentence);
                    Q_EMIT tested(result);
                });
    }
    resize(480, sizeHint().height());
}

QUrl ConnectionDialog::server() const
{
    const QString text = m_server->text().trimmed();
    QUrl url(text, QUrl::StrictMode);
    if (url.scheme().isEmpty() || url.host().isEmpty())
        url = QUrl(u"http://"_qs + text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != u"http" && url.scheme() != u"https"))
        return {};
    return url;
}

QByteArray ConnectionDialog::token() const
{
    return m_token->text().trimmed().toLatin1();
}

void ConnectionDialog::test()
{
    const QUrl url = server();
    if (!url.isValid()) {
        m_result->setText(tr("The server address must be an http:// or https:// address."));
        return;
    }
    if (!m_checker)
        return;
    m_test->setEnabled(false);
    m_result->setText(tr("Asking %1…").arg(url.toString()));
    m_checker->checkConnection(url, token());
}

void ConnectionDialog::accept()
{
    if (!server().isValid()) {
        m_result->setText(tr("The server address must be an http:// or https:// address."));
        return;
    }
    if (token().isEmpty()) {
        m_result->setText(tr("Enter the access token."));
        return;
    }
    QDialog::accept();
}
