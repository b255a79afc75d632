/*
 * rules: the bridge between documents, the sandbox and the trace (see rules.h).
 *
 * Documents become plain Lua tables here (amounts as integers in cents,
 * rates as {num=, den=}); the prelude wraps them in recording views. Lua
 * values come back as JSON: integers stay integers, and a float in a figure
 * is refused, because an amount must never have been through a float.
 */
#include "rules.h"

#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "files.h"
#include "luamsg.h"
#include "rules_internal.h"
#include "tr.h"

#define MAX_JSON_DEPTH 32

/* ---- directory loader --------------------------------------------------- */

/* Rule paths are relative, without "..", so a call document cannot make the
 * engine read outside the rules directory. */
static int path_is_safe(const char *path) {
    if (!path[0] || path[0] == '/')
        return 0;
    for (const char *p = path; *p; p++) {
        if (p[0] == '.' && p[1] == '.' && (p == path || p[-1] == '/'))
            return 0;
    }
    return 1;
}

int elg_rules_read_file(const char *dir, const char *path, char **data, size_t *len,
                        elg_error *err) {
    char full[4096];
    *data = NULL;
    *len = 0;
    if (!path_is_safe(path))
        return elg_error_set(err, ELG_EINPUT,
                             "rule path \"%s\" must be relative to the rules "
                             "directory, without \"..\"",
                             path);
    if ((size_t)snprintf(full, sizeof full, "%s/%s", dir, path) >= sizeof full)
        return elg_error_set(err, ELG_EINPUT, "rule path too long: %s", path);
    elg_error e = {0};
    int rc = elg_files_read(full, SIZE_MAX / 2, data, len, &e);
    if (rc == ELG_ENOTFOUND)
        return elg_error_set(err, rc, "cannot read rule file rules/%s: %s", path,
                             elg_strerror(ENOENT));
    if (rc)
        return elg_error_set(err, rc, "rules/%s: %s", path, e.message);
    return 0;
}

static int dir_loader(void *ctx, const char *path, char **data, size_t *len, elg_error *err) {
    return elg_rules_read_file(ctx, path, data, len, err);
}

/* ---- open / free ---------------------------------------------------------- */

int elg_rules_open(const elg_limits *limits, elg_source_fn loader, void *loader_ctx,
                   elg_rules **out, elg_error *err) {
    *out = NULL;
    elg_rules *r = calloc(1, sizeof *r);
    if (!r)
        return elg_error_set(err, ELG_ENOMEM, "out of memory opening the rules");
    int rc = elg_sandbox_new(limits, loader, loader_ctx, &r->sb, err);
    if (rc)
        goto fail;
    elg_sandbox_push_entry(r->sb, "load_library");
    rc = elg_sandbox_call(r->sb, 0, 0, NULL, err);
    if (rc) {
        char msg[sizeof err->message];
        snprintf(msg, sizeof msg, "%s", err->message);
        snprintf(err->message, sizeof err->message, elg_tr("loading the rule library: %.470s"),
                 msg);
        goto fail;
    }
    *out = r;
    return 0;
fail:
    elg_rules_free(r);
    return rc;
}

int elg_rules_open_dir(const char *dir, const elg_limits *limits, elg_rules **out, elg_error *err) {
    char *d = strdup(dir);
    if (!d)
        return elg_error_set(err, ELG_ENOMEM, "out of memory opening the rules");
    int rc = elg_rules_open(limits, dir_loader, d, out, err);
    if (rc) {
        free(d);
        return rc;
    }
    (*out)->dir = d;
    return 0;
}

void elg_rules_free(elg_rules *r) {
    if (!r)
        return;
    elg_sandbox_free(r->sb);
    for (size_t i = 0; i < r->chunks_count; i++)
        free(r->chunks[i].path);
    free(r->chunks);
    free(r->dir);
    free(r);
}

const char *elg_rules_source(const elg_rules *r, const char *path, size_t *len) {
    for (size_t i = 0; i < elg_sandbox_sources_count(r->sb); i++) {
        const elg_source_record *s = elg_sandbox_source(r->sb, i);
        if (strcmp(s->path, path) == 0) {
            if (len)
                *len = s->len;
            return s->data;
        }
    }
    return NULL;
}

/* ---- Lua -> JSON ------------------------------------------------------------ */

static json_t *lua_to_json(lua_State *L, int idx, int depth, elg_error *err);

static json_t *string_json(const char *s, size_t len) {
    json_t *j = json_stringn(s, len);
    return j ? j : json_string("(text that is not valid UTF-8)");
}

