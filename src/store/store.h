/* store.h — the only door to the database.
 *
 * Everything fuyou keeps goes through these functions; api/ and jobs/ never
 * see SQL. The contract is written here, at the declarations, so that a
 * second implementation (PostgreSQL) can be added beside sqlite.c without
 * touching api/ or domain/.
 *
 * Units of work. A caller packs its reads and writes into a function
 * (store_fn) and hands it to store_read() or store_write():
 *   - store_read runs it on the calling thread's own read connection inside
 *     one read transaction (a consistent snapshot);
 *   - store_write queues it for the single writer thread, which runs many
 *     queued units in one transaction (group commit), each under its own
 *     savepoint: a unit that fails is rolled back alone. store_write returns
 *     only after the transaction holding the unit has committed durably
 *     (WAL, synchronous=FULL), so nothing is acknowledged before its commit.
 * A store_fn returns 0, or -1 with the fy_err_t filled. Strings that the
 * store returns are allocated in the unit's arena (the request's) and live
 * as long as it.
 *
 * Return convention of the entity functions: 0 found/done, 1 not found,
 * -1 error (fy_err_t filled: 409 for a broken uniqueness rule, 503 for a
 * database failure). */
#ifndef FY_STORE_STORE_H
#define FY_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/date.h"
#include "base/err.h"
#include "domain/pregnancy.h"
#include "domain/scope.h"

typedef struct store store_t;
typedef struct store_tx store_tx_t;
typedef int (*store_fn)(store_tx_t *tx, void *ctx, fy_err_t *e);

/* Opens (creating if absent) and migrates the database at path. */
int store_open(const char *path, store_t **out, fy_err_t *e);
void store_close(store_t *st);
/* "sqlite" or "postgresql". */
const char *store_kind(const store_t *st);
/* Applied schema version. */
int store_schema_version(store_t *st);

int store_read(store_t *st, arena_t *a, store_fn fn, void *ctx, fy_err_t *e);
/* Bulk loading (the demo generator) may trade durability for speed:
 * false = commits are not synced (a crash may lose the last ones). */
int store_set_durable(store_t *st, bool durable);
int store_write(store_t *st, arena_t *a, store_fn fn, void *ctx, fy_err_t *e);
/* The arena of a unit of work. */
arena_t *store_tx_arena(store_tx_t *tx);

/* ---- accounts -------------------------------------------------------- */

typedef struct {
    int64_t id;
    const char *username;
    role_t role;
    const char *institution_id; /* NULL when none */
    const char *district;       /* district of the institution or of a district admin */
    int64_t woman_id;           /* citizen: her own record; else 0 */
    const char *pwhash;
    bool disabled;
} store_user_t;

/* Sets u->id. 409 when the username is taken. */
int store_user_insert(store_tx_t *tx, store_user_t *u, fy_err_t *e);
int store_user_by_name(store_tx_t *tx, const char *username, store_user_t *out, fy_err_t *e);
int store_user_by_id(store_tx_t *tx, int64_t id, store_user_t *out, fy_err_t *e);
int store_user_set_password(store_tx_t *tx, int64_t id, const char *pwhash, fy_err_t *e);

int store_session_insert(store_tx_t *tx, const uint8_t hash[32], int64_t user_id, int64_t now_ms,
                         int64_t expires_ms, fy_err_t *e);
/* A live (unexpired, unrevoked) session's user and expiry. */
int store_session_lookup(store_tx_t *tx, const uint8_t hash[32], int64_t now_ms, store_user_t *out,
                         int64_t *expires_ms, fy_err_t *e);
int store_session_revoke(store_tx_t *tx, const uint8_t hash[32], fy_err_t *e);

/* Failed logins of a username since a moment: count and the oldest time. */
int store_login_failures(store_tx_t *tx, const char *username, int64_t since_ms, int *count, int64_t *oldest_ms,
                         fy_err_t *e);
int store_login_failure_add(store_tx_t *tx, const char *username, int64_t at_ms, fy_err_t *e);
int store_login_failures_clear(store_tx_t *tx, const char *username, fy_err_t *e);

/* ---- women ----------------------------------------------------------- */

typedef struct {
    int64_t id;
    const char *name, *id_type, *id_number, *phone, *residence_district, *household_district, *address;
    fy_date_t birth_date;
    bool has_birth_date;
    int64_t created_by, created_at, updated_at, version;
} store_woman_t;

/* Sets w->id, version 1. 409 on the same (id_type, id_number), with the
 * existing id in e->extra. */
