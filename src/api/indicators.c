/* The annual report indicators, live: GET /api/v1/indicators (JSON) and
 * its exports (CSV with BOM, XLSX with a sheet per disaggregation). The
 * definitions are data (data/indicators.json); the counts come from a few
 * ordered passes over indexes (store_indicator_counts), the referral
 * response-time medians ("medians") from the referrals of the period with
 * the percentile of the rescue module (rescue_percentile). A month
 * grouping's total takes the child health measures from the period row the
 * store adds (they do not add up over months). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "api/api.h"
#include "domain/rescue.h"

/* The medians of one cell: per median indicator, the two intervals. */
typedef struct {
    ind_median_t accepted, arrived;
} med_cell_t;

typedef struct {
    int year;
    store_ind_query_t q;
    const char *month; /* "YYYY-MM" or NULL */
    store_ind_row_t *total;
    store_ind_row_t *rows; /* grouped; NULL when not grouped */
    int nrows;
    med_cell_t *med_total; /* [ind_median_count] */
    med_cell_t *med_rows;  /* [nrows][ind_median_count] */
} ind_result_t;

struct counts_ctx {
    store_ind_query_t q;
    bool referrals;
    store_ind_row_t *rows;
    int n;
    store_referral_t *refs;
    int nrefs;
};

static int counts_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct counts_ctx *c = vctx;
    if (store_indicator_counts(tx, &c->q, &c->rows, &c->n, e))
        return -1;
    if (!c->referrals)
        return 0;
    /* the referrals first requested in the period (Shanghai dates) */
    int64_t from_ms = (int64_t)c->q.from * 86400000LL - FY_SHANGHAI_OFFSET_MS;
    int64_t to_ms = (int64_t)(c->q.to + 1) * 86400000LL - FY_SHANGHAI_OFFSET_MS;
    return store_referrals_for_metrics(tx, from_ms, to_ms, NULL, NULL, NULL, &c->refs, &c->nrefs, e);
}

/* The key of a referral under a grouping: the patient's residence district,
 * the referring institution's district or the referring institution, the
 * month of the request. */
static const char *referral_key(arena_t *a, ind_group_t g, const store_referral_t *r)
{
    char month[8];
    ind_month_key(fy_date_of_instant(r->requested_at), month);
    switch (g) {
    case IND_GROUP_DISTRICT:
        return r->patient_district;
    case IND_GROUP_DELIVERY_DISTRICT:
        return r->from_district;
    case IND_GROUP_INSTITUTION:
        return r->from_institution_id;
    case IND_GROUP_MONTH:
        return arena_strdup(a, month);
    case IND_GROUP_DISTRICT_MONTH:
        return arena_printf(a, "%s|%s", r->patient_district, month);
    default:
        return "";
    }
}

static bool referral_in(const store_ind_query_t *q, const store_referral_t *r)
{
    return (!q->residence_district || strcmp(r->patient_district, q->residence_district) == 0) &&
           (!q->delivery_district || strcmp(r->from_district, q->delivery_district) == 0) &&
           (!q->institution || strcmp(r->from_institution_id, q->institution) == 0);
}

static int cmp_row_key(const void *a, const void *b)
{
    return strcmp(((const store_ind_row_t *)a)->key, ((const store_ind_row_t *)b)->key);
}

/* Counts (and, with `medians`, the referral medians) of a query. A month
 * grouping's row IND_PERIOD_KEY is taken out into *period. */
