/*
 * diff: decisions compared as data (see diff.h).
 *
 * The report is defined by the decision document (docs/trace.md): a path
 * names a leaf as the document shows it, and two values differ when the
 * document would show them differently. The comparison itself reads the
 * typed decision, never JSON: each part (key figures, parameters, rule
 * files, financer versions, a rule's figures, its facts) is flattened into
 * a list of leaves, path -> value, and one comparison (compare_flat) serves
 * them all. Only the differences become JSON, in the report.
 *
 * What "as the document shows it" means, so the report stays the one it
 * always was:
 *   - paths: "a.b" for a member, "a[x]" for an element of a list, x being
 *     the element's financer, id, name or path when that member (text)
 *     names every element uniquely, else its index; a part that is itself
 *     a leaf is at "(value)". Empty maps and lists are leaves;
 *   - two leaves at one path (a map key "a.b" beside a map a holding b):
 *     the later value at the earlier place, as a JSON object keeps them;
 *   - text that is not valid UTF-8 (a rule can build any bytes) shows as
 *     the writer's notice, so a decision freshly evaluated and the same one
 *     read back from the store show the same text (decision_write.c).
 */
#include "diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What decision_write.c writes for text that is not valid UTF-8. */
#define INVALID_UTF8 "(text that is not valid UTF-8)"

/* ---- text as the document shows it ------------------------------------- */

/* Strict UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF):
 * what a JSON reader accepts back. */
static bool valid_utf8(const char *s, size_t len) {
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned c = *p++;
        if (c < 0x80)
            continue;
        size_t more;
        unsigned lo = 0x80, hi = 0xBF; /* the range of the byte after c */
        if (c >= 0xC2 && c <= 0xDF) {
            more = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            more = 2;
            lo = c == 0xE0 ? 0xA0 : lo;
            hi = c == 0xED ? 0x9F : hi;
        } else if (c >= 0xF0 && c <= 0xF4) {
            more = 3;
            lo = c == 0xF0 ? 0x90 : lo;
            hi = c == 0xF4 ? 0x8F : hi;
        } else {
            return false;
        }
        if ((size_t)(end - p) < more || p[0] < lo || p[0] > hi)
            return false;
        for (size_t i = 1; i < more; i++)
            if ((p[i] & 0xC0) != 0x80)
                return false;
        p += more;
    }
    return true;
}

typedef struct text {
    const char *s;
    size_t len;
} text;

static text shown(const char *s, size_t len) {
    if (valid_utf8(s, len))
        return (text){s, len};
    return (text){INVALID_UTF8, sizeof INVALID_UTF8 - 1};
}

/* A NUL-terminated text as shown (NULL stays NULL). */
static const char *shown_name(const char *s) {
    return s ? shown(s, strlen(s)).s : NULL;
}

static bool same_text(const char *a, size_t alen, const char *b, size_t blen) {
    if (alen == blen && memcmp(a, b, alen) == 0)
        return true;
    text x = shown(a, alen), y = shown(b, blen);
    return x.len == y.len && memcmp(x.s, y.s, x.len) == 0;
}

/* Rule ids, as find_rule matches them. */
static bool same_name(const char *a, const char *b) {
    return same_text(a, strlen(a), b, strlen(b));
}

/* ---- values -------------------------------------------------------------- */

/* A NUL-terminated text as a value (NULL: null). */
static elg_value text_value(const char *s) {
    if (!s)
        return (elg_value){.type = ELG_VALUE_NULL};
    return (elg_value){.type = ELG_VALUE_STRING, .u.str = {s, strlen(s)}};
}

static elg_value int_value(int64_t v) {
    return (elg_value){.type = ELG_VALUE_INT, .u.integer = v};
}

/* Like elg_value_equal, but text compares as shown. */
static bool same_value(const elg_value *a, const elg_value *b) {
    if (a->type != b->type)
        return false;
    switch (a->type) {
    case ELG_VALUE_NULL:
        return true;
    case ELG_VALUE_BOOL:
        return a->u.boolean == b->u.boolean;
    case ELG_VALUE_INT:
        return a->u.integer == b->u.integer;
    case ELG_VALUE_STRING:
        return same_text(a->u.str.text, a->u.str.len, b->u.str.text, b->u.str.len);
    case ELG_VALUE_LIST:
        if (a->u.list.count != b->u.list.count)
            return false;
        for (size_t i = 0; i < a->u.list.count; i++)
            if (!same_value(&a->u.list.items[i], &b->u.list.items[i]))
                return false;
        return true;
    case ELG_VALUE_MAP:
        if (a->u.map.count != b->u.map.count)
            return false;
        for (size_t i = 0; i < a->u.map.count; i++)
            if (strcmp(a->u.map.pairs[i].key, b->u.map.pairs[i].key) != 0 ||
                !same_value(&a->u.map.pairs[i].value, &b->u.map.pairs[i].value))
                return false;
        return true;
    }
    return false;
}

