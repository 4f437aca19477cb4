/* Tests for domain/indicators.c, the pure parts of the annual report
 * indicators: the report year at its edges (30 September / 1 October, the
 * turn of the calendar year, leap days), rates and small cells, the
 * data/indicators.json loader (every indicator names described measures),
 * ages at death at their edges (168 hours, 28 days, birthdays, 29 February),
 * the birth-date thresholds the store uses against brute force, the 4-2-2
 * windows against data/schedules/child-national.json, and the median. */
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

#include "domain/indicators.h"

#define D(y, m, d) fy_date_from_civil((y), (m), (d))
#define H (3600LL * 1000)
#define DAY (24 * H)

/* UTC ms of a Shanghai local time */
static int64_t sh(int y, int mo, int d, int h, int mi)
{
    return (int64_t)D(y, mo, d) * DAY + (int64_t)h * H + (int64_t)mi * 60000 - FY_SHANGHAI_OFFSET_MS;
}

/* ---- report year ------------------------------------------------------- */

static void test_report_year(void **state)
{
    (void)state;
    fy_date_t from, to;
    ind_report_year(2026, &from, &to);
    assert_int_equal(from, D(2025, 10, 1));
    assert_int_equal(to, D(2026, 9, 30));
    ind_report_year(2024, &from, &to); /* a leap year inside */
    assert_int_equal(from, D(2023, 10, 1));
    assert_int_equal(to, D(2024, 9, 30));
    assert_int_equal(to - from + 1, 366);

    /* the edge: 30 September is the old year, 1 October the new one */
    assert_int_equal(ind_year_of(D(2025, 9, 30)), 2025);
    assert_int_equal(ind_year_of(D(2025, 10, 1)), 2026);
    assert_int_equal(ind_year_of(D(2025, 12, 31)), 2026);
    assert_int_equal(ind_year_of(D(2026, 1, 1)), 2026);
    assert_int_equal(ind_year_of(D(2026, 9, 30)), 2026);
    assert_int_equal(ind_year_of(D(2024, 2, 29)), 2024);
    /* every day of a range lies in the year ind_report_year gives it */
    for (fy_date_t d = D(2019, 1, 1); d < D(2029, 1, 1); d++) {
        ind_report_year(ind_year_of(d), &from, &to);
        assert_true(from <= d && d <= to);
    }
}

static void test_month_key(void **state)
{
    (void)state;
    char k[8];
    ind_month_key(D(2025, 10, 1), k);
    assert_string_equal(k, "2025-10");
    ind_month_key(D(2026, 2, 28), k);
    assert_string_equal(k, "2026-02");
    assert_true(ind_group_by_month(IND_GROUP_MONTH));
    assert_true(ind_group_by_month(IND_GROUP_DISTRICT_MONTH));
    assert_false(ind_group_by_month(IND_GROUP_DISTRICT));
    assert_false(ind_group_by_month(IND_GROUP_NONE));
    assert_int_equal(ind_group_parse("district_month"), IND_GROUP_DISTRICT_MONTH);
    assert_int_equal(ind_group_parse("county"), -1);
    assert_true(ind_measure_by_period(IM_children_under7));
    assert_true(ind_measure_by_period(IM_children_under5_obesity));
    assert_false(ind_measure_by_period(IM_live_births));
    assert_false(ind_measure_by_period(IM_infant_deaths));
    /* what is not collected yet */
    for (int m = 0; m < IND_MEASURE_COUNT; m++)
        assert_int_equal(ind_measure_collected((ind_measure_t)m),
                         m != IM_prenatal_screened && m != IM_premarital_exams && m != IM_marriage_registrations);
}

/* ---- rates and small cells ---------------------------------------------- */

