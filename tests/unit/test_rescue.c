/* Tests for domain/rescue.c: the percentile (linear interpolation between
 * closest ranks) on constructed sets, the 24-hour late-report rule on both
 * sides of its edge, every pair of referral states, who may move a
 * referral and who sees it, the time-stamp rule of a transition, the
 * routing rule against the shipped sample for all 16 districts (and its
 * fallback), the pairing check, and the age windows of child deaths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/refdata.h"
#include "domain/rescue.h"

#define H (3600LL * 1000)
#define MIN (60LL * 1000)

static refdata_t *g_ref;

static int setup(void **state)
{
    (void)state;
    char err[256];
    if (refdata_load("data", &g_ref, err, sizeof err)) {
        fprintf(stderr, "refdata: %s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    refdata_free(g_ref);
    return 0;
}

/* ---- percentile ---------------------------------------------------------- */

static double pct(const double *in, size_t n, double p)
{
    double v[64];
    memcpy(v, in, sizeof *v * n);
    return rescue_percentile(v, n, p);
}

static void test_percentile_constructed_sets(void **state)
{
    (void)state;
    /* 1..10 given out of order: h = 9·0.5 = 4.5 → 5 + 0.5·(6−5) = 5.5; h = 9·0.9
     * = 8.1 → 9 + 0.1·1 = 9.1 */
    const double ten[] = {7, 3, 10, 1, 9, 2, 8, 4, 6, 5};
    assert_float_equal(pct(ten, 10, 0.5), 5.5, 1e-12);
    assert_float_equal(pct(ten, 10, 0.9), 9.1, 1e-12);
    /* 11 values 0,10,…,100: exact ranks, h = 5 and h = 9 */
    const double eleven[] = {100, 0, 90, 10, 80, 20, 70, 30, 60, 40, 50};
    assert_float_equal(pct(eleven, 11, 0.5), 50, 1e-12);
    assert_float_equal(pct(eleven, 11, 0.9), 90, 1e-12);
    /* response minutes of a constructed centre: 5 10 15 20 30 45 60 120 (n = 8)
     * median h = 3.5 → 20 + 0.5·10 = 25; p90 h = 6.3 → 60 + 0.3·60 = 78 */
    const double mins[] = {45, 5, 120, 15, 10, 60, 30, 20};
    assert_float_equal(pct(mins, 8, 0.5), 25, 1e-12);
    assert_float_equal(pct(mins, 8, 0.9), 78, 1e-9);
    /* three values: median is the middle one; p90 h = 1.8 → 2 + 0.8·(3−2) */
    const double three[] = {3, 1, 2};
    assert_float_equal(pct(three, 3, 0.5), 2, 1e-12);
    assert_float_equal(pct(three, 3, 0.9), 2.8, 1e-12);
    /* two values: the mean, and 90 % of the way */
    const double two[] = {10, 20};
    assert_float_equal(pct(two, 2, 0.5), 15, 1e-12);
    assert_float_equal(pct(two, 2, 0.9), 19, 1e-12);
    /* one value is every percentile */
    const double one[] = {42};
    assert_float_equal(pct(one, 1, 0.5), 42, 1e-12);
    assert_float_equal(pct(one, 1, 0.9), 42, 1e-12);
    /* ties */
    const double ties[] = {5, 5, 5, 5, 100};
    assert_float_equal(pct(ties, 5, 0.5), 5, 1e-12);
    assert_float_equal(pct(ties, 5, 0.9), 5 + 0.6 * 95, 1e-9);
    /* the ends */
    assert_float_equal(pct(ten, 10, 0), 1, 1e-12);
    assert_float_equal(pct(ten, 10, 1), 10, 1e-12);
    /* nothing measured */
    assert_true(isnan(rescue_percentile(NULL, 0, 0.5)));
    /* the input is sorted in place */
    double v[] = {3, 1, 2};
    rescue_percentile(v, 3, 0.5);
    assert_true(v[0] == 1 && v[1] == 2 && v[2] == 3);
}

static void test_minutes(void **state)
{
    (void)state;
    assert_float_equal(rescue_minutes(0, 90 * 1000), 1.5, 1e-12);
    assert_float_equal(rescue_minutes(1000 * MIN, 1045 * MIN), 45, 1e-12);
}

/* ---- the late-report rule ------------------------------------------------ */

