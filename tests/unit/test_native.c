/*
 * Tests of the native rules (engine/native.h): with ELIGO_NATIVE=check
 * every project is decided in Lua and natively, and any difference in
 * status, message, figures, facts, missing facts or reported amounts is an
 * engine error, so each case below is decided twice in one prepared call
 * (the first decision of a call is always made in Lua) and must succeed.
 * The cases cover each constructor's passing and failing paths and the
 * cases the native code hands back to Lua (a missing field, a line an
 * exclusive earmark refuses). Also: the native path is really taken, it
 * gives the same decision as ELIGO_NATIVE=0, and a rule file cannot give
 * its own native descriptor.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decision.h"
#include "eval.h"
#include "factpath.h"
#include "memory_loader.h"
#include "rules.h"

static const char *CALL_SRC =
    "applicants { id = 'statut', statuses = param 'statuses' }\n"
    "applicants { id = 'agrement', statuses = { 'association' }, approval = 'esus' }\n"
    "applicants { id = 'agrement-requis', statuses = param 'statuses', approval = 'esus',\n"
    "             require_approval = true }\n"
    "territory { id = 'commune', communes = param 'communes', project = false, applicant = true }\n"
    "territory { id = 'territoire', communes = param 'communes' }\n"
    "window { id = 'periode', period_start = param 'period_start', period_end = param 'period_end' "
    "}\n"
    "window { id = 'depot' }\n"
    "balance { id = 'equilibre' }\n"
    "ceiling { id = 'materiel', category = 'equipment', max = param 'max_equipment' }\n"
    "ceiling { id = 'plafond-mel', financer = 'MEL', max = eur(60000) }\n"
    "earmark { id = 'flechage', category = 'staff' }\n"
    "earmark { id = 'flechage-mel', category = 'staff', financer = 'MEL', exclusive = false }\n"
    "earmark { id = 'flechage-exclusif', category = 'staff', financer = 'CAF' }\n"
    "earmark { id = 'flechage-liste', category = 'staff', financer = { 'MEL', 'CAF' },\n"
    "          exclusive = false }\n"
    "rate_ceiling { id = 'part-mel', financer = 'MEL', max = param 'max_rate' }\n"
    "rate_ceiling { id = 'part-liste', financer = { 'MEL', 'CAF' }, max = pct(50) }\n"
    "rate_ceiling { id = 'aides-publiques', public = true, max = pct(80) }\n";

/* ---- fixtures ------------------------------------------------------------ */

static elg_expense base_expenses[] = {
    {ELG_CAT_STAFF, "Coordinateur", 5000000, NULL},
    {ELG_CAT_EQUIPMENT, "Matériel", 8082000, NULL},
    {ELG_CAT_SERVICES, "Prestations", 1000000, NULL},
};
static elg_resource base_resources[] = {
    {"MEL", NULL, 4000000, ELG_RES_REQUESTED, ELG_CAT_STAFF, NULL, NULL, NULL},
    {"CAF", NULL, 1000000, ELG_RES_REQUESTED, 0, NULL, NULL, NULL},
    {"SELF", NULL, 9082000, ELG_RES_REQUESTED, 0, NULL, NULL, NULL},
};
static char *esus[] = {"esus"};
static elg_applicant base_applicants[] = {
    {"Asso", "association", NULL, NULL, "Mons-en-Barœul", NULL, false, {0, 1}, esus, 1},
    {"Coop", "scic", NULL, NULL, "MONS EN BAROEUL", NULL, false, {0, 1}, NULL, 0},
};
static char *base_territory[] = {"Lille", "59560"};
static elg_application applies[] = {{"t", 4000000}};

static char *statuses[] = {"association", "scic", "scop"};
static char *communes[] = {"Lille", "Mons-en-Barœul", "Noyelles-lès-Seclin", "59560",
                           "Saint-André-lez-Lille"};
