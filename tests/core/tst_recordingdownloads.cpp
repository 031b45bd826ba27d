// RecordingDownloads against a real crn-server on a free loopback port, over a database this
// test fills with CallStore::saveCalls and saveRecordings and a recordings folder it writes.
// "The same bytes" is always the SHA-256 of the file the test wrote on the server's side.
//
// A download is cut at a known point without timing luck: the test pauses the downloads' worker
// thread (WorkerGate), so that the network's flow control holds the rest of the file on the
// server's side, then stops or kills the server and lets the worker go on.

#include "media/recordingdownloads.h"
#include "store/callstore.h"
#include "testcalls.h"
#include "testserver.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSemaphore>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <csignal>
#include <memory>

namespace {

constexpr qint64 kSmallSize = 100 * 1024;
// Far more than the socket buffers and the client's read buffer hold together (about 16 MB on
// loopback), so a server stopped early in the transfer still holds most of the file.
constexpr qint64 kBigSize = 64 * 1024 * 1024;

const QString kMissingSentence = u"The recording file is missing on the server."_qs;
const QString kUnreachableSentence
    = u"The server cannot be reached; the recording will download when it is back."_qs;

using Error = RecordingDownloads::Error;

bool writeFile(const QString &path, qint64 size, int salt)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    // Byte i is (7i + 3 + salt) mod 251, so a block of a multiple of 251 bytes repeats.
    QByteArray block(251 * 4096, Qt::Uninitialized);
    for (qsizetype i = 0; i < block.size(); ++i)
        block[i] = char((i * 7 + 3 + salt) % 251);
    for (qint64 at = 0; at < size; at += block.size()) {
        const qint64 length = std::min<qint64>(block.size(), size - at);
        if (file.write(block.constData(), length) != length)
            return false;
    }
    return true;
}

QByteArray sha256(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result().toHex();
}

Recording recordingOf(const QString &id, qint64 size)
{
    Recording recording;
    recording.id = id;
    recording.sizeBytes = size;
    recording.name = id + u".wav"_qs;
    recording.contentType = u"audio/wav"_qs;
    return recording;
}

// Holds the downloads' worker thread in a job of its own until open() or destruction.
class WorkerGate
{
public:
    explicit WorkerGate(QThread *thread)
        : m_context(new QObject)
    {
        m_context->moveToThread(thread);
    }
    ~WorkerGate()
    {
        open();
        m_context->deleteLater();
    }

    // Returns once the worker is held, so everything queued before has run.
    bool close()
    {
        QMetaObject::invokeMethod(
            m_context,
            [this] {
                m_entered.release();
                m_gate.acquire();
            },
            Qt::QueuedConnection);
        m_closed = true;
        return m_entered.tryAcquire(1, 10000);
    }
    void open()
    {
        if (std::exchange(m_closed, false))
            m_gate.release();
    }
    // Waits until every job queued for the worker so far has run.
    bool sync()
    {
        const bool held = close();
        open();
        return held;
    }

private:
    QObject *m_context;
    QSemaphore m_entered;
    QSemaphore m_gate;
    bool m_closed = false;
};

struct Spies
{
    explicit Spies(RecordingDownloads *downloads)
        : progress(downloads, &RecordingDownloads::progress)
        , ready(downloads, &RecordingDownloads::ready)
        , failed(downloads, &RecordingDownloads::failed)
        , evicted(downloads, &RecordingDownloads::evicted)
    { }

    QSignalSpy progress;
    QSignalSpy ready;
    QSignalSpy failed;
    QSignalSpy evicted;
};

} // namespace

class TestRecordingDownloads : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void downloadCompletesWithSameBytes();
    void cutByServerStopResumesWithRange();
    void changedFileRestartsFromTheFirstByte();
    void stalledServerTimesOutAndResumes();
    void unreachableServerDownloadsWhenBack();
    void newServerBaseTakesOverWithoutRestart();
    void serverErrors_data();
    void serverErrors();
    void refusedTokenFailsWithoutRetry();
    void capEvictsLeastRecentlyPlayed();
    void clearKeepsOnlyThePlayingOne();
    void indexSurvivesRestart();
    void corruptIndexIsRebuilt();
    void unwritableCacheFolderIsDiskError();

