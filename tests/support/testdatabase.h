#pragma once

#include <QString>

// The database a server test runs against. By default a SQLite file; when the environment says
// CRN_TEST_DATABASE=postgresql (ctest sets it on the postgres/ runs of the server tests), a
// fresh database on a PostgreSQL cluster that this test process starts on first use and stops
// when it exits.
//
// The cluster: initdb into a temporary folder, `pg_ctl start` on a free port on 127.0.0.1
// with its socket in that folder, binaries from /usr/lib/postgresql/<version>/bin (never from
// PATH). PostgreSQL refuses to run as root, so as root initdb and pg_ctl run as the system user
// "postgres" (runuser), which owns the folder. A small watchdog shell stops the cluster and
// removes the folder if the test process dies without stopping it (a crash, an abort).
// Connections use a password (scram-sha-256), so the URLs tests get carry one.
//
// A failure to start PostgreSQL ends the test process with qFatal and the reason: no test can
// run without its database, and pretending otherwise would pass tests that ran nothing.
// For the test's main thread.
class TestDatabase
{
public:
    // Whether this run stores in PostgreSQL (CRN_TEST_DATABASE=postgresql).
    static bool isPostgreSQL();

    // What to pass as --db for the database a test would have kept in sqlitePath: that path on
    // a SQLite run; on a PostgreSQL run, the URL of a database of its own, created empty the
    // first time this path is asked for and the same one on every later call.
    static QString address(const QString &sqlitePath);

    // A postgresql:// URL of the running cluster's port with a database that does not exist
    // and the right user and password, for tests of the server's refusals; the cluster is
    // started if needed. Empty on a SQLite run.
    static QString missingDatabaseAddress();
};
