/*
 * check: calls prepared from the store, decisions stored (see check.h).
 */
#include "check.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "form.h"
#include "hash.h"
#include "strcopy.h"
#include "tr.h"
#include "wire.h"
#include "zrecord.h"

/* ---- financers ------------------------------------------------------------ */

typedef struct financer_set {
    elg_doc **docs;
    const elg_financer **financers; /* docs[i]'s content, for the evaluator */
    elg_financer_version *versions; /* strings owned here */
    size_t count, cap;
} financer_set;

static void set_release(financer_set *set) {
    for (size_t i = 0; i < set->count; i++) {
        elg_doc_free(set->docs[i]);
        free((char *)set->versions[i].sha256);
    }
    free(set->docs);
    free(set->financers);
    free(set->versions);
    memset(set, 0, sizeof *set);
}

/* Parses a stored financer version and appends it to set. */
static int set_append(financer_set *set, const elg_stored_doc *sd, elg_error *err) {
    if (set->count == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 16;
        elg_doc **d = realloc(set->docs, cap * sizeof *d);
        if (d)
            set->docs = d;
        const elg_financer **f = d ? realloc(set->financers, cap * sizeof *f) : NULL;
        if (f)
            set->financers = f;
        elg_financer_version *v = f ? realloc(set->versions, cap * sizeof *v) : NULL;
        if (!v)
            return elg_error_set(err, ELG_ENOMEM, "out of memory reading the financers");
        set->versions = v;
        set->cap = cap;
    }
    char name[512];
    snprintf(name, sizeof name, "store:financer/%s@%d", sd->id, sd->version);
    elg_doc *d = NULL;
    int rc = elg_doc_parse(name, sd->body, sd->body_len, &d, err);
    if (rc)
        return rc;
    char *sha = strdup(sd->sha256);
    if (!sha) {
        elg_doc_free(d);
        return elg_error_set(err, ELG_ENOMEM, "out of memory reading the financers");
    }
    size_t i = set->count++;
    set->docs[i] = d;
    set->financers[i] = elg_doc_financer(d);
    set->versions[i] = (elg_financer_version){set->financers[i]->id, sd->version, sha};
    return 0;
}

typedef struct collect_ctx {
    financer_set *set;
    elg_error *err;
} collect_ctx;

static int collect_financer(void *vctx, const elg_stored_doc *sd) {
    collect_ctx *c = vctx;
    return set_append(c->set, sd, c->err);
}

