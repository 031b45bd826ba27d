#pragma once

#include <QStringList>

// The sub-commands of crn-server. Each takes the arguments after its own name and returns the
// process exit code: 0 on success, 1 on failure, 2 on a usage error.
int runImportCommand(const QStringList &arguments);
int runServeCommand(const QStringList &arguments);
int runGenerateCommand(const QStringList &arguments);
