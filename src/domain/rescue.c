/* The rescue network's rules; see rescue.h. */
#include "domain/rescue.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the network --------------------------------------------------------- */

static const char *const kind_names[RESCUE_NKINDS] = {"maternal", "newborn"};
static const char *const kind_labels[RESCUE_NKINDS] = {"危重孕产妇", "危重新生儿"};

const char *rescue_kind_name(rescue_kind_t k) { return (unsigned)k < RESCUE_NKINDS ? kind_names[k] : "?"; }

int rescue_kind_parse(const char *s, rescue_kind_t *out)
{
    for (int i = 0; s && i < RESCUE_NKINDS; i++)
        if (strcmp(s, kind_names[i]) == 0) {
            *out = (rescue_kind_t)i;
            return 0;
        }
    return -1;
}

unsigned rescue_kind_center_type(rescue_kind_t k)
{
    return k == RESCUE_MATERNAL ? INST_MATERNAL_RESCUE_CENTER : INST_NEWBORN_RESCUE_CENTER;
}

static const char *const basis_names[RESCUE_NBASES] = {"patient_residence_district", "referring_institution_district"};

const char *rescue_basis_name(rescue_basis_t b) { return (unsigned)b < RESCUE_NBASES ? basis_names[b] : "?"; }

int rescue_basis_parse(const char *s, rescue_basis_t *out)
{
    for (int i = 0; s && i < RESCUE_NBASES; i++)
        if (strcmp(s, basis_names[i]) == 0) {
            *out = (rescue_basis_t)i;
            return 0;
        }
    return -1;
}

int rescue_network_check(const rescue_network_t *n, const refdata_t *ref, fy_err_t *e)
{
    int before = e->n;
    bool bad = false;
    if (n->norder == 0) {
        fy_field(e, "routing_order", "required",
                 "路由规则至少列出一项依据 (routing_order must name at least one "
                 "basis)");
        bad = true;
    }
    for (size_t i = 0; i < n->norder; i++)
        for (size_t j = 0; j < i; j++)
            if (n->order[i] == n->order[j]) {
                fy_field(e, "routing_order", "duplicate", "路由依据重复 (routing_order repeats a basis)");
                bad = true;
            }
    size_t nd = refdata_district_count(ref);
    for (int k = 0; k < RESCUE_NKINDS; k++) {
        const char *kn = kind_names[k];
        unsigned need = rescue_kind_center_type((rescue_kind_t)k);
        /* which centre (index) claimed each district of ref, -1 none */
        int *owner = calloc(nd ? nd : 1, sizeof *owner);
        for (size_t d = 0; d < nd; d++)
            owner[d] = -1;
        for (size_t c = 0; c < n->ncenters[k]; c++) {
            const rescue_center_t *rc = &n->centers[k][c];
            const ref_institution_t *inst = rc->center ? refdata_institution(ref, rc->center) : NULL;
            char field[64];
            snprintf(field, sizeof field, "%s[%zu].center", kn, c);
            if (!inst) {
                fy_field(e, field, "unknown_institution", "没有这个机构 %s (no such institution)",
                         rc->center && strlen(rc->center) < 64 ? rc->center : "?");
                bad = true;
            } else if (!(inst->types & need)) {
                fy_field(e, field, "institution_type", "%s 不是%s会诊抢救中心 (%s is not a %s rescue centre)", inst->id,
                         kind_labels[k], inst->id, kn);
                bad = true;
            }
            for (size_t o = 0; o < c && rc->center; o++)
                if (n->centers[k][o].center && strcmp(n->centers[k][o].center, rc->center) == 0) {
                    fy_field(e, field, "duplicate", "同一中心列出两次 (the centre is listed twice)");
                    bad = true;
                    break;
                }
            if (rc->ndistricts == 0) {
                snprintf(field, sizeof field, "%s[%zu].districts", kn, c);
                fy_field(e, field, "required", "每个中心至少对口一个区 (a centre serves at least one district)");
                bad = true;
            }
            for (size_t j = 0; j < rc->ndistricts; j++) {
                snprintf(field, sizeof field, "%s[%zu].districts[%zu]", kn, c, j);
                const char *code = rc->districts[j];
                size_t d;
                for (d = 0; d < nd; d++)
                    if (code && strcmp(refdata_district_at(ref, d)->code, code) == 0)
                        break;
                if (d == nd) {
                    fy_field(e, field, "district",
                             "区代码无效，应为上海市16个区之一 (district must be one of "
                             "the 16 district codes)");
                    bad = true;
                } else if (owner[d] >= 0) {
                    fy_field(e, field, "duplicate",
                             "%s 已与 %s 配对，每区只能配对一个中心 (%s is already "
                             "paired with %s)",
                             code, n->centers[k][owner[d]].center, code, n->centers[k][owner[d]].center);
                    bad = true;
                } else {
                    owner[d] = (int)c;
                }
            }
        }
        char missing[16 * 8 + 1] = "";
        size_t nmissing = 0;
        for (size_t d = 0; d < nd; d++)
            if (owner[d] < 0) {
                if (strlen(missing) + 8 < sizeof missing) {
                    if (nmissing)
                        strcat(missing, ",");
                    strcat(missing, refdata_district_at(ref, d)->code);
                }
                nmissing++;
            }
        free(owner);
        if (nmissing) {
            fy_field(e, kn, "unpaired_districts", "以下区未配对%s会诊抢救中心: %s (districts without a %s centre: %s)",
                     kind_labels[k], missing, kn, missing);
            bad = true;
        }
    }
    return bad || e->n > before ? -1 : 0;
}

