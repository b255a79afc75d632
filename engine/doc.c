/*
 * doc: the entry points (parse, load_file, free, accessors) of the module that turns YAML
 * documents (financer, call, project) into the typed model of doc.h.
 *
 * The one idea: the same bytes are read up to three times, each reader doing what it does
 * best, and a valid document only once. A libyaml scan (doc_locate.c) reads the top-level
 * `kind:` (and reports empty or non-mapping documents); libcyaml (doc_schema.c) loads the whole
 * document against the strict schema of that kind into "raw" structs made only of strings (unknown,
 * missing or duplicate fields, wrong shapes); the value checks (doc_check.c) then convert the
 * values (money, rates, dates, enumerations, ids) into the public structs, which borrow their
 * strings from the raw data. libcyaml says where it failed only as a backtrace of the field path,
 * and value checks know no position at all, so every error goes through the locator (doc_locate.c),
 * which walks the libyaml events once more to find the line:column of a path. Between the load and
 * the value checks, every value is checked as text (doc_check_texts): lengths and characters, but
 * also what libcyaml does not show, explicit tags and characters however escaped. When the
 * bytes hold no tag indicator, no backslash and no NUL, the loaded strings are exactly the
 * values, and they are checked as loaded; only when that finds something, or when the bytes
 * could hide something, does one more walk of the events check them again, in the document's
 * order and with positions (and a call, for its `list:` keys, always takes the walk). The
 * locator runs only on the error path. The partial scan for `kind:` is skipped when the first
 * line names the kind and the load with that kind's schema succeeds (load_named): a valid
 * project, as written by hand or by a program, then costs one libyaml pass, the load.
 *
 * Nothing here is global or static-mutable: libcyaml's log goes to a per-parse context, so
 * parsing is re-entrant.
 */
#include "doc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc_internal.h"
#include "tr.h"

/* ---- the document --------------------------------------------------------- */

struct elg_doc {
    elg_doc_kind kind; /* also selects the schema that frees raw */
    void *raw;         /* owns every string the public structs point to */
    union {
        elg_financer financer;
        elg_call call;
        elg_project project;
        elg_award award;
    } as;
};

void elg_doc_free(elg_doc *doc) {
    if (!doc)
        return;
    switch (doc->kind) {
    case ELG_DOC_CALL:
        free(doc->as.call.params);
        for (size_t i = 0; i < doc->as.call.editions_count; i++)
            free(doc->as.call.editions[i].params);
        free(doc->as.call.editions);
        break;
    case ELG_DOC_PROJECT:
        free(doc->as.project.applicants);
        free(doc->as.project.expenses);
        free(doc->as.project.resources);
        free(doc->as.project.applies_to);
        free(doc->as.project.de_minimis);
        break;
    case ELG_DOC_AWARD:
        free(doc->as.award.beneficiaries);
        break;
    case ELG_DOC_FINANCER:
        break;
    }
    doc_free_raw(doc->kind, doc->raw);
    free(doc);
}

elg_doc_kind elg_doc_kind_of(const elg_doc *doc) {
    return doc ? doc->kind : (elg_doc_kind)0;
}

const char *elg_doc_id(const elg_doc *doc) {
    if (!doc)
        return NULL;
    switch (doc->kind) {
    case ELG_DOC_FINANCER:
        return doc->as.financer.id;
    case ELG_DOC_CALL:
        return doc->as.call.id;
    case ELG_DOC_PROJECT:
        return doc->as.project.id;
    case ELG_DOC_AWARD:
        return doc->as.award.id;
    }
    return NULL;
}

const elg_financer *elg_doc_financer(const elg_doc *doc) {
    return doc && doc->kind == ELG_DOC_FINANCER ? &doc->as.financer : NULL;
}

const elg_call *elg_doc_call(const elg_doc *doc) {
    return doc && doc->kind == ELG_DOC_CALL ? &doc->as.call : NULL;
}

const elg_project *elg_doc_project(const elg_doc *doc) {
    return doc && doc->kind == ELG_DOC_PROJECT ? &doc->as.project : NULL;
}

const elg_award *elg_doc_award(const elg_doc *doc) {
    return doc && doc->kind == ELG_DOC_AWARD ? &doc->as.award : NULL;
}

/* ---- editions and parameters ------------------------------------------------ */

const elg_edition *elg_call_edition_at(const elg_call *call, const char *date) {
    if (!call || !date)
        return NULL;
    const elg_edition *found = NULL;
    /* Editions are sorted by `from`, and YYYY-MM-DD strings order like the dates. */
    for (size_t i = 0; i < call->editions_count; i++) {
        if (strcmp(call->editions[i].from, date) > 0)
            break;
        found = &call->editions[i];
    }
    return found;
}

static const elg_param *param_in(const elg_param *params, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(params[i].name, name) == 0)
            return &params[i];
    return NULL;
}

const elg_param *elg_call_param(const elg_call *call, const elg_edition *edition,
                                const char *name) {
    if (!call || !name)
        return NULL;
    const elg_param *p = edition ? param_in(edition->params, edition->params_count, name) : NULL;
    return p ? p : param_in(call->params, call->params_count, name);
}

/* ---- entry points ------------------------------------------------------------------ */

/* The kind a document names on its first line when that line is exactly "kind: <name>" and the
 * next one starts a new key at the left margin (so the value cannot go on), else 0. */
