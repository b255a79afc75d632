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

static int set_grow(elg_financer_set *set, elg_error *err) {
    if (set->count < set->cap)
        return 0;
    size_t cap = set->cap ? set->cap * 2 : 16;
    elg_financer_entry *ne = realloc(set->entries, cap * sizeof *ne);
    if (!ne)
        return elg_error_set(err, ELG_ENOMEM, "out of memory reading the financers");
    set->entries = ne;
    const elg_financer **nf = realloc(set->financers, cap * sizeof *nf);
    if (!nf)
        return elg_error_set(err, ELG_ENOMEM, "out of memory reading the financers");
    set->financers = nf;
    set->cap = cap;
    return 0;
}

/* Parses a stored financer version and appends it to set. */
static int set_append(elg_financer_set *set, const elg_stored_doc *sd, elg_error *err) {
    int rc = set_grow(set, err);
    if (rc)
        return rc;
    char name[512];
    snprintf(name, sizeof name, "store:financer/%s@%d", sd->id, sd->version);
    elg_doc *d = NULL;
    if ((rc = elg_doc_parse(name, sd->body, sd->body_len, &d, err)))
        return rc;
    elg_financer_entry *e = &set->entries[set->count];
    e->doc = d;
    e->version = sd->version;
    snprintf(e->sha256, sizeof e->sha256, "%s", sd->sha256);
    set->financers[set->count] = elg_doc_financer(d);
    set->count++;
    return 0;
}

typedef struct collect_ctx {
    elg_financer_set *set;
    elg_error *err;
} collect_ctx;

static int collect_financer(void *vctx, const elg_stored_doc *sd) {
    collect_ctx *c = vctx;
    return set_append(c->set, sd, c->err);
}

int elg_check_financers_latest(elg_store *store, elg_financer_set *set, elg_error *err) {
    collect_ctx cc = {set, err};
    return elg_store_each_doc(store, "financer", collect_financer, &cc, err);
}

int elg_check_financers_add(elg_store *store, elg_financer_set *set, const char *id, int version,
                            elg_error *err) {
    elg_stored_doc sd = {0};
    int rc = elg_store_get_doc(store, "financer", id, version, &sd, err);
    if (rc == 0) {
        rc = set_append(set, &sd, err);
        elg_store_doc_release(&sd);
    }
    return rc;
}

void elg_check_financers_release(elg_financer_set *set) {
    for (size_t i = 0; i < set->count; i++)
        elg_doc_free(set->entries[i].doc);
    free(set->entries);
    free(set->financers);
    memset(set, 0, sizeof *set);
}

