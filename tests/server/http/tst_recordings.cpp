// GET and HEAD /api/v1/recordings/{id} of a real `crn-server serve` process on a free loopback
// port, over a database this test fills with CallStore::saveCalls and saveRecordings and a
// recordings folder it writes. Every expected byte follows from the pattern the files are
// written with (byteAt below); every expected header from docs/api.yaml and RFC 9110.

#include "store/callstore.h"
#include "testcalls.h"
#include "testserver.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace {

// The recording most cases fetch: 10,000 bytes, in a date folder as MixMonitor setups keep them.
const QString kId = u"r-5f0c2a9d41e7b3c8"_qs;
const QString kPath = u"2024/06/11/in-2000-1001-20240611-093000-1718100000.42.wav"_qs;
constexpr qint64 kSize = 10000;
// Set as the file's modification time, so Last-Modified is known: 11 June 2024 was a Tuesday.
const QDateTime kModified(QDate(2024, 6, 11), QTime(9, 35, 0), Qt::UTC);
const QByteArray kLastModified = "Tue, 11 Jun 2024 09:35:00 GMT";

// A file large enough to be sent in many chunks: 12 MiB.
const QString kLargeId = u"r-large"_qs;
constexpr qint64 kLargeSize = 12 * 1024 * 1024;

// Byte i of every file this test writes (salt tells files apart). 251 is prime, so no range of
// a file repeats another range's bytes at a nearby offset.
char byteAt(qint64 i, int salt = 0)
{
    return char((i * 7 + 3 + salt) % 251);
}

QByteArray pattern(qint64 first, qint64 last, int salt = 0)
{
    QByteArray bytes;
    bytes.reserve(last - first + 1);
    for (qint64 i = first; i <= last; ++i)
        bytes.append(byteAt(i, salt));
    return bytes;
}

bool writeFile(const QString &path, qint64 size, int salt = 0)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    constexpr qint64 kBlock = 1024 * 1024;
    for (qint64 at = 0; at < size; at += kBlock) {
        const QByteArray block = pattern(at, std::min(size, at + kBlock) - 1, salt);
        if (file.write(block) != block.size())
            return false;
    }
    return true;
}

struct HttpResult
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
    QString errorCode() const
    {
        return QJsonDocument::fromJson(body)
            .object()
            .value(u"error")
            .toObject()
            .value(u"code")
            .toString();
    }
};

struct Part
{
    QByteArray contentType;
    QByteArray contentRange;
    QByteArray data;
};

// Reads a multipart/byteranges body as RFC 2046 defines it: a delimiter is CRLF "--" boundary,
// the first may come without its CRLF, and the last is followed by "--". Returns false when the
// body is not of that form.
bool parseMultipart(const QByteArray &body, const QByteArray &boundary, QList<Part> *parts)
{
    const QByteArray delimiter = "--" + boundary;
    const QByteArray crlfDelimiter = "\r\n" + delimiter;
    qsizetype at = body.startsWith(delimiter) ? 0 : body.indexOf(crlfDelimiter);
    if (at < 0)
        return false;
    at += body.startsWith(delimiter) ? delimiter.size() : delimiter.size() + 2;
    while (true) {
        if (body.mid(at, 2) == "--")
            return body.mid(at + 2).trimmed().isEmpty(); // the close delimiter
        if (body.mid(at, 2) != "\r\n")
            return false;
        at += 2;
        const qsizetype headersEnd = body.indexOf("\r\n\r\n", at);
        const qsizetype next = body.indexOf(crlfDelimiter, at);
        if (headersEnd < 0 || next < 0 || headersEnd > next)
            return false;
        Part part;
        const QList<QByteArray> lines = body.mid(at, headersEnd - at).split('\n');
        for (const QByteArray &line : lines) {
            const qsizetype colon = line.indexOf(':');
            const QByteArray name = line.left(colon).trimmed().toLower();
            const QByteArray value = line.mid(colon + 1).trimmed();
            if (name == "content-type")
                part.contentType = value;
            else if (name == "content-range")
                part.contentRange = value;
        }
        part.data = body.mid(headersEnd + 4, next - headersEnd - 4);
        parts->append(part);
        at = next + 2 + delimiter.size();
    }
}

