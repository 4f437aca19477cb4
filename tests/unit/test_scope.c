/* Tests for domain/scope.c: the scoping rule of docs/domain.md §1 — every
 * role against a woman of its own institution, of another institution, of
 * its own district by residence, of its own district only through a
 * serving institution, of another district, and a citizen's own record
 * against someone else's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "domain/scope.h"

/* The users: staff of A (a 徐汇 centre), a 徐汇 admin, a citizen who is woman 7. */
#define INST_A "310104-chc-1"
#define INST_A2 "310104-chc-2" /* same district, other institution */
#define INST_B "310115-chc-1"  /* 浦东 */
#define XUHUI "310104"
#define PUDONG "310115"

enum { OWN_INST, OTHER_INST, DISTRICT_BY_RESIDENCE, DISTRICT_BY_SERVICE, OTHER_DISTRICT, NFACTS };

/* women: 7 lives in 徐汇 and is served by A; 8 lives in 浦东 and is served by
 * B; 9 lives in 徐汇, served by B only; 10 lives in 浦东, served by A2 (徐汇);
 * 11 lives in 浦东, served by B. */
static scope_facts_t facts(int which)
{
    scope_facts_t f;
    memset(&f, 0, sizeof f);
    switch (which) {
    case OWN_INST:
        f.woman_id = 7;
        f.residence_district = XUHUI;
        f.n_links = 1;
        f.links[0].institution_id = INST_A;
        f.links[0].district = XUHUI;
        break;
    case OTHER_INST:
        f.woman_id = 8;
        f.residence_district = PUDONG;
        f.n_links = 1;
        f.links[0].institution_id = INST_B;
        f.links[0].district = PUDONG;
        break;
    case DISTRICT_BY_RESIDENCE:
        f.woman_id = 9;
        f.residence_district = XUHUI;
        f.n_links = 1;
        f.links[0].institution_id = INST_B;
        f.links[0].district = PUDONG;
        break;
    case DISTRICT_BY_SERVICE:
        f.woman_id = 10;
        f.residence_district = PUDONG;
        f.n_links = 1;
        f.links[0].institution_id = INST_A2;
        f.links[0].district = XUHUI;
        break;
    case OTHER_DISTRICT:
        f.woman_id = 11;
        f.residence_district = PUDONG;
        f.n_links = 1;
        f.links[0].institution_id = INST_B;
        f.links[0].district = PUDONG;
        break;
    }
    return f;
}

static void expect_row(scope_t s, const bool want[NFACTS], const char *who)
{
    for (int i = 0; i < NFACTS; i++) {
        scope_facts_t f = facts(i);
        if (scope_allows(&s, &f) != want[i])
            fail_msg("%s, case %d: expected %s", who, i, want[i] ? "allowed" : "refused");
    }
}

static void institution_staff(void **state)
{
    (void)state;
    /*                               own    other  res.   serv.  other district */
    static const bool want[NFACTS] = {true, false, false, false, false};
    expect_row(scope_for(ROLE_COMMUNITY_DOCTOR, INST_A, XUHUI, 0), want, "community doctor");
    expect_row(scope_for(ROLE_OBSTETRICIAN, INST_A, XUHUI, 0), want, "obstetrician");
    expect_row(scope_for(ROLE_RESCUE_CENTER, INST_A, XUHUI, 0), want, "rescue centre");
    /* the other centre of the same district sees only its own (woman 10) */
    static const bool a2[NFACTS] = {false, false, false, true, false};
    expect_row(scope_for(ROLE_COMMUNITY_DOCTOR, INST_A2, XUHUI, 0), a2, "community doctor of A2");
}

