#include "callview.h"

#include "callheaderview.h"
#include "eventtablemodel.h"
#include "logging.h"
#include "media/recordingdownloads.h"
#include "playbackcontroller.h"
#include "playerbar.h"
#include "recordingtext.h"
#include "timelinelegend.h"
#include "timelineview.h"
#include "waveformpeaks.h"
#include "wavexport.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrentRun>

namespace {

QLabel *sectionTitle(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont bold = label->font();
    bold.setBold(true);
    label->setFont(bold);
    return label;
}

} // namespace

CallView::CallView(QWidget *parent)
    : QWidget(parent)
    , m_header(new CallHeaderView(this))
    , m_timeline(new TimelineView)
    , m_legend(new TimelineLegend)
    , m_timelineScroll(new QScrollArea)
    , m_events(new EventTableModel(this))
    , m_table(new QTableView)
    , m_eventsTitle(nullptr)
    , m_player(new PlayerBar)
{
    m_timeline->setObjectName(QStringLiteral("timeline"));
    m_timelineScroll->setWidget(m_timeline);
    m_timelineScroll->setWidgetResizable(true);
    m_timelineScroll->setFrameShape(QFrame::StyledPanel);
    m_timelineScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_timelineScroll->setFocusPolicy(Qt::NoFocus);

    auto *timelinePane = new QWidget;
    auto *timelineLayout = new QVBoxLayout(timelinePane);
    timelineLayout->setContentsMargins(0, 0, 0, 0);
    timelineLayout->setSpacing(4);
    timelineLayout->addWidget(sectionTitle(tr("Timeline"), timelinePane));
    timelineLayout->addWidget(m_timelineScroll, 1);
    timelineLayout->addWidget(m_legend);
    m_player->setObjectName(QStringLiteral("player"));
    auto *playerRule = new QFrame(timelinePane);
    playerRule->setFrameShape(QFrame::HLine);
    playerRule->setFrameShadow(QFrame::Sunken);
    timelineLayout->addWidget(playerRule);
    timelineLayout->addWidget(m_player);

    m_table->setObjectName(QStringLiteral("eventTable"));
    m_table->setModel(m_events);
    m_table->setAccessibleName(tr("Events of the call"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setHighlightSections(false);

    auto *eventsPane = new QWidget;
    auto *eventsLayout = new QVBoxLayout(eventsPane);
    eventsLayout->setContentsMargins(0, 0, 0, 0);
    eventsLayout->setSpacing(4);
    m_eventsTitle = sectionTitle(tr("Events"), eventsPane);
    eventsLayout->addWidget(m_eventsTitle);
    eventsLayout->addWidget(m_table, 1);

    // The escalations on this call, and the way to add one.
    auto *escalationTitle = new QHBoxLayout;
    escalationTitle->addWidget(sectionTitle(tr("Escalations on this call"), eventsPane));
    escalationTitle->addStretch(1);
    m_escalate = new QPushButton(tr("&Escalate…"), eventsPane);
    m_escalate->setObjectName(QStringLiteral("escalate"));
    m_escalate->setToolTip(tr("Escalate this call with its evidence (Ctrl+E)"));
    m_escalate->setEnabled(false);
    escalationTitle->addWidget(m_escalate);
    eventsLayout->addLayout(escalationTitle);
    m_escalationList = new QListWidget(eventsPane);
    m_escalationList->setObjectName(QStringLiteral("callEscalations"));
    m_escalationList->setAccessibleName(tr("Escalations on this call"));
    eventsLayout->addWidget(m_escalationList);
    m_escalationNote = new QLabel(eventsPane);
    m_escalationNote->setObjectName(QStringLiteral("callEscalationsNote"));
    m_escalationNote->setWordWrap(true);
    eventsLayout->addWidget(m_escalationNote);
    connect(m_escalate, &QPushButton::clicked, this, &CallView::escalateRequested);

    m_timelinePane = timelinePane;
    m_splitter = new QSplitter(Qt::Vertical, this);
    auto *splitter = m_splitter;
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(timelinePane);
    splitter->addWidget(eventsPane);
    // The timeline takes the height its lanes need; the event list gets the rest.
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);

    auto *rule = new QFrame(this);
    rule->setFrameShape(QFrame::HLine);
    rule->setFrameShadow(QFrame::Sunken);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addWidget(m_header);
    layout->addWidget(rule);
    layout->addWidget(splitter, 1);

    // One current event for both views; each side ignores a change to what it already shows,
    // so the two connections cannot ping-pong.
    connect(m_timeline, &TimelineView::currentEventChanged, this, &CallView::showEventInTable);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                m_timeline->setCurrentEvent(current.isValid() ? current.row() : -1);
            });

    // Enter or a double-click on a row plays from the event; a click only selects it.
    connect(m_table, &QAbstractItemView::activated, this,
            [this](const QModelIndex &index) { playEvent(index.row()); });
    connect(m_timeline, &TimelineView::playRequested, this, [this](Timestamp time) {
        if (m_controller && !m_timeline->call().recordings.isEmpty())
            m_controller->playAt(time);
    });
    connect(m_timeline, &TimelineView::selectedSpanChanged, this,
            [this](const TimelineView::Span &span) {
                m_player->setSelectedSpan(span.start, span.end);
            });
    connect(m_player, &PlayerBar::downloadRequested, this, &CallView::saveCopy);
    connect(m_player, &PlayerBar::exportRequested, this, &CallView::exportWav);
}

