/* Critical maternal cases and maternal, perinatal and under-5 deaths
 * (domain.md §6): the report, the late-report rule (deadlines per kind in
 * data/critical-event-rules.json; a maternal death is due within 24 hours
 * [U]), the one review each event gets, and the review work list of the
 * district and city. A maternal death closes her open pregnancy with the
 * outcome maternal_death, as POST /pregnancies/{id}/close does. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/pregnancy.h"
#include "base/idnum.h"
#include "domain/rescue.h"

static bool need(json_t *body, const char *key, const char *zh, fy_err_t *e)
{
    json_t *v = json_object_get(body, key);
    if (v && !json_is_null(v))
        return true;
    fy_field(e, key, "required", "%s为必填项 (%s is required)", zh, key);
    return false;
}

static const char *id_text(arena_t *a, int64_t id) { return arena_printf(a, "%lld", (long long)id); }

/* The reporting deadline of a kind from data/critical-event-rules.json, in
 * ms; 0 when the kind has none. -1 with a 503 when the file is unusable. */
static int64_t report_within_ms(http_req_t *req, const char *kind)
{
    const app_t *app = api_app(req);
    char *path = arena_printf(req->arena, "%s/critical-event-rules.json", app->data_dir ? app->data_dir : "data");
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    json_t *kinds = json_object_get(root, "kinds");
    int64_t out = -1;
    size_t i;
    json_t *k;
    json_array_foreach(kinds, i, k) {
        const char *name = json_string_value(json_object_get(k, "kind"));
        if (!name || strcmp(name, kind) != 0)
            continue;
        json_t *h = json_object_get(k, "report_within_hours");
        if (!h || json_is_null(h))
            out = 0;
        else if (json_is_number(h) && json_number_value(h) > 0)
            out = (int64_t)llround(json_number_value(h) * 3600000.0);
        break;
    }
    json_decref(root);
    if (out < 0)
        fy_fail(&req->err, 503, "rules_file",
                "无法读取危重事件报告时限 %s（%s） (cannot read the reporting "
                "deadlines for %s)",
                path, kind, kind);
    return out;
}

/* ---- rendering ----------------------------------------------------------- */

struct subject {
    store_woman_t w;
    store_child_t child;
    bool has_child;
};

