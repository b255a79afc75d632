/*
 * eval: a call prepared once, projects decided against it (see eval.h).
 *
 * Every use of the Lua API after preparation runs inside a protected call
 * (a C function given to elg_sandbox_call with its context as a light
 * userdata), so that a memory error while building the project's tables or
 * converting a rule's result becomes an `error` result, never an abort.
 * Results are converted straight into the decision's arena and checked
 * here, in C: the prelude shapes them, but a rule can tamper with the table
 * it returns.
 */
#include "eval.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "figures.h"
#include "hash.h"
#include "native.h"
#include "rules_internal.h"
#include "tr.h"

#define LOAD_RULE_ID "chargement-regles"
#define LOAD_RULE_TITLE "Chargement du fichier de règles"

typedef struct slot {
    const elg_edition *edition; /* NULL: the base parameters */
    int id;                     /* the prelude's slot number */
    int call_ref, params_ref;   /* Lua tables in the registry */
    elg_ruleset *rs;            /* built by the first decision */
    size_t sources_at;          /* sources the sandbox had read when rs was built */
    /* Native rules (native.h): compiled after the first decision of a slot
     * whose declarations are stable, when every rule has a descriptor. */
    bool native_tried, native_ready;
    elg_native **natives;
    const char **used; /* the parameters the rules asked for */
    size_t used_count;
    /* used resolved in rs (NULL until a native decision did it): the same for
     * every native decision of the slot, it was 28 name comparisons each. */
    const elg_param_value **params;
    size_t params_count;
} slot;

struct elg_eval {
    elg_rules *r;
    const elg_call *call;
    int call_version;
    const char *call_sha256;
    const elg_financer *const *financers;
    size_t financers_count;
    elg_financer_version *fv;
    size_t fv_count;
    int chunk_ref;      /* LUA_NOREF when the rule file did not load */
    elg_error load_err; /* why, then */
    slot *slots;        /* [0]: no edition, [k + 1]: call->editions[k] */
    size_t slots_count;
    elg_native_mode native_mode;
    elg_eval_stats stats;
    elg_arena *arena;
    elg_eval_rule_hook hook; /* elg_eval_set_rule_hook */
    uint64_t rs_generation;  /* counts the slots' rulesets made (the hook's generation) */
    void *hook_ctx;
};

static lua_State *state(elg_eval *ev) {
    return elg_sandbox_state(ev->r->sb);
}

/* Runs f(ud) protected, under the limits. [-0, +0] */
static int protected(elg_eval *ev, lua_CFunction f, void *ud, char **traceback, elg_error *e) {
    lua_State *L = state(ev);
    lua_pushcfunction(L, f);
    lua_pushlightuserdata(L, ud);
    return elg_sandbox_call(ev->r->sb, 1, 0, traceback, e);
}

static long long now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

const elg_edition *elg_eval_edition(const elg_call *call, const elg_project *p) {
    return elg_call_edition_at(call, p->submitted ? p->submitted : p->start);
}

/* ---- preparing ----------------------------------------------------------- */

typedef struct slot_job {
    elg_eval *ev;
    slot *s;
} slot_job;

