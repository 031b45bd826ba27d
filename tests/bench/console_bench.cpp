// The console's figures of issue 5, against a real crn-server on loopback over calls written
// with CallStore:
//   1. Enter in the search field to the painted call view, the call in CallCache (goal < 16 ms);
//   2. the same with the call fetched from the server, next to `curl -s -o /dev/null` fetching
//      the same JSON from the same server (goal: at most 2x curl);
//   3. cold start of crn-console to its first event-loop iteration after show (goal < 400 ms);
//   4. resident memory with 100,000 search results loaded page by page (goal < 150 MB).
// Every figure is printed with its goal and "met" or "missed"; a missed goal is a result, not
// a failure. The exit code is 1 only when a figure could not be measured at all.
//
//   console_bench [--calls N] [--runs N] [--starts N] [--only-memory | --no-memory] [--smoke]
//   console_bench --memory-child URL QUERY ROWS TOKEN   (run by the benchmark itself: see
//   memoryFigure)
#include "cache/callcache.h"
#include "callsummarymodel.h"
#include "callview.h"
#include "lookup/calllookup.h"
#include "mainwindow.h"
#include "model/crntext.h"
#include "net/apiclient.h"
#include "searchfield.h"
#include "store/callstore.h"
#include "testserver.h"
#include "timelineview.h"

#include <QApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonObject>
#include <QListView>
#include <QLoggingCategory>
#include <QMetaEnum>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <optional>

