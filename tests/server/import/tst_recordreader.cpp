#include "import/fieldsplitter.h"
#include "import/formatdetector.h"
#include "import/recordreader.h"

#include <QTest>

// The pieces under the importer, one line or one file head at a time.
class TestRecordReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void splitsCsv_data();
    void splitsCsv();
    void splitsPlain_data();
    void splitsPlain();
    void detectsFormats_data();
    void detectsFormats();
    void parsesTimes_data();
    void parsesTimes();
    void slugsScenarios_data();
    void slugsScenarios();
    void rejectsRows_data();
    void rejectsRows();
    void encodesFields();
};

void TestRecordReader::splitsCsv_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QList<QByteArray>>("fields");
    QTest::addColumn<int>("status");

    const int ok = int(FieldSplitter::Status::Ok);
    QTest::newRow("plain") << QByteArray("a,b,c") << QList<QByteArray> { "a", "b", "c" } << ok;
    QTest::newRow("empty fields") << QByteArray(",x,,") << QList<QByteArray> { "", "x", "", "" }
                                  << ok;
    QTest::newRow("quoted comma") << QByteArray(R"("SIP/bob,,Tt",2)")
                                  << QList<QByteArray> { "SIP/bob,,Tt", "2" } << ok;
    // cdr_csv_dispositions.csv writes the caller id "Test User" <test> like this.
    QTest::newRow("doubled quotes") << QByteArray(R"("","""Test User"" <test>",5)")
                                    << QList<QByteArray> { "", R"("Test User" <test>)", "5" } << ok;
    QTest::newRow("quoted empty") << QByteArray(R"("""""",x)") << QList<QByteArray> { R"("")", "x" }
                                  << ok;
    QTest::newRow("unterminated quote") << QByteArray(R"(a,"b,c)") << QList<QByteArray> {}
                                        << int(FieldSplitter::Status::UnterminatedQuote);
    QTest::newRow("text after quote") << QByteArray(R"("a"b,c)") << QList<QByteArray> {}
                                      << int(FieldSplitter::Status::TextAfterQuote);
}

void TestRecordReader::splitsCsv()
{
    QFETCH(QByteArray, line);
    QFETCH(QList<QByteArray>, fields);
    QFETCH(int, status);

    FieldSplitter splitter;
    QCOMPARE(int(splitter.splitCsv(line)), status);
    if (status != int(FieldSplitter::Status::Ok))
        return;
    QList<QByteArray> actual;
    for (qsizetype i = 0; i < splitter.size(); ++i)
        actual.append(splitter.at(i).toByteArray());
    QCOMPARE(actual, fields);
}

void TestRecordReader::splitsPlain_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QList<QByteArray>>("fields");

    QTest::newRow("psql row") << QByteArray(
        " CHAN_START   | 2021-02-08 18:41:01.659557+00 | PJSIP/d6jtulhp-00000005 ")
                              << QList<QByteArray> { "CHAN_START", "2021-02-08 18:41:01.659557+00",
                                                     "PJSIP/d6jtulhp-00000005" };
    QTest::newRow("flat queue_log")
        << QByteArray("1366720340|1366720340.303267|q1|SIP/8007|RINGNOANSWER|1000")
        << QList<QByteArray> { "1366720340", "1366720340.303267", "q1",
                               "SIP/8007",   "RINGNOANSWER",      "1000" };
    QTest::newRow("trailing empty") << QByteArray("a|") << QList<QByteArray> { "a", "" };
}

void TestRecordReader::splitsPlain()
{
    QFETCH(QByteArray, line);
    QFETCH(QList<QByteArray>, fields);

    FieldSplitter splitter;
    splitter.splitPlain(line, '|');
    QList<QByteArray> actual;
    for (qsizetype i = 0; i < splitter.size(); ++i)
        actual.append(splitter.at(i).toByteArray());
    QCOMPARE(actual, fields);
}

void TestRecordReader::detectsFormats_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<int>("layout");

    const QByteArray cel
        = R"("CHAN_START","1335310195.513823","","","","","","s","default",)"
          R"("TinCan/string","","","3","","1335310195.0","1335310195.0","","","","")"
          "\n";
    QTest::newRow("cel_csv") << cel + cel << int(FileLayout::CelCsv);
    const QByteArray cdr = R"("","test","100","context","""Test User"" <test>",)"
                           R"("SIP/test-02897fd8","","Hangup","","2009-01-14 23:51:15",)"
                           R"("2009-01-14 23:51:15","2009-01-14 23:51:20",5,5,"ANSWERED",)"
                           R"("DOCUMENTATION","1231977075.0","")"
                           "\n";
    QTest::newRow("cdr_csv") << cdr << int(FileLayout::CdrCsvLegacy);
    QTest::newRow("cdr with header")
        << QByteArray("clid,src,dst,dcontext,channel,dstchannel,lastapp,lastdata,start,answer,end,"
                      "duration,billsec,disposition,amaflags,accountcode,uniqueid,userfield,"
                      "sequence,linkedid\n")
        << int(FileLayout::CdrCsvHeader);
    QTest::newRow("queue_log database csv")
        << QByteArray("scenario,time,callid,queuename,agent,event,data1,data2,data3,data4,data5\n")
        << int(FileLayout::QueueLogCsv);
    QTest::newRow("queue_log flat")
        << QByteArray("1366720340|NONE|NONE|NONE|QUEUESTART|\n"
                      "1366720350|1366720350.1|q1|NONE|ENTERQUEUE||5550100|1\n")
        << int(FileLayout::QueueLogFlat);
    QTest::newRow("cel psql") << QByteArray("  eventtype   |  eventtime  |  uniqueid  | linkedid\n"
                                            "--------------+-------------+------------+---------\n")
                              << int(FileLayout::CelPsql);
    // One damaged first row does not hide the file: the next rows decide.
    QTest::newRow("cel with a bad first row")
        << QByteArray("\"CHAN_START\",\"x\"\n") + cel + cel << int(FileLayout::CelCsv);
    QTest::newRow("freeswitch csv")
        << QByteArray(R"("9007","9007","0015550100392","public","2014-05-29 16:59:50","",)"
                      R"("2014-05-29 16:59:50","0","0","NORMAL_CLEARING",)"
                      R"("a5c9f6c0-e752-11e3-8bfb-65b6c3cdac7d","","","","")"
                      "\n")
        << int(FileLayout::Unsupported);
    QTest::newRow("freeswitch xml")
        << QByteArray("<?xml version=\"1.0\"?>\n<cdr>\n") << int(FileLayout::FreeSwitchXmlCdr);
    QTest::newRow("recording mapping")
        << QByteArray("file,leg_or_crn,start_time\n2024/06/11/a.wav,1718100000.42,\n")
        << int(FileLayout::RecordingMap);
    QTest::newRow("recording mapping, other order")
        << QByteArray("leg_or_crn,file\n1718100000.42,a.wav\n") << int(FileLayout::RecordingMap);
    QTest::newRow("amazon connect")
        << QByteArray("{\n\"contactId\":\"1111\"\n}") << int(FileLayout::Unsupported);
    QTest::newRow("other json") << QByteArray("{\"a\": 1}") << int(FileLayout::Unknown);
    QTest::newRow("wav") << QByteArray("RIFF\x24\x08\0\0WAVEfmt ", 16) << int(FileLayout::Unknown);
    QTest::newRow("markdown") << QByteArray("# Notes\n\nSome text.\n") << int(FileLayout::Unknown);
    QTest::newRow("empty") << QByteArray("\n\n") << int(FileLayout::Unknown);
}

