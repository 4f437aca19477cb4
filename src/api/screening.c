/* Newborn screening (domain.md §9): metabolic (blood spot), hearing and
 * congenital heart disease screening of a child, the confirmatory
 * diagnosis that closes a recall, and the recall work list (open recalls
 * and newborns still unscreened 7 days after birth). Rules come from
 * data/screening/panels.json through domain/screening.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/birth.h"
#include "base/idnum.h"

static const char *const kinds[] = {"metabolic", "hearing", "chd", NULL};
static const char *const results[] = {"negative", "positive", "refer", "refused", "not_done", NULL};
static const char *const result_labels[] = {"阴性 (negative)", "阳性 (positive)", "未通过，需复查 (refer)",
                                            "拒绝筛查 (refused)", "未筛查 (not done)"};

static const char *result_label(const char *r)
{
    for (int i = 0; r && results[i]; i++)
        if (strcmp(results[i], r) == 0)
            return result_labels[i];
    return NULL;
}

static void screening_json(http_req_t *req, buf_t *b, const screening_rules_t *rules, const store_child_t *child,
                           const store_screening_t *s)
{
    const scr_kind_t *k = screening_kind(rules, s->kind);
    const scr_panel_t *p = screening_panel(k, s->panel);
    buf_putc(b, '{');
    api_kv_str(b, "id", birth_id(req, s->id), false);
    api_kv_str(b, "child_id", birth_id(req, s->child_id), true);
    api_kv_str(b, "kind", s->kind, true);
    api_kv_str(b, "kind_label", k ? arena_printf(req->arena, "%s (%s)", k->name, k->name_en) : s->kind, true);
    api_kv_str(b, "panel", s->panel, true);
    if (p) {
        api_kv_str(b, "panel_label", arena_printf(req->arena, "%s (%s)", p->name, p->name_en), true);
        api_kv_str(b, "panel_source", p->source, true);
        api_kv_str(b, "panel_mark", p->mark, true);
    }
    api_kv_bool(b, "panel_listed", p, true);
    if (s->sampled_at) {
        char local[23];
        fy_instant_format_local(s->sampled_at, local);
        api_kv_str(b, "sampled_at", local, true);
    } else {
        api_kv_str(b, "sampled_at", NULL, true);
    }
    api_kv_str(b, "result", s->result, true);
    api_kv_str(b, "result_label", result_label(s->result), true);
    buf_printf(b, ",\"details\":%s", s->details ? s->details : "null");
    api_kv_str(b, "recall", s->recall, true);
    bool early = child && screening_sample_early(k, child->born_at, s->sampled_at);
    api_kv_bool(b, "early_sample", early, true);
    if (early && k)
        api_kv_str(b, "early_sample_note",
                   arena_printf(req->arena,
                                "采样早于出生后%d小时，需重新采样 (sampled earlier than %d h after birth: "
                                "repeat the sample) — %s",
                                k->earliest_hours, k->earliest_hours, k->timing_source ? k->timing_source : ""),
                   true);
    if (s->has_diagnosis) {
        buf_puts(b, ",\"diagnosis\":{");
        api_kv_date(b, "date", s->diagnosis_date, true, false);
        api_kv_str(b, "diagnosis", s->diagnosis, true);
        api_kv_bool(b, "confirmed", s->confirmed, true);
        api_kv_instant(b, "recorded_at", s->diagnosed_at, true);
        buf_putc(b, '}');
    } else {
        buf_puts(b, ",\"diagnosis\":null");
    }
    api_kv_str(b, "institution_id", s->institution_id, true);
    api_kv_instant(b, "created_at", s->created_at, true);
    buf_putc(b, '}');
}

/* ---- record a screening ------------------------------------------------ */

struct scr_ctx {
    http_req_t *req;
    int64_t child_id, sid;
    bool date_only; /* sampled_at was a date: compare dates */
    fy_date_t sampled_on;
    store_screening_t s;
    store_child_t child;
};

