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
        worker.setLimits(kDefaultMaxBytes, kDefaultMaxAgeDays);
        reportEvicted(worker.enforceLimits());
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

void CallCache::reportEvicted(int count)
{
    if (count > 0)
        answer(false, nullptr, [this, count] { Q_EMIT callsEvicted(count); });
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

        if (found)
            worker.markOpened(found->call.summary.crn, found->lastOpened);
    });
}

void CallCache::store(const Call &call, const QDateTime &fetchedAt, const QString &etag,
                      QObject *context, StoreCallback done)
{
    post([this, call, fetchedAt, etag, context = QPointer<QObject>(context),
          hasContext = context != nullptr, done = std::move(done)](CacheWorker &worker) {
        const bool stored = worker.store(call, etag, fetchedAt);
        // A new copy may push the cache past its cap; the least recently opened calls make room.
        const int evicted = stored ? worker.enforceLimits() : 0;
        report(worker.takeProblem());
        // callStored is this object's own news, whoever asked.
        if (stored)
            answer(false, nullptr, [this, summary = call.summary] { Q_EMIT callStored(summary); });
        reportEvicted(evicted);
        if (done)
            answer(hasContext, context, [done, stored] { done(stored); });
    });
}

void CallCache::confirm(const QString &crn, const QString &etag, const QDateTime &checkedAt,
                        QObject *context, StoreCallback done)
{
    post([this, crn, etag, checkedAt, context = QPointer<QObject>(context),
          hasContext = context != nullptr, done = std::move(done)](CacheWorker &worker) {
        const bool confirmed = worker.confirm(crn, etag, checkedAt);
        report(worker.takeProblem());
        if (done)
            answer(hasContext, context, [done, confirmed] { done(confirmed); });
    });
}

void CallCache::usage(QObject *context, UsageCallback done)
{
    post([this, context = QPointer<QObject>(context), hasContext = context != nullptr,
          done = std::move(done)](CacheWorker &worker) {
        const CacheUsage usage = worker.usage();
        report(worker.takeProblem());
        if (done)
            answer(hasContext, context, [done, usage] { done(usage); });
    });
}

void CallCache::setLimits(qint64 maxBytes, int maxAgeDays, QObject *context, LimitsCallback done)
{
    post([this, maxBytes, maxAgeDays, context = QPointer<QObject>(context),
          hasContext = context != nullptr, done = std::move(done)](CacheWorker &worker) {
        worker.setLimits(maxBytes, maxAgeDays);
        const int evicted = worker.enforceLimits();
        report(worker.takeProblem());
        reportEvicted(evicted);
        if (done)
            answer(hasContext, context, [done, evicted] { done(evicted); });
    });
}

void CallCache::clear(QObject *context, StoreCallback done)
{
    post([this, context = QPointer<QObject>(context), hasContext = context != nullptr,
          done = std::move(done)](CacheWorker &worker) {
        const bool cleared = worker.clear();
        report(worker.takeProblem());
        if (cleared)
            answer(false, nullptr, [this] { Q_EMIT this->cleared(); });
        if (done)
            answer(hasContext, context, [done, cleared] { done(cleared); });
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

void CallCache::setClock(std::function<QDateTime()> clock)
{
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, clock = std::move(clock)] { worker->setClock(clock); },
        Qt::QueuedConnection);
}
