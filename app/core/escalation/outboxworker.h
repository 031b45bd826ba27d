#pragma once

#include "escalation/outbox.h"
#include "escalation/outboxstore.h"

#include <QHash>
#include <QObject>
#include <QRandomGenerator>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

// Outbox's half on its worker thread: owns the OutboxStore and the QNetworkAccessManager, and
// runs the state machine Queued -> Sending -> Sent / Queued again / Failed. Private to the
// escalation folder; every method runs on the worker thread, and what the Outbox must learn
// leaves through the signals (queued to the Outbox's thread). Failures of the file become
// problem() sentences; failures of a request become the item's state and lastError.
class OutboxWorker : public QObject
{
    Q_OBJECT

public:
    explicit OutboxWorker(const QString &databasePath);
    ~OutboxWorker() override;

    // Opens the file, puts items left Sending back in the queue, reports them all through
    // loaded() and starts sending.
    void start();
    // Abandons the requests in flight (their items stay Sending in the file, as after a crash)
    // and closes the file.
    void stop();

    void setServer(const QUrl &baseUrl, const QByteArray &accessToken);
    void setTimeouts(int connectMs, int transferMs);
    void setBackoff(int initialMs, int maxMs);
    void setRandomSeed(quint32 seed) { m_random.seed(seed); }

    void submit(const QString &key, const QByteArray &body, const QString &crn,
                const QString &summary);
    void resubmit(qint64 id, const QString &key, const QByteArray &body);
    void discard(qint64 id);
    void retryNow();

Q_SIGNALS:
    void loaded(const QList<OutboxItem> &items);
    void itemChanged(const OutboxItem &item);
    void itemRemoved(qint64 id);
    void submitFailed(const QString &key, const QString &sentence);
    void problem(const QString &sentence);

private:
    // What a finished request means for its item.
    struct Outcome
    {
        enum class Kind { Sent, Retry, Fail } kind = Kind::Retry;
        QString escalationId;
        QString sentence;
        QMap<QString, QString> fields;
    };
    enum class Abandoned { No, ConnectTimeout, Deadline };
    struct InFlight
    {
        qint64 itemId = 0;
        Abandoned abandoned = Abandoned::No;
    };

    // Sends what is due, as far as the in-flight limit allows, and sets the timer for the rest.
    void pump();
    void send(const OutboxItem &item);
    void abandon(QNetworkReply *reply, Abandoned why);
    void finished(QNetworkReply *reply);
    Outcome outcome(QNetworkReply *reply, Abandoned why) const;
    QString serverName() const;
    void reportProblem();
    QDateTime now() const { return QDateTime::currentDateTimeUtc(); }

    QString m_databasePath;
    OutboxStore m_store;
    QNetworkAccessManager *m_network = nullptr;
    QTimer *m_timer = nullptr;
    QHash<QNetworkReply *, InFlight> m_inFlight;
    QUrl m_baseUrl;
    QByteArray m_token;
    int m_connectTimeoutMs = Outbox::kDefaultTimeoutMs;
    int m_transferTimeoutMs = Outbox::kDefaultTimeoutMs;
    int m_backoffInitialMs = Outbox::kDefaultBackoffInitialMs;
    int m_backoffMaxMs = Outbox::kDefaultBackoffMaxMs;
    QRandomGenerator m_random;
    bool m_stopped = false;
};
