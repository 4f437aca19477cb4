/* Helpers the birth resources share (see birth.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/birth.h"

int birth_child_load(http_req_t *req, store_tx_t *tx, int64_t child_id, store_child_t *c, store_woman_t *mother,
                     fy_err_t *e)
{
    int rc = store_child_get(tx, child_id, c, e);
    if (rc < 0)
        return -1;
    if (rc == 1 || strcmp(c->outcome, "live") != 0) {
        fy_fail(e, 404, "not_found", "没有这个儿童档案 (no such child: %lld)", (long long)child_id);
        fy_field(e, "child_id", "not_found", "没有这个儿童档案 (no such child)");
        return -1;
    }
    if (api_check_woman(req, tx, c->mother_id, e))
        return -1;
    if (mother && store_woman_get(tx, c->mother_id, mother, e))
        return -1;
    return 0;
}

static pthread_once_t rules_once = PTHREAD_ONCE_INIT;
static screening_rules_t *rules;
static char rules_err[512];
static const char *rules_dir;

static void rules_free(void) { screening_rules_free(rules); }

static void rules_load(void)
{
    if (screening_rules_load(rules_dir, &rules, rules_err, sizeof rules_err) == 0)
        atexit(rules_free);
    else
        fprintf(stderr, "fuyou: screening rules: %s\n", rules_err);
}

const screening_rules_t *birth_screening_rules(http_req_t *req)
{
    rules_dir = api_app(req)->data_dir ? api_app(req)->data_dir : "data";
    pthread_once(&rules_once, rules_load);
    if (!rules)
        fy_fail(&req->err, 503, "rules",
                "新生儿筛查规则表无法读取 (the newborn screening rule table could not be read: %s)", rules_err);
    return rules;
}

int birth_unmask_request(http_req_t *req, bool *unmask, const char **reason)
{
    bool present;
    *unmask = false;
    *reason = NULL;
    if (api_query_bool(req, "unmask", unmask, &present))
        return -1;
    if (!*unmask)
        return 0;
    role_t r = api_user(req)->role;
    if (r == ROLE_SYS_ADMIN || r == ROLE_NONE)
        return fy_fail(&req->err, 403, "unmask_forbidden",
                       "当前角色不能查看完整证件号码 (your role may not see full ID numbers)");
    const char *why = http_query(req, "reason");
    long n = why ? jv_utf8_len(why) : 0;
    if (!why || n < 2 || n > 200) {
        fy_field(&req->err, "reason", "required",
                 "查看完整证件号码须填写2–200字的理由 (unmask needs a reason of 2 to 200 characters)");
        return -1;
    }
    *reason = why;
    return 0;
}

const char *birth_id(http_req_t *req, int64_t id) { return arena_printf(req->arena, "%lld", (long long)id); }