static void district_admin(void **state)
{
    (void)state;
    static const bool xuhui[NFACTS] = {true, false, true, true, false};
    expect_row(scope_for(ROLE_DISTRICT_ADMIN, NULL, XUHUI, 0), xuhui, "徐汇 admin");
    /* an admin attached to an institution is still judged by district */
    expect_row(scope_for(ROLE_DISTRICT_ADMIN, "310104-mch", XUHUI, 0), xuhui, "徐汇 admin at the MCH institute");
    static const bool pudong[NFACTS] = {false, true, true, true, true};
    expect_row(scope_for(ROLE_DISTRICT_ADMIN, NULL, PUDONG, 0), pudong, "浦东 admin");
}

static void city_and_sys(void **state)
{
    (void)state;
    static const bool all[NFACTS] = {true, true, true, true, true};
    expect_row(scope_for(ROLE_CITY_ADMIN, NULL, NULL, 0), all, "city admin");
    expect_row(scope_for(ROLE_SYS_ADMIN, NULL, NULL, 0), all, "sys admin");
    /* an institution or district on the account does not narrow them */
    expect_row(scope_for(ROLE_CITY_ADMIN, INST_A, XUHUI, 0), all, "city admin with an institution");
}

static void citizen(void **state)
{
    (void)state;
    static const bool self[NFACTS] = {true, false, false, false, false}; /* she is woman 7 */
    expect_row(scope_for(ROLE_CITIZEN, NULL, NULL, 7), self, "citizen 7");
    static const bool ten[NFACTS] = {false, false, false, true, false};
    expect_row(scope_for(ROLE_CITIZEN, NULL, NULL, 10), ten, "citizen 10");
    /* an institution on a citizen's account gives her nothing more */
    expect_row(scope_for(ROLE_CITIZEN, INST_A, XUHUI, 10), ten, "citizen 10 with an institution");
}

static void incomplete_accounts_see_nothing(void **state)
{
    (void)state;
    static const bool none[NFACTS] = {false, false, false, false, false};
    expect_row(scope_for(ROLE_CITIZEN, NULL, NULL, 0), none, "citizen without a record");
    expect_row(scope_for(ROLE_COMMUNITY_DOCTOR, NULL, XUHUI, 0), none, "doctor without an institution");
    expect_row(scope_for(ROLE_COMMUNITY_DOCTOR, "", XUHUI, 0), none, "doctor with an empty institution");
    expect_row(scope_for(ROLE_DISTRICT_ADMIN, NULL, NULL, 0), none, "district admin without a district");
    expect_row(scope_for(ROLE_DISTRICT_ADMIN, NULL, "", 0), none, "district admin with an empty district");
    expect_row(scope_for(ROLE_NONE, INST_A, XUHUI, 7), none, "no role");
    expect_row(scope_for((role_t)99, INST_A, XUHUI, 7), none, "unknown role");
    assert_int_equal(scope_for(ROLE_NONE, NULL, NULL, 0).kind, SCOPE_NONE);
}

static void kinds(void **state)
{
    (void)state;
    assert_int_equal(scope_for(ROLE_CITY_ADMIN, NULL, NULL, 0).kind, SCOPE_ALL);
    assert_int_equal(scope_for(ROLE_SYS_ADMIN, NULL, NULL, 0).kind, SCOPE_ALL);
    scope_t d = scope_for(ROLE_DISTRICT_ADMIN, NULL, XUHUI, 0);
    assert_int_equal(d.kind, SCOPE_DISTRICT);
    assert_string_equal(d.district, XUHUI);
    scope_t i = scope_for(ROLE_OBSTETRICIAN, INST_B, PUDONG, 0);
    assert_int_equal(i.kind, SCOPE_INSTITUTION);
    assert_string_equal(i.institution_id, INST_B);
    scope_t c = scope_for(ROLE_CITIZEN, NULL, NULL, 42);
    assert_int_equal(c.kind, SCOPE_SELF);
    assert_int_equal(c.woman_id, 42);
}

