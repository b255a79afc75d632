/*
 * replay: a stored decision evaluated again from the store (see replay.h).
 *
 * The rule loader serves only the files the decision recorded, by the
 * sha256 it recorded, and checks each body against that hash: replay runs
 * exactly the Lua the decision ran, or says why it cannot.
 */
#include "replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "diff.h"
#include "hash.h"

typedef struct recorded_file {
    char *path; /* relative to the rules directory: "lib/budget.lua" */
    char *sha256;
} recorded_file;

typedef struct replay_loader {
    elg_store *store;
    int64_t id;
    recorded_file *files;
    size_t count, cap;
} replay_loader;

/* Records (path, sha256) of a decision's rule file; paths are stored as
 * shown in traces ("rules/lib/x.lua") and served relative ("lib/x.lua"). */
static int collect_file(void *ctx, const char *path, const char *sha256) {
    replay_loader *l = ctx;
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        recorded_file *n = realloc(l->files, cap * sizeof *n);
        if (!n)
            return ELG_ENOMEM;
        l->files = n;
        l->cap = cap;
    }
    if (strncmp(path, "rules/", 6) == 0)
        path += 6;
    recorded_file *f = &l->files[l->count];
    f->path = strdup(path);
    f->sha256 = strdup(sha256);
    if (!f->path || !f->sha256) {
        free(f->path);
        free(f->sha256);
        return ELG_ENOMEM;
    }
    l->count++;
    return 0;
}

static void loader_release(replay_loader *l) {
    for (size_t i = 0; i < l->count; i++) {
        free(l->files[i].path);
        free(l->files[i].sha256);
    }
    free(l->files);
}

static int load_recorded(void *ctx, const char *path, char **data, size_t *len, elg_error *err) {
    replay_loader *l = ctx;
    *data = NULL;
    *len = 0;
    for (size_t i = 0; i < l->count; i++) {
        if (strcmp(l->files[i].path, path) != 0)
            continue;
        int rc = elg_store_get_rule_source(l->store, l->files[i].sha256, data, len, err);
        if (rc)
            return rc;
        char hex[ELG_SHA256_HEX];
        elg_sha256_hex(*data, *len, hex);
        if (strcmp(hex, l->files[i].sha256) != 0) {
            free(*data);
            *data = NULL;
            return elg_error_set(err, ELG_ESTORE,
                                 "decision %lld: stored source of rules/%s does not match its "
                                 "sha256 %s",
                                 (long long)l->id, path, l->files[i].sha256);
        }
        return 0;
    }
    /* Every source an evaluation reads is recorded, so a file the decision
     * did not record is one it failed to read: replay reproduces that as
     * "not found" (the decision's own message says why it failed then). */
    return elg_error_set(err, ELG_ENOTFOUND, "cannot read rule file rules/%s: %s", path,
                         strerror(ENOENT));
}

/* Checks a stored document version against the sha256 the decision recorded. */
static int check_sha(const elg_stored_doc *sd, json_t *expected, int64_t id, elg_error *err) {
    const char *want = json_string_value(expected);
    if (want && strcmp(want, sd->sha256) == 0)
        return 0;
    return elg_error_set(err, ELG_ESTORE,
                         "decision %lld: stored %s \"%s\" version %d has sha256 %s, the decision "
                         "recorded %s",
                         (long long)id, sd->kind, sd->id, sd->version, sd->sha256,
                         want ? want : "none");
}

/* The financers at the versions the decision recorded; the latest ones
 * (with a note) for decisions that did not record them. */
static int load_financers(elg_store *store, json_t *stored, int64_t id, elg_financer_set *set,
                          json_t *notes, elg_error *err) {
    json_t *pinned = json_object_get(stored, "financer_versions");
    if (!json_is_array(pinned)) {
        json_array_append_new(notes, json_string("this decision did not record its financer "
                                                 "versions: the latest ones were used"));
        return elg_check_financers_latest(store, set, err);
    }
    size_t i;
    json_t *f;
    json_array_foreach(pinned, i, f) {
        const char *fid = json_string_value(json_object_get(f, "financer"));
        int version = (int)json_integer_value(json_object_get(f, "version"));
        if (!fid || version <= 0)
            return elg_error_set(err, ELG_ESTORE,
                                 "decision %lld: financer_versions[%zu] is "
                                 "malformed",
                                 (long long)id, i);
        int rc = elg_check_financers_add(store, set, fid, version, err);
        if (rc)
            return rc;
        const char *want = json_string_value(json_object_get(f, "sha256"));
        if (!want || strcmp(want, set->entries[set->count - 1].sha256) != 0)
            return elg_error_set(err, ELG_ESTORE,
                                 "decision %lld: stored financer \"%s\" version "
                                 "%d does not match its recorded sha256",
                                 (long long)id, fid, version);
    }
    return 0;
}

