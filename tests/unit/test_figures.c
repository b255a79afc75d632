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
static elg_financer mel = {"MEL", "Métropole", ELG_NATURE_LOCAL_AUTHORITY};
static elg_financer self = {"SELF", "Autofinancement", ELG_NATURE_SELF};
static const elg_financer *financers[] = {&mel, &self};

static json_int_t num(json_t *obj, const char *key) {
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v))
        fail_msg("%s is not an integer", key);
    return json_integer_value(v);
}

static void test_per_financer(void **state) {
    (void)state;
    json_t *df = json_pack("[{sssiss}{sssiss}]", "name", "max_grantable", "value", 2500000, "rule",
                           "plafond-taux", "name", "max_grantable", "value", 2000000, "rule",
                           "plafond-montant");
    elg_error err = {0};
    json_t *fig = elg_figures_compute(&project, &call, financers, 2, df, &err);
    assert_non_null(fig);
    assert_int_equal(num(fig, "eligible_cost"), 10000000);
    assert_int_equal(num(fig, "total_resources"), 10000000);
    assert_int_equal(num(fig, "balance"), 0);
    assert_int_equal(num(fig, "public_amount"), 4000000);
    assert_int_equal(num(fig, "public_share_bp"), 4000);
    assert_int_equal(num(fig, "requested"), 3000000);
    /* The smallest maximum reported wins, with its rule. */
    assert_int_equal(num(fig, "max_grantable"), 2000000);
    assert_string_equal(json_string_value(json_object_get(fig, "max_grantable_rule")),
                        "plafond-montant");
    assert_string_equal(json_string_value(json_object_get(fig, "call_financer")), "MEL");
    json_t *fins = json_object_get(fig, "financers");
    assert_int_equal(json_array_size(fins), 2);
    json_t *m = json_array_get(fins, 0), *s = json_array_get(fins, 1);
    assert_string_equal(json_string_value(json_object_get(m, "financer")), "MEL");
    assert_int_equal(num(m, "amount"), 4000000);
    assert_int_equal(num(m, "requested"), 3000000);
    assert_int_equal(num(m, "granted"), 1000000);
    assert_int_equal(num(m, "share_bp"), 4000);
    assert_int_equal(num(json_object_get(m, "earmarked"), "staff"), 3000000);
    assert_int_equal(num(m, "max_grantable"), 2000000);
    assert_int_equal(num(s, "requested"), 0);
    assert_int_equal(num(s, "granted"), 6000000);
    /* Known only for the call's financer. */
    assert_true(json_is_null(json_object_get(s, "max_grantable")));
    assert_false(json_is_true(json_object_get(s, "public")));
    json_decref(fig);
    json_decref(df);
}

static void test_no_maximum_reported(void **state) {
    (void)state;
    elg_error err = {0};
    json_t *fig = elg_figures_compute(&project, &call, financers, 2, NULL, &err);
    assert_non_null(fig);
    assert_true(json_is_null(json_object_get(fig, "max_grantable")));
    assert_true(json_is_null(json_object_get(fig, "max_grantable_rule")));
    assert_true(json_is_null(
        json_object_get(json_array_get(json_object_get(fig, "financers"), 0), "max_grantable")));
    json_decref(fig);
}

static void test_overflow_reported(void **state) {
    (void)state;
    elg_expense big[] = {{.category = ELG_CAT_STAFF, .label = "a", .amount = INT64_MAX},
                         {.category = ELG_CAT_STAFF, .label = "b", .amount = 1}};
    elg_project p = project;
    p.expenses = big;
    p.expenses_count = 2;
    elg_error err = {0};
    assert_null(elg_figures_compute(&p, &call, financers, 2, NULL, &err));
    assert_int_equal(err.code, ELG_EOVERFLOW);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_per_financer),
        cmocka_unit_test(test_no_maximum_reported),
        cmocka_unit_test(test_overflow_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
