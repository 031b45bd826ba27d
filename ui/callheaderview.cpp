#include "callheaderview.h"

#include "callcolors.h"
#include "calltext.h"
#include "icons.h"
#include "timetext.h"

#include <QClipboard>
#include <QEvent>
#include <QFontDatabase>
#include <QGridLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QToolTip>

namespace {

QString listText(const QStringList &items)
{
    return items.isEmpty() ? CallHeaderView::tr("none") : items.join(QStringLiteral(", "));
}

} // namespace

CallHeaderView::CallHeaderView(QWidget *parent)
    : QWidget(parent)
    , m_crnLabel(new QLabel(this))
    , m_copy(new QToolButton(this))
    , m_outcome(new QLabel(this))
{
    m_crnLabel->setObjectName(QStringLiteral("crn"));
    QFont crnFont = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    crnFont.setPointSizeF(font().pointSizeF() * 1.7);
    crnFont.setBold(true);
    m_crnLabel->setFont(crnFont);
    m_crnLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_crnLabel->setTextFormat(Qt::PlainText);

    // Icon-only, so it says what it does to screen readers and on hover.
    m_copy->setObjectName(QStringLiteral("copyCrn"));
    m_copy->setAutoRaise(true);
    m_copy->setAccessibleName(tr("Copy CRN"));
    m_copy->setToolTip(tr("Copy the CRN to the clipboard"));
    m_copy->setIconSize(QSize(20, 20));
    connect(m_copy, &QToolButton::clicked, this, &CallHeaderView::copyCrn);

    m_outcome->setObjectName(QStringLiteral("outcome"));
    m_outcome->setTextFormat(Qt::PlainText);

    auto *title = new QHBoxLayout;
    title->setSpacing(8);
    title->addWidget(m_crnLabel);
    title->addWidget(m_copy);
    title->addSpacing(8);
    title->addWidget(m_outcome, 0, Qt::AlignVCenter);
    title->addStretch(1);

    auto *grid = new QGridLayout;
    grid->setHorizontalSpacing(10);
    grid->setVerticalSpacing(3);
    m_start = addField(grid, 0, 0, tr("Start"), QStringLiteral("start"));
    m_end = addField(grid, 1, 0, tr("End"), QStringLiteral("end"));
    m_duration = addField(grid, 2, 0, tr("Duration"), QStringLiteral("duration"));
    m_endedBy = addField(grid, 3, 0, tr("Ended by"), QStringLiteral("endedBy"));
    m_direction = addField(grid, 0, 1, tr("Direction"), QStringLiteral("direction"));
    m_caller = addField(grid, 1, 1, tr("Caller"), QStringLiteral("caller"));
    m_dialed = addField(grid, 2, 1, tr("Dialed"), QStringLiteral("dialed"));
    m_queues = addField(grid, 0, 2, tr("Queues"), QStringLiteral("queues"));
    m_agents = addField(grid, 1, 2, tr("Agents"), QStringLiteral("agents"));
    m_flags = addField(grid, 2, 2, tr("Data checks"), QStringLiteral("flags"));
    grid->setColumnStretch(1, 2);
    grid->setColumnStretch(3, 2);
    grid->setColumnStretch(5, 3);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(6);
    layout->addLayout(title);
    layout->addLayout(grid);

    updateCopyIcon();
    clear();
}

QLabel *CallHeaderView::addField(QGridLayout *grid, int row, int column, const QString &title,
                                 const QString &objectName)
{
    auto *name = new QLabel(title, this);
    QPalette muted = name->palette();
    QColor color = muted.color(QPalette::WindowText);
    color.setAlphaF(0.65f);
    muted.setColor(QPalette::WindowText, color);
    name->setPalette(muted);

    auto *value = new QLabel(this);
    value->setObjectName(objectName);
    value->setTextFormat(Qt::PlainText);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    name->setBuddy(value);

    grid->addWidget(name, row, column * 2, Qt::AlignLeft | Qt::AlignTop);
    grid->addWidget(value, row, column * 2 + 1, Qt::AlignLeft | Qt::AlignTop);
    return value;
}

