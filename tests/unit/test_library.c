/*
 * Tests of the rule library's constructors (rules/lib) at their edges:
 * exactly at a cap passes and one cent over fails, zero amounts, absent
 * categories, missing data, the not-applicable cases, the maximum grantable
 * amount each reports, and a de minimis ceiling that changes with the
 * call's edition. Rule files come from memory as in test_rules.c; the
 * library is the real one.
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

static elg_financer mel = {"MEL", "Métropole", ELG_NATURE_LOCAL_AUTHORITY, NULL};
static elg_financer feder = {"FEDER", "FEDER", ELG_NATURE_EU, NULL};
static elg_financer etat = {"ETAT", "État", ELG_NATURE_STATE, NULL};
static elg_financer self = {"SELF", "Autofinancement", ELG_NATURE_SELF, NULL};
static elg_financer priv = {"MECENE", "Mécène", ELG_NATURE_PRIVATE, NULL};
static const elg_financer *financers[] = {&mel, &feder, &etat, &self, &priv};

/* The project under test: reset by reset() to one association in Lille
 * with a 100 000 € plan (staff 60 000, equipment 40 000) financed by MEL
 * 30 000 and SELF 70 000, requesting 30 000 € from call "t" (financer MEL). */
static elg_expense expenses[8];
static elg_resource resources[8];
static elg_applicant applicants[4];
static elg_application applies[1];
static elg_declared_aid aids[4];
static char *territory[4];
static char *esus[] = {"esus"};
static elg_project project;
static elg_call call;

static void reset(void) {
    memset(expenses, 0, sizeof expenses);
    memset(resources, 0, sizeof resources);
    memset(applicants, 0, sizeof applicants);
    memset(aids, 0, sizeof aids);
    expenses[0] = (elg_expense){ELG_CAT_STAFF, "Animation", 6000000, NULL};
    expenses[1] = (elg_expense){ELG_CAT_EQUIPMENT, "Matériel", 4000000, NULL};
    resources[0] = (elg_resource){"MEL", NULL, 3000000, ELG_RES_REQUESTED, 0, NULL, NULL, NULL};
    resources[1] = (elg_resource){"SELF", NULL, 7000000, ELG_RES_REQUESTED, 0, NULL, NULL, NULL};
    applicants[0] = (elg_applicant){.name = "Asso A", .status = "association", .commune = "Lille"};
    applies[0] = (elg_application){"t", 3000000};
    territory[0] = "Lille";
    project = (elg_project){
        .id = "p",
        .title = "Projet",
        .applicants = applicants,
        .applicants_count = 1,
        .territory = territory,
        .territory_count = 1,
        .start = "2018-01-01",
        .end = "2018-12-31",
        .expenses = expenses,
        .expenses_count = 2,
        .resources = resources,
        .resources_count = 2,
        .applies_to = applies,
        .applies_to_count = 1,
        .de_minimis = aids,
    };
    call = (elg_call){
        .id = "t", .title = "Appel", .financer = "MEL", .basis = "Test", .rules = "calls/t.lua"};
}

/* Decides `project` with `src` as the call's rule file (the edition in
 * force is the one elg_eval_edition chooses for the project). */
static elg_decision *eval(const char *src) {
    elg_rules *r = NULL;
    elg_eval *ev = NULL;
    elg_decision *d = NULL;
    elg_error err = {0};
    call_source = src;
    if (elg_rules_open(NULL, loader, NULL, &r, &err) != 0)
        fail_msg("cannot open the rules: %s", err.message);
    elg_eval_call ec = {.call = &call, .financers = financers, .financers_count = 5};
    if (elg_eval_prepare(r, &ec, &ev, &err) != 0)
        fail_msg("cannot prepare the call: %s", err.message);
    elg_eval_project ep = {&project, 1, ""};
    if (elg_eval_decide(ev, &ep, &d, &err) != 0)
        fail_msg("cannot decide: %s", err.message);
    elg_eval_free(ev);
    elg_rules_free(r);
    return d;
}

static const elg_rule_result *first_rule(const elg_decision *d) {
    if (d->rules_count == 0)
        fail_msg("the decision has no rule");
    return &d->rules[0];
}

