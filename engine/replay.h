/*
 * replay: evaluates a stored decision again from what the store kept, and
 * says whether it comes out the same.
 *
 * The one idea: nothing is read from disk. The project and the call are the
 * stored document versions the decision names, the financers the versions
 * it recorded (financer_versions; decisions without them use the latest
 * versions, and the report says so), and the rules are the sources stored
 * by content for this decision (decision_rule_files -> rule_sources), read
 * through an elg_rules loader. The fresh decision is compared with the
 * stored one by elg_diff_decisions; timings and timestamps aside it must
 * be identical. Replay stores nothing.
 */
#ifndef ELG_REPLAY_H
#define ELG_REPLAY_H

#include <jansson.h>
#include <stdint.h>

#include "sandbox.h"
#include "store.h"

/*
 * Replays decision id. *report receives a new object:
 *   decision_id, same (bool), outcome (stored), replayed_outcome,
 *   notes: [text]   (e.g. financers not pinned, another engine version),
 *   diff: the elg_diff_decisions of stored -> replayed.
 * limits may be NULL; a field at 0 takes the limit recorded with the
 * decision ("limits" in its JSON), else the engine default. Returns ELG_ENOTFOUND for an unknown
 * decision, ELG_ESTORE when a stored input it names is missing or does not
 * match its recorded sha256. A rule that errors during replay is part of
 * the result, not a failure of replay.
 */
int elg_replay_decision(elg_store *store, const elg_limits *limits, int64_t id, json_t **report,
                        elg_error *err);

#endif
