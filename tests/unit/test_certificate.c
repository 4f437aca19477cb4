/* Tests for domain/certificate.c (the certificate number: 1 capital letter
 * + 9 digits, blocks, the next number of a block, the one-stop's step
 * states), domain/screening.c (the rule file), the child-name rule at its
 * edges, and the PDF renderer's GBK conversion and output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/certificate_pdf.h"
#include "domain/certificate.h"
#include "domain/pregnancy.h"
#include "domain/screening.h"

static void format_published_example(void **state)
{
    char out[CERT_NUMBER_LEN + 1];
    assert_true(cert_number_format('X', 320101001, out));
    assert_string_equal(out, "X320101001");
    assert_true(cert_number_format('A', 0, out));
    assert_string_equal(out, "A000000000");
    assert_true(cert_number_format('Z', 999999999, out));
    assert_string_equal(out, "Z999999999");
    assert_true(cert_number_format('B', 7, out));
    assert_string_equal(out, "B000000007");
}

static void format_refuses_out_of_range(void **state)
{
    char out[CERT_NUMBER_LEN + 1];
    assert_false(cert_number_format('X', 1000000000LL, out)); /* ten digits */
    assert_false(cert_number_format('X', -1, out));
    assert_false(cert_number_format('x', 1, out)); /* lower case */
    assert_false(cert_number_format('1', 1, out));
    assert_false(cert_number_format('@', 1, out)); /* just below A */
    assert_false(cert_number_format('[', 1, out)); /* just above Z */
    assert_true(cert_letter_ok('A') && cert_letter_ok('Z'));
}

static void parse_round_trip_and_edges(void **state)
{
    char l;
    int64_t seq;
    assert_true(cert_number_parse("X320101001", &l, &seq));
    assert_int_equal(l, 'X');
    assert_int_equal(seq, 320101001);
    assert_true(cert_number_parse("A000000000", &l, &seq));
    assert_int_equal(seq, 0);
    for (int64_t v = 0; v < 2000; v += 7) {
        char out[CERT_NUMBER_LEN + 1];
        cert_number_format('M', v * 499979, out);
        assert_true(cert_number_parse(out, &l, &seq));
        assert_int_equal(seq, v * 499979);
        assert_int_equal(l, 'M');
    }
    assert_false(cert_number_parse("X32010100", &l, &seq));   /* 8 digits */
    assert_false(cert_number_parse("X3201010011", &l, &seq)); /* 10 digits */
    assert_false(cert_number_parse("x320101001", &l, &seq));  /* lower case */
    assert_false(cert_number_parse("XX20101001", &l, &seq));  /* two letters */
    assert_false(cert_number_parse("X32010100A", &l, &seq));
    assert_false(cert_number_parse("X 20101001", &l, &seq));
    assert_false(cert_number_parse("", &l, &seq));
    assert_false(cert_number_parse(NULL, &l, &seq));
}

static void next_in_block(void **state)
{
    /* a block 100..102 hands out 100, 101, 102 and then nothing */
    assert_int_equal(cert_block_next(100, 102, 100), 100);
    assert_int_equal(cert_block_next(100, 102, 101), 101);
    assert_int_equal(cert_block_next(100, 102, 102), 102);
    assert_int_equal(cert_block_next(100, 102, 103), -1);
    assert_int_equal(cert_block_next(100, 102, 99), -1); /* a pointer before the block is corrupt */
    /* a one-number block */
    assert_int_equal(cert_block_next(5, 5, 5), 5);
    assert_int_equal(cert_block_next(5, 5, 6), -1);
}

static void overlap(void **state)
{
    assert_true(cert_blocks_overlap(1, 100, 100, 200));  /* share one number */
    assert_false(cert_blocks_overlap(1, 100, 101, 200)); /* adjacent */
    assert_true(cert_blocks_overlap(50, 60, 1, 100));    /* inside */
    assert_true(cert_blocks_overlap(1, 100, 50, 60));    /* around */
    assert_false(cert_blocks_overlap(201, 300, 1, 200)); /* after */
    assert_true(cert_blocks_overlap(7, 7, 7, 7));
}

static void id_types(void **state)
{
    assert_string_equal(cert_id_type_label("resident_id"), "居民身份证");
    assert_string_equal(cert_id_type_label("passport"), "护照");
    assert_non_null(cert_id_type_label("hk_macao_permit"));
    assert_non_null(cert_id_type_label("taiwan_permit"));
    assert_non_null(cert_id_type_label("household_booklet"));
    assert_null(cert_id_type_label("driving_licence"));
    assert_null(cert_id_type_label(NULL));
}

static void steps(void **state)
{
    assert_int_equal(cert_step_index("household_registration"), 0);
    assert_int_equal(cert_step_index("medical_insurance"), 1);
    assert_int_equal(cert_step_index("social_security_card"), 2);
    assert_int_equal(cert_step_index("passport"), -1);
    assert_true(cert_step_transition_ok("pending", "sent"));
    assert_true(cert_step_transition_ok("sent", "done"));
    assert_true(cert_step_transition_ok("pending", "failed"));
    assert_true(cert_step_transition_ok("failed", "pending")); /* retry */
    assert_true(cert_step_transition_ok("failed", "sent"));
    assert_true(cert_step_transition_ok("sent", "sent")); /* detail only */
    assert_true(cert_step_transition_ok("done", "done"));
    assert_false(cert_step_transition_ok("done", "failed")); /* done is final */
    assert_false(cert_step_transition_ok("done", "pending"));
    assert_false(cert_step_transition_ok("sent", "pending"));
}

