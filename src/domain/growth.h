/* WHO growth z-scores for the child-health checks (§10 of docs/domain.md).
 *
 * Pure arithmetic over the WHO LMS tables in data/who-growth/: the Child
 * Growth Standards (2006) for 0–5 years and the Growth Reference (2007) for
 * 5–19 years, computed the way WHO's own R packages anthro and anthroplus
 * do, so that a z-score here rounds to the same two decimals as theirs.
 * The check-recording code calls growth_compute once per measurement and
 * stores the result; the tables are loaded once at start-up and are then
 * read-only, so one growth_tables_t may be shared by every thread.
 *
 * Age bands (age in months = age_days / 30.4375, as WHO converts):
 *   < 60 months (days 0..1826): the 2006 standards, looked up by day:
 *     weight-for-age, length/height-for-age, weight-for-length (below 731
 *     days, 45–110 cm) or weight-for-height (from 731 days, 65–120 cm),
 *     BMI-for-age, head circumference-for-age.
 *   60 to < 229 months (days 1827..6970): the 2007 reference, interpolated
 *     between month rows: height-for-age, BMI-for-age, and weight-for-age
 *     below 121 months (day 3682). No head circumference, no weight-for-
 *     height. The length is used as given (anthroplus takes a standing
 *     height and has no position correction).
 *
 * The 0.7 cm rule (anthro): before 731 days a standing height gets +0.7 cm,
 * from 731 days a recumbent length gets −0.7 cm. A standing height before
 * 9 months is taken to be a mis-recorded length: no correction, and
 * position_implausible is set.
 *
 * Implausible flags and classifications are decided on the z-score rounded
 * to 2 decimals, as WHO decides them, so a z of −2.004 is not "< −2";
 * the z returned keeps full precision and callers round it for display. */
#ifndef FY_DOMAIN_GROWTH_H
#define FY_DOMAIN_GROWTH_H

#include <stdbool.h>

/* Last day scored with the 2006 standards (age in months < 60). */
#define GROWTH_LAST_DAY_WHO2006 1826
/* Last day scored at all (age in months < 229). */
#define GROWTH_MAX_AGE_DAYS 6970

typedef struct growth_tables growth_tables_t;

/* dir is normally "data/who-growth". Every table must be complete (both
 * sexes, every row of its range) or loading fails. Returns 0 or -1. */
int growth_load(const char *dir, growth_tables_t **out);
void growth_free(growth_tables_t *t);

typedef enum { GROWTH_RECUMBENT = 0, GROWTH_STANDING = 1 } growth_measured_t;

typedef enum { GROWTH_REF_WHO2006 = 0, GROWTH_REF_WHO2007 = 1 } growth_reference_t;

typedef struct {
    int sex;              /* 1 male, 2 female */
    int age_days;         /* from birth date to measurement date */
    double weight_kg;     /* NaN when not measured */
    double length_cm;     /* NaN when not measured */
    growth_measured_t measured;
    double head_cm;       /* NaN when not measured */
} growth_input_t;

typedef struct {
    bool present;      /* false: not measured, out of the table's range, or <= 0 */
    double z;          /* NaN when !present */
    bool implausible;  /* WHO's flag: see SOURCE.md */
} growth_z_t;

typedef struct {
    growth_reference_t reference;
    /* wflh: weight-for-length/height, 0–5 years only. bmi: BMI-for-age.
     * hcfa: 0–5 years only. wfa from 5 years: below 121 months only. */
    growth_z_t wfa, lhfa, wflh, bmi, hcfa;
    double bmi_value;          /* kg/m², from the corrected length; NaN if not computable */
    double length_used_cm;     /* after the 0.7 cm correction; NaN if no length */
    bool position_implausible; /* standing height recorded before 9 months */
    /* From plausible z-scores only; "overweight" includes "obesity".
     * 0–5 years: underweight WAZ < −2, stunting HAZ < −2, wasting WHZ < −2,
     *   overweight WHZ > +2, obesity WHZ > +3.
     * 5–19 years (WHO 2007 cut-offs): underweight WAZ < −2 (to 10 years),
     *   stunting HAZ < −2, wasting = thinness BAZ < −2, overweight BAZ > +1,
     *   obesity BAZ > +2. */
    bool underweight, stunting, wasting, overweight, obesity;
} growth_result_t;

/* Fills *out. Returns -1 (out cleared, nothing present) when t, in or out is
 * NULL, sex is not 1 or 2, measured is not a growth_measured_t, or age_days
 * is outside 0..GROWTH_MAX_AGE_DAYS; 0 otherwise, even when no z-score
 * could be computed. */
int growth_compute(const growth_tables_t *t, const growth_input_t *in, growth_result_t *out);

#endif
