/*
 * Tests of the sandbox and the rule evaluator: what rules can and cannot
 * reach, the limits, facts recording, and the library constructors at
 * their edges. Call files come from memory through a custom loader; the
 * rule library is the real one in rules/lib.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memory_loader.h"
#include "rules.h"

/* ---- fixtures ------------------------------------------------------------ */

static elg_expense expenses[] = {
    {ELG_CAT_STAFF, "Coordinateur", 5000000, NULL},
    {ELG_CAT_EQUIPMENT, "Matériel", 8082000, NULL},
};
static elg_resource resources[] = {
    {"MEL", NULL, 6000000, ELG_RES_REQUESTED, ELG_CAT_STAFF, NULL},
    {"SELF", NULL, 7082000, ELG_RES_REQUESTED, 0, NULL},
};
static elg_applicant applicants[] = {
    {"Asso", "association", NULL, NULL, "Lille", NULL, false, {0, 1}, NULL, 0}};
static elg_application applies[] = {{"t", 6000000}};
static elg_project project = {
    .id = "p",
    .title = "Projet",
    .applicants = applicants,
    .applicants_count = 1,
    .start = "2018-01-01",
    .end = "2018-12-31",
    .expenses = expenses,
    .expenses_count = 2,
    .resources = resources,
    .resources_count = 2,
    .applies_to = applies,
    .applies_to_count = 1,
};
static elg_param params[] = {
    {.name = "max_equipment", .type = ELG_PARAM_MONEY, .money = 8082000},
    {.name = "max_rate", .type = ELG_PARAM_RATE, .rate = {65, 100}},
};
static elg_call call = {
    .id = "t",
    .title = "Appel",
    .financer = "MEL",
    .basis = "Délibération de test",
    .rules = "calls/t.lua",
    .params = params,
    .params_count = 2,
};
static elg_financer mel = {"MEL", "Métropole", ELG_NATURE_LOCAL_AUTHORITY};
static elg_financer self = {"SELF", "Autofinancement", ELG_NATURE_SELF};
static const elg_financer *financers[] = {&mel, &self};

/* Evaluates `src` as the call's rule file; returns the result JSON. */
static json_t *eval_with(const char *src, const elg_limits *limits) {
    elg_rules *r = NULL;
    elg_error err = {0};
    json_t *out = NULL;
    call_source = src;
    assert_int_equal(elg_rules_open(limits, loader, NULL, &r, &err), 0);
    elg_eval_input in = {&project, &call, NULL, financers, 2};
    assert_int_equal(elg_rules_evaluate(r, &in, &out, &err), 0);
    elg_rules_free(r);
    return out;
}

static json_t *rule_at(json_t *res, size_t i) {
    return json_array_get(json_object_get(res, "rules"), i);
}

static const char *field(json_t *rule, const char *key) {
    const char *s = json_string_value(json_object_get(rule, key));
    return s ? s : "";
}

/* ---- sandbox ---------------------------------------------------------------- */

static void test_forbidden_globals_absent(void **state) {
    (void)state;
    json_t *res = eval_with(
        "for _, name in ipairs({'io', 'os', 'debug', 'load', 'loadfile', 'dofile', 'package',\n"
        "    'pcall', 'xpcall', 'collectgarbage', 'rawset', 'rawget', 'print'}) do\n"
        "  rule { id = 'absent-' .. name, check = function(p)\n"
        "    return _ENV[name] == nil end }\n"
        "end\n"
        "rule { id = 'no-random', check = function(p) return math.random == nil end }\n"
        "rule { id = 'no-string-meta', check = function(p) return getmetatable('') == 'string' "
        "end }\n",
        NULL);
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(res, "rules"), i, r) {
        if (strcmp(field(r, "status"), "pass") != 0)
            fail_msg("rule %s: %s %s", field(r, "id"), field(r, "status"), field(r, "message"));
    }
    assert_int_equal(json_array_size(json_object_get(res, "rules")), 15);
    json_decref(res);
}

static void test_infinite_loop_stopped(void **state) {
    (void)state;
    elg_limits limits = {.instructions = 1000000};
    json_t *res = eval_with("rule { id = 'loop', check = function(p)\n"
                            "  while true do end\n"
                            "end }\n"
                            "rule { id = 'after', check = function(p) return true end }\n",
                            &limits);
    json_t *r = rule_at(res, 0);
    assert_string_equal(field(r, "status"), "error");
    assert_non_null(strstr(field(r, "message"), "instruction limit exceeded"));
    assert_string_equal(field(r, "error_at"), "rules/calls/t.lua:2");
    assert_string_equal(field(r, "source"), "rules/calls/t.lua:1");
    assert_string_equal(field(rule_at(res, 1), "status"), "pass");
    assert_string_equal(field(res, "outcome"), "error");
    json_decref(res);
}

