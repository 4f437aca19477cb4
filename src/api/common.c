/* Helpers shared by the resource files. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

json_t *api_body(http_req_t *req)
{
    json_error_t je;
    if (req->body_len == 0) {
        fy_fail(&req->err, 400, "empty_body", "请求体为空，应为 JSON 对象 (the body is empty; a JSON object is expected)");
        return NULL;
    }
    json_t *j = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        fy_fail(&req->err, 400, "malformed_json",
                "请求体不是有效的 JSON：第 %d 行第 %d 列，%s (malformed JSON at line %d column %d: %s)", je.line,
                je.column, je.text, je.line, je.column, je.text);
        return NULL;
    }
    arena_defer(req->arena, (void (*)(void *))json_decref, j);
    if (!json_is_object(j)) {
        fy_fail(&req->err, 400, "not_object", "请求体应为 JSON 对象 (the body must be a JSON object)");
        return NULL;
    }
    return j;
}

static bool parse_id(const char *s, int64_t *out)
{
    if (!s || !*s || strlen(s) > 18)
        return false;
    int64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (*p - '0');
    }
    if (v <= 0)
        return false;
    *out = v;
    return true;
}

int api_id_param(http_req_t *req, int n, int64_t *out)
{
    if (n >= req->nparams || !parse_id(req->params[n], out))
        return fy_fail(&req->err, 404, "not_found", "没有这条记录 (no such record: %s)",
                       n < req->nparams ? req->params[n] : "?");
    /* /women/007 and /women/7 are one record: handlers that name the param
     * in an audit row must name it one way */
    req->params[n] = arena_printf(req->arena, "%lld", (long long)*out);
    return 0;
}

