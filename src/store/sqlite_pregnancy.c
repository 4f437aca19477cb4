/* Pregnancies and what hangs off them: cards, visits and labs, risk
 * gradings, high-risk cases, continuation assessments, the outbox,
 * appointments, and the pregnancy work lists. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store/sqlite_int.h"

#define PREG_COLS                                                                                                  \
    "p.id, p.woman_id, p.status, p.outcome, p.ended_on, p.lmp, p.edd, p.dating, p.registered_on,"                  \
    " p.registered_ga_days, p.early_registration, p.institution_id, p.institution_district,"                      \
    " p.residence_district, p.delivery_institution_id, p.gravidity, p.parity, p.previous_caesareans,"            \
    " p.other_uterine_operations, p.last_uterine_surgery_date, p.previous_miscarriages,"                          \
    " p.assisted_reproduction, p.fetuses, p.height_cm, p.weight_kg, p.schedule_id, p.declared_factors, p.color,"  \
    " p.purple, p.risk_assessment_id, p.overdue, p.next_check_on, p.created_by, p.created_at, p.updated_at,"      \
    " p.version, p.has_management_rows"
#define PREG_NCOLS 37

static bool is_null(sqlite3_stmt *s, int col) { return sqlite3_column_type(s, col) == SQLITE_NULL; }

static void read_preg(store_tx_t *tx, sqlite3_stmt *s, int o, store_pregnancy_t *p)
{
    p->id = sqlite3_column_int64(s, o + 0);
    p->woman_id = sqlite3_column_int64(s, o + 1);
    p->status = sq_text(tx, s, o + 2);
    p->outcome = sq_text(tx, s, o + 3);
    p->has_ended = !is_null(s, o + 4);
    p->ended_on = sqlite3_column_int(s, o + 4);
    p->lmp = sqlite3_column_int(s, o + 5);
    p->edd = sqlite3_column_int(s, o + 6);
    p->dating = sq_text(tx, s, o + 7);
    p->registered_on = sqlite3_column_int(s, o + 8);
    p->registered_ga_days = sqlite3_column_int(s, o + 9);
    p->early_registration = sqlite3_column_int(s, o + 10) != 0;
    p->institution_id = sq_text(tx, s, o + 11);
    p->institution_district = sq_text(tx, s, o + 12);
    p->residence_district = sq_text(tx, s, o + 13);
    p->delivery_institution_id = sq_text(tx, s, o + 14);
    p->gravidity = sqlite3_column_int(s, o + 15);
    p->parity = sqlite3_column_int(s, o + 16);
    p->previous_caesareans = sqlite3_column_int(s, o + 17);
    p->other_uterine_operations = sqlite3_column_int(s, o + 18);
    p->has_last_uterine_surgery = !is_null(s, o + 19);
    p->last_uterine_surgery_date = sqlite3_column_int(s, o + 19);
    p->previous_miscarriages = sqlite3_column_int(s, o + 20);
    p->assisted_reproduction = sqlite3_column_int(s, o + 21) != 0;
    p->fetuses = sqlite3_column_int(s, o + 22);
    p->height_cm = sqlite3_column_double(s, o + 23);
    p->weight_kg = sqlite3_column_double(s, o + 24);
    p->schedule_id = sq_text(tx, s, o + 25);
    p->declared_factors = sq_text(tx, s, o + 26);
    p->color = sq_text(tx, s, o + 27);
    p->purple = sqlite3_column_int(s, o + 28) != 0;
    p->risk_assessment_id = sqlite3_column_int64(s, o + 29);
    p->overdue = sqlite3_column_int(s, o + 30) != 0;
    p->has_next_check = !is_null(s, o + 31);
    p->next_check_on = sqlite3_column_int(s, o + 31);
    p->created_by = sqlite3_column_int64(s, o + 32);
    p->created_at = sqlite3_column_int64(s, o + 33);
    p->updated_at = sqlite3_column_int64(s, o + 34);
    p->version = sqlite3_column_int64(s, o + 35);
    p->has_management_rows = sqlite3_column_int(s, o + 36) != 0;
}

static void read_preg_row(store_tx_t *tx, sqlite3_stmt *s, void *row) { read_preg(tx, s, 0, row); }

int store_pregnancy_insert(store_tx_t *tx, store_pregnancy_t *p, fy_err_t *e)
{
    store_pregnancy_t open;
    int rc = store_pregnancy_open_of(tx, p->woman_id, &open, e);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        snprintf(e->extra, sizeof e->extra, "\"existing_id\":\"%lld\"", (long long)open.id);
        return fy_fail(e, 409, "open_pregnancy",
                       "该妇女已有一个未结束的孕产期档案 %lld (she already has an open pregnancy %lld)",
                       (long long)open.id, (long long)open.id);
    }
    static const char sql[] =
        "INSERT INTO pregnancies(woman_id, status, lmp, edd, dating, registered_on, registered_ga_days,"
        " early_registration, institution_id, institution_district, residence_district, delivery_institution_id,"
        " gravidity, parity, previous_caesareans, other_uterine_operations, last_uterine_surgery_date,"
        " previous_miscarriages, assisted_reproduction, fetuses, height_cm, weight_kg, schedule_id,"
        " declared_factors, color, purple, next_check_on, created_by, created_at, updated_at, version)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    int i = 1;
    sqlite3_bind_int64(s, i++, p->woman_id);
    sq_bind_text(s, i++, p->status ? p->status : "open");
    sqlite3_bind_int(s, i++, p->lmp);
    sqlite3_bind_int(s, i++, p->edd);
    sq_bind_text(s, i++, p->dating);
    sqlite3_bind_int(s, i++, p->registered_on);
    sqlite3_bind_int(s, i++, p->registered_ga_days);
    sqlite3_bind_int(s, i++, p->early_registration);
    sq_bind_text(s, i++, p->institution_id);
    sq_bind_text(s, i++, p->institution_district);
    sq_bind_text(s, i++, p->residence_district);
    sq_bind_text(s, i++, p->delivery_institution_id);
    sqlite3_bind_int(s, i++, p->gravidity);
    sqlite3_bind_int(s, i++, p->parity);
    sqlite3_bind_int(s, i++, p->previous_caesareans);
    sqlite3_bind_int(s, i++, p->other_uterine_operations);
    sq_bind_int_or_null(s, i++, p->has_last_uterine_surgery, p->last_uterine_surgery_date);
    sqlite3_bind_int(s, i++, p->previous_miscarriages);
    sqlite3_bind_int(s, i++, p->assisted_reproduction);
    sqlite3_bind_int(s, i++, p->fetuses);
    sqlite3_bind_double(s, i++, p->height_cm);
    sqlite3_bind_double(s, i++, p->weight_kg);
    sq_bind_text(s, i++, p->schedule_id);
    sq_bind_text(s, i++, p->declared_factors ? p->declared_factors : "[]");
    sq_bind_text(s, i++, p->color ? p->color : "green");
    sqlite3_bind_int(s, i++, p->purple);
    sq_bind_int_or_null(s, i++, p->has_next_check, p->next_check_on);
    sqlite3_bind_int64(s, i++, p->created_by);
    sqlite3_bind_int64(s, i++, p->created_at);
    sqlite3_bind_int64(s, i++, p->created_at);
    if (sq_step_done(tx, s, e))
        return -1;
    p->id = sqlite3_last_insert_rowid(sq_db(tx));
    p->version = 1;
    p->updated_at = p->created_at;
    if (!p->status)
        p->status = "open";
    return 0;
}

static int one_preg(store_tx_t *tx, sqlite3_stmt *s, store_pregnancy_t *out, fy_err_t *e)
{
    return sq_row(tx, s, read_preg_row, out, e);
}

int store_pregnancy_get(store_tx_t *tx, int64_t id, store_pregnancy_t *out, fy_err_t *e)
{
    static const char sql[] = "SELECT " PREG_COLS " FROM pregnancies p WHERE p.id = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    return one_preg(tx, s, out, e);
}

int store_pregnancy_open_of(store_tx_t *tx, int64_t woman_id, store_pregnancy_t *out, fy_err_t *e)
{
    static const char sql[] = "SELECT " PREG_COLS " FROM pregnancies p WHERE p.woman_id = ? AND p.status = 'open'";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, woman_id);
    return one_preg(tx, s, out, e);
}

int store_pregnancy_update(store_tx_t *tx, store_pregnancy_t *p, fy_err_t *e)
{
    /* Columns under an index (status, color, overdue, next_check_on) are
     * set only when they change: SQLite rewrites the entry of every index
     * whose column is SET, even to the same value, and each of those is a
     * page at a random place written to the WAL (most visits change none of
     * them but the next check date). */
    static const char cur_sql[] = "SELECT status, color, overdue, next_check_on FROM pregnancies WHERE id = ?";
    sqlite3_stmt *s = sq_stmt(tx, cur_sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, p->id);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(s);
        return rc == SQLITE_DONE ? fy_fail(e, 404, "not_found", "孕产记录不存在 (no such pregnancy)")
                                 : sq_fail(tx, rc, e);
    }
    const char *st = (const char *)sqlite3_column_text(s, 0), *co = (const char *)sqlite3_column_text(s, 1);
    bool set_status = !st || strcmp(st, p->status) != 0;
    bool set_color = !co || strcmp(co, p->color) != 0;
    bool set_overdue = sqlite3_column_int(s, 2) != p->overdue;
    bool had_check = sqlite3_column_type(s, 3) != SQLITE_NULL;
    bool set_check = had_check != p->has_next_check || (had_check && sqlite3_column_int(s, 3) != p->next_check_on);
    sqlite3_reset(s);

    char sql[512];
    snprintf(sql, sizeof sql,
             "UPDATE pregnancies SET outcome=:outcome, ended_on=:ended, delivery_institution_id=:dinst,"
             " declared_factors=:declared, purple=:purple, risk_assessment_id=:ra, updated_at=:updated,"
             " version = version + 1%s%s%s%s WHERE id = :id",
             set_status ? ", status=:status" : "", set_color ? ", color=:color" : "",
             set_overdue ? ", overdue=:overdue" : "", set_check ? ", next_check_on=:check" : "");
    rc = sq_prepare(tx, sql, &s);
    if (rc != SQLITE_OK)
        return sq_fail(tx, rc, e);
    sq_bind_named(s, ":status", p->status);
    sq_bind_named(s, ":outcome", p->outcome);
    sq_bind_int_or_null(s, sqlite3_bind_parameter_index(s, ":ended"), p->has_ended, p->ended_on);
    sq_bind_named(s, ":dinst", p->delivery_institution_id);
    sq_bind_named(s, ":declared", p->declared_factors ? p->declared_factors : "[]");
    sq_bind_named(s, ":color", p->color);
    sqlite3_bind_int(s, sqlite3_bind_parameter_index(s, ":purple"), p->purple);
    sq_bind_int_or_null(s, sqlite3_bind_parameter_index(s, ":ra"), p->risk_assessment_id > 0, p->risk_assessment_id);
    sqlite3_bind_int(s, sqlite3_bind_parameter_index(s, ":overdue"), p->overdue);
    sq_bind_int_or_null(s, sqlite3_bind_parameter_index(s, ":check"), p->has_next_check, p->next_check_on);
    sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":updated"), p->updated_at);
    sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":id"), p->id);
    rc = sqlite3_step(s);
    sq_done(s);
    if (rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    p->version++;
    return 0;
}

