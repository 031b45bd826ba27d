#include "fieldsplitter.h"

QByteArray &FieldSplitter::next()
{
    if (m_count == m_fields.size())
        m_fields.append(QByteArray());
    QByteArray &field = m_fields[m_count++];
    field.resize(0); // keeps the buffer
    return field;
}

FieldSplitter::Status FieldSplitter::splitCsv(QByteArrayView line, char separator)
{
    m_count = 0;
    const char *p = line.data();
    const char *const end = p + line.size();

    for (;;) {
        QByteArray &field = next();
        if (p < end && *p == '"') {
            ++p;
            for (;;) {
                const char *quote = static_cast<const char *>(memchr(p, '"', size_t(end - p)));
                if (!quote)
                    return Status::UnterminatedQuote;
                field.append(p, quote - p);
                p = quote + 1;
                if (p < end && *p == '"') { // a doubled quote is a quote
                    field.append('"');
                    ++p;
                    continue;
                }
                break;
            }
            if (p == end)
                return Status::Ok;
            if (*p != separator)
                return Status::TextAfterQuote;
            ++p;
            continue;
        }

        const char *comma = static_cast<const char *>(memchr(p, separator, size_t(end - p)));
        if (!comma) {
            field.append(p, end - p);
            return Status::Ok;
        }
        field.append(p, comma - p);
        p = comma + 1;
    }
}

void FieldSplitter::splitPlain(QByteArrayView line, char separator)
{
    m_count = 0;
    qsizetype start = 0;
    for (;;) {
        const qsizetype bar = line.indexOf(separator, start);
        const QByteArrayView piece
            = line.sliced(start, (bar < 0 ? line.size() : bar) - start).trimmed();
        next().append(piece);
        if (bar < 0)
            return;
        start = bar + 1;
    }
}

QString FieldSplitter::statusText(Status status)
{
    switch (status) {
    case Status::Ok:
        return {};
    case Status::UnterminatedQuote:
        return u"a quoted field is not closed on its line"_qs;
    case Status::TextAfterQuote:
        return u"text follows a closing quote inside a field"_qs;
    }
    return {};
}
