/* Shared pregnancy logic: scope-checked loading, risk re-grading with case
 * management, schedule upkeep (reminders, overdue), and the record JSON. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "api/pregnancy.h"
#include "base/idnum.h"

static const char *const color_order[] = {"green", "yellow", "orange", "red"};

static int color_rank(const char *c)
{
    for (int i = 0; i < 4; i++)
        if (c && strcmp(c, color_order[i]) == 0)
            return i;
    return 0;
}

int preg_load(http_req_t *req, store_tx_t *tx, int64_t id, store_pregnancy_t *p, store_woman_t *w, fy_err_t *e)
{
    int rc = store_pregnancy_get(tx, id, p, e);
    if (rc < 0)
        return -1;
    if (rc == 1)
        return fy_fail(e, 404, "not_found", "没有这个孕产期档案 (no such pregnancy: %lld)", (long long)id);
    if (!w)
        return api_check_woman(req, tx, p->woman_id, e);
    /* her row is read anyway; nothing of it leaves before the scope check */
    rc = store_woman_get(tx, p->woman_id, w, e);
    if (rc < 0)
        return -1;
    if (rc == 1)
        return fy_fail(e, 404, "not_found", "没有这位妇女的档案 (no such woman: %lld)", (long long)p->woman_id);
    return api_check_woman_row(req, tx, w, e);
}

int preg_require_open(const store_pregnancy_t *p, fy_err_t *e)
{
    if (strcmp(p->status, "open") != 0)
        return fy_fail(e, 409, "pregnancy_closed",
                       "该孕产期档案已结束（%s），不能再录入 (the pregnancy has ended: %s)", p->status, p->status);
    return 0;
}

const ref_institution_t *preg_user_institution(http_req_t *req, fy_err_t *e)
{
    const ref_institution_t *inst = refdata_institution(api_app(req)->ref, api_user(req)->institution_id);
    if (!inst)
        fy_fail(e, 403, "no_institution", "当前账号不属于任何机构 (your account belongs to no institution)");
    return inst;
}

/* ---- grading -------------------------------------------------------------- */

static risk_lab_t lab_value(const char *s)
{
    if (!s)
        return RISK_LAB_UNKNOWN;
    return strcmp(s, "positive") == 0 ? RISK_LAB_POSITIVE : RISK_LAB_NEGATIVE;
}

/* The declared codes of a JSON array text, in the arena. */
static size_t parse_declared(arena_t *a, const char *text, const char ***out)
{
    json_t *arr = text ? json_loads(text, 0, NULL) : NULL;
    size_t n = json_array_size(arr);
    *out = arena_alloc(a, sizeof **out * (n ? n : 1));
    for (size_t i = 0; i < n; i++)
        (*out)[i] = arena_strdup(a, json_string_value(json_array_get(arr, i)));
    json_decref(arr);
    return n;
}

/* A grading is stored compactly, codes and how each matched; the text and
 * clause are joined from the rule table (of the version it names) when the
 * record is shown (factors_render). */
static char *factors_json(arena_t *a, const risk_result_t *r)
{
    buf_t b = {0};
    buf_putc(&b, '[');
    for (size_t i = 0; i < r->n; i++) {
        const risk_factor_def_t *d = r->factors[i].def;
        buf_puts(&b, i ? ",{" : "{");
        api_kv_str(&b, "code", d->code, false);
        api_kv_str(&b, "color", risk_color_name(d->color), true);
        api_kv_bool(&b, "derived", r->factors[i].derived, true);
        api_kv_bool(&b, "declared", r->factors[i].declared, true);
        buf_putc(&b, '}');
    }
    buf_putc(&b, ']');
    char *s = arena_strdup(a, b.p);
    buf_free(&b);
    return s;
}

/* The stored factors with each one's text, category, clause and mark. */
static void factors_render(buf_t *b, const risk_criteria_t *rc, const char *stored)
{
    json_t *arr = json_loads(stored ? stored : "[]", 0, NULL);
    buf_putc(b, '[');
    size_t i;
    json_t *f;
    json_array_foreach(arr, i, f) {
        const char *code = json_string_value(json_object_get(f, "code"));
        const risk_factor_def_t *d = risk_criteria_find(rc, code);
        buf_puts(b, i ? ",{" : "{");
        api_kv_str(b, "code", code, false);
        api_kv_str(b, "color", json_string_value(json_object_get(f, "color")), true);
        api_kv_str(b, "category", d ? d->category : NULL, true);
        api_kv_str(b, "text", d ? d->text : NULL, true);
        api_kv_str(b, "source", d ? d->source : NULL, true);
        api_kv_str(b, "mark", d ? d->mark : NULL, true);
        api_kv_bool(b, "derived", json_is_true(json_object_get(f, "derived")), true);
        api_kv_bool(b, "declared", json_is_true(json_object_get(f, "declared")), true);
        buf_putc(b, '}');
    }
    buf_putc(b, ']');
    json_decref(arr);
}

static const ref_institution_t *mch_of(const refdata_t *ref, const char *district)
{
    for (size_t i = 0; i < refdata_institution_count(ref); i++) {
        const ref_institution_t *x = refdata_institution_at(ref, i);
        if ((x->types & INST_MCH_INSTITUTE) && strcmp(x->district, district) == 0)
            return x;
    }
    return NULL;
}

