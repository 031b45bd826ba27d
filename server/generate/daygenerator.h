#pragma once

#include <QDate>
#include <QString>

class QIODevice;

// Writes one synthetic contact-center day in the formats a real Asterisk 12+ writes: CEL rows as
// cel_custom's Master.csv mapping writes them, and the flat /var/log/asterisk/queue_log.
//
// With Options::recordings it also writes what MixMonitor would have recorded: one WAV file for
// every agent leg that answered a caller (queue members, both legs of an attended transfer's
// consultation, conference members), from that leg's ANSWER to its HANGUP, with the leg's
// holds silent (see RecordingWriter). Without it the CEL and queue_log are the same bytes.
//
// The day is seeded: the same options give byte-identical files. Calls are generated one at a
// time in order of arrival and their rows wait in a small time-ordered heap until no later call
// can write anything earlier, so both files come out in time order, as Asterisk writes them, and
// memory grows with the number of calls in progress, not with the number of calls in the day.
//
// Errors (a file that cannot be created or written) are reported by a false return and
// errorString(). Not thread-safe; use one instance per thread. Used by `crn-server generate`,
// the tests and the benchmarks.
class DayGenerator
{
public:
    struct Options
    {
        qint64 calls = 1000;
        quint64 seed = 1;
        // A fixed default keeps "same seed, same calls" byte-identical from one day to the next.
        QDate date = QDate(2024, 6, 11);
        // Writes recordings too; off by default, as days of a million calls are for benchmarks.
        bool recordings = false;
    };

    struct Totals
    {
        qint64 calls = 0;
        qint64 celEvents = 0;
        qint64 queueLogRows = 0;
        qint64 recordings = 0;
        qint64 recordingBytes = 0;
    };

    explicit DayGenerator(const Options &options);

    // Writes DIRECTORY/cel/Master.csv and DIRECTORY/queue_log, creating the folders. A file is
    // replaced only when it was written completely. With Options::recordings, the recordings go
    // to DIRECTORY/recordings/YYYY/MM/DD/<uniqueid>.wav, and that folder too is replaced as a
    // whole once everything was written.
    bool writeToDirectory(const QString &directory);

    // Writes the two streams to devices that are already open for writing. With
    // Options::recordings, RECORDINGSFOLDER (which must be given) receives YYYY/MM/DD/*.wav.
    bool write(QIODevice &cel, QIODevice &queueLog, const QString &recordingsFolder = {});

    const Totals &totals() const { return m_totals; }
    QString errorString() const { return m_errorString; }

private:
    Options m_options;
    Totals m_totals;
    QString m_errorString;
};
