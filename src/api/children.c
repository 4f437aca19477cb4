/* Children: every live-born baby of a delivery, linked to mother and
 * pregnancy. The name may be added later (PATCH with If-Match). Scope
 * follows the mother. */
#include <stdio.h>
#include <string.h>

#include "api/child_health.h"
#include "api/pregnancy.h"
#include "base/idnum.h"

void children_json(http_req_t *req, buf_t *b, const store_child_t *c, const store_woman_t *mother);
void children_json(http_req_t *req, buf_t *b, const store_child_t *c, const store_woman_t *mother)
{
    arena_t *a = req->arena;
    buf_printf(b, "{\"id\":\"%lld\"", (long long)c->id);
    api_kv_str(b, "name", c->name, true);
    api_kv_int(b, "sex", c->sex, true);
    api_kv_str(b, "sex_label", c->sex == 1 ? "男" : c->sex == 2 ? "女" : "未定", true);
    api_kv_date(b, "birth_date", c->birth_date, true, true);
    char local[23];
    fy_instant_format_local(c->born_at, local);
    api_kv_str(b, "born_at", local, true);
    char ga[16];
    preg_ga_text(c->ga_days, ga, sizeof ga);
    buf_printf(b, ",\"ga_at_birth\":{\"weeks\":%d,\"days\":%d,\"text\":\"%s\"}", c->ga_days / 7, c->ga_days % 7, ga);
    api_kv_int(b, "weight_g", c->weight_g, true);
    if (c->length_cm == c->length_cm)
        api_kv_num(b, "length_cm", c->length_cm, true);
    if (c->head_cm == c->head_cm)
        api_kv_num(b, "head_cm", c->head_cm, true);
    if (c->apgar_1 >= 0)
        api_kv_int(b, "apgar_1", c->apgar_1, true);
    if (c->apgar_5 >= 0)
        api_kv_int(b, "apgar_5", c->apgar_5, true);
    api_kv_str(b, "outcome", c->outcome, true);
    buf_printf(b, ",\"defects\":%s", c->defects ? c->defects : "[]");
    buf_printf(b, ",\"preterm\":%s,\"low_birth_weight\":%s,\"macrosomia\":%s",
               c->ga_days < 37 * 7 ? "true" : "false", c->weight_g < 2500 ? "true" : "false",
               c->weight_g >= 4000 ? "true" : "false");
    api_kv_str(b, "pregnancy_id", arena_printf(a, "%lld", (long long)c->pregnancy_id), true);
    api_kv_str(b, "residence_district", c->residence_district, true);
    buf_puts(b, ",\"mother\":{");
    api_kv_str(b, "id", arena_printf(a, "%lld", (long long)c->mother_id), false);
    if (mother) {
        char masked[64];
        idnum_mask(mother->id_number, masked, sizeof masked);
        api_kv_str(b, "name", mother->name, true);
        api_kv_str(b, "id_number", masked, true);
    }
    buf_putc(b, '}');
    child_health_json(req, b, c); /* special case and alerts (child_health.c) */
    api_kv_int(b, "version", c->version, true);
    buf_putc(b, '}');
}

struct child_ctx {
    http_req_t *req;
    int64_t id, expected;
    const char *name;
    store_child_t c;
    store_woman_t mother;
};

static int load_child(struct child_ctx *c, store_tx_t *tx, fy_err_t *e)
{
    int rc = store_child_get(tx, c->id, &c->c, e);
    if (rc < 0)
        return -1;
    if (rc == 1 || strcmp(c->c.outcome, "live") != 0)
        return fy_fail(e, 404, "not_found", "没有这个儿童档案 (no such child: %lld)", (long long)c->id);
    if (api_check_woman(c->req, tx, c->c.mother_id, e))
        return -1;
    return store_woman_get(tx, c->c.mother_id, &c->mother, e) ? -1 : 0;
}

static int get_unit(store_tx_t *tx, void *vctx, fy_err_t *e) { return load_child(vctx, tx, e); }

static int h_get(http_req_t *req, http_resp_t *resp)
{
    struct child_ctx c = {.req = req};
    if (api_id_param(req, 0, &c.id))
        return -1;
    if (store_read(api_app(req)->store, req->arena, get_unit, &c, &req->err))
        return -1;
    if (api_audit_read(req, "read", "child", req->params[0], NULL))
        return -1;
    buf_t b = {0};
    children_json(req, &b, &c.c, &c.mother);
    api_reply(resp, 200, &b);
    http_add_header(resp, "ETag", arena_printf(req->arena, "\"%lld\"", (long long)c.c.version));
    return 0;
}

