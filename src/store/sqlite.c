/* The SQLite store: connections, read units, the group-commit writer and
 * migrations. Entity functions live in sqlite_<entity>.c. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/buf.h"
#include "store/migrations.h"
#include "store/sqlite_int.h"

#define STMT_CACHE 128
#define GROUP_MAX 512

#define DYN_CACHE 32
/* The writer checkpoints when the WAL holds this many pages (~40 MB) instead
 * of SQLite's 1000: the pages hot in every commit (table and index tails,
 * the pregnancy rows being worked on) are copied back once per checkpoint,
 * not again every 1000 frames (make bench, visits: 3,300/s at 1000, 5,300/s
 * at 10000). */
#define CKPT_PAGES 10000
#define PACE_MS 3
#define PACE_UNITS 32

struct conn {
    sqlite3 *db;
    struct {
        const char *sql;
        sqlite3_stmt *stmt;
    } cache[STMT_CACHE];
    int ncache;
    /* statements built at run time (searches with optional filters), keyed
     * by their text: a few shapes recur */
    struct {
        char *sql;
        sqlite3_stmt *stmt;
    } dyn[DYN_CACHE];
    int ndyn, next_dyn;
};

struct job {
    store_fn fn;
    void *ctx;
    fy_err_t *e;
    arena_t *arena;
    int64_t clock; /* the submitter's thread clock (fy_set_thread_now), 0 = real */
    bool has_claim; /* an Idempotency-Key claim to insert with the unit */
    sq_claim_t claim;
    int rc;
    bool done;
    pthread_cond_t cv; /* its submitter waits on it: no herd wakes on a commit */
    /* an asynchronous unit (store_write_async): nobody waits; the writer
     * calls done(arg, rc) after the commit and frees the job */
    void (*async_done)(void *arg, int rc);
    void *async_arg;
    struct job *next;
};

struct writer_stats {
    bool on;
    long batches, units;
    double units_s, commit_s, idle_s;
    struct timespec since, last_end;
};

struct store {
    char *path;
    /* readers: one connection per thread, created on first use */
    pthread_key_t reader_key;
    pthread_mutex_t readers_mu;
    struct conn **readers;
    size_t nreaders, capreaders;
    /* the writer */
    struct conn writer;
    pthread_t writer_thread;
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    struct job *head, *tail;
    bool stopping;
    int sync_request; /* -1 none, 0 synchronous=OFF, 1 synchronous=FULL */
    /* the audit chains' tails (writer only), per log, and their copies at
     * the running unit's savepoint */
    sq_audit_tail_t audit[STORE_AUDIT_LOGS], audit_saved[STORE_AUDIT_LOGS];
    struct writer_stats stats;
    int nsync;                    /* queued units whose submitters wait */
    int nasync;                   /* queued units nobody waits on */
    bool pacing;                  /* the writer waits in pace() */
    struct timespec last_commit;  /* CLOCK_REALTIME, for pace() */
};

/* FUYOU_WRITER_STATS=1 prints, every 3 s, how the writer spent its time:
 * batches, units per batch, seconds running units, committing (WAL writes,
 * fsync, checkpoints) and idle (diagnosis). */
static void writer_stats(struct writer_stats *ws, int units, const struct timespec *t0, const struct timespec *t1)
{
    if (!ws->on)
        return;
    struct timespec t2;
    clock_gettime(CLOCK_MONOTONIC, &t2);
#define SECS(a, b) ((double)((b)->tv_sec - (a)->tv_sec) + (double)((b)->tv_nsec - (a)->tv_nsec) / 1e9)
    ws->units_s += SECS(t0, t1);
    ws->commit_s += SECS(t1, &t2);
    if (ws->last_end.tv_sec)
        ws->idle_s += SECS(&ws->last_end, t0);
    ws->last_end = t2;
    ws->batches++;
    ws->units += units;
    if (!ws->since.tv_sec)
        ws->since = t2;
    if (SECS(&ws->since, &t2) >= 3) {
        fprintf(stderr, "fuyou: writer %ld batches, %ld units (%.1f per batch), units %.3f s, commit %.3f s, idle %.3f s\n",
                ws->batches, ws->units, (double)ws->units / (double)ws->batches, ws->units_s, ws->commit_s, ws->idle_s);
        *ws = (struct writer_stats){.on = true, .since = t2, .last_end = t2};
    }
#undef SECS
}

