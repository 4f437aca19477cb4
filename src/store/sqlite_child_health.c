/* Child health 0–6: checks, per-child schedule state, development referrals,
 * the autism pipeline and the child work lists (005_child_health.sql). */
#include <math.h>

#include "base/buf.h"
#include "store/sqlite_int.h"

/* ---- checks ------------------------------------------------------------ */

#define CHECK_COLS                                                                                                     \
    "k.id, k.child_id, k.date, k.age_days, k.age_used_days, k.corrected, k.window_seq, k.institution_id,"              \
    " k.user_id, k.weight_kg, k.length_cm, k.measured, k.head_cm, k.hb_g_l, k.teeth_erupted, k.caries,"                \
    " k.vision_left, k.vision_right, k.hearing, k.warning_band, k.warning_signs, k.warning_positive,"                  \
    " k.illnesses, k.advice, k.next_date, k.notes, k.reference, k.length_used_cm, k.bmi, k.z_wfa, k.z_lhfa,"           \
    " k.z_wflh, k.z_bmi, k.z_hcfa, k.implausible, k.underweight, k.stunting, k.wasting, k.overweight,"                 \
    " k.obesity, k.created_at"

static void read_check(store_tx_t *tx, sqlite3_stmt *s, void *row)
{
    store_child_check_t *c = row;
    int i = 0;
    c->id = sqlite3_column_int64(s, i++);
    c->child_id = sqlite3_column_int64(s, i++);
    c->date = (fy_date_t)sqlite3_column_int(s, i++);
    c->age_days = sqlite3_column_int(s, i++);
    c->age_used_days = sqlite3_column_int(s, i++);
    c->corrected = sqlite3_column_int(s, i++) != 0;
    c->window_seq = sqlite3_column_int(s, i++); /* 0 for NULL */
    c->institution_id = sq_text(tx, s, i++);
    c->user_id = sqlite3_column_int64(s, i++);
    c->weight_kg = sq_double(s, i++);
    c->length_cm = sq_double(s, i++);
    c->measured = sq_text(tx, s, i++);
    c->head_cm = sq_double(s, i++);
    c->hb_g_l = sq_double(s, i++);
    c->teeth_erupted = sq_col_opt_int(s, i++);
    c->caries = sq_col_opt_int(s, i++);
    c->vision_left = sq_text(tx, s, i++);
    c->vision_right = sq_text(tx, s, i++);
    c->hearing = sq_text(tx, s, i++);
    c->warning_band = sq_text(tx, s, i++);
    c->warning_signs = sq_text(tx, s, i++);
    c->warning_positive = sqlite3_column_int(s, i++) != 0;
    c->illnesses = sq_text(tx, s, i++);
    c->advice = sq_text(tx, s, i++);
    c->has_next_date = sqlite3_column_type(s, i) != SQLITE_NULL;
    c->next_date = (fy_date_t)sqlite3_column_int(s, i++);
    c->notes = sq_text(tx, s, i++);
    c->reference = sq_text(tx, s, i++);
    c->length_used_cm = sq_double(s, i++);
    c->bmi = sq_double(s, i++);
    for (int z = 0; z < CH_NZ; z++)
        c->z[z] = sq_double(s, i++);
    c->implausible = (unsigned)sqlite3_column_int(s, i++);
    c->underweight = sqlite3_column_int(s, i++) != 0;
    c->stunting = sqlite3_column_int(s, i++) != 0;
    c->wasting = sqlite3_column_int(s, i++) != 0;
    c->overweight = sqlite3_column_int(s, i++) != 0;
    c->obesity = sqlite3_column_int(s, i++) != 0;
    c->created_at = sqlite3_column_int64(s, i++);
}