static void test_rates_and_small_cells(void **state)
{
    (void)state;
    ind_def_t mmr = {.id = "maternal_mortality", .numerator = IM_maternal_deaths, .denominator = IM_live_births,
                     .multiplier = 100000};
    ind_def_t pct = {.id = "caesarean_rate", .numerator = IM_caesarean_live_births, .denominator = IM_live_births,
                     .multiplier = 100};
    ind_def_t pm = {.id = "premarital_exam", .numerator = IM_premarital_exams,
                    .denominator = IM_marriage_registrations, .multiplier = 100};
    int64_t v[IND_MEASURE_COUNT] = {0};
    bool has[IND_MEASURE_COUNT];
    for (int i = 0; i < IND_MEASURE_COUNT; i++)
        has[i] = true;
    has[IM_premarital_exams] = has[IM_marriage_registrations] = false;

    v[IM_maternal_deaths] = 1;
    v[IM_live_births] = 7;
    ind_value_t x = ind_compute(&mmr, v, has);
    assert_true(x.collected);
    assert_int_equal(x.numerator, 1);
    assert_int_equal(x.denominator, 7);
    assert_true(fabs(x.value - 100000.0 / 7) < 1e-9);
    assert_true(x.small); /* 1 < 5 */

    /* the edge of a small cell: 4 is small, 5 is not */
    v[IM_caesarean_live_births] = 4;
    x = ind_compute(&pct, v, has);
    assert_true(x.small);
    v[IM_caesarean_live_births] = 5;
    v[IM_live_births] = 8;
    x = ind_compute(&pct, v, has);
    assert_false(x.small);
    assert_true(fabs(x.value - 62.5) < 1e-12);

    /* a zero denominator has no value, and a zero numerator is small */
    v[IM_caesarean_live_births] = 0;
    v[IM_live_births] = 0;
    x = ind_compute(&pct, v, has);
    assert_true(isnan(x.value));
    assert_true(x.small);

    /* not collected: no value, never small */
    x = ind_compute(&pm, v, has);
    assert_false(x.collected);
    assert_false(x.small);
    assert_true(isnan(x.value));
}

/* ---- the definitions file ------------------------------------------------ */

static void test_load_definitions(void **state)
{
    (void)state;
    char err[512];
    ind_set_t *s = NULL;
    assert_int_equal(ind_load("data/indicators.json", &s, err, sizeof err), 0);
    assert_true(ind_count(s) >= 30);
    json_error_t je;
    json_t *doc = json_load_file("data/indicators.json", 0, &je);
    assert_non_null(doc);
    json_t *measures = json_object_get(doc, "measures");
    /* every measure of the code is described, and nothing else */
    for (int m = 0; m < IND_MEASURE_COUNT; m++)
        assert_non_null(json_object_get(measures, ind_measure_name((ind_measure_t)m)));
    assert_int_equal(json_object_size(measures), IND_MEASURE_COUNT);
    const char *key;
    json_t *val;
    json_object_foreach(measures, key, val) assert_true(ind_measure_parse(key) >= 0);
    /* the referral response time is a median indicator */
    assert_int_equal(ind_median_count(s), 1);
    const ind_median_def_t *md = ind_median_at(s, 0);
    assert_string_equal(md->id, "maternal_referral_response");
    assert_string_equal(md->kind, "maternal");
    assert_string_equal(md->type, "referral");
    bool found = false;
    for (size_t i = 0; i < ind_count(s); i++)
        if (strcmp(ind_at(s, i)->id, "perinatal_mortality") == 0) {
            found = true;
            assert_int_equal(ind_at(s, i)->numerator, IM_perinatal_deaths);
            assert_int_equal(ind_at(s, i)->denominator, IM_perinatal_births);
        }
    assert_true(found);
    json_decref(doc);
    ind_free(s);

    /* a broken file names what is wrong */
    const char *path = "/tmp/fuyou-test-indicators.json";
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"version\":\"x\",\"measures\":{\"live_births\":\"x\"},\"indicators\":[],"
          "\"medians\":[{\"id\":\"m\",\"name\":\"n\",\"unit\":\"分钟\",\"kind\":\"maternal\"}]}",
          f);
    fclose(f);
    assert_int_equal(ind_load(path, &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "medians[0]"));
    remove(path);
}

/* ---- ages at death ---------------------------------------------------------- */

