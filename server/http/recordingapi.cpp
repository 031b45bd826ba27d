#include "recordingapi.h"

#include "access/agentscope.h"
#include "access/apirouter.h"
#include "audit/auditlog.h"
#include "httpheaders.h"
#include "logging.h"
#include "store/callstore.h"
#include "json/calljson.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QPointer>
#include <QRandomGenerator>
#include <QTcpSocket>

#include <algorithm>
#include <limits>
#include <list>
#include <memory>
#include <optional>
#include <vector>

namespace {

using Method = QHttpServerRequest::Method;
using StatusCode = QHttpServerResponder::StatusCode;
using Header = std::pair<QByteArray, QByteArray>;

const QString kRecordingPrefix = u"/api/v1/recordings/"_qs;
const QString kPlaysPath = u"/api/v1/recordings/{id}/plays"_qs;
// A played span is a report of a few numbers; anything longer is not one.
constexpr qsizetype kMaxPlayBody = 4096;

// More ranges than this in one request is a denial of service rather than a player seeking;
// the Range is then ignored and the whole file sent, as RFC 9110 allows.
constexpr qsizetype kMaxRanges = 100;
// The body is read and written in chunks of this size, and never more than kAheadBytes are
// waiting in the connection's buffer: memory stays flat however large the file or slow the
// client.
constexpr qint64 kChunkBytes = 512 * 1024;
constexpr qint64 kAheadBytes = 4 * 1024 * 1024;
constexpr qsizetype kMaxEchoedLength = 120;

struct ByteRange
{
    qint64 first = 0;
    qint64 last = 0; // inclusive

    qint64 length() const { return last - first + 1; }
};

// What a Range header asks of a file of a given size.
struct RangeRequest
{
    enum class Kind { Whole, Ranges, Unsatisfiable };

    Kind kind = Kind::Whole;
    QList<ByteRange> ranges; // sorted, merged, within the file; for Kind::Ranges
};

QString echoed(QStringView text)
{
    if (text.size() <= kMaxEchoedLength)
        return text.toString();
    return text.left(kMaxEchoedLength).toString() + QChar(0x2026);
}

QByteArray errorBody(const QString &code, const QString &message)
{
    return QJsonDocument(CallJson::errorJson(code, message)).toJson(QJsonDocument::Compact);
}

bool hasHeader(const QHttpServerRequest &request, QByteArrayView name)
{
    const auto headers = request.headers();
    return std::any_of(headers.cbegin(), headers.cend(), [name](const auto &header) {
        return header.first.compare(name, Qt::CaseInsensitive) == 0;
    });
}

// Digits only; a number too large for qint64 saturates, which past any file's end means the
// same thing as the number itself.
std::optional<qint64> parseDigits(QByteArrayView text)
{
    if (text.isEmpty())
        return std::nullopt;
    constexpr qint64 kSaturated = std::numeric_limits<qint64>::max() / 2;
    qint64 value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = std::min(kSaturated, value * 10 + (c - '0'));
    }
    return value;
}

// RFC 9110, 14.1.2 and 14.2: "bytes=a-b", "bytes=a-" and "bytes=-n", comma-separated. Anything
// else is not an error but a Range to ignore.
RangeRequest parseRange(const QByteArray &header, qint64 size)
{
    RangeRequest whole;
    const qsizetype equals = header.indexOf('=');
    if (equals < 0 || header.left(equals).trimmed().compare("bytes", Qt::CaseInsensitive) != 0)
        return whole;

    QList<ByteRange> satisfiable;
    qsizetype specs = 0;
    const QByteArrayList items = header.mid(equals + 1).split(',');
    for (const QByteArray &item : items) {
        // A list may hold empty elements, which a recipient skips (RFC 9110, 5.6.1).
        const QByteArray spec = item.trimmed();
        if (spec.isEmpty())
            continue;
        if (++specs > kMaxRanges)
            return whole;

        const qsizetype dash = spec.indexOf('-');
        if (dash < 0)
            return whole;
        if (dash == 0) {
            const std::optional<qint64> suffix = parseDigits(QByteArrayView(spec).sliced(1));
            if (!suffix)
                return whole;
            // The last n bytes; "-0" and any suffix of an empty file select nothing.
            if (*suffix > 0 && size > 0)
                satisfiable.append({ std::max<qint64>(0, size - *suffix), size - 1 });
            continue;
        }

        const std::optional<qint64> first = parseDigits(QByteArrayView(spec).first(dash));
        const QByteArrayView lastText = QByteArrayView(spec).sliced(dash + 1);
        const std::optional<qint64> last
            = lastText.isEmpty() ? std::numeric_limits<qint64>::max() : parseDigits(lastText);
        if (!first || !last || *last < *first)
            return whole;
        if (*first < size)
            satisfiable.append({ *first, std::min(*last, size - 1) });
    }
    if (specs == 0)
        return whole;
    if (satisfiable.isEmpty())
        return { RangeRequest::Kind::Unsatisfiable, {} };

    // Overlapping and adjacent ranges become one, so no byte is sent twice.
    std::sort(satisfiable.begin(), satisfiable.end(),
              [](const ByteRange &a, const ByteRange &b) { return a.first < b.first; });
    QList<ByteRange> merged { satisfiable.constFirst() };
    for (qsizetype i = 1; i < satisfiable.size(); ++i) {
        const ByteRange &next = satisfiable.at(i);
        ByteRange &current = merged.last();
        if (next.first <= current.last + 1)
            current.last = std::max(current.last, next.last);
        else
            merged.append(next);
    }
    return { RangeRequest::Kind::Ranges, merged };
}

