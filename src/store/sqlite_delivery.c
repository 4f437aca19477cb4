/* Deliveries, the children born of them, and postpartum tasks and visits. */
#include "base/buf.h"
#include "store/sqlite_int.h"

/* ---- deliveries ------------------------------------------------------ */

#define DELIVERY_COLS                                                                                              \
    "d.id, d.pregnancy_id, d.delivered_at, d.delivered_on, d.ga_days, d.institution_id, d.institution_district,"  \
    " d.mode, d.cs_indication, d.epidural, d.blood_loss_ml, d.complications, d.babies, d.user_id, d.created_at"

static void read_delivery(store_tx_t *tx, sqlite3_stmt *s, void *row)
{
    store_delivery_t *d = row;
    d->id = sqlite3_column_int64(s, 0);
    d->pregnancy_id = sqlite3_column_int64(s, 1);
    d->delivered_at = sqlite3_column_int64(s, 2);
    d->delivered_on = (fy_date_t)sqlite3_column_int(s, 3);
    d->ga_days = sqlite3_column_int(s, 4);
    d->institution_id = sq_text(tx, s, 5);
    d->institution_district = sq_text(tx, s, 6);
    d->mode = sq_text(tx, s, 7);
    d->cs_indication = sq_text(tx, s, 8);
    d->epidural = sqlite3_column_int(s, 9) != 0;
    d->blood_loss_ml = sq_col_opt_int(s, 10);
    d->complications = sq_text(tx, s, 11);
    d->babies = sqlite3_column_int(s, 12);
    d->user_id = sqlite3_column_int64(s, 13);
    d->created_at = sqlite3_column_int64(s, 14);
}

/* Sets d->id. 409 when the pregnancy already has a delivery. */
int store_delivery_insert(store_tx_t *tx, store_delivery_t *d, fy_err_t *e)
{
    static const char sql[] = "INSERT INTO deliveries(pregnancy_id, delivered_at, delivered_on, ga_days,"
                              " institution_id, institution_district, mode, cs_indication, epidural, blood_loss_ml,"
                              " complications, babies, user_id, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, d->pregnancy_id);
    sqlite3_bind_int64(s, 2, d->delivered_at);
    sqlite3_bind_int(s, 3, d->delivered_on);
    sqlite3_bind_int(s, 4, d->ga_days);
    sq_bind_text(s, 5, d->institution_id);
    sq_bind_text(s, 6, d->institution_district);
    sq_bind_text(s, 7, d->mode);
    sq_bind_text(s, 8, d->cs_indication);
    sqlite3_bind_int(s, 9, d->epidural ? 1 : 0);
    sq_bind_opt_int(s, 10, d->blood_loss_ml);
    sq_bind_text(s, 11, d->complications);
    sqlite3_bind_int(s, 12, d->babies);
    sq_bind_ref(s, 13, d->user_id);
    sqlite3_bind_int64(s, 14, d->created_at);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    d->id = sqlite3_last_insert_rowid(sq_db(tx));
    return 0;
}

int store_delivery_of(store_tx_t *tx, int64_t pregnancy_id, store_delivery_t *out, fy_err_t *e)
{
    /* the covering index (migration 010): the planner would take the unique
     * one and then read the table too */
    static const char sql[] = "SELECT " DELIVERY_COLS " FROM deliveries d INDEXED BY deliveries_record"
                              " WHERE d.pregnancy_id = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, pregnancy_id);
    return sq_row(tx, s, read_delivery, out, e);
}

/* ---- children -------------------------------------------------------- */

