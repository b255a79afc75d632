/*
 * sandbox: the Lua state rules run in (see sandbox.h).
 *
 * Memory is capped by the allocator given to lua_newstate; instructions by a
 * count hook armed for each elg_sandbox_call. Lua 5.4 runs an emergency
 * collection before reporting an allocation failure, so the cap counts live
 * memory, not garbage.
 */
#include "sandbox.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "embedded.h"
#include "hash.h"
#include "luamsg.h"
#include "money.h"
#include "tr.h"

#define HOOK_STEP 1000 /* instructions between two hook calls */

struct elg_sandbox {
    lua_State *L;
    size_t mem_used;
    size_t mem_limit;
    size_t output;
    uint64_t instr_limit;
    uint64_t instr_count;
    uint64_t time_ms;
    int64_t deadline_us;      /* set by the evaluator for a whole project, 0: per call */
    int64_t call_deadline_us; /* in force for the current call */
    unsigned ticks;
    int entry_ref; /* prelude's entry table */
    elg_source_fn source;
    void *source_ctx;
    elg_source_record *sources;
    size_t sources_count, sources_cap;
    char *last_message; /* the whole message of the last failed call */
};

static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    elg_sandbox *sb = ud;
    if (!ptr)
        osize = 0;
    if (nsize == 0) {
        free(ptr);
        sb->mem_used -= osize;
        return NULL;
    }
    if (nsize > osize && sb->mem_used - osize + nsize > sb->mem_limit)
        return NULL;
    void *p = realloc(ptr, nsize);
    if (!p)
        return NULL;
    sb->mem_used = sb->mem_used - osize + nsize;
    return p;
}

static elg_sandbox *sandbox_of(lua_State *L) {
    return *(elg_sandbox **)lua_getextraspace(L);
}

int64_t elg_sandbox_now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The clock is read at every hook call (every HOOK_STEP instructions; the
 * vDSO clock costs a few nanoseconds): the time limit stops a loop of Lua
 * code, and a deep recursion, however long each instruction takes (a
 * comparison of two long texts is one instruction). */
#define TIME_TICKS 1

static void count_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    elg_sandbox *sb = sandbox_of(L);
    sb->instr_count += HOOK_STEP;
    if (++sb->ticks % TIME_TICKS == 0 && elg_sandbox_now_us() > sb->call_deadline_us) {
        char msg[96];
        snprintf(msg, sizeof msg, elg_tr("time limit exceeded (%llu ms)"),
                 (unsigned long long)sb->time_ms);
        luaL_where(L, 0);
        lua_pushstring(L, msg);
        lua_concat(L, 2);
        lua_error(L);
    }
    if (sb->instr_count > sb->instr_limit) {
        char msg[96];
        snprintf(msg, sizeof msg, elg_tr("instruction limit exceeded (%llu instructions)"),
                 (unsigned long long)sb->instr_limit);
        /* In a hook, level 0 is the function that was running: the rule. */
        luaL_where(L, 0);
        lua_pushstring(L, msg);
        lua_concat(L, 2);
        lua_error(L);
    }
}

/* ---- money primitives (luaL_Reg "money") ------------------------------ */

/* Raises a Lua error with the message held in err. Never returns. */
static int raise_error(lua_State *L, const elg_error *err) {
    return luaL_error(L, "%s", err->message);
}

static elg_cents check_cents(lua_State *L, int arg) {
    int isint = 0;
    lua_Integer v = lua_tointegerx(L, arg, &isint);
    if (!isint)
        luaL_argerror(L, arg, elg_tr("an amount in integer cents expected"));
    return (elg_cents)v;
}

static elg_rate check_rate(lua_State *L, int arg) {
    elg_rate r = {0, 1};
    luaL_checktype(L, arg, LUA_TTABLE);
    lua_getfield(L, arg, "num");
    lua_getfield(L, arg, "den");
    int ok1 = 0, ok2 = 0;
    r.num = lua_tointegerx(L, -2, &ok1);
    r.den = lua_tointegerx(L, -1, &ok2);
    lua_pop(L, 2);
    if (!ok1 || !ok2 || r.den <= 0 || r.num < 0)
        luaL_argerror(L, arg, elg_tr("a rate {num=, den=} with integers, den > 0, expected"));
    return r;
}

static void push_rate(lua_State *L, elg_rate r) {
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, r.num);
    lua_setfield(L, -2, "num");
    lua_pushinteger(L, r.den);
    lua_setfield(L, -2, "den");
}

