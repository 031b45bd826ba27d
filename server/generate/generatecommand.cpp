#include "commands.h"
#include "generate/daygenerator.h"

#include <QCommandLineParser>
#include <QDir>
#include <QTextStream>

namespace {

struct Parsed
{
    QString directory;
    DayGenerator::Options options;
};

// Fills PARSED from the arguments; on a usage error returns the message to show.
QString parse(QCommandLineParser &parser, const QStringList &arguments, Parsed &parsed)
{
    const QCommandLineOption out(
        u"out"_qs, u"Folder to write cel/Master.csv and queue_log into."_qs, u"DIR"_qs);
    const QCommandLineOption calls(u"calls"_qs, u"Number of calls in the day (default 1000)."_qs,
                                   u"N"_qs, u"1000"_qs);
    const QCommandLineOption seed(
        u"seed"_qs, u"Seed; the same seed and options give the same files (default 1)."_qs, u"S"_qs,
        u"1"_qs);
    const QCommandLineOption date(u"date"_qs, u"The day, YYYY-MM-DD (default 2024-06-11)."_qs,
                                  u"YYYY-MM-DD"_qs);
    const QCommandLineOption recordings(
        u"recordings"_qs,
        u"Also write what MixMonitor would record: a WAV file for every agent leg that answered "
        "a caller, from its answer to its hangup, silent while on hold, as "
        "DIR/recordings/YYYY/MM/DD/<uniqueid>.wav (8 kHz mono; 16-bit PCM, every 7th mu-law, "
        "every 11th A-law). Replaces an earlier DIR/recordings. About 1 MB per minute of talk."_qs);
    parser.addOptions({ out, calls, seed, date, recordings });

    QStringList withProgram = arguments;
    withProgram.prepend(u"crn-server generate"_qs);
    if (!parser.parse(withProgram))
        return parser.errorText();
    if (parser.isSet(u"help"_qs))
        return {};
    if (!parser.positionalArguments().isEmpty())
        return u"unexpected argument '%1'"_qs.arg(parser.positionalArguments().constFirst());

    parsed.directory = parser.value(out);
    if (parsed.directory.isEmpty())
        return u"--out DIR is required"_qs;

    bool ok = false;
    parsed.options.calls = parser.value(calls).toLongLong(&ok);
    if (!ok || parsed.options.calls < 1)
        return u"--calls needs a whole number of at least 1, not '%1'"_qs.arg(parser.value(calls));

    parsed.options.seed = parser.value(seed).toULongLong(&ok);
    if (!ok)
        return u"--seed needs a whole number from 0 to 2^64-1, not '%1'"_qs.arg(parser.value(seed));

    parsed.options.recordings = parser.isSet(recordings);

    if (parser.isSet(date)) {
        const QString text = parser.value(date);
        parsed.options.date = QDate::fromString(text, Qt::ISODate);
        if (text.size() != 10 || !parsed.options.date.isValid())
            return u"--date needs a day written YYYY-MM-DD, not '%1'"_qs.arg(text);
    }
    return {};
}

} // namespace

int runGenerateCommand(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Writes a realistic contact-center day as Asterisk writes it: DIR/cel/Master.csv "
        "(cel_custom CSV) and DIR/queue_log, and with --recordings the calls' recordings."_qs);
    parser.addHelpOption();

    Parsed parsed;
    const QString problem = parse(parser, arguments, parsed);
    if (parser.isSet(u"help"_qs)) {
        // The parser would name the program only; the sub-command belongs in the usage line.
        QString help = parser.helpText();
        help.replace(
            0, help.indexOf(u'\n'),
            u"Usage: crn-server generate --out DIR [--calls N] [--seed S] [--date YYYY-MM-DD] "
            "[--recordings]"_qs);
        out << help;
        return 0;
    }
    if (!problem.isEmpty()) {
        err << "crn-server generate: " << problem
            << "\nRun 'crn-server generate --help' for the options.\n";
        return 2;
    }

    DayGenerator generator(parsed.options);
    if (!generator.writeToDirectory(parsed.directory)) {
        err << "crn-server generate: " << generator.errorString() << '\n';
        return 1;
    }

    const DayGenerator::Totals &totals = generator.totals();
    out << "generated " << totals.calls << " calls, " << totals.celEvents << " CEL events, "
        << totals.queueLogRows << " queue_log rows";
    if (parsed.options.recordings) {
        out << ", " << totals.recordings << " recordings ("
            << QString::number(double(totals.recordingBytes) / 1e6, 'f', 1) << " MB)";
    }
    out << " in " << QDir::toNativeSeparators(parsed.directory) << '\n';
    return 0;
}