static elg_param params[] = {
    {.name = "statuses", .type = ELG_PARAM_LIST, .list = statuses, .list_count = 3},
    {.name = "communes", .type = ELG_PARAM_LIST, .list = communes, .list_count = 5},
    {.name = "period_start", .type = ELG_PARAM_DATE, .text = "2018-01-01"},
    {.name = "period_end", .type = ELG_PARAM_DATE, .text = "2019-12-31"},
    {.name = "max_equipment", .type = ELG_PARAM_MONEY, .money = 8082000},
    {.name = "max_rate", .type = ELG_PARAM_RATE, .rate = {30, 100}},
};
static elg_call call = {
    .id = "t",
    .title = "Appel",
    .financer = "MEL",
    .basis = "Délibération de test",
    .rules = "calls/t.lua",
    .opens = "2017-09-01",
    .closes = "2017-12-31",
    .params = params,
    .params_count = 6,
};
static elg_financer mel = {"MEL", "Métropole", ELG_NATURE_LOCAL_AUTHORITY, NULL};
static elg_financer caf = {"CAF", "CAF", ELG_NATURE_SOCIAL_SECURITY, NULL};
static elg_financer self = {"SELF", "Autofinancement", ELG_NATURE_SELF, NULL};
static const elg_financer *financers[] = {&mel, &caf, &self};

/* A project to change: copies of the base lines. */
typedef struct variant {
    elg_project p;
    elg_expense expenses[4];
    elg_resource resources[4];
    elg_applicant applicants[2];
    char *territory[2];
} variant;

static void base(variant *v) {
    memset(v, 0, sizeof *v);
    memcpy(v->expenses, base_expenses, sizeof base_expenses);
    memcpy(v->resources, base_resources, sizeof base_resources);
    memcpy(v->applicants, base_applicants, sizeof base_applicants);
    memcpy(v->territory, base_territory, sizeof base_territory);
    v->p = (elg_project){
        .id = "p",
        .title = "Projet",
        .applicants = v->applicants,
        .applicants_count = 2,
        .territory = v->territory,
        .territory_count = 2,
        .start = "2018-01-01",
        .end = "2018-12-31",
        .submitted = "2017-10-01",
        .expenses = v->expenses,
        .expenses_count = 3,
        .resources = v->resources,
        .resources_count = 3,
        .applies_to = applies,
        .applies_to_count = 1,
    };
}

static elg_rules *open_rules(const char *src) {
    elg_rules *r = NULL;
    elg_error err = {0};
    call_source = src;
    if (elg_rules_open(NULL, loader, NULL, &r, &err) != 0)
        fail_msg("cannot open the rules: %s", err.message);
    return r;
}

static elg_eval *prepare(elg_rules *r) {
    elg_error err = {0};
    elg_eval *ev = NULL;
    elg_eval_call ec = {.call = &call, .financers = financers, .financers_count = 3};
    if (elg_eval_prepare(r, &ec, &ev, &err) != 0)
        fail_msg("cannot prepare the call: %s", err.message);
    return ev;
}

static elg_decision *decide(elg_eval *ev, const elg_project *p) {
    elg_error err = {0};
    elg_decision *d = NULL;
    elg_eval_project ep = {p, 1, ""};
    if (elg_eval_decide(ev, &ep, &d, &err) != 0)
        fail_msg("cannot decide: %s", err.message);
    return d;
}

static const elg_rule_result *rule_named(const elg_decision *d, const char *id) {
    for (size_t i = 0; i < d->rules_count; i++)
        if (strcmp(d->rules[i].id, id) == 0)
            return &d->rules[i];
    fail_msg("rule %s is not in the decision", id);
    return NULL;
}

/* Decides v twice in a prepared call under ELIGO_NATIVE=check (the second
 * decision compared with the native one) and returns the second. */
static elg_decision *checked(elg_eval *ev, const variant *v) {
    elg_decision_free(decide(ev, &v->p));
    return decide(ev, &v->p);
}

/* ---- tests ------------------------------------------------------------- */

static int setup_check(void **state) {
    (void)state;
    setenv("ELIGO_NATIVE", "check", 1);
    return 0;
}

