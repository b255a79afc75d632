/*
 * new: prints a commented template of a document (financer, call, project, award) or of a call's
 * rule file, which imports (and runs) as it is: a grant officer's starting point.
 *
 * The templates are the files of schemas/templates/, compiled into the program. Each uses
 * placeholder ids (NOUVEAU-FINANCEUR, nouvel-appel, nouveau-projet, nouvelle-subvention) that
 * are replaced, all occurrences, by the ids given on the command line, so that a financer, a
 * call, its rules, a project and its award made with the same ids fit together. The first line of a
 * document template points the YAML language server at its JSON Schema; its path is written for a
 * document saved where the seeds are (seeds/<kind>s/ beside schemas/), or --schema PATH.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "doc.h"
#include "embedded.h"

/* The placeholders of the templates, in the order of the ids below. */
enum { PH_FINANCER, PH_CALL, PH_PROJECT, PH_AWARD, PH_COUNT };
static const char *const placeholders[PH_COUNT] = {"NOUVEAU-FINANCEUR", "nouvel-appel",
                                                   "nouveau-projet", "nouvelle-subvention"};

/* An id as documents take it (doc.h): [A-Za-z0-9._-], at most ELG_DOC_MAX_ID characters. */
static int valid_id(const char *id) {
    size_t n = strlen(id);
    if (n == 0 || n > ELG_DOC_MAX_ID)
        return 0;
    return strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* Writes text[0..len) with every placeholder replaced by its id. */
static void put_replaced(const char *text, size_t len, const char *const ids[PH_COUNT]) {
    size_t i = 0;
    while (i < len) {
        int hit = -1;
        for (int p = 0; p < PH_COUNT && hit < 0; p++) {
            size_t n = strlen(placeholders[p]);
            if (n <= len - i && memcmp(text + i, placeholders[p], n) == 0)
                hit = p;
        }
        if (hit >= 0) {
            fputs(ids[hit], stdout);
            i += strlen(placeholders[hit]);
        } else {
            putchar(text[i++]);
        }
    }
}

int cmd_new(cli_ctx *ctx, int argc, char **argv) {
    static const struct option opts[] = {
        {"help", no_argument, 0, 'h'},         {"financer", required_argument, 0, 'f'},
        {"call", required_argument, 0, 'c'},   {"project", required_argument, 0, 'p'},
        {"schema", required_argument, 0, 's'}, {0, 0, 0, 0}};
    const char *ids[PH_COUNT] = {placeholders[PH_FINANCER], placeholders[PH_CALL],
                                 placeholders[PH_PROJECT], placeholders[PH_AWARD]};
    const char *schema = NULL;
    int c;
    (void)ctx;
    optind = 1;
    opterr = 0; /* its messages are English: ours name the option */
    /* getopt permutes: options may stand before or after the kind and the id. */
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h')
            return cli_help("new");
        if (c == 'f')
            ids[PH_FINANCER] = optarg;
        else if (c == 'c')
            ids[PH_CALL] = optarg;
        else if (c == 'p')
            ids[PH_PROJECT] = optarg;
        else if (c == 's')
            schema = optarg;
        else
            return cli_usage(
                "new : option inconnue ou sans valeur « %s » (voir `eligo new --help`)",
                argv[optind - 1]);
    }
    if (argc - optind > 2)
        return cli_usage("new : argument en trop « %s »", argv[optind + 2]);
    const char *kind = optind < argc ? argv[optind] : NULL;
    const char *id = optind + 1 < argc ? argv[optind + 1] : NULL;
    if (!kind)
        return cli_usage("new : quel modèle ? project, call, financer, award ou rules");

    static const struct {
        const char *kind;
        const char *text;
        const unsigned long *len;
        int own; /* the placeholder the id replaces */
    } templates[] = {
        {"financer", elg_embed_financer_yaml, &elg_embed_financer_yaml_len, PH_FINANCER},
        {"call", elg_embed_call_yaml, &elg_embed_call_yaml_len, PH_CALL},
        {"project", elg_embed_project_yaml, &elg_embed_project_yaml_len, PH_PROJECT},
        {"award", elg_embed_award_yaml, &elg_embed_award_yaml_len, PH_AWARD},
        {"rules", elg_embed_rules_lua, &elg_embed_rules_lua_len, PH_CALL},
    };
    size_t t = 0;
    while (t < sizeof templates / sizeof templates[0] && strcmp(kind, templates[t].kind) != 0)
        t++;
    if (t == sizeof templates / sizeof templates[0])
        return cli_usage("new : modèle inconnu « %s » (project, call, financer, award ou rules)",
                         kind);
    const char *text = templates[t].text;
    size_t len = *templates[t].len;
    int own = templates[t].own;
    if (schema && strpbrk(schema, "\r\n"))
        return cli_usage("new : --schema ne peut pas contenir de saut de ligne");
    if (id)
        ids[own] = id;
    for (int p = 0; p < PH_COUNT; p++)
        if (!valid_id(ids[p]))
            return cli_usage("new : identifiant invalide « %s » (lettres sans accent, chiffres, "
                             "« . », « _ » et « - », 128 caractères au plus)",
                             ids[p]);

    /* A document template's first line names its schema relative to schemas/templates/. */
    static const char modeline[] = "# yaml-language-server: $schema=";
    if (strncmp(text, modeline, sizeof modeline - 1) == 0) {
        const char *eol = memchr(text, '\n', len);
        size_t skip = eol ? (size_t)(eol - text) + 1 : len;
        if (schema)
            printf("%s%s\n", modeline, schema);
        else
            printf("%s../../schemas/%s.schema.json\n", modeline, kind);
        text += skip;
        len -= skip;
    }
    put_replaced(text, len, ids);
    return fflush(stdout) == 0 ? 0 : EXIT_STORE;
}
