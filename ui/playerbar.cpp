#include "playerbar.h"

#include "callcolors.h"
#include "logging.h"
#include "recordingtext.h"
#include "settings/settingswriter.h"
#include "timetext.h"
#include "wavexport.h"

#include <QAbstractSlider>
#include <QAction>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QProgressBar>
#include <QSettings>
#include <QSlider>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace {

constexpr qint64 kUsPerMs = 1000;
constexpr int kGapNoteMs = 5000;
constexpr qint64 kMaxMs = std::numeric_limits<int>::max();
constexpr std::array kRates { 0.5, 0.75, 1.0, 1.25, 1.5, 2.0 };
constexpr QRgb kAudio = 0xff1f4e79;
constexpr QRgb kProblem = 0xffc0392b;

const QString kVolumeKey = u"player/volume"_qs;
const QString kRateKey = u"player/rate"_qs;

// The seek bar: the whole call on one line, in milliseconds since its start, with the spans
// that were recorded drawn solid, those that were not hatched, and bad recordings in red. A
// click or a drag moves the handle; the seek is asked for when the mouse is released.
class SeekBar : public QAbstractSlider
{
public:
    struct Span
    {
        qint64 fromMs;
        qint64 toMs;
        bool problem;
    };

    explicit SeekBar(QWidget *parent)
        : QAbstractSlider(parent)
    {
        setOrientation(Qt::Horizontal);
        setTracking(false);
        setFocusPolicy(Qt::StrongFocus);
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        setSingleStep(5000);
        setPageStep(15000);
    }

    void setSpans(const QList<Span> &spans)
    {
        m_spans = spans;
        update();
    }

    QSize sizeHint() const override { return QSize(320, fontMetrics().height() + 10); }
    QSize minimumSizeHint() const override { return QSize(80, fontMetrics().height() + 10); }

    QRectF groove() const
    {
        const qreal height = 10;
        return QRectF(kHandleRoom, (this->height() - height) / 2.0, width() - 2 * kHandleRoom,
                      height);
    }

    qreal xForValue(qint64 ms) const
    {
        const QRectF track = groove();
        const qint64 span = qMax(1, maximum() - minimum());
        return track.left() + track.width() * double(ms - minimum()) / double(span);
    }

    int valueForX(qreal x) const
    {
        const QRectF track = groove();
        const double fraction = std::clamp((x - track.left()) / track.width(), 0.0, 1.0);
        return minimum() + int(std::lround(fraction * (maximum() - minimum())));
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter painter(this);
        painter.setRenderHint(QPainter::Antialiasing, true);
        const QRectF track = groove();
        const QColor ink = palette().color(QPalette::WindowText);
        const bool enabled = isEnabled();

        // Under everything, the hatch of "not recorded": recordings are painted over it.
        QColor hatch = ink;
        hatch.setAlphaF(enabled ? 0.35f : 0.2f);
        painter.setPen(QPen(hatch, 1));
        painter.setBrush(palette().color(QPalette::Base));
        painter.drawRoundedRect(track, 3, 3);
        painter.setPen(Qt::NoPen);
        painter.setBrush(QBrush(hatch, Qt::BDiagPattern));
        painter.drawRoundedRect(track, 3, 3);

        const QColor audio = QColor::fromRgb(kAudio);
        const QColor problem = QColor::fromRgb(kProblem);
        const qreal played = xForValue(sliderPosition());
        for (const Span &span : std::as_const(m_spans)) {
            const qreal left = xForValue(span.fromMs);
            const qreal right = qMax(xForValue(span.toMs), left + 3);
            const QRectF box(left, track.top(), right - left, track.height());
            const QColor color = span.problem ? problem : audio;
            painter.setBrush(enabled ? CallColors::tint(palette(), color, 0.35)
                                     : palette().color(QPalette::Button));
            painter.drawRect(box);
            // What has been played of it, darker.
            if (enabled && played > left) {
                painter.setBrush(color);
                painter.drawRect(QRectF(left, box.top(), qMin(played, right) - left, box.height()));
            }
            if (span.problem) {
                painter.setBrush(QBrush(problem.darker(130), Qt::DiagCrossPattern));
                painter.drawRect(box);
            }
        }

        if (!enabled)
            return;
        const QColor paper = palette().color(QPalette::Base);
        painter.setPen(QPen(paper, 1.5));
        painter.setBrush(ink);
        painter.drawEllipse(QPointF(played, track.center().y()), 6.5, 6.5);
        if (hasFocus()) {
            painter.setPen(QPen(palette().color(QPalette::Highlight), 2));
            painter.setBrush(Qt::NoBrush);
            painter.drawEllipse(QPointF(played, track.center().y()), 9, 9);
        }
    }