static int patch_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct child_ctx *c = vctx;
    if (load_child(c, tx, e))
        return -1;
    bool frozen;
    if (store_child_name_frozen(tx, c->id, &frozen, e))
        return -1;
    if (frozen) {
        fy_fail(e, 409, "name_frozen",
                "出生医学证明已签发，姓名不能再修改；请办理换发 (a birth certificate is issued: the name can no longer "
                "be changed; apply for a replacement)");
        fy_field(e, "name", "name_frozen", "姓名已随出生医学证明签发而固定 (the name is frozen by the issued certificate)");
        return -1;
    }
    if (c->c.version != c->expected)
        return fy_fail(e, 412, "stale_etag",
                       "记录已被他人修改，请刷新后重试 (the record changed since it was read; reload and retry)");
    int64_t now = fy_now_ms();
    if (store_child_set_name(tx, c->id, c->name, c->expected, now, e))
        return -1;
    c->c.name = c->name;
    c->c.version++;
    return api_audit(tx, c->req, "update", "child", c->req->params[0], "name", e);
}

static int h_patch(http_req_t *req, http_resp_t *resp)
{
    struct child_ctx c = {.req = req};
    if (api_id_param(req, 0, &c.id))
        return -1;
    const char *im = http_header(req, "If-Match");
    if (!im)
        return fy_fail(&req->err, 428, "if_match_required",
                       "修改须带 If-Match 头（取自 ETag） (send If-Match with the ETag you read)");
    if (sscanf(im, "\"%lld\"", (long long *)&c.expected) != 1)
        return fy_fail(&req->err, 412, "stale_etag", "If-Match 与当前版本不符 (If-Match does not match the record)");
    json_t *body = api_body(req);
    if (!body)
        return -1;
    static const char *const known[] = {"name", NULL};
    jv_no_unknown(body, known, &req->err);
    const char *why;
    /* 15 characters plus the dots between the parts of a minority name: the
     * length rule is preg_child_name_ok's, which counts characters only */
    if (jv_str(body, "name", true, 1, 29, &c.name, &req->err) && !preg_child_name_ok(c.name, &why))
        fy_field(&req->err, "name", "child_name", "%s", why);
    if (fy_has_error(&req->err))
        return -1;
    if (store_write(api_app(req)->store, req->arena, patch_unit, &c, &req->err))
        return -1;
    buf_t b = {0};
    children_json(req, &b, &c.c, &c.mother);
    api_reply(resp, 200, &b);
    http_add_header(resp, "ETag", arena_printf(req->arena, "\"%lld\"", (long long)c.c.version));
    return 0;
}

struct list_ctx {
    store_child_query_t q;
    store_child_t *rows;
    store_woman_t *mothers;
    int n;
    int64_t total;
};

static int list_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct list_ctx *c = vctx;
    if (store_children_search(tx, &c->q, &c->rows, &c->n, &c->total, e))
        return -1;
    c->mothers = arena_alloc(store_tx_arena(tx), sizeof *c->mothers * (size_t)(c->n ? c->n : 1));
    for (int i = 0; i < c->n; i++)
        if (store_woman_get(tx, c->rows[i].mother_id, &c->mothers[i], e) < 0)
            return -1;
    return 0;
}

static int h_list(http_req_t *req, http_resp_t *resp)
{
    struct list_ctx c = {0};
    int page;
    if (api_paging(req, &c.q.limit, &c.q.offset, &page))
        return -1;
    c.q.scope = &api_user(req)->scope;
    const char *mid = http_query(req, "mother_id");
    if (mid && (sscanf(mid, "%lld", (long long *)&c.q.mother_id) != 1 || c.q.mother_id <= 0))
        fy_field(&req->err, "mother_id", "id", "mother_id 应为档案编号 (mother_id must be a record id)");
    c.q.district = http_query(req, "district");
    if (c.q.district && !refdata_district(api_app(req)->ref, c.q.district))
        fy_field(&req->err, "district", "district", "区代码无效 (district must be one of the 16 district codes)");
    if (fy_has_error(&req->err))
        return -1;
    if (store_read(api_app(req)->store, req->arena, list_unit, &c, &req->err))
        return -1;
    buf_t b = {0}, ids = {0};
    buf_puts(&b, "{\"items\":[");
    for (int i = 0; i < c.n; i++) {
        if (i)
            buf_putc(&b, ',');
        children_json(req, &b, &c.rows[i], &c.mothers[i]);
        buf_printf(&ids, "%s%lld", i ? "," : "", (long long)c.rows[i].id);
    }
    buf_printf(&b, "],\"page\":%d,\"page_size\":%d,\"total\":%lld}", page, c.q.limit, (long long)c.total);
    return api_reply_search(req, resp, &b, "child", &ids, NULL);
}

const http_route_t api_children_routes[] = {
    {"GET", "/api/v1/children", h_list, ROLES_ALL, 0},
    {"GET", "/api/v1/children/{id}", h_get, ROLES_ALL, 0},
    {"PATCH", "/api/v1/children/{id}", h_patch,
     ROLE_BIT(ROLE_CITIZEN) | ROLE_BIT(ROLE_COMMUNITY_DOCTOR) | ROLE_BIT(ROLE_OBSTETRICIAN), 0},
};
const size_t api_children_nroutes = sizeof api_children_routes / sizeof api_children_routes[0];
