#include "translations.h"

#include "logging.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace Translations {

void install(QCoreApplication *application)
{
    // Qt's own strings (buttons, context menus) in the user's language, where Qt ships them.
    auto *qt = new QTranslator(application);
    if (qt->load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    else
        delete qt;

    auto *console = new QTranslator(application);
    if (console->load(QLocale(), QStringLiteral("crn-console"), QStringLiteral("_"),
                      QStringLiteral(":/i18n"))
        || console->load(QStringLiteral("crn-console_en"), QStringLiteral(":/i18n"))) {
        QCoreApplication::installTranslator(console);
        qCDebug(lcUi) << "translation loaded:" << console->language();
    } else {
        qCWarning(lcUi) << "no translation found under :/i18n; plural forms will read oddly";
        delete console;
    }
}

} // namespace Translations
