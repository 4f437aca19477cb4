/* Tests for domain/pregnancy.c: EDD and gestational age (domain.md §3),
 * early registration, trimesters and term, the plausible ranges of a
 * visit's measurements, how a pregnancy's findings feed the risk grading,
 * the postpartum task table (§7) and the child's name rule. Run from the
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

#include "domain/pregnancy.h"

#define CRITERIA "data/risk/criteria-2017.json"

static fy_date_t D(int y, int m, int d) { return fy_date_from_civil(y, m, d); }

static void assert_date(fy_date_t got, const char *want)
{
    char buf[11];
    fy_date_format(got, buf);
    assert_string_equal(buf, want);
}

/* ---- EDD and gestational age ------------------------------------------ */

static void test_edd_naegele_across_leap_years(void **state)
{
    (void)state;
    /* 280 days reach 29 February of a leap year */
    assert_date(preg_edd(D(2023, 5, 25)), "2024-02-29");
    assert_date(preg_edd(D(2023, 5, 24)), "2024-02-28");
    assert_date(preg_edd(D(2023, 5, 26)), "2024-03-01");
    /* an LMP on 29 February */
    assert_date(preg_edd(D(2024, 2, 29)), "2024-12-05");
    /* the same span in a year without 29 February is one day later */
    assert_date(preg_edd(D(2022, 5, 25)), "2023-03-01");
    /* across the turn of a century that is not leap (2100) and one that is (2000) */
    assert_date(preg_edd(D(2099, 5, 25)), "2100-03-01");
    assert_date(preg_edd(D(1999, 5, 25)), "2000-02-29");
    for (fy_date_t lmp = D(2023, 1, 1); lmp < D(2025, 1, 1); lmp++) {
        assert_int_equal(preg_edd(lmp) - lmp, 280);
        assert_int_equal(preg_lmp_from_edd(preg_edd(lmp)), lmp);
        assert_int_equal(preg_ga_days(lmp, preg_edd(lmp)), 280);
    }
    /* ultrasound dating: the effective LMP of a scan's EDD */
    assert_date(preg_lmp_from_edd(D(2024, 2, 29)), "2023-05-25");
    assert_date(preg_lmp_from_edd(D(2024, 12, 5)), "2024-02-29");
}

static void test_ga_days_and_text(void **state)
{
    (void)state;
    char t[16];
    fy_date_t lmp = D(2024, 2, 29);
    assert_int_equal(preg_ga_days(lmp, lmp), 0);
    assert_int_equal(preg_ga_days(lmp, D(2024, 3, 1)), 1);
    assert_int_equal(preg_ga_days(lmp, D(2024, 5, 26)), 87);
    preg_ga_text(preg_ga_days(lmp, D(2024, 5, 26)), t, sizeof t);
    assert_string_equal(t, "12+3");
    preg_ga_text(0, t, sizeof t);
    assert_string_equal(t, "0+0");
    preg_ga_text(6, t, sizeof t);
    assert_string_equal(t, "0+6");
    preg_ga_text(7, t, sizeof t);
    assert_string_equal(t, "1+0");
    preg_ga_text(90, t, sizeof t);
    assert_string_equal(t, "12+6");
    preg_ga_text(91, t, sizeof t);
    assert_string_equal(t, "13+0");
    preg_ga_text(280, t, sizeof t);
    assert_string_equal(t, "40+0");
    preg_ga_text(44 * 7 + 6, t, sizeof t);
    assert_string_equal(t, "44+6");
    /* before the LMP there is no gestational age */
    preg_ga_text(-3, t, sizeof t);
    assert_string_equal(t, "0+0");
    /* a small buffer is truncated, never overrun */
    char small[3];
    preg_ga_text(87, small, sizeof small);
    assert_string_equal(small, "12");
}

