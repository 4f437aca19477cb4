/* The PDF of a birth medical certificate (see certificate_pdf.h). */
#include "api/certificate_pdf.h"

#include <errno.h>
#include <hpdf.h>
#include <iconv.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pdf_ctx {
    bool failed;
    unsigned long code, detail;
};

static void on_error(HPDF_STATUS code, HPDF_STATUS detail, void *user)
{
    struct pdf_ctx *c = user;
    if (!c->failed) {
        c->failed = true;
        c->code = code;
        c->detail = detail;
    }
}

static int utf8_seq_len(unsigned char c)
{
    return c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
}

char *cert_pdf_gbk(const char *utf8)
{
    if (!utf8)
        utf8 = "";
    size_t inleft = strlen(utf8), cap = inleft * 2 + 8;
    char *out = malloc(cap), *op = out;
    size_t outleft = cap - 1;
    iconv_t cd = iconv_open("GBK", "UTF-8");
    if (cd == (iconv_t)-1) {
        /* no converter: keep ASCII only */
        for (const char *p = utf8; *p; p++)
            *op++ = (unsigned char)*p < 0x80 ? *p : '?';
        *op = 0;
        return out;
    }
    char *ip = (char *)utf8;
    while (inleft > 0) {
        size_t r = iconv(cd, &ip, &inleft, &op, &outleft);
        if (r != (size_t)-1)
            break;
        if (errno == EILSEQ || errno == EINVAL) {
            size_t skip = (size_t)utf8_seq_len((unsigned char)*ip);
            if (skip > inleft)
                skip = inleft;
            ip += skip;
            inleft -= skip;
            if (outleft > 0) {
                *op++ = '?';
                outleft--;
            }
        } else {
            break; /* E2BIG cannot happen: two bytes per input byte is enough */
        }
    }
    iconv_close(cd);
    *op = 0;
    return out;
}

/* ---- drawing ----------------------------------------------------------- */

typedef struct {
    HPDF_Doc pdf;
    HPDF_Page page;
    HPDF_Font cn, latin, latin_bold;
} pdf_t;

static void text_at(pdf_t *p, HPDF_Font f, float size, float x, float y, const char *utf8)
{
    char *g = f == p->cn ? cert_pdf_gbk(utf8) : strdup(utf8 ? utf8 : "");
    HPDF_Page_BeginText(p->page);
    HPDF_Page_SetFontAndSize(p->page, f, size);
    HPDF_Page_TextOut(p->page, x, y, g);
    HPDF_Page_EndText(p->page);
    free(g);
}

static float text_width(pdf_t *p, HPDF_Font f, float size, const char *utf8)
{
    char *g = f == p->cn ? cert_pdf_gbk(utf8) : strdup(utf8 ? utf8 : "");
    HPDF_Page_SetFontAndSize(p->page, f, size);
    float w = HPDF_Page_TextWidth(p->page, g);
    free(g);
    return w;
}

/* Width of one character: Latin in Helvetica, anything else a CJK em. */
static float char_width(pdf_t *p, float size, const char *c, int n)
{
    if (n != 1)
        return size;
    char one[2] = {c[0], 0};
    return text_width(p, p->latin, size, one);
}

/* Draws a line of mixed text: runs of ASCII in Helvetica (so numbers and
 * English read as plain Latin text), the rest in SimSun. */
static void text_mixed(pdf_t *p, float size, float x, float y, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        bool ascii = (unsigned char)s[i] < 0x80;
        size_t j = i;
        while (j < len && ((unsigned char)s[j] < 0x80) == ascii)
            j++;
        char *run = strndup(s + i, j - i);
        HPDF_Font f = ascii ? p->latin : p->cn;
        text_at(p, f, size, x, y, run);
        x += text_width(p, f, size, run);
        free(run);
        i = j;
    }
}

/* Draws utf8 wrapped into lines of at most `width` points; returns the
 * number of lines. */
static int text_wrapped(pdf_t *p, float size, float x, float y, float width, float leading, const char *utf8,
                        int max_lines)
{
    const char *s = utf8 ? utf8 : "";
    int lines = 0;
    while (*s && lines < max_lines) {
        float w = 0;
        const char *q = s;
        while (*q) {
            int n = utf8_seq_len((unsigned char)*q);
            float cw = char_width(p, size, q, n);
            if (w + cw > width)
                break;
            w += cw;
            for (int i = 0; i < n && *q; i++)
                q++;
        }
        if (q == s) /* a character wider than the box: take it anyway */
            q += utf8_seq_len((unsigned char)*q);
        text_mixed(p, size, x, y - leading * (float)lines, s, (size_t)(q - s));
        lines++;
        s = q;
    }
    if (lines == 0)
        lines = 1;
    return lines;
}