static int slot_pf(lua_State *L) {
    slot_job *j = lua_touserdata(L, 1);
    rules_push_call(L, j->ev->call, j->s->edition);
    j->s->call_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    rules_push_params(L, j->ev->call, j->s->edition);
    j->s->params_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

int elg_eval_prepare(elg_rules *rules, const elg_eval_call *in, elg_eval **out, elg_error *err) {
    *out = NULL;
    elg_arena *a = elg_arena_new();
    elg_eval *ev = a ? elg_arena_alloc(a, sizeof *ev) : NULL;
    if (!ev) {
        elg_arena_free(a);
        return elg_error_set(err, ELG_ENOMEM, "out of memory preparing a call");
    }
    ev->arena = a;
    ev->r = rules;
    ev->call = in->call;
    ev->call_version = in->call_version;
    ev->financers = in->financers;
    ev->financers_count = in->financers_count;
    ev->chunk_ref = LUA_NOREF;
    ev->native_mode = elg_native_mode_get();
    ev->call_sha256 = elg_arena_strdup(a, in->call_sha256 ? in->call_sha256 : "");
    ev->fv = elg_arena_array(a, in->financer_versions_count, sizeof *ev->fv);
    ev->slots_count = in->call->editions_count + 1;
    ev->slots = elg_arena_array(a, ev->slots_count, sizeof *ev->slots);
    int rc = 0;
    if (!ev->call_sha256 || !ev->fv || !ev->slots) {
        rc = elg_error_set(err, ELG_ENOMEM, "out of memory preparing a call");
        goto fail;
    }
    for (size_t i = 0; i < in->financer_versions_count; i++) {
        const elg_financer_version *f = &in->financer_versions[i];
        ev->fv[i].financer = elg_arena_strdup(a, f->financer);
        ev->fv[i].sha256 = elg_arena_strdup(a, f->sha256);
        ev->fv[i].version = f->version;
        if (!ev->fv[i].financer || !ev->fv[i].sha256) {
            rc = elg_error_set(err, ELG_ENOMEM, "out of memory preparing a call");
            goto fail;
        }
    }
    ev->fv_count = in->financer_versions_count;
    for (size_t i = 0; i < ev->slots_count; i++) {
        slot *s = &ev->slots[i];
        s->edition = i ? &in->call->editions[i - 1] : NULL;
        s->id = ++rules->next_slot;
        s->call_ref = s->params_ref = LUA_NOREF;
        slot_job j = {ev, s};
        elg_error e = {0};
        if (protected(ev, slot_pf, &j, NULL, &e)) {
            rc = elg_error_set(err, ELG_ENOMEM, "preparing call %s: %s", in->call->id, e.message);
            goto fail;
        }
    }
    lua_State *L = state(ev);
    elg_error e = {0};
    if (rules_push_chunk(rules, in->call->rules, &e) == 0) {
        ev->chunk_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    } else if (e.code == ELG_ERULE || e.code == ELG_ENOTFOUND || e.code == ELG_EIO ||
               e.code == ELG_EINPUT) {
        char display[300];
        snprintf(display, sizeof display, "rules/%s", in->call->rules);
        if (!e.file[0])
            elg_error_at(&e, display, 0, 0, NULL);
        ev->load_err = e;
    } else {
        rc = elg_error_set(err, e.code, "%s", e.message);
        goto fail;
    }
    *out = ev;
    return 0;
fail:
    elg_eval_free(ev);
    return rc;
}

typedef struct forget_job {
    elg_eval *ev;
    int slot;
} forget_job;

static int forget_pf(lua_State *L) {
    forget_job *j = lua_touserdata(L, 1);
    elg_sandbox_push_entry(j->ev->r->sb, "forget");
    lua_rawgeti(L, LUA_REGISTRYINDEX, j->ev->chunk_ref);
    lua_pushinteger(L, j->slot);
    lua_call(L, 2, 0);
    return 0;
}

void elg_eval_free(elg_eval *ev) {
    if (!ev)
        return;
    lua_State *L = state(ev);
    for (size_t i = 0; ev->slots && i < ev->slots_count; i++) {
        slot *s = &ev->slots[i];
        if (ev->chunk_ref != LUA_NOREF && s->id) {
            forget_job j = {ev, s->id};
            elg_error ignored = {0};
            protected(ev, forget_pf, &j, NULL, &ignored);
        }
        luaL_unref(L, LUA_REGISTRYINDEX, s->call_ref);
        luaL_unref(L, LUA_REGISTRYINDEX, s->params_ref);
        elg_ruleset_unref(s->rs);
    }
    luaL_unref(L, LUA_REGISTRYINDEX, ev->chunk_ref);
    elg_arena_free(ev->arena); /* ev itself lives in its arena */
}

/* ---- the ruleset ----------------------------------------------------------- */

static int oom(elg_error *err) {
    return elg_error_set(err, ELG_ENOMEM, "out of memory building a decision");
}

static int param_value(elg_arena *a, const elg_param *p, elg_value *v) {
    switch (p->type) {
    case ELG_PARAM_MONEY:
        v->type = ELG_VALUE_INT;
        v->u.integer = p->money;
        return 0;
    case ELG_PARAM_INTEGER:
        v->type = ELG_VALUE_INT;
        v->u.integer = p->integer;
        return 0;
    case ELG_PARAM_BOOL:
        v->type = ELG_VALUE_BOOL;
        v->u.boolean = p->boolean;
        return 0;
    case ELG_PARAM_RATE: {
        elg_value_pair *pairs = elg_arena_array(a, 2, sizeof *pairs);
        if (!pairs)
            return -1;
        pairs[0] = (elg_value_pair){"den", {.type = ELG_VALUE_INT, .u.integer = p->rate.den}};
        pairs[1] = (elg_value_pair){"num", {.type = ELG_VALUE_INT, .u.integer = p->rate.num}};
        v->type = ELG_VALUE_MAP;
        v->u.map.pairs = pairs;
        v->u.map.count = 2;
        return 0;
    }
    case ELG_PARAM_LIST:
        v->type = ELG_VALUE_LIST;
        v->u.list.items = elg_arena_array(a, p->list_count, sizeof(elg_value));
        if (!v->u.list.items)
            return -1;
        v->u.list.count = p->list_count;
        for (size_t i = 0; i < p->list_count; i++) {
            elg_value *x = &v->u.list.items[i];
            x->type = ELG_VALUE_STRING;
            x->u.str.len = strlen(p->list[i]);
            x->u.str.text = elg_arena_strndup(a, p->list[i], x->u.str.len);
            if (!x->u.str.text)
                return -1;
        }
        return 0;
    case ELG_PARAM_TEXT:
    case ELG_PARAM_DATE:
    default:
        v->type = ELG_VALUE_STRING;
        v->u.str.text = elg_arena_strdup(a, p->text ? p->text : "");
        v->u.str.len = v->u.str.text ? strlen(v->u.str.text) : 0;
        return v->u.str.text ? 0 : -1;
    }
}

static int cmp_params(const void *a, const void *b) {
    return strcmp(((const elg_param_value *)a)->name, ((const elg_param_value *)b)->name);
}

/* Every parameter in force: the edition's over the base ones, by name.
 * Everything is copied: decisions keep their ruleset after the prepared call
 * and its documents are gone. */
static int ruleset_params(elg_ruleset *rs, const elg_call *c, const elg_edition *ed) {
    size_t n = c->params_count + (ed ? ed->params_count : 0), k = 0;
    rs->params = elg_arena_array(rs->arena, n, sizeof *rs->params);
    if (!rs->params)
        return -1;
    for (size_t i = 0; ed && i < ed->params_count; i++) {
        elg_param_value *p = &rs->params[k++];
        p->name = elg_arena_strdup(rs->arena, ed->params[i].name);
        p->type = elg_param_type_name(ed->params[i].type);
        p->edition = elg_arena_strdup(rs->arena, ed->name);
        if (!p->name || !p->edition || param_value(rs->arena, &ed->params[i], &p->value))
            return -1;
    }
    for (size_t i = 0; i < c->params_count; i++) {
        if (elg_call_param(c, ed, c->params[i].name) != &c->params[i])
            continue; /* overridden by the edition */
        elg_param_value *p = &rs->params[k++];
        p->name = elg_arena_strdup(rs->arena, c->params[i].name);
        p->type = elg_param_type_name(c->params[i].type);
        if (!p->name || param_value(rs->arena, &c->params[i], &p->value))
            return -1;
    }
    qsort(rs->params, k, sizeof *rs->params, cmp_params);
    rs->params_count = k;
    return 0;
}

static int cmp_files(const void *a, const void *b) {
    return strcmp(((const elg_file_ref *)a)->path, ((const elg_file_ref *)b)->path);
}

/* The library and, of the call files, only the one evaluated; and the hash
 * over "path sha256\n" lines in path order (the decision's ruleset_sha256),
 * so that it does not depend on the order files were read. */
static int ruleset_files(elg_eval *ev, elg_ruleset *rs) {
    elg_sandbox *sb = ev->r->sb;
    size_t n = elg_sandbox_sources_count(sb), k = 0;
    rs->rule_files = elg_arena_array(rs->arena, n, sizeof *rs->rule_files);
    elg_file_ref *sorted = elg_arena_array(rs->arena, n, sizeof *sorted);
    if (!rs->rule_files || !sorted)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const elg_source_record *s = elg_sandbox_source(sb, i);
        if (strncmp(s->path, "lib/", 4) != 0 && strcmp(s->path, ev->call->rules) != 0)
            continue;
        size_t len = strlen(s->path) + sizeof "rules/";
        char *display = elg_arena_alloc(rs->arena, len);
        if (!display)
            return -1;
        snprintf(display, len, "rules/%s", s->path);
        rs->rule_files[k].path = display;
        rs->rule_files[k].sha256 = elg_arena_strdup(rs->arena, s->sha256);
        if (!rs->rule_files[k].sha256)
            return -1;
        k++;
    }
    rs->rule_files_count = k;
    memcpy(sorted, rs->rule_files, k * sizeof *sorted);
    qsort(sorted, k, sizeof *sorted, cmp_files);
    elg_sha256_ctx *ctx = elg_sha256_begin();
    for (size_t i = 0; i < k; i++) {
        elg_sha256_update(ctx, sorted[i].path, strlen(sorted[i].path));
        elg_sha256_update(ctx, " ", 1);
        elg_sha256_update(ctx, sorted[i].sha256, strlen(sorted[i].sha256));
        elg_sha256_update(ctx, "\n", 1);
    }
    char *hex = elg_arena_alloc(rs->arena, ELG_SHA256_HEX);
    if (!hex) {
        elg_sha256_end(ctx, (char[ELG_SHA256_HEX]){0});
        return -1;
    }
    elg_sha256_end(ctx, hex);
    rs->rule_files_sha256 = hex;
    return 0;
}