static int manage_case(const app_t *app, store_tx_t *tx, store_pregnancy_t *p, const store_woman_t *w,
                       fy_err_t *e)
{
    bool warning = color_rank(p->color) >= 2 || p->purple;
    store_case_t c;
    int rc = store_case_get(tx, p->id, &c, e);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        if (color_rank(p->color) > color_rank(c.max_color)) {
            c.max_color = p->color;
            if (store_case_update(tx, &c, e))
                return -1;
        }
        return 0;
    }
    if (!warning)
        return 0;
    c = (store_case_t){0};
    c.pregnancy_id = p->id;
    c.opened_at = fy_now_ms();
    c.opened_color = p->color;
    c.opened_purple = p->purple;
    c.max_color = p->color;
    c.owner_institution = p->delivery_institution_id ? p->delivery_institution_id : p->institution_id;
    c.district = p->residence_district;
    c.state = "open";
    if (store_case_insert(tx, &c, e))
        return -1;
    /* "one found, one reported": the district MCH institute hears at once */
    const ref_institution_t *mch = mch_of(app->ref, p->residence_district);
    const ref_district_t *d = refdata_district(app->ref, p->residence_district);
    char masked[64];
    idnum_mask(w->id_number, masked, sizeof masked);
    store_outbox_t m = {0};
    m.kind = "high_risk_notice";
    m.channel = "institution";
    m.recipient = mch ? mch->id : p->residence_district;
    m.text = arena_printf(store_tx_arena(tx),
                          "【高危孕产妇报告】%s孕妇%s（%s）妊娠风险评估为%s%s，已纳入专案管理，请跟踪管理。",
                          d ? d->name : "", w->name, masked, risk_color_label_zh((risk_color_t)color_rank(p->color)),
                          p->purple ? "＋紫色（传染病）" : "");
    m.due_on = fy_today();
    m.ref_type = "pregnancy";
    m.ref_id = p->id;
    m.dedupe_key = arena_printf(store_tx_arena(tx), "high_risk:%lld", (long long)p->id);
    m.created_at = fy_now_ms();
    return store_outbox_insert(tx, &m, e) < 0 ? -1 : 0;
}

/* The compact facts the report indicators count (store pregnancy_facts),
 * refreshed with every grading. A high-risk woman counts as managed when an
 * orange/red/purple case was opened, or, when yellow was her highest colour,
 * when she holds a big card at a level-2 or higher hospital (domain.md
 * §5.2: yellow is cared for at level 2+). */
static int facts_refresh(const app_t *app, store_tx_t *tx, const store_pregnancy_t *p, const store_visit_t *visits,
                         int nv, fy_err_t *e)
{
    store_preg_facts_t f = {0};
    int rc = store_preg_facts_get(tx, p->id, &f, e);
    if (rc < 0)
        return -1;
    if (rc == 1)
        f.max_color = "green";
    f.pregnancy_id = p->id;
    fy_date_t end = p->has_ended ? p->ended_on : 0x7fffffff;
    f.contacts = 1; /* the check done with registration */
    f.early_check = p->early_registration;
    for (int i = 0; i < nv; i++) {
        if (visits[i].date > end)
            continue;
        if (strcmp(visits[i].kind, "visit") == 0) {
            f.contacts++;
            if (visits[i].ga_days < PREG_EARLY_LIMIT_DAYS)
                f.early_check = true;
        }
        f.hiv_tested |= visits[i].labs[ANC_LAB_HIV] != NULL;
        f.syphilis_tested |= visits[i].labs[ANC_LAB_SYPHILIS] != NULL;
        f.hbsag_tested |= visits[i].labs[ANC_LAB_HBSAG] != NULL;
    }
    if (strcmp(p->status, "open") == 0) {
        if (color_rank(p->color) > color_rank(f.max_color))
            f.max_color = p->color;
        f.ever_purple |= p->purple;
    }
    store_case_t c;
    rc = store_case_get(tx, p->id, &c, e);
    if (rc < 0)
        return -1;
    const ref_institution_t *hosp = refdata_institution(app->ref, p->delivery_institution_id);
    f.case_managed = rc == 0 || (color_rank(f.max_color) == 1 && hosp && hosp->level >= 2);
    if (p->has_ended && strcmp(p->status, "delivered") == 0) {
        store_pp_visit_t *pv;
        int np;
        if (store_pp_visits_of(tx, p->id, &pv, &np, e))
            return -1;
        f.pp_visited = f.pp_visit_28d = f.day42_checked = false;
        for (int i = 0; i < np; i++) {
            f.pp_visited = true;
            if (strcmp(pv[i].kind, "home_visit") == 0 && pv[i].date - p->ended_on <= 28)
                f.pp_visit_28d = true;
            if (strcmp(pv[i].kind, "day42") == 0)
                f.day42_checked = true;
        }
    }
    return store_preg_facts_put(tx, &f, e);
}

