#pragma once

#include "searchfield.h"

#include <QTest>

namespace UiTest {

// Types text into the search field the way a supervisor does, then presses Enter. keyClicks
// knows ASCII keys only; other characters arrive as the text of a key press, the way an input
// method or a compose key delivers them.
inline void typeAndSearch(SearchField *field, const QString &typed)
{
    field->setFocus();
    field->clear();
    for (const QChar c : typed) {
        if (c.unicode() < 0x80)
            QTest::keyClick(field, char(c.unicode()));
        else
            QTest::sendKeyEvent(QTest::Click, field, Qt::Key_unknown, QString(c), {});
    }
    QTest::keyClick(field, Qt::Key_Return);
}

} // namespace UiTest
