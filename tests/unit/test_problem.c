/* Tests for http/problem.c and base/err.c: fy_err_t values turned into
 * application/problem+json bodies (RFC 9457), read back with jansson:
 * members, Chinese and English text, the extra member, field errors, and
 * escaping of quotes, backslashes, control characters and bytes that are
 * not UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "http/http.h"

/* The body of e as a parsed object; fails the test when it is not JSON. */
static json_t *render(const fy_err_t *e, const char *instance, http_resp_t *resp)
{
    memset(resp, 0, sizeof *resp);
    http_problem(resp, e, instance);
    assert_non_null(resp->body.p);
    assert_int_equal(strlen(resp->body.p), resp->body.len);
    json_error_t je;
    json_t *j = json_loadb(resp->body.p, resp->body.len, JSON_REJECT_DUPLICATES, &je);
    if (!j)
        fail_msg("not JSON (%s at %d): %s", je.text, je.position, resp->body.p);
    assert_true(json_is_object(j));
    return j;
}

static const char *str(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (!json_is_string(v))
        fail_msg("member %s is not a string", k);
    return json_string_value(v);
}

static bool zh_en(const char *s)
{
    bool cjk = false, latin = false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0xE4 && *p <= 0xE9)
            cjk = true;
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
            latin = true;
    }
    return cjk && latin;
}

static void validation_problem(void **state)
{
    (void)state;
    fy_err_t e = {0};
    fy_field(&e, "phone", "phone", "手机号码应为以1开头的11位数字 (phone must be 11 digits starting with 1)");
    fy_field(&e, "residence_district", "district", "居住区无效 (residence_district is not a district)");
    assert_int_equal(e.status, 422);
    assert_string_equal(e.code, "validation");
    http_resp_t r;
    json_t *j = render(&e, "/api/v1/women", &r);
    assert_int_equal(r.status, 422);
    assert_non_null(strstr(r.content_type, "application/problem+json"));
    assert_string_equal(str(j, "type"), "urn:fuyou:problem:validation");
    assert_string_equal(str(j, "title"), fy_status_title(422));
    assert_true(zh_en(str(j, "title")));
    assert_true(zh_en(str(j, "detail")));
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 422);
    assert_string_equal(str(j, "instance"), "/api/v1/women");
    json_t *errs = json_object_get(j, "errors");
    assert_true(json_is_array(errs));
    assert_int_equal(json_array_size(errs), 2);
    json_t *e0 = json_array_get(errs, 0), *e1 = json_array_get(errs, 1);
    assert_string_equal(str(e0, "field"), "phone");
    assert_string_equal(str(e0, "code"), "phone");
    assert_string_equal(str(e0, "message"),
                        "手机号码应为以1开头的11位数字 (phone must be 11 digits starting with 1)");
    assert_string_equal(str(e1, "field"), "residence_district");
    assert_string_equal(str(e1, "code"), "district");
    json_decref(j);
    buf_free(&r.body);
}

static void plain_problem_has_every_member(void **state)
{
    (void)state;
    fy_err_t e = {0};
    assert_int_equal(fy_fail(&e, 403, "forbidden", "当前角色无权执行此操作 (your role may not do this)"), -1);
    assert_true(fy_has_error(&e));
    http_resp_t r;
    json_t *j = render(&e, NULL, &r);
    assert_int_equal(r.status, 403);
    assert_string_equal(str(j, "type"), "urn:fuyou:problem:forbidden");
    assert_string_equal(str(j, "detail"), "当前角色无权执行此操作 (your role may not do this)");
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 403);
    assert_null(json_object_get(j, "instance"));
    assert_true(json_is_array(json_object_get(j, "errors")));
    assert_int_equal(json_array_size(json_object_get(j, "errors")), 0);
    json_decref(j);
    buf_free(&r.body);
}

static void no_status_is_500_with_defaults(void **state)
{
    (void)state;
    fy_err_t e = {0};
    assert_false(fy_has_error(&e));
    http_resp_t r;
    json_t *j = render(&e, NULL, &r);
    assert_int_equal(r.status, 500);
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 500);
    assert_true(zh_en(str(j, "title")));
    assert_true(zh_en(str(j, "detail")));
    assert_true(strlen(str(j, "type")) > 0);
    json_decref(j);
    buf_free(&r.body);
}

static void extra_member(void **state)
{
    (void)state;
    fy_err_t e = {0};
    fy_fail(&e, 409, "duplicate_id_number", "该证件号码已登记 (this ID number is already registered)");
    snprintf(e.extra, sizeof e.extra, "\"existing_id\":\"12\"");
    http_resp_t r;
    json_t *j = render(&e, "/api/v1/women", &r);
    assert_string_equal(str(j, "existing_id"), "12");
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 409);
    json_decref(j);
    buf_free(&r.body);
}

static void field_keeps_an_earlier_status(void **state)
{
    (void)state;
    fy_err_t e = {0};
    fy_fail(&e, 409, "conflict", "冲突 (conflict)");
    fy_field(&e, "id_number", "dup", "重复 (duplicate)");
    assert_int_equal(e.status, 409);
    assert_string_equal(e.code, "conflict");
    assert_int_equal(e.n, 1);
}

