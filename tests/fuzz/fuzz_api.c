/* libFuzzer target: the JSON decoding of every resource's request, through
 * the real handlers, in process (as the demo generator runs them: no
 * connection, a synthetic signed-in user, a real store).
 *
 * Start (LLVMFuzzerInitialize): a temporary directory with a fresh SQLite
 * store, the reference data and rule tables of data/ (app_load), the seven
 * roles as users, and a small world made through the handlers themselves:
 * three women, three pregnancies (visits, labs, big cards, an appointment),
 * two deliveries with three children, checks, screenings, a certificate
 * block, two birth certificates (one issued), a referral, a critical event
 * and its review, the rescue network. So ids 1..3 of most resources exist.
 * That store is closed and kept as base.db; the inputs run on a copy that is
 * replaced by a fresh copy of base.db every FUZZ_API_RESET inputs (default
 * 2000) or when it passes 32 MiB.
 *
 * Input: [route selector][user selector][body bytes].
 *   route selector: the routes (every POST, PUT and PATCH of api_routes(),
 *     and every GET) sit on a ring of 256 slots
 *     at a hash of "METHOD pattern"; the byte picks the first route at or
 *     after its slot. Adding a route moves only a few bytes, so the corpus
 *     keeps its meaning. POST /api/v1/auth/login is left out (one argon2id
 *     verification, ~0.1 s, per call); FUZZ_API_LOGIN=1 puts it in.
 *   user selector: bits 0-2 pick among the users whose role the route
 *     allows (public routes run without a user, as the server runs them);
 *     bits 3-4 and 5-6 give the first and second path parameter: ids 1..3
 *     (a {step} parameter: one of the certificate's downstream steps);
 *     bit 7: a PATCH sends a stale If-Match instead of the record's current
 *     ETag (read with the GET of the same path first); a POST sends an
 *     Idempotency-Key ("fuzz-" and the first id).
 *   body: the request body as sent (NUL-terminated after its length, like
 *     the server's buffer). For a GET, the same bytes are the query string
 *     ("k=v&k=v", values taken as already decoded), so the handlers' query
 *     parsing is fuzzed too.
 * Headers and query reach the handlers through a stand-in for
 * libmicrohttpd's MHD_lookup_connection_value (defined here, so it takes
 * the place of the library's in this executable only) on a fake
 * connection.
 * Requires, beyond "no crash, no sanitizer report, no leak": the handler
 * answers 2xx, or fails with a 4xx problem (req->err.status 400..499); a
 * 5xx or a failure without a status aborts. Every JSON reply and every
 * problem body must parse as JSON (strict UTF-8).
 *
 * FUZZ_API_SEEDS=dir: also writes one input per set-up request, per GET
 * with a typical query and per GET route into dir (scripts/fuzz.sh does, so
 * the seeds always match the current route table). FUZZ_API_VERBOSE=1:
 * prints every request; FUZZ_API_STATS=1: 2xx/422/4xx counts per route at
 * exit; FUZZ_API_ROUTES=1: the selector byte of each route. */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <microhttpd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "base/idnum.h"
#include "domain/certificate.h"

#ifndef FUYOU_SOURCE_DIR
#define FUYOU_SOURCE_DIR "."
#endif

/* ---- the world -------------------------------------------------------------- */

static app_t app;
static const http_route_t *routes;
static size_t nroutes;
static int ring[256]; /* route index at each slot, -1 when empty */
static int64_t now_ms;
static char tmp[PATH_MAX], base_db[PATH_MAX + 16], work_db[PATH_MAX + 16];
static long inputs, reset_every = 2000;
static bool verbose;
static const char *seed_dir;
static long (*stats)[3]; /* per route: 2xx, other 4xx, 422 (FUZZ_API_STATS=1) */

/* One user per role, index = role_t. Institutions in Xuhui (310104). */
static api_user_t users[ROLE_COUNT];
static const struct {
    const char *username, *institution, *district;
} user_defs[ROLE_COUNT] = {
    [ROLE_CITIZEN] = {"fz-citizen", NULL, NULL},
    [ROLE_COMMUNITY_DOCTOR] = {"fz-doctor", "310104-chc-1", "310104"},
    [ROLE_OBSTETRICIAN] = {"fz-obstetrician", "sh6", "310104"},
    [ROLE_RESCUE_CENTER] = {"fz-rescue", "zhongshan", "310104"},
    [ROLE_DISTRICT_ADMIN] = {"fz-district", NULL, "310104"},
    [ROLE_CITY_ADMIN] = {"fz-city", NULL, NULL},
    [ROLE_SYS_ADMIN] = {"fz-sys", NULL, NULL},
};

static void die(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "fuzz_api: ");
    fprintf(stderr, fmt, a, b);
    fprintf(stderr, "\n");
    exit(1);
}

/* ---- headers and query: a fake connection ------------------------------------ */

static char fake_conn_tag;
#define FAKE_CONN ((struct MHD_Connection *)&fake_conn_tag)
#define MAX_QUERY 32
static struct {
    const char *if_match, *idempotency_key;
    int nquery;
    const char *qkey[MAX_QUERY], *qval[MAX_QUERY];
} conn_values;

/* libmicrohttpd's lookup, for the fake connection only (no other connection
 * exists in this process). */
const char *MHD_lookup_connection_value(struct MHD_Connection *connection, enum MHD_ValueKind kind, const char *key)
{
    if (connection != FAKE_CONN || !key)
        return NULL;
    if (kind == MHD_HEADER_KIND) {
        if (strcasecmp(key, "If-Match") == 0)
            return conn_values.if_match;
        if (strcasecmp(key, "Idempotency-Key") == 0)
            return conn_values.idempotency_key;
        return NULL;
    }
    if (kind == MHD_GET_ARGUMENT_KIND)
        for (int i = 0; i < conn_values.nquery; i++)
            if (strcmp(conn_values.qkey[i], key) == 0)
                return conn_values.qval[i];
    return NULL;
}