int preg_regrade(const app_t *app, store_tx_t *tx, store_pregnancy_t *p, const store_woman_t *w,
                 const store_visit_t *visits, int nv, int64_t user_id, const char *trigger, int64_t trigger_id,
                 fy_date_t on, fy_err_t *e)
{
    arena_t *a = store_tx_arena(tx);
    preg_findings_t f;
    preg_findings_init(&f);
    f.birth_date = w->birth_date;
    f.has_birth_date = w->has_birth_date;
    f.lmp = p->lmp;
    f.height_cm = p->height_cm;
    f.weight_kg = p->weight_kg;
    f.fetuses = p->fetuses;
    f.previous_caesareans = p->previous_caesareans;
    f.other_uterine_operations = p->other_uterine_operations;
    f.previous_miscarriages = p->previous_miscarriages;
    f.assisted_reproduction = p->assisted_reproduction;
    f.last_uterine_surgery_date = p->last_uterine_surgery_date;
    f.has_last_uterine_surgery = p->has_last_uterine_surgery;

    store_pp_visit_t *pv = NULL;
    int np = 0;
    bool ended = strcmp(p->status, "open") != 0;
    if (ended && store_pp_visits_of(tx, p->id, &pv, &np, e))
        return -1;
    /* The grading is her current state: a result entered late (dated before
     * findings already on file) must not take the newer ones back, so grade
     * as of the latest finding when that is after `on`. */
    for (int i = 0; i < nv; i++)
        if (visits[i].date > on)
            on = visits[i].date;
    for (int i = 0; i < np; i++)
        if (pv[i].date > on)
            on = pv[i].date;
    /* the latest value of each measure wins: a new Hb replaces the old one */
    for (int i = 0; i < nv; i++) {
        if (visits[i].date > on)
            continue;
        for (int m = 0; m < ANC_N_MEASURES; m++)
            if (!isnan(visits[i].m[m]))
                f.latest[m] = visits[i].m[m];
        for (int l = 0; l < ANC_N_LABS; l++)
            if (visits[i].labs[l])
                f.labs[l] = lab_value(visits[i].labs[l]);
    }
    if (ended) {
        /* after delivery: blood pressure and EPDS come from postpartum visits */
        f.postpartum = true;
        f.fetuses = -1; /* pregnancy-only findings no longer apply */
        f.latest[ANC_FASTING_GLUCOSE] = NAN;
        for (int i = 0; i < np; i++) {
            if (pv[i].date > on)
                continue;
            if (!isnan(pv[i].sbp))
                f.latest[ANC_SBP] = pv[i].sbp;
            if (!isnan(pv[i].dbp))
                f.latest[ANC_DBP] = pv[i].dbp;
            if (pv[i].epds_score >= 0)
                f.epds_score = pv[i].epds_score;
        }
    }
    const char **declared;
    f.n_declared = parse_declared(a, p->declared_factors, &declared);
    f.declared = declared;

    risk_input_t in;
    preg_risk_input(&f, on, &in);
    risk_result_t *r = arena_alloc(a, sizeof *r);
    risk_grade(app->risk, &in, r);

    store_risk_t rec = {0};
    rec.pregnancy_id = p->id;
    rec.at = fy_now_ms();
    rec.on_date = on;
    rec.user_id = user_id;
    rec.trigger = trigger;
    rec.trigger_id = trigger_id;
    rec.color = risk_color_name(r->color);
    rec.purple = r->purple;
    rec.factors = factors_json(a, r);
    rec.criteria_version = risk_criteria_version(app->risk);
    if (store_risk_insert(tx, &rec, e))
        return -1;
    p->color = rec.color;
    p->purple = rec.purple;
    p->risk_assessment_id = rec.id;
    if (manage_case(app, tx, p, w, e))
        return -1;
    return facts_refresh(app, tx, p, visits, nv, e);
}

/* ---- schedule -------------------------------------------------------------- */

#define MAX_SLOTS 32

/* Visit dates that count for the schedule: the registration (the first check
 * is done with it) and every antenatal visit of `v` (the pregnancy's visits,
 * as the caller has them: the record renders them too). */
static fy_date_t *contact_dates(arena_t *a, const store_pregnancy_t *p, const store_visit_t *v, int nv, size_t *n)
{
    fy_date_t *out = arena_alloc(a, sizeof *out * (size_t)(nv + 1));
    *n = 0;
    out[(*n)++] = p->registered_on;
    for (int i = 0; i < nv; i++)
        if (strcmp(v[i].kind, "visit") == 0)
            out[(*n)++] = v[i].date;
    return out;
}

/* Windows that closed before she registered were never hers to keep. */
static bool slot_applies(const store_pregnancy_t *p, const schedule_slot_t *s) { return s->closes >= p->registered_on; }

/* The latest contact on or before today. */
static fy_date_t last_contact(const fy_date_t *dates, size_t n, fy_date_t today)
{
    fy_date_t last = dates[0];
    for (size_t i = 1; i < n; i++)
        if (dates[i] <= today && dates[i] > last)
            last = dates[i];
    return last;
}

/* A missed window makes the pregnancy overdue (to be followed up) until she
 * is seen again: a visit after the window closed means she is back in care,
 * and the missed window stays visible in the schedule. */
static bool slot_chases(const schedule_slot_t *s, fy_date_t last) { return s->overdue && last <= s->closes; }

