/* Tests for domain/schedule.c. Run with the repository root as working
 * directory (the shipped data/schedules/ files are loaded). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/date.h"
#include "domain/schedule.h"

#define NATIONAL "data/schedules/anc-national-2011.json"
#define CMA "data/schedules/anc-cma-2018.json"
#define CHILD "data/schedules/child-national.json"

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

static schedule_t *load_ok(const char *path)
{
    schedule_t *s = NULL;
    char err[512];
    int rc = schedule_load(path, &s, err, sizeof err);
    if (rc != SCHEDULE_OK)
        fail_msg("load %s: %d %s", path, rc, err);
    assert_non_null(s);
    return s;
}

/* Writes text to a fresh temporary file; the caller unlinks it. */
static void write_tmp(char path[32], const char *text)
{
    strcpy(path, "/tmp/fy_sched_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t len = strlen(text);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
}

static int load_text(const char *text, schedule_t **out, char *err, size_t errlen)
{
    char path[32];
    write_tmp(path, text);
    int rc = schedule_load(path, out, err, errlen);
    unlink(path);
    return rc;
}

/* ---- loading the shipped files ---------------------------------------- */

static void test_load_national(void **state)
{
    (void)state;
    schedule_t *s = load_ok(NATIONAL);
    assert_string_equal(schedule_id(s), "anc-national-2011");
    assert_int_equal(schedule_start(s), SCHEDULE_FROM_LMP);
    assert_int_equal(schedule_grace_days(s), 7);
    assert_int_equal(schedule_reminder_days(s), 3);
    assert_int_equal(schedule_count(s), 5);
    assert_null(schedule_at(s, 5));

    static const int from[5] = {42, 112, 147, 196, 259};
    static const int to[5] = {90, 146, 174, 258, 286};
    for (size_t i = 0; i < 5; i++) {
        const schedule_window_t *w = schedule_at(s, i);
        assert_int_equal(w->seq, (int)i + 1);
        assert_int_equal(w->age_months, 0);
        assert_int_equal(w->from_days, from[i]);
        assert_int_equal(w->to_days, to[i]);
        assert_true(strlen(w->source) > 0);
        assert_true(w->n_tests > 0);
    }
    /* the first visit carries the national first-visit labs */
    const schedule_window_t *w1 = schedule_at(s, 0);
    bool hiv = false, group = false;
    for (size_t k = 0; k < w1->n_tests; k++) {
        hiv |= strcmp(w1->tests[k].code, "hiv") == 0;
        group |= strcmp(w1->tests[k].code, "blood_group") == 0;
    }
    assert_true(hiv && group);
    assert_int_equal(schedule_find_seq(s, 3), 2);
    assert_int_equal(schedule_find_seq(s, 9), -1);
    schedule_free(s);
}

static void test_load_cma(void **state)
{
    (void)state;
    schedule_t *s = load_ok(CMA);
    assert_string_equal(schedule_id(s), "anc-cma-2018");
    assert_int_equal(schedule_count(s), 11);
    /* 6–13+6 weeks; then weekly from 37 to 41+6 */
    assert_int_equal(schedule_at(s, 0)->from_days, 42);
    assert_int_equal(schedule_at(s, 0)->to_days, 97);
    assert_int_equal(schedule_at(s, 6)->from_days, 259);
    assert_int_equal(schedule_at(s, 10)->from_days, 287);
    assert_int_equal(schedule_at(s, 10)->to_days, 293);

    /* windows are contiguous from 6+0 to 41+6 */
    for (size_t i = 1; i < schedule_count(s); i++)
        assert_int_equal(schedule_at(s, i)->from_days, schedule_at(s, i - 1)->to_days + 1);

    /* each timed test sits under the visit the guideline lists it at, with its own timing */
    struct {
        const char *code;
        int seq, from, to;
    } want[] = {
        {"nt", 1, 77, 97},         {"nipt", 2, 84, 160},  {"serum_screening", 2, 105, 146},
        {"anomaly_ultrasound", 3, 140, 174}, {"ogtt", 4, 168, 202}, {"gbs", 6, 245, 265},
    };
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        const schedule_window_t *w = schedule_at(s, (size_t)schedule_find_seq(s, want[k].seq));
        const schedule_test_t *t = NULL;
        for (size_t j = 0; j < w->n_tests; j++)
            if (strcmp(w->tests[j].code, want[k].code) == 0)
                t = &w->tests[j];
        if (!t)
            fail_msg("%s not under seq %d", want[k].code, want[k].seq);
        assert_true(t->timed);
        assert_int_equal(t->from_days, want[k].from);
        assert_int_equal(t->to_days, want[k].to);
    }

    /* a timed test's dates use its own range, an untimed one its window's */
    const schedule_window_t *w1 = schedule_at(s, 0);
    fy_date_t a, b;
    for (size_t j = 0; j < w1->n_tests; j++) {
        schedule_test_dates(w1, &w1->tests[j], D("2024-01-01"), &a, &b);
        if (strcmp(w1->tests[j].code, "nt") == 0) {
            assert_date(a, "2024-03-18");
            assert_date(b, "2024-04-07");
        } else if (!w1->tests[j].timed) {
            assert_date(a, "2024-02-12");
            assert_date(b, "2024-04-07");
        }
    }
    schedule_free(s);
}

