#include "escalationmodel.h"

#include <QJsonArray>

namespace {

bool readString(const QJsonObject &object, QStringView key, QString *out, QString *problem)
{
    const QJsonValue value = object.value(key);
    if (!value.isString()) {
        if (problem)
            *problem = u"\""_qs + key.toString() + u"\" is missing or not text"_qs;
        return false;
    }
    *out = value.toString();
    return true;
}

bool readTime(const QJsonObject &object, QStringView key, Timestamp *out, QString *problem)
{
    QString text;
    if (!readString(object, key, &text, problem))
        return false;
    const auto time = Timestamp::parseIso(text);
    if (!time) {
        if (problem)
            *problem = u"\""_qs + key.toString() + u"\" is not an ISO 8601 time"_qs;
        return false;
    }
    *out = *time;
    return true;
}

// Reads an array of {id, label, ...} objects, each through read.
template<typename T, typename Read>
bool readList(const QJsonObject &object, QStringView key, QList<T> *out, QString *problem,
              Read read)
{
    const QJsonValue value = object.value(key);
    if (!value.isArray()) {
        if (problem)
            *problem = u"\""_qs + key.toString() + u"\" is missing or not an array"_qs;
        return false;
    }
    const QJsonArray array = value.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        T item;
        QString why;
        if (!array.at(i).isObject() || !readString(array.at(i).toObject(), u"id", &item.id, &why)
            || !readString(array.at(i).toObject(), u"label", &item.label, &why)
            || !read(array.at(i).toObject(), &item, &why)) {
            if (problem)
                *problem = QStringLiteral("\"%1\"[%2]: %3")
                               .arg(key.toString())
                               .arg(i)
                               .arg(why.isEmpty() ? u"not an object"_qs : why);
            return false;
        }
        out->append(item);
    }
    return true;
}

} // namespace

const EscalationCategory *EscalationOptions::category(const QString &id) const
{
    for (const EscalationCategory &category : categories) {
        if (category.id == id)
            return &category;
    }
    return nullptr;
}

bool EscalationOptions::hasPriority(const QString &id) const
{
    return std::any_of(priorities.begin(), priorities.end(),
                       [&id](const EscalationPriority &p) { return p.id == id; });
}

bool EscalationOptions::hasTeam(const QString &id) const
{
    return std::any_of(teams.begin(), teams.end(),
                       [&id](const EscalationTeam &t) { return t.id == id; });
}

QString EscalationOptions::teamLabel(const QString &id) const
{
    for (const EscalationTeam &team : teams) {
        if (team.id == id)
            return team.label;
    }
    return id;
}

QJsonObject EscalationOptions::toJson() const
{
    QJsonArray categoryArray;
    for (const EscalationCategory &category : categories) {
        categoryArray.append(QJsonObject {
            { u"id"_qs, category.id },
            { u"label"_qs, category.label },
            { u"required_fields"_qs, QJsonArray::fromStringList(category.requiredFields) } });
    }
    QJsonArray priorityArray;
    for (const EscalationPriority &priority : priorities) {
        priorityArray.append(QJsonObject { { u"id"_qs, priority.id },
                                           { u"label"_qs, priority.label },
                                           { u"response_minutes"_qs, priority.responseMinutes } });
    }
    QJsonArray teamArray;
    for (const EscalationTeam &team : teams)
        teamArray.append(QJsonObject { { u"id"_qs, team.id }, { u"label"_qs, team.label } });
    return QJsonObject { { u"categories"_qs, categoryArray },
                         { u"priorities"_qs, priorityArray },
                         { u"teams"_qs, teamArray } };
}

std::optional<EscalationOptions> EscalationOptions::fromJson(const QJsonObject &object,
                                                             QString *problem)
{
    EscalationOptions options;
    const bool ok
        = readList(object, u"categories", &options.categories, problem,
                   [](const QJsonObject &item, EscalationCategory *category, QString *why) {
                       const QJsonValue fields = item.value(u"required_fields");
                       if (!fields.isArray()) {
                           *why = u"\"required_fields\" is missing or not an array"_qs;
                           return false;
                       }
                       for (const QJsonValue &field : fields.toArray())
                           category->requiredFields.append(field.toString());
                       return true;
                   })
        && readList(object, u"priorities", &options.priorities, problem,
                    [](const QJsonObject &item, EscalationPriority *priority, QString *why) {
                        const QJsonValue minutes = item.value(u"response_minutes");
                        if (!minutes.isDouble() || minutes.toInt() < 1) {
                            *why = u"\"response_minutes\" is missing or not a count"_qs;
                            return false;
                        }
                        priority->responseMinutes = minutes.toInt();
                        return true;
                    })
        && readList(object, u"teams", &options.teams, problem,
                    [](const QJsonObject &, EscalationTeam *, QString *) { return true; });
    if (!ok)
        return std::nullopt;
    return options;
}

QJsonObject Escalation::toJson() const
{
    return QJsonObject { { u"id"_qs, id },
                         { u"crn"_qs, crn },
                         { u"status"_qs, status },
                         { u"category"_qs, category },
                         { u"priority"_qs, priority },
                         { u"team"_qs, team },
                         { u"summary"_qs, summary },
                         { u"author"_qs, author },
                         { u"created"_qs, created.toIso() },
                         { u"due"_qs, due.toIso() },
                         { u"updated"_qs, updated.toIso() } };
}

std::optional<Escalation> Escalation::fromJson(const QJsonObject &object, QString *problem)
{
    Escalation escalation;
    const bool ok = readString(object, u"id", &escalation.id, problem)
        && readString(object, u"crn", &escalation.crn, problem)
        && readString(object, u"status", &escalation.status, problem)
        && readString(object, u"category", &escalation.category, problem)
        && readString(object, u"priority", &escalation.priority, problem)
        && readString(object, u"team", &escalation.team, problem)
        && readString(object, u"summary", &escalation.summary, problem)
        && readString(object, u"author", &escalation.author, problem)
        && readTime(object, u"created", &escalation.created, problem)
        && readTime(object, u"due", &escalation.due, problem)
        && readTime(object, u"updated", &escalation.updated, problem);
    if (!ok)
        return std::nullopt;
    return escalation;
}
