/*
 * decision_read: the one place JSON becomes a decision (see decision.h).
 *
 * Reading is not on the evaluation path (show, diff, replay, export), so
 * jansson's tree is fine here. Everything read is copied into the
 * decision's (or ruleset's) arena; the tree is dropped before returning.
 * A field of the wrong type is an error naming it: stored records are
 * audited data, a silent default would hide a corruption.
 */
#include "decision.h"
#include "factpath.h"
#include "money.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
    elg_arena *a;
    elg_error *err;
    const char *what; /* "decision", "ruleset": for messages */
} reader;

static int bad(reader *r, const char *field, const char *expected) {
    return elg_error_set(r->err, ELG_ESTORE, "%s: field \"%s\" is missing or not %s", r->what,
                         field, expected);
}

static int oom(reader *r) {
    return elg_error_set(r->err, ELG_ENOMEM, "out of memory reading a %s", r->what);
}

/* Text member key of obj; optional: absent or null gives NULL. */
static int get_str(reader *r, json_t *obj, const char *key, bool optional, const char **out) {
    json_t *v = json_object_get(obj, key);
    if ((!v || json_is_null(v)) && optional) {
        *out = NULL;
        return 0;
    }
    if (!json_is_string(v))
        return bad(r, key, "text");
    *out = elg_arena_strndup(r->a, json_string_value(v), json_string_length(v));
    return *out ? 0 : oom(r);
}

static int get_int(reader *r, json_t *obj, const char *key, int64_t *out) {
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v))
        return bad(r, key, "an integer");
    *out = json_integer_value(v);
    return 0;
}

/* An integer or null (absent counts as null: older decisions lacked some). */
static int get_opt_int(reader *r, json_t *obj, const char *key, bool *has, int64_t *out) {
    json_t *v = json_object_get(obj, key);
    *has = json_is_integer(v);
    *out = *has ? json_integer_value(v) : 0;
    if (v && !json_is_null(v) && !*has)
        return bad(r, key, "an integer or null");
    return 0;
}

static int read_value(reader *r, json_t *j, elg_value *out, int depth);

static int cmp_pairs(const void *x, const void *y) {
    return strcmp(((const elg_value_pair *)x)->key, ((const elg_value_pair *)y)->key);
}

static int read_value(reader *r, json_t *j, elg_value *out, int depth) {
    memset(out, 0, sizeof *out);
    if (depth > 64)
        return elg_error_set(r->err, ELG_ESTORE, "%s: value nested too deeply", r->what);
    switch (json_typeof(j)) {
    case JSON_NULL:
        out->type = ELG_VALUE_NULL;
        return 0;
    case JSON_TRUE:
    case JSON_FALSE:
        out->type = ELG_VALUE_BOOL;
        out->u.boolean = json_is_true(j);
        return 0;
    case JSON_INTEGER:
        out->type = ELG_VALUE_INT;
        out->u.integer = json_integer_value(j);
        return 0;
    case JSON_STRING:
        out->type = ELG_VALUE_STRING;
        out->u.str.len = json_string_length(j);
        out->u.str.text = elg_arena_strndup(r->a, json_string_value(j), out->u.str.len);
        return out->u.str.text ? 0 : oom(r);
    case JSON_ARRAY: {
        out->type = ELG_VALUE_LIST;
        size_t n = json_array_size(j);
        out->u.list.items = elg_arena_array(r->a, n, sizeof(elg_value));
        if (!out->u.list.items)
            return oom(r);
        out->u.list.count = n;
        for (size_t i = 0; i < n; i++) {
            int rc = read_value(r, json_array_get(j, i), &out->u.list.items[i], depth + 1);
            if (rc)
                return rc;
        }
        return 0;
    }
    case JSON_OBJECT: {
        out->type = ELG_VALUE_MAP;
        size_t n = json_object_size(j), i = 0;
        elg_value_pair *pairs = elg_arena_array(r->a, n, sizeof *pairs);
        if (!pairs)
            return oom(r);
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) {
            pairs[i].key = elg_arena_strdup(r->a, k);
            if (!pairs[i].key)
                return oom(r);
            int rc = read_value(r, v, &pairs[i].value, depth + 1);
            if (rc)
                return rc;
            i++;
        }
        qsort(pairs, n, sizeof *pairs, cmp_pairs);
        out->u.map.pairs = pairs;
        out->u.map.count = n;
        return 0;
    }
    case JSON_REAL:
        break;
    }
    return elg_error_set(r->err, ELG_ESTORE, "%s: a number that is not an integer", r->what);
}

/* A list of text members. */
static int read_strings(reader *r, json_t *obj, const char *key, const char ***out, size_t *n) {
    json_t *a = json_object_get(obj, key);
    *out = NULL;
    *n = 0;
    if (!a || json_is_null(a))
        return 0;
    if (!json_is_array(a))
        return bad(r, key, "a list");
    const char **s = elg_arena_array(r->a, json_array_size(a), sizeof *s);
    if (!s)
        return oom(r);
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *e = json_array_get(a, i);
        if (!json_is_string(e))
            return bad(r, key, "a list of text");
        s[i] = elg_arena_strndup(r->a, json_string_value(e), json_string_length(e));
        if (!s[i])
            return oom(r);
    }
    *out = s;
    *n = json_array_size(a);
    return 0;
}

static int read_cat_map(reader *r, json_t *o, const char *key, elg_cat_amount **out, size_t *n);

static int read_cats(reader *r, json_t *obj, const char *key, elg_cat_amount **out, size_t *n) {
    return read_cat_map(r, json_object_get(obj, key), key, out, n);
}

/* An object of amounts by category (key: the field, for messages). */
static int read_cat_map(reader *r, json_t *o, const char *key, elg_cat_amount **out, size_t *n) {
    *out = NULL;
    *n = 0;
    if (!o || json_is_null(o))
        return 0;
    if (!json_is_object(o))
        return bad(r, key, "an object");
    elg_cat_amount *c = elg_arena_array(r->a, json_object_size(o), sizeof *c);
    if (!c)
        return oom(r);
    const char *k;
    json_t *v;
    size_t i = 0;
    json_object_foreach(o, k, v) {
        if (!json_is_integer(v))
            return bad(r, key, "an object of amounts");
        c[i].category = elg_arena_strdup(r->a, k);
        if (!c[i].category)
            return oom(r);
        c[i++].amount = json_integer_value(v);
    }
    *out = c;
    *n = i;
    return 0;
}

/* A financer of the stored figures: [financer, nature, public, amount,
 * requested, granted, earmarked, share_bp, max_grantable]. */
