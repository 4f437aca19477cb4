#include "demo/demo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/idnum.h"
#include "base/secret.h"
#include "domain/pregnancy.h"
#include "http/http.h"

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
static double rng_unit(rng_t *r) { return (double)(rng_next(r) >> 11) / 9007199254740992.0; }
static bool rng_chance(rng_t *r, double p) { return rng_unit(r) < p; }
/* Normal by Box–Muller, rounded to `digits` decimals. */
static double rng_normal(rng_t *r, double mean, double sd)
{
    double u = rng_unit(r), v = rng_unit(r);
    if (u < 1e-12)
        u = 1e-12;
    return mean + sd * sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}
static double round1(double x) { return round(x * 10) / 10; }

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

/* The same for a man (odd sequence number): the father on a certificate. */
static void make_male_idnum(rng_t *r, const char *area, fy_date_t birth, char out[19])
{
    make_idnum(r, area, birth, out);
    /* the sequence's last digit is odd for a man; even ones are 0..8 */
    out[16] = (char)(out[16] + 1);
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


/* ---- the synthetic city --------------------------------------------------- */

/* Every event goes through the API's own handlers, in process: the same
 * validation, rules, grading, audit and store code as a live request. The
 * generator only decides what happens and when (the thread clock). */
typedef struct {
    app_t *app;
    const http_route_t *routes;
    size_t nroutes;
    api_user_t city_admin;
    long requests, failures;
} city_t;

static void actor(city_t *c, api_user_t *u, role_t role, const ref_institution_t *inst)
{
    *u = (api_user_t){0};
    u->username = "demo-generator";
    u->role = role;
    u->institution_id = inst ? inst->id : NULL;
    u->district = inst ? inst->district : NULL;
    u->scope = scope_for(role, u->institution_id, u->district, 0);
    if (role != ROLE_CITIZEN && !inst)
        u->scope.kind = SCOPE_ALL;
}

/* One request at `when`; returns the created id from the reply, 0 on a
 * refusal (counted: the generator aims to send only valid requests). */
static int64_t call(city_t *c, const api_user_t *u, const char *method, const char *path, json_t *body, int64_t when)
{
    arena_t *a = arena_new();
    http_req_t req = {0};
    req.arena = a;
    req.method = method;
    req.path = path;
    req.app = c->app;
    req.user = (void *)u;
    req.client_ip = "demo";
    req.quiet = true;
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    req.body = text ? text : "";
    req.body_len = text ? strlen(text) : 0;
    int64_t id = 0;
    const http_route_t *r = http_route_find(c->routes, c->nroutes, method, &req);
    http_resp_t resp = {0};
    /* an event of today happens no later than now: nothing in the city, its
     * audit trail included, is stamped later than the moment it was made */
    int64_t now = fy_now_ms();
    fy_set_thread_now(when < now ? when : now);
    c->requests++;
    if (!r) {
        fprintf(stderr, "demo: no route %s %s\n", method, path);
        c->failures++;
    } else if (r->handler(&req, &resp)) {
        if (c->failures++ < 20)
            fprintf(stderr, "demo: %s %s refused: %d %s%s%s\n", method, path, req.err.status, req.err.detail,
                    req.err.n ? " — " : "", req.err.n ? req.err.fields[0].message : "");
    } else {
        json_t *j = json_loadb(resp.body.p ? resp.body.p : "", resp.body.len, 0, NULL);
        const char *s = json_string_value(json_object_get(j, "id"));
        id = s ? strtoll(s, NULL, 10) : 0;
        json_decref(j);
    }
    fy_set_thread_now(0);
    buf_free(&resp.body);
    free(text);
    arena_free(a);
    return id;
}

static int64_t at_time(fy_date_t d, int minute_of_day)
{
    return (int64_t)d * 86400000LL - FY_SHANGHAI_OFFSET_MS + (int64_t)minute_of_day * 60000;
}

typedef struct {
    const ref_institution_t **items;
    size_t n;
} inst_list_t;

static void list_of(const refdata_t *ref, unsigned type, const char *district, inst_list_t *out)
{
    out->items = calloc(refdata_institution_count(ref) + 1, sizeof *out->items);
    out->n = 0;
    for (size_t i = 0; i < refdata_institution_count(ref); i++) {
        const ref_institution_t *x = refdata_institution_at(ref, i);
        if ((x->types & type) && (!district || strcmp(x->district, district) == 0) &&
            (type != INST_DELIVERY_HOSPITAL || x->daily_capacity > 0 || x->level > 0))
            out->items[out->n++] = x;
    }
}

typedef struct {
    const ref_district_t *district;
    inst_list_t chcs, hospitals;
} district_pool_t;

static int64_t post_at(city_t *c, const api_user_t *u, const char *path, json_t *body, int64_t when)
{
    return call(c, u, "POST", path, body, when);
}

static const char *const cs_indications[] = {"胎位异常", "瘢痕子宫", "胎儿窘迫", "头盆不称", "前置胎盘",
                                             "妊娠期高血压疾病", "双胎妊娠", "巨大儿"};
static const char *const declared_orange[] = {"severe_preeclampsia", "asthma", "endocrine_drugs", "thrombophilia",
                                              "scar_praevia_accreta", "mental_illness_remission"};
static const char *const declared_red[] = {"cardiomyopathy", "marfan", "hypertensive_heart_disease",
                                           "pulmonary_fibrosis"};
static const char *const declared_yellow[] = {"gestational_diabetes_diet", "thyroid_no_drugs", "ovarian_cyst_5cm",
                                              "hbv_carrier_normal_liver"};

typedef struct {
    city_t *city;
    rng_t r;
    const refdata_t *ref;
    district_pool_t *pools;
    size_t npools;
    double total_weight;
    inst_list_t all_hospitals;
    fy_date_t today;
} gen_t;

static district_pool_t *pick_district(gen_t *g)
{
    double x = rng_unit(&g->r) * g->total_weight;
    for (size_t i = 0; i < g->npools; i++) {
        x -= g->pools[i].district->population_weight;
        if (x <= 0)
            return &g->pools[i];
    }
    return &g->pools[g->npools - 1];
}

static bool code_known(gen_t *g, const char *code) { return risk_criteria_find(g->city->app->risk, code) != NULL; }

/* The measurements of one antenatal visit at gestational day `ga`. */
static json_t *visit_body(gen_t *g, fy_date_t date, int ga, double pre_weight, bool first, const int *profile)
{
    rng_t *r = &g->r;
    json_t *v = json_object();
    char d[11];
    fy_date_format(date, d);
    json_object_set_new(v, "date", json_string(d));
    json_object_set_new(v, "weight_kg", json_real(round1(pre_weight + ga * 0.045 + rng_normal(r, 0, 1))));
    int sbp = (int)rng_normal(r, 115, 9), dbp = (int)rng_normal(r, 72, 7);
    if (profile[0] && ga >= 140) { /* gestational hypertension from 20 weeks */
        sbp = 140 + rng_int(r, 0, 15);
        dbp = 90 + rng_int(r, 0, 8);
    }
    if (sbp < 90)
        sbp = 90;
    if (dbp >= sbp - 20)
        dbp = sbp - 25;
    json_object_set_new(v, "sbp", json_integer(sbp));
    json_object_set_new(v, "dbp", json_integer(dbp));
    if (ga >= 140) {
        json_object_set_new(v, "fundal_height_cm", json_real(round1(ga / 7.0 - 4 + rng_normal(r, 0, 1.5))));
        json_object_set_new(v, "fetal_heart_rate", json_integer(rng_int(r, 125, 155)));
    }
    if (first || rng_chance(r, 0.5)) {
        double hb = profile[1] ? rng_int(r, 92, 108) : rng_normal(r, 124, 8);
        if (hb < 111 && !profile[1])
            hb = 111 + rng_int(r, 0, 8);
        json_object_set_new(v, "hb_g_l", json_integer((int)hb));
        json_object_set_new(v, "plt_10e9_l", json_integer(profile[2] ? rng_int(r, 60, 95) : rng_int(r, 150, 320)));
    }
    if (first) {
        json_t *labs = json_object();
        json_object_set_new(labs, "hiv", json_string(profile[3] == 3 ? "positive" : "negative"));
        json_object_set_new(labs, "syphilis", json_string(profile[3] == 2 ? "positive" : "negative"));
        json_object_set_new(labs, "hbsag", json_string(profile[3] == 1 ? "positive" : "negative"));
        json_object_set_new(v, "labs", labs);
        if (profile[4]) {
            json_t *decl = json_array();
            json_array_append_new(decl, json_string(
                profile[4] == 1   ? declared_yellow[rng_int(r, 0, 3)]
                : profile[4] == 2 ? declared_orange[rng_int(r, 0, 5)]
                                  : declared_red[rng_int(r, 0, 3)]));
            /* only codes the table knows: a rule table edit must not break the demo */
            const char *code = json_string_value(json_array_get(decl, 0));
            if (code_known(g, code))
                json_object_set_new(v, "declared_factors", decl);
            else
                json_decref(decl);
        }
    }
    return v;
}

static void path_of(char *out, size_t cap, const char *fmt, int64_t id) { snprintf(out, cap, fmt, (long long)id); }

/* The live-born children of a delivery, read back through the API's own
 * list (the delivery reply is not rendered in bulk mode). */
struct kids_ctx {
    store_child_query_t q;
    store_child_t *rows;
    int n;
    int64_t total;
};

static int kids_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct kids_ctx *c = vctx;
    return store_children_search(tx, &c->q, &c->rows, &c->n, &c->total, e);
}