QByteArray contentRange(qint64 first, qint64 last, qint64 size)
{
    return "bytes " + QByteArray::number(first) + '-' + QByteArray::number(last) + '/'
        + QByteArray::number(size);
}

} // namespace

class TestRecordings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void wholeFileWithHeaders();
    void headHasHeadersAndNoBody();
    void singleRange_data();
    void singleRange();
    void headWithRange();
    void malformedRangeIsIgnored_data();
    void malformedRangeIsIgnored();
    void unsatisfiableRangeIs416_data();
    void unsatisfiableRangeIs416();
    void severalRangesAreMultipart_data();
    void severalRangesAreMultipart();
    void ifRange_data();
    void ifRange();
    void ifNoneMatch_data();
    void ifNoneMatch();
    void etagFollowsTheFile();
    void largeFileStreamsWhole();
    void largeFileMultipart();
    void clientLeavingMidBodyLeavesServerServing();
    void unknownIdIsNotFound();
    void deletedFileIsMissing();
    void pathOutsideTheRootIsMissing_data();
    void pathOutsideTheRootIsMissing();
    void symlinkInsideTheRootIsServed();
    void otherMethodsGet405_data();
    void otherMethodsGet405();
    void recordingsOptionOverridesStoredRoot();
    void missingRecordingsOptionFolderIsAnError();

private:
    HttpResult send(const QByteArray &method, const QString &id,
                    const QList<std::pair<QByteArray, QByteArray>> &headers = {},
                    const QUrl &base = {});
    QByteArray etag();

    QTemporaryDir m_dir;
    QString m_root;
    QString m_databasePath;
    std::unique_ptr<TestServer> m_server;
    QNetworkAccessManager m_network;
};

void TestRecordings::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_root = m_dir.filePath(u"recordings"_qs);
    m_databasePath = m_dir.filePath(u"calls.db"_qs);

    QVERIFY(writeFile(QDir(m_root).filePath(kPath), kSize));
    QFile file(QDir(m_root).filePath(kPath));
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.setFileTime(kModified, QFileDevice::FileModificationTime));
    file.close();
    QVERIFY(writeFile(QDir(m_root).filePath(u"large.wav"_qs), kLargeSize, 1));
    QVERIFY(writeFile(QDir(m_root).filePath(u"gone.wav"_qs), 100));
    QVERIFY(writeFile(QDir(m_root).filePath(u"empty.wav"_qs), 0));
    // Outside the root, reached by "../" and by a link inside it; and a link that stays inside.
    QVERIFY(writeFile(m_dir.filePath(u"outside.wav"_qs), 100));
    QVERIFY(
        QFile::link(m_dir.filePath(u"outside.wav"_qs), QDir(m_root).filePath(u"link-out.wav"_qs)));
    QVERIFY(QFile::link(QDir(m_root).filePath(kPath), QDir(m_root).filePath(u"link-in.wav"_qs)));
    QDir().mkpath(m_dir.filePath(u"outside-folder"_qs));
    QVERIFY(writeFile(m_dir.filePath(u"outside-folder/secret.wav"_qs), 100));
    QVERIFY(
        QFile::link(m_dir.filePath(u"outside-folder"_qs), QDir(m_root).filePath(u"folder-out"_qs)));

    QString why;
    const std::unique_ptr<CallStore> store = CallStore::open(m_databasePath, &why);
    QVERIFY2(store, qPrintable(why));
    const QList<Call> calls = TestCalls::all();
    QVERIFY2(store->saveCalls(calls), qPrintable(store->errorString()));
    const QString crn = calls.constFirst().crn();
    const qint64 modifiedUs = kModified.toMSecsSinceEpoch() * 1000;
    const auto row = [&](const QString &id, const QString &path, qint64 size) {
        return StoredRecording { id, crn, path, size, modifiedUs, u"audio/wav"_qs };
    };
    QVERIFY2(store->saveRecordings(
                 { row(kId, kPath, kSize), row(kLargeId, u"large.wav"_qs, kLargeSize),
                   row(u"r-gone"_qs, u"gone.wav"_qs, 100), row(u"r-empty"_qs, u"empty.wav"_qs, 0),
                   row(u"r-dotdot"_qs, u"../outside.wav"_qs, 100),
                   row(u"r-absolute"_qs, m_dir.filePath(u"outside.wav"_qs), 100),
                   row(u"r-link-out"_qs, u"link-out.wav"_qs, 100),
                   row(u"r-folder-out"_qs, u"folder-out/secret.wav"_qs, 100),
                   row(u"r-link-in"_qs, u"link-in.wav"_qs, kSize),
                   row(u"r-folder"_qs, u"2024/06"_qs, 0) }),
             qPrintable(store->errorString()));
    QVERIFY(store->setSetting(u"recordings_root"_qs, m_root));

    // The root the import stored: no --recordings option.
    m_server = std::make_unique<TestServer>(m_databasePath);
    QVERIFY2(m_server->start(0, &why), qPrintable(why));
}

