/* The annual MCH report indicators (domain.md §12) as data: each indicator
 * of data/indicators.json names a numerator and a denominator measure, a
 * multiplier and a unit; the store counts the measures (store.h
 * store_indicator_counts), this module turns counts into rates, marks small
 * cells and knows the report year. Loading is the only I/O. */
#ifndef FY_DOMAIN_INDICATORS_H
#define FY_DOMAIN_INDICATORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/date.h"

/* Every countable measure. Their definitions (which records, which date)
 * are written in data/indicators.json "measures" and implemented in
 * store/sqlite_indicators.c. */
#define IND_MEASURES(X)                                                                                            \
    X(women_delivered)                                                                                             \
    X(live_births)                                                                                                 \
    X(stillbirths_28w)                                                                                             \
    X(perinatal_deaths)                                                                                            \
    X(perinatal_births)                                                                                            \
    X(maternal_deaths)                                                                                             \
    X(infant_deaths)                                                                                               \
    X(neonatal_deaths)                                                                                             \
    X(early_neonatal_deaths)                                                                                       \
    X(under5_deaths)                                                                                               \
    X(early_registered)                                                                                            \
    X(antenatal_checked)                                                                                           \
    X(early_checked)                                                                                               \
    X(system_managed)                                                                                              \
    X(postpartum_visited_28d)                                                                                      \
    X(hospital_live_births)                                                                                        \
    X(caesarean_live_births)                                                                                       \
    X(caesareans)                                                                                                  \
    X(caesareans_no_indication)                                                                                    \
    X(vaginal_deliveries)                                                                                          \
    X(vaginal_epidural)                                                                                            \
    X(high_risk_women)                                                                                             \
    X(high_risk_managed)                                                                                           \
    X(prenatal_screened)                                                                                           \
    X(hiv_syphilis_tested)                                                                                         \
    X(metabolic_screened)                                                                                          \
    X(hearing_screened)                                                                                            \
    X(newborn_visited_28d)                                                                                         \
    X(low_birth_weight)                                                                                            \
    X(preterm_births)                                                                                              \
    X(children_under3)                                                                                             \
    X(children_under3_managed)                                                                                     \
    X(children_under7)                                                                                             \
    X(children_under7_checked)                                                                                     \
    X(children_under5_measured)                                                                                    \
    X(children_under5_underweight)                                                                                 \
    X(children_under5_stunting)                                                                                    \
    X(children_under5_wasting)                                                                                     \
    X(children_under5_overweight)                                                                                  \
    X(children_under5_obesity)                                                                                     \
    X(premarital_exams)                                                                                            \
    X(marriage_registrations)

typedef enum {
#define IND_ENUM(name) IM_##name,
    IND_MEASURES(IND_ENUM)
#undef IND_ENUM
        IND_MEASURE_COUNT
} ind_measure_t;

const char *ind_measure_name(ind_measure_t m);
int ind_measure_parse(const char *name); /* -1 when unknown */

typedef enum {
    IND_GROUP_NONE = 0,
    IND_GROUP_DISTRICT,          /* residence district */
    IND_GROUP_DELIVERY_DISTRICT, /* district of the delivering institution */
    IND_GROUP_MONTH,             /* "YYYY-MM" */
    IND_GROUP_INSTITUTION,       /* delivering institution */
    IND_GROUP_DISTRICT_MONTH,    /* "310101|2026-01" */
} ind_group_t;
const char *ind_group_name(ind_group_t g);
int ind_group_parse(const char *s); /* -1 when unknown */

/* Month groupings split the period into calendar months; the others keep
 * it whole. */
bool ind_group_by_month(ind_group_t g);

/* Measures that do not add up over the months of a period: the child
 * health measures count children at the end of a period (or each child
 * once in it), so a month's cell is that month on its own and the period's
 * value is not the sum of its months. Store rows of a month grouping carry
 * the period's values of these under the key IND_PERIOD_KEY. Every measure
 * adds up over districts and institutions. */
bool ind_measure_by_period(ind_measure_t m);
#define IND_PERIOD_KEY "*"

/* Whether the platform collects the records a measure counts (prenatal
 * screening results, premarital exams and marriage registrations are not
 * collected yet). */
bool ind_measure_collected(ind_measure_t m);