static void bind_preg_query(sqlite3_stmt *s, const void *vq)
{
    const store_pregnancy_query_t *q = vq;
    sq_bind_named(s, ":status", q->status);
    sq_bind_named(s, ":color", q->color);
    sq_bind_named(s, ":qdistrict", q->district);
    sq_bind_named(s, ":qinst", q->institution);
    sq_bind_scope(s, q->scope);
}

int store_pregnancies_search(store_tx_t *tx, const store_pregnancy_query_t *q, store_pregnancy_t **out, int *n,
                             int64_t *total, fy_err_t *e)
{
    buf_t where = {0};
    buf_puts(&where, " FROM pregnancies p JOIN women w ON w.id = p.woman_id WHERE 1");
    if (q->status)
        buf_puts(&where, " AND p.status = :status");
    if (q->color)
        buf_puts(&where, " AND p.color = :color");
    if (q->purple >= 0)
        buf_printf(&where, " AND p.purple = %d", q->purple ? 1 : 0);
    if (q->overdue >= 0)
        buf_printf(&where, " AND p.overdue = %d", q->overdue ? 1 : 0);
    if (q->district)
        buf_puts(&where, " AND (p.residence_district = :qdistrict OR p.institution_district = :qdistrict)");
    if (q->institution)
        buf_puts(&where, " AND (p.institution_id = :qinst OR p.delivery_institution_id = :qinst)");
    if (q->woman_id)
        buf_printf(&where, " AND p.woman_id = %lld", (long long)q->woman_id);
    sq_scope_where(&where, q->scope);
    const char *sqls[2] = {arena_printf(tx->arena, "SELECT count(*)%s", where.p),
                           arena_printf(tx->arena, "SELECT " PREG_COLS "%s ORDER BY p.id DESC LIMIT :lim OFFSET :off",
                                        where.p)};
    buf_free(&where);
    *out = sq_page(tx, sqls[1], sqls[0], bind_preg_query, q, q->limit, q->offset, sizeof **out, read_preg_row, n,
                   total, e);
    return *out ? 0 : -1;
}