/* Status and message of the first rule of src. */
static char last_message[2048];
static const char *status(const char *src) {
    elg_decision *d = eval(src);
    const elg_rule_result *x = first_rule(d);
    const char *s = elg_rule_status_name(x->status); /* a static name */
    snprintf(last_message, sizeof last_message, "%s", x->message ? x->message : "");
    if (x->status == ELG_RULE_ERROR)
        print_message("rule error: %s\n", last_message);
    elg_decision_free(d);
    return s;
}

/* The decision's maximum grantable amount (the smallest the rules of src
 * report), -1 when none; its rule in *rule. */
static long long max_grantable(const char *src, char *rule, size_t size) {
    elg_decision *d = eval(src);
    long long best = -1;
    if (d->figures.has_max_grantable) {
        best = d->figures.max_grantable;
        if (rule)
            snprintf(rule, size, "%s",
                     d->figures.max_grantable_rule ? d->figures.max_grantable_rule : "");
    } else {
        assert_null(d->figures.max_grantable_rule);
    }
    elg_decision_free(d);
    return best;
}

static void assert_message(const char *expected) {
    if (!strstr(last_message, expected))
        fail_msg("message [%s] does not contain [%s]", last_message, expected);
}

/* ---- ceiling, earmark: the maximum grantable ------------------------------- */

static void test_ceiling_reports_max_grantable(void **state) {
    (void)state;
    reset();
    char rule[64] = "";
    assert_int_equal(max_grantable("ceiling { id = 'c', financer = 'MEL', max = eur(60000) }", rule,
                                   sizeof rule),
                     6000000);
    assert_string_equal(rule, "c");
    /* Not the call's financer: no maximum grantable. */
    assert_int_equal(max_grantable("ceiling { financer = 'SELF', max = eur(60000) }", NULL, 0), -1);
    /* A category ceiling bounds the expense, not the grant. */
    assert_int_equal(max_grantable("ceiling { category = 'equipment', max = eur(60000) }", NULL, 0),
                     -1);
    /* The smallest candidate wins, with its rule. */
    resources[0].earmark = ELG_CAT_EQUIPMENT;
    assert_int_equal(
        max_grantable("ceiling { id = 'c', financer = 'MEL', max = eur(60000) }\n"
                      "earmark { id = 'e', financer = 'MEL', category = 'equipment' }\n",
                      rule, sizeof rule),
        4000000);
    assert_string_equal(rule, "e");
}

/* Several financers together: their earmarked lines at most the category. */
static void test_earmark_several_financers(void **state) {
    (void)state;
    reset();
    /* MEL 30 000 + ETAT 30 000 earmarked to staff 60 000: exactly at it. */
    resources[0].earmark = ELG_CAT_STAFF;
    resources[1] =
        (elg_resource){"ETAT", NULL, 3000000, ELG_RES_REQUESTED, ELG_CAT_STAFF, NULL, NULL, NULL};
    resources[2] = (elg_resource){"SELF", NULL, 4000000, ELG_RES_REQUESTED, 0, NULL, NULL, NULL};
    project.resources_count = 3;
    const char *src = "earmark { financer = { 'MEL', 'ETAT' }, category = 'staff' }";
    assert_string_equal(status(src), "pass");
    assert_message("Fléché sur frais de personnel : 60 000,00 € ≤ dépenses 60 000,00 €");
    resources[1].amount = 3000001;
    assert_string_equal(status(src), "fail");
    assert_message("(excédent 0,01 €)");
    /* A line of one of them without the earmark fails. */
    resources[1].amount = 3000000;
    resources[1].earmark = 0;
    assert_string_equal(status(src), "fail");
    assert_message("ressource 2 (ETAT, 30 000,00 €) non fléchée");
    /* Earmarked to a category absent from the budget: 0 € of expenses. */
    resources[0].earmark = resources[1].earmark = ELG_CAT_TRAVEL;
    assert_string_equal(status("earmark { financer = { 'MEL', 'ETAT' }, category = 'travel' }"),
                        "fail");
    assert_message("60 000,00 € > dépenses 0,00 €");
}

/* ---- rate ceiling ---------------------------------------------------------- */