/* "k=v&k2&k3=" into the fake connection's arguments (arena copies). */
static void set_query(arena_t *a, const char *q, size_t len)
{
    conn_values.nquery = 0;
    size_t i = 0;
    while (i < len && conn_values.nquery < MAX_QUERY) {
        size_t j = i;
        while (j < len && q[j] != '&')
            j++;
        char *part = arena_alloc(a, j - i + 1);
        memcpy(part, q + i, j - i);
        part[j - i] = 0;
        if (part[0]) {
            char *eq = strchr(part, '=');
            if (eq)
                *eq = 0;
            conn_values.qkey[conn_values.nquery] = part;
            conn_values.qval[conn_values.nquery] = eq ? eq + 1 : "";
            conn_values.nquery++;
        }
        i = j + 1;
    }
}

/* ---- the route ring ----------------------------------------------------------- */

static uint32_t fnv1a(const char *a, const char *b)
{
    uint32_t h = 2166136261u;
    for (const char *s = a; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    h = (h ^ ' ') * 16777619u;
    for (const char *s = b; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h ^ (h >> 16);
}

static bool fuzzable(const http_route_t *r)
{
    if (strcmp(r->pattern, "/api/v1/auth/login") == 0 && !getenv("FUZZ_API_LOGIN"))
        return false;
    return strcmp(r->method, "POST") == 0 || strcmp(r->method, "PUT") == 0 || strcmp(r->method, "PATCH") == 0 ||
           strcmp(r->method, "GET") == 0;
}

static void build_ring(void)
{
    for (int i = 0; i < 256; i++)
        ring[i] = -1;
    /* place in hash order (ties by pattern, then method) so that the result does not
     * depend on where a route sits in api_routes() */
    size_t placed = 0;
    for (size_t i = 0; i < nroutes; i++)
        if (fuzzable(&routes[i]))
            placed++;
    if (placed > 256)
        die("%s%s", "more than 256 routes: widen the route selector", "");
    bool *done = calloc(nroutes, sizeof *done);
    for (size_t k = 0; k < placed; k++) {
        size_t best = SIZE_MAX;
        uint32_t bh = 0;
        for (size_t i = 0; i < nroutes; i++) {
            if (done[i] || !fuzzable(&routes[i]))
                continue;
            uint32_t h = fnv1a(routes[i].method, routes[i].pattern) & 0xff;
            if (best == SIZE_MAX || h < bh ||
                (h == bh && strcmp(routes[i].pattern, routes[best].pattern) < 0) ||
                (h == bh && strcmp(routes[i].pattern, routes[best].pattern) == 0 &&
                 strcmp(routes[i].method, routes[best].method) < 0))
                best = i, bh = h;
        }
        done[best] = true;
        uint32_t slot = bh;
        while (ring[slot] >= 0)
            slot = (slot + 1) & 0xff;
        ring[slot] = (int)best;
    }
    free(done);
}

static const http_route_t *pick_route(uint8_t b)
{
    for (int k = 0; k < 256; k++) {
        int i = ring[(b + k) & 0xff];
        if (i >= 0)
            return &routes[i];
    }
    return NULL;
}

static int slot_of(const http_route_t *r)
{
    for (int b = 0; b < 256; b++)
        if (ring[b] >= 0 && &routes[ring[b]] == r)
            return b;
    return -1;
}

/* The user for a route and a selector byte; NULL for a public route. */
static api_user_t *pick_user(const http_route_t *r, uint8_t b)
{
    if (r->flags & HTTP_PUBLIC)
        return NULL;
    api_user_t *allowed[ROLE_COUNT];
    int n = 0;
    for (int role = 0; role < ROLE_COUNT; role++)
        if (r->roles & ROLE_BIT(role))
            allowed[n++] = &users[role];
    if (!n)
        return NULL;
    return allowed[(b & 7) % n];
}

static int param_id(uint8_t b, int k) { return 1 + ((b >> (3 + 2 * k)) & 3) % 3; }

/* The path of a route with its {params} filled from the selector byte. */
static char *fill_path(arena_t *a, const http_route_t *r, uint8_t b)
{
    buf_t p = {0};
    int k = 0;
    for (const char *s = r->pattern; *s;) {
        if (*s != '{') {
            buf_putc(&p, *s++);
            continue;
        }
        const char *end = strchr(s, '}');
        if (!end)
            break;
        int v = param_id(b, k < 2 ? k : 1);
        if (end - s - 1 == 4 && strncmp(s + 1, "step", 4) == 0)
            buf_puts(&p, cert_steps[(v - 1) % CERT_STEPS]);
        else
            buf_printf(&p, "%d", v);
        k++;
        s = end + 1;
    }
    char *out = arena_strdup(a, p.p ? p.p : "");
    buf_free(&p);
    return out;
}

/* ---- one request ---------------------------------------------------------------- */

static void print_body(const char *label, const uint8_t *p, size_t n)
{
    fprintf(stderr, "%s (%zu bytes): ", label, n);
    for (size_t i = 0; i < n && i < 2000; i++)
        fputc(p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '.', stderr);
    fputc('\n', stderr);
}

static void json_must_parse(const char *what, const http_req_t *req, const char *text, size_t len)
{
    json_error_t je;
    json_t *j = json_loadb(text ? text : "", len, JSON_DECODE_ANY, &je);
    if (!j) {
        fprintf(stderr, "fuzz_api: %s %s: the %s is not JSON: %s (line %d column %d)\n", req->method, req->path,
                what, je.text, je.line, je.column);
        print_body("reply", (const uint8_t *)text, len);
        abort();
    }
    json_decref(j);
}

/* The ETag a GET of the same path answers now ("\"1\"" when there is none):
 * what a client sends as If-Match. */
static const char *current_etag(arena_t *a, const http_route_t *patch, api_user_t *u, uint8_t ubyte)
{
    const char *etag = "\"1\"";
    http_req_t g = {0};
    g.arena = a;
    g.method = "GET";
    g.path = fill_path(a, patch, ubyte);
    g.app = &app;
    g.user = u;
    g.client_ip = "fuzz";
    g.body = "";
    g.conn = FAKE_CONN;
    const http_route_t *r = http_route_find(routes, nroutes, "GET", &g);
    if (!r)
        return etag;
    http_resp_t resp = {0};
    if (r->handler(&g, &resp) == 0)
        for (int i = 0; i < resp.nheaders; i++)
            if (strcasecmp(resp.headers[i].name, "ETag") == 0)
                etag = arena_strdup(a, resp.headers[i].value);
    buf_free(&resp.body);
    return etag;
}

/* Runs one request; returns the status (2xx from the reply, 4xx from the
 * error) and, when id_out is given, the "id" of a JSON reply. Aborts on
 * anything else. */
static int run(const http_route_t *route, api_user_t *u, uint8_t ubyte, const uint8_t *body, size_t len,
               int64_t *id_out)
{
    arena_t *a = arena_new();
    http_req_t req = {0};
    req.arena = a;
    req.method = route->method;
    req.path = fill_path(a, route, ubyte);
    req.app = &app;
    req.user = u;
    req.client_ip = "fuzz";
    char *copy = malloc(len + 1);
    if (len)
        memcpy(copy, body, len);
    copy[len] = 0;
    req.body = copy;
    req.body_len = len;
    req.conn = FAKE_CONN;
    conn_values.if_match = conn_values.idempotency_key = NULL;
    conn_values.nquery = 0;
    if (strcmp(route->method, "GET") == 0) {
        set_query(a, copy, len);
        req.body = "";
        req.body_len = 0;
    } else if (strcmp(route->method, "PATCH") == 0) {
        conn_values.if_match = (ubyte & 0x80) ? "\"0\"" : current_etag(a, route, u, ubyte);
    } else if (strcmp(route->method, "POST") == 0 && (ubyte & 0x80)) {
        conn_values.idempotency_key = arena_printf(a, "fuzz-%d", param_id(ubyte, 0));
    }
    fy_set_thread_now(now_ms);

    const http_route_t *found = http_route_find(routes, nroutes, req.method, &req);
    if (!found) {
        fprintf(stderr, "fuzz_api: no route for %s %s (pattern %s)\n", req.method, req.path, route->pattern);
        abort();
    }
    req.route = found;
    http_resp_t resp = {0};
    int rc = api_invoke(&req, &resp);
    int status;
    if (rc) {
        status = req.err.status;
        if (status < 400 || status > 499) {
            fprintf(stderr, "fuzz_api: %s %s as %s answered %d %s: %s%s%s\n", req.method, req.path,
                    u ? role_name(u->role) : "(public)", status, req.err.code, req.err.detail,
                    req.err.n ? " — " : "", req.err.n ? req.err.fields[0].message : "");
            print_body("body", body, len);
            abort();
        }
        http_resp_t prob = {0};
        http_problem(&prob, &req.err, req.path);
        json_must_parse("problem", &req, prob.body.p, prob.body.len);
        buf_free(&prob.body);
    } else {
        status = resp.status;
        if (status < 200 || status > 299) {
            fprintf(stderr, "fuzz_api: %s %s as %s answered %d without an error\n", req.method, req.path,
                    u ? role_name(u->role) : "(public)", status);
            print_body("body", body, len);
            abort();
        }
        bool is_json = !resp.content_type || strstr(resp.content_type, "json");
        if (is_json && resp.body.len)
            json_must_parse("reply", &req, resp.body.p, resp.body.len);
        if (id_out && is_json && resp.body.len) {
            json_t *j = json_loadb(resp.body.p, resp.body.len, 0, NULL);
            json_t *id = json_object_get(j, "id");
            *id_out = json_is_string(id) ? strtoll(json_string_value(id), NULL, 10) : json_integer_value(id);
            json_decref(j);
        }
    }
    if (stats) {
        long *c = stats[found - routes];
        c[status < 300 ? 0 : status == 422 ? 2 : 1]++;
    }
    if (verbose) {
        fprintf(stderr, "fuzz_api: %s %s as %s: %d %s\n", req.method, req.path, u ? role_name(u->role) : "-", status,
                rc ? req.err.detail : "");
        for (int i = 0; rc && i < req.err.n; i++)
            fprintf(stderr, "    %s: %s\n", req.err.fields[i].field, req.err.fields[i].message);
    }
    conn_values.if_match = conn_values.idempotency_key = NULL;
    conn_values.nquery = 0;
    fy_set_thread_now(0);
    buf_free(&resp.body);
    free(copy);
    arena_free(a);
    return status;
}

/* ---- seeds ---------------------------------------------------------------------- */

/* A user byte that selects this user and these ids for the route. */
static int user_byte(const http_route_t *r, const api_user_t *u, int id0, int id1)
{
    for (int b = 0; b < 128; b++)
        if (pick_user(r, (uint8_t)b) == u && param_id((uint8_t)b, 0) == id0 && param_id((uint8_t)b, 1) == id1)
            return b;
    return -1;
}

static void write_seed(const char *name, const http_route_t *r, const api_user_t *u, int id0, int id1,
                       const char *body)
{
    if (!seed_dir)
        return;
    int rb = slot_of(r), ub = user_byte(r, u, id0, id1);
    if (rb < 0 || ub < 0)
        return;
    char path[PATH_MAX + 128];
    snprintf(path, sizeof path, "%s/%s", seed_dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot write %s: %s", path, strerror(errno));
    fputc(rb, f);
    fputc(ub, f);
    fputs(body, f);
    fclose(f);
}

/* ---- the set-up requests ------------------------------------------------------ */

static const http_route_t *route_of(const char *method, const char *pattern)
{
    for (size_t i = 0; i < nroutes; i++)
        if (strcmp(routes[i].method, method) == 0 && strcmp(routes[i].pattern, pattern) == 0)
            return &routes[i];
    return NULL;
}

static int setup_failures;

/* Runs a set-up request (unless seed_only) and writes it as a seed. */
static void step(const char *seed, role_t role, const char *method, const char *pattern, int id0, int id1,
                 const char *body, bool seed_only)
{
    const http_route_t *r = route_of(method, pattern);
    if (!r) {
        fprintf(stderr, "fuzz_api: set-up: no route %s %s (renamed?)\n", method, pattern);
        setup_failures++;
        return;
    }
    api_user_t *u = (r->flags & HTTP_PUBLIC) ? NULL : &users[role];
    int ub = user_byte(r, u, id0, id1);
    if (ub < 0 && !(r->flags & HTTP_PUBLIC)) {
        fprintf(stderr, "fuzz_api: set-up: %s may not %s %s\n", role_name(role), method, pattern);
        setup_failures++;
        return;
    }
    write_seed(seed, r, u, id0, id1, body);
    if (seed_only)
        return;
    int st = run(r, u, (uint8_t)(ub < 0 ? 0 : ub), (const uint8_t *)body, strlen(body), NULL);
    if (st < 200 || st > 299) {
        /* the world is a bit smaller; fuzzing goes on (run() has aborted on a 5xx) */
        fprintf(stderr, "fuzz_api: set-up: %s %s (%d,%d) as %s: %d\n", method, pattern, id0, id1, role_name(role), st);
        setup_failures++;
    }
}

static void make_idnum(const char *area, int y, int m, int d, int seq, char out[19])
{
    snprintf(out, 19, "%.6s%04d%02d%02d%03d", area, y, m, d, seq % 1000);
    out[17] = idnum_check_char(out);
    out[18] = 0;
}

struct users_ctx {
    bool citizen;
};

static int users_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct users_ctx *c = vctx;
    for (int role = 0; role < ROLE_COUNT; role++) {
        if ((role == ROLE_CITIZEN) != c->citizen)
            continue;
        store_user_t su = {.username = user_defs[role].username,
                           .role = (role_t)role,
                           .institution_id = user_defs[role].institution,
                           .district = user_defs[role].district,
                           .woman_id = role == ROLE_CITIZEN ? 1 : 0,
                           /* never verified: no login is fuzzed */
                           .pwhash = "$argon2id$v=19$m=65536,t=2,p=1$ZnV6emZ1enpmdXp6$ZnV6emZ1enpmdXp6ZnV6emZ1enpmdXp6"};
        if (store_user_insert(tx, &su, e))
            return -1;
        users[role].id = su.id;
    }
    return 0;
}

static void add_users(bool citizen)
{
    struct users_ctx c = {citizen};
    arena_t *a = arena_new();
    fy_err_t e = {0};
    if (store_write(app.store, a, users_unit, &c, &e))
        die("users: %s%s", e.detail, "");
    arena_free(a);
}

static void world(void)
{
    for (int role = 0; role < ROLE_COUNT; role++) {
        api_user_t *u = &users[role];
        u->username = user_defs[role].username;
        u->role = (role_t)role;
        u->institution_id = user_defs[role].institution;
        u->district = user_defs[role].district;
        u->woman_id = role == ROLE_CITIZEN ? 1 : 0;
        u->scope = scope_for(u->role, u->institution_id, u->district, u->woman_id);
    }
    add_users(false);

    char id[3][19], body[8192];
    make_idnum("310104", 1994, 3, 12, 2, id[0]);
    make_idnum("310104", 1990, 11, 30, 4, id[1]);
    make_idnum("310115", 1988, 2, 29, 6, id[2]);
    static const char *const names[] = {"李娜", "王芳", "陈静"};
    static const char *const districts[] = {"310104", "310104", "310115"};
    for (int i = 0; i < 3; i++) {
        snprintf(body, sizeof body,
                 "{\"name\":\"%s\",\"id_type\":\"resident_id\",\"id_number\":\"%s\",\"phone\":\"1380013800%d\","
                 "\"residence_district\":\"%s\",\"address\":\"徐汇区漕溪北路 %d 号\"}",
                 names[i], id[i], i, districts[i], 100 + i);
        char seed[32];
        snprintf(seed, sizeof seed, "women-create-%d", i + 1);
        step(seed, ROLE_COMMUNITY_DOCTOR, "POST", "/api/v1/women", 1, 1, body, false);
    }
    add_users(true); /* the citizen is woman 1 */

    /* pregnancies: 1 at term, 2 at 15 weeks, 3 twins at term */
    static const char *const lmps[] = {"2024-09-20", "2025-03-01", "2024-09-10"};
    for (int i = 0; i < 3; i++) {
        snprintf(body, sizeof body,
                 "{\"woman_id\":\"%d\",\"lmp\":\"%s\",\"card\":\"small\",\"institution_id\":\"310104-chc-1\","
                 "\"gravidity\":%d,\"parity\":%d,\"previous_caesareans\":%d,\"previous_miscarriages\":0,"
                 "\"assisted_reproduction\":%s,\"fetuses\":%d,\"height_cm\":160,\"weight_kg\":%d,\"dating\":\"lmp\"%s}",
                 i + 1, lmps[i], i + 1, i, i == 1 ? 1 : 0, i == 2 ? "true" : "false", i == 2 ? 2 : 1, 55 + 10 * i,
                 i == 1 ? ",\"last_uterine_surgery_date\":\"2022-05-01\"" : "");
        char seed[32];
        snprintf(seed, sizeof seed, "pregnancies-create-%d", i + 1);
        step(seed, ROLE_COMMUNITY_DOCTOR, "POST", "/api/v1/pregnancies", 1, 1, body, false);
    }
    for (int p = 1; p <= 3; p++) {
        char seed[32];
        snprintf(seed, sizeof seed, "big-card-%d", p);
        step(seed, ROLE_OBSTETRICIAN, "POST", "/api/v1/pregnancies/{id}/big-card", p, 1, "{\"institution_id\":\"sh6\"}",
             false);
    }
    step("visit-1", ROLE_OBSTETRICIAN, "POST", "/api/v1/pregnancies/{id}/visits", 1, 1,
         "{\"date\":\"2025-06-10\",\"weight_kg\":68.5,\"sbp\":118,\"dbp\":76,\"fundal_height_cm\":33,"
         "\"abdominal_circumference_cm\":98,\"fetal_heart_rate\":140,\"hb_g_l\":118,\"plt_10e9_l\":210}",
         false);
    step("visit-2", ROLE_COMMUNITY_DOCTOR, "POST", "/api/v1/pregnancies/{id}/visits", 2, 1,
         "{\"date\":\"2025-06-14\",\"weight_kg\":57,\"sbp\":112,\"dbp\":70,\"hb_g_l\":105,\"plt_10e9_l\":180,"
         "\"labs\":{\"hiv\":\"negative\",\"syphilis\":\"negative\",\"hbsag\":\"positive\"},"
         "\"declared_factors\":[\"fibroid_or_ovarian_cyst_5cm\"]}",
         false);
    step("visit-3", ROLE_OBSTETRICIAN, "POST", "/api/v1/pregnancies/{id}/visits", 3, 1,
         "{\"date\":\"2025-06-01\",\"weight_kg\":80,\"sbp\":142,\"dbp\":92,\"fundal_height_cm\":38,"
         "\"fetal_heart_rate\":150,\"spo2_percent\":97,\"ef_percent\":60,\"pasp_mmhg\":30}",
         false);
    step("labs-2", ROLE_COMMUNITY_DOCTOR, "POST", "/api/v1/pregnancies/{id}/labs", 2, 1,
         "{\"date\":\"2025-06-14\",\"fasting_glucose_mmol_l\":5.3,\"creatinine_umol_l\":60,"
         "\"creatinine_uln_umol_l\":84,\"hb_g_l\":102}",
         false);
    step("appointment-2", ROLE_COMMUNITY_DOCTOR, "POST", "/api/v1/appointments", 1, 1,
         "{\"pregnancy_id\":\"2\",\"institution_id\":\"310104-chc-1\",\"date\":\"2025-06-20\"}", false);
    step("continuation-2", ROLE_OBSTETRICIAN, "POST", "/api/v1/pregnancies/{id}/continuation", 2, 1,
         "{\"suitable\":false,\"assessed_by\":\"张医生\",\"advice\":\"建议终止妊娠\",\"woman_decision\":\"同意\","
         "\"senior_title\":\"副主任医师\"}",
         false);
    step("delivery-1", ROLE_OBSTETRICIAN, "POST", "/api/v1/pregnancies/{id}/delivery", 1, 1,
         "{\"delivered_at\":\"2025-06-12T08:30:00+08:00\",\"institution_id\":\"sh6\",\"mode\":\"spontaneous\","
         "\"epidural\":true,\"blood_loss_ml\":300,\"complications\":[\"会阴裂伤\"],\"babies\":[{\"sex\":2,"
         "\"weight_g\":3200,\"length_cm\":50,\"head_cm\":34,\"apgar_1\":9,\"apgar_5\":10,\"outcome\":\"live\"}]}",
         false);
    step("delivery-3", ROLE_OBSTETRICIAN, "POST", "/api/v1/pregnancies/{id}/delivery", 3, 1,
         "{\"delivered_at\":\"2025-06-05T14:10:00Z\",\"institution_id\":\"sh6\",\"mode\":\"caesarean\","
         "\"cs_indication\":\"双胎妊娠\",\"blood_loss_ml\":500,\"babies\":[{\"sex\":1,\"weight_g\":2400,"
         "\"length_cm\":46,\"head_cm\":32,\"apgar_1\":8,\"apgar_5\":9,\"outcome\":\"live\"},{\"sex\":2,"
         "\"weight_g\":2300,\"outcome\":\"live\"}]}",
         false);
    step("postpartum-1", ROLE_COMMUNITY_DOCTOR, "POST", "/api/v1/pregnancies/{id}/postpartum-visits", 1, 1,
         "{\"date\":\"2025-06-14\",\"kind\":\"home_visit\",\"sbp\":118,\"dbp\":75}", false);
    step("postpartum-3", ROLE_COMMUNITY_DOCTOR, "POST", "/api/v1/pregnancies/{id}/postpartum-visits", 3, 1,
         "{\"date\":\"2025-06-12\",\"kind\":\"home_visit\",\"sbp\":125,\"dbp\":82,\"epds_score\":4}", false);
    step("close-2", ROLE_COMMUNITY_DOCTOR, "POST", "/api/v1/pregnancies/{id}/close", 2, 1,
         "{\"outcome\":\"moved_out\",\"date\":\"2025-06-15\"}", true);

    /* children */
    step("child-patch-1", ROLE_OBSTETRICIAN, "PATCH", "/api/v1/children/{id}", 1, 1, "{\"name\":\"王小明\"}", false);
    step("woman-patch-2", ROLE_COMMUNITY_DOCTOR, "PATCH", "/api/v1/women/{id}", 2, 1,
         "{\"phone\":\"13900000002\",\"address\":\"徐汇区天钥桥路 2 号\"}", false);
    step("check-1", ROLE_COMMUNITY_DOCTOR, "POST", "/api/v1/children/{id}/checks", 1, 1,
         "{\"date\":\"2025-06-15\",\"weight_kg\":3.3,\"length_cm\":50.5,\"measured\":\"recumbent\",\"head_cm\":34.5}",
         false);
    step("check-2", ROLE_COMMUNITY_DOCTOR, "POST", "/api/v1/children/{id}/checks", 2, 1,
         "{\"date\":\"2025-06-13\",\"weight_kg\":2.5,\"length_cm\":47,\"head_cm\":33,\"hb_g_l\":160}",
         false);
    step("autism-1", ROLE_COMMUNITY_DOCTOR, "POST", "/api/v1/children/{id}/autism", 1, 1,
         "{\"step\":\"first_screen\",\"date\":\"2025-06-15\",\"instrument\":\"CHAT-23\",\"score\":2,"
         "\"result\":\"negative\"}", false);
    step("screening-1", ROLE_OBSTETRICIAN, "POST", "/api/v1/children/{id}/screenings", 1, 1,
         "{\"kind\":\"metabolic\",\"panel\":\"basic\",\"sampled_at\":\"2025-06-15\",\"result\":\"positive\","
         "\"details\":{\"tsh\":31.5}}",
         false);
    step("screening-2", ROLE_OBSTETRICIAN, "POST", "/api/v1/children/{id}/screenings", 1, 1,
         "{\"kind\":\"hearing\",\"sampled_at\":\"2025-06-14\",\"result\":\"refer\",\"details\":\"左耳未通过\"}", false);
    step("screening-3", ROLE_OBSTETRICIAN, "POST", "/api/v1/children/{id}/screenings", 2, 1,
         "{\"kind\":\"metabolic\",\"sampled_at\":\"2025-06-09\",\"result\":\"negative\"}", false);
    step("diagnosis-1", ROLE_OBSTETRICIAN, "POST", "/api/v1/children/{id}/screenings/{sid}/diagnosis", 1, 1,
         "{\"date\":\"2025-06-15\",\"diagnosis\":\"复筛通过，未见异常\",\"confirmed\":false}", false);

    /* certificates */
    step("block-1", ROLE_CITY_ADMIN, "POST", "/api/v1/certificate-blocks", 1, 1,
         "{\"institution_id\":\"sh6\",\"letter\":\"X\",\"first\":320101001,\"last\":320109999}", false);
    char father_id[19], father[512];
    make_idnum("310104", 1985, 3, 5, 123, father_id); /* odd: male */
    snprintf(father, sizeof father,
             "{\"name\":\"王强\",\"nationality\":\"中国\",\"ethnicity\":\"汉族\",\"id_type\":\"resident_id\","
             "\"id_number\":\"%s\",\"address\":\"徐汇区漕溪北路100号\"}",
             father_id);
    for (int c = 1; c <= 2; c++) {
        snprintf(body, sizeof body,
                 "{\"child_id\":\"%d\",\"child_name\":\"%s\",\"mother\":{\"name\":\"%s\",\"nationality\":\"中国\","
                 "\"ethnicity\":\"汉族\",\"id_type\":\"resident_id\",\"id_number\":\"%s\",\"address\":\"徐汇区漕溪北路100号\"},"
                 "\"father\":%s,\"applicant\":{\"name\":\"%s\",\"relation\":\"母亲\"}}",
                 c, c == 1 ? "王小明" : "陈一", names[c == 1 ? 0 : 2], id[c == 1 ? 0 : 2], c == 1 ? "null" : father,
                 names[c == 1 ? 0 : 2]);
        char seed[32];
        snprintf(seed, sizeof seed, "certificate-apply-%d", c);
        step(seed, ROLE_OBSTETRICIAN, "POST", "/api/v1/birth-certificates", 1, 1, body, false);
    }
    step("certificate-issue-1", ROLE_OBSTETRICIAN, "POST", "/api/v1/birth-certificates/{id}/issue", 1, 1, "", false);
    step("birth-service-step-1", ROLE_SYS_ADMIN, "POST", "/api/v1/birth-services/{id}/steps/{step}", 1, 1,
         "{\"status\":\"sent\",\"detail\":\"已推送公安户籍系统\"}", false);
    step("certificate-replace-1", ROLE_OBSTETRICIAN, "POST", "/api/v1/birth-certificates/{id}/replace", 1, 1,
         "{\"reason\":\"信息更正\"}", true);
    step("certificate-reissue-1", ROLE_DISTRICT_ADMIN, "POST", "/api/v1/birth-certificates/{id}/reissue", 1, 1,
         "{\"reason\":\"遗失补发\"}", true);
    step("certificate-void-2", ROLE_OBSTETRICIAN, "POST", "/api/v1/birth-certificates/{id}/void", 2, 1,
         "{\"reason\":\"打印错误\"}", true);
    step("block-void-next-1", ROLE_OBSTETRICIAN, "POST", "/api/v1/certificate-blocks/{id}/void-next", 1, 1,
         "{\"reason\":\"空白证损坏\"}", true);

    /* rescue */
    step("referral-1", ROLE_OBSTETRICIAN, "POST", "/api/v1/referrals", 1, 1,
         "{\"kind\":\"maternal\",\"type\":\"referral\",\"pregnancy_id\":\"2\",\"from_institution_id\":\"sh6\","
         "\"reason\":\"重度子痫前期，需转诊\",\"urgency\":\"emergency\"}",
         false);
    step("referral-2", ROLE_OBSTETRICIAN, "POST", "/api/v1/referrals", 1, 1,
         "{\"kind\":\"newborn\",\"type\":\"referral\",\"child_id\":\"2\",\"from_institution_id\":\"sh6\","
         "\"reason\":\"早产儿呼吸窘迫\",\"urgency\":\"urgent\",\"indications\":[\"seizure\"]}",
         false);
    step("transition-1", ROLE_RESCUE_CENTER, "POST", "/api/v1/referrals/{id}/transitions", 1, 1,
         "{\"to\":\"accepted\",\"note\":\"已接收\"}", false);
    step("critical-event-1", ROLE_OBSTETRICIAN, "POST", "/api/v1/critical-events", 1, 1,
         "{\"kind\":\"critical_maternal\",\"woman_id\":\"1\",\"occurred_at\":\"2025-06-12T09:00:00+08:00\","
         "\"cause\":\"产后出血\",\"place\":\"医院\"}",
         false);
    step("critical-event-2", ROLE_OBSTETRICIAN, "POST", "/api/v1/critical-events", 1, 1,
         "{\"kind\":\"perinatal_death\",\"child_id\":\"3\",\"occurred_at\":\"2025-06-14T22:00:00+08:00\","
         "\"reported_at\":\"2025-06-15T08:00:00+08:00\",\"cause\":\"新生儿窒息\",\"place\":\"医院\"}",
         true);
    step("review-1", ROLE_DISTRICT_ADMIN, "POST", "/api/v1/critical-events/{id}/review", 1, 1,
         "{\"reviewed_at\":\"2025-06-15\",\"panel\":[\"王主任\",\"李主任\"],\"conclusion\":\"救治及时\","
         "\"preventability\":\"preventable_with_conditions\",\"factors\":[\"转诊延误\",\"血源不足\"]}",
         false);

    /* the rescue network: the sample file as a new version */
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/rescue-network.json", app.data_dir);
    json_t *net = json_load_file(path, 0, NULL);
    if (net) {
        json_t *put = json_object();
        json_object_set_new(put, "label", json_string("fuzz"));
        json_object_set_new(put, "effective", json_string("2025-06-15"));
        json_object_set(put, "maternal", json_object_get(net, "maternal"));
        json_object_set(put, "newborn", json_object_get(net, "newborn"));
        char *text = json_dumps(put, JSON_COMPACT);
        step("rescue-network-put", ROLE_CITY_ADMIN, "PUT", "/api/v1/rescue-network", 1, 1, text, false);
        free(text);
        json_decref(put);
        json_decref(net);
    }
    step("logout", ROLE_COMMUNITY_DOCTOR, "POST", "/api/v1/auth/logout", 1, 1, "", true);

    /* GETs with a query (the body bytes of a GET input) */
    static const struct {
        const char *seed, *pattern, *query;
        role_t role;
        int id;
    } queries[] = {
        {"query-women-idnum", "/api/v1/women", NULL, ROLE_COMMUNITY_DOCTOR, 1},
        {"query-women-name", "/api/v1/women", "name=李&district=310104&page=1&page_size=5", ROLE_CITY_ADMIN, 1},
        {"query-woman-unmask", "/api/v1/women/{id}", "unmask=true&reason=核对身份", ROLE_COMMUNITY_DOCTOR, 1},
        {"query-pregnancies", "/api/v1/pregnancies", "woman_id=2&purple=false&overdue=true&district=310104&page=2",
         ROLE_DISTRICT_ADMIN, 1},
        {"query-high-risk", "/api/v1/worklists/high-risk", "color=red&due=true&page_size=100", ROLE_CITY_ADMIN, 1},
        {"query-zscores", "/api/v1/growth/zscores", "sex=1&age_days=30&weight_kg=4.2&length_cm=54.5&head_cm=37&measured=recumbent",
         ROLE_CITIZEN, 1},
        {"query-child-schedule", "/api/v1/child-schedule", "birth_date=2024-01-31", ROLE_CITIZEN, 1},
        {"query-children", "/api/v1/children", "mother_id=3&district=310104", ROLE_OBSTETRICIAN, 1},
        {"query-verify", "/api/v1/public/birth-certificates/verify", "number=X320101001&child_name=王小明&birth_date=2025-06-12",
         ROLE_CITIZEN, 1},
        {"query-audit", "/api/v1/audit", "resource=woman&resource_id=1&user=fz-doctor&from=2025-01-01&to=2025-06-15",
         ROLE_CITY_ADMIN, 1},
        {"query-indicators", "/api/v1/indicators", "year=2025&district=310104&by=month", ROLE_CITY_ADMIN, 1},
        {"query-indicators-csv", "/api/v1/indicators/export.csv", "year=2025&by=district_month", ROLE_CITY_ADMIN, 1},
        {"query-metrics", "/api/v1/rescue-network/metrics", "from=2025-01-01&to=2025-06-15&kind=maternal",
         ROLE_CITY_ADMIN, 1},
        {"query-network-version", "/api/v1/rescue-network", "version=1", ROLE_RESCUE_CENTER, 1},
        {"query-referrals", "/api/v1/referrals", "center=zhongshan&district=310104&status=requested", ROLE_CITY_ADMIN, 1},
        {"query-critical", "/api/v1/critical-events", "kind=maternal_death&woman_id=1", ROLE_CITY_ADMIN, 1},
        {"query-certificates", "/api/v1/birth-certificates", "child_id=1&status=issued&institution_id=sh6",
         ROLE_OBSTETRICIAN, 1},
        {"query-blocks", "/api/v1/certificate-blocks", "institution_id=sh6", ROLE_CITY_ADMIN, 1},
        {"query-birth-services", "/api/v1/birth-services", "child_id=1", ROLE_SYS_ADMIN, 1},
        {"query-guidance", "/api/v1/guidance/registration", "district=310104&lmp=2025-03-01", ROLE_CITIZEN, 1},
    };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        const char *q = queries[i].query;
        char idq[64];
        if (!q) {
            snprintf(idq, sizeof idq, "id_number=%s", id[0]);
            q = idq;
        }
        step(queries[i].seed, queries[i].role, "GET", queries[i].pattern, queries[i].id, 1, q, false);
    }

    /* every GET once (fills lazily loaded state too, e.g. the rescue network) */
    for (size_t i = 0; i < nroutes; i++) {
        const http_route_t *r = &routes[i];
        if (strcmp(r->method, "GET") != 0 || !fuzzable(r))
            continue;
        api_user_t *u = pick_user(r, 0);
        char seed[160];
        snprintf(seed, sizeof seed, "get%s", r->pattern);
        for (char *p = seed; *p; p++)
            if (*p == '/' || *p == '{' || *p == '}')
                *p = '_';
        write_seed(seed, r, u, 1, 1, "");
        run(r, u, (uint8_t)(user_byte(r, u, 1, 1) < 0 ? 0 : user_byte(r, u, 1, 1)), (const uint8_t *)"", 0, NULL);
    }
}

/* ---- the store and its fresh copies ----------------------------------------- */

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    if (!in || !out)
        die("cannot copy %s to %s", from, to);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            die("cannot write %s%s", to, "");
    fclose(in);
    fclose(out);
}