/* ---- windows as dates ------------------------------------------------- */

static void test_windows_leap_february(void **state)
{
    (void)state;
    schedule_t *s = load_ok(NATIONAL);
    schedule_slot_t sl[5];
    /* LMP 2023-12-01: 12+6 weeks falls on 2024-02-29 */
    assert_int_equal(schedule_plan(s, D("2023-12-01"), NULL, 0, D("2023-12-01"), sl, 5), 5);
    static const char *want[5][2] = {{"2024-01-12", "2024-02-29"}, {"2024-03-22", "2024-04-25"},
                                     {"2024-04-26", "2024-05-23"}, {"2024-06-14", "2024-08-15"},
                                     {"2024-08-16", "2024-09-12"}};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(sl[i].seq, (int)i + 1);
        assert_date(sl[i].opens, want[i][0]);
        assert_date(sl[i].closes, want[i][1]);
        assert_false(sl[i].filled);
        assert_false(sl[i].overdue);
    }
    /* the same offsets a year earlier end on 1 March */
    schedule_plan(s, D("2022-12-01"), NULL, 0, D("2022-12-01"), sl, 5);
    assert_date(sl[0].closes, "2023-03-01");

    fy_date_t o, c;
    schedule_window_dates(schedule_at(s, 1), D("2023-12-01"), &o, &c);
    assert_date(o, "2024-03-22");
    assert_date(c, "2024-04-25");
    schedule_free(s);
}

static void test_reminder_date(void **state)
{
    (void)state;
    schedule_t *s = load_ok(NATIONAL);
    schedule_slot_t sl[5];
    schedule_plan(s, D("2023-12-01"), NULL, 0, D("2023-12-01"), sl, 5);
    assert_date(sl[0].remind_on, "2024-01-09");
    assert_date(sl[1].remind_on, "2024-03-19");
    assert_date(sl[4].remind_on, "2024-08-13");
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(sl[i].opens - sl[i].remind_on, schedule_reminder_days(s));
    schedule_free(s);
}

/* ---- filling ---------------------------------------------------------- */

