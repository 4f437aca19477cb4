/* Newborn screening, certificate number blocks and numbers, birth
 * certificates and the birth one-stop service records. */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "store/sqlite_int.h"

/* ---- screenings ------------------------------------------------------ */

#define SCR_COLS                                                                                                       \
    "s.id, s.child_id, s.kind, s.panel, s.sampled_at, s.result, s.details, s.recall, s.diagnosis_date,"                \
    " s.diagnosis, s.confirmed, s.diagnosed_by, s.diagnosed_at, s.institution_id, s.user_id, s.created_at"
#define SCR_NCOLS 16

static void read_screening(store_tx_t *tx, sqlite3_stmt *s, int o, store_screening_t *x)
{
    x->id = sqlite3_column_int64(s, o + 0);
    x->child_id = sqlite3_column_int64(s, o + 1);
    x->kind = sq_text(tx, s, o + 2);
    x->panel = sq_text(tx, s, o + 3);
    x->sampled_at = sqlite3_column_int64(s, o + 4);
    x->result = sq_text(tx, s, o + 5);
    x->details = sq_text(tx, s, o + 6);
    x->recall = sq_text(tx, s, o + 7);
    x->has_diagnosis = sqlite3_column_type(s, o + 8) != SQLITE_NULL;
    x->diagnosis_date = (fy_date_t)sqlite3_column_int(s, o + 8);
    x->diagnosis = sq_text(tx, s, o + 9);
    x->confirmed = sqlite3_column_int(s, o + 10) != 0;
    x->diagnosed_by = sqlite3_column_int64(s, o + 11);
    x->diagnosed_at = sqlite3_column_int64(s, o + 12);
    x->institution_id = sq_text(tx, s, o + 13);
    x->user_id = sqlite3_column_int64(s, o + 14);
    x->created_at = sqlite3_column_int64(s, o + 15);
}

static void read_screening_row(store_tx_t *tx, sqlite3_stmt *s, void *row) { read_screening(tx, s, 0, row); }

int store_screening_insert(store_tx_t *tx, store_screening_t *x, fy_err_t *e)
{
    static const char sql[] = "INSERT INTO screenings(child_id, kind, panel, sampled_at, result, details, recall,"
                              " institution_id, user_id, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, x->child_id);
    sq_bind_text(s, 2, x->kind);
    sq_bind_text(s, 3, x->panel);
    sq_bind_ref(s, 4, x->sampled_at);
    sq_bind_text(s, 5, x->result);
    sq_bind_text(s, 6, x->details);
    sq_bind_text(s, 7, x->recall);
    sq_bind_text(s, 8, x->institution_id);
    sq_bind_ref(s, 9, x->user_id);
    sqlite3_bind_int64(s, 10, x->created_at);
    if (sq_step_done(tx, s, e))
        return -1;
    x->id = sqlite3_last_insert_rowid(sq_db(tx));
    return 0;
}

int store_screening_get(store_tx_t *tx, int64_t id, store_screening_t *out, fy_err_t *e)
{
    static const char sql[] = "SELECT " SCR_COLS " FROM screenings s WHERE s.id = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    return sq_row(tx, s, read_screening_row, out, e);
}

int store_screenings_of(store_tx_t *tx, int64_t child_id, store_screening_t **out, int *n, fy_err_t *e)
{
    static const char sql[] = "SELECT " SCR_COLS " FROM screenings s WHERE s.child_id = ? ORDER BY s.id";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, child_id);
    *out = sq_rows(tx, s, sizeof **out, 8, read_screening_row, n, e);
    return *out ? 0 : -1;
}

