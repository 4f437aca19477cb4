/* Visit schedules: antenatal check windows counted from the LMP, and child
 * health-check windows counted from the birth date (domain.md §4, §10).
 *
 * A schedule is versioned reference data (the JSON files in data/schedules/), because a
 * region or a year changes it. This module loads one and answers, for one
 * woman or child: when each window opens and closes, which windows her
 * visits fill, which window is due next, which are overdue, and when to
 * remind her. Loading is the only I/O and the only use of JSON; everything
 * else is arithmetic on fy_date_t, so jobs/ (reminders, overdue scans) and
 * api/ (work lists, "what is due") may call it freely. A loaded schedule is
 * read-only and may be shared between threads.
 *
 * Conventions (also written into each data file):
 * - A window's dates are anchor + from_days .. anchor + to_days, both ends
 *   inclusive, where anchor = start date + age_months calendar months
 *   (fy_date_add_months: a missing day is clamped to the month's end, so a
 *   child born on 31 January has her 3-month anchor on 30 April). Antenatal
 *   windows have age_months 0 and count days from the LMP. Months are
 *   resolved at plan time, because their length depends on the birth date.
 * - A visit counts for the first window, in file order, that contains its
 *   date and is not yet filled; visits are taken in date order. A visit in
 *   no window counts for none. Visits after `today` are ignored: a plan says
 *   what was true on `today`.
 * - A window is overdue when it is not filled and today > closes +
 *   grace_days (closes + grace_days itself is the last day of grace).
 * - Its reminder date is opens - reminder_days_before. */
#ifndef FY_DOMAIN_SCHEDULE_H
#define FY_DOMAIN_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/date.h"

/* What the start date passed to schedule_plan() must be. */
typedef enum {
    SCHEDULE_FROM_LMP,   /* antenatal: last menstrual period */
    SCHEDULE_FROM_BIRTH, /* child: date of birth */
} schedule_start_t;

/* A test or check due at a window. Some tests have their own timing, which
 * may reach past the window they are listed under (e.g. serum screening at
 * 15–20+6 weeks listed under the 14–19+6 week visit). */
typedef struct {
    const char *code; /* stable machine code, e.g. "ogtt", "hb" */
    const char *name; /* Chinese, for display */
    bool timed;       /* from_days/to_days below are meaningful */
    int from_days, to_days; /* same anchor as its window, inclusive */
} schedule_test_t;

typedef struct {
    int seq;             /* strictly increasing within a schedule */
    const char *name;    /* Chinese, e.g. "孕中期第1次检查", "3月龄" */
    int age_months;      /* anchor offset in calendar months; 0 for antenatal */
    int from_days, to_days; /* from the anchor, inclusive; may be negative */
    const char *source;  /* the clause that sets this window */
    size_t n_tests;
    const schedule_test_t *tests;
} schedule_window_t;

typedef struct schedule schedule_t;

/* Return codes of schedule_load(). */
enum {
    SCHEDULE_OK = 0,
    SCHEDULE_ERR_IO = -1,      /* file cannot be opened */
    SCHEDULE_ERR_JSON = -2,    /* not JSON (message has line and column) */
    SCHEDULE_ERR_CONTENT = -3, /* JSON, but not a valid schedule (message names the field) */
    SCHEDULE_ERR_NOMEM = -4,
};

/* Loads and validates a schedule file. On success returns SCHEDULE_OK and
 * sets *out (free it with schedule_free). On failure returns a negative
 * code, sets *out to NULL and writes a Chinese message into err (if err is
 * not NULL and errlen > 0). */
int schedule_load(const char *path, schedule_t **out, char *err, size_t errlen);
void schedule_free(schedule_t *s);

const char *schedule_id(const schedule_t *s);
const char *schedule_version(const schedule_t *s);
const char *schedule_name(const schedule_t *s);
const char *schedule_source(const schedule_t *s);
schedule_start_t schedule_start(const schedule_t *s);
int schedule_grace_days(const schedule_t *s);
int schedule_reminder_days(const schedule_t *s);
size_t schedule_count(const schedule_t *s);
/* NULL when i >= schedule_count(s). */
const schedule_window_t *schedule_at(const schedule_t *s, size_t i);
/* Index of the window with this seq, or -1. */
int schedule_find_seq(const schedule_t *s, int seq);

/* The dates of one window for a given start date. */
void schedule_window_dates(const schedule_window_t *w, fy_date_t start, fy_date_t *opens,
                           fy_date_t *closes);
/* The dates of a timed test; for an untimed one, its window's dates. */
void schedule_test_dates(const schedule_window_t *w, const schedule_test_t *t, fy_date_t start,
                         fy_date_t *from, fy_date_t *to);

/* One window, placed on the calendar for one person as of one day. */
typedef struct {
    int seq;
    fy_date_t opens, closes;
    fy_date_t remind_on;    /* opens - reminder_days_before */
    fy_date_t overdue_from; /* closes + grace_days + 1: first overdue day */
    bool filled;
    fy_date_t filled_on;    /* the visit that filled it; meaningful if filled */
    bool overdue;           /* !filled && today >= overdue_from */
} schedule_slot_t;

/* Places the schedule's windows for `start` and fills them with `visits`
 * (any order, duplicates allowed) as of `today`. Writes the first
 * min(n, count) windows into slots[] and returns schedule_count(s), so a
 * caller can size the array (slots may be NULL when n is 0). Truncation
 * never changes the slots written: a visit only ever fills the earliest
 * window that can take it. */
size_t schedule_plan(const schedule_t *s, fy_date_t start, const fy_date_t *visits,
                     size_t n_visits, fy_date_t today, schedule_slot_t *slots, size_t n);

/* Index of the first slot that is not filled and still open or yet to open
 * (closes >= today), or -1 if none: what to book next. A slot past its close
 * is not due any more, even within grace; it shows as overdue instead. */
int schedule_next_due(const schedule_slot_t *slots, size_t n, fy_date_t today);

/* Number of overdue slots; their indexes go into idx[] (capacity n_idx, may
 * be NULL when n_idx is 0) in schedule order. */
size_t schedule_overdue(const schedule_slot_t *slots, size_t n, size_t *idx, size_t n_idx);

#endif
