/*
 * figures: co-financing plan figures (see figures.h).
 */
#include "figures.h"

#include <string.h>

static const elg_financer *find(const elg_financer *const *fs, size_t n, const char *id) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(fs[i]->id, id) == 0)
            return fs[i];
    return NULL;
}

/* Adds v to the integer at obj[key] (created at 0), overflow-checked. */
static int add_to(json_t *obj, const char *key, elg_cents v, elg_error *err) {
    elg_cents cur = (elg_cents)json_integer_value(json_object_get(obj, key));
    elg_cents sum;
    int rc = elg_money_add(cur, v, &sum, err);
    if (rc)
        return rc;
    json_object_set_new(obj, key, json_integer(sum));
    return 0;
}

json_t *elg_figures_compute(const elg_project *p, const elg_call *call,
                            const elg_financer *const *financers, size_t financers_count,
                            json_t *decision_figures, elg_error *err) {
    json_t *fig = json_object();
    json_t *by_cat = json_object();
    json_t *fin_list = json_array();
    json_t *fin_index = json_object(); /* financer id -> its object in fin_list */
    elg_cents expenses = 0, resources = 0, public_amount = 0, balance = 0;

    for (size_t i = 0; i < p->expenses_count; i++) {
        if (elg_money_add(expenses, p->expenses[i].amount, &expenses, err) ||
            add_to(by_cat, elg_category_name(p->expenses[i].category), p->expenses[i].amount, err))
            goto fail;
    }
    for (size_t i = 0; i < p->resources_count; i++) {
        const elg_resource *r = &p->resources[i];
        const elg_financer *f = find(financers, financers_count, r->financer);
        json_t *fo = json_object_get(fin_index, r->financer);
        if (!fo) {
            fo = json_pack("{sssssbsIsIsIso}", "financer", r->financer, "nature",
                           f ? elg_nature_name(f->nature) : "unknown", "public",
                           f ? elg_nature_is_public(f->nature) : 0, "amount", (json_int_t)0,
                           "requested", (json_int_t)0, "granted", (json_int_t)0, "earmarked",
                           json_object());
            json_array_append_new(fin_list, fo);
            json_object_set(fin_index, r->financer, fo);
        }
        if (elg_money_add(resources, r->amount, &resources, err) ||
            add_to(fo, "amount", r->amount, err) ||
            add_to(fo, r->status == ELG_RES_GRANTED ? "granted" : "requested", r->amount, err))
            goto fail;
        if (r->earmark &&
            add_to(json_object_get(fo, "earmarked"), elg_category_name(r->earmark), r->amount, err))
            goto fail;
        if (f && elg_nature_is_public(f->nature) &&
            elg_money_add(public_amount, r->amount, &public_amount, err))
            goto fail;
    }
    if (elg_money_sub(expenses, resources, &balance, err))
        goto fail;
    size_t i;
    json_t *fo;
    json_array_foreach(fin_list, i, fo) {
        elg_cents amount = (elg_cents)json_integer_value(json_object_get(fo, "amount"));
        json_object_set_new(fo, "share_bp",
                            resources > 0
                                ? json_integer(elg_money_ratio_bp_half_up(amount, resources))
                                : json_null());
    }
    json_t *requested = json_null();
    for (size_t k = 0; call && k < p->applies_to_count; k++)
        if (strcmp(p->applies_to[k].call, call->id) == 0) {
            json_decref(requested);
            requested = json_integer(p->applies_to[k].requested);
        }

    /* The smallest maximum grantable any rule reported, and which rule. */
    json_t *maxg = json_null(), *maxg_rule = json_null();
    json_t *df;
    json_array_foreach(decision_figures, i, df) {
        const char *name = json_string_value(json_object_get(df, "name"));
        json_t *v = json_object_get(df, "value");
        if (!name || strcmp(name, "max_grantable") != 0 || !json_is_integer(v))
            continue;
        if (json_is_null(maxg) || json_integer_value(v) < json_integer_value(maxg)) {
            json_decref(maxg);
            json_decref(maxg_rule);
            maxg = json_integer(json_integer_value(v));
            maxg_rule = json_deep_copy(json_object_get(df, "rule"));
        }
    }
    /* Per financer, the maximum grantable is known for the call's financer
     * when a rule reported it; null otherwise. */
    json_array_foreach(fin_list, i, fo) {
        const char *id = json_string_value(json_object_get(fo, "financer"));
        int mine = call && call->financer && strcmp(id, call->financer) == 0;
        json_object_set_new(fo, "max_grantable",
                            mine && json_is_integer(maxg) ? json_integer(json_integer_value(maxg))
                                                          : json_null());
    }
    json_object_set_new(fig, "call_financer",
                        call && call->financer ? json_string(call->financer) : json_null());
    json_object_set_new(fig, "eligible_cost", json_integer(expenses));
    json_object_set_new(fig, "total_resources", json_integer(resources));
    json_object_set_new(fig, "balance", json_integer(balance));
    json_object_set_new(fig, "expenses_by_category", by_cat);
    json_object_set_new(fig, "financers", fin_list);
    json_object_set_new(fig, "public_amount", json_integer(public_amount));
    json_object_set_new(fig, "public_share_bp",
                        resources > 0
                            ? json_integer(elg_money_ratio_bp_half_up(public_amount, resources))
                            : json_null());
    json_object_set_new(fig, "requested", requested);
    json_object_set_new(fig, "max_grantable", maxg);
    json_object_set_new(fig, "max_grantable_rule", maxg_rule ? maxg_rule : json_null());
    json_decref(fin_index);
    return fig;
fail:
    json_decref(fig);
    json_decref(by_cat);
    json_decref(fin_list);
    json_decref(fin_index);
    return NULL;
}