static int children_of(city_t *c, const api_user_t *u, int64_t pid, int64_t *ids, int max)
{
    arena_t *a = arena_new();
    struct kids_ctx ctx = {{.scope = &u->scope, .pregnancy_id = pid, .limit = max}, NULL, 0, 0};
    fy_err_t e = {0};
    int n = 0;
    if (store_read(c->app->store, a, kids_unit, &ctx, &e) == 0)
        for (int i = 0; i < ctx.n && i < max; i++)
            ids[n++] = ctx.rows[i].id;
    arena_free(a);
    return n;
}

/* Screening, the certificate, child checks and the rare referral or death
 * of each live-born child. */
static void newborns(gen_t *g, int64_t pid, int64_t woman, const char *mother_name, const char *mother_idn,
                     district_pool_t *pool, const ref_institution_t *hosp, const api_user_t *obs,
                     const api_user_t *doc, fy_date_t dday, int64_t dms, int birth_ga)
{
    city_t *c = g->city;
    rng_t *r = &g->r;
    int64_t kids[6];
    int nk = children_of(c, &c->city_admin, pid, kids, 6);
    (void)woman;
    char path[128], when[32];
    for (int k = 0; k < nk; k++) {
        /* newborn screening at the delivery hospital: blood spot after 72 h, hearing before discharge */
        static const struct {
            const char *kind, *panel;
            int hours;
            double p;
        } scr[] = {{"metabolic", "basic", 80, 0.985}, {"hearing", "oae", 52, 0.98}, {"chd", "spo2+auscultation", 12, 0.9}};
        path_of(path, sizeof path, "/api/v1/children/%lld/screenings", kids[k]);
        for (int i = 0; i < 3; i++) {
            int64_t at = dms + (int64_t)(scr[i].hours + rng_int(r, 0, 20)) * 3600000;
            if (fy_date_of_instant(at) > g->today || !rng_chance(r, scr[i].p))
                continue;
            fy_instant_format(at, when);
            const char *res = rng_chance(r, 0.008) ? (i == 1 ? "refer" : "positive") : "negative";
            post_at(c, obs, path, json_pack("{s:s, s:s, s:s, s:s}", "kind", scr[i].kind, "panel", scr[i].panel,
                                            "sampled_at", when, "result", res), at + 600000);
        }
        /* the birth medical certificate, applied for and issued at the hospital */
        fy_date_t cert_day = dday + rng_int(r, 1, 20);
        if (cert_day <= g->today && rng_chance(r, 0.93)) {
            char child[32], father[32], fidn[19];
            snprintf(child, sizeof child, "%s%s", surnames[rng_int(r, 0, 19)], given[rng_int(r, 0, 19)]);
            snprintf(father, sizeof father, "%s%s", surnames[rng_int(r, 0, 19)], rng_chance(r, 0.5) ? "伟" : "强");
            make_male_idnum(r, pool->district->code, dday - 365 * rng_int(r, 24, 40), fidn);
            json_t *mother = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name", mother_name, "nationality", "中国",
                                       "ethnicity", "汉族", "id_type", "resident_id", "id_number", mother_idn,
                                       "address", pool->district->name);
            json_t *fj = rng_chance(r, 0.97)
                             ? json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name", father, "nationality", "中国",
                                         "ethnicity", "汉族", "id_type", "resident_id", "id_number", fidn, "address",
                                         pool->district->name)
                             : json_null();
            int64_t at = at_time(cert_day, 9 * 60 + rng_int(r, 0, 400));
            int64_t cert = post_at(c, obs, "/api/v1/birth-certificates",
                                   json_pack("{s:I, s:s, s:o, s:o, s:{s:s, s:s}}", "child_id", (json_int_t)kids[k],
                                             "child_name", child, "mother", mother, "father", fj, "applicant", "name",
                                             mother_name, "relation", "母亲"),
                                   at);
            if (cert) {
                path_of(path, sizeof path, "/api/v1/birth-certificates/%lld/issue", cert);
                post_at(c, obs, path, json_object(), at + 3600000);
            }
        }
        /* rare deaths: neonatal about 1.5 per thousand, more for the very preterm */
        double pdeath = birth_ga < 224 ? 0.05 : birth_ga < 259 ? 0.006 : 0.0008;
        if (rng_chance(r, pdeath)) {
            int64_t at = dms + (int64_t)rng_int(r, 2, 24 * 60) * 3600000;
            if (fy_date_of_instant(at) <= g->today) {
                fy_instant_format(at, when);
                bool perinatal = at - dms < 168LL * 3600000;
                post_at(c, obs, "/api/v1/critical-events",
                        json_pack("{s:s, s:I, s:s, s:s, s:s}", "kind", perinatal ? "perinatal_death" : "under5_death",
                                  "child_id", (json_int_t)kids[k], "occurred_at", when, "cause",
                                  birth_ga < 224 ? "早产并发症" : "先天性心脏病", "place", hosp->name),
                        at + (int64_t)rng_int(r, 1, 20) * 3600000);
                continue;
            }
        }
        /* child health checks along the national schedule, mostly on time */
        static const int check_days[] = {7, 29, 91, 182, 243, 365, 547, 730};
        double wkg = 0;
        for (size_t i = 0; i < sizeof check_days / sizeof check_days[0]; i++) {
            int age = check_days[i] + rng_int(r, -3, 10);
            fy_date_t day = dday + age;
            if (day > g->today)
                break;
            if (!rng_chance(r, 0.9))
                continue;
            /* WHO medians, roughly, with each child's own track */
            double track = rng_normal(r, 0, 0.8);
            double median_w = age < 90 ? 3.3 + age * 0.03 : age < 365 ? 6.0 + (age - 90) * 0.012 : 9.3 + (age - 365) * 0.0065;
            double median_l = age < 90 ? 50 + age * 0.11 : age < 365 ? 60 + (age - 90) * 0.055 : 75 + (age - 365) * 0.03;
            double median_h = age < 90 ? 34.5 + age * 0.05 : age < 365 ? 39 + (age - 90) * 0.02 : 45.5 + (age - 365) * 0.004;
            wkg = round1(median_w * (1 + 0.11 * track));
            json_t *chk = json_pack("{s:s, s:f, s:f, s:f}", "date", "", "weight_kg", wkg, "length_cm",
                                    round1(median_l * (1 + 0.035 * track)), "head_cm",
                                    round1(median_h * (1 + 0.03 * rng_normal(r, 0, 0.8))));
            char ds[11];
            fy_date_format(day, ds);
            json_object_set_new(chk, "date", json_string(ds));
            if (age >= 180 && age <= 250)
                json_object_set_new(chk, "hb_g_l", json_integer(rng_chance(r, 0.06) ? rng_int(r, 95, 109) : rng_int(r, 112, 135)));
            path_of(path, sizeof path, "/api/v1/children/%lld/checks", kids[k]);
            post_at(c, doc, path, chk, at_time(day, 9 * 60 + rng_int(r, 0, 420)));
        }
        (void)wkg;
    }
}

