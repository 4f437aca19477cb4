/* Shape and consistency checks of the reference data in data/. Run with the
 * repository root as working directory. Only jansson is used, so a data
 * editor can run this without building the program. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#define N_DISTRICTS 16

static json_t *load(const char *path)
{
    json_error_t e;
    json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
    if (!j)
        fail_msg("%s: line %d: %s", path, e.line, e.text);
    assert_true(json_is_object(j));
    return j;
}

static const char *str(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v) || json_string_length(v) == 0)
        fail_msg("field %s must be a non-empty string", key);
    return json_string_value(v);
}

static json_t *arr(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_array(v) || json_array_size(v) == 0)
        fail_msg("field %s must be a non-empty array", key);
    return v;
}

/* The 16 district codes, in file order. */
static char g_codes[N_DISTRICTS][7];

static int district_index(const char *code)
{
    for (int i = 0; i < N_DISTRICTS; i++)
        if (strcmp(g_codes[i], code) == 0)
            return i;
    return -1;
}

static int setup_districts(void **state)
{
    (void)state;
    json_t *root = load("data/districts.json");
    json_t *d = arr(root, "districts");
    assert_int_equal(json_array_size(d), N_DISTRICTS);
    for (size_t i = 0; i < N_DISTRICTS; i++) {
        const char *code = str(json_array_get(d, i), "code");
        assert_int_equal(strlen(code), 6);
        strcpy(g_codes[i], code);
    }
    json_decref(root);
    return 0;
}

static void test_districts(void **state)
{
    (void)state;
    json_t *root = load("data/districts.json");
    str(root, "version");
    str(root, "source");
    str(root, "mark");
    json_t *d = arr(root, "districts");
    assert_int_equal(json_array_size(d), N_DISTRICTS);
    double total = 0, max = 0;
    const char *largest = "";
    for (size_t i = 0; i < N_DISTRICTS; i++) {
        json_t *e = json_array_get(d, i);
        const char *code = str(e, "code");
        assert_int_equal(strncmp(code, "310", 3), 0);
        for (size_t k = 0; k < 6; k++)
            assert_true(code[k] >= '0' && code[k] <= '9');
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(code, str(json_array_get(d, k), "code"));
        const char *name = str(e, "name");
        assert_non_null(strstr(name, "区")); /* every Shanghai county became a district */
        str(e, "name_en");
        json_t *w = json_object_get(e, "population_weight");
        assert_true(json_is_number(w));
        double x = json_number_value(w);
        assert_true(x > 0);
        total += x;
        if (x > max) {
            max = x;
            largest = code;
        }
    }
    assert_string_equal(largest, "310115"); /* Pudong */
    /* 2020 census: about 24.87 million residents */
    assert_true(total > 2400 && total < 2600);
    assert_int_equal(district_index("310115"), 10);
    assert_int_equal(district_index("310108"), -1); /* old Zhabei, merged into Jing'an */
    json_decref(root);
}

static bool has_type(json_t *inst, const char *type)
{
    json_t *types = json_object_get(inst, "types");
    size_t i;
    json_t *t;
    json_array_foreach(types, i, t) if (strcmp(json_string_value(t), type) == 0) return true;
    return false;
}

static json_t *find_inst(json_t *list, const char *id)
{
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) if (strcmp(str(e, "id"), id) == 0) return e;
    return NULL;
}