static void event_json(http_req_t *req, buf_t *b, const store_critical_event_t *ev, const struct subject *sj)
{
    const app_t *app = api_app(req);
    arena_t *a = req->arena;
    int k = 0;
    while (ce_kind_names[k] && strcmp(ce_kind_names[k], ev->kind) != 0)
        k++;
    buf_printf(b, "{\"id\":\"%lld\"", (long long)ev->id);
    api_kv_str(b, "kind", ev->kind, true);
    api_kv_str(b, "kind_label", ce_kind_names[k] ? ce_kind_label_zh((ce_kind_t)k) : NULL, true);
    api_kv_str(b, "woman_id", id_text(a, ev->woman_id), true);
    if (ev->child_id > 0)
        api_kv_str(b, "child_id", id_text(a, ev->child_id), true);
    else
        buf_puts(b, ",\"child_id\":null");
    if (ev->pregnancy_id > 0)
        api_kv_str(b, "pregnancy_id", id_text(a, ev->pregnancy_id), true);
    else
        buf_puts(b, ",\"pregnancy_id\":null");
    api_kv_bool(b, "closed_pregnancy", ev->closed_pregnancy, true);
    if (sj) {
        char masked[64];
        idnum_mask(sj->w.id_number, masked, sizeof masked);
        buf_puts(b, ",\"patient\":{");
        if (sj->has_child) {
            api_kv_str(b, "child_name", sj->child.name, false);
            api_kv_date(b, "birth_date", sj->child.birth_date, true, true);
            api_kv_str(b, "birth_outcome", sj->child.outcome, true);
            api_kv_str(b, "mother_name", sj->w.name, true);
        } else {
            api_kv_str(b, "name", sj->w.name, false);
        }
        api_kv_str(b, "id_number", masked, true);
        buf_putc(b, '}');
    }
    api_kv_instant(b, "occurred_at", ev->occurred_at, true);
    api_kv_instant(b, "reported_at", ev->reported_at, true);
    double hours = (double)(ev->reported_at - ev->occurred_at) / 3600000.0;
    buf_printf(b, ",\"hours_to_report\":%.10g", round(hours * 1e4) / 1e4);
    if (ev->report_within_ms > 0)
        buf_printf(b, ",\"report_within_hours\":%.10g", (double)ev->report_within_ms / 3600000.0);
    else
        buf_puts(b, ",\"report_within_hours\":null");
    api_kv_bool(b, "late", ev->late, true);
    api_kv_str(b, "late_label", ev->late ? "迟报" : (ev->report_within_ms > 0 ? "按时" : NULL), true);
    api_kv_str(b, "cause", ev->cause, true);
    api_kv_str(b, "place", ev->place, true);
    api_kv_str(b, "district", ev->district, true);
    const ref_district_t *d = refdata_district(app->ref, ev->district);
    api_kv_str(b, "district_name", d ? d->name : NULL, true);
    api_kv_str(b, "institution_id", ev->institution_id, true);
    const ref_institution_t *inst = ev->institution_id ? refdata_institution(app->ref, ev->institution_id) : NULL;
    api_kv_str(b, "institution_name", inst ? inst->name : NULL, true);
    if (ev->reported_by > 0)
        api_kv_str(b, "reported_by", id_text(a, ev->reported_by), true);
    else
        buf_puts(b, ",\"reported_by\":null");
    api_kv_bool(b, "reviewed", ev->reviewed, true);
    if (ev->reviewed) {
        buf_puts(b, ",\"review\":{");
        api_kv_instant(b, "reviewed_at", ev->reviewed_at, false);
        buf_printf(b, ",\"panel\":%s", ev->review_panel ? ev->review_panel : "null");
        api_kv_str(b, "conclusion", ev->review_conclusion, true);
        api_kv_str(b, "preventability", ev->preventability, true);
        buf_printf(b, ",\"factors\":%s", ev->review_factors ? ev->review_factors : "[]");
        if (ev->reviewed_by > 0)
            api_kv_str(b, "reviewed_by", id_text(a, ev->reviewed_by), true);
        api_kv_instant(b, "recorded_at", ev->review_recorded_at, true);
        buf_putc(b, '}');
    } else {
        buf_puts(b, ",\"review\":null");
    }
    api_kv_instant(b, "created_at", ev->created_at, true);
    buf_putc(b, '}');
}

static int load_subject(store_tx_t *tx, const store_critical_event_t *ev, struct subject *sj, fy_err_t *e)
{
    memset(sj, 0, sizeof *sj);
    if (ev->child_id > 0) {
        if (store_child_get(tx, ev->child_id, &sj->child, e) < 0)
            return -1;
        sj->has_child = true;
    }
    return store_woman_get(tx, ev->woman_id, &sj->w, e) < 0 ? -1 : 0;
}

struct read_ctx {
    http_req_t *req;
    int64_t id;
    store_critical_event_t ev;
    struct subject sj;
};

static int read_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct read_ctx *c = vctx;
    int rc = store_critical_event_get(tx, c->id, &c->ev, e);
    if (rc)
        return rc < 0 ? -1
                      : fy_fail(e, 404, "not_found", "没有这个危重事件报告 (no such critical event: %lld)",
                                (long long)c->id);
    if (api_check_woman(c->req, tx, c->ev.woman_id, e))
        return -1;
    return load_subject(tx, &c->ev, &c->sj, e);
}

static int reply_event(http_req_t *req, http_resp_t *resp, int status, int64_t id)
{
    struct read_ctx c = {.req = req, .id = id};
    if (store_read(api_app(req)->store, req->arena, read_unit, &c, &req->err))
        return -1;
    buf_t b = {0};
    event_json(req, &b, &c.ev, &c.sj);
    api_reply(resp, status, &b);
    if (status == 201)
        http_add_header(resp, "Location", arena_printf(req->arena, "/api/v1/critical-events/%lld", (long long)id));
    return 0;
}

/* ---- POST /critical-events ----------------------------------------------- */

struct report_ctx {
    http_req_t *req;
    ce_kind_t kind;
    store_critical_event_t ev;
};

