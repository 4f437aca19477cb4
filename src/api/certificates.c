/* The birth medical certificate (出生医学证明, 7th edition; domain.md §8):
 * number blocks handed to institutions, the application by the mother or
 * hospital staff, issue by the delivery hospital (the next number of its
 * block, taken inside the single writer's unit, so concurrent issues never
 * share or skip a number), replacement (换发), reissue (补发), void, the
 * PDF, and the public verification. Issuing starts the birth one-stop
 * (出生一件事): an outbox event and a service record whose steps the
 * downstream systems report (birth_services.c). */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/birth.h"
#include "api/certificate_pdf.h"
#include "base/idnum.h"
#include "domain/pregnancy.h"

#define LATE_APPLICATION_DAYS 30 /* "within about a month of birth" (domain.md §8) [U] */

static const char *kind_label(const char *k)
{
    return strcmp(k, "first") == 0         ? "首次签发 (first issue)"
           : strcmp(k, "replacement") == 0 ? "换发 (replacement)"
           : strcmp(k, "reissue") == 0     ? "补发 (reissue)"
                                           : k;
}

static const char *status_label(const char *s)
{
    return strcmp(s, "applied") == 0  ? "已申请，待签发 (applied, awaiting issue)"
           : strcmp(s, "issued") == 0 ? "已签发 (issued)"
           : strcmp(s, "voided") == 0 ? "已作废 (voided)"
                                      : s;
}

static const char *json_dump_arena(http_req_t *req, json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    char *copy = arena_strdup(req->arena, s ? s : "null");
    free(s);
    return copy;
}

static json_t *json_parse_arena(http_req_t *req, const char *text)
{
    if (!text)
        return NULL;
    json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
    if (j)
        arena_defer(req->arena, (void (*)(void *))json_decref, j);
    return j;
}

static const ref_institution_t *inst_of(http_req_t *req, const char *id)
{
    return id ? refdata_institution(api_app(req)->ref, id) : NULL;
}

static const char *inst_name(http_req_t *req, const char *id)
{
    const ref_institution_t *i = inst_of(req, id);
    return i ? i->name : id;
}

/* ---- number input ------------------------------------------------------ */

/* A block bound: an integer 0…999999999, nine digits as a string, or a
 * whole number "X123456789" of the block's letter. */
static bool block_bound(json_t *body, const char *key, char letter, int64_t *out, fy_err_t *e)
{
    json_t *v = json_object_get(body, key);
    if (!v || json_is_null(v)) {
        fy_field(e, key, "required", "%s为必填项 (%s is required)", key, key);
        return false;
    }
    if (json_is_integer(v)) {
        long long x = json_integer_value(v);
        if (x >= 0 && x <= CERT_SEQ_MAX) {
            *out = x;
            return true;
        }
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = strlen(s);
        char l;
        int64_t seq;
        if (n == 9 && strspn(s, "0123456789") == 9) {
            *out = strtoll(s, NULL, 10);
            return true;
        }
        if (cert_number_parse(s, &l, &seq)) {
            if (letter && l != letter) {
                fy_field(e, key, "letter", "编号的字母与号段字母不一致 (%s has a different letter than the block)",
                         key);
                return false;
            }
            *out = seq;
            return true;
        }
    }
    fy_field(e, key, "number",
             "%s应为0–999999999的9位编号 (%s must be a 9-digit number 0–999999999, or a whole number like X320101001)",
             key, key);
    return false;
}

static void block_json(http_req_t *req, buf_t *b, const store_cert_block_t *k)
{
    char first[CERT_NUMBER_LEN + 1], last[CERT_NUMBER_LEN + 1], next[CERT_NUMBER_LEN + 1];
    cert_number_format(k->letter, k->first, first);
    cert_number_format(k->letter, k->last, last);
    int64_t nx = cert_block_next(k->first, k->last, k->next);
    if (nx >= 0)
        cert_number_format(k->letter, nx, next);
    buf_putc(b, '{');
    api_kv_str(b, "id", birth_id(req, k->id), false);
    api_kv_str(b, "institution_id", k->institution_id, true);
    api_kv_str(b, "institution_name", inst_name(req, k->institution_id), true);
    char l[2] = {k->letter, 0};
    api_kv_str(b, "letter", l, true);
    api_kv_str(b, "first", first, true);
    api_kv_str(b, "last", last, true);
    api_kv_str(b, "next", nx >= 0 ? next : NULL, true);
    api_kv_int(b, "size", k->last - k->first + 1, true);
    api_kv_int(b, "used", k->next - k->first, true);
    api_kv_int(b, "remaining", k->last - k->next + 1, true);
    api_kv_int(b, "issued", k->issued, true);
    api_kv_int(b, "voided", k->voided, true);
    api_kv_instant(b, "created_at", k->created_at, true);
    buf_putc(b, '}');
}

/* ---- blocks -------------------------------------------------------------- */

struct block_ctx {
    http_req_t *req;
    store_cert_block_t b;
};

static int block_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct block_ctx *c = vctx;
    if (store_cert_block_insert(tx, &c->b, e)) {
        if (e->status == 409)
            fy_field(e, "first", "block_overlap", "%s", e->detail);
        return -1;
    }
    return api_audit(tx, c->req, "create", "certificate_block", birth_id(c->req, c->b.id),
                     arena_printf(c->req->arena, "%s %c%09lld-%c%09lld", c->b.institution_id, c->b.letter,
                                  (long long)c->b.first, c->b.letter, (long long)c->b.last),
                     e);
}

static int h_block_create(http_req_t *req, http_resp_t *resp)
{
    json_t *body = api_body(req);
    if (!body)
        return -1;
    fy_err_t *e = &req->err;
    struct block_ctx c = {.req = req};
    static const char *const known[] = {"institution_id", "letter", "first", "last", NULL};
    jv_no_unknown(body, known, e);
    const char *inst = NULL, *letter = NULL;
    if (jv_str(body, "institution_id", true, 1, 64, &inst, e)) {
        const ref_institution_t *x = inst_of(req, inst);
        if (!x || !(x->types & (INST_DELIVERY_HOSPITAL | INST_MCH_INSTITUTE)))
            fy_field(
                e, "institution_id", "institution_type",
                "签发机构应为助产医疗机构或区妇幼保健所 (must be a delivery hospital or a district MCH institute)");
    }
    if (jv_str(body, "letter", true, 1, 1, &letter, e) && !cert_letter_ok(letter[0]))
        fy_field(e, "letter", "letter", "字母应为一个大写英文字母 A–Z (letter must be one capital letter A–Z)");
    char l = letter && cert_letter_ok(letter[0]) ? letter[0] : 0;
    bool hf = block_bound(body, "first", l, &c.b.first, e);
    bool hl = block_bound(body, "last", l, &c.b.last, e);
    if (hf && hl && c.b.first > c.b.last)
        fy_field(e, "last", "range", "末号不能小于首号 (last must not be below first)");
    if (fy_has_error(e))
        return -1;
    c.b.institution_id = inst;
    c.b.letter = l;
    c.b.created_by = api_user(req)->id;
    c.b.created_at = fy_now_ms();
    if (store_write(api_app(req)->store, req->arena, block_unit, &c, e))
        return -1;
    buf_t b = {0};
    block_json(req, &b, &c.b);
    api_reply(resp, 201, &b);
    http_add_header(resp, "Location", arena_printf(req->arena, "/api/v1/certificate-blocks/%lld", (long long)c.b.id));
    return 0;
}

struct blocks_ctx {
    const char *inst;
    store_cert_block_t *rows;
    int n;
};

static int blocks_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct blocks_ctx *c = vctx;
    return store_cert_blocks_list(tx, c->inst, &c->rows, &c->n, e);
}