static void test_institutions(void **state)
{
    (void)state;
    static const char *known[] = {"community_health_center", "delivery_hospital", "mch_institute",
                                  "maternal_rescue_center", "newborn_rescue_center"};
    json_t *root = load("data/institutions.json");
    str(root, "version");
    str(root, "note");
    json_t *list = arr(root, "institutions");
    int n_maternal = 0, n_newborn = 0;
    int mch[N_DISTRICTS] = {0}, chc[N_DISTRICTS] = {0}, delivery[N_DISTRICTS] = {0};
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        const char *id = str(e, "id");
        for (const char *p = id; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
                fail_msg("id %s: use lower-case ASCII, digits and '-'", id);
        for (size_t k = 0; k < i; k++)
            if (strcmp(id, str(json_array_get(list, k), "id")) == 0)
                fail_msg("duplicate institution id %s", id);
        str(e, "name");
        int d = district_index(str(e, "district"));
        if (d < 0)
            fail_msg("%s: district %s is not one of the 16", id, str(e, "district"));

        json_t *types = json_object_get(e, "types");
        assert_true(json_is_array(types) && json_array_size(types) > 0);
        size_t ti;
        json_t *t;
        json_array_foreach(types, ti, t)
        {
            assert_true(json_is_string(t));
            bool ok = false;
            for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
                ok |= strcmp(json_string_value(t), known[k]) == 0;
            if (!ok)
                fail_msg("%s: unknown type %s", id, json_string_value(t));
        }

        json_t *level = json_object_get(e, "level");
        assert_non_null(level); /* present, even if null */
        if (has_type(e, "delivery_hospital")) {
            if (!json_is_integer(level) ||
                (json_integer_value(level) != 2 && json_integer_value(level) != 3))
                fail_msg("%s: a delivery hospital needs level 2 or 3", id);
            delivery[d]++;
        }
        json_t *cap = json_object_get(e, "daily_capacity");
        assert_true(json_is_integer(cap) && json_integer_value(cap) >= 0);
        if (has_type(e, "delivery_hospital") || has_type(e, "community_health_center"))
            if (json_integer_value(cap) <= 0)
                fail_msg("%s: bookable institutions need a daily_capacity", id);

        const char *mark = str(e, "mark");
        assert_true(strcmp(mark, "S") == 0 || strcmp(mark, "U") == 0 ||
                    strcmp(mark, "sample") == 0);

        if (has_type(e, "mch_institute"))
            mch[d]++;
        if (has_type(e, "community_health_center")) {
            chc[d]++;
            assert_non_null(strstr(str(e, "name"), "社区卫生服务中心"));
        }
        if (has_type(e, "maternal_rescue_center")) {
            n_maternal++;
            /* all but the public-health centre are level-3 delivery hospitals */
            if (strcmp(id, "shphc") != 0) {
                assert_true(has_type(e, "delivery_hospital"));
                assert_int_equal(json_integer_value(level), 3);
            }
        }
        if (has_type(e, "newborn_rescue_center"))
            n_newborn++;
    }
    assert_int_equal(n_maternal, 7);
    assert_int_equal(n_newborn, 6);
    for (int d = 0; d < N_DISTRICTS; d++) {
        if (mch[d] != 1)
            fail_msg("district %s has %d MCH institutes", g_codes[d], mch[d]);
        if (chc[d] < 3 || chc[d] > 4)
            fail_msg("district %s has %d community centres", g_codes[d], chc[d]);
        if (delivery[d] < 1)
            fail_msg("district %s has no delivery hospital", g_codes[d]);
    }
    /* the seven of domain.md §6 and the one confirmed newborn centre */
    static const char *rescue[] = {"renji", "xinhua", "sh1", "sh6", "shphc", "ruijin", "zhongshan"};
    for (size_t k = 0; k < 7; k++) {
        json_t *r = find_inst(list, rescue[k]);
        assert_non_null(r);
        assert_true(has_type(r, "maternal_rescue_center"));
    }
    assert_true(has_type(find_inst(list, "fdch"), "newborn_rescue_center"));
    json_decref(root);
}

static void check_pairing(json_t *net, json_t *insts, const char *kind, const char *type,
                          size_t n_centres)
{
    json_t *pairs = arr(net, kind);
    assert_int_equal(json_array_size(pairs), n_centres);
    int seen[N_DISTRICTS] = {0};
    size_t i;
    json_t *p;
    json_array_foreach(pairs, i, p)
    {
        const char *centre = str(p, "center");
        json_t *inst = find_inst(insts, centre);
        if (!inst || !has_type(inst, type))
            fail_msg("%s: %s is not a %s in institutions.json", kind, centre, type);
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(centre, str(json_array_get(pairs, k), "center"));
        json_t *ds = arr(p, "districts");
        size_t j;
        json_t *d;
        json_array_foreach(ds, j, d)
        {
            int idx = district_index(json_string_value(d));
            if (idx < 0)
                fail_msg("%s: unknown district %s", kind, json_string_value(d));
            seen[idx]++;
        }
    }
    for (int d = 0; d < N_DISTRICTS; d++)
        if (seen[d] != 1)
            fail_msg("%s: district %s paired %d times", kind, g_codes[d], seen[d]);
}

