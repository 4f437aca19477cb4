/* libmicrohttpd glue: bounded body collection, routing, the auth hook, and
 * turning every outcome into a JSON or problem+json response. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "http/http.h"

struct http_server {
    struct MHD_Daemon *d;
    http_config_t cfg;
    atomic_int deferred; /* requests waiting on deferred work (http_defer_begin) */
};

/* A reply held back until the work its handler handed off has ended: the
 * connection is suspended meanwhile, so the worker thread serves others. */
struct http_defer {
    pthread_mutex_t mu;
    struct MHD_Connection *conn;
    struct http_server *srv;
    int pending;    /* pieces of work not yet ended */
    bool suspended; /* the connection waits for the last one */
    fy_err_t err;   /* the first failure among them */
    /* the reply to send once they have all ended, or the function that
     * makes it then (http_defer_then) */
    bool replied, failed, head;
    http_resp_t resp;
    http_handler then;
};

struct conn_state {
    arena_t *arena;
    buf_t body;
    bool too_large;
    bool answered;
    http_req_t req;
    struct http_defer defer;
};

const char *http_query(http_req_t *req, const char *key)
{
    if (!req->conn)
        return NULL; /* an in-process request (the demo generator) has no query */
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *http_header(http_req_t *req, const char *name)
{
    if (!req->conn)
        return NULL;
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(http_req_t *req, const char *name)
{
    if (!req->conn)
        return NULL;
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

/* Matches "/a/{x}/b" against a path; captures go to req->params. */
static bool match(const char *pattern, const char *path, http_req_t *req)
{
    int np = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            const char *end = strchr(s, '/');
            size_t n = end ? (size_t)(end - s) : strlen(s);
            if (n == 0 || np >= HTTP_MAX_PARAMS)
                return false;
            if (req)
                req->params[np] = arena_strndup(req->arena, s, n);
            np++;
            p = close + 1;
            s += n;
        } else if (*p == *s) {
            p++;
            s++;
        } else {
            return false;
        }
    }
    if (*p || *s)
        return false;
    if (req)
        req->nparams = np;
    return true;
}

const http_route_t *http_route_find(const http_route_t *routes, size_t n, const char *method, http_req_t *req)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(routes[i].method, method) == 0 && match(routes[i].pattern, req->path, req)) {
            req->route = &routes[i];
            return &routes[i];
        }
    return NULL;
}

static enum MHD_Result send_resp(struct MHD_Connection *c, http_resp_t *resp, bool head)
{
    size_t len = resp->body.len;
    char *data = buf_take(&resp->body);
    struct MHD_Response *r;
    if (head) {
        free(data);
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    } else {
        r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    }
    MHD_add_response_header(r, "Content-Type",
                            resp->content_type ? resp->content_type : "application/json; charset=utf-8");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    bool has_cache = false;
    for (int i = 0; i < resp->nheaders; i++) {
        MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
        if (strcasecmp(resp->headers[i].name, "Cache-Control") == 0)
            has_cache = true;
    }
    if (!has_cache)
        MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, const fy_err_t *e, const char *path)
{
    http_resp_t resp = {0};
    http_problem(&resp, e, path);
    if (e->allow[0])
        http_add_header(&resp, "Allow", e->allow);
    if (resp.status == 401) /* RFC 9110 §15.5.2: a 401 names its scheme */
        http_add_header(&resp, "WWW-Authenticate", "Bearer realm=\"fuyou\"");
    char ra[16];
    if (e->retry_after > 0) {
        snprintf(ra, sizeof ra, "%d", e->retry_after);
        http_add_header(&resp, "Retry-After", ra);
    }
    return send_resp(c, &resp, false);
}

static void client_ip(struct MHD_Connection *c, http_req_t *req)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char ip[INET6_ADDRSTRLEN] = "?";
    if (ci && ci->client_addr) {
        if (ci->client_addr->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, ip, sizeof ip);
        else if (ci->client_addr->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, ip, sizeof ip);
    }
    req->client_ip = arena_strdup(req->arena, ip);
}

void http_defer_begin(http_req_t *req)
{
    struct http_defer *d = req->defer;
    pthread_mutex_lock(&d->mu);
    if (d->pending++ == 0)
        atomic_fetch_add(&d->srv->deferred, 1);
    pthread_mutex_unlock(&d->mu);
}

void http_defer_then(http_req_t *req, http_handler then) { req->defer->then = then; }