static int h_block_list(http_req_t *req, http_resp_t *resp)
{
    api_user_t *u = api_user(req);
    struct blocks_ctx c = {.inst = http_query(req, "institution_id")};
    if (u->role != ROLE_CITY_ADMIN && u->role != ROLE_SYS_ADMIN && u->role != ROLE_DISTRICT_ADMIN) {
        if (c.inst && (!u->institution_id || strcmp(c.inst, u->institution_id) != 0))
            return fy_fail(&req->err, 403, "other_institution",
                           "只能查看本机构的号段 (you can see your own institution's blocks only)");
        c.inst = u->institution_id;
        if (!c.inst)
            return fy_fail(&req->err, 403, "no_institution",
                           "当前账号不属于任何机构 (your account has no institution)");
    }
    if (store_read(api_app(req)->store, req->arena, blocks_unit, &c, &req->err))
        return -1;
    buf_t b = {0};
    buf_puts(&b, "{\"items\":[");
    int k = 0;
    for (int i = 0; i < c.n; i++) {
        if (u->role == ROLE_DISTRICT_ADMIN) {
            const ref_institution_t *x = inst_of(req, c.rows[i].institution_id);
            if (!x || !u->district || strcmp(x->district, u->district) != 0)
                continue;
        }
        if (k++)
            buf_putc(&b, ',');
        block_json(req, &b, &c.rows[i]);
    }
    buf_printf(&b, "],\"total\":%d}", k);
    api_reply(resp, 200, &b);
    return 0;
}

/* A spoiled blank form: the block's next number ends voided. */
struct spoil_ctx {
    http_req_t *req;
    int64_t id;
    const char *reason;
    store_cert_block_t b;
    char number[CERT_NUMBER_LEN + 1];
};

static int spoil_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct spoil_ctx *c = vctx;
    api_user_t *u = api_user(c->req);
    int rc = store_cert_block_get(tx, c->id, &c->b, e);
    if (rc)
        return rc < 0 ? -1 : fy_fail(e, 404, "not_found", "没有这个号段 (no such block)");
    if (u->role != ROLE_CITY_ADMIN && (!u->institution_id || strcmp(u->institution_id, c->b.institution_id) != 0))
        return fy_fail(e, 403, "other_institution", "只能作废本机构的空白证 (only your own institution's blanks)");
    int64_t seq = cert_block_next(c->b.first, c->b.last, c->b.next);
    if (seq < 0)
        return fy_fail(e, 409, "block_used_up", "该号段已用完 (the block is used up)"),
               fy_field(e, "id", "block_used_up", "该号段已用完 (the block is used up)"), -1;
    cert_number_format(c->b.letter, seq, c->number);
    if (store_cert_number_take(tx, c->b.id, seq, c->number, "voided", 0, c->reason, fy_now_ms(), e))
        return -1;
    c->b.next++;
    c->b.voided++;
    return api_audit(tx, c->req, "void_blank", "certificate_number", c->number, c->reason, e);
}

static int h_block_spoil(http_req_t *req, http_resp_t *resp)
{
    struct spoil_ctx c = {.req = req};
    json_t *body = api_id_and_body(req, &c.id);
    if (!body)
        return -1;
    static const char *const known[] = {"reason", NULL};
    jv_no_unknown(body, known, &req->err);
    jv_str(body, "reason", true, 2, 500, &c.reason, &req->err);
    if (fy_has_error(&req->err))
        return -1;
    if (store_write(api_app(req)->store, req->arena, spoil_unit, &c, &req->err))
        return -1;
    buf_t b = {0};
    buf_putc(&b, '{');
    api_kv_str(&b, "number", c.number, false);
    api_kv_str(&b, "status", "voided", true);
    buf_puts(&b, ",\"block\":");
    block_json(req, &b, &c.b);
    buf_putc(&b, '}');
    api_reply(resp, 200, &b);
    return 0;
}

/* ---- parents ------------------------------------------------------------- */

static bool chinese_nationality(const char *n)
{
    return n && (strcmp(n, "中国") == 0 || strcmp(n, "中华人民共和国") == 0 || strcasecmp(n, "CHN") == 0 ||
                 strcasecmp(n, "China") == 0 || strcmp(n, "中国籍") == 0);
}

/* Checks a parent object (every broken rule named as prefix.field) and
 * returns it normalised: id_number upper-cased, id_type_label and the
 * birth date (from a resident ID, else given) added. NULL on errors. */
static json_t *parent_check(http_req_t *req, json_t *o, const char *prefix, fy_err_t *e)
{
    if (!json_is_object(o)) {
        fy_field(e, prefix, "type", "%s应为对象 (%s must be an object)", prefix, prefix);
        return NULL;
    }
    fy_err_t pe = {0};
    static const char *const known[] = {"name",    "nationality", "ethnicity", "id_type", "id_number",
                                        "address", "birth_date",  "phone",     NULL};
    jv_no_unknown(o, known, &pe);
    const char *name = NULL, *nat = NULL, *eth = NULL, *idn = NULL, *addr = NULL;
    int type = -1;
    jv_str(o, "name", true, 1, 50, &name, &pe);
    jv_str(o, "nationality", true, 1, 50, &nat, &pe);
    jv_str(o, "ethnicity", chinese_nationality(nat), 1, 20, &eth, &pe);
    jv_enum(o, "id_type", true, cert_id_types, &type, &pe);
    jv_str(o, "id_number", true, 1, 30, &idn, &pe);
    jv_str(o, "address", true, 1, 200, &addr, &pe);
    const char *phone = NULL;
    jv_str(o, "phone", false, 1, 20, &phone, &pe);
    fy_date_t birth = 0;
    bool has_birth = jv_date(o, "birth_date", false, &birth, &pe);
    char *norm = idn ? arena_strdup(req->arena, idn) : NULL;
    if (type >= 0 && norm) {
        if (strcmp(cert_id_types[type], "resident_id") == 0) {
            idnum_normalize(norm);
            fy_date_t from_id;
            idnum_status_t st = idnum_check_resident(norm, fy_today(), &from_id, NULL);
            if (st != IDNUM_OK)
                fy_field(&pe, "id_number", "id_number", "%s", idnum_status_message(st));
            else if (has_birth && birth != from_id)
                fy_field(&pe, "birth_date", "mismatch",
                         "出生日期与身份证号码中的日期不一致 (birth_date does not match the ID number)");
            else {
                birth = from_id;
                has_birth = true;
            }
        } else {
            size_t n = strlen(norm);
            bool ok = n >= 5 && n <= 30;
            for (size_t i = 0; ok && i < n; i++)
                ok = isalnum((unsigned char)norm[i]) || norm[i] == '-' || norm[i] == '(' || norm[i] == ')';
            if (!ok)
                fy_field(&pe, "id_number", "format",
                         "证件号码应为5–30位字母或数字 (id_number must be 5–30 letters or digits)");
        }
    }
    if (has_birth && birth > fy_today())
        fy_field(&pe, "birth_date", "future", "出生日期不能晚于今天 (birth_date must not be in the future)");
    for (int k = 0; k < pe.n; k++)
        fy_field(e, arena_printf(req->arena, "%s.%s", prefix, pe.fields[k].field), pe.fields[k].code, "%s",
                 pe.fields[k].message);
    if (pe.n)
        return NULL;
    json_t *out = json_object();
    arena_defer(req->arena, (void (*)(void *))json_decref, out);
    json_object_set_new(out, "name", json_string(name));
    json_object_set_new(out, "nationality", json_string(nat));
    json_object_set_new(out, "ethnicity", eth ? json_string(eth) : json_null());
    json_object_set_new(out, "id_type", json_string(cert_id_types[type]));
    json_object_set_new(out, "id_type_label", json_string(cert_id_type_label(cert_id_types[type])));
    json_object_set_new(out, "id_number", json_string(norm));
    json_object_set_new(out, "address", json_string(addr));
    if (phone)
        json_object_set_new(out, "phone", json_string(phone));
    if (has_birth) {
        char d[11];
        fy_date_format(birth, d);
        json_object_set_new(out, "birth_date", json_string(d));
    }
    return out;
}

/* The mother of the application must be the mother of the delivery. */
static int mother_matches(json_t *m, const store_woman_t *w, fy_err_t *e)
{
    const char *t = json_string_value(json_object_get(m, "id_type"));
    const char *n = json_string_value(json_object_get(m, "id_number"));
    if (!t || !n || strcmp(t, w->id_type) != 0 || strcmp(n, w->id_number) != 0) {
        fy_field(e, "mother.id_number", "mother_mismatch",
                 "母亲的证件与分娩记录中的产妇不一致 (the mother's ID does not match the mother of the delivery)");
        return -1;
    }
    return 0;
}

