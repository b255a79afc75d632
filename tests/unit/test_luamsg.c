/*
 * Tests of engine/luamsg.h: the messages are the ones Lua 5.4 itself gives,
 * made here by running the snippet that raises each, so that a pattern
 * that does not match Lua's real text fails; each has its exact French,
 * its position prefix kept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "luamsg.h"

/* The message Lua gives for src, run (or, when compile is set, loaded) as
 * chunk "@rules/calls/x.lua". */
static void lua_message(const char *src, bool compile, char *out, size_t size) {
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    int rc = luaL_loadbufferx(L, src, strlen(src), "@rules/calls/x.lua", "t");
    if (!compile) {
        assert_int_equal(rc, LUA_OK);
        rc = lua_pcall(L, 0, 0, 0);
    }
    assert_int_not_equal(rc, LUA_OK);
    snprintf(out, size, "%s", lua_tostring(L, -1));
    lua_close(L);
}

static const struct {
    const char *src;
    bool compile;
    const char *french;
} cases[] = {
    {"local p = {}\nreturn p.applicants.status", false,
     "tentative d'indexer une valeur nil (champ « applicants »)"},
    {"local x\nreturn x.y", false, "tentative d'indexer une valeur nil (variable locale « x »)"},
    {"return undefined_fn()", false,
     "tentative d'appeler une valeur nil (variable globale « undefined_fn »)"},
    {"local t = {}\nreturn t.amount + 1", false,
     "tentative de faire un calcul sur une valeur nil (champ « amount »)"},
    {"local s = {}\nreturn 'a' .. s", false,
     "tentative de concaténer une table (variable locale « s »)"},
    {"return #nil", false, "tentative de prendre la longueur d'une valeur nil"},
    {"return {} < {}", false, "tentative de comparer deux valeurs de type table"},
    {"return 1 < 'a'", false, "tentative de comparer un nombre avec un texte"},
    {"local z = 0\nreturn 1 // z", false, "division par zéro"},
    {"local z = 0\nreturn 1 % z", false, "reste d'une division par zéro (n%0)"},
    {"return 1.5 | 0", false, "le nombre n'a pas de représentation entière"},
    {"return math.floor('x')", false,
     "mauvais argument n° 1 de « floor » (attendu : nombre, reçu : texte)"},
    {"for _, e in ipairs(nil) do end", false, "tentative d'indexer une valeur nil"},
    {"return ipairs()", false, "mauvais argument n° 1 de « ipairs » (une valeur est attendue)"},
    {"return math.abs()", false,
     "mauvais argument n° 1 de « abs » (attendu : nombre, reçu : aucune valeur)"},
    {"return string.rep('x', -1, {})", false,
     "mauvais argument n° 3 de « rep » (attendu : texte, reçu : table)"},
    {"local t = {}\nt[nil] = 1", false, "index de table nil"},
    {"for i = 1, 10, 0 do end", false, "le pas d'une boucle for est nul"},
    {"local function f() return f() + 1 end\nreturn f()", false,
     "débordement de pile (récursion trop profonde ?)"},
    {"return table.concat({{}})", false,
     "valeur invalide (table) à l'index 1 dans la table passée à « concat »"},
    {"assert(false)", false, "assertion non vérifiée !"},
    {"return rule { id = 'a'\nrule { id = 'b' }", true,
     "« } » attendu (pour fermer « { » de la ligne 1) près de « rule »"},
    {"return function(", true, "un nom ou « ... » attendu près de la fin du fichier"},
    {"local = 1", true, "un nom attendu près de « = »"},
    {"x = = 1", true, "symbole inattendu près de « = »"},
    {"x = 'abc", true, "texte inachevé près de la fin du fichier"},
    {"x = 'abc\ny = 1", true, "texte inachevé près de « 'abc »"},
    {"x = 3e", true, "nombre mal formé près de « 3e »"},
    {"local x <const> = 1\nx = 2", true, "affectation de la constante « x »"},
    {"break", true, "break hors d'une boucle à la ligne 1"},
    {"goto nowhere", true, "pas d'étiquette « nowhere » visible pour le goto de la ligne 1"},
};

static void test_lua_messages(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char msg[1024], fr[ELG_LUAMSG_MAX];
        lua_message(cases[i].src, cases[i].compile, msg, sizeof msg);
        if (!elg_luamsg_french(msg, fr, sizeof fr))
            fail_msg("not translated: %s", msg);
        /* The position Lua gave is kept as it is. */
        const char *body = strstr(msg, ".lua:");
        body = body ? strchr(body + 5, ' ') + 1 : msg;
        char want[2048];
        snprintf(want, sizeof want, "%.*s%s", (int)(body - msg), msg, cases[i].french);
        if (strcmp(fr, want) != 0)
            fail_msg("%s\n  gives  %s\n  wanted %s", msg, fr, want);
    }
}

/* A rule's own text, an unknown message, a message too long to be Lua's
 * own, and a buffer too small are left as they are. */
static void test_left_alone(void **state) {
    (void)state;
    char fr[ELG_LUAMSG_MAX], small[8];
    assert_false(elg_luamsg_french("montant trop élevé", fr, sizeof fr));
    assert_false(elg_luamsg_french("something Lua never says", fr, sizeof fr));
    assert_false(elg_luamsg_french(NULL, fr, sizeof fr));
    assert_false(elg_luamsg_french("stack overflow", small, sizeof small));
    size_t n = 100000;
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, 'a', n);
    memcpy(big + n - 9, " expected", 9);
    big[n] = '\0';
    assert_false(elg_luamsg_french(big, fr, sizeof fr));
    free(big);
    /* Without a position, and with two. */
    assert_true(elg_luamsg_french("stack overflow", fr, sizeof fr));
    assert_string_equal(fr, "débordement de pile (récursion trop profonde ?)");
    assert_true(elg_luamsg_french("rules/lib/a.lua:4: rules/calls/b.lua:9: table index is NaN", fr,
                                  sizeof fr));
    assert_string_equal(fr, "rules/lib/a.lua:4: rules/calls/b.lua:9: index de table NaN");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lua_messages),
        cmocka_unit_test(test_left_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
