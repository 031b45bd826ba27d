#pragma once

#include <QString>
#include <QStringView>

// What supervisors paste is not what systems wrote: a CRN copied from a ticket or a chat can
// carry non-breaking or zero-width spaces, an en dash where the system wrote '-', full-width
// digits from an East Asian input method, or another letter case. Every CRN and leg id is
// compared in this normal form, on the server and in the console alike.
namespace CrnText {

// NFKC (full-width digits and letters become ASCII), invisible format characters and all white
// space removed, every dash look-alike turned into '-', letters case-folded.
QString normalized(QStringView text);

// The same, keeping the letter case: what the search field shows after the supervisor pastes.
QString cleaned(QStringView text);

} // namespace CrnText
