/* Indicator measures (definitions: data/indicators.json "measures"), counted
 * live in a few ordered scans of covering indexes (008_indicator_indexes),
 * joined and aggregated here rather than by B-tree searches per record:
 *
 *   1. births: the deliveries of the period (by delivery date) from one index;
 *      then their pregnancies, the pregnancies' compact facts
 *      (pregnancy_facts, kept by every re-grading) and their babies as id
 *      ranges in index order, joined through dense arrays; each delivery is
 *      counted once, each baby once; newborn screening is one ordered scan
 *      of the screenings of the live births' id range;
 *   2. deaths: maternal and child deaths of the critical-event reports, each
 *      person once at the earliest report, by date of death; ages at death
 *      by ind_death_ages;
 *   3. child health: the live-born children under 7 merged, in id order,
 *      with their checks: the children at the end of the period (or of each
 *      month of a month grouping, plus the period row IND_PERIOD_KEY), 4-2-2
 *      management, checks in the period and each child's latest measurement.
 *
 * Rows are keyed by the group value: a district code, an institution id, ""
 * for no delivery (delivery groupings) or no grouping, "YYYY-MM",
 * "district|YYYY-MM"; returned in key order. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"

static void read_facts(store_tx_t *tx, sqlite3_stmt *s, void *row)
{
    store_preg_facts_t *f = row;
    f->pregnancy_id = sqlite3_column_int64(s, 0);
    f->contacts = sqlite3_column_int(s, 1);
    f->early_check = sqlite3_column_int(s, 2);
    f->hiv_tested = sqlite3_column_int(s, 3);
    f->syphilis_tested = sqlite3_column_int(s, 4);
    f->hbsag_tested = sqlite3_column_int(s, 5);
    f->max_color = sq_text(tx, s, 6);
    f->ever_purple = sqlite3_column_int(s, 7);
    f->case_managed = sqlite3_column_int(s, 8);
    f->pp_visit_28d = sqlite3_column_int(s, 9);
    f->pp_visited = sqlite3_column_int(s, 10);
    f->day42_checked = sqlite3_column_int(s, 11);
}

int store_preg_facts_get(store_tx_t *tx, int64_t pregnancy_id, store_preg_facts_t *out, fy_err_t *e)
{
    static const char sql[] = "SELECT pregnancy_id, contacts, early_check, hiv_tested, syphilis_tested, hbsag_tested,"
                              " max_color, ever_purple, case_managed, pp_visit_28d, pp_visited, day42_checked"
                              " FROM pregnancy_facts WHERE pregnancy_id = ?";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, pregnancy_id);
    return sq_row(tx, s, read_facts, out, e);
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

/* ---- the rows: cells keyed by a base value and a month slot --------------- */

#define DAY_MS 86400000LL
#define MAX_MONTHS 13 /* a period spans at most 13 calendar months */

/* A period split into slots: the months of a month grouping (slot k is the
 * k-th calendar month from `from`), else one slot for the whole period. */
typedef struct {
    fy_date_t from, to;
    int n;
    fy_date_t start[MAX_MONTHS], end[MAX_MONTHS];
    char month[MAX_MONTHS][8];
} slots_t;

static void slots_init(slots_t *s, const store_ind_query_t *q)
{
    memset(s, 0, sizeof *s);
    s->from = q->from;
    s->to = q->to;
    if (!ind_group_by_month(q->group)) {
        s->n = 1;
        s->start[0] = q->from;
        s->end[0] = q->to;
        ind_month_key(q->from, s->month[0]);
        return;
    }
    int y, m, d;
    fy_date_to_civil(q->from, &y, &m, &d);
    fy_date_t first = fy_date_from_civil(y, m, 1);
    for (int k = 0; k < MAX_MONTHS; k++) {
        fy_date_t a = fy_date_add_months(first, k), b = fy_date_add_months(first, k + 1) - 1;
        if (a > q->to)
            break;
        s->start[k] = a < q->from ? q->from : a;
        s->end[k] = b > q->to ? q->to : b;
        ind_month_key(a, s->month[k]);
        s->n = k + 1;
    }
}

/* The slot of a date in the period, -1 outside it. */
static int slot_of(const slots_t *s, fy_date_t d)
{
    if (d < s->from || d > s->to)
        return -1;
    for (int k = 0; k < s->n; k++)
        if (d <= s->end[k])
            return k;
    return -1;
}

/* Rows by key (hashed), and the cell (base value, slot) → row memo. */
typedef struct {
    char *text;
    int row[MAX_MONTHS + 1]; /* row index + 1 per slot; [MAX_MONTHS]: the period row */
} base_t;

typedef struct {
    store_tx_t *tx;
    ind_group_t group;
    const slots_t *slots;
    store_ind_row_t *rows;
    int n, cap;
    int *hash; /* row index + 1; 0 free */
    size_t hcap;
    base_t *bases;
    int nbases, capbases;
    int *bhash; /* base index + 1 */
    size_t bhcap;
} rowset_t;

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void rehash_rows(rowset_t *rs)
{
    rs->hcap = rs->hcap ? rs->hcap * 2 : 256;
    rs->hash = arena_alloc(rs->tx->arena, sizeof *rs->hash * rs->hcap);
    for (int i = 0; i < rs->n; i++) {
        size_t h = fnv(rs->rows[i].key) & (rs->hcap - 1);
        while (rs->hash[h])
            h = (h + 1) & (rs->hcap - 1);
        rs->hash[h] = i + 1;
    }
}