static int create_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct scr_ctx *c = vctx;
    if (birth_child_load(c->req, tx, c->child_id, &c->child, NULL, e))
        return -1;
    if (c->s.sampled_at) {
        bool before = c->date_only ? c->sampled_on < c->child.birth_date : c->s.sampled_at < c->child.born_at;
        if (before) {
            fy_field(e, "sampled_at", "before_birth", "采样/检查时间早于出生时间 (sampled_at is before the birth)");
            return -1;
        }
    }
    c->s.child_id = c->child.id;
    if (store_screening_insert(tx, &c->s, e))
        return -1;
    return api_audit(tx, c->req, "screening", "child", birth_id(c->req, c->child.id),
                     arena_printf(c->req->arena, "%s %s #%lld", c->s.kind, c->s.result, (long long)c->s.id), e);
}

static const char *json_text(http_req_t *req, json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!s)
        return NULL;
    char *copy = arena_strdup(req->arena, s);
    free(s);
    return copy;
}

static int h_create(http_req_t *req, http_resp_t *resp)
{
    struct scr_ctx c = {.req = req};
    if (api_id_param(req, 0, &c.child_id))
        return -1;
    const screening_rules_t *rules = birth_screening_rules(req);
    if (!rules)
        return -1;
    json_t *body = api_body(req);
    if (!body)
        return -1;
    fy_err_t *e = &req->err;
    static const char *const known[] = {"kind", "panel", "sampled_at", "result", "details", NULL};
    jv_no_unknown(body, known, e);
    int kind = -1, result = -1;
    jv_enum(body, "kind", true, kinds, &kind, e);
    jv_enum(body, "result", true, results, &result, e);
    const char *panel = NULL;
    jv_str(body, "panel", false, 1, 100, &panel, e);
    const scr_kind_t *k = kind >= 0 ? screening_kind(rules, kinds[kind]) : NULL;
    if (!panel && k)
        panel = k->default_panel;
    json_t *sv = json_object_get(body, "sampled_at");
    if (sv && !json_is_null(sv)) {
        const char *txt = json_string_value(sv);
        int64_t ms;
        if (txt && strlen(txt) == 10 && fy_date_parse(txt, &c.sampled_on)) {
            c.date_only = true;
            c.s.sampled_at = (int64_t)c.sampled_on * 86400000LL - FY_SHANGHAI_OFFSET_MS;
            if (c.sampled_on > fy_today())
                fy_field(e, "sampled_at", "future", "采样日期不能晚于今天 (sampled_at must not be in the future)");
        } else if (txt && fy_instant_parse(txt, &ms)) {
            c.s.sampled_at = ms;
            c.sampled_on = fy_date_of_instant(ms);
            if (ms > fy_now_ms() + 60000)
                fy_field(e, "sampled_at", "future", "采样时间不能晚于现在 (sampled_at must not be in the future)");
        } else {
            fy_field(e, "sampled_at", "instant",
                     "采样时间应为 YYYY-MM-DDTHH:MM 或 YYYY-MM-DD (sampled_at must be a date-time or a date)");
        }
    } else if (result >= 0 && result <= 2) {
        fy_field(e, "sampled_at", "required",
                 "有筛查结果时须填写采样/检查时间 (sampled_at is required unless the result is refused or not_done)");
    }
    json_t *dv = json_object_get(body, "details");
    if (dv && !json_is_null(dv)) {
        c.s.details = json_text(req, dv);
        if (!c.s.details || strlen(c.s.details) > 4000)
            fy_field(e, "details", "length", "详情过长，最多4000字节 (details must be at most 4000 bytes of JSON)");
    }
    if (fy_has_error(e))
        return -1;
    c.s.kind = kinds[kind];
    c.s.result = results[result];
    c.s.panel = panel;
    c.s.recall = screening_opens_recall(rules, c.s.result) ? "open" : "none";
    c.s.institution_id = api_user(req)->institution_id;
    c.s.user_id = api_user(req)->id;
    c.s.created_at = fy_now_ms();
    if (store_write(api_app(req)->store, req->arena, create_unit, &c, e))
        return -1;
    buf_t b = {0};
    screening_json(req, &b, rules, &c.child, &c.s);
    api_reply(resp, 201, &b);
    http_add_header(
        resp, "Location",
        arena_printf(req->arena, "/api/v1/children/%lld/screenings/%lld", (long long)c.child_id, (long long)c.s.id));
    return 0;
}

/* ---- a child's screenings ---------------------------------------------- */

struct list_ctx {
    http_req_t *req;
    int64_t child_id;
    store_child_t child;
    store_screening_t *rows;
    int n;
};

