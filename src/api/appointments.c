/* Booking antenatal visits (智能预约) against each institution's daily
 * capacity. Citizens book their own; staff book for women in scope. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/pregnancy.h"
#include "base/idnum.h"

#define BOOK_AHEAD_DAYS 90

struct book_ctx {
    http_req_t *req;
    store_appointment_t a;
    const ref_institution_t *inst;
};

static int book_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct book_ctx *c = vctx;
    store_pregnancy_t p;
    if (preg_load(c->req, tx, c->a.pregnancy_id, &p, NULL, e) || preg_require_open(&p, e))
        return -1;
    store_appointment_t *mine;
    int n;
    if (store_appointments_of(tx, p.id, &mine, &n, e))
        return -1;
    for (int i = 0; i < n; i++)
        if (mine[i].date == c->a.date && strcmp(mine[i].status, "booked") == 0)
            return fy_fail(e, 409, "already_booked", "当天已有预约 (she already has a booking on that day)");
    /* counted inside the write unit: the single writer makes check-and-book atomic */
    int booked;
    if (store_appointments_booked(tx, c->inst->id, c->a.date, &booked, e))
        return -1;
    if (booked >= c->inst->daily_capacity) {
        snprintf(e->extra, sizeof e->extra, "\"capacity\":%d,\"booked\":%d", c->inst->daily_capacity, booked);
        return fy_fail(e, 409, "fully_booked", "%s 当天号源已满（%d），请选择其他日期 (fully booked on that day)",
                       c->inst->name, c->inst->daily_capacity);
    }
    if (store_appointment_insert(tx, &c->a, e))
        return -1;
    return api_audit(tx, c->req, "book", "appointment", arena_printf(c->req->arena, "%lld", (long long)c->a.id),
                     arena_printf(c->req->arena, "pregnancy %lld", (long long)p.id), e);
}

static int h_book(http_req_t *req, http_resp_t *resp)
{
    json_t *body = api_body(req);
    if (!body)
        return -1;
    fy_err_t *e = &req->err;
    const app_t *app = api_app(req);
    struct book_ctx c = {.req = req};
    static const char *const known[] = {"pregnancy_id", "institution_id", "date", NULL};
    jv_no_unknown(body, known, e);
    int64_t id = 0;
    jv_id(body, "pregnancy_id", true, &id, e);
    const char *inst_id;
    if (jv_str(body, "institution_id", true, 1, 64, &inst_id, e)) {
        c.inst = refdata_institution(app->ref, inst_id);
        if (!c.inst)
            fy_field(e, "institution_id", "unknown_institution", "没有这个机构 (no such institution)");
        else if (c.inst->daily_capacity <= 0 ||
                 !(c.inst->types & (INST_COMMUNITY_HEALTH_CENTER | INST_DELIVERY_HOSPITAL)))
            fy_field(e, "institution_id", "no_booking", "该机构不接受产检预约 (this institution takes no bookings)");
    }
    fy_date_t today = fy_today();
    if (jv_date(body, "date", true, &c.a.date, e)) {
        if (c.a.date < today)
            fy_field(e, "date", "past", "预约日期不能早于今天 (date must not be in the past)");
        else if (c.a.date > today + BOOK_AHEAD_DAYS)
            fy_field(e, "date", "too_far", "最多可预约90天内 (book at most 90 days ahead)");
    }
    if (fy_has_error(e))
        return -1;
    c.a.pregnancy_id = id;
    c.a.institution_id = c.inst->id;
    c.a.user_id = api_user(req)->id;
    c.a.created_at = fy_now_ms();
    if (store_write(app->store, req->arena, book_unit, &c, e))
        return -1;
    buf_t b = {0};
    buf_printf(&b, "{\"id\":\"%lld\",\"pregnancy_id\":\"%lld\"", (long long)c.a.id, (long long)id);
    api_kv_str(&b, "institution_id", c.inst->id, true);
    api_kv_str(&b, "institution_name", c.inst->name, true);
    api_kv_date(&b, "date", c.a.date, true, true);
    api_kv_str(&b, "status", c.a.status, true);
    buf_putc(&b, '}');
    api_reply(resp, 201, &b);
    return 0;
}

