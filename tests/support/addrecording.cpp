// crn-test-add-recording: puts one recording row into a call database, for the serving
// benchmark and for trying the recordings API by hand before the importer links files.
//
//   crn-test-add-recording --db FILE --root DIR --id ID --path RELATIVE [--content-type TYPE]
//
// The size and modification time are read from DIR/RELATIVE; DIR is stored as the database's
// recordings root. Not installed: a test helper, never part of the product.

#include "store/callstore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QTextStream>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream err(stderr);

    QHash<QString, QString> options { { u"--content-type"_qs, u"audio/wav"_qs } };
    const QStringList arguments = QCoreApplication::arguments().mid(1);
    for (qsizetype i = 0; i + 1 < arguments.size(); i += 2)
        options.insert(arguments.at(i), arguments.at(i + 1));
    const QStringList required { u"--db"_qs, u"--root"_qs, u"--id"_qs, u"--path"_qs };
    for (const QString &name : required) {
        if (options.value(name).isEmpty()) {
            err << "Usage: crn-test-add-recording --db FILE --root DIR --id ID --path RELATIVE "
                   "[--content-type TYPE]\n";
            return 2;
        }
    }

    const QString root = QDir(options.value(u"--root"_qs)).absolutePath();
    const QFileInfo file(QDir(root).filePath(options.value(u"--path"_qs)));
    if (!file.isFile()) {
        err << "crn-test-add-recording: no file at " << file.filePath() << '\n';
        return 1;
    }

    QString why;
    const std::unique_ptr<CallStore> store = CallStore::open(options.value(u"--db"_qs), &why);
    if (!store) {
        err << "crn-test-add-recording: " << why << '\n';
        return 1;
    }
    const StoredRecording recording { options.value(u"--id"_qs),
                                      QString(),
                                      options.value(u"--path"_qs),
                                      file.size(),
                                      file.lastModified().toMSecsSinceEpoch() * 1000,
                                      options.value(u"--content-type"_qs) };
    if (!store->saveRecordings({ recording }) || !store->setSetting(u"recordings_root"_qs, root)) {
        err << "crn-test-add-recording: " << store->errorString() << '\n';
        return 1;
    }
    return 0;
}