    void mousePressEvent(QMouseEvent *event) override
    {
        if (event->button() != Qt::LeftButton || maximum() <= minimum()) {
            event->ignore();
            return;
        }
        setSliderDown(true);
        setSliderPosition(valueForX(event->position().x()));
        event->accept();
    }

    void mouseMoveEvent(QMouseEvent *event) override
    {
        if (!isSliderDown()) {
            event->ignore();
            return;
        }
        setSliderPosition(valueForX(event->position().x()));
        event->accept();
    }

    void mouseReleaseEvent(QMouseEvent *event) override
    {
        if (event->button() != Qt::LeftButton || !isSliderDown()) {
            event->ignore();
            return;
        }
        setSliderPosition(valueForX(event->position().x()));
        setSliderDown(false);
        event->accept();
    }

    void sliderChange(SliderChange change) override
    {
        QAbstractSlider::sliderChange(change);
        update();
    }

private:
    static constexpr int kHandleRoom = 8;
    QList<Span> m_spans;
};

SeekBar *seekBarOf(QWidget *widget)
{
    return static_cast<SeekBar *>(widget);
}

QString rateText(double rate)
{
    return PlayerBar::tr("%1×", "playback speed").arg(QLocale().toString(rate, 'g', 3));
}

QToolButton *toolButton(QAction *action, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setDefaultAction(action);
    button->setAutoRaise(true);
    button->setFocusPolicy(Qt::TabFocus);
    return button;
}

// "Play (Space)": the tooltip names the key, as the brief of every icon button asks.
QString withKey(const QString &text, const QKeySequence &key)
{
    return PlayerBar::tr("%1 (%2)", "a button's tooltip and its shortcut")
        .arg(text, key.toString(QKeySequence::NativeText));
}

} // namespace

PlayerBar::PlayerBar(QWidget *parent)
    : QWidget(parent)
{
    setAccessibleName(tr("Player"));
    createActions();
    buildLayout();
    restoreSettings();

    m_gapNoteTimer.setSingleShot(true);
    m_gapNoteTimer.setInterval(kGapNoteMs);
    connect(&m_gapNoteTimer, &QTimer::timeout, this, [this] {
        m_gapNote.clear();
        updateStatus();
    });

    setCall(Call {});
}

PlayerBar::~PlayerBar() = default;

void PlayerBar::createActions()
{
    const auto action
        = [this](const QString &text, QStyle::StandardPixmap icon, const QKeySequence &key) {
              auto *result = new QAction(style()->standardIcon(icon), text, this);
              result->setShortcut(key);
              // The whole window, not just the bar: the supervisor's eyes are on the timeline.
              result->setShortcutContext(Qt::WindowShortcut);
              result->setToolTip(withKey(text, key));
              addAction(result);
              return result;
          };
    m_play = action(tr("Play"), QStyle::SP_MediaPlay, QKeySequence(Qt::Key_Space));
    m_play->setObjectName(u"play"_qs);
    m_back = action(tr("Back 5 s"), QStyle::SP_MediaSeekBackward, QKeySequence(Qt::Key_Left));
    m_back->setObjectName(u"back"_qs);
    m_forward = action(tr("Forward 5 s"), QStyle::SP_MediaSeekForward, QKeySequence(Qt::Key_Right));
    m_forward->setObjectName(u"forward"_qs);
    m_start = action(tr("Go to the first recorded moment"), QStyle::SP_MediaSkipBackward,
                     QKeySequence(Qt::Key_Home));
    m_start->setObjectName(u"start"_qs);
    m_end = action(tr("Go to the end of the recordings"), QStyle::SP_MediaSkipForward,
                   QKeySequence(Qt::Key_End));
    m_end->setObjectName(u"end"_qs);

    m_download
        = new QAction(style()->standardIcon(QStyle::SP_DialogSaveButton), tr("Download…"), this);
    m_download->setObjectName(u"download"_qs);
    m_download->setToolTip(tr("Save a copy of the original recording file"));
    m_export = new QAction(tr("Export WAV…"), this);
    m_export->setObjectName(u"exportWav"_qs);

    connect(m_play, &QAction::triggered, this, [this] {
        if (m_controller)
            m_controller->togglePlay();
    });
    connect(m_back, &QAction::triggered, this, [this] {
        if (m_controller)
            m_controller->skip(-PlaybackController::kSkipUs);
    });
    connect(m_forward, &QAction::triggered, this, [this] {
        if (m_controller)
            m_controller->skip(PlaybackController::kSkipUs);
    });
    connect(m_start, &QAction::triggered, this, [this] {
        if (m_controller)
            m_controller->seekToStart();
    });
    connect(m_end, &QAction::triggered, this, [this] {
        if (m_controller)
            m_controller->seekToEnd();
    });
    connect(m_download, &QAction::triggered, this, [this] {
        if (!targetRecordingId().isEmpty())
            Q_EMIT downloadRequested(targetRecordingId());
    });
    connect(m_export, &QAction::triggered, this, &PlayerBar::requestExport);
}