static int row_index(rowset_t *rs, const char *key)
{
    if ((size_t)(rs->n + 1) * 2 > rs->hcap)
        rehash_rows(rs);
    size_t h = fnv(key) & (rs->hcap - 1);
    while (rs->hash[h]) {
        if (strcmp(rs->rows[rs->hash[h] - 1].key, key) == 0)
            return rs->hash[h] - 1;
        h = (h + 1) & (rs->hcap - 1);
    }
    if (rs->n == rs->cap) {
        int cap = rs->cap ? rs->cap * 2 : 32;
        store_ind_row_t *bigger = arena_alloc(rs->tx->arena, sizeof *bigger * (size_t)cap);
        if (rs->n)
            memcpy(bigger, rs->rows, sizeof *bigger * (size_t)rs->n);
        rs->rows = bigger;
        rs->cap = cap;
    }
    store_ind_row_t *r = &rs->rows[rs->n];
    snprintf(r->key, sizeof r->key, "%s", key);
    rs->hash[h] = rs->n + 1;
    return rs->n++;
}

/* The base value of a record under the grouping: the residence district,
 * the delivering institution's district or the institution ("" when there
 * is no delivery); "" for month and no grouping. */
static const char *base_value(ind_group_t g, const char *district, const char *ddist, const char *inst)
{
    switch (g) {
    case IND_GROUP_DISTRICT:
    case IND_GROUP_DISTRICT_MONTH:
        return district ? district : "";
    case IND_GROUP_DELIVERY_DISTRICT:
        return ddist ? ddist : "";
    case IND_GROUP_INSTITUTION:
        return inst ? inst : "";
    default:
        return "";
    }
}

static int base_index(rowset_t *rs, const char *text)
{
    if ((size_t)(rs->nbases + 1) * 2 > rs->bhcap) {
        rs->bhcap = rs->bhcap ? rs->bhcap * 2 : 64;
        rs->bhash = arena_alloc(rs->tx->arena, sizeof *rs->bhash * rs->bhcap);
        for (int i = 0; i < rs->nbases; i++) {
            size_t h = fnv(rs->bases[i].text) & (rs->bhcap - 1);
            while (rs->bhash[h])
                h = (h + 1) & (rs->bhcap - 1);
            rs->bhash[h] = i + 1;
        }
    }
    size_t h = fnv(text) & (rs->bhcap - 1);
    while (rs->bhash[h]) {
        if (strcmp(rs->bases[rs->bhash[h] - 1].text, text) == 0)
            return rs->bhash[h] - 1;
        h = (h + 1) & (rs->bhcap - 1);
    }
    if (rs->nbases == rs->capbases) {
        int cap = rs->capbases ? rs->capbases * 2 : 32;
        base_t *bigger = arena_alloc(rs->tx->arena, sizeof *bigger * (size_t)cap);
        if (rs->nbases)
            memcpy(bigger, rs->bases, sizeof *bigger * (size_t)rs->nbases);
        rs->bases = bigger;
        rs->capbases = cap;
    }
    rs->bases[rs->nbases].text = arena_strdup(rs->tx->arena, text);
    rs->bhash[h] = rs->nbases + 1;
    return rs->nbases++;
}

/* The row of base `b` in slot `k` (k = MAX_MONTHS: the period row of a
 * month grouping). */
static store_ind_row_t *cell(rowset_t *rs, int b, int k)
{
    base_t *x = &rs->bases[b];
    if (!x->row[k]) {
        char key[64];
        if (k == MAX_MONTHS)
            snprintf(key, sizeof key, "%s", IND_PERIOD_KEY);
        else if (rs->group == IND_GROUP_MONTH)
            snprintf(key, sizeof key, "%s", rs->slots->month[k]);
        else if (rs->group == IND_GROUP_DISTRICT_MONTH)
            snprintf(key, sizeof key, "%s|%s", x->text, rs->slots->month[k]);
        else
            snprintf(key, sizeof key, "%s", x->text);
        x->row[k] = row_index(rs, key) + 1;
    }
    return &rs->rows[x->row[k] - 1];
}

/* ---- SQL helpers ------------------------------------------------------------ */

static int prepare(store_tx_t *tx, const char *sql, sqlite3_stmt **out, fy_err_t *e)
{
    int rc = sq_prepare(tx, sql, out);
    return rc == SQLITE_OK ? 0 : sq_fail(tx, rc, e);
}