sq_audit_tail_t *sq_audit_tail(store_t *st, int log) { return &st->audit[log]; }

void sq_audit_tail_save(store_t *st) { memcpy(st->audit_saved, st->audit, sizeof st->audit); }

void sq_audit_tail_restore(store_t *st) { memcpy(st->audit, st->audit_saved, sizeof st->audit); }

void sq_pregnancy_init(void);

const char *store_kind(const store_t *st) { return "sqlite"; }
arena_t *store_tx_arena(store_tx_t *tx) { return tx->arena; }
sqlite3 *sq_db(store_tx_t *tx) { return tx->conn->db; }

int sq_fail(store_tx_t *tx, int rc, fy_err_t *e)
{
    const char *msg = tx ? sqlite3_errmsg(tx->conn->db) : sqlite3_errstr(rc);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return fy_fail(e, 409, "conflict", "与现有记录冲突 (conflicts with an existing record: %s)", msg);
    fprintf(stderr, "fuyou: sqlite error %d: %s\n", rc, msg);
    return fy_fail(e, 503, "store", "数据库暂不可用，请稍后重试 (the database is unavailable, retry later)");
}

sqlite3_stmt *sq_stmt(store_tx_t *tx, const char *sql, fy_err_t *e)
{
    struct conn *c = tx->conn;
    for (int i = 0; i < c->ncache; i++)
        if (c->cache[i].sql == sql) {
            sqlite3_reset(c->cache[i].stmt);
            sqlite3_clear_bindings(c->cache[i].stmt);
            return c->cache[i].stmt;
        }
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
    if (rc != SQLITE_OK) {
        fprintf(stderr, "fuyou: prepare failed: %s\n  %s\n", sqlite3_errmsg(c->db), sql);
        sq_fail(tx, rc, e);
        return NULL;
    }
    if (c->ncache < STMT_CACHE) {
        c->cache[c->ncache].sql = sql;
        c->cache[c->ncache].stmt = s;
        c->ncache++;
    } else {
        /* cache full: keep the statement alive by evicting the oldest */
        sqlite3_finalize(c->cache[0].stmt);
        memmove(&c->cache[0], &c->cache[1], sizeof c->cache[0] * (STMT_CACHE - 1));
        c->cache[STMT_CACHE - 1].sql = sql;
        c->cache[STMT_CACHE - 1].stmt = s;
    }
    return s;
}

int sq_prepare(store_tx_t *tx, const char *sql, sqlite3_stmt **out)
{
    struct conn *c = tx->conn;
    for (int i = 0; i < c->ndyn; i++)
        if (strcmp(c->dyn[i].sql, sql) == 0) {
            *out = c->dyn[i].stmt;
            return SQLITE_OK;
        }
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
    if (rc != SQLITE_OK)
        return rc;
    int slot = c->ndyn < DYN_CACHE ? c->ndyn++ : (c->next_dyn++ % DYN_CACHE);
    if (c->dyn[slot].stmt) {
        sqlite3_finalize(c->dyn[slot].stmt);
        free(c->dyn[slot].sql);
    }
    c->dyn[slot].sql = strdup(sql);
    c->dyn[slot].stmt = s;
    *out = s;
    return SQLITE_OK;
}

void sq_bind_int_or_null(sqlite3_stmt *s, int idx, bool has, int64_t v)
{
    if (has)
        sqlite3_bind_int64(s, idx, v);
    else
        sqlite3_bind_null(s, idx);
}

void sq_bind_ref(sqlite3_stmt *s, int idx, int64_t v) { sq_bind_int_or_null(s, idx, v > 0, v); }

void sq_bind_opt_int(sqlite3_stmt *s, int idx, int v) { sq_bind_int_or_null(s, idx, v >= 0, v); }