static int read_compact_financer(reader *r, json_t *a, elg_financer_figures *x) {
    static const char *const what = "a list of [financer, nature, public, amount, requested, "
                                    "granted, earmarked, share_bp, max_grantable]";
    json_t *v[9];
    if (json_array_size(a) != 9)
        return bad(r, "figures.financers", what);
    for (size_t k = 0; k < 9; k++)
        v[k] = json_array_get(a, k);
    if (!json_is_string(v[0]) || !json_is_string(v[1]) || !json_is_boolean(v[2]) ||
        !json_is_integer(v[3]) || !json_is_integer(v[4]) || !json_is_integer(v[5]) ||
        !json_is_object(v[6]) || !(json_is_integer(v[7]) || json_is_null(v[7])) ||
        !(json_is_integer(v[8]) || json_is_null(v[8])))
        return bad(r, "figures.financers", what);
    x->financer = elg_arena_strdup(r->a, json_string_value(v[0]));
    x->nature = elg_arena_strdup(r->a, json_string_value(v[1]));
    if (!x->financer || !x->nature)
        return oom(r);
    x->is_public = json_is_true(v[2]);
    x->amount = json_integer_value(v[3]);
    x->requested = json_integer_value(v[4]);
    x->granted = json_integer_value(v[5]);
    x->has_share = json_is_integer(v[7]);
    x->share_bp = json_integer_value(v[7]);
    x->has_max_grantable = json_is_integer(v[8]);
    x->max_grantable = json_integer_value(v[8]);
    return read_cat_map(r, v[6], "earmarked", &x->earmarked, &x->earmarked_count);
}

static int read_figures(reader *r, json_t *j, elg_figures *f) {
    int rc;
    if (!json_is_object(j))
        return bad(r, "figures", "an object");
    if ((rc = get_str(r, j, "call_financer", true, &f->call_financer)) ||
        (rc = get_int(r, j, "eligible_cost", &f->eligible_cost)) ||
        (rc = get_int(r, j, "total_resources", &f->total_resources)) ||
        (rc = get_int(r, j, "balance", &f->balance)) ||
        (rc = read_cats(r, j, "expenses_by_category", &f->by_category, &f->by_category_count)) ||
        (rc = get_int(r, j, "public_amount", &f->public_amount)) ||
        (rc = get_opt_int(r, j, "public_share_bp", &f->has_public_share, &f->public_share_bp)) ||
        (rc = get_opt_int(r, j, "requested", &f->has_requested, &f->requested)) ||
        (rc = get_opt_int(r, j, "max_grantable", &f->has_max_grantable, &f->max_grantable)) ||
        (rc = get_str(r, j, "max_grantable_rule", true, &f->max_grantable_rule)))
        return rc;
    json_t *fins = json_object_get(j, "financers");
    if (!json_is_array(fins))
        return bad(r, "figures.financers", "a list");
    f->financers_count = json_array_size(fins);
    f->financers = elg_arena_array(r->a, f->financers_count, sizeof *f->financers);
    if (!f->financers)
        return oom(r);
    for (size_t i = 0; i < f->financers_count; i++) {
        json_t *o = json_array_get(fins, i);
        elg_financer_figures *x = &f->financers[i];
        bool gr, rq;
        if (json_is_array(o)) {
            if ((rc = read_compact_financer(r, o, x)))
                return rc;
            continue;
        }
        if (!json_is_object(o))
            return bad(r, "figures.financers", "a list of objects");
        if ((rc = get_str(r, o, "financer", false, &x->financer)) ||
            (rc = get_str(r, o, "nature", false, &x->nature)) ||
            (rc = get_int(r, o, "amount", &x->amount)) ||
            (rc = get_opt_int(r, o, "requested", &rq, &x->requested)) ||
            (rc = get_opt_int(r, o, "granted", &gr, &x->granted)) ||
            (rc = read_cats(r, o, "earmarked", &x->earmarked, &x->earmarked_count)) ||
            (rc = get_opt_int(r, o, "share_bp", &x->has_share, &x->share_bp)) ||
            (rc = get_opt_int(r, o, "max_grantable", &x->has_max_grantable, &x->max_grantable)))
            return rc;
        x->is_public = json_is_true(json_object_get(o, "public"));
    }
    return 0;
}

/* The figures of the document, or those stored beside a record. */
static int read_figures_of(reader *r, json_t *doc, const char *figures_json, elg_figures *f) {
    json_t *inline_figures = json_object_get(doc, "figures");
    if (inline_figures || !figures_json)
        return read_figures(r, inline_figures, f);
    json_error_t jerr;
    json_t *j = json_loads(figures_json, 0, &jerr);
    int rc = read_figures(r, j, f);
    json_decref(j);
    return rc;
}

int elg_figures_read(const char *json, elg_arena *a, elg_figures *f, elg_error *err) {
    reader r = {a, err, "decision"};
    json_error_t jerr;
    json_t *j = json_loads(json, 0, &jerr);
    memset(f, 0, sizeof *f);
    int rc = read_figures(&r, j, f);
    json_decref(j);
    return rc;
}

static int read_edition(reader *r, json_t *obj, elg_ruleset *rs) {
    json_t *e = json_object_get(obj, "edition");
    if (!e || json_is_null(e))
        return 0;
    if (!json_is_object(e))
        return bad(r, "edition", "an object or null");
    int rc = get_str(r, e, "name", false, &rs->edition_name);
    return rc ? rc : get_str(r, e, "from", false, &rs->edition_from);
}

static int read_param(reader *r, json_t *o, elg_param_value *p) {
    int rc;
    if (!json_is_object(o))
        return bad(r, "parameters", "a list of objects");
    if ((rc = get_str(r, o, "name", false, &p->name)) ||
        (rc = get_str(r, o, "type", false, &p->type)) ||
        (rc = get_str(r, o, "edition", true, &p->edition)))
        return rc;
    json_t *v = json_object_get(o, "value");
    return v ? read_value(r, v, &p->value, 0) : bad(r, "parameters.value", "present");
}

/* A record's distinct facts (decision_write.c writes them once). */
typedef struct fact_table {
    elg_fact *facts;
    size_t count;
} fact_table;

/* A fact of format 4 written as [shape, index..., value]: its path is the
 * shape with each "[]" given the next index (decision_write.c). */
