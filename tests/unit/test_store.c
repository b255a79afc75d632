/*
 * Unit tests for engine/store: schema and migrations, document versions,
 * transactions, rule sources, decisions and their append-only guarantee.
 *
 * Each test gets a fresh directory from mkdtemp. The test opens the same
 * file with SQLite directly to see what the store wrote and to try what the
 * store must refuse (UPDATE/DELETE of decisions, a newer schema).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "doc.h"
#include "files.h"
#include "form.h"
#include "hash.h"
#include "store.h"

typedef struct fixture {
    char dir[64];
    char path[128];
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/eligo-test-store-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/eligo.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    char p[160];
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};

    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        snprintf(p, sizeof p, "%s%s", f->path, suffix[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static elg_store *open_store(const fixture *f) {
    elg_store *s = NULL;
    elg_error err;
    elg_error_clear(&err);
    int rc = elg_store_open(f->path, &s, &err);
    if (rc != 0)
        fail_msg("elg_store_open: %s", err.message);
    assert_non_null(s);
    return s;
}

/* First column of the first row of sql, run on a direct connection. */
static long long raw_int(const fixture *f, const char *sql) {
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long v;

    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void raw_text(const fixture *f, const char *sql, char *out, size_t size) {
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;

    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* Runs sql on a direct connection; returns its result code and copies the
 * error message into msg. */
static int raw_exec(const fixture *f, const char *sql, char *msg, size_t size) {
    sqlite3 *db = NULL;
    char *errmsg = NULL;
    int rc;

    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    rc = sqlite3_exec(db, sql, NULL, NULL, &errmsg);
    snprintf(msg, size, "%s", errmsg ? errmsg : "");
    sqlite3_free(errmsg);
    sqlite3_close(db);
    return rc;
}

static void put(elg_store *s, const char *kind, const char *id, const char *body,
                int expect_version, int expect_created) {
    elg_error err;
    int version = -1, created = -1;

    elg_error_clear(&err);
    int rc = elg_store_put_doc(s, kind, id, body, strlen(body), "seeds/x.yaml", &version, &created,
                               &err);
    if (rc != 0)
        fail_msg("elg_store_put_doc: %s", err.message);
    assert_int_equal(version, expect_version);
    assert_int_equal(created, expect_created);
}

/* A valid project document; applies is the inside of its applies_to list
 * ("{ call: c1, requested: 100 }, ..."), "" for none. */
static const char *project_yaml(char *buf, size_t size, const char *id, const char *title,
                                const char *applies) {
    snprintf(buf, size,
             "kind: project\nid: %s\ntitle: %s\n"
             "applicants:\n  - { name: Asso, status: association }\n"
             "period: { start: 2024-01-01, end: 2024-12-31 }\n"
             "expenses: []\nresources: []\napplies_to: [%s]\n",
             id, title, applies);
    return buf;
}

static void assert_iso_utc_ms(const char *ts) {
    /* 2024-03-01T09:30:00.125Z */
    assert_non_null(ts);
    assert_int_equal(strlen(ts), 24);
    assert_int_equal(ts[4], '-');
    assert_int_equal(ts[10], 'T');
    assert_int_equal(ts[19], '.');
    assert_int_equal(ts[23], 'Z');
}

/* ---- schema ------------------------------------------------------------ */

static void test_open_creates_schema(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);

    assert_true(elg_store_schema_version() >= 1);
    assert_int_equal(raw_int(f, "PRAGMA user_version"), elg_store_schema_version());
    assert_int_equal(raw_int(f, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name"
                                " IN ('documents', 'rule_sources', 'decisions',"
                                " 'decision_rule_files', 'project_forms', 'project_calls',"
                                " 'rulesets', 'ruleset_files', 'awards', 'aid_received',"
                                " 'trace_dicts')"),
                     11);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"), 22);
    elg_store_close(s);

    /* A new store's pages are 16 KiB (configure, engine/store.c). */
    assert_int_equal(raw_int(f, "PRAGMA page_size"), 16384);

    /* Reopening an up-to-date store changes nothing. */
    s = open_store(f);
    assert_int_equal(raw_int(f, "PRAGMA user_version"), elg_store_schema_version());
    elg_store_close(s);
    elg_store_close(NULL);
}

static void test_wal_mode(void **state) {
    fixture *f = *state;
    char mode[16];
    elg_store *s = open_store(f);

    /* WAL is recorded in the file, so a second connection sees it. */
    raw_text(f, "PRAGMA journal_mode", mode, sizeof mode);
    assert_string_equal(mode, "wal");
    elg_store_close(s);
}

static void test_newer_schema_refused(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    char sql[64], msg[256], expect[128];
    elg_error err;
    int newer = elg_store_schema_version() + 1;

    elg_store_close(s);
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", newer);
    assert_int_equal(raw_exec(f, sql, msg, sizeof msg), SQLITE_OK);

    elg_error_clear(&err);
    s = (elg_store *)&err; /* must be reset to NULL */
    assert_int_equal(elg_store_open(f->path, &s, &err), ELG_ESTORE);
    assert_null(s);
    assert_int_equal(err.code, ELG_ESTORE);
    snprintf(expect, sizeof expect,
             "la version %d du schéma du magasin est plus récente que cet eligo (%d)", newer,
             elg_store_schema_version());
    assert_string_equal(err.message, expect);
    assert_string_equal(err.file, f->path);
    /* And the database was left alone. */
    assert_int_equal(raw_int(f, "PRAGMA user_version"), newer);
}

static void test_not_a_database(void **state) {
    fixture *f = *state;
    elg_store *s = NULL;
    elg_error err;
    FILE *fp = fopen(f->path, "w");

    assert_non_null(fp);
    fputs("this is not an SQLite database, just a text file long enough to have a header\n", fp);
    fclose(fp);
    elg_error_clear(&err);
    assert_int_equal(elg_store_open(f->path, &s, &err), ELG_ESTORE);
    assert_null(s);
    assert_string_equal(err.message, "ouverture du magasin : le fichier n'est pas une base SQLite");
    assert_string_equal(err.file, f->path);
}

/* ---- documents --------------------------------------------------------- */

static void test_put_doc_versions(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    elg_stored_doc doc;
    elg_error err;
    char sha[ELG_SHA256_HEX], b1[512], b2[512];
    const char *v1 = project_yaml(b1, sizeof b1, "p1", "Premier", "");
    const char *v2 = project_yaml(b2, sizeof b2, "p1", "Second", "");

    put(s, "project", "p1", v1, 1, 1);
    put(s, "project", "p1", v1, 1, 0);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM documents"), 1);
    put(s, "project", "p1", v2, 2, 1);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM documents"), 2);
    /* Only the latest version counts: going back to v1's bytes is new. */
    put(s, "project", "p1", v1, 3, 1);
    put(s, "project", "p1", v1, 3, 0);
    /* Same id, other kind: its own history. */
    put(s, "call", "p1", v1, 1, 1);

    elg_error_clear(&err);
    assert_int_equal(elg_store_get_doc(s, "project", "p1", 0, &doc, &err), 0);
    assert_string_equal(doc.kind, "project");
    assert_string_equal(doc.id, "p1");
    assert_int_equal(doc.version, 3);
    assert_string_equal(doc.body, v1);
    assert_int_equal(doc.body_len, strlen(v1));
    elg_sha256_hex(v1, strlen(v1), sha);
    assert_string_equal(doc.sha256, sha);
    assert_string_equal(doc.source, "seeds/x.yaml");
    assert_iso_utc_ms(doc.imported_at);
    elg_store_doc_release(&doc);
    assert_null(doc.body);
    assert_null(doc.kind);
    assert_int_equal(doc.body_len, 0);

    assert_int_equal(elg_store_get_doc(s, "project", "p1", 2, &doc, &err), 0);
    assert_int_equal(doc.version, 2);
    assert_string_equal(doc.body, v2);
    elg_sha256_hex(v2, strlen(v2), sha);
    assert_string_equal(doc.sha256, sha);
    elg_store_doc_release(&doc);
    elg_store_doc_release(NULL);

    elg_store_close(s);
}

static void test_put_doc_binary_and_empty(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    elg_stored_doc doc;
    elg_error err;
    static const char bin[] = {'a', '\0', 'b', '\n'};
    int version = 0, created = 0;

    elg_error_clear(&err);
    assert_int_equal(
        elg_store_put_doc(s, "financer", "MEL", bin, sizeof bin, NULL, &version, &created, &err),
        0);
    assert_int_equal(elg_store_get_doc(s, "financer", "MEL", 0, &doc, &err), 0);
    assert_int_equal(doc.body_len, sizeof bin);
    assert_memory_equal(doc.body, bin, sizeof bin);
    assert_int_equal(doc.body[sizeof bin], '\0');
    assert_string_equal(doc.source, "");
    elg_store_doc_release(&doc);

    assert_int_equal(
        elg_store_put_doc(s, "financer", "EMPTY", "", 0, "e.yaml", &version, &created, &err), 0);
    assert_int_equal(version, 1);
    assert_int_equal(
        elg_store_put_doc(s, "financer", "EMPTY", NULL, 0, "e.yaml", &version, &created, &err), 0);
    assert_int_equal(created, 0);
    assert_int_equal(elg_store_get_doc(s, "financer", "EMPTY", 0, &doc, &err), 0);
    assert_int_equal(doc.body_len, 0);
    assert_string_equal(doc.body, "");
    elg_store_doc_release(&doc);
    elg_store_close(s);
}

static void test_put_doc_bad_kind(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    elg_error err;

    elg_error_clear(&err);
    assert_int_equal(elg_store_put_doc(s, "grant", "g", "x", 1, "g.yaml", NULL, NULL, &err),
                     ELG_EUSAGE);
    assert_string_equal(err.message,
                        "type de document inconnu « grant » (attendu : financer, call ou project)");
    assert_int_equal(raw_int(f, "SELECT count(*) FROM documents"), 0);
    elg_store_close(s);
}

static void test_get_doc_not_found(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    elg_stored_doc doc;
    elg_error err;

    elg_error_clear(&err);
    assert_int_equal(elg_store_get_doc(s, "project", "x", 0, &doc, &err), ELG_ENOTFOUND);
    assert_string_equal(err.message, "pas de document project « x » dans le magasin");
    assert_null(doc.body);

    put(s, "call", "AAP-2019", "id: AAP-2019\n", 1, 1);
    elg_error_clear(&err);
    assert_int_equal(elg_store_get_doc(s, "call", "AAP-2019", 2, &doc, &err), ELG_ENOTFOUND);
    assert_string_equal(err.message,
                        "pas de version 2 du document call « AAP-2019 » dans le magasin");
    elg_error_clear(&err);
    assert_int_equal(elg_store_get_doc(s, "project", "AAP-2019", 0, &doc, &err), ELG_ENOTFOUND);
    elg_store_close(s);
}

typedef struct doc_list {
    int count;
    char seen[8][64];
    int stop_after;
} doc_list;

static int collect_doc(void *ctx, const elg_stored_doc *doc) {
    doc_list *l = ctx;
    snprintf(l->seen[l->count], sizeof l->seen[0], "%s/%s@%d", doc->kind, doc->id, doc->version);
    l->count++;
    return l->stop_after && l->count == l->stop_after ? 42 : 0;
}

static void test_each_doc(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    doc_list l = {0};
    elg_error err;
    char a2[512], a1[512], b1[512];

    put(s, "project", "p2", project_yaml(a2, sizeof a2, "p2", "a", ""), 1, 1);
    put(s, "project", "p1", project_yaml(a1, sizeof a1, "p1", "a", ""), 1, 1);
    put(s, "project", "p1", project_yaml(b1, sizeof b1, "p1", "b", ""), 2, 1);
    put(s, "financer", "MEL", "m", 1, 1);
    put(s, "call", "c1", "c", 1, 1);

    elg_error_clear(&err);
    assert_int_equal(elg_store_each_doc(s, NULL, collect_doc, &l, &err), 0);
    assert_int_equal(l.count, 4);
    assert_string_equal(l.seen[0], "call/c1@1");
    assert_string_equal(l.seen[1], "financer/MEL@1");
    assert_string_equal(l.seen[2], "project/p1@2");
    assert_string_equal(l.seen[3], "project/p2@1");

    memset(&l, 0, sizeof l);
    assert_int_equal(elg_store_each_doc(s, "project", collect_doc, &l, &err), 0);
    assert_int_equal(l.count, 2);
    assert_string_equal(l.seen[0], "project/p1@2");

    memset(&l, 0, sizeof l);
    l.stop_after = 1;
    assert_int_equal(elg_store_each_doc(s, "", collect_doc, &l, &err), 42);
    assert_int_equal(l.count, 1);
    /* The stopped walk left nothing behind: the next one starts over. */
    memset(&l, 0, sizeof l);
    assert_int_equal(elg_store_each_doc(s, NULL, collect_doc, &l, &err), 0);
    assert_int_equal(l.count, 4);
    elg_store_close(s);
}

/* ---- transactions ------------------------------------------------------ */

static void test_transaction_rollback(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    elg_stored_doc doc;
    elg_error err;
    char a[512], b[512];

    project_yaml(a, sizeof a, "a", "A", "");
    project_yaml(b, sizeof b, "b", "B", "");
    elg_error_clear(&err);
    assert_int_equal(elg_store_begin(s, &err), 0);
    put(s, "project", "a", a, 1, 1);
    put(s, "project", "b", b, 1, 1);
    elg_store_rollback(s);
    assert_int_equal(elg_store_get_doc(s, "project", "a", 0, &doc, &err), ELG_ENOTFOUND);
    elg_error_clear(&err);
    assert_int_equal(elg_store_get_doc(s, "project", "b", 0, &doc, &err), ELG_ENOTFOUND);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM documents"), 0);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM project_forms"), 0);
    /* Rolling back with no transaction open is harmless. */
    elg_store_rollback(s);
    elg_store_rollback(NULL);

    elg_error_clear(&err);
    assert_int_equal(elg_store_begin(s, &err), 0);
    put(s, "project", "a", a, 1, 1);
    put(s, "project", "b", b, 1, 1);
    assert_int_equal(elg_store_commit(s, &err), 0);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM documents"), 2);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM project_forms"), 2);

    /* Rollback keeps the first error. */
    elg_error_clear(&err);
    assert_int_equal(elg_store_begin(s, &err), 0);
    assert_int_equal(elg_store_get_doc(s, "project", "zz", 0, &doc, &err), ELG_ENOTFOUND);
    elg_store_rollback(s);
    assert_int_equal(err.code, ELG_ENOTFOUND);
    assert_string_equal(err.message, "pas de document project « zz » dans le magasin");

    /* No nested transactions. */
    elg_error_clear(&err);
    assert_int_equal(elg_store_begin(s, &err), 0);
    assert_int_equal(elg_store_begin(s, &err), ELG_ESTORE);
    assert_non_null(strstr(err.message, "ouverture d'une transaction sur le magasin : "));
    elg_store_rollback(s);
    elg_store_close(s);
}