/* fmt(cents) -> "80 820,00 €"  [-1, +1] */
static int l_fmt(lua_State *L) {
    char buf[ELG_MONEY_FMT_MAX];
    lua_pushstring(L, elg_money_format(check_cents(L, 1), buf, sizeof buf));
    return 1;
}

/* fmt_rate(rate) -> "65 %"  [-1, +1] */
static int l_fmt_rate(lua_State *L) {
    char buf[64];
    lua_pushstring(L, elg_rate_format(check_rate(L, 1), buf, sizeof buf));
    return 1;
}

/* add(a, b) -> a + b, an error on overflow  [-2, +1] */
static int l_add(lua_State *L) {
    elg_error err = {0};
    elg_cents out;
    if (elg_money_add(check_cents(L, 1), check_cents(L, 2), &out, &err))
        return raise_error(L, &err);
    lua_pushinteger(L, out);
    return 1;
}

/* sub(a, b) -> a - b, an error on overflow  [-2, +1] */
static int l_sub(lua_State *L) {
    elg_error err = {0};
    elg_cents out;
    if (elg_money_sub(check_cents(L, 1), check_cents(L, 2), &out, &err))
        return raise_error(L, &err);
    lua_pushinteger(L, out);
    return 1;
}

/* apply_rate_floor(amount, rate) -> cents rounded down  [-2, +1] */
static int l_apply_rate_floor(lua_State *L) {
    elg_error err = {0};
    elg_cents out;
    if (elg_money_apply_rate_floor(check_cents(L, 1), check_rate(L, 2), &out, &err))
        return raise_error(L, &err);
    lua_pushinteger(L, out);
    return 1;
}

/* apply_rate_ceil(amount, rate) -> cents rounded up  [-2, +1] */
static int l_apply_rate_ceil(lua_State *L) {
    elg_error err = {0};
    elg_cents out;
    if (elg_money_apply_rate_ceil(check_cents(L, 1), check_rate(L, 2), &out, &err))
        return raise_error(L, &err);
    lua_pushinteger(L, out);
    return 1;
}

/* ratio_cmp(part, whole, rate) -> -1|0|1 (whole > 0)  [-3, +1] */
static int l_ratio_cmp(lua_State *L) {
    elg_cents part = check_cents(L, 1), whole = check_cents(L, 2);
    elg_rate r = check_rate(L, 3);
    luaL_argcheck(L, whole > 0, 2, "the whole must be positive");
    lua_pushinteger(L, elg_money_ratio_cmp(part, whole, r));
    return 1;
}

/* ratio_bp(part, whole) -> basis points rounded half up, display only  [-2, +1] */
static int l_ratio_bp(lua_State *L) {
    elg_cents part = check_cents(L, 1), whole = check_cents(L, 2);
    luaL_argcheck(L, whole > 0, 2, "the whole must be positive");
    lua_pushinteger(L, elg_money_ratio_bp_half_up(part, whole));
    return 1;
}

/* parse_amount(text) -> cents; an error naming the text  [-1, +1] */
static int l_parse_amount(lua_State *L) {
    elg_error err = {0};
    elg_cents out;
    if (elg_money_parse(luaL_checkstring(L, 1), 0, &out, &err))
        return raise_error(L, &err);
    lua_pushinteger(L, out);
    return 1;
}

/* parse_rate(text) -> {num=, den=}  [-1, +1] */
static int l_parse_rate(lua_State *L) {
    elg_error err = {0};
    elg_rate r;
    if (elg_rate_parse(luaL_checkstring(L, 1), &r, &err))
        return raise_error(L, &err);
    push_rate(L, r);
    return 1;
}

/* split(total, weights|nil, n) -> {parts...}: largest remainder  [-3, +1] */
static int l_split(lua_State *L) {
    elg_cents total = check_cents(L, 1);
    lua_Integer n = luaL_checkinteger(L, 3);
    luaL_argcheck(L, n > 0 && n <= 1000, 3, "between 1 and 1000 parts expected");
    int64_t *weights = NULL;
    elg_cents *parts = lua_newuserdatauv(L, sizeof(elg_cents) * (size_t)n, 0);
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        weights = lua_newuserdatauv(L, sizeof(int64_t) * (size_t)n, 0);
        for (lua_Integer i = 0; i < n; i++) {
            lua_geti(L, 2, i + 1);
            int ok = 0;
            weights[i] = lua_tointegerx(L, -1, &ok);
            lua_pop(L, 1);
            if (!ok)
                return luaL_error(L, elg_tr("split: weight %d is not an integer"), (int)(i + 1));
        }
    }
    elg_error err = {0};
    if (elg_money_split(total, weights, (size_t)n, parts, &err))
        return raise_error(L, &err);
    lua_createtable(L, (int)n, 0);
    for (lua_Integer i = 0; i < n; i++) {
        lua_pushinteger(L, parts[i]);
        lua_seti(L, -2, i + 1);
    }
    return 1;
}