static void hline(pdf_t *p, float x1, float x2, float y)
{
    HPDF_Page_MoveTo(p->page, x1, y);
    HPDF_Page_LineTo(p->page, x2, y);
    HPDF_Page_Stroke(p->page);
}

static void qr(pdf_t *p, const char *number, float x, float y, float size)
{
    QRcode *q = QRcode_encodeString(number, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q)
        return;
    int quiet = 2;
    float m = size / (float)(q->width + 2 * quiet);
    HPDF_Page_SetRGBFill(p->page, 1, 1, 1);
    HPDF_Page_Rectangle(p->page, x, y, size, size);
    HPDF_Page_Fill(p->page);
    HPDF_Page_SetRGBFill(p->page, 0, 0, 0);
    for (int r = 0; r < q->width; r++)
        for (int c = 0; c < q->width; c++)
            if (q->data[r * q->width + c] & 1)
                HPDF_Page_Rectangle(p->page, x + (float)(quiet + c) * m, y + size - (float)(quiet + r + 1) * m, m, m);
    HPDF_Page_Fill(p->page);
    QRcode_free(q);
}

static const char *sget(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (json_is_string(v) && *json_string_value(v))
        return json_string_value(v);
    return NULL;
}

static const char *or_slash(const char *s) { return s ? s : "/"; }

#define LEFT 60.0f
#define RIGHT 535.0f
#define LABEL_W 150.0f
#define VALUE_SIZE 10.5f
#define LEADING 12.5f

static void vline(pdf_t *p, float x, float y1, float y2)
{
    HPDF_Page_MoveTo(p->page, x, y1);
    HPDF_Page_LineTo(p->page, x, y2);
    HPDF_Page_Stroke(p->page);
}

static void label(pdf_t *p, float y, const char *zh, const char *en)
{
    text_at(p, p->cn, 10, LEFT + 6, y - 13, zh);
    text_at(p, p->latin, 6.5f, LEFT + 6, y - 22, en);
}

/* A row: Chinese label with English below it, then one value per column
 * (1 or 2 columns: child fields, or mother and father). Returns the y
 * below the row. */
static float row_n(pdf_t *p, float y, const char *zh, const char *en, const char *const *values, int ncol)
{
    float colw = (RIGHT - LEFT - LABEL_W) / (float)ncol;
    int lines = 1;
    for (int i = 0; i < ncol; i++) {
        int n = text_wrapped(p, VALUE_SIZE, LEFT + LABEL_W + 6 + colw * (float)i, y - 15, colw - 12, LEADING,
                             or_slash(values[i]), 4);
        if (n > lines)
            lines = n;
    }
    label(p, y, zh, en);
    float h = lines > 1 ? 8.0f + LEADING * (float)lines + 4.0f : 26.0f;
    HPDF_Page_SetLineWidth(p->page, 0.4f);
    hline(p, LEFT, RIGHT, y - h);
    for (int i = 0; i < ncol; i++)
        vline(p, LEFT + LABEL_W + colw * (float)i, y, y - h);
    vline(p, LEFT, y, y - h);
    vline(p, RIGHT, y, y - h);
    return y - h;
}

static float row(pdf_t *p, float y, const char *zh, const char *en, const char *value)
{
    const char *v[1] = {value};
    return row_n(p, y, zh, en, v, 1);
}

static float section(pdf_t *p, float y, const char *const *titles, int ncol)
{
    float colw = (RIGHT - LEFT - LABEL_W) / (float)ncol;
    HPDF_Page_SetRGBFill(p->page, 0.93f, 0.95f, 0.98f);
    HPDF_Page_Rectangle(p->page, LEFT, y - 20, RIGHT - LEFT, 20);
    HPDF_Page_Fill(p->page);
    HPDF_Page_SetRGBFill(p->page, 0, 0, 0);
    text_mixed(p, 10.5f, LEFT + 6, y - 14, titles[0], strlen(titles[0]));
    for (int i = 1; i <= ncol && titles[i]; i++)
        text_mixed(p, 10.5f, LEFT + LABEL_W + 6 + colw * (float)(i - 1), y - 14, titles[i], strlen(titles[i]));
    HPDF_Page_SetLineWidth(p->page, 0.4f);
    hline(p, LEFT, RIGHT, y - 20);
    return y - 20;
}

