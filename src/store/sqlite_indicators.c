/* Indicator measures: one grouped pass over the deliveries of a period and
 * one over its births, reading the compact pregnancy_facts kept by every
 * re-grading. Definitions of the measures: data/indicators.json. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite_int.h"

int store_preg_facts_get(store_tx_t *tx, int64_t pregnancy_id, store_preg_facts_t *out, fy_err_t *e)
{
    static const char sql[] = "SELECT contacts, early_check, hiv_tested, syphilis_tested, hbsag_tested, max_color,"
                              " ever_purple, case_managed, pp_visit_28d, pp_visited, day42_checked"
                              " FROM pregnancy_facts WHERE pregnancy_id = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, pregnancy_id);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? 1 : sq_fail(tx, rc, e);
    out->pregnancy_id = pregnancy_id;
    out->contacts = sqlite3_column_int(s, 0);
    out->early_check = sqlite3_column_int(s, 1);
    out->hiv_tested = sqlite3_column_int(s, 2);
    out->syphilis_tested = sqlite3_column_int(s, 3);
    out->hbsag_tested = sqlite3_column_int(s, 4);
    out->max_color = sq_text(tx, s, 5);
    out->ever_purple = sqlite3_column_int(s, 6);
    out->case_managed = sqlite3_column_int(s, 7);
    out->pp_visit_28d = sqlite3_column_int(s, 8);
    out->pp_visited = sqlite3_column_int(s, 9);
    out->day42_checked = sqlite3_column_int(s, 10);
    return 0;
}

int store_preg_facts_put(store_tx_t *tx, const store_preg_facts_t *f, fy_err_t *e)
{
    static const char sql[] = "INSERT OR REPLACE INTO pregnancy_facts(pregnancy_id, contacts, early_check, hiv_tested,"
                              " syphilis_tested, hbsag_tested, max_color, ever_purple, case_managed, pp_visit_28d,"
                              " pp_visited, day42_checked) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, f->pregnancy_id);
    sqlite3_bind_int(s, 2, f->contacts);
    sqlite3_bind_int(s, 3, f->early_check);
    sqlite3_bind_int(s, 4, f->hiv_tested);
    sqlite3_bind_int(s, 5, f->syphilis_tested);
    sqlite3_bind_int(s, 6, f->hbsag_tested);
    sq_bind_text(s, 7, f->max_color ? f->max_color : "green");
    sqlite3_bind_int(s, 8, f->ever_purple);
    sqlite3_bind_int(s, 9, f->case_managed);
    sqlite3_bind_int(s, 10, f->pp_visit_28d);
    sqlite3_bind_int(s, 11, f->pp_visited);
    sqlite3_bind_int(s, 12, f->day42_checked);
    int rc = sqlite3_step(s);
    return rc == SQLITE_DONE ? 0 : sq_fail(tx, rc, e);
}

static const char *group_key(ind_group_t g, const char *date_col)
{
    static _Thread_local char buf[160];
    switch (g) {
    case IND_GROUP_DISTRICT:
        return "p.residence_district";
    case IND_GROUP_DELIVERY_DISTRICT:
        return "d.institution_district";
    case IND_GROUP_INSTITUTION:
        return "d.institution_id";
    case IND_GROUP_MONTH:
        snprintf(buf, sizeof buf, "strftime('%%Y-%%m', %s * 86400, 'unixepoch')", date_col);
        return buf;
    case IND_GROUP_DISTRICT_MONTH:
        snprintf(buf, sizeof buf, "p.residence_district || '|' || strftime('%%Y-%%m', %s * 86400, 'unixepoch')",
                 date_col);
        return buf;
    case IND_GROUP_NONE:
    default:
        return "''";
    }
}

/* Each query's columns, in order, and the measure each one counts. */
static const ind_measure_t delivery_cols[] = {
    IM_women_delivered,  IM_early_registered,      IM_antenatal_checked, IM_early_checked,
    IM_system_managed,   IM_postpartum_visited_28d, IM_caesareans,        IM_caesareans_no_indication,
    IM_vaginal_deliveries, IM_vaginal_epidural,    IM_high_risk_women,   IM_high_risk_managed,
    IM_hiv_syphilis_tested,
};
static const char delivery_sql[] =
    "SELECT %s, count(*), sum(p.early_registration),"
    " sum(p.registered_on < d.delivered_on OR coalesce(f.contacts, 1) > 1),"
    " sum(coalesce(f.early_check, p.early_registration)),"
    " sum(coalesce(f.early_check, 0) AND coalesce(f.contacts, 0) >= 5 AND coalesce(f.pp_visited, 0)),"
    " sum(coalesce(f.pp_visit_28d, 0)),"
    " sum(d.mode = 'caesarean'), sum(d.mode = 'caesarean' AND d.cs_indication = 'none'),"
    " sum(d.mode <> 'caesarean'), sum(d.mode <> 'caesarean' AND d.epidural),"
    " sum(coalesce(f.max_color, 'green') <> 'green' OR coalesce(f.ever_purple, 0)),"
    " sum((coalesce(f.max_color, 'green') <> 'green' OR coalesce(f.ever_purple, 0)) AND coalesce(f.case_managed, 0)),"
    " sum(coalesce(f.hiv_tested, 0) AND coalesce(f.syphilis_tested, 0))"
    " FROM deliveries d JOIN pregnancies p ON p.id = d.pregnancy_id"
    " LEFT JOIN pregnancy_facts f ON f.pregnancy_id = p.id"
    " WHERE d.delivered_on BETWEEN :from AND :to%s GROUP BY 1";

