/* libFuzzer target: the rule-table loaders — fuyou's import parsers — given
 * arbitrary text as the file they read.
 *
 * Input: [selector byte][file text]. The selector picks the loader:
 *   0 schedule_load        (data/schedules/NAME.json)
 *   1 risk_criteria_load   (data/risk/criteria-2017.json)
 *   2 ind_load             (data/indicators.json)
 *   3 refdata_load         districts.json fuzzed, the real institutions.json
 *   4 refdata_load         institutions.json fuzzed, the real districts.json
 *   5 screening_rules_load (data/screening/panels.json)
 *   6 ch_signs_load        (data/development/warning-signs.json)
 * The text is written to a file in a temporary directory and loaded from
 * there. Checks, beyond "no crash, no sanitizer report, no leak":
 *   - a refusal writes a NUL-terminated message and leaves *out NULL or
 *     untouched (each loader's contract);
 *   - an accepted table is used the way the application uses it (every row,
 *     every lookup, a grading, a plan, a computation) and unique codes are
 *     found again by their code. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain/child_health.h"
#include "domain/indicators.h"
#include "domain/refdata.h"
#include "domain/risk.h"
#include "domain/schedule.h"
#include "domain/screening.h"

#ifndef FUYOU_SOURCE_DIR
#define FUYOU_SOURCE_DIR "."
#endif

#define CHECK(cond)                                                                                                \
    do {                                                                                                           \
        if (!(cond)) {                                                                                             \
            fprintf(stderr, "fuzz_loaders: check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);               \
            abort();                                                                                               \
        }                                                                                                          \
    } while (0)

static char tmp[PATH_MAX];          /* the temporary directory */
static char file_path[PATH_MAX];    /* tmp/f.json: single-file loaders */
static char dir_d[PATH_MAX];        /* tmp/d: fuzzed districts.json + real institutions.json */
static char dir_i[PATH_MAX];        /* tmp/i: real districts.json + fuzzed institutions.json */
static char dir_s[PATH_MAX];        /* tmp/s: screening/panels.json fuzzed */
static char *real_districts, *real_institutions;
static size_t real_districts_len, real_institutions_len;

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "fuzz_loaders: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    if (fread(p, 1, (size_t)n, f) != (size_t)n)
        exit(1);
    fclose(f);
    p[n] = 0;
    *len = (size_t)n;
    return p;
}

static void put(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(p, 1, n, f) != n)) {
        fprintf(stderr, "fuzz_loaders: cannot write %s: %s\n", path, strerror(errno));
        exit(1);
    }
    fclose(f);
}

static void cleanup(void)
{
    char p[PATH_MAX + 64];
    const char *files[] = {"f.json", "d/districts.json", "d/institutions.json", "i/districts.json",
                           "i/institutions.json", "s/screening/panels.json"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", tmp, files[i]);
        unlink(p);
    }
    const char *dirs[] = {"s/screening", "s", "d", "i", ""};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", tmp, dirs[i]);
        rmdir(p);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const char *data = getenv("FUYOU_FUZZ_DATA");
    if (!data)
        data = FUYOU_SOURCE_DIR "/data";
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/districts.json", data);
    real_districts = slurp(p, &real_districts_len);
    snprintf(p, sizeof p, "%s/institutions.json", data);
    real_institutions = slurp(p, &real_institutions_len);

    const char *t = getenv("TMPDIR");
    snprintf(tmp, sizeof tmp, "%s/fuyou-fuzz-loaders-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmp)) {
        perror("fuzz_loaders: mkdtemp");
        exit(1);
    }
    atexit(cleanup);
    snprintf(file_path, sizeof file_path, "%s/f.json", tmp);
    snprintf(dir_d, sizeof dir_d, "%s/d", tmp);
    snprintf(dir_i, sizeof dir_i, "%s/i", tmp);
    snprintf(dir_s, sizeof dir_s, "%s/s", tmp);
    mkdir(dir_d, 0700);
    mkdir(dir_i, 0700);
    mkdir(dir_s, 0700);
    snprintf(p, sizeof p, "%s/screening", dir_s);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/institutions.json", dir_d);
    put(p, real_institutions, real_institutions_len);
    snprintf(p, sizeof p, "%s/districts.json", dir_i);
    put(p, real_districts, real_districts_len);
    return 0;
}