void TestRecordings::cleanupTestCase()
{
    m_server.reset();
}

HttpResult TestRecordings::send(const QByteArray &method, const QString &id,
                                const QList<std::pair<QByteArray, QByteArray>> &headers,
                                const QUrl &base)
{
    QUrl url = base.isEmpty() ? m_server->url() : base;
    // Every TestServer on this database has its own users, and a token works with any of them.
    url.setPath(u"/api/v1/recordings/"_qs + QString::fromLatin1(QUrl::toPercentEncoding(id)),
                QUrl::StrictMode);
    QNetworkRequest request(url);
    request.setTransferTimeout(30000);
    request.setRawHeader("Authorization", m_server->authorization());
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    // A custom "HEAD" would wait for the body Content-Length announces: HEAD must be head().
    QNetworkReply *reply = method == "HEAD" ? m_network.head(request)
        : method == "GET"                   ? m_network.get(request)
                                            : m_network.sendCustomRequest(request, method);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(30000);

    HttpResult result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.error = reply->error();
    result.body = reply->readAll();
    result.headers = reply->rawHeaderPairs();
    reply->deleteLater();
    return result;
}

QByteArray TestRecordings::etag()
{
    return send("HEAD", kId).header("ETag");
}

void TestRecordings::wholeFileWithHeaders()
{
    const HttpResult result = send("GET", kId);
    QCOMPARE(result.status, 200);
    QCOMPARE(result.body.size(), kSize);
    QCOMPARE(result.body, pattern(0, kSize - 1));
    QCOMPARE(result.header("Content-Type"), QByteArray("audio/wav"));
    QCOMPARE(result.header("Content-Length"), QByteArray("10000"));
    QCOMPARE(result.header("Accept-Ranges"), QByteArray("bytes"));
    QCOMPARE(result.header("Last-Modified"), kLastModified);
    QVERIFY(result.header("Content-Range").isEmpty());
    // Strong: quoted, without W/.
    const QByteArray tag = result.header("ETag");
    QVERIFY2(tag.size() > 2 && tag.startsWith('"') && tag.endsWith('"'), tag.constData());

    // An empty file is a 200 with no bytes.
    const HttpResult empty = send("GET", u"r-empty"_qs);
    QCOMPARE(empty.status, 200);
    QCOMPARE(empty.header("Content-Length"), QByteArray("0"));
    QVERIFY(empty.body.isEmpty());
}