void sq_read_child(store_tx_t *tx, sqlite3_stmt *s, int o, store_child_t *c)
{
    c->id = sqlite3_column_int64(s, o + 0);
    c->mother_id = sqlite3_column_int64(s, o + 1);
    c->pregnancy_id = sqlite3_column_int64(s, o + 2);
    c->delivery_id = sqlite3_column_int64(s, o + 3);
    c->birth_order = sqlite3_column_int(s, o + 4);
    c->name = sq_text(tx, s, o + 5);
    c->sex = sqlite3_column_int(s, o + 6);
    c->born_at = sqlite3_column_int64(s, o + 7);
    c->birth_date = (fy_date_t)sqlite3_column_int(s, o + 8);
    c->ga_days = sqlite3_column_int(s, o + 9);
    c->weight_g = sqlite3_column_int(s, o + 10);
    c->length_cm = sq_double(s, o + 11);
    c->head_cm = sq_double(s, o + 12);
    c->apgar_1 = sqlite3_column_type(s, o + 13) == SQLITE_NULL ? -1 : sqlite3_column_int(s, o + 13);
    c->apgar_5 = sqlite3_column_type(s, o + 14) == SQLITE_NULL ? -1 : sqlite3_column_int(s, o + 14);
    c->outcome = sq_text(tx, s, o + 15);
    c->defects = sq_text(tx, s, o + 16);
    c->residence_district = sq_text(tx, s, o + 17);
    c->created_at = sqlite3_column_int64(s, o + 18);
    c->updated_at = sqlite3_column_int64(s, o + 19);
    c->version = sqlite3_column_int64(s, o + 20);
}

static void read_child(store_tx_t *tx, sqlite3_stmt *s, void *row) { sq_read_child(tx, s, 0, row); }

/* Sets c->id, version 1, updated_at = created_at. */
int store_child_insert(store_tx_t *tx, store_child_t *c, fy_err_t *e)
{
    static const char sql[] = "INSERT INTO children(mother_id, pregnancy_id, delivery_id, birth_order, name, sex,"
                              " born_at, birth_date, ga_days, weight_g, length_cm, head_cm, apgar_1, apgar_5,"
                              " outcome, defects, residence_district, created_at, updated_at, version)"
                              " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, c->mother_id);
    sqlite3_bind_int64(s, 2, c->pregnancy_id);
    sqlite3_bind_int64(s, 3, c->delivery_id);
    sqlite3_bind_int(s, 4, c->birth_order);
    sq_bind_text(s, 5, c->name);
    sqlite3_bind_int(s, 6, c->sex);
    sqlite3_bind_int64(s, 7, c->born_at);
    sqlite3_bind_int(s, 8, c->birth_date);
    sqlite3_bind_int(s, 9, c->ga_days);
    sqlite3_bind_int(s, 10, c->weight_g);
    sq_bind_double(s, 11, c->length_cm);
    sq_bind_double(s, 12, c->head_cm);
    sq_bind_opt_int(s, 13, c->apgar_1);
    sq_bind_opt_int(s, 14, c->apgar_5);
    sq_bind_text(s, 15, c->outcome);
    sq_bind_text(s, 16, c->defects);
    sq_bind_text(s, 17, c->residence_district);
    sqlite3_bind_int64(s, 18, c->created_at);
    sqlite3_bind_int64(s, 19, c->created_at);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    c->id = sqlite3_last_insert_rowid(sq_db(tx));
    c->version = 1;
    c->updated_at = c->created_at;
    return 0;
}

int store_child_get(store_tx_t *tx, int64_t id, store_child_t *out, fy_err_t *e)
{
    static const char sql[] = "SELECT " SQ_CHILD_COLS " FROM children c WHERE c.id = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    return sq_row(tx, s, read_child, out, e);
}

/* Every baby of a pregnancy, stillborn ones too, by id: the record's list,
 * from the covering children_pregnancy index (migration 010). */
int store_children_of(store_tx_t *tx, int64_t pregnancy_id, store_child_t **out, int *n, fy_err_t *e)
{
    static const char sql[] = "SELECT " SQ_CHILD_COLS " FROM children c WHERE c.pregnancy_id = ? ORDER BY c.id";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, pregnancy_id);
    *out = sq_rows(tx, s, sizeof **out, 2, read_child, n, e);
    return *out ? 0 : -1;
}