static void err_ok(const char *err, size_t cap)
{
    CHECK(memchr(err, 0, cap) != NULL);
}

/* ---- each loader, then the table in use ---------------------------------- */

static void use_schedule(const schedule_t *s)
{
    CHECK(schedule_id(s) != NULL);
    (void)schedule_version(s), (void)schedule_name(s), (void)schedule_source(s);
    schedule_start_t st = schedule_start(s);
    CHECK(st == SCHEDULE_FROM_LMP || st == SCHEDULE_FROM_BIRTH);
    size_t n = schedule_count(s);
    CHECK(schedule_at(s, n) == NULL);
    fy_date_t start = fy_date_from_civil(2024, 1, 31);
    fy_date_t visits[8];
    for (size_t i = 0; i < n; i++) {
        const schedule_window_t *w = schedule_at(s, i);
        CHECK(w != NULL);
        CHECK(schedule_find_seq(s, w->seq) == (int)i);
        for (size_t k = 0; k < w->n_tests; k++) {
            fy_date_t from, to;
            CHECK(w->tests[k].code != NULL);
            schedule_test_dates(w, &w->tests[k], start, &from, &to);
        }
        fy_date_t from, to;
        schedule_window_dates(w, start, &from, &to);
        if (i < 8)
            visits[i] = from;
    }
    size_t nv = n < 8 ? n : 8;
    schedule_slot_t *slots = calloc(n ? n : 1, sizeof *slots);
    fy_date_t today = start + 400;
    CHECK(schedule_plan(s, start, visits, nv, today, slots, n) == n);
    CHECK(schedule_plan(s, start, visits, nv, today, NULL, 0) == n);
    int next = schedule_next_due(slots, n, today);
    CHECK(next >= -1 && next < (int)n);
    size_t idx[4];
    size_t over = schedule_overdue(slots, n, idx, 4);
    CHECK(over <= n);
    free(slots);
}

static void use_risk(const risk_criteria_t *c)
{
    (void)risk_criteria_version(c), (void)risk_criteria_effective(c);
    size_t n = risk_criteria_count(c);
    CHECK(n <= RISK_MAX_FACTORS);
    CHECK(risk_criteria_at(c, n) == NULL);
    const char **codes = calloc(n ? n : 1, sizeof *codes);
    for (size_t i = 0; i < n; i++) {
        const risk_factor_def_t *d = risk_criteria_at(c, i);
        CHECK(d && d->code && d->text && d->source && d->mark);
        CHECK(d->color >= RISK_GREEN && d->color <= RISK_PURPLE);
        CHECK(risk_criteria_find(c, d->code) == d); /* codes are unique */
        codes[i] = d->code;
    }
    static risk_result_t r;
    risk_input_t in;
    risk_input_init(&in);
    in.on_date = fy_date_from_civil(2025, 6, 15);
    CHECK(risk_grade(c, &in, &r) == 0 && r.n <= RISK_MAX_FACTORS);
    /* everything at once: every code declared, extreme readings */
    in.birth_date = fy_date_from_civil(1980, 2, 29);
    in.has_birth_date = true;
    in.ga_days = 200;
    in.height_cm = 140, in.weight_kg = 95, in.hb_g_l = 50, in.plt_10e9_l = 40, in.sbp = 170, in.dbp = 115;
    in.creatinine_umol_l = 300, in.creatinine_uln_umol_l = 90, in.spo2_percent = 85, in.ef_percent = 30;
    in.pasp_mmhg = 80, in.fasting_glucose_mmol_l = 9, in.epds_score = 20;
    in.fetuses = 3, in.previous_caesareans = 2, in.other_uterine_operations = 1, in.previous_miscarriages = 3;
    in.has_last_uterine_surgery = true, in.last_uterine_surgery_date = in.on_date - 200;
    in.assisted_reproduction = true, in.hiv = in.syphilis = in.hbsag = RISK_LAB_POSITIVE;
    in.declared = codes;
    in.n_declared = n;
    CHECK(risk_grade(c, &in, &r) == 0);
    CHECK(r.n <= RISK_MAX_FACTORS && r.n <= n && r.color <= RISK_RED);
    free(codes);
}

