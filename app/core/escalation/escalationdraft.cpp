#include "escalationdraft.h"

#include "escalation/escalationrules.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>
#include <limits>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("EscalationDraft", text);
}

QJsonArray evidenceRecordings(const QList<RecordingEvidence> &recordings)
{
    QJsonArray array;
    for (const RecordingEvidence &recording : recordings) {
        array.append(QJsonObject { { u"recording_id"_qs, recording.recordingId },
                                   { u"start"_qs, recording.start },
                                   { u"end"_qs, recording.end } });
    }
    return array;
}

QJsonArray evidenceEvents(const QList<EventEvidence> &events)
{
    QJsonArray array;
    for (const EventEvidence &event : events) {
        array.append(QJsonObject { { u"type"_qs, event.type },
                                   { u"time"_qs, event.time.toIso() },
                                   { u"leg"_qs, event.legId } });
    }
    return array;
}

void readEvidence(const QJsonObject &evidence, EscalationDraft *draft)
{
    for (const QJsonValue &value : evidence.value(u"recordings").toArray()) {
        const QJsonObject object = value.toObject();
        draft->recordings.append({ object.value(u"recording_id").toString(),
                                   object.value(u"start").toDouble(),
                                   object.value(u"end").toDouble() });
    }
    for (const QJsonValue &value : evidence.value(u"events").toArray()) {
        const QJsonObject object = value.toObject();
        const auto time = Timestamp::parseIso(object.value(u"time").toString());
        draft->events.append({ object.value(u"type").toString(), time.value_or(Timestamp()),
                               object.value(u"leg").toString() });
    }
}

void readFields(const QJsonObject &object, EscalationDraft *draft)
{
    draft->crn = object.value(u"crn").toString();
    draft->category = object.value(u"category").toString();
    draft->priority = object.value(u"priority").toString();
    draft->team = object.value(u"team").toString();
    draft->summary = object.value(u"summary").toString();
    draft->description = object.value(u"description").toString();
    draft->callbackNumber = object.value(u"callback_number").toString();
    readEvidence(object.value(u"evidence").toObject(), draft);
}

const Recording *findRecording(const Call &call, const QString &id)
{
    for (const Recording &recording : call.recordings) {
        if (recording.id == id)
            return &recording;
    }
    return nullptr;
}

// The recording playing when it covers t, else the first that does.
const Recording *coveringRecording(const Call &call, Timestamp t, const QString &preferred)
{
    const auto covers = [t](const Recording &r) {
        return r.start.isValid() && r.durationUs > 0 && r.start <= t && t <= r.end();
    };
    if (const Recording *playing = findRecording(call, preferred); playing && covers(*playing))
        return playing;
    for (const Recording &recording : call.recordings) {
        if (covers(recording))
            return &recording;
    }
    return nullptr;
}

double secondsInto(const Recording &recording, Timestamp t)
{
    const double seconds = double(t - recording.start) / 1e6;
    return qBound(0.0, seconds, double(recording.durationUs) / 1e6);
}

// Three decimals: the evidence names milliseconds, and 12.3000000001 reads badly.
double rounded(double seconds)
{
    return std::round(seconds * 1000.0) / 1000.0;
}

} // namespace

EscalationDraft EscalationDraft::forCall(const Call &call)
{
    EscalationDraft draft;
    draft.crn = call.summary.crn;
    for (const Recording &recording : call.recordings)
        draft.recordingDurations.insert(recording.id, double(recording.durationUs) / 1e6);
    return draft;
}

QJsonObject EscalationDraft::toRequestJson() const
{
    QJsonObject object { { u"crn"_qs, crn },
                         { u"category"_qs, category },
                         { u"priority"_qs, priority },
                         { u"team"_qs, team },
                         { u"summary"_qs, summary.trimmed() } };
    if (!description.trimmed().isEmpty())
        object.insert(u"description"_qs, description);
    if (!callbackNumber.trimmed().isEmpty())
        object.insert(u"callback_number"_qs, callbackNumber.trimmed());
    QJsonObject evidence;
    if (!recordings.isEmpty())
        evidence.insert(u"recordings"_qs, evidenceRecordings(recordings));
    if (!events.isEmpty())
        evidence.insert(u"events"_qs, evidenceEvents(events));
    if (!evidence.isEmpty())
        object.insert(u"evidence"_qs, evidence);
    return object;
}

QByteArray EscalationDraft::toRequestBody() const
{
    return QJsonDocument(toRequestJson()).toJson(QJsonDocument::Compact);
}

std::optional<EscalationDraft> EscalationDraft::fromRequestBody(const QByteArray &body)
{
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (!document.isObject())
        return std::nullopt;
    EscalationDraft draft;
    readFields(document.object(), &draft);
    return draft;
}

QJsonObject EscalationDraft::toJson() const
{
    QJsonObject object = toRequestJson();
    // The draft keeps what the supervisor typed, untrimmed.
    object.insert(u"summary"_qs, summary);
    object.insert(u"description"_qs, description);
    object.insert(u"callback_number"_qs, callbackNumber);
    QJsonObject durations;
    for (auto it = recordingDurations.begin(); it != recordingDurations.end(); ++it)
        durations.insert(it.key(), it.value());
    object.insert(u"recording_durations"_qs, durations);
    object.insert(u"resubmit_of"_qs, resubmitOf);
    QJsonObject errors;
    for (auto it = serverErrors.begin(); it != serverErrors.end(); ++it)
        errors.insert(it.key(), it.value());
    object.insert(u"server_errors"_qs, errors);
    return object;
}