static void bind_period(sqlite3_stmt *s, const store_ind_query_t *q)
{
    int i;
    if ((i = sqlite3_bind_parameter_index(s, ":from")))
        sqlite3_bind_int(s, i, q->from);
    if ((i = sqlite3_bind_parameter_index(s, ":to")))
        sqlite3_bind_int(s, i, q->to);
    sq_bind_named(s, ":rdist", q->residence_district);
    sq_bind_named(s, ":ddist", q->delivery_district);
    sq_bind_named(s, ":inst", q->institution);
}

static bool matches(const store_ind_query_t *q, const char *district, const char *ddist, const char *inst)
{
    if (q->residence_district && (!district || strcmp(district, q->residence_district) != 0))
        return false;
    if (q->delivery_district && (!ddist || strcmp(ddist, q->delivery_district) != 0))
        return false;
    if (q->institution && (!inst || strcmp(inst, q->institution) != 0))
        return false;
    return true;
}

/* ---- 1. births -------------------------------------------------------------- */

/* The deliveries of the period are read in delivery-date order from one
 * index; their pregnancies, the pregnancies' facts and their babies are then
 * read as id ranges in index order and joined here through dense arrays
 * (pregnancy id − lowest, delivery id − lowest): sequential scans instead of
 * one B-tree search per delivery and table. */

typedef struct {
    int64_t id, preg;
    fy_date_t on;
    int ddist, inst; /* bases */
    bool cs, cs_none, epidural;
    int row; /* -1: filtered out */
} dl_t;

typedef struct {
    bool found, early_reg, facts, early_check, pp_visited, pp28, high, case_managed, hiv_syphilis;
    int district; /* base */
    int contacts;
    fy_date_t registered_on;
} pf_t;

/* A live birth of the period, waiting for its screenings. */
typedef struct {
    int64_t child;
    int row;
} live_t;

/* Newborn screening: a metabolic and a hearing test with a result
 * (negative, positive or refer; refused and not done do not count), read
 * in one scan of the screenings of the live births' id range. */
static int screenings_pass(store_tx_t *tx, rowset_t *rs, const live_t *lv, size_t n, fy_err_t *e)
{
    if (!n)
        return 0;
    int64_t lo = lv[0].child, hi = lv[0].child;
    for (size_t i = 1; i < n; i++) {
        if (lv[i].child < lo)
            lo = lv[i].child;
        if (lv[i].child > hi)
            hi = lv[i].child;
    }
    unsigned char *got = calloc((size_t)(hi - lo) + 1, 1);
    if (!got)
        return fy_fail(e, 503, "memory", "内存不足 (out of memory)");
    static const char sql[] =
        "SELECT child_id, (kind = 'metabolic' AND result IN ('negative', 'positive', 'refer'))"
        " | ((kind = 'hearing' AND result IN ('negative', 'positive', 'refer')) << 1) AS done"
        " FROM screenings INDEXED BY ind_screenings_done WHERE child_id BETWEEN ? AND ? AND done <> 0";
    sqlite3_stmt *s = sq_stmt(tx, sql, e);
    if (!s) {
        free(got);
        return -1;
    }
    sqlite3_bind_int64(s, 1, lo);
    sqlite3_bind_int64(s, 2, hi);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        got[sqlite3_column_int64(s, 0) - lo] |= (unsigned char)sqlite3_column_int(s, 1);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        free(got);
        return sq_fail(tx, rc, e);
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char f = got[lv[i].child - lo];
        rs->rows[lv[i].row].v[IM_metabolic_screened] += (f & 1) != 0;
        rs->rows[lv[i].row].v[IM_hearing_screened] += (f & 2) != 0;
    }
    free(got);
    return 0;
}

static const char deliveries_sql[] =
    "SELECT id, pregnancy_id, delivered_on, institution_district, institution_id,"
    " (mode = 'caesarean') | ((cs_indication IS 'none') << 1) | ((epidural <> 0) << 2)"
    " FROM deliveries INDEXED BY ind_deliveries_period"
    " WHERE delivered_on BETWEEN :from AND :to%s%s";
static const char pregnancies_sql[] =
    "SELECT id, residence_district, early_registration, registered_on FROM pregnancies"
    " INDEXED BY ind_pregnancies_stats WHERE id BETWEEN :lo AND :hi%s";
/* the facts as contacts and packed flags: bit 0 early check, 1 any
 * postpartum visit, 2 a home visit within 28 days, 3 graded yellow or above
 * (or purple), 4 case-managed, 5 tested for both HIV and syphilis */
static const char facts_sql[] =
    "SELECT pregnancy_id, contacts, (early_check <> 0) | ((pp_visited <> 0) << 1) | ((pp_visit_28d <> 0) << 2)"
    " | ((max_color <> 'green' OR ever_purple) << 3) | ((case_managed <> 0) << 4)"
    " | ((hiv_tested AND syphilis_tested) << 5) FROM pregnancy_facts INDEXED BY ind_pregnancy_facts"
    " WHERE pregnancy_id BETWEEN ? AND ?";
static const char babies_sql[] =
    "SELECT delivery_id, id, (outcome = 'live') | ((outcome = 'stillbirth') << 1), ga_days, weight_g FROM children"
    " INDEXED BY ind_children_delivery WHERE delivery_id BETWEEN ? AND ?";

