/* Child health 0–6 (domain.md §10): the rules a child-health check is judged
 * by, apart from the WHO arithmetic itself (domain/growth.h) and the check
 * windows (domain/schedule.h with data/schedules/child-national.json).
 *
 *   - special case management (早产儿/低出生体重儿专案管理): preterm is a GA at
 *     birth below 37+0 weeks, low birth weight below 2500 g; such a child is
 *     enrolled from its birth record, nothing to declare;
 *   - corrected age: for a preterm child, growth is judged on
 *     age − (280 − GA at birth in days) while the chronological age is below
 *     731 days (24 months as WHO counts them, 730.5 days); from day 731 on
 *     the chronological age is used. A corrected age below 0 (a check before
 *     the term-equivalent date) is not scored against the WHO standards,
 *     which start at term birth;
 *   - anaemia: Hb < 110 g/L from 6 completed months to 59 completed months
 *     (WHO, children 6–59 months), graded mild 100–109, moderate 70–99,
 *     severe < 70;
 *   - the development warning signs (儿童心理行为发育问题预警征象筛查表), loaded
 *     from data/development/warning-signs.json: which age band a check
 *     answers, and that any positive item means a suspected deviation;
 *   - when a child counts as overdue for its checks (ch_overdue_slot);
 *   - visual acuity and the other alerts shown on the child.
 *
 * Pure: the only I/O is loading the warning-sign file. api/ and jobs/ call
 * it; a loaded table is read-only and may be shared between threads. */
#ifndef FY_DOMAIN_CHILD_HEALTH_H
#define FY_DOMAIN_CHILD_HEALTH_H

#include <stdbool.h>
#include <stddef.h>

#include "base/date.h"
#include "domain/schedule.h"

#define CH_TERM_GA_DAYS 280        /* 40+0 weeks: the reference for corrected age */
#define CH_PRETERM_GA_DAYS 259     /* preterm: GA at birth < 37+0 weeks */
#define CH_LBW_GRAMS 2500          /* low birth weight: < 2500 g */
#define CH_CORRECT_BEFORE_DAYS 731 /* corrected age while chronological age < 731 days */
#define CH_ANAEMIA_HB_G_L 110.0    /* anaemia: Hb < 110 g/L ... */
#define CH_ANAEMIA_FROM_MONTHS 6   /* ... from 6 completed months ... */
#define CH_ANAEMIA_TO_MONTHS 59    /* ... to 59 completed months (before the 5th birthday) */
#define CH_PROGRAM_END_MONTHS 84   /* the 0–6 programme ends on the 7th birthday */

bool ch_is_preterm(int ga_days);
bool ch_is_low_birth_weight(int weight_g);

/* The age a check's growth is judged on. */
typedef struct {
    int age_days;      /* chronological: check date − birth date */
    int age_used_days; /* what growth_compute gets; may be < 0 when corrected */
    bool corrected;    /* preterm and age_days < CH_CORRECT_BEFORE_DAYS */
    bool before_term;  /* corrected and age_used_days < 0: not scored */
} ch_age_t;

ch_age_t ch_growth_age(fy_date_t birth, fy_date_t on, int ga_days);

/* ---- anaemia ---- */

typedef enum {
    CH_HB_NOT_APPLICABLE = 0, /* no Hb, or the age is outside 6–59 months */
    CH_HB_NORMAL,
    CH_HB_MILD,     /* 100–109 g/L */
    CH_HB_MODERATE, /* 70–99 g/L */
    CH_HB_SEVERE,   /* < 70 g/L */
} ch_anaemia_t;

/* hb_g_l NaN: not measured. */
ch_anaemia_t ch_anaemia(fy_date_t birth, fy_date_t on, double hb_g_l);
const char *ch_anaemia_code(ch_anaemia_t a);  /* "none", "mild", ...; NULL when not applicable */
const char *ch_anaemia_label(ch_anaemia_t a); /* "轻度贫血 (mild anaemia)" ... */

/* ---- visual acuity ----
 * A number is read as a decimal acuity (小数视力, 0.01–2.0) or a five-point
 * record (五分记录, 3.0–5.3, decimal = 10^(L − 5)); anything else is not an
 * acuity. Reduced vision [U, 0–6岁儿童眼保健及视力检查服务规范 2021]: below
 * 0.5 at 3 years, 0.6 at 4 years, 0.8 from 5 years, or the two eyes two
 * lines or more apart; not judged before 3 years. Charts print rounded
 * decimals (4.9 is "0.8" though 10^-0.1 = 0.794), so "below" means half a
 * line (0.05 log units) or more below, and "two lines" 0.15 log units or
 * more. */
bool ch_vision_decimal(double v, double *decimal);
bool ch_vision_reduced(int age_months, double left_decimal, double right_decimal);

/* ---- development warning signs ---- */

