#include "domain/schedule.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* Bounds that no real schedule comes near; they keep date arithmetic far
 * from overflow and catch a typo such as 2800 for 280. */
#define MAX_OFFSET_DAYS 3660
#define MAX_AGE_MONTHS 240
#define MAX_GRACE_DAYS 365

struct schedule {
    char *id, *version, *name, *source;
    schedule_start_t start;
    int grace_days, reminder_days;
    size_t n;
    schedule_window_t *windows;
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static char *dupstr(const char *s)
{
    size_t len = strlen(s) + 1;
    char *p = malloc(len);
    if (p)
        memcpy(p, s, len);
    return p;
}

/* Loader state: one place for the error text, so each check is one line. */
typedef struct {
    char *err;
    size_t errlen;
    int rc;
} ctx_t;

static int fail(ctx_t *c, int rc, const char *fmt, ...)
{
    c->rc = rc;
    if (c->err && c->errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err, c->errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

static int get_string(ctx_t *c, json_t *obj, const char *key, const char *where, bool required,
                      char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v) {
        if (required)
            return fail(c, SCHEDULE_ERR_CONTENT, "排程文件缺少字段 %s%s", where, key);
        return 0;
    }
    if (!json_is_string(v) || json_string_length(v) == 0)
        return fail(c, SCHEDULE_ERR_CONTENT, "排程文件字段 %s%s 必须是非空字符串", where, key);
    *out = dupstr(json_string_value(v));
    if (!*out)
        return fail(c, SCHEDULE_ERR_NOMEM, "内存不足");
    return 0;
}

static int get_int(ctx_t *c, json_t *obj, const char *key, const char *where, bool required,
                   int lo, int hi, int dflt, int *out)
{
    json_t *v = json_object_get(obj, key);
    *out = dflt;
    if (!v) {
        if (required)
            return fail(c, SCHEDULE_ERR_CONTENT, "排程文件缺少字段 %s%s", where, key);
        return 0;
    }
    if (!json_is_integer(v))
        return fail(c, SCHEDULE_ERR_CONTENT, "排程文件字段 %s%s 必须是整数", where, key);
    json_int_t x = json_integer_value(v);
    if (x < lo || x > hi)
        return fail(c, SCHEDULE_ERR_CONTENT, "排程文件字段 %s%s 超出范围 %d～%d", where, key, lo,
                    hi);
    *out = (int)x;
    return 0;
}

static void free_window(schedule_window_t *w)
{
    free((char *)w->name);
    free((char *)w->source);
    if (w->tests) {
        for (size_t i = 0; i < w->n_tests; i++) {
            free((char *)w->tests[i].code);
            free((char *)w->tests[i].name);
        }
        free((schedule_test_t *)w->tests);
    }
}

void schedule_free(schedule_t *s)
{
    if (!s)
        return;
    if (s->windows) {
        for (size_t i = 0; i < s->n; i++)
            free_window(&s->windows[i]);
        free(s->windows);
    }
    free(s->id);
    free(s->version);
    free(s->name);
    free(s->source);
    free(s);
}

static int load_test(ctx_t *c, json_t *jt, const char *where, schedule_test_t *t)
{
    char *code = NULL, *name = NULL;
    if (!json_is_object(jt))
        return fail(c, SCHEDULE_ERR_CONTENT, "排程文件 %s 必须是对象", where);
    if (get_string(c, jt, "code", where, true, &code) < 0)
        return c->rc;
    t->code = code;
    if (get_string(c, jt, "name", where, true, &name) < 0)
        return c->rc;
    t->name = name;
    bool has_from = json_object_get(jt, "from_days") != NULL;
    bool has_to = json_object_get(jt, "to_days") != NULL;
    if (has_from != has_to)
        return fail(c, SCHEDULE_ERR_CONTENT, "排程文件 %s 的 from_days 与 to_days 须同时给出", where);
    t->timed = has_from;
    if (t->timed) {
        if (get_int(c, jt, "from_days", where, true, -MAX_OFFSET_DAYS, MAX_OFFSET_DAYS, 0,
                    &t->from_days) < 0 ||
            get_int(c, jt, "to_days", where, true, -MAX_OFFSET_DAYS, MAX_OFFSET_DAYS, 0,
                    &t->to_days) < 0)
            return c->rc;
        if (t->from_days > t->to_days)
            return fail(c, SCHEDULE_ERR_CONTENT, "排程文件 %s 的 from_days 大于 to_days", where);
    }
    return 0;
}

static int load_window(ctx_t *c, json_t *jw, size_t i, const char *dflt_source, int prev_seq,
                       schedule_window_t *w)
{
    char where[48];
    snprintf(where, sizeof where, "windows[%zu].", i);
    if (!json_is_object(jw))
        return fail(c, SCHEDULE_ERR_CONTENT, "排程文件 windows[%zu] 必须是对象", i);

    if (get_int(c, jw, "seq", where, true, 1, 1000, 0, &w->seq) < 0)
        return c->rc;
    if (i > 0 && w->seq <= prev_seq)
        return fail(c, SCHEDULE_ERR_CONTENT, "排程文件 windows[%zu].seq=%d 未按升序排列（上一项为 %d）",
                    i, w->seq, prev_seq);
    char *name = NULL, *source = NULL;
    if (get_string(c, jw, "name", where, true, &name) < 0)
        return c->rc;
    w->name = name;
    if (get_int(c, jw, "age_months", where, false, 0, MAX_AGE_MONTHS, 0, &w->age_months) < 0 ||
        get_int(c, jw, "from_days", where, true, -MAX_OFFSET_DAYS, MAX_OFFSET_DAYS, 0,
                &w->from_days) < 0 ||
        get_int(c, jw, "to_days", where, true, -MAX_OFFSET_DAYS, MAX_OFFSET_DAYS, 0,
                &w->to_days) < 0)
        return c->rc;
    if (w->from_days > w->to_days)
        return fail(c, SCHEDULE_ERR_CONTENT, "排程文件 windows[%zu] 的 from_days（%d）大于 to_days（%d）",
                    i, w->from_days, w->to_days);
    if (get_string(c, jw, "source", where, false, &source) < 0)
        return c->rc;
    /* Every window carries a source so the UI can always say why it is due. */
    if (!source) {
        if (!dflt_source)
            return fail(c, SCHEDULE_ERR_CONTENT, "排程文件 windows[%zu] 缺少 source，且文件无总 source", i);
        source = dupstr(dflt_source);
        if (!source)
            return fail(c, SCHEDULE_ERR_NOMEM, "内存不足");
    }
    w->source = source;

    json_t *jtests = json_object_get(jw, "tests");
    if (!jtests)
        return 0;
    if (!json_is_array(jtests))
        return fail(c, SCHEDULE_ERR_CONTENT, "排程文件 windows[%zu].tests 必须是数组", i);
    size_t nt = json_array_size(jtests);
    if (nt == 0)
        return 0;
    schedule_test_t *tests = calloc(nt, sizeof *tests);
    if (!tests)
        return fail(c, SCHEDULE_ERR_NOMEM, "内存不足");
    w->tests = tests;
    w->n_tests = nt;
    for (size_t k = 0; k < nt; k++) {
        char twhere[64];
        snprintf(twhere, sizeof twhere, "windows[%zu].tests[%zu].", i, k);
        if (load_test(c, json_array_get(jtests, k), twhere, &tests[k]) < 0)
            return c->rc;
        for (size_t j = 0; j < k; j++)
            if (strcmp(tests[j].code, tests[k].code) == 0)
                return fail(c, SCHEDULE_ERR_CONTENT, "排程文件 windows[%zu].tests 中 code “%s” 重复",
                            i, tests[k].code);
    }
    return 0;
}

static int load_root(ctx_t *c, json_t *root, schedule_t *s)
{
    if (!json_is_object(root))
        return fail(c, SCHEDULE_ERR_CONTENT, "排程文件顶层必须是 JSON 对象");
    if (get_string(c, root, "id", "", true, &s->id) < 0 ||
        get_string(c, root, "version", "", true, &s->version) < 0 ||
        get_string(c, root, "name", "", false, &s->name) < 0 ||
        get_string(c, root, "source", "", false, &s->source) < 0)
        return c->rc;

    json_t *jstart = json_object_get(root, "start");
    const char *start = json_is_string(jstart) ? json_string_value(jstart) : NULL;
    if (start && strcmp(start, "lmp") == 0)
        s->start = SCHEDULE_FROM_LMP;
    else if (start && strcmp(start, "birth") == 0)
        s->start = SCHEDULE_FROM_BIRTH;
    else
        return fail(c, SCHEDULE_ERR_CONTENT, "排程文件字段 start 必须是 \"lmp\" 或 \"birth\"");

    if (get_int(c, root, "grace_days", "", true, 0, MAX_GRACE_DAYS, 0, &s->grace_days) < 0 ||
        get_int(c, root, "reminder_days_before", "", true, 0, MAX_GRACE_DAYS, 0,
                &s->reminder_days) < 0)
        return c->rc;

    json_t *jwin = json_object_get(root, "windows");
    if (!json_is_array(jwin) || json_array_size(jwin) == 0)
        return fail(c, SCHEDULE_ERR_CONTENT, "排程文件字段 windows 必须是非空数组");
    size_t n = json_array_size(jwin);
    s->windows = calloc(n, sizeof *s->windows);
    if (!s->windows)
        return fail(c, SCHEDULE_ERR_NOMEM, "内存不足");
    s->n = n;
    for (size_t i = 0; i < n; i++) {
        int prev = i > 0 ? s->windows[i - 1].seq : 0;
        if (load_window(c, json_array_get(jwin, i), i, s->source, prev, &s->windows[i]) < 0)
            return c->rc;
    }
    return 0;
}

int schedule_load(const char *path, schedule_t **out, char *err, size_t errlen)
{
    ctx_t c = {err, errlen, 0};
    *out = NULL;
    set_err(err, errlen, "%s", "");

    FILE *f = fopen(path, "rb");
    if (!f) {
        set_err(err, errlen, "无法打开排程文件 %s：%s", path, strerror(errno));
        return SCHEDULE_ERR_IO;
    }
    json_error_t jerr;
    /* Duplicate keys in reference data are always a mistake: which one wins
     * would be the parser's choice, not the editor's. */
    json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
    fclose(f);
    if (!root) {
        set_err(err, errlen, "排程文件 %s 不是有效的 JSON（第 %d 行第 %d 列）：%s", path, jerr.line,
                jerr.column, jerr.text);
        return SCHEDULE_ERR_JSON;
    }

    schedule_t *s = calloc(1, sizeof *s);
    if (!s) {
        json_decref(root);
        set_err(err, errlen, "内存不足");
        return SCHEDULE_ERR_NOMEM;
    }
    int rc = load_root(&c, root, s);
    json_decref(root);
    if (rc < 0) {
        schedule_free(s);
        return rc;
    }
    *out = s;
    return SCHEDULE_OK;
}

const char *schedule_id(const schedule_t *s) { return s->id; }
const char *schedule_version(const schedule_t *s) { return s->version; }
const char *schedule_name(const schedule_t *s) { return s->name ? s->name : s->id; }
const char *schedule_source(const schedule_t *s) { return s->source ? s->source : ""; }
schedule_start_t schedule_start(const schedule_t *s) { return s->start; }
int schedule_grace_days(const schedule_t *s) { return s->grace_days; }
int schedule_reminder_days(const schedule_t *s) { return s->reminder_days; }
size_t schedule_count(const schedule_t *s) { return s->n; }

const schedule_window_t *schedule_at(const schedule_t *s, size_t i)
{
    return i < s->n ? &s->windows[i] : NULL;
}

int schedule_find_seq(const schedule_t *s, int seq)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->windows[i].seq == seq)
            return (int)i;
    return -1;
}

