/* The women registry and the institutions that serve each woman. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "store/sqlite_int.h"

#define WOMAN_COLS                                                                                                 \
    "w.id, w.name, w.id_type, w.id_number, w.birth_date, w.phone, w.residence_district, w.household_district,"     \
    " w.address, w.created_by, w.created_at, w.updated_at, w.version"

static void read_woman(store_tx_t *tx, sqlite3_stmt *s, void *row)
{
    store_woman_t *w = row;
    w->id = sqlite3_column_int64(s, 0);
    w->name = sq_text(tx, s, 1);
    w->id_type = sq_text(tx, s, 2);
    w->id_number = sq_text(tx, s, 3);
    w->has_birth_date = sqlite3_column_type(s, 4) != SQLITE_NULL;
    w->birth_date = (fy_date_t)sqlite3_column_int(s, 4);
    w->phone = sq_text(tx, s, 5);
    w->residence_district = sq_text(tx, s, 6);
    w->household_district = sq_text(tx, s, 7);
    w->address = sq_text(tx, s, 8);
    w->created_by = sqlite3_column_int64(s, 9);
    w->created_at = sqlite3_column_int64(s, 10);
    w->updated_at = sqlite3_column_int64(s, 11);
    w->version = sqlite3_column_int64(s, 12);
}

static void bind_fields(sqlite3_stmt *s, const store_woman_t *w)
{
    sq_bind_text(s, 1, w->name);
    sq_bind_text(s, 2, w->id_type);
    sq_bind_text(s, 3, w->id_number);
    if (w->has_birth_date)
        sqlite3_bind_int(s, 4, w->birth_date);
    else
        sqlite3_bind_null(s, 4);
    sq_bind_text(s, 5, w->phone);
    sq_bind_text(s, 6, w->residence_district);
    sq_bind_text(s, 7, w->household_district);
    sq_bind_text(s, 8, w->address);
}

int store_woman_insert(store_tx_t *tx, store_woman_t *w, fy_err_t *e)
{
    store_woman_t existing;
    int found = store_woman_by_idnum(tx, w->id_type, w->id_number, &existing, e);
    if (found < 0)
        return -1;
    if (found == 0) {
        snprintf(e->extra, sizeof e->extra, "\"existing_id\":\"%lld\"", (long long)existing.id);
        return fy_fail(e, 409, "duplicate_id_number",
                       "该证件号码已登记，档案号 %lld (this ID number is already registered as woman %lld)",
                       (long long)existing.id, (long long)existing.id);
    }
    static const char sql[] = "INSERT INTO women(name, id_type, id_number, birth_date, phone, residence_district,"
                              " household_district, address, created_by, created_at, updated_at, version)"
                              " VALUES (?,?,?,?,?,?,?,?,?,?,?,1)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    bind_fields(s, w);
    sqlite3_bind_int64(s, 9, w->created_by);
    sqlite3_bind_int64(s, 10, w->created_at);
    sqlite3_bind_int64(s, 11, w->created_at);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    w->id = sqlite3_last_insert_rowid(sq_db(tx));
    w->version = 1;
    w->updated_at = w->created_at;
    return 0;
}

int store_woman_get(store_tx_t *tx, int64_t id, store_woman_t *out, fy_err_t *e)
{
    static const char sql[] = "SELECT " WOMAN_COLS " FROM women w WHERE w.id = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    return sq_row(tx, s, read_woman, out, e);
}

int store_woman_by_idnum(store_tx_t *tx, const char *id_type, const char *id_number, store_woman_t *out,
                         fy_err_t *e)
{
    static const char sql[] = "SELECT " WOMAN_COLS " FROM women w WHERE w.id_type = ? AND w.id_number = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, id_type);
    sq_bind_text(s, 2, id_number);
    return sq_row(tx, s, read_woman, out, e);
}

int store_woman_update(store_tx_t *tx, store_woman_t *w, int64_t expected_version, fy_err_t *e)
{
    static const char sql[] = "UPDATE women SET name=?, id_type=?, id_number=?, birth_date=?, phone=?,"
                              " residence_district=?, household_district=?, address=?, updated_at=?,"
                              " version = version + 1 WHERE id = ? AND version = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    bind_fields(s, w);
    sqlite3_bind_int64(s, 9, w->updated_at);
    sqlite3_bind_int64(s, 10, w->id);
    sqlite3_bind_int64(s, 11, expected_version);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    if (sqlite3_changes(sq_db(tx)) == 0)
        return fy_fail(e, 412, "stale_etag",
                       "档案已被他人修改，请刷新后重试 (the record changed since it was read; reload and retry)");
    w->version = expected_version + 1;
    return 0;
}

int store_woman_link(store_tx_t *tx, int64_t woman_id, const char *institution_id, const char *district,
                     fy_err_t *e)
{
    static const char sql[] = "INSERT OR IGNORE INTO woman_institutions(woman_id, institution_id, district)"
                              " VALUES (?,?,?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, woman_id);
    sq_bind_text(s, 2, institution_id);
    sq_bind_text(s, 3, district);
    int rc = sqlite3_step(s);
    return rc == SQLITE_DONE ? 0 : sq_fail(tx, rc, e);
}

int store_woman_scope_facts(store_tx_t *tx, int64_t woman_id, bool with_links, scope_facts_t *out, fy_err_t *e)
{
    static const char sql1[] = "SELECT residence_district FROM women WHERE id = ?";
    static const char sql2[] = "SELECT institution_id, district FROM woman_institutions WHERE woman_id = ?";
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s = sq_stmt(tx, sql1, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, woman_id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE)
        return 1;
    if (rc != SQLITE_ROW)
        return sq_fail(tx, rc, e);
    out->woman_id = woman_id;
    out->residence_district = sq_text(tx, s, 0);
    sqlite3_reset(s);
    if (!with_links)
        return 0;
    s = sq_stmt(tx, sql2, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, woman_id);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && out->n_links < SCOPE_MAX_LINKS) {
        out->links[out->n_links].institution_id = sq_text(tx, s, 0);
        out->links[out->n_links].district = sq_text(tx, s, 1);
        out->n_links++;
    }
    return 0;
}

/* The scope as a SQL condition on women w; bound parameters follow the
 * query's own (see bind_scope). */