int store_woman_insert(store_tx_t *tx, store_woman_t *w, fy_err_t *e);
int store_woman_get(store_tx_t *tx, int64_t id, store_woman_t *out, fy_err_t *e);
int store_woman_by_idnum(store_tx_t *tx, const char *id_type, const char *id_number, store_woman_t *out,
                         fy_err_t *e);
/* Writes every field of w when its version still equals expected_version
 * (then version+1); 412 otherwise. */
int store_woman_update(store_tx_t *tx, store_woman_t *w, int64_t expected_version, fy_err_t *e);
/* Records that an institution serves her (idempotent). */
int store_woman_link(store_tx_t *tx, int64_t woman_id, const char *institution_id, const char *district,
                     fy_err_t *e);
/* Residence district and serving institutions, for scope_allows. */
int store_woman_scope_facts(store_tx_t *tx, int64_t woman_id, scope_facts_t *out, fy_err_t *e);

typedef struct {
    const scope_t *scope;
    const char *id_number; /* exact, or NULL */
    const char *name;      /* prefix, or NULL */
    const char *district;  /* residence district filter, or NULL */
    int limit, offset;
} store_women_query_t;
/* Women in scope matching the query, ordered by id; *total counts all matches. */
int store_women_search(store_tx_t *tx, const store_women_query_t *q, store_woman_t **out, int *n, int64_t *total,
                       fy_err_t *e);

/* ---- audit ----------------------------------------------------------- */

typedef struct {
    int64_t seq, at;
    int64_t user_id;
    const char *username, *role, *action, *resource, *resource_id, *client_ip, *reason;
} store_audit_t;

/* Appends one row to the hash chain. Write units only. */
int store_audit_append(store_tx_t *tx, const store_audit_t *a, fy_err_t *e);

typedef struct {
    const char *resource, *resource_id, *username;
    int64_t from_ms, to_ms; /* 0 = open */
    int limit, offset;
} store_audit_query_t;
int store_audit_search(store_tx_t *tx, const store_audit_query_t *q, store_audit_t **out, int *n, int64_t *total,
                       fy_err_t *e);
/* Walks the whole chain. Returns 0 when intact; 1 when broken, with the
 * first bad row's seq and a description; -1 on a database error. */
int store_audit_verify(store_t *st, int64_t *bad_seq, char *why, size_t whylen, int64_t *rows);

/* ---- idempotent POSTs ------------------------------------------------- */

/* A stored answer for (user, key): 0 and status/body when present, 1 when not. */
int store_idem_get(store_tx_t *tx, int64_t user_id, const char *key, const char **method, const char **path,
                   int *status, const char **body, fy_err_t *e);
int store_idem_put(store_tx_t *tx, int64_t user_id, const char *key, const char *method, const char *path,
                   int status, const char *body, fy_err_t *e);


/* ---- pregnancies ------------------------------------------------------ */


typedef struct {
    int64_t id, woman_id;
    const char *status;  /* open | delivered | closed */
    const char *outcome; /* NULL while open */
    fy_date_t ended_on;
    bool has_ended;
    fy_date_t lmp, edd;
    const char *dating;
    fy_date_t registered_on;
    int registered_ga_days;
    bool early_registration;
    const char *institution_id, *institution_district, *residence_district, *delivery_institution_id;
    int gravidity, parity, previous_caesareans, other_uterine_operations, previous_miscarriages, fetuses;
    fy_date_t last_uterine_surgery_date;
    bool has_last_uterine_surgery, assisted_reproduction;
    double height_cm, weight_kg;
    const char *schedule_id;
    const char *declared_factors; /* JSON array text */
    const char *color;
    bool purple;
    int64_t risk_assessment_id;
    bool overdue;
    fy_date_t next_check_on;
    bool has_next_check;
    int64_t created_by, created_at, updated_at, version;
} store_pregnancy_t;

/* Sets p->id. 409 when the woman already has an open pregnancy. */
int store_pregnancy_insert(store_tx_t *tx, store_pregnancy_t *p, fy_err_t *e);
int store_pregnancy_get(store_tx_t *tx, int64_t id, store_pregnancy_t *out, fy_err_t *e);
int store_pregnancy_open_of(store_tx_t *tx, int64_t woman_id, store_pregnancy_t *out, fy_err_t *e);
/* Writes the changing columns (status, outcome, ended_on, delivery
 * institution, declared factors, colour, purple, assessment, overdue,
 * next_check_on, updated_at) and bumps the version. */
int store_pregnancy_update(store_tx_t *tx, store_pregnancy_t *p, fy_err_t *e);