/* An error inside a library helper is located at the rule file's line
 * that called it; the library line is in the traceback. */
static void test_library_error_located_in_rule_file(void **state) {
    (void)state;
    json_t *res = eval_with("rule { id = 'bad-call', check = function(p)\n"
                            "  return expenses_of(nil, 'staff') > 0\n"
                            "end }\n",
                            NULL);
    json_t *r = rule_at(res, 0);
    assert_string_equal(field(r, "status"), "error");
    assert_string_equal(field(r, "error_at"), "rules/calls/t.lua:2");
    assert_non_null(strstr(field(r, "traceback"), "rules/lib/budget.lua:"));
    json_decref(res);
}

/* Lua's pattern matcher runs in C where the instruction hook never fires:
 * a backtracking pattern on a long text is refused instead of hanging. */
static void test_costly_pattern_refused(void **state) {
    (void)state;
    json_t *res =
        eval_with("rule { id = 'hang', check = function(p)\n"
                  "  return string.find(string.rep('a', 5000), '.-.-.-.-b') == nil\n"
                  "end }\n"
                  "rule { id = 'method', check = function(p)\n"
                  "  return (string.rep('a', 5000)):match('a*a*a*b') == nil\n"
                  "end }\n"
                  "rule { id = 'fine', check = function(p)\n"
                  "  return ('Faches-Thumesnil'):match('^(%a+)%-') == 'Faches'\n"
                  "    and string.find(string.rep('a', 100000), '.-.-.-', 1, true) == nil\n"
                  "    and ('80 820'):gsub('[%d ]+', '') == '' and #('x'):rep(10) == 10\n"
                  "end }\n",
                  NULL);
    for (size_t i = 0; i < 2; i++) {
        json_t *r = rule_at(res, i);
        assert_string_equal(field(r, "status"), "error");
        assert_non_null(strstr(field(r, "message"), "could run for hours"));
    }
    assert_string_equal(field(rule_at(res, 1), "error_at"), "rules/calls/t.lua:5");
    assert_string_equal(field(rule_at(res, 2), "status"), "pass");
    json_decref(res);
}

static void test_memory_limit(void **state) {
    (void)state;
    elg_limits limits = {.memory = 8u << 20};
    json_t *res = eval_with("rule { id = 'hog', check = function(p)\n"
                            "  local t = {}\n"
                            "  for i = 1, 100000000 do t[i] = {i, i, i} end\n"
                            "end }\n"
                            "rule { id = 'after', check = function(p) return true end }\n",
                            &limits);
    assert_string_equal(field(rule_at(res, 0), "status"), "error");
    assert_non_null(strstr(field(rule_at(res, 0), "message"), "memory limit exceeded"));
    assert_string_equal(field(rule_at(res, 1), "status"), "pass");
    json_decref(res);
}

static void test_fresh_environment_and_frozen_library(void **state) {
    (void)state;
    elg_rules *r = NULL;
    elg_error err = {0};
    json_t *out = NULL;
    call_source = "rule { id = 'leak', check = function(p)\n"
                  "  local seen = leaked\n"
                  "  leaked = true\n"
                  "  return seen == nil\n"
                  "end }\n"
                  "rule { id = 'patch', check = function(p) string.rep = nil end }\n"
                  "rule { id = 'patch-lib', check = function(p) CATEGORY_LABELS.staff = 'x' end }\n"
                  "rule { id = 'write-project', check = function(p) p.id = 'x' end }\n";
    assert_int_equal(elg_rules_open(NULL, loader, NULL, &r, &err), 0);
    elg_eval_input in = {&project, &call, NULL, financers, 2};
    for (int round = 0; round < 2; round++) {
        assert_int_equal(elg_rules_evaluate(r, &in, &out, &err), 0);
        /* The global set by the first evaluation is gone in the second. */
        assert_string_equal(field(rule_at(out, 0), "status"), "pass");
        assert_string_equal(field(rule_at(out, 1), "status"), "error");
        assert_non_null(strstr(field(rule_at(out, 1), "message"), "string.rep is read-only"));
        assert_string_equal(field(rule_at(out, 2), "status"), "error");
        assert_non_null(strstr(field(rule_at(out, 2), "message"), "read-only"));
        assert_string_equal(field(rule_at(out, 3), "status"), "error");
        assert_non_null(strstr(field(rule_at(out, 3), "message"), "read-only"));
        json_decref(out);
    }
    elg_rules_free(r);
}

