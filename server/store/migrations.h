#pragma once

#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <functional>

// The two SQL dialects the server stores in: SQLite (the embedded default) and PostgreSQL.
enum class SqlDialect { SQLite, PostgreSQL };

SqlDialect sqlDialect(const QSqlDatabase &database);

// One step of a component's schema, from the version before it to `version`. Most statements
// read the same in both dialects; where they cannot (identity columns, STRICT tables), a step
// gives each dialect its own list.
struct MigrationStep
{
    int version = 0;
    QStringList sqlite;
    QStringList postgresql; // empty: the same statements as for SQLite
};

// Brings one component's tables (e.g. "access", "escalations") to its newest step, in one
// transaction, and records the version reached in the table schema_versions (component,
// version). Several components share one database and migrate independently, so that no two
// parts of the server edit one list of steps. On PostgreSQL an advisory lock makes two servers
// starting at once take turns. A database written by a newer crn-server (a version past the
// last step) is refused. Returns false with a sentence in *error.
bool applyMigrations(QSqlDatabase database, const QString &component,
                     const QList<MigrationStep> &steps, QString *error);

// Work SQL alone cannot do (e.g. search keys only C++ can derive), run after the statements of
// each step that runs, in the same transaction; returns false with a sentence in *why.
using MigrationCode = std::function<bool(int version, QSqlDatabase database, QString *why)>;
bool applyMigrations(QSqlDatabase database, const QString &component,
                     const QList<MigrationStep> &steps, const MigrationCode &afterStep,
                     QString *error);
