/* The end of a pregnancy: delivery (children and postpartum tasks), other
 * endings, postpartum visits (which re-grade), and the children. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "api/pregnancy.h"
#include "base/idnum.h"

static const char *const modes[] = {"spontaneous", "assisted", "caesarean", NULL};
static const char *const outcomes[] = {"live", "stillbirth", NULL};
static const char *const close_outcomes[] = {"miscarriage",       "induced_abortion", "ectopic", "moved_out",
                                             "lost_to_follow_up", "maternal_death",   NULL};

/* The community health centre that visits her after delivery: one of her
 * residence district's centres that already serves her, else the first. */
static const ref_institution_t *postpartum_centre(const refdata_t *ref, const char *district,
                                                  const scope_facts_t *facts)
{
    const ref_institution_t *first = NULL;
    for (size_t i = 0; i < refdata_institution_count(ref); i++) {
        const ref_institution_t *x = refdata_institution_at(ref, i);
        if (!(x->types & INST_COMMUNITY_HEALTH_CENTER) || strcmp(x->district, district) != 0)
            continue;
        if (!first)
            first = x;
        for (size_t k = 0; k < facts->n_links; k++)
            if (strcmp(facts->links[k].institution_id, x->id) == 0)
                return x;
    }
    return first;
}

typedef struct {
    int sex, weight_g, apgar_1, apgar_5, outcome;
    double length_cm, head_cm;
    const char *defects;
} baby_in_t;

struct delivery_ctx {
    http_req_t *req;
    int64_t id;
    store_delivery_t d;
    baby_in_t babies[6];
    int nbabies;
    const ref_institution_t *inst;
    int64_t child_ids[6];
};

static int delivery_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct delivery_ctx *c = vctx;
    http_req_t *req = c->req;
    const app_t *app = api_app(req);
    store_pregnancy_t p;
    store_woman_t w;
    int rc = store_pregnancy_get(tx, c->id, &p, e);
    if (rc)
        return rc < 0 ? -1 : fy_fail(e, 404, "not_found", "没有这个孕产期档案 (no such pregnancy)");
    /* the delivering hospital serves her from now on */
    if (store_woman_link(tx, p.woman_id, c->inst->id, c->inst->district, e))
        return -1;
    if (preg_load(req, tx, c->id, &p, &w, e) || preg_require_open(&p, e))
        return -1;
    store_delivery_t *d = &c->d;
    d->delivered_on = fy_date_of_instant(d->delivered_at);
    d->ga_days = preg_ga_days(p.lmp, d->delivered_on);
    if (d->delivered_on < p.lmp)
        return fy_field(e, "delivered_at", "before_lmp", "分娩时间早于末次月经 (delivered_at is before the LMP)"), -1;
    if (d->ga_days < PREG_MISCARRIAGE_LIMIT_DAYS)
        return fy_field(e, "delivered_at", "before_28_weeks",
                        "孕28周前的妊娠终止应按流产/引产结案 (before 28+0 weeks use close with miscarriage or "
                        "induced_abortion)"),
               -1;
    if (d->ga_days > 45 * 7)
        return fy_field(e, "delivered_at", "range", "分娩孕周超过45周 (beyond 45 weeks of gestation)"), -1;
    d->pregnancy_id = p.id;
    d->institution_id = c->inst->id;
    d->institution_district = c->inst->district;
    d->babies = c->nbabies;
    if (store_delivery_insert(tx, d, e))
        return -1;
    for (int i = 0; i < c->nbabies; i++) {
        baby_in_t *b = &c->babies[i];
        store_child_t ch = {0};
        ch.mother_id = p.woman_id;
        ch.pregnancy_id = p.id;
        ch.delivery_id = d->id;
        ch.birth_order = i + 1;
        ch.sex = b->sex;
        ch.born_at = d->delivered_at;
        ch.birth_date = d->delivered_on;
        ch.ga_days = d->ga_days;
        ch.weight_g = b->weight_g;
        ch.length_cm = b->length_cm;
        ch.head_cm = b->head_cm;
        ch.apgar_1 = b->apgar_1;
        ch.apgar_5 = b->apgar_5;
        ch.outcome = outcomes[b->outcome];
        ch.defects = b->defects;
        ch.residence_district = w.residence_district;
        ch.created_at = d->created_at;
        if (store_child_insert(tx, &ch, e))
            return -1;
        c->child_ids[i] = ch.id;
    }
    scope_facts_t facts;
    if (store_woman_scope_facts(tx, p.woman_id, true, &facts, e) < 0)
        return -1;
    const ref_institution_t *chc = postpartum_centre(app->ref, w.residence_district, &facts);
    if (chc) {
        if (store_woman_link(tx, p.woman_id, chc->id, chc->district, e))
            return -1;
        for (int i = 0; i < PREG_PP_TASKS; i++) {
            store_pp_task_t t = {0};
            t.pregnancy_id = p.id;
            t.kind = preg_pp_tasks[i].kind;
            t.institution_id = chc->id;
            t.due_from = d->delivered_on + preg_pp_tasks[i].from_day;
            t.due_to = d->delivered_on + preg_pp_tasks[i].to_day;
            t.status = "open";
            if (store_pp_task_insert(tx, &t, e))
                return -1;
        }
    }
    p.status = "delivered";
    p.outcome = "delivery";
    p.ended_on = d->delivered_on;
    p.has_ended = true;
    p.overdue = false;
    p.has_next_check = false;
    p.updated_at = fy_now_ms();
    if (store_pregnancy_update(tx, &p, e) || store_outbox_cancel(tx, "pregnancy", p.id, "anc_reminder", e))
        return -1;
    return api_audit(tx, req, "delivery", "pregnancy", req->params[0], NULL, e);
}

