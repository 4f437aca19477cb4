/* The application context: reference data and rule tables loaded once. */
#include <stdio.h>
#include <string.h>

#include "api/api.h"

static const char *const anc_files[] = {"anc-national-2011", "anc-cma-2018"};

int app_load(app_t *app, const char *data_dir, const char *anc_schedule_id, char *err, size_t errlen)
{
    app->data_dir = data_dir;
    if (refdata_load(data_dir, &app->ref, err, errlen))
        return -1;
    char path[512], why[256];
    snprintf(path, sizeof path, "%s/risk/criteria-2017.json", data_dir);
    if (risk_criteria_load(path, &app->risk, why, sizeof why)) {
        snprintf(err, errlen, "%s: %s", path, why);
        return -1;
    }
    snprintf(path, sizeof path, "%s/indicators.json", data_dir);
    if (ind_load(path, &app->indicators, why, sizeof why)) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    snprintf(path, sizeof path, "%s/who-growth", data_dir);
    if (growth_load(path, &app->growth)) {
        snprintf(err, errlen, "%s: WHO 生长标准表缺失或不完整 (the WHO growth tables are missing or incomplete)", path);
        return -1;
    }
    for (size_t i = 0; i < sizeof anc_files / sizeof anc_files[0]; i++) {
        snprintf(path, sizeof path, "%s/schedules/%s.json", data_dir, anc_files[i]);
        schedule_t *s;
        if (schedule_load(path, &s, why, sizeof why)) {
            snprintf(err, errlen, "%s: %s", path, why);
            return -1;
        }
        app->anc_schedules[app->n_anc_schedules++] = s;
    }
    app->anc_schedule = (schedule_t *)app_anc_schedule(app, anc_schedule_id ? anc_schedule_id : anc_files[0]);
    if (!app->anc_schedule) {
        snprintf(err, errlen, "unknown antenatal schedule %s (known: anc-national-2011, anc-cma-2018)",
                 anc_schedule_id);
        return -1;
    }
    return 0;
}

void app_unload(app_t *app)
{
    refdata_free(app->ref);
    risk_criteria_free(app->risk);
    ind_free(app->indicators);
    growth_free(app->growth);
    for (size_t i = 0; i < app->n_anc_schedules; i++)
        schedule_free(app->anc_schedules[i]);
    memset(app, 0, sizeof *app);
}

const schedule_t *app_anc_schedule(const app_t *app, const char *id)
{
    for (size_t i = 0; id && i < app->n_anc_schedules; i++)
        if (strcmp(schedule_id(app->anc_schedules[i]), id) == 0)
            return app->anc_schedules[i];
    return NULL;
}