static void test_late_rule_edge(void **state)
{
    (void)state;
    int64_t occurred = 1700000000000LL;
    assert_false(rescue_report_late(occurred, occurred + 24 * H, 24 * H));      /* exactly 24 h: on time */
    assert_true(rescue_report_late(occurred, occurred + 24 * H + 1, 24 * H));   /* 1 ms more: late */
    assert_true(rescue_report_late(occurred, occurred + 24 * H + MIN, 24 * H)); /* a minute more: late */
    assert_false(rescue_report_late(occurred, occurred + 24 * H - MIN, 24 * H));
    assert_false(rescue_report_late(occurred, occurred, 24 * H));
    assert_true(rescue_report_late(occurred, occurred + 72 * H, 24 * H));
}

/* ---- the state machine --------------------------------------------------- */

static void test_every_pair_of_states(void **state)
{
    (void)state;
    /* legal[from][to], the whole machine */
    static const bool legal[RS_NSTATES][RS_NSTATES] = {
        [RS_REQUESTED] = {[RS_ACCEPTED] = true, [RS_REDIRECTED] = true},
        [RS_ACCEPTED] = {[RS_IN_TRANSIT] = true},
        [RS_IN_TRANSIT] = {[RS_ARRIVED] = true},
        [RS_ARRIVED] = {[RS_CLOSED] = true},
    };
    int n_legal = 0;
    for (int f = 0; f < RS_NSTATES; f++)
        for (int t = 0; t < RS_NSTATES; t++) {
            bool got = rescue_transition_allowed((rescue_state_t)f, (rescue_state_t)t);
            if (got != legal[f][t])
                fail_msg("%s → %s: expected %s", rescue_state_name((rescue_state_t)f),
                         rescue_state_name((rescue_state_t)t), legal[f][t] ? "legal" : "illegal");
            n_legal += got;
        }
    assert_int_equal(n_legal, 5);
    assert_false(rescue_transition_allowed(RS_NSTATES, RS_ACCEPTED));
    assert_false(rescue_transition_allowed(RS_REQUESTED, RS_NSTATES));
    /* a redirected referral waits at its new centre as requested */
    assert_int_equal(rescue_state_after(RS_REDIRECTED), RS_REQUESTED);
    for (int s = 0; s < RS_NSTATES; s++)
        if (s != RS_REDIRECTED)
            assert_int_equal(rescue_state_after((rescue_state_t)s), s);
    rescue_state_t nx[RS_NSTATES];
    assert_int_equal(rescue_next_states(RS_REQUESTED, nx), 2);
    assert_int_equal(nx[0], RS_ACCEPTED);
    assert_int_equal(nx[1], RS_REDIRECTED);
    assert_int_equal(rescue_next_states(RS_CLOSED, nx), 0);
    /* names round-trip */
    for (int s = 0; s < RS_NSTATES; s++) {
        rescue_state_t back;
        assert_int_equal(rescue_state_parse(rescue_state_name((rescue_state_t)s), &back), 0);
        assert_int_equal(back, s);
    }
    rescue_state_t x;
    assert_int_equal(rescue_state_parse("transferred", &x), -1);
    assert_int_equal(rescue_state_parse(NULL, &x), -1);
}

static void test_actors(void **state)
{
    (void)state;
    /* centre staff of the centre it waits at: every step */
    rescue_actor_t a = rescue_actor_of(ROLE_RESCUE_CENTER, "ruijin", "ruijin", "310104-h1");
    assert_int_equal(a, RESCUE_ACTOR_CENTER);
    for (int t = 0; t < RS_NSTATES; t++)
        assert_true(rescue_actor_may(a, (rescue_state_t)t));
    /* the referring hospital only sends her off */
    a = rescue_actor_of(ROLE_OBSTETRICIAN, "310104-h1", "ruijin", "310104-h1");
    assert_int_equal(a, RESCUE_ACTOR_REFERRER);
    for (int t = 0; t < RS_NSTATES; t++)
        assert_int_equal(rescue_actor_may(a, (rescue_state_t)t), t == RS_IN_TRANSIT);
    /* another centre, an obstetrician elsewhere, admins: nothing */
    assert_int_equal(rescue_actor_of(ROLE_RESCUE_CENTER, "xinhua", "ruijin", "310104-h1"), RESCUE_ACTOR_NONE);
    assert_int_equal(rescue_actor_of(ROLE_OBSTETRICIAN, "ruijin", "ruijin", "310104-h1"), RESCUE_ACTOR_NONE);
    assert_int_equal(rescue_actor_of(ROLE_CITY_ADMIN, NULL, "ruijin", "310104-h1"), RESCUE_ACTOR_NONE);
    assert_int_equal(rescue_actor_of(ROLE_DISTRICT_ADMIN, "", "ruijin", "310104-h1"), RESCUE_ACTOR_NONE);
    assert_false(rescue_actor_may(RESCUE_ACTOR_NONE, RS_ACCEPTED));
    /* a centre that referred its own patient onward acts as the referrer there */
    assert_int_equal(rescue_actor_of(ROLE_RESCUE_CENTER, "ruijin", "xinhua", "ruijin"), RESCUE_ACTOR_REFERRER);
}