/* Builds the ruleset of slot s; decls (n of them) are the rules declared
 * when the declarations are the same for every project, else NULL. */
static int build_ruleset(elg_eval *ev, slot *s, const elg_rule_decl *decls, size_t n,
                         elg_error *err) {
    elg_ruleset *rs = elg_ruleset_new();
    if (!rs)
        return oom(err);
    elg_arena *a = rs->arena;
    const elg_call *c = ev->call;
    rs->call = elg_arena_strdup(a, c->id);
    rs->call_version = ev->call_version;
    rs->call_sha256 = elg_arena_strdup(a, ev->call_sha256);
    rs->call_title = elg_arena_strdup(a, c->title);
    rs->basis = elg_arena_strdup(a, c->basis ? c->basis : "");
    int bad = !rs->call || !rs->call_sha256 || (c->title && !rs->call_title) || !rs->basis;
    if (s->edition) {
        rs->edition_name = elg_arena_strdup(a, s->edition->name);
        rs->edition_from = elg_arena_strdup(a, s->edition->from);
        bad = bad || !rs->edition_name || !rs->edition_from;
    }
    elg_limits lim = elg_sandbox_limits(ev->r->sb);
    rs->limit_instructions = lim.instructions;
    rs->limit_memory = lim.memory;
    rs->limit_time_ms = lim.time_ms;
    rs->limit_output = lim.output;
    rs->financers = elg_arena_array(a, ev->fv_count, sizeof *rs->financers);
    bad = bad || !rs->financers;
    for (size_t i = 0; !bad && i < ev->fv_count; i++) {
        rs->financers[i].financer = elg_arena_strdup(a, ev->fv[i].financer);
        rs->financers[i].sha256 = elg_arena_strdup(a, ev->fv[i].sha256);
        rs->financers[i].version = ev->fv[i].version;
        bad = !rs->financers[i].financer || !rs->financers[i].sha256;
    }
    rs->financers_count = ev->fv_count;
    bad = bad || ruleset_files(ev, rs) || ruleset_params(rs, c, s->edition);
    if (!bad && decls) {
        rs->rules = elg_arena_array(a, n, sizeof *rs->rules);
        bad = !rs->rules;
        for (size_t i = 0; !bad && i < n; i++) {
            elg_rule_decl *d = &rs->rules[i];
            d->id = elg_arena_strdup(a, decls[i].id);
            d->title = elg_arena_strdup(a, decls[i].title);
            d->basis = elg_arena_strdup(a, decls[i].basis);
            d->source = elg_arena_strdup(a, decls[i].source);
            d->kind = elg_arena_strdup(a, decls[i].kind);
            bad = !d->id || !d->title || !d->basis || !d->source || (decls[i].kind && !d->kind);
            elg_fact *df = elg_arena_array(a, decls[i].declared_count + 1, sizeof *df);
            bad = bad || !df;
            for (size_t k = 0; !bad && k < decls[i].declared_count; k++) {
                df[k].path = elg_arena_strdup(a, decls[i].declared[k].path);
                bad = !df[k].path || elg_value_copy(a, &decls[i].declared[k].value, &df[k].value);
            }
            d->declared = df;
            d->declared_count = bad ? 0 : decls[i].declared_count;
        }
        rs->rules_count = bad ? 0 : n;
    }
    int rc = bad ? oom(err) : elg_ruleset_seal(rs, err);
    if (rc) {
        elg_ruleset_unref(rs);
        return rc;
    }
    elg_ruleset_unref(s->rs);
    s->rs = rs;
    ev->rs_generation++;
    s->sources_at = elg_sandbox_sources_count(ev->r->sb);
    return 0;
}

/* ---- deciding ---------------------------------------------------------------- */

typedef struct run {
    elg_eval *ev;
    slot *s;
    const elg_eval_project *in;
    elg_decision *d;
    int nrules;
    bool stable;                /* declarations the same for every project of the slot */
    const elg_rule_decl *decls; /* the nrules declarations */
    int i;                      /* the rule being run, 1-based */
    elg_error conv;             /* what is wrong with rule i's result, if anything */
    elg_error decl_err;         /* declarations beyond the output limit */
    size_t budget;              /* bytes rule i's result may still take */
    size_t decision_budget;     /* bytes the whole decision may still take */
    long long deadline_us;      /* of the project (monotonic clock) */
    const char **used;          /* parameters the rules asked for */
    size_t used_count;
    elg_grantable *grant; /* max_grantable figures the rules reported */
    size_t grant_count;
} run;