int sq_col_opt_int(sqlite3_stmt *s, int col)
{
    return sqlite3_column_type(s, col) == SQLITE_NULL ? -1 : sqlite3_column_int(s, col);
}

int sq_row(store_tx_t *tx, sqlite3_stmt *s, sq_row_fn read, void *out, fy_err_t *e)
{
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        read(tx, s, out);
    else if (rc != SQLITE_DONE)
        sq_fail(tx, rc, e);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

void *sq_rows(store_tx_t *tx, sqlite3_stmt *s, size_t size, int cap, sq_row_fn read, int *n, fy_err_t *e)
{
    char *arr = arena_alloc(tx->arena, size * (size_t)cap);
    int rc;
    *n = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            char *bigger = arena_alloc(tx->arena, size * (size_t)cap * 2);
            memcpy(bigger, arr, size * (size_t)cap);
            arr = bigger;
            cap *= 2;
        }
        read(tx, s, arr + size * (size_t)(*n)++);
    }
    if (rc != SQLITE_DONE) {
        sq_fail(tx, rc, e);
        sqlite3_reset(s);
        return NULL;
    }
    sqlite3_reset(s);
    return arr;
}

void *sq_page(store_tx_t *tx, const char *list_sql, const char *count_sql, sq_bind_fn bind, const void *q, int limit,
              int offset, size_t size, sq_row_fn read, int *n, int64_t *total, fy_err_t *e)
{
    sqlite3_stmt *s;
    int rc = sq_prepare(tx, list_sql, &s);
    if (rc != SQLITE_OK)
        return sq_fail(tx, rc, e), NULL;
    bind(s, q);
    sqlite3_bind_int(s, sqlite3_bind_parameter_index(s, ":lim"), limit);
    sqlite3_bind_int(s, sqlite3_bind_parameter_index(s, ":off"), offset);
    void *rows = sq_rows(tx, s, size, limit > 0 ? limit : 1, read, n, e);
    sqlite3_clear_bindings(s);
    if (!rows)
        return NULL;
    if ((*n > 0 || offset == 0) && *n < limit) {
        *total = offset + *n;
        return rows;
    }
    rc = sq_prepare(tx, count_sql, &s);
    if (rc != SQLITE_OK)
        return sq_fail(tx, rc, e), NULL;
    bind(s, q);
    rc = sqlite3_step(s);
    *total = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    if (rc != SQLITE_ROW)
        sq_fail(tx, rc, e);
    sq_done(s);
    return rc == SQLITE_ROW ? rows : NULL;
}

int sq_step_done(store_tx_t *tx, sqlite3_stmt *s, fy_err_t *e)
{
    int rc = sqlite3_step(s);
    return rc == SQLITE_DONE ? 0 : sq_fail(tx, rc, e);
}

void sq_done(sqlite3_stmt *s)
{
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
}

const char *sq_text(store_tx_t *tx, sqlite3_stmt *s, int col)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    if (!t)
        return NULL;
    return arena_strndup(tx->arena, (const char *)t, (size_t)sqlite3_column_bytes(s, col));
}

void sq_bind_text(sqlite3_stmt *s, int idx, const char *v)
{
    if (v)
        sqlite3_bind_text(s, idx, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, idx);
}

/* FUYOU_SQL_SLOW_MS=N prints every statement slower than N ms (diagnosis). */
static int slow_ms = -1;

static int on_profile(unsigned type, void *ctx, void *p, void *x)
{
    sqlite3_int64 ns = *(sqlite3_int64 *)x;
    if (type == SQLITE_TRACE_PROFILE && ns / 1000000 >= slow_ms) {
        char *sql = sqlite3_expanded_sql((sqlite3_stmt *)p);
        fprintf(stderr, "fuyou: slow sql %.1f ms: %.300s\n", (double)ns / 1e6, sql ? sql : "?");
        sqlite3_free(sql);
    }
    return 0;
}

