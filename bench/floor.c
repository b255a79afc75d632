/*
 * floor: the least any engine storing its projects in SQLite and running Lua
 * rules must do, as the lower bound of bench/run.sh (issue 10, item 4).
 *
 * Reads the same rows eligo evaluates (the compact forms of the call's
 * projects, latest versions, in project order: the query of the store's
 * form_for_call) in a bare C loop and calls one trivial Lua function per
 * project with the project's id and form. No decision is built or stored:
 * eligo's rate over this one is the gap that remains.
 *
 * Usage: eligo_bench_floor DB CALL_ID
 * Prints `floor COUNT SECONDS` (the loop alone; opening excluded).
 */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <sqlite3.h>
#include <stdio.h>
#include <time.h>

static const char query[] = "SELECT f.id, f.version, f.sha256, f.form FROM project_calls AS c"
                            " JOIN project_forms AS f ON f.id = c.project AND f.version = c.version"
                            " WHERE c.call = ?1 AND c.version = (SELECT max(l.version)"
                            " FROM project_forms AS l WHERE l.id = c.project)"
                            " ORDER BY c.project";

/* The trivial rule: true when the project has a form. */
static const char rule[] = "return function(id, form) return #form > 0 end";

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail_db(sqlite3 *db, const char *what) {
    fprintf(stderr, "floor: %s: %s\n", what, db ? sqlite3_errmsg(db) : "out of memory");
    return 1;
}

static int run(sqlite3 *db, lua_State *L, const char *call_id) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, query, -1, &st, NULL) != SQLITE_OK)
        return fail_db(db, "prepare");
    sqlite3_bind_text(st, 1, call_id, -1, SQLITE_STATIC);
    if (luaL_loadstring(L, rule) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK) {
        fprintf(stderr, "floor: %s\n", lua_tostring(L, -1));
        sqlite3_finalize(st);
        return 1;
    }
    int fn = luaL_ref(L, LUA_REGISTRYINDEX);
    long count = 0, passed = 0;
    int rc;
    double t0 = now_s();
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, fn);
        lua_pushstring(L, (const char *)sqlite3_column_text(st, 0));
        lua_pushlstring(L, sqlite3_column_blob(st, 3), (size_t)sqlite3_column_bytes(st, 3));
        if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
            fprintf(stderr, "floor: %s\n", lua_tostring(L, -1));
            sqlite3_finalize(st);
            return 1;
        }
        passed += lua_toboolean(L, -1);
        lua_pop(L, 1);
        count++;
    }
    double seconds = now_s() - t0;
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail_db(db, "step");
    if (passed != count) {
        fprintf(stderr, "floor: %ld of %ld projects have an empty form\n", count - passed, count);
        return 1;
    }
    printf("floor %ld %.6f\n", count, seconds);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: eligo_bench_floor DB CALL_ID\n");
        return 2;
    }
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        int rc = fail_db(db, argv[1]);
        sqlite3_close(db);
        return rc;
    }
    lua_State *L = luaL_newstate();
    if (!L) {
        sqlite3_close(db);
        fprintf(stderr, "floor: out of memory\n");
        return 1;
    }
    luaL_openlibs(L);
    int rc = run(db, L, argv[2]);
    lua_close(L);
    sqlite3_close(db);
    return rc;
}