void TestRecordReader::detectsFormats()
{
    QFETCH(QByteArray, head);
    QFETCH(int, layout);

    const Detection detection = FormatDetector::detect(head);
    QCOMPARE(int(detection.layout), layout);
    if (layout == int(FileLayout::Unknown) || layout == int(FileLayout::Unsupported))
        QVERIFY(!detection.reason.isEmpty());
    else
        QVERIFY(!detection.description.isEmpty());
}

void TestRecordReader::parsesTimes_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<qint64>("microseconds");

    QTest::newRow("cel epoch") << QByteArray("1335310195.513823") << true
                               << Q_INT64_C(1335310195513823);
    QTest::newRow("epoch without fraction")
        << QByteArray("1366720340") << true << Q_INT64_C(1366720340000000);
    // 2019-08-28 is day 18136 after 1970-01-01: 18136 * 86400 = 1566950400;
    // 15:29:32 adds 55772 s.
    QTest::newRow("psql without zone is UTC")
        << QByteArray("2019-08-28 15:29:32.275896") << true << Q_INT64_C(1567006172275896);
    QTest::newRow("psql with +00")
        << QByteArray("2019-08-28 15:29:32.275896+00") << true << Q_INT64_C(1567006172275896);
    QTest::newRow("cdr seconds") << QByteArray("2019-08-28 15:29:32") << true
                                 << Q_INT64_C(1567006172000000);
    QTest::newRow("cdr spec typo") << QByteArray("2013-04-13:12:08") << false << qint64(0);
    QTest::newRow("queue_log typo") << QByteArray("10:10.777777") << false << qint64(0);
    QTest::newRow("words") << QByteArray("yesterday") << false << qint64(0);
    // 999999999999 s is in the year 33658: no ISO 8601 time with four-digit years can say it.
    QTest::newRow("epoch past the year 9999") << QByteArray("999999999999") << false << qint64(0);
    QTest::newRow("empty") << QByteArray() << false << qint64(0);
}

void TestRecordReader::parsesTimes()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, valid);
    QFETCH(qint64, microseconds);

    qint64 us = 0;
    QCOMPARE(parseRecordTime(text, &us), valid);
    if (valid)
        QCOMPARE(us, microseconds);
}

