#include "domain/indicators.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/rescue.h"

static const char *const measure_names[] = {
#define IND_NAME(name) #name,
    IND_MEASURES(IND_NAME)
#undef IND_NAME
};

const char *ind_measure_name(ind_measure_t m) { return m < IND_MEASURE_COUNT ? measure_names[m] : "?"; }

int ind_measure_parse(const char *name)
{
    for (int i = 0; name && i < IND_MEASURE_COUNT; i++)
        if (strcmp(measure_names[i], name) == 0)
            return i;
    return -1;
}

static const char *const group_names[] = {"none", "district", "delivery_district", "month", "institution",
                                          "district_month"};

const char *ind_group_name(ind_group_t g) { return group_names[g]; }

int ind_group_parse(const char *s)
{
    for (int i = 0; s && i < (int)(sizeof group_names / sizeof group_names[0]); i++)
        if (strcmp(group_names[i], s) == 0)
            return i;
    return -1;
}

bool ind_group_by_month(ind_group_t g) { return g == IND_GROUP_MONTH || g == IND_GROUP_DISTRICT_MONTH; }

bool ind_measure_by_period(ind_measure_t m)
{
    switch (m) {
    case IM_children_under3:
    case IM_children_under3_managed:
    case IM_children_under7:
    case IM_children_under7_checked:
    case IM_children_under5_measured:
    case IM_children_under5_underweight:
    case IM_children_under5_stunting:
    case IM_children_under5_wasting:
    case IM_children_under5_overweight:
    case IM_children_under5_obesity:
        return true;
    default:
        return false;
    }
}

bool ind_measure_collected(ind_measure_t m)
{
    return m != IM_prenatal_screened && m != IM_premarital_exams && m != IM_marriage_registrations;
}

void ind_month_key(fy_date_t d, char out[8])
{
    int y, m, day;
    fy_date_to_civil(d, &y, &m, &day);
    snprintf(out, 8, "%04u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u);
}

struct ind_set {
    json_t *doc;
    ind_def_t *defs;
    size_t n;
    ind_median_def_t *medians;
    size_t nmedians;
};

static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

int ind_load(const char *path, ind_set_t **out, char *err, size_t errlen)
{
    json_error_t je;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!doc) {
        snprintf(err, errlen, "%s:%d: %s", path, je.line, je.text);
        return -1;
    }
    ind_set_t *s = calloc(1, sizeof *s);
    s->doc = doc;
    json_t *arr = json_object_get(doc, "indicators");
    s->n = json_array_size(arr);
    s->defs = calloc(s->n ? s->n : 1, sizeof *s->defs);
    json_t *measures = json_object_get(doc, "measures");
    for (size_t i = 0; i < s->n; i++) {
        json_t *o = json_array_get(arr, i);
        ind_def_t *d = &s->defs[i];
        d->id = str(o, "id");
        d->name = str(o, "name");
        d->name_en = str(o, "name_en");
        d->unit = str(o, "unit");
        d->mark = str(o, "mark");
        d->source = str(o, "source");
        d->note = str(o, "note");
        d->multiplier = json_number_value(json_object_get(o, "multiplier"));
        int num = ind_measure_parse(str(o, "numerator")), den = ind_measure_parse(str(o, "denominator"));
        if (!d->id || !d->name || !d->unit || num < 0 || den < 0 || d->multiplier <= 0) {
            snprintf(err, errlen, "%s: indicator %zu (%s): needs id, name, unit, a known numerator and denominator "
                                  "and a positive multiplier", path, i, d->id ? d->id : "?");
            goto fail;
        }
        if (!json_object_get(measures, str(o, "numerator")) || !json_object_get(measures, str(o, "denominator"))) {
            snprintf(err, errlen, "%s: indicator %s uses a measure not described under \"measures\"", path, d->id);
            goto fail;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(s->defs[k].id, d->id) == 0) {
                snprintf(err, errlen, "%s: duplicate indicator id %s", path, d->id);
                goto fail;
            }
        d->numerator = (ind_measure_t)num;
        d->denominator = (ind_measure_t)den;
    }
    json_t *meds = json_object_get(doc, "medians");
    s->nmedians = json_array_size(meds);
    s->medians = calloc(s->nmedians ? s->nmedians : 1, sizeof *s->medians);
    for (size_t i = 0; i < s->nmedians; i++) {
        json_t *o = json_array_get(meds, i);
        ind_median_def_t *d = &s->medians[i];
        d->id = str(o, "id");
        d->name = str(o, "name");
        d->name_en = str(o, "name_en");
        d->unit = str(o, "unit");
        d->mark = str(o, "mark");
        d->source = str(o, "source");
        d->note = str(o, "note");
        d->kind = str(o, "kind");
        d->type = str(o, "type");
        if (!d->id || !d->name || !d->unit || !d->kind || !d->type) {
            snprintf(err, errlen, "%s: medians[%zu] (%s): needs id, name, unit, kind and type", path, i,
                     d->id ? d->id : "?");
            goto fail;
        }
        for (size_t k = 0; k < s->n; k++)
            if (strcmp(s->defs[k].id, d->id) == 0) {
                snprintf(err, errlen, "%s: duplicate indicator id %s", path, d->id);
                goto fail;
            }
    }
    *out = s;
    return 0;
fail:
    ind_free(s);
    return -1;
}

