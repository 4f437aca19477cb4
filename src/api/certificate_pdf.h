/* The birth medical certificate as a PDF (libharu): every printed field of
 * domain.md §8 in Chinese (the built-in SimSun CJK font, GBK encoding)
 * with English in brackets, the number in plain Latin text and as a QR
 * code (libqrencode) drawn as rectangles. Called by certificates.c only. */
#ifndef FY_API_CERTIFICATE_PDF_H
#define FY_API_CERTIFICATE_PDF_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

/* Renders the frozen `printed` object of an issued certificate into out.
 * `voided` overprints 作废 (VOID). Returns 0, or -1 with a message in err. */
int cert_pdf_render(json_t *printed, bool voided, buf_t *out, char *err, size_t errlen);

/* UTF-8 → GBK; a character GBK lacks becomes '?'. Returns a malloc'd string. */
char *cert_pdf_gbk(const char *utf8);

#endif