static void test_visibility(void **state)
{
    (void)state;
    scope_t ruijin = scope_for(ROLE_RESCUE_CENTER, "ruijin", "310101", 0);
    scope_t hosp = scope_for(ROLE_OBSTETRICIAN, "h1", "310104", 0);
    scope_t xuhui = scope_for(ROLE_DISTRICT_ADMIN, NULL, "310104", 0);
    scope_t city = scope_for(ROLE_CITY_ADMIN, NULL, NULL, 0);
    scope_t citizen = scope_for(ROLE_CITIZEN, NULL, NULL, 7);
    /* referral from h1 (徐汇) of a 黄浦 resident, waiting at ruijin */
    const char *center = "ruijin", *from = "h1", *pd = "310101", *fd = "310104";
    assert_true(rescue_referral_visible(&ruijin, ROLE_RESCUE_CENTER, center, from, pd, fd));
    assert_false(rescue_referral_visible(&ruijin, ROLE_RESCUE_CENTER, "xinhua", from, pd, fd));
    assert_true(rescue_referral_visible(&hosp, ROLE_OBSTETRICIAN, center, from, pd, fd));
    assert_false(rescue_referral_visible(&hosp, ROLE_OBSTETRICIAN, center, "h2", pd, fd));
    /* an obstetrician at a centre hospital does not see the centre's referrals */
    scope_t ruijin_ob = scope_for(ROLE_OBSTETRICIAN, "ruijin", "310101", 0);
    assert_false(rescue_referral_visible(&ruijin_ob, ROLE_OBSTETRICIAN, center, from, pd, fd));
    assert_true(rescue_referral_visible(&xuhui, ROLE_DISTRICT_ADMIN, center, from, pd, fd)); /* by hospital */
    assert_true(rescue_referral_visible(&xuhui, ROLE_DISTRICT_ADMIN, center, from, "310104", "310115"));
    assert_false(rescue_referral_visible(&xuhui, ROLE_DISTRICT_ADMIN, center, from, "310115", "310115"));
    assert_true(rescue_referral_visible(&city, ROLE_CITY_ADMIN, center, from, pd, fd));
    assert_false(rescue_referral_visible(&citizen, ROLE_CITIZEN, center, from, pd, fd));
}

static void test_transition_time(void **state)
{
    (void)state;
    int64_t now = 1700000000000LL, prev = now - H;
    assert_int_equal(rescue_check_at(now, now, prev), RESCUE_AT_OK);
    assert_int_equal(rescue_check_at(prev, now, prev), RESCUE_AT_OK); /* same moment as the previous step */
    assert_int_equal(rescue_check_at(now + 1, now, prev), RESCUE_AT_FUTURE);
    assert_int_equal(rescue_check_at(prev - 1, now, prev), RESCUE_AT_BEFORE_PREVIOUS);
}

/* ---- the network: routing and the pairing check -------------------------- */

/* The shipped sample, read with jansson into a rescue_network_t (strings
 * owned by the json tree). */
typedef struct {
    json_t *root;
    rescue_network_t n;
    rescue_center_t centers[RESCUE_NKINDS][16];
    const char *districts[RESCUE_NKINDS][16][16];
} sample_t;

