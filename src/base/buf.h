/* A growable byte buffer for building replies by appending (JSON text is
 * written directly on hot paths instead of building a tree). Heap-backed;
 * the owner calls buf_free. */
#ifndef FY_BASE_BUF_H
#define FY_BASE_BUF_H

#include <stddef.h>

typedef struct {
    char *p;
    size_t len, cap;
} buf_t;

void buf_reserve(buf_t *b, size_t extra);
void buf_append(buf_t *b, const void *s, size_t n);
void buf_puts(buf_t *b, const char *s);
/* Inline: replies are written a character at a time in places. */
static inline void buf_putc(buf_t *b, char c)
{
    if (b->len + 2 > b->cap)
        buf_reserve(b, 1);
    b->p[b->len++] = c;
    b->p[b->len] = 0;
}
/* A decimal integer, without printf (replies write many). */
void buf_put_int(buf_t *b, long long v);
/* A finite number as "%.10g" writes it; short decimals (the measurements a
 * record holds) without printf. */
void buf_put_num(buf_t *b, double v);
void buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal, quotes included; NULL gives null. */
void buf_json_str(buf_t *b, const char *s);
/* Takes the contents (NUL-terminated) and leaves b empty. */
char *buf_take(buf_t *b);
void buf_free(buf_t *b);

#endif