void PlayerBar::buildLayout()
{
    m_backButton = toolButton(m_back, this);
    // "Back 5 s" in words beside the icon: the step is not something to guess.
    m_backButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_backButton->setAccessibleName(m_back->text());
    m_playButton = toolButton(m_play, this);
    m_playButton->setObjectName(u"playButton"_qs);
    m_playButton->setIconSize(QSize(24, 24));
    m_playButton->setAccessibleName(m_play->text());
    m_forwardButton = toolButton(m_forward, this);
    m_forwardButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_forwardButton->setLayoutDirection(Qt::RightToLeft);
    m_forwardButton->setAccessibleName(m_forward->text());

    auto *seek = new SeekBar(this);
    seek->setObjectName(u"seekBar"_qs);
    seek->setAccessibleName(tr("Position in the call"));
    seek->setToolTip(tr("The whole call: solid where it was recorded, hatched where it was "
                        "not. Click or drag to move; Page Up and Page Down skip 15 s."));
    m_seek = seek;
    connect(seek, &QAbstractSlider::actionTriggered, this, [this, seek] {
        // While the handle is dragged nothing is asked; the release asks once.
        if (seek->isSliderDown() || !m_controller || !callStart().isValid())
            return;
        m_controller->seek(callStart().addMicroseconds(qint64(seek->sliderPosition()) * kUsPerMs));
    });

    m_time = new QLabel(this);
    m_time->setObjectName(u"time"_qs);
    // Room for the widest time, so that the seek bar does not twitch as the digits change.
    m_time->setMinimumWidth(m_time->fontMetrics().horizontalAdvance(u"00:00 / 00:00"_qs) + 4);
    m_time->setAlignment(Qt::AlignCenter);
    m_time->setToolTip(tr("Time since the call started, and how long the call lasted"));

    m_speed = new QComboBox(this);
    m_speed->setObjectName(u"speed"_qs);
    m_speed->setAccessibleName(tr("Playback speed"));
    m_speed->setToolTip(tr("Playback speed"));
    m_speed->setFocusPolicy(Qt::TabFocus);
    for (const double rate : kRates)
        m_speed->addItem(rateText(rate), rate);
    m_speed->setCurrentIndex(2);
    connect(m_speed, &QComboBox::currentIndexChanged, this, [this] {
        const double rate = m_speed->currentData().toDouble();
        SettingsWriter::setValue(kRateKey, rate);
        if (m_controller)
            m_controller->setRate(rate);
    });

    m_mute = new QToolButton(this);
    m_mute->setObjectName(u"mute"_qs);
    m_mute->setAutoRaise(true);
    m_mute->setCheckable(true);
    m_mute->setFocusPolicy(Qt::TabFocus);
    m_mute->setIcon(style()->standardIcon(QStyle::SP_MediaVolume));
    m_mute->setAccessibleName(tr("Mute"));
    m_mute->setToolTip(tr("Mute"));
    m_volume = new QSlider(Qt::Horizontal, this);
    m_volume->setObjectName(u"volume"_qs);
    m_volume->setRange(0, 100);
    m_volume->setValue(100);
    m_volume->setFixedWidth(90);
    m_volume->setFocusPolicy(Qt::TabFocus);
    m_volume->setAccessibleName(tr("Volume"));
    m_volume->setToolTip(tr("Volume"));
    const auto applyVolume = [this] {
        const float volume = m_mute->isChecked() ? 0.0f : float(m_volume->value()) / 100.0f;
        m_mute->setIcon(style()->standardIcon(m_mute->isChecked() || m_volume->value() == 0
                                                  ? QStyle::SP_MediaVolumeMuted
                                                  : QStyle::SP_MediaVolume));
        if (m_controller)
            m_controller->setVolume(volume);
    };
    connect(m_volume, &QSlider::valueChanged, this, [applyVolume](int value) {
        SettingsWriter::setValue(kVolumeKey, value);
        applyVolume();
    });
    connect(m_mute, &QToolButton::toggled, this, applyVolume);

    m_name = new QLabel(this);
    m_name->setObjectName(u"recordingName"_qs);
    QFont bold = m_name->font();
    bold.setBold(true);
    m_name->setFont(bold);
    m_name->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status = new QLabel(this);
    m_status->setObjectName(u"playerStatus"_qs);
    m_status->setWordWrap(true);
    m_status->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(u"downloadProgress"_qs);
    m_progress->setAccessibleName(tr("Download of the recording"));
    m_progress->setFixedWidth(160);
    m_progress->setTextVisible(true);
    m_progress->hide();
    m_downloadButton = toolButton(m_download, this);
    m_downloadButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_exportButton = toolButton(m_export, this);
    m_exportButton->setToolButtonStyle(Qt::ToolButtonTextOnly);

    auto *controls = new QHBoxLayout;
    controls->setSpacing(4);
    controls->addWidget(m_backButton);
    controls->addWidget(m_playButton);
    controls->addWidget(m_forwardButton);
    controls->addSpacing(6);
    controls->addWidget(m_time);
    controls->addSpacing(6);
    controls->addWidget(m_seek, 1);
    controls->addSpacing(6);
    controls->addWidget(m_speed);
    controls->addWidget(m_mute);
    controls->addWidget(m_volume);

    auto *status = new QHBoxLayout;
    status->setSpacing(8);
    status->addWidget(m_name);
    status->addWidget(m_status, 1);
    status->addWidget(m_progress);
    status->addWidget(m_downloadButton);
    status->addWidget(m_exportButton);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->setSpacing(2);
    layout->addLayout(controls);
    layout->addLayout(status);
}

