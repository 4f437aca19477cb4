/* The women registry: register, read (masked unless an audited reason is
 * given), search by ID number or name prefix, and update with If-Match. */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "base/idnum.h"

static const char *const id_types[] = {"resident_id", "passport", "hk_macao_permit", "taiwan_permit",
                                       "household_booklet", "foreign_permanent_id", NULL};

/* Roles that may see a full ID number when they give a reason. */
static bool may_unmask(role_t r) { return r != ROLE_SYS_ADMIN && r != ROLE_NONE; }

static bool phone_ok(const char *p)
{
    if (strlen(p) != 11 || p[0] != '1')
        return false;
    for (int i = 0; i < 11; i++)
        if (p[i] < '0' || p[i] > '9')
            return false;
    return true;
}

void women_json(buf_t *b, const refdata_t *ref, const store_woman_t *w, bool unmask);
void women_json(buf_t *b, const refdata_t *ref, const store_woman_t *w, bool unmask)
{
    char id[24], masked[64];
    snprintf(id, sizeof id, "%lld", (long long)w->id);
    idnum_mask(w->id_number, masked, sizeof masked);
    buf_putc(b, '{');
    api_kv_str(b, "id", id, false);
    api_kv_str(b, "name", w->name, true);
    api_kv_str(b, "id_type", w->id_type, true);
    api_kv_str(b, "id_number", unmask ? w->id_number : masked, true);
    buf_printf(b, ",\"id_number_masked\":%s", unmask ? "false" : "true");
    api_kv_date(b, "birth_date", w->birth_date, w->has_birth_date, true);
    if (w->has_birth_date)
        api_kv_int(b, "age", fy_age_years(w->birth_date, fy_today()), true);
    api_kv_str(b, "phone", w->phone, true);
    api_kv_str(b, "residence_district", w->residence_district, true);
    const ref_district_t *d = refdata_district(ref, w->residence_district);
    api_kv_str(b, "residence_district_name", d ? d->name : NULL, true);
    api_kv_str(b, "household_district", w->household_district, true);
    api_kv_str(b, "address", w->address, true);
    api_kv_instant(b, "created_at", w->created_at, true);
    api_kv_instant(b, "updated_at", w->updated_at, true);
    api_kv_int(b, "version", w->version, true);
    buf_putc(b, '}');
}

/* Validates the ID pair and the birth date against each other. */
static void check_identity(const char *id_type, char *id_number, bool has_birth, fy_date_t *birth, fy_err_t *e)
{
    if (strcmp(id_type, "resident_id") == 0) {
        idnum_normalize(id_number);
        fy_date_t from_id;
        int sex;
        idnum_status_t st = idnum_check_resident(id_number, fy_today(), &from_id, &sex);
        if (st != IDNUM_OK) {
            fy_field(e, "id_number", "id_number", "%s", idnum_status_message(st));
            return;
        }
        if (sex != 2) {
            fy_field(e, "id_number", "sex", "该居民身份证号码属于男性，妇女档案需为女性 (the ID number is a male's)");
            return;
        }
        if (has_birth && *birth != from_id)
            fy_field(e, "birth_date", "mismatch",
                     "出生日期与身份证号码中的日期不一致 (birth_date does not match the ID number)");
        *birth = from_id;
        return;
    }
    size_t n = strlen(id_number);
    bool ok = n >= 5 && n <= 30;
    for (size_t i = 0; ok && i < n; i++) {
        char c = id_number[i];
        ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '(' ||
             c == ')';
    }
    if (!ok)
        fy_field(e, "id_number", "format", "证件号码应为5–30位字母或数字 (id_number must be 5–30 letters or digits)");
    if (!has_birth)
        fy_field(e, "birth_date", "required", "非居民身份证须填写出生日期 (birth_date is required for this ID type)");
    else if (*birth > fy_today())
        fy_field(e, "birth_date", "future", "出生日期不能晚于今天 (birth_date must not be in the future)");
}

static void check_district(const refdata_t *ref, const char *field, const char *code, bool shanghai_only,
                           fy_err_t *e)
{
    if (refdata_district(ref, code))
        return;
    bool six = strlen(code) == 6 && strspn(code, "0123456789") == 6;
    if (!shanghai_only && six && strncmp(code, "31", 2) != 0)
        return; /* a household outside Shanghai */
    fy_field(e, field, "district", "%s应为上海市16个区之一的行政区划代码 (%s must be one of the 16 district codes)",
             jv_label(field), field);
}

struct create_ctx {
    http_req_t *req;
    store_woman_t w;
};

static int create_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct create_ctx *c = vctx;
    api_user_t *u = api_user(c->req);
    if (store_woman_insert(tx, &c->w, e))
        return -1;
    if (u->institution_id) {
        const ref_institution_t *inst = refdata_institution(api_app(c->req)->ref, u->institution_id);
        if (store_woman_link(tx, c->w.id, u->institution_id, inst ? inst->district : "", e))
            return -1;
    }
    return api_audit(tx, c->req, "create", "woman", arena_printf(c->req->arena, "%lld", (long long)c->w.id), NULL,
                     e);
}

