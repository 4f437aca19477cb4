/* Reading request JSON field by field, collecting every broken rule into a
 * fy_err_t (so one 422 names every bad field, not just the first). Each
 * getter returns true when the field is present and valid; on a missing
 * required field or a broken rule it records the error and returns false.
 * Messages are "中文 (English)". Field labels come from jv_label(). */
#ifndef FY_BASE_JV_H
#define FY_BASE_JV_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/date.h"
#include "base/err.h"

/* The Chinese name of a request field ("hb_g_l" → "血红蛋白"), or the field
 * name itself when none is known. */
const char *jv_label(const char *field);

/* Strings: trimmed length in UTF-8 characters between minc and maxc; a
 * string with control characters is refused. */
bool jv_str(json_t *obj, const char *key, bool required, size_t minc, size_t maxc, const char **out, fy_err_t *e);
bool jv_int(json_t *obj, const char *key, bool required, long min, long max, long *out, fy_err_t *e);
bool jv_num(json_t *obj, const char *key, bool required, double min, double max, const char *unit, double *out,
            fy_err_t *e);
bool jv_bool(json_t *obj, const char *key, bool required, bool *out, fy_err_t *e);
bool jv_date(json_t *obj, const char *key, bool required, fy_date_t *out, fy_err_t *e);
bool jv_instant(json_t *obj, const char *key, bool required, long long *out_ms, fy_err_t *e);
/* A record id: a positive JSON integer, or a string of 1–18 digits (a
 * longer one would saturate into an id that exists nowhere). */
bool jv_id(json_t *obj, const char *key, bool required, int64_t *out, fy_err_t *e);
/* One of a NULL-terminated list; *out is the index. */
bool jv_enum(json_t *obj, const char *key, bool required, const char *const *allowed, int *out, fy_err_t *e);
/* The same checks for a value that is not inside an object (array items,
 * query parameters); `field` names it in the error. */
bool jv_check_str(json_t *v, const char *field, size_t minc, size_t maxc, const char **out, fy_err_t *e);
/* Counts UTF-8 characters; -1 when the bytes are not valid UTF-8. */
long jv_utf8_len(const char *s);
/* Refuses members not in the NULL-terminated list of known keys. */
void jv_no_unknown(json_t *obj, const char *const *known, fy_err_t *e);

#endif