static void test_early_registration_edge(void **state)
{
    (void)state;
    assert_true(preg_is_early_registration(0));
    assert_true(preg_is_early_registration(12 * 7 + 6)); /* 12+6 */
    assert_false(preg_is_early_registration(13 * 7));    /* 13+0 */
    assert_false(preg_is_early_registration(13 * 7 + 1));
    /* the guidance's last day is the last early day */
    assert_int_equal(PREG_SMALL_CARD_LAST_DAYS, 12 * 7 + 6);
    assert_true(preg_is_early_registration(PREG_SMALL_CARD_LAST_DAYS));
    assert_false(preg_is_early_registration(PREG_SMALL_CARD_LAST_DAYS + 1));
    /* through dates: LMP 2023-05-25, 12+6 on 2023-08-23, 13+0 on 2023-08-24 */
    fy_date_t lmp = D(2023, 5, 25);
    assert_true(preg_is_early_registration(preg_ga_days(lmp, D(2023, 8, 23))));
    assert_false(preg_is_early_registration(preg_ga_days(lmp, D(2023, 8, 24))));
    assert_date(lmp + PREG_SMALL_CARD_LAST_DAYS, "2023-08-23");
}

static void test_trimester_edges(void **state)
{
    (void)state;
    assert_string_equal(preg_trimester(0), "early");
    assert_string_equal(preg_trimester(12 * 7 + 6), "early");
    assert_string_equal(preg_trimester(13 * 7), "middle");
    assert_string_equal(preg_trimester(27 * 7 + 6), "middle");
    assert_string_equal(preg_trimester(28 * 7), "late");
    assert_string_equal(preg_trimester(42 * 7), "late");
}

static void test_term_edges(void **state)
{
    (void)state;
    assert_string_equal(preg_term_class(20 * 7), "before_28");
    assert_string_equal(preg_term_class(27 * 7 + 6), "before_28");
    assert_string_equal(preg_term_class(28 * 7), "preterm");
    assert_string_equal(preg_term_class(36 * 7 + 6), "preterm");
    assert_string_equal(preg_term_class(37 * 7), "term");
    assert_string_equal(preg_term_class(41 * 7 + 6), "term");
    assert_string_equal(preg_term_class(42 * 7), "post_term");
    assert_string_equal(preg_term_class(43 * 7 + 3), "post_term");
    /* the miscarriage limit is the first preterm day */
    assert_int_equal(PREG_MISCARRIAGE_LIMIT_DAYS, 28 * 7);
    assert_string_equal(preg_term_class(PREG_MISCARRIAGE_LIMIT_DAYS - 1), "before_28");
    assert_string_equal(preg_term_class(PREG_MISCARRIAGE_LIMIT_DAYS), "preterm");
    assert_int_equal(PREG_MAX_LMP_AGE_DAYS, 44 * 7);
}

/* ---- measurements -------------------------------------------------------- */

static const anc_measure_def_t *measure(const char *field)
{
    for (int i = 0; i < ANC_N_MEASURES; i++)
        if (strcmp(anc_measures[i].field, field) == 0)
            return &anc_measures[i];
    return NULL;
}

