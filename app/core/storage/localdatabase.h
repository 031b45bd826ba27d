#pragma once

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <functional>

class QSqlError;

// One SQLite file of the console's own, such as the call cache or the escalation outbox, opened
// on the thread that will use it. SQLite opens any file lazily, so open() reads it at once
// (quick_check); a file that is not a readable database, or that a newer console wrote (its
// user_version is past the one this code knows), is renamed to <name>.corrupt-<UTC time> with
// its WAL, and a new, empty file is started in its place. The console keeps working, and the
// old file is kept for a person to look at; setAside() and keptAs() say what happened, for the
// owner's sentence. Failures come back as false with a technical reason, for the log.
class LocalDatabase
{
public:
    // CouldNot: the file was damaged or newer, and renaming it failed.
    enum class SetAside { No, Damaged, Newer, CouldNot };

    struct Setup
    {
        QString connectionPrefix; // e.g. "crn-cache"; a number is added per connection
        QStringList pragmas; // run after the check, before the schema
        int schemaVersion = 0; // the PRAGMA user_version this code writes
        // Brings the schema to schemaVersion (from the version the file has, 0 when new),
        // through database(); false when it cannot.
        std::function<bool()> migrate;
    };

    LocalDatabase() = default;
    ~LocalDatabase();
    LocalDatabase(const LocalDatabase &) = delete;
    LocalDatabase &operator=(const LocalDatabase &) = delete;

    bool open(const QString &filePath, const Setup &setup, QString *why);
    void close();

    bool isOpen() const { return !m_connectionName.isEmpty(); }
    QSqlDatabase database() const;
    SetAside setAside() const { return m_setAside; }
    QString keptAs() const { return m_keptAs; } // the set-aside file's name, without its folder

    // SQLite's primary result codes for a file that is not a database or is damaged inside.
    static bool isDamage(const QSqlError &error);

private:
    enum class Outcome { Ready, Damaged, Newer, Failed };

    Outcome tryOpen(const QString &filePath, const Setup &setup, QString *why);
    static QString moveAside(const QString &filePath);

    QString m_connectionName;
    SetAside m_setAside = SetAside::No;
    QString m_keptAs;
};