namespace {

// The benchmark's calls are numbered from here: call i has the CRN "<kFirstId + i>.1", so that
// every CRN of a run of up to 100,000 calls starts with kCommonPrefix.
constexpr qint64 kFirstId = 1710000000;
constexpr int kMaxCalls = 100000;
const QString kCommonPrefix = u"17100"_qs;
// Calls start 26 s apart from 2024-03-09 16:00:00 UTC.
constexpr qint64 kFirstStartSeconds = 1710000000;

constexpr double kCachedGoalMs = 16;
constexpr double kServerGoalRatio = 2;
constexpr double kStartGoalMs = 400;
constexpr double kMemoryGoalMb = 150;

// How long one step may take before the figure is given up as not measured.
constexpr int kStepTimeoutMs = 15000;
// Loading every page of the results: the server's pages of a broad text search get slower as
// the matches grow (about 0.5 s a page at 100,000 matches on the reference machine).
constexpr int kMemoryTimeoutMs = 30 * 60 * 1000;

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QString crnOf(int index)
{
    return QString::number(kFirstId + index) + u".1"_qs;
}

// A call shaped like a real inbound one: IVR, queue, an agent ringing and answering, a hold,
// and every fourth call an attended transfer to a second agent, then wrap-up. Twenty-odd
// events on up to three legs, a dozen segments, no recordings (the view would fetch them).
Call benchCall(int index)
{
    static const QStringList queues = { u"support"_qs, u"sales"_qs, u"billing"_qs };
    static const QStringList agents = {
        u"Ada Lovelace"_qs,   u"Alan Turing"_qs,   u"Grace Hopper"_qs,  u"Edsger Dijkstra"_qs,
        u"Barbara Liskov"_qs, u"Donald Knuth"_qs,  u"Frances Allen"_qs, u"John Backus"_qs,
        u"Ken Thompson"_qs,   u"Radia Perlman"_qs, u"Niklaus Wirth"_qs, u"Leslie Lamport"_qs,
    };
    const qint64 second = 1000000;
    const qint64 base = (kFirstStartSeconds + qint64(index) * 26) * second;
    const auto at = [base](double seconds) {
        return Timestamp::fromMicroseconds(base + std::llround(seconds * 1e6));
    };
    const bool transferred = index % 4 == 0;
    const QString id = QString::number(kFirstId + index);
    const QString callerLeg = id + u".1"_qs;
    const QString firstAgentLeg = id + u".2"_qs;
    const QString secondAgentLeg = id + u".3"_qs;
    const QString queue = queues.at(index % queues.size());
    const QString firstAgent = agents.at(index % agents.size());
    const QString secondAgent = agents.at((index + 5) % agents.size());
    const double talkEnd = 300;

    Call call;
    call.summary.crn = callerLeg;
    call.summary.start = at(0);
    call.summary.end = at(talkEnd + 30);
    call.summary.direction = CallDirection::Inbound;
    call.summary.caller = u"+49301%1"_qs.arg(index, 7, 10, QLatin1Char('0'));
    call.summary.callerName = u"Caller %1"_qs.arg(index);
    call.summary.dialed = u"08005550100"_qs;
    call.summary.queues = { queue };
    call.summary.agents = { firstAgent };
    if (transferred)
        call.summary.agents.append(secondAgent);
    call.summary.outcome = transferred ? CallOutcome::Transferred : CallOutcome::Answered;

    call.participants = {
        { u"caller"_qs, ParticipantRole::Caller, call.summary.callerName, call.summary.caller },
        { u"ivr"_qs, ParticipantRole::Ivr, u"Main menu"_qs, {} },
        { u"queue"_qs, ParticipantRole::Queue, queue, {} },
        { u"agent1"_qs, ParticipantRole::Agent, firstAgent, u"1%1"_qs.arg(index % 900 + 100) },
    };
    call.legs = {
        { callerLeg, u"PJSIP/trunk-%1"_qs.arg(index, 8, 16, QLatin1Char('0')), u"caller"_qs, at(0),
          at(0.4), at(talkEnd) },
        { firstAgentLeg, u"PJSIP/agent1-%1"_qs.arg(index, 8, 16, QLatin1Char('0')), u"agent1"_qs,
          at(40), at(48), at(transferred ? 178 : talkEnd) },
    };
    if (transferred) {
        call.participants.append({ u"agent2"_qs, ParticipantRole::Agent, secondAgent,
                                   u"2%1"_qs.arg(index % 900 + 100) });
        call.legs.append({ secondAgentLeg,
                           u"PJSIP/agent2-%1"_qs.arg(index, 8, 16, QLatin1Char('0')), u"agent2"_qs,
                           at(170), at(178), at(talkEnd) });
    }

    const auto segment
        = [&at](const QString &who, SegmentKind kind, double from, double to, const QString &leg) {
              return Segment { who, kind, at(from), at(to), leg };
          };
    const QString lastAgent = transferred ? u"agent2"_qs : u"agent1"_qs;
    const QString lastAgentLeg = transferred ? secondAgentLeg : firstAgentLeg;
    call.segments = {
        segment(u"caller"_qs, SegmentKind::Ivr, 0, 20, callerLeg),
        segment(u"queue"_qs, SegmentKind::Queue, 20, 48, callerLeg),
        segment(u"agent1"_qs, SegmentKind::Ringing, 40, 48, firstAgentLeg),
        segment(u"caller"_qs, SegmentKind::Talk, 48, 120, callerLeg),
        segment(u"agent1"_qs, SegmentKind::Talk, 48, 120, firstAgentLeg),
        segment(u"caller"_qs, SegmentKind::Hold, 120, 150, callerLeg),
    };
    if (transferred) {
        call.segments.append(segment(u"caller"_qs, SegmentKind::Talk, 150, 178, callerLeg));
        call.segments.append(segment(u"agent1"_qs, SegmentKind::Talk, 150, 178, firstAgentLeg));
        call.segments.append(segment(u"agent2"_qs, SegmentKind::Ringing, 170, 178, secondAgentLeg));
        call.segments.append(segment(u"caller"_qs, SegmentKind::Talk, 178, talkEnd, callerLeg));
        call.segments.append(
            segment(u"agent2"_qs, SegmentKind::Talk, 178, talkEnd, secondAgentLeg));
    } else {
        call.segments.append(segment(u"caller"_qs, SegmentKind::Talk, 150, talkEnd, callerLeg));
        call.segments.append(segment(u"agent1"_qs, SegmentKind::Talk, 150, talkEnd, firstAgentLeg));
    }
    call.segments.append(segment(lastAgent, SegmentKind::WrapUp, talkEnd, talkEnd + 30, {}));

    const auto event = [&at](EventType type, double seconds, const QString &leg, const QString &who,
                             const QString &sourceType, const QJsonObject &details = {}) {
        return CallEvent { type, at(seconds), leg, who, sourceType, details, {} };
    };
    call.events = {
        event(EventType::ChannelStart, 0, callerLeg, u"caller"_qs, u"CHAN_START"_qs),
        event(EventType::Answer, 0.4, callerLeg, u"ivr"_qs, u"ANSWER"_qs),
        event(EventType::Ivr, 1, callerLeg, u"ivr"_qs, u"APP_START"_qs,
              { { u"app"_qs, u"Background"_qs } }),
        event(EventType::Ivr, 12, callerLeg, u"ivr"_qs, u"APP_START"_qs,
              { { u"app"_qs, u"Read"_qs } }),
        event(EventType::QueueEnter, 20, callerLeg, u"queue"_qs, u"ENTERQUEUE"_qs,
              { { u"queue"_qs, queue } }),
        event(EventType::Ringing, 40, firstAgentLeg, u"agent1"_qs, u"CHAN_START"_qs),
        event(EventType::Answer, 48, firstAgentLeg, u"agent1"_qs, u"ANSWER"_qs),
        event(EventType::QueueLeave, 48, callerLeg, u"queue"_qs, u"CONNECT"_qs,
              { { u"queue"_qs, queue }, { u"agent"_qs, firstAgent } }),
        event(EventType::BridgeEnter, 48, callerLeg, u"caller"_qs, u"BRIDGE_ENTER"_qs,
              { { u"bridge_id"_qs, id } }),
        event(EventType::BridgeEnter, 48, firstAgentLeg, u"agent1"_qs, u"BRIDGE_ENTER"_qs,
              { { u"bridge_id"_qs, id } }),
        event(EventType::HoldStart, 120, callerLeg, u"caller"_qs, u"HOLD"_qs),
        event(EventType::HoldEnd, 150, callerLeg, u"caller"_qs, u"UNHOLD"_qs),
    };
    if (transferred) {
        call.events.append(
            event(EventType::Transfer, 170, firstAgentLeg, u"agent1"_qs, u"ATTENDEDTRANSFER"_qs,
                  { { u"kind"_qs, u"attended"_qs }, { u"target"_qs, secondAgent } }));
        call.events.append(
            event(EventType::Ringing, 170, secondAgentLeg, u"agent2"_qs, u"CHAN_START"_qs));
        call.events.append(
            event(EventType::Answer, 178, secondAgentLeg, u"agent2"_qs, u"ANSWER"_qs));
        call.events.append(event(EventType::BridgeExit, 178, firstAgentLeg, u"agent1"_qs,
                                 u"BRIDGE_EXIT"_qs, { { u"bridge_id"_qs, id } }));
        call.events.append(event(EventType::Hangup, 178, firstAgentLeg, u"agent1"_qs, u"HANGUP"_qs,
                                 { { u"hangup_cause"_qs, 16 } }));
        call.events.append(event(EventType::BridgeEnter, 178, secondAgentLeg, u"agent2"_qs,
                                 u"BRIDGE_ENTER"_qs, { { u"bridge_id"_qs, id } }));
    }
    call.events.append(event(EventType::Hangup, talkEnd, lastAgentLeg, lastAgent, u"HANGUP"_qs,
                             { { u"hangup_cause"_qs, 16 } }));
    call.events.append(event(EventType::Hangup, talkEnd, callerLeg, u"caller"_qs, u"HANGUP"_qs,
                             { { u"hangup_cause"_qs, 16 } }));
    call.events.append(
        event(EventType::WrapUpStart, talkEnd, lastAgentLeg, lastAgent, u"AGENT_WRAPUP"_qs));
    call.events.append(
        event(EventType::WrapUpEnd, talkEnd + 30, lastAgentLeg, lastAgent, u"AGENT_READY"_qs));
    call.events.append(
        event(EventType::CallEnd, talkEnd + 30, callerLeg, u"caller"_qs, u"LINKEDID_END"_qs));
    std::stable_sort(call.events.begin(), call.events.end(),
                     [](const CallEvent &a, const CallEvent &b) { return a.time < b.time; });
    call.sources = { u"asterisk-cel"_qs, u"asterisk-queue-log"_qs };
    return call;
}

// Writes count calls with CallStore::savePreparedCalls, 5,000 to a transaction.
bool writeCalls(const QString &path, int count, QString *why)
{
    std::unique_ptr<CallStore> store = CallStore::open(path, why);
    if (!store)
        return false;
    constexpr int batchSize = 5000;
    for (int first = 0; first < count; first += batchSize) {
        QList<PreparedCall> batch;
        batch.reserve(batchSize);
        for (int i = first; i < std::min(count, first + batchSize); ++i)
            batch.append(CallStore::prepareCall(benchCall(i)));
        if (!store->savePreparedCalls(batch)) {
            *why = store->errorString();
            return false;
        }
    }
    return true;
}

// From /proc/self/status, in kB; -1 where there is no such line.
qint64 statusKb(const QByteArray &field)
{
    QFile status(u"/proc/self/status"_qs);
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(QByteArray(field + ':')))
            return line.mid(field.size() + 1).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

QString loadAverage()
{
    QFile file(u"/proc/loadavg"_qs);
    if (!file.open(QIODevice::ReadOnly))
        return u"unknown"_qs;
    const QList<QByteArray> parts = file.readAll().split(' ');
    return QString::fromLatin1(parts.mid(0, 3).join(", "));
}

struct Stats
{
    double median = 0;
    double p95 = 0;
    double min = 0;
    double max = 0;
};

// Nearest-rank percentiles; the median of an even count is the mean of the middle two.
Stats statsOf(QList<double> samples)
{
    std::sort(samples.begin(), samples.end());
    const qsizetype n = samples.size();
    Stats stats;
    stats.median = n % 2 ? samples.at(n / 2) : (samples.at(n / 2 - 1) + samples.at(n / 2)) / 2;
    stats.p95 = samples.at(std::max<qsizetype>(0, qsizetype(std::ceil(0.95 * n)) - 1));
    stats.min = samples.first();
    stats.max = samples.last();
    return stats;
}

QString ms(double value)
{
    return QString::number(value, 'f', value < 10 ? 2 : 1) + u" ms"_qs;
}

QString verdict(bool met)
{
    return met ? u"met"_qs : u"missed"_qs;
}

// Notes the first QEvent::Paint the timeline gets once armed, then the moment the event loop
// comes round again: by then the whole window's repaint has been done and flushed.
class PaintProbe : public QObject
{
public:
    PaintProbe(QEventLoop *loop, const QElapsedTimer *clock)
        : m_loop(loop)
        , m_clock(clock)
    { }

