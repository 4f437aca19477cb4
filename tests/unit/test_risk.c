/* Tests for domain/risk.c: the 2017 table's edges (docs/domain.md §5.1),
 * colour combination, declared factors and the loader's checks. Run from the
 * repository root so that data/risk/criteria-2017.json is found. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/risk.h"

#define CRITERIA "data/risk/criteria-2017.json"

static risk_criteria_t *C;

static int load_table(void **state)
{
    (void)state;
    char err[512];
    if (risk_criteria_load(CRITERIA, &C, err, sizeof err) < 0) {
        fprintf(stderr, "cannot load %s: %s\n", CRITERIA, err);
        return -1;
    }
    return 0;
}

static int free_table(void **state)
{
    (void)state;
    risk_criteria_free(C);
    return 0;
}

/* A woman graded on 2025-06-15 with nothing known. */
static risk_input_t blank(void)
{
    risk_input_t in;
    risk_input_init(&in);
    in.on_date = fy_date_from_civil(2025, 6, 15);
    return in;
}

static void join_codes(const risk_result_t *r, char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < r->n; i++) {
        if (i)
            strncat(buf, ",", len - strlen(buf) - 1);
        strncat(buf, r->factors[i].def->code, len - strlen(buf) - 1);
    }
}

/* Grades `in` and checks the colour, the purple flag and the exact list of
 * factors in result order ("" for none). */
#define EXPECT(in, color, purple, codes) expect_at(&(in), (color), (purple), (codes), __LINE__)

static void expect_at(const risk_input_t *in, risk_color_t color, bool purple, const char *codes, int line)
{
    risk_result_t r;
    assert_int_equal(risk_grade(C, in, &r), 0);
    char got[2048];
    join_codes(&r, got, sizeof got);
    if (r.color != color || r.purple != purple || strcmp(got, codes) != 0) {
        print_error("line %d: expected %s%s [%s], got %s%s [%s]\n", line, risk_color_name(color),
                    purple ? "+purple" : "", codes, risk_color_name(r.color), r.purple ? "+purple" : "", got);
        fail();
    }
}

static const risk_match_t *find_match(const risk_result_t *r, const char *code)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->factors[i].def->code, code) == 0)
            return &r->factors[i];
    return NULL;
}

/* ------------------------------------------------------------ the table */

static void test_table_loads_with_sources_and_marks(void **state)
{
    (void)state;
    assert_string_equal(risk_criteria_version(C), "2017");
    assert_true(risk_criteria_count(C) >= 100);
    assert_null(risk_criteria_at(C, risk_criteria_count(C)));
    int per_color[5] = {0}, s = 0, u = 0;
    const char *prefix = "国卫办妇幼发〔2017〕35号 附件2 ";
    for (size_t i = 0; i < risk_criteria_count(C); i++) {
        const risk_factor_def_t *d = risk_criteria_at(C, i);
        assert_non_null(d);
        assert_true(strncmp(d->source, prefix, strlen(prefix)) == 0);
        /* The clause names the row's own colour, e.g. "... 附件2 橙色 2.6.1". */
        const char *zh[] = {"绿色", "黄色", "橙色", "红色", "紫色"};
        assert_non_null(strstr(d->source, zh[d->color]));
        assert_true(strlen(d->text) > 0 && strlen(d->category) > 0);
        if (strcmp(d->mark, "S") == 0)
            s++;
        else if (strcmp(d->mark, "U") == 0)
            u++;
        else
            fail_msg("factor %s: mark %s", d->code, d->mark);
        per_color[d->color]++;
        assert_ptr_equal(risk_criteria_find(C, d->code), d);
    }
    assert_true(s > 0 && u > 0);
    for (int k = 0; k < 5; k++)
        assert_true(per_color[k] > 0);
    assert_null(risk_criteria_find(C, "no_such_code"));
    assert_null(risk_criteria_find(C, NULL));
}

/* The derivable rows, their colours and marks: a rule added to or dropped
 * from the file without a test here fails. */