static void test_fill_and_outside(void **state)
{
    (void)state;
    schedule_t *s = load_ok(NATIONAL);
    schedule_slot_t sl[5];
    fy_date_t lmp = D("2023-12-01");
    /* 14+2 weeks lies between windows 1 and 2: it counts for none;
     * two visits in window 1 fill it once, with the earlier date;
     * the window's last day still counts */
    fy_date_t v[] = {lmp + 100, lmp + 70, lmp + 60, lmp + 146};
    schedule_plan(s, lmp, v, 4, lmp + 200, sl, 5);
    assert_true(sl[0].filled);
    assert_int_equal(sl[0].filled_on, lmp + 60);
    assert_true(sl[1].filled);
    assert_int_equal(sl[1].filled_on, lmp + 146);
    assert_false(sl[2].filled);

    /* only the visit in the gap: nothing filled */
    fy_date_t gap[] = {lmp + 100};
    schedule_plan(s, lmp, gap, 1, lmp + 100, sl, 5);
    for (size_t i = 0; i < 5; i++)
        assert_false(sl[i].filled);

    /* a visit dated after `today` has not happened yet */
    fy_date_t future[] = {lmp + 60};
    schedule_plan(s, lmp, future, 1, lmp + 59, sl, 5);
    assert_false(sl[0].filled);
    schedule_plan(s, lmp, future, 1, lmp + 60, sl, 5);
    assert_true(sl[0].filled);
    schedule_free(s);
}

static const char *OVERLAP =
    "{\"id\":\"t\",\"version\":\"1\",\"start\":\"lmp\",\"source\":\"测试\",\"grace_days\":2,"
    "\"reminder_days_before\":1,\"windows\":["
    "{\"seq\":1,\"name\":\"A\",\"from_days\":0,\"to_days\":10},"
    "{\"seq\":2,\"name\":\"B\",\"from_days\":5,\"to_days\":15},"
    "{\"seq\":3,\"name\":\"C\",\"from_days\":5,\"to_days\":6}]}";

static void test_first_open_window(void **state)
{
    (void)state;
    schedule_t *s = NULL;
    char err[256];
    assert_int_equal(load_text(OVERLAP, &s, err, sizeof err), SCHEDULE_OK);
    schedule_slot_t sl[3];
    fy_date_t st = D("2024-01-01");

    /* one visit in the overlap fills only the first window */
    fy_date_t one[] = {st + 6};
    schedule_plan(s, st, one, 1, st + 30, sl, 3);
    assert_true(sl[0].filled);
    assert_false(sl[1].filled);
    assert_false(sl[2].filled);

    /* the next visit goes to the first window still open; given out of
     * order, visits are still taken by date */
    fy_date_t three[] = {st + 7, st + 6, st + 6};
    schedule_plan(s, st, three, 3, st + 30, sl, 3);
    assert_int_equal(sl[0].filled_on, st + 6);
    assert_int_equal(sl[1].filled_on, st + 6);
    assert_false(sl[2].filled); /* C closed on day 6; day 7 is outside it */

    /* truncated output: the slots written are the same, the count is the total */
    schedule_slot_t two[2];
    assert_int_equal(schedule_plan(s, st, three, 3, st + 30, two, 2), 3);
    assert_int_equal(two[0].filled_on, st + 6);
    assert_int_equal(two[1].filled_on, st + 6);
    assert_int_equal(schedule_plan(s, st, NULL, 0, st, NULL, 0), 3);
    schedule_free(s);
}

/* ---- overdue and next due --------------------------------------------- */

static void test_overdue_edge(void **state)
{
    (void)state;
    schedule_t *s = load_ok(NATIONAL);
    schedule_slot_t sl[5];
    fy_date_t lmp = D("2023-12-01");
    fy_date_t closes = lmp + 90; /* 2024-02-29 */
    int grace = schedule_grace_days(s);

    schedule_plan(s, lmp, NULL, 0, closes, sl, 5);
    assert_false(sl[0].overdue);
    assert_date(sl[0].overdue_from, "2024-03-08");
    schedule_plan(s, lmp, NULL, 0, closes + grace, sl, 5);
    assert_false(sl[0].overdue); /* last day of grace */
    schedule_plan(s, lmp, NULL, 0, closes + grace + 1, sl, 5);
    assert_true(sl[0].overdue);
    assert_false(sl[1].overdue);

    size_t idx[5];
    assert_int_equal(schedule_overdue(sl, 5, idx, 5), 1);
    assert_int_equal(idx[0], 0);

    /* a filled window is never overdue */
    fy_date_t v[] = {lmp + 42};
    schedule_plan(s, lmp, v, 1, closes + grace + 1, sl, 5);
    assert_false(sl[0].overdue);
    assert_int_equal(schedule_overdue(sl, 5, NULL, 0), 0);

    /* far in the future every empty window is overdue; idx[] gets what fits */
    schedule_plan(s, lmp, v, 1, lmp + 400, sl, 5);
    assert_int_equal(schedule_overdue(sl, 5, idx, 2), 4);
    assert_int_equal(idx[0], 1);
    assert_int_equal(idx[1], 2);
    schedule_free(s);
}

