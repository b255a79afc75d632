/*
 * gen: the deterministic synthetic projects of ../shared/BENCH.md.
 *
 * Project i of a seed is always the same document: a splitmix64 stream
 * seeded with (seed, i), so any project can be made alone, in any order,
 * by any process. Amounts are integer cents.
 */
#ifndef BENCH_GEN_H
#define BENCH_GEN_H

#include <stddef.h>
#include <stdint.h>

#define GEN_EXPENSES 4
#define GEN_RESOURCES 16

typedef struct gen_line {
    const char *who;   /* expense category or financer id */
    int64_t amount;    /* cents */
    int staff_earmark; /* resources: earmarked to staff */
} gen_line;

typedef struct gen_project {
    char id[32];
    const char *status;
    const char *commune;
    char start[11], end[11];
    gen_line expenses[GEN_EXPENSES];
    size_t expenses_count;
    gen_line resources[GEN_RESOURCES];
    size_t resources_count;
} gen_project;

void gen_project_make(uint64_t seed, long i, gen_project *p);
/* The project as a YAML document applying to call_id; returns its length
 * (the text is cut at size - 1 when longer). */
size_t gen_project_yaml(const gen_project *p, const char *call_id, char *buf, size_t size);
/* The same project as one line of JSON (with its newline) for the peers of
 * bench/run.sh: amounts in integer cents, the applicant's status and commune
 * flattened; returns its length (cut at size - 1 like gen_project_yaml). */
size_t gen_project_json(const gen_project *p, char *buf, size_t size);

#endif