    // The call is set: the next paint shows it.
    void arm()
    {
        m_armed = true;
        m_shownMs = m_clock->nsecsElapsed() / 1e6;
    }
    double shownMs() const { return m_shownMs; }
    std::optional<double> paintedMs() const { return m_paintedMs; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (m_armed && !m_paintSeen && event->type() == QEvent::Paint) {
            m_paintSeen = true;
            QTimer::singleShot(0, m_loop, [this] {
                m_paintedMs = m_clock->nsecsElapsed() / 1e6;
                m_loop->quit();
            });
        }
        return QObject::eventFilter(watched, event);
    }

private:
    QEventLoop *m_loop;
    const QElapsedTimer *m_clock;
    bool m_armed = false;
    bool m_paintSeen = false;
    double m_shownMs = 0;
    std::optional<double> m_paintedMs;
};

// When a call came, in milliseconds from Enter: MainWindow::callShown (the call is set on the
// view) and the end of the repaint that shows it.
struct Opening
{
    double handledMs = 0; // the key event's own handling, synchronous
    double shownMs = 0;
    double paintedMs = 0;
};

// Types crn into the search field, presses Enter, and returns when the call view
// has painted that call, or nothing (why says so) when it did not within the time-out or
// came with another freshness than expected. A cached copy is then left to be confirmed by the
// server, so that the next run does not share the event loop with this one's revalidation.
std::optional<Opening> enterToPaint(MainWindow &window, const QString &crn,
                                    CallLookup::Freshness expected, QString *why)
{
    SearchField *field = window.searchField();
    field->setFocus();
    field->setText(crn);

    QEventLoop loop;
    QElapsedTimer clock;
    PaintProbe probe(&loop, &clock);
    std::optional<CallLookup::Freshness> firstShown;
    bool confirmed = false;
    const QString key = CrnText::normalized(crn);
    const QMetaObject::Connection shown
        = QObject::connect(&window, &MainWindow::callShown, &loop,
                           [&](const QString &shownCrn, CallLookup::Freshness freshness) {
                               if (CrnText::normalized(shownCrn) != key)
                                   return;
                               if (!firstShown) {
                                   firstShown = freshness;
                                   probe.arm();
                               } else if (freshness == CallLookup::Freshness::Live) {
                                   confirmed = true;
                                   if (probe.paintedMs())
                                       loop.quit();
                               }
                           });
    window.callView()->timeline()->installEventFilter(&probe);
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    timeout.start(kStepTimeoutMs);

    clock.start();
    QTest::keyClick(field, Qt::Key_Return);
    const double handledMs = clock.nsecsElapsed() / 1e6;
    if (!probe.paintedMs())
        loop.exec();
    if (probe.paintedMs() && firstShown == CallLookup::Freshness::Cached && !confirmed)
        loop.exec();
    window.callView()->timeline()->removeEventFilter(&probe);
    QObject::disconnect(shown);

    if (!probe.paintedMs()) {
        *why = u"the call view did not paint %1 within %2 s"_qs.arg(crn).arg(kStepTimeoutMs / 1000);
        return std::nullopt;
    }
    if (firstShown != expected) {
        *why = u"%1 came as %2, not %3"_qs.arg(
            crn,
            QString::fromLatin1(
                QMetaEnum::fromType<CallLookup::Freshness>().valueToKey(int(*firstShown))),
            QString::fromLatin1(
                QMetaEnum::fromType<CallLookup::Freshness>().valueToKey(int(expected))));
        return std::nullopt;
    }
    if (firstShown == CallLookup::Freshness::Cached && !confirmed) {
        *why = u"the server did not confirm the cached copy of %1"_qs.arg(crn);
        return std::nullopt;
    }
    return Opening { handledMs, probe.shownMs(), *probe.paintedMs() };
}

// `curl -s -o /dev/null` for the call's JSON: milliseconds from starting curl until it exited,
// and curl's own time_total in *curlOwnMs.
std::optional<double> curlFetch(const QString &curl, const QUrl &url,
                                const QByteArray &authorization, double *curlOwnMs, QString *why)
{
    QProcess process;
    QElapsedTimer clock;
    clock.start();
    process.start(curl,
                  { u"-s"_qs, u"-o"_qs, u"/dev/null"_qs, u"-w"_qs, u"%{http_code} %{time_total}"_qs,
                    u"-H"_qs, u"Authorization: "_qs + QString::fromLatin1(authorization),
                    url.toString() });
    if (!process.waitForFinished(kStepTimeoutMs)) {
        *why = u"curl did not finish: "_qs + process.errorString();
        process.kill();
        process.waitForFinished();
        return std::nullopt;
    }
    const double elapsed = clock.nsecsElapsed() / 1e6;
    const QList<QByteArray> written = process.readAllStandardOutput().split(' ');
    if (process.exitCode() != 0 || written.value(0) != "200") {
        *why = u"curl got %1 (exit code %2) for %3"_qs.arg(QString::fromLatin1(written.value(0)),
                                                           QString::number(process.exitCode()),
                                                           url.toString());
        return std::nullopt;
    }
    *curlOwnMs = written.value(1).toDouble() * 1000;
    return elapsed;
}

// Starts crn-console with CRN_REPORT_STARTUP=1 and returns the milliseconds from just before
// QProcess::start until the event-loop iteration the console reports, by the wall clock both
// processes share.
std::optional<double> coldStart(const QUrl &server, const QString &home, QString *why)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"CRN_REPORT_STARTUP"_qs, u"1"_qs);
    environment.insert(u"QT_QPA_PLATFORM"_qs, u"offscreen"_qs);
    // The console's settings and cache go to the benchmark's folder, not the user's.
    environment.insert(u"XDG_CONFIG_HOME"_qs, home + u"/config"_qs);
    environment.insert(u"XDG_CACHE_HOME"_qs, home + u"/cache"_qs);
    environment.insert(u"XDG_DATA_HOME"_qs, home + u"/data"_qs);

    QProcess console;
    console.setProcessEnvironment(environment);
    console.setProcessChannelMode(QProcess::SeparateChannels);
    const qint64 startedAt = QDateTime::currentMSecsSinceEpoch();
    console.start(QStringLiteral(CRN_CONSOLE_BINARY), { u"--server"_qs, server.toString() });

    const QByteArray marker = "crn-console: event loop running at ";
    std::optional<double> result;
    QElapsedTimer waited;
    waited.start();
    while (!result && waited.elapsed() < kStepTimeoutMs) {
        if (!console.canReadLine() && !console.waitForReadyRead(kStepTimeoutMs))
            break;
        while (console.canReadLine()) {
            const QByteArray line = console.readLine().trimmed();
            if (line.startsWith(marker)) {
                const qint64 at = line.mid(marker.size()).split(' ').value(0).toLongLong();
                result = double(at - startedAt);
            }
        }
    }
    if (!result)
        *why = u"crn-console did not report its start: "_qs
            + QString::fromLocal8Bit(console.readAllStandardError().right(400));
    console.kill();
    console.waitForFinished();
    return result;
}