/* ---- rule sources ------------------------------------------------------ */

static void test_rule_sources(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    const char *src = "return rule { id = \"equilibre\" }\n";
    char sha[ELG_SHA256_HEX], *body = NULL;
    size_t len = 0;
    elg_error err;

    elg_sha256_hex(src, strlen(src), sha);
    elg_error_clear(&err);
    assert_int_equal(elg_store_put_rule_source(s, sha, src, strlen(src), &err), 0);
    assert_int_equal(elg_store_put_rule_source(s, sha, src, strlen(src), &err), 0);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM rule_sources"), 1);

    assert_int_equal(elg_store_get_rule_source(s, sha, &body, &len, &err), 0);
    assert_int_equal(len, strlen(src));
    assert_string_equal(body, src);
    free(body);

    /* A hash that is not the content's is refused. */
    assert_int_equal(elg_store_put_rule_source(s, sha, "other", 5, &err), ELG_EUSAGE);
    assert_non_null(strstr(err.message, "ne correspond pas à son contenu"));
    assert_int_equal(raw_int(f, "SELECT count(*) FROM rule_sources"), 1);

    elg_error_clear(&err);
    body = (char *)src;
    assert_int_equal(elg_store_get_rule_source(s, "00ff", &body, &len, &err), ELG_ENOTFOUND);
    assert_null(body);
    assert_string_equal(err.message, "pas de source de règles 00ff dans le magasin");
    elg_store_close(s);
}

/* ---- decisions --------------------------------------------------------- */

/* Two rule sources, stored; their hashes in sha_lib and sha_call. */
static char sha_lib[ELG_SHA256_HEX], sha_call[ELG_SHA256_HEX];

static void put_rules(elg_store *s) {
    static const char lib[] = "-- lib\n", call[] = "-- call\n";
    elg_error err;

    elg_error_clear(&err);
    elg_sha256_hex(lib, strlen(lib), sha_lib);
    elg_sha256_hex(call, strlen(call), sha_call);
    assert_int_equal(elg_store_put_rule_source(s, sha_lib, lib, strlen(lib), &err), 0);
    assert_int_equal(elg_store_put_rule_source(s, sha_call, call, strlen(call), &err), 0);
}

static int64_t add(elg_store *s, const char *project, const char *call, const char *outcome) {
    elg_stored_decision d = {
        .project = (char *)project,
        .project_version = 2,
        .project_sha256 = (char *)"psha",
        .call = (char *)call,
        .call_version = 1,
        .call_sha256 = (char *)"csha",
        .ruleset_sha256 = (char *)"rsha",
        .engine_version = (char *)"0.1.0",
        .outcome = (char *)outcome,
        .figures = (char *)"{\"eligible_cost\":9500000}",
        .trace = (char *)"{\"format\":1}",
    };
    elg_rule_file_ref files[] = {{"lib/budget.lua", sha_lib}, {"calls/mel.lua", sha_call}};
    elg_error err;
    int64_t id = -1;

    elg_error_clear(&err);
    if (elg_store_add_decision(s, &d, files, 2, &id, &err) != 0)
        fail_msg("elg_store_add_decision: %s", err.message);
    assert_true(id > 0);
    return id;
}

typedef struct file_list {
    int count;
    char path[4][32];
    char sha[4][ELG_SHA256_HEX];
} file_list;

static int collect_file(void *ctx, const char *path, const char *sha256) {
    file_list *l = ctx;
    snprintf(l->path[l->count], sizeof l->path[0], "%s", path);
    snprintf(l->sha[l->count], sizeof l->sha[0], "%s", sha256);
    l->count++;
    return 0;
}

static void test_decision_round_trip(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    elg_stored_decision d;
    file_list files = {0};
    elg_error err;
    int64_t id;

    put_rules(s);
    id = add(s, "p1", "MEL-2019", "ineligible");

    elg_error_clear(&err);
    assert_int_equal(elg_store_get_decision(s, id, &d, &err), 0);
    assert_int_equal(d.id, id);
    assert_string_equal(d.project, "p1");
    assert_int_equal(d.project_version, 2);
    assert_string_equal(d.project_sha256, "psha");
    assert_string_equal(d.call, "MEL-2019");
    assert_int_equal(d.call_version, 1);
    assert_string_equal(d.call_sha256, "csha");
    assert_string_equal(d.ruleset_sha256, "rsha");
    assert_string_equal(d.engine_version, "0.1.0");
    assert_string_equal(d.outcome, "ineligible");
    assert_string_equal(d.figures, "{\"eligible_cost\":9500000}");
    assert_string_equal(d.trace, "{\"format\":1}");
    assert_iso_utc_ms(d.created_at);
    elg_store_decision_release(&d);
    assert_null(d.project);
    assert_int_equal(d.id, 0);
    elg_store_decision_release(NULL);

    assert_int_equal(elg_store_each_decision_file(s, id, collect_file, &files, &err), 0);
    assert_int_equal(files.count, 2);
    assert_string_equal(files.path[0], "lib/budget.lua");
    assert_string_equal(files.sha[0], sha_lib);
    assert_string_equal(files.path[1], "calls/mel.lua");
    assert_string_equal(files.sha[1], sha_call);

    assert_int_equal(elg_store_get_decision(s, id + 100, &d, &err), ELG_ENOTFOUND);
    assert_string_equal(err.message, "pas de décision n° 101 dans le magasin");
    elg_error_clear(&err);
    assert_int_equal(elg_store_each_decision_file(s, id + 100, collect_file, &files, &err),
                     ELG_ENOTFOUND);
    elg_store_close(s);
}