static void test_table_derivable_rows(void **state)
{
    (void)state;
    static const struct {
        const char *code;
        risk_color_t color;
        const char *mark;
    } want[] = {
        {"age_35_plus_or_18_minus", RISK_YELLOW, "S"},
        {"bmi_over_25_or_under_18_5", RISK_YELLOW, "S"},
        {"miscarriages_3_plus", RISK_YELLOW, "S"},
        {"scarred_uterus", RISK_YELLOW, "S"},
        {"assisted_reproduction", RISK_YELLOW, "S"},
        {"fasting_glucose_high", RISK_YELLOW, "U"},
        {"plt_50_100", RISK_YELLOW, "S"},
        {"hb_60_110", RISK_YELLOW, "S"},
        {"twins", RISK_YELLOW, "U"},
        {"gestational_hypertension", RISK_YELLOW, "U"},
        {"age_40_plus", RISK_ORANGE, "S"},
        {"bmi_28_plus", RISK_ORANGE, "S"},
        {"ef_40_50", RISK_ORANGE, "S"},
        {"pasp_30_50", RISK_ORANGE, "U"},
        {"creatinine_above_uln", RISK_ORANGE, "S"},
        {"plt_30_50", RISK_ORANGE, "S"},
        {"hb_40_60", RISK_ORANGE, "S"},
        {"triplets_plus", RISK_ORANGE, "U"},
        {"scar_lt_18m", RISK_ORANGE, "U"},
        {"uterine_surgery_2_plus", RISK_ORANGE, "S"},
        {"severe_hypertension_bp", RISK_ORANGE, "U"},
        {"postpartum_depression", RISK_ORANGE, "U"},
        {"pasp_50_plus", RISK_RED, "S"},
        {"cyanotic_spo2_under_90", RISK_RED, "U"},
        {"ef_under_40", RISK_RED, "U"},
        {"creatinine_over_1_5_uln", RISK_RED, "U"},
        {"plt_under_30", RISK_RED, "U"},
        {"hb_40_minus", RISK_RED, "U"},
        {"hbsag_positive", RISK_PURPLE, "S"},
        {"syphilis_positive", RISK_PURPLE, "S"},
        {"hiv_positive", RISK_PURPLE, "S"},
    };
    size_t n_derivable = 0;
    for (size_t i = 0; i < risk_criteria_count(C); i++)
        n_derivable += risk_criteria_at(C, i)->derivable;
    assert_int_equal(n_derivable, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const risk_factor_def_t *d = risk_criteria_find(C, want[i].code);
        if (!d)
            fail_msg("missing %s", want[i].code);
        assert_true(d->derivable);
        assert_int_equal(d->color, want[i].color);
        assert_string_equal(d->mark, want[i].mark);
    }
    /* A few declared rows named in domain.md §5.1. */
    const risk_factor_def_t *d = risk_criteria_find(C, "severe_preeclampsia");
    assert_non_null(d);
    assert_int_equal(d->color, RISK_ORANGE);
    assert_false(d->derivable);
    assert_non_null(strstr(d->text, "重度子痫前期"));
    d = risk_criteria_find(C, "pernicious_placenta_praevia");
    assert_non_null(d);
    assert_int_equal(d->color, RISK_RED);
    assert_string_equal(d->mark, "U");
    d = risk_criteria_find(C, "drug_use_history");
    assert_non_null(d);
    assert_string_equal(d->mark, "U");
}

static void test_color_names(void **state)
{
    (void)state;
    assert_string_equal(risk_color_name(RISK_GREEN), "green");
    assert_string_equal(risk_color_name(RISK_PURPLE), "purple");
    assert_string_equal(risk_color_name((risk_color_t)9), "invalid");
    assert_string_equal(risk_color_label_zh(RISK_ORANGE), "橙色 较高风险");
    assert_string_equal(risk_color_label_zh(RISK_PURPLE), "紫色 传染病");
    risk_color_t c = RISK_GREEN;
    assert_int_equal(risk_color_parse("red", &c), 0);
    assert_int_equal(c, RISK_RED);
    assert_int_equal(risk_color_parse("pink", &c), -1);
    assert_int_equal(risk_color_parse(NULL, &c), -1);
}

/* ----------------------------------------------------- derivable edges */

static void test_nothing_known_is_green(void **state)
{
    (void)state;
    risk_input_t in = blank();
    EXPECT(in, RISK_GREEN, false, "");
}

static void test_all_normal_is_green(void **state)
{
    (void)state;
    risk_input_t in = blank();
    in.birth_date = fy_date_from_civil(1995, 1, 1);
    in.has_birth_date = true;
    in.ga_days = 100;
    in.height_cm = 162, in.weight_kg = 56;
    in.hb_g_l = 125, in.plt_10e9_l = 210;
    in.creatinine_umol_l = 60, in.creatinine_uln_umol_l = 80;
    in.spo2_percent = 98, in.ef_percent = 65, in.pasp_mmhg = 22;
    in.fasting_glucose_mmol_l = 4.6, in.sbp = 115, in.dbp = 75, in.epds_score = 4;
    in.fetuses = 1, in.previous_caesareans = 0, in.other_uterine_operations = 0;
    in.previous_miscarriages = 1;
    in.hiv = in.syphilis = in.hbsag = RISK_LAB_NEGATIVE;
    EXPECT(in, RISK_GREEN, false, "");
}

static risk_input_t born(int y, int m, int d)
{
    risk_input_t in = blank(); /* graded on 2025-06-15 */
    in.birth_date = fy_date_from_civil(y, m, d);
    in.has_birth_date = true;
    return in;
}

