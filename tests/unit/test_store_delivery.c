/* Tests for the SQLite store's deliveries, children and postpartum tasks
 * and visits (src/store/sqlite_delivery.c), through store_write and
 * store_read units on a fresh database in a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "store/store.h"

#define NOW 1735689600000LL /* 2025-01-01T00:00:00Z */

typedef struct {
    char dir[64], path[96];
    store_t *st;
    arena_t *a;
    int64_t w1, w2;     /* W1 lives in D1, served by INST-A; W2 in D2, served by INST-B */
    int64_t p1, p2, p3; /* P1 of W1 (open); P2, P3 of W2 (P2 delivered earlier, P3 open) */
} world_t;

/* ---- units -------------------------------------------------------------- */

static int u_woman(store_tx_t *tx, void *ctx, fy_err_t *e) { return store_woman_insert(tx, ctx, e); }

typedef struct {
    int64_t woman_id;
    const char *inst, *district;
} link_ctx_t;
static int u_link(store_tx_t *tx, void *ctx, fy_err_t *e)
{
    link_ctx_t *l = ctx;
    return store_woman_link(tx, l->woman_id, l->inst, l->district, e);
}

static int u_delivery(store_tx_t *tx, void *ctx, fy_err_t *e) { return store_delivery_insert(tx, ctx, e); }
static int u_child(store_tx_t *tx, void *ctx, fy_err_t *e) { return store_child_insert(tx, ctx, e); }
static int u_task(store_tx_t *tx, void *ctx, fy_err_t *e) { return store_pp_task_insert(tx, ctx, e); }
static int u_visit(store_tx_t *tx, void *ctx, fy_err_t *e) { return store_pp_visit_insert(tx, ctx, e); }

typedef struct {
    store_pp_task_t t;
    int rc;
} task_upd_ctx_t;
static int u_task_update(store_tx_t *tx, void *ctx, fy_err_t *e)
{
    task_upd_ctx_t *c = ctx;
    c->rc = store_pp_task_update(tx, &c->t, e);
    return c->rc < 0 ? -1 : 0;
}

typedef struct {
    int64_t key;
    store_delivery_t d;
    store_child_t c;
    int rc;
} get_ctx_t;
static int u_delivery_of(store_tx_t *tx, void *ctx, fy_err_t *e)
{
    get_ctx_t *g = ctx;
    g->rc = store_delivery_of(tx, g->key, &g->d, e);
    return g->rc < 0 ? -1 : 0;
}
static int u_child_get(store_tx_t *tx, void *ctx, fy_err_t *e)
{
    get_ctx_t *g = ctx;
    g->rc = store_child_get(tx, g->key, &g->c, e);
    return g->rc < 0 ? -1 : 0;
}

typedef struct {
    store_child_query_t q;
    store_child_t *out;
    int n;
    int64_t total;
} search_ctx_t;
static int u_search(store_tx_t *tx, void *ctx, fy_err_t *e)
{
    search_ctx_t *s = ctx;
    return store_children_search(tx, &s->q, &s->out, &s->n, &s->total, e);
}

typedef struct {
    int64_t pregnancy_id;
    store_pp_task_t *tasks;
    store_pp_visit_t *visits;
    int n;
} list_ctx_t;
static int u_tasks_of(store_tx_t *tx, void *ctx, fy_err_t *e)
{
    list_ctx_t *l = ctx;
    return store_pp_tasks_of(tx, l->pregnancy_id, &l->tasks, &l->n, e);
}
static int u_visits_of(store_tx_t *tx, void *ctx, fy_err_t *e)
{
    list_ctx_t *l = ctx;
    return store_pp_visits_of(tx, l->pregnancy_id, &l->visits, &l->n, e);
}

/* ---- fixture ------------------------------------------------------------ */

static void write_ok(world_t *w, store_fn fn, void *ctx)
{
    fy_err_t e = {0};
    int rc = store_write(w->st, w->a, fn, ctx, &e);
    if (rc != 0)
        fail_msg("store_write failed: %d %s %s", e.status, e.code, e.detail);
}

