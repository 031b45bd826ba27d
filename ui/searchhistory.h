#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

// The searches a supervisor ran lately and the ones saved under a name, kept in QSettings
// (searches/recent and searches/saved) so that they outlive the console. The recent list holds
// the last kRecentKept searches, newest first, each once. A name saves one search; saving under
// a name in use replaces it. The lists are read once and kept here; changes are written by
// SettingsWriter, off the UI thread. Nothing here can fail in a way the supervisor must hear
// about. UI thread.
class SearchHistory : public QObject
{
    Q_OBJECT

public:
    static constexpr int kRecentKept = 20;

    struct SavedSearch
    {
        QString name;
        QString query;
        bool operator==(const SavedSearch &) const = default;
    };

    explicit SearchHistory(QObject *parent = nullptr);

    QStringList recent() const;
    QList<SavedSearch> saved() const;
    // The query saved under name, or an empty string.
    QString savedQuery(const QString &name) const;

public Q_SLOTS:
    void addRecent(const QString &query);
    void clearRecent();
    // False when name or query is blank.
    bool save(const QString &name, const QString &query);
    void remove(const QString &name);

Q_SIGNALS:
    void recentChanged();
    void savedChanged();

private:
    static QList<SavedSearch> readSaved();
    void writeSaved(const QList<SavedSearch> &searches);

    QStringList m_recent;
    QList<SavedSearch> m_saved;
};
