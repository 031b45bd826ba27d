#pragma once

#include <QLoggingCategory>

// One category per area, so that QT_LOGGING_RULES="crn.net.debug=true" traces just that area.
// Debug is for traces, Info for one-line summaries with counts, Warning for recoverable
// trouble. Tokens, phone numbers and recording content never go to a log.
Q_DECLARE_LOGGING_CATEGORY(lcModel)
Q_DECLARE_LOGGING_CATEGORY(lcNet)
Q_DECLARE_LOGGING_CATEGORY(lcCache)
Q_DECLARE_LOGGING_CATEGORY(lcImport)
Q_DECLARE_LOGGING_CATEGORY(lcStore)
Q_DECLARE_LOGGING_CATEGORY(lcServer)
Q_DECLARE_LOGGING_CATEGORY(lcUi)
Q_DECLARE_LOGGING_CATEGORY(lcMedia)
