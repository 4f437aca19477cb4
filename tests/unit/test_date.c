/* Tests for base/date.c: civil day numbers, leap years, strict parsing,
 * ages and month arithmetic, instants with and without a zone, and the
 * Asia/Shanghai date of an instant (UTC+8, no daylight saving). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/date.h"

#define D(y, m, d) fy_date_from_civil((y), (m), (d))
#define DAY_MS 86400000LL
#define HOUR_MS 3600000LL

static void assert_civil(fy_date_t d, int y, int m, int day)
{
    int yy, mm, dd;
    fy_date_to_civil(d, &yy, &mm, &dd);
    assert_int_equal(yy, y);
    assert_int_equal(mm, m);
    assert_int_equal(dd, day);
}

static void civil_known_days(void **state)
{
    (void)state;
    assert_int_equal(D(1970, 1, 1), 0);
    assert_int_equal(D(1970, 1, 2), 1);
    assert_int_equal(D(1969, 12, 31), -1);
    assert_int_equal(D(2000, 3, 1), 11017);
    assert_int_equal(D(1900, 1, 1), -25567);
    assert_int_equal(D(2024, 1, 1), 19723);
    assert_civil(0, 1970, 1, 1);
    assert_civil(-1, 1969, 12, 31);
    assert_civil(11017, 2000, 3, 1);
    assert_civil(-25567, 1900, 1, 1);
}

static void civil_round_trip_and_successors(void **state)
{
    (void)state;
    /* every day from 1890 to 2110: from_civil(to_civil(d)) == d and each day
     * follows the previous one in the calendar */
    int py, pm, pd;
    fy_date_to_civil(D(1890, 1, 1) - 1, &py, &pm, &pd);
    for (fy_date_t d = D(1890, 1, 1); d <= D(2110, 12, 31); d++) {
        int y, m, dd;
        fy_date_to_civil(d, &y, &m, &dd);
        assert_int_equal(D(y, m, dd), d);
        if (dd == 1) {
            assert_int_equal(pd, fy_days_in_month(py, pm));
            assert_int_equal(m, pm == 12 ? 1 : pm + 1);
            assert_int_equal(y, pm == 12 ? py + 1 : py);
        } else {
            assert_int_equal(dd, pd + 1);
            assert_int_equal(m, pm);
            assert_int_equal(y, py);
        }
        py = y, pm = m, pd = dd;
    }
}

static void leap_years(void **state)
{
    (void)state;
    assert_true(fy_is_leap(2000));
    assert_false(fy_is_leap(1900));
    assert_true(fy_is_leap(2024));
    assert_false(fy_is_leap(2023));
    assert_false(fy_is_leap(2100));
    assert_true(fy_is_leap(1996));
    assert_int_equal(fy_days_in_month(2000, 2), 29);
    assert_int_equal(fy_days_in_month(1900, 2), 28);
    assert_int_equal(fy_days_in_month(2024, 2), 29);
    assert_int_equal(fy_days_in_month(2023, 2), 28);
    assert_int_equal(fy_days_in_month(2023, 4), 30);
    assert_int_equal(fy_days_in_month(2023, 12), 31);
    assert_int_equal(fy_days_in_month(2023, 0), 0);
    assert_int_equal(fy_days_in_month(2023, 13), 0);
    /* days in a year */
    assert_int_equal(D(2001, 1, 1) - D(2000, 1, 1), 366);
    assert_int_equal(D(1901, 1, 1) - D(1900, 1, 1), 365);
    assert_int_equal(D(2025, 1, 1) - D(2024, 1, 1), 366);
    assert_int_equal(D(2024, 1, 1) - D(2023, 1, 1), 365);
    assert_int_equal(D(2024, 3, 1) - D(2024, 2, 28), 2);
    assert_int_equal(D(1900, 3, 1) - D(1900, 2, 28), 1);
    assert_true(fy_date_valid_civil(2000, 2, 29));
    assert_false(fy_date_valid_civil(1900, 2, 29));
    assert_true(fy_date_valid_civil(2024, 2, 29));
    assert_false(fy_date_valid_civil(2023, 2, 29));
}

