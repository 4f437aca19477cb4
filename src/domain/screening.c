#include "domain/screening.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct screening_rules {
    json_t *doc; /* owns every string below */
    const char *version;
    scr_kind_t kinds[8];
    size_t nkinds;
    char recall[128], screened[128], required[128]; /* ",a,b," lists */
    int after_days, window_days;
};

static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static int csv_of(json_t *arr, char *out, size_t cap)
{
    size_t i, len = 1;
    json_t *v;
    snprintf(out, cap, ",");
    if (!json_is_array(arr))
        return -1;
    json_array_foreach(arr, i, v)
    {
        const char *s = json_string_value(v);
        if (!s || len + strlen(s) + 2 > cap)
            return -1;
        len += (size_t)snprintf(out + len, cap - len, "%s,", s);
    }
    return 0;
}

static bool in_csv(const char *csv, const char *v)
{
    if (!v || !*v || strchr(v, ','))
        return false;
    size_t n = strlen(v);
    for (const char *p = strstr(csv, v); p; p = strstr(p + 1, v))
        if (p[-1] == ',' && p[n] == ',')
            return true;
    return false;
}

int screening_rules_load(const char *data_dir, screening_rules_t **out, char *err, size_t errlen)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/screening/panels.json", data_dir);
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    if (!doc) {
        snprintf(err, errlen, "%s: %s (line %d)", path, je.text, je.line);
        return -1;
    }
    screening_rules_t *r = calloc(1, sizeof *r);
    r->doc = doc;
    r->version = str(doc, "version");
    r->after_days = (int)json_integer_value(json_object_get(doc, "unscreened_after_days"));
    r->window_days = (int)json_integer_value(json_object_get(doc, "unscreened_window_days"));
    const char *bad = NULL;
    if (!r->version)
        bad = "version";
    else if (csv_of(json_object_get(doc, "recall_results"), r->recall, sizeof r->recall))
        bad = "recall_results";
    else if (csv_of(json_object_get(doc, "screened_results"), r->screened, sizeof r->screened))
        bad = "screened_results";
    else if (csv_of(json_object_get(doc, "unscreened_required_kinds"), r->required, sizeof r->required))
        bad = "unscreened_required_kinds";
    else if (r->after_days < 1 || r->window_days <= r->after_days)
        bad = "unscreened_after_days / unscreened_window_days";
    json_t *kinds = json_object_get(doc, "kinds");
    size_t i;
    json_t *k;
    if (!bad && (!json_is_array(kinds) || json_array_size(kinds) == 0 ||
                 json_array_size(kinds) > sizeof r->kinds / sizeof r->kinds[0]))
        bad = "kinds";
    if (!bad) {
        json_array_foreach(kinds, i, k)
        {
            scr_kind_t *x = &r->kinds[r->nkinds++];
            x->kind = str(k, "kind");
            x->name = str(k, "name");
            x->name_en = str(k, "name_en");
            x->default_panel = str(k, "default_panel");
            x->timing_source = str(k, "timing_source");
            x->earliest_hours = (int)json_integer_value(json_object_get(k, "earliest_hours"));
            x->latest_days = (int)json_integer_value(json_object_get(k, "latest_days"));
            json_t *panels = json_object_get(k, "panels");
            size_t j;
            json_t *p;
            if (!x->kind || !x->name || !json_is_array(panels) || json_array_size(panels) > 16) {
                bad = "kinds[].kind/name/panels";
                break;
            }
            json_array_foreach(panels, j, p)
            {
                scr_panel_t *y = &x->panels[x->npanels++];
                y->id = str(p, "id");
                y->name = str(p, "name");
                y->name_en = str(p, "name_en");
                y->mark = str(p, "mark");
                y->source = str(p, "source");
                if (!y->id || !y->name) {
                    bad = "kinds[].panels[].id/name";
                    break;
                }
            }
            if (bad)
                break;
        }
    }
    if (bad) {
        snprintf(err, errlen, "%s: missing or invalid %s", path, bad);
        screening_rules_free(r);
        return -1;
    }
    *out = r;
    return 0;
}

void screening_rules_free(screening_rules_t *r)
{
    if (!r)
        return;
    json_decref(r->doc);
    free(r);
}

const char *screening_version(const screening_rules_t *r) { return r->version; }
size_t screening_kind_count(const screening_rules_t *r) { return r->nkinds; }
const scr_kind_t *screening_kind_at(const screening_rules_t *r, size_t i)
{
    return i < r->nkinds ? &r->kinds[i] : NULL;
}

const scr_kind_t *screening_kind(const screening_rules_t *r, const char *kind)
{
    for (size_t i = 0; kind && i < r->nkinds; i++)
        if (strcmp(r->kinds[i].kind, kind) == 0)
            return &r->kinds[i];
    return NULL;
}

const scr_panel_t *screening_panel(const scr_kind_t *k, const char *panel)
{
    for (size_t i = 0; k && panel && i < k->npanels; i++)
        if (strcasecmp(k->panels[i].id, panel) == 0)
            return &k->panels[i];
    return NULL;
}

bool screening_opens_recall(const screening_rules_t *r, const char *result) { return in_csv(r->recall, result); }
bool screening_counts_as_screened(const screening_rules_t *r, const char *result)
{
    return in_csv(r->screened, result);
}
const char *screening_screened_csv(const screening_rules_t *r) { return r->screened; }
bool screening_required(const screening_rules_t *r, const char *kind) { return in_csv(r->required, kind); }
int screening_unscreened_after_days(const screening_rules_t *r) { return r->after_days; }
int screening_unscreened_window_days(const screening_rules_t *r) { return r->window_days; }

bool screening_sample_early(const scr_kind_t *k, int64_t born_at_ms, int64_t sampled_at_ms)
{
    return k && sampled_at_ms && sampled_at_ms - born_at_ms < (int64_t)k->earliest_hours * 3600 * 1000;
}
