#include "escalation/escalationcatalogue.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSet>

#include <cmath>

namespace {

const QStringList kOptionalFields = { u"description"_qs, u"callback_number"_qs, u"evidence"_qs };

template<typename T>
const T *findById(const QList<T> &items, QStringView id)
{
    for (const T &item : items) {
        if (item.id == id)
            return &item;
    }
    return nullptr;
}

// Reads one array of the file, each entry an object with a unique non-empty "id" and a
// non-empty "label"; read() takes the rest of each entry. The first problem ends the reading.
class Reader
{
public:
    explicit Reader(QString *error)
        : m_error(error)
    { }

    bool fail(const QString &where, const QString &why)
    {
        if (m_error)
            *m_error = QStringLiteral("The field \"%1\" %2.").arg(where, why);
        return false;
    }

    template<typename T, typename Read>
    bool readList(const QJsonObject &root, const QString &name, QList<T> *items, Read read)
    {
        const QJsonValue value = root.value(name);
        if (value.isUndefined())
            return fail(name, u"is missing"_qs);
        if (!value.isArray())
            return fail(name, u"must be a list"_qs);
        const QJsonArray array = value.toArray();
        if (array.isEmpty())
            return fail(name, u"must list at least one entry"_qs);

        QSet<QString> ids;
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QString where = QStringLiteral("%1[%2]").arg(name).arg(i);
            if (!array.at(i).isObject())
                return fail(where, u"must be an object with an id and a label"_qs);
            const QJsonObject entry = array.at(i).toObject();
            T item;
            if (!text(entry, where, u"id"_qs, &item.id)
                || !text(entry, where, u"label"_qs, &item.label))
                return false;
            if (ids.contains(item.id))
                return fail(
                    where + u".id"_qs,
                    QStringLiteral("repeats the id \"%1\" of an earlier entry").arg(item.id));
            ids.insert(item.id);
            if (!read(entry, where, &item))
                return false;
            items->append(item);
        }
        return true;
    }

    bool text(const QJsonObject &entry, const QString &where, const QString &name, QString *value)
    {
        const QJsonValue field = entry.value(name);
        if (field.isUndefined())
            return fail(where + u'.' + name, u"is missing"_qs);
        if (!field.isString() || field.toString().trimmed().isEmpty())
            return fail(where + u'.' + name, u"must be a non-empty text"_qs);
        *value = field.toString();
        return true;
    }

private:
    QString *m_error;
};

} // namespace

EscalationCatalogue EscalationCatalogue::builtIn()
{
    EscalationCatalogue catalogue;
    catalogue.categories = {
        { u"complaint"_qs, u"Complaint"_qs, {} },
        { u"compliance_breach"_qs, u"Compliance breach"_qs, { u"evidence"_qs } },
        { u"missed_callback"_qs, u"Missed callback"_qs, { u"callback_number"_qs } },
        { u"technical_fault"_qs, u"Technical fault"_qs, { u"description"_qs } },
    };
    catalogue.priorities = {
        { u"p1"_qs, u"Critical"_qs, 60 },
        { u"p2"_qs, u"High"_qs, 240 },
        { u"p3"_qs, u"Normal"_qs, 1440 },
        { u"p4"_qs, u"Low"_qs, 4320 },
    };
    catalogue.teams = {
        { u"quality"_qs, u"Quality"_qs },
        { u"compliance"_qs, u"Compliance"_qs },
        { u"customer_care"_qs, u"Customer care"_qs },
        { u"telephony"_qs, u"Telephony"_qs },
    };
    return catalogue;
}