int store_pregnancies_due(store_tx_t *tx, fy_date_t day, int limit, int64_t **ids, int *n, fy_err_t *e)
{
    static const char sql[] = "SELECT id FROM pregnancies WHERE status = 'open' AND next_check_on <= ?"
                              " ORDER BY next_check_on LIMIT ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int(s, 1, day);
    sqlite3_bind_int(s, 2, limit);
    *ids = arena_alloc(tx->arena, sizeof **ids * (size_t)(limit > 0 ? limit : 1));
    *n = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < limit)
        (*ids)[(*n)++] = sqlite3_column_int64(s, 0);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : sq_fail(tx, rc, e);
}

/* ---- cards -------------------------------------------------------------- */

int store_card_insert(store_tx_t *tx, store_card_t *c, fy_err_t *e)
{
    static const char sql[] = "INSERT INTO pregnancy_cards(pregnancy_id, card, institution_id, on_date, ga_days,"
                              " user_id, created_at) VALUES (?,?,?,?,?,?,?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, c->pregnancy_id);
    sq_bind_text(s, 2, c->card);
    sq_bind_text(s, 3, c->institution_id);
    sqlite3_bind_int(s, 4, c->on_date);
    sqlite3_bind_int(s, 5, c->ga_days);
    sqlite3_bind_int64(s, 6, c->user_id);
    sqlite3_bind_int64(s, 7, c->created_at);
    if (sq_step_done(tx, s, e))
        return -1;
    c->id = sqlite3_last_insert_rowid(sq_db(tx));
    return 0;
}