static void test_age_edges(void **state)
{
    (void)state;
    risk_input_t in = born(1990, 6, 15); /* 35 today */
    EXPECT(in, RISK_YELLOW, false, "age_35_plus_or_18_minus");
    in = born(1990, 6, 16); /* 34 until tomorrow */
    EXPECT(in, RISK_GREEN, false, "");
    in = born(1985, 6, 15); /* 40: only the orange age row */
    EXPECT(in, RISK_ORANGE, false, "age_40_plus");
    in = born(1985, 6, 16); /* 39 */
    EXPECT(in, RISK_YELLOW, false, "age_35_plus_or_18_minus");
    in = born(2007, 6, 15); /* 18 */
    EXPECT(in, RISK_YELLOW, false, "age_35_plus_or_18_minus");
    in = born(2006, 6, 16); /* still 18 */
    EXPECT(in, RISK_YELLOW, false, "age_35_plus_or_18_minus");
    in = born(2006, 6, 15); /* 19 */
    EXPECT(in, RISK_GREEN, false, "");
    in = born(2026, 1, 1); /* birth after the grading date: bad data, not "≤ 18" */
    EXPECT(in, RISK_GREEN, false, "");
    in = born(1980, 1, 1);
    in.has_birth_date = false;
    EXPECT(in, RISK_GREEN, false, "");
}

static risk_input_t bmi(double height_cm, double weight_kg)
{
    risk_input_t in = blank();
    in.height_cm = height_cm;
    in.weight_kg = weight_kg;
    return in;
}

static void test_bmi_edges(void **state)
{
    (void)state;
    /* 160 cm: weight / 2.56 */
    risk_input_t in = bmi(160, 64.0); /* 25.0 */
    EXPECT(in, RISK_GREEN, false, "");
    in = bmi(160, 64.1); /* 25.04 rounds to 25.0 */
    EXPECT(in, RISK_GREEN, false, "");
    in = bmi(160, 64.25); /* 25.098 rounds to 25.1 */
    EXPECT(in, RISK_YELLOW, false, "bmi_over_25_or_under_18_5");
    in = bmi(160, 71.5); /* 27.93 -> 27.9 */
    EXPECT(in, RISK_YELLOW, false, "bmi_over_25_or_under_18_5");
    in = bmi(160, 71.6); /* 27.97 rounds to 28.0 */
    EXPECT(in, RISK_ORANGE, false, "bmi_28_plus");
    in = bmi(160, 71.68); /* 28.0 */
    EXPECT(in, RISK_ORANGE, false, "bmi_28_plus");
    in = bmi(160, 47.36); /* 18.5 */
    EXPECT(in, RISK_GREEN, false, "");
    in = bmi(160, 47.3); /* 18.477 rounds to 18.5 */
    EXPECT(in, RISK_GREEN, false, "");
    in = bmi(160, 47.2); /* 18.44 -> 18.4 */
    EXPECT(in, RISK_YELLOW, false, "bmi_over_25_or_under_18_5");
    in = bmi(0, 47.2); /* no height, no BMI */
    EXPECT(in, RISK_GREEN, false, "");
    in = bmi(160, NAN);
    EXPECT(in, RISK_GREEN, false, "");
}

static risk_input_t hb(double v)
{
    risk_input_t in = blank();
    in.hb_g_l = v;
    return in;
}

static void test_hb_edges(void **state)
{
    (void)state;
    risk_input_t in = hb(110);
    EXPECT(in, RISK_GREEN, false, "");
    in = hb(109.9);
    EXPECT(in, RISK_YELLOW, false, "hb_60_110");
    in = hb(109);
    EXPECT(in, RISK_YELLOW, false, "hb_60_110");
    in = hb(60);
    EXPECT(in, RISK_YELLOW, false, "hb_60_110");
    in = hb(59.9);
    EXPECT(in, RISK_ORANGE, false, "hb_40_60");
    in = hb(59);
    EXPECT(in, RISK_ORANGE, false, "hb_40_60");
    in = hb(41);
    EXPECT(in, RISK_ORANGE, false, "hb_40_60");
    in = hb(40);
    EXPECT(in, RISK_RED, false, "hb_40_minus");
    in = hb(35); /* only the red Hb row */
    EXPECT(in, RISK_RED, false, "hb_40_minus");
    in = hb(-1); /* a stray "unknown" marker is not a red Hb */
    EXPECT(in, RISK_GREEN, false, "");
}

static risk_input_t plt(double v)
{
    risk_input_t in = blank();
    in.plt_10e9_l = v;
    return in;
}

static void test_platelet_edges(void **state)
{
    (void)state;
    risk_input_t in = plt(101);
    EXPECT(in, RISK_GREEN, false, "");
    in = plt(100);
    EXPECT(in, RISK_YELLOW, false, "plt_50_100");
    in = plt(50);
    EXPECT(in, RISK_YELLOW, false, "plt_50_100");
    in = plt(49);
    EXPECT(in, RISK_ORANGE, false, "plt_30_50");
    in = plt(30);
    EXPECT(in, RISK_ORANGE, false, "plt_30_50");
    in = plt(29);
    EXPECT(in, RISK_RED, false, "plt_under_30");
    in = plt(5);
    EXPECT(in, RISK_RED, false, "plt_under_30");
}