/* Every path of every constructor, each decided both ways. */
static void test_variants_agree(void **state) {
    (void)state;
    elg_rules *r = open_rules(CALL_SRC);
    elg_eval *ev = prepare(r);
    variant v;
    elg_decision *d;

    base(&v); /* everything passes but the MEL ceiling and share checks */
    d = checked(ev, &v);
    assert_int_equal(rule_named(d, "statut")->status, ELG_RULE_PASS);
    assert_int_equal(rule_named(d, "commune")->status, ELG_RULE_PASS);
    assert_int_equal(rule_named(d, "territoire")->status, ELG_RULE_PASS);
    assert_int_equal(rule_named(d, "materiel")->status, ELG_RULE_PASS);
    assert_string_equal(rule_named(d, "materiel")->message,
                        "Matériel : 80 820,00 € ≤ plafond 80 820,00 €");
    elg_decision_free(d);

    base(&v); /* statuses, approvals */
    v.applicants[1].status = "company";
    d = checked(ev, &v);
    assert_int_equal(rule_named(d, "statut")->status, ELG_RULE_FAIL);
    assert_string_equal(rule_named(d, "statut")->message,
                        "Porteur 2, Coop (company) : statut non éligible (admis : association, "
                        "scic, scop)");
    assert_int_equal(rule_named(d, "agrement-requis")->status, ELG_RULE_FAIL);
    elg_decision_free(d);

    base(&v); /* a commune outside, with a spelling hint, then an INSEE code */
    v.applicants[0].commune = "Noyelle-lès-Seclin";
    d = checked(ev, &v);
    assert_int_equal(rule_named(d, "commune")->status, ELG_RULE_FAIL);
    assert_non_null(strstr(rule_named(d, "commune")->message, "vouliez-vous dire"));
    elg_decision_free(d);
    base(&v);
    v.applicants[0].commune = "Roubaix";
    v.applicants[0].insee = "59560";
    v.territory[0] = "Saint-André-lès-Lille";
    v.territory[1] = "Tourcoing";
    d = checked(ev, &v);
    assert_int_equal(rule_named(d, "commune")->status, ELG_RULE_PASS);
    assert_int_equal(rule_named(d, "territoire")->status, ELG_RULE_FAIL);
    elg_decision_free(d);
    base(&v);
    v.applicants[1].commune = NULL;
    d = checked(ev, &v);
    assert_int_equal(rule_named(d, "commune")->status, ELG_RULE_MISSING);
    assert_int_equal(rule_named(d, "commune")->missing_count, 1);
    assert_string_equal(rule_named(d, "commune")->missing[0], "applicants[1].commune");
    elg_decision_free(d);
    base(&v);
    v.p.territory_count = 0;
    d = checked(ev, &v);
    assert_int_equal(rule_named(d, "territoire")->status, ELG_RULE_MISSING);
    assert_string_equal(rule_named(d, "territoire")->message, "À compléter : territory");
    elg_decision_free(d);

    base(&v); /* dates: outside the period, late, none */
    v.p.end = "2020-01-01";
    v.p.submitted = "2018-01-01";
    d = checked(ev, &v);
    assert_int_equal(rule_named(d, "periode")->status, ELG_RULE_FAIL);
    assert_int_equal(rule_named(d, "depot")->status, ELG_RULE_FAIL);
    elg_decision_free(d);
    base(&v);
    v.p.submitted = NULL;
    d = checked(ev, &v);
    assert_int_equal(rule_named(d, "depot")->status, ELG_RULE_MISSING);
    assert_string_equal(rule_named(d, "depot")->missing[0], "submitted");
    elg_decision_free(d);

    base(&v); /* the plan: imbalance, over the caps, earmarks over the cost */
    v.expenses[1].amount = 9000000;
    v.expenses[0].amount = 100000;
    v.resources[1].earmark = ELG_CAT_STAFF;
    d = checked(ev, &v);
    assert_int_equal(rule_named(d, "equilibre")->status, ELG_RULE_FAIL);
    assert_int_equal(rule_named(d, "materiel")->status, ELG_RULE_FAIL);
    assert_int_equal(rule_named(d, "flechage")->status, ELG_RULE_FAIL);
    assert_int_equal(rule_named(d, "flechage-liste")->status, ELG_RULE_FAIL);
    elg_decision_free(d);

    base(&v); /* an unknown financer: public unknown, a fact with no value; not a
               * missing fact, which only a rule that needs a field declares */
    v.resources[1].financer = "INCONNU";
    d = checked(ev, &v);
    assert_int_equal(rule_named(d, "aides-publiques")->status, ELG_RULE_PASS);
    assert_int_equal(rule_named(d, "aides-publiques")->missing_count, 0);
    {
        const elg_rule_result *ap = rule_named(d, "aides-publiques");
        bool absent = false;
        for (size_t k = 0; k < ap->facts_count; k++)
            absent = absent || (strcmp(ap->facts[k].path, "resources[1].public") == 0 &&
                                ap->facts[k].value.type == ELG_VALUE_NULL);
        assert_true(absent);
    }
    elg_decision_free(d);

    base(&v); /* a line of an exclusive earmark's financer not earmarked: Lua names it */
    d = checked(ev, &v);
    assert_int_equal(rule_named(d, "flechage-exclusif")->status, ELG_RULE_FAIL);
    assert_non_null(strstr(rule_named(d, "flechage-exclusif")->message, "non fléchée"));
    v.resources[1].earmark = ELG_CAT_STAFF;
    elg_decision_free(d);
    d = checked(ev, &v);
    assert_int_equal(rule_named(d, "flechage-exclusif")->status, ELG_RULE_PASS);
    elg_decision_free(d);

    base(&v); /* no expenses: a zero cost */
    v.p.expenses_count = 0;
    d = checked(ev, &v);
    assert_int_equal(rule_named(d, "part-mel")->status, ELG_RULE_FAIL);
    elg_decision_free(d);

    /* Rules reading hundreds of facts, and some again, past the set a rule
     * keeps of the facts it read (then scanned): each recorded once, as Lua
     * records them. */
    base(&v);
    size_t lines = 400;
    elg_expense *many = calloc(lines, sizeof *many);
    elg_resource *funds = calloc(lines, sizeof *funds);
    assert_non_null(many);
    assert_non_null(funds);
    for (size_t i = 0; i < lines; i++) {
        many[i] = (elg_expense){i % 3 ? ELG_CAT_STAFF : ELG_CAT_SERVICES, "Ligne",
                                (elg_cents)(1000 + i), NULL};
        funds[i] = base_resources[i % 3];
        funds[i].amount = (elg_cents)(1000 + i);
    }
    v.p.expenses = many;
    v.p.expenses_count = lines;
    v.p.resources = funds;
    v.p.resources_count = lines;
    d = checked(ev, &v);
    size_t most = 0;
    for (size_t i = 0; i < d->rules_count; i++) {
        const elg_rule_result *x = &d->rules[i];
        most = x->facts_count > most ? x->facts_count : most;
        for (size_t a = 0; a < x->facts_count; a++)
            for (size_t b = a + 1; b < x->facts_count; b++)
                assert_string_not_equal(x->facts[a].path, x->facts[b].path);
    }
    assert_true(most > 800);
    elg_decision_free(d);
    free(many);
    free(funds);

    elg_eval_stats st = elg_eval_get_stats(ev);
    assert_true(st.lua > 0);
    elg_eval_free(ev);
    elg_rules_free(r);
}

