/* Five-colour pregnancy risk grading; see risk.h and docs/domain.md §5.
 *
 * A table row may carry a rule: a small condition language over named
 * measures, compiled at load time into a tree of comparisons so that
 * grading is a walk over plain structs. jansson is used only by the loader. */
#include "domain/risk.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- colours */

static const char *const COLOR_NAMES[] = {"green", "yellow", "orange", "red", "purple"};
static const char *const COLOR_LABELS[] = {"绿色 低风险", "黄色 一般风险", "橙色 较高风险",
                                           "红色 高风险", "紫色 传染病"};
#define N_COLORS 5

static bool color_valid(risk_color_t c) { return (int)c >= 0 && (int)c < N_COLORS; }

const char *risk_color_name(risk_color_t c) { return color_valid(c) ? COLOR_NAMES[c] : "invalid"; }

const char *risk_color_label_zh(risk_color_t c) { return color_valid(c) ? COLOR_LABELS[c] : "无效"; }

int risk_color_parse(const char *name, risk_color_t *out)
{
    if (!name)
        return -1;
    for (int i = 0; i < N_COLORS; i++) {
        if (strcmp(name, COLOR_NAMES[i]) == 0) {
            if (out)
                *out = (risk_color_t)i;
            return 0;
        }
    }
    return -1;
}

/* --------------------------------------------------------------- measures */

/* The names a rule may use. Adding a measure means adding it here, to
 * measure_values() and to risk_input_t; the table can then use it without
 * further code. */
enum {
    M_AGE_YEARS,
    M_BMI,
    M_GA_WEEKS,
    M_HB,
    M_PLT,
    M_CREATININE,
    M_CREATININE_ULN,
    M_SPO2,
    M_EF,
    M_PASP,
    M_FASTING_GLUCOSE,
    M_SBP,
    M_DBP,
    M_EPDS,
    M_FETUSES,
    M_PREVIOUS_CAESAREANS,
    M_OTHER_UTERINE_OPS,
    M_UTERINE_OPS,
    M_MONTHS_SINCE_UTERINE_SURGERY,
    M_PREVIOUS_MISCARRIAGES,
    M_ASSISTED_REPRODUCTION,
    M_POSTPARTUM,
    M_HIV,
    M_SYPHILIS,
    M_HBSAG,
    M_COUNT
};

typedef enum { MK_NUMBER, MK_BOOL, MK_LAB } measure_kind_t;

static const struct {
    const char *name;
    measure_kind_t kind;
} MEASURES[M_COUNT] = {
    [M_AGE_YEARS] = {"age_years", MK_NUMBER},
    [M_BMI] = {"bmi", MK_NUMBER},
    [M_GA_WEEKS] = {"ga_weeks", MK_NUMBER},
    [M_HB] = {"hb_g_l", MK_NUMBER},
    [M_PLT] = {"plt_10e9_l", MK_NUMBER},
    [M_CREATININE] = {"creatinine_umol_l", MK_NUMBER},
    [M_CREATININE_ULN] = {"creatinine_uln_umol_l", MK_NUMBER},
    [M_SPO2] = {"spo2_percent", MK_NUMBER},
    [M_EF] = {"ef_percent", MK_NUMBER},
    [M_PASP] = {"pasp_mmhg", MK_NUMBER},
    [M_FASTING_GLUCOSE] = {"fasting_glucose_mmol_l", MK_NUMBER},
    [M_SBP] = {"sbp", MK_NUMBER},
    [M_DBP] = {"dbp", MK_NUMBER},
    [M_EPDS] = {"epds_score", MK_NUMBER},
    [M_FETUSES] = {"fetuses", MK_NUMBER},
    [M_PREVIOUS_CAESAREANS] = {"previous_caesareans", MK_NUMBER},
    [M_OTHER_UTERINE_OPS] = {"other_uterine_operations", MK_NUMBER},
    [M_UTERINE_OPS] = {"uterine_operations", MK_NUMBER},
    [M_MONTHS_SINCE_UTERINE_SURGERY] = {"months_since_uterine_surgery", MK_NUMBER},
    [M_PREVIOUS_MISCARRIAGES] = {"previous_miscarriages", MK_NUMBER},
    [M_ASSISTED_REPRODUCTION] = {"assisted_reproduction", MK_BOOL},
    [M_POSTPARTUM] = {"postpartum", MK_BOOL},
    [M_HIV] = {"hiv", MK_LAB},
    [M_SYPHILIS] = {"syphilis", MK_LAB},
    [M_HBSAG] = {"hbsag", MK_LAB},
};