static void load_sample(sample_t *s)
{
    memset(s, 0, sizeof *s);
    json_error_t je;
    s->root = json_load_file("data/rescue-network.json", 0, &je);
    assert_non_null(s->root);
    json_t *order = json_object_get(s->root, "routing_order");
    assert_true(json_is_array(order));
    size_t i;
    json_t *v;
    json_array_foreach(order, i, v) {
        rescue_basis_t b;
        assert_int_equal(rescue_basis_parse(json_string_value(v), &b), 0);
        s->n.order[s->n.norder++] = b;
    }
    for (int k = 0; k < RESCUE_NKINDS; k++) {
        json_t *list = json_object_get(s->root, rescue_kind_name((rescue_kind_t)k));
        s->n.centers[k] = s->centers[k];
        json_array_foreach(list, i, v) {
            rescue_center_t *c = &s->centers[k][s->n.ncenters[k]++];
            c->center = json_string_value(json_object_get(v, "center"));
            c->districts = s->districts[k][i];
            size_t j;
            json_t *d;
            json_array_foreach(json_object_get(v, "districts"), j, d)
                s->districts[k][i][c->ndistricts++] = json_string_value(d);
        }
    }
}

static void test_route_every_district(void **state)
{
    (void)state;
    sample_t s;
    load_sample(&s);
    assert_int_equal(rescue_network_check(&s.n, g_ref, &(fy_err_t){0}), 0);
    /* the sample's rule: residence first, then the referring hospital */
    assert_int_equal(s.n.norder, 2);
    assert_int_equal(s.n.order[0], RESCUE_BY_RESIDENCE);
    assert_int_equal(s.n.order[1], RESCUE_BY_INSTITUTION);
    static const struct {
        const char *district, *maternal, *newborn;
    } want[16] = {
        {"310101", "ruijin", "ruijin"},  {"310104", "zhongshan", "ipmch"}, {"310105", "sh6", "ipmch"},
        {"310106", "ruijin", "ruijin"},  {"310107", "zhongshan", "shch"},  {"310109", "sh1", "xinhua"},
        {"310110", "xinhua", "xinhua"},  {"310112", "sh6", "fdch"},        {"310113", "xinhua", "xinhua"},
        {"310114", "zhongshan", "shch"}, {"310115", "renji", "scmc"},      {"310116", "shphc", "fdch"},
        {"310117", "sh1", "fdch"},       {"310118", "sh1", "shch"},        {"310120", "renji", "scmc"},
        {"310151", "xinhua", "xinhua"},
    };
    assert_int_equal(refdata_district_count(g_ref), 16);
    for (int i = 0; i < 16; i++) {
        rescue_basis_t b;
        const char *d;
        /* residence decides, whatever the hospital's district */
        const char *m = rescue_route(&s.n, RESCUE_MATERNAL, want[i].district, "310115", &b, &d);
        assert_non_null(m);
        assert_string_equal(m, want[i].maternal);
        assert_int_equal(b, RESCUE_BY_RESIDENCE);
        assert_string_equal(d, want[i].district);
        const char *nb = rescue_route(&s.n, RESCUE_NEWBORN, want[i].district, "310101", &b, &d);
        assert_string_equal(nb, want[i].newborn);
        /* no residence recorded (or outside Shanghai): the hospital's district */
        m = rescue_route(&s.n, RESCUE_MATERNAL, NULL, want[i].district, &b, &d);
        assert_string_equal(m, want[i].maternal);
        assert_int_equal(b, RESCUE_BY_INSTITUTION);
        m = rescue_route(&s.n, RESCUE_MATERNAL, "320102", want[i].district, &b, &d);
        assert_string_equal(m, want[i].maternal);
        assert_int_equal(b, RESCUE_BY_INSTITUTION);
    }
    rescue_basis_t b;
    const char *d;
    assert_null(rescue_route(&s.n, RESCUE_MATERNAL, NULL, NULL, &b, &d));
    assert_null(rescue_route(&s.n, RESCUE_MATERNAL, "320102", "110101", &b, &d));
    /* the order is data: hospital first when the network says so */
    s.n.order[0] = RESCUE_BY_INSTITUTION;
    s.n.order[1] = RESCUE_BY_RESIDENCE;
    assert_string_equal(rescue_route(&s.n, RESCUE_MATERNAL, "310101", "310115", &b, &d), "renji");
    assert_int_equal(b, RESCUE_BY_INSTITUTION);
    /* residence only: no fallback */
    s.n.order[0] = RESCUE_BY_RESIDENCE;
    s.n.norder = 1;
    assert_null(rescue_route(&s.n, RESCUE_MATERNAL, NULL, "310115", &b, &d));
    json_decref(s.root);
}

