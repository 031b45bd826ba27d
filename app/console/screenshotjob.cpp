#include "screenshotjob.h"

#include "callview.h"
#include "logging.h"
#include "mainwindow.h"

#include <QCoreApplication>
#include <QPixmap>
#include <QTextStream>

namespace {

// Time for layouts to settle and the last paint to land before the grab.
constexpr int kSettleMs = 300;

} // namespace

ScreenshotJob::ScreenshotJob(MainWindow *window, const QString &filePath, QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_filePath(filePath)
{
    m_timeout.setSingleShot(true);
    m_timeout.setInterval(kTimeoutMs);
    connect(&m_timeout, &QTimer::timeout, this, [this] { grab(false); });
    m_timeout.start();

    m_waitForLive.setSingleShot(true);
    m_waitForLive.setInterval(kWaitForLiveMs);
    connect(&m_waitForLive, &QTimer::timeout, this, &ScreenshotJob::grabWhenMediaSettled);

    // Waveforms that take too long are left out rather than holding the picture back.
    m_waitForMedia.setSingleShot(true);
    m_waitForMedia.setInterval(kWaitForMediaMs);
    connect(&m_waitForMedia, &QTimer::timeout, this, [this] { grabSoon(true); });
    connect(window->callView(), &CallView::mediaSettled, this, [this] {
        if (m_waitForMedia.isActive()) {
            m_waitForMedia.stop();
            grabSoon(true);
        }
    });

    connect(window, &MainWindow::callShown, this,
            [this](const QString &, CallLookup::Freshness freshness) { onCallShown(freshness); });
}

void ScreenshotJob::onCallShown(CallLookup::Freshness freshness)
{
    if (freshness == CallLookup::Freshness::Cached) {
        if (!m_waitForLive.isActive())
            m_waitForLive.start();
        return;
    }
    m_waitForLive.stop();
    grabWhenMediaSettled();
}

void ScreenshotJob::grabWhenMediaSettled()
{
    if (m_window->callView()->isMediaSettled()) {
        grabSoon(true);
        return;
    }
    m_timeout.stop();
    m_waitForMedia.start();
}

void ScreenshotJob::grabSoon(bool callShown)
{
    m_timeout.stop();
    QTimer::singleShot(kSettleMs, this, [this, callShown] { grab(callShown); });
}

void ScreenshotJob::grab(bool callShown)
{
    if (m_done)
        return;
    m_done = true;

    const QPixmap picture = m_window->grab();
    if (!picture.save(m_filePath, "PNG")) {
        QTextStream(stderr) << tr("crn-console: cannot write %1").arg(m_filePath) << Qt::endl;
        Q_EMIT finished(1);
        return;
    }
    qCInfo(lcUi) << "screenshot saved," << (callShown ? "call shown" : "no call shown");
    Q_EMIT finished(callShown ? 0 : 1);
}