static void escaping(void **state)
{
    (void)state;
    static const char nasty[] = "引号\"反斜杠\\ 换行\n 制表\t 铃\x01 删除\x7f </script><b>&amp; (quotes and controls)";
    fy_err_t e = {0};
    fy_fail(&e, 400, "bad\"code", "%s", nasty);
    fy_field(&e, "na\"me\\", "c\x02", "%s", nasty);
    e.status = 400;
    http_resp_t r;
    json_t *j = render(&e, "/api/v1/\"x\"\\y\n", &r);
    assert_string_equal(str(j, "detail"), nasty);
    assert_string_equal(str(j, "instance"), "/api/v1/\"x\"\\y\n");
    assert_string_equal(str(j, "type"), "urn:fuyou:problem:bad\"code");
    json_t *e0 = json_array_get(json_object_get(j, "errors"), 0);
    assert_string_equal(str(e0, "field"), "na\"me\\");
    assert_string_equal(str(e0, "code"), "c\x02");
    assert_string_equal(str(e0, "message"), nasty);
    /* no raw control character and no markup reaches the wire */
    for (const unsigned char *p = (const unsigned char *)r.body.p; *p; p++)
        assert_true(*p >= 0x20);
    assert_null(strstr(r.body.p, "<script"));
    assert_null(strstr(r.body.p, "</"));
    json_decref(j);
    buf_free(&r.body);
}

static void bytes_that_are_not_utf8(void **state)
{
    (void)state;
    /* a client can put any byte in a path (%FF decodes to 0xFF) */
    fy_err_t e = {0};
    fy_fail(&e, 404, "not_found", "没有这个地址 (no such path: %s)", "/api/\xff\xfe/\xe5\xa6");
    http_resp_t r;
    json_t *j = render(&e, "/api/\xff\xfe/\xe5\xa6", &r);
    assert_non_null(strstr(str(j, "detail"), "没有这个地址"));
    assert_non_null(strstr(str(j, "instance"), "/api/"));
    json_decref(j);
    buf_free(&r.body);
}

static void long_chinese_text_is_cut_on_a_character(void **state)
{
    (void)state;
    /* detail holds 400 bytes: a long Chinese message must not be cut inside
     * a three-byte character (the body would not be UTF-8) */
    char lng[2048] = "";
    for (int i = 0; i < 200; i++)
        strcat(lng, "妇幼");
    for (int shift = 0; shift < 3; shift++) {
        fy_err_t e = {0};
        fy_fail(&e, 404, "not_found", "%.*s没有这个地址 %s (no such path)", shift, "abc", lng);
        fy_field(&e, "x", "y", "%.*s%s (message)", shift, "abc", lng);
        http_resp_t r;
        json_t *j = render(&e, NULL, &r);
        assert_true(strlen(str(j, "detail")) < sizeof e.detail);
        assert_true(strlen(str(json_array_get(json_object_get(j, "errors"), 0), "message")) <
                    sizeof e.fields[0].message);
        json_decref(j);
        buf_free(&r.body);
    }
}

static void too_many_fields(void **state)
{
    (void)state;
    fy_err_t e = {0};
    for (int i = 0; i < FY_ERR_MAX_FIELDS + 10; i++)
        fy_field(&e, "f", "c", "第 %d 项 (item %d)", i, i);
    assert_int_equal(e.n, FY_ERR_MAX_FIELDS);
    http_resp_t r;
    json_t *j = render(&e, NULL, &r);
    assert_int_equal(json_array_size(json_object_get(j, "errors")), FY_ERR_MAX_FIELDS);
    json_decref(j);
    buf_free(&r.body);
}

static void titles(void **state)
{
    (void)state;
    static const int statuses[] = {400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 428, 429, 500, 503, 418};
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        const char *t = fy_status_title(statuses[i]);
        if (!zh_en(t))
            fail_msg("title of %d: %s", statuses[i], t);
    }
    assert_string_not_equal(fy_status_title(401), fy_status_title(403));
    assert_string_equal(fy_status_title(502), fy_status_title(500));
}

static void json_reply(void **state)
{
    (void)state;
    http_resp_t r = {0};
    http_json(&r, 201, "{\"id\":\"1\"}", 10);
    assert_int_equal(r.status, 201);
    assert_non_null(strstr(r.content_type, "application/json"));
    assert_string_equal(r.body.p, "{\"id\":\"1\"}");
    /* a problem replaces a body already written */
    fy_err_t e = {0};
    fy_fail(&e, 503, "store", "数据库暂不可用 (the database is unavailable)");
    http_problem(&r, &e, NULL);
    assert_int_equal(r.status, 503);
    assert_null(strstr(r.body.p, "\"id\":\"1\""));
    assert_true(r.body.p[0] == '{');
    buf_free(&r.body);
    for (int i = 0; i < HTTP_MAX_HEADERS + 3; i++)
        http_add_header(&r, "X-A", "b");
    assert_int_equal(r.nheaders, HTTP_MAX_HEADERS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(validation_problem),
        cmocka_unit_test(plain_problem_has_every_member),
        cmocka_unit_test(no_status_is_500_with_defaults),
        cmocka_unit_test(extra_member),
        cmocka_unit_test(field_keeps_an_earlier_status),
        cmocka_unit_test(escaping),
        cmocka_unit_test(bytes_that_are_not_utf8),
        cmocka_unit_test(long_chinese_text_is_cut_on_a_character),
        cmocka_unit_test(too_many_fields),
        cmocka_unit_test(titles),
        cmocka_unit_test(json_reply),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
