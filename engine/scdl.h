/*
 * scdl: the SCDL « Subventions » 2.1.1 open data of grant decisions, written from awards and
 * read from the files funders really publish (docs/formats.md).
 *
 * Writing (elg_scdl_export): one CSV row per beneficiary of every award selected (by call,
 * funder SIRET, convention date), UTF-8, ',' delimiter, the schema's 16 columns in its order;
 * each row is checked against the schema's constraints (elg_scdl_check_cell) and the SIRETs'
 * check digits before anything is returned, and an award that cannot be published is an error
 * naming it and the field. pourcentageSubvention comes from elg_award_shares: ten-thousandths
 * that sum to exactly 1 per award.
 *
 * Reading (elg_scdl_read): a published file as it is. Encoding: UTF-8 with or without BOM,
 * else Windows-1252 (converted with iconv); delimiter ',' or ';' (the one the header line holds
 * more of); the schema's column names in any order and case, and common variants (Poitiers'
 * COLL_NOM, COLL_SIRET, ACTE_DATE, ATTRIB_NOM, ATTRIB_SIRET, SUB_OBJ, SUB_MONTANT...); dates
 * AAAA-MM-JJ or AAAA/MM/JJ; French amounts ("26 956,00"); periods joined by '/' or '_'; SIRETs
 * written as numbers ("21860194600000.0") accepted only when their digits are all there (a
 * check digit that fails, or an establishment number 00000, means digits were lost: the row is
 * rejected, never repaired). The CSV itself is parsed by libcsv. Each data row is accepted,
 * normalised to the schema's 16 columns, or rejected with its line, column, field and reason.
 * In strict mode the file is instead held to the schema exactly (column names and order, every
 * cell's type and constraints), as a Table Schema validator would; like one, it leaves out the
 * schema's custom_checks (SIRET check digits, one of idBeneficiaire / rnaBeneficiaire), which are
 * not Table Schema (the tolerant reader and the export apply them).
 */
#ifndef ELG_SCDL_H
#define ELG_SCDL_H

#include <stdbool.h>
#include <stddef.h>

#include "award.h"
#include "error.h"
#include "store.h"

#define ELG_SCDL_FIELDS 16

/* The schema's field names, in its order: "nomAttribuant" ... "dispositifAide". */
const char *elg_scdl_field_name(int field);

/* Checks one cell of field against the schema 2.1.1 (required, type, pattern, enum, length,
 * bounds). Returns true when valid; otherwise writes why into why. */
bool elg_scdl_check_cell(int field, const char *text, char *why, size_t size);

/* Writes the SCDL CSV of the awards filter selects into *csv (malloc'ed, NUL-terminated, *len
 * bytes); *rows = data rows written. On error (an award that does not parse with today's checks,
 * a field SCDL requires and the award lacks, a share below 0.01), nothing is returned and err
 * names the award ("award <id> v<version>") and the field. */
int elg_scdl_export(elg_store *store, const elg_award_filter *filter, char **csv, size_t *len,
                    size_t *rows, elg_error *err);

/* Columns of the State's Data.Subvention draft extension, written after the 16 with
 * ELG_SCDL_DATA_SUBVENTION (docs/formats.md): statutLabel ("attribuée": an award is a voted
 * grant), montantDemande (amounts.requested, empty when not given), exerciceBudgetaire and
 * dateDecision (the year and the date of convention.date, the one act an award records),
 * cofinancement (oui / non) and attribuantsCofinanceurs (the names of the plan's other
 * financers, ';' between them, in plan order): the resource lines of the project version the
 * award's decision was made on (its latest version when the award names no decision) whose
 * financer is neither the call's financer nor self-financing. A file with these columns is no
 * longer SCDL 2.1.1 as a Table Schema validator holds it (extra columns). */
#define ELG_SCDL_DS_FIELDS 6
enum { ELG_SCDL_DATA_SUBVENTION = 1 << 0 };

/* elg_scdl_export with flags (ELG_SCDL_DATA_SUBVENTION, or 0 for SCDL 2.1.1 exactly). */
int elg_scdl_export_with(elg_store *store, const elg_award_filter *filter, unsigned flags,
                         char **csv, size_t *len, size_t *rows, elg_error *err);

/* One row read from a file. cells are the schema's 16 columns, normalised (NULL when absent);
 * aid is what the store keeps (its siren NULL when the beneficiary has only an RNA number).
 * Everything is borrowed for the call. */
typedef struct elg_scdl_row {
    int line; /* physical line where the row starts, 1-based */
    const char *cells[ELG_SCDL_FIELDS];
    elg_aid_received aid;
    const char *rna;
} elg_scdl_row;

/* A rejected row: err holds file, line, column (the CSV column, 1-based), field and reason. */
typedef int (*elg_scdl_row_fn)(void *ctx, const elg_scdl_row *row);
typedef int (*elg_scdl_reject_fn)(void *ctx, const elg_error *why);

typedef struct elg_scdl_summary {
    size_t read, accepted, rejected;
    const char *encoding; /* "UTF-8", "UTF-8 with BOM", "Windows-1252"... (static) */
    char delimiter;
    size_t siret_as_number;       /* accepted SIRETs written as numbers, digits all there */
    size_t funder_siret_unusable; /* rows whose funder SIRET could not be used (kept without) */
    size_t ignored_columns;       /* columns the reader does not know */
    size_t header_errors;         /* strict: columns not named and placed as the schema says */
} elg_scdl_summary;

/* Reads path's bytes data[0..len) (strict: held to the schema exactly), calling on_row for each
 * accepted row and on_reject for each rejected one, in file order. A problem with the whole
 * file (encoding, no header, a required column missing, a CSV syntax error) is returned as an
 * error with nothing reported. A callback returning non-zero stops the read with that value. */
int elg_scdl_read(const char *path, const char *data, size_t len, bool strict,
                  elg_scdl_row_fn on_row, elg_scdl_reject_fn on_reject, void *ctx,
                  elg_scdl_summary *summary, elg_error *err);

/* A CSV of SCDL rows being written (the export, and `import scdl --normalize`). */
typedef struct elg_scdl_writer elg_scdl_writer;
elg_scdl_writer *elg_scdl_writer_new(void); /* with the header row */
/* Appends a row of ELG_SCDL_FIELDS cells (NULL: empty). */
int elg_scdl_writer_row(elg_scdl_writer *w, const char *const *cells, elg_error *err);
/* Hands the text over (malloc'ed) and frees the writer. */
char *elg_scdl_writer_finish(elg_scdl_writer *w, size_t *len);
void elg_scdl_writer_free(elg_scdl_writer *w);

/* Reads the file at path and stores its accepted rows as aid received (one transaction;
 * rows already imported from the same bytes are not added again: *added counts the new ones).
 * Rejected rows go to on_reject. */
int elg_scdl_import(elg_store *store, const char *path, elg_scdl_reject_fn on_reject, void *ctx,
                    elg_scdl_summary *summary, size_t *added, elg_error *err);

#endif
