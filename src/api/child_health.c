/* Child health 0–6 (儿童健康管理, domain.md §10): the check schedule and its
 * reminders, health checks with WHO z-scores, the growth series, the
 * development warning signs and their referrals, the autism pipeline, the
 * alerts and special-case enrolment shown on a child, and the two child
 * work lists. Scope follows the mother (api_check_woman); recording a check
 * links the checking institution to her, so its staff see the child. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/child_health.h"
#include "api/pregnancy.h"
#include "base/idnum.h"
#include "domain/child_health.h"
#include "domain/growth.h"

#define MAX_SLOTS 32
#define CLINICIANS (ROLE_BIT(ROLE_COMMUNITY_DOCTOR) | ROLE_BIT(ROLE_OBSTETRICIAN) | ROLE_BIT(ROLE_RESCUE_CENTER))
#define WORKERS (ROLES_STAFF | ROLES_ADMIN)

/* ---- reference data: the child schedule and the warning-sign table ------
 * Loaded on first use from the application's data directory and kept for
 * the life of the process (read-only, shared by all threads). */

typedef struct {
    schedule_t *sched;
    ch_signs_t *signs;
} ch_ref_t;

static pthread_mutex_t ref_mu = PTHREAD_MUTEX_INITIALIZER;
static ch_ref_t ref_data;
static bool ref_ok;

static const ch_ref_t *ch_ref(const app_t *app, fy_err_t *e)
{
    pthread_mutex_lock(&ref_mu);
    if (!ref_ok) {
        char path[512], why[300] = "";
        const char *dir = app && app->data_dir ? app->data_dir : "data";
        snprintf(path, sizeof path, "%s/schedules/child-national.json", dir);
        if (!ref_data.sched && schedule_load(path, &ref_data.sched, why, sizeof why) != SCHEDULE_OK)
            ref_data.sched = NULL;
        if (ref_data.sched && !ref_data.signs) {
            snprintf(path, sizeof path, "%s/development/warning-signs.json", dir);
            if (ch_signs_load(path, &ref_data.signs, why, sizeof why))
                ref_data.signs = NULL;
        }
        ref_ok = ref_data.sched && ref_data.signs;
        if (!ref_ok) {
            pthread_mutex_unlock(&ref_mu);
            fprintf(stderr, "fuyou: child health reference data: %s\n", why);
            fy_fail(e, 503, "reference_data",
                    "儿童保健参考数据无法加载：%s (child health reference data could not be loaded)", why);
            return NULL;
        }
    }
    pthread_mutex_unlock(&ref_mu);
    return &ref_data;
}

/* ---- small helpers -------------------------------------------------------- */

static const struct {
    const char *field, *label;
} labels[] = {
    {"date", "检查日期"},
    {"weight_kg", "体重"},
    {"length_cm", "身长/身高"},
    {"measured", "测量方式"},
    {"head_cm", "头围"},
    {"hb_g_l", "血红蛋白"},
    {"teeth_erupted", "出牙数"},
    {"caries", "龋齿数"},
    {"vision_left", "左眼视力"},
    {"vision_right", "右眼视力"},
    {"hearing", "听力筛查"},
    {"warning_signs", "发育预警征象"},
    {"illnesses", "两次随访间患病情况"},
    {"advice", "指导意见"},
    {"next_date", "下次随访日期"},
    {"notes", "备注"},
    {"step", "步骤"},
    {"instrument", "筛查工具"},
    {"score", "得分"},
    {"result", "结果"},
    {"detail", "诊断/干预内容"},
    {"institution_id", "机构"},
    {"sex", "性别"},
    {"age_days", "日龄"},
    {"birth_date", "出生日期"},
};

static const char *label(const char *field)
{
    const char *dot = strrchr(field, '.');
    const char *base = dot ? dot + 1 : field;
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(labels[i].field, base) == 0)
            return labels[i].label;
    return jv_label(field);
}

/* A number in [min, max] (or absent when not required). */
static bool num_field(json_t *obj, const char *key, bool required, double min, double max, const char *unit,
                      double *out, fy_err_t *e)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            fy_field(e, key, "required", "%s为必填项 (%s is required)", label(key), key);
        return false;
    }
    if (!json_is_number(v)) {
        fy_field(e, key, "type", "%s应为数值 (%s must be a number)", label(key), key);
        return false;
    }
    double x = json_number_value(v);
    if (!isfinite(x) || x < min || x > max) {
        fy_field(e, key, "range", "%s应在 %g–%g %s之间 (%s must be between %g and %g %s)", label(key), min, max, unit,
                 key, min, max, unit);
        return false;
    }
    *out = x;
    return true;
}

static bool int_field(json_t *obj, const char *key, bool required, long min, long max, long *out, fy_err_t *e)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            fy_field(e, key, "required", "%s为必填项 (%s is required)", label(key), key);
        return false;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        fy_field(e, key, json_is_integer(v) ? "range" : "type",
                 "%s应为 %ld–%ld 之间的整数 (%s must be an integer from %ld to %ld)", label(key), min, max, key, min,
                 max);
        return false;
    }
    *out = (long)json_integer_value(v);
    return true;
}

static bool enum_field(json_t *obj, const char *key, bool required, const char *const *allowed, const char *zh,
                       int *out, fy_err_t *e)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            fy_field(e, key, "required", "%s为必填项 (%s is required)", label(key), key);
        return false;
    }
    for (int i = 0; json_is_string(v) && allowed[i]; i++)
        if (strcmp(allowed[i], json_string_value(v)) == 0) {
            *out = i;
            return true;
        }
    char list[160] = "";
    size_t used = 0;
    for (int i = 0; allowed[i] && used < sizeof list - 40; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", allowed[i]);
    fy_field(e, key, "enum", "%s应为%s之一：%s (%s must be one of: %s)", label(key), zh, list, key, list);
    return false;
}

static void num(buf_t *b, const char *key, double v) { api_kv_num(b, key, v, true); }

/* A z-score as replies show it: rounded to 2 decimals as WHO rounds. */
static void z2(buf_t *b, double z)
{
    if (!isfinite(z))
        buf_puts(b, "null");
    else
        buf_printf(b, "%.2f", ch_round2(z));
}

static void opt_int(buf_t *b, const char *key, int v)
{
    if (v < 0)
        buf_printf(b, ",\"%s\":null", key);
    else
        buf_printf(b, ",\"%s\":%d", key, v);
}

static void jbool(buf_t *b, const char *key, bool v) { api_kv_bool(b, key, v, true); }

static const char *idstr(arena_t *a, int64_t id) { return arena_printf(a, "%lld", (long long)id); }

static void inst_ref(buf_t *b, const refdata_t *ref, const char *id)
{
    api_kv_str(b, "institution_id", id, true);
    const ref_institution_t *x = refdata_institution(ref, id);
    api_kv_str(b, "institution_name", x ? x->name : NULL, true);
}

/* "1岁2月 (1 y 2 m)" style age text, from completed calendar months. */
static void age_json(buf_t *b, arena_t *a, const char *key, fy_date_t birth, fy_date_t on)
{
    int days = (int)(on - birth);
    int months = fy_months_between(birth, on);
    const char *text;
    if (months < 1)
        text = arena_printf(a, "%d天 (%d d)", days, days);
    else if (months < 24)
        text = arena_printf(a, "%d月龄 (%d m)", months, months);
    else if (months % 12)
        text = arena_printf(a, "%d岁%d月 (%d y %d m)", months / 12, months % 12, months / 12, months % 12);
    else
        text = arena_printf(a, "%d岁 (%d y)", months / 12, months / 12);
    buf_printf(b, ",\"%s\":{\"days\":%d,\"months\":%d,\"text\":", key, days, months);
    buf_json_str(b, text);
    buf_putc(b, '}');
}

static const char *window_label(arena_t *a, const schedule_window_t *w)
{
    const char *en;
    if (w->age_months == 0)
        en = w->from_days < 14 ? "newborn home visit" : "1-month check";
    else if (w->age_months < 48)
        en = arena_printf(a, "%d-month check", w->age_months);
    else
        en = arena_printf(a, "%d-year check", w->age_months / 12);
    return arena_printf(a, "%s (%s)", w->name, en);
}

/* English for the due items of the schedule file, shown after its Chinese. */
static const char *due_label(arena_t *a, const schedule_test_t *t)
{
    static const struct {
        const char *code, *en;
    } en[] = {
        {"growth", "anthropometry and growth assessment"},
        {"eye", "eye examination and vision screening"},
        {"jaundice", "jaundice"},
        {"umbilical", "umbilical cord"},
        {"nbs_check", "newborn screening follow-up"},
        {"warning_signs", "development warning signs"},
        {"hb", "haemoglobin"},
        {"hearing", "hearing screening"},
        {"teeth", "oral check: teeth and caries"},
        {"visual_acuity", "visual acuity chart"},
    };
    for (size_t i = 0; i < sizeof en / sizeof en[0]; i++)
        if (strcmp(en[i].code, t->code) == 0)
            return arena_printf(a, "%s (%s)", t->name, en[i].en);
    return t->name;
}

static const ch_band_t *band_of_window(const ch_signs_t *signs, const schedule_window_t *w)
{
    for (size_t i = 0; w->age_months > 0 && i < ch_signs_count(signs); i++)
        if (ch_signs_at(signs, i)->age_months == w->age_months)
            return ch_signs_at(signs, i);
    return NULL;
}

/* The window whose dates contain `on`, or -1. */
static int window_of(const schedule_t *s, fy_date_t birth, fy_date_t on)
{
    for (size_t i = 0; i < schedule_count(s); i++) {
        fy_date_t o, c;
        schedule_window_dates(schedule_at(s, i), birth, &o, &c);
        if (on >= o && on <= c)
            return (int)i;
    }
    return -1;
}

/* ---- growth fields, shared by the checks and the one-off computation ---- */

static const char *const z_codes[CH_NZ] = {"wfa", "lhfa", "wflh", "bmi", "hcfa"};
static const char *const z_names[CH_NZ] = {"年龄别体重 (weight-for-age)", "年龄别身长/身高 (length/height-for-age)",
                                           "身长/身高别体重 (weight-for-length/height)", "年龄别BMI (BMI-for-age)",
                                           "年龄别头围 (head circumference-for-age)"};

typedef struct {
    bool scored;
    const char *reference; /* who2006 | who2007 */
    double length_used_cm, bmi;
    double z[CH_NZ];
    unsigned implausible;
    bool cls[5]; /* underweight stunting wasting overweight obesity */
} gview_t;

