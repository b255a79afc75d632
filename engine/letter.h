/*
 * letter: the explanation of a decision addressed to the applicant, in
 * French, as an HTML page (printable on A4, for a PDF) or as plain text.
 *
 * The one idea: what French law says an applicant is owed when a decision
 * is prepared with an algorithmic processing (CRPA art. L311-3-1 and
 * R311-3-1-2, shared/FORMATS.md §3), in the applicant's words and nothing
 * else: what the result is and what kind of act it is (an opinion prepared
 * for the deciding authority, or the decision), the explicit mention of the
 * processing and how much it contributed, the data used with their source,
 * the parameters applied with the text they come from, one sentence per
 * rule with its figures and legal basis, what would have to change (or be
 * provided), the ways and time limits of appeal, the funder's references.
 *
 * Built from the stored decision (decision.h) and the stored versions it
 * was made from (the project version, the call version, the financer
 * versions it pinned), never from files on disk. The body holds no file
 * path, rule code, field path or hash: field paths are put into words by
 * labels.h; the decision's hash appears once, in the footer reference.
 * Every text from documents or rules is HTML-escaped in the HTML form.
 */
#ifndef ELG_LETTER_H
#define ELG_LETTER_H

#include <stdbool.h>
#include <stdint.h>

#include "decision.h"
#include "doc.h"
#include "store.h"

typedef enum elg_letter_format {
    ELG_LETTER_HTML = 0,
    ELG_LETTER_TEXT,
} elg_letter_format;

/* A financer's display name. */
typedef struct elg_letter_financer {
    const char *id;   /* "MEL" */
    const char *name; /* "Métropole Européenne de Lille" */
} elg_letter_financer;

/* What the letter is made from; everything borrowed for the call. */
typedef struct elg_letter_input {
    const elg_decision *decision;  /* required, with its ruleset */
    const elg_project *project;    /* the version decided on; NULL: only what the facts say */
    const char *project_stored_at; /* when that version was stored (ISO 8601 UTC), may be NULL */
    const elg_call *call; /* the call version decided on; NULL: no basis_ref, no quotations */
    const elg_letter_financer *financers;
    size_t financers_count;
    /* false: an opinion prepared for the deciding authority (what eligo
     * produces by default); true: the decision itself. */
    bool is_decision;
    const char *decision_sha256; /* the footer reference, may be NULL */
} elg_letter_input;

/* Renders the letter; returns a malloc'ed NUL-terminated text (caller
 * frees), or NULL with err set (ELG_EUSAGE when there is no decision). */
char *elg_letter_render(const elg_letter_input *in, elg_letter_format format, elg_error *err);

/*
 * Loads decision id (elg_check_load_decision), the project, call and
 * financer versions it names from the store, and renders the letter;
 * *text is malloc'ed. The footer's hash is the sha256 of the decision's full
 * JSON document (what `trace show --format json` prints on one line).
 * ELG_ENOTFOUND for an unknown id.
 */
int elg_letter_from_store(elg_store *store, int64_t id, bool is_decision, elg_letter_format format,
                          char **text, elg_error *err);

#endif
