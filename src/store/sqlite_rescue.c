/* The rescue network's versions, referrals and their transitions, and
 * critical events with their reviews. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite_int.h"

/* ---- the network --------------------------------------------------------- */

int store_rescue_network_count(store_tx_t *tx, int64_t *count, fy_err_t *e)
{
    static const char sql[] = "SELECT count(*) FROM rescue_network_versions";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW)
        return sq_fail(tx, rc, e);
    *count = sqlite3_column_int64(s, 0);
    return 0;
}

static const char *order_text(store_tx_t *tx, const rescue_network_t *n)
{
    buf_t b = {0};
    for (size_t i = 0; i < n->norder; i++)
        buf_printf(&b, "%s%s", i ? "," : "", rescue_basis_name(n->order[i]));
    const char *out = arena_strdup(tx->arena, b.p ? b.p : "");
    buf_free(&b);
    return out;
}

static void order_parse(const char *text, rescue_network_t *n)
{
    n->norder = 0;
    while (text && *text && n->norder < RESCUE_NBASES) {
        const char *comma = strchr(text, ',');
        size_t len = comma ? (size_t)(comma - text) : strlen(text);
        char name[64];
        if (len < sizeof name) {
            memcpy(name, text, len);
            name[len] = 0;
            rescue_basis_t b;
            if (rescue_basis_parse(name, &b) == 0)
                n->order[n->norder++] = b;
        }
        text = comma ? comma + 1 : NULL;
    }
}

int store_rescue_network_insert(store_tx_t *tx, store_rescue_network_t *n, fy_err_t *e)
{
    static const char sql[] = "INSERT INTO rescue_network_versions(version, label, effective, sample, "
                              "note, source, routing_rule,"
                              " routing_rule_zh, routing_order, created_by, created_at)"
                              " VALUES ((SELECT coalesce(max(version), 0) + 1 FROM "
                              "rescue_network_versions),?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    const rescue_network_t *net = &n->net;
    sq_bind_text(s, 1, net->label);
    sqlite3_bind_int(s, 2, net->effective);
    sqlite3_bind_int(s, 3, net->sample);
    sq_bind_text(s, 4, net->note);
    sq_bind_text(s, 5, net->source);
    sq_bind_text(s, 6, net->rule);
    sq_bind_text(s, 7, net->rule_zh);
    sq_bind_text(s, 8, order_text(tx, net));
    sq_bind_ref(s, 9, n->created_by);
    sqlite3_bind_int64(s, 10, n->created_at);
    if (sq_step_done(tx, s, e))
        return -1;
    n->version = sqlite3_last_insert_rowid(sq_db(tx));
    static const char psql[] = "INSERT INTO rescue_network_pairs(version, kind, "
                               "district, center_id, center_seq, seq)"
                               " VALUES (?,?,?,?,?,?)";
    for (int k = 0; k < RESCUE_NKINDS; k++)
        for (size_t c = 0; c < net->ncenters[k]; c++)
            for (size_t d = 0; d < net->centers[k][c].ndistricts; d++) {
                sqlite3_stmt *p = sq_stmt(tx, psql, e);
                if (!p)
                    return -1;
                sqlite3_bind_int64(p, 1, n->version);
                sq_bind_text(p, 2, rescue_kind_name((rescue_kind_t)k));
                sq_bind_text(p, 3, net->centers[k][c].districts[d]);
                sq_bind_text(p, 4, net->centers[k][c].center);
                sqlite3_bind_int(p, 5, (int)c);
                sqlite3_bind_int(p, 6, (int)d);
                if (sq_step_done(tx, p, e))
                    return -1;
            }
    return 0;
}

#define NET_COLS                                                                                                       \
    "version, label, effective, sample, note, source, routing_rule, "                                                  \
    "routing_rule_zh, routing_order, created_by,"                                                                      \
    " created_at"