static json_t *text_json(const char *s) {
    if (!s)
        return json_null();
    text t = shown(s, strlen(s));
    return json_stringn(t.s, t.len);
}

/* v as JSON for the report (new reference, NULL when out of memory). */
static json_t *value_json(const elg_value *v) {
    json_t *j = NULL;
    switch (v->type) {
    case ELG_VALUE_NULL:
        return json_null();
    case ELG_VALUE_BOOL:
        return json_boolean(v->u.boolean);
    case ELG_VALUE_INT:
        return json_integer((json_int_t)v->u.integer);
    case ELG_VALUE_STRING: {
        text t = shown(v->u.str.text, v->u.str.len);
        return json_stringn(t.s, t.len);
    }
    case ELG_VALUE_LIST:
        j = json_array();
        for (size_t i = 0; j && i < v->u.list.count; i++) {
            if (json_array_append_new(j, value_json(&v->u.list.items[i]))) {
                json_decref(j);
                j = NULL;
            }
        }
        return j;
    case ELG_VALUE_MAP:
        j = json_object();
        for (size_t i = 0; j && i < v->u.map.count; i++) {
            const elg_value_pair *p = &v->u.map.pairs[i];
            if (json_object_set_new(j, p->key, value_json(&p->value))) {
                json_decref(j);
                j = NULL;
            }
        }
        return j;
    }
    return NULL;
}

/* ---- flattening ---------------------------------------------------------- */

typedef struct leaf {
    char *path;
    elg_value value; /* a scalar, an empty list or an empty map; text borrowed */
    bool hidden;     /* a later leaf has the same path: its value is shown here */
} leaf;

typedef struct flat {
    leaf *leaves; /* in document order */
    size_t count, cap;
    leaf **by_path; /* the visible leaves sorted by path (flat_index) */
    size_t visible;
    char *path; /* the path being walked, "" at the top */
    size_t len, path_cap;
    bool oom; /* set once, then every step does nothing */
} flat;

static void flat_release(flat *f) {
    for (size_t i = 0; i < f->count; i++)
        free(f->leaves[i].path);
    free(f->leaves);
    free(f->by_path);
    free(f->path);
}

/* Enters member or element key of the current path: "key" at the top,
 * "path.key" (member) or "path[key]" (element) below. Returns what to
 * give path_pop to come back. */
static size_t path_push(flat *f, const char *key, bool element) {
    size_t was = f->len, klen = strlen(key);
    if (f->oom)
        return was;
    if (was + klen + 3 > f->path_cap) {
        size_t cap = f->path_cap ? f->path_cap : 64;
        while (cap < was + klen + 3)
            cap *= 2;
        char *p = realloc(f->path, cap);
        if (!p) {
            f->oom = true;
            return was;
        }
        f->path = p;
        f->path_cap = cap;
    }
    if (was > 0)
        f->path[f->len++] = element ? '[' : '.';
    memcpy(f->path + f->len, key, klen);
    f->len += klen;
    if (was > 0 && element)
        f->path[f->len++] = ']';
    f->path[f->len] = '\0';
    return was;
}

static void path_pop(flat *f, size_t was) {
    f->len = was;
    if (f->path)
        f->path[was] = '\0';
}

/* Enters element i of a list, named when name is not NULL, else by index. */
static size_t path_element(flat *f, const char *name, size_t i) {
    char index[32];
    if (!name) {
        snprintf(index, sizeof index, "%zu", i);
        name = index;
    }
    return path_push(f, name, true);
}

static void add_leaf(flat *f, elg_value v) {
    if (f->oom)
        return;
    if (f->count == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 32;
        leaf *n = realloc(f->leaves, cap * sizeof *n);
        if (!n) {
            f->oom = true;
            return;
        }
        f->leaves = n;
        f->cap = cap;
    }
    char *path = strdup(f->len ? f->path : "(value)");
    if (!path) {
        f->oom = true;
        return;
    }
    f->leaves[f->count++] = (leaf){.path = path, .value = v};
}

