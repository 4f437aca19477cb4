/* WHO growth z-scores; see growth.h. The arithmetic mirrors WHO's R packages
 * anthro (0–5 years) and anthroplus (5–19 years) operation for operation, so
 * that doubles agree with theirs and round to the same two decimals. */
#include "domain/growth.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* WHO converts days to months with the mean month length. */
#define DAYS_PER_MONTH 30.4375

typedef struct {
    double l, m, s;
} lms_t;

/* One LMS table: rows for keys first..last for each sex, where the key is
 * the x column times scale (scale 10 turns 0.1-cm lengths into integers). */
typedef struct {
    const char *file;
    int scale;
    int first, last;
    lms_t *rows; /* [2][last - first + 1], sex 1 first */
} table_t;

enum { T_WFA, T_LHFA, T_BMI, T_HCFA, T_WFL, T_WFH, T_HFA07, T_BFA07, T_WFA07, T_COUNT };

struct growth_tables {
    table_t t[T_COUNT];
};

/* The ranges are those SOURCE.md documents; a file that does not cover its
 * range exactly is refused rather than scored from partly. */
static const table_t table_specs[T_COUNT] = {
    [T_WFA] = {"weianthro.txt", 1, 0, 1826, NULL},
    [T_LHFA] = {"lenanthro.txt", 1, 0, 1826, NULL},
    [T_BMI] = {"bmianthro.txt", 1, 0, 1826, NULL},
    [T_HCFA] = {"hcanthro.txt", 1, 0, 1826, NULL},
    [T_WFL] = {"wflanthro.txt", 10, 450, 1100, NULL},
    [T_WFH] = {"wfhanthro.txt", 10, 650, 1200, NULL},
    [T_HFA07] = {"hfawho2007.txt", 1, 60, 229, NULL},
    [T_BFA07] = {"bfawho2007.txt", 1, 60, 229, NULL},
    [T_WFA07] = {"wfawho2007.txt", 1, 60, 121, NULL},
};

static int table_width(const table_t *tb) { return tb->last - tb->first + 1; }

static const lms_t *table_row(const table_t *tb, int sex, int key)
{
    if (key < tb->first || key > tb->last)
        return NULL;
    return &tb->rows[(sex - 1) * table_width(tb) + (key - tb->first)];
}

static int parse_double(char **p, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(*p, &end);
    if (end == *p || errno != 0 || !isfinite(v))
        return -1;
    if (*end != '\t' && *end != '\0')
        return -1;
    *out = v;
    *p = *end == '\t' ? end + 1 : end;
    return 0;
}

static int load_table(const char *dir, table_t *tb)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", dir, tb->file);
    if (n < 0 || (size_t)n >= sizeof path)
        return -1;
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;

    int width = table_width(tb);
    tb->rows = calloc((size_t)width * 2, sizeof *tb->rows);
    bool *seen = calloc((size_t)width * 2, sizeof *seen);
    int rc = -1;
    if (!tb->rows || !seen)
        goto done;

    char line[512];
    /* The header names the columns; their order is fixed by WHO's files. */
    if (!fgets(line, sizeof line, f) || strncmp(line, "sex\t", 4) != 0)
        goto done;
    int filled = 0;
    while (fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        if (len > 0 && line[len - 1] != '\n' && !feof(f))
            goto done; /* a line longer than any WHO row: not our file */
        /* The files ship with CRLF endings. */
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        char *p = line;
        double sex, x;
        lms_t r;
        if (parse_double(&p, &sex) || parse_double(&p, &x) || parse_double(&p, &r.l) ||
            parse_double(&p, &r.m) || parse_double(&p, &r.s))
            goto done;
        /* The optional sixth column (L/H) is implied by the table itself. */
        if (*p != '\0' && strcmp(p, "L") != 0 && strcmp(p, "H") != 0)
            goto done;
        if (sex != 1.0 && sex != 2.0)
            goto done;
        double kx = x * tb->scale;
        double kr = round(kx);
        if (fabs(kx - kr) > 1e-6 || kr < tb->first || kr > tb->last)
            goto done;
        /* L = 0 would need the log form; WHO's tables never have it, so a
         * zero here means a damaged file. */
        if (r.l == 0.0 || !(r.m > 0.0) || !(r.s > 0.0))
            goto done;
        int idx = ((int)sex - 1) * width + ((int)kr - tb->first);
        if (seen[idx])
            goto done;
        seen[idx] = true;
        tb->rows[idx] = r;
        filled++;
    }
    if (ferror(f) || filled != width * 2)
        goto done;
    rc = 0;