static void read_version(store_tx_t *tx, sqlite3_stmt *s, void *row)
{
    store_rescue_network_t *out = row;
    memset(out, 0, sizeof *out);
    out->version = sqlite3_column_int64(s, 0);
    out->net.label = sq_text(tx, s, 1);
    out->net.effective = sqlite3_column_int(s, 2);
    out->net.sample = sqlite3_column_int(s, 3) != 0;
    out->net.note = sq_text(tx, s, 4);
    out->net.source = sq_text(tx, s, 5);
    out->net.rule = sq_text(tx, s, 6);
    out->net.rule_zh = sq_text(tx, s, 7);
    order_parse((const char *)sqlite3_column_text(s, 8), &out->net);
    out->created_by = sqlite3_column_int64(s, 9);
    out->created_at = sqlite3_column_int64(s, 10);
}

/* The pairs of a version, grouped into centres in published order. */
static int load_pairs(store_tx_t *tx, store_rescue_network_t *out, fy_err_t *e)
{
    static const char sql[] = "SELECT kind, center_id, center_seq, district FROM rescue_network_pairs"
                              " WHERE version = ? ORDER BY kind, center_seq, seq";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, out->version);
    int cap[RESCUE_NKINDS] = {8, 8}, last_seq[RESCUE_NKINDS] = {-1, -1};
    int dcap[RESCUE_NKINDS] = {0, 0};
    for (int k = 0; k < RESCUE_NKINDS; k++) {
        out->net.centers[k] = arena_alloc(tx->arena, sizeof *out->net.centers[k] * (size_t)cap[k]);
        out->net.ncenters[k] = 0;
    }
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        rescue_kind_t k;
        if (rescue_kind_parse((const char *)sqlite3_column_text(s, 0), &k))
            continue;
        int seq = sqlite3_column_int(s, 2);
        if (seq != last_seq[k]) {
            int n = (int)out->net.ncenters[k];
            SQ_GROW(tx, out->net.centers[k], n, cap[k]);
            rescue_center_t *c = &out->net.centers[k][out->net.ncenters[k]++];
            c->center = sq_text(tx, s, 1);
            dcap[k] = 4;
            c->districts = arena_alloc(tx->arena, sizeof *c->districts * (size_t)dcap[k]);
            c->ndistricts = 0;
            last_seq[k] = seq;
        }
        rescue_center_t *c = &out->net.centers[k][out->net.ncenters[k] - 1];
        int nd = (int)c->ndistricts;
        SQ_GROW(tx, c->districts, nd, dcap[k]);
        c->districts[c->ndistricts++] = sq_text(tx, s, 3);
    }
    return rc == SQLITE_DONE ? 0 : sq_fail(tx, rc, e);
}

int store_rescue_network_get(store_tx_t *tx, int64_t version, store_rescue_network_t *out, fy_err_t *e)
{
    static const char sql[] = "SELECT " NET_COLS " FROM rescue_network_versions WHERE version = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, version);
    int rc = sq_row(tx, s, read_version, out, e);
    return rc ? rc : load_pairs(tx, out, e);
}

int store_rescue_network_current(store_tx_t *tx, fy_date_t day, store_rescue_network_t *out, fy_err_t *e)
{
    static const char sql[] = "SELECT " NET_COLS " FROM rescue_network_versions WHERE effective <= ? "
                              "ORDER BY version DESC LIMIT 1";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int(s, 1, day);
    int rc = sq_row(tx, s, read_version, out, e);
    return rc ? rc : load_pairs(tx, out, e);
}

int store_rescue_network_versions(store_tx_t *tx, store_rescue_network_t **out, int *n, fy_err_t *e)
{
    static const char sql[] = "SELECT " NET_COLS " FROM rescue_network_versions ORDER BY version DESC";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    *out = sq_rows(tx, s, sizeof **out, 4, read_version, n, e);
    return *out ? 0 : -1;
}

/* ---- referrals ----------------------------------------------------------- */

