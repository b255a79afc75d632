/*
 * check: project x call -> stored decision (see check.h).
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "figures.h"
#include "hash.h"

typedef struct doc_list {
    elg_doc **docs;
    const elg_financer **financers;
    size_t count, cap;
} doc_list;

static void doc_list_free(doc_list *l) {
    for (size_t i = 0; i < l->count; i++)
        elg_doc_free(l->docs[i]);
    free(l->docs);
    free(l->financers);
}

typedef struct collect_ctx {
    doc_list *list;
    elg_error *err;
} collect_ctx;

static int collect_financer(void *vctx, const elg_stored_doc *sd) {
    collect_ctx *c = vctx;
    doc_list *l = c->list;
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        elg_doc **nd = realloc(l->docs, cap * sizeof *nd);
        if (!nd)
            return elg_error_set(c->err, ELG_ENOMEM, "out of memory");
        l->docs = nd;
        const elg_financer **nf = realloc(l->financers, cap * sizeof *nf);
        if (!nf)
            return elg_error_set(c->err, ELG_ENOMEM, "out of memory");
        l->financers = nf;
        l->cap = cap;
    }
    char name[512];
    snprintf(name, sizeof name, "store:financer/%s@%d", sd->id, sd->version);
    elg_doc *d = NULL;
    int rc = elg_doc_parse(name, sd->body, sd->body_len, &d, c->err);
    if (rc)
        return rc;
    l->docs[l->count] = d;
    l->financers[l->count] = elg_doc_financer(d);
    l->count++;
    return 0;
}

/* Parses the latest stored version of (kind, id). */
static int load_doc(elg_store *store, const char *kind, const char *id, elg_stored_doc *sd,
                    elg_doc **doc, elg_error *err) {
    int rc = elg_store_get_doc(store, kind, id, 0, sd, err);
    if (rc)
        return rc;
    char name[512];
    snprintf(name, sizeof name, "store:%s/%s@%d", kind, id, sd->version);
    rc = elg_doc_parse(name, sd->body, sd->body_len, doc, err);
    if (rc)
        elg_store_doc_release(sd);
    return rc;
}

/* sha256 over "path sha256\n" lines of the rule files, in path order, so the
 * rule set hash does not depend on the order the files were read. */
static int cmp_paths(const void *a, const void *b) {
    json_t *const *x = a, *const *y = b;
    return strcmp(json_string_value(json_object_get(*x, "path")),
                  json_string_value(json_object_get(*y, "path")));
}

static void ruleset_hash(json_t *files, char hex[ELG_SHA256_HEX]) {
    size_t n = json_array_size(files);
    json_t **sorted = calloc(n ? n : 1, sizeof *sorted);
    elg_sha256_ctx *ctx = elg_sha256_begin();
    for (size_t i = 0; sorted && i < n; i++)
        sorted[i] = json_array_get(files, i);
    if (sorted)
        qsort(sorted, n, sizeof *sorted, cmp_paths);
    for (size_t i = 0; sorted && i < n; i++) {
        const char *p = json_string_value(json_object_get(sorted[i], "path"));
        const char *s = json_string_value(json_object_get(sorted[i], "sha256"));
        elg_sha256_update(ctx, p, strlen(p));
        elg_sha256_update(ctx, " ", 1);
        elg_sha256_update(ctx, s, strlen(s));
        elg_sha256_update(ctx, "\n", 1);
    }
    free(sorted);
    elg_sha256_end(ctx, hex);
}

