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

#include "eval.h"
#include "memory_loader.h"
#include "rules.h"

/* ---- fixtures ------------------------------------------------------------ */

static elg_expense expenses[] = {
    {ELG_CAT_STAFF, "Coordinateur", 5000000, NULL},
    {ELG_CAT_EQUIPMENT, "Matériel", 8082000, NULL},
};
static elg_resource resources[] = {
    {"MEL", NULL, 6000000, ELG_RES_REQUESTED, ELG_CAT_STAFF, NULL, NULL, NULL},
    {"SELF", NULL, 7082000, ELG_RES_REQUESTED, 0, NULL, NULL, NULL},
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
static elg_financer mel = {"MEL", "Métropole", ELG_NATURE_LOCAL_AUTHORITY, NULL};
static elg_financer self = {"SELF", "Autofinancement", ELG_NATURE_SELF, NULL};
static const elg_financer *financers[] = {&mel, &self};

/* Decides project p against call c with the rules open in r, the call
 * prepared for this one decision. */
static elg_decision *decide_in(elg_rules *r, const elg_project *p, const elg_call *c) {
    elg_error err = {0};
    elg_eval *ev = NULL;
    elg_decision *d = NULL;
    elg_eval_call ec = {.call = c, .financers = financers, .financers_count = 2};
    if (elg_eval_prepare(r, &ec, &ev, &err) != 0)
        fail_msg("cannot prepare the call: %s", err.message);
    elg_eval_project ep = {p, 1, ""};
    if (elg_eval_decide(ev, &ep, &d, &err) != 0)
        fail_msg("cannot decide: %s", err.message);
    elg_eval_free(ev);
    return d;
}

/* Decides `project` with `src` as the call's rule file. */
static elg_decision *eval_with(const char *src, const elg_limits *limits) {
    elg_rules *r = NULL;
    elg_error err = {0};
    call_source = src;
    if (elg_rules_open(limits, loader, NULL, &r, &err) != 0)
        fail_msg("cannot open the rules: %s", err.message);
    elg_decision *d = decide_in(r, &project, &call);
    elg_rules_free(r);
    return d;
}

static const elg_rule_result *rule_at(const elg_decision *d, size_t i) {
    if (i >= d->rules_count)
        fail_msg("rule %zu asked of a decision with %zu rules", i, d->rules_count);
    return &d->rules[i];
}

static const char *status(const elg_rule_result *x) {
    return elg_rule_status_name(x->status);
}

static const char *text(const char *s) {
    return s ? s : "";
}

/* The value of fact `path` of rule x, NULL when the rule did not read it. */
static const elg_value *fact(const elg_rule_result *x, const char *path) {
    for (size_t i = 0; i < x->facts_count; i++)
        if (strcmp(x->facts[i].path, path) == 0)
            return &x->facts[i].value;
    return NULL;
}

static int64_t integer(const elg_value *v) {
    if (!v || v->type != ELG_VALUE_INT)
        fail_msg("not an integer value");
    return v->u.integer;
}

/* ---- sandbox ---------------------------------------------------------------- */

static void test_forbidden_globals_absent(void **state) {
    (void)state;
    elg_decision *d = eval_with(
        "for _, name in ipairs({'io', 'os', 'debug', 'load', 'loadfile', 'dofile', 'package',\n"
        "    'pcall', 'xpcall', 'collectgarbage', 'rawset', 'rawget', 'print'}) do\n"
        "  rule { id = 'absent-' .. name, check = function(p)\n"
        "    return _ENV[name] == nil end }\n"
        "end\n"
        "rule { id = 'no-random', check = function(p) return math.random == nil end }\n"
        "rule { id = 'no-string-meta', check = function(p) return getmetatable('') == 'string' "
        "end }\n",
        NULL);
    for (size_t i = 0; i < d->rules_count; i++) {
        const elg_rule_result *x = &d->rules[i];
        if (x->status != ELG_RULE_PASS)
            fail_msg("rule %s: %s %s", x->id, status(x), text(x->message));
    }
    assert_int_equal(d->rules_count, 15);
    elg_decision_free(d);
}

static void test_infinite_loop_stopped(void **state) {
    (void)state;
    elg_limits limits = {.instructions = 1000000};
    elg_decision *d = eval_with("rule { id = 'loop', check = function(p)\n"
                                "  while true do end\n"
                                "end }\n"
                                "rule { id = 'after', check = function(p) return true end }\n",
                                &limits);
    const elg_rule_result *x = rule_at(d, 0);
    assert_string_equal(status(x), "error");
    assert_non_null(strstr(text(x->message), "limite d'instructions dépassée"));
    assert_string_equal(text(x->error_at), "rules/calls/t.lua:2");
    assert_string_equal(text(x->source), "rules/calls/t.lua:1");
    assert_string_equal(status(rule_at(d, 1)), "pass");
    assert_int_equal(d->outcome, ELG_OUTCOME_ERROR);
    elg_decision_free(d);
}

/* An error inside a library helper is located at the rule file's line
 * that called it; the library line is in the traceback. */
static void test_library_error_located_in_rule_file(void **state) {
    (void)state;
    elg_decision *d = eval_with("rule { id = 'bad-call', check = function(p)\n"
                                "  return expenses_of(nil, 'staff') > 0\n"
                                "end }\n",
                                NULL);
    const elg_rule_result *x = rule_at(d, 0);
    assert_string_equal(status(x), "error");
    assert_string_equal(text(x->error_at), "rules/calls/t.lua:2");
    assert_non_null(strstr(text(x->traceback), "rules/lib/budget.lua:"));
    elg_decision_free(d);
}

/* Lua's pattern matcher runs in C where the instruction hook never fires:
 * a backtracking pattern on a long text is refused instead of hanging. */
static void test_costly_pattern_refused(void **state) {
    (void)state;
    elg_decision *d =
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
        const elg_rule_result *x = rule_at(d, i);
        assert_string_equal(status(x), "error");
        assert_non_null(strstr(text(x->message), "prendrait trop de temps"));
    }
    assert_string_equal(text(rule_at(d, 1)->error_at), "rules/calls/t.lua:5");
    assert_string_equal(status(rule_at(d, 2)), "pass");
    elg_decision_free(d);
}