static const ind_measure_t birth_cols[] = {
    IM_live_births,      IM_stillbirths_28w, IM_hospital_live_births, IM_caesarean_live_births,
    IM_low_birth_weight, IM_preterm_births,  IM_metabolic_screened,   IM_hearing_screened,
    IM_newborn_visited_28d,
};
static const char birth_sql[] =
    "SELECT %s, sum(c.outcome = 'live'), sum(c.outcome = 'stillbirth' AND c.ga_days >= 196),"
    " sum(c.outcome = 'live'), sum(c.outcome = 'live' AND d.mode = 'caesarean'),"
    " sum(c.outcome = 'live' AND c.weight_g < 2500),"
    " sum(c.outcome = 'live' AND c.ga_days BETWEEN 196 AND 258),"
    " sum(c.outcome = 'live' AND EXISTS (SELECT 1 FROM screenings s WHERE s.child_id = c.id AND s.kind = 'metabolic'"
    " AND s.result IN ('negative', 'positive', 'refer'))),"
    " sum(c.outcome = 'live' AND EXISTS (SELECT 1 FROM screenings s WHERE s.child_id = c.id AND s.kind = 'hearing'"
    " AND s.result IN ('negative', 'positive', 'refer'))),"
    " sum(c.outcome = 'live' AND coalesce(f.pp_visit_28d, 0))"
    " FROM children c JOIN deliveries d ON d.id = c.delivery_id JOIN pregnancies p ON p.id = c.pregnancy_id"
    " LEFT JOIN pregnancy_facts f ON f.pregnancy_id = p.id"
    " WHERE d.delivered_on BETWEEN :from AND :to%s GROUP BY 1";

static store_ind_row_t *row_for(store_tx_t *tx, store_ind_row_t **rows, int *n, int *cap, const char *key)
{
    for (int i = 0; i < *n; i++)
        if (strcmp((*rows)[i].key, key) == 0)
            return &(*rows)[i];
    if (*n == *cap) {
        store_ind_row_t *bigger = arena_alloc(tx->arena, sizeof *bigger * (size_t)*cap * 2);
        memcpy(bigger, *rows, sizeof *bigger * (size_t)*cap);
        *rows = bigger;
        *cap *= 2;
    }
    store_ind_row_t *r = &(*rows)[(*n)++];
    memset(r, 0, sizeof *r);
    snprintf(r->key, sizeof r->key, "%s", key);
    return r;
}

static int run(store_tx_t *tx, const store_ind_query_t *q, const char *sql_fmt, const ind_measure_t *cols,
               size_t ncols, store_ind_row_t **rows, int *n, int *cap, fy_err_t *e)
{
    buf_t where = {0};
    if (q->residence_district)
        buf_puts(&where, " AND p.residence_district = :rdist");
    if (q->delivery_district)
        buf_puts(&where, " AND d.institution_district = :ddist");
    if (q->institution)
        buf_puts(&where, " AND d.institution_id = :inst");
    char *sql = arena_printf(tx->arena, sql_fmt, group_key(q->group, "d.delivered_on"), where.p ? where.p : "");
    buf_free(&where);
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(sq_db(tx), sql, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return sq_fail(tx, rc, e);
    sqlite3_bind_int(s, sqlite3_bind_parameter_index(s, ":from"), q->from);
    sqlite3_bind_int(s, sqlite3_bind_parameter_index(s, ":to"), q->to);
    sq_bind_named(s, ":rdist", q->residence_district);
    sq_bind_named(s, ":ddist", q->delivery_district);
    sq_bind_named(s, ":inst", q->institution);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(s, 0);
        store_ind_row_t *r = row_for(tx, rows, n, cap, key ? key : "");
        for (size_t i = 0; i < ncols; i++)
            r->v[cols[i]] += sqlite3_column_int64(s, (int)i + 1);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : sq_fail(tx, rc, e);
}

int store_indicator_counts(store_tx_t *tx, const store_ind_query_t *q, store_ind_row_t **rows, int *n, fy_err_t *e)
{
    int cap = 32;
    *rows = arena_alloc(tx->arena, sizeof **rows * (size_t)cap);
    *n = 0;
    if (run(tx, q, delivery_sql, delivery_cols, sizeof delivery_cols / sizeof delivery_cols[0], rows, n, &cap, e) ||
        run(tx, q, birth_sql, birth_cols, sizeof birth_cols / sizeof birth_cols[0], rows, n, &cap, e))
        return -1;
    if (q->group == IND_GROUP_NONE && *n == 0)
        row_for(tx, rows, n, &cap, "");
    for (int i = 0; i < *n; i++) {
        store_ind_row_t *r = &(*rows)[i];
        for (size_t k = 0; k < sizeof delivery_cols / sizeof delivery_cols[0]; k++)
            r->has[delivery_cols[k]] = true;
        for (size_t k = 0; k < sizeof birth_cols / sizeof birth_cols[0]; k++)
            r->has[birth_cols[k]] = true;
        /* perinatal: stillbirths from 28 weeks plus deaths in the first week */
        r->has[IM_perinatal_births] = true;
        r->v[IM_perinatal_births] = r->v[IM_stillbirths_28w] + r->v[IM_live_births];
        r->has[IM_perinatal_deaths] = r->has[IM_early_neonatal_deaths];
        r->v[IM_perinatal_deaths] = r->v[IM_stillbirths_28w] + r->v[IM_early_neonatal_deaths];
    }
    return 0;
}
