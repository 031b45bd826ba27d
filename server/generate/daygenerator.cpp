#include "generate/daygenerator.h"
#include "generate/recordingwriter.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QIODevice>
#include <QRandomGenerator>
#include <QSaveFile>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <deque>
#include <functional>
#include <limits>
#include <memory>
#include <numeric>
#include <optional>
#include <utility>
#include <vector>

// What the rows look like, and where each detail comes from:
//
// CEL: cel_custom with the Master.csv mapping of cel_custom.conf.sample, so 20 fields, each
// through CSV_QUOTE (quotes doubled), eventtime as "%ld.%06ld" (no dateformat in cel.conf),
// amaflags as the number 3 (DOCUMENTATION). Asterisk 12+ events with the JSON extras that
// main/cel.c packs: HANGUP {hangupcause, hangupsource, dialstatus}, BRIDGE_ENTER/EXIT {bridge_id,
// bridge_technology} with the other channels of the bridge as peer, BLINDTRANSFER and
// ATTENDEDTRANSFER with their channel names and uniqueids. HANGUP, CHAN_END and LINKEDID_END of a
// channel share one timestamp because Asterisk reports them from one snapshot update. cel.conf is
// taken to say apps=background,playback,queue,dial,confbridge, so only those apps write
// APP_START/APP_END; the legs that Queue and Dial ring show AppQueue/AppDial "(Outgoing Line)".
//
// Hold: Asterisk has no HOLD CEL event. Sites that want hold in CEL raise a user-defined event
// (CELGenUserEvent from a hold hook or an AMI listener); cel_custom then writes the user event's
// name as eventtype and again as userdeftype, with extra {"extra":"..."}. That is the form written
// here, on the channel that put the call on hold (the agent's), as Asterisk's Hold event is.
//
// queue_log: "%ld|%s|%s|%s|%s|" + data, whole seconds, callid = the caller's uniqueid, agent =
// the member name. ENTERQUEUE url|callerid|position, RINGNOANSWER ms, CONNECT
// holdtime|member uniqueid|ringtime, COMPLETECALLER/COMPLETEAGENT holdtime|calltime|origposition,
// ABANDON position|origposition|waittime, RINGCANCELED ms, BLINDTRANSFER
// exten|context|holdtime|calltime|origpos, ATTENDEDTRANSFER
// BRIDGE|bridge|holdtime|calltime|origpos, PAUSE/UNPAUSE reason. No WRAPUPSTART: stock Asterisk
// does not write it (it is a Wazo addition); the 30 s wrap-up only shows as the agent's idle time
// between calls.
//
// Recordings (opt-in): MixMonitor on every agent leg that answers a caller, started at the leg's
// ANSWER and stopped by its HANGUP, named after the leg's uniqueid in date folders, as a
// dialplan's MixMonitor(${STRFTIME(,,%Y/%m/%d)}/${UNIQUEID}.wav) names it. The answer, hold and
// hangup times are taken where the ANSWER, HOLD/UNHOLD and HANGUP rows are made, so the audio
// lines up with the CEL to the sample. A leg still on hold when it hangs up (the agent's first
// leg in an attended transfer) is silent to its end.
//
// Order: both files are written in time order across calls. Calls are generated in order of
// arrival; each call's rows go into a heap keyed by time and leave it once no later call can
// write anything earlier. Uniqueids ("epoch.sequence") and channel names ("PJSIP/ext-%08x") come
// from global counters, as in Asterisk, so they are given out when a CHAN_START row leaves the
// heap; rows carry markers for them until then.

namespace {

using Micros = qint64;

constexpr Micros kSecond = 1000000;
constexpr Micros kRingTimeout = 15 * kSecond; // queues.conf timeout
constexpr Micros kRetry = 5 * kSecond; // queues.conf retry
constexpr Micros kWrapUp = 30 * kSecond; // queues.conf wrapuptime
constexpr Micros kDialTimeout = 30 * kSecond; // Dial(...,30) for internal calls

Micros seconds(double value)
{
    return Micros(std::llround(value * 1e6));
}

Micros millis(double value)
{
    return Micros(std::llround(value * 1e3));
}

Micros wholeSeconds(Micros time)
{
    return time / kSecond;
}

// ---------------------------------------------------------------------------------------------
// Seeded randomness: everything random in the day comes from one generator, in one order.

QRandomGenerator seededGenerator(quint64 seed)
{
    const quint32 words[2] = { quint32(seed & 0xffffffffu), quint32(seed >> 32) };
    return QRandomGenerator(words, 2);
}

class Dice
{
public:
    explicit Dice(quint64 seed)
        : m_generator(seededGenerator(seed))
    { }

    double unit() { return m_generator.generateDouble(); }
    double uniform(double low, double high) { return low + (high - low) * unit(); }
    int between(int low, int high)
    {
        return low + int(m_generator.bounded(quint32(high - low + 1)));
    }
    bool chance(double probability) { return unit() < probability; }

    // Talk and wait times are long-tailed: most calls are short, a few are very long.
    double logNormal(double median, double sigma, double low, double high)
    {
        const double u1 = 1.0 - unit();
        const double u2 = unit();
        const double normal = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
        return std::clamp(median * std::exp(sigma * normal), low, high);
    }

    // Bridge ids are version-4 UUIDs, as Asterisk makes them.
    QByteArray uuid()
    {
        static const char hex[] = "0123456789abcdef";
        QByteArray text(36, '-');
        int position = 0;
        for (int i = 0; i < 32; ++i) {
            if (position == 8 || position == 13 || position == 18 || position == 23)
                ++position;
            int nibble = int(m_generator.bounded(16u));
            if (i == 12)
                nibble = 4;
            else if (i == 16)
                nibble = 8 | (nibble & 3);
            text[position++] = hex[nibble];
        }
        return text;
    }

private:
    QRandomGenerator m_generator;
};

// ---------------------------------------------------------------------------------------------
// Markers for what is only known when a row is written: its time, and channel names and
// uniqueids. A marker is 0x01, a kind, and for channels the channel's index in its call as two
// hex digits (never a quote, so CSV quoting leaves markers alone).

constexpr char kMark = '\x01';
constexpr char kTimeKind = 'T';
constexpr char kNameKind = 'N';
constexpr char kUniqueIdKind = 'U';
constexpr int kMaxChannelsPerCall = 256;

QByteArray channelMarker(char kind, int channel)
{
    static const char hex[] = "0123456789abcdef";
    Q_ASSERT(channel >= 0 && channel < kMaxChannelsPerCall);
    const char text[4] = { kMark, kind, hex[channel >> 4], hex[channel & 15] };
    return QByteArray(text, 4);
}

const QByteArray &timeMarker()
{
    static const QByteArray marker = QByteArray(1, kMark) + kTimeKind;
    return marker;
}

int hexValue(char digit)
{
    return digit <= '9' ? digit - '0' : digit - 'a' + 10;
}

// ---------------------------------------------------------------------------------------------
// The row writer: a time-ordered heap of rows, drained into two buffered devices.

enum class Sink : quint8 { Cel, QueueLog };

struct ChannelIdentity
{
    QByteArray endpoint;
    QByteArray name;
    QByteArray uniqueId;
};

// A call's channels, shared by its pending rows; it goes when the call's last row is written.
struct CallChannels
{
    std::deque<ChannelIdentity> channels;
};

// A recording waiting for its leg's uniqueid, which is given out when the leg's CHAN_START row
// is written; it is written once the rows up to the leg's hangup are.
struct PendingRecording
{
    Micros end = 0; // the leg's HANGUP
    quint64 order = 0;
    std::shared_ptr<CallChannels> call;
    int channel = 0;
    Micros start = 0; // the leg's ANSWER
    std::vector<RecordingWriter::Span> held;
};

bool recordingAfter(const PendingRecording &a, const PendingRecording &b)
{
    return a.end > b.end || (a.end == b.end && a.order > b.order);
}

// FNV-1a: a hash that is the same in every process (qHash is seeded per process).
quint64 stableHash(const QByteArray &bytes)
{
    quint64 hash = 0xcbf29ce484222325ull;
    for (const char c : bytes) {
        hash ^= quint8(c);
        hash *= 0x100000001b3ull;
    }
    return hash;
}

// Writes the recordings under one folder as YYYY/MM/DD/<uniqueid>.wav, dated by the answer,
// in the order their legs hung up: 16-bit PCM, except every 7th in mu-law and every 11th in
// A-law, so a day always has both G.711 flavours to play.
class RecordingSink
{
public:
    RecordingSink(const QString &folder, quint64 seed)
        : m_folder(folder)
        , m_seed(seed)
    { }