int preg_schedule_refresh(const app_t *app, store_tx_t *tx, store_pregnancy_t *p, const store_woman_t *w,
                          const store_visit_t *visits, int nv, fy_date_t today, fy_err_t *e)
{
    const schedule_t *sched = app_anc_schedule(app, p->schedule_id);
    if (!sched || strcmp(p->status, "open") != 0) {
        p->overdue = false;
        p->has_next_check = false;
        return 0;
    }
    size_t nd;
    fy_date_t *dates = contact_dates(store_tx_arena(tx), p, visits, nv, &nd);
    schedule_slot_t slots[MAX_SLOTS];
    size_t n = schedule_plan(sched, p->lmp, dates, nd, today, slots, MAX_SLOTS);
    if (n > MAX_SLOTS)
        n = MAX_SLOTS;
    p->overdue = false;
    p->has_next_check = false;
    fy_date_t next = 0, last = last_contact(dates, nd, today);
    for (size_t i = 0; i < n; i++) {
        schedule_slot_t *s = &slots[i];
        if (s->filled || !slot_applies(p, s))
            continue;
        if (slot_chases(s, last))
            p->overdue = true;
        /* remind once, from three days before the window until it closes */
        if (s->remind_on <= today && today <= s->closes && w->phone) {
            const schedule_window_t *win = schedule_at(sched, (size_t)schedule_find_seq(sched, s->seq));
            char opens[11], closes[11];
            fy_date_format(s->opens, opens);
            fy_date_format(s->closes, closes);
            store_outbox_t m = {0};
            m.kind = "anc_reminder";
            m.channel = "sms";
            m.recipient = w->phone;
            m.text = arena_printf(store_tx_arena(tx),
                                  "【上海妇幼】%s您好：您的%s时间为%s至%s，请按时到医院产检。如已预约请忽略。",
                                  w->name, win ? win->name : "产前检查", opens, closes);
            m.due_on = s->remind_on;
            m.ref_type = "pregnancy";
            m.ref_id = p->id;
            m.dedupe_key = arena_printf(store_tx_arena(tx), "anc:%lld:%d", (long long)p->id, s->seq);
            m.created_at = fy_now_ms();
            if (store_outbox_insert(tx, &m, e) < 0)
                return -1;
        }
        fy_date_t candidates[2] = {s->remind_on, s->overdue_from};
        for (int k = 0; k < 2; k++)
            if (candidates[k] > today && (!next || candidates[k] < next))
                next = candidates[k];
    }
    if (next) {
        p->has_next_check = true;
        p->next_check_on = next;
    }
    return 0;
}

/* ---- rendering ------------------------------------------------------------- */

static void ga_json(buf_t *b, const char *key, int ga_days, bool comma)
{
    char text[16];
    preg_ga_text(ga_days, text, sizeof text);
    if (comma)
        buf_putc(b, ',');
    buf_putc(b, '"');
    buf_puts(b, key);
    buf_puts(b, "\":{\"weeks\":");
    buf_put_int(b, ga_days < 0 ? 0 : ga_days / 7);
    buf_puts(b, ",\"days\":");
    buf_put_int(b, ga_days < 0 ? 0 : ga_days % 7);
    buf_puts(b, ",\"text\":\"");
    buf_puts(b, text);
    buf_puts(b, "\",\"total_days\":");
    buf_put_int(b, ga_days);
    buf_putc(b, '}');
}

/* "institution_id": id, "institution_name": its name */
static void inst_ref(buf_t *b, const refdata_t *ref, const char *key, const char *name_key, const char *id,
                     bool comma)
{
    api_kv_str(b, key, id, comma);
    const ref_institution_t *x = refdata_institution(ref, id);
    api_kv_str(b, name_key, x ? x->name : NULL, true);
}

void preg_summary_json(http_req_t *req, buf_t *b, const store_pregnancy_t *p, const char *woman_name,
                       const char *woman_id_number)
{
    const refdata_t *ref = api_app(req)->ref;
    char masked[64] = "";
    if (woman_id_number)
        idnum_mask(woman_id_number, masked, sizeof masked);
    buf_putc(b, '{');
    api_kv_str(b, "id", arena_printf(req->arena, "%lld", (long long)p->id), false);
    buf_puts(b, ",\"woman\":{");
    api_kv_str(b, "id", arena_printf(req->arena, "%lld", (long long)p->woman_id), false);
    api_kv_str(b, "name", woman_name, true);
    api_kv_str(b, "id_number", woman_id_number ? masked : NULL, true);
    buf_putc(b, '}');
    api_kv_str(b, "status", p->status, true);
    api_kv_date(b, "lmp", p->lmp, true, true);
    api_kv_date(b, "edd", p->edd, true, true);
    ga_json(b, "ga", preg_ga_days(p->lmp, p->has_ended ? p->ended_on : fy_today()), true);
    api_kv_str(b, "color", p->color, true);
    api_kv_bool(b, "purple", p->purple, true);
    api_kv_bool(b, "overdue", p->overdue, true);
    inst_ref(b, ref, "institution_id", "institution_name", p->institution_id, true);
    inst_ref(b, ref, "delivery_institution_id", "delivery_institution_name", p->delivery_institution_id, true);
    api_kv_str(b, "residence_district", p->residence_district, true);
    buf_putc(b, '}');
}

static void visit_json(buf_t *b, const refdata_t *ref, const store_visit_t *v)
{
    buf_putc(b, '{');
    api_kv_id(b, "id", v->id, false);
    api_kv_str(b, "kind", v->kind, true);
    api_kv_date(b, "date", v->date, true, true);
    ga_json(b, "ga", v->ga_days, true);
    if (v->window_seq)
        api_kv_int(b, "window_seq", v->window_seq, true);
    else
        buf_puts(b, ",\"window_seq\":null");
    inst_ref(b, ref, "institution_id", "institution_name", v->institution_id, true);
    if (v->user_id > 0) /* who saw her */
        api_kv_id(b, "user_id", v->user_id, true);
    else
        buf_puts(b, ",\"user_id\":null");
    for (int m = 0; m < ANC_N_MEASURES; m++)
        api_kv_num(b, anc_measures[m].field, v->m[m], true);
    buf_puts(b, ",\"labs\":{");
    for (int l = 0; l < ANC_N_LABS; l++)
        api_kv_str(b, anc_lab_fields[l], v->labs[l], l > 0);
    buf_putc(b, '}');
    api_kv_str(b, "presentation", v->presentation, true);
    api_kv_str(b, "edema", v->edema, true);
    api_kv_str(b, "urine_protein", v->urine_protein, true);
    buf_puts(b, ",\"declared_factors\":");
    buf_puts(b, v->declared_factors ? v->declared_factors : "null");
    api_kv_str(b, "notes", v->notes, true);
    api_kv_date(b, "next_appointment", v->next_appointment, v->has_next_appointment, true);
    buf_putc(b, '}');
}

