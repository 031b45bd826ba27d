#pragma once

#include <QStringList>

// The sub-commands of crn-server. Each takes the arguments after its own name and returns the
// process exit code: 0 on success, 1 on failure, 2 on a usage error.
int runImportCommand(const QStringList &arguments);
int runServeCommand(const QStringList &arguments);
int runGenerateCommand(const QStringList &arguments);
// user add|list|disable: the users and bearer tokens of the API (server/access).
int runUserCommand(const QStringList &arguments);
// audit export: the audit log as CSV (server/audit).
int runAuditCommand(const QStringList &arguments);
