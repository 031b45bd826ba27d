#pragma once

#include "model/call.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

// The JSON form of the domain types, as docs/api.yaml describes it. The server writes it and
// the console reads it, so both sides use these functions and the contract lives in one place.
//
// Readers are strict about types and lenient about unknown keys, so that a newer server can
// add fields without breaking an older console. They return std::nullopt and set *error to a
// sentence naming the offending field when the document does not have the documented shape.
namespace CallJson {

QJsonObject toJson(const CallSummary &summary);
QJsonObject toJson(const Call &call);

// The compact UTF-8 text of QJsonDocument(toJson(x)): the same keys and values, written
// straight from the domain types without building a QJsonObject first. The server stores a
// document per call, and building the object tree and then its text was most of an import's
// time. Strings are escaped per RFC 8259. Thread-safe.
QByteArray toJsonText(const CallSummary &summary);
QByteArray toJsonText(const Call &call);

std::optional<CallSummary> summaryFromJson(const QJsonObject &object, QString *error = nullptr);
std::optional<Call> callFromJson(const QJsonObject &object, QString *error = nullptr);

// {"error": {"code": ..., "message": ...}}
QJsonObject errorJson(const QString &code, const QString &message);

} // namespace CallJson
