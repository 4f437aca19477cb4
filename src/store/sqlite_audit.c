/* The audit chain. Each row's hash = SHA-256(prev_hash || content), where
 * content is the row's fields joined in a fixed, length-prefixed form, so a
 * changed field, a deleted row or a reordered row all break the chain. The
 * writer thread is the only appender, so the tail lives in memory. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "store/sqlite_int.h"

int64_t *sq_audit_seq(store_t *st);
uint8_t *sq_audit_hash(store_t *st);

static void put_field(buf_t *b, const char *s)
{
    /* length-prefixed so that field boundaries cannot be forged; NULL is "-" */
    if (!s) {
        buf_puts(b, "-|");
        return;
    }
    size_t n = strlen(s);
    buf_printf(b, "%zu:", n);
    buf_append(b, s, n);
    buf_putc(b, '|');
}

static void row_hash(const uint8_t prev[32], const store_audit_t *a, uint8_t out[32])
{
    buf_t b = {0};
    buf_printf(&b, "%lld|%lld|%lld|", (long long)a->seq, (long long)a->at, (long long)a->user_id);
    put_field(&b, a->username);
    put_field(&b, a->role);
    put_field(&b, a->action);
    put_field(&b, a->resource);
    put_field(&b, a->resource_id);
    put_field(&b, a->client_ip);
    put_field(&b, a->reason);
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, prev, 32);
    crypto_hash_sha256_update(&h, (const unsigned char *)b.p, b.len);
    crypto_hash_sha256_final(&h, out);
    buf_free(&b);
}

void sq_audit_tail_load(store_t *st, sqlite3 *db)
{
    sqlite3_stmt *s;
    *sq_audit_seq(st) = 0;
    memset(sq_audit_hash(st), 0, 32);
    if (sqlite3_prepare_v2(db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", -1, &s, NULL) != SQLITE_OK)
        return;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_bytes(s, 1) == 32) {
        *sq_audit_seq(st) = sqlite3_column_int64(s, 0);
        memcpy(sq_audit_hash(st), sqlite3_column_blob(s, 1), 32);
    }
    sqlite3_finalize(s);
}

int store_audit_append(store_tx_t *tx, const store_audit_t *a, fy_err_t *e)
{
    if (!tx->writing)
        return fy_fail(e, 500, "internal", "审计只能在写事务中记录 (audit rows need a write unit)");
    static const char sql[] = "INSERT INTO audit(seq, at, user_id, username, role, action, resource, resource_id,"
                              " client_ip, reason, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    store_audit_t row = *a;
    row.seq = *sq_audit_seq(tx->st) + 1;
    uint8_t prev[32], hash[32];
    memcpy(prev, sq_audit_hash(tx->st), 32);
    row_hash(prev, &row, hash);
    sqlite3_bind_int64(s, 1, row.seq);
    sqlite3_bind_int64(s, 2, row.at);
    if (row.user_id)
        sqlite3_bind_int64(s, 3, row.user_id);
    else
        sqlite3_bind_null(s, 3);
    sq_bind_text(s, 4, row.username);
    sq_bind_text(s, 5, row.role);
    sq_bind_text(s, 6, row.action);
    sq_bind_text(s, 7, row.resource);
    sq_bind_text(s, 8, row.resource_id);
    sq_bind_text(s, 9, row.client_ip);
    sq_bind_text(s, 10, row.reason);
    sqlite3_bind_blob(s, 11, prev, 32, SQLITE_TRANSIENT);
    sqlite3_bind_blob(s, 12, hash, 32, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    *sq_audit_seq(tx->st) = row.seq;
    memcpy(sq_audit_hash(tx->st), hash, 32);
    return 0;
}

static void read_row(store_tx_t *tx, sqlite3_stmt *s, store_audit_t *a)
{
    a->seq = sqlite3_column_int64(s, 0);
    a->at = sqlite3_column_int64(s, 1);
    a->user_id = sqlite3_column_int64(s, 2);
    a->username = sq_text(tx, s, 3);
    a->role = sq_text(tx, s, 4);
    a->action = sq_text(tx, s, 5);
    a->resource = sq_text(tx, s, 6);
    a->resource_id = sq_text(tx, s, 7);
    a->client_ip = sq_text(tx, s, 8);
    a->reason = sq_text(tx, s, 9);
}

static void bind_filters(sqlite3_stmt *s, const store_audit_query_t *q)
{
    sq_bind_named(s, ":res", q->resource);
    sq_bind_named(s, ":rid", q->resource_id);
    sq_bind_named(s, ":usr", q->username);
    sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":from"), q->from_ms);
    sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":to"), q->to_ms);
}