static const char *const cls_codes[5] = {"underweight", "stunting", "wasting", "overweight", "obesity"};
static const char *const cls_labels[5] = {"低体重 (underweight)", "生长迟缓 (stunting)", "消瘦 (wasting)",
                                          "超重 (overweight)", "肥胖 (obesity)"};

static gview_t gview_of_result(const growth_result_t *r)
{
    gview_t v = {.scored = true};
    v.reference = r->reference == GROWTH_REF_WHO2007 ? "who2007" : "who2006";
    v.length_used_cm = r->length_used_cm;
    v.bmi = r->bmi_value;
    const growth_z_t *zs[CH_NZ] = {&r->wfa, &r->lhfa, &r->wflh, &r->bmi, &r->hcfa};
    for (int i = 0; i < CH_NZ; i++) {
        v.z[i] = zs[i]->present ? zs[i]->z : NAN;
        if (zs[i]->present && zs[i]->implausible)
            v.implausible |= 1u << i;
    }
    if (r->position_implausible)
        v.implausible |= CH_POSITION_IMPLAUSIBLE;
    v.cls[0] = r->underweight;
    v.cls[1] = r->stunting;
    v.cls[2] = r->wasting;
    v.cls[3] = r->overweight;
    v.cls[4] = r->obesity;
    return v;
}

static gview_t gview_of_check(const store_child_check_t *k)
{
    gview_t v = {.scored = k->reference != NULL, .reference = k->reference};
    v.length_used_cm = k->length_used_cm;
    v.bmi = k->bmi;
    memcpy(v.z, k->z, sizeof v.z);
    v.implausible = k->implausible;
    v.cls[0] = k->underweight;
    v.cls[1] = k->stunting;
    v.cls[2] = k->wasting;
    v.cls[3] = k->overweight;
    v.cls[4] = k->obesity;
    return v;
}

static void growth_fields(buf_t *b, const gview_t *v)
{
    api_kv_str(b, "reference", v->reference, true);
    api_kv_str(b, "reference_label",
               !v->scored ? NULL
               : strcmp(v->reference, "who2007") == 0
                   ? "WHO 生长参考值 2007 (WHO Growth Reference 2007, 5–19 years)"
                   : "WHO 儿童生长标准 2006 (WHO Child Growth Standards 2006, 0–5 years)",
               true);
    num(b, "length_used_cm", v->length_used_cm);
    num(b, "bmi", isfinite(v->bmi) ? round(v->bmi * 100.0) / 100.0 : NAN);
    buf_puts(b, ",\"zscores\":{");
    for (int i = 0; i < CH_NZ; i++) {
        buf_printf(b, "%s\"%s\":", i ? "," : "", z_codes[i]);
        z2(b, v->z[i]);
    }
    buf_puts(b, "},\"implausible\":{");
    for (int i = 0; i < CH_NZ; i++)
        buf_printf(b, "%s\"%s\":%s", i ? "," : "", z_codes[i], v->implausible & (1u << i) ? "true" : "false");
    buf_putc(b, '}');
    jbool(b, "position_implausible", v->implausible & CH_POSITION_IMPLAUSIBLE);
    buf_puts(b, ",\"indicators\":[");
    int k = 0;
    for (int i = 0; i < CH_NZ; i++) {
        if (!isfinite(v->z[i]))
            continue;
        buf_puts(b, k++ ? ",{" : "{");
        api_kv_str(b, "code", z_codes[i], false);
        api_kv_str(b, "name", z_names[i], true);
        buf_puts(b, ",\"z\":");
        z2(b, v->z[i]);
        jbool(b, "implausible", v->implausible & (1u << i));
        buf_putc(b, '}');
    }
    buf_puts(b, "],\"classification\":{");
    for (int i = 0; i < 5; i++)
        buf_printf(b, "%s\"%s\":%s", i ? "," : "", cls_codes[i], v->cls[i] ? "true" : "false");
    buf_puts(b, "},\"findings\":[");
    k = 0;
    for (int i = 0; i < 5; i++) {
        if (!v->cls[i])
            continue;
        buf_puts(b, k++ ? ",{" : "{");
        api_kv_str(b, "code", cls_codes[i], false);
        api_kv_str(b, "label", cls_labels[i], true);
        buf_putc(b, '}');
    }
    buf_putc(b, ']');
}

/* ---- loading a child within scope ---------------------------------------- */

static int load_child(http_req_t *req, store_tx_t *tx, int64_t id, store_child_t *c, store_woman_t *mother, fy_err_t *e)
{
    int rc = store_child_get(tx, id, c, e);
    if (rc < 0)
        return -1;
    if (rc == 1 || strcmp(c->outcome, "live") != 0)
        return fy_fail(e, 404, "not_found", "没有这个儿童档案 (no such child: %lld)", (long long)id);
    if (api_check_woman(req, tx, c->mother_id, e))
        return -1;
    if (mother && store_woman_get(tx, c->mother_id, mother, e))
        return -1;
    return 0;
}

/* ---- a check as JSON ------------------------------------------------------ */

static void vision_value(buf_t *b, const char *key, const char *json_text)
{
    buf_printf(b, ",\"%s\":%s", key, json_text ? json_text : "null");
}

static void check_json(http_req_t *req, buf_t *b, const ch_ref_t *ref, const store_child_t *c,
                       const store_child_check_t *k, int64_t referral_id)
{
    arena_t *a = req->arena;
    const app_t *app = api_app(req);
    buf_printf(b, "{\"id\":\"%lld\"", (long long)k->id);
    api_kv_str(b, "child_id", idstr(a, k->child_id), true);
    api_kv_date(b, "date", k->date, true, true);
    age_json(b, a, "age", c->birth_date, k->date);
    api_kv_int(b, "age_days", k->age_days, true);
    api_kv_int(b, "age_used_days", k->age_used_days, true);
    jbool(b, "corrected", k->corrected);
    int wi = k->window_seq ? schedule_find_seq(ref->sched, k->window_seq) : -1;
    if (wi >= 0) {
        const schedule_window_t *w = schedule_at(ref->sched, (size_t)wi);
        buf_printf(b, ",\"window\":{\"seq\":%d", w->seq);
        api_kv_str(b, "name", w->name, true);
        api_kv_str(b, "label", window_label(a, w), true);
        buf_putc(b, '}');
    } else {
        buf_puts(b, ",\"window\":null");
    }
    inst_ref(b, app->ref, k->institution_id);
    num(b, "weight_kg", k->weight_kg);
    num(b, "length_cm", k->length_cm);
    api_kv_str(b, "measured", k->measured, true);
    num(b, "head_cm", k->head_cm);
    num(b, "hb_g_l", k->hb_g_l);
    opt_int(b, "teeth_erupted", k->teeth_erupted);
    opt_int(b, "caries", k->caries);
    vision_value(b, "vision_left", k->vision_left);
    vision_value(b, "vision_right", k->vision_right);
    api_kv_str(b, "hearing", k->hearing, true);
    api_kv_str(b, "illnesses", k->illnesses, true);
    api_kv_str(b, "advice", k->advice, true);
    api_kv_date(b, "next_date", k->next_date, k->has_next_date, true);
    api_kv_str(b, "notes", k->notes, true);

    gview_t v = gview_of_check(k);
    buf_printf(b, ",\"growth\":{\"scored\":%s", v.scored ? "true" : "false");
    api_kv_int(b, "age_used_days", k->age_used_days, true);
    jbool(b, "corrected", k->corrected);
    if (!v.scored)
        api_kv_str(b, "not_scored_reason",
                   k->age_used_days < 0 ? "矫正年龄未到足月，WHO 标准不适用 (corrected age is before term: the WHO "
                                          "standards start at term birth)"
                   : c->sex != 1 && c->sex != 2 ? "性别未定，无法评价 (sex undetermined: not scored)"
                                                : "未测量体重、身长或头围 (no weight, length or head measured)",
                   true);
    growth_fields(b, &v);
    buf_putc(b, '}');
    /* the same figures at the top level, for lists and charts */
    buf_puts(b, ",\"zscores\":{");
    for (int i = 0; i < CH_NZ; i++) {
        buf_printf(b, "%s\"%s\":", i ? "," : "", z_codes[i]);
        z2(b, k->z[i]);
    }
    buf_puts(b, "},\"classification\":{");
    for (int i = 0; i < 5; i++)
        buf_printf(b, "%s\"%s\":%s", i ? "," : "", cls_codes[i], v.cls[i] ? "true" : "false");
    buf_putc(b, '}');

    ch_anaemia_t an = ch_anaemia(c->birth_date, k->date, k->hb_g_l);
    buf_puts(b, ",\"anaemia\":{");
    buf_printf(b, "\"applies\":%s", an != CH_HB_NOT_APPLICABLE ? "true" : "false");
    jbool(b, "anaemia", an >= CH_HB_MILD);
    api_kv_str(b, "grade", an >= CH_HB_MILD ? ch_anaemia_code(an) : NULL, true);
    api_kv_str(b, "label", ch_anaemia_label(an), true);
    buf_putc(b, '}');

    buf_puts(b, ",\"development\":");
    if (!k->warning_band) {
        buf_puts(b, "null");
    } else {
        const ch_band_t *band = ch_signs_band(ref->signs, k->warning_band);
        json_t *answers = k->warning_signs ? json_loads(k->warning_signs, 0, NULL) : NULL;
        buf_puts(b, "{");
        api_kv_str(b, "band", k->warning_band, false);
        api_kv_str(b, "band_name", band ? band->name : NULL, true);
        buf_puts(b, ",\"items\":[");
        int n = 0;
        for (size_t i = 0; band && i < band->n_items; i++) {
            json_t *ans = json_object_get(answers, band->items[i].code);
            buf_puts(b, n++ ? ",{" : "{");
            api_kv_str(b, "code", band->items[i].code, false);
            api_kv_str(b, "text", band->items[i].text, true);
            buf_printf(b, ",\"positive\":%s", json_is_boolean(ans) ? (json_is_true(ans) ? "true" : "false") : "null");
            buf_putc(b, '}');
        }
        json_decref(answers);
        buf_putc(b, ']');
        jbool(b, "suspected_deviation", k->warning_positive);
        api_kv_str(b, "conclusion",
                   k->warning_positive
                       ? "可疑发育偏异，转诊复筛 (suspected developmental deviation: referred for re-screening)"
                       : "未见预警征象 (no warning sign)",
                   true);
        if (referral_id > 0)
            api_kv_str(b, "referral_id", idstr(a, referral_id), true);
        buf_putc(b, '}');
    }
    api_kv_instant(b, "created_at", k->created_at, true);
    buf_putc(b, '}');
}

