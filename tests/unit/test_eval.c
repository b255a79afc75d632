/*
 * Regression tests of the decision path (engine/eval.h), one group per
 * defect of the old core: results a rule tampered with, results that are
 * not results, a project too large for the memory limit, state kept at
 * file level across projects, long texts, and `next` through the
 * read-only views. Each pins the exact outcome: status, message, file:line.
 * Call files come from memory (memory_loader.h); the library is rules/lib.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

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

static elg_rules *open_rules(const char *src, const elg_limits *limits) {
    elg_rules *r = NULL;
    elg_error err = {0};
    call_source = src;
    if (elg_rules_open(limits, loader, NULL, &r, &err) != 0)
        fail_msg("cannot open the rules: %s", err.message);
    return r;
}

static elg_eval *prepare(elg_rules *r) {
    elg_error err = {0};
    elg_eval *ev = NULL;
    elg_eval_call ec = {.call = &call, .financers = financers, .financers_count = 2};
    if (elg_eval_prepare(r, &ec, &ev, &err) != 0)
        fail_msg("cannot prepare the call: %s", err.message);
    return ev;
}

static elg_decision *decide(elg_eval *ev, const elg_project *p) {
    elg_error err = {0};
    elg_decision *d = NULL;
    elg_eval_project ep = {p, 1, ""};
    if (elg_eval_decide(ev, &ep, &d, &err) != 0)
        fail_msg("cannot decide %s: %s", p->id, err.message);
    return d;
}

/* Decides p with src as the call's rule file, in a fresh rule set. */
static elg_decision *decide_alone(const char *src, const elg_limits *limits, const elg_project *p) {
    elg_rules *r = open_rules(src, limits);
    elg_eval *ev = prepare(r);
    elg_decision *d = decide(ev, p);
    elg_eval_free(ev);
    elg_rules_free(r);
    return d;
}

static const char *text(const char *s) {
    return s ? s : "";
}

/* Rule `id` of d, failing unless it appears exactly once. */
static const elg_rule_result *rule_named(const elg_decision *d, const char *id) {
    const elg_rule_result *found = NULL;
    for (size_t i = 0; i < d->rules_count; i++) {
        if (strcmp(d->rules[i].id, id) != 0)
            continue;
        if (found)
            fail_msg("rule %s appears twice", id);
        found = &d->rules[i];
    }
    if (!found)
        fail_msg("rule %s is not in the decision", id);
    return found;
}

/* The rules of d are exactly ids[0..n), in that order. */
static void assert_rule_ids(const elg_decision *d, const char *const *ids, size_t n) {
    if (d->rules_count != n)
        fail_msg("%zu rules in the decision, %zu declared", d->rules_count, n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(d->rules[i].id, ids[i]) != 0)
            fail_msg("rule %zu is %s, declared %s", i, d->rules[i].id, ids[i]);
}

/* Rule `id` has status s, a message containing `fragment` and, for an
 * error, error_at `at`. */
static void assert_rule(const elg_decision *d, const char *id, elg_rule_status s,
                        const char *fragment, const char *at) {
    const elg_rule_result *x = rule_named(d, id);
    if (x->status != s)
        fail_msg("rule %s: %s (%s), expected %s", id, elg_rule_status_name(x->status),
                 text(x->message), elg_rule_status_name(s));
    if (fragment && !strstr(text(x->message), fragment))
        fail_msg("rule %s: message [%s] does not contain [%s]", id, text(x->message), fragment);
    if (s == ELG_RULE_ERROR)
        assert_string_equal(text(x->error_at), at);
    else
        assert_null(x->error_at);
}