    bool write(const PendingRecording &recording, const QByteArray &uniqueId)
    {
        const qint64 number = m_count + 1;
        const RecordingWriter::Encoding encoding = number % 7 == 0
            ? RecordingWriter::Encoding::MuLaw
            : number % 11 == 0 ? RecordingWriter::Encoding::ALaw
                               : RecordingWriter::Encoding::Pcm16;

        const QString day = QDateTime::fromMSecsSinceEpoch(recording.start / 1000, Qt::UTC)
                                .toString(u"yyyy/MM/dd"_qs);
        if (day != m_lastDay) {
            if (!m_folder.mkpath(day)) {
                m_errorString
                    = QStringLiteral("cannot create the folder %1").arg(m_folder.filePath(day));
                return false;
            }
            m_lastDay = day;
        }

        // Each recording's own seed, from the day's and the leg's: the same day, the same audio.
        const quint64 seed = stableHash(uniqueId) ^ (m_seed * 0x9e3779b97f4a7c15ull);
        RecordingWriter writer({ recording.start, recording.end }, recording.held, seed, encoding);
        const QString path
            = m_folder.filePath(day + u'/' + QString::fromLatin1(uniqueId) + u".wav"_qs);
        if (!writer.writeFile(path)) {
            m_errorString = writer.errorString();
            return false;
        }
        m_count = number;
        m_bytes += writer.fileSize();
        return true;
    }

    qint64 count() const { return m_count; }
    qint64 bytes() const { return m_bytes; }
    QString errorString() const { return m_errorString; }

private:
    QDir m_folder;
    quint64 m_seed = 0;
    qint64 m_count = 0;
    qint64 m_bytes = 0;
    QString m_lastDay;
    QString m_errorString;
};

struct PendingRow
{
    Micros time = 0;
    quint64 order = 0;
    std::shared_ptr<CallChannels> call;
    QByteArray text;
    Sink sink = Sink::Cel;
    int creates = -1; // the channel this CHAN_START row brings to life
};

bool rowAfter(const PendingRow &a, const PendingRow &b)
{
    return a.time > b.time || (a.time == b.time && a.order > b.order);
}

class RowWriter
{
public:
    RowWriter(QIODevice &cel, QIODevice &queueLog)
        : m_cel(cel)
        , m_queueLog(queueLog)
    {
        m_celBuffer.reserve(kFlushSize + 4096);
        m_queueLogBuffer.reserve(kFlushSize + 4096);
    }

    void setRecordingSink(RecordingSink *sink) { m_recordingSink = sink; }
    bool recordsAudio() const { return m_recordingSink != nullptr; }

    void pushRecording(PendingRecording recording)
    {
        Q_ASSERT(recording.end >= m_writtenBefore);
        recording.order = m_recordingOrder++;
        m_recordings.push_back(std::move(recording));
        std::push_heap(m_recordings.begin(), m_recordings.end(), recordingAfter);
    }

    void startCounters(quint64 uniqueIdSequence, quint64 channelSequence)
    {
        m_uniqueIdSequence = uniqueIdSequence;
        m_channelSequence = channelSequence;
    }

    void push(PendingRow row)
    {
        // Nothing may be added before what has already been written.
        Q_ASSERT(row.time >= m_writtenBefore);
        row.order = m_order++;
        m_heap.push_back(std::move(row));
        std::push_heap(m_heap.begin(), m_heap.end(), rowAfter);
    }

    // Writes every row earlier than TIME: no call generated from now on starts before it.
    bool writeBefore(Micros time)
    {
        m_writtenBefore = time;
        while (!m_heap.empty() && m_heap.front().time < time) {
            std::pop_heap(m_heap.begin(), m_heap.end(), rowAfter);
            writeRow(m_heap.back());
            m_heap.pop_back();
        }
        return writeRecordingsBefore(time) && flush(false);
    }

    bool finish()
    {
        while (!m_heap.empty()) {
            std::pop_heap(m_heap.begin(), m_heap.end(), rowAfter);
            writeRow(m_heap.back());
            m_heap.pop_back();
        }
        return writeRecordingsBefore(std::numeric_limits<Micros>::max()) && flush(true);
    }

    qint64 celRows() const { return m_celRows; }
    qint64 queueLogRows() const { return m_queueLogRows; }
    QString errorString() const { return m_errorString; }

private:
    static constexpr qsizetype kFlushSize = 1 << 20;

    // The rows before TIME are written, so every leg that hung up before it has its uniqueid.
    bool writeRecordingsBefore(Micros time)
    {
        while (!m_recordings.empty() && m_recordings.front().end < time) {
            std::pop_heap(m_recordings.begin(), m_recordings.end(), recordingAfter);
            const PendingRecording &recording = m_recordings.back();
            const QByteArray &uniqueId
                = recording.call->channels[size_t(recording.channel)].uniqueId;
            Q_ASSERT(!uniqueId.isEmpty());
            if (!m_recordingSink->write(recording, uniqueId)) {
                m_errorString = m_recordingSink->errorString();
                return false;
            }
            m_recordings.pop_back();
        }
        return true;
    }

    void writeRow(PendingRow &row)
    {
        if (row.creates >= 0) {
            ChannelIdentity &channel = row.call->channels[size_t(row.creates)];
            channel.name = "PJSIP/" + channel.endpoint + '-'
                + QByteArray::number(m_channelSequence++, 16).rightJustified(8, '0');
            channel.uniqueId = QByteArray::number(wholeSeconds(row.time)) + '.'
                + QByteArray::number(m_uniqueIdSequence++);
        }

        const bool cel = row.sink == Sink::Cel;
        QByteArray &out = cel ? m_celBuffer : m_queueLogBuffer;
        const char *position = row.text.constData();
        const char *const end = position + row.text.size();
        while (position < end) {
            const auto *mark
                = static_cast<const char *>(std::memchr(position, kMark, end - position));
            if (!mark) {
                out.append(position, end - position);
                break;
            }
            out.append(position, mark - position);
            if (mark[1] == kTimeKind) {
                appendTime(out, row.time, cel);
                position = mark + 2;
                continue;
            }
            const int index = hexValue(mark[2]) * 16 + hexValue(mark[3]);
            const ChannelIdentity &channel = row.call->channels[size_t(index)];
            Q_ASSERT(!channel.uniqueId.isEmpty()); // named before its CHAN_START: a script bug
            out += mark[1] == kNameKind ? channel.name : channel.uniqueId;
            position = mark + 4;
        }
        ++(cel ? m_celRows : m_queueLogRows);
    }

    static void appendTime(QByteArray &out, Micros time, bool withMicroseconds)
    {
        out += QByteArray::number(wholeSeconds(time));
        if (!withMicroseconds)
            return;
        char fraction[8];
        Micros rest = time % kSecond;
        fraction[0] = '.';
        for (int i = 6; i >= 1; --i) {
            fraction[i] = char('0' + rest % 10);
            rest /= 10;
        }
        out.append(fraction, 7);
    }

    bool flush(bool all)
    {
        return flushBuffer(m_cel, m_celBuffer, all)
            && flushBuffer(m_queueLog, m_queueLogBuffer, all);
    }

    bool flushBuffer(QIODevice &device, QByteArray &buffer, bool all)
    {
        if (buffer.isEmpty() || (!all && buffer.size() < kFlushSize))
            return true;
        if (device.write(buffer) != buffer.size()) {
            m_errorString = device.errorString();
            return false;
        }
        buffer.clear();
        return true;
    }

