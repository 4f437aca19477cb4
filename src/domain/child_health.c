/* Child-health rules; see child_health.h. */
#include "domain/child_health.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

bool ch_is_preterm(int ga_days) { return ga_days > 0 && ga_days < CH_PRETERM_GA_DAYS; }
bool ch_is_low_birth_weight(int weight_g) { return weight_g > 0 && weight_g < CH_LBW_GRAMS; }

ch_age_t ch_growth_age(fy_date_t birth, fy_date_t on, int ga_days)
{
    ch_age_t a = {.age_days = (int)(on - birth)};
    a.age_used_days = a.age_days;
    if (ch_is_preterm(ga_days) && a.age_days < CH_CORRECT_BEFORE_DAYS) {
        a.corrected = true;
        a.age_used_days = a.age_days - (CH_TERM_GA_DAYS - ga_days);
        a.before_term = a.age_used_days < 0;
    }
    return a;
}

/* ---- anaemia ---- */

ch_anaemia_t ch_anaemia(fy_date_t birth, fy_date_t on, double hb)
{
    if (!isfinite(hb))
        return CH_HB_NOT_APPLICABLE;
    int months = fy_months_between(birth, on);
    if (months < CH_ANAEMIA_FROM_MONTHS || months > CH_ANAEMIA_TO_MONTHS)
        return CH_HB_NOT_APPLICABLE;
    if (hb >= CH_ANAEMIA_HB_G_L)
        return CH_HB_NORMAL;
    if (hb >= 100.0)
        return CH_HB_MILD;
    if (hb >= 70.0)
        return CH_HB_MODERATE;
    return CH_HB_SEVERE;
}

const char *ch_anaemia_code(ch_anaemia_t a)
{
    switch (a) {
    case CH_HB_NORMAL: return "none";
    case CH_HB_MILD: return "mild";
    case CH_HB_MODERATE: return "moderate";
    case CH_HB_SEVERE: return "severe";
    default: return NULL;
    }
}

const char *ch_anaemia_label(ch_anaemia_t a)
{
    switch (a) {
    case CH_HB_NORMAL: return "无贫血 (no anaemia)";
    case CH_HB_MILD: return "轻度贫血 (mild anaemia)";
    case CH_HB_MODERATE: return "中度贫血 (moderate anaemia)";
    case CH_HB_SEVERE: return "重度贫血 (severe anaemia)";
    default: return "不适用 (not applicable)";
    }
}

/* ---- vision ---- */

bool ch_vision_decimal(double v, double *decimal)
{
    if (!isfinite(v))
        return false;
    if (v >= 0.01 && v <= 2.0) {
        *decimal = v;
        return true;
    }
    if (v >= 3.0 && v <= 5.3) {
        *decimal = pow(10.0, v - 5.0);
        return true;
    }
    return false;
}

bool ch_vision_reduced(int age_months, double l, double r)
{
    if (age_months < 36)
        return false;
    double limit = age_months < 48 ? 0.5 : age_months < 60 ? 0.6 : 0.8;
    /* Charts print rounded decimals (4.9 is "0.8" but 10^-0.1 = 0.794), so a
     * value is below the limit only when it is half a line (0.05 log units)
     * or more below it, and two lines apart means 0.15 log units or more
     * (0.6 against 0.4 is two lines but only 0.18 apart). */
    double floor_ = limit * pow(10.0, -0.05);
    if (isfinite(l) && l < floor_)
        return true;
    if (isfinite(r) && r < floor_)
        return true;
    if (isfinite(l) && isfinite(r) && l > 0 && r > 0 && fabs(log10(l) - log10(r)) >= 0.15)
        return true;
    return false;
}

/* ---- warning signs ---- */

struct ch_signs {
    char *id, *version, *name, *source, *rule;
    size_t n;
    ch_band_t *bands;
};

static char *dupstr(const char *s)
{
    size_t len = strlen(s) + 1;
    char *p = malloc(len);
    if (p)
        memcpy(p, s, len);
    return p;
}

void ch_signs_free(ch_signs_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        ch_band_t *b = &s->bands[i];
        for (size_t k = 0; k < b->n_items; k++) {
            free((char *)b->items[k].code);
            free((char *)b->items[k].text);
        }
        free((ch_sign_t *)b->items);
        free((char *)b->band);
        free((char *)b->name);
    }
    free(s->bands);
    free(s->id);
    free(s->version);
    free(s->name);
    free(s->source);
    free(s->rule);
    free(s);
}