struct ref_ctx {
    int64_t id;
    store_referral_t ref;
    int rc;
};

static int ref_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct ref_ctx *c = vctx;
    c->rc = store_referral_get(tx, c->id, &c->ref, e);
    return c->rc < 0 ? -1 : 0;
}

/* A referral to the rescue centre, answered within the hour, and its course. */
static void referral(gen_t *g, int64_t pid, const api_user_t *from, fy_date_t day)
{
    city_t *c = g->city;
    rng_t *r = &g->r;
    int64_t at = at_time(day, rng_int(r, 0, 1439));
    char when[32];
    fy_instant_format(at, when);
    int64_t ref = post_at(c, from, "/api/v1/referrals",
                          json_pack("{s:s, s:s, s:I, s:s, s:s, s:s}", "kind", "maternal", "type", "referral",
                                    "pregnancy_id", (json_int_t)pid, "reason", "重度子痫前期，需上级医院救治",
                                    "urgency", "emergency", "at", when),
                          at);
    if (!ref)
        return;
    /* the centre's staff act on it: fetch the centre from the stored referral */
    arena_t *a = arena_new();
    struct ref_ctx ctx = {ref, {0}, 0};
    fy_err_t e = {0};
    bool ok = store_read(c->app->store, a, ref_unit, &ctx, &e) == 0 && ctx.rc == 0;
    const ref_institution_t *centre = ok ? refdata_institution(c->app->ref, ctx.ref.center_id) : NULL;
    arena_free(a);
    if (!centre)
        return;
    api_user_t staff;
    actor(c, &staff, ROLE_RESCUE_CENTER, centre);
    char path[96];
    path_of(path, sizeof path, "/api/v1/referrals/%lld/transitions", ref);
    static const char *const steps[] = {"accepted", "in_transit", "arrived", "closed"};
    int64_t t = at;
    for (int i = 0; i < 4; i++) {
        t += (int64_t)(i == 0 ? rng_int(r, 3, 40) : rng_int(r, 10, 90)) * 60000;
        if (t > fy_now_ms())
            break;
        fy_instant_format(t, when);
        json_t *b = json_pack("{s:s, s:s}", "to", steps[i], "at", when);
        if (i == 3)
            json_object_set_new(b, "outcome", json_string(rng_chance(r, 0.995) ? "recovered" : "transferred"));
        post_at(c, i == 1 ? from : &staff, path, b, t);
    }
}

