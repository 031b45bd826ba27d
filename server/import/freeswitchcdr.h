#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

// One channel as a FreeSWITCH XML CDR describes it: its own, or one it was bridged with.
struct FreeSwitchParty
{
    QString uuid;
    QString channel;
    QString callerIdName;
    QString callerIdNumber;
    QString calleeIdName;
    QString calleeIdNumber;
    QString destination; // the number or dial string the channel was sent to
};

// A dialplan application the channel ran, from the CDR's app_log.
struct FreeSwitchApp
{
    QString name;
    QString data;
    qint64 stampUs = 0; // app_stamp; 0 where the CDR does not say (older FreeSWITCH)
};

// A recording the channel made, as the CDR names it.
struct FreeSwitchRecording
{
    QString path; // as written on the FreeSWITCH host; the importer looks for its base name
    qint64 startUs = 0; // when the recording application ran; 0 when the CDR does not say
};

// One mod_xml_cdr <cdr> document: a channel's record, with every variable URL-decoded.
//
// The channel's id is its uuid from callflow/caller_profile (the callflow's own unique-id is
// something else). A B-leg's document names its A-leg as originator; an A-leg's names the
// channels it was bridged with (originatee profiles, bridge_uuid). Times are the callflow's
// microsecond times; answerEpochUs is what the answer_epoch variables say, kept to be checked
// against them. Plain data, any thread.
struct FreeSwitchCdr
{
    FreeSwitchParty leg;
    QString context;
    QString originator; // the A-leg's uuid when this is a B-leg's document
    FreeSwitchParty originatorParty;
    QList<FreeSwitchParty> bridged;
    QString bridgedTo; // bridge_uuid: which of them answered, where several were rung

    qint64 createdUs = 0; // 0 for each time the channel never reached
    qint64 progressUs = 0;
    qint64 answeredUs = 0;
    qint64 bridgedUs = 0;
    qint64 hangupUs = 0;
    qint64 answerEpochUs = -1; // -1: the CDR has no answer_epoch; 0: it says never answered
    bool answerEpochWholeSeconds = false; // from answer_epoch rather than answer_uepoch

    QString hangupCause; // NORMAL_CLEARING, USER_BUSY, ...
    int q850Cause = 0;
    QString duration; // seconds, as the CDR says
    QString billsec;
    QString lastApp;
    QString lastArg;
    QString userAgent;
    QString hangupDisposition; // sip_hangup_disposition: send_bye, recv_bye, send_refuse, ...

    QList<FreeSwitchApp> apps;
    QList<FreeSwitchRecording> recordings;
    qint64 line = 0; // of the <cdr> element in its file

    // The call this document belongs to: the A-leg's uuid.
    QString group() const { return originator.isEmpty() ? leg.uuid : originator; }
    // Every uuid the document names, its own first.
    QStringList legIds() const;

    // The stored form (RecordBlob's Field::Document), both ways.
    QJsonObject toJson() const;
    static FreeSwitchCdr fromJson(const QJsonObject &object);
};

// Reads mod_xml_cdr files with QXmlStreamReader: a file holds one <cdr> document, or several
// one after another (each may have its own <?xml?> declaration).
//
// Pure functions, any thread. A file that is not well-formed XML is refused as a whole, with
// the line and QXmlStreamReader's reason; a document without a channel uuid or without any time
// is refused on its own (see Problem), the file's other documents are kept.
namespace FreeSwitchCdrReader {

struct Problem
{
    qint64 line = 0;
    QString reason;
};

// Largest file read: mod_xml_cdr writes a few KiB per channel.
constexpr qint64 kMaxFileBytes = 16 << 20;

// Returns false and sets *error to "line N: reason" when the XML is not well-formed.
bool parse(const QByteArray &bytes, QList<FreeSwitchCdr> *documents, QList<Problem> *problems,
           QString *error);

// "NORMAL%20CLEARING" -> "NORMAL CLEARING"; FreeSWITCH writes '+' as it is, not as a space.
QString urlDecoded(const QString &value);

// The audio files a value names: "record_session /rec/x.wav" or "/rec/x.wav" -> "/rec/x.wav".
QStringList audioPathsIn(const QString &value);

} // namespace FreeSwitchCdrReader
