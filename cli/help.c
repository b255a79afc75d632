/*
 * help: everything written from the command table (cli/help_table.c):
 * `eligo help [COMMAND]` and `COMMAND --help`, the man page eligo(1)
 * (`eligo help --man`), the bash completion script (`eligo help
 * --bash-completion`), and the "vouliez-vous dire" suggestions for
 * mistyped commands and options. One text, so none of them can disagree.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lint.h"

/* ---- the program's own text: global options, environment, files --------- */

static const char summary_text[] = "dit si un projet peut recevoir une subvention, et pourquoi";

static const char intro_text[] =
    "eligo évalue les projets candidats à une subvention au regard des règles de chaque appel "
    "à projets. Les appels et les projets sont des documents YAML gardés avec leur historique "
    "dans un magasin SQLite ; les règles de chaque appel sont des fichiers Lua exécutés dans un "
    "bac à sable ; chaque évaluation produit une décision enregistrée et reproductible, avec la "
    "trace de chaque règle, les données lues, les chiffres calculés et sa base juridique.\n"
    "\n"
    "Les options globales se placent avant ou après la commande. « eligo help COMMANDE » et "
    "« eligo COMMANDE --help » donnent l'aide d'une commande.";

static const char global_options[] =
    "--db FICHIER\tle magasin (par défaut : $ELIGO_DB, sinon ./eligo.db)\n"
    "--rules RÉPERTOIRE\tle répertoire des règles (par défaut : $ELIGO_RULES, sinon celui "
    "installé avec eligo, <préfixe>/share/eligo/rules, ou rules/ d'un répertoire de "
    "construction)\n"
    "--color[=QUAND]\tcouleurs : auto (par défaut : sur un terminal, sauf si NO_COLOR est "
    "défini ou TERM vaut dumb), always (seul --color : always), never\n"
    "--facts\tla sortie texte liste, sous chaque règle, les données lues et les chiffres "
    "calculés\n"
    "--max-instructions N\tinstructions Lua qu'une règle peut exécuter (par défaut : "
    "$ELIGO_MAX_INSTRUCTIONS, sinon 50000000)\n"
    "--max-memory MIO\tmémoire du bac à sable des règles, en Mio (par défaut : "
    "$ELIGO_MAX_MEMORY_MB, sinon 64)\n"
    "--max-time MS\tmillisecondes que peut prendre l'évaluation d'un projet (par défaut : "
    "$ELIGO_MAX_TIME, sinon 5000)\n"
    "--max-output KIO\tKio que peut occuper le résultat d'une règle (message, notes, données, "
    "chiffres ; une décision 16 fois plus) (par défaut : $ELIGO_MAX_OUTPUT_KB, sinon 256)\n"
    "-h, --help\tl'aide (de la commande, après une commande)\n"
    "--version\taffiche la version";

static const char environment[] =
    "ELIGO_DB\tle magasin, quand --db n'est pas donné\n"
    "ELIGO_RULES\tle répertoire des règles, quand --rules n'est pas donné\n"
    "ELIGO_MAX_INSTRUCTIONS, ELIGO_MAX_MEMORY_MB, ELIGO_MAX_TIME, ELIGO_MAX_OUTPUT_KB\tles "
    "limites des règles, quand l'option correspondante n'est pas donnée\n"
    "ELIGO_LUAC\tle compilateur Lua qu'utilise lint (par défaut : luac5.4)\n"
    "NO_COLOR\tdéfini et non vide : pas de couleur (sauf --color=always)\n"
    "TERM\tdumb : pas de couleur (sauf --color=always)";

static const char files_text[] =
    "<préfixe>/share/eligo/rules/\tla bibliothèque de règles (lib/), les règles des appels "
    "(calls/) et leurs cas de test (tests/)\n"
    "<préfixe>/share/eligo/seeds/\tles documents fournis : financeurs, appels, projets\n"
    "<préfixe>/share/eligo/schemas/\tles schémas JSON des documents, pour les éditeurs\n"
    "<préfixe>/share/doc/eligo/\tREADME.md et les guides (rules.md : écrire et tester des "
    "règles ; trace.md : le JSON des commandes trace ; calls.md : les appels fournis)\n"
    "./eligo.db\tle magasin par défaut";