static int measure_find(const char *name)
{
    for (int i = 0; i < M_COUNT; i++)
        if (strcmp(MEASURES[i].name, name) == 0)
            return i;
    return -1;
}

/* Physical quantities are never negative, so a negative value is a caller's
 * "unknown" (or garbage), never a reading to grade. */
static double num(double x) { return isfinite(x) && x >= 0 ? x : NAN; }
static double count(int n) { return n >= 0 ? (double)n : NAN; }

static double lab(risk_lab_t l)
{
    switch (l) {
    case RISK_LAB_NEGATIVE:
        return 0;
    case RISK_LAB_POSITIVE:
        return 1;
    default:
        return NAN;
    }
}

/* Every measure as a number (booleans and labs as 0/1), NAN when unknown,
 * computed once per grading so rules only compare. */
static void measure_values(const risk_input_t *in, double v[M_COUNT])
{
    v[M_AGE_YEARS] = in->has_birth_date ? count(fy_age_years(in->birth_date, in->on_date)) : NAN;

    double h = num(in->height_cm), w = num(in->weight_kg);
    v[M_BMI] = NAN;
    if (h > 0 && w > 0) {
        double m = h / 100.0;
        v[M_BMI] = round(w / (m * m) * 10.0) / 10.0;
    }

    v[M_GA_WEEKS] = in->ga_days >= 0 ? (double)(in->ga_days / 7) : NAN;
    v[M_HB] = num(in->hb_g_l);
    v[M_PLT] = num(in->plt_10e9_l);
    v[M_CREATININE] = num(in->creatinine_umol_l);
    v[M_CREATININE_ULN] = num(in->creatinine_uln_umol_l);
    v[M_SPO2] = num(in->spo2_percent);
    v[M_EF] = num(in->ef_percent);
    v[M_PASP] = num(in->pasp_mmhg);
    v[M_FASTING_GLUCOSE] = num(in->fasting_glucose_mmol_l);
    v[M_SBP] = num(in->sbp);
    v[M_DBP] = num(in->dbp);
    v[M_EPDS] = num(in->epds_score);
    v[M_FETUSES] = count(in->fetuses);
    v[M_PREVIOUS_CAESAREANS] = count(in->previous_caesareans);
    v[M_OTHER_UTERINE_OPS] = count(in->other_uterine_operations);
    if (in->previous_caesareans < 0 && in->other_uterine_operations < 0)
        v[M_UTERINE_OPS] = NAN;
    else
        v[M_UTERINE_OPS] = (double)(in->previous_caesareans > 0 ? in->previous_caesareans : 0) +
                           (double)(in->other_uterine_operations > 0 ? in->other_uterine_operations : 0);
    v[M_MONTHS_SINCE_UTERINE_SURGERY] =
        in->has_last_uterine_surgery ? count(fy_months_between(in->last_uterine_surgery_date, in->on_date))
                                     : NAN;
    v[M_PREVIOUS_MISCARRIAGES] = count(in->previous_miscarriages);
    v[M_ASSISTED_REPRODUCTION] = in->assisted_reproduction ? 1 : 0;
    v[M_POSTPARTUM] = in->postpartum ? 1 : 0;
    v[M_HIV] = lab(in->hiv);
    v[M_SYPHILIS] = lab(in->syphilis);
    v[M_HBSAG] = lab(in->hbsag);
}

