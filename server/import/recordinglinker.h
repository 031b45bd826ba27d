#pragma once

#include "model/call.h"
#include "store/eventstore.h"

#include <QString>

#include <optional>

// Places a recording file in the call it belongs to: which leg it recorded, when its first
// sample was taken, and who can be heard on it.
//
// The start comes from the record that linked the file when it says (a mapping row, a
// FreeSWITCH CDR's app_stamp); otherwise the recording is taken to end when its leg hung up
// (the call, for a recording of the whole call), as a channel's recorder stops then, and the
// flag recording_start_estimated says so. A file whose duration is unknown (missing,
// unreadable) and that no record places has no start. Who is heard: the recorded leg's
// participant, and everyone who talks, holds or confers while it runs.
//
// Pure functions, any thread; nothing here fails.
namespace RecordingLinker {

// What linked a recording to its call.
struct Link
{
    QString target; // the leg id or CRN, as the record or the file name has it
    bool legOnly = false; // the target is the recorded leg even where it spells the CRN
    std::optional<qint64> startUs; // the first sample's time, where a record says
};

// The leg of the call the target names, as the call spells its id; empty when the target is
// the call's CRN (a CRN wins over a leg of the same spelling unless legOnly) or no leg.
QString legFor(const Call &call, const QString &target, bool legOnly);

Recording place(const Call &call, const StoredRecordingFile &file, const Link &link);

// Sets the call's recordings, by start (those without one last), and its recording count.
void attach(Call &call, QList<Recording> recordings);

} // namespace RecordingLinker