private:
    QString source(const QString &id) const { return QDir(m_root).filePath(id + u".wav"_qs); }
    QString cacheFolder(const QString &name) const { return m_dir.filePath(u"cache-"_qs + name); }

    QTemporaryDir m_dir;
    QString m_root;
    QString m_databasePath;
    std::unique_ptr<TestServer> m_server;
};

void TestRecordingDownloads::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_root = m_dir.filePath(u"recordings"_qs);
    m_databasePath = m_dir.filePath(u"calls.db"_qs);

    const QStringList small { u"r-a"_qs, u"r-b"_qs, u"r-c"_qs, u"r-d"_qs };
    for (qsizetype i = 0; i < small.size(); ++i)
        QVERIFY(writeFile(source(small.at(i)), kSmallSize, int(i)));
    QVERIFY(writeFile(source(u"r-big"_qs), kBigSize, 10));
    QVERIFY(writeFile(source(u"r-change"_qs), kBigSize, 11));

    QString why;
    const std::unique_ptr<CallStore> store = CallStore::open(m_databasePath, &why);
    QVERIFY2(store, qPrintable(why));
    const Call call = TestCalls::make(u"1718100000.42"_qs, u"2024-06-11T09:30:00Z"_qs,
                                      { u"1718100000.42"_qs, u"1718100000.43"_qs });
    QVERIFY2(store->saveCalls({ call }), qPrintable(store->errorString()));
    QList<StoredRecording> rows;
    for (const QString &id : small)
        rows.append({ id, call.crn(), id + u".wav"_qs, kSmallSize, 0, u"audio/wav"_qs });
    rows.append({ u"r-big"_qs, call.crn(), u"r-big.wav"_qs, kBigSize, 0, u"audio/wav"_qs });
    rows.append({ u"r-change"_qs, call.crn(), u"r-change.wav"_qs, kBigSize, 0, u"audio/wav"_qs });
    rows.append({ u"r-missing"_qs, call.crn(), u"gone.wav"_qs, kSmallSize, 0, u"audio/wav"_qs });
    QVERIFY2(store->saveRecordings(rows), qPrintable(store->errorString()));
    QVERIFY(store->setSetting(u"recordings_root"_qs, m_root));

    m_server = std::make_unique<TestServer>(m_databasePath);
    QVERIFY2(m_server->start(0, &why), qPrintable(why));
}

void TestRecordingDownloads::cleanupTestCase()
{
    m_server.reset();
}

void TestRecordingDownloads::downloadCompletesWithSameBytes()
{
    RecordingDownloads downloads(m_server->url(), cacheFolder(u"whole"_qs));
    downloads.setAccessToken(m_server->token());
    Spies spies(&downloads);
    QVERIFY(downloads.workerThread() != QThread::currentThread());
    QThread *deliveredOn = nullptr;
    connect(&downloads, &RecordingDownloads::ready, this,
            [&deliveredOn] { deliveredOn = QThread::currentThread(); });

    downloads.request(recordingOf(u"r-a"_qs, kSmallSize));
    QVERIFY(spies.ready.wait(30000));
    QCOMPARE(spies.failed.size(), 0);
    QCOMPARE(deliveredOn, QThread::currentThread());
    QCOMPARE(spies.ready.at(0).at(0).toString(), u"r-a"_qs);
    const QString path = spies.ready.at(0).at(1).toString();
    QVERIFY(path.endsWith(u".wav"));
    QCOMPARE(sha256(path), sha256(source(u"r-a"_qs)));
    QCOMPARE(downloads.localPath(u"r-a"_qs), path);
    QVERIFY(!QFile::exists(QDir(cacheFolder(u"whole"_qs)).filePath(u"r-a.part"_qs)));

    // The last progress is the whole file.
    QVERIFY(!spies.progress.isEmpty());
    QCOMPARE(spies.progress.last().at(1).toLongLong(), kSmallSize);
    QCOMPARE(spies.progress.last().at(2).toLongLong(), kSmallSize);

    // Asked again, it comes from the cache, even with the server gone.
    m_server->kill();
    downloads.request(recordingOf(u"r-a"_qs, kSmallSize));
    QVERIFY(spies.ready.wait(10000));
    QCOMPARE(spies.ready.at(1).at(1).toString(), path);
    QString why;
    QVERIFY2(m_server->start(m_server->port(), &why), qPrintable(why));
}

