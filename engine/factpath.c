/*
 * factpath: the paths of line fields, made once (see factpath.h).
 */
#include "factpath.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strhash.h"

/* Per field its list, its name and their shape, the binary records'
 * static shape (factpath.h: the order is a format). */
static const struct {
    const char *list, *name, *shape;
} fields[ELG_FPATH_FIELDS] = {
    [ELG_FPATH_EXPENSE_CATEGORY] = {"expenses", "category", "expenses[].category"},
    [ELG_FPATH_EXPENSE_AMOUNT] = {"expenses", "amount", "expenses[].amount"},
    [ELG_FPATH_RESOURCE_FINANCER] = {"resources", "financer", "resources[].financer"},
    [ELG_FPATH_RESOURCE_AMOUNT] = {"resources", "amount", "resources[].amount"},
    [ELG_FPATH_RESOURCE_PUBLIC] = {"resources", "public", "resources[].public"},
    [ELG_FPATH_RESOURCE_EARMARK] = {"resources", "earmark", "resources[].earmark"},
    [ELG_FPATH_APPLICANT_STATUS] = {"applicants", "status", "applicants[].status"},
    [ELG_FPATH_APPLICANT_NAME] = {"applicants", "name", "applicants[].name"},
    [ELG_FPATH_APPLICANT_COMMUNE] = {"applicants", "commune", "applicants[].commune"},
    [ELG_FPATH_APPLICANT_INSEE] = {"applicants", "insee", "applicants[].insee"},
    [ELG_FPATH_TERRITORY] = {"territory", NULL, "territory[]"},
};

const char *elg_fpath_shape(int field) {
    return field >= 0 && field < ELG_FPATH_FIELDS ? fields[field].shape : NULL;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static elg_fact_path *table; /* ELG_FPATH_FIELDS * ELG_FPATH_MAX_INDEX; NULL: not made */

const char *elg_fpath_list(elg_fpath_field field) {
    return fields[field].list;
}

const char *elg_fpath_name(elg_fpath_field field) {
    return fields[field].name;
}

/* One block: the entries, then every path and shape text. */
static void make(void) {
    size_t text = 0;
    for (int f = 0; f < ELG_FPATH_FIELDS; f++) {
        size_t base =
            strlen(fields[f].list) + 2 + (fields[f].name ? strlen(fields[f].name) + 1 : 0);
        /* The shape once per field; each path with up to three digits. */
        text += base + 1 + (size_t)ELG_FPATH_MAX_INDEX * (base + 3 + 1);
    }
    size_t n = (size_t)ELG_FPATH_FIELDS * ELG_FPATH_MAX_INDEX;
    elg_fact_path *t = malloc(n * sizeof *t + text);
    if (!t)
        return;
    char *at = (char *)(t + n);
    for (int f = 0; f < ELG_FPATH_FIELDS; f++) {
        const char *list = fields[f].list, *name = fields[f].name;
        /* The table's own copy, beside its paths. */
        char *shape = at;
        int sl = sprintf(shape, "%s", fields[f].shape);
        at += sl + 1;
        uint64_t sh = elg_strhash(shape, (size_t)sl);
        for (int i = 0; i < ELG_FPATH_MAX_INDEX; i++) {
            elg_fact_path *e = &t[f * ELG_FPATH_MAX_INDEX + i];
            int pl =
                name ? sprintf(at, "%s[%d].%s", list, i, name) : sprintf(at, "%s[%d]", list, i);
            *e = (elg_fact_path){at, (size_t)pl, elg_strhash(at, (size_t)pl), shape, (size_t)sl, sh,
                                 i,  f};
            at += pl + 1;
        }
    }
    table = t;
}

const elg_fact_path *elg_fpath(elg_fpath_field field, size_t i) {
    if (i >= ELG_FPATH_MAX_INDEX || (unsigned)field >= ELG_FPATH_FIELDS)
        return NULL;
    pthread_once(&once, make);
    return table ? &table[(size_t)field * ELG_FPATH_MAX_INDEX + i] : NULL;
}