/* ---- schedule upkeep (the job and every check) ---------------------------- */

static size_t check_dates(arena_t *a, const store_child_check_t *k, int n, fy_date_t **out)
{
    *out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
    for (int i = 0; i < n; i++)
        (*out)[i] = k[i].date;
    return (size_t)n;
}

int child_schedule_refresh(const app_t *app, store_tx_t *tx, int64_t child_id, fy_date_t today, fy_err_t *e)
{
    const ch_ref_t *ref = ch_ref(app, e);
    if (!ref)
        return -1;
    arena_t *a = store_tx_arena(tx);
    store_child_t c;
    int rc = store_child_get(tx, child_id, &c, e);
    if (rc)
        return rc;
    store_child_state_t st = {.child_id = child_id, .updated_at = fy_now_ms()};
    if (strcmp(c.outcome, "live") != 0)
        return store_child_state_put(tx, &st, e);
    store_woman_t mother;
    rc = store_woman_get(tx, c.mother_id, &mother, e);
    if (rc)
        return rc < 0 ? -1 : store_child_state_put(tx, &st, e);
    store_child_check_t *checks;
    int nk;
    if (store_child_checks_of(tx, child_id, &checks, &nk, e))
        return -1;
    fy_date_t *dates;
    size_t nd = check_dates(a, checks, nk, &dates);
    schedule_slot_t slots[MAX_SLOTS];
    size_t n = schedule_plan(ref->sched, c.birth_date, dates, nd, today, slots, MAX_SLOTS);
    if (n > MAX_SLOTS)
        n = MAX_SLOTS;
    fy_date_t end = fy_date_add_months(c.birth_date, CH_PROGRAM_END_MONTHS);
    fy_date_t next = 0;
    for (size_t i = 0; i < n && today < end; i++) {
        const schedule_slot_t *s = &slots[i];
        if (s->filled)
            continue;
        if (s->remind_on <= today && today <= s->closes && mother.phone && *mother.phone) {
            const schedule_window_t *w = schedule_at(ref->sched, i);
            char opens[11], closes[11];
            fy_date_format(s->opens, opens);
            fy_date_format(s->closes, closes);
            store_outbox_t m = {0};
            m.kind = "child_check_reminder";
            m.channel = "sms";
            m.recipient = mother.phone;
            m.text =
                arena_printf(a,
                             "【上海妇幼】%s您好：您的孩子%s的%s健康检查时间为%s至%s，请按时带孩子到社区卫生服务中心"
                             "体检。如已完成请忽略。(Child health check due %s to %s.)",
                             mother.name, c.name ? c.name : "宝宝", w->name, opens, closes, opens, closes);
            m.due_on = s->remind_on;
            m.ref_type = "child";
            m.ref_id = child_id;
            m.dedupe_key = arena_printf(a, "child:%lld:%d", (long long)child_id, s->seq);
            m.created_at = fy_now_ms();
            if (store_outbox_insert(tx, &m, e) < 0)
                return -1;
        }
        fy_date_t cand[2] = {s->remind_on, s->overdue_from};
        for (int k = 0; k < 2; k++)
            if (cand[k] > today && cand[k] < end && (!next || cand[k] < next))
                next = cand[k];
    }
    int ov = ch_overdue_slot(slots, n, dates, nd, today, end);
    if (ov >= 0) {
        st.overdue = true;
        st.overdue_seq = slots[ov].seq;
        st.overdue_from = slots[ov].overdue_from;
        /* the 7th birthday ends the programme and with it the overdue flag */
        if (!next || end < next)
            next = end;
    }
    if (next) {
        st.has_next_check = true;
        st.next_check_on = next;
    }
    return store_child_state_put(tx, &st, e);
}

/* ---- POST /api/v1/children/{id}/checks ------------------------------------- */

static const char *const measured_values[] = {"recumbent", "standing", NULL};
static const char *const hearing_values[] = {"pass", "refer", NULL};

struct check_ctx {
    http_req_t *req;
    int64_t child_id;
    fy_err_t body_err; /* what the body alone broke; merged after the scope check */
    bool has_date;     /* the date parsed and is not in the future */
    json_t *signs;     /* warning_signs object, or NULL */
    bool has_measured;
    int measured;
    store_child_check_t k;
    const ref_institution_t *inst;
    const ch_ref_t *ref;
    store_child_t c;
    store_woman_t mother;
    const char *positive; /* JSON array of the positive item codes */
    int64_t referral_id;
};

/* A vision value: a decimal or five-point acuity, or a screening result;
 * returns it as JSON text. */
static const char *vision_field(http_req_t *req, json_t *body, const char *key, fy_err_t *e)
{
    json_t *v = json_object_get(body, key);
    if (!v || json_is_null(v))
        return NULL;
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (strcmp(s, "normal") == 0 || strcmp(s, "abnormal") == 0)
            return arena_printf(req->arena, "\"%s\"", s);
    } else if (json_is_number(v)) {
        double d, x = json_number_value(v);
        if (ch_vision_decimal(x, &d))
            return arena_printf(req->arena, "%.10g", x);
    }
    fy_field(e, key, "range",
             "%s应为小数视力 0.01–2.0、五分记录 3.0–5.3，或 \"normal\"/\"abnormal\" (%s must be a decimal acuity "
             "0.01–2.0, a five-point value 3.0–5.3, or \"normal\"/\"abnormal\")",
             label(key), key);
    return NULL;
}

static double vision_decimal_of(const char *json_text)
{
    double d;
    if (!json_text || json_text[0] == '"')
        return NAN;
    return ch_vision_decimal(strtod(json_text, NULL), &d) ? d : NAN;
}

/* The warning-sign answers against the check's band: every item must exist
 * and belong to that band. Sets warning_band/signs/positive on the check. */
static void judge_signs(struct check_ctx *x, const ch_band_t *band, arena_t *a, fy_err_t *e)
{
    store_child_check_t *k = &x->k;
    const char *code;
    json_t *v;
    buf_t pos = {0};
    int npos = 0, bad = e->n;
    json_object_foreach(x->signs, code, v)
    {
        char shown[64];
        snprintf(shown, sizeof shown, "%.48s", jv_utf8_len(code) >= 0 ? code : "?");
        char *field = arena_printf(a, "warning_signs.%s", shown);
        const ch_band_t *ib = NULL;
        const ch_sign_t *item = ch_signs_find(x->ref->signs, code, &ib);
        if (!item)
            fy_field(e, field, "unknown_item",
                     "未知的预警征象条目 %s，见 GET /api/v1/development/warning-signs (unknown warning-sign item %s)",
                     shown, shown);
        else if (!x->has_date)
            continue; /* the band needs the date, which is already reported */
        else if (!band)
            fy_field(e, field, "no_band",
                     "3月龄前不做预警征象筛查，本次检查为出生后第%d天 (no warning-sign band applies before 3 months; "
                     "this check is at day %d)",
                     k->age_days, k->age_days);
        else if (ib != band)
            fy_field(
                e, field, "other_band",
                "条目 %s 属于%s年龄段，本次检查对应%s（%s）(item %s belongs to band %s; this check answers band %s)",
                item->code, ib->name, band->name, band->band, item->code, ib->band, band->band);
        else if (!json_is_boolean(v))
            fy_field(e, field, "type", "预警征象应为 true（阳性）或 false（阴性）(%s must be true or false)", field);
        else if (json_is_true(v))
            buf_printf(&pos, "%s\"%s\"", npos++ ? "," : "", item->code);
    }
    if (e->n == bad && band && json_object_size(x->signs) > 0) {
        k->warning_band = band->band;
        char *text = json_dumps(x->signs, JSON_COMPACT | JSON_SORT_KEYS);
        k->warning_signs = arena_strdup(a, text ? text : "{}");
        free(text);
        k->warning_positive = npos > 0;
        x->positive = arena_printf(a, "[%s]", pos.p ? pos.p : "");
    }
    buf_free(&pos);
}

static void score_growth(struct check_ctx *x, const ch_age_t *age, const growth_tables_t *tables)
{
    store_child_check_t *k = &x->k;
    for (int i = 0; i < CH_NZ; i++)
        k->z[i] = NAN;
    k->length_used_cm = k->bmi = NAN;
    bool anything = isfinite(k->weight_kg) || isfinite(k->length_cm) || isfinite(k->head_cm);
    if (!anything || age->before_term || (x->c.sex != 1 && x->c.sex != 2))
        return;
    growth_input_t in = {.sex = x->c.sex,
                         .age_days = age->age_used_days,
                         .weight_kg = k->weight_kg,
                         .length_cm = k->length_cm,
                         .measured =
                             k->measured && strcmp(k->measured, "standing") == 0 ? GROWTH_STANDING : GROWTH_RECUMBENT,
                         .head_cm = k->head_cm};
    growth_result_t r;
    if (growth_compute(tables, &in, &r) != 0)
        return;
    gview_t v = gview_of_result(&r);
    k->reference = v.reference;
    k->length_used_cm = v.length_used_cm;
    k->bmi = v.bmi;
    memcpy(k->z, v.z, sizeof k->z);
    k->implausible = v.implausible;
    k->underweight = r.underweight;
    k->stunting = r.stunting;
    k->wasting = r.wasting;
    k->overweight = r.overweight;
    k->obesity = r.obesity;
}

