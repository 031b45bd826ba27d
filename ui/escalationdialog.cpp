#include "escalationdialog.h"

#include "calltext.h"
#include "escalation/draftstore.h"
#include "timetext.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include <cmath>

namespace {

const QString kForm = u"form"_qs;

// The field a server reason belongs to: "evidence.recordings[0].end" is the evidence's.
QString fieldOfKey(const QString &key)
{
    const QString head = key.section(u'.', 0, 0).section(u'[', 0, 0);
    return EscalationDialog::fieldNames().contains(head) ? head : kForm;
}

QString fieldValue(const EscalationDraft &draft, const QString &field)
{
    if (field == u"category")
        return draft.category;
    if (field == u"priority")
        return draft.priority;
    if (field == u"team")
        return draft.team;
    if (field == u"summary")
        return draft.summary;
    if (field == u"description")
        return draft.description;
    if (field == u"callback_number")
        return draft.callbackNumber;
    if (field == u"evidence")
        return QString::fromUtf8(
            QJsonDocument(draft.toRequestJson().value(u"evidence").toObject()).toJson());
    return {};
}

QString seconds(double value)
{
    return QLocale().toString(value, 'f', 1);
}

// "45 min", "4 h", "1 day": the response time as a supervisor says it.
QString responseTime(int minutes)
{
    if (minutes > 0 && minutes % 1440 == 0)
        return EscalationDialog::tr("%n day(s)", "", minutes / 1440);
    if (minutes > 0 && minutes % 60 == 0)
        return EscalationDialog::tr("%n h", "", minutes / 60);
    return EscalationDialog::tr("%n min", "", minutes);
}

} // namespace

QStringList EscalationDialog::fieldNames()
{
    return { u"category"_qs,    u"priority"_qs,        u"team"_qs,     u"summary"_qs,
             u"description"_qs, u"callback_number"_qs, u"evidence"_qs, kForm };
}

EscalationDialog::EscalationDialog(const Call &call, const EscalationDraft &draft, QWidget *parent)
    : QDialog(parent)
    , m_draft(draft)
    , m_judged(draft)
{
    setObjectName(QStringLiteral("escalationDialog"));
    setWindowTitle(tr("Escalate call %1").arg(draft.crn));
    buildForm();
    fillEvidence(call);

    m_filling = true;
    m_summary->setText(m_draft.summary);
    m_description->setPlainText(m_draft.description);
    m_callback->setText(m_draft.callbackNumber);
    m_filling = false;
    // A restored or corrected draft shows every reason at once: it was all written before.
    if (!m_draft.isBlank() || !m_draft.serverErrors.isEmpty()) {
        for (const QString &field : fieldNames())
            m_touched.insert(field);
    }
    setOptions({}, {}, false);
}

EscalationDialog::~EscalationDialog() = default;