static void test_decision_is_atomic(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    elg_stored_decision d = {
        .project = (char *)"p1",
        .project_sha256 = (char *)"psha",
        .call = (char *)"c1",
        .call_sha256 = (char *)"csha",
        .ruleset_sha256 = (char *)"rsha",
        .engine_version = (char *)"0.1.0",
        .outcome = (char *)"eligible",
        .figures = (char *)"{}",
        .trace = (char *)"{}",
    };
    elg_rule_file_ref missing[2] = {{"lib/budget.lua", NULL}, {"calls/x.lua", NULL}};
    char unknown[ELG_SHA256_HEX];
    elg_error err;
    int64_t id = -1;

    put_rules(s);
    elg_sha256_hex("never stored", 12, unknown);
    missing[0].sha256 = sha_lib;
    missing[1].sha256 = unknown;

    /* Alone: the decision row is not kept when a rule file fails. */
    elg_error_clear(&err);
    assert_int_equal(elg_store_add_decision(s, &d, missing, 2, &id, &err), ELG_EUSAGE);
    assert_int_equal(id, -1);
    assert_non_null(strstr(err.message,
                           "enregistrement de la décision du projet « p1 » pour l'appel "
                           "« c1 » : fichier de règles calls/x.lua : sa source"));
    assert_int_equal(raw_int(f, "SELECT count(*) FROM decisions"), 0);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM decision_rule_files"), 0);

    /* Inside the caller's transaction: the failed decision goes, the
     * caller's other work stays. */
    elg_error_clear(&err);
    assert_int_equal(elg_store_begin(s, &err), 0);
    add(s, "p0", "c1", "eligible");
    assert_int_equal(elg_store_add_decision(s, &d, missing, 2, &id, &err), ELG_EUSAGE);
    add(s, "p2", "c1", "eligible");
    elg_error_clear(&err);
    assert_int_equal(elg_store_commit(s, &err), 0);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM decisions"), 2);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM decisions WHERE project = 'p1'"), 0);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM decision_rule_files"), 4);

    /* An outcome outside the three is refused by the schema. */
    d.outcome = (char *)"maybe";
    elg_error_clear(&err);
    assert_int_equal(elg_store_add_decision(s, &d, NULL, 0, &id, &err), ELG_ESTORE);
    assert_non_null(strstr(err.message,
                           "enregistrement de la décision du projet « p1 » pour l'appel "
                           "« c1 » : valeur refusée par la contrainte"));
    assert_int_equal(raw_int(f, "SELECT count(*) FROM decisions"), 2);
    elg_store_close(s);
}

typedef struct decision_list {
    int count;
    int64_t id[16];
    int stop_after;
} decision_list;

static int collect_decision(void *ctx, const elg_stored_decision *d) {
    decision_list *l = ctx;
    l->id[l->count++] = d->id;
    return l->stop_after && l->count == l->stop_after ? 7 : 0;
}

static void list(elg_store *s, const elg_decision_filter *filter, decision_list *l) {
    elg_error err;
    elg_error_clear(&err);
    memset(l, 0, sizeof *l);
    if (elg_store_each_decision(s, filter, collect_decision, l, &err) != 0)
        fail_msg("elg_store_each_decision: %s", err.message);
}

/* Sleeps past the current millisecond so created_at values differ. */
static void next_millisecond(void) {
    struct timespec ts = {0, 3 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

static void test_each_decision_filters(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    elg_stored_decision d3;
    decision_list l;
    elg_error err;
    char day[11], stamp[32];
    int64_t a, b, c, e;

    put_rules(s);
    a = add(s, "p1", "c1", "eligible");
    next_millisecond();
    b = add(s, "p2", "c1", "ineligible");
    next_millisecond();
    c = add(s, "p1", "c2", "ineligible");
    next_millisecond();
    e = add(s, "p1", "c1", "error");

    list(s, NULL, &l);
    assert_int_equal(l.count, 4);
    assert_int_equal(l.id[0], a);
    assert_int_equal(l.id[3], e);

    list(s, &(elg_decision_filter){.project = "p1"}, &l);
    assert_int_equal(l.count, 3);
    assert_int_equal(l.id[0], a);
    assert_int_equal(l.id[1], c);
    assert_int_equal(l.id[2], e);

    list(s, &(elg_decision_filter){.outcome = "ineligible"}, &l);
    assert_int_equal(l.count, 2);
    assert_int_equal(l.id[0], b);
    assert_int_equal(l.id[1], c);

    list(s, &(elg_decision_filter){.project = "p1", .call = "c1"}, &l);
    assert_int_equal(l.count, 2);
    assert_int_equal(l.id[0], a);
    assert_int_equal(l.id[1], e);

    list(s, &(elg_decision_filter){.call = "c1", .outcome = "eligible"}, &l);
    assert_int_equal(l.count, 1);
    assert_int_equal(l.id[0], a);

    /* Empty strings are no filter. */
    list(s, &(elg_decision_filter){.project = "", .call = "", .outcome = "", .since = ""}, &l);
    assert_int_equal(l.count, 4);

    list(s, &(elg_decision_filter){.project = "nobody"}, &l);
    assert_int_equal(l.count, 0);

    /* since/until: a full timestamp, and date prefixes. */
    elg_error_clear(&err);
    assert_int_equal(elg_store_get_decision(s, c, &d3, &err), 0);
    snprintf(stamp, sizeof stamp, "%s", d3.created_at);
    snprintf(day, sizeof day, "%.10s", d3.created_at);
    elg_store_decision_release(&d3);

    list(s, &(elg_decision_filter){.since = stamp}, &l);
    assert_int_equal(l.count, 2);
    assert_int_equal(l.id[0], c);
    assert_int_equal(l.id[1], e);

    list(s, &(elg_decision_filter){.until = stamp}, &l);
    assert_int_equal(l.count, 3);
    assert_int_equal(l.id[2], c);

    list(s, &(elg_decision_filter){.since = stamp, .until = stamp}, &l);
    assert_int_equal(l.count, 1);
    assert_int_equal(l.id[0], c);

    list(s, &(elg_decision_filter){.project = "p1", .since = stamp}, &l);
    assert_int_equal(l.count, 2);

    /* "until 2024-03-01" includes all of that day. */
    list(s, &(elg_decision_filter){.since = day, .until = day}, &l);
    assert_int_equal(l.count, 4);
    list(s, &(elg_decision_filter){.since = "2000"}, &l);
    assert_int_equal(l.count, 4);
    list(s, &(elg_decision_filter){.until = "2000"}, &l);
    assert_int_equal(l.count, 0);
    list(s, &(elg_decision_filter){.since = "9999"}, &l);
    assert_int_equal(l.count, 0);

    /* A non-zero return stops the walk and is returned. */
    memset(&l, 0, sizeof l);
    l.stop_after = 2;
    assert_int_equal(elg_store_each_decision(s, NULL, collect_decision, &l, &err), 7);
    assert_int_equal(l.count, 2);
    list(s, NULL, &l);
    assert_int_equal(l.count, 4);
    elg_store_close(s);
}

typedef struct nested {
    elg_store *store;
    int outer, inner;
} nested;

static int count_inner(void *ctx, const elg_stored_decision *d) {
    (void)d;
    ((nested *)ctx)->inner++;
    return 0;
}

static int walk_again(void *ctx, const elg_stored_decision *d) {
    nested *n = ctx;
    elg_error err;
    (void)d;
    n->outer++;
    elg_error_clear(&err);
    return elg_store_each_decision(n->store, NULL, count_inner, n, &err);
}

static void test_nested_walks(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    nested n = {.store = s};
    elg_error err;

    put_rules(s);
    add(s, "p1", "c1", "eligible");
    add(s, "p2", "c1", "eligible");
    add(s, "p3", "c1", "eligible");
    elg_error_clear(&err);
    assert_int_equal(elg_store_each_decision(s, NULL, walk_again, &n, &err), 0);
    assert_int_equal(n.outer, 3);
    assert_int_equal(n.inner, 9);
    elg_store_close(s);
}

static void test_decisions_append_only(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    static const char *const refused[] = {
        "UPDATE decisions SET outcome = 'eligible'",
        "DELETE FROM decisions",
        "UPDATE decision_rule_files SET path = 'x.lua'",
        "DELETE FROM decision_rule_files",
    };
    char msg[256], body[512];

    put_rules(s);
    add(s, "p1", "c1", "ineligible");
    put(s, "project", "p1",
        project_yaml(body, sizeof body, "p1", "P", "{ call: c1, requested: 1 }"), 1, 1);

    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        assert_int_not_equal(raw_exec(f, refused[i], msg, sizeof msg), SQLITE_OK);
        assert_string_equal(msg, "decisions are append-only");
    }
    assert_int_not_equal(raw_exec(f, "UPDATE documents SET body = x'00'", msg, sizeof msg),
                         SQLITE_OK);
    assert_non_null(strstr(msg, "immutable"));
    assert_int_not_equal(raw_exec(f, "DELETE FROM documents", msg, sizeof msg), SQLITE_OK);
    assert_non_null(strstr(msg, "immutable"));
    assert_int_not_equal(raw_exec(f, "DELETE FROM rule_sources", msg, sizeof msg), SQLITE_OK);
    assert_non_null(strstr(msg, "immutable"));
    assert_int_not_equal(raw_exec(f, "UPDATE project_forms SET form = x'00'", msg, sizeof msg),
                         SQLITE_OK);
    assert_string_equal(msg, "project forms are immutable: import a new version instead");
    assert_int_not_equal(raw_exec(f, "DELETE FROM project_forms", msg, sizeof msg), SQLITE_OK);
    assert_string_equal(msg, "project forms are immutable: import a new version instead");
    assert_int_not_equal(raw_exec(f, "UPDATE project_calls SET call = 'c2'", msg, sizeof msg),
                         SQLITE_OK);
    assert_string_equal(msg, "project forms are immutable: import a new version instead");
    assert_int_not_equal(raw_exec(f, "DELETE FROM project_calls", msg, sizeof msg), SQLITE_OK);
    assert_string_equal(msg, "project forms are immutable: import a new version instead");

    assert_int_equal(raw_int(f, "SELECT count(*) FROM decisions WHERE outcome = 'ineligible'"), 1);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM decision_rule_files"), 2);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM documents"), 1);
    elg_store_close(s);
}

/* ---- compact forms ----------------------------------------------------- */

/* Reads a form back and checks it decodes to the project of that body. */
static void assert_form(elg_store *s, const char *id, int version, int expect_version,
                        const char *body, const char *title) {
    elg_stored_form sf;
    elg_form_project *fp = NULL;
    char sha[ELG_SHA256_HEX];
    elg_error err;

    elg_error_clear(&err);
    if (elg_store_get_project_form(s, id, version, &sf, &err) != 0)
        fail_msg("elg_store_get_project_form: %s", err.message);
    assert_string_equal(sf.id, id);
    assert_int_equal(sf.version, expect_version);
    elg_sha256_hex(body, strlen(body), sha);
    assert_string_equal(sf.sha256, sha);
    assert_int_equal(elg_form_decode_project(sf.form, sf.form_len, &fp, &err), 0);
    assert_string_equal(elg_form_project_get(fp)->id, id);
    assert_string_equal(elg_form_project_get(fp)->title, title);
    elg_form_project_free(fp);
    elg_store_form_release(&sf);
    assert_null(sf.id);
    assert_null(sf.form);
}

