#include "access/agentscope.h"

#include "model/crntext.h"

#include <QJsonArray>

bool agentTookPart(const QJsonObject &call, const QString &agentId)
{
    if (agentId.isEmpty())
        return false;
    for (const QJsonValue &value : call.value(u"participants").toArray()) {
        const QJsonObject participant = value.toObject();
        if (participant.value(u"role").toString() != u"agent")
            continue;
        if (CrnText::normalized(participant.value(u"name").toString()) == agentId
            || CrnText::normalized(participant.value(u"id").toString()) == agentId)
            return true;
    }
    for (const QJsonValue &agent : call.value(u"agents").toArray()) {
        if (CrnText::normalized(agent.toString()) == agentId)
            return true;
    }
    return false;
}

bool callerMayRead(const Caller &caller, const QJsonObject &call)
{
    return caller.role != Role::Agent || agentTookPart(call, caller.agentId);
}