int store_child_check_insert(store_tx_t *tx, store_child_check_t *c, fy_err_t *e)
{
    static const char sql[] =
        "INSERT INTO child_checks(child_id, date, age_days, age_used_days, corrected, window_seq, institution_id,"
        " user_id, weight_kg, length_cm, measured, head_cm, hb_g_l, teeth_erupted, caries, vision_left,"
        " vision_right, hearing, warning_band, warning_signs, warning_positive, illnesses, advice, next_date,"
        " notes, reference, length_used_cm, bmi, z_wfa, z_lhfa, z_wflh, z_bmi, z_hcfa, implausible, underweight,"
        " stunting, wasting, overweight, obesity, created_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    int i = 1;
    sqlite3_bind_int64(s, i++, c->child_id);
    sqlite3_bind_int(s, i++, c->date);
    sqlite3_bind_int(s, i++, c->age_days);
    sqlite3_bind_int(s, i++, c->age_used_days);
    sqlite3_bind_int(s, i++, c->corrected ? 1 : 0);
    if (c->window_seq > 0)
        sqlite3_bind_int(s, i++, c->window_seq);
    else
        sqlite3_bind_null(s, i++);
    sq_bind_text(s, i++, c->institution_id);
    sq_bind_ref(s, i++, c->user_id);
    sq_bind_double(s, i++, c->weight_kg);
    sq_bind_double(s, i++, c->length_cm);
    sq_bind_text(s, i++, c->measured);
    sq_bind_double(s, i++, c->head_cm);
    sq_bind_double(s, i++, c->hb_g_l);
    sq_bind_opt_int(s, i++, c->teeth_erupted);
    sq_bind_opt_int(s, i++, c->caries);
    sq_bind_text(s, i++, c->vision_left);
    sq_bind_text(s, i++, c->vision_right);
    sq_bind_text(s, i++, c->hearing);
    sq_bind_text(s, i++, c->warning_band);
    sq_bind_text(s, i++, c->warning_signs);
    sqlite3_bind_int(s, i++, c->warning_positive ? 1 : 0);
    sq_bind_text(s, i++, c->illnesses);
    sq_bind_text(s, i++, c->advice);
    if (c->has_next_date)
        sqlite3_bind_int(s, i++, c->next_date);
    else
        sqlite3_bind_null(s, i++);
    sq_bind_text(s, i++, c->notes);
    sq_bind_text(s, i++, c->reference);
    sq_bind_double(s, i++, c->length_used_cm);
    sq_bind_double(s, i++, c->bmi);
    for (int z = 0; z < CH_NZ; z++)
        sq_bind_double(s, i++, c->z[z]);
    sqlite3_bind_int(s, i++, (int)c->implausible);
    sqlite3_bind_int(s, i++, c->underweight ? 1 : 0);
    sqlite3_bind_int(s, i++, c->stunting ? 1 : 0);
    sqlite3_bind_int(s, i++, c->wasting ? 1 : 0);
    sqlite3_bind_int(s, i++, c->overweight ? 1 : 0);
    sqlite3_bind_int(s, i++, c->obesity ? 1 : 0);
    sqlite3_bind_int64(s, i++, c->created_at);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    c->id = sqlite3_last_insert_rowid(sq_db(tx));
    return 0;
}

int store_child_checks_of(store_tx_t *tx, int64_t child_id, store_child_check_t **out, int *n, fy_err_t *e)
{
    static const char sql[] = "SELECT " CHECK_COLS " FROM child_checks k WHERE k.child_id = ? ORDER BY k.date, k.id";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, child_id);
    *out = sq_rows(tx, s, sizeof **out, 8, read_check, n, e);
    return *out ? 0 : -1;
}

/* ---- schedule state ------------------------------------------------------ */

#define STATE_COLS "st.child_id, st.next_check_on, st.overdue, st.overdue_seq, st.overdue_from, st.updated_at"

static void read_state(sqlite3_stmt *s, int c0, store_child_state_t *st)
{
    st->child_id = sqlite3_column_int64(s, c0);
    st->has_next_check = sqlite3_column_type(s, c0 + 1) != SQLITE_NULL;
    st->next_check_on = (fy_date_t)sqlite3_column_int(s, c0 + 1);
    st->overdue = sqlite3_column_int(s, c0 + 2) != 0;
    st->overdue_seq = sqlite3_column_int(s, c0 + 3);
    st->overdue_from = (fy_date_t)sqlite3_column_int(s, c0 + 4);
    st->updated_at = sqlite3_column_int64(s, c0 + 5);
}