static void test_rate_ceiling_edges(void **state) {
    (void)state;
    reset();
    call.financer = "FEDER";
    applies[0].call = "other";
    /* FEDER 1 300 000 on 2 000 000 at 65 %: exactly at the cap. */
    expenses[0].amount = 120000000;
    expenses[1].amount = 80000000;
    resources[0] = (elg_resource){"FEDER", NULL, 130000000, ELG_RES_REQUESTED, 0, NULL, NULL, NULL};
    resources[1] = (elg_resource){"SELF", NULL, 70000000, ELG_RES_REQUESTED, 0, NULL, NULL, NULL};
    const char *src = "rate_ceiling { id = 'taux', financer = 'FEDER', max = pct(65) }";
    assert_string_equal(status(src), "pass");
    assert_message("FEDER : 1 300 000,00 € pour un coût éligible de 2 000 000,00 €, soit 65,00 % "
                   "(plafond 65 % : 1 300 000,00 €)");
    char rule[64];
    assert_int_equal(max_grantable(src, rule, sizeof rule), 130000000);
    assert_string_equal(rule, "taux");
    resources[0].amount = 130000001;
    assert_string_equal(status(src), "fail");
    assert_message("dépassement 0,01 €");
    /* A third: the cap is rounded down to the cent; 33,33 passes, 33,34 fails. */
    expenses[0].amount = 10000;
    project.expenses_count = 1;
    resources[0].amount = 3333;
    assert_string_equal(status("rate_ceiling { financer = 'FEDER', max = frac(1, 3) }"), "pass");
    resources[0].amount = 3334;
    assert_string_equal(status("rate_ceiling { financer = 'FEDER', max = frac(1, 3) }"), "fail");
    /* Zero cost: only a zero amount passes. */
    expenses[0].amount = 0;
    assert_string_equal(status(src), "fail");
    resources[0].amount = 0;
    assert_string_equal(status(src), "pass");
}

static void test_rate_ceiling_public(void **state) {
    (void)state;
    reset();
    /* Public aid: MEL 30 000 + ETAT 50 000 = 80 000 on 100 000 at 80 %: at the cap. */
    resources[1] = (elg_resource){"ETAT", NULL, 5000000, ELG_RES_REQUESTED, 0, NULL, NULL, NULL};
    resources[2] = (elg_resource){"SELF", NULL, 2000000, ELG_RES_REQUESTED, 0, NULL, NULL, NULL};
    project.resources_count = 3;
    const char *src = "rate_ceiling { id = 'aides', public = true, max = pct(80) }";
    assert_string_equal(status(src), "pass");
    assert_message("Aides publiques : 80 000,00 €");
    /* The call's financer may give the cap less the other public aid. */
    char rule[64];
    assert_int_equal(max_grantable(src, rule, sizeof rule), 3000000);
    resources[1].amount = 5000001;
    assert_string_equal(status(src), "fail");
    /* Private money is not public aid. */
    resources[1].financer = "MECENE";
    assert_string_equal(status(src), "pass");
    assert_int_equal(max_grantable(src, NULL, 0), 8000000);
}

/* ---- minimum self-financing (CGCT L1111-10) ---------------------------------- */

static void test_self_financing_edges(void **state) {
    (void)state;
    reset();
    applicants[0] =
        (elg_applicant){.name = "Commune de Hem", .status = "commune", .commune = "Hem"};
    /* MEL 80 000 public + own 20 000: exactly 20 % of the public financing. */
    resources[0].amount = 8000000;
    resources[1].amount = 2000000;
    const char *src = "self_financing { min = pct(20), investment = true }";
    assert_string_equal(status(src), "pass");
    assert_message("20 000,00 € sur 100 000,00 € de financements publics");
    /* Private financing does not count in the base. */
    resources[2] = (elg_resource){"MECENE", NULL, 5000000, ELG_RES_REQUESTED, 0, NULL, NULL, NULL};
    project.resources_count = 3;
    assert_string_equal(status(src), "pass");
    /* One cent short: 19 999,99 of 99 999,99 is under 20 %. */
    resources[1].amount = 1999999;
    assert_string_equal(status(src), "fail");
    assert_message("minimum 20 000,00 €, manque 0,01 €");
    /* 30 % (L1111-9, chef de file) from a parameter-like value. */
    resources[1].amount = 2000000;
    assert_string_equal(status("self_financing { min = pct(30), investment = true }"), "fail");
    /* Not applicable: operating grant, an exception, an association, no public money. */
    assert_string_equal(status("self_financing { min = pct(20), investment = false }"),
                        "not-applicable");
    assert_string_equal(status("self_financing { min = pct(20), investment = true, "
                               "exception = 'renouvellement urbain (loi 2003-710, art. 9)' }"),
                        "not-applicable");
    assert_message("renouvellement urbain");
    resources[0].amount = 0;
    resources[1].amount = 0;
    assert_string_equal(status(src), "not-applicable");
    applicants[0].status = "association";
    resources[0].amount = 8000000;
    assert_string_equal(status(src), "not-applicable");
}