static const char *json_text_list(http_req_t *req, json_t *v, const char *field, fy_err_t *e)
{
    if (!v || json_is_null(v))
        return NULL;
    if (json_is_string(v)) {
        const char *s;
        if (!jv_check_str(v, field, 0, 500, &s, e))
            return NULL;
        json_t *arr = json_pack("[s]", s);
        char *out = json_dumps(arr, JSON_COMPACT);
        json_decref(arr);
        char *copy = arena_strdup(req->arena, out);
        free(out);
        return copy;
    }
    if (!json_is_array(v) || json_array_size(v) > 20) {
        fy_field(e, field, "type", "%s应为文字或文字数组 (%s must be a string or an array of strings)",
                 jv_label(field), field);
        return NULL;
    }
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) {
        const char *s;
        if (!jv_check_str(x, arena_printf(req->arena, "%s[%zu]", field, i), 1, 200, &s, e))
            return NULL;
    }
    char *out = json_dumps(v, JSON_COMPACT);
    char *copy = arena_strdup(req->arena, out);
    free(out);
    return copy;
}

static int h_delivery(http_req_t *req, http_resp_t *resp)
{
    struct delivery_ctx c = {.req = req};
    json_t *body = api_id_and_body(req, &c.id);
    if (!body)
        return -1;
    fy_err_t *e = &req->err;
    const app_t *app = api_app(req);
    store_delivery_t *d = &c.d;
    static const char *const known[] = {"delivered_at", "institution_id", "mode", "cs_indication", "epidural",
                                        "blood_loss_ml", "complications", "babies", NULL};
    jv_no_unknown(body, known, e);
    long long at = 0;
    if (jv_instant(body, "delivered_at", true, &at, e) && at > fy_now_ms() + 60000)
        fy_field(e, "delivered_at", "future", "分娩时间不能晚于现在 (delivered_at must not be in the future)");
    d->delivered_at = at;
    const char *inst_id = api_user(req)->institution_id;
    jv_str(body, "institution_id", false, 1, 64, &inst_id, e);
    if (inst_id) {
        c.inst = refdata_institution(app->ref, inst_id);
        if (!c.inst || !(c.inst->types & INST_DELIVERY_HOSPITAL))
            fy_field(e, "institution_id", "institution_type", "分娩机构应为助产医疗机构 (must be a delivery hospital)");
        else if (!api_user(req)->institution_id || strcmp(api_user(req)->institution_id, c.inst->id) != 0)
            return fy_fail(e, 403, "other_institution",
                           "只能登记本机构的分娩 (you can record deliveries of your own hospital only)");
    } else {
        fy_field(e, "institution_id", "required", "分娩机构为必填项 (institution_id is required)");
    }
    int mode = -1;
    jv_enum(body, "mode", true, modes, &mode, e);
    bool has_ind = jv_str(body, "cs_indication", false, 1, 200, &d->cs_indication, e);
    json_t *ind = json_object_get(body, "cs_indication");
    if (mode == 2 && !has_ind && (!ind || json_is_null(ind)))
        fy_field(e, "cs_indication", "required",
                 "剖宫产须填写医学指征，无指征填 none (a caesarean needs cs_indication, \"none\" when there is none)");
    if (mode >= 0 && mode != 2 && has_ind)
        fy_field(e, "cs_indication", "not_caesarean", "阴道分娩不填剖宫产指征 (only for a caesarean)");
    d->mode = mode >= 0 ? modes[mode] : NULL;
    d->epidural = false;
    jv_bool(body, "epidural", false, &d->epidural, e);
    long loss = -1;
    jv_int(body, "blood_loss_ml", false, 0, 10000, &loss, e);
    d->blood_loss_ml = (int)loss;
    d->complications = json_text_list(req, json_object_get(body, "complications"), "complications", e);
    json_t *babies = json_object_get(body, "babies");
    if (!json_is_array(babies) || json_array_size(babies) < 1 || json_array_size(babies) > 6) {
        fy_field(e, "babies", babies ? "length" : "required",
                 "新生儿应为1–6项的数组 (babies must be an array of 1 to 6 babies)");
    } else {
        size_t i;
        json_t *bj;
        json_array_foreach(babies, i, bj) {
            baby_in_t *b = &c.babies[c.nbabies++];
            fy_err_t be = {0};
            if (!json_is_object(bj)) {
                fy_field(e, arena_printf(req->arena, "babies[%zu]", i), "type", "应为对象 (must be an object)");
                continue;
            }
            long sex = 0, weight = 0, a1 = -1, a5 = -1;
            b->length_cm = b->head_cm = NAN;
            jv_int(bj, "sex", true, 1, 9, &sex, &be);
            if (sex != 0 && sex != 1 && sex != 2 && sex != 9)
                fy_field(&be, "sex", "enum", "性别应为 1（男）、2（女）或 9（未定） (sex must be 1, 2 or 9)");
            jv_int(bj, "weight_g", true, 300, 7000, &weight, &be);
            jv_num(bj, "length_cm", false, 20, 65, "cm", &b->length_cm, &be);
            jv_num(bj, "head_cm", false, 15, 45, "cm", &b->head_cm, &be);
            jv_int(bj, "apgar_1", false, 0, 10, &a1, &be);
            jv_int(bj, "apgar_5", false, 0, 10, &a5, &be);
            b->outcome = 0;
            jv_enum(bj, "outcome", true, outcomes, &b->outcome, &be);
            b->defects = json_text_list(req, json_object_get(bj, "defects"), "defects", &be);
            b->sex = (int)sex;
            b->weight_g = (int)weight;
            b->apgar_1 = (int)a1;
            b->apgar_5 = (int)a5;
            for (int k = 0; k < be.n; k++)
                fy_field(e, arena_printf(req->arena, "babies[%zu].%s", i, be.fields[k].field), be.fields[k].code,
                         "%s", be.fields[k].message);
        }
    }
    if (fy_has_error(e))
        return -1;
    d->user_id = api_user(req)->id;
    d->created_at = fy_now_ms();
    if (store_write(app->store, req->arena, delivery_unit, &c, e))
        return -1;
    return preg_reply_record(req, resp, 201, c.id);
}