static void read_state_row(store_tx_t *tx, sqlite3_stmt *s, void *row)
{
    (void)tx;
    read_state(s, 0, row);
}

int store_child_state_get(store_tx_t *tx, int64_t child_id, store_child_state_t *out, fy_err_t *e)
{
    static const char sql[] = "SELECT " STATE_COLS " FROM child_states st WHERE st.child_id = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, child_id);
    return sq_row(tx, s, read_state_row, out, e);
}

int store_child_state_put(store_tx_t *tx, const store_child_state_t *st, fy_err_t *e)
{
    static const char sql[] = "INSERT OR REPLACE INTO child_states(child_id, next_check_on, overdue, overdue_seq,"
                              " overdue_from, updated_at) VALUES (?,?,?,?,?,?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, st->child_id);
    if (st->has_next_check)
        sqlite3_bind_int(s, 2, st->next_check_on);
    else
        sqlite3_bind_null(s, 2);
    sqlite3_bind_int(s, 3, st->overdue ? 1 : 0);
    if (st->overdue) {
        sqlite3_bind_int(s, 4, st->overdue_seq);
        sqlite3_bind_int(s, 5, st->overdue_from);
    } else {
        sqlite3_bind_null(s, 4);
        sqlite3_bind_null(s, 5);
    }
    sqlite3_bind_int64(s, 6, st->updated_at);
    int rc = sqlite3_step(s);
    return rc == SQLITE_DONE ? 0 : sq_fail(tx, rc, e);
}

int store_child_states_seed(store_tx_t *tx, int limit, int *added, fy_err_t *e)
{
    /* The mark only moves forward: children ids only grow. A child whose
     * state a check created earlier is left as it is (OR IGNORE). */
    static const char sql_last[] =
        "SELECT coalesce(max(id), 0), count(*) FROM (SELECT c.id FROM children c"
        " WHERE c.id > (SELECT last_child_id FROM child_state_seed WHERE id = 1) ORDER BY c.id LIMIT ?)";
    static const char sql_ins[] =
        "INSERT OR IGNORE INTO child_states(child_id, next_check_on, overdue, updated_at)"
        " SELECT c.id, 0, 0, ? FROM children c WHERE c.id > (SELECT last_child_id FROM child_state_seed WHERE id = 1)"
        " AND c.id <= ? AND c.outcome = 'live'";
    static const char sql_mark[] = "UPDATE child_state_seed SET last_child_id = ? WHERE id = 1";
    *added = 0;
    sqlite3_stmt *s = sq_stmt(tx, sql_last, e);
    if (!s)
        return -1;
    sqlite3_bind_int(s, 1, limit);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW)
        return sq_fail(tx, rc, e);
    int64_t upto = sqlite3_column_int64(s, 0);
    int n = sqlite3_column_int(s, 1);
    sqlite3_reset(s);
    if (n == 0)
        return 0;
    s = sq_stmt(tx, sql_ins, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, fy_now_ms());
    sqlite3_bind_int64(s, 2, upto);
    rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    s = sq_stmt(tx, sql_mark, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, upto);
    rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    *added = n;
    return 0;
}

int store_child_states_due(store_tx_t *tx, fy_date_t day, int limit, int64_t **ids, int *n, fy_err_t *e)
{
    static const char sql[] = "SELECT child_id FROM child_states WHERE next_check_on IS NOT NULL"
                              " AND next_check_on <= ? ORDER BY next_check_on, child_id LIMIT ?";
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
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return sq_fail(tx, rc, e);
    sqlite3_reset(s);
    return 0;
}

/* ---- development referrals ------------------------------------------------ */

#define REFERRAL_COLS                                                                                                  \
    "r.id, r.child_id, r.check_id, r.date, r.band, r.positive, r.institution_id, r.status, r.closed_on,"               \
    " r.closed_by, r.created_at"