static int check_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct check_ctx *x = vctx;
    http_req_t *req = x->req;
    const app_t *app = api_app(req);
    arena_t *a = store_tx_arena(tx);
    store_child_check_t *k = &x->k;

    int rc = store_child_get(tx, x->child_id, &x->c, e);
    if (rc < 0)
        return -1;
    if (rc == 1 || strcmp(x->c.outcome, "live") != 0)
        return fy_fail(e, 404, "not_found", "没有这个儿童档案 (no such child: %lld)", (long long)x->child_id);
    /* the institution that checks the child serves the mother from now on */
    if (store_woman_link(tx, x->c.mother_id, x->inst->id, x->inst->district, e))
        return -1;
    if (load_child(req, tx, x->child_id, &x->c, &x->mother, e))
        return -1;

    /* the body's own errors, then those that need the child */
    for (int i = 0; i < x->body_err.n; i++)
        fy_field(e, x->body_err.fields[i].field, x->body_err.fields[i].code, "%s", x->body_err.fields[i].message);
    fy_date_t birth = x->c.birth_date;
    if (x->has_date && k->date < birth) {
        fy_field(e, "date", "before_birth", "检查日期早于出生日期 (date is before the birth date)");
        x->has_date = false;
    } else if (x->has_date && k->date >= fy_date_add_months(birth, CH_PROGRAM_END_MONTHS)) {
        fy_field(
            e, "date", "too_old",
            "儿童健康检查适用于 0～6 岁（7 岁生日前）(child health checks are for ages 0–6, before the 7th birthday)");
        x->has_date = false;
    }
    ch_age_t age = ch_growth_age(birth, x->has_date ? k->date : birth, x->c.ga_days);
    k->child_id = x->child_id;
    k->age_days = age.age_days;
    k->age_used_days = age.age_used_days;
    k->corrected = age.corrected;
    if (x->signs)
        judge_signs(x, x->has_date ? ch_band_for(x->ref->signs, x->ref->sched, birth, k->date) : NULL, a, e);
    if (fy_has_error(e))
        return -1;

    /* measured: recumbent before 2 years, standing from 2 years, unless given */
    if (x->has_measured)
        k->measured = measured_values[x->measured];
    else if (isfinite(k->length_cm))
        k->measured = k->age_days < 731 ? "recumbent" : "standing";
    score_growth(x, &age, app->growth);
    int wi = window_of(x->ref->sched, birth, k->date);
    k->window_seq = wi >= 0 ? schedule_at(x->ref->sched, (size_t)wi)->seq : 0;
    k->institution_id = x->inst->id;
    k->user_id = api_user(req)->id;
    k->created_at = fy_now_ms();
    if (store_child_check_insert(tx, k, e))
        return -1;

    if (k->warning_positive) {
        /* A positive warning sign is the autism pipeline's first screen and
         * a referral for re-screening (the development work list). */
        store_autism_t first = {0};
        first.child_id = x->child_id;
        first.step = "first_screen";
        first.date = k->date;
        first.institution_id = x->inst->id;
        first.instrument = "warning_signs";
        first.score = -1;
        first.result = "positive";
        first.detail = x->positive;
        first.check_id = k->id;
        first.user_id = k->user_id;
        first.created_at = k->created_at;
        if (store_autism_insert(tx, &first, e))
            return -1;
        store_dev_referral_t r = {0};
        r.child_id = x->child_id;
        r.check_id = k->id;
        r.date = k->date;
        r.band = k->warning_band;
        r.positive = x->positive;
        r.institution_id = x->inst->id;
        r.created_at = k->created_at;
        if (store_dev_referral_insert(tx, &r, e))
            return -1;
        x->referral_id = r.id;
    }
    if (child_schedule_refresh(app, tx, x->child_id, fy_today(), e) < 0)
        return -1;
    return api_audit(tx, req, "create", "child_check", idstr(a, k->id),
                     arena_printf(a, "child %lld", (long long)x->child_id), e);
}

static const char *const check_fields[] = {
    "date",          "weight_kg", "length_cm",   "measured",     "head_cm", "hb_g_l",
    "teeth_erupted", "caries",    "vision_left", "vision_right", "hearing", "warning_signs",
    "illnesses",     "advice",    "next_date",   "notes",        NULL};

static bool date_field(json_t *body, const char *key, bool required, fy_date_t *out, fy_err_t *e)
{
    json_t *v = json_object_get(body, key);
    if (!v || json_is_null(v)) {
        if (required)
            fy_field(e, key, "required", "%s为必填项 (%s is required)", label(key), key);
        return false;
    }
    if (!json_is_string(v) || !fy_date_parse(json_string_value(v), out)) {
        fy_field(e, key, "date", "%s应为有效日期，格式 YYYY-MM-DD (%s must be a real date as YYYY-MM-DD)", label(key),
                 key);
        return false;
    }
    return true;
}

/* A string field; the missing-field message names it in Chinese. */
static bool str_field(json_t *body, const char *key, bool required, size_t minc, size_t maxc, const char **out,
                      fy_err_t *e)
{
    json_t *v = json_object_get(body, key);
    if (!v || json_is_null(v)) {
        if (required)
            fy_field(e, key, "required", "%s为必填项 (%s is required)", label(key), key);
        return false;
    }
    return jv_check_str(v, key, minc, maxc, out, e);
}

static int h_check_create(http_req_t *req, http_resp_t *resp)
{
    struct check_ctx x = {.req = req};
    json_t *body = api_id_and_body(req, &x.child_id);
    if (!body)
        return -1;
    if (!(x.ref = ch_ref(api_app(req), &req->err)))
        return -1;
    if (!api_app(req)->growth)
        return fy_fail(&req->err, 503, "reference_data", "WHO 生长标准表未加载 (the WHO growth tables are not loaded)");
    if (!(x.inst = preg_user_institution(req, &req->err)))
        return -1;
    fy_err_t *be = &x.body_err;
    store_child_check_t *k = &x.k;
    k->weight_kg = k->length_cm = k->head_cm = k->hb_g_l = NAN;
    k->teeth_erupted = k->caries = -1;
    jv_no_unknown(body, check_fields, be);
    x.has_date = date_field(body, "date", true, &k->date, be);
    if (x.has_date && k->date > fy_today()) {
        fy_field(be, "date", "future", "检查日期不能晚于今天 (date must not be in the future)");
        x.has_date = false;
    }
    num_field(body, "weight_kg", false, 0.5, 60, "kg", &k->weight_kg, be);
    num_field(body, "length_cm", false, 30, 150, "cm", &k->length_cm, be);
    x.has_measured =
        enum_field(body, "measured", false, measured_values, "recumbent（卧位）或 standing（立位）", &x.measured, be);
    num_field(body, "head_cm", false, 20, 65, "cm", &k->head_cm, be);
    num_field(body, "hb_g_l", false, 30, 250, "g/L", &k->hb_g_l, be);
    long teeth = -1, caries = -1;
    bool has_teeth = int_field(body, "teeth_erupted", false, 0, 20, &teeth, be);
    if (int_field(body, "caries", false, 0, 20, &caries, be) && has_teeth && caries > teeth)
        fy_field(be, "caries", "range", "龋齿数不能多于出牙数 (caries cannot exceed teeth_erupted)");
    k->teeth_erupted = (int)teeth;
    k->caries = (int)caries;
    k->vision_left = vision_field(req, body, "vision_left", be);
    k->vision_right = vision_field(req, body, "vision_right", be);
    int hearing = -1;
    if (enum_field(body, "hearing", false, hearing_values, "pass（通过）或 refer（未通过）", &hearing, be))
        k->hearing = hearing_values[hearing];
    json_t *signs = json_object_get(body, "warning_signs");
    if (signs && !json_is_null(signs)) {
        if (!json_is_object(signs) || json_object_size(signs) > 16)
            fy_field(
                be, "warning_signs", "type",
                "发育预警征象应为对象 {条目代码: true|false}，最多16项 (warning_signs must be an object {item code: "
                "true|false} of at most 16 items)");
        else
            x.signs = signs;
    }
    str_field(body, "illnesses", false, 0, 1000, &k->illnesses, be);
    str_field(body, "advice", false, 0, 1000, &k->advice, be);
    str_field(body, "notes", false, 0, 2000, &k->notes, be);
    if (date_field(body, "next_date", false, &k->next_date, be)) {
        if (x.has_date && k->next_date <= k->date)
            fy_field(be, "next_date", "range", "下次随访日期应晚于检查日期 (next_date must be after date)");
        else
            k->has_next_date = true;
    }
    if (store_write(api_app(req)->store, req->arena, check_unit, &x, &req->err))
        return -1;
    buf_t b = {0};
    check_json(req, &b, x.ref, &x.c, k, x.referral_id);
    api_reply(resp, 201, &b);
    http_add_header(resp, "Location", arena_printf(req->arena, "/api/v1/children/%lld/checks", (long long)x.child_id));
    return 0;
}

/* ---- GET /api/v1/children/{id}/checks and /growth ---------------------------- */

struct record_ctx {
    http_req_t *req;
    int64_t id;
    store_child_t c;
    store_woman_t mother;
    store_child_check_t *checks;
    int nk;
    store_dev_referral_t *refs;
    int nr;
    store_autism_t *autism;
    int na;
    store_outbox_t *msgs;
    int nm;
};

static int record_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct record_ctx *x = vctx;
    if (load_child(x->req, tx, x->id, &x->c, &x->mother, e))
        return -1;
    if (store_child_checks_of(tx, x->id, &x->checks, &x->nk, e) ||
        store_dev_referrals_of(tx, x->id, &x->refs, &x->nr, e) || store_autism_of(tx, x->id, &x->autism, &x->na, e) ||
        store_outbox_of(tx, "child", x->id, &x->msgs, &x->nm, e))
        return -1;
    return 0;
}

/* Loads the child with everything of its record, then audits the read. */
static int load_record(http_req_t *req, struct record_ctx *x, const char *resource)
{
    x->req = req;
    if (api_id_param(req, 0, &x->id))
        return -1;
    if (store_read(api_app(req)->store, req->arena, record_unit, x, &req->err))
        return -1;
    return api_audit_read(req, "read", resource, req->params[0], NULL);
}

static int64_t referral_of_check(const struct record_ctx *x, int64_t check_id)
{
    for (int i = 0; i < x->nr; i++)
        if (x->refs[i].check_id == check_id)
            return x->refs[i].id;
    return 0;
}

static void child_head(http_req_t *req, buf_t *b, const store_child_t *c)
{
    buf_printf(b, "{\"child_id\":\"%lld\"", (long long)c->id);
    api_kv_str(b, "name", c->name, true);
    api_kv_int(b, "sex", c->sex, true);
    api_kv_date(b, "birth_date", c->birth_date, true, true);
    api_kv_int(b, "ga_at_birth_days", c->ga_days, true);
    jbool(b, "preterm", ch_is_preterm(c->ga_days));
    api_kv_date(b, "corrected_age_until", c->birth_date + CH_CORRECT_BEFORE_DAYS - 1, ch_is_preterm(c->ga_days), true);
    age_json(b, req->arena, "age", c->birth_date, fy_today());
}

