/*
 * native: the library's common constructors in C (see native.h).
 *
 * Each evaluator below follows its constructor's Lua check in
 * rules/lib/constructors.lua and eligibility.lua line by line: the reads
 * happen in the same order, because the order in which the Lua view first
 * sees a field is the order of the rule's facts (a field the project does
 * not have is a fact with no value). Anything these functions do not
 * reproduce exactly returns ELG_NATIVE_FALLBACK before a result is made: in
 * particular a project that lacks a field the rule `requires`, whose
 * `missing` result Lua makes.
 */
#include "native.h"

#include <lauxlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "factpath.h"
#include "money.h"
#include "rules_internal.h"
#include "strhash.h"
#include "tr.h"

typedef enum op {
    OP_BALANCE = 1,
    OP_CEILING,
    OP_EARMARK,
    OP_RATE_CEILING,
    OP_APPLICANTS,
    OP_TERRITORY,
    OP_WINDOW,
} op;

typedef struct strlist {
    const char **items;
    size_t count;
    const char *path; /* "params.statuses" when read through a view, else NULL */
} strlist;

struct elg_native {
    op op;
    elg_fact *declared; /* facts read while the rule was declared */
    size_t declared_count;
    /* When every declared value is a scalar or a text: their paths and texts
     * laid out in one block, and their paths' hashes, so that a decision
     * takes them with one copy (they were a tenth of a rule's facts' cost,
     * each hashed, searched and copied anew). NULL: recorded one by one. */
    char *declared_block;
    size_t declared_block_len;
    uint32_t *declared_hash;
    const char *label;
    elg_category category; /* ceiling, earmark: 0 for a financer ceiling */
    strlist financers;     /* ceiling (one), earmark, rate_ceiling */
    bool has_financer;
    bool financer_is_list;
    bool exclusive;     /* earmark */
    bool public_;       /* rate_ceiling */
    elg_cents max;      /* ceiling */
    elg_rate rate;      /* rate_ceiling */
    char rate_text[64]; /* rate, as messages show it (elg_rate_format), once */
    strlist statuses;
    const char *approval;
    bool required;
    /* territory */
    bool of_project, of_applicant;
    size_t communes_count;
    const char **names;  /* normalised names of the listed communes */
    const char **listed; /* and as the call writes them */
    size_t names_count;
    const char **codes; /* INSEE codes listed */
    size_t codes_count;
    /* window */
    const char *from, *to;
    /* The rule's `requires` patterns (prelude.lua), each one C can check. */
    strlist requires;
};

elg_native_mode elg_native_mode_get(void) {
    const char *v = getenv("ELIGO_NATIVE");
    if (!v || !*v)
        return ELG_NATIVE_ON;
    if (strcmp(v, "0") == 0 || strcmp(v, "off") == 0)
        return ELG_NATIVE_OFF;
    if (strcmp(v, "check") == 0)
        return ELG_NATIVE_CHECK;
    return ELG_NATIVE_ON;
}

/* ---- compiling a descriptor ---------------------------------------------- */

static const char *field_text(lua_State *L, int t, const char *k, elg_arena *a, bool *bad) {
    lua_getfield(L, t, k);
    const char *s = NULL;
    if (lua_type(L, -1) == LUA_TSTRING) {
        size_t len;
        const char *v = lua_tolstring(L, -1, &len);
        if (!(s = elg_arena_strndup(a, v, len)))
            luaL_error(L, elg_tr("out of memory"));
    } else if (!lua_isnil(L, -1)) {
        *bad = true;
    }
    lua_pop(L, 1);
    return s;
}

static bool field_bool(lua_State *L, int t, const char *k) {
    lua_getfield(L, t, k);
    bool b = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return b;
}

/* A list of texts at t[k] (a text alone is a list of one). */
static void field_list(lua_State *L, int t, const char *k, elg_arena *a, strlist *out, bool *bad) {
    char pk[64];
    snprintf(pk, sizeof pk, "%s_path", k);
    out->path = field_text(L, t, pk, a, bad);
    lua_getfield(L, t, k);
    if (lua_type(L, -1) == LUA_TSTRING) {
        out->items = elg_arena_array(a, 1, sizeof *out->items);
        if (!out->items)
            luaL_error(L, elg_tr("out of memory"));
        out->items[0] = elg_arena_strdup(a, lua_tostring(L, -1));
        out->count = 1;
    } else if (lua_type(L, -1) == LUA_TTABLE) {
        size_t n = lua_rawlen(L, -1);
        out->items = elg_arena_array(a, n ? n : 1, sizeof *out->items);
        if (!out->items)
            luaL_error(L, elg_tr("out of memory"));
        for (size_t i = 0; i < n; i++) {
            if (lua_rawgeti(L, -1, (lua_Integer)i + 1) != LUA_TSTRING)
                *bad = true;
            else if (!(out->items[i] = elg_arena_strdup(a, lua_tostring(L, -1))))
                luaL_error(L, elg_tr("out of memory"));
            lua_pop(L, 1);
        }
        out->count = n;
    } else if (!lua_isnil(L, -1)) {
        *bad = true;
    }
    lua_pop(L, 1);
}

static size_t normalise(const char *name, char *out, size_t size);
static bool insee_of(const char *text, char code[6]);

/* ---- required fields ------------------------------------------------------
 * The `requires` patterns C checks, as prelude.lua reads them: a field of
 * the project, or "applicants[].f|g" for every applicant (f or g). A field
 * is absent when it is NULL or an empty list. */

static const char *const APPLICANT_FIELDS[] = {"name",    "status", "siret", "rna",
                                               "commune", "insee",  NULL};

static bool word_in(const char *w, size_t n, const char *const *set) {
    for (; *set; set++)
        if (strlen(*set) == n && strncmp(*set, w, n) == 0)
            return true;
    return false;
}

/* Calls fn for each alternative of "f|g" (true: stop). */
static bool each_alt(const char *alts, bool (*fn)(const char *, size_t, const void *),
                     const void *ctx) {
    for (const char *s = alts;;) {
        const char *bar = strchr(s, '|');
        size_t n = bar ? (size_t)(bar - s) : strlen(s);
        if (fn(s, n, ctx))
            return true;
        if (!bar)
            return false;
        s = bar + 1;
    }
}

static bool not_applicant_field(const char *w, size_t n, const void *ctx) {
    (void)ctx;
    return !word_in(w, n, APPLICANT_FIELDS);
}

static const char *const PROJECT_FIELDS[] = {"submitted",    "territory",  "themes",     "title",
                                             "period.start", "period.end", "applicants", "expenses",
                                             "resources",    NULL};

static bool requirement_known(const char *pat) {
    static const char each[] = "applicants[].";
    if (strncmp(pat, each, sizeof each - 1) == 0)
        return *(pat + sizeof each - 1) &&
               !each_alt(pat + sizeof each - 1, not_applicant_field, NULL);
    return word_in(pat, strlen(pat), PROJECT_FIELDS);
}

static bool applicant_has(const char *w, size_t n, const void *ctx) {
    const elg_applicant *a = ctx;
    const char *v = NULL;
    if (n == 4 && !strncmp(w, "name", 4))
        v = a->name;
    else if (n == 6 && !strncmp(w, "status", 6))
        v = a->status;
    else if (n == 5 && !strncmp(w, "siret", 5))
        v = a->siret;
    else if (n == 3 && !strncmp(w, "rna", 3))
        v = a->rna;
    else if (n == 7 && !strncmp(w, "commune", 7))
        v = a->commune;
    else if (n == 5 && !strncmp(w, "insee", 5))
        v = a->insee;
    return v != NULL;
}