static void parse_accepts(void **state)
{
    (void)state;
    fy_date_t d = 12345;
    assert_true(fy_date_parse("2024-02-29", &d));
    assert_int_equal(d, D(2024, 2, 29));
    assert_true(fy_date_parse("2000-02-29", &d));
    assert_int_equal(d, D(2000, 2, 29));
    assert_true(fy_date_parse("1900-01-01", &d));
    assert_int_equal(d, D(1900, 1, 1));
    assert_true(fy_date_parse("2999-12-31", &d));
    assert_int_equal(d, D(2999, 12, 31));
    assert_true(fy_date_parse("2023-12-31", &d));
    assert_int_equal(d, D(2023, 12, 31));
}

static void parse_rejects(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "2023-02-29", "1900-02-29", "2023-13-01", "2023-00-10", "2023-01-00", "2023-01-32", "2023-04-31",
        " 2023-01-01", "2023-01-01 ", "2023-01-01\n", "2023-1-01", "2023-01-1", "23-01-01", "2023/01/01",
        "2023-01-0a", "+023-01-01", "-023-01-01", "2023-01--1", "1899-12-31", "3000-01-01", "20230101",
        "2023-01-01T00:00", "", "２０２３-01-01",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fy_date_t d = 777;
        if (fy_date_parse(bad[i], &d))
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(d, 777); /* untouched on failure */
    }
    fy_date_t d;
    assert_false(fy_date_parse(NULL, &d));
}

static void format_round_trip(void **state)
{
    (void)state;
    char s[11];
    fy_date_format(D(2024, 2, 29), s);
    assert_string_equal(s, "2024-02-29");
    fy_date_format(0, s);
    assert_string_equal(s, "1970-01-01");
    fy_date_format(D(1905, 7, 4), s);
    assert_string_equal(s, "1905-07-04");
    for (fy_date_t d = D(1990, 1, 1); d < D(2030, 1, 1); d += 13) {
        fy_date_t back;
        fy_date_format(d, s);
        assert_true(fy_date_parse(s, &back));
        assert_int_equal(back, d);
    }
}

static void age_years(void **state)
{
    (void)state;
    fy_date_t b = D(1990, 6, 15);
    assert_int_equal(fy_age_years(b, D(2020, 6, 15)), 30); /* on the birthday */
    assert_int_equal(fy_age_years(b, D(2020, 6, 14)), 29); /* the day before */
    assert_int_equal(fy_age_years(b, D(2020, 5, 31)), 29);
    assert_int_equal(fy_age_years(b, D(2020, 7, 1)), 30);
    assert_int_equal(fy_age_years(b, D(2020, 12, 31)), 30);
    assert_int_equal(fy_age_years(b, D(2021, 1, 1)), 30);
    assert_int_equal(fy_age_years(b, b), 0);
    assert_int_equal(fy_age_years(b, D(1991, 6, 14)), 0);
    assert_int_equal(fy_age_years(b, D(1991, 6, 15)), 1);
    /* born on 29 February: one year old from 1 March of a common year */
    fy_date_t leap = D(2000, 2, 29);
    assert_int_equal(fy_age_years(leap, D(2001, 2, 28)), 0);
    assert_int_equal(fy_age_years(leap, D(2001, 3, 1)), 1);
    assert_int_equal(fy_age_years(leap, D(2004, 2, 28)), 3);
    assert_int_equal(fy_age_years(leap, D(2004, 2, 29)), 4);
    /* 35, the age at which a pregnancy is "advanced maternal age" */
    assert_int_equal(fy_age_years(D(1989, 3, 2), D(2024, 3, 1)), 34);
    assert_int_equal(fy_age_years(D(1989, 3, 2), D(2024, 3, 2)), 35);
}

