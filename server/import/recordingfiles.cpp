#include "recordingfiles.h"

#include "media/wavprobe.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QtEndian>

#include <array>

namespace {

constexpr qint64 kSecond = 1000000;
// Raw GSM 6.10 as Asterisk writes it: 33-byte frames of 160 samples at 8 kHz, 20 ms each.
constexpr qint64 kGsmFrameBytes = 33;
constexpr qint64 kGsmFrameUs = 20000;
// The end of an Ogg or MP3 file read to find its last page or frame.
constexpr qint64 kTailBytes = 64 * 1024;

QString extensionOf(QStringView fileName)
{
    const qsizetype dot = fileName.lastIndexOf(u'.');
    return dot < 0 ? QString() : fileName.sliced(dot + 1).toString().toLower();
}

QString seconds(qint64 us)
{
    return QString::number(double(us) / kSecond, 'f', 2);
}

void flag(StoredRecordingFile &file, const char *code, const QString &message)
{
    file.flags.append({ QString::fromLatin1(code), message });
}

void unreadable(StoredRecordingFile &file, const QString &why)
{
    file.codec = u"unknown"_qs;
    file.channels = 0;
    file.sampleRate = 0;
    file.durationUs = 0;
    flag(file, "recording_unreadable", u"The file cannot be read as audio. "_qs + why);
}

void probeWav(StoredRecordingFile &file, const QString &path)
{
    QString error;
    const std::optional<WavInfo> info = WavProbe::probeFile(path, &error);
    if (!info) {
        unreadable(file, error);
        return;
    }

    file.codec = WavInfo::codecName(info->codec);
    file.channels = info->channels;
    file.sampleRate = info->sampleRate;
    file.durationUs = info->durationMicroseconds();
    switch (info->problem) {
    case WavInfo::Problem::None:
        break;
    case WavInfo::Problem::SizesUnset:
        flag(file, "recording_sizes_unset",
             QStringLiteral("Its WAV header gives no sizes, as when a recording is copied while "
                            "the call is still running; the %1 s of audio in the file are all "
                            "there.")
                 .arg(seconds(file.durationUs)));
        break;
    case WavInfo::Problem::Truncated: {
        const qint64 bytesPerSecond = qint64(info->blockAlign) * info->sampleRate;
        const qint64 declaredUs = info->declaredBytes * kSecond / bytesPerSecond;
        flag(file, "recording_truncated",
             QStringLiteral("The file ends after %1 s of the %2 s its header announces: the rest "
                            "of the recording is missing.")
                 .arg(seconds(file.durationUs), seconds(declaredUs)));
        break;
    }
    case WavInfo::Problem::Empty:
        flag(file, "recording_empty", u"The file holds no audio at all, only a WAV header."_qs);
        break;
    case WavInfo::Problem::UnsupportedCodec:
        flag(file, "recording_unsupported_codec",
             info->codec == WavInfo::Codec::Gsm610
                 ? u"It is encoded in GSM 6.10, which the console cannot play; it can still be "
                   "downloaded."_qs
                 : QStringLiteral("It is encoded in a format the console cannot play (WAV "
                                  "format %1); it can still be downloaded.")
                       .arg(info->formatTag));
        break;
    }
}

void probeGsm(StoredRecordingFile &file, QFile &device)
{
    const QByteArray first = device.read(1);
    // Every GSM 6.10 frame starts with the signature nibble 0xD.
    if (!first.isEmpty() && (uchar(first.at(0)) >> 4) != 0xD) {
        unreadable(file, u"It does not start with a GSM 6.10 frame."_qs);
        return;
    }
    file.codec = u"gsm"_qs;
    file.channels = 1;
    file.sampleRate = 8000;
    file.durationUs = file.sizeBytes / kGsmFrameBytes * kGsmFrameUs;
    if (file.sizeBytes < kGsmFrameBytes)
        flag(file, "recording_empty", u"The file holds no audio at all."_qs);
    else
        flag(file, "recording_unsupported_codec",
             u"It is raw GSM 6.10, which the console cannot play; it can still be "
             "downloaded."_qs);
}

// The granule position of the last Ogg page: samples at the end of the stream.
qint64 lastOggGranule(QFile &device)
{
    const qint64 from = std::max<qint64>(0, device.size() - kTailBytes);
    if (!device.seek(from))
        return -1;
    const QByteArray tail = device.read(kTailBytes);
    const qsizetype page = tail.lastIndexOf("OggS");
    if (page < 0 || tail.size() - page < 14)
        return -1;
    return qFromLittleEndian<qint64>(tail.constData() + page + 6);
}

// Opus and Vorbis in Ogg: channels and rate from the first packet, duration from the last page.
void probeOgg(StoredRecordingFile &file, QFile &device)
{
    const QByteArray head = device.read(28 + 255 + 64);
    if (!head.startsWith("OggS") || head.size() < 27) {
        unreadable(file, u"It is not an Ogg file."_qs);
        return;
    }
    const int segments = uchar(head.at(26));
    const QByteArray packet = head.mid(27 + segments);
    file.codec = u"unknown"_qs;
    const qint64 granule = lastOggGranule(device);
    if (packet.startsWith("OpusHead") && packet.size() >= 16) {
        file.channels = uchar(packet.at(9));
        file.sampleRate = int(qFromLittleEndian<quint32>(packet.constData() + 12));
        const qint64 preSkip = qFromLittleEndian<quint16>(packet.constData() + 10);
        // Opus counts granules at 48 kHz whatever rate the input had.
        if (granule > preSkip)
            file.durationUs = (granule - preSkip) * kSecond / 48000;
    } else if (packet.startsWith("\x01vorbis") && packet.size() >= 16) {
        file.channels = uchar(packet.at(11));
        file.sampleRate = int(qFromLittleEndian<quint32>(packet.constData() + 12));
        if (granule > 0 && file.sampleRate > 0)
            file.durationUs = granule * kSecond / file.sampleRate;
    } else {
        unreadable(file, u"Its Ogg stream is neither Opus nor Vorbis."_qs);
    }
}

// MPEG-1/2 layer III: the first frame header gives rate and channels; a Xing or Info frame the
// frame count, else the bitrate gives the duration of a constant-bitrate file.
void probeMp3(StoredRecordingFile &file, QFile &device)
{
    qint64 offset = 0;
    QByteArray head = device.read(10);
    if (head.startsWith("ID3") && head.size() == 10) {
        // ID3v2 size: four 7-bit bytes.
        qint64 tagSize = 0;
        for (int i = 6; i < 10; ++i)
            tagSize = (tagSize << 7) | (uchar(head.at(i)) & 0x7f);
        offset = 10 + tagSize;
    }
    if (!device.seek(offset)) {
        unreadable(file, u"It ends inside its ID3 tag."_qs);
        return;
    }
    const QByteArray frame = device.read(4096);
    qsizetype at = 0;
    while (at + 4 <= frame.size()
           && !(uchar(frame.at(at)) == 0xff && (uchar(frame.at(at + 1)) & 0xe6) == 0xe2))
        ++at;
    if (at + 4 > frame.size()) {
        unreadable(file, u"No MP3 frame was found at its start."_qs);
        return;
    }

    const uchar version = (uchar(frame.at(at + 1)) >> 3) & 0x3; // 3: MPEG-1, 2: MPEG-2, 0: 2.5
    const uchar bitrateIndex = uchar(frame.at(at + 2)) >> 4;
    const uchar rateIndex = (uchar(frame.at(at + 2)) >> 2) & 0x3;
    const bool mono = (uchar(frame.at(at + 3)) >> 6) == 3;
    static constexpr std::array<int, 3> kRates = { 44100, 48000, 32000 };
    static constexpr std::array<int, 16> kBitratesV1
        = { 0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0 };
    static constexpr std::array<int, 16> kBitratesV2
        = { 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0 };
    if (version == 1 || rateIndex == 3 || bitrateIndex == 0 || bitrateIndex == 15) {
        unreadable(file, u"Its first MP3 frame header is damaged."_qs);
        return;
    }
    const int divisor = version == 3 ? 1 : version == 2 ? 2 : 4;
    file.sampleRate = kRates[rateIndex] / divisor;
    file.channels = mono ? 1 : 2;
    file.codec = u"unknown"_qs;
    const int samplesPerFrame = version == 3 ? 1152 : 576;

    const qsizetype xing = std::max(frame.indexOf("Xing", at), frame.indexOf("Info", at));
    if (xing > 0 && xing + 12 <= frame.size() && (uchar(frame.at(xing + 7)) & 0x1)) {
        const qint64 frames = qFromBigEndian<quint32>(frame.constData() + xing + 8);
        file.durationUs = frames * samplesPerFrame * kSecond / file.sampleRate;
        return;
    }
    const int kbps = (version == 3 ? kBitratesV1 : kBitratesV2)[bitrateIndex];
    file.durationUs = (file.sizeBytes - offset - at) * 8 * 1000 / kbps;
}

} // namespace