static void test_project_forms(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    elg_stored_form sf;
    elg_error err;
    char v1[512], v2[512];

    project_yaml(v1, sizeof v1, "p1", "Premier", "{ call: c1, requested: 100 }");
    project_yaml(v2, sizeof v2, "p1", "Second",
                 "{ call: c2, requested: 100 }, { call: c3, requested: 5 }");
    put(s, "project", "p1", v1, 1, 1);
    put(s, "project", "p1", v1, 1, 0);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM project_forms"), 1);
    put(s, "project", "p1", v2, 2, 1);
    assert_form(s, "p1", 0, 2, v2, "Second");
    assert_form(s, "p1", 1, 1, v1, "Premier");
    assert_form(s, "p1", 2, 2, v2, "Second");
    /* One row per call of each version. */
    assert_int_equal(raw_int(f, "SELECT count(*) FROM project_calls"), 3);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM project_calls WHERE project = 'p1'"
                                " AND version = 2 AND call IN ('c2', 'c3')"),
                     2);
    elg_store_form_release(NULL);

    elg_error_clear(&err);
    assert_int_equal(elg_store_get_project_form(s, "p9", 0, &sf, &err), ELG_ENOTFOUND);
    assert_string_equal(err.message, "pas de projet « p9 » dans le magasin");
    assert_null(sf.form);
    elg_error_clear(&err);
    assert_int_equal(elg_store_get_project_form(s, "p1", 3, &sf, &err), ELG_ENOTFOUND);
    assert_string_equal(err.message, "pas de version 3 du projet « p1 » dans le magasin");
    elg_store_close(s);
}

static void raw_put(const fixture *f, const char *kind, const char *id, int version,
                    const char *body);

/* A version stored without a form (before forms, and it fails today's
 * checks) is never replaced by an older version's form. */
static void test_version_without_form(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    elg_stored_form sf;
    elg_error err;
    char v1[512];

    project_yaml(v1, sizeof v1, "p1", "Premier", "{ call: c1, requested: 100 }");
    put(s, "project", "p1", v1, 1, 1);
    raw_put(f, "project", "p1", 2, "kind: project\nid: p1\ntitle: no longer valid\n");
    elg_error_clear(&err);
    assert_int_equal(elg_store_get_project_form(s, "p1", 0, &sf, &err), ELG_EINPUT);
    assert_string_equal(err.message,
                        "le projet « p1 » version 2 a été enregistré avant les formes compactes et "
                        "ne passe pas les contrôles actuels des documents : importez une version "
                        "corrigée");
    elg_error_clear(&err);
    assert_int_equal(elg_store_get_project_form(s, "p1", 2, &sf, &err), ELG_EINPUT);
    elg_error_clear(&err);
    assert_int_equal(elg_store_get_project_form(s, "p1", 1, &sf, &err), 0);
    assert_int_equal(sf.version, 1);
    elg_store_form_release(&sf);
    elg_store_close(s);
}

static void test_put_project_checked(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    static const char financer[] = "kind: financer\nid: MEL\nname: MEL\nnature: eu\n";
    elg_doc *doc = NULL;
    elg_error err;
    char body[512];
    int version = 0, created = 0;

    elg_error_clear(&err);
    assert_int_equal(elg_store_put_doc(s, "project", "p1", "a", 1, "p1.yaml", NULL, NULL, &err),
                     ELG_EINPUT);
    assert_string_equal(err.file, "p1.yaml");
    project_yaml(body, sizeof body, "p1", "T", "");
    elg_error_clear(&err);
    assert_int_equal(
        elg_store_put_doc(s, "project", "p2", body, strlen(body), "p2.yaml", NULL, NULL, &err),
        ELG_EUSAGE);
    assert_string_equal(err.message, "projet « p2 » : le document est le projet « p1 »");
    elg_error_clear(&err);
    assert_int_equal(
        elg_store_put_doc(s, "project", "MEL", financer, strlen(financer), NULL, NULL, NULL, &err),
        ELG_EUSAGE);
    assert_string_equal(err.message, "projet « MEL » : le document est de type financer");
    assert_int_equal(raw_int(f, "SELECT count(*) FROM documents"), 0);

    /* Already parsed: stored as it is, with its form. */
    elg_error_clear(&err);
    assert_int_equal(elg_doc_parse("p1.yaml", body, strlen(body), &doc, &err), 0);
    assert_int_equal(elg_store_put_project(s, elg_doc_project(doc), body, strlen(body), "p1.yaml",
                                           &version, &created, &err),
                     0);
    assert_int_equal(version, 1);
    assert_int_equal(created, 1);
    assert_form(s, "p1", 0, 1, body, "T");
    elg_doc_free(doc);
    elg_store_close(s);
}

/* A project version is never stored without its form, even inside the
 * caller's transaction: the failed write goes, the caller's other work stays. */
static void test_project_version_whole(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    elg_error err;
    char msg[256], body[512];

    assert_int_equal(raw_exec(f,
                              "CREATE TRIGGER no_forms BEFORE INSERT ON project_forms"
                              " BEGIN SELECT RAISE(ABORT, 'no form today'); END",
                              msg, sizeof msg),
                     SQLITE_OK);
    elg_store_close(s);
    s = open_store(f); /* sees the trigger */
    project_yaml(body, sizeof body, "p1", "T", "");
    elg_error_clear(&err);
    assert_int_equal(elg_store_begin(s, &err), 0);
    put(s, "financer", "MEL", "kind: financer\nid: MEL\nname: MEL\nnature: eu\n", 1, 1);
    assert_int_equal(
        elg_store_put_doc(s, "project", "p1", body, strlen(body), "p1.yaml", NULL, NULL, &err),
        ELG_ESTORE);
    assert_string_equal(err.message,
                        "enregistrement de la forme compacte du projet « p1 » : no form today");
    elg_error_clear(&err);
    assert_int_equal(elg_store_commit(s, &err), 0);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM documents WHERE kind = 'financer'"), 1);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM documents WHERE kind = 'project'"), 0);

    /* Alone, the same. */
    elg_error_clear(&err);
    assert_int_equal(
        elg_store_put_doc(s, "project", "p1", body, strlen(body), "p1.yaml", NULL, NULL, &err),
        ELG_ESTORE);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM documents WHERE kind = 'project'"), 0);
    elg_store_close(s);
}

/* When the document itself fails after its form was written, the form is
 * left without its document: the transaction then cannot commit it. */
static void test_project_form_without_document(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    elg_error err;
    char msg[256], body[512];

    assert_int_equal(raw_exec(f,
                              "CREATE TRIGGER no_projects BEFORE INSERT ON documents"
                              " WHEN NEW.kind = 'project'"
                              " BEGIN SELECT RAISE(ABORT, 'no project today'); END",
                              msg, sizeof msg),
                     SQLITE_OK);
    elg_store_close(s);
    s = open_store(f);
    project_yaml(body, sizeof body, "p1", "T", "{ call: c1, requested: 1 }");
    elg_error_clear(&err);
    assert_int_equal(elg_store_begin(s, &err), 0);
    put(s, "financer", "MEL", "kind: financer\nid: MEL\nname: MEL\nnature: eu\n", 1, 1);
    assert_int_equal(
        elg_store_put_doc(s, "project", "p1", body, strlen(body), "p1.yaml", NULL, NULL, &err),
        ELG_ESTORE);
    assert_string_equal(err.message,
                        "enregistrement du document project « p1 » : no project today");
    elg_error_clear(&err);
    assert_int_equal(elg_store_commit(s, &err), ELG_ESTORE);
    assert_string_equal(
        err.message,
        "validation des écritures dans le magasin : référence à une ligne absente refusée");
    assert_int_equal(raw_int(f, "SELECT count(*) FROM documents"), 0);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM project_forms"), 0);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM project_calls"), 0);
    elg_store_close(s);
}

typedef struct form_list {
    int count;
    char seen[8][64];
    int stop_after;
} form_list;

static int collect_form(void *ctx, const elg_stored_form *sf) {
    form_list *l = ctx;
    elg_form_project *fp = NULL;
    elg_error err;

    elg_error_clear(&err);
    /* Borrowed, but whole: it decodes. */
    assert_int_equal(elg_form_decode_project(sf->form, sf->form_len, &fp, &err), 0);
    assert_string_equal(elg_form_project_get(fp)->id, sf->id);
    elg_form_project_free(fp);
    assert_int_equal(strlen(sf->sha256), 64);
    snprintf(l->seen[l->count], sizeof l->seen[0], "%s@%d", sf->id, sf->version);
    l->count++;
    return l->stop_after && l->count == l->stop_after ? 5 : 0;
}

static void forms_of(elg_store *s, const char *call, form_list *l) {
    elg_error err;
    elg_error_clear(&err);
    memset(l, 0, sizeof *l);
    if (elg_store_each_project_form_for_call(s, call, collect_form, l, &err) != 0)
        fail_msg("elg_store_each_project_form_for_call: %s", err.message);
}

static void test_project_forms_for_call(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    form_list l;
    elg_error err;
    char b[5][512];

    put(s, "project", "p3",
        project_yaml(b[0], sizeof b[0], "p3", "T", "{ call: c1, requested: 1 }"), 1, 1);
    put(s, "project", "p1",
        project_yaml(b[1], sizeof b[1], "p1", "T",
                     "{ call: c1, requested: 1 }, { call: c2, requested: 1 }"),
        1, 1);
    put(s, "project", "p2",
        project_yaml(b[2], sizeof b[2], "p2", "T", "{ call: c1, requested: 1 }"), 1, 1);
    put(s, "project", "p2",
        project_yaml(b[3], sizeof b[3], "p2", "U", "{ call: c1, requested: 2 }"), 2, 1);
    /* p3's latest version left c1 for c2. */
    put(s, "project", "p3",
        project_yaml(b[4], sizeof b[4], "p3", "U", "{ call: c2, requested: 1 }"), 2, 1);

    forms_of(s, "c1", &l);
    assert_int_equal(l.count, 2);
    assert_string_equal(l.seen[0], "p1@1");
    assert_string_equal(l.seen[1], "p2@2");
    forms_of(s, "c2", &l);
    assert_int_equal(l.count, 2);
    assert_string_equal(l.seen[0], "p1@1");
    assert_string_equal(l.seen[1], "p3@2");
    forms_of(s, "c3", &l);
    assert_int_equal(l.count, 0);

    memset(&l, 0, sizeof l);
    l.stop_after = 1;
    elg_error_clear(&err);
    assert_int_equal(elg_store_each_project_form_for_call(s, "c1", collect_form, &l, &err), 5);
    assert_int_equal(l.count, 1);
    elg_store_close(s);
}