static void read_card(store_tx_t *tx, sqlite3_stmt *s, void *row)
{
    store_card_t *c = row;
    c->id = sqlite3_column_int64(s, 0);
    c->pregnancy_id = sqlite3_column_int64(s, 1);
    c->card = sq_text(tx, s, 2);
    c->institution_id = sq_text(tx, s, 3);
    c->on_date = sqlite3_column_int(s, 4);
    c->ga_days = sqlite3_column_int(s, 5);
    c->user_id = sqlite3_column_int64(s, 6);
    c->created_at = sqlite3_column_int64(s, 7);
}

int store_cards_of(store_tx_t *tx, int64_t pregnancy_id, store_card_t **out, int *n, fy_err_t *e)
{
    static const char sql[] = "SELECT id, pregnancy_id, card, institution_id, on_date, ga_days, user_id, created_at"
                              " FROM pregnancy_cards WHERE pregnancy_id = ? ORDER BY id";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, pregnancy_id);
    *out = sq_rows(tx, s, sizeof **out, 4, read_card, n, e);
    return *out ? 0 : -1;
}

/* ---- visits ------------------------------------------------------------- */

/* The measure columns are named after anc_measures[].field, in enum order. */
static const char *visit_insert_sql(void)
{
    static char sql[1024];
    if (!sql[0]) {
        buf_t b = {0};
        buf_puts(&b, "INSERT INTO visits(pregnancy_id, kind, date, ga_days, window_seq, institution_id, user_id");
        for (int i = 0; i < ANC_N_MEASURES; i++)
            buf_printf(&b, ", %s", anc_measures[i].field);
        buf_puts(&b, ", hiv, syphilis, hbsag, presentation, edema, urine_protein, declared_factors, notes,"
                     " next_appointment, created_at) VALUES (?,?,?,?,?,?,?");
        for (int i = 0; i < ANC_N_MEASURES + ANC_N_LABS + 7; i++)
            buf_puts(&b, ",?");
        buf_putc(&b, ')');
        snprintf(sql, sizeof sql, "%s", b.p);
        buf_free(&b);
    }
    return sql;
}

static const char *visit_select_sql(void)
{
    static char sql[1024];
    if (!sql[0]) {
        buf_t b = {0};
        buf_puts(&b, "SELECT id, pregnancy_id, kind, date, ga_days, window_seq, institution_id, user_id");
        for (int i = 0; i < ANC_N_MEASURES; i++)
            buf_printf(&b, ", %s", anc_measures[i].field);
        buf_puts(&b, ", hiv, syphilis, hbsag, presentation, edema, urine_protein, declared_factors, notes,"
                     " next_appointment, created_at FROM visits WHERE pregnancy_id = ? ORDER BY date, id");
        snprintf(sql, sizeof sql, "%s", b.p);
        buf_free(&b);
    }
    return sql;
}

void sq_pregnancy_init(void);
/* Builds the generated statements once, before threads use them. */
void sq_pregnancy_init(void)
{
    visit_insert_sql();
    visit_select_sql();
}

int store_visit_insert(store_tx_t *tx, store_visit_t *v, fy_err_t *e)
{
    tx->visits_memo_id = 0;
    sqlite3_stmt *s = sq_stmt(tx, visit_insert_sql(), e);
    if (!s)
        return -1;
    int i = 1;
    sqlite3_bind_int64(s, i++, v->pregnancy_id);
    sq_bind_text(s, i++, v->kind);
    sqlite3_bind_int(s, i++, v->date);
    sqlite3_bind_int(s, i++, v->ga_days);
    sq_bind_int_or_null(s, i++, v->window_seq > 0, v->window_seq);
    sq_bind_text(s, i++, v->institution_id);
    sqlite3_bind_int64(s, i++, v->user_id);
    for (int m = 0; m < ANC_N_MEASURES; m++)
        sq_bind_double(s, i++, v->m[m]);
    for (int l = 0; l < ANC_N_LABS; l++)
        sq_bind_text(s, i++, v->labs[l]);
    sq_bind_text(s, i++, v->presentation);
    sq_bind_text(s, i++, v->edema);
    sq_bind_text(s, i++, v->urine_protein);
    sq_bind_text(s, i++, v->declared_factors);
    sq_bind_text(s, i++, v->notes);
    sq_bind_int_or_null(s, i++, v->has_next_appointment, v->next_appointment);
    sqlite3_bind_int64(s, i++, v->created_at);
    if (sq_step_done(tx, s, e))
        return -1;
    v->id = sqlite3_last_insert_rowid(sq_db(tx));
    return 0;
}

static void read_visit(store_tx_t *tx, sqlite3_stmt *s, void *row)
{
    store_visit_t *v = row;
    int c = 0;
    v->id = sqlite3_column_int64(s, c++);
    v->pregnancy_id = sqlite3_column_int64(s, c++);
    v->kind = sq_text(tx, s, c++);
    v->date = sqlite3_column_int(s, c++);
    v->ga_days = sqlite3_column_int(s, c++);
    v->window_seq = sqlite3_column_int(s, c++);
    v->institution_id = sq_text(tx, s, c++);
    v->user_id = sqlite3_column_int64(s, c++);
    for (int m = 0; m < ANC_N_MEASURES; m++)
        v->m[m] = sq_double(s, c++);
    for (int l = 0; l < ANC_N_LABS; l++)
        v->labs[l] = sq_text(tx, s, c++);
    v->presentation = sq_text(tx, s, c++);
    v->edema = sq_text(tx, s, c++);
    v->urine_protein = sq_text(tx, s, c++);
    v->declared_factors = sq_text(tx, s, c++);
    v->notes = sq_text(tx, s, c++);
    v->has_next_appointment = !is_null(s, c);
    v->next_appointment = sqlite3_column_int(s, c++);
    v->created_at = sqlite3_column_int64(s, c++);
}