static void test_death_ages(void **state)
{
    (void)state;
    int64_t born = sh(2025, 11, 10, 8, 0);
    fy_date_t bd = D(2025, 11, 10);
    unsigned all = IND_DIED_U7D | IND_DIED_U28D | IND_DIED_U1Y | IND_DIED_U5Y;
    assert_int_equal(ind_death_ages(born, bd, born), all);
    /* 168 hours: one millisecond before is under 7 days, the instant is not */
    assert_int_equal(ind_death_ages(born, bd, born + 7 * DAY - 1), all);
    assert_int_equal(ind_death_ages(born, bd, born + 7 * DAY), all & ~(unsigned)IND_DIED_U7D);
    /* on the 7th calendar day but before 168 hours: still under 7 days */
    assert_true(ind_death_ages(born, bd, sh(2025, 11, 17, 7, 59)) & IND_DIED_U7D);
    /* 28 days */
    assert_true(ind_death_ages(born, bd, born + 28 * DAY - 1) & IND_DIED_U28D);
    assert_false(ind_death_ages(born, bd, born + 28 * DAY) & IND_DIED_U28D);
    /* the first birthday (Shanghai date of death) */
    assert_true(ind_death_ages(born, bd, sh(2026, 11, 9, 23, 59)) & IND_DIED_U1Y);
    assert_false(ind_death_ages(born, bd, sh(2026, 11, 10, 0, 0)) & IND_DIED_U1Y);
    assert_true(ind_death_ages(born, bd, sh(2026, 11, 10, 0, 0)) & IND_DIED_U5Y);
    /* 23:30 UTC on the day before the birthday is already the birthday in Shanghai */
    assert_false(ind_death_ages(born, bd, (int64_t)D(2026, 11, 9) * DAY + 23 * H + 30 * 60000) & IND_DIED_U1Y);
    /* the fifth birthday */
    assert_true(ind_death_ages(born, bd, sh(2030, 11, 9, 12, 0)) & IND_DIED_U5Y);
    assert_int_equal(ind_death_ages(born, bd, sh(2030, 11, 10, 12, 0)), 0);
    /* born on 29 February: the birthday is 1 March in other years */
    int64_t leap = sh(2024, 2, 29, 12, 0);
    assert_true(ind_death_ages(leap, D(2024, 2, 29), sh(2025, 2, 28, 12, 0)) & IND_DIED_U1Y);
    assert_false(ind_death_ages(leap, D(2024, 2, 29), sh(2025, 3, 1, 12, 0)) & IND_DIED_U1Y);
    /* a death before the birth has no age */
    assert_int_equal(ind_death_ages(born, bd, born - 1), 0);
}

/* ---- birth-date thresholds -------------------------------------------------- */

static void test_last_birth_aged(void **state)
{
    (void)state;
    assert_int_equal(ind_last_birth_aged(D(2026, 9, 30), 3), D(2023, 9, 30));
    assert_int_equal(ind_last_birth_aged(D(2028, 2, 29), 1), D(2027, 2, 28));
    /* against brute force: under N on `on` exactly when born after it */
    static const int years[] = {1, 3, 5, 7};
    for (fy_date_t on = D(2023, 12, 20); on < D(2024, 3, 10); on++)
        for (size_t k = 0; k < sizeof years / sizeof years[0]; k++) {
            fy_date_t t = ind_last_birth_aged(on, years[k]);
            for (fy_date_t b = t - 3; b <= t + 3; b++)
                assert_int_equal(fy_age_years(b, on) < years[k], b > t);
        }
}

static void test_last_birth_anchored(void **state)
{
    (void)state;
    static const int months[] = {3, 6, 8, 12, 18, 24, 30, 36};
    for (fy_date_t x = D(2025, 1, 20); x < D(2025, 4, 10); x++)
        for (size_t k = 0; k < sizeof months / sizeof months[0]; k++) {
            fy_date_t t = ind_last_birth_anchored(x, months[k]);
            for (fy_date_t b = t - 5; b <= t + 5; b++)
                assert_int_equal(fy_date_add_months(b, months[k]) <= x, b <= t);
        }
    /* born 30 November: the 3-month anchor is 28 February (clamped) */
    assert_int_equal(ind_last_birth_anchored(D(2026, 2, 28), 3), D(2025, 11, 30));
}