void CallView::setPlayback(PlaybackController *controller, RecordingDownloads *downloads)
{
    for (const QMetaObject::Connection &connection : std::as_const(m_playbackConnections))
        disconnect(connection);
    m_playbackConnections.clear();
    m_controller = controller;
    m_downloads = downloads;
    m_playlistKey.clear();
    m_player->setController(controller);

    if (controller) {
        m_playbackConnections.append(connect(controller, &PlaybackController::positionChanged,
                                             m_timeline, &TimelineView::setPlayhead));
        m_playbackConnections.append(connect(
            controller, &PlaybackController::stateChanged, this,
            [this](PlaybackController::State state) {
                const QString id = m_controller->currentRecordingId();
                // The cache keeps what is being listened to.
                if (state == PlaybackController::State::Playing && m_downloads && !id.isEmpty())
                    m_downloads->markPlayed(id);
                // A recording the player gave up on is marked on the timeline too.
                if (state == PlaybackController::State::Unplayable && !id.isEmpty())
                    m_timeline->setRecordingProblem(id, m_controller->problem());
            }));
        if (downloads) {
            m_playbackConnections.append(connect(
                controller, &PlaybackController::fileNeeded, this, [this](const QString &id) {
                    if (const Recording *wanted = recording(id); wanted && m_downloads)
                        m_downloads->request(*wanted);
                }));
        }
    }
    if (downloads) {
        m_playbackConnections.append(connect(downloads, &RecordingDownloads::progress, m_player,
                                             &PlayerBar::showDownloadProgress));
        m_playbackConnections.append(
            connect(downloads, &RecordingDownloads::ready, this, &CallView::onDownloadReady));
        m_playbackConnections.append(connect(
            downloads, &RecordingDownloads::failed, this,
            [this](const QString &id, const QString &sentence, RecordingDownloads::Error error) {
                onDownloadFailed(id, sentence, int(error));
            }));
    }

    giveRecordingsToPlayer(false);
    fetchRecordings();
}

const Recording *CallView::recording(const QString &id) const
{
    for (const Recording &recording : m_timeline->call().recordings) {
        if (recording.id == id)
            return &recording;
    }
    return nullptr;
}

QString CallView::localPath(const QString &id) const
{
    if (m_downloads && !m_downloads->localPath(id).isEmpty())
        return m_downloads->localPath(id);
    // Without downloads, whoever answers the controller's fileNeeded put the file there.
    if (m_controller) {
        for (const PlaylistEntry &entry : m_controller->playlist()) {
            if (entry.recordingId == id)
                return entry.localPath;
        }
    }
    return {};
}

void CallView::giveRecordingsToPlayer(bool sameCall)
{
    const Call &shown = m_timeline->call();
    QString key = shown.crn();
    QList<PlaylistEntry> entries;
    for (const Recording &recording : shown.recordings) {
        // A file that is not on the server, or that cannot be placed in the call, is not
        // played; the timeline and the player bar say why.
        if (!recording.start.isValid() || recording.hasFlag(u"recording_missing"))
            continue;
        const QString local = m_downloads ? m_downloads->localPath(recording.id) : QString();
        entries.append({ recording.id, recording.start, recording.durationUs, local });
        key += u'|' + recording.id + u'@' + QString::number(recording.start.microseconds()) + u'+'
            + QString::number(recording.durationUs);
    }
    if (!m_controller || (sameCall && key == m_playlistKey))
        return;
    m_playlistKey = key;
    m_controller->setCall(shown.summary.start, shown.summary.end, entries);
}

