#pragma once

#include "escalation/escalationmodel.h"
#include "escalation/outbox.h"

#include <QDateTime>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

// The Escalations dock: what this console has submitted (the outbox: queued, sending, sent,
// failed, with the reason and the next try) and what the server holds (open, acknowledged,
// resolved, with the due time and team), one row each, newest first. A sent item the server
// lists is one row with the server's status. A filter narrows the rows by state. A
// double-click opens the row's call, or, for a failed item, the form again with the server's
// reasons (to correct it, or to send it again as it is). A copy of the server's list fetched
// earlier is shown with its age. It only presents: the owner feeds it and acts on its signals.
// UI thread.
class EscalationsView : public QWidget
{
    Q_OBJECT

public:
    enum Column { StateColumn, WhenColumn, TeamColumn, CrnColumn, SummaryColumn, ReasonColumn };

    explicit EscalationsView(QWidget *parent = nullptr);

    // "Open", "Acknowledged", "Resolved": the server's status words as a supervisor reads them.
    static QString statusText(const QString &status);

    void setOutboxItems(const QList<OutboxItem> &items);
    void setServerEscalations(const QList<Escalation> &escalations, const QDateTime &fetchedAt,
                              bool live);
    void setOptions(const EscalationOptions &options);
    // "all", or a state word: queued, sending, sent, failed, open, acknowledged, resolved.
    void setFilter(const QString &state);

    QTreeWidget *tree() const { return m_tree; }
    QComboBox *filterBox() const { return m_filter; }
    QLabel *ageLabel() const { return m_age; }
    // The visible rows' state words, top to bottom, for tests and screen readers.
    QStringList visibleStates() const;

Q_SIGNALS:
    void openCallRequested(const QString &crn);
    void correctRequested(qint64 outboxId);
    void refreshRequested();
    void retryRequested();

private:
    void rebuild();
    void onActivated(QTreeWidgetItem *item);

    QList<OutboxItem> m_outbox;
    QList<Escalation> m_server;
    EscalationOptions m_options;
    QDateTime m_fetchedAt;
    bool m_live = false;

    QComboBox *m_filter;
    QTreeWidget *m_tree;
    QLabel *m_age;
    QPushButton *m_refresh;
    QPushButton *m_retry;
};