static void name_check(const char *field, const char *name, fy_err_t *e)
{
    const char *why;
    if (!preg_child_name_ok(name, &why))
        fy_field(e, field, "child_name", "%s", why);
}

/* ---- rendering --------------------------------------------------------- */

/* A parent object with its ID number masked unless unmask. */
static void parent_out(http_req_t *req, buf_t *b, const char *key, json_t *o, bool unmask)
{
    if (!json_is_object(o)) {
        buf_printf(b, ",\"%s\":null", key);
        return;
    }
    json_t *copy = json_deep_copy(o);
    const char *n = json_string_value(json_object_get(copy, "id_number"));
    if (n && !unmask) {
        char masked[64];
        idnum_mask(n, masked, sizeof masked);
        json_object_set_new(copy, "id_number", json_string(masked));
    }
    json_object_set_new(copy, "id_number_masked", json_boolean(!unmask));
    buf_printf(b, ",\"%s\":%s", key, json_dump_arena(req, copy));
    json_decref(copy);
}

static void chain_item(http_req_t *req, buf_t *b, const store_birth_cert_t *c)
{
    buf_putc(b, '{');
    api_kv_str(b, "id", birth_id(req, c->id), false);
    api_kv_str(b, "kind", c->kind, true);
    api_kv_str(b, "kind_label", kind_label(c->kind), true);
    api_kv_str(b, "status", c->status, true);
    api_kv_str(b, "number", c->number, true);
    api_kv_instant(b, "issued_at", c->issued_at, true);
    api_kv_instant(b, "voided_at", c->voided_at, true);
    api_kv_str(b, "void_reason", c->void_reason, true);
    api_kv_str(b, "reason", c->reason, true);
    api_kv_str(b, "previous_id", c->previous_id ? birth_id(req, c->previous_id) : NULL, true);
    api_kv_str(b, "next_id", c->next_id ? birth_id(req, c->next_id) : NULL, true);
    api_kv_str(b, "href", arena_printf(req->arena, "/api/v1/birth-certificates/%lld", (long long)c->id), true);
    buf_putc(b, '}');
}

static void cert_json(http_req_t *req, buf_t *b, const store_birth_cert_t *c, const store_birth_cert_t *chain,
                      int nchain, bool unmask)
{
    buf_putc(b, '{');
    api_kv_str(b, "id", birth_id(req, c->id), false);
    api_kv_str(b, "edition", "7", true);
    api_kv_str(b, "kind", c->kind, true);
    api_kv_str(b, "kind_label", kind_label(c->kind), true);
    api_kv_str(b, "status", c->status, true);
    api_kv_str(b, "status_label", status_label(c->status), true);
    api_kv_str(b, "number", c->number, true);
    api_kv_str(b, "child_id", birth_id(req, c->child_id), true);
    api_kv_str(b, "mother_id", birth_id(req, c->mother_id), true);
    api_kv_str(b, "child_name", c->child_name, true);
    api_kv_date(b, "birth_date", c->birth_date, true, true);
    parent_out(req, b, "mother", json_parse_arena(req, c->mother), unmask);
    parent_out(req, b, "father", json_parse_arena(req, c->father), unmask);
    buf_printf(b, ",\"applicant\":%s", c->applicant ? c->applicant : "null");
    if (c->printed) {
        json_t *p = json_deep_copy(json_parse_arena(req, c->printed));
        if (p) {
            for (int i = 0; i < 2; i++) {
                json_t *who = json_object_get(p, i ? "father" : "mother");
                const char *n = json_string_value(json_object_get(who, "id_number"));
                if (n && !unmask) {
                    char masked[64];
                    idnum_mask(n, masked, sizeof masked);
                    json_object_set_new(who, "id_number", json_string(masked));
                }
            }
            buf_printf(b, ",\"printed\":%s", json_dump_arena(req, p));
            json_decref(p);
        }
    } else {
        buf_puts(b, ",\"printed\":null");
    }
    buf_printf(b, ",\"id_number_masked\":%s", unmask ? "false" : "true");
    api_kv_str(b, "delivery_institution_id", c->delivery_institution_id, true);
    api_kv_str(b, "issuing_institution_id", c->issuing_institution_id, true);
    api_kv_str(b, "issuing_institution_name",
               c->issuing_institution_id ? inst_name(req, c->issuing_institution_id) : NULL, true);
    api_kv_instant(b, "applied_at", c->applied_at, true);
    fy_date_t applied_on = fy_date_of_instant(c->applied_at);
    api_kv_bool(b, "late_application", applied_on - c->birth_date > LATE_APPLICATION_DAYS, true);
    api_kv_instant(b, "issued_at", c->issued_at, true);
    api_kv_date(b, "issue_date", c->issued_on, c->issued_at != 0, true);
    api_kv_instant(b, "voided_at", c->voided_at, true);
    api_kv_str(b, "void_reason", c->void_reason, true);
    api_kv_str(b, "reason", c->reason, true);
    api_kv_str(b, "previous_id", c->previous_id ? birth_id(req, c->previous_id) : NULL, true);
    api_kv_str(b, "next_id", c->next_id ? birth_id(req, c->next_id) : NULL, true);
    buf_puts(b, ",\"links\":{");
    api_kv_str(b, "self", arena_printf(req->arena, "/api/v1/birth-certificates/%lld", (long long)c->id), false);
    api_kv_str(b, "pdf",
               c->number ? arena_printf(req->arena, "/api/v1/birth-certificates/%lld/pdf", (long long)c->id) : NULL,
               true);
    api_kv_str(b, "previous",
               c->previous_id ? arena_printf(req->arena, "/api/v1/birth-certificates/%lld", (long long)c->previous_id)
                              : NULL,
               true);
    api_kv_str(b, "next",
               c->next_id ? arena_printf(req->arena, "/api/v1/birth-certificates/%lld", (long long)c->next_id) : NULL,
               true);
    api_kv_str(b, "child", arena_printf(req->arena, "/api/v1/children/%lld", (long long)c->child_id), true);
    api_kv_str(b, "birth_services",
               arena_printf(req->arena, "/api/v1/birth-services?child_id=%lld", (long long)c->child_id), true);
    buf_putc(b, '}');
    if (chain) {
        buf_puts(b, ",\"chain\":[");
        for (int i = 0; i < nchain; i++) {
            if (i)
                buf_putc(b, ',');
            chain_item(req, b, &chain[i]);
        }
        buf_putc(b, ']');
    }
    api_kv_int(b, "version", c->version, true);
    buf_putc(b, '}');
}

/* ---- the printed content, frozen at issue -------------------------------- */

static json_t *printed_parent(json_t *p, fy_date_t child_birth)
{
    if (!json_is_object(p))
        return json_null();
    json_t *o = json_deep_copy(p);
    const char *bd = json_string_value(json_object_get(p, "birth_date"));
    fy_date_t d;
    if (bd && fy_date_parse(bd, &d))
        json_object_set_new(o, "age", json_integer(fy_age_years(d, child_birth)));
    else
        json_object_set_new(o, "age", json_null());
    return o;
}

