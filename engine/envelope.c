/*
 * envelope: allocation of a call's envelope (see envelope.h).
 */
#include "envelope.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *elg_envelope_scope_name(elg_envelope_scope s) {
    return s == ELG_ENVELOPE_EDITION ? "edition" : "call";
}

const char *elg_allocation_order_name(elg_allocation_order o) {
    switch (o) {
    case ELG_ALLOC_SMALLEST_REQUEST:
        return "smallest-request";
    case ELG_ALLOC_LARGEST_REQUEST:
        return "largest-request";
    default:
        return "submission";
    }
}

/* The text parameter name of call's base parameters, NULL when absent. */
static int text_param(const elg_call *call, const char *name, const char **out, elg_error *err) {
    const elg_param *p = elg_call_param(call, NULL, name);
    *out = NULL;
    if (!p)
        return 0;
    if (p->type != ELG_PARAM_TEXT)
        return elg_error_set(err, ELG_EINPUT, "call %s: parameter %s must be a text, not a %s",
                             call->id, name, elg_param_type_name(p->type));
    *out = p->text;
    return 0;
}

int elg_envelope_policy_of(const elg_call *call, elg_envelope_policy *out, elg_error *err) {
    const char *scope, *order;
    int rc = text_param(call, "envelope_scope", &scope, err);
    if (rc == 0)
        rc = text_param(call, "allocation_order", &order, err);
    if (rc)
        return rc;
    elg_envelope_policy p = {call->has_envelope, call->envelope, ELG_ENVELOPE_CALL,
                             ELG_ALLOC_SUBMISSION};
    if (scope && strcmp(scope, "edition") == 0)
        p.scope = ELG_ENVELOPE_EDITION;
    else if (scope && strcmp(scope, "call") != 0)
        return elg_error_set(err, ELG_EINPUT,
                             "call %s: envelope_scope is \"%s\": it must be call or edition",
                             call->id, scope);
    if (order && strcmp(order, "smallest-request") == 0)
        p.order = ELG_ALLOC_SMALLEST_REQUEST;
    else if (order && strcmp(order, "largest-request") == 0)
        p.order = ELG_ALLOC_LARGEST_REQUEST;
    else if (order && strcmp(order, "submission") != 0)
        return elg_error_set(err, ELG_EINPUT,
                             "call %s: allocation_order is \"%s\": it must be submission, "
                             "smallest-request or largest-request",
                             call->id, order);
    *out = p;
    return 0;
}

elg_cents elg_envelope_grantable(const elg_decision *d) {
    const elg_figures *f = &d->figures;
    if (d->outcome != ELG_OUTCOME_ELIGIBLE || !f->has_requested || f->requested <= 0)
        return 0;
    if (f->has_max_grantable && f->max_grantable < f->requested)
        return f->max_grantable < 0 ? 0 : f->max_grantable;
    return f->requested;
}

const char *elg_envelope_submission_date(const elg_project *p) {
    if (p->submitted)
        return p->submitted;
    return p->start ? p->start : "";
}

void elg_envelope_item_keys(const elg_envelope_policy *pol, const char *edition, const char *date,
                            bool has_requested, elg_cents requested, const char **group,
                            char key[32]) {
    *group = pol->scope == ELG_ENVELOPE_EDITION && edition ? edition : "";
    /* Amounts are at most 10^13 cents (documents) and never negative:
     * 20 digits sort as numbers; a project without a request comes last. */
    elg_cents r = has_requested && requested >= 0 ? requested : INT64_MAX;
    switch (pol->order) {
    case ELG_ALLOC_SMALLEST_REQUEST:
        snprintf(key, 32, "%020" PRId64, r);
        break;
    case ELG_ALLOC_LARGEST_REQUEST:
        snprintf(key, 32, "%020" PRId64, has_requested && requested >= 0 ? INT64_MAX - r : r);
        break;
    default:
        snprintf(key, 32, "%.10s", date ? date : "");
    }
}

typedef struct walk {
    const elg_call *call;
    const elg_envelope_policy *pol;
    elg_envelope_line_fn line;
    void *ctx;
    elg_envelope_report *r;
    elg_envelope_total *group; /* the current one */
    char group_name[129];
    elg_error *err;
} walk;

