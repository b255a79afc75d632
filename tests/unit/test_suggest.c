/*
 * Tests of the "did you mean" suggestions: the distance (a transposition is one edit), the
 * closeness threshold (two edits at most, fewer than half the name), the first of equally
 * close candidates, and no suggestion for a name that is a candidate itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "suggest.h"

static const char *const statuses[] = {"association", "fondation", "scop", "scic",
                                       "commune",     NULL,        "sarl"};
#define N (sizeof statuses / sizeof statuses[0])

static void test_distance(void **state) {
    (void)state;
    assert_int_equal(elg_suggest_distance("asociation", "association"), 1);
    assert_int_equal(elg_suggest_distance("assoication", "association"), 1); /* transposition */
    assert_int_equal(elg_suggest_distance("", "scop"), 4);
    assert_int_equal(elg_suggest_distance("staff", "staff"), 0);
    assert_int_equal(elg_suggest_distance("equipement", "equipment"), 1);
    char long_name[70];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    assert_int_equal(elg_suggest_distance(long_name, "a"), 99);
}

static void test_suggest(void **state) {
    (void)state;
    assert_string_equal(elg_suggest("asociation", statuses, N), "association");
    assert_string_equal(elg_suggest("Commune", statuses, N), "commune");
    assert_string_equal(elg_suggest("sarl.", statuses, N), "sarl"); /* past the NULL entry */
    /* scop and scic are both one edit from "scoc": the first wins. */
    assert_string_equal(elg_suggest("scoc", statuses, N), "scop");
    assert_null(elg_suggest("scxx", statuses, N)); /* 2 edits of 4 characters: not < half */
    assert_string_equal(elg_suggest("scopp", statuses, N), "scop");
    assert_null(elg_suggest("collectif", statuses, N));
    assert_null(elg_suggest("association", statuses, N)); /* known: nothing to suggest */
    assert_null(elg_suggest("x", statuses, N));
    assert_null(elg_suggest("asso", statuses, N)); /* 7 edits */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distance),
        cmocka_unit_test(test_suggest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
