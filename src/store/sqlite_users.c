/* Accounts, sessions and failed logins in SQLite. */
#include <string.h>

#include "store/sqlite_int.h"

#define USER_COLS "u.id, u.username, u.role, u.institution_id, u.district, u.woman_id, u.pwhash, u.disabled"

static void read_user(store_tx_t *tx, sqlite3_stmt *s, void *row)
{
    store_user_t *u = row;
    u->id = sqlite3_column_int64(s, 0);
    u->username = sq_text(tx, s, 1);
    u->role = role_parse((const char *)sqlite3_column_text(s, 2));
    u->institution_id = sq_text(tx, s, 3);
    u->district = sq_text(tx, s, 4);
    u->woman_id = sqlite3_column_int64(s, 5);
    u->pwhash = sq_text(tx, s, 6);
    u->disabled = sqlite3_column_int(s, 7) != 0;
}

static int one_user(store_tx_t *tx, sqlite3_stmt *s, store_user_t *out, fy_err_t *e)
{
    return sq_row(tx, s, read_user, out, e);
}

int store_user_insert(store_tx_t *tx, store_user_t *u, fy_err_t *e)
{
    static const char sql[] = "INSERT INTO users(username, role, institution_id, district, woman_id, pwhash,"
                              " created_at) VALUES (?,?,?,?,?,?, CAST(strftime('%s','now') AS INTEGER)*1000)"
                              " ON CONFLICT(username) DO NOTHING";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, u->username);
    sq_bind_text(s, 2, role_name(u->role));
    sq_bind_text(s, 3, u->institution_id);
    sq_bind_text(s, 4, u->district);
    if (u->woman_id > 0)
        sqlite3_bind_int64(s, 5, u->woman_id);
    else
        sqlite3_bind_null(s, 5);
    sq_bind_text(s, 6, u->pwhash);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    if (sqlite3_changes(sq_db(tx)) == 0)
        return fy_fail(e, 409, "username_taken", "用户名 %s 已存在 (username %s is taken)", u->username,
                       u->username);
    u->id = sqlite3_last_insert_rowid(sq_db(tx));
    return 0;
}

int store_user_by_name(store_tx_t *tx, const char *username, store_user_t *out, fy_err_t *e)
{
    static const char sql[] = "SELECT " USER_COLS " FROM users u WHERE u.username = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, username);
    return one_user(tx, s, out, e);
}

int store_user_by_id(store_tx_t *tx, int64_t id, store_user_t *out, fy_err_t *e)
{
    static const char sql[] = "SELECT " USER_COLS " FROM users u WHERE u.id = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    return one_user(tx, s, out, e);
}

int store_user_set_password(store_tx_t *tx, int64_t id, const char *pwhash, fy_err_t *e)
{
    static const char sql[] = "UPDATE users SET pwhash = ? WHERE id = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, pwhash);
    sqlite3_bind_int64(s, 2, id);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    return sqlite3_changes(sq_db(tx)) ? 0 : 1;
}

int store_session_insert(store_tx_t *tx, const uint8_t hash[32], int64_t user_id, int64_t now_ms,
                         int64_t expires_ms, fy_err_t *e)
{
    static const char sql[] = "INSERT INTO sessions(token_hash, user_id, created_at, expires_at) VALUES (?,?,?,?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_blob(s, 1, hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, user_id);
    sqlite3_bind_int64(s, 3, now_ms);
    sqlite3_bind_int64(s, 4, expires_ms);
    int rc = sqlite3_step(s);
    return rc == SQLITE_DONE ? 0 : sq_fail(tx, rc, e);
}

int store_session_lookup(store_tx_t *tx, const uint8_t hash[32], int64_t now_ms, store_user_t *out,
                         int64_t *expires_ms, fy_err_t *e)
{
    static const char sql[] = "SELECT " USER_COLS ", s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id"
                              " WHERE s.token_hash = ? AND s.revoked = 0 AND s.expires_at > ? AND u.disabled = 0";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_blob(s, 1, hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, now_ms);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        read_user(tx, s, out);
        *expires_ms = sqlite3_column_int64(s, 8);
        return 0;
    }
    return rc == SQLITE_DONE ? 1 : sq_fail(tx, rc, e);
}

int store_session_revoke(store_tx_t *tx, const uint8_t hash[32], fy_err_t *e)
{
    static const char sql[] = "UPDATE sessions SET revoked = 1 WHERE token_hash = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_blob(s, 1, hash, 32, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    return rc == SQLITE_DONE ? 0 : sq_fail(tx, rc, e);
}

int store_login_failures(store_tx_t *tx, const char *username, int64_t since_ms, int *count, int64_t *oldest_ms,
                         fy_err_t *e)
{
    static const char sql[] = "SELECT count(*), coalesce(min(at), 0) FROM login_failures WHERE username = ? AND at > ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, username);
    sqlite3_bind_int64(s, 2, since_ms);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW)
        return sq_fail(tx, rc, e);
    *count = sqlite3_column_int(s, 0);
    *oldest_ms = sqlite3_column_int64(s, 1);
    return 0;
}

int store_login_failure_add(store_tx_t *tx, const char *username, int64_t at_ms, fy_err_t *e)
{
    static const char sql[] = "INSERT INTO login_failures(username, at) VALUES (?, ?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, username);
    sqlite3_bind_int64(s, 2, at_ms);
    int rc = sqlite3_step(s);
    return rc == SQLITE_DONE ? 0 : sq_fail(tx, rc, e);
}

int store_login_failures_clear(store_tx_t *tx, const char *username, fy_err_t *e)
{
    static const char sql[] = "DELETE FROM login_failures WHERE username = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, username);
    int rc = sqlite3_step(s);
    return rc == SQLITE_DONE ? 0 : sq_fail(tx, rc, e);
}
