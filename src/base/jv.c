#include "base/jv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *field, *label;
} labels[] = {
    {"name", "姓名"}, {"id_type", "证件类型"}, {"id_number", "证件号码"}, {"birth_date", "出生日期"},
    {"phone", "手机号码"}, {"residence_district", "居住区"}, {"household_district", "户籍区"},
    {"address", "地址"}, {"username", "用户名"}, {"password", "密码"}, {"role", "角色"},
    {"institution_id", "机构"}, {"woman_id", "妇女档案"}, {"lmp", "末次月经"}, {"card", "建册类型"},
    {"gravidity", "孕次"}, {"parity", "产次"}, {"previous_caesareans", "既往剖宫产次数"},
    {"last_uterine_surgery_date", "末次子宫手术日期"}, {"previous_miscarriages", "既往流产次数"},
    {"assisted_reproduction", "辅助生殖"}, {"fetuses", "胎儿数"}, {"height_cm", "身高"},
    {"weight_kg", "体重"}, {"dating", "孕周推算方式"}, {"ultrasound_edd", "超声预产期"}, {"date", "日期"},
    {"sbp", "收缩压"}, {"dbp", "舒张压"}, {"fundal_height_cm", "宫高"},
    {"abdominal_circumference_cm", "腹围"}, {"fetal_heart_rate", "胎心率"}, {"presentation", "胎方位"},
    {"edema", "水肿"}, {"urine_protein", "尿蛋白"}, {"hb_g_l", "血红蛋白"}, {"plt_10e9_l", "血小板计数"},
    {"creatinine_umol_l", "肌酐"}, {"creatinine_uln_umol_l", "肌酐正常值上限"}, {"spo2_percent", "血氧饱和度"},
    {"ef_percent", "左心室射血分数"}, {"pasp_mmhg", "肺动脉收缩压"}, {"fasting_glucose_mmol_l", "空腹血糖"},
    {"declared_factors", "医生判定的风险因素"}, {"next_appointment", "下次预约日期"}, {"notes", "备注"},
    {"reason", "原因"}, {"delivered_at", "分娩时间"}, {"mode", "分娩方式"}, {"blood_loss_ml", "出血量"},
    {"epds_score", "EPDS评分"}, {"kind", "类别"}, {"outcome", "结局"}, {"babies", "新生儿"},
};

const char *jv_label(const char *field)
{
    const char *base = strrchr(field, '.');
    base = base ? base + 1 : field;
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(labels[i].field, base) == 0)
            return labels[i].label;
    return field;
}

long jv_utf8_len(const char *s)
{
    long n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int extra;
        if (*p < 0x80)
            extra = 0;
        else if ((*p & 0xE0) == 0xC0 && *p >= 0xC2)
            extra = 1;
        else if ((*p & 0xF0) == 0xE0)
            extra = 2;
        else if ((*p & 0xF8) == 0xF0 && *p <= 0xF4)
            extra = 3;
        else
            return -1;
        p++;
        for (int i = 0; i < extra; i++, p++)
            if ((*p & 0xC0) != 0x80)
                return -1;
        n++;
    }
    return n;
}

/* Characters of leading and trailing blanks (space, newline, the
 * ideographic space U+3000): the length rules count what is left, so a
 * name of three spaces is empty. */
static long blank_ends(const char *s)
{
    long blanks = 0;
    const char *p = s, *end = s + strlen(s);
    for (;;) {
        if (p < end && (*p == ' ' || *p == '\n'))
            p++;
        else if (end - p >= 3 && memcmp(p, "\xe3\x80\x80", 3) == 0)
            p += 3;
        else
            break;
        blanks++;
    }
    for (;;) {
        if (end > p && (end[-1] == ' ' || end[-1] == '\n'))
            end--;
        else if (end - p >= 3 && memcmp(end - 3, "\xe3\x80\x80", 3) == 0)
            end -= 3;
        else
            break;
        blanks++;
    }
    return blanks;
}

static void missing(const char *key, fy_err_t *e)
{
    fy_field(e, key, "required", "%s为必填项 (%s is required)", jv_label(key), key);
}

bool jv_check_str(json_t *v, const char *key, size_t minc, size_t maxc, const char **out, fy_err_t *e)
{
    if (!json_is_string(v)) {
        fy_field(e, key, "type", "%s应为字符串 (%s must be a string)", jv_label(key), key);
        return false;
    }
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v)) {
        fy_field(e, key, "nul", "%s不能包含空字符 (%s must not contain NUL)", jv_label(key), key);
        return false;
    }
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 && *p != '\n') {
            fy_field(e, key, "control", "%s不能包含控制字符 (%s must not contain control characters)",
                     jv_label(key), key);
            return false;
        }
    long n = jv_utf8_len(s);
    if (n < 0) {
        fy_field(e, key, "utf8", "%s不是有效的UTF-8文本 (%s is not valid UTF-8)", jv_label(key), key);
        return false;
    }
    n -= blank_ends(s);
    if ((size_t)n < minc || (size_t)n > maxc) {
        if (minc > 0 && (size_t)n < minc && n == 0)
            fy_field(e, key, "required", "%s不能为空 (%s must not be empty)", jv_label(key), key);
        else
            fy_field(e, key, "length", "%s长度应在 %zu–%zu 个字符之间 (%s must have %zu to %zu characters)",
                     jv_label(key), minc, maxc, key, minc, maxc);
        return false;
    }
    *out = s;
    return true;
}

