/* Errors are values. A function that can fail returns 0 or -1 and fills a
 * fy_err_t: the HTTP status, a machine code, a message in Chinese and
 * English, and the fields that broke a rule. The HTTP layer turns it into an
 * application/problem+json body (RFC 9457). Used by every layer. */
#ifndef FY_BASE_ERR_H
#define FY_BASE_ERR_H

#include <stdbool.h>

#define FY_ERR_MAX_FIELDS 24

typedef struct {
    char field[64];
    char code[40];
    char message[320]; /* "中文 (English)" */
} fy_field_err_t;

typedef struct fy_err {
    int status;        /* HTTP status; 0 while no error */
    char code[40];     /* machine code, e.g. "validation", "conflict" */
    char detail[400];  /* "中文 (English)" */
    char allow[64];    /* for 405: the Allow header */
    char extra[160];   /* a JSON member to add to the body, e.g. "\"existing_id\":\"12\"" */
    int retry_after;   /* seconds, for 429 */
    int n;
    fy_field_err_t fields[FY_ERR_MAX_FIELDS];
} fy_err_t;

/* Sets status, code and detail; returns -1 so callers can `return fy_fail(...)`. */
int fy_fail(fy_err_t *e, int status, const char *code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Adds a field error (status becomes 422 unless already set). */
void fy_field(fy_err_t *e, const char *field, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
bool fy_has_error(const fy_err_t *e);
/* Makes e "no error" without clearing its 11 kB of text buffers: for the
 * hot paths that declare one per request or per unit (= {0} clears it all). */
void fy_err_clear(fy_err_t *e);
/* The problem title for a status, "中文 (English)". */
const char *fy_status_title(int status);

#endif