int store_audit_search(store_tx_t *tx, const store_audit_query_t *q, store_audit_t **out, int *n, int64_t *total,
                       fy_err_t *e)
{
    /* only the filters given, so that a period uses the at index and a user
     * the (username, at) index; a record alone is a scan */
    buf_t w = {0};
    buf_puts(&w, " FROM audit WHERE 1");
    if (q->resource)
        buf_puts(&w, " AND resource = :res");
    if (q->resource_id)
        buf_puts(&w, " AND resource_id = :rid");
    if (q->username)
        buf_puts(&w, " AND username = :usr");
    if (q->from_ms)
        buf_puts(&w, " AND at >= :from");
    if (q->to_ms)
        buf_puts(&w, " AND at < :to");
    char *sqls[2] = {arena_printf(tx->arena, "SELECT count(*)%s", w.p),
                     arena_printf(tx->arena,
                                  "SELECT seq, at, user_id, username, role, action, resource, resource_id,"
                                  " client_ip, reason%s ORDER BY seq DESC LIMIT :lim OFFSET :off",
                                  w.p)};
    buf_free(&w);
    /* the page first; the count (a second pass over the same rows) only
     * when the page may not hold them all */
    sqlite3_stmt *s;
    int rc = sq_prepare(tx, sqls[1], &s);
    if (rc != SQLITE_OK)
        return sq_fail(tx, rc, e);
    bind_filters(s, q);
    sqlite3_bind_int(s, sqlite3_bind_parameter_index(s, ":lim"), q->limit);
    sqlite3_bind_int(s, sqlite3_bind_parameter_index(s, ":off"), q->offset);
    *out = arena_alloc(tx->arena, sizeof **out * (size_t)(q->limit > 0 ? q->limit : 1));
    *n = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < q->limit)
        read_row(tx, s, &(*out)[(*n)++]);
    sq_done(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return sq_fail(tx, rc, e);
    if ((*n > 0 || q->offset == 0) && *n < q->limit) {
        *total = q->offset + *n;
        return 0;
    }
    rc = sq_prepare(tx, sqls[0], &s);
    if (rc != SQLITE_OK)
        return sq_fail(tx, rc, e);
    bind_filters(s, q);
    rc = sqlite3_step(s);
    *total = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sq_done(s);
    if (rc != SQLITE_ROW)
        return sq_fail(tx, rc, e);
    return 0;
}

struct verify_ctx {
    int64_t bad, rows;
    char *why;
    size_t whylen;
};

static int verify_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct verify_ctx *v = vctx;
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(sq_db(tx),
                                "SELECT seq, at, user_id, username, role, action, resource, resource_id, client_ip,"
                                " reason, prev_hash, hash FROM audit ORDER BY seq",
                                -1, &s, NULL);
    if (rc != SQLITE_OK)
        return sq_fail(tx, rc, e);
    uint8_t prev[32] = {0};
    int64_t expect_seq = 1;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        arena_t *a = arena_new();
        store_tx_t rtx = *tx;
        rtx.arena = a;
        store_audit_t row;
        read_row(&rtx, s, &row);
        uint8_t want[32];
        row_hash(prev, &row, want);
        const void *stored_prev = sqlite3_column_blob(s, 10);
        const void *stored = sqlite3_column_blob(s, 11);
        const char *problem = NULL;
        if (row.seq != expect_seq)
            problem = row.seq > expect_seq ? "a row before it was deleted" : "rows out of order";
        else if (sqlite3_column_bytes(s, 10) != 32 || memcmp(stored_prev, prev, 32) != 0)
            problem = "its prev_hash does not match the previous row";
        else if (sqlite3_column_bytes(s, 11) != 32 || memcmp(stored, want, 32) != 0)
            problem = "its content does not match its hash (changed)";
        if (problem) {
            v->bad = row.seq != expect_seq && row.seq > expect_seq ? expect_seq : row.seq;
            snprintf(v->why, v->whylen, "audit row %lld: %s", (long long)row.seq, problem);
            arena_free(a);
            sqlite3_finalize(s);
            return 1;
        }
        memcpy(prev, stored, 32);
        expect_seq++;
        v->rows++;
        arena_free(a);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    return 0;
}

int store_audit_verify(store_t *st, int64_t *bad_seq, char *why, size_t whylen, int64_t *rows)
{
    struct verify_ctx v = {0, 0, why, whylen};
    fy_err_t e = {0};
    arena_t *a = arena_new();
    int rc = store_read(st, a, verify_unit, &v, &e);
    arena_free(a);
    *rows = v.rows;
    *bad_seq = v.bad;
    if (rc < 0) {
        snprintf(why, whylen, "%s", e.detail);
        return -1;
    }
    return rc;
}