/* A leaf under member key of the current path. */
static void add_member(flat *f, const char *key, elg_value v) {
    size_t was = path_push(f, key, false);
    add_leaf(f, v);
    path_pop(f, was);
}

static void add_text(flat *f, const char *key, const char *s) {
    add_member(f, key, text_value(s));
}

static void add_int(flat *f, const char *key, int64_t v) {
    add_member(f, key, int_value(v));
}

/* An integer or null (the document writes null when has is false). */
static void add_opt_int(flat *f, const char *key, bool has, int64_t v) {
    add_member(f, key, has ? int_value(v) : (elg_value){.type = ELG_VALUE_NULL});
}

static int cmp_names(const void *x, const void *y) {
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Whether names (one per element, NULL where an element has none) name
 * every element, each a different one. */
static bool names_unique(flat *f, const char **names, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!names[i])
            return false;
    /* Few elements in practice, but a fact can be a whole list: sort a copy
     * rather than compare every pair. */
    const char **sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted) {
        f->oom = true;
        return false;
    }
    memcpy(sorted, names, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_names);
    bool unique = true;
    for (size_t i = 1; unique && i < n; i++)
        unique = strcmp(sorted[i - 1], sorted[i]) != 0;
    free(sorted);
    return unique;
}

static void add_value(flat *f, const elg_value *v);

/* Members that name the elements of a list of maps, in preference order. */
static const char *const element_keys[] = {"financer", "id", "name", "path"};

static void add_list(flat *f, const elg_value *v) {
    size_t n = v->u.list.count;
    const char **names = calloc(n, sizeof *names);
    bool named = false;
    if (!names) {
        f->oom = true;
        return;
    }
    for (size_t k = 0; !named && k < sizeof element_keys / sizeof element_keys[0]; k++) {
        for (size_t i = 0; i < n; i++) {
            const elg_value *m = elg_value_get(&v->u.list.items[i], element_keys[k]);
            names[i] =
                m && m->type == ELG_VALUE_STRING ? shown(m->u.str.text, m->u.str.len).s : NULL;
        }
        named = names_unique(f, names, n);
    }
    for (size_t i = 0; i < n; i++) {
        size_t was = path_element(f, named ? names[i] : NULL, i);
        add_value(f, &v->u.list.items[i]);
        path_pop(f, was);
    }
    free(names);
}

/* Every leaf of v under the current path. */
static void add_value(flat *f, const elg_value *v) {
    if (f->oom)
        return;
    if (v->type == ELG_VALUE_MAP && v->u.map.count > 0) {
        for (size_t i = 0; i < v->u.map.count; i++) {
            size_t was = path_push(f, v->u.map.pairs[i].key, false);
            add_value(f, &v->u.map.pairs[i].value);
            path_pop(f, was);
        }
    } else if (v->type == ELG_VALUE_LIST && v->u.list.count > 0) {
        add_list(f, v);
    } else {
        add_leaf(f, *v);
    }
}

/* ---- the parts of a decision, flattened ---------------------------------- */

static void add_cats(flat *f, const char *key, const elg_cat_amount *c, size_t n) {
    size_t was = path_push(f, key, false);
    if (n == 0)
        add_leaf(f, (elg_value){.type = ELG_VALUE_MAP});
    for (size_t i = 0; i < n; i++)
        add_int(f, c[i].category, c[i].amount);
    path_pop(f, was);
}

static void add_financer_figures(flat *f, const elg_financer_figures *x) {
    add_text(f, "financer", x->financer);
    add_text(f, "nature", x->nature);
    add_member(f, "public", (elg_value){.type = ELG_VALUE_BOOL, .u.boolean = x->is_public});
    add_int(f, "amount", x->amount);
    add_int(f, "requested", x->requested);
    add_int(f, "granted", x->granted);
    add_cats(f, "earmarked", x->earmarked, x->earmarked_count);
    add_opt_int(f, "share_bp", x->has_share, x->share_bp);
    add_opt_int(f, "max_grantable", x->has_max_grantable, x->max_grantable);
}