/* Whether the project has every field of the rule's requires. */
static bool requirements_met(const elg_native *nat, const elg_project *p) {
    static const char each[] = "applicants[].";
    for (size_t i = 0; i < nat->requires.count; i++) {
        const char *pat = nat->requires.items[i];
        bool ok;
        if (strncmp(pat, each, sizeof each - 1) == 0) {
            ok = p->applicants_count > 0;
            for (size_t k = 0; ok && k < p->applicants_count; k++)
                ok = each_alt(pat + sizeof each - 1, applicant_has, &p->applicants[k]);
        } else if (!strcmp(pat, "submitted")) {
            ok = p->submitted != NULL;
        } else if (!strcmp(pat, "territory")) {
            ok = p->territory_count > 0;
        } else if (!strcmp(pat, "themes")) {
            ok = p->themes_count > 0;
        } else if (!strcmp(pat, "title")) {
            ok = p->title != NULL;
        } else if (!strcmp(pat, "period.start")) {
            ok = p->start != NULL;
        } else if (!strcmp(pat, "period.end")) {
            ok = p->end != NULL;
        } else if (!strcmp(pat, "applicants")) {
            ok = p->applicants_count > 0;
        } else if (!strcmp(pat, "expenses")) {
            ok = p->expenses_count > 0;
        } else {
            ok = !strcmp(pat, "resources") && p->resources_count > 0;
        }
        if (!ok)
            return false;
    }
    return true;
}

static uint32_t path_hash(const char *path);

/* Lays out n's declared facts for declare() (see struct elg_native); true
 * unless out of memory. Distinct paths only: a rule's first facts are
 * recorded without the search for an earlier read of the same path. */
static bool declared_blocks(elg_native *n, elg_arena *a) {
    size_t len = 0;
    for (size_t i = 0; i < n->declared_count; i++) {
        const elg_fact *f = &n->declared[i];
        if (f->value.type == ELG_VALUE_LIST || f->value.type == ELG_VALUE_MAP)
            return true;
        for (size_t k = 0; k < i; k++)
            if (strcmp(n->declared[k].path, f->path) == 0)
                return true;
        len += strlen(f->path) + 1;
        if (f->value.type == ELG_VALUE_STRING)
            len += f->value.u.str.len + 1;
    }
    if (!n->declared_count)
        return true;
    char *block = elg_arena_alloc(a, len);
    uint32_t *hash = elg_arena_array(a, n->declared_count, sizeof *hash);
    if (!block || !hash)
        return false;
    size_t at = 0;
    for (size_t i = 0; i < n->declared_count; i++) {
        elg_fact *f = &n->declared[i];
        size_t pl = strlen(f->path) + 1;
        memcpy(block + at, f->path, pl);
        f->path = block + at;
        at += pl;
        hash[i] = path_hash(f->path);
        if (f->value.type == ELG_VALUE_STRING) {
            memcpy(block + at, f->value.u.str.text, f->value.u.str.len);
            block[at + f->value.u.str.len] = '\0';
            f->value.u.str.text = block + at;
            at += f->value.u.str.len + 1;
        }
    }
    n->declared_block = block;
    n->declared_block_len = len;
    n->declared_hash = hash;
    return true;
}

int elg_native_compile(lua_State *L, int desc, int declared, elg_arena *a, elg_native **out) {
    desc = lua_absindex(L, desc);
    declared = lua_absindex(L, declared);
    *out = NULL;
    if (lua_type(L, desc) != LUA_TTABLE)
        return 1;
    elg_native *n = elg_arena_alloc(a, sizeof *n);
    if (!n)
        return luaL_error(L, elg_tr("out of memory"));
    memset(n, 0, sizeof *n);
    bool bad = false;
    const char *o = field_text(L, desc, "op", a, &bad);
    if (!o)
        return 1;
    static const struct {
        const char *name;
        op op;
    } ops[] = {{"balance", OP_BALANCE},       {"ceiling", OP_CEILING},
               {"earmark", OP_EARMARK},       {"rate_ceiling", OP_RATE_CEILING},
               {"applicants", OP_APPLICANTS}, {"territory", OP_TERRITORY},
               {"window", OP_WINDOW}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(o, ops[i].name) == 0)
            n->op = ops[i].op;
    if (!n->op)
        return 1;
    n->label = field_text(L, desc, "label", a, &bad);
    const char *cat = field_text(L, desc, "category", a, &bad);
    if (cat && !(n->category = (elg_category)elg_category_from_name(cat)))
        return 1; /* a category the documents do not have: never matched, left to Lua */
    lua_getfield(L, desc, "financer");
    n->has_financer = !lua_isnil(L, -1);
    n->financer_is_list = lua_type(L, -1) == LUA_TTABLE;
    lua_pop(L, 1);
    field_list(L, desc, "financer", a, &n->financers, &bad);
    n->exclusive = field_bool(L, desc, "exclusive");
    n->public_ = field_bool(L, desc, "public");
    lua_getfield(L, desc, "max");
    if (lua_isinteger(L, -1)) {
        n->max = lua_tointeger(L, -1);
    } else if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "num");
        lua_getfield(L, -2, "den");
        if (!lua_isinteger(L, -2) || !lua_isinteger(L, -1) || lua_tointeger(L, -1) <= 0)
            bad = true;
        else {
            n->rate = (elg_rate){lua_tointeger(L, -2), lua_tointeger(L, -1)};
            elg_rate_format(n->rate, n->rate_text, sizeof n->rate_text);
        }
        lua_pop(L, 2);
    }
    lua_pop(L, 1);
    field_list(L, desc, "statuses", a, &n->statuses, &bad);
    n->approval = field_text(L, desc, "approval", a, &bad);
    n->required = field_bool(L, desc, "required");
    n->of_project = field_bool(L, desc, "project");
    n->of_applicant = field_bool(L, desc, "applicant");
    n->from = field_text(L, desc, "from", a, &bad);
    n->to = field_text(L, desc, "to", a, &bad);
    if (n->op == OP_TERRITORY) {
        strlist communes = {0};
        field_list(L, desc, "communes", a, &communes, &bad);
        n->communes_count = communes.count;
        n->names = elg_arena_array(a, communes.count + 1, sizeof *n->names);
        n->codes = elg_arena_array(a, communes.count + 1, sizeof *n->codes);
        n->listed = elg_arena_array(a, communes.count + 1, sizeof *n->listed);
        if (!n->names || !n->codes || !n->listed)
            return luaL_error(L, elg_tr("out of memory"));
        for (size_t i = 0; i < communes.count && !bad; i++) {
            char code[6], buf[512];
            if (insee_of(communes.items[i], code)) {
                n->codes[n->codes_count++] = elg_arena_strdup(a, code);
            } else if (normalise(communes.items[i], buf, sizeof buf) < sizeof buf) {
                n->listed[n->names_count] = communes.items[i];
                n->names[n->names_count++] = elg_arena_strdup(a, buf);
            } else {
                bad = true;
            }
        }
    }
    field_list(L, desc, "requires", a, &n->requires, &bad);
    for (size_t i = 0; i < n->requires.count && !bad; i++)
        bad = !requirement_known(n->requires.items[i]);
    if (bad)
        return 1;
    /* The facts read at declaration, {path, value} each. */
    size_t nd = lua_type(L, declared) == LUA_TTABLE ? lua_rawlen(L, declared) : 0;
    n->declared = elg_arena_array(a, nd ? nd : 1, sizeof *n->declared);
    if (!n->declared)
        return luaL_error(L, elg_tr("out of memory"));
    for (size_t i = 0; i < nd; i++) {
        lua_rawgeti(L, declared, (lua_Integer)i + 1);
        lua_rawgeti(L, -1, 1);
        lua_rawgeti(L, -2, 2);
        elg_error e = {0};
        elg_fact *f = &n->declared[n->declared_count];
        if (lua_type(L, -2) != LUA_TSTRING || lua_isnil(L, -1) ||
            rules_to_value(L, -1, a, &f->value, 0, NULL, &e)) {
            lua_pop(L, 3);
            return 1;
        }
        if (!(f->path = elg_arena_strdup(a, lua_tostring(L, -2))))
            return luaL_error(L, elg_tr("out of memory"));
        n->declared_count++;
        lua_pop(L, 3);
    }
    if (!declared_blocks(n, a))
        return luaL_error(L, elg_tr("out of memory"));
    *out = n;
    return 0;
}