static void read_ok(world_t *w, store_fn fn, void *ctx)
{
    fy_err_t e = {0};
    int rc = store_read(w->st, w->a, fn, ctx, &e);
    if (rc != 0)
        fail_msg("store_read failed: %d %s %s", e.status, e.code, e.detail);
}

static int64_t add_woman(world_t *w, const char *name, const char *idnum, const char *district)
{
    store_woman_t x = {.name = name,
                       .id_type = "resident_id",
                       .id_number = idnum,
                       .phone = "13800000000",
                       .residence_district = district,
                       .address = "somewhere",
                       .created_by = 1,
                       .created_at = NOW};
    write_ok(w, u_woman, &x);
    assert_true(x.id > 0);
    return x.id;
}

static void link_woman(world_t *w, int64_t woman_id, const char *inst, const char *district)
{
    link_ctx_t l = {woman_id, inst, district};
    write_ok(w, u_link, &l);
}

static int u_pregnancy(store_tx_t *tx, void *ctx, fy_err_t *e) { return store_pregnancy_insert(tx, ctx, e); }

static int64_t add_pregnancy(world_t *w, int64_t woman_id, const char *status, const char *inst,
                             const char *inst_district, const char *res_district)
{
    store_pregnancy_t p = {.woman_id = woman_id,
                           .status = status,
                           .lmp = 19800,
                           .edd = 20080,
                           .dating = "lmp",
                           .registered_on = 19870,
                           .registered_ga_days = 70,
                           .early_registration = true,
                           .institution_id = inst,
                           .institution_district = inst_district,
                           .residence_district = res_district,
                           .gravidity = 1,
                           .fetuses = 1,
                           .height_cm = 160.0,
                           .weight_kg = 55.0,
                           .schedule_id = "national",
                           .created_by = 1,
                           .created_at = NOW};
    write_ok(w, u_pregnancy, &p);
    assert_true(p.id > 0);
    return p.id;
}

static int setup(void **state)
{
    world_t *w = calloc(1, sizeof *w);
    snprintf(w->dir, sizeof w->dir, "/tmp/fy-delivery-XXXXXX");
    if (!mkdtemp(w->dir))
        return -1;
    snprintf(w->path, sizeof w->path, "%s/fuyou.db", w->dir);
    fy_err_t e = {0};
    if (store_open(w->path, &w->st, &e)) {
        fprintf(stderr, "store_open: %s\n", e.detail);
        return -1;
    }
    w->a = arena_new();
    w->w1 = add_woman(w, "王一", "110101199001010011", "D1");
    w->w2 = add_woman(w, "李二", "110101199202020022", "D2");
    link_woman(w, w->w1, "INST-A", "D1");
    link_woman(w, w->w2, "INST-B", "D2");
    w->p1 = add_pregnancy(w, w->w1, "open", "INST-A", "D1", "D1");
    w->p2 = add_pregnancy(w, w->w2, "delivered", "INST-B", "D2", "D2");
    w->p3 = add_pregnancy(w, w->w2, "open", "INST-B", "D2", "D2");
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world_t *w = *state;
    store_close(w->st);
    arena_free(w->a);
    const char *suffix[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s%s", w->path, suffix[i]);
        unlink(p);
    }
    rmdir(w->dir);
    free(w);
    return 0;
}

/* ---- data --------------------------------------------------------------- */

/* P1: caesarean twins, the second stillborn with every optional field unknown. */
static store_delivery_t twins_delivery(const world_t *w)
{
    return (store_delivery_t){.pregnancy_id = w->p1,
                              .delivered_at = NOW + 3600000,
                              .delivered_on = 20089,
                              .ga_days = 259,
                              .institution_id = "INST-A",
                              .institution_district = "D1",
                              .mode = "caesarean",
                              .cs_indication = "breech",
                              .epidural = true,
                              .blood_loss_ml = 650,
                              .complications = "[\"pph\",\"preeclampsia\"]",
                              .babies = 2,
                              .user_id = 7,
                              .created_at = NOW + 7200000};
}

