#include "messagebanner.h"

#include "callcolors.h"
#include "icons.h"

#include <QAccessible>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>

MessageBanner::MessageBanner(QWidget *parent)
    : QFrame(parent)
    , m_icon(new QLabel(this))
    , m_text(new QLabel(this))
    , m_action(new QPushButton(this))
    , m_close(new QToolButton(this))
{
    setObjectName(QStringLiteral("messageBanner"));
    setAccessibleName(tr("Message"));

    m_text->setObjectName(QStringLiteral("bannerText"));
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::PlainText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    QFont bigger = m_text->font();
    bigger.setPointSizeF(bigger.pointSizeF() * 1.08);
    m_text->setFont(bigger);

    m_action->setObjectName(QStringLiteral("bannerAction"));
    m_action->hide();
    connect(m_action, &QPushButton::clicked, this, &MessageBanner::actionTriggered);

    m_close->setAutoRaise(true);
    m_close->setAccessibleName(tr("Dismiss message"));
    m_close->setToolTip(tr("Dismiss this message"));
    connect(m_close, &QToolButton::clicked, this, [this] {
        dismiss();
        Q_EMIT dismissed();
    });

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(12, 8, 8, 8);
    layout->setSpacing(10);
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_action, 0, Qt::AlignVCenter);
    layout->addWidget(m_close, 0, Qt::AlignTop);

    updateIcons();
    hide();
}

void MessageBanner::showMessage(Kind kind, const QString &text, const QString &actionText)
{
    m_kind = kind;
    m_text->setText(text);
    m_action->setText(actionText);
    m_action->setVisible(!actionText.isEmpty());
    setAccessibleDescription(text);
    updateIcons();
    show();
    update();

    QAccessibleEvent alert(this, QAccessible::Alert);
    QAccessible::updateAccessibility(&alert);
}

void MessageBanner::updateText(const QString &text)
{
    m_text->setText(text);
    setAccessibleDescription(text);
}

void MessageBanner::dismiss()
{
    hide();
    m_text->clear();
}

QString MessageBanner::text() const
{
    return m_text->text();
}

QString MessageBanner::actionText() const
{
    return m_action->isVisible() ? m_action->text() : QString();
}

QColor MessageBanner::kindColor() const
{
    switch (m_kind) {
    case Kind::Information:
        return QColor(0x00, 0x72, 0xb2);
    case Kind::Warning:
        return QColor(0xe6, 0x9f, 0x00);
    case Kind::Error:
        return QColor(0xc0, 0x39, 0x2b);
    }
    return {};
}

void MessageBanner::updateIcons()
{
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize) + 6;
    const Icons::Symbol symbol = m_kind == Kind::Error
        ? Icons::Symbol::Error
        : (m_kind == Kind::Warning ? Icons::Symbol::Warning : Icons::Symbol::Information);
    m_icon->setPixmap(Icons::symbol(symbol, kindColor()).pixmap(size, size));
    m_close->setIcon(Icons::close(palette().color(QPalette::WindowText)));
}

void MessageBanner::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing, true);
    const QColor color = kindColor();
    painter.setPen(QPen(color, 1.5));
    painter.setBrush(CallColors::tint(palette(), color, 0.16));
    painter.drawRoundedRect(QRectF(rect()).adjusted(1, 1, -1, -1), 5, 5);

    // A solid edge on the left says "this matters" even to someone who cannot tell the hues.
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    painter.drawRoundedRect(QRectF(1, 1, 6, height() - 2), 3, 3);
}

void MessageBanner::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        updateIcons();
    QFrame::changeEvent(event);
}