static void read_referral(store_tx_t *tx, sqlite3_stmt *s, int c0, store_dev_referral_t *r)
{
    int i = c0;
    r->id = sqlite3_column_int64(s, i++);
    r->child_id = sqlite3_column_int64(s, i++);
    r->check_id = sqlite3_column_int64(s, i++);
    r->date = (fy_date_t)sqlite3_column_int(s, i++);
    r->band = sq_text(tx, s, i++);
    r->positive = sq_text(tx, s, i++);
    r->institution_id = sq_text(tx, s, i++);
    r->status = sq_text(tx, s, i++);
    r->has_closed = sqlite3_column_type(s, i) != SQLITE_NULL;
    r->closed_on = (fy_date_t)sqlite3_column_int(s, i++);
    r->closed_by = sqlite3_column_int64(s, i++);
    r->created_at = sqlite3_column_int64(s, i++);
}

int store_dev_referral_insert(store_tx_t *tx, store_dev_referral_t *r, fy_err_t *e)
{
    static const char sql[] = "INSERT INTO development_referrals(child_id, check_id, date, band, positive,"
                              " institution_id, status, created_at) VALUES (?,?,?,?,?,?,'open',?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, r->child_id);
    sqlite3_bind_int64(s, 2, r->check_id);
    sqlite3_bind_int(s, 3, r->date);
    sq_bind_text(s, 4, r->band);
    sq_bind_text(s, 5, r->positive);
    sq_bind_text(s, 6, r->institution_id);
    sqlite3_bind_int64(s, 7, r->created_at);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    r->id = sqlite3_last_insert_rowid(sq_db(tx));
    r->status = "open";
    r->has_closed = false;
    return 0;
}

int store_dev_referrals_close(store_tx_t *tx, int64_t child_id, fy_date_t on, int64_t record_id, int *closed,
                              fy_err_t *e)
{
    static const char sql[] = "UPDATE development_referrals SET status = 'rescreened', closed_on = ?, closed_by = ?"
                              " WHERE child_id = ? AND status = 'open' AND date <= ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int(s, 1, on);
    sq_bind_ref(s, 2, record_id);
    sqlite3_bind_int64(s, 3, child_id);
    sqlite3_bind_int(s, 4, on);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    *closed = sqlite3_changes(sq_db(tx));
    return 0;
}

static void read_referral_row(store_tx_t *tx, sqlite3_stmt *s, void *row) { read_referral(tx, s, 0, row); }

int store_dev_referrals_of(store_tx_t *tx, int64_t child_id, store_dev_referral_t **out, int *n, fy_err_t *e)
{
    static const char sql[] = "SELECT " REFERRAL_COLS " FROM development_referrals r WHERE r.child_id = ?"
                              " ORDER BY r.date, r.id";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, child_id);
    *out = sq_rows(tx, s, sizeof **out, 8, read_referral_row, n, e);
    return *out ? 0 : -1;
}

/* ---- autism pipeline ------------------------------------------------------ */

#define AUTISM_COLS                                                                                                    \
    "a.id, a.child_id, a.step, a.date, a.institution_id, a.instrument, a.score, a.result, a.detail, a.notes,"          \
    " a.check_id, a.user_id, a.created_at"

int store_autism_insert(store_tx_t *tx, store_autism_t *r, fy_err_t *e)
{
    static const char sql[] = "INSERT INTO autism_records(child_id, step, date, institution_id, instrument, score,"
                              " result, detail, notes, check_id, user_id, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, r->child_id);
    sq_bind_text(s, 2, r->step);
    sqlite3_bind_int(s, 3, r->date);
    sq_bind_text(s, 4, r->institution_id);
    sq_bind_text(s, 5, r->instrument);
    sq_bind_opt_int(s, 6, r->score);
    sq_bind_text(s, 7, r->result);
    sq_bind_text(s, 8, r->detail);
    sq_bind_text(s, 9, r->notes);
    sq_bind_ref(s, 10, r->check_id);
    sq_bind_ref(s, 11, r->user_id);
    sqlite3_bind_int64(s, 12, r->created_at);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    r->id = sqlite3_last_insert_rowid(sq_db(tx));
    return 0;
}