int store_screening_diagnose(store_tx_t *tx, const store_screening_t *x, fy_err_t *e)
{
    static const char sql[] = "UPDATE screenings SET diagnosis_date = ?, diagnosis = ?, confirmed = ?,"
                              " diagnosed_by = ?, diagnosed_at = ?, recall = 'closed'"
                              " WHERE id = ? AND diagnosis_date IS NULL";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int(s, 1, x->diagnosis_date);
    sq_bind_text(s, 2, x->diagnosis);
    sqlite3_bind_int(s, 3, x->confirmed ? 1 : 0);
    sq_bind_ref(s, 4, x->diagnosed_by);
    sqlite3_bind_int64(s, 5, x->diagnosed_at);
    sqlite3_bind_int64(s, 6, x->id);
    if (sq_step_done(tx, s, e))
        return -1;
    if (sqlite3_changes(sq_db(tx)) == 0)
        return fy_fail(e, 409, "already_diagnosed", "该筛查已记录诊断 (a diagnosis is already recorded)");
    return 0;
}

/* ---- the recall work list --------------------------------------------- */

/* A child lacks a counted screening of a kind. */
#define MISSING(kind)                                                                                                  \
    "NOT EXISTS (SELECT 1 FROM screenings x WHERE x.child_id = c.id AND x.kind = '" kind "'"                           \
    " AND instr(:counted, ',' || x.result || ',') > 0)"

static void bind_recall(sqlite3_stmt *s, const store_recall_query_t *q)
{
    sq_bind_named(s, ":cdist", q->district);
    sq_bind_named(s, ":counted", q->screened_csv);
    int i = sqlite3_bind_parameter_index(s, ":bfrom");
    if (i)
        sqlite3_bind_int(s, i, q->born_from);
    i = sqlite3_bind_parameter_index(s, ":bto");
    if (i)
        sqlite3_bind_int(s, i, q->born_to);
    sq_bind_scope(s, q->scope);
}

