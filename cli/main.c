/*
 * eligo: command-line entry point. Parses the options every command shares
 * (--db, --rules, --color..., before or after the command), then hands over
 * to the command found in the command table (cli/help_table.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cli_usage(const char *fmt, ...) {
    va_list ap;
    fputs("eligo: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, elg_tr(fmt), ap); /* an English msgid: po/fr.po */
    va_end(ap);
    fputs("\n(voir « eligo help »)\n", stderr);
    return EXIT_USAGE;
}

int cli_exit_for(int code) {
    switch (code) {
    case ELG_OK:
        return EXIT_ELIGIBLE;
    case ELG_EUSAGE:
        return EXIT_USAGE;
    case ELG_EINPUT:
    case ELG_ENOTFOUND:
    case ELG_EIO:
    case ELG_EOVERFLOW:
        return EXIT_INPUT;
    case ELG_ERULE:
        return EXIT_RULE;
    default:
        return EXIT_STORE;
    }
}

int cli_fail(const elg_error *err) {
    char buf[1400];
    fprintf(stderr, "eligo: %s\n", elg_error_format(err, buf, sizeof buf));
    return cli_exit_for(err->code);
}

int cli_open_store(const cli_ctx *ctx, elg_store **store) {
    elg_error err = {0};
    if (elg_store_open(ctx->db_path, store, &err))
        return cli_fail(&err);
    return 0;
}

/* The store's path for messages: "eligo.db" as typed, escaped. */
static void put_store(const cli_ctx *ctx) {
    cli_put_text(stderr, ctx->db_path);
}

int cli_open_store_existing(const cli_ctx *ctx, elg_store **store) {
    elg_error err = {0};
    *store = NULL;
    if (access(ctx->db_path, F_OK) != 0 ||
        elg_store_open_existing(ctx->db_path, store, &err) == ELG_ENOTFOUND) {
        fputs("eligo: pas de magasin ", stderr);
        put_store(ctx);
        fputs(" (il est créé par « eligo init » ou « eligo import » ; choisissez-en un autre "
              "avec --db FICHIER ou ELIGO_DB)\n",
              stderr);
        return EXIT_INPUT;
    }
    if (err.code)
        return cli_fail_in(ctx, &err);
    return 0;
}

int cli_fail_in(const cli_ctx *ctx, const elg_error *err) {
    char buf[1400];
    fprintf(stderr, "eligo: %s (magasin ", elg_error_format(err, buf, sizeof buf));
    put_store(ctx);
    fputs(")\n", stderr);
    return cli_exit_for(err->code);
}

void cli_put_json(json_t *o) {
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    if (text)
        puts(text);
    free(text);
    json_decref(o);
}

int cli_format_only(const char *cmd, int argc, char **argv, int *format) {
    static const struct option opts[] = {
        {"format", required_argument, 0, 'f'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    *format = CLI_TEXT;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
        if (c == 'h') {
            cli_help(cmd);
            return -1;
        }
        if (c != 'f')
            return cli_bad_option(cmd, opts, argv);
        if ((*format = cli_format(optarg, 0)) < 0)
            return EXIT_USAGE;
    }
    if (optind != argc)
        return cli_usage("%s ne prend pas d'argument", cmd);
    return 0;
}

int cli_format(const char *v, int allow_csv) {
    if (strcmp(v, "text") == 0)
        return CLI_TEXT;
    if (strcmp(v, "json") == 0)
        return CLI_JSON;
    if (allow_csv && strcmp(v, "csv") == 0)
        return CLI_CSV;
    cli_usage("--format : text, json%s, pas « %s »", allow_csv ? " ou csv" : " ou", v);
    return -1;
}

/* Removes argv[i] (and its value when takes_value) from argv. */
static void drop(int *argc, char **argv, int i, int n) {
    memmove(&argv[i], &argv[i + n], sizeof *argv * (size_t)(*argc - i - n + 1));
    *argc -= n;
}

/* Parses a positive whole number for option name; -1 when it is not one. */
static long long parse_count(const char *name, const char *text) {
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || *end || v <= 0) {
        cli_usage("%s needs a positive whole number, not \"%s\"", name, text);
        return -1;
    }
    return v;
}

/* Rule limits from the environment (ELIGO_MAX_INSTRUCTIONS,
 * ELIGO_MAX_MEMORY_MB, ELIGO_MAX_TIME, ELIGO_MAX_OUTPUT_KB) then the
 * options, which win. */
static int set_limits(cli_ctx *ctx, const char *instr, const char *mem_mb, const char *time_ms,
                      const char *output_kb) {
    if (time_ms) {
        long long v = parse_count("--max-time", time_ms);
        if (v < 0)
            return -1;
        ctx->limits.time_ms = (uint64_t)v;
    }
    if (output_kb) {
        long long v = parse_count("--max-output", output_kb);
        if (v < 0)
            return -1;
        if (v > 1 << 20) {
            cli_usage("--max-output is in KiB and at most 1048576");
            return -1;
        }
        ctx->limits.output = (size_t)v << 10;
    }
    if (instr) {
        long long v = parse_count("--max-instructions", instr);
        if (v < 0)
            return -1;
        ctx->limits.instructions = (uint64_t)v;
    }
    if (mem_mb) {
        long long v = parse_count("--max-memory", mem_mb);
        if (v < 0)
            return -1;
        if (v > 1 << 20) {
            cli_usage("--max-memory is in MiB and at most 1048576");
            return -1;
        }
        ctx->limits.memory = (size_t)v << 20;
    }
    return 0;
}

