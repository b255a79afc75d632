/*
 * batch: a whole call evaluated and stored (`eligo batch`).
 *
 * The one idea: the batch streams. The call's projects are read from the
 * store one at a time in project id order, decided against the call prepared
 * once, and their decisions stored in that order, `unit` decisions per
 * transaction; only a chunk of projects is ever in memory. The work is cut
 * in two halves that meet through bytes (engine/wire.h): the evaluating half
 * (elg_batch_work: compact form -> decision -> encoded row and the few
 * figures the envelope needs) runs in this process or in worker processes
 * (engine/pool.h); the storing half (this module) inserts the encoded rows
 * and notes each project for the allocation (engine/envelope.h). Whatever
 * the number of workers, the decisions are stored in the same order with
 * the same content.
 *
 * Interruptions: every `unit` decisions are committed; an interrupted batch
 * keeps what it committed, and a batch run again stores only the decisions
 * it lacks: a decision is stored with its inputs key (engine/check.h) and a
 * decision with the same key is never stored twice (it is counted as
 * reused).
 */
#ifndef ELG_BATCH_H
#define ELG_BATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "envelope.h"

/* The evaluating half: a prepared call and an encoder. */
typedef struct elg_batch_worker elg_batch_worker;
/* store: where the aid received is read (borrowed; NULL: none). NULL: no memory. */
elg_batch_worker *elg_batch_worker_new(elg_check_call *cc, elg_rules *rules, elg_store *store);
void elg_batch_worker_free(elg_batch_worker *w); /* NULL ok */
/* Decides form (a compact form and its version, as the store gives it) and
 * appends the result (engine/wire.h fields) to out. Only engine failures are
 * errors; whatever the rules do is in the decision. */
int elg_batch_work(elg_batch_worker *w, const char *id, int version, const char *sha256,
                   const void *form, size_t form_len, elg_text *out, elg_error *err);

typedef void (*elg_batch_progress_fn)(void *ctx, int64_t done, int64_t total);

typedef struct elg_batch_opts {
    const char *const *projects; /* --project filter: only these (NULL: every project) */
    size_t projects_count;
    const char *since;    /* only projects whose latest version was imported since (ISO prefix) */
    int jobs;             /* 0: evaluate in this process; N >= 1: N worker processes */
    size_t unit;          /* decisions per transaction; 0: ELG_BATCH_UNIT */
    uint64_t max_time_ms; /* the supervisor's deadline per project (jobs >= 1); 0: default */
    size_t max_memory;    /* the sandbox's cap, for the workers' address-space limit */
    elg_batch_progress_fn progress; /* NULL: none; called every 256 decisions stored */
    /* The store's path, which worker processes open for the aid received
     * (a connection is never carried across fork); NULL: no aid. */
    const char *db_path;
    void *progress_ctx;
    /* Where each project is noted for the envelope (engine/envelope.h),
     * made by the caller for the batch's call with phase 0; borrowed;
     * NULL: noted nowhere. */
    elg_envelope_tally *tally;
} elg_batch_opts;

#define ELG_BATCH_UNIT 1000

typedef struct elg_batch_summary {
    int64_t projects;
    int64_t by_outcome[ELG_OUTCOME_COUNT]; /* by elg_outcome */
    int64_t stored;                        /* decisions stored by this run */
    int64_t reused;                        /* already stored from the same inputs */
    int64_t transactions;
    int64_t killed; /* projects whose worker the supervisor killed at the deadline */
    elg_cents requested, grantable;
} elg_batch_summary;

/* Evaluates and stores every project of cc's call (latest versions) as
 * above, noting each in opts->tally (read it with elg_envelope_allocate). ELG_ENOTFOUND for a
 * --project that is not stored, ELG_EUSAGE for one that does not apply to the call. */
int elg_batch_run(elg_store *store, elg_rules *rules, elg_check_call *cc,
                  const elg_batch_opts *opts, elg_batch_summary *out, elg_error *err);

/*
 * Decides the project version f against cc on one worker process under the
 * supervisor (engine/pool.h), and reads the decision back from the bytes the
 * worker sent (elg_check_decode): nothing is stored. A rule that does not
 * hand back by opts->max_time_ms gets an `error` decision naming it, instead
 * of holding the caller. Uses opts' max_time_ms, max_memory and db_path.
 */
int elg_batch_decide(elg_check_call *cc, elg_rules *rules, const elg_stored_form *f,
                     const elg_batch_opts *opts, elg_decision **out, elg_error *err);

/*
 * elg_check_project (engine/check.h) with each decision made in a worker
 * process under the supervisor (engine/pool.h), so that the deadline
 * (opts->max_time_ms) holds whatever the rules do, inside C library calls
 * and finalizers included: the `eligo check` path. Only opts' limits are
 * read. The decisions are stored in one transaction, unkeyed (each check
 * is recorded), and read back from the store into *decisions.
 */
int elg_batch_check(elg_store *store, elg_rules *rules, const char *project_id, const char *call_id,
                    const elg_batch_opts *opts, elg_decision ***decisions, size_t *count,
                    elg_error *err);

/* The result of elg_batch_work, read back (strings point into the buffer). */
typedef struct elg_batch_result {
    const char *project;
    int version;
    const char *edition; /* NULL: none */
    const char *date;    /* submission date (envelope.h) */
    elg_outcome outcome;
    bool has_requested;
    elg_cents requested, grantable;
    const char *decision; /* the encoded decision (elg_check_insert), decision_len bytes */
    size_t decision_len;
} elg_batch_result;
/* Reads the next result at *r (advanced past it). */
int elg_batch_read_result(struct elg_wire_reader *r, elg_batch_result *out, elg_error *err);
/* elg_batch_read_result, then its encoded decision read back into *out by
 * dec (elg_check_decode): what a supervisor that stores nothing reads. */
int elg_batch_read_decision(struct elg_wire_reader *r, elg_check_decoder *dec,
                            elg_batch_result *res, elg_decision **out, elg_error *err);

#endif
