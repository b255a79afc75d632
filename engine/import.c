/*
 * import: streaming all-or-nothing document import (see import.h).
 *
 * Each document gets a sequence number, its position in the batch. It is
 * written as soon as it is valid, so a reference to a document read earlier
 * is found in the store itself; one that is not there yet is deferred, and
 * the deferred references are checked once, at the end, when the whole batch
 * is in the store. The first duplicate is kept aside with its position: it is
 * the import's error unless a deferred reference of an earlier document turns
 * out unresolved.
 */
#include "import.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "files.h"

/* Documents found by reference lately. A batch names the same few financers
 * and calls over and over, and a document once stored stays: remembering the
 * last few found spares most store lookups, in constant memory. */
#define KNOWN 16

typedef struct known_doc {
    elg_doc_kind kind;
    char *id; /* malloc'ed, NULL when the slot is free */
} known_doc;

typedef struct batch {
    elg_store *store;
    int64_t count;         /* documents read so far: the next one's seq */
    elg_error duplicate;   /* the first duplicate's error */
    int64_t duplicate_seq; /* -1: none */
    known_doc known[KNOWN];
    size_t known_next; /* the slot to reuse next */
} batch;

static int is_known(const batch *b, elg_doc_kind kind, const char *id) {
    for (size_t i = 0; i < KNOWN && b->known[i].id; i++)
        if (b->known[i].kind == kind && strcmp(b->known[i].id, id) == 0)
            return 1;
    return 0;
}

/* Remembers (kind, id), forgetting the oldest; out of memory, it is simply
 * not remembered. */
static void remember(batch *b, elg_doc_kind kind, const char *id) {
    char *copy = strdup(id);

    if (!copy)
        return;
    free(b->known[b->known_next].id);
    b->known[b->known_next] = (known_doc){kind, copy};
    b->known_next = (b->known_next + 1) % KNOWN;
}

/* The error for path's body at field, located in the text. */
static int located(elg_error *err, const char *path, const char *body, size_t len,
                   const char *field) {
    int line = 0, column = 0;

    elg_doc_locate(path, body, len, field, &line, &column);
    elg_error_at(err, path, line, column, field);
    return ELG_EINPUT;
}

/* Where a reference stands in its document: list[index].key, or key alone
 * when list is NULL. Written out only for a deferred reference: most are
 * found at once, and a path for each cost the import a printf apiece. */
typedef struct ref_field {
    const char *list;
    size_t index;
    const char *key;
} ref_field;

/* A reference from document seq (its pos-th) to (kind, id): satisfied by a
 * stored document, this batch's earlier ones included, or deferred. */
static int ref(batch *b, int64_t seq, int pos, ref_field at, elg_doc_kind kind, const char *id,
               elg_error *err) {
    const char *kind_name = elg_doc_kind_name(kind);
    char field[64];
    int found = 0, rc;

    if (is_known(b, kind, id))
        return 0;
    if ((rc = elg_store_has_doc(b->store, kind_name, id, &found, err)))
        return rc;
    if (found) {
        remember(b, kind, id);
        return 0;
    }
    if (at.list)
        snprintf(field, sizeof field, "%s[%zu].%s", at.list, at.index, at.key);
    else
        snprintf(field, sizeof field, "%s", at.key);
    return elg_store_batch_defer(b->store, seq, pos, field, kind_name, id, err);
}