/* The financers of the key figures, named by their financer. */
static void add_financers(flat *f, const elg_figures *fig) {
    size_t n = fig->financers_count;
    const char **names = calloc(n ? n : 1, sizeof *names);
    if (!names) {
        f->oom = true;
        return;
    }
    for (size_t i = 0; i < n; i++)
        names[i] = shown_name(fig->financers[i].financer);
    bool named = names_unique(f, names, n);
    if (n == 0)
        add_leaf(f, (elg_value){.type = ELG_VALUE_LIST});
    for (size_t i = 0; i < n; i++) {
        size_t was = path_element(f, named ? names[i] : NULL, i);
        add_financer_figures(f, &fig->financers[i]);
        path_pop(f, was);
    }
    free(names);
}

/* The key figures, members in the document's order. */
static void add_figures(flat *f, const elg_figures *fig) {
    add_text(f, "call_financer", fig->call_financer);
    add_int(f, "eligible_cost", fig->eligible_cost);
    add_int(f, "total_resources", fig->total_resources);
    add_int(f, "balance", fig->balance);
    add_cats(f, "expenses_by_category", fig->by_category, fig->by_category_count);
    size_t was = path_push(f, "financers", false);
    add_financers(f, fig);
    path_pop(f, was);
    add_int(f, "public_amount", fig->public_amount);
    add_opt_int(f, "public_share_bp", fig->has_public_share, fig->public_share_bp);
    add_opt_int(f, "requested", fig->has_requested, fig->requested);
    add_opt_int(f, "max_grantable", fig->has_max_grantable, fig->max_grantable);
    add_text(f, "max_grantable_rule", fig->max_grantable_rule);
}

/* The parameters the decision used, named by their name. */
static void add_params(flat *f, const elg_decision *d) {
    size_t n = d->params_count;
    const char **names = calloc(n ? n : 1, sizeof *names);
    if (!names) {
        f->oom = true;
        return;
    }
    for (size_t i = 0; i < n; i++)
        names[i] = shown_name(d->params[i]->name);
    bool named = names_unique(f, names, n);
    if (n == 0)
        add_leaf(f, (elg_value){.type = ELG_VALUE_LIST});
    for (size_t i = 0; i < n; i++) {
        const elg_param_value *p = d->params[i];
        size_t was = path_element(f, named ? names[i] : NULL, i);
        add_text(f, "name", p->name);
        add_text(f, "type", p->type);
        size_t in = path_push(f, "value", false);
        add_value(f, &p->value);
        path_pop(f, in);
        add_text(f, "edition", p->edition);
        path_pop(f, was);
    }
    free(names);
}

/* path -> sha256, so a rule file is compared by path wherever it loaded. */
static void add_rule_files(flat *f, const elg_ruleset *rs) {
    size_t n = 0;
    for (size_t i = 0; i < rs->rule_files_count; i++) {
        if (!rs->rule_files[i].path)
            continue;
        add_text(f, shown_name(rs->rule_files[i].path), rs->rule_files[i].sha256);
        n++;
    }
    if (n == 0)
        add_leaf(f, (elg_value){.type = ELG_VALUE_MAP});
}

static void add_financer_versions(flat *f, const elg_ruleset *rs) {
    size_t n = rs->financers_count;
    const char **names = calloc(n ? n : 1, sizeof *names);
    if (!names) {
        f->oom = true;
        return;
    }
    for (size_t i = 0; i < n; i++)
        names[i] = shown_name(rs->financers[i].financer);
    bool named = names_unique(f, names, n);
    if (n == 0)
        add_leaf(f, (elg_value){.type = ELG_VALUE_LIST});
    for (size_t i = 0; i < n; i++) {
        size_t was = path_element(f, named ? names[i] : NULL, i);
        add_text(f, "financer", rs->financers[i].financer);
        add_int(f, "version", rs->financers[i].version);
        add_text(f, "sha256", rs->financers[i].sha256);
        path_pop(f, was);
    }
    free(names);
}

/* A rule's figures: a map (the document writes {} for anything else). */
static void add_rule_figures(flat *f, const elg_rule_result *r) {
    if (r->figures.type == ELG_VALUE_MAP)
        add_value(f, &r->figures);
    else
        add_leaf(f, (elg_value){.type = ELG_VALUE_MAP});
}

