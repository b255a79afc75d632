/*
 * envelope: allocation of a call's envelope (see envelope.h).
 */
#include "envelope.h"
#include "strcopy.h"

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

/* v (>= 0) in 20 digits with leading zeros, as "%020" PRId64 writes it
 * (snprintf was most of the cost of a project's keys). */
static void zero_padded(char key[32], int64_t v) {
    uint64_t u = (uint64_t)v;
    for (int i = 19; i >= 0; i--) {
        key[i] = (char)('0' + u % 10);
        u /= 10;
    }
    key[20] = '\0';
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
        zero_padded(key, r);
        break;
    case ELG_ALLOC_LARGEST_REQUEST:
        zero_padded(key, has_requested && requested >= 0 ? INT64_MAX - r : r);
        break;
    default:
        elg_strcopy(key, 11, date ? date : ""); /* the date's first ten characters */
    }
}

static int add(elg_cents *sum, elg_cents v, elg_error *err) {
    if (__builtin_add_overflow(*sum, v, sum))
        return elg_error_set(err, ELG_EOVERFLOW, "the batch's total does not fit in int64 cents");
    return 0;
}

/* One allocation group as noted: its order-free totals, and of its covered
 * amount what the items not kept (never beyond: see envelope.h) cover. */
typedef struct tgroup {
    char *name; /* "" or the edition, as the items spell it */
    elg_envelope_total t;
    elg_cents unkept_covered;
} tgroup;

struct elg_envelope_tally {
    elg_store *store;
    int phase;
    const elg_call *call;
    elg_envelope_policy pol;
    bool every_line;
    elg_envelope_total total;     /* the call's, order-free fields only */
    elg_envelope_total *editions; /* the call's editions in order, then NULL-named: none */
    size_t editions_count;
    tgroup *groups;
    size_t groups_count, last; /* last: the group of the item noted last */
};

int elg_envelope_tally_new(elg_store *store, int phase, const elg_call *call, bool every_line,
                           elg_envelope_tally **out, elg_error *err) {
    elg_envelope_policy pol;
    *out = NULL;
    int rc = elg_envelope_policy_of(call, &pol, err);
    if (rc)
        return rc;
    elg_envelope_tally *t = calloc(1, sizeof *t);
    if (t)
        t->editions = calloc(call->editions_count + 1, sizeof *t->editions);
    if (!t || !t->editions) {
        free(t);
        return elg_error_set(err, ELG_ENOMEM, "out of memory allocating the envelope");
    }
    t->store = store;
    t->phase = phase;
    t->call = call;
    t->pol = pol;
    t->every_line = every_line;
    t->editions_count = call->editions_count + 1;
    for (size_t i = 0; i < call->editions_count; i++)
        t->editions[i].name = call->editions[i].name;
    *out = t;
    return 0;
}

void elg_envelope_tally_free(elg_envelope_tally *t) {
    if (!t)
        return;
    for (size_t i = 0; i < t->groups_count; i++)
        free(t->groups[i].name);
    free(t->groups);
    free(t->editions);
    free(t);
}

/* The edition's name as the call spells it (borrowed from the call), the
 * last slot (NULL) for none. */
static elg_envelope_total *edition_total(elg_envelope_tally *t, const char *edition) {
    for (size_t i = 0; edition && i + 1 < t->editions_count; i++)
        if (strcmp(t->editions[i].name, edition) == 0)
            return &t->editions[i];
    return &t->editions[t->editions_count - 1];
}

static int group_of(elg_envelope_tally *t, const char *name, tgroup **out, elg_error *err) {
    if (t->last < t->groups_count && strcmp(t->groups[t->last].name, name) == 0) {
        *out = &t->groups[t->last];
        return 0;
    }
    for (size_t i = 0; i < t->groups_count; i++)
        if (strcmp(t->groups[i].name, name) == 0) {
            *out = &t->groups[t->last = i];
            return 0;
        }
    tgroup *g = realloc(t->groups, (t->groups_count + 1) * sizeof *g);
    if (g)
        t->groups = g;
    char *copy = g ? strdup(name) : NULL;
    if (!copy)
        return elg_error_set(err, ELG_ENOMEM, "out of memory allocating the envelope");
    g = &t->groups[t->last = t->groups_count++];
    memset(g, 0, sizeof *g);
    g->name = copy;
    /* Named after the call's own edition (its strings outlive the report). */
    g->t.name = *name ? edition_total(t, name)->name : NULL;
    g->t.has_envelope = t->pol.has_envelope;
    g->t.envelope = t->pol.envelope;
    *out = g;
    return 0;
}

