/* Background work of a running server: one thread that, at start and then
 * every interval, looks at the open pregnancies whose next check date has
 * come (store_pregnancies_due) and refreshes their schedule state: queues
 * reminders in the outbox and sets or clears the overdue flag. */
#ifndef FY_JOBS_JOBS_H
#define FY_JOBS_JOBS_H

#include "api/api.h"

typedef struct jobs jobs_t;

jobs_t *jobs_start(app_t *app, int interval_seconds);
void jobs_stop(jobs_t *j);
/* One pass as of `today`; returns the number of pregnancies refreshed, or
 * -1. Also used by the demo generator and tests. */
int jobs_run_once(app_t *app, fy_date_t today);

#endif
