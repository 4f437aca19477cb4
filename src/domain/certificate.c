#include "domain/certificate.h"

#include <stdio.h>
#include <string.h>

bool cert_letter_ok(char c) { return c >= 'A' && c <= 'Z'; }

bool cert_number_format(char letter, int64_t seq, char out[CERT_NUMBER_LEN + 1])
{
    if (!cert_letter_ok(letter) || seq < 0 || seq > CERT_SEQ_MAX) {
        out[0] = 0;
        return false;
    }
    snprintf(out, CERT_NUMBER_LEN + 1, "%c%09lld", letter, (long long)seq);
    return true;
}

bool cert_number_parse(const char *s, char *letter, int64_t *seq)
{
    if (!s || strlen(s) != CERT_NUMBER_LEN || !cert_letter_ok(s[0]))
        return false;
    int64_t v = 0;
    for (int i = 1; i < CERT_NUMBER_LEN; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *letter = s[0];
    *seq = v;
    return true;
}

bool cert_blocks_overlap(int64_t first_a, int64_t last_a, int64_t first_b, int64_t last_b)
{
    return first_a <= last_b && first_b <= last_a;
}

int64_t cert_block_next(int64_t first, int64_t last, int64_t next)
{
    if (next < first || next > last)
        return -1;
    return next;
}

const char *const cert_id_types[] = {
    "resident_id", "passport", "hk_macao_permit", "taiwan_permit", "household_booklet", "foreign_permanent_id", NULL};
static const char *const id_type_labels[] = {
    "居民身份证", "护照", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "户口簿", "外国人永久居留身份证"};

const char *cert_id_type_label(const char *id_type)
{
    for (int i = 0; id_type && cert_id_types[i]; i++)
        if (strcmp(cert_id_types[i], id_type) == 0)
            return id_type_labels[i];
    return NULL;
}

const char *const cert_steps[CERT_STEPS + 1] = {"household_registration", "medical_insurance", "social_security_card",
                                                NULL};
const char *const cert_step_labels[CERT_STEPS] = {"户口登记 (household registration)",
                                                  "医保参保登记 (medical insurance enrolment)",
                                                  "社会保障卡申领 (social security card)"};
const char *const cert_step_statuses[] = {"pending", "sent", "done", "failed", NULL};

int cert_step_index(const char *step)
{
    for (int i = 0; step && i < CERT_STEPS; i++)
        if (strcmp(cert_steps[i], step) == 0)
            return i;
    return -1;
}

bool cert_step_transition_ok(const char *from, const char *to)
{
    if (!from || !to)
        return false;
    if (strcmp(from, to) == 0)
        return true;
    if (strcmp(from, "done") == 0)
        return false;
    if (strcmp(to, "pending") == 0)
        return strcmp(from, "failed") == 0; /* a retry starts over */
    return true;
}
