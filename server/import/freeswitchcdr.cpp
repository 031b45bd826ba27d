#include "freeswitchcdr.h"

#include "recordingfiles.h"

#include <QHash>
#include <QJsonArray>
#include <QUrl>
#include <QXmlStreamReader>

#include <algorithm>

namespace {

// Deeper than any mod_xml_cdr document: a file nested further is not one.
constexpr int kMaxDepth = 32;

// An element of the document with its attributes, text and children: CDRs are small, and a
// tree is easier to read from than the stream.
struct Node
{
    QString name;
    QHash<QString, QString> attributes;
    QString text;
    QList<Node> children;
    qint64 line = 0;

    const Node *child(QStringView childName) const
    {
        for (const Node &node : children) {
            if (node.name == childName)
                return &node;
        }
        return nullptr;
    }

    QList<const Node *> all(QStringView childName) const
    {
        QList<const Node *> found;
        for (const Node &node : children) {
            if (node.name == childName)
                found.append(&node);
        }
        return found;
    }

    QString textOf(QStringView childName) const
    {
        const Node *node = child(childName);
        return node ? node->text.trimmed() : QString();
    }
};

bool readChildren(QXmlStreamReader &xml, Node &node, int depth)
{
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            if (depth >= kMaxDepth) {
                xml.raiseError(QStringLiteral("elements nested more than %1 deep").arg(kMaxDepth));
                return false;
            }
            Node child;
            child.name = xml.name().toString();
            child.line = xml.lineNumber();
            for (const QXmlStreamAttribute &attribute : xml.attributes())
                child.attributes.insert(attribute.name().toString(), attribute.value().toString());
            if (!readChildren(xml, child, depth + 1))
                return false;
            node.children.append(std::move(child));
        } else if (xml.isCharacters()) {
            node.text += xml.text();
        } else if (xml.isEndElement()) {
            return true;
        }
    }
    return !xml.hasError();
}

qint64 number(const QString &text)
{
    bool ok = false;
    const qint64 value = text.trimmed().toLongLong(&ok);
    return ok ? value : 0;
}

FreeSwitchParty partyOf(const Node *profile)
{
    FreeSwitchParty party;
    if (!profile)
        return party;
    // Caller profiles are written as they are; only variables are URL-encoded.
    party.uuid = profile->textOf(u"uuid");
    party.channel = profile->textOf(u"chan_name");
    party.callerIdName = profile->textOf(u"caller_id_name");
    party.callerIdNumber = profile->textOf(u"caller_id_number");
    party.calleeIdName = profile->textOf(u"callee_id_name");
    party.calleeIdNumber = profile->textOf(u"callee_id_number");
    party.destination = profile->textOf(u"destination_number");
    return party;
}

// The smallest time above 0 of one callflow element over all callflows; hangups take the last.
qint64 callflowTime(const QList<const Node *> &callflows, QStringView name, bool last = false)
{
    qint64 found = 0;
    for (const Node *callflow : callflows) {
        const Node *times = callflow->child(u"times");
        const qint64 value = times ? number(times->textOf(name)) : 0;
        if (value > 0 && (found == 0 || (last ? value > found : value < found)))
            found = value;
    }
    return found;
}

void addRecording(FreeSwitchCdr &cdr, const QString &path, qint64 startUs)
{
    for (FreeSwitchRecording &known : cdr.recordings) {
        if (known.path == path) {
            if (known.startUs == 0)
                known.startUs = startUs;
            return;
        }
    }
    cdr.recordings.append({ path, startUs });
}

