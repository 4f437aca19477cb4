/* The critical maternal and newborn rescue network ("7+6", domain.md §6):
 * its pure rules. The pairing of centres and districts (checked and routed
 * here, stored as versions by store/), the referral state machine and who
 * may move it, the time-stamp rule of a transition, the percentile used for
 * response times, the late-report rule of a death, and the age windows of
 * perinatal and under-5 deaths. No I/O: api/rescue.c and
 * api/critical_events.c call these, tests/unit/test_rescue.c tests them. */
#ifndef FY_DOMAIN_RESCUE_H
#define FY_DOMAIN_RESCUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/date.h"
#include "base/err.h"
#include "domain/refdata.h"
#include "domain/scope.h"

/* ---- the network --------------------------------------------------------- */

typedef enum { RESCUE_MATERNAL = 0, RESCUE_NEWBORN, RESCUE_NKINDS } rescue_kind_t;
/* "maternal" | "newborn" */
const char *rescue_kind_name(rescue_kind_t k);
int rescue_kind_parse(const char *s, rescue_kind_t *out); /* 0, or -1 when unknown */
/* The institution type a centre of the kind must have (INST_*_RESCUE_CENTER). */
unsigned rescue_kind_center_type(rescue_kind_t k);

/* What a referral is routed by, tried in the network's order. */
typedef enum { RESCUE_BY_RESIDENCE = 0, RESCUE_BY_INSTITUTION, RESCUE_NBASES } rescue_basis_t;
/* "patient_residence_district" | "referring_institution_district" */
const char *rescue_basis_name(rescue_basis_t b);
int rescue_basis_parse(const char *s, rescue_basis_t *out);

typedef struct {
    const char *center;     /* institution id */
    const char **districts; /* district codes */
    size_t ndistricts;
} rescue_center_t;

typedef struct {
    const char *label;
    fy_date_t effective;
    bool sample;
    const char *note, *source, *rule, *rule_zh;
    rescue_basis_t order[RESCUE_NBASES]; /* the routing rule as data */
    size_t norder;
    rescue_center_t *centers[RESCUE_NKINDS];
    size_t ncenters[RESCUE_NKINDS];
} rescue_network_t;

/* The pairing rule: for each kind, every district of `ref` is paired with
 * exactly one centre; every district code is one of `ref`'s; every centre is
 * a known institution of the kind's centre type and listed once; the
 * routing order is non-empty without repeats. Adds one field error per
 * broken rule, naming it as the request does ("maternal[2].districts[1]",
 * "newborn[0].center", "maternal" for districts left unpaired). Returns 0
 * or -1. */
int rescue_network_check(const rescue_network_t *n, const refdata_t *ref, fy_err_t *e);

/* The centre of `kind` that serves a district, or NULL. */
const char *rescue_center_of(const rescue_network_t *n, rescue_kind_t kind, const char *district);

/* The routing rule: the network's bases in order — the patient's residence
 * district, then the referring institution's district — the first whose
 * district is paired gives the centre. Sets *basis and *district to what
 * decided. NULL when none is paired. */
const char *rescue_route(const rescue_network_t *n, rescue_kind_t kind, const char *residence_district,
                         const char *institution_district, rescue_basis_t *basis, const char **district);

/* ---- referrals and consultations ----------------------------------------- */

/* requested → accepted | redirected; a redirected referral waits at its new
 * centre as requested; accepted → in_transit → arrived → closed. */
typedef enum {
    RS_REQUESTED = 0,
    RS_ACCEPTED,
    RS_REDIRECTED,
    RS_IN_TRANSIT,
    RS_ARRIVED,
    RS_CLOSED,
    RS_NSTATES
} rescue_state_t;
const char *rescue_state_name(rescue_state_t s);
const char *rescue_state_label_zh(rescue_state_t s);
int rescue_state_parse(const char *s, rescue_state_t *out);
bool rescue_transition_allowed(rescue_state_t from, rescue_state_t to);
/* The state a referral is in after the transition `to` (redirected →
 * requested, at the new centre; else `to`). */
