/*
 * rules_dir: where the program finds its rule library. --rules, then
 * ELIGO_RULES, then the library installed with the program
 * (<prefix>/share/eligo/rules, found from /proc/self/exe), then, for a
 * program run from its build tree, the tree's ./rules link. Never a path
 * compiled in: an installed eligo works without the source tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "instdir.h"

/* The rules found without --rules: ELIGO_RULES, else beside the program. */
static void find_base(cli_ctx *ctx) {
    const char *env = getenv("ELIGO_RULES");
    ctx->rules_tried[0] = '\0';
    if (env && *env) {
        ctx->rules_dir = env;
        ctx->rules_origin = "ELIGO_RULES";
        return;
    }
    ctx->rules_origin = NULL;
    char *exe = elg_instdir_program();
    char tried[1024] = "";
    char *dir = elg_instdir_rules(exe, 1, tried, sizeof tried);
    snprintf(ctx->rules_tried, sizeof ctx->rules_tried, "%s",
             tried[0] ? tried : "l'emplacement du programme, inconnu (/proc/self/exe illisible)");
    /* A build tree: CMakeCache.txt beside the program, rules/ links to
     * the source tree's library (CMakeLists.txt). */
    char *cache = !dir && exe ? elg_instdir_beside(exe, "CMakeCache.txt") : NULL;
    if (cache && access(cache, F_OK) == 0) {
        char *link = elg_instdir_beside(exe, "rules");
        char *real = link ? realpath(link, NULL) : NULL;
        if (real && elg_instdir_has_rules(real)) {
            dir = real;
        } else {
            free(real);
            size_t n = strlen(ctx->rules_tried);
            snprintf(ctx->rules_tried + n, sizeof ctx->rules_tried - n, ", puis %s",
                     link ? link : "rules/");
        }
        free(link);
    }
    free(cache);
    free(exe);
    free(ctx->rules_owned);
    ctx->rules_owned = dir;
    ctx->rules_dir = dir;
}

int cli_open_rules(cli_ctx *ctx, elg_rules **rules) {
    *rules = NULL;
    if (!ctx->rules_dir) {
        fprintf(stderr,
                "eligo: bibliothèque de règles introuvable (cherchée en %s) ; indiquez son "
                "répertoire avec --rules RÉPERTOIRE ou la variable ELIGO_RULES\n",
                ctx->rules_tried);
        return EXIT_RULE;
    }
    if (!elg_instdir_has_rules(ctx->rules_dir)) {
        fputs("eligo: pas de bibliothèque de règles dans ", stderr);
        cli_put_text(stderr, ctx->rules_dir);
        fprintf(stderr,
                " (%s) : lib/init.lua y est absent ou illisible ; indiquez le répertoire des "
                "règles avec --rules RÉPERTOIRE ou la variable ELIGO_RULES\n",
                ctx->rules_origin ? ctx->rules_origin : "trouvé avec le programme");
        return EXIT_RULE;
    }
    elg_error err = {0};
    if (elg_rules_open_dir(ctx->rules_dir, &ctx->limits, rules, &err))
        return cli_fail(&err);
    return 0;
}

void cli_find_rules(cli_ctx *ctx, const char *option) {
    find_base(ctx);
    ctx->rules_base = ctx->rules_dir;
    if (option) {
        ctx->rules_dir = option;
        ctx->rules_origin = "--rules";
    }
}
