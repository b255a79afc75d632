/*
 * labels: the French words of the presentation: expense categories,
 * financer natures, rule statuses, the key names of rule figures, call
 * parameter names and the field paths of documents.
 *
 * The one idea: one table per kind of word, here and nowhere else, so that
 * the audit page (report), the applicant's letter (letter) and any later
 * page say the same thing in the same words. The evaluation core never
 * reads them: rules keep their English identifiers, the labels only
 * translate them for people. Every function returns a borrowed static
 * string (or writes into the caller's buffer) and never fails: an unknown
 * key gets a neutral French wording, never the key itself where the caller
 * asks for words only.
 */
#ifndef ELG_LABELS_H
#define ELG_LABELS_H

#include <stdbool.h>
#include <stddef.h>

#include "decision.h"
#include "doc.h"

/* "Frais de personnel", "Matériel"...; the name itself when unknown, "" for NULL. */
const char *elg_labels_category(const char *category);
/* As an amount's heading: "Dépenses de personnel", "Dépenses de matériel"...;
 * "Dépenses" when unknown. */
const char *elg_labels_category_expenses(const char *category);
/* "Union européenne", "État"...; the name itself when unknown. */
const char *elg_labels_nature(const char *nature);
/* "respectée", "non respectée", "sans objet", "erreur", "données manquantes". */
const char *elg_labels_status(elg_rule_status status);
/* "ÉLIGIBLE", "NON ÉLIGIBLE", "ERREUR DE RÈGLE", "DOSSIER INCOMPLET". */
const char *elg_labels_outcome(elg_outcome outcome);

/* A rule figure's key in words ("max" -> "plafond"); NULL when unknown. */
const char *elg_labels_figure(const char *key);
/* Whether a figure's integers are counts, not amounts in cents ("differences"). */
bool elg_labels_figure_is_count(const char *key);

/* A call parameter's name in words ("max_equipment" -> "Plafond des
 * dépenses de matériel"); NULL when unknown. */
const char *elg_labels_param(const char *name);

/*
 * A field path of a project as the rules see it ("applicants[0].siret",
 * "expenses[6].amount", "period.start", "call.requested", "params.x") in
 * words, naming the line or the applicant it belongs to from project when
 * given: "Numéro SIRET du porteur « Centre social de l'Arbrisseau »",
 * "Montant de la ligne de dépense « Matériel informatique »". Never writes
 * the path itself: an unknown field is "Autre donnée du dossier". Writes
 * at most size bytes (truncated on a UTF-8 boundary), returns buf.
 */
const char *elg_labels_field(const char *path, const elg_project *project, char *buf, size_t size);

/* A date YYYY-MM-DD as DD/MM/YYYY; any other text as it is ("" for NULL). */
const char *elg_labels_date(const char *iso, char *buf, size_t size);

/*
 * A timestamp in UTC, "2026-12-01T11:38:51.107Z", as the legal time in
 * Paris, "01/12/2026 à 12:38:51"; with_utc adds " (11:38:51 UTC)". Paris is
 * UTC+1, UTC+2 from the last Sunday of March to the last Sunday of October
 * at 01:00 UTC (the EU rule, directive 2000/84/CE, in force since 1996),
 * computed here rather than read from the system's time zone files so that
 * a page reads the same on every machine. Any other text is written as it
 * is ("" for NULL).
 */
const char *elg_labels_time_paris(const char *iso, bool with_utc, char *buf, size_t size);

/* A legal status ("association", "epci"...) in words; the name itself when unknown. */
const char *elg_labels_legal_status(const char *status);

/* An approval ("esus") in words; the name itself when unknown. */
const char *elg_labels_approval(const char *approval);

/*
 * Splits a path "name[3].rest" into its first name (copied into head, at
 * most head_size bytes), its index (-1 when none) and what follows the dot
 * (*rest, borrowed, "" when nothing). Returns false when path has no name.
 */
bool elg_labels_split_path(const char *path, char *head, size_t head_size, long *index,
                           const char **rest);

#endif