static int h_checks_list(http_req_t *req, http_resp_t *resp)
{
    struct record_ctx x = {0};
    const ch_ref_t *ref = ch_ref(api_app(req), &req->err);
    if (!ref || load_record(req, &x, "child_checks"))
        return -1;
    buf_t b = {0};
    child_head(req, &b, &x.c);
    buf_puts(&b, ",\"items\":[");
    for (int i = 0; i < x.nk; i++) {
        if (i)
            buf_putc(&b, ',');
        check_json(req, &b, ref, &x.c, &x.checks[i], referral_of_check(&x, x.checks[i].id));
    }
    buf_printf(&b, "],\"total\":%d}", x.nk);
    api_reply(resp, 200, &b);
    return 0;
}

/* Points for charts: one per scored check, in date order, and the same
 * figures arranged as [x, value, z] series per indicator (x = age in days
 * used for the z-score, or the length used for weight-for-length). */
static int h_growth(http_req_t *req, http_resp_t *resp)
{
    struct record_ctx x = {0};
    if (load_record(req, &x, "child_growth"))
        return -1;
    buf_t b = {0};
    child_head(req, &b, &x.c);
    buf_puts(&b, ",\"points\":[");
    int np = 0;
    for (int i = 0; i < x.nk; i++) {
        const store_child_check_t *k = &x.checks[i];
        if (!k->reference)
            continue;
        buf_puts(&b, np++ ? ",{" : "{");
        api_kv_str(&b, "check_id", idstr(req->arena, k->id), false);
        api_kv_date(&b, "date", k->date, true, true);
        api_kv_int(&b, "age_days", k->age_days, true);
        api_kv_int(&b, "age_used_days", k->age_used_days, true);
        jbool(&b, "corrected", k->corrected);
        buf_printf(&b, ",\"age_months\":%.2f", k->age_used_days / 30.4375);
        num(&b, "weight_kg", k->weight_kg);
        num(&b, "length_cm", k->length_cm);
        api_kv_str(&b, "measured", k->measured, true);
        num(&b, "head_cm", k->head_cm);
        gview_t v = gview_of_check(k);
        growth_fields(&b, &v);
        buf_putc(&b, '}');
    }
    buf_puts(&b, "],\"series\":{");
    for (int z = 0; z < CH_NZ; z++) {
        buf_printf(&b, "%s\"%s\":{\"name\":", z ? "," : "", z_codes[z]);
        buf_json_str(&b, z_names[z]);
        buf_printf(&b, ",\"x\":\"%s\",\"data\":[", z == CH_Z_WFLH ? "length_used_cm" : "age_used_days");
        int n = 0;
        for (int i = 0; i < x.nk; i++) {
            const store_child_check_t *k = &x.checks[i];
            if (!isfinite(k->z[z]))
                continue;
            double xv = z == CH_Z_WFLH ? k->length_used_cm : k->age_used_days;
            double yv = z == CH_Z_WFA || z == CH_Z_WFLH ? k->weight_kg
                        : z == CH_Z_LHFA                ? k->length_used_cm
                        : z == CH_Z_BMI                 ? round(k->bmi * 100.0) / 100.0
                                                        : k->head_cm;
            buf_printf(&b, "%s[%.10g,%.10g,", n++ ? "," : "", xv, yv);
            z2(&b, k->z[z]);
            buf_putc(&b, ']');
        }
        buf_puts(&b, "]}");
    }
    buf_puts(&b, "}}");
    api_reply(resp, 200, &b);
    return 0;
}

/* ---- schedules ---------------------------------------------------------------- */

static void windows_json(http_req_t *req, buf_t *b, const ch_ref_t *ref, fy_date_t birth, const fy_date_t *dates,
                         size_t nd, fy_date_t today, bool with_state)
{
    arena_t *a = req->arena;
    const schedule_t *s = ref->sched;
    schedule_slot_t slots[MAX_SLOTS];
    size_t n = schedule_plan(s, birth, dates, nd, today, slots, MAX_SLOTS);
    if (n > MAX_SLOTS)
        n = MAX_SLOTS;
    buf_puts(b, ",\"schedule\":{");
    api_kv_str(b, "id", schedule_id(s), false);
    api_kv_str(b, "version", schedule_version(s), true);
    api_kv_str(b, "name", schedule_name(s), true);
    api_kv_str(b, "source", schedule_source(s), true);
    api_kv_int(b, "grace_days", schedule_grace_days(s), true);
    api_kv_int(b, "reminder_days_before", schedule_reminder_days(s), true);
    buf_puts(b, "},\"windows\":[");
    for (size_t i = 0; i < n; i++) {
        const schedule_slot_t *sl = &slots[i];
        const schedule_window_t *w = schedule_at(s, i);
        const char *status = sl->filled                 ? "done"
                             : today < sl->opens        ? "upcoming"
                             : today <= sl->closes      ? "due"
                             : today < sl->overdue_from ? "grace"
                                                        : "missed";
        buf_puts(b, i ? ",{" : "{");
        api_kv_int(b, "seq", w->seq, false);
        api_kv_str(b, "name", w->name, true);
        api_kv_str(b, "label", window_label(a, w), true);
        api_kv_int(b, "age_months", w->age_months, true);
        api_kv_date(b, "anchor", w->age_months ? fy_date_add_months(birth, w->age_months) : birth, true, true);
        api_kv_date(b, "opens", sl->opens, true, true);
        api_kv_date(b, "closes", sl->closes, true, true);
        api_kv_date(b, "remind_on", sl->remind_on, true, true);
        api_kv_date(b, "overdue_from", sl->overdue_from, true, true);
        if (with_state) {
            api_kv_str(b, "status", status, true);
            jbool(b, "filled", sl->filled);
            api_kv_date(b, "filled_on", sl->filled_on, sl->filled, true);
            jbool(b, "overdue", sl->overdue);
        }
        const ch_band_t *band = band_of_window(ref->signs, w);
        api_kv_str(b, "warning_signs_band", band ? band->band : NULL, true);
        buf_puts(b, ",\"due\":[");
        for (size_t t = 0; t < w->n_tests; t++) {
            buf_puts(b, t ? ",{" : "{");
            api_kv_str(b, "code", w->tests[t].code, false);
            api_kv_str(b, "name", w->tests[t].name, true);
            api_kv_str(b, "label", due_label(a, &w->tests[t]), true);
            buf_putc(b, '}');
        }
        buf_puts(b, "]");
        api_kv_str(b, "source", w->source, true);
        buf_putc(b, '}');
    }
    buf_putc(b, ']');
    if (!with_state)
        return;
    int nx = schedule_next_due(slots, n, today);
    buf_puts(b, ",\"next\":");
    if (nx < 0) {
        buf_puts(b, "null");
    } else {
        const schedule_window_t *w = schedule_at(s, (size_t)nx);
        buf_printf(b, "{\"seq\":%d", w->seq);
        api_kv_str(b, "name", w->name, true);
        api_kv_date(b, "opens", slots[nx].opens, true, true);
        api_kv_date(b, "closes", slots[nx].closes, true, true);
        buf_putc(b, '}');
    }
    fy_date_t end = fy_date_add_months(birth, CH_PROGRAM_END_MONTHS);
    int ov = ch_overdue_slot(slots, n, dates, nd, today, end);
    jbool(b, "overdue", ov >= 0);
    buf_puts(b, ",\"overdue_window\":");
    if (ov < 0) {
        buf_puts(b, "null");
    } else {
        const schedule_window_t *w = schedule_at(s, (size_t)ov);
        buf_printf(b, "{\"seq\":%d", w->seq);
        api_kv_str(b, "name", w->name, true);
        api_kv_date(b, "closes", slots[ov].closes, true, true);
        api_kv_date(b, "overdue_from", slots[ov].overdue_from, true, true);
        api_kv_int(b, "days_overdue", today - slots[ov].overdue_from + 1, true);
        buf_putc(b, '}');
    }
}

static int h_schedule(http_req_t *req, http_resp_t *resp)
{
    struct record_ctx x = {0};
    const ch_ref_t *ref = ch_ref(api_app(req), &req->err);
    if (!ref || load_record(req, &x, "child_schedule"))
        return -1;
    fy_date_t today = fy_today();
    fy_date_t *dates;
    size_t nd = check_dates(req->arena, x.checks, x.nk, &dates);
    buf_t b = {0};
    child_head(req, &b, &x.c);
    api_kv_date(&b, "today", today, true, true);
    windows_json(req, &b, ref, x.c.birth_date, dates, nd, today, true);
    buf_puts(&b, ",\"reminders\":[");
    int k = 0;
    for (int i = 0; i < x.nm; i++) {
        if (strcmp(x.msgs[i].channel, "sms") != 0)
            continue;
        buf_puts(&b, k++ ? ",{" : "{");
        api_kv_str(&b, "kind", x.msgs[i].kind, false);
        api_kv_str(&b, "channel", x.msgs[i].channel, true);
        api_kv_str(&b, "recipient", x.msgs[i].recipient, true);
        api_kv_date(&b, "due_on", x.msgs[i].due_on, true, true);
        api_kv_str(&b, "status", x.msgs[i].status, true);
        api_kv_str(&b, "text", x.msgs[i].text, true);
        buf_putc(&b, '}');
    }
    buf_puts(&b, "]}");
    api_reply(resp, 200, &b);
    return 0;
}

/* GET /api/v1/child-schedule?birth_date=YYYY-MM-DD: the windows of a child
 * born on that date (no personal data, so public). */
static int h_schedule_for_date(http_req_t *req, http_resp_t *resp)
{
    const ch_ref_t *ref = ch_ref(api_app(req), &req->err);
    if (!ref)
        return -1;
    fy_date_t birth;
    bool has;
    if (api_query_date(req, "birth_date", &birth, &has))
        return -1;
    if (!has)
        return fy_field(&req->err, "birth_date", "required", "出生日期为必填项 (birth_date is required)"), -1;
    buf_t b = {0};
    buf_putc(&b, '{');
    api_kv_date(&b, "birth_date", birth, true, false);
    windows_json(req, &b, ref, birth, NULL, 0, fy_today(), false);
    buf_putc(&b, '}');
    api_reply(resp, 200, &b);
    http_add_header(resp, "Cache-Control", "public, max-age=300");
    return 0;
}

/* ---- the autism pipeline ------------------------------------------------------ */

static const char *const steps[] = {"first_screen", "rescreen", "diagnosis", "intervention", NULL};
static const char *const step_labels[] = {"初筛 (first screen)", "复筛 (re-screen)", "诊断 (diagnosis)",
                                          "干预 (intervention)"};
static const char *const instruments[] = {"warning_signs", "CHAT-23", "M-CHAT-R/F", NULL};
static const int instrument_max[] = {4, 23, 20};
static const char *const screen_results[] = {"positive", "negative", NULL};
static const char *const diagnosis_results[] = {"confirmed", "excluded", NULL};
static const char *const intervention_results[] = {"started", "ongoing", "completed", NULL};

