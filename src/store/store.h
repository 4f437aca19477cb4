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
/* As store_write, but returns at once (0 queued, -1 not): the writer calls
 * done(arg, rc) on its own thread once the transaction holding the unit has
 * committed (rc 0) or failed (rc -1, *e filled). The unit runs with the
 * writer's own arena, since the submitter's thread goes on using its arena;
 * ctx, e and whatever they point to must live until done is called. It takes
 * no Idempotency-Key claim (those ride on store_write). */
int store_write_async(store_t *st, store_fn fn, void *ctx, fy_err_t *e, void (*done)(void *arg, int rc), void *arg);
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
/* Residence district and (with_links) serving institutions, for
 * scope_allows; 1 when there is no such woman. */
int store_woman_scope_facts(store_tx_t *tx, int64_t woman_id, bool with_links, scope_facts_t *out, fy_err_t *e);

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

/* Two hash-chained logs. The change log holds the audit row of every write,
 * appended in the write's own unit (in the main database, so the row and the
 * change commit together). The read log holds every read of a person's
 * record; it lives in a database file of its own (PATH-reads, attached as
 * "reads"), because SQLite makes every reader connection drop its page cache
 * after any commit to a database it reads: a commit per few reads into the
 * main file kept the readers' caches empty (make bench, record read: 29
 * page reads per request instead of 15). */
enum { STORE_AUDIT_CHANGES, STORE_AUDIT_READS, STORE_AUDIT_LOGS };

typedef struct {
    int log; /* STORE_AUDIT_CHANGES or STORE_AUDIT_READS */
    int64_t seq, at;
    int64_t user_id;
    const char *username, *role, *action, *resource, *resource_id, *client_ip, *reason;
} store_audit_t;

/* Appends one row to the hash chain of a->log. Write units only. */
int store_audit_append(store_tx_t *tx, const store_audit_t *a, fy_err_t *e);

typedef struct {
    const char *resource, *resource_id, *username;
    int64_t from_ms, to_ms; /* 0 = open */
    int limit, offset;
} store_audit_query_t;
/* Both logs, newest first (by time, then log, then seq). */
int store_audit_search(store_tx_t *tx, const store_audit_query_t *q, store_audit_t **out, int *n, int64_t *total,
                       fy_err_t *e);
/* Walks both chains. Returns 0 when intact; 1 when one is broken, with the
 * first bad row's seq and a description naming its log; -1 on a database
 * error. */
int store_audit_verify(store_t *st, int64_t *bad_seq, char *why, size_t whylen, int64_t *rows);

/* ---- idempotent POSTs ------------------------------------------------- */

/* A POST with an Idempotency-Key leaves a claim row in the same transaction
 * as its effect, so a retry after a crash can never apply it twice:
 * store_idem_claim_next_write() marks the calling thread's next store_write
 * unit; when that unit succeeds the writer inserts the claim (status 0) under
 * the unit's savepoint, and a second claim of the same key fails the unit
 * with 409. store_idem_put() then records the answer (status, body). */
void store_idem_claim_next_write(int64_t user_id, const char *key, const char *method, const char *path);
/* Drops a mark that no write used (e.g. a request refused before writing). */
void store_idem_clear_claim(void);

/* A stored answer for (user, key): 0 and status/body when present (status 0:
 * the effect committed but the answer was not recorded), 1 when not. */
int store_idem_get(store_tx_t *tx, int64_t user_id, const char *key, const char **method, const char **path,
                   int *status, const char **body, fy_err_t *e);
/* Inserts or completes the row of (user, key) with the answer. */
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
    /* read only: 0 when the pregnancy has no risk case, continuation
     * assessment or appointment (kept by triggers, migration 011) */
    bool has_management_rows;
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
/* Booked visits at an institution on a day, with the woman's name, ID
 * number and the pregnancy's LMP; in booking order. */
typedef struct {
    store_appointment_t a;
    int64_t woman_id;
    const char *woman_name, *woman_id_number, *color;
    fy_date_t lmp;
    bool purple;
} store_day_booking_t;
int store_appointments_on(store_tx_t *tx, const char *institution_id, fy_date_t date, store_day_booking_t **out,
                          int *n, fy_err_t *e);

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
/* Every baby of a pregnancy (stillborn ones too), by id. */
int store_children_of(store_tx_t *tx, int64_t pregnancy_id, store_child_t **out, int *n, fy_err_t *e);
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

