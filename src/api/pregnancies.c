/* Pregnancy registration (small and big card), the record, lists, antenatal
 * visits and lab results (each re-grades the risk), and the continuation
 * assessment of red cases. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "api/pregnancy.h"
#include "base/idnum.h"

static const char *const cards[] = {"small", "big", NULL};
static const char *const datings[] = {"lmp", "ultrasound", NULL};

/* The institution a registration names must be of the card's kind; staff
 * register at their own institution. */
static const ref_institution_t *card_institution(http_req_t *req, const char *field, const char *id, int card,
                                                 fy_err_t *e)
{
    const ref_institution_t *inst = refdata_institution(api_app(req)->ref, id);
    if (!inst) {
        fy_field(e, field, "unknown_institution", "没有这个机构 %s (no such institution)", id);
        return NULL;
    }
    unsigned need = card == 0 ? INST_COMMUNITY_HEALTH_CENTER : INST_DELIVERY_HOSPITAL;
    if (!(inst->types & need)) {
        fy_field(e, field, "institution_type",
                 card == 0 ? "小卡须在社区卫生服务中心建立 (a small card is opened at a community health centre)"
                           : "大卡须在助产医疗机构建立 (a big card is opened at a delivery hospital)");
        return NULL;
    }
    api_user_t *u = api_user(req);
    if (u->role != ROLE_CITIZEN && (!u->institution_id || strcmp(u->institution_id, inst->id) != 0)) {
        fy_fail(e, 403, "other_institution", "只能在本机构建册 (you can register only at your own institution)");
        return NULL;
    }
    return inst;
}

/* Whether a rule on `field` is already broken. */
static bool field_named(const fy_err_t *e, const char *field)
{
    for (int i = 0; i < e->n; i++)
        if (strcmp(e->fields[i].field, field) == 0)
            return true;
    return false;
}

struct register_ctx {
    http_req_t *req;
    store_pregnancy_t p;
    const ref_institution_t *inst;
    int card;
};

static int register_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct register_ctx *c = vctx;
    http_req_t *req = c->req;
    const app_t *app = api_app(req);
    api_user_t *u = api_user(req);
    store_pregnancy_t *p = &c->p;
    if (u->role == ROLE_CITIZEN && u->woman_id != p->woman_id)
        return fy_fail(e, 403, "not_self", "只能为本人建册 (you can register only yourself)");
    store_woman_t w;
    int rc = store_woman_get(tx, p->woman_id, &w, e);
    if (rc)
        return rc < 0 ? -1 : fy_fail(e, 404, "not_found", "没有这位妇女的档案 (no such woman)");
    /* registering her makes this institution one that serves her */
    if (store_woman_link(tx, p->woman_id, c->inst->id, c->inst->district, e))
        return -1;
    if (api_check_woman(req, tx, p->woman_id, e))
        return -1;
    if (w.has_birth_date && p->has_last_uterine_surgery && p->last_uterine_surgery_date < w.birth_date) {
        fy_field(e, "last_uterine_surgery_date", "range", "末次子宫手术日期早于出生日期 (before her birth date)");
        return -1;
    }
    p->residence_district = w.residence_district;
    p->institution_id = c->inst->id;
    p->institution_district = c->inst->district;
    if (c->card == 1)
        p->delivery_institution_id = c->inst->id;
    if (store_pregnancy_insert(tx, p, e))
        return -1;
    store_card_t card = {0, p->id, cards[c->card], c->inst->id, p->registered_on, p->registered_ga_days, u->id,
                         p->created_at};
    if (store_card_insert(tx, &card, e))
        return -1;
    /* a pregnancy just stored has no visits yet */
    if (preg_regrade(app, tx, p, &w, NULL, 0, u->id, "registration", p->id, p->registered_on, e))
        return -1;
    if (preg_schedule_refresh(app, tx, p, &w, NULL, 0, fy_today(), e))
        return -1;
    p->updated_at = fy_now_ms();
    if (store_pregnancy_update(tx, p, e))
        return -1;
    return api_audit(tx, req, "create", "pregnancy", arena_printf(req->arena, "%lld", (long long)p->id), NULL, e);
}

