/*
 * Tests of the presentation's French words: categories, figure keys, field
 * paths put into words (never the path itself), and the time in Paris on
 * both sides of the summer-time changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "labels.h"

static void test_words(void **state) {
    (void)state;
    assert_string_equal(elg_labels_category("equipment"), "Matériel");
    assert_string_equal(elg_labels_category("new-kind"), "new-kind");
    assert_string_equal(elg_labels_category_expenses("equipment"), "Dépenses de matériel");
    assert_string_equal(elg_labels_category_expenses("new-kind"), "Dépenses");
    assert_string_equal(elg_labels_nature("eu"), "Union européenne");
    assert_string_equal(elg_labels_figure("max"), "plafond");
    assert_null(elg_labels_figure("no-such-key"));
    assert_true(elg_labels_figure_is_count("differences"));
    assert_false(elg_labels_figure_is_count("amount"));
    assert_string_equal(elg_labels_param("max_equipment"), "Plafond des dépenses de matériel");
    assert_string_equal(elg_labels_status(ELG_RULE_NA), "sans objet");
    assert_string_equal(elg_labels_outcome(ELG_OUTCOME_INELIGIBLE), "NON ÉLIGIBLE");
}

static void test_fields(void **state) {
    (void)state;
    char buf[256];
    elg_applicant a = {.name = (char *)"Centre social de l'Arbrisseau"};
    elg_expense e = {.label = (char *)"Matériel informatique", .amount = 9500000};
    elg_project p = {.applicants = &a, .applicants_count = 1, .expenses = &e, .expenses_count = 1};
    assert_string_equal(elg_labels_field("applicants[0].siret", &p, buf, sizeof buf),
                        "Numéro SIRET du porteur « Centre social de l'Arbrisseau »");
    assert_string_equal(elg_labels_field("applicants[0].siret", NULL, buf, sizeof buf),
                        "Numéro SIRET du porteur n° 1");
    assert_string_equal(elg_labels_field("applicants[3].share.num", &p, buf, sizeof buf),
                        "Part déclarée de la subvention du porteur n° 4");
    assert_string_equal(elg_labels_field("expenses[0].amount", &p, buf, sizeof buf),
                        "Montant de la ligne de dépense « Matériel informatique »");
    assert_string_equal(elg_labels_field("expenses[0]", &p, buf, sizeof buf),
                        "Ligne de dépense « Matériel informatique »");
    assert_string_equal(elg_labels_field("period.start", &p, buf, sizeof buf),
                        "Date de début du projet");
    assert_string_equal(elg_labels_field("call.requested", &p, buf, sizeof buf),
                        "Montant demandé au titre de l'appel");
    assert_string_equal(elg_labels_field("params.max_equipment", &p, buf, sizeof buf),
                        "Plafond des dépenses de matériel");
    assert_string_equal(elg_labels_field("territory[2]", &p, buf, sizeof buf),
                        "Communes du territoire du projet (n° 3)");
    /* Never the path itself. */
    assert_string_equal(elg_labels_field("secret.field", &p, buf, sizeof buf),
                        "Autre donnée du dossier");
    assert_string_equal(elg_labels_field("[x", &p, buf, sizeof buf), "Autre donnée du dossier");
    assert_string_equal(elg_labels_field(NULL, &p, buf, sizeof buf), "Autre donnée du dossier");
    /* Cut on a character boundary: "Numéro" in 4 bytes and a NUL is "Num",
     * not half an é; in 5, "Numé". */
    char small[6];
    elg_labels_field("applicants[0].siret", &p, small, 5);
    assert_string_equal(small, "Num");
    elg_labels_field("applicants[0].siret", &p, small, 6);
    assert_string_equal(small, "Numé");
}

static void test_paths(void **state) {
    (void)state;
    char head[16];
    long i;
    const char *rest;
    assert_true(elg_labels_split_path("expenses[12].amount", head, sizeof head, &i, &rest));
    assert_string_equal(head, "expenses");
    assert_int_equal(i, 12);
    assert_string_equal(rest, "amount");
    assert_true(elg_labels_split_path("period.end", head, sizeof head, &i, &rest));
    assert_int_equal(i, -1);
    assert_string_equal(rest, "end");
    assert_false(elg_labels_split_path("expenses[-1].amount", head, sizeof head, &i, &rest));
    assert_false(elg_labels_split_path(".x", head, sizeof head, &i, &rest));
}

static void test_paris_time(void **state) {
    (void)state;
    char buf[96];
    /* Winter: UTC+1; the new year comes an hour early in Paris. */
    assert_string_equal(elg_labels_time_paris("2025-12-31T23:30:00.000Z", false, buf, sizeof buf),
                        "01/01/2026 à 00:30:00");
    /* Summer time starts on the last Sunday of March at 01:00 UTC (29 March 2026). */
    assert_string_equal(elg_labels_time_paris("2026-03-29T00:59:59Z", false, buf, sizeof buf),
                        "29/03/2026 à 01:59:59");
    assert_string_equal(elg_labels_time_paris("2026-03-29T01:00:00Z", false, buf, sizeof buf),
                        "29/03/2026 à 03:00:00");
    /* ...and ends on the last Sunday of October at 01:00 UTC (25 October 2026). */
    assert_string_equal(elg_labels_time_paris("2026-10-25T00:59:59Z", false, buf, sizeof buf),
                        "25/10/2026 à 02:59:59");
    assert_string_equal(elg_labels_time_paris("2026-10-25T01:00:00Z", true, buf, sizeof buf),
                        "25/10/2026 à 02:00:00 (01:00:00 UTC)");
    /* A leap day. */
    assert_string_equal(elg_labels_time_paris("2024-02-29T23:00:00Z", false, buf, sizeof buf),
                        "01/03/2024 à 00:00:00");
    /* Anything else as it is. */
    assert_string_equal(elg_labels_time_paris("hier", false, buf, sizeof buf), "hier");
    assert_string_equal(elg_labels_time_paris("2026-13-01T00:00:00Z", false, buf, sizeof buf),
                        "2026-13-01T00:00:00Z");
    assert_string_equal(elg_labels_time_paris(NULL, false, buf, sizeof buf), "");
    assert_string_equal(elg_labels_date("2018-03-01", buf, sizeof buf), "01/03/2018");
    assert_string_equal(elg_labels_date("mars", buf, sizeof buf), "mars");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_paris_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
