#include "escalationpresenter.h"

#include "escalation/draftstore.h"
#include "escalationdialog.h"
#include "escalationsview.h"
#include "logging.h"
#include "model/crntext.h"
#include "net/escalationapi.h"
#include "timetext.h"

EscalationPresenter::EscalationPresenter(EscalationApi *api, DraftStore *drafts, Outbox *outbox,
                                         QWidget *window)
    : QObject(window)
    , m_api(api)
    , m_store(drafts)
    , m_outbox(outbox)
    , m_window(window)
{
    connect(m_outbox, &Outbox::itemChanged, this, &EscalationPresenter::onItemChanged);
    connect(m_outbox, &Outbox::itemsLoaded, this, [this] {
        updateView();
        for (const OutboxItem &item : m_outbox->items())
            Q_EMIT callEscalationsChanged(item.crn);
    });
    connect(m_outbox, &Outbox::itemRemoved, this, &EscalationPresenter::updateView);
    connect(m_outbox, &Outbox::problem, this, &EscalationPresenter::notice);
    connect(m_outbox, &Outbox::submitFailed, this,
            [this](const QString &key, const QString &sentence) {
                if (m_dialog && key == m_waitingKey)
                    m_dialog->submissionFailed(sentence);
            });
    connect(m_store, &DraftStore::draftsLoaded, this, [this](const QList<EscalationDraft> &drafts) {
        for (const EscalationDraft &draft : drafts)
            m_drafts.insert(DraftStore::keyFor(draft), draft);
        if (!drafts.isEmpty())
            Q_EMIT draftsWaiting(drafts);
    });
    connect(m_store, &DraftStore::problem, this, &EscalationPresenter::notice);

    connect(m_api, &EscalationApi::optionsFetched, this,
            [this](const EscalationOptions &options, const QDateTime &fetchedAt, bool live) {
                if (m_dialog)
                    m_dialog->setOptions(options, fetchedAt, live);
                if (m_view)
                    m_view->setOptions(options);
            });
    connect(m_api, &EscalationApi::escalationsFetched, this,
            [this](const QString &crn, const QList<Escalation> &escalations,
                   const QDateTime &fetchedAt, bool live) {
                if (crn.isEmpty()) {
                    m_all = escalations;
                    if (m_view)
                        m_view->setServerEscalations(escalations, fetchedAt, live);
                    return;
                }
                m_byCall.insert(CrnText::normalized(crn), { escalations, fetchedAt, live, {} });
                Q_EMIT callEscalationsChanged(crn);
            });
    connect(m_api, &EscalationApi::fetchFailed, this,
            [this](const QString &what, const QString &sentence) {
                if (what != u"escalations")
                    return;
                for (auto it = m_byCall.begin(); it != m_byCall.end(); ++it)
                    it->problem = sentence;
            });
}

EscalationPresenter::~EscalationPresenter() = default;

void EscalationPresenter::setView(EscalationsView *view)
{
    m_view = view;
    connect(view, &EscalationsView::correctRequested, this, [this](qint64 id) { correct(id); });
    connect(view, &EscalationsView::refreshRequested, this, [this] { refresh(); });
    connect(view, &EscalationsView::retryRequested, m_outbox, &Outbox::retryNow);
    view->setOptions(m_api->options());
    updateView();
}

void EscalationPresenter::loadDrafts()
{
    m_store->loadAll();
}

void EscalationPresenter::refresh(const QString &crn)
{
    m_api->fetchEscalations(crn);
    if (!crn.isEmpty())
        return;
    m_api->fetchOptions();
}

EscalationDialog *EscalationPresenter::escalate(const Call &call,
                                                const std::optional<RecordingEvidence> &span,
                                                const QList<EventEvidence> &events)
{
    EscalationDraft fresh = EscalationDraft::forCall(call);
    const QString key = DraftStore::keyFor(fresh);
    if (m_dialog && DraftStore::keyFor(m_dialog->draft()) == key) {
        m_dialog->raise();
        m_dialog->activateWindow();
        return m_dialog;
    }
    if (m_drafts.contains(key))
        return openDraft(m_drafts.value(key), call);
    if (span)
        fresh.recordings.append(*span);
    fresh.events = events;
    return show(new EscalationDialog(call, fresh, m_window));
}

EscalationDialog *EscalationPresenter::openDraft(const EscalationDraft &draft, const Call &call)
{
    Call known = call;
    if (known.summary.crn.isEmpty())
        known.summary.crn = draft.crn;
    return show(new EscalationDialog(known, draft, m_window));
}

EscalationDialog *EscalationPresenter::correct(qint64 outboxId)
{
    for (const OutboxItem &item : m_outbox->items()) {
        if (item.id != outboxId || item.state != OutboxState::Failed)
            continue;
        auto draft = EscalationDraft::fromRequestBody(item.body);
        if (!draft)
            return nullptr;
        draft->resubmitOf = item.id;
        draft->serverErrors = item.fieldErrors;
        if (draft->serverErrors.isEmpty() && !item.lastError.isEmpty())
            draft->serverErrors.insert(u"form"_qs, item.lastError);
        m_correctionsShown.insert(QString::number(item.id) + u'@'
                                  + item.updatedUtc.toString(Qt::ISODateWithMs));
        return openDraft(*draft);
    }
    return nullptr;
}

