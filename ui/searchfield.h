#pragma once

#include <QLineEdit>

// The field a supervisor pastes a CRN, a leg id, a number, an agent or a queue into.
//
// Text that arrives in one piece (a paste or a drop) is cleaned at once, so the field shows
// what will be searched: references lose stray and invisible spaces and get plain dashes
// (CrnText::cleaned); names keep their inner spaces. UI thread.
class SearchField : public QLineEdit
{
    Q_OBJECT

public:
    explicit SearchField(QWidget *parent = nullptr);

    // What pasted text becomes in the field.
    static QString cleanedPaste(const QString &text);

private:
    void onTextEdited(const QString &text);

    QString m_previous;
};