static int check_refs(batch *b, int64_t seq, const elg_doc *doc, elg_error *err) {
    const elg_call *c = elg_doc_call(doc);
    const elg_project *p = elg_doc_project(doc);
    const elg_award *a = elg_doc_award(doc);
    int rc = 0;

    if (c)
        return ref(b, seq, 0, (ref_field){NULL, 0, "financer"}, ELG_DOC_FINANCER, c->financer, err);
    if (a) {
        rc = ref(b, seq, 0, (ref_field){NULL, 0, "project"}, ELG_DOC_PROJECT, a->project, err);
        return rc ? rc : ref(b, seq, 1, (ref_field){NULL, 0, "call"}, ELG_DOC_CALL, a->call, err);
    }
    if (!p)
        return 0;
    for (size_t k = 0; k < p->resources_count && rc == 0; k++)
        rc = ref(b, seq, (int)k, (ref_field){"resources", k, "financer"}, ELG_DOC_FINANCER,
                 p->resources[k].financer, err);
    for (size_t k = 0; k < p->applies_to_count && rc == 0; k++)
        rc = ref(b, seq, (int)(p->resources_count + k), (ref_field){"applies_to", k, "call"},
                 ELG_DOC_CALL, p->applies_to[k].call, err);
    return rc;
}

/* Reads, parses, writes and notes one file, then checks its references. */
static int import_file(batch *b, const char *path, bool listed_regular, elg_error *err) {
    int64_t seq = b->count++;
    char *body = NULL, *earlier = NULL;
    size_t len = 0;
    elg_doc *doc = NULL;
    const char *kind, *id;
    int rc, version = 0, created = 0;

    if ((rc = (listed_regular ? elg_files_read_listed : elg_files_read)(path, ELG_DOC_MAX_BYTES,
                                                                        &body, &len, err)) ||
        (rc = elg_doc_parse(path, body, len, &doc, err)))
        goto out;
    kind = elg_doc_kind_name(elg_doc_kind_of(doc));
    id = elg_doc_id(doc);
    if (elg_doc_project(doc))
        rc = elg_store_put_project(b->store, elg_doc_project(doc), body, len, path, &version,
                                   &created, err);
    else if (elg_doc_award(doc)) {
        rc = elg_store_put_award(b->store, elg_doc_award(doc), body, len, path, &version, &created,
                                 err);
        if (rc == ELG_EINPUT && err) /* the decision it names: at its field */
            located(err, path, body, len, err->field);
    } else
        rc = elg_store_put_doc(b->store, kind, id, body, len, path, &version, &created, err);
    if (rc ||
        (rc = elg_store_batch_note(b->store, seq, path, kind, id, version, created, &earlier, err)))
        goto out;
    if (!earlier) {
        rc = check_refs(b, seq, doc, err);
        goto out;
    }
    /* The same document twice in one batch is ambiguous. Its references
     * need no checking: this error comes first within the document. */
    if (b->duplicate_seq < 0) {
        elg_error_set(&b->duplicate, ELG_EINPUT, "%s \"%s\" is also defined in %s", kind, id,
                      earlier);
        located(&b->duplicate, path, body, len, "id");
        b->duplicate_seq = seq;
    }

out:
    free(earlier);
    elg_doc_free(doc);
    free(body);
    return rc;
}

typedef struct walk_ctx {
    batch *b;
    elg_import_skip_fn skip;
    void *skip_ctx;
    elg_error *err;
} walk_ctx;

static int walk_file(void *ctx, const char *path, bool listed_regular) {
    walk_ctx *w = ctx;
    return import_file(w->b, path, listed_regular, w->err);
}

static void walk_skip(void *ctx, const char *path, const char *what) {
    walk_ctx *w = ctx;
    if (w->skip)
        w->skip(w->skip_ctx, path, what);
}

/* A file, or every regular *.yaml / *.yml file below a directory, in name
 * order, each imported as the walk reaches it. */
static int import_path(batch *b, const char *path, elg_import_skip_fn skip, void *skip_ctx,
                       elg_error *err) {
    static const char *const yaml[] = {".yaml", ".yml", NULL};
    walk_ctx w = {b, skip, skip_ctx, err};

    return elg_files_walk(path, yaml, walk_file, walk_skip, &w, err);
}

/* Once every document is in: the first unresolved reference or duplicate,
 * whichever belongs to the earlier document. */
