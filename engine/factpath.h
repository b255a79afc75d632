/*
 * factpath: the fact paths of project lines ("expenses[3].amount"), made
 * once with what a decision's record needs of them.
 *
 * The one idea: the native rules (engine/native.h) read the same few
 * fields of the same lines for every project, and both recording a fact
 * and writing the record used to rebuild, copy, hash and split each path
 * again (a third of a worker's time on the reference call). Here each path
 * of a known line field, up to ELG_FPATH_MAX_INDEX lines, is written once
 * per process with its hash and its shape ("expenses[].amount", the record's
 * form of it: docs/trace.md), and a fact points at it (elg_fact.fp): its
 * path is then the entry's, which lives as long as the process. Paths of
 * other lines or fields are built as before, and fp is NULL.
 *
 * The table is the one piece of process-wide state of the engine's
 * decisions: immutable once made (under pthread_once, at first use), about
 * 120 KiB.
 */
#ifndef ELG_FACTPATH_H
#define ELG_FACTPATH_H

#include <stddef.h>
#include <stdint.h>

/* The line fields native rules read. Their order is also the static shape
 * table of binary records (format 6, docs/trace.md): a record names shape
 * n by its number, so fields are only ever added at the end. */
typedef enum elg_fpath_field {
    ELG_FPATH_EXPENSE_CATEGORY = 0,
    ELG_FPATH_EXPENSE_AMOUNT,
    ELG_FPATH_RESOURCE_FINANCER,
    ELG_FPATH_RESOURCE_AMOUNT,
    ELG_FPATH_RESOURCE_PUBLIC,
    ELG_FPATH_RESOURCE_EARMARK,
    ELG_FPATH_APPLICANT_STATUS,
    ELG_FPATH_APPLICANT_NAME,
    ELG_FPATH_APPLICANT_COMMUNE,
    ELG_FPATH_APPLICANT_INSEE,
    ELG_FPATH_TERRITORY, /* "territory[i]": the line itself */
    ELG_FPATH_FIELDS
} elg_fpath_field;

#define ELG_FPATH_MAX_INDEX 128

typedef struct elg_fact_path {
    const char *path; /* "resources[2].financer" */
    size_t len;
    uint64_t hash;     /* elg_strhash(path, len) (engine/strhash.h) */
    const char *shape; /* "resources[].financer": the path, its index as "[]" */
    size_t shape_len;
    uint64_t shape_hash; /* elg_strhash(shape, shape_len) */
    int64_t index;       /* the line: the shape's one index */
    elg_fpath_field field;
} elg_fact_path;

/* The path of field on line i; NULL when i >= ELG_FPATH_MAX_INDEX, or
 * when the table could not be made (out of memory): build it by hand. */
const elg_fact_path *elg_fpath(elg_fpath_field field, size_t i);

/* "expenses[].amount": the shape of a field's paths (a static text, NULL
 * for a number that is no field). */
const char *elg_fpath_shape(int field);

/* "expenses", "amount" (NULL for the line itself) of a field. */
const char *elg_fpath_list(elg_fpath_field field);
const char *elg_fpath_name(elg_fpath_field field);

#endif
