/* `fuyou demo`: demo accounts (one per role) and a synthetic Shanghai,
 * generated deterministically from a seed through the same store and domain
 * code the API uses. */
#ifndef FY_DEMO_DEMO_H
#define FY_DEMO_DEMO_H

#include "api/api.h"

typedef struct {
    long births;
    long seed;
    int year; /* report year; 0 = the current one */
    const char *data_dir;
} demo_opts_t;

extern const char demo_usage[];
extern const char demo_password[];

int demo_run(app_t *app, const demo_opts_t *o);

#endif