/* ---- facts ------------------------------------------------------------- */

/* A rule reads up to a few dozen facts, and each read is checked against
 * the facts it read before (a fact is recorded once): an open-addressed set
 * of their positions by path hash, instead of a scan of them all, which was
 * a twentieth of a decision's instructions. Past REC_SET_MAX facts (no rule
 * of the seeds comes near) the set is full and reads are scanned. */
#define REC_SLOTS 256
#define REC_SET_MAX (REC_SLOTS * 3 / 4)

typedef struct rec {
    elg_arena *a;
    elg_fact *facts;
    uint32_t *hashes; /* of each fact's path */
    size_t n, cap, hcap;
    bool nomem;
    uint16_t slots[REC_SLOTS]; /* 1 + fact, 0 empty; facts [0, REC_SET_MAX) */
} rec;

static bool grow(rec *r, void **arr, size_t *cap, size_t elt) {
    size_t nc = *cap ? *cap * 2 : 16;
    void *na = elg_arena_array(r->a, nc, elt);
    if (!na) {
        r->nomem = true;
        return false;
    }
    if (*cap)
        memcpy(na, *arr, *cap * elt);
    *arr = na;
    *cap = nc;
    return true;
}

/* Paths of one decision share long prefixes ("resources[3]."): each is
 * compared whole only when its hash matches. */
static uint32_t path_hash(const char *path) {
    return (uint32_t)elg_strhash(path, strlen(path));
}

/* Whether fact i is the read of path (hash h). */
static bool fact_same(const rec *r, size_t i, const char *path, uint32_t h) {
    return r->hashes[i] == h && (r->facts[i].path == path || strcmp(r->facts[i].path, path) == 0);
}

/* Whether path (hash h) was read; else, while the set has room, the slot
 * where fact r->n goes in *slot (NULL: none). */
static bool fact_seen(rec *r, const char *path, uint32_t h, uint16_t **slot) {
    *slot = NULL;
    size_t set = r->n < REC_SET_MAX ? r->n : REC_SET_MAX;
    for (size_t s = h & (REC_SLOTS - 1);; s = (s + 1) & (REC_SLOTS - 1)) {
        if (!r->slots[s]) {
            if (r->n < REC_SET_MAX)
                *slot = &r->slots[s];
            break;
        }
        if (fact_same(r, r->slots[s] - 1u, path, h))
            return true;
    }
    for (size_t i = set; i < r->n; i++)
        if (fact_same(r, i, path, h))
            return true;
    return false;
}

/* Records a read of path (a first read only), of hash h (its elg_strhash)
 * and made once as fp (NULL: path is the caller's, and copied); v NULL: the
 * project does not have it. Text values are copied. */
static void fact_put(rec *r, const char *path, size_t len, uint32_t h, const elg_fact_path *fp,
                     const elg_value *v) {
    uint16_t *slot;
    if (fact_seen(r, path, h, &slot))
        return;
    if (r->n == r->cap && !grow(r, (void **)&r->facts, &r->cap, sizeof *r->facts))
        return;
    if (r->n == r->hcap && !grow(r, (void **)&r->hashes, &r->hcap, sizeof *r->hashes))
        return;
    r->hashes[r->n] = h;
    elg_fact *f = &r->facts[r->n];
    f->fp = fp;
    if (fp)
        f->path = fp->path;
    else if (!(f->path = elg_arena_strndup(r->a, path, len))) {
        r->nomem = true;
        return;
    }
    if (!v) {
        f->value = (elg_value){.type = ELG_VALUE_NULL};
    } else if (v->type == ELG_VALUE_STRING) {
        char *s = elg_arena_strndup(r->a, v->u.str.text, v->u.str.len);
        if (!s) {
            r->nomem = true;
            return;
        }
        f->value = (elg_value){.type = ELG_VALUE_STRING, .u.str = {s, v->u.str.len}};
    } else {
        f->value = *v;
    }
    if (slot)
        *slot = (uint16_t)(r->n + 1);
    r->n++;
}

static void fact_n(rec *r, const char *path, size_t len, const elg_value *v) {
    fact_put(r, path, len, (uint32_t)elg_strhash(path, len), NULL, v);
}

static void fact(rec *r, const char *path, const elg_value *v) {
    fact_n(r, path, strlen(path), v);
}

/* The facts n's rule read while it was declared, its first facts: one copy
 * of their block into the decision's arena (see struct elg_native). */
static void declare(rec *r, const elg_native *n) {
    if (!n->declared_block) {
        for (size_t i = 0; i < n->declared_count; i++)
            fact(r, n->declared[i].path, &n->declared[i].value);
        return;
    }
    size_t count = n->declared_count;
    while (r->cap < count)
        if (!grow(r, (void **)&r->facts, &r->cap, sizeof *r->facts))
            return;
    while (r->hcap < count)
        if (!grow(r, (void **)&r->hashes, &r->hcap, sizeof *r->hashes))
            return;
    char *block = elg_arena_alloc(r->a, n->declared_block_len);
    if (!block) {
        r->nomem = true;
        return;
    }
    memcpy(block, n->declared_block, n->declared_block_len);
    for (size_t i = 0; i < count; i++) {
        elg_fact f = n->declared[i];
        f.path = block + (f.path - n->declared_block);
        if (f.value.type == ELG_VALUE_STRING)
            f.value.u.str.text = block + (f.value.u.str.text - n->declared_block);
        r->facts[i] = f;
        r->hashes[i] = n->declared_hash[i];
    }
    /* Declared facts are distinct (declared_blocks): each has its slot. */
    for (size_t i = 0; i < count && i < REC_SET_MAX; i++) {
        size_t s = n->declared_hash[i] & (REC_SLOTS - 1);
        while (r->slots[s])
            s = (s + 1) & (REC_SLOTS - 1);
        r->slots[s] = (uint16_t)(i + 1);
    }
    r->n = count;
}

static void fact_str(rec *r, const char *path, const char *s) {
    elg_value v = {.type = ELG_VALUE_STRING, .u.str = {s, s ? strlen(s) : 0}};
    fact(r, path, s ? &v : NULL);
}

/* "expenses[3].amount", or "expenses[3]" when field is NULL; cut to size - 1
 * bytes as snprintf would (the callers' buffers hold any path of the
 * documents' limits). Built by hand: a decision makes about fifty, and
 * snprintf was a tenth of its cost. */
/* Appends n bytes of s at buf[*at], cut at size - 1. */
static void path_put(char *buf, size_t size, size_t *at, const char *s, size_t n) {
    if (n > size - 1 - *at)
        n = size - 1 - *at;
    memcpy(buf + *at, s, n);
    *at += n;
}

