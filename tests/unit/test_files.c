/*
 * Tests of engine/files: listings in name order, filtered by suffix,
 * hidden entries skipped, a file given as itself, and walks that hand over
 * the same files; files that are not regular (FIFOs, devices, links to them)
 * never opened: left out of walks with what they are, refused by reads;
 * whole-file reads with their size limit; joins with one slash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "files.h"

static char dir[] = "/tmp/eligo-test-files-XXXXXX";

static void touch(const char *rel, const char *text) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state) {
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    char sub[512];
    snprintf(sub, sizeof sub, "%s/b-sub", dir);
    mkdir(sub, 0700);
    snprintf(sub, sizeof sub, "%s/.cache", dir);
    mkdir(sub, 0700);
    touch("c.yaml", "c");
    touch("a.yml", "a");
    touch("notes.txt", "n");
    touch("b-sub/z.yaml", "z");
    touch(".hidden.yaml", "h");
    touch(".cache/x.yaml", "x");
    return 0;
}

static int teardown(void **state) {
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_list(void **state) {
    (void)state;
    static const char *const yaml[] = {".yaml", ".yml", NULL};
    char **paths = NULL;
    size_t n = 0;
    elg_error err = {0};
    assert_int_equal(elg_files_list(dir, yaml, &paths, &n, &err), 0);
    assert_int_equal(n, 3);
    const char *want[] = {"a.yml", "b-sub/z.yaml", "c.yaml"};
    for (size_t i = 0; i < n; i++) {
        char expected[600];
        snprintf(expected, sizeof expected, "%s/%s", dir, want[i]);
        assert_string_equal(paths[i], expected);
    }
    elg_files_list_free(paths, n);

    /* A file is listed as itself, whatever its name. */
    char file[600];
    snprintf(file, sizeof file, "%s/notes.txt", dir);
    assert_int_equal(elg_files_list(file, yaml, &paths, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(paths[0], file);
    elg_files_list_free(paths, n);

    snprintf(file, sizeof file, "%s/absent", dir);
    assert_int_equal(elg_files_list(file, yaml, &paths, &n, &err), ELG_ENOTFOUND);
    assert_null(paths);
    assert_non_null(strstr(err.message, "impossible de lire"));
}

typedef struct walked {
    int count, stop_after;
    char path[4][600];
} walked;

static int walk_note(void *ctx, const char *path) {
    walked *w = ctx;
    if (w->count < 4)
        snprintf(w->path[w->count], sizeof w->path[0], "%s", path);
    w->count++;
    return w->stop_after && w->count == w->stop_after ? 9 : 0;
}

/* The walk hands over the same files in the same order as the listing. */
static void test_each(void **state) {
    (void)state;
    static const char *const yaml[] = {".yaml", ".yml", NULL};
    const char *want[] = {"a.yml", "b-sub/z.yaml", "c.yaml"};
    walked w = {0};
    elg_error err = {0};
    assert_int_equal(elg_files_each(dir, yaml, walk_note, &w, &err), 0);
    assert_int_equal(w.count, 3);
    for (int i = 0; i < 3; i++) {
        char expected[600];
        snprintf(expected, sizeof expected, "%s/%s", dir, want[i]);
        assert_string_equal(w.path[i], expected);
    }

    /* Stopped by its callback, in a subdirectory: the value comes back. */
    memset(&w, 0, sizeof w);
    w.stop_after = 2;
    assert_int_equal(elg_files_each(dir, yaml, walk_note, &w, &err), 9);
    assert_int_equal(w.count, 2);

    char absent[600];
    snprintf(absent, sizeof absent, "%s/absent", dir);
    memset(&w, 0, sizeof w);
    assert_int_equal(elg_files_each(absent, yaml, walk_note, &w, &err), ELG_ENOTFOUND);
    assert_int_equal(w.count, 0);
}

static void test_read(void **state) {
    (void)state;
    char file[600];
    snprintf(file, sizeof file, "%s/c.yaml", dir);
    char *data = NULL;
    size_t len = 0;
    elg_error err = {0};
    assert_int_equal(elg_files_read(file, 100, &data, &len, &err), 0);
    assert_int_equal(len, 1);
    assert_string_equal(data, "c");
    free(data);
    assert_int_equal(elg_files_read(file, 0, &data, &len, &err), ELG_EINPUT);
    assert_null(data);
    assert_non_null(strstr(err.message, "dépasse 0 octets"));

    /* Read whole, whatever its size against the buffer sized from fstat: up to max bytes, the
     * limit itself included; an empty file is an empty text. */
    enum { BIG = 100000 };
    char *big = malloc(BIG + 1);
    assert_non_null(big);
    for (size_t i = 0; i < BIG; i++)
        big[i] = (char)('a' + i % 26);
    big[BIG] = '\0';
    touch("big.txt", big);
    touch("empty.txt", "");
    snprintf(file, sizeof file, "%s/big.txt", dir);
    assert_int_equal(elg_files_read(file, BIG, &data, &len, &err), 0);
    assert_int_equal(len, BIG);
    assert_memory_equal(data, big, BIG);
    assert_int_equal(data[BIG], '\0');
    free(data);
    memset(&err, 0, sizeof err);
    assert_int_equal(elg_files_read(file, BIG - 1, &data, &len, &err), ELG_EINPUT);
    assert_null(data);
    assert_non_null(strstr(err.message, "dépasse 99999 octets"));
    snprintf(file, sizeof file, "%s/empty.txt", dir);
    assert_int_equal(elg_files_read(file, 100, &data, &len, &err), 0);
    assert_int_equal(len, 0);
    assert_string_equal(data, "");
    free(data);
    free(big);
}

typedef struct skipped {
    int count;
    char path[4][600];
    char what[4][64];
} skipped;

static void skip_note(void *ctx, const char *path, const char *what) {
    skipped *s = ctx;
    if (s->count < 4) {
        snprintf(s->path[s->count], sizeof s->path[0], "%s", path);
        snprintf(s->what[s->count], sizeof s->what[0], "%s", what);
    }
    s->count++;
}

/* A walk sees walked and skipped files through the same context. */
typedef struct both {
    walked files;
    skipped left_out;
    bool listed[8]; /* per file walked: listed_regular */
} both;

static int both_file(void *ctx, const char *path, bool listed_regular) {
    both *b = ctx;
    if (b->files.count < 8)
        b->listed[b->files.count] = listed_regular;
    return walk_note(&b->files, path);
}

static void both_skip(void *ctx, const char *path, const char *what) {
    skip_note(&((both *)ctx)->left_out, path, what);
}

/* Opening a FIFO blocks until a writer comes: were it opened, this test
 * would hang (ctest's timeout then fails it). */
static void test_special(void **state) {
    (void)state;
    static const char *const yaml[] = {".yaml", ".yml", NULL};
    char sp[] = "/tmp/eligo-test-files-special-XXXXXX";
    char path[600], target[600], cmd[700];
    assert_non_null(mkdtemp(sp));
    snprintf(path, sizeof path, "%s/f.yaml", sp);
    assert_int_equal(mkfifo(path, 0600), 0);
    snprintf(path, sizeof path, "%s/l.yaml", sp);
    snprintf(target, sizeof target, "%s/f.yaml", sp);
    assert_int_equal(symlink(target, path), 0);
    snprintf(path, sizeof path, "%s/n.yml", sp);
    assert_int_equal(symlink("/dev/null", path), 0);
    snprintf(path, sizeof path, "%s/r.yaml", sp);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("r", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/s.yaml", sp);
    snprintf(target, sizeof target, "%s/r.yaml", sp);
    assert_int_equal(symlink(target, path), 0);

    both b = {0};
    elg_error err = {0};
    assert_int_equal(elg_files_walk(sp, yaml, both_file, both_skip, &b, &err), 0);
    assert_int_equal(b.files.count, 2);
    snprintf(path, sizeof path, "%s/r.yaml", sp);
    assert_string_equal(b.files.path[0], path);
    snprintf(path, sizeof path, "%s/s.yaml", sp);
    assert_string_equal(b.files.path[1], path);
    /* r.yaml is listed as a regular file; s.yaml, a link, had to be stat'ed. */
    assert_true(b.listed[0]);
    assert_false(b.listed[1]);
    assert_int_equal(b.left_out.count, 3);
    const char *what[] = {"un tube nommé FIFO", "un lien symbolique vers un tube nommé FIFO",
                          "un lien symbolique vers un périphérique caractère"};
    const char *name[] = {"f.yaml", "l.yaml", "n.yml"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", sp, name[i]);
        assert_string_equal(b.left_out.path[i], path);
        assert_string_equal(b.left_out.what[i], what[i]);
    }

    /* The listing leaves them out too; given as itself, a FIFO is listed
     * (the read that follows refuses it). */
    char **paths = NULL;
    size_t n = 0;
    assert_int_equal(elg_files_list(sp, yaml, &paths, &n, &err), 0);
    assert_int_equal(n, 2);
    elg_files_list_free(paths, n);

    char *data = NULL;
    size_t len = 0;
    char expected[700];
    /* Read as listed (no stat first), a FIFO is opened without blocking and
     * refused by the fstat that follows, with the same message. */
    for (int k = 0; k < 6; k++) {
        int i = k % 3;
        int (*read)(const char *, size_t, char **, size_t *, elg_error *) =
            k < 3 ? elg_files_read : elg_files_read_listed;
        memset(&err, 0, sizeof err);
        snprintf(path, sizeof path, "%s/%s", sp, name[i]);
        assert_int_equal(read(path, 100, &data, &len, &err), ELG_EINPUT);
        assert_null(data);
        snprintf(expected, sizeof expected, "impossible de lire %s : pas un fichier ordinaire (%s)",
                 path, what[i]);
        assert_string_equal(err.message, expected);
    }
    memset(&err, 0, sizeof err);
    assert_int_equal(elg_files_read(sp, 100, &data, &len, &err), ELG_EINPUT);
    assert_non_null(strstr(err.message, "pas un fichier ordinaire (un répertoire)"));
    snprintf(path, sizeof path, "%s/absent.yaml", sp);
    assert_int_equal(elg_files_read_listed(path, 100, &data, &len, &err), ELG_ENOTFOUND);

    /* A regular file reads the same either way; a link to one reads as the
     * file (a walk hands it to the read that stats first). */
    const char *readable[] = {"r.yaml", "r.yaml", "s.yaml"};
    for (int k = 0; k < 3; k++) {
        snprintf(path, sizeof path, "%s/%s", sp, readable[k]);
        memset(&err, 0, sizeof err);
        assert_int_equal(
            (k == 1 ? elg_files_read_listed : elg_files_read)(path, 100, &data, &len, &err), 0);
        assert_string_equal(data, "r");
        free(data);
    }

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", sp);
    assert_int_equal(system(cmd), 0);
}

static void test_join(void **state) {
    (void)state;
    char *j = elg_files_join("rules", "tests");
    assert_string_equal(j, "rules/tests");
    free(j);
    j = elg_files_join("rules/", "tests");
    assert_string_equal(j, "rules/tests");
    free(j);
    j = elg_files_join("rules", "/abs/x.yaml");
    assert_string_equal(j, "/abs/x.yaml");
    free(j);
    j = elg_files_join("", "x.yaml");
    assert_string_equal(j, "x.yaml");
    free(j);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list),    cmocka_unit_test(test_each), cmocka_unit_test(test_read),
        cmocka_unit_test(test_special), cmocka_unit_test(test_join),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