static store_child_t baby(int64_t mother, int64_t preg, int64_t delivery, int order,
                          const char *outcome, const char *district)
{
    return (store_child_t){.mother_id = mother,
                           .pregnancy_id = preg,
                           .delivery_id = delivery,
                           .birth_order = order,
                           .name = "宝宝",
                           .sex = order % 2 ? 1 : 2,
                           .born_at = NOW + 3600000 + order * 60000,
                           .birth_date = 20089,
                           .ga_days = 259,
                           .weight_g = 2500 + order,
                           .length_cm = 48.5,
                           .head_cm = 33.0,
                           .apgar_1 = 8,
                           .apgar_5 = 9,
                           .outcome = outcome,
                           .defects = "[\"cleft_lip\"]",
                           .residence_district = district,
                           .created_at = NOW + 7200000};
}

/* Twins of P1 (child 1 live, child 2 stillborn with unknowns) and triplets
 * of P2 (live) plus a single live child of P3: 5 live, 6 in all. Fills the
 * children's ids in order. */
static void seed_children(world_t *w, int64_t ids[6])
{
    store_delivery_t d1 = twins_delivery(w);
    write_ok(w, u_delivery, &d1);
    store_child_t c = baby(w->w1, w->p1, d1.id, 1, "live", "D1");
    write_ok(w, u_child, &c);
    ids[0] = c.id;
    c = (store_child_t){.mother_id = w->w1,
                        .pregnancy_id = w->p1,
                        .delivery_id = d1.id,
                        .birth_order = 2,
                        .name = NULL,
                        .sex = 9,
                        .born_at = NOW + 3700000,
                        .birth_date = 20089,
                        .ga_days = 259,
                        .weight_g = 1900,
                        .length_cm = NAN,
                        .head_cm = NAN,
                        .apgar_1 = -1,
                        .apgar_5 = -1,
                        .outcome = "stillbirth",
                        .defects = NULL,
                        .residence_district = "D1",
                        .created_at = NOW + 7200000};
    write_ok(w, u_child, &c);
    ids[1] = c.id;

    store_delivery_t d2 = {.pregnancy_id = w->p2,
                           .delivered_at = NOW,
                           .delivered_on = 20089,
                           .ga_days = 240,
                           .institution_id = "INST-B",
                           .institution_district = "D2",
                           .mode = "vaginal",
                           .blood_loss_ml = -1,
                           .babies = 3,
                           .created_at = NOW};
    write_ok(w, u_delivery, &d2);
    for (int i = 0; i < 3; i++) {
        c = baby(w->w2, w->p2, d2.id, i + 1, "live", "D2");
        write_ok(w, u_child, &c);
        ids[2 + i] = c.id;
    }
    store_delivery_t d3 = d2;
    d3.pregnancy_id = w->p3;
    d3.babies = 1;
    write_ok(w, u_delivery, &d3);
    c = baby(w->w2, w->p3, d3.id, 1, "live", "D2");
    write_ok(w, u_child, &c);
    ids[5] = c.id;
}

/* ---- tests -------------------------------------------------------------- */

