/*
 * pool: worker processes that evaluate a batch, under a supervisor that
 * holds the deadline.
 *
 * The one idea: the supervisor (the calling process) forks N workers after
 * the call is prepared, so each has its own copy of the Lua state with the
 * call prepared once; it hands out chunks of projects (their compact forms,
 * many per message) in submission order over pipes, and hands the results
 * back to the caller's consume function in that same order, whichever
 * worker made them. The supervisor moves bytes only: a result is what
 * elg_batch_work wrote. A worker that spends more than max_time_ms on one
 * project is killed (SIGKILL) and replaced; the project gets an `error`
 * decision naming the rule that was running (the worker publishes the rule
 * it runs in a page shared with the supervisor), and the rest of the chunk
 * goes to the new worker. CPU and address-space rlimits in each worker are
 * the second line.
 */
#ifndef ELG_POOL_H
#define ELG_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "wire.h"

typedef struct elg_pool elg_pool;

typedef struct elg_pool_opts {
    int jobs;             /* worker processes, >= 1 */
    uint64_t max_time_ms; /* per project (--max-time); 0: ELG_DEFAULT_TIME_MS */
    size_t max_memory;    /* the sandbox's cap (--max-memory); 0: ELG_DEFAULT_MEMORY */
    /* Called in submission order with each result (elg_batch_work's bytes). */
    int (*consume)(void *ctx, elg_wire_reader *r);
    void *ctx;
    const char *db_path; /* each worker opens it for the aid received; NULL: none */
    /* Called with 1 before each fork of a worker and 0 after it, in the
     * supervisor (NULL: none): a caller whose threads may hold locks holds
     * them still (engine/checkpoint.h). */
    void (*around_fork)(void *ctx, int before);
    /* Added to the workers' nice value (0: none). A batch's supervisor is the
     * one stage its workers wait for: with more processes than cores, the
     * system then runs it first and keeps their queues full (perf sched on
     * 2 cores: 74 % of both busy, 81 % with 5). */
    int niceness;
} elg_pool_opts;

int elg_pool_open(elg_check_call *cc, elg_rules *rules, const elg_pool_opts *opts, elg_pool **out,
                  elg_error *err);
/* Queues a project (copied); may call consume for finished chunks. */
int elg_pool_submit(elg_pool *p, const char *id, int version, const char *sha256, const void *form,
                    size_t form_len, elg_error *err);
/* Waits for every queued project and consumes its result. */
int elg_pool_finish(elg_pool *p, elg_error *err);
/* Projects whose worker was killed at the deadline. */
int64_t elg_pool_killed(const elg_pool *p);
/* Stops the workers (SIGKILL if they do not end) and frees p. NULL ok. */
void elg_pool_close(elg_pool *p);

#endif