static int list_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct list_ctx *c = vctx;
    if (birth_child_load(c->req, tx, c->child_id, &c->child, NULL, e))
        return -1;
    return store_screenings_of(tx, c->child_id, &c->rows, &c->n, e);
}

static int h_list(http_req_t *req, http_resp_t *resp)
{
    struct list_ctx c = {.req = req};
    if (api_id_param(req, 0, &c.child_id))
        return -1;
    const screening_rules_t *rules = birth_screening_rules(req);
    if (!rules)
        return -1;
    if (store_read(api_app(req)->store, req->arena, list_unit, &c, &req->err))
        return -1;
    if (api_audit_read(req, "read_screenings", "child", req->params[0], NULL))
        return -1;
    buf_t b = {0};
    buf_puts(&b, "{\"items\":[");
    for (int i = 0; i < c.n; i++) {
        if (i)
            buf_putc(&b, ',');
        screening_json(req, &b, rules, &c.child, &c.rows[i]);
    }
    buf_puts(&b, "]");
    /* which required kinds are still missing */
    buf_puts(&b, ",\"missing\":[");
    int nm = 0;
    for (size_t k = 0; k < screening_kind_count(rules); k++) {
        const scr_kind_t *kd = screening_kind_at(rules, k);
        if (!screening_required(rules, kd->kind))
            continue;
        bool done = false;
        for (int i = 0; i < c.n && !done; i++)
            done = strcmp(c.rows[i].kind, kd->kind) == 0 && screening_counts_as_screened(rules, c.rows[i].result);
        if (!done)
            buf_printf(&b, "%s\"%s\"", nm++ ? "," : "", kd->kind);
    }
    buf_puts(&b, "]");
    api_kv_str(&b, "rules_version", screening_version(rules), true);
    buf_putc(&b, '}');
    api_reply(resp, 200, &b);
    return 0;
}

/* ---- diagnosis --------------------------------------------------------- */

struct dx_ctx {
    http_req_t *req;
    int64_t child_id, sid;
    store_child_t child;
    store_screening_t s;
    fy_date_t date;
    const char *diagnosis;
    bool confirmed;
};

static int dx_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct dx_ctx *c = vctx;
    if (birth_child_load(c->req, tx, c->child_id, &c->child, NULL, e))
        return -1;
    int rc = store_screening_get(tx, c->sid, &c->s, e);
    if (rc < 0)
        return -1;
    if (rc == 1 || c->s.child_id != c->child_id)
        return fy_fail(e, 404, "not_found", "该儿童没有这条筛查记录 (no such screening of this child)");
    if (strcmp(c->s.recall, "none") == 0)
        return fy_fail(e, 409, "no_recall",
                       "筛查结果不是阳性或未通过，无需确诊 (the result is neither positive nor refer: there is "
                       "nothing to confirm)"),
               fy_field(e, "result", "no_recall", "只有阳性或未通过的筛查需要诊断 (only positive or refer results)"),
               -1;
    if (c->s.has_diagnosis)
        return fy_fail(e, 409, "already_diagnosed", "该筛查已记录诊断 (a diagnosis is already recorded)"),
               fy_field(e, "diagnosis", "already_diagnosed", "该筛查已记录诊断 (a diagnosis is already recorded)"), -1;
    fy_date_t sampled = c->s.sampled_at ? fy_date_of_instant(c->s.sampled_at) : c->child.birth_date;
    if (c->date < sampled)
        return fy_field(e, "date", "before_sample", "诊断日期早于筛查日期 (date is before the screening)"), -1;
    c->s.diagnosis_date = c->date;
    c->s.has_diagnosis = true;
    c->s.diagnosis = c->diagnosis;
    c->s.confirmed = c->confirmed;
    c->s.diagnosed_by = api_user(c->req)->id;
    c->s.diagnosed_at = fy_now_ms();
    if (store_screening_diagnose(tx, &c->s, e))
        return -1;
    c->s.recall = "closed";
    return api_audit(
        tx, c->req, "screening_diagnosis", "child", birth_id(c->req, c->child_id),
        arena_printf(c->req->arena, "screening #%lld confirmed=%s", (long long)c->sid, c->confirmed ? "true" : "false"),
        e);
}

