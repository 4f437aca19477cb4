/* The critical maternal and newborn rescue network ("7+6", domain.md §6):
 * the versioned pairing of centres and districts, referrals and
 * consultations with their state machine, the centres' work list, and the
 * response-time metrics. The rules are in domain/rescue.c; the shipped
 * sample pairing (data/rescue-network.json) becomes version 1 the first
 * time the network is needed and the table is empty. */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/pregnancy.h"
#include "base/idnum.h"
#include "domain/rescue.h"

static const char *const types[] = {"referral", "consultation", NULL};
static const char *const urgencies[] = {"emergency", "urgent", "routine", NULL};
static const char *const kinds[] = {"maternal", "newborn", NULL};

/* ---- small helpers ------------------------------------------------------- */

/* A required member, named in Chinese and English when missing. */
static bool need(json_t *body, const char *key, const char *zh, fy_err_t *e)
{
    json_t *v = json_object_get(body, key);
    if (v && !json_is_null(v))
        return true;
    fy_field(e, key, "required", "%s为必填项 (%s is required)", zh, key);
    return false;
}

static const char *id_text(arena_t *a, int64_t id) { return arena_printf(a, "%lld", (long long)id); }

static void kv_id(buf_t *b, arena_t *a, const char *key, int64_t id)
{
    if (id > 0)
        api_kv_str(b, key, id_text(a, id), true);
    else
        buf_printf(b, ",\"%s\":null", key);
}

static void kv_num(buf_t *b, const char *key, double v)
{
    if (isnan(v))
        buf_printf(b, ",\"%s\":null", key);
    else
        buf_printf(b, ",\"%s\":%.10g", key, round(v * 1e6) / 1e6);
}

static const char *inst_name(const app_t *app, const char *id)
{
    const ref_institution_t *i = id ? refdata_institution(app->ref, id) : NULL;
    return i ? i->name : NULL;
}

static const char *district_name(const app_t *app, const char *code)
{
    const ref_district_t *d = code ? refdata_district(app->ref, code) : NULL;
    return d ? d->name : NULL;
}

/* The `at` of a request: optional, an instant not in the future. */
static bool body_at(json_t *body, const char *key, int64_t now, int64_t *out, fy_err_t *e)
{
    long long ms;
    if (!jv_instant(body, key, false, &ms, e))
        return false;
    if (ms > now) {
        fy_field(e, key, "future", "时间不能晚于当前时间 (%s must not be in the future)", key);
        return false;
    }
    *out = ms;
    return true;
}

/* ---- the network as JSON (the data file and the PUT body) ---------------- */

static const char *const net_known[] = {"label",
                                        "version",
                                        "effective",
                                        "sample",
                                        "note",
                                        "source",
                                        "routing_rule",
                                        "routing_rule_zh",
                                        "routing_order",
                                        "routing_order_note",
                                        "maternal",
                                        "newborn",
                                        "created_at",
                                        "created_by",
                                        "current",
                                        "versions",
                                        NULL};
static const char *const center_known[] = {"center", "name", "districts", "district_names", NULL};

/* Reads the shape of a network; the pairing rules are checked by
 * rescue_network_check. In the data file "version" is the label; in a PUT
 * the server numbers versions, so "version" and the other read-only
 * members of GET are ignored. `prev` supplies the routing rule when a PUT
 * leaves it out. */
static void parse_network(arena_t *a, json_t *root, bool from_file, const rescue_network_t *prev, rescue_network_t *n,
                          fy_err_t *e)
{
    memset(n, 0, sizeof *n);
    jv_no_unknown(root, net_known, e);
    if (from_file)
        jv_str(root, "version", true, 1, 64, &n->label, e);
    else
        jv_str(root, "label", false, 1, 64, &n->label, e);
    if (need(root, "effective", "生效日期", e))
        jv_date(root, "effective", true, &n->effective, e);
    jv_bool(root, "sample", false, &n->sample, e);
    jv_str(root, "note", false, 0, 2000, &n->note, e);
    jv_str(root, "source", false, 0, 2000, &n->source, e);
    bool has_rule = jv_str(root, "routing_rule", false, 0, 2000, &n->rule, e);
    bool has_rule_zh = jv_str(root, "routing_rule_zh", false, 0, 2000, &n->rule_zh, e);
    json_t *order = json_object_get(root, "routing_order");
    if (order && !json_is_null(order)) {
        if (!json_is_array(order) || json_array_size(order) > RESCUE_NBASES) {
            fy_field(e, "routing_order", "type",
                     "路由依据应为数组，取值 "
                     "patient_residence_district、referring_institution_district "
                     "(routing_order "
                     "must be an array of patient_residence_district, "
                     "referring_institution_district)");
        } else {
            size_t i;
            json_t *v;
            json_array_foreach(order, i, v) {
                rescue_basis_t b;
                if (rescue_basis_parse(json_string_value(v), &b)) {
                    fy_field(e, arena_printf(a, "routing_order[%zu]", i), "enum",
                             "路由依据应为 patient_residence_district 或 "
                             "referring_institution_district (must be "
                             "patient_residence_district or referring_institution_district)");
                    continue;
                }
                n->order[n->norder++] = b;
            }
        }
    } else if (prev) {
        memcpy(n->order, prev->order, sizeof n->order);
        n->norder = prev->norder;
        if (!has_rule)
            n->rule = prev->rule;
        if (!has_rule_zh)
            n->rule_zh = prev->rule_zh;
    } else {
        n->order[0] = RESCUE_BY_RESIDENCE;
        n->order[1] = RESCUE_BY_INSTITUTION;
        n->norder = 2;
    }
    for (int k = 0; k < RESCUE_NKINDS; k++) {
        const char *kn = rescue_kind_name((rescue_kind_t)k);
        json_t *list = json_object_get(root, kn);
        if (!list || json_is_null(list)) {
            fy_field(e, kn, "required", "%s为必填项 (%s is required)",
                     k == RESCUE_MATERNAL ? "危重孕产妇会诊抢救中心配对" : "危重新生儿会诊抢救中心配对", kn);
            continue;
        }
        if (!json_is_array(list) || json_array_size(list) > 64) {
            fy_field(e, kn, "type", "%s 应为中心配对数组 (%s must be an array of {center, districts})", kn, kn);
            continue;
        }
        n->centers[k] = arena_alloc(a, sizeof *n->centers[k] * (json_array_size(list) + 1));
        size_t i;
        json_t *c;
        json_array_foreach(list, i, c) {
            const char *f = arena_printf(a, "%s[%zu]", kn, i);
            if (!json_is_object(c)) {
                fy_field(e, f, "type",
                         "应为对象 {center, districts} (must be an object {center, "
                         "districts})");
                continue;
            }
            rescue_center_t *rc = &n->centers[k][n->ncenters[k]++];
            const char *key;
            json_t *v;
            json_object_foreach(c, key, v) {
                bool known = false;
                for (int j = 0; center_known[j]; j++)
                    known |= strcmp(center_known[j], key) == 0;
                if (!known)
                    fy_field(e, arena_printf(a, "%s.%s", f, strlen(key) < 40 ? key : "?"), "unknown",
                             "未知字段 (unknown field)");
            }
            json_t *cv = json_object_get(c, "center");
            if (!cv || !json_is_string(cv) || !*json_string_value(cv))
                fy_field(e, arena_printf(a, "%s.center", f), "required",
                         "中心机构编号为必填项 (center is required: an institution id)");
            else
                rc->center = arena_strdup(a, json_string_value(cv));
            json_t *ds = json_object_get(c, "districts");
            const char *df = arena_printf(a, "%s.districts", f);
            if (!ds || !json_is_array(ds) || json_array_size(ds) > 32) {
                fy_field(e, df, "type",
                         "对口区应为区代码数组 (districts must be an array of district "
                         "codes)");
                continue;
            }
            rc->districts = arena_alloc(a, sizeof *rc->districts * (json_array_size(ds) + 1));
            size_t j;
            json_t *d;
            json_array_foreach(ds, j, d) {
                if (!json_is_string(d)) {
                    fy_field(e, arena_printf(a, "%s[%zu]", df, j), "type", "区代码应为字符串 (must be a string)");
                    continue;
                }
                rc->districts[rc->ndistricts++] = arena_strdup(a, json_string_value(d));
            }
        }
    }
}