static int begin_pf(lua_State *L) {
    run *R = lua_touserdata(L, 1);
    elg_eval *ev = R->ev;
    elg_sandbox_push_entry(ev->r->sb, "begin");
    lua_rawgeti(L, LUA_REGISTRYINDEX, ev->chunk_ref);
    rules_push_project(L, R->in->project, ev->financers, ev->financers_count);
    lua_rawgeti(L, LUA_REGISTRYINDEX, R->s->call_ref);
    rules_set_requested(L, -1, ev->call, R->in->project);
    lua_rawgeti(L, LUA_REGISTRYINDEX, R->s->params_ref);
    lua_pushboolean(L, 0);
    lua_pushinteger(L, R->s->id);
    lua_call(L, 6, 2);
    R->nrules = (int)lua_tointeger(L, -2);
    R->stable = lua_toboolean(L, -1);
    lua_pop(L, 2);
    return 0;
}

/* A text of the stack copied into the decision (NULL when not text). */
static const char *copy_text(lua_State *L, int idx, elg_arena *a) {
    size_t len;
    const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, &len) : NULL;
    return s ? elg_arena_strndup(a, s, len) : NULL;
}

static int decls_pf(lua_State *L) {
    run *R = lua_touserdata(L, 1);
    elg_arena *a = R->d->arena;
    elg_rule_decl *decls = elg_arena_array(a, (size_t)R->nrules, sizeof *decls);
    if (!decls)
        return luaL_error(L, elg_tr("out of memory"));
    for (int i = 1; i <= R->nrules; i++) {
        elg_sandbox_push_entry(R->ev->r->sb, "rule_info");
        lua_pushinteger(L, i);
        lua_call(L, 1, 5);
        elg_rule_decl *d = &decls[i - 1];
        d->id = copy_text(L, -5, a);
        d->title = copy_text(L, -4, a);
        d->basis = copy_text(L, -3, a);
        d->source = copy_text(L, -2, a);
        d->kind = copy_text(L, -1, a);
        if (!d->id || !d->title || !d->basis || !d->source)
            return luaL_error(L, elg_tr("out of memory"));
        lua_pop(L, 5);
        /* Declarations are bounded like results: each text by the rule's
         * output limit, all of them by the decision's. */
        size_t per_rule = elg_sandbox_limits(R->ev->r->sb).output, used = 0;
        const char *const texts_of[] = {d->id, d->title, d->basis, d->kind ? d->kind : ""};
        for (size_t k = 0; k < 4; k++)
            used += strlen(texts_of[k]);
        if (used > per_rule || !rules_spend(&R->decision_budget, used)) {
            elg_error_set(&R->decl_err, ELG_ERULE,
                          "rule %.80s%s: its declaration takes %zu bytes, over the output limit "
                          "(--max-output, %zu bytes per rule)",
                          d->id, strlen(d->id) > 80 ? "…" : "", used, per_rule);
            const char *colon = strrchr(d->source, ':');
            char file[300];
            snprintf(file, sizeof file, "%.*s", colon ? (int)(colon - d->source) : 0, d->source);
            elg_error_at(&R->decl_err, file, colon ? atoi(colon + 1) : 0, 0, NULL);
            return 0;
        }
        /* The facts read while it was declared: the same for every project,
         * kept in the ruleset. */
        elg_sandbox_push_entry(R->ev->r->sb, "rule_native");
        lua_pushinteger(L, i);
        lua_call(L, 1, 2);
        size_t nd = lua_type(L, -1) == LUA_TTABLE ? lua_rawlen(L, -1) : 0;
        elg_fact *facts = elg_arena_array(a, nd + 1, sizeof *facts);
        if (!facts)
            return luaL_error(L, elg_tr("out of memory"));
        size_t kept = 0;
        for (size_t k = 0; k < nd; k++) {
            lua_rawgeti(L, -1, (lua_Integer)k + 1);
            lua_rawgeti(L, -1, 1);
            lua_rawgeti(L, -2, 2);
            elg_error ignored = {0};
            elg_fact *f = &facts[kept];
            bool seen = false; /* the prelude records a fact once per rule */
            for (size_t q = 0; q < kept && lua_type(L, -2) == LUA_TSTRING; q++)
                seen = seen || strcmp(facts[q].path, lua_tostring(L, -2)) == 0;
            if (!seen && lua_type(L, -2) == LUA_TSTRING && (f->path = copy_text(L, -2, a)) &&
                rules_to_value(L, -1, a, &f->value, 0, NULL, &ignored) == 0)
                kept++;
            lua_pop(L, 3);
        }
        d->declared = facts;
        d->declared_count = kept;
        lua_pop(L, 2);
    }
    R->decls = decls;
    return 0;
}

/* A list of texts at idx into *out (the prelude builds these lists). */
static int texts(lua_State *L, int idx, elg_arena *a, const char ***out, size_t *n, size_t *budget,
                 elg_error *err, const char *what) {
    size_t len = lua_type(L, idx) == LUA_TTABLE ? lua_rawlen(L, idx) : 0;
    if (!rules_spend(budget, len * 8))
        return rules_over_output(err);
    const char **t = elg_arena_array(a, len, sizeof *t);
    if (!t)
        return elg_error_set(err, ELG_ENOMEM, "out of memory");
    for (size_t k = 0; k < len; k++) {
        lua_rawgeti(L, idx, (lua_Integer)k + 1);
        size_t tl = lua_type(L, -1) == LUA_TSTRING ? lua_rawlen(L, -1) : 0;
        if (!rules_spend(budget, tl)) {
            lua_pop(L, 1);
            return rules_over_output(err);
        }
        if (tl && memchr(lua_tostring(L, -1), '\0', tl)) {
            lua_pop(L, 1);
            return elg_error_set(err, ELG_ERULE, "%s contains a NUL byte", what);
        }
        t[k] = copy_text(L, -1, a);
        lua_pop(L, 1);
        if (!t[k])
            return elg_error_set(err, ELG_ERULE, "%s must be text", what);
    }
    *out = t;
    *n = len;
    return 0;
}

/* Runs rule R->i and converts its result into R->d->rules[R->i - 1]. A
 * result that cannot be reported leaves R->conv set (not a Lua error: the
 * rule did run). */