/* Takes the global options out of argv, wherever they stand before "--";
 * *rules and *color receive --rules and --color's values. */
static int take_common(int *argc, char **argv, cli_ctx *ctx, const char **rules,
                       const char **color) {
    const char *env, *instr = NULL, *mem = NULL, *time_ms = NULL, *output = NULL;
    if ((env = getenv("ELIGO_MAX_INSTRUCTIONS")) && *env)
        instr = env;
    if ((env = getenv("ELIGO_MAX_MEMORY_MB")) && *env)
        mem = env;
    if ((env = getenv("ELIGO_MAX_TIME")) && *env)
        time_ms = env;
    if ((env = getenv("ELIGO_MAX_OUTPUT_KB")) && *env)
        output = env;
    if (set_limits(ctx, instr, mem, time_ms, output))
        return -1;
    instr = mem = time_ms = output = NULL;
    for (int i = 1; i < *argc;) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            break;
        if (strcmp(a, "--facts") == 0) {
            ctx->show_facts = 1;
            drop(argc, argv, i, 1);
            continue;
        }
        if (strcmp(a, "--color") == 0 || strncmp(a, "--color=", 8) == 0) {
            *color = a[7] ? a + 8 : "always";
            drop(argc, argv, i, 1);
            continue;
        }
        const char **slot = NULL;
        const char *name = NULL;
        if (strncmp(a, "--db", 4) == 0 && (a[4] == '\0' || a[4] == '=')) {
            slot = &ctx->db_path;
            name = "--db";
        } else if (strncmp(a, "--rules", 7) == 0 && (a[7] == '\0' || a[7] == '=')) {
            slot = rules;
            name = "--rules";
        } else if (strncmp(a, "--max-instructions", 18) == 0 && (a[18] == '\0' || a[18] == '=')) {
            slot = &instr;
            name = "--max-instructions";
        } else if (strncmp(a, "--max-memory", 12) == 0 && (a[12] == '\0' || a[12] == '=')) {
            slot = &mem;
            name = "--max-memory";
        } else if (strncmp(a, "--max-time", 10) == 0 && (a[10] == '\0' || a[10] == '=')) {
            slot = &time_ms;
            name = "--max-time";
        } else if (strncmp(a, "--max-output", 12) == 0 && (a[12] == '\0' || a[12] == '=')) {
            slot = &output;
            name = "--max-output";
        }
        if (!slot) {
            i++;
            continue;
        }
        const char *eq = strchr(a, '=');
        if (eq) {
            *slot = eq + 1;
            drop(argc, argv, i, 1);
        } else if (i + 1 < *argc) {
            *slot = argv[i + 1];
            drop(argc, argv, i, 2);
        } else {
            cli_usage("%s needs a value", name);
            return -1;
        }
        if (!**slot) {
            cli_usage("%s needs a non-empty value", name);
            return -1;
        }
    }
    return set_limits(ctx, instr, mem, time_ms, output);
}

/* Colour: --color=always|never, or auto: standard output is a terminal,
 * NO_COLOR is unset or empty (no-color.org) and TERM is not "dumb". */
static int set_color(cli_ctx *ctx, const char *when) {
    const char *env;
    if (strcmp(when, "always") == 0) {
        ctx->color = 1;
    } else if (strcmp(when, "never") == 0) {
        ctx->color = 0;
    } else if (strcmp(when, "auto") == 0) {
        ctx->color = isatty(STDOUT_FILENO) && !((env = getenv("NO_COLOR")) && *env) &&
                     !((env = getenv("TERM")) && strcmp(env, "dumb") == 0);
    } else {
        cli_usage("--color : auto, always ou never, pas « %s »", when);
        return -1;
    }
    return 0;
}

static int dispatch(cli_ctx *ctx, int argc, char **argv) {
    if (argc < 2) {
        cli_help_main(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
        cmd = "help";
    else if (strcmp(cmd, "--version") == 0)
        cmd = "version";
    else if (cmd[0] == '-' && cmd[1]) {
        static const struct option none[] = {{0, 0, 0, 0}};
        optind = 2;
        optopt = 0;
        return cli_bad_option(NULL, none, argv);
    }
    const cli_command *c = cli_command_find(cmd);
    if (!c || !c->run)
        return cli_unknown_command(NULL, cmd);
    return c->run(ctx, argc - 1, argv + 1);
}

int main(int argc, char **argv) {
    cli_ctx ctx = {0};
    const char *env, *rules = NULL, *color = "auto";
    /* Commands report option errors themselves, in French (cli_bad_option). */
    opterr = 0;
    ctx.db_path = (env = getenv("ELIGO_DB")) && *env ? env : "eligo.db";
    if (take_common(&argc, argv, &ctx, &rules, &color) || set_color(&ctx, color))
        return EXIT_USAGE;
    cli_find_rules(&ctx, rules);
    int rc = dispatch(&ctx, argc, argv);
    free(ctx.rules_owned);
    return rc;
}