static int cmp_keys(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static json_t *table_to_json(lua_State *L, int idx, int depth, elg_error *err) {
    idx = lua_absindex(L, idx);
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    size_t count = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        count++;
        lua_pop(L, 1);
    }
    if (n > 0 && (size_t)n == count) {
        json_t *arr = json_array();
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, idx, i);
            json_t *v = lua_to_json(L, -1, depth + 1, err);
            lua_pop(L, 1);
            if (!v) {
                json_decref(arr);
                return NULL;
            }
            json_array_append_new(arr, v);
        }
        return arr;
    }
    /* An object, keys sorted: Lua's iteration order is not reproducible. */
    const char **keys = calloc(count ? count : 1, sizeof *keys);
    json_t *obj = json_object();
    size_t k = 0;
    if (!keys || !obj)
        goto fail;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) {
            lua_pop(L, 1);
            elg_error_set(err, ELG_ERULE,
                          "a table with keys that are not text cannot be "
                          "reported (use a list or text keys)");
            goto fail;
        }
        keys[k++] = lua_tostring(L, -1); /* kept alive by the table */
    }
    qsort(keys, k, sizeof *keys, cmp_keys);
    for (size_t i = 0; i < k; i++) {
        lua_getfield(L, idx, keys[i]);
        json_t *v = lua_to_json(L, -1, depth + 1, err);
        lua_pop(L, 1);
        if (!v)
            goto fail;
        json_object_set_new(obj, keys[i], v);
    }
    free(keys);
    return obj;
fail:
    free(keys);
    json_decref(obj);
    return NULL;
}

static json_t *lua_to_json(lua_State *L, int idx, int depth, elg_error *err) {
    if (depth > MAX_JSON_DEPTH) {
        elg_error_set(err, ELG_ERULE, "value nested more than %d levels", MAX_JSON_DEPTH);
        return NULL;
    }
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        return json_null();
    case LUA_TBOOLEAN:
        return json_boolean(lua_toboolean(L, idx));
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx))
            return json_integer(lua_tointeger(L, idx));
        elg_error_set(err, ELG_ERULE,
                      "the number %s is not an integer: amounts are integer "
                      "cents and rates {num=, den=}, never decimals",
                      lua_tostring(L, idx));
        return NULL;
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        return string_json(s, len);
    }
    case LUA_TTABLE:
        return table_to_json(L, idx, depth, err);
    default:
        elg_error_set(err, ELG_ERULE, "a %s cannot be reported in a trace",
                      lua_typename(L, lua_type(L, idx)));
        return NULL;
    }
}

/* ---- Lua -> elg_value (decisions) ------------------------------------------- */

typedef struct key_ref {
    const char *key; /* kept alive by the table while converting */
    size_t len;
} key_ref;

static int cmp_key_refs(const void *a, const void *b) {
    return strcmp(((const key_ref *)a)->key, ((const key_ref *)b)->key);
}

static int value_error(elg_error *err, const char *fmt, const char *arg) {
    return elg_error_set(err, ELG_ERULE, fmt, arg);
}

bool rules_spend(size_t *budget, size_t n) {
    if (!budget)
        return true;
    if (*budget < n)
        return false;
    *budget -= n;
    return true;
}

int rules_over_output(elg_error *err) {
    return elg_error_set(err, ELG_ERULE,
                         "the result is larger than the output limit (--max-output)");
}

