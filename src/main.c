/* fuyou: the command line. Subcommands: serve, migrate, user, audit, demo, routes. */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "base/secret.h"
#include "demo/demo.h"
#include "http/http.h"
#include "jobs/jobs.h"
#include "store/store.h"

static const char *usage_main =
    "fuyou — 上海市妇幼健康信息平台 (maternal and child health platform)\n"
    "\n"
    "usage: fuyou COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  serve     start the HTTP server (JSON API and web UI)\n"
    "  migrate   create or upgrade the database schema\n"
    "  user add  add an account\n"
    "  audit verify  check the audit hash chain\n"
    "  demo      fill a database with demo accounts and a synthetic city\n"
    "  routes    list the API routes: METHOD PATTERN ROLES PUBLIC, one a line\n"
    "\n"
    "`fuyou COMMAND --help` describes each command.\n";

static const char *usage_serve =
    "usage: fuyou serve [--db PATH] [--port N] [--bind ADDR] [--threads N] [--data DIR] [--web DIR]\n"
    "  --db PATH     SQLite database file (default var/fuyou.db; created and migrated if needed)\n"
    "  --port N      TCP port (default 8080; 0 picks a free port)\n"
    "  --bind ADDR   IPv4 address to listen on (default 127.0.0.1)\n"
    "  --threads N   HTTP worker threads (default 3: reads and visits do not hold one while they commit)\n"
    "  --data DIR    reference data directory (default data)\n"
    "  --web DIR     static web UI directory (default web)\n"
    "  --anc-schedule ID  antenatal schedule for new pregnancies: anc-national-2011 (default)\n"
    "                or anc-cma-2018\n"
    "  --job-interval S  seconds between reminder/overdue scans (default 60)\n"
    "Prints one line `listening on http://ADDR:PORT` once ready.\n";

static const char *usage_migrate = "usage: fuyou migrate [--db PATH]\n"
                                   "  Creates the database if absent and applies every pending migration.\n";

static const char *usage_user =
    "usage: fuyou user add [--db PATH] --username U --role R [--institution ID] [--district CODE]\n"
    "                      [--woman ID] --password-stdin\n"
    "  roles: citizen, community_doctor, obstetrician, rescue_center, district_admin, city_admin, sys_admin\n"
    "  Staff roles need --institution; district_admin needs --district (or an institution);\n"
    "  citizen needs --woman (her record). The password is read from standard input.\n";

static const char *usage_audit = "usage: fuyou audit verify [--db PATH]\n"
                                 "  Exits 0 when the audit hash chain is intact; otherwise names the first bad row\n"
                                 "  and exits 1.\n";

typedef struct {
    const char *db, *bind, *data, *web, *anc_schedule;
    long job_interval;
    int port, threads;
    const char *username, *role, *institution, *district, *woman;
    bool password_stdin, help;
    long births, seed, year;
} opts_t;

static int parse_opts(int argc, char **argv, opts_t *o)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define OPT_STR(name, field)                                                                                       \
    if (strcmp(a, name) == 0) {                                                                                    \
        if (!v)                                                                                                    \
            goto missing;                                                                                          \
        o->field = v;                                                                                              \
        i++;                                                                                                       \
        continue;                                                                                                  \
    }
#define OPT_LONG(name, field)                                                                                      \
    if (strcmp(a, name) == 0) {                                                                                    \
        char *end;                                                                                                 \
        if (!v)                                                                                                    \
            goto missing;                                                                                          \
        errno = 0;                                                                                                 \
        long x = strtol(v, &end, 10);                                                                              \
        if (!*v || *end || errno || x < 0 || x > INT_MAX) {                                                        \
            fprintf(stderr, "fuyou: %s needs a non-negative number, got %s\n", name, v);                           \
            return -1;                                                                                             \
        }                                                                                                          \
        o->field = x;                                                                                              \
        i++;                                                                                                       \
        continue;                                                                                                  \
    }
        OPT_STR("--db", db)
        OPT_STR("--bind", bind)
        OPT_STR("--data", data)
        OPT_STR("--web", web)
        OPT_STR("--anc-schedule", anc_schedule)
        OPT_LONG("--job-interval", job_interval)
        OPT_STR("--username", username)
        OPT_STR("--role", role)
        OPT_STR("--institution", institution)
        OPT_STR("--district", district)
        OPT_STR("--woman", woman)
        OPT_LONG("--port", port)
        OPT_LONG("--threads", threads)
        OPT_LONG("--births", births)
        OPT_LONG("--seed", seed)
        OPT_LONG("--year", year)
        if (strcmp(a, "--password-stdin") == 0) {
            o->password_stdin = true;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            o->help = true;
            continue;
        }
        fprintf(stderr, "fuyou: unknown option %s\n", a);
        return -1;
    missing:
        fprintf(stderr, "fuyou: %s needs a value\n", a);
        return -1;
    }
    return 0;
}

