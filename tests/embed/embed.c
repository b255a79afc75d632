/*
 * embed: a program embedding eligo as a third party would, through the
 * installed header <eligo/eligo.h> and `pkg-config --cflags --libs eligo`
 * only (tests/cli/test_install.sh builds it against a temporary
 * installation). It opens a store, imports documents, evaluates a project
 * and prints the outcome and the first decision's JSON line.
 *
 * usage: embed DB RULES_DIR|- PROJECT DOCUMENT_DIR...   ("-": the installed library)
 */
#include <eligo/eligo.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: embed DB RULES|- PROJECT DIR...\n");
        return 2;
    }
    eligo *e = NULL;
    const char *rules = strcmp(argv[2], "-") == 0 ? NULL : argv[2];
    int rc = eligo_open(argv[1], rules, &e);
    if (rc) {
        fprintf(stderr, "open: %d: %s\n", rc, eligo_errmsg(e));
        eligo_close(e);
        return rc;
    }
    size_t stored = 0;
    rc = eligo_import(e, (const char *const *)argv + 4, (size_t)(argc - 4), &stored);
    if (rc) {
        fprintf(stderr, "import: %d: %s\n", rc, eligo_errmsg(e));
        eligo_close(e);
        return rc;
    }
    eligo_outcome outcome;
    char *json = NULL;
    rc = eligo_check(e, argv[3], NULL, &outcome, &json);
    if (rc) {
        fprintf(stderr, "check: %d: %s\n", rc, eligo_errmsg(e));
        eligo_close(e);
        return rc;
    }
    size_t lines = 0;
    for (const char *p = json; *p; p++)
        lines += *p == '\n';
    printf("version %s\nstored %zu\noutcome %s\ndecisions %zu\n", eligo_version(), stored,
           outcome == ELIGO_ELIGIBLE     ? "eligible"
           : outcome == ELIGO_INELIGIBLE ? "ineligible"
                                         : "error",
           lines);
    fwrite(json, 1, strcspn(json, "\n") + 1, stdout);
    eligo_free(json);
    /* An unknown project: an error code and a message, not a crash. */
    rc = eligo_check(e, "no-such-project", NULL, &outcome, NULL);
    printf("unknown project: %d %s\n", rc, eligo_errmsg(e));
    eligo_close(e);
    /* A rules directory without a library: error 4, the directory named. */
    rc = eligo_open(argv[1], "/nonexistent", &e);
    printf("no rules: %d %s\n", rc, eligo_errmsg(e));
    eligo_close(e);
    return 0;
}