static bool same_text(const char *a, const char *b) {
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Everything two decisions show is the same but the time each rule took. */
static void assert_same_decision(const elg_decision *a, const elg_decision *b) {
    assert_string_equal(a->project, b->project);
    assert_int_equal(a->outcome, b->outcome);
    assert_int_equal(a->rules_count, b->rules_count);
    for (size_t i = 0; i < a->rules_count; i++) {
        const elg_rule_result *x = &a->rules[i], *y = &b->rules[i];
        if (!same_text(x->id, y->id) || !same_text(x->title, y->title) ||
            !same_text(x->basis, y->basis) || !same_text(x->source, y->source) ||
            !same_text(x->kind, y->kind) || x->status != y->status ||
            !same_text(x->message, y->message) || !same_text(x->error_at, y->error_at) ||
            !elg_value_equal(&x->figures, &y->figures) || x->facts_count != y->facts_count ||
            x->notices_count != y->notices_count || x->missing_count != y->missing_count)
            fail_msg("project %s, rule %s: %s [%s] at %s, alone %s [%s] at %s", a->project, x->id,
                     elg_rule_status_name(x->status), text(x->message), text(x->error_at),
                     elg_rule_status_name(y->status), text(y->message), text(y->error_at));
        for (size_t k = 0; k < x->facts_count; k++) {
            assert_string_equal(x->facts[k].path, y->facts[k].path);
            assert_true(elg_value_equal(&x->facts[k].value, &y->facts[k].value));
        }
        for (size_t k = 0; k < x->notices_count; k++)
            assert_string_equal(x->notices[k], y->notices[k]);
        for (size_t k = 0; k < x->missing_count; k++)
            assert_string_equal(x->missing[k], y->missing[k]);
    }
    assert_int_equal(a->params_count, b->params_count);
    for (size_t k = 0; k < a->params_count; k++)
        assert_string_equal(a->params[k]->name, b->params[k]->name);
    assert_int_equal(a->figures.has_max_grantable, b->figures.has_max_grantable);
    assert_int_equal(a->figures.max_grantable, b->figures.max_grantable);
    assert_true(same_text(a->figures.max_grantable_rule, b->figures.max_grantable_rule));
}

/* The decision's full JSON document, parsed. */
static json_t *decision_json(const elg_decision *d) {
    elg_text t = {0};
    elg_error err = {0};
    if (elg_decision_write_json(d, &t, &err) != 0)
        fail_msg("cannot write the decision: %s", err.message);
    json_error_t jerr;
    json_t *j = json_loadb(t.data, t.len, 0, &jerr);
    if (!j)
        fail_msg("the decision's JSON does not parse: %s", jerr.text);
    elg_text_release(&t);
    return j;
}

static json_t *json_rule(json_t *doc, size_t i) {
    json_t *x = json_array_get(json_object_get(doc, "rules"), i);
    if (!x)
        fail_msg("no rule %zu in the JSON", i);
    return x;
}

static const char *json_text(json_t *obj, const char *key) {
    return text(json_string_value(json_object_get(obj, key)));
}

/* ---- a) a status tampered into a table ------------------------------------ */

/* The old core dropped such a rule from the trace and said eligible. */
static void test_status_table_is_error(void **state) {
    (void)state;
    elg_decision *d = decide_alone("rule { id = 'before', check = function(p) return true end }\n"
                                   "rule { id = 'tampered', check = function(p)\n"
                                   "  local r = fail('x'); r.status = {}; return r\n"
                                   "end }\n"
                                   "rule { id = 'after', check = function(p) return true end }\n",
                                   NULL, &project);
    static const char *const ids[] = {"before", "tampered", "after"};
    assert_rule_ids(d, ids, 3);
    assert_rule(d, "before", ELG_RULE_PASS, NULL, NULL);
    /* A result carries no line: the error is at the rule's declaration. */
    assert_rule(
        d, "tampered", ELG_RULE_ERROR,
        "la règle tampered a rendu un résultat qui ne peut pas figurer dans la trace : le "
        "statut du résultat est de type table, ni pass, ni fail, ni not-applicable, ni error",
        "rules/calls/t.lua:2");
    assert_rule(d, "after", ELG_RULE_PASS, NULL, NULL);
    assert_int_equal(d->outcome, ELG_OUTCOME_ERROR);
    json_t *j = decision_json(d);
    assert_string_equal(json_text(j, "outcome"), "error");
    assert_int_equal(json_array_size(json_object_get(j, "rules")), 3);
    assert_string_equal(json_text(json_rule(j, 1), "id"), "tampered");
    assert_string_equal(json_text(json_rule(j, 1), "status"), "error");
    assert_string_equal(json_text(json_rule(j, 1), "error_at"), "rules/calls/t.lua:2");
    json_decref(j);
    elg_decision_free(d);
}

/* ---- b) results that are not results --------------------------------------- */

static const char *const bad_results_src =
    "rule { id = 'maybe', check = function(p)\n"                                   /* 1 */
    "  local r = pass('x'); r.status = 'maybe'; return r end }\n"                  /* 2 */
    "rule { id = 'message-table', check = function(p)\n"                           /* 3 */
    "  local r = pass('x'); r.message = { 'x' }; return r end }\n"                 /* 4 */
    "rule { id = 'message-arg', check = function(p)\n"                             /* 5 */
    "  local r = fail({ 'x' }); return r end }\n"                                  /* 6 */
    "rule { id = 'figures-list', check = function(p)\n"                            /* 7 */
    "  return pass('x', { 1, 2 }) end }\n"                                         /* 8 */
    "rule { id = 'figures-float', check = function(p)\n"                           /* 9 */
    "  return pass('x', { n = 1, rate = 0.5 }) end }\n"                            /* 10 */
    "rule { id = 'figures-nested-float', check = function(p)\n"                    /* 11 */
    "  return pass('x', { a = { b = { 2.5 } } }) end }\n"                          /* 12 */
    "rule { id = 'figures-function', check = function(p)\n"                        /* 13 */
    "  return pass('x', { f = function() end }) end }\n"                           /* 14 */
    "rule { id = 'figures-number', check = function(p)\n"                          /* 15 */
    "  local r = pass('x'); r.figures = 3; return r end }\n"                       /* 16 */
    "rule { id = 'ok', check = function(p) return pass('fine', { n = 1 }) end }\n" /* 17 */
    "rule { id = 'no', check = function(p) return fail('short') end }\n"           /* 18 */
    "rule { id = 'message-tail', check = function(p)\n"                            /* 19 */
    "  return fail({ 'x' }) end }\n";                                              /* 20 */

static void test_bad_results_are_errors(void **state) {
    (void)state;
    elg_decision *d = decide_alone(bad_results_src, NULL, &project);
    static const char *const ids[] = {"maybe",
                                      "message-table",
                                      "message-arg",
                                      "figures-list",
                                      "figures-float",
                                      "figures-nested-float",
                                      "figures-function",
                                      "figures-number",
                                      "ok",
                                      "no",
                                      "message-tail"};
    assert_rule_ids(d, ids, sizeof ids / sizeof *ids);
    assert_rule(
        d, "maybe", ELG_RULE_ERROR,
        "le statut du résultat est « maybe », ni pass, ni fail, ni not-applicable, ni error",
        "rules/calls/t.lua:1");
    assert_rule(d, "message-table", ELG_RULE_ERROR,
                "le message du résultat est de type table, pas un texte", "rules/calls/t.lua:3");
    /* Refused by fail() itself, at the line that calls it. */
    assert_rule(d, "message-arg", ELG_RULE_ERROR,
                "le message d'une règle doit être un texte, reçu : table", "rules/calls/t.lua:6");
    assert_rule(d, "figures-list", ELG_RULE_ERROR,
                "les chiffres du résultat sont une liste : nommez chaque chiffre",
                "rules/calls/t.lua:7");
    assert_rule(d, "figures-float", ELG_RULE_ERROR, "le nombre 0.5 n'est pas un entier",
                "rules/calls/t.lua:9");
    assert_rule(d, "figures-nested-float", ELG_RULE_ERROR, "le nombre 2.5 n'est pas un entier",
                "rules/calls/t.lua:11");
    assert_rule(d, "figures-function", ELG_RULE_ERROR,
                "une valeur de type function ne peut pas figurer dans une trace",
                "rules/calls/t.lua:13");
    assert_rule(d, "figures-number", ELG_RULE_ERROR,
                "les chiffres du résultat sont de type number, pas une table",
                "rules/calls/t.lua:15");
    /* The other rules still ran. */
    assert_rule(d, "ok", ELG_RULE_PASS, "fine", NULL);
    const elg_value *n = elg_value_get(&rule_named(d, "ok")->figures, "n");
    assert_non_null(n);
    assert_int_equal(n->type, ELG_VALUE_INT);
    assert_int_equal(n->u.integer, 1);
    assert_rule(d, "no", ELG_RULE_FAIL, "short", NULL);
    /* A tail call leaves no frame of the check: the error is at the declaration. */
    assert_rule(d, "message-tail", ELG_RULE_ERROR,
                "le message d'une règle doit être un texte, reçu : table", "rules/calls/t.lua:19");
    /* An error rule shows nothing the rule computed. */
    const elg_rule_result *x = rule_named(d, "figures-float");
    assert_int_equal(x->figures.type, ELG_VALUE_MAP);
    assert_int_equal(x->figures.u.map.count, 0);
    assert_int_equal(d->outcome, ELG_OUTCOME_ERROR);
    elg_decision_free(d);
}

/* ---- c) a project too large for the memory limit ----------------------------- */

#define BIG_LINES 20000

static elg_expense *big_expenses(void) {
    elg_expense *e = calloc(BIG_LINES, sizeof *e);
    assert_non_null(e);
    for (size_t i = 0; i < BIG_LINES; i++)
        e[i] = (elg_expense){ELG_CAT_SERVICES, "Prestation de service détaillée", 100, NULL};
    return e;
}

static const char *const sum_src =
    "rule { id = 'lines', check = function(p) return #p.expenses > 0 end }\n"
    "rule { id = 'sum', check = function(p)\n"
    "  local s = 0\n"
    "  for _, e in ipairs(p.expenses) do s = s + e.amount end\n"
    "  return pass(fmt(s), { total = s })\n"
    "end }\n";

/* Decides p and checks it is an error of the memory limit only. */
static elg_decision *decide_over_memory(elg_eval *ev, const elg_project *p) {
    elg_decision *d = decide(ev, p);
    assert_int_equal(d->outcome, ELG_OUTCOME_ERROR);
    for (size_t i = 0; i < d->rules_count; i++)
        if (d->rules[i].status == ELG_RULE_ERROR)
            assert_string_equal(text(d->rules[i].message),
                                "limite de mémoire dépassée (2097152 octets)");
    return d;
}

static void assert_small_project_decided(const elg_decision *d) {
    static const char *const ids[] = {"lines", "sum"};
    assert_rule_ids(d, ids, 2);
    assert_rule(d, "lines", ELG_RULE_PASS, NULL, NULL);
    assert_rule(d, "sum", ELG_RULE_PASS, "130 820,00 €", NULL);
    assert_int_equal(d->outcome, ELG_OUTCOME_ELIGIBLE);
}

static void test_memory_limit_large_project(void **state) {
    (void)state;
    elg_expense *lines = big_expenses();
    elg_project big = project, bigger = project;
    big.id = "big";
    big.expenses = lines;
    big.expenses_count = 5000;
    bigger.id = "bigger";
    bigger.expenses = lines;
    bigger.expenses_count = BIG_LINES;
    elg_limits small = {.memory = 2u << 20};
    elg_rules *r = open_rules(sum_src, &small);
    elg_eval *ev = prepare(r);
    elg_decision *d = decide(ev, &project);
    assert_small_project_decided(d);
    elg_decision_free(d);
    /* 5 000 lines fit, their views while summing do not: the rule errs at
     * its declaration (Lua runs no handler for a memory error). */
    d = decide_over_memory(ev, &big);
    static const char *const ids[] = {"lines", "sum"};
    assert_rule_ids(d, ids, 2);
    assert_rule(d, "lines", ELG_RULE_PASS, NULL, NULL);
    assert_rule(d, "sum", ELG_RULE_ERROR, "limite de mémoire dépassée", "rules/calls/t.lua:2");
    elg_decision_free(d);
    /* 20 000 lines do not even fit: the project cannot be shown to the
     * rules, one error says so. */
    d = decide_over_memory(ev, &bigger);
    static const char *const load[] = {"chargement-regles"};
    assert_rule_ids(d, load, 1);
    elg_decision_free(d);
    /* The same state, after both failures, decides a small project. */
    d = decide(ev, &project);
    assert_small_project_decided(d);
    elg_decision_free(d);
    elg_eval_free(ev);
    elg_rules_free(r);
    /* Under the default limit the large project is decided. */
    d = decide_alone(sum_src, NULL, &bigger);
    assert_rule_ids(d, ids, 2);
    assert_rule(d, "sum", ELG_RULE_PASS, "20 000,00 €", NULL);
    const elg_value *total = elg_value_get(&rule_named(d, "sum")->figures, "total");
    assert_non_null(total);
    assert_int_equal(total->u.integer, 100 * BIG_LINES);
    assert_int_equal(d->outcome, ELG_OUTCOME_ELIGIBLE);
    elg_decision_free(d);
    free(lines);
}

/* ---- d) no state crosses projects ------------------------------------------- */

static elg_expense q_expenses[] = {{ELG_CAT_EQUIPMENT, "Matériel", 9000000, NULL}};
static elg_expense r_expenses[] = {
    {ELG_CAT_STAFF, "Animation", 100, NULL},
    {ELG_CAT_STAFF, "Animation", 200, NULL},
    {ELG_CAT_TRAVEL, "Déplacements", 300, NULL},
};

/* Three projects whose decisions differ. */
static void three_projects(elg_project out[3]) {
    out[0] = project;
    out[1] = project;
    out[1].id = "q";
    out[1].expenses = q_expenses;
    out[1].expenses_count = 1;
    out[2] = project;
    out[2].id = "r";
    out[2].expenses = r_expenses;
    out[2].expenses_count = 3;
}

/* Decides the projects in each order on one prepared call, and again each
 * prepared afresh on one rule set; every decision must be the one the
 * project gets alone in a fresh rule set. check(d, i) pins project i's. */
static void assert_no_state_crosses(const char *src,
                                    void (*check)(const elg_decision *d, size_t i)) {
    elg_project ps[3];
    three_projects(ps);
    elg_decision *alone[3];
    for (size_t i = 0; i < 3; i++) {
        alone[i] = decide_alone(src, NULL, &ps[i]);
        check(alone[i], i);
    }
    static const size_t orders[][4] = {{0, 1, 2, 0}, {2, 1, 0, 2}, {1, 0, 0, 1}, {0, 0, 2, 2}};
    for (size_t o = 0; o < sizeof orders / sizeof *orders; o++) {
        elg_rules *r = open_rules(src, NULL);
        elg_eval *ev = prepare(r);
        for (size_t k = 0; k < 4; k++) {
            size_t i = orders[o][k];
            elg_decision *d = decide(ev, &ps[i]);
            check(d, i);
            assert_same_decision(d, alone[i]);
            elg_decision_free(d);
        }
        elg_eval_free(ev);
        /* A call prepared again on the same state declares its rules again. */
        for (size_t k = 0; k < 4; k++) {
            size_t i = orders[o][k];
            ev = prepare(r);
            elg_decision *d = decide(ev, &ps[i]);
            assert_same_decision(d, alone[i]);
            elg_decision_free(d);
            elg_eval_free(ev);
        }
        elg_rules_free(r);
    }
    for (size_t i = 0; i < 3; i++)
        elg_decision_free(alone[i]);
}

static const char *const file_state_src =
    "local seen = {}\n"                                                   /* 1 */
    "local n = 0\n"                                                       /* 2 */
    "local cache = { first = true }\n"                                    /* 3 */
    "local nested = { list = {} }\n"                                      /* 4 */
    "rule { id = 'seen', check = function(p)\n"                           /* 5 */
    "  local before = next(seen)\n"                                       /* 6 */
    "  seen[p.id] = true\n"                                               /* 7 */
    "  return before == nil\n"                                            /* 8 */
    "end }\n"                                                             /* 9 */
    "rule { id = 'counter', check = function(p)\n"                        /* 10 */
    "  n = n + 1\n"                                                       /* 11 */
    "  return n == 1\n"                                                   /* 12 */
    "end }\n"                                                             /* 13 */
    "rule { id = 'upvalue', check = function(p)\n"                        /* 14 */
    "  local first = cache.first\n"                                       /* 15 */
    "  cache = { first = false, id = p.id }\n"                            /* 16 */
    "  return first == true\n"                                            /* 17 */
    "end }\n"                                                             /* 18 */
    "rule { id = 'nested', check = function(p)\n"                         /* 19 */
    "  table.insert(nested.list, p.id)\n"                                 /* 20 */
    "  return #nested.list == 1\n"                                        /* 21 */
    "end }\n"                                                             /* 22 */
    "rule { id = 'string-lib', check = function(p) string.x = 1 end }\n"  /* 23 */
    "rule { id = 'math-lib', check = function(p) math.pi = 3 end }\n"     /* 24 */
    "rule { id = 'libs-intact', check = function(p)\n"                    /* 25 */
    "  return string.x == nil and math.pi > 3.14 end }\n"                 /* 26 */
    "ceiling { id = 'cap', category = 'equipment', max = eur(85000) }\n"  /* 27 */
    "rule { id = 'which', check = function(p) return pass(p.id) end }\n"; /* 28 */

static void check_file_state(const elg_decision *d, size_t i) {
    static const char *const ids[] = {"seen",     "counter",     "upvalue", "nested", "string-lib",
                                      "math-lib", "libs-intact", "cap",     "which"};
    static const char *const names[] = {"p", "q", "r"};
    assert_string_equal(d->project, names[i]);
    assert_rule_ids(d, ids, sizeof ids / sizeof *ids);
    char msg[64];
    snprintf(msg, sizeof msg, "seen.%s est en lecture seule", names[i]);
    assert_rule(d, "seen", ELG_RULE_ERROR, msg, "rules/calls/t.lua:7");
    assert_rule(d, "counter", ELG_RULE_PASS, NULL, NULL);
    assert_rule(d, "upvalue", ELG_RULE_PASS, NULL, NULL);
    assert_rule(d, "nested", ELG_RULE_ERROR, "lecture seule", "rules/calls/t.lua:20");
    assert_rule(d, "string-lib", ELG_RULE_ERROR, "string.x est en lecture seule",
                "rules/calls/t.lua:23");
    assert_rule(d, "math-lib", ELG_RULE_ERROR, "math.pi est en lecture seule",
                "rules/calls/t.lua:24");
    assert_rule(d, "libs-intact", ELG_RULE_PASS, NULL, NULL);
    /* q's equipment (90 000 €) is over the cap; p's and r's are not. */
    assert_rule(d, "cap", i == 1 ? ELG_RULE_FAIL : ELG_RULE_PASS, NULL, NULL);
    assert_rule(d, "which", ELG_RULE_PASS, names[i], NULL);
    assert_int_equal(d->outcome, ELG_OUTCOME_ERROR);
}

static void test_no_file_level_state(void **state) {
    (void)state;
    assert_no_state_crosses(file_state_src, check_file_state);
}

/* A counter and a cache reassigned, without any error rule: each project
 * passes as it does alone, the outcome follows its own figures. */
static const char *const counter_src =
    "local n = 0\n"
    "local last = { id = '' }\n"
    "rule { id = 'counter', check = function(p) n = n + 1; return pass('n=' .. n) end }\n"
    "rule { id = 'first', check = function(p)\n"
    "  local was = last.id; last = { id = p.id }; return pass('last=' .. was) end }\n"
    "ceiling { id = 'cap', category = 'equipment', max = eur(85000) }\n";

static void check_counter(const elg_decision *d, size_t i) {
    static const char *const ids[] = {"counter", "first", "cap"};
    assert_rule_ids(d, ids, 3);
    assert_string_equal(text(rule_named(d, "counter")->message), "n=1");
    assert_string_equal(text(rule_named(d, "first")->message), "last=");
    assert_int_equal(d->outcome, i == 1 ? ELG_OUTCOME_INELIGIBLE : ELG_OUTCOME_ELIGIBLE);
}

static void test_no_counter_across_projects(void **state) {
    (void)state;
    assert_no_state_crosses(counter_src, check_counter);
}

/* Writing into a library table while the rules are declared is a load
 * error at that line, for every project alike. */
static const char *const declare_write_src =
    "rule { id = 'a', check = function(p) return true end }\n"
    "string.x = 1\n";

static void check_declare_write(const elg_decision *d, size_t i) {
    (void)i;
    static const char *const ids[] = {"chargement-regles"};
    assert_rule_ids(d, ids, 1);
    assert_rule(d, "chargement-regles", ELG_RULE_ERROR, "string.x est en lecture seule",
                "rules/calls/t.lua:2");
}

static void test_no_library_write_while_declaring(void **state) {
    (void)state;
    assert_no_state_crosses(declare_write_src, check_declare_write);
}

/* ---- e) long texts --------------------------------------------------------- */

#define LONG 5000

static void test_long_texts_complete(void **state) {
    (void)state;
    /* The stable declaration (from the ruleset) and a per-project one. */
    static const char *const srcs[] = {
        "local L = 5000\n"
        "rule { id = string.rep('i', L), title = string.rep('t', L), basis = string.rep('b', L),\n"
        "  check = function(p) notice(string.rep('n', L))\n"
        "    return fail(string.rep('m', L), { label = string.rep('f', L) }) end }\n",
        "local L = 5000 + #project.expenses - 2\n"
        "rule { id = string.rep('i', L), title = string.rep('t', L), basis = string.rep('b', L),\n"
        "  check = function(p) notice(string.rep('n', L))\n"
        "    return fail(string.rep('m', L), { label = string.rep('f', L) }) end }\n",
    };
    for (size_t k = 0; k < 2; k++) {
        elg_rules *r = open_rules(srcs[k], NULL);
        elg_eval *ev = prepare(r);
        for (int round = 0; round < 2; round++) {
            elg_decision *d = decide(ev, &project);
            assert_int_equal(d->rules_count, 1);
            const elg_rule_result *x = &d->rules[0];
            assert_int_equal(x->status, ELG_RULE_FAIL);
            assert_int_equal(strlen(x->id), LONG);
            assert_int_equal(strlen(x->title), LONG);
            assert_int_equal(strlen(x->basis), LONG);
            assert_int_equal(strlen(x->message), LONG);
            assert_int_equal(strspn(x->message, "m"), LONG);
            assert_int_equal(x->notices_count, 1);
            assert_int_equal(strlen(x->notices[0]), LONG);
            const elg_value *f = elg_value_get(&x->figures, "label");
            assert_non_null(f);
            assert_int_equal(f->u.str.len, LONG);
            json_t *j = decision_json(d);
            json_t *jr = json_rule(j, 0);
            assert_int_equal(strlen(json_text(jr, "id")), LONG);
            assert_int_equal(strlen(json_text(jr, "title")), LONG);
            assert_int_equal(strlen(json_text(jr, "basis")), LONG);
            assert_int_equal(strlen(json_text(jr, "message")), LONG);
            assert_int_equal(strspn(json_text(jr, "message"), "m"), LONG);
            assert_int_equal(
                strlen(json_string_value(json_array_get(json_object_get(jr, "notices"), 0))), LONG);
            assert_int_equal(strlen(json_text(json_object_get(jr, "figures"), "label")), LONG);
            json_decref(j);
            /* The declaration kept in the ruleset (only when it does not
             * read the project) is complete too. */
            assert_int_equal(d->ruleset->rules_count, k == 0 ? 1 : 0);
            if (k == 0) {
                assert_int_equal(strlen(d->ruleset->rules[0].id), LONG);
                assert_int_equal(strlen(d->ruleset->rules[0].title), LONG);
                assert_int_equal(strlen(d->ruleset->rules[0].basis), LONG);
            }
            /* And so is what is read back from its JSON. */
            elg_text t = {0};
            elg_error err = {0};
            elg_decision *back = NULL;
            assert_int_equal(elg_decision_write_json(d, &t, &err), 0);
            assert_int_equal(elg_decision_read(t.data, t.len, NULL, NULL, NULL, &back, &err), 0);
            assert_int_equal(back->rules_count, 1);
            assert_int_equal(strlen(back->rules[0].id), LONG);
            assert_int_equal(strlen(back->rules[0].title), LONG);
            assert_int_equal(strlen(back->rules[0].basis), LONG);
            assert_int_equal(strlen(back->rules[0].message), LONG);
            elg_decision_free(back);
            elg_text_release(&t);
            elg_decision_free(d);
        }
        elg_eval_free(ev);
        elg_rules_free(r);
    }
}

/* ---- f) next through the views ---------------------------------------------- */

static void test_next_through_views(void **state) {
    (void)state;
    elg_decision *d = decide_alone(
        "rule { id = 'expenses', check = function(p)\n"
        "  local k, v = next(p.expenses)\n"
        "  return k == 1 and v.amount == 5000000 and next(project.expenses) ~= nil end }\n"
        "rule { id = 'walk', check = function(p)\n"
        "  local n, s = 0, 0\n"
        "  for _, e in next, p.expenses do n = n + 1; s = s + e.amount end\n"
        "  return n == 2 and s == 13082000 end }\n"
        "rule { id = 'project', check = function(p) return next(project) ~= nil end }\n"
        "rule { id = 'string', check = function(p)\n"
        "  local k, v = next(string)\n"
        "  return type(k) == 'string' and type(v) == 'function' end }\n"
        "rule { id = 'math', check = function(p)\n"
        "  local n = 0\n"
        "  for k, v in next, math do n = n + 1 end\n"
        "  return n > 20 and math.random == nil end }\n"
        "rule { id = 'param', check = function(p)\n"
        "  local k = next(param 'max_rate')\n"
        "  return k == 'num' or k == 'den' end }\n"
        "rule { id = 'empty', check = function(p) return next({}) == nil end }\n",
        NULL, &project);
    static const char *const ids[] = {"expenses", "walk",  "project", "string",
                                      "math",     "param", "empty"};
    assert_rule_ids(d, ids, sizeof ids / sizeof *ids);
    for (size_t i = 0; i < d->rules_count; i++)
        assert_rule(d, ids[i], ELG_RULE_PASS, NULL, NULL);
    /* What next read is a fact, as through an index. */
    const elg_rule_result *x = rule_named(d, "walk");
    bool found = false;
    for (size_t k = 0; k < x->facts_count; k++)
        found = found || strcmp(x->facts[k].path, "expenses[1].amount") == 0;
    assert_true(found);
    assert_int_equal(d->outcome, ELG_OUTCOME_ELIGIBLE);
    elg_decision_free(d);
}

/* A table the library exports (CATEGORY_LABELS, from rules/lib/budget.lua
 * through lib/init.lua) is seen by next and pairs, not only by indexing. */
static void test_next_on_library_exports(void **state) {
    (void)state;
    elg_decision *d = decide_alone(
        "rule { id = 'next', check = function(p)\n"
        "  local k, v = next(CATEGORY_LABELS)\n"
        "  return type(k) == 'string' and CATEGORY_LABELS[k] == v end }\n"
        "rule { id = 'pairs', check = function(p)\n"
        "  local n = 0\n"
        "  for k, v in pairs(CATEGORY_LABELS) do n = n + 1 end\n"
        "  return pass('n=' .. n) end }\n"
        "rule { id = 'index', check = function(p) return pass(CATEGORY_LABELS.staff) end }\n",
        NULL, &project);
    static const char *const ids[] = {"next", "pairs", "index"};
    assert_rule_ids(d, ids, 3);
    assert_rule(d, "next", ELG_RULE_PASS, NULL, NULL);
    /* staff, services, equipment, travel, indirect, other */
    assert_rule(d, "pairs", ELG_RULE_PASS, "n=6", NULL);
    assert_rule(d, "index", ELG_RULE_PASS, "Frais de personnel", NULL);
    elg_decision_free(d);
}

/* ---- d) more ways to keep state ---------------------------------------------- */

/* A file-level table used as a key is as much file-level state as one
 * used as a value: next and pairs must not hand it out writable. */
static const char *const key_state_src = "local holder = { [{}] = true }\n"
                                         "rule { id = 'next-key', check = function(p)\n"
                                         "  local k = next(holder)\n"
                                         "  k.n = (k.n or 0) + 1\n"
                                         "  return pass('n=' .. k.n) end }\n"
                                         "rule { id = 'pairs-key', check = function(p)\n"
                                         "  for k in pairs(holder) do\n"
                                         "    k.m = (k.m or 0) + 1\n"
                                         "    return pass('m=' .. k.m)\n"
                                         "  end end }\n";

static void check_key_state(const elg_decision *d, size_t i) {
    (void)i;
    static const char *const ids[] = {"next-key", "pairs-key"};
    assert_rule_ids(d, ids, 2);
    /* Either refused (read-only) or always the first write; never 2. */
    const elg_rule_result *x = rule_named(d, "next-key");
    if (x->status != ELG_RULE_ERROR)
        assert_string_equal(text(x->message), "n=1");
    x = rule_named(d, "pairs-key");
    if (x->status != ELG_RULE_ERROR)
        assert_string_equal(text(x->message), "m=1");
}

static void test_no_state_through_table_keys(void **state) {
    (void)state;
    assert_no_state_crosses(key_state_src, check_key_state);
}

/* A metamethod of a file-level table receives the table itself: a memo
 * filled by __index must not survive the project. */
static const char *const memo_src = "local memo = setmetatable({}, { __index = function(self, k)\n"
                                    "  self[k] = #k; return #k end })\n"
                                    "rule { id = 'memo', check = function(p)\n"
                                    "  local before = next(memo)\n"
                                    "  local _ = memo[p.id]\n"
                                    "  return pass('before=' .. tostring(before)) end }\n";

static void check_memo(const elg_decision *d, size_t i) {
    (void)i;
    static const char *const ids[] = {"memo"};
    assert_rule_ids(d, ids, 1);
    const elg_rule_result *x = rule_named(d, "memo");
    if (x->status != ELG_RULE_ERROR)
        assert_string_equal(text(x->message), "before=nil");
}

static void test_no_state_through_metamethods(void **state) {
    (void)state;
    assert_no_state_crosses(memo_src, check_memo);
}

/* Freezing a file-level table keeps its behaviour: defaults given by a
 * metatable and methods inherited through __index still answer. */
static const char *const metatables_src =
    "local defaults = setmetatable({}, { __index = function(_, k) return 0 end })\n"
    "local Acc = {}\n"
    "Acc.__index = Acc\n"
    "function Acc.get(self) return self.n end\n"
    "local acc = setmetatable({ n = 7 }, Acc)\n"
    "rule { id = 'default', check = function(p) return pass('x=' .. defaults.x) end }\n"
    "rule { id = 'method', check = function(p) return pass('n=' .. acc:get()) end }\n";

static void check_metatables(const elg_decision *d, size_t i) {
    (void)i;
    static const char *const ids[] = {"default", "method"};
    assert_rule_ids(d, ids, 2);
    assert_rule(d, "default", ELG_RULE_PASS, "x=0", NULL);
    assert_rule(d, "method", ELG_RULE_PASS, "n=7", NULL);
}

static void test_file_level_metatables_kept(void **state) {
    (void)state;
    assert_no_state_crosses(metatables_src, check_metatables);
}

/* Globals a rule file defines at file level (a helper function, a
 * constant) are there for every project, not only the one that declared
 * the rules. */
static const char *const globals_src = "function helper(p) return 'id=' .. p.id end\n"
                                       "LIMIT = 3\n"
                                       "rule { id = 'helper', check = function(p)\n"
                                       "  return pass(helper(p)) end }\n"
                                       "rule { id = 'constant', check = function(p)\n"
                                       "  return pass('limit=' .. tostring(LIMIT)) end }\n";

static void check_globals(const elg_decision *d, size_t i) {
    static const char *const msgs[] = {"id=p", "id=q", "id=r"};
    static const char *const ids[] = {"helper", "constant"};
    assert_rule_ids(d, ids, 2);
    assert_rule(d, "helper", ELG_RULE_PASS, msgs[i], NULL);
    assert_rule(d, "constant", ELG_RULE_PASS, "limit=3", NULL);
}

static void test_file_level_globals_every_project(void **state) {
    (void)state;
    assert_no_state_crosses(globals_src, check_globals);
}

/* ---- g) what the earlier core let through ------------------------------------ */

/* A NUL byte in a rule's text would cut it in every C string that shows
 * it: the result is an error that says so. */
static void test_nul_in_texts_is_error(void **state) {
    (void)state;
    elg_decision *d = decide_alone(
        "rule { id = 'msg', check = function(p) return fail('avant\\0après') end }\n"
        "rule { id = 'notice', check = function(p) notice('a\\0b') return pass('ok') end }\n"
        "rule { id = 'figure', check = function(p) return pass('ok', { t = 'x\\0y' }) end }\n"
        "rule { id = 'fine', check = function(p) return pass('ok') end }\n",
        NULL, &project);
    assert_int_equal(d->rules_count, 4);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(d->rules[i].status, ELG_RULE_ERROR);
        assert_non_null(strstr(d->rules[i].message, "octet NUL"));
        assert_string_equal(d->rules[i].error_at, d->rules[i].source);
    }
    assert_int_equal(d->rules[3].status, ELG_RULE_PASS);
    elg_decision_free(d);
}

