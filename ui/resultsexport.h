#pragma once

#include "model/call.h"

#include <QByteArray>
#include <QFutureWatcher>
#include <QList>
#include <QObject>
#include <QString>

// Writes a list of calls to a CSV file, one row per call: crn, start (ISO 8601, UTC),
// duration_s, direction, caller, dialed, queues, agents, outcome, recordings. RFC 4180: comma
// separated, CRLF line ends, a field holding a comma, a quote or a line break is quoted with its
// quotes doubled; UTF-8 without a byte order mark. Several queues or agents share their field,
// separated by "; ".
//
// start() writes on a thread of the global pool through QSaveFile, so a half-written file never
// replaces an existing one and the window never waits; finished() comes once per start() on the
// thread that owns this object, with a sentence for the supervisor when the file could not be
// written. One export at a time.
class ResultsExport : public QObject
{
    Q_OBJECT

public:
    explicit ResultsExport(QObject *parent = nullptr);
    ~ResultsExport() override;

    // The whole file, header included.
    static QByteArray toCsv(const QList<CallSummary> &calls);
    // One field, quoted when it must be.
    static QByteArray csvField(const QString &text);

    bool isRunning() const;
    // False (and no finished()) when an export is still running.
    bool start(const QList<CallSummary> &calls, const QString &path);

Q_SIGNALS:
    // sentence is empty on success.
    void finished(const QString &path, int calls, bool ok, const QString &sentence);

private:
    QFutureWatcher<QString> m_watcher;
    QString m_path;
    int m_count = 0;
};
