/*
 * Tests of lint's static pass on canned luac5.4 listings (so that they run
 * without luac; tests/cli/test_lint.sh runs the real one), of its
 * suggestions, and of the findings' order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lint.h"

/* `luac5.4 -p -l -l` of:
 *   1 local x = 1
 *   2 ceiling { max = param "plafond" }
 *   3 rule { check = function(p)
 *   4   helper = 1
 *   5   return celing(p) + x + param_or("opt", 2)
 *   6 end }
 * then, as the compiler writes a function past 255 constants, a read of
 * `tardif` (line 9) and a write of `fmt` (line 10) through GETUPVAL _ENV. */
static const char listing[] = "\n"
                              "main <l.lua:0,0> (17 instructions at 0x561c31074cc0)\n"
                              "0+ params, 5 slots, 1 upvalue, 1 local, 6 constants, 1 function\n"
                              "\t1\t[1]\tVARARGPREP\t0\n"
                              "\t2\t[1]\tLOADI    \t0 1\n"
                              "\t3\t[2]\tGETTABUP \t1 0 0\t; _ENV \"ceiling\"\n"
                              "\t4\t[2]\tNEWTABLE \t2 1 0\t; 0\n"
                              "\t5\t[2]\tEXTRAARG \t0\n"
                              "\t6\t[2]\tGETTABUP \t3 0 2\t; _ENV \"param\"\n"
                              "\t7\t[2]\tLOADK    \t4 3\t; \"plafond\"\n"
                              "\t8\t[2]\tCALL     \t3 2 2\t; 1 in 1 out\n"
                              "\t9\t[2]\tSETFIELD \t2 1 3\t; \"max\"\n"
                              "\t10\t[2]\tCALL     \t1 2 1\t; 1 in 0 out\n"
                              "\t11\t[3]\tGETTABUP \t1 0 4\t; _ENV \"rule\"\n"
                              "\t12\t[9]\tGETUPVAL \t0 0\t; _ENV\n"
                              "\t13\t[9]\tLOADK    \t1 603\t; \"tardif\"\n"
                              "\t14\t[9]\tGETTABLE \t0 0 1\n"
                              "\t15\t[10]\tGETUPVAL \t0 0\t; _ENV\n"
                              "\t16\t[10]\tLOADK    \t1 604\t; \"fmt\"\n"
                              "\t17\t[10]\tLOADI    \t2 2\n"
                              "\t18\t[10]\tSETTABLE \t0 1 2\n"
                              "constants (6) for 0x561c31074cc0:\n"
                              "\t0\tS\t\"ceiling\"\n"
                              "locals (1) for 0x561c31074cc0:\n"
                              "\t0\tx\t3\t18\n"
                              "upvalues (1) for 0x561c31074cc0:\n"
                              "\t0\t_ENV\t1\t0\n"
                              "\n"
                              "function <l.lua:3,6> (15 instructions at 0x561c310754b0)\n"
                              "1 param, 5 slots, 2 upvalues, 1 local, 5 constants, 0 functions\n"
                              "\t1\t[4]\tSETTABUP \t0 0 1k\t; _ENV \"helper\" 1\n"
                              "\t2\t[5]\tGETTABUP \t1 0 2\t; _ENV \"celing\"\n"
                              "\t3\t[5]\tMOVE     \t2 0\n"
                              "\t4\t[5]\tCALL     \t1 2 2\t; 1 in 1 out\n"
                              "\t5\t[5]\tGETUPVAL \t2 1\t; x\n"
                              "\t6\t[5]\tADD      \t1 1 2\n"
                              "\t7\t[5]\tMMBIN    \t1 2 6\t; __add\n"
                              "\t8\t[5]\tGETTABUP \t2 0 3\t; _ENV \"param_or\"\n"
                              "\t9\t[5]\tLOADK    \t3 4\t; \"opt\"\n"
                              "\t10\t[5]\tLOADI    \t4 2\n"
                              "\t11\t[5]\tCALL     \t2 3 2\t; 2 in 1 out\n"
                              "\t12\t[5]\tADD      \t1 1 2\n"
                              "\t13\t[5]\tMMBIN    \t1 2 6\t; __add\n"
                              "\t14\t[5]\tRETURN1  \t1\n"
                              "\t15\t[6]\tRETURN0  \t\n";

