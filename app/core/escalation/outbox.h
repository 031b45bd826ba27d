#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QUrl>

#include <functional>
#include <optional>

class OutboxWorker;
class QRandomGenerator;
class QThread;

// Where a submitted escalation is on its way to crn-server. Drafts are the form's business.
enum class OutboxState { Queued, Sending, Sent, Failed };

// "queued", "sending", "sent", "failed": the words the outbox file stores.
QString toString(OutboxState state);
// The state a stored word names, or nothing for a word this console does not know.
std::optional<OutboxState> outboxStateFromString(QStringView text);

// One submitted escalation as the outbox holds it.
struct OutboxItem
{
    qint64 id = 0;
    QString idempotencyKey; // made once, at submit, stored with the item
    QByteArray body; // the EscalationRequest JSON, as sent
    QString crn;
    QString summary;
    OutboxState state = OutboxState::Queued;
    int attempts = 0; // requests that left for the server, the one in flight included
    QDateTime nextAttemptUtc; // when queued after a failure
    QString lastError; // a sentence for the supervisor (the server's message on 4xx)
    QMap<QString, QString> fieldErrors; // from a 422's `fields`
    QString escalationId; // once sent
    QDateTime createdUtc;
    QDateTime updatedUtc;
};
Q_DECLARE_METATYPE(OutboxItem)

// The console's outbox for escalations: every submitted escalation reaches crn-server exactly
// once, whatever happens to the network, the server or the console.
//
// Owns a worker thread that owns the outbox's SQLite file and its HTTP requests, so no call here
// waits on disk or network; the Outbox itself lives on the thread that makes it (the GUI
// thread) and keeps the last known items for items(). A submission is written to disk (WAL,
// synchronous=FULL) with its idempotency key before it is sent; the same key goes with every
// retry, so the server's idempotency turns a retry after a lost answer, a dead server or a
// killed console into no duplicate. Network trouble, time-outs, 5xx, 408 and 429 queue the item
// again with exponential backoff and full jitter; any other refusal fails it with the server's
// sentence (and a 422's fields). A damaged file is set aside with one sentence through problem()
// and a new one started. The access token lives only in memory: never in the file or a log.
class Outbox : public QObject
{
    Q_OBJECT

public:
    static constexpr int kDefaultTimeoutMs = 15'000;
    static constexpr int kDefaultBackoffInitialMs = 1'000;
    static constexpr int kDefaultBackoffMaxMs = 5 * 60 * 1'000;
    // Requests in flight at once, oldest items first.
    static constexpr int kMaxInFlight = 4;

    explicit Outbox(const QString &databasePath, QObject *parent = nullptr);
    // Stops the worker cleanly: requests in flight are abandoned and their items stay Sending in
    // the file, as after a crash, so that the next Outbox sends them again with the same key.
    ~Outbox() override;

    QString databasePath() const { return m_databasePath; }

    // Nothing is sent until both are set; base is the server's root, e.g. http://127.0.0.1:8470.
    void setServer(const QUrl &baseUrl, const QByteArray &accessToken);
    // Connect time-out (no connection accepted) and transfer time-out (no byte received for
    // that long); a whole answer may take four times the transfer time-out. For tests and
    // settings; kDefaultTimeoutMs until set.
    void setTimeouts(int connectMs, int transferMs);
    // The backoff after the n-th failed attempt is a random delay in [0, min(maxMs,
    // initialMs * 2^(n-1))]. For tests; the defaults are 1 s and 5 min.
    void setBackoff(int initialMs, int maxMs);
    // The jitter's random numbers from a generator seeded with seed, so that a test run can be
    // repeated; securely seeded until then.
    void setRandomSeed(quint32 seed);

    // Writes the item as Queued with a new idempotency key in ONE transaction, and only then
    // sends it. Returns the key at once; itemChanged(Queued) follows once it is on disk, or
    // submitFailed(key, sentence) when it could not be written.
    QString submit(const QByteArray &body, const QString &crn, const QString &summary);
    // Failed -> Queued with the corrected body and a NEW key (the old one belongs to the
    // refused body); attempts and errors start again.
    void resubmit(qint64 id, const QByteArray &correctedBody);
    // Failed only: the item leaves the outbox; itemRemoved(id) follows.
    void discard(qint64 id);
    // Every Queued item is due now, e.g. the server is back.
    void retryNow();

    // Last known, newest first.
    QList<OutboxItem> items() const;
    // Whether itemsLoaded() has come.
    bool isLoaded() const { return m_loaded; }

    // The delay before the next attempt after `failedAttempts` failed ones (1 or more): uniform
    // in [0, min(maxMs, initialMs * 2^(failedAttempts-1))] ("full jitter").
    static qint64 backoffDelayMs(int failedAttempts, int initialMs, int maxMs,
                                 QRandomGenerator *random);

Q_SIGNALS:
    // The first read of the file is done; items() holds what it found.
    void itemsLoaded();
    void itemChanged(const OutboxItem &item);
    // discard() took the item out of the outbox.
    void itemRemoved(qint64 id);
    // submit() could not write the item; nothing will be sent for this key.
    void submitFailed(const QString &idempotencyKey, const QString &sentence);
    // Something the supervisor should know, e.g. the outbox file was damaged and set aside.
    void problem(const QString &sentence);

private:
    void post(std::function<void(OutboxWorker &)> job);

    QString m_databasePath;
    QThread *m_thread;
    OutboxWorker *m_worker;
    QHash<qint64, OutboxItem> m_items;
    bool m_loaded = false;
};