// The child of memoryFigure: a main window of its own over server, the search query typed,
// every page of its matches loaded; prints VmRSS before the search and once rows are loaded.
int memoryChild(const QUrl &server, const QString &query, int rows, const QByteArray &token)
{
    QTemporaryDir dir;
    ApiClient client(server);
    client.setAccessToken(token);
    CallCache cache(dir.filePath(u"cache.sqlite"_qs));
    CallLookup lookup(&client, &cache);
    MainWindow window(&lookup);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) {
        out() << "memory-child: the window was not exposed" << Qt::endl;
        return 1;
    }
    const bool connected = QTest::qWaitFor(
        [&lookup] { return lookup.serverState() == CallLookup::ServerState::Connected; },
        kStepTimeoutMs);
    if (!connected) {
        out() << "memory-child: the window did not connect to " << server.toString() << Qt::endl;
        return 1;
    }
    const qint64 beforeKb = statusKb("VmRSS");

    // Pages are asked for one after the other as fast as they come, as a view scrolled to its
    // end would; the window's own fetchMore asks too, and CallLookup drops the repeat.
    QEventLoop loop;
    QString problem;
    QObject::connect(&lookup, &CallLookup::matchesFound, &loop,
                     [&lookup](const QString &listing) { lookup.fetchMoreMatches(listing); });
    QObject::connect(&lookup, &CallLookup::matchesAppended, &loop,
                     [&](const QString &listing, const QList<CallSummary> &, bool more) {
                         if (more)
                             lookup.fetchMoreMatches(listing);
                         else
                             QTimer::singleShot(0, &loop, &QEventLoop::quit);
                     });
    QObject::connect(&lookup, &CallLookup::moreMatchesFailed, &loop,
                     [&](const QString &, const QString &sentence) {
                         problem = sentence;
                         loop.quit();
                     });
    QObject::connect(&lookup, &CallLookup::failed, &loop,
                     [&](const QString &, const QString &sentence) {
                         problem = sentence;
                         loop.quit();
                     });
    QObject::connect(&lookup, &CallLookup::notFound, &loop, [&] {
        problem = u"nothing matches"_qs;
        loop.quit();
    });
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, [&] {
        problem = u"time-out"_qs;
        loop.quit();
    });
    timeout.start(kMemoryTimeoutMs);

    QElapsedTimer clock;
    clock.start();
    window.search(query);
    loop.exec();
    const double loadMs = clock.nsecsElapsed() / 1e6;
    // What the supervisor sees of them, painted.
    window.matchesView()->grab();
    const qint64 afterKb = statusKb("VmRSS");

    out() << "memory-child: rows " << window.matches()->rowCount() << " before_kb " << beforeKb
          << " after_kb " << afterKb << " hwm_kb " << statusKb("VmHWM") << " load_ms " << loadMs
          << " problem " << (problem.isEmpty() ? u"none"_qs : problem) << Qt::endl;
    return problem.isEmpty() && window.matches()->rowCount() == rows ? 0 : 1;
}

