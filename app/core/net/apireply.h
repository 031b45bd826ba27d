#pragma once

#include "model/call.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>

class QJsonDocument;

// One request to crn-server, from start to its single ending.
//
// ApiClient creates it and starts the request; finished() is emitted exactly once, after which
// error() and errorString() say how it went and the subclass's accessors hold the answer. By
// default the reply deletes itself (deleteLater) once finished() has been delivered, so handlers
// read it inside the slot; call setAutoDelete(false) to keep it and delete it yourself. When
// the ApiClient is destroyed first, its outstanding replies are aborted and deleted without
// finishing. Lives on the thread of its ApiClient (the UI thread).
class ApiReply : public QObject
{
    Q_OBJECT

public:
    enum class Error {
        None,
        NotFound, // 404: no call has this CRN or leg id
        BadRequest, // 400: the server refused the question (a bad cursor, a bad time)
        Unreachable, // refused, host not found, timed out or dropped: no usable answer
        ServerError, // 5xx: the server is there but failed
        BadResponse, // an answer that is not what the API documents; errorString() says where
    };
    Q_ENUM(Error)

    ~ApiReply() override;

    bool isFinished() const { return m_finished; }
    Error error() const { return m_error; }
    // One sentence for a person: no codes, names the server and, for BadResponse, the field.
    QString errorString() const { return m_errorString; }
    // The "code" of the server's {"error": {...}} body, e.g. "not_found"; empty without one.
    QString serverErrorCode() const { return m_serverErrorCode; }
    // The HTTP status, or 0 when no HTTP answer arrived.
    int httpStatus() const { return m_httpStatus; }
    QUrl url() const { return m_url; }

    bool autoDelete() const { return m_autoDelete; }
    void setAutoDelete(bool autoDelete) { m_autoDelete = autoDelete; }

Q_SIGNALS:
    void finished();

protected:
    explicit ApiReply(const QUrl &url, QObject *parent);

    // Reads a 200 answer into the subclass. Returns false and sets *problem to a phrase naming
    // the field ("\"calls\"[2]: \"crn\" is missing") when the document has the wrong shape.
    virtual bool readBody(const QJsonDocument &document, QString *problem) = 0;

private:
    friend class ApiClient;

    void finish(Error error, const QString &sentence);

    QUrl m_url;
    Error m_error = Error::None;
    QString m_errorString;
    QString m_serverErrorCode;
    int m_httpStatus = 0;
    bool m_finished = false;
    bool m_autoDelete = true;
};

// GET /api/v1/health
class HealthReply : public ApiReply
{
    Q_OBJECT

public:
    QString status() const { return m_status; }
    QString version() const { return m_version; }
    qint64 callCount() const { return m_callCount; }

private:
    friend class ApiClient;
    HealthReply(const QUrl &url, QObject *parent)
        : ApiReply(url, parent)
    { }
    bool readBody(const QJsonDocument &document, QString *problem) override;

    QString m_status;
    QString m_version;
    qint64 m_callCount = 0;
};

// GET /api/v1/calls/{crn}
class CallReply : public ApiReply
{
    Q_OBJECT

public:
    // The text that was asked for, as given to ApiClient::fetchCall.
    QString requestedText() const { return m_requestedText; }
    // Empty when isNotModified().
    const Call &call() const { return m_call; }
    // The server's validator for this call's document, quotes included: "\"5c1f…\"".
    QString etag() const { return m_etag; }
    // 304: the call has not changed since the ETag given as If-None-Match. No error, no call.
    bool isNotModified() const { return m_notModified; }

private:
    friend class ApiClient;
    CallReply(const QString &requestedText, const QUrl &url, QObject *parent);
    bool readBody(const QJsonDocument &document, QString *problem) override;

    QString m_requestedText;
    Call m_call;
    QString m_etag;
    bool m_notModified = false;
};

// GET /api/v1/calls?q=...
class SearchReply : public ApiReply
{
    Q_OBJECT

public:
    QString query() const { return m_query; }
    const QList<CallSummary> &calls() const { return m_calls; }
    // Empty on the last page, and when isNotModified().
    QString nextCursor() const { return m_nextCursor; }
    // The server's strong validator for this page's body, quotes included.
    QString etag() const { return m_etag; }
    // 304: the page has not changed since the ETag given as If-None-Match. No error, no calls.
    bool isNotModified() const { return m_notModified; }

private:
    friend class ApiClient;
    SearchReply(const QString &query, const QUrl &url, QObject *parent);
    bool readBody(const QJsonDocument &document, QString *problem) override;

    QString m_query;
    QList<CallSummary> m_calls;
    QString m_nextCursor;
    QString m_etag;
    bool m_notModified = false;
};
