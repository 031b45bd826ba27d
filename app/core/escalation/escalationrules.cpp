#include "escalation/escalationrules.h"

#include <cmath>

namespace EscalationRules {

namespace {

// Seconds as a supervisor reads them: "12.5 s", "3 s".
QString seconds(double value)
{
    return QString::number(value, 'g', 10) + u" s"_qs;
}

} // namespace

qsizetype characterCount(QStringView text)
{
    qsizetype count = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        // The second half of a surrogate pair is the same character as the first.
        if (!text.at(i).isLowSurrogate() || i == 0 || !text.at(i - 1).isHighSurrogate())
            ++count;
    }
    return count;
}

QString summaryProblem(QStringView summary)
{
    const qsizetype length = characterCount(summary.trimmed());
    if (length == 0)
        return u"A summary is required."_qs;
    if (length > kMaxSummaryLength)
        return QStringLiteral("A summary can have at most %1 characters; this one has %2.")
            .arg(kMaxSummaryLength)
            .arg(length);
    return {};
}

QString descriptionProblem(QStringView description)
{
    const qsizetype length = characterCount(description);
    if (length > kMaxDescriptionLength)
        return QStringLiteral("A description can have at most 10,000 characters; this one has "
                              "%1.")
            .arg(length);
    return {};
}

QString callbackNumberProblem(QStringView callbackNumber)
{
    if (callbackNumber.isEmpty())
        return {};

    int digits = 0;
    for (qsizetype i = 0; i < callbackNumber.size(); ++i) {
        const QChar c = callbackNumber.at(i);
        if (c >= u'0' && c <= u'9') {
            ++digits;
            continue;
        }
        // A '+' only in front of everything else: "+49 30 …", never "030+1".
        const bool leadingPlus = c == u'+' && callbackNumber.left(i).trimmed().isEmpty();
        const bool separator = c == u' ' || c == u'-' || c == u'.' || c == u'(' || c == u')';
        if (!leadingPlus && !separator)
            return u"A callback number can hold only digits, a leading +, spaces, dashes, dots "
                   "and parentheses."_qs;
    }
    if (digits < kMinCallbackDigits || digits > kMaxCallbackDigits)
        return QStringLiteral("A callback number needs %1 to %2 digits.")
            .arg(kMinCallbackDigits)
            .arg(kMaxCallbackDigits);
    return {};
}

QString commentProblem(QStringView comment)
{
    if (comment.trimmed().isEmpty())
        return u"A comment cannot be empty."_qs;
    const qsizetype length = characterCount(comment);
    if (length > kMaxCommentLength)
        return QStringLiteral("A comment can have at most 10,000 characters; this one has %1.")
            .arg(length);
    return {};
}

QString requiredFieldProblem(QStringView field, QStringView categoryLabel, bool present)
{
    if (present)
        return {};
    const QString category = categoryLabel.toString();
    if (field == u"description")
        return QStringLiteral("A description is required for the category \"%1\".").arg(category);
    if (field == u"callback_number")
        return QStringLiteral("A callback number is required for the category \"%1\".")
            .arg(category);
    if (field == u"evidence")
        return QStringLiteral("Evidence (a span of a recording or an event of the call) is "
                              "required for the category \"%1\".")
            .arg(category);
    return QStringLiteral("The field \"%1\" is required for the category \"%2\".")
        .arg(field.toString(), category);
}

QString spanProblem(double start, double end, double duration)
{
    if (!std::isfinite(start) || !std::isfinite(end))
        return u"A span needs a start and an end in seconds."_qs;
    if (start < 0)
        return u"A span cannot start before the recording does (0 s)."_qs;
    if (end <= start)
        return u"A span must end after it starts."_qs;
    if (end > duration)
        return QStringLiteral("The span ends at %1, after the recording ends at %2.")
            .arg(seconds(end), seconds(duration));
    return {};
}

} // namespace EscalationRules
