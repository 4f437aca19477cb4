/* libFuzzer target: the resident ID number parser and the masking rule on
 * arbitrary bytes (base/idnum.h).
 *
 * Input: the bytes of a candidate ID number (a NUL inside ends it, as it
 * would in a C string from a JSON body). Checks, beyond "no crash, no
 * sanitizer report":
 *   - a number accepted as IDNUM_OK really is 17 digits + check character,
 *     with a birth date in range and not after today, sex 1 or 2, and the
 *     check character the one idnum_check_char() computes;
 *   - the upper-cased form (idnum_normalize) is accepted the same way;
 *   - idnum_mask writes at most cap-1 bytes plus a NUL, never shows a byte
 *     of the middle of the number, and stars everything for ≤ 10 bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/idnum.h"

#define CHECK(cond)                                                                                                \
    do {                                                                                                           \
        if (!(cond)) {                                                                                             \
            fprintf(stderr, "fuzz_idnum: check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);                 \
            abort();                                                                                               \
        }                                                                                                          \
    } while (0)

static void check_mask(const char *s, size_t cap)
{
    size_t n = strlen(s);
    char *out = malloc(cap ? cap : 1);
    out[0] = 'Z';
    idnum_mask(s, out, cap);
    if (cap == 0) {
        CHECK(out[0] == 'Z'); /* nothing written */
        free(out);
        return;
    }
    size_t len = strnlen(out, cap);
    CHECK(len < cap);
    CHECK(len == (n < cap - 1 ? n : cap - 1));
    for (size_t i = 0; i < len; i++) {
        if (n > 10 && (i < 6 || i >= n - 4))
            CHECK(out[i] == s[i]);
        else
            CHECK(out[i] == '*');
    }
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = 0;
    /* today: a fixed day, and one the input moves (birth dates near it) */
    fy_date_t today = fy_date_from_civil(2025, 6, 15);
    if (size > 18)
        today = fy_date_from_civil(1900 + data[18] % 200, 1 + data[size - 1] % 12, 1 + data[size / 2] % 28);

    fy_date_t birth = -99999;
    int sex = -1;
    idnum_status_t st = idnum_check_resident(s, today, &birth, &sex);
    CHECK(st >= IDNUM_OK && st <= IDNUM_CHECK);
    CHECK(idnum_status_message(st)[0] != 0);
    /* NULL outputs are allowed */
    CHECK(idnum_check_resident(s, today, NULL, NULL) == st);
    if (st == IDNUM_OK) {
        CHECK(strlen(s) == 18);
        for (int i = 0; i < 17; i++)
            CHECK(s[i] >= '0' && s[i] <= '9');
        char last = s[17] == 'x' ? 'X' : s[17];
        CHECK(idnum_check_char(s) == last);
        CHECK(birth <= today);
        char d[11];
        fy_date_format(birth, d);
        CHECK(memcmp(d, s + 6, 4) == 0 && memcmp(d + 5, s + 10, 2) == 0 && memcmp(d + 8, s + 12, 2) == 0);
        CHECK(sex == 1 || sex == 2);
        CHECK(sex == ((s[16] - '0') % 2 ? 1 : 2));
        char up[19];
        memcpy(up, s, 19);
        idnum_normalize(up);
        CHECK(up[17] != 'x');
        fy_date_t b2;
        int sex2;
        CHECK(idnum_check_resident(up, today, &b2, &sex2) == IDNUM_OK && b2 == birth && sex2 == sex);
    } else {
        CHECK(birth == -99999 && sex == -1); /* untouched on failure */
    }
    /* the check character of any 17 digits is a digit or X */
    if (size >= 17) {
        char digits[18];
        for (int i = 0; i < 17; i++)
            digits[i] = (char)('0' + data[i] % 10);
        digits[17] = 0;
        char c = idnum_check_char(digits);
        CHECK((c >= '0' && c <= '9') || c == 'X');
    }

    check_mask(s, strlen(s) + 1);
    check_mask(s, size ? 1 + data[0] % 24 : 1);
    check_mask(s, 0);
    free(s);
    return 0;
}