static void test_rescue_network(void **state)
{
    (void)state;
    json_t *net = load("data/rescue-network.json");
    json_t *inst_root = load("data/institutions.json");
    json_t *insts = json_object_get(inst_root, "institutions");
    str(net, "version");
    str(net, "effective");
    str(net, "routing_rule");
    str(net, "note");
    /* the shipped pairing is not the official one and must say so */
    assert_true(json_is_true(json_object_get(net, "sample")));
    check_pairing(net, insts, "maternal", "maternal_rescue_center", 7);
    check_pairing(net, insts, "newborn", "newborn_rescue_center", 6);
    json_decref(inst_root);
    json_decref(net);
}

static void test_warning_signs(void **state)
{
    (void)state;
    static const struct {
        const char *band;
        int months;
    } want[] = {{"m3", 3},   {"m6", 6},   {"m8", 8},   {"m12", 12}, {"m18", 18}, {"m24", 24},
                {"m30", 30}, {"m36", 36}, {"y4", 48},  {"y5", 60},  {"y6", 72}};
    json_t *root = load("data/development/warning-signs.json");
    str(root, "source");
    str(root, "rule");
    json_t *bands = arr(root, "bands");
    assert_int_equal(json_array_size(bands), 11);
    for (size_t i = 0; i < 11; i++) {
        json_t *b = json_array_get(bands, i);
        assert_string_equal(str(b, "band"), want[i].band);
        assert_int_equal(json_integer_value(json_object_get(b, "age_months")), want[i].months);
        str(b, "name");
        json_t *items = arr(b, "items");
        assert_int_equal(json_array_size(items), 4);
        for (size_t k = 0; k < 4; k++) {
            json_t *it = json_array_get(items, k);
            char code[16];
            snprintf(code, sizeof code, "%s_%zu", want[i].band, k + 1);
            assert_string_equal(str(it, "code"), code);
            assert_true(strlen(str(it, "text")) >= 6); /* at least two CJK characters */
        }
    }
    /* spot checks against the published table */
    json_t *m3 = json_object_get(json_array_get(bands, 0), "items");
    assert_string_equal(str(json_array_get(m3, 0), "text"), "对很大声音没有反应");
    json_t *y6 = json_object_get(json_array_get(bands, 10), "items");
    assert_string_equal(str(json_array_get(y6, 3), "text"), "不会奔跑");
    json_decref(root);
}

static void test_transfer_indications(void **state)
{
    (void)state;
    json_t *root = load("data/newborn-transfer-indications.json");
    str(root, "version");
    str(root, "note");
    assert_string_equal(str(root, "mark"), "U");
    json_t *list = arr(root, "indications");
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        const char *code = str(e, "code");
        str(e, "text");
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(code, str(json_array_get(list, k), "code"));
    }
    json_decref(root);
}

static void test_schedule_files(void **state)
{
    (void)state;
    static const struct {
        const char *path, *id, *start;
        size_t windows;
    } files[] = {{"data/schedules/anc-national-2011.json", "anc-national-2011", "lmp", 5},
                 {"data/schedules/anc-cma-2018.json", "anc-cma-2018", "lmp", 11},
                 {"data/schedules/child-national.json", "child-national", "birth", 13}};
    for (size_t f = 0; f < 3; f++) {
        json_t *root = load(files[f].path);
        assert_string_equal(str(root, "id"), files[f].id);
        assert_string_equal(str(root, "start"), files[f].start);
        str(root, "version");
        str(root, "source");
        str(root, "convention");
        assert_true(json_is_integer(json_object_get(root, "grace_days")));
        assert_true(json_is_integer(json_object_get(root, "reminder_days_before")));
        json_t *w = arr(root, "windows");
        assert_int_equal(json_array_size(w), files[f].windows);
        json_decref(root);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_districts),
        cmocka_unit_test(test_institutions),
        cmocka_unit_test(test_rescue_network),
        cmocka_unit_test(test_warning_signs),
        cmocka_unit_test(test_transfer_indications),
        cmocka_unit_test(test_schedule_files),
    };
    return cmocka_run_group_tests(tests, setup_districts, NULL);
}