EscalationDialog *EscalationPresenter::show(EscalationDialog *dialog)
{
    // One form at a time: a second one would split the supervisor's attention and the drafts.
    if (m_dialog)
        m_dialog->reject();
    m_dialog = dialog;
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setDraftStore(m_store);
    dialog->setOptions(m_api->options(), m_api->optionsFetchedAt(), m_api->optionsLive());
    connect(dialog, &EscalationDialog::submitRequested, this, &EscalationPresenter::onSubmit);
    connect(dialog, &QDialog::rejected, this, [this, dialog] {
        const EscalationDraft draft = dialog->draft();
        if (!draft.isBlank())
            m_drafts.insert(DraftStore::keyFor(draft), draft);
    });
    connect(dialog, &EscalationDialog::discarded, this,
            [this, dialog] { m_drafts.remove(DraftStore::keyFor(dialog->draft())); });
    dialog->show();
    // The catalogue may have changed since; the form shows the fresh one when it comes.
    m_api->fetchOptions();
    Q_EMIT dialogOpened(dialog);
    return dialog;
}

void EscalationPresenter::onSubmit(const EscalationDraft &draft)
{
    const QByteArray body = draft.toRequestBody();
    m_drafts.remove(DraftStore::keyFor(draft));
    if (draft.resubmitOf >= 0) {
        m_waitingKey.clear();
        m_waitingId = draft.resubmitOf;
        m_outbox->resubmit(draft.resubmitOf, body);
    } else {
        m_waitingId = -1;
        m_waitingKey = m_outbox->submit(body, draft.crn, draft.summary.trimmed());
    }
    qCInfo(lcUi) << "escalation handed to the outbox";
    Q_EMIT submitted();
}

void EscalationPresenter::onItemChanged(const OutboxItem &item)
{
    if (m_dialog && item.state == OutboxState::Queued
        && ((!m_waitingKey.isEmpty() && item.idempotencyKey == m_waitingKey)
            || (m_waitingId >= 0 && item.id == m_waitingId))) {
        m_waitingKey.clear();
        m_waitingId = -1;
        m_dialog->submissionQueued();
    }
    if (item.state == OutboxState::Failed && !item.fieldErrors.isEmpty()
        && !m_correctionsShown.contains(QString::number(item.id) + u'@'
                                        + item.updatedUtc.toString(Qt::ISODateWithMs))) {
        Q_EMIT notice(
            tr("The server refused the escalation of call %1: %2").arg(item.crn, item.lastError));
        correct(item.id);
    }
    if (item.state == OutboxState::Failed && item.fieldErrors.isEmpty())
        Q_EMIT notice(tr("The server refused the escalation of call %1: %2 Double-click it in "
                         "Escalations to send it again.")
                          .arg(item.crn, item.lastError));
    if (item.state == OutboxState::Sent) {
        // The call's list and the Escalations view's: both now hold it with the server's status.
        m_api->fetchEscalations(item.crn);
        m_api->fetchEscalations();
    }
    updateView();
    Q_EMIT callEscalationsChanged(item.crn);
}

void EscalationPresenter::updateView()
{
    if (m_view)
        m_view->setOutboxItems(m_outbox->items());
}

QList<std::pair<QString, QString>> EscalationPresenter::linesForCall(const QString &crn,
                                                                     QString *note) const
{
    const QString key = CrnText::normalized(crn);
    QList<std::pair<QString, QString>> lines;
    const CallList known = m_byCall.value(key);
    QSet<QString> sentIds;
    for (const OutboxItem &item : m_outbox->items()) {
        if (CrnText::normalized(item.crn) != key)
            continue;
        if (item.state == OutboxState::Sent) {
            sentIds.insert(item.escalationId);
            bool listed = false;
            for (const Escalation &escalation : known.escalations)
                listed = listed || escalation.id == item.escalationId;
            if (listed)
                continue;
        }
        QString state;
        switch (item.state) {
        case OutboxState::Queued:
            state = tr("Queued here, not sent yet");
            break;
        case OutboxState::Sending:
            state = tr("Sending");
            break;
        case OutboxState::Sent:
            state = tr("Sent");
            break;
        case OutboxState::Failed:
            state = tr("Failed: %1").arg(item.lastError);
            break;
        }
        lines.append({ tr("%1 · %2").arg(state, item.summary), item.lastError });
    }
    for (const Escalation &escalation : known.escalations) {
        lines.append({ tr("%1 · due %2 · %3 · %4")
                           .arg(EscalationsView::statusText(escalation.status),
                                TimeText::clock(escalation.due.toDateTime().toLocalTime(),
                                                QDateTime::currentDateTime()),
                                m_api->options().teamLabel(escalation.team), escalation.summary),
                       tr("By %1, %2")
                           .arg(escalation.author, TimeText::localDateTime(escalation.created)) });
    }
    if (note) {
        if (!known.fetchedAt.isValid())
            *note = known.problem;
        else if (!known.live)
            *note = tr("Offline: as fetched %1.")
                        .arg(TimeText::age(known.fetchedAt, QDateTime::currentDateTimeUtc()));
        else
            note->clear();
    }
    return lines;
}