static int step_rank(const char *step)
{
    for (int i = 0; steps[i]; i++)
        if (step && strcmp(steps[i], step) == 0)
            return i;
    return -1;
}

static const char *result_label(const char *r)
{
    static const struct {
        const char *code, *label;
    } t[] = {{"positive", "阳性 (positive)"},    {"negative", "阴性 (negative)"}, {"confirmed", "确诊 (confirmed)"},
             {"excluded", "排除 (excluded)"},    {"started", "已开始 (started)"}, {"ongoing", "进行中 (ongoing)"},
             {"completed", "已完成 (completed)"}};
    for (size_t i = 0; r && i < sizeof t / sizeof t[0]; i++)
        if (strcmp(t[i].code, r) == 0)
            return t[i].label;
    return NULL;
}

static void autism_json(http_req_t *req, buf_t *b, const store_autism_t *r)
{
    int rank = step_rank(r->step);
    buf_printf(b, "{\"id\":\"%lld\"", (long long)r->id);
    api_kv_str(b, "step", r->step, true);
    api_kv_str(b, "step_label", rank >= 0 ? step_labels[rank] : NULL, true);
    api_kv_date(b, "date", r->date, true, true);
    inst_ref(b, api_app(req)->ref, r->institution_id);
    api_kv_str(b, "instrument", r->instrument, true);
    opt_int(b, "score", r->score);
    api_kv_str(b, "result", r->result, true);
    api_kv_str(b, "result_label", result_label(r->result), true);
    if (r->check_id > 0 && r->detail && r->detail[0] == '[')
        buf_printf(b, ",\"positive_items\":%s,\"detail\":null", r->detail);
    else
        api_kv_str(b, "detail", r->detail, true);
    api_kv_str(b, "notes", r->notes, true);
    api_kv_str(b, "check_id", r->check_id > 0 ? idstr(req->arena, r->check_id) : NULL, true);
    api_kv_instant(b, "created_at", r->created_at, true);
    buf_putc(b, '}');
}

struct autism_ctx {
    http_req_t *req;
    int64_t child_id;
    fy_err_t body_err;
    bool has_date;
    int rank;
    store_autism_t r;
    const ref_institution_t *inst;
    store_child_t c;
    int closed;
};

static int autism_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct autism_ctx *x = vctx;
    http_req_t *req = x->req;
    arena_t *a = store_tx_arena(tx);
    int rc = store_child_get(tx, x->child_id, &x->c, e);
    if (rc < 0)
        return -1;
    if (rc == 1 || strcmp(x->c.outcome, "live") != 0)
        return fy_fail(e, 404, "not_found", "没有这个儿童档案 (no such child: %lld)", (long long)x->child_id);
    /* staff of the recording institution serve the mother from now on */
    if (api_user(req)->institution_id && store_woman_link(tx, x->c.mother_id, x->inst->id, x->inst->district, e))
        return -1;
    if (load_child(req, tx, x->child_id, &x->c, NULL, e))
        return -1;
    for (int i = 0; i < x->body_err.n; i++)
        fy_field(e, x->body_err.fields[i].field, x->body_err.fields[i].code, "%s", x->body_err.fields[i].message);
    if (x->has_date && x->r.date < x->c.birth_date)
        fy_field(e, "date", "before_birth", "日期早于出生日期 (date is before the birth date)");
    if (fy_has_error(e))
        return -1;

    /* in order: each step needs its predecessor on or before its own date */
    if (x->rank > 0) {
        store_autism_t *recs;
        int n;
        if (store_autism_of(tx, x->child_id, &recs, &n, e))
            return -1;
        const char *prev = steps[x->rank - 1];
        int any = -1, before = -1;
        for (int i = 0; i < n; i++) {
            if (strcmp(recs[i].step, prev) != 0)
                continue;
            any = i;
            if (recs[i].date <= x->r.date)
                before = i;
        }
        if (any < 0) {
            fy_fail(e, 409, "out_of_order", "须先记录%s，才能记录%s (%s must come before %s)", step_labels[x->rank - 1],
                    step_labels[x->rank], prev, steps[x->rank]);
            fy_field(e, "step", "out_of_order", "缺少前一步骤：%s (the previous step is missing: %s)",
                     step_labels[x->rank - 1], prev);
            return -1;
        }
        if (before < 0) {
            char d[11];
            fy_date_format(recs[any].date, d);
            fy_fail(e, 409, "out_of_order", "%s的日期早于%s（%s）(%s is dated before its %s of %s)",
                    step_labels[x->rank], step_labels[x->rank - 1], d, steps[x->rank], prev, d);
            fy_field(e, "date", "before_previous_step", "日期早于前一步骤（%s %s）(date is before the %s of %s)",
                     step_labels[x->rank - 1], d, prev, d);
            return -1;
        }
    }
    x->r.child_id = x->child_id;
    x->r.institution_id = x->inst->id;
    x->r.user_id = api_user(req)->id;
    x->r.created_at = fy_now_ms();
    if (store_autism_insert(tx, &x->r, e))
        return -1;
    /* a re-screen answers the open referrals from the warning signs */
    if (x->rank == 1 && store_dev_referrals_close(tx, x->child_id, x->r.date, x->r.id, &x->closed, e))
        return -1;
    return api_audit(tx, req, "create", "autism_record", idstr(a, x->r.id),
                     arena_printf(a, "child %lld %s", (long long)x->child_id, x->r.step), e);
}

static const char *const autism_fields[] = {"step",   "date",   "institution_id", "instrument", "score",
                                            "result", "detail", "notes",          NULL};

static int h_autism_create(http_req_t *req, http_resp_t *resp)
{
    struct autism_ctx x = {.req = req, .rank = -1};
    json_t *body = api_id_and_body(req, &x.child_id);
    if (!body)
        return -1;
    fy_err_t *be = &x.body_err;
    store_autism_t *r = &x.r;
    r->score = -1;
    jv_no_unknown(body, autism_fields, be);
    enum_field(body, "step", true, steps,
               "first_screen（初筛）、rescreen（复筛）、diagnosis（诊断）或 intervention（干预）", &x.rank, be);
    x.has_date = date_field(body, "date", true, &r->date, be);
    if (x.has_date && r->date > fy_today()) {
        fy_field(be, "date", "future", "日期不能晚于今天 (date must not be in the future)");
        x.has_date = false;
    }
    const char *own = api_user(req)->institution_id, *given = NULL;
    if (str_field(body, "institution_id", false, 1, 64, &given, be)) {
        if (!refdata_institution(api_app(req)->ref, given))
            fy_field(be, "institution_id", "unknown", "未知的机构 %s (unknown institution %s)", given, given);
        else if (own && strcmp(own, given) != 0)
            return fy_fail(&req->err, 403, "other_institution",
                           "只能记录本机构的筛查、诊断或干预 (you can record for your own institution only)");
    } else if (!own && !json_object_get(body, "institution_id")) {
        fy_field(be, "institution_id", "required", "机构为必填项 (institution_id is required)");
    }
    x.inst = refdata_institution(api_app(req)->ref, given ? given : own);
    int ins = -1, res = -1;
    bool has_ins = enum_field(body, "instrument", x.rank == 1, x.rank == 1 ? instruments + 1 : instruments,
                              x.rank == 1 ? "CHAT-23 或 M-CHAT-R/F" : "warning_signs、CHAT-23 或 M-CHAT-R/F", &ins, be);
    if (has_ins && x.rank == 1)
        ins += 1;
    if (has_ins && x.rank >= 2)
        fy_field(be, "instrument", "not_applicable", "诊断和干预不填筛查工具 (instrument is for screens only)");
    if (has_ins && x.rank < 2)
        r->instrument = instruments[ins];
    else if (x.rank == 0)
        r->instrument = "warning_signs";
    long score = -1;
    bool has_score = false;
    if (x.rank >= 2 && json_object_get(body, "score"))
        fy_field(be, "score", "not_applicable", "诊断和干预不填得分 (score is for screens only)");
    else if (x.rank >= 0)
        has_score = int_field(body, "score", x.rank == 1, 0, has_ins ? instrument_max[ins] : 23, &score, be);
    r->score = has_score ? (int)score : -1;
    if (x.rank == 0 || x.rank == 1) {
        if (enum_field(body, "result", true, screen_results, "positive（阳性）或 negative（阴性）", &res, be))
            r->result = screen_results[res];
    } else if (x.rank == 2) {
        if (enum_field(body, "result", true, diagnosis_results, "confirmed（确诊）或 excluded（排除）", &res, be))
            r->result = diagnosis_results[res];
    } else if (x.rank == 3) {
        if (enum_field(body, "result", false, intervention_results, "started、ongoing 或 completed", &res, be))
            r->result = intervention_results[res];
    }
    str_field(body, "detail", x.rank == 3, 1, 1000, &r->detail, be);
    str_field(body, "notes", false, 0, 2000, &r->notes, be);
    if (x.rank >= 0)
        r->step = steps[x.rank];
    if (!x.inst) {
        /* no institution to record at: report what the body broke */
        for (int i = 0; i < be->n; i++)
            fy_field(&req->err, be->fields[i].field, be->fields[i].code, "%s", be->fields[i].message);
        if (!fy_has_error(&req->err))
            fy_fail(&req->err, 403, "no_institution",
                    "当前账号不属于任何机构 (your account belongs to no institution)");
        return -1;
    }
    if (store_write(api_app(req)->store, req->arena, autism_unit, &x, &req->err))
        return -1;
    buf_t b = {0};
    autism_json(req, &b, r);
    b.len--; /* reopen to add the referrals it closed */
    api_kv_int(&b, "referrals_closed", x.closed, true);
    buf_putc(&b, '}');
    api_reply(resp, 201, &b);
    http_add_header(resp, "Location", arena_printf(req->arena, "/api/v1/children/%lld/autism", (long long)x.child_id));
    return 0;
}