    QIODevice &m_cel;
    QIODevice &m_queueLog;
    QByteArray m_celBuffer;
    QByteArray m_queueLogBuffer;
    std::vector<PendingRow> m_heap;
    quint64 m_order = 0;
    RecordingSink *m_recordingSink = nullptr;
    std::vector<PendingRecording> m_recordings; // a heap, like m_heap
    quint64 m_recordingOrder = 0;
    Micros m_writtenBefore = 0;
    quint64 m_uniqueIdSequence = 0;
    quint64 m_channelSequence = 0;
    qint64 m_celRows = 0;
    qint64 m_queueLogRows = 0;
    QString m_errorString;
};

// ---------------------------------------------------------------------------------------------
// One call's script: the channel state the CEL rows show, bridges, and linkedid bookkeeping.

// What a CEL row shows of its channel at that moment.
struct ChannelState
{
    QByteArray cidName;
    QByteArray cidNum;
    QByteArray ani;
    QByteArray dnid;
    QByteArray exten;
    QByteArray context;
    QByteArray app;
    QByteArray appData;
    bool appTracked = false; // listed in cel.conf apps=, so it writes APP_START/APP_END
    QByteArray dialStatus; // DIALSTATUS that Asterisk saved for this channel's HANGUP
    int linked = 0; // the channel whose uniqueid is this channel's linkedid
};

struct Bridge
{
    QByteArray id;
    QByteArray technology;
    std::vector<int> members;
};

void appendQuoted(QByteArray &row, const QByteArray &value)
{
    row += '"';
    if (!value.contains('"')) {
        row += value;
    } else {
        for (const char c : value) {
            if (c == '"')
                row += '"';
            row += c;
        }
    }
    row += '"';
}

class CallScript
{
public:
    CallScript(RowWriter &writer, Dice &dice)
        : m_writer(writer)
        , m_dice(dice)
        , m_channels(std::make_shared<CallChannels>())
    { }

    // Creates a channel and writes its CHAN_START. LINKED < 0 starts a linkedid of its own.
    int open(Micros time, const QByteArray &endpoint, ChannelState state, int linked)
    {
        const int channel = int(m_states.size());
        Q_ASSERT(channel < kMaxChannelsPerCall);
        m_channels->channels.push_back({ endpoint, {}, {} });
        state.linked = linked < 0 ? channel : linked;
        m_states.push_back(std::move(state));
        m_linkCount.push_back(0);
        ++m_linkCount[size_t(m_states.back().linked)];
        if (m_writer.recordsAudio())
            m_legs.emplace_back();
        cel(time, "CHAN_START", channel, {}, {}, {}, channel);
        return channel;
    }

    ChannelState &state(int channel) { return m_states[size_t(channel)]; }

    // MixMonitor records this leg from its ANSWER to its HANGUP, if the day has recordings.
    void record(int channel)
    {
        if (LegRecording *leg = legRecording(channel))
            leg->recorded = true;
    }

    QByteArray name(int channel) const { return channelMarker(kNameKind, channel); }
    QByteArray uniqueId(int channel) const { return channelMarker(kUniqueIdKind, channel); }

    // A small gap between rows that Asterisk writes for one action.
    Micros gap(double lowMs = 0.2, double highMs = 3.0)
    {
        return millis(m_dice.uniform(lowMs, highMs));
    }

    void cel(Micros time, const char *type, int channel, const QByteArray &peer = {},
             const QByteArray &extra = {}, const QByteArray &userType = {}, int creates = -1)
    {
        const ChannelState &s = state(channel);
        QByteArray row;
        row.reserve(320);
        appendQuoted(row, type);
        row += ",\"" + timeMarker() + '"';
        for (const QByteArray *value : { &s.cidName, &s.cidNum, &s.ani }) {
            row += ',';
            appendQuoted(row, *value);
        }
        row += ",\"\""; // rdnis
        for (const QByteArray *value : { &s.dnid, &s.exten, &s.context }) {
            row += ',';
            appendQuoted(row, *value);
        }
        row += ",\"" + name(channel) + "\",";
        appendQuoted(row, s.app);
        row += ',';
        appendQuoted(row, s.appData);
        row += ",\"3\",\"\",\"" + uniqueId(channel) + "\",\"" + uniqueId(s.linked) + "\",";
        appendQuoted(row, peer);
        row += ",\"\",";
        appendQuoted(row, userType);
        row += ',';
        appendQuoted(row, extra);
        row += '\n';
        m_writer.push({ time, 0, m_channels, std::move(row), Sink::Cel, creates });
    }

    void answer(Micros time, int channel)
    {
        cel(time, "ANSWER", channel);
        if (LegRecording *leg = legRecording(channel))
            leg->answered = time;
    }

    // The agent's phone puts the call on hold and takes it off again; the leg's recording is
    // silent in between.
    void hold(Micros time, int channel)
    {
        userEvent(time, channel, "HOLD");
        LegRecording *leg = legRecording(channel);
        if (leg && leg->recorded && leg->heldSince < 0)
            leg->heldSince = time;
    }

    void unhold(Micros time, int channel)
    {
        userEvent(time, channel, "UNHOLD");
        LegRecording *leg = legRecording(channel);
        if (leg && leg->recorded && leg->heldSince >= 0) {
            leg->held.push_back({ leg->heldSince, time });
            leg->heldSince = -1;
        }
    }

    // A user-defined CEL event, as CELGenUserEvent(NAME) writes it through cel_custom.
    void userEvent(Micros time, int channel, const char *eventName)
    {
        cel(time, eventName, channel, {}, R"({"extra":""})", eventName);
    }

    void queueLog(Micros time, int caller, const QByteArray &queue, const QByteArray &agent,
                  const char *event, const QByteArray &data)
    {
        QByteArray row = timeMarker() + '|' + uniqueId(caller) + '|' + queue + '|' + agent + '|'
            + event + '|' + data + '\n';
        m_writer.push({ time, 0, m_channels, std::move(row), Sink::QueueLog, -1 });
    }

    void startApp(Micros time, int channel, const char *app, const QByteArray &data)
    {
        ChannelState &s = state(channel);
        s.app = app;
        s.appData = data;
        s.appTracked = true;
        cel(time, "APP_START", channel);
    }

    void endApp(Micros time, int channel)
    {
        ChannelState &s = state(channel);
        if (s.appTracked && !s.app.isEmpty())
            cel(time, "APP_END", channel);
        if (s.appTracked) {
            s.app.clear();
            s.appData.clear();
            s.appTracked = false;
        }
    }

    void enter(Micros time, Bridge &bridge, int channel)
    {
        cel(time, "BRIDGE_ENTER", channel, peers(bridge), bridgeExtra(bridge));
        bridge.members.push_back(channel);
    }

    void exit(Micros time, Bridge &bridge, int channel)
    {
        bridge.members.erase(std::find(bridge.members.begin(), bridge.members.end(), channel));
        cel(time, "BRIDGE_EXIT", channel, peers(bridge), bridgeExtra(bridge));
    }

    // The app returns (APP_END when tracked), then HANGUP, CHAN_END and, for the last channel of
    // its linkedid, LINKEDID_END, all three at one time as Asterisk reports them.
    Micros hangup(Micros time, int channel, int cause, const QByteArray &source)
    {
        if (state(channel).appTracked) {
            endApp(time, channel);
            time += gap();
        }
        const ChannelState &s = state(channel);
        const QByteArray extra = "{\"hangupcause\":" + QByteArray::number(cause)
            + ",\"hangupsource\":\"" + source + "\",\"dialstatus\":\"" + s.dialStatus + "\"}";
        cel(time, "HANGUP", channel, {}, extra);
        cel(time, "CHAN_END", channel);
        if (--m_linkCount[size_t(s.linked)] == 0)
            cel(time, "LINKEDID_END", channel);

        // MixMonitor stops with the leg: the recording ends at this HANGUP.
        LegRecording *leg = legRecording(channel);
        if (leg && leg->recorded && leg->answered >= 0) {
            if (leg->heldSince >= 0)
                leg->held.push_back({ leg->heldSince, time });
            m_writer.pushRecording(
                { time, 0, m_channels, channel, leg->answered, std::move(leg->held) });
        }
        return time;
    }

    // A channel joins a bridge with an older linkedid and takes it; its old linkedid ends when
    // no channel holds it any more (the consultation leg in the Wazo sample does exactly this).
    void relink(Micros time, int channel, int linked)
    {
        ChannelState &s = state(channel);
        if (--m_linkCount[size_t(s.linked)] == 0)
            cel(time, "LINKEDID_END", channel);
        s.linked = linked;
        ++m_linkCount[size_t(linked)];
    }

private:
    QByteArray peers(const Bridge &bridge) const
    {
        QByteArray text;
        for (const int member : bridge.members) {
            if (!text.isEmpty())
                text += ',';
            text += name(member);
        }
        return text;
    }