static size_t path_len_of(char *buf, size_t size, const char *list, size_t i, const char *field) {
    /* "[123]" written backwards from its end. */
    char idx[24], *e = idx + sizeof idx, *p = e;
    *--p = ']';
    do {
        *--p = (char)('0' + i % 10);
        i /= 10;
    } while (i);
    *--p = '[';
    size_t n = 0;
    path_put(buf, size, &n, list, strlen(list));
    path_put(buf, size, &n, p, (size_t)(e - p));
    if (field) {
        path_put(buf, size, &n, ".", 1);
        path_put(buf, size, &n, field, strlen(field));
    }
    buf[n] = '\0';
    return n;
}

static const char *path_of(char *buf, size_t size, const char *list, size_t i, const char *field) {
    path_len_of(buf, size, list, i, field);
    return buf;
}

/* The read of field on line i: its path made once when the table has it
 * (engine/factpath.h), else built here. */
static void fact_line(rec *r, elg_fpath_field field, size_t i, const elg_value *v) {
    const elg_fact_path *fp = elg_fpath(field, i);
    if (fp) {
        fact_put(r, fp->path, fp->len, (uint32_t)fp->hash, fp, v);
        return;
    }
    char p[96];
    size_t n = path_len_of(p, sizeof p, elg_fpath_list(field), i, elg_fpath_name(field));
    fact_n(r, p, n, v);
}

static void fact_line_str(rec *r, elg_fpath_field field, size_t i, const char *s) {
    elg_value v = {.type = ELG_VALUE_STRING, .u.str = {s, s ? strlen(s) : 0}};
    fact_line(r, field, i, s ? &v : NULL);
}

static void fact_line_int(rec *r, elg_fpath_field field, size_t i, int64_t v) {
    elg_value x = {.type = ELG_VALUE_INT, .u.integer = v};
    fact_line(r, field, i, &x);
}

/* The element k of a list parameter read through its view. */
static void fact_list_item(rec *r, const strlist *l, size_t k) {
    if (!l->path)
        return;
    char p[160];
    fact_str(r, path_of(p, sizeof p, l->path, k, NULL), l->items[k]);
}

/* ---- what the Lua helpers compute ------------------------------------- */

static bool in_set(const strlist *l, const char *v) {
    for (size_t i = 0; v && i < l->count; i++)
        if (l->items[i][0] == v[0] && strcmp(l->items[i], v) == 0)
            return true;
    return false;
}

/* budget.expenses_of(p, category), or total_expenses(p) when category is
 * 0. false on overflow. */
static bool expenses_of(rec *r, const elg_project *p, elg_category category, elg_cents *out) {
    elg_cents t = 0;
    for (size_t i = 0; i < p->expenses_count; i++) {
        const elg_expense *e = &p->expenses[i];
        if (category) {
            fact_line_str(r, ELG_FPATH_EXPENSE_CATEGORY, i, elg_category_name(e->category));
            if (e->category != category)
                continue;
        }
        fact_line_int(r, ELG_FPATH_EXPENSE_AMOUNT, i, e->amount);
        if (elg_money_add(t, e->amount, &t, NULL))
            return false;
    }
    *out = t;
    return true;
}

/* budget.resources_of(p, set), total_resources(p) when set is NULL. */
static bool resources_of(rec *r, const elg_project *p, const strlist *set, elg_cents *out) {
    elg_cents t = 0;
    for (size_t i = 0; i < p->resources_count; i++) {
        const elg_resource *res = &p->resources[i];
        if (set) {
            fact_line_str(r, ELG_FPATH_RESOURCE_FINANCER, i, res->financer);
            if (!in_set(set, res->financer))
                continue;
        }
        fact_line_int(r, ELG_FPATH_RESOURCE_AMOUNT, i, res->amount);
        if (elg_money_add(t, res->amount, &t, NULL))
            return false;
    }
    *out = t;
    return true;
}

/* resources[i].public as the view shows it: absent when the financer's
 * document is unknown. */
static bool resource_public(rec *r, const elg_native_input *in, size_t i) {
    const elg_financer *f =
        elg_financer_find(in->financers, in->financers_count, in->project->resources[i].financer);
    if (!f) {
        fact_line(r, ELG_FPATH_RESOURCE_PUBLIC, i, NULL);
        return false;
    }
    bool pub = elg_nature_is_public(f->nature);
    elg_value v = {.type = ELG_VALUE_BOOL, .u.boolean = pub};
    fact_line(r, ELG_FPATH_RESOURCE_PUBLIC, i, &v);
    return pub;
}

static void fact_call_financer(rec *r, const elg_call *c) {
    fact_str(r, "call.financer", c->financer);
}

/* Lua's `a == b` for two optional texts. */
static bool same_text(const char *a, const char *b) {
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

/* ---- results -------------------------------------------------------------- */

typedef struct figs {
    elg_value_pair pairs[6];
    size_t n;
} figs;

/* Keys are added in sorted order by the callers. */
static void fig_int(figs *f, const char *key, int64_t v) {
    f->pairs[f->n].key = key;
    f->pairs[f->n].value = (elg_value){.type = ELG_VALUE_INT, .u.integer = v};
    f->n++;
}

static int finish(rec *r, elg_rule_result *x, elg_rule_status status, const char *message,
                  const figs *f, const elg_rate *rate, const char *rate_key) {
    if (r->nomem)
        return ELG_NATIVE_NOMEM;
    x->status = status;
    if (!(x->message = elg_arena_strdup(r->a, message)))
        return ELG_NATIVE_NOMEM;
    x->facts = r->facts;
    x->facts_count = r->n;
    x->missing = NULL;
    x->missing_count = 0;
    x->notices = NULL;
    x->notices_count = 0;
    size_t n = f ? f->n : 0;
    elg_value_pair *pairs = elg_arena_array(r->a, n + 1, sizeof *pairs);
    if (!pairs)
        return ELG_NATIVE_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (rate && strcmp(f->pairs[i].key, rate_key) == 0) {
            elg_value_pair *rp = elg_arena_array(r->a, 2, sizeof *rp);
            if (!rp)
                return ELG_NATIVE_NOMEM;
            rp[0] = (elg_value_pair){"den", {.type = ELG_VALUE_INT, .u.integer = rate->den}};
            rp[1] = (elg_value_pair){"num", {.type = ELG_VALUE_INT, .u.integer = rate->num}};
            pairs[k].key = rate_key;
            pairs[k].value = (elg_value){.type = ELG_VALUE_MAP, .u.map = {rp, 2}};
        } else {
            pairs[k] = f->pairs[i];
        }
        k++;
    }
    x->figures = (elg_value){.type = ELG_VALUE_MAP, .u.map = {pairs, k}};
    return ELG_NATIVE_DONE;
}

/* A growing message, cut never: the callers' texts are bounded by the
 * documents' limits; a message that does not fit falls back to Lua. */
typedef struct msg {
    char buf[2048];
    size_t len;
    bool over;
} msg;

/* Not msg m = {0}: that clears the whole buffer, for every message. */
static void msg_init(msg *m) {
    m->buf[0] = '\0';
    m->len = 0;
    m->over = false;
}

static void say_bytes(msg *m, const char *s, size_t n) {
    if (n >= sizeof m->buf - m->len) {
        m->over = true;
        return;
    }
    memcpy(m->buf + m->len, s, n);
    m->len += n;
}

/* Appends to the message. The messages only use %s, %zu and %%: they are
 * copied here rather than by vsnprintf, which was a tenth of a decision;
 * any other conversion sets over, and the project goes to Lua. */
