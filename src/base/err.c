#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* After a vsnprintf that may have cut the text: drops a UTF-8 sequence left
 * incomplete at the end, so a long Chinese message stays valid text. */
static void trim_cut_utf8(char *s, int wanted, size_t cap)
{
    if (wanted < 0 || (size_t)wanted < cap)
        return;
    size_t n = strlen(s);
    size_t i = n;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--; /* continuation bytes */
    if (i == 0 || (unsigned char)s[i - 1] < 0xC0)
        return;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    if (n - (i - 1) < need)
        s[i - 1] = 0;
}

int fy_fail(fy_err_t *e, int status, const char *code, const char *fmt, ...)
{
    e->status = status;
    snprintf(e->code, sizeof e->code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(e->detail, sizeof e->detail, fmt, ap);
    va_end(ap);
    trim_cut_utf8(e->detail, n, sizeof e->detail);
    return -1;
}

void fy_field(fy_err_t *e, const char *field, const char *code, const char *fmt, ...)
{
    if (!e->status) {
        e->status = 422;
        snprintf(e->code, sizeof e->code, "validation");
        snprintf(e->detail, sizeof e->detail, "请求中有字段不符合规则 (one or more fields break a rule)");
    }
    if (e->n >= FY_ERR_MAX_FIELDS)
        return;
    fy_field_err_t *f = &e->fields[e->n++];
    snprintf(f->field, sizeof f->field, "%s", field);
    snprintf(f->code, sizeof f->code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(f->message, sizeof f->message, fmt, ap);
    va_end(ap);
    trim_cut_utf8(f->message, n, sizeof f->message);
}

bool fy_has_error(const fy_err_t *e) { return e->status != 0; }

void fy_err_clear(fy_err_t *e)
{
    e->status = 0;
    e->code[0] = e->detail[0] = e->allow[0] = e->extra[0] = 0;
    e->retry_after = 0;
    e->n = 0;
}

const char *fy_status_title(int status)
{
    switch (status) {
    case 400: return "请求格式错误 (Bad request)";
    case 401: return "未登录或凭据无效 (Unauthorized)";
    case 403: return "无权访问 (Forbidden)";
    case 404: return "未找到 (Not found)";
    case 405: return "不支持该方法 (Method not allowed)";
    case 409: return "与现有记录冲突 (Conflict)";
    case 412: return "记录已被他人修改 (Precondition failed)";
    case 413: return "请求体过大 (Payload too large)";
    case 415: return "不支持的内容类型 (Unsupported media type)";
    case 422: return "字段不符合规则 (Unprocessable content)";
    case 428: return "缺少前置条件 (Precondition required)";
    case 429: return "请求过于频繁 (Too many requests)";
    case 503: return "服务暂不可用 (Service unavailable)";
    default: return status >= 500 ? "服务器内部错误 (Internal server error)" : "请求错误 (Request error)";
    }
}
