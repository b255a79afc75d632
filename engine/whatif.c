/*
 * whatif: decisions under edited rules or parameters (see whatif.h).
 */
#include "whatif.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "batch.h"
#include "form.h"
#include "pool.h"
#include "ytree.h"

/* ---- parameters replaced --------------------------------------------------- */

static int load_tree(const char *name, const char *text, size_t len, yaml_document_t *d,
                     elg_error *err) {
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return elg_error_set(err, ELG_ENOMEM, "out of memory reading %s", name);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    int ok = yaml_parser_load(&parser, d);
    int line = (int)parser.problem_mark.line + 1;
    const char *problem = parser.problem ? parser.problem : "?";
    int rc = 0;
    if (!ok) {
        rc = elg_error_set(err, ELG_EINPUT, "not valid YAML: %s", problem);
        elg_error_at(err, name, line, 0, "");
    }
    yaml_parser_delete(&parser);
    if (ok && (!yaml_document_get_root_node(d) ||
               yaml_document_get_root_node(d)->type != YAML_MAPPING_NODE)) {
        yaml_document_delete(d);
        rc = elg_error_set(err, ELG_EINPUT, "not a mapping");
        elg_error_at(err, name, 1, 0, "");
    }
    return rc;
}

/* The name of parameter entry id of d, NULL when it has none. */
static const char *param_name(yaml_document_t *d, int id) {
    yaml_node_t *n = elg_ytree_node(d, id);
    if (!n || n->type != YAML_MAPPING_NODE)
        return NULL;
    return elg_ytree_scalar(d, elg_ytree_get(d, id, "name"));
}

/* Replaces the parameter named name in list path of call (base or an
 * edition's) by node value of src; *found set when it was there. */
static int replace_in(yaml_document_t *call, const char *path, const char *name,
                      yaml_document_t *src, int value, bool *found, elg_error *err) {
    int list = elg_ytree_find(call, 1, path);
    yaml_node_t *n = elg_ytree_node(call, list);
    if (!n || n->type != YAML_SEQUENCE_NODE)
        return 0;
    size_t count = elg_ytree_len(call, list);
    for (size_t i = 0; i < count; i++) {
        int item = elg_ytree_node(call, list)->data.sequence.items.start[i];
        const char *have = param_name(call, item);
        if (!have || strcmp(have, name) != 0)
            continue;
        char at[300], why[256];
        snprintf(at, sizeof at, "%s[%zu]", path, i);
        if (elg_ytree_set(call, 1, at, src, value, why, sizeof why))
            return elg_error_set(err, ELG_EINPUT, "replacing parameter %s: %s", name, why);
        *found = true;
    }
    return 0;
}

int elg_whatif_edit_params(const char *call_body, size_t call_len, const char *params_name,
                           const char *params_body, size_t params_len, char **out, size_t *out_len,
                           elg_error *err) {
    yaml_document_t call, params;
    int rc = load_tree("the stored call", call_body, call_len, &call, err);
    if (rc)
        return rc;
    if ((rc = load_tree(params_name, params_body, params_len, &params, err))) {
        yaml_document_delete(&call);
        return rc;
    }
    int list = elg_ytree_get(&params, 1, "parameters");
    yaml_node_t *ln = elg_ytree_node(&params, list);
    if (!ln || ln->type != YAML_SEQUENCE_NODE || elg_ytree_len(&params, list) == 0) {
        rc = elg_error_set(err, ELG_EINPUT,
                           "expected `parameters:` with a list of parameters, as in a call");
        elg_error_at(err, params_name, list ? elg_ytree_line(&params, list) : 1, 0, "parameters");
        goto out;
    }
    size_t count = elg_ytree_len(&params, list);
    for (size_t i = 0; i < count && rc == 0; i++) {
        int item = elg_ytree_node(&params, list)->data.sequence.items.start[i];
        const char *name = param_name(&params, item);
        if (!name) {
            char field[64];
            snprintf(field, sizeof field, "parameters[%zu].name", i);
            rc = elg_error_set(err, ELG_EINPUT, "a parameter needs a name");
            elg_error_at(err, params_name, elg_ytree_line(&params, item), 0, field);
            break;
        }
        bool found = false;
        rc = replace_in(&call, "parameters", name, &params, item, &found, err);
        int eds = elg_ytree_get(&call, 1, "editions");
        size_t neds = eds && elg_ytree_node(&call, eds)->type == YAML_SEQUENCE_NODE
                          ? elg_ytree_len(&call, eds)
                          : 0;
        for (size_t e = 0; e < neds && rc == 0; e++) {
            char path[64];
            snprintf(path, sizeof path, "editions[%zu].parameters", e);
            rc = replace_in(&call, path, name, &params, item, &found, err);
        }
        if (rc == 0 && !found) {
            int base = elg_ytree_get(&call, 1, "parameters");
            char at[64], why[256];
            snprintf(at, sizeof at, "parameters[%zu]", base ? elg_ytree_len(&call, base) : 0);
            if (!base)
                snprintf(at, sizeof at, "parameters");
            int ok = base ? elg_ytree_set(&call, 1, at, &params, item, why, sizeof why)
                          : elg_ytree_set(&call, 1, at, &params, list, why, sizeof why);
            if (ok)
                rc = elg_error_set(err, ELG_EINPUT, "adding parameter %s: %s", name, why);
            if (!base)
                break; /* the whole list was added */
        }
    }
    if (rc == 0) {
        rc = elg_ytree_emit(&call, out, out_len)
                 ? elg_error_set(err, ELG_ENOMEM, "out of memory writing the call")
                 : 0;
        yaml_document_delete(&params);
        return rc; /* emit consumed the call's tree */
    }
out:
    yaml_document_delete(&call);
    yaml_document_delete(&params);
    return rc;
}