/* ---- other endings ----------------------------------------------------- */

struct close_ctx {
    http_req_t *req;
    int64_t id;
    int outcome;
    fy_date_t date;
    const char *note;
};

static int close_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct close_ctx *c = vctx;
    store_pregnancy_t p;
    if (preg_load(c->req, tx, c->id, &p, NULL, e) || preg_require_open(&p, e))
        return -1;
    if (c->date < p.lmp)
        return fy_field(e, "date", "before_lmp", "日期早于末次月经 (date is before the LMP)"), -1;
    bool loss = c->outcome <= 2; /* miscarriage, induced abortion, ectopic */
    if (loss && preg_ga_days(p.lmp, c->date) >= PREG_MISCARRIAGE_LIMIT_DAYS)
        return fy_field(e, "outcome", "after_28_weeks",
                        "孕28周及以后的妊娠终止应登记分娩（含死胎死产） (from 28+0 weeks record a delivery, "
                        "including stillbirth)"),
               -1;
    p.status = "closed";
    p.outcome = close_outcomes[c->outcome];
    p.ended_on = c->date;
    p.has_ended = true;
    p.overdue = false;
    p.has_next_check = false;
    p.updated_at = fy_now_ms();
    if (store_pregnancy_update(tx, &p, e) || store_outbox_cancel(tx, "pregnancy", p.id, "anc_reminder", e))
        return -1;
    store_case_t cs;
    int rc = store_case_get(tx, p.id, &cs, e);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        cs.state = "closed";
        cs.closed_at = fy_now_ms();
        if (store_case_update(tx, &cs, e))
            return -1;
    }
    return api_audit(tx, c->req, "close", "pregnancy", c->req->params[0],
                     c->note ? arena_printf(c->req->arena, "%s: %s", p.outcome, c->note) : p.outcome, e);
}