static int conn_open(const char *path, struct conn *c, bool writer, fy_err_t *e)
{
    memset(c, 0, sizeof *c);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path, &c->db, flags, NULL);
    if (rc != SQLITE_OK) {
        fy_fail(e, 503, "store", "无法打开数据库 (cannot open the database %s: %s)", path,
                c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        sqlite3_close(c->db);
        c->db = NULL;
        return -1;
    }
    sqlite3_busy_timeout(c->db, 5000);
    if (slow_ms < 0) {
        const char *v = getenv("FUYOU_SQL_SLOW_MS");
        slow_ms = v && *v ? atoi(v) : 1 << 30;
    }
    if (slow_ms < (1 << 30))
        sqlite3_trace_v2(c->db, SQLITE_TRACE_PROFILE, on_profile, NULL);
    /* a reader's cache lives from one read to the next (commits to the read
     * log do not touch it: store.h), so one per worker thread, 16 MB each
     * (3 threads), keeps the indexes' inner pages: fewer, larger caches read
     * less (14 page reads per record read with 4 × 12 MB, 15.4 with 8 × 6 MB,
     * in the same memory) */
    const char *pragmas = writer ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                                   "PRAGMA cache_size=-16000; PRAGMA temp_store=MEMORY;"
                                 : "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-16000;"
                                   "PRAGMA temp_store=MEMORY;";
    char *err = NULL;
    if (writer)
        sqlite3_wal_autocheckpoint(c->db, CKPT_PAGES);
    if (sqlite3_exec(c->db, pragmas, NULL, NULL, &err) != SQLITE_OK ||
        sq_reads_attach(c->db, path, writer, &err) != SQLITE_OK) {
        fy_fail(e, 503, "store", "数据库设置失败 (database set-up failed: %s)", err ? err : "?");
        sqlite3_free(err);
        return -1;
    }
    return 0;
}

static void conn_close(struct conn *c)
{
    for (int i = 0; i < c->ncache; i++)
        sqlite3_finalize(c->cache[i].stmt);
    c->ncache = 0;
    for (int i = 0; i < c->ndyn; i++) {
        sqlite3_finalize(c->dyn[i].stmt);
        free(c->dyn[i].sql);
    }
    c->ndyn = 0;
    if (c->db)
        sqlite3_close(c->db);
    c->db = NULL;
}

/* A statement left mid-result holds its read snapshot open past COMMIT:
 * reset every busy statement when a unit ends. */
static void reset_busy(sqlite3 *db)
{
    for (sqlite3_stmt *s = sqlite3_next_stmt(db, NULL); s; s = sqlite3_next_stmt(db, s))
        if (sqlite3_stmt_busy(s))
            sqlite3_reset(s);
}

/* BEGIN, COMMIT, SAVEPOINT … run on every unit: prepared once per
 * connection instead of parsed each time. */
static int control(struct conn *c, const char *sql, fy_err_t *e)
{
    store_tx_t tx = {.conn = c};
    sqlite3_stmt *s = sq_stmt(&tx, sql, e);
    if (!s)
        return -1;
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return fy_fail(e, 503, "store", "数据库语句失败 (statement failed: %s: %s)", sql, sqlite3_errmsg(c->db));
    return 0;
}

static const char SQL_BEGIN[] = "BEGIN", SQL_BEGIN_IMMEDIATE[] = "BEGIN IMMEDIATE", SQL_COMMIT[] = "COMMIT",
                  SQL_ROLLBACK[] = "ROLLBACK", SQL_SAVEPOINT[] = "SAVEPOINT unit",
                  SQL_ROLLBACK_TO[] = "ROLLBACK TO unit", SQL_RELEASE[] = "RELEASE unit";

static int exec(sqlite3 *db, const char *sql, fy_err_t *e)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fy_fail(e, 503, "store", "数据库语句失败 (statement failed: %s)", err ? err : "?");
        fprintf(stderr, "fuyou: %s\n", err ? err : "?");
        sqlite3_free(err);
        return -1;
    }
    return 0;
}

