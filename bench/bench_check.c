/*
 * bench_check: how fast eligo evaluates projects, phase by phase.
 *
 * Generates N variants of the seed project of deliberation 001 (each with
 * its own id and amounts, so no two documents are identical), then times:
 *   parse     YAML text -> document model (libcyaml + value checks)
 *   evaluate  the MEL call's rules in the sandbox against the call prepared
 *             once, the decision built and written as its stored record
 *   check     the whole `eligo check` path per project: read the stored
 *             project, parse, evaluate, figures, hashes, store the decision
 *             (one transaction per project, as the CLI does)
 * Usage: eligo_bench [N] [--no-store] (default 2000; --no-store skips the
 * check phase, for profiling the in-memory phases alone). Prints one line per phase with the
 * projects per second; figures go in README.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "doc.h"
#include "eval.h"
#include "import.h"
#include "rules.h"
#include "store.h"

#ifndef ELIGO_SOURCE_DIR
#error "ELIGO_SOURCE_DIR must be defined"
#endif

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int die(const elg_error *err) {
    char buf[1400];
    fprintf(stderr, "bench: %s\n", elg_error_format(err, buf, sizeof buf));
    return 1;
}

/* The i-th project: the seed plan with its equipment and services lines
 * shifted by i cents so every document differs but still balances. */
static char *project_yaml(int i) {
    long equipment = 8082000 - i % 1000, services = 56918000 + i % 1000;
    size_t size = 4096;
    char *buf = malloc(size);
    if (!buf)
        return NULL;
    snprintf(
        buf, size,
        "kind: project\n"
        "id: bench-%d\n"
        "title: \"Projet de banc d'essai %d\"\n"
        "applicants:\n"
        "  - { name: \"Association A\", status: association, commune: Lille, share: \"50 %%\" }\n"
        "  - { name: \"Association B\", status: association, commune: Roubaix, share: \"50 %%\" }\n"
        "territory: [Lille, Roubaix]\n"
        "period: { start: 2018-01-01, end: 2019-12-31 }\n"
        "expenses:\n"
        "  - { category: staff, label: Coordinateur, amount: \"180 000,00 €\" }\n"
        "  - { category: staff, label: Innovation, amount: \"340 000,00 €\" }\n"
        "  - { category: staff, label: Animation, amount: \"320 000,00 €\" }\n"
        "  - { category: staff, label: Fonctionnels, amount: \"210 000,00 €\" }\n"
        "  - { category: services, label: Communication, amount: \"300 000,00 €\" }\n"
        "  - { category: services, label: Accompagnement, amount: \"%ld.%02ld\" }\n"
        "  - { category: equipment, label: Matériel, amount: \"%ld.%02ld\" }\n"
        "resources:\n"
        "  - { financer: FEDER, amount: \"1 300 000,00 €\" }\n"
        "  - { financer: ETAT, amount: \"300 000,00 €\" }\n"
        "  - { financer: CD59, amount: \"200 000,00 €\" }\n"
        "  - { financer: CAF, amount: \"140 000,00 €\" }\n"
        "  - { financer: MEL, amount: \"60 000,00 €\", earmark: staff }\n"
        "applies_to:\n"
        "  - { call: mel-strategie-digitale-2018, requested: \"60 000,00 €\" }\n",
        i, i, services / 100, services % 100, equipment / 100, equipment % 100);
    return buf;
}