static void color_fields(buf_t *b, const char *color, bool purple)
{
    risk_color_t c = (risk_color_t)color_rank(color);
    api_kv_str(b, "color", color, true);
    api_kv_str(b, "color_label", risk_color_label_zh(c), true);
    api_kv_bool(b, "purple", purple, true);
    if (purple)
        api_kv_str(b, "purple_label", risk_color_label_zh(RISK_PURPLE), true);
}

static void schedule_json(buf_t *b, const app_t *app, arena_t *a, const store_pregnancy_t *p,
                          const store_visit_t *visits, int nv, fy_date_t today, bool *overdue_out)
{
    const schedule_t *sched = app_anc_schedule(app, p->schedule_id);
    *overdue_out = false;
    if (!sched) {
        buf_puts(b, ",\"schedule\":null,\"next_visit\":null");
        return;
    }
    size_t nd;
    fy_date_t *dates = contact_dates(a, p, visits, nv, &nd);
    schedule_slot_t slots[MAX_SLOTS];
    size_t n = schedule_plan(sched, p->lmp, dates, nd, today, slots, MAX_SLOTS);
    if (n > MAX_SLOTS)
        n = MAX_SLOTS;
    bool open = strcmp(p->status, "open") == 0;
    buf_puts(b, ",\"schedule\":{");
    api_kv_str(b, "id", schedule_id(sched), false);
    api_kv_str(b, "name", schedule_name(sched), true);
    buf_puts(b, ",\"windows\":[");
    int next = -1;
    fy_date_t last = last_contact(dates, nd, today);
    for (size_t i = 0; i < n; i++) {
        const schedule_slot_t *s = &slots[i];
        const schedule_window_t *w = schedule_at(sched, (size_t)schedule_find_seq(sched, s->seq));
        bool applies = slot_applies(p, s);
        bool overdue = open && applies && s->overdue;
        if (overdue && slot_chases(s, last))
            *overdue_out = true;
        if (open && applies && next < 0 && !s->filled && s->closes >= today)
            next = (int)i;
        buf_puts(b, i ? ",{" : "{");
        api_kv_int(b, "seq", s->seq, false);
        api_kv_str(b, "name", w ? w->name : NULL, true);
        api_kv_date(b, "opens", s->opens, true, true);
        api_kv_date(b, "closes", s->closes, true, true);
        api_kv_bool(b, "filled", s->filled, true);
        api_kv_date(b, "filled_on", s->filled_on, s->filled, true);
        api_kv_bool(b, "applies", applies, true);
        api_kv_bool(b, "overdue", overdue, true);
        buf_putc(b, '}');
    }
    buf_puts(b, "]}");
    if (next < 0) {
        buf_puts(b, ",\"next_visit\":null");
        return;
    }
    const schedule_slot_t *s = &slots[next];
    const schedule_window_t *w = schedule_at(sched, (size_t)schedule_find_seq(sched, s->seq));
    buf_puts(b, ",\"next_visit\":{");
    api_kv_int(b, "seq", s->seq, false);
    api_kv_str(b, "name", w ? w->name : NULL, true);
    api_kv_date(b, "opens", s->opens, true, true);
    api_kv_date(b, "closes", s->closes, true, true);
    ga_json(b, "ga_from", (int)(s->opens - p->lmp), true);
    ga_json(b, "ga_to", (int)(s->closes - p->lmp), true);
    buf_puts(b, ",\"tests\":[");
    for (size_t t = 0; w && t < w->n_tests; t++) {
        buf_puts(b, t ? ",{" : "{");
        api_kv_str(b, "code", w->tests[t].code, false);
        api_kv_str(b, "name", w->tests[t].name, true);
        if (w->tests[t].timed) {
            fy_date_t from, to;
            schedule_test_dates(w, &w->tests[t], p->lmp, &from, &to);
            api_kv_date(b, "from", from, true, true);
            api_kv_date(b, "to", to, true, true);
        }
        buf_putc(b, '}');
    }
    buf_puts(b, "]}");
}

/* The delivery, the babies and the postpartum tasks and visits of an ended
 * pregnancy. */
