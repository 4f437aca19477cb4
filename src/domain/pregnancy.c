#include "domain/pregnancy.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Plausible ranges: values outside them are typing errors, not findings.
 * The edges of the risk table (Hb 40, platelets 30, SpO2 90 ...) all lie
 * well inside. */
const anc_measure_def_t anc_measures[ANC_N_MEASURES] = {
    [ANC_WEIGHT_KG] = {"weight_kg", "体重", "kg", 30, 200, false},
    [ANC_SBP] = {"sbp", "收缩压", "mmHg", 60, 260, false},
    [ANC_DBP] = {"dbp", "舒张压", "mmHg", 30, 160, false},
    [ANC_FUNDAL_HEIGHT] = {"fundal_height_cm", "宫高", "cm", 5, 50, false},
    [ANC_ABDOMINAL_CIRCUMFERENCE] = {"abdominal_circumference_cm", "腹围", "cm", 50, 160, false},
    [ANC_FETAL_HEART_RATE] = {"fetal_heart_rate", "胎心率", "次/分", 60, 220, false},
    [ANC_HB] = {"hb_g_l", "血红蛋白", "g/L", 30, 200, true},
    [ANC_PLT] = {"plt_10e9_l", "血小板计数", "×10⁹/L", 1, 1000, true},
    [ANC_CREATININE] = {"creatinine_umol_l", "肌酐", "μmol/L", 10, 1500, true},
    [ANC_CREATININE_ULN] = {"creatinine_uln_umol_l", "肌酐正常值上限", "μmol/L", 30, 200, true},
    [ANC_SPO2] = {"spo2_percent", "血氧饱和度", "%", 50, 100, true},
    [ANC_EF] = {"ef_percent", "左心室射血分数", "%", 10, 90, true},
    [ANC_PASP] = {"pasp_mmhg", "肺动脉收缩压", "mmHg", 10, 150, true},
    [ANC_FASTING_GLUCOSE] = {"fasting_glucose_mmol_l", "空腹血糖", "mmol/L", 1.5, 35, true},
};

const char *const anc_lab_fields[ANC_N_LABS] = {"hiv", "syphilis", "hbsag"};

fy_date_t preg_edd(fy_date_t lmp) { return lmp + PREG_TERM_DAYS; }
fy_date_t preg_lmp_from_edd(fy_date_t edd) { return edd - PREG_TERM_DAYS; }
int preg_ga_days(fy_date_t lmp, fy_date_t on) { return (int)(on - lmp); }

void preg_ga_text(int ga_days, char *out, size_t cap)
{
    /* "W+D" by hand (records write one per visit); weeks < 1000 */
    char tmp[8];
    size_t n = 0;
    int w = ga_days < 0 ? 0 : ga_days / 7, d = ga_days < 0 ? 0 : ga_days % 7;
    if (w >= 100)
        tmp[n++] = (char)('0' + w / 100 % 10);
    if (w >= 10)
        tmp[n++] = (char)('0' + w / 10 % 10);
    tmp[n++] = (char)('0' + w % 10);
    tmp[n++] = '+';
    tmp[n++] = (char)('0' + d);
    if (cap == 0)
        return;
    if (n >= cap)
        n = cap - 1;
    memcpy(out, tmp, n);
    out[n] = 0;
}

bool preg_is_early_registration(int ga_days) { return ga_days < PREG_EARLY_LIMIT_DAYS; }

const char *preg_trimester(int ga_days)
{
    if (ga_days < 13 * 7)
        return "early";
    return ga_days < 28 * 7 ? "middle" : "late";
}

const char *preg_term_class(int ga_days)
{
    if (ga_days < 28 * 7)
        return "before_28";
    if (ga_days < 37 * 7)
        return "preterm";
    return ga_days < 42 * 7 ? "term" : "post_term";
}

void preg_findings_init(preg_findings_t *f)
{
    *f = (preg_findings_t){0};
    for (int i = 0; i < ANC_N_MEASURES; i++)
        f->latest[i] = NAN;
    f->height_cm = f->weight_kg = NAN;
    f->epds_score = NAN;
    f->fetuses = -1;
    f->previous_caesareans = f->other_uterine_operations = f->previous_miscarriages = -1;
}

