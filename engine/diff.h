/*
 * diff: what changed between two decision documents, rule by rule.
 *
 * The one idea: a decision is compared as the data it is, never as text.
 * Rules are matched by id; for each rule present on both sides the status,
 * message and the other scalar fields are compared, and its figures and
 * facts read key by key (added, removed, changed, with old and new
 * values). Key figures are flattened to paths ("expenses_by_category.
 * equipment", "financers[MEL].amount": lists of objects are keyed by their
 * financer/id/name) and compared the same way. Timings (duration_us), the
 * decision id and its timestamp are never compared: they differ by nature.
 *
 * Replay uses the same comparison: a replayed decision is the same as the
 * stored one when elg_diff_same says so.
 */
#ifndef ELG_DIFF_H
#define ELG_DIFF_H

#include <jansson.h>

#include "decision.h"
#include "error.h"

/*
 * Compares decision documents a (old) and b (new). Returns a new object:
 *   decision: [{field, old, new}]     top-level fields that differ (project,
 *              project_version, project_sha256, call, call_version, call_sha256,
 *              call_title, edition, ruleset_sha256, engine_version, basis, format)
 *   outcome: {old, new} or null when unchanged
 *   figures: [{path, change, old, new}]        key figures (change: added,
 *              removed, changed; old or new is absent when added or removed)
 *   parameters: [{path, change, old, new}]     parameters by name
 *   rule_files: [{path, change, old, new}]     sha256 by rule file path
 *   financer_versions: [{path, change, old, new}]
 *   rules: [{id, change: changed|added|removed, fields: [{field, old, new}],
 *            figures: [{path, change, old, new}], facts: [...]}]
 *            in b's evaluation order, then the rules only a had; an added or
 *            removed rule carries its status and message
 *   rules_unchanged: [id]
 * NULL with err set when out of memory or when a or b is not a decision.
 */
json_t *elg_diff_decisions(const elg_decision *a, const elg_decision *b, elg_error *err);

/* 1 when the diff shows the same outcome, key figures, parameters, rule
 * files, rule results and inputs; engine_version is allowed to differ
 * (replay after an upgrade is still a replay). */
int elg_diff_same(json_t *diff);

/* Number of rules the diff reports as changed, added or removed. */
size_t elg_diff_rules_changed(json_t *diff);

#endif