static void test_invalid_results(void **state) {
    (void)state;
    json_t *res = eval_with("rule { id = 'nil', check = function(p) end }\n"
                            "rule { id = 'float', check = function(p)\n"
                            "  return pass('x', { amount = 1.5 }) end }\n"
                            "rule { id = 'string', check = function(p) return 'yes' end }\n",
                            NULL);
    assert_string_equal(field(rule_at(res, 0), "status"), "error");
    assert_non_null(strstr(field(rule_at(res, 0), "message"), "returned nothing"));
    assert_string_equal(field(rule_at(res, 1), "status"), "error");
    assert_non_null(strstr(field(rule_at(res, 1), "message"), "not an integer"));
    assert_string_equal(field(rule_at(res, 2), "status"), "error");
    json_decref(res);
}

static void test_duplicate_rule_id(void **state) {
    (void)state;
    json_t *res = eval_with("rule { id = 'a', check = function(p) return true end }\n"
                            "rule { id = 'a', check = function(p) return true end }\n",
                            NULL);
    json_t *r = rule_at(res, 0);
    assert_string_equal(field(r, "id"), "chargement-regles");
    assert_non_null(strstr(field(r, "message"), "duplicate rule id \"a\""));
    assert_string_equal(field(r, "error_at"), "rules/calls/t.lua:2");
    json_decref(res);
}

/* ---- declared rules reused across projects -------------------------------- */

/* Evaluates with an already open rule set; returns rule i's status. */
static char *status_in(elg_rules *r, const elg_project *p, const elg_call *c, size_t i,
                       size_t *nrules) {
    elg_error err = {0};
    json_t *out = NULL;
    elg_eval_input in = {p, c, NULL, financers, 2};
    assert_int_equal(elg_rules_evaluate(r, &in, &out, &err), 0);
    char *s = strdup(field(rule_at(out, i), "status"));
    if (nrules)
        *nrules = json_array_size(json_object_get(out, "rules"));
    json_decref(out);
    return s;
}

static void test_declarations_reused_safely(void **state) {
    (void)state;
    elg_rules *r = NULL;
    elg_error err = {0};
    call_source = "ceiling { id = 'c', category = 'equipment', max = param 'max_equipment' }\n";
    assert_int_equal(elg_rules_open(NULL, loader, NULL, &r, &err), 0);
    /* The same rules, reused, judge each project on its own figures. */
    elg_expense more[] = {{.category = ELG_CAT_EQUIPMENT, .label = "Matériel", .amount = 8082001}};
    elg_project over = project;
    over.expenses = more;
    over.expenses_count = 1;
    char *a = status_in(r, &project, &call, 0, NULL);
    char *b = status_in(r, &over, &call, 0, NULL);
    char *c = status_in(r, &project, &call, 0, NULL);
    assert_string_equal(a, "pass");
    assert_string_equal(b, "fail");
    assert_string_equal(c, "pass");
    /* Another value of a parameter declares the rules again. */
    elg_param lower[] = {{.name = "max_equipment", .type = ELG_PARAM_MONEY, .money = 1},
                         {.name = "max_rate", .type = ELG_PARAM_RATE, .rate = {65, 100}}};
    elg_call other = call;
    other.params = lower;
    char *d = status_in(r, &project, &other, 0, NULL);
    assert_string_equal(d, "fail");
    free(a), free(b), free(c), free(d);
    elg_rules_free(r);

    /* A declaration that reads the project is never reused. */
    call_source = "for i = 1, #project.expenses do\n"
                  "  rule { id = 'r' .. i, check = function(p) return true end }\n"
                  "end\n";
    assert_int_equal(elg_rules_open(NULL, loader, NULL, &r, &err), 0);
    size_t n1 = 0, n2 = 0;
    free(status_in(r, &project, &call, 0, &n1));
    free(status_in(r, &over, &call, 0, &n2));
    assert_int_equal(n1, 2);
    assert_int_equal(n2, 1);
    elg_rules_free(r);
}

/* ---- facts and figures -------------------------------------------------- */