#define REF_COLS                                                                                                       \
    "r.id, r.kind, r.type, r.woman_id, r.pregnancy_id, r.child_id, "                                                   \
    "r.from_institution_id, r.from_district,"                                                                          \
    " r.patient_district, r.reason, r.urgency, r.indications, "                                                        \
    "r.network_version, r.routing_basis,"                                                                              \
    " r.routing_district, r.first_center_id, r.center_id, r.state, r.outcome, "                                        \
    "r.redirects, r.requested_at,"                                                                                     \
    " r.center_requested_at, r.accepted_at, r.in_transit_at, r.arrived_at, "                                           \
    "r.closed_at, r.last_at, r.created_by,"                                                                            \
    " r.created_at, r.updated_at, r.version"

static void read_referral(store_tx_t *tx, sqlite3_stmt *s, void *row)
{
    store_referral_t *r = row;
    int c = 0;
    r->id = sqlite3_column_int64(s, c++);
    r->kind = sq_text(tx, s, c++);
    r->type = sq_text(tx, s, c++);
    r->woman_id = sqlite3_column_int64(s, c++);
    r->pregnancy_id = sqlite3_column_int64(s, c++);
    r->child_id = sqlite3_column_int64(s, c++);
    r->from_institution_id = sq_text(tx, s, c++);
    r->from_district = sq_text(tx, s, c++);
    r->patient_district = sq_text(tx, s, c++);
    r->reason = sq_text(tx, s, c++);
    r->urgency = sq_text(tx, s, c++);
    r->indications = sq_text(tx, s, c++);
    r->network_version = sqlite3_column_int64(s, c++);
    r->routing_basis = sq_text(tx, s, c++);
    r->routing_district = sq_text(tx, s, c++);
    r->first_center_id = sq_text(tx, s, c++);
    r->center_id = sq_text(tx, s, c++);
    r->state = sq_text(tx, s, c++);
    r->outcome = sq_text(tx, s, c++);
    r->redirects = sqlite3_column_int(s, c++);
    r->requested_at = sqlite3_column_int64(s, c++);
    r->center_requested_at = sqlite3_column_int64(s, c++);
    r->accepted_at = sqlite3_column_int64(s, c++);
    r->in_transit_at = sqlite3_column_int64(s, c++);
    r->arrived_at = sqlite3_column_int64(s, c++);
    r->closed_at = sqlite3_column_int64(s, c++);
    r->last_at = sqlite3_column_int64(s, c++);
    r->created_by = sqlite3_column_int64(s, c++);
    r->created_at = sqlite3_column_int64(s, c++);
    r->updated_at = sqlite3_column_int64(s, c++);
    r->version = sqlite3_column_int64(s, c++);
}

int store_referral_insert(store_tx_t *tx, store_referral_t *r, fy_err_t *e)
{
    static const char sql[] = "INSERT INTO referrals(kind, type, woman_id, pregnancy_id, child_id, "
                              "from_institution_id, from_district,"
                              " patient_district, reason, urgency, indications, network_version, "
                              "routing_basis, routing_district,"
                              " first_center_id, center_id, state, redirects, requested_at, "
                              "center_requested_at, last_at, created_by,"
                              " created_at, updated_at, version) VALUES "
                              "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0,?,?,?,?,?,?,1)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    int i = 1;
    sq_bind_text(s, i++, r->kind);
    sq_bind_text(s, i++, r->type);
    sqlite3_bind_int64(s, i++, r->woman_id);
    sq_bind_ref(s, i++, r->pregnancy_id);
    sq_bind_ref(s, i++, r->child_id);
    sq_bind_text(s, i++, r->from_institution_id);
    sq_bind_text(s, i++, r->from_district);
    sq_bind_text(s, i++, r->patient_district);
    sq_bind_text(s, i++, r->reason);
    sq_bind_text(s, i++, r->urgency);
    sq_bind_text(s, i++, r->indications ? r->indications : "[]");
    sqlite3_bind_int64(s, i++, r->network_version);
    sq_bind_text(s, i++, r->routing_basis);
    sq_bind_text(s, i++, r->routing_district);
    sq_bind_text(s, i++, r->first_center_id);
    sq_bind_text(s, i++, r->center_id);
    sq_bind_text(s, i++, r->state ? r->state : "requested");
    sqlite3_bind_int64(s, i++, r->requested_at);
    sqlite3_bind_int64(s, i++, r->center_requested_at ? r->center_requested_at : r->requested_at);
    sqlite3_bind_int64(s, i++, r->last_at ? r->last_at : r->requested_at);
    sq_bind_ref(s, i++, r->created_by);
    sqlite3_bind_int64(s, i++, r->created_at);
    sqlite3_bind_int64(s, i++, r->created_at);
    if (sq_step_done(tx, s, e))
        return -1;
    r->id = sqlite3_last_insert_rowid(sq_db(tx));
    r->version = 1;
    r->updated_at = r->created_at;
    if (!r->state)
        r->state = "requested";
    if (!r->center_requested_at)
        r->center_requested_at = r->requested_at;
    if (!r->last_at)
        r->last_at = r->requested_at;
    return 0;
}

