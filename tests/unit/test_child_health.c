/* Tests for domain/child_health.c: the check windows of a child born on a
 * given date (with data/schedules/child-national.json), the warning-sign
 * table and its age bands at their edges, when a child is overdue, corrected
 * age, preterm / low-birth-weight edges, anaemia and the other alerts at
 * their edges. Run from the repository root (the data files are loaded). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <math.h>

#include "base/date.h"
#include "domain/child_health.h"
#include "domain/schedule.h"

#define CHILD "data/schedules/child-national.json"
#define SIGNS "data/development/warning-signs.json"

static schedule_t *SCHED;
static ch_signs_t *SIGNT;

static fy_date_t D(const char *s)
{
    fy_date_t d = 0;
    if (!fy_date_parse(s, &d))
        fail_msg("bad date in test: %s", s);
    return d;
}

static void assert_date(fy_date_t got, const char *want)
{
    char buf[11];
    fy_date_format(got, buf);
    assert_string_equal(buf, want);
}

static int setup(void **state)
{
    (void)state;
    char err[512];
    if (schedule_load(CHILD, &SCHED, err, sizeof err) != SCHEDULE_OK) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    if (ch_signs_load(SIGNS, &SIGNT, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    schedule_free(SCHED);
    ch_signs_free(SIGNT);
    return 0;
}

/* ---- the schedule of a child born on a given date ---- */

static void test_windows_born_jan31(void **state)
{
    (void)state;
    /* born 2024-01-31 (leap year): month anchors clamp to the month's end */
    static const char *const want[13][2] = {
        {"2024-01-31", "2024-02-12"}, /* newborn visit, days 0–12 */
        {"2024-02-28", "2024-03-01"}, /* 满月, days 28–30 */
        {"2024-04-15", "2024-05-15"}, /* 3 months: anchor 2024-04-30 ±15 */
        {"2024-07-16", "2024-08-15"}, /* 6 months: 2024-07-31 */
        {"2024-09-15", "2024-10-15"}, /* 8 months: 2024-09-30 */
        {"2025-01-16", "2025-02-15"}, /* 12 months */
        {"2025-07-01", "2025-08-30"}, /* 18 months: 2025-07-31 ±30 */
        {"2026-01-01", "2026-03-02"}, /* 24 months */
        {"2026-07-01", "2026-08-30"}, /* 30 months */
        {"2027-01-01", "2027-03-02"}, /* 36 months */
        {"2027-12-02", "2028-03-31"}, /* 4 years: 2028-01-31 ±60 (leap) */
        {"2028-12-02", "2029-04-01"}, /* 5 years */
        {"2029-12-02", "2030-04-01"}, /* 6 years */
    };
    assert_int_equal(schedule_count(SCHED), 13);
    fy_date_t birth = D("2024-01-31");
    schedule_slot_t slots[16];
    size_t n = schedule_plan(SCHED, birth, NULL, 0, birth, slots, 16);
    assert_int_equal(n, 13);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(slots[i].seq, (int)i + 1);
        assert_date(slots[i].opens, want[i][0]);
        assert_date(slots[i].closes, want[i][1]);
        assert_int_equal(slots[i].remind_on, slots[i].opens - 3); /* 3 days before it opens */
        assert_int_equal(slots[i].overdue_from, slots[i].closes + 8);
    }
    /* Hb is due at 6 and 8 months (once in 6–8), 18 and 30 months */
    const int hb_seqs[] = {4, 5, 7, 9};
    for (size_t i = 0; i < schedule_count(SCHED); i++) {
        const schedule_window_t *w = schedule_at(SCHED, i);
        bool hb = false;
        for (size_t t = 0; t < w->n_tests; t++)
            hb |= strcmp(w->tests[t].code, "hb") == 0;
        bool want_hb = false;
        for (size_t k = 0; k < 4; k++)
            want_hb |= hb_seqs[k] == w->seq;
        assert_int_equal(hb, want_hb);
    }
}