static int account(elg_envelope_total *t, const elg_batch_item *it, elg_error *err) {
    t->projects++;
    if (it->grantable > 0)
        t->granted++;
    int rc = it->has_requested ? add(&t->requested, it->requested, err) : 0;
    return rc ? rc : add(&t->grantable, it->grantable, err);
}

int elg_envelope_tally_add(elg_envelope_tally *t, const elg_batch_item *it, const char *date,
                           elg_error *err) {
    elg_batch_item kept = *it;
    char key[32];
    elg_envelope_item_keys(&t->pol, it->edition, date, it->has_requested, it->requested,
                           &kept.group, key);
    kept.sort_key = key;
    kept.phase = t->phase;
    tgroup *g = NULL;
    int rc;
    if ((rc = group_of(t, kept.group, &g, err)) || (rc = account(&g->t, it, err)) ||
        (rc = account(&t->total, it, err)) ||
        (rc = account(edition_total(t, it->edition), it, err)))
        return rc;
    if (t->every_line || (t->pol.has_envelope && it->grantable > 0))
        return elg_store_batch_item_add(t->store, &kept, err);
    /* Within whatever the order: without an envelope everything is, and
     * nothing granted consumes one. */
    return add(&g->unkept_covered, it->grantable, err);
}

typedef struct walk {
    elg_envelope_tally *t;
    elg_envelope_line_fn line;
    void *ctx;
    elg_envelope_report *r;
    tgroup *sorted; /* the groups in the order of the items' walk (by name) */
    size_t at;      /* the current one */
    elg_cents running;
    elg_error *err;
} walk;

static int by_name(const void *a, const void *b) {
    return strcmp(((const tgroup *)a)->name, ((const tgroup *)b)->name);
}

static int on_item(void *vctx, const elg_batch_item *it) {
    walk *w = vctx;
    elg_envelope_report *r = w->r;
    if (strcmp(w->sorted[w->at].name, it->group) != 0) {
        size_t i = 0;
        while (i < r->groups_count && strcmp(w->sorted[i].name, it->group) != 0)
            i++;
        if (i == r->groups_count)
            return elg_error_set(w->err, ELG_ESTORE, "a batch item of a group never noted");
        w->at = i;
        w->running = 0;
    }
    elg_envelope_total *g = &r->groups[w->at];
    elg_cents before = w->running;
    int rc = add(&w->running, it->grantable, w->err);
    if (rc)
        return rc;
    elg_envelope_line l = {it, it->group, w->running, it->grantable, true};
    if (g->has_envelope && w->running > g->envelope && it->grantable > 0) {
        l.within = false;
        l.covered = before >= g->envelope ? 0 : g->envelope - before;
        g->beyond++;
    }
    g->covered += l.covered;
    return w->line ? w->line(w->ctx, &l) : 0;
}

int elg_envelope_allocate(elg_envelope_tally *t, elg_envelope_line_fn line, void *ctx,
                          elg_envelope_report *out, elg_error *err) {
    memset(out, 0, sizeof *out);
    out->policy = t->pol;
    out->call = t->total;
    out->editions_count = t->editions_count;
    out->editions = malloc(t->editions_count * sizeof *out->editions);
    out->groups = malloc((t->groups_count ? t->groups_count : 1) * sizeof *out->groups);
    tgroup *sorted = malloc((t->groups_count ? t->groups_count : 1) * sizeof *sorted);
    if (!out->editions || !out->groups || !sorted) {
        free(sorted);
        elg_envelope_report_release(out);
        return elg_error_set(err, ELG_ENOMEM, "out of memory allocating the envelope");
    }
    memcpy(out->editions, t->editions, t->editions_count * sizeof *out->editions);
    if (t->groups_count)
        memcpy(sorted, t->groups, t->groups_count * sizeof *sorted);
    qsort(sorted, t->groups_count, sizeof *sorted, by_name);
    out->groups_count = t->groups_count;
    for (size_t i = 0; i < t->groups_count; i++) {
        out->groups[i] = sorted[i].t;
        out->groups[i].covered = sorted[i].unkept_covered;
    }
    walk w = {t, line, ctx, out, sorted, 0, 0, err};
    int rc = t->groups_count ? elg_store_batch_items_each(t->store, t->phase, on_item, &w, err) : 0;
    free(sorted);
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
    c->has_envelope = t->pol.has_envelope && t->pol.scope == ELG_ENVELOPE_CALL;
    c->envelope = t->pol.envelope;
    if (t->pol.has_envelope && out->groups_count == 0)
        c->covered = 0;
    return 0;
}

void elg_envelope_report_release(elg_envelope_report *r) {
    free(r->groups);
    free(r->editions);
    memset(r, 0, sizeof *r);
}