int store_referral_get(store_tx_t *tx, int64_t id, store_referral_t *out, fy_err_t *e)
{
    static const char sql[] = "SELECT " REF_COLS " FROM referrals r WHERE r.id = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    return sq_row(tx, s, read_referral, out, e);
}

int store_referral_update(store_tx_t *tx, store_referral_t *r, fy_err_t *e)
{
    static const char sql[] = "UPDATE referrals SET center_id = ?, state = ?, outcome = ?, redirects = "
                              "?, center_requested_at = ?,"
                              " accepted_at = ?, in_transit_at = ?, arrived_at = ?, closed_at = ?, "
                              "last_at = ?, updated_at = ?,"
                              " version = version + 1 WHERE id = ? AND version = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    int i = 1;
    sq_bind_text(s, i++, r->center_id);
    sq_bind_text(s, i++, r->state);
    sq_bind_text(s, i++, r->outcome);
    sqlite3_bind_int(s, i++, r->redirects);
    sqlite3_bind_int64(s, i++, r->center_requested_at);
    sq_bind_ref(s, i++, r->accepted_at);
    sq_bind_ref(s, i++, r->in_transit_at);
    sq_bind_ref(s, i++, r->arrived_at);
    sq_bind_ref(s, i++, r->closed_at);
    sqlite3_bind_int64(s, i++, r->last_at);
    sqlite3_bind_int64(s, i++, r->updated_at);
    sqlite3_bind_int64(s, i++, r->id);
    sqlite3_bind_int64(s, i++, r->version);
    if (sq_step_done(tx, s, e))
        return -1;
    if (sqlite3_changes(sq_db(tx)) == 0)
        return fy_fail(e, 409, "concurrent_transition",
                       "该转诊已被他人更新，请刷新后重试 (the referral changed "
                       "meanwhile; reload and retry)");
    r->version++;
    return 0;
}

int store_referral_event_insert(store_tx_t *tx, store_referral_event_t *ev, fy_err_t *e)
{
    static const char sql[] = "INSERT INTO referral_events(referral_id, from_state, to_state, at, "
                              "center_id,"
                              " to_center_id, outcome, note, user_id, username, recorded_at)"
                              " VALUES (?,?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, ev->referral_id);
    sq_bind_text(s, 2, ev->from_state);
    sq_bind_text(s, 3, ev->to_state);
    sqlite3_bind_int64(s, 4, ev->at);
    sq_bind_text(s, 5, ev->center_id);
    sq_bind_text(s, 6, ev->to_center_id);
    sq_bind_text(s, 7, ev->outcome);
    sq_bind_text(s, 8, ev->note);
    sq_bind_ref(s, 9, ev->user_id);
    sq_bind_text(s, 10, ev->username);
    sqlite3_bind_int64(s, 11, ev->recorded_at);
    if (sq_step_done(tx, s, e))
        return -1;
    ev->id = sqlite3_last_insert_rowid(sq_db(tx));
    return 0;
}