static void test_pulmonary_pressure_edges(void **state)
{
    (void)state;
    risk_input_t in = blank();
    in.pasp_mmhg = 29;
    EXPECT(in, RISK_GREEN, false, "");
    in.pasp_mmhg = 30;
    EXPECT(in, RISK_ORANGE, false, "pasp_30_50");
    in.pasp_mmhg = 49;
    EXPECT(in, RISK_ORANGE, false, "pasp_30_50");
    in.pasp_mmhg = 50;
    EXPECT(in, RISK_RED, false, "pasp_50_plus");
    in.pasp_mmhg = 90;
    EXPECT(in, RISK_RED, false, "pasp_50_plus");
}

static void test_ef_edges(void **state)
{
    (void)state;
    risk_input_t in = blank();
    in.ef_percent = 60;
    EXPECT(in, RISK_GREEN, false, "");
    in.ef_percent = 50;
    EXPECT(in, RISK_GREEN, false, "");
    in.ef_percent = 49;
    EXPECT(in, RISK_ORANGE, false, "ef_40_50");
    in.ef_percent = 40;
    EXPECT(in, RISK_ORANGE, false, "ef_40_50");
    in.ef_percent = 39;
    EXPECT(in, RISK_RED, false, "ef_under_40");
}

static void test_spo2_edges(void **state)
{
    (void)state;
    risk_input_t in = blank();
    in.spo2_percent = 90;
    EXPECT(in, RISK_GREEN, false, "");
    in.spo2_percent = 89;
    EXPECT(in, RISK_RED, false, "cyanotic_spo2_under_90");
}

static void test_creatinine_edges(void **state)
{
    (void)state;
    risk_input_t in = blank();
    in.creatinine_uln_umol_l = 80;
    in.creatinine_umol_l = 80; /* at the upper normal: not above it */
    EXPECT(in, RISK_GREEN, false, "");
    in.creatinine_umol_l = 80.5;
    EXPECT(in, RISK_ORANGE, false, "creatinine_above_uln");
    in.creatinine_umol_l = 120; /* exactly 1.5 x */
    EXPECT(in, RISK_ORANGE, false, "creatinine_above_uln");
    in.creatinine_umol_l = 120.5; /* only the red row */
    EXPECT(in, RISK_RED, false, "creatinine_over_1_5_uln");
    in.creatinine_uln_umol_l = 100; /* the same value against another lab's range */
    EXPECT(in, RISK_ORANGE, false, "creatinine_above_uln");
    in.creatinine_uln_umol_l = NAN; /* without the lab's range nothing is derived */
    in.creatinine_umol_l = 400;
    EXPECT(in, RISK_GREEN, false, "");
}

static risk_input_t bp(double sbp, double dbp)
{
    risk_input_t in = blank();
    in.sbp = sbp;
    in.dbp = dbp;
    return in;
}

static void test_blood_pressure_edges(void **state)
{
    (void)state;
    risk_input_t in = bp(139, 89);
    EXPECT(in, RISK_GREEN, false, "");
    in = bp(140, 80);
    EXPECT(in, RISK_YELLOW, false, "gestational_hypertension");
    in = bp(120, 90);
    EXPECT(in, RISK_YELLOW, false, "gestational_hypertension");
    in = bp(159, 109);
    EXPECT(in, RISK_YELLOW, false, "gestational_hypertension");
    in = bp(160, 100);
    EXPECT(in, RISK_ORANGE, false, "severe_hypertension_bp");
    in = bp(150, 110);
    EXPECT(in, RISK_ORANGE, false, "severe_hypertension_bp");
    in = bp(145, NAN); /* one side measured is enough */
    EXPECT(in, RISK_YELLOW, false, "gestational_hypertension");
}

static void test_fetus_count_edges(void **state)
{
    (void)state;
    risk_input_t in = blank();
    in.fetuses = 1;
    EXPECT(in, RISK_GREEN, false, "");
    in.fetuses = 2;
    EXPECT(in, RISK_YELLOW, false, "twins");
    in.fetuses = 3;
    EXPECT(in, RISK_ORANGE, false, "triplets_plus");
    in.fetuses = 4;
    EXPECT(in, RISK_ORANGE, false, "triplets_plus");
}

static risk_input_t uterus(int caesareans, int other)
{
    risk_input_t in = blank();
    in.previous_caesareans = caesareans;
    in.other_uterine_operations = other;
    return in;
}

