#include "tokenstore.h"

#include "logging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>
#include <QtConcurrent/QtConcurrentRun>

#include <qt6keychain/keychain.h>

#include <functional>

namespace {

// What a file operation found, carried from the thread pool back to the UI thread.
struct FileResult
{
    bool ok = false;
    bool found = false;
    QByteArray token;
    QString problem;
};

QJsonObject readTokens(const QString &path, QString *problem)
{
    QFile file(path);
    if (!file.exists())
        return {};
    if (!file.open(QIODevice::ReadOnly)) {
        *problem = file.errorString();
        return {};
    }
    return QJsonDocument::fromJson(file.readAll()).object();
}

FileResult writeTokens(const QString &path, const QString &key, const QByteArray &token, bool erase)
{
    FileResult result;
    QString problem;
    QJsonObject tokens = readTokens(path, &problem);
    if (!problem.isEmpty()) {
        result.problem = problem;
        return result;
    }
    if (erase)
        tokens.remove(key);
    else
        tokens.insert(key, QString::fromLatin1(token));

    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        result.problem = file.errorString();
        return result;
    }
    // The temporary file is narrowed before a byte is written, and the rename keeps its mode.
    if (!file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        result.problem = file.errorString();
        file.cancelWriting();
        return result;
    }
    file.write(QJsonDocument(tokens).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        result.problem = file.errorString();
        return result;
    }
    result.ok = true;
    return result;
}

FileResult readToken(const QString &path, const QString &key)
{
    FileResult result;
    const QJsonObject tokens = readTokens(path, &result.problem);
    result.ok = result.problem.isEmpty();
    const QJsonValue value = tokens.value(key);
    result.found = value.isString() && !value.toString().isEmpty();
    result.token = value.toString().toLatin1();
    return result;
}

// Runs work on the thread pool and hands its result to done on the receiver's thread.
template<typename Done>
void runThen(QObject *receiver, std::function<FileResult()> work, Done done)
{
    auto *watcher = new QFutureWatcher<FileResult>(receiver);
    QObject::connect(watcher, &QFutureWatcher<FileResult>::finished, receiver, [watcher, done] {
        watcher->deleteLater();
        done(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(std::move(work)));
}

} // namespace

TokenStore::TokenStore(QObject *parent)
    : QObject(parent)
{ }

TokenStore::~TokenStore() = default;

QString TokenStore::fallbackFilePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation)
        + u"/crn-console-tokens.json"_qs;
}

QString TokenStore::keyFor(const QUrl &server)
{
    return server
        .adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo
                  | QUrl::StripTrailingSlash)
        .toString();
}

void TokenStore::load(const QUrl &server)
{
    auto *job = new QKeychain::ReadPasswordJob(kService.toString(), this);
    job->setAutoDelete(true);
    job->setKey(keyFor(server));
    connect(job, &QKeychain::Job::finished, this, [this, server](QKeychain::Job *finished) {
        const auto *read = static_cast<QKeychain::ReadPasswordJob *>(finished);
        if (read->error() == QKeychain::NoError) {
            m_backend = Backend::Keychain;
            qCDebug(lcNet) << "access token read from the keychain";
            Q_EMIT loaded(server, read->binaryData(), true);
            return;
        }
        // Not in the keychain, or no keychain: it may have been kept in the file before.
        qCDebug(lcNet).noquote() << "keychain read failed (" << read->error() << read->errorString()
                                 << "); trying the file";
        loadFromFile(server);
    });
    job->start();
}

void TokenStore::loadFromFile(const QUrl &server)
{
    const QString path = fallbackFilePath();
    const QString key = keyFor(server);
    runThen(
        this, [path, key] { return readToken(path, key); },
        [this, server](const FileResult &result) {
            if (!result.ok)
                qCWarning(lcNet).noquote() << "token file cannot be read:" << result.problem;
            if (result.found)
                usingFile();
            Q_EMIT loaded(server, result.found ? result.token : QByteArray(), result.found);
        });
}

void TokenStore::save(const QUrl &server, const QByteArray &token)
{
    auto *job = new QKeychain::WritePasswordJob(kService.toString(), this);
    job->setAutoDelete(true);
    job->setKey(keyFor(server));
    job->setBinaryData(token);
    connect(job, &QKeychain::Job::finished, this, [this, server, token](QKeychain::Job *finished) {
        if (finished->error() == QKeychain::NoError) {
            m_backend = Backend::Keychain;
            qCInfo(lcNet) << "access token kept in the keychain";
            // A copy left in the file from a time without keychain must not outlive it.
            const QString path = fallbackFilePath();
            const QString key = keyFor(server);
            runThen(
                this,
                [path, key] {
                    return QFile::exists(path) ? writeTokens(path, key, {}, true)
                                               : FileResult { true, false, {}, {} };
                },
                [this, server](const FileResult &) { Q_EMIT saved(server, true, {}); });
            return;
        }
        qCInfo(lcNet).noquote() << "no keychain answered (" << finished->error()
                                << finished->errorString() << "); using the file";
        saveToFile(server, token);
    });
    job->start();
}

void TokenStore::saveToFile(const QUrl &server, const QByteArray &token)
{
    const QString path = fallbackFilePath();
    const QString key = keyFor(server);
    runThen(
        this, [path, key, token] { return writeTokens(path, key, token, false); },
        [this, server, path](const FileResult &result) {
            if (!result.ok) {
                qCWarning(lcNet).noquote() << "token file cannot be written:" << result.problem;
                Q_EMIT saved(server, false,
                             tr("The access token cannot be kept: no keychain answered and "
                                "the file %1 cannot be written (%2).")
                                 .arg(QDir::toNativeSeparators(path), result.problem));
                return;
            }
            usingFile();
            Q_EMIT saved(server, true, {});
        });
}

void TokenStore::remove(const QUrl &server)
{
    auto *job = new QKeychain::DeletePasswordJob(kService.toString(), this);
    job->setAutoDelete(true);
    job->setKey(keyFor(server));
    connect(job, &QKeychain::Job::finished, this, [this, server](QKeychain::Job *) {
        const QString path = fallbackFilePath();
        const QString key = keyFor(server);
        runThen(
            this,
            [path, key] {
                return QFile::exists(path) ? writeTokens(path, key, {}, true)
                                           : FileResult { true, false, {}, {} };
            },
            [this, server](const FileResult &) { Q_EMIT removed(server); });
    });
    job->start();
}

void TokenStore::usingFile()
{
    m_backend = Backend::File;
    if (m_noticeGiven)
        return;
    m_noticeGiven = true;
    Q_EMIT notice(tr("No system keychain answered, so the access token is kept in %1, which "
                     "only your user account can read.")
                      .arg(QDir::toNativeSeparators(fallbackFilePath())));
}
