/* Health check and reference data: districts and institutions. */
#include <string.h>

#include "api/api.h"

static int h_health(http_req_t *req, http_resp_t *resp)
{
    buf_t b = {0};
    buf_puts(&b, "{\"status\":\"ok\",\"version\":\"" FUYOU_VERSION "\",\"store\":");
    buf_json_str(&b, store_kind(api_app(req)->store));
    buf_putc(&b, '}');
    api_reply(resp, 200, &b);
    return 0;
}

static int h_districts(http_req_t *req, http_resp_t *resp)
{
    const refdata_t *ref = api_app(req)->ref;
    buf_t b = {0};
    buf_puts(&b, "{\"items\":[");
    for (size_t i = 0; i < refdata_district_count(ref); i++) {
        const ref_district_t *d = refdata_district_at(ref, i);
        buf_puts(&b, i ? ",{" : "{");
        api_kv_str(&b, "code", d->code, false);
        api_kv_str(&b, "name", d->name, true);
        api_kv_str(&b, "name_en", d->name_en, true);
        buf_putc(&b, '}');
    }
    buf_puts(&b, "]}");
    api_reply(resp, 200, &b);
    return 0;
}

void reference_institution_json(buf_t *b, const ref_institution_t *x, const refdata_t *ref);
void reference_institution_json(buf_t *b, const ref_institution_t *x, const refdata_t *ref)
{
    buf_putc(b, '{');
    api_kv_str(b, "id", x->id, false);
    api_kv_str(b, "name", x->name, true);
    buf_puts(b, ",\"types\":[");
    int n = 0;
    for (unsigned bit = 1; bit <= INST_NEWBORN_RESCUE_CENTER; bit <<= 1)
        if (x->types & bit) {
            if (n++)
                buf_putc(b, ',');
            buf_json_str(b, refdata_type_name(bit));
        }
    buf_putc(b, ']');
    if (x->level)
        api_kv_int(b, "level", x->level, true);
    else
        buf_puts(b, ",\"level\":null");
    api_kv_str(b, "district", x->district, true);
    const ref_district_t *d = refdata_district(ref, x->district);
    api_kv_str(b, "district_name", d ? d->name : NULL, true);
    api_kv_int(b, "daily_capacity", x->daily_capacity, true);
    api_kv_str(b, "mark", x->mark, true);
    buf_putc(b, '}');
}

static int h_institutions(http_req_t *req, http_resp_t *resp)
{
    const refdata_t *ref = api_app(req)->ref;
    const char *type = http_query(req, "type");
    const char *district = http_query(req, "district");
    unsigned bit = 0;
    if (type && !(bit = refdata_type_parse(type)))
        fy_field(&req->err, "type", "enum",
                 "type 应为 community_health_center, delivery_hospital, mch_institute, maternal_rescue_center,"
                 " newborn_rescue_center 之一 (type must be one of those)");
    if (district && !refdata_district(ref, district))
        fy_field(&req->err, "district", "district", "区代码无效 (district must be one of the 16 district codes)");
    if (fy_has_error(&req->err))
        return -1;
    buf_t b = {0};
    buf_puts(&b, "{\"items\":[");
    int n = 0;
    for (size_t i = 0; i < refdata_institution_count(ref); i++) {
        const ref_institution_t *x = refdata_institution_at(ref, i);
        if ((bit && !(x->types & bit)) || (district && strcmp(x->district, district) != 0))
            continue;
        if (n++)
            buf_putc(&b, ',');
        reference_institution_json(&b, x, ref);
    }
    buf_printf(&b, "],\"total\":%d}", n);
    api_reply(resp, 200, &b);
    return 0;
}

const http_route_t api_reference_routes[] = {
    {"GET", "/api/v1/health", h_health, 0, HTTP_PUBLIC},
    {"GET", "/api/v1/districts", h_districts, 0, HTTP_PUBLIC},
    {"GET", "/api/v1/institutions", h_institutions, 0, HTTP_PUBLIC},
};
const size_t api_reference_nroutes = sizeof api_reference_routes / sizeof api_reference_routes[0];
