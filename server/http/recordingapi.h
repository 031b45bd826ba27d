#pragma once

#include <QString>
#include <QStringView>

class ApiRouter;
class AuditLog;
class CallStore;
class QHttpServerRequest;
class QHttpServerResponder;
struct ApiRequest;
struct Caller;

// GET and HEAD /api/v1/recordings/{id}: a recording's audio, whole or by byte ranges, as
// docs/api.yaml describes it.
//
// The id is looked up in the CallStore; the stored path is resolved under the recordings folder
// and refused as `recording_missing` (and logged as a warning) when its canonical path, with
// symbolic links resolved, leads outside that folder. The file is streamed from disk in constant
// memory: a device that exposes only the asked range (or the multipart/byteranges body built
// from several) is written to the connection in large chunks as fast as the client reads, never
// more than a few megabytes ahead of it. Qt HTTP Server 6.4 has no Range support, sends a body
// to HEAD and streams a device in small chunks with a fixed set of headers, hence the handler
// writes the answer itself. A client that pipelines a second request on a connection while a
// body is still being sent gets the answers interleaved; no HTTP client in use does that.
//
// POST /api/v1/recordings/{id}/plays takes a played span ({"start", "end"}, seconds,
// 0 <= start < end) and answers 204. Every role may use both (the router checks the token); an
// agent gets 403 for a recording of a call they did not take part in. Each GET answer that
// sends bytes is written to the AuditLog as recording_downloaded with the ranges served
// ("bytes=0-1048575", "bytes=all"); each played span as recording_played ("12.0-32.0 s").
//
// Every failure is a JSON error answer (400, 403, 404 not_found or recording_missing, 416,
// 503); other methods get 405 from the router. Lives on the thread that owns the store and the
// server; owns neither (nor the audit log), and must outlive the routes it registered.
class RecordingApi
{
public:
    // recordingsRoot is the folder the stored paths are relative to; when empty, every recording
    // is answered as missing.
    // audit may be null: nothing is written then.
    RecordingApi(CallStore *store, const QString &recordingsRoot, AuditLog *audit = nullptr);
    RecordingApi(const RecordingApi &) = delete;
    RecordingApi &operator=(const RecordingApi &) = delete;

    void registerRoutes(ApiRouter *router);

    QString recordingsRoot() const { return m_root; }

private:
    void answer(QStringView id, const QHttpServerRequest &request, const Caller &caller,
                QHttpServerResponder &&responder);
    void reportPlayback(const ApiRequest &request, QHttpServerResponder &&responder);
    // Whether the caller may read the call this recording belongs to.
    bool mayRead(const Caller &caller, const QString &crn);
    // The canonical path of the stored file when it is a regular file inside the root, else an
    // empty string (and a warning when the path leads outside).
    QString confinedPath(QStringView id, const QString &storedPath) const;

    CallStore *m_store;
    QString m_root;
    AuditLog *m_audit;
};