/* ---- comparing --------------------------------------------------------------- */

static bool same_opt(bool ha, elg_cents a, bool hb, elg_cents b) {
    return ha == hb && (!ha || a == b);
}

bool elg_whatif_differs(const elg_decision *a, const elg_decision *b) {
    const elg_figures *x = &a->figures, *y = &b->figures;
    return a->outcome != b->outcome || elg_envelope_grantable(a) != elg_envelope_grantable(b) ||
           !same_opt(x->has_max_grantable, x->max_grantable, y->has_max_grantable,
                     y->max_grantable) ||
           x->eligible_cost != y->eligible_cost ||
           !same_opt(x->has_requested, x->requested, y->has_requested, y->requested);
}

static bool same_text(const char *a, const char *b) {
    return strcmp(a ? a : "", b ? b : "") == 0;
}

static const elg_rule_result *rule_by_id(const elg_decision *d, const char *id) {
    for (size_t i = 0; i < d->rules_count; i++)
        if (strcmp(d->rules[i].id, id) == 0)
            return &d->rules[i];
    return NULL;
}

/* The rules responsible for a change: in the after side's order, then the
 * rules declared before only. */
static int responsible(const elg_decision *a, const elg_decision *b, elg_whatif_change *c) {
    c->rules = calloc(a->rules_count + b->rules_count + 1, sizeof *c->rules);
    if (!c->rules)
        return -1;
    for (size_t i = 0; i < b->rules_count; i++) {
        const elg_rule_result *y = &b->rules[i], *x = rule_by_id(a, y->id);
        if (!x || x->status != y->status || !same_text(x->message, y->message))
            c->rules[c->rules_count++] = (elg_whatif_rule){x, y};
    }
    for (size_t i = 0; i < a->rules_count; i++)
        if (!rule_by_id(b, a->rules[i].id))
            c->rules[c->rules_count++] = (elg_whatif_rule){&a->rules[i], NULL};
    return 0;
}

typedef struct pending pending;

typedef struct run {
    elg_store *store;
    elg_check_call *cc[2];
    elg_envelope_tally *tally[2]; /* borrowed from the options; NULL: not noted */
    elg_whatif_fn fn;
    void *ctx;
    elg_whatif_summary *sum;
    elg_error *err;
    /* jobs >= 1: a pool and a decoder per side, and each side's decisions
     * waiting for the other side's (each pool gives them in submission
     * order, so the heads of the two queues are the same project). */
    elg_pool *pool[2];
    elg_check_decoder *dec[2];
    struct side {
        struct run *R;
        int k;
        pending *q; /* q[head..count) wait */
        size_t head, count, cap;
    } side[2];
} run;

/* A decision of one side and the submission date its envelope item needs
 * (the supervisor reads no project). */
struct pending {
    elg_decision *d;
    char *date; /* NULL: none */
};