static int render_birth(http_req_t *req, store_tx_t *tx, const store_pregnancy_t *p, buf_t *b, fy_err_t *e)
{
    const refdata_t *ref = api_app(req)->ref;
    store_delivery_t d;
    int rc = store_delivery_of(tx, p->id, &d, e);
    if (rc < 0)
        return -1;
    if (rc == 1) {
        buf_puts(b, ",\"delivery\":null");
    } else {
        buf_puts(b, ",\"delivery\":{");
        api_kv_id(b, "id", d.id, false);
        char local[23];
        fy_instant_format_local(d.delivered_at, local);
        api_kv_str(b, "delivered_at", local, true);
        ga_json(b, "ga", d.ga_days, true);
        api_kv_str(b, "term", preg_term_class(d.ga_days), true);
        inst_ref(b, ref, "institution_id", "institution_name", d.institution_id, true);
        api_kv_str(b, "mode", d.mode, true);
        api_kv_str(b, "cs_indication", d.cs_indication, true);
        api_kv_bool(b, "epidural", d.epidural, true);
        if (d.blood_loss_ml >= 0)
            api_kv_int(b, "blood_loss_ml", d.blood_loss_ml, true);
        else
            buf_puts(b, ",\"blood_loss_ml\":null");
        buf_puts(b, ",\"complications\":");
        buf_puts(b, d.complications ? d.complications : "[]");
        api_kv_int(b, "babies", d.babies, true);
        buf_putc(b, '}');
    }
    store_child_t *kids;
    int nk;
    if (store_children_of(tx, p->id, &kids, &nk, e))
        return -1;
    buf_puts(b, ",\"babies\":[");
    for (int i = 0; i < nk; i++) {
        buf_puts(b, i ? ",{" : "{");
        if (strcmp(kids[i].outcome, "live") == 0) /* a stillborn baby has no child record */
            api_kv_id(b, "child_id", kids[i].id, false);
        else
            buf_puts(b, "\"child_id\":null");
        api_kv_int(b, "birth_order", kids[i].birth_order, true);
        api_kv_int(b, "sex", kids[i].sex, true);
        api_kv_int(b, "weight_g", kids[i].weight_g, true);
        api_kv_str(b, "outcome", kids[i].outcome, true);
        api_kv_str(b, "name", kids[i].name, true);
        buf_putc(b, '}');
    }
    buf_putc(b, ']');
    store_pp_task_t *tasks;
    int nt;
    if (store_pp_tasks_of(tx, p->id, &tasks, &nt, e))
        return -1;
    buf_puts(b, ",\"postpartum\":{\"tasks\":[");
    for (int i = 0; i < nt; i++) {
        buf_puts(b, i ? ",{" : "{");
        api_kv_id(b, "id", tasks[i].id, false);
        api_kv_str(b, "kind", tasks[i].kind, true);
        inst_ref(b, ref, "institution_id", "institution_name", tasks[i].institution_id, true);
        api_kv_date(b, "due_from", tasks[i].due_from, true, true);
        api_kv_date(b, "due_to", tasks[i].due_to, true, true);
        api_kv_str(b, "status", tasks[i].status, true);
        buf_putc(b, '}');
    }
    store_pp_visit_t *pv;
    int np;
    if (store_pp_visits_of(tx, p->id, &pv, &np, e))
        return -1;
    buf_puts(b, "],\"visits\":[");
    for (int i = 0; i < np; i++) {
        buf_puts(b, i ? ",{" : "{");
        api_kv_id(b, "id", pv[i].id, false);
        api_kv_str(b, "kind", pv[i].kind, true);
        api_kv_date(b, "date", pv[i].date, true, true);
        api_kv_num(b, "sbp", pv[i].sbp, true);
        api_kv_num(b, "dbp", pv[i].dbp, true);
        api_kv_str(b, "findings", pv[i].findings, true);
        if (pv[i].epds_score >= 0)
            api_kv_int(b, "epds_score", pv[i].epds_score, true);
        else
            buf_puts(b, ",\"epds_score\":null");
        buf_putc(b, '}');
    }
    buf_puts(b, "]}");
    return 0;
}