void TestRecordings::headHasHeadersAndNoBody()
{
    const HttpResult head = send("HEAD", kId);
    QCOMPARE(head.status, 200);
    QCOMPARE(head.header("Content-Length"), QByteArray("10000"));
    QCOMPARE(head.header("Content-Type"), QByteArray("audio/wav"));
    QCOMPARE(head.header("Accept-Ranges"), QByteArray("bytes"));
    QCOMPARE(head.header("Last-Modified"), kLastModified);
    QCOMPARE(head.header("ETag"), send("GET", kId).header("ETag"));

    // A client cannot tell a body QNetworkAccessManager dropped from none: on a raw connection
    // the answer to a second request must follow the HEAD's headers at once.
    QTcpSocket socket;
    socket.connectToHost(u"127.0.0.1"_qs, m_server->port());
    QVERIFY(socket.waitForConnected(10000));
    socket.write("HEAD /api/v1/recordings/" + kId.toLatin1()
                 + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + m_server->authorization()
                 + "\r\n\r\n"
                   "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray received;
    QVERIFY(QTest::qWaitFor(
        [&] {
            received += socket.readAll();
            return received.endsWith('}');
        },
        10000));
    const qsizetype headersEnd = received.indexOf("\r\n\r\n");
    QVERIFY(headersEnd > 0);
    QVERIFY2(received.mid(headersEnd + 4).startsWith("HTTP/1.1 200"), received.constData());
}

void TestRecordings::singleRange_data()
{
    QTest::addColumn<QByteArray>("range");
    QTest::addColumn<qint64>("first");
    QTest::addColumn<qint64>("last");

    QTest::newRow("first byte") << QByteArray("bytes=0-0") << qint64(0) << qint64(0);
    QTest::newRow("suffix") << QByteArray("bytes=-500") << qint64(9500) << qint64(9999);
    QTest::newRow("suffix longer than the file")
        << QByteArray("bytes=-20000") << qint64(0) << qint64(9999);
    QTest::newRow("open end") << QByteArray("bytes=100-") << qint64(100) << qint64(9999);
    QTest::newRow("middle") << QByteArray("bytes=1000-1999") << qint64(1000) << qint64(1999);
    QTest::newRow("last byte past the end is clamped")
        << QByteArray("bytes=9990-20000") << qint64(9990) << qint64(9999);
    QTest::newRow("huge last byte")
        << QByteArray("bytes=9000-99999999999999999999999") << qint64(9000) << qint64(9999);
    QTest::newRow("last byte") << QByteArray("bytes=9999-9999") << qint64(9999) << qint64(9999);
    QTest::newRow("the whole file as a range")
        << QByteArray("bytes=0-9999") << qint64(0) << qint64(9999);
    QTest::newRow("unit in capitals") << QByteArray("BYTES=5-9") << qint64(5) << qint64(9);
    QTest::newRow("spaces around a range") << QByteArray("bytes= 5-9 ") << qint64(5) << qint64(9);
    QTest::newRow("adjacent ranges merge into one")
        << QByteArray("bytes=0-99,100-199") << qint64(0) << qint64(199);
    QTest::newRow("overlapping ranges merge into one")
        << QByteArray("bytes=50-150,0-99,140-160") << qint64(0) << qint64(160);
    QTest::newRow("empty list elements are skipped")
        << QByteArray("bytes=,10-19,,") << qint64(10) << qint64(19);
    QTest::newRow("unsatisfiable ranges beside one that is")
        << QByteArray("bytes=20000-,10-19,-0") << qint64(10) << qint64(19);
}

void TestRecordings::singleRange()
{
    QFETCH(QByteArray, range);
    QFETCH(qint64, first);
    QFETCH(qint64, last);

    const HttpResult result = send("GET", kId, { { "Range", range } });
    QCOMPARE(result.status, 206);
    QCOMPARE(result.header("Content-Range"), contentRange(first, last, kSize));
    QCOMPARE(result.header("Content-Type"), QByteArray("audio/wav"));
    QCOMPARE(result.header("Content-Length"), QByteArray::number(last - first + 1));
    QCOMPARE(result.header("Accept-Ranges"), QByteArray("bytes"));
    QVERIFY(!result.header("ETag").isEmpty());
    QCOMPARE(result.body, pattern(first, last));
}

void TestRecordings::headWithRange()
{
    // The contract: HEAD answers what GET would, without the body.
    const HttpResult result = send("HEAD", kId, { { "Range", "bytes=-500" } });
    QCOMPARE(result.status, 206);
    QCOMPARE(result.header("Content-Range"), contentRange(9500, 9999, kSize));
    QCOMPARE(result.header("Content-Length"), QByteArray("500"));
    QVERIFY(result.body.isEmpty());
}

void TestRecordings::malformedRangeIsIgnored_data()
{
    QTest::addColumn<QByteArray>("range");

    QTest::newRow("not a number") << QByteArray("bytes=abc");
    QTest::newRow("another unit") << QByteArray("items=0-10");
    QTest::newRow("no unit") << QByteArray("0-10");
    QTest::newRow("last before first") << QByteArray("bytes=5-1");
    QTest::newRow("nothing after =") << QByteArray("bytes=");
    QTest::newRow("dash only") << QByteArray("bytes=-");
    QTest::newRow("two dashes") << QByteArray("bytes=1-2-3");
    QTest::newRow("double minus") << QByteArray("bytes=--5");
    QTest::newRow("plus sign") << QByteArray("bytes=+1-2");
    QTest::newRow("negative number") << QByteArray("bytes=-5-10");
    QTest::newRow("one bad range among good ones") << QByteArray("bytes=0-1,x-2,5-6");
    QTest::newRow("hex") << QByteArray("bytes=0x10-0x20");
    QByteArray many = "bytes=";
    for (int i = 0; i < 101; ++i)
        many += QByteArray::number(i * 20) + '-' + QByteArray::number(i * 20 + 1) + ',';
    many.chop(1);
    QTest::newRow("more than 100 ranges") << many;
}

void TestRecordings::malformedRangeIsIgnored()
{
    QFETCH(QByteArray, range);

    const HttpResult result = send("GET", kId, { { "Range", range } });
    QCOMPARE(result.status, 200);
    QVERIFY(result.header("Content-Range").isEmpty());
    QCOMPARE(result.body, pattern(0, kSize - 1));
}

void TestRecordings::unsatisfiableRangeIs416_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QByteArray>("range");
    QTest::addColumn<QByteArray>("contentRange");

    QTest::newRow("starts at the size")
        << kId << QByteArray("bytes=10000-") << QByteArray("bytes */10000");
    QTest::newRow("starts past the end")
        << kId << QByteArray("bytes=20000-30000") << QByteArray("bytes */10000");
    QTest::newRow("empty suffix") << kId << QByteArray("bytes=-0") << QByteArray("bytes */10000");
    QTest::newRow("several, all past the end")
        << kId << QByteArray("bytes=10000-10001,20000-") << QByteArray("bytes */10000");
    QTest::newRow("any range of an empty file")
        << u"r-empty"_qs << QByteArray("bytes=0-0") << QByteArray("bytes */0");
    QTest::newRow("a suffix of an empty file")
        << u"r-empty"_qs << QByteArray("bytes=-10") << QByteArray("bytes */0");
}

