#include "jobs/jobs.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "api/child_health.h"
#include "api/pregnancy.h"

#define BATCH 200

struct jobs {
    app_t *app;
    int interval;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stopping;
};

struct due_ctx {
    fy_date_t today;
    int64_t *ids;
    int n;
};

static int due_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct due_ctx *c = vctx;
    return store_pregnancies_due(tx, c->today, BATCH, &c->ids, &c->n, e);
}

struct refresh_ctx {
    app_t *app;
    struct due_ctx *due;
};

static int refresh_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct refresh_ctx *c = vctx;
    for (int i = 0; i < c->due->n; i++) {
        store_pregnancy_t p;
        store_woman_t w;
        if (store_pregnancy_get(tx, c->due->ids[i], &p, e) || store_woman_get(tx, p.woman_id, &w, e))
            return -1;
        bool was_overdue = p.overdue;
        bool had = p.has_next_check;
        fy_date_t before = p.next_check_on;
        store_visit_t *visits;
        int nv;
        if (store_visits_of(tx, p.id, &visits, &nv, e) ||
            preg_schedule_refresh(c->app, tx, &p, &w, visits, nv, c->due->today, e))
            return -1;
        /* a pregnancy must leave the due set, or the job would spin on it */
        if (p.has_next_check && p.next_check_on <= c->due->today)
            p.next_check_on = c->due->today + 1;
        if (was_overdue != p.overdue || had != p.has_next_check || before != p.next_check_on) {
            p.updated_at = fy_now_ms();
            if (store_pregnancy_update(tx, &p, e))
                return -1;
        }
    }
    return 0;
}

static int pregnancies_pass(app_t *app, fy_date_t today)
{
    int total = 0;
    for (;;) {
        arena_t *a = arena_new();
        struct due_ctx due = {today, NULL, 0};
        fy_err_t e = {0};
        if (store_read(app->store, a, due_unit, &due, &e)) {
            arena_free(a);
            return -1;
        }
        if (due.n == 0) {
            arena_free(a);
            return total;
        }
        struct refresh_ctx rc = {app, &due};
        if (store_write(app->store, a, refresh_unit, &rc, &e)) {
            fprintf(stderr, "fuyou: reminder job: %s\n", e.detail);
            arena_free(a);
            return -1;
        }
        total += due.n;
        arena_free(a);
    }
}

/* ---- children: check reminders and the overdue flag ------------------------
 * Incremental like the pregnancy pass: live children are enrolled into
 * child_states from the children table once (a mark that only moves
 * forward), and each pass refreshes only the children whose next_check_on
 * has come (child_schedule_refresh always moves it past today). */

struct child_due_ctx {
    fy_date_t today;
    int64_t *ids;
    int n, seeded;
};

static int child_seed_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct child_due_ctx *c = vctx;
    return store_child_states_seed(tx, BATCH, &c->seeded, e);
}

static int child_due_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct child_due_ctx *c = vctx;
    return store_child_states_due(tx, c->today, BATCH, &c->ids, &c->n, e);
}

struct child_refresh_ctx {
    app_t *app;
    struct child_due_ctx *due;
};

static int child_refresh_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct child_refresh_ctx *c = vctx;
    for (int i = 0; i < c->due->n; i++)
        if (child_schedule_refresh(c->app, tx, c->due->ids[i], c->due->today, e) < 0)
            return -1;
    return 0;
}

/* Returns the number of children refreshed, or -1. */
static int children_pass(app_t *app, fy_date_t today)
{
    int total = 0;
    for (bool seeding = true;;) {
        arena_t *a = arena_new();
        struct child_due_ctx due = {today, NULL, 0, 0};
        fy_err_t e = {0};
        if (seeding) {
            int rc = store_write(app->store, a, child_seed_unit, &due, &e);
            arena_free(a);
            if (rc) {
                fprintf(stderr, "fuyou: child reminder job (enrolment): %s\n", e.detail);
                return -1;
            }
            seeding = due.seeded >= BATCH;
            continue;
        }
        if (store_read(app->store, a, child_due_unit, &due, &e)) {
            arena_free(a);
            return -1;
        }
        if (due.n == 0) {
            arena_free(a);
            return total;
        }
        struct child_refresh_ctx rc = {app, &due};
        if (store_write(app->store, a, child_refresh_unit, &rc, &e)) {
            fprintf(stderr, "fuyou: child reminder job: %s\n", e.detail);
            arena_free(a);
            return -1;
        }
        total += due.n;
        arena_free(a);
    }
}

int jobs_run_once(app_t *app, fy_date_t today)
{
    int pregnancies = pregnancies_pass(app, today);
    int children = children_pass(app, today);
    return pregnancies < 0 || children < 0 ? -1 : pregnancies;
}

static void *jobs_main(void *arg)
{
    jobs_t *j = arg;
    pthread_mutex_lock(&j->mu);
    while (!j->stopping) {
        pthread_mutex_unlock(&j->mu);
        jobs_run_once(j->app, fy_today());
        pthread_mutex_lock(&j->mu);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += j->interval;
        while (!j->stopping && pthread_cond_timedwait(&j->cv, &j->mu, &until) == 0)
            ;
    }
    pthread_mutex_unlock(&j->mu);
    return NULL;
}

jobs_t *jobs_start(app_t *app, int interval_seconds)
{
    jobs_t *j = calloc(1, sizeof *j);
    j->app = app;
    j->interval = interval_seconds > 0 ? interval_seconds : 60;
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->cv, NULL);
    pthread_create(&j->thread, NULL, jobs_main, j);
    return j;
}

void jobs_stop(jobs_t *j)
{
    if (!j)
        return;
    pthread_mutex_lock(&j->mu);
    j->stopping = true;
    pthread_cond_signal(&j->cv);
    pthread_mutex_unlock(&j->mu);
    pthread_join(j->thread, NULL);
    pthread_mutex_destroy(&j->mu);
    pthread_cond_destroy(&j->cv);
    free(j);
}