FreeSwitchCdr documentOf(const Node &node)
{
    FreeSwitchCdr cdr;
    cdr.line = node.line;

    QHash<QString, QString> variables;
    if (const Node *list = node.child(u"variables")) {
        for (const Node &variable : list->children)
            variables.insert(variable.name,
                             FreeSwitchCdrReader::urlDecoded(variable.text.trimmed()));
    }
    const QList<const Node *> callflows = node.all(u"callflow");
    const Node *profile
        = callflows.isEmpty() ? nullptr : callflows.first()->child(u"caller_profile");

    cdr.leg = partyOf(profile);
    if (cdr.leg.uuid.isEmpty())
        cdr.leg.uuid = variables.value(u"uuid"_qs, variables.value(u"call_uuid"_qs));
    if (cdr.leg.channel.isEmpty())
        cdr.leg.channel = variables.value(u"channel_name"_qs);
    cdr.context = profile ? profile->textOf(u"context") : QString();

    const Node *originator = profile ? profile->child(u"originator") : nullptr;
    cdr.originatorParty
        = partyOf(originator ? originator->child(u"originator_caller_profile") : nullptr);
    cdr.originator = cdr.originatorParty.uuid;
    if (cdr.originator.isEmpty())
        cdr.originator = variables.value(u"originating_leg_uuid"_qs);
    if (cdr.originator == cdr.leg.uuid)
        cdr.originator.clear();

    auto addBridged = [&cdr](const FreeSwitchParty &party) {
        if (party.uuid.isEmpty() || party.uuid == cdr.leg.uuid || party.uuid == cdr.originator)
            return;
        for (const FreeSwitchParty &known : std::as_const(cdr.bridged)) {
            if (known.uuid == party.uuid)
                return;
        }
        cdr.bridged.append(party);
    };
    for (const Node *callflow : callflows) {
        const Node *callerProfile = callflow->child(u"caller_profile");
        if (!callerProfile)
            continue;
        for (const Node *originatee : callerProfile->all(u"originatee")) {
            for (const Node *party : originatee->all(u"originatee_caller_profile"))
                addBridged(partyOf(party));
        }
    }
    cdr.bridgedTo = variables.value(u"bridge_uuid"_qs, variables.value(u"signal_bond"_qs));
    if (cdr.bridgedTo == cdr.originator)
        cdr.bridgedTo.clear();
    for (const QString &name : { u"bridge_uuid"_qs, u"signal_bond"_qs }) {
        FreeSwitchParty party;
        party.uuid = variables.value(name);
        party.channel = variables.value(u"bridge_channel"_qs);
        addBridged(party);
    }

    cdr.createdUs = callflowTime(callflows, u"created_time");
    cdr.progressUs = callflowTime(callflows, u"progress_time");
    cdr.answeredUs = callflowTime(callflows, u"answered_time");
    cdr.bridgedUs = callflowTime(callflows, u"bridged_time");
    cdr.hangupUs = callflowTime(callflows, u"hangup_time", true);
    if (cdr.createdUs == 0 && cdr.hangupUs == 0) {
        // Without callflow times, the variables' microsecond epochs say the same.
        cdr.createdUs = number(variables.value(u"start_uepoch"_qs));
        cdr.progressUs = number(variables.value(u"progress_uepoch"_qs));
        cdr.answeredUs = number(variables.value(u"answer_uepoch"_qs));
        cdr.bridgedUs = number(variables.value(u"bridge_uepoch"_qs));
        cdr.hangupUs = number(variables.value(u"end_uepoch"_qs));
    }
    if (variables.contains(u"answer_epoch"_qs)) {
        cdr.answerEpochUs = number(variables.value(u"answer_epoch"_qs)) * 1000000;
        cdr.answerEpochWholeSeconds = true;
    } else if (variables.contains(u"answer_uepoch"_qs)) {
        cdr.answerEpochUs = number(variables.value(u"answer_uepoch"_qs));
    }

    cdr.hangupCause = variables.value(u"hangup_cause"_qs);
    cdr.q850Cause = int(number(variables.value(u"hangup_cause_q850"_qs)));
    cdr.duration = variables.value(u"duration"_qs);
    cdr.billsec = variables.value(u"billsec"_qs);
    cdr.lastApp = variables.value(u"last_app"_qs);
    cdr.lastArg = variables.value(u"last_arg"_qs);
    cdr.userAgent = variables.value(u"sip_user_agent"_qs);
    cdr.hangupDisposition = variables.value(u"sip_hangup_disposition"_qs);

    if (const Node *log = node.child(u"app_log")) {
        for (const Node *application : log->all(u"application")) {
            FreeSwitchApp app { application->attributes.value(u"app_name"_qs),
                                application->attributes.value(u"app_data"_qs),
                                number(application->attributes.value(u"app_stamp"_qs)) };
            cdr.apps.append(app);
            if (app.name == u"record_session" || app.name == u"record") {
                for (const QString &path : FreeSwitchCdrReader::audioPathsIn(app.data))
                    addRecording(cdr, path, app.stampUs);
            }
        }
    }

    // Variables that name a recording: record_path, recording_file, execute_on_answer's
    // "record_session /path", ... in a stable order; and a folder and a name given apart.
    QStringList names = variables.keys();
    names.sort();
    for (const QString &name : std::as_const(names)) {
        const QString &value = variables[name];
        if (!name.contains(u"record", Qt::CaseInsensitive) && !value.contains(u"record_session"))
            continue;
        for (const QString &path : FreeSwitchCdrReader::audioPathsIn(value))
            addRecording(cdr, path, 0);
    }
    for (const QString &prefix : { u"record_"_qs, u"recording_"_qs }) {
        const QString folder = variables.value(prefix + u"path"_qs);
        const QString file = variables.value(prefix + u"name"_qs);
        if (!folder.isEmpty() && !folder.contains(u"${") && RecordingFiles::isAudioName(file)
            && !RecordingFiles::isAudioName(folder) && !file.contains(u'/'))
            addRecording(cdr, folder + u'/' + file, 0);
    }
    return cdr;
}