/* A call's projects are streamed in chunks, and the read is over before the
 * caller sees them: a caller that commits while walking (eligo batch) lets
 * the write-ahead log be checkpointed. Regression: one statement stepped
 * across the whole walk kept a read transaction open, and the log of a
 * million-project batch grew past 5 GB. */
typedef struct walk_probe {
    const fixture *f;
    elg_store *s;
    int count;
    long long wal_max; /* the largest size of the write-ahead log seen */
    char last[64];
    int out_of_order;
} walk_probe;

static int probe_form(void *ctx, const elg_stored_form *sf) {
    walk_probe *w = ctx;
    if (w->last[0] && strcmp(w->last, sf->id) >= 0)
        w->out_of_order++;
    snprintf(w->last, sizeof w->last, "%s", sf->id);
    /* The walker's own connection writes, as a batch storing its decisions
     * does (each write commits). */
    char fid[32], body[256], wal[600];
    snprintf(fid, sizeof fid, "F%d", w->count++);
    snprintf(body, sizeof body, "kind: financer\nid: %s\nname: F\nnature: eu\n", fid);
    put(w->s, "financer", fid, body, 1, 1);
    snprintf(wal, sizeof wal, "%s-wal", w->f->path);
    struct stat st;
    if (stat(wal, &st) == 0 && st.st_size > w->wal_max)
        w->wal_max = st.st_size;
    return 0;
}

static void test_forms_streamed_in_chunks(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    char b[512], id[32];
    for (int i = 0; i < 600; i++) {
        snprintf(id, sizeof id, "p%04d", i);
        put(s, "project", id, project_yaml(b, sizeof b, id, "T", "{ call: c1, requested: 1 }"), 1,
            1);
    }
    walk_probe w = {.f = f, .s = s};
    elg_error err;
    elg_error_clear(&err);
    assert_int_equal(elg_store_each_project_form_for_call(s, "c1", probe_form, &w, &err), 0);
    assert_int_equal(w.count, 600);
    assert_int_equal(w.out_of_order, 0);
    assert_string_equal(w.last, "p0599");
    /* Checkpointed as it goes (SQLite's default: at 1 000 pages, 4 MiB);
     * with the read held across the walk it passed 9 MiB here. */
    assert_true(w.wal_max > 0);
    if (w.wal_max >= 6 << 20)
        fail_msg("the write-ahead log reached %lld bytes during the walk", w.wal_max);
    elg_store_close(s);
}

/* The SQL of migrations 1 to n, as a store of schema version n was made (the C steps of
 * those migrations are not run: no project is stored yet). */
static void create_store_at(const fixture *f, int n) {
    char *sql = NULL, *end, msg[256], marker[32];
    size_t len = 0;
    elg_error err;

    elg_error_clear(&err);
    assert_int_equal(
        elg_files_read(ELIGO_SOURCE_DIR "/schemas/store.sql", 1 << 20, &sql, &len, &err), 0);
    snprintf(marker, sizeof marker, "\n-- migration: %d\n", n + 1);
    end = strstr(sql, marker);
    assert_non_null(end);
    end[1] = '\0';
    assert_int_equal(raw_exec(f, strstr(sql, "-- migration: 1\n"), msg, sizeof msg), SQLITE_OK);
    snprintf(marker, sizeof marker, "PRAGMA user_version = %d", n);
    assert_int_equal(raw_exec(f, marker, msg, sizeof msg), SQLITE_OK);
    free(sql);
}

/* Migration 1 alone, as stores were before the compact forms. */
static void create_v1_store(const fixture *f) {
    create_store_at(f, 1);
}

static void raw_put(const fixture *f, const char *kind, const char *id, int version,
                    const char *body) {
    char sha[ELG_SHA256_HEX], msg[256];
    char *sql;
    size_t size = strlen(body) * 2 + 512;

    elg_sha256_hex(body, strlen(body), sha);
    sql = malloc(size);
    assert_non_null(sql);
    /* The bodies here hold no quote. */
    assert_null(strchr(body, '\''));
    snprintf(sql, size,
             "INSERT INTO documents (kind, id, version, sha256, body, source)"
             " VALUES ('%s', '%s', %d, '%s', CAST('%s' AS BLOB), 'old.yaml')",
             kind, id, version, sha, body);
    assert_int_equal(raw_exec(f, sql, msg, sizeof msg), SQLITE_OK);
    free(sql);
}

/* Migration 7 widens the outcome constraint in place: a store made before
 * it keeps its decisions and takes `incomplete` ones, and still refuses an
 * outcome that is none of the four. */
static void test_migration_allows_incomplete(void **state) {
    fixture *f = *state;
    elg_store *s;
    char msg[256], text[64];
    const char *row = "INSERT INTO decisions (project, project_version, project_sha256, call,"
                      " call_version, call_sha256, ruleset_sha256, engine_version, outcome,"
                      " figures, trace) VALUES ('p1', 1, 'a', 'c1', 1, 'b', 'c', '0', '%s',"
                      " '{}', '{}')";
    char sql[512];

    create_v1_store(f);
    snprintf(sql, sizeof sql, row, "eligible");
    assert_int_equal(raw_exec(f, sql, msg, sizeof msg), SQLITE_OK);
    snprintf(sql, sizeof sql, row, "incomplete");
    assert_int_not_equal(raw_exec(f, sql, msg, sizeof msg), SQLITE_OK);

    s = open_store(f);
    elg_store_close(s);
    assert_int_equal(raw_int(f, "PRAGMA user_version"), elg_store_schema_version());
    assert_int_equal(raw_exec(f, sql, msg, sizeof msg), SQLITE_OK);
    snprintf(sql, sizeof sql, row, "maybe");
    assert_int_not_equal(raw_exec(f, sql, msg, sizeof msg), SQLITE_OK);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM decisions"), 2);
    raw_text(f, "PRAGMA integrity_check", text, sizeof text);
    assert_string_equal(text, "ok");
    assert_int_equal(raw_int(f, "SELECT instr(sql, '''incomplete''') > 0 FROM sqlite_schema"
                                " WHERE name = 'decisions'"),
                     1);
    /* Migration 9: no IN list left in either constraint, which refuse the same values. */
    assert_int_equal(raw_int(f, "SELECT count(*) FROM sqlite_schema WHERE name IN"
                                " ('decisions', 'documents') AND instr(sql, ' IN (') > 0"),
                     0);
    assert_int_not_equal(raw_exec(f,
                                  "INSERT INTO documents (kind, id, version, sha256, body, source)"
                                  " VALUES ('award', 'a', 1, printf('%064d', 0), x'00', 'a')",
                                  msg, sizeof msg),
                         SQLITE_OK);
    assert_non_null(strstr(msg, "CHECK constraint failed"));
}

static void test_migration_backfills_forms(void **state) {
    fixture *f = *state;
    elg_store *s;
    form_list l;
    char v1[512], v2[512], other[512];

    create_v1_store(f);
    project_yaml(v1, sizeof v1, "p1", "Premier", "{ call: c1, requested: 1 }");
    project_yaml(v2, sizeof v2, "p1", "Second", "{ call: c1, requested: 2 }");
    project_yaml(other, sizeof other, "p2", "Autre", "{ call: c2, requested: 1 }");
    raw_put(f, "project", "p1", 1, v1);
    raw_put(f, "project", "p1", 2, v2);
    raw_put(f, "project", "p2", 1, other);
    raw_put(f, "financer", "MEL", 1, "kind: financer\nid: MEL\nname: MEL\nnature: eu\n");

    s = open_store(f);
    assert_int_equal(raw_int(f, "PRAGMA user_version"), elg_store_schema_version());
    /* An older store keeps its page size: SQLite changes it only by rewriting the file. */
    assert_int_equal(raw_int(f, "PRAGMA page_size"), 4096);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM project_forms"), 3);
    assert_form(s, "p1", 0, 2, v2, "Second");
    assert_form(s, "p1", 1, 1, v1, "Premier");
    assert_form(s, "p2", 0, 1, other, "Autre");
    forms_of(s, "c1", &l);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.seen[0], "p1@2");
    elg_store_close(s);
}

/* Migration 8: the forms of format 1 (without a resource line's grant_reference) are encoded
 * again from the verbatim YAML, and the aid received gains its referenceDecision. */
static void test_migration_encodes_forms_again(void **state) {
    fixture *f = *state;
    elg_store *s;
    char v1[512], sql[1024], msg[256];

    create_store_at(f, 6); /* so that migration 7's own step runs too */
    project_yaml(v1, sizeof v1, "p1", "Premier", "{ call: c1, requested: 1 }");
    raw_put(f, "project", "p1", 1, v1);
    /* A form as eligo wrote it before: its format number is 1 (its content is not read). */
    snprintf(sql, sizeof sql,
             "INSERT INTO project_forms (id, version, sha256, form) SELECT id, version, sha256,"
             " X'930100' FROM documents WHERE id = 'p1';"
             "INSERT INTO project_calls (call, project, version) VALUES ('c1', 'p1', 1)");
    assert_int_equal(raw_exec(f, sql, msg, sizeof msg), SQLITE_OK);

    s = open_store(f);
    assert_int_equal(raw_int(f, "PRAGMA user_version"), elg_store_schema_version());
    assert_int_equal(raw_int(f, "SELECT count(*) FROM project_forms"), 1);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM project_calls"), 1);
    assert_form(s, "p1", 0, 1, v1, "Premier");
    assert_int_equal(raw_int(f, "SELECT count(*) FROM pragma_table_info('aid_received')"
                                " WHERE name = 'reference'"),
                     1);
    elg_store_close(s);
    /* The forms stay immutable. */
    assert_int_not_equal(raw_exec(f, "DELETE FROM project_forms", msg, sizeof msg), SQLITE_OK);
}

/* A project stored before forms that no longer passes the document checks
 * does not lock the store: the migration completes without its form, and
 * the version says why it cannot be evaluated. */
