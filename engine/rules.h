/*
 * rules: evaluates a project against a call's Lua rule file, in a sandbox.
 *
 * The one idea: an elg_rules holds one sandboxed Lua state with the rule
 * library loaded once and each call's rule file compiled once; an
 * evaluation hands the rules a fresh environment with read-only views of
 * the project, the call and the parameters in force, runs every declared
 * rule under the instruction and memory limits, and returns the per-rule
 * trace as JSON. A rule that errors, loops or eats memory becomes a rule
 * with status "error" and its file:line; the other rules still run.
 *
 * Rule sources are read through a loader (a directory on disk, or the
 * sources stored with a decision for replay). Paths are relative to the
 * rules directory ("calls/x.lua"); traces show them as "rules/calls/x.lua".
 * One elg_rules per thread.
 */
#ifndef ELG_RULES_H
#define ELG_RULES_H

#include <jansson.h>

#include "doc.h"
#include "sandbox.h"

typedef struct elg_rules elg_rules;

/* Opens a rule set whose sources come from loader; loads lib/init.lua. */
int elg_rules_open(const elg_limits *limits, elg_source_fn loader, void *loader_ctx,
                   elg_rules **out, elg_error *err);
/* Opens a rule set reading sources below directory dir. dir is copied. */
int elg_rules_open_dir(const char *dir, const elg_limits *limits, elg_rules **out, elg_error *err);
void elg_rules_free(elg_rules *r);

/* Reads a file below dir into a malloc'ed buffer (the directory loader). */
int elg_rules_read_file(const char *dir, const char *path, char **data, size_t *len,
                        elg_error *err);

typedef struct elg_eval_input {
    const elg_project *project; /* NULL: lint mode, rules declared but not run */
    const elg_call *call;
    const elg_edition *edition;           /* in force (may be NULL) */
    const elg_financer *const *financers; /* to give resources their nature */
    size_t financers_count;
} elg_eval_input;

/*
 * Evaluates. *out receives a new JSON object:
 *   { "rules": [ {id, title, status, message, basis, source, facts, figures,
 *                 notices, missing, duration_us [, traceback]} ... ],
 *     "outcome": "eligible" | "ineligible" | "error",
 *     "parameters": [ {name, type, value, edition|null} ... ]   (those the rules used),
 *     "rule_files": [ {path, sha256} ... ],
 *     "decision_figures": [ {name, value, rule} ... ],
 *     "limits": {instructions, memory} }   (in force, defaults filled in)
 * In lint mode (in->project == NULL) no rule runs; "rules" only holds a
 * load error if any, and the object also has
 *     "declared": [ {id, title, basis, source, kind} ... ]  every rule
 *                  declared, in order, duplicate ids included; kind is the
 *                  constructor's ("ceiling", "notice"...), null for rule {},
 *     "asked": [ {name, at, optional} ... ]  every parameter asked for while
 *                  declaring (param / param_or), with the rule file line.
 * Returns non-zero only when the engine itself fails (memory, bad input);
 * rule errors are reported in the JSON.
 */
int elg_rules_evaluate(elg_rules *r, const elg_eval_input *in, json_t **out, elg_error *err);

/* The content of a source the rule set has read (lib or call file), by path
 * relative to the rules directory; NULL when not read. Borrowed. */
const char *elg_rules_source(const elg_rules *r, const char *path, size_t *len);

/* The names a rule file may use as globals (library exports, base
 * functions, `project`, `call`), sorted; a JSON array owned by the caller. */
json_t *elg_rules_globals(elg_rules *r);

#endif
