/*
 * bench_gen: writes the files of one run of bench/run.sh (layout.h): the
 * reference call, its financers and rules, N synthetic projects as YAML
 * documents for eligo and as JSON Lines for the peers.
 *
 * Usage: eligo_bench_gen DIR N
 */
#include <stdio.h>
#include <stdlib.h>

#include "layout.h"

#ifndef ELIGO_SOURCE_DIR
#error "ELIGO_SOURCE_DIR must be defined"
#endif

int main(int argc, char **argv) {
    char *end = NULL;
    long n = argc == 3 ? strtol(argv[2], &end, 10) : 0;
    if (argc != 3 || *end || n <= 0) {
        fprintf(stderr, "usage: eligo_bench_gen DIR N\n");
        return 2;
    }
    return bench_layout_write(argv[1], ELIGO_SOURCE_DIR, n, 1);
}