static int count(http_req_t *req, store_ind_query_t q, bool medians, ind_result_t *r, store_ind_row_t **period)
{
    const ind_set_t *set = api_app(req)->indicators;
    struct counts_ctx c = {q, medians && ind_median_count(set) > 0, NULL, 0, NULL, 0};
    if (store_read(api_app(req)->store, req->arena, counts_unit, &c, &req->err))
        return -1;
    if (period)
        *period = NULL;
    int w = 0;
    for (int i = 0; i < c.n; i++) {
        if (ind_group_by_month(q.group) && strcmp(c.rows[i].key, IND_PERIOD_KEY) == 0) {
            if (period) {
                *period = arena_alloc(req->arena, sizeof **period);
                **period = c.rows[i];
            }
            continue;
        }
        if (w != i)
            c.rows[w] = c.rows[i];
        w++;
    }
    r->rows = c.rows;
    r->nrows = w;
    size_t nm = ind_median_count(set);
    if (!c.referrals || !nm)
        return 0;

    /* groups that only referrals have: rows with nothing counted */
    const char **keys = arena_alloc(req->arena, sizeof *keys * (size_t)(c.nrefs ? c.nrefs : 1));
    int extra = 0;
    for (int k = 0; k < c.nrefs; k++) {
        keys[k] = NULL;
        if (q.group == IND_GROUP_NONE || !referral_in(&q, &c.refs[k]))
            continue;
        keys[k] = referral_key(req->arena, q.group, &c.refs[k]);
        bool found = false;
        for (int i = 0; i < r->nrows + extra && !found; i++)
            found = strcmp(r->rows[i].key, keys[k]) == 0;
        if (!found) {
            store_ind_row_t *bigger = arena_alloc(req->arena, sizeof *bigger * (size_t)(r->nrows + extra + 1));
            if (r->nrows + extra > 0) /* r->rows is NULL when nothing was counted */
                memcpy(bigger, r->rows, sizeof *bigger * (size_t)(r->nrows + extra));
            store_ind_row_t *nr = &bigger[r->nrows + extra];
            snprintf(nr->key, sizeof nr->key, "%s", keys[k]);
            for (int m = 0; m < IND_MEASURE_COUNT; m++)
                nr->has[m] = ind_measure_collected((ind_measure_t)m);
            r->rows = bigger;
            extra++;
        }
    }
    r->nrows += extra;
    if (extra)
        qsort(r->rows, (size_t)r->nrows, sizeof *r->rows, cmp_row_key);

    double *acc = arena_alloc(req->arena, sizeof *acc * (size_t)(c.nrefs ? c.nrefs : 1));
    double *arr = arena_alloc(req->arena, sizeof *arr * (size_t)(c.nrefs ? c.nrefs : 1));
    r->med_total = arena_alloc(req->arena, sizeof *r->med_total * nm);
    r->med_rows = arena_alloc(req->arena, sizeof *r->med_rows * nm * (size_t)(r->nrows ? r->nrows : 1));
    for (int row = -1; row < r->nrows; row++) {
        for (size_t m = 0; m < nm; m++) {
            const ind_median_def_t *d = ind_median_at(set, m);
            size_t na = 0, nr = 0;
            for (int k = 0; k < c.nrefs; k++) {
                const store_referral_t *x = &c.refs[k];
                if (strcmp(x->kind, d->kind) != 0 || strcmp(x->type, d->type) != 0 || !referral_in(&q, x))
                    continue;
                if (row >= 0 && (!keys[k] || strcmp(keys[k], r->rows[row].key) != 0))
                    continue;
                /* from the first request: a redirect does not restart the clock */
                if (x->accepted_at)
                    acc[na++] = rescue_minutes(x->requested_at, x->accepted_at);
                if (x->arrived_at)
                    arr[nr++] = rescue_minutes(x->requested_at, x->arrived_at);
            }
            med_cell_t *mc = row < 0 ? &r->med_total[m] : &r->med_rows[(size_t)row * nm + m];
            mc->accepted = ind_median(acc, na);
            mc->arrived = ind_median(arr, nr);
        }
    }
    return 0;
}

