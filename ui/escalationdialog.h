#pragma once

#include "escalation/escalationdraft.h"
#include "model/call.h"

#include <QDateTime>
#include <QDialog>
#include <QHash>
#include <QSet>

class DraftStore;
class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;

// The escalation form: one call, what the supervisor writes about it, and its evidence.
//
// It presents an EscalationDraft and nothing else decides: EscalationDraft::validate() says
// what is wrong, and the reason appears under the field it concerns as the supervisor types
// (for fields touched so far, and for every field of a restored draft). Submit stays disabled
// until the draft is valid; a line under the buttons names what is still needed. The
// catalogue (category, priority, team) comes from setOptions(), live or the cached copy with
// its age, so the form works offline. Evidence: the spans of recordings offered when it opens
// (ticked), and the call's events, each ticked or not. Reasons the server gave for a
// submission it refused (the draft's serverErrors) stand beside their fields until the field
// changes.
//
// Every change goes to the DraftStore, if one is set (debounced, written off the UI thread).
// Submit emits submitRequested(); the owner hands the draft to the outbox and calls
// submissionQueued() once the outbox has it on disk, which removes the draft and closes the
// form. Discard removes the draft; Close keeps it. UI thread.
class EscalationDialog : public QDialog
{
    Q_OBJECT

public:
    // The field names of the request that have a reason label: category, priority, team,
    // summary, description, callback_number, evidence, and "form" for the rest.
    static QStringList fieldNames();

    EscalationDialog(const Call &call, const EscalationDraft &draft, QWidget *parent = nullptr);
    ~EscalationDialog() override;

    // Not owned; may be null.
    void setDraftStore(DraftStore *store);
    void setOptions(const EscalationOptions &options, const QDateTime &fetchedAt, bool live);

    EscalationDraft draft() const;
    QString crn() const { return m_draft.crn; }
    qint64 resubmitOf() const { return m_draft.resubmitOf; }
    // The sentence shown beside field, empty when there is none.
    QString reasonFor(const QString &field) const;
    QLabel *reasonLabel(const QString &field) const { return m_reasons.value(field); }
    QPushButton *submitButton() const { return m_submit; }
    QComboBox *categoryBox() const { return m_category; }
    QComboBox *priorityBox() const { return m_priority; }
    QComboBox *teamBox() const { return m_team; }
    QLineEdit *summaryField() const { return m_summary; }
    QPlainTextEdit *descriptionField() const { return m_description; }
    QLineEdit *callbackField() const { return m_callback; }
    QListWidget *evidenceList() const { return m_evidence; }
    QLabel *catalogueLabel() const { return m_catalogue; }

public Q_SLOTS:
    // The outbox holds the submission: the draft is removed and the form closes.
    void submissionQueued();
    // The owner could not hand it over: the form stays, with sentence under the buttons.
    void submissionFailed(const QString &sentence);

Q_SIGNALS:
    void submitRequested(const EscalationDraft &draft);
    void discarded(const QString &crn);

private:
    void buildForm();
    void fillEvidence(const Call &call);
    void fillCombo(QComboBox *box, const QList<std::pair<QString, QString>> &items,
                   const QString &current);
    void onEdited(const QString &field);
    void readFields();
    void refresh();
    void submit();
    void discard();

    EscalationDraft m_draft;
    // The draft as the server judged it, to tell which fields changed since.
    EscalationDraft m_judged;
    EscalationOptions m_options;
    DraftStore *m_store = nullptr;
    QSet<QString> m_touched;
    bool m_filling = false;
    bool m_waiting = false;

    QLabel *m_heading = nullptr;
    QLabel *m_catalogue = nullptr;
    QComboBox *m_category = nullptr;
    QComboBox *m_priority = nullptr;
    QComboBox *m_team = nullptr;
    QLineEdit *m_summary = nullptr;
    QPlainTextEdit *m_description = nullptr;
    QLineEdit *m_callback = nullptr;
    QListWidget *m_evidence = nullptr;
    QHash<QString, QLabel *> m_reasons;
    QLabel *m_needed = nullptr;
    QPushButton *m_submit = nullptr;
    QPushButton *m_discard = nullptr;
    // Evidence rows: recording spans first, then the call's events, in list order.
    QList<RecordingEvidence> m_offeredSpans;
    QList<EventEvidence> m_offeredEvents;
};