int store_visits_of(store_tx_t *tx, int64_t pregnancy_id, store_visit_t **out, int *n, fy_err_t *e)
{
    if (tx->visits_memo_id == pregnancy_id) {
        *out = tx->visits_memo;
        *n = tx->visits_memo_n;
        return 0;
    }
    sqlite3_stmt *s = sq_stmt(tx, visit_select_sql(), e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, pregnancy_id);
    if (!(*out = sq_rows(tx, s, sizeof **out, 8, read_visit, n, e)))
        return -1;
    tx->visits_memo_id = pregnancy_id;
    tx->visits_memo = *out;
    tx->visits_memo_n = *n;
    return 0;
}

/* ---- risk gradings ---------------------------------------------------- */

int store_risk_insert(store_tx_t *tx, store_risk_t *r, fy_err_t *e)
{
    static const char sql[] = "INSERT INTO risk_assessments(pregnancy_id, at, on_date, user_id, trigger, trigger_id,"
                              " color, purple, factors, criteria_version) VALUES (?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, r->pregnancy_id);
    sqlite3_bind_int64(s, 2, r->at);
    sqlite3_bind_int(s, 3, r->on_date);
    sqlite3_bind_int64(s, 4, r->user_id);
    sq_bind_text(s, 5, r->trigger);
    sq_bind_int_or_null(s, 6, r->trigger_id > 0, r->trigger_id);
    sq_bind_text(s, 7, r->color);
    sqlite3_bind_int(s, 8, r->purple);
    sq_bind_text(s, 9, r->factors);
    sq_bind_text(s, 10, r->criteria_version);
    if (sq_step_done(tx, s, e))
        return -1;
    r->id = sqlite3_last_insert_rowid(sq_db(tx));
    return 0;
}

static void read_risk(store_tx_t *tx, sqlite3_stmt *s, void *row)
{
    store_risk_t *r = row;
    r->id = sqlite3_column_int64(s, 0);
    r->pregnancy_id = sqlite3_column_int64(s, 1);
    r->at = sqlite3_column_int64(s, 2);
    r->on_date = sqlite3_column_int(s, 3);
    r->user_id = sqlite3_column_int64(s, 4);
    r->trigger = sq_text(tx, s, 5);
    r->trigger_id = sqlite3_column_int64(s, 6);
    r->color = sq_text(tx, s, 7);
    r->purple = sqlite3_column_int(s, 8) != 0;
    r->factors = sq_text(tx, s, 9);
    r->criteria_version = sq_text(tx, s, 10);
}

int store_risks_of(store_tx_t *tx, int64_t pregnancy_id, store_risk_t **out, int *n, fy_err_t *e)
{
    static const char sql[] = "SELECT id, pregnancy_id, at, on_date, user_id, trigger, trigger_id, color, purple,"
                              " factors, criteria_version FROM risk_assessments WHERE pregnancy_id = ?"
                              " ORDER BY id DESC";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, pregnancy_id);
    *out = sq_rows(tx, s, sizeof **out, 8, read_risk, n, e);
    return *out ? 0 : -1;
}

/* ---- high-risk cases ---------------------------------------------------- */

static void read_case(store_tx_t *tx, sqlite3_stmt *s, void *row)
{
    store_case_t *c = row;
    c->id = sqlite3_column_int64(s, 0);
    c->pregnancy_id = sqlite3_column_int64(s, 1);
    c->opened_at = sqlite3_column_int64(s, 2);
    c->opened_color = sq_text(tx, s, 3);
    c->opened_purple = sqlite3_column_int(s, 4) != 0;
    c->max_color = sq_text(tx, s, 5);
    c->owner_institution = sq_text(tx, s, 6);
    c->district = sq_text(tx, s, 7);
    c->state = sq_text(tx, s, 8);
    c->closed_at = sqlite3_column_int64(s, 9);
}

int store_case_get(store_tx_t *tx, int64_t pregnancy_id, store_case_t *out, fy_err_t *e)
{
    static const char sql[] = "SELECT id, pregnancy_id, opened_at, opened_color, opened_purple, max_color,"
                              " owner_institution, district, state, closed_at FROM risk_cases WHERE pregnancy_id = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, pregnancy_id);
    return sq_row(tx, s, read_case, out, e);
}

