/* Tests for base/idnum.c: the resident ID number of GB 11643-1999
 * (docs/domain.md §13) at each edge of each check, and the masking rule.
 * The check characters here are computed by the test's own copy of the
 * rule, so a wrong weight table in the code cannot agree with itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/idnum.h"

#define D(y, m, d) fy_date_from_civil((y), (m), (d))

static const fy_date_t TODAY = 19783; /* 2024-03-01 */

/* The test's own GB 11643 check: weights 2^(17-i) mod 11. */
static char ref_check(const char *first17)
{
    int sum = 0, w = 1;
    for (int i = 16; i >= 0; i--) {
        w = (w * 2) % 11; /* 2^(17-i) mod 11, from i = 16 upwards */
        sum += (first17[i] - '0') * w;
    }
    return "10X98765432"[sum % 11];
}

/* area (6) + birth "YYYYMMDD" + sequence (3) + the right check char */
static void make(char out[19], const char *area, const char *birth, const char *seq)
{
    snprintf(out, 19, "%.6s%.8s%.3s", area, birth, seq);
    out[17] = ref_check(out);
    out[18] = 0;
}

static void today_is_what_the_tests_think(void **state)
{
    (void)state;
    assert_int_equal(TODAY, D(2024, 3, 1));
    /* the reference check agrees with the published example */
    assert_int_equal(ref_check("11010519491231002"), 'X');
}

static void published_example(void **state)
{
    (void)state;
    fy_date_t birth = 0;
    int sex = 0;
    assert_int_equal(idnum_check_char("11010519491231002"), 'X');
    assert_int_equal(idnum_check_resident("11010519491231002X", TODAY, &birth, &sex), IDNUM_OK);
    assert_int_equal(birth, D(1949, 12, 31));
    assert_int_equal(sex, 2); /* 002: even, female */
    /* a lower-case x is accepted */
    birth = 0;
    assert_int_equal(idnum_check_resident("11010519491231002x", TODAY, &birth, NULL), IDNUM_OK);
    assert_int_equal(birth, D(1949, 12, 31));
    /* NULL out-pointers are allowed */
    assert_int_equal(idnum_check_resident("11010519491231002X", TODAY, NULL, NULL), IDNUM_OK);
}

static void check_char_agrees_with_reference(void **state)
{
    (void)state;
    char s[19];
    /* many numbers; every check character value occurs */
    int seen[128] = {0};
    for (int i = 0; i < 2000; i++) {
        char first[18];
        snprintf(first, sizeof first, "3101%02d19%02d%02d%02d%03d", i % 20, 50 + i % 50, 1 + i % 12, 1 + i % 28,
                 (i * 7) % 1000);
        assert_int_equal(idnum_check_char(first), ref_check(first));
        seen[(int)ref_check(first)]++;
        make(s, first, first + 6, first + 14);
        assert_int_equal(idnum_check_resident(s, TODAY, NULL, NULL), IDNUM_OK);
    }
    for (const char *c = "0123456789X"; *c; c++)
        assert_true(seen[(int)*c] > 0);
}

static void every_wrong_check_char(void **state)
{
    (void)state;
    char s[19];
    make(s, "310104", "19900101", "002");
    for (const char *c = "0123456789X"; *c; c++) {
        s[17] = *c;
        idnum_status_t want = *c == ref_check(s) ? IDNUM_OK : IDNUM_CHECK;
        assert_int_equal(idnum_check_resident(s, TODAY, NULL, NULL), want);
    }
    /* the example with a digit in place of its X */
    assert_int_equal(idnum_check_resident("110105194912310020", TODAY, NULL, NULL), IDNUM_CHECK);
    /* one digit of the body changed: the check character catches it */
    assert_int_equal(idnum_check_resident("11010519491231003X", TODAY, NULL, NULL), IDNUM_CHECK);
    /* two adjacent digits swapped */
    assert_int_equal(idnum_check_resident("11010519491213002X", TODAY, NULL, NULL), IDNUM_CHECK);
}

static void length(void **state)
{
    (void)state;
    assert_int_equal(idnum_check_resident("11010519491231002", TODAY, NULL, NULL), IDNUM_LENGTH);
    assert_int_equal(idnum_check_resident("11010519491231002X1", TODAY, NULL, NULL), IDNUM_LENGTH);
    assert_int_equal(idnum_check_resident("110105491231002", TODAY, NULL, NULL), IDNUM_LENGTH); /* old 15-digit */
    assert_int_equal(idnum_check_resident("", TODAY, NULL, NULL), IDNUM_LENGTH);
    assert_int_equal(idnum_check_resident(NULL, TODAY, NULL, NULL), IDNUM_LENGTH);
}