static void test_migration_skips_unparsable_project(void **state) {
    fixture *f = *state;
    elg_store *s = NULL;
    elg_stored_form sf;
    elg_error err;

    create_v1_store(f);
    raw_put(f, "project", "p1", 1, "kind: project\nid: p1\n");
    elg_error_clear(&err);
    assert_int_equal(elg_store_open(f->path, &s, &err), 0);
    assert_int_equal(raw_int(f, "PRAGMA user_version"), elg_store_schema_version());
    assert_int_equal(raw_int(f, "SELECT count(*) FROM project_forms"), 0);
    elg_error_clear(&err);
    assert_int_equal(elg_store_get_project_form(s, "p1", 0, &sf, &err), ELG_EINPUT);
    assert_non_null(strstr(err.message, "ne passe pas les contrôles actuels des documents"));
    elg_store_close(s);
}

/* ---- import batches ---------------------------------------------------- */

typedef struct batch_list {
    int count;
    char seen[8][96];
} batch_list;

static int collect_batch(void *ctx, const elg_batch_doc *d) {
    batch_list *l = ctx;
    snprintf(l->seen[l->count++], sizeof l->seen[0], "%lld %s %s/%s@%d %d", (long long)d->seq,
             d->path, d->kind, d->id, d->version, d->created);
    return 0;
}

static void test_batch(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    elg_batch_ref ref;
    batch_list l = {0};
    elg_error err;
    char *earlier = (char *)"x", body[512];
    int found = -1;

    elg_error_clear(&err);
    assert_int_equal(elg_store_begin(s, &err), 0);
    assert_int_equal(elg_store_batch_reset(s, &err), 0);
    project_yaml(body, sizeof body, "p1", "T", "{ call: c1, requested: 1 }");
    put(s, "project", "p1", body, 1, 1);
    assert_int_equal(elg_store_batch_note(s, 0, "p/p1.yaml", "project", "p1", 1, 1, &earlier, &err),
                     0);
    assert_null(earlier);
    assert_int_equal(elg_store_has_doc(s, "call", "c1", &found, &err), 0);
    assert_int_equal(found, 0);
    assert_int_equal(elg_store_batch_defer(s, 0, 0, "applies_to[0].call", "call", "c1", &err), 0);
    assert_int_equal(elg_store_batch_unresolved(s, &ref, &found, &err), 0);
    assert_int_equal(found, 1);
    assert_int_equal(ref.seq, 0);
    assert_string_equal(ref.path, "p/p1.yaml");
    assert_string_equal(ref.field, "applies_to[0].call");
    assert_string_equal(ref.kind, "call");
    assert_string_equal(ref.id, "c1");
    assert_int_equal(ref.body_len, strlen(body));
    assert_memory_equal(ref.body, body, strlen(body));
    elg_store_batch_ref_release(&ref);
    assert_null(ref.body);

    /* A later document of the batch satisfies it; the same id again is
     * refused with the first one's path. */
    put(s, "call", "c1", "c", 1, 1);
    assert_int_equal(elg_store_batch_note(s, 1, "c/c1.yaml", "call", "c1", 1, 1, &earlier, &err),
                     0);
    assert_int_equal(elg_store_has_doc(s, "call", "c1", &found, &err), 0);
    assert_int_equal(found, 1);
    assert_int_equal(elg_store_batch_unresolved(s, &ref, &found, &err), 0);
    assert_int_equal(found, 0);
    assert_int_equal(elg_store_batch_note(s, 2, "d/p1.yaml", "project", "p1", 1, 0, &earlier, &err),
                     0);
    assert_string_equal(earlier, "p/p1.yaml");
    free(earlier);

    assert_int_equal(elg_store_batch_each(s, collect_batch, &l, &err), 0);
    assert_int_equal(l.count, 2);
    assert_string_equal(l.seen[0], "0 p/p1.yaml project/p1@1 1");
    assert_string_equal(l.seen[1], "1 c/c1.yaml call/c1@1 1");
    assert_int_equal(elg_store_commit(s, &err), 0);

    /* Kept after the commit until the next reset; a rollback forgets. */
    memset(&l, 0, sizeof l);
    assert_int_equal(elg_store_batch_each(s, collect_batch, &l, &err), 0);
    assert_int_equal(l.count, 2);
    assert_int_equal(elg_store_begin(s, &err), 0);
    assert_int_equal(elg_store_batch_reset(s, &err), 0);
    elg_store_rollback(s);
    memset(&l, 0, sizeof l);
    assert_int_equal(elg_store_batch_each(s, collect_batch, &l, &err), 0);
    assert_int_equal(l.count, 2);
    assert_int_equal(elg_store_batch_reset(s, &err), 0);
    memset(&l, 0, sizeof l);
    assert_int_equal(elg_store_batch_each(s, collect_batch, &l, &err), 0);
    assert_int_equal(l.count, 0);
    /* TEMP tables: nothing of the batch in the database file. */
    assert_int_equal(raw_int(f, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'import_%'"),
                     0);
    elg_store_close(s);
}

/* ---- query plans ------------------------------------------------------- */

/*
 * The scans allowed, each for a reason: only these statements may read a
 * table from end to end.
 */
static const struct {
    const char *statement, *line;
} allowed_scans[] = {
    /* Listing every decision reads them all; by the date index, in order. */
    {"decision_list_all", "SCAN decisions USING INDEX decisions_by_date"},
    /* The import report: every document the batch read, once (TEMP). */
    {"batch_each", "SCAN temp.import_docs"},
    /* The deferred references, once at the end of an import; only forward and
     * missing references are there, each checked by index (TEMP). */
    {"batch_unresolved", "SCAN r"},
};

typedef struct plan_check {
    int count;
    char bad[4096];
    size_t bad_len;
    char form_for_call[1024];
    char form_for_call_since[1024];
    char since_fill[1024];
} plan_check;

static int check_plan(void *ctx, const char *name, const char *plan) {
    plan_check *c = ctx;
    const char *line = plan;

    c->count++;
    if (strcmp(name, "form_for_call") == 0)
        snprintf(c->form_for_call, sizeof c->form_for_call, "%s", plan);
    if (strcmp(name, "form_for_call_since") == 0)
        snprintf(c->form_for_call_since, sizeof c->form_for_call_since, "%s", plan);
    if (strcmp(name, "since_fill") == 0)
        snprintf(c->since_fill, sizeof c->since_fill, "%s", plan);
    while (*line) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        int ok =
            strncmp(line, "SCAN ", 5) != 0 || (n == 17 && !strncmp(line, "SCAN CONSTANT ROW", n));

        for (size_t i = 0; !ok && i < sizeof allowed_scans / sizeof allowed_scans[0]; i++)
            ok = strcmp(name, allowed_scans[i].statement) == 0 &&
                 strlen(allowed_scans[i].line) == n && !strncmp(line, allowed_scans[i].line, n);
        if (!ok)
            c->bad_len += (size_t)snprintf(c->bad + c->bad_len, sizeof c->bad - c->bad_len,
                                           "%s: %.*s\n", name, (int)n, line);
        if (c->bad_len >= sizeof c->bad)
            c->bad_len = sizeof c->bad - 1;
        line += n + (end ? 1 : 0);
    }
    return 0;
}

static void test_every_query_indexed(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    plan_check c = {0};
    elg_error err;

    elg_error_clear(&err);
    assert_int_equal(elg_store_explain_each(s, check_plan, &c, &err), 0);
    if (c.bad_len)
        fail_msg("statements reading a whole table:\n%s", c.bad);
    /* 49 prepared statements, the backfill, 32 decision listings. */
    assert_int_equal(c.count, 49 + 1 + 32);
    /* Streaming a call's projects, a chunk after the last id read, neither
     * reads other calls nor sorts. */
    assert_non_null(strstr(c.form_for_call, "SEARCH c USING PRIMARY KEY (call=? AND project>?)"));
    assert_null(strstr(c.form_for_call, "TEMP B-TREE"));
    /* An incremental batch reads the projects imported since its date, from
     * the index on the import date, in id order: not the whole call. */
    assert_non_null(strstr(c.since_fill, "documents_by_import (kind=? AND imported_at>?)"));
    assert_non_null(strstr(c.form_for_call_since, "SEARCH s USING PRIMARY KEY (id>?)"));
    assert_non_null(strstr(c.form_for_call_since, "(project=? AND version=? AND call=?)"));
    assert_null(strstr(c.form_for_call_since, "TEMP B-TREE"));
    elg_store_close(s);
}

/* The store remembers the ruleset it last found, so that each decision of
 * a batch does not ask again; a rollback that undid its insert forgets it. */
static void test_ruleset_seen_forgotten_on_rollback(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    elg_error err;
    const char *sha = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    int has = -1;

    elg_error_clear(&err);
    assert_int_equal(elg_store_begin(s, &err), 0);
    assert_int_equal(elg_store_put_ruleset(s, sha, "{}", 2, NULL, 0, &err), 0);
    assert_int_equal(elg_store_has_ruleset(s, sha, &has, &err), 0);
    assert_int_equal(has, 1);
    elg_store_rollback(s);
    assert_int_equal(elg_store_has_ruleset(s, sha, &has, &err), 0);
    assert_int_equal(has, 0);
    assert_int_equal(elg_store_begin(s, &err), 0);
    assert_int_equal(elg_store_put_ruleset(s, sha, "{}", 2, NULL, 0, &err), 0);
    assert_int_equal(elg_store_commit(s, &err), 0);
    assert_int_equal(elg_store_has_ruleset(s, sha, &has, &err), 0);
    assert_int_equal(has, 1);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM rulesets"), 1);
    elg_store_close(s);
}

/* A batch writes a call's projects in id order: the unique key of its
 * decisions starts with the project, so that an insert walks the index
 * forward instead of touching a random page of it (migrations 6 and 12),
 * and the same index lists a project's decisions. */
static void test_batch_key_in_write_order(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    char cols[256];
    raw_text(f,
             "SELECT group_concat(name, ',') FROM (SELECT name FROM"
             " pragma_index_info('decisions_by_project') ORDER BY seqno)",
             cols, sizeof cols);
    assert_string_equal(cols, "project,inputs_key");
    assert_int_equal(raw_int(f, "SELECT \"unique\" FROM pragma_index_list('decisions')"
                                " WHERE name = 'decisions_by_project'"),
                     1);
    /* Writing a decision updates four indexes, no more. */
    assert_int_equal(raw_int(f, "SELECT count(*) FROM pragma_index_list('decisions')"), 4);
    elg_store_close(s);
}

/* An eligible decision of call c1 with its record trace, for ruleset sha. */
static elg_stored_decision record_row(const char *project, const char *trace, const char *sha) {
    return (elg_stored_decision){
        .project = (char *)project,
        .project_version = 1,
        .project_sha256 = (char *)"psha",
        .call = (char *)"c1",
        .call_version = 1,
        .call_sha256 = (char *)"csha",
        .ruleset_sha256 = (char *)"rsha",
        .engine_version = (char *)"0.1.0",
        .outcome = (char *)"eligible",
        .figures = (char *)"{}",
        .trace = (char *)trace,
        .ruleset = (char *)sha,
    };
}