static int note(run *R, int phase, const char *date, const elg_decision *d) {
    if (!R->tally[phase])
        return 0;
    const elg_figures *f = &d->figures;
    elg_batch_item it = {
        .seq = R->sum->projects,
        .project = d->project,
        .version = d->project_version,
        .edition = d->ruleset->edition_name,
        .outcome = elg_outcome_name(d->outcome),
        .has_requested = f->has_requested,
        .requested = f->requested,
        .grantable = elg_envelope_grantable(d),
    };
    return elg_envelope_tally_add(R->tally[phase], &it, date, R->err);
}

static void count(elg_whatif_summary *s, const elg_decision *a, const elg_decision *b) {
    s->changed++;
    if (a->outcome == b->outcome)
        s->figures_only++;
    else if (a->outcome == ELG_OUTCOME_ELIGIBLE && b->outcome == ELG_OUTCOME_INELIGIBLE)
        s->to_ineligible++;
    else if (b->outcome == ELG_OUTCOME_ELIGIBLE && a->outcome == ELG_OUTCOME_INELIGIBLE)
        s->to_eligible++;
    else if (b->outcome == ELG_OUTCOME_ERROR)
        s->to_error++;
    else if (b->outcome == ELG_OUTCOME_INCOMPLETE)
        s->to_incomplete++;
    else if (a->outcome == ELG_OUTCOME_INCOMPLETE)
        s->from_incomplete++;
    else
        s->from_error++;
}

/* Both decisions of one project (borrowed): notes them, counts and reports
 * a change. */
static int compare(run *R, elg_decision *const d[2], const char *const date[2]) {
    elg_whatif_change c = {0};
    int rc = 0;
    for (int k = 0; k < 2 && rc == 0; k++)
        rc = note(R, k, date[k], d[k]);
    if (rc)
        return rc;
    R->sum->projects++;
    if (!elg_whatif_differs(d[0], d[1]))
        return 0;
    count(R->sum, d[0], d[1]);
    c = (elg_whatif_change){d[0], d[1], elg_envelope_grantable(d[0]), elg_envelope_grantable(d[1]),
                            NULL, 0};
    if (responsible(d[0], d[1], &c))
        return elg_error_set(R->err, ELG_ENOMEM, "out of memory comparing decisions");
    rc = R->fn ? R->fn(R->ctx, &c) : 0;
    free(c.rules);
    return rc;
}

/* jobs == 0: both sides decided here. */
static int on_form(void *vctx, const elg_stored_form *f) {
    run *R = vctx;
    elg_form_project *fp = NULL;
    elg_decision *d[2] = {NULL, NULL};
    int rc = elg_form_decode_project(f->form, f->form_len, &fp, R->err);
    if (rc)
        return rc;
    elg_eval_project in = {elg_form_project_get(fp), f->version, f->sha256};
    for (int k = 0; k < 2 && rc == 0; k++)
        rc = elg_check_decide_in(R->cc[k], R->store, &in, &d[k], R->err);
    const char *date = elg_envelope_submission_date(in.project);
    if (rc == 0)
        rc = compare(R, d, (const char *const[2]){date, date});
    elg_decision_free(d[0]);
    elg_decision_free(d[1]);
    elg_form_project_free(fp);
    return rc;
}

/* ---- jobs >= 1: both sides decided by supervised workers ------------------------------ */

static void pending_free(pending *p) {
    elg_decision_free(p->d);
    free(p->date);
}

/* Compares the projects whose two decisions have both come. */
static int pair(run *R) {
    struct side *a = &R->side[0], *b = &R->side[1];
    int rc = 0;
    while (rc == 0 && a->head < a->count && b->head < b->count) {
        pending *x = &a->q[a->head++], *y = &b->q[b->head++];
        if (strcmp(x->d->project, y->d->project) != 0 ||
            x->d->project_version != y->d->project_version)
            rc = elg_error_set(R->err, ELG_ESTORE,
                               "whatif: the workers' decisions are out of step (%s, %s)",
                               x->d->project, y->d->project);
        else
            rc = compare(R, (elg_decision *const[2]){x->d, y->d},
                         (const char *const[2]){x->date, y->date});
        pending_free(x);
        pending_free(y);
    }
    for (int k = 0; k < 2; k++) { /* what is left moves to the front */
        struct side *s = &R->side[k];
        if (!s->head)
            continue;
        memmove(s->q, s->q + s->head, (s->count - s->head) * sizeof *s->q);
        s->count -= s->head;
        s->head = 0;
    }
    return rc;
}