static void test_uterine_surgery_edges(void **state)
{
    (void)state;
    risk_input_t in = uterus(0, 0);
    EXPECT(in, RISK_GREEN, false, "");
    in = uterus(1, 0);
    EXPECT(in, RISK_YELLOW, false, "scarred_uterus");
    in = uterus(0, 1); /* a myomectomy scar is a scar too */
    EXPECT(in, RISK_YELLOW, false, "scarred_uterus");
    in = uterus(1, -1);
    EXPECT(in, RISK_YELLOW, false, "scarred_uterus");
    in = uterus(2, 0);
    EXPECT(in, RISK_ORANGE, false, "uterine_surgery_2_plus");
    in = uterus(1, 1);
    EXPECT(in, RISK_ORANGE, false, "uterine_surgery_2_plus");
    in = uterus(2, -1); /* other operations not asked: two caesareans suffice */
    EXPECT(in, RISK_ORANGE, false, "uterine_surgery_2_plus");

    /* Months from the last uterine surgery to 2025-06-15. */
    in = uterus(1, 0);
    in.has_last_uterine_surgery = true;
    in.last_uterine_surgery_date = fy_date_from_civil(2023, 12, 16); /* 17 months */
    EXPECT(in, RISK_ORANGE, false, "scar_lt_18m");
    in.last_uterine_surgery_date = fy_date_from_civil(2023, 12, 15); /* 18 months */
    EXPECT(in, RISK_YELLOW, false, "scarred_uterus");
    in.last_uterine_surgery_date = fy_date_from_civil(2024, 1, 15);
    in.previous_caesareans = 2; /* two orange rows of one group: both listed */
    EXPECT(in, RISK_ORANGE, false, "scar_lt_18m,uterine_surgery_2_plus");
    in = uterus(0, 0); /* a date without any operation is not a scar */
    in.has_last_uterine_surgery = true;
    in.last_uterine_surgery_date = fy_date_from_civil(2025, 1, 1);
    EXPECT(in, RISK_GREEN, false, "");
    in = uterus(1, 0); /* a surgery dated after the grading date is bad data */
    in.has_last_uterine_surgery = true;
    in.last_uterine_surgery_date = fy_date_from_civil(2025, 9, 1);
    EXPECT(in, RISK_YELLOW, false, "scarred_uterus");
}

static void test_miscarriage_and_art_edges(void **state)
{
    (void)state;
    risk_input_t in = blank();
    in.previous_miscarriages = 2;
    EXPECT(in, RISK_GREEN, false, "");
    in.previous_miscarriages = 3;
    EXPECT(in, RISK_YELLOW, false, "miscarriages_3_plus");
    in = blank();
    in.assisted_reproduction = true;
    EXPECT(in, RISK_YELLOW, false, "assisted_reproduction");
}

static void test_infection_labs_are_purple(void **state)
{
    (void)state;
    risk_input_t in = blank();
    in.hiv = in.syphilis = in.hbsag = RISK_LAB_NEGATIVE;
    EXPECT(in, RISK_GREEN, false, "");
    in.hiv = RISK_LAB_POSITIVE;
    EXPECT(in, RISK_GREEN, true, "hiv_positive");
    in.hiv = RISK_LAB_NEGATIVE;
    in.syphilis = RISK_LAB_POSITIVE;
    EXPECT(in, RISK_GREEN, true, "syphilis_positive");
    in.syphilis = RISK_LAB_UNKNOWN;
    in.hbsag = RISK_LAB_POSITIVE;
    EXPECT(in, RISK_GREEN, true, "hbsag_positive");
    in.hiv = in.syphilis = RISK_LAB_POSITIVE;
    EXPECT(in, RISK_GREEN, true, "hbsag_positive,syphilis_positive,hiv_positive");
}

static void test_fasting_glucose_edges(void **state)
{
    (void)state;
    risk_input_t in = blank();
    in.ga_days = 23 * 7 + 6;
    in.fasting_glucose_mmol_l = 6.9;
    EXPECT(in, RISK_GREEN, false, "");
    in.fasting_glucose_mmol_l = 7.0;
    EXPECT(in, RISK_YELLOW, false, "fasting_glucose_high");
    in.fasting_glucose_mmol_l = 5.5; /* before 24 weeks 5.5 is not abnormal */
    EXPECT(in, RISK_GREEN, false, "");
    in.ga_days = 24 * 7; /* from 24+0 the threshold is 5.1 */
    EXPECT(in, RISK_YELLOW, false, "fasting_glucose_high");
    in.fasting_glucose_mmol_l = 5.1;
    EXPECT(in, RISK_YELLOW, false, "fasting_glucose_high");
    in.fasting_glucose_mmol_l = 5.0;
    EXPECT(in, RISK_GREEN, false, "");
    in.ga_days = -1; /* GA unknown: only the threshold valid at any GA applies */
    in.fasting_glucose_mmol_l = 5.5;
    EXPECT(in, RISK_GREEN, false, "");
    in.fasting_glucose_mmol_l = 7.2;
    EXPECT(in, RISK_YELLOW, false, "fasting_glucose_high");
}

