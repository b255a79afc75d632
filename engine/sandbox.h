/*
 * sandbox: a Lua 5.4 state that rule files cannot escape, with limits.
 *
 * The one idea: the state is built once (allowed libraries only, the trusted
 * prelude run while `debug` and `load` are still reachable, then removed)
 * and every call into it goes through elg_sandbox_call, which arms an
 * instruction budget and relies on the allocator's memory cap; both turn
 * into an error with the rule file's line instead of a hang or a crash.
 * No io, os, debug, package, load, dofile, loadfile, pcall, xpcall,
 * collectgarbage, raw* or math.random is reachable from rules. pcall and
 * xpcall are left out on purpose: a rule that could catch the
 * "instruction limit" error could loop forever.
 *
 * Only sandbox.c and rules.c include the Lua headers.
 */
#ifndef ELG_SANDBOX_H
#define ELG_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef struct lua_State lua_State;
typedef struct elg_sandbox elg_sandbox;

typedef struct elg_limits {
    uint64_t instructions; /* per call into the sandbox (one rule), 0: default */
    size_t memory;         /* bytes for the whole state, 0: default */
    uint64_t time_ms;      /* wall-clock time of one project's evaluation, 0: default */
    size_t output;         /* bytes of one rule's result (message, notices, figures,
                              facts), 0: default; a decision may hold 16 times that */
} elg_limits;

#define ELG_DEFAULT_INSTRUCTIONS 50000000ULL /* about 0.2 s of Lua */
#define ELG_DEFAULT_MEMORY (64u << 20)
#define ELG_DEFAULT_TIME_MS 5000ULL
#define ELG_DEFAULT_OUTPUT (256u << 10)

/* Reads a rule source by path relative to the rules directory
 * ("lib/budget.lua"); *data is malloc'ed (caller frees). */
typedef int (*elg_source_fn)(void *ctx, const char *path, char **data, size_t *len, elg_error *err);

/*
 * Creates the state and runs the prelude. Sources of the rule library are
 * read through source(ctx, ...) when required. The prelude's entry table is
 * left in the registry (see elg_sandbox_push_entry).
 */
int elg_sandbox_new(const elg_limits *limits, elg_source_fn source, void *source_ctx,
                    elg_sandbox **out, elg_error *err);
void elg_sandbox_free(elg_sandbox *sb);

lua_State *elg_sandbox_state(elg_sandbox *sb);

/* [-0, +1] Pushes prelude entry point `name` (a function). */
void elg_sandbox_push_entry(elg_sandbox *sb, const char *name);

/*
 * [-(nargs+1), +nresults|0] Calls the function below the nargs arguments
 * with the instruction budget armed. On error pops everything, returns
 * ELG_ERULE and fills err: the message, file:line of the innermost rule
 * frame (err->file, err->line), and *traceback (malloc'ed, may be NULL)
 * with the stack trimmed to rule files.
 */
int elg_sandbox_call(elg_sandbox *sb, int nargs, int nresults, char **traceback, elg_error *err);

/* The whole message of the last elg_sandbox_call that failed with a Lua
 * error (err->message is bounded), or NULL; valid until the next call. */
const char *elg_sandbox_last_message(const elg_sandbox *sb);

/* Every elg_sandbox_call from now on fails with "time limit exceeded" once
 * the monotonic clock passes deadline_us (0: each call gets the time limit
 * of its own, from its start). The evaluator sets one deadline per project. */
void elg_sandbox_set_deadline(elg_sandbox *sb, int64_t deadline_us);
/* The monotonic clock in microseconds. */
int64_t elg_sandbox_now_us(void);

/* The limits in force (defaults filled in). */
elg_limits elg_sandbox_limits(const elg_sandbox *sb);

/* Records every source the sandbox read (path, content), in reading order. */
typedef struct elg_source_record {
    char *path;
    char *data;
    size_t len;
    char sha256[65]; /* hex digest of data, computed once when read */
} elg_source_record;
size_t elg_sandbox_sources_count(const elg_sandbox *sb);
const elg_source_record *elg_sandbox_source(const elg_sandbox *sb, size_t i);
/* Reads a source through the loader and records it (used for call files). */
int elg_sandbox_read_source(elg_sandbox *sb, const char *path, const char **data, size_t *len,
                            elg_error *err);

#endif
