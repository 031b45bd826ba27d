#include "logging.h"

Q_LOGGING_CATEGORY(lcModel, "crn.model", QtInfoMsg)
Q_LOGGING_CATEGORY(lcNet, "crn.net", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCache, "crn.cache", QtInfoMsg)
Q_LOGGING_CATEGORY(lcImport, "crn.import", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStore, "crn.store", QtInfoMsg)
Q_LOGGING_CATEGORY(lcServer, "crn.server", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUi, "crn.ui", QtInfoMsg)
Q_LOGGING_CATEGORY(lcMedia, "crn.media", QtInfoMsg)