// If-Range holds one validator and needs an exact match: the strong ETag, or the
// Last-Modified date as sent (RFC 9110, 13.1.5). A weak ETag never matches.
bool ifRangeHolds(const QByteArray &ifRange, const QByteArray &etag, const QByteArray &lastModified)
{
    const QByteArray validator = ifRange.trimmed();
    if (validator.startsWith('"'))
        return validator == etag;
    if (validator.startsWith("W/"))
        return false;
    return validator == lastModified;
}

QByteArray httpDate(const QDateTime &time)
{
    return QLocale::c().toString(time.toUTC(), u"ddd, dd MMM yyyy hh:mm:ss 'GMT'"_qs).toLatin1();
}

// Strong: any change to the file changes its size or its modification time.
QByteArray makeEtag(QStringView id, qint64 size, const QDateTime &modified)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(id.toUtf8());
    hash.addData(QByteArrayView("\n"));
    hash.addData(QByteArray::number(size));
    hash.addData(QByteArrayView("\n"));
    hash.addData(QByteArray::number(modified.toMSecsSinceEpoch()));
    return '"' + hash.result().toHex().left(32) + '"';
}

QByteArray contentRange(const ByteRange &range, qint64 size)
{
    return "bytes " + QByteArray::number(range.first) + '-' + QByteArray::number(range.last) + '/'
        + QByteArray::number(size);
}

// A read-only window [first, first + length) onto a file that several windows may share: the
// body of a 206 answer without the bytes around it. Random access, so that size() gives the
// Content-Length; a file that shrinks under it makes read() fail rather than return short.
class FileRangeDevice : public QIODevice
{
public:
    FileRangeDevice(std::shared_ptr<QFile> file, qint64 first, qint64 length)
        : m_file(std::move(file))
        , m_first(first)
        , m_length(length)
    {
        open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    }

    bool isSequential() const override { return false; }
    qint64 size() const override { return m_length; }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        const qint64 wanted = std::min(maxSize, m_length - pos());
        if (wanted <= 0)
            return 0;
        if (!m_file->seek(m_first + pos())) {
            setErrorString(m_file->errorString());
            return -1;
        }
        const qint64 got = m_file->read(data, wanted);
        if (got <= 0) {
            setErrorString(got < 0 ? m_file->errorString() : u"the file became shorter"_qs);
            return -1;
        }
        return got;
    }

    qint64 writeData(const char *, qint64) override { return -1; }

private:
    std::shared_ptr<QFile> m_file;
    qint64 m_first;
    qint64 m_length;
};

// Several devices read one after the other as one: a multipart/byteranges body is the part
// headers (small byte arrays) between FileRangeDevices, without the file data ever being held
// in memory. Random access; size() is the sum of the parts' sizes.
class ConcatDevice : public QIODevice
{
public:
    explicit ConcatDevice(std::vector<std::unique_ptr<QIODevice>> parts)
        : m_parts(std::move(parts))
    {
        for (const std::unique_ptr<QIODevice> &part : m_parts) {
            m_starts.push_back(m_size);
            m_size += part->size();
        }
        open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    }