/* ------------------------------------------------------------------ rules */

typedef enum { N_COMPARE, N_ANY, N_ALL } node_kind_t;

typedef struct rule_node {
    node_kind_t kind;
    int measure, scale_by; /* scale_by: -1, or a measure multiplying min/max */
    bool has_min, has_max, min_incl, max_incl;
    double min, max;
    size_t n;
    struct rule_node *kids;
} rule_node_t;

static bool eval(const rule_node_t *r, const double v[M_COUNT])
{
    switch (r->kind) {
    case N_ANY:
        for (size_t i = 0; i < r->n; i++)
            if (eval(&r->kids[i], v))
                return true;
        return false;
    case N_ALL:
        for (size_t i = 0; i < r->n; i++)
            if (!eval(&r->kids[i], v))
                return false;
        return true;
    case N_COMPARE:
        break;
    }
    double x = v[r->measure], scale = 1;
    if (isnan(x))
        return false;
    if (r->scale_by >= 0) {
        scale = v[r->scale_by];
        if (isnan(scale) || scale <= 0)
            return false;
    }
    if (r->has_min) {
        double lo = r->min * scale;
        if (r->min_incl ? x < lo : x <= lo)
            return false;
    }
    if (r->has_max) {
        double hi = r->max * scale;
        if (r->max_incl ? x > hi : x >= hi)
            return false;
    }
    return true;
}

static void rule_free(rule_node_t *r)
{
    for (size_t i = 0; i < r->n; i++)
        rule_free(&r->kids[i]);
    free(r->kids);
    r->kids = NULL;
    r->n = 0;
}

/* -------------------------------------------------------------- the table */

typedef struct {
    char *code, *category, *text, *source, *mark, *note;
    bool has_rule;
    int group; /* rows derived in one group list only their highest colour */
    rule_node_t rule;
} row_t;

struct risk_criteria {
    char *version, *title, *source, *effective;
    size_t n;
    row_t *rows;
    risk_factor_def_t *defs;
};

void risk_criteria_free(risk_criteria_t *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        row_t *r = &c->rows[i];
        free(r->code);
        free(r->category);
        free(r->text);
        free(r->source);
        free(r->mark);
        free(r->note);
        rule_free(&r->rule);
    }
    free(c->rows);
    free(c->defs);
    free(c->version);
    free(c->title);
    free(c->source);
    free(c->effective);
    free(c);
}

const char *risk_criteria_version(const risk_criteria_t *c) { return c ? c->version : NULL; }
const char *risk_criteria_effective(const risk_criteria_t *c) { return c ? c->effective : NULL; }
size_t risk_criteria_count(const risk_criteria_t *c) { return c ? c->n : 0; }

const risk_factor_def_t *risk_criteria_at(const risk_criteria_t *c, size_t i)
{
    return c && i < c->n ? &c->defs[i] : NULL;
}

static long find_index(const risk_criteria_t *c, const char *code)
{
    if (!c || !code)
        return -1;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->defs[i].code, code) == 0)
            return (long)i;
    return -1;
}

const risk_factor_def_t *risk_criteria_find(const risk_criteria_t *c, const char *code)
{
    long i = find_index(c, code);
    return i < 0 ? NULL : &c->defs[i];
}

/* ----------------------------------------------------------------- loader */

typedef struct {
    char *buf;
    size_t len;
} err_t;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int fail(err_t *e, const char *fmt, ...)
{
    if (e->buf && e->len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->buf, e->len, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static bool only_keys(json_t *obj, const char *const *allowed, const char **bad)
{
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val)
    {
        (void)val;
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, key) == 0)
                ok = true;
        if (!ok) {
            *bad = key;
            return false;
        }
    }
    return true;
}

/* Deep enough for any sensible table, shallow enough that a hostile file
 * cannot exhaust the stack. */
#define RULE_MAX_DEPTH 8