int store_case_insert(store_tx_t *tx, store_case_t *c, fy_err_t *e)
{
    static const char sql[] = "INSERT INTO risk_cases(pregnancy_id, opened_at, opened_color, opened_purple,"
                              " max_color, owner_institution, district, state) VALUES (?,?,?,?,?,?,?,?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, c->pregnancy_id);
    sqlite3_bind_int64(s, 2, c->opened_at);
    sq_bind_text(s, 3, c->opened_color);
    sqlite3_bind_int(s, 4, c->opened_purple);
    sq_bind_text(s, 5, c->max_color);
    sq_bind_text(s, 6, c->owner_institution);
    sq_bind_text(s, 7, c->district);
    sq_bind_text(s, 8, c->state ? c->state : "open");
    if (sq_step_done(tx, s, e))
        return -1;
    c->id = sqlite3_last_insert_rowid(sq_db(tx));
    return 0;
}

int store_case_update(store_tx_t *tx, const store_case_t *c, fy_err_t *e)
{
    static const char sql[] = "UPDATE risk_cases SET max_color = ?, owner_institution = ?, state = ?, closed_at = ?"
                              " WHERE id = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, c->max_color);
    sq_bind_text(s, 2, c->owner_institution);
    sq_bind_text(s, 3, c->state);
    sq_bind_int_or_null(s, 4, c->closed_at > 0, c->closed_at);
    sqlite3_bind_int64(s, 5, c->id);
    return sq_step_done(tx, s, e);
}

int store_continuation_insert(store_tx_t *tx, store_continuation_t *c, fy_err_t *e)
{
    static const char sql[] = "INSERT INTO continuation_assessments(pregnancy_id, at, user_id, institution_id,"
                              " suitable, assessed_by, senior_title, advice, woman_decision) VALUES (?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, c->pregnancy_id);
    sqlite3_bind_int64(s, 2, c->at);
    sqlite3_bind_int64(s, 3, c->user_id);
    sq_bind_text(s, 4, c->institution_id);
    sqlite3_bind_int(s, 5, c->suitable);
    sq_bind_text(s, 6, c->assessed_by);
    sq_bind_text(s, 7, c->senior_title);
    sq_bind_text(s, 8, c->advice);
    sq_bind_text(s, 9, c->woman_decision);
    if (sq_step_done(tx, s, e))
        return -1;
    c->id = sqlite3_last_insert_rowid(sq_db(tx));
    return 0;
}

static void read_continuation(store_tx_t *tx, sqlite3_stmt *s, void *row)
{
    store_continuation_t *c = row;
    c->id = sqlite3_column_int64(s, 0);
    c->pregnancy_id = sqlite3_column_int64(s, 1);
    c->at = sqlite3_column_int64(s, 2);
    c->user_id = sqlite3_column_int64(s, 3);
    c->institution_id = sq_text(tx, s, 4);
    c->suitable = sqlite3_column_int(s, 5) != 0;
    c->assessed_by = sq_text(tx, s, 6);
    c->senior_title = sq_text(tx, s, 7);
    c->advice = sq_text(tx, s, 8);
    c->woman_decision = sq_text(tx, s, 9);
}

int store_continuations_of(store_tx_t *tx, int64_t pregnancy_id, store_continuation_t **out, int *n, fy_err_t *e)
{
    static const char sql[] = "SELECT id, pregnancy_id, at, user_id, institution_id, suitable, assessed_by,"
                              " senior_title, advice, woman_decision FROM continuation_assessments"
                              " WHERE pregnancy_id = ? ORDER BY id";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, pregnancy_id);
    *out = sq_rows(tx, s, sizeof **out, 2, read_continuation, n, e);
    return *out ? 0 : -1;
}

/* ---- outbox ------------------------------------------------------------- */

int store_outbox_insert(store_tx_t *tx, store_outbox_t *m, fy_err_t *e)
{
    static const char sql[] = "INSERT OR IGNORE INTO outbox(kind, channel, recipient, text, due_on, status,"
                              " ref_type, ref_id, dedupe_key, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, m->kind);
    sq_bind_text(s, 2, m->channel);
    sq_bind_text(s, 3, m->recipient);
    sq_bind_text(s, 4, m->text);
    sqlite3_bind_int(s, 5, m->due_on);
    sq_bind_text(s, 6, m->status ? m->status : "queued");
    sq_bind_text(s, 7, m->ref_type);
    sqlite3_bind_int64(s, 8, m->ref_id);
    sq_bind_text(s, 9, m->dedupe_key);
    sqlite3_bind_int64(s, 10, m->created_at);
    if (sq_step_done(tx, s, e))
        return -1;
    if (sqlite3_changes(sq_db(tx)) == 0)
        return 1;
    m->id = sqlite3_last_insert_rowid(sq_db(tx));
    return 0;
}

static void read_outbox(store_tx_t *tx, sqlite3_stmt *s, void *row)
{
    store_outbox_t *m = row;
    m->id = sqlite3_column_int64(s, 0);
    m->kind = sq_text(tx, s, 1);
    m->channel = sq_text(tx, s, 2);
    m->recipient = sq_text(tx, s, 3);
    m->text = sq_text(tx, s, 4);
    m->due_on = sqlite3_column_int(s, 5);
    m->status = sq_text(tx, s, 6);
    m->ref_type = sq_text(tx, s, 7);
    m->ref_id = sqlite3_column_int64(s, 8);
    m->dedupe_key = sq_text(tx, s, 9);
    m->created_at = sqlite3_column_int64(s, 10);
    m->sent_at = sqlite3_column_int64(s, 11);
}