static void network_json(const app_t *app, buf_t *b, const store_rescue_network_t *v, int64_t current,
                         const store_rescue_network_t *versions, int nversions)
{
    const rescue_network_t *n = &v->net;
    buf_printf(b, "{\"version\":%lld", (long long)v->version);
    api_kv_str(b, "label", n->label, true);
    api_kv_date(b, "effective", n->effective, true, true);
    buf_printf(b, ",\"current\":%s,\"sample\":%s", v->version == current ? "true" : "false",
               n->sample ? "true" : "false");
    api_kv_str(b, "note", n->note, true);
    api_kv_str(b, "source", n->source, true);
    api_kv_str(b, "routing_rule", n->rule, true);
    api_kv_str(b, "routing_rule_zh", n->rule_zh, true);
    buf_puts(b, ",\"routing_order\":[");
    for (size_t i = 0; i < n->norder; i++) {
        if (i)
            buf_putc(b, ',');
        buf_json_str(b, rescue_basis_name(n->order[i]));
    }
    buf_putc(b, ']');
    for (int k = 0; k < RESCUE_NKINDS; k++) {
        buf_printf(b, ",\"%s\":[", rescue_kind_name((rescue_kind_t)k));
        for (size_t c = 0; c < n->ncenters[k]; c++) {
            const rescue_center_t *rc = &n->centers[k][c];
            buf_puts(b, c ? ",{" : "{");
            api_kv_str(b, "center", rc->center, false);
            api_kv_str(b, "name", inst_name(app, rc->center), true);
            buf_puts(b, ",\"districts\":[");
            for (size_t d = 0; d < rc->ndistricts; d++) {
                if (d)
                    buf_putc(b, ',');
                buf_json_str(b, rc->districts[d]);
            }
            buf_puts(b, "],\"district_names\":[");
            for (size_t d = 0; d < rc->ndistricts; d++) {
                if (d)
                    buf_putc(b, ',');
                buf_json_str(b, district_name(app, rc->districts[d]));
            }
            buf_puts(b, "]}");
        }
        buf_putc(b, ']');
    }
    api_kv_instant(b, "created_at", v->created_at, true);
    if (v->created_by > 0)
        buf_printf(b, ",\"created_by\":\"%lld\"", (long long)v->created_by);
    else
        buf_puts(b, ",\"created_by\":null");
    if (versions) {
        buf_puts(b, ",\"versions\":[");
        for (int i = 0; i < nversions; i++) {
            buf_printf(b, "%s{\"version\":%lld", i ? "," : "", (long long)versions[i].version);
            api_kv_str(b, "label", versions[i].net.label, true);
            api_kv_date(b, "effective", versions[i].net.effective, true, true);
            api_kv_instant(b, "created_at", versions[i].created_at, true);
            buf_printf(b, ",\"current\":%s}", versions[i].version == current ? "true" : "false");
        }
        buf_putc(b, ']');
    }
    buf_putc(b, '}');
}

/* ---- version 1: the shipped sample --------------------------------------- */

static atomic_int network_seeded;

struct seed_ctx {
    rescue_network_t net;
    const char *path;
};

static int seed_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct seed_ctx *c = vctx;
    int64_t count;
    if (store_rescue_network_count(tx, &count, e))
        return -1;
    if (count > 0)
        return 0;
    store_rescue_network_t v = {.net = c->net, .created_at = fy_now_ms()};
    if (store_rescue_network_insert(tx, &v, e))
        return -1;
    store_audit_t a = {.at = v.created_at,
                       .username = "system",
                       .action = "seed",
                       .resource = "rescue_network",
                       .resource_id = arena_printf(store_tx_arena(tx), "%lld", (long long)v.version),
                       .reason = arena_printf(store_tx_arena(tx), "%s %s", c->path, c->net.label)};
    return store_audit_append(tx, &a, e);
}

/* Loads the sample as version 1 when no version is stored. The server calls
 * it at start (main.c), before any request: a request's Idempotency-Key
 * claim rides on its first write unit, which must be the request's own
 * effect, never this seed. */
int rescue_network_ensure(app_t *app, arena_t *a, fy_err_t *err)
{
    if (atomic_load(&network_seeded))
        return 0;
    struct seed_ctx c = {.path = "data/rescue-network.json"};
    char *path = arena_printf(a, "%s/rescue-network.json", app->data_dir ? app->data_dir : "data");
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return fy_fail(err, 503, "rescue_network_file",
                       "无法读取抢救网络配对样例 %s：%s (cannot read the sample "
                       "rescue network %s: %s)",
                       path, je.text, path, je.text);
    arena_defer(a, (void (*)(void *))json_decref, root);
    fy_err_t fe = {0};
    parse_network(a, root, true, NULL, &c.net, &fe);
    if (!fy_has_error(&fe))
        rescue_network_check(&c.net, app->ref, &fe);
    if (fy_has_error(&fe))
        return fy_fail(err, 503, "rescue_network_file",
                       "抢救网络配对样例无效：%s %s (the sample rescue network is "
                       "invalid: %s %s)",
                       fe.n ? fe.fields[0].field : "", fe.n ? fe.fields[0].message : fe.detail,
                       fe.n ? fe.fields[0].field : "", fe.n ? fe.fields[0].message : fe.detail);
    if (store_write(app->store, a, seed_unit, &c, err))
        return -1;
    atomic_store(&network_seeded, 1);
    return 0;
}

static int network_ensure(http_req_t *req)
{
    if (atomic_load(&network_seeded))
        return 0;
    /* only reached without the start-up seed (in-process callers): a claim
     * must not ride on the seed unit */
    store_idem_clear_claim();
    return rescue_network_ensure(api_app(req), req->arena, &req->err);
}

/* ---- GET / PUT /rescue-network ------------------------------------------- */

struct net_ctx {
    int64_t want; /* 0: the current one */
    store_rescue_network_t v, *versions;
    int nversions;
    int64_t current;
};

static int net_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct net_ctx *c = vctx;
    store_rescue_network_t cur;
    int rc = store_rescue_network_current(tx, fy_today(), &cur, e);
    if (rc < 0)
        return -1;
    c->current = rc == 0 ? cur.version : 0;
    if (c->want) {
        rc = store_rescue_network_get(tx, c->want, &c->v, e);
        if (rc)
            return rc < 0 ? -1
                          : fy_fail(e, 404, "not_found", "没有这个抢救网络版本 %lld (no such network version)",
                                    (long long)c->want);
    } else if (rc == 1) {
        return fy_fail(e, 404, "not_found", "今天没有生效的抢救网络版本 (no network version is in force today)");
    } else {
        c->v = cur;
    }
    return store_rescue_network_versions(tx, &c->versions, &c->nversions, e);
}

