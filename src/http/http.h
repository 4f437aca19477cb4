/* The HTTP layer: libmicrohttpd with an internal thread pool on epoll, a
 * router of (method, pattern) → handler, request bodies bounded, and every
 * error sent as application/problem+json. It knows nothing of fuyou's
 * resources: api/ gives it the route table and an authentication hook. */
#ifndef FY_HTTP_HTTP_H
#define FY_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"

#define HTTP_MAX_BODY (1024 * 1024)
#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_HEADERS 8

struct MHD_Connection;

typedef struct http_req {
    arena_t *arena;
    struct MHD_Connection *conn;
    const char *method;
    const char *path;
    const char *params[HTTP_MAX_PARAMS]; /* the {x} parts of the route, in order */
    int nparams;
    const char *body;
    size_t body_len;
    const char *client_ip;
    const struct http_route *route;
    void *app;  /* the application context given to http_serve */
    void *user; /* set by the auth hook */
    bool quiet; /* the caller wants no reply body (in-process bulk loading) */
    struct http_defer *defer; /* NULL: no connection, nothing can be deferred */
    fy_err_t err;
} http_req_t;

typedef struct http_resp {
    int status;
    buf_t body;
    const char *content_type; /* default application/json; charset=utf-8 */
    int nheaders;
    struct {
        const char *name, *value;
    } headers[HTTP_MAX_HEADERS];
} http_resp_t;

/* Returns 0 with resp filled, or -1 with req->err filled. */
typedef int (*http_handler)(http_req_t *req, http_resp_t *resp);

enum { HTTP_PUBLIC = 1 }; /* route flags */

typedef struct http_route {
    const char *method;
    const char *pattern; /* "/api/v1/women/{id}" */
    http_handler handler;
    unsigned roles; /* bit mask of roles allowed (see domain/scope.h); ignored for HTTP_PUBLIC */
    int flags;
} http_route_t;

/* Called before a non-public route's handler: sets req->user or returns -1
 * with req->err (401). The role check against route->roles follows in
 * http_role_of. */
typedef int (*http_auth_hook)(http_req_t *req);
typedef int (*http_role_of_fn)(const http_req_t *req); /* the user's role as a bit index */
/* Serves requests that no route matched (static files); returns 1 when it
 * did not handle the path. */
typedef int (*http_fallback_fn)(http_req_t *req, http_resp_t *resp);

/* Runs req->route->handler; lets the application wrap every call (the API
 * uses it for Idempotency-Key). NULL: the handler is called directly. */
typedef int (*http_invoke_fn)(http_req_t *req, http_resp_t *resp);

typedef struct {
    const char *bind;
    int port;
    int threads;
    const http_route_t *routes;
    size_t nroutes;
    http_auth_hook auth;
    http_role_of_fn role_of;
    http_fallback_fn fallback;
    http_invoke_fn invoke;
    void *app;
} http_config_t;

typedef struct http_server http_server_t;

/* Starts listening; *port_out gets the bound port (for port 0). */
int http_start(const http_config_t *cfg, http_server_t **out, int *port_out, fy_err_t *e);
void http_stop(http_server_t *s);

/* The route for a method and req->path (params captured into req), or NULL:
 * for in-process requests, which have no connection. */
const http_route_t *http_route_find(const http_route_t *routes, size_t n, const char *method, http_req_t *req);

const char *http_query(http_req_t *req, const char *key);
const char *http_header(http_req_t *req, const char *name);
const char *http_cookie(http_req_t *req, const char *name);
void http_add_header(http_resp_t *resp, const char *name, const char *value);

/* Deferred work. A handler may hand work off (a read's audit row queued for
 * the writer) instead of waiting for it: it calls http_defer_begin(req) for
 * each piece before handing it off, and http_defer_end(req, err) is called,
 * from any thread, when the piece has ended (err NULL on success). The reply
 * the handler makes is sent only after every piece has ended (on a failure,
 * the first failure's problem instead), and the worker thread serves other
 * connections meanwhile. Only when req->defer is set (a live connection). */
void http_defer_begin(http_req_t *req);
void http_defer_end(http_req_t *req, const fy_err_t *err);
/* The reply is made by then(req, resp), on a worker thread, once every
 * piece has ended without failure (the handler's own reply is dropped): for
 * a write whose reply reads what it committed. then may not defer again. */
void http_defer_then(http_req_t *req, http_handler then);

/* Replies */
void http_json(http_resp_t *resp, int status, const char *json, size_t len);
/* The problem+json body of an error. */
void http_problem(http_resp_t *resp, const fy_err_t *e, const char *instance);

#endif