static void referral_json(http_req_t *req, buf_t *b, const ch_ref_t *ref, const store_dev_referral_t *r, bool comma)
{
    if (comma)
        buf_putc(b, ',');
    buf_printf(b, "{\"id\":\"%lld\"", (long long)r->id);
    api_kv_str(b, "check_id", idstr(req->arena, r->check_id), true);
    api_kv_date(b, "date", r->date, true, true);
    const ch_band_t *band = ch_signs_band(ref->signs, r->band);
    api_kv_str(b, "band", r->band, true);
    api_kv_str(b, "band_name", band ? band->name : NULL, true);
    buf_puts(b, ",\"positive\":[");
    json_t *codes = json_loads(r->positive ? r->positive : "[]", 0, NULL);
    size_t i;
    json_t *v;
    json_array_foreach(codes, i, v)
    {
        const ch_sign_t *item = ch_signs_find(ref->signs, json_string_value(v), NULL);
        buf_puts(b, i ? ",{" : "{");
        api_kv_str(b, "code", json_string_value(v), false);
        api_kv_str(b, "text", item ? item->text : NULL, true);
        buf_putc(b, '}');
    }
    json_decref(codes);
    buf_putc(b, ']');
    inst_ref(b, api_app(req)->ref, r->institution_id);
    api_kv_str(b, "status", r->status, true);
    api_kv_str(b, "status_label",
               strcmp(r->status, "open") == 0 ? "待复筛 (awaiting re-screening)" : "已复筛 (re-screened)", true);
    api_kv_str(b, "action", "转诊复筛（如 CHAT-23、M-CHAT-R/F）(refer for re-screening, e.g. CHAT-23, M-CHAT-R/F)",
               true);
    api_kv_date(b, "closed_on", r->closed_on, r->has_closed, true);
    buf_putc(b, '}');
}

static int h_autism_get(http_req_t *req, http_resp_t *resp)
{
    struct record_ctx x = {0};
    const ch_ref_t *ref = ch_ref(api_app(req), &req->err);
    if (!ref || load_record(req, &x, "child_autism"))
        return -1;
    buf_t b = {0};
    child_head(req, &b, &x.c);
    buf_puts(&b, ",\"records\":[");
    int last = -1;
    for (int i = 0; i < x.na; i++) {
        if (i)
            buf_putc(&b, ',');
        autism_json(req, &b, &x.autism[i]);
        int rk = step_rank(x.autism[i].step);
        if (rk > last)
            last = rk;
    }
    buf_puts(&b, "]");
    api_kv_str(&b, "stage", last >= 0 ? steps[last] : NULL, true);
    api_kv_str(&b, "stage_label", last >= 0 ? step_labels[last] : "未筛查 (not screened)", true);
    api_kv_str(&b, "next_step", last + 1 < 4 ? steps[last + 1] : NULL, true);
    buf_puts(&b, ",\"referrals\":[");
    for (int i = 0; i < x.nr; i++)
        referral_json(req, &b, ref, &x.refs[i], i > 0);
    buf_puts(&b, "]}");
    api_reply(resp, 200, &b);
    return 0;
}

/* ---- GET /api/v1/growth/zscores (one-off) ----------------------------------------- */

/* A query number: absent (false, no error) or a finite number in range. */
static bool query_num(http_req_t *req, const char *key, double min, double max, const char *unit, double *out)
{
    const char *s = http_query(req, key);
    if (!s)
        return false;
    char *end;
    double v = strtod(s, &end);
    if (!*s || *end || !isfinite(v) || v < min || v > max) {
        fy_field(&req->err, key, "range", "%s应为 %g–%g %s之间的数值 (%s must be a number from %g to %g %s)",
                 label(key), min, max, unit, key, min, max, unit);
        return false;
    }
    *out = v;
    return true;
}

static int h_zscores(http_req_t *req, http_resp_t *resp)
{
    const app_t *app = api_app(req);
    if (!app->growth)
        return fy_fail(&req->err, 503, "reference_data", "WHO 生长标准表未加载 (the WHO growth tables are not loaded)");
    fy_err_t *e = &req->err;
    growth_input_t in = {.weight_kg = NAN, .length_cm = NAN, .head_cm = NAN};
    const char *sex = http_query(req, "sex");
    if (!sex)
        fy_field(e, "sex", "required", "性别为必填项，1（男）或 2（女）(sex is required: 1 male, 2 female)");
    else if (strcmp(sex, "1") == 0 || strcmp(sex, "2") == 0)
        in.sex = sex[0] - '0';
    else
        fy_field(e, "sex", "enum", "性别应为 1（男）或 2（女）(sex must be 1 (male) or 2 (female))");
    const char *ad = http_query(req, "age_days");
    char *end = NULL;
    long age = ad ? strtol(ad, &end, 10) : -1;
    if (!ad)
        fy_field(e, "age_days", "required", "日龄为必填项 (age_days is required)");
    else if (!*ad || *end || age < 0 || age > GROWTH_MAX_AGE_DAYS)
        fy_field(e, "age_days", "range", "日龄应为 0–%d 之间的整数 (age_days must be an integer from 0 to %d)",
                 GROWTH_MAX_AGE_DAYS, GROWTH_MAX_AGE_DAYS);
    else
        in.age_days = (int)age;
    bool w = query_num(req, "weight_kg", 0.3, 250, "kg", &in.weight_kg);
    bool l = query_num(req, "length_cm", 30, 230, "cm", &in.length_cm);
    bool h = query_num(req, "head_cm", 20, 70, "cm", &in.head_cm);
    const char *m = http_query(req, "measured");
    bool has_m = false;
    if (m) {
        if (strcmp(m, "recumbent") == 0 || strcasecmp(m, "L") == 0)
            in.measured = GROWTH_RECUMBENT, has_m = true;
        else if (strcmp(m, "standing") == 0 || strcasecmp(m, "H") == 0)
            in.measured = GROWTH_STANDING, has_m = true;
        else
            fy_field(e, "measured", "enum",
                     "测量方式应为 recumbent（卧位）或 standing（立位）(measured must be recumbent or standing)");
    }
    if (!w && !l && !h && !http_query(req, "weight_kg") && !http_query(req, "length_cm") && !http_query(req, "head_cm"))
        fy_field(e, "weight_kg", "required",
                 "至少给出体重、身长/身高或头围之一 (give at least one of weight_kg, length_cm, head_cm)");
    if (fy_has_error(e))
        return -1;
    if (!has_m)
        in.measured = in.age_days < 731 ? GROWTH_RECUMBENT : GROWTH_STANDING;
    growth_result_t r;
    if (growth_compute(app->growth, &in, &r) != 0)
        return fy_fail(e, 422, "validation", "无法计算 (cannot compute)");
    buf_t b = {0};
    buf_printf(&b, "{\"sex\":%d,\"age_days\":%d", in.sex, in.age_days);
    buf_printf(&b, ",\"age_months\":%.2f", in.age_days / 30.4375);
    num(&b, "weight_kg", in.weight_kg);
    num(&b, "length_cm", in.length_cm);
    api_kv_str(&b, "measured", in.measured == GROWTH_STANDING ? "standing" : "recumbent", true);
    num(&b, "head_cm", in.head_cm);
    gview_t v = gview_of_result(&r);
    growth_fields(&b, &v);
    buf_putc(&b, '}');
    api_reply(resp, 200, &b);
    return 0;
}

/* ---- work lists ---------------------------------------------------------------------- */

struct wl_ctx {
    store_child_worklist_query_t q;
    store_child_row_t *rows;
    int n;
    int64_t total;
};

static int wl_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct wl_ctx *c = vctx;
    return store_child_worklist(tx, &c->q, &c->rows, &c->n, &c->total, e);
}

static void row_head(http_req_t *req, buf_t *b, const store_child_row_t *r, fy_date_t today)
{
    const store_child_t *c = &r->c;
    buf_printf(b, "{\"child_id\":\"%lld\"", (long long)c->id);
    api_kv_str(b, "name", c->name, true);
    api_kv_int(b, "sex", c->sex, true);
    api_kv_date(b, "birth_date", c->birth_date, true, true);
    age_json(b, req->arena, "age", c->birth_date, today);
    api_kv_str(b, "residence_district", c->residence_district, true);
    const ref_district_t *d = refdata_district(api_app(req)->ref, c->residence_district);
    api_kv_str(b, "residence_district_name", d ? d->name : NULL, true);
    char masked[64] = "";
    if (r->mother_id_number)
        idnum_mask(r->mother_id_number, masked, sizeof masked);
    buf_puts(b, ",\"mother\":{");
    api_kv_str(b, "id", idstr(req->arena, c->mother_id), false);
    api_kv_str(b, "name", r->mother_name, true);
    api_kv_str(b, "id_number", r->mother_id_number ? masked : NULL, true);
    api_kv_str(b, "phone", r->mother_phone, true);
    buf_putc(b, '}');
}

static int child_worklist(http_req_t *req, http_resp_t *resp, store_child_worklist_t kind)
{
    const app_t *app = api_app(req);
    const ch_ref_t *ref = ch_ref(app, &req->err);
    if (!ref)
        return -1;
    struct wl_ctx c = {0};
    int page;
    if (api_paging(req, &c.q.limit, &c.q.offset, &page))
        return -1;
    c.q.kind = kind;
    c.q.scope = &api_user(req)->scope;
    c.q.district = http_query(req, "district");
    if (c.q.district && !refdata_district(app->ref, c.q.district))
        return fy_field(&req->err, "district", "district",
                        "区代码无效 (district must be one of the 16 district codes)"),
               -1;
    if (store_read(app->store, req->arena, wl_unit, &c, &req->err))
        return -1;
    fy_date_t today = fy_today();
    buf_t b = {0}, ids = {0};
    buf_puts(&b, "{\"items\":[");
    for (int i = 0; i < c.n; i++) {
        const store_child_row_t *r = &c.rows[i];
        if (i)
            buf_putc(&b, ',');
        row_head(req, &b, r, today);
        if (kind == CHILD_WORKLIST_OVERDUE) {
            int wi = schedule_find_seq(ref->sched, r->state.overdue_seq);
            buf_puts(&b, ",\"overdue_window\":");
            if (wi < 0) {
                buf_puts(&b, "null");
            } else {
                const schedule_window_t *w = schedule_at(ref->sched, (size_t)wi);
                fy_date_t o, cl;
                schedule_window_dates(w, r->c.birth_date, &o, &cl);
                buf_printf(&b, "{\"seq\":%d", w->seq);
                api_kv_str(&b, "name", w->name, true);
                api_kv_str(&b, "label", window_label(req->arena, w), true);
                api_kv_date(&b, "opens", o, true, true);
                api_kv_date(&b, "closes", cl, true, true);
                api_kv_date(&b, "overdue_from", r->state.overdue_from, true, true);
                buf_putc(&b, '}');
            }
            api_kv_int(&b, "days_overdue", today - r->state.overdue_from + 1, true);
        } else {
            buf_puts(&b, ",\"referral\":");
            referral_json(req, &b, ref, &r->referral, false);
            api_kv_int(&b, "days_open", today - r->referral.date, true);
        }
        buf_putc(&b, '}');
        buf_printf(&ids, "%s%lld", i ? "," : "", (long long)r->c.id);
    }
    buf_printf(&b, "],\"page\":%d,\"page_size\":%d,\"total\":%lld}", page, c.q.limit, (long long)c.total);
    return api_reply_search(req, resp, &b, "child", &ids,
                            kind == CHILD_WORKLIST_OVERDUE ? "worklist child-overdue" : "worklist development");
}