static char *fmt(const char *f, const char *a, const char *b)
{
    size_t n = strlen(f) + (a ? strlen(a) : 0) + (b ? strlen(b) : 0) + 1;
    char *s = malloc(n);
    snprintf(s, n, f, a ? a : "", b ? b : "");
    return s;
}

static const char *age_text(json_t *o, char *buf, size_t cap)
{
    json_t *a = json_object_get(o, "age");
    if (!json_is_integer(a))
        return NULL;
    snprintf(buf, cap, "%lld 岁 (years)", (long long)json_integer_value(a));
    return buf;
}

/* The parents side by side; an absent father's fields are "/". */
static float parents(pdf_t *p, float y, json_t *mother, json_t *father)
{
    static const char *const titles[] = {"父母 (Parents)", "母亲 (Mother)", "父亲 (Father)"};
    y = section(p, y, titles, 2);
    static const struct {
        const char *key, *zh, *en;
    } fields[] = {
        {"name", "姓名", "Name"},
        {"age", "年龄", "Age"},
        {"nationality", "国籍", "Nationality"},
        {"ethnicity", "民族", "Ethnicity"},
        {"address", "住址", "Address"},
        {"id_type_label", "有效身份证件类别", "Type of ID document"},
        {"id_number", "有效身份证件号码", "ID document number"},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        char ma[32], fa[32];
        const char *v[2];
        if (strcmp(fields[i].key, "age") == 0) {
            v[0] = mother ? age_text(mother, ma, sizeof ma) : NULL;
            v[1] = father ? age_text(father, fa, sizeof fa) : NULL;
        } else {
            v[0] = mother ? sget(mother, fields[i].key) : NULL;
            v[1] = father ? sget(father, fields[i].key) : NULL;
        }
        y = row_n(p, y, fields[i].zh, fields[i].en, v, 2);
    }
    return y;
}