static void many_links_and_missing_facts(void **state)
{
    (void)state;
    scope_facts_t f;
    memset(&f, 0, sizeof f);
    f.woman_id = 5;
    f.residence_district = NULL; /* unknown residence */
    f.n_links = SCOPE_MAX_LINKS;
    for (size_t i = 0; i < SCOPE_MAX_LINKS; i++) {
        f.links[i].institution_id = INST_B;
        f.links[i].district = PUDONG;
    }
    scope_t a = scope_for(ROLE_COMMUNITY_DOCTOR, INST_A, XUHUI, 0);
    scope_t x = scope_for(ROLE_DISTRICT_ADMIN, NULL, XUHUI, 0);
    assert_false(scope_allows(&a, &f));
    assert_false(scope_allows(&x, &f));
    /* the match is the last link */
    f.links[SCOPE_MAX_LINKS - 1].institution_id = INST_A;
    f.links[SCOPE_MAX_LINKS - 1].district = XUHUI;
    assert_true(scope_allows(&a, &f));
    assert_true(scope_allows(&x, &f));
    /* links with missing parts are skipped, not dereferenced */
    f.links[0].institution_id = NULL;
    f.links[0].district = NULL;
    assert_true(scope_allows(&a, &f));
    /* no links at all */
    f.n_links = 0;
    assert_false(scope_allows(&a, &f));
    assert_false(scope_allows(&x, &f));
    /* the institution id is compared whole, not as a prefix */
    f.n_links = 1;
    f.links[0].institution_id = "310104-chc-10";
    f.links[0].district = PUDONG;
    assert_false(scope_allows(&a, &f));
}

static void roles(void **state)
{
    (void)state;
    static const char *const names[] = {"citizen", "community_doctor", "obstetrician", "rescue_center",
                                        "district_admin", "city_admin", "sys_admin"};
    assert_int_equal(ROLE_COUNT, 7);
    for (int r = 0; r < ROLE_COUNT; r++) {
        assert_string_equal(role_name((role_t)r), names[r]);
        assert_int_equal(role_parse(names[r]), r);
        assert_true(strlen(role_label_zh((role_t)r)) > 0);
        assert_true(ROLES_ALL & ROLE_BIT(r));
    }
    assert_int_equal(role_parse("City_Admin"), ROLE_NONE);
    assert_int_equal(role_parse("admin"), ROLE_NONE);
    assert_int_equal(role_parse(""), ROLE_NONE);
    assert_int_equal(role_parse(NULL), ROLE_NONE);
    assert_string_equal(role_name(ROLE_NONE), "none");
    assert_string_equal(role_name(ROLE_COUNT), "none");
    assert_true(role_needs_institution(ROLE_COMMUNITY_DOCTOR));
    assert_true(role_needs_institution(ROLE_OBSTETRICIAN));
    assert_true(role_needs_institution(ROLE_RESCUE_CENTER));
    assert_false(role_needs_institution(ROLE_CITIZEN));
    assert_false(role_needs_institution(ROLE_DISTRICT_ADMIN));
    assert_false(role_needs_institution(ROLE_CITY_ADMIN));
    assert_false(role_needs_institution(ROLE_SYS_ADMIN));
    /* the masks: audit is for city and sys only */
    assert_int_equal(ROLES_CITY, ROLE_BIT(ROLE_CITY_ADMIN) | ROLE_BIT(ROLE_SYS_ADMIN));
    assert_false(ROLES_STAFF & ROLE_BIT(ROLE_CITIZEN));
    assert_false(ROLES_ADMIN & ROLE_BIT(ROLE_CITIZEN));
    assert_int_equal(ROLES_ALL >> ROLE_COUNT, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(institution_staff),
        cmocka_unit_test(district_admin),
        cmocka_unit_test(city_and_sys),
        cmocka_unit_test(citizen),
        cmocka_unit_test(incomplete_accounts_see_nothing),
        cmocka_unit_test(kinds),
        cmocka_unit_test(many_links_and_missing_facts),
        cmocka_unit_test(roles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