typedef struct {
    char *err;
    size_t errlen;
} lctx_t;

static int lfail(lctx_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int lfail(lctx_t *c, const char *fmt, ...)
{
    if (c->err && c->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err, c->errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int lstr(lctx_t *c, json_t *obj, const char *key, const char *where, bool required, char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v)
        return required ? lfail(c, "预警征象文件缺少字段 %s%s", where, key) : 0;
    if (!json_is_string(v) || json_string_length(v) == 0)
        return lfail(c, "预警征象文件字段 %s%s 必须是非空字符串", where, key);
    *out = dupstr(json_string_value(v));
    return *out ? 0 : lfail(c, "内存不足");
}

static int load_band(lctx_t *c, json_t *jb, size_t i, ch_band_t *b)
{
    char where[40];
    snprintf(where, sizeof where, "bands[%zu].", i);
    if (!json_is_object(jb))
        return lfail(c, "预警征象文件 bands[%zu] 必须是对象", i);
    char *band = NULL, *name = NULL;
    if (lstr(c, jb, "band", where, true, &band))
        return -1;
    b->band = band;
    if (lstr(c, jb, "name", where, true, &name))
        return -1;
    b->name = name;
    json_t *am = json_object_get(jb, "age_months");
    if (!json_is_integer(am) || json_integer_value(am) < 1 || json_integer_value(am) > 240)
        return lfail(c, "预警征象文件字段 %sage_months 必须是 1～240 的整数", where);
    b->age_months = (int)json_integer_value(am);
    json_t *items = json_object_get(jb, "items");
    if (!json_is_array(items) || json_array_size(items) == 0)
        return lfail(c, "预警征象文件字段 %sitems 必须是非空数组", where);
    size_t n = json_array_size(items);
    ch_sign_t *it = calloc(n, sizeof *it);
    if (!it)
        return lfail(c, "内存不足");
    b->items = it;
    b->n_items = n;
    for (size_t k = 0; k < n; k++) {
        char iw[56];
        snprintf(iw, sizeof iw, "bands[%zu].items[%zu].", i, k);
        json_t *ji = json_array_get(items, k);
        if (!json_is_object(ji))
            return lfail(c, "预警征象文件 %s 必须是对象", iw);
        char *code = NULL, *text = NULL;
        if (lstr(c, ji, "code", iw, true, &code))
            return -1;
        it[k].code = code;
        if (lstr(c, ji, "text", iw, true, &text))
            return -1;
        it[k].text = text;
    }
    return 0;
}

static int load_signs(lctx_t *c, json_t *root, ch_signs_t *s)
{
    if (!json_is_object(root))
        return lfail(c, "预警征象文件顶层必须是 JSON 对象");
    if (lstr(c, root, "id", "", true, &s->id) || lstr(c, root, "version", "", true, &s->version) ||
        lstr(c, root, "name", "", false, &s->name) || lstr(c, root, "source", "", true, &s->source) ||
        lstr(c, root, "rule", "", false, &s->rule))
        return -1;
    json_t *bands = json_object_get(root, "bands");
    if (!json_is_array(bands) || json_array_size(bands) == 0)
        return lfail(c, "预警征象文件字段 bands 必须是非空数组");
    s->n = json_array_size(bands);
    s->bands = calloc(s->n, sizeof *s->bands);
    if (!s->bands) {
        s->n = 0;
        return lfail(c, "内存不足");
    }
    for (size_t i = 0; i < s->n; i++) {
        if (load_band(c, json_array_get(bands, i), i, &s->bands[i]))
            return -1;
        const ch_band_t *b = &s->bands[i];
        if (i > 0 && b->age_months <= s->bands[i - 1].age_months)
            return lfail(c, "预警征象文件 bands[%zu].age_months 未按升序排列", i);
        for (size_t j = 0; j < i; j++)
            if (strcmp(s->bands[j].band, b->band) == 0)
                return lfail(c, "预警征象文件 band “%s” 重复", b->band);
        /* item codes are unique across the table: a code alone names its band */
        for (size_t k = 0; k < b->n_items; k++)
            for (size_t j = 0; j <= i; j++)
                for (size_t m = 0; m < s->bands[j].n_items; m++) {
                    if (j == i && m >= k)
                        break;
                    if (strcmp(s->bands[j].items[m].code, b->items[k].code) == 0)
                        return lfail(c, "预警征象文件条目 code “%s” 重复", b->items[k].code);
                }
    }
    return 0;
}

int ch_signs_load(const char *path, ch_signs_t **out, char *err, size_t errlen)
{
    lctx_t c = {err, errlen};
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return lfail(&c, "无法打开预警征象文件 %s：%s", path, strerror(errno));
    json_error_t je;
    json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
    fclose(f);
    if (!root)
        return lfail(&c, "预警征象文件 %s 不是有效的 JSON（第 %d 行第 %d 列）：%s", path, je.line, je.column, je.text);
    ch_signs_t *s = calloc(1, sizeof *s);
    if (!s) {
        json_decref(root);
        return lfail(&c, "内存不足");
    }
    int rc = load_signs(&c, root, s);
    json_decref(root);
    if (rc) {
        ch_signs_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

const char *ch_signs_version(const ch_signs_t *s) { return s->version; }
const char *ch_signs_name(const ch_signs_t *s) { return s->name ? s->name : s->id; }
const char *ch_signs_source(const ch_signs_t *s) { return s->source; }
const char *ch_signs_rule(const ch_signs_t *s) { return s->rule ? s->rule : ""; }
size_t ch_signs_count(const ch_signs_t *s) { return s->n; }
const ch_band_t *ch_signs_at(const ch_signs_t *s, size_t i) { return i < s->n ? &s->bands[i] : NULL; }

const ch_band_t *ch_signs_band(const ch_signs_t *s, const char *band)
{
    for (size_t i = 0; band && i < s->n; i++)
        if (strcmp(s->bands[i].band, band) == 0)
            return &s->bands[i];
    return NULL;
}

const ch_sign_t *ch_signs_find(const ch_signs_t *s, const char *code, const ch_band_t **band)
{
    for (size_t i = 0; code && i < s->n; i++)
        for (size_t k = 0; k < s->bands[i].n_items; k++)
            if (strcmp(s->bands[i].items[k].code, code) == 0) {
                if (band)
                    *band = &s->bands[i];
                return &s->bands[i].items[k];
            }
    return NULL;
}

static const ch_band_t *band_of_months(const ch_signs_t *s, int age_months)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->bands[i].age_months == age_months)
            return &s->bands[i];
    return NULL;
}

const ch_band_t *ch_band_for(const ch_signs_t *signs, const schedule_t *sched, fy_date_t birth, fy_date_t on)
{
    if (!signs || on < birth)
        return NULL;
    for (size_t i = 0; sched && i < schedule_count(sched); i++) {
        const schedule_window_t *w = schedule_at(sched, i);
        if (w->age_months <= 0)
            continue;
        fy_date_t opens, closes;
        schedule_window_dates(w, birth, &opens, &closes);
        if (on >= opens && on <= closes) {
            const ch_band_t *b = band_of_months(signs, w->age_months);
            if (b)
                return b;
        }
    }
    const ch_band_t *best = NULL;
    for (size_t i = 0; i < signs->n; i++)
        if (fy_date_add_months(birth, signs->bands[i].age_months) <= on)
            best = &signs->bands[i];
    return best;
}

/* ---- overdue ---- */

int ch_overdue_slot(const schedule_slot_t *slots, size_t n, const fy_date_t *checks, size_t n_checks, fy_date_t today,
                    fy_date_t end)
{
    if (today >= end)
        return -1;
    int last = -1;
    for (size_t i = 0; i < n; i++)
        if (slots[i].overdue_from <= today && (last < 0 || slots[i].overdue_from >= slots[last].overdue_from))
            last = (int)i;
    if (last < 0 || slots[last].filled)
        return -1;
    for (size_t k = 0; k < n_checks; k++)
        if (checks[k] >= slots[last].opens && checks[k] <= today)
            return -1;
    return last;
}

/* ---- alerts ---- */

static const struct {
    const char *code, *label;
} alert_names[CH_ALERT_COUNT] = {
    [CH_ALERT_ANAEMIA] = {"anaemia", "贫血 (anaemia)"},
    [CH_ALERT_UNDERWEIGHT] = {"underweight", "低体重 (underweight)"},
    [CH_ALERT_STUNTING] = {"stunting", "生长迟缓 (stunting)"},
    [CH_ALERT_WASTING] = {"wasting", "消瘦 (wasting)"},
    [CH_ALERT_OVERWEIGHT] = {"overweight", "超重 (overweight)"},
    [CH_ALERT_OBESITY] = {"obesity", "肥胖 (obesity)"},
    [CH_ALERT_VISION] = {"vision", "视力异常 (reduced vision)"},
    [CH_ALERT_CARIES] = {"caries", "龋齿 (dental caries)"},
    [CH_ALERT_HEARING] = {"hearing", "听力筛查未通过 (hearing screen not passed)"},
    [CH_ALERT_DEVELOPMENT] = {"development",
                              "发育偏异可疑，需转诊复筛 (suspected developmental deviation: refer for re-screening)"},
};

const char *ch_alert_code(ch_alert_t a) { return a < CH_ALERT_COUNT ? alert_names[a].code : NULL; }
const char *ch_alert_label(ch_alert_t a) { return a < CH_ALERT_COUNT ? alert_names[a].label : NULL; }

/* Index of the latest check (by date, then position) that `has` picks, or -1. */
static int latest(const ch_check_facts_t *c, size_t n, bool (*has)(const ch_check_facts_t *))
{
    int best = -1;
    for (size_t i = 0; i < n; i++)
        if (has(&c[i]) && (best < 0 || c[i].date >= c[best].date))
            best = (int)i;
    return best;
}

static bool has_hb(const ch_check_facts_t *c) { return isfinite(c->hb_g_l); }
static bool has_wfa(const ch_check_facts_t *c) { return c->has_wfa; }
static bool has_lhfa(const ch_check_facts_t *c) { return c->has_lhfa; }
static bool has_wh(const ch_check_facts_t *c) { return c->has_wh; }
static bool has_vision(const ch_check_facts_t *c) { return isfinite(c->vision_left) || isfinite(c->vision_right); }
static bool has_caries(const ch_check_facts_t *c) { return c->caries >= 0; }
static bool has_hearing(const ch_check_facts_t *c) { return c->hearing >= 0; }
static bool has_signs(const ch_check_facts_t *c) { return c->has_signs; }

int ch_alerts(const ch_check_facts_t *c, size_t n, fy_date_t birth, int decided_by[CH_ALERT_COUNT])
{
    for (int a = 0; a < CH_ALERT_COUNT; a++)
        decided_by[a] = -1;
    int k;
    if ((k = latest(c, n, has_hb)) >= 0) {
        ch_anaemia_t an = ch_anaemia(birth, c[k].date, c[k].hb_g_l);
        if (an >= CH_HB_MILD)
            decided_by[CH_ALERT_ANAEMIA] = k;
    }
    if ((k = latest(c, n, has_wfa)) >= 0 && c[k].underweight)
        decided_by[CH_ALERT_UNDERWEIGHT] = k;
    if ((k = latest(c, n, has_lhfa)) >= 0 && c[k].stunting)
        decided_by[CH_ALERT_STUNTING] = k;
    if ((k = latest(c, n, has_wh)) >= 0) {
        if (c[k].wasting)
            decided_by[CH_ALERT_WASTING] = k;
        if (c[k].overweight || c[k].obesity)
            decided_by[CH_ALERT_OVERWEIGHT] = k;
        if (c[k].obesity)
            decided_by[CH_ALERT_OBESITY] = k;
    }
    if ((k = latest(c, n, has_vision)) >= 0 &&
        ch_vision_reduced(fy_months_between(birth, c[k].date), c[k].vision_left, c[k].vision_right))
        decided_by[CH_ALERT_VISION] = k;
    if ((k = latest(c, n, has_caries)) >= 0 && c[k].caries > 0)
        decided_by[CH_ALERT_CARIES] = k;
    if ((k = latest(c, n, has_hearing)) >= 0 && c[k].hearing == 1)
        decided_by[CH_ALERT_HEARING] = k;
    if ((k = latest(c, n, has_signs)) >= 0 && c[k].signs_positive)
        decided_by[CH_ALERT_DEVELOPMENT] = k;
    int count = 0;
    for (int a = 0; a < CH_ALERT_COUNT; a++)
        count += decided_by[a] >= 0;
    return count;
}

double ch_round2(double z)
{
    if (!isfinite(z))
        return z;
    double lo = floor(z * 100.0), hi = ceil(z * 100.0);
    double dlo = z - lo / 100.0, dhi = hi / 100.0 - z;
    double r;
    if (dlo < dhi)
        r = lo / 100.0;
    else if (dhi < dlo)
        r = hi / 100.0;
    else
        r = fmod(lo, 2.0) == 0.0 ? lo / 100.0 : hi / 100.0;
    return r == 0.0 ? 0.0 : r; /* no "-0.00" */
}