typedef struct {
    const scope_t *scope;
    const char *status, *color, *district, *institution;
    int purple, overdue; /* -1 any, 0, 1 */
    int64_t woman_id;    /* 0 any */
    int limit, offset;
} store_pregnancy_query_t;
int store_pregnancies_search(store_tx_t *tx, const store_pregnancy_query_t *q, store_pregnancy_t **out, int *n,
                             int64_t *total, fy_err_t *e);
/* Open pregnancies whose next_check_on is on or before `day` (for the
 * reminder job), at most `limit`. */
int store_pregnancies_due(store_tx_t *tx, fy_date_t day, int limit, int64_t **ids, int *n, fy_err_t *e);

typedef struct {
    int64_t id, pregnancy_id;
    const char *card, *institution_id;
    fy_date_t on_date;
    int ga_days;
    int64_t user_id, created_at;
} store_card_t;
int store_card_insert(store_tx_t *tx, store_card_t *c, fy_err_t *e);
int store_cards_of(store_tx_t *tx, int64_t pregnancy_id, store_card_t **out, int *n, fy_err_t *e);

typedef struct {
    int64_t id, pregnancy_id;
    const char *kind; /* visit | labs */
    fy_date_t date;
    int ga_days;
    int window_seq; /* 0: none */
    const char *institution_id;
    int64_t user_id;
    double m[ANC_N_MEASURES]; /* NaN: not measured */
    const char *labs[ANC_N_LABS]; /* "positive" | "negative" | NULL */
    const char *presentation, *edema, *urine_protein;
    const char *declared_factors; /* JSON text or NULL */
    const char *notes;
    fy_date_t next_appointment;
    bool has_next_appointment;
    int64_t created_at;
} store_visit_t;
int store_visit_insert(store_tx_t *tx, store_visit_t *v, fy_err_t *e);
/* In date order (then entry order). */
int store_visits_of(store_tx_t *tx, int64_t pregnancy_id, store_visit_t **out, int *n, fy_err_t *e);

typedef struct {
    int64_t id, pregnancy_id, at;
    fy_date_t on_date;
    int64_t user_id;
    const char *trigger;
    int64_t trigger_id;
    const char *color;
    bool purple;
    const char *factors; /* JSON text */
    const char *criteria_version;
} store_risk_t;
int store_risk_insert(store_tx_t *tx, store_risk_t *r, fy_err_t *e);
/* Newest first. */
int store_risks_of(store_tx_t *tx, int64_t pregnancy_id, store_risk_t **out, int *n, fy_err_t *e);

typedef struct {
    int64_t id, pregnancy_id, opened_at;
    const char *opened_color;
    bool opened_purple;
    const char *max_color, *owner_institution, *district, *state;
    int64_t closed_at;
} store_case_t;
int store_case_get(store_tx_t *tx, int64_t pregnancy_id, store_case_t *out, fy_err_t *e);
int store_case_insert(store_tx_t *tx, store_case_t *c, fy_err_t *e);
int store_case_update(store_tx_t *tx, const store_case_t *c, fy_err_t *e);

typedef struct {
    int64_t id, pregnancy_id, at, user_id;
    const char *institution_id;
    bool suitable;
    const char *assessed_by, *senior_title, *advice, *woman_decision;
} store_continuation_t;
int store_continuation_insert(store_tx_t *tx, store_continuation_t *c, fy_err_t *e);
int store_continuations_of(store_tx_t *tx, int64_t pregnancy_id, store_continuation_t **out, int *n, fy_err_t *e);

typedef struct {
    int64_t id;
    const char *kind, *channel, *recipient, *text;
    fy_date_t due_on;
    const char *status, *ref_type;
    int64_t ref_id;
    const char *dedupe_key; /* a second message with the same key is not queued */
    int64_t created_at, sent_at;
} store_outbox_t;
/* Returns 0 when queued, 1 when a message with the same dedupe key exists. */
int store_outbox_insert(store_tx_t *tx, store_outbox_t *m, fy_err_t *e);
int store_outbox_of(store_tx_t *tx, const char *ref_type, int64_t ref_id, store_outbox_t **out, int *n,
                    fy_err_t *e);
/* Cancels queued messages of a reference whose kind matches (e.g. reminders
 * of a pregnancy that ended). */
int store_outbox_cancel(store_tx_t *tx, const char *ref_type, int64_t ref_id, const char *kind, fy_err_t *e);