/* ---- birth: newborn screening, certificate numbers, birth certificates,
 *      the birth one-stop ------------------------------------------------ */

typedef struct {
    int64_t id, child_id;
    const char *kind;     /* metabolic | hearing | chd */
    const char *panel;    /* NULL when not given */
    int64_t sampled_at;   /* UTC ms; 0 when not sampled (refused, not done) */
    const char *result;   /* negative | positive | refer | refused | not_done */
    const char *details;  /* JSON text or NULL */
    const char *recall;   /* none | open | closed */
    fy_date_t diagnosis_date;
    bool has_diagnosis, confirmed;
    const char *diagnosis;
    int64_t diagnosed_by, diagnosed_at;
    const char *institution_id;
    int64_t user_id, created_at;
} store_screening_t;
/* Sets s->id. */
int store_screening_insert(store_tx_t *tx, store_screening_t *s, fy_err_t *e);
int store_screening_get(store_tx_t *tx, int64_t id, store_screening_t *out, fy_err_t *e);
/* A child's screenings in entry order. */
int store_screenings_of(store_tx_t *tx, int64_t child_id, store_screening_t **out, int *n, fy_err_t *e);
/* Records the diagnosis fields of s and closes its recall; 409 when a
 * diagnosis is already recorded (the row is left as it was). */
int store_screening_diagnose(store_tx_t *tx, const store_screening_t *s, fy_err_t *e);

/* The screening recall work list: open recalls (positive or refer without a
 * diagnosis, oldest first), then live children born between `born_from` and
 * `born_to` who lack a counted screening of a required kind. */
typedef struct {
    const scope_t *scope;
    const char *district;        /* the child's residence district, or NULL */
    int which;                   /* 0 both, 1 recalls only, 2 unscreened only */
    fy_date_t born_from, born_to;
    const char *screened_csv;    /* ",negative,positive,…,": results that count as screened */
    int limit, offset;
} store_recall_query_t;
typedef struct {
    bool unscreened;             /* else an open recall */
    store_child_t child;
    const char *mother_name, *mother_id_number;
    store_screening_t screening; /* the recall's screening (id 0 for unscreened) */
    bool missing_metabolic, missing_hearing;
} store_recall_row_t;
int store_screening_recall(store_tx_t *tx, const store_recall_query_t *q, store_recall_row_t **out, int *n,
                           int64_t *total, fy_err_t *e);

/* Number blocks of blank certificate forms. */
typedef struct {
    int64_t id;
    const char *institution_id;
    char letter;
    int64_t first, last, next; /* next: the next unused number, last+1 when used up */
    int64_t created_by, created_at;
    int64_t issued, voided;    /* numbers that ended so (filled by the list) */
} store_cert_block_t;
/* Sets b->id, next = first. 409 (code "block_overlap", the other block's id
 * in e->extra) when a block of the same letter shares a number. */
int store_cert_block_insert(store_tx_t *tx, store_cert_block_t *b, fy_err_t *e);
int store_cert_block_get(store_tx_t *tx, int64_t id, store_cert_block_t *out, fy_err_t *e);
/* Blocks of an institution (NULL: all), by letter and first number. */
int store_cert_blocks_list(store_tx_t *tx, const char *institution_id, store_cert_block_t **out, int *n,
                           fy_err_t *e);
/* The institution's block its next number comes from: the lowest (letter,
 * first) that is not used up. 1 when it has none left. */
int store_cert_block_current(store_tx_t *tx, const char *institution_id, store_cert_block_t *out, fy_err_t *e);
/* Takes number `seq` (which must be the block's next) as `number`, ending
 * as `status` (issued | voided) for certificate_id (0: none), and moves the
 * block's pointer on. Write units only: the single writer makes the
 * read-take pair atomic. 409 when the pointer moved or the number exists. */
int store_cert_number_take(store_tx_t *tx, int64_t block_id, int64_t seq, const char *number, const char *status,
                           int64_t certificate_id, const char *reason, int64_t at, fy_err_t *e);
