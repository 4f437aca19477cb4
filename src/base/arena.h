/* Request-scoped memory: one arena per request, freed in one call when the
 * reply has been sent (nginx pools are the model). Handlers never free.
 * Not thread-safe: an arena belongs to one request on one thread. */
#ifndef FY_BASE_ARENA_H
#define FY_BASE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena arena_t;

arena_t *arena_new(void);
void arena_free(arena_t *a);
/* Zeroed, 16-byte aligned; never returns NULL (aborts when memory is gone). */
void *arena_alloc(arena_t *a, size_t n);
/* Not zeroed: for a large object the caller fills itself. */
void *arena_alloc_raw(arena_t *a, size_t n);
char *arena_strdup(arena_t *a, const char *s);
char *arena_strndup(arena_t *a, const char *s, size_t n);
char *arena_printf(arena_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Calls fn(p) when the arena is freed: for jansson trees and other heap
 * objects whose life is the request's. */
void arena_defer(arena_t *a, void (*fn)(void *), void *p);

#endif