static int table_to_value(lua_State *L, int idx, elg_arena *a, elg_value *out, int depth,
                          size_t *budget, elg_error *err) {
    idx = lua_absindex(L, idx);
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    size_t count = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        count++;
        lua_pop(L, 1);
    }
    if (n > 0 && (size_t)n == count) {
        out->type = ELG_VALUE_LIST;
        out->u.list.items = elg_arena_array(a, count, sizeof(elg_value));
        if (!out->u.list.items)
            return elg_error_set(err, ELG_ENOMEM, "out of memory");
        out->u.list.count = count;
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, idx, i);
            int rc = rules_to_value(L, -1, a, &out->u.list.items[i - 1], depth + 1, budget, err);
            lua_pop(L, 1);
            if (rc)
                return rc;
        }
        return 0;
    }
    /* A map, keys sorted: Lua's iteration order is not reproducible. */
    key_ref *keys = elg_arena_array(a, count, sizeof *keys);
    elg_value_pair *pairs = elg_arena_array(a, count, sizeof *pairs);
    if (!keys || !pairs)
        return elg_error_set(err, ELG_ENOMEM, "out of memory");
    size_t k = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) {
            lua_pop(L, 1);
            return value_error(err,
                               "a table with keys that are not text cannot be reported%s"
                               " (use a list or text keys)",
                               "");
        }
        keys[k].key = lua_tolstring(L, -1, &keys[k].len);
        k++;
    }
    qsort(keys, k, sizeof *keys, cmp_key_refs);
    out->type = ELG_VALUE_MAP;
    out->u.map.pairs = pairs;
    out->u.map.count = k;
    for (size_t i = 0; i < k; i++) {
        if (!rules_spend(budget, keys[i].len))
            return rules_over_output(err);
        pairs[i].key = elg_arena_strndup(a, keys[i].key, keys[i].len);
        if (!pairs[i].key)
            return elg_error_set(err, ELG_ENOMEM, "out of memory");
        lua_pushlstring(L, keys[i].key, keys[i].len);
        lua_rawget(L, idx);
        int rc = rules_to_value(L, -1, a, &pairs[i].value, depth + 1, budget, err);
        lua_pop(L, 1);
        if (rc)
            return rc;
    }
    return 0;
}

int rules_to_value(lua_State *L, int idx, elg_arena *a, elg_value *out, int depth, size_t *budget,
                   elg_error *err) {
    memset(out, 0, sizeof *out);
    if (depth > MAX_JSON_DEPTH)
        return elg_error_set(err, ELG_ERULE, "value nested more than %d levels", MAX_JSON_DEPTH);
    if (!rules_spend(budget, 8))
        return rules_over_output(err);
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        out->type = ELG_VALUE_NULL;
        return 0;
    case LUA_TBOOLEAN:
        out->type = ELG_VALUE_BOOL;
        out->u.boolean = lua_toboolean(L, idx);
        return 0;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            out->type = ELG_VALUE_INT;
            out->u.integer = lua_tointeger(L, idx);
            return 0;
        }
        {
            char num[64];
            snprintf(num, sizeof num, "%.17g", (double)lua_tonumber(L, idx));
            return value_error(err,
                               "the number %s is not an integer: amounts are integer "
                               "cents and rates {num=, den=}, never decimals",
                               num);
        }
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        if (!rules_spend(budget, len))
            return rules_over_output(err);
        if (memchr(s, '\0', len))
            return elg_error_set(err, ELG_ERULE, "text with a NUL byte cannot be reported");
        out->type = ELG_VALUE_STRING;
        out->u.str.text = elg_arena_strndup(a, s, len);
        out->u.str.len = len;
        return out->u.str.text ? 0 : elg_error_set(err, ELG_ENOMEM, "out of memory");
    }
    case LUA_TTABLE:
        return table_to_value(L, idx, a, out, depth, budget, err);
    default:
        return value_error(err, "a %s cannot be reported in a trace",
                           lua_typename(L, lua_type(L, idx)));
    }
}

/* ---- documents -> Lua ------------------------------------------------------ */

static void set_str(lua_State *L, const char *key, const char *value) {
    if (!value)
        return;
    lua_pushstring(L, value);
    lua_setfield(L, -2, key);
}

static void set_int(lua_State *L, const char *key, long long value) {
    lua_pushinteger(L, value);
    lua_setfield(L, -2, key);
}

static void push_rate(lua_State *L, elg_rate r) {
    lua_createtable(L, 0, 2);
    set_int(L, "num", r.num);
    set_int(L, "den", r.den);
}

static void push_strings(lua_State *L, char **items, size_t n) {
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(L, items[i]);
        lua_seti(L, -2, (lua_Integer)i + 1);
    }
}