static void test_delivery_roundtrip(void **state)
{
    world_t *w = *state;
    store_delivery_t d = twins_delivery(w);
    write_ok(w, u_delivery, &d);
    assert_true(d.id > 0);

    get_ctx_t g = {.key = w->p1};
    read_ok(w, u_delivery_of, &g);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.d.id, d.id);
    assert_int_equal(g.d.pregnancy_id, w->p1);
    assert_int_equal(g.d.delivered_at, NOW + 3600000);
    assert_int_equal(g.d.delivered_on, 20089);
    assert_int_equal(g.d.ga_days, 259);
    assert_string_equal(g.d.institution_id, "INST-A");
    assert_string_equal(g.d.institution_district, "D1");
    assert_string_equal(g.d.mode, "caesarean");
    assert_string_equal(g.d.cs_indication, "breech");
    assert_true(g.d.epidural);
    assert_int_equal(g.d.blood_loss_ml, 650);
    assert_string_equal(g.d.complications, "[\"pph\",\"preeclampsia\"]");
    assert_int_equal(g.d.babies, 2);
    assert_int_equal(g.d.user_id, 7);
    assert_int_equal(g.d.created_at, NOW + 7200000);

    /* unknowns: blood loss -1, no indication, no complications, no user */
    store_delivery_t u = {.pregnancy_id = w->p2,
                          .delivered_at = NOW,
                          .delivered_on = 20080,
                          .ga_days = 275,
                          .institution_id = "INST-B",
                          .institution_district = "D2",
                          .mode = "vaginal",
                          .cs_indication = NULL,
                          .epidural = false,
                          .blood_loss_ml = -1,
                          .complications = NULL,
                          .babies = 1,
                          .user_id = 0,
                          .created_at = NOW};
    write_ok(w, u_delivery, &u);
    g = (get_ctx_t){.key = w->p2};
    read_ok(w, u_delivery_of, &g);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.d.id, u.id);
    assert_null(g.d.cs_indication);
    assert_null(g.d.complications);
    assert_false(g.d.epidural);
    assert_int_equal(g.d.blood_loss_ml, -1);
    assert_int_equal(g.d.user_id, 0);

    /* not found */
    g = (get_ctx_t){.key = w->p3};
    read_ok(w, u_delivery_of, &g);
    assert_int_equal(g.rc, 1);

    /* one delivery per pregnancy: 409 */
    store_delivery_t again = twins_delivery(w);
    fy_err_t e = {0};
    assert_int_equal(store_write(w->st, w->a, u_delivery, &again, &e), -1);
    assert_int_equal(e.status, 409);
}

static void test_children_roundtrip(void **state)
{
    world_t *w = *state;
    int64_t ids[6];
    seed_children(w, ids);

    get_ctx_t g = {.key = ids[0]};
    read_ok(w, u_child_get, &g);
    assert_int_equal(g.rc, 0);
    store_child_t *c = &g.c;
    assert_int_equal(c->id, ids[0]);
    assert_int_equal(c->mother_id, w->w1);
    assert_int_equal(c->pregnancy_id, w->p1);
    assert_true(c->delivery_id > 0);
    assert_int_equal(c->birth_order, 1);
    assert_string_equal(c->name, "宝宝");
    assert_int_equal(c->sex, 1);
    assert_int_equal(c->born_at, NOW + 3600000 + 60000);
    assert_int_equal(c->birth_date, 20089);
    assert_int_equal(c->ga_days, 259);
    assert_int_equal(c->weight_g, 2501);
    assert_true(c->length_cm == 48.5);
    assert_true(c->head_cm == 33.0);
    assert_int_equal(c->apgar_1, 8);
    assert_int_equal(c->apgar_5, 9);
    assert_string_equal(c->outcome, "live");
    assert_string_equal(c->defects, "[\"cleft_lip\"]");
    assert_string_equal(c->residence_district, "D1");
    assert_int_equal(c->created_at, NOW + 7200000);
    assert_int_equal(c->updated_at, NOW + 7200000);
    assert_int_equal(c->version, 1);
    int64_t delivery_id = c->delivery_id;

    /* the stillborn twin: unknowns come back as -1, NaN and NULL */
    g = (get_ctx_t){.key = ids[1]};
    read_ok(w, u_child_get, &g);
    assert_int_equal(g.rc, 0);
    assert_int_equal(c->birth_order, 2);
    assert_int_equal(c->delivery_id, delivery_id);
    assert_null(c->name);
    assert_int_equal(c->sex, 9);
    assert_true(isnan(c->length_cm));
    assert_true(isnan(c->head_cm));
    assert_int_equal(c->apgar_1, -1);
    assert_int_equal(c->apgar_5, -1);
    assert_string_equal(c->outcome, "stillbirth");
    assert_null(c->defects);

    /* insert sets id, version and updated_at on the caller's struct */
    store_child_t x = baby(w->w1, w->p1, delivery_id, 3, "live", "D1");
    x.updated_at = 0;
    x.version = 0;
    write_ok(w, u_child, &x);
    assert_true(x.id > ids[5]);
    assert_int_equal(x.version, 1);
    assert_int_equal(x.updated_at, x.created_at);

    g = (get_ctx_t){.key = 999999};
    read_ok(w, u_child_get, &g);
    assert_int_equal(g.rc, 1);
}