int elg_check_load_doc(elg_store *store, const char *kind, const char *id, int version,
                       elg_stored_doc *sd, elg_doc **doc, elg_error *err) {
    *doc = NULL;
    int rc = elg_store_get_doc(store, kind, id, version, sd, err);
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

static json_t *financer_versions(const elg_financer_set *set) {
    json_t *a = json_array();
    for (size_t i = 0; a && i < set->count; i++)
        json_array_append_new(a,
                              json_pack("{sssiss}", "financer", set->financers[i]->id, "version",
                                        set->entries[i].version, "sha256", set->entries[i].sha256));
    return a;
}

int elg_check_decide(elg_rules *rules, const elg_check_input *in, json_t **decision,
                     elg_error *err) {
    const elg_project *project = in->project;
    const elg_call *call = in->call;
    json_t *result = NULL, *figures = NULL, *d = NULL;
    int rc;
    *decision = NULL;
    const char *date = project->submitted ? project->submitted : project->start;
    elg_eval_input ev = {
        .project = project,
        .call = call,
        .edition = elg_call_edition_at(call, date),
        .financers = in->financers->financers,
        .financers_count = in->financers->count,
    };
    if ((rc = elg_rules_evaluate(rules, &ev, &result, err)))
        goto out;
    figures = elg_figures_compute(project, call, ev.financers, ev.financers_count,
                                  json_object_get(result, "decision_figures"), err);
    if (!figures) {
        rc = err->code ? err->code : elg_error_set(err, ELG_ENOMEM, "out of memory");
        goto out;
    }
    json_t *files = json_object_get(result, "rule_files");
    char ruleset[ELG_SHA256_HEX];
    ruleset_hash(files, ruleset);
    json_t *edition = ev.edition
                          ? json_pack("{ssss}", "name", ev.edition->name, "from", ev.edition->from)
                          : json_null();
    d = json_object();
    if (!d) {
        rc = elg_error_set(err, ELG_ENOMEM, "cannot build the decision document");
        goto out;
    }
    json_object_set_new(d, "format", json_integer(ELG_TRACE_FORMAT));
    json_object_set_new(d, "project", json_string(project->id));
    json_object_set_new(d, "project_version", json_integer(in->project_doc->version));
    json_object_set_new(d, "project_sha256", json_string(in->project_doc->sha256));
    json_object_set_new(d, "call", json_string(call->id));
    json_object_set_new(d, "call_version", json_integer(in->call_doc->version));
    json_object_set_new(d, "call_sha256", json_string(in->call_doc->sha256));
    json_object_set_new(d, "call_title", json_string(call->title));
    json_object_set_new(d, "edition", edition);
    json_object_set(d, "outcome", json_object_get(result, "outcome"));
    json_object_set(d, "figures", figures);
    json_object_set_new(d, "ruleset_sha256", json_string(ruleset));
    json_object_set(d, "rule_files", files);
    json_object_set(d, "parameters", json_object_get(result, "parameters"));
    json_object_set(d, "limits", json_object_get(result, "limits"));
    json_object_set_new(d, "financer_versions", financer_versions(in->financers));
    json_object_set_new(d, "engine_version", json_string(ELIGO_VERSION));
    json_object_set(d, "rules", json_object_get(result, "rules"));
    json_object_set_new(d, "basis", json_string(call->basis ? call->basis : ""));
    *decision = d;
    d = NULL;
out:
    json_decref(d);
    json_decref(figures);
    json_decref(result);
    return rc;
}

static char *str_of(json_t *obj, const char *key) {
    return (char *)json_string_value(json_object_get(obj, key));
}

/* Stores the rule sources of a decision document and the decision; sets
 * decision_id and created_at in it. */
static int store_decision(elg_store *store, elg_rules *rules, json_t *decision, elg_error *err) {
    json_t *files = json_object_get(decision, "rule_files");
    size_t nfiles = json_array_size(files);
    char *trace = NULL, *figs = NULL;
    elg_rule_file_ref *refs = calloc(nfiles ? nfiles : 1, sizeof *refs);
    int rc = 0;
    if (!refs)
        return elg_error_set(err, ELG_ENOMEM, "out of memory");
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
    trace = json_dumps(decision, JSON_COMPACT);
    figs = json_dumps(json_object_get(decision, "figures"), JSON_COMPACT);
    elg_stored_decision row = {
        .project = str_of(decision, "project"),
        .project_version = (int)json_integer_value(json_object_get(decision, "project_version")),
        .project_sha256 = str_of(decision, "project_sha256"),
        .call = str_of(decision, "call"),
        .call_version = (int)json_integer_value(json_object_get(decision, "call_version")),
        .call_sha256 = str_of(decision, "call_sha256"),
        .ruleset_sha256 = str_of(decision, "ruleset_sha256"),
        .engine_version = str_of(decision, "engine_version"),
        .outcome = str_of(decision, "outcome"),
        .figures = figs,
        .trace = trace,
    };
    int64_t id = 0;
    rc = trace && figs ? elg_store_add_decision(store, &row, refs, nfiles, &id, err)
                       : elg_error_set(err, ELG_ENOMEM, "out of memory");
    if (rc)
        goto out;
    elg_stored_decision stored = {0};
    if ((rc = elg_store_get_decision(store, id, &stored, err)))
        goto out;
    json_object_set_new(decision, "decision_id", json_integer(id));
    json_object_set_new(decision, "created_at", json_string(stored.created_at));
    elg_store_decision_release(&stored);
out:
    free(trace);
    free(figs);
    free(refs);
    return rc;
}

/* Evaluates one call and stores the decision. */
static int check_one(elg_store *store, elg_rules *rules, const elg_stored_doc *psd,
                     const elg_project *project, const elg_financer_set *fins, const char *call_id,
                     json_t *decisions, elg_error *err) {
    elg_stored_doc csd = {0};
    elg_doc *cdoc = NULL;
    json_t *decision = NULL;
    int rc = elg_check_load_doc(store, "call", call_id, 0, &csd, &cdoc, err);
    if (rc)
        return rc;
    elg_check_input in = {
        .project_doc = psd,
        .project = project,
        .call_doc = &csd,
        .call = elg_doc_call(cdoc),
        .financers = fins,
    };
    if ((rc = elg_check_decide(rules, &in, &decision, err)) ||
        (rc = store_decision(store, rules, decision, err)))
        goto out;
    json_array_append(decisions, decision);
out:
    json_decref(decision);
    elg_doc_free(cdoc);
    elg_store_doc_release(&csd);
    return rc;
}

int elg_check_project(elg_store *store, elg_rules *rules, const char *project_id,
                      const char *call_id, json_t **decisions, elg_error *err) {
    elg_stored_doc psd = {0};
    elg_doc *pdoc = NULL;
    elg_financer_set fins = {0};
    json_t *out = json_array();
    int rc = 0, in_tx = 0;
    *decisions = NULL;
    if ((rc = elg_check_load_doc(store, "project", project_id, 0, &psd, &pdoc, err)))
        goto out;
    const elg_project *project = elg_doc_project(pdoc);
    if ((rc = elg_check_financers_latest(store, &fins, err)))
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
    elg_check_financers_release(&fins);
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