int store_screening_recall(store_tx_t *tx, const store_recall_query_t *q, store_recall_row_t **out, int *n,
                           int64_t *total, fy_err_t *e)
{
    buf_t u = {0};
    if (q->which != 2) {
        buf_puts(
            &u,
            "SELECT 0 AS item, s.created_at AS k1, s.id AS k2, " SQ_CHILD_COLS ", w.name, w.id_number, " SCR_COLS
            ", " MISSING("metabolic") ", " MISSING(
                "hearing") " FROM screenings s JOIN children c ON c.id = s.child_id JOIN women w ON w.id = c.mother_id"
                           " WHERE s.recall = 'open'");
        if (q->district)
            buf_puts(&u, " AND c.residence_district = :cdist");
        sq_scope_where(&u, q->scope);
    }
    if (q->which == 0)
        buf_puts(&u, " UNION ALL ");
    if (q->which != 1) {
        buf_puts(&u, "SELECT 1 AS item, c.birth_date AS k1, c.id AS k2, " SQ_CHILD_COLS ", w.name, w.id_number, ");
        for (int i = 0; i < SCR_NCOLS; i++)
            buf_puts(&u, i ? ", NULL" : "NULL");
        buf_puts(&u, ", " MISSING("metabolic") ", " MISSING(
                         "hearing") " FROM children c JOIN women w ON w.id = c.mother_id"
                                    " WHERE c.outcome = 'live' AND c.birth_date BETWEEN :bfrom AND :bto"
                                    " AND (" MISSING("metabolic") " OR " MISSING("hearing") ")");
        if (q->district)
            buf_puts(&u, " AND c.residence_district = :cdist");
        sq_scope_where(&u, q->scope);
    }
    char *count_sql = arena_printf(tx->arena, "SELECT count(*) FROM (%s)", u.p);
    char *list_sql = arena_printf(tx->arena, "SELECT * FROM (%s) ORDER BY item, k1, k2 LIMIT :lim OFFSET :off", u.p);
    buf_free(&u);

    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(sq_db(tx), count_sql, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return sq_fail(tx, rc, e);
    bind_recall(s, q);
    rc = sqlite3_step(s);
    *total = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW)
        return sq_fail(tx, rc, e);

    rc = sqlite3_prepare_v2(sq_db(tx), list_sql, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return sq_fail(tx, rc, e);
    bind_recall(s, q);
    sqlite3_bind_int(s, sqlite3_bind_parameter_index(s, ":lim"), q->limit);
    sqlite3_bind_int(s, sqlite3_bind_parameter_index(s, ":off"), q->offset);
    *out = arena_alloc(tx->arena, sizeof **out * (size_t)(q->limit > 0 ? q->limit : 1));
    *n = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < q->limit) {
        store_recall_row_t *r = &(*out)[(*n)++];
        r->unscreened = sqlite3_column_int(s, 0) == 1;
        int o = 3;
        sq_read_child(tx, s, o, &r->child);
        o += SQ_CHILD_NCOLS;
        r->mother_name = sq_text(tx, s, o++);
        r->mother_id_number = sq_text(tx, s, o++);
        if (!r->unscreened)
            read_screening(tx, s, o, &r->screening);
        o += SCR_NCOLS;
        r->missing_metabolic = sqlite3_column_int(s, o++) != 0;
        r->missing_hearing = sqlite3_column_int(s, o++) != 0;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return sq_fail(tx, rc, e);
    return 0;
}

/* ---- certificate number blocks --------------------------------------- */

#define BLOCK_COLS "b.id, b.institution_id, b.letter, b.first, b.last, b.next, b.created_by, b.created_at"

static void read_block(store_tx_t *tx, sqlite3_stmt *s, void *row)
{
    store_cert_block_t *b = row;
    b->id = sqlite3_column_int64(s, 0);
    b->institution_id = sq_text(tx, s, 1);
    const unsigned char *l = sqlite3_column_text(s, 2);
    b->letter = l ? (char)l[0] : '?';
    b->first = sqlite3_column_int64(s, 3);
    b->last = sqlite3_column_int64(s, 4);
    b->next = sqlite3_column_int64(s, 5);
    b->created_by = sqlite3_column_int64(s, 6);
    b->created_at = sqlite3_column_int64(s, 7);
}

int store_cert_block_insert(store_tx_t *tx, store_cert_block_t *b, fy_err_t *e)
{
    static const char sql_o[] = "SELECT id, first, last FROM certificate_blocks"
                                " WHERE letter = ? AND first <= ? AND last >= ? ORDER BY first LIMIT 1";
    static const char sql[] = "INSERT INTO certificate_blocks(institution_id, letter, first, last, next,"
                              " created_by, created_at) VALUES (?,?,?,?,?,?,?)";
    char letter[2] = {b->letter, 0};
    sqlite3_stmt *s = sq_stmt(tx, sql_o, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, letter);
    sqlite3_bind_int64(s, 2, b->last);
    sqlite3_bind_int64(s, 3, b->first);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        long long oid = sqlite3_column_int64(s, 0), of = sqlite3_column_int64(s, 1), ol = sqlite3_column_int64(s, 2);
        sqlite3_reset(s);
        fy_fail(e, 409, "block_overlap",
                "号段与已有号段 %s%09lld–%s%09lld 重叠 (the block overlaps block %lld: %s%09lld–%s%09lld)", letter, of,
                letter, ol, oid, letter, of, letter, ol);
        snprintf(e->extra, sizeof e->extra, "\"existing_id\":\"%lld\"", oid);
        return -1;
    }
    if (rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, b->institution_id);
    sq_bind_text(s, 2, letter);
    sqlite3_bind_int64(s, 3, b->first);
    sqlite3_bind_int64(s, 4, b->last);
    sqlite3_bind_int64(s, 5, b->first);
    sq_bind_ref(s, 6, b->created_by);
    sqlite3_bind_int64(s, 7, b->created_at);
    if (sq_step_done(tx, s, e))
        return -1;
    b->id = sqlite3_last_insert_rowid(sq_db(tx));
    b->next = b->first;
    return 0;
}

