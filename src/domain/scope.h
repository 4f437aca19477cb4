/* Who may see whose record: the one place the scoping rule of domain.md §1
 * lives. Institution staff see the women and children their institution
 * serves; a district admin sees those living in the district or served by
 * one of its institutions; city and system admins see everyone; a citizen
 * sees herself and her children. Pure; the API layer calls it for single
 * records and the store turns a scope_t into a filter for lists. */
#ifndef FY_DOMAIN_SCOPE_H
#define FY_DOMAIN_SCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    ROLE_CITIZEN = 0,
    ROLE_COMMUNITY_DOCTOR,
    ROLE_OBSTETRICIAN,
    ROLE_RESCUE_CENTER,
    ROLE_DISTRICT_ADMIN,
    ROLE_CITY_ADMIN,
    ROLE_SYS_ADMIN,
    ROLE_COUNT,
    ROLE_NONE = -1
} role_t;

/* Bit masks for route permissions. */
#define ROLE_BIT(r) (1u << (r))
#define ROLES_STAFF (ROLE_BIT(ROLE_COMMUNITY_DOCTOR) | ROLE_BIT(ROLE_OBSTETRICIAN) | ROLE_BIT(ROLE_RESCUE_CENTER))
#define ROLES_ADMIN (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_CITY_ADMIN) | ROLE_BIT(ROLE_SYS_ADMIN))
#define ROLES_CITY (ROLE_BIT(ROLE_CITY_ADMIN) | ROLE_BIT(ROLE_SYS_ADMIN))
#define ROLES_ALL ((1u << ROLE_COUNT) - 1)

role_t role_parse(const char *s);
const char *role_name(role_t r);
const char *role_label_zh(role_t r);
/* Roles that belong to an institution (and must name one). */
bool role_needs_institution(role_t r);

typedef enum { SCOPE_NONE = 0, SCOPE_ALL, SCOPE_DISTRICT, SCOPE_INSTITUTION, SCOPE_SELF } scope_kind_t;

typedef struct {
    scope_kind_t kind;
    const char *district;       /* SCOPE_DISTRICT */
    const char *institution_id; /* SCOPE_INSTITUTION */
    int64_t woman_id;           /* SCOPE_SELF: the citizen's own record */
} scope_t;

/* What the rule needs to know about one woman (a child is judged by its
 * mother's facts plus its own links). */
#define SCOPE_MAX_LINKS 32
typedef struct {
    int64_t woman_id;
    const char *residence_district;
    size_t n_links;
    struct {
        const char *institution_id;
        const char *district;
    } links[SCOPE_MAX_LINKS];
} scope_facts_t;

/* The scope of a user: role, institution, district of the institution (or of
 * a district admin), and the citizen's own woman id. */
scope_t scope_for(role_t role, const char *institution_id, const char *district, int64_t woman_id);
bool scope_allows(const scope_t *s, const scope_facts_t *f);

#endif
