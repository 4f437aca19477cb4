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

#endif