    static QByteArray bridgeExtra(const Bridge &bridge)
    {
        return "{\"bridge_id\":\"" + bridge.id + "\",\"bridge_technology\":\"" + bridge.technology
            + "\"}";
    }

    // What a recording of the leg needs, gathered as its rows are made.
    struct LegRecording
    {
        bool recorded = false;
        Micros answered = -1;
        Micros heldSince = -1;
        std::vector<RecordingWriter::Span> held;
    };

    // Kept only when the day has recordings, so a day without them costs nothing more.
    LegRecording *legRecording(int channel)
    {
        return m_legs.empty() ? nullptr : &m_legs[size_t(channel)];
    }

    RowWriter &m_writer;
    Dice &m_dice;
    std::shared_ptr<CallChannels> m_channels;
    std::deque<ChannelState> m_states; // a deque: references stay valid while channels open
    std::vector<int> m_linkCount;
    std::vector<LegRecording> m_legs;
};

// ---------------------------------------------------------------------------------------------
// The contact center: queues, agents, supervisors, and the kinds of call.

struct QueueSpec
{
    const char *name;
    const char *extension; // in context "queues"
    const char *menuDigit; // in the IVR
    double share;
};

constexpr std::array<QueueSpec, 4> kQueues { {
    { "sales", "8001", "1", 0.30 },
    { "support", "8002", "2", 0.40 },
    { "billing", "8003", "3", 0.20 },
    { "retention", "8004", "4", 0.10 },
} };
constexpr int kSupportQueue = 1;

// Relative call volume per hour from 07:00 to 18:59: a morning peak, a dip at lunch, an
// afternoon peak, a quiet evening.
constexpr std::array<double, 12> kHourWeights { 2, 6, 10, 12, 11, 8, 9, 11, 10, 9, 7, 3 };
constexpr int kFirstHour = 7;

// The number customers call, in the fictional 555-01xx range.
constexpr char kMainNumber[] = "+15550100100";

enum class Scenario : quint8 {
    Plain,
    Hold,
    BlindTransfer,
    AttendedTransfer,
    Conference,
    Abandon,
    IvrHangup,
    Internal,
};

// How many calls of each kind there are in every block of 100 calls. Dealing the kinds from a
// shuffled deck keeps the mix exact, so any day of 100 calls or more has every kind in it.
constexpr std::array<std::pair<Scenario, int>, 8> kDeck { {
    { Scenario::Plain, 51 },
    { Scenario::Hold, 15 },
    { Scenario::BlindTransfer, 6 },
    { Scenario::AttendedTransfer, 6 },
    { Scenario::Conference, 3 },
    { Scenario::Abandon, 8 },
    { Scenario::IvrHangup, 3 },
    { Scenario::Internal, 8 },
} };

struct Person
{
    QByteArray name;
    QByteArray extension;
    int queue = -1;
    Micros breakStart = 0;
    Micros breakLength = 0;
    bool breakTaken = true;
};

struct Slot
{
    Micros freeAt;
    int person;
};

bool slotAfter(const Slot &a, const Slot &b)
{
    return a.freeAt > b.freeAt || (a.freeAt == b.freeAt && a.person > b.person);
}

// People who are not on a call, in order of when they are free.
class Pool
{
public:
    bool isEmpty() const { return m_heap.empty(); }
    const Slot &next() const { return m_heap.front(); }

    Slot take()
    {
        Q_ASSERT(!m_heap.empty());
        std::pop_heap(m_heap.begin(), m_heap.end(), slotAfter);
        const Slot slot = m_heap.back();
        m_heap.pop_back();
        return slot;
    }

    void release(int person, Micros freeAt)
    {
        m_heap.push_back({ freeAt, person });
        std::push_heap(m_heap.begin(), m_heap.end(), slotAfter);
    }

private:
    std::vector<Slot> m_heap;
};

struct QueueState
{
    Pool idle;
    std::vector<Micros> leaving; // min-heap: when the callers now waiting leave the queue
};

struct Visit
{
    int queue = 0;
    int caller = 0;
    Micros entered = 0;
    int position = 1;
};

struct Connection
{
    Visit visit;
    int agent = 0;
    int channel = 0;
    Bridge bridge;
    Micros connected = 0; // the caller's BRIDGE_ENTER
    Micros connectLogged = 0;
};

// "A", "B", ... "Z", "AA", "AB", ...
QByteArray letters(int index)
{
    QByteArray text;
    for (int n = index + 1; n > 0; n = (n - 1) / 26)
        text.prepend(char('A' + (n - 1) % 26));
    return text;
}

int digitCount(qint64 value)
{
    int digits = 1;
    while (value >= 10) {
        value /= 10;
        ++digits;
    }
    return digits;
}

class DayModel
{
public:
    DayModel(const DayGenerator::Options &options, RowWriter &writer)
        : m_options(options)
        , m_writer(writer)
        , m_dice(options.seed)
        , m_dayStart(QDateTime(options.date, QTime(0, 0), Qt::UTC).toSecsSinceEpoch() * kSecond)
    {
        // Asterisk's counters start at zero when it starts; this one has run for a while.
        m_writer.startCounters(quint64(m_dice.between(100, 9999)),
                               quint64(m_dice.between(16, 4095)));
        staff();
    }

    bool run()
    {
        for (qint64 index = 0; index < m_options.calls; ++index) {
            const Micros start = nextArrival(index);
            if (!m_writer.writeBefore(start))
                return false;
            m_frontier = start;
            const Scenario kind = scenario(index);
            if (kind == Scenario::Internal)
                internalCall(start);
            else
                inboundCall(start, kind);
        }
        return m_writer.finish();
    }

private:
    // Enough agents per queue to carry the busiest hour with some waiting, as a real roster
    // would; supervisors are added when every one of them is busy.
    void staff()
    {
        const double weightSum = std::accumulate(kHourWeights.begin(), kHourWeights.end(), 0.0);
        const double peakShare
            = *std::max_element(kHourWeights.begin(), kHourWeights.end()) / weightSum;
        const double handleSeconds = 330;
        std::vector<int> sizes;
        int agentCount = 0;
        for (const QueueSpec &queue : kQueues) {
            const double erlangs
                = double(m_options.calls) * queue.share * peakShare / 3600.0 * handleSeconds;
            sizes.push_back(std::max(2, int(std::ceil(erlangs * 1.15)) + 1));
            agentCount += sizes.back();
        }
        const int supervisorCount = std::max(2, agentCount / 8);
        m_extensionDigits = std::max(
            3, digitCount(std::max<qint64>(agentCount + 1, m_options.calls / 4 + supervisorCount)));

        m_queues.resize(kQueues.size());
        for (int queue = 0; queue < int(kQueues.size()); ++queue) {
            for (int k = 0; k < sizes[size_t(queue)]; ++k) {
                const int index = int(m_agents.size());
                Person agent;
                agent.name = "Agent " + letters(index);
                agent.extension = extension('1', index);
                agent.queue = queue;
                agent.breakStart = m_dayStart + seconds(m_dice.uniform(11 * 3600, 14 * 3600));
                agent.breakLength = seconds(m_dice.chance(0.7) ? 30 * 60 : 15 * 60);
                agent.breakTaken = false;
                m_agents.push_back(agent);
                m_queues[size_t(queue)].idle.release(index, m_dayStart);
            }
        }
        for (int k = 0; k < supervisorCount; ++k)
            addSupervisor();
    }

    int addSupervisor()
    {
        const int index = int(m_supervisors.size());
        Person supervisor;
        supervisor.name = "Supervisor " + letters(index);
        supervisor.extension = extension('2', index);
        m_supervisors.push_back(supervisor);
        m_idleSupervisors.release(index, m_dayStart);
        return index;
    }

    QByteArray extension(char prefix, int index) const
    {
        return prefix + QByteArray::number(index + 1).rightJustified(m_extensionDigits, '0');
    }

