#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

// True for a non-empty run of ASCII digits: field values are bytes, and QChar::isDigit would
// also take other scripts' digits.
inline bool isDigits(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

// Cuts one physical line of a record file into fields, in the file's own bytes (UTF-8).
//
// Asterisk writes one record per line, so a line is a record: a quoted field never spans lines
// here, and an unterminated quote is an error of that line. Fields stay valid until the next
// split; their buffers are reused, which keeps a million-line import from allocating per field.
class FieldSplitter
{
public:
    enum class Status { Ok, UnterminatedQuote, TextAfterQuote };

    // Comma-separated values: "a","b ""c""",d. Doubled quotes inside a quoted field are one.
    Status splitCsv(QByteArrayView line, char separator = ',');
    // Plain separators, no quoting, white space around each field trimmed: psql's aligned
    // output (" a | b ") and the flat queue_log (epoch|callid|queue|agent|event|data...).
    void splitPlain(QByteArrayView line, char separator);

    qsizetype size() const { return m_count; }
    QByteArrayView at(qsizetype index) const
    {
        return index < m_count ? QByteArrayView(m_fields.at(index)) : QByteArrayView();
    }

    static QString statusText(Status status);

private:
    QByteArray &next();

    QList<QByteArray> m_fields;
    qsizetype m_count = 0;
};