static const char *printed_text(http_req_t *req, const store_birth_cert_t *c, const store_child_t *ch,
                                const store_delivery_t *d, const char *number, const char *issuer_id, fy_date_t on)
{
    const app_t *app = api_app(req);
    const ref_institution_t *born_in = refdata_institution(app->ref, d->institution_id);
    const ref_district_t *dist = refdata_district(app->ref, d->institution_district);
    char local[23], birth_text[64], issue[11], issue_text[40];
    fy_instant_format_local(ch->born_at, local);
    int64_t lt = ch->born_at + FY_SHANGHAI_OFFSET_MS;
    fy_date_t bd = fy_date_of_instant(ch->born_at);
    int y, m, dd;
    fy_date_to_civil(bd, &y, &m, &dd);
    int mins = (int)((lt % 86400000LL + 86400000LL) % 86400000LL / 60000);
    snprintf(birth_text, sizeof birth_text, "%04d年%02d月%02d日%02d时%02d分", y, m, dd, mins / 60, mins % 60);
    fy_date_format(on, issue);
    fy_date_to_civil(on, &y, &m, &dd);
    snprintf(issue_text, sizeof issue_text, "%04d年%02d月%02d日", y, m, dd);

    json_t *child = json_object();
    json_object_set_new(child, "name", json_string(c->child_name));
    json_object_set_new(child, "sex", json_integer(ch->sex));
    json_object_set_new(child, "sex_label",
                        json_string(ch->sex == 1   ? "男 (male)"
                                    : ch->sex == 2 ? "女 (female)"
                                                   : "未定 (undetermined)"));
    json_object_set_new(child, "born_at", json_string(local));
    json_object_set_new(child, "born_at_text", json_string(birth_text));
    json_object_set_new(child, "ga_weeks", json_integer(ch->ga_days / 7));
    json_object_set_new(child, "weight_g", json_integer(ch->weight_g));
    json_object_set_new(child, "length_cm", ch->length_cm == ch->length_cm ? json_real(ch->length_cm) : json_null());
    json_t *place = json_object();
    json_object_set_new(place, "province", json_string("上海市"));
    json_object_set_new(place, "city", json_string("上海市"));
    json_object_set_new(place, "district", json_string(dist ? dist->name : d->institution_district));
    json_object_set_new(place, "district_code", json_string(d->institution_district));
    json_object_set_new(child, "birth_place", place);
    json_object_set_new(child, "institution_id", json_string(d->institution_id));
    json_object_set_new(child, "institution_name", json_string(born_in ? born_in->name : d->institution_id));

    json_t *p = json_object();
    json_object_set_new(p, "edition", json_string("7"));
    json_object_set_new(p, "number", json_string(number));
    json_object_set_new(p, "kind", json_string(c->kind));
    json_object_set_new(p, "child", child);
    json_object_set_new(p, "mother", printed_parent(json_parse_arena(req, c->mother), ch->birth_date));
    json_object_set_new(p, "father", printed_parent(json_parse_arena(req, c->father), ch->birth_date));
    json_object_set_new(p, "issue_date", json_string(issue));
    json_object_set_new(p, "issue_date_text", json_string(issue_text));
    json_object_set_new(p, "issuing_institution_id", json_string(issuer_id));
    json_object_set_new(p, "issuing_institution_name", json_string(inst_name(req, issuer_id)));
    const char *text = json_dump_arena(req, p);
    json_decref(p);
    return text;
}

/* ---- one unit's shared steps ---------------------------------------------- */

/* Takes the next number of the first candidate institution that has one
 * left. Sets *issuer to that institution. 409 naming "number" when none. */
static int take_number(http_req_t *req, store_tx_t *tx, const char *const *candidates, int ncand, int64_t cert_id,
                       char number[CERT_NUMBER_LEN + 1], const char **issuer, fy_err_t *e)
{
    for (int i = 0; i < ncand; i++) {
        if (!candidates[i])
            continue;
        store_cert_block_t b;
        int rc = store_cert_block_current(tx, candidates[i], &b, e);
        if (rc < 0)
            return -1;
        if (rc == 1)
            continue;
        int64_t seq = cert_block_next(b.first, b.last, b.next);
        if (seq < 0 || !cert_number_format(b.letter, seq, number))
            continue;
        if (store_cert_number_take(tx, b.id, seq, number, "issued", cert_id, NULL, fy_now_ms(), e))
            return -1;
        *issuer = candidates[i];
        return 0;
    }
    fy_fail(e, 409, "no_numbers",
            "本机构没有可用的出生医学证明编号，请向市级管理部门申领号段 (no certificate numbers left for this "
            "institution: ask the city for a number block)");
    fy_field(e, "number", "no_numbers", "没有可用的编号 (no number left in any block of %s)",
             candidates[0] ? candidates[0] : "?");
    return -1;
}

static int outbox_event(http_req_t *req, store_tx_t *tx, const char *kind, const store_birth_cert_t *c,
                        const store_birth_service_t *s, fy_err_t *e)
{
    json_t *ev = json_object();
    json_object_set_new(ev, "event", json_string(kind));
    json_object_set_new(ev, "certificate_id", json_string(birth_id(req, c->id)));
    json_object_set_new(ev, "number", c->number ? json_string(c->number) : json_null());
    json_object_set_new(ev, "previous_id", c->previous_id ? json_string(birth_id(req, c->previous_id)) : json_null());
    json_object_set_new(ev, "child_id", json_string(birth_id(req, c->child_id)));
    json_object_set_new(ev, "mother_id", json_string(birth_id(req, c->mother_id)));
    json_object_set_new(ev, "service_id", s ? json_string(birth_id(req, s->id)) : json_null());
    char bd[11];
    fy_date_format(c->birth_date, bd);
    json_object_set_new(ev, "birth_date", json_string(bd));
    json_t *steps = json_array();
    for (int i = 0; s && i < s->nsteps; i++)
        json_array_append_new(steps, json_string(s->steps[i].step));
    json_object_set_new(ev, "steps", steps);
    store_outbox_t m = {0};
    m.kind = kind;
    m.channel = "event";
    m.recipient = "birth_one_stop";
    m.text = json_dump_arena(req, ev);
    json_decref(ev);
    m.due_on = fy_today();
    m.status = "queued";
    m.ref_type = "birth_certificate";
    m.ref_id = c->id;
    m.dedupe_key = arena_printf(req->arena, "%s:%lld", kind, (long long)c->id);
    m.created_at = fy_now_ms();
    return store_outbox_insert(tx, &m, e) < 0 ? -1 : 0;
}

/* The birth one-stop record of the child: created at the first issue,
 * pointed at the newest certificate afterwards. */
static int one_stop(http_req_t *req, store_tx_t *tx, const store_birth_cert_t *c, store_birth_service_t *s,
                    bool *created, fy_err_t *e)
{
    int rc = store_birth_service_of_child(tx, c->child_id, s, e);
    if (rc < 0)
        return -1;
    int64_t now = fy_now_ms();
    *created = rc == 1;
    if (rc == 0) {
        s->certificate_id = c->id;
        s->certificate_number = c->number;
        return store_birth_service_set_certificate(tx, s->id, c->id, now, e) < 0 ? -1 : 0;
    }
    memset(s, 0, sizeof *s);
    s->child_id = c->child_id;
    s->mother_id = c->mother_id;
    s->certificate_id = c->id;
    s->certificate_number = c->number;
    s->created_at = now;
    s->nsteps = CERT_STEPS;
    for (int i = 0; i < CERT_STEPS; i++)
        s->steps[i] = (store_bs_step_t){cert_steps[i], "pending", NULL, now, 0};
    if (store_birth_service_insert(tx, s, e))
        return -1;
    return api_audit(tx, req, "create", "birth_service", birth_id(req, s->id), c->number, e);
}

/* The child's record follows the legal name once it is printed. */
static int child_name_follow(store_tx_t *tx, store_child_t *ch, const char *name, fy_err_t *e)
{
    if (ch->name && strcmp(ch->name, name) == 0)
        return 0;
    if (store_child_set_name(tx, ch->id, name, ch->version, fy_now_ms(), e))
        return -1;
    ch->name = name;
    ch->version++;
    return 0;
}

/* ---- apply ------------------------------------------------------------------ */

struct apply_ctx {
    http_req_t *req;
    int64_t child_id;
    const char *child_name;
    json_t *mother, *father, *applicant;
    store_birth_cert_t c;
    store_child_t child;
    store_woman_t w;
};