    // Arrival times in order, without holding them all: the next smallest of the remaining
    // uniform draws, mapped through the day's volume curve.
    Micros nextArrival(qint64 index)
    {
        const double remaining = double(m_options.calls - index);
        const double draw = 1.0 - m_dice.unit();
        m_arrival += (1.0 - m_arrival) * -std::expm1(std::log(draw) / remaining);

        double target = m_arrival * std::accumulate(kHourWeights.begin(), kHourWeights.end(), 0.0);
        size_t hour = 0;
        while (hour + 1 < kHourWeights.size() && target >= kHourWeights[hour]) {
            target -= kHourWeights[hour];
            ++hour;
        }
        const double fraction = std::clamp(target / kHourWeights[hour], 0.0, 1.0);
        const double secondOfDay = (kFirstHour + double(hour) + fraction) * 3600.0;
        m_lastArrival = std::max(m_lastArrival, m_dayStart + seconds(secondOfDay));
        return m_lastArrival;
    }

    Scenario scenario(qint64 index)
    {
        const size_t slot = size_t(index % qint64(m_deck.size()));
        if (slot == 0) {
            size_t k = 0;
            for (const auto &[kind, count] : kDeck) {
                for (int i = 0; i < count; ++i)
                    m_deck[k++] = kind;
            }
            for (int i = int(m_deck.size()) - 1; i > 0; --i)
                std::swap(m_deck[size_t(i)], m_deck[size_t(m_dice.between(0, i))]);
        }
        return m_deck[slot];
    }

    int pickQueue()
    {
        double draw = m_dice.unit();
        for (int queue = 0; queue < int(kQueues.size()); ++queue) {
            draw -= kQueues[size_t(queue)].share;
            if (draw < 0)
                return queue;
        }
        return int(kQueues.size()) - 1;
    }

    int otherQueue(int queue)
    {
        const int other = m_dice.between(0, int(kQueues.size()) - 2);
        return other >= queue ? other + 1 : other;
    }

    static QByteArray queueName(int queue) { return kQueues[size_t(queue)].name; }

    // --- people ------------------------------------------------------------------------------

    // The agent of QUEUE who is free first. An agent whose lunch is due goes first, and that
    // shows in queue_log as PAUSE/UNPAUSE.
    std::pair<int, Micros> takeAgent(int queue, Micros wanted)
    {
        Pool &idle = m_queues[size_t(queue)].idle;
        for (;;) {
            const Slot slot = idle.take();
            Person &agent = m_agents[size_t(slot.person)];
            if (agent.breakTaken || std::max(slot.freeAt, wanted) < agent.breakStart)
                return { slot.person, slot.freeAt };

            agent.breakTaken = true;
            const Micros from = std::max({ slot.freeAt, agent.breakStart, m_frontier });
            const Micros until = from + agent.breakLength + seconds(m_dice.uniform(0, 120));
            const QByteArray reason = agent.breakLength >= 30 * 60 * kSecond ? "Lunch" : "Break";
            pauseRow(from, agent, "PAUSE", reason);
            pauseRow(until, agent, "UNPAUSE", {});
            idle.release(slot.person, until);
        }
    }

    void releaseAgent(int agent, Micros freeAt)
    {
        m_queues[size_t(m_agents[size_t(agent)].queue)].idle.release(agent, freeAt);
    }

    void pauseRow(Micros time, const Person &agent, const char *event, const QByteArray &reason)
    {
        QByteArray row = timeMarker() + "|NONE|" + queueName(agent.queue) + '|' + agent.name + '|'
            + event + '|' + reason + '\n';
        m_writer.push({ time, 0, nullptr, std::move(row), Sink::QueueLog, -1 });
    }

    int takeSupervisor(Micros at)
    {
        if (!m_idleSupervisors.isEmpty() && m_idleSupervisors.next().freeAt <= at)
            return m_idleSupervisors.take().person;
        const int added = addSupervisor();
        m_idleSupervisors.take(); // the one just added, free since the morning
        return added;
    }

    // --- channels ----------------------------------------------------------------------------

    ChannelState trunkCaller()
    {
        ChannelState s;
        s.cidName = m_dice.chance(0.3) ? "WIRELESS CALLER" : "";
        s.cidNum = "+1555010" + QByteArray::number(m_dice.between(1000, 9999));
        s.ani = s.cidNum;
        s.dnid = kMainNumber;
        s.exten = kMainNumber;
        s.context = "from-trunk";
        return s;
    }

    static ChannelState phone(const Person &person, const QByteArray &exten)
    {
        ChannelState s;
        s.cidName = person.name;
        s.cidNum = person.extension;
        s.exten = exten;
        s.context = "from-internal";
        if (exten != "s")
            s.dnid = exten;
        return s;
    }

    Bridge newBridge(const char *technology) { return { m_dice.uuid(), technology, {} }; }

    // --- inbound calls -----------------------------------------------------------------------

    void inboundCall(Micros start, Scenario kind)
    {
        CallScript call(m_writer, m_dice);
        const int queue = pickQueue();
        const int caller = call.open(start, "carrier", trunkCaller(), -1);
        const Micros leftIvr = ivr(call, caller, start, queue, kind == Scenario::IvrHangup);
        if (kind == Scenario::IvrHangup)
            return;

        const Visit visit = enterQueue(call, caller, queue, leftIvr);
        if (kind == Scenario::Abandon) {
            abandon(call, visit);
            return;
        }

        Connection connection = connect(call, visit);
        const Micros talkEnd = connection.connected + talkTime();
        const Micros transferAt = connection.connected + seconds(m_dice.uniform(25, 150));
        switch (kind) {
        case Scenario::Plain:
            complete(call, connection, talkEnd);
            break;
        case Scenario::Hold:
            holds(call, connection.channel, connection.connected, talkEnd, m_dice.between(1, 2));
            complete(call, connection, talkEnd);
            break;
        case Scenario::BlindTransfer:
            transferToQueue(call, connection, transferAt);
            break;
        case Scenario::AttendedTransfer:
            attendedTransfer(call, connection, transferAt);
            break;
        case Scenario::Conference:
            conference(call, connection, transferAt);
            break;
        case Scenario::Abandon:
        case Scenario::IvrHangup:
        case Scenario::Internal:
            break;
        }
    }

    Micros talkTime() { return seconds(m_dice.logNormal(210, 0.7, 25, 2400)); }

    // Answer, a menu or two with BackGround, a Playback, then off to the queue's extension.
    Micros ivr(CallScript &call, int caller, Micros time, int queue, bool callerHangsUp)
    {
        ChannelState &s = call.state(caller);
        time += millis(m_dice.uniform(15, 60));
        s.app = "Answer";
        call.answer(time, caller);
        s.app.clear();

        time += millis(m_dice.uniform(120, 400));
        s.exten = "s";
        s.context = "ivr-main";
        call.startApp(time, caller, "BackGround", "custom/welcome&custom/main-menu");
        if (callerHangsUp) {
            time += seconds(m_dice.uniform(2, 14));
            call.hangup(time, caller, 16, call.name(caller));
            return time;
        }
        time += seconds(m_dice.uniform(6, 15));
        call.endApp(time, caller);
        s.exten = kQueues[size_t(queue)].menuDigit;

        if (queue == kSupportQueue && m_dice.chance(0.5)) {
            time += millis(m_dice.uniform(20, 80));
            s.exten = "s";
            s.context = "ivr-support";
            call.startApp(time, caller, "BackGround", "custom/support-menu");
            time += seconds(m_dice.uniform(4, 9));
            call.endApp(time, caller);
            s.exten = QByteArray::number(m_dice.between(1, 3));
        }

        time += millis(m_dice.uniform(20, 90));
        s.exten = kQueues[size_t(queue)].extension;
        s.context = "queues";
        call.startApp(time, caller, "Playback", "custom/please-hold");
        time += seconds(m_dice.uniform(1.8, 2.6));
        call.endApp(time, caller);
        return time + millis(m_dice.uniform(5, 20));
    }

    Visit enterQueue(CallScript &call, int caller, int queue, Micros time)
    {
        ChannelState &s = call.state(caller);
        s.exten = kQueues[size_t(queue)].extension;
        s.context = "queues";
        call.startApp(time, caller, "Queue", queueName(queue) + ",t,,,600");

        Visit visit;
        visit.queue = queue;
        visit.caller = caller;
        visit.entered = time + millis(m_dice.uniform(0.3, 1.5));
        visit.position = waitingAt(queue, visit.entered) + 1;
        call.queueLog(visit.entered, caller, queueName(queue), "NONE", "ENTERQUEUE",
                      '|' + s.cidNum + '|' + QByteArray::number(visit.position));
        return visit;
    }

