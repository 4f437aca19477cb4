/* The JSON API: one file per resource (women.c, auth.c, ...). Each handler
 * parses and validates its request, asks domain/ for the rules, store/ for
 * the data, and writes JSON. This header holds what they share: the
 * application context, the signed-in user, and small helpers for bodies,
 * ids, paging, audit and replies. */
#ifndef FY_API_API_H
#define FY_API_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/err.h"
#include "base/jv.h"
#include "domain/indicators.h"
#include "domain/growth.h"
#include "domain/refdata.h"
#include "domain/risk.h"
#include "domain/schedule.h"
#include "domain/scope.h"
#include "http/http.h"
#include "store/store.h"

typedef struct app {
    store_t *store;
    refdata_t *ref;
    risk_criteria_t *risk;
    schedule_t *anc_schedules[4]; /* every antenatal schedule loaded, by id */
    size_t n_anc_schedules;
    schedule_t *anc_schedule; /* the configured one for new pregnancies */
    ind_set_t *indicators;    /* data/indicators.json */
    growth_tables_t *growth;  /* data/who-growth: the WHO LMS tables, loaded once */
    const char *data_dir;
    const char *web_dir;
} app_t;

/* Loads reference data, rule tables and schedules from data_dir; the
 * antenatal schedule named `anc_schedule_id` applies to new pregnancies. */
int app_load(app_t *app, const char *data_dir, const char *anc_schedule_id, char *err, size_t errlen);
void app_unload(app_t *app);
/* Stores the shipped sample rescue network as version 1 when none is
 * stored (rescue.c); called once at start. */
int rescue_network_ensure(app_t *app, arena_t *a, fy_err_t *e);
/* An antenatal schedule by id, or NULL. */
const schedule_t *app_anc_schedule(const app_t *app, const char *id);

typedef struct api_user {
    int64_t id;
    const char *username;
    role_t role;
    const char *institution_id;
    const char *district;
    int64_t woman_id;
    scope_t scope;
    uint8_t token_hash[32];
} api_user_t;

static inline app_t *api_app(http_req_t *req) { return (app_t *)req->app; }
static inline api_user_t *api_user(http_req_t *req) { return (api_user_t *)req->user; }

/* The route table (routes.c) and the hooks the HTTP layer calls. */
const http_route_t *api_routes(size_t *n);
int api_authenticate(http_req_t *req);
int api_role_of(const http_req_t *req);
int api_static(http_req_t *req, http_resp_t *resp);
/* Calls the route's handler; a POST with an Idempotency-Key answers its
 * first result again (idempotency.c). */
int api_invoke(http_req_t *req, http_resp_t *resp);

/* The request body as a JSON object: 400 when it is not JSON (with line
 * and column), 415 when it is not an object. */
json_t *api_body(http_req_t *req);
/* The n-th {param} as a positive id; 404 when it is not one. */
int api_id_param(http_req_t *req, int n, int64_t *out);
/* page/page_size query parameters (defaults 1 and 20, at most 100). */
int api_paging(http_req_t *req, int *limit, int *offset, int *page);
/* A query parameter that must be a date when present. */
int api_query_date(http_req_t *req, const char *key, fy_date_t *out, bool *present);
/* The path's {id} (parameter 0) and the JSON body of a write to it; NULL
 * with req->err filled when either is wrong. */
json_t *api_id_and_body(http_req_t *req, int64_t *id);
/* A query parameter that must be one of allowed (NULL-terminated): the
 * allowed string, or NULL when absent or (with a 422 field naming the
 * allowed values in req->err) not one of them. */
const char *api_query_enum(http_req_t *req, const char *key, const char *const *allowed);
/* "true"/"false"/absent. */
int api_query_bool(http_req_t *req, const char *key, bool *out, bool *present);

/* Appends a row to the change log inside a write unit, for the signed-in
 * user. */
int api_audit(store_tx_t *tx, http_req_t *req, const char *action, const char *resource, const char *resource_id,
              const char *reason, fy_err_t *e);
/* A read of a person's record: appends its row to the read log in a unit of
 * its own (sharing a commit with others: group commit). On a GET over a
 * live connection the reply is held until that commit, without holding the
 * thread (see common.c). */
int api_audit_read(http_req_t *req, const char *action, const char *resource, const char *resource_id,
                   const char *reason);
/* Replies 200 with out, a list whose rows are the records ids names
 * (comma-separated; empty when none): their read is audited first as a
 * "search" of resource (with reason). Frees both buffers; -1 when the audit
 * fails. */
int api_reply_search(http_req_t *req, http_resp_t *resp, buf_t *out, const char *resource, buf_t *ids,
                     const char *reason);

/* Replies */
void api_reply(http_resp_t *resp, int status, buf_t *json);
void api_reply_tree(http_resp_t *resp, int status, json_t *tree); /* steals tree */
/* json string helpers for hand-built replies */
void api_kv_str(buf_t *b, const char *key, const char *v, bool comma);
void api_kv_int(buf_t *b, const char *key, long long v, bool comma);
/* A record id, as the API writes ids: a JSON string of its digits. */
void api_kv_bool(buf_t *b, const char *key, bool v, bool comma);
/* A number as "%.10g" writes it; null when it is not finite (NaN: not measured). */
void api_kv_num(buf_t *b, const char *key, double v, bool comma);
void api_kv_id(buf_t *b, const char *key, int64_t id, bool comma);
void api_kv_date(buf_t *b, const char *key, fy_date_t d, bool has, bool comma);
void api_kv_instant(buf_t *b, const char *key, int64_t ms, bool comma);

/* The person-record scope check: loads the woman's facts and applies the
 * user's scope. 404 when she does not exist, 403 when out of scope. */
int api_check_woman(http_req_t *req, store_tx_t *tx, int64_t woman_id, fy_err_t *e);
/* The same for a woman whose row the unit has read anyway: the city-wide
 * and self scopes decide on the row alone. */
int api_check_woman_row(http_req_t *req, store_tx_t *tx, const store_woman_t *w, fy_err_t *e);

#endif
