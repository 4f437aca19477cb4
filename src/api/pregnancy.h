/* What the pregnancy-care resources share (pregnancies.c, delivery.c,
 * appointments.c, worklists.c and the reminder job): loading a pregnancy
 * within scope, re-grading its risk, keeping its schedule (reminders,
 * overdue) and rendering the whole record. */
#ifndef FY_API_PREGNANCY_H
#define FY_API_PREGNANCY_H

#include "api/api.h"
#include "domain/pregnancy.h"

/* Loads a pregnancy and its woman; 404 when absent, 403 out of scope. */
int preg_load(http_req_t *req, store_tx_t *tx, int64_t id, store_pregnancy_t *p, store_woman_t *w, fy_err_t *e);
/* 409 unless the pregnancy is open. */
int preg_require_open(const store_pregnancy_t *p, fy_err_t *e);

/* Re-grades the pregnancy from all its findings as of `on` (the visit or
 * result date): stores the grading with its trigger, updates colour and
 * purple, and opens the high-risk case (and notifies the MCH institute of
 * her district) when she turns orange, red or purple. `user_id` may be 0 for
 * the system. `visits` are all her antenatal visits in date order (then id),
 * any stored in this unit included, as store_visits_of gives them: the
 * caller has read them already. */
int preg_regrade(const app_t *app, store_tx_t *tx, store_pregnancy_t *p, const store_woman_t *w,
                 const store_visit_t *visits, int nv, int64_t user_id, const char *trigger, int64_t trigger_id,
                 fy_date_t on, fy_err_t *e);

/* Recomputes the schedule state as of `today` from her visits (as for
 * preg_regrade): queues reminders (outbox, once per window), sets the overdue
 * flag and the next date the reminder job must look again. Does not write
 * the pregnancy: the caller does. */
int preg_schedule_refresh(const app_t *app, store_tx_t *tx, store_pregnancy_t *p, const store_woman_t *w,
                          const store_visit_t *visits, int nv, fy_date_t today, fy_err_t *e);

/* The whole record as JSON (loads what it needs in tx). */
int preg_render(http_req_t *req, store_tx_t *tx, const store_pregnancy_t *p, const store_woman_t *w, buf_t *b,
                fy_err_t *e);
/* A short row for lists. */
void preg_summary_json(http_req_t *req, buf_t *b, const store_pregnancy_t *p, const char *woman_name,
                       const char *woman_id_number);

/* Writes the record of pregnancy `id` as the reply (after a write). */
int preg_reply_record(http_req_t *req, http_resp_t *resp, int status, int64_t id);

/* Declared factor codes from a JSON array value; 422 naming field[i] for an
 * unknown code. Returns the JSON text to store (normalised) or NULL. */
const char *preg_declared_codes(http_req_t *req, json_t *arr, const char *field, fy_err_t *e);

/* The institution a staff user acts for: 403 when the user has none. */
const ref_institution_t *preg_user_institution(http_req_t *req, fy_err_t *e);

#endif
