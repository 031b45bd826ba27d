#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>
#include <QtEndian>

#include <cmath>
#include <numbers>

// WAV files that the media tests write themselves: clean ones, and the damaged kinds that
// call-center recordings come in. Every field is written by hand, so that a test states the
// bytes it expects rather than trusting the code under test to produce them.
namespace TestWav {

struct Format
{
    int formatTag = 1; // 1 PCM, 6 A-law, 7 mu-law, 0x31 GSM 6.10
    int bitsPerSample = 16;
    int channels = 1;
    int sampleRate = 8000;
    int blockAlign = 0; // 0: channels * bitsPerSample / 8
};

inline int blockAlignOf(const Format &format)
{
    return format.blockAlign > 0 ? format.blockAlign : format.channels * format.bitsPerSample / 8;
}

inline void put16(QByteArray *out, quint16 value)
{
    char bytes[2];
    qToLittleEndian(value, bytes);
    out->append(bytes, 2);
}

inline void put32(QByteArray *out, quint32 value)
{
    char bytes[4];
    qToLittleEndian(value, bytes);
    out->append(bytes, 4);
}

// A 44-byte header: RIFF, a 16-byte "fmt " chunk, then the "data" chunk's header. The sizes are
// what the header claims; 0 is what a recording still being written says.
inline QByteArray header(const Format &format, quint32 riffSize, quint32 dataSize)
{
    const int blockAlign = blockAlignOf(format);
    QByteArray out;
    out.append("RIFF");
    put32(&out, riffSize);
    out.append("WAVEfmt ");
    put32(&out, 16);
    put16(&out, quint16(format.formatTag));
    put16(&out, quint16(format.channels));
    put32(&out, quint32(format.sampleRate));
    put32(&out, quint32(format.sampleRate * blockAlign));
    put16(&out, quint16(blockAlign));
    put16(&out, quint16(format.bitsPerSample));
    out.append("data");
    put32(&out, dataSize);
    return out;
}

// Samples that are not silence: a 440 Hz tone for 16-bit PCM, a repeating byte ramp otherwise.
inline QByteArray samples(const Format &format, qint64 bytes)
{
    QByteArray out(bytes, Qt::Uninitialized);
    if (format.formatTag == 1 && format.bitsPerSample == 16) {
        for (qint64 i = 0; i + 1 < bytes; i += 2) {
            const double t = double(i / (2 * format.channels)) / format.sampleRate;
            const auto value = qint16(8000 * std::sin(2 * std::numbers::pi * 440 * t));
            qToLittleEndian(value, out.data() + i);
        }
        if (bytes % 2)
            out[bytes - 1] = 0;
        return out;
    }
    for (qint64 i = 0; i < bytes; ++i)
        out[i] = char(0x40 + i % 64);
    return out;
}

// A clean file of `bytes` bytes of samples: RIFF size 36 + bytes, data size bytes.
inline QByteArray clean(const Format &format, qint64 bytes)
{
    return header(format, quint32(36 + bytes), quint32(bytes)) + samples(format, bytes);
}

inline bool write(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

inline QByteArray read(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace TestWav
