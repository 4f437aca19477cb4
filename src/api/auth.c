/* Sign-in, sign-out, the current user, and the authentication hook that the
 * HTTP layer calls before every non-public route. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "base/secret.h"

#define SESSION_MS (12LL * 3600 * 1000)
#define LOCK_WINDOW_MS (15LL * 60 * 1000)
#define LOCK_FAILURES 5
#define TOKEN_COOKIE "fuyou_token"

static void user_json(buf_t *b, const store_user_t *u)
{
    buf_putc(b, '{');
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)u->id);
    api_kv_str(b, "id", id, false);
    api_kv_str(b, "username", u->username, true);
    api_kv_str(b, "role", role_name(u->role), true);
    api_kv_str(b, "role_label", role_label_zh(u->role), true);
    api_kv_str(b, "institution_id", u->institution_id, true);
    api_kv_str(b, "district_code", u->district, true);
    if (u->woman_id) {
        snprintf(id, sizeof id, "%lld", (long long)u->woman_id);
        api_kv_str(b, "woman_id", id, true);
    } else {
        api_kv_str(b, "woman_id", NULL, true);
    }
    buf_putc(b, '}');
}

struct login_ctx {
    http_req_t *req;
    const char *username, *password;
    store_user_t user;
    int found;
    int failures;
    int64_t oldest, now;
    char token[SECRET_TOKEN_LEN + 1];
    uint8_t hash[32];
    bool ok;
};

static int login_check(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct login_ctx *c = vctx;
    if (store_login_failures(tx, c->username, c->now - LOCK_WINDOW_MS, &c->failures, &c->oldest, e))
        return -1;
    c->found = store_user_by_name(tx, c->username, &c->user, e);
    return c->found < 0 ? -1 : 0;
}

static int login_record(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct login_ctx *c = vctx;
    if (!c->ok) {
        /* the failure must be durable even though the request fails */
        if (store_login_failure_add(tx, c->username, c->now, e))
            return -1;
        return api_audit(tx, c->req, "login_failed", "user", c->username, NULL, e);
    }
    if (store_login_failures_clear(tx, c->username, e) ||
        store_session_insert(tx, c->hash, c->user.id, c->now, c->now + SESSION_MS, e))
        return -1;
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)c->user.id);
    /* nobody is signed in on this request yet: the row names the user who
     * just proved who she is, so the trail can be searched by user */
    store_audit_t a = {.at = c->now,
                       .user_id = c->user.id,
                       .username = c->user.username,
                       .role = role_name(c->user.role),
                       .action = "login",
                       .resource = "user",
                       .resource_id = id,
                       .client_ip = c->req->client_ip};
    return store_audit_append(tx, &a, e);
}

static int h_login(http_req_t *req, http_resp_t *resp)
{
    json_t *body = api_body(req);
    if (!body)
        return -1;
    struct login_ctx c = {0};
    c.req = req;
    static const char *const known[] = {"username", "password", NULL};
    jv_no_unknown(body, known, &req->err);
    jv_str(body, "username", true, 1, 64, &c.username, &req->err);
    /* a password is taken as typed: blanks count (jv_str would not count
     * leading and trailing ones) */
    json_t *pw = json_object_get(body, "password");
    long pwlen = json_is_string(pw) && strlen(json_string_value(pw)) == json_string_length(pw)
                     ? jv_utf8_len(json_string_value(pw))
                     : -1;
    if (pwlen >= 1 && pwlen <= 256)
        c.password = json_string_value(pw);
    else
        jv_str(body, "password", true, 1, 256, &c.password, &req->err);
    if (fy_has_error(&req->err))
        return -1;
    c.now = fy_now_ms();
    app_t *app = api_app(req);
    if (store_read(app->store, req->arena, login_check, &c, &req->err))
        return -1;
    if (c.failures >= LOCK_FAILURES) {
        /* the lock lifts when the oldest failure leaves the window: that
         * many seconds, rounded up */
        int wait = (int)((c.oldest + LOCK_WINDOW_MS - c.now + 999) / 1000);
        if (wait < 1)
            wait = 1;
        req->err.retry_after = wait;
        return fy_fail(&req->err, 429, "locked",
                       "登录失败次数过多，请 %d 秒后再试 (too many failed logins; retry in %d s)", wait, wait);
    }
    /* verify against a fixed hash when the user is unknown, so timing does not
     * tell which usernames exist */
    static const char dummy[] = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
                                "qLml4kmnOZAnhV5wEzMR7pIs8zZMLrmIcibqtQjkrSY";
    bool pw_ok = secret_password_verify(c.found == 0 ? c.user.pwhash : dummy, c.password);
    c.ok = c.found == 0 && pw_ok && !c.user.disabled;
    if (c.ok)
        secret_token_new(c.token, c.hash);
    if (store_write(app->store, req->arena, login_record, &c, &req->err))
        return -1;
    if (!c.ok)
        return fy_fail(&req->err, 401, "bad_credentials", "用户名或密码错误 (wrong username or password)");

    buf_t b = {0};
    buf_putc(&b, '{');
    api_kv_str(&b, "token", c.token, false);
    api_kv_instant(&b, "expires_at", c.now + SESSION_MS, true);
    buf_puts(&b, ",\"user\":");
    user_json(&b, &c.user);
    buf_putc(&b, '}');
    api_reply(resp, 200, &b);
    http_add_header(resp, "Set-Cookie",
                    arena_printf(req->arena, TOKEN_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld",
                                 c.token, SESSION_MS / 1000));
    return 0;
}

