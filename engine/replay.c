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

#include "batch.h"
#include "check.h"
#include "diff.h"
#include "hash.h"
#include "tr.h"

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
                         elg_strerror(ENOENT));
}

static int mismatch(elg_error *err, int64_t id, const char *what, const char *doc_id, int version,
                    const char *actual, const char *recorded) {
    return elg_error_set(err, ELG_ESTORE,
                         "decision %lld: stored %s \"%s\" version %d has sha256 %s, the decision "
                         "recorded %s",
                         (long long)id, what, doc_id, version, actual, recorded);
}

int elg_replay_decision(elg_store *store, const elg_limits *limits, int64_t id, json_t **report,
                        elg_error *err) {
    elg_decision *stored = NULL, *fresh = NULL;
    elg_check_call *cc = NULL;
    elg_stored_form form = {0};
    json_t *diff = NULL, *notes = json_array();
    replay_loader ld = {.store = store, .id = id};
    elg_rules *rules = NULL;
    int rc;
    *report = NULL;
    if (!notes)
        return elg_error_set(err, ELG_ENOMEM, "out of memory replaying decision %lld",
                             (long long)id);
    if ((rc = elg_check_load_decision(store, id, &stored, err)))
        goto out;
    const elg_ruleset *was = stored->ruleset;
    if ((rc = elg_store_each_decision_file(store, id, collect_file, &ld, err))) {
        if (rc == ELG_ENOMEM)
            elg_error_set(err, rc, "out of memory replaying decision %lld", (long long)id);
        goto out;
    }
    /* Unless told otherwise, replay under the limits the decision recorded. */
    elg_limits eff = limits ? *limits : (elg_limits){0};
    if (!eff.instructions)
        eff.instructions = was->limit_instructions;
    if (!eff.memory)
        eff.memory = (size_t)was->limit_memory;
    if (!eff.time_ms)
        eff.time_ms = was->limit_time_ms;
    if (!eff.output)
        eff.output = (size_t)was->limit_output;
    if ((rc = elg_rules_open(&eff, load_recorded, &ld, &rules, err)))
        goto out;
    /* The financers at the versions the decision recorded; the latest ones
     * (with a note) for decisions stored before they were recorded. */
    bool pinned = was->financers_count > 0;
    if (!pinned)
        json_array_append_new(notes, json_string(elg_tr("this decision did not record its financer "
                                                        "versions: the latest ones were used")));
    if ((rc = elg_check_call_open(store, rules, was->call, was->call_version,
                                  pinned ? was->financers : NULL, was->financers_count, &cc, err)))
        goto out;
    elg_check_call_aid_until(cc, stored->created_at); /* the aid received it saw */
    /* Decided on a worker under the supervisor's deadline, as `check` and
     * `batch` decide: replaying the decision of a rule that never handed
     * back (stopped at the deadline) ran it to its end in this process. */
    if ((rc = elg_store_get_project_form(store, stored->project, stored->project_version, &form,
                                         err)))
        goto out;
    elg_batch_opts bo = {
        .max_time_ms = eff.time_ms, .max_memory = eff.memory, .db_path = elg_store_path(store)};
    if ((rc = elg_batch_decide(cc, rules, &form, &bo, &fresh, err)))
        goto out;
    if (strcmp(fresh->project_sha256, stored->project_sha256) != 0) {
        rc = mismatch(err, id, "project", stored->project, stored->project_version,
                      fresh->project_sha256, stored->project_sha256);
        goto out;
    }
    if (strcmp(fresh->ruleset->call_sha256, was->call_sha256) != 0) {
        rc = mismatch(err, id, "call", was->call, was->call_version, fresh->ruleset->call_sha256,
                      was->call_sha256);
        goto out;
    }
    /* Compared as the decision was recorded: without financer versions. The
     * fresh ruleset belongs to this replay alone and is never stored. */
    if (!pinned)
        fresh->ruleset->financers_count = 0;
    /* Limits it did not record were the defaults of its time: not compared. */
    if (!was->limit_time_ms)
        fresh->ruleset->limit_time_ms = 0;
    if (!was->limit_output)
        fresh->ruleset->limit_output = 0;
    if (!(diff = elg_diff_decisions(stored, fresh, err))) {
        rc = err->code;
        goto out;
    }
    if (was->engine_version && strcmp(was->engine_version, ELIGO_VERSION) != 0) {
        char note[256];
        snprintf(note, sizeof note, elg_tr("decided by eligo %s, replayed by eligo %s"),
                 was->engine_version, ELIGO_VERSION);
        json_array_append_new(notes, json_string(note));
    }
    *report =
        json_pack("{sIsbsssssOsO}", "decision_id", (json_int_t)id, "same", elg_diff_same(diff),
                  "outcome", elg_outcome_name(stored->outcome), "replayed_outcome",
                  elg_outcome_name(fresh->outcome), "notes", notes, "diff", diff);
    if (!*report)
        rc = elg_error_set(err, ELG_ENOMEM, "out of memory replaying decision %lld", (long long)id);
out:
    elg_decision_free(fresh);
    elg_store_form_release(&form);
    elg_check_call_close(cc);
    elg_rules_free(rules);
    loader_release(&ld);
    elg_decision_free(stored);
    json_decref(diff);
    json_decref(notes);
    return rc;
}