static void use_indicators(const ind_set_t *s)
{
    (void)ind_version(s);
    size_t n = ind_count(s);
    int64_t counts[IND_MEASURE_COUNT];
    bool has[IND_MEASURE_COUNT];
    for (int m = 0; m < IND_MEASURE_COUNT; m++) {
        counts[m] = m * 7;
        has[m] = m % 5 != 0;
        CHECK(ind_measure_parse(ind_measure_name((ind_measure_t)m)) == m);
    }
    for (size_t i = 0; i < n; i++) {
        const ind_def_t *d = ind_at(s, i);
        CHECK(d && d->id);
        CHECK((int)d->numerator >= 0 && d->numerator < IND_MEASURE_COUNT);
        CHECK((int)d->denominator >= 0 && d->denominator < IND_MEASURE_COUNT);
        ind_value_t v = ind_compute(d, counts, has);
        CHECK(!v.collected || v.denominator <= 0 || !isnan(v.value) || !isfinite(d->multiplier));
    }
}

static void use_refdata(const refdata_t *r)
{
    (void)refdata_version(r);
    size_t nd = refdata_district_count(r), ni = refdata_institution_count(r);
    for (size_t i = 0; i < nd; i++) {
        const ref_district_t *d = refdata_district_at(r, i);
        CHECK(d && d->code && d->name);
        const ref_district_t *again = refdata_district(r, d->code);
        CHECK(again && strcmp(again->code, d->code) == 0);
    }
    for (size_t i = 0; i < ni; i++) {
        const ref_institution_t *x = refdata_institution_at(r, i);
        CHECK(x && x->id && x->name);
        const ref_institution_t *again = refdata_institution(r, x->id);
        CHECK(again && strcmp(again->id, x->id) == 0);
        for (unsigned bit = 1; bit <= INST_NEWBORN_RESCUE_CENTER; bit <<= 1)
            if (x->types & bit)
                CHECK(refdata_type_name(bit) && refdata_type_label_zh(bit));
    }
    CHECK(refdata_district(r, "no-such") == NULL && refdata_institution(r, "no-such") == NULL);
    (void)refdata_district(r, NULL), (void)refdata_institution(r, NULL);
}

static void use_screening(const screening_rules_t *r)
{
    (void)screening_version(r);
    size_t n = screening_kind_count(r);
    CHECK(screening_kind_at(r, n) == NULL);
    for (size_t i = 0; i < n; i++) {
        const scr_kind_t *k = screening_kind_at(r, i);
        CHECK(k && k->kind && k->name);
        CHECK(screening_kind(r, k->kind) != NULL);
        for (size_t j = 0; j < k->npanels; j++)
            CHECK(screening_panel(k, k->panels[j].id) != NULL);
        (void)screening_panel(k, "basic");
        (void)screening_sample_early(k, 0, 3600 * 1000);
        (void)screening_required(r, k->kind);
    }
    static const char *const results[] = {"negative", "positive", "refer", "pass", "not_done", "refused", "",
                                          ",", ",negative", "negative,", "a,b", "neg"};
    for (size_t i = 0; i < sizeof results / sizeof results[0]; i++) {
        (void)screening_opens_recall(r, results[i]);
        (void)screening_counts_as_screened(r, results[i]);
        (void)screening_required(r, results[i]);
    }
    (void)screening_opens_recall(r, NULL);
    CHECK(screening_screened_csv(r) != NULL);
    (void)screening_unscreened_after_days(r), (void)screening_unscreened_window_days(r);
}

