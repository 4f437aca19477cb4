#include "domain/refdata.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct refdata {
    json_t *districts_doc, *institutions_doc; /* own the strings below */
    ref_district_t *districts;
    size_t ndistricts;
    ref_institution_t *institutions; /* in file order */
    size_t ninstitutions;
    const ref_institution_t **by_id;  /* sorted by id: lookups on every rendered row */
    char version[64];
};

static const struct {
    unsigned bit;
    const char *name, *label;
} types[] = {
    {INST_COMMUNITY_HEALTH_CENTER, "community_health_center", "社区卫生服务中心"},
    {INST_DELIVERY_HOSPITAL, "delivery_hospital", "助产医疗机构"},
    {INST_MCH_INSTITUTE, "mch_institute", "区妇幼保健所"},
    {INST_MATERNAL_RESCUE_CENTER, "maternal_rescue_center", "市级危重孕产妇会诊抢救中心"},
    {INST_NEWBORN_RESCUE_CENTER, "newborn_rescue_center", "市级危重新生儿会诊抢救中心"},
};

unsigned refdata_type_parse(const char *s)
{
    for (size_t i = 0; s && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(types[i].name, s) == 0)
            return types[i].bit;
    return 0;
}

const char *refdata_type_name(unsigned bit)
{
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (types[i].bit == bit)
            return types[i].name;
    return NULL;
}

const char *refdata_type_label_zh(unsigned bit)
{
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (types[i].bit == bit)
            return types[i].label;
    return NULL;
}

static json_t *load(const char *dir, const char *file, char *err, size_t errlen)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    if (!doc)
        snprintf(err, errlen, "%s:%d: %s", path, je.line, je.text);
    return doc;
}

static const char *str(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : NULL;
}

static int by_id_cmp(const void *a, const void *b)
{
    return strcmp((*(const ref_institution_t *const *)a)->id, (*(const ref_institution_t *const *)b)->id);
}

int refdata_load(const char *dir, refdata_t **out, char *err, size_t errlen)
{
    refdata_t *r = calloc(1, sizeof *r);
    r->districts_doc = load(dir, "districts.json", err, errlen);
    if (!r->districts_doc)
        goto fail;
    r->institutions_doc = load(dir, "institutions.json", err, errlen);
    if (!r->institutions_doc)
        goto fail;

    json_t *ds = json_object_get(r->districts_doc, "districts");
    r->ndistricts = json_array_size(ds);
    r->districts = calloc(r->ndistricts ? r->ndistricts : 1, sizeof *r->districts);
    for (size_t i = 0; i < r->ndistricts; i++) {
        json_t *d = json_array_get(ds, i);
        ref_district_t *x = &r->districts[i];
        x->code = str(d, "code");
        x->name = str(d, "name");
        x->name_en = str(d, "name_en");
        x->population_weight = json_number_value(json_object_get(d, "population_weight"));
        if (!x->code || !x->name) {
            snprintf(err, errlen, "districts.json: entry %zu lacks code or name", i);
            goto fail;
        }
    }
    json_t *is = json_object_get(r->institutions_doc, "institutions");
    r->ninstitutions = json_array_size(is);
    r->institutions = calloc(r->ninstitutions ? r->ninstitutions : 1, sizeof *r->institutions);
    for (size_t i = 0; i < r->ninstitutions; i++) {
        json_t *o = json_array_get(is, i);
        ref_institution_t *x = &r->institutions[i];
        x->id = str(o, "id");
        x->name = str(o, "name");
        x->district = str(o, "district");
        x->mark = str(o, "mark");
        x->level = (int)json_integer_value(json_object_get(o, "level"));
        x->daily_capacity = (int)json_integer_value(json_object_get(o, "daily_capacity"));
        size_t k;
        json_t *t;
        json_array_foreach(json_object_get(o, "types"), k, t) {
            unsigned bit = refdata_type_parse(json_string_value(t));
            if (!bit) {
                snprintf(err, errlen, "institutions.json: %s has unknown type %s", x->id ? x->id : "?",
                         json_string_value(t) ? json_string_value(t) : "?");
                goto fail;
            }
            x->types |= bit;
        }
        if (!x->id || !x->name || !x->district || !refdata_district(r, x->district)) {
            snprintf(err, errlen, "institutions.json: entry %zu lacks id/name or has an unknown district", i);
            goto fail;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(r->institutions[j].id, x->id) == 0) {
                snprintf(err, errlen, "institutions.json: duplicate id %s", x->id);
                goto fail;
            }
    }
    r->by_id = malloc(sizeof *r->by_id * (r->ninstitutions ? r->ninstitutions : 1));
    for (size_t i = 0; i < r->ninstitutions; i++)
        r->by_id[i] = &r->institutions[i];
    qsort(r->by_id, r->ninstitutions, sizeof *r->by_id, by_id_cmp);
    snprintf(r->version, sizeof r->version, "%s/%s",
             str(r->districts_doc, "version") ? str(r->districts_doc, "version") : "?",
             str(r->institutions_doc, "version") ? str(r->institutions_doc, "version") : "?");
    *out = r;
    return 0;
fail:
    refdata_free(r);
    return -1;
}

void refdata_free(refdata_t *r)
{
    if (!r)
        return;
    json_decref(r->districts_doc);
    json_decref(r->institutions_doc);
    free(r->districts);
    free(r->institutions);
    free(r->by_id);
    free(r);
}

const char *refdata_version(const refdata_t *r) { return r->version; }
size_t refdata_district_count(const refdata_t *r) { return r->ndistricts; }
const ref_district_t *refdata_district_at(const refdata_t *r, size_t i) { return &r->districts[i]; }

const ref_district_t *refdata_district(const refdata_t *r, const char *code)
{
    for (size_t i = 0; code && i < r->ndistricts; i++)
        if (strcmp(r->districts[i].code, code) == 0)
            return &r->districts[i];
    return NULL;
}

size_t refdata_institution_count(const refdata_t *r) { return r->ninstitutions; }
const ref_institution_t *refdata_institution_at(const refdata_t *r, size_t i) { return &r->institutions[i]; }

const ref_institution_t *refdata_institution(const refdata_t *r, const char *id)
{
    size_t lo = 0, hi = r->ninstitutions;
    while (id && lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(r->by_id[mid]->id, id);
        if (c == 0)
            return r->by_id[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