static bool has_field(const fy_err_t *e, const char *field, const char *code)
{
    for (int i = 0; i < e->n; i++)
        if (strcmp(e->fields[i].field, field) == 0 && (!code || strcmp(e->fields[i].code, code) == 0))
            return true;
    return false;
}

static void test_network_check(void **state)
{
    (void)state;
    sample_t s;
    fy_err_t e;

    /* a district paired twice: maternal[1] (zhongshan) also takes 310101 */
    load_sample(&s);
    s.districts[RESCUE_MATERNAL][1][s.centers[RESCUE_MATERNAL][1].ndistricts++] = "310101";
    memset(&e, 0, sizeof e);
    assert_int_equal(rescue_network_check(&s.n, g_ref, &e), -1);
    assert_int_equal(e.status, 422);
    assert_true(has_field(&e, "maternal[1].districts[3]", "duplicate"));
    json_decref(s.root);

    /* a district left out: drop 310116 (shphc's only one) */
    load_sample(&s);
    s.n.ncenters[RESCUE_MATERNAL]--; /* shphc is the last maternal entry */
    memset(&e, 0, sizeof e);
    assert_int_equal(rescue_network_check(&s.n, g_ref, &e), -1);
    assert_true(has_field(&e, "maternal", "unpaired_districts"));
    assert_non_null(strstr(e.fields[0].message, "310116"));
    json_decref(s.root);

    /* a newborn-only centre as a maternal centre; an unknown institution */
    load_sample(&s);
    s.centers[RESCUE_MATERNAL][0].center = "fdch";
    s.centers[RESCUE_NEWBORN][0].center = "no-such-hospital";
    memset(&e, 0, sizeof e);
    assert_int_equal(rescue_network_check(&s.n, g_ref, &e), -1);
    assert_true(has_field(&e, "maternal[0].center", "institution_type"));
    assert_true(has_field(&e, "newborn[0].center", "unknown_institution"));
    json_decref(s.root);

    /* a delivery hospital that is not a centre */
    load_sample(&s);
    s.centers[RESCUE_NEWBORN][1].center = "renji"; /* maternal centre only */
    memset(&e, 0, sizeof e);
    assert_int_equal(rescue_network_check(&s.n, g_ref, &e), -1);
    assert_true(has_field(&e, "newborn[1].center", "institution_type"));
    json_decref(s.root);

    /* a code that is not one of the 16 districts; the same centre listed twice */
    load_sample(&s);
    s.districts[RESCUE_NEWBORN][2][0] = "310108"; /* 闸北, merged into 静安 in 2015 */
    s.centers[RESCUE_NEWBORN][3].center = s.centers[RESCUE_NEWBORN][2].center;
    memset(&e, 0, sizeof e);
    assert_int_equal(rescue_network_check(&s.n, g_ref, &e), -1);
    assert_true(has_field(&e, "newborn[2].districts[0]", "district"));
    assert_true(has_field(&e, "newborn[3].center", "duplicate"));
    assert_true(has_field(&e, "newborn", "unpaired_districts")); /* 310107 lost its centre */
    json_decref(s.root);

    /* a routing order that is empty or repeats */
    load_sample(&s);
    s.n.norder = 0;
    memset(&e, 0, sizeof e);
    assert_int_equal(rescue_network_check(&s.n, g_ref, &e), -1);
    assert_true(has_field(&e, "routing_order", "required"));
    s.n.norder = 2;
    s.n.order[1] = s.n.order[0];
    memset(&e, 0, sizeof e);
    assert_int_equal(rescue_network_check(&s.n, g_ref, &e), -1);
    assert_true(has_field(&e, "routing_order", "duplicate"));
    json_decref(s.root);

    /* a centre with no district */
    load_sample(&s);
    s.centers[RESCUE_MATERNAL][6].ndistricts = 0;
    memset(&e, 0, sizeof e);
    assert_int_equal(rescue_network_check(&s.n, g_ref, &e), -1);
    assert_true(has_field(&e, "maternal[6].districts", "required"));
    json_decref(s.root);
}