static search_ctx_t search(world_t *w, store_child_query_t q)
{
    search_ctx_t s = {.q = q, .n = -1, .total = -1};
    read_ok(w, u_search, &s);
    return s;
}

static void test_children_search(void **state)
{
    world_t *w = *state;
    int64_t ids[6];
    seed_children(w, ids);
    scope_t all = {.kind = SCOPE_ALL};

    /* live-born only by default */
    search_ctx_t s = search(w, (store_child_query_t){.scope = &all, .limit = 50});
    assert_int_equal(s.total, 5);
    assert_int_equal(s.n, 5);
    int64_t live[5] = {ids[0], ids[2], ids[3], ids[4], ids[5]};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(s.out[i].id, live[i]);
        assert_string_equal(s.out[i].outcome, "live");
    }
    s = search(w, (store_child_query_t){.scope = &all, .include_stillbirths = true, .limit = 50});
    assert_int_equal(s.total, 6);
    assert_int_equal(s.n, 6);
    for (int i = 0; i < 6; i++)
        assert_int_equal(s.out[i].id, ids[i]);

    /* by mother */
    s = search(w, (store_child_query_t){.scope = &all, .mother_id = w->w1, .limit = 50});
    assert_int_equal(s.total, 1);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.out[0].id, ids[0]);
    s = search(w, (store_child_query_t){.scope = &all, .mother_id = w->w1, .include_stillbirths = true, .limit = 50});
    assert_int_equal(s.total, 2);
    assert_int_equal(s.out[1].id, ids[1]);
    assert_true(isnan(s.out[1].length_cm));
    assert_int_equal(s.out[1].apgar_5, -1);
    assert_null(s.out[1].name);
    s = search(w, (store_child_query_t){.scope = &all, .mother_id = w->w2, .limit = 50});
    assert_int_equal(s.total, 4);

    /* by pregnancy */
    s = search(w, (store_child_query_t){.scope = &all, .pregnancy_id = w->p2, .limit = 50});
    assert_int_equal(s.total, 3);
    assert_int_equal(s.out[0].id, ids[2]);
    assert_int_equal(s.out[2].id, ids[4]);
    s = search(w, (store_child_query_t){.scope = &all, .mother_id = w->w2, .pregnancy_id = w->p3, .limit = 50});
    assert_int_equal(s.total, 1);
    assert_int_equal(s.out[0].id, ids[5]);
    s = search(w, (store_child_query_t){.scope = &all, .mother_id = w->w1, .pregnancy_id = w->p3, .limit = 50});
    assert_int_equal(s.total, 0);
    assert_int_equal(s.n, 0);

    /* by the child's residence district */
    s = search(w, (store_child_query_t){.scope = &all, .district = "D2", .limit = 50});
    assert_int_equal(s.total, 4);
    for (int i = 0; i < s.n; i++)
        assert_string_equal(s.out[i].residence_district, "D2");
    s = search(w, (store_child_query_t){.scope = &all, .district = "D1", .include_stillbirths = true, .limit = 50});
    assert_int_equal(s.total, 2);
    s = search(w, (store_child_query_t){.scope = &all, .district = "D9", .limit = 50});
    assert_int_equal(s.total, 0);

    /* institution scope: through the mother's woman_institutions links */
    scope_t inst_a = {.kind = SCOPE_INSTITUTION, .institution_id = "INST-A"};
    scope_t inst_b = {.kind = SCOPE_INSTITUTION, .institution_id = "INST-B"};
    scope_t inst_c = {.kind = SCOPE_INSTITUTION, .institution_id = "INST-C"};
    s = search(w, (store_child_query_t){.scope = &inst_a, .limit = 50});
    assert_int_equal(s.total, 1);
    assert_int_equal(s.out[0].id, ids[0]);
    s = search(w, (store_child_query_t){.scope = &inst_b, .limit = 50});
    assert_int_equal(s.total, 4);
    s = search(w, (store_child_query_t){.scope = &inst_b, .mother_id = w->w1, .limit = 50});
    assert_int_equal(s.total, 0);
    assert_int_equal(s.n, 0);
    s = search(w, (store_child_query_t){.scope = &inst_c, .limit = 50});
    assert_int_equal(s.total, 0);
    /* a second institution serving W1 sees her children too */
    link_woman(w, w->w1, "INST-C", "D3");
    s = search(w, (store_child_query_t){.scope = &inst_c, .include_stillbirths = true, .limit = 50});
    assert_int_equal(s.total, 2);

    /* self: a citizen sees her own children only */
    scope_t self1 = {.kind = SCOPE_SELF, .woman_id = w->w1};
    scope_t self2 = {.kind = SCOPE_SELF, .woman_id = w->w2};
    s = search(w, (store_child_query_t){.scope = &self1, .limit = 50});
    assert_int_equal(s.total, 1);
    assert_int_equal(s.out[0].mother_id, w->w1);
    s = search(w, (store_child_query_t){.scope = &self2, .limit = 50});
    assert_int_equal(s.total, 4);
    for (int i = 0; i < s.n; i++)
        assert_int_equal(s.out[i].mother_id, w->w2);
    s = search(w, (store_child_query_t){.scope = &self1, .mother_id = w->w2, .limit = 50});
    assert_int_equal(s.total, 0);

    /* district scope: the mother lives there or is served there */
    scope_t dist1 = {.kind = SCOPE_DISTRICT, .district = "D1"};
    s = search(w, (store_child_query_t){.scope = &dist1, .limit = 50});
    assert_int_equal(s.total, 1);
    scope_t none = {.kind = SCOPE_NONE};
    s = search(w, (store_child_query_t){.scope = &none, .limit = 50});
    assert_int_equal(s.total, 0);
    assert_int_equal(s.n, 0);
}

