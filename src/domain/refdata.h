/* Reference data loaded once at start from data/: Shanghai's districts and
 * the institutions (community health centres, delivery hospitals, MCH
 * institutes, rescue centres). Read-only after loading, so any thread may
 * read it without locks. */
#ifndef FY_DOMAIN_REFDATA_H
#define FY_DOMAIN_REFDATA_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char *code, *name, *name_en;
    double population_weight;
} ref_district_t;

enum {
    INST_COMMUNITY_HEALTH_CENTER = 1 << 0,
    INST_DELIVERY_HOSPITAL = 1 << 1,
    INST_MCH_INSTITUTE = 1 << 2,
    INST_MATERNAL_RESCUE_CENTER = 1 << 3,
    INST_NEWBORN_RESCUE_CENTER = 1 << 4,
};

typedef struct {
    const char *id, *name, *district, *mark;
    unsigned types;
    int level; /* 0 when none */
    int daily_capacity;
} ref_institution_t;

typedef struct refdata refdata_t;

int refdata_load(const char *data_dir, refdata_t **out, char *err, size_t errlen);
void refdata_free(refdata_t *r);

const char *refdata_version(const refdata_t *r);
size_t refdata_district_count(const refdata_t *r);
const ref_district_t *refdata_district_at(const refdata_t *r, size_t i);
const ref_district_t *refdata_district(const refdata_t *r, const char *code);
size_t refdata_institution_count(const refdata_t *r);
const ref_institution_t *refdata_institution_at(const refdata_t *r, size_t i);
const ref_institution_t *refdata_institution(const refdata_t *r, const char *id);

/* "community_health_center" → INST_COMMUNITY_HEALTH_CENTER; 0 when unknown. */
unsigned refdata_type_parse(const char *s);
const char *refdata_type_name(unsigned bit);
const char *refdata_type_label_zh(unsigned bit);

#endif
