/*
 * decision: statuses, values, and the lifetime of rulesets and decisions
 * (see decision.h). JSON is written in decision_write.c and read in
 * decision_read.c, nowhere else.
 */
#include "decision.h"

#include <stdlib.h>
#include <string.h>

static const char *const status_names[ELG_RULE_STATUS_COUNT] = {
    [ELG_RULE_PASS] = "pass",   [ELG_RULE_FAIL] = "fail",       [ELG_RULE_NA] = "not-applicable",
    [ELG_RULE_ERROR] = "error", [ELG_RULE_MISSING] = "missing",
};

static const char *const outcome_names[ELG_OUTCOME_COUNT] = {
    [ELG_OUTCOME_ELIGIBLE] = "eligible",
    [ELG_OUTCOME_INELIGIBLE] = "ineligible",
    [ELG_OUTCOME_ERROR] = "error",
    [ELG_OUTCOME_INCOMPLETE] = "incomplete",
};

const char *elg_rule_status_name(elg_rule_status s) {
    return (unsigned)s < ELG_RULE_STATUS_COUNT ? status_names[s] : "error";
}

bool elg_rule_status_parse(const char *s, elg_rule_status *out) {
    for (int i = 0; s && i < ELG_RULE_STATUS_COUNT; i++) {
        if (strcmp(s, status_names[i]) == 0) {
            *out = (elg_rule_status)i;
            return true;
        }
    }
    return false;
}

const char *elg_outcome_name(elg_outcome o) {
    return (unsigned)o < ELG_OUTCOME_COUNT ? outcome_names[o] : "error";
}

bool elg_outcome_parse(const char *s, elg_outcome *out) {
    for (int i = 0; s && i < ELG_OUTCOME_COUNT; i++) {
        if (strcmp(s, outcome_names[i]) == 0) {
            *out = (elg_outcome)i;
            return true;
        }
    }
    return false;
}

elg_outcome elg_outcome_of(const elg_rule_status *statuses, size_t count) {
    elg_outcome o = ELG_OUTCOME_ELIGIBLE;
    for (size_t i = 0; i < count; i++) {
        if (statuses[i] == ELG_RULE_ERROR)
            return ELG_OUTCOME_ERROR;
        if (statuses[i] == ELG_RULE_FAIL)
            o = ELG_OUTCOME_INELIGIBLE;
        else if (statuses[i] == ELG_RULE_MISSING && o == ELG_OUTCOME_ELIGIBLE)
            o = ELG_OUTCOME_INCOMPLETE;
    }
    return o;
}

/* The enum keeps the numbers outcomes always had; their order of gravity is
 * this one. */
static int gravity(elg_outcome o) {
    switch (o) {
    case ELG_OUTCOME_ELIGIBLE:
        return 0;
    case ELG_OUTCOME_INCOMPLETE:
        return 1;
    case ELG_OUTCOME_INELIGIBLE:
        return 2;
    case ELG_OUTCOME_ERROR:
        break;
    }
    return 3;
}

elg_outcome elg_outcome_worst(elg_outcome a, elg_outcome b) {
    return gravity(a) >= gravity(b) ? a : b;
}

bool elg_rule_awaits_facts(const elg_rule_result *r) {
    return r->status == ELG_RULE_MISSING || r->status == ELG_RULE_FAIL ||
           r->status == ELG_RULE_ERROR;
}

/* ---- values ------------------------------------------------------------- */

int elg_value_copy(elg_arena *a, const elg_value *v, elg_value *out) {
    *out = *v;
    switch (v->type) {
    case ELG_VALUE_STRING:
        out->u.str.text = elg_arena_strndup(a, v->u.str.text, v->u.str.len);
        return out->u.str.text ? 0 : -1;
    case ELG_VALUE_LIST:
        out->u.list.items = elg_arena_array(a, v->u.list.count + 1, sizeof *out->u.list.items);
        if (!out->u.list.items)
            return -1;
        for (size_t i = 0; i < v->u.list.count; i++)
            if (elg_value_copy(a, &v->u.list.items[i], &out->u.list.items[i]))
                return -1;
        return 0;
    case ELG_VALUE_MAP:
        out->u.map.pairs = elg_arena_array(a, v->u.map.count + 1, sizeof *out->u.map.pairs);
        if (!out->u.map.pairs)
            return -1;
        for (size_t i = 0; i < v->u.map.count; i++) {
            out->u.map.pairs[i].key = elg_arena_strdup(a, v->u.map.pairs[i].key);
            if (!out->u.map.pairs[i].key ||
                elg_value_copy(a, &v->u.map.pairs[i].value, &out->u.map.pairs[i].value))
                return -1;
        }
        return 0;
    default:
        return 0;
    }
}

