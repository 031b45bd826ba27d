#pragma once

#include "access/apirouter.h"

class AuditLog;
class QUrlQuery;

// GET /api/v1/audit (listAudit, auditors only): the audit log, oldest first, one page at a
// time, filtered by from/to/user/action as docs/api.yaml says; the cursor is the last id of
// the previous page. page() works without a server. A malformed parameter is 400
// bad_request, a database failure 503 unavailable. Lives on the thread of the audit log's
// connection; owns nothing, and must outlive the route it registered.
class AuditApi
{
public:
    static constexpr int kDefaultLimit = 100;
    static constexpr int kMaxLimit = 1000;

    explicit AuditApi(AuditLog *log);

    void registerRoutes(ApiRouter *router);
    ApiResponse page(const QUrlQuery &query);

private:
    AuditLog *m_log;
};