/* Reads the query, applies the user's scope, and counts. */
static int compute(http_req_t *req, ind_result_t *r, bool grouped_by_param)
{
    const app_t *app = api_app(req);
    api_user_t *u = api_user(req);
    fy_err_t *e = &req->err;
    memset(r, 0, sizeof *r);
    const char *ys = http_query(req, "year");
    r->year = ind_year_of(fy_today());
    if (ys) {
        char *end;
        long y = strtol(ys, &end, 10);
        if (!*ys || *end || y < 2000 || y > 2100)
            fy_field(e, "year", "range", "统计年度应为2000–2100之间的年份 (year must be between 2000 and 2100)");
        else
            r->year = (int)y;
    }
    ind_report_year(r->year, &r->q.from, &r->q.to);
    r->q.residence_district = http_query(req, "district");
    r->q.delivery_district = http_query(req, "delivery_district");
    r->q.institution = http_query(req, "institution");
    if (r->q.residence_district && !refdata_district(app->ref, r->q.residence_district))
        fy_field(e, "district", "district", "区代码无效 (district must be one of the 16 district codes)");
    if (r->q.delivery_district && !refdata_district(app->ref, r->q.delivery_district))
        fy_field(e, "delivery_district", "district", "区代码无效 (delivery_district must be one of the 16 codes)");
    if (r->q.institution && !refdata_institution(app->ref, r->q.institution))
        fy_field(e, "institution", "unknown_institution", "没有这个机构 (no such institution)");
    r->month = http_query(req, "month");
    if (r->month) {
        fy_date_t first;
        char d[16];
        snprintf(d, sizeof d, "%.7s-01", r->month);
        if (strlen(r->month) != 7 || !fy_date_parse(d, &first) || first < r->q.from || first > r->q.to) {
            fy_field(e, "month", "month", "月份应为统计年度内的 YYYY-MM (month must be YYYY-MM within the report year)");
        } else {
            r->q.from = first;
            r->q.to = fy_date_add_months(first, 1) - 1;
        }
    }
    const char *by = grouped_by_param ? http_query(req, "by") : NULL;
    int g = by ? ind_group_parse(by) : IND_GROUP_NONE;
    if (g < 0)
        fy_field(e, "by", "enum",
                 "by 应为 district, delivery_district, month, institution, district_month 之一 (invalid by)");
    if (fy_has_error(e))
        return -1;
    /* scope: a district sees its district, an institution its own deliveries */
    if (u->role == ROLE_DISTRICT_ADMIN) {
        bool other = (r->q.residence_district && strcmp(r->q.residence_district, u->district) != 0) ||
                     (r->q.delivery_district && strcmp(r->q.delivery_district, u->district) != 0);
        if (other)
            return fy_fail(e, 403, "out_of_scope", "只能查看本区指标 (you can see your own district only)");
        if (!r->q.delivery_district)
            r->q.residence_district = u->district;
    } else if (u->role != ROLE_CITY_ADMIN && u->role != ROLE_SYS_ADMIN) {
        if (r->q.institution && (!u->institution_id || strcmp(r->q.institution, u->institution_id) != 0))
            return fy_fail(e, 403, "out_of_scope", "只能查看本机构指标 (you can see your own institution only)");
        r->q.institution = u->institution_id;
    }
    if (g == IND_GROUP_NONE) {
        if (count(req, r->q, true, r, NULL))
            return -1;
        r->total = &r->rows[0];
        r->rows = NULL;
        r->nrows = 0;
        return 0;
    }
    /* every grouping partitions the period's records: the total is the sum;
     * a month grouping gives the period's values of the measures that do
     * not add up over months in its period row */
    r->q.group = (ind_group_t)g;
    store_ind_row_t *period;
    if (count(req, r->q, true, r, &period))
        return -1;
    r->total = arena_alloc(req->arena, sizeof *r->total);
    for (int k = 0; k < r->nrows; k++)
        for (int m = 0; m < IND_MEASURE_COUNT; m++) {
            r->total->v[m] += r->rows[k].v[m];
            r->total->has[m] = r->rows[k].has[m];
        }
    if (ind_group_by_month(r->q.group))
        for (int m = 0; m < IND_MEASURE_COUNT; m++)
            if (ind_measure_by_period((ind_measure_t)m))
                r->total->v[m] = period ? period->v[m] : 0;
    if (r->nrows == 0) {
        /* nothing in the period: which measures are collected still shows */
        ind_result_t t = {0};
        store_ind_query_t tq = r->q;
        tq.group = IND_GROUP_NONE;
        if (count(req, tq, false, &t, NULL))
            return -1;
        *r->total = t.rows[0];
    }
    return 0;
}

static const char *group_label(const app_t *app, ind_group_t g, const char *key, char *buf, size_t cap)
{
    if (!*key && (g == IND_GROUP_DELIVERY_DISTRICT || g == IND_GROUP_INSTITUTION))
        return "无分娩记录 (no delivery)";
    if (g == IND_GROUP_DISTRICT || g == IND_GROUP_DELIVERY_DISTRICT) {
        const ref_district_t *d = refdata_district(app->ref, key);
        return d ? d->name : key;
    }
    if (g == IND_GROUP_INSTITUTION) {
        const ref_institution_t *x = refdata_institution(app->ref, key);
        return x ? x->name : key;
    }
    if (g == IND_GROUP_DISTRICT_MONTH) {
        const char *bar = strchr(key, '|');
        char code[16];
        snprintf(code, sizeof code, "%.*s", bar ? (int)(bar - key) : 6, key);
        const ref_district_t *d = refdata_district(app->ref, code);
        snprintf(buf, cap, "%s %s", d ? d->name : code, bar ? bar + 1 : "");
        return buf;
    }
    return key;
}