/* Turns an issued number into a voided one (it stays taken forever). */
int store_cert_number_void(store_tx_t *tx, const char *number, const char *reason, int64_t at, fy_err_t *e);
/* The number's status (issued | voided); 1 when it never left a block. */
int store_cert_number_status(store_tx_t *tx, const char *number, const char **status, fy_err_t *e);

typedef struct {
    int64_t id, child_id, mother_id;
    const char *kind;       /* first | replacement | reissue */
    const char *status;     /* applied | issued | voided */
    const char *number;     /* NULL until issued */
    const char *child_name;
    fy_date_t birth_date;
    const char *mother, *father, *applicant; /* JSON text; father NULL when absent */
    const char *printed;    /* JSON text frozen at issue, NULL before */
    const char *delivery_institution_id, *issuing_institution_id;
    int64_t applied_by, applied_at, issued_by, issued_at;
    fy_date_t issued_on;
    int64_t voided_by, voided_at;
    const char *void_reason;
    int64_t previous_id, next_id; /* the chain: 0 when none */
    const char *reason;           /* of a replacement or reissue */
    int64_t version, created_at, updated_at;
} store_birth_cert_t;
/* Sets c->id, version 1. 409 when the child already has an applied or
 * issued certificate (one person, one certificate). */
int store_birth_cert_insert(store_tx_t *tx, store_birth_cert_t *c, fy_err_t *e);
int store_birth_cert_get(store_tx_t *tx, int64_t id, store_birth_cert_t *out, fy_err_t *e);
int store_birth_cert_by_number(store_tx_t *tx, const char *number, store_birth_cert_t *out, fy_err_t *e);
/* Writes the changing columns (status, number, child_name, mother, father,
 * printed, issuing institution, issued/voided facts, next_id, updated_at)
 * when the version still equals c->version, then bumps it; 412 otherwise. */
int store_birth_cert_update(store_tx_t *tx, store_birth_cert_t *c, fy_err_t *e);
/* Every certificate of a child, oldest first (the chain). */
int store_birth_certs_of_child(store_tx_t *tx, int64_t child_id, store_birth_cert_t **out, int *n, fy_err_t *e);
/* Applications awaiting issue at a delivery institution, oldest first;
 * *total counts them all. */
int store_birth_certs_applied(store_tx_t *tx, const char *institution_id, int limit, int offset,
                              store_birth_cert_t **out, int *n, int64_t *total, fy_err_t *e);
/* Whether the child has an issued (printed, not voided) certificate: its
 * name is frozen then. */
int store_child_name_frozen(store_tx_t *tx, int64_t child_id, bool *frozen, fy_err_t *e);

typedef struct {
    const char *step, *status, *detail;
    int64_t updated_at, updated_by;
} store_bs_step_t;
typedef struct {
    int64_t id, child_id, mother_id, certificate_id;
    const char *certificate_number;
    store_bs_step_t steps[4];
    int nsteps;
    int64_t created_at, updated_at;
} store_birth_service_t;
/* Sets s->id and inserts its steps. 409 when the child has one. */
int store_birth_service_insert(store_tx_t *tx, store_birth_service_t *s, fy_err_t *e);
int store_birth_service_get(store_tx_t *tx, int64_t id, store_birth_service_t *out, fy_err_t *e);
int store_birth_service_of_child(store_tx_t *tx, int64_t child_id, store_birth_service_t *out, fy_err_t *e);
/* Points the service at the child's current certificate. */
int store_birth_service_set_certificate(store_tx_t *tx, int64_t id, int64_t certificate_id, int64_t at,
                                        fy_err_t *e);
/* Sets one step's status and detail; 1 when the service has no such step. */
int store_birth_service_step_set(store_tx_t *tx, int64_t id, const store_bs_step_t *st, fy_err_t *e);


/* ---- indicator facts and counts -------------------------------------------- */

typedef struct {
    int64_t pregnancy_id;
    int contacts;
    bool early_check, hiv_tested, syphilis_tested, hbsag_tested;
    const char *max_color;
    bool ever_purple, case_managed, pp_visit_28d, pp_visited, day42_checked;
} store_preg_facts_t;
int store_preg_facts_get(store_tx_t *tx, int64_t pregnancy_id, store_preg_facts_t *out, fy_err_t *e);
int store_preg_facts_put(store_tx_t *tx, const store_preg_facts_t *f, fy_err_t *e);