done:
    free(seen);
    fclose(f);
    return rc;
}

int growth_load(const char *dir, growth_tables_t **out)
{
    if (!out)
        return -1;
    *out = NULL;
    if (!dir)
        return -1;
    growth_tables_t *gt = calloc(1, sizeof *gt);
    if (!gt)
        return -1;
    for (int i = 0; i < T_COUNT; i++) {
        gt->t[i] = table_specs[i];
        if (load_table(dir, &gt->t[i]) != 0) {
            growth_free(gt);
            return -1;
        }
    }
    *out = gt;
    return 0;
}

void growth_free(growth_tables_t *gt)
{
    if (!gt)
        return;
    for (int i = 0; i < T_COUNT; i++)
        free(gt->t[i].rows);
    free(gt);
}

/* ---- arithmetic, in the same operation order as anthro ---- */

static double lms_z(double y, lms_t p)
{
    return (pow(y / p.m, p.l) - 1.0) / (p.s * p.l);
}

static double lms_sd(lms_t p, double k)
{
    return p.m * pow(1.0 + p.l * p.s * k, 1.0 / p.l);
}

/* Beyond ±3 SD WHO measures distance in units of the outermost SD band
 * instead, because the LMS curve's skew there is not supported by data. */
static double lms_z_tail(double y, lms_t p)
{
    double z = lms_z(y, p);
    if (z > 3.0) {
        double sd3 = lms_sd(p, 3.0);
        z = 3.0 + (y - sd3) / (sd3 - lms_sd(p, 2.0));
    } else if (z < -3.0) {
        double sd3 = lms_sd(p, -3.0);
        z = -3.0 + (y - sd3) / (lms_sd(p, -2.0) - sd3);
    }
    return z;
}

/* WHO interpolates each of L, M and S, not the z-score. */
static lms_t lms_between(const lms_t *lo, const lms_t *hi, double frac)
{
    if (!(frac > 0.0))
        return *lo;
    return (lms_t){lo->l + frac * (hi->l - lo->l), lo->m + frac * (hi->m - lo->m),
                   lo->s + frac * (hi->s - lo->s)};
}

/* R's round(x, 2): the nearer of the two 2-decimal neighbours, ties to even.
 * Needed because WHO flags and classifies the rounded value. */
static double round2(double z)
{
    double lo = floor(z * 100.0), hi = ceil(z * 100.0);
    double dlo = z - lo / 100.0, dhi = hi / 100.0 - z;
    if (dlo < dhi)
        return lo / 100.0;
    if (dhi < dlo)
        return hi / 100.0;
    return fmod(lo, 2.0) == 0.0 ? lo / 100.0 : hi / 100.0;
}

static bool measured(double v) { return isfinite(v) && v > 0.0; }

typedef enum { FLAG_LEN, FLAG_WEI, FLAG_5 } flag_rule_t;

static growth_z_t make_z(double z, flag_rule_t rule)
{
    growth_z_t r = {.present = false, .z = NAN, .implausible = false};
    if (!isfinite(z))
        return r;
    double zr = round2(z);
    r.present = true;
    r.z = z;
    switch (rule) {
    case FLAG_LEN: r.implausible = fabs(zr) > 6.0; break;
    case FLAG_WEI: r.implausible = zr < -6.0 || zr > 5.0; break;
    case FLAG_5: r.implausible = fabs(zr) > 5.0; break;
    }
    return r;
}

static bool below(const growth_z_t *g, double cut) { return g->present && !g->implausible && round2(g->z) < cut; }
static bool above(const growth_z_t *g, double cut) { return g->present && !g->implausible && round2(g->z) > cut; }

static growth_z_t by_day(const table_t *tb, int sex, int day, double y, bool tail, flag_rule_t rule)
{
    const lms_t *p = table_row(tb, sex, day);
    if (!p || !measured(y))
        return make_z(NAN, rule);
    return make_z(tail ? lms_z_tail(y, *p) : lms_z(y, *p), rule);
}

/* anthroplus: the row of the completed month, moved towards the next row by
 * the fraction of a month. */
static growth_z_t by_month(const table_t *tb, int sex, double months, double y, bool tail, flag_rule_t rule)
{
    if (!measured(y))
        return make_z(NAN, rule);
    double low = trunc(months);
    double frac = months - low;
    const lms_t *lo = table_row(tb, sex, (int)low);
    const lms_t *hi = table_row(tb, sex, (int)low + 1);
    if (!lo || (frac > 0.0 && !hi))
        return make_z(NAN, rule);
    lms_t p = lms_between(lo, hi, frac);
    return make_z(tail ? lms_z_tail(y, p) : lms_z(y, p), rule);
}

