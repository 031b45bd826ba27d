#include "wavprobe.h"

#include <QFile>
#include <QtEndian>

namespace {

constexpr int kChunkHeaderBytes = 8;
constexpr int kWaveFormatExtensible = 0xFFFE;

WavInfo::Codec codecFor(int formatTag, int bitsPerSample)
{
    switch (formatTag) {
    case 1:
        return WavInfo::Codec::Pcm;
    case 3:
        return bitsPerSample == 32 || bitsPerSample == 64 ? WavInfo::Codec::Float
                                                          : WavInfo::Codec::Unknown;
    case 6:
        return WavInfo::Codec::ALaw;
    case 7:
        return WavInfo::Codec::MuLaw;
    case 0x31:
        return WavInfo::Codec::Gsm610;
    default:
        return WavInfo::Codec::Unknown;
    }
}

bool setError(QString *error, const QString &sentence)
{
    if (error)
        *error = sentence;
    return false;
}

// Reads the "fmt " chunk's fields into info; extensible headers name the real format in the
// first two bytes of their sub-format GUID.
bool readFormat(const QByteArray &chunk, WavInfo *info, QString *error)
{
    if (chunk.size() < 16)
        return setError(error, QStringLiteral("Its format header is too short."));

    const auto *bytes = reinterpret_cast<const uchar *>(chunk.constData());
    info->formatTag = qFromLittleEndian<quint16>(bytes);
    info->channels = qFromLittleEndian<quint16>(bytes + 2);
    info->sampleRate = int(qFromLittleEndian<quint32>(bytes + 4));
    info->blockAlign = qFromLittleEndian<quint16>(bytes + 12);
    info->bitsPerSample = qFromLittleEndian<quint16>(bytes + 14);
    if (info->formatTag == kWaveFormatExtensible && chunk.size() >= 26)
        info->formatTag = qFromLittleEndian<quint16>(bytes + 24);

    info->codec = codecFor(info->formatTag, info->bitsPerSample);
    if (info->channels < 1 || info->sampleRate < 1 || info->blockAlign < 1)
        return setError(error, QStringLiteral("Its format header names no channels or rate."));
    return true;
}

} // namespace

qint64 WavInfo::durationMicroseconds() const
{
    if (codec == Codec::Gsm610) {
        // GSM 6.10 in WAV packs 320 samples in each 65-byte block.
        return sampleRate > 0 ? dataBytes / 65 * 320 * 1000000 / sampleRate : 0;
    }
    const qint64 bytesPerSecond = qint64(blockAlign) * sampleRate;
    return bytesPerSecond > 0 ? dataBytes * 1000000 / bytesPerSecond : 0;
}

bool WavInfo::isPlayable() const
{
    return problem != Problem::Empty && problem != Problem::UnsupportedCodec;
}

QString WavInfo::codecName(Codec codec)
{
    switch (codec) {
    case WavInfo::Codec::Pcm:
        return u"pcm"_qs;
    case WavInfo::Codec::Float:
        return u"float"_qs;
    case WavInfo::Codec::ALaw:
        return u"alaw"_qs;
    case WavInfo::Codec::MuLaw:
        return u"mulaw"_qs;
    case WavInfo::Codec::Gsm610:
        return u"gsm"_qs;
    case WavInfo::Codec::Unknown:
        break;
    }
    return u"unknown"_qs;
}

namespace WavProbe {

std::optional<WavInfo> probe(QIODevice *device, QString *error)
{
    const qint64 fileSize = device->size();
    const QByteArray riff = device->read(12);
    if (riff.size() < 12 || !riff.startsWith("RIFF") || riff.mid(8, 4) != "WAVE") {
        setError(error, QStringLiteral("It is not a WAV file."));
        return std::nullopt;
    }

    WavInfo info;
    bool haveFormat = false;
    // Walk the chunks until the samples; LIST and other chunks before them are skipped.
    while (true) {
        const QByteArray header = device->read(kChunkHeaderBytes);
        if (header.size() < kChunkHeaderBytes) {
            setError(error,
                     haveFormat ? QStringLiteral("It ends before its samples begin.")
                                : QStringLiteral("It has no format header."));
            return std::nullopt;
        }
        const QByteArray id = header.left(4);
        const quint32 size
            = qFromLittleEndian<quint32>(reinterpret_cast<const uchar *>(header.constData()) + 4);

        const qint64 chunkStart = device->pos();
        if (id == "fmt ") {
            if (!readFormat(device->read(qMin<quint32>(size, 64)), &info, error))
                return std::nullopt;
            haveFormat = true;
        }

        if (id == "data") {
            if (!haveFormat) {
                setError(error, QStringLiteral("Its samples come before its format header."));
                return std::nullopt;
            }
            info.dataOffset = chunkStart;
            // Writers that stream set the size to 0 or to 0xFFFFFFFF until they finish.
            info.declaredBytes = size == 0xFFFFFFFF ? 0 : size;
            break;
        }

        // Chunks are padded to an even size.
        if (!device->seek(chunkStart + size + (size & 1))) {
            setError(error, QStringLiteral("Its header is cut short."));
            return std::nullopt;
        }
    }

    const qint64 available = qMax<qint64>(0, fileSize - info.dataOffset);
    const qint64 present
        = info.declaredBytes == 0 ? available : qMin<qint64>(info.declaredBytes, available);
    info.dataBytes = present - present % info.blockAlign;

    if (info.codec == WavInfo::Codec::Unknown || info.codec == WavInfo::Codec::Gsm610)
        info.problem = WavInfo::Problem::UnsupportedCodec;
    else if (info.dataBytes == 0)
        info.problem = WavInfo::Problem::Empty;
    else if (info.declaredBytes == 0)
        info.problem = WavInfo::Problem::SizesUnset;
    else if (available < info.declaredBytes)
        info.problem = WavInfo::Problem::Truncated;
    return info;
}

std::optional<WavInfo> probeFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        setError(error, QStringLiteral("It cannot be opened: %1").arg(file.errorString()));
        return std::nullopt;
    }
    return probe(&file, error);
}

} // namespace WavProbe