class ConsoleBench
{
public:
    int calls = kMaxCalls;
    int runs = 50;
    int warmUps = 3;
    int starts = 10;
    bool onlyMemory = false;
    bool noMemory = false;

    int run();

private:
    void openingFigures();
    void startFigure();
    void memoryFigure();
    void notMeasured(const QString &figure, const QString &why);

    QTemporaryDir m_dir;
    std::unique_ptr<TestServer> m_server;
    int m_problems = 0;
};

void ConsoleBench::notMeasured(const QString &figure, const QString &why)
{
    ++m_problems;
    out() << figure << ": NOT MEASURED: " << why << Qt::endl;
}

int ConsoleBench::run()
{
    out() << "console benchmark: " << calls << " calls on a crn-server on 127.0.0.1, " << runs
          << " runs per opening figure, " << starts << " cold starts; load average "
          << loadAverage() << Qt::endl;

    QElapsedTimer clock;
    clock.start();
    QString why;
    const QString database = m_dir.filePath(u"calls.sqlite"_qs);
    if (!writeCalls(database, calls, &why)) {
        out() << "could not write the calls: " << why << Qt::endl;
        return 1;
    }
    out() << "wrote " << calls << " calls with CallStore::savePreparedCalls in "
          << ms(clock.nsecsElapsed() / 1e6) << Qt::endl;

    m_server = std::make_unique<TestServer>(database);
    if (!m_server->start(0, &why)) {
        out() << "could not start crn-server: " << why << Qt::endl;
        return 1;
    }

    if (!onlyMemory) {
        openingFigures();
        startFigure();
    }
    if (!noMemory)
        memoryFigure();
    m_server->kill();

    out() << "load average at the end: " << loadAverage() << Qt::endl;
    return m_problems == 0 ? 0 : 1;
}