void ind_free(ind_set_t *s)
{
    if (!s)
        return;
    json_decref(s->doc);
    free(s->defs);
    free(s->medians);
    free(s);
}

const char *ind_version(const ind_set_t *s) { return str(s->doc, "version"); }
size_t ind_count(const ind_set_t *s) { return s->n; }
const ind_def_t *ind_at(const ind_set_t *s, size_t i) { return &s->defs[i]; }
size_t ind_median_count(const ind_set_t *s) { return s->nmedians; }
const ind_median_def_t *ind_median_at(const ind_set_t *s, size_t i) { return &s->medians[i]; }

void ind_report_year(int year, fy_date_t *from, fy_date_t *to)
{
    *from = fy_date_from_civil(year - 1, 10, 1);
    *to = fy_date_from_civil(year, 9, 30);
}

int ind_year_of(fy_date_t d)
{
    int y, m, day;
    fy_date_to_civil(d, &y, &m, &day);
    return m >= 10 ? y + 1 : y;
}

ind_value_t ind_compute(const ind_def_t *d, const int64_t *counts, const bool *has)
{
    ind_value_t v = {0};
    v.collected = has[d->numerator] && has[d->denominator];
    v.numerator = counts[d->numerator];
    v.denominator = counts[d->denominator];
    v.value = v.collected && v.denominator > 0 ? (double)v.numerator / (double)v.denominator * d->multiplier : NAN;
    v.small = v.collected && v.numerator < IND_SMALL_CELL;
    return v;
}

ind_median_t ind_median(double *minutes, size_t n)
{
    ind_median_t m = {n, rescue_percentile(minutes, n, 0.5), n < IND_SMALL_CELL};
    return m;
}

/* ---- ages ------------------------------------------------------------------ */

fy_date_t ind_last_birth_aged(fy_date_t on, int years)
{
    /* fy_age_years(b, on) >= years  <=>  (y, m, d) of b <= (y - years, m, d) of on */
    int y, m, d;
    fy_date_to_civil(on, &y, &m, &d);
    y -= years;
    int dim = fy_days_in_month(y, m);
    return fy_date_from_civil(y, m, d > dim ? dim : d);
}

fy_date_t ind_last_birth_anchored(fy_date_t x, int months)
{
    /* fy_date_add_months is non-decreasing in the birth date: start near the
     * answer and step to the edge */
    fy_date_t b = fy_date_add_months(x, -months);
    while (fy_date_add_months(b, months) > x)
        b--;
    while (fy_date_add_months(b + 1, months) <= x)
        b++;
    return b;
}

#define DAY_MS 86400000LL

unsigned ind_death_ages(int64_t born_at_ms, fy_date_t birth_date, int64_t died_ms)
{
    if (died_ms < born_at_ms)
        return 0;
    unsigned out = 0;
    int64_t lived = died_ms - born_at_ms;
    if (lived < 7 * DAY_MS)
        out |= IND_DIED_U7D;
    if (lived < 28 * DAY_MS)
        out |= IND_DIED_U28D;
    int years = fy_age_years(birth_date, fy_date_of_instant(died_ms));
    if (years < 1)
        out |= IND_DIED_U1Y;
    if (years < 5)
        out |= IND_DIED_U5Y;
    return out;
}

/* ---- 4-2-2 ----------------------------------------------------------------- */

const ind_contact_t ind_422[IND_422_CONTACTS] = {
    {3, 3, 15}, {4, 6, 15}, {5, 8, 15}, {6, 12, 15}, {7, 18, 30}, {8, 24, 30}, {9, 30, 30}, {10, 36, 30},
};

unsigned ind_422_due(fy_date_t birth, fy_date_t end)
{
    unsigned due = 0;
    for (int i = 0; i < IND_422_CONTACTS; i++)
        if (fy_date_add_months(birth, ind_422[i].age_months) + ind_422[i].to_days <= end)
            due |= 1u << ind_422[i].seq;
    return due;
}

bool ind_422_managed(fy_date_t birth, fy_date_t end, unsigned filled, bool checked_by_end)
{
    unsigned due = ind_422_due(birth, end);
    return checked_by_end && (filled & due) == due;
}