static void test_facts_recorded(void **state) {
    (void)state;
    json_t *res = eval_with("ceiling { id = 'c', category = 'equipment', max = param "
                            "'max_equipment' }\n",
                            NULL);
    json_t *r = rule_at(res, 0);
    json_t *facts = json_object_get(r, "facts");
    assert_string_equal(json_string_value(json_object_get(facts, "expenses[0].category")), "staff");
    assert_string_equal(json_string_value(json_object_get(facts, "expenses[1].category")),
                        "equipment");
    assert_int_equal(json_integer_value(json_object_get(facts, "expenses[1].amount")), 8082000);
    /* The staff line's amount was not read: it is not a fact of this rule. */
    assert_null(json_object_get(facts, "expenses[0].amount"));
    /* ipairs ends by reading past the last line: neither a fact nor missing. */
    assert_null(json_object_get(facts, "expenses[2]"));
    assert_int_equal(json_array_size(json_object_get(r, "missing")), 0);
    assert_int_equal(json_object_size(facts), 4);
    json_t *params_used = json_object_get(res, "parameters");
    assert_int_equal(json_array_size(params_used), 1);
    assert_string_equal(field(json_array_get(params_used, 0), "name"), "max_equipment");
    json_decref(res);
}

/* ---- constructors at their edges ------------------------------------------- */

static const char *status_of(const char *src, size_t i) {
    static char buf[32];
    json_t *res = eval_with(src, NULL);
    snprintf(buf, sizeof buf, "%s", field(rule_at(res, i), "status"));
    json_decref(res);
    return buf;
}

static void test_ceiling_edges(void **state) {
    (void)state;
    /* Exactly at the cap passes, one cent under the amount fails. */
    assert_string_equal(status_of("ceiling { category = 'equipment', max = 8082000 }", 0), "pass");
    assert_string_equal(status_of("ceiling { category = 'equipment', max = 8081999 }", 0), "fail");
    /* A category absent from the budget counts 0. */
    assert_string_equal(status_of("ceiling { category = 'travel', max = 0 }", 0), "pass");
    assert_string_equal(status_of("ceiling { financer = 'MEL', max = eur(60000) }", 0), "pass");
    assert_string_equal(status_of("ceiling { financer = 'MEL', max = eur(59999) }", 0), "fail");
    assert_string_equal(status_of("ceiling { financer = 'CAF', max = 0 }", 0), "pass");
}

static void test_earmark_edges(void **state) {
    (void)state;
    /* MEL 60 000 earmarked to staff 50 000: over. */
    assert_string_equal(status_of("earmark { financer = 'MEL', category = 'staff' }", 0), "fail");
    /* Earmarked to equipment 80 820? MEL's line is earmarked to staff, so exclusive fails. */
    assert_string_equal(status_of("earmark { financer = 'MEL', category = 'equipment' }", 0),
                        "fail");
    /* Non exclusive, to equipment: nothing earmarked there, passes. */
    assert_string_equal(
        status_of("earmark { financer = 'MEL', category = 'equipment', exclusive = false }", 0),
        "pass");
}

static void test_share_edges(void **state) {
    (void)state;
    /* MEL: 60 000 of 130 820. 6000000/13082000 = 45.86 %. */
    assert_string_equal(status_of("share { financer = 'MEL', max = param 'max_rate' }", 0), "pass");
    assert_string_equal(status_of("share { financer = 'MEL', max = pct(45) }", 0), "fail");
    assert_string_equal(status_of("share { financer = 'MEL', min = pct(46) }", 0), "fail");
    /* Exactly at the rate: 6000000/13082000 = 3000/6541. */
    assert_string_equal(status_of("share { financer = 'MEL', max = frac(3000, 6541) }", 0), "pass");
    assert_string_equal(status_of("share { financer = 'MEL', min = frac(3000, 6541) }", 0), "pass");
}

static void test_balance(void **state) {
    (void)state;
    assert_string_equal(status_of("balance {}", 0), "pass");
    json_t *res = eval_with("balance {}", NULL);
    json_t *fig = json_object_get(rule_at(res, 0), "figures");
    assert_int_equal(json_integer_value(json_object_get(fig, "expenses")), 13082000);
    assert_int_equal(json_integer_value(json_object_get(fig, "gap")), 0);
    assert_string_equal(field(rule_at(res, 0), "message"),
                        "Dépenses 130 820,00 € = ressources 130 820,00 €");
    json_decref(res);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forbidden_globals_absent),
        cmocka_unit_test(test_infinite_loop_stopped),
        cmocka_unit_test(test_memory_limit),
        cmocka_unit_test(test_costly_pattern_refused),
        cmocka_unit_test(test_library_error_located_in_rule_file),
        cmocka_unit_test(test_fresh_environment_and_frozen_library),
        cmocka_unit_test(test_invalid_results),
        cmocka_unit_test(test_duplicate_rule_id),
        cmocka_unit_test(test_declarations_reused_safely),
        cmocka_unit_test(test_facts_recorded),
        cmocka_unit_test(test_ceiling_edges),
        cmocka_unit_test(test_earmark_edges),
        cmocka_unit_test(test_share_edges),
        cmocka_unit_test(test_balance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
