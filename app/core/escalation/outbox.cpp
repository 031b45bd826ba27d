#include "outbox.h"

#include "escalation/outboxworker.h"
#include "logging.h"

#include <QRandomGenerator>
#include <QThread>
#include <QUuid>

#include <algorithm>

QString toString(OutboxState state)
{
    switch (state) {
    case OutboxState::Queued:
        return u"queued"_qs;
    case OutboxState::Sending:
        return u"sending"_qs;
    case OutboxState::Sent:
        return u"sent"_qs;
    case OutboxState::Failed:
        return u"failed"_qs;
    }
    return {};
}

std::optional<OutboxState> outboxStateFromString(QStringView text)
{
    for (OutboxState state :
         { OutboxState::Queued, OutboxState::Sending, OutboxState::Sent, OutboxState::Failed }) {
        if (text == toString(state))
            return state;
    }
    return std::nullopt;
}

Outbox::Outbox(const QString &databasePath, QObject *parent)
    : QObject(parent)
    , m_databasePath(databasePath)
    , m_thread(new QThread(this))
    , m_worker(new OutboxWorker(databasePath))
{
    m_thread->setObjectName(u"crn-outbox"_qs);
    m_worker->moveToThread(m_thread);
    // The worker closes its connection in its destructor, which must run on its own thread.
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);

    // Queued: the worker's thread is another one. Each signal first updates the last known
    // items, so that items() agrees with what listeners are told.
    connect(m_worker, &OutboxWorker::loaded, this, [this](const QList<OutboxItem> &items) {
        for (const OutboxItem &item : items)
            m_items.insert(item.id, item);
        m_loaded = true;
        Q_EMIT itemsLoaded();
    });
    connect(m_worker, &OutboxWorker::itemChanged, this, [this](const OutboxItem &item) {
        m_items.insert(item.id, item);
        Q_EMIT itemChanged(item);
    });
    connect(m_worker, &OutboxWorker::itemRemoved, this, [this](qint64 id) {
        m_items.remove(id);
        Q_EMIT itemRemoved(id);
    });
    connect(m_worker, &OutboxWorker::submitFailed, this, &Outbox::submitFailed);
    connect(m_worker, &OutboxWorker::problem, this, &Outbox::problem);

    m_thread->start();
    post([](OutboxWorker &worker) { worker.start(); });
}

Outbox::~Outbox()
{
    // Stop and quit from inside the worker's queue, so that every job posted before (a submit
    // made just before the console closes) still reaches the disk.
    post([thread = m_thread](OutboxWorker &worker) {
        worker.stop();
        thread->quit();
    });
    m_thread->wait();
}

void Outbox::post(std::function<void(OutboxWorker &)> job)
{
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, job = std::move(job)] { job(*worker); },
        Qt::QueuedConnection);
}

void Outbox::setServer(const QUrl &baseUrl, const QByteArray &accessToken)
{
    post([baseUrl, accessToken](OutboxWorker &worker) { worker.setServer(baseUrl, accessToken); });
}

void Outbox::setTimeouts(int connectMs, int transferMs)
{
    post([connectMs, transferMs](OutboxWorker &worker) {
        worker.setTimeouts(connectMs, transferMs);
    });
}

void Outbox::setBackoff(int initialMs, int maxMs)
{
    post([initialMs, maxMs](OutboxWorker &worker) { worker.setBackoff(initialMs, maxMs); });
}

void Outbox::setRandomSeed(quint32 seed)
{
    post([seed](OutboxWorker &worker) { worker.setRandomSeed(seed); });
}

QString Outbox::submit(const QByteArray &body, const QString &crn, const QString &summary)
{
    // A UUID: 36 characters from the set the API allows, unique without asking anyone.
    const QString key = QUuid::createUuid().toString(QUuid::WithoutBraces);
    post([key, body, crn, summary](OutboxWorker &worker) {
        worker.submit(key, body, crn, summary);
    });
    return key;
}

void Outbox::resubmit(qint64 id, const QByteArray &correctedBody)
{
    const QString key = QUuid::createUuid().toString(QUuid::WithoutBraces);
    post([id, key, correctedBody](OutboxWorker &worker) {
        worker.resubmit(id, key, correctedBody);
    });
}

void Outbox::discard(qint64 id)
{
    post([id](OutboxWorker &worker) { worker.discard(id); });
}

void Outbox::retryNow()
{
    post([](OutboxWorker &worker) { worker.retryNow(); });
}

QList<OutboxItem> Outbox::items() const
{
    QList<OutboxItem> items = m_items.values();
    std::sort(items.begin(), items.end(),
              [](const OutboxItem &a, const OutboxItem &b) { return a.id > b.id; });
    return items;
}

qint64 Outbox::backoffDelayMs(int failedAttempts, int initialMs, int maxMs,
                              QRandomGenerator *random)
{
    // Doubling stops once the cap is reached, so that a large count cannot overflow the shift.
    qint64 bound = std::max(1, initialMs);
    for (int n = 1; n < failedAttempts && bound < maxMs; ++n)
        bound *= 2;
    bound = std::min<qint64>(bound, std::max(maxMs, initialMs));
    return qint64(random->bounded(quint64(bound) + 1));
}
