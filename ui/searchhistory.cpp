#include "searchhistory.h"

#include "logging.h"
#include "settings/settingswriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>

#include <algorithm>

namespace {

const QString kRecentKey = u"searches/recent"_qs;
const QString kSavedKey = u"searches/saved"_qs;

} // namespace

SearchHistory::SearchHistory(QObject *parent)
    : QObject(parent)
    , m_recent(QSettings().value(kRecentKey).toStringList().mid(0, kRecentKept))
    , m_saved(readSaved())
{ }

QStringList SearchHistory::recent() const
{
    return m_recent;
}

void SearchHistory::addRecent(const QString &query)
{
    const QString trimmed = query.trimmed();
    if (trimmed.isEmpty())
        return;

    m_recent.removeAll(trimmed);
    m_recent.prepend(trimmed);
    // Only the newest count: the list is a short way back, not an archive.
    m_recent = m_recent.mid(0, kRecentKept);
    SettingsWriter::setValue(kRecentKey, m_recent);
    Q_EMIT recentChanged();
}

void SearchHistory::clearRecent()
{
    m_recent.clear();
    SettingsWriter::remove(kRecentKey);
    Q_EMIT recentChanged();
}

QList<SearchHistory::SavedSearch> SearchHistory::saved() const
{
    return m_saved;
}

QList<SearchHistory::SavedSearch> SearchHistory::readSaved()
{
    // JSON rather than QSettings' own lists: names may hold any character, '/' and ',' too.
    const QByteArray stored = QSettings().value(kSavedKey).toByteArray();
    QList<SavedSearch> searches;
    const QJsonArray array = QJsonDocument::fromJson(stored).array();
    for (const QJsonValue &value : array) {
        const QJsonObject object = value.toObject();
        const QString name = object.value(u"name"_qs).toString();
        const QString query = object.value(u"query"_qs).toString();
        if (!name.isEmpty() && !query.isEmpty())
            searches.append({ name, query });
    }
    if (!stored.isEmpty() && array.isEmpty())
        qCWarning(lcUi) << "the saved searches in the settings cannot be read";
    return searches;
}

QString SearchHistory::savedQuery(const QString &name) const
{
    const QList<SavedSearch> searches = saved();
    for (const SavedSearch &search : searches) {
        if (search.name == name)
            return search.query;
    }
    return {};
}

bool SearchHistory::save(const QString &name, const QString &query)
{
    const QString trimmedName = name.trimmed();
    const QString trimmedQuery = query.trimmed();
    if (trimmedName.isEmpty() || trimmedQuery.isEmpty())
        return false;

    QList<SavedSearch> searches = saved();
    const auto existing = std::find_if(searches.begin(), searches.end(),
                                       [&](const SavedSearch &s) { return s.name == trimmedName; });
    if (existing != searches.end())
        existing->query = trimmedQuery;
    else
        searches.append({ trimmedName, trimmedQuery });
    writeSaved(searches);
    return true;
}

void SearchHistory::remove(const QString &name)
{
    QList<SavedSearch> searches = saved();
    const qsizetype removed
        = searches.removeIf([&](const SavedSearch &search) { return search.name == name; });
    if (removed > 0)
        writeSaved(searches);
}

void SearchHistory::writeSaved(const QList<SavedSearch> &searches)
{
    QJsonArray array;
    for (const SavedSearch &search : searches)
        array.append(QJsonObject { { u"name"_qs, search.name }, { u"query"_qs, search.query } });
    m_saved = searches;
    SettingsWriter::setValue(kSavedKey, QJsonDocument(array).toJson(QJsonDocument::Compact));
    Q_EMIT savedChanged();
}