static void read_autism(store_tx_t *tx, sqlite3_stmt *s, void *row)
{
    store_autism_t *r = row;
    r->id = sqlite3_column_int64(s, 0);
    r->child_id = sqlite3_column_int64(s, 1);
    r->step = sq_text(tx, s, 2);
    r->date = (fy_date_t)sqlite3_column_int(s, 3);
    r->institution_id = sq_text(tx, s, 4);
    r->instrument = sq_text(tx, s, 5);
    r->score = sq_col_opt_int(s, 6);
    r->result = sq_text(tx, s, 7);
    r->detail = sq_text(tx, s, 8);
    r->notes = sq_text(tx, s, 9);
    r->check_id = sqlite3_column_int64(s, 10);
    r->user_id = sqlite3_column_int64(s, 11);
    r->created_at = sqlite3_column_int64(s, 12);
}

int store_autism_of(store_tx_t *tx, int64_t child_id, store_autism_t **out, int *n, fy_err_t *e)
{
    static const char sql[] = "SELECT " AUTISM_COLS " FROM autism_records a WHERE a.child_id = ? ORDER BY a.date, a.id";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, child_id);
    *out = sq_rows(tx, s, sizeof **out, 8, read_autism, n, e);
    return *out ? 0 : -1;
}

/* ---- work lists ------------------------------------------------------------ */

int store_child_worklist(store_tx_t *tx, const store_child_worklist_query_t *q, store_child_row_t **out, int *n,
                         int64_t *total, fy_err_t *e)
{
    buf_t from = {0};
    const char *cols, *order;
    if (q->kind == CHILD_WORKLIST_OVERDUE) {
        buf_puts(&from, " FROM child_states st JOIN children c ON c.id = st.child_id"
                        " JOIN women w ON w.id = c.mother_id WHERE st.overdue = 1 AND c.outcome = 'live'");
        cols = ", " STATE_COLS;
        order = " ORDER BY st.overdue_from, c.id";
    } else {
        buf_puts(&from, " FROM development_referrals r JOIN children c ON c.id = r.child_id"
                        " JOIN women w ON w.id = c.mother_id WHERE r.status = 'open'");
        cols = ", " REFERRAL_COLS;
        order = " ORDER BY r.date, r.id";
    }
    if (q->district)
        buf_puts(&from, " AND c.residence_district = :cdist");
    sq_scope_where(&from, q->scope);
    const char *sqls[2] = {
        arena_printf(tx->arena, "SELECT count(*)%s", from.p),
        arena_printf(tx->arena, "SELECT " SQ_CHILD_COLS ", w.name, w.id_number, w.phone%s%s%s LIMIT %d OFFSET %d",
                     cols, from.p, order, q->limit, q->offset)};
    buf_free(&from);
    for (int pass = 0; pass < 2; pass++) {
        sqlite3_stmt *s;
        int rc = sqlite3_prepare_v2(sq_db(tx), sqls[pass], -1, &s, NULL);
        if (rc != SQLITE_OK)
            return sq_fail(tx, rc, e);
        sq_bind_named(s, ":cdist", q->district);
        sq_bind_scope(s, q->scope);
        if (pass == 0) {
            rc = sqlite3_step(s);
            *total = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
        } else {
            *out = arena_alloc(tx->arena, sizeof **out * (size_t)(q->limit > 0 ? q->limit : 1));
            *n = 0;
            while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < q->limit) {
                store_child_row_t *r = &(*out)[(*n)++];
                sq_read_child(tx, s, 0, &r->c);
                int c = SQ_CHILD_NCOLS;
                r->mother_name = sq_text(tx, s, c++);
                r->mother_id_number = sq_text(tx, s, c++);
                r->mother_phone = sq_text(tx, s, c++);
                if (q->kind == CHILD_WORKLIST_OVERDUE)
                    read_state(s, c, &r->state);
                else
                    read_referral(tx, s, c, &r->referral);
            }
            if (rc == SQLITE_DONE)
                rc = SQLITE_ROW;
        }
        sqlite3_finalize(s);
        if (rc != SQLITE_ROW)
            return sq_fail(tx, rc, e);
    }
    return 0;
}
