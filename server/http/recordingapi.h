#pragma once

#include <QString>
#include <QStringView>

class CallStore;
class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponder;

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
// Every failure is a JSON error answer (404 not_found or recording_missing, 416, 503); other
// methods get 405 from CallApi's missing handler. Lives on the thread that owns the store and
// the server; owns neither, and must outlive the routes it registered.
class RecordingApi
{
public:
    // recordingsRoot is the folder the stored paths are relative to; when empty, every recording
    // is answered as missing.
    RecordingApi(CallStore *store, const QString &recordingsRoot);
    RecordingApi(const RecordingApi &) = delete;
    RecordingApi &operator=(const RecordingApi &) = delete;

    // Call after CallApi::registerRoutes, whose path converter lets {id} hold any character.
    void registerRoutes(QHttpServer *server);

    QString recordingsRoot() const { return m_root; }

private:
    void answer(QStringView id, const QHttpServerRequest &request,
                QHttpServerResponder &&responder);
    // The canonical path of the stored file when it is a regular file inside the root, else an
    // empty string (and a warning when the path leads outside).
    QString confinedPath(QStringView id, const QString &storedPath) const;

    CallStore *m_store;
    QString m_root;
};