std::optional<EscalationDraft> EscalationDraft::fromJson(const QJsonObject &object)
{
    if (!object.value(u"crn").isString())
        return std::nullopt;
    EscalationDraft draft;
    readFields(object, &draft);
    const QJsonObject durations = object.value(u"recording_durations").toObject();
    for (auto it = durations.begin(); it != durations.end(); ++it)
        draft.recordingDurations.insert(it.key(), it.value().toDouble());
    draft.resubmitOf = object.value(u"resubmit_of").toInteger(-1);
    const QJsonObject errors = object.value(u"server_errors").toObject();
    for (auto it = errors.begin(); it != errors.end(); ++it)
        draft.serverErrors.insert(it.key(), it.value().toString());
    return draft;
}

bool EscalationDraft::isBlank() const
{
    return category.isEmpty() && priority.isEmpty() && team.isEmpty() && summary.trimmed().isEmpty()
        && description.trimmed().isEmpty() && callbackNumber.trimmed().isEmpty()
        && recordings.isEmpty() && events.isEmpty() && resubmitOf < 0;
}

QMap<QString, QString> EscalationDraft::validate(const EscalationOptions &options) const
{
    QMap<QString, QString> problems;
    if (crn.trimmed().isEmpty())
        problems.insert(u"crn"_qs, tr("The escalation needs the call's CRN."));

    const EscalationCategory *chosen = options.category(category);
    if (category.isEmpty())
        problems.insert(u"category"_qs, tr("Choose a category."));
    else if (!options.isEmpty() && !chosen)
        problems.insert(u"category"_qs, tr("The server does not offer this category any more."));
    if (priority.isEmpty())
        problems.insert(u"priority"_qs, tr("Choose a priority."));
    else if (!options.isEmpty() && !options.hasPriority(priority))
        problems.insert(u"priority"_qs, tr("The server does not offer this priority any more."));
    if (team.isEmpty())
        problems.insert(u"team"_qs, tr("Choose the team that should act."));
    else if (!options.isEmpty() && !options.hasTeam(team))
        problems.insert(u"team"_qs, tr("The server does not offer this team any more."));

    // The field rules are crn-server's own (EscalationRules), so that the form refuses what the
    // server would refuse, with the same sentence.
    const auto note = [&problems](const QString &field, const QString &problem) {
        if (!problem.isEmpty() && !problems.contains(field))
            problems.insert(field, problem);
    };
    note(u"summary"_qs, EscalationRules::summaryProblem(summary));
    note(u"description"_qs, EscalationRules::descriptionProblem(description));
    note(u"callback_number"_qs, EscalationRules::callbackNumberProblem(callbackNumber.trimmed()));
    for (const RecordingEvidence &span : recordings) {
        // A recording whose length this draft does not know is judged by the server alone.
        const double length
            = recordingDurations.value(span.recordingId, std::numeric_limits<double>::infinity());
        note(u"evidence"_qs, EscalationRules::spanProblem(span.start, span.end, length));
    }

    if (chosen) {
        const bool evidenceGiven = !recordings.isEmpty() || !events.isEmpty();
        for (const QString &field : chosen->requiredFields) {
            bool present = true;
            if (field == u"description")
                present = !description.trimmed().isEmpty();
            else if (field == u"callback_number")
                present = !callbackNumber.trimmed().isEmpty();
            else if (field == u"evidence")
                present = evidenceGiven;
            note(field, EscalationRules::requiredFieldProblem(field, chosen->label, present));
        }
    }
    return problems;
}

std::optional<RecordingEvidence> EscalationEvidenceSpan::forSpan(const Call &call, Timestamp from,
                                                                 Timestamp to,
                                                                 const QString &recordingId)
{
    if (!from.isValid() || !to.isValid() || !(from < to))
        return std::nullopt;
    const Recording *recording = coveringRecording(call, from, recordingId);
    if (!recording)
        return std::nullopt;
    const double start = rounded(secondsInto(*recording, from));
    const double end = rounded(secondsInto(*recording, to));
    if (!(start < end))
        return std::nullopt;
    return RecordingEvidence { recording->id, start, end };
}

std::optional<RecordingEvidence> EscalationEvidenceSpan::aroundPosition(const Call &call,
                                                                        Timestamp position,
                                                                        const QString &recordingId)
{
    if (!position.isValid())
        return std::nullopt;
    const Recording *recording = coveringRecording(call, position, recordingId);
    if (!recording)
        return std::nullopt;
    const qint64 around = qint64(EscalationDraft::kAroundPositionSeconds * 1e6);
    const double start = rounded(secondsInto(*recording, position.addMicroseconds(-around)));
    const double end = rounded(secondsInto(*recording, position.addMicroseconds(around)));
    if (!(start < end))
        return std::nullopt;
    return RecordingEvidence { recording->id, start, end };
}