void http_defer_end(http_req_t *req, const fy_err_t *err)
{
    struct http_defer *d = req->defer;
    /* all under the lock: once it is released after the resume, the worker
     * may send the reply and free the connection's state, d included */
    pthread_mutex_lock(&d->mu);
    if (err && !d->err.status)
        d->err = *err;
    if (--d->pending == 0) {
        atomic_fetch_sub(&d->srv->deferred, 1);
        if (d->suspended)
            MHD_resume_connection(d->conn); /* the access handler runs again and sends the reply */
    }
    pthread_mutex_unlock(&d->mu);
}

/* Sends the reply now, or keeps it until the handler's deferred work has
 * ended (the connection is suspended until http_defer_end resumes it). */
static enum MHD_Result reply(struct MHD_Connection *c, struct conn_state *cs, http_resp_t *resp, bool failed,
                             bool head)
{
    struct http_defer *d = &cs->defer;
    if (d->conn) {
        pthread_mutex_lock(&d->mu);
        if (d->pending > 0) {
            d->resp = *resp;
            d->failed = failed;
            d->head = head;
            d->replied = true;
            d->suspended = true;
            MHD_suspend_connection(c);
            pthread_mutex_unlock(&d->mu);
            return MHD_YES;
        }
        pthread_mutex_unlock(&d->mu);
        if (d->err.status) {
            buf_free(&resp->body);
            return send_error(c, &d->err, cs->req.path);
        }
        if (d->then && !failed) {
            /* the work succeeded: its reply is made now, on this thread */
            http_handler then = d->then;
            d->then = NULL;
            buf_free(&resp->body);
            *resp = (http_resp_t){0};
            failed = then(&cs->req, resp) != 0;
            if (failed && !cs->req.err.status)
                fy_fail(&cs->req.err, 500, "internal", "服务器内部错误 (internal error)");
        }
    }
    if (failed) {
        buf_free(&resp->body);
        return send_error(c, &cs->req.err, cs->req.path);
    }
    return send_resp(c, resp, head);
}

/* The access handler's call after a resume: the held reply, or the failure
 * of the work it waited on. */
static enum MHD_Result reply_deferred(struct MHD_Connection *c, struct conn_state *cs)
{
    struct http_defer *d = &cs->defer;
    pthread_mutex_lock(&d->mu);
    bool ready = d->replied && d->pending == 0;
    d->suspended = false;
    pthread_mutex_unlock(&d->mu);
    if (!ready)
        return MHD_YES;
    d->replied = false;
    return reply(c, cs, &d->resp, d->failed, d->head);
}