void TestRecordReader::slugsScenarios_data()
{
    QTest::addColumn<QByteArray>("scenario");
    QTest::addColumn<QByteArray>("slug");

    QTest::newRow("words") << QByteArray("Blind Transfer") << QByteArray("blind-transfer");
    QTest::newRow("dash run") << QByteArray("Call Queue - Example 1")
                              << QByteArray("call-queue-example-1");
    QTest::newRow("quotes") << QByteArray(R"(Unanswered "Inbound" Call)")
                            << QByteArray("unanswered-inbound-call");
    QTest::newRow("edges") << QByteArray("  --Park!  ") << QByteArray("park");
}

void TestRecordReader::slugsScenarios()
{
    QFETCH(QByteArray, scenario);
    QFETCH(QByteArray, slug);
    QCOMPARE(RecordReader::scenarioSlug(scenario), slug);
}

namespace {

class CountingSink : public RecordSink
{
public:
    void addRecord(const ReadRecord &record) override { groups.append(record.group.toByteArray()); }
    void addAgentRecord(const ReadAgentRecord &) override { ++agentRecords; }
    void countAgentRow() override { ++agentRows; }

    QList<QByteArray> groups;
    int agentRecords = 0;
    int agentRows = 0;
};

} // namespace

void TestRecordReader::rejectsRows_data()
{
    QTest::addColumn<int>("layout");
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("reason"); // empty: accepted
    QTest::addColumn<QByteArray>("group");

    const int cel = int(FileLayout::CelCsv);
    QTest::newRow("cel ok")
        << cel
        << QByteArray(
               R"("ANSWER","1335310195.526390","","","","","","x","default",)"
               R"("Local/x@default-1545;2","Answer","","3","","1335310195.2","1335310195.0",)"
               R"("","","","")")
        << QString() << QByteArray("1335310195.0");
    QTest::newRow("cel 19 fields")
        << cel
        << QByteArray(R"("ANSWER","1335310195.5","","","","","","x","d","c","","","3","",)"
                      R"("1.2","1.0","","","")")
        << u"expected 20 fields, found 19"_qs << QByteArray();
    QTest::newRow("cel bad time")
        << cel
        << QByteArray(R"("ANSWER","noon","","","","","","x","d","c","","","3","",)"
                      R"("1.2","1.0","","","","")")
        << u"malformed eventtime \"noon\""_qs << QByteArray();
    QTest::newRow("cel without ids")
        << cel
        << QByteArray(R"("ANSWER","1.5","","","","","","x","d","c","","","3","",)"
                      R"("","","","","","")")
        << u"no linkedid or uniqueid"_qs << QByteArray();
    const int flat = int(FileLayout::QueueLogFlat);
    QTest::newRow("queue_log call row") << flat
                                        << QByteArray("1366720350|1366720350.1|q1|NONE|"
                                                      "ENTERQUEUE||5550100|1")
                                        << QString() << QByteArray("1366720350.1");
    QTest::newRow("queue_log too short") << flat << QByteArray("1366720350|x|q1|NONE")
                                         << u"expected at least 5 fields"_qs << QByteArray();
    // Ids are text: "1612809661.110" is not "1612809661.11".
    QTest::newRow("ids stay text")
        << cel
        << QByteArray(R"("CHAN_START","1612809661.5","","","","","","s","d","c","","",)"
                      R"("3","","1612809661.110","1612809661.110","","","","")")
        << QString() << QByteArray("1612809661.110");
}

void TestRecordReader::rejectsRows()
{
    QFETCH(int, layout);
    QFETCH(QByteArray, line);
    QFETCH(QString, reason);
    QFETCH(QByteArray, group);

    const auto reader = RecordReader::create(FileLayout(layout));
    QVERIFY(reader);
    CountingSink sink;
    const QString result = reader->readLine(line, sink);
    if (reason.isEmpty()) {
        QCOMPARE(result, QString());
        QCOMPARE(sink.groups, QList<QByteArray> { group });
    } else {
        QVERIFY2(result.contains(reason), qPrintable(result));
        QVERIFY(sink.groups.isEmpty());
    }
}

void TestRecordReader::encodesFields()
{
    RecordBlob blob;
    const QByteArray longValue(300, 'x'); // a length that needs two varint bytes
    blob.add(Field::EventType, "CHAN_START");
    blob.add(Field::CidName, "Zoë");
    blob.add(Field::Extra, longValue);
    blob.add(Field::Peer, ""); // empty fields are not stored

    SourceRecord record;
    QVERIFY(RecordBlob::decode(blob.bytes(), record));
    QCOMPARE(record[Field::EventType], u"CHAN_START"_qs);
    QCOMPARE(record[Field::CidName], QString::fromUtf8("Zoë"));
    QCOMPARE(record[Field::Extra].size(), 300);
    QVERIFY(record[Field::Peer].isEmpty());

    QVERIFY(!RecordBlob::decode(blob.bytes().chopped(1), record)); // damaged
}

QTEST_GUILESS_MAIN(TestRecordReader)
#include "tst_recordreader.moc"