/* Closes her open pregnancy: the same writes as POST /pregnancies/{id}/close. */
static int close_pregnancy(http_req_t *req, store_tx_t *tx, store_pregnancy_t *p, int64_t occurred_at, int64_t event_id,
                           fy_err_t *e)
{
    int64_t now = fy_now_ms();
    p->status = "closed";
    p->outcome = "maternal_death";
    p->ended_on = fy_date_of_instant(occurred_at);
    p->has_ended = true;
    p->overdue = false;
    p->has_next_check = false;
    p->updated_at = now;
    if (store_pregnancy_update(tx, p, e) || store_outbox_cancel(tx, "pregnancy", p->id, "anc_reminder", e))
        return -1;
    store_case_t cs;
    int rc = store_case_get(tx, p->id, &cs, e);
    if (rc < 0)
        return -1;
    if (rc == 0 && strcmp(cs.state, "closed") != 0) {
        cs.state = "closed";
        cs.closed_at = now;
        if (store_case_update(tx, &cs, e))
            return -1;
    }
    return api_audit(tx, req, "close", "pregnancy", id_text(req->arena, p->id),
                     arena_printf(req->arena, "maternal_death: critical event %lld", (long long)event_id), e);
}

/* The district's MCH institute hears of the report (outbox, to the
 * institution). */
static int notify_district(http_req_t *req, store_tx_t *tx, const store_critical_event_t *ev, fy_err_t *e)
{
    const refdata_t *ref = api_app(req)->ref;
    const ref_institution_t *mch = NULL;
    for (size_t i = 0; i < refdata_institution_count(ref) && !mch; i++) {
        const ref_institution_t *x = refdata_institution_at(ref, i);
        if ((x->types & INST_MCH_INSTITUTE) && strcmp(x->district, ev->district) == 0)
            mch = x;
    }
    if (!mch)
        return 0;
    int k = 0;
    while (ce_kind_names[k] && strcmp(ce_kind_names[k], ev->kind) != 0)
        k++;
    store_outbox_t m = {
        .kind = "critical_event_notice",
        .channel = "institution",
        .recipient = mch->id,
        .text = arena_printf(req->arena, "%s报告 %lld%s，待评审 (%s report %lld%s, to be reviewed)",
                             ce_kind_label_zh((ce_kind_t)k), (long long)ev->id, ev->late ? "（迟报）" : "", ev->kind,
                             (long long)ev->id, ev->late ? ", late" : ""),
        .due_on = fy_today(),
        .ref_type = "critical_event",
        .ref_id = ev->id,
        .dedupe_key = arena_printf(req->arena, "critical_event_notice:%lld", (long long)ev->id),
        .created_at = fy_now_ms(),
    };
    return store_outbox_insert(tx, &m, e) < 0 ? -1 : 0;
}