static void test_next_due(void **state)
{
    (void)state;
    schedule_t *s = load_ok(NATIONAL);
    schedule_slot_t sl[5];
    fy_date_t lmp = D("2023-12-01");

    /* before anything opens, the first window is next */
    schedule_plan(s, lmp, NULL, 0, lmp + 10, sl, 5);
    assert_int_equal(schedule_next_due(sl, 5, lmp + 10), 0);
    /* on its last day it is still due */
    schedule_plan(s, lmp, NULL, 0, lmp + 90, sl, 5);
    assert_int_equal(schedule_next_due(sl, 5, lmp + 90), 0);
    /* the day after, it is missed (overdue later), and window 2 is next */
    schedule_plan(s, lmp, NULL, 0, lmp + 91, sl, 5);
    assert_int_equal(schedule_next_due(sl, 5, lmp + 91), 1);

    /* filled windows are skipped */
    fy_date_t v[] = {lmp + 50, lmp + 120};
    schedule_plan(s, lmp, v, 2, lmp + 130, sl, 5);
    assert_int_equal(schedule_next_due(sl, 5, lmp + 130), 2);

    /* after the last window closes nothing is due */
    schedule_plan(s, lmp, v, 2, lmp + 287, sl, 5);
    assert_int_equal(schedule_next_due(sl, 5, lmp + 287), -1);
    assert_int_equal(schedule_next_due(sl, 0, lmp), -1);
    schedule_free(s);
}

/* ---- child schedule --------------------------------------------------- */

static void test_child_born_jan31(void **state)
{
    (void)state;
    schedule_t *s = load_ok(CHILD);
    assert_int_equal(schedule_start(s), SCHEDULE_FROM_BIRTH);
    assert_int_equal(schedule_count(s), 13);
    schedule_slot_t sl[13];
    fy_date_t birth = D("2024-01-31");
    schedule_plan(s, birth, NULL, 0, birth, sl, 13);

    assert_date(sl[0].opens, "2024-01-31"); /* newborn home visit */
    assert_date(sl[0].closes, "2024-02-12");
    assert_date(sl[1].opens, "2024-02-28"); /* 满月: 28–30 days, across a leap day */
    assert_date(sl[1].closes, "2024-03-01");
    /* 3 months after 31 January is clamped to 30 April, then ±15 days */
    assert_date(sl[2].opens, "2024-04-15");
    assert_date(sl[2].closes, "2024-05-15");
    assert_date(sl[2].remind_on, "2024-04-12");
    /* 6 years: 2030-01-31 ± 60 days */
    assert_date(sl[12].opens, "2029-12-02");
    assert_date(sl[12].closes, "2030-04-01");

    /* a year earlier, no 29 February */
    schedule_plan(s, D("2023-01-31"), NULL, 0, D("2023-01-31"), sl, 13);
    assert_date(sl[1].opens, "2023-02-28");
    assert_date(sl[1].closes, "2023-03-02");
    assert_date(sl[2].opens, "2023-04-15");

    /* windows never overlap, so each visit has one place to go */
    for (size_t i = 1; i < 13; i++)
        assert_true(sl[i].opens > sl[i - 1].closes);

    /* checks at 5 days, 29 days and 3 months fill the first three */
    fy_date_t v[] = {birth + 5, birth + 29, D("2024-04-30")};
    schedule_plan(s, birth, v, 3, D("2024-06-01"), sl, 13);
    assert_true(sl[0].filled && sl[1].filled && sl[2].filled);
    assert_false(sl[3].filled);
    assert_int_equal(schedule_next_due(sl, 13, D("2024-06-01")), 3); /* 6 months */
    schedule_free(s);
}