static int shaped_path(reader *r, json_t *paths, json_t *fact, const char **path, json_t **value) {
    size_t n = json_array_size(fact);
    json_int_t id = json_integer_value(json_array_get(fact, 0));
    const char *shape = json_string_value(json_array_get(paths, (size_t)id));
    if (id < 0 || !shape)
        return bad(r, "facts", "a list of [path or shape, index..., value] naming its shape");
    size_t holes = 0, len = strlen(shape);
    for (const char *p = shape; (p = strstr(p, "[]")); p += 2)
        holes++;
    if (n != holes + 2)
        return bad(r, "facts", "a list of [shape, one index per \"[]\", value]");
    char *out = elg_arena_alloc(r->a, len + holes * 20 + 1);
    if (!out)
        return oom(r);
    char *o = out;
    size_t k = 1;
    for (const char *p = shape; *p;) {
        if (p[0] == '[' && p[1] == ']') {
            json_t *i = json_array_get(fact, k++);
            if (!json_is_integer(i) || json_integer_value(i) < 0)
                return bad(r, "facts", "a list of [shape, index..., value] with integer indices");
            o += snprintf(o, 22, "[%lld]", (long long)json_integer_value(i));
            p += 2;
        } else
            *o++ = *p++;
    }
    *o = '\0';
    *path = out;
    *value = json_array_get(fact, n - 1);
    return 0;
}

static int read_fact_table(reader *r, json_t *j, fact_table *t) {
    json_t *a = json_object_get(j, "facts");
    json_t *paths = json_object_get(j, "paths");
    t->facts = NULL;
    t->count = 0;
    if (!a)
        return 0;
    if (!json_is_array(a))
        return bad(r, "facts", "a list");
    if (paths && !json_is_array(paths))
        return bad(r, "paths", "a list");
    t->count = json_array_size(a);
    t->facts = elg_arena_array(r->a, t->count, sizeof *t->facts);
    if (!t->facts)
        return oom(r);
    for (size_t i = 0; i < t->count; i++) {
        json_t *pair = json_array_get(a, i);
        json_t *path = json_array_get(pair, 0), *value = json_array_get(pair, 1);
        int rc;
        if (paths && json_is_integer(path)) {
            if ((rc = shaped_path(r, paths, pair, &t->facts[i].path, &value)))
                return rc;
        } else if (json_array_size(pair) != 2 || !json_is_string(path)) {
            return bad(r, "facts", "a list of [path, value]");
        } else if (!(t->facts[i].path = elg_arena_strdup(r->a, json_string_value(path)))) {
            return oom(r);
        }
        if ((rc = read_value(r, value, &t->facts[i].value, 0)))
            return rc;
    }
    return 0;
}

/* The call-level fields, from a ruleset or a full (format 1) document. */
static int read_ruleset_fields(reader *r, json_t *j, elg_ruleset *rs) {
    int rc;
    int64_t v = 0;
    if ((rc = get_str(r, j, "call", false, &rs->call)) || (rc = get_int(r, j, "call_version", &v)))
        return rc;
    rs->call_version = (int)v;
    if ((rc = get_str(r, j, "call_sha256", false, &rs->call_sha256)) ||
        (rc = get_str(r, j, "call_title", true, &rs->call_title)) ||
        (rc = get_str(r, j, "basis", true, &rs->basis)) || (rc = read_edition(r, j, rs)) ||
        (rc = get_str(r, j, "ruleset_sha256", false, &rs->rule_files_sha256)) ||
        (rc = get_str(r, j, "engine_version", true, &rs->engine_version)))
        return rc;
    if (!rs->basis)
        rs->basis = "";
    json_t *files = json_object_get(j, "rule_files");
    if (!json_is_array(files))
        return bad(r, "rule_files", "a list");
    rs->rule_files_count = json_array_size(files);
    rs->rule_files = elg_arena_array(r->a, rs->rule_files_count, sizeof *rs->rule_files);
    if (!rs->rule_files)
        return oom(r);
    for (size_t i = 0; i < rs->rule_files_count; i++) {
        json_t *f = json_array_get(files, i);
        if ((rc = get_str(r, f, "path", false, &rs->rule_files[i].path)) ||
            (rc = get_str(r, f, "sha256", false, &rs->rule_files[i].sha256)))
            return rc;
    }
    json_t *lim = json_object_get(j, "limits");
    if (json_is_object(lim)) {
        int64_t ins = 0, mem = 0;
        if ((rc = get_int(r, lim, "instructions", &ins)) || (rc = get_int(r, lim, "memory", &mem)))
            return rc;
        rs->limit_instructions = (uint64_t)ins;
        rs->limit_memory = (uint64_t)mem;
        bool has;
        int64_t n = 0;
        if ((rc = get_opt_int(r, lim, "time_ms", &has, &n)))
            return rc;
        rs->limit_time_ms = has && n > 0 ? (uint64_t)n : 0;
        if ((rc = get_opt_int(r, lim, "output", &has, &n)))
            return rc;
        rs->limit_output = has && n > 0 ? (uint64_t)n : 0;
    }
    json_t *fv = json_object_get(j, "financer_versions");
    if (json_is_array(fv)) {
        rs->financers_count = json_array_size(fv);
        rs->financers = elg_arena_array(r->a, rs->financers_count, sizeof *rs->financers);
        if (!rs->financers)
            return oom(r);
        for (size_t i = 0; i < rs->financers_count; i++) {
            json_t *f = json_array_get(fv, i);
            int64_t ver = 0;
            if ((rc = get_str(r, f, "financer", false, &rs->financers[i].financer)) ||
                (rc = get_int(r, f, "version", &ver)) ||
                (rc = get_str(r, f, "sha256", false, &rs->financers[i].sha256)))
                return rc;
            rs->financers[i].version = (int)ver;
        }
    }
    json_t *params = json_object_get(j, "parameters");
    if (!json_is_array(params))
        return bad(r, "parameters", "a list");
    /* In a full document these are the parameters used; in a ruleset, all
     * those in force. */
    rs->params_count = json_array_size(params);
    rs->params = elg_arena_array(r->a, rs->params_count, sizeof *rs->params);
    if (!rs->params)
        return oom(r);
    for (size_t i = 0; i < rs->params_count; i++)
        if ((rc = read_param(r, json_array_get(params, i), &rs->params[i])))
            return rc;
    return 0;
}