static int base_of_text(rowset_t *rs, sqlite3_stmt *s, int col)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    return base_index(rs, t ? (const char *)t : "");
}

/* The working set of the births pass (heap: it is large and short-lived). */
typedef struct {
    dl_t *d;
    size_t n, cap;
    int64_t plo, phi, dlo, dhi;
    pf_t *pf;   /* by pregnancy id − plo */
    int *dmap;  /* by delivery id − dlo: index in d, or -1 */
    live_t *live;
    size_t nlive, caplive;
} births_t;

static int oom(fy_err_t *e) { return fy_fail(e, 503, "memory", "内存不足 (out of memory)"); }

static int births_deliveries(store_tx_t *tx, const store_ind_query_t *q, rowset_t *rs, births_t *B, fy_err_t *e)
{
    char *sql = arena_printf(tx->arena, deliveries_sql,
                             q->delivery_district ? " AND institution_district = :ddist" : "",
                             q->institution ? " AND institution_id = :inst" : "");
    sqlite3_stmt *s;
    if (prepare(tx, sql, &s, e))
        return -1;
    bind_period(s, q);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (B->n == B->cap) {
            B->cap = B->cap ? B->cap * 2 : 4096;
            dl_t *bigger = realloc(B->d, sizeof *bigger * B->cap);
            if (!bigger) {
                sq_done(s);
                return oom(e);
            }
            B->d = bigger;
        }
        dl_t *x = &B->d[B->n++];
        x->id = sqlite3_column_int64(s, 0);
        x->preg = sqlite3_column_int64(s, 1);
        x->on = sqlite3_column_int(s, 2);
        x->ddist = base_of_text(rs, s, 3);
        x->inst = base_of_text(rs, s, 4);
        int f = sqlite3_column_int(s, 5);
        x->cs = f & 1;
        x->cs_none = f & 2;
        x->epidural = f & 4;
        x->row = -1;
        if (B->n == 1) {
            B->plo = B->phi = x->preg;
            B->dlo = B->dhi = x->id;
        }
        B->plo = x->preg < B->plo ? x->preg : B->plo;
        B->phi = x->preg > B->phi ? x->preg : B->phi;
        B->dlo = x->id < B->dlo ? x->id : B->dlo;
        B->dhi = x->id > B->dhi ? x->id : B->dhi;
    }
    sq_done(s);
    return rc == SQLITE_DONE ? 0 : sq_fail(tx, rc, e);
}

static int births_pregnancies(store_tx_t *tx, const store_ind_query_t *q, rowset_t *rs, births_t *B, fy_err_t *e)
{
    B->pf = calloc((size_t)(B->phi - B->plo) + 1, sizeof *B->pf);
    if (!B->pf)
        return oom(e);
    char *sql = arena_printf(tx->arena, pregnancies_sql,
                             q->residence_district ? " AND residence_district = :rdist" : "");
    sqlite3_stmt *s;
    if (prepare(tx, sql, &s, e))
        return -1;
    sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":lo"), B->plo);
    sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":hi"), B->phi);
    sq_bind_named(s, ":rdist", q->residence_district);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        pf_t *p = &B->pf[sqlite3_column_int64(s, 0) - B->plo];
        p->found = true;
        p->district = base_of_text(rs, s, 1);
        p->early_reg = sqlite3_column_int(s, 2);
        p->registered_on = sqlite3_column_int(s, 3);
    }
    sq_done(s);
    if (rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    s = sq_stmt(tx, facts_sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, B->plo);
    sqlite3_bind_int64(s, 2, B->phi);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        pf_t *p = &B->pf[sqlite3_column_int64(s, 0) - B->plo];
        p->facts = true;
        p->contacts = sqlite3_column_int(s, 1);
        int f = sqlite3_column_int(s, 2);
        p->early_check = f & 1;
        p->pp_visited = f & 2;
        p->pp28 = f & 4;
        p->high = f & 8;
        p->case_managed = f & 16;
        p->hiv_syphilis = f & 32;
    }
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : sq_fail(tx, rc, e);
}