static void value_json(buf_t *b, const ind_def_t *d, const store_ind_row_t *row, bool full)
{
    ind_value_t v = ind_compute(d, row->v, row->has);
    buf_putc(b, '{');
    api_kv_str(b, "id", d->id, false);
    if (full) {
        api_kv_str(b, "name", d->name, true);
        api_kv_str(b, "name_en", d->name_en, true);
        api_kv_str(b, "unit", d->unit, true);
        buf_printf(b, ",\"multiplier\":%g", d->multiplier);
        api_kv_str(b, "numerator_measure", ind_measure_name(d->numerator), true);
        api_kv_str(b, "denominator_measure", ind_measure_name(d->denominator), true);
        api_kv_str(b, "mark", d->mark, true);
        api_kv_str(b, "note", d->note, true);
    }
    if (!v.collected) {
        buf_puts(b, ",\"value\":null,\"numerator\":null,\"denominator\":null,\"small\":false,\"collected\":false}");
        return;
    }
    if (isnan(v.value))
        buf_puts(b, ",\"value\":null");
    else
        buf_printf(b, ",\"value\":%.2f", v.value);
    buf_printf(b, ",\"numerator\":%lld,\"denominator\":%lld,\"small\":%s,\"collected\":true}", (long long)v.numerator,
               (long long)v.denominator, v.small ? "true" : "false");
}

/* A median in minutes, as the rescue metrics print it. */
static void median_json(buf_t *b, const char *key, const ind_median_t *m)
{
    buf_printf(b, ",\"%s\":{\"n\":%zu", key, m ? m->n : 0);
    if (!m || isnan(m->median))
        buf_puts(b, ",\"median\":null");
    else
        buf_printf(b, ",\"median\":%.10g", round(m->median * 1e6) / 1e6);
    buf_printf(b, ",\"small\":%s}", m && m->small ? "true" : "false");
}

static void medians_json(buf_t *b, const ind_set_t *set, const med_cell_t *cells, bool full)
{
    buf_puts(b, ",\"medians\":[");
    for (size_t i = 0; i < ind_median_count(set); i++) {
        const ind_median_def_t *d = ind_median_at(set, i);
        buf_puts(b, i ? ",{" : "{");
        api_kv_str(b, "id", d->id, false);
        if (full) {
            api_kv_str(b, "name", d->name, true);
            api_kv_str(b, "name_en", d->name_en, true);
            api_kv_str(b, "unit", d->unit, true);
            api_kv_str(b, "kind", d->kind, true);
            api_kv_str(b, "type", d->type, true);
            api_kv_str(b, "mark", d->mark, true);
            api_kv_str(b, "note", d->note, true);
        }
        median_json(b, "requested_to_accepted", cells ? &cells[i].accepted : NULL);
        median_json(b, "requested_to_arrived", cells ? &cells[i].arrived : NULL);
        buf_putc(b, '}');
    }
    buf_putc(b, ']');
}

static const med_cell_t *row_medians(const ind_result_t *r, const ind_set_t *set, int k)
{
    return r->med_rows ? &r->med_rows[(size_t)k * ind_median_count(set)] : NULL;
}

static void period_json(buf_t *b, const ind_result_t *r)
{
    buf_printf(b, "\"year\":%d,\"period\":{", r->year);
    api_kv_date(b, "from", r->q.from, true, false);
    api_kv_date(b, "to", r->q.to, true, true);
    buf_puts(b, "},\"filters\":{");
    api_kv_str(b, "district", r->q.residence_district, false);
    api_kv_str(b, "delivery_district", r->q.delivery_district, true);
    api_kv_str(b, "institution", r->q.institution, true);
    api_kv_str(b, "month", r->month, true);
    buf_putc(b, '}');
}

