/*
 * decisions: eligo's stored decisions for a call as bench/run.sh compares
 * them with the peers', one line a decision in project order:
 *
 *     PROJECT OUTCOME R1,R4      (the failed rules, "-" when none)
 *
 * a failed rule named by the part of its id before the dash (R5-materiel ->
 * R5). Records are read through the engine (elg_check_load_decision_with:
 * the store decompresses them, store migration 10, and the reader names
 * the rules a record gives by position): SQL on the trace column alone no
 * longer sees them. The ruleset is read once, not once a decision.
 *
 * Usage: eligo_bench_decisions DB CALL_ID
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "decision.h"
#include "store.h"

/* The ruleset of the last decision read, kept: a batch's decisions share
 * one (per edition), and reading its JSON again for each of a million
 * decisions would be most of this program's time. */
typedef struct rulesets {
    elg_store *store;
    elg_ruleset *last;
} rulesets;

static int find_ruleset(void *ctx, const char *sha256, elg_ruleset **rs, elg_error *err) {
    rulesets *c = ctx;
    if (!c->last || strcmp(c->last->sha256, sha256) != 0) {
        elg_ruleset *found = NULL;
        int rc = elg_check_find_ruleset(c->store, sha256, &found, err);
        if (rc)
            return rc;
        elg_ruleset_unref(c->last);
        c->last = found;
    }
    *rs = elg_ruleset_ref(c->last);
    return 0;
}

static int print_decision(rulesets *c, int64_t id) {
    elg_decision *d = NULL;
    elg_error err = {0};
    if (elg_check_load_decision_with(c->store, id, find_ruleset, c, &d, &err)) {
        fprintf(stderr, "eligo_bench_decisions: %s\n", err.message);
        return 1;
    }
    printf("%s %s ", d->project, elg_outcome_name(d->outcome));
    int any = 0;
    for (size_t i = 0; i < d->rules_count; i++) {
        const elg_rule_result *r = &d->rules[i];
        if (r->status != ELG_RULE_FAIL)
            continue;
        const char *dash = strchr(r->id, '-');
        printf("%s%.*s", any ? "," : "", (int)(dash ? (size_t)(dash - r->id) : strlen(r->id)),
               r->id);
        any = 1;
    }
    puts(any ? "" : "-");
    elg_decision_free(d);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: eligo_bench_decisions DB CALL_ID\n");
        return 2;
    }
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    elg_store *store = NULL;
    elg_error err = {0};
    int rc = 0;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT id FROM decisions WHERE call = ?1 ORDER BY project, id", -1,
                           &st, NULL) != SQLITE_OK ||
        sqlite3_bind_text(st, 1, argv[2], -1, SQLITE_STATIC) != SQLITE_OK) {
        fprintf(stderr, "eligo_bench_decisions: %s: %s\n", argv[1],
                db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return 1;
    }
    if (elg_store_open_existing(argv[1], &store, &err)) {
        fprintf(stderr, "eligo_bench_decisions: %s: %s\n", argv[1], err.message);
        rc = 1;
    }
    rulesets c = {store, NULL};
    int step = SQLITE_DONE;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
        rc = print_decision(&c, sqlite3_column_int64(st, 0));
    elg_ruleset_unref(c.last);
    if (rc == 0 && step != SQLITE_DONE) {
        fprintf(stderr, "eligo_bench_decisions: %s: %s\n", argv[1], sqlite3_errmsg(db));
        rc = 1;
    }
    if (rc == 0 && (fflush(stdout) != 0 || ferror(stdout))) {
        fprintf(stderr, "eligo_bench_decisions: cannot write the decisions\n");
        rc = 1;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    elg_store_close(store);
    return rc;
}