static const luaL_Reg money_funcs[] = {
    {"fmt", l_fmt},
    {"fmt_rate", l_fmt_rate},
    {"add", l_add},
    {"sub", l_sub},
    {"apply_rate_floor", l_apply_rate_floor},
    {"apply_rate_ceil", l_apply_rate_ceil},
    {"ratio_cmp", l_ratio_cmp},
    {"ratio_bp", l_ratio_bp},
    {"parse_amount", l_parse_amount},
    {"parse_rate", l_parse_rate},
    {"split", l_split},
    {NULL, NULL},
};

/* ---- sources ----------------------------------------------------------- */

int elg_sandbox_read_source(elg_sandbox *sb, const char *path, const char **data, size_t *len,
                            elg_error *err) {
    for (size_t i = 0; i < sb->sources_count; i++) {
        if (strcmp(sb->sources[i].path, path) == 0) {
            *data = sb->sources[i].data;
            *len = sb->sources[i].len;
            return 0;
        }
    }
    if (sb->sources_count == sb->sources_cap) {
        size_t cap = sb->sources_cap ? sb->sources_cap * 2 : 8;
        elg_source_record *n = realloc(sb->sources, cap * sizeof *n);
        if (!n)
            return elg_error_set(err, ELG_ENOMEM, "out of memory reading %s", path);
        sb->sources = n;
        sb->sources_cap = cap;
    }
    char *buf = NULL;
    size_t n = 0;
    int rc = sb->source(sb->source_ctx, path, &buf, &n, err);
    if (rc)
        return rc;
    char *p = strdup(path);
    if (!p) {
        free(buf);
        return elg_error_set(err, ELG_ENOMEM, "out of memory reading %s", path);
    }
    elg_source_record *rec = &sb->sources[sb->sources_count++];
    *rec = (elg_source_record){.path = p, .data = buf, .len = n};
    /* Hashed once here: every decision lists the hashes of its rule files. */
    elg_sha256_hex(buf, n, rec->sha256);
    *data = buf;
    *len = n;
    return 0;
}

/* C.tr(msgid): the French of one of the prelude's English messages
 * (po/fr.po, engine/tr.h), or msgid itself. [-1, +1, v] */
static int l_tr(lua_State *L) {
    const char *msgid = luaL_checkstring(L, 1);
    const char *fr = elg_tr(msgid);
    if (fr != msgid)
        lua_pushstring(L, fr);
    else
        lua_settop(L, 1);
    return 1;
}

/* read_source(path) -> text | nil, message  [-1, +1|2] */
static int l_read_source(lua_State *L) {
    elg_sandbox *sb = sandbox_of(L);
    const char *path = luaL_checkstring(L, 1);
    const char *data;
    size_t len;
    elg_error err = {0};
    if (elg_sandbox_read_source(sb, path, &data, &len, &err)) {
        lua_pushnil(L);
        lua_pushstring(L, err.message);
        return 2;
    }
    lua_pushlstring(L, data, len);
    return 1;
}

/* ---- errors ------------------------------------------------------------ */

static int is_rule_source(const char *src) {
    return strncmp(src, "@rules/", 7) == 0;
}

/*
 * Message handler: [-1, +1] turns the error into a table
 * { message = text, where = "rules/...:line" | nil, traceback = text }
 * with only the frames of rule files, innermost first. `where` is the
 * innermost line of a call's rule file: staff look for their rule's line,
 * and a failing library helper shows in the traceback; a library line only
 * when no call file is on the stack.
 */