QJsonObject partyJson(const FreeSwitchParty &party)
{
    QJsonObject object;
    const std::pair<const char *, const QString *> fields[] = {
        { "uuid", &party.uuid },
        { "channel", &party.channel },
        { "caller_id_name", &party.callerIdName },
        { "caller_id_number", &party.callerIdNumber },
        { "callee_id_name", &party.calleeIdName },
        { "callee_id_number", &party.calleeIdNumber },
        { "destination", &party.destination },
    };
    for (const auto &[key, value] : fields) {
        if (!value->isEmpty())
            object.insert(QLatin1StringView(key), *value);
    }
    return object;
}

FreeSwitchParty partyFrom(const QJsonObject &object)
{
    return {
        object.value(u"uuid").toString(),           object.value(u"channel").toString(),
        object.value(u"caller_id_name").toString(), object.value(u"caller_id_number").toString(),
        object.value(u"callee_id_name").toString(), object.value(u"callee_id_number").toString(),
        object.value(u"destination").toString()
    };
}

qint64 integerFrom(const QJsonObject &object, QStringView key, qint64 fallback = 0)
{
    const QJsonValue value = object.value(key);
    return value.isDouble() ? value.toInteger() : fallback;
}

} // namespace

QStringList FreeSwitchCdr::legIds() const
{
    QStringList ids { leg.uuid };
    if (!originator.isEmpty())
        ids.append(originator);
    for (const FreeSwitchParty &party : bridged)
        ids.append(party.uuid);
    return ids;
}

QJsonObject FreeSwitchCdr::toJson() const
{
    QJsonObject object { { u"leg"_qs, partyJson(leg) } };
    auto text = [&object](const char *key, const QString &value) {
        if (!value.isEmpty())
            object.insert(QLatin1StringView(key), value);
    };
    auto time = [&object](const char *key, qint64 value) {
        if (value != 0)
            object.insert(QLatin1StringView(key), value);
    };
    text("context", context);
    text("originator", originator);
    if (!originatorParty.uuid.isEmpty())
        object.insert(u"originator_party"_qs, partyJson(originatorParty));
    QJsonArray parties;
    for (const FreeSwitchParty &party : bridged)
        parties.append(partyJson(party));
    if (!parties.isEmpty())
        object.insert(u"bridged"_qs, parties);
    text("bridged_to", bridgedTo);
    time("created_us", createdUs);
    time("progress_us", progressUs);
    time("answered_us", answeredUs);
    time("bridged_us", bridgedUs);
    time("hangup_us", hangupUs);
    if (answerEpochUs >= 0) {
        object.insert(u"answer_epoch_us"_qs, answerEpochUs);
        object.insert(u"answer_epoch_whole_seconds"_qs, answerEpochWholeSeconds);
    }
    text("hangup_cause", hangupCause);
    time("q850_cause", q850Cause);
    text("duration", duration);
    text("billsec", billsec);
    text("last_app", lastApp);
    text("last_arg", lastArg);
    text("user_agent", userAgent);
    text("hangup_disposition", hangupDisposition);
    QJsonArray appList;
    for (const FreeSwitchApp &app : apps) {
        QJsonObject item { { u"name"_qs, app.name }, { u"data"_qs, app.data } };
        if (app.stampUs != 0)
            item.insert(u"stamp_us"_qs, app.stampUs);
        appList.append(item);
    }
    if (!appList.isEmpty())
        object.insert(u"apps"_qs, appList);
    QJsonArray recordingList;
    for (const FreeSwitchRecording &recording : recordings) {
        QJsonObject item { { u"path"_qs, recording.path } };
        if (recording.startUs != 0)
            item.insert(u"start_us"_qs, recording.startUs);
        recordingList.append(item);
    }
    if (!recordingList.isEmpty())
        object.insert(u"recordings"_qs, recordingList);
    // The line is where the document was, not what it says: it stays out, so that the same
    // CDR found again in another file is known.
    return object;
}

