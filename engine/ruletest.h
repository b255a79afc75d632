/*
 * ruletest: rule test cases written as data (rules/tests/ files), run in
 * memory against a call's rules, and the coverage they give.
 *
 * The one idea: a case is a real project document. The base project (a
 * document by id, a file, or a mapping written in the case) is loaded as a
 * YAML tree, the case's `set` and `remove` edit single fields by path
 * ("expenses[6].amount", 0-based indices as in error messages), and the
 * tree is written back as YAML text and parsed by elg_doc_parse: every
 * document check applies to a case, and an error in a case is reported at
 * the test file's line that caused it (the `set` line, or the inline
 * project's line) or at the base document's line.
 *
 * A test file:
 *   call: mel-strategie-digitale-2018
 *   documents: [../../seeds]           # files or directories, relative to the test file
 *   cases:
 *     - name: "Matériel à 95 000 €"
 *       project: centres-sociaux-connectes-2018   # or file: x.yaml, or project: {inline mapping}
 *       set: { expenses[6].amount: "95 000,00 €" }
 *       remove: [resources[4].earmark]
 *       call_set: { parameters[0].money: "90 000 €" }   # the call, edited for this case
 *       expect:
 *         outcome: ineligible                       # eligible | ineligible | error
 *         rules: { plafond-materiel: fail }         # pass | fail | not-applicable (na) | error
 *         figures: { plafond-materiel.amount: "95 000,00 €", decision.max_grantable: "60 000 €" }
 *         messages: { plafond-materiel: "dépassement 14 180,00 €" }   # contained in the message
 *         notices: { convention-objectifs: "Convention obligatoire" }  # in one of its notices
 * Figures are `rule-id.name` (the rule's figures) or `decision.name` (the
 * decision's key figures, elg_figures_compute); integers are amounts in
 * cents and are expected in the money forms documents accept, rates
 * ({num, den}, and `*_bp` figures) as rates ("65 %", "1/3"), compared exactly.
 */
#ifndef ELG_RULETEST_H
#define ELG_RULETEST_H

#include <jansson.h>

#include "rules.h"

typedef struct elg_ruletest elg_ruletest;

/*
 * Reads a test file and the documents it names. On error (malformed test
 * file, unknown call or project, unreadable or invalid document) returns
 * ELG_EINPUT, ELG_ENOTFOUND or ELG_EIO with err located (file:line).
 */
int elg_ruletest_load(const char *path, elg_ruletest **out, elg_error *err);
void elg_ruletest_free(elg_ruletest *t);

/*
 * Runs every case. *out receives a new object:
 *   { "file", "call", "rules_file" ("rules/calls/x.lua"),
 *     "declared": [ {id, title, source} ... ]   the call's rules,
 *     "cases": [ { "name", "at" ("file:line"), "ok": bool,
 *                  "error": text (when the case could not run: its document is invalid...),
 *                  "outcome", "rules": [ {id, status, source, message[, error_at,
 *                                        traceback]} ... ],
 *                  "mismatches": [ {at, what, expected, actual[, source, message, error_at,
 *                                   traceback]} ... ] } ],
 *     "passed": n, "failed": n }
 * A case that cannot run fails; the others still run. Returns non-zero
 * only when the engine fails (memory).
 */
int elg_ruletest_run(elg_ruletest *t, elg_rules *rules, json_t **out, elg_error *err);

/*
 * Coverage of the runs (an array of elg_ruletest_run results) over every
 * call found in the tests' documents (calls without cases included, their
 * rules declared in lint mode). *out receives
 *   { "rules": [ {call, id, title, source, kind, pass, fail, "not-applicable", error} ... ],
 *     "calls": [ {id, rules_file, cases} ... ] }
 * with counts of cases per status; kind is the constructor's ("notice" for
 * a rule that only adds notices and never fails), null for rule {}.
 */
int elg_ruletest_coverage(elg_rules *rules, elg_ruletest *const *tests, size_t count, json_t *runs,
                          json_t **out, elg_error *err);

#endif