static void use_signs(const ch_signs_t *s)
{
    (void)ch_signs_version(s), (void)ch_signs_name(s), (void)ch_signs_source(s), (void)ch_signs_rule(s);
    size_t n = ch_signs_count(s);
    CHECK(ch_signs_at(s, n) == NULL);
    for (size_t i = 0; i < n; i++) {
        const ch_band_t *b = ch_signs_at(s, i);
        CHECK(b && b->band);
        CHECK(ch_signs_band(s, b->band) == b); /* band codes are unique */
        for (size_t k = 0; k < b->n_items; k++) {
            const ch_band_t *in = NULL;
            CHECK(b->items[k].code);
            CHECK(ch_signs_find(s, b->items[k].code, &in) == &b->items[k] && in == b); /* item codes too */
        }
    }
    CHECK(ch_signs_find(s, "no-such", NULL) == NULL);
    (void)ch_band_for(s, NULL, fy_date_from_civil(2024, 1, 31), fy_date_from_civil(2025, 6, 15));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t *text = data + 1;
    size_t len = size - 1;
    char err[256];
    memset(err, 'E', sizeof err);
    char p[PATH_MAX + 64];
    switch (data[0] % 7) {
    case 0: {
        put(file_path, text, len);
        schedule_t *s = (schedule_t *)1;
        int rc = schedule_load(file_path, &s, err, sizeof err);
        if (rc == SCHEDULE_OK) {
            CHECK(s != NULL);
            use_schedule(s);
            schedule_free(s);
        } else {
            CHECK(rc == SCHEDULE_ERR_IO || rc == SCHEDULE_ERR_JSON || rc == SCHEDULE_ERR_CONTENT ||
                  rc == SCHEDULE_ERR_NOMEM);
            CHECK(s == NULL);
            err_ok(err, sizeof err);
        }
        break;
    }
    case 1: {
        put(file_path, text, len);
        risk_criteria_t *c = (risk_criteria_t *)1;
        if (risk_criteria_load(file_path, &c, err, sizeof err) == 0) {
            CHECK(c != NULL && c != (risk_criteria_t *)1);
            use_risk(c);
            risk_criteria_free(c);
        } else {
            CHECK(c == (risk_criteria_t *)1); /* untouched */
            err_ok(err, sizeof err);
        }
        break;
    }
    case 2: {
        put(file_path, text, len);
        ind_set_t *s = NULL;
        if (ind_load(file_path, &s, err, sizeof err) == 0) {
            CHECK(s != NULL);
            use_indicators(s);
            ind_free(s);
        } else {
            err_ok(err, sizeof err);
            ind_free(s);
        }
        break;
    }
    case 3:
    case 4: {
        const char *dir = data[0] % 7 == 3 ? dir_d : dir_i;
        snprintf(p, sizeof p, "%s/%s", dir, data[0] % 7 == 3 ? "districts.json" : "institutions.json");
        put(p, text, len);
        refdata_t *r = NULL;
        if (refdata_load(dir, &r, err, sizeof err) == 0) {
            CHECK(r != NULL);
            use_refdata(r);
            refdata_free(r);
        } else {
            err_ok(err, sizeof err);
            refdata_free(r);
        }
        break;
    }
    case 5: {
        snprintf(p, sizeof p, "%s/screening/panels.json", dir_s);
        put(p, text, len);
        screening_rules_t *r = NULL;
        if (screening_rules_load(dir_s, &r, err, sizeof err) == 0) {
            CHECK(r != NULL);
            use_screening(r);
            screening_rules_free(r);
        } else {
            err_ok(err, sizeof err);
            screening_rules_free(r);
        }
        break;
    }
    case 6: {
        put(file_path, text, len);
        ch_signs_t *s = (ch_signs_t *)1;
        if (ch_signs_load(file_path, &s, err, sizeof err) == 0) {
            CHECK(s != NULL && s != (ch_signs_t *)1);
            use_signs(s);
            ch_signs_free(s);
        } else {
            CHECK(s == NULL);
            err_ok(err, sizeof err);
        }
        break;
    }
    }
    return 0;
}