typedef struct {
    const char *code; /* "m3_1" */
    const char *text; /* Chinese */
} ch_sign_t;

typedef struct {
    const char *band; /* "m3", ..., "y6" */
    const char *name; /* "3月龄" */
    int age_months;   /* equals the age_months of its schedule window */
    size_t n_items;
    const ch_sign_t *items;
} ch_band_t;

typedef struct ch_signs ch_signs_t;

/* Loads data/development/warning-signs.json: 0 or -1 with a Chinese message
 * in err (naming the broken field). Band codes and item codes are unique. */
int ch_signs_load(const char *path, ch_signs_t **out, char *err, size_t errlen);
void ch_signs_free(ch_signs_t *s);
const char *ch_signs_version(const ch_signs_t *s);
const char *ch_signs_name(const ch_signs_t *s);
const char *ch_signs_source(const ch_signs_t *s);
const char *ch_signs_rule(const ch_signs_t *s);
size_t ch_signs_count(const ch_signs_t *s);
const ch_band_t *ch_signs_at(const ch_signs_t *s, size_t i);
const ch_band_t *ch_signs_band(const ch_signs_t *s, const char *band);
/* The item with this code in any band (its band in *band), or NULL. */
const ch_sign_t *ch_signs_find(const ch_signs_t *s, const char *code, const ch_band_t **band);

/* The band a check on `on` answers, for a child born on `birth`:
 *   1. the band of the schedule window (age_months > 0) whose dates contain
 *      `on` — so a 3-month check done at 2 months 16 days answers m3;
 *   2. otherwise the band of the latest age the child has reached
 *      (birth + age_months calendar months <= on) — a check between two
 *      windows answers the band just passed;
 *   3. NULL before the first band (the newborn visit and 满月).
 * Chronological age, also for preterm children: the table is asked at the
 * scheduled checks. */
const ch_band_t *ch_band_for(const ch_signs_t *signs, const schedule_t *sched, fy_date_t birth, fy_date_t on);

/* ---- overdue ----
 * A child is overdue when the latest window whose grace has run out
 * (slot.overdue_from <= today) was not filled and no check has been made
 * since that window opened (a late check catches up). A window missed long
 * ago and followed by checks does not keep a child on the work list. Not
 * overdue from the 7th birthday (`end`, exclusive) on. Returns the slot
 * index or -1. */
int ch_overdue_slot(const schedule_slot_t *slots, size_t n, const fy_date_t *checks, size_t n_checks, fy_date_t today,
                    fy_date_t end);

/* ---- alerts on the child ----
 * Each family of alerts is decided by the latest check (by date, then by
 * position in the array) that measured it: anaemia by the latest Hb,
 * underweight by the latest weight-for-age, stunting by the latest
 * length-for-age, wasting/overweight/obesity by the latest weight-for-
 * length/height (BMI-for-age from 5 years), vision, caries and hearing by
 * their latest values. Obesity also raises overweight (WHO: overweight
 * > +2 includes obesity > +3). A later normal measurement clears it. */
typedef enum {
    CH_ALERT_ANAEMIA = 0,
    CH_ALERT_UNDERWEIGHT,
    CH_ALERT_STUNTING,
    CH_ALERT_WASTING,
    CH_ALERT_OVERWEIGHT,
    CH_ALERT_OBESITY,
    CH_ALERT_VISION,
    CH_ALERT_CARIES,
    CH_ALERT_HEARING,
    CH_ALERT_DEVELOPMENT,
    CH_ALERT_COUNT
} ch_alert_t;

const char *ch_alert_code(ch_alert_t a);  /* "anaemia", "wasting", ... */
const char *ch_alert_label(ch_alert_t a); /* "贫血 (anaemia)", ... */

typedef struct {
    fy_date_t date;
    double hb_g_l;                  /* NaN: not measured */
    bool has_wfa, has_lhfa, has_wh; /* the deciding z-score was present and plausible */
    bool underweight, stunting, wasting, overweight, obesity;
    double vision_left, vision_right; /* decimal acuity; NaN: not measured */
    int caries;                       /* -1: not examined */
    int hearing;                      /* -1 not tested, 0 pass, 1 refer */
    bool has_signs;                   /* warning signs were asked */
    bool signs_positive;
} ch_check_facts_t;

/* Sets decided_by[a] to the index of the check that raises alert a, or -1.
 * Returns the number of alerts raised. The development alert is raised by
 * the latest check that asked the warning signs; callers that track
 * referrals may override it. */
int ch_alerts(const ch_check_facts_t *checks, size_t n, fy_date_t birth, int decided_by[CH_ALERT_COUNT]);

/* R's round(x, 2) as WHO's packages apply it (nearer neighbour, ties to
 * even); what replies show and what classifications are decided on. */
double ch_round2(double x);

#endif
