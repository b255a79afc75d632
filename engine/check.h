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

#include "hash.h"
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

/* The financer documents an evaluation gives natures from, parsed, each
 * with the stored version it comes from (recorded in the decision as
 * "financer_versions" so that replay uses the same ones). */
typedef struct elg_financer_entry {
    elg_doc *doc;
    int version;
    char sha256[ELG_SHA256_HEX];
} elg_financer_entry;

typedef struct elg_financer_set {
    elg_financer_entry *entries;
    const elg_financer **financers; /* entries[i]'s content, for elg_eval_input */
    size_t count, cap;
} elg_financer_set;

/* Adds the latest version of every stored financer to set. */
int elg_check_financers_latest(elg_store *store, elg_financer_set *set, elg_error *err);
/* Adds version `version` of financer id to set. */
int elg_check_financers_add(elg_store *store, elg_financer_set *set, const char *id, int version,
                            elg_error *err);
/* Frees what the set holds (not the set itself); the set is left empty. */
void elg_check_financers_release(elg_financer_set *set);

/* Reads and parses a stored document version (version <= 0: the latest).
 * On success *doc and sd must be released by the caller; on failure
 * nothing is left to release. */
int elg_check_load_doc(elg_store *store, const char *kind, const char *id, int version,
                       elg_stored_doc *sd, elg_doc **doc, elg_error *err);

/* Everything one evaluation reads: stored versions, parsed. */
typedef struct elg_check_input {
    const elg_stored_doc *project_doc;
    const elg_project *project;
    const elg_stored_doc *call_doc;
    const elg_call *call;
    const elg_financer_set *financers;
} elg_check_input;

/*
 * Evaluates and builds the decision document (all fields but decision_id
 * and created_at) in *decision; stores nothing. The rule sources it names
 * in "rule_files" are available from elg_rules_source. This is what check
 * stores and what replay compares with the stored decision.
 */
int elg_check_decide(elg_rules *rules, const elg_check_input *in, json_t **decision,
                     elg_error *err);

/* The decision document of a stored decision (trace with decision_id and
 * created_at filled in). */
int elg_check_load_decision(elg_store *store, int64_t id, json_t **decision, elg_error *err);

/* Worst outcome of an array of decisions: "error" > "ineligible" > "eligible". */
const char *elg_check_worst_outcome(json_t *decisions);

#endif
