#pragma once

class QCoreApplication;

// Loads the console's translations (.qm files embedded under :/i18n) for the user's languages.
// English is the fallback: its file carries the plural forms of the "%n" sentences, which the
// source strings alone cannot give. Call once, after the application object exists.
namespace Translations {

void install(QCoreApplication *application);

} // namespace Translations