int cert_pdf_render(json_t *printed, bool voided, buf_t *out, char *err, size_t errlen)
{
    struct pdf_ctx ctx = {0};
    HPDF_Doc pdf = HPDF_New(on_error, &ctx);
    if (!pdf) {
        snprintf(err, errlen, "HPDF_New failed");
        return -1;
    }
    const char *number = sget(printed, "number");
    json_t *child = json_object_get(printed, "child");
    json_t *mother = json_object_get(printed, "mother");
    json_t *father = json_object_get(printed, "father");
    if (!json_is_object(father))
        father = NULL;
    HPDF_SetCompressionMode(pdf, HPDF_COMP_NONE); /* the number stays readable in the file */
    HPDF_UseCNSFonts(pdf);
    HPDF_UseCNSEncodings(pdf);
    pdf_t p = {pdf, NULL, NULL, NULL, NULL};
    p.cn = HPDF_GetFont(pdf, "SimSun", "GBK-EUC-H");
    p.latin = HPDF_GetFont(pdf, "Helvetica", NULL);
    p.latin_bold = HPDF_GetFont(pdf, "Helvetica-Bold", NULL);
    char title[96];
    snprintf(title, sizeof title, "Medical Certificate of Birth %s", number ? number : "");
    HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, title);
    HPDF_SetInfoAttr(pdf, HPDF_INFO_SUBJECT, number ? number : "");
    HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, "fuyou");
    p.page = HPDF_AddPage(pdf);
    HPDF_Page_SetSize(p.page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    if (ctx.failed || !p.cn || !p.latin) {
        HPDF_Free(pdf);
        snprintf(err, errlen, "libharu set-up failed (error 0x%04lX)", ctx.code);
        return -1;
    }
    float H = HPDF_Page_GetHeight(p.page);

    /* frame */
    HPDF_Page_SetRGBStroke(p.page, 0.55f, 0.1f, 0.1f);
    HPDF_Page_SetLineWidth(p.page, 2);
    HPDF_Page_Rectangle(p.page, 36, 36, 595 - 72, H - 72);
    HPDF_Page_Stroke(p.page);
    HPDF_Page_SetRGBStroke(p.page, 0, 0, 0);

    /* title */
    const char *t = "出生医学证明";
    float w = text_width(&p, p.cn, 26, t);
    text_at(&p, p.cn, 26, (595 - w) / 2 - 40, H - 90, t);
    const char *te = "Medical Certificate of Birth";
    w = text_width(&p, p.latin, 12, te);
    text_at(&p, p.latin, 12, (595 - w) / 2 - 40, H - 108, te);
    const char *ed = "第七版 (7th edition)";
    text_mixed(&p, 9, (595 - 90) / 2 - 40, H - 124, ed, strlen(ed));

    /* number and QR code */
    text_mixed(&p, 10, 430, H - 62, "编号 (No.)", strlen("编号 (No.)"));
    text_at(&p, p.latin_bold, 13, 430, H - 78, number ? number : "-");
    if (number)
        qr(&p, number, 450, H - 168, 80);

    float y = H - 180;
    static const char *const t_child[] = {"新生儿 (Newborn)", NULL};
    y = section(&p, y, t_child, 1);
    y = row(&p, y, "姓名", "Name", child ? sget(child, "name") : NULL);
    y = row(&p, y, "性别", "Sex", child ? sget(child, "sex_label") : NULL);
    y = row(&p, y, "出生时间", "Date and time of birth", child ? sget(child, "born_at_text") : NULL);
    char buf[64];
    json_t *v = child ? json_object_get(child, "ga_weeks") : NULL;
    snprintf(buf, sizeof buf, "%lld 周 (weeks)", (long long)json_integer_value(v));
    y = row(&p, y, "出生孕周", "Gestational age at birth", v ? buf : NULL);
    v = child ? json_object_get(child, "weight_g") : NULL;
    snprintf(buf, sizeof buf, "%lld 克 (g)", (long long)json_integer_value(v));
    y = row(&p, y, "出生体重", "Birth weight", v ? buf : NULL);
    v = child ? json_object_get(child, "length_cm") : NULL;
    snprintf(buf, sizeof buf, "%.1f 厘米 (cm)", json_number_value(v));
    y = row(&p, y, "出生身长", "Birth length", json_is_number(v) ? buf : NULL);
    json_t *place = child ? json_object_get(child, "birth_place") : NULL;
    char *pl = fmt("%s %s", sget(place, "province"), sget(place, "city"));
    char *pl2 = fmt("%s %s", pl, sget(place, "district"));
    y = row(&p, y, "出生地点", "Place of birth (province, city, district)", place ? pl2 : NULL);
    free(pl);
    free(pl2);
    y = row(&p, y, "医疗机构名称", "Institution of birth", child ? sget(child, "institution_name") : NULL);

    y = parents(&p, y, mother, father);
    static const char *const t_issue[] = {"签发 (Issue)", NULL};
    y = section(&p, y, t_issue, 1);
    y = row(&p, y, "出生证编号", "Certificate number", number);
    y = row(&p, y, "签发日期", "Date of issue", sget(printed, "issue_date_text"));
    y = row(&p, y, "签证机构", "Issuing institution", sget(printed, "issuing_institution_name"));
    (void)y;
    const char *foot =
        "本证明依《母婴保健法》第二十三条出具，请妥善保管。 (Issued under the Maternal and Infant Health "
        "Care Law, art. 23; keep it safe.)";
    text_wrapped(&p, 7.5f, 60, 52, 475, 10, foot, 2);

    if (voided) {
        HPDF_Page_SetRGBFill(p.page, 0.85f, 0.1f, 0.1f);
        HPDF_Page_BeginText(p.page);
        HPDF_Page_SetFontAndSize(p.page, p.cn, 90);
        HPDF_Page_SetTextMatrix(p.page, 0.7071f, 0.7071f, -0.7071f, 0.7071f, 170, 300);
        char *g = cert_pdf_gbk("作废");
        HPDF_Page_ShowText(p.page, g);
        free(g);
        HPDF_Page_EndText(p.page);
        text_at(&p, p.latin_bold, 28, 250, 250, "VOID");
        HPDF_Page_SetRGBFill(p.page, 0, 0, 0);
    }

    if (ctx.failed || HPDF_SaveToStream(pdf) != HPDF_OK) {
        snprintf(err, errlen, "libharu failed (error 0x%04lX, detail %lu)", ctx.code, ctx.detail);
        HPDF_Free(pdf);
        return -1;
    }
    HPDF_ResetStream(pdf);
    HPDF_UINT32 size = HPDF_GetStreamSize(pdf);
    buf_reserve(out, size + 1);
    for (;;) {
        HPDF_BYTE chunk[8192];
        HPDF_UINT32 n = sizeof chunk;
        HPDF_STATUS st = HPDF_ReadFromStream(pdf, chunk, &n);
        if (n)
            buf_append(out, chunk, n);
        if (st == HPDF_STREAM_EOF || n == 0)
            break;
        if (st != HPDF_OK) {
            snprintf(err, errlen, "libharu stream read failed");
            HPDF_Free(pdf);
            return -1;
        }
    }
    HPDF_Free(pdf);
    return 0;
}