#include "domain/indicators.h"

/* Counts of every indicator measure (domain/indicators.h) for a period,
 * optionally filtered and grouped. Rows are keyed by the group value
 * ("" for the total when group is IND_GROUP_NONE). */
typedef struct {
    fy_date_t from, to; /* inclusive: the delivery (or event) date */
    const char *residence_district, *delivery_district, *institution;
    ind_group_t group;
} store_ind_query_t;
typedef struct {
    char key[48];
    int64_t v[IND_MEASURE_COUNT];
    bool has[IND_MEASURE_COUNT]; /* false: the measure is not collected */
} store_ind_row_t;
int store_indicator_counts(store_tx_t *tx, const store_ind_query_t *q, store_ind_row_t **rows, int *n, fy_err_t *e);

/* ---- rescue network, referrals, critical events ------------------------ */

#include "domain/rescue.h"

/* One published version of the centre–district pairing; `net` holds the
 * centres in published order, each with its districts (arena strings). */
typedef struct {
    int64_t version;
    rescue_network_t net;
    int64_t created_by, created_at;
} store_rescue_network_t;

/* How many versions are stored. */
int store_rescue_network_count(store_tx_t *tx, int64_t *count, fy_err_t *e);
/* Publishes n->net as the next version (sets n->version = highest + 1).
 * The caller has checked it (rescue_network_check). */
int store_rescue_network_insert(store_tx_t *tx, store_rescue_network_t *n, fy_err_t *e);
/* One version with its pairs; 1 when absent. */
int store_rescue_network_get(store_tx_t *tx, int64_t version, store_rescue_network_t *out, fy_err_t *e);
/* The version in force on `day`: the highest-numbered version whose
 * effective date is on or before day. 1 when none is. */
int store_rescue_network_current(store_tx_t *tx, fy_date_t day, store_rescue_network_t *out, fy_err_t *e);
/* Every version without its pairs, newest first. */
int store_rescue_network_versions(store_tx_t *tx, store_rescue_network_t **out, int *n, fy_err_t *e);

typedef struct {
    int64_t id;
    const char *kind, *type;              /* maternal | newborn; referral | consultation */
    int64_t woman_id, pregnancy_id, child_id; /* the mother for a newborn; 0 when none */
    const char *from_institution_id, *from_district, *patient_district;
    const char *reason, *urgency, *indications; /* indications: JSON array text */
    int64_t network_version;
    const char *routing_basis, *routing_district, *first_center_id, *center_id;
    const char *state, *outcome; /* outcome NULL until closed */
    int redirects;
    int64_t requested_at, center_requested_at; /* the first request; when it reached center_id */
    int64_t accepted_at, in_transit_at, arrived_at, closed_at; /* 0: not yet */
    int64_t last_at; /* the latest transition's time */
    int64_t created_by, created_at, updated_at, version;
} store_referral_t;

/* Sets r->id, version 1. */
int store_referral_insert(store_tx_t *tx, store_referral_t *r, fy_err_t *e);
int store_referral_get(store_tx_t *tx, int64_t id, store_referral_t *out, fy_err_t *e);
/* Writes centre, state, outcome, redirects, the transition times, last_at
 * and updated_at when the row's version still equals r->version (then
 * r->version+1); 409 when another transition came first. */
int store_referral_update(store_tx_t *tx, store_referral_t *r, fy_err_t *e);

typedef struct {
    int64_t id, referral_id;
    const char *from_state; /* NULL for the request */
    const char *to_state, *center_id, *to_center_id, *outcome, *note;
    int64_t at, user_id;
    const char *username;
    int64_t recorded_at;
} store_referral_event_t;
int store_referral_event_insert(store_tx_t *tx, store_referral_event_t *ev, fy_err_t *e);
/* In order. */
int store_referral_events_of(store_tx_t *tx, int64_t referral_id, store_referral_event_t **out, int *n,
                             fy_err_t *e);

