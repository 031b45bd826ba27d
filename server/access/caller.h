#pragma once

#include <QString>
#include <QStringView>

#include <optional>

// What a user may do, as docs/api.yaml ("Who is asking") and each operation's x-roles say.
enum class Role { Supervisor, Auditor, Agent };

// "supervisor", "auditor", "agent": the words of the API, the CLI and the users table.
QString roleName(Role role);
std::optional<Role> roleFromName(QStringView name);

// Who sent a request, as the bearer token says. Every guarded route gets one.
struct Caller
{
    QString user; // the name given to `crn-server user add`
    Role role = Role::Agent;
    QString agentId; // agents only: the agent key (CrnText's normal form) their calls carry
};