static int rule_pf(lua_State *L) {
    run *R = lua_touserdata(L, 1);
    elg_arena *a = R->d->arena;
    elg_rule_result *x = &R->d->rules[R->i - 1];
    elg_error *ce = &R->conv;
    elg_sandbox_push_entry(R->ev->r->sb, "run_rule");
    lua_pushinteger(L, R->i);
    lua_call(L, 1, 7);
    /* status, message, figures, facts, values, notices, missing */
    int base = lua_gettop(L) - 6;
    const char *status = lua_type(L, base) == LUA_TSTRING ? lua_tostring(L, base) : NULL;
    if (!status || !elg_rule_status_parse(status, &x->status)) {
        elg_error_set(
            ce, ELG_ERULE,
            "the result's status is %s%s%s, not pass, fail, not-applicable or error, nor missing",
            status ? elg_trc("opening quote", "\"") : elg_tr("a "),
            status ? status : luaL_typename(L, base), status ? elg_trc("closing quote", "\"") : "");
        return 0;
    }
    if (lua_type(L, base + 1) != LUA_TSTRING) {
        elg_error_set(ce, ELG_ERULE, "the result's message is a %s, not text",
                      luaL_typename(L, base + 1));
        return 0;
    }
    if (!rules_spend(&R->budget, lua_rawlen(L, base + 1))) {
        rules_over_output(ce);
        return 0;
    }
    if (memchr(lua_tostring(L, base + 1), '\0', lua_rawlen(L, base + 1))) {
        elg_error_set(ce, ELG_ERULE, "the result's message contains a NUL byte");
        return 0;
    }
    x->message = copy_text(L, base + 1, a);
    if (!x->message)
        return luaL_error(L, elg_tr("out of memory"));
    if (!x->message[0])
        x->message = x->title;
    if (lua_isnil(L, base + 2)) {
        x->figures.type = ELG_VALUE_MAP;
    } else if (lua_type(L, base + 2) != LUA_TTABLE) {
        elg_error_set(ce, ELG_ERULE, "the result's figures are a %s, not a table",
                      luaL_typename(L, base + 2));
        return 0;
    } else if (rules_to_value(L, base + 2, a, &x->figures, 0, &R->budget, ce)) {
        return 0;
    } else if (x->figures.type != ELG_VALUE_MAP) {
        elg_error_set(ce, ELG_ERULE, "the result's figures are a list: name each figure");
        return 0;
    }
    size_t nf = lua_rawlen(L, base + 3);
    x->facts = elg_arena_array(a, nf, sizeof *x->facts);
    if (!x->facts)
        return luaL_error(L, elg_tr("out of memory"));
    for (size_t k = 0; k < nf; k++) {
        lua_rawgeti(L, base + 3, (lua_Integer)k + 1);
        elg_fact *f = &x->facts[k];
        f->path = copy_text(L, -1, a);
        if (!f->path)
            return luaL_error(L, elg_tr("out of memory"));
        lua_rawget(L, base + 4);
        int rc = rules_to_value(L, -1, a, &f->value, 0, &R->budget, ce);
        lua_pop(L, 1);
        if (rc)
            return 0;
        x->facts_count++;
    }
    if (texts(L, base + 5, a, &x->notices, &x->notices_count, &R->budget, ce, "a notice") ||
        texts(L, base + 6, a, &x->missing, &x->missing_count, &R->budget, ce, "a missing fact"))
        return 0;
    /* The fields to fill are what a `missing` result is: never without
     * them, never on another status. */
    if ((x->status == ELG_RULE_MISSING) != (x->missing_count > 0)) {
        elg_error_set(ce, ELG_ERULE,
                      x->status == ELG_RULE_MISSING
                          ? "the result is missing facts but names none (use missing(field(...)))"
                          : "the result names missing facts but its status is not missing");
        return 0;
    }
    lua_settop(L, base - 1);
    return 0;
}

static int end_pf(lua_State *L) {
    run *R = lua_touserdata(L, 1);
    elg_arena *a = R->d->arena;
    elg_error e = {0};
    if (R->nrules >= 0) {
        elg_sandbox_push_entry(R->ev->r->sb, "params_used");
        lua_call(L, 0, 1);
        if (texts(L, -1, a, &R->used, &R->used_count, NULL, &e, "a parameter name"))
            return luaL_error(L, "%s", e.message);
        lua_pop(L, 1);
    }
    elg_sandbox_push_entry(R->ev->r->sb, "finish");
    lua_call(L, 0, 1);
    size_t n = lua_rawlen(L, -1);
    R->grant = elg_arena_array(a, n, sizeof *R->grant);
    if (!R->grant)
        return luaL_error(L, elg_tr("out of memory"));
    for (size_t k = 0; k < n; k++) {
        lua_rawgeti(L, -1, (lua_Integer)k + 1);
        lua_getfield(L, -1, "name");
        lua_getfield(L, -2, "value");
        lua_getfield(L, -3, "rule");
        const char *name = lua_type(L, -3) == LUA_TSTRING ? lua_tostring(L, -3) : NULL;
        if (name && strcmp(name, "max_grantable") == 0 && lua_isinteger(L, -2)) {
            elg_grantable *g = &R->grant[R->grant_count++];
            g->amount = lua_tointeger(L, -2);
            g->rule = copy_text(L, -1, a);
        }
        lua_pop(L, 4);
    }
    lua_pop(L, 1);
    return 0;
}

/* Rule x becomes an error located by e (or at its declaration). full is
 * the whole message when e's was cut to its bounded size. */
/* prefix + text, cut when longer than bound bytes with a note saying so:
 * an error message or a traceback can be made of any size by a rule, and a
 * decision is bounded (--max-output). */
static char *bounded_text(elg_arena *a, const char *prefix, const char *text, size_t bound) {
    size_t pl = prefix ? strlen(prefix) : 0, tl = strlen(text);
    if (pl + tl <= bound) {
        char *s = elg_arena_alloc(a, pl + tl + 1);
        if (s)
            snprintf(s, pl + tl + 1, "%s%s", prefix ? prefix : "", text);
        return s;
    }
    size_t keep = bound > pl ? bound - pl : 0;
    while (keep > 0 && ((unsigned char)text[keep] & 0xC0) == 0x80)
        keep--; /* not inside a UTF-8 sequence */
    size_t size = pl + keep + 96;
    char *s = elg_arena_alloc(a, size);
    if (s)
        snprintf(s, size, elg_tr("%s%.*s … (cut at %zu of %zu bytes: --max-output)"),
                 prefix ? prefix : "", (int)keep, text, keep, tl);
    return s;
}