void EscalationDialog::buildForm()
{
    auto *layout = new QVBoxLayout(this);
    m_heading = new QLabel(this);
    m_heading->setObjectName(QStringLiteral("heading"));
    m_heading->setText(tr("<b>Escalate call %1</b><br>Say what went wrong and who should act. "
                          "The escalation is sent as soon as the server can be reached.")
                           .arg(m_draft.crn.toHtmlEscaped()));
    m_heading->setWordWrap(true);
    layout->addWidget(m_heading);

    m_catalogue = new QLabel(this);
    m_catalogue->setObjectName(QStringLiteral("catalogue"));
    m_catalogue->setWordWrap(true);
    layout->addWidget(m_catalogue);

    const auto reason = [this](const QString &field) {
        auto *label = new QLabel(this);
        label->setObjectName(field + u"Reason"_qs);
        label->setWordWrap(true);
        QPalette palette = label->palette();
        palette.setColor(QPalette::WindowText, QColor(0xb0, 0x1c, 0x1c));
        label->setPalette(palette);
        label->setVisible(false);
        m_reasons.insert(field, label);
        return label;
    };
    // A field with its reason under it, as one cell of the form.
    const auto withReason = [reason](QWidget *field, const QString &name, int stretch = 0) {
        auto *cell = new QWidget;
        auto *box = new QVBoxLayout(cell);
        box->setContentsMargins(0, 0, 0, 0);
        box->setSpacing(2);
        // A tall field takes the row's height, so that no gaps open above and below it.
        box->addWidget(field, stretch);
        box->addWidget(reason(name));
        return cell;
    };

    auto *form = new QFormLayout;
    m_category = new QComboBox(this);
    m_category->setObjectName(QStringLiteral("category"));
    m_priority = new QComboBox(this);
    m_priority->setObjectName(QStringLiteral("priority"));
    m_team = new QComboBox(this);
    m_team->setObjectName(QStringLiteral("team"));
    m_summary = new QLineEdit(this);
    m_summary->setObjectName(QStringLiteral("summary"));
    m_summary->setPlaceholderText(tr("One line: what happened (up to 200 characters)"));
    m_description = new QPlainTextEdit(this);
    m_description->setObjectName(QStringLiteral("description"));
    m_description->setPlaceholderText(tr("What the next person needs to know"));
    m_description->setTabChangesFocus(true);
    m_description->setMinimumHeight(80);
    m_callback = new QLineEdit(this);
    m_callback->setObjectName(QStringLiteral("callback_number"));
    m_callback->setPlaceholderText(tr("e.g. +49 30 1234567"));
    m_evidence = new QListWidget(this);
    m_evidence->setObjectName(QStringLiteral("evidence"));
    m_evidence->setMinimumHeight(110);

    form->addRow(tr("&Category:"), withReason(m_category, u"category"_qs));
    form->addRow(tr("&Priority:"), withReason(m_priority, u"priority"_qs));
    form->addRow(tr("&Team:"), withReason(m_team, u"team"_qs));
    form->addRow(tr("&Summary:"), withReason(m_summary, u"summary"_qs));
    form->addRow(tr("&Description:"), withReason(m_description, u"description"_qs, 1));
    form->addRow(tr("Call&back number:"), withReason(m_callback, u"callback_number"_qs));
    form->addRow(tr("&Evidence:"), withReason(m_evidence, u"evidence"_qs, 1));
    layout->addLayout(form);
    layout->addWidget(reason(kForm));

    m_needed = new QLabel(this);
    m_needed->setObjectName(QStringLiteral("needed"));
    m_needed->setWordWrap(true);
    layout->addWidget(m_needed);

    auto *buttons = new QDialogButtonBox(this);
    m_submit = buttons->addButton(tr("Su&bmit"), QDialogButtonBox::AcceptRole);
    m_submit->setObjectName(QStringLiteral("submit"));
    m_submit->setDefault(true);
    m_discard = buttons->addButton(tr("&Discard draft"), QDialogButtonBox::DestructiveRole);
    m_discard->setObjectName(QStringLiteral("discard"));
    QPushButton *close
        = buttons->addButton(tr("Close and keep draft"), QDialogButtonBox::RejectRole);
    close->setObjectName(QStringLiteral("close"));
    layout->addWidget(buttons);

    connect(m_submit, &QPushButton::clicked, this, &EscalationDialog::submit);
    connect(m_discard, &QPushButton::clicked, this, &EscalationDialog::discard);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_category, &QComboBox::currentIndexChanged, this,
            [this] { onEdited(u"category"_qs); });
    connect(m_priority, &QComboBox::currentIndexChanged, this,
            [this] { onEdited(u"priority"_qs); });
    connect(m_team, &QComboBox::currentIndexChanged, this, [this] { onEdited(u"team"_qs); });
    connect(m_summary, &QLineEdit::textChanged, this, [this] { onEdited(u"summary"_qs); });
    connect(m_description, &QPlainTextEdit::textChanged, this,
            [this] { onEdited(u"description"_qs); });
    connect(m_callback, &QLineEdit::textChanged, this, [this] { onEdited(u"callback_number"_qs); });
    connect(m_evidence, &QListWidget::itemChanged, this, [this] { onEdited(u"evidence"_qs); });
    resize(560, 720);
}

