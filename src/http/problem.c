/* application/problem+json (RFC 9457) bodies from fy_err_t values. */
#include <stdio.h>
#include <string.h>

#include "http/http.h"

void http_problem(http_resp_t *resp, const fy_err_t *e, const char *instance)
{
    int status = e->status ? e->status : 500;
    buf_free(&resp->body);
    buf_t *b = &resp->body;
    buf_puts(b, "{\"type\":");
    char type[96];
    snprintf(type, sizeof type, "urn:fuyou:problem:%s", e->code[0] ? e->code : "error");
    buf_json_str(b, type);
    buf_puts(b, ",\"title\":");
    buf_json_str(b, fy_status_title(status));
    buf_printf(b, ",\"status\":%d,\"detail\":", status);
    buf_json_str(b, e->detail[0] ? e->detail : fy_status_title(status));
    if (instance) {
        buf_puts(b, ",\"instance\":");
        buf_json_str(b, instance);
    }
    buf_puts(b, ",\"errors\":[");
    for (int i = 0; i < e->n; i++) {
        buf_puts(b, i ? ",{\"field\":" : "{\"field\":");
        buf_json_str(b, e->fields[i].field);
        buf_puts(b, ",\"code\":");
        buf_json_str(b, e->fields[i].code);
        buf_puts(b, ",\"message\":");
        buf_json_str(b, e->fields[i].message);
        buf_putc(b, '}');
    }
    buf_putc(b, ']');
    if (e->extra[0]) {
        buf_putc(b, ',');
        buf_puts(b, e->extra);
    }
    buf_putc(b, '}');
    resp->status = status;
    resp->content_type = "application/problem+json; charset=utf-8";
}

void http_json(http_resp_t *resp, int status, const char *json, size_t len)
{
    buf_free(&resp->body);
    buf_append(&resp->body, json, len);
    resp->status = status;
    resp->content_type = "application/json; charset=utf-8";
}

void http_add_header(http_resp_t *resp, const char *name, const char *value)
{
    if (resp->nheaders < HTTP_MAX_HEADERS) {
        resp->headers[resp->nheaders].name = name;
        resp->headers[resp->nheaders].value = value;
        resp->nheaders++;
    }
}