    // Callers still waiting in QUEUE at TIME (those generated so far).
    int waitingAt(int queue, Micros time)
    {
        std::vector<Micros> &leaving = m_queues[size_t(queue)].leaving;
        while (!leaving.empty() && leaving.front() <= time) {
            std::pop_heap(leaving.begin(), leaving.end(), std::greater<>());
            leaving.pop_back();
        }
        return int(leaving.size());
    }

    void leaveQueue(int queue, Micros time)
    {
        std::vector<Micros> &leaving = m_queues[size_t(queue)].leaving;
        leaving.push_back(time);
        std::push_heap(leaving.begin(), leaving.end(), std::greater<>());
    }

    // Queue rings one member at a time (strategy rrmemory), each for the queue's timeout.
    int ringMember(CallScript &call, const Visit &visit, int agent, Micros at)
    {
        const Person &person = m_agents[size_t(agent)];
        const int member
            = call.open(at, person.extension, phone(person, "s"), call.state(visit.caller).linked);
        call.state(member).app = "AppQueue";
        call.state(member).appData = "(Outgoing Line)";
        call.record(member);
        return member;
    }

    // The member did not pick up: RINGNOANSWER, and Queue hangs the leg up without a cause.
    // Returns when Queue tries again.
    Micros ringNoAnswer(CallScript &call, const Visit &visit, int agent, int member, Micros ringAt)
    {
        const Micros ringTime = kRingTimeout + millis(m_dice.uniform(1, 40));
        const Micros end = ringAt + ringTime;
        call.queueLog(end, visit.caller, queueName(visit.queue), m_agents[size_t(agent)].name,
                      "RINGNOANSWER", QByteArray::number(ringTime / 1000));
        call.hangup(end + call.gap(), member, 0, {});
        ChannelState &caller = call.state(visit.caller);
        if (caller.dialStatus.isEmpty())
            caller.dialStatus = "NOANSWER";
        // Someone who let a call ring out is not back at the desk at once.
        releaseAgent(agent, end + seconds(m_dice.uniform(10, 60)));
        return end + kRetry;
    }

    Connection connect(CallScript &call, const Visit &visit)
    {
        Micros time = visit.entered;
        for (int attempt = 0;; ++attempt) {
            const auto [agent, freeAt] = takeAgent(visit.queue, time);
            const Micros ringAt = std::max(time + millis(m_dice.uniform(300, 1500)),
                                           freeAt + seconds(m_dice.uniform(1, 4)));
            const int member = ringMember(call, visit, agent, ringAt);
            if (attempt < 3 && m_dice.chance(0.12)) {
                time = ringNoAnswer(call, visit, agent, member, ringAt);
                continue;
            }
            const Micros answeredAt = ringAt + seconds(m_dice.logNormal(5, 0.4, 1.5, 14));
            return answer(call, visit, agent, member, ringAt, answeredAt);
        }
    }

    Connection answer(CallScript &call, const Visit &visit, int agent, int member, Micros ringAt,
                      Micros answeredAt)
    {
        Connection c;
        c.visit = visit;
        c.agent = agent;
        c.channel = member;
        c.bridge = newBridge("simple_bridge");
        call.answer(answeredAt, member);
        call.state(visit.caller).dialStatus = "ANSWER";

        c.connectLogged = answeredAt + call.gap(1, 6);
        const QByteArray data
            = QByteArray::number(wholeSeconds(c.connectLogged) - wholeSeconds(visit.entered)) + '|'
            + call.uniqueId(member) + '|' + QByteArray::number((answeredAt - ringAt) / kSecond);
        call.queueLog(c.connectLogged, visit.caller, queueName(visit.queue),
                      m_agents[size_t(agent)].name, "CONNECT", data);
        leaveQueue(visit.queue, c.connectLogged);

        Micros time = c.connectLogged + call.gap();
        call.enter(time, c.bridge, member);
        time += call.gap(0.1, 1);
        call.enter(time, c.bridge, visit.caller);
        c.connected = time;
        return c;
    }

    // holdtime|calltime|origposition, as COMPLETE* and the transfer events end with.
    QByteArray queueTimes(const Connection &c, Micros end) const
    {
        const Micros start = wholeSeconds(c.connectLogged);
        return QByteArray::number(start - wholeSeconds(c.visit.entered)) + '|'
            + QByteArray::number(wholeSeconds(end) - start) + '|'
            + QByteArray::number(c.visit.position);
    }

    QByteArray agentName(const Connection &c) const { return m_agents[size_t(c.agent)].name; }

    // The agent puts the caller on hold once or twice during the talk.
    void holds(CallScript &call, int agentChannel, Micros from, Micros until, int count)
    {
        Micros time = from;
        for (int i = 0; i < count; ++i) {
            const Micros span = until - time;
            if (span < seconds(45))
                return;
            const Micros holdAt = time + Micros(double(span) * m_dice.uniform(0.15, 0.5));
            const Micros holdFor
                = std::min(seconds(m_dice.uniform(15, 110)), until - holdAt - seconds(10));
            if (holdFor < seconds(5))
                return;
            call.hold(holdAt, agentChannel);
            call.unhold(holdAt + holdFor, agentChannel);
            time = holdAt + holdFor;
        }
    }

    // One side hangs up; the bridge dissolves and the other is hung up with the first as source.
    void complete(CallScript &call, Connection &c, Micros end)
    {
        const int caller = c.visit.caller;
        const bool callerHangsUp = m_dice.chance(0.6);
        const int first = callerHangsUp ? caller : c.channel;
        const int second = callerHangsUp ? c.channel : caller;
        const QByteArray source = call.name(first);

        call.exit(end, c.bridge, first);
        const Micros firstGone = call.hangup(end + call.gap(), first, 16, source);
        const Micros logged = firstGone + call.gap(0.1, 1);
        call.queueLog(logged, caller, queueName(c.visit.queue), agentName(c),
                      callerHangsUp ? "COMPLETECALLER" : "COMPLETEAGENT", queueTimes(c, logged));
        const Micros secondExit = firstGone + call.gap(1, 20);
        call.exit(secondExit, c.bridge, second);
        const Micros secondGone = call.hangup(secondExit + call.gap(), second, 16, source);
        releaseAgent(c.agent, std::max(firstGone, secondGone) + kWrapUp);
    }

    // The agent's phone does a blind transfer (REFER): BLINDTRANSFER on the agent's channel, the
    // caller leaves the bridge and the Queue app, the agent's leg hangs up. Returns when the
    // caller starts the dialplan at EXTEN@CONTEXT.
    Micros blindTransfer(CallScript &call, Connection &c, Micros at, const QByteArray &exten,
                         const QByteArray &context)
    {
        const int caller = c.visit.caller;
        const QByteArray extra = "{\"extension\":\"" + exten + "\",\"context\":\"" + context
            + "\",\"bridge_id\":\"" + c.bridge.id + "\",\"transferee_channel_name\":\""
            + call.name(caller) + "\",\"transferee_channel_uniqueid\":\"" + call.uniqueId(caller)
            + "\"}";
        call.cel(at, "BLINDTRANSFER", c.channel, {}, extra);
        const Micros logged = at + call.gap();
        call.queueLog(logged, caller, queueName(c.visit.queue), agentName(c), "BLINDTRANSFER",
                      exten + '|' + context + '|' + queueTimes(c, logged));

        Micros time = at + call.gap(1, 4);
        call.exit(time, c.bridge, caller);
        time += call.gap();
        call.exit(time, c.bridge, c.channel);
        time = call.hangup(time + call.gap(), c.channel, 16, call.name(c.channel));
        time += call.gap();
        call.endApp(time, caller);
        ChannelState &s = call.state(caller);
        s.exten = exten;
        s.context = context;
        return time + call.gap(1, 5);
    }

    // Transferred blind to another queue: a second queue visit with the same callid, like the
    // upstream "one caller across two queues" scenario.
    void transferToQueue(CallScript &call, Connection &first, Micros at)
    {
        const int target = otherQueue(first.visit.queue);
        const Micros time
            = blindTransfer(call, first, at, kQueues[size_t(target)].extension, "queues");
        releaseAgent(first.agent, time + kWrapUp);

        const Visit second = enterQueue(call, first.visit.caller, target, time);
        Connection connection = connect(call, second);
        complete(call, connection, connection.connected + talkTime());
    }