    bool isSequential() const override { return false; }
    qint64 size() const override { return m_size; }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        qint64 done = 0;
        while (done < maxSize && pos() + done < m_size) {
            const qint64 at = pos() + done;
            // The last part that starts at or before the position holds it.
            const auto next = std::upper_bound(m_starts.cbegin(), m_starts.cend(), at);
            const auto index = std::size_t(std::distance(m_starts.cbegin(), next) - 1);
            QIODevice &part = *m_parts.at(index);
            if (!part.seek(at - m_starts.at(index))) {
                setErrorString(part.errorString());
                return done > 0 ? done : -1;
            }
            const qint64 got = part.read(data + done, maxSize - done);
            if (got <= 0) {
                setErrorString(part.errorString());
                return done > 0 ? done : -1;
            }
            done += got;
        }
        return done;
    }

    qint64 writeData(const char *, qint64) override { return -1; }

private:
    std::vector<std::unique_ptr<QIODevice>> m_parts;
    std::vector<qint64> m_starts;
    qint64 m_size = 0;
};

std::unique_ptr<QIODevice> bytesDevice(const QByteArray &bytes)
{
    auto buffer = std::make_unique<QBuffer>();
    buffer->setData(bytes);
    buffer->open(QIODevice::ReadOnly);
    return buffer;
}

// The read buffers of every body being sent; the server answers on one thread. The socket is
// handed a buffer by QIODevice::write(QByteArray), which keeps a reference instead of copying,
// so a buffer is busy until the socket has written it out and is reused once it is detached
// again: no allocation, page fault or extra copy per chunk, and memory stays at the buffers in
// flight.
class ChunkPool
{
public:
    QByteArray &take()
    {
        qsizetype free = 0;
        for (auto chunk = m_chunks.begin(); chunk != m_chunks.end();) {
            if (chunk->isDetached() && ++free > kKeptFree) {
                chunk = m_chunks.erase(chunk); // what a burst of clients left behind
                continue;
            }
            ++chunk;
        }
        for (QByteArray &chunk : m_chunks) {
            if (chunk.isDetached())
                return chunk;
        }
        return m_chunks.emplace_back(kChunkBytes, Qt::Uninitialized);
    }

private:
    static constexpr qsizetype kKeptFree = 16;
    std::list<QByteArray> m_chunks; // a list: handed-out references stay valid
};

ChunkPool &chunkPool()
{
    // One pool per serving thread: its chunks are handed to that thread's sockets only.
    thread_local ChunkPool pool;
    return pool;
}

// Writes a body device to the connection of a responder whose headers are written, in large
// chunks paced by the socket's bytesWritten(), and deletes itself when the body is sent or the
// client has gone. A child of the socket, so it cannot outlive it.
class BodyPump : public QObject
{
public:
    BodyPump(QHttpServerResponder &&responder, std::unique_ptr<QIODevice> body, QString what)
        : QObject(responder.socket())
        , m_responder(std::move(responder))
        , m_socket(m_responder.socket())
        , m_body(std::move(body))
        , m_remaining(m_body->size())
        , m_what(std::move(what))
    {
        // Ends the headers; the body goes to the socket directly, so its buffers are shared.
        m_responder.writeBody(QByteArray());
        // The last segment of a body would otherwise wait for the client's delayed ACK (Nagle),
        // which costs a kept-alive connection milliseconds per Range request; a send buffer as
        // large as what may be ahead lets one write() take several chunks.
        m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        m_socket->setSocketOption(QAbstractSocket::SendBufferSizeSocketOption, int(kAheadBytes));
        connect(m_socket, &QTcpSocket::bytesWritten, this, [this] { fill(); });
        connect(m_socket, &QTcpSocket::disconnected, this, [this] {
            qCDebug(lcServer).noquote()
                << m_what << "client left with" << m_remaining << "bytes unsent";
            deleteLater();
        });
    }

    void fill()
    {
        while (m_remaining > 0 && m_socket && m_socket->state() == QAbstractSocket::ConnectedState
               && m_socket->bytesToWrite() < kAheadBytes) {
            QByteArray &chunk = chunkPool().take();
            chunk.resize(std::min(kChunkBytes, m_remaining));
            const qint64 got = m_body->read(chunk.data(), chunk.size());
            if (got <= 0) {
                // Content-Length is promised; closing is the only honest end left.
                qCWarning(lcServer).noquote()
                    << m_what << "cannot be read any further:" << m_body->errorString()
                    << "- connection closed";
                m_remaining = 0;
                m_socket->abort();
                deleteLater();
                return;
            }
            chunk.resize(got);
            m_socket->write(chunk);
            m_remaining -= got;
        }
        if (m_remaining == 0)
            deleteLater();
    }

private:
    QHttpServerResponder m_responder;
    QPointer<QTcpSocket> m_socket;
    std::unique_ptr<QIODevice> m_body;
    qint64 m_remaining;
    QString m_what;
};