/* Declarations count against --max-output like results: a title of a
 * megabyte is refused with a clear error, not stored in every ruleset. */
static void test_declarations_bounded(void **state) {
    (void)state;
    elg_limits lim = {.output = 8192};
    elg_decision *d = decide_alone("rule { id = 'big', title = string.rep('t', 100000),\n"
                                   "  check = function(p) return pass('ok') end }\n",
                                   &lim, &project);
    assert_int_equal(d->outcome, ELG_OUTCOME_ERROR);
    assert_int_equal(d->rules_count, 1);
    assert_non_null(strstr(d->rules[0].message, "--max-output"));
    assert_string_equal(d->rules[0].error_at, "rules/calls/t.lua:1");
    elg_decision_free(d);
}

/* A rule file that runs out of memory at file level is an error located
 * at its file (Lua gives a memory error no position). */
static void test_file_level_memory_error_located(void **state) {
    (void)state;
    elg_limits lim = {.memory = 4u << 20};
    elg_decision *d = decide_alone("local t = {}\nfor i = 1, 1e8 do t[i] = {} end\n"
                                   "rule { id = 'x', check = function(p) return pass('ok') end }\n",
                                   &lim, &project);
    assert_int_equal(d->outcome, ELG_OUTCOME_ERROR);
    assert_int_equal(d->rules_count, 1);
    assert_non_null(strstr(d->rules[0].message, "mémoire"));
    assert_non_null(d->rules[0].error_at);
    assert_string_equal(d->rules[0].error_at, "rules/calls/t.lua");
    elg_decision_free(d);
}

