#pragma once

#include "escalation/escalationmodel.h"
#include "model/call.h"
#include "model/timestamp.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

// A span of one recording offered as evidence, in seconds into the recording.
struct RecordingEvidence
{
    QString recordingId;
    double start = 0;
    double end = 0;

    bool operator==(const RecordingEvidence &) const = default;
};

// An event of the call offered as evidence, named as the call's JSON names it.
struct EventEvidence
{
    QString type;
    Timestamp time;
    QString legId;

    bool operator==(const EventEvidence &) const = default;
};

// What a supervisor is writing in the escalation form, before and after it is submitted.
//
// It is the form's whole state: the fields of docs/api.yaml's EscalationRequest, the evidence,
// the durations of the call's recordings (so that a span can be checked offline), and, for a
// submission the server refused, the outbox item it corrects and the server's reason per field.
// toRequestBody() is what goes to POST /api/v1/escalations; toJson()/fromJson() are the draft
// file. validate() applies the request's rules as the supervisor types. Plain value; any thread.
struct EscalationDraft
{
    // Seconds of evidence on each side of the playhead when no span is selected.
    static constexpr double kAroundPositionSeconds = 10.0;

    QString crn;
    QString category;
    QString priority;
    QString team;
    QString summary;
    QString description;
    QString callbackNumber;
    QList<RecordingEvidence> recordings;
    QList<EventEvidence> events;

    // Seconds of audio in each of the call's recordings, by id.
    QMap<QString, double> recordingDurations;
    // The outbox item this draft corrects (-1: a new escalation), and the server's reasons.
    qint64 resubmitOf = -1;
    QMap<QString, QString> serverErrors;

    bool operator==(const EscalationDraft &) const = default;

    // A draft for call: its CRN and its recordings' durations.
    static EscalationDraft forCall(const Call &call);

    // The body of POST /api/v1/escalations; empty optional fields are left out.
    QJsonObject toRequestJson() const;
    QByteArray toRequestBody() const;
    // Reads a request body back (a failed outbox item being corrected).
    static std::optional<EscalationDraft> fromRequestBody(const QByteArray &body);

    QJsonObject toJson() const;
    static std::optional<EscalationDraft> fromJson(const QJsonObject &object);

    // What is wrong, keyed by the request's field names ("summary", "callback_number",
    // "evidence", ...), one sentence each; empty when the draft may be submitted. Categories,
    // priorities and teams are checked against options when it is not empty.
    QMap<QString, QString> validate(const EscalationOptions &options) const;
    // Nothing written yet beyond what forCall fills in: such a draft is not worth keeping.
    bool isBlank() const;
};

namespace EscalationEvidenceSpan {

// The evidence for the span [from, to) of call time: the recording that covers from (the one
// playing, recordingId, when it does), start and end in seconds into it, end clamped to its
// length. Nothing when no recording covers from or the span is empty.
std::optional<RecordingEvidence> forSpan(const Call &call, Timestamp from, Timestamp to,
                                         const QString &recordingId = {});
// The evidence around one moment: position ± EscalationDraft::kAroundPositionSeconds, clamped
// to the recording playing (recordingId) or the one that covers position.
std::optional<RecordingEvidence> aroundPosition(const Call &call, Timestamp position,
                                                const QString &recordingId = {});

} // namespace EscalationEvidenceSpan