/* ---- envelope -------------------------------------------------------------- */

static void test_envelope_edges(void **state) {
    (void)state;
    reset();
    const char *src = "envelope {}";
    assert_string_equal(status(src), "not-applicable");
    call.has_envelope = true;
    call.envelope = 11000000;
    applies[0].requested = 11000000;
    assert_string_equal(status(src), "pass");
    char rule[64];
    assert_int_equal(max_grantable(src, rule, sizeof rule), 11000000);
    assert_string_equal(rule, "enveloppe");
    applies[0].requested = 11000001;
    assert_string_equal(status(src), "fail");
    assert_message("dépassement 0,01 €");
    /* What remains once 100 000 € is committed. */
    applies[0].requested = 1000000;
    assert_string_equal(status("envelope { committed = eur(100000) }"), "pass");
    assert_int_equal(max_grantable("envelope { committed = eur(100000) }", NULL, 0), 1000000);
    applies[0].requested = 1000001;
    assert_string_equal(status("envelope { committed = eur(100000) }"), "fail");
    /* Over-committed: nothing remains, a zero request still passes. */
    applies[0].requested = 0;
    assert_string_equal(status("envelope { committed = eur(120000) }"), "pass");
    assert_int_equal(max_grantable("envelope { committed = eur(120000) }", NULL, 0), 0);
}

/* ---- split and convention ------------------------------------------------------ */

static void two_associations(void) {
    applicants[0] = (elg_applicant){.name = "Asso A", .status = "association", .commune = "Lille"};
    applicants[1] =
        (elg_applicant){.name = "Asso B", .status = "association", .commune = "Roubaix"};
    project.applicants_count = 2;
}

static void test_split_parity(void **state) {
    (void)state;
    reset();
    two_associations();
    applies[0].requested = 6000000;
    assert_string_equal(status("split_grant { by = 'parity' }"), "pass");
    assert_message("60 000,00 € répartis : 30 000,00 € à Asso A ; 30 000,00 € à Asso B");
    /* The leftover cent goes to the first applicant. */
    applies[0].requested = 10001;
    assert_string_equal(status("split_grant { by = 'parity' }"), "pass");
    assert_message("50,01 € à Asso A ; 50,00 € à Asso B");
    /* Three parts of 100,00 €: 33,34 + 33,33 + 33,33. */
    applicants[2] = (elg_applicant){.name = "Asso C", .status = "association"};
    project.applicants_count = 3;
    applies[0].requested = 10000;
    assert_string_equal(status("split_grant {}"), "pass");
    assert_message("33,34 € à Asso A ; 33,33 € à Asso B ; 33,33 € à Asso C");
    /* Zero grant: zero parts. */
    project.applicants_count = 2;
    applies[0].requested = 0;
    assert_string_equal(status("split_grant {}"), "pass");
    assert_message("0,00 € à Asso A ; 0,00 € à Asso B");
    /* Parity while the applicants declare unequal shares fails; equal shares pass. */
    applies[0].requested = 6000000;
    applicants[0].has_share = applicants[1].has_share = true;
    applicants[0].share = (elg_rate){70, 100};
    applicants[1].share = (elg_rate){30, 100};
    assert_string_equal(status("split_grant { by = 'parity' }"), "fail");
    assert_message("parts déclarées inégales : 42 000,00 € à Asso A ; 18 000,00 € à Asso B");
    applicants[0].share = (elg_rate){1, 2};
    applicants[1].share = (elg_rate){5000, 10000};
    assert_string_equal(status("split_grant { by = 'parity' }"), "pass");
}