static elg_doc_kind kind_on_first_line(const char *data, size_t len) {
    static const char key[] = "kind: ";
    size_t n = sizeof key - 1;
    if (len < n || memcmp(data, key, n) != 0)
        return 0;
    for (int k = ELG_DOC_FINANCER; k <= ELG_DOC_AWARD; k++) {
        const char *name = elg_doc_kind_name((elg_doc_kind)k);
        size_t m = strlen(name);
        if (len > n + m + 1 && memcmp(data + n, name, m) == 0 && data[n + m] == '\n' &&
            data[n + m + 1] != ' ' && data[n + m + 1] != '\t')
            return (elg_doc_kind)k;
    }
    return 0;
}

/* The loaded `kind` of a raw document, the first field of each raw struct. */
static const char *raw_kind(elg_doc_kind kind, const void *raw) {
    switch (kind) {
    case ELG_DOC_FINANCER:
        return ((const raw_financer *)raw)->kind;
    case ELG_DOC_CALL:
        return ((const raw_call *)raw)->kind;
    case ELG_DOC_PROJECT:
        return ((const raw_project *)raw)->kind;
    case ELG_DOC_AWARD:
        return ((const raw_award *)raw)->kind;
    }
    return NULL;
}

/*
 * Loads the document without the partial scan for `kind:` when its first line names the kind:
 * libcyaml loads it with that kind's schema, quietly. If that load succeeds with that `kind`,
 * the scan would have found the same kind (libcyaml has read the whole stream, refuses a second
 * `kind` key, an alias or a non-text value) and the load would have been the same. Otherwise
 * nothing is kept, *kind is 0, and the caller scans and loads again, to report whatever is
 * wrong as it always has.
 */
static void load_named(const parse_ctx *c, elg_doc_kind *kind, void **raw) {
    elg_doc_kind named = kind_on_first_line(c->data, c->len);
    elg_error quiet;
    parse_ctx q = *c;
    *kind = 0;
    *raw = NULL;
    if (!named)
        return;
    elg_error_clear(&quiet);
    q.err = &quiet;
    if (doc_load_raw(&q, named, raw) == 0 && raw_kind(named, *raw) &&
        strcmp(raw_kind(named, *raw), elg_doc_kind_name(named)) == 0) {
        *kind = named;
        return;
    }
    doc_free_raw(named, *raw);
    *raw = NULL;
}

int elg_doc_parse(const char *name, const char *data, size_t len, elg_doc **out, elg_error *err) {
    parse_ctx c = {.name = name ? name : "", .data = data, .len = len, .err = err};
    elg_doc *doc = NULL;
    elg_doc_kind kind = 0;
    int rc = 0;
    if (!out || (!data && len > 0))
        return elg_error_set(err, ELG_EUSAGE, "elg_doc_parse: out and data must not be NULL");
    *out = NULL;
    if (!data)
        c.data = "";
    if (len > ELG_DOC_MAX_BYTES) {
        rc = doc_fail_pos(&c, 0, 0, "", "document too large (the limit is %u MiB)",
                          (unsigned)(ELG_DOC_MAX_BYTES >> 20));
        goto out;
    }
    doc = calloc(1, sizeof *doc);
    if (!doc) {
        rc = doc_nomem(&c);
        goto out;
    }
    load_named(&c, &kind, &doc->raw);
    if (!kind && (rc = doc_sniff_kind(&c, &kind)))
        goto out;
    doc->kind = kind;
    if (!doc->raw && (rc = doc_load_raw(&c, kind, &doc->raw)))
        goto out;
    rc = doc_check_texts(&c, kind, doc->raw);
    if (rc)
        goto out;
    switch (kind) {
    case ELG_DOC_FINANCER:
        rc = doc_conv_financer(&c, doc->raw, &doc->as.financer);
        break;
    case ELG_DOC_CALL:
        rc = doc_conv_call(&c, doc->raw, &doc->as.call);
        break;
    case ELG_DOC_PROJECT:
        rc = doc_conv_project(&c, doc->raw, &doc->as.project);
        break;
    case ELG_DOC_AWARD:
        rc = doc_conv_award(&c, doc->raw, &doc->as.award);
        break;
    }
    if (rc)
        goto out;
    *out = doc;
    doc = NULL;
out:
    elg_doc_free(doc);
    return rc;
}

int elg_doc_load_file(const char *path, elg_doc **out, elg_error *err) {
    char *data = NULL;
    size_t len = 0, cap = 0;
    FILE *f = NULL;
    int rc;
    if (!path || !out)
        return elg_error_set(err, ELG_EUSAGE, "elg_doc_load_file: path and out must not be NULL");
    *out = NULL;
    f = fopen(path, "rb");
    if (!f) {
        rc = elg_error_set(err, ELG_EIO, "cannot open: %s", elg_strerror(errno));
        elg_error_at(err, path, 0, 0, NULL);
        goto out;
    }
    /* Read at most one byte past the limit: enough to know the file is too large without
     * reading all of it. */
    for (;;) {
        if (len == cap) {
            size_t want = cap ? cap * 2 : 64 * 1024;
            if (want > (size_t)ELG_DOC_MAX_BYTES + 1)
                want = (size_t)ELG_DOC_MAX_BYTES + 1;
            if (want == cap)
                break;
            char *grown = realloc(data, want);
            if (!grown) {
                rc = elg_error_set(err, ELG_ENOMEM, "out of memory while reading the file");
                elg_error_at(err, path, 0, 0, NULL);
                goto out;
            }
            data = grown;
            cap = want;
        }
        size_t got = fread(data + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        rc = elg_error_set(err, ELG_EIO, "cannot read: %s", elg_strerror(errno));
        elg_error_at(err, path, 0, 0, NULL);
        goto out;
    }
    rc = elg_doc_parse(path, data, len, out, err);
out:
    if (f)
        fclose(f);
    free(data);
    return rc;
}