void TestRecordingDownloads::cutByServerStopResumesWithRange()
{
    TestServer server(m_databasePath);
    QString why;
    QVERIFY2(server.start(0, &why), qPrintable(why));
    const QString folder = cacheFolder(u"cut"_qs);
    RecordingDownloads downloads(server.url(), folder);
    downloads.setAccessToken(server.token());
    Spies spies(&downloads);
    WorkerGate gate(downloads.workerThread());

    downloads.request(recordingOf(u"r-big"_qs, kBigSize));
    QVERIFY(spies.progress.wait(30000));
    QVERIFY(gate.close());
    server.kill();
    gate.open();

    QVERIFY(spies.failed.wait(30000));
    QCOMPARE(spies.failed.at(0).at(2).value<Error>(), Error::Unreachable);
    QCOMPARE(spies.failed.at(0).at(1).toString(), kUnreachableSentence);
    const qint64 cut = QFileInfo(QDir(folder).filePath(u"r-big.part"_qs)).size();
    QVERIFY2(cut > 0 && cut < kBigSize, qPrintable(QString::number(cut)));
    QCOMPARE(spies.ready.size(), 0);

    // Back on the same address, the download goes on by itself from where it stopped.
    const qsizetype progressBefore = spies.progress.size();
    QVERIFY2(server.start(server.port(), &why), qPrintable(why));
    QTRY_COMPARE_WITH_TIMEOUT(spies.ready.size(), 1, 30000);
    QVERIFY(spies.progress.size() > progressBefore);
    // The first report of the new request starts at the cut: it asked for the rest only.
    QCOMPARE(spies.progress.at(progressBefore).at(1).toLongLong(), cut);
    QCOMPARE(spies.progress.at(progressBefore).at(2).toLongLong(), kBigSize);
    const QString path = spies.ready.at(0).at(1).toString();
    QCOMPARE(sha256(path), sha256(source(u"r-big"_qs)));
    QVERIFY(!QFile::exists(QDir(folder).filePath(u"r-big.part"_qs)));
}

void TestRecordingDownloads::changedFileRestartsFromTheFirstByte()
{
    const QString folder = cacheFolder(u"changed"_qs);
    RecordingDownloads downloads(m_server->url(), folder);
    downloads.setAccessToken(m_server->token());
    Spies spies(&downloads);
    WorkerGate gate(downloads.workerThread());

    // Cancelled early: the .part and its ETag stay.
    downloads.request(recordingOf(u"r-change"_qs, kBigSize));
    QVERIFY(spies.progress.wait(30000));
    QVERIFY(gate.close());
    downloads.cancel(u"r-change"_qs);
    gate.open();
    QVERIFY(gate.sync());
    const QString part = QDir(folder).filePath(u"r-change.part"_qs);
    const qint64 cut = QFileInfo(part).size();
    QVERIFY2(cut > 0 && cut < kBigSize, qPrintable(QString::number(cut)));
    QCOMPARE(spies.failed.size(), 0);
    QCOMPARE(spies.ready.size(), 0);

    // A new version of the same size: only the ETag tells it apart.
    const QByteArray before = sha256(source(u"r-change"_qs));
    QVERIFY(writeFile(source(u"r-change"_qs), kBigSize, 12));
    QFile file(source(u"r-change"_qs));
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.setFileTime(QDateTime::currentDateTimeUtc().addSecs(3600),
                             QFileDevice::FileModificationTime));
    file.close();
    const QByteArray after = sha256(source(u"r-change"_qs));
    QVERIFY(after != before);

    const qsizetype progressBefore = spies.progress.size();
    downloads.request(recordingOf(u"r-change"_qs, kBigSize));
    QTRY_COMPARE_WITH_TIMEOUT(spies.ready.size(), 1, 30000);
    QCOMPARE(spies.failed.size(), 0);
    QCOMPARE(sha256(spies.ready.at(0).at(1).toString()), after);
    // The server sent the whole new file, and the download counted from 0 again.
    QCOMPARE(spies.progress.at(progressBefore).at(1).toLongLong(), 0);
}