static int error_result(elg_arena *a, elg_rule_result *x, const elg_error *e, const char *full,
                        const char *prefix, const char *traceback, size_t bound) {
    char where[320] = "";
    if (e->file[0] && e->line > 0)
        snprintf(where, sizeof where, "%s:%d", e->file, e->line);
    else if (e->file[0])
        snprintf(where, sizeof where, "%s", e->file);
    else if (x->source)
        snprintf(where, sizeof where, "%s", x->source);
    const char *text = full ? full : e->message;
    char *msg = bounded_text(a, prefix, text, bound);
    if (!msg)
        return -1;
    x->status = ELG_RULE_ERROR;
    x->message = msg;
    x->error_at = elg_arena_strdup(a, where);
    x->traceback = traceback ? bounded_text(a, NULL, traceback, bound) : NULL;
    x->facts_count = x->notices_count = x->missing_count = 0;
    x->figures = (elg_value){.type = ELG_VALUE_MAP};
    if (!x->source)
        x->source = x->error_at;
    return x->error_at ? 0 : -1;
}

/* The decision holds one rule: the load error e. */
static int load_error(elg_decision *d, const elg_error *e, const char *full, const char *traceback,
                      size_t bound) {
    d->rules = elg_arena_array(d->arena, 1, sizeof *d->rules);
    if (!d->rules)
        return -1;
    d->rules_count = 1;
    elg_rule_result *x = &d->rules[0];
    x->id = LOAD_RULE_ID;
    x->title = LOAD_RULE_TITLE;
    x->basis = "";
    int rc = error_result(d->arena, x, e, full, NULL, traceback, bound);
    x->source = x->error_at; /* "": no declaration line to show */
    return rc;
}

/* A result's declaration fields, borrowed from decl. */
static void declared_by(elg_rule_result *x, const elg_rule_decl *decl) {
    x->id = decl->id;
    x->title = decl->title;
    x->basis = decl->basis;
    x->source = decl->source;
    x->kind = decl->kind;
}

/* Compiles every rule's native descriptor into the slot; s->natives stays
 * NULL unless all of them compile. */
static int natives_pf(lua_State *L) {
    run *R = lua_touserdata(L, 1);
    elg_eval *ev = R->ev;
    slot *s = R->s;
    elg_native **ns = elg_arena_array(ev->arena, (size_t)R->nrules + 1, sizeof *ns);
    if (!ns)
        return luaL_error(L, elg_tr("out of memory"));
    for (int i = 1; i <= R->nrules; i++) {
        elg_sandbox_push_entry(ev->r->sb, "rule_native");
        lua_pushinteger(L, i);
        lua_call(L, 1, 2);
        int rc = elg_native_compile(L, -2, -1, ev->arena, &ns[i - 1]);
        lua_pop(L, 2);
        if (rc)
            return 0;
    }
    s->natives = R->nrules > 0 ? ns : NULL;
    return 0;
}

static int run_rules(run *R, elg_error *err) {
    elg_eval *ev = R->ev;
    elg_decision *d = R->d;
    slot *s = R->s;
    bool from_rs = R->stable && s->rs && s->rs->rules_count == (size_t)R->nrules &&
                   s->sources_at == elg_sandbox_sources_count(ev->r->sb);
    elg_error e = {0};
    if (from_rs) {
        R->decls = s->rs->rules;
    } else if (protected(ev, decls_pf, R, NULL, &e)) {
        return elg_error_set(err, ELG_ERULE, "reading the declared rules: %s", e.message);
    } else if (R->decl_err.code) {
        R->nrules = -1;
        R->stable = false;
        return load_error(d, &R->decl_err, NULL, NULL, elg_sandbox_limits(ev->r->sb).output)
                   ? oom(err)
                   : 0;
    }
    d->rules = elg_arena_array(d->arena, (size_t)R->nrules, sizeof *d->rules);
    if (!d->rules)
        return oom(err);
    d->rules_count = (size_t)R->nrules;
    for (int i = 1; i <= R->nrules; i++) {
        elg_rule_result *x = &d->rules[i - 1];
        const elg_rule_decl *decl = &R->decls[i - 1];
        declared_by(x, decl);
        R->i = i;
        size_t per_rule = elg_sandbox_limits(ev->r->sb).output;
        R->budget = per_rule < R->decision_budget ? per_rule : R->decision_budget;
        size_t before = R->budget;
        elg_error_clear(&R->conv);
        elg_error_clear(&e);
        char *traceback = NULL;
        long long t0 = now_us();
        int rc;
        const char *skip =
            ev->hook ? ev->hook(ev->hook_ctx, i, decl, from_rs ? ev->rs_generation : 0) : NULL;
        if (skip) {
            rc = elg_error_set(&e, ELG_ERULE, "%s", skip);
        } else if (t0 > R->deadline_us) {
            /* The project's time is spent: the remaining rules do not run. */
            rc = elg_error_set(&e, ELG_ERULE, "time limit exceeded (%llu ms) before this rule ran",
                               (unsigned long long)elg_sandbox_limits(ev->r->sb).time_ms);
        } else {
            rc = protected(ev, rule_pf, R, &traceback, &e);
        }
        x->duration_us = now_us() - t0;
        int bad = 0;
        if (rc) {
            bad = error_result(d->arena, x, &e, elg_sandbox_last_message(ev->r->sb), NULL,
                               traceback, per_rule / 2);
        } else if (R->conv.code) {
            size_t len = strlen(x->id) + 128; /* the translated sentence, too */
            char *prefix = elg_arena_alloc(d->arena, len);
            if (prefix)
                snprintf(prefix, len, elg_tr("rule %s returned a result that cannot be reported: "),
                         x->id);
            bad = !prefix || error_result(d->arena, x, &R->conv, NULL, prefix, NULL, per_rule / 2);
        } else if (x->status == ELG_RULE_ERROR && !x->error_at) {
            x->error_at = x->source; /* the rule said so itself */
        }
        free(traceback);
        if (bad)
            return oom(err);
        R->decision_budget -= before - R->budget;
    }
    if (R->stable && !s->native_tried && ev->native_mode != ELG_NATIVE_OFF) {
        s->native_tried = true;
        if (protected(ev, natives_pf, R, NULL, &e))
            s->natives = NULL; /* out of memory: the rules stay in Lua */
    }
    /* The first decision of a slot whose declarations do not depend on the
     * project gives the ruleset its rules. */
    if (R->stable && !from_rs &&
        (!s->rs || s->rs->rules_count != (size_t)R->nrules ||
         s->sources_at != elg_sandbox_sources_count(ev->r->sb)))
        return build_ruleset(ev, s, R->decls, (size_t)R->nrules, err);
    return 0;
}