static void read_referral_event(store_tx_t *tx, sqlite3_stmt *s, void *row)
{
    store_referral_event_t *ev = row;
    ev->id = sqlite3_column_int64(s, 0);
    ev->referral_id = sqlite3_column_int64(s, 1);
    ev->from_state = sq_text(tx, s, 2);
    ev->to_state = sq_text(tx, s, 3);
    ev->at = sqlite3_column_int64(s, 4);
    ev->center_id = sq_text(tx, s, 5);
    ev->to_center_id = sq_text(tx, s, 6);
    ev->outcome = sq_text(tx, s, 7);
    ev->note = sq_text(tx, s, 8);
    ev->user_id = sqlite3_column_int64(s, 9);
    ev->username = sq_text(tx, s, 10);
    ev->recorded_at = sqlite3_column_int64(s, 11);
}

int store_referral_events_of(store_tx_t *tx, int64_t referral_id, store_referral_event_t **out, int *n, fy_err_t *e)
{
    static const char sql[] = "SELECT id, referral_id, from_state, to_state, at, "
                              "center_id, to_center_id, outcome,"
                              " note, user_id, username, recorded_at FROM "
                              "referral_events WHERE referral_id = ?"
                              " ORDER BY id";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, referral_id);
    *out = sq_rows(tx, s, sizeof **out, 8, read_referral_event, n, e);
    return *out ? 0 : -1;
}

/* rescue_referral_visible() as a condition on referrals r */
static void referral_scope_where(buf_t *sql, const scope_t *sc, role_t role)
{
    switch (sc->kind) {
    case SCOPE_ALL:
        break;
    case SCOPE_DISTRICT:
        buf_puts(sql, " AND (r.patient_district = :sdistrict OR r.from_district = "
                      ":sdistrict)");
        break;
    case SCOPE_INSTITUTION:
        if (role == ROLE_RESCUE_CENTER)
            buf_puts(sql, " AND (r.center_id = :sinst OR r.from_institution_id = :sinst)");
        else
            buf_puts(sql, " AND r.from_institution_id = :sinst");
        break;
    default:
        buf_puts(sql, " AND 0");
        break;
    }
}

