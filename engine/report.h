/*
 * report: a decision as one self-contained HTML page, in French, for the
 * people who must explain it (applicants, elected officials, auditors).
 *
 * The one idea: the page is the decision document and nothing else, laid
 * out for reviewers: a one-screen summary first (outcome, applicants with
 * their SIRET/RNA, call and its act reference, time in Paris with UTC,
 * what failed or is missing with its figures, the maximum grantable), then
 * the co-financing plan, then every rule with its message, its figures
 * under French labels and its legal basis, the facts it read and the
 * excerpt of its Lua source (as stored by content with the decision)
 * folded in a <details>; then the parameters with the text they come from,
 * the limits the rules ran under and the hashes, the decision's own
 * included. Inline CSS (screen and print: A4, page numbers, no heading
 * left alone at a page foot), no script, no external asset; every text
 * coming from documents, rules or the store is HTML-escaped.
 */
#ifndef ELG_REPORT_H
#define ELG_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "decision.h"
#include "doc.h"
#include "store.h"

/* Fetches a stored rule source by sha256 (*body malloc'ed, caller frees).
 * A failure only leaves the excerpt out of the page. */
typedef int (*elg_report_source_fn)(void *ctx, const char *sha256, char **body, size_t *len,
                                    elg_error *err);

/* What the page shows beside the decision; every field may be NULL/0. */
typedef struct elg_report_context {
    const elg_project *project;  /* the version decided on: title, applicants, expense lines */
    const elg_call *call;        /* the version decided on: basis_ref, parameters' texts */
    const char *decision_sha256; /* of the decision's full JSON document */
    elg_report_source_fn source; /* rule sources by sha256, for the excerpts */
    void *source_ctx;
} elg_report_context;

/* Renders decision with what ctx gives (ctx may be NULL); a malloc'ed page,
 * or NULL with err set (ELG_EUSAGE when decision is NULL or has no ruleset). */
char *elg_report_page(const elg_decision *decision, const elg_report_context *ctx, elg_error *err);

/*
 * Renders decision (decision.h), reading its typed fields; borrowed for
 * the call. project is the stored project version the decision was made
 * from, for its title, applicants and expense lines; NULL shows expenses
 * by category only. source may be NULL (no excerpts). Returns a malloc'ed
 * NUL-terminated page, or NULL with err set (ELG_EUSAGE when decision is
 * NULL or has no ruleset).
 */
char *elg_report_html(const elg_decision *decision, const elg_project *project,
                      elg_report_source_fn source, void *source_ctx, elg_error *err);

/* Loads decision id, the project and call versions it names (when their
 * sha256 is the one it recorded) and its rule sources from the store, and
 * renders it with its own hash; *html is malloc'ed. ELG_ENOTFOUND for an
 * unknown id. */
int elg_report_decision_html(elg_store *store, int64_t id, char **html, elg_error *err);

/* Where a rule of this status is shown, failing ones first: 0 error,
 * 1 fail, 2 missing, 3 pass, 4 anything else (not-applicable). */
int elg_report_status_rank(elg_rule_status status);

/* Lines [first, last] (1-based) of a rule source to show for a rule declared
 * at line decl: the comment lines just above it and the declaration up to
 * where its brackets close (at most 40 lines). */
void elg_report_excerpt_range(const char *src, size_t len, int decl, int *first, int *last);

#endif
