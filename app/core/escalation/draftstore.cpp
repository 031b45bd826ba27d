#include "draftstore.h"

#include "logging.h"
#include "model/crntext.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFutureWatcher>
#include <QJsonDocument>
#include <QSaveFile>
#include <QtConcurrent/QtConcurrentRun>

namespace {

// Why a file could not be written or removed; empty when it was.
QString writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return file.errorString();
    // A draft may hold a callback number: only the user reads it.
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(bytes);
    if (!file.commit())
        return file.errorString();
    return {};
}

QList<EscalationDraft> readFolder(const QString &folder)
{
    QList<EscalationDraft> drafts;
    const QDir dir(folder);
    const QStringList names = dir.entryList({ u"*.json"_qs }, QDir::Files, QDir::Time);
    for (const QString &name : names) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const auto draft
            = EscalationDraft::fromJson(QJsonDocument::fromJson(file.readAll()).object());
        if (draft)
            drafts.append(*draft);
        else
            qCWarning(lcCache).noquote() << "draft" << name << "cannot be read; left alone";
    }
    return drafts;
}

} // namespace

DraftStore::DraftStore(const QString &folder, QObject *parent)
    : QObject(parent)
    , m_folder(folder)
{
    // One job at a time: a removal never overtakes the write before it.
    m_pool.setMaxThreadCount(1);
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &DraftStore::flush);
}

DraftStore::~DraftStore()
{
    // What was typed last is not lost when the window closes within the debounce.
    flush();
    m_pool.waitForDone();
}

QString DraftStore::keyFor(const EscalationDraft &draft)
{
    if (draft.resubmitOf >= 0)
        return u"outbox-"_qs + QString::number(draft.resubmitOf);
    // The CRN goes into a file name through a hash: it may hold '/' (a channel name).
    const QByteArray crn = CrnText::normalized(draft.crn).toUtf8();
    return u"call-"_qs
        + QString::fromLatin1(
               QCryptographicHash::hash(crn, QCryptographicHash::Sha1).toHex().left(16));
}

QString DraftStore::filePath(const QString &key) const
{
    return m_folder + u'/' + key + u".json"_qs;
}

void DraftStore::save(const EscalationDraft &draft)
{
    m_pending.insert(keyFor(draft), draft);
    m_debounce.start();
}

void DraftStore::flush()
{
    m_debounce.stop();
    const QHash<QString, EscalationDraft> pending = std::exchange(m_pending, {});
    for (auto it = pending.begin(); it != pending.end(); ++it)
        write(it.key(), it.value());
}

void DraftStore::write(const QString &key, const EscalationDraft &draft)
{
    const QString path = filePath(key);
    const QByteArray bytes = QJsonDocument(draft.toJson()).toJson(QJsonDocument::Indented);
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, key] {
        watcher->deleteLater();
        const QString why = watcher->result();
        if (!why.isEmpty()) {
            qCWarning(lcCache).noquote() << "draft" << key << "cannot be written:" << why;
            Q_EMIT problem(tr("The escalation draft cannot be saved: %1").arg(why));
            return;
        }
        Q_EMIT saved(key);
    });
    watcher->setFuture(
        QtConcurrent::run(&m_pool, [path, bytes] { return writeFile(path, bytes); }));
}

void DraftStore::remove(const QString &key)
{
    m_pending.remove(key);
    const QString path = filePath(key);
    auto *watcher = new QFutureWatcher<bool>(this);
    connect(watcher, &QFutureWatcher<bool>::finished, this, [this, watcher, key] {
        watcher->deleteLater();
        Q_EMIT removed(key);
    });
    watcher->setFuture(QtConcurrent::run(&m_pool, [path] { return QFile::remove(path); }));
}

void DraftStore::loadAll()
{
    const QString folder = m_folder;
    auto *watcher = new QFutureWatcher<QList<EscalationDraft>>(this);
    connect(watcher, &QFutureWatcher<QList<EscalationDraft>>::finished, this, [this, watcher] {
        watcher->deleteLater();
        Q_EMIT draftsLoaded(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(&m_pool, [folder] { return readFolder(folder); }));
}
