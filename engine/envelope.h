/*
 * envelope: a call's envelope and how a batch's grants consume it.
 *
 * The one idea: the allocation policy is the call's, written in its
 * document (docs/calls.md "Envelope"), and the consumption is computed from
 * the batch's items as the store returns them sorted (engine/store.h,
 * elg_store_batch_items_each), so that it holds whatever the number of
 * projects; only the items whose order matters are sorted (the tally,
 * below). Two call parameters, both optional:
 *   - `envelope_scope` (text): `call` (default), one envelope for the whole
 *     call; `edition`, the envelope again for each edition;
 *   - `allocation_order` (text): `submission` (default: by submission date,
 *     else the start of the project's period, then project id),
 *     `smallest-request` or `largest-request` (by the amount requested from
 *     the call, then project id).
 * A project's grantable amount is what the call may grant it: nothing
 * unless eligible, else the amount requested, capped by the decision's
 * maximum grantable when a rule reported one. Grants consume the envelope
 * in allocation order, first come first served: a project is within the
 * envelope when the running total including it does not exceed the
 * envelope; the first one beyond is covered in part (what remained), the
 * next ones not at all. Every figure is integer cents; nothing is rounded.
 */
#ifndef ELG_ENVELOPE_H
#define ELG_ENVELOPE_H

#include <stdbool.h>

#include "decision.h"
#include "doc.h"
#include "store.h"

typedef enum elg_envelope_scope {
    ELG_ENVELOPE_CALL = 0,
    ELG_ENVELOPE_EDITION,
} elg_envelope_scope;

typedef enum elg_allocation_order {
    ELG_ALLOC_SUBMISSION = 0,
    ELG_ALLOC_SMALLEST_REQUEST,
    ELG_ALLOC_LARGEST_REQUEST,
} elg_allocation_order;

typedef struct elg_envelope_policy {
    bool has_envelope;
    elg_cents envelope;
    elg_envelope_scope scope;
    elg_allocation_order order;
} elg_envelope_policy;

/* "call"/"edition"; "submission"/"smallest-request"/"largest-request". */
const char *elg_envelope_scope_name(elg_envelope_scope s);
const char *elg_allocation_order_name(elg_allocation_order o);

/* The policy call declares. ELG_EINPUT naming the parameter when one of
 * the two is not a text or has an unknown value. */
int elg_envelope_policy_of(const elg_call *call, elg_envelope_policy *out, elg_error *err);

/* A project's grantable amount (see above) from its decision. */
elg_cents elg_envelope_grantable(const elg_decision *d);

/* The date that orders p by submission: submitted, else start, else "". */
const char *elg_envelope_submission_date(const elg_project *p);

/* The allocation group and sort key of a batch item (written into the
 * caller's buffers; key needs 32 bytes): group is "" for the whole call or
 * the edition's name; date is elg_envelope_submission_date's. */
void elg_envelope_item_keys(const elg_envelope_policy *pol, const char *edition, const char *date,
                            bool has_requested, elg_cents requested, const char **group,
                            char key[32]);

/* Totals of one allocation group or of one edition. */
typedef struct elg_envelope_total {
    const char *name;         /* the edition; NULL: the whole call, or projects without edition */
    size_t projects, granted; /* items; items with a grantable amount */
    elg_cents requested;      /* by every project, eligible or not */
    elg_cents grantable;      /* sum of the grantable amounts */
    bool has_envelope;        /* the group's envelope (editions of a call-wide one: false) */
    elg_cents envelope;
    elg_cents covered; /* of grantable, what the envelope covers */
    elg_cents overrun; /* grantable beyond the envelope (0 when within) */
    size_t beyond;     /* projects not (entirely) covered */
} elg_envelope_total;

/* One project as the allocation sees it. */
typedef struct elg_envelope_line {
    const elg_batch_item *item;
    const char *group;    /* "" or the edition (scope edition) */
    elg_cents cumulative; /* running total of the group, this project included */
    elg_cents covered;    /* of its grantable amount, what the envelope covers */
    bool within;          /* covered entirely (always, without an envelope) */
} elg_envelope_line;

/* The whole allocation: the call's total, its groups (one per edition with
 * scope edition, else one), and per edition the consumption. */
typedef struct elg_envelope_report {
    elg_envelope_policy policy;
    elg_envelope_total call;
    elg_envelope_total *groups;
    size_t groups_count;
    elg_envelope_total *editions; /* the call's editions in order, then NULL-named: none */
    size_t editions_count;
} elg_envelope_report;

/*
 * A tally: the allocation of one batch (or one side of a what-if) noted as
 * its items come. What does not depend on the allocation order (every
 * total of projects, requests and grantable amounts, per group, edition
 * and call) is added at once, in memory the size of the call's editions;
 * an item is kept in the store's batch items of phase (engine/store.h),
 * to be sorted by SQLite's external sorter, only when its place in the
 * order can change a figure or a line: when every_line is asked (a line
 * per project, in allocation order: CSV), else when it consumes an
 * envelope (a grantable amount under a call that has one). A call without
 * an envelope thus sorts nothing unless every line is asked, and one with
 * an envelope sorts only its grants.
 */
typedef struct elg_envelope_tally elg_envelope_tally;

/* Under the policy call declares (elg_envelope_policy_of: ELG_EINPUT for a
 * bad parameter); call is borrowed for the tally's life. ELG_ENOMEM. */
int elg_envelope_tally_new(elg_store *store, int phase, const elg_call *call, bool every_line,
                           elg_envelope_tally **out, elg_error *err);
void elg_envelope_tally_free(elg_envelope_tally *t); /* NULL ok */

/* Notes one item, whose group and sort key the tally sets from its policy
 * and date (elg_envelope_submission_date's; it->group, it->sort_key and
 * it->phase are ignored); its strings are copied where kept. Totals that
 * would overflow int64 are ELG_EOVERFLOW. */
int elg_envelope_tally_add(elg_envelope_tally *t, const elg_batch_item *it, const char *date,
                           elg_error *err);

/*
 * Walks the kept items in allocation order, calling line (may be NULL) for
 * each (with every_line, every project; otherwise those that consume the
 * envelope), and fills *out (release with elg_envelope_report_release).
 * May be called again: each call walks the items anew.
 */
typedef int (*elg_envelope_line_fn)(void *ctx, const elg_envelope_line *line);
int elg_envelope_allocate(elg_envelope_tally *t, elg_envelope_line_fn line, void *ctx,
                          elg_envelope_report *out, elg_error *err);
void elg_envelope_report_release(elg_envelope_report *r);

#endif