static void test_epds_postpartum(void **state)
{
    (void)state;
    risk_input_t in = blank();
    in.postpartum = true;
    in.epds_score = 12;
    EXPECT(in, RISK_GREEN, false, "");
    in.epds_score = 13;
    EXPECT(in, RISK_ORANGE, false, "postpartum_depression");
    in.postpartum = false; /* an antenatal EPDS is not postpartum depression */
    in.epds_score = 20;
    EXPECT(in, RISK_GREEN, false, "");
}

/* ------------------------------------------------------ combination */

static void test_highest_colour_wins(void **state)
{
    (void)state;
    risk_input_t in = born(1989, 1, 1); /* 36: yellow */
    EXPECT(in, RISK_YELLOW, false, "age_35_plus_or_18_minus");
    in.hb_g_l = 55; /* orange */
    EXPECT(in, RISK_ORANGE, false, "hb_40_60,age_35_plus_or_18_minus");
    in.plt_10e9_l = 25; /* red */
    EXPECT(in, RISK_RED, false, "plt_under_30,hb_40_60,age_35_plus_or_18_minus");
    in.hiv = RISK_LAB_POSITIVE;
    EXPECT(in, RISK_RED, true, "plt_under_30,hb_40_60,age_35_plus_or_18_minus,hiv_positive");
}

static void test_orange_and_purple(void **state)
{
    (void)state;
    risk_input_t in = bmi(160, 80); /* 31.3 */
    in.syphilis = RISK_LAB_POSITIVE;
    EXPECT(in, RISK_ORANGE, true, "bmi_28_plus,syphilis_positive");
    risk_result_t r;
    assert_int_equal(risk_grade(C, &in, &r), 0);
    assert_int_equal(r.color, RISK_ORANGE); /* purple is a flag, never the colour */
}

static void test_suppression_is_per_group(void **state)
{
    (void)state;
    risk_input_t in = born(1980, 1, 1); /* 45: orange age hides the yellow one */
    in.height_cm = 160, in.weight_kg = 66; /* 25.8: yellow BMI, another group */
    EXPECT(in, RISK_ORANGE, false, "age_40_plus,bmi_over_25_or_under_18_5");
}

/* ------------------------------------------------------------ declared */

static void test_declared_factor(void **state)
{
    (void)state;
    const char *codes[] = {"severe_preeclampsia"};
    risk_input_t in = blank();
    in.declared = codes;
    in.n_declared = 1;
    EXPECT(in, RISK_ORANGE, false, "severe_preeclampsia");
    risk_result_t r;
    assert_int_equal(risk_grade(C, &in, &r), 0);
    assert_true(r.factors[0].declared);
    assert_false(r.factors[0].derived);

    const char *red_purple[] = {"tuberculosis", "placental_abruption", "asthma"};
    in.declared = red_purple;
    in.n_declared = 3;
    EXPECT(in, RISK_RED, true, "placental_abruption,asthma,tuberculosis");
}

static void test_declared_and_derived_listed_once(void **state)
{
    (void)state;
    const char *codes[] = {"twins"};
    risk_input_t in = blank();
    in.fetuses = 2;
    in.declared = codes;
    in.n_declared = 1;
    EXPECT(in, RISK_YELLOW, false, "twins");
    risk_result_t r;
    assert_int_equal(risk_grade(C, &in, &r), 0);
    assert_true(r.factors[0].derived);
    assert_true(r.factors[0].declared);

    in.fetuses = -1; /* declared without data: still graded */
    assert_int_equal(risk_grade(C, &in, &r), 0);
    assert_int_equal(r.n, 1);
    assert_false(r.factors[0].derived);
    assert_true(r.factors[0].declared);
}

static void test_declared_rows_are_never_hidden(void **state)
{
    (void)state;
    const char *codes[] = {"scarred_uterus"};
    risk_input_t in = uterus(2, 0);
    in.declared = codes;
    in.n_declared = 1;
    EXPECT(in, RISK_ORANGE, false, "uterine_surgery_2_plus,scarred_uterus");
    risk_result_t r;
    assert_int_equal(risk_grade(C, &in, &r), 0);
    const risk_match_t *m = find_match(&r, "scarred_uterus");
    assert_non_null(m);
    assert_true(m->declared);
}

static void test_unknown_declared_code_is_skipped(void **state)
{
    (void)state;
    const char *codes[] = {"no_such_code", NULL, "asthma", "asthma", ""};
    risk_input_t in = blank();
    in.declared = codes;
    in.n_declared = 5;
    EXPECT(in, RISK_ORANGE, false, "asthma");
    in.n_declared = 2;
    EXPECT(in, RISK_GREEN, false, "");
    in.declared = NULL; /* a count without a list */
    in.n_declared = 3;
    EXPECT(in, RISK_GREEN, false, "");
}

static void test_declared_green_row(void **state)
{
    (void)state;
    const char *codes[] = {"healthy"};
    risk_input_t in = blank();
    in.declared = codes;
    in.n_declared = 1;
    EXPECT(in, RISK_GREEN, false, "healthy");
}

