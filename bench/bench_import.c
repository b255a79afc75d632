/*
 * bench_import: how fast `eligo import` stores documents, and whether its
 * cost per document and its memory stay flat as the batch grows.
 *
 * Writes N copies of the seed project of deliberation 001, each with its own
 * id, into a temporary directory, then imports the seed calls, the seed
 * financers and that directory as one batch, as `eligo import` does (calls
 * come first, so their references to financers are forward ones).
 * Usage: eligo_bench_import [N] (default 1000). Prints the documents per second
 * of the import alone (by the wall clock and by processor time, steadier on
 * a shared machine) and the peak resident memory of the process; for the
 * figures to compare, run it for several N, e.g. 1000, 10000 and 100000.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "doc.h"
#include "files.h"
#include "import.h"
#include "store.h"

#ifndef ELIGO_SOURCE_DIR
#error "ELIGO_SOURCE_DIR must be defined"
#endif

#define SEED ELIGO_SOURCE_DIR "/seeds/projects/centres-sociaux-connectes-2018.yaml"
#define SEED_ID "\nid: centres-sociaux-connectes-2018\n"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Peak resident set size of the process so far, in KiB. */
static long peak_rss_kib(void) {
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

/* Processor time used so far (user and system), in seconds: on a shared
 * machine, steadier than the wall clock. */
static double cpu_s(void) {
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* N copies of the seed project in dir, the i-th with id bench-<i>. */
static int generate(const char *dir, long n) {
    char *seed = NULL, *at, path[512];
    size_t len = 0;
    elg_error err = {0};
    int rc = -1;

    if (elg_files_read(SEED, ELG_DOC_MAX_BYTES, &seed, &len, &err)) {
        fprintf(stderr, "bench: %s\n", err.message);
        goto out;
    }
    if (!(at = strstr(seed, SEED_ID))) {
        fprintf(stderr, "bench: %s has no line%s", SEED, SEED_ID);
        goto out;
    }
    for (long i = 0; i < n; i++) {
        FILE *f;
        snprintf(path, sizeof path, "%s/p%06ld.yaml", dir, i);
        if (!(f = fopen(path, "w")) ||
            fprintf(f, "%.*s\nid: bench-%06ld\n%s", (int)(at - seed), seed, i,
                    at + strlen(SEED_ID)) < 0 ||
            fclose(f) != 0) {
            perror(path);
            goto out;
        }
    }
    rc = 0;

out:
    free(seed);
    return rc;
}

/* Removes what generate and the store wrote (a missing file is fine). */
static void clean(const char *dir, long n) {
    static const char *const db_files[] = {"bench.db", "bench.db-wal", "bench.db-shm"};
    char path[512];

    for (long i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/p%06ld.yaml", dir, i);
        unlink(path);
    }
    for (size_t k = 0; k < sizeof db_files / sizeof db_files[0]; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, db_files[k]);
        unlink(path);
    }
    rmdir(dir);
}

static int count_doc(void *ctx, const elg_import_item *item) {
    (void)item;
    ++*(long *)ctx;
    return 0;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000;
    char dir[] = "/tmp/eligo-bench-import-XXXXXX", db[64], buf[1400];
    const char *paths[] = {ELIGO_SOURCE_DIR "/seeds/calls", ELIGO_SOURCE_DIR "/seeds/financers",
                           dir};
    elg_store *store = NULL;
    elg_error err = {0};
    long imported = 0, rss_before;
    double t0, c0, seconds, cpu;
    int rc = 1;

    if (n <= 0 || n > 999999) {
        fprintf(stderr, "usage: eligo_bench_import [N] (1 to 999999 projects)\n");
        return 2;
    }
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    if (generate(dir, n))
        goto out;
    snprintf(db, sizeof db, "%s/bench.db", dir);
    if (elg_store_open(db, &store, &err)) {
        fprintf(stderr, "bench: %s\n", elg_error_format(&err, buf, sizeof buf));
        goto out;
    }
    /* The files just written would otherwise be flushed to disk during the
     * import, and timed with it. */
    sync();
    rss_before = peak_rss_kib();
    c0 = cpu_s();
    t0 = now_s();
    if (elg_import_each(store, paths, 3, count_doc, &imported, &err)) {
        fprintf(stderr, "bench: %s\n", elg_error_format(&err, buf, sizeof buf));
        goto out;
    }
    seconds = now_s() - t0;
    cpu = cpu_s() - c0;
    printf("import %7ld documents in %7.3f s  %7.0f documents/s  %6.1f us/document  "
           "(processor %7.3f s, %7.0f documents/s)  peak RSS %ld KiB (%ld KiB before)\n",
           imported, seconds, imported / seconds, seconds * 1e6 / imported, cpu, imported / cpu,
           peak_rss_kib(), rss_before);
    rc = imported > n ? 0 : 1;

out:
    elg_store_close(store);
    clean(dir, n);
    return rc;
}