static void test_measure_table(void **state)
{
    (void)state;
    static const char *const fields[ANC_N_MEASURES] = {
        "weight_kg", "sbp", "dbp", "fundal_height_cm", "abdominal_circumference_cm", "fetal_heart_rate", "hb_g_l",
        "plt_10e9_l", "creatinine_umol_l", "creatinine_uln_umol_l", "spo2_percent", "ef_percent", "pasp_mmhg",
        "fasting_glucose_mmol_l"};
    for (int i = 0; i < ANC_N_MEASURES; i++) {
        const anc_measure_def_t *d = &anc_measures[i];
        assert_string_equal(d->field, fields[i]); /* the store's column order */
        assert_non_null(d->label);
        assert_non_null(d->unit);
        assert_true(d->min < d->max);
    }
    /* labs may come alone; bedside measurements may not */
    assert_true(measure("hb_g_l")->lab);
    assert_true(measure("plt_10e9_l")->lab);
    assert_true(measure("creatinine_umol_l")->lab);
    assert_true(measure("pasp_mmhg")->lab);
    assert_false(measure("weight_kg")->lab);
    assert_false(measure("sbp")->lab);
    assert_false(measure("fetal_heart_rate")->lab);
    assert_string_equal(anc_lab_fields[ANC_LAB_HIV], "hiv");
    assert_string_equal(anc_lab_fields[ANC_LAB_SYPHILIS], "syphilis");
    assert_string_equal(anc_lab_fields[ANC_LAB_HBSAG], "hbsag");

    /* every edge of the grading table lies inside the plausible range, so
     * that no finding at an edge is refused as a typing error */
    struct {
        const char *field;
        double v;
    } edges[] = {{"hb_g_l", 40},       {"hb_g_l", 39},        {"hb_g_l", 59},       {"hb_g_l", 60},
                 {"hb_g_l", 109},      {"hb_g_l", 110},       {"plt_10e9_l", 29},   {"plt_10e9_l", 30},
                 {"plt_10e9_l", 49},   {"plt_10e9_l", 50},    {"plt_10e9_l", 100},  {"plt_10e9_l", 101},
                 {"spo2_percent", 89}, {"spo2_percent", 90},  {"ef_percent", 39},   {"ef_percent", 40},
                 {"ef_percent", 50},   {"pasp_mmhg", 29},     {"pasp_mmhg", 49},    {"pasp_mmhg", 50},
                 {"sbp", 140},         {"sbp", 160},          {"dbp", 90},          {"dbp", 110},
                 {"fasting_glucose_mmol_l", 5.1},             {"fasting_glucose_mmol_l", 7.0},
                 {"creatinine_umol_l", 121},                  {"creatinine_uln_umol_l", 80}};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        const anc_measure_def_t *d = measure(edges[i].field);
        assert_non_null(d);
        assert_true(edges[i].v >= d->min && edges[i].v <= d->max);
    }
}

/* ---- findings into the grading ----------------------------------------- */

static void test_findings_init_unknown(void **state)
{
    (void)state;
    preg_findings_t f;
    preg_findings_init(&f);
    for (int i = 0; i < ANC_N_MEASURES; i++)
        assert_true(isnan(f.latest[i]));
    assert_true(isnan(f.height_cm) && isnan(f.weight_kg) && isnan(f.epds_score));
    assert_int_equal(f.fetuses, -1);
    assert_int_equal(f.previous_caesareans, -1);
    assert_int_equal(f.other_uterine_operations, -1);
    assert_int_equal(f.previous_miscarriages, -1);
    assert_false(f.postpartum);
    assert_int_equal(f.n_declared, 0);
    for (int l = 0; l < ANC_N_LABS; l++)
        assert_int_equal(f.labs[l], RISK_LAB_UNKNOWN);

    /* nothing known grades green */
    risk_criteria_t *c;
    assert_int_equal(risk_criteria_load(CRITERIA, &c, NULL, 0), 0);
    risk_input_t in;
    preg_risk_input(&f, D(2025, 6, 15), &in);
    risk_result_t r;
    assert_int_equal(risk_grade(c, &in, &r), 0);
    assert_int_equal(r.color, RISK_GREEN);
    assert_false(r.purple);
    risk_criteria_free(c);
}

static preg_findings_t sample(void)
{
    static const char *const declared[] = {"asthma", "icp"};
    preg_findings_t f;
    preg_findings_init(&f);
    f.birth_date = D(1990, 6, 15);
    f.has_birth_date = true;
    f.lmp = D(2025, 3, 1);
    f.height_cm = 160;
    f.weight_kg = 55;
    f.fetuses = 2;
    f.previous_caesareans = 1;
    f.other_uterine_operations = 1;
    f.previous_miscarriages = 3;
    f.assisted_reproduction = true;
    f.last_uterine_surgery_date = D(2024, 1, 10);
    f.has_last_uterine_surgery = true;
    for (int i = 0; i < ANC_N_MEASURES; i++)
        f.latest[i] = 10 + i;
    f.labs[ANC_LAB_HIV] = RISK_LAB_NEGATIVE;
    f.labs[ANC_LAB_SYPHILIS] = RISK_LAB_POSITIVE;
    f.labs[ANC_LAB_HBSAG] = RISK_LAB_UNKNOWN;
    f.epds_score = 14;
    f.declared = declared;
    f.n_declared = 2;
    return f;
}

