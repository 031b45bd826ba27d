#pragma once

#include "lookup/calllookup.h"

#include <QObject>
#include <QTimer>

class MainWindow;

// crn-console --screenshot: saves a grab of the window once the call asked for on the command
// line is on screen, or whatever is shown when the time runs out, and reports how it went.
//
// A cached copy is given a moment for the server's copy to replace it, so the picture shows
// the freshest state, and a call with recordings a moment for their waveforms (downloaded and
// computed off the UI thread), so the picture shows what was recorded. finished(0) when a call
// was grabbed, finished(1) otherwise; a file that cannot be written is said on stderr. UI
// thread.
class ScreenshotJob : public QObject
{
    Q_OBJECT

public:
    static constexpr int kTimeoutMs = 10000;
    static constexpr int kWaitForLiveMs = 3000;
    static constexpr int kWaitForMediaMs = 5000;

    ScreenshotJob(MainWindow *window, const QString &filePath, QObject *parent = nullptr);

Q_SIGNALS:
    void finished(int exitCode);

private:
    void onCallShown(CallLookup::Freshness freshness);
    void grabWhenMediaSettled();
    void grabSoon(bool callShown);
    void grab(bool callShown);

    MainWindow *m_window;
    QString m_filePath;
    QTimer m_timeout;
    QTimer m_waitForLive;
    QTimer m_waitForMedia;
    bool m_done = false;
};