void PlayerBar::restoreSettings()
{
    const QSettings settings;
    m_volume->setValue(std::clamp(settings.value(kVolumeKey, 100).toInt(), 0, 100));
    const double rate = settings.value(kRateKey, 1.0).toDouble();
    for (int i = 0; i < m_speed->count(); ++i) {
        if (qFuzzyCompare(m_speed->itemData(i).toDouble(), rate))
            m_speed->setCurrentIndex(i);
    }
}

QAbstractSlider *PlayerBar::seekBar() const
{
    return seekBarOf(m_seek);
}

void PlayerBar::setController(PlaybackController *controller)
{
    for (const QMetaObject::Connection &connection : std::as_const(m_connections))
        disconnect(connection);
    m_connections.clear();
    m_controller = controller;

    if (controller) {
        m_connections = {
            connect(controller, &PlaybackController::positionChanged, this, &PlayerBar::updateTime),
            connect(controller, &PlaybackController::stateChanged, this,
                    &PlayerBar::onStateChanged),
            connect(controller, &PlaybackController::currentRecordingChanged, this,
                    &PlayerBar::updateStatus),
            connect(controller, &PlaybackController::problemChanged, this,
                    &PlayerBar::updateStatus),
            connect(controller, &PlaybackController::gapSkipped, this, &PlayerBar::onGapSkipped),
            connect(controller, &PlaybackController::playlistChanged, this,
                    &PlayerBar::updateCoverage),
            connect(controller, &PlaybackController::rateChanged, this,
                    [this](double rate) {
                        for (int i = 0; i < m_speed->count(); ++i) {
                            if (qFuzzyCompare(m_speed->itemData(i).toDouble(), rate))
                                m_speed->setCurrentIndex(i);
                        }
                    }),
        };
        controller->setRate(m_speed->currentData().toDouble());
        controller->setVolume(m_mute->isChecked() ? 0.0f : float(m_volume->value()) / 100.0f);
    }
    updateEnabled();
    updatePlayAction();
    updateTime();
    updateStatus();
}