/* "YYYY-MM" of a date (8 bytes with NUL). */
void ind_month_key(fy_date_t d, char out[8]);

typedef struct {
    const char *id, *name, *name_en, *unit, *mark, *source, *note;
    ind_measure_t numerator, denominator;
    double multiplier;
} ind_def_t;

/* A median indicator (data/indicators.json "medians"): the median minutes
 * of referrals of `kind` and `type` from the first request to acceptance
 * and to arrival, by the percentile of domain/rescue.h. */
typedef struct {
    const char *id, *name, *name_en, *unit, *mark, *source, *note;
    const char *kind, *type; /* referrals.kind, referrals.type */
} ind_median_def_t;

typedef struct ind_set ind_set_t;
int ind_load(const char *path, ind_set_t **out, char *err, size_t errlen);
void ind_free(ind_set_t *s);
const char *ind_version(const ind_set_t *s);
size_t ind_count(const ind_set_t *s);
const ind_def_t *ind_at(const ind_set_t *s, size_t i);
size_t ind_median_count(const ind_set_t *s);
const ind_median_def_t *ind_median_at(const ind_set_t *s, size_t i);

/* The report year Y runs from 1 October of Y−1 to 30 September of Y. */
void ind_report_year(int year, fy_date_t *from, fy_date_t *to);
/* The report year a date belongs to. */
int ind_year_of(fy_date_t d);

/* Cells with a numerator under this are "small" (privacy). */
#define IND_SMALL_CELL 5

typedef struct {
    int64_t numerator, denominator;
    double value; /* NaN when the denominator is 0 or a measure is not collected */
    bool small, collected;
} ind_value_t;
ind_value_t ind_compute(const ind_def_t *d, const int64_t *counts, const bool *has);

/* A median over n minutes (sorted in place; rescue_percentile p = 0.5);
 * NaN when n is 0; small when n < IND_SMALL_CELL. */
typedef struct {
    size_t n;
    double median;
    bool small;
} ind_median_t;
ind_median_t ind_median(double *minutes, size_t n);

/* ---- ages ------------------------------------------------------------------
 * Age in completed years is fy_age_years (a birthday on 29 February falls on
 * 1 March in other years). */

/* The latest birth date whose age on `on` is `years` or more: a child is
 * under `years` on `on` exactly when born after it. */
fy_date_t ind_last_birth_aged(fy_date_t on, int years);

/* The latest birth date b with fy_date_add_months(b, months) <= x: the
 * anchor of a contact `months` after birth falls on or before x exactly
 * when the birth is on or before it. */
fy_date_t ind_last_birth_anchored(fy_date_t x, int months);

/* Deaths of live-born children by age at death: under 7 days and under 28
 * days from the time of birth (7 × 24 h, 28 × 24 h: the 168 hours of
 * rescue_child_death_check), under 1 and under 5 years in completed years
 * from the birth date to the Shanghai date of death. A death before the
 * birth has no age (0). */
enum { IND_DIED_U7D = 1, IND_DIED_U28D = 2, IND_DIED_U1Y = 4, IND_DIED_U5Y = 8 };
unsigned ind_death_ages(int64_t born_at_ms, fy_date_t birth_date, int64_t died_ms);

/* ---- 3岁以下儿童系统管理 (4-2-2) -------------------------------------------------
 * The eight contacts of the 4-2-2 rule: 3, 6, 8 and 12 months (4 in the
 * first year), 18 and 24 (2 in the second), 30 and 36 months (2 in the
 * third): windows 3–10 of data/schedules/child-national.json, each closing
 * `to_days` after its anchor (birth + age_months calendar months). */
typedef struct {
    int seq, age_months, to_days;
} ind_contact_t;
#define IND_422_CONTACTS 8
extern const ind_contact_t ind_422[IND_422_CONTACTS];

/* The contacts due by `end`: bit (1 << seq) for each window that closed on
 * or before `end`. */
unsigned ind_422_due(fy_date_t birth, fy_date_t end);

/* A child under 3 at `end` is in system management when it had at least one
 * check on or before `end` and every 4-2-2 window due by then was filled by
 * a check (`filled`: bit 1 << window_seq of its checks). */
bool ind_422_managed(fy_date_t birth, fy_date_t end, unsigned filled, bool checked_by_end);

#endif