static void months_between(void **state)
{
    (void)state;
    assert_int_equal(fy_months_between(D(2024, 1, 15), D(2024, 1, 15)), 0);
    assert_int_equal(fy_months_between(D(2024, 1, 15), D(2024, 2, 14)), 0);
    assert_int_equal(fy_months_between(D(2024, 1, 15), D(2024, 2, 15)), 1);
    assert_int_equal(fy_months_between(D(2024, 1, 15), D(2024, 3, 14)), 1);
    assert_int_equal(fy_months_between(D(2023, 11, 30), D(2024, 1, 30)), 2);
    assert_int_equal(fy_months_between(D(2023, 12, 1), D(2024, 11, 30)), 11);
    assert_int_equal(fy_months_between(D(2023, 12, 1), D(2024, 12, 1)), 12);
    assert_int_equal(fy_months_between(D(2000, 1, 1), D(2024, 6, 1)), 293);
    /* backwards: negative */
    assert_int_equal(fy_months_between(D(2024, 3, 15), D(2024, 1, 15)), -2);
    assert_int_equal(fy_months_between(D(2024, 3, 15), D(2024, 1, 16)), -1);
}

static void add_months_clamps(void **state)
{
    (void)state;
    assert_int_equal(fy_date_add_months(D(2024, 1, 31), 1), D(2024, 2, 29));
    assert_int_equal(fy_date_add_months(D(2023, 1, 31), 1), D(2023, 2, 28));
    assert_int_equal(fy_date_add_months(D(2024, 1, 31), 2), D(2024, 3, 31));
    assert_int_equal(fy_date_add_months(D(2024, 1, 31), 3), D(2024, 4, 30));
    assert_int_equal(fy_date_add_months(D(2024, 1, 31), 13), D(2025, 2, 28));
    assert_int_equal(fy_date_add_months(D(2024, 12, 15), 1), D(2025, 1, 15));
    assert_int_equal(fy_date_add_months(D(2024, 2, 29), 12), D(2025, 2, 28));
    assert_int_equal(fy_date_add_months(D(2024, 2, 29), 48), D(2028, 2, 29));
    assert_int_equal(fy_date_add_months(D(2024, 5, 20), 0), D(2024, 5, 20));
    assert_int_equal(fy_date_add_months(D(2024, 3, 31), -1), D(2024, 2, 29));
    assert_int_equal(fy_date_add_months(D(2024, 1, 15), -1), D(2023, 12, 15));
    assert_int_equal(fy_date_add_months(D(2024, 1, 15), -25), D(2021, 12, 15));
    /* 72 months: the end of child health care (0–6 years) */
    assert_int_equal(fy_date_add_months(D(2020, 2, 29), 72), D(2026, 2, 28));
}

static void instant_parse(void **state)
{
    (void)state;
    int64_t ms = -1;
    const int64_t day = (int64_t)D(2024, 3, 1) * DAY_MS;
    assert_true(fy_instant_parse("2024-03-01T00:00:00Z", &ms));
    assert_int_equal(ms, day);
    assert_true(fy_instant_parse("2024-03-01T08:00:00+08:00", &ms));
    assert_int_equal(ms, day);
    /* no zone: Shanghai local time */
    assert_true(fy_instant_parse("2024-03-01T08:00:00", &ms));
    assert_int_equal(ms, day);
    assert_true(fy_instant_parse("2024-03-01T08:00", &ms));
    assert_int_equal(ms, day);
    assert_true(fy_instant_parse("2024-03-01 08:00", &ms));
    assert_int_equal(ms, day);
    assert_true(fy_instant_parse("2024-02-29T19:00:00-05:00", &ms));
    assert_int_equal(ms, day);
    assert_true(fy_instant_parse("2024-03-01T00:00:00.5Z", &ms));
    assert_int_equal(ms, day + 500);
    assert_true(fy_instant_parse("2024-03-01T00:00:00.123456Z", &ms));
    assert_int_equal(ms, day + 123);
    assert_true(fy_instant_parse("2024-03-01T23:59:59Z", &ms));
    assert_int_equal(ms, day + DAY_MS - 1000);
    assert_true(fy_instant_parse("1969-12-31T23:59:59Z", &ms));
    assert_int_equal(ms, -1000);

    static const char *const bad[] = {
        "2024-03-01",           "2024-03-01T24:00:00Z",      "2024-03-01T12:60Z",         "2024-03-01T12:00:60Z",
        "2024-02-30T00:00Z",    "2024-03-01T12:00:00+8:00",  "2024-03-01T12:00:00+0800",  "2024-03-01T12:00:00ZZ",
        "2024-03-01T12:00:00.Z", "2024-03-01T12:00:00+15:00", "2024-03-01T1:00:00Z",       "2024-03-01X12:00:00Z",
        "2024-03-01T12:00:00+08", "2024-03-01T12:00:00 Z",     " 2024-03-01T12:00:00Z",     "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t v = 42;
        if (fy_instant_parse(bad[i], &v))
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(v, 42);
    }
    assert_false(fy_instant_parse(NULL, &ms));
}

