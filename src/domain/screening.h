/* Newborn screening rules (domain.md §9) read from
 * data/screening/panels.json: the kinds (metabolic, hearing, CHD), their
 * panels and sampling windows, which results open a recall, which count as
 * screened, and when an unscreened newborn becomes a work-list item. Pure
 * apart from loading the rule file; read-only after loading, so any thread
 * may read it. */
#ifndef FY_DOMAIN_SCREENING_H
#define FY_DOMAIN_SCREENING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *id, *name, *name_en, *mark, *source;
} scr_panel_t;

typedef struct {
    const char *kind, *name, *name_en, *default_panel, *timing_source;
    int earliest_hours, latest_days;
    scr_panel_t panels[16];
    size_t npanels;
} scr_kind_t;

typedef struct screening_rules screening_rules_t;

int screening_rules_load(const char *data_dir, screening_rules_t **out, char *err, size_t errlen);
void screening_rules_free(screening_rules_t *r);

const char *screening_version(const screening_rules_t *r);
size_t screening_kind_count(const screening_rules_t *r);
const scr_kind_t *screening_kind_at(const screening_rules_t *r, size_t i);
const scr_kind_t *screening_kind(const screening_rules_t *r, const char *kind);
/* A listed panel of the kind (id compared case-insensitively), or NULL. */
const scr_panel_t *screening_panel(const scr_kind_t *k, const char *panel);
/* The results that open a recall (positive, refer). */
bool screening_opens_recall(const screening_rules_t *r, const char *result);
/* The results that end the "unscreened" item for a kind. */
bool screening_counts_as_screened(const screening_rules_t *r, const char *result);
/* ",negative,positive,…," — the same list for a store query. */
const char *screening_screened_csv(const screening_rules_t *r);
/* Kinds that every newborn must have (metabolic, hearing). */
bool screening_required(const screening_rules_t *r, const char *kind);
/* Days after birth from which a newborn without a required screening is
 * listed, and how long the item stays. */
int screening_unscreened_after_days(const screening_rules_t *r);
int screening_unscreened_window_days(const screening_rules_t *r);
/* Sample taken earlier than the kind's earliest hour after birth (a blood
 * spot before 72 h must be repeated). */
bool screening_sample_early(const scr_kind_t *k, int64_t born_at_ms, int64_t sampled_at_ms);

#endif