static int msgh(lua_State *L) {
    /* The message, kept at index 2: a table's address would make the
     * decision differ at each run. */
    if (lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER) {
        luaL_tolstring(L, 1, NULL);
        char fr[ELG_LUAMSG_MAX];
        if (elg_luamsg_french(lua_tostring(L, -1), fr, sizeof fr)) {
            lua_pop(L, 1);
            lua_pushstring(L, fr);
        }
    } else
        lua_pushfstring(L, elg_tr("error object is a %s value"), luaL_typename(L, 1));
    luaL_Buffer b;
    lua_Debug ar;
    char in_call[512] = "", in_lib[512] = "";
    luaL_buffinit(L, &b);
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sln", &ar) || !is_rule_source(ar.source) || ar.currentline <= 0)
            continue;
        char line[512];
        int n = snprintf(line, sizeof line, "%s:%d%s%s%s\n", ar.source + 1, ar.currentline,
                         ar.name ? " (dans " : "", ar.name ? ar.name : "", ar.name ? ")" : "");
        if (n > 0)
            luaL_addstring(&b, line);
        int lib = strncmp(ar.source, "@rules/lib/", 11) == 0;
        char *slot = lib ? in_lib : in_call;
        if (!slot[0])
            snprintf(slot, sizeof in_call, "%s:%d", ar.source + 1, ar.currentline);
    }
    luaL_pushresult(&b);
    lua_createtable(L, 0, 3);
    lua_insert(L, -2);
    lua_setfield(L, -2, "traceback");
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, "message");
    const char *where = in_call[0] ? in_call : in_lib;
    if (where[0]) {
        lua_pushstring(L, where);
        lua_setfield(L, -2, "where");
    }
    return 1;
}

/* Splits "rules/x.lua:12" into err->file and err->line. */
static void set_where(elg_error *err, const char *where) {
    const char *colon = strrchr(where, ':');
    if (!colon) {
        elg_error_at(err, where, 0, 0, NULL);
        return;
    }
    char file[256];
    size_t n = (size_t)(colon - where);
    if (n >= sizeof file)
        n = sizeof file - 1;
    memcpy(file, where, n);
    file[n] = '\0';
    elg_error_at(err, file, atoi(colon + 1), 0, NULL);
}

int elg_sandbox_call(elg_sandbox *sb, int nargs, int nresults, char **traceback, elg_error *err) {
    lua_State *L = sb->L;
    if (traceback)
        *traceback = NULL;
    free(sb->last_message);
    sb->last_message = NULL;
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, msgh);
    lua_insert(L, base);
    sb->instr_count = 0;
    sb->call_deadline_us =
        sb->deadline_us ? sb->deadline_us : elg_sandbox_now_us() + (int64_t)sb->time_ms * 1000;
    lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_STEP);
    int rc = lua_pcall(L, nargs, nresults, base);
    lua_sethook(L, NULL, 0, 0);
    if (rc == LUA_OK) {
        lua_remove(L, base);
        return 0;
    }
    if (rc == LUA_ERRMEM) {
        elg_error_set(err, ELG_ERULE, "memory limit exceeded (%zu bytes)", sb->mem_limit);
    } else if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "message");
        lua_getfield(L, -2, "where");
        lua_getfield(L, -3, "traceback");
        elg_error_set(err, ELG_ERULE, "%s", lua_tostring(L, -3) ? lua_tostring(L, -3) : "?");
        if (lua_isstring(L, -3))
            sb->last_message = strdup(lua_tostring(L, -3));
        if (lua_isstring(L, -2))
            set_where(err, lua_tostring(L, -2));
        const char *tb = lua_tostring(L, -1);
        if (traceback && tb && tb[0])
            *traceback = strdup(tb);
        lua_pop(L, 3);
    } else {
        const char *m = lua_tostring(L, -1);
        elg_error_set(err, ELG_ERULE, "%s", m ? m : "error object is not a string");
    }
    lua_settop(L, base - 1);
    /* Give back what the failed call left behind before the next one. */
    lua_gc(L, LUA_GCCOLLECT);
    return ELG_ERULE;
}

/* ---- state ------------------------------------------------------------- */

/* Globals that must not be reachable once the prelude has run. */
static const char *const removed_globals[] = {
    "debug",          "load",  "loadfile", "dofile", "require", "package",
    "collectgarbage", "pcall", "xpcall",   "rawset", "rawget",  "rawequal",
    "rawlen",         "print", "warn",     "io",     "os",      NULL,
};