void TestRecordingDownloads::stalledServerTimesOutAndResumes()
{
    TestServer server(m_databasePath);
    QString why;
    QVERIFY2(server.start(0, &why), qPrintable(why));
    const QString folder = cacheFolder(u"stalled"_qs);
    RecordingDownloads downloads(server.url(), folder);
    downloads.setAccessToken(server.token());
    downloads.setTransferTimeoutMs(1000);
    Spies spies(&downloads);
    WorkerGate gate(downloads.workerThread());

    downloads.request(recordingOf(u"r-big"_qs, kBigSize));
    QVERIFY(spies.progress.wait(30000));
    QVERIFY(gate.close());
    const auto pid = pid_t(server.processId());
    QVERIFY(pid > 0);
    QCOMPARE(::kill(pid, SIGSTOP), 0);
    gate.open();

    const bool failed = spies.failed.wait(30000);
    const qint64 cut = QFileInfo(QDir(folder).filePath(u"r-big.part"_qs)).size();
    QCOMPARE(::kill(pid, SIGCONT), 0);
    QVERIFY(failed);
    QCOMPARE(spies.failed.at(0).at(2).value<Error>(), Error::TimedOut);
    QVERIFY(!spies.failed.at(0).at(1).toString().isEmpty());
    QVERIFY2(cut > 0 && cut < kBigSize, qPrintable(QString::number(cut)));

    QTRY_COMPARE_WITH_TIMEOUT(spies.ready.size(), 1, 30000);
    QCOMPARE(sha256(spies.ready.at(0).at(1).toString()), sha256(source(u"r-big"_qs)));
}

void TestRecordingDownloads::unreachableServerDownloadsWhenBack()
{
    TestServer server(m_databasePath);
    QString why;
    QVERIFY2(server.start(0, &why), qPrintable(why));
    const quint16 port = server.port();
    server.kill();

    RecordingDownloads downloads(server.url(), cacheFolder(u"unreachable"_qs));
    downloads.setAccessToken(server.token());
    Spies spies(&downloads);
    downloads.request(recordingOf(u"r-b"_qs, kSmallSize));
    QVERIFY(spies.failed.wait(30000));
    QCOMPARE(spies.failed.at(0).at(0).toString(), u"r-b"_qs);
    QCOMPARE(spies.failed.at(0).at(1).toString(), kUnreachableSentence);
    QCOMPARE(spies.failed.at(0).at(2).value<Error>(), Error::Unreachable);

    QVERIFY2(server.start(port, &why), qPrintable(why));
    QTRY_COMPARE_WITH_TIMEOUT(spies.ready.size(), 1, 30000);
    QCOMPARE(sha256(spies.ready.at(0).at(1).toString()), sha256(source(u"r-b"_qs)));
}

// A download waiting for a server that is gone goes on from the address Connection… gives,
// without a new RecordingDownloads: the old address stays dead, so only the new one can answer.
void TestRecordingDownloads::newServerBaseTakesOverWithoutRestart()
{
    TestServer gone(m_databasePath);
    QString why;
    QVERIFY2(gone.start(0, &why), qPrintable(why));
    gone.kill();

    RecordingDownloads downloads(gone.url(), cacheFolder(u"moved"_qs));
    downloads.setAccessToken(m_server->token());
    Spies spies(&downloads);
    downloads.request(recordingOf(u"r-b"_qs, kSmallSize));
    QVERIFY(spies.failed.wait(30000));
    QCOMPARE(spies.failed.at(0).at(2).value<Error>(), Error::Unreachable);

    downloads.setServerBase(m_server->url());
    QTRY_COMPARE_WITH_TIMEOUT(spies.ready.size(), 1, 30000);
    QCOMPARE(sha256(spies.ready.at(0).at(1).toString()), sha256(source(u"r-b"_qs)));
}

