#pragma once

#include "escalation/escalationdraft.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <QTimer>

// The escalation drafts on disk, so that what a supervisor wrote survives a crash.
//
// One JSON file per draft in its folder (a new escalation is filed under its CRN, a correction
// under the outbox item it corrects), each written whole with QSaveFile. save() is debounced:
// the latest draft of a key is written kDebounceMs after the last change, on a worker thread
// of the store's own that runs one job at a time, so writes and removals keep their order and
// the UI thread never waits on the disk. loadAll() reads every draft there on that thread.
// Problems are logged (crn.cache) and said by problem(). UI thread.
class DraftStore : public QObject
{
    Q_OBJECT

public:
    static constexpr int kDebounceMs = 400;

    explicit DraftStore(const QString &folder, QObject *parent = nullptr);
    ~DraftStore() override;

    QString folder() const { return m_folder; }
    static QString keyFor(const EscalationDraft &draft);
    QString filePath(const QString &key) const;

    // Keeps draft; written after kDebounceMs without a newer one for the same key.
    void save(const EscalationDraft &draft);
    // Writes every draft waiting for its debounce now.
    void flush();
    // Forgets the draft filed under key, on disk too.
    void remove(const QString &key);
    // Reads every draft in the folder; draftsLoaded() follows.
    void loadAll();

Q_SIGNALS:
    void saved(const QString &key);
    void removed(const QString &key);
    void draftsLoaded(const QList<EscalationDraft> &drafts);
    void problem(const QString &sentence);

private:
    void write(const QString &key, const EscalationDraft &draft);

    QString m_folder;
    QThreadPool m_pool;
    QTimer m_debounce;
    QHash<QString, EscalationDraft> m_pending;
};
