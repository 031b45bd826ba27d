#include "resultsexport.h"

#include "logging.h"

#include <QSaveFile>
#include <QtConcurrent/QtConcurrentRun>

namespace {

// Seconds with as many decimals as the microseconds need, and no more: "30", "12.5".
QString seconds(qint64 microseconds)
{
    const qint64 whole = microseconds / 1'000'000;
    qint64 fraction = microseconds % 1'000'000;
    if (fraction == 0)
        return QString::number(whole);
    QString digits = QString::number(fraction).rightJustified(6, u'0');
    while (digits.endsWith(u'0'))
        digits.chop(1);
    return QString::number(whole) + u'.' + digits;
}

QString writeFile(const QByteArray &bytes, const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return ResultsExport::tr("The file %1 cannot be written: %2.")
            .arg(path, file.errorString());
    if (file.write(bytes) != bytes.size() || !file.commit())
        return ResultsExport::tr("The file %1 could not be written completely: %2.")
            .arg(path, file.errorString());
    return {};
}

} // namespace

ResultsExport::ResultsExport(QObject *parent)
    : QObject(parent)
{
    connect(&m_watcher, &QFutureWatcher<QString>::finished, this, [this] {
        const QString problem = m_watcher.result();
        if (problem.isEmpty())
            qCInfo(lcUi) << "exported" << m_count << "calls to CSV";
        else
            qCWarning(lcUi).noquote() << "CSV export failed:" << problem;
        Q_EMIT finished(m_path, m_count, problem.isEmpty(), problem);
    });
}

ResultsExport::~ResultsExport()
{
    // The file is the user's: a started write is finished rather than left to a dead object.
    m_watcher.waitForFinished();
}

QByteArray ResultsExport::csvField(const QString &text)
{
    QByteArray bytes = text.toUtf8();
    const bool quote = bytes.contains(',') || bytes.contains('"') || bytes.contains('\n')
        || bytes.contains('\r');
    if (!quote)
        return bytes;
    bytes.replace("\"", "\"\"");
    return '"' + bytes + '"';
}

QByteArray ResultsExport::toCsv(const QList<CallSummary> &calls)
{
    QByteArray csv = "crn,start,duration_s,direction,caller,dialed,queues,agents,outcome,"
                     "recordings\r\n";
    const QString separator = u"; "_qs;
    for (const CallSummary &call : calls) {
        const QStringList fields {
            call.crn,
            call.start.isValid() ? call.start.toIso() : QString(),
            seconds(call.durationMicroseconds()),
            toString(call.direction),
            call.caller,
            call.dialed,
            call.queues.join(separator),
            call.agents.join(separator),
            toString(call.outcome),
            QString::number(call.recordingCount),
        };
        for (qsizetype i = 0; i < fields.size(); ++i) {
            if (i > 0)
                csv += ',';
            csv += csvField(fields.at(i));
        }
        csv += "\r\n";
    }
    return csv;
}

bool ResultsExport::isRunning() const
{
    return m_watcher.isRunning();
}

bool ResultsExport::start(const QList<CallSummary> &calls, const QString &path)
{
    if (isRunning())
        return false;
    m_path = path;
    m_count = int(calls.size());
    // Both the formatting and the writing happen off the UI thread: 100,000 rows take a while.
    m_watcher.setFuture(QtConcurrent::run([calls, path] { return writeFile(toCsv(calls), path); }));
    return true;
}