int elg_ruleset_read(const char *json, size_t len, elg_ruleset **out, elg_error *err) {
    *out = NULL;
    json_error_t jerr;
    json_t *j = json_loadb(json, len, 0, &jerr);
    if (!json_is_object(j)) {
        json_decref(j);
        return elg_error_set(err, ELG_ESTORE, "stored ruleset is not a JSON object: %s", jerr.text);
    }
    elg_ruleset *rs = elg_ruleset_new();
    reader r = {rs ? rs->arena : NULL, err, "ruleset"};
    int rc = rs ? read_ruleset_fields(&r, j, rs) : elg_error_set(err, ELG_ENOMEM, "out of memory");
    json_t *rules = json_object_get(j, "rules");
    if (rc == 0 && !json_is_array(rules))
        rc = bad(&r, "rules", "a list");
    if (rc == 0) {
        rs->rules_count = json_array_size(rules);
        rs->rules = elg_arena_array(r.a, rs->rules_count, sizeof *rs->rules);
        if (!rs->rules)
            rc = oom(&r);
    }
    for (size_t i = 0; rc == 0 && i < rs->rules_count; i++) {
        json_t *o = json_array_get(rules, i);
        elg_rule_decl *d = &rs->rules[i];
        if ((rc = get_str(&r, o, "id", false, &d->id)) ||
            (rc = get_str(&r, o, "title", false, &d->title)) ||
            (rc = get_str(&r, o, "basis", false, &d->basis)) ||
            (rc = get_str(&r, o, "source", false, &d->source)))
            break;
        if ((rc = get_str(&r, o, "kind", true, &d->kind)))
            break;
        json_t *df = json_object_get(o, "declared_facts");
        if (df) {
            fact_table t;
            json_t *holder = json_pack("{sO}", "facts", df);
            rc = holder ? read_fact_table(&r, holder, &t) : oom(&r);
            json_decref(holder);
            d->declared = t.facts;
            d->declared_count = rc ? 0 : t.count;
        }
    }
    if (rc == 0)
        rc = elg_ruleset_seal(rs, err);
    json_decref(j);
    if (rc) {
        elg_ruleset_unref(rs);
        return rc;
    }
    *out = rs;
    return 0;
}

/* One rule result. decl: the ruleset's declaration at this position, whose
 * fields fill those the record left out (NULL for a full document). */
static int read_rule(reader *r, json_t *o, const elg_rule_decl *decl, const fact_table *table,
                     elg_rule_result *x) {
    int rc;
    const char *status;
    if (!json_is_object(o))
        return bad(r, "rules", "a list of objects");
    /* A record of format 4 names a rule its ruleset declares at the same
     * position by that position alone. */
    if ((rc = get_str(r, o, "id", decl != NULL, &x->id)) ||
        (rc = get_str(r, o, "status", false, &status)) ||
        (rc = get_str(r, o, "message", false, &x->message)) ||
        (rc = get_str(r, o, "error_at", true, &x->error_at)) ||
        (rc = get_str(r, o, "traceback", true, &x->traceback)))
        return rc;
    if (!x->id)
        x->id = decl->id;
    if (!elg_rule_status_parse(status, &x->status))
        return elg_error_set(r->err, ELG_ESTORE, "%s: rule %s: unknown status \"%s\"", r->what,
                             x->id, status);
    bool inline_decl = json_object_get(o, "title") != NULL;
    if (!inline_decl && (!decl || strcmp(decl->id, x->id) != 0))
        return elg_error_set(r->err, ELG_ESTORE,
                             "%s: rule %s does not match its ruleset's declaration", r->what,
                             x->id);
    if (inline_decl) {
        if ((rc = get_str(r, o, "title", false, &x->title)) ||
            (rc = get_str(r, o, "basis", false, &x->basis)) ||
            (rc = get_str(r, o, "source", false, &x->source)) ||
            (rc = get_str(r, o, "kind", true, &x->kind)))
            return rc;
    } else {
        x->id = decl->id;
        x->title = decl->title;
        x->basis = decl->basis;
        x->source = decl->source;
        x->kind = decl->kind;
    }
    json_t *facts = json_object_get(o, "facts");
    if (table && json_is_array(facts)) {
        /* A record: the facts read at declaration, kept in the ruleset
         * (format 3), then indices into its fact table. */
        size_t pre = 0;
        if (json_is_true(json_object_get(o, "declared"))) {
            if (!decl || inline_decl)
                return bad(r, "declared", "a rule declared by its ruleset");
            pre = decl->declared_count;
        }
        x->facts_count = pre + json_array_size(facts);
        x->facts = elg_arena_array(r->a, x->facts_count, sizeof *x->facts);
        if (!x->facts)
            return oom(r);
        for (size_t i = 0; i < pre; i++)
            x->facts[i] = decl->declared[i];
        for (size_t i = pre; i < x->facts_count; i++) {
            json_t *n = json_array_get(facts, i - pre);
            if (!json_is_integer(n) || json_integer_value(n) < 0 ||
                (size_t)json_integer_value(n) >= table->count)
                return bad(r, "facts", "a list of indices into the fact table");
            x->facts[i] = table->facts[json_integer_value(n)];
        }
        goto figures;
    }
    if (!json_is_object(facts))
        return bad(r, "facts", "an object");
    x->facts_count = json_object_size(facts);
    x->facts = elg_arena_array(r->a, x->facts_count, sizeof *x->facts);
    if (!x->facts)
        return oom(r);
    const char *k;
    json_t *v;
    size_t i = 0;
    json_object_foreach(facts, k, v) {
        x->facts[i].path = elg_arena_strdup(r->a, k);
        if (!x->facts[i].path)
            return oom(r);
        if ((rc = read_value(r, v, &x->facts[i].value, 0)))
            return rc;
        i++;
    }
figures:;
    json_t *figs = json_object_get(o, "figures");
    if (figs && json_is_object(figs)) {
        if ((rc = read_value(r, figs, &x->figures, 0)))
            return rc;
    } else {
        x->figures.type = ELG_VALUE_MAP;
    }
    if ((rc = read_strings(r, o, "notices", &x->notices, &x->notices_count)) ||
        (rc = read_strings(r, o, "missing", &x->missing, &x->missing_count)))
        return rc;
    bool has_dur;
    return get_opt_int(r, o, "duration_us", &has_dur, &x->duration_us);
}

static int read_rules(reader *r, json_t *j, elg_decision *d, bool full) {
    fact_table table = {0};
    if (!full) {
        int rc = read_fact_table(r, j, &table);
        if (rc)
            return rc;
    }
    json_t *rules = json_object_get(j, "rules");
    if (!json_is_array(rules))
        return bad(r, "rules", "a list");
    d->rules_count = json_array_size(rules);
    d->rules = elg_arena_array(r->a, d->rules_count, sizeof *d->rules);
    if (!d->rules)
        return oom(r);
    const elg_ruleset *rs = d->ruleset;
    for (size_t i = 0; i < d->rules_count; i++) {
        const elg_rule_decl *decl = !full && i < rs->rules_count ? &rs->rules[i] : NULL;
        int rc = read_rule(r, json_array_get(rules, i), decl, full ? NULL : &table, &d->rules[i]);
        if (rc)
            return rc;
    }
    return 0;
}

/* A full document: its call-level fields become a ruleset of its own. Its
 * rules' declarations stay inline (the ruleset lists none). */