static void test_split_shares(void **state) {
    (void)state;
    reset();
    two_associations();
    applies[0].requested = 6000000;
    applicants[0].has_share = applicants[1].has_share = true;
    applicants[0].share = (elg_rate){70, 100};
    applicants[1].share = (elg_rate){30, 100};
    assert_string_equal(status("split_grant { by = 'shares' }"), "pass");
    assert_message("42 000,00 € à Asso A ; 18 000,00 € à Asso B");
    /* A third and two thirds of 100,00 €: 33,33 + 66,67 (largest remainder). */
    applicants[0].share = (elg_rate){1, 3};
    applicants[1].share = (elg_rate){2, 3};
    assert_string_equal(status("split_grant { by = 'shares', amount = 10000 }"), "pass");
    assert_message("33,33 € à Asso A ; 66,67 € à Asso B");
    /* Shares that do not sum to 100 %, a missing share, a zero share. */
    applicants[0].share = (elg_rate){70, 100};
    applicants[1].share = (elg_rate){29, 100};
    assert_string_equal(status("split_grant { by = 'shares' }"), "fail");
    assert_message("les parts déclarées totalisent 99 % et non 100 %");
    applicants[1].has_share = false;
    assert_string_equal(status("split_grant { by = 'shares' }"), "fail");
    assert_message("part de Asso B non déclarée");
    applicants[1].has_share = true;
    applicants[0].share = (elg_rate){100, 100};
    applicants[1].share = (elg_rate){0, 100};
    assert_string_equal(status("split_grant { by = 'shares' }"), "fail");
    assert_message("part nulle déclarée pour Asso B");
    /* Denominators whose common multiple would not fit are refused, not wrapped. */
    applicants[0].share = (elg_rate){1, 999999999989LL};
    applicants[1].share = (elg_rate){999999999988LL, 999999999989LL};
    assert_string_equal(status("split_grant { by = 'shares' }"), "pass");
    applicants[1].share = (elg_rate){999999999966LL, 999999999967LL};
    assert_string_equal(status("split_grant { by = 'shares' }"), "fail");
    assert_message("dénominateurs trop grands");
}

static int notices_of(const char *src, char *first, size_t size) {
    elg_decision *d = eval(src);
    const elg_rule_result *x = first_rule(d);
    int count = (int)x->notices_count;
    if (first && count)
        snprintf(first, size, "%s", x->notices[0]);
    elg_decision_free(d);
    return count;
}

static void test_convention_threshold(void **state) {
    (void)state;
    reset();
    char notice[512] = "";
    /* Exactly 23 000 €: no convention required; 23 000,01 €: required. */
    applies[0].requested = 2300000;
    assert_string_equal(status("convention {}"), "pass");
    assert_int_equal(notices_of("convention {}", NULL, 0), 0);
    applies[0].requested = 2300001;
    assert_string_equal(status("convention {}"), "pass");
    assert_int_equal(notices_of("convention {}", notice, sizeof notice), 1);
    assert_string_equal(notice, "Convention obligatoire avec Asso A : subvention de 23 000,01 € > "
                                "23 000,00 € (loi 2000-321, art. 10)");
    /* Two associations at parity on 60 000 €: 30 000 € each, two conventions. */
    two_associations();
    applies[0].requested = 6000000;
    assert_int_equal(notices_of("convention {}", NULL, 0), 2);
    /* 46 000 € at parity: 23 000 € each, none required. */
    applies[0].requested = 4600000;
    assert_int_equal(notices_of("convention {}", NULL, 0), 0);
    /* By declared shares: 70 % of 46 000 = 32 200 € to A only. */
    applicants[0].has_share = applicants[1].has_share = true;
    applicants[0].share = (elg_rate){70, 100};
    applicants[1].share = (elg_rate){30, 100};
    assert_int_equal(notices_of("convention {}", notice, sizeof notice), 1);
    assert_non_null(strstr(notice, "Asso A : subvention de 32 200,00 €"));
    /* No association among the applicants. */
    project.applicants_count = 1;
    applicants[0].status = "commune";
    assert_string_equal(status("convention {}"), "not-applicable");
}