static void test_memory_limit(void **state) {
    (void)state;
    elg_limits limits = {.memory = 8u << 20};
    elg_decision *d = eval_with("rule { id = 'hog', check = function(p)\n"
                                "  local t = {}\n"
                                "  for i = 1, 100000000 do t[i] = {i, i, i} end\n"
                                "end }\n"
                                "rule { id = 'after', check = function(p) return true end }\n",
                                &limits);
    assert_string_equal(status(rule_at(d, 0)), "error");
    assert_non_null(strstr(text(rule_at(d, 0)->message), "limite de mémoire dépassée"));
    assert_string_equal(status(rule_at(d, 1)), "pass");
    elg_decision_free(d);
}

static void test_fresh_environment_and_frozen_library(void **state) {
    (void)state;
    elg_rules *r = NULL;
    elg_error err = {0};
    call_source = "rule { id = 'leak', check = function(p)\n"
                  "  local seen = leaked\n"
                  "  leaked = true\n"
                  "  return seen == nil\n"
                  "end }\n"
                  "rule { id = 'patch', check = function(p) string.rep = nil end }\n"
                  "rule { id = 'patch-lib', check = function(p) CATEGORY_LABELS.staff = 'x' end }\n"
                  "rule { id = 'write-project', check = function(p) p.id = 'x' end }\n";
    assert_int_equal(elg_rules_open(NULL, loader, NULL, &r, &err), 0);
    /* One prepared call: the second decision reuses the declared rules. */
    elg_eval_call ec = {.call = &call, .financers = financers, .financers_count = 2};
    elg_eval *ev = NULL;
    assert_int_equal(elg_eval_prepare(r, &ec, &ev, &err), 0);
    elg_eval_project ep = {&project, 1, ""};
    for (int round = 0; round < 2; round++) {
        elg_decision *d = NULL;
        assert_int_equal(elg_eval_decide(ev, &ep, &d, &err), 0);
        /* The global set by the first evaluation is gone in the second. */
        assert_string_equal(status(rule_at(d, 0)), "pass");
        assert_string_equal(status(rule_at(d, 1)), "error");
        assert_non_null(strstr(text(rule_at(d, 1)->message), "string.rep est en lecture seule"));
        assert_string_equal(status(rule_at(d, 2)), "error");
        assert_non_null(strstr(text(rule_at(d, 2)->message), "lecture seule"));
        assert_string_equal(status(rule_at(d, 3)), "error");
        assert_non_null(strstr(text(rule_at(d, 3)->message), "lecture seule"));
        elg_decision_free(d);
    }
    elg_eval_free(ev);
    elg_rules_free(r);
}

static void test_invalid_results(void **state) {
    (void)state;
    elg_decision *d = eval_with("rule { id = 'nil', check = function(p) end }\n"
                                "rule { id = 'float', check = function(p)\n"
                                "  return pass('x', { amount = 1.5 }) end }\n"
                                "rule { id = 'string', check = function(p) return 'yes' end }\n",
                                NULL);
    assert_string_equal(status(rule_at(d, 0)), "error");
    assert_non_null(strstr(text(rule_at(d, 0)->message), "a rendu rien"));
    assert_string_equal(status(rule_at(d, 1)), "error");
    assert_non_null(strstr(text(rule_at(d, 1)->message), "n'est pas un entier"));
    assert_string_equal(status(rule_at(d, 2)), "error");
    elg_decision_free(d);
}

static void test_duplicate_rule_id(void **state) {
    (void)state;
    elg_decision *d = eval_with("rule { id = 'a', check = function(p) return true end }\n"
                                "rule { id = 'a', check = function(p) return true end }\n",
                                NULL);
    const elg_rule_result *x = rule_at(d, 0);
    assert_string_equal(x->id, "chargement-regles");
    assert_non_null(strstr(text(x->message), "id de règle \"a\""));
    assert_string_equal(text(x->error_at), "rules/calls/t.lua:2");
    elg_decision_free(d);
}

