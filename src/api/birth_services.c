/* The birth one-stop (出生一件事, domain.md §8): issuing a child's birth
 * certificate creates a service record whose downstream steps —
 * household registration, medical insurance, social security card — the
 * downstream systems report here, and the mother follows.
 *
 * Who reports: the roles are fixed (domain/scope.h), so the downstream
 * systems sign in with a sys_admin service account; that role may update
 * steps but not read personal records' ID numbers. */
#include <stdio.h>
#include <string.h>

#include "api/birth.h"

void birth_service_json(http_req_t *req, buf_t *b, const store_birth_service_t *s)
{
    buf_putc(b, '{');
    api_kv_str(b, "id", birth_id(req, s->id), false);
    api_kv_str(b, "child_id", birth_id(req, s->child_id), true);
    api_kv_str(b, "mother_id", birth_id(req, s->mother_id), true);
    api_kv_str(b, "certificate_id", birth_id(req, s->certificate_id), true);
    api_kv_str(b, "certificate_number", s->certificate_number, true);
    buf_puts(b, ",\"steps\":[");
    int done = 0, failed = 0;
    for (int i = 0; i < s->nsteps; i++) {
        const store_bs_step_t *st = &s->steps[i];
        int k = cert_step_index(st->step);
        if (i)
            buf_putc(b, ',');
        buf_putc(b, '{');
        api_kv_str(b, "step", st->step, false);
        api_kv_str(b, "label", k >= 0 ? cert_step_labels[k] : st->step, true);
        api_kv_str(b, "status", st->status, true);
        const char *sl = strcmp(st->status, "pending") == 0  ? "待办理 (pending)"
                         : strcmp(st->status, "sent") == 0   ? "已推送 (sent)"
                         : strcmp(st->status, "done") == 0   ? "已办结 (done)"
                         : strcmp(st->status, "failed") == 0 ? "办理失败 (failed)"
                                                             : st->status;
        api_kv_str(b, "status_label", sl, true);
        api_kv_str(b, "detail", st->detail, true);
        api_kv_instant(b, "updated_at", st->updated_at, true);
        buf_putc(b, '}');
        done += strcmp(st->status, "done") == 0;
        failed += strcmp(st->status, "failed") == 0;
    }
    buf_puts(b, "],\"status_by_step\":{");
    for (int i = 0; i < s->nsteps; i++)
        api_kv_str(b, s->steps[i].step, s->steps[i].status, i > 0);
    buf_putc(b, '}');
    const char *overall = done == s->nsteps ? "done" : failed ? "attention" : "in_progress";
    api_kv_str(b, "overall", overall, true);
    api_kv_str(b, "overall_label",
               done == s->nsteps ? "全部办结 (all done)"
               : failed          ? "有事项办理失败 (a step failed)"
                                 : "办理中 (in progress)",
               true);
    api_kv_instant(b, "created_at", s->created_at, true);
    api_kv_instant(b, "updated_at", s->updated_at, true);
    buf_puts(b, ",\"links\":{");
    api_kv_str(b, "self", arena_printf(req->arena, "/api/v1/birth-services/%lld", (long long)s->id), false);
    api_kv_str(b, "certificate",
               arena_printf(req->arena, "/api/v1/birth-certificates/%lld", (long long)s->certificate_id), true);
    buf_puts(b, "}}");
}

/* ---- reads ---------------------------------------------------------------- */

struct get_ctx {
    http_req_t *req;
    int64_t id, child_id;
    store_birth_service_t s;
    bool found;
};

static int get_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct get_ctx *g = vctx;
    store_child_t child;
    if (g->child_id) {
        if (birth_child_load(g->req, tx, g->child_id, &child, NULL, e))
            return -1;
        int rc = store_birth_service_of_child(tx, g->child_id, &g->s, e);
        if (rc < 0)
            return -1;
        g->found = rc == 0;
        return 0;
    }
    int rc = store_birth_service_get(tx, g->id, &g->s, e);
    if (rc)
        return rc < 0 ? -1 : fy_fail(e, 404, "not_found", "没有这条出生一件事记录 (no such birth service record)");
    g->found = true;
    /* the service account sees every record; others through the child */
    if (api_user(g->req)->role == ROLE_SYS_ADMIN)
        return 0;
    return birth_child_load(g->req, tx, g->s.child_id, &child, NULL, e);
}