/* ELIGO_NATIVE=on takes the native path, and its decisions are the ones
 * ELIGO_NATIVE=0 makes. */
static void test_native_path_taken(void **state) {
    (void)state;
    variant v;
    base(&v);
    v.resources[1].earmark = ELG_CAT_STAFF; /* nothing the native code hands back */
    setenv("ELIGO_NATIVE", "on", 1);
    elg_rules *r = open_rules(CALL_SRC);
    elg_eval *ev = prepare(r);
    elg_decision_free(decide(ev, &v.p));
    /* The first native decision resolves the parameters in force, the next
     * ones reuse them: both record the Lua decision's. */
    elg_decision *first_native = decide(ev, &v.p);
    elg_decision *native = decide(ev, &v.p);
    elg_eval_stats st = elg_eval_get_stats(ev);
    assert_int_equal(st.native, 2);
    assert_int_equal(st.lua, 1);
    setenv("ELIGO_NATIVE", "0", 1);
    elg_rules *r2 = open_rules(CALL_SRC);
    elg_eval *ev2 = prepare(r2);
    elg_decision_free(decide(ev2, &v.p));
    elg_decision *lua = decide(ev2, &v.p);
    assert_int_equal(elg_eval_get_stats(ev2).native, 0);
    assert_int_equal(native->outcome, lua->outcome);
    assert_int_equal(native->rules_count, lua->rules_count);
    for (size_t i = 0; i < native->rules_count; i++) {
        assert_string_equal(native->rules[i].message, lua->rules[i].message);
        assert_int_equal(native->rules[i].facts_count, lua->rules[i].facts_count);
        assert_true(elg_value_equal(&native->rules[i].figures, &lua->rules[i].figures));
    }
    assert_int_equal(native->figures.max_grantable, lua->figures.max_grantable);
    assert_true(lua->params_count > 0);
    for (const elg_decision *n = first_native; n; n = n == first_native ? native : NULL) {
        assert_int_equal(n->params_count, lua->params_count);
        for (size_t k = 0; k < lua->params_count; k++) {
            assert_string_equal(n->params[k]->name, lua->params[k]->name);
            assert_true(elg_value_equal(&n->params[k]->value, &lua->params[k]->value));
        }
    }
    elg_decision_free(first_native);
    elg_decision_free(native);
    elg_decision_free(lua);
    elg_eval_free(ev);
    elg_eval_free(ev2);
    elg_rules_free(r);
    elg_rules_free(r2);
    setenv("ELIGO_NATIVE", "check", 1);
}