static const char *const register_fields[] = {
    "woman_id", "lmp", "card", "institution_id", "gravidity", "parity", "previous_caesareans",
    "other_uterine_operations", "last_uterine_surgery_date", "previous_miscarriages", "assisted_reproduction",
    "fetuses", "height_cm", "weight_kg", "dating", "ultrasound_edd", "declared_factors", NULL};

static int h_register(http_req_t *req, http_resp_t *resp)
{
    json_t *body = api_body(req);
    if (!body)
        return -1;
    fy_err_t *e = &req->err;
    const app_t *app = api_app(req);
    struct register_ctx c = {.req = req, .card = -1};
    store_pregnancy_t *p = &c.p;
    fy_date_t today = fy_today();
    long gravidity = 1, parity = 0, caes = 0, other_ops = 0, misc = 0, fetuses = 1;
    int dating = 0;
    const char *inst_id = NULL;

    jv_no_unknown(body, register_fields, e);
    jv_id(body, "woman_id", true, &p->woman_id, e);
    bool has_lmp = jv_date(body, "lmp", true, &p->lmp, e);
    jv_enum(body, "card", true, cards, &c.card, e);
    jv_str(body, "institution_id", true, 1, 64, &inst_id, e);
    bool has_g = jv_int(body, "gravidity", true, 1, 20, &gravidity, e);
    bool has_p = jv_int(body, "parity", true, 0, 15, &parity, e);
    jv_int(body, "previous_caesareans", false, 0, 10, &caes, e);
    jv_int(body, "other_uterine_operations", false, 0, 10, &other_ops, e);
    p->has_last_uterine_surgery = jv_date(body, "last_uterine_surgery_date", false, &p->last_uterine_surgery_date, e);
    jv_int(body, "previous_miscarriages", false, 0, 20, &misc, e);
    jv_bool(body, "assisted_reproduction", false, &p->assisted_reproduction, e);
    jv_int(body, "fetuses", false, 1, 6, &fetuses, e);
    jv_num(body, "height_cm", true, 120, 200, "cm", &p->height_cm, e);
    jv_num(body, "weight_kg", true, 30, 200, "kg", &p->weight_kg, e);
    jv_enum(body, "dating", false, datings, &dating, e);
    fy_date_t us_edd = 0;
    bool has_us = jv_date(body, "ultrasound_edd", false, &us_edd, e);
    json_t *declared = json_object_get(body, "declared_factors");
    p->declared_factors = declared ? preg_declared_codes(req, declared, "declared_factors", e) : "[]";

    if (has_lmp && p->lmp > today)
        fy_field(e, "lmp", "future", "末次月经不能晚于今天 (lmp must not be in the future)");
    else if (has_lmp && today - p->lmp > PREG_MAX_LMP_AGE_DAYS)
        fy_field(e, "lmp", "too_old", "末次月经距今超过44周 (lmp is more than 44 weeks ago)");
    if (has_g && has_p && parity >= gravidity)
        fy_field(e, "parity", "range", "产次应小于孕次（本次妊娠计入孕次） (parity must be less than gravidity)");
    if (has_p && caes > parity)
        fy_field(e, "previous_caesareans", "range", "剖宫产次数不能多于产次 (previous_caesareans cannot exceed parity)");
    if (has_g && misc > gravidity - 1)
        fy_field(e, "previous_miscarriages", "range",
                 "既往流产次数不能多于孕次减一 (previous_miscarriages cannot exceed gravidity − 1)");
    if (p->has_last_uterine_surgery && p->last_uterine_surgery_date > today)
        fy_field(e, "last_uterine_surgery_date", "future", "末次子宫手术日期不能晚于今天 (must not be in the future)");
    if (p->has_last_uterine_surgery && caes + other_ops == 0)
        fy_field(e, "last_uterine_surgery_date", "no_surgery",
                 "未填写子宫手术史却给出了手术日期 (a surgery date without any previous uterine operation)");
    if (dating == 1 && !has_us)
        fy_field(e, "ultrasound_edd", "required", "按超声推算孕周时须填写超声预产期 (ultrasound_edd is required)");
    if (dating == 1 && has_us && has_lmp && (us_edd < p->lmp + PREG_TERM_DAYS - 42 || us_edd > p->lmp + PREG_TERM_DAYS + 42))
        fy_field(e, "ultrasound_edd", "range",
                 "超声预产期与末次月经推算相差超过6周 (ultrasound_edd differs from the LMP date by more than 6 weeks)");
    /* with ultrasound dating GA follows the scan: its LMP equivalent obeys the LMP's rules */
    if (dating == 1 && has_us && !field_named(e, "ultrasound_edd")) {
        fy_date_t us_lmp = preg_lmp_from_edd(us_edd);
        if (us_lmp > today)
            fy_field(e, "ultrasound_edd", "future",
                     "超声预产期推算的孕周尚未开始（末次月经相当日期晚于今天） (ultrasound_edd dates the pregnancy "
                     "after today)");
        else if (today - us_lmp > PREG_MAX_LMP_AGE_DAYS)
            fy_field(e, "ultrasound_edd", "too_old",
                     "超声预产期推算的孕周超过44周 (ultrasound_edd dates the pregnancy more than 44 weeks ago)");
    }
    if (inst_id && c.card >= 0)
        c.inst = card_institution(req, "institution_id", inst_id, c.card, e);
    if (fy_has_error(e))
        return -1;

    p->dating = datings[dating];
    p->edd = dating == 1 ? us_edd : preg_edd(p->lmp);
    /* with ultrasound dating, GA follows the scan: the effective LMP is EDD − 280 */
    if (dating == 1)
        p->lmp = preg_lmp_from_edd(us_edd);
    p->registered_on = today;
    p->registered_ga_days = preg_ga_days(p->lmp, today);
    p->early_registration = preg_is_early_registration(p->registered_ga_days);
    p->gravidity = (int)gravidity;
    p->parity = (int)parity;
    p->previous_caesareans = (int)caes;
    p->other_uterine_operations = (int)other_ops;
    p->previous_miscarriages = (int)misc;
    p->fetuses = (int)fetuses;
    p->schedule_id = schedule_id(app->anc_schedule);
    p->created_by = api_user(req)->id;
    p->created_at = fy_now_ms();
    if (store_write(app->store, req->arena, register_unit, &c, e))
        return -1;
    return preg_reply_record(req, resp, 201, p->id);
}

