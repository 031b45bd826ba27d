#include "generate/recordingwriter.h"

#include <QIODevice>
#include <QSaveFile>
#include <QtEndian>

#include <algorithm>
#include <array>
#include <cmath>

namespace {

constexpr qsizetype kBlockSamples = 4096;
constexpr int kSineBits = 12; // a 4096-entry table: the phase's top 12 bits index it
constexpr double kPhaseTurn = 4294967296.0; // a whole cycle of a 32-bit phase accumulator

// Levels in 16-bit sample units. Speech peaks near -10 dBFS; the line noise under it sits near
// -57 dBFS, loud enough that only a hold is digital silence, also after G.711 encoding.
constexpr float kCallerGain = 16000.0f;
constexpr float kAgentGain = 3800.0f;
constexpr int kLineNoiseSpan = 97; // uniform in -48..48
constexpr float kVibratoDepth = 0.015f;

// The harmonics of the agent's voice, fundamental first.
constexpr std::array<float, 5> kHarmonics { 1.0f, 0.6f, 0.4f, 0.25f, 0.15f };

const std::array<float, 1 << kSineBits> &sineTable()
{
    static const std::array<float, 1 << kSineBits> table = [] {
        std::array<float, 1 << kSineBits> values {};
        for (size_t i = 0; i < values.size(); ++i)
            values[i] = float(std::sin(2.0 * M_PI * double(i) / double(values.size())));
        return values;
    }();
    return table;
}

quint64 splitMix(quint64 value)
{
    value += 0x9e3779b97f4a7c15ull;
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ull;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebull;
    return value ^ (value >> 31);
}

quint32 phaseStep(double hertz)
{
    return quint32(hertz / RecordingWriter::kSampleRate * kPhaseTurn);
}

// G.711 mu-law of a 16-bit sample, from its 14 significant bits as the classic Sun reference
// encoder does (and with it sox and Python's audioop, byte for byte).
quint8 muLaw(qint16 sample)
{
    constexpr int kBias = 0x21;
    constexpr int kClip = 8159;
    int value = sample >> 2;
    int mask = 0xFF;
    if (value < 0) {
        mask = 0x7F;
        value = -value;
    }
    value = std::min(value, kClip) + kBias;

    int segment = 0;
    while (segment < 8 && value >= (0x40 << segment))
        ++segment;
    if (segment == 8)
        return quint8(0x7F ^ mask);
    const int mantissa = (value >> (segment + 1)) & 0x0F;
    return quint8(((segment << 4) | mantissa) ^ mask);
}

// G.711 A-law of a 16-bit sample: 13 significant bits, even bits inverted.
quint8 aLaw(qint16 sample)
{
    int value = sample >> 3;
    int mask = 0xD5;
    if (value < 0) {
        mask = 0x55;
        value = -value - 1;
    }

    int segment = 0;
    while (segment < 8 && value >= (0x20 << segment))
        ++segment;
    if (segment == 8)
        return quint8(0x7F ^ mask);
    const int mantissa = (segment < 2 ? value >> 1 : value >> segment) & 0x0F;
    return quint8(((segment << 4) | mantissa) ^ mask);
}

// Two speakers taking turns, rendered one sample at a time with table look-ups and a few
// multiplications; nothing is allocated once it is built.
class Conversation
{
public:
    explicit Conversation(quint64 seed)
        : m_random(splitMix(seed) | 1)
        , m_sine(sineTable().data())
    {
        // Each recording has its own caller line and its own agent.
        m_lowPass = uniform(0.35f, 0.55f);
        m_vibratoStep = phaseStep(uniform(4.5f, 6.0f));
        m_agentPitch = uniform(180.0f, 220.0f);
    }

    // The agent speaks first: on answering, and again after a hold.
    void startTalking() { startTurn(Voice::Agent); }