static void test_windows_other_birth_dates(void **state)
{
    (void)state;
    schedule_slot_t slots[16];
    /* born on 29 February: the 12-month anchor is 28 February 2025 */
    schedule_plan(SCHED, D("2024-02-29"), NULL, 0, D("2024-02-29"), slots, 16);
    assert_date(slots[5].opens, "2025-02-13");
    assert_date(slots[5].closes, "2025-03-15");
    /* born on 31 August 2023: the 6-month anchor is 29 February 2024 */
    schedule_plan(SCHED, D("2023-08-31"), NULL, 0, D("2023-08-31"), slots, 16);
    assert_date(slots[3].opens, "2024-02-14");
    assert_date(slots[3].closes, "2024-03-15");
    assert_date(slots[3].opens + 15, "2024-02-29");
}

/* ---- warning signs ---- */

static void test_signs_table(void **state)
{
    (void)state;
    static const char *const bands[] = {"m3", "m6", "m8", "m12", "m18", "m24", "m30", "m36", "y4", "y5", "y6"};
    static const int months[] = {3, 6, 8, 12, 18, 24, 30, 36, 48, 60, 72};
    assert_int_equal(ch_signs_count(SIGNT), 11);
    for (size_t i = 0; i < 11; i++) {
        const ch_band_t *b = ch_signs_at(SIGNT, i);
        assert_string_equal(b->band, bands[i]);
        assert_int_equal(b->age_months, months[i]);
        assert_int_equal(b->n_items, 4); /* four items per age band */
        assert_ptr_equal(ch_signs_band(SIGNT, bands[i]), b);
        /* each band is the band of its schedule window */
        bool found = false;
        for (size_t k = 0; k < schedule_count(SCHED); k++)
            found |= schedule_at(SCHED, k)->age_months == months[i];
        assert_true(found);
    }
    const ch_band_t *band = NULL;
    const ch_sign_t *s = ch_signs_find(SIGNT, "m18_3", &band);
    assert_non_null(s);
    assert_string_equal(s->text, "与人无目光交流");
    assert_string_equal(band->band, "m18");
    assert_null(ch_signs_find(SIGNT, "m18_5", &band));
    assert_null(ch_signs_find(SIGNT, "", NULL));
    assert_null(ch_signs_band(SIGNT, "m4"));
    assert_null(ch_signs_at(SIGNT, 11));
}

static const char *band_on(const char *birth, const char *on)
{
    const ch_band_t *b = ch_band_for(SIGNT, SCHED, D(birth), D(on));
    return b ? b->band : "none";
}

static void test_band_edges(void **state)
{
    (void)state;
    const char *born = "2024-01-31";
    assert_string_equal(band_on(born, "2024-01-31"), "none"); /* newborn visit */
    assert_string_equal(band_on(born, "2024-03-01"), "none"); /* 满月 */
    assert_string_equal(band_on(born, "2024-04-14"), "none"); /* the day before the 3-month window */
    assert_string_equal(band_on(born, "2024-04-15"), "m3");   /* it opens: 15 days before the anchor */
    assert_string_equal(band_on(born, "2024-04-30"), "m3");
    assert_string_equal(band_on(born, "2024-05-15"), "m3"); /* it closes */
    assert_string_equal(band_on(born, "2024-05-16"), "m3"); /* between windows: the band just passed */
    assert_string_equal(band_on(born, "2024-07-15"), "m3"); /* the day before the 6-month window */
    assert_string_equal(band_on(born, "2024-07-16"), "m6");
    assert_string_equal(band_on(born, "2024-09-14"), "m6");
    assert_string_equal(band_on(born, "2024-09-15"), "m8");
    assert_string_equal(band_on(born, "2025-07-01"), "m18"); /* 18-month window opens 30 days early */
    assert_string_equal(band_on(born, "2025-06-30"), "m12");
    assert_string_equal(band_on(born, "2027-12-02"), "y4"); /* 4-year window opens 60 days early */
    assert_string_equal(band_on(born, "2027-12-01"), "m36");
    assert_string_equal(band_on(born, "2030-04-01"), "y6");
    assert_string_equal(band_on(born, "2031-01-30"), "y6");   /* past the last window */
    assert_string_equal(band_on(born, "2024-01-30"), "none"); /* before birth */
    assert_null(ch_band_for(NULL, SCHED, D(born), D("2025-01-31")));
    /* without a schedule: by completed months only */
    assert_null(ch_band_for(SIGNT, NULL, D(born), D("2024-04-29")));
    assert_string_equal(ch_band_for(SIGNT, NULL, D(born), D("2024-04-30"))->band, "m3");
}

