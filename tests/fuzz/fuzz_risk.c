/* libFuzzer target: the risk engine's input (domain/risk.h), graded against
 * the real table data/risk/criteria-2017.json.
 *
 * Input: bytes consumed field by field into a risk_input_t. Each number
 * takes a kind byte first: NaN, +inf, -inf, a negative value, a raw 8-byte
 * double, or a plausible reading scaled from the next byte (so that the
 * table's edges are reachable). Counts may be negative or huge; dates range
 * ±1,000,000 days around 1970 (far beyond what the API lets in); declared
 * codes are real codes of the table, unknown strings, NULLs and repeats, up
 * to 300 of them (more than RISK_MAX_FACTORS).
 * Checks, beyond "no crash, no sanitizer report": colour in green..red,
 * n ≤ RISK_MAX_FACTORS, every listed row is a row of the table and listed
 * once, rows are ordered red, orange, yellow, green, purple, the colour is
 * the highest listed colour, purple iff a purple row is listed, every known
 * declared code is listed as declared and nothing else is, and grading is
 * deterministic. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/risk.h"

#ifndef FUYOU_SOURCE_DIR
#define FUYOU_SOURCE_DIR "."
#endif

#define CHECK(cond)                                                                                                \
    do {                                                                                                           \
        if (!(cond)) {                                                                                             \
            fprintf(stderr, "fuzz_risk: check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);                  \
            abort();                                                                                               \
        }                                                                                                          \
    } while (0)

static risk_criteria_t *crit;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const char *dir = getenv("FUYOU_FUZZ_DATA");
    char path[1024], err[512];
    snprintf(path, sizeof path, "%s/risk/criteria-2017.json", dir ? dir : FUYOU_SOURCE_DIR "/data");
    if (risk_criteria_load(path, &crit, err, sizeof err)) {
        fprintf(stderr, "fuzz_risk: %s: %s\n", path, err);
        exit(1);
    }
    return 0;
}

typedef struct {
    const uint8_t *p;
    size_t n;
} in_t;

static uint8_t u8(in_t *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

static uint32_t u32(in_t *in)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v = v << 8 | u8(in);
    return v;
}

static double number(in_t *in, double typical)
{
    switch (u8(in) % 8) {
    case 0: return NAN;
    case 1: return INFINITY;
    case 2: return -INFINITY;
    case 3: return -(double)u8(in) - 0.5;
    case 4: {
        uint64_t bits = (uint64_t)u32(in) << 32 | u32(in);
        double d;
        memcpy(&d, &bits, sizeof d);
        return d;
    }
    case 5: return 0;
    default: return typical * (double)u8(in) / 128.0 + (double)(u8(in) % 10) / 10.0;
    }
}

static int count(in_t *in)
{
    switch (u8(in) % 6) {
    case 0: return -1;
    case 1: return (int)u32(in);
    case 2: return -(int)(u8(in)) - 2;
    default: return u8(in) % 8;
    }
}

static fy_date_t date(in_t *in, fy_date_t around)
{
    if (u8(in) % 4 == 0)
        return (fy_date_t)((int64_t)u32(in) % 1000001);
    return around - (fy_date_t)(u32(in) % 20000) + 10000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    in_t in = {data, size};
    risk_input_t ri;
    risk_input_init(&ri);
    ri.on_date = date(&in, fy_date_from_civil(2025, 6, 15));
    ri.has_birth_date = u8(&in) & 1;
    ri.birth_date = date(&in, ri.on_date - 30 * 365);
    uint8_t b = u8(&in);
    ri.ga_days = b & 1 ? -1 : (b & 2 ? (int)u32(&in) : u8(&in) * 2);
    ri.postpartum = b & 4;
    ri.assisted_reproduction = b & 8;
    ri.has_last_uterine_surgery = b & 16;
    ri.height_cm = number(&in, 160);
    ri.weight_kg = number(&in, 60);
    ri.hb_g_l = number(&in, 110);
    ri.plt_10e9_l = number(&in, 150);
    ri.creatinine_umol_l = number(&in, 80);
    ri.creatinine_uln_umol_l = number(&in, 90);
    ri.spo2_percent = number(&in, 95);
    ri.ef_percent = number(&in, 55);
    ri.pasp_mmhg = number(&in, 40);
    ri.fasting_glucose_mmol_l = number(&in, 5.1);
    ri.sbp = number(&in, 130);
    ri.dbp = number(&in, 85);
    ri.epds_score = number(&in, 12);
    ri.fetuses = count(&in);
    ri.previous_caesareans = count(&in);
    ri.other_uterine_operations = count(&in);
    ri.previous_miscarriages = count(&in);
    ri.last_uterine_surgery_date = date(&in, ri.on_date - 700);
    b = u8(&in);
    ri.hiv = (risk_lab_t)(b % 3);
    ri.syphilis = (risk_lab_t)(b / 3 % 3);
    ri.hbsag = (risk_lab_t)(b / 9 % 3);

    /* declared codes */
    size_t nrows = risk_criteria_count(crit);
    size_t nd = u8(&in);
    if (nd > 200)
        nd = 300;
    const char **decl = calloc(nd ? nd : 1, sizeof *decl);
    char (*unknown)[24] = calloc(nd ? nd : 1, sizeof *unknown);
    for (size_t i = 0; i < nd; i++) {
        uint8_t k = u8(&in);
        if (k < 200) {
            decl[i] = risk_criteria_at(crit, (k + i) % nrows)->code;
        } else if (k < 240) {
            size_t len = u8(&in) % sizeof unknown[i];
            for (size_t j = 0; j < len; j++)
                unknown[i][j] = (char)(u8(&in) | 1);
            unknown[i][len] = 0;
            decl[i] = unknown[i];
        } else {
            decl[i] = NULL;
        }
    }
    ri.declared = decl;
    ri.n_declared = nd;

    static risk_result_t r1, r2;
    CHECK(risk_grade(crit, &ri, &r1) == 0);
    CHECK(risk_grade(NULL, &ri, &r2) == -1 && risk_grade(crit, NULL, &r2) == -1 && risk_grade(crit, &ri, NULL) == -1);

    CHECK(r1.color >= RISK_GREEN && r1.color <= RISK_RED);
    CHECK(r1.n <= RISK_MAX_FACTORS);
    CHECK(r1.n <= nrows);
    static const risk_color_t ORDER[] = {RISK_RED, RISK_ORANGE, RISK_YELLOW, RISK_GREEN, RISK_PURPLE};
    size_t rank = 0;
    risk_color_t top = RISK_GREEN;
    bool purple = false;
    for (size_t i = 0; i < r1.n; i++) {
        const risk_match_t *m = &r1.factors[i];
        CHECK(m->def != NULL);
        CHECK(risk_criteria_find(crit, m->def->code) == m->def);
        CHECK(m->derived || m->declared);
        if (m->derived)
            CHECK(m->def->derivable);
        while (rank < 5 && ORDER[rank] != m->def->color)
            rank++;
        CHECK(rank < 5); /* colours in order, each a known colour */
        for (size_t j = 0; j < i; j++)
            CHECK(r1.factors[j].def != m->def);
        if (m->def->color == RISK_PURPLE)
            purple = true;
        else if (m->def->color > top)
            top = m->def->color;
        bool sent = false;
        for (size_t k = 0; k < nd; k++)
            if (decl[k] && strcmp(decl[k], m->def->code) == 0)
                sent = true;
        CHECK(m->declared == sent);
    }
    CHECK(r1.color == top);
    CHECK(r1.purple == purple);
    /* every known declared code is listed */
    for (size_t k = 0; k < nd; k++) {
        if (!decl[k] || !risk_criteria_find(crit, decl[k]))
            continue;
        bool listed = false;
        for (size_t i = 0; i < r1.n; i++)
            if (strcmp(r1.factors[i].def->code, decl[k]) == 0)
                listed = r1.factors[i].declared;
        CHECK(listed);
    }
    /* deterministic */
    CHECK(risk_grade(crit, &ri, &r2) == 0);
    CHECK(r2.color == r1.color && r2.purple == r1.purple && r2.n == r1.n);
    for (size_t i = 0; i < r1.n; i++)
        CHECK(r1.factors[i].def == r2.factors[i].def && r1.factors[i].derived == r2.factors[i].derived &&
              r1.factors[i].declared == r2.factors[i].declared);
    CHECK(risk_color_name(r1.color)[0] && risk_color_label_zh(r1.color)[0]);

    free(decl);
    free(unknown);
    return 0;
}