static int report_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct report_ctx *c = vctx;
    http_req_t *req = c->req;
    api_user_t *u = api_user(req);
    store_critical_event_t *ev = &c->ev;
    store_woman_t w;
    if (ev->child_id > 0) {
        store_child_t ch;
        int rc = store_child_get(tx, ev->child_id, &ch, e);
        if (rc)
            return rc < 0 ? -1
                          : fy_fail(e, 404, "not_found", "没有这个儿童档案 (no such child: %lld)",
                                    (long long)ev->child_id);
        ev->woman_id = ch.mother_id;
        ev->pregnancy_id = ch.pregnancy_id;
        ev->district = ch.residence_district;
        if (rescue_child_death_check(c->kind, strcmp(ch.outcome, "live") == 0, ch.born_at, ch.birth_date,
                                     ev->occurred_at, "occurred_at", e))
            return -1;
    }
    int rc = store_woman_get(tx, ev->woman_id, &w, e);
    if (rc)
        return rc < 0
                   ? -1
                   : fy_fail(e, 404, "not_found", "没有这位妇女的档案 (no such woman: %lld)", (long long)ev->woman_id);
    if (ev->child_id <= 0)
        ev->district = w.residence_district;
    /* the reporting institution serves her (she may have died there) */
    const ref_institution_t *inst =
        u->institution_id ? refdata_institution(api_app(req)->ref, u->institution_id) : NULL;
    if (inst && store_woman_link(tx, ev->woman_id, inst->id, inst->district, e))
        return -1;
    if (api_check_woman(req, tx, ev->woman_id, e))
        return -1;
    /* one death per person (stillbirths named by the mother excepted: twins) */
    if (c->kind != CE_CRITICAL_MATERNAL && !(c->kind == CE_PERINATAL_DEATH && ev->child_id <= 0)) {
        int64_t existing;
        rc = store_critical_event_find(tx, ev->kind, ev->woman_id, ev->child_id, &existing, e);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            snprintf(e->extra, sizeof e->extra, "\"existing_id\":\"%lld\"", (long long)existing);
            return fy_fail(e, 409, "already_reported", "该死亡已报告，报告编号 %lld (this death was reported: %lld)",
                           (long long)existing, (long long)existing);
        }
    }
    store_pregnancy_t p;
    bool close = false;
    if (c->kind == CE_PERINATAL_DEATH && ev->child_id <= 0) {
        /* a stillbirth named by its mother: her latest pregnancy */
        static const scope_t all = {SCOPE_ALL, NULL, NULL, 0};
        store_pregnancy_query_t q = {.scope = &all, .purple = -1, .overdue = -1, .woman_id = ev->woman_id, .limit = 1};
        store_pregnancy_t *rows;
        int n;
        int64_t total;
        if (store_pregnancies_search(tx, &q, &rows, &n, &total, e))
            return -1;
        if (n == 0)
            return fy_field(e, "woman_id", "no_pregnancy",
                            "该妇女没有孕产期档案，无法登记死胎死产 (she has no "
                            "pregnancy record for a stillbirth)"),
                   -1;
        ev->pregnancy_id = rows[0].id;
    } else if (ev->child_id <= 0) {
        rc = store_pregnancy_open_of(tx, ev->woman_id, &p, e);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            ev->pregnancy_id = p.id;
            if (c->kind == CE_MATERNAL_DEATH) {
                if (fy_date_of_instant(ev->occurred_at) < p.lmp)
                    return fy_field(e, "occurred_at", "before_lmp",
                                    "死亡时间早于本次妊娠末次月经 (occurred_at is before "
                                    "the LMP of her open pregnancy)"),
                           -1;
                close = true;
                ev->closed_pregnancy = true;
            }
        }
    }
    ev->institution_id = inst ? inst->id : NULL;
    ev->reported_by = u->id;
    ev->created_at = fy_now_ms();
    ev->late = ev->report_within_ms > 0 && rescue_report_late(ev->occurred_at, ev->reported_at, ev->report_within_ms);
    if (store_critical_event_insert(tx, ev, e))
        return -1;
    if (close && close_pregnancy(req, tx, &p, ev->occurred_at, ev->id, e))
        return -1;
    if (notify_district(req, tx, ev, e))
        return -1;
    return api_audit(tx, req, "report", "critical_event", id_text(req->arena, ev->id),
                     arena_printf(req->arena, "%s%s", ev->kind, ev->late ? " (late)" : ""), e);
}

static const char *const report_fields[] = {"kind",        "woman_id", "child_id", "occurred_at",
                                            "reported_at", "cause",    "place",    NULL};