static void characters(void **state)
{
    (void)state;
    assert_int_equal(idnum_check_resident("1101051949123100XX", TODAY, NULL, NULL), IDNUM_CHARS);
    assert_int_equal(idnum_check_resident("X1010519491231002X", TODAY, NULL, NULL), IDNUM_CHARS);
    assert_int_equal(idnum_check_resident("11010519491231002Y", TODAY, NULL, NULL), IDNUM_CHARS);
    assert_int_equal(idnum_check_resident("11010519491231002 ", TODAY, NULL, NULL), IDNUM_CHARS);
    assert_int_equal(idnum_check_resident(" 1010519491231002X", TODAY, NULL, NULL), IDNUM_CHARS);
    assert_int_equal(idnum_check_resident("1101051949-231002X", TODAY, NULL, NULL), IDNUM_CHARS);
}

static void area_code(void **state)
{
    (void)state;
    char s[19];
    static const char *const ok[] = {"110000", "310104", "310151", "650000", "710000", "810000", "820000"};
    static const char *const bad[] = {"000000", "100000", "190000", "300000", "390000", "660000",
                                      "700000", "830000", "900000", "990101"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        make(s, ok[i], "19900101", "002");
        assert_int_equal(idnum_check_resident(s, TODAY, NULL, NULL), IDNUM_OK);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        make(s, bad[i], "19900101", "002");
        if (idnum_check_resident(s, TODAY, NULL, NULL) != IDNUM_AREA)
            fail_msg("area %s accepted", bad[i]);
    }
}

static void birth_date_real(void **state)
{
    (void)state;
    char s[19];
    fy_date_t b;
    /* 29 February: leap years only (1900 is not one, 2000 is) */
    make(s, "310104", "20000229", "002");
    assert_int_equal(idnum_check_resident(s, TODAY, &b, NULL), IDNUM_OK);
    assert_int_equal(b, D(2000, 2, 29));
    make(s, "310104", "19960229", "002");
    assert_int_equal(idnum_check_resident(s, TODAY, NULL, NULL), IDNUM_OK);
    make(s, "310104", "20240229", "002");
    assert_int_equal(idnum_check_resident(s, TODAY, NULL, NULL), IDNUM_OK);
    make(s, "310104", "19000229", "002");
    assert_int_equal(idnum_check_resident(s, TODAY, NULL, NULL), IDNUM_DATE);
    make(s, "310104", "20230229", "002");
    assert_int_equal(idnum_check_resident(s, TODAY, NULL, NULL), IDNUM_DATE);
    make(s, "310104", "19490230", "002");
    assert_int_equal(idnum_check_resident(s, TODAY, NULL, NULL), IDNUM_DATE);
    make(s, "310104", "19490431", "002");
    assert_int_equal(idnum_check_resident(s, TODAY, NULL, NULL), IDNUM_DATE);
    make(s, "310104", "19491301", "002");
    assert_int_equal(idnum_check_resident(s, TODAY, NULL, NULL), IDNUM_DATE);
    make(s, "310104", "19490001", "002");
    assert_int_equal(idnum_check_resident(s, TODAY, NULL, NULL), IDNUM_DATE);
    make(s, "310104", "19490100", "002");
    assert_int_equal(idnum_check_resident(s, TODAY, NULL, NULL), IDNUM_DATE);
    make(s, "310104", "19490132", "002");
    assert_int_equal(idnum_check_resident(s, TODAY, NULL, NULL), IDNUM_DATE);
    make(s, "310104", "19491231", "002");
    assert_int_equal(idnum_check_resident(s, TODAY, NULL, NULL), IDNUM_OK);
}

static void birth_date_not_future(void **state)
{
    (void)state;
    char s[19];
    fy_date_t b;
    make(s, "310104", "20240301", "002"); /* born today */
    assert_int_equal(idnum_check_resident(s, TODAY, &b, NULL), IDNUM_OK);
    assert_int_equal(b, TODAY);
    make(s, "310104", "20240302", "002"); /* tomorrow */
    assert_int_equal(idnum_check_resident(s, TODAY, NULL, NULL), IDNUM_FUTURE);
    assert_int_equal(idnum_check_resident(s, TODAY + 1, NULL, NULL), IDNUM_OK);
    make(s, "310104", "20990101", "002");
    assert_int_equal(idnum_check_resident(s, TODAY, NULL, NULL), IDNUM_FUTURE);
    /* a future leap day in a common year is not a date at all */
    make(s, "310104", "20250229", "002");
    assert_int_equal(idnum_check_resident(s, TODAY, NULL, NULL), IDNUM_DATE);
}

