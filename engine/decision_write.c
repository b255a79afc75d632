/*
 * decision_write: the one place a decision becomes JSON (see decision.h).
 *
 * Written with yajl's streaming generator straight into a text buffer: a
 * decision is written for every project of a batch, and building a jansson
 * tree first (one allocation per node, then a dump) cost more than the
 * evaluation itself. Text that is not valid UTF-8 (a rule can build any
 * bytes) is written as a fixed notice instead of breaking the JSON.
 */
#include "decision.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "hash.h"

#define INVALID_UTF8 "(text that is not valid UTF-8)"

typedef struct writer {
    yajl_gen g;
    elg_text *out;
    int oom;
} writer;

static void print_cb(void *ctx, const char *s, size_t len) {
    writer *w = ctx;
    elg_text *t = w->out;
    if (w->oom)
        return;
    if (t->len + len + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + len + 1)
            cap *= 2;
        char *n = realloc(t->data, cap);
        if (!n) {
            w->oom = 1;
            return;
        }
        t->data = n;
        t->cap = cap;
    }
    memcpy(t->data + t->len, s, len);
    t->len += len;
    t->data[t->len] = '\0';
}

static int writer_open(writer *w, elg_text *out, elg_error *err) {
    w->out = out;
    w->oom = 0;
    w->g = yajl_gen_alloc(NULL);
    if (!w->g)
        return elg_error_set(err, ELG_ENOMEM, "out of memory writing a decision");
    yajl_gen_config(w->g, yajl_gen_print_callback, print_cb, w);
    yajl_gen_config(w->g, yajl_gen_validate_utf8, 1);
    return 0;
}

static int writer_close(writer *w, elg_error *err) {
    yajl_gen_free(w->g);
    if (w->oom)
        return elg_error_set(err, ELG_ENOMEM, "out of memory writing a decision");
    return 0;
}

static void w_strn(writer *w, const char *s, size_t len) {
    if (yajl_gen_string(w->g, (const unsigned char *)s, len) == yajl_gen_invalid_string)
        yajl_gen_string(w->g, (const unsigned char *)INVALID_UTF8, strlen(INVALID_UTF8));
}

static void w_str(writer *w, const char *s) {
    if (s)
        w_strn(w, s, strlen(s));
    else
        yajl_gen_null(w->g);
}

static void w_key(writer *w, const char *k) {
    yajl_gen_string(w->g, (const unsigned char *)k, strlen(k));
}

static void w_int(writer *w, int64_t v) {
    yajl_gen_integer(w->g, (long long)v);
}

static void w_kstr(writer *w, const char *k, const char *v) {
    w_key(w, k);
    w_str(w, v);
}

static void w_kint(writer *w, const char *k, int64_t v) {
    w_key(w, k);
    w_int(w, v);
}

static void w_kint_or_null(writer *w, const char *k, bool has, int64_t v) {
    w_key(w, k);
    if (has)
        w_int(w, v);
    else
        yajl_gen_null(w->g);
}

static void w_value(writer *w, const elg_value *v) {
    switch (v->type) {
    case ELG_VALUE_NULL:
        yajl_gen_null(w->g);
        break;
    case ELG_VALUE_BOOL:
        yajl_gen_bool(w->g, v->u.boolean);
        break;
    case ELG_VALUE_INT:
        w_int(w, v->u.integer);
        break;
    case ELG_VALUE_STRING:
        w_strn(w, v->u.str.text, v->u.str.len);
        break;
    case ELG_VALUE_LIST:
        yajl_gen_array_open(w->g);
        for (size_t i = 0; i < v->u.list.count; i++)
            w_value(w, &v->u.list.items[i]);
        yajl_gen_array_close(w->g);
        break;
    case ELG_VALUE_MAP:
        yajl_gen_map_open(w->g);
        for (size_t i = 0; i < v->u.map.count; i++) {
            w_key(w, v->u.map.pairs[i].key);
            w_value(w, &v->u.map.pairs[i].value);
        }
        yajl_gen_map_close(w->g);
        break;
    }
}