    void render(qint16 *out, qsizetype count)
    {
        for (qsizetype i = 0; i < count; ++i) {
            const quint64 random = next();
            float sample = float(int(random % kLineNoiseSpan) - kLineNoiseSpan / 2);

            if (m_voice == Voice::Pause) {
                if (--m_pauseLeft <= 0)
                    startTurn(m_lastSpeaker == Voice::Agent ? Voice::Caller : Voice::Agent);
            } else {
                const float envelope = m_level * (0.5f - 0.5f * cosine(m_syllablePhase));
                sample
                    += envelope * (m_voice == Voice::Caller ? callerSample(random) : agentSample());
                m_syllablePhase += m_syllableStep;
                if (m_syllablePhase < m_syllableStep) { // wrapped: the syllable is over
                    if (--m_syllablesLeft > 0)
                        startSyllable();
                    else
                        startPause();
                }
            }

            out[i] = qint16(std::clamp(int(std::lrint(sample)), -32768, 32767));
        }
    }

private:
    enum class Voice : quint8 { Pause, Caller, Agent };

    // xorshift64*: fast, and the same numbers on every platform.
    quint64 next()
    {
        m_random ^= m_random >> 12;
        m_random ^= m_random << 25;
        m_random ^= m_random >> 27;
        return m_random * 0x2545f4914f6cdd1dull;
    }

    float uniform(float low, float high)
    {
        return low + (high - low) * float(next() >> 40) * (1.0f / 16777216.0f);
    }

    float sine(quint32 phase) const { return m_sine[phase >> (32 - kSineBits)]; }
    float cosine(quint32 phase) const { return sine(phase + 0x40000000u); }

    // Noise through two one-pole low-passes: a breathy, muffled voice on a phone line.
    float callerSample(quint64 random)
    {
        const float noise = float(qint32(random >> 32)) * (1.0f / 2147483648.0f);
        m_low1 += m_lowPass * (noise - m_low1);
        m_low2 += m_lowPass * (m_low1 - m_low2);
        return kCallerGain * m_low2;
    }

    float agentSample()
    {
        const float vibrato = 1.0f + kVibratoDepth * sine(m_vibratoPhase);
        m_vibratoPhase += m_vibratoStep;
        m_voicePhase += quint32(m_pitchStep * vibrato);
        float voice = 0;
        for (size_t k = 0; k < kHarmonics.size(); ++k)
            voice += kHarmonics[k] * sine(m_voicePhase * quint32(k + 1));
        return kAgentGain * voice;
    }

    // A turn is a whole number of syllables, 1-6 s at 3-5 syllables a second; it starts and
    // ends where the envelope is 0, so turns never click.
    void startTurn(Voice voice)
    {
        m_voice = voice;
        m_lastSpeaker = voice;
        const float rate = uniform(3.0f, 5.0f);
        m_syllablesLeft = std::max(1, int(std::lround(uniform(1.0f, 6.0f) * rate)));
        m_syllableStep = phaseStep(rate);
        m_syllablePhase = 0;
        startSyllable();
    }

    // Each syllable has its own loudness and a slightly different pitch.
    void startSyllable()
    {
        m_level = uniform(0.45f, 1.0f);
        m_pitchStep = float(phaseStep(m_agentPitch * uniform(0.96f, 1.04f)));
    }

    void startPause()
    {
        m_voice = Voice::Pause;
        m_pauseLeft = std::lround(uniform(0.2f, 0.8f) * RecordingWriter::kSampleRate);
    }