static int h_close(http_req_t *req, http_resp_t *resp)
{
    struct close_ctx c = {.req = req, .outcome = -1};
    json_t *body = api_id_and_body(req, &c.id);
    if (!body)
        return -1;
    fy_err_t *e = &req->err;
    static const char *const known[] = {"outcome", "date", "note", NULL};
    jv_no_unknown(body, known, e);
    jv_enum(body, "outcome", true, close_outcomes, &c.outcome, e);
    if (jv_date(body, "date", true, &c.date, e) && c.date > fy_today())
        fy_field(e, "date", "future", "日期不能晚于今天 (date must not be in the future)");
    jv_str(body, "note", false, 0, 2000, &c.note, e);
    if (fy_has_error(e))
        return -1;
    if (store_write(api_app(req)->store, req->arena, close_unit, &c, e))
        return -1;
    return preg_reply_record(req, resp, 200, c.id);
}

/* ---- postpartum visits --------------------------------------------------- */

static const char *const pp_kinds[] = {"home_visit", "day42", NULL};

struct pp_ctx {
    http_req_t *req;
    int64_t id;
    store_pp_visit_t v;
};

static int pp_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct pp_ctx *c = vctx;
    http_req_t *req = c->req;
    const app_t *app = api_app(req);
    store_pregnancy_t p;
    store_woman_t w;
    if (preg_load(req, tx, c->id, &p, &w, e))
        return -1;
    if (strcmp(p.status, "delivered") != 0)
        return fy_fail(e, 409, "not_delivered", "尚未登记分娩，不能录入产后访视 (no delivery recorded yet)");
    if (c->v.date < p.ended_on)
        return fy_field(e, "date", "before_delivery", "访视日期早于分娩日期 (date is before the delivery)"), -1;
    store_pp_task_t *tasks;
    int nt;
    if (store_pp_tasks_of(tx, p.id, &tasks, &nt, e))
        return -1;
    store_pp_task_t *done = NULL;
    for (int i = 0; i < nt && !done; i++) {
        if (strcmp(tasks[i].status, "open") != 0)
            continue;
        for (int k = 0; k < PREG_PP_TASKS; k++)
            if (strcmp(preg_pp_tasks[k].kind, tasks[i].kind) == 0 && strcmp(preg_pp_tasks[k].visit, c->v.kind) == 0)
                done = &tasks[i];
    }
    c->v.pregnancy_id = p.id;
    c->v.task_id = done ? done->id : 0;
    if (store_pp_visit_insert(tx, &c->v, e))
        return -1;
    if (done) {
        done->status = "done";
        done->visit_id = c->v.id;
        if (store_pp_task_update(tx, done, e))
            return -1;
    }
    if (c->v.declared_factors)
        p.declared_factors = c->v.declared_factors;
    store_visit_t *visits;
    int nv;
    if (store_visits_of(tx, p.id, &visits, &nv, e) ||
        preg_regrade(app, tx, &p, &w, visits, nv, api_user(req)->id, "postpartum", c->v.id, c->v.date, e))
        return -1;
    /* the 42-day check ends case management */
    if (strcmp(c->v.kind, "day42") == 0) {
        store_case_t cs;
        int rc = store_case_get(tx, p.id, &cs, e);
        if (rc < 0)
            return -1;
        if (rc == 0 && strcmp(cs.state, "open") == 0) {
            cs.state = "closed";
            cs.closed_at = fy_now_ms();
            if (store_case_update(tx, &cs, e))
                return -1;
        }
    }
    p.updated_at = fy_now_ms();
    if (store_pregnancy_update(tx, &p, e))
        return -1;
    return api_audit(tx, req, "postpartum_visit", "pregnancy", req->params[0], c->v.kind, e);
}