static int block_counts(store_tx_t *tx, store_cert_block_t *b, fy_err_t *e)
{
    static const char sql[] = "SELECT coalesce(sum(status = 'issued'), 0), coalesce(sum(status = 'voided'), 0)"
                              " FROM certificate_numbers WHERE block_id = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, b->id);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW)
        return sq_fail(tx, rc, e);
    b->issued = sqlite3_column_int64(s, 0);
    b->voided = sqlite3_column_int64(s, 1);
    sqlite3_reset(s);
    return 0;
}

int store_cert_block_get(store_tx_t *tx, int64_t id, store_cert_block_t *out, fy_err_t *e)
{
    static const char sql[] = "SELECT " BLOCK_COLS " FROM certificate_blocks b WHERE b.id = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    int rc = sq_row(tx, s, read_block, out, e);
    return rc ? rc : block_counts(tx, out, e);
}

int store_cert_blocks_list(store_tx_t *tx, const char *institution_id, store_cert_block_t **out, int *n, fy_err_t *e)
{
    static const char sql[] = "SELECT " BLOCK_COLS " FROM certificate_blocks b"
                              " WHERE ?1 IS NULL OR b.institution_id = ?1 ORDER BY b.letter, b.first";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, institution_id);
    if (!(*out = sq_rows(tx, s, sizeof **out, 8, read_block, n, e)))
        return -1;
    for (int i = 0; i < *n; i++)
        if (block_counts(tx, &(*out)[i], e))
            return -1;
    return 0;
}

int store_cert_block_current(store_tx_t *tx, const char *institution_id, store_cert_block_t *out, fy_err_t *e)
{
    static const char sql[] = "SELECT " BLOCK_COLS " FROM certificate_blocks b"
                              " WHERE b.institution_id = ? AND b.next <= b.last ORDER BY b.letter, b.first LIMIT 1";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, institution_id);
    return sq_row(tx, s, read_block, out, e);
}

int store_cert_number_take(store_tx_t *tx, int64_t block_id, int64_t seq, const char *number, const char *status,
                           int64_t certificate_id, const char *reason, int64_t at, fy_err_t *e)
{
    static const char sql_b[] =
        "UPDATE certificate_blocks SET next = next + 1 WHERE id = ? AND next = ? AND next <= last";
    static const char sql[] = "INSERT INTO certificate_numbers(number, block_id, status, certificate_id, taken_at,"
                              " voided_at, reason) VALUES (?,?,?,?,?,?,?)";
    sqlite3_stmt *s = sq_stmt(tx, sql_b, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, block_id);
    sqlite3_bind_int64(s, 2, seq);
    if (sq_step_done(tx, s, e))
        return -1;
    if (sqlite3_changes(sq_db(tx)) != 1)
        return fy_fail(e, 409, "number_taken", "该编号已被使用 (the number was taken meanwhile; retry)");
    s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, number);
    sqlite3_bind_int64(s, 2, block_id);
    sq_bind_text(s, 3, status);
    sq_bind_ref(s, 4, certificate_id);
    sqlite3_bind_int64(s, 5, at);
    if (strcmp(status, "voided") == 0)
        sqlite3_bind_int64(s, 6, at);
    else
        sqlite3_bind_null(s, 6);
    sq_bind_text(s, 7, reason);
    return sq_step_done(tx, s, e);
}

int store_cert_number_void(store_tx_t *tx, const char *number, const char *reason, int64_t at, fy_err_t *e)
{
    static const char sql[] = "UPDATE certificate_numbers SET status = 'voided', voided_at = ?, reason = ?"
                              " WHERE number = ? AND status = 'issued'";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, at);
    sq_bind_text(s, 2, reason);
    sq_bind_text(s, 3, number);
    if (sq_step_done(tx, s, e))
        return -1;
    return sqlite3_changes(sq_db(tx)) ? 0 : 1;
}