int preg_render(http_req_t *req, store_tx_t *tx, const store_pregnancy_t *p, const store_woman_t *w, buf_t *b,
                fy_err_t *e)
{
    const app_t *app = api_app(req);
    const refdata_t *ref = app->ref;
    arena_t *a = req->arena;
    fy_date_t today = fy_today();
    char masked[64];
    idnum_mask(w->id_number, masked, sizeof masked);

    buf_putc(b, '{');
    api_kv_id(b, "id", p->id, false);
    api_kv_str(b, "status", p->status, true);
    api_kv_str(b, "outcome", p->outcome, true);
    api_kv_date(b, "ended_on", p->ended_on, p->has_ended, true);
    buf_puts(b, ",\"woman\":{");
    api_kv_id(b, "id", w->id, false);
    api_kv_str(b, "name", w->name, true);
    api_kv_str(b, "id_type", w->id_type, true);
    api_kv_str(b, "id_number", masked, true);
    api_kv_date(b, "birth_date", w->birth_date, w->has_birth_date, true);
    if (w->has_birth_date)
        api_kv_int(b, "age", fy_age_years(w->birth_date, today), true);
    api_kv_str(b, "phone", w->phone, true);
    api_kv_str(b, "residence_district", w->residence_district, true);
    buf_putc(b, '}');
    api_kv_date(b, "lmp", p->lmp, true, true);
    api_kv_date(b, "edd", p->edd, true, true);
    api_kv_str(b, "dating", p->dating, true);
    int ga_now = preg_ga_days(p->lmp, p->has_ended ? p->ended_on : today);
    ga_json(b, "ga", ga_now, true);
    api_kv_str(b, "trimester", preg_trimester(ga_now), true);
    api_kv_date(b, "registered_on", p->registered_on, true, true);
    ga_json(b, "registered_ga", p->registered_ga_days, true);
    api_kv_bool(b, "early_registration", p->early_registration, true);
    api_kv_date(b, "small_card_deadline", p->lmp + PREG_SMALL_CARD_LAST_DAYS, true, true);
    inst_ref(b, ref, "institution_id", "institution_name", p->institution_id, true);
    inst_ref(b, ref, "delivery_institution_id", "delivery_institution_name", p->delivery_institution_id, true);
    api_kv_str(b, "residence_district", p->residence_district, true);
    buf_puts(b, ",\"history\":{");
    api_kv_int(b, "gravidity", p->gravidity, false);
    api_kv_int(b, "parity", p->parity, true);
    api_kv_int(b, "previous_caesareans", p->previous_caesareans, true);
    api_kv_int(b, "other_uterine_operations", p->other_uterine_operations, true);
    api_kv_int(b, "previous_miscarriages", p->previous_miscarriages, true);
    api_kv_bool(b, "assisted_reproduction", p->assisted_reproduction, true);
    api_kv_date(b, "last_uterine_surgery_date", p->last_uterine_surgery_date, p->has_last_uterine_surgery, true);
    buf_putc(b, '}');
    api_kv_int(b, "fetuses", p->fetuses, true);
    api_kv_num(b, "height_cm", p->height_cm, true);
    api_kv_num(b, "weight_kg", p->weight_kg, true);
    double bmi = p->weight_kg / ((p->height_cm / 100) * (p->height_cm / 100));
    api_kv_num(b, "bmi", round(bmi * 10) / 10, true);
    buf_puts(b, ",\"declared_factors\":");
    buf_puts(b, p->declared_factors ? p->declared_factors : "[]");

    /* cards */
    store_card_t *cards;
    int nc;
    if (store_cards_of(tx, p->id, &cards, &nc, e))
        return -1;
    buf_puts(b, ",\"cards\":[");
    for (int i = 0; i < nc; i++) {
        buf_puts(b, i ? ",{" : "{");
        api_kv_str(b, "card", cards[i].card, false);
        api_kv_str(b, "label", strcmp(cards[i].card, "small") == 0 ? "小卡（社区建册）" : "大卡（医院建档）", true);
        inst_ref(b, ref, "institution_id", "institution_name", cards[i].institution_id, true);
        api_kv_date(b, "date", cards[i].on_date, true, true);
        ga_json(b, "ga", cards[i].ga_days, true);
        buf_putc(b, '}');
    }
    buf_putc(b, ']');

    /* visits */
    store_visit_t *visits;
    int nv;
    if (store_visits_of(tx, p->id, &visits, &nv, e))
        return -1;
    buf_puts(b, ",\"visits\":[");
    for (int i = 0; i < nv; i++) {
        if (i)
            buf_putc(b, ',');
        visit_json(b, ref, &visits[i]);
    }
    buf_putc(b, ']');

    /* risk: current and history */
    store_risk_t *risks;
    int nr;
    if (store_risks_of(tx, p->id, &risks, &nr, e))
        return -1;
    buf_puts(b, ",\"risk\":{");
    api_kv_str(b, "criteria_version", nr ? risks[0].criteria_version : risk_criteria_version(app->risk), false);
    color_fields(b, p->color, p->purple);
    api_kv_instant(b, "assessed_at", nr ? risks[0].at : 0, true);
    api_kv_date(b, "assessed_on", nr ? risks[0].on_date : 0, nr > 0, true);
    buf_puts(b, ",\"factors\":");
    factors_render(b, app->risk, nr ? risks[0].factors : "[]");
    buf_putc(b, '}');
    buf_puts(b, ",\"risk_history\":[");
    for (int i = 0; i < nr; i++) {
        buf_puts(b, i ? ",{" : "{");
        api_kv_id(b, "id", risks[i].id, false);
        api_kv_instant(b, "at", risks[i].at, true);
        api_kv_date(b, "on_date", risks[i].on_date, true, true);
        api_kv_str(b, "trigger", risks[i].trigger, true);
        /* who graded: the user whose entry triggered it; null for the system */
        if (risks[i].user_id > 0)
            api_kv_id(b, "user_id", risks[i].user_id, true);
        else
            buf_puts(b, ",\"user_id\":null");
        color_fields(b, risks[i].color, risks[i].purple);
        api_kv_str(b, "criteria_version", risks[i].criteria_version, true);
        /* past gradings as stored (codes, colours, derived/declared): the
         * clauses are those of the current grading and GET /risk/criteria */
        buf_puts(b, ",\"factors\":");
        buf_puts(b, risks[i].factors ? risks[i].factors : "[]");
        buf_putc(b, '}');
    }
    buf_putc(b, ']');

    /* schedule, next visit, overdue (as of today) */
    bool overdue;
    schedule_json(b, app, a, p, visits, nv, today, &overdue);
    api_kv_bool(b, "overdue", overdue, true);

    /* case management */
    /* case management and appointments: most pregnancies have none, and
     * has_management_rows says so without three lookups */
    store_case_t c;
    int rc = 1;
    store_continuation_t *cont = NULL;
    int ncont = 0;
    store_appointment_t *ap = NULL;
    int na = 0;
    if (p->has_management_rows) {
        if ((rc = store_case_get(tx, p->id, &c, e)) < 0 || store_continuations_of(tx, p->id, &cont, &ncont, e) ||
            store_appointments_of(tx, p->id, &ap, &na, e))
            return -1;
    }
    if (rc == 1) {
        buf_puts(b, ",\"case\":{\"state\":\"none\"}");
    } else {
        buf_puts(b, ",\"case\":{");
        api_kv_str(b, "state", c.state, false);
        api_kv_instant(b, "opened_at", c.opened_at, true);
        api_kv_str(b, "opened_color", c.opened_color, true);
        api_kv_bool(b, "opened_purple", c.opened_purple, true);
        api_kv_str(b, "max_color", c.max_color, true);
        inst_ref(b, ref, "owner_institution", "owner_institution_name", c.owner_institution, true);
        api_kv_str(b, "district", c.district, true);
        bool red = strcmp(p->color, "red") == 0;
        api_kv_bool(b, "continuation_required", red, true);
        api_kv_bool(b, "continuation_missing", red && ncont == 0, true);
        buf_putc(b, '}');
    }
    buf_puts(b, ",\"continuation_assessments\":[");
    for (int i = 0; i < ncont; i++) {
        buf_puts(b, i ? ",{" : "{");
        api_kv_instant(b, "at", cont[i].at, false);
        api_kv_bool(b, "suitable", cont[i].suitable, true);
        api_kv_str(b, "assessed_by", cont[i].assessed_by, true);
        api_kv_str(b, "senior_title", cont[i].senior_title, true);
        api_kv_str(b, "advice", cont[i].advice, true);
        api_kv_str(b, "woman_decision", cont[i].woman_decision, true);
        inst_ref(b, ref, "institution_id", "institution_name", cont[i].institution_id, true);
        buf_putc(b, '}');
    }
    buf_putc(b, ']');

    /* reminders and notices */
    store_outbox_t *msgs;
    int nm;
    if (store_outbox_of(tx, "pregnancy", p->id, &msgs, &nm, e))
        return -1;
    buf_puts(b, ",\"reminders\":[");
    int k = 0;
    for (int i = 0; i < nm; i++) {
        if (strcmp(msgs[i].channel, "sms") != 0)
            continue;
        buf_puts(b, k++ ? ",{" : "{");
        api_kv_str(b, "kind", msgs[i].kind, false);
        api_kv_str(b, "channel", msgs[i].channel, true);
        api_kv_date(b, "due_on", msgs[i].due_on, true, true);
        api_kv_str(b, "status", msgs[i].status, true);
        api_kv_str(b, "text", msgs[i].text, true);
        buf_putc(b, '}');
    }
    buf_puts(b, "],\"notices\":[");
    k = 0;
    for (int i = 0; i < nm; i++) {
        if (strcmp(msgs[i].channel, "institution") != 0)
            continue;
        buf_puts(b, k++ ? ",{" : "{");
        api_kv_str(b, "kind", msgs[i].kind, false);
        inst_ref(b, ref, "recipient", "recipient_name", msgs[i].recipient, true);
        api_kv_date(b, "due_on", msgs[i].due_on, true, true);
        api_kv_str(b, "status", msgs[i].status, true);
        api_kv_str(b, "text", msgs[i].text, true);
        buf_putc(b, '}');
    }
    buf_putc(b, ']');

    /* appointments */
    buf_puts(b, ",\"appointments\":[");
    for (int i = 0; i < na; i++) {
        buf_puts(b, i ? ",{" : "{");
        api_kv_id(b, "id", ap[i].id, false);
        inst_ref(b, ref, "institution_id", "institution_name", ap[i].institution_id, true);
        api_kv_date(b, "date", ap[i].date, true, true);
        api_kv_str(b, "status", ap[i].status, true);
        buf_putc(b, '}');
    }
    buf_putc(b, ']');

    /* delivery, children, postpartum: an open pregnancy has none of them
     * (the delivery unit ends it), so its record does not look */
    if (strcmp(p->status, "open") == 0)
        buf_puts(b, ",\"delivery\":null,\"babies\":[],\"postpartum\":{\"tasks\":[],\"visits\":[]}");
    else if (render_birth(req, tx, p, b, e))
        return -1;
    api_kv_int(b, "version", p->version, true);
    api_kv_instant(b, "created_at", p->created_at, true);
    api_kv_instant(b, "updated_at", p->updated_at, true);
    buf_putc(b, '}');
    return 0;
}