static int h_indicators(http_req_t *req, http_resp_t *resp)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ind_result_t r;
    if (compute(req, &r, true))
        return -1;
    const app_t *app = api_app(req);
    const ind_set_t *set = app->indicators;
    buf_t b = {0};
    buf_putc(&b, '{');
    period_json(&b, &r);
    api_kv_str(&b, "version", ind_version(set), true);
    buf_puts(&b, ",\"indicators\":[");
    for (size_t i = 0; i < ind_count(set); i++) {
        if (i)
            buf_putc(&b, ',');
        value_json(&b, ind_at(set, i), r.total, true);
    }
    buf_putc(&b, ']');
    medians_json(&b, set, r.med_total, true);
    api_kv_str(&b, "by", r.rows ? ind_group_name(r.q.group) : NULL, true);
    buf_puts(&b, ",\"groups\":[");
    for (int k = 0; k < r.nrows; k++) {
        char lb[96];
        buf_puts(&b, k ? ",{" : "{");
        api_kv_str(&b, "key", r.rows[k].key, false);
        api_kv_str(&b, "label", group_label(app, r.q.group, r.rows[k].key, lb, sizeof lb), true);
        buf_puts(&b, ",\"indicators\":[");
        for (size_t i = 0; i < ind_count(set); i++) {
            if (i)
                buf_putc(&b, ',');
            value_json(&b, ind_at(set, i), &r.rows[k], false);
        }
        buf_putc(&b, ']');
        medians_json(&b, set, row_medians(&r, set, k), false);
        buf_putc(&b, '}');
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    buf_printf(&b, "],\"elapsed_ms\":%.1f}",
               (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    api_reply(resp, 200, &b);
    return 0;
}

/* ---- exports --------------------------------------------------------------- */

/* The whole (filtered) set, then one sheet per disaggregation of
 * data/indicators.json. */
static const ind_group_t export_groups[] = {IND_GROUP_NONE,  IND_GROUP_DISTRICT,    IND_GROUP_DELIVERY_DISTRICT,
                                            IND_GROUP_MONTH, IND_GROUP_INSTITUTION, IND_GROUP_DISTRICT_MONTH};
static const char *const export_sheet_names[] = {"全市合计", "按居住区", "按分娩区", "按月份", "按分娩机构", "按区和月份"};
#define NEXPORT (sizeof export_groups / sizeof export_groups[0])

/* Every disaggregation of the current query. */
static int compute_all(http_req_t *req, ind_result_t *total, ind_result_t *by)
{
    if (compute(req, total, false))
        return -1;
    for (size_t g = 1; g < NEXPORT; g++) {
        by[g] = *total;
        by[g].q.group = export_groups[g];
        if (count(req, by[g].q, true, &by[g], NULL))
            return -1;
    }
    return 0;
}

static void csv_cell(buf_t *b, const char *s)
{
    buf_putc(b, '"');
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '"')
            buf_putc(b, '"');
        buf_putc(b, *p);
    }
    buf_putc(b, '"');
}

static void audit_export(http_req_t *req, const char *what)
{
    /* exports leave the platform: record who took what */
    api_audit_read(req, "export", "indicators", what, http_query(req, "year"));
}

/* One exported line: an indicator, or one interval of a median indicator. */
typedef struct {
    const char *id, *name, *unit, *note;
    bool collected, small, has_value, has_den;
    long long num, den;
    double value;
} export_line_t;

static export_line_t export_value(const ind_def_t *d, const store_ind_row_t *row)
{
    ind_value_t v = ind_compute(d, row->v, row->has);
    export_line_t l = {0};
    l.id = d->id;
    l.name = d->name;
    l.unit = d->unit;
    l.collected = v.collected;
    l.small = v.small;
    l.has_value = !isnan(v.value);
    l.has_den = true;
    l.num = (long long)v.numerator;
    l.den = (long long)v.denominator;
    l.value = v.value;
    l.note = !v.collected ? "未采集 (not collected)" : v.small ? "小数值已隐去 (small cell suppressed)" : "";
    return l;
}

static export_line_t export_median(http_req_t *req, const ind_median_def_t *d, const ind_median_t *m, bool arrived)
{
    export_line_t l = {0};
    l.id = arena_printf(req->arena, "%s.%s", d->id, arrived ? "requested_to_arrived" : "requested_to_accepted");
    l.name = arena_printf(req->arena, "%s（%s，中位数）", d->name, arrived ? "申请至到达" : "申请至接收");
    l.unit = d->unit;
    l.collected = true;
    l.small = m && m->small;
    l.has_value = m && !isnan(m->median);
    l.num = m ? (long long)m->n : 0; /* the number of referrals */
    l.value = l.has_value ? round(m->median * 1e6) / 1e6 : NAN;
    l.note = l.small ? "小数值已隐去；分子为转诊数 (small cell suppressed; the numerator is the number of referrals)"
                     : "分子为转诊数 (the numerator is the number of referrals)";
    return l;
}