void EscalationDialog::fillEvidence(const Call &call)
{
    m_filling = true;
    m_offeredSpans = m_draft.recordings;
    for (const RecordingEvidence &span : std::as_const(m_offeredSpans)) {
        QString name = span.recordingId;
        Timestamp recordingStart;
        for (const Recording &recording : call.recordings) {
            if (recording.id != span.recordingId)
                continue;
            if (!recording.name.isEmpty())
                name = recording.name;
            recordingStart = recording.start;
        }
        // The clock times match the events below and the timeline; the seconds into the file
        // are what the server keeps.
        QString text = tr("Recording %1, %2 s to %3 s into the file")
                           .arg(name, seconds(span.start), seconds(span.end));
        if (recordingStart.isValid()) {
            const auto at = [&recordingStart](double secondsInto) {
                return TimeText::localTime(
                    recordingStart.addMicroseconds(qint64(std::llround(secondsInto * 1e6))));
            };
            text = tr("Recording %1: %2 to %3 (%4 s)")
                       .arg(name, at(span.start), at(span.end), seconds(span.end - span.start));
        }
        auto *item = new QListWidgetItem(text, m_evidence);
        item->setToolTip(
            tr("%1 s to %2 s into the file %3").arg(seconds(span.start), seconds(span.end), name));
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
    }

    const Timestamp start = call.summary.start;
    for (const CallEvent &event : call.events) {
        const EventEvidence evidence { toString(event.type), event.time, event.legId };
        m_offeredEvents.append(evidence);
        const QString when = start.isValid() ? TimeText::offset(event.time - start)
                                             : TimeText::localTime(event.time);
        auto *item = new QListWidgetItem(
            tr("%1  %2 (%3)")
                .arg(when, CallText::eventDescription(call, event),
                     CallText::participantLabel(call, CallText::eventParticipantId(call, event))),
            m_evidence);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(m_draft.events.contains(evidence) ? Qt::Checked : Qt::Unchecked);
    }
    // Ticked events the call no longer has stay offered, so nothing ticked is lost silently.
    for (const EventEvidence &evidence : std::as_const(m_draft.events)) {
        if (m_offeredEvents.contains(evidence))
            continue;
        m_offeredEvents.append(evidence);
        auto *item = new QListWidgetItem(
            tr("%1 at %2").arg(evidence.type, TimeText::localTime(evidence.time)), m_evidence);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
    }
    m_filling = false;
}

void EscalationDialog::setDraftStore(DraftStore *store)
{
    m_store = store;
}

void EscalationDialog::fillCombo(QComboBox *box, const QList<std::pair<QString, QString>> &items,
                                 const QString &current)
{
    box->clear();
    box->addItem(tr("Choose…"), QString());
    for (const auto &[id, label] : items)
        box->addItem(label, id);
    int index = box->findData(current);
    // A value the catalogue does not (or no longer) offers stays chosen, and is judged.
    if (index < 0 && !current.isEmpty()) {
        box->addItem(current, current);
        index = box->count() - 1;
    }
    box->setCurrentIndex(qMax(0, index));
}

void EscalationDialog::setOptions(const EscalationOptions &options, const QDateTime &fetchedAt,
                                  bool live)
{
    m_options = options;
    m_filling = true;
    QList<std::pair<QString, QString>> categories;
    for (const EscalationCategory &category : options.categories)
        categories.append({ category.id, category.label });
    QList<std::pair<QString, QString>> priorities;
    for (const EscalationPriority &priority : options.priorities)
        priorities.append({ priority.id,
                            tr("%1 (answer within %2)")
                                .arg(priority.label, responseTime(priority.responseMinutes)) });
    QList<std::pair<QString, QString>> teams;
    for (const EscalationTeam &team : options.teams)
        teams.append({ team.id, team.label });
    fillCombo(m_category, categories, m_draft.category);
    fillCombo(m_priority, priorities, m_draft.priority);
    fillCombo(m_team, teams, m_draft.team);
    m_filling = false;

    if (options.isEmpty())
        m_catalogue->setText(tr("The server's list of categories, priorities and teams has not "
                                "been fetched yet. Connect to the server once to escalate."));
    else if (live)
        m_catalogue->clear();
    else
        m_catalogue->setText(
            tr("Offline: categories, priorities and teams as fetched %1. The escalation is "
               "queued and sent when the server is back.")
                .arg(TimeText::age(fetchedAt, QDateTime::currentDateTimeUtc())));
    m_catalogue->setVisible(!m_catalogue->text().isEmpty());
    refresh();
}

void EscalationDialog::readFields()
{
    m_draft.category = m_category->currentData().toString();
    m_draft.priority = m_priority->currentData().toString();
    m_draft.team = m_team->currentData().toString();
    m_draft.summary = m_summary->text();
    m_draft.description = m_description->toPlainText();
    m_draft.callbackNumber = m_callback->text();
    m_draft.recordings.clear();
    m_draft.events.clear();
    for (int row = 0; row < m_evidence->count(); ++row) {
        if (m_evidence->item(row)->checkState() != Qt::Checked)
            continue;
        if (row < m_offeredSpans.size())
            m_draft.recordings.append(m_offeredSpans.at(row));
        else
            m_draft.events.append(m_offeredEvents.at(row - m_offeredSpans.size()));
    }
}