void CallHeaderView::setCall(const Call &call)
{
    const CallSummary &summary = call.summary;
    m_crn = summary.crn;

    // A CRN longer than any real one must not stretch the window; the whole text stays in the
    // tooltip and in what the copy button copies.
    constexpr qsizetype kMaxCrnCharacters = 80;
    m_crnLabel->setText(summary.crn.size() <= kMaxCrnCharacters
                            ? summary.crn
                            : summary.crn.left(kMaxCrnCharacters - 1) + u'…');
    QStringList tip { summary.crn };
    if (!call.sources.isEmpty())
        tip.append(tr("Built from: %1").arg(call.sources.join(QStringLiteral(", "))));
    m_crnLabel->setToolTip(tip.join(u'\n'));
    m_copy->setEnabled(!summary.crn.isEmpty());

    const QColor chip = CallColors::outcome(summary.outcome);
    const QColor chipText = CallColors::textOn(chip);
    m_outcome->setText(CallText::outcomeName(summary.outcome));
    m_outcome->setStyleSheet(
        QStringLiteral("QLabel { background-color: %1; color: %2; border-radius: 10px;"
                       " padding: 2px 10px; font-weight: bold; }")
            .arg(chip.name(), chipText.name()));
    m_outcome->setVisible(true);

    m_start->setText(TimeText::localDateTime(summary.start));
    m_start->setToolTip(TimeText::utc(summary.start));
    // The end on the start's day needs no date again.
    const bool sameDay = summary.start.isValid() && summary.end.isValid()
        && summary.start.toDateTime().toLocalTime().date()
            == summary.end.toDateTime().toLocalTime().date();
    m_end->setText(sameDay ? TimeText::localTime(summary.end)
                           : TimeText::localDateTime(summary.end));
    m_end->setToolTip(TimeText::utc(summary.end));
    m_duration->setText(summary.end.isValid() ? TimeText::duration(summary.durationMicroseconds())
                                              : tr("still running or unknown"));
    m_duration->setToolTip(tr("%1 microseconds").arg(summary.durationMicroseconds()));

    m_direction->setText(CallText::directionName(summary.direction));
    m_caller->setText(CallText::caller(summary));
    m_dialed->setText(summary.dialed.isEmpty() ? tr("unknown") : summary.dialed);
    m_queues->setText(listText(summary.queues));
    m_agents->setText(listText(summary.agents));
    const QString endedBy = CallText::endedBy(call);
    m_endedBy->setText(endedBy.isEmpty() ? tr("not in the records") : endedBy);

    const int flagCount = qMax(int(call.flags.size()), summary.flagCount);
    if (flagCount == 0) {
        m_flags->setText(tr("no problems found"));
        m_flags->setToolTip({});
    } else {
        m_flags->setText(tr("⚠ %n problem(s) in the records", "", flagCount));
        QStringList lines;
        for (const CallFlag &flag : call.flags)
            lines.append(u"• " + (flag.message.isEmpty() ? flag.code : flag.message));
        m_flags->setToolTip(lines.join(u'\n'));
    }
}

void CallHeaderView::clear()
{
    m_crn.clear();
    m_crnLabel->clear();
    m_copy->setEnabled(false);
    m_outcome->setVisible(false);
    for (QLabel *label : { m_start, m_end, m_duration, m_endedBy, m_direction, m_caller, m_dialed,
                           m_queues, m_agents, m_flags }) {
        label->clear();
        label->setToolTip({});
    }
}

void CallHeaderView::copyCrn()
{
    if (m_crn.isEmpty())
        return;
    QGuiApplication::clipboard()->setText(m_crn);
    QToolTip::showText(m_copy->mapToGlobal(QPoint(0, m_copy->height())), tr("CRN copied"), m_copy);
    Q_EMIT crnCopied(m_crn);
}

void CallHeaderView::updateCopyIcon()
{
    m_copy->setIcon(Icons::copy(palette().color(QPalette::ButtonText)));
}

void CallHeaderView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        updateCopyIcon();
    QWidget::changeEvent(event);
}