static json_t *allowed(void) {
    return json_pack("[ssssss]", "ceiling", "param", "param_or", "rule", "fmt", "total_expenses");
}

static void test_listing_globals(void **state) {
    (void)state;
    json_t *names = allowed(), *findings = json_array(), *params = NULL;
    elg_error err = {0};
    assert_int_equal(elg_lint_listing("rules/calls/l.lua", listing, names, findings, &params, &err),
                     0);
    /* celing read at 5 (helper is set in the file, x is a local), tardif read at 9
     * through GETTABLE, fmt masked at 10 through SETTABLE. */
    assert_int_equal(json_array_size(findings), 3);
    elg_lint_sort(findings); /* found in listing order: main chunk first */
    json_t *f = json_array_get(findings, 0);
    assert_string_equal(json_string_value(json_object_get(f, "check")), "global-inconnue");
    assert_int_equal(json_integer_value(json_object_get(f, "line")), 5);
    assert_non_null(strstr(json_string_value(json_object_get(f, "message")),
                           "« celing » n'est ni une fonction"));
    assert_non_null(strstr(json_string_value(json_object_get(f, "message")),
                           "vouliez-vous dire « ceiling » ?"));
    f = json_array_get(findings, 1);
    assert_int_equal(json_integer_value(json_object_get(f, "line")), 9);
    assert_non_null(strstr(json_string_value(json_object_get(f, "message")), "« tardif »"));
    f = json_array_get(findings, 2);
    assert_string_equal(json_string_value(json_object_get(f, "check")), "global-masquee");
    assert_int_equal(json_integer_value(json_object_get(f, "line")), 10);
    /* Literal parameter names, wherever they are asked for. */
    assert_int_equal(json_array_size(params), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(params, 0), "name")),
                        "plafond");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(params, 0), "line")), 2);
    assert_true(json_is_false(json_object_get(json_array_get(params, 0), "optional")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(params, 1), "name")),
                        "opt");
    assert_true(json_is_true(json_object_get(json_array_get(params, 1), "optional")));
    json_decref(params);
    json_decref(findings);
    json_decref(names);
}

static void test_suggest(void **state) {
    (void)state;
    json_t *names = allowed();
    assert_string_equal(elg_lint_suggest("celing", names), "ceiling");
    assert_string_equal(elg_lint_suggest("total_expense", names), "total_expenses");
    assert_string_equal(elg_lint_suggest("parma", names), "param"); /* a transposition */
    assert_null(elg_lint_suggest("xyz", names));                    /* nothing close */
    assert_null(elg_lint_suggest("fm", names));                     /* too short to guess */
    assert_null(elg_lint_suggest("ceiling", names));                /* itself is no suggestion */
    json_decref(names);
}

static void test_sort(void **state) {
    (void)state;
    json_t *f = json_array();
    elg_lint_add(f, "rules/calls/b.lua", 3, "x", "b3");
    elg_lint_add(f, "rules/calls/a.lua", 12, "x", "a12");
    elg_lint_add(f, "rules/calls/a.lua", 2, "x", "a2-first");
    elg_lint_add(f, "rules/calls/a.lua", 2, "x", "a2-second");
    elg_lint_sort(f);
    const char *want[] = {"a2-first", "a2-second", "a12", "b3"};
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(json_string_value(json_object_get(json_array_get(f, i), "message")),
                            want[i]);
    assert_null(json_object_get(json_array_get(f, 0), "order")); /* no sorting residue */
    json_decref(f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listing_globals),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_sort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
