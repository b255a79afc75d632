/*
 * whatif: the decisions of a call that edited rules or parameters would
 * change (`eligo whatif`). Nothing is stored.
 *
 * The one idea: every project of the call (latest versions, streamed in
 * project id order) is decided twice, against the call as stored and
 * against the edited call (prepared with other rule files, or from the
 * call document with parameters replaced), one project in memory at a time;
 * the caller gets each pair whose outcome or key figures differ, with the
 * rules responsible. Both sides are noted as batch items (phase 0: before,
 * 1: after, engine/store.h) so that the envelope's consumption before and
 * after is computed as for a batch (engine/envelope.h).
 */
#ifndef ELG_WHATIF_H
#define ELG_WHATIF_H

#include <stdbool.h>

#include "check.h"
#include "envelope.h"

/*
 * The call document call_body with the parameters of params_body (a YAML
 * document `parameters: [{ name: ..., money: ... }, ...]`, named
 * params_name in errors) in place of its own: each one replaces the
 * parameter of the same name wherever the call defines it (base and every
 * edition), and is added to the base parameters when the call has none of
 * that name. *out is malloc'ed YAML text. ELG_EINPUT with params_name:line
 * for a params file that is not such a list.
 */
int elg_whatif_edit_params(const char *call_body, size_t call_len, const char *params_name,
                           const char *params_body, size_t params_len, char **out, size_t *out_len,
                           elg_error *err);

/* A rule whose result differs (matched by id; a side is NULL when the rule
 * is declared on one side only). */
typedef struct elg_whatif_rule {
    const elg_rule_result *before, *after;
} elg_whatif_rule;

typedef struct elg_whatif_change {
    const elg_decision *before, *after;
    elg_cents grantable_before, grantable_after;
    elg_whatif_rule *rules; /* the rules responsible: status or message changed */
    size_t rules_count;
} elg_whatif_change;

/* Whether a and b differ in outcome or key figures (grantable amount,
 * maximum grantable, eligible cost, requested amount). */
bool elg_whatif_differs(const elg_decision *a, const elg_decision *b);

typedef int (*elg_whatif_fn)(void *ctx, const elg_whatif_change *c);

typedef struct elg_whatif_summary {
    int64_t projects, changed;
    int64_t to_ineligible, to_eligible; /* eligible -> not, not -> eligible */
    int64_t to_error, from_error;
    int64_t to_incomplete, from_incomplete; /* -> incomplete; incomplete -> (in)eligible */
    int64_t figures_only;                   /* same outcome, other key figures */
    int64_t killed; /* decisions whose worker was stopped at the deadline (either side) */
    elg_envelope_policy before, after;
} elg_whatif_summary;

/* How the decisions are made (NULL: as with jobs 0). */
typedef struct elg_whatif_opts {
    /* 0: both sides in this process, unsupervised; N >= 1: each side on N
     * worker processes under the supervisor of engine/pool.h, which holds
     * the deadline: a rule that never returns (inside a C function of the
     * string library, say) gets an `error` decision instead of holding the
     * comparison. The output is the same for every N. */
    int jobs;
    uint64_t max_time_ms; /* the supervisor's deadline per project; 0: the default */
    size_t max_memory;    /* the sandbox's cap, for the workers' address-space limit */
    const char *db_path;  /* the store's path, which workers open for the aid received */
    elg_rules *rules_before, *rules_after; /* each side's rules (jobs >= 1) */
    /* Where each side's decisions are noted for its envelope
     * (engine/envelope.h: phase 0 before, 1 after, each for its side's
     * call); borrowed; NULL: not noted. */
    elg_envelope_tally *tally[2];
} elg_whatif_opts;

/* Decides every project of before's call on both sides, calling fn for
 * each change (borrowed for the call), in project id order whatever the
 * jobs, and notes both sides in opts->tally. */
int elg_whatif_run(elg_store *store, elg_check_call *before, elg_check_call *after,
                   const elg_whatif_opts *opts, elg_whatif_fn fn, void *ctx,
                   elg_whatif_summary *out, elg_error *err);

#endif