__attribute__((format(printf, 2, 3))) static void say(msg *m, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; !m->over;) {
        const char *q = strchr(p, '%');
        say_bytes(m, p, q ? (size_t)(q - p) : strlen(p));
        if (!q)
            break;
        if (q[1] == 's') {
            const char *t = va_arg(ap, const char *);
            t = t ? t : "(null)";
            say_bytes(m, t, strlen(t));
            p = q + 2;
        } else if (q[1] == 'z' && q[2] == 'u') {
            char d[24], *e = d + sizeof d, *o = e;
            size_t v = va_arg(ap, size_t);
            do {
                *--o = (char)('0' + v % 10);
                v /= 10;
            } while (v);
            say_bytes(m, o, (size_t)(e - o));
            p = q + 3;
        } else if (q[1] == '%') {
            say_bytes(m, "%", 1);
            p = q + 2;
        } else {
            m->over = true;
        }
    }
    va_end(ap);
    m->buf[m->len] = '\0'; /* say_bytes keeps len below the buffer's size */
}

#define FMT(v, b) elg_money_format((v), (b), sizeof(b))

/* money.fmt_share(part, whole) */
static void share_text(elg_cents part, elg_cents whole, char *buf, size_t size) {
    if (whole <= 0) {
        snprintf(buf, size, "—");
        return;
    }
    int64_t bp = elg_money_ratio_bp_half_up(part, whole);
    /* "-12,34 %" by hand: snprintf was a twentieth of the rule. */
    char tmp[32], *e = tmp + sizeof tmp, *p = e;
    uint64_t u = bp < 0 ? (uint64_t)0 - (uint64_t)bp : (uint64_t)bp;
    *--p = '%';
    *--p = ' ';
    *--p = (char)('0' + u % 10);
    *--p = (char)('0' + u / 10 % 10);
    *--p = ',';
    u /= 100;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (bp < 0)
        *--p = '-';
    size_t n = (size_t)(e - p);
    if (n >= size)
        n = size - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
}

/* string.lower of a text: ASCII letters only, as Lua in the C locale. */
static void lower_ascii(const char *s, char *out, size_t size) {
    size_t i = 0;
    for (; s[i] && i + 1 < size; i++)
        out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
    out[i] = '\0';
}

/* ---- the constructors ---------------------------------------------------- */

static int run_balance(rec *r, const elg_native_input *in, elg_rule_result *x) {
    elg_cents e, res, gap;
    if (!expenses_of(r, in->project, 0, &e) || !resources_of(r, in->project, NULL, &res) ||
        elg_money_sub(e, res, &gap, NULL))
        return ELG_NATIVE_FALLBACK;
    figs f = {0};
    fig_int(&f, "expenses", e);
    fig_int(&f, "gap", gap);
    fig_int(&f, "resources", res);
    char b1[ELG_MONEY_FMT_MAX], b2[ELG_MONEY_FMT_MAX], b3[ELG_MONEY_FMT_MAX];
    msg m;
    msg_init(&m);
    if (e == res)
        say(&m, "Dépenses %s = ressources %s", FMT(e, b1), FMT(res, b2));
    else
        say(&m, "Dépenses %s ≠ ressources %s (écart %s)", FMT(e, b1), FMT(res, b2), FMT(gap, b3));
    if (m.over)
        return ELG_NATIVE_FALLBACK;
    return finish(r, x, e == res ? ELG_RULE_PASS : ELG_RULE_FAIL, m.buf, &f, NULL, NULL);
}

/* Whether a resource line is tied to what its financer published (elg_published_line): the
 * share checks then count it, in Lua (budget.counted_resources_of), which says so in its text. */
static bool any_published(const elg_project *p) {
    for (size_t i = 0; p->published && i < p->resources_count; i++)
        if (p->published[i].rows)
            return true;
    return false;
}

static int run_ceiling(const elg_native *n, rec *r, const elg_native_input *in, elg_rule_result *x,
                       elg_cents *grant, bool *has_grant) {
    if (!n->label || (n->has_financer && (n->financer_is_list || n->financers.count != 1 ||
                                          any_published(in->project))))
        return ELG_NATIVE_FALLBACK;
    elg_cents amount;
    if (n->category ? !expenses_of(r, in->project, n->category, &amount)
                    : !resources_of(r, in->project, &n->financers, &amount))
        return ELG_NATIVE_FALLBACK;
    figs f = {0};
    fig_int(&f, "amount", amount);
    fig_int(&f, "max", n->max);
    if (n->has_financer) {
        fact_call_financer(r, in->call);
        if (same_text(n->financers.items[0], in->call->financer)) {
            *grant = n->max;
            *has_grant = true;
        }
    }
    char b1[ELG_MONEY_FMT_MAX], b2[ELG_MONEY_FMT_MAX], b3[ELG_MONEY_FMT_MAX];
    msg m;
    msg_init(&m);
    bool ok = amount <= n->max;
    if (ok) {
        say(&m, "%s : %s ≤ plafond %s", n->label, FMT(amount, b1), FMT(n->max, b2));
    } else {
        elg_cents over;
        if (elg_money_sub(amount, n->max, &over, NULL))
            return ELG_NATIVE_FALLBACK;
        say(&m, "%s : %s > plafond %s (dépassement %s)", n->label, FMT(amount, b1), FMT(n->max, b2),
            FMT(over, b3));
    }
    if (m.over)
        return ELG_NATIVE_FALLBACK;
    return finish(r, x, ok ? ELG_RULE_PASS : ELG_RULE_FAIL, m.buf, &f, NULL, NULL);
}

static int run_earmark(const elg_native *n, rec *r, const elg_native_input *in, elg_rule_result *x,
                       elg_cents *grant, bool *has_grant) {
    const elg_project *p = in->project;
    if (!n->label || !n->category)
        return ELG_NATIVE_FALLBACK;
    const strlist *set = n->has_financer ? &n->financers : NULL;
    if (set && n->exclusive) {
        for (size_t i = 0; i < p->resources_count; i++) {
            const elg_resource *res = &p->resources[i];
            fact_line_str(r, ELG_FPATH_RESOURCE_FINANCER, i, res->financer);
            if (!in_set(set, res->financer))
                continue;
            fact_line_str(r, ELG_FPATH_RESOURCE_EARMARK, i,
                          res->earmark ? elg_category_name(res->earmark) : NULL);
            if (res->earmark != n->category)
                return ELG_NATIVE_FALLBACK; /* the failure names the line: Lua says it */
        }
    }
    elg_cents earmarked = 0, cost;
    for (size_t i = 0; i < p->resources_count; i++) {
        const elg_resource *res = &p->resources[i];
        if (set) {
            fact_line_str(r, ELG_FPATH_RESOURCE_FINANCER, i, res->financer);
            if (!in_set(set, res->financer))
                continue;
        }
        fact_line_str(r, ELG_FPATH_RESOURCE_EARMARK, i,
                      res->earmark ? elg_category_name(res->earmark) : NULL);
        if (res->earmark != n->category)
            continue;
        fact_line_int(r, ELG_FPATH_RESOURCE_AMOUNT, i, res->amount);
        if (elg_money_add(earmarked, res->amount, &earmarked, NULL))
            return ELG_NATIVE_FALLBACK;
    }
    if (!expenses_of(r, p, n->category, &cost))
        return ELG_NATIVE_FALLBACK;
    figs f = {0};
    fig_int(&f, "earmarked", earmarked);
    fig_int(&f, "expenses", cost);
    /* `financer == c.financer`: a list is never equal to a text. */
    fact_call_financer(r, in->call);
    bool same = n->financer_is_list
                    ? false
                    : same_text(n->has_financer ? n->financers.items[0] : NULL, in->call->financer);
    if (same) {
        *grant = cost;
        *has_grant = true;
    }
    char lower[256], b1[ELG_MONEY_FMT_MAX], b2[ELG_MONEY_FMT_MAX], b3[ELG_MONEY_FMT_MAX];
    lower_ascii(n->label, lower, sizeof lower);
    msg m;
    msg_init(&m);
    bool ok = earmarked <= cost;
    if (ok) {
        say(&m, "Fléché sur %s : %s ≤ dépenses %s", lower, FMT(earmarked, b1), FMT(cost, b2));
    } else {
        elg_cents over;
        if (elg_money_sub(earmarked, cost, &over, NULL))
            return ELG_NATIVE_FALLBACK;
        say(&m, "Fléché sur %s : %s > dépenses %s (excédent %s)", lower, FMT(earmarked, b1),
            FMT(cost, b2), FMT(over, b3));
    }
    if (m.over || strlen(n->label) >= sizeof lower)
        return ELG_NATIVE_FALLBACK;
    return finish(r, x, ok ? ELG_RULE_PASS : ELG_RULE_FAIL, m.buf, &f, NULL, NULL);
}

