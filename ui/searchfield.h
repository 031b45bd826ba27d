#pragma once

#include <QLineEdit>

class QCompleter;
class QStringListModel;

// The field a supervisor pastes a CRN, a leg id, a number, an agent or a queue into.
//
// Text that arrives in one piece (a paste or a drop) is cleaned at once, so the field shows
// what will be searched: references lose stray and invisible spaces and get plain dashes
// (CrnText::cleaned); names keep their inner spaces; a pasted list of CRNs becomes the
// references joined by ", " (CallLookup::referenceList). Recent searches are offered as the
// supervisor types, and all of them with the Down key in an empty field. UI thread.
class SearchField : public QLineEdit
{
    Q_OBJECT

public:
    explicit SearchField(QWidget *parent = nullptr);

    // What pasted text becomes in the field.
    static QString cleanedPaste(const QString &text);

    // The searches the completer offers, newest first.
    void setRecentSearches(const QStringList &searches);
    QStringList recentSearches() const;
    QCompleter *recentCompleter() const { return m_completer; }

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void onTextEdited(const QString &text);

    QString m_previous;
    QStringListModel *m_recent;
    QCompleter *m_completer;
};