void PlayerBar::setCall(const Call &call)
{
    const bool sameCall = call.crn() == m_call.crn();
    m_call = call;
    if (!sameCall) {
        m_spanStart = {};
        m_spanEnd = {};
        m_downloading.clear();
        m_downloadProblems.clear();
        m_note.clear();
        m_noteIsProblem = false;
        m_gapNote.clear();
        m_progress->hide();
    }

    const qint64 lengthMs = callEnd().isValid() && callStart().isValid()
        ? (callEnd() - callStart() + kUsPerMs - 1) / kUsPerMs
        : 0;
    seekBarOf(m_seek)->setRange(0, int(std::min<qint64>(lengthMs, kMaxMs)));
    updateCoverage();
    updateEnabled();
    updatePlayAction();
    updateTime();
    updateStatus();
}

Timestamp PlayerBar::callStart() const
{
    if (m_call.summary.start.isValid())
        return m_call.summary.start;
    Timestamp first;
    for (const Recording &recording : m_call.recordings) {
        if (recording.start.isValid() && (!first.isValid() || recording.start < first))
            first = recording.start;
    }
    return first;
}

Timestamp PlayerBar::callEnd() const
{
    Timestamp last = m_call.summary.end;
    // A recording that runs past the records' end still fits on the bar.
    for (const Recording &recording : m_call.recordings) {
        if (recording.start.isValid() && (!last.isValid() || recording.end() > last))
            last = recording.end();
    }
    return last;
}

const Recording *PlayerBar::recording(const QString &id) const
{
    for (const Recording &recording : m_call.recordings) {
        if (recording.id == id)
            return &recording;
    }
    return nullptr;
}

QString PlayerBar::targetRecordingId() const
{
    if (m_controller && !m_controller->currentRecordingId().isEmpty()
        && recording(m_controller->currentRecordingId()))
        return m_controller->currentRecordingId();
    // Before anything plays, the first recording of the call, in time order.
    const Recording *first = nullptr;
    for (const Recording &recording : m_call.recordings) {
        if (!first || (recording.start.isValid() && recording.start < first->start))
            first = &recording;
    }
    return first ? first->id : QString();
}

void PlayerBar::setSelectedSpan(Timestamp start, Timestamp end)
{
    if (start.isValid() && end.isValid() && start < end) {
        m_spanStart = start;
        m_spanEnd = end;
    } else {
        m_spanStart = {};
        m_spanEnd = {};
    }
    updateEnabled();
}

void PlayerBar::updateCoverage()
{
    QList<SeekBar::Span> spans;
    const Timestamp zero = callStart();
    // Durations from the controller's playlist where it has probed a file.
    QHash<QString, qint64> probed;
    if (m_controller) {
        for (const PlaylistEntry &entry : m_controller->playlist())
            probed.insert(entry.recordingId, entry.durationUs);
    }
    for (const Recording &recording : std::as_const(m_call.recordings)) {
        if (!recording.start.isValid() || !zero.isValid())
            continue;
        const qint64 duration = probed.value(recording.id, recording.durationUs);
        const qint64 from = (recording.start - zero) / kUsPerMs;
        spans.append({ from, from + duration / kUsPerMs, RecordingText::hasProblem(recording) });
    }
    seekBarOf(m_seek)->setSpans(spans);
}