static int apply_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct apply_ctx *a = vctx;
    http_req_t *req = a->req;
    if (birth_child_load(req, tx, a->child_id, &a->child, &a->w, e))
        return -1;
    if (mother_matches(a->mother, &a->w, e))
        return -1;
    store_delivery_t d;
    int rc = store_delivery_of(tx, a->child.pregnancy_id, &d, e);
    if (rc)
        return rc < 0 ? -1 : fy_fail(e, 409, "no_delivery", "没有分娩记录 (the child has no delivery record)");
    /* the mother's birth date from her record when the application has none */
    if (!json_object_get(a->mother, "birth_date") && a->w.has_birth_date) {
        char bd[11];
        fy_date_format(a->w.birth_date, bd);
        json_object_set_new(a->mother, "birth_date", json_string(bd));
    }
    api_user_t *u = api_user(req);
    if (!a->applicant) {
        a->applicant = json_pack("{s:s, s:s}", "name", json_string_value(json_object_get(a->mother, "name")),
                                 "relation", "mother");
        arena_defer(req->arena, (void (*)(void *))json_decref, a->applicant);
    }
    json_object_set_new(a->applicant, "channel", json_string(u->role == ROLE_CITIZEN ? "online" : "hospital"));
    store_birth_cert_t *c = &a->c;
    c->child_id = a->child.id;
    c->mother_id = a->child.mother_id;
    c->kind = "first";
    c->status = "applied";
    c->child_name = a->child_name;
    c->birth_date = a->child.birth_date;
    c->mother = json_dump_arena(req, a->mother);
    c->father = a->father ? json_dump_arena(req, a->father) : NULL;
    c->applicant = json_dump_arena(req, a->applicant);
    c->delivery_institution_id = d.institution_id;
    c->applied_by = u->id;
    c->applied_at = c->created_at = c->updated_at = fy_now_ms();
    if (store_birth_cert_insert(tx, c, e)) {
        if (e->status == 409)
            fy_field(e, "child_id", "certificate_exists",
                     "该儿童已有出生医学证明 (the child already has a certificate)");
        return -1;
    }
    return api_audit(tx, req, "apply", "birth_certificate", birth_id(req, c->id),
                     arena_printf(req->arena, "child %lld", (long long)c->child_id), e);
}

/* The applicant: a name, or an object (name, relation, contact…) kept as
 * given; the mother herself when absent. */
static json_t *applicant_check(http_req_t *req, json_t *v, fy_err_t *e)
{
    if (!v || json_is_null(v))
        return NULL;
    json_t *out = json_object();
    arena_defer(req->arena, (void (*)(void *))json_decref, out);
    if (json_is_string(v)) {
        const char *s;
        if (jv_check_str(v, "applicant", 1, 50, &s, e))
            json_object_set_new(out, "name", json_string(s));
        return out;
    }
    if (!json_is_object(v)) {
        fy_field(e, "applicant", "type",
                 "申请人应为姓名或对象 {name, relation} (applicant must be a name or an object {name, relation})");
        return NULL;
    }
    const char *key;
    json_t *x;
    json_object_foreach(v, key, x)
    {
        const char *field = arena_printf(req->arena, "applicant.%s", key);
        const char *s;
        if (json_is_string(x)) {
            if (jv_check_str(x, field, 0, 200, &s, e))
                json_object_set_new(out, key, json_string(s));
        } else if (json_is_integer(x) || json_is_boolean(x) || json_is_null(x)) {
            json_object_set(out, key, x);
        } else {
            fy_field(e, field, "type", "%s应为文字 (%s must be text)", field, field);
        }
    }
    if (json_object_size(out) > 12)
        fy_field(e, "applicant", "length", "申请人信息过多 (applicant has too many members)");
    return out;
}

static int h_apply(http_req_t *req, http_resp_t *resp)
{
    json_t *body = api_body(req);
    if (!body)
        return -1;
    fy_err_t *e = &req->err;
    struct apply_ctx a = {.req = req};
    static const char *const known[] = {"child_id", "child_name", "mother", "father", "applicant", NULL};
    jv_no_unknown(body, known, e);
    json_t *cid = json_object_get(body, "child_id");
    if (json_is_integer(cid) && json_integer_value(cid) > 0)
        a.child_id = json_integer_value(cid);
    else if (json_is_string(cid) && strspn(json_string_value(cid), "0123456789") == strlen(json_string_value(cid)) &&
             strlen(json_string_value(cid)) > 0 && strlen(json_string_value(cid)) < 19)
        a.child_id = strtoll(json_string_value(cid), NULL, 10);
    if (a.child_id <= 0)
        fy_field(e, "child_id", cid ? "id" : "required", "儿童档案编号为必填项 (child_id must be a child's id)");
    if (jv_str(body, "child_name", true, 1, 64, &a.child_name, e))
        name_check("child_name", a.child_name, e);
    json_t *m = json_object_get(body, "mother");
    if (!m || json_is_null(m))
        fy_field(e, "mother", "required", "母亲信息为必填项 (mother is required)");
    else
        a.mother = parent_check(req, m, "mother", e);
    json_t *f = json_object_get(body, "father");
    if (f && !json_is_null(f))
        a.father = parent_check(req, f, "father", e);
    a.applicant = applicant_check(req, json_object_get(body, "applicant"), e);
    if (fy_has_error(e))
        return -1;
    if (store_write(api_app(req)->store, req->arena, apply_unit, &a, e))
        return -1;
    buf_t b = {0};
    cert_json(req, &b, &a.c, &a.c, 1, false);
    api_reply(resp, 201, &b);
    http_add_header(resp, "Location", arena_printf(req->arena, "/api/v1/birth-certificates/%lld", (long long)a.c.id));
    return 0;
}

/* ---- actions on a certificate ----------------------------------------------- */

enum action { ACT_ISSUE, ACT_REPLACE, ACT_REISSUE, ACT_VOID };

struct act_ctx {
    http_req_t *req;
    enum action act;
    int64_t id;
    const char *reason;
    /* replace: corrections */
    const char *new_name;
    json_t *new_mother, *new_father;
    bool father_set;         /* corrections.father given (null removes) */
    store_birth_cert_t c, n; /* the certificate acted on, and the new one */
    store_child_t child;
    store_woman_t w;
    store_birth_service_t s;
};

static bool is_admin_for(http_req_t *req)
{
    role_t r = api_user(req)->role;
    return r == ROLE_CITY_ADMIN || r == ROLE_DISTRICT_ADMIN;
}

static bool own_institution(http_req_t *req, const char *inst)
{
    const char *mine = api_user(req)->institution_id;
    return mine && inst && strcmp(mine, inst) == 0;
}

/* Issue, replace and reissue end with a new number on a certificate and the
 * one-stop told. */
static int finish_issue(struct act_ctx *a, store_tx_t *tx, store_birth_cert_t *c, const char *const *cands, int ncand,
                        const char *event, fy_err_t *e)
{
    http_req_t *req = a->req;
    char number[CERT_NUMBER_LEN + 1];
    const char *issuer = NULL;
    if (take_number(req, tx, cands, ncand, c->id, number, &issuer, e))
        return -1;
    store_delivery_t d;
    int rc = store_delivery_of(tx, a->child.pregnancy_id, &d, e);
    if (rc)
        return rc < 0 ? -1 : fy_fail(e, 409, "no_delivery", "没有分娩记录 (the child has no delivery record)");
    int64_t now = fy_now_ms();
    c->number = arena_strdup(req->arena, number);
    c->status = "issued";
    c->issuing_institution_id = issuer;
    c->issued_by = api_user(req)->id;
    c->issued_at = now;
    c->issued_on = fy_today();
    c->printed = printed_text(req, c, &a->child, &d, c->number, issuer, c->issued_on);
    c->updated_at = now;
    if (store_birth_cert_update(tx, c, e))
        return -1;
    if (child_name_follow(tx, &a->child, c->child_name, e))
        return -1;
    bool created;
    if (one_stop(req, tx, c, &a->s, &created, e))
        return -1;
    return outbox_event(req, tx, event, c, &a->s, e);
}

static int void_cert(struct act_ctx *a, store_tx_t *tx, store_birth_cert_t *c, const char *why, fy_err_t *e)
{
    int64_t now = fy_now_ms();
    if (c->number) {
        int rc = store_cert_number_void(tx, c->number, why, now, e);
        if (rc < 0)
            return -1;
    }
    c->status = "voided";
    c->voided_by = api_user(a->req)->id;
    c->voided_at = now;
    c->void_reason = why;
    c->updated_at = now;
    return store_birth_cert_update(tx, c, e);
}

/* The district MCH institutes of a district (candidates for a reissue's number). */
static int district_mch(http_req_t *req, const char *district, const char **out, int max)
{
    const refdata_t *ref = api_app(req)->ref;
    int n = 0;
    for (size_t i = 0; district && i < refdata_institution_count(ref) && n < max; i++) {
        const ref_institution_t *x = refdata_institution_at(ref, i);
        if ((x->types & INST_MCH_INSTITUTE) && strcmp(x->district, district) == 0)
            out[n++] = x->id;
    }
    return n;
}

