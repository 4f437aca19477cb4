/* Reading the audit trail: city and system admins only. */
#include <stdio.h>

#include "api/api.h"

struct audit_ctx {
    store_audit_query_t q;
    store_audit_t *rows;
    int n;
    int64_t total;
};

static int audit_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct audit_ctx *c = vctx;
    return store_audit_search(tx, &c->q, &c->rows, &c->n, &c->total, e);
}

static int query_instant(http_req_t *req, const char *key, int64_t *out)
{
    const char *s = http_query(req, key);
    if (!s)
        return 0;
    fy_date_t d;
    if (fy_date_parse(s, &d)) {
        /* a date means the start of that day in Shanghai */
        *out = (int64_t)d * 86400000LL - FY_SHANGHAI_OFFSET_MS;
        return 0;
    }
    if (!fy_instant_parse(s, out)) {
        fy_field(&req->err, key, "datetime", "%s 应为日期或时间 (%s must be a date or a time)", key, key);
        return -1;
    }
    return 0;
}

static int h_audit(http_req_t *req, http_resp_t *resp)
{
    struct audit_ctx c = {0};
    int page;
    if (api_paging(req, &c.q.limit, &c.q.offset, &page))
        return -1;
    c.q.resource = http_query(req, "resource");
    c.q.resource_id = http_query(req, "resource_id");
    c.q.username = http_query(req, "user");
    query_instant(req, "from", &c.q.from_ms);
    query_instant(req, "to", &c.q.to_ms);
    if (fy_has_error(&req->err))
        return -1;
    if (store_read(api_app(req)->store, req->arena, audit_unit, &c, &req->err))
        return -1;
    buf_t b = {0};
    buf_puts(&b, "{\"items\":[");
    for (int i = 0; i < c.n; i++) {
        store_audit_t *a = &c.rows[i];
        buf_puts(&b, i ? ",{" : "{");
        api_kv_str(&b, "log", a->log == STORE_AUDIT_READS ? "reads" : "changes", false);
        api_kv_int(&b, "seq", a->seq, true);
        api_kv_instant(&b, "at", a->at, true);
        api_kv_str(&b, "user", a->username, true);
        api_kv_str(&b, "role", a->role, true);
        api_kv_str(&b, "action", a->action, true);
        api_kv_str(&b, "resource", a->resource, true);
        api_kv_str(&b, "resource_id", a->resource_id, true);
        api_kv_str(&b, "client_ip", a->client_ip, true);
        api_kv_str(&b, "reason", a->reason, true);
        buf_putc(&b, '}');
    }
    buf_printf(&b, "],\"page\":%d,\"page_size\":%d,\"total\":%lld}", page, c.q.limit, (long long)c.total);
    api_reply(resp, 200, &b);
    return 0;
}

const http_route_t api_audit_routes[] = {
    {"GET", "/api/v1/audit", h_audit, ROLES_CITY, 0},
};
const size_t api_audit_nroutes = sizeof api_audit_routes / sizeof api_audit_routes[0];