static int compile(json_t *j, rule_node_t *node, int depth, const char *code, err_t *e)
{
    static const char *const KEYS[] = {"group",   "measure",       "min", "min_inclusive", "max",
                                       "max_inclusive", "scale_by", "is",  "any_of",        "all_of",
                                       NULL};
    const char *bad;
    memset(node, 0, sizeof *node);
    node->measure = node->scale_by = -1;
    if (depth > RULE_MAX_DEPTH)
        return fail(e, "factor '%s': rule nested deeper than %d", code, RULE_MAX_DEPTH);
    if (!json_is_object(j))
        return fail(e, "factor '%s': a rule must be an object", code);
    if (!only_keys(j, KEYS, &bad))
        return fail(e, "factor '%s': rule has unknown key '%s'", code, bad);
    if (depth > 0 && json_object_get(j, "group"))
        return fail(e, "factor '%s': 'group' belongs on the top rule only", code);

    json_t *any = json_object_get(j, "any_of"), *all = json_object_get(j, "all_of"),
           *measure = json_object_get(j, "measure");
    if ((any != NULL) + (all != NULL) + (measure != NULL) != 1)
        return fail(e, "factor '%s': a rule needs exactly one of 'measure', 'any_of', 'all_of'", code);

    if (any || all) {
        json_t *list = any ? any : all;
        const char *what = any ? "any_of" : "all_of";
        static const char *const LIST_KEYS[] = {"group", "any_of", "all_of", NULL};
        if (!only_keys(j, LIST_KEYS, &bad))
            return fail(e, "factor '%s': '%s' cannot sit beside '%s'", code, bad, what);
        if (!json_is_array(list) || json_array_size(list) == 0)
            return fail(e, "factor '%s': '%s' must be a non-empty array", code, what);
        node->kind = any ? N_ANY : N_ALL;
        node->kids = calloc(json_array_size(list), sizeof *node->kids);
        if (!node->kids)
            return fail(e, "out of memory");
        size_t i;
        json_t *sub;
        json_array_foreach(list, i, sub)
        {
            node->n = i + 1; /* so rule_free() sees the partly built child */
            if (compile(sub, &node->kids[i], depth + 1, code, e) < 0)
                return -1;
        }
        return 0;
    }

    node->kind = N_COMPARE;
    if (!json_is_string(measure))
        return fail(e, "factor '%s': 'measure' must be a string", code);
    const char *mname = json_string_value(measure);
    node->measure = measure_find(mname);
    if (node->measure < 0)
        return fail(e, "factor '%s': rule refers to unknown measure '%s'", code, mname);

    json_t *is = json_object_get(j, "is");
    measure_kind_t kind = MEASURES[node->measure].kind;
    if (kind != MK_NUMBER) {
        static const char *const IS_KEYS[] = {"group", "measure", "is", NULL};
        if (!only_keys(j, IS_KEYS, &bad))
            return fail(e, "factor '%s': measure '%s' takes only 'is', not '%s'", code, mname, bad);
        double want;
        if (kind == MK_BOOL && json_is_boolean(is))
            want = json_is_true(is) ? 1 : 0;
        else if (kind == MK_LAB && json_is_string(is) && strcmp(json_string_value(is), "positive") == 0)
            want = 1;
        else if (kind == MK_LAB && json_is_string(is) && strcmp(json_string_value(is), "negative") == 0)
            want = 0;
        else
            return fail(e, "factor '%s': measure '%s' needs \"is\": %s", code, mname,
                        kind == MK_BOOL ? "true or false" : "\"positive\" or \"negative\"");
        node->has_min = node->has_max = node->min_incl = node->max_incl = true;
        node->min = node->max = want;
        return 0;
    }

    if (is)
        return fail(e, "factor '%s': measure '%s' is a number: use min/max, not 'is'", code, mname);
    json_t *min = json_object_get(j, "min"), *max = json_object_get(j, "max");
    json_t *min_incl = json_object_get(j, "min_inclusive"), *max_incl = json_object_get(j, "max_inclusive");
    json_t *scale = json_object_get(j, "scale_by");
    if (!min && !max)
        return fail(e, "factor '%s': rule on '%s' needs 'min' or 'max'", code, mname);
    if ((min && !json_is_number(min)) || (max && !json_is_number(max)))
        return fail(e, "factor '%s': 'min' and 'max' must be numbers", code);
    if ((min_incl && (!min || !json_is_boolean(min_incl))) || (max_incl && (!max || !json_is_boolean(max_incl))))
        return fail(e, "factor '%s': '*_inclusive' must be a boolean beside its bound", code);
    node->has_min = min != NULL;
    node->has_max = max != NULL;
    node->min = min ? json_number_value(min) : 0;
    node->max = max ? json_number_value(max) : 0;
    node->min_incl = min_incl ? json_is_true(min_incl) : true;
    node->max_incl = max_incl ? json_is_true(max_incl) : true;
    if (node->has_min && node->has_max && node->min > node->max)
        return fail(e, "factor '%s': 'min' is above 'max'", code);
    if (scale) {
        const char *sname = json_is_string(scale) ? json_string_value(scale) : "";
        node->scale_by = measure_find(sname);
        if (node->scale_by < 0 || MEASURES[node->scale_by].kind != MK_NUMBER)
            return fail(e, "factor '%s': 'scale_by' refers to unknown numeric measure '%s'", code, sname);
    }
    return 0;
}