/* Calls fn for every line of one row of a sheet. */
typedef void (*line_fn)(void *ctx, const export_line_t *l);
static void export_lines(http_req_t *req, const ind_set_t *set, const store_ind_row_t *row, const med_cell_t *meds,
                         line_fn fn, void *ctx)
{
    for (size_t i = 0; i < ind_count(set); i++) {
        export_line_t l = export_value(ind_at(set, i), row);
        fn(ctx, &l);
    }
    for (size_t i = 0; i < ind_median_count(set); i++) {
        const ind_median_def_t *d = ind_median_at(set, i);
        export_line_t a = export_median(req, d, meds ? &meds[i].accepted : NULL, false);
        export_line_t b = export_median(req, d, meds ? &meds[i].arrived : NULL, true);
        fn(ctx, &a);
        fn(ctx, &b);
    }
}

struct csv_ctx {
    buf_t *b;
    int year;
    const char *sheet, *code, *label;
};

static void csv_line(void *vctx, const export_line_t *l)
{
    struct csv_ctx *c = vctx;
    buf_t *b = c->b;
    buf_printf(b, "%d,", c->year);
    csv_cell(b, c->sheet);
    buf_putc(b, ',');
    csv_cell(b, c->code);
    buf_putc(b, ',');
    csv_cell(b, c->label);
    buf_putc(b, ',');
    csv_cell(b, l->id);
    buf_putc(b, ',');
    csv_cell(b, l->name);
    if (!l->collected)
        buf_puts(b, ",,,,");
    else {
        if (l->small)
            buf_printf(b, ",<%d,", IND_SMALL_CELL);
        else
            buf_printf(b, ",%lld,", l->num);
        if (l->has_den)
            buf_printf(b, "%lld", l->den);
        if (!l->small && l->has_value && l->has_den)
            buf_printf(b, ",%.2f,", l->value);
        else if (!l->small && l->has_value)
            buf_printf(b, ",%.10g,", l->value);
        else
            buf_puts(b, ",,");
    }
    csv_cell(b, l->unit);
    buf_putc(b, ',');
    csv_cell(b, l->note);
    buf_puts(b, "\r\n");
}

static const store_ind_row_t *sheet_row(const ind_result_t *total, const ind_result_t *by, size_t g, int k)
{
    return g == 0 ? total->total : &by[g].rows[k];
}

static const med_cell_t *sheet_medians(const ind_set_t *set, const ind_result_t *total, const ind_result_t *by,
                                       size_t g, int k)
{
    return g == 0 ? total->med_total : row_medians(&by[g], set, k);
}

static int h_csv(http_req_t *req, http_resp_t *resp)
{
    ind_result_t total, by[NEXPORT];
    if (compute_all(req, &total, by))
        return -1;
    const app_t *app = api_app(req);
    const ind_set_t *set = app->indicators;
    buf_t b = {0};
    buf_puts(&b, "\xEF\xBB\xBF"); /* BOM: Excel then reads UTF-8 */
    buf_puts(&b, "统计年度,分组,分组代码,分组名称,指标代码,指标名称,分子,分母,率,单位,备注\r\n");
    for (size_t g = 0; g < NEXPORT; g++) {
        int nrows = g == 0 ? 1 : by[g].nrows;
        for (int k = 0; k < nrows; k++) {
            const store_ind_row_t *row = sheet_row(&total, by, g, k);
            char lb[96];
            struct csv_ctx c = {&b, total.year, export_sheet_names[g], g == 0 ? "" : row->key,
                                g == 0 ? "全市" : group_label(app, export_groups[g], row->key, lb, sizeof lb)};
            export_lines(req, set, row, sheet_medians(set, &total, by, g, k), csv_line, &c);
        }
    }
    audit_export(req, "csv");
    resp->status = 200;
    resp->body = b;
    resp->content_type = "text/csv; charset=utf-8";
    http_add_header(resp, "Content-Disposition",
                    arena_printf(req->arena, "attachment; filename=\"fuyou-indicators-%d.csv\"", total.year));
    return 0;
}