const char *rescue_center_of(const rescue_network_t *n, rescue_kind_t kind, const char *district)
{
    if (!district || (unsigned)kind >= RESCUE_NKINDS)
        return NULL;
    for (size_t c = 0; c < n->ncenters[kind]; c++)
        for (size_t j = 0; j < n->centers[kind][c].ndistricts; j++)
            if (strcmp(n->centers[kind][c].districts[j], district) == 0)
                return n->centers[kind][c].center;
    return NULL;
}

const char *rescue_route(const rescue_network_t *n, rescue_kind_t kind, const char *residence_district,
                         const char *institution_district, rescue_basis_t *basis, const char **district)
{
    for (size_t i = 0; i < n->norder; i++) {
        const char *d = n->order[i] == RESCUE_BY_RESIDENCE ? residence_district : institution_district;
        const char *c = rescue_center_of(n, kind, d);
        if (c) {
            *basis = n->order[i];
            *district = d;
            return c;
        }
    }
    return NULL;
}

/* ---- referrals ----------------------------------------------------------- */

static const char *const state_names[RS_NSTATES] = {"requested",  "accepted", "redirected",
                                                    "in_transit", "arrived",  "closed"};
static const char *const state_labels[RS_NSTATES] = {"已申请", "已接收", "已改派", "转运中", "已到达", "已结案"};

const char *rescue_state_name(rescue_state_t s) { return (unsigned)s < RS_NSTATES ? state_names[s] : "?"; }
const char *rescue_state_label_zh(rescue_state_t s) { return (unsigned)s < RS_NSTATES ? state_labels[s] : "?"; }

int rescue_state_parse(const char *s, rescue_state_t *out)
{
    for (int i = 0; s && i < RS_NSTATES; i++)
        if (strcmp(s, state_names[i]) == 0) {
            *out = (rescue_state_t)i;
            return 0;
        }
    return -1;
}

/* the whole machine: from → the transitions allowed */
static const rescue_state_t next[RS_NSTATES][3] = {
    [RS_REQUESTED] = {RS_ACCEPTED, RS_REDIRECTED, RS_NSTATES}, [RS_ACCEPTED] = {RS_IN_TRANSIT, RS_NSTATES, RS_NSTATES},
    [RS_REDIRECTED] = {RS_NSTATES, RS_NSTATES, RS_NSTATES}, /* never rests here */
    [RS_IN_TRANSIT] = {RS_ARRIVED, RS_NSTATES, RS_NSTATES},    [RS_ARRIVED] = {RS_CLOSED, RS_NSTATES, RS_NSTATES},
    [RS_CLOSED] = {RS_NSTATES, RS_NSTATES, RS_NSTATES},
};

bool rescue_transition_allowed(rescue_state_t from, rescue_state_t to)
{
    if ((unsigned)from >= RS_NSTATES || (unsigned)to >= RS_NSTATES)
        return false;
    for (int i = 0; i < 3 && next[from][i] != RS_NSTATES; i++)
        if (next[from][i] == to)
            return true;
    return false;
}

rescue_state_t rescue_state_after(rescue_state_t to) { return to == RS_REDIRECTED ? RS_REQUESTED : to; }

size_t rescue_next_states(rescue_state_t from, rescue_state_t out[RS_NSTATES])
{
    size_t n = 0;
    if ((unsigned)from >= RS_NSTATES)
        return 0;
    for (int i = 0; i < 3 && next[from][i] != RS_NSTATES; i++)
        out[n++] = next[from][i];
    return n;
}

const char *const rescue_outcome_names[] = {"recovered", "transferred", "died", NULL};

rescue_actor_t rescue_actor_of(role_t role, const char *user_institution, const char *center,
                               const char *from_institution)
{
    if (!user_institution || !*user_institution)
        return RESCUE_ACTOR_NONE;
    if (role == ROLE_RESCUE_CENTER && center && strcmp(user_institution, center) == 0)
        return RESCUE_ACTOR_CENTER;
    if ((role == ROLE_OBSTETRICIAN || role == ROLE_COMMUNITY_DOCTOR || role == ROLE_RESCUE_CENTER) &&
        from_institution && strcmp(user_institution, from_institution) == 0)
        return RESCUE_ACTOR_REFERRER;
    return RESCUE_ACTOR_NONE;
}