void CallView::fetchRecordings()
{
    m_mediaPending.clear();
    if (!m_downloads) {
        Q_EMIT mediaSettled();
        return;
    }
    for (const Recording &recording : m_timeline->call().recordings) {
        if (recording.hasFlag(u"recording_missing") || m_timeline->hasPeaks(recording.id))
            continue;
        m_mediaPending.insert(recording.id);
    }
    // Every recording of the call shown is fetched: the waveforms are drawn from the files.
    // A cached copy answers at once.
    for (const Recording &recording : m_timeline->call().recordings) {
        if (m_mediaPending.contains(recording.id))
            m_downloads->request(recording);
    }
    if (m_mediaPending.isEmpty())
        Q_EMIT mediaSettled();
}

void CallView::onDownloadReady(const QString &id, const QString &localPath)
{
    if (!recording(id))
        return;
    m_player->showDownloadFinished(id);
    if (m_controller)
        m_controller->setLocalFile(id, localPath);
    if (const auto write = m_writeWhenReady.constFind(id); write != m_writeWhenReady.cend()) {
        const PendingWrite pending = *write;
        m_writeWhenReady.erase(write);
        startWrite(localPath, pending);
    }
    loadPeaks(id, localPath);
}

void CallView::onDownloadFailed(const QString &id, const QString &sentence, int error)
{
    if (!recording(id))
        return;
    const auto kind = RecordingDownloads::Error(error);
    const bool missing
        = kind == RecordingDownloads::Error::Missing || kind == RecordingDownloads::Error::NotFound;
    const QString text = missing ? tr("The recording file is missing on the server.") : sentence;
    m_player->showDownloadFailed(id, text);

    // Unreachable and TimedOut are tried again by the downloads; the others are final.
    if (kind == RecordingDownloads::Error::Unreachable
        || kind == RecordingDownloads::Error::TimedOut)
        return;
    m_timeline->setRecordingProblem(id, text);
    // A click that waits for this file would otherwise wait for ever.
    if (m_controller)
        m_controller->setFileUnavailable(id, text);
    if (m_writeWhenReady.remove(id) > 0)
        m_player->showNote(tr("Nothing was saved: %1").arg(text), true);
    settle(id);
}

void CallView::loadPeaks(const QString &id, const QString &localPath)
{
    if (m_timeline->hasPeaks(id) || m_peaksLoading.contains(id)) {
        if (m_timeline->hasPeaks(id))
            settle(id);
        return;
    }
    m_peaksLoading.insert(id);
    auto *watcher = new QFutureWatcher<WaveformResult>(this);
    const QString crn = m_timeline->call().crn();
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, id, crn] {
        watcher->deleteLater();
        m_peaksLoading.remove(id);
        const WaveformResult result = watcher->result();
        // The supervisor may have moved on to another call meanwhile.
        if (crn != m_timeline->call().crn() || !recording(id))
            return;
        if (result.peaks)
            m_timeline->setPeaks(id, *result.peaks);
        else
            qCInfo(lcUi) << "no waveform for a recording of" << crn << ":" << result.error;
        settle(id);
    });
    watcher->setFuture(Waveform::loadOrComputeAsync(localPath));
}

void CallView::settle(const QString &id)
{
    if (m_mediaPending.remove(id) && m_mediaPending.isEmpty())
        Q_EMIT mediaSettled();
}

void CallView::playEvent(int index)
{
    const Call &shown = m_timeline->call();
    if (index < 0 || index >= shown.events.size())
        return;
    selectEvent(index);
    if (m_controller && !shown.recordings.isEmpty())
        m_controller->playAt(shown.events.at(index).time);
}

