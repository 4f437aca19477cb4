/* The annual report indicators, live: GET /api/v1/indicators (JSON) and
 * its exports (CSV with BOM, XLSX with a sheet per disaggregation). The
 * definitions are data (data/indicators.json); the counts come from one
 * grouped pass per source (store_indicator_counts). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "api/api.h"

typedef struct {
    int year;
    store_ind_query_t q;
    const char *month; /* "YYYY-MM" or NULL */
    store_ind_row_t *total;
    store_ind_row_t *rows; /* grouped; NULL when not grouped */
    int nrows;
} ind_result_t;

struct counts_ctx {
    store_ind_query_t q;
    store_ind_row_t *rows;
    int n;
};

static int counts_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct counts_ctx *c = vctx;
    return store_indicator_counts(tx, &c->q, &c->rows, &c->n, e);
}

static int count(http_req_t *req, store_ind_query_t q, store_ind_row_t **rows, int *n)
{
    struct counts_ctx c = {q, NULL, 0};
    if (store_read(api_app(req)->store, req->arena, counts_unit, &c, &req->err))
        return -1;
    *rows = c.rows;
    *n = c.n;
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
        if (*end || y < 2000 || y > 2100)
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
        int n;
        return count(req, r->q, &r->total, &n);
    }
    /* every grouping partitions the period's records: the total is the sum */
    r->q.group = (ind_group_t)g;
    if (count(req, r->q, &r->rows, &r->nrows))
        return -1;
    r->total = arena_alloc(req->arena, sizeof *r->total);
    for (int k = 0; k < r->nrows; k++)
        for (int m = 0; m < IND_MEASURE_COUNT; m++) {
            r->total->v[m] += r->rows[k].v[m];
            r->total->has[m] = r->rows[k].has[m];
        }
    if (r->nrows == 0) {
        /* nothing in the period: which measures are collected still shows */
        int n;
        store_ind_row_t *empty;
        store_ind_query_t tq = r->q;
        tq.group = IND_GROUP_NONE;
        if (count(req, tq, &empty, &n))
            return -1;
        *r->total = empty[0];
    }
    return 0;
}