    // The agent holds the caller, calls a supervisor on a second line (its own linkedid), talks,
    // and completes the transfer: the supervisor's leg moves into the caller's bridge and takes
    // the caller's linkedid, which ends the consultation's linkedid.
    void attendedTransfer(CallScript &call, Connection &c, Micros at)
    {
        const int caller = c.visit.caller;
        const Person &agent = m_agents[size_t(c.agent)];
        call.hold(at, c.channel);

        Micros time = at + seconds(m_dice.uniform(1.5, 4));
        const int supervisorIndex = takeSupervisor(time);
        const Person &supervisor = m_supervisors[size_t(supervisorIndex)];
        const int consult
            = call.open(time, agent.extension, phone(agent, supervisor.extension), -1);
        time += millis(m_dice.uniform(20, 80));
        call.startApp(time, consult, "Dial", "PJSIP/" + supervisor.extension + ",30");
        time += call.gap(3, 20);
        const int target = call.open(time, supervisor.extension, phone(supervisor, "s"),
                                     call.state(consult).linked);
        call.state(target).app = "AppDial";
        call.state(target).appData = "(Outgoing Line)";
        call.record(consult);
        call.record(target);

        time += seconds(m_dice.uniform(2, 9));
        Bridge consultation = answerAndBridge(call, consult, target, time);

        time += seconds(m_dice.uniform(20, 90));
        const QByteArray extra = "{\"bridge1_id\":\"" + c.bridge.id + "\",\"channel2_name\":\""
            + call.name(consult) + "\",\"channel2_uniqueid\":\"" + call.uniqueId(consult)
            + "\",\"bridge2_id\":\"" + consultation.id + "\",\"transferee_channel_name\":\""
            + call.name(caller) + "\",\"transferee_channel_uniqueid\":\"" + call.uniqueId(caller)
            + "\",\"transfer_target_channel_name\":\"" + call.name(target)
            + "\",\"transfer_target_channel_uniqueid\":\"" + call.uniqueId(target) + "\"}";
        call.cel(time, "ATTENDEDTRANSFER", c.channel, {}, extra);
        const Micros logged = time + call.gap();
        call.queueLog(logged, caller, queueName(c.visit.queue), agent.name, "ATTENDEDTRANSFER",
                      "BRIDGE|" + c.bridge.id + '|' + queueTimes(c, logged));

        time += call.gap(1, 3);
        call.exit(time, c.bridge, c.channel);
        time += call.gap();
        call.exit(time, consultation, consult);
        time = call.hangup(time + call.gap(), consult, 16, call.name(consult));
        time += call.gap();
        call.exit(time, consultation, target);
        time += call.gap(0.01, 0.05);
        call.relink(time, target, call.state(caller).linked);
        time += call.gap(0.01, 0.05);
        call.enter(time, c.bridge, target);
        time = call.hangup(time + call.gap(), c.channel, 16, call.name(c.channel));
        releaseAgent(c.agent, time + kWrapUp);

        const Micros end = time + seconds(m_dice.logNormal(150, 0.6, 30, 1200));
        const bool callerHangsUp = m_dice.chance(0.6);
        const int first = callerHangsUp ? caller : target;
        const int second = callerHangsUp ? target : caller;
        call.exit(end, c.bridge, first);
        const Micros firstGone = call.hangup(end + call.gap(), first, 16, call.name(first));
        call.exit(firstGone + call.gap(1, 20), c.bridge, second);
        const Micros secondGone
            = call.hangup(firstGone + call.gap(21, 25), second, 16, call.name(first));
        m_idleSupervisors.release(supervisorIndex, secondGone + seconds(10));
    }

    // A three-party conference: the agent transfers the caller blind into a ConfBridge room,
    // dials into it from the desk phone, and a supervisor dials in too. Both new legs start with
    // linkedids of their own and take the caller's when they join the softmix bridge.
    void conference(CallScript &call, Connection &c, Micros at)
    {
        const int caller = c.visit.caller;
        const QByteArray room = QByteArray::number(7001 + m_conferenceRoom++ % 99);
        Micros time = blindTransfer(call, c, at, room, "conferences");
        Bridge conference = newBridge("softmix");
        call.startApp(time, caller, "ConfBridge", room);
        time += millis(m_dice.uniform(200, 600));
        call.enter(time, conference, caller);

        const Micros agentJoins = time + seconds(m_dice.uniform(4, 12));
        const int agentLeg
            = joinConference(call, conference, room, m_agents[size_t(c.agent)], agentJoins, caller);
        const Micros supervisorDials = agentJoins + seconds(m_dice.uniform(10, 40));
        const int supervisorIndex = takeSupervisor(supervisorDials);
        const int supervisorLeg
            = joinConference(call, conference, room, m_supervisors[size_t(supervisorIndex)],
                             supervisorDials, caller);

        const Micros supervisorLeaves = supervisorDials + seconds(m_dice.uniform(60, 360));
        call.exit(supervisorLeaves, conference, supervisorLeg);
        const Micros supervisorGone = call.hangup(supervisorLeaves + call.gap(), supervisorLeg, 16,
                                                  call.name(supervisorLeg));
        m_idleSupervisors.release(supervisorIndex, supervisorGone + seconds(10));

        const Micros callerLeaves = supervisorGone + seconds(m_dice.uniform(10, 120));
        call.exit(callerLeaves, conference, caller);
        const Micros callerGone
            = call.hangup(callerLeaves + call.gap(), caller, 16, call.name(caller));
        const Micros agentLeaves = callerGone + seconds(m_dice.uniform(0.5, 3));
        call.exit(agentLeaves, conference, agentLeg);
        const Micros agentGone
            = call.hangup(agentLeaves + call.gap(), agentLeg, 16, call.name(agentLeg));
        releaseAgent(c.agent, agentGone + kWrapUp);
    }

    int joinConference(CallScript &call, Bridge &conference, const QByteArray &room,
                       const Person &person, Micros time, int caller)
    {
        const int leg = call.open(time, person.extension, phone(person, room), -1);
        time += millis(m_dice.uniform(30, 90));
        call.state(leg).context = "conferences";
        call.startApp(time, leg, "ConfBridge", room);
        call.record(leg);
        time += call.gap(5, 30);
        call.answer(time, leg);
        time += millis(m_dice.uniform(300, 900));
        call.relink(time, leg, call.state(caller).linked);
        time += call.gap(0.01, 0.05);
        call.enter(time, conference, leg);
        return leg;
    }

    // The caller gives up: while every member is busy, after a member let it ring out, or while
    // a member's phone rings (RINGCANCELED, which Asterisk 16 and later write).
    void abandon(CallScript &call, const Visit &visit)
    {
        Micros giveUp = visit.entered + seconds(m_dice.uniform(10, 120));
        Micros time = visit.entered;
        int missesLeft = m_dice.chance(0.4) ? 1 : 0;
        for (;;) {
            const auto [agent, freeAt] = takeAgent(visit.queue, time);
            const Micros ringAt = std::max(time + millis(m_dice.uniform(300, 1500)),
                                           freeAt + seconds(m_dice.uniform(1, 4)));
            if (ringAt >= giveUp) {
                releaseAgent(agent, freeAt);
                break;
            }
            const int member = ringMember(call, visit, agent, ringAt);
            if (missesLeft > 0 && ringAt + kRingTimeout < giveUp) {
                --missesLeft;
                time = ringNoAnswer(call, visit, agent, member, ringAt);
                if (time < giveUp)
                    continue;
                break;
            }
            if (giveUp >= ringAt + kRingTimeout - seconds(1))
                giveUp = ringAt + seconds(m_dice.uniform(2, 14));
            giveUp = std::max(giveUp, ringAt + seconds(1));
            call.queueLog(giveUp, visit.caller, queueName(visit.queue),
                          m_agents[size_t(agent)].name, "RINGCANCELED",
                          QByteArray::number((giveUp - ringAt) / 1000));
            call.hangup(giveUp + call.gap(), member, 0, {});
            ChannelState &caller = call.state(visit.caller);
            if (caller.dialStatus.isEmpty())
                caller.dialStatus = "CANCEL";
            releaseAgent(agent, giveUp + seconds(2));
            break;
        }

        const int position = giveUp - visit.entered > seconds(60) ? std::max(1, visit.position - 1)
                                                                  : visit.position;
        const Micros logged = giveUp + call.gap();
        call.queueLog(logged, visit.caller, queueName(visit.queue), "NONE", "ABANDON",
                      QByteArray::number(position) + '|' + QByteArray::number(visit.position) + '|'
                          + QByteArray::number(wholeSeconds(logged) - wholeSeconds(visit.entered)));
        leaveQueue(visit.queue, giveUp);
        call.hangup(giveUp + call.gap(2, 6), visit.caller, 16, call.name(visit.caller));
    }