/* ---- the record and lists ---------------------------------------------- */

static int h_get(http_req_t *req, http_resp_t *resp)
{
    int64_t id;
    if (api_id_param(req, 0, &id))
        return -1;
    if (preg_reply_record(req, resp, 200, id))
        return -1;
    resp->nheaders = 0; /* no Location on a read */
    if (api_audit_read(req, "read", "pregnancy", req->params[0], NULL)) {
        buf_free(&resp->body);
        return -1;
    }
    return 0;
}

struct list_ctx {
    http_req_t *req;
    store_pregnancy_query_t q;
    store_pregnancy_t *rows;
    store_woman_t *women;
    int n;
    int64_t total;
};

static int list_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct list_ctx *c = vctx;
    if (store_pregnancies_search(tx, &c->q, &c->rows, &c->n, &c->total, e))
        return -1;
    c->women = arena_alloc(c->req->arena, sizeof *c->women * (size_t)(c->n ? c->n : 1));
    for (int i = 0; i < c->n; i++)
        if (store_woman_get(tx, c->rows[i].woman_id, &c->women[i], e) < 0)
            return -1;
    return 0;
}

static const char *const colors[] = {"green", "yellow", "orange", "red", "purple", NULL};
static const char *const statuses[] = {"open", "delivered", "closed", NULL};

