#include "base/buf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_reserve(buf_t *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p)
        abort();
    b->p = p;
    b->cap = cap;
}

void buf_append(buf_t *b, const void *s, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

void buf_puts(buf_t *b, const char *s) { buf_append(b, s, strlen(s)); }


void buf_put_int(buf_t *b, long long v)
{
    /* digits from the right; the magnitude as unsigned so LLONG_MIN works */
    char tmp[24];
    char *p = tmp + sizeof tmp;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    buf_append(b, p, (size_t)(tmp + sizeof tmp - p));
}

void buf_put_num(buf_t *b, double v)
{
    /* v is n / 1000 exactly as a double, with |n| < 10^9: then the decimal
     * n / 1000 (at most 9 significant digits) is the nearest such decimal to
     * v, so "%.10g" prints those digits, trailing zeros dropped. -0 and
     * anything else go to printf. */
    if (v != 0 && v > -1e6 && v < 1e6) {
        double scaled = v * 1000;
        long long n = (long long)(scaled < 0 ? scaled - 0.5 : scaled + 0.5);
        if (n != 0 && (double)n / 1000 == v) {
            unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
            char tmp[24];
            char *p = tmp + sizeof tmp;
            int frac = 3;
            while (frac > 0 && u % 10 == 0) { /* trailing zeros of the fraction */
                u /= 10;
                frac--;
            }
            for (int i = 0; i < frac; i++) {
                *--p = (char)('0' + u % 10);
                u /= 10;
            }
            if (frac)
                *--p = '.';
            do
                *--p = (char)('0' + u % 10);
            while (u /= 10);
            if (n < 0)
                *--p = '-';
            buf_append(b, p, (size_t)(tmp + sizeof tmp - p));
            return;
        }
    }
    if (v == 0 && !signbit(v)) {
        buf_putc(b, '0');
        return;
    }
    buf_printf(b, "%.10g", v);
}

void buf_printf(buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        buf_append(b, tmp, (size_t)n);
        return;
    }
    buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* The length of the valid UTF-8 sequence at p (2 to 4 bytes, no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_seq_len(const unsigned char *p)
{
    unsigned char c = p[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* Bytes that are copied as they are inside a JSON string: printable ASCII
 * but for the quote, the backslash and the < > & that replies escape. */
static const unsigned char plain_byte[256] = {
    ['\x20'] = 1, 1, 0 /* " */, 1, 1, 1, 0 /* & */, 1, 1, 1, 1, 1, 1, 1, 1, 1,          /* 0x20–0x2F */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 /* < */, 1, 0 /* > */, 1,                   /* 0x30–0x3F */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,                                   /* 0x40–0x4F */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 /* \\ */, 1, 1, 1,                           /* 0x50–0x5F */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,                                   /* 0x60–0x6F */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,                                   /* 0x70–0x7F */
};

void buf_json_str(buf_t *b, const char *s)
{
    if (!s) {
        buf_puts(b, "null");
        return;
    }
    static const char hex[] = "0123456789abcdef";
    buf_reserve(b, strlen(s) + 2);
    buf_putc(b, '"');
    const unsigned char *p = (const unsigned char *)s, *run = p;
    /* text is copied in runs; only the bytes that need care stop a run */
    for (;; p++) {
        while (plain_byte[*p])
            p++;
        unsigned char c = *p;
        if (!c)
            break;
        if (c >= 0x80) {
            /* most of it is Chinese: three bytes led by E1–EC or EE–EF */
            if (((c >= 0xE1 && c <= 0xEC) || c >= 0xEE) && c <= 0xEF && (p[1] & 0xC0) == 0x80 &&
                (p[2] & 0xC0) == 0x80) {
                p += 2;
                continue;
            }
            /* JSON text is UTF-8: a byte that does not start a valid
             * sequence (a client's %FF in a path, a message cut short)
             * becomes U+FFFD instead of making the whole reply unreadable */
            size_t n = utf8_seq_len(p);
            if (n) {
                p += n - 1;
                continue;
            }
            buf_append(b, run, (size_t)(p - run));
            buf_puts(b, "\\ufffd");
        } else {
            buf_append(b, run, (size_t)(p - run));
            if (c == '"' || c == '\\') {
                char esc[2] = {'\\', (char)c};
                buf_append(b, esc, 2);
            } else {
                /* control characters, and < > & so a reply sniffed as HTML stays inert */
                char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                buf_append(b, esc, 6);
            }
        }
        run = p + 1;
    }
    buf_append(b, run, (size_t)(p - run));
    buf_putc(b, '"');
}

char *buf_take(buf_t *b)
{
    if (!b->p)
        buf_reserve(b, 0);
    char *p = b->p;
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}

void buf_free(buf_t *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}
