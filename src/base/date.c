#include "base/date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Howard Hinnant's days_from_civil / civil_from_days algorithms. */
fy_date_t fy_date_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153u * (unsigned)(m > 2 ? m - 3 : m + 9) + 2u) / 5u + (unsigned)d - 1u;
    const unsigned doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
    return (fy_date_t)(era * 146097 + (int)doe - 719468);
}

void fy_date_to_civil(fy_date_t z0, int *year, int *month, int *day)
{
    int z = z0 + 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
    int y = (int)yoe + era * 400;
    const unsigned doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
    const unsigned mp = (5u * doy + 2u) / 153u;
    const unsigned d = doy - (153u * mp + 2u) / 5u + 1u;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    *year = y + (m <= 2);
    *month = (int)m;
    *day = (int)d;
}

bool fy_is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int fy_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && fy_is_leap(y) ? 29 : days[m - 1];
}

bool fy_date_valid_civil(int y, int m, int d)
{
    return y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= fy_days_in_month(y, m);
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool fy_date_parse(const char *s, fy_date_t *out)
{
    int y, m, d;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    if (!digits(s, 4, &y) || !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
        return false;
    if (!fy_date_valid_civil(y, m, d))
        return false;
    *out = fy_date_from_civil(y, m, d);
    return true;
}

static void put_digits(char *out, int v, int n)
{
    for (int i = n - 1; i >= 0; i--, v /= 10)
        out[i] = (char)('0' + v % 10);
}

void fy_date_format(fy_date_t dt, char out[11])
{
    int y, m, d;
    fy_date_to_civil(dt, &y, &m, &d);
    put_digits(out, y < 0 ? 0 : y, 4);
    out[4] = '-';
    put_digits(out + 5, m, 2);
    out[7] = '-';
    put_digits(out + 8, d, 2);
    out[10] = 0;
}

int fy_age_years(fy_date_t birth, fy_date_t on)
{
    int by, bm, bd, y, m, d;
    fy_date_to_civil(birth, &by, &bm, &bd);
    fy_date_to_civil(on, &y, &m, &d);
    int age = y - by;
    if (m < bm || (m == bm && d < bd))
        age--;
    return age;
}

int fy_months_between(fy_date_t from, fy_date_t to)
{
    if (to < from)
        return -fy_months_between(to, from);
    int fy, fm, fd, ty, tm, td;
    fy_date_to_civil(from, &fy, &fm, &fd);
    fy_date_to_civil(to, &ty, &tm, &td);
    int months = (ty - fy) * 12 + (tm - fm);
    if (td < fd)
        months--;
    return months;
}

fy_date_t fy_date_add_months(fy_date_t dt, int months)
{
    int y, m, d;
    fy_date_to_civil(dt, &y, &m, &d);
    int total = y * 12 + (m - 1) + months;
    y = total / 12;
    m = total % 12 + 1;
    int dim = fy_days_in_month(y, m);
    return fy_date_from_civil(y, m, d > dim ? dim : d);
}

static _Thread_local int64_t thread_now;

void fy_set_thread_now(int64_t ms) { thread_now = ms; }
int64_t fy_thread_now(void) { return thread_now; }

int64_t fy_now_ms(void)
{
    if (thread_now)
        return thread_now;
    const char *fake = getenv("FUYOU_NOW");
    int64_t ms;
    if (fake && *fake && fy_instant_parse(fake, &ms))
        return ms;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

fy_date_t fy_date_of_instant(int64_t ms)
{
    return (fy_date_t)floor_div(ms + FY_SHANGHAI_OFFSET_MS, 86400000LL);
}

fy_date_t fy_today(void) { return fy_date_of_instant(fy_now_ms()); }

bool fy_instant_parse(const char *s, int64_t *out_ms)
{
    int hh, mi, ss = 0, ms = 0;
    fy_date_t d;
    char date[11];
    size_t n = s ? strlen(s) : 0;
    if (n < 16 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':')
        return false;
    memcpy(date, s, 10);
    date[10] = 0;
    if (!fy_date_parse(date, &d) || !digits(s + 11, 2, &hh) || !digits(s + 14, 2, &mi))
        return false;
    const char *p = s + 16;
    if (*p == ':') {
        if (!digits(p + 1, 2, &ss))
            return false;
        p += 3;
        if (*p == '.') {
            p++;
            int k = 0, frac = 0;
            while (*p >= '0' && *p <= '9') {
                if (k < 3)
                    frac = frac * 10 + (*p - '0'), k++;
                p++;
            }
            if (k == 0)
                return false;
            while (k < 3)
                frac *= 10, k++;
            ms = frac;
        }
    }
    if (hh > 23 || mi > 59 || ss > 59)
        return false;
    int64_t offset_ms;
    if (*p == 0) {
        offset_ms = FY_SHANGHAI_OFFSET_MS;
    } else if (*p == 'Z' && p[1] == 0) {
        offset_ms = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || !digits(p + 4, 2, &om) || oh > 14 || om > 59)
            return false;
        offset_ms = ((int64_t)oh * 60 + om) * 60000 * (*p == '-' ? -1 : 1);
    } else {
        return false;
    }
    int64_t at = (int64_t)d * 86400000LL + ((int64_t)hh * 3600 + mi * 60 + ss) * 1000 + ms - offset_ms;
    /* Only instants that both written forms (UTC and Shanghai local time)
     * can carry back: from 1900-01-01T00:00Z up to, not including,
     * 3000-01-01T00:00 in Shanghai. */
    if (at < -2208988800000LL || at >= 32503680000000LL - FY_SHANGHAI_OFFSET_MS)
        return false;
    *out_ms = at;
    return true;
}

static void format_at(int64_t ms, char *out, size_t cap, const char *suffix)
{
    int64_t days = floor_div(ms, 86400000LL);
    int64_t rem = ms - days * 86400000LL;
    int secs = (int)(rem / 1000);
    char buf[20];
    fy_date_format((fy_date_t)days, buf);
    buf[10] = 'T';
    put_digits(buf + 11, secs / 3600, 2);
    buf[13] = ':';
    put_digits(buf + 14, secs / 60 % 60, 2);
    buf[16] = ':';
    put_digits(buf + 17, secs % 60, 2);
    buf[19] = 0;
    /* by hand, not snprintf: replies format many instants. Callers give
     * room for the 19 characters and their suffix. */
    size_t n = strlen(suffix);
    if (20 + n > cap)
        n = 0;
    memcpy(out, buf, 19);
    memcpy(out + 19, suffix, n);
    out[19 + n] = 0;
}

void fy_instant_format(int64_t ms, char out[21]) { format_at(ms, out, 21, "Z"); }

void fy_instant_format_local(int64_t ms, char out[23])
{
    char tmp[32];
    format_at(ms + FY_SHANGHAI_OFFSET_MS, tmp, sizeof tmp, "");
    /* drop seconds: local times are shown to the minute */
    snprintf(out, 23, "%.16s+08:00", tmp);
}