static int h_list(http_req_t *req, http_resp_t *resp)
{
    struct list_ctx c = {.req = req};
    int page;
    if (api_paging(req, &c.q.limit, &c.q.offset, &page))
        return -1;
    const app_t *app = api_app(req);
    c.q.scope = &api_user(req)->scope;
    c.q.status = api_query_enum(req, "status", statuses);
    const char *color = api_query_enum(req, "color", colors);
    bool b, present;
    c.q.purple = c.q.overdue = -1;
    if (color && strcmp(color, "purple") == 0)
        c.q.purple = 1;
    else
        c.q.color = color;
    if (api_query_bool(req, "purple", &b, &present) == 0 && present)
        c.q.purple = b;
    if (api_query_bool(req, "overdue", &b, &present) == 0 && present)
        c.q.overdue = b;
    c.q.district = http_query(req, "district");
    if (c.q.district && !refdata_district(app->ref, c.q.district))
        fy_field(&req->err, "district", "district", "区代码无效 (district must be one of the 16 district codes)");
    c.q.institution = http_query(req, "institution");
    if (c.q.institution && !refdata_institution(app->ref, c.q.institution))
        fy_field(&req->err, "institution", "unknown_institution", "没有这个机构 (no such institution)");
    const char *wid = http_query(req, "woman_id");
    if (wid && sscanf(wid, "%lld", (long long *)&c.q.woman_id) != 1)
        fy_field(&req->err, "woman_id", "id", "woman_id 应为档案编号 (woman_id must be a record id)");
    if (fy_has_error(&req->err))
        return -1;
    if (store_read(app->store, req->arena, list_unit, &c, &req->err))
        return -1;
    buf_t out = {0};
    buf_puts(&out, "{\"items\":[");
    buf_t ids = {0};
    for (int i = 0; i < c.n; i++) {
        if (i)
            buf_putc(&out, ',');
        preg_summary_json(req, &out, &c.rows[i], c.women[i].name, c.women[i].id_number);
        buf_printf(&ids, "%s%lld", i ? "," : "", (long long)c.rows[i].id);
    }
    buf_printf(&out, "],\"page\":%d,\"page_size\":%d,\"total\":%lld}", page, c.q.limit, (long long)c.total);
    return api_reply_search(req, resp, &out, "pregnancy", &ids, NULL);
}

/* ---- big card ------------------------------------------------------------ */

struct bigcard_ctx {
    http_req_t *req;
    int64_t id;
    const ref_institution_t *inst;
};

static int bigcard_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct bigcard_ctx *c = vctx;
    store_pregnancy_t p;
    store_woman_t w;
    /* the hospital starts serving her with the big card: link before the scope check */
    int rc = store_pregnancy_get(tx, c->id, &p, e);
    if (rc)
        return rc < 0 ? -1 : fy_fail(e, 404, "not_found", "没有这个孕产期档案 (no such pregnancy)");
    if (preg_require_open(&p, e))
        return -1;
    if (p.delivery_institution_id && strcmp(p.delivery_institution_id, c->inst->id) == 0)
        return fy_fail(e, 409, "big_card_exists", "已在本院建大卡 (the big card already exists at this hospital)");
    if (store_woman_link(tx, p.woman_id, c->inst->id, c->inst->district, e))
        return -1;
    if (preg_load(c->req, tx, c->id, &p, &w, e))
        return -1;
    fy_date_t today = fy_today();
    store_card_t card = {0, p.id, "big", c->inst->id, today, preg_ga_days(p.lmp, today), api_user(c->req)->id,
                         fy_now_ms()};
    if (store_card_insert(tx, &card, e))
        return -1;
    p.delivery_institution_id = c->inst->id;
    p.updated_at = fy_now_ms();
    /* an open case moves with her to the delivery hospital */
    store_case_t cs;
    rc = store_case_get(tx, p.id, &cs, e);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        cs.owner_institution = c->inst->id;
        if (store_case_update(tx, &cs, e))
            return -1;
    }
    if (store_pregnancy_update(tx, &p, e))
        return -1;
    return api_audit(tx, c->req, "big_card", "pregnancy", c->req->params[0], c->inst->id, e);
}

static int h_bigcard(http_req_t *req, http_resp_t *resp)
{
    struct bigcard_ctx c = {.req = req};
    if (api_id_param(req, 0, &c.id))
        return -1;
    json_t *body = req->body_len ? api_body(req) : json_object();
    if (!body)
        return -1;
    if (!req->body_len)
        arena_defer(req->arena, (void (*)(void *))json_decref, body);
    const char *inst_id = api_user(req)->institution_id;
    static const char *const known[] = {"institution_id", NULL};
    jv_no_unknown(body, known, &req->err);
    jv_str(body, "institution_id", false, 1, 64, &inst_id, &req->err);
    if (fy_has_error(&req->err))
        return -1;
    if (!inst_id) {
        fy_field(&req->err, "institution_id", "required", "机构为必填项 (institution_id is required)");
        return -1;
    }
    c.inst = card_institution(req, "institution_id", inst_id, 1, &req->err);
    if (!c.inst)
        return -1;
    if (store_write(api_app(req)->store, req->arena, bigcard_unit, &c, &req->err))
        return -1;
    return preg_reply_record(req, resp, 201, c.id);
}