EscalationDraft EscalationDialog::draft() const
{
    return m_draft;
}

QString EscalationDialog::reasonFor(const QString &field) const
{
    const QLabel *label = m_reasons.value(field);
    return label && !label->isHidden() ? label->text() : QString();
}

void EscalationDialog::onEdited(const QString &field)
{
    if (m_filling)
        return;
    m_touched.insert(field);
    // Choosing a category is when its required fields become worth mentioning.
    if (field == u"category") {
        if (const EscalationCategory *category
            = m_options.category(m_category->currentData().toString())) {
            for (const QString &required : category->requiredFields)
                m_touched.insert(required);
        }
    }
    refresh();
    if (m_store && !m_waiting)
        m_store->save(m_draft);
}

void EscalationDialog::refresh()
{
    readFields();
    const QMap<QString, QString> problems = m_draft.validate(m_options);

    QHash<QString, QString> shown;
    for (auto it = problems.begin(); it != problems.end(); ++it) {
        const QString field = fieldOfKey(it.key());
        if (m_touched.contains(field) && !shown.contains(field))
            shown.insert(field, it.value());
    }
    // The server's reason stands until the field it judged changes.
    for (auto it = m_draft.serverErrors.begin(); it != m_draft.serverErrors.end(); ++it) {
        const QString field = fieldOfKey(it.key());
        if (field == kForm || fieldValue(m_draft, field) == fieldValue(m_judged, field))
            shown.insert(field, shown.contains(field) ? shown.value(field) : it.value());
    }
    for (auto it = m_reasons.begin(); it != m_reasons.end(); ++it) {
        it.value()->setText(shown.value(it.key()));
        it.value()->setVisible(!shown.value(it.key()).isEmpty());
    }

    bool serverStillObjects = false;
    for (auto it = m_draft.serverErrors.begin(); it != m_draft.serverErrors.end(); ++it) {
        const QString field = fieldOfKey(it.key());
        if (field != kForm && fieldValue(m_draft, field) == fieldValue(m_judged, field))
            serverStillObjects = true;
    }
    const bool valid = problems.isEmpty() && !serverStillObjects && !m_waiting;
    m_submit->setEnabled(valid);

    QStringList needed;
    const QHash<QString, QString> names { { u"category"_qs, tr("category") },
                                          { u"priority"_qs, tr("priority") },
                                          { u"team"_qs, tr("team") },
                                          { u"summary"_qs, tr("summary") },
                                          { u"description"_qs, tr("description") },
                                          { u"callback_number"_qs, tr("callback number") },
                                          { u"evidence"_qs, tr("evidence") },
                                          { u"crn"_qs, tr("CRN") } };
    for (auto it = problems.begin(); it != problems.end(); ++it)
        needed.append(names.value(fieldOfKey(it.key()), it.key()));
    if (m_waiting)
        m_needed->setText(tr("Handing the escalation to the outbox…"));
    else if (!needed.isEmpty())
        m_needed->setText(tr("To submit, check: %1.").arg(needed.join(u", "_qs)));
    else if (serverStillObjects)
        m_needed->setText(tr("Correct the fields the server refused, then submit again."));
    else
        m_needed->setText(tr("Ready to submit."));
}

void EscalationDialog::submit()
{
    refresh();
    if (!m_submit->isEnabled())
        return;
    m_waiting = true;
    m_submit->setEnabled(false);
    m_discard->setEnabled(false);
    refresh();
    EscalationDraft sent = m_draft;
    sent.serverErrors.clear();
    Q_EMIT submitRequested(sent);
}

void EscalationDialog::submissionQueued()
{
    m_waiting = false;
    if (m_store)
        m_store->remove(DraftStore::keyFor(m_draft));
    accept();
}

void EscalationDialog::submissionFailed(const QString &sentence)
{
    m_waiting = false;
    m_discard->setEnabled(true);
    refresh();
    m_needed->setText(sentence);
}

void EscalationDialog::discard()
{
    if (m_store)
        m_store->remove(DraftStore::keyFor(m_draft));
    Q_EMIT discarded(m_draft.crn);
    reject();
}
