#pragma once

#include <QObject>
#include <QString>

#include <optional>

class QIODevice;

// What a recording's RIFF/WAVE header says, checked against the bytes that are really there.
//
// Call-center recordings are often not clean files: MixMonitor leaves the RIFF and data sizes
// at 0 when a recording is fetched while the call is still running, a copy can be cut short,
// and some PBXs record in GSM 6.10, which the player cannot decode. WavProbe reads only the
// header (never the samples) and says which of these applies, so that the console can play
// what is playable and tell the supervisor plainly what is not.
struct WavInfo
{
    Q_GADGET

public:
    enum class Codec { Unknown, Pcm, Float, ALaw, MuLaw, Gsm610 };
    Q_ENUM(Codec)

    enum class Problem {
        None,
        SizesUnset, // RIFF and data sizes are 0 but samples follow: the call was still running
        Truncated, // the file ends before the data chunk says it does
        Empty, // a valid header and no samples at all
        UnsupportedCodec, // e.g. GSM 6.10: not playable, offer the download instead
    };
    Q_ENUM(Problem)

    Codec codec = Codec::Unknown;
    int formatTag = 0;
    int channels = 0;
    int sampleRate = 0;
    int bitsPerSample = 0;
    int blockAlign = 0;
    qint64 dataOffset = 0; // where the samples start
    qint64 declaredBytes = 0; // what the data chunk's header claims
    qint64 dataBytes = 0; // what is really there: whole blocks between dataOffset and EOF
    Problem problem = Problem::None;

    // Duration of the samples that are really there, in microseconds.
    qint64 durationMicroseconds() const;
    bool isPlayable() const;
    // "pcm", "alaw", "mulaw", "gsm"...: how the API names the codec.
    static QString codecName(Codec codec);
};

namespace WavProbe {

// Reads the header from the device's start. Returns std::nullopt and sets *error to a sentence
// when the data is not a RIFF/WAVE file or its header is damaged beyond use.
std::optional<WavInfo> probe(QIODevice *device, QString *error = nullptr);
std::optional<WavInfo> probeFile(const QString &path, QString *error = nullptr);

} // namespace WavProbe