static int h_list(http_req_t *req, http_resp_t *resp)
{
    struct get_ctx g = {.req = req};
    const char *cid = http_query(req, "child_id");
    if (!cid || sscanf(cid, "%lld", (long long *)&g.child_id) != 1 || g.child_id <= 0)
        return fy_field(&req->err, "child_id", "required", "须给出儿童档案编号 child_id (child_id is required)"), -1;
    if (store_read(api_app(req)->store, req->arena, get_unit, &g, &req->err))
        return -1;
    if (api_audit_read(req, "read", "birth_service", arena_printf(req->arena, "child %lld", (long long)g.child_id),
                       NULL))
        return -1;
    buf_t b = {0};
    buf_puts(&b, "{\"items\":[");
    if (g.found)
        birth_service_json(req, &b, &g.s);
    buf_printf(&b, "],\"total\":%d}", g.found ? 1 : 0);
    api_reply(resp, 200, &b);
    return 0;
}

static int h_get(http_req_t *req, http_resp_t *resp)
{
    struct get_ctx g = {.req = req};
    if (api_id_param(req, 0, &g.id))
        return -1;
    if (store_read(api_app(req)->store, req->arena, get_unit, &g, &req->err))
        return -1;
    if (api_audit_read(req, "read", "birth_service", req->params[0], NULL))
        return -1;
    buf_t b = {0};
    birth_service_json(req, &b, &g.s);
    api_reply(resp, 200, &b);
    return 0;
}

/* ---- a downstream step's report ------------------------------------------ */

struct step_ctx {
    http_req_t *req;
    int64_t id;
    store_bs_step_t st;
    store_birth_service_t s;
};

static int step_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct step_ctx *c = vctx;
    int rc = store_birth_service_get(tx, c->id, &c->s, e);
    if (rc)
        return rc < 0 ? -1 : fy_fail(e, 404, "not_found", "没有这条出生一件事记录 (no such birth service record)");
    const store_bs_step_t *cur = NULL;
    for (int i = 0; i < c->s.nsteps; i++)
        if (strcmp(c->s.steps[i].step, c->st.step) == 0)
            cur = &c->s.steps[i];
    if (!cur)
        return fy_fail(e, 404, "no_step", "该记录没有这个事项 (the record has no such step)"),
               fy_field(e, "step", "no_step", "事项无效 (no such step)"), -1;
    if (!cert_step_transition_ok(cur->status, c->st.status))
        return fy_fail(e, 409, "step_transition",
                       "事项状态不能从 %s 改为 %s（已办结的事项不能再改） (a step cannot go from %s to %s: done is "
                       "final)",
                       cur->status, c->st.status, cur->status, c->st.status),
               fy_field(e, "status", "step_transition", "不能从 %s 改为 %s (cannot go from %s to %s)", cur->status,
                        c->st.status, cur->status, c->st.status),
               -1;
    c->st.updated_at = fy_now_ms();
    c->st.updated_by = api_user(c->req)->id;
    if (store_birth_service_step_set(tx, c->id, &c->st, e))
        return -1;
    for (int i = 0; i < c->s.nsteps; i++)
        if (strcmp(c->s.steps[i].step, c->st.step) == 0)
            c->s.steps[i] = c->st;
    c->s.updated_at = c->st.updated_at;
    return api_audit(tx, c->req, "step", "birth_service", c->req->params[0],
                     arena_printf(c->req->arena, "%s=%s", c->st.step, c->st.status), e);
}

static int h_step(http_req_t *req, http_resp_t *resp)
{
    struct step_ctx c = {.req = req};
    if (api_id_param(req, 0, &c.id))
        return -1;
    int k = cert_step_index(req->params[1]);
    if (k < 0) {
        fy_fail(&req->err, 404, "no_step",
                "没有这个事项，应为 household_registration、medical_insurance 或 social_security_card (no such step: "
                "household_registration, medical_insurance or social_security_card)");
        fy_field(&req->err, "step", "enum", "事项无效 (unknown step)");
        return -1;
    }
    json_t *body = api_body(req);
    if (!body)
        return -1;
    fy_err_t *e = &req->err;
    static const char *const known[] = {"status", "detail", NULL};
    jv_no_unknown(body, known, e);
    int st = -1;
    jv_enum(body, "status", true, cert_step_statuses, &st, e);
    jv_str(body, "detail", false, 0, 1000, &c.st.detail, e);
    if (fy_has_error(e))
        return -1;
    c.st.step = cert_steps[k];
    c.st.status = cert_step_statuses[st];
    if (store_write(api_app(req)->store, req->arena, step_unit, &c, e))
        return -1;
    buf_t b = {0};
    birth_service_json(req, &b, &c.s);
    api_reply(resp, 200, &b);
    return 0;
}

const http_route_t api_birth_service_routes[] = {
    {"GET", "/api/v1/birth-services", h_list, ROLES_ALL, 0},
    {"GET", "/api/v1/birth-services/{id}", h_get, ROLES_ALL, 0},
    {"POST", "/api/v1/birth-services/{id}/steps/{step}", h_step, ROLE_BIT(ROLE_SYS_ADMIN), 0},
};
const size_t api_birth_service_nroutes = sizeof api_birth_service_routes / sizeof api_birth_service_routes[0];