/* Counts each delivery once, in the cell of its group and month. */
static int births_count_deliveries(const store_ind_query_t *q, rowset_t *rs, births_t *B, fy_err_t *e)
{
    B->dmap = malloc(sizeof *B->dmap * ((size_t)(B->dhi - B->dlo) + 1));
    if (!B->dmap)
        return oom(e);
    memset(B->dmap, 0xff, sizeof *B->dmap * ((size_t)(B->dhi - B->dlo) + 1));
    int none = base_index(rs, "");
    for (size_t i = 0; i < B->n; i++) {
        dl_t *x = &B->d[i];
        const pf_t *p = &B->pf[x->preg - B->plo];
        if (!p->found)
            continue; /* another residence district */
        int b;
        switch (q->group) {
        case IND_GROUP_DISTRICT:
        case IND_GROUP_DISTRICT_MONTH:
            b = p->district;
            break;
        case IND_GROUP_DELIVERY_DISTRICT:
            b = x->ddist;
            break;
        case IND_GROUP_INSTITUTION:
            b = x->inst;
            break;
        default:
            b = none;
        }
        int k = rs->slots->n == 1 ? 0 : slot_of(rs->slots, x->on);
        store_ind_row_t *r = cell(rs, b, k < 0 ? 0 : k);
        x->row = (int)(r - rs->rows);
        B->dmap[x->id - B->dlo] = (int)i;
        int64_t *v = r->v;
        bool facts = p->facts;
        int contacts = facts ? p->contacts : 1;
        bool early_check = facts ? p->early_check : p->early_reg;
        v[IM_women_delivered]++;
        v[IM_early_registered] += p->early_reg;
        v[IM_antenatal_checked] += p->registered_on < x->on || contacts > 1;
        v[IM_early_checked] += early_check;
        v[IM_system_managed] += facts && early_check && contacts >= 5 && p->pp_visited;
        v[IM_postpartum_visited_28d] += facts && p->pp28;
        v[IM_caesareans] += x->cs;
        v[IM_caesareans_no_indication] += x->cs && x->cs_none;
        v[IM_vaginal_deliveries] += !x->cs;
        v[IM_vaginal_epidural] += !x->cs && x->epidural;
        v[IM_high_risk_women] += facts && p->high;
        v[IM_high_risk_managed] += facts && p->high && p->case_managed;
        v[IM_hiv_syphilis_tested] += facts && p->hiv_syphilis;
    }
    return 0;
}

/* The babies of the counted deliveries. */
static int births_babies(store_tx_t *tx, rowset_t *rs, births_t *B, fy_err_t *e)
{
    sqlite3_stmt *s = sq_stmt(tx, babies_sql, e);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, B->dlo);
    sqlite3_bind_int64(s, 2, B->dhi);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int i = B->dmap[sqlite3_column_int64(s, 0) - B->dlo];
        if (i < 0)
            continue;
        const dl_t *x = &B->d[i];
        const pf_t *p = &B->pf[x->preg - B->plo];
        int64_t *v = rs->rows[x->row].v;
        int outcome = sqlite3_column_int(s, 2); /* 1 live, 2 stillbirth */
        int ga = sqlite3_column_int(s, 3);
        if (outcome == 2) {
            v[IM_stillbirths_28w] += ga >= 196;
            continue;
        }
        if (outcome != 1)
            continue;
        v[IM_live_births]++;
        v[IM_hospital_live_births]++;
        v[IM_caesarean_live_births] += x->cs;
        v[IM_low_birth_weight] += sqlite3_column_int(s, 4) < 2500;
        v[IM_preterm_births] += ga >= 196 && ga <= 258;
        v[IM_newborn_visited_28d] += p->facts && p->pp28;
        if (B->nlive == B->caplive) {
            B->caplive = B->caplive ? B->caplive * 2 : 4096;
            live_t *bigger = realloc(B->live, sizeof *bigger * B->caplive);
            if (!bigger) {
                sqlite3_reset(s);
                return oom(e);
            }
            B->live = bigger;
        }
        B->live[B->nlive++] = (live_t){sqlite3_column_int64(s, 1), x->row};
    }
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : sq_fail(tx, rc, e);
}

static int births_pass(store_tx_t *tx, const store_ind_query_t *q, rowset_t *rs, fy_err_t *e)
{
    births_t B = {0};
    int rc = births_deliveries(tx, q, rs, &B, e);
    if (!rc && B.n)
        rc = births_pregnancies(tx, q, rs, &B, e) || births_count_deliveries(q, rs, &B, e) ||
             births_babies(tx, rs, &B, e) || screenings_pass(tx, rs, B.live, B.nlive, e);
    free(B.d);
    free(B.pf);
    free(B.dmap);
    free(B.live);
    return rc ? -1 : 0;
}

/* ---- 2. deaths -------------------------------------------------------------- */

/* A child's death: its earliest report. */
typedef struct {
    int64_t child;
    fy_date_t day; /* Shanghai date of death */
} dead_t;

typedef struct {
    bool maternal;
    int64_t at, person; /* the woman (maternal) or the child */
    fy_date_t day, birth_date;
    int64_t born_at;
    const char *district, *ddist, *inst;
} death_t;

static int cmp_death(const void *a, const void *b)
{
    const death_t *x = a, *y = b;
    if (x->maternal != y->maternal)
        return x->maternal ? -1 : 1;
    if (x->person != y->person)
        return x->person < y->person ? -1 : 1;
    return (x->at > y->at) - (x->at < y->at);
}

static int cmp_dead(const void *a, const void *b)
{
    const dead_t *x = a, *y = b;
    return (x->child > y->child) - (x->child < y->child);
}

/* Every death report up to the end of the period (a live-born child's, or a
 * woman's). A maternal death's delivery: her latest delivery in the 42 days
 * up to the Shanghai date of death. */