static int act_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct act_ctx *a = vctx;
    http_req_t *req = a->req;
    api_user_t *u = api_user(req);
    store_birth_cert_t *c = &a->c;
    int rc = store_birth_cert_get(tx, a->id, c, e);
    if (rc)
        return rc < 0 ? -1 : fy_fail(e, 404, "not_found", "没有这份出生医学证明 (no such birth certificate)");
    if (birth_child_load(req, tx, c->child_id, &a->child, &a->w, e))
        return -1;
    const char *act_name = a->act == ACT_ISSUE     ? "issue"
                           : a->act == ACT_REPLACE ? "replace"
                           : a->act == ACT_REISSUE ? "reissue"
                                                   : "void";

    switch (a->act) {
    case ACT_ISSUE: {
        if (strcmp(c->status, "applied") != 0)
            return fy_fail(
                       e, 409, "not_applied",
                       "只有待签发的申请可以签发（当前状态：%s） (only an application awaiting issue can be issued; "
                       "status is %s)",
                       status_label(c->status), c->status),
                   fy_field(e, "status", "not_applied", "当前状态不能签发 (status is %s)", c->status), -1;
        if (!own_institution(req, c->delivery_institution_id))
            return fy_fail(e, 403, "not_delivery_hospital",
                           "只有分娩医院的工作人员可以签发 (only staff of the delivery hospital may issue)"),
                   fy_field(e, "institution_id", "not_delivery_hospital", "须为分娩医院 %s (must be %s)",
                            c->delivery_institution_id, c->delivery_institution_id),
                   -1;
        const char *cands[] = {c->delivery_institution_id};
        if (finish_issue(a, tx, c, cands, 1, "birth_certificate_issued", e))
            return -1;
        a->n = *c;
        break;
    }
    case ACT_REPLACE:
    case ACT_REISSUE: {
        if (strcmp(c->status, "issued") != 0)
            return fy_fail(e, 409, "not_issued",
                           "只有已签发且未作废的证明可以%s (only an issued certificate can be %s)",
                           a->act == ACT_REPLACE ? "换发" : "补发", a->act == ACT_REPLACE ? "replaced" : "reissued"),
                   fy_field(e, "status", "not_issued", "当前状态：%s (status is %s)", c->status, c->status), -1;
        const char *cands[8];
        int nc = 0;
        if (a->act == ACT_REPLACE) {
            if (!is_admin_for(req) && !own_institution(req, c->issuing_institution_id))
                return fy_fail(e, 403, "not_issuer",
                               "换发由原签发机构或区、市妇幼管理部门办理 (a replacement is made by the issuing "
                               "institution or the district/city MCH office)"),
                       -1;
            if (u->institution_id)
                cands[nc++] = u->institution_id;
            cands[nc++] = c->issuing_institution_id;
        } else {
            const ref_institution_t *mine = inst_of(req, u->institution_id);
            bool mch_staff = mine && (mine->types & INST_MCH_INSTITUTE);
            if (!is_admin_for(req) && !mch_staff)
                return fy_fail(e, 403, "not_mch_institute",
                               "补发由区妇幼保健所办理 (a reissue is made by the district MCH institute)"),
                       -1;
            if (mch_staff)
                cands[nc++] = mine->id;
            const ref_institution_t *orig = inst_of(req, c->issuing_institution_id);
            nc += district_mch(req, u->district ? u->district : orig ? orig->district : NULL, cands + nc, 4);
            cands[nc++] = c->issuing_institution_id;
        }
        /* the original ends voided, linked to its successor */
        const char *why =
            arena_printf(req->arena, "%s: %s",
                         a->act == ACT_REPLACE ? "换发 (replaced)" : "补发 (reissued: original lost)", a->reason);
        if (void_cert(a, tx, c, why, e))
            return -1;
        store_birth_cert_t *n = &a->n;
        memset(n, 0, sizeof *n);
        n->child_id = c->child_id;
        n->mother_id = c->mother_id;
        n->kind = a->act == ACT_REPLACE ? "replacement" : "reissue";
        n->status = "issued"; /* numbered below, in this unit */
        n->child_name = c->child_name;
        n->birth_date = c->birth_date;
        n->mother = c->mother;
        n->father = c->father;
        n->applicant = c->applicant;
        n->delivery_institution_id = c->delivery_institution_id;
        n->applied_by = u->id;
        n->previous_id = c->id;
        n->reason = a->reason;
        n->applied_at = n->created_at = n->updated_at = fy_now_ms();
        if (a->act == ACT_REPLACE) {
            if (a->new_name)
                n->child_name = a->new_name;
            if (a->new_mother) {
                json_t *m = json_parse_arena(req, c->mother);
                json_object_update(m, a->new_mother);
                if (mother_matches(m, &a->w, e))
                    return -1;
                n->mother = json_dump_arena(req, m);
            }
            if (a->father_set)
                n->father = a->new_father ? json_dump_arena(req, a->new_father) : NULL;
        }
        if (store_birth_cert_insert(tx, n, e))
            return -1;
        if (finish_issue(a, tx, n, cands, nc,
                         a->act == ACT_REPLACE ? "birth_certificate_replaced" : "birth_certificate_reissued", e))
            return -1;
        c->next_id = n->id;
        c->updated_at = fy_now_ms();
        if (store_birth_cert_update(tx, c, e))
            return -1;
        break;
    }
    case ACT_VOID: {
        if (strcmp(c->status, "voided") == 0)
            return fy_fail(e, 409, "already_voided", "该证明已作废 (the certificate is already voided)"),
                   fy_field(e, "status", "already_voided", "已作废 (already voided)"), -1;
        bool citizen_own = u->role == ROLE_CITIZEN && strcmp(c->status, "applied") == 0;
        const char *inst = c->issuing_institution_id ? c->issuing_institution_id : c->delivery_institution_id;
        if (!citizen_own && !is_admin_for(req) && !own_institution(req, inst))
            return fy_fail(e, 403, "not_issuer",
                           "作废由签发机构或区、市妇幼管理部门办理 (a void is made by the issuing institution or the "
                           "district/city MCH office)"),
                   -1;
        bool was_issued = strcmp(c->status, "issued") == 0;
        if (void_cert(a, tx, c, a->reason, e))
            return -1;
        if (was_issued) {
            store_birth_service_t s;
            rc = store_birth_service_of_child(tx, c->child_id, &s, e);
            if (rc < 0 || outbox_event(req, tx, "birth_certificate_voided", c, rc == 0 ? &s : NULL, e))
                return -1;
        }
        a->n = *c;
        break;
    }
    }
    return api_audit(tx, req, act_name, "birth_certificate", birth_id(req, c->id),
                     arena_printf(req->arena, "%s%s%s%s", a->n.number ? a->n.number : "", a->reason ? " " : "",
                                  a->reason ? a->reason : "", ""),
                     e);
}

struct get_ctx {
    http_req_t *req;
    int64_t id;
    store_birth_cert_t c;
    store_birth_cert_t *chain;
    int nchain;
    store_child_t child;
};

static int get_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct get_ctx *g = vctx;
    int rc = store_birth_cert_get(tx, g->id, &g->c, e);
    if (rc)
        return rc < 0 ? -1 : fy_fail(e, 404, "not_found", "没有这份出生医学证明 (no such birth certificate)");
    if (birth_child_load(g->req, tx, g->c.child_id, &g->child, NULL, e))
        return -1;
    return store_birth_certs_of_child(tx, g->c.child_id, &g->chain, &g->nchain, e);
}

/* The reply after an action: the certificate it produced, with the chain. */
static int reply_cert(http_req_t *req, http_resp_t *resp, int status, int64_t id)
{
    struct get_ctx g = {.req = req, .id = id};
    if (store_read(api_app(req)->store, req->arena, get_unit, &g, &req->err))
        return -1;
    buf_t b = {0};
    cert_json(req, &b, &g.c, g.chain, g.nchain, false);
    api_reply(resp, status, &b);
    http_add_header(resp, "Location", arena_printf(req->arena, "/api/v1/birth-certificates/%lld", (long long)id));
    http_add_header(resp, "ETag", arena_printf(req->arena, "\"%lld\"", (long long)g.c.version));
    return 0;
}