static void w_strings(writer *w, const char *k, const char *const *s, size_t n) {
    w_key(w, k);
    yajl_gen_array_open(w->g);
    for (size_t i = 0; i < n; i++)
        w_str(w, s[i]);
    yajl_gen_array_close(w->g);
}

static void w_cats(writer *w, const char *k, const elg_cat_amount *c, size_t n) {
    w_key(w, k);
    yajl_gen_map_open(w->g);
    for (size_t i = 0; i < n; i++)
        w_kint(w, c[i].category, c[i].amount);
    yajl_gen_map_close(w->g);
}

static void w_figures_value(writer *w, const elg_figures *f) {
    yajl_gen_map_open(w->g);
    w_kstr(w, "call_financer", f->call_financer);
    w_kint(w, "eligible_cost", f->eligible_cost);
    w_kint(w, "total_resources", f->total_resources);
    w_kint(w, "balance", f->balance);
    w_cats(w, "expenses_by_category", f->by_category, f->by_category_count);
    w_key(w, "financers");
    yajl_gen_array_open(w->g);
    for (size_t i = 0; i < f->financers_count; i++) {
        const elg_financer_figures *x = &f->financers[i];
        yajl_gen_map_open(w->g);
        w_kstr(w, "financer", x->financer);
        w_kstr(w, "nature", x->nature);
        w_key(w, "public");
        yajl_gen_bool(w->g, x->is_public);
        w_kint(w, "amount", x->amount);
        w_kint(w, "requested", x->requested);
        w_kint(w, "granted", x->granted);
        w_cats(w, "earmarked", x->earmarked, x->earmarked_count);
        w_kint_or_null(w, "share_bp", x->has_share, x->share_bp);
        w_kint_or_null(w, "max_grantable", x->has_max_grantable, x->max_grantable);
        yajl_gen_map_close(w->g);
    }
    yajl_gen_array_close(w->g);
    w_kint(w, "public_amount", f->public_amount);
    w_kint_or_null(w, "public_share_bp", f->has_public_share, f->public_share_bp);
    w_kint_or_null(w, "requested", f->has_requested, f->requested);
    w_kint_or_null(w, "max_grantable", f->has_max_grantable, f->max_grantable);
    w_kstr(w, "max_grantable_rule", f->max_grantable_rule);
    yajl_gen_map_close(w->g);
}

static void w_figures(writer *w, const elg_figures *f) {
    w_key(w, "figures");
    w_figures_value(w, f);
}

int elg_value_write_json(const elg_value *v, elg_text *out, elg_error *err) {
    writer w;
    int rc = writer_open(&w, out, err);
    if (rc)
        return rc;
    w_value(&w, v);
    return writer_close(&w, err);
}

int elg_decision_write_figures(const elg_decision *d, elg_text *out, elg_error *err) {
    writer w;
    int rc = writer_open(&w, out, err);
    if (rc)
        return rc;
    w_figures_value(&w, &d->figures);
    return writer_close(&w, err);
}

static void w_edition(writer *w, const elg_ruleset *rs) {
    w_key(w, "edition");
    if (!rs->edition_name) {
        yajl_gen_null(w->g);
        return;
    }
    yajl_gen_map_open(w->g);
    w_kstr(w, "name", rs->edition_name);
    w_kstr(w, "from", rs->edition_from);
    yajl_gen_map_close(w->g);
}

static void w_param(writer *w, const elg_param_value *p) {
    yajl_gen_map_open(w->g);
    w_kstr(w, "name", p->name);
    w_kstr(w, "type", p->type);
    w_key(w, "value");
    w_value(w, &p->value);
    w_kstr(w, "edition", p->edition);
    yajl_gen_map_close(w->g);
}

static void w_rule_files(writer *w, const elg_ruleset *rs) {
    w_key(w, "rule_files");
    yajl_gen_array_open(w->g);
    for (size_t i = 0; i < rs->rule_files_count; i++) {
        yajl_gen_map_open(w->g);
        w_kstr(w, "path", rs->rule_files[i].path);
        w_kstr(w, "sha256", rs->rule_files[i].sha256);
        yajl_gen_map_close(w->g);
    }
    yajl_gen_array_close(w->g);
}