static void test_grade_rejects_null(void **state)
{
    (void)state;
    risk_input_t in = blank();
    risk_result_t r;
    assert_int_equal(risk_grade(NULL, &in, &r), -1);
    assert_int_equal(risk_grade(C, NULL, &r), -1);
    assert_int_equal(risk_grade(C, &in, NULL), -1);
}

/* -------------------------------------------------------------- loader */

static char tmp_path[64];

static void write_tmp(const char *text)
{
    strcpy(tmp_path, "/tmp/test_risk_XXXXXX");
    int fd = mkstemp(tmp_path);
    assert_true(fd >= 0);
    size_t len = strlen(text);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
}

#define HEAD                                                                                                   \
    "{\"version\":\"t1\",\"title\":\"t\",\"source\":\"s\",\"effective\":\"2017-11\","                          \
    "\"colors\":[{\"color\":\"green\",\"label\":\"绿\"},{\"color\":\"yellow\",\"label\":\"黄\"},"             \
    "{\"color\":\"purple\",\"label\":\"紫\"}],\"factors\":["
#define TAIL "]}"
#define ROW(code, color, rule)                                                                                 \
    "{\"code\":\"" code "\",\"color\":\"" color "\",\"category\":\"c\",\"text\":\"t\","                       \
    "\"source\":\"s\",\"mark\":\"S\"" rule "}"
#define GOOD ROW("low_hb", "yellow", ",\"rule\":{\"measure\":\"hb_g_l\",\"max\":100}")

/* Loads `text` from a file; returns the loader's result and its message. */
static int load_text(const char *text, risk_criteria_t **out, char *err, size_t errlen)
{
    write_tmp(text);
    int rc = risk_criteria_load(tmp_path, out, err, errlen);
    unlink(tmp_path);
    return rc;
}

static void expect_rejected(const char *text, const char *message, int line)
{
    risk_criteria_t *sentinel = (risk_criteria_t *)&tmp_path, *c = sentinel;
    char err[512] = "";
    int rc = load_text(text, &c, err, sizeof err);
    if (rc != -1 || c != sentinel || !strstr(err, message)) {
        print_error("line %d: expected rejection with \"%s\", got rc=%d err=\"%s\"\n", line, message, rc, err);
        if (rc == 0 && c != sentinel)
            risk_criteria_free(c);
        fail();
    }
}
#define REJECTED(text, message) expect_rejected((text), (message), __LINE__)

static void test_loader_accepts_minimal_table(void **state)
{
    (void)state;
    risk_criteria_t *c = NULL;
    char err[512] = "";
    int rc = load_text(HEAD GOOD "," ROW("hiv_pos", "purple", ",\"rule\":{\"measure\":\"hiv\",\"is\":\"positive\"}")
                           "," ROW("declared_one", "yellow", "") TAIL,
                       &c, err, sizeof err);
    if (rc != 0)
        fail_msg("%s", err);
    assert_string_equal(risk_criteria_version(c), "t1");
    assert_string_equal(risk_criteria_effective(c), "2017-11");
    assert_int_equal(risk_criteria_count(c), 3);
    assert_true(risk_criteria_find(c, "low_hb")->derivable);
    assert_false(risk_criteria_find(c, "declared_one")->derivable);
    assert_null(risk_criteria_find(c, "declared_one")->note);
    risk_input_t in = hb(90);
    in.hiv = RISK_LAB_POSITIVE;
    risk_result_t r;
    assert_int_equal(risk_grade(c, &in, &r), 0);
    assert_int_equal(r.color, RISK_YELLOW);
    assert_true(r.purple);
    assert_int_equal(r.n, 2);
    risk_criteria_free(c);
}

