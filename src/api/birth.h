/* What the birth resources share (screening.c, certificates.c,
 * birth_services.c): loading a child within scope, the screening rule
 * table, masking of parents' ID numbers, and the one-stop's event. */
#ifndef FY_API_BIRTH_H
#define FY_API_BIRTH_H

#include "api/api.h"
#include "domain/certificate.h"
#include "domain/screening.h"

/* A live-born child and its mother; 404 when absent (or stillborn), 403
 * out of the user's scope. mother may be NULL. */
int birth_child_load(http_req_t *req, store_tx_t *tx, int64_t child_id, store_child_t *c, store_woman_t *mother,
                     fy_err_t *e);
/* The screening rules of data/screening/panels.json, loaded on first use;
 * NULL with a 503 in req->err when the file is broken. */
const screening_rules_t *birth_screening_rules(http_req_t *req);
/* ?unmask=true&reason=… as women.c reads it: 403 for roles that may not
 * see full ID numbers, 422 without a reason of 2–200 characters. */
int birth_unmask_request(http_req_t *req, bool *unmask, const char **reason);
/* An id as the API shows it. */
const char *birth_id(http_req_t *req, int64_t id);

/* The child as children.c renders it (masked mother). */
void children_json(http_req_t *req, buf_t *b, const store_child_t *c, const store_woman_t *mother);

/* The birth one-stop's JSON record. */
void birth_service_json(http_req_t *req, buf_t *b, const store_birth_service_t *s);

#endif