static void instant_format(void **state)
{
    (void)state;
    char s[21], l[23];
    fy_instant_format(0, s);
    assert_string_equal(s, "1970-01-01T00:00:00Z");
    fy_instant_format(-1, s);
    assert_string_equal(s, "1969-12-31T23:59:59Z");
    int64_t ms;
    assert_true(fy_instant_parse("2024-03-01T15:59:59Z", &ms));
    fy_instant_format(ms, s);
    assert_string_equal(s, "2024-03-01T15:59:59Z");
    fy_instant_format_local(ms, l);
    assert_string_equal(l, "2024-03-01T23:59+08:00");
    fy_instant_format_local(ms + 1000, l);
    assert_string_equal(l, "2024-03-02T00:00+08:00");
    /* parse(format(x)) == x, to the second */
    for (int64_t t = -5 * DAY_MS; t < 40LL * 365 * DAY_MS; t += 7919LL * 60 * 1000 + 1000) {
        int64_t back;
        fy_instant_format(t, s);
        assert_true(fy_instant_parse(s, &back));
        assert_int_equal(back, t);
    }
}

static void shanghai_date_of_instant(void **state)
{
    (void)state;
    int64_t a, b;
    assert_true(fy_instant_parse("2024-03-01T15:59:59Z", &a));
    assert_true(fy_instant_parse("2024-03-01T16:00:00Z", &b));
    assert_int_equal(fy_date_of_instant(a), D(2024, 3, 1));
    assert_int_equal(fy_date_of_instant(b), D(2024, 3, 2));
    assert_int_equal(fy_date_of_instant(b - 1), D(2024, 3, 1));
    /* before the epoch the day still starts at 16:00 UTC */
    assert_int_equal(fy_date_of_instant(-8 * HOUR_MS), D(1970, 1, 1));
    assert_int_equal(fy_date_of_instant(-8 * HOUR_MS - 1), D(1969, 12, 31));
    assert_true(fy_instant_parse("2023-12-31T16:00:00Z", &a));
    assert_int_equal(fy_date_of_instant(a), D(2024, 1, 1));
}

static void now_and_today_follow_fuyou_now(void **state)
{
    (void)state;
    setenv("FUYOU_NOW", "2024-03-01T16:00:00Z", 1);
    int64_t ms;
    assert_true(fy_instant_parse("2024-03-01T16:00:00Z", &ms));
    assert_int_equal(fy_now_ms(), ms);
    assert_int_equal(fy_today(), D(2024, 3, 2));
    setenv("FUYOU_NOW", "2024-03-01T15:59:59Z", 1);
    assert_int_equal(fy_today(), D(2024, 3, 1));
    /* a value that does not parse is ignored: the real clock (after 2024) */
    setenv("FUYOU_NOW", "soon", 1);
    assert_true(fy_now_ms() > ms);
    unsetenv("FUYOU_NOW");
    assert_true(fy_today() >= D(2024, 3, 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(civil_known_days),
        cmocka_unit_test(civil_round_trip_and_successors),
        cmocka_unit_test(leap_years),
        cmocka_unit_test(parse_accepts),
        cmocka_unit_test(parse_rejects),
        cmocka_unit_test(format_round_trip),
        cmocka_unit_test(age_years),
        cmocka_unit_test(months_between),
        cmocka_unit_test(add_months_clamps),
        cmocka_unit_test(instant_parse),
        cmocka_unit_test(instant_format),
        cmocka_unit_test(shanghai_date_of_instant),
        cmocka_unit_test(now_and_today_follow_fuyou_now),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