/* ---- missing facts (issue 11) ----------------------------------------------- */

/* Reading a field the project does not have is a fact without a value, not
 * a missing fact: only a rule that needs the field says so. */
static void test_absent_read_is_not_missing(void **state) {
    (void)state;
    elg_decision *d = decide_alone("rule { id = 'siret-lu', check = function(p)\n"
                                   "  local s = p.applicants[1].siret\n"
                                   "  return pass(s and 'avec SIRET' or 'sans SIRET') end }\n",
                                   NULL, &project);
    assert_rule(d, "siret-lu", ELG_RULE_PASS, "sans SIRET", NULL);
    const elg_rule_result *x = rule_named(d, "siret-lu");
    assert_int_equal(x->missing_count, 0);
    assert_int_equal(x->facts_count, 1);
    assert_string_equal(x->facts[0].path, "applicants[0].siret");
    assert_int_equal(x->facts[0].value.type, ELG_VALUE_NULL);
    assert_int_equal(d->outcome, ELG_OUTCOME_ELIGIBLE);
    elg_decision_free(d);
}

static const char *const missing_src =
    "rule { id = 'siret', check = function(p)\n"                                    /* 1 */
    "  local a = p.applicants[1]\n"                                                 /* 2 */
    "  if not a.siret then return missing(field(a, 'siret'), 'SIRET absent') end\n" /* 3 */
    "  return pass('SIRET ' .. a.siret) end }\n"                                    /* 4 */
    "rule { id = 'depot', requires = { 'submitted', 'applicants[].rna|siret' },\n"  /* 5 */
    "  check = function(p) error('never run without its fields') end }\n"           /* 6 */
    "rule { id = 'ok', check = function(p) return pass('fine') end }\n";            /* 7 */

