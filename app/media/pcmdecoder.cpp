#include "pcmdecoder.h"

#include "logging.h"

#include <QtEndian>

#include <array>
#include <cmath>

namespace {

// Large reads keep the per-call cost negligible next to the decoding; the buffer is the only
// memory the decoder holds, whatever the recording's length.
constexpr qint64 kBufferBytes = 256 * 1024;

// G.711 mu-law: the code word is sent inverted; after inverting, bit 7 is the sign, bits 4-6
// the segment and bits 0-3 the mantissa. In 14-bit units the magnitude is
// ((2 * mantissa + 33) << segment) - 33; the 16-bit scale multiplies that by 4, which is the
// form below: ((mantissa << 3) + 132) << segment, less the bias 132.
constexpr qint16 expandMuLaw(quint8 code)
{
    const int inverted = ~code & 0xFF;
    const int magnitude = (((inverted & 0x0F) << 3) + 0x84) << ((inverted & 0x70) >> 4);
    return qint16((inverted & 0x80) ? 0x84 - magnitude : magnitude - 0x84);
}

// G.711 A-law: even bits are inverted on the line (XOR 0x55); then bit 7 set means positive,
// bits 4-6 are the segment and bits 0-3 the mantissa. Segment 0 is linear, each further
// segment doubles the step; the value is the middle of the code's interval, in 16-bit scale.
constexpr qint16 expandALaw(quint8 code)
{
    const int value = code ^ 0x55;
    const int segment = (value & 0x70) >> 4;
    int magnitude = (value & 0x0F) << 4;
    if (segment == 0)
        magnitude += 8;
    else
        magnitude = (magnitude + 0x108) << (segment - 1);
    return qint16((value & 0x80) ? magnitude : -magnitude);
}

template<qint16 (*Expand)(quint8)>
constexpr std::array<qint16, 256> makeTable()
{
    std::array<qint16, 256> table {};
    for (int code = 0; code < 256; ++code)
        table[size_t(code)] = Expand(quint8(code));
    return table;
}

constexpr std::array<qint16, 256> kMuLawTable = makeTable<expandMuLaw>();
constexpr std::array<qint16, 256> kALawTable = makeTable<expandALaw>();

static_assert(kMuLawTable[0xFF] == 0 && kMuLawTable[0x00] == -32124 && kMuLawTable[0x80] == 32124);
static_assert(kALawTable[0xD5] == 8 && kALawTable[0x55] == -8);

// Full scale of float samples is [-1, 1]; 1.0 maps to 32768, which does not fit, so louder
// samples clip to the 16-bit range. NaN is silence.
template<typename Real>
qint16 floatToLinear(Real value)
{
    if (std::isnan(value))
        return 0;
    const Real scaled = value * Real(32768);
    if (scaled >= Real(32767))
        return 32767;
    if (scaled <= Real(-32768))
        return -32768;
    return qint16(std::lround(scaled));
}

bool setError(QString *error, const QString &sentence)
{
    if (error)
        *error = sentence;
    return false;
}

// Sixteen-bit PCM on a little-endian machine is already what read() hands out.
bool isNative(const WavInfo &info)
{
    return QSysInfo::ByteOrder == QSysInfo::LittleEndian && info.codec == WavInfo::Codec::Pcm
        && info.blockAlign == info.channels * 2;
}

} // namespace

PcmDecoder::PcmDecoder() = default;
PcmDecoder::~PcmDecoder() = default;

bool PcmDecoder::open(const QString &path, QString *error)
{
    m_file.close();
    m_file.setFileName(path);
    m_frameCount = 0;
    m_position = 0;
    m_error.clear();

    if (!m_file.open(QIODevice::ReadOnly))
        return setError(error, tr("The recording cannot be opened: %1").arg(m_file.errorString()));

    QString probeError;
    const std::optional<WavInfo> info = WavProbe::probe(&m_file, &probeError);
    if (!info) {
        m_file.close();
        return setError(error, probeError);
    }
    if (!canDecode(*info, error)) {
        m_file.close();
        return false;
    }

    m_info = *info;
    m_frameCount = m_info.dataBytes / m_info.blockAlign;
    const qint64 bufferFrames = qMax<qint64>(1, kBufferBytes / m_info.blockAlign);
    m_buffer.resize(isNative(m_info) ? 0 : bufferFrames * m_info.blockAlign);
    if (!m_file.seek(m_info.dataOffset)) {
        m_file.close();
        return setError(error, tr("The recording's samples cannot be reached."));
    }
    qCDebug(lcMedia) << "decoding" << WavInfo::codecName(m_info.codec) << m_info.channels
                     << "channel(s) at" << m_info.sampleRate << "Hz," << m_frameCount << "frames";
    return true;
}

bool PcmDecoder::seekToFrame(qint64 frame)
{
    if (!m_file.isOpen())
        return false;

    frame = qBound<qint64>(0, frame, m_frameCount);
    if (!m_file.seek(m_info.dataOffset + frame * m_info.blockAlign))
        return false;
    m_position = frame;
    return true;
}

