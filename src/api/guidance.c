/* Online registration guidance (智能引导): which community health centres
 * serve her district, what to bring, and the last day for the small card.
 * Public: it says nothing about any person. The documents and steps are
 * data (data/guidance/registration.json). */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/pregnancy.h"

static json_t *guidance_doc;
static bool guidance_loaded;
static pthread_mutex_t guidance_mu = PTHREAD_MUTEX_INITIALIZER;

/* Loads the guidance file once, from the first request's data directory
 * (under a lock: request threads race to it). */
static const json_t *guidance(const app_t *app)
{
    pthread_mutex_lock(&guidance_mu);
    if (!guidance_loaded) {
        char path[512];
        snprintf(path, sizeof path, "%s/guidance/registration.json", app->data_dir ? app->data_dir : "data");
        guidance_doc = json_load_file(path, 0, NULL);
        guidance_loaded = true;
    }
    pthread_mutex_unlock(&guidance_mu);
    return guidance_doc;
}

static int h_guidance(http_req_t *req, http_resp_t *resp)
{
    const app_t *app = api_app(req);
    const json_t *doc = guidance(app);
    const char *district = http_query(req, "district");
    fy_date_t lmp = 0;
    bool has_lmp;
    if (!district)
        fy_field(&req->err, "district", "required", "居住区为必填项 (district is required)");
    else if (!refdata_district(app->ref, district))
        fy_field(&req->err, "district", "district", "区代码无效 (district must be one of the 16 district codes)");
    /* every broken rule is named once: a malformed date is not also "too old" */
    bool lmp_ok = api_query_date(req, "lmp", &lmp, &has_lmp) == 0 && has_lmp;
    fy_date_t today = fy_today();
    if (!has_lmp)
        fy_field(&req->err, "lmp", "required", "末次月经为必填项 (lmp is required)");
    else if (!lmp_ok)
        ; /* already named by api_query_date */
    else if (lmp > today)
        fy_field(&req->err, "lmp", "future", "末次月经不能晚于今天 (lmp must not be in the future)");
    else if (today - lmp > PREG_MAX_LMP_AGE_DAYS)
        fy_field(&req->err, "lmp", "too_old", "末次月经距今超过44周 (lmp is more than 44 weeks ago)");
    if (fy_has_error(&req->err))
        return -1;
    const ref_district_t *d = refdata_district(app->ref, district);
    int ga = preg_ga_days(lmp, today);
    fy_date_t deadline = lmp + PREG_SMALL_CARD_LAST_DAYS;
    char ga_text[16];
    preg_ga_text(ga, ga_text, sizeof ga_text);
    buf_t b = {0};
    buf_puts(&b, "{");
    api_kv_str(&b, "district", district, false);
    api_kv_str(&b, "district_name", d->name, true);
    api_kv_date(&b, "lmp", lmp, true, true);
    buf_printf(&b, ",\"ga\":{\"weeks\":%d,\"days\":%d,\"text\":\"%s\"}", ga / 7, ga % 7, ga_text);
    api_kv_date(&b, "edd", preg_edd(lmp), true, true);
    api_kv_date(&b, "small_card_deadline", deadline, true, true);
    api_kv_int(&b, "days_left", deadline - today, true);
    api_kv_bool(&b, "in_time", today <= deadline, true);
    char dl[11];
    fy_date_format(deadline, dl);
    api_kv_str(&b, "advice",
               today <= deadline
                   ? arena_printf(req->arena, "请在 %s 前（孕13周前）到下列社区卫生服务中心建小卡 (register by %s)", dl, dl)
                   : "已过孕13周，仍请尽快到社区卫生服务中心建册，但不计为早孕建册 (past 13 weeks: register as soon "
                     "as possible; it no longer counts as early registration)",
               true);
    buf_puts(&b, ",\"centres\":[");
    int n = 0;
    for (size_t i = 0; i < refdata_institution_count(app->ref); i++) {
        const ref_institution_t *x = refdata_institution_at(app->ref, i);
        if (!(x->types & INST_COMMUNITY_HEALTH_CENTER) || strcmp(x->district, district) != 0)
            continue;
        buf_puts(&b, n++ ? ",{" : "{");
        api_kv_str(&b, "id", x->id, false);
        api_kv_str(&b, "name", x->name, true);
        api_kv_int(&b, "daily_capacity", x->daily_capacity, true);
        buf_putc(&b, '}');
    }
    buf_putc(&b, ']');
    char *docs = doc ? json_dumps(json_object_get(doc, "documents"), JSON_COMPACT) : NULL;
    char *steps = doc ? json_dumps(json_object_get(doc, "steps"), JSON_COMPACT) : NULL;
    buf_printf(&b, ",\"documents\":%s,\"steps\":%s", docs ? docs : "[]", steps ? steps : "[]");
    free(docs);
    free(steps);
    api_kv_str(&b, "source", json_string_value(json_object_get(doc, "source")), true);
    buf_putc(&b, '}');
    api_reply(resp, 200, &b);
    return 0;
}

const http_route_t api_guidance_routes[] = {
    {"GET", "/api/v1/guidance/registration", h_guidance, 0, HTTP_PUBLIC},
};
const size_t api_guidance_nroutes = sizeof api_guidance_routes / sizeof api_guidance_routes[0];