static void report(const char *phase, int n, double seconds) {
    printf("%-10s %7d projects in %8.3f s  %10.0f projects/s  %8.1f us/project\n", phase, n,
           seconds, n / seconds, seconds * 1e6 / n);
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 2000;
    int no_store = argc > 2 && strcmp(argv[2], "--no-store") == 0;
    if (n <= 0)
        n = 2000;
    elg_error err = {0};
    char dir[] = "/tmp/eligo-bench-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char db[64], path[600];
    snprintf(db, sizeof db, "%s/bench.db", dir);
    elg_store *store = NULL;
    elg_rules *rules = NULL;
    int rc = 1;
    char **texts = calloc((size_t)n, sizeof *texts);
    elg_doc **docs = calloc((size_t)n, sizeof *docs);
    if (!texts || !docs)
        goto out;
    for (int i = 0; i < n; i++)
        if (!(texts[i] = project_yaml(i)))
            goto out;

    /* parse */
    double t0 = now_s();
    for (int i = 0; i < n; i++) {
        if (elg_doc_parse("bench", texts[i], strlen(texts[i]), &docs[i], &err)) {
            rc = die(&err);
            goto out;
        }
    }
    report("parse", n, now_s() - t0);

    /* evaluate (in memory) */
    if (elg_store_open(db, &store, &err) ||
        elg_rules_open_dir(ELIGO_SOURCE_DIR "/rules", NULL, &rules, &err)) {
        rc = die(&err);
        goto out;
    }
    const char *seed_paths[] = {ELIGO_SOURCE_DIR "/seeds/financers",
                                ELIGO_SOURCE_DIR "/seeds/calls"};
    elg_import_report rep;
    if (elg_import_paths(store, seed_paths, 2, &rep, &err)) {
        rc = die(&err);
        goto out;
    }
    elg_import_report_release(&rep);
    elg_doc *call = NULL, *fdocs[6] = {0};
    const elg_financer *fins[6];
    static const char *const fnames[] = {"feder", "etat", "cd59", "caf", "mel", "self"};
    snprintf(path, sizeof path, "%s/seeds/calls/mel-strategie-digitale-2018.yaml",
             ELIGO_SOURCE_DIR);
    if (elg_doc_load_file(path, &call, &err)) {
        rc = die(&err);
        goto out;
    }
    for (int k = 0; k < 6; k++) {
        snprintf(path, sizeof path, "%s/seeds/financers/%s.yaml", ELIGO_SOURCE_DIR, fnames[k]);
        if (elg_doc_load_file(path, &fdocs[k], &err)) {
            rc = die(&err);
            goto out;
        }
        fins[k] = elg_doc_financer(fdocs[k]);
    }
    t0 = now_s();
    int eligible = 0;
    elg_eval_call ec = {.call = elg_doc_call(call), .financers = fins, .financers_count = 6};
    elg_eval *ev = NULL;
    if (elg_eval_prepare(rules, &ec, &ev, &err)) {
        rc = die(&err);
        goto out;
    }
    for (int i = 0; i < n; i++) {
        elg_eval_project in = {elg_doc_project(docs[i]), 1, ""};
        elg_decision *d = NULL;
        elg_text trace = {0};
        if (elg_eval_decide(ev, &in, &d, &err) || elg_decision_write_record(d, &trace, &err)) {
            elg_eval_free(ev);
            rc = die(&err);
            goto out;
        }
        eligible += d->outcome == ELG_OUTCOME_ELIGIBLE;
        elg_text_release(&trace);
        elg_decision_free(d);
    }
    report("evaluate", n, now_s() - t0);
    elg_eval_free(ev);
    elg_doc_free(call);
    for (int k = 0; k < 6; k++)
        elg_doc_free(fdocs[k]);

    /* the whole check path, decisions stored */
    for (int i = 0; i < n && !no_store; i++) {
        snprintf(path, sizeof path, "%s/p%d.yaml", dir, i);
        FILE *f = fopen(path, "w");
        if (!f || fputs(texts[i], f) < 0) {
            perror(path);
            goto out;
        }
        fclose(f);
    }
    const char *proj_dir[] = {dir};
    if (no_store) {
        rc = eligible == n ? 0 : 1;
        goto out;
    }
    if (elg_import_paths(store, proj_dir, 1, &rep, &err)) {
        rc = die(&err);
        goto out;
    }
    elg_import_report_release(&rep);
    t0 = now_s();
    for (int i = 0; i < n; i++) {
        char id[64];
        snprintf(id, sizeof id, "bench-%d", i);
        elg_decision **decisions = NULL;
        size_t count = 0;
        if (elg_check_project(store, rules, id, NULL, &decisions, &count, &err)) {
            rc = die(&err);
            goto out;
        }
        for (size_t k = 0; k < count; k++)
            elg_decision_free(decisions[k]);
        free(decisions);
    }
    report("check", n, now_s() - t0);
    printf("(%d of %d eligible; every equipment line is at or under the cap)\n", eligible, n);
    rc = eligible == n ? 0 : 1;
out:
    for (int i = 0; i < n && texts; i++) {
        free(texts[i]);
        snprintf(path, sizeof path, "%s/p%d.yaml", dir, i);
        unlink(path);
    }
    for (int i = 0; i < n && docs; i++)
        elg_doc_free(docs[i]);
    free(texts);
    free(docs);
    elg_rules_free(rules);
    elg_store_close(store);
    snprintf(path, sizeof path, "%s-wal", db);
    unlink(path);
    snprintf(path, sizeof path, "%s-shm", db);
    unlink(path);
    unlink(db);
    rmdir(dir);
    return rc;
}