    quint64 m_random;
    const float *m_sine;
    Voice m_voice = Voice::Pause;
    Voice m_lastSpeaker = Voice::Caller;
    long m_pauseLeft = 0;
    int m_syllablesLeft = 0;
    quint32 m_syllablePhase = 0;
    quint32 m_syllableStep = 0;
    float m_level = 0;
    float m_lowPass = 0.45f;
    float m_low1 = 0;
    float m_low2 = 0;
    float m_agentPitch = 200;
    float m_pitchStep = 0;
    quint32 m_voicePhase = 0;
    quint32 m_vibratoPhase = 0;
    quint32 m_vibratoStep = 0;
};

// The name the files carry in their INFO list, so that nobody takes the audio for a real call.
constexpr char kSoftware[] = "crn-server generate: synthetic audio";

void appendLittleEndian16(QByteArray &bytes, quint16 value)
{
    const char text[2] = { char(value & 0xff), char(value >> 8) };
    bytes.append(text, 2);
}

void appendLittleEndian32(QByteArray &bytes, quint32 value)
{
    appendLittleEndian16(bytes, quint16(value & 0xffff));
    appendLittleEndian16(bytes, quint16(value >> 16));
}

} // namespace

RecordingWriter::RecordingWriter(Span leg, std::vector<Span> held, quint64 seed, Encoding encoding)
    : m_samples(sampleCount(leg))
    , m_seed(seed)
    , m_encoding(encoding)
{
    // Sample i is held when its moment, leg.from + i * 125 us, lies in a held span.
    const auto firstSampleFrom = [&](qint64 time) {
        const qint64 offset = std::max<qint64>(0, time - leg.from);
        return std::min(m_samples, (offset + kMicrosecondsPerSample - 1) / kMicrosecondsPerSample);
    };
    for (const Span &span : held) {
        const SampleRange range { firstSampleFrom(span.from), firstSampleFrom(span.to) };
        if (range.from < range.to)
            m_held.push_back(range);
    }

    std::sort(m_held.begin(), m_held.end(),
              [](const SampleRange &a, const SampleRange &b) { return a.from < b.from; });
    std::vector<SampleRange> merged;
    for (const SampleRange &range : m_held) {
        if (!merged.empty() && range.from <= merged.back().to)
            merged.back().to = std::max(merged.back().to, range.to);
        else
            merged.push_back(range);
    }
    m_held = std::move(merged);
}

qint64 RecordingWriter::sampleCount(Span leg)
{
    const qint64 length = std::max<qint64>(0, leg.to - leg.from);
    return (2 * length + kMicrosecondsPerSample) / (2 * kMicrosecondsPerSample);
}

int RecordingWriter::bytesPerSample() const
{
    return m_encoding == Encoding::Pcm16 ? 2 : 1;
}

qint64 RecordingWriter::fileSize() const
{
    const qint64 data = m_samples * bytesPerSample();
    const qint64 headerSize = m_encoding == Encoding::Pcm16 ? 44 : 58;
    return headerSize + data + (data & 1) + trailer().size();
}

// A LIST/INFO chunk after the samples with the software's name. Besides saying what the file
// is, it keeps GStreamer 1.22 playing G.711 files with an odd number of samples: when the data
// chunk's pad byte is the last byte of the file, its WAV parser yields no samples at all.
QByteArray RecordingWriter::trailer()
{
    const qsizetype text = qsizetype(sizeof(kSoftware)); // with its terminating NUL
    const qsizetype padded = text + (text & 1);

    QByteArray bytes;
    bytes += "LIST";
    appendLittleEndian32(bytes, quint32(4 + 8 + padded));
    bytes += "INFOISFT";
    appendLittleEndian32(bytes, quint32(text));
    bytes.append(kSoftware, text);
    if (padded > text)
        bytes += '\0';
    return bytes;
}