/* ---- visits and lab results ---------------------------------------------- */

static const char *const presentations[] = {"cephalic", "breech", "transverse", "oblique", "unknown", NULL};
static const char *const edemas[] = {"none", "mild", "moderate", "severe", NULL};
static const char *const urine_proteins[] = {"negative", "trace", "1+", "2+", "3+", "4+", NULL};
static const char *const lab_values[] = {"negative", "positive", NULL};

struct visit_ctx {
    http_req_t *req;
    int64_t id;
    store_visit_t v;
    const ref_institution_t *inst;
    fy_err_t err; /* the failure of an asynchronous unit */
};

/* The visits `old` (date order, then id) with v, just stored, in its place:
 * its id is the largest, so it goes after every visit on or before its date
 * (as store_visits_of would list them now). */
static const store_visit_t *with_visit(arena_t *a, const store_visit_t *old, int no, const store_visit_t *v, int *n)
{
    store_visit_t *all = arena_alloc_raw(a, sizeof *all * (size_t)(no + 1));
    int k = 0;
    while (k < no && old[k].date <= v->date)
        k++;
    memcpy(all, old, sizeof *all * (size_t)k);
    all[k] = *v;
    memcpy(all + k + 1, old + k, sizeof *all * (size_t)(no - k));
    *n = no + 1;
    return all;
}

static int visit_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct visit_ctx *c = vctx;
    http_req_t *req = c->req;
    const app_t *app = api_app(req);
    store_pregnancy_t p;
    store_woman_t w;
    if (preg_load(req, tx, c->id, &p, &w, e) || preg_require_open(&p, e))
        return -1;
    store_visit_t *v = &c->v;
    if (v->date < p.lmp)
        return fy_field(e, "date", "before_lmp", "日期早于末次月经 (date is before the LMP)"), -1;
    if (v->date - p.lmp > 45 * 7)
        return fy_field(e, "date", "range", "日期对应孕周超过45周 (date is beyond 45 weeks of gestation)"), -1;
    v->ga_days = preg_ga_days(p.lmp, v->date);
    /* her visits before this one: read once, for the window, the grading
     * and the schedule */
    store_visit_t *old;
    int no;
    if (store_visits_of(tx, p.id, &old, &no, e))
        return -1;
    /* which window the visit fills: plan with the visits before it */
    const schedule_t *sched = app_anc_schedule(app, p.schedule_id);
    if (sched && strcmp(v->kind, "visit") == 0) {
        fy_date_t *dates = arena_alloc(store_tx_arena(tx), sizeof *dates * (size_t)(no + 2));
        size_t nd = 0;
        dates[nd++] = p.registered_on;
        for (int i = 0; i < no; i++)
            if (strcmp(old[i].kind, "visit") == 0)
                dates[nd++] = old[i].date;
        schedule_slot_t before[32], after[32];
        size_t n1 = schedule_plan(sched, p.lmp, dates, nd, v->date > fy_today() ? v->date : fy_today(), before, 32);
        dates[nd++] = v->date;
        size_t n2 = schedule_plan(sched, p.lmp, dates, nd, v->date > fy_today() ? v->date : fy_today(), after, 32);
        for (size_t i = 0; i < n1 && i < n2 && i < 32; i++)
            if (!before[i].filled && after[i].filled) {
                v->window_seq = after[i].seq;
                break;
            }
    }
    if (c->inst && store_woman_link(tx, p.woman_id, c->inst->id, c->inst->district, e))
        return -1;
    if (store_visit_insert(tx, v, e))
        return -1;
    if (v->declared_factors)
        p.declared_factors = v->declared_factors;
    int nv;
    const store_visit_t *visits = with_visit(store_tx_arena(tx), old, no, v, &nv);
    if (preg_regrade(app, tx, &p, &w, visits, nv, api_user(req)->id, v->kind, v->id, v->date, e))
        return -1;
    if (preg_schedule_refresh(app, tx, &p, &w, visits, nv, fy_today(), e))
        return -1;
    p.updated_at = fy_now_ms();
    if (store_pregnancy_update(tx, &p, e))
        return -1;
    return api_audit(tx, req, strcmp(v->kind, "visit") == 0 ? "add_visit" : "add_labs", "pregnancy",
                     req->params[0], NULL, e);
}

