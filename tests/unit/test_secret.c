/* Tests for base/secret.c: argon2id password hashes, session tokens
 * (256 random bits as base64url) and their SHA-256. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/secret.h"

static int init(void **state)
{
    (void)state;
    return secret_init();
}

static void hash_and_verify(void **state)
{
    (void)state;
    char h[SECRET_HASH_MAX];
    memset(h, 'q', sizeof h);
    assert_int_equal(secret_password_hash("correct horse battery 9", h), 0);
    assert_non_null(memchr(h, 0, sizeof h));
    assert_true(strncmp(h, "$argon2id$", 10) == 0);
    assert_null(strstr(h, "correct horse"));
    assert_true(secret_password_verify(h, "correct horse battery 9"));
    /* wrong passwords: different, prefix, longer, case */
    assert_false(secret_password_verify(h, "correct horse battery 8"));
    assert_false(secret_password_verify(h, "correct horse battery "));
    assert_false(secret_password_verify(h, "correct horse battery 99"));
    assert_false(secret_password_verify(h, "Correct horse battery 9"));
    assert_false(secret_password_verify(h, ""));
}

static void salted(void **state)
{
    (void)state;
    char a[SECRET_HASH_MAX], b[SECRET_HASH_MAX];
    assert_int_equal(secret_password_hash("same password", a), 0);
    assert_int_equal(secret_password_hash("same password", b), 0);
    assert_string_not_equal(a, b);
    assert_true(secret_password_verify(a, "same password"));
    assert_true(secret_password_verify(b, "same password"));
}

static void unicode_password(void **state)
{
    (void)state;
    char h[SECRET_HASH_MAX];
    assert_int_equal(secret_password_hash("妇幼健康平台密码", h), 0);
    assert_true(secret_password_verify(h, "妇幼健康平台密码"));
    assert_false(secret_password_verify(h, "妇幼健康平台密"));
}

static void verify_refuses_bad_hashes(void **state)
{
    (void)state;
    assert_false(secret_password_verify(NULL, "x"));
    assert_false(secret_password_verify("", "x"));
    assert_false(secret_password_verify("plain text", "plain text"));
    assert_false(secret_password_verify("$argon2id$v=19$m=65536,t=2,p=1$garbage", "x"));
}

static bool is_b64url(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
              *s == '_'))
            return false;
    return true;
}

#define NTOK 2000

static int cmp_tok(const void *a, const void *b) { return strcmp(a, b); }

static void tokens_unique_and_well_formed(void **state)
{
    (void)state;
    char(*t)[SECRET_TOKEN_LEN + 1] = calloc(NTOK, sizeof *t);
    assert_non_null(t);
    for (int i = 0; i < NTOK; i++) {
        uint8_t h[32], again[32];
        secret_token_new(t[i], h);
        assert_int_equal(strlen(t[i]), SECRET_TOKEN_LEN);
        assert_true(is_b64url(t[i]));
        /* the hash handed out is the hash of the text */
        secret_token_hash(t[i], again);
        assert_memory_equal(h, again, 32);
    }
    qsort(t, NTOK, sizeof *t, cmp_tok);
    for (int i = 1; i < NTOK; i++)
        assert_string_not_equal(t[i - 1], t[i]);
    /* 256 bits: the 43rd character carries only 4 bits, so it is one of 16 */
    int last[128] = {0};
    for (int i = 0; i < NTOK; i++)
        last[(int)t[i][42]]++;
    int distinct = 0;
    for (int i = 0; i < 128; i++)
        distinct += last[i] > 0;
    assert_true(distinct <= 16 && distinct >= 8);
    free(t);
}

static void token_hash_is_sha256(void **state)
{
    (void)state;
    /* FIPS 180-2 test vector: SHA-256("abc") */
    static const uint8_t abc[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
                                    0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
                                    0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    uint8_t h[32], h2[32];
    secret_token_hash("abc", h);
    assert_memory_equal(h, abc, 32);
    /* stable, and sensitive to one character */
    secret_token_hash("kR3x0lVQbqJ1m2n3o4p5q6r7s8t9u0v1w2x3y4z5A6B", h);
    secret_token_hash("kR3x0lVQbqJ1m2n3o4p5q6r7s8t9u0v1w2x3y4z5A6B", h2);
    assert_memory_equal(h, h2, 32);
    secret_token_hash("kR3x0lVQbqJ1m2n3o4p5q6r7s8t9u0v1w2x3y4z5A6C", h2);
    assert_memory_not_equal(h, h2, 32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hash_and_verify),
        cmocka_unit_test(salted),
        cmocka_unit_test(unicode_password),
        cmocka_unit_test(verify_refuses_bad_hashes),
        cmocka_unit_test(tokens_unique_and_well_formed),
        cmocka_unit_test(token_hash_is_sha256),
    };
    return cmocka_run_group_tests(tests, init, NULL);
}