void TestRecordings::unsatisfiableRangeIs416()
{
    QFETCH(QString, id);
    QFETCH(QByteArray, range);
    QFETCH(QByteArray, contentRange);

    const HttpResult result = send("GET", id, { { "Range", range } });
    QCOMPARE(result.status, 416);
    QCOMPARE(result.header("Content-Range"), contentRange);
    QCOMPARE(result.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(result.errorCode(), u"range_not_satisfiable"_qs);
}

void TestRecordings::severalRangesAreMultipart_data()
{
    QTest::addColumn<QByteArray>("range");
    QTest::addColumn<QList<qint64>>("bounds"); // first, last, first, last, ...

    QTest::newRow("three ranges, one a suffix")
        << QByteArray("bytes=0-9,100-109,-10") << QList<qint64> { 0, 9, 100, 109, 9990, 9999 };
    QTest::newRow("overlapping ranges are merged first")
        << QByteArray("bytes=0-50,20-80,200-210") << QList<qint64> { 0, 80, 200, 210 };
    QTest::newRow("a range inside another")
        << QByteArray("bytes=100-200,150-160,5000-") << QList<qint64> { 100, 200, 5000, 9999 };
    QTest::newRow("ranges in descending order are sent ascending")
        << QByteArray("bytes=500-509,0-9") << QList<qint64> { 0, 9, 500, 509 };
    QTest::newRow("a last byte past the end is clamped in a part")
        << QByteArray("bytes=0-0,9998-12000") << QList<qint64> { 0, 0, 9998, 9999 };
}

void TestRecordings::severalRangesAreMultipart()
{
    QFETCH(QByteArray, range);
    QFETCH(QList<qint64>, bounds);

    const HttpResult result = send("GET", kId, { { "Range", range } });
    QCOMPARE(result.status, 206);
    QVERIFY(result.header("Content-Range").isEmpty());
    const QByteArray type = result.header("Content-Type");
    const QByteArray prefix = "multipart/byteranges; boundary=";
    QVERIFY2(type.startsWith(prefix), type.constData());
    const QByteArray boundary = type.mid(prefix.size());
    QVERIFY(!boundary.isEmpty());
    QCOMPARE(result.header("Content-Length"), QByteArray::number(result.body.size()));

    QList<Part> parts;
    QVERIFY2(parseMultipart(result.body, boundary, &parts), result.body.left(400).constData());
    QCOMPARE(parts.size(), bounds.size() / 2);
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const qint64 first = bounds.at(2 * i);
        const qint64 last = bounds.at(2 * i + 1);
        QCOMPARE(parts.at(i).contentType, QByteArray("audio/wav"));
        QCOMPARE(parts.at(i).contentRange, contentRange(first, last, kSize));
        QCOMPARE(parts.at(i).data, pattern(first, last));
    }
}