/* missing(...) and `requires` make the rule `missing` with the fields to
 * fill, and the decision incomplete; the check of a rule whose required
 * field is absent does not run. */
static void test_missing_makes_incomplete(void **state) {
    (void)state;
    elg_decision *d = decide_alone(missing_src, NULL, &project);
    assert_rule(d, "siret", ELG_RULE_MISSING, "SIRET absent", NULL);
    const elg_rule_result *x = rule_named(d, "siret");
    assert_int_equal(x->missing_count, 1);
    assert_string_equal(x->missing[0], "applicants[0].siret");
    assert_rule(d, "depot", ELG_RULE_MISSING,
                "À compléter : submitted, applicants[0].rna (ou applicants[0].siret)", NULL);
    x = rule_named(d, "depot");
    assert_int_equal(x->missing_count, 2);
    assert_string_equal(x->missing[0], "submitted");
    assert_string_equal(x->missing[1], "applicants[0].rna");
    assert_rule(d, "ok", ELG_RULE_PASS, "fine", NULL);
    assert_int_equal(d->outcome, ELG_OUTCOME_INCOMPLETE);
    /* Written and read back the same (the stored JSON names the status). */
    json_t *j = decision_json(d);
    assert_string_equal(json_text(j, "outcome"), "incomplete");
    assert_string_equal(json_text(json_rule(j, 0), "status"), "missing");
    json_decref(j);
    elg_decision_free(d);

    /* With the fields there, the checks run: the second one errs. */
    elg_applicant full = applicants[0];
    full.siret = "77567227200029";
    elg_project p = project;
    p.applicants = &full;
    p.submitted = "2018-01-02";
    d = decide_alone(missing_src, NULL, &p);
    assert_rule(d, "siret", ELG_RULE_PASS, "SIRET 77567227200029", NULL);
    assert_rule(d, "depot", ELG_RULE_ERROR, "never run without its fields", "rules/calls/t.lua:6");
    assert_int_equal(d->outcome, ELG_OUTCOME_ERROR);
    elg_decision_free(d);
}

/* A failing rule still makes the decision ineligible, an error still an
 * error; incomplete is only for a decision that nothing refuses. */