static void test_loader_rejects_broken_files(void **state)
{
    (void)state;
    REJECTED(HEAD GOOD "," GOOD TAIL, "duplicate code 'low_hb'");
    REJECTED(HEAD ROW("x", "pink", "") TAIL, "unknown colour 'pink'");
    REJECTED(HEAD ROW("x", "red", "") TAIL, "colour 'red' is not listed");
    REJECTED(HEAD ROW("x", "yellow", ",\"rule\":{\"measure\":\"hb_gl\",\"max\":100}") TAIL,
             "unknown measure 'hb_gl'");
    REJECTED(HEAD ROW("x", "yellow",
                      ",\"rule\":{\"any_of\":[{\"measure\":\"sbp\",\"min\":140},"
                      "{\"all_of\":[{\"measure\":\"dpb\",\"min\":90}]}]}") TAIL,
             "unknown measure 'dpb'");
    REJECTED(HEAD ROW("x", "yellow", ",\"rule\":{\"measure\":\"hb_g_l\",\"mni\":60}") TAIL, "unknown key 'mni'");
    REJECTED(HEAD ROW("x", "yellow", ",\"rule\":{\"measure\":\"hb_g_l\"}") TAIL, "needs 'min' or 'max'");
    REJECTED(HEAD ROW("x", "yellow", ",\"rule\":{\"measure\":\"hb_g_l\",\"min\":110,\"max\":60}") TAIL,
             "'min' is above 'max'");
    REJECTED(HEAD ROW("x", "yellow", ",\"rule\":{\"measure\":\"hiv\",\"is\":\"maybe\"}") TAIL, "needs \"is\"");
    REJECTED(HEAD ROW("x", "yellow", ",\"rule\":{\"measure\":\"hb_g_l\",\"is\":true}") TAIL, "use min/max");
    REJECTED(HEAD ROW("x", "yellow", ",\"rule\":{\"any_of\":[]}") TAIL, "non-empty array");
    REJECTED(HEAD ROW("x", "yellow",
                      ",\"rule\":{\"measure\":\"creatinine_umol_l\",\"min\":1,\"scale_by\":\"uln\"}") TAIL,
             "'scale_by' refers to unknown numeric measure 'uln'");
    REJECTED(HEAD ROW("Bad-Code", "yellow", "") TAIL, "snake_case");
    REJECTED(HEAD ROW("x", "yellow", ",\"rules\":{}") TAIL, "unknown key 'rules'");
    REJECTED(HEAD "{\"code\":\"x\",\"color\":\"yellow\",\"category\":\"c\",\"text\":\"t\",\"source\":\"s\","
                  "\"mark\":\"X\"}" TAIL,
             "'mark' must be");
    REJECTED(HEAD "{\"code\":\"x\",\"color\":\"yellow\",\"category\":\"c\",\"text\":\"t\",\"mark\":\"S\"}" TAIL,
             "'source' must be");
    REJECTED(HEAD TAIL, "'factors' must be a non-empty array");
    REJECTED("{\"version\":\"t\",\"title\":\"t\",\"source\":\"s\",\"effective\":\"e\",\"notes\":[1]}",
             "notes[0]: not a string");
    REJECTED("{\"version\":\"t\"}", "'title'");
    REJECTED("{\"version\": \"t\", \"version\": \"u\"}", "duplicate");
    REJECTED("{not json", "test_risk_");

    risk_criteria_t *c = NULL;
    char err[256] = "";
    assert_int_equal(risk_criteria_load("/nonexistent/criteria.json", &c, err, sizeof err), -1);
    assert_null(c);
    assert_non_null(strstr(err, "/nonexistent/criteria.json"));
    assert_int_equal(risk_criteria_load("/nonexistent/criteria.json", &c, NULL, 0), -1);
}

static void test_loader_rejects_too_many_factors(void **state)
{
    (void)state;
    size_t cap = (RISK_MAX_FACTORS + 1) * 128 + 1024;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t len = (size_t)snprintf(text, cap, "%s", HEAD);
    for (int i = 0; i <= RISK_MAX_FACTORS; i++)
        len += (size_t)snprintf(text + len, cap - len, "%s" ROW("f%d", "yellow", ""), i ? "," : "", i);
    snprintf(text + len, cap - len, "%s", TAIL);
    REJECTED(text, "more than the 256");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_loads_with_sources_and_marks),
        cmocka_unit_test(test_table_derivable_rows),
        cmocka_unit_test(test_color_names),
        cmocka_unit_test(test_nothing_known_is_green),
        cmocka_unit_test(test_all_normal_is_green),
        cmocka_unit_test(test_age_edges),
        cmocka_unit_test(test_bmi_edges),
        cmocka_unit_test(test_hb_edges),
        cmocka_unit_test(test_platelet_edges),
        cmocka_unit_test(test_pulmonary_pressure_edges),
        cmocka_unit_test(test_ef_edges),
        cmocka_unit_test(test_spo2_edges),
        cmocka_unit_test(test_creatinine_edges),
        cmocka_unit_test(test_blood_pressure_edges),
        cmocka_unit_test(test_fetus_count_edges),
        cmocka_unit_test(test_uterine_surgery_edges),
        cmocka_unit_test(test_miscarriage_and_art_edges),
        cmocka_unit_test(test_infection_labs_are_purple),
        cmocka_unit_test(test_fasting_glucose_edges),
        cmocka_unit_test(test_epds_postpartum),
        cmocka_unit_test(test_highest_colour_wins),
        cmocka_unit_test(test_orange_and_purple),
        cmocka_unit_test(test_suppression_is_per_group),
        cmocka_unit_test(test_declared_factor),
        cmocka_unit_test(test_declared_and_derived_listed_once),
        cmocka_unit_test(test_declared_rows_are_never_hidden),
        cmocka_unit_test(test_unknown_declared_code_is_skipped),
        cmocka_unit_test(test_declared_green_row),
        cmocka_unit_test(test_grade_rejects_null),
        cmocka_unit_test(test_loader_accepts_minimal_table),
        cmocka_unit_test(test_loader_rejects_broken_files),
        cmocka_unit_test(test_loader_rejects_too_many_factors),
    };
    return cmocka_run_group_tests(tests, load_table, free_table);
}
