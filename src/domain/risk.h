/* Pregnancy risk grading: the five colours of 国卫办妇幼发〔2017〕35号.
 *
 * The grading table is data (data/risk/criteria-<version>.json), not code:
 * regions and years change it. risk_criteria_load() reads and checks one
 * table; risk_grade() applies it to one woman's findings and says which
 * factors matched and the colour they give. Factors with a `rule` in the
 * table are derived from structured data (age, BMI, labs, counts...); the
 * rest are diagnoses a clinician declares by code.
 *
 * Callers: api/ (first grading, re-grading at each visit or lab result,
 * postpartum), jobs/ and the demo generator. Load the table once at start
 * and share it: a loaded table is read-only, so any number of threads may
 * grade against it. Grading is a pure function: no I/O, no allocation.
 * See docs/domain.md §5. */
#ifndef FY_DOMAIN_RISK_H
#define FY_DOMAIN_RISK_H

#include <stdbool.h>
#include <stddef.h>

#include "base/date.h"

/* Ordered so that a larger value is a higher risk, green..red. Purple is not
 * on that ladder: it is a flag that stands beside any other colour. */
typedef enum { RISK_GREEN = 0, RISK_YELLOW, RISK_ORANGE, RISK_RED, RISK_PURPLE } risk_color_t;

/* "green", "yellow", "orange", "red", "purple"; "invalid" for anything else. */
const char *risk_color_name(risk_color_t c);
/* "绿色 低风险", "黄色 一般风险", "橙色 较高风险", "红色 高风险",
 * "紫色 传染病"; "无效" for anything else. */
const char *risk_color_label_zh(risk_color_t c);
/* The inverse of risk_color_name(). Returns 0, or -1 if name is not one. */
int risk_color_parse(const char *name, risk_color_t *out);

/* One row of the table. Strings are owned by the table and live until
 * risk_criteria_free(). `source` is the clause ("国卫办妇幼发〔2017〕35号
 * 附件2 橙色 2.6.1") for the UI to say why; `mark` is "S" (seen in a
 * published source) or "U" (unverified); `note` explains edges and choices,
 * or is NULL. `derivable` is true when the row has a rule. */
typedef struct {
    const char *code, *category, *text, *source, *mark, *note;
    risk_color_t color;
    bool derivable;
} risk_factor_def_t;

/* Upper bound on a table's rows. The loader rejects a larger table, so every
 * match of a grading fits in risk_result_t without truncation. */
#define RISK_MAX_FACTORS 256

typedef struct risk_criteria risk_criteria_t;

/* Reads and checks a table. Rejects (returns -1, *out untouched, a message
 * naming the factor and the problem in errbuf) a file that is not JSON, lacks
 * a field, has a duplicate code, an unknown colour, a mark other than S/U, a
 * rule naming an unknown measure or with a malformed condition, or more than
 * RISK_MAX_FACTORS rows. Returns 0 and a table to free with
 * risk_criteria_free(). errbuf may be NULL. */
int risk_criteria_load(const char *path, risk_criteria_t **out, char *errbuf, size_t errlen);
void risk_criteria_free(risk_criteria_t *c); /* NULL is fine */

const char *risk_criteria_version(const risk_criteria_t *c);   /* "2017" */
const char *risk_criteria_effective(const risk_criteria_t *c); /* as in the file */
size_t risk_criteria_count(const risk_criteria_t *c);
/* Rows in file order; NULL when i >= count. */
const risk_factor_def_t *risk_criteria_at(const risk_criteria_t *c, size_t i);
/* NULL if the code is unknown: use it to reject a declared code before
 * grading. */
const risk_factor_def_t *risk_criteria_find(const risk_criteria_t *c, const char *code);

typedef enum { RISK_LAB_UNKNOWN = 0, RISK_LAB_NEGATIVE, RISK_LAB_POSITIVE } risk_lab_t;

/* One woman's findings at one date. Unknown is NAN for a number, -1 for a
 * count, RISK_LAB_UNKNOWN for a lab, has_* = false for a date; an unknown
 * value never matches a rule, so a factor is derived only when the data prove
 * it. A negative or non-finite number counts as unknown too (no real
 * measurement is negative, and it keeps a stray -1 from grading red).
 * Derived values:
 *   age      completed years from birth_date to on_date;
 *   BMI      weight_kg / (height_cm/100)², rounded to 0.1 before comparing,
 *            as the table's edges (25.0, 18.5, 28.0) are written to 0.1;
 *   uterine operations = previous_caesareans + other_uterine_operations, an
 *            unknown part counting as 0 (a known part already reaching "≥ 2"
 *            is enough), unknown only when both are;
 *   months since the last uterine surgery: completed months to on_date. */
typedef struct {
    fy_date_t birth_date;
    bool has_birth_date;
    fy_date_t on_date; /* the date graded: always set it */
    int ga_days;       /* gestational age at on_date, -1 unknown */
    bool postpartum;   /* on_date is after delivery (postpartum re-grading) */
    double height_cm, weight_kg;
    double hb_g_l, plt_10e9_l;
    double creatinine_umol_l, creatinine_uln_umol_l; /* ULN: the lab's upper normal */
    double spo2_percent, ef_percent, pasp_mmhg;       /* pasp: pulmonary artery systolic */
    double fasting_glucose_mmol_l;
    double sbp, dbp; /* mmHg */
    double epds_score;
    int fetuses, previous_caesareans, other_uterine_operations, previous_miscarriages;
    fy_date_t last_uterine_surgery_date;
    bool has_last_uterine_surgery;
    bool assisted_reproduction;
    risk_lab_t hiv, syphilis, hbsag;
    /* Codes a clinician declared, already checked with risk_criteria_find();
     * an unknown or NULL code is skipped, a repeated one counts once. */
    const char *const *declared;
    size_t n_declared;
} risk_input_t;

/* Everything unknown, nothing declared, not postpartum, on_date 0. */
void risk_input_init(risk_input_t *in);

/* `derived`: the row's rule matched the data. `declared`: a clinician sent
 * its code. Both may be true (a declared code that is also derivable is
 * accepted as declared and listed once). */
typedef struct {
    const risk_factor_def_t *def;
    bool derived, declared;
} risk_match_t;

/* `color` is the highest matched colour on green..red (green when nothing
 * matched), never RISK_PURPLE; `purple` is set when any purple row matched.
 * factors[] lists the matches red first, then orange, yellow, green, purple,
 * each colour in table order. Among rows derived in the same rule group
 * (e.g. the three Hb rows) only those of the highest colour are listed, so
 * Hb 35 lists only the red Hb row; declared rows are always listed. */
typedef struct {
    risk_color_t color;
    bool purple;
    size_t n;
    risk_match_t factors[RISK_MAX_FACTORS];
} risk_result_t;

/* Grades `in` against `c` into `out`. Returns 0, or -1 if an argument is
 * NULL. Pure: reads only its arguments, writes only *out. */
int risk_grade(const risk_criteria_t *c, const risk_input_t *in, risk_result_t *out);

#endif
