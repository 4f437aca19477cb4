/* Stored answers of POSTs that carried an Idempotency-Key. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite_int.h"

int store_idem_get(store_tx_t *tx, int64_t user_id, const char *key, const char **method, const char **path,
                   int *status, const char **body, fy_err_t *e)
{
    static const char sql[] = "SELECT method, path, status, body FROM idempotency WHERE user_id = ? AND key = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, user_id);
    sq_bind_text(s, 2, key);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE)
        return 1;
    if (rc != SQLITE_ROW)
        return sq_fail(tx, rc, e);
    *method = sq_text(tx, s, 0);
    *path = sq_text(tx, s, 1);
    *status = sqlite3_column_int(s, 2);
    *body = sq_text(tx, s, 3);
    return 0;
}

int store_idem_put(store_tx_t *tx, int64_t user_id, const char *key, const char *method, const char *path,
                   int status, const char *body, fy_err_t *e)
{
    static const char sql[] = "INSERT INTO idempotency(user_id, key, method, path, status, body, created_at)"
                              " VALUES (?,?,?,?,?,?, CAST(strftime('%s','now') AS INTEGER)*1000)"
                              " ON CONFLICT(user_id, key) DO UPDATE SET status = excluded.status,"
                              " body = excluded.body WHERE idempotency.status = 0";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, user_id);
    sq_bind_text(s, 2, key);
    sq_bind_text(s, 3, method);
    sq_bind_text(s, 4, path);
    sqlite3_bind_int(s, 5, status);
    sq_bind_text(s, 6, body);
    int rc = sqlite3_step(s);
    return rc == SQLITE_DONE ? 0 : sq_fail(tx, rc, e);
}

/* The mark for the calling thread's next write unit. */
static _Thread_local struct {
    bool set;
    int64_t user_id;
    char key[129], method[8], path[256];
} next_claim;

void store_idem_claim_next_write(int64_t user_id, const char *key, const char *method, const char *path)
{
    next_claim.set = true;
    next_claim.user_id = user_id;
    snprintf(next_claim.key, sizeof next_claim.key, "%s", key);
    snprintf(next_claim.method, sizeof next_claim.method, "%s", method);
    snprintf(next_claim.path, sizeof next_claim.path, "%s", path);
}

void store_idem_clear_claim(void) { next_claim.set = false; }

bool sq_idem_take_claim(sq_claim_t *out)
{
    if (!next_claim.set)
        return false;
    out->user_id = next_claim.user_id;
    memcpy(out->key, next_claim.key, sizeof out->key);
    memcpy(out->method, next_claim.method, sizeof out->method);
    memcpy(out->path, next_claim.path, sizeof out->path);
    next_claim.set = false;
    return true;
}

int sq_idem_insert_claim(store_tx_t *tx, const sq_claim_t *c, fy_err_t *e)
{
    static const char sql[] = "INSERT INTO idempotency(user_id, key, method, path, status, body, created_at)"
                              " VALUES (?,?,?,?,0,'', CAST(strftime('%s','now') AS INTEGER)*1000)"
                              " ON CONFLICT(user_id, key) DO NOTHING";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, c->user_id);
    sq_bind_text(s, 2, c->key);
    sq_bind_text(s, 3, c->method);
    sq_bind_text(s, 4, c->path);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    if (sqlite3_changes(sq_db(tx)) == 0)
        return fy_fail(e, 409, "idempotency_conflict",
                       "相同 Idempotency-Key 的请求已在处理或已处理 (a request with this Idempotency-Key is in "
                       "progress or done)");
    return 0;
}