void rules_push_project(lua_State *L, const elg_project *p, const elg_financer *const *financers,
                        size_t financers_count) {
    lua_createtable(L, 0, 16);
    set_str(L, "id", p->id);
    set_str(L, "title", p->title);
    set_str(L, "owner_status",
            p->owner_status ? p->owner_status
                            : (p->applicants_count ? p->applicants[0].status : NULL));
    lua_createtable(L, (int)p->applicants_count, 0);
    for (size_t i = 0; i < p->applicants_count; i++) {
        const elg_applicant *a = &p->applicants[i];
        lua_createtable(L, 0, 8);
        set_str(L, "name", a->name);
        set_str(L, "status", a->status);
        set_str(L, "siret", a->siret);
        set_str(L, "rna", a->rna);
        set_str(L, "commune", a->commune);
        set_str(L, "insee", a->insee);
        if (a->has_share) {
            push_rate(L, a->share);
            lua_setfield(L, -2, "share");
        }
        push_strings(L, a->approvals, a->approvals_count);
        lua_setfield(L, -2, "approvals");
        lua_seti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "applicants");
    push_strings(L, p->territory, p->territory_count);
    lua_setfield(L, -2, "territory");
    lua_createtable(L, 0, 2);
    set_str(L, "start", p->start);
    set_str(L, "end", p->end);
    lua_setfield(L, -2, "period");
    set_str(L, "submitted", p->submitted);
    push_strings(L, p->themes, p->themes_count);
    lua_setfield(L, -2, "themes");
    lua_createtable(L, (int)p->expenses_count, 0);
    for (size_t i = 0; i < p->expenses_count; i++) {
        const elg_expense *e = &p->expenses[i];
        lua_createtable(L, 0, 3);
        set_str(L, "category", elg_category_name(e->category));
        set_str(L, "label", e->label);
        set_int(L, "amount", e->amount);
        set_str(L, "action", e->action);
        lua_seti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "expenses");
    lua_createtable(L, (int)p->resources_count, 0);
    for (size_t i = 0; i < p->resources_count; i++) {
        const elg_resource *res = &p->resources[i];
        const elg_financer *f = elg_financer_find(financers, financers_count, res->financer);
        lua_createtable(L, 0, 9);
        set_str(L, "financer", res->financer);
        set_str(L, "label", res->label);
        set_int(L, "amount", res->amount);
        set_str(L, "status", res->status == ELG_RES_GRANTED ? "granted" : "requested");
        if (res->earmark)
            set_str(L, "earmark", elg_category_name(res->earmark));
        set_str(L, "action", res->action);
        set_str(L, "grant_reference", res->grant_reference);
        set_str(L, "grant_date", res->grant_date);
        /* What the financer published under that act (engine/check.c): the share checks count
         * it when it is more than the line says. */
        if (p->published && p->published[i].rows) {
            set_int(L, "published", p->published[i].amount);
            set_str(L, "published_source", p->published[i].source);
        }
        if (f) {
            set_str(L, "nature", elg_nature_name(f->nature));
            lua_pushboolean(L, elg_nature_is_public(f->nature));
            lua_setfield(L, -2, "public");
        }
        lua_seti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "resources");
    lua_createtable(L, (int)p->applies_to_count, 0);
    for (size_t i = 0; i < p->applies_to_count; i++) {
        lua_createtable(L, 0, 2);
        set_str(L, "call", p->applies_to[i].call);
        set_int(L, "requested", p->applies_to[i].requested);
        lua_seti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "applies_to");
    /* de_minimis: the aid the applicant declares, [{date, amount, source}]. */
    lua_createtable(L, (int)p->de_minimis_count, 0);
    for (size_t i = 0; i < p->de_minimis_count; i++) {
        lua_createtable(L, 0, 3);
        set_str(L, "date", p->de_minimis[i].date);
        set_int(L, "amount", p->de_minimis[i].amount);
        set_str(L, "source", p->de_minimis[i].source);
        lua_seti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "de_minimis");
    /* aid_received: grants other funders published for the applicants (engine/check.c fills
     * it from imported SCDL files), [{date, amount, source}]. */
    lua_createtable(L, (int)p->aid_received_count, 0);
    for (size_t i = 0; i < p->aid_received_count; i++) {
        lua_createtable(L, 0, 3);
        set_str(L, "date", p->aid_received[i].date);
        set_int(L, "amount", p->aid_received[i].amount);
        set_str(L, "source", p->aid_received[i].source);
        lua_seti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "aid_received");
}

void rules_push_call(lua_State *L, const elg_call *c, const elg_edition *edition) {
    lua_createtable(L, 0, 10);
    set_str(L, "id", c->id);
    set_str(L, "title", c->title);
    set_str(L, "financer", c->financer);
    set_str(L, "basis", c->basis);
    set_str(L, "opens", c->opens);
    set_str(L, "closes", c->closes);
    if (c->has_envelope)
        set_int(L, "envelope", c->envelope);
    if (edition) {
        set_str(L, "edition", edition->name);
        set_str(L, "edition_from", edition->from);
    }
}

