/* Internal to the SQLite store: the connection of a unit of work and the
 * statement cache. Only src/store/sqlite*.c include this. */
#ifndef FY_STORE_SQLITE_INT_H
#define FY_STORE_SQLITE_INT_H

#include <sqlite3.h>
#include <string.h>

#include "base/buf.h"
#include "store/store.h"

struct conn;

struct store_tx {
    struct conn *conn;
    arena_t *arena;
    bool writing;
    store_t *st;
    /* the visits of one pregnancy, read once per unit (sqlite_pregnancy.c) */
    int64_t visits_memo_id;
    store_visit_t *visits_memo;
    int visits_memo_n;
};

/* A cached prepared statement for a static SQL string (keyed by address),
 * reset and with bindings cleared. */
sqlite3_stmt *sq_stmt(store_tx_t *tx, const char *sql, fy_err_t *e);
sqlite3 *sq_db(store_tx_t *tx);
/* Turns a SQLite failure into a 503 (or 409 for a constraint). Returns -1. */
int sq_fail(store_tx_t *tx, int rc, fy_err_t *e);
/* A statement for SQL built at run time, cached by its text on the
 * connection (an sqlite3 return code). Give it back with sq_done, never
 * finalize it. */
int sq_prepare(store_tx_t *tx, const char *sql, sqlite3_stmt **out);
void sq_done(sqlite3_stmt *s);
/* Steps a statement that returns no row; -1 with e filled on failure. */
int sq_step_done(store_tx_t *tx, sqlite3_stmt *s, fy_err_t *e);

/* Fills one list element (of the list's element type) from s's columns. */
typedef void (*sq_row_fn)(store_tx_t *tx, sqlite3_stmt *s, void *row);
/* Steps a bound statement to its end, reading each row with read into an
 * arena array of elements of size bytes (room for cap at first, doubling);
 * *n gets the count, and the statement is reset. The array, or NULL with e
 * filled. The list readers (store_*_of) are this with their SQL. */
void *sq_rows(store_tx_t *tx, sqlite3_stmt *s, size_t size, int cap, sq_row_fn read, int *n, fy_err_t *e);

/* Steps a bound statement that returns at most one row and reads it with
 * read into out: 0 found, 1 none, -1 with e filled. The statement is reset. */
int sq_row(store_tx_t *tx, sqlite3_stmt *s, sq_row_fn read, void *out, fy_err_t *e);

/* Binds a search's own parameters (from its query q) to one of its statements. */
typedef void (*sq_bind_fn)(sqlite3_stmt *s, const void *q);
/* One page of a search: list_sql (its LIMIT and OFFSET written :lim and :off)
 * read with read into an arena array, and *total, the number of all matches,
 * from count_sql, which runs only when the page cannot tell it (a full page,
 * or an empty one past the first). bind binds the rest to both. The array,
 * or NULL with e filled. */
void *sq_page(store_tx_t *tx, const char *list_sql, const char *count_sql, sq_bind_fn bind, const void *q, int limit,
              int offset, size_t size, sq_row_fn read, int *n, int64_t *total, fy_err_t *e);

/* Makes room for one more item in an arena array that doubles as it fills
 * (for lists read in a loop of their own; see sq_rows). */
#define SQ_GROW(tx, arr, n, cap)                                                                                   \
    do {                                                                                                           \
        if ((n) == (cap)) {                                                                                        \
            void *bigger_ = arena_alloc((tx)->arena, sizeof *(arr) * (size_t)(cap) * 2);                           \
            memcpy(bigger_, (arr), sizeof *(arr) * (size_t)(cap));                                                 \
            (arr) = bigger_;                                                                                       \
            (cap) *= 2;                                                                                            \
        }                                                                                                          \
    } while (0)

/* Column text copied into the unit's arena; NULL for SQL NULL. */
const char *sq_text(store_tx_t *tx, sqlite3_stmt *s, int col);
/* Binds a string or NULL. */
void sq_bind_text(sqlite3_stmt *s, int idx, const char *v);

/* The scope of a user as a SQL condition on a query that has the table
 * women as `w` (appends " AND (...)"), and the binding of its named
 * parameters :self, :district, :inst. */
void sq_scope_where(buf_t *sql, const scope_t *sc);
void sq_bind_scope(sqlite3_stmt *s, const scope_t *sc);
/* Binds a text to a named parameter when the statement has it. */
void sq_bind_named(sqlite3_stmt *s, const char *name, const char *v);
/* The children columns (table alias c), in the order sq_read_child reads
 * them from column o on (sqlite_delivery.c): for every query that shows
 * children. */
#define SQ_CHILD_COLS                                                                                                  \
    "c.id, c.mother_id, c.pregnancy_id, c.delivery_id, c.birth_order, c.name, c.sex, c.born_at, c.birth_date,"         \
    " c.ga_days, c.weight_g, c.length_cm, c.head_cm, c.apgar_1, c.apgar_5, c.outcome, c.defects,"                      \
    " c.residence_district, c.created_at, c.updated_at, c.version"
#define SQ_CHILD_NCOLS 21
void sq_read_child(store_tx_t *tx, sqlite3_stmt *s, int o, store_child_t *c);

/* NULL unless has. */
void sq_bind_int_or_null(sqlite3_stmt *s, int idx, bool has, int64_t v);
/* An id, or an instant, whose 0 means none: NULL in the table, read back
 * as 0. */
void sq_bind_ref(sqlite3_stmt *s, int idx, int64_t v);
/* An optional small number whose negative (-1) means unknown: NULL in the
 * table, read back as -1. */
void sq_bind_opt_int(sqlite3_stmt *s, int idx, int v);
int sq_col_opt_int(sqlite3_stmt *s, int col);
/* A double or NULL for NaN. */
void sq_bind_double(sqlite3_stmt *s, int idx, double v);
double sq_double(sqlite3_stmt *s, int col); /* NaN for NULL */

/* An Idempotency-Key claim carried by a write unit (sqlite_idem.c). */
typedef struct {
    int64_t user_id;
    char key[129], method[8], path[256];
} sq_claim_t;
bool sq_idem_take_claim(sq_claim_t *out);
int sq_idem_insert_claim(store_tx_t *tx, const sq_claim_t *c, fy_err_t *e);

/* The audit chains' tails, kept by the writer (see sqlite_audit.c). */
typedef struct {
    int64_t seq;
    uint8_t hash[32];
} sq_audit_tail_t;
sq_audit_tail_t *sq_audit_tail(store_t *st, int log);
void sq_audit_tail_load(store_t *st, sqlite3 *db);
void sq_audit_tail_save(store_t *st);
void sq_audit_tail_restore(store_t *st);
/* Attaches the read log (PATH-reads) to a connection as schema "reads";
 * the writer also creates its tables. */
int sq_reads_attach(sqlite3 *db, const char *path, bool writer, char **err);

#endif