static const char exit_codes[] =
    "0\tsuccès ; pour check, toutes les décisions sont éligibles\n"
    "1\tcheck : au moins une décision non éligible (et aucune en erreur) ; replay : la "
    "décision diverge ; test : un cas échoue (--coverage : ou une lacune) ; lint : au moins un "
    "constat\n"
    "2\terreur d'usage (commande ou option inconnue, argument manquant)\n"
    "3\tentrée invalide : document malformé (fichier:ligne:colonne: champ: message), fichier "
    "ou magasin absent, projet, appel ou décision inconnu\n"
    "4\terreur de règle : une règle n'a pu s'exécuter (décision « error »), ou la bibliothèque "
    "de règles est introuvable ou ne se charge pas\n"
    "5\terreur du magasin ou erreur interne";

/* ---- the table ------------------------------------------------------------ */

const cli_command *cli_command_find(const char *name) {
    for (size_t i = 0; i < cli_command_count; i++)
        if (strcmp(cli_commands[i].name, name) == 0)
            return &cli_commands[i];
    return NULL;
}

/* Whether c is a sub-command of group ("trace show" of "trace"). */
static int is_sub_of(const cli_command *c, const char *group) {
    size_t n = strlen(group);
    return strncmp(c->name, group, n) == 0 && c->name[n] == ' ';
}

static int has_subs(const char *group) {
    for (size_t i = 0; i < cli_command_count; i++)
        if (is_sub_of(&cli_commands[i], group))
            return 1;
    return 0;
}

/* ---- "vouliez-vous dire" --------------------------------------------------- */

const char *cli_suggest(const char *word, const char *const *candidates, size_t count) {
    /* The edit distance of the rule authors' suggestions (engine/lint.h:
     * at most two edits, fewer than half the word)... */
    json_t *list = json_array();
    for (size_t i = 0; i < count; i++)
        json_array_append_new(list, json_string(candidates[i]));
    const char *near = elg_lint_suggest(word, list);
    size_t at = 0;
    for (size_t i = 0; near && i < count; i++)
        if (strcmp(candidates[i], near) == 0)
            at = i;
    json_decref(list);
    if (near)
        return candidates[at];
    /* ...or a beginning typed out: "tra" for "trace". */
    size_t len = strlen(word);
    for (size_t i = 0; len >= 3 && i < count; i++)
        if (strncmp(word, candidates[i], len) == 0)
            return candidates[i];
    return NULL;
}

/* The commands (group NULL) or sub-commands of group, without the prefix. */
static size_t command_words(const char *group, const char **out, size_t max) {
    size_t n = 0;
    for (size_t i = 0; i < cli_command_count && n < max; i++) {
        const cli_command *c = &cli_commands[i];
        if (!group && !strchr(c->name, ' '))
            out[n++] = c->name;
        else if (group && is_sub_of(c, group))
            out[n++] = c->name + strlen(group) + 1;
    }
    return n;
}

int cli_unknown_command(const char *group, const char *word) {
    const char *words[64] = {0};
    size_t n = command_words(group, words, 64);
    const char *near = cli_suggest(word, words, n);
    fputs("eligo: ", stderr);
    if (group)
        fprintf(stderr, "sous-commande de %s inconnue « ", group);
    else
        fputs("commande inconnue « ", stderr);
    cli_put_text(stderr, word);
    fputs(" »", stderr);
    if (near)
        fprintf(stderr, " ; vouliez-vous dire « %s%s%s » ?", group ? group : "", group ? " " : "",
                near);
    fprintf(stderr, "\n(voir « eligo help%s%s »)\n", group ? " " : "", group ? group : "");
    return EXIT_USAGE;
}

/* Every option name ("--call", "-o") of an options text, into out. */
static size_t option_names(const char *text, char (*out)[40], size_t n, size_t max) {
    for (const char *l = text; l && *l && n < max;) {
        const char *tab = strchr(l, '\t'), *nl = strchr(l, '\n');
        const char *end = tab && (!nl || tab < nl) ? tab : nl ? nl : l + strlen(l);
        for (const char *p = l; p < end && n < max; p++) {
            if (*p != '-' || (p > l && p[-1] != ' ' && p[-1] != ','))
                continue;
            size_t k = 0;
            while (p + k < end && k < 39 &&
                   (p[k] == '-' || (p[k] >= 'a' && p[k] <= 'z') || (p[k] >= 'A' && p[k] <= 'Z')))
                k++;
            memcpy(out[n], p, k);
            out[n++][k] = '\0';
            p += k;
        }
        l = nl ? nl + 1 : end + strlen(end);
    }
    return n;
}