static int h_postpartum(http_req_t *req, http_resp_t *resp)
{
    struct pp_ctx c = {.req = req};
    json_t *body = api_id_and_body(req, &c.id);
    if (!body)
        return -1;
    fy_err_t *e = &req->err;
    static const char *const known[] = {"date", "kind", "sbp", "dbp", "findings", "epds_score", "declared_factors",
                                        NULL};
    jv_no_unknown(body, known, e);
    store_pp_visit_t *v = &c.v;
    int kind = -1;
    if (jv_date(body, "date", true, &v->date, e) && v->date > fy_today())
        fy_field(e, "date", "future", "日期不能晚于今天 (date must not be in the future)");
    jv_enum(body, "kind", true, pp_kinds, &kind, e);
    v->kind = kind >= 0 ? pp_kinds[kind] : NULL;
    v->sbp = v->dbp = NAN;
    jv_num(body, "sbp", false, anc_measures[ANC_SBP].min, anc_measures[ANC_SBP].max, "mmHg", &v->sbp, e);
    jv_num(body, "dbp", false, anc_measures[ANC_DBP].min, anc_measures[ANC_DBP].max, "mmHg", &v->dbp, e);
    if (!isnan(v->sbp) && !isnan(v->dbp) && v->dbp >= v->sbp)
        fy_field(e, "dbp", "range", "舒张压应低于收缩压 (dbp must be lower than sbp)");
    jv_str(body, "findings", false, 0, 2000, &v->findings, e);
    long epds = -1;
    jv_int(body, "epds_score", false, 0, 30, &epds, e);
    v->epds_score = (int)epds;
    json_t *declared = json_object_get(body, "declared_factors");
    if (declared && !json_is_null(declared))
        v->declared_factors = preg_declared_codes(req, declared, "declared_factors", e);
    if (fy_has_error(e))
        return -1;
    v->institution_id = api_user(req)->institution_id;
    v->user_id = api_user(req)->id;
    v->created_at = fy_now_ms();
    if (store_write(api_app(req)->store, req->arena, pp_unit, &c, e))
        return -1;
    return preg_reply_record(req, resp, 201, c.id);
}

#define CLINICIANS (ROLE_BIT(ROLE_COMMUNITY_DOCTOR) | ROLE_BIT(ROLE_OBSTETRICIAN) | ROLE_BIT(ROLE_RESCUE_CENTER))
const http_route_t api_delivery_routes[] = {
    {"POST", "/api/v1/pregnancies/{id}/delivery", h_delivery, ROLE_BIT(ROLE_OBSTETRICIAN), 0},
    {"POST", "/api/v1/pregnancies/{id}/close", h_close, CLINICIANS | ROLE_BIT(ROLE_DISTRICT_ADMIN), 0},
    {"POST", "/api/v1/pregnancies/{id}/postpartum-visits", h_postpartum,
     ROLE_BIT(ROLE_COMMUNITY_DOCTOR) | ROLE_BIT(ROLE_OBSTETRICIAN), 0},
};
const size_t api_delivery_nroutes = sizeof api_delivery_routes / sizeof api_delivery_routes[0];
