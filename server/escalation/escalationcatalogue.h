#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <optional>

struct EscalationCategory
{
    QString id;
    QString label;
    QStringList requiredFields; // from "description", "callback_number", "evidence"
};

struct EscalationPriority
{
    QString id;
    QString label;
    int responseMinutes = 0;
};

struct EscalationTeam
{
    QString id;
    QString label;
};

// What an escalation is written from: its categories (with the fields each requires), its
// priorities (with the minutes a response is due in) and the teams it can go to. Read from a
// JSON file of the API's EscalationOptions shape (`crn-server serve --escalations FILE`), or
// the built-in one. A malformed file is refused with one sentence naming the field and why.
// A plain value; any thread.
class EscalationCatalogue
{
public:
    // The catalogue a server without --escalations offers.
    static EscalationCatalogue builtIn();
    static std::optional<EscalationCatalogue> fromJson(const QByteArray &json, QString *error);
    static std::optional<EscalationCatalogue> load(const QString &path, QString *error);

    // The EscalationOptions answer; fromJson(toJson()) gives the same catalogue back.
    QJsonObject toJson() const;

    const EscalationCategory *category(QStringView id) const;
    const EscalationPriority *priority(QStringView id) const;
    const EscalationTeam *team(QStringView id) const;

    QList<EscalationCategory> categories;
    QList<EscalationPriority> priorities;
    QList<EscalationTeam> teams;
};