/* A rule's facts, path read -> value. */
static void add_facts(flat *f, const elg_rule_result *r) {
    if (r->facts_count == 0)
        add_leaf(f, (elg_value){.type = ELG_VALUE_MAP});
    for (size_t i = 0; i < r->facts_count; i++) {
        size_t was = path_push(f, r->facts[i].path, false);
        add_value(f, &r->facts[i].value);
        path_pop(f, was);
    }
}

/* ---- comparing flattened parts ------------------------------------------- */

/* By path, then document order: the first of equal paths comes first. */
static int cmp_leaves(const void *x, const void *y) {
    const leaf *a = *(leaf *const *)x, *b = *(leaf *const *)y;
    int c = strcmp(a->path, b->path);
    return c ? c : (a < b ? -1 : a > b);
}

/* Sorts the leaves by path; of leaves with one path, the first stays visible
 * with the last one's value. Returns -1 when out of memory. */
static int flat_index(flat *f) {
    if (f->oom)
        return -1;
    f->by_path = malloc((f->count ? f->count : 1) * sizeof *f->by_path);
    if (!f->by_path)
        return -1;
    for (size_t i = 0; i < f->count; i++)
        f->by_path[i] = &f->leaves[i];
    qsort(f->by_path, f->count, sizeof *f->by_path, cmp_leaves);
    size_t i = 0;
    while (i < f->count) {
        size_t j = i + 1;
        while (j < f->count && strcmp(f->by_path[j]->path, f->by_path[i]->path) == 0)
            f->by_path[j++]->hidden = true;
        leaf *first = f->by_path[i];
        first->value = f->by_path[j - 1]->value;
        f->by_path[f->visible++] = first;
        i = j;
    }
    return 0;
}

static int cmp_path_leaf(const void *key, const void *x) {
    return strcmp(key, (*(leaf *const *)x)->path);
}

static const leaf *flat_find(const flat *f, const char *path) {
    leaf *const *l = bsearch(path, f->by_path, f->visible, sizeof *f->by_path, cmp_path_leaf);
    return l ? *l : NULL;
}

/* Appends {path, change, old, new} to list; old or new NULL: left out. */
static int append_change(json_t *list, const char *path, const char *what, const elg_value *was,
                         const elg_value *now) {
    json_t *c = json_pack("{ssss}", "path", path, "change", what);
    if (!c)
        return -1;
    if ((was && json_object_set_new(c, "old", value_json(was))) ||
        (now && json_object_set_new(c, "new", value_json(now)))) {
        json_decref(c);
        return -1;
    }
    return json_array_append_new(list, c);
}

/* Appends to list what changed from fa to fb: in fa's order the leaves
 * removed or changed, then in fb's order those added. Releases both.
 * Returns -1 when out of memory. */
static int compare_flat(flat *fa, flat *fb, json_t *list) {
    int rc = flat_index(fa) || flat_index(fb) ? -1 : 0;
    for (size_t i = 0; rc == 0 && i < fa->count; i++) {
        const leaf *a = &fa->leaves[i];
        if (a->hidden)
            continue;
        const leaf *b = flat_find(fb, a->path);
        if (!b)
            rc = append_change(list, a->path, "removed", &a->value, NULL);
        else if (!same_value(&a->value, &b->value))
            rc = append_change(list, a->path, "changed", &a->value, &b->value);
    }
    for (size_t i = 0; rc == 0 && i < fb->count; i++) {
        const leaf *b = &fb->leaves[i];
        if (!b->hidden && !flat_find(fa, b->path))
            rc = append_change(list, b->path, "added", NULL, &b->value);
    }
    flat_release(fa);
    flat_release(fb);
    return rc;
}

/* ---- fields compared whole ------------------------------------------------ */

/* A field as the document shows it: absent, a value, or a list of texts. */
typedef struct field {
    bool present;
    elg_value value;
    bool is_texts; /* then texts, count instead of value */
    const char *const *texts;
    size_t count;
} field;

static field value_field(elg_value v) {
    return (field){.present = true, .value = v};
}

static field texts_field(const char *const *texts, size_t count) {
    return (field){.present = true, .is_texts = true, .texts = texts, .count = count};
}

static bool same_field(const field *a, const field *b) {
    if (a->is_texts != b->is_texts)
        return false;
    if (!a->is_texts)
        return same_value(&a->value, &b->value);
    if (a->count != b->count)
        return false;
    for (size_t i = 0; i < a->count; i++) {
        elg_value x = text_value(a->texts[i]), y = text_value(b->texts[i]);
        if (!same_value(&x, &y))
            return false;
    }
    return true;
}