static fy_date_t anchor(const schedule_window_t *w, fy_date_t start)
{
    return w->age_months ? fy_date_add_months(start, w->age_months) : start;
}

void schedule_window_dates(const schedule_window_t *w, fy_date_t start, fy_date_t *opens,
                           fy_date_t *closes)
{
    fy_date_t a = anchor(w, start);
    *opens = a + w->from_days;
    *closes = a + w->to_days;
}

void schedule_test_dates(const schedule_window_t *w, const schedule_test_t *t, fy_date_t start,
                         fy_date_t *from, fy_date_t *to)
{
    if (!t->timed) {
        schedule_window_dates(w, start, from, to);
        return;
    }
    fy_date_t a = anchor(w, start);
    *from = a + t->from_days;
    *to = a + t->to_days;
}

/* Index of the visit that comes next in (date, index) order after
 * (prev_date, prev_idx), or n if none. Selection instead of sorting keeps
 * the caller's array const and the module free of allocation; a person has
 * a few dozen visits at most. */
static size_t next_visit(const fy_date_t *v, size_t n, bool first, fy_date_t prev_date,
                         size_t prev_idx)
{
    size_t best = n;
    for (size_t j = 0; j < n; j++) {
        bool after = first || v[j] > prev_date || (v[j] == prev_date && j > prev_idx);
        if (!after)
            continue;
        if (best == n || v[j] < v[best])
            best = j;
    }
    return best;
}