int store_outbox_of(store_tx_t *tx, const char *ref_type, int64_t ref_id, store_outbox_t **out, int *n, fy_err_t *e)
{
    static const char sql[] = "SELECT id, kind, channel, recipient, text, due_on, status, ref_type, ref_id,"
                              " dedupe_key, created_at, sent_at FROM outbox WHERE ref_type = ? AND ref_id = ?"
                              " ORDER BY due_on, id";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, ref_type);
    sqlite3_bind_int64(s, 2, ref_id);
    *out = sq_rows(tx, s, sizeof **out, 8, read_outbox, n, e);
    return *out ? 0 : -1;
}

int store_outbox_cancel(store_tx_t *tx, const char *ref_type, int64_t ref_id, const char *kind, fy_err_t *e)
{
    /* "+status": most messages are queued, so the (status, due_on) index
     * would walk them all; the reference picks out a handful */
    static const char sql[] = "UPDATE outbox SET status = 'cancelled' WHERE ref_type = ? AND ref_id = ?"
                              " AND kind = ? AND +status = 'queued'";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, ref_type);
    sqlite3_bind_int64(s, 2, ref_id);
    sq_bind_text(s, 3, kind);
    return sq_step_done(tx, s, e);
}

/* ---- appointments ------------------------------------------------------- */

int store_appointment_insert(store_tx_t *tx, store_appointment_t *a, fy_err_t *e)
{
    static const char sql[] = "INSERT INTO appointments(pregnancy_id, institution_id, date, status, user_id,"
                              " created_at) VALUES (?,?,?,?,?,?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, a->pregnancy_id);
    sq_bind_text(s, 2, a->institution_id);
    sqlite3_bind_int(s, 3, a->date);
    sq_bind_text(s, 4, a->status ? a->status : "booked");
    sqlite3_bind_int64(s, 5, a->user_id);
    sqlite3_bind_int64(s, 6, a->created_at);
    if (sq_step_done(tx, s, e))
        return -1;
    a->id = sqlite3_last_insert_rowid(sq_db(tx));
    if (!a->status)
        a->status = "booked";
    return 0;
}

int store_appointments_booked(store_tx_t *tx, const char *institution_id, fy_date_t date, int *count, fy_err_t *e)
{
    static const char sql[] = "SELECT count(*) FROM appointments WHERE institution_id = ? AND date = ?"
                              " AND status = 'booked'";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, institution_id);
    sqlite3_bind_int(s, 2, date);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW)
        return sq_fail(tx, rc, e);
    *count = sqlite3_column_int(s, 0);
    return 0;
}

static void read_appointment(store_tx_t *tx, sqlite3_stmt *s, void *row)
{
    store_appointment_t *a = row;
    a->id = sqlite3_column_int64(s, 0);
    a->pregnancy_id = sqlite3_column_int64(s, 1);
    a->institution_id = sq_text(tx, s, 2);
    a->date = sqlite3_column_int(s, 3);
    a->status = sq_text(tx, s, 4);
    a->user_id = sqlite3_column_int64(s, 5);
    a->created_at = sqlite3_column_int64(s, 6);
}

int store_appointments_of(store_tx_t *tx, int64_t pregnancy_id, store_appointment_t **out, int *n, fy_err_t *e)
{
    static const char sql[] = "SELECT id, pregnancy_id, institution_id, date, status, user_id, created_at"
                              " FROM appointments WHERE pregnancy_id = ? ORDER BY date, id";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, pregnancy_id);
    *out = sq_rows(tx, s, sizeof **out, 4, read_appointment, n, e);
    return *out ? 0 : -1;
}

static void read_day_booking(store_tx_t *tx, sqlite3_stmt *s, void *row)
{
    store_day_booking_t *b = row;
    b->a.id = sqlite3_column_int64(s, 0);
    b->a.pregnancy_id = sqlite3_column_int64(s, 1);
    b->a.institution_id = sq_text(tx, s, 2);
    b->a.date = sqlite3_column_int(s, 3);
    b->a.status = sq_text(tx, s, 4);
    b->a.user_id = sqlite3_column_int64(s, 5);
    b->a.created_at = sqlite3_column_int64(s, 6);
    b->woman_id = sqlite3_column_int64(s, 7);
    b->woman_name = sq_text(tx, s, 8);
    b->woman_id_number = sq_text(tx, s, 9);
    b->lmp = sqlite3_column_int(s, 10);
    b->color = sq_text(tx, s, 11);
    b->purple = sqlite3_column_int(s, 12) != 0;
}

int store_appointments_on(store_tx_t *tx, const char *institution_id, fy_date_t date, store_day_booking_t **out,
                          int *n, fy_err_t *e)
{
    static const char sql[] = "SELECT a.id, a.pregnancy_id, a.institution_id, a.date, a.status, a.user_id, a.created_at,"
                              " w.id, w.name, w.id_number, p.lmp, p.color, p.purple"
                              " FROM appointments a JOIN pregnancies p ON p.id = a.pregnancy_id"
                              " JOIN women w ON w.id = p.woman_id"
                              " WHERE a.institution_id = ? AND a.date = ? AND a.status = 'booked' ORDER BY a.id";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, institution_id);
    sqlite3_bind_int(s, 2, date);
    *out = sq_rows(tx, s, sizeof **out, 16, read_day_booking, n, e);
    return *out ? 0 : -1;
}