// Figures 1 and 2 in one window over an empty cache: runs + warm-up calls are opened one by one
// from the server (each unseen, so not in the cache), then the same calls again, from the cache.
// The warm-up calls come first and are not counted: the first call shown lays out the view.
void ConsoleBench::openingFigures()
{
    const int needed = warmUps + runs;
    if (needed > calls) {
        notMeasured(u"opening"_qs, u"fewer calls than runs"_qs);
        return;
    }
    ApiClient client(m_server->url());
    client.setAccessToken(m_server->token());
    CallCache cache(m_dir.filePath(u"console-cache.sqlite"_qs));
    CallLookup lookup(&client, &cache);
    MainWindow window(&lookup);
    window.resize(1280, 800);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) {
        notMeasured(u"opening"_qs, u"the window was not exposed"_qs);
        return;
    }

    // Spread over the calls written, so that the server reads rows from all over its file.
    const auto indexOf = [this, needed](int run) {
        return int(qint64(run) * calls / needed);
    };
    const QString curl = QStandardPaths::findExecutable(u"curl"_qs);
    QList<double> fromServer;
    QList<double> serverShown;
    QList<double> serverHandled;
    QList<double> withCurl;
    QList<double> curlOwn;
    QString why;
    for (int run = 0; run < needed; ++run) {
        const QString crn = crnOf(indexOf(run));
        QUrl url = m_server->url();
        url.setPath(u"/api/v1/calls/"_qs + crn);
        double own = 0;
        // Half the curl fetches come before the console's and half after, so that neither
        // side always finds the server's pages warm from the other.
        std::optional<double> curlMs;
        if (!curl.isEmpty() && run % 2 == 0 && run >= warmUps)
            curlMs = curlFetch(curl, url, m_server->authorization(), &own, &why);
        const std::optional<Opening> elapsed
            = enterToPaint(window, crn, CallLookup::Freshness::Live, &why);
        if (!curl.isEmpty() && run % 2 == 1 && run >= warmUps)
            curlMs = curlFetch(curl, url, m_server->authorization(), &own, &why);
        if (!elapsed) {
            notMeasured(u"Enter to painted call, from the server"_qs, why);
            return;
        }
        if (run < warmUps)
            continue;
        fromServer.append(elapsed->paintedMs);
        serverShown.append(elapsed->shownMs);
        serverHandled.append(elapsed->handledMs);
        if (!curl.isEmpty() && !curlMs) {
            notMeasured(u"curl"_qs, why);
            return;
        }
        if (curlMs) {
            withCurl.append(*curlMs);
            curlOwn.append(own);
        }
    }

    QList<double> fromCache;
    QList<double> cacheShown;
    QList<double> cacheHandled;
    for (int run = 0; run < needed; ++run) {
        const std::optional<Opening> elapsed
            = enterToPaint(window, crnOf(indexOf(run)), CallLookup::Freshness::Cached, &why);
        if (!elapsed) {
            notMeasured(u"Enter to painted call, from the cache"_qs, why);
            return;
        }
        if (run >= warmUps) {
            fromCache.append(elapsed->paintedMs);
            cacheShown.append(elapsed->shownMs);
            cacheHandled.append(elapsed->handledMs);
        }
    }

    const Stats cached = statsOf(fromCache);
    out() << "1. Enter to painted call view, from the cache: median " << ms(cached.median)
          << ", p95 " << ms(cached.p95) << " (min " << ms(cached.min) << ", max " << ms(cached.max)
          << ") over " << fromCache.size() << " runs; goal < " << ms(kCachedGoalMs)
          << " at p95: " << verdict(cached.p95 < kCachedGoalMs) << Qt::endl;
    out() << "   of which Enter to callShown (the call set on the view): median "
          << ms(statsOf(cacheShown).median) << "; the key press's own handling: median "
          << ms(statsOf(cacheHandled).median) << Qt::endl;

    const Stats server = statsOf(fromServer);
    out() << "2. Enter to painted call view, from the server: median " << ms(server.median)
          << ", p95 " << ms(server.p95) << " (min " << ms(server.min) << ", max " << ms(server.max)
          << ") over " << fromServer.size() << " runs" << Qt::endl;
    out() << "   of which Enter to callShown (the call set on the view): median "
          << ms(statsOf(serverShown).median) << "; the key press's own handling: median "
          << ms(statsOf(serverHandled).median) << Qt::endl;
    if (curl.isEmpty()) {
        notMeasured(u"2. ratio to curl"_qs, u"curl is not installed"_qs);
        return;
    }
    const Stats curlStats = statsOf(withCurl);
    const Stats curlOwnStats = statsOf(curlOwn);
    const double ratio = server.median / curlStats.median;
    out() << "   curl -s -o /dev/null, the same JSON: median " << ms(curlStats.median) << ", p95 "
          << ms(curlStats.p95) << " from QProcess::start to exit (curl's own time_total: median "
          << ms(curlOwnStats.median) << ")" << Qt::endl;
    out() << "   ratio console/curl (medians) " << QString::number(ratio, 'f', 2)
          << "; goal <= " << kServerGoalRatio << ": " << verdict(ratio <= kServerGoalRatio)
          << Qt::endl;
}