/* One woman's pregnancy, from registration to the postpartum check (or to
 * today when it is still going on). */
static void one_pregnancy(gen_t *g, fy_date_t lmp, int birth_ga, bool deliver)
{
    city_t *c = g->city;
    rng_t *r = &g->r;
    district_pool_t *pool = pick_district(g);
    if (!pool->chcs.n)
        return;
    const ref_institution_t *chc = pool->chcs.items[rng_int(r, 0, (int)pool->chcs.n - 1)];
    const ref_institution_t *hosp =
        pool->hospitals.n && rng_chance(r, 0.7) ? pool->hospitals.items[rng_int(r, 0, (int)pool->hospitals.n - 1)]
                                                : g->all_hospitals.items[rng_int(r, 0, (int)g->all_hospitals.n - 1)];
    api_user_t doc, obs;
    actor(c, &doc, ROLE_COMMUNITY_DOCTOR, chc);
    actor(c, &obs, ROLE_OBSTETRICIAN, hosp);

    /* the woman: age at LMP by Shanghai's pattern (late first births) */
    double ar = rng_unit(r);
    int age = ar < 0.08 ? rng_int(r, 20, 24) : ar < 0.44 ? rng_int(r, 25, 29) : ar < 0.90 ? rng_int(r, 30, 34)
              : ar < 0.99 ? rng_int(r, 35, 39) : rng_int(r, 40, 42);
    fy_date_t birth = fy_date_add_months(lmp, -age * 12) - rng_int(r, 0, 364);
    char idn[19];
    char name[32], phone[12];
    snprintf(name, sizeof name, "%s%s", surnames[rng_int(r, 0, 19)], given[rng_int(r, 0, 19)]);
    snprintf(phone, sizeof phone, "13%09d", rng_int(r, 0, 999999999));
    int reg_ga = rng_chance(r, 0.9) ? rng_int(r, 42, 90) : rng_int(r, 91, 168);
    fy_date_t reg_day = lmp + reg_ga;
    if (reg_day > g->today)
        return;
    /* a real city has no two women with one ID number: draw again on a clash */
    int64_t woman = 0;
    for (int attempt = 0; attempt < 5 && !woman; attempt++) {
        make_idnum(r, pool->district->code, birth - attempt, idn);
        woman = call(c, &doc, "POST", "/api/v1/women",
                     json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name", name, "id_type", "resident_id", "id_number",
                               idn, "phone", phone, "residence_district", pool->district->code, "address",
                               pool->district->name),
                     at_time(reg_day, 9 * 60 + rng_int(r, 0, 420)));
    }
    if (!woman)
        return;

    /* history and body */
    int parity = rng_chance(r, 0.62) ? 0 : rng_chance(r, 0.9) ? 1 : 2;
    int misc = rng_chance(r, 0.25) ? rng_int(r, 1, 2) : (rng_chance(r, 0.01) ? 3 : 0);
    int gravidity = 1 + parity + misc;
    int caes = parity && rng_chance(r, 0.3) ? 1 : 0;
    if (caes && parity == 2 && rng_chance(r, 0.3))
        caes = 2;
    double height = round1(rng_normal(r, 161, 5));
    if (height < 145)
        height = 145;
    double br = rng_unit(r);
    double bmi = br < 0.02 ? 17.5 + rng_unit(r) * 0.8 : br < 0.93 ? 19 + rng_unit(r) * 5.9 : br < 0.994 ? 25.2 + rng_unit(r) * 2.6
                 : 28 + rng_unit(r) * 4;
    double weight = round1(bmi * height * height / 10000);
    int fetuses = rng_chance(r, 0.015) ? 2 : 1;
    bool art = rng_chance(r, 0.03);
    char lmp_s[11];
    fy_date_format(lmp, lmp_s);
    json_t *preg = json_pack("{s:I, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:b, s:i, s:f, s:f}", "woman_id",
                             (json_int_t)woman, "lmp", lmp_s, "card", "small", "institution_id", chc->id,
                             "gravidity", gravidity, "parity", parity, "previous_caesareans", caes,
                             "previous_miscarriages", misc, "assisted_reproduction", art, "fetuses", fetuses,
                             "height_cm", height, "weight_kg", weight);
    if (caes) {
        char sd[11];
        fy_date_format(lmp - rng_int(r, 300, 2500), sd);
        json_object_set_new(preg, "last_uterine_surgery_date", json_string(sd));
    }
    int64_t pid = call(c, &doc, "POST", "/api/v1/pregnancies", preg, at_time(reg_day, 10 * 60 + rng_int(r, 0, 300)));
    if (!pid)
        return;
    char path[96];
    /* the big card at the delivery hospital, 12–16 weeks or soon after a late registration */
    int big_ga = reg_ga < 84 ? rng_int(r, 84, 112) : reg_ga + rng_int(r, 3, 14);
    fy_date_t big_day = lmp + big_ga;
    if (big_day <= g->today && (!deliver || big_ga < birth_ga)) {
        path_of(path, sizeof path, "/api/v1/pregnancies/%lld/big-card", pid);
        call(c, &obs, "POST", path, json_pack("{s:s}", "institution_id", hosp->id), at_time(big_day, 9 * 60 + 30));
    } else {
        obs = doc; /* no big card yet: visits stay at the community centre */
    }

    /* a risk profile: hypertension, anaemia, low platelets, infection, declared factor */
    int profile[5] = {rng_chance(r, 0.04), rng_chance(r, 0.05), rng_chance(r, 0.008), 0, 0};
    double inf = rng_unit(r);
    profile[3] = inf < 0.022 ? 1 : inf < 0.0245 ? 2 : inf < 0.0247 ? 3 : 0;
    double dr = rng_unit(r);
    profile[4] = dr < 0.004 ? 3 : dr < 0.014 ? 2 : dr < 0.05 ? 1 : 0;

    /* visits along the national windows, some missed */
    const schedule_t *sched = c->app->anc_schedule;
    bool first = true;
    fy_date_t last_visit = reg_day;
    for (size_t w = 0; w < schedule_count(sched); w++) {
        const schedule_window_t *win = schedule_at(sched, w);
        int from = win->from_days, to = win->to_days;
        if (to <= reg_ga)
            continue;
        if (from <= reg_ga)
            from = reg_ga + 1;
        if (deliver && to >= birth_ga)
            to = birth_ga - 1;
        if (from > to || rng_chance(r, 0.1))
            continue;
        int ga = rng_int(r, from, to);
        fy_date_t day = lmp + ga;
        if (day > g->today)
            break;
        const api_user_t *who = day >= big_day ? &obs : &doc;
        path_of(path, sizeof path, "/api/v1/pregnancies/%lld/visits", pid);
        call(c, who, "POST", path, visit_body(g, day, ga, weight, first, profile), at_time(day, 9 * 60 + rng_int(r, 0, 420)));
        first = false;
        last_visit = day;
    }
    if (profile[4] >= 2 && rng_chance(r, 0.3) && last_visit + 1 <= g->today)
        referral(g, pid, &obs, last_visit + 1);
    if (!deliver)
        return;
    /* maternal deaths are rare (Shanghai 2021: 1.6 per 100,000 live births) */
    if (rng_chance(r, 0.000016)) {
        fy_date_t day = lmp + birth_ga;
        if (day <= g->today) {
            char when[32];
            int64_t at = at_time(day, rng_int(r, 0, 1439));
            fy_instant_format(at, when);
            post_at(c, &obs, "/api/v1/critical-events",
                    json_pack("{s:s, s:I, s:s, s:s, s:s}", "kind", "maternal_death", "woman_id", (json_int_t)woman,
                              "occurred_at", when, "cause", "产后出血", "place", hosp->name),
                    at + (int64_t)rng_int(r, 2, 30) * 3600000);
            return;
        }
    }

    /* delivery */
    fy_date_t dday = lmp + birth_ga;
    if (dday > g->today)
        return;
    api_user_t dobs;
    actor(c, &dobs, ROLE_OBSTETRICIAN, hosp);
    double mr = rng_unit(r);
    const char *mode = mr < 0.40 || (fetuses == 2 && mr < 0.7) ? "caesarean" : mr < 0.43 ? "assisted" : "spontaneous";
    json_t *babies = json_array();
    for (int b = 0; b < fetuses; b++) {
        /* birth weight rises about 12 g a day at term and 30 g a day before it */
        double mean = birth_ga >= 259 ? 3350 + (birth_ga - 275) * 12.0 : 3158 - (259 - birth_ga) * 30.0;
        if (fetuses == 2)
            mean -= 450;
        int wg = (int)rng_normal(r, mean, 330);
        if (wg < 600)
            wg = 600;
        if (wg > 5200)
            wg = 5200;
        bool still = rng_chance(r, birth_ga < 224 ? 0.03 : 0.002);
        json_array_append_new(babies, json_pack("{s:i, s:i, s:f, s:f, s:i, s:i, s:s}", "sex", rng_int(r, 1, 2),
                                                "weight_g", wg, "length_cm", round1(rng_normal(r, 50, 1.8)),
                                                "head_cm", round1(rng_normal(r, 34, 1.2)), "apgar_1",
                                                still ? 0 : rng_int(r, 7, 10), "apgar_5", still ? 0 : rng_int(r, 8, 10),
                                                "outcome", still ? "stillbirth" : "live"));
    }
    json_t *del = json_pack("{s:s, s:s, s:s, s:b, s:i, s:o}", "delivered_at", "", "institution_id", hosp->id, "mode",
                            mode, "epidural", strcmp(mode, "caesarean") != 0 && rng_chance(r, 0.55),
                            "blood_loss_ml", strcmp(mode, "caesarean") == 0 ? rng_int(r, 250, 700) : rng_int(r, 100, 450),
                            "babies", babies);
    int minute = rng_int(r, 0, 1439);
    char when[40];
    int64_t dms = at_time(dday, minute);
    fy_instant_format(dms, when);
    json_object_set_new(del, "delivered_at", json_string(when));
    if (strcmp(mode, "caesarean") == 0)
        json_object_set_new(del, "cs_indication",
                            json_string(rng_chance(r, 0.15) ? "none" : cs_indications[rng_int(r, 0, 7)]));
    path_of(path, sizeof path, "/api/v1/pregnancies/%lld/delivery", pid);
    if (!call(c, &dobs, "POST", path, del, dms + 3600000))
        return;
    newborns(g, pid, woman, name, idn, pool, hosp, &dobs, &doc, dday, dms, birth_ga);

    /* postpartum visits by her community centre */
    static const struct {
        const char *kind;
        int day;
        double p;
    } pp[] = {{"home_visit", 5, 0.96}, {"home_visit", 27, 0.9}, {"day42", 43, 0.88}};
    path_of(path, sizeof path, "/api/v1/pregnancies/%lld/postpartum-visits", pid);
    for (int k = 0; k < 3; k++) {
        fy_date_t day = dday + pp[k].day + rng_int(r, 0, 3);
        if (day > g->today || !rng_chance(r, pp[k].p))
            continue;
        char ds[11];
        fy_date_format(day, ds);
        json_t *v = json_pack("{s:s, s:s, s:i, s:i}", "date", ds, "kind", pp[k].kind, "sbp", rng_int(r, 100, 132),
                              "dbp", rng_int(r, 62, 84));
        if (k == 2)
            json_object_set_new(v, "epds_score", json_integer(rng_chance(r, 0.01) ? rng_int(r, 13, 20) : rng_int(r, 0, 9)));
        call(c, &doc, "POST", path, v, at_time(day, 10 * 60 + rng_int(r, 0, 300)));
    }
}

