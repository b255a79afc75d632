/*
 * eval: the one decision path: a call prepared once, then project x
 * prepared call -> decision.
 *
 * The one idea: everything that is the same for every project of a call is
 * done once, when the call is prepared: the rule file compiled, the call and
 * its parameters turned into Lua tables, per edition the rules declared (and
 * sealed so that no state crosses projects, see the prelude) and the
 * ruleset (decision.h) built and hashed. Deciding a project then builds its
 * Lua view, runs every declared rule under the limits, each in its own
 * protected call, checks each result in C, computes the key figures and
 * returns a typed decision. A rule that errors, loops, eats memory or
 * returns something that is not a result becomes an `error` result at its
 * file:line; every declared rule appears exactly once, in order. Nothing is
 * stored here (engine/check.h stores).
 *
 * A prepared call borrows its elg_rules, its call and its financers: they
 * must outlive it. One thread at a time per elg_rules.
 */
#ifndef ELG_EVAL_H
#define ELG_EVAL_H

#include <stdint.h>

#include "decision.h"
#include "doc.h"
#include "rules.h"

typedef struct elg_eval elg_eval;

typedef struct elg_eval_call {
    const elg_call *call; /* borrowed */
    int call_version;
    const char *call_sha256;              /* copied */
    const elg_financer *const *financers; /* borrowed: resources' natures */
    size_t financers_count;
    const elg_financer_version *financer_versions; /* copied into the ruleset */
    size_t financer_versions_count;
} elg_eval_call;

/* Prepares in->call on rules. A rule file that does not load is not a
 * failure here: each decision then holds one `error` rule saying why. */
int elg_eval_prepare(elg_rules *rules, const elg_eval_call *in, elg_eval **out, elg_error *err);
void elg_eval_free(elg_eval *ev); /* NULL ok */

/* The edition in force for project p: the one in force on its submission
 * date, else on its start date; NULL for the base parameters. The only place
 * this choice is made. */
const elg_edition *elg_eval_edition(const elg_call *call, const elg_project *p);

typedef struct elg_eval_project {
    const elg_project *project; /* borrowed for the call */
    int version;
    const char *sha256;
} elg_eval_project;

/* Decides in->project against the prepared call. *out is a new decision
 * (elg_decision_free) that owns copies of everything it shows. Returns
 * non-zero only when the engine itself fails (out of memory, an overflow in
 * the key figures); whatever the rules do is in the decision. */
int elg_eval_decide(elg_eval *ev, const elg_eval_project *in, elg_decision **out, elg_error *err);

/* How the projects decided so far were decided: natively (engine/native.h,
 * every rule of the call evaluated in C) or in Lua. */
typedef struct elg_eval_stats {
    uint64_t native, lua;
} elg_eval_stats;
elg_eval_stats elg_eval_get_stats(const elg_eval *ev);

/*
 * Called before each rule of every decision runs, with its position
 * (1-based) and declaration: the supervisor's worker (engine/pool.h)
 * publishes which rule runs. generation: 0 when decl was made for this
 * project (gone with its decision); otherwise decl is the prepared call's
 * own, and the same decl with the same generation is the same declaration,
 * unchanged (the number changes whenever the call's declarations are made
 * again). A non-NULL
 * return (text copied at once) skips the rule: it becomes an `error` result
 * with that message at its declaration, as for a supervisor that stopped
 * the evaluation there. fn NULL: none.
 */
typedef const char *(*elg_eval_rule_hook)(void *ctx, int index, const elg_rule_decl *decl,
                                          uint64_t generation);
void elg_eval_set_rule_hook(elg_eval *ev, elg_eval_rule_hook fn, void *ctx);

#endif