static void test_child_due_items(void **state)
{
    (void)state;
    schedule_t *s = load_ok(CHILD);
    /* Hb at 6–8, 18 and 30 months; hearing at 6, 12, 24, 36 months */
    int hb_months[8], n_hb = 0, hear_months[8], n_hear = 0;
    for (size_t i = 0; i < schedule_count(s); i++) {
        const schedule_window_t *w = schedule_at(s, i);
        for (size_t k = 0; k < w->n_tests; k++) {
            if (strcmp(w->tests[k].code, "hb") == 0 && n_hb < 8)
                hb_months[n_hb++] = w->age_months;
            if (strcmp(w->tests[k].code, "hearing") == 0 && n_hear < 8)
                hear_months[n_hear++] = w->age_months;
        }
    }
    assert_int_equal(n_hb, 4);
    assert_int_equal(hb_months[0], 6);
    assert_int_equal(hb_months[1], 8);
    assert_int_equal(hb_months[2], 18);
    assert_int_equal(hb_months[3], 30);
    assert_int_equal(n_hear, 4);
    assert_int_equal(hear_months[0], 6);
    assert_int_equal(hear_months[3], 36);
    schedule_free(s);
}

/* ---- loading errors --------------------------------------------------- */

static void expect_error(const char *text, int rc_want, const char *msg_part)
{
    schedule_t *s = (schedule_t *)1;
    char err[512] = "";
    int rc = load_text(text, &s, err, sizeof err);
    if (rc != rc_want)
        fail_msg("rc %d, want %d: %s\n(%s)", rc, rc_want, err, text);
    assert_null(s);
    if (!strstr(err, msg_part))
        fail_msg("message \"%s\" lacks \"%s\"", err, msg_part);
}

#define HEAD "{\"id\":\"t\",\"version\":\"1\",\"start\":\"lmp\",\"source\":\"s\",\"grace_days\":7,\"reminder_days_before\":3,"