rescue_state_t rescue_state_after(rescue_state_t to);
/* The transitions allowed from a state, in order; returns how many. */
size_t rescue_next_states(rescue_state_t from, rescue_state_t out[RS_NSTATES]);

typedef enum { RO_RECOVERED = 0, RO_TRANSFERRED, RO_DIED, RO_NOUTCOMES } rescue_outcome_t;
extern const char *const rescue_outcome_names[]; /* NULL-terminated */

/* Who acts on a referral: the staff of the centre it waits at, or the staff
 * of the institution that referred it. The centre makes every transition;
 * the referring institution only sends the patient off (in_transit). */
typedef enum { RESCUE_ACTOR_NONE = 0, RESCUE_ACTOR_CENTER, RESCUE_ACTOR_REFERRER } rescue_actor_t;
rescue_actor_t rescue_actor_of(role_t role, const char *user_institution, const char *center,
                               const char *from_institution);
bool rescue_actor_may(rescue_actor_t a, rescue_state_t to);

/* Who sees a referral: centre staff the referrals waiting at (or handled
 * by) their centre, other institution staff those their institution sent,
 * a district admin those whose patient lives in the district or whose
 * referring institution is in it, city and system admins all. */
bool rescue_referral_visible(const scope_t *s, role_t role, const char *center, const char *from_institution,
                             const char *patient_district, const char *from_district);

/* A transition's time: not after now and not before the previous
 * transition (equal is allowed). */
typedef enum { RESCUE_AT_OK = 0, RESCUE_AT_FUTURE, RESCUE_AT_BEFORE_PREVIOUS } rescue_at_check_t;
rescue_at_check_t rescue_check_at(int64_t at_ms, int64_t now_ms, int64_t previous_ms);

/* ---- response times ------------------------------------------------------ */

/* The p-quantile (0 ≤ p ≤ 1) of n values by linear interpolation between
 * closest ranks (Hyndman & Fan type 7; numpy's default, Excel
 * PERCENTILE.INC): sort ascending x[0] ≤ … ≤ x[n−1], h = (n − 1)·p,
 * q = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). The median is p = 0.5 (the
 * mean of the two middle values when n is even), the 90th percentile
 * p = 0.9. Sorts v in place. NaN when n is 0. */
double rescue_percentile(double *v, size_t n, double p);

/* Minutes between two instants. */
double rescue_minutes(int64_t from_ms, int64_t to_ms);

/* ---- critical events ----------------------------------------------------- */

typedef enum { CE_CRITICAL_MATERNAL = 0, CE_MATERNAL_DEATH, CE_PERINATAL_DEATH, CE_UNDER5_DEATH, CE_NKINDS } ce_kind_t;
extern const char *const ce_kind_names[]; /* NULL-terminated */
const char *ce_kind_label_zh(ce_kind_t k);
/* Whom a report names: a child's death names the child (child_id); a
 * woman's case names her (woman_id); a perinatal death names the child when
 * it has a record, else the mother (a stillbirth has no child record in the
 * API). */
bool ce_kind_is_child(ce_kind_t k);     /* the child may be named */
bool ce_kind_allows_woman(ce_kind_t k); /* the woman may be named */

extern const char *const ce_preventability_names[]; /* NULL-terminated */

/* Late: reported more than `within_ms` after it occurred. Exactly
 * `within_ms` is on time. */
bool rescue_report_late(int64_t occurred_ms, int64_t reported_ms, int64_t within_ms);

/* The age windows of child deaths: a perinatal death is a stillbirth, or a
 * live-born baby's death within 7 days (168 hours) of birth; an under-5
 * death is a live-born child's death before its 5th birthday (Shanghai
 * dates). Returns 0 when the death fits the kind, else -1 with a field
 * error on `field`. Neither may be before the birth. */
int rescue_child_death_check(ce_kind_t k, bool live_born, int64_t born_at_ms, fy_date_t birth_date, int64_t occurred_ms,
                             const char *field, fy_err_t *e);

#endif