static const char *bearer(http_req_t *req)
{
    const char *h = http_header(req, "Authorization");
    if (h && strncasecmp(h, "Bearer ", 7) == 0)
        return h + 7;
    return http_cookie(req, TOKEN_COOKIE);
}

/* Sessions seen in the last minute, so that a busy client does not cost a
 * database read per request. An entry lives at most SESSION_CACHE_MS (a
 * disabled account or revoked token elsewhere is noticed within that) and
 * logout drops it at once. */
#define SESSION_CACHE_SLOTS 4096
#define SESSION_CACHE_MS 60000

typedef struct {
    uint8_t hash[32];
    int64_t cached_at, expires;
    int64_t id, woman_id;
    role_t role;
    char username[65], institution_id[48], district[8];
    bool used, has_inst, has_district;
} cached_session_t;

static cached_session_t session_cache[SESSION_CACHE_SLOTS];
static pthread_mutex_t session_cache_mu = PTHREAD_MUTEX_INITIALIZER;

static size_t cache_slot(const uint8_t hash[32])
{
    size_t h;
    memcpy(&h, hash, sizeof h);
    return h % SESSION_CACHE_SLOTS;
}

static bool cache_get(const uint8_t hash[32], int64_t now, api_user_t *u, arena_t *a)
{
    bool hit = false;
    pthread_mutex_lock(&session_cache_mu);
    cached_session_t *c = &session_cache[cache_slot(hash)];
    if (c->used && memcmp(c->hash, hash, 32) == 0 && now - c->cached_at < SESSION_CACHE_MS && now < c->expires) {
        u->id = c->id;
        u->woman_id = c->woman_id;
        u->role = c->role;
        u->username = arena_strdup(a, c->username);
        u->institution_id = c->has_inst ? arena_strdup(a, c->institution_id) : NULL;
        u->district = c->has_district ? arena_strdup(a, c->district) : NULL;
        hit = true;
    }
    pthread_mutex_unlock(&session_cache_mu);
    return hit;
}

static void cache_put(const uint8_t hash[32], int64_t now, int64_t expires, const store_user_t *su)
{
    pthread_mutex_lock(&session_cache_mu);
    cached_session_t *c = &session_cache[cache_slot(hash)];
    memcpy(c->hash, hash, 32);
    c->cached_at = now;
    c->expires = expires;
    c->id = su->id;
    c->woman_id = su->woman_id;
    c->role = su->role;
    snprintf(c->username, sizeof c->username, "%s", su->username);
    c->has_inst = su->institution_id != NULL;
    snprintf(c->institution_id, sizeof c->institution_id, "%s", su->institution_id ? su->institution_id : "");
    c->has_district = su->district != NULL;
    snprintf(c->district, sizeof c->district, "%s", su->district ? su->district : "");
    c->used = true;
    pthread_mutex_unlock(&session_cache_mu);
}

