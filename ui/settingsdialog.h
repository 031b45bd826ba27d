#pragma once

#include <QDialog>

class CallLookup;
class ConsoleSettings;
class QCheckBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QPushButton;
class QSpinBox;
class RecordingDownloads;

// Edit > Settings: how much disk the recordings cache and the call cache may use, how long a
// call stays cached, how patient the console is with the server, and buttons that empty
// either cache.
//
// The recordings cap is kept in QSettings (recordingsCacheCapBytes() reads it, default 2 GB)
// and given to RecordingDownloads when the dialog is accepted; the other values go to
// ConsoleSettings, which CallLookup applies as they change. The clear buttons act at once and
// say so in the dialog. Nothing passed in is owned, and each may be null (its part of the
// dialog is then absent or disabled). UI thread.
class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit SettingsDialog(RecordingDownloads *downloads, QWidget *parent = nullptr);
    SettingsDialog(RecordingDownloads *downloads, ConsoleSettings *settings, CallLookup *lookup,
                   QWidget *parent = nullptr);

    // The cap saved in QSettings, or the default.
    static qint64 recordingsCacheCapBytes();
    static void setRecordingsCacheCapBytes(qint64 bytes);

    QDoubleSpinBox *capBox() const { return m_cap; }
    QPushButton *clearButton() const { return m_clear; }
    QSpinBox *callCacheBox() const { return m_callCacheMegabytes; }
    QSpinBox *callAgeBox() const { return m_callCacheDays; }
    QSpinBox *timeoutBox() const { return m_timeoutSeconds; }
    QCheckBox *http1Box() const { return m_forceHttp1; }
    QPushButton *clearCallsButton() const { return m_clearCalls; }

public Q_SLOTS:
    void accept() override;

private:
    void addCallSettings(QFormLayout *form);

    RecordingDownloads *m_downloads;
    ConsoleSettings *m_settings;
    CallLookup *m_lookup;
    QDoubleSpinBox *m_cap;
    QPushButton *m_clear;
    QLabel *m_cleared;
    QSpinBox *m_callCacheMegabytes = nullptr;
    QSpinBox *m_callCacheDays = nullptr;
    QSpinBox *m_timeoutSeconds = nullptr;
    QCheckBox *m_forceHttp1 = nullptr;
    QPushButton *m_clearCalls = nullptr;
    QLabel *m_callsCleared = nullptr;
};