static void visit_done(void *arg, int rc)
{
    struct visit_ctx *c = arg;
    http_defer_end(c->req, rc ? &c->err : NULL);
}

static int visit_reply(http_req_t *req, http_resp_t *resp)
{
    int64_t id;
    if (api_id_param(req, 0, &id))
        return -1;
    return preg_reply_record(req, resp, 201, id);
}

/* Over a live connection a visit does not hold its worker thread while it
 * commits: the unit is queued (store_write_async, with the writer's arena:
 * the unit allocates from its tx only) and the record is read and sent
 * after the commit, on a worker thread (http_defer_then). A request with an
 * Idempotency-Key takes the waiting path: its claim rides on a synchronous
 * write (idempotency.c). */
static int add_visit_async(http_req_t *req, const struct visit_ctx *ready)
{
    struct visit_ctx *c = arena_alloc(req->arena, sizeof *c);
    *c = *ready;
    http_defer_begin(req);
    http_defer_then(req, visit_reply);
    if (store_write_async(api_app(req)->store, visit_unit, c, &c->err, visit_done, c)) {
        req->err = c->err;
        http_defer_end(req, NULL);
        return -1;
    }
    return 0;
}

static const char *const visit_fields[] = {
    "date", "weight_kg", "sbp", "dbp", "fundal_height_cm", "abdominal_circumference_cm", "fetal_heart_rate",
    "presentation", "edema", "urine_protein", "hb_g_l", "plt_10e9_l", "creatinine_umol_l", "creatinine_uln_umol_l",
    "spo2_percent", "ef_percent", "pasp_mmhg", "fasting_glucose_mmol_l", "labs", "declared_factors", "notes",
    "next_appointment", NULL};
static const char *const lab_fields_allowed[] = {"date", "hb_g_l", "plt_10e9_l", "creatinine_umol_l",
                                                 "creatinine_uln_umol_l", "spo2_percent", "ef_percent", "pasp_mmhg",
                                                 "fasting_glucose_mmol_l", "labs", "notes", NULL};