void TestRecordings::ifRange_data()
{
    QTest::addColumn<QByteArray>("validator"); // "ETAG" stands for the current ETag
    QTest::addColumn<int>("status");

    QTest::newRow("current ETag honours the Range") << QByteArray("ETAG") << 206;
    QTest::newRow("stale ETag sends the whole file") << QByteArray("\"0123456789abcdef\"") << 200;
    QTest::newRow("weak form of the current ETag never matches") << QByteArray("W/ETAG") << 200;
    QTest::newRow("current Last-Modified honours the Range") << kLastModified << 206;
    QTest::newRow("another date sends the whole file")
        << QByteArray("Mon, 10 Jun 2024 09:35:00 GMT") << 200;
    QTest::newRow("garbage sends the whole file") << QByteArray("whatever") << 200;
}

void TestRecordings::ifRange()
{
    QFETCH(QByteArray, validator);
    QFETCH(int, status);

    validator.replace("ETAG", etag());
    const HttpResult result
        = send("GET", kId, { { "Range", "bytes=100-" }, { "If-Range", validator } });
    QCOMPARE(result.status, status);
    if (status == 206) {
        QCOMPARE(result.header("Content-Range"), contentRange(100, 9999, kSize));
        QCOMPARE(result.body, pattern(100, 9999));
    } else {
        QVERIFY(result.header("Content-Range").isEmpty());
        QCOMPARE(result.body, pattern(0, kSize - 1));
    }
}

void TestRecordings::ifNoneMatch_data()
{
    QTest::addColumn<QByteArray>("validator"); // "ETAG" stands for the current ETag
    QTest::addColumn<int>("status");

    QTest::newRow("current ETag") << QByteArray("ETAG") << 304;
    QTest::newRow("weak form of the current ETag") << QByteArray("W/ETAG") << 304;
    QTest::newRow("among others") << QByteArray("\"abc\", ETAG") << 304;
    QTest::newRow("star") << QByteArray("*") << 304;
    QTest::newRow("another ETag") << QByteArray("\"abc\"") << 200;
}

void TestRecordings::ifNoneMatch()
{
    QFETCH(QByteArray, validator);
    QFETCH(int, status);

    const QByteArray current = etag();
    validator.replace("ETAG", current);
    const HttpResult result = send("GET", kId, { { "If-None-Match", validator } });
    QCOMPARE(result.status, status);
    QCOMPARE(result.header("ETag"), current);
    if (status == 304)
        QVERIFY(result.body.isEmpty());
    else
        QCOMPARE(result.body.size(), kSize);
}