static int h_report(http_req_t *req, http_resp_t *resp)
{
    json_t *body = api_body(req);
    if (!body)
        return -1;
    fy_err_t *e = &req->err;
    struct report_ctx c = {.req = req};
    store_critical_event_t *ev = &c.ev;
    int kind = -1;
    jv_no_unknown(body, report_fields, e);
    if (need(body, "kind", "事件类别", e))
        jv_enum(body, "kind", true, ce_kind_names, &kind, e);
    json_t *wv = json_object_get(body, "woman_id"), *cv = json_object_get(body, "child_id");
    bool has_w = wv && !json_is_null(wv), has_c = cv && !json_is_null(cv);
    if (kind >= 0) {
        c.kind = (ce_kind_t)kind;
        if (ce_kind_is_child(c.kind) && ce_kind_allows_woman(c.kind)) {
            /* perinatal: the child when it has a record, else (a stillbirth) the
             * mother */
            if (has_w && has_c)
                fy_field(e, "child_id", "duplicate",
                         "填写 child_id 或 woman_id 之一 (name the child, or for a "
                         "stillbirth the mother, not both)");
            else if (has_c)
                jv_id(body, "child_id", false, &ev->child_id, e);
            else if (has_w)
                jv_id(body, "woman_id", false, &ev->woman_id, e);
            else
                fy_field(e, "child_id", "required",
                         "围产儿死亡须填写 child_id（活产儿）或 woman_id（死胎死产） "
                         "(perinatal_death names child_id, or "
                         "woman_id for a stillbirth)");
        } else if (ce_kind_is_child(c.kind)) {
            if (need(body, "child_id", "儿童档案", e))
                jv_id(body, "child_id", false, &ev->child_id, e);
            if (has_w)
                fy_field(e, "woman_id", "not_allowed",
                         "5岁以下儿童死亡填写 child_id，母亲由儿童档案确定 "
                         "(under5_death names child_id; the mother "
                         "follows from the child)");
        } else {
            if (need(body, "woman_id", "妇女档案", e))
                jv_id(body, "woman_id", false, &ev->woman_id, e);
            if (has_c)
                fy_field(e, "child_id", "not_allowed",
                         "危重孕产妇和孕产妇死亡填写 woman_id (critical_maternal and "
                         "maternal_death name woman_id)");
        }
    }
    int64_t now = fy_now_ms();
    long long ms;
    bool has_occ = false;
    if (need(body, "occurred_at", "发生时间", e) && jv_instant(body, "occurred_at", true, &ms, e)) {
        ev->occurred_at = ms;
        has_occ = true;
        if (ms > now) {
            fy_field(e, "occurred_at", "future", "发生时间不能晚于当前时间 (occurred_at must not be in the future)");
            has_occ = false;
        }
    }
    ev->reported_at = now;
    if (jv_instant(body, "reported_at", false, &ms, e)) {
        ev->reported_at = ms;
        if (ms > now)
            fy_field(e, "reported_at", "future", "报告时间不能晚于当前时间 (reported_at must not be in the future)");
        else if (has_occ && ms < ev->occurred_at)
            fy_field(e, "reported_at", "before_occurred", "报告时间早于发生时间 (reported_at is before occurred_at)");
    } else if (has_occ && now < ev->occurred_at) {
        fy_field(e, "occurred_at", "future", "发生时间不能晚于当前时间 (occurred_at must not be in the future)");
    }
    if (need(body, "cause", "原因（死因或危重诊断）", e))
        jv_str(body, "cause", true, 1, 1000, &ev->cause, e);
    if (need(body, "place", "地点", e))
        jv_str(body, "place", true, 1, 200, &ev->place, e);
    if (fy_has_error(e))
        return -1;
    ev->kind = ce_kind_names[kind];
    int64_t within = report_within_ms(req, ev->kind);
    if (within < 0)
        return -1;
    ev->report_within_ms = within;
    if (store_write(api_app(req)->store, req->arena, report_unit, &c, e))
        return -1;
    return reply_event(req, resp, 201, ev->id);
}

/* ---- review -------------------------------------------------------------- */

struct review_ctx {
    http_req_t *req;
    int64_t id;
    store_critical_event_t ev;
};

static int review_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct review_ctx *c = vctx;
    store_critical_event_t cur;
    int rc = store_critical_event_get(tx, c->id, &cur, e);
    if (rc)
        return rc < 0 ? -1
                      : fy_fail(e, 404, "not_found", "没有这个危重事件报告 (no such critical event: %lld)",
                                (long long)c->id);
    if (api_check_woman(c->req, tx, cur.woman_id, e))
        return -1;
    if (cur.reviewed)
        return fy_fail(e, 409, "already_reviewed", "该事件已评审 (the event has been reviewed already)");
    if (c->ev.reviewed_at < cur.occurred_at)
        return fy_field(e, "reviewed_at", "before_occurred",
                        "评审时间早于事件发生时间 (reviewed_at is before the event)"),
               -1;
    c->ev.id = c->id;
    if (store_critical_event_review(tx, &c->ev, e))
        return -1;
    return api_audit(tx, c->req, "review", "critical_event", c->req->params[0], c->ev.preventability, e);
}

