/*
 * bench_store: the whole-store benchmark of issue 8.
 *
 * For each N: N synthetic projects of ../shared/BENCH.md (bench/gen.c) are
 * written as YAML files and imported into a new store with the reference
 * call (bench/reference) and the seed financers; then every project is
 * evaluated against the call prepared once and its decision stored, many
 * decisions per transaction, on one thread. Import and evaluation each run
 * in a child process so that each reports its own peak RSS (wait4).
 *
 * Usage: eligo_bench_store [--batch B] [--keep] N...   (default 1000 10000)
 * Prints one line per phase and N: rate, peak RSS, and for evaluation the
 * stored bytes per decision (trace record, key figures and its share of
 * the rulesets).
 *
 *        eligo_bench_store [--batch B] --evaluate DIR N
 * Only evaluates and stores, in this process, the N projects of the store
 * DIR/bench.db already imported from a layout (layout.h) with DIR/rules:
 * the in-process evaluation bench/run.sh falls back on when the eligo
 * binary has no `batch` command. Prints `evaluated N SECONDS ELIGIBLE`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "import.h"
#include "layout.h"
#include "store.h"

#ifndef ELIGO_SOURCE_DIR
#error "ELIGO_SOURCE_DIR must be defined"
#endif

#define CALL_ID BENCH_CALL_ID

typedef struct result {
    double seconds;
    long count;
    long eligible;
    double trace_bytes;
    double cpu_seconds; /* the child's user + system time */
    long native;        /* projects decided natively (engine/native.h) */
    int ok;
} result;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int die(const char *what, const elg_error *err) {
    char buf[1400];
    fprintf(stderr, "bench_store: %s: %s\n", what, elg_error_format(err, buf, sizeof buf));
    return 1;
}

/* elg_import_fn: counts the documents reported, keeping none of them, as
 * `eligo import` prints each one and keeps none (elg_import_paths would
 * hold the whole report, memory growing with N). */
static int count_item(void *ctx, const elg_import_item *item) {
    (void)item;
    ++*(long *)ctx;
    return 0;
}

static int run_import(const char *dir, result *r) {
    char db[4096], docs[4096];
    snprintf(db, sizeof db, "%s/bench.db", dir);
    snprintf(docs, sizeof docs, "%s/docs", dir);
    elg_store *store = NULL;
    elg_error err = {0};
    long count = 0;
    const char *paths[] = {docs};
    if (elg_store_open(db, &store, &err))
        return die("open", &err);
    double t0 = now_s();
    if (elg_import_each(store, paths, 1, count_item, &count, &err))
        return die("import", &err);
    r->seconds = now_s() - t0;
    r->count = count;
    elg_store_close(store);
    r->ok = 1;
    return 0;
}

/* Stores each decision of the streaming walk, committing every batch. */
typedef struct store_ctx {
    elg_store *store;
    elg_rules *rules;
    long batch, done, eligible;
    elg_error *err;
} store_ctx;

static int store_one(void *vctx, elg_decision *d) {
    store_ctx *c = vctx;
    int rc = elg_check_store(c->store, c->rules, d, c->err);
    if (rc)
        return rc;
    c->eligible += d->outcome == ELG_OUTCOME_ELIGIBLE;
    if (++c->done % c->batch == 0) {
        if ((rc = elg_store_commit(c->store, c->err)) || (rc = elg_store_begin(c->store, c->err)))
            return rc;
    }
    return 0;
}

static int run_eval(const char *dir, long n, long batch, result *r) {
    char db[4096], rules_dir[4096];
    snprintf(db, sizeof db, "%s/bench.db", dir);
    snprintf(rules_dir, sizeof rules_dir, "%s/rules", dir);
    elg_store *store = NULL;
    elg_rules *rules = NULL;
    elg_check_call *cc = NULL;
    elg_error err = {0};
    if (elg_store_open(db, &store, &err) || elg_rules_open_dir(rules_dir, NULL, &rules, &err) ||
        elg_check_call_open(store, rules, CALL_ID, 0, NULL, 0, &cc, &err))
        return die("prepare", &err);
    double t0 = now_s();
    store_ctx sc = {store, rules, batch, 0, 0, &err};
    if (elg_store_begin(store, &err) || elg_check_each_project(cc, store, store_one, &sc, &err) ||
        elg_store_commit(store, &err))
        return die("evaluate", &err);
    r->eligible = sc.eligible;
    if (sc.done != n) {
        fprintf(stderr, "bench_store: %ld projects evaluated, %ld expected\n", sc.done, n);
        return 1;
    }
    r->seconds = now_s() - t0;
    r->count = n;
    r->native = (long)elg_eval_get_stats(elg_check_call_eval(cc)).native;
    elg_check_call_close(cc);
    elg_rules_free(rules);
    elg_store_close(store);
    /* Stored bytes per decision, measured with the sqlite3 program: the
     * record (as text or compressed), the key figures, and their share of
     * the rulesets and of the record dictionaries. */
    char cmd[8400];
    snprintf(cmd, sizeof cmd,
             "sqlite3 '%s' 'SELECT (SELECT sum(length(trace) + coalesce(length(trace_z), 0) +"
             " length(figures)) FROM decisions) +"
             " (SELECT coalesce(sum(length(body)), 0) FROM rulesets) +"
             " (SELECT coalesce(sum(length(dict)), 0) FROM trace_dicts)'",
             db);
    FILE *p = popen(cmd, "r");
    double total = 0;
    if (p && fscanf(p, "%lf", &total) == 1)
        r->trace_bytes = total / (double)n;
    if (p)
        pclose(p);
    r->ok = 1;
    return 0;
}

