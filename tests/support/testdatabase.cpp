#include "testdatabase.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>
#include <pwd.h>
#include <sys/types.h>
#include <unistd.h>

namespace {

// Debian's layout; a stray copy elsewhere on PATH may be another version or build.
const QStringList kBinaryFolders
    = { u"/usr/lib/postgresql/15/bin"_qs, u"/usr/lib/postgresql/16/bin"_qs,
        u"/usr/lib/postgresql/17/bin"_qs };

const QString kUser = u"crn"_qs;

class Cluster
{
public:
    ~Cluster() { stop(); }

    bool start(QString *why)
    {
        for (const QString &folder : kBinaryFolders) {
            if (QFile::exists(folder + u"/pg_ctl"_qs)) {
                m_bin = folder;
                break;
            }
        }
        if (m_bin.isEmpty()) {
            *why = u"PostgreSQL is not installed (no pg_ctl in "_qs + kBinaryFolders.join(u", "_qs)
                + u"): run scripts/install-deps"_qs;
            return false;
        }

        // A short path: the socket's name must fit in 107 bytes.
        m_dir = std::make_unique<QTemporaryDir>(u"/tmp/crn-pg-XXXXXX"_qs);
        if (!m_dir->isValid()) {
            *why = u"no temporary folder for the cluster"_qs;
            return false;
        }
        m_password = QString::number(QRandomGenerator::system()->generate64(), 36);
        const QString passwordFile = m_dir->filePath(u"password"_qs);
        {
            QFile file(passwordFile);
            if (!file.open(QIODevice::WriteOnly) || file.write(m_password.toUtf8()) < 0) {
                *why = u"cannot write the cluster's password file"_qs;
                return false;
            }
        }
        if (::geteuid() == 0) {
            const passwd *postgres = ::getpwnam("postgres");
            if (!postgres) {
                *why = u"running as root, and there is no system user 'postgres' to run "
                       "PostgreSQL as (PostgreSQL refuses root)"_qs;
                return false;
            }
            m_runAs = true;
            for (const QString &path : { m_dir->path(), passwordFile }) {
                if (::chown(QFile::encodeName(path).constData(), postgres->pw_uid, postgres->pw_gid)
                    != 0) {
                    *why = u"cannot hand the cluster's folder to the user postgres"_qs;
                    return false;
                }
            }
        }

        if (!run(u"initdb"_qs,
                 { u"-D"_qs, dataFolder(), u"-U"_qs, kUser, u"--pwfile"_qs, passwordFile,
                   u"--auth-local=trust"_qs, u"--auth-host=scram-sha-256"_qs, u"-E"_qs, u"UTF8"_qs,
                   u"--locale=C"_qs, u"--no-sync"_qs },
                 why))
            return false;
        QFile::remove(passwordFile);

        // A port that was free a moment ago may be taken by the time PostgreSQL binds it.
        for (int attempt = 0; attempt < 3; ++attempt) {
            m_port = freePort();
            const QString options = QStringLiteral("-k %1 -p %2 -c listen_addresses=127.0.0.1"
                                                   " -c fsync=off -c full_page_writes=off"
                                                   " -c synchronous_commit=off")
                                        .arg(m_dir->path())
                                        .arg(m_port);
            if (run(u"pg_ctl"_qs,
                    { u"-D"_qs, dataFolder(), u"-o"_qs, options, u"-l"_qs,
                      m_dir->filePath(u"server.log"_qs), u"-w"_qs, u"-t"_qs, u"60"_qs,
                      u"start"_qs },
                    why)) {
                m_running = true;
                startWatchdog();
                return true;
            }
        }
        *why += u" Server log: "_qs + serverLog();
        return false;
    }

    void stop()
    {
        if (!m_running)
            return;
        QString why;
        if (!run(u"pg_ctl"_qs,
                 { u"-D"_qs, dataFolder(), u"-m"_qs, u"fast"_qs, u"-w"_qs, u"stop"_qs }, &why))
            qWarning("Could not stop the test's PostgreSQL: %s", qPrintable(why));
        m_running = false;
    }

    // A new, empty database.
    QString createDatabase(QString *why)
    {
        const QString name = u"crn_test_"_qs + QString::number(++m_databases);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_qs, u"crn-test-admin"_qs);
            db.setHostName(u"127.0.0.1"_qs);
            db.setPort(m_port);
            db.setUserName(kUser);
            db.setPassword(m_password);
            db.setDatabaseName(u"postgres"_qs);
            QSqlQuery query(db);
            if (!db.open() || !query.exec(u"CREATE DATABASE "_qs + name)) {
                *why = u"cannot create a test database: "_qs
                    + (db.isOpen() ? query.lastError().text() : db.lastError().text());
                db.close();
                QSqlDatabase::removeDatabase(u"crn-test-admin"_qs);
                return {};
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(u"crn-test-admin"_qs);
        return urlFor(name);
    }