static void remove_db(const char *db)
{
    char p[PATH_MAX + 32];
    unlink(db);
    snprintf(p, sizeof p, "%s-wal", db);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", db);
    unlink(p);
    snprintf(p, sizeof p, "%s-journal", db);
    unlink(p);
}

static void open_store(const char *db)
{
    fy_err_t e = {0};
    if (store_open(db, &app.store, &e))
        die("store_open %s: %s", db, e.detail);
    store_set_durable(app.store, false);
}

static void fresh_copy(void)
{
    if (app.store)
        store_close(app.store);
    app.store = NULL;
    remove_db(work_db);
    copy_file(base_db, work_db);
    open_store(work_db);
}

static void cleanup(void)
{
    if (stats) {
        fprintf(stderr, "fuzz_api: per route: 2xx / 422 / other 4xx\n");
        for (size_t i = 0; i < nroutes; i++)
            if (stats[i][0] + stats[i][1] + stats[i][2])
                fprintf(stderr, "  %7ld %7ld %7ld  %s %s\n", stats[i][0], stats[i][2], stats[i][1], routes[i].method,
                        routes[i].pattern);
        free(stats);
        stats = NULL;
    }
    if (app.store)
        store_close(app.store);
    app.store = NULL;
    remove_db(work_db);
    remove_db(base_db);
    rmdir(tmp);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    verbose = getenv("FUZZ_API_VERBOSE") != NULL;
    seed_dir = getenv("FUZZ_API_SEEDS");
    if (getenv("FUZZ_API_RESET"))
        reset_every = atol(getenv("FUZZ_API_RESET"));
    if (reset_every < 1)
        reset_every = 1;
    if (!fy_instant_parse("2025-06-15T10:00:00+08:00", &now_ms))
        die("%s%s", "clock", "");
    fy_set_thread_now(now_ms);

    const char *t = getenv("TMPDIR");
    snprintf(tmp, sizeof tmp, "%s/fuyou-fuzz-api-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmp))
        die("mkdtemp %s: %s", tmp, strerror(errno));
    snprintf(base_db, sizeof base_db, "%s/base.db", tmp);
    snprintf(work_db, sizeof work_db, "%s/work.db", tmp);
    atexit(cleanup);

    static char data[PATH_MAX];
    const char *d = getenv("FUYOU_FUZZ_DATA");
    snprintf(data, sizeof data, "%s", d ? d : FUYOU_SOURCE_DIR "/data");
    char err[512];
    if (app_load(&app, data, NULL, err, sizeof err))
        die("app_load: %s%s", err, "");
    routes = api_routes(&nroutes);
    build_ring();

    open_store(base_db);
    world();
    store_close(app.store); /* checkpoints: base.db alone holds the world */
    app.store = NULL;
    fresh_copy();
    if (getenv("FUZZ_API_STATS"))
        stats = calloc(nroutes, sizeof *stats);
    int n = 0;
    for (int i = 0; i < 256; i++)
        n += ring[i] >= 0;
    fprintf(stderr, "fuzz_api: %d routes on the ring; world made (%d set-up requests refused); data %s; db %s\n", n,
            setup_failures, data, tmp);
    if (getenv("FUZZ_API_ROUTES")) {
        for (int i = 0; i < 256; i++)
            if (ring[i] >= 0)
                fprintf(stderr, "  0x%02x %s %s\n", i, routes[ring[i]].method, routes[ring[i]].pattern);
    }
    fy_set_thread_now(0);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const http_route_t *r = pick_route(data[0]);
    if (!r)
        return 0;
    api_user_t *u = pick_user(r, data[1]);
    if (!u && !(r->flags & HTTP_PUBLIC))
        return 0; /* no role may call it */
    run(r, u, data[1], data + 2, size - 2, NULL);

    if (++inputs % reset_every == 0) {
        fresh_copy();
    } else if (inputs % 100 == 0) {
        struct stat st;
        char wal[PATH_MAX + 32];
        snprintf(wal, sizeof wal, "%s-wal", work_db);
        off_t total = 0;
        if (stat(work_db, &st) == 0)
            total += st.st_size;
        if (stat(wal, &st) == 0)
            total += st.st_size;
        if (total > 32 * 1024 * 1024)
            fresh_copy();
    }
    return 0;
}
