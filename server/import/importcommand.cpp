// PLACEHOLDER: replaced by the real command before anything lands.
#include "commands.h"

#include <QTextStream>

int runImportCommand(const QStringList &)
{
    QTextStream(stderr) << "this command is not built yet\n";
    return 1;
}