static int h_diagnosis(http_req_t *req, http_resp_t *resp)
{
    struct dx_ctx c = {.req = req};
    if (api_id_param(req, 0, &c.child_id) || api_id_param(req, 1, &c.sid))
        return -1;
    const screening_rules_t *rules = birth_screening_rules(req);
    if (!rules)
        return -1;
    json_t *body = api_body(req);
    if (!body)
        return -1;
    fy_err_t *e = &req->err;
    static const char *const known[] = {"date", "diagnosis", "confirmed", NULL};
    jv_no_unknown(body, known, e);
    if (jv_date(body, "date", true, &c.date, e) && c.date > fy_today())
        fy_field(e, "date", "future", "诊断日期不能晚于今天 (date must not be in the future)");
    jv_str(body, "diagnosis", true, 1, 500, &c.diagnosis, e);
    if (!json_object_get(body, "confirmed"))
        fy_field(e, "confirmed", "required", "须说明是否确诊 (confirmed is required: true or false)");
    else
        jv_bool(body, "confirmed", true, &c.confirmed, e);
    if (fy_has_error(e))
        return -1;
    if (store_write(api_app(req)->store, req->arena, dx_unit, &c, e))
        return -1;
    buf_t b = {0};
    screening_json(req, &b, rules, &c.child, &c.s);
    api_reply(resp, 200, &b);
    return 0;
}

/* ---- the recall work list ------------------------------------------------ */

struct recall_ctx {
    store_recall_query_t q;
    store_recall_row_t *rows;
    int n;
    int64_t total;
};

static int recall_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct recall_ctx *c = vctx;
    return store_screening_recall(tx, &c->q, &c->rows, &c->n, &c->total, e);
}

static int h_recall(http_req_t *req, http_resp_t *resp)
{
    const screening_rules_t *rules = birth_screening_rules(req);
    if (!rules)
        return -1;
    struct recall_ctx c = {0};
    int page;
    if (api_paging(req, &c.q.limit, &c.q.offset, &page))
        return -1;
    c.q.scope = &api_user(req)->scope;
    const char *type = http_query(req, "type");
    if (type && strcmp(type, "recall") == 0)
        c.q.which = 1;
    else if (type && strcmp(type, "unscreened") == 0)
        c.q.which = 2;
    else if (type && *type)
        fy_field(&req->err, "type", "enum", "type 应为 recall 或 unscreened (type must be recall or unscreened)");
    c.q.district = http_query(req, "district");
    if (c.q.district && !refdata_district(api_app(req)->ref, c.q.district))
        fy_field(&req->err, "district", "district", "区代码无效 (district must be one of the 16 district codes)");
    if (fy_has_error(&req->err))
        return -1;
    fy_date_t today = fy_today();
    c.q.born_to = today - screening_unscreened_after_days(rules);
    c.q.born_from = today - screening_unscreened_window_days(rules);
    c.q.screened_csv = screening_screened_csv(rules);
    if (store_read(api_app(req)->store, req->arena, recall_unit, &c, &req->err))
        return -1;

    buf_t b = {0}, ids = {0};
    buf_puts(&b, "{\"items\":[");
    for (int i = 0; i < c.n; i++) {
        store_recall_row_t *r = &c.rows[i];
        if (i)
            buf_putc(&b, ',');
        buf_putc(&b, '{');
        api_kv_str(&b, "type", r->unscreened ? "unscreened" : "recall", false);
        api_kv_str(&b, "child_id", birth_id(req, r->child.id), true);
        api_kv_str(&b, "screening_id", r->unscreened ? NULL : birth_id(req, r->screening.id), true);
        api_kv_str(&b, "type_label", r->unscreened ? "未筛查 (unscreened)" : "待召回确诊 (recall: awaiting diagnosis)",
                   true);
        buf_puts(&b, ",\"child\":{");
        api_kv_str(&b, "id", birth_id(req, r->child.id), false);
        api_kv_str(&b, "name", r->child.name, true);
        api_kv_int(&b, "sex", r->child.sex, true);
        api_kv_date(&b, "birth_date", r->child.birth_date, true, true);
        api_kv_int(&b, "age_days", today - r->child.birth_date, true);
        api_kv_str(&b, "residence_district", r->child.residence_district, true);
        buf_puts(&b, "},\"mother\":{");
        char masked[64];
        idnum_mask(r->mother_id_number ? r->mother_id_number : "", masked, sizeof masked);
        api_kv_str(&b, "id", birth_id(req, r->child.mother_id), false);
        api_kv_str(&b, "name", r->mother_name, true);
        api_kv_str(&b, "id_number", masked, true);
        buf_putc(&b, '}');
        buf_puts(&b, ",\"missing\":[");
        int nm = 0;
        if (r->missing_metabolic && screening_required(rules, "metabolic"))
            buf_printf(&b, "%s\"metabolic\"", nm++ ? "," : "");
        if (r->missing_hearing && screening_required(rules, "hearing"))
            buf_printf(&b, "%s\"hearing\"", nm++ ? "," : "");
        buf_putc(&b, ']');
        if (!r->unscreened) {
            buf_puts(&b, ",\"screening\":");
            screening_json(req, &b, rules, &r->child, &r->screening);
            api_kv_int(&b, "days_open", (fy_now_ms() - r->screening.created_at) / 86400000LL, true);
        }
        buf_putc(&b, '}');
        buf_printf(&ids, "%s%lld", i ? "," : "", (long long)r->child.id);
    }
    buf_printf(&b, "],\"page\":%d,\"page_size\":%d,\"total\":%lld", page, c.q.limit, (long long)c.total);
    api_kv_int(&b, "unscreened_after_days", screening_unscreened_after_days(rules), true);
    api_kv_str(&b, "rules_version", screening_version(rules), true);
    buf_putc(&b, '}');
    return api_reply_search(req, resp, &b, "child", &ids, "screening-recall");
}

