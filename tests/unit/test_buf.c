/* Tests for base/buf.c's printf-free number writers: buf_put_int and
 * buf_put_num must write exactly what "%lld" and "%.10g" write, for the
 * measurements a record holds and for any other finite double. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_as_printf_writes_them),
        cmocka_unit_test(integers_as_printf_writes_them),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