void TestRecordingDownloads::serverErrors_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<Error>("error");
    QTest::addColumn<QString>("sentence"); // empty: any sentence

    QTest::newRow("file missing on the server")
        << u"r-missing"_qs << Error::Missing << kMissingSentence;
    QTest::newRow("id the server does not know") << u"r-unknown"_qs << Error::NotFound << QString();
}

void TestRecordingDownloads::serverErrors()
{
    QFETCH(QString, id);
    QFETCH(Error, error);
    QFETCH(QString, sentence);

    const QString folder = cacheFolder(u"errors"_qs);
    RecordingDownloads downloads(m_server->url(), folder);
    downloads.setAccessToken(m_server->token());
    Spies spies(&downloads);
    downloads.request(recordingOf(id, kSmallSize));
    QVERIFY(spies.failed.wait(30000));
    QCOMPARE(spies.failed.at(0).at(0).toString(), id);
    QCOMPARE(spies.failed.at(0).at(2).value<Error>(), error);
    if (sentence.isEmpty())
        QVERIFY(!spies.failed.at(0).at(1).toString().isEmpty());
    else
        QCOMPARE(spies.failed.at(0).at(1).toString(), sentence);
    QCOMPARE(spies.ready.size(), 0);
    QVERIFY(downloads.localPath(id).isEmpty());
    QVERIFY(!QFile::exists(QDir(folder).filePath(id + u".part"_qs)));
}

// No token, then a wrong one: refused as a Server error that names neither; the right one
// downloads.
void TestRecordingDownloads::refusedTokenFailsWithoutRetry()
{
    const QString folder = cacheFolder(u"refused"_qs);
    RecordingDownloads downloads(m_server->url(), folder);
    Spies spies(&downloads);
    downloads.request(recordingOf(u"r-a"_qs, kSmallSize));
    QVERIFY(spies.failed.wait(30000));
    QCOMPARE(spies.failed.at(0).at(2).value<Error>(), Error::Server);
    QVERIFY2(spies.failed.at(0).at(1).toString().contains(u"access token"_qs),
             qPrintable(spies.failed.at(0).at(1).toString()));

    const QByteArray wrong = m_server->token() + "x";
    downloads.setAccessToken(wrong);
    downloads.request(recordingOf(u"r-a"_qs, kSmallSize));
    QVERIFY(spies.failed.wait(30000));
    QCOMPARE(spies.failed.size(), 2);
    QVERIFY(!spies.failed.at(1).at(1).toString().contains(QString::fromLatin1(wrong.mid(4))));
    QCOMPARE(spies.ready.size(), 0);

    downloads.setAccessToken(m_server->token());
    downloads.request(recordingOf(u"r-a"_qs, kSmallSize));
    QVERIFY(spies.ready.wait(30000));
    QCOMPARE(spies.failed.size(), 2);
}

