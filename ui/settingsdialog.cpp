#include "settingsdialog.h"

#include "logging.h"
#include "lookup/calllookup.h"
#include "media/recordingdownloads.h"
#include "settings/consolesettings.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>

namespace {

const QString kCapKey = u"recordings/cacheCapBytes"_qs;
constexpr double kBytesPerGigabyte = 1024.0 * 1024.0 * 1024.0;
// Below this a single long recording would not fit; above it few disks would.
constexpr double kMinGigabytes = 0.1;
constexpr double kMaxGigabytes = 1000.0;

} // namespace

SettingsDialog::SettingsDialog(RecordingDownloads *downloads, QWidget *parent)
    : SettingsDialog(downloads, nullptr, nullptr, parent)
{ }

SettingsDialog::SettingsDialog(RecordingDownloads *downloads, ConsoleSettings *settings,
                               CallLookup *lookup, QWidget *parent)
    : QDialog(parent)
    , m_downloads(downloads)
    , m_settings(settings)
    , m_lookup(lookup)
    , m_cap(new QDoubleSpinBox(this))
    , m_clear(new QPushButton(tr("Clear recordings cache"), this))
    , m_cleared(new QLabel(this))
{
    setWindowTitle(tr("Settings"));

    m_cap->setObjectName(u"cacheCap"_qs);
    m_cap->setRange(kMinGigabytes, kMaxGigabytes);
    m_cap->setDecimals(1);
    m_cap->setSingleStep(0.5);
    m_cap->setSuffix(tr(" GB"));
    m_cap->setValue(double(recordingsCacheCapBytes()) / kBytesPerGigabyte);
    m_cap->setToolTip(tr("When the downloaded recordings take more than this, the ones played "
                         "longest ago are deleted first."));

    m_clear->setObjectName(u"clearCache"_qs);
    m_clear->setEnabled(downloads != nullptr);
    m_clear->setToolTip(tr("Delete every downloaded recording now, except the one playing"));
    m_cleared->setObjectName(u"cacheCleared"_qs);

    auto *form = new QFormLayout;
    form->addRow(tr("Recordings cache limit:"), m_cap);
    if (downloads) {
        auto *folder = new QLabel(QDir::toNativeSeparators(downloads->cacheFolder()), this);
        folder->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form->addRow(tr("Cache folder:"), folder);
    }
    form->addRow(QString(), m_clear);
    form->addRow(QString(), m_cleared);
    if (settings)
        addCallSettings(form);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);

    connect(m_clear, &QPushButton::clicked, this, [this] {
        if (!m_downloads)
            return;
        m_downloads->clear();
        qCInfo(lcUi) << "recordings cache cleared";
        m_cleared->setText(tr("The downloaded recordings were deleted."));
    });

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addStretch(1);
    layout->addWidget(buttons);
}

void SettingsDialog::addCallSettings(QFormLayout *form)
{
    m_callCacheMegabytes = new QSpinBox(this);
    m_callCacheMegabytes->setObjectName(u"callCacheMegabytes"_qs);
    m_callCacheMegabytes->setRange(ConsoleSettings::kMinCacheMaxMegabytes,
                                   ConsoleSettings::kMaxCacheMaxMegabytes);
    m_callCacheMegabytes->setSuffix(tr(" MB"));
    m_callCacheMegabytes->setValue(m_settings->cacheMaxMegabytes());
    m_callCacheMegabytes->setToolTip(tr("Calls kept for when the server is slow or down; the "
                                        "ones opened longest ago leave first."));

    m_callCacheDays = new QSpinBox(this);
    m_callCacheDays->setObjectName(u"callCacheDays"_qs);
    m_callCacheDays->setRange(ConsoleSettings::kMinCacheMaxAgeDays,
                              ConsoleSettings::kMaxCacheMaxAgeDays);
    m_callCacheDays->setSuffix(tr(" days"));
    m_callCacheDays->setValue(m_settings->cacheMaxAgeDays());

    m_clearCalls = new QPushButton(tr("Clear call cache"), this);
    m_clearCalls->setObjectName(u"clearCallCache"_qs);
    m_clearCalls->setEnabled(m_lookup != nullptr);
    m_callsCleared = new QLabel(this);
    m_callsCleared->setObjectName(u"callCacheCleared"_qs);
    if (m_lookup) {
        connect(m_clearCalls, &QPushButton::clicked, m_lookup, &CallLookup::clearCache);
        connect(m_lookup, &CallLookup::cacheCleared, this,
                [this] { m_callsCleared->setText(tr("The cached calls were deleted.")); });
        connect(m_lookup, &CallLookup::cacheProblem, this,
                [this](const QString &sentence) { m_callsCleared->setText(sentence); });
    }

    m_timeoutSeconds = new QSpinBox(this);
    m_timeoutSeconds->setObjectName(u"timeoutSeconds"_qs);
    m_timeoutSeconds->setRange(ConsoleSettings::kMinTimeoutSeconds,
                               ConsoleSettings::kMaxTimeoutSeconds);
    m_timeoutSeconds->setSuffix(tr(" s"));
    m_timeoutSeconds->setValue(m_settings->networkTimeoutSeconds());
    m_timeoutSeconds->setToolTip(tr("A server that does not answer within this time is given "
                                    "up on, and the cached copy is shown."));

    m_forceHttp1 = new QCheckBox(tr("Use HTTP/1.1 only"), this);
    m_forceHttp1->setObjectName(u"forceHttp1"_qs);
    m_forceHttp1->setChecked(m_settings->forceHttp1());
    m_forceHttp1->setToolTip(tr("For proxies that mishandle HTTP/2."));

    form->addRow(tr("Call cache limit:"), m_callCacheMegabytes);
    form->addRow(tr("Forget calls not opened for:"), m_callCacheDays);
    form->addRow(QString(), m_clearCalls);
    form->addRow(QString(), m_callsCleared);
    form->addRow(tr("Server time-out:"), m_timeoutSeconds);
    form->addRow(QString(), m_forceHttp1);
}

qint64 SettingsDialog::recordingsCacheCapBytes()
{
    const qint64 stored
        = QSettings().value(kCapKey, RecordingDownloads::kDefaultCapBytes).toLongLong();
    return stored > 0 ? stored : RecordingDownloads::kDefaultCapBytes;
}

void SettingsDialog::setRecordingsCacheCapBytes(qint64 bytes)
{
    QSettings().setValue(kCapKey, bytes);
}

void SettingsDialog::accept()
{
    const auto bytes = qint64(std::llround(m_cap->value() * kBytesPerGigabyte));
    setRecordingsCacheCapBytes(bytes);
    if (m_downloads)
        m_downloads->setCapBytes(bytes);
    if (m_settings) {
        m_settings->setCacheMaxMegabytes(m_callCacheMegabytes->value());
        m_settings->setCacheMaxAgeDays(m_callCacheDays->value());
        m_settings->setNetworkTimeoutSeconds(m_timeoutSeconds->value());
        m_settings->setForceHttp1(m_forceHttp1->isChecked());
    }
    QDialog::accept();
}
