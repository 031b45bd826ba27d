#include "wavrepair.h"

#include "logging.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QtEndian>

namespace {

// Large enough that copying an hour of 8 kHz audio is a few dozen reads, small enough that
// memory stays flat whatever the recording's length.
constexpr qint64 kCopyBlockBytes = 1024 * 1024;

constexpr qint64 kRiffSizeOffset = 4;
constexpr qint64 kChunkSizeBytes = 4;

// What the repaired file weighs: the header up to the samples, the samples really present and
// the pad byte RIFF asks for after an odd-sized chunk.
qint64 repairedSize(const WavInfo &info)
{
    return info.dataOffset + info.dataBytes + (info.dataBytes & 1);
}

bool setError(QString *error, const QString &sentence)
{
    if (error)
        *error = sentence;
    return false;
}

bool isCurrent(const QFileInfo &copy, const QFileInfo &source, const WavInfo &info)
{
    return copy.exists() && copy.size() == repairedSize(info)
        && copy.lastModified() >= source.lastModified();
}

void putSize(QByteArray *header, qint64 offset, qint64 value)
{
    qToLittleEndian<quint32>(quint32(value), header->data() + offset);
}

bool writeCopy(QFile *source, const WavInfo &info, const QString &target, QString *error)
{
    QByteArray header = source->read(info.dataOffset);
    if (header.size() != info.dataOffset)
        return setError(error, source->errorString());

    // The data chunk's size field sits just before the samples.
    putSize(&header, kRiffSizeOffset, repairedSize(info) - 8);
    putSize(&header, info.dataOffset - kChunkSizeBytes, info.dataBytes);

    QSaveFile out(target);
    if (!out.open(QIODevice::WriteOnly))
        return setError(error, out.errorString());
    out.write(header);

    qint64 remaining = info.dataBytes;
    while (remaining > 0) {
        const QByteArray block = source->read(qMin(remaining, kCopyBlockBytes));
        if (block.isEmpty()) {
            out.cancelWriting();
            return setError(error, source->errorString());
        }
        out.write(block);
        remaining -= block.size();
    }

    if (info.dataBytes & 1)
        out.write(QByteArray(1, '\0'));
    if (!out.commit())
        return setError(error, out.errorString());
    return true;
}

} // namespace

namespace WavRepair {

bool needsRepair(const WavInfo &info)
{
    return info.problem == WavInfo::Problem::SizesUnset
        || info.problem == WavInfo::Problem::Truncated;
}

QString playablePath(const QString &path)
{
    return path + u".playable.wav"_qs;
}

std::optional<QString> playableCopy(const QString &path, const WavInfo &info, QString *error)
{
    if (!needsRepair(info))
        return path;

    const QString target = playablePath(path);
    if (isCurrent(QFileInfo(target), QFileInfo(path), info))
        return target;

    QFile source(path);
    QString reason;
    if (!source.open(QIODevice::ReadOnly) || !writeCopy(&source, info, target, &reason)) {
        if (reason.isEmpty())
            reason = source.errorString();
        qCWarning(lcMedia) << "Could not write a playable copy of a recording:" << reason;
        setError(
            error,
            QCoreApplication::translate("WavRepair", "A playable copy could not be written: %1")
                .arg(reason));
        return std::nullopt;
    }

    qCInfo(lcMedia) << "Wrote a playable copy with" << info.dataBytes << "bytes of samples";
    return target;
}

} // namespace WavRepair