static void test_children_paging(void **state)
{
    world_t *w = *state;
    int64_t ids[6];
    seed_children(w, ids);
    scope_t all = {.kind = SCOPE_ALL};
    int64_t live[5] = {ids[0], ids[2], ids[3], ids[4], ids[5]};

    for (int off = 0; off < 6; off += 2) {
        search_ctx_t s = search(w, (store_child_query_t){.scope = &all, .limit = 2, .offset = off});
        assert_int_equal(s.total, 5);
        assert_int_equal(s.n, off < 4 ? 2 : 1);
        for (int i = 0; i < s.n; i++)
            assert_int_equal(s.out[i].id, live[off + i]);
    }
    search_ctx_t s = search(w, (store_child_query_t){.scope = &all, .limit = 10, .offset = 10});
    assert_int_equal(s.total, 5);
    assert_int_equal(s.n, 0);
    s = search(w, (store_child_query_t){.scope = &all, .include_stillbirths = true, .limit = 3, .offset = 1});
    assert_int_equal(s.total, 6);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.out[0].id, ids[1]);
    assert_int_equal(s.out[2].id, ids[3]);
    scope_t inst_b = {.kind = SCOPE_INSTITUTION, .institution_id = "INST-B"};
    s = search(w, (store_child_query_t){.scope = &inst_b, .limit = 1, .offset = 3});
    assert_int_equal(s.total, 4);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.out[0].id, ids[5]);
}