/* Writes d's record in both forms into json and bin. */
static void records_of(const elg_decision *d, elg_text *json, elg_text *bin) {
    elg_error err = {0};
    if (elg_decision_write_record(d, json, &err) || elg_decision_write_record_bin(d, bin, &err))
        fail_msg("cannot write the record: %s", err.message);
}

static int find_own_ruleset(void *ctx, const char *sha256, elg_ruleset **rs, elg_error *err) {
    elg_ruleset *own = ctx;
    if (strcmp(sha256, own->sha256) != 0)
        return elg_error_set(err, ELG_ESTORE, "no ruleset %s", sha256);
    *rs = elg_ruleset_ref(own);
    return 0;
}

/* The full document of the binary record bin of d, read back with its row. */
static char *binary_back(const elg_decision *d, const elg_text *bin) {
    elg_decision_row row = {.ruleset = d->ruleset->sha256,
                            .project = d->project,
                            .project_version = d->project_version,
                            .project_sha256 = d->project_sha256 ? d->project_sha256 : "",
                            .outcome = elg_outcome_name(d->outcome),
                            .figures = ""};
    elg_decision *back = NULL;
    elg_error err = {0};
    elg_text t = {0};
    if (elg_decision_read(bin->data, bin->len, &row, find_own_ruleset, d->ruleset, &back, &err) ||
        elg_decision_write_json(back, &t, &err))
        fail_msg("reading the binary record back: %s", err.message);
    elg_decision_free(back);
    return t.data;
}

/* Line facts point at paths made once (engine/factpath.h), with their
 * hash and shape: the JSON records written from them are byte for byte
 * those written from the paths alone, the shapes found again by
 * splitting, on lines the table holds and beyond it; a binary record names
 * their shapes by the field's number instead of writing them (shorter),
 * and reads back to the same decision. */