bool elg_value_equal(const elg_value *a, const elg_value *b) {
    if (a->type != b->type)
        return false;
    switch (a->type) {
    case ELG_VALUE_NULL:
        return true;
    case ELG_VALUE_BOOL:
        return a->u.boolean == b->u.boolean;
    case ELG_VALUE_INT:
        return a->u.integer == b->u.integer;
    case ELG_VALUE_STRING:
        return a->u.str.len == b->u.str.len &&
               memcmp(a->u.str.text, b->u.str.text, a->u.str.len) == 0;
    case ELG_VALUE_LIST:
        if (a->u.list.count != b->u.list.count)
            return false;
        for (size_t i = 0; i < a->u.list.count; i++)
            if (!elg_value_equal(&a->u.list.items[i], &b->u.list.items[i]))
                return false;
        return true;
    case ELG_VALUE_MAP:
        if (a->u.map.count != b->u.map.count)
            return false;
        for (size_t i = 0; i < a->u.map.count; i++)
            if (strcmp(a->u.map.pairs[i].key, b->u.map.pairs[i].key) != 0 ||
                !elg_value_equal(&a->u.map.pairs[i].value, &b->u.map.pairs[i].value))
                return false;
        return true;
    }
    return false;
}

const elg_value *elg_value_get(const elg_value *v, const char *key) {
    if (!v || v->type != ELG_VALUE_MAP)
        return NULL;
    for (size_t i = 0; i < v->u.map.count; i++)
        if (strcmp(v->u.map.pairs[i].key, key) == 0)
            return &v->u.map.pairs[i].value;
    return NULL;
}

/* ---- rulesets and decisions ----------------------------------------------- */

elg_ruleset *elg_ruleset_new(void) {
    elg_arena *a = elg_arena_new();
    elg_ruleset *rs = a ? elg_arena_alloc(a, sizeof *rs) : NULL;
    if (!rs) {
        elg_arena_free(a);
        return NULL;
    }
    rs->arena = a;
    rs->refs = 1;
    rs->basis = "";
    rs->engine_version = ELIGO_VERSION;
    return rs;
}

elg_ruleset *elg_ruleset_ref(elg_ruleset *rs) {
    if (rs)
        rs->refs++;
    return rs;
}

void elg_ruleset_unref(elg_ruleset *rs) {
    if (rs && --rs->refs == 0)
        elg_arena_free(rs->arena); /* rs itself lives in its arena */
}

const elg_param_value *elg_ruleset_param(const elg_ruleset *rs, const char *name) {
    /* Sorted by name, but few: a binary search would not be measurable. */
    for (size_t i = 0; i < rs->params_count; i++)
        if (strcmp(rs->params[i].name, name) == 0)
            return &rs->params[i];
    return NULL;
}

elg_decision *elg_decision_new(elg_ruleset *rs) {
    elg_arena *a = elg_arena_new();
    elg_decision *d = a ? elg_arena_alloc(a, sizeof *d) : NULL;
    if (!d) {
        elg_arena_free(a);
        return NULL;
    }
    d->arena = a;
    d->ruleset = elg_ruleset_ref(rs);
    return d;
}

void elg_decision_free(elg_decision *d) {
    if (!d)
        return;
    elg_ruleset_unref(d->ruleset);
    elg_arena_free(d->arena); /* d itself lives in its arena */
}

void elg_text_release(elg_text *t) {
    free(t->data);
    t->data = NULL;
    t->len = t->cap = 0;
}