struct xlsx_ctx {
    lxw_worksheet *ws;
    lxw_format *num;
    lxw_row_t row;
    const char *code, *label;
};

static void xlsx_line(void *vctx, const export_line_t *l)
{
    struct xlsx_ctx *c = vctx;
    lxw_row_t r = c->row++;
    worksheet_write_string(c->ws, r, 0, c->code, NULL);
    worksheet_write_string(c->ws, r, 1, c->label, NULL);
    worksheet_write_string(c->ws, r, 2, l->id, NULL);
    worksheet_write_string(c->ws, r, 3, l->name, NULL);
    if (l->collected) {
        if (l->small)
            worksheet_write_string(c->ws, r, 4, "<5", NULL);
        else
            worksheet_write_number(c->ws, r, 4, (double)l->num, NULL);
        if (l->has_den)
            worksheet_write_number(c->ws, r, 5, (double)l->den, NULL);
        if (!l->small && l->has_value)
            worksheet_write_number(c->ws, r, 6, l->value, c->num);
    }
    worksheet_write_string(c->ws, r, 7, l->unit, NULL);
    worksheet_write_string(c->ws, r, 8, l->note, NULL);
}

static int h_xlsx(http_req_t *req, http_resp_t *resp)
{
    ind_result_t total, by[NEXPORT];
    if (compute_all(req, &total, by))
        return -1;
    const app_t *app = api_app(req);
    const ind_set_t *set = app->indicators;
    char path[] = "/tmp/fuyou-xlsx-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return fy_fail(&req->err, 503, "export", "无法生成导出文件 (cannot create the export file)");
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        unlink(path);
        return fy_fail(&req->err, 503, "export", "无法生成导出文件 (cannot create the export file)");
    }
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_bg_color(head, 0xDDEBF7);
    lxw_format *num = workbook_add_format(wb);
    format_set_num_format(num, "0.00");
    for (size_t g = 0; g < NEXPORT; g++) {
        lxw_worksheet *ws = workbook_add_worksheet(wb, export_sheet_names[g]);
        static const char *const cols[] = {"分组代码", "分组名称", "指标代码", "指标名称", "分子", "分母", "率", "单位", "备注"};
        for (int c = 0; c < 9; c++)
            worksheet_write_string(ws, 0, (lxw_col_t)c, cols[c], head);
        worksheet_set_column(ws, 1, 1, 22, NULL);
        worksheet_set_column(ws, 3, 3, 30, NULL);
        worksheet_set_column(ws, 8, 8, 28, NULL);
        struct xlsx_ctx c = {ws, num, 1, NULL, NULL};
        int nrows = g == 0 ? 1 : by[g].nrows;
        for (int k = 0; k < nrows; k++) {
            const store_ind_row_t *row = sheet_row(&total, by, g, k);
            char lb[96];
            c.code = g == 0 ? "" : row->key;
            c.label = g == 0 ? "全市" : group_label(app, export_groups[g], row->key, lb, sizeof lb);
            export_lines(req, set, row, sheet_medians(set, &total, by, g, k), xlsx_line, &c);
        }
    }
    lxw_error err = workbook_close(wb);
    buf_t b = {0};
    FILE *f = err == LXW_NO_ERROR ? fopen(path, "rb") : NULL;
    if (f) {
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
            buf_append(&b, chunk, n);
        fclose(f);
    }
    unlink(path);
    if (!b.len) {
        buf_free(&b);
        return fy_fail(&req->err, 503, "export", "生成 XLSX 失败 (writing the XLSX failed)");
    }
    audit_export(req, "xlsx");
    resp->status = 200;
    resp->body = b;
    resp->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    http_add_header(resp, "Content-Disposition",
                    arena_printf(req->arena, "attachment; filename=\"fuyou-indicators-%d.xlsx\"", total.year));
    return 0;
}

#define VIEWERS (ROLES_STAFF | ROLES_ADMIN)
const http_route_t api_indicator_routes[] = {
    {"GET", "/api/v1/indicators", h_indicators, VIEWERS, 0},
    {"GET", "/api/v1/indicators/export.csv", h_csv, VIEWERS, 0},
    {"GET", "/api/v1/indicators/export.xlsx", h_xlsx, VIEWERS, 0},
};
const size_t api_indicator_nroutes = sizeof api_indicator_routes / sizeof api_indicator_routes[0];