static const char deaths_sql[] =
    "SELECT e.kind = 'maternal_death', e.occurred_at, e.district, e.woman_id, c.id, c.born_at, c.birth_date,"
    " cd.institution_district, cd.institution_id,"
    " (SELECT d2.institution_district || '|' || d2.institution_id FROM pregnancies p2"
    "  JOIN deliveries d2 ON d2.pregnancy_id = p2.id WHERE e.kind = 'maternal_death' AND p2.woman_id = e.woman_id"
    "  AND d2.delivered_on BETWEEN (e.occurred_at + 28800000) / 86400000 - 42 AND (e.occurred_at + 28800000) / 86400000"
    "  ORDER BY d2.delivered_on DESC, d2.id DESC LIMIT 1)"
    " FROM critical_events e LEFT JOIN children c ON c.id = e.child_id"
    " LEFT JOIN deliveries cd ON cd.id = c.delivery_id"
    " WHERE e.kind IN ('maternal_death', 'perinatal_death', 'under5_death') AND e.occurred_at < ?"
    " AND (e.kind = 'maternal_death' OR c.outcome = 'live')";

/* Counts the deaths of the period (each woman and each child once, at the
 * earliest report) and returns the children who died by its end, sorted by
 * id, for the child health pass. */
static int deaths_pass(store_tx_t *tx, const store_ind_query_t *q, rowset_t *rs, dead_t **dead, size_t *ndead,
                       fy_err_t *e)
{
    sqlite3_stmt *s = sq_stmt(tx, deaths_sql, e);
    if (!s)
        return -1;
    int64_t from_ms = (int64_t)q->from * DAY_MS - FY_SHANGHAI_OFFSET_MS;
    int64_t to_ms = (int64_t)(q->to + 1) * DAY_MS - FY_SHANGHAI_OFFSET_MS;
    sqlite3_bind_int64(s, 1, to_ms);
    size_t n = 0, cap = 64;
    death_t *d = arena_alloc(tx->arena, sizeof *d * cap);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) {
            death_t *bigger = arena_alloc(tx->arena, sizeof *d * cap * 2);
            memcpy(bigger, d, sizeof *d * cap);
            d = bigger;
            cap *= 2;
        }
        death_t *x = &d[n++];
        x->maternal = sqlite3_column_int(s, 0);
        x->at = sqlite3_column_int64(s, 1);
        x->day = fy_date_of_instant(x->at);
        x->district = sq_text(tx, s, 2);
        x->person = x->maternal ? sqlite3_column_int64(s, 3) : sqlite3_column_int64(s, 4);
        x->born_at = sqlite3_column_int64(s, 5);
        x->birth_date = sqlite3_column_int(s, 6);
        x->ddist = sq_text(tx, s, 7);
        x->inst = sq_text(tx, s, 8);
        const char *md = x->maternal ? sq_text(tx, s, 9) : NULL;
        if (md) {
            char *bar = strchr(md, '|');
            if (bar) {
                x->ddist = arena_printf(tx->arena, "%.*s", (int)(bar - md), md);
                x->inst = bar + 1;
            }
        }
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return sq_fail(tx, rc, e);
    qsort(d, n, sizeof *d, cmp_death);
    *dead = arena_alloc(tx->arena, sizeof **dead * (n ? n : 1));
    *ndead = 0;
    for (size_t i = 0; i < n; i++) {
        death_t *x = &d[i];
        if (i > 0 && d[i - 1].maternal == x->maternal && d[i - 1].person == x->person)
            continue; /* a later report of the same death */
        if (!x->maternal)
            (*dead)[(*ndead)++] = (dead_t){x->person, x->day};
        if (x->at < from_ms || !matches(q, x->district, x->ddist, x->inst))
            continue;
        int k = rs->slots->n == 1 ? 0 : slot_of(rs->slots, x->day);
        store_ind_row_t *r =
            cell(rs, base_index(rs, base_value(q->group, x->district, x->ddist, x->inst)), k < 0 ? 0 : k);
        if (x->maternal) {
            r->v[IM_maternal_deaths]++;
            continue;
        }
        unsigned ages = ind_death_ages(x->born_at, x->birth_date, x->at);
        r->v[IM_early_neonatal_deaths] += (ages & IND_DIED_U7D) != 0;
        r->v[IM_neonatal_deaths] += (ages & IND_DIED_U28D) != 0;
        r->v[IM_infant_deaths] += (ages & IND_DIED_U1Y) != 0;
        r->v[IM_under5_deaths] += (ages & IND_DIED_U5Y) != 0;
    }
    /* maternal deaths sort first: the children's part is in id order */
    return 0;
}

/* ---- 3. child health -------------------------------------------------------- */

/* One slot of the child pass: its end and the birth-date thresholds there. */
typedef struct {
    fy_date_t start, end;
    int cell_slot;                     /* the slot of cell(): k, or MAX_MONTHS for the period row */
    fy_date_t last_aged3, last_aged7;  /* under 3 / under 7 at the end: born after these */
    fy_date_t due_by[IND_422_CONTACTS]; /* contact c due at the end: born on or before due_by[c] */
} cslot_t;

typedef struct {
    fy_date_t date;
    int64_t id;
    unsigned flags; /* 1 underweight 2 stunting 4 wasting 8 overweight 16 obesity; 0x100: present */
} measure_t;