static void test_outcome_order(void **state) {
    (void)state;
    const elg_rule_status miss_fail[] = {ELG_RULE_MISSING, ELG_RULE_FAIL, ELG_RULE_PASS};
    const elg_rule_status fail_miss[] = {ELG_RULE_FAIL, ELG_RULE_MISSING};
    const elg_rule_status miss_err[] = {ELG_RULE_MISSING, ELG_RULE_ERROR};
    const elg_rule_status miss_na[] = {ELG_RULE_NA, ELG_RULE_MISSING, ELG_RULE_PASS};
    assert_int_equal(elg_outcome_of(miss_fail, 3), ELG_OUTCOME_INELIGIBLE);
    assert_int_equal(elg_outcome_of(fail_miss, 2), ELG_OUTCOME_INELIGIBLE);
    assert_int_equal(elg_outcome_of(miss_err, 2), ELG_OUTCOME_ERROR);
    assert_int_equal(elg_outcome_of(miss_na, 3), ELG_OUTCOME_INCOMPLETE);
    assert_int_equal(elg_outcome_worst(ELG_OUTCOME_INCOMPLETE, ELG_OUTCOME_ELIGIBLE),
                     ELG_OUTCOME_INCOMPLETE);
    assert_int_equal(elg_outcome_worst(ELG_OUTCOME_INCOMPLETE, ELG_OUTCOME_INELIGIBLE),
                     ELG_OUTCOME_INELIGIBLE);
    assert_int_equal(elg_outcome_worst(ELG_OUTCOME_ERROR, ELG_OUTCOME_INCOMPLETE),
                     ELG_OUTCOME_ERROR);
    elg_outcome o;
    assert_true(elg_outcome_parse("incomplete", &o));
    assert_int_equal(o, ELG_OUTCOME_INCOMPLETE);
    elg_rule_status s;
    assert_true(elg_rule_status_parse("missing", &s));
    assert_int_equal(s, ELG_RULE_MISSING);

    elg_decision *d =
        decide_alone("rule { id = 'a', check = function(p)\n"
                     "  return missing('submitted') end }\n"
                     "rule { id = 'b', check = function(p) return fail('non') end }\n",
                     NULL, &project);
    assert_int_equal(d->outcome, ELG_OUTCOME_INELIGIBLE);
    elg_decision_free(d);
}

static const char *const bad_missing_src =
    "rule { id = 'no-field', check = function(p)\n"                        /* 1 */
    "  local r = fail('x'); r.status = 'missing'; return r end }\n"        /* 2 */
    "rule { id = 'empty', check = function(p)\n"                           /* 3 */
    "  return missing({}) end }\n"                                         /* 4 */
    "rule { id = 'not-text', check = function(p)\n"                        /* 5 */
    "  return missing({ 3 }) end }\n"                                      /* 6 */
    "rule { id = 'smuggled', check = function(p)\n"                        /* 7 */
    "  local r = pass('x'); r.missing = { 'submitted' }; return r end }\n" /* 8 */
    "rule { id = 'field-of-text', check = function(p)\n"                   /* 9 */
    "  return missing(field('applicants', 'siret')) end }\n";              /* 10 */

/* A `missing` result that names no field, or fields that are not paths, is
 * an error at its line; fields added to a pass are not reported. */
static void test_bad_missing_results(void **state) {
    (void)state;
    elg_decision *d = decide_alone(bad_missing_src, NULL, &project);
    assert_rule(d, "no-field", ELG_RULE_ERROR, "missing attend le champ", "rules/calls/t.lua:1");
    /* A tail call leaves no line of its own: the rule's declaration. */
    assert_rule(d, "empty", ELG_RULE_ERROR, "missing attend le champ", "rules/calls/t.lua:3");
    assert_rule(d, "not-text", ELG_RULE_ERROR, "chaque champ est un chemin", "rules/calls/t.lua:5");
    assert_rule(d, "smuggled", ELG_RULE_PASS, "x", NULL);
    assert_int_equal(rule_named(d, "smuggled")->missing_count, 0);
    assert_rule(d, "field-of-text", ELG_RULE_ERROR, "field attend une vue", "rules/calls/t.lua:10");
    elg_decision_free(d);
}

/* A `requires` pattern that is not a field path is refused where the rule
 * is declared. */
static void test_bad_requires_refused(void **state) {
    (void)state;
    static const char *const pats[] = {"'a..b'", "'a[]|b.c'", "'a|b.c'", "3", "'x-y'"};
    for (size_t i = 0; i < sizeof pats / sizeof *pats; i++) {
        char src[256];
        snprintf(src, sizeof src,
                 "rule { id = 'r', requires = { %s },\n"
                 "  check = function(p) return true end }\n",
                 pats[i]);
        elg_decision *d = decide_alone(src, NULL, &project);
        assert_int_equal(d->outcome, ELG_OUTCOME_ERROR);
        assert_int_equal(d->rules_count, 1);
        if (!strstr(text(d->rules[0].message), "requires[1]"))
            fail_msg("pattern %s: [%s]", pats[i], text(d->rules[0].message));
        assert_string_equal(text(d->rules[0].error_at), "rules/calls/t.lua:1");
        elg_decision_free(d);
    }
}

/* ---- g) the stored record ---------------------------------------------------- */

static int find_own_ruleset(void *ctx, const char *sha256, elg_ruleset **rs, elg_error *err) {
    elg_ruleset *own = ctx;
    if (strcmp(sha256, own->sha256) != 0)
        return elg_error_set(err, ELG_ESTORE, "no ruleset %s", sha256);
    *rs = elg_ruleset_ref(own);
    return 0;
}

static char *full_json(const elg_decision *d) {
    elg_text t = {0};
    elg_error err = {0};
    if (elg_decision_write_json(d, &t, &err))
        fail_msg("elg_decision_write_json: %s", err.message);
    return t.data;
}

/* d's record read back with its row: in JSON (format 4) when bin is false,
 * else in binary (format 7), whose row leaves the figures to the record as
 * a batch stores it. */
static elg_decision *record_back(elg_decision *d, bool bin, elg_text *rec, elg_text *figs,
                                 char outcome[32]) {
    elg_error err = {0};
    if ((bin ? elg_decision_write_record_bin(d, rec, &err)
             : elg_decision_write_record(d, rec, &err)) ||
        elg_decision_write_figures(d, figs, &err))
        fail_msg("writing the record: %s", err.message);
    assert_int_equal(elg_decision_is_binary(rec->data, rec->len), bin);
    snprintf(outcome, 32, "%s", elg_outcome_name(d->outcome));
    elg_decision_row row = {.ruleset = d->ruleset->sha256,
                            .project = d->project,
                            .project_version = d->project_version,
                            .project_sha256 = d->project_sha256,
                            .outcome = outcome,
                            .figures = bin ? "" : figs->data,
                            .id = 9,
                            .created_at = "2026-12-02T10:00:00.000Z"};
    elg_decision *back = NULL;
    if (elg_decision_read(rec->data, rec->len, &row, find_own_ruleset, d->ruleset, &back, &err))
        fail_msg("reading the record back: %s", err.message);
    assert_int_equal(back->stored_format, bin ? ELG_BREC_FORMAT : 4);
    return back;
}

/* The row of d's binary record as a batch stores it (figures left to the
 * record), without its id and time. */
static elg_decision_row bin_row(const elg_decision *d, const char *outcome) {
    return (elg_decision_row){.ruleset = d->ruleset->sha256,
                              .project = d->project,
                              .project_version = d->project_version,
                              .project_sha256 = d->project_sha256,
                              .outcome = outcome,
                              .figures = ""};
}

/* d's two records, each read back, and the full documents they give,
 * checked equal (what: the case, for the failure's message). */
typedef struct both_records {
    elg_decision *d;
    elg_text jrec, jfigs, brec, bfigs;
    char o1[32], o2[32]; /* the rows' outcomes */
    elg_decision *a, *b; /* read back from the JSON and the binary record */
    char *ja, *jb;
} both_records;

static void both_records_of(elg_decision *d, const char *what, both_records *r) {
    memset(r, 0, sizeof *r);
    r->d = d;
    r->a = record_back(d, false, &r->jrec, &r->jfigs, r->o1);
    r->b = record_back(d, true, &r->brec, &r->bfigs, r->o2);
    r->ja = full_json(r->a);
    r->jb = full_json(r->b);
    if (strcmp(r->ja, r->jb) != 0)
        fail_msg("%s: JSON record gives\n%s\nbinary record gives\n%s", what, r->ja, r->jb);
}

/* Frees r and its decision. */
static void both_records_free(both_records *r) {
    free(r->ja);
    free(r->jb);
    elg_decision_free(r->a);
    elg_decision_free(r->b);
    elg_text_release(&r->jrec);
    elg_text_release(&r->jfigs);
    elg_text_release(&r->brec);
    elg_text_release(&r->bfigs);
    elg_decision_free(r->d);
}

