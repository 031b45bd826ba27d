#include "cache/callcache.h"
#include "lookup/calllookup.h"
#include "net/apiclient.h"
#include "settings/consolesettings.h"
#include "settingsdialog.h"

#include <QCheckBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

// Edit > Settings edits what ConsoleSettings keeps and empties the call cache. No server is
// needed: nothing here goes over the network, and the unused address is on loopback.
class TestSettingsDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void showsAndSavesTheCallSettings();
    void cancelKeepsTheSettings();
    void clearsTheCallCache();
    void withoutSettingsOnlyTheRecordingsPartShows();

private:
    QTemporaryDir m_dir;
};

void TestSettingsDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
}

void TestSettingsDialog::showsAndSavesTheCallSettings()
{
    ConsoleSettings settings(m_dir.filePath(u"saves.ini"_qs));
    settings.setCacheMaxMegabytes(300);
    settings.setCacheMaxAgeDays(7);

    SettingsDialog dialog(nullptr, &settings, nullptr);
    QCOMPARE(dialog.callCacheBox()->value(), 300);
    QCOMPARE(dialog.callAgeBox()->value(), 7);
    QCOMPARE(dialog.timeoutBox()->value(), ConsoleSettings::kDefaultTimeoutSeconds);
    QCOMPARE(dialog.http1Box()->isChecked(), false);
    // Without a lookup there is no cache to clear.
    QVERIFY(!dialog.clearCallsButton()->isEnabled());

    QSignalSpy limits(&settings, &ConsoleSettings::cacheLimitsChanged);
    QSignalSpy network(&settings, &ConsoleSettings::networkChanged);
    dialog.callCacheBox()->setValue(50);
    dialog.callAgeBox()->setValue(90);
    dialog.timeoutBox()->setValue(40);
    dialog.http1Box()->setChecked(true);
    dialog.accept();

    QCOMPARE(settings.cacheMaxMegabytes(), 50);
    QCOMPARE(settings.cacheMaxAgeDays(), 90);
    QCOMPARE(settings.networkTimeoutSeconds(), 40);
    QCOMPARE(settings.forceHttp1(), true);
    QVERIFY(limits.size() >= 1);
    QVERIFY(network.size() >= 1);
}

void TestSettingsDialog::cancelKeepsTheSettings()
{
    ConsoleSettings settings(m_dir.filePath(u"cancel.ini"_qs));
    SettingsDialog dialog(nullptr, &settings, nullptr);
    dialog.callCacheBox()->setValue(1);
    dialog.reject();
    QCOMPARE(settings.cacheMaxMegabytes(), ConsoleSettings::kDefaultCacheMaxMegabytes);
}

void TestSettingsDialog::clearsTheCallCache()
{
    ApiClient client(QUrl(u"http://127.0.0.1:9"_qs));
    CallCache cache(m_dir.filePath(u"cache.sqlite"_qs));
    CallLookup lookup(&client, &cache);
    ConsoleSettings settings(m_dir.filePath(u"clear.ini"_qs));

    SettingsDialog dialog(nullptr, &settings, &lookup);
    QVERIFY(dialog.clearCallsButton()->isEnabled());
    QSignalSpy cleared(&lookup, &CallLookup::cacheCleared);
    QTest::mouseClick(dialog.clearCallsButton(), Qt::LeftButton);
    QVERIFY(cleared.wait());

    const auto *label = dialog.findChild<QLabel *>(u"callCacheCleared"_qs);
    QVERIFY(label);
    QCOMPARE(label->text(), u"The cached calls were deleted."_qs);
}

void TestSettingsDialog::withoutSettingsOnlyTheRecordingsPartShows()
{
    SettingsDialog dialog(nullptr);
    QVERIFY(!dialog.callCacheBox());
    QVERIFY(!dialog.findChild<QSpinBox *>(u"timeoutSeconds"_qs));
    QVERIFY(!dialog.clearButton()->isEnabled());
}

QTEST_MAIN(TestSettingsDialog)
#include "tst_settingsdialog.moc"