    QString urlFor(const QString &database) const
    {
        QUrl url;
        url.setScheme(u"postgresql"_qs);
        url.setUserName(kUser);
        url.setPassword(m_password);
        url.setHost(u"127.0.0.1"_qs);
        url.setPort(m_port);
        url.setPath(u'/' + database);
        return url.toString();
    }

private:
    QString dataFolder() const { return m_dir->filePath(u"data"_qs); }

    QString serverLog() const
    {
        QFile log(m_dir->filePath(u"server.log"_qs));
        return log.open(QIODevice::ReadOnly) ? QString::fromUtf8(log.readAll()) : QString();
    }

    static quint16 freePort()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        return probe.serverPort();
    }

    // As root: runuser -u postgres -- PROGRAM...; else the program itself.
    QStringList command(const QString &tool, const QStringList &arguments) const
    {
        const QStringList direct = QStringList { m_bin + u'/' + tool } + arguments;
        return m_runAs ? QStringList { u"runuser"_qs, u"-u"_qs, u"postgres"_qs, u"--"_qs } + direct
                       : direct;
    }

    bool run(const QString &tool, const QStringList &arguments, QString *why) const
    {
        QStringList line = command(tool, arguments);
        QProcess process;
        process.setProgram(line.takeFirst());
        process.setArguments(line);
        process.setWorkingDirectory(m_dir->path()); // the user postgres may read it
        process.start();
        if (!process.waitForStarted(10000) || !process.waitForFinished(90000)
            || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
            *why = tool + u" failed: "_qs + process.errorString() + u' '
                + QString::fromLocal8Bit(process.readAllStandardError())
                + QString::fromLocal8Bit(process.readAllStandardOutput());
            return false;
        }
        return true;
    }

    // Stops the cluster and removes its folder once this process is gone, however it went.
    void startWatchdog()
    {
        auto quoted = [](const QString &text) -> QString {
            return u"'"_qs + QString(text).replace(u"'"_qs, u"'\\''"_qs) + u"'"_qs;
        };
        const QString stop
            = command(u"pg_ctl"_qs,
                      { u"-D"_qs, dataFolder(), u"-m"_qs, u"immediate"_qs, u"-w"_qs, u"stop"_qs })
                  .join(u' ');
        const QString script = QStringLiteral("while kill -0 %1 2>/dev/null; do sleep 1; done; "
                                              "%2 >/dev/null 2>&1; rm -rf %3")
                                   .arg(QCoreApplication::applicationPid())
                                   .arg(stop, quoted(m_dir->path()));
        QProcess watchdog;
        watchdog.setProgram(u"/bin/sh"_qs);
        watchdog.setArguments({ u"-c"_qs, script });
        watchdog.setStandardInputFile(QProcess::nullDevice());
        watchdog.setStandardOutputFile(QProcess::nullDevice());
        watchdog.setStandardErrorFile(QProcess::nullDevice());
        watchdog.startDetached();
    }

    QString m_bin;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_password;
    quint16 m_port = 0;
    bool m_runAs = false;
    bool m_running = false;
    int m_databases = 0;
};

Cluster &cluster()
{
    // Destroyed at exit, which stops PostgreSQL; started once, on the first database asked for.
    static Cluster instance;
    static bool started = false;
    if (!started) {
        QString why;
        if (!instance.start(&why))
            qFatal("The test's PostgreSQL did not start: %s", qPrintable(why));
        started = true;
    }
    return instance;
}

} // namespace

bool TestDatabase::isPostgreSQL()
{
    return qEnvironmentVariable("CRN_TEST_DATABASE") == u"postgresql"_qs;
}

QString TestDatabase::address(const QString &sqlitePath)
{
    if (!isPostgreSQL())
        return sqlitePath;

    static QHash<QString, QString> databases;
    const QString key = QDir::cleanPath(sqlitePath);
    if (const auto found = databases.constFind(key); found != databases.cend())
        return *found;
    QString why;
    const QString url = cluster().createDatabase(&why);
    if (url.isEmpty())
        qFatal("%s", qPrintable(why));
    databases.insert(key, url);
    return url;
}

QString TestDatabase::missingDatabaseAddress()
{
    return isPostgreSQL() ? cluster().urlFor(u"crn_no_such_database"_qs) : QString();
}
