/*
 * import: reads document files into the store, all or nothing.
 *
 * The one idea: every file is parsed and validated (structure, values, and
 * references between documents: a project's financers and calls, a call's
 * financer must exist in the store or in the same batch) before anything is
 * written, and the writes happen in one transaction; a failing batch leaves
 * the store exactly as it was.
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

typedef struct elg_import_report {
    elg_import_item *items;
    size_t count;
} elg_import_report;

/*
 * Imports files and directories (directories are walked recursively for
 * *.yaml and *.yml files, in name order). On success fills report (release
 * with elg_import_report_release). On failure returns the error of the
 * first bad document, with its file, line and field, and writes nothing.
 */
int elg_import_paths(elg_store *store, const char *const *paths, size_t count,
                     elg_import_report *report, elg_error *err);

void elg_import_report_release(elg_import_report *report);

#endif
