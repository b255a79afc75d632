/*
 * rules: evaluates a project against a call's Lua rule file, in a sandbox.
 *
 * The one idea: an elg_rules holds one sandboxed Lua state with the rule
 * library loaded once and each call's rule file compiled once. Calls are
 * prepared on it and projects evaluated by engine/eval.h; this module turns
 * documents into the Lua tables rules read and Lua values back into C.
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

/*
 * Lint mode: runs the call's rule file without a project, under edition
 * (may be NULL), so every rule is declared but none runs. *out receives a
 * new JSON object:
 *   "rules": [] or the one load error, as an entry with status "error",
 *   "declared": [ {id, title, basis, source, kind} ... ]  every rule
 *                declared, in order, duplicate ids included; kind is the
 *                constructor's ("ceiling", "notice"...), null for rule {},
 *   "asked": [ {name, at, optional} ... ]  every parameter asked for while
 *                declaring (param / param_or), with the rule file line.
 * Evaluating projects is engine/eval.h's job.
 */
int elg_rules_declare(elg_rules *r, const elg_call *call, const elg_edition *edition, json_t **out,
                      elg_error *err);

/* The content of a source the rule set has read (lib or call file), by path
 * relative to the rules directory; NULL when not read. Borrowed. */
const char *elg_rules_source(const elg_rules *r, const char *path, size_t *len);

/* The names a rule file may use as globals (library exports, base
 * functions, `project`, `call`), sorted; a JSON array owned by the caller. */
json_t *elg_rules_globals(elg_rules *r);

#endif
