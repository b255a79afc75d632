/*
 * Tests of engine/ytree: finding, setting (replace, add a key, append an
 * item), removing by field path, the explanations of bad paths, and the
 * text written back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ytree.h"

static const char base[] = "kind: project\n"
                           "expenses:\n"
                           "  - { category: staff, amount: \"80 820,00 €\" }\n"
                           "  - { category: equipment, amount: 500 }\n"
                           "period: { start: 2018-01-01, end: 2018-12-31 }\n";

static void load(yaml_document_t *d, const char *text) {
    yaml_parser_t p;
    assert_true(yaml_parser_initialize(&p));
    yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
    assert_true(yaml_parser_load(&p, d));
    yaml_parser_delete(&p);
}

static void test_find(void **state) {
    (void)state;
    yaml_document_t d;
    load(&d, base);
    int n = elg_ytree_find(&d, 1, "expenses[1].amount");
    assert_string_equal(elg_ytree_scalar(&d, n), "500");
    assert_int_equal(elg_ytree_line(&d, n), 4);
    assert_int_equal(elg_ytree_find(&d, 1, ""), 1);
    assert_int_equal(elg_ytree_find(&d, 1, "expenses[2]"), 0);
    assert_int_equal(elg_ytree_find(&d, 1, "absent.x"), 0);
    assert_int_equal(elg_ytree_len(&d, elg_ytree_get(&d, 1, "expenses")), 2);
    yaml_document_delete(&d);
}

static void test_set_remove_emit(void **state) {
    (void)state;
    yaml_document_t d, v;
    char why[256];
    load(&d, base);
    load(&v, "- \"95 000 €\"\n- { category: travel, amount: 10 }\n- 2019-06-30\n");
    int amount = elg_ytree_find(&v, 1, "[0]"), line = elg_ytree_find(&v, 1, "[1]");
    int date = elg_ytree_find(&v, 1, "[2]");
    assert_int_equal(elg_ytree_set(&d, 1, "expenses[0].amount", &v, amount, why, sizeof why), 0);
    assert_int_equal(elg_ytree_set(&d, 1, "expenses[2]", &v, line, why, sizeof why), 0);
    assert_int_equal(elg_ytree_set(&d, 1, "submitted", &v, date, why, sizeof why), 0);
    assert_int_equal(elg_ytree_remove(&d, 1, "period.end", why, sizeof why), 0);
    assert_int_equal(elg_ytree_remove(&d, 1, "expenses[1]", why, sizeof why), 0);
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(elg_ytree_emit(&d, &text, &len), 0); /* consumes d */
    assert_string_equal(text, "kind: project\n"
                              "expenses:\n"
                              "- {category: staff, amount: \"95 000 €\"}\n"
                              "- {category: travel, amount: 10}\n"
                              "period: {start: 2018-01-01}\n"
                              "submitted: 2019-06-30\n");
    free(text);
    yaml_document_delete(&v);
}

static void test_bad_paths(void **state) {
    (void)state;
    yaml_document_t d;
    char why[256];
    load(&d, base);
    assert_int_equal(elg_ytree_set(&d, 1, "expenses[9].amount", &d, 2, why, sizeof why), -1);
    assert_string_equal(why, "« expenses[9].amount » : la liste n'a que 2 élément(s) (indices 0 "
                             "à 1 ; [2] en ajoute un)");
    assert_int_equal(elg_ytree_set(&d, 1, "expenses..amount", &d, 2, why, sizeof why), -1);
    assert_non_null(strstr(why, "mal formé"));
    assert_int_equal(elg_ytree_set(&d, 1, "kind[0]", &d, 2, why, sizeof why), -1);
    assert_non_null(strstr(why, "s'applique à une liste"));
    assert_int_equal(elg_ytree_remove(&d, 1, "period.middle", why, sizeof why), -1);
    assert_string_equal(why, "« period.middle » : ce champ n'existe pas");
    assert_int_equal(elg_ytree_set(&d, 1, "absent.x", &d, 2, why, sizeof why), -1);
    assert_string_equal(why, "« absent.x » : le champ absent n'existe pas");
    yaml_document_delete(&d);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_set_remove_emit),
        cmocka_unit_test(test_bad_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