static enum MHD_Result dispatch(struct http_server *srv, struct MHD_Connection *c, const char *url,
                                const char *method, struct conn_state *cs)
{
    /* the request lives with the connection: deferred work may use it
     * after this function has returned */
    http_req_t *req = &cs->req;
    cs->defer.conn = c;
    cs->defer.srv = srv;
    pthread_mutex_init(&cs->defer.mu, NULL);
    req->arena = cs->arena;
    req->conn = c;
    req->defer = &cs->defer;
    req->method = method;
    req->path = url;
    req->body = cs->body.p ? cs->body.p : "";
    req->body_len = cs->body.len;
    req->app = srv->cfg.app;
    client_ip(c, req);
    bool head = strcmp(method, "HEAD") == 0;
    const char *lookup_method = head ? "GET" : method;

    if (cs->too_large) {
        fy_fail(&req->err, 413, "too_large", "请求体超过 1 MiB (the request body is larger than 1 MiB)");
        return send_error(c, &req->err, url);
    }

    const http_route_t *route = NULL;
    char allow[64] = "";
    for (size_t i = 0; i < srv->cfg.nroutes; i++) {
        const http_route_t *r = &srv->cfg.routes[i];
        if (!match(r->pattern, url, NULL))
            continue;
        if (strcmp(r->method, lookup_method) == 0) {
            route = r;
            match(r->pattern, url, req);
            break;
        }
        if (!strstr(allow, r->method) && strlen(allow) + strlen(r->method) + 3 < sizeof allow) {
            if (allow[0])
                strcat(allow, ", ");
            strcat(allow, r->method);
        }
    }
    http_resp_t resp = {0};
    if (!route) {
        if (allow[0]) {
            fy_fail(&req->err, 405, "method_not_allowed", "%s 不支持此方法，可用: %s (%s is not allowed here; allowed: %s)",
                    method, allow, method, allow);
            snprintf(req->err.allow, sizeof req->err.allow, "%s", allow);
            return send_error(c, &req->err, url);
        }
        if (srv->cfg.fallback && strncmp(url, "/api/", 5) != 0 && (head || strcmp(method, "GET") == 0)) {
            if (srv->cfg.fallback(req, &resp) == 0)
                return send_resp(c, &resp, head);
            buf_free(&resp.body);
        }
        fy_fail(&req->err, 404, "not_found", "没有这个地址 (no such path: %s)", url);
        return send_error(c, &req->err, url);
    }
    req->route = route;
    if (!(route->flags & HTTP_PUBLIC)) {
        if (srv->cfg.auth(req))
            return send_error(c, &req->err, url);
        int role = srv->cfg.role_of(req);
        if (role < 0 || !(route->roles & (1u << role))) {
            fy_fail(&req->err, 403, "forbidden", "当前角色无权执行此操作 (your role may not do this)");
            return send_error(c, &req->err, url);
        }
    }
    if (srv->cfg.invoke ? srv->cfg.invoke(req, &resp) : route->handler(req, &resp)) {
        if (!req->err.status)
            fy_fail(&req->err, 500, "internal", "服务器内部错误 (internal error)");
        return reply(c, cs, &resp, true, head);
    }
    return reply(c, cs, &resp, false, head);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    struct http_server *srv = cls;
    struct conn_state *cs = *con_cls;
    if (!cs) {
        cs = calloc(1, sizeof *cs);
        cs->arena = arena_new();
        *con_cls = cs;
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > HTTP_MAX_BODY) {
            /* refuse before reading: the body is never taken in */
            cs->too_large = true;
            cs->answered = true;
            fy_err_t e = {0};
            fy_fail(&e, 413, "too_large", "请求体超过 1 MiB (the request body is larger than 1 MiB)");
            return send_error(c, &e, url);
        }
        return MHD_YES;
    }
    if (*upload_size) {
        if (!cs->too_large) {
            if (cs->body.len + *upload_size > HTTP_MAX_BODY) {
                cs->too_large = true;
                buf_free(&cs->body);
            } else {
                buf_append(&cs->body, upload, *upload_size);
            }
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (cs->answered)
        return reply_deferred(c, cs);
    cs->answered = true;
    return dispatch(srv, c, url, method, cs);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    struct conn_state *cs = *con_cls;
    if (!cs)
        return;
    buf_free(&cs->body);
    buf_free(&cs->defer.resp.body);
    if (cs->defer.conn)
        pthread_mutex_destroy(&cs->defer.mu);
    arena_free(cs->arena);
    free(cs);
    *con_cls = NULL;
}

int http_start(const http_config_t *cfg, http_server_t **out, int *port_out, fy_err_t *e)
{
    struct http_server *srv = calloc(1, sizeof *srv);
    srv->cfg = *cfg;
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)cfg->port);
    if (inet_pton(AF_INET, cfg->bind, &sa.sin_addr) != 1) {
        free(srv);
        return fy_fail(e, 400, "bind", "无效的监听地址 (invalid bind address %s)", cfg->bind);
    }
    srv->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO |
                                  MHD_ALLOW_SUSPEND_RESUME,
                              0, NULL, NULL,
                              on_request, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                              MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cfg->threads > 0 ? cfg->threads : 3),
                              MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_CONNECTION_LIMIT,
                              (unsigned)4096, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(16 * 1024),
                              MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_NOTIFY_COMPLETED,
                              on_completed, srv, MHD_OPTION_END);
    if (!srv->d) {
        free(srv);
        return fy_fail(e, 503, "listen", "无法在 %s:%d 上监听 (cannot listen on %s:%d)", cfg->bind, cfg->port,
                       cfg->bind, cfg->port);
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
    *port_out = di ? di->port : cfg->port;
    *out = srv;
    return 0;
}

void http_stop(http_server_t *s)
{
    if (!s)
        return;
    /* no new connections; replies held for deferred work are sent first
     * (that work references their requests), for at most 30 s */
    MHD_quiesce_daemon(s->d);
    for (int i = 0; i < 30000 && atomic_load(&s->deferred) > 0; i++)
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    MHD_stop_daemon(s->d);
    free(s);
}
