/* Pregnancy arithmetic and the antenatal visit's measurements: EDD by
 * Naegele's rule, gestational age as W+D, early registration, trimesters
 * and term, the plausible range of every measurement, and how the current
 * findings of a pregnancy (latest value of each measure) feed the risk
 * grading. Pure; api/ and jobs/ call it. Rules of domain.md §3 and §5. */
#ifndef FY_DOMAIN_PREGNANCY_H
#define FY_DOMAIN_PREGNANCY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/date.h"
#include "domain/risk.h"

#define PREG_TERM_DAYS 280            /* Naegele: EDD = LMP + 280 days */
#define PREG_EARLY_LIMIT_DAYS (13 * 7) /* registered before 13+0 weeks */
#define PREG_SMALL_CARD_LAST_DAYS (12 * 7 + 6) /* last day for the small card: LMP + 12w6d */
#define PREG_MAX_LMP_AGE_DAYS (44 * 7) /* an LMP more than 44 weeks ago is refused */
#define PREG_MISCARRIAGE_LIMIT_DAYS (28 * 7) /* before 28+0 a loss is a miscarriage, not a birth */

fy_date_t preg_edd(fy_date_t lmp);
/* The LMP equivalent of an ultrasound EDD (so that GA follows the scan). */
fy_date_t preg_lmp_from_edd(fy_date_t edd);
int preg_ga_days(fy_date_t lmp, fy_date_t on);
/* "12+3" into out (>= 12 bytes). */
void preg_ga_text(int ga_days, char *out, size_t cap);
bool preg_is_early_registration(int ga_days_at_registration);
/* "early" (< 13+0), "middle" (13+0 … 27+6), "late" (>= 28+0). */
const char *preg_trimester(int ga_days);
/* "preterm" (28+0 … 36+6), "term" (37+0 … 41+6), "post_term" (>= 42+0),
 * "before_28" (< 28+0). */
const char *preg_term_class(int ga_days);

/* Numeric measurements of an antenatal visit; their names are the request
 * fields (and the store's columns). */
typedef enum {
    ANC_WEIGHT_KG,
    ANC_SBP,
    ANC_DBP,
    ANC_FUNDAL_HEIGHT,
    ANC_ABDOMINAL_CIRCUMFERENCE,
    ANC_FETAL_HEART_RATE,
    ANC_HB,
    ANC_PLT,
    ANC_CREATININE,
    ANC_CREATININE_ULN,
    ANC_SPO2,
    ANC_EF,
    ANC_PASP,
    ANC_FASTING_GLUCOSE,
    ANC_N_MEASURES
} anc_measure_t;

typedef struct {
    const char *field; /* "hb_g_l" */
    const char *label; /* "血红蛋白" */
    const char *unit;  /* "g/L" */
    double min, max;   /* plausible range, inclusive */
    bool lab;          /* a laboratory value (may come alone through /labs) */
} anc_measure_def_t;

extern const anc_measure_def_t anc_measures[ANC_N_MEASURES];

/* Lab results with two values. */
typedef enum { ANC_LAB_HIV, ANC_LAB_SYPHILIS, ANC_LAB_HBSAG, ANC_N_LABS } anc_lab_t;
extern const char *const anc_lab_fields[ANC_N_LABS]; /* "hiv", "syphilis", "hbsag" */

/* What the grading needs from a pregnancy and its visits. */
typedef struct {
    fy_date_t birth_date;
    bool has_birth_date;
    fy_date_t lmp;
    double height_cm, weight_kg; /* at registration: BMI is pre-pregnancy/booking BMI */
    int fetuses, previous_caesareans, other_uterine_operations, previous_miscarriages;
    bool assisted_reproduction;
    fy_date_t last_uterine_surgery_date;
    bool has_last_uterine_surgery;
    /* the latest value of each measure over all visits and lab results (NaN when never measured) */
    double latest[ANC_N_MEASURES];
    risk_lab_t labs[ANC_N_LABS];
    bool postpartum;
    double epds_score;
    const char *const *declared;
    size_t n_declared;
} preg_findings_t;

void preg_findings_init(preg_findings_t *f);
/* Builds the risk input for grading on a date. */
void preg_risk_input(const preg_findings_t *f, fy_date_t on, risk_input_t *in);


/* Postpartum tasks a delivery creates at the community health centre of her
 * residence: days after delivery, inclusive. National rule: a home visit
 * within 7 days of discharge; Shanghai adds a second one; the 42-day check
 * [S]. The day windows are this system's reading [U]: discharge about 3 days
 * after delivery; the second visit around day 28; the check from day 42. */
typedef struct {
    const char *kind;  /* home_visit_1 | home_visit_2 | day42 */
    const char *visit; /* the postpartum visit kind that completes it */
    const char *name;  /* Chinese */
    int from_day, to_day;
} preg_pp_task_def_t;
#define PREG_PP_TASKS 3
extern const preg_pp_task_def_t preg_pp_tasks[PREG_PP_TASKS];

/* A child's name on the birth certificate: 1–15 Chinese characters from the
 * standard list's blocks (no Latin letters, digits, pinyin or spaces); "·"
 * is allowed between parts of a minority name. Returns false with a reason
 * ("中文 (English)"). */
bool preg_child_name_ok(const char *name, const char **why);

#endif