void PlayerBar::updateEnabled()
{
    const bool playable = m_controller && !m_call.recordings.isEmpty();
    for (QWidget *widget :
         std::initializer_list<QWidget *> { m_backButton, m_playButton, m_forwardButton, m_seek,
                                            m_time, m_speed, m_mute, m_volume })
        widget->setEnabled(playable);
    // The keys also live in the window's menu, where they must not reach a call that is not
    // on screen.
    for (QAction *action : { m_play, m_back, m_forward, m_start, m_end })
        action->setEnabled(playable && isVisible());

    const Recording *target = recording(targetRecordingId());
    const bool onServer = target && !target->hasFlag(u"recording_missing");
    m_download->setEnabled(m_controller && onServer);
    // Export decodes the audio, which needs a codec the console knows and samples to write.
    const bool decodable = onServer && RecordingText::isPlayable(*target) && target->durationUs > 0;
    m_export->setEnabled(m_controller && decodable);

    const bool span = m_spanStart.isValid();
    m_export->setText(span ? tr("Export span as WAV…") : tr("Export WAV…"));
    m_export->setToolTip(span ? tr("Save the span selected on the timeline as a WAV file")
                              : tr("Save the recording as a WAV file (Shift+drag on the "
                                   "recording lane selects a span)"));
    if (!decodable && target)
        m_export->setToolTip(tr("This recording cannot be converted to WAV here"));
}