static void cache_drop(const uint8_t hash[32])
{
    pthread_mutex_lock(&session_cache_mu);
    cached_session_t *c = &session_cache[cache_slot(hash)];
    if (memcmp(c->hash, hash, 32) == 0)
        c->used = false;
    pthread_mutex_unlock(&session_cache_mu);
}

struct session_ctx {
    uint8_t hash[32];
    int64_t now, expires;
    store_user_t u;
    int rc;
};

static int session_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct session_ctx *c = vctx;
    c->rc = store_session_lookup(tx, c->hash, c->now, &c->u, &c->expires, e);
    return c->rc < 0 ? -1 : 0;
}

int api_authenticate(http_req_t *req)
{
    const char *token = bearer(req);
    if (!token || strlen(token) != SECRET_TOKEN_LEN)
        return fy_fail(&req->err, 401, "unauthenticated", "请先登录 (sign in first: no or malformed token)");
    struct session_ctx c = {0};
    secret_token_hash(token, c.hash);
    c.now = fy_now_ms();
    api_user_t *u = arena_alloc(req->arena, sizeof *u);
    if (!cache_get(c.hash, c.now, u, req->arena)) {
        if (store_read(api_app(req)->store, req->arena, session_unit, &c, &req->err))
            return -1;
        if (c.rc != 0)
            return fy_fail(&req->err, 401, "unauthenticated",
                           "登录已失效，请重新登录 (the token is unknown, expired or revoked)");
        cache_put(c.hash, c.now, c.expires, &c.u);
        u->id = c.u.id;
        u->username = c.u.username;
        u->role = c.u.role;
        u->institution_id = c.u.institution_id;
        u->district = c.u.district;
        u->woman_id = c.u.woman_id;
    }
    u->scope = scope_for(u->role, u->institution_id, u->district, u->woman_id);
    memcpy(u->token_hash, c.hash, 32);
    req->user = u;
    return 0;
}

int api_role_of(const http_req_t *req)
{
    const api_user_t *u = req->user;
    return u ? (int)u->role : -1;
}

static int logout_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    http_req_t *req = vctx;
    if (store_session_revoke(tx, api_user(req)->token_hash, e))
        return -1;
    return api_audit(tx, req, "logout", "user", arena_printf(req->arena, "%lld", (long long)api_user(req)->id),
                     NULL, e);
}

static int h_logout(http_req_t *req, http_resp_t *resp)
{
    cache_drop(api_user(req)->token_hash);
    if (store_write(api_app(req)->store, req->arena, logout_unit, req, &req->err))
        return -1;
    buf_t b = {0};
    buf_puts(&b, "{\"status\":\"logged_out\"}");
    api_reply(resp, 200, &b);
    http_add_header(resp, "Set-Cookie", TOKEN_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    return 0;
}

static int h_me(http_req_t *req, http_resp_t *resp)
{
    api_user_t *u = api_user(req);
    store_user_t su = {.id = u->id,
                       .username = u->username,
                       .role = u->role,
                       .institution_id = u->institution_id,
                       .district = u->district,
                       .woman_id = u->woman_id};
    buf_t b = {0};
    buf_puts(&b, "{\"user\":");
    user_json(&b, &su);
    const ref_institution_t *inst = refdata_institution(api_app(req)->ref, u->institution_id);
    api_kv_str(&b, "institution_name", inst ? inst->name : NULL, true);
    const ref_district_t *d = refdata_district(api_app(req)->ref, u->district);
    api_kv_str(&b, "district_name", d ? d->name : NULL, true);
    buf_putc(&b, '}');
    api_reply(resp, 200, &b);
    return 0;
}

const http_route_t api_auth_routes[] = {
    {"POST", "/api/v1/auth/login", h_login, 0, HTTP_PUBLIC},
    {"POST", "/api/v1/auth/logout", h_logout, ROLES_ALL, 0},
    {"GET", "/api/v1/me", h_me, ROLES_ALL, 0},
};
const size_t api_auth_nroutes = sizeof api_auth_routes / sizeof api_auth_routes[0];