static int reply_network(http_req_t *req, http_resp_t *resp, int status, int64_t version)
{
    struct net_ctx c = {.want = version};
    if (store_read(api_app(req)->store, req->arena, net_unit, &c, &req->err))
        return -1;
    buf_t b = {0};
    network_json(api_app(req), &b, &c.v, c.current, c.versions, c.nversions);
    api_reply(resp, status, &b);
    http_add_header(resp, "ETag", arena_printf(req->arena, "\"%lld\"", (long long)c.current));
    return 0;
}

static int h_network_get(http_req_t *req, http_resp_t *resp)
{
    if (network_ensure(req))
        return -1;
    int64_t version = 0;
    const char *v = http_query(req, "version");
    if (v) {
        char *end;
        long long x = strtoll(v, &end, 10);
        if (!*v || *end || x <= 0 || strlen(v) > 12) {
            fy_field(&req->err, "version", "range", "version 应为正整数版本号 (version must be a positive integer)");
            return -1;
        }
        version = x;
    }
    return reply_network(req, resp, 200, version);
}

struct put_ctx {
    http_req_t *req;
    json_t *body;
    const char *if_match;
    store_rescue_network_t v;
};

static int put_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct put_ctx *c = vctx;
    http_req_t *req = c->req;
    store_rescue_network_t cur;
    int rc = store_rescue_network_current(tx, fy_today(), &cur, e);
    if (rc < 0)
        return -1;
    if (c->if_match) {
        const char *want = arena_printf(req->arena, "\"%lld\"", (long long)(rc == 0 ? cur.version : 0));
        if (strcmp(c->if_match, want) != 0 && strcmp(c->if_match, "*") != 0)
            return fy_fail(e, 412, "stale_etag",
                           "If-Match 与当前生效版本不符，已有人发布了新版本 "
                           "(If-Match does not match the version in "
                           "force: someone published meanwhile)");
    }
    parse_network(req->arena, c->body, false, rc == 0 ? &cur.net : NULL, &c->v.net, e);
    if (fy_has_error(e))
        return -1;
    if (rescue_network_check(&c->v.net, api_app(req)->ref, e))
        return -1;
    c->v.created_by = api_user(req)->id;
    c->v.created_at = fy_now_ms();
    if (!c->v.net.label) {
        int64_t count; /* versions are never removed: the next number is count + 1 */
        if (store_rescue_network_count(tx, &count, e))
            return -1;
        c->v.net.label = arena_printf(req->arena, "v%lld", (long long)count + 1);
    }
    if (store_rescue_network_insert(tx, &c->v, e))
        return -1;
    char eff[11];
    fy_date_format(c->v.net.effective, eff);
    return api_audit(tx, req, "publish", "rescue_network", id_text(req->arena, c->v.version),
                     arena_printf(req->arena, "%s, effective %s", c->v.net.label, eff), e);
}

static int h_network_put(http_req_t *req, http_resp_t *resp)
{
    if (network_ensure(req))
        return -1;
    struct put_ctx c = {.req = req, .if_match = http_header(req, "If-Match")};
    c.body = api_body(req);
    if (!c.body)
        return -1;
    if (store_write(api_app(req)->store, req->arena, put_unit, &c, &req->err))
        return -1;
    return reply_network(req, resp, 200, c.v.version);
}

/* The newborn transfer indications checklist
 * (data/newborn-transfer-indications.json). */
static json_t *load_indications(http_req_t *req)
{
    const app_t *app = api_app(req);
    char *path =
        arena_printf(req->arena, "%s/newborn-transfer-indications.json", app->data_dir ? app->data_dir : "data");
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root || !json_is_array(json_object_get(root, "indications"))) {
        json_decref(root);
        fy_fail(&req->err, 503, "indications_file",
                "无法读取危重新生儿转运指征 %s (cannot read the newborn transfer "
                "indications)",
                path);
        return NULL;
    }
    arena_defer(req->arena, (void (*)(void *))json_decref, root);
    return root;
}

static int h_indications(http_req_t *req, http_resp_t *resp)
{
    json_t *root = load_indications(req);
    if (!root)
        return -1;
    api_reply_tree(resp, 200, json_incref(root));
    http_add_header(resp, "Cache-Control", "public, max-age=300");
    return 0;
}

/* ---- referrals: rendering ------------------------------------------------ */

struct patient {
    store_woman_t w;
    store_child_t child;
    bool has_child;
};

static void referral_json(http_req_t *req, buf_t *b, const store_referral_t *r, const struct patient *pt,
                          const store_referral_event_t *ev, int nev, bool detail)
{
    const app_t *app = api_app(req);
    arena_t *a = req->arena;
    buf_printf(b, "{\"id\":\"%lld\"", (long long)r->id);
    api_kv_str(b, "kind", r->kind, true);
    api_kv_str(b, "type", r->type, true);
    api_kv_str(b, "urgency", r->urgency, true);
    rescue_state_t st = RS_REQUESTED;
    rescue_state_parse(r->state, &st);
    api_kv_str(b, "state", r->state, true);
    api_kv_str(b, "state_label", rescue_state_label_zh(st), true);
    kv_id(b, a, "pregnancy_id", r->pregnancy_id);
    kv_id(b, a, "child_id", r->child_id);
    kv_id(b, a, "woman_id", r->woman_id);
    if (pt) {
        char masked[64];
        idnum_mask(pt->w.id_number, masked, sizeof masked);
        buf_puts(b, ",\"patient\":{");
        if (pt->has_child) {
            api_kv_str(b, "child_name", pt->child.name, false);
            api_kv_date(b, "birth_date", pt->child.birth_date, true, true);
            api_kv_int(b, "sex", pt->child.sex, true);
            api_kv_str(b, "mother_name", pt->w.name, true);
        } else {
            api_kv_str(b, "name", pt->w.name, false);
        }
        api_kv_str(b, "id_number", masked, true);
        api_kv_str(b, "residence_district", r->patient_district, true);
        api_kv_str(b, "residence_district_name", district_name(app, r->patient_district), true);
        buf_putc(b, '}');
    }
    api_kv_str(b, "from_institution_id", r->from_institution_id, true);
    api_kv_str(b, "from_institution_name", inst_name(app, r->from_institution_id), true);
    api_kv_str(b, "from_district", r->from_district, true);
    api_kv_str(b, "center", r->center_id, true);
    api_kv_str(b, "center_id", r->center_id, true);
    api_kv_str(b, "center_name", inst_name(app, r->center_id), true);
    buf_printf(b, ",\"routing\":{\"network_version\":%lld", (long long)r->network_version);
    api_kv_str(b, "basis", r->routing_basis, true);
    api_kv_str(b, "district", r->routing_district, true);
    api_kv_str(b, "district_name", district_name(app, r->routing_district), true);
    api_kv_str(b, "center", r->first_center_id, true);
    buf_putc(b, '}');
    api_kv_int(b, "redirects", r->redirects, true);
    api_kv_str(b, "reason", r->reason, true);
    buf_printf(b, ",\"indications\":%s", r->indications ? r->indications : "[]");
    api_kv_str(b, "outcome", r->outcome, true);
    api_kv_instant(b, "requested_at", r->requested_at, true);
    api_kv_instant(b, "center_requested_at", r->center_requested_at, true);
    api_kv_instant(b, "accepted_at", r->accepted_at, true);
    api_kv_instant(b, "in_transit_at", r->in_transit_at, true);
    api_kv_instant(b, "arrived_at", r->arrived_at, true);
    api_kv_instant(b, "closed_at", r->closed_at, true);
    kv_num(b, "minutes_to_accept", r->accepted_at ? rescue_minutes(r->center_requested_at, r->accepted_at) : NAN);
    kv_num(b, "minutes_to_arrive", r->arrived_at ? rescue_minutes(r->center_requested_at, r->arrived_at) : NAN);
    rescue_state_t nx[RS_NSTATES];
    size_t nn = rescue_next_states(st, nx);
    buf_puts(b, ",\"allowed_transitions\":[");
    for (size_t i = 0; i < nn; i++) {
        if (i)
            buf_putc(b, ',');
        buf_json_str(b, rescue_state_name(nx[i]));
    }
    buf_putc(b, ']');
    if (detail) {
        buf_puts(b, ",\"transitions\":[");
        for (int i = 0; i < nev; i++) {
            const store_referral_event_t *x = &ev[i];
            buf_puts(b, i ? ",{" : "{");
            api_kv_str(b, "from", x->from_state, false);
            api_kv_str(b, "to", x->to_state, true);
            api_kv_instant(b, "at", x->at, true);
            api_kv_str(b, "center", x->center_id, true);
            if (x->to_center_id)
                api_kv_str(b, "to_center", x->to_center_id, true);
            if (x->outcome)
                api_kv_str(b, "outcome", x->outcome, true);
            api_kv_str(b, "note", x->note, true);
            buf_puts(b, ",\"user\":{");
            if (x->user_id > 0)
                api_kv_str(b, "id", id_text(a, x->user_id), false);
            else
                buf_puts(b, "\"id\":null");
            api_kv_str(b, "username", x->username, true);
            buf_puts(b, "}");
            api_kv_instant(b, "recorded_at", x->recorded_at, true);
            buf_putc(b, '}');
        }
        buf_putc(b, ']');
    }
    api_kv_instant(b, "created_at", r->created_at, true);
    api_kv_instant(b, "updated_at", r->updated_at, true);
    api_kv_int(b, "version", r->version, true);
    buf_putc(b, '}');
}