static void sex_from_sequence(void **state)
{
    (void)state;
    char s[19];
    int sex;
    for (int seq = 0; seq < 20; seq++) {
        char q[4];
        snprintf(q, sizeof q, "%03d", seq * 37 % 1000);
        make(s, "310104", "19900101", q);
        sex = 0;
        assert_int_equal(idnum_check_resident(s, TODAY, NULL, &sex), IDNUM_OK);
        assert_int_equal(sex, (seq * 37 % 1000) % 2 ? 1 : 2);
    }
}

static void failure_leaves_outputs_alone(void **state)
{
    (void)state;
    fy_date_t b = 99;
    int sex = 7;
    assert_int_equal(idnum_check_resident("110105194912310020", TODAY, &b, &sex), IDNUM_CHECK);
    assert_int_equal(b, 99);
    assert_int_equal(sex, 7);
}

static void normalize(void **state)
{
    (void)state;
    char a[] = "11010519491231002x";
    idnum_normalize(a);
    assert_string_equal(a, "11010519491231002X");
    char b[] = "11010519491231002X";
    idnum_normalize(b);
    assert_string_equal(b, "11010519491231002X");
    char c[] = "x1234";
    idnum_normalize(c);
    assert_string_equal(c, "x1234");
    char d[] = "E1234567x";
    idnum_normalize(d);
    assert_string_equal(d, "E1234567x");
    char e[] = "";
    idnum_normalize(e);
    assert_string_equal(e, "");
}

static void masking(void **state)
{
    (void)state;
    char out[64];
    idnum_mask("11010519491231002X", out, sizeof out);
    assert_string_equal(out, "110105********002X");
    idnum_mask("310104199001010026", out, sizeof out);
    assert_string_equal(out, "310104********0026");
    /* 11 characters: one hidden */
    idnum_mask("E1234567890", out, sizeof out);
    assert_string_equal(out, "E12345*7890");
    /* 10 or fewer: all hidden */
    idnum_mask("E123456789", out, sizeof out);
    assert_string_equal(out, "**********");
    idnum_mask("AB12", out, sizeof out);
    assert_string_equal(out, "****");
    idnum_mask("", out, sizeof out);
    assert_string_equal(out, "");
    /* a short buffer truncates and still terminates */
    char small[8];
    memset(small, 'z', sizeof small);
    idnum_mask("11010519491231002X", small, sizeof small);
    assert_string_equal(small, "110105*");
    char one[1] = {'z'};
    idnum_mask("11010519491231002X", one, 1);
    assert_int_equal(one[0], 0);
    idnum_mask("11010519491231002X", one, 0); /* nothing written */
    assert_int_equal(one[0], 0);
}

static void messages_are_chinese_and_english(void **state)
{
    (void)state;
    for (int st = IDNUM_OK; st <= IDNUM_CHECK; st++) {
        const char *m = idnum_status_message((idnum_status_t)st);
        assert_non_null(m);
        assert_true(strlen(m) > 5);
        assert_non_null(strchr(m, '('));
        bool cjk = false;
        for (const unsigned char *p = (const unsigned char *)m; *p; p++)
            if (*p >= 0xE4 && *p <= 0xE9)
                cjk = true;
        assert_true(cjk);
    }
    assert_non_null(strstr(idnum_status_message(IDNUM_CHECK), "check"));
    assert_non_null(strstr(idnum_status_message(IDNUM_FUTURE), "future"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(today_is_what_the_tests_think),
        cmocka_unit_test(published_example),
        cmocka_unit_test(check_char_agrees_with_reference),
        cmocka_unit_test(every_wrong_check_char),
        cmocka_unit_test(length),
        cmocka_unit_test(characters),
        cmocka_unit_test(area_code),
        cmocka_unit_test(birth_date_real),
        cmocka_unit_test(birth_date_not_future),
        cmocka_unit_test(sex_from_sequence),
        cmocka_unit_test(failure_leaves_outputs_alone),
        cmocka_unit_test(normalize),
        cmocka_unit_test(masking),
        cmocka_unit_test(messages_are_chinese_and_english),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