/* The report year that has most recently ended (1 October – 30 September). */
static int default_year(fy_date_t today)
{
    int y, m, d;
    fy_date_to_civil(today, &y, &m, &d);
    return m >= 10 ? y : y - 1;
}

static double secs_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int audit_unit(store_tx_t *tx, void *ctx, fy_err_t *e) { return store_audit_append(tx, ctx, e); }

static int demo_city(app_t *app, const demo_opts_t *o, rng_t *r)
{
    city_t c = {0};
    c.app = app;
    c.routes = api_routes(&c.nroutes);
    gen_t g = {0};
    g.city = &c;
    g.r = *r;
    g.ref = app->ref;
    g.today = fy_today();
    int year = o->year ? o->year : default_year(g.today);
    fy_date_t from = fy_date_from_civil(year - 1, 10, 1), to = fy_date_from_civil(year, 9, 30);
    if (to > g.today)
        to = g.today;
    g.npools = refdata_district_count(app->ref);
    g.pools = calloc(g.npools, sizeof *g.pools);
    for (size_t i = 0; i < g.npools; i++) {
        g.pools[i].district = refdata_district_at(app->ref, i);
        g.total_weight += g.pools[i].district->population_weight;
        list_of(app->ref, INST_COMMUNITY_HEALTH_CENTER, g.pools[i].district->code, &g.pools[i].chcs);
        list_of(app->ref, INST_DELIVERY_HOSPITAL, g.pools[i].district->code, &g.pools[i].hospitals);
    }
    list_of(app->ref, INST_DELIVERY_HOSPITAL, NULL, &g.all_hospitals);
    actor(&c, &c.city_admin, ROLE_CITY_ADMIN, NULL);
    /* blank certificate forms: a block of numbers for every delivery hospital */
    for (size_t k = 0; k < g.all_hospitals.n; k++)
        call(&c, &c.city_admin, "POST", "/api/v1/certificate-blocks",
             json_pack("{s:s, s:s, s:I, s:I}", "institution_id", g.all_hospitals.items[k]->id, "letter", "N",
                       "first", (json_int_t)(100000000 + (json_int_t)k * 1000000),
                       "last", (json_int_t)(100999999 + (json_int_t)k * 1000000)),
             at_time(from - 30, 9 * 60));

    /* bulk load: no fsync per commit; one at the end */
    store_set_durable(app->store, false);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long ongoing = o->births * 3 / 10;
    long total = o->births + ongoing;
    fprintf(stderr, "demo: report year %d (%04d-10-01 to %04d-09-30): %ld births and %ld ongoing pregnancies\n", year,
            year - 1, year, o->births, ongoing);
    for (long i = 0; i < total; i++) {
        if (i < o->births) {
            /* deliveries spread over the report year */
            fy_date_t dday = from + (fy_date_t)rng_int(&g.r, 0, (int)(to - from));
            double gr = rng_unit(&g.r);
            int ga = gr < 0.004 ? rng_int(&g.r, 196, 223) : gr < 0.05 ? rng_int(&g.r, 224, 258)
                     : gr < 0.93 ? rng_int(&g.r, 259, 286) : rng_int(&g.r, 287, 293);
            one_pregnancy(&g, dday - ga, ga, true);
        } else {
            /* pregnancies going on today */
            one_pregnancy(&g, g.today - rng_int(&g.r, 50, 270), 0, false);
        }
        if (total >= 1000 && (i + 1) % (total / 20) == 0)
            fprintf(stderr, "demo: %3ld%%  %ld requests, %.0f s\n", (i + 1) * 100 / total, c.requests,
                    secs_since(&t0));
    }
    store_set_durable(app->store, true);
    /* a last durable commit makes everything before it durable too */
    char summary[160];
    snprintf(summary, sizeof summary, "report year %d, %ld births, %ld ongoing, seed %ld", year, o->births, ongoing,
             o->seed);
    store_audit_t au = {.at = fy_now_ms(), .username = "demo", .role = "sys_admin", .action = "generate",
                        .resource = "demo", .client_ip = "cli", .reason = summary};
    arena_t *a = arena_new();
    fy_err_t e = {0};
    store_write(app->store, a, audit_unit, &au, &e);
    arena_free(a);
    fprintf(stderr, "demo: done: %ld requests (%ld refused) in %.1f s\n", c.requests, c.failures, secs_since(&t0));
    for (size_t i = 0; i < g.npools; i++) {
        free(g.pools[i].chcs.items);
        free(g.pools[i].hospitals.items);
    }
    free(g.pools);
    free(g.all_hospitals.items);
    return 0;
}

int demo_run(app_t *app, const demo_opts_t *o)
{
    rng_t r = {(uint64_t)o->seed * 0x2545F4914F6CDD1DULL + 1};
    if (demo_accounts(app->store, app->ref, &r))
        return -1;
    if (o->births > 0 && demo_city(app, o, &r))
        return -1;
    return 0;
}
