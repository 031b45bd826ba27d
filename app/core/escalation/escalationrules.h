#pragma once

#include <QString>
#include <QStringView>

// The field rules of an escalation (docs/api.yaml, EscalationRequest and EscalationUpdate), as
// plain functions so that crn-server's validation and the console's form say the same thing.
// Each returns an empty string when the value is acceptable, else one sentence a supervisor
// understands. Pure; any thread.
namespace EscalationRules {

constexpr int kMaxSummaryLength = 200;
constexpr int kMaxDescriptionLength = 10000;
constexpr int kMaxCommentLength = 10000;
constexpr int kMinCallbackDigits = 6;
constexpr int kMaxCallbackDigits = 15;

// Characters are counted as Unicode code points, so an emoji is one, not two.
qsizetype characterCount(QStringView text);

// 1 to 200 characters after trimming.
QString summaryProblem(QStringView summary);
// At most 10,000 characters; empty is allowed here (a category may still require it).
QString descriptionProblem(QStringView description);
// Digits with an optional leading '+', spaces, dashes, dots and parentheses; 6 to 15 digits.
// Empty is allowed here (a category may still require it).
QString callbackNumberProblem(QStringView callbackNumber);
// A comment on an escalation: 1 to 10,000 characters, not only white space.
QString commentProblem(QStringView comment);
// A category's required field ("description", "callback_number" or "evidence") that the
// request leaves out or empty; categoryLabel names the category in the sentence.
QString requiredFieldProblem(QStringView field, QStringView categoryLabel, bool present);
// A span of a recording in seconds: 0 <= start < end <= duration.
QString spanProblem(double start, double end, double duration);

} // namespace EscalationRules