static void test_load_errors(void **state)
{
    (void)state;
    schedule_t *s = (schedule_t *)1;
    char err[512];
    assert_int_equal(schedule_load("data/schedules/no-such-file.json", &s, err, sizeof err),
                     SCHEDULE_ERR_IO);
    assert_null(s);
    assert_non_null(strstr(err, "no-such-file.json"));
    assert_non_null(strstr(err, "无法打开"));
    /* no error buffer is fine */
    assert_int_equal(schedule_load("data/schedules/no-such-file.json", &s, NULL, 0),
                     SCHEDULE_ERR_IO);

    expect_error("{\"id\": \"t\",\n \"windows\": [", SCHEDULE_ERR_JSON, "第 2 行");
    expect_error(HEAD "\"windows\":[],\"id\":\"x\"}", SCHEDULE_ERR_JSON, "JSON");
    expect_error("[1,2]", SCHEDULE_ERR_CONTENT, "顶层");
    expect_error("{\"version\":\"1\"}", SCHEDULE_ERR_CONTENT, "id");
    expect_error(HEAD "\"windows\":[]}", SCHEDULE_ERR_CONTENT, "windows");
    expect_error("{\"id\":\"t\",\"version\":\"1\",\"start\":\"edd\",\"grace_days\":7,"
                 "\"reminder_days_before\":3,\"windows\":[]}",
                 SCHEDULE_ERR_CONTENT, "start");
    expect_error("{\"id\":\"t\",\"version\":\"1\",\"start\":\"lmp\",\"grace_days\":-1,"
                 "\"reminder_days_before\":3,\"windows\":[]}",
                 SCHEDULE_ERR_CONTENT, "grace_days");
    expect_error("{\"id\":\"t\",\"version\":\"1\",\"start\":\"lmp\",\"grace_days\":7,"
                 "\"windows\":[{\"seq\":1,\"name\":\"a\",\"from_days\":0,\"to_days\":1}]}",
                 SCHEDULE_ERR_CONTENT, "reminder_days_before");
    expect_error(HEAD "\"windows\":[{\"seq\":1,\"name\":\"a\",\"from_days\":10,\"to_days\":9}]}",
                 SCHEDULE_ERR_CONTENT, "from_days");
    expect_error(HEAD "\"windows\":[{\"seq\":1,\"name\":\"a\",\"from_days\":\"0\",\"to_days\":9}]}",
                 SCHEDULE_ERR_CONTENT, "windows[0].from_days");
    expect_error(HEAD "\"windows\":[{\"seq\":1,\"name\":\"a\",\"from_days\":0,\"to_days\":9},"
                 "{\"seq\":1,\"name\":\"b\",\"from_days\":10,\"to_days\":19}]}",
                 SCHEDULE_ERR_CONTENT, "升序");
    expect_error(HEAD "\"windows\":[{\"seq\":1,\"from_days\":0,\"to_days\":9}]}",
                 SCHEDULE_ERR_CONTENT, "windows[0].name");
    expect_error(HEAD "\"windows\":[{\"seq\":1,\"name\":\"a\",\"from_days\":0,\"to_days\":99999}]}",
                 SCHEDULE_ERR_CONTENT, "范围");
    expect_error(HEAD "\"windows\":[{\"seq\":1,\"name\":\"a\",\"from_days\":0,\"to_days\":9,"
                 "\"tests\":[{\"code\":\"x\",\"name\":\"X\",\"from_days\":1}]}]}",
                 SCHEDULE_ERR_CONTENT, "同时");
    expect_error(HEAD "\"windows\":[{\"seq\":1,\"name\":\"a\",\"from_days\":0,\"to_days\":9,"
                 "\"tests\":[{\"code\":\"x\",\"name\":\"X\"},{\"code\":\"x\",\"name\":\"Y\"}]}]}",
                 SCHEDULE_ERR_CONTENT, "重复");
    expect_error(HEAD "\"windows\":[{\"seq\":1,\"name\":\"a\",\"from_days\":0,\"to_days\":9,"
                 "\"tests\":[{\"name\":\"X\"}]}]}",
                 SCHEDULE_ERR_CONTENT, "tests[0].code");
    /* no window source and no file source: the UI could not say why */
    expect_error("{\"id\":\"t\",\"version\":\"1\",\"start\":\"lmp\",\"grace_days\":7,"
                 "\"reminder_days_before\":3,"
                 "\"windows\":[{\"seq\":1,\"name\":\"a\",\"from_days\":0,\"to_days\":9}]}",
                 SCHEDULE_ERR_CONTENT, "source");

    /* a minimal valid file: optional fields take their defaults */
    assert_int_equal(load_text(HEAD "\"windows\":[{\"seq\":1,\"name\":\"a\",\"from_days\":0,"
                                    "\"to_days\":9}]}",
                               &s, err, sizeof err),
                     SCHEDULE_OK);
    assert_int_equal(schedule_at(s, 0)->age_months, 0);
    assert_int_equal(schedule_at(s, 0)->n_tests, 0);
    assert_string_equal(schedule_at(s, 0)->source, "s");
    assert_string_equal(schedule_name(s), "t");
    schedule_free(s);
    schedule_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_national),
        cmocka_unit_test(test_load_cma),
        cmocka_unit_test(test_windows_leap_february),
        cmocka_unit_test(test_reminder_date),
        cmocka_unit_test(test_fill_and_outside),
        cmocka_unit_test(test_first_open_window),
        cmocka_unit_test(test_overdue_edge),
        cmocka_unit_test(test_next_due),
        cmocka_unit_test(test_child_born_jan31),
        cmocka_unit_test(test_child_due_items),
        cmocka_unit_test(test_load_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