/* ---- applicants, territory, window ------------------------------------------------ */

static void test_applicants(void **state) {
    (void)state;
    reset();
    assert_string_equal(status("applicants { statuses = { 'association', 'scop' } }"), "pass");
    applicants[0].status = "company";
    assert_string_equal(status("applicants { statuses = { 'association', 'scop' } }"), "fail");
    assert_message("Porteur 1, Asso A (company) : statut non éligible (admis : association, scop)");
    /* An ESUS approval admits the company. */
    applicants[0].approvals = esus;
    applicants[0].approvals_count = 1;
    assert_string_equal(
        status("applicants { statuses = { 'association', 'scop' }, approval = 'esus' }"), "pass");
    /* Required in addition to the status. */
    applicants[0].status = "scop";
    assert_string_equal(status("applicants { statuses = { 'scop' }, approval = 'esus', "
                               "require_approval = true }"),
                        "pass");
    applicants[0].approvals_count = 0;
    assert_string_equal(status("applicants { statuses = { 'scop' }, approval = 'esus', "
                               "require_approval = true }"),
                        "fail");
    assert_message("sans l'agrément « esus »");
    /* Every co-applicant is checked. */
    reset();
    two_associations();
    applicants[1].status = "commune";
    assert_string_equal(status("applicants { statuses = { 'association' } }"), "fail");
    assert_message("Porteur 2, Asso B (commune)");
}

static void test_territory(void **state) {
    (void)state;
    reset();
    const char *src =
        "territory { communes = { 'Emmerin', 'Faches-Thumesnil', 'Mons-en-Barœul' } }";
    territory[0] = "Faches-Thumesnil";
    assert_string_equal(status(src), "pass");
    /* Case, accents, ligature and separators are not differences. */
    territory[0] = "MONS EN BAROEUL";
    assert_string_equal(status(src), "pass");
    territory[1] = "Lille";
    project.territory_count = 2;
    assert_string_equal(status(src), "fail");
    assert_message("Hors du territoire de l'appel (3 communes) : Lille");
    /* Nothing to check: the rule needs the territory, it does not fail. */
    project.territory_count = 0;
    assert_string_equal(status(src), "missing");
    assert_message("À compléter : territory");
    /* The applicant's commune. */
    const char *app = "territory { communes = { 'Emmerin' }, project = false, applicant = true }";
    applicants[0].commune = "Emmerin";
    assert_string_equal(status(app), "pass");
    applicants[0].commune = "Lille";
    assert_string_equal(status(app), "fail");
    assert_message("Lille (Asso A)");
    applicants[0].commune = NULL;
    assert_string_equal(status(app), "missing");
    assert_message("À compléter : applicants[0].commune (ou applicants[0].insee)");
    /* The INSEE code stands for the commune. */
    applicants[0].insee = "59195";
    assert_string_equal(status(app), "fail");
    applicants[0].insee = NULL;
}

static void test_window(void **state) {
    (void)state;
    reset();
    assert_string_equal(status("window {}"), "not-applicable");
    call.opens = "2013-01-01";
    call.closes = "2013-06-30";
    assert_string_equal(status("window {}"), "missing");
    assert_message("Date de dépôt non renseignée");
    project.submitted = "2013-06-30";
    assert_string_equal(status("window {}"), "pass");
    project.submitted = "2013-07-01";
    assert_string_equal(status("window {}"), "fail");
    assert_message("Déposé le 2013-07-01, hors de la période de dépôt du 2013-01-01 au 2013-06-30");
    project.submitted = "2013-01-01";
    assert_string_equal(status("window {}"), "pass");
    project.submitted = "2012-12-31";
    assert_string_equal(status("window {}"), "fail");
    /* The eligible period, bounds inclusive. */
    call.opens = call.closes = NULL;
    const char *src = "window { period_start = '2018-01-01', period_end = '2018-12-31' }";
    assert_string_equal(status(src), "pass");
    project.end = "2019-01-01";
    assert_string_equal(status(src), "fail");
    assert_message("Projet du 2018-01-01 au 2019-01-01, hors de la période éligible du 2018-01-01 "
                   "au 2018-12-31");
    project.start = "2017-12-31";
    project.end = "2018-12-31";
    assert_string_equal(status(src), "fail");
}

