/*
 * cerfa: a CERFA n° 12156*06 project budget (the standard grant application of associations),
 * as a spreadsheet saves it in CSV, turned into a project document's expenses and resources
 * (docs/formats.md, FORMATS.md §2).
 *
 * Input: one sheet per project, rows of account, label, amount in whole euros, and an optional
 * fourth column, the status of a 74 line (demandé / accordé, voté, attribué); a header row is
 * allowed. Accounts are those of the form: 60-69 charges (601, 60x, 625, 62x...), "charges
 * indirectes", 70-79 produits (every 74 line a financer), "autofinancement" (ressources propres
 * affectées au projet), 86x and 87x contributions in kind; a row whose account or label starts
 * with "total" is a stated total (charges, produits, 74, 86, 87), checked against the lines; a
 * two-digit account followed by its sub-accounts is their subtotal, checked and not counted
 * twice; a row with no amount is a heading.
 *
 * Mapping (expense category): 604 and 61x services, 60x others other; 62x services but 625
 * travel; 631 staff, other 63x other; 64x staff; 65-69 other; charges indirectes indirect.
 * Resources: each 74 line is one resource of the financer its label names (État, Région,
 * Département, intercommunalité, commune, CAF, fonds européens, ASP, aides privées...: the table
 * is in cerfa.c, overridable by keyword), 70, 73 and 75-79 the applicant's own resources and
 * autofinancement its self-financing (financer SELF); 86/87 stay out of the cash budget and are
 * listed as comments of the document.
 *
 * Checked as the form states: whole euros ("ne pas indiquer les centimes"), total charges =
 * total produits, 86 = 87, every stated total. Every error names the file, the line and the
 * column.
 */
#ifndef ELG_CERFA_H
#define ELG_CERFA_H

#include <stddef.h>

#include "error.h"
#include "money.h"

/* A label keyword mapped to a financer id (--financer Commune=VILLE-MONS). */
typedef struct elg_cerfa_financer_map {
    const char *keyword; /* compared without case, in the label */
    const char *financer;
} elg_cerfa_financer_map;

/* What the officer gives on the command line; NULL fields are left for them to complete (the
 * document then does not import until they do, and says which field is missing). */
typedef struct elg_cerfa_options {
    const char *id, *title;
    const char *applicant, *status, *siret, *rna, *commune;
    const char *start, *end;
    const char *call;          /* the call applied to */
    const char *call_financer; /* its financer: the request is that financer's resource lines */
    const elg_cerfa_financer_map *financers;
    size_t financers_count;
} elg_cerfa_options;

/* The budget's totals, in cents. */
typedef struct elg_cerfa_totals {
    elg_cents charges, produits, subsidies;      /* cash; subsidies: the 74 lines */
    elg_cents in_kind_charges, in_kind_produits; /* 86, 87 */
    size_t expenses, resources;                  /* lines written */
} elg_cerfa_totals;

/* Reads the CSV data[0..len) (path in errors) and writes the project YAML into *yaml
 * (malloc'ed, NUL-terminated). ELG_EINPUT with file:line:column when the budget breaks what
 * the form states or a line cannot be mapped. */
int elg_cerfa_to_project(const char *path, const char *data, size_t len,
                         const elg_cerfa_options *opt, char **yaml, size_t *yaml_len,
                         elg_cerfa_totals *totals, elg_error *err);

#endif