static int query_int(http_req_t *req, const char *key, long def, long min, long max, long *out)
{
    const char *s = http_query(req, key);
    if (!s) {
        *out = def;
        return 0;
    }
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < min || v > max) {
        fy_field(&req->err, key, "range", "%s 应为 %ld–%ld 之间的整数 (%s must be an integer from %ld to %ld)", key,
                 min, max, key, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

int api_paging(http_req_t *req, int *limit, int *offset, int *page)
{
    long p, size;
    int rc = query_int(req, "page", 1, 1, 1000000, &p);
    rc |= query_int(req, "page_size", 20, 1, 100, &size);
    if (rc)
        return -1;
    *limit = (int)size;
    *offset = (int)((p - 1) * size);
    *page = (int)p;
    return 0;
}

int api_query_date(http_req_t *req, const char *key, fy_date_t *out, bool *present)
{
    const char *s = http_query(req, key);
    *present = s != NULL;
    if (!s)
        return 0;
    if (!fy_date_parse(s, out)) {
        fy_field(&req->err, key, "date", "%s 应为有效日期 YYYY-MM-DD (%s must be a date as YYYY-MM-DD)", key, key);
        return -1;
    }
    return 0;
}

json_t *api_id_and_body(http_req_t *req, int64_t *id)
{
    if (api_id_param(req, 0, id))
        return NULL;
    return api_body(req);
}

const char *api_query_enum(http_req_t *req, const char *key, const char *const *allowed)
{
    const char *v = http_query(req, key);
    if (!v)
        return NULL;
    buf_t list = {0};
    for (int i = 0; allowed[i]; i++) {
        if (strcmp(allowed[i], v) == 0) {
            buf_free(&list);
            return allowed[i];
        }
        buf_printf(&list, "%s%s", i ? ", " : "", allowed[i]);
    }
    fy_field(&req->err, key, "enum", "%s 的取值无效，应为 %s (%s must be one of %s)", key, list.p, key, list.p);
    buf_free(&list);
    return NULL;
}

int api_query_bool(http_req_t *req, const char *key, bool *out, bool *present)
{
    const char *s = http_query(req, key);
    *present = s != NULL;
    if (!s)
        return 0;
    if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
        *out = true;
    else if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
        *out = false;
    else {
        fy_field(&req->err, key, "bool", "%s 应为 true 或 false (%s must be true or false)", key, key);
        return -1;
    }
    return 0;
}

static int append_audit(store_tx_t *tx, http_req_t *req, int log, const char *action, const char *resource,
                        const char *resource_id, const char *reason, fy_err_t *e)
{
    api_user_t *u = api_user(req);
    store_audit_t a = {0};
    a.log = log;
    a.at = fy_now_ms();
    a.user_id = u ? u->id : 0;
    a.username = u ? u->username : NULL;
    a.role = u ? role_name(u->role) : NULL;
    a.action = action;
    a.resource = resource;
    a.resource_id = resource_id;
    a.client_ip = req->client_ip;
    a.reason = reason;
    return store_audit_append(tx, &a, e);
}

int api_audit(store_tx_t *tx, http_req_t *req, const char *action, const char *resource, const char *resource_id,
              const char *reason, fy_err_t *e)
{
    return append_audit(tx, req, STORE_AUDIT_CHANGES, action, resource, resource_id, reason, e);
}

struct audit_read_ctx {
    http_req_t *req;
    const char *action, *resource, *resource_id, *reason;
    fy_err_t err; /* a deferred unit's failure */
};

static int audit_read_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct audit_read_ctx *c = vctx;
    return append_audit(tx, c->req, STORE_AUDIT_READS, c->action, c->resource, c->resource_id, c->reason, e);
}

static void audit_read_done(void *arg, int rc)
{
    struct audit_read_ctx *c = arg;
    http_defer_end(c->req, rc ? &c->err : NULL);
}

/* A read over a live connection does not wait for its audit row: the row is
 * queued for the writer and the reply is held (http_defer_begin) until the
 * row's transaction has committed, so no read is answered unaudited, while
 * the worker thread goes on serving other connections. A write's audit rows
 * belong to its own unit; in-process requests (the demo) have no connection
 * and wait. */
int api_audit_read(http_req_t *req, const char *action, const char *resource, const char *resource_id,
                   const char *reason)
{
    const app_t *app = api_app(req);
    bool read = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
    if (!req->defer || !read) {
        struct audit_read_ctx c = {req, action, resource, resource_id, reason, {0}};
        return store_write(app->store, req->arena, audit_read_unit, &c, &req->err);
    }
    /* everything the unit reads must outlive this call: the strings are the
     * request's (arena, route parameters, query) or static */
    struct audit_read_ctx *c = arena_alloc_raw(req->arena, sizeof *c); /* 11 kB, mostly c->err */
    c->req = req;
    c->action = action;
    c->resource = resource;
    c->resource_id = resource_id;
    c->reason = reason;
    fy_err_clear(&c->err);
    http_defer_begin(req);
    if (store_write_async(app->store, audit_read_unit, c, &c->err, audit_read_done, c)) {
        req->err = c->err;
        http_defer_end(req, NULL);
        return -1;
    }
    return 0;
}

int api_reply_search(http_req_t *req, http_resp_t *resp, buf_t *out, const char *resource, buf_t *ids,
                     const char *reason)
{
    /* a search that shows people is a read of their records */
    int rc = ids->len ? api_audit_read(req, "search", resource, arena_strdup(req->arena, ids->p), reason) : 0;
    buf_free(ids);
    if (rc) {
        buf_free(out);
        return -1;
    }
    api_reply(resp, 200, out);
    return 0;
}

/* < > & become \u003c \u003e \u0026 wherever they are in a JSON reply, as
 * buf_json_str writes them, so a reply sniffed as HTML stays inert. The
 * reply's strings are not all built by buf_json_str: stored JSON texts
 * (parents on a certificate, complications, screening details, review
 * factors) come from json_dumps, which leaves them raw. Outside strings
 * JSON has no use for these bytes, so the rewrite is exact. */
static void escape_html_bytes(buf_t *b)
{
    /* most replies have none: strcspn scans for them vectorised (a buf is
     * NUL-terminated; a reply with a NUL inside takes the loop below) */
    if (!b->p || strcspn(b->p, "<>&") >= b->len)
        return;
    size_t extra = 0;
    for (size_t i = 0; i < b->len; i++)
        if (b->p[i] == '<' || b->p[i] == '>' || b->p[i] == '&')
            extra += 5;
    if (!extra)
        return;
    buf_t out = {0};
    buf_reserve(&out, b->len + extra);
    size_t run = 0;
    for (size_t i = 0; i < b->len; i++) {
        char c = b->p[i];
        if (c != '<' && c != '>' && c != '&')
            continue;
        buf_append(&out, b->p + run, i - run);
        buf_puts(&out, c == '<' ? "\\u003c" : c == '>' ? "\\u003e" : "\\u0026");
        run = i + 1;
    }
    buf_append(&out, b->p + run, b->len - run);
    buf_free(b);
    *b = out;
}

void api_reply(http_resp_t *resp, int status, buf_t *json)
{
    buf_free(&resp->body);
    escape_html_bytes(json);
    resp->body = *json;
    *json = (buf_t){0};
    resp->status = status;
    resp->content_type = "application/json; charset=utf-8";
}

void api_reply_tree(http_resp_t *resp, int status, json_t *tree)
{
    char *s = json_dumps(tree, JSON_COMPACT);
    json_decref(tree);
    buf_free(&resp->body);
    buf_puts(&resp->body, s ? s : "null");
    free(s);
    escape_html_bytes(&resp->body);
    resp->status = status;
    resp->content_type = "application/json; charset=utf-8";
}

/* ,"k": in one append (a record writes some 400 of them) */
static void key(buf_t *b, const char *k, bool comma)
{
    size_t n = strlen(k);
    buf_reserve(b, n + 4);
    char *p = b->p + b->len;
    if (comma)
        *p++ = ',';
    *p++ = '"';
    memcpy(p, k, n);
    p += n;
    *p++ = '"';
    *p++ = ':';
    *p = 0;
    b->len = (size_t)(p - b->p);
}

void api_kv_str(buf_t *b, const char *k, const char *v, bool comma)
{
    key(b, k, comma);
    buf_json_str(b, v);
}

void api_kv_int(buf_t *b, const char *k, long long v, bool comma)
{
    key(b, k, comma);
    buf_put_int(b, v);
}

void api_kv_bool(buf_t *b, const char *k, bool v, bool comma)
{
    key(b, k, comma);
    buf_puts(b, v ? "true" : "false");
}

void api_kv_num(buf_t *b, const char *k, double v, bool comma)
{
    key(b, k, comma);
    if (isfinite(v))
        buf_put_num(b, v);
    else
        buf_puts(b, "null");
}

void api_kv_id(buf_t *b, const char *k, int64_t id, bool comma)
{
    key(b, k, comma);
    buf_putc(b, '"');
    buf_put_int(b, id);
    buf_putc(b, '"');
}

void api_kv_date(buf_t *b, const char *k, fy_date_t d, bool has, bool comma)
{
    key(b, k, comma);
    if (!has) {
        buf_puts(b, "null");
        return;
    }
    char s[11];
    fy_date_format(d, s);
    buf_json_str(b, s);
}

void api_kv_instant(buf_t *b, const char *k, int64_t ms, bool comma)
{
    key(b, k, comma);
    if (!ms) {
        buf_puts(b, "null");
        return;
    }
    char s[21];
    fy_instant_format(ms, s);
    buf_json_str(b, s);
}

static int out_of_scope(fy_err_t *e)
{
    return fy_fail(e, 403, "out_of_scope", "该档案不在您的管辖范围内 (this record is outside your scope)");
}

int api_check_woman(http_req_t *req, store_tx_t *tx, int64_t woman_id, fy_err_t *e)
{
    const scope_t *sc = &api_user(req)->scope;
    scope_facts_t f;
    /* the city-wide and self scopes need no serving institutions: only
     * whether she exists (one primary-key read) */
    bool links = sc->kind == SCOPE_DISTRICT || sc->kind == SCOPE_INSTITUTION;
    int rc = store_woman_scope_facts(tx, woman_id, links, &f, e);
    if (rc < 0)
        return -1;
    if (rc == 1)
        return fy_fail(e, 404, "not_found", "没有这位妇女的档案 (no such woman: %lld)", (long long)woman_id);
    return scope_allows(sc, &f) ? 0 : out_of_scope(e);
}

int api_check_woman_row(http_req_t *req, store_tx_t *tx, const store_woman_t *w, fy_err_t *e)
{
    const scope_t *sc = &api_user(req)->scope;
    if (sc->kind == SCOPE_DISTRICT || sc->kind == SCOPE_INSTITUTION)
        return api_check_woman(req, tx, w->id, e);
    scope_facts_t f = {.woman_id = w->id, .residence_district = w->residence_district};
    return scope_allows(sc, &f) ? 0 : out_of_scope(e);
}