static void test_pp_tasks(void **state)
{
    world_t *w = *state;
    /* inserted out of due order; status NULL means open */
    store_pp_task_t t42 = {.pregnancy_id = w->p1, .kind = "day42", .institution_id = "INST-A",
                           .due_from = 20131, .due_to = 20145, .status = "open"};
    store_pp_task_t h1 = {.pregnancy_id = w->p1, .kind = "home_visit_1", .institution_id = "INST-A",
                          .due_from = 20092, .due_to = 20096, .status = NULL};
    store_pp_task_t h2 = {.pregnancy_id = w->p1, .kind = "home_visit_2", .institution_id = "INST-A",
                          .due_from = 20103, .due_to = 20117, .status = "open"};
    store_pp_task_t other = {.pregnancy_id = w->p2, .kind = "day42", .institution_id = "INST-B",
                             .due_from = 20000, .due_to = 20010, .status = "cancelled"};
    write_ok(w, u_task, &t42);
    write_ok(w, u_task, &h1);
    write_ok(w, u_task, &h2);
    write_ok(w, u_task, &other);
    assert_true(t42.id > 0 && h1.id > t42.id && h2.id > h1.id);

    list_ctx_t l = {.pregnancy_id = w->p1};
    read_ok(w, u_tasks_of, &l);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.tasks[0].id, h1.id);
    assert_int_equal(l.tasks[1].id, h2.id);
    assert_int_equal(l.tasks[2].id, t42.id);
    assert_string_equal(l.tasks[0].kind, "home_visit_1");
    assert_string_equal(l.tasks[0].institution_id, "INST-A");
    assert_int_equal(l.tasks[0].pregnancy_id, w->p1);
    assert_int_equal(l.tasks[0].due_from, 20092);
    assert_int_equal(l.tasks[0].due_to, 20096);
    assert_string_equal(l.tasks[0].status, "open");
    assert_int_equal(l.tasks[0].visit_id, 0);
    assert_int_equal(l.tasks[2].due_from, 20131);

    /* one task of a kind per pregnancy */
    store_pp_task_t dup = h1;
    fy_err_t e = {0};
    assert_int_equal(store_write(w->st, w->a, u_task, &dup, &e), -1);
    assert_int_equal(e.status, 409);

    /* a visit done: status and visit id */
    store_pp_visit_t v = {.pregnancy_id = w->p1, .kind = "home_visit", .date = 20093, .sbp = NAN, .dbp = NAN,
                          .epds_score = -1, .task_id = h1.id, .created_at = NOW};
    write_ok(w, u_visit, &v);
    task_upd_ctx_t u = {.t = l.tasks[0]};
    u.t.status = "done";
    u.t.visit_id = v.id;
    write_ok(w, u_task_update, &u);
    assert_int_equal(u.rc, 0);
    u = (task_upd_ctx_t){.t = {.id = 999999, .status = "done"}};
    write_ok(w, u_task_update, &u);
    assert_int_equal(u.rc, 1);

    l = (list_ctx_t){.pregnancy_id = w->p1};
    read_ok(w, u_tasks_of, &l);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.tasks[0].status, "done");
    assert_int_equal(l.tasks[0].visit_id, v.id);
    assert_string_equal(l.tasks[1].status, "open");
    assert_int_equal(l.tasks[1].visit_id, 0);

    /* cancelling clears the visit id back to none */
    u = (task_upd_ctx_t){.t = l.tasks[0]};
    u.t.status = "cancelled";
    u.t.visit_id = 0;
    write_ok(w, u_task_update, &u);
    l = (list_ctx_t){.pregnancy_id = w->p1};
    read_ok(w, u_tasks_of, &l);
    assert_string_equal(l.tasks[0].status, "cancelled");
    assert_int_equal(l.tasks[0].visit_id, 0);

    l = (list_ctx_t){.pregnancy_id = w->p2};
    read_ok(w, u_tasks_of, &l);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.tasks[0].status, "cancelled");
    l = (list_ctx_t){.pregnancy_id = w->p3};
    read_ok(w, u_tasks_of, &l);
    assert_int_equal(l.n, 0);
}