static store_t *open_store(const opts_t *o)
{
    store_t *st;
    fy_err_t e = {0};
    if (store_open(o->db, &st, &e)) {
        fprintf(stderr, "fuyou: %s\n", e.detail);
        return NULL;
    }
    return st;
}

static refdata_t *load_ref(const char *dir)
{
    refdata_t *ref;
    char err[512];
    if (refdata_load(dir, &ref, err, sizeof err)) {
        fprintf(stderr, "fuyou: reference data: %s\n", err);
        return NULL;
    }
    return ref;
}


static int cmd_serve(opts_t *o)
{
    if (o->help) {
        fputs(usage_serve, stdout);
        return 0;
    }
    /* Every request takes and gives back the same few tens of kilobytes
     * (its arena, its reply); with glibc's default thresholds the heap top
     * was trimmed and regrown over and over (perf: sysmalloc on the record
     * read path). Keep up to 16 MB free at the top, never mmap under 1 MB. */
    mallopt(M_TRIM_THRESHOLD, 16 << 20);
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    if (o->port > 65535) {
        fprintf(stderr, "fuyou: --port must be 0..65535, got %d\n", o->port);
        return 2;
    }
    /* SIGINT and SIGTERM are blocked before any thread starts, so every
     * thread inherits the mask and only the sigwait below takes them: a
     * handler would run in whichever thread the kernel picked and could
     * leave this one asleep */
    sigset_t stop_set;
    sigemptyset(&stop_set);
    sigaddset(&stop_set, SIGINT);
    sigaddset(&stop_set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_set, NULL);
    app_t app = {0};
    char err[512];
    if (app_load(&app, o->data, o->anc_schedule, err, sizeof err)) {
        fprintf(stderr, "fuyou: %s\n", err);
        app_unload(&app);
        return 1;
    }
    app.web_dir = o->web;
    if (!(app.store = open_store(o))) {
        app_unload(&app);
        return 1;
    }
    arena_t *seed_arena = arena_new();
    fy_err_t seed_err = {0};
    if (rescue_network_ensure(&app, seed_arena, &seed_err))
        fprintf(stderr, "fuyou: %s\n", seed_err.detail);
    arena_free(seed_arena);
    jobs_t *jobs = jobs_start(&app, (int)o->job_interval);
    http_config_t cfg = {0};
    cfg.bind = o->bind;
    cfg.port = o->port;
    cfg.threads = o->threads;
    cfg.routes = api_routes(&cfg.nroutes);
    cfg.auth = api_authenticate;
    cfg.role_of = api_role_of;
    cfg.fallback = api_static;
    cfg.invoke = api_invoke;
    cfg.app = &app;
    http_server_t *srv;
    int port;
    fy_err_t e = {0};
    signal(SIGPIPE, SIG_IGN);
    if (http_start(&cfg, &srv, &port, &e)) {
        fprintf(stderr, "fuyou: %s\n", e.detail);
        jobs_stop(jobs);
        store_close(app.store);
        app_unload(&app);
        return 1;
    }
    printf("listening on http://%s:%d\n", o->bind, port);
    fflush(stdout);
    int sig;
    sigwait(&stop_set, &sig);
    http_stop(srv);
    jobs_stop(jobs);
    store_close(app.store);
    app_unload(&app);
    return 0;
}

