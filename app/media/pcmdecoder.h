#pragma once

#include "media/wavprobe.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QFile>
#include <QString>

// Decodes a WAV recording's samples, block by block, into interleaved 16-bit linear PCM.
//
// Handles what call-center recorders write: PCM of 8, 16, 24 or 32 bits, 32- or 64-bit float,
// and G.711 A-law and mu-law. It owns its QFile and one read buffer of fixed size, so a
// recording of any length decodes in constant memory. Only the samples that are really there
// are decoded (WavProbe's dataBytes): a recording whose sizes were never set, or that was cut
// short, decodes up to its last whole frame.
//
// open() reports a file it cannot decode as a sentence; read() returns 0 at the end, and
// errorString() then says whether the end was a read error. Not thread-safe: one decoder per
// thread, any thread.
class PcmDecoder
{
    Q_DECLARE_TR_FUNCTIONS(PcmDecoder)

public:
    PcmDecoder();
    ~PcmDecoder();
    PcmDecoder(const PcmDecoder &) = delete;
    PcmDecoder &operator=(const PcmDecoder &) = delete;

    // Opens the file, reads its header with WavProbe and positions on the first frame.
    bool open(const QString &path, QString *error = nullptr);

    const WavInfo &info() const { return m_info; }
    int channels() const { return m_info.channels; }
    int sampleRate() const { return m_info.sampleRate; }
    // Whole frames present in the file (a frame holds one sample of every channel).
    qint64 frameCount() const { return m_frameCount; }
    // The next frame read() decodes.
    qint64 position() const { return m_position; }
    bool seekToFrame(qint64 frame);

    // Decodes up to maxFrames frames into out, which has room for maxFrames * channels()
    // samples. Returns the number of frames decoded, fewer than asked when a block ends, and 0
    // at the end of the samples or after a read error.
    qint64 read(qint16 *out, qint64 maxFrames);
    // Empty unless reading stopped on an I/O error.
    QString errorString() const { return m_error; }

    // Whether the format is one this class decodes; if not, *error says why in a sentence.
    static bool canDecode(const WavInfo &info, QString *error = nullptr);
    // Decodes `frames` frames of raw data in info's format into out.
    static void decode(const WavInfo &info, const char *bytes, qint64 frames, qint16 *out);
    // ITU-T G.711 expansion of one code word to 16-bit linear.
    static qint16 muLawToLinear(quint8 code);
    static qint16 aLawToLinear(quint8 code);

private:
    WavInfo m_info;
    QFile m_file;
    QByteArray m_buffer;
    qint64 m_frameCount = 0;
    qint64 m_position = 0;
    QString m_error;
};