/* Evaluates one call and stores the decision. */
static int check_one(elg_store *store, elg_rules *rules, const elg_stored_doc *psd,
                     const elg_project *project, const doc_list *fins, const char *call_id,
                     json_t *decisions, elg_error *err) {
    elg_stored_doc csd = {0};
    elg_doc *cdoc = NULL;
    json_t *result = NULL, *figures = NULL, *decision = NULL;
    elg_rule_file_ref *refs = NULL;
    int rc = load_doc(store, "call", call_id, &csd, &cdoc, err);
    if (rc)
        goto out;
    const elg_call *call = elg_doc_call(cdoc);
    const char *date = project->submitted ? project->submitted : project->start;
    elg_eval_input in = {
        .project = project,
        .call = call,
        .edition = elg_call_edition_at(call, date),
        .financers = fins->financers,
        .financers_count = fins->count,
    };
    if ((rc = elg_rules_evaluate(rules, &in, &result, err)))
        goto out;
    figures = elg_figures_compute(project, call, fins->financers, fins->count,
                                  json_object_get(result, "decision_figures"), err);
    if (!figures) {
        rc = err->code ? err->code : ELG_ENOMEM;
        goto out;
    }

    json_t *files = json_object_get(result, "rule_files");
    size_t nfiles = json_array_size(files);
    refs = calloc(nfiles ? nfiles : 1, sizeof *refs);
    if (!refs) {
        rc = elg_error_set(err, ELG_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < nfiles; i++) {
        json_t *f = json_array_get(files, i);
        const char *path = json_string_value(json_object_get(f, "path"));
        const char *sha = json_string_value(json_object_get(f, "sha256"));
        size_t len = 0;
        const char *body = elg_rules_source(rules, path + strlen("rules/"), &len);
        if (!body) {
            rc = elg_error_set(err, ELG_ERULE, "source of %s is not loaded", path);
            goto out;
        }
        if ((rc = elg_store_put_rule_source(store, sha, body, len, err)))
            goto out;
        refs[i].path = path;
        refs[i].sha256 = sha;
    }
    char ruleset[ELG_SHA256_HEX];
    ruleset_hash(files, ruleset);
    const char *outcome = json_string_value(json_object_get(result, "outcome"));
    json_t *edition = in.edition ? json_pack("{ssss}", "name", in.edition->name, "from",
                                             in.edition->from)
                                 : json_null();
    decision = json_object();
    if (!decision) {
        rc = elg_error_set(err, ELG_ENOMEM, "cannot build the decision document");
        goto out;
    }
    json_object_set_new(decision, "format", json_integer(ELG_TRACE_FORMAT));
    json_object_set_new(decision, "project", json_string(project->id));
    json_object_set_new(decision, "project_version", json_integer(psd->version));
    json_object_set_new(decision, "project_sha256", json_string(psd->sha256));
    json_object_set_new(decision, "call", json_string(call->id));
    json_object_set_new(decision, "call_version", json_integer(csd.version));
    json_object_set_new(decision, "call_sha256", json_string(csd.sha256));
    json_object_set_new(decision, "call_title", json_string(call->title));
    json_object_set_new(decision, "edition", edition);
    json_object_set_new(decision, "outcome", json_string(outcome));
    json_object_set(decision, "figures", figures);
    json_object_set_new(decision, "ruleset_sha256", json_string(ruleset));
    json_object_set(decision, "rule_files", files);
    json_object_set(decision, "parameters", json_object_get(result, "parameters"));
    json_object_set_new(decision, "engine_version", json_string(ELIGO_VERSION));
    json_object_set(decision, "rules", json_object_get(result, "rules"));
    json_object_set_new(decision, "basis", json_string(call->basis ? call->basis : ""));
    char *trace = json_dumps(decision, JSON_COMPACT);
    char *figs = json_dumps(figures, JSON_COMPACT);
    elg_stored_decision row = {
        .project = project->id,
        .project_version = psd->version,
        .project_sha256 = psd->sha256,
        .call = call->id,
        .call_version = csd.version,
        .call_sha256 = csd.sha256,
        .ruleset_sha256 = ruleset,
        .engine_version = ELIGO_VERSION,
        .outcome = (char *)outcome,
        .figures = figs,
        .trace = trace,
    };
    int64_t id = 0;
    rc = trace && figs ? elg_store_add_decision(store, &row, refs, nfiles, &id, err)
                       : elg_error_set(err, ELG_ENOMEM, "out of memory");
    free(trace);
    free(figs);
    if (rc)
        goto out;
    elg_stored_decision stored = {0};
    if ((rc = elg_store_get_decision(store, id, &stored, err)))
        goto out;
    json_object_set_new(decision, "decision_id", json_integer(id));
    json_object_set_new(decision, "created_at", json_string(stored.created_at));
    elg_store_decision_release(&stored);
    json_array_append(decisions, decision);
out:
    free(refs);
    json_decref(decision);
    json_decref(figures);
    json_decref(result);
    elg_doc_free(cdoc);
    elg_store_doc_release(&csd);
    return rc;
}

int elg_check_project(elg_store *store, elg_rules *rules, const char *project_id,
                      const char *call_id, json_t **decisions, elg_error *err) {
    elg_stored_doc psd = {0};
    elg_doc *pdoc = NULL;
    doc_list fins = {0};
    json_t *out = json_array();
    int rc = 0, in_tx = 0;
    *decisions = NULL;
    if ((rc = load_doc(store, "project", project_id, &psd, &pdoc, err)))
        goto out;
    const elg_project *project = elg_doc_project(pdoc);
    collect_ctx cc = {&fins, err};
    if ((rc = elg_store_each_doc(store, "financer", collect_financer, &cc, err)))
        goto out;
    if (!call_id && project->applies_to_count == 0) {
        rc = elg_error_set(err, ELG_EUSAGE,
                           "project \"%s\" applies to no call: name one with --call", project_id);
        goto out;
    }
    if ((rc = elg_store_begin(store, err)))
        goto out;
    in_tx = 1;
    if (call_id) {
        rc = check_one(store, rules, &psd, project, &fins, call_id, out, err);
    } else {
        for (size_t i = 0; i < project->applies_to_count && rc == 0; i++)
            rc = check_one(store, rules, &psd, project, &fins, project->applies_to[i].call, out,
                           err);
    }
    if (rc)
        goto out;
    rc = elg_store_commit(store, err);
    in_tx = 0;
    if (rc)
        goto out;
    *decisions = out;
    out = NULL;
out:
    if (in_tx)
        elg_store_rollback(store);
    json_decref(out);
    doc_list_free(&fins);
    elg_doc_free(pdoc);
    elg_store_doc_release(&psd);
    return rc;
}

int elg_check_load_decision(elg_store *store, int64_t id, json_t **decision, elg_error *err) {
    elg_stored_decision d = {0};
    *decision = NULL;
    int rc = elg_store_get_decision(store, id, &d, err);
    if (rc)
        return rc;
    json_error_t jerr;
    json_t *j = json_loads(d.trace, 0, &jerr);
    if (!j) {
        rc = elg_error_set(err, ELG_ESTORE, "decision %lld: stored trace is not JSON: %s",
                           (long long)id, jerr.text);
    } else {
        json_object_set_new(j, "decision_id", json_integer(id));
        json_object_set_new(j, "created_at", json_string(d.created_at));
        *decision = j;
    }
    elg_store_decision_release(&d);
    return rc;
}

const char *elg_check_worst_outcome(json_t *decisions) {
    int fail = 0, error = 0;
    size_t i;
    json_t *d;
    json_array_foreach(decisions, i, d) {
        const char *o = json_string_value(json_object_get(d, "outcome"));
        if (o && strcmp(o, "error") == 0)
            error = 1;
        else if (o && strcmp(o, "ineligible") == 0)
            fail = 1;
    }
    return error ? "error" : fail ? "ineligible" : "eligible";
}
