/*
 * lint: finds the mistakes in a call's rules before any project meets them.
 *
 * The one idea: two complementary passes, each exact in its own domain.
 * The static pass reads the bytecode listing of a rule file (`luac5.4 -p -l
 * -l`, produced by the caller: the engine runs no program) and sees every
 * global the compiler resolved, including those inside check functions
 * that only run with a project; it catches a misspelt helper. The dynamic
 * pass declares the call's rules in the sandbox in lint mode (no project)
 * and sees what only running the file shows: rule ids, titles, legal
 * bases, and the parameters asked for.
 *
 * Findings are JSON objects {file, line, check, message}, messages in
 * French for the staff who write rules; `check` is a stable short name:
 *   chargement          the rule file does not load (syntax error, error while declaring)
 *   global-inconnue     a global that is neither in the sandbox, the library nor set in the file
 *   global-masquee      the file assigns a name of the library
 *   id-double           two rules with the same id
 *   titre-manquant      a rule without title
 *   base-manquante      a rule without legal basis (and none in the call document)
 *   parametre-inconnu   `param "x"` that the call document does not define
 *   parametre-inutilise a parameter of the call document that no rule asks for
 */
#ifndef ELG_LINT_H
#define ELG_LINT_H

#include <jansson.h>

#include "rules.h"

/*
 * The static pass over the listing of `luac5.4 -p -l -l` for the rule file
 * shown as `file` ("rules/calls/x.lua"). allowed: JSON array of the names a
 * rule file may use (elg_rules_globals). Appends to findings one finding per
 * line reading an unknown global (with the closest known name) and per line
 * assigning a library name. *params (may be NULL) receives a new array
 * [{name, line, optional}] of the `param "x"` / `param_or("x", ...)` calls
 * with a literal name, wherever they stand (in check functions too).
 */
int elg_lint_listing(const char *file, const char *listing, json_t *allowed, json_t *findings,
                     json_t **params, elg_error *err);

/*
 * The dynamic pass for one call: declares its rules in lint mode (base
 * parameters overlaid with the latest edition's) and appends findings for
 * a load error, duplicate ids, rules without title or basis, parameters
 * asked for (in the declarations, or statically in static_params from
 * elg_lint_listing, may be NULL) that the call does not define, and, when
 * the file loaded, parameters the call defines that nothing asks for.
 * call_file and call_text are the call document's path and YAML text, used
 * to point at the line defining an unused parameter.
 */
int elg_lint_call(elg_rules *r, const elg_call *call, const char *call_file, const char *call_text,
                  size_t call_len, json_t *static_params, json_t *findings, elg_error *err);

/* The candidate closest to name (strings in a JSON array) when it is close
 * enough to be a typo (at most 2 edits, fewer than half the length), else
 * NULL. Borrowed from candidates. */
const char *elg_lint_suggest(const char *name, json_t *candidates);

/* Appends {file, line, check, message} to findings. */
void elg_lint_add(json_t *findings, const char *file, int line, const char *check, const char *fmt,
                  ...) __attribute__((format(printf, 5, 6)));

/* Sorts findings by file then line, keeping the order of equal ones. */
void elg_lint_sort(json_t *findings);

#endif
