/*
 * Tests of the key figures of a decision: totals, per-financer amounts
 * split into requested and granted, shares, earmarks, and the maximum
 * grantable amount attached to the call's financer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "figures.h"

static elg_expense expenses[] = {
    {.category = ELG_CAT_STAFF, .label = "Coordinateur", .amount = 6000000},
    {.category = ELG_CAT_EQUIPMENT, .label = "Matériel", .amount = 4000000},
};
static elg_resource resources[] = {
    {.financer = "MEL", .amount = 3000000, .status = ELG_RES_REQUESTED, .earmark = ELG_CAT_STAFF},
    {.financer = "MEL", .amount = 1000000, .status = ELG_RES_GRANTED, .earmark = 0},
    {.financer = "SELF", .amount = 6000000, .status = ELG_RES_GRANTED, .earmark = 0},
};
static elg_application applies[] = {{"c", 3000000}};
static elg_project project = {
    .id = "p",
    .expenses = expenses,
    .expenses_count = 2,
    .resources = resources,
    .resources_count = 3,
    .applies_to = applies,
    .applies_to_count = 1,
};
static elg_call call = {.id = "c", .financer = "MEL"};
static elg_financer mel = {"MEL", "Métropole", ELG_NATURE_LOCAL_AUTHORITY, NULL};
static elg_financer self = {"SELF", "Autofinancement", ELG_NATURE_SELF, NULL};
static const elg_financer *financers[] = {&mel, &self};

/* The amount of category cat in c[0..n), -1 when absent. */
static elg_cents cat_amount(const elg_cat_amount *c, size_t n, const char *cat) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(c[i].category, cat) == 0)
            return c[i].amount;
    return -1;
}

static void test_per_financer(void **state) {
    (void)state;
    elg_grantable reported[] = {{2500000, "plafond-taux"}, {2000000, "plafond-montant"}};
    elg_error err = {0};
    elg_arena *a = elg_arena_new();
    assert_non_null(a);
    elg_figures f;
    assert_int_equal(elg_figures_compute(&project, &call, financers, 2, reported, 2, a, &f, &err),
                     0);
    assert_int_equal(f.eligible_cost, 10000000);
    assert_int_equal(f.total_resources, 10000000);
    assert_int_equal(f.balance, 0);
    assert_int_equal(f.by_category_count, 2);
    assert_int_equal(cat_amount(f.by_category, f.by_category_count, "staff"), 6000000);
    assert_int_equal(cat_amount(f.by_category, f.by_category_count, "equipment"), 4000000);
    assert_int_equal(f.public_amount, 4000000);
    assert_true(f.has_public_share);
    assert_int_equal(f.public_share_bp, 4000);
    assert_true(f.has_requested);
    assert_int_equal(f.requested, 3000000);
    /* The smallest maximum reported wins, with its rule. */
    assert_true(f.has_max_grantable);
    assert_int_equal(f.max_grantable, 2000000);
    assert_string_equal(f.max_grantable_rule, "plafond-montant");
    assert_string_equal(f.call_financer, "MEL");
    assert_int_equal(f.financers_count, 2);
    const elg_financer_figures *m = &f.financers[0], *s = &f.financers[1];
    assert_string_equal(m->financer, "MEL");
    assert_int_equal(m->amount, 4000000);
    assert_int_equal(m->requested, 3000000);
    assert_int_equal(m->granted, 1000000);
    assert_true(m->has_share);
    assert_int_equal(m->share_bp, 4000);
    assert_int_equal(m->earmarked_count, 1);
    assert_int_equal(cat_amount(m->earmarked, m->earmarked_count, "staff"), 3000000);
    assert_true(m->has_max_grantable);
    assert_int_equal(m->max_grantable, 2000000);
    assert_true(m->is_public);
    assert_string_equal(s->financer, "SELF");
    assert_int_equal(s->requested, 0);
    assert_int_equal(s->granted, 6000000);
    /* Known only for the call's financer. */
    assert_false(s->has_max_grantable);
    assert_false(s->is_public);
    elg_arena_free(a);
}

static void test_no_maximum_reported(void **state) {
    (void)state;
    elg_error err = {0};
    elg_arena *a = elg_arena_new();
    assert_non_null(a);
    elg_figures f;
    assert_int_equal(elg_figures_compute(&project, &call, financers, 2, NULL, 0, a, &f, &err), 0);
    assert_false(f.has_max_grantable);
    assert_null(f.max_grantable_rule);
    assert_int_equal(f.financers_count, 2);
    assert_false(f.financers[0].has_max_grantable);
    elg_arena_free(a);
}

static void test_overflow_reported(void **state) {
    (void)state;
    elg_expense big[] = {{.category = ELG_CAT_STAFF, .label = "a", .amount = INT64_MAX},
                         {.category = ELG_CAT_STAFF, .label = "b", .amount = 1}};
    elg_project p = project;
    p.expenses = big;
    p.expenses_count = 2;
    elg_error err = {0};
    elg_arena *a = elg_arena_new();
    assert_non_null(a);
    elg_figures f = {.eligible_cost = 42};
    assert_int_equal(elg_figures_compute(&p, &call, financers, 2, NULL, 0, a, &f, &err),
                     ELG_EOVERFLOW);
    assert_int_equal(err.code, ELG_EOVERFLOW);
    /* Outputs are written only on success. */
    assert_int_equal(f.eligible_cost, 42);
    elg_arena_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_per_financer),
        cmocka_unit_test(test_no_maximum_reported),
        cmocka_unit_test(test_overflow_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
