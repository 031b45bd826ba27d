#pragma once

#include <QString>
#include <QVariant>

// Writes to the application's QSettings on a thread of its own.
//
// Every QSettings object that changed a value writes the whole settings file, under a lock
// file, when it is destroyed, and `QSettings().setValue(...)` does that at once: several
// milliseconds of disk on the calling thread. The UI keeps what it shows in memory and hands
// the writes here; they run in the order given, one at a time. Reads stay plain QSettings
// reads, which see a value once its write has run: a class that reads back what it just wrote
// keeps its own copy instead. Pending writes are finished before the application object is
// destroyed. Any thread.
namespace SettingsWriter {

void setValue(const QString &key, const QVariant &value);
void remove(const QString &key);
// Waits until every write handed over so far is in the file; for tests.
void flush();

} // namespace SettingsWriter