static int migrate(sqlite3 *db, fy_err_t *e)
{
    if (exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                 " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))",
             e))
        return -1;
    for (const struct store_migration *m = store_migrations; m->sql; m++) {
        sqlite3_stmt *s;
        sqlite3_prepare_v2(db, "SELECT 1 FROM schema_migrations WHERE version = ?", -1, &s, NULL);
        sqlite3_bind_int(s, 1, m->version);
        bool applied = sqlite3_step(s) == SQLITE_ROW;
        sqlite3_finalize(s);
        if (applied)
            continue;
        if (exec(db, "BEGIN IMMEDIATE", e))
            return -1;
        if (exec(db, m->sql, e)) {
            exec(db, "ROLLBACK", e);
            return fy_fail(e, 503, "migration", "数据库迁移 %s 失败 (migration %s failed)", m->name, m->name);
        }
        sqlite3_prepare_v2(db, "INSERT INTO schema_migrations(version, name) VALUES (?, ?)", -1, &s, NULL);
        sqlite3_bind_int(s, 1, m->version);
        sqlite3_bind_text(s, 2, m->name, -1, SQLITE_STATIC);
        sqlite3_step(s);
        sqlite3_finalize(s);
        if (exec(db, "COMMIT", e))
            return -1;
    }
    return 0;
}

int store_schema_version(store_t *st)
{
    sqlite3_stmt *s;
    int v = 0;
    if (sqlite3_prepare_v2(st->writer.db, "SELECT max(version) FROM schema_migrations", -1, &s, NULL) == SQLITE_OK) {
        if (sqlite3_step(s) == SQLITE_ROW)
            v = sqlite3_column_int(s, 0);
        sqlite3_finalize(s);
    }
    return v;
}

static void finish(store_t *st, struct job *batch, int rc_all, fy_err_t *commit_err)
{
    struct job *async = NULL, **async_tail = &async;
    pthread_mutex_lock(&st->mu);
    struct job *next;
    for (struct job *j = batch; j; j = next) {
        next = j->next; /* j lives on its submitter's stack: gone once it wakes */
        if (rc_all && j->rc == 0) {
            *j->e = *commit_err;
            j->rc = -1;
        }
        if (j->async_done) {
            j->next = NULL;
            *async_tail = j;
            async_tail = &j->next;
            continue;
        }
        j->done = true;
        pthread_cond_signal(&j->cv);
    }
    pthread_mutex_unlock(&st->mu);
    /* the callbacks run outside the queue lock: they may take their own */
    for (struct job *j = async; j; j = next) {
        next = j->next;
        j->async_done(j->async_arg, j->rc);
        free(j);
    }
}

/* Units nobody waits on in a thread (read log rows, store_write_async) are
 * committed at most every PACE_MS unless PACE_UNITS of them are queued:
 * their replies wait up to that much longer, and a burst of reads shares
 * fewer commits, fsyncs and wake-ups (make bench, record read: ~11,000/s
 * without, ~13,000/s with). A unit whose submitter waits ends the pause at
 * once. Called with st->mu held and a job queued. */
static void pace(store_t *st)
{
    if (st->nsync || st->stopping)
        return;
    struct timespec deadline = st->last_commit;
    deadline.tv_nsec += PACE_MS * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    st->pacing = true;
    while (!st->nsync && !st->stopping && st->nasync < PACE_UNITS &&
           pthread_cond_timedwait(&st->work, &st->mu, &deadline) != ETIMEDOUT)
        ;
    st->pacing = false;
}