static int run_rate_ceiling(const elg_native *n, rec *r, const elg_native_input *in,
                            elg_rule_result *x, elg_cents *grant, bool *has_grant) {
    const elg_project *p = in->project;
    if (!n->label || n->has_financer == n->public_ || any_published(p))
        return ELG_NATIVE_FALLBACK;
    elg_cents cost, amount = 0, cap;
    if (!expenses_of(r, p, 0, &cost))
        return ELG_NATIVE_FALLBACK;
    if (n->has_financer) {
        if (!resources_of(r, p, &n->financers, &amount))
            return ELG_NATIVE_FALLBACK;
    } else {
        for (size_t i = 0; i < p->resources_count; i++) {
            if (!resource_public(r, in, i))
                continue;
            fact_line_int(r, ELG_FPATH_RESOURCE_AMOUNT, i, p->resources[i].amount);
            if (elg_money_add(amount, p->resources[i].amount, &amount, NULL))
                return ELG_NATIVE_FALLBACK;
        }
    }
    if (elg_money_apply_rate_floor(cost, n->rate, &cap, NULL))
        return ELG_NATIVE_FALLBACK;
    figs f = {0};
    fig_int(&f, "amount", amount);
    fig_int(&f, "cap", cap);
    fig_int(&f, "eligible_cost", cost);
    f.pairs[f.n++].key = "rate";
    bool financer_branch = false;
    if (n->has_financer) {
        fact_call_financer(r, in->call);
        if (!n->financer_is_list && same_text(n->financers.items[0], in->call->financer)) {
            financer_branch = true;
            *grant = cap;
            *has_grant = true;
        }
    }
    if (!financer_branch && n->public_) {
        /* call_money_is_public(p, c), then the call financer's lines. */
        fact_call_financer(r, in->call);
        const char *cf = in->call->financer;
        bool is_public = false;
        if (cf) {
            for (size_t i = 0; i < p->resources_count && !is_public; i++) {
                fact_line_str(r, ELG_FPATH_RESOURCE_FINANCER, i, p->resources[i].financer);
                if (strcmp(p->resources[i].financer, cf) != 0)
                    continue;
                is_public = resource_public(r, in, i);
            }
        }
        if (is_public) {
            strlist one = {.items = &cf, .count = 1};
            elg_cents own, others;
            if (!resources_of(r, p, &one, &own) || elg_money_sub(amount, own, &others, NULL))
                return ELG_NATIVE_FALLBACK;
            elg_cents g = 0;
            if (cap > others && elg_money_sub(cap, others, &g, NULL))
                return ELG_NATIVE_FALLBACK;
            *grant = g;
            *has_grant = true;
        }
    }
    char b1[ELG_MONEY_FMT_MAX], b2[ELG_MONEY_FMT_MAX], b3[ELG_MONEY_FMT_MAX], b4[ELG_MONEY_FMT_MAX],
        share[64];
    share_text(amount, cost, share, sizeof share);
    const char *rate = n->rate_text;
    msg m;
    msg_init(&m);
    say(&m, "%s : %s pour un coût éligible de %s, soit %s (plafond %s : %s)", n->label,
        FMT(amount, b1), FMT(cost, b2), share, rate, FMT(cap, b3));
    bool ok = amount <= cap;
    if (!ok) {
        elg_cents over;
        if (elg_money_sub(amount, cap, &over, NULL))
            return ELG_NATIVE_FALLBACK;
        say(&m, ", dépassement %s", FMT(over, b4));
    }
    if (m.over)
        return ELG_NATIVE_FALLBACK;
    return finish(r, x, ok ? ELG_RULE_PASS : ELG_RULE_FAIL, m.buf, &f, &n->rate, "rate");
}

/* plan.in_list(list, value): reads the list's items until one matches. */
static bool in_list_read(rec *r, const strlist *l, const char *value) {
    if (!value)
        return false;
    for (size_t k = 0; k < l->count; k++) {
        fact_list_item(r, l, k);
        if (strcmp(l->items[k], value) == 0)
            return true;
    }
    return false;
}

static int run_applicants(const elg_native *n, rec *r, const elg_native_input *in,
                          elg_rule_result *x) {
    const elg_project *p = in->project;
    msg names;
    msg_init(&names);
    for (size_t i = 0; i < p->applicants_count; i++) {
        const elg_applicant *a = &p->applicants[i];
        fact_line_str(r, ELG_FPATH_APPLICANT_STATUS, i, a->status);
        if (!a->status || !a->name)
            return ELG_NATIVE_FALLBACK;
        bool ok_status = in_list_read(r, &n->statuses, a->status);
        bool approved = false;
        if (n->approval) {
            char ap[96];
            snprintf(ap, sizeof ap, "applicants[%zu].approvals", i);
            strlist l = {
                .items = (const char **)a->approvals, .count = a->approvals_count, .path = ap};
            approved = in_list_read(r, &l, n->approval);
        }
        bool ok = n->required ? (ok_status && approved) : (ok_status || approved);
        if (!ok) {
            msg m;
            msg_init(&m);
            /* `why` is built before the message's arguments are read. */
            if (n->required && ok_status) {
                fact_line_str(r, ELG_FPATH_APPLICANT_NAME, i, a->name);
                say(&m, "Porteur %zu, %s (%s) sans l'agrément « %s »", i + 1, a->name, a->status,
                    n->approval);
            } else {
                msg admitted;
                msg_init(&admitted);
                for (size_t k = 0; k < n->statuses.count; k++) {
                    fact_list_item(r, &n->statuses, k);
                    say(&admitted, "%s%s", k ? ", " : "", n->statuses.items[k]);
                }
                fact_line_str(r, ELG_FPATH_APPLICANT_NAME, i, a->name);
                say(&m, "Porteur %zu, %s (%s) : statut non éligible (admis : %s", i + 1, a->name,
                    a->status, admitted.buf);
                if (n->approval)
                    say(&m, " ; ou agrément « %s »", n->approval);
                say(&m, ")");
                if (admitted.over)
                    return ELG_NATIVE_FALLBACK;
            }
            if (m.over)
                return ELG_NATIVE_FALLBACK;
            return finish(r, x, ELG_RULE_FAIL, m.buf, NULL, NULL, NULL);
        }
        fact_line_str(r, ELG_FPATH_APPLICANT_NAME, i, a->name);
        say(&names, "%s%s (%s%s%s)", i ? " ; " : "", a->name, a->status, approved ? ", " : "",
            approved ? n->approval : "");
    }
    msg m;
    msg_init(&m);
    say(&m, "Statuts éligibles : %s", names.buf);
    if (m.over || names.over)
        return ELG_NATIVE_FALLBACK;
    return finish(r, x, ELG_RULE_PASS, m.buf, NULL, NULL, NULL);
}

