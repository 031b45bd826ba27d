#include "escalationsview.h"

#include "model/crntext.h"
#include "timetext.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace {

enum Role { CrnRole = Qt::UserRole, OutboxIdRole, StateRole, CorrectableRole };

QString localClock(const QDateTime &utc)
{
    return utc.isValid() ? TimeText::clock(utc.toLocalTime(), QDateTime::currentDateTime())
                         : QString();
}

// The team an outbox item names in its request body, for the rows the server has not listed.
QString bodyTeam(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object().value(u"team").toString();
}

} // namespace

EscalationsView::EscalationsView(QWidget *parent)
    : QWidget(parent)
    , m_filter(new QComboBox(this))
    , m_tree(new QTreeWidget(this))
    , m_age(new QLabel(this))
    , m_refresh(new QPushButton(tr("Re&fresh"), this))
    , m_retry(new QPushButton(tr("Send &queued now"), this))
{
    setObjectName(QStringLiteral("escalationsView"));
    m_filter->setObjectName(QStringLiteral("escalationFilter"));
    m_filter->setAccessibleName(tr("Show escalations"));
    const QList<std::pair<QString, QString>> filters {
        { tr("All"), u"all"_qs },
        { tr("Queued here"), u"queued"_qs },
        { tr("Sending"), u"sending"_qs },
        { tr("Sent"), u"sent"_qs },
        { tr("Failed"), u"failed"_qs },
        { tr("Open"), u"open"_qs },
        { tr("Acknowledged"), u"acknowledged"_qs },
        { tr("Resolved"), u"resolved"_qs },
    };
    for (const auto &[label, word] : filters)
        m_filter->addItem(label, word);

    m_tree->setObjectName(QStringLiteral("escalationTree"));
    m_tree->setRootIsDecorated(false);
    m_tree->setAlternatingRowColors(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setHeaderLabels(
        { tr("State"), tr("Due / next try"), tr("Team"), tr("CRN"), tr("Summary"), tr("Reason") });
    m_tree->header()->setStretchLastSection(true);
    m_tree->setAccessibleName(tr("Escalations"));
    m_age->setObjectName(QStringLiteral("escalationsAge"));
    m_age->setWordWrap(true);

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Show:"), this));
    bar->addWidget(m_filter);
    bar->addStretch(1);
    bar->addWidget(m_retry);
    bar->addWidget(m_refresh);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(m_tree, 1);
    layout->addWidget(m_age);

    connect(m_filter, &QComboBox::currentIndexChanged, this, &EscalationsView::rebuild);
    connect(m_tree, &QTreeWidget::itemActivated, this, &EscalationsView::onActivated);
    connect(m_refresh, &QPushButton::clicked, this, &EscalationsView::refreshRequested);
    connect(m_retry, &QPushButton::clicked, this, &EscalationsView::retryRequested);
    rebuild();
}

QString EscalationsView::statusText(const QString &status)
{
    if (status == u"open")
        return tr("Open");
    if (status == u"acknowledged")
        return tr("Acknowledged");
    if (status == u"resolved")
        return tr("Resolved");
    return status;
}

void EscalationsView::setOutboxItems(const QList<OutboxItem> &items)
{
    m_outbox = items;
    std::sort(m_outbox.begin(), m_outbox.end(), [](const OutboxItem &a, const OutboxItem &b) {
        return a.createdUtc > b.createdUtc || (a.createdUtc == b.createdUtc && a.id > b.id);
    });
    rebuild();
}

void EscalationsView::setServerEscalations(const QList<Escalation> &escalations,
                                           const QDateTime &fetchedAt, bool live)
{
    m_server = escalations;
    m_fetchedAt = fetchedAt;
    m_live = live;
    rebuild();
}

void EscalationsView::setOptions(const EscalationOptions &options)
{
    m_options = options;
    rebuild();
}

void EscalationsView::setFilter(const QString &state)
{
    m_filter->setCurrentIndex(qMax(0, m_filter->findData(state)));
}

QStringList EscalationsView::visibleStates() const
{
    QStringList states;
    for (int row = 0; row < m_tree->topLevelItemCount(); ++row)
        states.append(m_tree->topLevelItem(row)->data(StateColumn, StateRole).toString());
    return states;
}

void EscalationsView::rebuild()
{
    const QString filter = m_filter->currentData().toString();
    m_tree->clear();
    QHash<QString, const Escalation *> byId;
    for (const Escalation &escalation : std::as_const(m_server))
        byId.insert(escalation.id, &escalation);
    QSet<QString> shownIds;

    const auto add = [this, &filter](const QString &state, const QStringList &columns,
                                     const QString &crn, qint64 outboxId, bool correctable) {
        if (filter != u"all" && !state.startsWith(filter) && !state.endsWith(filter))
            return;
        auto *item = new QTreeWidgetItem(m_tree, columns);
        item->setData(StateColumn, StateRole, state);
        item->setData(StateColumn, CrnRole, crn);
        item->setData(StateColumn, OutboxIdRole, outboxId);
        item->setData(StateColumn, CorrectableRole, correctable);
        item->setToolTip(SummaryColumn, columns.value(SummaryColumn));
        item->setToolTip(ReasonColumn, columns.value(ReasonColumn));
        if (state == u"failed")
            item->setForeground(StateColumn, QColor(0xb0, 0x1c, 0x1c));
    };

    for (const OutboxItem &item : std::as_const(m_outbox)) {
        const QString word = toString(item.state);
        QString stateText;
        QString when;
        QString reason = item.lastError;
        QString team = m_options.teamLabel(bodyTeam(item.body));
        QString state = word;
        switch (item.state) {
        case OutboxState::Queued:
            stateText = tr("Queued here");
            when = item.nextAttemptUtc.isValid() && item.attempts > 0
                ? tr("next try %1").arg(localClock(item.nextAttemptUtc))
                : tr("sending soon");
            break;
        case OutboxState::Sending:
            stateText = tr("Sending");
            break;
        case OutboxState::Sent:
            stateText = tr("Sent");
            if (const Escalation *escalation = byId.value(item.escalationId)) {
                shownIds.insert(escalation->id);
                state = word + u" · "_qs + escalation->status;
                stateText = tr("Sent · %1").arg(statusText(escalation->status));
                when = tr("due %1").arg(localClock(escalation->due.toDateTime()));
                team = m_options.teamLabel(escalation->team);
            }
            break;
        case OutboxState::Failed:
            stateText = tr("Failed");
            // Every refused escalation can be opened again: corrected where the server named
            // fields, else sent again as it is (e.g. after Connection… fixed the token).
            reason = item.fieldErrors.isEmpty()
                ? tr("%1 Double-click to send it again.").arg(reason)
                : tr("%1 Double-click to correct.").arg(reason);
            break;
        }
        add(state, { stateText, when, team, item.crn, item.summary, reason }, item.crn, item.id,
            item.state == OutboxState::Failed);
    }
    for (const Escalation &escalation : std::as_const(m_server)) {
        if (shownIds.contains(escalation.id))
            continue;
        add(escalation.status,
            { statusText(escalation.status),
              tr("due %1").arg(localClock(escalation.due.toDateTime())),
              m_options.teamLabel(escalation.team),
              escalation.crn,
              escalation.summary,
              {} },
            escalation.crn, -1, false);
    }
    for (int column = 0; column < ReasonColumn; ++column)
        m_tree->resizeColumnToContents(column);

    if (!m_fetchedAt.isValid())
        m_age->setText(tr("The server's escalations have not been fetched yet."));
    else if (m_live)
        m_age->setText(tr("Server's escalations as of %1.").arg(localClock(m_fetchedAt)));
    else
        m_age->setText(tr("Offline: the server's escalations as fetched %1.")
                           .arg(TimeText::age(m_fetchedAt, QDateTime::currentDateTimeUtc())));
}

void EscalationsView::onActivated(QTreeWidgetItem *item)
{
    if (!item)
        return;
    if (item->data(StateColumn, CorrectableRole).toBool()) {
        Q_EMIT correctRequested(item->data(StateColumn, OutboxIdRole).toLongLong());
        return;
    }
    const QString crn = item->data(StateColumn, CrnRole).toString();
    if (!crn.isEmpty())
        Q_EMIT openCallRequested(crn);
}