static char *dup_str(json_t *j) { return json_is_string(j) ? strdup(json_string_value(j)) : NULL; }

static bool nonempty_string(json_t *j) { return json_is_string(j) && json_string_length(j) > 0; }

static bool code_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63 || !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

static int load_row(risk_criteria_t *c, size_t i, json_t *f, const bool declared_colors[N_COLORS],
                    const char **groups, err_t *e)
{
    static const char *const KEYS[] = {"code", "color", "category", "text", "source", "mark", "note", "rule",
                                       NULL};
    const char *bad;
    if (!json_is_object(f))
        return fail(e, "factors[%zu]: not an object", i);
    json_t *code = json_object_get(f, "code");
    if (!nonempty_string(code) || !code_ok(json_string_value(code)))
        return fail(e, "factors[%zu]: 'code' must be lower-case ASCII snake_case (a-z, 0-9, _)", i);
    const char *cs = json_string_value(code);
    if (find_index(c, cs) >= 0)
        return fail(e, "factors[%zu]: duplicate code '%s'", i, cs);
    if (!only_keys(f, KEYS, &bad))
        return fail(e, "factor '%s': unknown key '%s'", cs, bad);

    json_t *color = json_object_get(f, "color");
    risk_color_t col;
    if (!json_is_string(color) || risk_color_parse(json_string_value(color), &col) < 0)
        return fail(e, "factor '%s': unknown colour '%s'", cs, json_is_string(color) ? json_string_value(color) : "");
    if (!declared_colors[col])
        return fail(e, "factor '%s': colour '%s' is not listed in 'colors'", cs, COLOR_NAMES[col]);
    static const char *const TEXTS[] = {"category", "text", "source"};
    for (size_t k = 0; k < 3; k++)
        if (!nonempty_string(json_object_get(f, TEXTS[k])))
            return fail(e, "factor '%s': '%s' must be a non-empty string", cs, TEXTS[k]);
    json_t *mark = json_object_get(f, "mark");
    if (!json_is_string(mark) || (strcmp(json_string_value(mark), "S") && strcmp(json_string_value(mark), "U")))
        return fail(e, "factor '%s': 'mark' must be \"S\" or \"U\"", cs);
    json_t *note = json_object_get(f, "note");
    if (note && !json_is_string(note))
        return fail(e, "factor '%s': 'note' must be a string", cs);

    row_t *r = &c->rows[i];
    risk_factor_def_t *d = &c->defs[i];
    json_t *rule = json_object_get(f, "rule");
    r->group = (int)i;
    if (rule) {
        r->has_rule = true;
        if (compile(rule, &r->rule, 0, cs, e) < 0)
            return -1; /* risk_criteria_free() frees the partial tree */
        json_t *g = json_object_get(rule, "group");
        if (g && !nonempty_string(g))
            return fail(e, "factor '%s': rule 'group' must be a non-empty string", cs);
        groups[i] = g ? json_string_value(g) : NULL;
        for (size_t k = 0; g && k < i; k++) {
            if (groups[k] && strcmp(groups[k], groups[i]) == 0) {
                r->group = c->rows[k].group;
                break;
            }
        }
    }
    r->code = dup_str(code);
    r->category = dup_str(json_object_get(f, "category"));
    r->text = dup_str(json_object_get(f, "text"));
    r->source = dup_str(json_object_get(f, "source"));
    r->mark = dup_str(mark);
    r->note = note ? dup_str(note) : NULL;
    if (!r->code || !r->category || !r->text || !r->source || !r->mark || (note && !r->note))
        return fail(e, "out of memory");
    *d = (risk_factor_def_t){.code = r->code,
                             .category = r->category,
                             .text = r->text,
                             .source = r->source,
                             .mark = r->mark,
                             .note = r->note,
                             .color = col,
                             .derivable = r->has_rule};
    return 0;
}