/* ---- communes (eligibility.lua's normalise, insee_of) -------------------- */

/* FOLD of eligibility.lua: the second byte after \xC3 or \xC5. */
static const char *fold(unsigned char lead, unsigned char b) {
    if (lead == 0xC3) {
        static const char *const c3[64] = {
            [0x00] = "a",  [0x01] = "a", [0x02] = "a", [0x03] = "a", [0x04] = "a",  [0x05] = "a",
            [0x06] = "ae", [0x07] = "c", [0x08] = "e", [0x09] = "e", [0x0A] = "e",  [0x0B] = "e",
            [0x0C] = "i",  [0x0D] = "i", [0x0E] = "i", [0x0F] = "i", [0x11] = "n",  [0x12] = "o",
            [0x13] = "o",  [0x14] = "o", [0x15] = "o", [0x16] = "o", [0x18] = "o",  [0x19] = "u",
            [0x1A] = "u",  [0x1B] = "u", [0x1C] = "u", [0x1D] = "y", [0x20] = "a",  [0x21] = "a",
            [0x22] = "a",  [0x23] = "a", [0x24] = "a", [0x25] = "a", [0x26] = "ae", [0x27] = "c",
            [0x28] = "e",  [0x29] = "e", [0x2A] = "e", [0x2B] = "e", [0x2C] = "i",  [0x2D] = "i",
            [0x2E] = "i",  [0x2F] = "i", [0x31] = "n", [0x32] = "o", [0x33] = "o",  [0x34] = "o",
            [0x35] = "o",  [0x36] = "o", [0x38] = "o", [0x39] = "u", [0x3A] = "u",  [0x3B] = "u",
            [0x3C] = "u",  [0x3D] = "y", [0x3F] = "y",
        };
        return c3[b - 0x80];
    }
    /* \xC5: Œ (0x92), œ (0x93), Ÿ is \xC5\xB8. */
    if (b == 0x92 || b == 0x93)
        return "oe";
    if (b == 0xB8)
        return "y";
    return NULL;
}

static bool is_sep(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == '-' ||
           c == '\'' || c == '.';
}