/* The columns of a check: its child, date, id, window and the packed
 * measurement (bit 5: weight and length both recorded; bits 0–4: underweight,
 * stunting, wasting, overweight, obesity). */
enum { K_CHILD, K_DATE, K_ID, K_SEQ, K_MEASURE };
#define K_MEASURED 32

static const char kids_sql[] =
    "SELECT c.id, c.birth_date, c.residence_district, %s FROM children c INDEXED BY ind_children_live%s"
    " WHERE c.outcome = 'live' AND c.birth_date > :bmin AND c.birth_date <= :to%s ORDER BY c.id";
static const char checks_sql[] =
    "SELECT child_id, date, id, window_seq, ((weight_kg IS NOT NULL AND length_cm IS NOT NULL) << 5) | underweight"
    " | (stunting << 1) | (wasting << 2) | (overweight << 3) | (obesity << 4)"
    " FROM child_checks INDEXED BY ind_child_checks"
    " WHERE child_id >= ? AND date <= ? AND date > ? AND (date >= ? OR window_seq BETWEEN 3 AND 10) ORDER BY child_id";

static int child_pass(store_tx_t *tx, const store_ind_query_t *q, rowset_t *rs, const dead_t *dead, size_t ndead,
                      fy_err_t *e)
{
    const slots_t *sl = rs->slots;
    bool by_month = ind_group_by_month(q->group);
    cslot_t cs[MAX_MONTHS + 1];
    int ncs = 0;
    for (int k = 0; k < sl->n; k++)
        cs[ncs++] = (cslot_t){sl->start[k], sl->end[k], k, 0, 0, {0}};
    if (by_month)
        cs[ncs++] = (cslot_t){q->from, q->to, MAX_MONTHS, 0, 0, {0}};
    fy_date_t first_end = q->to;
    for (int k = 0; k < ncs; k++) {
        cs[k].last_aged3 = ind_last_birth_aged(cs[k].end, 3);
        cs[k].last_aged7 = ind_last_birth_aged(cs[k].end, 7);
        for (int c = 0; c < IND_422_CONTACTS; c++)
            cs[k].due_by[c] = ind_last_birth_anchored(cs[k].end - ind_422[c].to_days, ind_422[c].age_months);
        if (cs[k].end < first_end)
            first_end = cs[k].end;
    }

    bool need_delivery = q->group == IND_GROUP_DELIVERY_DISTRICT || q->group == IND_GROUP_INSTITUTION ||
                         q->delivery_district || q->institution;
    buf_t where = {0};
    if (q->residence_district)
        buf_puts(&where, " AND c.residence_district = :rdist");
    if (q->delivery_district)
        buf_puts(&where, " AND d.institution_district = :ddist");
    if (q->institution)
        buf_puts(&where, " AND d.institution_id = :inst");
    char *sql = arena_printf(tx->arena, kids_sql,
                             need_delivery ? "d.institution_district, d.institution_id" : "NULL, NULL",
                             need_delivery ? " JOIN deliveries d ON d.id = c.delivery_id" : "",
                             where.p ? where.p : "");
    buf_free(&where);
    sqlite3_stmt *ks, *cks = NULL;
    if (prepare(tx, sql, &ks, e))
        return -1;
    bind_period(ks, q);
    sqlite3_bind_int(ks, sqlite3_bind_parameter_index(ks, ":bmin"), ind_last_birth_aged(first_end, 7));

    int krc, crc = SQLITE_DONE;
    bool checks_started = false;
    char last[64] = "";
    int b = -1;
    while ((krc = sqlite3_step(ks)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(ks, 0);
        fy_date_t birth = sqlite3_column_int(ks, 1);
        if (!checks_started) {
            /* the checks from the first child on, in child order */
            cks = sq_stmt(tx, checks_sql, e);
            if (!cks) {
                sq_done(ks);
                return -1;
            }
            sqlite3_bind_int64(cks, 1, id);
            sqlite3_bind_int(cks, 2, q->to);
            /* the checks of the period, and the 4-2-2 windows of the children
             * under 3 at a slot's end (born after the first slot's limit) */
            sqlite3_bind_int(cks, 3, ind_last_birth_aged(first_end, 3));
            /* a child with no 4-2-2 window due yet was born at most ~110
             * days before a slot's end: its checks are all after this */
            sqlite3_bind_int(cks, 4, q->from - 200);
            crc = sqlite3_step(cks);
            checks_started = true;
        }
        unsigned filled = 0;
        fy_date_t first_check = INT_MAX;
        unsigned checked = 0; /* bit k: a check in cs[k] */
        measure_t last_m[MAX_MONTHS + 1];
        memset(last_m, 0, sizeof last_m);
        while (crc == SQLITE_ROW && sqlite3_column_int64(cks, K_CHILD) < id)
            crc = sqlite3_step(cks);
        while (crc == SQLITE_ROW && sqlite3_column_int64(cks, K_CHILD) == id) {
            fy_date_t date = sqlite3_column_int(cks, K_DATE);
            int seq = sqlite3_column_int(cks, K_SEQ);
            if (seq >= 3 && seq <= 10)
                filled |= 1u << seq;
            if (date < first_check)
                first_check = date;
            if (date >= q->from) {
                /* its slot, and the period's in a month grouping */
                int slot[2] = {by_month ? slot_of(sl, date) : 0, ncs - 1};
                int nk = by_month ? 2 : 1;
                unsigned packed = (unsigned)sqlite3_column_int(cks, K_MEASURE);
                bool measured = (packed & K_MEASURED) && (date - birth < 1826 || fy_age_years(birth, date) < 5);
                measure_t m = {0};
                if (measured)
                    m = (measure_t){date, sqlite3_column_int64(cks, K_ID), 0x100 | (packed & 31)};
                for (int j = 0; j < nk; j++) {
                    int k = slot[j];
                    checked |= 1u << k;
                    if (measured && (m.date > last_m[k].date || (m.date == last_m[k].date && m.id > last_m[k].id)))
                        last_m[k] = m;
                }
            }
            crc = sqlite3_step(cks);
        }
        if (crc != SQLITE_ROW && crc != SQLITE_DONE)
            break;

        fy_date_t died = INT_MAX;
        dead_t key = {id, 0};
        const dead_t *hit = ndead ? bsearch(&key, dead, ndead, sizeof *dead, cmp_dead) : NULL;
        if (hit)
            died = hit->day;
        const char *bv = base_value(q->group, (const char *)sqlite3_column_text(ks, 2),
                                    (const char *)sqlite3_column_text(ks, 3),
                                    (const char *)sqlite3_column_text(ks, 4));
        if (b < 0 || strcmp(bv, last) != 0) {
            b = base_index(rs, bv);
            snprintf(last, sizeof last, "%s", bv);
        }
        for (int k = 0; k < ncs; k++) {
            const cslot_t *x = &cs[k];
            bool present = birth <= x->end && died > x->end;
            bool u7 = present && birth > x->last_aged7, u3 = present && birth > x->last_aged3;
            if (!u7 && !last_m[k].flags)
                continue;
            int64_t *v = cell(rs, b, x->cell_slot)->v;
            if (u7) {
                v[IM_children_under7]++;
                v[IM_children_under7_checked] += (checked >> k) & 1;
            }
            if (u3) {
                unsigned due = 0;
                for (int c = 0; c < IND_422_CONTACTS; c++)
                    if (birth <= x->due_by[c])
                        due |= 1u << ind_422[c].seq;
                v[IM_children_under3]++;
                v[IM_children_under3_managed] += first_check <= x->end && (filled & due) == due;
            }
            if (last_m[k].flags) {
                unsigned f = last_m[k].flags;
                v[IM_children_under5_measured]++;
                v[IM_children_under5_underweight] += (f & 1) != 0;
                v[IM_children_under5_stunting] += (f & 2) != 0;
                v[IM_children_under5_wasting] += (f & 4) != 0;
                v[IM_children_under5_overweight] += (f & 8) != 0;
                v[IM_children_under5_obesity] += (f & 16) != 0;
            }
        }
    }
    sq_done(ks);
    if (cks)
        sqlite3_reset(cks);
    if (krc != SQLITE_DONE)
        return sq_fail(tx, krc, e);
    if (crc != SQLITE_ROW && crc != SQLITE_DONE)
        return sq_fail(tx, crc, e);
    return 0;
}

/* ---- the counts ------------------------------------------------------------- */

static int cmp_row_key(const void *a, const void *b)
{
    return strcmp(((const store_ind_row_t *)a)->key, ((const store_ind_row_t *)b)->key);
}

int store_indicator_counts(store_tx_t *tx, const store_ind_query_t *q, store_ind_row_t **rows, int *n, fy_err_t *e)
{
    slots_t sl;
    slots_init(&sl, q);
    rowset_t rs = {.tx = tx, .group = q->group, .slots = &sl};
    dead_t *dead = NULL;
    size_t ndead = 0;
    if (births_pass(tx, q, &rs, e) || deaths_pass(tx, q, &rs, &dead, &ndead, e) ||
        child_pass(tx, q, &rs, dead, ndead, e))
        return -1;
    if (q->group == IND_GROUP_NONE && rs.n == 0)
        row_index(&rs, "");
    for (int i = 0; i < rs.n; i++) {
        store_ind_row_t *r = &rs.rows[i];
        for (int m = 0; m < IND_MEASURE_COUNT; m++)
            r->has[m] = ind_measure_collected((ind_measure_t)m);
        /* perinatal: stillbirths from 28 weeks plus deaths in the first week */
        r->v[IM_perinatal_births] = r->v[IM_stillbirths_28w] + r->v[IM_live_births];
        r->v[IM_perinatal_deaths] = r->v[IM_stillbirths_28w] + r->v[IM_early_neonatal_deaths];
    }
    /* in key order, as a GROUP BY gives them */
    if (rs.n > 1)
        qsort(rs.rows, (size_t)rs.n, sizeof *rs.rows, cmp_row_key);
    *rows = rs.rows;
    *n = rs.n;
    return 0;
}
