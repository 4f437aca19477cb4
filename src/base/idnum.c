#include "base/idnum.h"

#include <string.h>

static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};

char idnum_check_char(const char *first17)
{
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (first17[i] - '0') * weights[i];
    return "10X98765432"[sum % 11];
}

/* Province-level codes of GB/T 2260 (first two digits). */
static bool province_ok(int p)
{
    static const int codes[] = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42,
                                43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (codes[i] == p)
            return true;
    return false;
}

idnum_status_t idnum_check_resident(const char *s, fy_date_t today, fy_date_t *birth, int *sex)
{
    if (!s || strlen(s) != 18)
        return IDNUM_LENGTH;
    for (int i = 0; i < 17; i++)
        if (s[i] < '0' || s[i] > '9')
            return IDNUM_CHARS;
    char last = s[17] == 'x' ? 'X' : s[17];
    if (!((last >= '0' && last <= '9') || last == 'X'))
        return IDNUM_CHARS;
    if (!province_ok((s[0] - '0') * 10 + (s[1] - '0')))
        return IDNUM_AREA;
    int y = 0, m = 0, d = 0;
    for (int i = 6; i < 10; i++)
        y = y * 10 + (s[i] - '0');
    m = (s[10] - '0') * 10 + (s[11] - '0');
    d = (s[12] - '0') * 10 + (s[13] - '0');
    if (!fy_date_valid_civil(y, m, d))
        return IDNUM_DATE;
    fy_date_t b = fy_date_from_civil(y, m, d);
    if (b > today)
        return IDNUM_FUTURE;
    if (idnum_check_char(s) != last)
        return IDNUM_CHECK;
    if (birth)
        *birth = b;
    if (sex)
        *sex = ((s[16] - '0') % 2) ? 1 : 2;
    return IDNUM_OK;
}

const char *idnum_status_message(idnum_status_t st)
{
    switch (st) {
    case IDNUM_OK: return "有效 (valid)";
    case IDNUM_LENGTH: return "居民身份证号码应为18位 (a resident ID number has 18 characters)";
    case IDNUM_CHARS: return "居民身份证号码应为17位数字加1位数字或X (17 digits then a digit or X)";
    case IDNUM_AREA: return "居民身份证号码的地址码无效 (the area code is not valid)";
    case IDNUM_DATE: return "居民身份证号码中的出生日期无效 (the birth date in the number is not a real date)";
    case IDNUM_FUTURE: return "居民身份证号码中的出生日期晚于今天 (the birth date in the number is in the future)";
    case IDNUM_CHECK: return "居民身份证号码校验码错误 (the check character is wrong, GB 11643)";
    }
    return "";
}

void idnum_normalize(char *s)
{
    size_t n = strlen(s);
    if (n == 18 && s[17] == 'x')
        s[17] = 'X';
}

void idnum_mask(const char *s, char *out, size_t cap)
{
    size_t n = strlen(s);
    if (cap == 0)
        return;
    size_t i = 0;
    for (; i < n && i + 1 < cap; i++)
        out[i] = (n > 10 && (i < 6 || i >= n - 4)) ? s[i] : '*';
    out[i] = 0;
}
