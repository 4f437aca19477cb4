/* libFuzzer target: the date and instant parsers (base/date.h).
 *
 * Input: the bytes of a candidate date or instant (a NUL inside ends it).
 * Checks, beyond "no crash, no sanitizer report":
 *   - fy_date_parse: an accepted date formats back to the same 10
 *     characters (format ∘ parse = identity), and its civil parts are valid;
 *   - fy_instant_parse: an accepted instant formats (UTC "…Z" and local
 *     "…+08:00") to text that parses back to the same instant, truncated to
 *     the second (UTC form) or the minute (local form);
 *   - the date-only prefix of an instant is a date in the same sense;
 *   - a day number taken from the input formats to a date that parses back
 *     to itself whenever it lies in the accepted years (1900..2999). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"

#define CHECK(cond)                                                                                                \
    do {                                                                                                           \
        if (!(cond)) {                                                                                             \
            fprintf(stderr, "fuzz_date: check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);                  \
            abort();                                                                                               \
        }                                                                                                          \
    } while (0)

static int64_t floor_to(int64_t ms, int64_t unit) { return ms / unit * unit - ((ms % unit < 0) ? unit : 0); }

static void round_trip_day(fy_date_t d)
{
    int y, m, dd;
    fy_date_to_civil(d, &y, &m, &dd);
    CHECK(fy_date_from_civil(y, m, dd) == d);
    char s[11];
    fy_date_format(d, s);
    CHECK(strlen(s) == 10);
    fy_date_t back;
    if (y >= 1900 && y <= 2999) {
        CHECK(fy_date_parse(s, &back));
        CHECK(back == d);
    } else {
        CHECK(!fy_date_parse(s, &back));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = 0;

    fy_date_t d;
    if (fy_date_parse(s, &d)) {
        char out[11];
        fy_date_format(d, out);
        CHECK(strcmp(out, s) == 0);
        int y, m, dd;
        fy_date_to_civil(d, &y, &m, &dd);
        CHECK(fy_date_valid_civil(y, m, dd));
        CHECK(dd <= fy_days_in_month(y, m));
        round_trip_day(d);
    }

    int64_t ms;
    if (fy_instant_parse(s, &ms)) {
        char z[21], local[23];
        fy_instant_format(ms, z);
        fy_instant_format_local(ms, local);
        int64_t back;
        CHECK(fy_instant_parse(z, &back));
        CHECK(back == floor_to(ms, 1000));
        CHECK(fy_instant_parse(local, &back));
        CHECK(back == floor_to(ms, 60000));
        /* the local date of the instant is what the text said when no
         * offset was given (Shanghai time meant) */
        size_t n = strlen(s);
        if (n == 16 || n == 19 || (n > 20 && s[19] == '.' && strspn(s + 20, "0123456789") == n - 20)) {
            char date[11];
            memcpy(date, s, 10);
            date[10] = 0;
            fy_date_t dd;
            CHECK(fy_date_parse(date, &dd));
            CHECK(fy_date_of_instant(ms) == dd);
        }
    }

    /* a day number from the input: format/parse and civil round trips */
    if (size >= 4) {
        int32_t raw;
        memcpy(&raw, data, 4);
        fy_date_t day = raw % 600000; /* about ±1600 years around 1970 */
        round_trip_day(day);
        int months = size >= 6 ? (int16_t)(data[4] | data[5] << 8) % 1200 : 0;
        fy_date_t later = fy_date_add_months(day, months);
        int y1, m1, d1, y2, m2, d2;
        fy_date_to_civil(day, &y1, &m1, &d1);
        fy_date_to_civil(later, &y2, &m2, &d2);
        CHECK((y2 * 12 + m2) - (y1 * 12 + m1) == months);
        CHECK(d2 <= d1);
        int age = fy_age_years(day, later);
        CHECK(age >= -101 && age <= 101);
        (void)fy_months_between(day, later);
    }
    free(s);
    return 0;
}