static void test_risk_input_mapping(void **state)
{
    (void)state;
    preg_findings_t f = sample();
    risk_input_t in;
    fy_date_t on = D(2025, 6, 15);
    preg_risk_input(&f, on, &in);
    assert_int_equal(in.on_date, on);
    assert_true(in.has_birth_date);
    assert_int_equal(in.birth_date, D(1990, 6, 15));
    assert_int_equal(in.ga_days, on - D(2025, 3, 1));
    assert_false(in.postpartum);
    assert_true(in.height_cm == 160 && in.weight_kg == 55);
    /* each measure goes to its own input, none swapped */
    assert_true(in.sbp == 10 + ANC_SBP);
    assert_true(in.dbp == 10 + ANC_DBP);
    assert_true(in.hb_g_l == 10 + ANC_HB);
    assert_true(in.plt_10e9_l == 10 + ANC_PLT);
    assert_true(in.creatinine_umol_l == 10 + ANC_CREATININE);
    assert_true(in.creatinine_uln_umol_l == 10 + ANC_CREATININE_ULN);
    assert_true(in.spo2_percent == 10 + ANC_SPO2);
    assert_true(in.ef_percent == 10 + ANC_EF);
    assert_true(in.pasp_mmhg == 10 + ANC_PASP);
    assert_true(in.fasting_glucose_mmol_l == 10 + ANC_FASTING_GLUCOSE);
    assert_true(in.epds_score == 14);
    assert_int_equal(in.fetuses, 2);
    assert_int_equal(in.previous_caesareans, 1);
    assert_int_equal(in.other_uterine_operations, 1);
    assert_int_equal(in.previous_miscarriages, 3);
    assert_true(in.assisted_reproduction);
    assert_true(in.has_last_uterine_surgery);
    assert_int_equal(in.last_uterine_surgery_date, D(2024, 1, 10));
    assert_int_equal(in.hiv, RISK_LAB_NEGATIVE);
    assert_int_equal(in.syphilis, RISK_LAB_POSITIVE);
    assert_int_equal(in.hbsag, RISK_LAB_UNKNOWN);
    assert_int_equal(in.n_declared, 2);
    assert_string_equal(in.declared[0], "asthma");
    assert_string_equal(in.declared[1], "icp");

    /* postpartum: no gestational age */
    f.postpartum = true;
    preg_risk_input(&f, on, &in);
    assert_true(in.postpartum);
    assert_int_equal(in.ga_days, -1);
}

/* Grades findings and says whether `code` matched. */
static bool matched(const risk_criteria_t *c, const preg_findings_t *f, fy_date_t on, const char *code,
                    risk_result_t *r)
{
    risk_input_t in;
    preg_risk_input(f, on, &in);
    assert_int_equal(risk_grade(c, &in, r), 0);
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->factors[i].def->code, code) == 0)
            return true;
    return false;
}

