/* Child health 0–6 (child_health.c): what the rest of the program uses of
 * it. children.c adds the special-case and alerts section to a child's
 * record; the reminder job (jobs.c) keeps each child's schedule state. The
 * resource's own routes are api_child_health_routes (routes.c). */
#ifndef FY_API_CHILD_HEALTH_H
#define FY_API_CHILD_HEALTH_H

#include "api/api.h"

/* Appends ,"special_case":{…},"alerts":[…] to a child object being built.
 * Reads the child's checks and referrals in a unit of its own, so call it
 * outside any unit of work. special_case: preterm (< 37 weeks) and low
 * birth weight (< 2500 g) children are enrolled from the birth record, with
 * the day corrected age ends. alerts: anaemia, underweight, stunting,
 * wasting, overweight, obesity, vision, caries, hearing and a suspected
 * developmental deviation, each with the check that raised it. */
void child_health_json(http_req_t *req, buf_t *b, const store_child_t *c);

/* Recomputes the schedule state of one child as of `today`, inside a write
 * unit: queues the reminders to the mother (outbox, sms, once per window,
 * from reminder_days_before (3) days before it opens until it closes),
 * decides whether the child is overdue (ch_overdue_slot) and writes
 * child_states with the next day the job must look again, which is always
 * after `today` (or none). A child that is not live-born is cleared.
 * Returns 0, 1 when there is no such child, -1 on error. */
int child_schedule_refresh(const app_t *app, store_tx_t *tx, int64_t child_id, fy_date_t today, fy_err_t *e);

#endif