static void *writer_main(void *arg)
{
    store_t *st = arg;
    sqlite3 *db = st->writer.db;
    for (;;) {
        pthread_mutex_lock(&st->mu);
        while (!st->head && !st->stopping)
            pthread_cond_wait(&st->work, &st->mu);
        if (!st->head && st->stopping) {
            pthread_mutex_unlock(&st->mu);
            break;
        }
        pace(st);
        /* take up to GROUP_MAX queued units: they share one commit */
        struct job *batch = st->head, *last = st->head;
        int n = 1;
        while (last->next && n < GROUP_MAX) {
            last = last->next;
            n++;
        }
        st->head = last->next;
        if (!st->head)
            st->tail = NULL;
        last->next = NULL;
        for (struct job *j = batch; j; j = j->next) {
            if (j->async_done)
                st->nasync--;
            else
                st->nsync--;
        }
        int sync_request = st->sync_request;
        st->sync_request = -1;
        pthread_mutex_unlock(&st->mu);
        /* bulk loading also caches more, so hot index pages are not
         * written back over and over */
        if (sync_request >= 0)
            sqlite3_exec(db,
                         sync_request ? "PRAGMA synchronous=FULL; PRAGMA cache_size=-16000"
                                      : "PRAGMA synchronous=OFF; PRAGMA cache_size=-131072",
                         NULL, NULL, NULL);

        fy_err_t err;
        fy_err_clear(&err);
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (control(&st->writer, SQL_BEGIN_IMMEDIATE, &err)) {
            finish(st, batch, -1, &err);
            continue;
        }
        /* another process (`fuyou user add`, a second server on the same
         * file) may have appended audit rows since our last commit: the
         * tail is re-read under the write lock, so it is always the file's */
        sq_audit_tail_load(st, db);
        sq_audit_tail_save(st);
        sq_audit_tail_t at_begin[STORE_AUDIT_LOGS];
        memcpy(at_begin, st->audit, sizeof at_begin);
        /* asynchronous units get the writer's own arena: their submitters'
         * threads go on using theirs */
        arena_t *scratch = NULL;
        for (struct job *j = batch; j; j = j->next) {
            if (!j->arena && !scratch)
                scratch = arena_new();
            store_tx_t tx = {.conn = &st->writer, .arena = j->arena ? j->arena : scratch, .writing = true, .st = st};
            fy_err_t se;
            fy_err_clear(&se);
            control(&st->writer, SQL_SAVEPOINT, &se);
            sq_audit_tail_save(st);
            fy_set_thread_now(j->clock);
            j->rc = j->fn(&tx, j->ctx, j->e);
            if (j->rc == 0 && j->has_claim)
                j->rc = sq_idem_insert_claim(&tx, &j->claim, j->e);
            fy_set_thread_now(0);
            reset_busy(db);
            if (j->rc) {
                control(&st->writer, SQL_ROLLBACK_TO, &se);
                sq_audit_tail_restore(st);
            }
            control(&st->writer, SQL_RELEASE, &se);
        }
        struct timespec t1;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        int rc = control(&st->writer, SQL_COMMIT, &err);
        writer_stats(&st->stats, n, &t0, &t1);
        clock_gettime(CLOCK_REALTIME, &st->last_commit);
        if (rc) {
            fy_err_t ignore = {0};
            control(&st->writer, SQL_ROLLBACK, &ignore);
            memcpy(st->audit, at_begin, sizeof at_begin);
        }
        arena_free(scratch);
        finish(st, batch, rc, &err);
    }
    return NULL;
}

/* SQLite counts every allocation under one process-wide mutex unless told
 * not to; with a connection per thread that mutex was the hottest lock in
 * the server (perf: futex calls on every read). The counters are not used. */
static void sqlite_configure(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int store_open(const char *path, store_t **out, fy_err_t *e)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sqlite_configure);
    store_t *st = calloc(1, sizeof *st);
    st->path = strdup(path);
    st->sync_request = -1;
    /* create the parent directory of a relative path like var/fuyou.db */
    char *slash = strrchr(st->path, '/');
    if (slash && slash != st->path) {
        *slash = 0;
        mkdir(st->path, 0755);
        *slash = '/';
    }
    if (conn_open(path, &st->writer, true, e) || migrate(st->writer.db, e)) {
        conn_close(&st->writer);
        free(st->path);
        free(st);
        return -1;
    }
    sq_audit_tail_load(st, st->writer.db);
    sq_pregnancy_init();
    const char *ws = getenv("FUYOU_WRITER_STATS");
    st->stats.on = ws && *ws && strcmp(ws, "0") != 0;
    pthread_key_create(&st->reader_key, NULL);
    pthread_mutex_init(&st->readers_mu, NULL);
    pthread_mutex_init(&st->mu, NULL);
    pthread_cond_init(&st->work, NULL);
    pthread_cond_init(&st->done, NULL);
    pthread_create(&st->writer_thread, NULL, writer_main, st);
    *out = st;
    return 0;
}