static void bind_child_query(sqlite3_stmt *s, const void *vq)
{
    const store_child_query_t *q = vq;
    int i = sqlite3_bind_parameter_index(s, ":mother");
    if (i)
        sqlite3_bind_int64(s, i, q->mother_id);
    i = sqlite3_bind_parameter_index(s, ":preg");
    if (i)
        sqlite3_bind_int64(s, i, q->pregnancy_id);
    sq_bind_named(s, ":cdist", q->district);
    sq_bind_scope(s, q->scope);
}

/* Children in scope (through the mother) matching the query, ordered by
 * id; *total counts all matches. */
int store_children_search(store_tx_t *tx, const store_child_query_t *q, store_child_t **out, int *n,
                          int64_t *total, fy_err_t *e)
{
    buf_t where = {0};
    buf_puts(&where, " FROM children c JOIN women w ON w.id = c.mother_id WHERE 1");
    if (!q->include_stillbirths)
        buf_puts(&where, " AND c.outcome = 'live'");
    if (q->mother_id)
        buf_puts(&where, " AND c.mother_id = :mother");
    if (q->pregnancy_id)
        buf_puts(&where, " AND c.pregnancy_id = :preg");
    if (q->district)
        buf_puts(&where, " AND c.residence_district = :cdist");
    sq_scope_where(&where, q->scope);

    char *count_sql = arena_printf(tx->arena, "SELECT count(*)%s", where.p);
    char *list_sql = arena_printf(tx->arena, "SELECT " SQ_CHILD_COLS "%s ORDER BY c.id LIMIT :lim OFFSET :off", where.p);
    buf_free(&where);

    *out = sq_page(tx, list_sql, count_sql, bind_child_query, q, q->limit, q->offset, sizeof **out, read_child, n,
                   total, e);
    return *out ? 0 : -1;
}

/* ---- postpartum tasks ------------------------------------------------ */

#define PP_TASK_COLS "t.id, t.pregnancy_id, t.kind, t.institution_id, t.due_from, t.due_to, t.status, t.visit_id"

static void read_pp_task(store_tx_t *tx, sqlite3_stmt *s, void *row)
{
    store_pp_task_t *t = row;
    t->id = sqlite3_column_int64(s, 0);
    t->pregnancy_id = sqlite3_column_int64(s, 1);
    t->kind = sq_text(tx, s, 2);
    t->institution_id = sq_text(tx, s, 3);
    t->due_from = (fy_date_t)sqlite3_column_int(s, 4);
    t->due_to = (fy_date_t)sqlite3_column_int(s, 5);
    t->status = sq_text(tx, s, 6);
    t->visit_id = sqlite3_column_int64(s, 7); /* 0 when none */
}

/* Sets t->id; a NULL status is stored as 'open'. 409 when the pregnancy
 * already has a task of that kind. */
int store_pp_task_insert(store_tx_t *tx, store_pp_task_t *t, fy_err_t *e)
{
    static const char sql[] = "INSERT INTO postpartum_tasks(pregnancy_id, kind, institution_id, due_from, due_to,"
                              " status, visit_id) VALUES (?,?,?,?,?, coalesce(?, 'open'), ?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, t->pregnancy_id);
    sq_bind_text(s, 2, t->kind);
    sq_bind_text(s, 3, t->institution_id);
    sqlite3_bind_int(s, 4, t->due_from);
    sqlite3_bind_int(s, 5, t->due_to);
    sq_bind_text(s, 6, t->status);
    sq_bind_ref(s, 7, t->visit_id);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    t->id = sqlite3_last_insert_rowid(sq_db(tx));
    if (!t->status)
        t->status = "open";
    return 0;
}

/* Ordered by due_from (then id). */
int store_pp_tasks_of(store_tx_t *tx, int64_t pregnancy_id, store_pp_task_t **out, int *n, fy_err_t *e)
{
    static const char sql[] = "SELECT " PP_TASK_COLS " FROM postpartum_tasks t WHERE t.pregnancy_id = ?"
                              " ORDER BY t.due_from, t.id";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, pregnancy_id);
    *out = sq_rows(tx, s, sizeof **out, 4, read_pp_task, n, e);
    return *out ? 0 : -1;
}