void CallView::saveCopy(const QString &id)
{
    const Recording *wanted = recording(id);
    if (!wanted)
        return;
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DownloadLocation);
    const QString suggested = QDir(folder).filePath(
        wanted->name.isEmpty() ? id + u".wav" : QFileInfo(wanted->name).fileName());
    const QString target
        = QFileDialog::getSaveFileName(this, tr("Save a copy of the recording"), suggested);
    if (target.isEmpty())
        return;
    writeWhenLocal(*wanted, { target, false, 0, 0 },
                   tr("Downloading the recording; it is saved when it has arrived."));
}

void CallView::exportWav(const QString &id, qint64 fromUs, qint64 toUs)
{
    const Recording *wanted = recording(id);
    if (!wanted)
        return;
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DownloadLocation);
    const QString base = QFileInfo(wanted->name.isEmpty() ? id : wanted->name).completeBaseName();
    const bool span = fromUs > 0 || toUs != WavExport::kToEnd;
    const QString name = span ? tr("%1 from %2 to %3.wav")
                                    .arg(base, RecordingText::clock(fromUs).replace(u':', u'.'),
                                         RecordingText::clock(toUs).replace(u':', u'.'))
                              : base + u".wav";
    const QString target = QFileDialog::getSaveFileName(
        this, span ? tr("Export the selected span as WAV") : tr("Export the recording as WAV"),
        QDir(folder).filePath(name), tr("WAV audio (*.wav)"));
    if (target.isEmpty())
        return;
    writeWhenLocal(*wanted, { target, true, fromUs, toUs },
                   tr("Downloading the recording; it is exported when it has arrived."));
}

// Writes at once from the local copy, or downloads the recording first and writes it from
// onDownloadReady, saying so with waitingNote.
void CallView::writeWhenLocal(const Recording &recording, const PendingWrite &write,
                              const QString &waitingNote)
{
    const QString local = localPath(recording.id);
    if (!local.isEmpty()) {
        startWrite(local, write);
        return;
    }
    if (!m_downloads) {
        m_player->showNote(tr("The recording cannot be downloaded without a server."), true);
        return;
    }
    m_writeWhenReady.insert(recording.id, write);
    m_player->showNote(waitingNote);
    m_downloads->request(recording);
}

void CallView::startWrite(const QString &localPath, const PendingWrite &write)
{
    const QString target = write.target;
    auto *watcher = new QFutureWatcher<WavExportResult>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, target] {
        watcher->deleteLater();
        const WavExportResult result = watcher->result();
        if (result.ok)
            m_player->showNote(tr("Saved to %1").arg(QDir::toNativeSeparators(target)));
        else
            m_player->showNote(tr("Nothing was saved: %1").arg(result.error), true);
    });

    if (write.isExport) {
        watcher->setFuture(WavExport::exportWavAsync(localPath, target, write.fromUs, write.toUs));
        return;
    }
    // A copy of the original, bytes as they are, on a worker: a long recording is large.
    watcher->setFuture(QtConcurrent::run([localPath, target] {
        WavExportResult result;
        if (QFileInfo::exists(target) && !QFile::remove(target)) {
            result.error = tr("%1 cannot be replaced.").arg(QDir::toNativeSeparators(target));
            return result;
        }
        QFile source(localPath);
        result.ok = source.copy(target);
        if (!result.ok)
            result.error = source.errorString();
        return result;
    }));
}

void CallView::setCall(const Call &call)
{
    // A newer copy of the same call keeps the event the supervisor was looking at.
    const bool sameCall = call.crn() == m_timeline->call().crn()
        && call.events.size() == m_timeline->call().events.size();
    const int keep = sameCall ? m_timeline->currentEvent() : -1;
    const bool sameCrn = call.crn() == m_timeline->call().crn();
    if (!sameCrn)
        m_writeWhenReady.clear();

    m_header->setCall(call);
    m_events->setCall(call);
    m_timeline->setCall(call);
    m_legend->setShowsRecordings(!call.recordings.isEmpty());
    m_player->setCall(call);
    // The timeline first: it forgets the last call's playhead, the controller sets the new one.
    giveRecordingsToPlayer(sameCrn);
    if (m_controller && m_controller->position().isValid() && !call.recordings.isEmpty())
        m_timeline->setPlayhead(m_controller->position());
    fetchRecordings();
    m_eventsTitle->setText(tr("Events (%1)").arg(call.events.size()));
    m_escalate->setEnabled(!call.crn().isEmpty());
    if (!sameCrn)
        setEscalationLines({}, {});
    resizeColumns();

    if (keep >= 0)
        selectEvent(keep);
    else
        fitTimeline();
}

