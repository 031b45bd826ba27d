#pragma once

#include <QString>

#include <vector>

class QIODevice;

// Writes one synthetic recording of a leg as Asterisk's MixMonitor leaves it: a WAV file,
// 8 kHz mono, that starts when the leg answered and ends when it hung up, so that an importer
// that aligns a recording by its end (MixMonitor stops when the leg hangs up) places every
// sample where the records say it belongs.
//
// The sound is a conversation: two speakers take turns of 1-6 s with short pauses. The caller
// is noise under a syllable-rate envelope through a two-pole low-pass, the agent a harmonic tone
// near 200 Hz with a slight vibrato under the same kind of envelope, and a faint line noise runs
// under both. Spans on hold are digital silence. The same arguments give the same bytes.
//
// Samples are synthesised and written in blocks, so memory stays small whatever the length.
// Errors (a device that refuses bytes, a file that cannot be created) are reported by a false
// return and errorString(). Not thread-safe; use one instance per recording, on any thread.
class RecordingWriter
{
public:
    enum class Encoding {
        Pcm16, // 16-bit signed little-endian, format tag 1: what MixMonitor's .wav writes
        MuLaw, // G.711 mu-law, 8 bits, format tag 7
        ALaw, // G.711 A-law, 8 bits, format tag 6
    };

    // A stretch of the call in microseconds since the epoch: from included, to excluded.
    struct Span
    {
        qint64 from = 0;
        qint64 to = 0;
    };

    static constexpr int kSampleRate = 8000;
    static constexpr qint64 kMicrosecondsPerSample = 1000000 / kSampleRate;

    // LEG is the recorded span (answer to hangup); HELD the spans on hold, which may reach past
    // LEG's ends and may overlap.
    RecordingWriter(Span leg, std::vector<Span> held, quint64 seed, Encoding encoding);

    // The samples that cover LEG: its length rounded to the nearest sample. Sample i sounds at
    // leg.from + i * 125 us.
    static qint64 sampleCount(Span leg);

    // The size of the whole file, header included.
    qint64 fileSize() const;

    // Writes the file to a device open for writing, from its current position.
    bool write(QIODevice &device);

    // Writes the file at PATH, replacing it only once it is complete.
    bool writeFile(const QString &path);

    QString errorString() const { return m_errorString; }

private:
    struct SampleRange
    {
        qint64 from = 0;
        qint64 to = 0;
    };

    QByteArray header() const;
    static QByteArray trailer();
    int bytesPerSample() const;

    qint64 m_samples = 0;
    std::vector<SampleRange> m_held; // sorted, merged, within [0, m_samples)
    quint64 m_seed = 0;
    Encoding m_encoding = Encoding::Pcm16;
    QString m_errorString;
};