int cli_bad_option(const char *cmd, const struct option *opts, char **argv) {
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    fprintf(stderr, "eligo%s%s : ", cmd ? " " : "", cmd ? cmd : "");
    if (optopt) {
        const struct option *o = opts;
        while (o->name && o->val != optopt)
            o++;
        if (!o->name) {
            fprintf(stderr, "option inconnue « -%c »", optopt);
        } else if (o->has_arg == no_argument) {
            fprintf(stderr, "l'option --%s ne prend pas de valeur", o->name);
        } else {
            fprintf(stderr, "l'option --%s attend une valeur", o->name);
        }
    } else {
        char word[64];
        snprintf(word, sizeof word, "%.*s", (int)strcspn(arg, "="), arg);
        char names[96][40];
        const cli_command *c = cmd ? cli_command_find(cmd) : NULL;
        size_t n = option_names(c ? c->options : NULL, names, 0, 96);
        n = option_names(global_options, names, n, 96);
        const char *list[96];
        for (size_t i = 0; i < n; i++)
            list[i] = names[i];
        const char *near = cli_suggest(word, list, n);
        fputs("option inconnue ou ambiguë « ", stderr);
        cli_put_text(stderr, word);
        fputs(" »", stderr);
        if (near)
            fprintf(stderr, " ; vouliez-vous dire « %s » ?", near);
    }
    fprintf(stderr, "\n(voir « eligo help%s%s »)\n", cmd ? " " : "", cmd ? cmd : "");
    return EXIT_USAGE;
}

/* ---- text for a terminal --------------------------------------------------- */