void preg_risk_input(const preg_findings_t *f, fy_date_t on, risk_input_t *in)
{
    risk_input_init(in);
    in->birth_date = f->birth_date;
    in->has_birth_date = f->has_birth_date;
    in->on_date = on;
    in->ga_days = f->postpartum ? -1 : preg_ga_days(f->lmp, on);
    in->postpartum = f->postpartum;
    in->height_cm = f->height_cm;
    in->weight_kg = f->weight_kg;
    in->hb_g_l = f->latest[ANC_HB];
    in->plt_10e9_l = f->latest[ANC_PLT];
    in->creatinine_umol_l = f->latest[ANC_CREATININE];
    in->creatinine_uln_umol_l = f->latest[ANC_CREATININE_ULN];
    in->spo2_percent = f->latest[ANC_SPO2];
    in->ef_percent = f->latest[ANC_EF];
    in->pasp_mmhg = f->latest[ANC_PASP];
    in->fasting_glucose_mmol_l = f->latest[ANC_FASTING_GLUCOSE];
    in->sbp = f->latest[ANC_SBP];
    in->dbp = f->latest[ANC_DBP];
    in->epds_score = f->epds_score;
    in->fetuses = f->fetuses;
    in->previous_caesareans = f->previous_caesareans;
    in->other_uterine_operations = f->other_uterine_operations;
    in->previous_miscarriages = f->previous_miscarriages;
    in->last_uterine_surgery_date = f->last_uterine_surgery_date;
    in->has_last_uterine_surgery = f->has_last_uterine_surgery;
    in->assisted_reproduction = f->assisted_reproduction;
    in->hiv = f->labs[ANC_LAB_HIV];
    in->syphilis = f->labs[ANC_LAB_SYPHILIS];
    in->hbsag = f->labs[ANC_LAB_HBSAG];
    in->declared = f->declared;
    in->n_declared = f->n_declared;
}

const preg_pp_task_def_t preg_pp_tasks[PREG_PP_TASKS] = {
    {"home_visit_1", "home_visit", "产后第1次访视（出院后7天内）", 3, 10},
    {"home_visit_2", "home_visit", "产后第2次访视（产后28天左右）", 21, 35},
    {"day42", "day42", "产后42天健康检查", 42, 56},
};

/* Decodes one UTF-8 character; returns its length or 0 when invalid. */
static int utf8_next(const unsigned char *p, unsigned *cp)
{
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if ((p[0] & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80) {
        *cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
        return *cp >= 0x80 ? 2 : 0;
    }
    if ((p[0] & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
        *cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        return *cp >= 0x800 && (*cp < 0xD800 || *cp > 0xDFFF) ? 3 : 0; /* no overlong form, no surrogate */
    }
    if ((p[0] & 0xF8) == 0xF0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 && (p[3] & 0xC0) == 0x80) {
        *cp = ((p[0] & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
        return *cp >= 0x10000 && *cp <= 0x10FFFF ? 4 : 0;
    }
    return 0;
}

/* CJK Unified Ideographs and extensions A–F: the 通用规范汉字表 draws on
 * these blocks; the exact list is not shipped, so the block is the check. */
static bool is_han(unsigned cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2EBEF) ||
           (cp >= 0x30000 && cp <= 0x3134F);
}

bool preg_child_name_ok(const char *name, const char **why)
{
    const unsigned char *p = (const unsigned char *)name;
    int n = 0;
    bool last_dot = true;
    while (*p) {
        unsigned cp;
        int len = utf8_next(p, &cp);
        if (!len) {
            *why = "姓名不是有效的UTF-8文本 (the name is not valid UTF-8)";
            return false;
        }
        if (cp == 0x00B7 || cp == 0x30FB) { /* middle dot between parts of a name */
            if (last_dot) {
                *why = "间隔号只能用在两个汉字之间 (a middle dot must stand between characters)";
                return false;
            }
            last_dot = true;
        } else if (is_han(cp)) {
            last_dot = false;
            n++;
        } else {
            *why = "姓名只能由汉字组成，不能含字母、数字、拼音或空格 (Chinese characters only: no letters, digits, "
                   "pinyin or spaces)";
            return false;
        }
        p += len;
    }
    if (n < 1 || n > 15 || last_dot) {
        *why = n < 1 ? "姓名不能为空 (the name must not be empty)"
                     : n > 15 ? "姓名最多15个汉字 (at most 15 characters)"
                              : "间隔号不能在末尾 (a middle dot cannot end the name)";
        return false;
    }
    return true;
}
