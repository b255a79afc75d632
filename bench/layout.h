/*
 * layout: the directory one benchmark run works in.
 *
 *   DIR/docs/calls/bench-reference.yaml    the reference call (bench/reference)
 *   DIR/docs/financers/NAME.yaml           the seed financers it names
 *   DIR/docs/projects/NNNN/bench-*.yaml    the N synthetic projects (gen.h),
 *                                          10 000 a directory
 *   DIR/rules/calls/bench-reference.lua    the call's rules; rules/lib links
 *                                          to the source tree's library
 *   DIR/projects.jsonl                     (optional) the same projects, one
 *                                          JSON line each, in id order
 *
 * Written project by project, so N = 1 000 000 needs no more memory than 1.
 */
#ifndef BENCH_LAYOUT_H
#define BENCH_LAYOUT_H

#include <stdint.h>

#define BENCH_SEED 20261201u
#define BENCH_CALL_ID "bench-reference"

/* Writes the layout for n projects under dir (created when missing), with
 * DIR/projects.jsonl when jsonl is set; source_dir is eligo's source tree.
 * Returns 0, or 1 after printing what failed to stderr. */
int bench_layout_write(const char *dir, const char *source_dir, long n, int jsonl);

#endif