static const char *group_label(const app_t *app, ind_group_t g, const char *key, char *buf, size_t cap)
{
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
        buf_puts(&b, "]}");
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    buf_printf(&b, "],\"elapsed_ms\":%.1f}",
               (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    api_reply(resp, 200, &b);
    return 0;
}

/* ---- exports --------------------------------------------------------------- */

static const ind_group_t export_groups[] = {IND_GROUP_NONE, IND_GROUP_DISTRICT, IND_GROUP_DELIVERY_DISTRICT,
                                            IND_GROUP_MONTH, IND_GROUP_INSTITUTION};
static const char *const export_sheet_names[] = {"全市合计", "按居住区", "按分娩区", "按月份", "按分娩机构"};

/* Every disaggregation of the current query. */
static int compute_all(http_req_t *req, ind_result_t *total, ind_result_t *by)
{
    if (compute(req, total, false))
        return -1;
    for (size_t g = 1; g < sizeof export_groups / sizeof export_groups[0]; g++) {
        by[g] = *total;
        by[g].q.group = export_groups[g];
        if (count(req, by[g].q, &by[g].rows, &by[g].nrows))
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

static int h_csv(http_req_t *req, http_resp_t *resp)
{
    ind_result_t total, by[5];
    if (compute_all(req, &total, by))
        return -1;
    const app_t *app = api_app(req);
    const ind_set_t *set = app->indicators;
    buf_t b = {0};
    buf_puts(&b, "\xEF\xBB\xBF"); /* BOM: Excel then reads UTF-8 */
    buf_puts(&b, "统计年度,分组,分组代码,分组名称,指标代码,指标名称,分子,分母,率,单位,备注\r\n");
    for (size_t g = 0; g < 5; g++) {
        int nrows = g == 0 ? 1 : by[g].nrows;
        for (int k = 0; k < nrows; k++) {
            const store_ind_row_t *row = g == 0 ? total.total : &by[g].rows[k];
            char lb[96];
            const char *label = g == 0 ? "全市" : group_label(app, export_groups[g], row->key, lb, sizeof lb);
            for (size_t i = 0; i < ind_count(set); i++) {
                const ind_def_t *d = ind_at(set, i);
                ind_value_t v = ind_compute(d, row->v, row->has);
                buf_printf(&b, "%d,", total.year);
                csv_cell(&b, export_sheet_names[g]);
                buf_putc(&b, ',');
                csv_cell(&b, g == 0 ? "" : row->key);
                buf_putc(&b, ',');
                csv_cell(&b, label);
                buf_putc(&b, ',');
                csv_cell(&b, d->id);
                buf_putc(&b, ',');
                csv_cell(&b, d->name);
                if (!v.collected)
                    buf_puts(&b, ",,,,");
                else if (v.small)
                    buf_printf(&b, ",<%d,%lld,,", IND_SMALL_CELL, (long long)v.denominator);
                else if (isnan(v.value))
                    buf_printf(&b, ",%lld,%lld,,", (long long)v.numerator, (long long)v.denominator);
                else
                    buf_printf(&b, ",%lld,%lld,%.2f,", (long long)v.numerator, (long long)v.denominator, v.value);
                csv_cell(&b, d->unit);
                buf_putc(&b, ',');
                csv_cell(&b, !v.collected ? "未采集 (not collected)" : v.small ? "小数值已隐去 (small cell suppressed)" : "");
                buf_puts(&b, "\r\n");
            }
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

static int h_xlsx(http_req_t *req, http_resp_t *resp)
{
    ind_result_t total, by[5];
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
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_bg_color(head, 0xDDEBF7);
    lxw_format *num = workbook_add_format(wb);
    format_set_num_format(num, "0.00");
    for (size_t g = 0; g < 5; g++) {
        lxw_worksheet *ws = workbook_add_worksheet(wb, export_sheet_names[g]);
        static const char *const cols[] = {"分组代码", "分组名称", "指标代码", "指标名称", "分子", "分母", "率", "单位", "备注"};
        for (int c = 0; c < 9; c++)
            worksheet_write_string(ws, 0, (lxw_col_t)c, cols[c], head);
        worksheet_set_column(ws, 1, 1, 22, NULL);
        worksheet_set_column(ws, 3, 3, 30, NULL);
        worksheet_set_column(ws, 8, 8, 28, NULL);
        lxw_row_t row_i = 1;
        int nrows = g == 0 ? 1 : by[g].nrows;
        for (int k = 0; k < nrows; k++) {
            const store_ind_row_t *row = g == 0 ? total.total : &by[g].rows[k];
            char lb[96];
            const char *label = g == 0 ? "全市" : group_label(app, export_groups[g], row->key, lb, sizeof lb);
            for (size_t i = 0; i < ind_count(set); i++, row_i++) {
                const ind_def_t *d = ind_at(set, i);
                ind_value_t v = ind_compute(d, row->v, row->has);
                worksheet_write_string(ws, row_i, 0, g == 0 ? "" : row->key, NULL);
                worksheet_write_string(ws, row_i, 1, label, NULL);
                worksheet_write_string(ws, row_i, 2, d->id, NULL);
                worksheet_write_string(ws, row_i, 3, d->name, NULL);
                if (v.collected) {
                    if (v.small)
                        worksheet_write_string(ws, row_i, 4, "<5", NULL);
                    else
                        worksheet_write_number(ws, row_i, 4, (double)v.numerator, NULL);
                    worksheet_write_number(ws, row_i, 5, (double)v.denominator, NULL);
                    if (!v.small && !isnan(v.value))
                        worksheet_write_number(ws, row_i, 6, v.value, num);
                }
                worksheet_write_string(ws, row_i, 7, d->unit, NULL);
                worksheet_write_string(ws, row_i, 8,
                                       !v.collected ? "未采集" : v.small ? "小数值已隐去" : "", NULL);
            }
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
