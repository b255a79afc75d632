/*
 * Unit tests for engine/import: the streaming all-or-nothing import.
 *
 * Each test writes small documents into its own temporary directory (names
 * chosen for the walk's name order) and imports them into a fresh store. They
 * pin what the streaming must keep from reading the whole batch first: a
 * reference to a later document of the batch is fine, the first bad document
 * in batch order gives the error (an unreadable or unparsable file before any
 * reference or duplicate), a failed batch leaves no trace, and the report comes
 * after the commit only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "import.h"
#include "store.h"

typedef struct fixture {
    char dir[64];
    char db[128];
    elg_store *store;
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    elg_error err;

    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/eligo-test-import-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->db, sizeof f->db, "%s/eligo.db", f->dir);
    elg_error_clear(&err);
    if (elg_store_open(f->db, &f->store, &err) != 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    char cmd[128];

    elg_store_close(f->store);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    free(f);
    return system(cmd) == 0 ? 0 : -1;
}

/* Writes dir/rel (creating its directory) and returns the path in path. */
static const char *write_doc(const fixture *f, const char *rel, const char *text, char *path,
                             size_t size) {
    char sub[256];
    const char *slash = strchr(rel, '/');
    FILE *fp;

    if (slash) {
        snprintf(sub, sizeof sub, "%s/%.*s", f->dir, (int)(slash - rel), rel);
        mkdir(sub, 0700);
    }
    snprintf(path, size, "%s/%s", f->dir, rel);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    return path;
}

static void financer(const fixture *f, const char *rel, const char *id) {
    char text[256], path[256];
    snprintf(text, sizeof text, "kind: financer\nid: %s\nname: %s\nnature: eu\n", id, id);
    write_doc(f, rel, text, path, sizeof path);
}

static void call(const fixture *f, const char *rel, const char *id, const char *fin) {
    char text[256], path[256];
    snprintf(text, sizeof text,
             "kind: call\nid: %s\ntitle: T\nfinancer: %s\nbasis: B\nrules: calls/x.lua\n", id, fin);
    write_doc(f, rel, text, path, sizeof path);
}

/* A project funded by fin and applying to c; its id line is line 2. */
static void project(const fixture *f, const char *rel, const char *id, const char *fin,
                    const char *c) {
    char text[512], path[256];
    snprintf(text, sizeof text,
             "kind: project\nid: %s\ntitle: T\n"
             "applicants:\n  - { name: Asso, status: association }\n"
             "period: { start: 2024-01-01, end: 2024-12-31 }\n"
             "expenses: []\n"
             "resources:\n  - { financer: %s, amount: 100 }\n"
             "applies_to:\n  - { call: %s, requested: 100 }\n",
             id, fin, c);
    write_doc(f, rel, text, path, sizeof path);
}

static long long count_rows(const fixture *f, const char *table) {
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    char sql[128];
    long long n;

    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

typedef struct seen {
    int count;
    char item[8][160];
} seen;

static int note(void *ctx, const elg_import_item *it) {
    seen *s = ctx;
    const char *base = strrchr(it->path, '/');
    if (s->count < 8)
        snprintf(s->item[s->count], sizeof s->item[0], "%s %s/%s@%d %s", base ? base + 1 : it->path,
                 it->kind, it->id, it->version, it->created ? "new" : "unchanged");
    s->count++;
    return 0;
}

/* Imports f's whole directory; returns the result code, err and the report. */
static int import_dir(fixture *f, elg_error *err, seen *s) {
    const char *paths[] = {f->dir};
    memset(s, 0, sizeof *s);
    elg_error_clear(err);
    return elg_import_each(f->store, paths, 1, note, s, err);
}

/* The store must be as empty as before the failed import. */
static void assert_nothing_written(const fixture *f) {
    assert_int_equal(count_rows(f, "documents"), 0);
    assert_int_equal(count_rows(f, "project_forms"), 0);
    assert_int_equal(count_rows(f, "project_calls"), 0);
}

static void test_forward_references(void **state) {
    fixture *f = *state;
    elg_error err;
    seen s;

    /* calls/ before financers/ before projects/, as in seeds/. */
    call(f, "calls/c1.yaml", "c1", "F");
    financer(f, "financers/f.yaml", "F");
    project(f, "projects/p1.yaml", "p1", "F", "c1");
    assert_int_equal(import_dir(f, &err, &s), 0);
    assert_int_equal(s.count, 3);
    assert_string_equal(s.item[0], "c1.yaml call/c1@1 new");
    assert_string_equal(s.item[1], "f.yaml financer/F@1 new");
    assert_string_equal(s.item[2], "p1.yaml project/p1@1 new");
    assert_int_equal(count_rows(f, "project_forms"), 1);
    assert_int_equal(count_rows(f, "project_calls"), 1);

    /* Again: nothing new, and the report says so. */
    assert_int_equal(import_dir(f, &err, &s), 0);
    assert_int_equal(s.count, 3);
    assert_string_equal(s.item[2], "p1.yaml project/p1@1 unchanged");
    assert_int_equal(count_rows(f, "documents"), 3);
}

static void test_unknown_reference(void **state) {
    fixture *f = *state;
    char path[256];
    elg_error err;
    seen s;

    financer(f, "a.yaml", "F");
    project(f, "b.yaml", "p1", "CAFF", "c1");
    assert_int_equal(import_dir(f, &err, &s), ELG_EINPUT);
    assert_int_equal(s.count, 0); /* no report for a failed import */
    assert_string_equal(
        err.message,
        "document financer « CAFF » inconnu (importez-le d'abord ou dans le même lot)");
    snprintf(path, sizeof path, "%s/b.yaml", f->dir);
    assert_string_equal(err.file, path);
    assert_string_equal(err.field, "resources[0].financer");
    assert_int_equal(err.line, 9);
    assert_int_equal(err.column, 17);
    assert_nothing_written(f);
}

static void test_duplicate(void **state) {
    fixture *f = *state;
    char first[256], second[256], expect[512];
    elg_error err;
    seen s;

    financer(f, "a.yaml", "F");
    call(f, "b.yaml", "c1", "F");
    project(f, "c.yaml", "p1", "F", "c1");
    project(f, "d.yaml", "p1", "F", "c1");
    snprintf(first, sizeof first, "%s/c.yaml", f->dir);
    snprintf(second, sizeof second, "%s/d.yaml", f->dir);
    assert_int_equal(import_dir(f, &err, &s), ELG_EINPUT);
    snprintf(expect, sizeof expect, "document project « p1 » aussi défini dans %s", first);
    assert_string_equal(err.message, expect);
    assert_string_equal(err.file, second);
    assert_string_equal(err.field, "id");
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 5);
    assert_nothing_written(f);
}