void rules_set_requested(lua_State *L, int call_idx, const elg_call *c, const elg_project *p) {
    call_idx = lua_absindex(L, call_idx);
    lua_pushnil(L);
    for (size_t i = 0; p && i < p->applies_to_count; i++)
        if (strcmp(p->applies_to[i].call, c->id) == 0) {
            lua_pop(L, 1);
            lua_pushinteger(L, p->applies_to[i].requested);
        }
    lua_setfield(L, call_idx, "requested");
}

static void push_param_value(lua_State *L, const elg_param *p) {
    switch (p->type) {
    case ELG_PARAM_MONEY:
        lua_pushinteger(L, p->money);
        break;
    case ELG_PARAM_RATE:
        push_rate(L, p->rate);
        break;
    case ELG_PARAM_INTEGER:
        lua_pushinteger(L, p->integer);
        break;
    case ELG_PARAM_BOOL:
        lua_pushboolean(L, p->boolean);
        break;
    case ELG_PARAM_LIST:
        push_strings(L, p->list, p->list_count);
        break;
    case ELG_PARAM_TEXT:
    case ELG_PARAM_DATE:
    default:
        lua_pushstring(L, p->text ? p->text : "");
        break;
    }
}

void rules_push_params(lua_State *L, const elg_call *c, const elg_edition *edition) {
    lua_createtable(L, 0, (int)c->params_count);
    for (size_t i = 0; i < c->params_count; i++) {
        push_param_value(L, &c->params[i]);
        lua_setfield(L, -2, c->params[i].name);
    }
    if (edition) {
        for (size_t i = 0; i < edition->params_count; i++) {
            push_param_value(L, &edition->params[i]);
            lua_setfield(L, -2, edition->params[i].name);
        }
    }
}

/* ---- evaluation ---------------------------------------------------------------- */

int rules_push_chunk(elg_rules *r, const char *path, elg_error *err) {
    lua_State *L = elg_sandbox_state(r->sb);
    for (size_t i = 0; i < r->chunks_count; i++) {
        if (strcmp(r->chunks[i].path, path) == 0) {
            lua_rawgeti(L, LUA_REGISTRYINDEX, r->chunks[i].ref);
            return 0;
        }
    }
    const char *src;
    size_t len;
    int rc = elg_sandbox_read_source(r->sb, path, &src, &len, err);
    if (rc)
        return rc;
    if (r->chunks_count == r->chunks_cap) {
        size_t cap = r->chunks_cap ? r->chunks_cap * 2 : 8;
        compiled *n = realloc(r->chunks, cap * sizeof *n);
        if (!n)
            return elg_error_set(err, ELG_ENOMEM, "out of memory compiling rules/%s", path);
        r->chunks = n;
        r->chunks_cap = cap;
    }
    elg_sandbox_push_entry(r->sb, "compile");
    lua_pushstring(L, path);
    lua_pushlstring(L, src, len);
    rc = elg_sandbox_call(r->sb, 2, 2, NULL, err);
    if (rc)
        return rc;
    if (lua_isnil(L, -2)) {
        /* "rules/calls/x.lua:12: syntax error near ..." */
        const char *msg = lua_tostring(L, -1);
        char fr[ELG_LUAMSG_MAX];
        elg_error_set(err, ELG_ERULE, "%s",
                      !msg                                    ? elg_tr("cannot compile")
                      : elg_luamsg_french(msg, fr, sizeof fr) ? fr
                                                              : msg);
        char file[300];
        snprintf(file, sizeof file, "rules/%s", path);
        int line = 0;
        size_t flen = strlen(file);
        if (msg && strncmp(msg, file, flen) == 0 && msg[flen] == ':')
            line = atoi(msg + flen + 1);
        elg_error_at(err, file, line, 0, NULL);
        lua_pop(L, 2);
        return ELG_ERULE;
    }
    lua_pop(L, 1);
    char *p = strdup(path);
    if (!p) {
        lua_pop(L, 1);
        return elg_error_set(err, ELG_ENOMEM, "out of memory compiling rules/%s", path);
    }
    lua_pushvalue(L, -1);
    r->chunks[r->chunks_count].path = p;
    r->chunks[r->chunks_count].ref = luaL_ref(L, LUA_REGISTRYINDEX);
    r->chunks_count++;
    return 0;
}

/* A rule entry with status "error" for a failure located by err (lint). */
static json_t *error_rule(const char *id, const char *title, const elg_error *e) {
    char where[300] = "";
    if (e->file[0] && e->line > 0)
        snprintf(where, sizeof where, "%s:%d", e->file, e->line);
    return json_pack("{sssssssssssssss{}s{}s[]s[]}", "id", id, "title", title, "status", "error",
                     "message", e->message, "basis", "", "source", where, "error_at", where,
                     "facts", "figures", "notices", "missing");
}