/* f as JSON (null when absent); new reference, NULL when out of memory. */
static json_t *field_json(const field *f) {
    if (!f->present)
        return json_null();
    if (!f->is_texts)
        return value_json(&f->value);
    json_t *j = json_array();
    for (size_t i = 0; j && i < f->count; i++) {
        if (json_array_append_new(j, text_json(f->texts[i]))) {
            json_decref(j);
            j = NULL;
        }
    }
    return j;
}

/* Appends {field, old, new} to list when a and b differ; a field absent on
 * one side shows as null there. */
static int compare_field(const char *name, const field *a, const field *b, json_t *list) {
    if (!a->present && !b->present)
        return 0;
    if (a->present && b->present && same_field(a, b))
        return 0;
    json_t *ja = field_json(a), *jb = field_json(b);
    json_t *c = ja && jb ? json_pack("{sssOsO}", "field", name, "old", ja, "new", jb) : NULL;
    json_decref(ja);
    json_decref(jb);
    return c ? json_array_append_new(list, c) : -1;
}

/* Top-level fields compared as values, in the report's order. format is
 * not among them: both sides are compared as the full document (format 1),
 * whatever they were read from. The others are compared below with their
 * own structure, or never (decision_id, created_at). */
enum decision_field {
    DF_PROJECT,
    DF_PROJECT_VERSION,
    DF_PROJECT_SHA256,
    DF_CALL,
    DF_CALL_VERSION,
    DF_CALL_SHA256,
    DF_CALL_TITLE,
    DF_EDITION,
    DF_RULESET_SHA256,
    DF_ENGINE_VERSION,
    DF_BASIS,
    DF_LIMITS,
    DF__COUNT
};

static const char *const decision_field_names[DF__COUNT] = {
    [DF_PROJECT] = "project",
    [DF_PROJECT_VERSION] = "project_version",
    [DF_PROJECT_SHA256] = "project_sha256",
    [DF_CALL] = "call",
    [DF_CALL_VERSION] = "call_version",
    [DF_CALL_SHA256] = "call_sha256",
    [DF_CALL_TITLE] = "call_title",
    [DF_EDITION] = "edition",
    [DF_RULESET_SHA256] = "ruleset_sha256",
    [DF_ENGINE_VERSION] = "engine_version",
    [DF_BASIS] = "basis",
    [DF_LIMITS] = "limits",
};

/* d's top-level fields; edition and limits are maps whose members live in
 * pairs (edition: 0-1, limits: from 2). Limits the decision did not record
 * (time_ms, output: 0) are not shown, as the document leaves them out. */
static void decision_fields(const elg_decision *d, field f[DF__COUNT], elg_value_pair pairs[6]) {
    const elg_ruleset *rs = d->ruleset;
    f[DF_PROJECT] = value_field(text_value(d->project));
    f[DF_PROJECT_VERSION] = value_field(int_value(d->project_version));
    f[DF_PROJECT_SHA256] = value_field(text_value(d->project_sha256));
    f[DF_CALL] = value_field(text_value(rs->call));
    f[DF_CALL_VERSION] = value_field(int_value(rs->call_version));
    f[DF_CALL_SHA256] = value_field(text_value(rs->call_sha256));
    f[DF_CALL_TITLE] = value_field(text_value(rs->call_title));
    pairs[0] = (elg_value_pair){"name", text_value(rs->edition_name)};
    pairs[1] = (elg_value_pair){"from", text_value(rs->edition_from)};
    f[DF_EDITION] =
        value_field(rs->edition_name ? (elg_value){.type = ELG_VALUE_MAP, .u.map = {pairs, 2}}
                                     : (elg_value){.type = ELG_VALUE_NULL});
    f[DF_RULESET_SHA256] = value_field(text_value(rs->rule_files_sha256));
    f[DF_ENGINE_VERSION] = value_field(text_value(rs->engine_version));
    f[DF_BASIS] = value_field(text_value(rs->basis));
    size_t n = 2;
    pairs[n++] = (elg_value_pair){"instructions", int_value((int64_t)rs->limit_instructions)};
    pairs[n++] = (elg_value_pair){"memory", int_value((int64_t)rs->limit_memory)};
    if (rs->limit_time_ms)
        pairs[n++] = (elg_value_pair){"time_ms", int_value((int64_t)rs->limit_time_ms)};
    if (rs->limit_output)
        pairs[n++] = (elg_value_pair){"output", int_value((int64_t)rs->limit_output)};
    f[DF_LIMITS] = value_field((elg_value){.type = ELG_VALUE_MAP, .u.map = {pairs + 2, n - 2}});
}