static void test_fact_paths_made_once(void **state) {
    (void)state;
    setenv("ELIGO_NATIVE", "on", 1);
    elg_rules *r = open_rules(CALL_SRC);
    elg_eval *ev = prepare(r);
    for (int many = 0; many < 2; many++) {
        variant v;
        base(&v);
        v.resources[1].earmark = ELG_CAT_STAFF; /* nothing the native code hands back */
        size_t lines = many ? ELG_FPATH_MAX_INDEX + 5 : 3;
        elg_expense *ex = calloc(lines, sizeof *ex);
        for (size_t i = 0; i < lines; i++)
            ex[i] = (elg_expense){i % 2 ? ELG_CAT_STAFF : ELG_CAT_EQUIPMENT, "Ligne",
                                  (elg_cents)(100000 + i), NULL};
        if (many) {
            v.p.expenses = ex;
            v.p.expenses_count = lines;
        }
        elg_decision_free(decide(ev, &v.p));
        size_t natives = elg_eval_get_stats(ev).native;
        elg_decision *d = decide(ev, &v.p);
        assert_int_equal(elg_eval_get_stats(ev).native, natives + 1);
        size_t made = 0, beyond = 0;
        for (size_t i = 0; i < d->rules_count; i++)
            for (size_t k = 0; k < d->rules[i].facts_count; k++) {
                const elg_fact *f = &d->rules[i].facts[k];
                if (f->fp) {
                    assert_ptr_equal(f->fp->path, f->path);
                    made++;
                } else if (strncmp(f->path, "expenses[", 9) == 0) {
                    beyond++;
                }
            }
        assert_true(made > 0);
        if (many)
            assert_true(beyond >= 5); /* the lines past the table */
        elg_text j1 = {0}, b1 = {0}, j2 = {0}, b2 = {0};
        records_of(d, &j1, &b1);
        for (size_t i = 0; i < d->rules_count; i++)
            for (size_t k = 0; k < d->rules[i].facts_count; k++)
                d->rules[i].facts[k].fp = NULL;
        records_of(d, &j2, &b2);
        assert_int_equal(j1.len, j2.len);
        assert_memory_equal(j1.data, j2.data, j1.len);
        assert_true(b1.len < b2.len);
        char *f1 = binary_back(d, &b1), *f2 = binary_back(d, &b2);
        assert_string_equal(f1, f2);
        free(f1);
        free(f2);
        elg_text_release(&j1);
        elg_text_release(&j2);
        elg_text_release(&b1);
        elg_text_release(&b2);
        elg_decision_free(d);
        free(ex);
    }
    /* Past the table, and for a field it does not know, no path. */
    assert_null(elg_fpath(ELG_FPATH_EXPENSE_AMOUNT, ELG_FPATH_MAX_INDEX));
    const elg_fact_path *fp = elg_fpath(ELG_FPATH_TERRITORY, 12);
    assert_string_equal(fp->path, "territory[12]");
    assert_string_equal(fp->shape, "territory[]");
    assert_int_equal(fp->index, 12);
    /* The static shapes of binary records are the table's, field by field. */
    for (int f = 0; f < ELG_FPATH_FIELDS; f++) {
        const elg_fact_path *e = elg_fpath((elg_fpath_field)f, 7);
        char want[64];
        snprintf(want, sizeof want, elg_fpath_name(f) ? "%s[].%s" : "%s[]", elg_fpath_list(f),
                 elg_fpath_name(f));
        assert_string_equal(elg_fpath_shape(f), want);
        assert_string_equal(e->shape, want);
        assert_int_equal(e->field, f);
    }
    assert_null(elg_fpath_shape(ELG_FPATH_FIELDS));
    assert_null(elg_fpath_shape(-1));
    elg_eval_free(ev);
    elg_rules_free(r);
    setenv("ELIGO_NATIVE", "check", 1);
}

/* A call whose rule file declares its own rule {} stays in Lua. */
static void test_custom_rule_stays_in_lua(void **state) {
    (void)state;
    variant v;
    base(&v);
    elg_rules *r = open_rules("balance { }\n"
                              "rule { id = 'x', check = function(p) return pass('ok') end }\n");
    elg_eval *ev = prepare(r);
    elg_decision_free(decide(ev, &v.p));
    elg_decision_free(decide(ev, &v.p));
    assert_int_equal(elg_eval_get_stats(ev).native, 0);
    elg_eval_free(ev);
    elg_rules_free(r);
}

/* A rule file cannot hand the engine a descriptor of its own. */
static void test_native_field_reserved(void **state) {
    (void)state;
    variant v;
    base(&v);
    elg_rules *r = open_rules("rule { id = 'x', native = { op = 'balance' },\n"
                              "       check = function(p) return fail('non') end }\n");
    elg_eval *ev = prepare(r);
    elg_decision *d = decide(ev, &v.p);
    assert_int_equal(d->outcome, ELG_OUTCOME_ERROR);
    assert_non_null(strstr(d->rules[0].message, "réservé à la bibliothèque de règles"));
    assert_non_null(strstr(d->rules[0].error_at, "calls/t.lua:1"));
    elg_decision_free(d);
    elg_eval_free(ev);
    elg_rules_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_variants_agree),
        cmocka_unit_test(test_native_path_taken),
        cmocka_unit_test(test_fact_paths_made_once),
        cmocka_unit_test(test_custom_rule_stays_in_lua),
        cmocka_unit_test(test_native_field_reserved),
    };
    return cmocka_run_group_tests(tests, setup_check, NULL);
}