/* The first bad document in batch order gives the error, whether its
 * problem shows at once (a duplicate) or only at the end (a reference). */
static void test_first_bad_document_wins(void **state) {
    fixture *f = *state;
    char path[256];
    elg_error err;
    seen s;

    /* b.yaml's financer never comes; d.yaml repeats c.yaml. */
    financer(f, "a.yaml", "F");
    project(f, "b.yaml", "p0", "MISSING", "c1");
    call(f, "c.yaml", "c1", "F");
    call(f, "d.yaml", "c1", "F");
    assert_int_equal(import_dir(f, &err, &s), ELG_EINPUT);
    assert_string_equal(
        err.message,
        "document financer « MISSING » inconnu (importez-le d'abord ou dans le même lot)");
    snprintf(path, sizeof path, "%s/b.yaml", f->dir);
    assert_string_equal(err.file, path);

    /* Now the duplicate comes first; the reference after it is missing. */
    snprintf(path, sizeof path, "%s/b.yaml", f->dir);
    unlink(path);
    project(f, "e.yaml", "p0", "MISSING", "c1");
    assert_int_equal(import_dir(f, &err, &s), ELG_EINPUT);
    assert_non_null(strstr(err.message, "document call « c1 » aussi défini dans "));
    snprintf(path, sizeof path, "%s/d.yaml", f->dir);
    assert_string_equal(err.file, path);
    assert_nothing_written(f);
}

/* A duplicate, then the document that an earlier reference waited for: the
 * reference is satisfied, and the duplicate is the error. */
static void test_duplicate_before_the_awaited_document(void **state) {
    fixture *f = *state;
    char path[256];
    elg_error err;
    seen s;

    call(f, "a.yaml", "c1", "LATER");
    financer(f, "b.yaml", "F");
    financer(f, "c.yaml", "F");
    financer(f, "d.yaml", "LATER");
    assert_int_equal(import_dir(f, &err, &s), ELG_EINPUT);
    assert_non_null(strstr(err.message, "document financer « F » aussi défini dans "));
    snprintf(path, sizeof path, "%s/c.yaml", f->dir);
    assert_string_equal(err.file, path);
    assert_nothing_written(f);
}

/* An unparsable file anywhere comes before any reference or duplicate, as
 * when every file was parsed first. */
static void test_parse_error_first(void **state) {
    fixture *f = *state;
    char path[256];
    elg_error err;
    seen s;

    project(f, "a.yaml", "p0", "MISSING", "c1");
    financer(f, "b.yaml", "F");
    financer(f, "c.yaml", "F");
    write_doc(f, "d.yaml", "kind: financer\nid: G\nname: G\nnature: martian\n", path, sizeof path);
    assert_int_equal(import_dir(f, &err, &s), ELG_EINPUT);
    assert_string_equal(err.file, path);
    assert_int_equal(err.line, 4);
    assert_string_equal(err.field, "nature");
    assert_nothing_written(f);
}

static void test_nothing_to_import(void **state) {
    fixture *f = *state;
    const char *missing[] = {"/nonexistent/eligo/x.yaml"};
    elg_import_report report;
    char path[256];
    elg_error err;
    seen s;

    write_doc(f, "notes.txt", "not a document", path, sizeof path);
    assert_int_equal(import_dir(f, &err, &s), ELG_EINPUT);
    assert_string_equal(err.message, "aucun document .yaml trouvé dans les chemins donnés");
    elg_error_clear(&err);
    assert_int_equal(elg_import_paths(f->store, missing, 1, &report, &err), ELG_ENOTFOUND);
    assert_int_equal(report.count, 0);
    assert_null(report.items);
    assert_nothing_written(f);
}

static void test_report_in_memory(void **state) {
    fixture *f = *state;
    const char *paths[] = {f->dir};
    elg_import_report report;
    elg_error err;

    financer(f, "a.yaml", "F");
    call(f, "b.yaml", "c1", "F");
    elg_error_clear(&err);
    assert_int_equal(elg_import_paths(f->store, paths, 1, &report, &err), 0);
    assert_int_equal(report.count, 2);
    assert_string_equal(report.items[0].kind, "financer");
    assert_string_equal(report.items[1].id, "c1");
    assert_int_equal(report.items[1].version, 1);
    assert_int_equal(report.items[1].created, 1);
    elg_import_report_release(&report);
    assert_null(report.items);
    elg_import_report_release(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_forward_references, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_reference, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_bad_document_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_before_the_awaited_document, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_parse_error_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing_to_import, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_in_memory, setup, teardown),
    };
    return cmocka_run_group_tests_name("import", tests, NULL, NULL);
}
