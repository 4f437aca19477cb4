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

typedef struct {
    const char *id, *name, *name_en, *unit, *mark, *source, *note;
    ind_measure_t numerator, denominator;
    double multiplier;
} ind_def_t;

typedef struct ind_set ind_set_t;
int ind_load(const char *path, ind_set_t **out, char *err, size_t errlen);
void ind_free(ind_set_t *s);
const char *ind_version(const ind_set_t *s);
size_t ind_count(const ind_set_t *s);
const ind_def_t *ind_at(const ind_set_t *s, size_t i);

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

#endif