static int load_colors(json_t *colors, bool declared[N_COLORS], err_t *e)
{
    if (!json_is_array(colors) || json_array_size(colors) == 0)
        return fail(e, "'colors' must be a non-empty array");
    size_t i;
    json_t *entry;
    json_array_foreach(colors, i, entry)
    {
        json_t *name = json_object_get(entry, "color");
        risk_color_t col;
        if (!json_is_string(name) || risk_color_parse(json_string_value(name), &col) < 0)
            return fail(e, "colors[%zu]: unknown colour '%s'", i, json_is_string(name) ? json_string_value(name) : "");
        if (declared[col])
            return fail(e, "colors[%zu]: colour '%s' listed twice", i, COLOR_NAMES[col]);
        if (!nonempty_string(json_object_get(entry, "label")))
            return fail(e, "colors[%zu]: 'label' must be a non-empty string", i);
        declared[col] = true;
    }
    return 0;
}

static int load_root(json_t *root, risk_criteria_t *c, err_t *e)
{
    if (!json_is_object(root))
        return fail(e, "the top level must be an object");
    static const char *const META[] = {"version", "title", "source", "effective"};
    for (size_t m = 0; m < 4; m++)
        if (!nonempty_string(json_object_get(root, META[m])))
            return fail(e, "'%s' must be a non-empty string", META[m]);
    json_t *notes = json_object_get(root, "notes");
    size_t k;
    json_t *note;
    if (notes && !json_is_array(notes))
        return fail(e, "'notes' must be an array of strings");
    json_array_foreach(notes, k, note)
    {
        if (!json_is_string(note))
            return fail(e, "notes[%zu]: not a string", k);
    }

    bool declared_colors[N_COLORS] = {false};
    if (load_colors(json_object_get(root, "colors"), declared_colors, e) < 0)
        return -1;

    json_t *factors = json_object_get(root, "factors");
    if (!json_is_array(factors) || json_array_size(factors) == 0)
        return fail(e, "'factors' must be a non-empty array");
    size_t n = json_array_size(factors);
    if (n > RISK_MAX_FACTORS)
        return fail(e, "%zu factors: more than the %d a grading can hold", n, RISK_MAX_FACTORS);

    c->version = dup_str(json_object_get(root, "version"));
    c->title = dup_str(json_object_get(root, "title"));
    c->source = dup_str(json_object_get(root, "source"));
    c->effective = dup_str(json_object_get(root, "effective"));
    c->rows = calloc(n, sizeof *c->rows);
    c->defs = calloc(n, sizeof *c->defs);
    if (!c->version || !c->title || !c->source || !c->effective || !c->rows || !c->defs)
        return fail(e, "out of memory");

    const char *groups[RISK_MAX_FACTORS] = {NULL};
    for (size_t i = 0; i < n; i++) {
        /* Count the row before filling it: risk_criteria_free() then frees
         * whatever a failing row had built, and find_index() sees only rows
         * with their code set. */
        c->n = i;
        int rc = load_row(c, i, json_array_get(factors, i), declared_colors, groups, e);
        c->n = i + 1;
        if (rc < 0)
            return -1;
    }
    return 0;
}