struct day_ctx {
    const char *institution;
    fy_date_t date;
    store_day_booking_t *rows;
    int n;
};

static int day_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct day_ctx *c = vctx;
    return store_appointments_on(tx, c->institution, c->date, &c->rows, &c->n, e);
}

/* The day's bookings at an institution (今日预约): its own staff, the admins of
 * its district, the city. */
static int h_day(http_req_t *req, http_resp_t *resp)
{
    const app_t *app = api_app(req);
    api_user_t *u = api_user(req);
    struct day_ctx c = {0};
    bool has_date;
    c.institution = http_query(req, "institution");
    if (!c.institution)
        c.institution = u->institution_id;
    const ref_institution_t *inst = refdata_institution(app->ref, c.institution);
    if (!inst)
        fy_field(&req->err, "institution", c.institution ? "unknown_institution" : "required",
                 "机构无效或未指定 (institution is missing or unknown)");
    api_query_date(req, "date", &c.date, &has_date);
    if (!has_date)
        c.date = fy_today();
    if (fy_has_error(&req->err))
        return -1;
    bool own = u->institution_id && strcmp(u->institution_id, inst->id) == 0;
    bool district = u->role == ROLE_DISTRICT_ADMIN && u->district && strcmp(u->district, inst->district) == 0;
    if (!own && !district && u->role != ROLE_CITY_ADMIN && u->role != ROLE_SYS_ADMIN)
        return fy_fail(&req->err, 403, "out_of_scope", "只能查看本机构的预约 (you can see your own institution's bookings only)");
    if (store_read(app->store, req->arena, day_unit, &c, &req->err))
        return -1;
    buf_t b = {0}, ids = {0};
    buf_puts(&b, "{");
    api_kv_str(&b, "institution_id", inst->id, false);
    api_kv_str(&b, "institution_name", inst->name, true);
    api_kv_date(&b, "date", c.date, true, true);
    api_kv_int(&b, "capacity", inst->daily_capacity, true);
    buf_puts(&b, ",\"items\":[");
    for (int i = 0; i < c.n; i++) {
        store_day_booking_t *r = &c.rows[i];
        char masked[64], ga[16];
        idnum_mask(r->woman_id_number, masked, sizeof masked);
        preg_ga_text(preg_ga_days(r->lmp, c.date), ga, sizeof ga);
        buf_puts(&b, i ? ",{" : "{");
        api_kv_str(&b, "id", arena_printf(req->arena, "%lld", (long long)r->a.id), false);
        api_kv_str(&b, "pregnancy_id", arena_printf(req->arena, "%lld", (long long)r->a.pregnancy_id), true);
        buf_puts(&b, ",\"woman\":{");
        api_kv_str(&b, "id", arena_printf(req->arena, "%lld", (long long)r->woman_id), false);
        api_kv_str(&b, "name", r->woman_name, true);
        api_kv_str(&b, "id_number", masked, true);
        buf_putc(&b, '}');
        api_kv_str(&b, "ga_text", ga, true);
        api_kv_str(&b, "color", r->color, true);
        buf_printf(&b, ",\"purple\":%s}", r->purple ? "true" : "false");
        buf_printf(&ids, "%s%lld", i ? "," : "", (long long)r->woman_id);
    }
    buf_printf(&b, "],\"total\":%d}", c.n);
    return api_reply_search(req, resp, &b, "appointment", &ids, inst->id);
}

const http_route_t api_appointment_routes[] = {
    {"GET", "/api/v1/appointments", h_day, ROLES_STAFF | ROLES_ADMIN, 0},
    {"POST", "/api/v1/appointments", h_book,
     ROLE_BIT(ROLE_CITIZEN) | ROLE_BIT(ROLE_COMMUNITY_DOCTOR) | ROLE_BIT(ROLE_OBSTETRICIAN), 0},
};
const size_t api_appointment_nroutes = sizeof api_appointment_routes / sizeof api_appointment_routes[0];