/* anthro: the 0.1-cm row at or below the length, moved towards the next row
 * by the remaining fraction of 0.1 cm. */
static growth_z_t by_length(const table_t *tb, int sex, double len, double lo_cm, double hi_cm, double y)
{
    if (!measured(y) || !measured(len) || len < lo_cm || len > hi_cm)
        return make_z(NAN, FLAG_5);
    double k = trunc(len * 10.0);
    double frac = (len - k / 10.0) / 0.1;
    const lms_t *lo = table_row(tb, sex, (int)k);
    const lms_t *hi = table_row(tb, sex, (int)k + 1);
    if (!lo || (frac > 0.0 && !hi))
        return make_z(NAN, FLAG_5);
    return make_z(lms_z_tail(y, lms_between(lo, hi, frac)), FLAG_5);
}

static void clear_result(growth_result_t *out)
{
    growth_z_t none = {.present = false, .z = NAN, .implausible = false};
    *out = (growth_result_t){.reference = GROWTH_REF_WHO2006,
                             .wfa = none,
                             .lhfa = none,
                             .wflh = none,
                             .bmi = none,
                             .hcfa = none,
                             .bmi_value = NAN,
                             .length_used_cm = NAN};
}

int growth_compute(const growth_tables_t *gt, const growth_input_t *in, growth_result_t *out)
{
    if (!out)
        return -1;
    clear_result(out);
    if (!gt || !in)
        return -1;
    if (in->sex != 1 && in->sex != 2)
        return -1;
    if (in->measured != GROWTH_RECUMBENT && in->measured != GROWTH_STANDING)
        return -1;
    if (in->age_days < 0 || in->age_days > GROWTH_MAX_AGE_DAYS)
        return -1;

    const table_t *t = gt->t;
    int sex = in->sex, day = in->age_days;
    double months = day / DAYS_PER_MONTH;
    bool who2006 = months < 60.0;
    out->reference = who2006 ? GROWTH_REF_WHO2006 : GROWTH_REF_WHO2007;

    double len = NAN;
    if (measured(in->length_cm)) {
        len = in->length_cm;
        if (who2006) {
            if (in->measured == GROWTH_STANDING && months < 9.0)
                out->position_implausible = true;
            else if (in->measured == GROWTH_STANDING && day < 731)
                len = in->length_cm + 0.7;
            else if (in->measured == GROWTH_RECUMBENT && day >= 731)
                len = in->length_cm - 0.7;
        }
    }
    out->length_used_cm = len;
    if (measured(in->weight_kg) && measured(len))
        out->bmi_value = in->weight_kg / ((len / 100.0) * (len / 100.0));

    if (who2006) {
        out->wfa = by_day(&t[T_WFA], sex, day, in->weight_kg, true, FLAG_WEI);
        out->lhfa = by_day(&t[T_LHFA], sex, day, len, false, FLAG_LEN);
        out->bmi = by_day(&t[T_BMI], sex, day, out->bmi_value, true, FLAG_5);
        out->hcfa = by_day(&t[T_HCFA], sex, day, in->head_cm, false, FLAG_5);
        if (day < 731)
            out->wflh = by_length(&t[T_WFL], sex, len, 45.0, 110.0, in->weight_kg);
        else
            out->wflh = by_length(&t[T_WFH], sex, len, 65.0, 120.0, in->weight_kg);

        out->underweight = below(&out->wfa, -2.0);
        out->stunting = below(&out->lhfa, -2.0);
        out->wasting = below(&out->wflh, -2.0);
        out->overweight = above(&out->wflh, 2.0);
        out->obesity = above(&out->wflh, 3.0);
    } else {
        if (months < 121.0)
            out->wfa = by_month(&t[T_WFA07], sex, months, in->weight_kg, true, FLAG_WEI);
        out->lhfa = by_month(&t[T_HFA07], sex, months, len, false, FLAG_LEN);
        out->bmi = by_month(&t[T_BFA07], sex, months, out->bmi_value, true, FLAG_5);

        out->underweight = below(&out->wfa, -2.0);
        out->stunting = below(&out->lhfa, -2.0);
        out->wasting = below(&out->bmi, -2.0);
        out->overweight = above(&out->bmi, 1.0);
        out->obesity = above(&out->bmi, 2.0);
    }
    return 0;
}