int elg_sandbox_new(const elg_limits *limits, elg_source_fn source, void *source_ctx,
                    elg_sandbox **out, elg_error *err) {
    *out = NULL;
    elg_sandbox *sb = calloc(1, sizeof *sb);
    if (!sb)
        return elg_error_set(err, ELG_ENOMEM, "out of memory creating the rule sandbox");
    sb->mem_limit = limits && limits->memory ? limits->memory : ELG_DEFAULT_MEMORY;
    sb->instr_limit =
        limits && limits->instructions ? limits->instructions : ELG_DEFAULT_INSTRUCTIONS;
    sb->time_ms = limits && limits->time_ms ? limits->time_ms : ELG_DEFAULT_TIME_MS;
    sb->output = limits && limits->output ? limits->output : ELG_DEFAULT_OUTPUT;
    sb->source = source;
    sb->source_ctx = source_ctx;
    sb->entry_ref = LUA_NOREF;
    sb->L = lua_newstate(limited_alloc, sb);
    if (!sb->L) {
        free(sb);
        return elg_error_set(err, ELG_ENOMEM, "cannot create a Lua state");
    }
    lua_State *L = sb->L;
    *(elg_sandbox **)lua_getextraspace(L) = sb;

    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base},
        {LUA_STRLIBNAME, luaopen_string},
        {LUA_TABLIBNAME, luaopen_table},
        {LUA_MATHLIBNAME, luaopen_math},
        {LUA_UTF8LIBNAME, luaopen_utf8},
        {LUA_DBLIBNAME, luaopen_debug},
        {NULL, NULL},
    };
    for (const luaL_Reg *lib = libs; lib->func; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }

    /* Run the prelude with the primitives table as its argument. */
    lua_pushcfunction(L, msgh);
    if (luaL_loadbufferx(L, elg_embed_prelude_lua, elg_embed_prelude_lua_len, "=prelude", "t")) {
        elg_error_set(err, ELG_ERULE, "engine prelude: %s", lua_tostring(L, -1));
        goto fail;
    }
    lua_createtable(L, 0, 3);
    luaL_newlib(L, money_funcs);
    lua_setfield(L, -2, "money");
    lua_pushcfunction(L, l_read_source);
    lua_setfield(L, -2, "read_source");
    lua_pushcfunction(L, l_tr);
    lua_setfield(L, -2, "tr");
    if (lua_pcall(L, 1, 1, -3)) {
        elg_error_set(err, ELG_ERULE, "engine prelude: %s",
                      lua_istable(L, -1) ? "failed" : lua_tostring(L, -1));
        goto fail;
    }
    sb->entry_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pop(L, 1); /* msgh */

    for (const char *const *g = removed_globals; *g; g++) {
        lua_pushnil(L);
        lua_setglobal(L, *g);
    }
    /* The debug library stays reachable only from the registry's LOADED
     * table, which rules cannot reach; drop it there too. */
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_pushnil(L);
    lua_setfield(L, -2, LUA_DBLIBNAME);
    lua_pop(L, 1);
    *out = sb;
    return 0;
fail:
    elg_sandbox_free(sb);
    return err ? err->code : ELG_ERULE;
}

void elg_sandbox_free(elg_sandbox *sb) {
    if (!sb)
        return;
    if (sb->L)
        lua_close(sb->L);
    for (size_t i = 0; i < sb->sources_count; i++) {
        free(sb->sources[i].path);
        free(sb->sources[i].data);
    }
    free(sb->sources);
    free(sb->last_message);
    free(sb);
}

const char *elg_sandbox_last_message(const elg_sandbox *sb) {
    return sb->last_message;
}

lua_State *elg_sandbox_state(elg_sandbox *sb) {
    return sb->L;
}

void elg_sandbox_push_entry(elg_sandbox *sb, const char *name) {
    lua_rawgeti(sb->L, LUA_REGISTRYINDEX, sb->entry_ref);
    lua_getfield(sb->L, -1, name);
    lua_remove(sb->L, -2);
}

elg_limits elg_sandbox_limits(const elg_sandbox *sb) {
    return (elg_limits){.instructions = sb->instr_limit,
                        .memory = sb->mem_limit,
                        .time_ms = sb->time_ms,
                        .output = sb->output};
}

void elg_sandbox_set_deadline(elg_sandbox *sb, int64_t deadline_us) {
    sb->deadline_us = deadline_us;
}

size_t elg_sandbox_sources_count(const elg_sandbox *sb) {
    return sb->sources_count;
}

const elg_source_record *elg_sandbox_source(const elg_sandbox *sb, size_t i) {
    return i < sb->sources_count ? &sb->sources[i] : NULL;
}