QByteArray methodName(Method method)
{
    return method == Method::Head ? QByteArrayLiteral("HEAD") : QByteArrayLiteral("GET");
}

} // namespace

RecordingApi::RecordingApi(CallStore *store, const QString &recordingsRoot, AuditLog *audit)
    : m_store(store)
    , m_root(recordingsRoot)
    , m_audit(audit)
{ }

void RecordingApi::registerRoutes(ApiRouter *router)
{
    const RouteAccess readers
        = RouteAccess::roles({ Role::Supervisor, Role::Auditor, Role::Agent });
    router->addRoute(u"getRecording"_qs, u"/api/v1/recordings/{id}"_qs, Method::Get, readers,
                     [this](const ApiRequest &request, QHttpServerResponder &&responder) {
                         answer(request.argument, request.http, request.caller,
                                std::move(responder));
                     });
    // POST only, so that a GET of ".../plays" stays a (missing) recording id.
    router->addRoute(u"reportPlayback"_qs, kPlaysPath, Method::Post, readers,
                     [this](const ApiRequest &request, QHttpServerResponder &&responder) {
                         reportPlayback(request, std::move(responder));
                     });
}

bool RecordingApi::mayRead(const Caller &caller, const QString &crn)
{
    if (caller.role != Role::Agent)
        return true;
    if (crn.isEmpty())
        return false;
    const std::optional<QByteArray> document = m_store->findCallDocument(crn);
    return document && callerMayRead(caller, QJsonDocument::fromJson(*document).object());
}

void RecordingApi::reportPlayback(const ApiRequest &request, QHttpServerResponder &&responder)
{
    QElapsedTimer timer;
    timer.start();
    // The id ends where the route's fixed tail begins.
    const QString id = request.argument;
    const auto reply = [&](const ApiResponse &response) {
        ApiRouter::respond(request.http, responder, response, kPlaysPath, timer);
    };

    const QByteArray body = request.http.body();
    QJsonParseError parseError;
    const QJsonDocument document = body.size() <= kMaxPlayBody
        ? QJsonDocument::fromJson(body, &parseError)
        : QJsonDocument();
    const QJsonObject span = document.object();
    const QJsonValue start = span.value(u"start");
    const QJsonValue end = span.value(u"end");
    if (!document.isObject() || !start.isDouble() || !end.isDouble()) {
        reply(ApiResponse::error(StatusCode::BadRequest, u"bad_request"_qs,
                                 u"The body must be a JSON object with the numbers \"start\" and "
                                 "\"end\", in seconds into the recording."_qs));
        return;
    }
    if (!(start.toDouble() >= 0 && start.toDouble() < end.toDouble())) {
        reply(ApiResponse::error(StatusCode::BadRequest, u"bad_request"_qs,
                                 u"A played span needs 0 <= \"start\" < \"end\"."_qs));
        return;
    }

    const std::optional<StoredRecording> recording = m_store->findRecording(id);
    if (!recording) {
        if (m_store->callCount() < 0) {
            reply(ApiResponse::error(
                StatusCode::ServiceUnavailable, u"unavailable"_qs,
                u"The call database cannot be read right now. Try again in a moment."_qs));
            return;
        }
        reply(
            ApiResponse::error(StatusCode::NotFound, u"not_found"_qs,
                               QStringLiteral("No recording has the id \"%1\".").arg(echoed(id))));
        return;
    }
    if (!mayRead(request.caller, recording->crn)) {
        reply(ApiResponse::error(StatusCode::Forbidden, u"forbidden"_qs,
                                 u"An agent may play only the recordings of their own calls."_qs));
        return;
    }

    if (m_audit) {
        const QString detail = QString::number(start.toDouble(), 'f', 1) + u'-'
            + QString::number(end.toDouble(), 'f', 1) + u" s"_qs;
        m_audit->record(request.caller, AuditAction::RecordingPlayed,
                        { recording->crn, recording->id, {}, detail });
    }
    reply({ StatusCode::NoContent, {}, {} });
}