// PCM gets the plain 16-byte format chunk. G.711 is not PCM, so, as the WAVE specification asks
// of every compressed format, its format chunk carries cbSize and a fact chunk gives the sample
// count.
QByteArray RecordingWriter::header() const
{
    const bool pcm = m_encoding == Encoding::Pcm16;
    const quint32 dataBytes = quint32(m_samples * bytesPerSample());
    const quint16 formatTag = pcm ? 1 : m_encoding == Encoding::MuLaw ? 7 : 6;

    QByteArray bytes;
    bytes.reserve(58);
    bytes += "RIFF";
    appendLittleEndian32(bytes, quint32(fileSize() - 8));
    bytes += "WAVEfmt ";
    appendLittleEndian32(bytes, pcm ? 16 : 18);
    appendLittleEndian16(bytes, formatTag);
    appendLittleEndian16(bytes, 1); // mono
    appendLittleEndian32(bytes, kSampleRate);
    appendLittleEndian32(bytes, quint32(kSampleRate * bytesPerSample()));
    appendLittleEndian16(bytes, quint16(bytesPerSample())); // block align
    appendLittleEndian16(bytes, quint16(8 * bytesPerSample()));
    if (!pcm) {
        appendLittleEndian16(bytes, 0); // cbSize: no extra format bytes
        bytes += "fact";
        appendLittleEndian32(bytes, 4);
        appendLittleEndian32(bytes, quint32(m_samples));
    }
    bytes += "data";
    appendLittleEndian32(bytes, dataBytes);
    return bytes;
}

bool RecordingWriter::write(QIODevice &device)
{
    m_errorString.clear();
    if (fileSize() > qint64(0xffffffffu)) {
        m_errorString = QStringLiteral("the recording is too long for a WAV file");
        return false;
    }

    const auto put = [&](const char *data, qint64 size) {
        if (device.write(data, size) == size)
            return true;
        m_errorString = device.errorString();
        return false;
    };
    const QByteArray head = header();
    if (!put(head.constData(), head.size()))
        return false;

    Conversation conversation(m_seed);
    std::array<qint16, kBlockSamples> samples {};
    std::array<char, 2 * kBlockSamples> bytes {};
    size_t heldIndex = 0;
    bool talking = false;
    for (qint64 blockStart = 0; blockStart < m_samples; blockStart += kBlockSamples) {
        const qint64 blockEnd = std::min(m_samples, blockStart + kBlockSamples);

        // The block in runs: on hold (silence) or talking (the conversation goes on).
        for (qint64 position = blockStart; position < blockEnd;) {
            qint16 *out = samples.data() + (position - blockStart);
            if (heldIndex < m_held.size() && position >= m_held[heldIndex].from) {
                const qint64 until = std::min(m_held[heldIndex].to, blockEnd);
                std::fill(out, out + (until - position), qint16(0));
                talking = false;
                if (until == m_held[heldIndex].to)
                    ++heldIndex;
                position = until;
                continue;
            }
            const qint64 until = std::min(
                blockEnd, heldIndex < m_held.size() ? m_held[heldIndex].from : m_samples);
            if (!talking) {
                conversation.startTalking();
                talking = true;
            }
            conversation.render(out, until - position);
            position = until;
        }

        const qsizetype count = blockEnd - blockStart;
        switch (m_encoding) {
        case Encoding::Pcm16:
            qToLittleEndian<qint16>(samples.data(), count, bytes.data());
            break;
        case Encoding::MuLaw:
            for (qsizetype i = 0; i < count; ++i)
                bytes[size_t(i)] = char(muLaw(samples[size_t(i)]));
            break;
        case Encoding::ALaw:
            for (qsizetype i = 0; i < count; ++i)
                bytes[size_t(i)] = char(aLaw(samples[size_t(i)]));
            break;
        }
        if (!put(bytes.data(), count * bytesPerSample()))
            return false;
    }

    // RIFF chunks are padded to an even size; the data chunk's own size leaves the pad out.
    const char pad = 0;
    if (((m_samples * bytesPerSample()) & 1) && !put(&pad, 1))
        return false;
    const QByteArray list = trailer();
    return put(list.constData(), list.size());
}

bool RecordingWriter::writeFile(const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        m_errorString = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    if (!write(file)) {
        m_errorString = QStringLiteral("cannot write %1: %2").arg(path, m_errorString);
        file.cancelWriting();
        return false;
    }
    if (!file.commit()) {
        m_errorString = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}