static int load_patient(store_tx_t *tx, const store_referral_t *r, struct patient *pt, fy_err_t *e)
{
    memset(pt, 0, sizeof *pt);
    if (r->child_id > 0) {
        if (store_child_get(tx, r->child_id, &pt->child, e) < 0)
            return -1;
        pt->has_child = true;
    }
    return store_woman_get(tx, r->woman_id, &pt->w, e) < 0 ? -1 : 0;
}

static int check_visible(http_req_t *req, const store_referral_t *r, fy_err_t *e)
{
    api_user_t *u = api_user(req);
    if (!rescue_referral_visible(&u->scope, u->role, r->center_id, r->from_institution_id, r->patient_district,
                                 r->from_district))
        return fy_fail(e, 403, "out_of_scope", "该转诊不在您的管辖范围内 (this referral is outside your scope)");
    return 0;
}

struct ref_read_ctx {
    http_req_t *req;
    int64_t id;
    bool just_acted; /* the reply to the user's own transition (a redirect moves
                        it out of sight) */
    store_referral_t r;
    struct patient pt;
    store_referral_event_t *ev;
    int nev;
};

static int ref_read_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct ref_read_ctx *c = vctx;
    int rc = store_referral_get(tx, c->id, &c->r, e);
    if (rc)
        return rc < 0 ? -1
                      : fy_fail(e, 404, "not_found", "没有这个转诊记录 (no such referral: %lld)", (long long)c->id);
    if (!c->just_acted && check_visible(c->req, &c->r, e))
        return -1;
    if (load_patient(tx, &c->r, &c->pt, e))
        return -1;
    return store_referral_events_of(tx, c->id, &c->ev, &c->nev, e);
}

static int reply_referral(http_req_t *req, http_resp_t *resp, int status, int64_t id, bool just_acted)
{
    struct ref_read_ctx c = {.req = req, .id = id, .just_acted = just_acted};
    if (store_read(api_app(req)->store, req->arena, ref_read_unit, &c, &req->err))
        return -1;
    buf_t b = {0};
    referral_json(req, &b, &c.r, &c.pt, c.ev, c.nev, true);
    api_reply(resp, status, &b);
    http_add_header(resp, "ETag", arena_printf(req->arena, "\"%lld\"", (long long)c.r.version));
    if (status == 201)
        http_add_header(resp, "Location", arena_printf(req->arena, "/api/v1/referrals/%lld", (long long)id));
    return 0;
}

/* ---- POST /referrals ----------------------------------------------------- */

struct create_ctx {
    http_req_t *req;
    store_referral_t r;
    const char *note; /* kept on the request's event */
    const ref_institution_t *from;
    rescue_kind_t kind;
    bool has_at;
    int64_t at;
};

static int create_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct create_ctx *c = vctx;
    http_req_t *req = c->req;
    const app_t *app = api_app(req);
    store_referral_t *r = &c->r;
    if (c->kind == RESCUE_MATERNAL) {
        store_pregnancy_t p;
        int rc = store_pregnancy_get(tx, r->pregnancy_id, &p, e);
        if (rc)
            return rc < 0 ? -1
                          : fy_fail(e, 404, "not_found", "没有这个孕产期档案 (no such pregnancy: %lld)",
                                    (long long)r->pregnancy_id);
        if (strcmp(p.status, "closed") == 0)
            return fy_fail(e, 409, "pregnancy_closed",
                           "该孕产期档案已结束（%s），不能再转诊 (the pregnancy has ended: %s)",
                           p.outcome ? p.outcome : p.status, p.outcome ? p.outcome : p.status);
        r->woman_id = p.woman_id;
        if (c->has_at && fy_date_of_instant(c->at) < p.lmp)
            return fy_field(e, "at", "before_pregnancy", "申请时间早于末次月经 (at is before the LMP)"), -1;
    } else {
        store_child_t ch;
        int rc = store_child_get(tx, r->child_id, &ch, e);
        if (rc < 0)
            return -1;
        if (rc == 1 || strcmp(ch.outcome, "live") != 0)
            return fy_fail(e, 404, "not_found", "没有这个儿童档案 (no such child: %lld)", (long long)r->child_id);
        r->woman_id = ch.mother_id;
        if (c->has_at && c->at < ch.born_at)
            return fy_field(e, "at", "before_birth", "申请时间早于出生时间 (at is before the birth)"), -1;
        r->patient_district = ch.residence_district;
    }
    store_woman_t w;
    int rc = store_woman_get(tx, r->woman_id, &w, e);
    if (rc)
        return rc < 0 ? -1 : fy_fail(e, 404, "not_found", "没有这位妇女的档案 (no such woman)");
    if (c->kind == RESCUE_MATERNAL)
        r->patient_district = w.residence_district;
    const char *patient_district = r->patient_district;

    store_rescue_network_t net;
    rc = store_rescue_network_current(tx, fy_today(), &net, e);
    if (rc)
        return rc < 0 ? -1 : fy_fail(e, 503, "no_network", "没有生效的抢救网络配对 (no rescue network is in force)");
    rescue_basis_t basis;
    const char *district;
    const char *center = rescue_route(&net.net, c->kind, patient_district, c->from->district, &basis, &district);
    if (!center)
        return fy_fail(e, 409, "no_center",
                       "现行抢救网络中没有与该区配对的中心 (the network in force "
                       "pairs no centre with the district)");
    const ref_institution_t *ci = refdata_institution(app->ref, center);
    /* the referring institution and the centre both serve her from now on */
    if (store_woman_link(tx, r->woman_id, c->from->id, c->from->district, e))
        return -1;
    if (ci && strcmp(ci->id, c->from->id) != 0 && store_woman_link(tx, r->woman_id, ci->id, ci->district, e))
        return -1;
    if (api_check_woman(req, tx, r->woman_id, e))
        return -1;
    api_user_t *u = api_user(req);
    int64_t now = fy_now_ms();
    r->from_institution_id = c->from->id;
    r->from_district = c->from->district;
    r->network_version = net.version;
    r->routing_basis = rescue_basis_name(basis);
    r->routing_district = district;
    r->first_center_id = r->center_id = center;
    r->state = "requested";
    r->requested_at = r->center_requested_at = r->last_at = c->has_at ? c->at : now;
    r->created_by = u->id;
    r->created_at = now;
    if (store_referral_insert(tx, r, e))
        return -1;
    store_referral_event_t ev = {.referral_id = r->id,
                                 .to_state = "requested",
                                 .at = r->requested_at,
                                 .center_id = center,
                                 .note = c->note,
                                 .user_id = u->id,
                                 .username = u->username,
                                 .recorded_at = now};
    if (store_referral_event_insert(tx, &ev, e))
        return -1;
    return api_audit(
        tx, req, "create", "referral", id_text(req->arena, r->id),
        arena_printf(req->arena, "%s %s → %s (network v%lld)", r->kind, r->type, center, (long long)net.version), e);
}