static int add(elg_cents *sum, elg_cents v, elg_error *err) {
    if (__builtin_add_overflow(*sum, v, sum))
        return elg_error_set(err, ELG_EOVERFLOW, "the batch's total does not fit in int64 cents");
    return 0;
}

/* The edition's name as the call spells it (borrowed from the call), the
 * last slot (NULL) for none. */
static elg_envelope_total *edition_total(walk *w, const char *edition) {
    elg_envelope_report *r = w->r;
    for (size_t i = 0; edition && i + 1 < r->editions_count; i++)
        if (strcmp(r->editions[i].name, edition) == 0)
            return &r->editions[i];
    return &r->editions[r->editions_count - 1];
}

static int new_group(walk *w, const char *name) {
    elg_envelope_report *r = w->r;
    elg_envelope_total *g = realloc(r->groups, (r->groups_count + 1) * sizeof *g);
    if (!g)
        return elg_error_set(w->err, ELG_ENOMEM, "out of memory allocating the envelope");
    r->groups = g;
    w->group = &g[r->groups_count++];
    memset(w->group, 0, sizeof *w->group);
    snprintf(w->group_name, sizeof w->group_name, "%s", name);
    /* Named after the call's own edition (its strings outlive the report). */
    w->group->name = *name ? edition_total(w, name)->name : NULL;
    w->group->has_envelope = w->pol->has_envelope;
    w->group->envelope = w->pol->envelope;
    return 0;
}

static int account(elg_envelope_total *t, const elg_batch_item *it, elg_error *err) {
    t->projects++;
    if (it->grantable > 0)
        t->granted++;
    int rc = it->has_requested ? add(&t->requested, it->requested, err) : 0;
    return rc ? rc : add(&t->grantable, it->grantable, err);
}

static int on_item(void *vctx, const elg_batch_item *it) {
    walk *w = vctx;
    int rc;
    if ((!w->group || strcmp(w->group_name, it->group) != 0) && (rc = new_group(w, it->group)))
        return rc;
    elg_envelope_total *g = w->group;
    elg_cents before = g->grantable;
    if ((rc = account(g, it, w->err)) || (rc = account(&w->r->call, it, w->err)) ||
        (rc = account(edition_total(w, it->edition), it, w->err)))
        return rc;
    elg_envelope_line l = {it, it->group, g->grantable, it->grantable, true};
    if (g->has_envelope && g->grantable > g->envelope && it->grantable > 0) {
        l.within = false;
        l.covered = before >= g->envelope ? 0 : g->envelope - before;
        g->beyond++;
    }
    g->covered += l.covered;
    return w->line ? w->line(w->ctx, &l) : 0;
}

int elg_envelope_allocate(elg_store *store, int phase, const elg_call *call,
                          const elg_envelope_policy *pol, elg_envelope_line_fn line, void *ctx,
                          elg_envelope_report *out, elg_error *err) {
    memset(out, 0, sizeof *out);
    out->policy = *pol;
    out->editions_count = call->editions_count + 1;
    out->editions = calloc(out->editions_count, sizeof *out->editions);
    if (!out->editions)
        return elg_error_set(err, ELG_ENOMEM, "out of memory allocating the envelope");
    for (size_t i = 0; i < call->editions_count; i++)
        out->editions[i].name = call->editions[i].name;
    walk w = {call, pol, line, ctx, out, NULL, "", err};
    int rc = elg_store_batch_items_each(store, phase, on_item, &w, err);
    if (rc) {
        elg_envelope_report_release(out);
        return rc;
    }
    elg_envelope_total *c = &out->call;
    for (size_t i = 0; i < out->groups_count; i++) {
        elg_envelope_total *g = &out->groups[i];
        if (g->has_envelope && g->grantable > g->envelope)
            g->overrun = g->grantable - g->envelope;
        c->covered += g->covered;
        c->overrun += g->overrun;
        c->beyond += g->beyond;
    }
    /* The whole call's envelope is the call's when it is one for the call. */
    c->has_envelope = pol->has_envelope && pol->scope == ELG_ENVELOPE_CALL;
    c->envelope = pol->envelope;
    if (pol->has_envelope && out->groups_count == 0)
        c->covered = 0;
    return 0;
}

void elg_envelope_report_release(elg_envelope_report *r) {
    free(r->groups);
    free(r->editions);
    memset(r, 0, sizeof *r);
}
