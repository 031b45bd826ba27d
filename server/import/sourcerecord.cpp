#include "sourcerecord.h"

QString recordFormatName(RecordFormat format)
{
    switch (format) {
    case RecordFormat::AsteriskCdr:
        return u"asterisk-cdr"_qs;
    case RecordFormat::AsteriskCel:
        return u"asterisk-cel"_qs;
    case RecordFormat::AsteriskQueueLog:
        return u"asterisk-queue_log"_qs;
    case RecordFormat::FreeSwitchXmlCdr:
        return u"freeswitch-xml-cdr"_qs;
    }
    return {};
}

void RecordBlob::add(Field field, QByteArrayView utf8)
{
    if (utf8.isEmpty())
        return;
    m_bytes.append(char(field));
    quint64 length = quint64(utf8.size());
    while (length >= 0x80) {
        m_bytes.append(char((length & 0x7f) | 0x80));
        length >>= 7;
    }
    m_bytes.append(char(length));
    m_bytes.append(utf8);
}

bool RecordBlob::decode(QByteArrayView bytes, SourceRecord &record)
{
    const auto *data = reinterpret_cast<const uchar *>(bytes.data());
    const qsizetype size = bytes.size();
    qsizetype at = 0;
    while (at < size) {
        const uchar field = data[at++];
        quint64 length = 0;
        int shift = 0;
        for (;;) {
            if (at >= size || shift > 56)
                return false;
            const uchar byte = data[at++];
            length |= quint64(byte & 0x7f) << shift;
            shift += 7;
            if (!(byte & 0x80))
                break;
        }
        if (field >= kFieldCount || length > quint64(size - at))
            return false;
        record.fields[field]
            = QString::fromUtf8(reinterpret_cast<const char *>(data + at), qsizetype(length));
        at += qsizetype(length);
    }
    return true;
}

void Fingerprint::add(QByteArrayView bytes)
{
    // The length first, so that ("ab", "c") and ("a", "bc") differ.
    add(qint64(bytes.size()));
    for (const char c : bytes) {
        m_hash ^= uchar(c);
        m_hash *= 1099511628211ULL;
    }
}

void Fingerprint::add(qint64 value)
{
    for (int i = 0; i < 8; ++i) {
        m_hash ^= uchar(quint64(value) >> (i * 8));
        m_hash *= 1099511628211ULL;
    }
}