/* ---- 4-2-2 -------------------------------------------------------------- */

static void test_422_windows_match_the_schedule(void **state)
{
    (void)state;
    json_error_t je;
    json_t *doc = json_load_file("data/schedules/child-national.json", 0, &je);
    assert_non_null(doc);
    json_t *windows = json_object_get(doc, "windows");
    for (int i = 0; i < IND_422_CONTACTS; i++) {
        json_t *w = NULL, *x;
        size_t k;
        json_array_foreach(windows, k, x) if (json_integer_value(json_object_get(x, "seq")) == ind_422[i].seq) w = x;
        assert_non_null(w);
        assert_int_equal(json_integer_value(json_object_get(w, "age_months")), ind_422[i].age_months);
        assert_int_equal(json_integer_value(json_object_get(w, "to_days")), ind_422[i].to_days);
    }
    /* 4 in the first year, 2 in the second, 2 in the third */
    int per_year[3] = {0};
    for (int i = 0; i < IND_422_CONTACTS; i++)
        per_year[(ind_422[i].age_months - 1) / 12]++;
    assert_int_equal(per_year[0], 4);
    assert_int_equal(per_year[1], 2);
    assert_int_equal(per_year[2], 2);
    json_decref(doc);
}

static void test_422_managed(void **state)
{
    (void)state;
    fy_date_t born = D(2025, 10, 1);
    fy_date_t end = D(2026, 9, 30);
    /* 3 months: anchor 1 January, closes 16 January */
    assert_int_equal(ind_422_due(born, D(2026, 1, 15)), 0u);
    assert_int_equal(ind_422_due(born, D(2026, 1, 16)), 1u << 3);
    /* at the end of the year: 3, 6 and 8 months are due, 12 not (closes 16 October) */
    unsigned due = ind_422_due(born, end);
    assert_int_equal(due, (1u << 3) | (1u << 4) | (1u << 5));
    assert_true(ind_422_managed(born, end, due, true));
    assert_true(ind_422_managed(born, end, due | (1u << 1) | (1u << 2), true));
    assert_false(ind_422_managed(born, end, (1u << 3) | (1u << 4), true));
    /* nothing due yet: managed when seen at least once */
    assert_true(ind_422_managed(born, D(2025, 12, 1), 0, true));
    assert_false(ind_422_managed(born, D(2025, 12, 1), 0, false));
    /* a child of 2 years 10 months: every window to 30 months */
    due = ind_422_due(D(2023, 11, 15), D(2026, 9, 30));
    assert_int_equal(due, 0xFFu << 3 & ~(1u << 10));
}

/* ---- median ---------------------------------------------------------------- */

static void test_median(void **state)
{
    (void)state;
    double v[] = {40, 5, 20, 12};
    ind_median_t m = ind_median(v, 4);
    assert_int_equal(m.n, 4);
    assert_true(fabs(m.median - 16) < 1e-12); /* the mean of 12 and 20 */
    assert_true(m.small);
    double w[] = {60, 10, 30, 20, 50};
    m = ind_median(w, 5);
    assert_true(fabs(m.median - 30) < 1e-12);
    assert_false(m.small);
    m = ind_median(w, 0);
    assert_true(isnan(m.median));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_year),
        cmocka_unit_test(test_month_key),
        cmocka_unit_test(test_rates_and_small_cells),
        cmocka_unit_test(test_load_definitions),
        cmocka_unit_test(test_death_ages),
        cmocka_unit_test(test_last_birth_aged),
        cmocka_unit_test(test_last_birth_anchored),
        cmocka_unit_test(test_422_windows_match_the_schedule),
        cmocka_unit_test(test_422_managed),
        cmocka_unit_test(test_median),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
