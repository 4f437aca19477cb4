/* Idempotency-Key for every POST: a retry of a request whose effect was
 * committed answers the first result again instead of doing it twice. The
 * claim row is written in the same transaction as the effect (store.h), the
 * answer right after; see docs/API.md. */
#include <stdio.h>
#include <string.h>

#include "api/api.h"

struct idem_ctx {
    int64_t user_id;
    const char *key, *method, *path, *body;
    int status;
    int found;
};

static int get_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct idem_ctx *c = vctx;
    const char *method, *path, *body;
    int status;
    c->found = store_idem_get(tx, c->user_id, c->key, &method, &path, &status, &body, e);
    if (c->found < 0)
        return -1;
    if (c->found == 0) {
        c->method = method;
        c->path = path;
        c->status = status;
        c->body = body;
    }
    return 0;
}

static int put_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct idem_ctx *c = vctx;
    return store_idem_put(tx, c->user_id, c->key, c->method, c->path, c->status, c->body, e);
}

static bool key_ok(const char *k)
{
    size_t n = strlen(k);
    if (n < 1 || n > 128)
        return false;
    for (const char *p = k; *p; p++)
        if (*p < 0x21 || *p > 0x7e)
            return false;
    return true;
}

int api_invoke(http_req_t *req, http_resp_t *resp)
{
    const char *key = strcmp(req->method, "POST") == 0 ? http_header(req, "Idempotency-Key") : NULL;
    api_user_t *u = api_user(req);
    if (!key || !u)
        return req->route->handler(req, resp);
    if (!key_ok(key))
        return fy_field(&req->err, "Idempotency-Key", "format",
                        "Idempotency-Key 应为1–128个可见ASCII字符 (1 to 128 visible ASCII characters)"),
               -1;
    app_t *app = api_app(req);
    struct idem_ctx c = {u->id, key, req->method, req->path, NULL, 0, 1};
    if (store_read(app->store, req->arena, get_unit, &c, &req->err))
        return -1;
    if (c.found == 0) {
        if (strcmp(c.method, req->method) != 0 || strcmp(c.path, req->path) != 0)
            return fy_fail(&req->err, 422, "idempotency_key_reused",
                           "该 Idempotency-Key 已用于另一个请求 %s %s (this key was used for another request)", c.method,
                           c.path);
        if (c.status == 0) {
            http_add_header(resp, "Retry-After", "1");
            return fy_fail(&req->err, 409, "idempotency_in_progress",
                           "相同 Idempotency-Key 的请求已生效，结果尚未记录，请稍后重试 (the first request took effect; "
                           "its answer is not recorded yet, retry shortly)");
        }
        http_json(resp, c.status, c.body, strlen(c.body));
        http_add_header(resp, "Idempotent-Replayed", "true");
        return 0;
    }
    store_idem_claim_next_write(u->id, key, req->method, req->path);
    int rc = req->route->handler(req, resp);
    store_idem_clear_claim();
    if (rc || resp->status < 200 || resp->status >= 300)
        return rc;
    /* the effect is committed with its claim; now the answer */
    struct idem_ctx done = {u->id, key, req->method, req->path, resp->body.p ? resp->body.p : "", resp->status, 0};
    fy_err_t ignore = {0};
    store_write(app->store, req->arena, put_unit, &done, &ignore);
    return 0;
}
