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

} // namespace TestCalls