/* A JSON array of 0–30 non-empty strings of at most 500 characters, as text. */
static const char *string_array(http_req_t *req, json_t *v, const char *field, size_t maxn, fy_err_t *e)
{
    if (!json_is_array(v) || json_array_size(v) > maxn) {
        fy_field(e, field, "type",
                 "%s 应为不超过 %zu 项的文本数组 (%s must be an array of at most "
                 "%zu strings)",
                 field, maxn, field, maxn);
        return NULL;
    }
    size_t i;
    json_t *x;
    bool ok = true;
    json_array_foreach(v, i, x) {
        const char *s;
        if (!jv_check_str(x, arena_printf(req->arena, "%s[%zu]", field, i), 1, 500, &s, e))
            ok = false;
    }
    if (!ok)
        return NULL;
    char *t = json_dumps(v, JSON_COMPACT);
    const char *out = arena_strdup(req->arena, t ? t : "[]");
    free(t);
    return out;
}

static int h_review(http_req_t *req, http_resp_t *resp)
{
    struct review_ctx c = {.req = req};
    json_t *body = api_id_and_body(req, &c.id);
    if (!body)
        return -1;
    fy_err_t *e = &req->err;
    static const char *const known[] = {"reviewed_at", "panel", "conclusion", "preventability", "factors", NULL};
    jv_no_unknown(body, known, e);
    int64_t now = fy_now_ms();
    if (need(body, "reviewed_at", "评审时间", e)) {
        /* a date (the review meeting's day, 00:00 Shanghai) or an instant */
        json_t *v = json_object_get(body, "reviewed_at");
        fy_date_t d;
        long long ms;
        if (json_is_string(v) && strlen(json_string_value(v)) == 10 && fy_date_parse(json_string_value(v), &d))
            c.ev.reviewed_at = (int64_t)d * 86400000LL - FY_SHANGHAI_OFFSET_MS;
        else if (jv_instant(body, "reviewed_at", true, &ms, e))
            c.ev.reviewed_at = ms;
        if (c.ev.reviewed_at > now)
            fy_field(e, "reviewed_at", "future", "评审时间不能晚于当前时间 (reviewed_at must not be in the future)");
    }
    if (need(body, "panel", "评审专家组", e)) {
        json_t *v = json_object_get(body, "panel");
        const char *s;
        if (json_is_string(v)) {
            if (jv_check_str(v, "panel", 1, 500, &s, e)) {
                buf_t b = {0};
                buf_json_str(&b, s);
                c.ev.review_panel = arena_strdup(req->arena, b.p);
                buf_free(&b);
            }
        } else if (json_is_array(v) && json_array_size(v) > 0) {
            c.ev.review_panel = string_array(req, v, "panel", 30, e);
        } else {
            fy_field(e, "panel", "type",
                     "评审专家组应为文本或姓名数组 (panel must be a text or an array "
                     "of names)");
        }
    }
    if (need(body, "conclusion", "评审结论", e))
        jv_str(body, "conclusion", true, 1, 4000, &c.ev.review_conclusion, e);
    int prev = -1;
    if (need(body, "preventability", "可避免性", e) &&
        jv_enum(body, "preventability", true, ce_preventability_names, &prev, e))
        c.ev.preventability = ce_preventability_names[prev];
    json_t *f = json_object_get(body, "factors");
    c.ev.review_factors = f && !json_is_null(f) ? string_array(req, f, "factors", 30, e) : "[]";
    if (fy_has_error(e))
        return -1;
    c.ev.reviewed_by = api_user(req)->id;
    c.ev.review_recorded_at = now;
    if (store_write(api_app(req)->store, req->arena, review_unit, &c, e))
        return -1;
    return reply_event(req, resp, 200, c.id);
}

/* ---- reads and lists ----------------------------------------------------- */

static int h_get(http_req_t *req, http_resp_t *resp)
{
    int64_t id;
    if (api_id_param(req, 0, &id))
        return -1;
    if (reply_event(req, resp, 200, id))
        return -1;
    if (api_audit_read(req, "read", "critical_event", req->params[0], NULL)) {
        buf_free(&resp->body);
        return -1;
    }
    return 0;
}

struct list_ctx {
    store_critical_event_query_t q;
    store_critical_event_t *rows;
    struct subject *sjs;
    int n;
    int64_t total;
};

static int list_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct list_ctx *c = vctx;
    if (store_critical_events_search(tx, &c->q, &c->rows, &c->n, &c->total, e))
        return -1;
    c->sjs = arena_alloc(store_tx_arena(tx), sizeof *c->sjs * (size_t)(c->n ? c->n : 1));
    for (int i = 0; i < c->n; i++)
        if (load_subject(tx, &c->rows[i], &c->sjs[i], e))
            return -1;
    return 0;
}