/* result.declared = [{id, title, basis, source, kind}] for every rule
 * declared (duplicates included) and result.asked = [{name, at, optional}]
 * for every parameter asked for while declaring. */
static int lint_declarations(elg_rules *r, int nrules, json_t *result, elg_error *err) {
    lua_State *L = elg_sandbox_state(r->sb);
    json_t *declared = json_array();
    json_object_set_new(result, "declared", declared);
    elg_error e = {0};
    for (int i = 1; i <= nrules; i++) {
        elg_sandbox_push_entry(r->sb, "rule_info");
        lua_pushinteger(L, i);
        if (elg_sandbox_call(r->sb, 1, 5, NULL, &e))
            return elg_error_set(err, ELG_ERULE, "rule %d: %s", i, e.message);
        json_array_append_new(
            declared, json_pack("{s:s,s:s,s:s,s:s,s:s?}", "id", lua_tostring(L, -5), "title",
                                lua_tostring(L, -4), "basis", lua_tostring(L, -3), "source",
                                lua_tostring(L, -2), "kind", lua_tostring(L, -1)));
        lua_pop(L, 5);
    }
    elg_sandbox_push_entry(r->sb, "lint_asked");
    if (elg_sandbox_call(r->sb, 0, 1, NULL, &e))
        return elg_error_set(err, ELG_ERULE, "lint: %s", e.message);
    json_t *asked = lua_to_json(L, -1, 0, &e);
    lua_pop(L, 1);
    if (!asked)
        return elg_error_set(err, ELG_ERULE, "lint: %s", e.message);
    if (!json_is_array(asked)) { /* an empty Lua table comes back as {} */
        json_decref(asked);
        asked = json_array();
    }
    json_object_set_new(result, "asked", asked);
    return 0;
}

int elg_rules_declare(elg_rules *r, const elg_call *call, const elg_edition *edition, json_t **out,
                      elg_error *err) {
    lua_State *L = elg_sandbox_state(r->sb);
    int top = lua_gettop(L);
    json_t *result = json_object();
    json_t *rules_json = json_array();
    int rc = 0;
    *out = NULL;
    json_object_set_new(result, "rules", rules_json);

    elg_error e = {0};
    int nrules = 0;
    char call_display[300];
    snprintf(call_display, sizeof call_display, "rules/%s", call->rules);
    if (rules_push_chunk(r, call->rules, &e) == 0) {
        /* begin(chunk, project, call, params, lint) -> number of rules */
        elg_sandbox_push_entry(r->sb, "begin");
        lua_insert(L, -2);
        lua_pushnil(L);
        rules_push_call(L, call, edition);
        rules_push_params(L, call, edition);
        lua_pushboolean(L, 1);
        if (elg_sandbox_call(r->sb, 5, 1, NULL, &e) == 0) {
            nrules = (int)lua_tointeger(L, -1);
            lua_pop(L, 1);
        } else {
            json_array_append_new(
                rules_json, error_rule("chargement-regles", "Chargement du fichier de règles", &e));
        }
    } else if (e.code == ELG_ERULE || e.code == ELG_ENOTFOUND || e.code == ELG_EIO ||
               e.code == ELG_EINPUT) {
        if (!e.file[0])
            elg_error_at(&e, call_display, 0, 0, NULL);
        json_array_append_new(
            rules_json, error_rule("chargement-regles", "Chargement du fichier de règles", &e));
    } else {
        rc = elg_error_set(err, e.code, "%s", e.message);
        goto out;
    }
    if ((rc = lint_declarations(r, nrules, result, err)))
        goto out;
    elg_sandbox_push_entry(r->sb, "finish");
    if (elg_sandbox_call(r->sb, 0, 1, NULL, &e) == 0)
        lua_pop(L, 1);
    *out = result;
    result = NULL;
out:
    lua_settop(L, top);
    json_decref(result);
    return rc;
}

json_t *elg_rules_globals(elg_rules *r) {
    lua_State *L = elg_sandbox_state(r->sb);
    elg_error e = {0};
    json_t *names = NULL;
    elg_sandbox_push_entry(r->sb, "globals");
    if (elg_sandbox_call(r->sb, 0, 1, NULL, &e) == 0) {
        names = lua_to_json(L, -1, 0, &e);
        lua_pop(L, 1);
    }
    return names ? names : json_array();
}