/* normalise(name) into out; returns the length it needs (>= size: cut). */
static size_t normalise(const char *name, char *out, size_t size) {
    /* Pass 1: separators of several bytes become a space; letters folded. */
    char tmp[1024];
    size_t t = 0, len = strlen(name);
    if (len >= sizeof tmp / 2)
        return size;
    const unsigned char *s = (const unsigned char *)name;
    for (size_t i = 0; i < len;) {
        if (s[i] == 0xC2 && i + 1 < len && s[i + 1] == 0xA0) {
            tmp[t++] = ' ';
            i += 2;
        } else if (s[i] == 0xCA && i + 1 < len && s[i + 1] == 0xBC) {
            tmp[t++] = ' ';
            i += 2;
        } else if (s[i] == 0xE2 && i + 2 < len && s[i + 1] == 0x80 &&
                   strchr("\x90\x91\x93\x94\x98\x99\xAF", s[i + 2]) && s[i + 2]) {
            tmp[t++] = ' ';
            i += 3;
        } else {
            tmp[t++] = (char)s[i++];
        }
    }
    tmp[t] = '\0';
    /* Lua runs the three gsubs one after the other, then the fold: the
     * separators' bytes never start a fold, so one pass is the same. */
    char folded[2048];
    size_t f = 0;
    const unsigned char *u = (const unsigned char *)tmp;
    for (size_t i = 0; i < t;) {
        if ((u[i] == 0xC3 || u[i] == 0xC5) && i + 1 < t && u[i + 1] >= 0x80 && u[i + 1] <= 0xBF) {
            const char *r = fold(u[i], u[i + 1]);
            if (r) {
                for (; *r; r++)
                    folded[f++] = *r;
            } else {
                folded[f++] = (char)u[i];
                folded[f++] = (char)u[i + 1];
            }
            i += 2;
        } else {
            char c = (char)u[i++];
            folded[f++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
        }
    }
    folded[f] = '\0';
    /* Words joined by "-", st/ste/lez read as saint/sainte/les. */
    size_t o = 0;
    bool first = true;
    for (size_t i = 0; i < f;) {
        while (i < f && is_sep((unsigned char)folded[i]))
            i++;
        if (i >= f)
            break;
        size_t j = i;
        while (j < f && !is_sep((unsigned char)folded[j]))
            j++;
        const char *w = folded + i;
        size_t wl = j - i;
        if (wl == 2 && memcmp(w, "st", 2) == 0)
            w = "saint", wl = 5;
        else if (wl == 3 && memcmp(w, "ste", 3) == 0)
            w = "sainte", wl = 6;
        else if (wl == 3 && memcmp(w, "lez", 3) == 0)
            w = "les", wl = 3;
        if (o + wl + 2 >= size)
            return size;
        if (!first)
            out[o++] = '-';
        memcpy(out + o, w, wl);
        o += wl;
        first = false;
        i = j;
    }
    out[o] = '\0';
    return o;
}

static bool insee_of(const char *text, char code[6]) {
    if (strlen(text) != 5)
        return false;
    for (int i = 0; i < 5; i++)
        code[i] = (text[i] >= 'a' && text[i] <= 'z') ? (char)(text[i] - 'a' + 'A') : text[i];
    code[5] = '\0';
    bool digits = true;
    for (int i = 0; i < 5; i++)
        digits = digits && code[i] >= '0' && code[i] <= '9';
    if (digits)
        return true;
    return code[0] == '2' && (code[1] == 'A' || code[1] == 'B') && code[2] >= '0' &&
           code[2] <= '9' && code[3] >= '0' && code[3] <= '9' && code[4] >= '0' && code[4] <= '9';
}

static bool commune_inside(const elg_native *n, const char *name) {
    char code[6];
    if (insee_of(name, code)) {
        for (size_t i = 0; i < n->codes_count; i++)
            if (n->codes[i][0] == code[0] && strcmp(n->codes[i], code) == 0)
                return true;
        return false;
    }
    char buf[512];
    if (normalise(name, buf, sizeof buf) >= sizeof buf)
        return false;
    for (size_t i = 0; i < n->names_count; i++)
        if (n->names[i][0] == buf[0] && strcmp(n->names[i], buf) == 0)
            return true;
    return false;
}

/* distance_within(a, b, k) of eligibility.lua: the banded edit distance
 * when at most k, else -1. */
static int distance_within(const char *a, const char *b, int k) {
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (abs(la - lb) > k || lb > 1000)
        return -1;
    int far = k + 1;
    int prevb[1002], curb[1002];
    int *prev = prevb, *cur = curb;
    for (int j = 0; j <= lb; j++)
        prev[j] = far; /* nil in Lua: out of the band */
    for (int j = 0; j <= (lb < k ? lb : k); j++)
        prev[j] = j;
    for (int i = 1; i <= la; i++) {
        for (int j = 0; j <= lb; j++)
            cur[j] = far;
        int lo = i - k > 0 ? i - k : 0, hi = lb < i + k ? lb : i + k;
        int best = far;
        if (lo == 0) {
            cur[0] = i;
            best = i;
        }
        unsigned char ca = (unsigned char)a[i - 1];
        for (int j = lo > 1 ? lo : 1; j <= hi; j++) {
            int d = prev[j - 1] + (ca == (unsigned char)b[j - 1] ? 0 : 1);
            int up = prev[j] + 1, left = cur[j - 1] + 1;
            if (up < d)
                d = up;
            if (left < d)
                d = left;
            cur[j] = d;
            if (d < best)
                best = d;
        }
        if (best > k)
            return -1;
        int *t = prev;
        prev = cur;
        cur = t;
    }
    int d = prev[lb];
    return d <= k ? d : -1;
}

/* commune_hint(index, name): " (vouliez-vous dire « X » ?)" or "". */
static void commune_hint(const elg_native *n, const char *name, msg *m) {
    char code[6], norm[512];
    if (insee_of(name, code))
        return;
    if (normalise(name, norm, sizeof norm) >= sizeof norm) {
        m->over = true; /* not reproduced: the caller falls back */
        return;
    }
    const char *best = NULL;
    int best_d = -1;
    for (size_t i = 0; i < n->names_count; i++) {
        int len = (int)strlen(n->names[i]);
        int k = len <= 5 ? 1 : (len <= 10 ? 2 : 3);
        if (best_d >= 0 && best_d - 1 < k)
            k = best_d - 1;
        int d = k >= 1 ? distance_within(norm, n->names[i], k) : -1;
        if (d >= 0) {
            best = n->listed[i];
            best_d = d;
        }
    }
    if (best)
        say(m, " (vouliez-vous dire « %s » ?)", best);
}

static int run_territory(const elg_native *n, rec *r, const elg_native_input *in,
                         elg_rule_result *x) {
    const elg_project *p = in->project;
    size_t checked = 0;
    msg outside;
    msg_init(&outside);
    size_t outside_count = 0;
    if (n->of_project) {
        for (size_t i = 0; i < p->territory_count; i++) {
            fact_line_str(r, ELG_FPATH_TERRITORY, i, p->territory[i]);
            checked++;
            if (!commune_inside(n, p->territory[i])) {
                say(&outside, "%s%s", outside_count++ ? ", " : "", p->territory[i]);
                commune_hint(n, p->territory[i], &outside);
            }
        }
        if (checked == 0)
            return ELG_NATIVE_FALLBACK; /* required: requirements_met let no such project by */
    }
    if (n->of_applicant) {
        for (size_t i = 0; i < p->applicants_count; i++) {
            const elg_applicant *a = &p->applicants[i];
            const char *c = a->commune;
            fact_line_str(r, ELG_FPATH_APPLICANT_COMMUNE, i, c);
            bool inside = c && commune_inside(n, c);
            if (!inside) {
                const char *code = a->insee;
                fact_line_str(r, ELG_FPATH_APPLICANT_INSEE, i, code);
                if (!c && !code)
                    return ELG_NATIVE_FALLBACK; /* required, as above */
                char canon[6];
                inside = false;
                if (code) {
                    const char *key = insee_of(code, canon) ? canon : "";
                    for (size_t k = 0; k < n->codes_count && !inside; k++)
                        inside = strcmp(n->codes[k], key) == 0;
                }
                if (!inside) {
                    say(&outside, "%s", outside_count++ ? ", " : "");
                    if (c) {
                        say(&outside, "%s", c);
                        commune_hint(n, c, &outside);
                        if (code)
                            say(&outside, ", code INSEE %s", code);
                    } else {
                        say(&outside, "%s", code);
                    }
                    fact_line_str(r, ELG_FPATH_APPLICANT_NAME, i, a->name);
                    if (!a->name)
                        return ELG_NATIVE_FALLBACK;
                    say(&outside, " (%s)", a->name);
                }
            }
            checked++;
        }
    }
    msg m;
    msg_init(&m);
    if (outside_count)
        say(&m, "Hors du territoire de l'appel (%zu communes) : %s", n->communes_count,
            outside.buf);
    else
        say(&m, "%zu commune(s) vérifiée(s), toutes dans le territoire de l'appel (%zu communes)",
            checked, n->communes_count);
    if (m.over || outside.over)
        return ELG_NATIVE_FALLBACK;
    return finish(r, x, outside_count ? ELG_RULE_FAIL : ELG_RULE_PASS, m.buf, NULL, NULL, NULL);
}

static int run_window(const elg_native *n, rec *r, const elg_native_input *in, elg_rule_result *x) {
    const elg_project *p = in->project;
    const char *opens = in->call->opens, *closes = in->call->closes;
    fact_str(r, "call.opens", opens);
    fact_str(r, "call.closes", closes);
    msg said;
    msg_init(&said);
    if (opens || closes) {
        const char *d = p->submitted;
        fact_str(r, "submitted", d);
        if (!d || (opens && strcmp(d, opens) < 0) || (closes && strcmp(d, closes) > 0))
            return ELG_NATIVE_FALLBACK;
        say(&said, "déposé le %s (appel ouvert du %s au %s)", d, opens ? opens : "…",
            closes ? closes : "…");
    }
    const char *from = n->from, *to = n->to;
    if (from || to) {
        const char *s = p->start, *e = p->end;
        fact_str(r, "period.start", s);
        fact_str(r, "period.end", e);
        if (!s || !e)
            return ELG_NATIVE_FALLBACK;
        char eligible[128];
        snprintf(eligible, sizeof eligible, "du %s au %s", from ? from : "…", to ? to : "…");
        if ((from && strcmp(s, from) < 0) || (to && strcmp(e, to) > 0)) {
            msg m;
            msg_init(&m);
            say(&m, "Projet du %s au %s, hors de la période éligible %s", s, e, eligible);
            if (m.over)
                return ELG_NATIVE_FALLBACK;
            return finish(r, x, ELG_RULE_FAIL, m.buf, NULL, NULL, NULL);
        }
        say(&said, "%sprojet du %s au %s dans la période éligible %s", said.len ? " ; " : "", s, e,
            eligible);
    }
    if (!said.len || said.over)
        return ELG_NATIVE_FALLBACK;
    /* string.upper of the first byte (ASCII, as Lua). */
    if (said.buf[0] >= 'a' && said.buf[0] <= 'z')
        said.buf[0] = (char)(said.buf[0] - 'a' + 'A');
    return finish(r, x, ELG_RULE_PASS, said.buf, NULL, NULL, NULL);
}

int elg_native_run(const elg_native *n, const elg_native_input *in, elg_arena *a,
                   elg_rule_result *x, elg_cents *grant, bool *has_grant) {
    rec r = {.a = a};
    *has_grant = false;
    if (!requirements_met(n, in->project))
        return ELG_NATIVE_FALLBACK;
    declare(&r, n);
    int rc = ELG_NATIVE_FALLBACK;
    switch (n->op) {
    case OP_BALANCE:
        rc = run_balance(&r, in, x);
        break;
    case OP_CEILING:
        rc = run_ceiling(n, &r, in, x, grant, has_grant);
        break;
    case OP_EARMARK:
        rc = run_earmark(n, &r, in, x, grant, has_grant);
        break;
    case OP_RATE_CEILING:
        rc = run_rate_ceiling(n, &r, in, x, grant, has_grant);
        break;
    case OP_APPLICANTS:
        rc = run_applicants(n, &r, in, x);
        break;
    case OP_TERRITORY:
        rc = run_territory(n, &r, in, x);
        break;
    case OP_WINDOW:
        rc = run_window(n, &r, in, x);
        break;
    }
    if (rc == ELG_NATIVE_DONE && r.nomem)
        return ELG_NATIVE_NOMEM;
    return rc;
}