static int list_events(http_req_t *req, http_resp_t *resp, bool reviews)
{
    const app_t *app = api_app(req);
    struct list_ctx c = {0};
    int page;
    if (api_paging(req, &c.q.limit, &c.q.offset, &page))
        return -1;
    c.q.scope = &api_user(req)->scope;
    c.q.reviewed = reviews ? 0 : -1;
    c.q.late = -1;
    const char *kind = http_query(req, "kind");
    if (kind) {
        int k = 0;
        while (ce_kind_names[k] && strcmp(ce_kind_names[k], kind) != 0)
            k++;
        if (!ce_kind_names[k])
            fy_field(&req->err, "kind", "enum",
                     "kind 应为 critical_maternal, maternal_death, perinatal_death, "
                     "under5_death 之一 (invalid kind)");
        else
            c.q.kind = ce_kind_names[k];
    }
    c.q.district = http_query(req, "district");
    if (c.q.district && !refdata_district(app->ref, c.q.district))
        fy_field(&req->err, "district", "district", "区代码无效 (district must be one of the 16 district codes)");
    bool b, present;
    if (api_query_bool(req, "late", &b, &present) == 0 && present)
        c.q.late = b;
    if (!reviews && api_query_bool(req, "reviewed", &b, &present) == 0 && present)
        c.q.reviewed = b;
    fy_date_t from, to;
    bool has_from, has_to;
    api_query_date(req, "from", &from, &has_from);
    api_query_date(req, "to", &to, &has_to);
    if (has_from)
        c.q.from_ms = (int64_t)from * 86400000LL - FY_SHANGHAI_OFFSET_MS;
    if (has_to)
        c.q.to_ms = (int64_t)(to + 1) * 86400000LL - FY_SHANGHAI_OFFSET_MS;
    const char *wid = http_query(req, "woman_id");
    if (wid && (sscanf(wid, "%lld", (long long *)&c.q.woman_id) != 1 || c.q.woman_id <= 0))
        fy_field(&req->err, "woman_id", "id", "woman_id 应为档案编号 (woman_id must be a record id)");
    const char *cid = http_query(req, "child_id");
    if (cid && (sscanf(cid, "%lld", (long long *)&c.q.child_id) != 1 || c.q.child_id <= 0))
        fy_field(&req->err, "child_id", "id", "child_id 应为档案编号 (child_id must be a record id)");
    if (fy_has_error(&req->err))
        return -1;
    if (store_read(app->store, req->arena, list_unit, &c, &req->err))
        return -1;
    buf_t out = {0}, ids = {0};
    buf_puts(&out, "{\"items\":[");
    for (int i = 0; i < c.n; i++) {
        if (i)
            buf_putc(&out, ',');
        event_json(req, &out, &c.rows[i], &c.sjs[i]);
        buf_printf(&ids, "%s%lld", i ? "," : "", (long long)c.rows[i].id);
    }
    buf_printf(&out, "],\"page\":%d,\"page_size\":%d,\"total\":%lld}", page, c.q.limit, (long long)c.total);
    return api_reply_search(req, resp, &out, "critical_event", &ids, NULL);
}

static int h_list(http_req_t *req, http_resp_t *resp) { return list_events(req, resp, false); }
static int h_reviews(http_req_t *req, http_resp_t *resp) { return list_events(req, resp, true); }

#define REVIEWERS (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_CITY_ADMIN) | ROLE_BIT(ROLE_SYS_ADMIN))
const http_route_t api_critical_event_routes[] = {
    {"POST", "/api/v1/critical-events", h_report, ROLES_STAFF | ROLES_ADMIN, 0},
    {"GET", "/api/v1/critical-events", h_list, ROLES_STAFF | ROLES_ADMIN, 0},
    {"GET", "/api/v1/critical-events/{id}", h_get, ROLES_STAFF | ROLES_ADMIN, 0},
    {"POST", "/api/v1/critical-events/{id}/review", h_review, REVIEWERS, 0},
    {"GET", "/api/v1/worklists/reviews", h_reviews, REVIEWERS, 0},
};
const size_t api_critical_event_nroutes = sizeof api_critical_event_routes / sizeof api_critical_event_routes[0];