static void test_risk_input_grades(void **state)
{
    (void)state;
    risk_criteria_t *c;
    assert_int_equal(risk_criteria_load(CRITERIA, &c, NULL, 0), 0);
    risk_result_t *r = malloc(sizeof *r);
    preg_findings_t f;
    preg_findings_init(&f);
    f.lmp = D(2025, 1, 1);
    f.birth_date = D(1990, 6, 15);
    f.has_birth_date = true;

    /* age at the date graded: 34 the day before her 35th birthday, 35 on it */
    assert_false(matched(c, &f, D(2025, 6, 14), "age_35_plus_or_18_minus", r));
    assert_int_equal(r->color, RISK_GREEN);
    assert_true(matched(c, &f, D(2025, 6, 15), "age_35_plus_or_18_minus", r));
    assert_int_equal(r->color, RISK_YELLOW);

    /* the latest Hb is graded */
    f.has_birth_date = false;
    f.latest[ANC_HB] = 59;
    assert_true(matched(c, &f, D(2025, 3, 1), "hb_40_60", r));
    assert_int_equal(r->color, RISK_ORANGE);
    f.latest[ANC_HB] = 120;
    assert_false(matched(c, &f, D(2025, 3, 1), "hb_40_60", r));
    assert_int_equal(r->color, RISK_GREEN);

    /* fasting glucose 5.1 counts from 24+0 weeks only: GA comes from the LMP */
    f.latest[ANC_FASTING_GLUCOSE] = 5.1;
    assert_false(matched(c, &f, f.lmp + 24 * 7 - 1, "fasting_glucose_high", r));
    assert_true(matched(c, &f, f.lmp + 24 * 7, "fasting_glucose_high", r));
    f.latest[ANC_FASTING_GLUCOSE] = NAN;

    /* EPDS counts only postpartum */
    f.epds_score = 13;
    assert_false(matched(c, &f, D(2025, 9, 1), "postpartum_depression", r));
    f.postpartum = true;
    assert_true(matched(c, &f, D(2025, 9, 1), "postpartum_depression", r));
    assert_int_equal(r->color, RISK_ORANGE);
    f.epds_score = 12;
    assert_false(matched(c, &f, D(2025, 9, 1), "postpartum_depression", r));
    f.postpartum = false;

    /* months since the last uterine surgery, from the date graded */
    f.previous_caesareans = 1;
    f.other_uterine_operations = 0;
    f.last_uterine_surgery_date = D(2024, 1, 10);
    f.has_last_uterine_surgery = true;
    assert_true(matched(c, &f, D(2025, 7, 9), "scar_lt_18m", r));   /* 17 months */
    assert_false(matched(c, &f, D(2025, 7, 10), "scar_lt_18m", r)); /* 18 months */
    assert_true(matched(c, &f, D(2025, 7, 10), "scarred_uterus", r));
    assert_int_equal(r->color, RISK_YELLOW);

    /* purple stands beside another colour */
    f.labs[ANC_LAB_HBSAG] = RISK_LAB_POSITIVE;
    f.fetuses = 3;
    assert_true(matched(c, &f, D(2025, 7, 10), "hbsag_positive", r));
    assert_true(r->purple);
    assert_int_equal(r->color, RISK_ORANGE);

    free(r);
    risk_criteria_free(c);
}

/* ---- postpartum tasks ---------------------------------------------------- */

static void test_postpartum_tasks(void **state)
{
    (void)state;
    assert_int_equal(PREG_PP_TASKS, 3);
    assert_string_equal(preg_pp_tasks[0].kind, "home_visit_1");
    assert_string_equal(preg_pp_tasks[1].kind, "home_visit_2");
    assert_string_equal(preg_pp_tasks[2].kind, "day42");
    assert_string_equal(preg_pp_tasks[0].visit, "home_visit");
    assert_string_equal(preg_pp_tasks[1].visit, "home_visit");
    assert_string_equal(preg_pp_tasks[2].visit, "day42");
    for (int i = 0; i < PREG_PP_TASKS; i++) {
        assert_non_null(preg_pp_tasks[i].name);
        assert_true(preg_pp_tasks[i].from_day <= preg_pp_tasks[i].to_day);
        if (i)
            assert_true(preg_pp_tasks[i - 1].to_day < preg_pp_tasks[i].from_day); /* in order, apart */
    }
    /* the first home visit lies within 7 days of a discharge on day 3 */
    assert_true(preg_pp_tasks[0].from_day >= 0);
    assert_true(preg_pp_tasks[0].to_day <= 3 + 7);
    /* the second around day 28 */
    assert_true(preg_pp_tasks[1].from_day <= 28 && 28 <= preg_pp_tasks[1].to_day);
    /* the check from day 42 */
    assert_int_equal(preg_pp_tasks[2].from_day, 42);
}

