#pragma once

#include "model/timestamp.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <array>

// The record formats the importer reads. The numbers are stored: never renumber them.
enum class RecordFormat : quint8 {
    AsteriskCdr = 1,
    AsteriskCel = 2,
    AsteriskQueueLog = 3,
    FreeSwitchXmlCdr = 4,
};

// "asterisk-cdr", "asterisk-cel", "asterisk-queue_log", "freeswitch-xml-cdr": the words of
// Call::sources.
QString recordFormatName(RecordFormat format);

// Every field any of the formats has, under one name. The numbers are stored: append only.
enum class Field : quint8 {
    // CEL
    EventType,
    CidName,
    CidNum,
    Ani,
    Rdnis,
    Dnid,
    Exten,
    Context,
    Channel,
    App,
    AppData,
    AmaFlags,
    AccountCode,
    UniqueId, // CDR and CEL; qualified with the scenario where the file needs it
    LinkedId, // idem
    Peer,
    UserField,
    UserDefType,
    Extra,
    // CDR
    Clid,
    Src,
    Dst,
    DContext,
    DstChannel,
    DstLeg, // the leg id of dstchannel: its name, qualified with the scenario where needed
    LastApp,
    LastData,
    Start,
    Answer,
    End,
    Duration,
    BillSec,
    Disposition,
    PeerAccount,
    Sequence,
    // queue_log
    CallId, // qualified with the scenario where needed
    Queue,
    Agent,
    Event,
    Data1,
    Data2,
    Data3,
    Data4,
    Data5,
    MemberLeg, // CONNECT's data2, the member channel's uniqueid, qualified where needed
    // worked-example collections
    Scenario,
    // a whole record as JSON, for formats whose records nest (FreeSWITCH XML CDR)
    Document,
    Count
};

constexpr int kFieldCount = int(Field::Count);

// One source row as the importer keeps it: which call group it belongs to (for Asterisk the
// linkedid, or the uniqueid/callid where there is none), its time, where it came from and its
// fields. Stored once per fingerprint; calls are rebuilt from these.
struct SourceRecord
{
    RecordFormat format = RecordFormat::AsteriskCel;
    QString group;
    Timestamp time;
    QString origin; // "file:line"
    std::array<QString, kFieldCount> fields;

    const QString &operator[](Field field) const { return fields[std::size_t(field)]; }
    QString &operator[](Field field) { return fields[std::size_t(field)]; }
};

// The stored form of a record's fields: (field number, length, UTF-8 bytes) for each non-empty
// field, lengths as base-128 varints. Compact, and cheap to write straight from the file's bytes.
class RecordBlob
{
public:
    void clear() { m_bytes.resize(0); }
    void add(Field field, QByteArrayView utf8);
    const QByteArray &bytes() const { return m_bytes; }

    // Fills record.fields; false when the bytes are damaged.
    static bool decode(QByteArrayView bytes, SourceRecord &record);

private:
    QByteArray m_bytes;
};

// A stable 64-bit FNV-1a hash: the same bytes give the same fingerprint on every machine, so a
// database moved elsewhere still recognises records it has.
class Fingerprint
{
public:
    void add(QByteArrayView bytes);
    void add(qint64 value);
    qint64 value() const { return qint64(m_hash); }

private:
    quint64 m_hash = 14695981039346656037ULL;
};