/* ---- work lists --------------------------------------------------------- */

int store_worklist(store_tx_t *tx, const store_worklist_query_t *q, store_worklist_row_t **out, int *n,
                   int64_t *total, fy_err_t *e)
{
    buf_t from = {0};
    const char *extra_cols;
    switch (q->kind) {
    case WORKLIST_HIGH_RISK:
        buf_puts(&from, " FROM risk_cases c JOIN pregnancies p ON p.id = c.pregnancy_id"
                        " JOIN women w ON w.id = p.woman_id WHERE c.state = 'open'"
                        /* a delivered woman stays managed until her 42-day check closes the case */
                        " AND p.status IN ('open', 'delivered')");
        if (q->color)
            buf_puts(&from, " AND (p.color = :color OR (:color = 'purple' AND p.purple = 1))");
        extra_cols = ", c.opened_at, c.max_color, c.owner_institution,"
                     " (p.color = 'red' AND NOT EXISTS (SELECT 1 FROM continuation_assessments a"
                     " WHERE a.pregnancy_id = p.id)), NULL, NULL, NULL, NULL, NULL, NULL, NULL";
        break;
    case WORKLIST_OVERDUE:
        buf_puts(&from, " FROM pregnancies p JOIN women w ON w.id = p.woman_id"
                        " WHERE p.status = 'open' AND p.overdue = 1");
        extra_cols = ", NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL";
        break;
    case WORKLIST_POSTPARTUM:
    default:
        buf_puts(&from, " FROM postpartum_tasks t JOIN pregnancies p ON p.id = t.pregnancy_id"
                        " JOIN women w ON w.id = p.woman_id WHERE t.status = 'open'");
        buf_printf(&from, " AND t.due_from <= %d", q->today);
        extra_cols = ", NULL, NULL, NULL, 0, t.id, t.kind, t.institution_id, t.due_from, t.due_to, t.status,"
                     " t.visit_id";
        break;
    }
    if (q->district)
        buf_puts(&from, " AND (p.residence_district = :district_f OR p.institution_district = :district_f)");
    sq_scope_where(&from, q->scope);
    const char *order = q->kind == WORKLIST_HIGH_RISK
                            ? " ORDER BY CASE p.color WHEN 'red' THEN 0 WHEN 'orange' THEN 1 WHEN 'yellow' THEN 2"
                              " ELSE 3 END, c.opened_at"
                        : q->kind == WORKLIST_POSTPARTUM ? " ORDER BY t.due_to, t.id"
                                                         : " ORDER BY p.id";
    const char *sqls[2] = {
        arena_printf(tx->arena, "SELECT count(*)%s", from.p),
        arena_printf(tx->arena, "SELECT " PREG_COLS ", w.name, w.id_number, w.phone%s%s%s LIMIT %d OFFSET %d",
                     extra_cols, from.p, order, q->limit, q->offset)};
    buf_free(&from);
    for (int pass = 0; pass < 2; pass++) {
        sqlite3_stmt *s;
        int rc = sq_prepare(tx, sqls[pass], &s);
        if (rc != SQLITE_OK)
            return sq_fail(tx, rc, e);
        sq_bind_named(s, ":color", q->color);
        sq_bind_named(s, ":district_f", q->district);
        sq_bind_scope(s, q->scope);
        if (pass == 0) {
            rc = sqlite3_step(s);
            *total = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
        } else {
            *out = arena_alloc(tx->arena, sizeof **out * (size_t)(q->limit > 0 ? q->limit : 1));
            *n = 0;
            while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < q->limit) {
                store_worklist_row_t *r = &(*out)[(*n)++];
                read_preg(tx, s, 0, &r->p);
                int c = PREG_NCOLS;
                r->woman_name = sq_text(tx, s, c++);
                r->woman_id_number = sq_text(tx, s, c++);
                r->woman_phone = sq_text(tx, s, c++);
                r->case_opened_at = sqlite3_column_int64(s, c++);
                r->case_max_color = sq_text(tx, s, c++);
                r->case_owner = sq_text(tx, s, c++);
                r->needs_continuation = sqlite3_column_int(s, c++) != 0;
                r->task.id = sqlite3_column_int64(s, c++);
                r->task.pregnancy_id = r->p.id;
                r->task.kind = sq_text(tx, s, c++);
                r->task.institution_id = sq_text(tx, s, c++);
                r->task.due_from = sqlite3_column_int(s, c++);
                r->task.due_to = sqlite3_column_int(s, c++);
                r->task.status = sq_text(tx, s, c++);
                r->task.visit_id = sqlite3_column_int64(s, c++);
            }
            if (rc == SQLITE_DONE)
                rc = SQLITE_ROW;
        }
        sq_done(s);
        if (rc != SQLITE_ROW)
            return sq_fail(tx, rc, e);
    }
    return 0;
}
