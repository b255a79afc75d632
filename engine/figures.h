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

#include <jansson.h>

#include "doc.h"

/*
 * Returns a new JSON object:
 *   eligible_cost, total_resources, balance (expenses - resources),
 *   expenses_by_category {staff: cents, ...},
 *   financers [{financer, nature, public, amount, requested, granted (the amount
 *               split by resource status), share_bp, earmarked: {cat: cents},
 *               max_grantable (cents: for the call's financer when a rule reported
 *               one; else null)}],
 *   call_financer (the call's financer id or null),
 *   public_amount, public_share_bp, requested (cents or null),
 *   max_grantable (cents or null), max_grantable_rule (rule id or null)
 * decision_figures is the "decision_figures" array from elg_rules_evaluate
 * (may be NULL): the smallest "max_grantable" among them is kept with the
 * rule that reported it. NULL with err filled on overflow.
 */
json_t *elg_figures_compute(const elg_project *p, const elg_call *call,
                            const elg_financer *const *financers, size_t financers_count,
                            json_t *decision_figures, elg_error *err);

#endif
