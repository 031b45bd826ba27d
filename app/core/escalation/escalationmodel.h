#pragma once

#include "model/timestamp.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// The escalation catalogue and the escalations the server keeps, in the shape of
// docs/api.yaml (EscalationOptions, Escalation). Readers ignore unknown keys and return
// std::nullopt with a phrase naming the field when a document has the wrong shape. Plain values;
// any thread.

struct EscalationCategory
{
    QString id;
    QString label;
    // Beyond what every escalation needs: any of "description", "callback_number", "evidence".
    QStringList requiredFields;

    bool operator==(const EscalationCategory &) const = default;
};

struct EscalationPriority
{
    QString id;
    QString label;
    int responseMinutes = 0;

    bool operator==(const EscalationPriority &) const = default;
};

struct EscalationTeam
{
    QString id;
    QString label;

    bool operator==(const EscalationTeam &) const = default;
};

struct EscalationOptions
{
    QList<EscalationCategory> categories;
    QList<EscalationPriority> priorities;
    QList<EscalationTeam> teams;

    bool isEmpty() const { return categories.isEmpty(); }
    const EscalationCategory *category(const QString &id) const;
    bool hasPriority(const QString &id) const;
    bool hasTeam(const QString &id) const;
    QString teamLabel(const QString &id) const;
    bool operator==(const EscalationOptions &) const = default;

    QJsonObject toJson() const;
    static std::optional<EscalationOptions> fromJson(const QJsonObject &object,
                                                     QString *problem = nullptr);
};

// One escalation as GET /api/v1/escalations lists it (the fields the console shows).
struct Escalation
{
    QString id;
    QString crn;
    QString status; // open, acknowledged, resolved
    QString category;
    QString priority;
    QString team;
    QString summary;
    QString author;
    Timestamp created;
    Timestamp due;
    Timestamp updated;

    bool operator==(const Escalation &) const = default;

    QJsonObject toJson() const;
    static std::optional<Escalation> fromJson(const QJsonObject &object,
                                              QString *problem = nullptr);
};
