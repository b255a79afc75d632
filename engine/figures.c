/*
 * figures: key figures of a plan (see figures.h).
 */
#include "figures.h"

#include <string.h>

/* Adds v to the amount of category cat in list c[0..*n) (appended at 0
 * when absent; c has room for every category). */
static int add_cat(elg_cat_amount *c, size_t *n, const char *cat, elg_cents v, elg_error *err) {
    size_t i = 0;
    while (i < *n && strcmp(c[i].category, cat) != 0)
        i++;
    if (i == *n) {
        c[i].category = cat;
        c[i].amount = 0;
        (*n)++;
    }
    return elg_money_add(c[i].amount, v, &c[i].amount, err);
}

#define CATEGORIES 6 /* elg_category: staff ... other */

int elg_figures_compute(const elg_project *p, const elg_call *call,
                        const elg_financer *const *financers, size_t financers_count,
                        const elg_grantable *reported, size_t reported_count, elg_arena *arena,
                        elg_figures *out, elg_error *err) {
    elg_figures f = {0};
    f.by_category = elg_arena_array(arena, CATEGORIES, sizeof *f.by_category);
    f.financers = elg_arena_array(arena, p->resources_count, sizeof *f.financers);
    if (!f.by_category || !f.financers)
        return elg_error_set(err, ELG_ENOMEM, "out of memory computing the figures");
    int rc;
    for (size_t i = 0; i < p->expenses_count; i++) {
        const elg_expense *e = &p->expenses[i];
        if ((rc = elg_money_add(f.eligible_cost, e->amount, &f.eligible_cost, err)) ||
            (rc = add_cat(f.by_category, &f.by_category_count, elg_category_name(e->category),
                          e->amount, err)))
            return rc;
    }
    for (size_t i = 0; i < p->resources_count; i++) {
        const elg_resource *r = &p->resources[i];
        size_t k = 0;
        while (k < f.financers_count && (f.financers[k].financer[0] != r->financer[0] ||
                                         strcmp(f.financers[k].financer, r->financer) != 0))
            k++;
        elg_financer_figures *x = &f.financers[k];
        if (k == f.financers_count) {
            /* Looked up once per financer, not once per line. */
            const elg_financer *fin = elg_financer_find(financers, financers_count, r->financer);
            f.financers_count++;
            x->financer = elg_arena_strdup(arena, r->financer);
            x->nature = fin ? elg_nature_name(fin->nature) : "unknown";
            x->is_public = fin && elg_nature_is_public(fin->nature);
            x->earmarked = elg_arena_array(arena, CATEGORIES, sizeof *x->earmarked);
            if (!x->earmarked || !x->financer)
                return elg_error_set(err, ELG_ENOMEM, "out of memory computing the figures");
        }
        elg_cents *by_status = r->status == ELG_RES_GRANTED ? &x->granted : &x->requested;
        if ((rc = elg_money_add(f.total_resources, r->amount, &f.total_resources, err)) ||
            (rc = elg_money_add(x->amount, r->amount, &x->amount, err)) ||
            (rc = elg_money_add(*by_status, r->amount, by_status, err)))
            return rc;
        if (r->earmark && (rc = add_cat(x->earmarked, &x->earmarked_count,
                                        elg_category_name(r->earmark), r->amount, err)))
            return rc;
        if (x->is_public && (rc = elg_money_add(f.public_amount, r->amount, &f.public_amount, err)))
            return rc;
    }
    if ((rc = elg_money_sub(f.eligible_cost, f.total_resources, &f.balance, err)))
        return rc;
    for (size_t k = 0; k < f.financers_count; k++) {
        f.financers[k].has_share = f.total_resources > 0;
        if (f.total_resources > 0)
            f.financers[k].share_bp =
                elg_money_ratio_bp_half_up(f.financers[k].amount, f.total_resources);
    }
    f.has_public_share = f.total_resources > 0;
    if (f.total_resources > 0)
        f.public_share_bp = elg_money_ratio_bp_half_up(f.public_amount, f.total_resources);
    /* The last application to this call wins, as a document lists each once. */
    for (size_t k = 0; call && k < p->applies_to_count; k++) {
        if (strcmp(p->applies_to[k].call, call->id) == 0) {
            f.has_requested = true;
            f.requested = p->applies_to[k].requested;
        }
    }
    /* The smallest maximum grantable any rule reported, and which rule. */
    for (size_t k = 0; k < reported_count; k++) {
        if (!f.has_max_grantable || reported[k].amount < f.max_grantable) {
            f.has_max_grantable = true;
            f.max_grantable = reported[k].amount;
            f.max_grantable_rule = reported[k].rule;
            if (f.max_grantable_rule &&
                !(f.max_grantable_rule = elg_arena_strdup(arena, f.max_grantable_rule)))
                return elg_error_set(err, ELG_ENOMEM, "out of memory computing the figures");
        }
    }
    /* Per financer, known for the call's financer when a rule reported it. */
    if (call && call->financer && !(f.call_financer = elg_arena_strdup(arena, call->financer)))
        return elg_error_set(err, ELG_ENOMEM, "out of memory computing the figures");
    for (size_t k = 0; f.call_financer && k < f.financers_count; k++) {
        if (strcmp(f.financers[k].financer, f.call_financer) == 0 && f.has_max_grantable) {
            f.financers[k].has_max_grantable = true;
            f.financers[k].max_grantable = f.max_grantable;
        }
    }
    *out = f;
    return 0;
}