    // --- internal calls ----------------------------------------------------------------------

    // An agent between calls (or a supervisor) dials a supervisor's extension.
    void internalCall(Micros start)
    {
        CallScript call(m_writer, m_dice);
        const int queue = pickQueue();
        auto [agent, agentFree] = takeAgent(queue, start);
        int fromSupervisor = -1;
        if (agentFree > start) {
            releaseAgent(agent, agentFree);
            agent = -1;
            fromSupervisor = takeSupervisor(start);
        }
        const Person &from
            = agent >= 0 ? m_agents[size_t(agent)] : m_supervisors[size_t(fromSupervisor)];
        const int calleeIndex = takeSupervisor(start);
        const Person &callee = m_supervisors[size_t(calleeIndex)];

        const int dialer = call.open(start, from.extension, phone(from, callee.extension), -1);
        Micros time = start + millis(m_dice.uniform(20, 80));
        call.startApp(time, dialer, "Dial", "PJSIP/" + callee.extension + ",30");
        time += call.gap(3, 20);
        const int ringing = call.open(time, callee.extension, phone(callee, "s"), dialer);
        call.state(ringing).app = "AppDial";
        call.state(ringing).appData = "(Outgoing Line)";

        Micros end = 0;
        const double outcome = m_dice.unit();
        if (outcome < 0.8) {
            end = connectInternal(call, dialer, ringing, time);
        } else if (outcome < 0.92) {
            // Nobody answers: Dial gives up after its timeout and the dialplan hangs up.
            end = time + kDialTimeout;
            call.hangup(end, ringing, 0, {});
            call.state(dialer).dialStatus = "NOANSWER";
            end = call.hangup(end + call.gap(1, 5), dialer, 16, "dialplan/builtin");
        } else {
            // The caller gives up while it rings.
            end = time + seconds(m_dice.uniform(5, 20));
            call.hangup(end, ringing, 0, {});
            call.state(dialer).dialStatus = "CANCEL";
            end = call.hangup(end + call.gap(1, 5), dialer, 16, call.name(dialer));
        }

        if (agent >= 0)
            releaseAgent(agent, end + seconds(5));
        else
            m_idleSupervisors.release(fromSupervisor, end + seconds(5));
        m_idleSupervisors.release(calleeIndex, end + seconds(5));
    }

    // The rung channel answers, then the dialling one; both join a new simple bridge. time
    // moves on to the moment the dialling channel entered it.
    Bridge answerAndBridge(CallScript &call, int dialer, int ringing, Micros &time)
    {
        call.answer(time, ringing);
        time += call.gap();
        call.state(dialer).dialStatus = "ANSWER";
        call.answer(time, dialer);
        Bridge bridge = newBridge("simple_bridge");
        time += call.gap();
        call.enter(time, bridge, ringing);
        time += call.gap(0.1, 1);
        call.enter(time, bridge, dialer);
        return bridge;
    }

    Micros connectInternal(CallScript &call, int dialer, int ringing, Micros time)
    {
        time += seconds(m_dice.uniform(2, 12));
        Bridge bridge = answerAndBridge(call, dialer, ringing, time);

        const Micros end = time + seconds(m_dice.logNormal(70, 0.7, 10, 900));
        const bool dialerHangsUp = m_dice.chance(0.5);
        const int first = dialerHangsUp ? dialer : ringing;
        const int second = dialerHangsUp ? ringing : dialer;
        call.exit(end, bridge, first);
        const Micros firstGone = call.hangup(end + call.gap(), first, 16, call.name(first));
        const Micros secondExit = firstGone + call.gap(1, 20);
        call.exit(secondExit, bridge, second);
        return call.hangup(secondExit + call.gap(), second, 16, call.name(first));
    }

    DayGenerator::Options m_options;
    RowWriter &m_writer;
    Dice m_dice;
    const Micros m_dayStart;
    Micros m_frontier = 0;
    Micros m_lastArrival = 0;
    double m_arrival = 0;
    std::array<Scenario, 100> m_deck {};
    std::vector<Person> m_agents;
    std::deque<Person> m_supervisors; // grows during the day; references stay valid
    std::vector<QueueState> m_queues;
    Pool m_idleSupervisors;
    int m_extensionDigits = 3;
    int m_conferenceRoom = 0;
};

} // namespace

DayGenerator::DayGenerator(const Options &options)
    : m_options(options)
{ }

namespace {

bool removeFolder(const QString &path)
{
    QDir folder(path);
    return !folder.exists() || folder.removeRecursively();
}

} // namespace

bool DayGenerator::writeToDirectory(const QString &directory)
{
    // QDir's mkpath and rename take a relative name as relative to the QDir itself, so a
    // relative DIRECTORY would be applied twice: work with absolute paths only.
    QDir dir(QDir(directory).absolutePath());
    if (!dir.mkpath(u"cel"_qs)) {
        m_errorString = QStringLiteral("cannot create the folder %1").arg(dir.filePath(u"cel"_qs));
        return false;
    }

    // The recordings are written to a folder of their own that replaces DIRECTORY/recordings
    // only once the whole day is written, so no recording of an earlier day is left among them.
    const QString recordings = dir.filePath(u"recordings"_qs);
    const QString staging = dir.filePath(u".recordings.partial"_qs);
    if (m_options.recordings) {
        if (QFileInfo(recordings).isSymLink()) {
            m_errorString
                = QStringLiteral("%1 is a link; not replacing what it points to").arg(recordings);
            return false;
        }
        if (!removeFolder(staging) || !dir.mkpath(staging)) {
            m_errorString = QStringLiteral("cannot create the folder %1").arg(staging);
            return false;
        }
    }

    QSaveFile cel(dir.filePath(u"cel/Master.csv"_qs));
    QSaveFile queueLog(dir.filePath(u"queue_log"_qs));
    for (QSaveFile *file : { &cel, &queueLog }) {
        if (!file->open(QIODevice::WriteOnly)) {
            m_errorString
                = QStringLiteral("cannot write %1: %2").arg(file->fileName(), file->errorString());
            if (m_options.recordings)
                removeFolder(staging);
            return false;
        }
    }

    if (!write(cel, queueLog, m_options.recordings ? staging : QString())) {
        cel.cancelWriting();
        queueLog.cancelWriting();
        if (m_options.recordings)
            removeFolder(staging);
        return false;
    }
    for (QSaveFile *file : { &cel, &queueLog }) {
        if (!file->commit()) {
            m_errorString
                = QStringLiteral("cannot write %1: %2").arg(file->fileName(), file->errorString());
            if (m_options.recordings)
                removeFolder(staging);
            return false;
        }
    }

    if (m_options.recordings && (!removeFolder(recordings) || !dir.rename(staging, recordings))) {
        m_errorString = QStringLiteral("cannot replace the folder %1").arg(recordings);
        return false;
    }
    return true;
}

bool DayGenerator::write(QIODevice &cel, QIODevice &queueLog, const QString &recordingsFolder)
{
    m_totals = {};
    m_errorString.clear();
    if (m_options.calls < 1) {
        m_errorString = QStringLiteral("the number of calls must be at least 1");
        return false;
    }
    if (!m_options.date.isValid()) {
        m_errorString = QStringLiteral("the date is not valid");
        return false;
    }
    if (m_options.recordings && recordingsFolder.isEmpty()) {
        m_errorString = QStringLiteral("recordings need a folder to be written to");
        return false;
    }

    RowWriter writer(cel, queueLog);
    std::optional<RecordingSink> recordings;
    if (m_options.recordings) {
        recordings.emplace(recordingsFolder, m_options.seed);
        writer.setRecordingSink(&*recordings);
    }
    DayModel day(m_options, writer);
    const bool written = day.run();
    m_totals = { m_options.calls, writer.celRows(), writer.queueLogRows(),
                 recordings ? recordings->count() : 0, recordings ? recordings->bytes() : 0 };
    if (!written)
        m_errorString = writer.errorString();
    return written;
}
