#pragma once

#include "model/call.h"

#include <QString>
#include <QStringList>

// Calls written by hand for the console core's tests; the tests' expectations follow from the
// CRNs and leg ids given here.
namespace TestCalls {

// A two-leg inbound call: caller leg legIds[0], agent leg legIds[1] (and more if given).
Call make(const QString &crn, const QString &startIso, const QStringList &legIds,
          const QString &agent = u"Operator"_qs);

// A CRN in UUID form, as some platforms write them.
inline const QString kUuidCrn = u"4c6b1f0e-5e2a-4d0c-9a77-1f2e3d4c5b6a"_qs;

// The five calls the console tests serve: 1694023642.7, the UUID call (whose legs are channel
// names with a '/' that must travel as %2F) and 1700000001.1 to .3, one second apart, newest
// last.
QList<Call> servedCalls();
// The served call with this CRN, or an empty Call.
Call servedCall(const QString &crn);

} // namespace TestCalls