static int h_action(http_req_t *req, http_resp_t *resp, enum action act)
{
    struct act_ctx a = {.req = req, .act = act};
    if (api_id_param(req, 0, &a.id))
        return -1;
    fy_err_t *e = &req->err;
    json_t *body = NULL;
    if (act != ACT_ISSUE || req->body_len > 0) {
        body = api_body(req);
        if (!body)
            return -1;
    }
    if (act == ACT_ISSUE) {
        static const char *const known[] = {NULL};
        if (body)
            jv_no_unknown(body, known, e);
    } else if (act == ACT_REPLACE) {
        static const char *const known[] = {"reason", "corrections", NULL};
        jv_no_unknown(body, known, e);
        jv_str(body, "reason", true, 2, 500, &a.reason, e);
        json_t *corr = json_object_get(body, "corrections");
        if (corr && !json_is_null(corr)) {
            if (!json_is_object(corr)) {
                fy_field(e, "corrections", "type", "更正内容应为对象 (corrections must be an object)");
            } else {
                static const char *const ck[] = {"child_name", "mother", "father", NULL};
                fy_err_t ce = {0};
                jv_no_unknown(corr, ck, &ce);
                for (int k = 0; k < ce.n; k++)
                    fy_field(e, arena_printf(req->arena, "corrections.%s", ce.fields[k].field), ce.fields[k].code, "%s",
                             ce.fields[k].message);
                if (jv_str(corr, "child_name", false, 1, 64, &a.new_name, e))
                    name_check("corrections.child_name", a.new_name, e);
                else if (json_object_get(corr, "child_name"))
                    fy_field(e, "corrections.child_name", "child_name", "姓名无效 (invalid child_name)");
                json_t *m = json_object_get(corr, "mother");
                if (m && !json_is_null(m)) {
                    if (!json_is_object(m))
                        fy_field(e, "corrections.mother", "type", "应为对象 (must be an object)");
                    else
                        a.new_mother = m; /* merged and checked below */
                }
                json_t *f = json_object_get(corr, "father");
                if (f) {
                    a.father_set = true;
                    if (!json_is_null(f))
                        a.new_father = parent_check(req, f, "corrections.father", e);
                }
            }
        }
    } else {
        static const char *const known[] = {"reason", NULL};
        jv_no_unknown(body, known, e);
        jv_str(body, "reason", true, 2, 500, &a.reason, e);
    }
    if (fy_has_error(e))
        return -1;
    if (a.new_mother) {
        /* a partial mother correction is merged into the original and the
         * whole checked again, inside the unit (where the original is read);
         * here the given fields are checked for their own rules */
        struct get_ctx g = {.req = req, .id = a.id};
        if (store_read(api_app(req)->store, req->arena, get_unit, &g, e))
            return -1;
        json_t *merged = json_deep_copy(json_parse_arena(req, g.c.mother));
        if (!merged)
            merged = json_object();
        arena_defer(req->arena, (void (*)(void *))json_decref, merged);
        json_object_del(merged, "id_type_label");
        json_object_update(merged, a.new_mother);
        json_object_del(merged, "id_type_label");
        json_t *checked = parent_check(req, merged, "corrections.mother", e);
        if (!checked)
            return -1;
        a.new_mother = checked;
    }
    if (store_write(api_app(req)->store, req->arena, act_unit, &a, e))
        return -1;
    return reply_cert(req, resp, act == ACT_ISSUE || act == ACT_VOID ? 200 : 201, a.n.id ? a.n.id : a.id);
}

static int h_issue(http_req_t *req, http_resp_t *resp) { return h_action(req, resp, ACT_ISSUE); }
static int h_replace(http_req_t *req, http_resp_t *resp) { return h_action(req, resp, ACT_REPLACE); }
static int h_reissue(http_req_t *req, http_resp_t *resp) { return h_action(req, resp, ACT_REISSUE); }
static int h_void(http_req_t *req, http_resp_t *resp) { return h_action(req, resp, ACT_VOID); }

/* ---- reads ---------------------------------------------------------------- */

static int h_get(http_req_t *req, http_resp_t *resp)
{
    struct get_ctx g = {.req = req};
    bool unmask;
    const char *reason;
    if (api_id_param(req, 0, &g.id) || birth_unmask_request(req, &unmask, &reason))
        return -1;
    if (store_read(api_app(req)->store, req->arena, get_unit, &g, &req->err))
        return -1;
    if (api_audit_read(req, unmask ? "read_unmasked" : "read", "birth_certificate", req->params[0], reason))
        return -1;
    buf_t b = {0};
    cert_json(req, &b, &g.c, g.chain, g.nchain, unmask);
    api_reply(resp, 200, &b);
    http_add_header(resp, "ETag", arena_printf(req->arena, "\"%lld\"", (long long)g.c.version));
    return 0;
}

struct list_ctx {
    http_req_t *req;
    int64_t child_id;
    const char *institution_id; /* pending applications of a hospital */
    int limit, offset;
    int64_t total;
    store_child_t child;
    store_birth_cert_t *rows;
    int n;
};

static int list_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct list_ctx *l = vctx;
    if (l->institution_id)
        return store_birth_certs_applied(tx, l->institution_id, l->limit, l->offset, &l->rows, &l->n, &l->total, e);
    if (birth_child_load(l->req, tx, l->child_id, &l->child, NULL, e))
        return -1;
    if (store_birth_certs_of_child(tx, l->child_id, &l->rows, &l->n, e))
        return -1;
    l->total = l->n;
    return 0;
}

/* ?child_id= : a child's certificates (the chain); ?status=applied : the
 * applications awaiting issue at the user's hospital (admins name one with
 * institution_id). */
static int h_list(http_req_t *req, http_resp_t *resp)
{
    struct list_ctx l = {.req = req};
    api_user_t *u = api_user(req);
    const char *cid = http_query(req, "child_id");
    const char *status = http_query(req, "status");
    int page = 1;
    if (!cid && status && strcmp(status, "applied") == 0) {
        if (api_paging(req, &l.limit, &l.offset, &page))
            return -1;
        const char *inst = http_query(req, "institution_id");
        if (u->role == ROLE_CITY_ADMIN || u->role == ROLE_DISTRICT_ADMIN) {
            const ref_institution_t *x = inst_of(req, inst);
            if (!x)
                return fy_field(&req->err, "institution_id", "required",
                                "须给出机构 institution_id (institution_id is required)"),
                       -1;
            if (u->role == ROLE_DISTRICT_ADMIN && (!u->district || strcmp(x->district, u->district) != 0))
                return fy_fail(&req->err, 403, "out_of_scope",
                               "该机构不在您的辖区 (the institution is outside your district)"),
                       fy_field(&req->err, "institution_id", "out_of_scope", "不在辖区 (outside your district)"), -1;
            l.institution_id = x->id;
        } else if (u->role != ROLE_CITIZEN && u->institution_id && (!inst || strcmp(inst, u->institution_id) == 0)) {
            l.institution_id = u->institution_id;
        } else {
            return fy_fail(&req->err, 403, "other_institution",
                           "只能查看本机构的待签发申请 (only your own hospital's applications)"),
                   fy_field(&req->err, "institution_id", "other_institution", "非本机构 (not your institution)"), -1;
        }
    } else if (!cid || sscanf(cid, "%lld", (long long *)&l.child_id) != 1 || l.child_id <= 0) {
        return fy_field(&req->err, "child_id", "required",
                        "须给出儿童档案编号 child_id，或 status=applied (child_id is required, or status=applied)"),
               -1;
    }
    if (store_read(api_app(req)->store, req->arena, list_unit, &l, &req->err))
        return -1;
    buf_t b = {0}, ids = {0};
    buf_puts(&b, "{\"items\":[");
    for (int i = 0; i < l.n; i++) {
        if (i)
            buf_putc(&b, ',');
        cert_json(req, &b, &l.rows[i], NULL, 0, false);
        buf_printf(&ids, "%s%lld", i ? "," : "", (long long)l.rows[i].id);
    }
    if (l.institution_id)
        buf_printf(&b, "],\"page\":%d,\"page_size\":%d,\"total\":%lld}", page, l.limit, (long long)l.total);
    else
        buf_printf(&b, "],\"total\":%d}", l.n);
    return api_reply_search(req, resp, &b, "birth_certificate", &ids, NULL);
}

