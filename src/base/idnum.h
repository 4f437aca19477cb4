/* Personal identity numbers: the resident ID number of GB 11643-1999 (check
 * character, embedded birth date, sex) and the masking rule applied to every
 * ID number the API shows. Pure functions; anyone may call them. */
#ifndef FY_BASE_IDNUM_H
#define FY_BASE_IDNUM_H

#include <stdbool.h>
#include <stddef.h>

#include "base/date.h"

typedef enum {
    IDNUM_OK = 0,
    IDNUM_LENGTH,  /* not 18 characters */
    IDNUM_CHARS,   /* not 17 digits + digit or X */
    IDNUM_AREA,    /* area code not a province of China */
    IDNUM_DATE,    /* birth date not a real date */
    IDNUM_FUTURE,  /* birth date after today */
    IDNUM_CHECK,   /* check character wrong */
} idnum_status_t;

/* The check character for the first 17 digits ('0'..'9' or 'X'). */
char idnum_check_char(const char *first17);
/* Validates an 18-character resident ID number as of `today`; a lower-case x
 * is accepted. On success fills birth date and sex (1 male, 2 female) when
 * the pointers are not NULL. */
idnum_status_t idnum_check_resident(const char *s, fy_date_t today, fy_date_t *birth, int *sex);
/* "中文 (English)" text for a status. */
const char *idnum_status_message(idnum_status_t st);
/* Upper-cases a trailing x in place. */
void idnum_normalize(char *s);
/* First 6 and last 4 characters shown, the rest '*'. Strings of 10 or fewer
 * characters are starred entirely. out must hold strlen(s)+1 bytes. */
void idnum_mask(const char *s, char *out, size_t cap);

#endif