/* ---- statement journals ------------------------------------------------ */

/* A VFS that counts the writes SQLite makes into statement-journal files
 * and passes everything to the default one. */
static sqlite3_vfs counting_vfs, *base_vfs;
static long subjournal_writes;

typedef struct counted_file {
    sqlite3_file base; /* pMethods: counted_methods, or the real file's when not counted */
    sqlite3_file *real;
} counted_file;
static sqlite3_io_methods counted_methods;

static int counted_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off) {
    subjournal_writes++;
    sqlite3_file *real = ((counted_file *)f)->real;
    return real->pMethods->xWrite(real, buf, n, off);
}
static int counted_close(sqlite3_file *f) {
    sqlite3_file *real = ((counted_file *)f)->real;
    int rc = real->pMethods->xClose(real);
    sqlite3_free(real);
    return rc;
}
#define FORWARD(name, sig, args)                                                                   \
    static int counted_##name sig {                                                                \
        sqlite3_file *real = ((counted_file *)f)->real;                                            \
        return real->pMethods->x##name args;                                                       \
    }
FORWARD(Read, (sqlite3_file * f, void *b, int n, sqlite3_int64 o), (real, b, n, o))
FORWARD(Truncate, (sqlite3_file * f, sqlite3_int64 size), (real, size))
FORWARD(Sync, (sqlite3_file * f, int flags), (real, flags))
FORWARD(FileSize, (sqlite3_file * f, sqlite3_int64 *size), (real, size))
FORWARD(Lock, (sqlite3_file * f, int l), (real, l))
FORWARD(Unlock, (sqlite3_file * f, int l), (real, l))
FORWARD(CheckReservedLock, (sqlite3_file * f, int *out), (real, out))
FORWARD(FileControl, (sqlite3_file * f, int op, void *arg), (real, op, arg))
FORWARD(SectorSize, (sqlite3_file * f), (real))
FORWARD(DeviceCharacteristics, (sqlite3_file * f), (real))

static int counting_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out) {
    (void)vfs;
    if (!(flags & SQLITE_OPEN_SUBJOURNAL))
        return base_vfs->xOpen(base_vfs, name, f, flags, out);
    counted_file *cf = (counted_file *)f;
    cf->base.pMethods = NULL;
    cf->real = sqlite3_malloc(base_vfs->szOsFile);
    if (!cf->real)
        return SQLITE_NOMEM;
    int rc = base_vfs->xOpen(base_vfs, name, cf->real, flags, out);
    if (rc != SQLITE_OK) {
        sqlite3_free(cf->real);
        return rc;
    }
    counted_methods = (sqlite3_io_methods){
        .iVersion = 1,
        .xClose = counted_close,
        .xRead = counted_Read,
        .xWrite = counted_write,
        .xTruncate = counted_Truncate,
        .xSync = counted_Sync,
        .xFileSize = counted_FileSize,
        .xLock = counted_Lock,
        .xUnlock = counted_Unlock,
        .xCheckReservedLock = counted_CheckReservedLock,
        .xFileControl = counted_FileControl,
        .xSectorSize = counted_SectorSize,
        .xDeviceCharacteristics = counted_DeviceCharacteristics,
    };
    cf->base.pMethods = &counted_methods;
    return SQLITE_OK;
}

/* Storing thousands of 4-5 KiB decisions in one transaction, as a batch
 * does, writes almost nothing into statement journals: with RETURNING on
 * the insert, every decision of a batch's transaction wrote eight pages
 * there, three quarters of its writes. */
static void test_few_statement_journal_writes(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    elg_error err;
    const char *sha = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    char *trace = malloc(4600), project[32], created[40];
    enum { N = 3000 };

    assert_non_null(trace);
    memset(trace, 'x', 4599);
    trace[0] = '"';
    trace[4598] = '"';
    trace[4599] = '\0';
    elg_error_clear(&err);
    assert_int_equal(elg_store_begin(s, &err), 0);
    assert_int_equal(elg_store_put_ruleset(s, sha, "{}", 2, NULL, 0, &err), 0);
    assert_int_equal(elg_store_commit(s, &err), 0);
    elg_store_close(s);

    base_vfs = sqlite3_vfs_find(NULL);
    counting_vfs = *base_vfs;
    counting_vfs.zName = "elg-counting";
    counting_vfs.szOsFile = (int)sizeof(counted_file) > base_vfs->szOsFile
                                ? (int)sizeof(counted_file)
                                : base_vfs->szOsFile;
    counting_vfs.xOpen = counting_open;
    assert_int_equal(sqlite3_vfs_register(&counting_vfs, 1), SQLITE_OK);
    subjournal_writes = 0;
    s = open_store(f);
    assert_int_equal(elg_store_begin(s, &err), 0);
    for (int i = 0; i < N; i++) {
        snprintf(project, sizeof project, "p%05d", i);
        elg_stored_decision d = record_row(project, trace, sha);
        int64_t id = 0;
        if (elg_store_add_decision_record(s, &d, &id, created, sizeof created, &err))
            fail_msg("decision %d: %s", i, err.message);
    }
    assert_int_equal(elg_store_commit(s, &err), 0);
    elg_store_close(s);
    sqlite3_vfs_unregister(&counting_vfs);
    free(trace);
    /* With RETURNING: about 16 writes (page and page number) per decision. */
    if (subjournal_writes > N / 2)
        fail_msg("%ld writes into statement journals for %d decisions", subjournal_writes, N);
}

/* A batch's decision is stored once per inputs key: the same key again
 * writes nothing and hands back the stored decision; another key of the
 * same project, or a decision without key (eligo check), is a new row; the
 * project's listing gives them all in the order they were made. */
static void test_keyed_decision_once(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    elg_error err;
    const char *sha = "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd";
    const char *k1 = "1111111111111111111111111111111111111111111111111111111111111111";
    const char *k2 = "2222222222222222222222222222222222222222222222222222222222222222";
    char created[40], again_at[40];
    int64_t first = 0, again = 0, other = 0, unkeyed[2] = {0}, elsewhere = 0;
    int made = -1;
    elg_stored_decision d = record_row("p1", "{}", sha);
    elg_stored_decision q = record_row("p2", "{}", sha);
    decision_list l;

    elg_error_clear(&err);
    assert_int_equal(elg_store_begin(s, &err), 0);
    assert_int_equal(elg_store_put_ruleset(s, sha, "{}", 2, NULL, 0, &err), 0);
    assert_int_equal(
        elg_store_add_decision_record(s, &d, &unkeyed[0], created, sizeof created, &err), 0);
    next_millisecond();
    assert_int_equal(
        elg_store_add_decision_keyed(s, &d, k1, &first, created, sizeof created, &made, &err), 0);
    assert_int_equal(made, 1);
    /* The same key for another project is that project's own decision. */
    assert_int_equal(
        elg_store_add_decision_keyed(s, &q, k1, &elsewhere, again_at, sizeof again_at, &made, &err),
        0);
    assert_int_equal(made, 1);
    next_millisecond();
    assert_int_equal(
        elg_store_add_decision_keyed(s, &d, k1, &again, again_at, sizeof again_at, &made, &err), 0);
    assert_int_equal(made, 0);
    assert_int_equal(again, first);
    assert_string_equal(again_at, created);
    assert_int_equal(
        elg_store_add_decision_keyed(s, &d, k2, &other, again_at, sizeof again_at, &made, &err), 0);
    assert_int_equal(made, 1);
    next_millisecond();
    assert_int_equal(
        elg_store_add_decision_record(s, &d, &unkeyed[1], again_at, sizeof again_at, &err), 0);
    assert_int_equal(elg_store_commit(s, &err), 0);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM decisions"), 5);

    list(s, &(elg_decision_filter){.project = "p1"}, &l);
    assert_int_equal(l.count, 4);
    assert_int_equal(l.id[0], unkeyed[0]);
    assert_int_equal(l.id[1], first);
    assert_int_equal(l.id[2], other);
    assert_int_equal(l.id[3], unkeyed[1]);
    list(s, &(elg_decision_filter){.project = "p1", .since = created}, &l);
    assert_int_equal(l.count, 3);
    assert_int_equal(l.id[0], first);
    elg_store_close(s);
}

/* The store stamps a decision itself (no RETURNING, no column default): the
 * same text as SQLite's strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), handed back
 * and stored, and the id is the row's. */
static void test_decision_stamp(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    elg_error err;
    const char *sha = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";
    char created[40], sql[160], stored[40], now[40];
    int64_t id = 0;
    elg_stored_decision d = record_row("p1", "{}", sha);

    elg_error_clear(&err);
    assert_int_equal(elg_store_begin(s, &err), 0);
    assert_int_equal(elg_store_put_ruleset(s, sha, "{}", 2, NULL, 0, &err), 0);
    assert_int_equal(elg_store_add_decision_record(s, &d, &id, created, sizeof created, &err), 0);
    assert_int_equal(elg_store_commit(s, &err), 0);
    elg_store_close(s);
    assert_true(id > 0);
    snprintf(sql, sizeof sql, "SELECT created_at FROM decisions WHERE id = %lld", (long long)id);
    raw_text(f, sql, stored, sizeof stored);
    assert_string_equal(stored, created);
    /* 2026-12-01T14:49:14.123Z */
    assert_int_equal(strlen(created), 24);
    for (int i = 0; i < 24; i++) {
        bool sep = i == 4 || i == 7 || i == 10 || i == 13 || i == 16 || i == 19 || i == 23;
        assert_true(sep || (created[i] >= '0' && created[i] <= '9'));
    }
    assert_int_equal(created[4], '-');
    assert_int_equal(created[7], '-');
    assert_int_equal(created[10], 'T');
    assert_int_equal(created[13], ':');
    assert_int_equal(created[16], ':');
    assert_int_equal(created[19], '.');
    assert_int_equal(created[23], 'Z');
    /* The same clock as SQLite's: at most a few seconds before its now. */
    snprintf(sql, sizeof sql,
             "SELECT CAST(round((julianday('now') - julianday('%s')) * 86400000) AS INTEGER)",
             created);
    raw_text(f, sql, now, sizeof now);
    assert_true(atol(now) >= 0 && atol(now) < 10000);
}

/* ---- compressed records (migration 10) --------------------------------- */

/* The i-th test record: JSON like a decision's record, varying as theirs
 * do (amounts, names), written into buf. */
