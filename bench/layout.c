/*
 * layout: the files of one benchmark run (see layout.h).
 */
#include "layout.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gen.h"

#define PER_DIR 10000

static int write_file(const char *path, const char *text, size_t len) {
    FILE *f = fopen(path, "w");
    if (!f || fwrite(text, 1, len, f) != len) {
        perror(path);
        if (f)
            fclose(f);
        return 1;
    }
    if (fclose(f) != 0) {
        perror(path);
        return 1;
    }
    return 0;
}

static int copy_file(const char *from, const char *to) {
    char buf[65536];
    FILE *f = fopen(from, "r");
    if (!f) {
        perror(from);
        return 1;
    }
    size_t n = fread(buf, 1, sizeof buf, f);
    int big = !feof(f);
    fclose(f);
    if (big) {
        fprintf(stderr, "bench: %s is larger than %zu bytes\n", from, sizeof buf);
        return 1;
    }
    return write_file(to, buf, n);
}

static int mkdir_one(const char *path) {
    if (mkdir(path, 0755) && errno != EEXIST) {
        perror(path);
        return 1;
    }
    return 0;
}

static int mkdirs(const char *root, const char *const *subs) {
    char p[4096];
    if (mkdir_one(root))
        return 1;
    for (; *subs; subs++) {
        snprintf(p, sizeof p, "%s/%s", root, *subs);
        if (mkdir_one(p))
            return 1;
    }
    return 0;
}

/* The call, its financers and its rules. */
static int write_call(const char *dir, const char *src) {
    static const char *const fins[] = {"caf", "cd59", "etat",        "feder",
                                       "mel", "self", "ville-lille", NULL};
    char from[4096], to[4096];
    snprintf(from, sizeof from, "%s/bench/reference/call.yaml", src);
    snprintf(to, sizeof to, "%s/docs/calls/" BENCH_CALL_ID ".yaml", dir);
    if (copy_file(from, to))
        return 1;
    for (const char *const *f = fins; *f; f++) {
        snprintf(from, sizeof from, "%s/seeds/financers/%s.yaml", src, *f);
        snprintf(to, sizeof to, "%s/docs/financers/%s.yaml", dir, *f);
        if (copy_file(from, to))
            return 1;
    }
    snprintf(from, sizeof from, "%s/rules/lib", src);
    snprintf(to, sizeof to, "%s/rules/lib", dir);
    if (symlink(from, to) && errno != EEXIST) {
        perror(to);
        return 1;
    }
    snprintf(from, sizeof from, "%s/bench/reference/calls/" BENCH_CALL_ID ".lua", src);
    snprintf(to, sizeof to, "%s/rules/calls/" BENCH_CALL_ID ".lua", dir);
    return copy_file(from, to);
}

int bench_layout_write(const char *dir, const char *source_dir, long n, int jsonl) {
    static const char *const subs[] = {
        "docs", "docs/calls", "docs/financers", "docs/projects", "rules", "rules/calls", NULL};
    if (mkdirs(dir, subs) || write_call(dir, source_dir))
        return 1;
    char path[4096], text[8192];
    FILE *lines = NULL;
    if (jsonl) {
        snprintf(path, sizeof path, "%s/projects.jsonl", dir);
        if (!(lines = fopen(path, "w"))) {
            perror(path);
            return 1;
        }
    }
    int rc = 0;
    for (long i = 0; i < n && rc == 0; i++) {
        gen_project p;
        gen_project_make(BENCH_SEED, i, &p);
        if (i % PER_DIR == 0) {
            snprintf(path, sizeof path, "%s/docs/projects/%04ld", dir, i / PER_DIR);
            if ((rc = mkdir_one(path)))
                break;
        }
        size_t len = gen_project_yaml(&p, BENCH_CALL_ID, text, sizeof text);
        if (len >= sizeof text) {
            fprintf(stderr, "bench: project %s does not fit in %zu bytes\n", p.id, sizeof text);
            rc = 1;
            break;
        }
        snprintf(path, sizeof path, "%s/docs/projects/%04ld/%s.yaml", dir, i / PER_DIR, p.id);
        if ((rc = write_file(path, text, len)))
            break;
        if (lines) {
            len = gen_project_json(&p, text, sizeof text);
            if (fwrite(text, 1, len, lines) != len) {
                perror("projects.jsonl");
                rc = 1;
            }
        }
    }
    if (lines && fclose(lines) != 0) {
        perror("projects.jsonl");
        rc = 1;
    }
    return rc;
}