static int h_pdf(http_req_t *req, http_resp_t *resp)
{
    struct get_ctx g = {.req = req};
    if (api_id_param(req, 0, &g.id))
        return -1;
    if (store_read(api_app(req)->store, req->arena, get_unit, &g, &req->err))
        return -1;
    if (!g.c.number || !g.c.printed)
        return fy_fail(&req->err, 409, "not_issued", "尚未签发，没有可打印的证明 (not issued yet: nothing to print)"),
               fy_field(&req->err, "status", "not_issued", "当前状态：%s (status is %s)", g.c.status, g.c.status), -1;
    json_t *printed = json_parse_arena(req, g.c.printed);
    buf_t pdf = {0};
    char err[200];
    if (!printed || cert_pdf_render(printed, strcmp(g.c.status, "voided") == 0, &pdf, err, sizeof err)) {
        buf_free(&pdf);
        fprintf(stderr, "fuyou: certificate pdf: %s\n", printed ? err : "bad printed JSON");
        return fy_fail(&req->err, 500, "pdf", "证明PDF生成失败 (the certificate PDF could not be made)");
    }
    if (api_audit_read(req, "read_pdf", "birth_certificate", req->params[0], g.c.number)) {
        buf_free(&pdf);
        return -1;
    }
    buf_free(&resp->body);
    resp->body = pdf;
    resp->status = 200;
    resp->content_type = "application/pdf";
    http_add_header(resp, "Content-Disposition",
                    arena_printf(req->arena, "inline; filename=\"birth-certificate-%s.pdf\"", g.c.number));
    return 0;
}

/* ---- public verification ---------------------------------------------------- */

/* A fixed one-minute window per client address. The table is small and
 * lossy on purpose: under a flood of addresses a slot is reused. */
#define VERIFY_SLOTS 4096
#define VERIFY_WINDOW_MS 60000
static struct {
    char ip[48];
    int64_t start;
    int count;
} verify_slots[VERIFY_SLOTS];
static pthread_mutex_t verify_mu = PTHREAD_MUTEX_INITIALIZER;

static int verify_limit(void)
{
    const char *s = getenv("FUYOU_VERIFY_PER_MINUTE");
    long v = s ? strtol(s, NULL, 10) : 0;
    return v > 0 && v < 1000000 ? (int)v : 30;
}

/* Counts one request; returns the seconds to wait when over the limit, else 0. */
static int verify_rate(const char *ip, int64_t now)
{
    uint32_t h = 2166136261u;
    for (const char *p = ip ? ip : "?"; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    pthread_mutex_lock(&verify_mu);
    int slot = -1;
    for (int i = 0; i < 8; i++) {
        int k = (int)((h + (uint32_t)i) % VERIFY_SLOTS);
        if (strcmp(verify_slots[k].ip, ip ? ip : "?") == 0) {
            slot = k;
            break;
        }
        if (slot < 0 && (verify_slots[k].ip[0] == 0 || now - verify_slots[k].start >= VERIFY_WINDOW_MS))
            slot = k;
    }
    if (slot < 0)
        slot = (int)(h % VERIFY_SLOTS);
    if (strcmp(verify_slots[slot].ip, ip ? ip : "?") != 0 || now - verify_slots[slot].start >= VERIFY_WINDOW_MS) {
        snprintf(verify_slots[slot].ip, sizeof verify_slots[slot].ip, "%s", ip ? ip : "?");
        verify_slots[slot].start = now;
        verify_slots[slot].count = 0;
    }
    int wait = 0;
    if (verify_slots[slot].count >= verify_limit())
        wait = (int)((verify_slots[slot].start + VERIFY_WINDOW_MS - now + 999) / 1000);
    else
        verify_slots[slot].count++;
    pthread_mutex_unlock(&verify_mu);
    return wait > 0 ? wait : 0;
}

struct verify_ctx {
    http_req_t *req;
    const char *number, *name;
    fy_date_t birth;
    bool valid;
};

static int verify_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct verify_ctx *v = vctx;
    store_birth_cert_t c;
    int rc = store_birth_cert_by_number(tx, v->number, &c, e);
    if (rc < 0)
        return -1;
    v->valid =
        rc == 0 && strcmp(c.status, "issued") == 0 && strcmp(c.child_name, v->name) == 0 && c.birth_date == v->birth;
    return 0;
}

static int verify_audit_unit(store_tx_t *tx, void *vctx, fy_err_t *e)
{
    struct verify_ctx *v = vctx;
    return api_audit(tx, v->req, "verify", "birth_certificate", v->number, v->valid ? "valid" : "invalid", e);
}

static int h_verify(http_req_t *req, http_resp_t *resp)
{
    int wait = verify_rate(req->client_ip, fy_now_ms());
    if (wait) {
        req->err.retry_after = wait;
        fy_fail(&req->err, 429, "rate_limited",
                "查询过于频繁，请 %d 秒后再试 (too many verification requests; retry in %d s)", wait, wait);
        fy_field(&req->err, "number", "rate_limited", "查询过于频繁 (too many requests from this address)");
        return -1;
    }
    struct verify_ctx v = {.req = req};
    v.number = http_query(req, "number");
    v.name = http_query(req, "child_name");
    const char *bd = http_query(req, "birth_date");
    if (!v.number || !*v.number)
        fy_field(&req->err, "number", "required", "出生医学证明编号为必填项 (number is required)");
    if (!v.name || !*v.name)
        fy_field(&req->err, "child_name", "required", "新生儿姓名为必填项 (child_name is required)");
    if (!bd || !*bd)
        fy_field(&req->err, "birth_date", "required", "出生日期为必填项 (birth_date is required)");
    if (fy_has_error(&req->err))
        return -1;
    char l;
    int64_t seq;
    bool well_formed = strlen(v.number) == CERT_NUMBER_LEN && cert_number_parse(v.number, &l, &seq) &&
                       fy_date_parse(bd, &v.birth) && strlen(v.name) < 200;
    if (well_formed && store_read(api_app(req)->store, req->arena, verify_unit, &v, &req->err))
        return -1;
    if (!well_formed)
        v.number = arena_strndup(req->arena, v.number, 20);
    if (store_write(api_app(req)->store, req->arena, verify_audit_unit, &v, &req->err))
        return -1;
    buf_t b = {0};
    buf_printf(&b, "{\"valid\":%s}", v.valid ? "true" : "false");
    api_reply(resp, 200, &b);
    return 0;
}

#define STAFF ROLES_STAFF
const http_route_t api_certificate_routes[] = {
    {"POST", "/api/v1/certificate-blocks", h_block_create, ROLE_BIT(ROLE_CITY_ADMIN), 0},
    {"GET", "/api/v1/certificate-blocks", h_block_list, STAFF | ROLES_ADMIN, 0},
    {"POST", "/api/v1/certificate-blocks/{id}/void-next", h_block_spoil, STAFF | ROLE_BIT(ROLE_CITY_ADMIN), 0},
    {"POST", "/api/v1/birth-certificates", h_apply, ROLE_BIT(ROLE_CITIZEN) | STAFF, 0},
    {"GET", "/api/v1/birth-certificates", h_list, ROLES_ALL & ~ROLE_BIT(ROLE_SYS_ADMIN), 0},
    {"GET", "/api/v1/birth-certificates/{id}", h_get, ROLES_ALL & ~ROLE_BIT(ROLE_SYS_ADMIN), 0},
    {"GET", "/api/v1/birth-certificates/{id}/pdf", h_pdf, ROLES_ALL & ~ROLE_BIT(ROLE_SYS_ADMIN), 0},
    {"POST", "/api/v1/birth-certificates/{id}/issue", h_issue, STAFF, 0},
    {"POST", "/api/v1/birth-certificates/{id}/replace", h_replace,
     STAFF | ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_CITY_ADMIN), 0},
    {"POST", "/api/v1/birth-certificates/{id}/reissue", h_reissue,
     STAFF | ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_CITY_ADMIN), 0},
    {"POST", "/api/v1/birth-certificates/{id}/void", h_void,
     ROLE_BIT(ROLE_CITIZEN) | STAFF | ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_CITY_ADMIN), 0},
    {"GET", "/api/v1/public/birth-certificates/verify", h_verify, 0, HTTP_PUBLIC},
};
const size_t api_certificate_nroutes = sizeof api_certificate_routes / sizeof api_certificate_routes[0];