static int read_full(reader *r, json_t *j, elg_decision **out) {
    elg_ruleset *rs = elg_ruleset_new();
    if (!rs)
        return oom(r);
    reader rr = {rs->arena, r->err, "decision"};
    int rc = read_ruleset_fields(&rr, j, rs);
    if (rc == 0)
        rc = elg_ruleset_seal(rs, r->err);
    elg_decision *d = rc == 0 ? elg_decision_new(rs) : NULL;
    elg_ruleset_unref(rs);
    if (rc)
        return rc;
    if (!d)
        return oom(r);
    *out = d;
    d->params_count = rs->params_count;
    d->params = elg_arena_array(d->arena, rs->params_count, sizeof *d->params);
    if (!d->params)
        return oom(r);
    for (size_t i = 0; i < rs->params_count; i++)
        d->params[i] = &rs->params[i];
    r->a = d->arena;
    return read_rules(r, j, d, true);
}

/* An empty decision of the ruleset sha, found by find; r then writes into
 * its arena. */
static int decision_of_ruleset(reader *r, const char *sha, elg_ruleset_fn find, void *find_ctx,
                               elg_decision **out) {
    if (!find)
        return elg_error_set(r->err, ELG_ESTORE, "decision refers to ruleset %s: no store", sha);
    elg_ruleset *rs = NULL;
    int rc = find(find_ctx, sha, &rs, r->err);
    if (rc)
        return rc;
    elg_decision *d = elg_decision_new(rs);
    elg_ruleset_unref(rs);
    if (!d)
        return oom(r);
    *out = d;
    r->a = d->arena;
    return 0;
}

/* A stored record: its ruleset is fetched by sha256 (named by its row from
 * format 4 on). */
static int read_record(reader *r, json_t *j, const char *sha, elg_ruleset_fn find, void *find_ctx,
                       elg_decision **out) {
    if (!sha)
        return bad(r, "ruleset", "text");
    int rc = decision_of_ruleset(r, sha, find, find_ctx, out);
    if (rc)
        return rc;
    elg_decision *d = *out;
    const elg_ruleset *rs = d->ruleset;
    json_t *names = json_object_get(j, "parameters");
    if (!json_is_array(names))
        return bad(r, "parameters", "a list");
    d->params = elg_arena_array(d->arena, json_array_size(names), sizeof *d->params);
    if (!d->params)
        return oom(r);
    for (size_t i = 0; i < json_array_size(names); i++) {
        const char *name = json_string_value(json_array_get(names, i));
        const elg_param_value *p = name ? elg_ruleset_param(rs, name) : NULL;
        if (!p)
            return elg_error_set(r->err, ELG_ESTORE,
                                 "decision: parameter %s is not in its ruleset %s",
                                 name ? name : "?", sha);
        d->params[d->params_count++] = p;
    }
    return read_rules(r, j, d, false);
}

/* The project's identity and outcome: a record of format 4 leaves them to
 * its row, earlier formats hold them. */
static int read_identity(reader *r, json_t *j, const elg_decision_row *row, bool from_row,
                         const char **outcome, elg_decision *d) {
    if (from_row) {
        d->project = elg_arena_strdup(d->arena, row->project);
        d->project_sha256 = elg_arena_strdup(d->arena, row->project_sha256);
        d->project_version = row->project_version;
        *outcome = row->outcome;
        return d->project && d->project_sha256 ? 0 : oom(r);
    }
    int64_t v = 0;
    int rc;
    if ((rc = get_str(r, j, "project", false, &d->project)) ||
        (rc = get_int(r, j, "project_version", &v)) ||
        (rc = get_str(r, j, "project_sha256", false, &d->project_sha256)) ||
        (rc = get_str(r, j, "outcome", false, outcome)))
        return rc;
    d->project_version = (int)v;
    return 0;
}

/* ---- the binary record (format 5, decision_write.c) --------------------
 *
 * Read on every whatif and replay of a batch's decisions, so not through a
 * tree: straight from the bytes into the decision's arena. Every length and
 * count is checked against the bytes left before anything is allocated, so
 * a damaged record is an error naming where it breaks, never a crash. */

typedef struct breader {
    reader *r;
    const unsigned char *p, *start, *end;
    bool broken;
    int format;
} breader;

static int b_bad(breader *b, const char *what) {
    return elg_error_set(b->r->err, ELG_ESTORE, "%s: binary record broken at byte %zu (%s)",
                         b->r->what, (size_t)(b->p - b->start), what);
}

static uint64_t b_uint(breader *b) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && b->p < b->end; shift += 7) {
        unsigned char c = *b->p++;
        v |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80))
            return v;
    }
    b->broken = true;
    return 0;
}

