/* Calendar dates and instants.
 *
 * Dates of care (LMP, visit date, birth date) are civil dates in
 * Asia/Shanghai, kept as a day number: days since 1970-01-01 in the
 * proleptic Gregorian calendar. Instants (time stamps) are UTC milliseconds.
 * Shanghai has kept UTC+8 without daylight saving since 1991, so "today in
 * Shanghai" is the UTC instant shifted by eight hours.
 * Anyone may call these; they have no state. */
#ifndef FY_BASE_DATE_H
#define FY_BASE_DATE_H

#include <stdbool.h>
#include <stdint.h>

typedef int32_t fy_date_t; /* days since 1970-01-01 */

#define FY_SHANGHAI_OFFSET_MS (8LL * 3600 * 1000)

fy_date_t fy_date_from_civil(int year, int month, int day);
void fy_date_to_civil(fy_date_t d, int *year, int *month, int *day);
bool fy_date_valid_civil(int year, int month, int day);
bool fy_is_leap(int year);
int fy_days_in_month(int year, int month);

/* Strict "YYYY-MM-DD" (exactly 10 characters, a real calendar date, years
 * 1900..2999). Returns false on anything else. */
bool fy_date_parse(const char *s, fy_date_t *out);
/* Writes "YYYY-MM-DD" and a NUL into out (11 bytes). */
void fy_date_format(fy_date_t d, char out[11]);

/* Completed years from `birth` to `on` (age on a date). */
int fy_age_years(fy_date_t birth, fy_date_t on);
/* Completed calendar months from `from` to `to` (negative if to < from). */
int fy_months_between(fy_date_t from, fy_date_t to);
/* The same day `months` later, clamped to the month's last day. */
fy_date_t fy_date_add_months(fy_date_t d, int months);

/* Now, as UTC milliseconds. FUYOU_NOW (an ISO instant) overrides it, for
 * tests and the demo generator only. */
int64_t fy_now_ms(void);
/* A clock for the calling thread only (0 clears it): the demo generator
 * replays a synthetic city's events at their own times, through the same
 * code as live requests. The store's writer adopts the clock of the thread
 * whose unit it runs. */
void fy_set_thread_now(int64_t ms);
int64_t fy_thread_now(void);
/* The civil date in Asia/Shanghai of an instant. */
fy_date_t fy_date_of_instant(int64_t ms);
/* Today in Asia/Shanghai. */
fy_date_t fy_today(void);

/* Instants: accepts "YYYY-MM-DDTHH:MM[:SS[.fff]]" followed by "Z", "+08:00"
 * style offset, or nothing (then Asia/Shanghai local time is meant). */
bool fy_instant_parse(const char *s, int64_t *out_ms);
/* "YYYY-MM-DDTHH:MM:SSZ" (21 bytes with NUL). */
void fy_instant_format(int64_t ms, char out[21]);
/* "YYYY-MM-DDTHH:MM+08:00" local Shanghai time (23 bytes with NUL). */
void fy_instant_format_local(int64_t ms, char out[23]);

#endif