int store_cert_number_status(store_tx_t *tx, const char *number, const char **status, fy_err_t *e)
{
    static const char sql[] = "SELECT status FROM certificate_numbers WHERE number = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, number);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *status = sq_text(tx, s, 0);
        sqlite3_reset(s);
        return 0;
    }
    return rc == SQLITE_DONE ? 1 : sq_fail(tx, rc, e);
}

/* ---- birth certificates ---------------------------------------------- */

#define CERT_COLS                                                                                                      \
    "b.id, b.child_id, b.mother_id, b.kind, b.status, b.number, b.child_name, b.birth_date, b.mother, b.father,"       \
    " b.applicant, b.printed, b.delivery_institution_id, b.issuing_institution_id, b.applied_by, b.applied_at,"        \
    " b.issued_by, b.issued_at, b.issued_on, b.voided_by, b.voided_at, b.void_reason, b.previous_id, b.next_id,"       \
    " b.reason, b.version, b.created_at, b.updated_at"

static void read_cert(store_tx_t *tx, sqlite3_stmt *s, void *row)
{
    store_birth_cert_t *c = row;
    c->id = sqlite3_column_int64(s, 0);
    c->child_id = sqlite3_column_int64(s, 1);
    c->mother_id = sqlite3_column_int64(s, 2);
    c->kind = sq_text(tx, s, 3);
    c->status = sq_text(tx, s, 4);
    c->number = sq_text(tx, s, 5);
    c->child_name = sq_text(tx, s, 6);
    c->birth_date = (fy_date_t)sqlite3_column_int(s, 7);
    c->mother = sq_text(tx, s, 8);
    c->father = sq_text(tx, s, 9);
    c->applicant = sq_text(tx, s, 10);
    c->printed = sq_text(tx, s, 11);
    c->delivery_institution_id = sq_text(tx, s, 12);
    c->issuing_institution_id = sq_text(tx, s, 13);
    c->applied_by = sqlite3_column_int64(s, 14);
    c->applied_at = sqlite3_column_int64(s, 15);
    c->issued_by = sqlite3_column_int64(s, 16);
    c->issued_at = sqlite3_column_int64(s, 17);
    c->issued_on = (fy_date_t)sqlite3_column_int(s, 18);
    c->voided_by = sqlite3_column_int64(s, 19);
    c->voided_at = sqlite3_column_int64(s, 20);
    c->void_reason = sq_text(tx, s, 21);
    c->previous_id = sqlite3_column_int64(s, 22);
    c->next_id = sqlite3_column_int64(s, 23);
    c->reason = sq_text(tx, s, 24);
    c->version = sqlite3_column_int64(s, 25);
    c->created_at = sqlite3_column_int64(s, 26);
    c->updated_at = sqlite3_column_int64(s, 27);
}

static void bind_opt_i64(sqlite3_stmt *s, int idx, int64_t v, bool has)
{
    if (has)
        sqlite3_bind_int64(s, idx, v);
    else
        sqlite3_bind_null(s, idx);
}