/* Runs fn in a child; *peak_kib receives its peak RSS. */
static int in_child(int (*fn)(const char *, long, long, result *), const char *dir, long n,
                    long batch, result *r, long *peak_kib) {
    int fd[2];
    if (pipe(fd))
        return perror("pipe"), 1;
    pid_t pid = fork();
    if (pid < 0)
        return perror("fork"), 1;
    if (pid == 0) {
        close(fd[0]);
        result mine = {0};
        int rc = fn(dir, n, batch, &mine);
        if (write(fd[1], &mine, sizeof mine) != (ssize_t)sizeof mine)
            rc = 1;
        _exit(rc);
    }
    close(fd[1]);
    memset(r, 0, sizeof *r);
    ssize_t got = read(fd[0], r, sizeof *r);
    close(fd[0]);
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0)
        return perror("wait4"), 1;
    *peak_kib = ru.ru_maxrss;
    r->cpu_seconds = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                     (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    return got != (ssize_t)sizeof *r || !WIFEXITED(status) || WEXITSTATUS(status) || !r->ok;
}

static int import_fn(const char *dir, long n, long batch, result *r) {
    (void)n;
    (void)batch;
    return run_import(dir, r);
}

int main(int argc, char **argv) {
    long batch = 1000, sizes[16];
    int nsizes = 0, keep = 0;
    const char *evaluate = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc)
            batch = atol(argv[++i]);
        else if (strcmp(argv[i], "--evaluate") == 0 && i + 1 < argc)
            evaluate = argv[++i];
        else if (strcmp(argv[i], "--keep") == 0)
            keep = 1;
        else if (nsizes < 16 && atol(argv[i]) > 0)
            sizes[nsizes++] = atol(argv[i]);
        else {
            fprintf(stderr, "usage: eligo_bench_store [--batch B] [--keep] N...\n"
                            "       eligo_bench_store [--batch B] --evaluate DIR N\n");
            return 2;
        }
    }
    if (batch <= 0)
        batch = 1000;
    if (evaluate) {
        result r = {0};
        if (nsizes != 1) {
            fprintf(stderr, "bench_store: --evaluate DIR takes one N\n");
            return 2;
        }
        if (run_eval(evaluate, sizes[0], batch, &r))
            return 1;
        printf("evaluated %ld %.6f %ld\n", r.count, r.seconds, r.eligible);
        return 0;
    }
    if (nsizes == 0) {
        sizes[nsizes++] = 1000;
        sizes[nsizes++] = 10000;
    }
    printf("%-9s %9s %12s %10s %11s %s\n", "phase", "N", "per second", "peak RSS", "bytes/dec",
           "notes");
    fflush(stdout);
    int rc = 0;
    for (int s = 0; s < nsizes && rc == 0; s++) {
        long n = sizes[s];
        char dir[] = "/tmp/eligo-bench-store-XXXXXX";
        if (!mkdtemp(dir))
            return perror("mkdtemp"), 1;
        if (bench_layout_write(dir, ELIGO_SOURCE_DIR, n, 0))
            return 1;
        /* The layout's files are flushed before the import is timed: left
         * dirty, their writing out ran during the import and cost it up to
         * a fourth at 100 000 documents (bench/run.sh says the same). */
        sync();
        result r;
        long peak = 0;
        if ((rc = in_child(import_fn, dir, n, batch, &r, &peak)))
            break;
        printf("%-9s %9ld %12.0f %7.1f MiB %11s %ld documents in %.2f s (%.0f per CPU second)\n",
               "import", n, (double)r.count / r.seconds, (double)peak / 1024.0, "", r.count,
               r.seconds, (double)r.count / r.cpu_seconds);
        fflush(stdout);
        if ((rc = in_child(run_eval, dir, n, batch, &r, &peak)))
            break;
        printf("%-9s %9ld %12.0f %7.1f MiB %11.0f %ld eligible (%.1f %%), %ld per transaction, "
               "%.0f per CPU second, %ld decided natively\n",
               "evaluate", n, (double)r.count / r.seconds, (double)peak / 1024.0, r.trace_bytes,
               r.eligible, 100.0 * (double)r.eligible / (double)n, batch,
               (double)r.count / r.cpu_seconds, r.native);
        fflush(stdout);
        if (!keep) {
            char cmd[200];
            snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
            if (system(cmd) != 0)
                fprintf(stderr, "bench_store: could not remove %s\n", dir);
        } else {
            printf("(kept %s)\n", dir);
        }
    }
    return rc;
}