/* ---- de minimis --------------------------------------------------------------------- */

static void scop_with_aid(void) {
    applicants[0] = (elg_applicant){.name = "Scop X", .status = "scop", .commune = "Lille"};
    project.submitted = "2023-06-15";
    aids[0] = (elg_declared_aid){"2021-01-01", 10000000, "Région"};
    aids[1] = (elg_declared_aid){"2022-12-31", 5000000, NULL};
    aids[2] = (elg_declared_aid){"2020-12-31", 9900000, "too old for the fiscal period"};
    aids[3] = (elg_declared_aid){"2023-06-16", 9900000, "after the decision date"};
    project.de_minimis_count = 4;
}

static void test_de_minimis_fiscal(void **state) {
    (void)state;
    reset();
    scop_with_aid();
    const char *src =
        "de_minimis { ceiling = eur(200000), regulation = 'règlement (UE) 1407/2013' }";
    /* 150 000 declared in 2021-2023 + 50 000 = 200 000: exactly at the ceiling. */
    applies[0].requested = 5000000;
    assert_string_equal(status(src), "pass");
    assert_message("Scop X : aides déclarées 150 000,00 € (2, exercices 2021 à 2023) + subvention "
                   "50 000,00 € = 200 000,00 € ≤ plafond 200 000,00 €");
    char rule[64];
    assert_int_equal(max_grantable(src, rule, sizeof rule), 5000000);
    assert_string_equal(rule, "de-minimis");
    applies[0].requested = 5000001;
    assert_string_equal(status(src), "fail");
    assert_message("dépassement 0,01 €");
    /* An association is not an undertaking by default. */
    applicants[0].status = "association";
    assert_string_equal(status(src), "not-applicable");
    /* Nothing declared: the grant alone. */
    applicants[0].status = "scop";
    project.de_minimis_count = 0;
    applies[0].requested = 20000000;
    assert_string_equal(status(src), "pass");
}

static void test_de_minimis_rolling(void **state) {
    (void)state;
    reset();
    scop_with_aid();
    /* Three years up to 2023-06-15: aid of 2020-06-15 is out, 2020-06-16 in. */
    aids[0] = (elg_declared_aid){"2020-06-15", 10000000, NULL};
    aids[1] = (elg_declared_aid){"2020-06-16", 5000000, NULL};
    project.de_minimis_count = 2;
    applies[0].requested = 25000000;
    const char *src = "de_minimis { ceiling = eur(300000), period = 'rolling' }";
    assert_string_equal(status(src), "pass");
    assert_message("aides déclarées 50 000,00 € (1, du 2020-06-15 (exclu) au 2023-06-15)");
    applies[0].requested = 25000001;
    assert_string_equal(status(src), "fail");
}

/* The ceiling comes from the edition in force: the same project is refused
 * under the 2023 edition (200 000 €) and accepted under the 2024 one
 * (300 000 €, Reg. (EU) 2023/2831). */
static void test_de_minimis_editions(void **state) {
    (void)state;
    reset();
    scop_with_aid();
    project.de_minimis_count = 2; /* 150 000 € */
    applies[0].requested = 10000000;
    elg_param base[] = {{.name = "de_minimis_ceiling", .type = ELG_PARAM_MONEY, .money = 20000000}};
    elg_param p2024[] = {
        {.name = "de_minimis_ceiling", .type = ELG_PARAM_MONEY, .money = 30000000}};
    elg_edition editions[] = {{"2024", "2024-01-01", p2024, 1}};
    call.params = base;
    call.params_count = 1;
    call.editions = editions;
    call.editions_count = 1;
    const char *src = "de_minimis { ceiling = param 'de_minimis_ceiling' }";
    assert_null(elg_eval_edition(&call, &project));
    assert_string_equal(status(src), "fail");
    assert_message("250 000,00 € > plafond 200 000,00 €");
    project.submitted = "2024-02-01";
    aids[0].date = "2022-01-01";
    assert_ptr_equal(elg_eval_edition(&call, &project), &editions[0]);
    assert_string_equal(status(src), "pass");
    assert_message("250 000,00 € ≤ plafond 300 000,00 €");
}