int store_birth_cert_insert(store_tx_t *tx, store_birth_cert_t *c, fy_err_t *e)
{
    static const char sql[] =
        "INSERT INTO birth_certificates(child_id, mother_id, kind, status, number, child_name, birth_date, mother,"
        " father, applicant, printed, delivery_institution_id, issuing_institution_id, applied_by, applied_at,"
        " issued_by, issued_at, issued_on, voided_by, voided_at, void_reason, previous_id, next_id, reason, version,"
        " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,?,?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, c->child_id);
    sqlite3_bind_int64(s, 2, c->mother_id);
    sq_bind_text(s, 3, c->kind);
    sq_bind_text(s, 4, c->status);
    sq_bind_text(s, 5, c->number);
    sq_bind_text(s, 6, c->child_name);
    sqlite3_bind_int(s, 7, c->birth_date);
    sq_bind_text(s, 8, c->mother);
    sq_bind_text(s, 9, c->father);
    sq_bind_text(s, 10, c->applicant);
    sq_bind_text(s, 11, c->printed);
    sq_bind_text(s, 12, c->delivery_institution_id);
    sq_bind_text(s, 13, c->issuing_institution_id);
    sq_bind_ref(s, 14, c->applied_by);
    sqlite3_bind_int64(s, 15, c->applied_at);
    sq_bind_ref(s, 16, c->issued_by);
    bind_opt_i64(s, 17, c->issued_at, c->issued_at != 0);
    bind_opt_i64(s, 18, c->issued_on, c->issued_at != 0);
    sq_bind_ref(s, 19, c->voided_by);
    bind_opt_i64(s, 20, c->voided_at, c->voided_at != 0);
    sq_bind_text(s, 21, c->void_reason);
    sq_bind_ref(s, 22, c->previous_id);
    sq_bind_ref(s, 23, c->next_id);
    sq_bind_text(s, 24, c->reason);
    sqlite3_bind_int64(s, 25, c->created_at);
    sqlite3_bind_int64(s, 26, c->updated_at ? c->updated_at : c->created_at);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) {
        if ((rc & 0xff) == SQLITE_CONSTRAINT && strstr(sqlite3_errmsg(sq_db(tx)), "child_id"))
            return fy_fail(e, 409, "certificate_exists",
                           "该儿童已有申请中或已签发的出生医学证明（一人一证） (the child already has an applied or "
                           "issued birth certificate: one person, one certificate)");
        return sq_fail(tx, rc, e);
    }
    c->id = sqlite3_last_insert_rowid(sq_db(tx));
    c->version = 1;
    if (!c->updated_at)
        c->updated_at = c->created_at;
    return 0;
}

static int cert_one(store_tx_t *tx, const char *sql, sqlite3_stmt *s, store_birth_cert_t *out, fy_err_t *e)
{
    return sq_row(tx, s, read_cert, out, e);
}

int store_birth_cert_get(store_tx_t *tx, int64_t id, store_birth_cert_t *out, fy_err_t *e)
{
    static const char sql[] = "SELECT " CERT_COLS " FROM birth_certificates b WHERE b.id = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    return cert_one(tx, sql, s, out, e);
}

int store_birth_cert_by_number(store_tx_t *tx, const char *number, store_birth_cert_t *out, fy_err_t *e)
{
    static const char sql[] = "SELECT " CERT_COLS " FROM birth_certificates b WHERE b.number = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, number);
    return cert_one(tx, sql, s, out, e);
}

int store_birth_cert_update(store_tx_t *tx, store_birth_cert_t *c, fy_err_t *e)
{
    static const char sql[] =
        "UPDATE birth_certificates SET status = ?, number = ?, child_name = ?, mother = ?, father = ?, printed = ?,"
        " issuing_institution_id = ?, issued_by = ?, issued_at = ?, issued_on = ?, voided_by = ?, voided_at = ?,"
        " void_reason = ?, next_id = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, c->status);
    sq_bind_text(s, 2, c->number);
    sq_bind_text(s, 3, c->child_name);
    sq_bind_text(s, 4, c->mother);
    sq_bind_text(s, 5, c->father);
    sq_bind_text(s, 6, c->printed);
    sq_bind_text(s, 7, c->issuing_institution_id);
    sq_bind_ref(s, 8, c->issued_by);
    bind_opt_i64(s, 9, c->issued_at, c->issued_at != 0);
    bind_opt_i64(s, 10, c->issued_on, c->issued_at != 0);
    sq_bind_ref(s, 11, c->voided_by);
    bind_opt_i64(s, 12, c->voided_at, c->voided_at != 0);
    sq_bind_text(s, 13, c->void_reason);
    sq_bind_ref(s, 14, c->next_id);
    sqlite3_bind_int64(s, 15, c->updated_at);
    sqlite3_bind_int64(s, 16, c->id);
    sqlite3_bind_int64(s, 17, c->version);
    if (sq_step_done(tx, s, e))
        return -1;
    if (sqlite3_changes(sq_db(tx)) == 0)
        return fy_fail(e, 412, "stale_etag",
                       "记录已被他人修改，请刷新后重试 (the record changed since it was read; reload and retry)");
    c->version++;
    return 0;
}