static int run_referral_query(store_tx_t *tx, const char *sql, const store_referral_query_t *q, bool count,
                              store_referral_t **out, int *n, int64_t *total, int cap_hint, fy_err_t *e)
{
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(sq_db(tx), sql, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return sq_fail(tx, rc, e);
    if (q) {
        sq_bind_named(s, ":sdistrict", q->scope ? q->scope->district : NULL);
        sq_bind_named(s, ":sinst", q->scope ? q->scope->institution_id : NULL);
        sq_bind_named(s, ":center", q->center);
        sq_bind_named(s, ":state", q->state);
        sq_bind_named(s, ":kind", q->kind);
        sq_bind_named(s, ":type", q->type);
        sq_bind_named(s, ":district", q->district);
    }
    if (!count) {
        *out = sq_rows(tx, s, sizeof **out, cap_hint > 0 ? cap_hint : 16, read_referral, n, e);
        sqlite3_finalize(s);
        return *out ? 0 : -1;
    }
    rc = sqlite3_step(s);
    *total = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    if (rc != SQLITE_ROW)
        sq_fail(tx, rc, e);
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? 0 : -1;
}

int store_referrals_search(store_tx_t *tx, const store_referral_query_t *q, store_referral_t **out, int *n,
                           int64_t *total, fy_err_t *e)
{
    buf_t where = {0};
    buf_puts(&where, " FROM referrals r WHERE 1");
    if (q->center)
        buf_puts(&where, " AND r.center_id = :center");
    if (q->state)
        buf_puts(&where, " AND r.state = :state");
    else if (q->open_only)
        buf_puts(&where, " AND r.state <> 'closed'");
    if (q->kind)
        buf_puts(&where, " AND r.kind = :kind");
    if (q->type)
        buf_puts(&where, " AND r.type = :type");
    if (q->district)
        buf_puts(&where, " AND (r.patient_district = :district OR r.from_district = :district)");
    if (q->pregnancy_id)
        buf_printf(&where, " AND r.pregnancy_id = %lld", (long long)q->pregnancy_id);
    if (q->child_id)
        buf_printf(&where, " AND r.child_id = %lld", (long long)q->child_id);
    if (q->woman_id)
        buf_printf(&where, " AND r.woman_id = %lld", (long long)q->woman_id);
    referral_scope_where(&where, q->scope, q->role);
    const char *count_sql = arena_printf(tx->arena, "SELECT count(*)%s", where.p);
    const char *list_sql = arena_printf(tx->arena,
                                        "SELECT " REF_COLS "%s ORDER BY CASE r.urgency WHEN 'emergency' THEN 0"
                                        " WHEN 'urgent' THEN 1 ELSE 2 END, r.requested_at, r.id LIMIT %d OFFSET "
                                        "%d",
                                        where.p, q->limit, q->offset);
    buf_free(&where);
    if (run_referral_query(tx, count_sql, q, true, NULL, NULL, total, 0, e))
        return -1;
    return run_referral_query(tx, list_sql, q, false, out, n, NULL, q->limit, e);
}

int store_referrals_for_metrics(store_tx_t *tx, int64_t from_ms, int64_t to_ms, const char *center, const char *kind,
                                const char *type, store_referral_t **out, int *n, fy_err_t *e)
{
    buf_t where = {0};
    buf_puts(&where, "SELECT " REF_COLS " FROM referrals r WHERE 1");
    if (from_ms)
        buf_printf(&where, " AND r.requested_at >= %lld", (long long)from_ms);
    if (to_ms)
        buf_printf(&where, " AND r.requested_at < %lld", (long long)to_ms);
    if (center)
        buf_puts(&where, " AND r.center_id = :center");
    if (kind)
        buf_puts(&where, " AND r.kind = :kind");
    if (type)
        buf_puts(&where, " AND r.type = :type");
    buf_puts(&where, " ORDER BY r.center_id, r.id");
    store_referral_query_t q = {.center = center, .kind = kind, .type = type};
    const char *sql = arena_strdup(tx->arena, where.p);
    buf_free(&where);
    return run_referral_query(tx, sql, &q, false, out, n, NULL, 64, e);
}

/* ---- critical events ----------------------------------------------------- */

#define CE_COLS                                                                                                        \
    "c.id, c.kind, c.woman_id, c.child_id, c.pregnancy_id, c.closed_pregnancy, "                                       \
    "c.occurred_at, c.reported_at,"                                                                                    \
    " c.report_within_ms, c.late, c.cause, c.place, c.district, "                                                      \
    "c.institution_id, c.reported_by, c.created_at,"                                                                   \
    " c.reviewed, c.reviewed_at, c.review_panel, c.review_conclusion, "                                                \
    "c.preventability, c.review_factors,"                                                                              \
    " c.reviewed_by, c.review_recorded_at"

static void read_event(store_tx_t *tx, sqlite3_stmt *s, void *row)
{
    store_critical_event_t *ev = row;
    int c = 0;
    ev->id = sqlite3_column_int64(s, c++);
    ev->kind = sq_text(tx, s, c++);
    ev->woman_id = sqlite3_column_int64(s, c++);
    ev->child_id = sqlite3_column_int64(s, c++);
    ev->pregnancy_id = sqlite3_column_int64(s, c++);
    ev->closed_pregnancy = sqlite3_column_int(s, c++) != 0;
    ev->occurred_at = sqlite3_column_int64(s, c++);
    ev->reported_at = sqlite3_column_int64(s, c++);
    ev->report_within_ms = sqlite3_column_int64(s, c++);
    ev->late = sqlite3_column_int(s, c++) != 0;
    ev->cause = sq_text(tx, s, c++);
    ev->place = sq_text(tx, s, c++);
    ev->district = sq_text(tx, s, c++);
    ev->institution_id = sq_text(tx, s, c++);
    ev->reported_by = sqlite3_column_int64(s, c++);
    ev->created_at = sqlite3_column_int64(s, c++);
    ev->reviewed = sqlite3_column_int(s, c++) != 0;
    ev->reviewed_at = sqlite3_column_int64(s, c++);
    ev->review_panel = sq_text(tx, s, c++);
    ev->review_conclusion = sq_text(tx, s, c++);
    ev->preventability = sq_text(tx, s, c++);
    ev->review_factors = sq_text(tx, s, c++);
    ev->reviewed_by = sqlite3_column_int64(s, c++);
    ev->review_recorded_at = sqlite3_column_int64(s, c++);
}

int store_critical_event_insert(store_tx_t *tx, store_critical_event_t *ev, fy_err_t *e)
{
    static const char sql[] = "INSERT INTO critical_events(kind, woman_id, child_id, pregnancy_id, "
                              "closed_pregnancy, occurred_at,"
                              " reported_at, report_within_ms, late, cause, place, district, "
                              "institution_id, reported_by, created_at)"
                              " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    int i = 1;
    sq_bind_text(s, i++, ev->kind);
    sqlite3_bind_int64(s, i++, ev->woman_id);
    sq_bind_ref(s, i++, ev->child_id);
    sq_bind_ref(s, i++, ev->pregnancy_id);
    sqlite3_bind_int(s, i++, ev->closed_pregnancy);
    sqlite3_bind_int64(s, i++, ev->occurred_at);
    sqlite3_bind_int64(s, i++, ev->reported_at);
    sq_bind_ref(s, i++, ev->report_within_ms);
    sqlite3_bind_int(s, i++, ev->late);
    sq_bind_text(s, i++, ev->cause);
    sq_bind_text(s, i++, ev->place);
    sq_bind_text(s, i++, ev->district);
    sq_bind_text(s, i++, ev->institution_id);
    sq_bind_ref(s, i++, ev->reported_by);
    sqlite3_bind_int64(s, i++, ev->created_at);
    if (sq_step_done(tx, s, e))
        return -1;
    ev->id = sqlite3_last_insert_rowid(sq_db(tx));
    return 0;
}

int store_critical_event_get(store_tx_t *tx, int64_t id, store_critical_event_t *out, fy_err_t *e)
{
    static const char sql[] = "SELECT " CE_COLS " FROM critical_events c WHERE c.id = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    return sq_row(tx, s, read_event, out, e);
}

int store_critical_event_find(store_tx_t *tx, const char *kind, int64_t woman_id, int64_t child_id, int64_t *id,
                              fy_err_t *e)
{
    static const char by_woman[] = "SELECT id FROM critical_events WHERE kind = ? AND woman_id = ?"
                                   " AND child_id IS NULL ORDER BY id LIMIT 1";
    static const char by_child[] = "SELECT id FROM critical_events WHERE kind = "
                                   "? AND child_id = ? ORDER BY id LIMIT 1";
    sqlite3_stmt *s = sq_stmt(tx, child_id ? by_child : by_woman, e);
    if (!s)
        return -1;
    sq_bind_text(s, 1, kind);
    sqlite3_bind_int64(s, 2, child_id ? child_id : woman_id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(s, 0);
        return 0;
    }
    return rc == SQLITE_DONE ? 1 : sq_fail(tx, rc, e);
}

int store_critical_event_review(store_tx_t *tx, const store_critical_event_t *ev, fy_err_t *e)
{
    static const char sql[] = "UPDATE critical_events SET reviewed = 1, reviewed_at = ?, review_panel "
                              "= ?,"
                              " review_conclusion = ?, preventability = ?, review_factors = ?, "
                              "reviewed_by = ?,"
                              " review_recorded_at = ? WHERE id = ? AND reviewed = 0";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, ev->reviewed_at);
    sq_bind_text(s, 2, ev->review_panel);
    sq_bind_text(s, 3, ev->review_conclusion);
    sq_bind_text(s, 4, ev->preventability);
    sq_bind_text(s, 5, ev->review_factors ? ev->review_factors : "[]");
    sq_bind_ref(s, 6, ev->reviewed_by);
    sqlite3_bind_int64(s, 7, ev->review_recorded_at);
    sqlite3_bind_int64(s, 8, ev->id);
    if (sq_step_done(tx, s, e))
        return -1;
    if (sqlite3_changes(sq_db(tx)) == 0)
        return fy_fail(e, 409, "already_reviewed", "该事件已评审 (the event has been reviewed already)");
    return 0;
}