std::optional<EscalationCatalogue> EscalationCatalogue::fromJson(const QByteArray &json,
                                                                 QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        if (error)
            *error = QStringLiteral("It is not valid JSON: %1 at byte %2.")
                         .arg(parseError.errorString())
                         .arg(parseError.offset);
        return std::nullopt;
    }
    if (!document.isObject()) {
        if (error)
            *error = u"It must be a JSON object with \"categories\", \"priorities\" and "
                     "\"teams\"."_qs;
        return std::nullopt;
    }
    const QJsonObject root = document.object();

    Reader reader(error);
    EscalationCatalogue catalogue;
    const bool read
        = reader.readList(
              root, u"categories"_qs, &catalogue.categories,
              [&](const QJsonObject &entry, const QString &where, EscalationCategory *category) {
                  const QString name = where + u".required_fields"_qs;
                  const QJsonValue value = entry.value(u"required_fields");
                  if (value.isUndefined())
                      return reader.fail(name, u"is missing (write [] when none is required)"_qs);
                  if (!value.isArray())
                      return reader.fail(name, u"must be a list"_qs);
                  const QJsonArray fields = value.toArray();
                  for (qsizetype i = 0; i < fields.size(); ++i) {
                      const QString field = fields.at(i).toString();
                      if (!kOptionalFields.contains(field))
                          return reader.fail(QStringLiteral("%1[%2]").arg(name).arg(i),
                                             u"must be one of description, callback_number and "
                                             "evidence"_qs);
                      if (!category->requiredFields.contains(field))
                          category->requiredFields.append(field);
                  }
                  return true;
              })
        && reader.readList(
            root, u"priorities"_qs, &catalogue.priorities,
            [&](const QJsonObject &entry, const QString &where, EscalationPriority *priority) {
                const QString name = where + u".response_minutes"_qs;
                const QJsonValue value = entry.value(u"response_minutes");
                if (value.isUndefined())
                    return reader.fail(name, u"is missing"_qs);
                const double minutes = value.toDouble(-1);
                if (!value.isDouble() || minutes < 1 || minutes != std::floor(minutes)
                    || minutes > 525600 * 10)
                    return reader.fail(name, u"must be a whole number of minutes, at least 1"_qs);
                priority->responseMinutes = int(minutes);
                return true;
            })
        && reader.readList(
            root, u"teams"_qs, &catalogue.teams,
            [](const QJsonObject &, const QString &, EscalationTeam *) { return true; });
    if (!read)
        return std::nullopt;
    return catalogue;
}

std::optional<EscalationCatalogue> EscalationCatalogue::load(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("Cannot read the escalation catalogue %1: %2.")
                         .arg(path, file.errorString());
        return std::nullopt;
    }
    QString why;
    std::optional<EscalationCatalogue> catalogue = fromJson(file.readAll(), &why);
    if (!catalogue && error)
        *error = QStringLiteral("The escalation catalogue %1 cannot be used. %2").arg(path, why);
    return catalogue;
}

QJsonObject EscalationCatalogue::toJson() const
{
    QJsonArray categoryArray;
    for (const EscalationCategory &category : categories)
        categoryArray.append(QJsonObject {
            { u"id"_qs, category.id },
            { u"label"_qs, category.label },
            { u"required_fields"_qs, QJsonArray::fromStringList(category.requiredFields) } });
    QJsonArray priorityArray;
    for (const EscalationPriority &priority : priorities)
        priorityArray.append(QJsonObject { { u"id"_qs, priority.id },
                                           { u"label"_qs, priority.label },
                                           { u"response_minutes"_qs, priority.responseMinutes } });
    QJsonArray teamArray;
    for (const EscalationTeam &team : teams)
        teamArray.append(QJsonObject { { u"id"_qs, team.id }, { u"label"_qs, team.label } });
    return { { u"categories"_qs, categoryArray },
             { u"priorities"_qs, priorityArray },
             { u"teams"_qs, teamArray } };
}

const EscalationCategory *EscalationCatalogue::category(QStringView id) const
{
    return findById(categories, id);
}

const EscalationPriority *EscalationCatalogue::priority(QStringView id) const
{
    return findById(priorities, id);
}

const EscalationTeam *EscalationCatalogue::team(QStringView id) const
{
    return findById(teams, id);
}