/* Per-rule fields compared as values (not figures, facts: key by key; not
 * duration_us: a timing; not kind: the document does not show it). */
enum rule_field {
    RF_TITLE,
    RF_STATUS,
    RF_MESSAGE,
    RF_BASIS,
    RF_SOURCE,
    RF_NOTICES,
    RF_MISSING,
    RF_ERROR_AT,
    RF_TRACEBACK,
    RF__COUNT
};

static const char *const rule_field_names[RF__COUNT] = {
    [RF_TITLE] = "title",     [RF_STATUS] = "status",     [RF_MESSAGE] = "message",
    [RF_BASIS] = "basis",     [RF_SOURCE] = "source",     [RF_NOTICES] = "notices",
    [RF_MISSING] = "missing", [RF_ERROR_AT] = "error_at", [RF_TRACEBACK] = "traceback",
};

static void rule_fields(const elg_rule_result *r, field f[RF__COUNT]) {
    bool error = r->status == ELG_RULE_ERROR;
    f[RF_TITLE] = value_field(text_value(r->title));
    f[RF_STATUS] = value_field(text_value(elg_rule_status_name(r->status)));
    f[RF_MESSAGE] = value_field(text_value(r->message));
    f[RF_BASIS] = value_field(text_value(r->basis));
    f[RF_SOURCE] = value_field(text_value(r->source));
    f[RF_NOTICES] = texts_field(r->notices, r->notices_count);
    f[RF_MISSING] = texts_field(r->missing, r->missing_count);
    /* Only errors carry where they were raised, and a traceback if any. */
    f[RF_ERROR_AT] = error ? value_field(text_value(r->error_at ? r->error_at : "")) : (field){0};
    f[RF_TRACEBACK] = error && r->traceback ? value_field(text_value(r->traceback)) : (field){0};
}

/* ---- rules ------------------------------------------------------------------- */

/* The first rule of d with this id. */
static const elg_rule_result *find_rule(const elg_decision *d, const char *id) {
    for (size_t i = 0; i < d->rules_count; i++)
        if (d->rules[i].id && same_name(d->rules[i].id, id))
            return &d->rules[i];
    return NULL;
}

/* {id, change, status, message} of a rule found on one side only. */
static int append_one_sided(json_t *list, const elg_rule_result *r, const char *what) {
    json_t *id = text_json(r->id), *message = text_json(r->message);
    json_t *c = id && message ? json_pack("{sOsssssO}", "id", id, "change", what, "status",
                                          elg_rule_status_name(r->status), "message", message)
                              : NULL;
    json_decref(id);
    json_decref(message);
    return c ? json_array_append_new(list, c) : -1;
}

/* Compares rule ra (of a) with rb (of b) into out.rules or out.rules_unchanged. */
static int compare_rule(const elg_rule_result *ra, const elg_rule_result *rb, json_t *out) {
    json_t *fields = json_array(), *figures = json_array(), *facts = json_array();
    json_t *id = text_json(rb->id);
    int rc = fields && figures && facts && id ? 0 : -1;
    field fa[RF__COUNT], fb[RF__COUNT];
    rule_fields(ra, fa);
    rule_fields(rb, fb);
    for (size_t i = 0; rc == 0 && i < RF__COUNT; i++)
        rc = compare_field(rule_field_names[i], &fa[i], &fb[i], fields);
    if (rc == 0) {
        flat a = {0}, b = {0};
        add_rule_figures(&a, ra);
        add_rule_figures(&b, rb);
        rc = compare_flat(&a, &b, figures);
    }
    if (rc == 0) {
        flat a = {0}, b = {0};
        add_facts(&a, ra);
        add_facts(&b, rb);
        rc = compare_flat(&a, &b, facts);
    }
    if (rc == 0 &&
        json_array_size(fields) + json_array_size(figures) + json_array_size(facts) == 0) {
        rc = json_array_append(json_object_get(out, "rules_unchanged"), id);
    } else if (rc == 0) {
        json_t *c = json_pack("{sOsssOsOsO}", "id", id, "change", "changed", "fields", fields,
                              "figures", figures, "facts", facts);
        rc = c ? json_array_append_new(json_object_get(out, "rules"), c) : -1;
    }
    json_decref(id);
    json_decref(fields);
    json_decref(figures);
    json_decref(facts);
    return rc;
}