void TestRecordings::etagFollowsTheFile()
{
    const QString path = QDir(m_root).filePath(kPath);
    const QByteArray before = etag();
    QCOMPARE(etag(), before);

    // Same size, new time: a new version of the file.
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.setFileTime(kModified.addSecs(60), QFileDevice::FileModificationTime));
    file.close();
    const QByteArray after = etag();
    QVERIFY(after != before);
    QCOMPARE(send("GET", kId, { { "If-None-Match", before } }).status, 200);
    QCOMPARE(send("GET", kId, { { "Range", "bytes=0-0" }, { "If-Range", before } }).status, 200);

    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.setFileTime(kModified, QFileDevice::FileModificationTime));
    file.close();
    QCOMPARE(etag(), before);
}

void TestRecordings::largeFileStreamsWhole()
{
    const HttpResult result = send("GET", kLargeId);
    QCOMPARE(result.status, 200);
    QCOMPARE(result.body.size(), kLargeSize);
    QCOMPARE(QCryptographicHash::hash(result.body, QCryptographicHash::Sha256),
             QCryptographicHash::hash(pattern(0, kLargeSize - 1, 1), QCryptographicHash::Sha256));

    // Two at once, each over its own connection, each whole.
    QUrl url = m_server->url();
    url.setPath(u"/api/v1/recordings/"_qs + kLargeId);
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", m_server->authorization());
    QNetworkReply *first = m_network.get(request);
    QNetworkReply *second = m_network.get(request);
    QTRY_VERIFY_WITH_TIMEOUT(first->isFinished() && second->isFinished(), 30000);
    QCOMPARE(first->error(), QNetworkReply::NoError);
    QCOMPARE(second->error(), QNetworkReply::NoError);
    const QByteArray firstBody = first->readAll();
    QCOMPARE(firstBody.size(), kLargeSize);
    QCOMPARE(second->readAll(), firstBody);
    delete first;
    delete second;
}

void TestRecordings::largeFileMultipart()
{
    // Parts of several megabytes each, so that the body is streamed across many chunks.
    const HttpResult result
        = send("GET", kLargeId, { { "Range", "bytes=1-3000000,5000000-9000000,-1000" } });
    QCOMPARE(result.status, 206);
    const QByteArray type = result.header("Content-Type");
    const QByteArray boundary = type.mid(type.indexOf("boundary=") + 9);
    QList<Part> parts;
    QVERIFY(parseMultipart(result.body, boundary, &parts));
    QCOMPARE(parts.size(), 3);
    QCOMPARE(parts.at(0).contentRange, contentRange(1, 3000000, kLargeSize));
    QCOMPARE(parts.at(0).data, pattern(1, 3000000, 1));
    QCOMPARE(parts.at(1).contentRange, contentRange(5000000, 9000000, kLargeSize));
    QCOMPARE(parts.at(1).data, pattern(5000000, 9000000, 1));
    QCOMPARE(parts.at(2).contentRange, contentRange(kLargeSize - 1000, kLargeSize - 1, kLargeSize));
    QCOMPARE(parts.at(2).data, pattern(kLargeSize - 1000, kLargeSize - 1, 1));
}

void TestRecordings::clientLeavingMidBodyLeavesServerServing()
{
    QTcpSocket socket;
    socket.connectToHost(u"127.0.0.1"_qs, m_server->port());
    QVERIFY(socket.waitForConnected(10000));
    socket.write("GET /api/v1/recordings/" + kLargeId.toLatin1()
                 + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + m_server->authorization()
                 + "\r\n\r\n");
    QByteArray received;
    QVERIFY(QTest::qWaitFor(
        [&] {
            received += socket.readAll();
            return received.size() > 100000;
        },
        10000));
    socket.abort();

    QVERIFY(m_server->isRunning());
    const HttpResult after = send("GET", kId, { { "Range", "bytes=0-9" } });
    QCOMPARE(after.status, 206);
    QCOMPARE(after.body, pattern(0, 9));
}

void TestRecordings::unknownIdIsNotFound()
{
    const HttpResult result = send("GET", u"r-no-such-recording"_qs);
    QCOMPARE(result.status, 404);
    QCOMPARE(result.errorCode(), u"not_found"_qs);
    QCOMPARE(result.header("Content-Type"), QByteArray("application/json"));

    // An id is looked up, never used as a path.
    QCOMPARE(send("GET", u"../calls.db"_qs).errorCode(), u"not_found"_qs);
    QCOMPARE(send("HEAD", u"r-no-such-recording"_qs).status, 404);
}