bool jv_str(json_t *obj, const char *key, bool required, size_t minc, size_t maxc, const char **out, fy_err_t *e)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            missing(key, e);
        return false;
    }
    return jv_check_str(v, key, minc, maxc, out, e);
}

bool jv_int(json_t *obj, const char *key, bool required, long min, long max, long *out, fy_err_t *e)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            missing(key, e);
        return false;
    }
    if (!json_is_integer(v)) {
        fy_field(e, key, "type", "%s应为整数 (%s must be an integer)", jv_label(key), key);
        return false;
    }
    json_int_t x = json_integer_value(v);
    if (x < min || x > max) {
        fy_field(e, key, "range", "%s应在 %ld–%ld 之间 (%s must be between %ld and %ld)", jv_label(key), min, max,
                 key, min, max);
        return false;
    }
    *out = (long)x;
    return true;
}

bool jv_num(json_t *obj, const char *key, bool required, double min, double max, const char *unit, double *out,
            fy_err_t *e)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            missing(key, e);
        return false;
    }
    if (!json_is_number(v)) {
        fy_field(e, key, "type", "%s应为数值 (%s must be a number)", jv_label(key), key);
        return false;
    }
    double x = json_number_value(v);
    if (!isfinite(x) || x < min || x > max) {
        fy_field(e, key, "range", "%s应在 %g–%g %s 之间 (%s must be between %g and %g)", jv_label(key), min, max,
                 unit ? unit : "", key, min, max);
        return false;
    }
    *out = x;
    return true;
}

bool jv_bool(json_t *obj, const char *key, bool required, bool *out, fy_err_t *e)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            missing(key, e);
        return false;
    }
    if (!json_is_boolean(v)) {
        fy_field(e, key, "type", "%s应为 true 或 false (%s must be true or false)", jv_label(key), key);
        return false;
    }
    *out = json_is_true(v);
    return true;
}

bool jv_date(json_t *obj, const char *key, bool required, fy_date_t *out, fy_err_t *e)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            missing(key, e);
        return false;
    }
    if (!json_is_string(v) || !fy_date_parse(json_string_value(v), out)) {
        fy_field(e, key, "date", "%s应为有效日期，格式 YYYY-MM-DD (%s must be a real date as YYYY-MM-DD)",
                 jv_label(key), key);
        return false;
    }
    return true;
}

bool jv_instant(json_t *obj, const char *key, bool required, long long *out_ms, fy_err_t *e)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            missing(key, e);
        return false;
    }
    int64_t ms;
    if (!json_is_string(v) || !fy_instant_parse(json_string_value(v), &ms)) {
        fy_field(e, key, "datetime",
                 "%s应为有效时间，格式 YYYY-MM-DDTHH:MM[:SS][时区] (%s must be a time as YYYY-MM-DDTHH:MM[:SS][Z|+08:00])",
                 jv_label(key), key);
        return false;
    }
    *out_ms = ms;
    return true;
}

bool jv_id(json_t *obj, const char *key, bool required, int64_t *out, fy_err_t *e)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            missing(key, e);
        return false;
    }
    long long x = 0;
    if (json_is_integer(v)) {
        x = json_integer_value(v);
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = strlen(s);
        x = n >= 1 && n <= 18 && strspn(s, "0123456789") == n ? strtoll(s, NULL, 10) : 0;
    }
    if (x <= 0) {
        fy_field(e, key, "id", "%s应为档案编号 (%s must be a record id)", jv_label(key), key);
        return false;
    }
    *out = x;
    return true;
}

bool jv_enum(json_t *obj, const char *key, bool required, const char *const *allowed, int *out, fy_err_t *e)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            missing(key, e);
        return false;
    }
    if (json_is_string(v)) {
        for (int i = 0; allowed[i]; i++)
            if (strcmp(allowed[i], json_string_value(v)) == 0) {
                *out = i;
                return true;
            }
    }
    char list[200] = "";
    size_t used = 0;
    for (int i = 0; allowed[i] && used < sizeof list - 40; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", allowed[i]);
    fy_field(e, key, "enum", "%s应为以下之一: %s (%s must be one of: %s)", jv_label(key), list, key, list);
    return false;
}

void jv_no_unknown(json_t *obj, const char *const *known, fy_err_t *e)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        bool ok = false;
        for (int i = 0; known[i]; i++)
            if (strcmp(known[i], key) == 0) {
                ok = true;
                break;
            }
        if (!ok) {
            char shown[48];
            snprintf(shown, sizeof shown, "%s", key);
            if (jv_utf8_len(shown) < 0)
                snprintf(shown, sizeof shown, "?");
            fy_field(e, shown, "unknown", "未知字段 %s (unknown field %s)", shown, shown);
        }
    }
}