int store_critical_events_search(store_tx_t *tx, const store_critical_event_query_t *q, store_critical_event_t **out,
                                 int *n, int64_t *total, fy_err_t *e)
{
    buf_t where = {0};
    buf_puts(&where, " FROM critical_events c JOIN women w ON w.id = c.woman_id WHERE 1");
    if (q->kind)
        buf_puts(&where, " AND c.kind = :kind");
    if (q->district)
        buf_puts(&where, " AND c.district = :qdistrict");
    if (q->reviewed >= 0)
        buf_printf(&where, " AND c.reviewed = %d", q->reviewed ? 1 : 0);
    if (q->late >= 0)
        buf_printf(&where, " AND c.late = %d", q->late ? 1 : 0);
    if (q->woman_id)
        buf_printf(&where, " AND c.woman_id = %lld", (long long)q->woman_id);
    if (q->child_id)
        buf_printf(&where, " AND c.child_id = %lld", (long long)q->child_id);
    if (q->from_ms)
        buf_printf(&where, " AND c.occurred_at >= %lld", (long long)q->from_ms);
    if (q->to_ms)
        buf_printf(&where, " AND c.occurred_at < %lld", (long long)q->to_ms);
    sq_scope_where(&where, q->scope);
    const char *order = q->reviewed == 0 ? " ORDER BY c.occurred_at, c.id" : " ORDER BY c.occurred_at DESC, c.id DESC";
    const char *sqls[2] = {
        arena_printf(tx->arena, "SELECT count(*)%s", where.p),
        arena_printf(tx->arena, "SELECT " CE_COLS "%s%s LIMIT %d OFFSET %d", where.p, order, q->limit, q->offset)};
    buf_free(&where);
    for (int pass = 0; pass < 2; pass++) {
        sqlite3_stmt *s;
        int rc = sqlite3_prepare_v2(sq_db(tx), sqls[pass], -1, &s, NULL);
        if (rc != SQLITE_OK)
            return sq_fail(tx, rc, e);
        sq_bind_named(s, ":kind", q->kind);
        sq_bind_named(s, ":qdistrict", q->district);
        sq_bind_scope(s, q->scope);
        if (pass == 0) {
            rc = sqlite3_step(s);
            *total = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
            if (rc == SQLITE_ROW)
                rc = SQLITE_DONE;
        } else {
            int cap = q->limit > 0 ? q->limit : 1;
            store_critical_event_t *arr = arena_alloc(tx->arena, sizeof *arr * (size_t)cap);
            *n = 0;
            while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < cap)
                read_event(tx, s, &arr[(*n)++]);
            if (rc == SQLITE_ROW)
                rc = SQLITE_DONE;
            *out = arr;
        }
        sqlite3_finalize(s);
        if (rc != SQLITE_DONE)
            return sq_fail(tx, rc, e);
    }
    return 0;
}
