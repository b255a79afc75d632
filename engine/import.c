/*
 * import: all-or-nothing document import (see import.h).
 */
#include "import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "files.h"

typedef struct pending {
    char *path;
    char *body;
    size_t len;
    elg_doc *doc;
} pending;

typedef struct batch {
    pending *items;
    size_t count, cap;
} batch;

static void batch_free(batch *b) {
    for (size_t i = 0; i < b->count; i++) {
        free(b->items[i].path);
        free(b->items[i].body);
        elg_doc_free(b->items[i].doc);
    }
    free(b->items);
}

static int add_file(batch *b, const char *path, elg_error *err) {
    if (b->count == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        pending *n = realloc(b->items, cap * sizeof *n);
        if (!n)
            return elg_error_set(err, ELG_ENOMEM, "out of memory");
        b->items = n;
        b->cap = cap;
    }
    pending *p = &b->items[b->count];
    memset(p, 0, sizeof *p);
    p->path = strdup(path);
    if (!p->path)
        return elg_error_set(err, ELG_ENOMEM, "out of memory");
    b->count++;
    int rc = elg_files_read(path, ELG_DOC_MAX_BYTES, &p->body, &p->len, err);
    if (rc)
        return rc;
    return elg_doc_parse(path, p->body, p->len, &p->doc, err);
}

/* A file, or every *.yaml / *.yml file below a directory, in name order. */
static int add_path(batch *b, const char *path, elg_error *err) {
    static const char *const yaml[] = {".yaml", ".yml", NULL};
    char **files = NULL;
    size_t n = 0;
    int rc = elg_files_list(path, yaml, &files, &n, err);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = add_file(b, files[i], err);
    elg_files_list_free(files, n);
    return rc;
}

/* Does (kind, id) exist in the batch or the store? */
static int exists(elg_store *store, const batch *b, elg_doc_kind kind, const char *id) {
    for (size_t i = 0; i < b->count; i++)
        if (elg_doc_kind_of(b->items[i].doc) == kind &&
            strcmp(elg_doc_id(b->items[i].doc), id) == 0)
            return 1;
    elg_stored_doc sd;
    elg_error e = {0};
    if (elg_store_get_doc(store, elg_doc_kind_name(kind), id, 0, &sd, &e) == 0) {
        elg_store_doc_release(&sd);
        return 1;
    }
    return 0;
}

static int missing_ref(const pending *p, const char *field, elg_doc_kind kind, const char *id,
                       elg_error *err) {
    elg_error_set(err, ELG_EINPUT, "unknown %s \"%s\" (import it first or in the same batch)",
                  elg_doc_kind_name(kind), id);
    int line = 0, column = 0;
    elg_doc_locate(p->path, p->body, p->len, field, &line, &column);
    elg_error_at(err, p->path, line, column, field);
    return ELG_EINPUT;
}

static int check_refs(elg_store *store, const batch *b, elg_error *err) {
    char field[128];
    for (size_t i = 0; i < b->count; i++) {
        const pending *p = &b->items[i];
        /* The same document twice in one batch is ambiguous. */
        for (size_t j = 0; j < i; j++) {
            if (elg_doc_kind_of(b->items[j].doc) == elg_doc_kind_of(p->doc) &&
                strcmp(elg_doc_id(b->items[j].doc), elg_doc_id(p->doc)) == 0) {
                elg_error_set(err, ELG_EINPUT, "%s \"%s\" is also defined in %s",
                              elg_doc_kind_name(elg_doc_kind_of(p->doc)), elg_doc_id(p->doc),
                              b->items[j].path);
                int line = 0, column = 0;
                elg_doc_locate(p->path, p->body, p->len, "id", &line, &column);
                elg_error_at(err, p->path, line, column, "id");
                return ELG_EINPUT;
            }
        }
        const elg_call *c = elg_doc_call(p->doc);
        if (c && !exists(store, b, ELG_DOC_FINANCER, c->financer))
            return missing_ref(p, "financer", ELG_DOC_FINANCER, c->financer, err);
        const elg_project *pr = elg_doc_project(p->doc);
        if (!pr)
            continue;
        for (size_t k = 0; k < pr->resources_count; k++) {
            if (!exists(store, b, ELG_DOC_FINANCER, pr->resources[k].financer)) {
                snprintf(field, sizeof field, "resources[%zu].financer", k);
                return missing_ref(p, field, ELG_DOC_FINANCER, pr->resources[k].financer, err);
            }
        }
        for (size_t k = 0; k < pr->applies_to_count; k++) {
            if (!exists(store, b, ELG_DOC_CALL, pr->applies_to[k].call)) {
                snprintf(field, sizeof field, "applies_to[%zu].call", k);
                return missing_ref(p, field, ELG_DOC_CALL, pr->applies_to[k].call, err);
            }
        }
    }
    return 0;
}

int elg_import_paths(elg_store *store, const char *const *paths, size_t count,
                     elg_import_report *report, elg_error *err) {
    batch b = {0};
    int rc = 0, in_tx = 0;
    memset(report, 0, sizeof *report);
    for (size_t i = 0; i < count && rc == 0; i++)
        rc = add_path(&b, paths[i], err);
    if (rc)
        goto out;
    if (b.count == 0) {
        rc = elg_error_set(err, ELG_EINPUT, "no .yaml document found in the paths given");
        goto out;
    }
    if ((rc = check_refs(store, &b, err)))
        goto out;
    report->items = calloc(b.count, sizeof *report->items);
    if (!report->items) {
        rc = elg_error_set(err, ELG_ENOMEM, "out of memory");
        goto out;
    }
    if ((rc = elg_store_begin(store, err)))
        goto out;
    in_tx = 1;
    for (size_t i = 0; i < b.count; i++) {
        const pending *p = &b.items[i];
        elg_import_item *it = &report->items[i];
        const char *kind = elg_doc_kind_name(elg_doc_kind_of(p->doc));
        it->path = strdup(p->path);
        it->kind = strdup(kind);
        it->id = strdup(elg_doc_id(p->doc));
        report->count++;
        if (!it->path || !it->kind || !it->id) {
            rc = elg_error_set(err, ELG_ENOMEM, "out of memory");
            goto out;
        }
        rc = elg_store_put_doc(store, kind, it->id, p->body, p->len, p->path, &it->version,
                               &it->created, err);
        if (rc)
            goto out;
    }
    rc = elg_store_commit(store, err);
    in_tx = 0;
out:
    if (rc) {
        if (in_tx)
            elg_store_rollback(store);
        elg_import_report_release(report);
    }
    batch_free(&b);
    return rc;
}

void elg_import_report_release(elg_import_report *report) {
    if (!report)
        return;
    for (size_t i = 0; i < report->count; i++) {
        free(report->items[i].path);
        free(report->items[i].kind);
        free(report->items[i].id);
    }
    free(report->items);
    memset(report, 0, sizeof *report);
}