void PlayerBar::updatePlayAction()
{
    using State = PlaybackController::State;
    const State state = m_controller ? m_controller->state() : State::Idle;
    // While a recording loads after Play, the button already offers Pause.
    const bool pauses = state == State::Playing || (state == State::Loading && m_expectPlaying);
    m_play->setText(pauses ? tr("Pause") : tr("Play"));
    m_play->setIcon(style()->standardIcon(pauses ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
    m_play->setToolTip(withKey(m_play->text(), m_play->shortcut()));
    m_playButton->setAccessibleName(m_play->text());
}

void PlayerBar::onStateChanged(PlaybackController::State state)
{
    using State = PlaybackController::State;
    if (state == State::Playing)
        m_expectPlaying = true;
    else if (state != State::Loading)
        m_expectPlaying = false;
    updatePlayAction();
    updateEnabled();
    updateStatus();
    updateTime();
}

void PlayerBar::onGapSkipped(Timestamp from, Timestamp to)
{
    const Timestamp zero = callStart();
    if (!zero.isValid())
        return;
    m_gapNote = tr("Not recorded from %1 to %2: playing on from %2.")
                    .arg(RecordingText::clock(from - zero), RecordingText::clock(to - zero));
    m_gapNoteTimer.start();
    updateStatus();
}

void PlayerBar::updateTime()
{
    const Timestamp zero = callStart();
    const qint64 length = callEnd().isValid() && zero.isValid() ? callEnd() - zero : 0;
    Timestamp position = m_controller ? m_controller->position() : Timestamp {};
    if (m_call.recordings.isEmpty() || !position.isValid() || !zero.isValid())
        position = zero;

    const qint64 elapsed = position.isValid() ? std::clamp<qint64>(position - zero, 0, length) : 0;
    m_time->setText(tr("%1 / %2", "elapsed / total")
                        .arg(RecordingText::clock(elapsed), RecordingText::clock(length)));
    m_time->setAccessibleName(
        tr("%1 of %2").arg(TimeText::duration(elapsed), TimeText::duration(length)));

    SeekBar *seek = seekBarOf(m_seek);
    if (!seek->isSliderDown())
        seek->setValue(int(elapsed / kUsPerMs));
}

QString PlayerBar::timeText() const
{
    return m_time->text();
}

void PlayerBar::updateStatus()
{
    if (m_call.recordings.isEmpty()) {
        m_name->clear();
        m_name->hide();
        m_status->setText(tr("No recording for this call"));
        m_status->setStyleSheet(QString());
        updateEnabled();
        return;
    }

    const QString id = targetRecordingId();
    const Recording *current = recording(id);
    const int count = int(m_call.recordings.size());
    QString name = current ? RecordingText::title(m_call, *current) : QString();
    if (count > 1 && current)
        name
            = tr("%1 (%2 of %3)").arg(name).arg(m_call.recordings.indexOf(*current) + 1).arg(count);
    m_name->setText(name);
    m_name->setVisible(!name.isEmpty());

    // The most pressing sentence wins: what the player found, a failed download, the import's
    // flags, then what was just skipped, then who can be heard.
    QString problem = m_controller ? m_controller->problem() : QString();
    if (problem.isEmpty())
        problem = m_downloadProblems.value(id);
    if (problem.isEmpty() && current)
        problem = RecordingText::problem(m_call, *current);
    if (m_noteIsProblem)
        problem = problem.isEmpty() ? m_note : problem + u"  "_qs + m_note;

    QString text;
    const bool warning = !problem.isEmpty();
    if (warning) {
        text = u"\u26a0 "_qs + problem;
        // What became of the supervisor's last action is said as well, after the problem.
        if (!m_note.isEmpty() && !m_noteIsProblem)
            text += u"  "_qs + m_note;
    } else if (!m_note.isEmpty()) {
        text = m_note;
    } else if (!m_gapNote.isEmpty()) {
        text = m_gapNote;
    } else if (m_controller && m_controller->state() == PlaybackController::State::Loading) {
        text = m_downloading == id && m_progress->isVisible() ? tr("Downloading…") : tr("Loading…");
    } else if (current) {
        const QString heard = RecordingText::heard(m_call, *current);
        text = heard.isEmpty() ? RecordingText::format(*current)
                               : tr("Heard: %1 · %2").arg(heard, RecordingText::format(*current));
    }
    m_status->setText(text);
    m_status->setStyleSheet(warning ? u"color: %1"_qs.arg(QColor::fromRgb(kProblem).name())
                                    : QString());
    updateEnabled();
}

QString PlayerBar::statusText() const
{
    return m_status->text();
}

void PlayerBar::showDownloadProgress(const QString &recordingId, qint64 received, qint64 total)
{
    if (!recording(recordingId))
        return;
    m_downloading = recordingId;
    m_downloadProblems.remove(recordingId);
    if (total > 0) {
        // In kilobytes, so that files past 2 GB still fit the bar's int.
        m_progress->setRange(0, int(total / 1024 + 1));
        m_progress->setValue(int(received / 1024));
        m_progress->setFormat(tr("Downloading %p%"));
    } else {
        m_progress->setRange(0, 0);
        m_progress->setFormat(tr("Downloading…"));
    }
    m_progress->setVisible(true);
    updateStatus();
}

void PlayerBar::showDownloadFinished(const QString &recordingId)
{
    m_downloadProblems.remove(recordingId);
    if (recordingId == m_downloading) {
        m_downloading.clear();
        m_progress->hide();
    }
    updateStatus();
}

void PlayerBar::showDownloadFailed(const QString &recordingId, const QString &sentence)
{
    if (!recording(recordingId))
        return;
    m_downloadProblems.insert(recordingId, sentence);
    if (recordingId == m_downloading) {
        m_downloading.clear();
        m_progress->hide();
    }
    updateStatus();
}

void PlayerBar::showNote(const QString &sentence, bool problem)
{
    m_note = sentence;
    m_noteIsProblem = problem && !sentence.isEmpty();
    updateStatus();
}

void PlayerBar::requestExport()
{
    const QString id = targetRecordingId();
    const Recording *target = recording(id);
    if (!target)
        return;
    if (!m_spanStart.isValid() || !target->start.isValid()) {
        Q_EMIT exportRequested(id, 0, WavExport::kToEnd);
        return;
    }

    // The span is cut from the recording that covers most of it, which need not be the one
    // that plays.
    const Recording *best = nullptr;
    qint64 bestOverlap = 0;
    for (const Recording &recording : std::as_const(m_call.recordings)) {
        if (!recording.start.isValid() || !RecordingText::isPlayable(recording))
            continue;
        const qint64 overlap
            = std::min(m_spanEnd, recording.end()) - std::max(m_spanStart, recording.start);
        if (overlap > bestOverlap) {
            bestOverlap = overlap;
            best = &recording;
        }
    }
    if (!best) {
        showNote(tr("No recording that can be converted covers the selected span."), true);
        return;
    }
    Q_EMIT exportRequested(best->id, std::max<qint64>(0, m_spanStart - best->start),
                           std::min(best->durationUs, m_spanEnd - best->start));
}

void PlayerBar::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    updateEnabled();
}

void PlayerBar::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    updateEnabled();
}

void PlayerBar::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::StyleChange || event->type() == QEvent::PaletteChange)
        updatePlayAction();
    QWidget::changeEvent(event);
}