void TestRecordingDownloads::capEvictsLeastRecentlyPlayed()
{
    const QString folder = cacheFolder(u"cap"_qs);
    RecordingDownloads downloads(m_server->url(), folder, 10 * 1024 * 1024);
    downloads.setAccessToken(m_server->token());
    Spies spies(&downloads);
    WorkerGate gate(downloads.workerThread());

    for (const QString &id : { u"r-a"_qs, u"r-b"_qs, u"r-c"_qs }) {
        downloads.request(recordingOf(id, kSmallSize));
        QVERIFY(spies.ready.wait(30000));
    }
    const QString pathA = downloads.localPath(u"r-a"_qs);
    const QString pathB = downloads.localPath(u"r-b"_qs);
    const QString pathC = downloads.localPath(u"r-c"_qs);
    QVERIFY(QFile::exists(pathA) && QFile::exists(pathB) && QFile::exists(pathC));

    // Played C, then A, then B (B is playing): C, downloaded last, was played least recently.
    downloads.markPlayed(u"r-c"_qs);
    downloads.markPlayed(u"r-a"_qs);
    downloads.markPlayed(u"r-b"_qs);
    downloads.setCapBytes(2 * kSmallSize + kSmallSize / 2);
    QVERIFY(spies.evicted.wait(10000));
    QVERIFY(gate.sync());
    QCOMPARE(spies.evicted.size(), 1);
    QCOMPARE(spies.evicted.at(0).at(0).toString(), u"r-c"_qs);
    QVERIFY(!QFile::exists(pathC));
    QVERIFY(downloads.localPath(u"r-c"_qs).isEmpty());
    QVERIFY(QFile::exists(pathA) && QFile::exists(pathB));

    // Nothing may stay but the one playing.
    downloads.setCapBytes(0);
    QVERIFY(spies.evicted.wait(10000));
    QVERIFY(gate.sync());
    QCOMPARE(spies.evicted.size(), 2);
    QCOMPARE(spies.evicted.at(1).at(0).toString(), u"r-a"_qs);
    QVERIFY(!QFile::exists(pathA));
    QVERIFY(QFile::exists(pathB));
    QCOMPARE(downloads.localPath(u"r-b"_qs), pathB);

    // A recording asked for is kept when it arrives, even over the cap; once another plays,
    // B goes.
    downloads.request(recordingOf(u"r-d"_qs, kSmallSize));
    QVERIFY(spies.ready.wait(30000));
    const QString pathD = spies.ready.last().at(1).toString();
    QVERIFY(QFile::exists(pathD) && QFile::exists(pathB));
    downloads.markPlayed(u"r-d"_qs);
    downloads.setCapBytes(0);
    QVERIFY(spies.evicted.wait(10000));
    QCOMPARE(spies.evicted.last().at(0).toString(), u"r-b"_qs);
    QVERIFY(!QFile::exists(pathB));
    QVERIFY(QFile::exists(pathD));
}

void TestRecordingDownloads::clearKeepsOnlyThePlayingOne()
{
    const QString folder = cacheFolder(u"clear"_qs);
    RecordingDownloads downloads(m_server->url(), folder);
    downloads.setAccessToken(m_server->token());
    Spies spies(&downloads);
    WorkerGate gate(downloads.workerThread());
    for (const QString &id : { u"r-a"_qs, u"r-b"_qs }) {
        downloads.request(recordingOf(id, kSmallSize));
        QVERIFY(spies.ready.wait(30000));
    }
    const QString pathA = downloads.localPath(u"r-a"_qs);
    const QString pathB = downloads.localPath(u"r-b"_qs);

    downloads.markPlayed(u"r-a"_qs);
    downloads.clear();
    QVERIFY(gate.sync());
    QTRY_COMPARE(spies.evicted.size(), 1);
    QCOMPARE(spies.evicted.at(0).at(0).toString(), u"r-b"_qs);
    QVERIFY(!QFile::exists(pathB));
    QVERIFY(downloads.localPath(u"r-b"_qs).isEmpty());
    QVERIFY(QFile::exists(pathA));
    QCOMPARE(downloads.localPath(u"r-a"_qs), pathA);
}