/* The binary record reads back to the decision the JSON record gives, on
 * rules that exercise every part of it: errors with tracebacks, a rule
 * file that does not load (its result declared inline), figures nested in
 * lists and maps, notices, missing fields, text that is not UTF-8, native
 * rules with their declared facts, parameters. Every prefix of it, and any
 * byte changed, is refused or read, never a crash (ASan run). */
static void test_binary_record_same_decision(void **state) {
    (void)state;
    static const char *const sources[] = {
        file_state_src,
        counter_src,
        missing_src,
        "rule { id = 'deep', title = 'Profond', basis = 'art. 2', check = function(p)\n"
        "  notice('première') notice('seconde')\n"
        "  return fail('non \\xff utf8', { a = { 1, -2, { b = true, c = 'é' } },\n"
        "    z = -9223372036854775807 - 1, m = 'x\\xfe', e = {} }) end }\n"
        "rule { id = 'boom', check = function(p) local t = nil; return t.x end }\n"
        "rule { id = 'na', check = function(p) return not_applicable('hors sujet') end }\n"
        "ceiling { id = 'cap', category = 'equipment', max = eur(85000) }\n",
        "rule { id = 'broken' \n",
    };
    for (size_t s = 0; s < sizeof sources / sizeof *sources; s++) {
        elg_decision *d = decide_alone(sources[s], NULL, &project);
        char what[32];
        snprintf(what, sizeof what, "source %zu", s);
        both_records r;
        both_records_of(d, what, &r);
        if (r.brec.len >= r.jrec.len)
            fail_msg("source %zu: binary record of %zu bytes, JSON of %zu", s, r.brec.len,
                     r.jrec.len);
        elg_decision_row row = bin_row(d, r.o2);
        /* Format 6, as eligo wrote records before their messages' amounts
         * named the figures: the same decision, and never fewer bytes. */
        elg_text brec6 = {0};
        elg_error err6 = {0};
        if (elg_decision_write_record_bin_format(d, 6, &brec6, &err6))
            fail_msg("source %zu: format 6: %s", s, err6.message);
        {
            elg_decision_row r6 = row;
            r6.id = 9; /* as record_back's row */
            r6.created_at = "2026-12-02T10:00:00.000Z";
            elg_decision *d6 = NULL;
            if (elg_decision_read(brec6.data, brec6.len, &r6, find_own_ruleset, d->ruleset, &d6,
                                  &err6))
                fail_msg("source %zu: format 6 read back: %s", s, err6.message);
            assert_int_equal(d6->stored_format, 6);
            char *j6 = full_json(d6);
            if (strcmp(j6, r.ja) != 0)
                fail_msg("source %zu: format 6 gives\n%s\nJSON gives\n%s", s, j6, r.ja);
            free(j6);
            elg_decision_free(d6);
        }
        if (r.brec.len > brec6.len || (strstr(r.ja, " \xE2\x82\xAC") && r.brec.len >= brec6.len))
            fail_msg("source %zu: format 7 of %zu bytes, format 6 of %zu", s, r.brec.len,
                     brec6.len);
        for (size_t n = 3; n < r.brec.len; n++) {
            elg_decision *cut = NULL;
            elg_error err = {0};
            if (elg_decision_read(r.brec.data, n, &row, find_own_ruleset, d->ruleset, &cut, &err) !=
                ELG_ESTORE)
                fail_msg("source %zu: a record cut at %zu of %zu bytes was read", s, n, r.brec.len);
            assert_null(cut);
            assert_non_null(strstr(err.message, "decision"));
        }
        char *bytes = malloc(r.brec.len);
        for (size_t at = 3; at < r.brec.len; at++) {
            for (unsigned x = 1; x < 256; x <<= 1) {
                memcpy(bytes, r.brec.data, r.brec.len);
                bytes[at] = (char)(bytes[at] ^ x);
                elg_decision *changed = NULL;
                elg_error err = {0};
                int rc = elg_decision_read(bytes, r.brec.len, &row, find_own_ruleset, d->ruleset,
                                           &changed, &err);
                if (rc != 0 && rc != ELG_ESTORE)
                    fail_msg("source %zu: byte %zu changed: %d %s", s, at, rc, err.message);
                elg_decision_free(changed);
            }
        }
        free(bytes);
        /* A record of format 5, as eligo wrote them before the figures were
         * in it: the same bytes as format 6 without the figures at the end,
         * read with the figures of its row, gives the same decision; and
         * without them it is an error. */
        {
            char *old5 = malloc(brec6.len);
            size_t cut = 0;
            char *j5 = NULL;
            for (size_t n = brec6.len; n-- > 3 && !cut;) {
                memcpy(old5, brec6.data, n);
                old5[2] = 5;
                elg_decision_row r5 = row;
                r5.figures = r.jfigs.data;
                r5.id = 9; /* as record_back's row */
                r5.created_at = "2026-12-02T10:00:00.000Z";
                elg_decision *d5 = NULL;
                elg_error e5 = {0};
                if (elg_decision_read(old5, n, &r5, find_own_ruleset, d->ruleset, &d5, &e5) == 0) {
                    cut = n;
                    assert_int_equal(d5->stored_format, 5);
                    j5 = full_json(d5);
                    r5.figures = "";
                    elg_decision_free(d5);
                    d5 = NULL;
                    assert_int_equal(
                        elg_decision_read(old5, n, &r5, find_own_ruleset, d->ruleset, &d5, &e5),
                        ELG_ESTORE);
                }
                elg_decision_free(d5);
            }
            if (!cut || strcmp(j5, r.ja) != 0)
                fail_msg("source %zu: no format 5 record reads back to the same decision", s);
            free(j5);
            free(old5);
        }
        elg_text_release(&brec6);
        /* A binary record without its row is an error, not a guess. */
        elg_decision *alone = NULL;
        elg_error err = {0};
        assert_int_equal(elg_decision_read(r.brec.data, r.brec.len, NULL, find_own_ruleset,
                                           d->ruleset, &alone, &err),
                         ELG_ESTORE);
        both_records_free(&r);
    }
}

/* Format 7 writes each amount of a message that is one of its rule's
 * integer figures as elg_money_format writes it as a reference to that
 * figure: the message reads back the same wherever the amount is (twice,
 * at the end, glued to another, negative), an amount that is no figure
 * stays text, and a reference to a figure that is not there or not an
 * integer is refused. */
static void test_binary_record_money_refs(void **state) {
    (void)state;
    elg_decision *d = decide_alone(
        "rule { id = 'm', check = function(p)\n"
        "  return fail('A 1 234,56 \xE2\x82\xAC, B 1 234,56 \xE2\x82\xAC, 7,00 \xE2\x82\xAC '"
        " .. '-0,05 \xE2\x82\xAC 1,00 \xE2\x82\xAC"
        "2,00 \xE2\x82\xAC 21 234,56 \xE2\x82\xAC '"
        " .. '\xE2\x82\xAC seul 0,00 \xE2\x82\xAC',\n"
        "    { a = 123456, b = -5, c = 100, d = 200, z = 'texte', n = { x = 0 }, zero = 0 }) end "
        "}\n"
        "rule { id = 'sans', check = function(p) return pass('1,00 \xE2\x82\xAC') end }\n",
        NULL, &project);
    elg_text brec6 = {0};
    both_records r;
    both_records_of(d, "money references", &r);
    assert_string_equal(r.b->rules[0].message, d->rules[0].message);
    assert_string_equal(r.b->rules[1].message, "1,00 \xE2\x82\xAC");
    /* 1 234,56 twice; -0,05; 1,00 and 2,00; 0,00. 21 234,56 is another
     * amount, 7,00 no figure: text. */
    size_t refs = 0;
    for (size_t i = 0; i < r.brec.len; i++)
        refs += (unsigned char)r.brec.data[i] == ELG_BREC_MONEY;
    assert_int_equal(refs, 6);
    elg_error err = {0};
    assert_int_equal(elg_decision_write_record_bin_format(d, 6, &brec6, &err), 0);
    assert_true(r.brec.len < brec6.len);
    assert_int_equal(elg_decision_write_record_bin_format(d, 5, &brec6, &err), ELG_EUSAGE);
    /* Ranks among the keys a, b, c, d, n, z, zero: n (5) is a map, z (6)
     * text, 8 is past the figures, 0 is no rank. */
    const char *first = memchr(r.brec.data, ELG_BREC_MONEY, r.brec.len);
    assert_non_null(first);
    size_t at = (size_t)(first - r.brec.data) + 1;
    assert_int_equal((unsigned char)r.brec.data[at], 1); /* a */
    elg_decision_row row = bin_row(d, r.o2);
    static const unsigned char wrong[] = {5, 6, 8, 0};
    for (size_t k = 0; k < sizeof wrong; k++) {
        char *bytes = malloc(r.brec.len);
        memcpy(bytes, r.brec.data, r.brec.len);
        bytes[at] = (char)wrong[k];
        elg_decision *bad_ = NULL;
        elg_error e = {0};
        assert_int_equal(
            elg_decision_read(bytes, r.brec.len, &row, find_own_ruleset, d->ruleset, &bad_, &e),
            ELG_ESTORE);
        assert_non_null(strstr(e.message, "message"));
        assert_null(bad_);
        free(bytes);
    }
    elg_text_release(&brec6);
    both_records_free(&r);
}