/* Characters (not bytes) of UTF-8 text. */
static int width(const char *s, size_t n) {
    int w = 0;
    for (size_t i = 0; i < n && s[i]; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

/* Prints text wrapped at 79 columns, continuation lines after indent
 * spaces, the first one from column col (already printed). Line breaks of
 * the text are kept. */
static void wrap(FILE *out, const char *text, int indent, int col) {
    int start = 1; /* nothing of the text on this line yet */
    int after_quote = 0;
    if (col < indent) {
        fprintf(out, "%*s", indent - col, "");
        col = indent;
    }
    const char *p = text;
    while (*p) {
        if (*p == '\n') {
            fputc('\n', out);
            p++;
            col = 0;
            start = 1;
            if (*p && *p != '\n') {
                fprintf(out, "%*s", indent, "");
                col = indent;
            }
            continue;
        }
        size_t n = strcspn(p, " \n");
        int w = width(p, n);
        /* French punctuation stays with its word: no break before " :",
         * " ;", " ?", " !", " »", nor after "« ". */
        int glued =
            (n == 1 && strchr(":;?!", *p)) || (n == 2 && memcmp(p, "»", 2) == 0) || after_quote;
        after_quote = n == 2 && memcmp(p, "«", 2) == 0;
        if (!start && !glued && col + 1 + w > 79) {
            fprintf(out, "\n%*s", indent, "");
            col = indent;
            start = 1;
        }
        if (!start) {
            fputc(' ', out);
            col++;
        }
        fwrite(p, 1, n, out);
        col += w;
        start = 0;
        p += n;
        while (*p == ' ')
            p++;
    }
    fputc('\n', out);
}

/* "TERM\tmeaning" lines as a two-column list. */
static void print_list(FILE *out, const char *text, int term_width) {
    for (const char *l = text; l && *l;) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        char line[2048];
        snprintf(line, sizeof line, "%.*s", (int)len, l);
        char *tab = strchr(line, '\t');
        const char *meaning = "";
        if (tab) {
            *tab = '\0';
            meaning = tab + 1;
        }
        int w = width(line, strlen(line));
        fprintf(out, "  %s", line);
        if (w > term_width) {
            fprintf(out, "\n%*s", term_width + 4, "");
            wrap(out, meaning, term_width + 4, term_width + 4);
        } else {
            fprintf(out, "%*s", term_width - w + 2, "");
            wrap(out, meaning, term_width + 4, term_width + 4);
        }
        l = nl ? nl + 1 : l + len;
    }
}

/* A command's usage lines: "usage : eligo ..." for the first of the help
 * (label), "        eligo ..." for the others; lines of the table starting
 * with a space continue the one before, aligned under its arguments. */
static void print_usage_lines(FILE *out, const char *usage, int label) {
    for (const char *l = usage; *l;) {
        size_t n = strcspn(l, "\n");
        fprintf(out, "%s%s%.*s\n", label ? "usage : " : "        ", *l == ' ' ? "      " : "eligo ",
                (int)n, l);
        label = 0;
        l += n + (l[n] == '\n');
    }
}

void cli_help_print(FILE *out, const cli_command *c) {
    print_usage_lines(out, c->usage, 1);
    int group = has_subs(c->name);
    if (group) {
        for (size_t i = 0; i < cli_command_count; i++)
            if (is_sub_of(&cli_commands[i], c->name))
                print_usage_lines(out, cli_commands[i].usage, 0);
    }
    fputc('\n', out);
    wrap(out, c->description, 0, 0);
    if (group) {
        fputs("\nSous-commandes (« eligo help ", out);
        fprintf(out, "%s SOUS-COMMANDE ») :\n", c->name);
        for (size_t i = 0; i < cli_command_count; i++) {
            const cli_command *s = &cli_commands[i];
            if (!is_sub_of(s, c->name))
                continue;
            const char *sub = s->name + strlen(c->name) + 1;
            fprintf(out, "  %-10s", sub);
            wrap(out, s->summary, 14, 12);
        }
    }
    if (c->options) {
        fputs("\nOptions :\n", out);
        print_list(out, c->options, 22);
    }
    fputs("\nOptions globales (avant ou après la commande) : --db, --rules, --color, --facts,\n"
          "--max-instructions, --max-memory, --max-time, --max-output (voir « eligo help »).\n",
          out);
    fputs("\nCodes de sortie :\n", out);
    print_list(out, c->exits, 1);
}

int cli_help(const char *name) {
    const cli_command *c = cli_command_find(name);
    if (!c)
        return cli_unknown_command(NULL, name);
    cli_help_print(stdout, c);
    return 0;
}

void cli_help_main(FILE *out) {
    fputs("usage : eligo [OPTIONS GLOBALES] COMMANDE [ARGUMENTS] [OPTIONS GLOBALES]\n\n", out);
    wrap(out, intro_text, 0, 0);
    fputs("\nCommandes :\n", out);
    for (size_t i = 0; i < cli_command_count; i++) {
        const cli_command *c = &cli_commands[i];
        int sub = strchr(c->name, ' ') != NULL;
        int w = width(c->name, strlen(c->name)) + (sub ? 2 : 0);
        int pad = w < 16 ? 16 - w : 1;
        fprintf(out, "  %s%s%*s", sub ? "  " : "", c->name, pad, "");
        wrap(out, c->summary, 18, 2 + w + pad);
    }
    fputs("\nOptions globales :\n", out);
    print_list(out, global_options, 20);
    fputs("\nCodes de sortie :\n", out);
    print_list(out, exit_codes, 1);
    fputc('\n', out);
    wrap(out,
         "« eligo help COMMANDE » : l'aide d'une commande, avec ses options et ses codes "
         "de sortie.",
         0, 0);
}

/* ---- the man page ---------------------------------------------------------- */

/* Text for roff: backslashes and hyphens escaped, a line never starting
 * with a control character. */
static void roff(FILE *out, const char *s, size_t n) {
    for (size_t i = 0; i < n && s[i]; i++) {
        if (s[i] == '\\')
            fputs("\\e", out);
        else if (s[i] == '-')
            fputs("\\-", out);
        else if ((s[i] == '.' || s[i] == '\'') && (i == 0 || s[i - 1] == '\n'))
            fprintf(out, "\\&%c", s[i]);
        else if (s[i] == '\n' && s[i + 1] == '\n') {
            fputs("\n.PP\n", out);
            i++;
        } else
            fputc(s[i], out);
    }
}

static void roff_line(FILE *out, const char *s) {
    roff(out, s, strlen(s));
    fputc('\n', out);
}

static void roff_list(FILE *out, const char *text) {
    for (const char *l = text; l && *l;) {
        size_t len = strcspn(l, "\n");
        const char *tab = memchr(l, '\t', len);
        size_t tlen = tab ? (size_t)(tab - l) : len;
        fputs(".TP\n.B ", out);
        roff(out, l, tlen);
        fputc('\n', out);
        if (tab)
            roff(out, tab + 1, len - tlen - 1);
        fputc('\n', out);
        l += len + (l[len] == '\n');
    }
}

static void man_page(FILE *out) {
    fprintf(out,
            ".\\\" -*- coding: UTF-8 -*-\n"
            ".\\\" Written by `eligo help --man` from the help registry (cli/help_table.c).\n"
            ".TH ELIGO 1 \"\" \"eligo %s\" \"Commandes utilisateur\"\n"
            ".SH NOM\neligo \\- ",
            ELIGO_VERSION);
    roff_line(out, summary_text);
    fputs(".SH SYNOPSIS\n.B eligo\n[\\fIOPTIONS GLOBALES\\fR] \\fICOMMANDE\\fR "
          "[\\fIARGUMENTS\\fR]\n.SH DESCRIPTION\n",
          out);
    roff_line(out, intro_text);
    fputs(".SH COMMANDES\n", out);
    for (size_t i = 0; i < cli_command_count; i++) {
        const cli_command *c = &cli_commands[i];
        fputs(".SS \"", out);
        roff(out, c->name, strlen(c->name));
        fputs("\"\n.nf\n", out);
        for (const char *l = c->usage; *l;) {
            size_t n = strcspn(l, "\n");
            fputs(*l == ' ' ? "      " : "eligo ", out);
            roff(out, l, n);
            fputc('\n', out);
            l += n + (l[n] == '\n');
        }
        fputs(".fi\n.PP\n", out);
        roff_line(out, c->description);
        if (c->options) {
            fputs(".PP\nOptions :\n.RS\n", out);
            roff_list(out, c->options);
            fputs(".RE\n", out);
        }
        fputs(".PP\nCodes de sortie :\n.RS\n", out);
        roff_list(out, c->exits);
        fputs(".RE\n", out);
    }
    fputs(".SH \"OPTIONS GLOBALES\"\n", out);
    roff_list(out, global_options);
    fputs(".SH ENVIRONNEMENT\n", out);
    roff_list(out, environment);
    fputs(".SH FICHIERS\n", out);
    roff_list(out, files_text);
    fputs(".SH \"CODES DE SORTIE\"\n", out);
    roff_list(out, exit_codes);
    fputs(".SH \"VOIR AUSSI\"\n"
          "La bibliothèque de règles et le format des cas de test : rules.md ; les "
          "commandes trace : trace.md (dans <préfixe>/share/doc/eligo) ; les documents : les "
          "schémas JSON de "
          "<préfixe>/share/eligo/schemas.\n",
          out);
}

/* ---- bash completion -------------------------------------------------------- */

/* The words of a usage's "a|b|c" value after option (e.g. "--format"), as
 * "a b c" in buf; "" when the option takes no listed value. */
static void option_values(const char *options, const char *option, char *buf, size_t size) {
    buf[0] = '\0';
    size_t on = strlen(option);
    for (const char *p = options; p && (p = strstr(p, option)); p += on) {
        if (p[on] != ' ')
            continue;
        const char *v = p + on + 1;
        size_t n = strcspn(v, " \t\n");
        if (!memchr(v, '|', n))
            return;
        size_t k = 0;
        for (size_t i = 0; i < n && k + 1 < size; i++)
            buf[k++] = v[i] == '|' ? ' ' : v[i];
        buf[k] = '\0';
        return;
    }
}

static void completion_script(FILE *out) {
    char names[96][40], values[256];
    fputs("# bash completion for eligo; written by `eligo help --bash-completion` from the\n"
          "# help registry (cli/help_table.c).\n"
          "_eligo() {\n"
          "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
          "    local cmd='' i w opts='' globals\n",
          out);
    size_t n = option_names(global_options, names, 0, 96);
    fputs("    globals='", out);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%s", i ? " " : "", names[i]);
    fputs(
        "'\n"
        "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
        "        w=${COMP_WORDS[i]}\n"
        "        case $w in\n"
        "        --db | --rules | --max-instructions | --max-memory | --max-time | --max-output)\n"
        "            ((i++)) ;;\n"
        "        -*) ;;\n"
        "        *) if [[ -z $cmd ]]; then cmd=$w; elif [[ $cmd != *' '* ]]; then\n"
        "               case \"$cmd $w\" in\n",
        out);
    for (size_t i = 0; i < cli_command_count; i++)
        if (strchr(cli_commands[i].name, ' '))
            fprintf(out, "               '%s') cmd=\"$cmd $w\" ;;\n", cli_commands[i].name);
    fputs("               esac\n"
          "           fi ;;\n"
          "        esac\n"
          "    done\n"
          "    case $prev in\n"
          "    --db | -o | --output) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
          "    --rules) COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n"
          "    --outcome) COMPREPLY=($(compgen -W 'eligible ineligible error' -- \"$cur\")); "
          "return ;;\n"
          "    esac\n"
          "    if [[ -z $cmd ]]; then\n"
          "        COMPREPLY=($(compgen -W \"",
          out);
    for (size_t i = 0, k = 0; i < cli_command_count; i++)
        if (!strchr(cli_commands[i].name, ' '))
            fprintf(out, "%s%s", k++ ? " " : "", cli_commands[i].name);
    fputs(" $globals\" -- \"$cur\"))\n"
          "        return\n"
          "    fi\n"
          "    case $cmd in\n",
          out);
    for (size_t i = 0; i < cli_command_count; i++) {
        const cli_command *c = &cli_commands[i];
        fprintf(out, "    '%s')\n", c->name);
        if (has_subs(c->name)) {
            /* A group that also takes files itself (import FICHIER...):
             * its sub-commands and the files. */
            int files = strstr(c->usage, "FICHIER") != NULL;
            fputs("        COMPREPLY=($(compgen -W '", out);
            for (size_t j = 0, k = 0; j < cli_command_count; j++)
                if (is_sub_of(&cli_commands[j], c->name))
                    fprintf(out, "%s%s", k++ ? " " : "",
                            cli_commands[j].name + strlen(c->name) + 1);
            fprintf(out, "' -- \"$cur\")%s)\n        return ;;\n",
                    files ? " $(compgen -f -- \"$cur\")" : "");
            continue;
        }
        size_t m = option_names(c->options, names, 0, 96);
        fputs("        opts='", out);
        for (size_t j = 0; j < m; j++)
            fprintf(out, "%s%s", j ? " " : "", names[j]);
        fputs("'\n        case $prev in\n", out);
        for (size_t j = 0; j < m; j++) {
            option_values(c->options, names[j], values, sizeof values);
            if (values[0])
                fprintf(out, "        %s) COMPREPLY=($(compgen -W '%s' -- \"$cur\")); return ;;\n",
                        names[j], values);
        }
        fputs("        esac ;;\n", out);
    }
    fputs("    esac\n"
          "    if [[ $cur == -* ]]; then\n"
          "        COMPREPLY=($(compgen -W \"$opts $globals\" -- \"$cur\"))\n"
          "    else\n"
          "        COMPREPLY=($(compgen -f -- \"$cur\"))\n"
          "    fi\n"
          "}\n"
          "complete -o filenames -F _eligo eligo\n",
          out);
}

/* ---- the help and version commands ----------------------------------------- */

int cli_help_command(cli_ctx *ctx, int argc, char **argv) {
    (void)ctx;
    if (argc == 2 && strcmp(argv[1], "--man") == 0) {
        man_page(stdout);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "--bash-completion") == 0) {
        completion_script(stdout);
        return 0;
    }
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return cli_help("help");
    if (argc > 1 && argv[1][0] == '-') {
        static const struct option none[] = {{0, 0, 0, 0}};
        optind = 2;
        optopt = 0;
        return cli_bad_option("help", none, argv);
    }
    if (argc == 1) {
        cli_help_main(stdout);
        return 0;
    }
    if (argc > 3)
        return cli_usage("help prend au plus une commande et une sous-commande");
    if (!cli_command_find(argv[1]))
        return cli_unknown_command(NULL, argv[1]);
    if (argc == 3) {
        char name[128];
        snprintf(name, sizeof name, "%s %s", argv[1], argv[2]);
        if (!cli_command_find(name))
            return cli_unknown_command(argv[1], argv[2]);
        return cli_help(name);
    }
    return cli_help(argv[1]);
}

int cli_version_command(cli_ctx *ctx, int argc, char **argv) {
    (void)ctx;
    int json, rc = cli_format_only("version", argc, argv, &json);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (json)
        cli_put_json(json_pack("{ss}", "version", ELIGO_VERSION));
    else
        printf("eligo %s\n", ELIGO_VERSION);
    return 0;
}
