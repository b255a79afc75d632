/*
 * figures: the key figures of a co-financing plan, computed in C with
 * checked arithmetic: eligible cost, resources by financer with their
 * shares, public share, balance, the amount requested from a call, and the
 * maximum grantable amount reported by the rules.
 *
 * Shares are shown in basis points rounded half up (display only: rules
 * compare rates exactly with elg_money_ratio_cmp).
 */
#ifndef ELG_FIGURES_H
#define ELG_FIGURES_H

#include "arena.h"
#include "decision.h"
#include "doc.h"

/* A maximum grantable amount a rule reported (decision_figure()). */
typedef struct elg_grantable {
    elg_cents amount;
    const char *rule; /* the rule's id */
} elg_grantable;

/*
 * Fills *out (see elg_figures in decision.h): categories and financers in
 * order of first appearance, the call's financer gets the smallest of the
 * reported maximum grantable amounts (with the rule that reported it), the
 * others none. Everything *out points to is in arena (strings copied) or
 * static. ELG_EOVERFLOW when a sum does not fit, ELG_ENOMEM.
 */
int elg_figures_compute(const elg_project *p, const elg_call *call,
                        const elg_financer *const *financers, size_t financers_count,
                        const elg_grantable *reported, size_t reported_count, elg_arena *arena,
                        elg_figures *out, elg_error *err);

#endif