void sq_scope_where(buf_t *sql, const scope_t *sc)
{
    switch (sc->kind) {
    case SCOPE_ALL:
        buf_puts(sql, " AND 1");
        break;
    case SCOPE_SELF:
        buf_puts(sql, " AND w.id = :self");
        break;
    case SCOPE_DISTRICT:
        buf_puts(sql, " AND (w.residence_district = :district OR EXISTS (SELECT 1 FROM woman_institutions l"
                      " WHERE l.woman_id = w.id AND l.district = :district))");
        break;
    case SCOPE_INSTITUTION:
        buf_puts(sql, " AND EXISTS (SELECT 1 FROM woman_institutions l WHERE l.woman_id = w.id"
                      " AND l.institution_id = :inst)");
        break;
    case SCOPE_NONE:
        buf_puts(sql, " AND 0");
        break;
    }
}

void sq_bind_named(sqlite3_stmt *s, const char *name, const char *v)
{
    int i = sqlite3_bind_parameter_index(s, name);
    if (i)
        sq_bind_text(s, i, v);
}

void sq_bind_scope(sqlite3_stmt *s, const scope_t *sc)
{
    int i = sqlite3_bind_parameter_index(s, ":self");
    if (i)
        sqlite3_bind_int64(s, i, sc->woman_id);
    sq_bind_named(s, ":district", sc->district);
    sq_bind_named(s, ":inst", sc->institution_id);
}

void sq_bind_double(sqlite3_stmt *s, int idx, double v)
{
    if (isnan(v))
        sqlite3_bind_null(s, idx);
    else
        sqlite3_bind_double(s, idx, v);
}

double sq_double(sqlite3_stmt *s, int col)
{
    return sqlite3_column_type(s, col) == SQLITE_NULL ? NAN : sqlite3_column_double(s, col);
}

static void bind_women_query(sqlite3_stmt *s, const void *vq)
{
    const store_women_query_t *q = vq;
    sq_bind_named(s, ":idn", q->id_number);
    sq_bind_named(s, ":name", q->name);
    sq_bind_named(s, ":rdist", q->district);
    sq_bind_scope(s, q->scope);
}

int store_women_search(store_tx_t *tx, const store_women_query_t *q, store_woman_t **out, int *n, int64_t *total,
                       fy_err_t *e)
{
    buf_t where = {0};
    buf_puts(&where, " FROM women w WHERE 1");
    if (q->id_number)
        buf_puts(&where, " AND w.id_number = :idn");
    if (q->name)
        /* prefix match that can use the name index: name >= p AND name < p || U+10FFFF */
        buf_puts(&where, " AND w.name >= :name AND w.name < :name || char(1114111)");
    if (q->district)
        buf_puts(&where, " AND w.residence_district = :rdist");
    sq_scope_where(&where, q->scope);

    char *count_sql = arena_printf(tx->arena, "SELECT count(*)%s", where.p);
    char *list_sql = arena_printf(tx->arena, "SELECT " WOMAN_COLS "%s ORDER BY w.id LIMIT :lim OFFSET :off", where.p);
    buf_free(&where);

    *out = sq_page(tx, list_sql, count_sql, bind_women_query, q, q->limit, q->offset, sizeof **out, read_woman, n,
                   total, e);
    return *out ? 0 : -1;
}
