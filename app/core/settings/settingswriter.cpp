#include "settingswriter.h"

#include <QCoreApplication>
#include <QMutex>
#include <QSettings>
#include <QThreadPool>

namespace {

QMutex poolMutex;
QThreadPool *pool = nullptr;

void finishWrites()
{
    // Called while the application object is being destroyed, when QSettings still knows the
    // organization and application names the file is named after.
    const QMutexLocker locker(&poolMutex);
    if (pool) {
        pool->waitForDone();
        delete pool;
        pool = nullptr;
    }
}

void run(std::function<void(QSettings &)> write)
{
    const QMutexLocker locker(&poolMutex);
    if (!pool) {
        pool = new QThreadPool;
        // One thread: writes land in the order they were made.
        pool->setMaxThreadCount(1);
        pool->setObjectName(u"crn-settings"_qs);
        qAddPostRoutine(finishWrites);
    }
    pool->start([write = std::move(write)] {
        QSettings settings;
        write(settings);
    });
}

} // namespace

void SettingsWriter::setValue(const QString &key, const QVariant &value)
{
    run([key, value](QSettings &settings) { settings.setValue(key, value); });
}

void SettingsWriter::remove(const QString &key)
{
    run([key](QSettings &settings) { settings.remove(key); });
}

void SettingsWriter::flush()
{
    const QMutexLocker locker(&poolMutex);
    if (pool)
        pool->waitForDone();
}
