#include "access/caller.h"

QString roleName(Role role)
{
    switch (role) {
    case Role::Supervisor:
        return u"supervisor"_qs;
    case Role::Auditor:
        return u"auditor"_qs;
    case Role::Agent:
        return u"agent"_qs;
    }
    return {};
}

std::optional<Role> roleFromName(QStringView name)
{
    for (Role role : { Role::Supervisor, Role::Auditor, Role::Agent }) {
        if (name == roleName(role))
            return role;
    }
    return std::nullopt;
}