bool rescue_actor_may(rescue_actor_t a, rescue_state_t to)
{
    switch (a) {
    case RESCUE_ACTOR_CENTER:
        return (unsigned)to < RS_NSTATES;
    case RESCUE_ACTOR_REFERRER:
        return to == RS_IN_TRANSIT;
    default:
        return false;
    }
}

static bool same(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

bool rescue_referral_visible(const scope_t *s, role_t role, const char *center, const char *from_institution,
                             const char *patient_district, const char *from_district)
{
    switch (s->kind) {
    case SCOPE_ALL:
        return true;
    case SCOPE_DISTRICT:
        return same(s->district, patient_district) || same(s->district, from_district);
    case SCOPE_INSTITUTION:
        return (role == ROLE_RESCUE_CENTER && same(s->institution_id, center)) ||
               same(s->institution_id, from_institution);
    default:
        return false;
    }
}

rescue_at_check_t rescue_check_at(int64_t at_ms, int64_t now_ms, int64_t previous_ms)
{
    if (at_ms > now_ms)
        return RESCUE_AT_FUTURE;
    if (at_ms < previous_ms)
        return RESCUE_AT_BEFORE_PREVIOUS;
    return RESCUE_AT_OK;
}

/* ---- response times ------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double rescue_percentile(double *v, size_t n, double p)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    if (p <= 0)
        return v[0];
    if (p >= 1)
        return v[n - 1];
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    double frac = h - (double)lo;
    if (lo + 1 >= n || frac == 0)
        return v[lo];
    return v[lo] + frac * (v[lo + 1] - v[lo]);
}

double rescue_minutes(int64_t from_ms, int64_t to_ms) { return (double)(to_ms - from_ms) / 60000.0; }

/* ---- critical events ----------------------------------------------------- */

const char *const ce_kind_names[] = {"critical_maternal", "maternal_death", "perinatal_death", "under5_death", NULL};
static const char *const ce_labels[CE_NKINDS] = {"危重孕产妇", "孕产妇死亡", "围产儿死亡", "5岁以下儿童死亡"};

const char *ce_kind_label_zh(ce_kind_t k) { return (unsigned)k < CE_NKINDS ? ce_labels[k] : "?"; }
bool ce_kind_is_child(ce_kind_t k) { return k == CE_PERINATAL_DEATH || k == CE_UNDER5_DEATH; }
bool ce_kind_allows_woman(ce_kind_t k) { return k != CE_UNDER5_DEATH && (unsigned)k < CE_NKINDS; }

const char *const ce_preventability_names[] = {"preventable", "preventable_with_conditions", "unpreventable", NULL};

bool rescue_report_late(int64_t occurred_ms, int64_t reported_ms, int64_t within_ms)
{
    return reported_ms - occurred_ms > within_ms;
}

#define PERINATAL_LIVE_MS (7LL * 24 * 3600 * 1000)

int rescue_child_death_check(ce_kind_t k, bool live_born, int64_t born_at_ms, fy_date_t birth_date, int64_t occurred_ms,
                             const char *field, fy_err_t *e)
{
    if (k == CE_PERINATAL_DEATH) {
        if (!live_born) {
            /* a stillbirth died before or at its delivery */
            if (occurred_ms > born_at_ms) {
                fy_field(e, field, "after_stillbirth",
                         "死胎死产的死亡时间不能晚于分娩时间 (a stillbirth cannot die "
                         "after its delivery)");
                return -1;
            }
            return 0;
        }
        if (occurred_ms < born_at_ms) {
            fy_field(e, field, "before_birth", "死亡时间早于出生时间 (the death is before the birth)");
            return -1;
        }
        if (occurred_ms - born_at_ms >= PERINATAL_LIVE_MS) {
            fy_field(e, field, "not_perinatal",
                     "围产儿死亡指死胎死产及出生后7天内死亡，此例应报5岁以下儿童死亡 (a "
                     "perinatal death is a stillbirth "
                     "or a death within 7 days of birth; report this as under5_death)");
            return -1;
        }
        return 0;
    }
    if (k == CE_UNDER5_DEATH) {
        if (!live_born) {
            fy_field(e, field, "stillbirth",
                     "死胎死产应报围产儿死亡 (a stillbirth is reported as "
                     "perinatal_death)");
            return -1;
        }
        if (occurred_ms < born_at_ms) {
            fy_field(e, field, "before_birth", "死亡时间早于出生时间 (the death is before the birth)");
            return -1;
        }
        if (fy_age_years(birth_date, fy_date_of_instant(occurred_ms)) >= 5) {
            fy_field(e, field, "not_under5", "死亡时已满5岁 (the child was 5 or older)");
            return -1;
        }
        return 0;
    }
    return 0;
}