static int h_wl_overdue(http_req_t *req, http_resp_t *resp)
{
    return child_worklist(req, resp, CHILD_WORKLIST_OVERDUE);
}
static int h_wl_development(http_req_t *req, http_resp_t *resp)
{
    return child_worklist(req, resp, CHILD_WORKLIST_DEVELOPMENT);
}

/* ---- GET /api/v1/development/warning-signs (reference) ------------------------------- */

static int h_warning_signs(http_req_t *req, http_resp_t *resp)
{
    const ch_ref_t *ref = ch_ref(api_app(req), &req->err);
    if (!ref)
        return -1;
    const ch_signs_t *s = ref->signs;
    buf_t b = {0};
    buf_putc(&b, '{');
    api_kv_str(&b, "version", ch_signs_version(s), false);
    api_kv_str(&b, "name", ch_signs_name(s), true);
    api_kv_str(&b, "source", ch_signs_source(s), true);
    api_kv_str(&b, "rule", ch_signs_rule(s), true);
    buf_puts(&b, ",\"bands\":[");
    for (size_t i = 0; i < ch_signs_count(s); i++) {
        const ch_band_t *band = ch_signs_at(s, i);
        buf_puts(&b, i ? ",{" : "{");
        api_kv_str(&b, "band", band->band, false);
        api_kv_str(&b, "name", band->name, true);
        api_kv_int(&b, "age_months", band->age_months, true);
        buf_puts(&b, ",\"items\":[");
        for (size_t k = 0; k < band->n_items; k++) {
            buf_puts(&b, k ? ",{" : "{");
            api_kv_str(&b, "code", band->items[k].code, false);
            api_kv_str(&b, "text", band->items[k].text, true);
            buf_putc(&b, '}');
        }
        buf_puts(&b, "]}");
    }
    buf_puts(&b, "]}");
    api_reply(resp, 200, &b);
    http_add_header(resp, "Cache-Control", "public, max-age=300");
    return 0;
}

/* ---- the child record's special case and alerts (children.c) ------------------------- */

struct alerts_ctx {
    int64_t child_id;
    store_child_check_t *checks;
    int nk;
    store_dev_referral_t *refs;
    int nr;
};

static int alerts_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct alerts_ctx *x = vctx;
    if (store_child_checks_of(tx, x->child_id, &x->checks, &x->nk, e))
        return -1;
    return store_dev_referrals_of(tx, x->child_id, &x->refs, &x->nr, e);
}

static ch_check_facts_t facts_of(const store_child_check_t *k)
{
    ch_check_facts_t f = {0};
    f.date = k->date;
    f.hb_g_l = k->hb_g_l;
    f.has_wfa = isfinite(k->z[CH_Z_WFA]) && !(k->implausible & (1u << CH_Z_WFA));
    f.has_lhfa = isfinite(k->z[CH_Z_LHFA]) && !(k->implausible & (1u << CH_Z_LHFA));
    /* wasting/overweight/obesity: weight-for-length/height to 5 years, BMI from 5 */
    int wz = k->reference && strcmp(k->reference, "who2007") == 0 ? CH_Z_BMI : CH_Z_WFLH;
    f.has_wh = isfinite(k->z[wz]) && !(k->implausible & (1u << wz));
    f.underweight = k->underweight;
    f.stunting = k->stunting;
    f.wasting = k->wasting;
    f.overweight = k->overweight;
    f.obesity = k->obesity;
    f.vision_left = vision_decimal_of(k->vision_left);
    f.vision_right = vision_decimal_of(k->vision_right);
    f.caries = k->caries;
    f.hearing = !k->hearing ? -1 : strcmp(k->hearing, "refer") == 0 ? 1 : 0;
    f.has_signs = k->warning_band != NULL;
    f.signs_positive = k->warning_positive;
    return f;
}

void child_health_json(http_req_t *req, buf_t *b, const store_child_t *c)
{
    arena_t *a = req->arena;
    bool preterm = ch_is_preterm(c->ga_days), lbw = ch_is_low_birth_weight(c->weight_g);
    buf_printf(b, ",\"special_case\":{\"enrolled\":%s", preterm || lbw ? "true" : "false");
    buf_puts(b, ",\"reasons\":[");
    if (preterm)
        buf_puts(b, "{\"code\":\"preterm\",\"label\":\"早产儿（出生胎龄<37周）(preterm: born before 37 weeks)\"}");
    if (lbw)
        buf_printf(b,
                   "%s{\"code\":\"low_birth_weight\",\"label\":\"低出生体重儿（<2500克）(low birth weight: under "
                   "2500 g)\"}",
                   preterm ? "," : "");
    buf_putc(b, ']');
    api_kv_date(b, "enrolled_on", c->birth_date, preterm || lbw, true);
    jbool(b, "corrected_age", preterm);
    api_kv_date(b, "corrected_age_until", c->birth_date + CH_CORRECT_BEFORE_DAYS - 1, preterm, true);
    if (preterm)
        buf_printf(b, ",\"correction_days\":%d", CH_TERM_GA_DAYS - c->ga_days);
    buf_putc(b, '}');

    struct alerts_ctx x = {.child_id = c->id};
    fy_err_t e = {0};
    if (strcmp(c->outcome, "live") != 0 || store_read(api_app(req)->store, a, alerts_unit, &x, &e)) {
        buf_puts(b, ",\"alerts\":[]");
        return;
    }
    ch_check_facts_t *facts = arena_alloc(a, sizeof *facts * (size_t)(x.nk > 0 ? x.nk : 1));
    for (int i = 0; i < x.nk; i++)
        facts[i] = facts_of(&x.checks[i]);
    int by[CH_ALERT_COUNT];
    ch_alerts(facts, (size_t)x.nk, c->birth_date, by);
    /* the development alert stays until the referral is re-screened */
    by[CH_ALERT_DEVELOPMENT] = -1;
    const store_dev_referral_t *open = NULL;
    for (int i = 0; i < x.nr; i++)
        if (strcmp(x.refs[i].status, "open") == 0)
            open = &x.refs[i];
    buf_puts(b, ",\"alerts\":[");
    int n = 0;
    for (int al = 0; al < CH_ALERT_COUNT; al++) {
        const store_child_check_t *k = by[al] >= 0 ? &x.checks[by[al]] : NULL;
        if (!k && !(al == CH_ALERT_DEVELOPMENT && open))
            continue;
        buf_puts(b, n++ ? ",{" : "{");
        api_kv_str(b, "code", ch_alert_code((ch_alert_t)al), false);
        api_kv_str(b, "label", ch_alert_label((ch_alert_t)al), true);
        if (al == CH_ALERT_DEVELOPMENT) {
            api_kv_str(b, "check_id", idstr(a, open->check_id), true);
            api_kv_date(b, "date", open->date, true, true);
            api_kv_str(b, "referral_id", idstr(a, open->id), true);
            buf_putc(b, '}');
            continue;
        }
        api_kv_str(b, "check_id", idstr(a, k->id), true);
        api_kv_date(b, "date", k->date, true, true);
        switch ((ch_alert_t)al) {
        case CH_ALERT_ANAEMIA: {
            ch_anaemia_t an = ch_anaemia(c->birth_date, k->date, k->hb_g_l);
            num(b, "hb_g_l", k->hb_g_l);
            api_kv_str(b, "grade", ch_anaemia_code(an), true);
            api_kv_str(b, "grade_label", ch_anaemia_label(an), true);
            break;
        }
        case CH_ALERT_UNDERWEIGHT:
            buf_puts(b, ",\"z\":");
            z2(b, k->z[CH_Z_WFA]);
            break;
        case CH_ALERT_STUNTING:
            buf_puts(b, ",\"z\":");
            z2(b, k->z[CH_Z_LHFA]);
            break;
        case CH_ALERT_WASTING:
        case CH_ALERT_OVERWEIGHT:
        case CH_ALERT_OBESITY:
            buf_puts(b, ",\"z\":");
            z2(b, k->reference && strcmp(k->reference, "who2007") == 0 ? k->z[CH_Z_BMI] : k->z[CH_Z_WFLH]);
            break;
        case CH_ALERT_VISION:
            vision_value(b, "vision_left", k->vision_left);
            vision_value(b, "vision_right", k->vision_right);
            break;
        case CH_ALERT_CARIES: api_kv_int(b, "caries", k->caries, true); break;
        default: break;
        }
        buf_putc(b, '}');
    }
    buf_putc(b, ']');
}

/* ---- routes ------------------------------------------------------------------------------ */

const http_route_t api_child_health_routes[] = {
    {"GET", "/api/v1/children/{id}/schedule", h_schedule, ROLES_ALL, 0},
    {"POST", "/api/v1/children/{id}/checks", h_check_create, CLINICIANS, 0},
    {"GET", "/api/v1/children/{id}/checks", h_checks_list, ROLES_ALL, 0},
    {"GET", "/api/v1/children/{id}/growth", h_growth, ROLES_ALL, 0},
    {"POST", "/api/v1/children/{id}/autism", h_autism_create, CLINICIANS | ROLE_BIT(ROLE_DISTRICT_ADMIN), 0},
    {"GET", "/api/v1/children/{id}/autism", h_autism_get, ROLES_ALL, 0},
    {"GET", "/api/v1/worklists/child-overdue", h_wl_overdue, WORKERS, 0},
    {"GET", "/api/v1/worklists/development", h_wl_development, WORKERS, 0},
    {"GET", "/api/v1/growth/zscores", h_zscores, 0, HTTP_PUBLIC},
    {"GET", "/api/v1/child-schedule", h_schedule_for_date, 0, HTTP_PUBLIC},
    {"GET", "/api/v1/development/warning-signs", h_warning_signs, 0, HTTP_PUBLIC},
};
const size_t api_child_health_nroutes = sizeof api_child_health_routes / sizeof api_child_health_routes[0];