void TestRecordings::deletedFileIsMissing()
{
    QCOMPARE(send("GET", u"r-gone"_qs).status, 200);
    QVERIFY(QFile::remove(QDir(m_root).filePath(u"gone.wav"_qs)));

    const HttpResult result = send("GET", u"r-gone"_qs);
    QCOMPARE(result.status, 404);
    QCOMPARE(result.errorCode(), u"recording_missing"_qs);
    QCOMPARE(send("GET", u"r-gone"_qs, { { "Range", "bytes=0-0" } }).errorCode(),
             u"recording_missing"_qs);

    // A folder where the file should be is no file to serve either.
    QCOMPARE(send("GET", u"r-folder"_qs).errorCode(), u"recording_missing"_qs);
}

void TestRecordings::pathOutsideTheRootIsMissing_data()
{
    QTest::addColumn<QString>("id");

    QTest::newRow("../ in the stored path") << u"r-dotdot"_qs;
    QTest::newRow("absolute stored path") << u"r-absolute"_qs;
    QTest::newRow("symlink to a file outside") << u"r-link-out"_qs;
    QTest::newRow("symlink to a folder outside") << u"r-folder-out"_qs;
}

void TestRecordings::pathOutsideTheRootIsMissing()
{
    QFETCH(QString, id);

    const HttpResult result = send("GET", id);
    QCOMPARE(result.status, 404);
    QCOMPARE(result.errorCode(), u"recording_missing"_qs);
    QVERIFY(!result.body.contains(pattern(0, 20)));
}

void TestRecordings::symlinkInsideTheRootIsServed()
{
    const HttpResult result = send("GET", u"r-link-in"_qs, { { "Range", "bytes=-10" } });
    QCOMPARE(result.status, 206);
    QCOMPARE(result.body, pattern(kSize - 10, kSize - 1));
}

void TestRecordings::otherMethodsGet405_data()
{
    QTest::addColumn<QByteArray>("method");

    QTest::newRow("POST") << QByteArray("POST");
    QTest::newRow("PUT") << QByteArray("PUT");
    QTest::newRow("DELETE") << QByteArray("DELETE");
    QTest::newRow("OPTIONS") << QByteArray("OPTIONS");
    QTest::newRow("an unknown method") << QByteArray("BREW");
}

void TestRecordings::otherMethodsGet405()
{
    QFETCH(QByteArray, method);

    const HttpResult result = send(method, kId);
    QCOMPARE(result.status, 405);
    QCOMPARE(result.header("Allow"), QByteArray("GET, HEAD"));
    QCOMPARE(result.errorCode(), u"method_not_allowed"_qs);
}

void TestRecordings::recordingsOptionOverridesStoredRoot()
{
    // The same relative path under another folder, with other bytes.
    const QString other = m_dir.filePath(u"other-root"_qs);
    QVERIFY(writeFile(QDir(other).filePath(kPath), 5000, 7));

    TestServer server(m_databasePath);
    server.setExtraArguments({ u"--recordings"_qs, other });
    QString why;
    QVERIFY2(server.start(0, &why), qPrintable(why));
    const HttpResult result = send("GET", kId, {}, server.url());
    QCOMPARE(result.status, 200);
    QCOMPARE(result.body, pattern(0, 4999, 7));
    // What is only under the stored root is missing under the other one.
    QCOMPARE(send("GET", kLargeId, {}, server.url()).errorCode(), u"recording_missing"_qs);
}

void TestRecordings::missingRecordingsOptionFolderIsAnError()
{
    QProcess process;
    process.start(QStringLiteral(CRN_SERVER_BINARY),
                  { u"serve"_qs, u"--db"_qs, m_databasePath, u"--listen"_qs, u"127.0.0.1:0"_qs,
                    u"--recordings"_qs, m_dir.filePath(u"no-such-folder"_qs) });
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 1);
    QVERIFY(process.readAllStandardError().contains("no-such-folder"));
}

QTEST_GUILESS_MAIN(TestRecordings)
#include "tst_recordings.moc"