/* ---- the rule table ------------------------------------------------------ */

static int h_panels(http_req_t *req, http_resp_t *resp)
{
    const screening_rules_t *rules = birth_screening_rules(req);
    if (!rules)
        return -1;
    buf_t b = {0};
    buf_putc(&b, '{');
    api_kv_str(&b, "version", screening_version(rules), false);
    api_kv_int(&b, "unscreened_after_days", screening_unscreened_after_days(rules), true);
    buf_puts(&b, ",\"kinds\":[");
    for (size_t i = 0; i < screening_kind_count(rules); i++) {
        const scr_kind_t *k = screening_kind_at(rules, i);
        buf_puts(&b, i ? ",{" : "{");
        api_kv_str(&b, "kind", k->kind, false);
        api_kv_str(&b, "name", k->name, true);
        api_kv_str(&b, "name_en", k->name_en, true);
        api_kv_str(&b, "default_panel", k->default_panel, true);
        api_kv_int(&b, "earliest_hours", k->earliest_hours, true);
        api_kv_str(&b, "timing_source", k->timing_source, true);
        buf_printf(&b, ",\"required\":%s,\"panels\":[", screening_required(rules, k->kind) ? "true" : "false");
        for (size_t j = 0; j < k->npanels; j++) {
            buf_puts(&b, j ? ",{" : "{");
            api_kv_str(&b, "id", k->panels[j].id, false);
            api_kv_str(&b, "name", k->panels[j].name, true);
            api_kv_str(&b, "name_en", k->panels[j].name_en, true);
            api_kv_str(&b, "mark", k->panels[j].mark, true);
            api_kv_str(&b, "source", k->panels[j].source, true);
            buf_putc(&b, '}');
        }
        buf_puts(&b, "]}");
    }
    buf_puts(&b, "]}");
    api_reply(resp, 200, &b);
    return 0;
}

#define SCREENERS (ROLES_STAFF)
#define WORKERS (ROLES_STAFF | ROLES_ADMIN)
const http_route_t api_screening_routes[] = {
    {"POST", "/api/v1/children/{id}/screenings", h_create, SCREENERS, 0},
    {"GET", "/api/v1/children/{id}/screenings", h_list, ROLES_ALL, 0},
    {"POST", "/api/v1/children/{id}/screenings/{sid}/diagnosis", h_diagnosis, SCREENERS | ROLE_BIT(ROLE_DISTRICT_ADMIN),
     0},
    {"GET", "/api/v1/worklists/screening-recall", h_recall, WORKERS & ~ROLE_BIT(ROLE_SYS_ADMIN), 0},
    {"GET", "/api/v1/screening/panels", h_panels, 0, HTTP_PUBLIC},
};
const size_t api_screening_nroutes = sizeof api_screening_routes / sizeof api_screening_routes[0];