typedef struct {
    const scope_t *scope; /* who asks (rescue_referral_visible as a filter) */
    role_t role;
    const char *center;   /* only referrals at this centre, or NULL */
    const char *state;    /* or NULL */
    bool open_only;       /* not closed */
    const char *kind, *type, *district; /* district: the patient's or the referring institution's */
    int64_t pregnancy_id, child_id, woman_id; /* 0 any */
    int limit, offset;
} store_referral_query_t;
/* Ordered by urgency (emergency first), then request time. */
int store_referrals_search(store_tx_t *tx, const store_referral_query_t *q, store_referral_t **out, int *n,
                           int64_t *total, fy_err_t *e);
/* Every referral first requested in [from_ms, to_ms) (0 = open ends), of a
 * centre, kind and type when given, for the response-time metrics. */
int store_referrals_for_metrics(store_tx_t *tx, int64_t from_ms, int64_t to_ms, const char *center,
                                const char *kind, const char *type, store_referral_t **out, int *n, fy_err_t *e);

typedef struct {
    int64_t id;
    const char *kind;
    int64_t woman_id, child_id, pregnancy_id; /* woman: the mother for a child; 0 when none */
    bool closed_pregnancy;
    int64_t occurred_at, reported_at;
    int64_t report_within_ms; /* 0: no deadline */
    bool late;
    const char *cause, *place, *district, *institution_id;
    int64_t reported_by, created_at;
    bool reviewed;
    int64_t reviewed_at;
    const char *review_panel, *review_conclusion, *preventability, *review_factors; /* panel, factors: JSON */
    int64_t reviewed_by, review_recorded_at;
} store_critical_event_t;

int store_critical_event_insert(store_tx_t *tx, store_critical_event_t *ev, fy_err_t *e);
int store_critical_event_get(store_tx_t *tx, int64_t id, store_critical_event_t *out, fy_err_t *e);
/* An event of the kind already reported for the woman (child_id 0) or the
 * child: 0 and its id, 1 when none. */
int store_critical_event_find(store_tx_t *tx, const char *kind, int64_t woman_id, int64_t child_id, int64_t *id,
                              fy_err_t *e);
/* Records the review; 409 when the event has one. */
int store_critical_event_review(store_tx_t *tx, const store_critical_event_t *ev, fy_err_t *e);

typedef struct {
    const scope_t *scope; /* by the woman (w), as every person list */
    const char *kind, *district;
    int reviewed, late;   /* -1 any, 0, 1 */
    int64_t woman_id, child_id; /* 0 any */
    int64_t from_ms, to_ms;     /* occurred_at in [from, to); 0 = open */
    int limit, offset;
} store_critical_event_query_t;
/* Oldest occurrence first when listing unreviewed ones, else newest first. */
int store_critical_events_search(store_tx_t *tx, const store_critical_event_query_t *q,
                                 store_critical_event_t **out, int *n, int64_t *total, fy_err_t *e);

/* ---- child health 0–6 -------------------------------------------------
 * Checks with their z-scores, the per-child schedule state the reminder job
 * keeps, development referrals and the autism pipeline (005_child_health).
 * Children are scoped through their mother (women w) like every list. */

/* z[] order of a stored check, and the implausible bits. */
enum { CH_Z_WFA = 0, CH_Z_LHFA, CH_Z_WFLH, CH_Z_BMI, CH_Z_HCFA, CH_NZ };
#define CH_POSITION_IMPLAUSIBLE 32u

typedef struct {
    int64_t id, child_id;
    fy_date_t date;
    int age_days, age_used_days;
    bool corrected;
    int window_seq; /* 0: none */
    const char *institution_id;
    int64_t user_id;
    double weight_kg, length_cm, head_cm, hb_g_l; /* NaN: not measured */
    const char *measured;                       /* recumbent | standing | NULL */
    int teeth_erupted, caries;                  /* -1: not examined */
    const char *vision_left, *vision_right;     /* JSON value text or NULL */
    const char *hearing;                        /* pass | refer | NULL */
    const char *warning_band;                   /* NULL when the signs were not asked */
    const char *warning_signs;                  /* JSON object text or NULL */
    bool warning_positive;
    const char *illnesses, *advice, *notes;
    fy_date_t next_date;
    bool has_next_date;
    const char *reference; /* who2006 | who2007 | NULL when not scored */
    double length_used_cm, bmi;
    double z[CH_NZ];      /* NaN: absent */
    unsigned implausible; /* bit i for z[i]; CH_POSITION_IMPLAUSIBLE */
    bool underweight, stunting, wasting, overweight, obesity;
    int64_t created_at;
} store_child_check_t;