static int cmd_migrate(opts_t *o)
{
    if (o->help) {
        fputs(usage_migrate, stdout);
        return 0;
    }
    store_t *st = open_store(o);
    if (!st)
        return 1;
    printf("database %s at schema version %d\n", o->db, store_schema_version(st));
    store_close(st);
    return 0;
}

struct user_add_ctx {
    store_user_t u;
};

static int user_add_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct user_add_ctx *c = vctx;
    if (c->u.woman_id) {
        store_woman_t w;
        int rc = store_woman_get(tx, c->u.woman_id, &w, e);
        if (rc)
            return rc < 0 ? -1 : fy_fail(e, 404, "not_found", "no woman with id %lld", (long long)c->u.woman_id);
    }
    if (store_user_insert(tx, &c->u, e))
        return -1;
    store_audit_t a = {.at = fy_now_ms(), .username = "cli", .role = "sys_admin", .action = "create",
                       .resource = "user", .resource_id = c->u.username, .client_ip = "cli"};
    return store_audit_append(tx, &a, e);
}

static int read_password(char *out, size_t cap)
{
    if (!fgets(out, (int)cap, stdin))
        return -1;
    out[strcspn(out, "\r\n")] = 0;
    return out[0] ? 0 : -1;
}

static int cmd_user(int argc, char **argv, opts_t *o)
{
    if (o->help || argc < 1 || strcmp(argv[0], "add") != 0) {
        fputs(usage_user, o->help ? stdout : stderr);
        return o->help ? 0 : 2;
    }
    if (!o->username || !o->role || !o->password_stdin) {
        fprintf(stderr, "fuyou: user add needs --username, --role and --password-stdin\n%s", usage_user);
        return 2;
    }
    role_t role = role_parse(o->role);
    if (role == ROLE_NONE) {
        fprintf(stderr, "fuyou: unknown role %s\n%s", o->role, usage_user);
        return 2;
    }
    refdata_t *ref = load_ref(o->data);
    if (!ref)
        return 1;
    struct user_add_ctx c = {0};
    c.u.username = o->username;
    c.u.role = role;
    c.u.institution_id = o->institution;
    c.u.district = o->district;
    if (o->institution) {
        const ref_institution_t *inst = refdata_institution(ref, o->institution);
        if (!inst) {
            fprintf(stderr, "fuyou: unknown institution %s\n", o->institution);
            refdata_free(ref);
            return 2;
        }
        c.u.district = inst->district;
    }
    if (o->district && !refdata_district(ref, o->district)) {
        fprintf(stderr, "fuyou: unknown district %s\n", o->district);
        refdata_free(ref);
        return 2;
    }
    int bad = (role_needs_institution(role) && !o->institution) ||
              (role == ROLE_DISTRICT_ADMIN && !c.u.district) || (role == ROLE_CITIZEN && !o->woman);
    if (bad) {
        fprintf(stderr, "fuyou: role %s needs %s\n", o->role,
                role == ROLE_CITIZEN ? "--woman" : role == ROLE_DISTRICT_ADMIN ? "--district" : "--institution");
        refdata_free(ref);
        return 2;
    }
    if (o->woman) {
        char *end;
        errno = 0;
        c.u.woman_id = strtoll(o->woman, &end, 10);
        if (!*o->woman || *end || errno || c.u.woman_id <= 0) {
            fprintf(stderr, "fuyou: --woman needs the id of her record, got %s\n", o->woman);
            refdata_free(ref);
            return 2;
        }
    }
    char pw[257];
    if (read_password(pw, sizeof pw) || strlen(pw) < 8) {
        fprintf(stderr, "fuyou: the password (from stdin) must have at least 8 characters\n");
        refdata_free(ref);
        return 2;
    }
    char hash[SECRET_HASH_MAX];
    if (secret_password_hash(pw, hash)) {
        fprintf(stderr, "fuyou: out of memory hashing the password\n");
        refdata_free(ref);
        return 1;
    }
    c.u.pwhash = hash;
    store_t *st = open_store(o);
    if (!st) {
        refdata_free(ref);
        return 1;
    }
    fy_err_t e = {0};
    arena_t *a = arena_new();
    int rc = store_write(st, a, user_add_unit, &c, &e);
    arena_free(a);
    store_close(st);
    refdata_free(ref);
    if (rc) {
        fprintf(stderr, "fuyou: %s\n", e.detail);
        return e.status == 409 ? 3 : 1;
    }
    printf("user %s (%s) added with id %lld\n", o->username, o->role, (long long)c.u.id);
    return 0;
}