void ConsoleBench::startFigure()
{
    QList<double> samples;
    QString why;
    const QString home = m_dir.filePath(u"console-home"_qs);
    for (int run = 0; run < starts; ++run) {
        const std::optional<double> elapsed = coldStart(m_server->url(), home, &why);
        if (!elapsed) {
            notMeasured(u"3. cold start"_qs, why);
            return;
        }
        samples.append(*elapsed);
    }
    const Stats stats = statsOf(samples);
    out() << "3. Cold start to the first event-loop iteration after show: median "
          << ms(stats.median) << " (min " << ms(stats.min) << ", max " << ms(stats.max) << ") over "
          << samples.size() << " starts; goal < " << ms(kStartGoalMs) << ": "
          << verdict(stats.median < kStartGoalMs) << Qt::endl;
}

// In a child process of its own, so that what this one has done (writing the calls, two
// windows' worth of opening calls) does not count against the results' memory.
void ConsoleBench::memoryFigure()
{
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationFilePath(),
                { u"--memory-child"_qs, m_server->url().toString(), kCommonPrefix,
                  QString::number(calls), QString::fromLatin1(m_server->token()) });
    // Waiting with the event loop running, not with waitForFinished(): the crn-server of
    // TestServer writes a line to its stderr pipe for every request, and while nothing here
    // reads that pipe the server stops at the first full pipe buffer (about 1,500 pages in).
    const bool finished = QTest::qWaitFor(
        [&child] { return child.state() == QProcess::NotRunning; }, kMemoryTimeoutMs + 60000);
    if (!finished) {
        child.kill();
        child.waitForFinished();
        notMeasured(u"4. memory"_qs, u"the child did not finish"_qs);
        return;
    }
    const QByteArray written = child.readAllStandardOutput().trimmed();
    const QList<QByteArray> words = written.split(' ');
    const auto value = [&words](const QByteArray &name) {
        const qsizetype at = words.indexOf(name);
        return at < 0 ? QByteArray() : words.value(at + 1);
    };
    if (child.exitCode() != 0 || value("rows").toInt() != calls) {
        notMeasured(u"4. memory"_qs, QString::fromLocal8Bit(written));
        return;
    }
    const double beforeMb = value("before_kb").toDouble() / 1024;
    const double afterMb = value("after_kb").toDouble() / 1024;
    out() << "4. Memory with " << calls << " results loaded (" << (calls + 49) / 50
          << " pages of 50, in " << ms(value("load_ms").toDouble()) << "): VmRSS "
          << QString::number(beforeMb, 'f', 1) << " MB before the search, "
          << QString::number(afterMb, 'f', 1) << " MB after (+"
          << QString::number(afterMb - beforeMb, 'f', 1) << " MB; peak VmHWM "
          << QString::number(value("hwm_kb").toDouble() / 1024, 'f', 1) << " MB); goal < "
          << kMemoryGoalMb << " MB: " << verdict(afterMb < kMemoryGoalMb) << Qt::endl;
}