QString RecordingApi::confinedPath(QStringView id, const QString &storedPath) const
{
    if (m_root.isEmpty() || storedPath.isEmpty())
        return {};
    const QString root = QFileInfo(m_root).canonicalFilePath();
    if (root.isEmpty()) {
        qCWarning(lcServer).noquote() << "The recordings folder" << m_root << "does not exist";
        return {};
    }

    // The stored path never goes to the log: MixMonitor names can hold phone numbers.
    const QString canonical = QFileInfo(QDir(root).filePath(storedPath)).canonicalFilePath();
    if (canonical.isEmpty())
        return {};
    const QString prefix = root.endsWith(u'/') ? root : root + u'/';
    if (!canonical.startsWith(prefix)) {
        qCWarning(lcServer).noquote()
            << "Recording" << echoed(id)
            << "has a stored path that leads outside the recordings folder; answered as missing";
        return {};
    }
    return QFileInfo(canonical).isFile() ? canonical : QString();
}

void RecordingApi::answer(QStringView id, const QHttpServerRequest &request, const Caller &caller,
                          QHttpServerResponder &&responder)
{
    QElapsedTimer timer;
    timer.start();
    const bool head = request.method() == Method::Head;
    const QString what
        = QString::fromLatin1(methodName(request.method())) + u' ' + kRecordingPrefix + echoed(id);

    // Every answer but a streamed body goes out through here, and is logged once.
    const auto reply = [&](StatusCode status, const QByteArray &contentType, const QByteArray &body,
                           const QList<Header> &headers) {
        responder.writeStatusLine(status);
        if (status != StatusCode::NotModified) {
            responder.writeHeader("Content-Type", contentType);
            responder.writeHeader("Content-Length", QByteArray::number(body.size()));
        }
        for (const Header &header : headers)
            responder.writeHeader(header.first, header.second);
        responder.writeBody(head ? QByteArray() : body);
        qCInfo(lcServer).noquote()
            << what << int(status) << QString::number(double(timer.nsecsElapsed()) / 1e6, 'f', 1)
            << "ms";
    };
    const auto error = [&](StatusCode status, const QString &code, const QString &message,
                           const QList<Header> &headers = {}) {
        reply(status, "application/json", errorBody(code, message), headers);
    };
    const auto missing = [&] {
        error(StatusCode::NotFound, u"recording_missing"_qs,
              QStringLiteral("The file of recording \"%1\" is missing on the server.")
                  .arg(echoed(id)));
    };

    const std::optional<StoredRecording> recording = m_store->findRecording(id);
    if (!recording) {
        // findRecording() answers "no" both for an unknown id and for a database that failed.
        if (m_store->callCount() < 0) {
            qCWarning(lcServer).noquote()
                << "Cannot look up a recording because the call database failed:"
                << m_store->errorString();
            error(StatusCode::ServiceUnavailable, u"unavailable"_qs,
                  u"The call database cannot be read right now. Try again in a moment."_qs);
            return;
        }
        error(StatusCode::NotFound, u"not_found"_qs,
              QStringLiteral("No recording has the id \"%1\".").arg(echoed(id)));
        return;
    }

    if (!mayRead(caller, recording->crn)) {
        error(StatusCode::Forbidden, u"forbidden"_qs,
              u"An agent may read only the recordings of their own calls."_qs);
        return;
    }

    const QString path = confinedPath(id, recording->path);
    if (path.isEmpty()) {
        missing();
        return;
    }
    auto file = std::make_shared<QFile>(path);
    if (!file->open(QIODevice::ReadOnly)) {
        qCWarning(lcServer).noquote()
            << "Cannot open the file of recording" << echoed(id) << ':' << file->errorString();
        missing();
        return;
    }
#ifdef Q_OS_LINUX
    // A folder swapped for a symbolic link between the check and open() is caught here: the
    // descriptor's own path is what was opened.
    const QString opened
        = QFile::symLinkTarget(u"/proc/self/fd/"_qs + QString::number(file->handle()));
    if (!opened.isEmpty() && opened != path) {
        qCWarning(lcServer).noquote() << "The file of recording" << echoed(id)
                                      << "changed while it was opened; answered as missing";
        missing();
        return;
    }
#endif

    const qint64 size = file->size();
    const QDateTime modified = file->fileTime(QFileDevice::FileModificationTime);
    const QByteArray etag = makeEtag(id, size, modified);
    const QByteArray lastModified = httpDate(modified);
    const QByteArray contentType = recording->contentType.isEmpty()
        ? QByteArrayLiteral("application/octet-stream")
        : recording->contentType.toLatin1();
    QList<Header> headers { { "Accept-Ranges", "bytes" },
                            { "ETag", etag },
                            { "Last-Modified", lastModified } };

    const QByteArray ifNoneMatch = HttpHeaders::value(request, "If-None-Match");
    if (!ifNoneMatch.isEmpty() && HttpHeaders::ifNoneMatchHolds(ifNoneMatch, etag)) {
        reply(StatusCode::NotModified, {}, {}, headers);
        return;
    }

    // A Range whose If-Range names another version of the file is dropped: the client gets the
    // whole new file rather than a splice of two.
    RangeRequest range;
    if (hasHeader(request, "Range")) {
        const bool current = !hasHeader(request, "If-Range")
            || ifRangeHolds(HttpHeaders::value(request, "If-Range"), etag, lastModified);
        if (current)
            range = parseRange(HttpHeaders::value(request, "Range"), size);
    }

    if (range.kind == RangeRequest::Kind::Unsatisfiable) {
        headers.append({ "Content-Range", "bytes */" + QByteArray::number(size) });
        error(StatusCode::RequestRangeNotSatisfiable, u"range_not_satisfiable"_qs,
              QStringLiteral("No byte of the range asked for is in the file of recording "
                             "\"%1\", which has %2 bytes.")
                  .arg(echoed(id))
                  .arg(size),
              headers);
        return;
    }

    StatusCode status = StatusCode::Ok;
    QByteArray bodyType = contentType;
    std::unique_ptr<QIODevice> body;
    if (range.kind == RangeRequest::Kind::Whole) {
        body = std::make_unique<FileRangeDevice>(file, 0, size);
    } else if (range.ranges.size() == 1) {
        const ByteRange only = range.ranges.constFirst();
        status = StatusCode::PartialContent;
        headers.append({ "Content-Range", contentRange(only, size) });
        body = std::make_unique<FileRangeDevice>(file, only.first, only.length());
    } else {
        // RFC 9110, 14.6: each part has its own Content-Type and Content-Range.
        status = StatusCode::PartialContent;
        const QByteArray boundary
            = "crn-" + QByteArray::number(QRandomGenerator::global()->generate64(), 16);
        bodyType = "multipart/byteranges; boundary=" + boundary;
        std::vector<std::unique_ptr<QIODevice>> parts;
        for (const ByteRange &part : std::as_const(range.ranges)) {
            parts.push_back(bytesDevice("--" + boundary + "\r\nContent-Type: " + contentType
                                        + "\r\nContent-Range: " + contentRange(part, size)
                                        + "\r\n\r\n"));
            parts.push_back(std::make_unique<FileRangeDevice>(file, part.first, part.length()));
            parts.push_back(bytesDevice("\r\n"));
        }
        parts.push_back(bytesDevice("--" + boundary + "--\r\n"));
        body = std::make_unique<ConcatDevice>(std::move(parts));
    }

    // What was served, not what will arrive: a client that leaves early has still asked.
    if (m_audit && !head) {
        QString detail = u"bytes=all"_qs;
        if (range.kind == RangeRequest::Kind::Ranges) {
            QStringList ranges;
            for (const ByteRange &part : std::as_const(range.ranges))
                ranges.append(QString::number(part.first) + u'-' + QString::number(part.last));
            detail = u"bytes="_qs + ranges.join(u',');
        }
        m_audit->record(caller, AuditAction::RecordingDownloaded,
                        { recording->crn, recording->id, {}, detail });
    }

    responder.writeStatusLine(status);
    responder.writeHeader("Content-Type", bodyType);
    responder.writeHeader("Content-Length", QByteArray::number(body->size()));
    for (const Header &header : std::as_const(headers))
        responder.writeHeader(header.first, header.second);
    qCInfo(lcServer).noquote() << what << int(status) << body->size() << "bytes"
                               << QString::number(double(timer.nsecsElapsed()) / 1e6, 'f', 1)
                               << "ms";
    if (head || body->size() == 0) {
        responder.writeBody(QByteArray());
        return;
    }
    auto *pump = new BodyPump(std::move(responder), std::move(body), what);
    pump->fill();
}