/* Newborn indications: codes of the checklist, at least one. */
static const char *newborn_indications(http_req_t *req, json_t *arr, fy_err_t *e)
{
    if (!arr || json_is_null(arr)) {
        fy_field(e, "indications", "required",
                 "新生儿转诊须勾选危重新生儿转运指征，见 GET "
                 "/api/v1/rescue-network/indications (a newborn referral "
                 "needs at least one transfer indication)");
        return NULL;
    }
    if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > 32) {
        fy_field(e, "indications", "type",
                 "转运指征应为1–32个指征代码的数组 (indications must be an array "
                 "of 1 to 32 indication codes)");
        return NULL;
    }
    json_t *root = load_indications(req);
    if (!root)
        return NULL;
    json_t *list = json_object_get(root, "indications");
    buf_t b = {0};
    buf_putc(&b, '[');
    bool ok = true;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        const char *code = json_string_value(v);
        const char *f = arena_printf(req->arena, "indications[%zu]", i);
        bool found = false;
        size_t j;
        json_t *it;
        json_array_foreach(list, j, it) {
            const char *known = json_string_value(json_object_get(it, "code"));
            if (code && known && strcmp(code, known) == 0)
                found = true;
        }
        if (!found) {
            bool printable = code && jv_utf8_len(code) >= 0 && strlen(code) < 60;
            fy_field(e, f, "unknown_indication",
                     "未知的危重新生儿转运指征代码 %s，见 GET "
                     "/api/v1/rescue-network/indications (unknown newborn "
                     "transfer indication %s)",
                     printable ? code : "?", printable ? code : "?");
            ok = false;
            continue;
        }
        bool dup = false;
        for (size_t k = 0; k < i && !dup; k++) {
            const char *prev = json_string_value(json_array_get(arr, k));
            dup = prev && strcmp(prev, code) == 0;
        }
        if (dup) {
            fy_field(e, f, "duplicate", "转运指征重复 (the indication is listed twice)");
            ok = false;
            continue;
        }
        if (b.len > 1)
            buf_putc(&b, ',');
        buf_json_str(&b, code);
    }
    buf_putc(&b, ']');
    const char *out = ok ? arena_strdup(req->arena, b.p) : NULL;
    buf_free(&b);
    return out;
}

static const char *const create_fields[] = {"kind",   "type",    "pregnancy_id", "child_id", "from_institution_id",
                                            "reason", "urgency", "indications",  "at",       "requested_at",
                                            "note",   NULL};

static int h_create(http_req_t *req, http_resp_t *resp)
{
    if (network_ensure(req))
        return -1;
    json_t *body = api_body(req);
    if (!body)
        return -1;
    fy_err_t *e = &req->err;
    const app_t *app = api_app(req);
    api_user_t *u = api_user(req);
    struct create_ctx c = {.req = req};
    store_referral_t *r = &c.r;
    int kind = -1, type = -1, urgency = -1;
    jv_no_unknown(body, create_fields, e);
    if (need(body, "kind", "转诊类别", e))
        jv_enum(body, "kind", true, kinds, &kind, e);
    if (need(body, "type", "请求类型（转诊或会诊）", e))
        jv_enum(body, "type", true, types, &type, e);
    if (need(body, "urgency", "紧急程度", e))
        jv_enum(body, "urgency", true, urgencies, &urgency, e);
    if (need(body, "reason", "转诊原因", e))
        jv_str(body, "reason", true, 1, 2000, &r->reason, e);
    jv_str(body, "note", false, 0, 2000, &c.note, e);
    json_t *pv = json_object_get(body, "pregnancy_id"), *cv = json_object_get(body, "child_id");
    bool has_preg = pv && !json_is_null(pv), has_child = cv && !json_is_null(cv);
    if (kind == RESCUE_MATERNAL) {
        if (need(body, "pregnancy_id", "孕产期档案", e))
            jv_id(body, "pregnancy_id", false, &r->pregnancy_id, e);
        if (has_child)
            fy_field(e, "child_id", "not_allowed",
                     "孕产妇转诊不填写儿童档案，新生儿转诊请用 kind=newborn "
                     "(child_id is for newborn referrals)");
        json_t *ind = json_object_get(body, "indications");
        r->indications = ind && !json_is_null(ind) ? preg_declared_codes(req, ind, "indications", e) : "[]";
    } else if (kind == RESCUE_NEWBORN) {
        if (need(body, "child_id", "新生儿档案", e))
            jv_id(body, "child_id", false, &r->child_id, e);
        if (has_preg)
            fy_field(e, "pregnancy_id", "not_allowed",
                     "新生儿转诊填写 child_id，不填写孕产期档案 (a newborn referral "
                     "names child_id, not pregnancy_id)");
        r->indications = newborn_indications(req, json_object_get(body, "indications"), e);
    }
    int64_t now = fy_now_ms();
    if (json_object_get(body, "at") && json_object_get(body, "requested_at"))
        fy_field(e, "requested_at", "duplicate", "at 与 requested_at 只能填一个 (send at or requested_at, not both)");
    else
        c.has_at = body_at(body, json_object_get(body, "at") ? "at" : "requested_at", now, &c.at, e);
    const char *from_id = u->institution_id;
    jv_str(body, "from_institution_id", false, 1, 64, &from_id, e);
    if (fy_has_error(e))
        return -1;
    c.from = from_id ? refdata_institution(app->ref, from_id) : NULL;
    if (!c.from) {
        fy_field(e, "from_institution_id", from_id ? "unknown_institution" : "required",
                 from_id ? "没有这个机构 (no such institution)" : "转出机构为必填项 (from_institution_id is required)");
        return -1;
    }
    if (!u->institution_id || strcmp(u->institution_id, c.from->id) != 0) {
        fy_fail(e, 403, "other_institution",
                "只能以本机构名义发起转诊 (you can refer only from your own "
                "institution)");
        fy_field(e, "from_institution_id", "other_institution",
                 "转出机构须为本人所在机构 (from_institution_id must be your own "
                 "institution)");
        return -1;
    }
    c.kind = (rescue_kind_t)kind;
    r->kind = kinds[kind];
    r->type = types[type];
    r->urgency = urgencies[urgency];
    if (store_write(app->store, req->arena, create_unit, &c, e))
        return -1;
    return reply_referral(req, resp, 201, r->id, true);
}