/* ---- the child's name ---------------------------------------------------- */

static void name_ok(const char *name)
{
    const char *why = NULL;
    if (!preg_child_name_ok(name, &why))
        fail_msg("'%s' refused: %s", name, why ? why : "(no reason)");
}

static void name_bad(const char *name)
{
    const char *why = NULL;
    if (preg_child_name_ok(name, &why))
        fail_msg("'%s' accepted", name);
    assert_non_null(why);
    /* the reason is Chinese, then English in brackets */
    assert_non_null(strstr(why, " ("));
    assert_true((unsigned char)why[0] >= 0x80);
}

static void han_repeat(char *out, size_t cap, int n)
{
    out[0] = 0;
    for (int i = 0; i < n; i++)
        strncat(out, "张", cap - strlen(out) - 1);
}

static void test_child_name(void **state)
{
    (void)state;
    char buf[128];
    han_repeat(buf, sizeof buf, 1);
    name_ok(buf);
    han_repeat(buf, sizeof buf, 15);
    name_ok(buf);
    han_repeat(buf, sizeof buf, 16);
    name_bad(buf);
    name_ok("王小明");
    name_ok("𠀀明");     /* extension B */
    name_ok("㐀明");     /* extension A */
    name_bad("");
    name_bad("王a");
    name_bad("A王");
    name_bad("王小明2");
    name_bad("王 小明");
    name_bad(" 王小明");
    name_bad("王小明 ");
    name_bad("Wáng");
    name_bad("王xiǎo明");
    name_bad("王ǎ");
    name_bad("王，明");   /* full-width punctuation */
    name_bad("王小明\n");
    /* "·" between the parts of a minority name */
    name_ok("阿依古丽·买买提");
    name_ok("阿·买·提");
    name_ok("阿依古丽・买买提"); /* katakana middle dot, as often typed */
    name_bad("·阿依古丽");
    name_bad("阿依古丽·");
    name_bad("阿依古丽··买买提");
    name_bad("·");
    /* 15 characters plus the dot is fine; 16 is not */
    snprintf(buf, sizeof buf, "张张张张张张张·张张张张张张张张");
    name_ok(buf);
    snprintf(buf, sizeof buf, "张张张张张张张张·张张张张张张张张");
    name_bad(buf);
    /* invalid UTF-8: lone continuation byte, truncated sequence, overlong
     * encoding, a surrogate, beyond U+10FFFF */
    static const char *const invalid[] = {"\x80",         "王\xe5\xbc",        "\xe5",        "\xc0\xaf",
                                          "\xe0\x80\xaf", "\xed\xa0\x80",    "王\xed\xbf\xbf", "\xf4\x90\x80\x80",
                                          "\xf0\x80\x80\x80", "\xff",           "王\xf0\xa0\x80"};
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        const char *why = NULL;
        name_bad(invalid[i]);
        preg_child_name_ok(invalid[i], &why);
        if (!strstr(why, "UTF-8"))
            fail_msg("invalid UTF-8 #%zu refused for another reason: %s", i, why);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edd_naegele_across_leap_years),
        cmocka_unit_test(test_ga_days_and_text),
        cmocka_unit_test(test_early_registration_edge),
        cmocka_unit_test(test_trimester_edges),
        cmocka_unit_test(test_term_edges),
        cmocka_unit_test(test_measure_table),
        cmocka_unit_test(test_findings_init_unknown),
        cmocka_unit_test(test_risk_input_mapping),
        cmocka_unit_test(test_risk_input_grades),
        cmocka_unit_test(test_postpartum_tasks),
        cmocka_unit_test(test_child_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