static int cmd_audit(int argc, char **argv, opts_t *o)
{
    if (o->help || argc < 1 || strcmp(argv[0], "verify") != 0) {
        fputs(usage_audit, o->help ? stdout : stderr);
        return o->help ? 0 : 2;
    }
    store_t *st = open_store(o);
    if (!st)
        return 1;
    int64_t bad, rows;
    char why[256] = "";
    int rc = store_audit_verify(st, &bad, why, sizeof why, &rows);
    store_close(st);
    if (rc == 0) {
        printf("audit chain intact: %lld rows\n", (long long)rows);
        return 0;
    }
    if (rc > 0) {
        printf("audit chain broken at row %lld: %s\n", (long long)bad, why);
        return 1;
    }
    fprintf(stderr, "fuyou: %s\n", why);
    return 2;
}

/* The route table as the server uses it, for tests that must cover every
 * endpoint: "METHOD PATTERN ROLES PUBLIC", ROLES the allowed role names
 * joined by commas ("-" for none), PUBLIC 1 when no sign-in is needed. */
static int cmd_routes(void)
{
    size_t n;
    const http_route_t *r = api_routes(&n);
    for (size_t i = 0; i < n; i++) {
        printf("%s %s ", r[i].method, r[i].pattern);
        int k = 0;
        for (int role = 0; role < ROLE_COUNT; role++)
            if (r[i].roles & ROLE_BIT(role))
                printf("%s%s", k++ ? "," : "", role_name((role_t)role));
        printf("%s %d\n", k ? "" : "-", (r[i].flags & HTTP_PUBLIC) ? 1 : 0);
    }
    return 0;
}

static int cmd_demo(opts_t *o)
{
    if (o->help) {
        fputs(demo_usage, stdout);
        return 0;
    }
    app_t app = {0};
    char err[512];
    if (app_load(&app, o->data, o->anc_schedule, err, sizeof err)) {
        fprintf(stderr, "fuyou: %s\n", err);
        app_unload(&app);
        return 1;
    }
    if (!(app.store = open_store(o))) {
        app_unload(&app);
        return 1;
    }
    demo_opts_t d = {.births = o->births, .seed = o->seed, .year = (int)o->year, .data_dir = o->data};
    int rc = demo_run(&app, &d);
    store_close(app.store);
    app_unload(&app);
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        fputs(usage_main, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (secret_init()) {
        fprintf(stderr, "fuyou: libsodium failed to initialise\n");
        return 1;
    }
    const char *cmd = argv[1];
    int sub = (strcmp(cmd, "user") == 0 || strcmp(cmd, "audit") == 0) && argc > 2 && argv[2][0] != '-';
    opts_t o = {.db = "var/fuyou.db", .bind = "127.0.0.1", .data = "data", .web = "web", .port = 8080,
                .threads = 3, .births = 100000, .seed = 1, .job_interval = 60};
    if (parse_opts(argc - 2 - sub, argv + 2 + sub, &o))
        return 2;
    if (strcmp(cmd, "serve") == 0)
        return cmd_serve(&o);
    if (strcmp(cmd, "migrate") == 0)
        return cmd_migrate(&o);
    if (strcmp(cmd, "user") == 0)
        return cmd_user(argc - 2, argv + 2, &o);
    if (strcmp(cmd, "audit") == 0)
        return cmd_audit(argc - 2, argv + 2, &o);
    if (strcmp(cmd, "demo") == 0)
        return cmd_demo(&o);
    if (strcmp(cmd, "routes") == 0)
        return cmd_routes();
    fprintf(stderr, "fuyou: unknown command %s\n\n%s", cmd, usage_main);
    return 2;
}