// The offscreen platform says this on every window's size hint; it says nothing about us.
QtMessageHandler previousHandler = nullptr;

void quietHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (message.startsWith(u"This plugin does not support propagateSizeHints"))
        return;
    previousHandler(type, context, message);
}

} // namespace

int main(int argc, char *argv[])
{
    previousHandler = qInstallMessageHandler(quietHandler);
    QApplication application(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    // The console's one-line info messages would be most of the output.
    QLoggingCategory::setFilterRules(u"crn.*.info=false"_qs);

    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.value(1) == u"--memory-child")
        return memoryChild(QUrl(arguments.value(2)), arguments.value(3), arguments.value(4).toInt(),
                           arguments.value(5).toLatin1());

    ConsoleBench bench;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        const int value = arguments.value(i + 1).toInt();
        if (argument == u"--smoke") {
            // Small enough for ctest: every figure once over, in seconds.
            bench.calls = 600;
            bench.runs = 5;
            bench.warmUps = 1;
            bench.starts = 2;
        } else if (argument == u"--only-memory") {
            bench.onlyMemory = true;
        } else if (argument == u"--no-memory") {
            bench.noMemory = true;
        } else if (argument == u"--calls" && value > 0 && value <= kMaxCalls) {
            bench.calls = value;
            ++i;
        } else if (argument == u"--runs" && value > 0) {
            bench.runs = value;
            ++i;
        } else if (argument == u"--starts" && value > 0) {
            bench.starts = value;
            ++i;
        } else {
            out() << "usage: console_bench [--calls N (<= " << kMaxCalls
                  << ")] [--runs N] [--starts N] [--only-memory | --no-memory] [--smoke]"
                  << Qt::endl;
            return 2;
        }
    }
    return bench.run();
}