/* Writes status and visit_id of the task t->id; 1 when there is no such task. */
int store_pp_task_update(store_tx_t *tx, const store_pp_task_t *t, fy_err_t *e)
{
    static const char sql[] = "UPDATE postpartum_tasks SET status = ?, visit_id = ? WHERE id = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, t->status);
    sq_bind_ref(s, 2, t->visit_id);
    sqlite3_bind_int64(s, 3, t->id);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    return sqlite3_changes(sq_db(tx)) ? 0 : 1;
}

/* ---- postpartum visits ----------------------------------------------- */

#define PP_VISIT_COLS                                                                                              \
    "v.id, v.pregnancy_id, v.kind, v.date, v.sbp, v.dbp, v.findings, v.epds_score, v.declared_factors,"            \
    " v.institution_id, v.user_id, v.task_id, v.created_at"

static void read_pp_visit(store_tx_t *tx, sqlite3_stmt *s, void *row)
{
    store_pp_visit_t *v = row;
    v->id = sqlite3_column_int64(s, 0);
    v->pregnancy_id = sqlite3_column_int64(s, 1);
    v->kind = sq_text(tx, s, 2);
    v->date = (fy_date_t)sqlite3_column_int(s, 3);
    v->sbp = sq_double(s, 4);
    v->dbp = sq_double(s, 5);
    v->findings = sq_text(tx, s, 6);
    v->epds_score = sq_col_opt_int(s, 7);
    v->declared_factors = sq_text(tx, s, 8);
    v->institution_id = sq_text(tx, s, 9);
    v->user_id = sqlite3_column_int64(s, 10);
    v->task_id = sqlite3_column_int64(s, 11); /* 0 when none */
    v->created_at = sqlite3_column_int64(s, 12);
}

/* Sets v->id. */
int store_pp_visit_insert(store_tx_t *tx, store_pp_visit_t *v, fy_err_t *e)
{
    static const char sql[] = "INSERT INTO postpartum_visits(pregnancy_id, kind, date, sbp, dbp, findings,"
                              " epds_score, declared_factors, institution_id, user_id, task_id, created_at)"
                              " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, v->pregnancy_id);
    sq_bind_text(s, 2, v->kind);
    sqlite3_bind_int(s, 3, v->date);
    sq_bind_double(s, 4, v->sbp);
    sq_bind_double(s, 5, v->dbp);
    sq_bind_text(s, 6, v->findings);
    sq_bind_opt_int(s, 7, v->epds_score);
    sq_bind_text(s, 8, v->declared_factors);
    sq_bind_text(s, 9, v->institution_id);
    sq_bind_ref(s, 10, v->user_id);
    sq_bind_ref(s, 11, v->task_id);
    sqlite3_bind_int64(s, 12, v->created_at);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    v->id = sqlite3_last_insert_rowid(sq_db(tx));
    return 0;
}

/* In date order (then entry order). */
int store_pp_visits_of(store_tx_t *tx, int64_t pregnancy_id, store_pp_visit_t **out, int *n, fy_err_t *e)
{
    static const char sql[] = "SELECT " PP_VISIT_COLS " FROM postpartum_visits v WHERE v.pregnancy_id = ?"
                              " ORDER BY v.date, v.id";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, pregnancy_id);
    *out = sq_rows(tx, s, sizeof **out, 4, read_pp_visit, n, e);
    return *out ? 0 : -1;
}

int store_child_set_name(store_tx_t *tx, int64_t id, const char *name, int64_t expected_version, int64_t now_ms,
                         fy_err_t *e)
{
    static const char sql[] = "UPDATE children SET name = ?, updated_at = ?, version = version + 1"
                              " WHERE id = ? AND version = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, name);
    sqlite3_bind_int64(s, 2, now_ms);
    sqlite3_bind_int64(s, 3, id);
    sqlite3_bind_int64(s, 4, expected_version);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    if (sqlite3_changes(sq_db(tx)) == 0)
        return fy_fail(e, 412, "stale_etag",
                       "记录已被他人修改，请刷新后重试 (the record changed since it was read; reload and retry)");
    return 0;
}