/* ---- actions and declared totals ------------------------------------------------------- */

static void two_actions(void) {
    expenses[0] = (elg_expense){ELG_CAT_STAFF, "Réalisation ville", 1080000, "1"};
    expenses[1] = (elg_expense){ELG_CAT_SERVICES, "Opérateur externe", 420000, "1"};
    expenses[2] = (elg_expense){ELG_CAT_STAFF, "Réalisation ville", 500000, "2"};
    resources[0] = (elg_resource){"MEL", NULL, 1000000, ELG_RES_GRANTED, 0, "1", NULL, NULL};
    resources[1] = (elg_resource){"SELF", NULL, 500000, ELG_RES_GRANTED, 0, "1", NULL, NULL};
    resources[2] = (elg_resource){"MEL", NULL, 500000, ELG_RES_GRANTED, 0, "2", NULL, NULL};
    project.expenses_count = 3;
    project.resources_count = 3;
}

static void test_action_balance(void **state) {
    (void)state;
    reset();
    assert_string_equal(status("action_balance {}"), "not-applicable");
    two_actions();
    assert_string_equal(status("action_balance {}"), "pass");
    assert_message("2 actions équilibrées");
    resources[2].amount = 499999;
    assert_string_equal(status("action_balance {}"), "fail");
    assert_string_equal(
        last_message,
        "action 2 : financements 4 999,99 € ≠ réalisations 5 000,00 € (écart -0,01 €)");
}

static void test_declared_totals(void **state) {
    (void)state;
    reset();
    two_actions();
    const char *ok =
        "declared_totals { resources = { { 'MEL', eur(15000) }, { 'SELF', eur(5000) } },\n"
        "  expenses = { { 'staff', eur(15800), 'dont ville' }, { 'services', eur(4200) } },\n"
        "  total = eur(20000) }";
    assert_string_equal(status(ok), "pass");
    assert_message("Les 8 totaux déclarés sont la somme des lignes");
    /* Every difference, with its exact amounts. */
    const char *bad =
        "declared_totals { resources = { { 'MEL', eur(16000), 'Lille Métropole' }, { 'SELF', "
        "eur(5000) } },\n"
        "  expenses = { { 'staff', eur(15800), 'dont ville' }, { 'services', 420001 } },\n"
        "  total = eur(21000) }";
    assert_string_equal(status(bad), "fail");
    assert_string_equal(
        last_message,
        "5 écart(s) : Lille Métropole : déclaré 16 000,00 €, somme des lignes 15 000,00 € (écart "
        "1 000,00 €) ; Prestations de services : déclaré 4 200,01 €, somme des lignes 4 200,00 € "
        "(écart 0,01 €) ; Total (dépenses) : déclaré 21 000,00 €, somme des lignes 20 000,00 € "
        "(écart 1 000,00 €) ; Total (ressources) : déclaré 21 000,00 €, somme des lignes "
        "20 000,00 € (écart 1 000,00 €) ; Total déclaré des dépenses : 15 800,00 € + 4 200,01 € = "
        "20 000,01 € ≠ total déclaré 21 000,00 € (écart 999,99 €)");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ceiling_reports_max_grantable),
        cmocka_unit_test(test_earmark_several_financers),
        cmocka_unit_test(test_rate_ceiling_edges),
        cmocka_unit_test(test_rate_ceiling_public),
        cmocka_unit_test(test_self_financing_edges),
        cmocka_unit_test(test_envelope_edges),
        cmocka_unit_test(test_split_parity),
        cmocka_unit_test(test_split_shares),
        cmocka_unit_test(test_convention_threshold),
        cmocka_unit_test(test_applicants),
        cmocka_unit_test(test_territory),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_de_minimis_fiscal),
        cmocka_unit_test(test_de_minimis_rolling),
        cmocka_unit_test(test_de_minimis_editions),
        cmocka_unit_test(test_action_balance),
        cmocka_unit_test(test_declared_totals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