struct render_ctx {
    http_req_t *req;
    int64_t id;
    buf_t b;
};

static int render_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct render_ctx *c = vctx;
    store_pregnancy_t p;
    store_woman_t w;
    if (preg_load(c->req, tx, c->id, &p, &w, e))
        return -1;
    return preg_render(c->req, tx, &p, &w, &c->b, e);
}

int preg_reply_record(http_req_t *req, http_resp_t *resp, int status, int64_t id)
{
    if (req->quiet) {
        resp->status = status;
        buf_printf(&resp->body, "{\"id\":\"%lld\"}", (long long)id);
        return 0;
    }
    struct render_ctx c = {req, id, {0}};
    buf_reserve(&c.b, 16384); /* a record is 5–15 kB: no regrowth on the way */
    if (store_read(api_app(req)->store, req->arena, render_unit, &c, &req->err)) {
        buf_free(&c.b);
        return -1;
    }
    api_reply(resp, status, &c.b);
    http_add_header(resp, "Location", arena_printf(req->arena, "/api/v1/pregnancies/%lld", (long long)id));
    return 0;
}

const char *preg_declared_codes(http_req_t *req, json_t *arr, const char *field, fy_err_t *e)
{
    if (!json_is_array(arr)) {
        fy_field(e, field, "type", "%s应为风险因素代码数组 (%s must be an array of factor codes)", jv_label(field),
                 field);
        return NULL;
    }
    if (json_array_size(arr) > 64) {
        fy_field(e, field, "length", "风险因素最多64项 (at most 64 factor codes)");
        return NULL;
    }
    buf_t b = {0};
    buf_putc(&b, '[');
    size_t i;
    json_t *v;
    bool ok = true;
    int n = 0;
    json_array_foreach(arr, i, v) {
        const char *code = json_string_value(v);
        char *name = arena_printf(req->arena, "%s[%zu]", field, i);
        if (!code || !risk_criteria_find(api_app(req)->risk, code)) {
            fy_field(e, name, "unknown_factor",
                     "未知的风险因素代码 %s，见 GET /api/v1/risk/criteria (unknown risk factor code %s)",
                     code && jv_utf8_len(code) >= 0 && strlen(code) < 60 ? code : "?",
                     code && jv_utf8_len(code) >= 0 && strlen(code) < 60 ? code : "?");
            ok = false;
            continue;
        }
        if (n++)
            buf_putc(&b, ',');
        buf_json_str(&b, code);
    }
    buf_putc(&b, ']');
    const char *out = ok ? arena_strdup(req->arena, b.p) : NULL;
    buf_free(&b);
    return out;
}
