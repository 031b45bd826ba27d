#pragma once

#include "escalation/escalationdraft.h"
#include "escalation/outbox.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>

class DraftStore;
class EscalationApi;
class EscalationDialog;
class EscalationsView;
class QWidget;

// Ties the escalation form, the drafts, the outbox and the server's lists together for the
// main window.
//
// escalate() opens the form for a call (from its kept draft when there is one, else prefilled
// with the CRN and the evidence given); Submit goes to Outbox::submit (or resubmit, for a
// correction) and the form closes when the outbox reports the item Queued on disk. An item the
// server refused field by field (Failed with fieldErrors) reopens the form with the reasons
// beside the fields, once per refusal. At start the drafts left on disk (a crash, a closed
// form) are read and offered through draftsWaiting(). The Escalations view and the call view's
// list are fed from the outbox and EscalationApi. Nothing passed in is owned. UI thread.
class EscalationPresenter : public QObject
{
    Q_OBJECT

public:
    EscalationPresenter(EscalationApi *api, DraftStore *drafts, Outbox *outbox, QWidget *window);
    ~EscalationPresenter() override;

    void setView(EscalationsView *view);

    // Opens (or raises) the form for call. span and events are the evidence to start with when
    // no draft is kept for the call.
    EscalationDialog *escalate(const Call &call, const std::optional<RecordingEvidence> &span,
                               const QList<EventEvidence> &events);
    // Opens the form for a draft read from disk; call may be empty (its events are then only
    // the ticked ones).
    EscalationDialog *openDraft(const EscalationDraft &draft, const Call &call = {});
    // Reopens a failed item with the server's reasons.
    EscalationDialog *correct(qint64 outboxId);
    EscalationDialog *dialog() const { return m_dialog; }

    QList<EscalationDraft> keptDrafts() const { return m_drafts.values(); }
    // "Open · due 14:32 · Billing · Wrong refund" lines (and tooltips) for the call crn, the
    // outbox's items first, and the note under them (offline age or problem).
    QList<std::pair<QString, QString>> linesForCall(const QString &crn, QString *note) const;

public Q_SLOTS:
    void loadDrafts();
    void refresh(const QString &crn = {});

Q_SIGNALS:
    void draftsWaiting(const QList<EscalationDraft> &drafts);
    void dialogOpened(EscalationDialog *dialog);
    // The escalations known for crn changed (the server's list, or the outbox).
    void callEscalationsChanged(const QString &crn);
    // A sentence for the banner.
    void notice(const QString &sentence);
    // A submission (or correction) was handed to the outbox: the Escalations view follows it.
    void submitted();

private:
    EscalationDialog *show(EscalationDialog *dialog);
    void onSubmit(const EscalationDraft &draft);
    void onItemChanged(const OutboxItem &item);
    void updateView();

    EscalationApi *m_api;
    DraftStore *m_store;
    Outbox *m_outbox;
    QWidget *m_window;
    QPointer<EscalationsView> m_view;
    QPointer<EscalationDialog> m_dialog;
    // The submission the open form waits for: its key, or the item it resubmits.
    QString m_waitingKey;
    qint64 m_waitingId = -1;
    QHash<QString, EscalationDraft> m_drafts; // by DraftStore::keyFor
    // Refusals already shown, as "id@updated", so a refusal reopens the form once.
    QSet<QString> m_correctionsShown;
    // The server's escalations per call (normalised CRN), when fetched, whether live.
    struct CallList
    {
        QList<Escalation> escalations;
        QDateTime fetchedAt;
        bool live = false;
        QString problem;
    };
    QHash<QString, CallList> m_byCall;
    QList<Escalation> m_all;
};