int store_birth_certs_of_child(store_tx_t *tx, int64_t child_id, store_birth_cert_t **out, int *n, fy_err_t *e)
{
    static const char sql[] = "SELECT " CERT_COLS " FROM birth_certificates b WHERE b.child_id = ? ORDER BY b.id";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, child_id);
    *out = sq_rows(tx, s, sizeof **out, 8, read_cert, n, e);
    return *out ? 0 : -1;
}

int store_birth_certs_applied(store_tx_t *tx, const char *institution_id, int limit, int offset,
                              store_birth_cert_t **out, int *n, int64_t *total, fy_err_t *e)
{
    static const char sql_n[] = "SELECT count(*) FROM birth_certificates"
                                " WHERE delivery_institution_id = ? AND status = 'applied'";
    static const char sql[] = "SELECT " CERT_COLS " FROM birth_certificates b"
                              " WHERE b.delivery_institution_id = ? AND b.status = 'applied'"
                              " ORDER BY b.id LIMIT ? OFFSET ?";
    sqlite3_stmt *s = sq_stmt(tx, sql_n, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, institution_id);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW)
        return sq_fail(tx, rc, e);
    *total = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, institution_id);
    sqlite3_bind_int(s, 2, limit);
    sqlite3_bind_int(s, 3, offset);
    *out = arena_alloc(tx->arena, sizeof **out * (size_t)(limit > 0 ? limit : 1));
    *n = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < limit)
        read_cert(tx, s, &(*out)[(*n)++]);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return sq_fail(tx, rc, e);
    sqlite3_reset(s);
    return 0;
}

int store_child_name_frozen(store_tx_t *tx, int64_t child_id, bool *frozen, fy_err_t *e)
{
    static const char sql[] = "SELECT 1 FROM birth_certificates WHERE child_id = ? AND status = 'issued' LIMIT 1";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, child_id);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    *frozen = rc == SQLITE_ROW;
    sqlite3_reset(s);
    return 0;
}

/* ---- the birth one-stop ----------------------------------------------- */

static int load_steps(store_tx_t *tx, store_birth_service_t *b, fy_err_t *e)
{
    static const char sql[] = "SELECT step, status, detail, updated_at, updated_by FROM birth_service_steps"
                              " WHERE service_id = ? ORDER BY seq";
    static const char sql_c[] = "SELECT number FROM birth_certificates WHERE id = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, b->id);
    b->nsteps = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && b->nsteps < 4) {
        store_bs_step_t *st = &b->steps[b->nsteps++];
        st->step = sq_text(tx, s, 0);
        st->status = sq_text(tx, s, 1);
        st->detail = sq_text(tx, s, 2);
        st->updated_at = sqlite3_column_int64(s, 3);
        st->updated_by = sqlite3_column_int64(s, 4);
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return sq_fail(tx, rc, e);
    sqlite3_reset(s);
    s = sq_stmt(tx, sql_c, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, b->certificate_id);
    rc = sqlite3_step(s);
    b->certificate_number = rc == SQLITE_ROW ? sq_text(tx, s, 0) : NULL;
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return sq_fail(tx, rc, e);
    sqlite3_reset(s);
    return 0;
}

#define BS_COLS "id, child_id, mother_id, certificate_id, created_at, updated_at"

static int service_one(store_tx_t *tx, sqlite3_stmt *s, store_birth_service_t *out, fy_err_t *e)
{
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE)
        return 1;
    if (rc != SQLITE_ROW)
        return sq_fail(tx, rc, e);
    out->id = sqlite3_column_int64(s, 0);
    out->child_id = sqlite3_column_int64(s, 1);
    out->mother_id = sqlite3_column_int64(s, 2);
    out->certificate_id = sqlite3_column_int64(s, 3);
    out->created_at = sqlite3_column_int64(s, 4);
    out->updated_at = sqlite3_column_int64(s, 5);
    sqlite3_reset(s);
    return load_steps(tx, out, e);
}