int risk_criteria_load(const char *path, risk_criteria_t **out, char *errbuf, size_t errlen)
{
    err_t e = {errbuf, errlen};
    if (errbuf && errlen)
        errbuf[0] = '\0';
    if (!path || !out)
        return fail(&e, "no path or no output");
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return fail(&e, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
    risk_criteria_t *c = calloc(1, sizeof *c);
    int rc = c ? load_root(root, c, &e) : fail(&e, "out of memory");
    json_decref(root);
    if (rc < 0) {
        risk_criteria_free(c);
        return -1;
    }
    *out = c;
    return 0;
}

/* ---------------------------------------------------------------- grading */

void risk_input_init(risk_input_t *in)
{
    if (!in)
        return;
    *in = (risk_input_t){0};
    in->ga_days = -1;
    in->height_cm = in->weight_kg = in->hb_g_l = in->plt_10e9_l = NAN;
    in->creatinine_umol_l = in->creatinine_uln_umol_l = NAN;
    in->spo2_percent = in->ef_percent = in->pasp_mmhg = NAN;
    in->fasting_glucose_mmol_l = in->sbp = in->dbp = in->epds_score = NAN;
    in->fetuses = in->previous_caesareans = in->other_uterine_operations = in->previous_miscarriages = -1;
    in->hiv = in->syphilis = in->hbsag = RISK_LAB_UNKNOWN;
}

enum { F_DERIVED = 1, F_DECLARED = 2 };

int risk_grade(const risk_criteria_t *c, const risk_input_t *in, risk_result_t *out)
{
    if (!c || !in || !out)
        return -1;
    out->color = RISK_GREEN;
    out->purple = false;
    out->n = 0;

    double v[M_COUNT];
    measure_values(in, v);

    unsigned char flags[RISK_MAX_FACTORS] = {0};
    /* Highest colour derived in each group; groups are numbered by row. */
    int top[RISK_MAX_FACTORS];
    for (size_t i = 0; i < c->n; i++)
        top[i] = -1;

    for (size_t i = 0; i < c->n; i++) {
        const row_t *r = &c->rows[i];
        if (r->has_rule && eval(&r->rule, v)) {
            flags[i] |= F_DERIVED;
            int col = (int)c->defs[i].color;
            if (c->defs[i].color != RISK_PURPLE && col > top[r->group])
                top[r->group] = col;
        }
    }
    for (size_t k = 0; in->declared && k < in->n_declared; k++) {
        long i = find_index(c, in->declared[k]);
        if (i >= 0)
            flags[i] |= F_DECLARED;
    }

    static const risk_color_t ORDER[] = {RISK_RED, RISK_ORANGE, RISK_YELLOW, RISK_GREEN, RISK_PURPLE};
    for (size_t o = 0; o < sizeof ORDER / sizeof ORDER[0]; o++) {
        for (size_t i = 0; i < c->n; i++) {
            const risk_factor_def_t *d = &c->defs[i];
            if (d->color != ORDER[o] || !flags[i])
                continue;
            if (flags[i] == F_DERIVED && d->color != RISK_PURPLE && (int)d->color < top[c->rows[i].group])
                continue;
            out->factors[out->n++] =
                (risk_match_t){.def = d, .derived = flags[i] & F_DERIVED, .declared = flags[i] & F_DECLARED};
            if (d->color == RISK_PURPLE)
                out->purple = true;
            else if (d->color > out->color)
                out->color = d->color;
        }
    }
    return 0;
}