static void child_name_edges(void **state)
{
    const char *why;
    assert_true(preg_child_name_ok("王", &why));                                /* 1 character */
    assert_true(preg_child_name_ok("王一二三四五六七八九十一二三四", &why));    /* 15 */
    assert_false(preg_child_name_ok("王一二三四五六七八九十一二三四五", &why)); /* 16 */
    assert_false(preg_child_name_ok("", &why));
    assert_false(preg_child_name_ok("Wang", &why));
    assert_false(preg_child_name_ok("王小明2", &why));
    assert_false(preg_child_name_ok("王 小明", &why));
    assert_false(preg_child_name_ok("wáng", &why)); /* pinyin */
    assert_true(preg_child_name_ok("阿依·买买提", &why));
    assert_false(preg_child_name_ok("·阿依", &why));
    assert_false(preg_child_name_ok("阿依·", &why));
}

static void screening_rules(void **state)
{
    screening_rules_t *r;
    char err[256];
    assert_int_equal(screening_rules_load("data", &r, err, sizeof err), 0);
    assert_int_equal(screening_unscreened_after_days(r), 7);
    assert_true(screening_opens_recall(r, "positive"));
    assert_true(screening_opens_recall(r, "refer"));
    assert_false(screening_opens_recall(r, "negative"));
    assert_false(screening_opens_recall(r, "refused"));
    assert_false(screening_opens_recall(r, "pos"));
    assert_true(screening_counts_as_screened(r, "negative"));
    assert_false(screening_counts_as_screened(r, "not_done"));
    assert_true(screening_required(r, "metabolic"));
    assert_true(screening_required(r, "hearing"));
    assert_false(screening_required(r, "chd"));
    const scr_kind_t *k = screening_kind(r, "metabolic");
    assert_non_null(k);
    assert_non_null(screening_panel(k, "BASIC"));
    assert_null(screening_panel(k, "oae"));
    /* a blood spot at 71 h is early, at 72 h it is not */
    assert_true(screening_sample_early(k, 0, 71LL * 3600 * 1000));
    assert_false(screening_sample_early(k, 0, 72LL * 3600 * 1000));
    assert_false(screening_sample_early(k, 0, 0)); /* not sampled */
    assert_null(screening_kind(r, "vision"));
    screening_rules_free(r);
    assert_int_equal(screening_rules_load("no-such-dir", &r, err, sizeof err), -1);
}

static void gbk(void **state)
{
    char *g = cert_pdf_gbk("中A");
    assert_int_equal(strlen(g), 3);
    assert_int_equal((unsigned char)g[0], 0xD6); /* 中 = D6D0 in GBK */
    assert_int_equal((unsigned char)g[1], 0xD0);
    assert_int_equal(g[2], 'A');
    free(g);
    g = cert_pdf_gbk("a😀b"); /* not in GBK */
    assert_string_equal(g, "a?b");
    free(g);
}

static void pdf_holds_the_number(void **state)
{
    json_t *p = json_pack("{s:s, s:{s:s, s:s, s:s, s:i, s:i, s:f, s:{s:s, s:s, s:s}, s:s}, s:{s:s, s:i, s:s, s:s, "
                          "s:s, s:s, s:s}, s:n, s:s, s:s}",
                          "number", "X320101001", "child", "name", "王小明", "sex_label", "男 (male)", "born_at_text",
                          "2025年03月01日08时30分", "ga_weeks", 39, "weight_g", 3200, "length_cm", 50.0, "birth_place",
                          "province", "上海市", "city", "上海市", "district", "徐汇区", "institution_name", "某医院",
                          "mother", "name", "李芳", "age", 30, "nationality", "中国", "ethnicity", "汉族", "address",
                          "徐汇区某路1号", "id_type_label", "居民身份证", "id_number", "11010519491231002X", "father",
                          "issue_date_text", "2025年03月05日", "issuing_institution_name", "某医院");
    assert_non_null(p);
    buf_t out = {0};
    char err[200];
    assert_int_equal(cert_pdf_render(p, false, &out, err, sizeof err), 0);
    assert_true(out.len > 1000);
    assert_memory_equal(out.p, "%PDF", 4);
    assert_non_null(memmem(out.p, out.len, "X320101001", 10));
    buf_free(&out);
    json_decref(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(format_published_example),
        cmocka_unit_test(format_refuses_out_of_range),
        cmocka_unit_test(parse_round_trip_and_edges),
        cmocka_unit_test(next_in_block),
        cmocka_unit_test(overlap),
        cmocka_unit_test(id_types),
        cmocka_unit_test(steps),
        cmocka_unit_test(child_name_edges),
        cmocka_unit_test(screening_rules),
        cmocka_unit_test(gbk),
        cmocka_unit_test(pdf_holds_the_number),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
