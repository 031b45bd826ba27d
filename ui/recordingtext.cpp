#include "recordingtext.h"

#include "calltext.h"
#include "timetext.h"

#include <QLocale>

namespace {

// Flags that explain how a recording was read; the audio itself is all there.
bool isExplanation(const QString &code)
{
    return code == u"recording_start_estimated" || code == u"recording_sizes_unset";
}

QString codecName(const QString &codec)
{
    if (codec == u"pcm")
        return RecordingText::tr("PCM");
    if (codec == u"float")
        return RecordingText::tr("floating-point PCM");
    if (codec == u"alaw")
        return RecordingText::tr("G.711 A-law");
    if (codec == u"mulaw")
        return RecordingText::tr("G.711 µ-law");
    if (codec == u"gsm")
        return RecordingText::tr("GSM 6.10");
    return codec.isEmpty() ? RecordingText::tr("unknown codec") : codec;
}

} // namespace

bool RecordingText::hasProblem(const Recording &recording)
{
    for (const CallFlag &flag : recording.flags) {
        if (!isExplanation(flag.code))
            return true;
    }
    return !isPlayable(recording);
}

bool RecordingText::isPlayable(const Recording &recording)
{
    if (recording.hasFlag(u"recording_missing") || recording.hasFlag(u"recording_unreadable")
        || recording.hasFlag(u"recording_unsupported_codec")
        || recording.hasFlag(u"recording_empty"))
        return false;
    return recording.codec != u"gsm" && recording.codec != u"unknown";
}

QString RecordingText::problem(const Call &call, const Recording &recording)
{
    QStringList sentences;
    const qint64 callLength = call.summary.durationMicroseconds();
    for (const CallFlag &flag : recording.flags) {
        if (isExplanation(flag.code))
            continue;
        if (flag.code == u"recording_missing")
            sentences.append(tr("The recording file is missing on the server."));
        else if (flag.code == u"recording_unreadable")
            sentences.append(tr("The recording file cannot be read as audio."));
        else if (flag.code == u"recording_empty" && callLength > 0)
            sentences.append(tr("The recording is empty: it holds no audio, although the call "
                                "lasted %1.")
                                 .arg(TimeText::duration(callLength)));
        else if (flag.code == u"recording_empty")
            sentences.append(tr("The recording is empty: it holds no audio."));
        else if (flag.code == u"recording_truncated")
            sentences.append(tr("The recording is truncated: only its first %1 can be played.")
                                 .arg(TimeText::duration(recording.durationUs)));
        else if (flag.code == u"recording_unsupported_codec")
            sentences.append(tr("The recording uses %1, which the console cannot play. Download "
                                "it to play it in another program.")
                                 .arg(codecName(recording.codec)));
        else
            sentences.append(flag.message.isEmpty() ? flag.code : flag.message);
    }
    if (sentences.isEmpty() && !isPlayable(recording))
        sentences.append(tr("The recording uses %1, which the console cannot play. Download it "
                            "to play it in another program.")
                             .arg(codecName(recording.codec)));
    return sentences.join(u' ');
}

QString RecordingText::shortProblem(const Recording &recording)
{
    if (recording.hasFlag(u"recording_missing"))
        return tr("missing");
    if (recording.hasFlag(u"recording_empty"))
        return tr("empty");
    if (recording.hasFlag(u"recording_unreadable"))
        return tr("unreadable");
    if (recording.hasFlag(u"recording_truncated"))
        return tr("truncated");
    if (!isPlayable(recording))
        return tr("cannot be played here");
    return hasProblem(recording) ? tr("problem") : QString();
}

QString RecordingText::title(const Call &call, const Recording &recording)
{
    if (!recording.name.isEmpty())
        return recording.name;
    const qsizetype index = call.recordings.indexOf(recording);
    return tr("Recording %1").arg(index + 1);
}

QString RecordingText::heard(const Call &call, const Recording &recording)
{
    QStringList who;
    for (const QString &id : recording.participantIds)
        who.append(CallText::participantLabel(call, id));
    return QLocale().createSeparatedList(who);
}

QString RecordingText::format(const Recording &recording)
{
    QStringList parts;
    if (recording.sampleRate > 0) {
        const double kilohertz = recording.sampleRate / 1000.0;
        parts.append(tr("%1 kHz").arg(QLocale().toString(kilohertz, 'g', 4)));
    }
    if (recording.channels == 1)
        parts.append(tr("mono"));
    else if (recording.channels == 2)
        parts.append(tr("stereo"));
    else if (recording.channels > 2)
        parts.append(tr("%n channel(s)", "", recording.channels));
    parts.append(codecName(recording.codec));
    return parts.join(u", "_qs);
}

QString RecordingText::clock(qint64 microseconds)
{
    const qint64 seconds = qMax<qint64>(0, microseconds) / 1000000;
    const auto two = [](qint64 value) {
        return QStringLiteral("%1").arg(value, 2, 10, QLatin1Char('0'));
    };
    if (seconds >= 3600)
        return QString::number(seconds / 3600) + u':' + two(seconds / 60 % 60) + u':'
            + two(seconds % 60);
    return two(seconds / 60) + u':' + two(seconds % 60);
}