/* ---- transitions --------------------------------------------------------- */

struct trans_ctx {
    http_req_t *req;
    int64_t id;
    rescue_state_t to;
    int outcome;
    bool has_at;
    int64_t at;
    const char *note, *reason, *center;
};

static int trans_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct trans_ctx *c = vctx;
    http_req_t *req = c->req;
    const app_t *app = api_app(req);
    api_user_t *u = api_user(req);
    store_referral_t r;
    int rc = store_referral_get(tx, c->id, &r, e);
    if (rc)
        return rc < 0 ? -1
                      : fy_fail(e, 404, "not_found", "没有这个转诊记录 (no such referral: %lld)", (long long)c->id);
    if (check_visible(req, &r, e))
        return -1;
    rescue_state_t from;
    if (rescue_state_parse(r.state, &from))
        return fy_fail(e, 503, "store", "转诊状态无效 (the stored state is invalid)");
    rescue_actor_t actor = rescue_actor_of(u->role, u->institution_id, r.center_id, r.from_institution_id);
    if (!rescue_actor_may(actor, c->to)) {
        fy_fail(e, 403, "not_your_step",
                actor == RESCUE_ACTOR_REFERRER ? "转出机构只能登记“转运中”，其余步骤由接收中心登记 (the "
                                                 "referring institution records only "
                                                 "in_transit; the centre records the other steps)"
                                               : "只有该转诊当前所在抢救中心的人员可以登记此步骤 (only the "
                                                 "staff of the centre the referral "
                                                 "waits at may record this step)");
        fy_field(e, "to", "not_your_step", "您不能登记此步骤 (you may not record this transition)");
        return -1;
    }
    if (!rescue_transition_allowed(from, c->to)) {
        rescue_state_t nx[RS_NSTATES];
        size_t nn = rescue_next_states(from, nx);
        buf_t allowed = {0};
        for (size_t i = 0; i < nn; i++)
            buf_printf(&allowed, "%s\"%s\"", i ? "," : "", rescue_state_name(nx[i]));
        snprintf(e->extra, sizeof e->extra, "\"state\":\"%s\",\"allowed\":[%s]", rescue_state_name(from),
                 allowed.p ? allowed.p : "");
        buf_free(&allowed);
        fy_fail(e, 409, "illegal_transition", "不能从“%s”转为“%s” (cannot go from %s to %s)",
                rescue_state_label_zh(from), rescue_state_label_zh(c->to), rescue_state_name(from),
                rescue_state_name(c->to));
        fy_field(e, "to", "illegal_transition", "当前状态为“%s”，不能转为“%s” (the referral is %s; %s is not allowed)",
                 rescue_state_label_zh(from), rescue_state_label_zh(c->to), rescue_state_name(from),
                 rescue_state_name(c->to));
        return -1;
    }
    int64_t now = fy_now_ms();
    int64_t at = c->has_at ? c->at : now;
    switch (rescue_check_at(at, now, r.last_at)) {
    case RESCUE_AT_FUTURE:
        return fy_field(e, "at", "future", "时间不能晚于当前时间 (at must not be in the future)"), -1;
    case RESCUE_AT_BEFORE_PREVIOUS: {
        char prev[21];
        fy_instant_format(r.last_at, prev);
        return fy_field(e, "at", "before_previous", "时间早于上一步骤 %s (at is before the previous step at %s)", prev,
                        prev),
               -1;
    }
    default:
        break;
    }
    store_referral_event_t ev = {.referral_id = r.id,
                                 .from_state = r.state,
                                 .to_state = rescue_state_name(c->to),
                                 .at = at,
                                 .center_id = r.center_id,
                                 .note = c->note,
                                 .user_id = u->id,
                                 .username = u->username,
                                 .recorded_at = now};
    switch (c->to) {
    case RS_REDIRECTED: {
        rescue_kind_t k = RESCUE_MATERNAL;
        rescue_kind_parse(r.kind, &k);
        const ref_institution_t *to = refdata_institution(app->ref, c->center);
        if (!to)
            return fy_field(e, "center", "unknown_institution", "没有这个机构 %s (no such institution)", c->center), -1;
        if (!(to->types & rescue_kind_center_type(k)))
            return fy_field(e, "center", "institution_type", "%s 不是%s会诊抢救中心 (%s is not a %s rescue centre)",
                            to->id, k == RESCUE_MATERNAL ? "危重孕产妇" : "危重新生儿", to->id, r.kind),
                   -1;
        if (strcmp(to->id, r.center_id) == 0)
            return fy_field(e, "center", "same_center", "不能改派给本中心 (redirect to another centre)"), -1;
        ev.to_center_id = to->id;
        ev.note = c->note && strcmp(c->note, c->reason) != 0 ? arena_printf(req->arena, "%s；%s", c->reason, c->note)
                                                             : c->reason;
        r.center_id = to->id;
        r.center_requested_at = at;
        r.redirects++;
        if (store_woman_link(tx, r.woman_id, to->id, to->district, e))
            return -1;
        break;
    }
    case RS_ACCEPTED:
        r.accepted_at = at;
        break;
    case RS_IN_TRANSIT:
        r.in_transit_at = at;
        break;
    case RS_ARRIVED:
        r.arrived_at = at;
        break;
    case RS_CLOSED:
        r.closed_at = at;
        r.outcome = rescue_outcome_names[c->outcome];
        ev.outcome = r.outcome;
        break;
    default:
        break;
    }
    r.state = rescue_state_name(rescue_state_after(c->to));
    r.last_at = at;
    r.updated_at = now;
    if (store_referral_update(tx, &r, e) || store_referral_event_insert(tx, &ev, e))
        return -1;
    return api_audit(tx, req, "transition", "referral", id_text(req->arena, r.id),
                     arena_printf(req->arena, "%s → %s%s%s", ev.from_state, ev.to_state,
                                  ev.to_center_id ? " → " : (ev.outcome ? ": " : ""),
                                  ev.to_center_id ? ev.to_center_id : (ev.outcome ? ev.outcome : "")),
                     e);
}

static const char *const trans_fields[] = {"to", "note", "at", "reason", "center", "center_id", "outcome", NULL};
static const char *const to_states[] = {"requested", "accepted", "redirected", "in_transit", "arrived", "closed", NULL};

