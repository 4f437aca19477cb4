/* Work lists (工作清单): high-risk cases, overdue pregnancies, postpartum
 * tasks. Each is scoped like every list. */
#include <stdio.h>
#include <string.h>

#include "api/pregnancy.h"
#include "base/idnum.h"

/* How far ahead the postpartum list looks: past the last task's opening
 * day (the 42-day check), with room for a delivery entered late. */
#define PP_HORIZON_DAYS 60

struct wl_ctx {
    store_worklist_query_t q;
    store_worklist_row_t *rows;
    int n;
    int64_t total;
};

static int wl_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct wl_ctx *c = vctx;
    return store_worklist(tx, &c->q, &c->rows, &c->n, &c->total, e);
}

static int worklist(http_req_t *req, http_resp_t *resp, store_worklist_t kind)
{
    const app_t *app = api_app(req);
    struct wl_ctx c = {0};
    int page;
    if (api_paging(req, &c.q.limit, &c.q.offset, &page))
        return -1;
    c.q.kind = kind;
    c.q.scope = &api_user(req)->scope;
    fy_date_t today = fy_today();
    c.q.today = today;
    if (kind == WORKLIST_POSTPARTUM) {
        /* The centre plans its home visits from the day the hospital reports
         * the delivery, so the list shows every open task of the coming
         * weeks (a delivery's tasks all open within PP_HORIZON_DAYS);
         * ?due=true keeps only those whose window has opened. */
        bool due = false, present;
        if (api_query_bool(req, "due", &due, &present))
            return -1;
        if (!due)
            c.q.today = today + PP_HORIZON_DAYS;
    }
    c.q.district = http_query(req, "district");
    if (c.q.district && !refdata_district(app->ref, c.q.district))
        fy_field(&req->err, "district", "district", "区代码无效 (district must be one of the 16 district codes)");
    c.q.color = http_query(req, "color");
    if (c.q.color && kind == WORKLIST_HIGH_RISK) {
        risk_color_t rc;
        if (risk_color_parse(c.q.color, &rc))
            fy_field(&req->err, "color", "enum", "color 应为 green, yellow, orange, red, purple 之一 (invalid color)");
    }
    if (fy_has_error(&req->err))
        return -1;
    if (store_read(app->store, req->arena, wl_unit, &c, &req->err))
        return -1;
    buf_t b = {0};
    buf_puts(&b, "{\"items\":[");
    for (int i = 0; i < c.n; i++) {
        store_worklist_row_t *r = &c.rows[i];
        if (i)
            buf_putc(&b, ',');
        preg_summary_json(req, &b, &r->p, r->woman_name, r->woman_id_number);
        b.len--; /* reopen the summary object to add the list's columns */
        api_kv_str(&b, "phone", r->woman_phone, true);
        if (kind == WORKLIST_HIGH_RISK) {
            api_kv_instant(&b, "case_opened_at", r->case_opened_at, true);
            api_kv_str(&b, "case_max_color", r->case_max_color, true);
            api_kv_str(&b, "case_owner", r->case_owner, true);
            const ref_institution_t *o = refdata_institution(app->ref, r->case_owner);
            api_kv_str(&b, "case_owner_name", o ? o->name : NULL, true);
            api_kv_bool(&b, "continuation_missing", r->needs_continuation, true);
        } else if (kind == WORKLIST_POSTPARTUM) {
            buf_puts(&b, ",\"task\":{");
            api_kv_str(&b, "id", arena_printf(req->arena, "%lld", (long long)r->task.id), false);
            api_kv_str(&b, "kind", r->task.kind, true);
            api_kv_str(&b, "institution_id", r->task.institution_id, true);
            api_kv_date(&b, "due_from", r->task.due_from, true, true);
            api_kv_date(&b, "due_to", r->task.due_to, true, true);
            buf_printf(&b, ",\"due\":%s,\"late\":%s}", today >= r->task.due_from ? "true" : "false",
                       today > r->task.due_to ? "true" : "false");
        }
        buf_putc(&b, '}');
    }
    buf_printf(&b, "],\"page\":%d,\"page_size\":%d,\"total\":%lld}", page, c.q.limit, (long long)c.total);
    api_reply(resp, 200, &b);
    return 0;
}

static int h_high_risk(http_req_t *req, http_resp_t *resp) { return worklist(req, resp, WORKLIST_HIGH_RISK); }
static int h_overdue(http_req_t *req, http_resp_t *resp) { return worklist(req, resp, WORKLIST_OVERDUE); }
static int h_postpartum(http_req_t *req, http_resp_t *resp) { return worklist(req, resp, WORKLIST_POSTPARTUM); }

#define WORKERS (ROLES_STAFF | ROLES_ADMIN)
const http_route_t api_worklist_routes[] = {
    {"GET", "/api/v1/worklists/high-risk", h_high_risk, WORKERS, 0},
    {"GET", "/api/v1/worklists/overdue", h_overdue, WORKERS, 0},
    {"GET", "/api/v1/worklists/postpartum", h_postpartum, WORKERS, 0},
};
const size_t api_worklist_nroutes = sizeof api_worklist_routes / sizeof api_worklist_routes[0];