typedef struct {
    int64_t id, pregnancy_id;
    const char *institution_id;
    fy_date_t date;
    const char *status;
    int64_t user_id, created_at;
} store_appointment_t;
int store_appointment_insert(store_tx_t *tx, store_appointment_t *a, fy_err_t *e);
int store_appointments_booked(store_tx_t *tx, const char *institution_id, fy_date_t date, int *count, fy_err_t *e);
int store_appointments_of(store_tx_t *tx, int64_t pregnancy_id, store_appointment_t **out, int *n, fy_err_t *e);

/* ---- delivery, children, postpartum ----------------------------------- */

typedef struct {
    int64_t id, pregnancy_id, delivered_at;
    fy_date_t delivered_on;
    int ga_days;
    const char *institution_id, *institution_district, *mode, *cs_indication;
    bool epidural;
    int blood_loss_ml; /* -1 unknown */
    const char *complications; /* JSON text */
    int babies;
    int64_t user_id, created_at;
} store_delivery_t;
int store_delivery_insert(store_tx_t *tx, store_delivery_t *d, fy_err_t *e);
int store_delivery_of(store_tx_t *tx, int64_t pregnancy_id, store_delivery_t *out, fy_err_t *e);

typedef struct {
    int64_t id, mother_id, pregnancy_id, delivery_id;
    int birth_order;
    const char *name;
    int sex;
    int64_t born_at;
    fy_date_t birth_date;
    int ga_days, weight_g;
    double length_cm, head_cm; /* NaN unknown */
    int apgar_1, apgar_5;      /* -1 unknown */
    const char *outcome, *defects, *residence_district;
    int64_t created_at, updated_at, version;
} store_child_t;
int store_child_insert(store_tx_t *tx, store_child_t *c, fy_err_t *e);
int store_child_get(store_tx_t *tx, int64_t id, store_child_t *out, fy_err_t *e);
/* Sets the name when the version still equals expected_version (412 otherwise). */
int store_child_set_name(store_tx_t *tx, int64_t id, const char *name, int64_t expected_version, int64_t now_ms,
                         fy_err_t *e);
/* Live-born children: of a mother, of a pregnancy, or in a district, within scope. */
typedef struct {
    const scope_t *scope;
    int64_t mother_id, pregnancy_id;
    const char *district;
    bool include_stillbirths;
    int limit, offset;
} store_child_query_t;
int store_children_search(store_tx_t *tx, const store_child_query_t *q, store_child_t **out, int *n, int64_t *total,
                          fy_err_t *e);

typedef struct {
    int64_t id, pregnancy_id;
    const char *kind, *institution_id;
    fy_date_t due_from, due_to;
    const char *status;
    int64_t visit_id;
} store_pp_task_t;
int store_pp_task_insert(store_tx_t *tx, store_pp_task_t *t, fy_err_t *e);
int store_pp_tasks_of(store_tx_t *tx, int64_t pregnancy_id, store_pp_task_t **out, int *n, fy_err_t *e);
int store_pp_task_update(store_tx_t *tx, const store_pp_task_t *t, fy_err_t *e);

typedef struct {
    int64_t id, pregnancy_id;
    const char *kind;
    fy_date_t date;
    double sbp, dbp; /* NaN unknown */
    const char *findings;
    int epds_score; /* -1 unknown */
    const char *declared_factors;
    const char *institution_id;
    int64_t user_id, task_id, created_at;
} store_pp_visit_t;
int store_pp_visit_insert(store_tx_t *tx, store_pp_visit_t *v, fy_err_t *e);
int store_pp_visits_of(store_tx_t *tx, int64_t pregnancy_id, store_pp_visit_t **out, int *n, fy_err_t *e);

/* ---- work lists ------------------------------------------------------- */

/* One row of a work list: the pregnancy, its woman's name and masked-able
 * id, and the list's own columns. */
typedef struct {
    store_pregnancy_t p;
    const char *woman_name, *woman_id_number, *woman_phone;
    /* high-risk */
    int64_t case_opened_at;
    const char *case_max_color, *case_owner;
    bool needs_continuation; /* red, and no continuation assessment */
    /* postpartum */
    store_pp_task_t task;
} store_worklist_row_t;

typedef enum { WORKLIST_HIGH_RISK, WORKLIST_OVERDUE, WORKLIST_POSTPARTUM } store_worklist_t;
typedef struct {
    store_worklist_t kind;
    const scope_t *scope;
    const char *district, *color;
    fy_date_t today; /* postpartum: tasks whose window has opened */
    int limit, offset;
} store_worklist_query_t;
int store_worklist(store_tx_t *tx, const store_worklist_query_t *q, store_worklist_row_t **out, int *n,
                   int64_t *total, fy_err_t *e);

#endif
