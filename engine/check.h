/*
 * check: evaluates a stored project against the calls it applies to and
 * records each decision, append-only.
 *
 * The one idea: a decision is reproducible. It is computed from the stored
 * version of the project and of the call (never from files on disk), and it
 * records the sha256 of those versions and of every rule file used; the
 * rule sources themselves are stored by content so the decision can be
 * explained and replayed after the files change.
 */
#ifndef ELG_CHECK_H
#define ELG_CHECK_H

#include <jansson.h>

#include "rules.h"
#include "store.h"

#define ELG_TRACE_FORMAT 1 /* version of the decision JSON */

/*
 * Evaluates project_id (latest version) against call_id, or, when call_id
 * is NULL, against every call listed in its applies_to. Each decision is
 * stored; *decisions receives a JSON array of the decision documents (see
 * docs/trace.md), each with its decision_id. Returns ELG_ENOTFOUND for an
 * unknown project or call, ELG_EUSAGE when the project applies to no call
 * and none is named.
 */
int elg_check_project(elg_store *store, elg_rules *rules, const char *project_id,
                      const char *call_id, json_t **decisions, elg_error *err);

/* The decision document of a stored decision (trace with decision_id and
 * created_at filled in). */
int elg_check_load_decision(elg_store *store, int64_t id, json_t **decision, elg_error *err);

/* Worst outcome of an array of decisions: "error" > "ineligible" > "eligible". */
const char *elg_check_worst_outcome(json_t *decisions);

#endif