FreeSwitchCdr FreeSwitchCdr::fromJson(const QJsonObject &object)
{
    FreeSwitchCdr cdr;
    cdr.leg = partyFrom(object.value(u"leg").toObject());
    cdr.context = object.value(u"context").toString();
    cdr.originator = object.value(u"originator").toString();
    cdr.originatorParty = partyFrom(object.value(u"originator_party").toObject());
    const QJsonArray parties = object.value(u"bridged").toArray();
    for (const QJsonValue &party : parties)
        cdr.bridged.append(partyFrom(party.toObject()));
    cdr.bridgedTo = object.value(u"bridged_to").toString();
    cdr.createdUs = integerFrom(object, u"created_us");
    cdr.progressUs = integerFrom(object, u"progress_us");
    cdr.answeredUs = integerFrom(object, u"answered_us");
    cdr.bridgedUs = integerFrom(object, u"bridged_us");
    cdr.hangupUs = integerFrom(object, u"hangup_us");
    cdr.answerEpochUs = integerFrom(object, u"answer_epoch_us", -1);
    cdr.answerEpochWholeSeconds = object.value(u"answer_epoch_whole_seconds").toBool();
    cdr.hangupCause = object.value(u"hangup_cause").toString();
    cdr.q850Cause = int(integerFrom(object, u"q850_cause"));
    cdr.duration = object.value(u"duration").toString();
    cdr.billsec = object.value(u"billsec").toString();
    cdr.lastApp = object.value(u"last_app").toString();
    cdr.lastArg = object.value(u"last_arg").toString();
    cdr.userAgent = object.value(u"user_agent").toString();
    cdr.hangupDisposition = object.value(u"hangup_disposition").toString();
    const QJsonArray appList = object.value(u"apps").toArray();
    for (const QJsonValue &value : appList) {
        const QJsonObject item = value.toObject();
        cdr.apps.append({ item.value(u"name").toString(), item.value(u"data").toString(),
                          integerFrom(item, u"stamp_us") });
    }
    const QJsonArray recordingList = object.value(u"recordings").toArray();
    for (const QJsonValue &value : recordingList) {
        const QJsonObject item = value.toObject();
        cdr.recordings.append({ item.value(u"path").toString(), integerFrom(item, u"start_us") });
    }
    return cdr;
}

namespace FreeSwitchCdrReader {

QString urlDecoded(const QString &value)
{
    if (!value.contains(u'%'))
        return value;
    return QUrl::fromPercentEncoding(value.toUtf8());
}

QStringList audioPathsIn(const QString &value)
{
    QString text = value.trimmed();
    // A leading {var=value,...} block sets channel variables, it names no file.
    if (text.startsWith(u'{')) {
        const qsizetype close = text.indexOf(u'}');
        text = close < 0 ? QString() : text.mid(close + 1);
    }
    QStringList paths;
    const QStringList tokens = text.split(u' ', Qt::SkipEmptyParts);
    for (QString token : tokens) {
        if (token.size() >= 2 && (token.startsWith(u'"') || token.startsWith(u'\''))
            && token.endsWith(token.front()))
            token = token.mid(1, token.size() - 2);
        const qsizetype separator = token.lastIndexOf(u"::");
        if (separator >= 0)
            token = token.mid(separator + 2);
        if (!token.contains(u"${") && RecordingFiles::isAudioName(token) && !paths.contains(token))
            paths.append(token);
    }
    return paths;
}

bool parse(const QByteArray &bytes, QList<FreeSwitchCdr> *documents, QList<Problem> *problems,
           QString *error)
{
    // Several documents in a row become one under a root of our own; their XML declarations
    // would be out of place there, so they are blanked, keeping every line where it was.
    QByteArray text = bytes;
    if (text.startsWith("\xEF\xBB\xBF"))
        text.remove(0, 3);
    for (qsizetype at = text.indexOf("<?xml"); at >= 0; at = text.indexOf("<?xml", at)) {
        const qsizetype end = text.indexOf("?>", at);
        if (end < 0)
            break;
        for (qsizetype i = at; i < end + 2; ++i) {
            if (text.at(i) != '\n')
                text[i] = ' ';
        }
    }

    const QByteArray open("<crn-cdr-file>");
    QXmlStreamReader xml(open + text + QByteArray("</crn-cdr-file>"));
    Node root;
    while (!xml.atEnd() && !xml.isStartElement())
        xml.readNext();
    if (!xml.hasError())
        readChildren(xml, root, 1);
    if (xml.hasError()) {
        // An error in the closing tag of our own root is the file ending too early.
        const bool cutShort = xml.characterOffset() > open.size() + text.size();
        if (error)
            *error = QStringLiteral("line %1: %2")
                         .arg(xml.lineNumber())
                         .arg(cutShort ? u"the file ends inside its XML: it was cut short"_qs
                                       : xml.errorString());
        return false;
    }

    const QList<const Node *> cdrs = root.all(u"cdr");
    if (cdrs.isEmpty()) {
        if (error)
            *error = u"no <cdr> document in the file"_qs;
        return false;
    }
    for (const Node *node : cdrs) {
        FreeSwitchCdr cdr = documentOf(*node);
        if (cdr.leg.uuid.isEmpty())
            problems->append(
                { node->line, u"the CDR names no channel uuid (callflow/caller_profile/uuid)"_qs });
        else if (cdr.createdUs == 0 && cdr.hangupUs == 0)
            problems->append({ node->line, u"the CDR has no times (callflow/times)"_qs });
        else
            documents->append(std::move(cdr));
    }
    return true;
}

} // namespace FreeSwitchCdrReader