static int set_fill(elg_store *store, financer_set *set, const elg_financer_version *pinned,
                    size_t pinned_count, elg_error *err) {
    if (!pinned) {
        collect_ctx cc = {set, err};
        return elg_store_each_doc(store, "financer", collect_financer, &cc, err);
    }
    for (size_t i = 0; i < pinned_count; i++) {
        elg_stored_doc sd = {0};
        int rc =
            elg_store_get_doc(store, "financer", pinned[i].financer, pinned[i].version, &sd, err);
        if (rc == 0 && strcmp(sd.sha256, pinned[i].sha256) != 0)
            rc = elg_error_set(err, ELG_ESTORE,
                               "financer %s version %d has sha256 %s, the decision recorded %s",
                               pinned[i].financer, pinned[i].version, sd.sha256, pinned[i].sha256);
        if (rc == 0)
            rc = set_append(set, &sd, err);
        elg_store_doc_release(&sd);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- prepared calls --------------------------------------------------------- */

struct elg_check_call {
    elg_stored_doc sd;
    elg_doc *doc;
    financer_set fins;
    elg_eval *ev;
    char aid_until[40]; /* "" for all the aid received */
};

void elg_check_call_aid_until(elg_check_call *cc, const char *until) {
    if (cc)
        snprintf(cc->aid_until, sizeof cc->aid_until, "%s", until ? until : "");
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

elg_doc *elg_check_load_pinned(elg_store *store, const char *kind, const char *id, int version,
                               const char *sha256, elg_stored_doc *sd) {
    elg_doc *doc = NULL;
    elg_error ignored = {0}; /* the caller shows the decision without it */
    if (!id || !sha256 || version <= 0 ||
        elg_check_load_doc(store, kind, id, version, sd, &doc, &ignored) != ELG_OK)
        return NULL;
    if (!sd->sha256 || strcmp(sd->sha256, sha256) != 0) {
        elg_doc_free(doc);
        elg_store_doc_release(sd);
        return NULL;
    }
    return doc;
}

/* Completes cc, whose sd and doc are set: financers and the prepared call. */
static int call_prepare(elg_check_call *cc, elg_store *store, elg_rules *rules,
                        const elg_financer_version *pinned, size_t pinned_count, elg_error *err) {
    int rc = set_fill(store, &cc->fins, pinned, pinned_count, err);
    if (rc)
        return rc;
    elg_eval_call in = {
        .call = elg_doc_call(cc->doc),
        .call_version = cc->sd.version,
        .call_sha256 = cc->sd.sha256,
        .financers = cc->fins.financers,
        .financers_count = cc->fins.count,
        .financer_versions = cc->fins.versions,
        .financer_versions_count = cc->fins.count,
    };
    return elg_eval_prepare(rules, &in, &cc->ev, err);
}

int elg_check_call_open(elg_store *store, elg_rules *rules, const char *call_id, int version,
                        const elg_financer_version *pinned, size_t pinned_count,
                        elg_check_call **out, elg_error *err) {
    *out = NULL;
    elg_check_call *cc = calloc(1, sizeof *cc);
    if (!cc)
        return elg_error_set(err, ELG_ENOMEM, "out of memory preparing call %s", call_id);
    int rc = elg_check_load_doc(store, "call", call_id, version, &cc->sd, &cc->doc, err);
    if (rc) {
        free(cc);
        return rc;
    }
    if ((rc = call_prepare(cc, store, rules, pinned, pinned_count, err))) {
        elg_check_call_close(cc);
        return rc;
    }
    *out = cc;
    return 0;
}

int elg_check_call_open_text(elg_store *store, elg_rules *rules, const char *name, int version,
                             const char *body, size_t len, elg_check_call **out, elg_error *err) {
    *out = NULL;
    elg_check_call *cc = calloc(1, sizeof *cc);
    char sha[ELG_SHA256_HEX];
    if (!cc)
        return elg_error_set(err, ELG_ENOMEM, "out of memory preparing %s", name);
    elg_sha256_hex(body, len, sha);
    cc->sd.version = version;
    cc->sd.sha256 = strdup(sha);
    cc->sd.body = malloc(len + 1);
    int rc = 0;
    if (!cc->sd.sha256 || !cc->sd.body)
        rc = elg_error_set(err, ELG_ENOMEM, "out of memory preparing %s", name);
    if (rc == 0) {
        memcpy(cc->sd.body, body, len);
        cc->sd.body[len] = '\0';
        cc->sd.body_len = len;
        rc = elg_doc_parse(name, cc->sd.body, len, &cc->doc, err);
    }
    if (rc == 0 && elg_doc_kind_of(cc->doc) != ELG_DOC_CALL)
        rc = elg_error_set(err, ELG_EINPUT, "%s is not a call", name);
    if (rc == 0)
        rc = call_prepare(cc, store, rules, NULL, 0, err);
    if (rc) {
        elg_check_call_close(cc);
        return rc;
    }
    *out = cc;
    return 0;
}

void elg_check_call_close(elg_check_call *cc) {
    if (!cc)
        return;
    elg_eval_free(cc->ev);
    set_release(&cc->fins);
    elg_doc_free(cc->doc);
    elg_store_doc_release(&cc->sd);
    free(cc);
}

const elg_call *elg_check_call_doc(const elg_check_call *cc) {
    return elg_doc_call(cc->doc);
}

elg_eval *elg_check_call_eval(elg_check_call *cc) {
    return cc->ev;
}

/* ---- aid received (eligo import scdl) -----------------------------------------------
 * The project as rules see it: its document, and the grants other funders published for its
 * applicants' SIRENs (each applicant's SIREN once); and, for each resource line that names the
 * act that granted it, what its financer published under that act (elg_published_line). */

/* The texts kept per aid: its date, its source as rules read it, its funder's SIRET and its
 * referenceDecision (the last two may be NULL). */
enum { AID_DATE, AID_SOURCE, AID_FUNDER, AID_REFERENCE, AID_TEXTS };

typedef struct aid_view {
    elg_project project;
    elg_declared_aid *aids;
    char **texts; /* AID_TEXTS per aid */
    size_t count, cap;
    elg_published_line *published; /* one per resource line, or NULL */
    char **published_sources;      /* the lines' source texts */
} aid_view;

static void aid_view_release(aid_view *v) {
    for (size_t i = 0; i < v->count * AID_TEXTS; i++)
        free(v->texts[i]);
    free(v->texts);
    free(v->aids);
    if (v->published_sources)
        for (size_t i = 0; i < v->project.resources_count; i++)
            free(v->published_sources[i]);
    free(v->published_sources);
    free(v->published);
    memset(v, 0, sizeof *v);
}

static char *strdup_or_null(const char *s, bool *failed) {
    char *d = s ? strdup(s) : NULL;
    *failed |= s && !d;
    return d;
}

static int collect_aid(void *ctx, const elg_aid_received *aid) {
    aid_view *v = ctx;
    if (v->count == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        elg_declared_aid *aids = realloc(v->aids, cap * sizeof *aids);
        if (!aids)
            return ELG_ENOMEM;
        v->aids = aids;
        char **texts = realloc(v->texts, cap * AID_TEXTS * sizeof *texts);
        if (!texts)
            return ELG_ENOMEM;
        v->texts = texts;
        v->cap = cap;
    }
    bool failed = false;
    size_t n = strlen(aid->funder_name) + strlen(aid->source) + 4;
    char **t = v->texts + v->count * AID_TEXTS;
    t[AID_DATE] = strdup_or_null(aid->date, &failed);
    t[AID_SOURCE] = malloc(n);
    failed |= !t[AID_SOURCE];
    if (t[AID_SOURCE])
        snprintf(t[AID_SOURCE], n, "%s (%s)", aid->funder_name, aid->source);
    t[AID_FUNDER] = strdup_or_null(aid->funder_siret, &failed);
    t[AID_REFERENCE] = strdup_or_null(aid->reference, &failed);
    v->aids[v->count] = (elg_declared_aid){t[AID_DATE], aid->amount, t[AID_SOURCE]};
    v->count++;
    return failed ? ELG_ENOMEM : 0;
}

/* Ties the resource lines that name their act to the aid collected: an aid is published for
 * line r when its funder's SIREN is r's financer's, and its referenceDecision is r's
 * grant_reference (and its date r's grant_date when r gives one). Every line is compared with
 * the whole of what was published under its act: two lines naming the same act each see it. */
static int tie_published(aid_view *v, const financer_set *fins, elg_error *err) {
    const elg_project *p = &v->project;
    bool any = false;
    for (size_t i = 0; i < p->resources_count && !any; i++)
        any = p->resources[i].grant_reference != NULL;
    if (!any)
        return 0;
    v->published = calloc(p->resources_count, sizeof *v->published);
    v->published_sources = calloc(p->resources_count, sizeof *v->published_sources);
    if (!v->published || !v->published_sources)
        return elg_error_set(err, ELG_ENOMEM, "out of memory");
    for (size_t i = 0; i < p->resources_count; i++) {
        const elg_resource *r = &p->resources[i];
        const elg_financer *f = r->grant_reference
                                    ? elg_financer_find(fins->financers, fins->count, r->financer)
                                    : NULL;
        if (!f || !f->siret)
            continue;
        elg_published_line *line = &v->published[i];
        size_t first = 0;
        for (size_t j = 0; j < v->count; j++) {
            char *const *t = v->texts + j * AID_TEXTS;
            if (!t[AID_FUNDER] || !t[AID_REFERENCE] || strncmp(t[AID_FUNDER], f->siret, 9) != 0 ||
                strcmp(t[AID_REFERENCE], r->grant_reference) != 0 ||
                (r->grant_date && strcmp(t[AID_DATE], r->grant_date) != 0))
                continue;
            if (line->rows++ == 0)
                first = j;
            int rc = elg_money_add(line->amount, v->aids[j].amount, &line->amount, err);
            if (rc)
                return rc;
        }
        if (line->rows == 0)
            continue;
        const char *src = v->texts[first * AID_TEXTS + AID_SOURCE];
        size_t n = strlen(src) + 32;
        if (!(v->published_sources[i] = malloc(n)))
            return elg_error_set(err, ELG_ENOMEM, "out of memory");
        if (line->rows == 1)
            snprintf(v->published_sources[i], n, "%s", src);
        else
            snprintf(v->published_sources[i], n, "%s + %zu", src, line->rows - 1);
        line->source = v->published_sources[i];
    }
    v->project.published = v->published;
    return 0;
}

static int aid_view_fill(elg_store *store, const char *until, const elg_project *p,
                         const financer_set *fins, aid_view *v, elg_error *err) {
    memset(v, 0, sizeof *v);
    v->project = *p;
    for (size_t i = 0; i < p->applicants_count; i++) {
        const char *siret = p->applicants[i].siret;
        char siren[10];
        bool seen = false;
        if (!siret || strlen(siret) < 9)
            continue;
        for (size_t j = 0; j < i && !seen; j++)
            seen = p->applicants[j].siret && strncmp(p->applicants[j].siret, siret, 9) == 0;
        if (seen)
            continue;
        memcpy(siren, siret, 9);
        siren[9] = '\0';
        int rc = elg_store_each_aid_received(store, siren, until, collect_aid, v, err);
        if (rc == ELG_ENOMEM)
            rc = elg_error_set(err, ELG_ENOMEM, "out of memory");
        if (rc) {
            aid_view_release(v);
            return rc;
        }
    }
    v->project.aid_received = v->aids;
    v->project.aid_received_count = v->count;
    int rc = tie_published(v, fins, err);
    if (rc)
        aid_view_release(v);
    return rc;
}

/* The sha256 of what the view adds to the project (elg_decision.aid_sha256): every aid row's
 * date, source, funder, reference and amount in the order read, and every line's tie; "" when
 * it adds nothing. */
static int aid_view_hash(const aid_view *v, char hex[65], elg_error *err) {
    hex[0] = '\0';
    if (v->count == 0)
        return 0;
    elg_sha256_ctx *h = elg_sha256_begin();
    if (!h)
        return elg_error_set(err, ELG_ENOMEM, "out of memory");
    static const char tag[] = "eligo-aid-1\n";
    elg_sha256_update(h, tag, sizeof tag - 1);
    for (size_t i = 0; i < v->count; i++) {
        char amount[32];
        int n = snprintf(amount, sizeof amount, "\n%lld\n", (long long)v->aids[i].amount);
        for (int t = 0; t < AID_TEXTS; t++) {
            const char *text = v->texts[i * AID_TEXTS + t];
            elg_sha256_update(h, text ? text : "", text ? strlen(text) + 1 : 1);
        }
        elg_sha256_update(h, amount, (size_t)n);
    }
    for (size_t i = 0; v->published && i < v->project.resources_count; i++) {
        char line[64];
        int n = snprintf(line, sizeof line, "%zu:%zu:%lld\n", i, v->published[i].rows,
                         (long long)v->published[i].amount);
        elg_sha256_update(h, line, (size_t)n);
    }
    elg_sha256_end(h, hex);
    return 0;
}

int elg_check_decide_in(elg_check_call *cc, elg_store *store, const elg_eval_project *in,
                        elg_decision **out, elg_error *err) {
    if (!store)
        return elg_eval_decide(cc->ev, in, out, err);
    aid_view view;
    int rc = aid_view_fill(store, cc->aid_until[0] ? cc->aid_until : NULL, in->project, &cc->fins,
                           &view, err);
    if (rc)
        return rc;
    elg_eval_project with = {&view.project, in->version, in->sha256};
    rc = elg_eval_decide(cc->ev, &with, out, err);
    if (rc == 0 && (rc = aid_view_hash(&view, (*out)->aid_sha256, err))) {
        elg_decision_free(*out);
        *out = NULL;
    }
    aid_view_release(&view);
    return rc;
}

/* Decides a stored form (the project's compact form, engine/form.h). */
static int decide_form(elg_check_call *cc, elg_store *store, const elg_stored_form *f,
                       elg_decision **out, elg_error *err) {
    elg_form_project *fp = NULL;
    int rc = elg_form_decode_project(f->form, f->form_len, &fp, err);
    if (rc)
        return rc;
    elg_eval_project in = {elg_form_project_get(fp), f->version, f->sha256};
    rc = elg_check_decide_in(cc, store, &in, out, err);
    elg_form_project_free(fp);
    return rc;
}

int elg_check_decide(elg_check_call *cc, elg_store *store, const char *project_id, int version,
                     elg_decision **out, elg_error *err) {
    elg_stored_form f = {0};
    *out = NULL;
    int rc = elg_store_get_project_form(store, project_id, version, &f, err);
    if (rc)
        return rc;
    rc = decide_form(cc, store, &f, out, err);
    elg_store_form_release(&f);
    return rc;
}

typedef struct each_ctx {
    elg_check_call *cc;
    elg_store *store;
    elg_check_decision_fn fn;
    void *ctx;
    elg_error *err;
} each_ctx;

static int each_form(void *vctx, const elg_stored_form *f) {
    each_ctx *c = vctx;
    elg_decision *d = NULL;
    int rc = decide_form(c->cc, c->store, f, &d, c->err);
    if (rc == 0)
        rc = c->fn(c->ctx, d);
    elg_decision_free(d);
    return rc;
}

int elg_check_each_project(elg_check_call *cc, elg_store *store, elg_check_decision_fn fn,
                           void *ctx, elg_error *err) {
    each_ctx c = {cc, store, fn, ctx, err};
    return elg_store_each_project_form_for_call(store, elg_check_call_doc(cc)->id, each_form, &c,
                                                err);
}

/* ---- storing ------------------------------------------------------------------ */

/* The ruleset of d and its rule sources, unless the store has them. */
static int store_ruleset(elg_store *store, elg_rules *rules, const elg_ruleset *rs,
                         elg_error *err) {
    int has = 0;
    int rc = elg_store_has_ruleset(store, rs->sha256, &has, err);
    if (rc || has)
        return rc;
    elg_rule_file_ref *refs = calloc(rs->rule_files_count + 1, sizeof *refs);
    if (!refs)
        return elg_error_set(err, ELG_ENOMEM, "out of memory storing a ruleset");
    for (size_t i = 0; i < rs->rule_files_count && rc == 0; i++) {
        const char *path = rs->rule_files[i].path;
        size_t len = 0;
        const char *body = elg_rules_source(rules, path + strlen("rules/"), &len);
        if (!body)
            rc = elg_error_set(err, ELG_ERULE, "source of %s is not loaded", path);
        else
            rc = elg_store_put_rule_source(store, rs->rule_files[i].sha256, body, len, err);
        refs[i].path = path;
        refs[i].sha256 = rs->rule_files[i].sha256;
    }
    elg_text json = {0};
    if (rc == 0 && (rc = elg_ruleset_write_json(rs, &json, err)) == 0)
        rc = elg_store_put_ruleset(store, rs->sha256, json.data, json.len, refs,
                                   rs->rule_files_count, err);
    elg_text_release(&json);
    free(refs);
    return rc;
}

static int store_in_tx(elg_store *store, elg_rules *rules, elg_decision *d, elg_error *err) {
    const elg_ruleset *rs = d->ruleset;
    elg_text trace = {0}, figs = {0};
    int rc = store_ruleset(store, rules, rs, err);
    if (rc == 0)
        rc = elg_decision_write_record(d, &trace, err);
    if (rc == 0)
        rc = elg_decision_write_figures(d, &figs, err);
    if (rc)
        goto out;
    elg_stored_decision row = {
        .project = (char *)d->project,
        .project_version = d->project_version,
        .project_sha256 = (char *)d->project_sha256,
        .call = (char *)rs->call,
        .call_version = rs->call_version,
        .call_sha256 = (char *)rs->call_sha256,
        .ruleset_sha256 = (char *)rs->rule_files_sha256,
        .engine_version = (char *)rs->engine_version,
        .outcome = (char *)elg_outcome_name(d->outcome),
        .figures = figs.data,
        .trace = trace.data,
        .ruleset = (char *)rs->sha256,
    };
    char created[40];
    int64_t id = 0;
    if ((rc = elg_store_add_decision_record(store, &row, &id, created, sizeof created, err)))
        goto out;
    d->id = id;
    d->created_at = elg_arena_strdup(d->arena, created);
    if (!d->created_at)
        rc = elg_error_set(err, ELG_ENOMEM, "out of memory");
out:
    elg_text_release(&trace);
    elg_text_release(&figs);
    return rc;
}

int elg_check_store(elg_store *store, elg_rules *rules, elg_decision *d, elg_error *err) {
    if (elg_store_in_transaction(store))
        return store_in_tx(store, rules, d, err);
    int rc = elg_store_begin(store, err);
    if (rc)
        return rc;
    if ((rc = store_in_tx(store, rules, d, err))) {
        elg_store_rollback(store);
        d->id = 0;
        d->created_at = NULL;
        return rc;
    }
    return elg_store_commit(store, err);
}

/* ---- storing in two halves ----------------------------------------------------- */

/* Appends at most max bytes of s (a hash) and a newline. */
static size_t key_line(char *o, const char *s, size_t max) {
    size_t n = strnlen(s, max);
    memcpy(o, s, n);
    o[n] = '\n';
    return n + 1;
}

void elg_check_inputs_key(const elg_decision *d, char hex[65]) {
    /* "eligo-inputs-1\n<project sha256>\n<ruleset sha256>\n", each hash cut
     * at 128 bytes, then "<aid sha256>\n" when the evaluation was given
     * published aid (so that a project without any keeps the key it had);
     * assembled by hand, as snprintf was a tenth of a worker's encoding. */
    static const char tag[] = "eligo-inputs-1\n";
    char text[sizeof tag + 3 * 130];
    size_t n = sizeof tag - 1;
    memcpy(text, tag, n);
    n += key_line(text + n, d->project_sha256, 128);
    n += key_line(text + n, d->ruleset->sha256, sizeof d->ruleset->sha256 - 1);
    if (d->aid_sha256[0])
        n += key_line(text + n, d->aid_sha256, sizeof d->aid_sha256 - 1);
    elg_sha256_hex(text, n, hex);
}

struct elg_check_encoder {
    elg_rules *rules;
    char (*sent)[65];
    size_t count, cap;
    /* A worker compresses its records itself (engine/zrecord.h), so that
     * the supervisor, the store's one writer, does not; it sends each
     * dictionary it makes once, with the first record compressed with it. */
    elg_zrec_packer *pack;
};

elg_check_encoder *elg_check_encoder_new(elg_rules *rules) {
    elg_check_encoder *e = calloc(1, sizeof *e);
    if (e && !(e->pack = elg_zrec_packer_new())) {
        free(e);
        return NULL;
    }
    if (e)
        e->rules = rules;
    return e;
}

void elg_check_encoder_free(elg_check_encoder *e) {
    if (!e)
        return;
    free(e->sent);
    elg_zrec_packer_free(e->pack);
    free(e);
}

/* Whether rs was encoded already; else notes it. -1: out of memory. */
static int seen_ruleset(elg_check_encoder *e, const char *sha) {
    for (size_t i = 0; i < e->count; i++)
        if (strcmp(e->sent[i], sha) == 0)
            return 1;
    if (e->count == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 8;
        char(*s)[65] = realloc(e->sent, cap * sizeof *s);
        if (!s)
            return -1;
        e->sent = s;
        e->cap = cap;
    }
    snprintf(e->sent[e->count++], 65, "%s", sha);
    return 0;
}

/* The ruleset's JSON and every rule file (path, sha256, source). */
static int encode_ruleset(elg_check_encoder *e, const elg_ruleset *rs, elg_text *out,
                          elg_error *err) {
    elg_text json = {0};
    int rc = elg_ruleset_write_json(rs, &json, err);
    if (rc == 0)
        rc = elg_wire_put(out, json.data, json.len, err);
    elg_text_release(&json);
    if (rc == 0)
        rc = elg_wire_put_u64(out, rs->rule_files_count, err);
    for (size_t i = 0; i < rs->rule_files_count && rc == 0; i++) {
        const char *path = rs->rule_files[i].path;
        size_t len = 0;
        const char *body = elg_rules_source(e->rules, path + strlen("rules/"), &len);
        if (!body)
            return elg_error_set(err, ELG_ERULE, "source of %s is not loaded", path);
        if ((rc = elg_wire_put_str(out, path, err)) == 0 &&
            (rc = elg_wire_put_str(out, rs->rule_files[i].sha256, err)) == 0)
            rc = elg_wire_put(out, body, len, err);
    }
    return rc;
}

int elg_check_encode(elg_check_encoder *e, const elg_decision *d, elg_text *out, elg_error *err) {
    const elg_ruleset *rs = d->ruleset;
    elg_text trace = {0}, figs = {0};
    char key[65];
    /* The binary record is what is compressed; a record kept as text (the
     * ruleset's first ELG_ZREC_SAMPLES, sampled for its dictionary) is the
     * JSON one, which SQL can read (docs/trace.md). */
    int rc = elg_decision_write_record_bin(d, &trace, err);
    if (rc)
        goto out;
    /* A compressed binary record holds the key figures, and the row's
     * column is then left empty (store.h); a record kept as text has them
     * beside it, in the column, as JSON. */
    elg_zrec_packed pk;
    if ((rc = elg_zrec_pack(e->pack, rs->sha256, trace.data, trace.len, NULL, NULL, &pk, err)))
        goto out;
    if (!pk.z && (rc = elg_decision_write_figures(d, &figs, err)))
        goto out;
    elg_check_inputs_key(d, key);
    int seen = seen_ruleset(e, rs->sha256);
    if (seen < 0) {
        rc = elg_error_set(err, ELG_ENOMEM, "out of memory encoding a decision");
        goto out;
    }
    if ((rc = elg_wire_put_str(out, d->project, err)) ||
        (rc = elg_wire_put_u64(out, (uint64_t)d->project_version, err)) ||
        (rc = elg_wire_put_str(out, d->project_sha256, err)) ||
        (rc = elg_wire_put_str(out, rs->call, err)) ||
        (rc = elg_wire_put_u64(out, (uint64_t)rs->call_version, err)) ||
        (rc = elg_wire_put_str(out, rs->call_sha256, err)) ||
        (rc = elg_wire_put_str(out, rs->rule_files_sha256, err)) ||
        (rc = elg_wire_put_str(out, rs->engine_version, err)) ||
        (rc = elg_wire_put_str(out, elg_outcome_name(d->outcome), err)) ||
        (rc = elg_wire_put(out, pk.z ? "" : figs.data, pk.z ? 0 : figs.len, err)))
        goto out;
    /* The record: its text, or (1) the sha256 of its dictionary, the
     * dictionary the first time (1) or not (0), and the compressed bytes. */
    if (!pk.z) {
        rc = elg_wire_put_u64(out, 0, err);
        if (rc == 0) {
            elg_text_release(&trace);
            rc = elg_decision_write_record(d, &trace, err);
        }
        if (rc == 0)
            rc = elg_wire_put(out, trace.data, trace.len, err);
    } else if ((rc = elg_wire_put_u64(out, 1, err)) ||
               (rc = elg_wire_put_str(out, pk.dict_sha, err)) ||
               (rc = elg_wire_put_u64(out, pk.dict_new ? 1 : 0, err)) ||
               (pk.dict_new && (rc = elg_wire_put(out, pk.dict, pk.dict_len, err))) ||
               (rc = elg_wire_put(out, pk.z, pk.z_len, err))) {
        goto out;
    }
    if (rc || (rc = elg_wire_put_str(out, rs->sha256, err)) ||
        (rc = elg_wire_put_str(out, key, err)) || (rc = elg_wire_put_u64(out, seen ? 0 : 1, err)))
        goto out;
    if (!seen)
        rc = encode_ruleset(e, rs, out, err);
out:
    elg_text_release(&trace);
    elg_text_release(&figs);
    return rc;
}

/* The head of the ruleset part of an encoded decision: its JSON and how
 * many rule files follow, each three fields (rule_file). nfiles is checked
 * against the bytes left, so that no caller loops on a forged count. */
static int ruleset_head(elg_wire_reader *r, const char **json, size_t *json_len, uint64_t *nfiles,
                        elg_error *err) {
    int rc = elg_wire_get(r, json, json_len, err);
    if (rc == 0)
        rc = elg_wire_get_u64(r, nfiles, err);
    if (rc == 0 && *nfiles > (uint64_t)(r->end - r->p))
        rc = elg_error_set(err, ELG_ESTORE, "truncated message from a worker");
    return rc;
}

/* One rule file of the ruleset part: its path, sha256 and source. */
static int rule_file(elg_wire_reader *r, const char **path, const char **sha, const char **body,
                     size_t *body_len, elg_error *err) {
    size_t n;
    int rc = elg_wire_get(r, path, &n, err);
    if (rc == 0)
        rc = elg_wire_get(r, sha, &n, err);
    if (rc == 0)
        rc = elg_wire_get(r, body, body_len, err);
    return rc;
}

/* Reads the ruleset part of an encoded decision, storing it when the store
 * lacks it. */
static int insert_ruleset(elg_store *store, elg_wire_reader *r, const char *sha, elg_error *err) {
    const char *json;
    size_t json_len;
    uint64_t nfiles;
    int rc = ruleset_head(r, &json, &json_len, &nfiles, err);
    if (rc)
        return rc;
    int has = 0;
    if ((rc = elg_store_has_ruleset(store, sha, &has, err)))
        return rc;
    elg_rule_file_ref *refs = calloc(nfiles + 1, sizeof *refs);
    if (!refs)
        return elg_error_set(err, ELG_ENOMEM, "out of memory storing a ruleset");
    for (uint64_t i = 0; i < nfiles && rc == 0; i++) {
        const char *body;
        size_t body_len;
        if ((rc = rule_file(r, &refs[i].path, &refs[i].sha256, &body, &body_len, err)))
            break;
        if (!has)
            rc = elg_store_put_rule_source(store, refs[i].sha256, body, body_len, err);
    }
    if (rc == 0 && !has)
        rc = elg_store_put_ruleset(store, sha, json, json_len, refs, (size_t)nfiles, err);
    free(refs);
    return rc;
}

/* The fields of an encoded decision (elg_check_encode), up to its ruleset
 * part: texts in f (f[1] and f[4] unused: the versions are numbers); the
 * record, f[10], is compressed when zsha is set (its dictionary in dict the
 * first time). */
typedef struct encoded {
    const char *f[13];
    size_t n[13];
    uint64_t pver, cver, with_ruleset;
    const char *zsha;
    const void *dict;
    size_t dict_len;
} encoded;

static int read_record(elg_wire_reader *r, encoded *e, elg_error *err) {
    uint64_t form, with_dict = 0;
    size_t n;
    int rc = elg_wire_get_u64(r, &form, err);
    if (rc == 0 && form > 1)
        rc = elg_error_set(err, ELG_ESTORE, "malformed decision from a worker");
    if (rc == 0 && form == 1 && (rc = elg_wire_get(r, &e->zsha, &n, err)) == 0 &&
        (rc = elg_wire_get_u64(r, &with_dict, err)) == 0 && with_dict) {
        const char *d;
        if ((rc = elg_wire_get(r, &d, &e->dict_len, err)) == 0)
            e->dict = d;
    }
    if (rc == 0)
        rc = elg_wire_get(r, &e->f[10], &e->n[10], err);
    return rc;
}

static int read_encoded(elg_wire_reader *r, encoded *e, elg_error *err) {
    int rc = 0;
    memset(e, 0, sizeof *e);
    for (int i = 0; i < 13 && rc == 0; i++) {
        if (i == 1)
            rc = elg_wire_get_u64(r, &e->pver, err);
        else if (i == 4)
            rc = elg_wire_get_u64(r, &e->cver, err);
        else if (i == 10)
            rc = read_record(r, e, err);
        else
            rc = elg_wire_get(r, &e->f[i], &e->n[i], err);
    }
    if (rc == 0)
        rc = elg_wire_get_u64(r, &e->with_ruleset, err);
    return rc;
}

int elg_check_insert(elg_store *store, elg_wire_reader *r, int keyed, elg_check_inserted *out,
                     elg_error *err) {
    encoded e;
    memset(out, 0, sizeof *out);
    int rc = read_encoded(r, &e, err);
    if (rc)
        return rc;
    const char *const *f = e.f;
    uint64_t pver = e.pver, cver = e.cver;
    if (e.with_ruleset && (rc = insert_ruleset(store, r, f[11], err)))
        return rc;
    elg_stored_decision row = {
        .project = (char *)f[0],
        .project_version = (int)pver,
        .project_sha256 = (char *)f[2],
        .call = (char *)f[3],
        .call_version = (int)cver,
        .call_sha256 = (char *)f[5],
        .ruleset_sha256 = (char *)f[6],
        .engine_version = (char *)f[7],
        .outcome = (char *)f[8],
        .figures = (char *)f[9],
        .trace = e.zsha ? NULL : (char *)f[10],
        .ruleset = (char *)f[11],
        .trace_z = e.zsha ? f[10] : NULL,
        .trace_z_len = e.zsha ? e.n[10] : 0,
        .trace_dict_sha256 = e.zsha,
    };
    if (e.dict && (rc = elg_store_put_trace_dict(store, f[11], e.dict, e.dict_len, err)))
        return rc;
    elg_strcopy(out->project, sizeof out->project, f[0]);
    if (keyed)
        return elg_store_add_decision_keyed(store, &row, f[12], &out->id, out->created_at,
                                            sizeof out->created_at, &out->created, err);
    out->created = 1;
    return elg_store_add_decision_record(store, &row, &out->id, out->created_at,
                                         sizeof out->created_at, err);
}

/* ---- decoding without a store ------------------------------------------ */

struct elg_check_decoder {
    elg_ruleset **rulesets; /* each carried once; a call has one per edition */
    size_t count, cap;
    /* The record dictionaries the workers sent, by sha256: one per worker
     * and ruleset (a few). */
    struct {
        char sha[ELG_SHA256_HEX];
        elg_zrec_decoder *dec;
    } * dicts;
    size_t ndicts;
};

elg_check_decoder *elg_check_decoder_new(void) {
    return calloc(1, sizeof(elg_check_decoder));
}

void elg_check_decoder_free(elg_check_decoder *dec) {
    if (!dec)
        return;
    for (size_t i = 0; i < dec->count; i++)
        elg_ruleset_unref(dec->rulesets[i]);
    free(dec->rulesets);
    for (size_t i = 0; i < dec->ndicts; i++)
        elg_zrec_decoder_free(dec->dicts[i].dec);
    free(dec->dicts);
    free(dec);
}

static elg_ruleset *decoder_find(const elg_check_decoder *dec, const char *sha256) {
    for (size_t i = 0; i < dec->count; i++)
        if (strcmp(dec->rulesets[i]->sha256, sha256) == 0)
            return dec->rulesets[i];
    return NULL;
}

/* Reads the ruleset part of an encoded decision (its JSON, then its rule
 * files, skipped: a decision read back needs no sources) and keeps it. */
static int decode_ruleset(elg_check_decoder *dec, elg_wire_reader *r, const char *sha,
                          elg_error *err) {
    const char *json, *path, *fsha, *body;
    size_t json_len, body_len;
    uint64_t nfiles;
    int rc = ruleset_head(r, &json, &json_len, &nfiles, err);
    for (uint64_t i = 0; rc == 0 && i < nfiles; i++)
        rc = rule_file(r, &path, &fsha, &body, &body_len, err);
    if (rc || decoder_find(dec, sha))
        return rc;
    elg_ruleset *rs = NULL;
    if ((rc = elg_ruleset_read(json, json_len, &rs, err)))
        return rc;
    if (strcmp(rs->sha256, sha) != 0) {
        elg_ruleset_unref(rs);
        return elg_error_set(err, ELG_ESTORE, "a worker's ruleset does not have its sha256");
    }
    if (dec->count == dec->cap) {
        size_t cap = dec->cap ? dec->cap * 2 : 4;
        elg_ruleset **a = realloc(dec->rulesets, cap * sizeof *a);
        if (!a) {
            elg_ruleset_unref(rs);
            return elg_error_set(err, ELG_ENOMEM, "out of memory reading a decision");
        }
        dec->rulesets = a;
        dec->cap = cap;
    }
    dec->rulesets[dec->count++] = rs;
    return 0;
}

static int decoder_ruleset(void *ctx, const char *sha256, elg_ruleset **rs, elg_error *err) {
    elg_ruleset *found = decoder_find(ctx, sha256);
    if (!found)
        return elg_error_set(err, ELG_ESTORE, "decision of unknown ruleset %.64s", sha256);
    *rs = elg_ruleset_ref(found);
    return 0;
}

/* The text of a compressed record, with the dictionary its worker sent
 * (kept when it comes with this record); *text malloc'ed. */
static int decode_record(elg_check_decoder *dec, const encoded *e, char **text, size_t *len,
                         elg_error *err) {
    if (e->dict) {
        void *grown = realloc(dec->dicts, (dec->ndicts + 1) * sizeof *dec->dicts);
        if (!grown)
            return elg_error_set(err, ELG_ENOMEM, "out of memory reading a decision");
        dec->dicts = grown;
        int rc = elg_zrec_decoder_new(e->dict, e->dict_len, &dec->dicts[dec->ndicts].dec, err);
        if (rc)
            return rc;
        snprintf(dec->dicts[dec->ndicts++].sha, ELG_SHA256_HEX, "%s", e->zsha);
    }
    for (size_t i = dec->ndicts; i-- > 0;)
        if (strcmp(dec->dicts[i].sha, e->zsha) == 0)
            return elg_zrec_decode(dec->dicts[i].dec, e->f[10], e->n[10], text, len, err);
    return elg_error_set(err, ELG_ESTORE, "record dictionary %s is not in the store", e->zsha);
}

int elg_check_decode(elg_check_decoder *dec, elg_wire_reader *r, elg_decision **out,
                     elg_error *err) {
    encoded e;
    *out = NULL;
    int rc = read_encoded(r, &e, err);
    if (rc)
        return rc;
    if (e.with_ruleset && (rc = decode_ruleset(dec, r, e.f[11], err)))
        return rc;
    if (e.pver > INT32_MAX)
        return elg_error_set(err, ELG_ESTORE, "malformed decision from a worker");
    char *text = NULL;
    size_t text_len = e.n[10];
    if (e.zsha && (rc = decode_record(dec, &e, &text, &text_len, err)))
        return rc;
    elg_decision_row cols = {
        .ruleset = e.f[11],
        .project = e.f[0],
        .project_version = (int)e.pver,
        .project_sha256 = e.f[2],
        .outcome = e.f[8],
        .figures = e.f[9],
    };
    rc = elg_decision_read(text ? text : e.f[10], text_len, &cols, decoder_ruleset, dec, out, err);
    free(text);
    return rc;
}

static void free_all(elg_decision **ds, size_t n) {
    for (size_t i = 0; i < n; i++)
        elg_decision_free(ds[i]);
    free(ds);
}

int elg_check_project(elg_store *store, elg_rules *rules, const char *project_id,
                      const char *call_id, elg_decision ***decisions, size_t *count,
                      elg_error *err) {
    elg_stored_form f = {0};
    elg_form_project *fp = NULL;
    elg_decision **out = NULL;
    size_t n = 0;
    int in_tx = 0;
    *decisions = NULL;
    *count = 0;
    int rc = elg_store_get_project_form(store, project_id, 0, &f, err);
    if (rc)
        return rc;
    if ((rc = elg_form_decode_project(f.form, f.form_len, &fp, err))) {
        elg_store_form_release(&f);
        return rc;
    }
    const elg_project *p = elg_form_project_get(fp);
    size_t ncalls = call_id ? 1 : p->applies_to_count;
    if (ncalls == 0) {
        rc = elg_error_set(err, ELG_EUSAGE,
                           "project \"%s\" applies to no call: name one with --call", project_id);
        goto out;
    }
    if (!(out = calloc(ncalls, sizeof *out))) {
        rc = elg_error_set(err, ELG_ENOMEM, "out of memory");
        goto out;
    }
    if ((rc = elg_store_begin(store, err)))
        goto out;
    in_tx = 1;
    for (size_t i = 0; i < ncalls && rc == 0; i++) {
        const char *cid = call_id ? call_id : p->applies_to[i].call;
        elg_check_call *cc = NULL;
        if ((rc = elg_check_call_open(store, rules, cid, 0, NULL, 0, &cc, err)))
            break;
        elg_eval_project in = {p, f.version, f.sha256};
        rc = elg_check_decide_in(cc, store, &in, &out[n], err);
        if (rc == 0 && (rc = elg_check_store(store, rules, out[n], err)) == 0)
            n++;
        elg_check_call_close(cc);
    }
    if (rc)
        goto out;
    rc = elg_store_commit(store, err);
    in_tx = 0;
    if (rc)
        goto out;
    *decisions = out;
    *count = n;
    out = NULL;
out:
    if (in_tx)
        elg_store_rollback(store);
    if (out)
        free_all(out, ncalls);
    elg_form_project_free(fp);
    elg_store_form_release(&f);
    return rc;
}

/* ---- reading ---------------------------------------------------------------------- */

int elg_check_find_ruleset(void *ctx, const char *sha256, elg_ruleset **rs, elg_error *err) {
    char *body = NULL;
    size_t len = 0;
    int rc = elg_store_get_ruleset(ctx, sha256, &body, &len, err);
    if (rc == 0)
        rc = elg_ruleset_read(body, len, rs, err);
    free(body);
    return rc;
}

int elg_check_load_decision(elg_store *store, int64_t id, elg_decision **out, elg_error *err) {
    return elg_check_load_decision_with(store, id, elg_check_find_ruleset, store, out, err);
}

int elg_check_load_decision_with(elg_store *store, int64_t id, elg_ruleset_fn find, void *find_ctx,
                                 elg_decision **out, elg_error *err) {
    elg_stored_decision row = {0};
    *out = NULL;
    int rc = elg_store_get_decision(store, id, &row, err);
    if (rc)
        return rc;
    elg_decision_row cols = {
        .ruleset = row.ruleset,
        .project = row.project,
        .project_version = row.project_version,
        .project_sha256 = row.project_sha256,
        .outcome = row.outcome,
        .figures = row.figures,
        .id = id,
        .created_at = row.created_at,
    };
    rc = elg_decision_read(row.trace, row.trace_len, &cols, find, find_ctx, out, err);
    if (rc && err->message[0]) {
        char msg[sizeof err->message];
        snprintf(msg, sizeof msg, "%s", err->message);
        snprintf(err->message, sizeof err->message, elg_tr("decision %lld: %.480s"), (long long)id,
                 msg);
    }
    elg_store_decision_release(&row);
    return rc;
}

/* The ruleset cached, else read from the store (and cached). */
typedef struct cached_finder {
    elg_store *store;
    elg_ruleset **cache;
} cached_finder;

static int find_cached(void *ctx, const char *sha256, elg_ruleset **rs, elg_error *err) {
    cached_finder *f = ctx;
    if (!*f->cache || strcmp((*f->cache)->sha256, sha256) != 0) {
        elg_ruleset *got = NULL;
        int rc = elg_check_find_ruleset(f->store, sha256, &got, err);
        if (rc)
            return rc;
        elg_ruleset_unref(*f->cache);
        *f->cache = got;
    }
    *rs = elg_ruleset_ref(*f->cache);
    return 0;
}

/* The decision a stored row reads back to, its rulesets through *cache. */
static int read_row(elg_store *store, const elg_stored_decision *row, elg_ruleset **cache,
                    elg_decision **d, elg_error *err) {
    cached_finder f = {store, cache};
    elg_decision_row cols = {
        .ruleset = row->ruleset,
        .project = row->project,
        .project_version = row->project_version,
        .project_sha256 = row->project_sha256,
        .outcome = row->outcome,
        .figures = row->figures,
        .id = row->id,
        .created_at = row->created_at,
    };
    int rc = elg_decision_read(row->trace, row->trace_len, &cols, find_cached, &f, d, err);
    if (rc && err->message[0]) {
        char msg[sizeof err->message];
        snprintf(msg, sizeof msg, "%s", err->message);
        snprintf(err->message, sizeof err->message, elg_tr("decision %lld: %.480s"),
                 (long long)row->id, msg);
    }
    return rc;
}

int elg_check_record_json(elg_store *store, const elg_stored_decision *row, elg_ruleset **cache,
                          elg_text *out, int *format, elg_error *err) {
    memset(out, 0, sizeof *out);
    if (!elg_decision_is_binary(row->trace, row->trace_len)) {
        *format = 0; /* the JSON says */
        out->data = malloc(row->trace_len + 1);
        if (!out->data)
            return elg_error_set(err, ELG_ENOMEM, "out of memory reading decision %lld",
                                 (long long)row->id);
        memcpy(out->data, row->trace, row->trace_len);
        out->data[row->trace_len] = '\0';
        out->len = out->cap = row->trace_len;
        return 0;
    }
    *format = elg_decision_binary_format(row->trace, row->trace_len);
    elg_decision *d = NULL;
    int rc = read_row(store, row, cache, &d, err);
    if (rc == 0)
        rc = elg_decision_write_record(d, out, err);
    elg_decision_free(d);
    return rc;
}

int elg_check_row_figures(elg_store *store, const elg_stored_decision *row, elg_ruleset **cache,
                          elg_text *out, elg_error *err) {
    memset(out, 0, sizeof *out);
    if (row->figures && row->figures[0]) {
        /* Decisions stored before 0.2 keep the full form: printed as
         * stored, as trace list always did. */
        json_t *j = json_loads(row->figures, 0, NULL);
        bool full = j && !json_is_array(json_array_get(json_object_get(j, "financers"), 0));
        json_decref(j);
        if (full) {
            size_t n = strlen(row->figures);
            if (!(out->data = malloc(n + 1)))
                return elg_error_set(err, ELG_ENOMEM, "out of memory reading decision %lld",
                                     (long long)row->id);
            memcpy(out->data, row->figures, n + 1);
            out->len = out->cap = n;
            return 0;
        }
        elg_arena *a = elg_arena_new();
        elg_figures f;
        int rc = a ? elg_figures_read(row->figures, a, &f, err)
                   : elg_error_set(err, ELG_ENOMEM, "out of memory reading decision %lld",
                                   (long long)row->id);
        if (rc == 0)
            rc = elg_figures_write_json(&f, out, err);
        elg_arena_free(a);
        return rc;
    }
    elg_decision *d = NULL;
    int rc = read_row(store, row, cache, &d, err);
    if (rc == 0)
        rc = elg_figures_write_json(&d->figures, out, err);
    elg_decision_free(d);
    return rc;
}
