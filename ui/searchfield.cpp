#include "searchfield.h"

#include "lookup/calllookup.h"
#include "model/crntext.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QKeyEvent>
#include <QStringListModel>

#include <algorithm>

namespace {

bool isInvisible(QChar c)
{
    return c.category() == QChar::Other_Format || c.category() == QChar::Other_Control;
}

} // namespace

SearchField::SearchField(QWidget *parent)
    : QLineEdit(parent)
    , m_recent(new QStringListModel(this))
    , m_completer(new QCompleter(m_recent, this))
{
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setFilterMode(Qt::MatchContains);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    m_completer->popup()->setAccessibleName(tr("Recent searches"));
    setCompleter(m_completer);

    setPlaceholderText(tr("CRN, leg id, phone number, agent or queue"));
    setAccessibleName(tr("Search for a call"));
    setToolTip(tr("Paste a call reference (CRN) or a leg id, or type a phone number, an agent "
                  "or a queue, then press Enter. Ctrl+L comes back here."));
    setClearButtonEnabled(true);
    connect(this, &QLineEdit::textChanged, this,
            [this](const QString &text) { m_previous = text; });
    connect(this, &QLineEdit::textEdited, this, &SearchField::onTextEdited);
}

void SearchField::setRecentSearches(const QStringList &searches)
{
    m_recent->setStringList(searches);
}

QStringList SearchField::recentSearches() const
{
    return m_recent->stringList();
}

void SearchField::keyPressEvent(QKeyEvent *event)
{
    // Down in an empty field shows every recent search, not only those matching a prefix.
    if (event->key() == Qt::Key_Down && text().isEmpty() && m_recent->rowCount() > 0
        && !m_completer->popup()->isVisible()) {
        m_completer->setCompletionPrefix(QString());
        m_completer->complete();
        return;
    }
    QLineEdit::keyPressEvent(event);
}

QString SearchField::cleanedPaste(const QString &text)
{
    // Several CRNs become one search, each cleaned on its own, before the white space between
    // them is lost.
    const QStringList references = CallLookup::referenceList(text);
    if (!references.isEmpty())
        return references.join(u", "_qs);

    QString visible;
    visible.reserve(text.size());
    for (const QChar c : text) {
        if (!isInvisible(c))
            visible.append(c);
    }
    visible = visible.simplified();

    // "Agent A" or "Sales Queue" are names: their inner spaces matter. Anything else is a
    // reference or a number, where every space is noise.
    const bool hasLetter
        = std::any_of(visible.cbegin(), visible.cend(), [](QChar c) { return c.isLetter(); });
    if (hasLetter && visible.contains(u' '))
        return visible;
    return CrnText::cleaned(visible);
}

void SearchField::onTextEdited(const QString &text)
{
    // The part that changed: what lies between the common prefix and the common suffix.
    const QString &before = m_previous;
    qsizetype prefix = 0;
    while (prefix < before.size() && prefix < text.size() && before.at(prefix) == text.at(prefix))
        ++prefix;
    qsizetype suffix = 0;
    while (suffix < before.size() - prefix && suffix < text.size() - prefix
           && before.at(before.size() - 1 - suffix) == text.at(text.size() - 1 - suffix))
        ++suffix;
    const QString inserted = text.mid(prefix, text.size() - prefix - suffix);

    // Typing adds one character at a time; more at once is a paste, a drop or an input method.
    if (inserted.size() <= 1)
        return;

    const QString cleaned = cleanedPaste(text.left(prefix) + inserted + text.right(suffix));
    if (cleaned != text) {
        setText(cleaned);
        setCursorPosition(int(cleaned.size()));
    }
}
