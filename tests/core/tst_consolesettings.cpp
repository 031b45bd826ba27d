#include "settings/consolesettings.h"

#include <QCoreApplication>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

class TestConsoleSettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void defaultsWhenNothingIsStored();
    void readsWhatIsStored_data();
    void readsWhatIsStored();
    void readsForceHttp1_data();
    void readsForceHttp1();
    void settersClampWriteAndSignal();
    void defaultConstructorUsesTheApplicationsSettings();

private:
    // An INI file with these lines, as a supervisor or an installer may have edited it.
    QString writeIni(const QByteArray &text);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestConsoleSettings::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"crn-console-tests"_qs);
    QCoreApplication::setApplicationName(u"tst_consolesettings"_qs);
}

void TestConsoleSettings::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

QString TestConsoleSettings::writeIni(const QByteArray &text)
{
    const QString path = m_dir->filePath(u"console.ini"_qs);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        qWarning("cannot write %s", qPrintable(path));
    return path;
}

void TestConsoleSettings::defaultsWhenNothingIsStored()
{
    const ConsoleSettings settings(m_dir->filePath(u"none.ini"_qs));
    QCOMPARE(settings.cacheMaxMegabytes(), 200);
    // 200 × 1024 × 1024
    QCOMPARE(settings.cacheMaxBytes(), Q_INT64_C(209715200));
    QCOMPARE(settings.cacheMaxAgeDays(), 30);
    QCOMPARE(settings.forceHttp1(), false);
    QCOMPARE(settings.networkTimeoutSeconds(), 15);
}

void TestConsoleSettings::readsWhatIsStored_data()
{
    QTest::addColumn<QByteArray>("ini");
    QTest::addColumn<int>("megabytes");
    QTest::addColumn<int>("days");
    QTest::addColumn<int>("seconds");

    QTest::newRow("in range") << QByteArray("[cache]\nmaxMegabytes=50\nmaxAgeDays=7\n"
                                            "[network]\ntimeoutSeconds=30\n")
                              << 50 << 7 << 30;
    QTest::newRow("the smallest allowed")
        << QByteArray("[cache]\nmaxMegabytes=1\nmaxAgeDays=1\n[network]\ntimeoutSeconds=1\n") << 1
        << 1 << 1;
    QTest::newRow("the largest allowed") << QByteArray("[cache]\nmaxMegabytes=100000\n"
                                                       "maxAgeDays=3650\n"
                                                       "[network]\ntimeoutSeconds=300\n")
                                         << 100000 << 3650 << 300;
    QTest::newRow("zero and below read as the smallest")
        << QByteArray("[cache]\nmaxMegabytes=0\nmaxAgeDays=-3\n[network]\ntimeoutSeconds=0\n") << 1
        << 1 << 1;
    QTest::newRow("too large reads as the largest")
        << QByteArray("[cache]\nmaxMegabytes=99999999999\nmaxAgeDays=4000\n"
                      "[network]\ntimeoutSeconds=301\n")
        << 100000 << 3650 << 300;
    QTest::newRow("not numbers read as the defaults")
        << QByteArray("[cache]\nmaxMegabytes=lots\nmaxAgeDays=1.5\n"
                      "[network]\ntimeoutSeconds=\n")
        << 200 << 30 << 15;
    QTest::newRow("one of three set") << QByteArray("[cache]\nmaxAgeDays=90\n") << 200 << 90 << 15;
}

void TestConsoleSettings::readsWhatIsStored()
{
    QFETCH(QByteArray, ini);
    QFETCH(int, megabytes);
    QFETCH(int, days);
    QFETCH(int, seconds);

    const ConsoleSettings settings(writeIni(ini));
    QCOMPARE(settings.cacheMaxMegabytes(), megabytes);
    QCOMPARE(settings.cacheMaxBytes(), qint64(megabytes) * 1024 * 1024);
    QCOMPARE(settings.cacheMaxAgeDays(), days);
    QCOMPARE(settings.networkTimeoutSeconds(), seconds);
}

void TestConsoleSettings::readsForceHttp1_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<bool>("force");

    QTest::newRow("true") << QByteArray("true") << true;
    QTest::newRow("false") << QByteArray("false") << false;
    QTest::newRow("1") << QByteArray("1") << true;
    QTest::newRow("0") << QByteArray("0") << false;
    QTest::newRow("upper case") << QByteArray("TRUE") << true;
    QTest::newRow("yes is not a boolean here") << QByteArray("yes") << false;
}

void TestConsoleSettings::readsForceHttp1()
{
    QFETCH(QByteArray, value);
    QFETCH(bool, force);

    const ConsoleSettings settings(writeIni("[network]\nforceHttp1=" + value + "\n"));
    QCOMPARE(settings.forceHttp1(), force);
}

void TestConsoleSettings::settersClampWriteAndSignal()
{
    const QString path = m_dir->filePath(u"written.ini"_qs);
    {
        ConsoleSettings settings(path);
        QSignalSpy cache(&settings, &ConsoleSettings::cacheLimitsChanged);
        QSignalSpy network(&settings, &ConsoleSettings::networkChanged);

        settings.setCacheMaxMegabytes(0);
        QCOMPARE(settings.cacheMaxMegabytes(), 1);
        settings.setCacheMaxMegabytes(1); // the same again: no news
        settings.setCacheMaxAgeDays(30); // the default, now written: no news either
        settings.setCacheMaxAgeDays(9);
        QCOMPARE(cache.size(), 2);

        settings.setNetworkTimeoutSeconds(1000);
        QCOMPARE(settings.networkTimeoutSeconds(), 300);
        settings.setForceHttp1(true);
        settings.setForceHttp1(true);
        QCOMPARE(network.size(), 2);

        // Another object on the same settings sees them at once.
        const ConsoleSettings other(path);
        QCOMPARE(other.cacheMaxMegabytes(), 1);
        QCOMPARE(other.cacheMaxAgeDays(), 9);
        QCOMPARE(other.networkTimeoutSeconds(), 300);
        QVERIFY(other.forceHttp1());
    }

    // On disk under the documented keys.
    QSettings ini(path, QSettings::IniFormat);
    QCOMPARE(ini.value(u"cache/maxMegabytes"_qs).toInt(), 1);
    QCOMPARE(ini.value(u"cache/maxAgeDays"_qs).toInt(), 9);
    QCOMPARE(ini.value(u"network/timeoutSeconds"_qs).toInt(), 300);
    QCOMPARE(ini.value(u"network/forceHttp1"_qs).toBool(), true);
}

void TestConsoleSettings::defaultConstructorUsesTheApplicationsSettings()
{
    QSettings().clear();
    QSettings().setValue(u"network/timeoutSeconds"_qs, 9);
    const ConsoleSettings settings;
    QCOMPARE(settings.networkTimeoutSeconds(), 9);
    QCOMPARE(settings.cacheMaxMegabytes(), 200);
    QSettings().clear();
}

QTEST_GUILESS_MAIN(TestConsoleSettings)
#include "tst_consolesettings.moc"