/* Copies the declaration texts of d's rules into d. */
static int own_decls(elg_decision *d) {
    for (size_t i = 0; i < d->rules_count; i++) {
        elg_rule_result *x = &d->rules[i];
        bool message_is_title = x->message == x->title;
        x->id = elg_arena_strdup(d->arena, x->id);
        x->title = elg_arena_strdup(d->arena, x->title);
        x->basis = elg_arena_strdup(d->arena, x->basis);
        x->source = elg_arena_strdup(d->arena, x->source);
        x->kind = elg_arena_strdup(d->arena, x->kind);
        if (message_is_title)
            x->message = x->title;
        if (!x->id || !x->title || !x->basis || !x->source)
            return -1;
    }
    return 0;
}

/* The parameters the first (Lua) decision of a native slot used, kept for
 * the native decisions; the slot is then ready. */
static int keep_used(elg_eval *ev, slot *s, const run *R, elg_error *err) {
    s->params = NULL; /* resolved for the list being replaced */
    s->used = elg_arena_array(ev->arena, R->used_count + 1, sizeof *s->used);
    if (!s->used)
        return oom(err);
    for (size_t k = 0; k < R->used_count; k++)
        if (!(s->used[k] = elg_arena_strdup(ev->arena, R->used[k])))
            return oom(err);
    s->used_count = R->used_count;
    s->native_ready = s->rs != NULL;
    return 0;
}

/* Decides in->project with the slot's native rules, without Lua. */
static int decide_native(elg_eval *ev, slot *s, const elg_eval_project *in, elg_decision *d,
                         run *R) {
    const elg_ruleset *rs = s->rs;
    size_t n = rs->rules_count;
    d->rules = elg_arena_array(d->arena, n + 1, sizeof *d->rules);
    R->grant = elg_arena_array(d->arena, n + 1, sizeof *R->grant);
    if (!d->rules || !R->grant)
        return ELG_NATIVE_NOMEM;
    elg_native_input nin = {in->project, ev->call, s->edition, ev->financers, ev->financers_count};
    /* One clock reading between two rules ends one and starts the next:
     * two per rule were a twentieth of a worker's time. */
    long long t0 = now_us();
    for (size_t i = 0; i < n; i++) {
        elg_rule_result *x = &d->rules[i];
        const elg_rule_decl *decl = &rs->rules[i];
        memset(x, 0, sizeof *x);
        declared_by(x, decl);
        elg_cents g;
        bool has_g;
        /* The supervisor's hook sees every rule; one it skips is said in Lua. */
        if (ev->hook && ev->hook(ev->hook_ctx, (int)i + 1, decl, ev->rs_generation)) {
            d->rules = NULL;
            d->rules_count = 0;
            R->grant_count = 0;
            return ELG_NATIVE_FALLBACK;
        }
        int rc = elg_native_run(s->natives[i], &nin, d->arena, x, &g, &has_g);
        long long t1 = now_us();
        x->duration_us = t1 - t0;
        t0 = t1;
        if (rc != ELG_NATIVE_DONE) {
            d->rules = NULL;
            d->rules_count = 0;
            R->grant_count = 0;
            return rc;
        }
        if (has_g)
            R->grant[R->grant_count++] = (elg_grantable){g, decl->id};
    }
    d->rules_count = n;
    R->nrules = (int)n;
    R->stable = true;
    R->decls = rs->rules;
    R->used = s->used;
    R->used_count = s->used_count;
    return ELG_NATIVE_DONE;
}

static bool same_texts(const char *const *a, size_t na, const char *const *b, size_t nb) {
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (strcmp(a[i], b[i]) != 0)
            return false;
    return true;
}

/* ELIGO_NATIVE=check: the native decision nd (with its reported amounts in
 * R) against the Lua decision ld; an engine error naming the first
 * difference. */
static int compare_native(const elg_decision *nd, const run *R, const elg_decision *ld,
                          const run *lua_run, elg_error *err) {
    if (nd->rules_count != ld->rules_count)
        return elg_error_set(err, ELG_ERULE, "native check: %zu rules, Lua %zu", nd->rules_count,
                             ld->rules_count);
    for (size_t i = 0; i < nd->rules_count; i++) {
        const elg_rule_result *a = &nd->rules[i], *b = &ld->rules[i];
        const char *what = NULL;
        if (a->status != b->status)
            what = "status";
        else if (strcmp(a->message, b->message) != 0)
            what = "message";
        else if (!elg_value_equal(&a->figures, &b->figures))
            what = "figures";
        else if (a->facts_count != b->facts_count)
            what = "number of facts";
        else if (!same_texts(a->missing, a->missing_count, b->missing, b->missing_count))
            what = "missing facts";
        else if (a->notices_count != b->notices_count)
            what = "notices";
        for (size_t k = 0; !what && k < a->facts_count; k++)
            if (strcmp(a->facts[k].path, b->facts[k].path) != 0 ||
                !elg_value_equal(&a->facts[k].value, &b->facts[k].value))
                what = "facts";
        if (what)
            return elg_error_set(err, ELG_ERULE,
                                 "native check: project %s, rule %s: %s differ (native \"%s\", "
                                 "Lua \"%s\")",
                                 nd->project, a->id, what, a->message, b->message);
    }
    /* The reported maximum grantable amounts, in order. */
    bool same = R->grant_count == lua_run->grant_count;
    for (size_t i = 0; same && i < R->grant_count; i++)
        same = R->grant[i].amount == lua_run->grant[i].amount &&
               strcmp(R->grant[i].rule, lua_run->grant[i].rule) == 0;
    if (!same)
        return elg_error_set(err, ELG_ERULE,
                             "native check: project %s: the maximum grantable amounts differ",
                             nd->project);
    return 0;
}

/* ELIGO_NATIVE=check: decides in->project natively too and compares with
 * ld, the decision made in Lua. */