static int load_version(elg_store *store, json_t *stored, const char *kind, int64_t id,
                        elg_stored_doc *sd, elg_doc **doc, elg_error *err) {
    char key[32];
    const char *doc_id = json_string_value(json_object_get(stored, kind));
    snprintf(key, sizeof key, "%s_version", kind);
    int version = (int)json_integer_value(json_object_get(stored, key));
    if (!doc_id || version <= 0)
        return elg_error_set(err, ELG_ESTORE, "decision %lld does not name its %s version",
                             (long long)id, kind);
    int rc = elg_check_load_doc(store, kind, doc_id, version, sd, doc, err);
    if (rc)
        return rc;
    snprintf(key, sizeof key, "%s_sha256", kind);
    return check_sha(sd, json_object_get(stored, key), id, err);
}

int elg_replay_decision(elg_store *store, const elg_limits *limits, int64_t id, json_t **report,
                        elg_error *err) {
    json_t *stored = NULL, *fresh = NULL, *diff = NULL, *notes = json_array();
    elg_stored_doc psd = {0}, csd = {0};
    elg_doc *pdoc = NULL, *cdoc = NULL;
    elg_financer_set fins = {0};
    replay_loader ld = {.store = store, .id = id};
    elg_rules *rules = NULL;
    int rc;
    *report = NULL;
    if (!notes)
        return elg_error_set(err, ELG_ENOMEM, "out of memory replaying decision %lld",
                             (long long)id);
    if ((rc = elg_check_load_decision(store, id, &stored, err)) ||
        (rc = load_version(store, stored, "project", id, &psd, &pdoc, err)) ||
        (rc = load_version(store, stored, "call", id, &csd, &cdoc, err)) ||
        (rc = load_financers(store, stored, id, &fins, notes, err)))
        goto out;
    if ((rc = elg_store_each_decision_file(store, id, collect_file, &ld, err))) {
        if (rc == ELG_ENOMEM)
            elg_error_set(err, rc, "out of memory replaying decision %lld", (long long)id);
        goto out;
    }
    /* Unless told otherwise, replay under the limits the decision recorded. */
    elg_limits eff = limits ? *limits : (elg_limits){0};
    json_t *recorded = json_object_get(stored, "limits");
    if (!eff.instructions)
        eff.instructions = (uint64_t)json_integer_value(json_object_get(recorded, "instructions"));
    if (!eff.memory)
        eff.memory = (size_t)json_integer_value(json_object_get(recorded, "memory"));
    if ((rc = elg_rules_open(&eff, load_recorded, &ld, &rules, err)))
        goto out;
    elg_check_input in = {
        .project_doc = &psd,
        .project = elg_doc_project(pdoc),
        .call_doc = &csd,
        .call = elg_doc_call(cdoc),
        .financers = &fins,
    };
    if ((rc = elg_check_decide(rules, &in, &fresh, err)))
        goto out;
    if (!json_object_get(stored, "financer_versions"))
        json_object_del(fresh, "financer_versions");
    if (!(diff = elg_diff_decisions(stored, fresh, err))) {
        rc = err->code;
        goto out;
    }
    const char *was = json_string_value(json_object_get(stored, "engine_version"));
    if (was && strcmp(was, ELIGO_VERSION) != 0) {
        char note[256];
        snprintf(note, sizeof note, "decided by eligo %s, replayed by eligo %s", was,
                 ELIGO_VERSION);
        json_array_append_new(notes, json_string(note));
    }
    *report =
        json_pack("{sIsbsOsOsOsO}", "decision_id", (json_int_t)id, "same", elg_diff_same(diff),
                  "outcome", json_object_get(stored, "outcome"), "replayed_outcome",
                  json_object_get(fresh, "outcome"), "notes", notes, "diff", diff);
    if (!*report)
        rc = elg_error_set(err, ELG_ENOMEM, "out of memory replaying decision %lld", (long long)id);
out:
    elg_rules_free(rules);
    loader_release(&ld);
    elg_check_financers_release(&fins);
    elg_doc_free(cdoc);
    elg_doc_free(pdoc);
    elg_store_doc_release(&csd);
    elg_store_doc_release(&psd);
    json_decref(diff);
    json_decref(fresh);
    json_decref(stored);
    json_decref(notes);
    return rc;
}
