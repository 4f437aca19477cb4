/* The birth medical certificate's rules that are not data: the number
 * (1 capital letter + 9 digits, domain.md §8), number blocks (no overlap,
 * used in order), the ID types a parent may show, and the birth one-stop's
 * downstream steps and their states. Pure; api/ calls it. */
#ifndef FY_DOMAIN_CERTIFICATE_H
#define FY_DOMAIN_CERTIFICATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CERT_NUMBER_LEN 10       /* "X320101001" */
#define CERT_SEQ_MAX 999999999LL /* nine digits */

/* A capital letter A–Z. */
bool cert_letter_ok(char c);
/* "X" + nine digits of seq into out (11 bytes). False when the letter or
 * the sequence is out of range. */
bool cert_number_format(char letter, int64_t seq, char out[CERT_NUMBER_LEN + 1]);
/* Parses "X320101001" (exactly one capital letter and nine digits). */
bool cert_number_parse(const char *s, char *letter, int64_t *seq);
/* Two blocks of the same letter share a number. */
bool cert_blocks_overlap(int64_t first_a, int64_t last_a, int64_t first_b, int64_t last_b);
/* The number a block hands out next (its `next` pointer), or -1 when the
 * block is used up. */
int64_t cert_block_next(int64_t first, int64_t last, int64_t next);

/* Parent ID types: "resident_id" … and their printed names. */
extern const char *const cert_id_types[];
const char *cert_id_type_label(const char *id_type); /* "居民身份证"; NULL when unknown */

/* The birth one-stop (出生一件事) steps, in order, and their states. */
#define CERT_STEPS 3
extern const char *const cert_steps[CERT_STEPS + 1];   /* household_registration, … */
extern const char *const cert_step_labels[CERT_STEPS]; /* "户口登记 (household registration)" */
extern const char *const cert_step_statuses[];         /* pending, sent, done, failed */
int cert_step_index(const char *step);                 /* -1 when unknown */
/* Whether a step may move from one state to another: done is final; a
 * failed step may be retried; the same state again only updates detail. */
bool cert_step_transition_ok(const char *from, const char *to);

#endif