void store_close(store_t *st)
{
    if (!st)
        return;
    pthread_mutex_lock(&st->mu);
    st->stopping = true;
    pthread_cond_signal(&st->work);
    pthread_mutex_unlock(&st->mu);
    pthread_join(st->writer_thread, NULL);
    for (size_t i = 0; i < st->nreaders; i++) {
        conn_close(st->readers[i]);
        free(st->readers[i]);
    }
    free(st->readers);
    sqlite3_exec(st->writer.db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    conn_close(&st->writer);
    pthread_key_delete(st->reader_key);
    free(st->path);
    free(st);
}

static struct conn *reader(store_t *st, fy_err_t *e)
{
    struct conn *c = pthread_getspecific(st->reader_key);
    if (c)
        return c;
    c = calloc(1, sizeof *c);
    if (conn_open(st->path, c, false, e)) {
        free(c);
        return NULL;
    }
    pthread_mutex_lock(&st->readers_mu);
    if (st->nreaders == st->capreaders) {
        st->capreaders = st->capreaders ? st->capreaders * 2 : 16;
        st->readers = realloc(st->readers, st->capreaders * sizeof *st->readers);
    }
    st->readers[st->nreaders++] = c;
    pthread_mutex_unlock(&st->readers_mu);
    pthread_setspecific(st->reader_key, c);
    return c;
}

int store_set_durable(store_t *st, bool durable)
{
    /* the writer owns its connection: it applies the change before its next
     * transaction */
    pthread_mutex_lock(&st->mu);
    st->sync_request = durable ? 1 : 0;
    pthread_mutex_unlock(&st->mu);
    return 0;
}

int store_read(store_t *st, arena_t *a, store_fn fn, void *ctx, fy_err_t *e)
{
    struct conn *c = reader(st, e);
    if (!c)
        return -1;
    store_tx_t tx = {.conn = c, .arena = a, .st = st};
    if (control(c, SQL_BEGIN, e))
        return -1;
    int rc = fn(&tx, ctx, e);
    reset_busy(c->db);
    fy_err_t ignore;
    fy_err_clear(&ignore);
    control(c, SQL_COMMIT, &ignore);
    return rc;
}

/* Appends a job to the writer's queue; the caller holds st->mu and has
 * counted it (nsync or nasync). A pacing writer is woken only when its pause
 * should end. */
static void enqueue(store_t *st, struct job *j)
{
    if (st->tail)
        st->tail->next = j;
    else
        st->head = j;
    st->tail = j;
    if (!st->pacing || st->nsync || st->nasync >= PACE_UNITS)
        pthread_cond_signal(&st->work);
}

int store_write(store_t *st, arena_t *a, store_fn fn, void *ctx, fy_err_t *e)
{
    struct job j = {0};
    j.fn = fn;
    j.ctx = ctx;
    j.e = e;
    j.arena = a;
    j.clock = fy_thread_now();
    j.has_claim = sq_idem_take_claim(&j.claim);
    pthread_cond_init(&j.cv, NULL);
    pthread_mutex_lock(&st->mu);
    st->nsync++;
    enqueue(st, &j);
    while (!j.done)
        pthread_cond_wait(&j.cv, &st->mu);
    pthread_mutex_unlock(&st->mu);
    pthread_cond_destroy(&j.cv);
    return j.rc;
}

int store_write_async(store_t *st, store_fn fn, void *ctx, fy_err_t *e, void (*done)(void *arg, int rc), void *arg)
{
    struct job *j = calloc(1, sizeof *j);
    if (!j)
        return fy_fail(e, 503, "store", "内存不足 (out of memory)");
    j->fn = fn;
    j->ctx = ctx;
    j->e = e;
    j->clock = fy_thread_now();
    j->async_done = done;
    j->async_arg = arg;
    pthread_mutex_lock(&st->mu);
    st->nasync++;
    enqueue(st, j);
    pthread_mutex_unlock(&st->mu);
    return 0;
}
