#include "recordinglinker.h"

#include "model/crntext.h"

#include <QSet>

#include <algorithm>

namespace {

bool isHeard(SegmentKind kind)
{
    return kind == SegmentKind::Talk || kind == SegmentKind::Hold
        || kind == SegmentKind::Conference;
}

QString secondsText(qint64 us)
{
    return QString::number(double(us) / 1e6, 'f', 2);
}

} // namespace

namespace RecordingLinker {

QString legFor(const Call &call, const QString &target, bool legOnly)
{
    const QString key = CrnText::normalized(target);
    if (key.isEmpty() || (!legOnly && key == CrnText::normalized(call.crn())))
        return {};
    for (const Leg &leg : call.legs) {
        if (CrnText::normalized(leg.id) == key)
            return leg.id;
    }
    return {};
}

Recording place(const Call &call, const StoredRecordingFile &file, const Link &link)
{
    Recording recording;
    recording.id = file.id;
    recording.name = file.path.section(u'/', -1);
    recording.sizeBytes = file.sizeBytes;
    recording.contentType = file.contentType;
    recording.codec = file.codec;
    recording.channels = file.channels;
    recording.sampleRate = file.sampleRate;
    recording.durationUs = file.durationUs;
    recording.flags = file.flags;
    recording.legId = legFor(call, link.target, link.legOnly);
    const Leg *leg = recording.legId.isEmpty() ? nullptr : call.leg(recording.legId);

    if (link.startUs) {
        recording.start = Timestamp::fromMicroseconds(*link.startUs);
    } else if (file.present && file.channels > 0) {
        const bool byLeg = leg && leg->end.isValid();
        const Timestamp end = byLeg ? leg->end : call.summary.end;
        if (end.isValid()) {
            recording.start = end.addMicroseconds(-file.durationUs);
            const QString who = byLeg ? u"its leg "_qs
                    + (leg->channel.isEmpty() ? leg->id : leg->channel) + u" hung up"_qs
                                      : u"the call ended"_qs;
            recording.flags.append(
                { u"recording_start_estimated"_qs,
                  QStringLiteral("No record says when this recording began: it is taken to end "
                                 "when %1 (%2), as a channel's recorder stops then, so it begins "
                                 "%3 s earlier.")
                      .arg(who, end.toIso(), secondsText(file.durationUs)) });
        }
    }

    QSet<QString> heard;
    if (leg && !leg->participantId.isEmpty())
        heard.insert(leg->participantId);
    if (recording.start.isValid()) {
        const Timestamp end = recording.end();
        for (const Segment &segment : call.segments) {
            if (isHeard(segment.kind) && segment.start < end && recording.start < segment.end)
                heard.insert(segment.participantId);
        }
    }
    for (const Participant &participant : call.participants) {
        if (heard.contains(participant.id))
            recording.participantIds.append(participant.id);
    }
    return recording;
}

void attach(Call &call, QList<Recording> recordings)
{
    std::stable_sort(recordings.begin(), recordings.end(),
                     [](const Recording &a, const Recording &b) {
                         if (a.start.isValid() != b.start.isValid())
                             return a.start.isValid();
                         if (a.start != b.start)
                             return a.start < b.start;
                         return a.name != b.name ? a.name < b.name : a.id < b.id;
                     });
    call.recordings = std::move(recordings);
    call.summary.recordingCount = int(call.recordings.size());
}

} // namespace RecordingLinker