static int add_visit(http_req_t *req, http_resp_t *resp, bool labs_only)
{
    struct visit_ctx c = {.req = req};
    json_t *body = api_id_and_body(req, &c.id);
    if (!body)
        return -1;
    fy_err_t *e = &req->err;
    store_visit_t *v = &c.v;
    v->pregnancy_id = c.id;
    v->kind = labs_only ? "labs" : "visit";
    jv_no_unknown(body, labs_only ? lab_fields_allowed : visit_fields, e);
    bool has_date = jv_date(body, "date", true, &v->date, e);
    if (has_date && v->date > fy_today())
        fy_field(e, "date", "future", "日期不能晚于今天 (date must not be in the future)");
    int measured = 0;
    for (int m = 0; m < ANC_N_MEASURES; m++) {
        v->m[m] = NAN;
        const anc_measure_def_t *d = &anc_measures[m];
        if (labs_only && !d->lab)
            continue;
        if (jv_num(body, d->field, false, d->min, d->max, d->unit, &v->m[m], e))
            measured++;
    }
    if (!isnan(v->m[ANC_SBP]) && !isnan(v->m[ANC_DBP]) && v->m[ANC_DBP] >= v->m[ANC_SBP])
        fy_field(e, "dbp", "range", "舒张压应低于收缩压 (dbp must be lower than sbp)");
    json_t *labs = json_object_get(body, "labs");
    if (labs && !json_is_null(labs)) {
        if (!json_is_object(labs)) {
            fy_field(e, "labs", "type", "labs 应为对象 {hiv, syphilis, hbsag} (labs must be an object)");
        } else {
            static const char *const known[] = {"hiv", "syphilis", "hbsag", NULL};
            fy_err_t le = {0};
            jv_no_unknown(labs, known, &le);
            for (int i = 0; i < le.n; i++)
                fy_field(e, arena_printf(req->arena, "labs.%s", le.fields[i].field), "unknown", "%s",
                         le.fields[i].message);
            for (int l = 0; l < ANC_N_LABS; l++) {
                int idx;
                fy_err_t one = {0};
                if (jv_enum(labs, anc_lab_fields[l], false, lab_values, &idx, &one)) {
                    v->labs[l] = lab_values[idx];
                    measured++;
                } else if (one.n) {
                    fy_field(e, arena_printf(req->arena, "labs.%s", anc_lab_fields[l]), "enum",
                             "检验结果应为 positive 或 negative (must be positive or negative)");
                }
            }
        }
    }
    int idx;
    if (!labs_only) {
        if (jv_enum(body, "presentation", false, presentations, &idx, e))
            v->presentation = presentations[idx];
        if (jv_enum(body, "edema", false, edemas, &idx, e))
            v->edema = edemas[idx];
        if (jv_enum(body, "urine_protein", false, urine_proteins, &idx, e))
            v->urine_protein = urine_proteins[idx];
        json_t *declared = json_object_get(body, "declared_factors");
        if (declared && !json_is_null(declared))
            v->declared_factors = preg_declared_codes(req, declared, "declared_factors", e);
        v->has_next_appointment = jv_date(body, "next_appointment", false, &v->next_appointment, e);
        if (v->has_next_appointment && has_date && v->next_appointment < v->date)
            fy_field(e, "next_appointment", "range", "下次预约日期不能早于本次日期 (must not be before the visit)");
    }
    jv_str(body, "notes", false, 0, 2000, &v->notes, e);
    if (labs_only && measured == 0 && !fy_has_error(e))
        fy_field(e, "labs", "required", "至少填写一项检验结果 (send at least one lab result)");
    if (fy_has_error(e))
        return -1;
    api_user_t *u = api_user(req);
    v->institution_id = u->institution_id;
    v->user_id = u->id;
    v->created_at = fy_now_ms();
    c.inst = refdata_institution(api_app(req)->ref, u->institution_id);
    if (req->defer && !http_header(req, "Idempotency-Key"))
        return add_visit_async(req, &c);
    if (store_write(api_app(req)->store, req->arena, visit_unit, &c, e))
        return -1;
    return preg_reply_record(req, resp, 201, c.id);
}

static int h_visit(http_req_t *req, http_resp_t *resp) { return add_visit(req, resp, false); }
static int h_labs(http_req_t *req, http_resp_t *resp) { return add_visit(req, resp, true); }

/* ---- continuation assessment (red) -------------------------------------- */

struct cont_ctx {
    http_req_t *req;
    int64_t id;
    store_continuation_t c;
};

static int cont_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct cont_ctx *c = vctx;
    store_pregnancy_t p;
    if (preg_load(c->req, tx, c->id, &p, NULL, e) || preg_require_open(&p, e))
        return -1;
    if (store_continuation_insert(tx, &c->c, e))
        return -1;
    return api_audit(tx, c->req, "continuation", "pregnancy", c->req->params[0], NULL, e);
}