static void test_kind_names(void **state)
{
    (void)state;
    rescue_kind_t k;
    assert_int_equal(rescue_kind_parse("maternal", &k), 0);
    assert_int_equal(k, RESCUE_MATERNAL);
    assert_int_equal(rescue_kind_parse("newborn", &k), 0);
    assert_int_equal(k, RESCUE_NEWBORN);
    assert_int_equal(rescue_kind_parse("child", &k), -1);
    assert_int_equal(rescue_kind_center_type(RESCUE_MATERNAL), INST_MATERNAL_RESCUE_CENTER);
    assert_int_equal(rescue_kind_center_type(RESCUE_NEWBORN), INST_NEWBORN_RESCUE_CENTER);
    assert_true(ce_kind_is_child(CE_PERINATAL_DEATH));
    assert_true(ce_kind_is_child(CE_UNDER5_DEATH));
    assert_false(ce_kind_is_child(CE_MATERNAL_DEATH));
    assert_false(ce_kind_is_child(CE_CRITICAL_MATERNAL));
    assert_true(ce_kind_allows_woman(CE_CRITICAL_MATERNAL));
    assert_true(ce_kind_allows_woman(CE_MATERNAL_DEATH));
    assert_true(ce_kind_allows_woman(CE_PERINATAL_DEATH)); /* a stillbirth: the mother */
    assert_false(ce_kind_allows_woman(CE_UNDER5_DEATH));
}

/* ---- child deaths -------------------------------------------------------- */

static void test_child_death_windows(void **state)
{
    (void)state;
    fy_date_t bd = fy_date_from_civil(2024, 3, 1);
    int64_t born = (int64_t)bd * 86400000LL - FY_SHANGHAI_OFFSET_MS + 10 * H; /* 10:00 Shanghai */
    fy_err_t e;
#define OK(kind, live, at)                                                                                             \
    (memset(&e, 0, sizeof e), rescue_child_death_check(kind, live, born, bd, at, "occurred_at", &e))
    /* perinatal, live-born: within 7 days (168 h) */
    assert_int_equal(OK(CE_PERINATAL_DEATH, true, born), 0);
    assert_int_equal(OK(CE_PERINATAL_DEATH, true, born + 168 * H - 1), 0);
    assert_int_equal(OK(CE_PERINATAL_DEATH, true, born + 168 * H), -1);
    assert_true(has_field(&e, "occurred_at", "not_perinatal"));
    assert_int_equal(OK(CE_PERINATAL_DEATH, true, born - 1), -1);
    assert_true(has_field(&e, "occurred_at", "before_birth"));
    /* perinatal, stillbirth: at or before delivery */
    assert_int_equal(OK(CE_PERINATAL_DEATH, false, born - 48 * H), 0);
    assert_int_equal(OK(CE_PERINATAL_DEATH, false, born), 0);
    assert_int_equal(OK(CE_PERINATAL_DEATH, false, born + 1), -1);
    /* under 5: until the day before the 5th birthday (Shanghai dates) */
    fy_date_t fifth = fy_date_from_civil(2029, 3, 1);
    int64_t fifth_start = (int64_t)fifth * 86400000LL - FY_SHANGHAI_OFFSET_MS;
    assert_int_equal(OK(CE_UNDER5_DEATH, true, fifth_start - 1), 0);
    assert_int_equal(OK(CE_UNDER5_DEATH, true, fifth_start), -1);
    assert_true(has_field(&e, "occurred_at", "not_under5"));
    assert_int_equal(OK(CE_UNDER5_DEATH, true, born + 30 * 24 * H), 0);
    assert_int_equal(OK(CE_UNDER5_DEATH, false, born), -1);
    assert_true(has_field(&e, "occurred_at", "stillbirth"));
    assert_int_equal(OK(CE_UNDER5_DEATH, true, born - MIN), -1);
    /* the women's kinds have no window here */
    assert_int_equal(OK(CE_MATERNAL_DEATH, true, born - 1000 * H), 0);
#undef OK
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_percentile_constructed_sets),
        cmocka_unit_test(test_minutes),
        cmocka_unit_test(test_late_rule_edge),
        cmocka_unit_test(test_every_pair_of_states),
        cmocka_unit_test(test_actors),
        cmocka_unit_test(test_visibility),
        cmocka_unit_test(test_transition_time),
        cmocka_unit_test(test_route_every_district),
        cmocka_unit_test(test_network_check),
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_child_death_windows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
