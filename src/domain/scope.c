#include "domain/scope.h"

#include <string.h>

static const char *const role_names[ROLE_COUNT] = {
    "citizen", "community_doctor", "obstetrician", "rescue_center", "district_admin", "city_admin", "sys_admin",
};
static const char *const role_labels[ROLE_COUNT] = {
    "孕产妇", "社区医生", "产科医生", "抢救中心", "区妇幼所", "市级管理", "系统管理员",
};

role_t role_parse(const char *s)
{
    for (int i = 0; s && i < ROLE_COUNT; i++)
        if (strcmp(s, role_names[i]) == 0)
            return (role_t)i;
    return ROLE_NONE;
}

const char *role_name(role_t r) { return r >= 0 && r < ROLE_COUNT ? role_names[r] : "none"; }
const char *role_label_zh(role_t r) { return r >= 0 && r < ROLE_COUNT ? role_labels[r] : ""; }

bool role_needs_institution(role_t r)
{
    return r == ROLE_COMMUNITY_DOCTOR || r == ROLE_OBSTETRICIAN || r == ROLE_RESCUE_CENTER;
}

scope_t scope_for(role_t role, const char *institution_id, const char *district, int64_t woman_id)
{
    scope_t s = {SCOPE_NONE, NULL, NULL, 0};
    switch (role) {
    case ROLE_CITY_ADMIN:
    case ROLE_SYS_ADMIN:
        s.kind = SCOPE_ALL;
        break;
    case ROLE_DISTRICT_ADMIN:
        if (district && *district) {
            s.kind = SCOPE_DISTRICT;
            s.district = district;
        }
        break;
    case ROLE_COMMUNITY_DOCTOR:
    case ROLE_OBSTETRICIAN:
    case ROLE_RESCUE_CENTER:
        if (institution_id && *institution_id) {
            s.kind = SCOPE_INSTITUTION;
            s.institution_id = institution_id;
        }
        break;
    case ROLE_CITIZEN:
        if (woman_id > 0) {
            s.kind = SCOPE_SELF;
            s.woman_id = woman_id;
        }
        break;
    default:
        break;
    }
    return s;
}

bool scope_allows(const scope_t *s, const scope_facts_t *f)
{
    switch (s->kind) {
    case SCOPE_ALL:
        return true;
    case SCOPE_SELF:
        return f->woman_id == s->woman_id;
    case SCOPE_DISTRICT:
        if (f->residence_district && strcmp(f->residence_district, s->district) == 0)
            return true;
        for (size_t i = 0; i < f->n_links; i++)
            if (f->links[i].district && strcmp(f->links[i].district, s->district) == 0)
                return true;
        return false;
    case SCOPE_INSTITUTION:
        for (size_t i = 0; i < f->n_links; i++)
            if (f->links[i].institution_id && strcmp(f->links[i].institution_id, s->institution_id) == 0)
                return true;
        return false;
    case SCOPE_NONE:
        return false;
    }
    return false;
}