static int h_continuation(http_req_t *req, http_resp_t *resp)
{
    struct cont_ctx c = {.req = req};
    json_t *body = api_id_and_body(req, &c.id);
    if (!body)
        return -1;
    fy_err_t *e = &req->err;
    static const char *const known[] = {"suitable", "assessed_by", "senior_title", "advice", "woman_decision", NULL};
    jv_no_unknown(body, known, e);
    jv_bool(body, "suitable", true, &c.c.suitable, e);
    jv_str(body, "assessed_by", true, 1, 50, &c.c.assessed_by, e);
    jv_str(body, "senior_title", false, 1, 50, &c.c.senior_title, e);
    jv_str(body, "advice", true, 1, 2000, &c.c.advice, e);
    jv_str(body, "woman_decision", true, 1, 500, &c.c.woman_decision, e);
    /* "not suitable to continue" must be confirmed by a senior doctor (副主任医师+) */
    if (!fy_has_error(e) && !c.c.suitable &&
        (!c.c.senior_title || (!strstr(c.c.senior_title, "主任医师") && !strstr(c.c.senior_title, "chief"))))
        fy_field(e, "senior_title", "senior_required",
                 "不宜继续妊娠须由副主任医师及以上确认 (not suitable to continue must be confirmed by an associate "
                 "chief physician or above)");
    if (fy_has_error(e))
        return -1;
    c.c.pregnancy_id = c.id;
    c.c.at = fy_now_ms();
    c.c.user_id = api_user(req)->id;
    c.c.institution_id = api_user(req)->institution_id;
    if (store_write(api_app(req)->store, req->arena, cont_unit, &c, e))
        return -1;
    return preg_reply_record(req, resp, 201, c.id);
}

/* ---- the rule table ------------------------------------------------------ */

static int h_criteria(http_req_t *req, http_resp_t *resp)
{
    const risk_criteria_t *rc = api_app(req)->risk;
    buf_t b = {0};
    buf_puts(&b, "{");
    api_kv_str(&b, "version", risk_criteria_version(rc), false);
    api_kv_str(&b, "effective", risk_criteria_effective(rc), true);
    buf_puts(&b, ",\"colors\":[");
    for (int c = RISK_GREEN; c <= RISK_PURPLE; c++) {
        buf_puts(&b, c ? ",{" : "{");
        api_kv_str(&b, "color", risk_color_name((risk_color_t)c), false);
        api_kv_str(&b, "label", risk_color_label_zh((risk_color_t)c), true);
        buf_putc(&b, '}');
    }
    buf_puts(&b, "],\"factors\":[");
    for (size_t i = 0; i < risk_criteria_count(rc); i++) {
        const risk_factor_def_t *d = risk_criteria_at(rc, i);
        buf_puts(&b, i ? ",{" : "{");
        api_kv_str(&b, "code", d->code, false);
        api_kv_str(&b, "color", risk_color_name(d->color), true);
        api_kv_str(&b, "category", d->category, true);
        api_kv_str(&b, "text", d->text, true);
        api_kv_str(&b, "source", d->source, true);
        api_kv_str(&b, "mark", d->mark, true);
        buf_printf(&b, ",\"derivable\":%s}", d->derivable ? "true" : "false");
    }
    buf_puts(&b, "]}");
    api_reply(resp, 200, &b);
    http_add_header(resp, "Cache-Control", "public, max-age=300");
    return 0;
}

#define CLINICIANS (ROLE_BIT(ROLE_COMMUNITY_DOCTOR) | ROLE_BIT(ROLE_OBSTETRICIAN) | ROLE_BIT(ROLE_RESCUE_CENTER))
const http_route_t api_pregnancy_routes[] = {
    {"POST", "/api/v1/pregnancies", h_register,
     ROLE_BIT(ROLE_CITIZEN) | ROLE_BIT(ROLE_COMMUNITY_DOCTOR) | ROLE_BIT(ROLE_OBSTETRICIAN), 0},
    {"GET", "/api/v1/pregnancies", h_list, ROLES_ALL, 0},
    {"GET", "/api/v1/pregnancies/{id}", h_get, ROLES_ALL, 0},
    {"POST", "/api/v1/pregnancies/{id}/big-card", h_bigcard, ROLE_BIT(ROLE_OBSTETRICIAN), 0},
    {"POST", "/api/v1/pregnancies/{id}/visits", h_visit, CLINICIANS, 0},
    {"POST", "/api/v1/pregnancies/{id}/labs", h_labs, CLINICIANS, 0},
    {"POST", "/api/v1/pregnancies/{id}/continuation", h_continuation,
     ROLE_BIT(ROLE_OBSTETRICIAN) | ROLE_BIT(ROLE_RESCUE_CENTER), 0},
    {"GET", "/api/v1/risk/criteria", h_criteria, 0, HTTP_PUBLIC},
};
const size_t api_pregnancy_nroutes = sizeof api_pregnancy_routes / sizeof api_pregnancy_routes[0];