static void w_limits(writer *w, const elg_ruleset *rs) {
    w_key(w, "limits");
    yajl_gen_map_open(w->g);
    w_kint(w, "instructions", (int64_t)rs->limit_instructions);
    w_kint(w, "memory", (int64_t)rs->limit_memory);
    if (rs->limit_time_ms)
        w_kint(w, "time_ms", (int64_t)rs->limit_time_ms);
    if (rs->limit_output)
        w_kint(w, "output", (int64_t)rs->limit_output);
    yajl_gen_map_close(w->g);
}

static void w_financer_versions(writer *w, const elg_ruleset *rs) {
    w_key(w, "financer_versions");
    yajl_gen_array_open(w->g);
    for (size_t i = 0; i < rs->financers_count; i++) {
        yajl_gen_map_open(w->g);
        w_kstr(w, "financer", rs->financers[i].financer);
        w_kint(w, "version", rs->financers[i].version);
        w_kstr(w, "sha256", rs->financers[i].sha256);
        yajl_gen_map_close(w->g);
    }
    yajl_gen_array_close(w->g);
}

static bool same_text(const char *a, const char *b) {
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* The rule's declaration as the ruleset has it at position i, or NULL when
 * this result declares something else (declarations that vary by project,
 * or an error raised while loading the rule file). */
static const elg_rule_decl *declared_as(const elg_ruleset *rs, size_t i, const elg_rule_result *r) {
    if (i >= rs->rules_count)
        return NULL;
    const elg_rule_decl *d = &rs->rules[i];
    if (!same_text(d->id, r->id) || !same_text(d->title, r->title) ||
        !same_text(d->basis, r->basis) || !same_text(d->source, r->source) ||
        !same_text(d->kind, r->kind))
        return NULL;
    return d;
}

/* One rule result; with full == false, the declaration fields the ruleset
 * holds at the same position are left out (the id always stays), and facts
 * are indices into the record's fact table (fact_index, in reading order). */
static void w_rule(writer *w, const elg_ruleset *rs, size_t i, const elg_rule_result *r, bool full,
                   const size_t *fact_index) {
    bool inline_decl = full || !declared_as(rs, i, r);
    yajl_gen_map_open(w->g);
    w_kstr(w, "id", r->id);
    if (inline_decl)
        w_kstr(w, "title", r->title);
    w_kstr(w, "status", elg_rule_status_name(r->status));
    w_kstr(w, "message", r->message);
    if (inline_decl) {
        w_kstr(w, "basis", r->basis);
        w_kstr(w, "source", r->source);
        if (!full) { /* the full document never carried kind */
            w_key(w, "kind");
            w_str(w, r->kind);
        }
    }
    if (r->status == ELG_RULE_ERROR) {
        w_kstr(w, "error_at", r->error_at ? r->error_at : "");
        if (r->traceback)
            w_kstr(w, "traceback", r->traceback);
    }
    w_key(w, "facts");
    if (fact_index) {
        yajl_gen_array_open(w->g);
        for (size_t k = 0; k < r->facts_count; k++)
            w_int(w, (int64_t)fact_index[k]);
        yajl_gen_array_close(w->g);
    } else {
        yajl_gen_map_open(w->g);
        for (size_t k = 0; k < r->facts_count; k++) {
            w_key(w, r->facts[k].path);
            w_value(w, &r->facts[k].value);
        }
        yajl_gen_map_close(w->g);
    }
    /* The record leaves out what is empty; the full document never does. */
    bool has_figures = r->figures.type == ELG_VALUE_MAP && r->figures.u.map.count > 0;
    if (full || has_figures) {
        w_key(w, "figures");
        if (has_figures)
            w_value(w, &r->figures);
        else {
            yajl_gen_map_open(w->g);
            yajl_gen_map_close(w->g);
        }
    }
    if (full || r->notices_count)
        w_strings(w, "notices", r->notices, r->notices_count);
    if (full || r->missing_count)
        w_strings(w, "missing", r->missing, r->missing_count);
    w_kint(w, "duration_us", r->duration_us);
    yajl_gen_map_close(w->g);
}

/* The distinct facts of a decision and, rule after rule, the index of each
 * of its facts among them. */
typedef struct fact_table {
    const elg_fact **facts; /* distinct, in first reading order */
    size_t count;
    size_t *index; /* one per fact of every rule, rules in order */
    size_t *slots; /* open addressing: 1 + position in facts, 0 when empty */
    size_t cap;
} fact_table;

static uint64_t hash_text(const char *s) {
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static int facts_index(const elg_decision *d, fact_table *ft) {
    size_t total = 0;
    for (size_t i = 0; i < d->rules_count; i++)
        total += d->rules[i].facts_count;
    memset(ft, 0, sizeof *ft);
    ft->cap = 16;
    while (ft->cap < total * 2)
        ft->cap *= 2;
    ft->facts = malloc((total + 1) * sizeof *ft->facts);
    ft->index = malloc((total + 1) * sizeof *ft->index);
    ft->slots = calloc(ft->cap, sizeof *ft->slots);
    if (!ft->facts || !ft->index || !ft->slots) {
        free(ft->facts);
        free(ft->index);
        free(ft->slots);
        return -1;
    }
    size_t at = 0;
    for (size_t i = 0; i < d->rules_count; i++) {
        const elg_rule_result *r = &d->rules[i];
        for (size_t k = 0; k < r->facts_count; k++) {
            const elg_fact *f = &r->facts[k];
            size_t h = (size_t)hash_text(f->path) & (ft->cap - 1);
            while (ft->slots[h]) {
                const elg_fact *g = ft->facts[ft->slots[h] - 1];
                if (strcmp(g->path, f->path) == 0 && elg_value_equal(&g->value, &f->value))
                    break;
                h = (h + 1) & (ft->cap - 1);
            }
            if (!ft->slots[h]) {
                ft->facts[ft->count++] = f;
                ft->slots[h] = ft->count;
            }
            ft->index[at++] = ft->slots[h] - 1;
        }
    }
    return 0;
}

static void w_project_part(writer *w, const elg_decision *d) {
    w_kstr(w, "project", d->project);
    w_kint(w, "project_version", d->project_version);
    w_kstr(w, "project_sha256", d->project_sha256);
}

int elg_decision_write_json(const elg_decision *d, elg_text *out, elg_error *err) {
    writer w;
    int rc = writer_open(&w, out, err);
    if (rc)
        return rc;
    const elg_ruleset *rs = d->ruleset;
    yajl_gen_map_open(w.g);
    w_kint(&w, "format", ELG_DECISION_FORMAT);
    w_project_part(&w, d);
    w_kstr(&w, "call", rs->call);
    w_kint(&w, "call_version", rs->call_version);
    w_kstr(&w, "call_sha256", rs->call_sha256);
    w_kstr(&w, "call_title", rs->call_title);
    w_edition(&w, rs);
    w_kstr(&w, "outcome", elg_outcome_name(d->outcome));
    w_figures(&w, &d->figures);
    w_kstr(&w, "ruleset_sha256", rs->rule_files_sha256);
    w_rule_files(&w, rs);
    w_key(&w, "parameters");
    yajl_gen_array_open(w.g);
    for (size_t i = 0; i < d->params_count; i++)
        w_param(&w, d->params[i]);
    yajl_gen_array_close(w.g);
    w_limits(&w, rs);
    w_financer_versions(&w, rs);
    w_kstr(&w, "engine_version", rs->engine_version);
    w_key(&w, "rules");
    yajl_gen_array_open(w.g);
    for (size_t i = 0; i < d->rules_count; i++)
        w_rule(&w, rs, i, &d->rules[i], true, NULL);
    yajl_gen_array_close(w.g);
    w_kstr(&w, "basis", rs->basis);
    if (d->id > 0) {
        w_kint(&w, "decision_id", d->id);
        w_kstr(&w, "created_at", d->created_at);
    }
    yajl_gen_map_close(w.g);
    return writer_close(&w, err);
}

int elg_decision_write_record(const elg_decision *d, elg_text *out, elg_error *err) {
    writer w;
    int rc = writer_open(&w, out, err);
    if (rc)
        return rc;
    const elg_ruleset *rs = d->ruleset;
    yajl_gen_map_open(w.g);
    w_kint(&w, "format", ELG_DECISION_RECORD_FORMAT);
    w_kstr(&w, "ruleset", rs->sha256);
    w_project_part(&w, d);
    w_kstr(&w, "outcome", elg_outcome_name(d->outcome));
    /* The key figures are stored beside the record (elg_decision_write_figures). */
    w_key(&w, "parameters");
    yajl_gen_array_open(w.g);
    for (size_t i = 0; i < d->params_count; i++)
        w_str(&w, d->params[i]->name);
    yajl_gen_array_close(w.g);
    fact_table ft;
    if (facts_index(d, &ft)) {
        yajl_gen_free(w.g);
        return elg_error_set(err, ELG_ENOMEM, "out of memory writing a decision");
    }
    /* Rules read the same facts again and again: each (path, value) is
     * written once, in first reading order, and rules name them by index. */
    w_key(&w, "facts");
    yajl_gen_array_open(w.g);
    for (size_t k = 0; k < ft.count; k++) {
        yajl_gen_array_open(w.g);
        w_str(&w, ft.facts[k]->path);
        w_value(&w, &ft.facts[k]->value);
        yajl_gen_array_close(w.g);
    }
    yajl_gen_array_close(w.g);
    w_key(&w, "rules");
    yajl_gen_array_open(w.g);
    for (size_t i = 0, at = 0; i < d->rules_count; i++) {
        w_rule(&w, rs, i, &d->rules[i], false, ft.index + at);
        at += d->rules[i].facts_count;
    }
    yajl_gen_array_close(w.g);
    yajl_gen_map_close(w.g);
    free(ft.facts);
    free(ft.index);
    free(ft.slots);
    return writer_close(&w, err);
}

int elg_ruleset_write_json(const elg_ruleset *rs, elg_text *out, elg_error *err) {
    writer w;
    int rc = writer_open(&w, out, err);
    if (rc)
        return rc;
    yajl_gen_map_open(w.g);
    w_kstr(&w, "call", rs->call);
    w_kint(&w, "call_version", rs->call_version);
    w_kstr(&w, "call_sha256", rs->call_sha256);
    w_kstr(&w, "call_title", rs->call_title);
    w_kstr(&w, "basis", rs->basis);
    w_edition(&w, rs);
    w_kstr(&w, "ruleset_sha256", rs->rule_files_sha256);
    w_rule_files(&w, rs);
    w_key(&w, "parameters");
    yajl_gen_array_open(w.g);
    for (size_t i = 0; i < rs->params_count; i++)
        w_param(&w, &rs->params[i]);
    yajl_gen_array_close(w.g);
    w_key(&w, "rules");
    yajl_gen_array_open(w.g);
    for (size_t i = 0; i < rs->rules_count; i++) {
        const elg_rule_decl *r = &rs->rules[i];
        yajl_gen_map_open(w.g);
        w_kstr(&w, "id", r->id);
        w_kstr(&w, "title", r->title);
        w_kstr(&w, "basis", r->basis);
        w_kstr(&w, "source", r->source);
        w_kstr(&w, "kind", r->kind);
        yajl_gen_map_close(w.g);
    }
    yajl_gen_array_close(w.g);
    w_limits(&w, rs);
    w_financer_versions(&w, rs);
    w_kstr(&w, "engine_version", rs->engine_version);
    yajl_gen_map_close(w.g);
    return writer_close(&w, err);
}

int elg_ruleset_seal(elg_ruleset *rs, elg_error *err) {
    elg_text t = {0};
    int rc = elg_ruleset_write_json(rs, &t, err);
    if (rc == 0)
        elg_sha256_hex(t.data ? t.data : "", t.len, rs->sha256);
    elg_text_release(&t);
    return rc;
}