static const char *const create_fields[] = {"name", "id_type", "id_number", "birth_date", "phone",
                                            "residence_district", "household_district", "address", NULL};

static int h_create(http_req_t *req, http_resp_t *resp)
{
    json_t *body = api_body(req);
    if (!body)
        return -1;
    app_t *app = api_app(req);
    fy_err_t *e = &req->err;
    struct create_ctx c = {.req = req};
    store_woman_t *w = &c.w;
    int type_idx = -1;
    const char *idn = NULL;
    jv_no_unknown(body, create_fields, e);
    jv_str(body, "name", true, 1, 50, &w->name, e);
    jv_enum(body, "id_type", true, id_types, &type_idx, e);
    jv_str(body, "id_number", true, 1, 30, &idn, e);
    w->has_birth_date = jv_date(body, "birth_date", false, &w->birth_date, e);
    if (jv_str(body, "phone", true, 1, 20, &w->phone, e) && !phone_ok(w->phone))
        fy_field(e, "phone", "phone", "手机号码应为以1开头的11位数字 (phone must be 11 digits starting with 1)");
    if (jv_str(body, "residence_district", true, 1, 6, &w->residence_district, e))
        check_district(app->ref, "residence_district", w->residence_district, true, e);
    if (jv_str(body, "household_district", false, 1, 6, &w->household_district, e))
        check_district(app->ref, "household_district", w->household_district, false, e);
    jv_str(body, "address", true, 1, 200, &w->address, e);
    if (type_idx >= 0 && idn) {
        char *norm = arena_strdup(req->arena, idn);
        check_identity(id_types[type_idx], norm, w->has_birth_date, &w->birth_date, e);
        w->has_birth_date = true;
        w->id_type = id_types[type_idx];
        w->id_number = norm;
    }
    if (fy_has_error(e))
        return -1;
    w->created_by = api_user(req)->id;
    w->created_at = fy_now_ms();
    if (store_write(app->store, req->arena, create_unit, &c, e))
        return -1;
    buf_t b = {0};
    women_json(&b, app->ref, w, false);
    api_reply(resp, 201, &b);
    http_add_header(resp, "Location", arena_printf(req->arena, "/api/v1/women/%lld", (long long)w->id));
    http_add_header(resp, "ETag", arena_printf(req->arena, "\"%lld\"", (long long)w->version));
    return 0;
}

struct get_ctx {
    http_req_t *req;
    int64_t id;
    store_woman_t w;
};

static int get_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct get_ctx *c = vctx;
    if (api_check_woman(c->req, tx, c->id, e))
        return -1;
    return store_woman_get(tx, c->id, &c->w, e) == 0 ? 0 : -1;
}

/* ?unmask=true&reason=… : allowed roles only; the reason is audited. */
static int unmask_request(http_req_t *req, bool *unmask, const char **reason)
{
    bool present;
    *unmask = false;
    *reason = NULL;
    if (api_query_bool(req, "unmask", unmask, &present))
        return -1;
    if (!*unmask)
        return 0;
    if (!may_unmask(api_user(req)->role))
        return fy_fail(&req->err, 403, "unmask_forbidden",
                       "当前角色不能查看完整证件号码 (your role may not see full ID numbers)");
    const char *r = http_query(req, "reason");
    long n = r ? jv_utf8_len(r) : 0;
    if (!r || n < 2 || n > 200) {
        fy_field(&req->err, "reason", "required",
                 "查看完整证件号码须填写2–200字的理由 (unmask needs a reason of 2 to 200 characters)");
        return -1;
    }
    *reason = r;
    return 0;
}

static int h_get(http_req_t *req, http_resp_t *resp)
{
    struct get_ctx c = {.req = req};
    bool unmask;
    const char *reason;
    if (api_id_param(req, 0, &c.id) || unmask_request(req, &unmask, &reason))
        return -1;
    app_t *app = api_app(req);
    if (store_read(app->store, req->arena, get_unit, &c, &req->err))
        return -1;
    if (api_audit_read(req, unmask ? "read_unmasked" : "read", "woman", req->params[0], reason))
        return -1;
    buf_t b = {0};
    women_json(&b, app->ref, &c.w, unmask);
    api_reply(resp, 200, &b);
    http_add_header(resp, "ETag", arena_printf(req->arena, "\"%lld\"", (long long)c.w.version));
    return 0;
}

struct search_ctx {
    store_women_query_t q;
    store_woman_t *rows;
    int n;
    int64_t total;
};

static int search_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct search_ctx *c = vctx;
    return store_women_search(tx, &c->q, &c->rows, &c->n, &c->total, e);
}