static int h_transition(http_req_t *req, http_resp_t *resp)
{
    struct trans_ctx c = {.req = req, .outcome = -1};
    json_t *body = api_id_and_body(req, &c.id);
    if (!body)
        return -1;
    fy_err_t *e = &req->err;
    int to = -1;
    jv_no_unknown(body, trans_fields, e);
    if (need(body, "to", "目标状态", e))
        jv_enum(body, "to", true, to_states, &to, e);
    jv_str(body, "note", false, 0, 2000, &c.note, e);
    jv_str(body, "reason", false, 1, 2000, &c.reason, e);
    if (json_object_get(body, "center") && json_object_get(body, "center_id"))
        fy_field(e, "center_id", "duplicate", "center 与 center_id 只能填一个 (send center or center_id, not both)");
    else
        jv_str(body, json_object_get(body, "center_id") ? "center_id" : "center", false, 1, 64, &c.center, e);
    jv_enum(body, "outcome", false, rescue_outcome_names, &c.outcome, e);
    c.has_at = body_at(body, "at", fy_now_ms(), &c.at, e);
    if (to >= 0) {
        c.to = (rescue_state_t)to;
        if (c.to == RS_REDIRECTED) {
            if (!c.center && !json_object_get(body, "center") && !json_object_get(body, "center_id"))
                fy_field(e, "center", "required", "改派须指定新的抢救中心 (a redirect names the new centre)");
            if (!c.reason)
                c.reason = c.note;
            if (!c.reason && !json_object_get(body, "reason"))
                fy_field(e, "reason", "required", "改派须说明原因 (a redirect needs a reason)");
        } else {
            if (json_object_get(body, "center") || json_object_get(body, "center_id"))
                fy_field(e, json_object_get(body, "center") ? "center" : "center_id", "not_allowed",
                         "只有改派时填写新的中心 (center is only for a redirect)");
        }
        if (c.to == RS_CLOSED) {
            if (!json_object_get(body, "outcome"))
                fy_field(e, "outcome", "required",
                         "结案须填写结局：recovered（好转）、transferred（再转诊）、die"
                         "d（死亡） (closing needs an "
                         "outcome: recovered, transferred or died)");
        } else if (json_object_get(body, "outcome")) {
            fy_field(e, "outcome", "not_allowed", "只有结案时填写结局 (outcome is only for closing)");
        }
        if (c.to != RS_REDIRECTED && c.reason) {
            /* a reason on another step is kept in its note, before the note */
            c.note = c.note && *c.note ? arena_printf(req->arena, "%s；%s", c.reason, c.note) : c.reason;
        }
    }
    if (fy_has_error(e))
        return -1;
    if (store_write(api_app(req)->store, req->arena, trans_unit, &c, e))
        return -1;
    return reply_referral(req, resp, 200, c.id, true);
}

/* ---- reads and lists ----------------------------------------------------- */

static int h_get(http_req_t *req, http_resp_t *resp)
{
    int64_t id;
    if (api_id_param(req, 0, &id))
        return -1;
    if (reply_referral(req, resp, 200, id, false))
        return -1;
    if (api_audit_read(req, "read", "referral", req->params[0], NULL)) {
        buf_free(&resp->body);
        return -1;
    }
    return 0;
}

struct list_ctx {
    store_referral_query_t q;
    store_referral_t *rows;
    struct patient *pts;
    int n;
    int64_t total;
};

static int list_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct list_ctx *c = vctx;
    if (store_referrals_search(tx, &c->q, &c->rows, &c->n, &c->total, e))
        return -1;
    c->pts = arena_alloc(store_tx_arena(tx), sizeof *c->pts * (size_t)(c->n ? c->n : 1));
    for (int i = 0; i < c->n; i++)
        if (load_patient(tx, &c->rows[i], &c->pts[i], e))
            return -1;
    return 0;
}

static int64_t query_id(http_req_t *req, const char *key)
{
    const char *v = http_query(req, key);
    if (!v)
        return 0;
    char *end;
    long long x = strtoll(v, &end, 10);
    if (!*v || *end || x <= 0 || strlen(v) > 18) {
        fy_field(&req->err, key, "id", "%s 应为档案编号 (%s must be a record id)", key, key);
        return 0;
    }
    return x;
}

static const char *const list_states[] = {"requested", "accepted", "in_transit", "arrived", "closed", "open", NULL};

static int list_referrals(http_req_t *req, http_resp_t *resp, bool worklist)
{
    const app_t *app = api_app(req);
    api_user_t *u = api_user(req);
    if (network_ensure(req))
        return -1;
    struct list_ctx c = {0};
    int page;
    if (api_paging(req, &c.q.limit, &c.q.offset, &page))
        return -1;
    c.q.scope = &u->scope;
    c.q.role = u->role;
    const char *state = api_query_enum(req, "state", list_states);
    if (state && strcmp(state, "open") == 0)
        c.q.open_only = true;
    else
        c.q.state = state;
    if (worklist && !state)
        c.q.open_only = true; /* the work list: what still needs doing */
    c.q.kind = api_query_enum(req, "kind", kinds);
    c.q.type = api_query_enum(req, "type", types);
    c.q.center = http_query(req, "center");
    if (c.q.center) {
        const ref_institution_t *ci = refdata_institution(app->ref, c.q.center);
        if (!ci || !(ci->types & (INST_MATERNAL_RESCUE_CENTER | INST_NEWBORN_RESCUE_CENTER)))
            fy_field(&req->err, "center", "unknown_center", "没有这个抢救中心 (no such rescue centre)");
    }
    c.q.district = http_query(req, "district");
    if (c.q.district && !refdata_district(app->ref, c.q.district))
        fy_field(&req->err, "district", "district", "区代码无效 (district must be one of the 16 district codes)");
    c.q.pregnancy_id = query_id(req, "pregnancy_id");
    c.q.child_id = query_id(req, "child_id");
    if (fy_has_error(&req->err))
        return -1;
    if (worklist && u->role == ROLE_RESCUE_CENTER) {
        /* a centre's work list is the referrals waiting at it */
        if (c.q.center && (!u->institution_id || strcmp(c.q.center, u->institution_id) != 0)) {
            fy_fail(&req->err, 403, "other_center", "只能查看本中心的转诊 (you see only your own centre's referrals)");
            fy_field(&req->err, "center", "other_center", "只能查看本中心 (only your own centre)");
            return -1;
        }
        c.q.center = u->institution_id;
    }
    if (store_read(app->store, req->arena, list_unit, &c, &req->err))
        return -1;
    buf_t out = {0}, ids = {0};
    buf_puts(&out, "{\"items\":[");
    for (int i = 0; i < c.n; i++) {
        if (i)
            buf_putc(&out, ',');
        referral_json(req, &out, &c.rows[i], &c.pts[i], NULL, 0, false);
        buf_printf(&ids, "%s%lld", i ? "," : "", (long long)c.rows[i].id);
    }
    buf_printf(&out, "],\"page\":%d,\"page_size\":%d,\"total\":%lld}", page, c.q.limit, (long long)c.total);
    return api_reply_search(req, resp, &out, "referral", &ids, NULL);
}

static int h_list(http_req_t *req, http_resp_t *resp) { return list_referrals(req, resp, false); }
static int h_worklist(http_req_t *req, http_resp_t *resp) { return list_referrals(req, resp, true); }

/* ---- response-time metrics ----------------------------------------------- */

struct metrics_ctx {
    int64_t from_ms, to_ms;
    const char *center, *kind, *type;
    store_referral_t *rows;
    int n;
    store_rescue_network_t net;
    bool has_net;
};

static int metrics_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct metrics_ctx *c = vctx;
    int rc = store_rescue_network_current(tx, fy_today(), &c->net, e);
    if (rc < 0)
        return -1;
    c->has_net = rc == 0;
    return store_referrals_for_metrics(tx, c->from_ms, c->to_ms, c->center, c->kind, c->type, &c->rows, &c->n, e);
}

static void add_center(const char **list, int *n, int cap, const char *id)
{
    for (int i = 0; i < *n; i++)
        if (strcmp(list[i], id) == 0)
            return;
    if (*n < cap)
        list[(*n)++] = id;
}