void TestRecordingDownloads::indexSurvivesRestart()
{
    const QString folder = cacheFolder(u"restart"_qs);
    QString pathA;
    {
        RecordingDownloads downloads(m_server->url(), folder);
        downloads.setAccessToken(m_server->token());
        Spies spies(&downloads);
        downloads.request(recordingOf(u"r-a"_qs, kSmallSize));
        QVERIFY(spies.ready.wait(30000));
        pathA = spies.ready.at(0).at(1).toString();
        downloads.markPlayed(u"r-a"_qs);
    }

    // The next session knows the file before asking anyone, and needs no server for it.
    QUrl nowhere = m_server->url();
    nowhere.setPort(1);
    RecordingDownloads downloads(nowhere, folder);
    Spies spies(&downloads);
    QSignalSpy loaded(&downloads, &RecordingDownloads::indexLoaded);
    QVERIFY(loaded.wait(10000));
    QVERIFY(downloads.isIndexLoaded());
    QCOMPARE(downloads.localPath(u"r-a"_qs), pathA);
    downloads.request(recordingOf(u"r-a"_qs, kSmallSize));
    QVERIFY(spies.ready.wait(10000));
    QCOMPARE(spies.ready.at(0).at(1).toString(), pathA);
    QCOMPARE(spies.failed.size(), 0);

    // The last play was written down.
    QFile index(QDir(folder).filePath(u"index.json"_qs));
    QVERIFY(index.open(QIODevice::ReadOnly));
    const QJsonArray items
        = QJsonDocument::fromJson(index.readAll()).object().value(u"recordings").toArray();
    QCOMPARE(items.size(), 1);
    QCOMPARE(items.at(0).toObject().value(u"id").toString(), u"r-a"_qs);
    QVERIFY(items.at(0).toObject().value(u"last_played").toDouble() > 0);
}

void TestRecordingDownloads::corruptIndexIsRebuilt()
{
    const QString folder = cacheFolder(u"corrupt"_qs);
    QString pathA;
    {
        RecordingDownloads downloads(m_server->url(), folder);
        downloads.setAccessToken(m_server->token());
        Spies spies(&downloads);
        downloads.request(recordingOf(u"r-a"_qs, kSmallSize));
        QVERIFY(spies.ready.wait(30000));
        pathA = spies.ready.at(0).at(1).toString();
    }

    QFile index(QDir(folder).filePath(u"index.json"_qs));
    QVERIFY(index.open(QIODevice::WriteOnly | QIODevice::Truncate));
    index.write("{\"version\": 1, \"recordings\": [{\"id\": ");
    index.close();
    // A partial download whose ETag is lost with the index cannot be resumed safely.
    const QString strayPart = QDir(folder).filePath(u"r-b.part"_qs);
    QVERIFY(writeFile(strayPart, 1000, 1));

    RecordingDownloads downloads(m_server->url(), folder);
    downloads.setAccessToken(m_server->token());
    QSignalSpy loaded(&downloads, &RecordingDownloads::indexLoaded);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(downloads.localPath(u"r-a"_qs), pathA);
    QCOMPARE(sha256(pathA), sha256(source(u"r-a"_qs)));
    QVERIFY(!QFile::exists(strayPart));

    QVERIFY(index.open(QIODevice::ReadOnly));
    QJsonParseError error;
    const QJsonDocument rebuilt = QJsonDocument::fromJson(index.readAll(), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    const QJsonArray items = rebuilt.object().value(u"recordings").toArray();
    QCOMPARE(items.size(), 1);
    QCOMPARE(items.at(0).toObject().value(u"id").toString(), u"r-a"_qs);
    QCOMPARE(qint64(items.at(0).toObject().value(u"size").toDouble()), kSmallSize);
}

void TestRecordingDownloads::unwritableCacheFolderIsDiskError()
{
    // A file where the folder should be: mkdir fails for root too.
    const QString notAFolder = m_dir.filePath(u"not-a-folder"_qs);
    QVERIFY(writeFile(notAFolder, 10, 0));

    RecordingDownloads downloads(m_server->url(), notAFolder);
    downloads.setAccessToken(m_server->token());
    Spies spies(&downloads);
    downloads.request(recordingOf(u"r-a"_qs, kSmallSize));
    QVERIFY(spies.failed.wait(10000));
    QCOMPARE(spies.failed.at(0).at(2).value<Error>(), Error::Disk);
    QVERIFY(spies.failed.at(0).at(1).toString().contains(QDir::toNativeSeparators(notAFolder)));
}

QTEST_GUILESS_MAIN(TestRecordingDownloads)
#include "tst_recordingdownloads.moc"
