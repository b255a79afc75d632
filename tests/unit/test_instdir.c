/*
 * Tests of engine/instdir: paths beside a binary with their leading "../"
 * resolved (down to the root), the rule library found from a binary's
 * place in an installation layout and reported with the path tried when it
 * is not there, and the running program's own file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "instdir.h"

static void expect_beside(const char *file, const char *rel, const char *want) {
    char *got = elg_instdir_beside(file, rel);
    assert_non_null(got);
    assert_string_equal(want, got);
    free(got);
}

static void beside_resolves_parents(void **state) {
    (void)state;
    expect_beside("/usr/bin/eligo", "../share/eligo/rules", "/usr/share/eligo/rules");
    expect_beside("/usr/lib/x86_64-linux-gnu/libeligo.so.0", "../../share/eligo/rules",
                  "/usr/share/eligo/rules");
    expect_beside("/opt/e/build/eligo", "rules", "/opt/e/build/rules");
    expect_beside("/eligo", "../share/x", "/share/x");
    expect_beside("/a/eligo", "../../../x", "/x");
    expect_beside("eligo", "rules", "rules");
}

static char root[] = "/tmp/eligo-test-instdir-XXXXXX";

static void mk(const char *rel) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    assert_int_equal(0, mkdir(path, 0700));
}

static void rules_found_in_the_layout(void **state) {
    (void)state;
    assert_non_null(mkdtemp(root));
    mk("bin");
    mk("share");
    mk("share/eligo");
    mk("share/eligo/rules");
    char bin[512], tried[1024], init[700];
    snprintf(bin, sizeof bin, "%s/bin/eligo", root);

    /* No library yet: NULL, and the path tried said. */
    assert_null(elg_instdir_rules(bin, 1, tried, sizeof tried));
    char want[600];
    snprintf(want, sizeof want, "%s/share/eligo/rules", root);
    assert_string_equal(want, tried);
    assert_false(elg_instdir_has_rules(want));

    mk("share/eligo/rules/lib");
    snprintf(init, sizeof init, "%s/lib/init.lua", want);
    FILE *f = fopen(init, "w");
    assert_non_null(f);
    fputs("return {}\n", f);
    fclose(f);
    assert_true(elg_instdir_has_rules(want));
    char *dir = elg_instdir_rules(bin, 1, tried, sizeof tried);
    assert_non_null(dir);
    char *real = realpath(want, NULL);
    assert_string_equal(real, dir);
    assert_string_equal("", tried);
    free(real);
    free(dir);
    /* A directory named init.lua is no library. */
    unlink(init);
    assert_int_equal(0, mkdir(init, 0700));
    assert_false(elg_instdir_has_rules(want));
    assert_null(elg_instdir_rules(NULL, 1, tried, sizeof tried));
    rmdir(init);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(0, system(cmd));
}

static void program_is_this_test(void **state) {
    (void)state;
    char *exe = elg_instdir_program();
    assert_non_null(exe);
    assert_non_null(strstr(exe, "test_instdir"));
    /* Linked statically into a program, the "library" is the program. */
    char *lib = elg_instdir_library();
    assert_non_null(lib);
    assert_string_equal(exe, lib);
    free(lib);
    free(exe);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(beside_resolves_parents),
        cmocka_unit_test(rules_found_in_the_layout),
        cmocka_unit_test(program_is_this_test),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