/* ---- declared rules reused across projects -------------------------------- */

/* Decides p against the prepared call ev; returns rule i's status (a
 * static name) and the number of rules in *nrules. */
static const char *status_in(elg_eval *ev, const elg_project *p, size_t i, size_t *nrules) {
    elg_error err = {0};
    elg_decision *d = NULL;
    elg_eval_project ep = {p, 1, ""};
    if (elg_eval_decide(ev, &ep, &d, &err) != 0)
        fail_msg("cannot decide: %s", err.message);
    const char *s = status(rule_at(d, i));
    if (nrules)
        *nrules = d->rules_count;
    elg_decision_free(d);
    return s;
}

static elg_eval *prepare(elg_rules *r, const elg_call *c) {
    elg_error err = {0};
    elg_eval *ev = NULL;
    elg_eval_call ec = {.call = c, .financers = financers, .financers_count = 2};
    if (elg_eval_prepare(r, &ec, &ev, &err) != 0)
        fail_msg("cannot prepare the call: %s", err.message);
    return ev;
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
    elg_eval *ev = prepare(r, &call);
    assert_string_equal(status_in(ev, &project, 0, NULL), "pass");
    assert_string_equal(status_in(ev, &over, 0, NULL), "fail");
    assert_string_equal(status_in(ev, &project, 0, NULL), "pass");
    elg_eval_free(ev);
    /* Another value of a parameter, on the same rule set, declares the rules again. */
    elg_param lower[] = {{.name = "max_equipment", .type = ELG_PARAM_MONEY, .money = 1},
                         {.name = "max_rate", .type = ELG_PARAM_RATE, .rate = {65, 100}}};
    elg_call other = call;
    other.params = lower;
    ev = prepare(r, &other);
    assert_string_equal(status_in(ev, &project, 0, NULL), "fail");
    elg_eval_free(ev);
    ev = prepare(r, &call);
    assert_string_equal(status_in(ev, &project, 0, NULL), "pass");
    elg_eval_free(ev);
    elg_rules_free(r);

    /* A declaration that reads the project is never reused. */
    call_source = "for i = 1, #project.expenses do\n"
                  "  rule { id = 'r' .. i, check = function(p) return true end }\n"
                  "end\n";
    assert_int_equal(elg_rules_open(NULL, loader, NULL, &r, &err), 0);
    ev = prepare(r, &call);
    size_t n1 = 0, n2 = 0, n3 = 0;
    status_in(ev, &project, 0, &n1);
    status_in(ev, &over, 0, &n2);
    status_in(ev, &project, 0, &n3);
    assert_int_equal(n1, 2);
    assert_int_equal(n2, 1);
    assert_int_equal(n3, 2);
    elg_eval_free(ev);
    elg_rules_free(r);
}

/* ---- facts and figures -------------------------------------------------- */

static void test_facts_recorded(void **state) {
    (void)state;
    elg_decision *d = eval_with("ceiling { id = 'c', category = 'equipment', max = param "
                                "'max_equipment' }\n",
                                NULL);
    const elg_rule_result *x = rule_at(d, 0);
    const elg_value *v = fact(x, "expenses[0].category");
    assert_non_null(v);
    assert_int_equal(v->type, ELG_VALUE_STRING);
    assert_string_equal(v->u.str.text, "staff");
    v = fact(x, "expenses[1].category");
    assert_non_null(v);
    assert_int_equal(v->type, ELG_VALUE_STRING);
    assert_string_equal(v->u.str.text, "equipment");
    assert_int_equal(integer(fact(x, "expenses[1].amount")), 8082000);
    /* The staff line's amount was not read: it is not a fact of this rule. */
    assert_null(fact(x, "expenses[0].amount"));
    /* ipairs ends by reading past the last line: neither a fact nor missing. */
    assert_null(fact(x, "expenses[2]"));
    assert_int_equal(x->missing_count, 0);
    assert_int_equal(x->facts_count, 4);
    assert_int_equal(d->params_count, 1);
    assert_string_equal(d->params[0]->name, "max_equipment");
    elg_decision_free(d);
}

/* ---- constructors at their edges ------------------------------------------- */

static const char *status_of(const char *src, size_t i) {
    elg_decision *d = eval_with(src, NULL);
    const char *s = status(rule_at(d, i)); /* a static name */
    elg_decision_free(d);
    return s;
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
    elg_decision *d = eval_with("balance {}", NULL);
    const elg_value *fig = &rule_at(d, 0)->figures;
    assert_int_equal(integer(elg_value_get(fig, "expenses")), 13082000);
    assert_int_equal(integer(elg_value_get(fig, "gap")), 0);
    assert_string_equal(text(rule_at(d, 0)->message),
                        "Dépenses 130 820,00 € = ressources 130 820,00 €");
    elg_decision_free(d);
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