/* A pool's consume: one side's result, decoded, queued, then paired. */
static int consume(void *vctx, elg_wire_reader *r) {
    struct side *s = vctx;
    run *R = s->R;
    elg_batch_result res;
    elg_decision *d = NULL;
    int rc = elg_batch_read_decision(r, R->dec[s->k], &res, &d, R->err);
    if (rc)
        return rc;
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        pending *q = realloc(s->q, cap * sizeof *q);
        if (!q) {
            elg_decision_free(d);
            return elg_error_set(R->err, ELG_ENOMEM, "out of memory comparing decisions");
        }
        s->q = q;
        s->cap = cap;
    }
    pending *p = &s->q[s->count];
    p->d = d;
    p->date = res.date && *res.date ? strdup(res.date) : NULL;
    if (res.date && *res.date && !p->date) {
        elg_decision_free(d);
        return elg_error_set(R->err, ELG_ENOMEM, "out of memory comparing decisions");
    }
    s->count++;
    return pair(R);
}

static int on_form_pooled(void *vctx, const elg_stored_form *f) {
    run *R = vctx;
    int rc = 0;
    for (int k = 0; k < 2 && rc == 0; k++)
        rc =
            elg_pool_submit(R->pool[k], f->id, f->version, f->sha256, f->form, f->form_len, R->err);
    return rc;
}

static int run_pooled(run *R, const elg_whatif_opts *o) {
    int rc = 0;
    for (int k = 0; k < 2 && rc == 0; k++) {
        R->side[k] = (struct side){.R = R, .k = k};
        if (!(R->dec[k] = elg_check_decoder_new())) {
            rc = elg_error_set(R->err, ELG_ENOMEM, "out of memory starting whatif");
            break;
        }
        elg_pool_opts po = {o->jobs,     o->max_time_ms, o->max_memory, consume,
                            &R->side[k], o->db_path,     NULL,          0};
        rc =
            elg_pool_open(R->cc[k], k ? o->rules_after : o->rules_before, &po, &R->pool[k], R->err);
    }
    if (rc == 0)
        rc = elg_store_each_project_form_for_call(R->store, elg_check_call_doc(R->cc[0])->id,
                                                  on_form_pooled, R, R->err);
    for (int k = 0; k < 2 && rc == 0; k++)
        rc = elg_pool_finish(R->pool[k], R->err);
    if (rc == 0 && (R->side[0].count || R->side[1].count))
        rc = elg_error_set(R->err, ELG_ESTORE, "whatif: a worker's decisions are missing");
    for (int k = 0; k < 2; k++) {
        if (R->pool[k])
            R->sum->killed += elg_pool_killed(R->pool[k]);
        elg_pool_close(R->pool[k]);
        elg_check_decoder_free(R->dec[k]);
        for (size_t i = R->side[k].head; i < R->side[k].count; i++)
            pending_free(&R->side[k].q[i]);
        free(R->side[k].q);
    }
    return rc;
}

int elg_whatif_run(elg_store *store, elg_check_call *before, elg_check_call *after,
                   const elg_whatif_opts *opts, elg_whatif_fn fn, void *ctx,
                   elg_whatif_summary *out, elg_error *err) {
    run R = {.store = store, .cc = {before, after}, .fn = fn, .ctx = ctx, .sum = out, .err = err};
    memset(out, 0, sizeof *out);
    int rc = elg_envelope_policy_of(elg_check_call_doc(before), &out->before, err);
    if (rc == 0)
        rc = elg_envelope_policy_of(elg_check_call_doc(after), &out->after, err);
    if (rc == 0 && opts && opts->jobs > 0 && (!opts->rules_before || !opts->rules_after))
        rc = elg_error_set(err, ELG_EUSAGE, "elg_whatif_run: workers need both sides' rules");
    if (rc == 0)
        rc = elg_store_batch_items_clear(store, err);
    if (rc)
        return rc;
    for (int k = 0; opts && k < 2; k++)
        R.tally[k] = opts->tally[k];
    /* The batch items are TEMP rows, written outside any transaction of the
     * database file: whatif takes no write lock on the store. */
    if (opts && opts->jobs > 0)
        return run_pooled(&R, opts);
    return elg_store_each_project_form_for_call(store, elg_check_call_doc(before)->id, on_form, &R,
                                                err);
}