qint64 PcmDecoder::read(qint16 *out, qint64 maxFrames)
{
    if (!m_file.isOpen() || m_position >= m_frameCount || maxFrames <= 0)
        return 0;

    const bool native = isNative(m_info);
    const qint64 bufferFrames
        = native ? kBufferBytes / m_info.blockAlign : m_buffer.size() / m_info.blockAlign;
    const qint64 frames = qMin(qMin(maxFrames, bufferFrames), m_frameCount - m_position);
    char *target = native ? reinterpret_cast<char *>(out) : m_buffer.data();
    const qint64 got = m_file.read(target, frames * m_info.blockAlign);
    if (got < 0) {
        m_error = tr("The recording could not be read: %1").arg(m_file.errorString());
        qCWarning(lcMedia) << "reading samples failed at frame" << m_position;
        m_frameCount = m_position;
        return 0;
    }

    // A file that shrank while we read (a recording being replaced) ends at its last whole
    // frame, like a truncated one.
    const qint64 whole = got / m_info.blockAlign;
    if (whole < frames)
        m_frameCount = m_position + whole;
    if (!native)
        decode(m_info, m_buffer.constData(), whole, out);
    m_position += whole;
    return whole;
}

bool PcmDecoder::canDecode(const WavInfo &info, QString *error)
{
    if (info.channels < 1 || info.blockAlign % info.channels != 0)
        return setError(error, tr("Its frame size does not match its channel count."));

    const int bytesPerSample = info.blockAlign / info.channels;
    switch (info.codec) {
    case WavInfo::Codec::Pcm:
        if (bytesPerSample >= 1 && bytesPerSample <= 4 && info.bitsPerSample <= bytesPerSample * 8)
            return true;
        return setError(
            error, tr("It uses %1-bit PCM, which cannot be decoded here.").arg(info.bitsPerSample));
    case WavInfo::Codec::Float:
        if (bytesPerSample == 4 || bytesPerSample == 8)
            return true;
        return setError(error,
                        tr("It uses %1-bit float samples, which cannot be decoded here.")
                            .arg(info.bitsPerSample));
    case WavInfo::Codec::ALaw:
    case WavInfo::Codec::MuLaw:
        if (bytesPerSample == 1)
            return true;
        return setError(error, tr("Its G.711 samples are not one byte each."));
    case WavInfo::Codec::Gsm610:
        return setError(error, tr("It is recorded in GSM 6.10, which cannot be decoded here."));
    case WavInfo::Codec::Unknown:
        break;
    }
    return setError(error, tr("Its format (tag %1) cannot be decoded here.").arg(info.formatTag));
}

void PcmDecoder::decode(const WavInfo &info, const char *bytes, qint64 frames, qint16 *out)
{
    const auto *in = reinterpret_cast<const uchar *>(bytes);
    const qint64 samples = frames * info.channels;
    const int bytesPerSample = info.blockAlign / info.channels;

    switch (info.codec) {
    case WavInfo::Codec::Pcm:
        switch (bytesPerSample) {
        case 1: // 8-bit WAV samples are unsigned, with silence at 128
            for (qint64 i = 0; i < samples; ++i)
                out[i] = qint16((int(in[i]) - 128) * 256);
            return;
        case 2:
            for (qint64 i = 0; i < samples; ++i)
                out[i] = qFromLittleEndian<qint16>(in + 2 * i);
            return;
        case 3: // the two most significant bytes; the lowest byte is below 16-bit resolution
            for (qint64 i = 0; i < samples; ++i)
                out[i] = qFromLittleEndian<qint16>(in + 3 * i + 1);
            return;
        case 4:
            for (qint64 i = 0; i < samples; ++i)
                out[i] = qFromLittleEndian<qint16>(in + 4 * i + 2);
            return;
        }
        break;
    case WavInfo::Codec::Float:
        if (bytesPerSample == 4) {
            for (qint64 i = 0; i < samples; ++i)
                out[i] = floatToLinear(qFromLittleEndian<float>(in + 4 * i));
        } else {
            for (qint64 i = 0; i < samples; ++i)
                out[i] = floatToLinear(qFromLittleEndian<double>(in + 8 * i));
        }
        return;
    case WavInfo::Codec::ALaw:
        for (qint64 i = 0; i < samples; ++i)
            out[i] = kALawTable[in[i]];
        return;
    case WavInfo::Codec::MuLaw:
        for (qint64 i = 0; i < samples; ++i)
            out[i] = kMuLawTable[in[i]];
        return;
    case WavInfo::Codec::Gsm610:
    case WavInfo::Codec::Unknown:
        break;
    }

    // canDecode() keeps other formats out; silence is the harmless answer if one slips in.
    std::fill(out, out + samples, qint16(0));
}

qint16 PcmDecoder::muLawToLinear(quint8 code)
{
    return kMuLawTable[code];
}

qint16 PcmDecoder::aLawToLinear(quint8 code)
{
    return kALawTable[code];
}