static int64_t b_int(breader *b) {
    uint64_t u = b_uint(b);
    return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

static unsigned b_byte(breader *b) {
    if (b->p >= b->end) {
        b->broken = true;
        return 0;
    }
    return *b->p++;
}

/* A count of items that each take at least one byte. */
static size_t b_count(breader *b) {
    uint64_t n = b_uint(b);
    if (n > (uint64_t)(b->end - b->p)) {
        b->broken = true;
        return 0;
    }
    return (size_t)n;
}

/* Text of n bytes, copied into the arena; NULL when broken or out of memory
 * (*oom set). */
static const char *b_text(breader *b, uint64_t n, bool *oom) {
    if (b->broken || n > (uint64_t)(b->end - b->p)) {
        b->broken = true;
        return NULL;
    }
    char *t = elg_arena_strndup(b->r->a, (const char *)b->p, (size_t)n);
    b->p += n;
    if (!t)
        *oom = true;
    return t;
}

/* The bytes of text that may be NULL (written as its length + 1, 0 for
 * NULL), left where they are: *out NULL for NULL. */
static int b_span(breader *b, const unsigned char **out, size_t *len, bool optional,
                  const char *field) {
    uint64_t n = b_uint(b);
    *out = NULL;
    *len = 0;
    if (b->broken)
        return b_bad(b, field);
    if (n == 0)
        return optional ? 0 : bad(b->r, field, "text");
    if (n - 1 > (uint64_t)(b->end - b->p)) {
        b->broken = true;
        return b_bad(b, field);
    }
    *out = b->p;
    *len = (size_t)(n - 1);
    b->p += *len;
    return 0;
}

/* Text that may be NULL, copied into the arena. */
static int b_ostr(breader *b, const char **out, bool optional, const char *field) {
    const unsigned char *p;
    size_t len;
    *out = NULL;
    int rc = b_span(b, &p, &len, optional, field);
    if (rc || !p)
        return rc;
    if (!(*out = elg_arena_strndup(b->r->a, (const char *)p, len)))
        return oom(b->r);
    return 0;
}

static int b_value(breader *b, elg_value *out, int depth) {
    memset(out, 0, sizeof *out);
    if (depth > 64)
        return elg_error_set(b->r->err, ELG_ESTORE, "%s: value nested too deeply", b->r->what);
    unsigned tag = b_byte(b);
    bool oom_ = false;
    switch (tag) {
    case 0: /* null */
        break;
    case 1:
    case 2:
        out->type = ELG_VALUE_BOOL;
        out->u.boolean = tag == 2;
        break;
    case 3:
        out->type = ELG_VALUE_INT;
        out->u.integer = b_int(b);
        break;
    case 4: {
        uint64_t n = b_uint(b);
        out->type = ELG_VALUE_STRING;
        out->u.str.text = b_text(b, n, &oom_);
        out->u.str.len = (size_t)n;
        break;
    }
    case 5: {
        size_t n = b_count(b);
        out->type = ELG_VALUE_LIST;
        if (b->broken)
            break;
        if (!(out->u.list.items = elg_arena_array(b->r->a, n, sizeof(elg_value))))
            return oom(b->r);
        out->u.list.count = n;
        for (size_t i = 0; i < n; i++) {
            int rc = b_value(b, &out->u.list.items[i], depth + 1);
            if (rc)
                return rc;
        }
        break;
    }
    case 6: {
        size_t n = b_count(b);
        out->type = ELG_VALUE_MAP;
        if (b->broken)
            break;
        elg_value_pair *pairs = elg_arena_array(b->r->a, n, sizeof *pairs);
        if (!pairs)
            return oom(b->r);
        bool sorted = true;
        for (size_t i = 0; i < n; i++) {
            pairs[i].key = b_text(b, b_uint(b), &oom_);
            if (oom_)
                return oom(b->r);
            if (!pairs[i].key)
                return b_bad(b, "a key");
            sorted = sorted && (i == 0 || strcmp(pairs[i - 1].key, pairs[i].key) <= 0);
            int rc = b_value(b, &pairs[i].value, depth + 1);
            if (rc)
                return rc;
        }
        if (!sorted) /* as the JSON reader sorts them */
            qsort(pairs, n, sizeof *pairs, cmp_pairs);
        out->u.map.pairs = pairs;
        out->u.map.count = n;
        break;
    }
    default:
        b->broken = true;
    }
    if (oom_)
        return oom(b->r);
    return b->broken ? b_bad(b, "a value") : 0;
}

static int b_strings(breader *b, const char ***out, size_t *count, const char *field) {
    size_t n = b_count(b);
    if (b->broken)
        return b_bad(b, field);
    const char **s = elg_arena_array(b->r->a, n, sizeof *s);
    if (!s)
        return oom(b->r);
    for (size_t i = 0; i < n; i++) {
        int rc = b_ostr(b, &s[i], false, field);
        if (rc)
            return rc;
    }
    *out = s;
    *count = n;
    return 0;
}

/* The path of a fact written as 1 + shape, then one index per "[]". */
static int b_path(breader *b, const char *shape, size_t holes, const char **out) {
    size_t len = strlen(shape);
    char *path = elg_arena_alloc(b->r->a, len + holes * 20 + 1), *o = path;
    if (!path)
        return oom(b->r);
    for (const char *p = shape; *p;) {
        if (p[0] == '[' && p[1] == ']') {
            uint64_t i = b_uint(b);
            if (b->broken)
                return b_bad(b, "facts");
            o += snprintf(o, 22, "[%" PRIu64 "]", i);
            p += 2;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    *out = path;
    return 0;
}

/* statics: whether the shapes of engine/factpath.h follow the record's
 * own (format 6). */
static int b_facts(breader *b, bool statics, fact_table *t) {
    size_t nshapes = b_count(b);
    if (b->broken)
        return b_bad(b, "paths");
    const char **shapes = elg_arena_array(b->r->a, nshapes + 1, sizeof *shapes);
    size_t *holes = elg_arena_array(b->r->a, nshapes + 1, sizeof *holes);
    if (!shapes || !holes)
        return oom(b->r);
    for (size_t i = 0; i < nshapes; i++) {
        int rc = b_ostr(b, &shapes[i], false, "paths");
        if (rc)
            return rc;
        holes[i] = 0;
        for (const char *p = shapes[i]; (p = strstr(p, "[]")); p += 2)
            holes[i]++;
    }
    t->count = b_count(b);
    if (b->broken)
        return b_bad(b, "facts");
    if (!(t->facts = elg_arena_array(b->r->a, t->count, sizeof *t->facts)))
        return oom(b->r);
    for (size_t k = 0; k < t->count; k++) {
        uint64_t shape = b_uint(b);
        int rc;
        const char *fixed = statics && shape > nshapes && shape - nshapes <= ELG_FPATH_FIELDS
                                ? elg_fpath_shape((int)(shape - nshapes - 1))
                                : NULL;
        if (b->broken || (shape > nshapes && !fixed))
            return b_bad(b, "facts: a shape that is not there");
        if (shape == 0)
            rc = b_ostr(b, &t->facts[k].path, false, "facts");
        else if (fixed)
            rc = b_path(b, fixed, 1, &t->facts[k].path);
        else
            rc = b_path(b, shapes[shape - 1], holes[shape - 1], &t->facts[k].path);
        if (rc || (rc = b_value(b, &t->facts[k].value, 0)))
            return rc;
    }
    return 0;
}

/* A message of format 7 (decision_write.c b_message): its bytes, each
 * ELG_BREC_MONEY and rank replaced by that figure of the rule (read
 * already, its keys sorted) as elg_money_format writes it. */
static int b_expand_message(breader *b, const unsigned char *m, size_t len,
                            const elg_value *figures, const char **out) {
    size_t refs = 0;
    for (size_t i = 0; i < len; i++)
        refs += m[i] == ELG_BREC_MONEY;
    char *t = elg_arena_alloc(b->r->a, len + refs * ELG_MONEY_FMT_MAX + 1), *o = t;
    if (!t)
        return oom(b->r);
    for (size_t i = 0; i < len; i++) {
        if (m[i] != ELG_BREC_MONEY) {
            *o++ = (char)m[i];
            continue;
        }
        size_t rank = i + 1 < len ? m[++i] : 0;
        const elg_value_pair *p =
            figures->type == ELG_VALUE_MAP && rank >= 1 && rank <= figures->u.map.count
                ? &figures->u.map.pairs[rank - 1]
                : NULL;
        if (!p || p->value.type != ELG_VALUE_INT)
            return bad(b->r, "message", "text whose amounts name the rule's figures");
        elg_money_format(p->value.u.integer, o, ELG_MONEY_FMT_MAX);
        o += strlen(o);
    }
    *o = '\0';
    *out = t;
    return 0;
}

static int b_rule(breader *b, const elg_rule_decl *decl, const fact_table *table,
                  elg_rule_result *x) {
    unsigned flags = b_byte(b), status = b_byte(b);
    if (b->broken || status >= ELG_RULE_STATUS_COUNT || flags > 31)
        return b_bad(b, "a rule's status");
    x->status = (elg_rule_status)status;
    int rc = 0;
    /* Format 7 writes the message's amounts as references to the figures
     * that follow: kept as bytes until those are read. */
    const unsigned char *msg = NULL;
    size_t msg_len = 0;
    if ((rc = b->format >= 7 ? b_span(b, &msg, &msg_len, false, "message")
                             : b_ostr(b, &x->message, false, "message")))
        return rc;
    bool inline_decl = flags & ELG_BREC_INLINE;
    if (inline_decl) {
        if ((rc = b_ostr(b, &x->id, false, "id")) || (rc = b_ostr(b, &x->title, false, "title")) ||
            (rc = b_ostr(b, &x->basis, false, "basis")) ||
            (rc = b_ostr(b, &x->source, false, "source")) ||
            (rc = b_ostr(b, &x->kind, true, "kind")))
            return rc;
    } else if (!decl) {
        return elg_error_set(b->r->err, ELG_ESTORE,
                             "%s: a rule does not match its ruleset's declaration", b->r->what);
    } else {
        x->id = decl->id;
        x->title = decl->title;
        x->basis = decl->basis;
        x->source = decl->source;
        x->kind = decl->kind;
    }
    if (x->status == ELG_RULE_ERROR && ((rc = b_ostr(b, &x->error_at, false, "error_at")) ||
                                        (rc = b_ostr(b, &x->traceback, true, "traceback"))))
        return rc;
    size_t pre = 0;
    if (flags & ELG_BREC_DECLARED) {
        if (!decl || inline_decl)
            return bad(b->r, "declared", "a rule declared by its ruleset");
        pre = decl->declared_count;
    }
    size_t n = b_count(b);
    if (b->broken)
        return b_bad(b, "facts");
    x->facts_count = pre + n;
    if (!(x->facts = elg_arena_array(b->r->a, x->facts_count, sizeof *x->facts)))
        return oom(b->r);
    for (size_t i = 0; i < pre; i++)
        x->facts[i] = decl->declared[i];
    for (size_t i = pre; i < x->facts_count; i++) {
        uint64_t k = b_uint(b);
        if (b->broken || k >= table->count)
            return bad(b->r, "facts", "a list of indices into the fact table");
        x->facts[i] = table->facts[k];
    }
    if (flags & ELG_BREC_FIGURES) {
        if ((rc = b_value(b, &x->figures, 0)))
            return rc;
        if (x->figures.type != ELG_VALUE_MAP)
            return b_bad(b, "figures that are not a map");
    } else {
        x->figures.type = ELG_VALUE_MAP;
    }
    if (msg && (rc = b_expand_message(b, msg, msg_len, &x->figures, &x->message)))
        return rc;
    if ((flags & ELG_BREC_NOTICES) &&
        (rc = b_strings(b, &x->notices, &x->notices_count, "notices")))
        return rc;
    if ((flags & ELG_BREC_MISSING) &&
        (rc = b_strings(b, &x->missing, &x->missing_count, "missing")))
        return rc;
    x->duration_us = b_int(b);
    return b->broken ? b_bad(b, "duration_us") : 0;
}

static int b_cats(breader *b, elg_cat_amount **out, size_t *count, const char *field) {
    size_t n = b_count(b);
    if (b->broken)
        return b_bad(b, field);
    elg_cat_amount *c = elg_arena_array(b->r->a, n, sizeof *c);
    if (!c)
        return oom(b->r);
    for (size_t i = 0; i < n; i++) {
        int rc = b_ostr(b, &c[i].category, false, field);
        if (rc)
            return rc;
        c[i].amount = b_int(b);
    }
    *out = c;
    *count = n;
    return b->broken ? b_bad(b, field) : 0;
}

/* An amount that may be absent: 0, or 1 and the amount. */
static void b_opt_int(breader *b, bool *has, int64_t *v) {
    unsigned flag = b_byte(b);
    if (flag > 1)
        b->broken = true;
    *has = flag == 1;
    *v = *has ? b_int(b) : 0;
}

/* The key figures of a format 6 record (decision_write.c b_figures). */
static int b_figures(breader *b, elg_figures *f) {
    int rc;
    memset(f, 0, sizeof *f);
    if ((rc = b_ostr(b, &f->call_financer, true, "figures.call_financer")))
        return rc;
    f->eligible_cost = b_int(b);
    f->total_resources = b_int(b);
    f->balance = b_int(b);
    if (b->broken)
        return b_bad(b, "figures");
    if ((rc = b_cats(b, &f->by_category, &f->by_category_count, "figures.expenses_by_category")))
        return rc;
    f->financers_count = b_count(b);
    if (b->broken)
        return b_bad(b, "figures.financers");
    if (!(f->financers = elg_arena_array(b->r->a, f->financers_count, sizeof *f->financers)))
        return oom(b->r);
    for (size_t i = 0; i < f->financers_count; i++) {
        elg_financer_figures *x = &f->financers[i];
        if ((rc = b_ostr(b, &x->financer, false, "figures.financers")) ||
            (rc = b_ostr(b, &x->nature, false, "figures.financers")))
            return rc;
        unsigned pub = b_byte(b);
        if (pub > 1)
            return b_bad(b, "figures.financers");
        x->is_public = pub == 1;
        x->amount = b_int(b);
        x->requested = b_int(b);
        x->granted = b_int(b);
        if (b->broken)
            return b_bad(b, "figures.financers");
        if ((rc = b_cats(b, &x->earmarked, &x->earmarked_count, "figures.financers")))
            return rc;
        b_opt_int(b, &x->has_share, &x->share_bp);
        b_opt_int(b, &x->has_max_grantable, &x->max_grantable);
        if (b->broken)
            return b_bad(b, "figures.financers");
    }
    f->public_amount = b_int(b);
    b_opt_int(b, &f->has_public_share, &f->public_share_bp);
    b_opt_int(b, &f->has_requested, &f->requested);
    b_opt_int(b, &f->has_max_grantable, &f->max_grantable);
    if (b->broken)
        return b_bad(b, "figures");
    return b_ostr(b, &f->max_grantable_rule, true, "figures.max_grantable_rule");
}

static int read_binary(reader *r, const char *bytes, size_t len, const elg_decision_row *row,
                       elg_ruleset_fn find, void *find_ctx, elg_decision **out) {
    if (!row || !row->ruleset || !row->project || !row->project_sha256 || !row->outcome)
        return elg_error_set(r->err, ELG_ESTORE,
                             "decision: a record of format %lld is read with its stored row",
                             (long long)ELG_BREC_FORMAT);
    int rc = decision_of_ruleset(r, row->ruleset, find, find_ctx, out);
    if (rc)
        return rc;
    elg_decision *d = *out;
    const elg_ruleset *rs = d->ruleset;
    const unsigned char *u = (const unsigned char *)bytes;
    int format = elg_decision_binary_format(bytes, len);
    breader b = {r, u + sizeof ELG_BREC_MAGIC, u, u + len, false, format};
    size_t np = b_count(&b);
    if (b.broken)
        return b_bad(&b, "parameters");
    if (!(d->params = elg_arena_array(d->arena, np, sizeof *d->params)))
        return oom(r);
    for (size_t i = 0; i < np; i++) {
        uint64_t k = b_uint(&b);
        if (b.broken || k >= rs->params_count)
            return b_bad(&b, "a parameter that is not in its ruleset");
        d->params[d->params_count++] = &rs->params[k];
    }
    fact_table table = {0};
    if ((rc = b_facts(&b, format >= 6, &table)))
        return rc;
    d->rules_count = b_count(&b);
    if (b.broken)
        return b_bad(&b, "rules");
    if (!(d->rules = elg_arena_array(d->arena, d->rules_count, sizeof *d->rules)))
        return oom(r);
    for (size_t i = 0; i < d->rules_count; i++) {
        const elg_rule_decl *decl = i < rs->rules_count ? &rs->rules[i] : NULL;
        if ((rc = b_rule(&b, decl, &table, &d->rules[i])))
            return rc;
    }
    if (format >= 6 && (rc = b_figures(&b, &d->figures)))
        return rc;
    if (b.p != b.end)
        return b_bad(&b, "bytes after its last rule");
    return 0;
}

int elg_decision_binary_format(const void *bytes, size_t len) {
    const unsigned char *u = bytes;
    if (len < sizeof ELG_BREC_MAGIC || memcmp(bytes, ELG_BREC_MAGIC, sizeof ELG_BREC_MAGIC - 1))
        return 0;
    int format = u[sizeof ELG_BREC_MAGIC - 1];
    return format >= ELG_BREC_FORMAT_OLDEST && format <= ELG_BREC_FORMAT ? format : 0;
}

bool elg_decision_is_binary(const void *bytes, size_t len) {
    return elg_decision_binary_format(bytes, len) != 0;
}

/* A binary record with its row: the rest is elg_decision_read's. */
static int read_binary_decision(const char *bytes, size_t len, const elg_decision_row *row,
                                elg_ruleset_fn find, void *find_ctx, elg_decision **out,
                                elg_error *err) {
    reader r = {NULL, err, "decision"};
    elg_decision *d = NULL;
    const char *outcome = NULL;
    int format = elg_decision_binary_format(bytes, len);
    int rc = read_binary(&r, bytes, len, row, find, find_ctx, &d);
    /* A record of format 6 has its figures; one of format 5 its row's. */
    if (rc == 0 && (rc = read_identity(&r, NULL, row, true, &outcome, d)) == 0 &&
        (format >= 6 || (rc = read_figures_of(&r, NULL, row->figures, &d->figures)) == 0) &&
        !elg_outcome_parse(outcome, &d->outcome))
        rc = elg_error_set(err, ELG_ESTORE, "decision: unknown outcome \"%s\"", outcome);
    if (rc == 0) {
        d->stored_format = format;
        d->id = row->id;
        if (row->created_at && !(d->created_at = elg_arena_strdup(d->arena, row->created_at)))
            rc = oom(&r);
    }
    if (rc) {
        elg_decision_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

int elg_decision_read(const char *json, size_t len, const elg_decision_row *row,
                      elg_ruleset_fn find, void *find_ctx, elg_decision **out, elg_error *err) {
    *out = NULL;
    if (elg_decision_is_binary(json, len))
        return read_binary_decision(json, len, row, find, find_ctx, out, err);
    json_error_t jerr;
    json_t *j = json_loadb(json, len, 0, &jerr);
    if (!json_is_object(j)) {
        json_decref(j);
        return elg_error_set(err, ELG_ESTORE, "stored decision is not a JSON object: %s",
                             jerr.text);
    }
    reader r = {NULL, err, "decision"};
    elg_decision *d = NULL;
    json_int_t format = json_integer_value(json_object_get(j, "format"));
    bool from_row = format >= 4;
    int rc;
    if (from_row &&
        (!row || !row->ruleset || !row->project || !row->project_sha256 || !row->outcome))
        rc = elg_error_set(err, ELG_ESTORE,
                           "decision: a record of format %lld is read with its stored row",
                           (long long)format);
    else if (format == ELG_DECISION_FORMAT)
        rc = read_full(&r, j, &d);
    else if (format == ELG_DECISION_RECORD_FORMAT)
        rc = read_record(&r, j, row->ruleset, find, find_ctx, &d);
    else if (format == 2 || format == 3)
        rc = read_record(&r, j, json_string_value(json_object_get(j, "ruleset")), find, find_ctx,
                         &d);
    else
        rc = elg_error_set(err, ELG_ESTORE, "decision: unknown format %lld", (long long)format);
    const char *outcome = NULL;
    if (rc == 0 && ((rc = read_identity(&r, j, row, from_row, &outcome, d)) ||
                    (rc = read_figures_of(&r, j, row ? row->figures : NULL, &d->figures))))
        goto out;
    if (rc)
        goto out;
    if (!elg_outcome_parse(outcome, &d->outcome)) {
        rc = elg_error_set(err, ELG_ESTORE, "decision: unknown outcome \"%s\"", outcome);
        goto out;
    }
    d->stored_format = (int)format;
    d->id = row ? row->id : 0;
    if (d->id == 0)
        d->id = json_integer_value(json_object_get(j, "decision_id"));
    const char *created_at = row ? row->created_at : NULL;
    if ((rc = created_at ? (d->created_at = elg_arena_strdup(d->arena, created_at)) ? 0 : oom(&r)
                         : get_str(&r, j, "created_at", true, &d->created_at)))
        goto out;
out:
    json_decref(j);
    if (rc) {
        elg_decision_free(d);
        return rc;
    }
    *out = d;
    return 0;
}
