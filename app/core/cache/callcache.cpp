#include "callcache.h"

#include "cacheworker.h"
#include "logging.h"
#include "model/crntext.h"

#include <QDir>
#include <QStandardPaths>
#include <QThread>

CallCache::CallCache(QObject *parent)
    : CallCache(defaultFilePath(), parent)
{ }

CallCache::CallCache(const QString &filePath, QObject *parent)
    : QObject(parent)
    , m_filePath(filePath)
    , m_thread(new QThread(this))
    , m_worker(new CacheWorker)
{
    m_thread->setObjectName(u"crn-cache"_qs);
    m_worker->moveToThread(m_thread);
    // The worker closes its connection in its destructor, which must run on its own thread.
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread->start();

    post([this, filePath](CacheWorker &worker) {
        worker.open(filePath);
        const QString reset = worker.takeResetSentence();
        if (!reset.isEmpty())
            answer(false, nullptr, [this, reset] { Q_EMIT cacheReset(reset); });
        report(worker.takeProblem());
    });
}

CallCache::~CallCache()
{
    // Quit from inside the worker's queue, so that every job posted before (a store made just
    // before the console closes) still reaches the disk.
    QMetaObject::invokeMethod(
        m_worker, [thread = m_thread] { thread->quit(); }, Qt::QueuedConnection);
    m_thread->wait();
}

QString CallCache::defaultFilePath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::CacheLocation))
        .filePath(u"calls.sqlite"_qs);
}

void CallCache::post(std::function<void(CacheWorker &)> job)
{
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, job = std::move(job)] {
            worker->runProbe();
            job(*worker);
        },
        Qt::QueuedConnection);
}

void CallCache::answer(bool hasContext, const QPointer<QObject> &context,
                       std::function<void()> deliver)
{
    // The destructor waits for the worker, so this object outlives every call made here; events
    // still queued for it when it dies are discarded with it.
    QMetaObject::invokeMethod(
        this,
        [hasContext, context, deliver = std::move(deliver)] {
            if (!hasContext || context)
                deliver();
        },
        Qt::QueuedConnection);
}

void CallCache::report(const QString &problem)
{
    if (!problem.isEmpty())
        answer(false, nullptr, [this, problem] { Q_EMIT errorOccurred(problem); });
}

void CallCache::lookup(const QString &text, QObject *context, LookupCallback done)
{
    const QString key = CrnText::normalized(text);
    post([this, key, context = QPointer<QObject>(context), hasContext = context != nullptr,
          done = std::move(done)](CacheWorker &worker) {
        const std::optional<CachedCall> found = worker.lookup(key);
        report(worker.takeProblem());
        if (done)
            answer(hasContext, context, [found, done] { done(found); });
    });
}

void CallCache::store(const Call &call, const QDateTime &fetchedAt, QObject *context,
                      StoreCallback done)
{
    post([this, call, fetchedAt, context = QPointer<QObject>(context),
          hasContext = context != nullptr, done = std::move(done)](CacheWorker &worker) {
        const bool stored = worker.store(call, fetchedAt);
        report(worker.takeProblem());
        // callStored is this object's own news, whoever asked.
        if (stored)
            answer(false, nullptr, [this, summary = call.summary] { Q_EMIT callStored(summary); });
        if (done)
            answer(hasContext, context, [done, stored] { done(stored); });
    });
}

void CallCache::recent(int count, QObject *context, RecentCallback done)
{
    post([this, count, context = QPointer<QObject>(context), hasContext = context != nullptr,
          done = std::move(done)](CacheWorker &worker) {
        const QList<CachedSummary> calls = worker.recent(count);
        report(worker.takeProblem());
        if (done)
            answer(hasContext, context, [calls, done] { done(calls); });
    });
}

void CallCache::setWorkerProbe(std::function<void()> probe)
{
    // Handed over through the worker's queue so only the worker thread ever reads or writes it.
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, probe = std::move(probe)] { worker->setProbe(probe); },
        Qt::QueuedConnection);
}
