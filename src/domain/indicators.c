#include "domain/indicators.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

struct ind_set {
    json_t *doc;
    ind_def_t *defs;
    size_t n;
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
    free(s);
}

const char *ind_version(const ind_set_t *s) { return str(s->doc, "version"); }
size_t ind_count(const ind_set_t *s) { return s->n; }
const ind_def_t *ind_at(const ind_set_t *s, size_t i) { return &s->defs[i]; }

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