static void write_tmp(char path[32], const char *text)
{
    strcpy(path, "/tmp/fy_signs_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t len = strlen(text);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
}

static int load_text(const char *text, char *err, size_t errlen)
{
    char path[32];
    write_tmp(path, text);
    ch_signs_t *s = NULL;
    int rc = ch_signs_load(path, &s, err, errlen);
    unlink(path);
    if (rc == 0)
        ch_signs_free(s);
    else
        assert_null(s);
    return rc;
}

static void test_signs_load_errors(void **state)
{
    (void)state;
    char err[256];
    const char *ok = "{\"id\":\"x\",\"version\":\"1\",\"source\":\"s\",\"bands\":[{\"band\":\"m3\",\"name\":\"3月龄\","
                     "\"age_months\":3,\"items\":[{\"code\":\"a\",\"text\":\"t\"}]}]}";
    assert_int_equal(load_text(ok, err, sizeof err), 0);
    assert_int_equal(load_text("{", err, sizeof err), -1);
    assert_non_null(strstr(err, "JSON"));
    assert_int_equal(load_text("{\"id\":\"x\",\"version\":\"1\",\"bands\":[]}", err, sizeof err), -1);
    assert_non_null(strstr(err, "source"));
    /* duplicate item codes across bands */
    assert_int_equal(
        load_text("{\"id\":\"x\",\"version\":\"1\",\"source\":\"s\",\"bands\":["
                  "{\"band\":\"m3\",\"name\":\"a\",\"age_months\":3,\"items\":[{\"code\":\"a\",\"text\":\"t\"}]},"
                  "{\"band\":\"m6\",\"name\":\"b\",\"age_months\":6,\"items\":[{\"code\":\"a\",\"text\":\"t\"}]}]}",
                  err, sizeof err),
        -1);
    assert_non_null(strstr(err, "重复"));
    /* bands out of age order */
    assert_int_equal(
        load_text("{\"id\":\"x\",\"version\":\"1\",\"source\":\"s\",\"bands\":["
                  "{\"band\":\"m6\",\"name\":\"a\",\"age_months\":6,\"items\":[{\"code\":\"a\",\"text\":\"t\"}]},"
                  "{\"band\":\"m3\",\"name\":\"b\",\"age_months\":3,\"items\":[{\"code\":\"b\",\"text\":\"t\"}]}]}",
                  err, sizeof err),
        -1);
    assert_non_null(strstr(err, "升序"));
    /* an item without text */
    assert_int_equal(load_text("{\"id\":\"x\",\"version\":\"1\",\"source\":\"s\",\"bands\":[{\"band\":\"m3\","
                               "\"name\":\"a\",\"age_months\":3,\"items\":[{\"code\":\"a\"}]}]}",
                               err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "bands[0].items[0].text"));
    assert_int_equal(load_text("{\"id\":\"x\",\"version\":\"1\",\"source\":\"s\",\"bands\":[{\"band\":\"m3\","
                               "\"name\":\"a\",\"age_months\":0,\"items\":[{\"code\":\"a\",\"text\":\"t\"}]}]}",
                               err, sizeof err),
                     -1);
    ch_signs_t *s = (ch_signs_t *)1;
    assert_int_equal(ch_signs_load("/nonexistent/x.json", &s, err, sizeof err), -1);
    assert_null(s);
}

/* ---- overdue ---- */

static int overdue(const char *birth, const char *today, const char *const *checks, size_t n)
{
    fy_date_t dates[8];
    for (size_t i = 0; i < n; i++)
        dates[i] = D(checks[i]);
    schedule_slot_t slots[16];
    size_t ns = schedule_plan(SCHED, D(birth), dates, n, D(today), slots, 16);
    int i = ch_overdue_slot(slots, ns, dates, n, D(today), fy_date_add_months(D(birth), CH_PROGRAM_END_MONTHS));
    return i < 0 ? 0 : slots[i].seq;
}

static void test_overdue(void **state)
{
    (void)state;
    const char *born = "2024-01-31";
    /* newborn window closes 2024-02-12, grace 7 days: overdue from 02-20 */
    assert_int_equal(overdue(born, "2024-02-19", NULL, 0), 0);
    assert_int_equal(overdue(born, "2024-02-20", NULL, 0), 1);
    /* 满月 closes 03-01, overdue from 03-09: the latest missed window counts */
    assert_int_equal(overdue(born, "2024-03-09", NULL, 0), 2);
    /* a check in the window: not overdue */
    const char *in_window[] = {"2024-02-29"};
    assert_int_equal(overdue(born, "2024-03-09", in_window, 1), 0);
    /* a late check (after the window, before the next) catches up */
    const char *late[] = {"2024-03-05"};
    assert_int_equal(overdue(born, "2024-03-09", late, 1), 0);
    /* a check before the missed window opened does not */
    const char *early[] = {"2024-02-05"};
    assert_int_equal(overdue(born, "2024-03-09", early, 1), 2);
    /* an old missed window followed by a filled one is forgiven */
    const char *later_filled[] = {"2024-04-30"};
    assert_int_equal(overdue(born, "2024-06-01", later_filled, 1), 0);
    /* the 3-month window then missed: overdue again once its grace ends (05-23) */
    assert_int_equal(overdue(born, "2024-05-22", NULL, 0), 2);
    assert_int_equal(overdue(born, "2024-05-23", NULL, 0), 3);
    /* a check in the future does not count */
    const char *future[] = {"2024-05-30"};
    assert_int_equal(overdue(born, "2024-05-23", future, 1), 3);
    /* the programme ends on the 7th birthday */
    assert_int_equal(overdue(born, "2031-01-30", NULL, 0), 13);
    assert_int_equal(overdue(born, "2031-01-31", NULL, 0), 0);
}

/* ---- preterm, low birth weight, corrected age ---- */

static void test_preterm_lbw_edges(void **state)
{
    (void)state;
    assert_true(ch_is_preterm(36 * 7 + 6));
    assert_false(ch_is_preterm(37 * 7));
    assert_false(ch_is_preterm(0)); /* unknown */
    assert_true(ch_is_low_birth_weight(2499));
    assert_false(ch_is_low_birth_weight(2500));
    assert_false(ch_is_low_birth_weight(0));
}

static void test_corrected_age(void **state)
{
    (void)state;
    fy_date_t born = D("2024-01-20");
    int ga = 32 * 7; /* 56 days early */
    ch_age_t a = ch_growth_age(born, born + 146, ga);
    assert_int_equal(a.age_days, 146);
    assert_int_equal(a.age_used_days, 90);
    assert_true(a.corrected);
    assert_false(a.before_term);
    /* the last corrected day and the first chronological one */
    a = ch_growth_age(born, born + 730, ga);
    assert_int_equal(a.age_used_days, 674);
    assert_true(a.corrected);
    a = ch_growth_age(born, born + 731, ga);
    assert_int_equal(a.age_used_days, 731);
    assert_false(a.corrected);
    /* before the term-equivalent date: not scored */
    a = ch_growth_age(born, born + 55, ga);
    assert_int_equal(a.age_used_days, -1);
    assert_true(a.before_term);
    a = ch_growth_age(born, born + 56, ga);
    assert_int_equal(a.age_used_days, 0);
    assert_false(a.before_term);
    /* 36+6: one day short of 37 weeks, corrected by 22 days */
    a = ch_growth_age(born, born + 100, 36 * 7 + 6);
    assert_int_equal(a.age_used_days, 100 - 22);
    /* term and post-term children: chronological age */
    a = ch_growth_age(born, born + 100, 37 * 7);
    assert_int_equal(a.age_used_days, 100);
    assert_false(a.corrected);
    a = ch_growth_age(born, born + 100, 42 * 7);
    assert_int_equal(a.age_used_days, 100);
}

/* ---- anaemia and the alerts ---- */

static void test_anaemia_edges(void **state)
{
    (void)state;
    fy_date_t born = D("2024-01-31");
    fy_date_t m6 = D("2024-07-31"), m60 = D("2029-01-31");
    assert_int_equal(ch_anaemia(born, m6 - 1, 90), CH_HB_NOT_APPLICABLE); /* 5 completed months */
    assert_int_equal(ch_anaemia(born, m6, 109.9), CH_HB_MILD);            /* from 6 months */
    assert_int_equal(ch_anaemia(born, m6, 110), CH_HB_NORMAL);
    assert_int_equal(ch_anaemia(born, m6, 100), CH_HB_MILD);
    assert_int_equal(ch_anaemia(born, m6, 99.9), CH_HB_MODERATE);
    assert_int_equal(ch_anaemia(born, m6, 70), CH_HB_MODERATE);
    assert_int_equal(ch_anaemia(born, m6, 69.9), CH_HB_SEVERE);
    assert_int_equal(ch_anaemia(born, m60 - 1, 105), CH_HB_MILD);       /* 59 months */
    assert_int_equal(ch_anaemia(born, m60, 105), CH_HB_NOT_APPLICABLE); /* 5 years */
    assert_int_equal(ch_anaemia(born, m6, NAN), CH_HB_NOT_APPLICABLE);
    assert_string_equal(ch_anaemia_code(CH_HB_SEVERE), "severe");
    assert_null(ch_anaemia_code(CH_HB_NOT_APPLICABLE));
    assert_non_null(strstr(ch_anaemia_label(CH_HB_MILD), "(mild anaemia)"));
}

static void test_vision(void **state)
{
    (void)state;
    double d;
    assert_true(ch_vision_decimal(1.0, &d));
    assert_true(d == 1.0);
    assert_true(ch_vision_decimal(5.0, &d)); /* five-point 5.0 = 1.0 */
    assert_true(fabs(d - 1.0) < 1e-12);
    assert_true(ch_vision_decimal(4.0, &d));
    assert_true(fabs(d - 0.1) < 1e-12);
    assert_false(ch_vision_decimal(2.5, &d));
    assert_false(ch_vision_decimal(0.0, &d));
    assert_false(ch_vision_decimal(5.4, &d));
    assert_false(ch_vision_decimal(NAN, &d));
    /* not judged before 3 years */
    assert_false(ch_vision_reduced(35, 0.1, 0.1));
    /* 3 years: 0.5; 4 years: 0.6; from 5 years: 0.8 */
    assert_false(ch_vision_reduced(36, 0.5, 0.5));
    assert_true(ch_vision_reduced(36, 0.4, 0.5));
    assert_false(ch_vision_reduced(48, 0.6, 0.6));
    assert_true(ch_vision_reduced(48, 0.5, 0.6));
    assert_false(ch_vision_reduced(60, 0.8, 0.8));
    assert_true(ch_vision_reduced(60, 0.8, 0.6));
    /* five-point values as the chart prints them: 4.9 is 0.8 */
    assert_true(ch_vision_decimal(4.9, &d));
    assert_false(ch_vision_reduced(60, d, d));
    assert_true(ch_vision_decimal(4.8, &d));
    assert_false(ch_vision_reduced(48, d, d));
    assert_true(ch_vision_reduced(60, d, d));
    /* two lines apart */
    assert_true(ch_vision_reduced(72, 1.0, 0.6));  /* 1.0 → 0.8 → 0.6 */
    assert_false(ch_vision_reduced(72, 1.0, 0.8)); /* one line */
    assert_true(ch_vision_reduced(48, 1.0, 0.6));
    assert_false(ch_vision_reduced(48, 0.8, 0.6));
    /* one eye only */
    assert_true(ch_vision_reduced(60, 0.5, NAN));
    assert_false(ch_vision_reduced(60, NAN, 1.0));
}

static ch_check_facts_t fact(const char *date)
{
    ch_check_facts_t f = {0};
    f.date = D(date);
    f.hb_g_l = NAN;
    f.vision_left = f.vision_right = NAN;
    f.caries = -1;
    f.hearing = -1;
    return f;
}

static void test_alerts(void **state)
{
    (void)state;
    fy_date_t born = D("2024-01-31");
    int by[CH_ALERT_COUNT];
    assert_int_equal(ch_alerts(NULL, 0, born, by), 0);
    for (int a = 0; a < CH_ALERT_COUNT; a++)
        assert_int_equal(by[a], -1);

    ch_check_facts_t c[4];
    c[0] = fact("2025-01-31");
    c[0].hb_g_l = 105;
    c[0].has_wh = true;
    c[0].wasting = true;
    c[0].has_wfa = true;
    c[0].underweight = true;
    c[0].caries = 2;
    c[0].hearing = 1;
    c[0].has_signs = true;
    c[0].signs_positive = true;
    assert_int_equal(ch_alerts(c, 1, born, by), 6);
    assert_int_equal(by[CH_ALERT_ANAEMIA], 0);
    assert_int_equal(by[CH_ALERT_WASTING], 0);
    assert_int_equal(by[CH_ALERT_UNDERWEIGHT], 0);
    assert_int_equal(by[CH_ALERT_CARIES], 0);
    assert_int_equal(by[CH_ALERT_HEARING], 0);
    assert_int_equal(by[CH_ALERT_DEVELOPMENT], 0);
    assert_int_equal(by[CH_ALERT_STUNTING], -1);

    /* a later check with only Hb 110: anaemia clears, the rest stay */
    c[1] = fact("2025-02-10");
    c[1].hb_g_l = 110;
    ch_alerts(c, 2, born, by);
    assert_int_equal(by[CH_ALERT_ANAEMIA], -1);
    assert_int_equal(by[CH_ALERT_WASTING], 0);

    /* entered out of order: the date decides, not the position */
    c[2] = fact("2025-01-01");
    c[2].has_wh = true; /* normal, but older */
    c[2].hb_g_l = 90;
    ch_alerts(c, 3, born, by);
    assert_int_equal(by[CH_ALERT_WASTING], 0);
    assert_int_equal(by[CH_ALERT_ANAEMIA], -1);

    /* obesity raises overweight too; a normal weight-for-length clears wasting */
    c[3] = fact("2025-03-01");
    c[3].has_wh = true;
    c[3].overweight = true;
    c[3].obesity = true;
    c[3].has_signs = true; /* negative signs */
    ch_alerts(c, 4, born, by);
    assert_int_equal(by[CH_ALERT_WASTING], -1);
    assert_int_equal(by[CH_ALERT_OVERWEIGHT], 3);
    assert_int_equal(by[CH_ALERT_OBESITY], 3);
    assert_int_equal(by[CH_ALERT_DEVELOPMENT], -1);
    assert_int_equal(by[CH_ALERT_UNDERWEIGHT], 0); /* no later weight-for-age */

    /* anaemia is judged at the age of the check: Hb 100 at 5 months is not */
    ch_check_facts_t young = fact("2024-06-30");
    young.hb_g_l = 100;
    ch_alerts(&young, 1, born, by);
    assert_int_equal(by[CH_ALERT_ANAEMIA], -1);

    /* vision at 4 years */
    ch_check_facts_t v = fact("2028-02-01");
    v.vision_left = 0.5;
    v.vision_right = 0.8;
    ch_alerts(&v, 1, born, by);
    assert_int_equal(by[CH_ALERT_VISION], 0);

    assert_string_equal(ch_alert_code(CH_ALERT_OBESITY), "obesity");
    assert_non_null(strstr(ch_alert_label(CH_ALERT_ANAEMIA), "(anaemia)"));
    assert_null(ch_alert_code(CH_ALERT_COUNT));
}

static void test_round2(void **state)
{
    (void)state;
    assert_true(ch_round2(0.6250006592116074) == 0.63);
    assert_true(ch_round2(-0.37810708094198003) == -0.38);
    assert_true(ch_round2(-2.004) == -2.0);
    double z = ch_round2(-0.004);
    assert_true(z == 0.0);
    assert_false(signbit(z)); /* no "-0.00" */
    assert_true(isnan(ch_round2(NAN)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_windows_born_jan31),
        cmocka_unit_test(test_windows_other_birth_dates),
        cmocka_unit_test(test_signs_table),
        cmocka_unit_test(test_band_edges),
        cmocka_unit_test(test_signs_load_errors),
        cmocka_unit_test(test_overdue),
        cmocka_unit_test(test_preterm_lbw_edges),
        cmocka_unit_test(test_corrected_age),
        cmocka_unit_test(test_anaemia_edges),
        cmocka_unit_test(test_vision),
        cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_round2),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