static int check_batch(batch *b, elg_error *err) {
    elg_batch_ref missing;
    int found = 0, rc;

    if (b->count == 0)
        return elg_error_set(err, ELG_EINPUT, "no .yaml document found in the paths given");
    if ((rc = elg_store_batch_unresolved(b->store, &missing, &found, err)))
        return rc;
    if (found && (b->duplicate_seq < 0 || missing.seq < b->duplicate_seq)) {
        elg_error_set(err, ELG_EINPUT, "unknown %s \"%s\" (import it first or in the same batch)",
                      missing.kind, missing.id);
        rc = located(err, missing.path, missing.body, missing.body_len, missing.field);
    } else if (b->duplicate_seq >= 0) {
        if (err && !err->code)
            *err = b->duplicate;
        rc = ELG_EINPUT;
    }
    elg_store_batch_ref_release(&missing);
    return rc;
}

typedef struct report_ctx {
    elg_import_fn fn;
    void *ctx;
} report_ctx;

static int report_doc(void *ctx, const elg_batch_doc *d) {
    report_ctx *r = ctx;
    /* Borrowed from the store for the call, as elg_import_fn says. */
    elg_import_item item = {
        .path = (char *)d->path,
        .kind = (char *)d->kind,
        .id = (char *)d->id,
        .version = d->version,
        .created = d->created,
    };
    return r->fn(r->ctx, &item);
}

int elg_import_each(elg_store *store, const char *const *paths, size_t count, elg_import_fn fn,
                    void *ctx, elg_error *err) {
    return elg_import_each_noting(store, paths, count, fn, NULL, ctx, err);
}

int elg_import_each_noting(elg_store *store, const char *const *paths, size_t count,
                           elg_import_fn fn, elg_import_skip_fn skip, void *ctx, elg_error *err) {
    batch b = {.store = store, .duplicate_seq = -1};
    report_ctx r = {fn, ctx};
    int rc;

    if (!store || (!paths && count))
        return elg_error_set(err, ELG_EUSAGE, "elg_import_each: missing argument");
    if ((rc = elg_store_begin(store, err)))
        return rc;
    rc = elg_store_batch_reset(store, err);
    for (size_t i = 0; i < count && rc == 0; i++)
        rc = import_path(&b, paths[i], skip, ctx, err);
    if (rc == 0)
        rc = check_batch(&b, err);
    for (size_t i = 0; i < KNOWN; i++)
        free(b.known[i].id);
    if (rc) {
        elg_store_rollback(store);
        return rc;
    }
    if ((rc = elg_store_commit(store, err)))
        return rc;
    if (fn)
        rc = elg_store_batch_each(store, report_doc, &r, err);
    /* The notes are of no use past the report; a failure to drop them now
     * only delays it to the next import. */
    elg_store_batch_reset(store, NULL);
    return rc;
}

/* ---- the report in memory ----------------------------------------------- */

typedef struct collector {
    elg_import_report *report;
    size_t cap;
} collector;

static int collect(void *ctx, const elg_import_item *item) {
    collector *c = ctx;
    elg_import_report *r = c->report;
    elg_import_item *it;

    if (r->count == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        elg_import_item *items = realloc(r->items, cap * sizeof *items);
        if (!items)
            return ELG_ENOMEM;
        r->items = items;
        c->cap = cap;
    }
    it = &r->items[r->count++];
    it->path = strdup(item->path);
    it->kind = strdup(item->kind);
    it->id = strdup(item->id);
    it->version = item->version;
    it->created = item->created;
    return it->path && it->kind && it->id ? 0 : ELG_ENOMEM;
}

int elg_import_paths(elg_store *store, const char *const *paths, size_t count,
                     elg_import_report *report, elg_error *err) {
    collector c = {report, 0};
    int rc;

    memset(report, 0, sizeof *report);
    rc = elg_import_each(store, paths, count, collect, &c, err);
    if (rc == ELG_ENOMEM)
        elg_error_set(err, ELG_ENOMEM, "out of memory");
    if (rc)
        elg_import_report_release(report);
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
