/*
 * import: reads document files into the store, all or nothing.
 *
 * The one idea: an import is one store transaction, and each file is read,
 * parsed, validated, written and freed before the next, so that time grows
 * with the number of documents and memory does not. Every document is
 * validated (structure, values, and references between documents: a project's
 * financers and calls, a call's financer must exist in the store or in the
 * same batch); references to a document later in the batch, and the same
 * document twice, are resolved through the store's batch notes (store.h)
 * rather than by keeping the batch in memory. A failing batch is rolled back,
 * leaving the store exactly as it was, and its error is the one of the first
 * bad document: the first file that cannot be read or parsed, else the first
 * document with a duplicate id or an unknown reference, in batch order.
 */
#ifndef ELG_IMPORT_H
#define ELG_IMPORT_H

#include <stddef.h>

#include "error.h"
#include "store.h"

typedef struct elg_import_item {
    char *path; /* file imported */
    char *kind; /* financer | call | project */
    char *id;
    int version;
    int created; /* 0: identical to the stored latest version, nothing written */
} elg_import_item;

/* Called once per document of a successful import, in batch order; the item
 * and its strings are borrowed for the call. Non-zero stops the report (the
 * import itself is already committed) and is returned by elg_import_each. */
typedef int (*elg_import_fn)(void *ctx, const elg_import_item *item);

/*
 * Imports files and directories (directories are walked recursively for
 * *.yaml and *.yml files, in name order). On success, after the commit, calls
 * fn (may be NULL) for every document. On failure returns the error of the
 * first bad document, with its file, line and field, and writes nothing.
 * Only regular files are read (files.h): a FIFO, socket or device (or a
 * symbolic link to one) given as a path is a bad document, ELG_EINPUT; below
 * a directory it is left out.
 */
int elg_import_each(elg_store *store, const char *const *paths, size_t count, elg_import_fn fn,
                    void *ctx, elg_error *err);

/* Called, as the walk meets it, for each file below a directory that the
 * import leaves out for not being a regular file, with what it is ("a FIFO",
 * files.h lists them); the import may still fail after. Strings borrowed for
 * the call. */
typedef void (*elg_import_skip_fn)(void *ctx, const char *path, const char *what);

/* elg_import_each that also calls skip (may be NULL) with ctx. */
int elg_import_each_noting(elg_store *store, const char *const *paths, size_t count,
                           elg_import_fn fn, elg_import_skip_fn skip, void *ctx, elg_error *err);

/* The whole report of an import in memory, for callers with small batches. */
typedef struct elg_import_report {
    elg_import_item *items;
    size_t count;
} elg_import_report;

/* elg_import_each collecting the items into report (release with
 * elg_import_report_release; left empty on failure). Running out of memory
 * for the report is ELG_ENOMEM although the import is then committed. */
int elg_import_paths(elg_store *store, const char *const *paths, size_t count,
                     elg_import_report *report, elg_error *err);

void elg_import_report_release(elg_import_report *report);

#endif