/* A record (format 4) writes fact paths once per shape and names declared
 * rules by position; read back with its row, the decision is the same,
 * whatever its paths hold: brackets that are not indices, "[]" itself,
 * indices with leading zeros or too many digits, nested indices. */
static void test_record_round_trip(void **state) {
    (void)state;
    elg_decision *d =
        decide_alone("rule { id = 'reads', title = 'Reads', basis = 'art. 1', check = function(p)\n"
                     "  local n = 0\n"
                     "  for _, e in ipairs(p.expenses) do n = n + e.amount end\n"
                     "  return pass('lu : ' .. n, { total = n }) end }\n"
                     "rule { id = 'other', check = function(p) return fail(p.id) end }\n",
                     NULL, &project);
    assert_int_equal(d->rules_count, 2);
    elg_rule_result *r = &d->rules[0];
    static const char *const odd[] = {"expenses[0].amount",
                                      "a[]b",
                                      "x[007].y",
                                      "z[1234567890]",
                                      "m[3].n[12].o",
                                      "[[5]",
                                      "q[0]]",
                                      "é[2]",
                                      "w[",
                                      "plain"};
    const size_t n_odd = sizeof odd / sizeof *odd;
    elg_fact *facts = elg_arena_array(d->arena, n_odd, sizeof *facts);
    for (size_t i = 0; i < n_odd; i++) {
        facts[i].path = odd[i];
        facts[i].value = (elg_value){.type = ELG_VALUE_INT, .u.integer = (int64_t)i * 1000};
    }
    r->facts = facts;
    r->facts_count = n_odd;

    elg_text rec = {0}, figs = {0};
    elg_error err = {0};
    assert_int_equal(elg_decision_write_record(d, &rec, &err), 0);
    assert_int_equal(elg_decision_write_figures(d, &figs, &err), 0);
    json_t *j = json_loads(rec.data, 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "format")), 4);
    /* What the row holds is not repeated; the declared rules go by position. */
    assert_null(json_object_get(j, "project"));
    assert_null(json_object_get(j, "outcome"));
    assert_null(json_object_get(j, "ruleset"));
    assert_null(json_object_get(json_array_get(json_object_get(j, "rules"), 0), "id"));
    json_t *paths = json_object_get(j, "paths");
    assert_string_equal(json_string_value(json_array_get(paths, 0)), "expenses[].amount");
    json_decref(j);

    char outcome[32];
    snprintf(outcome, sizeof outcome, "%s", elg_outcome_name(d->outcome));
    elg_decision_row row = {.ruleset = d->ruleset->sha256,
                            .project = d->project,
                            .project_version = d->project_version,
                            .project_sha256 = d->project_sha256,
                            .outcome = outcome,
                            .figures = figs.data,
                            .id = 7,
                            .created_at = "2026-12-01T10:00:00.000Z"};
    elg_decision *back = NULL;
    if (elg_decision_read(rec.data, rec.len, &row, find_own_ruleset, d->ruleset, &back, &err))
        fail_msg("elg_decision_read: %s", err.message);
    assert_int_equal(back->stored_format, 4);
    assert_int_equal(back->rules[0].facts_count, n_odd);
    for (size_t i = 0; i < n_odd; i++) {
        assert_string_equal(back->rules[0].facts[i].path, odd[i]);
        assert_int_equal(back->rules[0].facts[i].value.u.integer, (int64_t)i * 1000);
    }
    assert_string_equal(back->rules[0].id, "reads");
    assert_string_equal(back->rules[1].id, "other");
    /* The whole document is the same, but for the id and date it now has. */
    d->id = 7;
    d->created_at = "2026-12-01T10:00:00.000Z";
    char *a = full_json(d), *b = full_json(back);
    assert_string_equal(a, b);
    free(a);
    free(b);
    elg_decision_free(back);

    /* Without its row, a record of format 4 is an error, not a guess. */
    back = NULL;
    assert_int_equal(
        elg_decision_read(rec.data, rec.len, NULL, find_own_ruleset, d->ruleset, &back, &err),
        ELG_ESTORE);
    assert_null(back);
    /* A fact naming a shape that is not there, or the wrong number of
     * indices, is refused. */
    static const char *const broken[] = {
        "{\"format\":4,\"parameters\":[],\"paths\":[\"a[]\"],\"facts\":[[1,0,1]],\"rules\":[]}",
        "{\"format\":4,\"parameters\":[],\"paths\":[\"a[]\"],\"facts\":[[0,1]],\"rules\":[]}",
        "{\"format\":4,\"parameters\":[],\"paths\":[\"a[]\"],\"facts\":[[0,-1,1]],\"rules\":[]}",
    };
    for (size_t i = 0; i < sizeof broken / sizeof *broken; i++) {
        err = (elg_error){0};
        assert_int_equal(elg_decision_read(broken[i], strlen(broken[i]), &row, find_own_ruleset,
                                           d->ruleset, &back, &err),
                         ELG_ESTORE);
        if (!strstr(err.message, "facts"))
            fail_msg("broken record %zu: %s", i, err.message);
    }
    elg_text_release(&rec);
    elg_text_release(&figs);
    elg_decision_free(d);
}

/* The stored key figures (each financer a list) read back as they were
 * computed, and print in their full form. */
static void test_stored_figures(void **state) {
    (void)state;
    elg_decision *d =
        decide_alone("rule { id = 'one', check = function(p) return true end }\n", NULL, &project);
    elg_text figs = {0}, full = {0}, again = {0};
    elg_error err = {0};
    assert_int_equal(elg_decision_write_figures(d, &figs, &err), 0);
    json_t *j = json_loads(figs.data, 0, NULL);
    assert_true(json_is_array(json_array_get(json_object_get(j, "financers"), 0)));
    json_decref(j);
    elg_arena *a = elg_arena_new();
    elg_figures f;
    assert_int_equal(elg_figures_read(figs.data, a, &f, &err), 0);
    assert_int_equal(f.financers_count, d->figures.financers_count);
    assert_int_equal(elg_figures_write_json(&f, &full, &err), 0);
    assert_int_equal(elg_figures_write_json(&d->figures, &again, &err), 0);
    assert_string_equal(full.data, again.data);
    j = json_loads(full.data, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(j, "financers"), 0), "financer")),
                        "MEL");
    json_decref(j);
    assert_int_equal(elg_figures_read("{\"financers\":[[\"MEL\"]]}", a, &f, &err), ELG_ESTORE);
    elg_arena_free(a);
    elg_text_release(&figs);
    elg_text_release(&full);
    elg_text_release(&again);
    elg_decision_free(d);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_table_is_error),
        cmocka_unit_test(test_bad_results_are_errors),
        cmocka_unit_test(test_memory_limit_large_project),
        cmocka_unit_test(test_no_file_level_state),
        cmocka_unit_test(test_no_counter_across_projects),
        cmocka_unit_test(test_no_library_write_while_declaring),
        cmocka_unit_test(test_long_texts_complete),
        cmocka_unit_test(test_nul_in_texts_is_error),
        cmocka_unit_test(test_declarations_bounded),
        cmocka_unit_test(test_file_level_memory_error_located),
        cmocka_unit_test(test_next_through_views),
        cmocka_unit_test(test_next_on_library_exports),
        cmocka_unit_test(test_no_state_through_table_keys),
        cmocka_unit_test(test_no_state_through_metamethods),
        cmocka_unit_test(test_file_level_metatables_kept),
        cmocka_unit_test(test_file_level_globals_every_project),
        cmocka_unit_test(test_absent_read_is_not_missing),
        cmocka_unit_test(test_missing_makes_incomplete),
        cmocka_unit_test(test_outcome_order),
        cmocka_unit_test(test_bad_missing_results),
        cmocka_unit_test(test_bad_requires_refused),
        cmocka_unit_test(test_record_round_trip),
        cmocka_unit_test(test_binary_record_same_decision),
        cmocka_unit_test(test_binary_record_money_refs),
        cmocka_unit_test(test_stored_figures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
