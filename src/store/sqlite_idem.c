/* Stored answers of POSTs that carried an Idempotency-Key. */
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
                              " VALUES (?,?,?,?,?,?, CAST(strftime('%s','now') AS INTEGER)*1000)";
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