namespace RecordingFiles {

bool isAudioName(QStringView fileName)
{
    static const QStringList extensions
        = { u"wav"_qs, u"gsm"_qs, u"ogg"_qs, u"opus"_qs, u"mp3"_qs };
    return extensions.contains(extensionOf(fileName));
}

QString contentTypeFor(QStringView fileName)
{
    const QString extension = extensionOf(fileName);
    if (extension == u"wav")
        return u"audio/wav"_qs;
    if (extension == u"ogg" || extension == u"opus")
        return u"audio/ogg"_qs;
    if (extension == u"mp3")
        return u"audio/mpeg"_qs;
    return u"application/octet-stream"_qs;
}

QString idFor(const QString &relativePath)
{
    const QByteArray hash
        = QCryptographicHash::hash(relativePath.toUtf8(), QCryptographicHash::Sha256);
    return u"r-"_qs + QString::fromLatin1(hash.toHex().left(16));
}

QStringList idsInName(QStringView fileName)
{
    QStringView base = fileName;
    if (isAudioName(fileName))
        base.chop(extensionOf(fileName).size() + 1);

    // Asterisk: "<epoch>.<sequence>", possibly after the system name ("Asterisk-01-"), which a
    // name's own prefix ("in-2000-1001-20240611-093000-") looks just like: every start after a
    // '-' or '_' is tried, longest first.
    static const QRegularExpression uniqueId(QStringLiteral(R"((?<![0-9.])[0-9]{9,}\.[0-9]+)"));
    static const QRegularExpression uuid(QStringLiteral(
        R"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"));

    const QString text = base.toString();
    QStringList ids;
    auto add = [&ids](const QString &id) {
        if (!ids.contains(id))
            ids.append(id);
    };
    for (auto it = uniqueId.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        const qsizetype end = match.capturedEnd();
        for (qsizetype from = 0; from < match.capturedStart(); ++from) {
            if (from == 0 || text.at(from - 1) == u'-' || text.at(from - 1) == u'_')
                add(text.mid(from, end - from));
        }
        add(match.captured());
    }
    for (auto it = uuid.globalMatch(text); it.hasNext();)
        add(it.next().captured());
    return ids;
}

StoredRecordingFile probe(const QString &absolutePath, const QString &relativePath)
{
    StoredRecordingFile file;
    file.id = idFor(relativePath);
    file.path = relativePath;
    file.contentType = contentTypeFor(relativePath);
    file.codec = u"unknown"_qs;

    const QFileInfo info(absolutePath);
    file.sizeBytes = info.size();
    file.modifiedUs = info.lastModified().toMSecsSinceEpoch() * 1000;

    QFile device(absolutePath);
    if (!device.open(QIODevice::ReadOnly)) {
        unreadable(file, u"It cannot be opened ("_qs + device.errorString() + u")."_qs);
        return file;
    }
    const QString extension = extensionOf(relativePath);
    if (extension == u"wav")
        probeWav(file, absolutePath);
    else if (extension == u"gsm")
        probeGsm(file, device);
    else if (extension == u"ogg" || extension == u"opus")
        probeOgg(file, device);
    else if (extension == u"mp3")
        probeMp3(file, device);
    return file;
}

StoredRecordingFile missing(const QString &relativePath, const QString &message)
{
    StoredRecordingFile file;
    file.id = idFor(relativePath);
    file.path = relativePath;
    file.present = false;
    file.contentType = contentTypeFor(relativePath);
    file.codec = u"unknown"_qs;
    flag(file, "recording_missing", message);
    return file;
}

} // namespace RecordingFiles