/* Rules matched by id: b's in its order, then those only a has. */
static int compare_rules(const elg_decision *a, const elg_decision *b, json_t *out) {
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < b->rules_count; i++) {
        const elg_rule_result *rb = &b->rules[i];
        if (!rb->id)
            continue;
        const elg_rule_result *ra = find_rule(a, rb->id);
        rc = ra ? compare_rule(ra, rb, out)
                : append_one_sided(json_object_get(out, "rules"), rb, "added");
    }
    for (size_t i = 0; rc == 0 && i < a->rules_count; i++) {
        const elg_rule_result *ra = &a->rules[i];
        if (ra->id && !find_rule(b, ra->id))
            rc = append_one_sided(json_object_get(out, "rules"), ra, "removed");
    }
    return rc;
}

/* ---- the decision ------------------------------------------------------------ */

static int compare_decisions(const elg_decision *a, const elg_decision *b, json_t *out) {
    const char *oa = elg_outcome_name(a->outcome), *ob = elg_outcome_name(b->outcome);
    json_t *o = strcmp(oa, ob) == 0 ? json_null() : json_pack("{ssss}", "old", oa, "new", ob);
    int rc = json_object_set_new(out, "outcome", o);
    field fa[DF__COUNT], fb[DF__COUNT];
    elg_value_pair pa[6], pb[6];
    decision_fields(a, fa, pa);
    decision_fields(b, fb, pb);
    for (size_t i = 0; rc == 0 && i < DF__COUNT; i++)
        rc = compare_field(decision_field_names[i], &fa[i], &fb[i],
                           json_object_get(out, "decision"));
    if (rc == 0) {
        flat x = {0}, y = {0};
        add_figures(&x, &a->figures);
        add_figures(&y, &b->figures);
        rc = compare_flat(&x, &y, json_object_get(out, "figures"));
    }
    if (rc == 0) {
        flat x = {0}, y = {0};
        add_params(&x, a);
        add_params(&y, b);
        rc = compare_flat(&x, &y, json_object_get(out, "parameters"));
    }
    if (rc == 0) {
        flat x = {0}, y = {0};
        add_rule_files(&x, a->ruleset);
        add_rule_files(&y, b->ruleset);
        rc = compare_flat(&x, &y, json_object_get(out, "rule_files"));
    }
    if (rc == 0) {
        flat x = {0}, y = {0};
        add_financer_versions(&x, a->ruleset);
        add_financer_versions(&y, b->ruleset);
        rc = compare_flat(&x, &y, json_object_get(out, "financer_versions"));
    }
    return rc == 0 ? compare_rules(a, b, out) : rc;
}

json_t *elg_diff_decisions(const elg_decision *a, const elg_decision *b, elg_error *err) {
    if (!a || !b || !a->ruleset || !b->ruleset) {
        elg_error_set(err, ELG_EUSAGE, "only decisions (with their ruleset) can be compared");
        return NULL;
    }
    json_t *out = json_pack("{s[]s[]s[]s[]s[]s[]s[]}", "decision", "figures", "parameters",
                            "rule_files", "financer_versions", "rules", "rules_unchanged");
    if (!out || compare_decisions(a, b, out)) {
        json_decref(out);
        elg_error_set(err, ELG_ENOMEM, "out of memory comparing decisions");
        return NULL;
    }
    return out;
}

int elg_diff_same(json_t *diff) {
    static const char *const lists[] = {"figures", "parameters", "rule_files", "financer_versions",
                                        "rules"};
    if (!json_is_null(json_object_get(diff, "outcome")))
        return 0;
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        if (json_array_size(json_object_get(diff, lists[i])) > 0)
            return 0;
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(diff, "decision"), i, d) {
        if (strcmp(json_string_value(json_object_get(d, "field")), "engine_version") != 0)
            return 0;
    }
    return 1;
}

size_t elg_diff_rules_changed(json_t *diff) {
    return json_array_size(json_object_get(diff, "rules"));
}
