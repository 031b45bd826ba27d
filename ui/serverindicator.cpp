#include "serverindicator.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>

namespace {

QColor stateColor(CallLookup::ServerState state)
{
    switch (state) {
    case CallLookup::ServerState::Connected:
        return QColor(0x00, 0x9e, 0x73);
    case CallLookup::ServerState::Connecting:
        return QColor(0xe6, 0x9f, 0x00);
    case CallLookup::ServerState::Unreachable:
        return QColor(0xd5, 0x3e, 0x00);
    case CallLookup::ServerState::Unknown:
        break;
    }
    return QColor(0x9a, 0x9a, 0x9a);
}

QPixmap dot(const QColor &color, int size, qreal ratio)
{
    QPixmap pixmap(QSize(size, size) * ratio);
    pixmap.setDevicePixelRatio(ratio);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setPen(QPen(color.darker(140), 1));
    painter.setBrush(color);
    painter.drawEllipse(QRectF(1, 1, size - 2, size - 2));
    return pixmap;
}

} // namespace

ServerIndicator::ServerIndicator(QWidget *parent)
    : QWidget(parent)
    , m_dot(new QLabel(this))
    , m_text(new QLabel(this))
{
    m_text->setObjectName(QStringLiteral("serverStateText"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->setSpacing(6);
    layout->addWidget(m_dot);
    layout->addWidget(m_text);
    setState(CallLookup::ServerState::Unknown, tr("server not checked yet"), {});
}

void ServerIndicator::setState(CallLookup::ServerState state, const QString &text,
                               const QString &details)
{
    m_state = state;
    const int size = fontMetrics().height() * 3 / 4;
    m_dot->setPixmap(dot(stateColor(state), size, devicePixelRatioF()));
    m_text->setText(text);
    setToolTip(details.isEmpty() ? text : details);
    setAccessibleName(tr("Server: %1").arg(text));
}

QString ServerIndicator::text() const
{
    return m_text->text();
}
