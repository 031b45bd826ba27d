#pragma once

#include "access/caller.h"

#include <QJsonObject>

// Whether an agent took part in a call, as docs/api.yaml ("Who is asking") defines it: the
// call has an agent participant whose name or id, in CrnText's normal form, is the agent id,
// or it lists the agent among its summary's agents (the key the call store searches by).
// call is the call's JSON document. Pure; any thread.
bool agentTookPart(const QJsonObject &call, const QString &agentId);

// Whether the caller may read this call: supervisors and auditors any, agents their own.
bool callerMayRead(const Caller &caller, const QJsonObject &call);