static void stats_json(buf_t *b, const char *key, double *v, size_t n)
{
    buf_printf(b, ",\"%s\":{\"n\":%zu", key, n);
    double median = rescue_percentile(v, n, 0.5);
    double p90 = rescue_percentile(v, n, 0.9);
    kv_num(b, "median", median);
    kv_num(b, "p90", p90);
    kv_num(b, "min", n ? v[0] : NAN);
    kv_num(b, "max", n ? v[n - 1] : NAN);
    buf_putc(b, '}');
}

static int h_metrics(http_req_t *req, http_resp_t *resp)
{
    const app_t *app = api_app(req);
    if (network_ensure(req))
        return -1;
    struct metrics_ctx c = {0};
    fy_date_t from = 0, to = 0;
    bool has_from, has_to;
    api_query_date(req, "from", &from, &has_from);
    api_query_date(req, "to", &to, &has_to);
    if (has_from && has_to && to < from && !fy_has_error(&req->err))
        fy_field(&req->err, "to", "range", "结束日期早于开始日期 (to is before from)");
    c.center = http_query(req, "center");
    if (c.center) {
        const ref_institution_t *ci = refdata_institution(app->ref, c.center);
        if (!ci || !(ci->types & (INST_MATERNAL_RESCUE_CENTER | INST_NEWBORN_RESCUE_CENTER)))
            fy_field(&req->err, "center", "unknown_center", "没有这个抢救中心 (no such rescue centre)");
    }
    c.kind = api_query_enum(req, "kind", kinds);
    c.type = api_query_enum(req, "type", types);
    if (fy_has_error(&req->err))
        return -1;
    /* from/to are Shanghai dates, both included */
    if (has_from)
        c.from_ms = (int64_t)from * 86400000LL - FY_SHANGHAI_OFFSET_MS;
    if (has_to)
        c.to_ms = (int64_t)(to + 1) * 86400000LL - FY_SHANGHAI_OFFSET_MS;
    if (store_read(app->store, req->arena, metrics_unit, &c, &req->err))
        return -1;

    /* the centres: the one asked for, else the network's in force and any with
     * referrals */
    int cap = 64, nc = 0;
    const char **centers = arena_alloc(req->arena, sizeof *centers * (size_t)cap);
    if (c.center) {
        add_center(centers, &nc, cap, c.center);
    } else {
        for (int k = 0; k < RESCUE_NKINDS && c.has_net; k++) {
            rescue_kind_t kk;
            if (c.kind && (rescue_kind_parse(c.kind, &kk) || kk != (rescue_kind_t)k))
                continue;
            for (size_t i = 0; i < c.net.net.ncenters[k]; i++)
                add_center(centers, &nc, cap, c.net.net.centers[k][i].center);
        }
        for (int i = 0; i < c.n; i++)
            add_center(centers, &nc, cap, c.rows[i].center_id);
    }
    double *acc = arena_alloc(req->arena, sizeof *acc * (size_t)(c.n ? c.n : 1));
    double *arr = arena_alloc(req->arena, sizeof *arr * (size_t)(c.n ? c.n : 1));
    buf_t b = {0};
    buf_puts(&b, "{");
    api_kv_date(&b, "from", from, has_from, false);
    api_kv_date(&b, "to", to, has_to, true);
    api_kv_str(&b, "center", c.center, true);
    api_kv_str(&b, "kind", c.kind, true);
    api_kv_str(&b, "type", c.type, true);
    buf_puts(&b, ",\"unit\":\"minutes\"");
    api_kv_str(&b, "percentile_method",
               "线性插值（Hyndman-Fan 第7型，同 Excel PERCENTILE.INC 与 numpy "
               "默认）：升序排列 x[0..n-1]，"
               "h=(n−1)·p，取 x[⌊h⌋]+(h−⌊h⌋)·(x[⌊h⌋+1]−x[⌊h⌋])；中位数 "
               "p=0.5，第90百分位 p=0.9 (linear "
               "interpolation between closest ranks, Hyndman-Fan type 7: sort "
               "ascending, h=(n-1)p, "
               "q=x[floor h]+(h-floor h)(x[floor h+1]-x[floor h]); median p=0.5, "
               "p90 p=0.9)",
               true);
    api_kv_str(&b, "interval_start",
               "“申请”指请求到达该中心的时间：首次申请，或改派到该中心的时间 "
               "(requested = when the request reached "
               "the centre: the request, or the redirect that sent it there)",
               true);
    buf_puts(&b, ",\"items\":[");
    for (int ci = 0; ci < nc; ci++) {
        size_t na = 0, nr = 0;
        int count = 0, outcomes[RO_NOUTCOMES] = {0}, states[RS_NSTATES] = {0};
        for (int i = 0; i < c.n; i++) {
            const store_referral_t *r = &c.rows[i];
            if (strcmp(r->center_id, centers[ci]) != 0)
                continue;
            count++;
            rescue_state_t st;
            if (rescue_state_parse(r->state, &st) == 0)
                states[st]++;
            if (r->accepted_at)
                acc[na++] = rescue_minutes(r->center_requested_at, r->accepted_at);
            if (r->arrived_at)
                arr[nr++] = rescue_minutes(r->center_requested_at, r->arrived_at);
            for (int o = 0; r->outcome && o < RO_NOUTCOMES; o++)
                if (strcmp(r->outcome, rescue_outcome_names[o]) == 0)
                    outcomes[o]++;
        }
        buf_puts(&b, ci ? ",{" : "{");
        api_kv_str(&b, "center", centers[ci], false);
        api_kv_str(&b, "center_name", inst_name(app, centers[ci]), true);
        api_kv_int(&b, "count", count, true);
        stats_json(&b, "requested_to_accepted", acc, na);
        stats_json(&b, "requested_to_arrived", arr, nr);
        buf_puts(&b, ",\"outcomes\":{");
        for (int o = 0; o < RO_NOUTCOMES; o++)
            buf_printf(&b, "%s\"%s\":%d", o ? "," : "", rescue_outcome_names[o], outcomes[o]);
        buf_puts(&b, "},\"states\":{");
        for (int s = 0, first = 1; s < RS_NSTATES; s++) {
            if (s == RS_REDIRECTED)
                continue;
            buf_printf(&b, "%s\"%s\":%d", first ? "" : ",", rescue_state_name((rescue_state_t)s), states[s]);
            first = 0;
        }
        buf_puts(&b, "}}");
    }
    buf_puts(&b, "]}");
    api_reply(resp, 200, &b);
    return 0;
}

#define STAFF_ADMIN (ROLES_STAFF | ROLES_ADMIN)
const http_route_t api_rescue_routes[] = {
    {"GET", "/api/v1/rescue-network", h_network_get, ROLES_ALL, 0},
    {"PUT", "/api/v1/rescue-network", h_network_put, ROLE_BIT(ROLE_CITY_ADMIN), 0},
    {"GET", "/api/v1/rescue-network/indications", h_indications, ROLES_ALL, 0},
    {"GET", "/api/v1/rescue-network/metrics", h_metrics, ROLES_ADMIN | ROLE_BIT(ROLE_RESCUE_CENTER), 0},
    {"POST", "/api/v1/referrals", h_create, ROLES_STAFF, 0},
    {"GET", "/api/v1/referrals", h_list, STAFF_ADMIN, 0},
    {"GET", "/api/v1/referrals/{id}", h_get, STAFF_ADMIN, 0},
    {"POST", "/api/v1/referrals/{id}/transitions", h_transition, ROLES_STAFF, 0},
    {"GET", "/api/v1/worklists/referrals", h_worklist, STAFF_ADMIN, 0},
};
const size_t api_rescue_nroutes = sizeof api_rescue_routes / sizeof api_rescue_routes[0];