void CallView::fitTimeline()
{
    // The lanes get the height they ask for, up to 60 % of the space; the table the rest.
    const int total = m_splitter->height();
    if (total <= 0)
        return;
    // Only the lanes there are: empty bands would push the event list down for nothing. The
    // pane's title, legend and frames keep the height they have now.
    const int around = m_timelinePane->height() - m_timelineScroll->viewport()->height();
    const int wanted = qMin(around + m_timeline->minimumSizeHint().height(), total * 3 / 5);
    m_splitter->setSizes({ wanted, total - wanted });
}

void CallView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    QTimer::singleShot(0, this, &CallView::fitTimeline);
}

const Call &CallView::call() const
{
    return m_timeline->call();
}

int CallView::currentEvent() const
{
    return m_timeline->currentEvent();
}

void CallView::selectEvent(int index)
{
    m_timeline->setCurrentEvent(index);
}

void CallView::showEventInTable(int index)
{
    QItemSelectionModel *selection = m_table->selectionModel();
    if (index < 0) {
        selection->clear();
        return;
    }
    const QModelIndex row = m_events->index(index, 0);
    if (selection->currentIndex().row() != index || !selection->isRowSelected(index)) {
        selection->setCurrentIndex(row,
                                   QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
    m_table->scrollTo(row, QAbstractItemView::EnsureVisible);
}

void CallView::resizeColumns()
{
    QHeaderView *header = m_table->horizontalHeader();
    for (const int column : { EventTableModel::TimeColumn, EventTableModel::OffsetColumn,
                              EventTableModel::ParticipantColumn, EventTableModel::EventColumn,
                              EventTableModel::LegColumn }) {
        m_table->resizeColumnToContents(column);
        // A very long channel name or sentence must not push the details out of sight.
        header->resizeSection(column, qMin(header->sectionSize(column), 320));
    }
}

std::optional<RecordingEvidence> CallView::evidenceSpan() const
{
    const Call &call = m_timeline->call();
    const QString playing = m_controller ? m_controller->currentRecordingId() : QString();
    const TimelineView::Span span = m_timeline->selectedSpan();
    if (span.isValid()) {
        if (auto evidence = EscalationEvidenceSpan::forSpan(call, span.start, span.end, playing))
            return evidence;
    }
    if (m_controller && !playing.isEmpty()
        && m_controller->state() != PlaybackController::State::Idle)
        return EscalationEvidenceSpan::aroundPosition(call, m_controller->position(), playing);
    return std::nullopt;
}

QList<EventEvidence> CallView::pickedEvents() const
{
    const Call &call = m_timeline->call();
    QList<int> rows;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        rows.append(index.row());
    if (rows.isEmpty() && m_timeline->currentEvent() >= 0)
        rows.append(m_timeline->currentEvent());
    std::sort(rows.begin(), rows.end());
    QList<EventEvidence> events;
    for (int row : std::as_const(rows)) {
        if (row < 0 || row >= call.events.size())
            continue;
        const CallEvent &event = call.events.at(row);
        const EventEvidence evidence { toString(event.type), event.time, event.legId };
        if (!events.contains(evidence))
            events.append(evidence);
    }
    return events;
}

void CallView::setEscalationLines(const QList<std::pair<QString, QString>> &lines,
                                  const QString &note)
{
    m_escalationList->clear();
    for (const auto &[text, toolTip] : lines) {
        auto *item = new QListWidgetItem(text, m_escalationList);
        item->setToolTip(toolTip);
    }
    // As tall as its lines, up to three (it scrolls beyond): the events table needs the room.
    const int rows = int(qBound(qsizetype(1), lines.size(), qsizetype(3)));
    const int rowHeight = qMax(m_escalationList->sizeHintForRow(0), fontMetrics().height());
    m_escalationList->setFixedHeight(rows * rowHeight + 2 * m_escalationList->frameWidth() + 2);
    m_escalationList->setVisible(!lines.isEmpty());
    // No list when there is nothing to list: one line says so, with the offline age if any.
    const QString text = lines.isEmpty()
        ? (note.isEmpty() ? tr("None yet.") : tr("None yet. %1").arg(note))
        : note;
    m_escalationNote->setText(text);
    m_escalationNote->setVisible(!text.isEmpty());
}