size_t schedule_plan(const schedule_t *s, fy_date_t start, const fy_date_t *visits,
                     size_t n_visits, fy_date_t today, schedule_slot_t *slots, size_t n)
{
    size_t m = n < s->n ? n : s->n;
    for (size_t i = 0; i < m; i++) {
        const schedule_window_t *w = &s->windows[i];
        schedule_slot_t *sl = &slots[i];
        sl->seq = w->seq;
        schedule_window_dates(w, start, &sl->opens, &sl->closes);
        sl->remind_on = sl->opens - s->reminder_days;
        sl->overdue_from = sl->closes + s->grace_days + 1;
        sl->filled = false;
        sl->filled_on = 0;
        sl->overdue = false;
    }

    size_t j = n_visits;
    for (size_t k = 0; k < n_visits; k++) {
        j = next_visit(visits, n_visits, k == 0, k == 0 ? 0 : visits[j], j);
        fy_date_t v = visits[j];
        if (v > today)
            break; /* visits come in date order: all later ones are in the future too */
        for (size_t i = 0; i < m; i++) {
            schedule_slot_t *sl = &slots[i];
            if (!sl->filled && v >= sl->opens && v <= sl->closes) {
                sl->filled = true;
                sl->filled_on = v;
                break;
            }
        }
    }

    for (size_t i = 0; i < m; i++)
        slots[i].overdue = !slots[i].filled && today >= slots[i].overdue_from;
    return s->n;
}

int schedule_next_due(const schedule_slot_t *slots, size_t n, fy_date_t today)
{
    for (size_t i = 0; i < n; i++)
        if (!slots[i].filled && slots[i].closes >= today)
            return (int)i;
    return -1;
}

size_t schedule_overdue(const schedule_slot_t *slots, size_t n, size_t *idx, size_t n_idx)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (!slots[i].overdue)
            continue;
        if (count < n_idx)
            idx[count] = i;
        count++;
    }
    return count;
}