int store_birth_service_insert(store_tx_t *tx, store_birth_service_t *b, fy_err_t *e)
{
    static const char sql[] = "INSERT INTO birth_services(child_id, mother_id, certificate_id, created_at, updated_at)"
                              " VALUES (?,?,?,?,?)";
    static const char sql_s[] = "INSERT INTO birth_service_steps(service_id, step, seq, status, detail, updated_at,"
                                " updated_by) VALUES (?,?,?,?,?,?,?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, b->child_id);
    sqlite3_bind_int64(s, 2, b->mother_id);
    sqlite3_bind_int64(s, 3, b->certificate_id);
    sqlite3_bind_int64(s, 4, b->created_at);
    sqlite3_bind_int64(s, 5, b->created_at);
    if (sq_step_done(tx, s, e))
        return -1;
    b->id = sqlite3_last_insert_rowid(sq_db(tx));
    b->updated_at = b->created_at;
    for (int i = 0; i < b->nsteps; i++) {
        s = sq_stmt(tx, sql_s, e);
        if (!s)
            return -1;
        sqlite3_bind_int64(s, 1, b->id);
        sq_bind_text(s, 2, b->steps[i].step);
        sqlite3_bind_int(s, 3, i);
        sq_bind_text(s, 4, b->steps[i].status);
        sq_bind_text(s, 5, b->steps[i].detail);
        sqlite3_bind_int64(s, 6, b->steps[i].updated_at);
        sq_bind_ref(s, 7, b->steps[i].updated_by);
        if (sq_step_done(tx, s, e))
            return -1;
    }
    return 0;
}

int store_birth_service_get(store_tx_t *tx, int64_t id, store_birth_service_t *out, fy_err_t *e)
{
    static const char sql[] = "SELECT " BS_COLS " FROM birth_services WHERE id = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    return service_one(tx, s, out, e);
}

int store_birth_service_of_child(store_tx_t *tx, int64_t child_id, store_birth_service_t *out, fy_err_t *e)
{
    static const char sql[] = "SELECT " BS_COLS " FROM birth_services WHERE child_id = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, child_id);
    return service_one(tx, s, out, e);
}

int store_birth_service_set_certificate(store_tx_t *tx, int64_t id, int64_t certificate_id, int64_t at, fy_err_t *e)
{
    static const char sql[] = "UPDATE birth_services SET certificate_id = ?, updated_at = ? WHERE id = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, certificate_id);
    sqlite3_bind_int64(s, 2, at);
    sqlite3_bind_int64(s, 3, id);
    if (sq_step_done(tx, s, e))
        return -1;
    return sqlite3_changes(sq_db(tx)) ? 0 : 1;
}

int store_birth_service_step_set(store_tx_t *tx, int64_t id, const store_bs_step_t *st, fy_err_t *e)
{
    static const char sql[] = "UPDATE birth_service_steps SET status = ?, detail = ?, updated_at = ?, updated_by = ?"
                              " WHERE service_id = ? AND step = ?";
    static const char sql_b[] = "UPDATE birth_services SET updated_at = ? WHERE id = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, st->status);
    sq_bind_text(s, 2, st->detail);
    sqlite3_bind_int64(s, 3, st->updated_at);
    sq_bind_ref(s, 4, st->updated_by);
    sqlite3_bind_int64(s, 5, id);
    sq_bind_text(s, 6, st->step);
    if (sq_step_done(tx, s, e))
        return -1;
    if (sqlite3_changes(sq_db(tx)) == 0)
        return 1;
    s = sq_stmt(tx, sql_b, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, st->updated_at);
    sqlite3_bind_int64(s, 2, id);
    return sq_step_done(tx, s, e);
}
