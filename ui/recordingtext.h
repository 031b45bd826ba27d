#pragma once

#include "model/call.h"

#include <QCoreApplication>
#include <QString>

// The words a supervisor reads about a call's recordings: a title for each, who can be heard
// on it, its format, and a plain sentence for what is wrong with it.
//
// A recording "has a problem" when the player cannot give the supervisor all of it: missing on
// the server, unreadable, empty, truncated, or in a codec the console does not play. The flags
// that only explain (the start was estimated, the sizes were never written) are not problems.
// Stateless; any thread.
class RecordingText
{
    Q_DECLARE_TR_FUNCTIONS(RecordingText)

public:
    static bool hasProblem(const Recording &recording);
    // Whether the console can play the codec at all (GSM and unreadable files it cannot).
    static bool isPlayable(const Recording &recording);
    // A sentence per problem, for the tooltip and the player bar; empty when there is none.
    static QString problem(const Call &call, const Recording &recording);
    // One or two words for the lane where there is room: "missing", "empty", "truncated".
    static QString shortProblem(const Recording &recording);

    // The file's name, or "Recording 2" when the server gave none.
    static QString title(const Call &call, const Recording &recording);
    // "Caller 8001, Operator"; empty when the server does not say.
    static QString heard(const Call &call, const Recording &recording);
    // "8 kHz mono, G.711 µ-law".
    static QString format(const Recording &recording);

    // A player's clock: "01:12", "1:02:03" past an hour; negative times show as 00:00.
    static QString clock(qint64 microseconds);
};