static int check_native(elg_eval *ev, slot *s, const elg_eval_project *in, const elg_decision *ld,
                        const run *lua_run, elg_error *err) {
    elg_decision *nd = elg_decision_new(NULL);
    if (!nd)
        return oom(err);
    nd->project = ld->project;
    run R = {.ev = ev, .s = s, .in = in, .d = nd};
    int rc = decide_native(ev, s, in, nd, &R);
    if (rc == ELG_NATIVE_NOMEM)
        rc = oom(err);
    else if (rc == ELG_NATIVE_FALLBACK)
        rc = 0;
    else
        rc = compare_native(nd, &R, ld, lua_run, err);
    elg_decision_free(nd);
    return rc;
}

elg_eval_stats elg_eval_get_stats(const elg_eval *ev) {
    return ev->stats;
}

void elg_eval_set_rule_hook(elg_eval *ev, elg_eval_rule_hook fn, void *ctx) {
    ev->hook = fn;
    ev->hook_ctx = ctx;
}

int elg_eval_decide(elg_eval *ev, const elg_eval_project *in, elg_decision **out, elg_error *err) {
    *out = NULL;
    const elg_project *p = in->project;
    const elg_edition *ed = elg_eval_edition(ev->call, p);
    slot *s = &ev->slots[ed ? (size_t)(ed - ev->call->editions) + 1 : 0];
    elg_decision *d = elg_decision_new(NULL);
    if (!d)
        return oom(err);
    int rc = 0;
    d->project = elg_arena_strdup(d->arena, p->id);
    d->project_sha256 = elg_arena_strdup(d->arena, in->sha256 ? in->sha256 : "");
    d->project_version = in->version;
    if (!d->project || !d->project_sha256) {
        rc = oom(err);
        goto out;
    }
    elg_limits lim = elg_sandbox_limits(ev->r->sb);
    run R = {.ev = ev, .s = s, .in = in, .d = d, .nrules = -1, .decision_budget = lim.output * 16};
    elg_error e = {0};
    /* One deadline for the whole project, whatever its rules do. */
    R.deadline_us = elg_sandbox_now_us() + (int64_t)lim.time_ms * 1000;
    elg_sandbox_set_deadline(ev->r->sb, R.deadline_us);
    char *traceback = NULL;
    int native = s->native_ready && ev->native_mode == ELG_NATIVE_ON &&
                         s->sources_at == elg_sandbox_sources_count(ev->r->sb)
                     ? decide_native(ev, s, in, d, &R)
                     : ELG_NATIVE_FALLBACK;
    if (native == ELG_NATIVE_NOMEM) {
        rc = oom(err);
        goto out;
    }
    if (native == ELG_NATIVE_DONE) {
        ev->stats.native++; /* nothing ran in Lua */
    } else if (ev->chunk_ref == LUA_NOREF) {
        if (load_error(d, &ev->load_err, NULL, NULL, lim.output)) {
            rc = oom(err);
            goto out;
        }
    } else if (protected(ev, begin_pf, &R, &traceback, &e)) {
        R.nrules = -1;
        if (!e.file[0]) {
            /* A memory error carries no position: the file, at least. */
            char display[300];
            snprintf(display, sizeof display, "rules/%s", ev->call->rules);
            elg_error_at(&e, display, 0, 0, NULL);
        }
        int bad = load_error(d, &e, elg_sandbox_last_message(ev->r->sb), traceback, lim.output);
        free(traceback);
        if (bad) {
            rc = oom(err);
            goto out;
        }
    } else if ((rc = run_rules(&R, err))) {
        goto out;
    }
    elg_error_clear(&e);
    elg_sandbox_set_deadline(ev->r->sb, 0); /* collecting what the rules left is the engine's */
    if (native != ELG_NATIVE_DONE)
        ev->stats.lua++;
    if (native != ELG_NATIVE_DONE && ev->chunk_ref != LUA_NOREF &&
        protected(ev, end_pf, &R, NULL, &e)) {
        rc = elg_error_set(err, ELG_ERULE, "finishing the evaluation of %s: %s", p->id, e.message);
        goto out;
    }
    if (native != ELG_NATIVE_DONE && s->natives && !s->native_ready && R.stable &&
        (rc = keep_used(ev, s, &R, err)))
        goto out;
    if (ev->native_mode == ELG_NATIVE_CHECK && s->native_ready &&
        (rc = check_native(ev, s, in, d, &R, err)))
        goto out;
    if (!s->rs || s->sources_at != elg_sandbox_sources_count(ev->r->sb)) {
        /* A library file was read for the first time: a new ruleset lists it.
         * Declarations borrowed from the old one are copied first. */
        if (s->rs && R.decls == s->rs->rules && own_decls(d)) {
            rc = oom(err);
            goto out;
        }
        s->params = NULL; /* resolved in the ruleset being replaced */
        if ((rc = build_ruleset(ev, s, R.stable ? R.decls : NULL, R.stable ? (size_t)R.nrules : 0,
                                err)))
            goto out;
    }
    d->ruleset = elg_ruleset_ref(s->rs);
    d->params = elg_arena_array(d->arena, R.used_count, sizeof *d->params);
    elg_rule_status *statuses = elg_arena_array(d->arena, d->rules_count, sizeof *statuses);
    if (!d->params || !statuses) {
        rc = oom(err);
        goto out;
    }
    if (R.used == s->used && s->params) {
        memcpy(d->params, s->params, s->params_count * sizeof *d->params);
        d->params_count = s->params_count;
    } else {
        for (size_t k = 0; k < R.used_count; k++) {
            const elg_param_value *pv = elg_ruleset_param(d->ruleset, R.used[k]);
            if (pv)
                d->params[d->params_count++] = pv;
        }
        /* Native decisions ask for the slot's own list (keep_used). */
        if (R.used == s->used && R.used_count == s->used_count &&
            (s->params = elg_arena_array(ev->arena, d->params_count + 1, sizeof *s->params))) {
            memcpy(s->params, d->params, d->params_count * sizeof *d->params);
            s->params_count = d->params_count;
        }
    }
    for (size_t k = 0; k < d->rules_count; k++)
        statuses[k] = d->rules[k].status;
    d->outcome = elg_outcome_of(statuses, d->rules_count);
    if ((rc = elg_figures_compute(p, ev->call, ev->financers, ev->financers_count, R.grant,
                                  R.grant_count, d->arena, &d->figures, err)))
        goto out;
    *out = d;
    d = NULL;
out:
    elg_sandbox_set_deadline(ev->r->sb, 0);
    elg_decision_free(d);
    return rc;
}