static int h_search(http_req_t *req, http_resp_t *resp)
{
    struct search_ctx c = {0};
    int page;
    if (api_paging(req, &c.q.limit, &c.q.offset, &page))
        return -1;
    c.q.scope = &api_user(req)->scope;
    const char *idn = http_query(req, "id_number");
    if (idn) {
        char *norm = arena_strdup(req->arena, idn);
        idnum_normalize(norm);
        c.q.id_number = norm;
    }
    const char *name = http_query(req, "name");
    if (name && (jv_utf8_len(name) < 1 || jv_utf8_len(name) > 50))
        fy_field(&req->err, "name", "length", "姓名应为1–50个字符 (name must have 1 to 50 characters)");
    c.q.name = name;
    const char *district = http_query(req, "district");
    if (district && !refdata_district(api_app(req)->ref, district))
        fy_field(&req->err, "district", "district", "区代码无效 (district must be one of the 16 district codes)");
    c.q.district = district;
    if (fy_has_error(&req->err))
        return -1;
    app_t *app = api_app(req);
    if (store_read(app->store, req->arena, search_unit, &c, &req->err))
        return -1;
    buf_t b = {0}, ids = {0};
    buf_puts(&b, "{\"items\":[");
    for (int i = 0; i < c.n; i++) {
        if (i)
            buf_putc(&b, ',');
        women_json(&b, app->ref, &c.rows[i], false);
        buf_printf(&ids, "%s%lld", i ? "," : "", (long long)c.rows[i].id);
    }
    buf_printf(&b, "],\"page\":%d,\"page_size\":%d,\"total\":%lld}", page, c.q.limit, (long long)c.total);
    return api_reply_search(req, resp, &b, "woman", &ids, NULL);
}

struct patch_ctx {
    http_req_t *req;
    int64_t id, expected;
    json_t *body;
    store_woman_t w;
};

static const char *const patch_fields[] = {"name", "phone", "residence_district", "household_district", "address",
                                           NULL};

static int patch_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct patch_ctx *c = vctx;
    if (api_check_woman(c->req, tx, c->id, e))
        return -1;
    if (store_woman_get(tx, c->id, &c->w, e))
        return -1;
    if (c->w.version != c->expected)
        return fy_fail(e, 412, "stale_etag",
                       "档案已被他人修改，请刷新后重试 (the record changed since it was read; reload and retry)");
    const refdata_t *ref = api_app(c->req)->ref;
    store_woman_t *w = &c->w;
    fy_err_t fe = {0};
    jv_no_unknown(c->body, patch_fields, &fe);
    jv_str(c->body, "name", false, 1, 50, &w->name, &fe);
    if (jv_str(c->body, "phone", false, 1, 20, &w->phone, &fe) && !phone_ok(w->phone))
        fy_field(&fe, "phone", "phone", "手机号码应为以1开头的11位数字 (phone must be 11 digits starting with 1)");
    if (jv_str(c->body, "residence_district", false, 1, 6, &w->residence_district, &fe))
        check_district(ref, "residence_district", w->residence_district, true, &fe);
    if (jv_str(c->body, "household_district", false, 1, 6, &w->household_district, &fe))
        check_district(ref, "household_district", w->household_district, false, &fe);
    jv_str(c->body, "address", false, 1, 200, &w->address, &fe);
    if (fy_has_error(&fe)) {
        *e = fe;
        return -1;
    }
    w->updated_at = fy_now_ms();
    if (store_woman_update(tx, w, c->expected, e))
        return -1;
    return api_audit(tx, c->req, "update", "woman", c->req->params[0], NULL, e);
}

static int h_patch(http_req_t *req, http_resp_t *resp)
{
    struct patch_ctx c = {.req = req};
    if (api_id_param(req, 0, &c.id))
        return -1;
    const char *im = http_header(req, "If-Match");
    if (!im)
        return fy_fail(&req->err, 428, "if_match_required",
                       "修改档案须带 If-Match 头（取自 ETag） (send If-Match with the ETag you read)");
    if (sscanf(im, "\"%lld\"", (long long *)&c.expected) != 1 && sscanf(im, "W/\"%lld\"", (long long *)&c.expected) != 1)
        return fy_fail(&req->err, 412, "stale_etag", "If-Match 与当前版本不符 (If-Match does not match the record)");
    c.body = api_body(req);
    if (!c.body)
        return -1;
    app_t *app = api_app(req);
    if (store_write(app->store, req->arena, patch_unit, &c, &req->err))
        return -1;
    buf_t b = {0};
    women_json(&b, app->ref, &c.w, false);
    api_reply(resp, 200, &b);
    http_add_header(resp, "ETag", arena_printf(req->arena, "\"%lld\"", (long long)c.w.version));
    return 0;
}

#define WOMEN_WRITERS (ROLES_STAFF | ROLES_ADMIN)
const http_route_t api_women_routes[] = {
    {"POST", "/api/v1/women", h_create, WOMEN_WRITERS, 0},
    {"GET", "/api/v1/women", h_search, ROLES_ALL, 0},
    {"GET", "/api/v1/women/{id}", h_get, ROLES_ALL, 0},
    {"PATCH", "/api/v1/women/{id}", h_patch, ROLES_ALL, 0},
};
const size_t api_women_nroutes = sizeof api_women_routes / sizeof api_women_routes[0];