/* Sets c->id. */
int store_child_check_insert(store_tx_t *tx, store_child_check_t *c, fy_err_t *e);
/* A child's checks in date order (then entry order). */
int store_child_checks_of(store_tx_t *tx, int64_t child_id, store_child_check_t **out, int *n, fy_err_t *e);

typedef struct {
    int64_t child_id;
    fy_date_t next_check_on;
    bool has_next_check;
    bool overdue;
    int overdue_seq;        /* the window the child is overdue for; 0 when not */
    fy_date_t overdue_from; /* its first overdue day */
    int64_t updated_at;
} store_child_state_t;

int store_child_state_get(store_tx_t *tx, int64_t child_id, store_child_state_t *out, fy_err_t *e);
/* Inserts or replaces the state of s->child_id. */
int store_child_state_put(store_tx_t *tx, const store_child_state_t *s, fy_err_t *e);
/* Enrols up to `limit` live children that have no state yet (in id order,
 * due at once: next_check_on 0) and advances the enrolment mark. *added
 * counts the children looked at; fewer than limit means none are left. */
int store_child_states_seed(store_tx_t *tx, int limit, int *added, fy_err_t *e);
/* Children whose next_check_on is on or before `day`, at most `limit`. */
int store_child_states_due(store_tx_t *tx, fy_date_t day, int limit, int64_t **ids, int *n, fy_err_t *e);

typedef struct {
    int64_t id, child_id, check_id;
    fy_date_t date;
    const char *band, *positive; /* positive: JSON array of item codes */
    const char *institution_id, *status; /* open | rescreened */
    fy_date_t closed_on;
    bool has_closed;
    int64_t closed_by, created_at;
} store_dev_referral_t;

/* Sets r->id; status 'open'. */
int store_dev_referral_insert(store_tx_t *tx, store_dev_referral_t *r, fy_err_t *e);
/* Closes the child's open referrals dated on or before `on` as re-screened
 * by autism record `record_id`; *closed counts them. */
int store_dev_referrals_close(store_tx_t *tx, int64_t child_id, fy_date_t on, int64_t record_id, int *closed,
                              fy_err_t *e);
/* In date order. */
int store_dev_referrals_of(store_tx_t *tx, int64_t child_id, store_dev_referral_t **out, int *n, fy_err_t *e);

typedef struct {
    int64_t id, child_id;
    const char *step; /* first_screen | rescreen | diagnosis | intervention */
    fy_date_t date;
    const char *institution_id, *instrument;
    int score; /* -1: none */
    const char *result, *detail, *notes;
    int64_t check_id; /* 0: not from a check */
    int64_t user_id, created_at;
} store_autism_t;

/* Sets r->id. */
int store_autism_insert(store_tx_t *tx, store_autism_t *r, fy_err_t *e);
/* In date order (then entry order). */
int store_autism_of(store_tx_t *tx, int64_t child_id, store_autism_t **out, int *n, fy_err_t *e);

/* Child work lists: overdue for a check (child_states.overdue), or with an
 * open development referral. Each row has the child, the mother's name,
 * id number and phone, and the list's own columns. */
typedef enum { CHILD_WORKLIST_OVERDUE, CHILD_WORKLIST_DEVELOPMENT } store_child_worklist_t;
typedef struct {
    store_child_t c;
    const char *mother_name, *mother_id_number, *mother_phone;
    store_child_state_t state;       /* overdue list */
    store_dev_referral_t referral;   /* development list */
} store_child_row_t;
typedef struct {
    store_child_worklist_t kind;
    const scope_t *scope;
    const char *district; /* the child's residence district, or NULL */
    int limit, offset;
} store_child_worklist_query_t;
/* Overdue: longest overdue first. Development: oldest referral first. */
int store_child_worklist(store_tx_t *tx, const store_child_worklist_query_t *q, store_child_row_t **out, int *n,
                         int64_t *total, fy_err_t *e);


#endif
