#include "crntext.h"

namespace {

bool isDashLookAlike(QChar c)
{
    return c.category() == QChar::Punctuation_Dash || c == QChar(0x2212) // minus sign
        || c == QChar(0x2043) // hyphen bullet
        || c == QChar(0x30FC) || c == QChar(0xFF70); // katakana prolonged sound marks
}

} // namespace

namespace CrnText {

QString cleaned(QStringView text)
{
    const QString compatible = text.toString().normalized(QString::NormalizationForm_KC);

    QString result;
    result.reserve(compatible.size());
    for (const QChar c : compatible) {
        if (c.isSpace() || c.category() == QChar::Other_Format
            || c.category() == QChar::Other_Control)
            continue;
        result.append(isDashLookAlike(c) ? QLatin1Char('-') : c);
    }
    return result;
}

QString normalized(QStringView text)
{
    return cleaned(text).toCaseFolded();
}

} // namespace CrnText
