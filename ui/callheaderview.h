#pragma once

#include "model/call.h"

#include <QWidget>

class QGridLayout;
class QLabel;
class QToolButton;

// The top of the call screen: the CRN in large monospace with a copy button, the outcome as a
// coloured chip, and the facts a supervisor asks first: start and end in local time (UTC in
// the tooltips), duration, direction, caller, dialed number, queues, agents, and how many
// data-quality flags the import raised, with their messages in the tooltip.
//
// Each value is a QLabel with an object name ("crn", "start", "duration", ...), so tests and
// accessibility tools can find it. UI thread.
class CallHeaderView : public QWidget
{
    Q_OBJECT

public:
    explicit CallHeaderView(QWidget *parent = nullptr);

    void setCall(const Call &call);
    void clear();
    QString crn() const { return m_crn; }

Q_SIGNALS:
    void crnCopied(const QString &crn);

protected:
    void changeEvent(QEvent *event) override;

private:
    QLabel *addField(QGridLayout *grid, int row, int column, const QString &title,
                     const QString &objectName);
    void copyCrn();
    void updateCopyIcon();

    QString m_crn;
    QLabel *m_crnLabel;
    QToolButton *m_copy;
    QLabel *m_outcome;
    QLabel *m_start;
    QLabel *m_end;
    QLabel *m_duration;
    QLabel *m_direction;
    QLabel *m_caller;
    QLabel *m_dialed;
    QLabel *m_queues;
    QLabel *m_agents;
    QLabel *m_flags;
    QLabel *m_endedBy;
};