static const char *record_text(char *buf, size_t size, int i) {
    snprintf(buf, size,
             "{\"format\":4,\"paths\":[\"applicants[].name\",\"expenses[].amount\"],"
             "\"facts\":[[0,0,\"Porteur %d\"],[1,0,%d],[1,1,%d]],\"rules\":["
             "{\"status\":\"pass\",\"message\":\"Statuts éligibles : Porteur %d (association)\","
             "\"facts\":[0],\"duration_us\":%d},"
             "{\"status\":\"%s\",\"message\":\"Matériel : %d,%02d € ≤ plafond 80 820,00 €\","
             "\"facts\":[1,2],\"figures\":{\"amount\":%d,\"max\":8082000},\"duration_us\":3}]}",
             i, 1000 + i * 37, 52 * i, i, i % 7, i % 3 ? "pass" : "fail", i * 13, i % 100,
             i * 1301);
    return buf;
}

static void add_records(elg_store *s, const char *ruleset, int from, int to, int64_t *ids) {
    elg_error err;
    char trace[1024], project[32], created[40];
    elg_error_clear(&err);
    for (int i = from; i < to; i++) {
        snprintf(project, sizeof project, "p%05d", i);
        elg_stored_decision d = record_row(project, record_text(trace, sizeof trace, i), ruleset);
        if (elg_store_add_decision_record(s, &d, &ids[i], created, sizeof created, &err))
            fail_msg("record %d: %s", i, err.message);
    }
}

static void assert_records(elg_store *s, const int64_t *ids, int from, int to) {
    elg_error err;
    char trace[1024];
    elg_error_clear(&err);
    for (int i = from; i < to; i++) {
        elg_stored_decision d;
        if (elg_store_get_decision(s, ids[i], &d, &err))
            fail_msg("decision %lld: %s", (long long)ids[i], err.message);
        assert_string_equal(d.trace, record_text(trace, sizeof trace, i));
        elg_store_decision_release(&d);
    }
}

typedef struct record_walk {
    int next;
    int bad;
} record_walk;

static int check_walked(void *ctx, const elg_stored_decision *d) {
    record_walk *w = ctx;
    char trace[1024];
    w->bad += strcmp(d->trace, record_text(trace, sizeof trace, w->next++)) != 0;
    return 0;
}

/* A ruleset's first 64 records are stored as they are, the rest compressed
 * with the dictionary made from them; every read gives back the same text
 * (one by one and in a listing); another connection finds the dictionary
 * and compresses from its first record. */
static void test_records_compressed(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    elg_error err;
    const char *sha = "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd";
    enum { N = 200, MORE = 20 };
    int64_t ids[N + MORE];

    elg_error_clear(&err);
    assert_int_equal(elg_store_begin(s, &err), 0);
    assert_int_equal(elg_store_put_ruleset(s, sha, "{}", 2, NULL, 0, &err), 0);
    add_records(s, sha, 0, N, ids);
    assert_int_equal(elg_store_commit(s, &err), 0);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM trace_dicts"), 1);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM decisions WHERE trace_z IS NULL"
                                " AND trace <> '' AND id <= 64"),
                     64);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM decisions WHERE trace_z IS NOT NULL"
                                " AND trace = '' AND trace_dict = 1 AND id > 64"),
                     N - 64);
    /* Smaller: the records here are about 400 bytes. */
    assert_true(raw_int(f, "SELECT max(length(trace_z)) FROM decisions") < 200);
    assert_records(s, ids, 0, N);
    record_walk w = {0};
    assert_int_equal(elg_store_each_decision(s, NULL, check_walked, &w, &err), 0);
    assert_int_equal(w.next, N);
    assert_int_equal(w.bad, 0);
    elg_store_close(s);

    s = open_store(f);
    assert_int_equal(elg_store_begin(s, &err), 0);
    add_records(s, sha, N, N + MORE, ids);
    assert_int_equal(elg_store_commit(s, &err), 0);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM trace_dicts"), 1);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM decisions WHERE trace_z IS NOT NULL"),
                     N + MORE - 64);
    assert_records(s, ids, 0, N + MORE);
    elg_store_close(s);
}

/* Two rulesets' records in alternation (a call's editions in a batch):
 * each ruleset gets its dictionary after its own first 64, and every
 * record reads back. */
static void test_records_of_two_rulesets(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    elg_error err;
    const char *sha[2] = {"2222222222222222222222222222222222222222222222222222222222222222",
                          "3333333333333333333333333333333333333333333333333333333333333333"};
    enum { N = 200 };
    int64_t ids[N];

    elg_error_clear(&err);
    assert_int_equal(elg_store_begin(s, &err), 0);
    for (int k = 0; k < 2; k++)
        assert_int_equal(elg_store_put_ruleset(s, sha[k], "{}", 2, NULL, 0, &err), 0);
    for (int i = 0; i < N; i++)
        add_records(s, sha[i % 2], i, i + 1, ids);
    assert_int_equal(elg_store_commit(s, &err), 0);
    assert_int_equal(raw_int(f, "SELECT count(DISTINCT ruleset) FROM trace_dicts"), 2);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM decisions WHERE trace_z IS NOT NULL"),
                     N - 2 * 64);
    assert_records(s, ids, 0, N);
    elg_store_close(s);
}

/* Records all the same ("{}"), whose dictionary has nothing to learn,
 * read back. */
static void test_records_all_alike(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    elg_error err;
    const char *sha = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
    char created[40];
    int64_t id = 0;

    elg_error_clear(&err);
    assert_int_equal(elg_store_begin(s, &err), 0);
    assert_int_equal(elg_store_put_ruleset(s, sha, "{}", 2, NULL, 0, &err), 0);
    for (int i = 0; i < 100; i++) {
        elg_stored_decision d = record_row("p", "{}", sha);
        assert_int_equal(elg_store_add_decision_record(s, &d, &id, created, sizeof created, &err),
                         0);
    }
    assert_int_equal(elg_store_commit(s, &err), 0);
    for (int64_t i = 1; i <= id; i++) {
        elg_stored_decision d;
        assert_int_equal(elg_store_get_decision(s, i, &d, &err), 0);
        assert_string_equal(d.trace, "{}");
        elg_store_decision_release(&d);
    }
    elg_store_close(s);
}

/* A rollback undoes the dictionary made in its transaction: the store
 * forgets it, makes another from the next records, and reads all back. */
static void test_record_dictionary_rolled_back(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    elg_error err;
    const char *sha = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
    enum { N = 80 };
    int64_t ids[N];

    elg_error_clear(&err);
    assert_int_equal(elg_store_begin(s, &err), 0);
    assert_int_equal(elg_store_put_ruleset(s, sha, "{}", 2, NULL, 0, &err), 0);
    add_records(s, sha, 0, N, ids);
    elg_store_rollback(s);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM trace_dicts"), 0);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM decisions"), 0);
    assert_int_equal(elg_store_begin(s, &err), 0);
    assert_int_equal(elg_store_put_ruleset(s, sha, "{}", 2, NULL, 0, &err), 0);
    add_records(s, sha, 0, N, ids);
    assert_int_equal(elg_store_commit(s, &err), 0);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM trace_dicts"), 1);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM decisions WHERE trace_z IS NOT NULL"),
                     N - 64);
    assert_records(s, ids, 0, N);
    elg_store_close(s);
}

/* A damaged compressed record is refused with the decision's number, never
 * read as other text: cut short, or its checksum changed. */
static void test_damaged_record_refused(void **state) {
    fixture *f = *state;
    elg_store *s = open_store(f);
    elg_error err;
    const char *sha = "1111111111111111111111111111111111111111111111111111111111111111";
    enum { N = 70 };
    int64_t ids[N];
    char msg[256];
    static const char *const damage[] = {
        "UPDATE decisions SET trace_z = substr(trace_z, 1, length(trace_z) - 1) WHERE id = 66",
        "UPDATE decisions SET trace_z = CAST(substr(trace_z, 1, length(trace_z) - 4) ||"
        " (CASE WHEN substr(trace_z, -4) = x'00000000' THEN x'01000000' ELSE x'00000000' END)"
        " AS BLOB) WHERE id = 67",
        "UPDATE decisions SET trace_z = CAST(trace_z || x'00' AS BLOB) WHERE id = 68",
        "UPDATE decisions SET trace_dict = 99 WHERE id = 69",
    };

    elg_error_clear(&err);
    assert_int_equal(elg_store_begin(s, &err), 0);
    assert_int_equal(elg_store_put_ruleset(s, sha, "{}", 2, NULL, 0, &err), 0);
    add_records(s, sha, 0, N, ids);
    assert_int_equal(elg_store_commit(s, &err), 0);
    elg_store_close(s);
    assert_int_equal(
        raw_exec(f, "PRAGMA foreign_keys = OFF; DROP TRIGGER decisions_no_update", msg, sizeof msg),
        SQLITE_OK);
    for (size_t i = 0; i < sizeof damage / sizeof damage[0]; i++)
        if (raw_exec(f, damage[i], msg, sizeof msg) != SQLITE_OK)
            fail_msg("%s: %s", damage[i], msg);
    s = open_store(f);
    for (int64_t id = 66; id <= 69; id++) {
        elg_stored_decision d;
        char want[32];
        elg_error_clear(&err);
        assert_int_equal(elg_store_get_decision(s, id, &d, &err), ELG_ESTORE);
        snprintf(want, sizeof want, "%lld", (long long)id);
        if (!strstr(err.message, want))
            fail_msg("decision %lld: %s", (long long)id, err.message);
    }
    /* The others still read. */
    assert_records(s, ids, 0, 65);
    assert_records(s, ids, 69, N);
    elg_store_close(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_creates_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wal_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_put_doc_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_put_doc_binary_and_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_put_doc_bad_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_doc_not_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each_doc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transaction_rollback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rule_sources, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decision_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decision_is_atomic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each_decision_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_walks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decisions_append_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_project_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version_without_form, setup, teardown),
        cmocka_unit_test_setup_teardown(test_put_project_checked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_project_version_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(test_project_form_without_document, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forms_streamed_in_chunks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_project_forms_for_call, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_backfills_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_encodes_forms_again, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_skips_unparsable_project, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_query_indexed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_key_in_write_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keyed_decision_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_allows_incomplete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_few_statement_journal_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decision_stamp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ruleset_seen_forgotten_on_rollback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_records_compressed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_records_all_alike, setup, teardown),
        cmocka_unit_test_setup_teardown(test_records_of_two_rulesets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_record_dictionary_rolled_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_record_refused, setup, teardown),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
