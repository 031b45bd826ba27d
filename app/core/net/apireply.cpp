#include "apireply.h"

#include "json/calljson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>

ApiReply::ApiReply(const QUrl &url, QObject *parent)
    : QObject(parent)
    , m_url(url)
{ }

ApiReply::~ApiReply() = default;

void ApiReply::finish(Error error, const QString &sentence)
{
    Q_ASSERT(!m_finished);
    m_finished = true;
    m_error = error;
    m_errorString = sentence;

    // A handler may delete the reply itself; do not touch it afterwards in that case.
    const QPointer<ApiReply> self(this);
    Q_EMIT finished();
    if (self && m_autoDelete)
        deleteLater();
}

bool HealthReply::readBody(const QJsonDocument &document, QString *problem)
{
    if (!document.isObject()) {
        *problem = u"the answer is not a JSON object"_qs;
        return false;
    }
    const QJsonObject object = document.object();

    const QJsonValue status = object.value(u"status");
    if (!status.isString()) {
        *problem = u"\"status\" is missing or not a string"_qs;
        return false;
    }
    const QJsonValue version = object.value(u"version");
    if (!version.isString()) {
        *problem = u"\"version\" is missing or not a string"_qs;
        return false;
    }
    const QJsonValue calls = object.value(u"calls");
    if (!calls.isDouble() || calls.toDouble() < 0 || calls.toDouble() != calls.toInteger()) {
        *problem = u"\"calls\" is missing or not a count"_qs;
        return false;
    }

    m_status = status.toString();
    m_version = version.toString();
    m_callCount = calls.toInteger();
    return true;
}

CallReply::CallReply(const QString &requestedText, const QUrl &url, QObject *parent)
    : ApiReply(url, parent)
    , m_requestedText(requestedText)
{ }

bool CallReply::readBody(const QJsonDocument &document, QString *problem)
{
    if (!document.isObject()) {
        *problem = u"the call is not a JSON object"_qs;
        return false;
    }
    auto call = CallJson::callFromJson(document.object(), problem);
    if (!call)
        return false;
    m_call = std::move(*call);
    return true;
}

SearchReply::SearchReply(const QString &query, const QUrl &url, QObject *parent)
    : ApiReply(url, parent)
    , m_query(query)
{ }

bool SearchReply::readBody(const QJsonDocument &document, QString *problem)
{
    if (!document.isObject()) {
        *problem = u"the answer is not a JSON object"_qs;
        return false;
    }
    const QJsonObject object = document.object();

    const QJsonValue calls = object.value(u"calls");
    if (!calls.isArray()) {
        *problem = u"\"calls\" is missing or not an array"_qs;
        return false;
    }
    const QJsonArray array = calls.toArray();
    QList<CallSummary> summaries;
    summaries.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        QString why;
        const auto summary = array.at(i).isObject()
            ? CallJson::summaryFromJson(array.at(i).toObject(), &why)
            : std::nullopt;
        if (!summary) {
            *problem = QStringLiteral("\"calls\"[%1]: %2")
                           .arg(i)
                           .arg(why.isEmpty() ? u"not an object"_qs : why);
            return false;
        }
        summaries.append(*summary);
    }

    // The last page says null; an absent key is read the same way.
    const QJsonValue cursor = object.value(u"next_cursor");
    if (!cursor.isString() && !cursor.isNull() && !cursor.isUndefined()) {
        *problem = u"\"next_cursor\" is neither text nor null"_qs;
        return false;
    }

    m_calls = std::move(summaries);
    m_nextCursor = cursor.toString();
    return true;
}