static void test_pp_visits(void **state)
{
    world_t *w = *state;
    store_pp_task_t t = {.pregnancy_id = w->p1, .kind = "day42", .institution_id = "INST-A",
                         .due_from = 20131, .due_to = 20145, .status = "open"};
    write_ok(w, u_task, &t);

    /* entered out of date order; two on the same day keep entry order */
    store_pp_visit_t late = {.pregnancy_id = w->p1,
                             .kind = "day42",
                             .date = 20132,
                             .sbp = 128.0,
                             .dbp = 84.5,
                             .findings = "uterus involuted",
                             .epds_score = 11,
                             .declared_factors = "[\"hypertension\"]",
                             .institution_id = "INST-A",
                             .user_id = 5,
                             .task_id = t.id,
                             .created_at = NOW + 1000};
    store_pp_visit_t early = {.pregnancy_id = w->p1,
                              .kind = "home_visit",
                              .date = 20093,
                              .sbp = NAN,
                              .dbp = NAN,
                              .findings = NULL,
                              .epds_score = -1,
                              .declared_factors = NULL,
                              .institution_id = NULL,
                              .user_id = 0,
                              .task_id = 0,
                              .created_at = NOW + 2000};
    store_pp_visit_t early2 = early;
    early2.epds_score = 0;
    early2.sbp = 110;
    early2.created_at = NOW + 3000;
    write_ok(w, u_visit, &late);
    write_ok(w, u_visit, &early);
    write_ok(w, u_visit, &early2);
    assert_true(late.id > 0 && early.id > late.id && early2.id > early.id);

    list_ctx_t l = {.pregnancy_id = w->p1};
    read_ok(w, u_visits_of, &l);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.visits[0].id, early.id);
    assert_int_equal(l.visits[1].id, early2.id);
    assert_int_equal(l.visits[2].id, late.id);

    store_pp_visit_t *v = &l.visits[0];
    assert_int_equal(v->pregnancy_id, w->p1);
    assert_string_equal(v->kind, "home_visit");
    assert_int_equal(v->date, 20093);
    assert_true(isnan(v->sbp));
    assert_true(isnan(v->dbp));
    assert_null(v->findings);
    assert_int_equal(v->epds_score, -1);
    assert_null(v->declared_factors);
    assert_null(v->institution_id);
    assert_int_equal(v->user_id, 0);
    assert_int_equal(v->task_id, 0);
    assert_int_equal(v->created_at, NOW + 2000);

    assert_int_equal(l.visits[1].epds_score, 0); /* 0 is a score, not unknown */
    assert_true(l.visits[1].sbp == 110.0);
    assert_true(isnan(l.visits[1].dbp));

    v = &l.visits[2];
    assert_string_equal(v->kind, "day42");
    assert_int_equal(v->date, 20132);
    assert_true(v->sbp == 128.0);
    assert_true(v->dbp == 84.5);
    assert_string_equal(v->findings, "uterus involuted");
    assert_int_equal(v->epds_score, 11);
    assert_string_equal(v->declared_factors, "[\"hypertension\"]");
    assert_string_equal(v->institution_id, "INST-A");
    assert_int_equal(v->user_id, 5);
    assert_int_equal(v->task_id, t.id);
    assert_int_equal(v->created_at, NOW + 1000);

    l = (list_ctx_t){.pregnancy_id = w->p2};
    read_ok(w, u_visits_of, &l);
    assert_int_equal(l.n, 0);

    /* a unit that fails is rolled back alone: a visit for a missing
     * pregnancy breaks the foreign key */
    store_pp_visit_t bad = early;
    bad.pregnancy_id = 999999;
    fy_err_t e = {0};
    assert_int_equal(store_write(w->st, w->a, u_visit, &bad, &e), -1);
    l = (list_ctx_t){.pregnancy_id = w->p1};
    read_ok(w, u_visits_of, &l);
    assert_int_equal(l.n, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_delivery_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_children_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_children_search, setup, teardown),
        cmocka_unit_test_setup_teardown(test_children_paging, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pp_tasks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pp_visits, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
