/* Tests for base/buf.c's reply writers: buf_put_int and buf_put_num must
 * write exactly what "%lld" and "%.10g" write (the measurements a record
 * holds, and any other finite double); buf_json_str, with its fast paths,
 * exactly what its rules say byte by byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

static void check_num(double v)
{
    char want[64];
    snprintf(want, sizeof want, "%.10g", v);
    buf_t b = {0};
    buf_put_num(&b, v);
    if (strcmp(b.p, want) != 0)
        fail_msg("buf_put_num(%.17g) wrote \"%s\", printf writes \"%s\"", v, b.p, want);
    buf_free(&b);
}

static void numbers_as_printf_writes_them(void **state)
{
    (void)state;
    static const double fixed[] = {0.0,      -0.0,       1,          -1,        0.001,     -0.001,   0.0005,
                                   36.7,     120.5,      3.14159,    999999.999, 1e6,      -1e6,     123456.7891,
                                   1e-5,     2.5e-7,     1e15,       1e300,     -1e-300,   0.1 + 0.2, 1.0 / 3,
                                   5e-324,   1.7976931348623157e308, 42.42,     70.125,    -0.125,   99.9};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        check_num(fixed[i]);
    /* decimals with 0–6 places, as entered in forms (height 162.5, Hb 11.25 …) */
    srand(7);
    for (int i = 0; i < 200000; i++) {
        int places = rand() % 7;
        double scale = pow(10, places);
        long long n = (long long)(rand() % 2000000000) - 1000000000;
        check_num((double)n / scale);
    }
    /* arbitrary doubles */
    for (int i = 0; i < 100000; i++) {
        uint64_t bits = ((uint64_t)rand() << 42) ^ ((uint64_t)rand() << 21) ^ (uint64_t)rand();
        double v;
        memcpy(&v, &bits, sizeof v);
        if (isfinite(v))
            check_num(v);
    }
}

static void integers_as_printf_writes_them(void **state)
{
    (void)state;
    static const long long vals[] = {0, 1, -1, 9, 10, -10, 1234567890123LL, LLONG_MAX, LLONG_MIN};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        char want[32];
        snprintf(want, sizeof want, "%lld", vals[i]);
        buf_t b = {0};
        buf_put_int(&b, vals[i]);
        assert_string_equal(b.p, want);
        buf_free(&b);
    }
}

/* What buf_json_str must write, one byte at a time: the rules of buf.h
 * spelled out without any fast path. */
static void reference_json_str(buf_t *b, const unsigned char *p)
{
    buf_putc(b, '"');
    while (*p) {
        unsigned char c = *p;
        size_t n = 0;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            n = 2;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        bool valid = n > 0 && p[1] >= lo && p[1] <= hi;
        for (size_t i = 2; valid && i < n; i++)
            valid = (p[i] & 0xC0) == 0x80;
        if (c >= 0x80) {
            if (valid) {
                buf_append(b, p, n);
                p += n;
            } else {
                buf_puts(b, "\\ufffd");
                p++;
            }
            continue;
        }
        if (c == '"' || c == '\\')
            buf_printf(b, "\\%c", c);
        else if (c < 0x20 || c == '<' || c == '>' || c == '&')
            buf_printf(b, "\\u%04x", c);
        else
            buf_putc(b, (char)c);
        p++;
    }
    buf_putc(b, '"');
}

static void json_strings_as_the_rules_say(void **state)
{
    (void)state;
    /* fragments: ASCII, escapes, Chinese, 2- and 4-byte characters, the
     * edges of the UTF-8 ranges (E0/ED/F0/F4), and broken sequences */
    static const char *const parts[] = {"a", "Z", " ", "\"", "\\", "<", ">", "&", "\n", "\x01", "\x1f", "\x7f",
                                        "王", "妇幼", "（", "é", "😀", "\xe0\xa0\x80", "\xe0\x80\x80", "\xed\x9f\xbf",
                                        "\xed\xa0\x80", "\xf0\x90\x80\x80", "\xf4\x90\x80\x80", "\xc0\xaf",
                                        "\xe5\xa6", "\xff", "\x80", "\xef\xbf\xbd", "\xee\x80\x80"};
    const size_t np = sizeof parts / sizeof parts[0];
    srand(11);
    for (int i = 0; i < 50000; i++) {
        char s[256] = "";
        size_t len = 0;
        for (int k = rand() % 12; k > 0; k--) {
            const char *part = parts[(size_t)rand() % np];
            size_t n = strlen(part);
            if (len + n >= sizeof s)
                break;
            memcpy(s + len, part, n + 1);
            len += n;
        }
        if (rand() % 4 == 0 && len > 1)
            s[rand() % (int)len] = (char)(rand() % 255 + 1); /* a random byte somewhere */
        buf_t got = {0}, want = {0};
        buf_json_str(&got, s);
        reference_json_str(&want, (const unsigned char *)s);
        if (strcmp(got.p, want.p) != 0)
            fail_msg("buf_json_str wrote %s, the rules say %s", got.p, want.p);
        buf_free(&got);
        buf_free(&want);
    }
    buf_t b = {0};
    buf_json_str(&b, NULL);
    assert_string_equal(b.p, "null");
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_as_printf_writes_them),
        cmocka_unit_test(integers_as_printf_writes_them),
        cmocka_unit_test(json_strings_as_the_rules_say),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
