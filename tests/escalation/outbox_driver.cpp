// The console's side of the exactly-once harness: a headless program that uses the Outbox for
// real to submit N escalations ("harness #0" .. "harness #N-1") and stays until every one is
// Sent. tst_exactlyonce SIGKILLs it at random points and starts it again on the same outbox
// file, so its own progress is the outbox file: after the first read it submits only the
// numbers the file does not hold yet, and from then on only waits while the outbox sends.
//
//   outbox_driver --outbox FILE --server URL --count N --crn CRN --category C --priority P
//                 --team T [--field NAME=VALUE]... [--timeout-ms MS] [--backoff-initial-ms MS]
//                 [--backoff-max-ms MS] [--seed S]
//
// The token comes from the environment (CRN_OUTBOX_TOKEN), never from the command line. Exit 0
// when all N are Sent, 2 when one Failed (with its sentence), 1 on bad arguments.

#include "escalation/outbox.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <cstdio>

namespace {

void say(const QString &line)
{
    std::fprintf(stdout, "driver: %s\n", qPrintable(line));
    std::fflush(stdout);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const QList<QCommandLineOption> options {
        { u"outbox"_qs, u"The outbox file."_qs, u"file"_qs },
        { u"server"_qs, u"The server's root URL."_qs, u"url"_qs },
        { u"count"_qs, u"How many escalations to submit."_qs, u"n"_qs },
        { u"crn"_qs, u"The call to escalate."_qs, u"crn"_qs },
        { u"category"_qs, u"Catalogue category id."_qs, u"id"_qs },
        { u"priority"_qs, u"Catalogue priority id."_qs, u"id"_qs },
        { u"team"_qs, u"Catalogue team id."_qs, u"id"_qs },
        { u"field"_qs, u"A further request field, NAME=VALUE."_qs, u"pair"_qs },
        { u"timeout-ms"_qs, u"Connect and transfer time-out."_qs, u"ms"_qs, u"2000"_qs },
        { u"backoff-initial-ms"_qs, u"First backoff bound."_qs, u"ms"_qs, u"20"_qs },
        { u"backoff-max-ms"_qs, u"Largest backoff bound."_qs, u"ms"_qs, u"500"_qs },
        { u"seed"_qs, u"Seed of the backoff's jitter."_qs, u"n"_qs },
    };
    parser.addOptions(options);
    parser.process(app);
    const QByteArray token = qgetenv("CRN_OUTBOX_TOKEN");
    const int count = parser.value(u"count"_qs).toInt();
    if (!parser.isSet(u"outbox"_qs) || !parser.isSet(u"server"_qs) || count <= 0
        || token.isEmpty()) {
        say(u"needs --outbox, --server, --count and CRN_OUTBOX_TOKEN"_qs);
        return 1;
    }

    QJsonObject common { { u"crn"_qs, parser.value(u"crn"_qs) },
                         { u"category"_qs, parser.value(u"category"_qs) },
                         { u"priority"_qs, parser.value(u"priority"_qs) },
                         { u"team"_qs, parser.value(u"team"_qs) } };
    for (const QString &pair : parser.values(u"field"_qs)) {
        const qsizetype equals = pair.indexOf(u'=');
        common.insert(pair.left(equals), pair.mid(equals + 1));
    }

    Outbox outbox(parser.value(u"outbox"_qs));
    const int timeout = parser.value(u"timeout-ms"_qs).toInt();
    outbox.setTimeouts(timeout, timeout);
    outbox.setBackoff(parser.value(u"backoff-initial-ms"_qs).toInt(),
                      parser.value(u"backoff-max-ms"_qs).toInt());
    if (parser.isSet(u"seed"_qs))
        outbox.setRandomSeed(parser.value(u"seed"_qs).toUInt());
    outbox.setServer(QUrl(parser.value(u"server"_qs)), token);

    const auto summaryOf = [](int i) -> QString {
        return u"harness #"_qs + QString::number(i);
    };
    bool submittedAll = false;
    int lastReported = -1;
    const auto check = [&] {
        if (!submittedAll)
            return;
        int sent = 0;
        for (const OutboxItem &item : outbox.items()) {
            if (item.state == OutboxState::Failed) {
                say(u"item \""_qs + item.summary + u"\" failed: "_qs + item.lastError);
                app.exit(2);
                return;
            }
            if (item.state == OutboxState::Sent)
                ++sent;
        }
        // Every step, so that the harness can place its kills by progress.
        if (sent != lastReported) {
            say(u"sent "_qs + QString::number(sent) + u'/' + QString::number(count));
            lastReported = sent;
        }
        if (sent == count)
            app.exit(0);
    };

    QObject::connect(&outbox, &Outbox::itemsLoaded, &app, [&] {
        // The file is the driver's memory: what it holds was submitted by an earlier run.
        QSet<QString> held;
        for (const OutboxItem &item : outbox.items())
            held.insert(item.summary);
        int submitted = 0;
        for (int i = 0; i < count; ++i) {
            if (held.contains(summaryOf(i)))
                continue;
            QJsonObject body = common;
            body.insert(u"summary"_qs, summaryOf(i));
            outbox.submit(QJsonDocument(body).toJson(QJsonDocument::Compact),
                          common.value(u"crn"_qs).toString(), summaryOf(i));
            ++submitted;
        }
        say(u"outbox held "_qs + QString::number(held.size()) + u", submitting "_qs
            + QString::number(submitted));
        submittedAll = true;
        check();
    });
    QObject::connect(&outbox, &Outbox::itemChanged, &app, check);
    QObject::connect(&outbox, &Outbox::submitFailed, &app,
                     [&](const QString &, const QString &why) {
                         say(u"submit failed: "_qs + why);
                         app.exit(2);
                     });
    QObject::connect(&outbox, &Outbox::problem, &app,
                     [](const QString &sentence) { say(u"problem: "_qs + sentence); });
    return app.exec();
}
