/*
 * eligo: command-line entry point. Parses the options every command shares
 * (--db, --rules, wherever they stand), then hands over to the command.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage_text[] =
    "usage: eligo [--db PATH] [--rules DIR] COMMAND [ARGS]\n"
    "\n"
    "Commands:\n"
    "  init                      create the store (also done by any command that needs it)\n"
    "  import FILE|DIR...        import financer, call and project documents (all or nothing)\n"
    "  check PROJECT [--call CALL] [--format text|json]\n"
    "                            evaluate a project against its calls and store the decisions\n"
    "  trace list [--project ID] [--call ID] [--outcome O] [--since DATE] [--until DATE]\n"
    "             [--format text|json]\n"
    "                            list stored decisions, oldest first\n"
    "  trace show DECISION [--format text|json]\n"
    "                            print a stored decision with its trace\n"
    "  trace diff A B [--format text|json]\n"
    "                            what changed between two decisions, rule by rule\n"
    "  trace export DECISION --html [-o FILE]\n"
    "                            the decision as a self-contained, printable HTML page\n"
    "  replay DECISION [--format text|json]\n"
    "                            evaluate a decision again from the store (0 same, 1 diverged)\n"
    "  test [--coverage] [--format text|json] [FILE|DIR...]\n"
    "                            run the rule test cases (default: rules/tests)\n"
    "  lint [--format text|json] [CALL.yaml|DIR...]\n"
    "                            check call documents and their rules (default: seeds/calls)\n"
    "  batch CALL [--project ID]... [--since DATE] [--format text|json|csv] [--jobs N]\n"
    "             [--unit N]\n"
    "                            evaluate and store every project of a call; outcomes and\n"
    "                            the consumption of its envelope\n"
    "  whatif CALL --rules DIR | --params FILE [--format text|json] [--jobs N]\n"
    "                            the decisions of a call that edited rules or parameters\n"
    "                            would change (nothing stored)\n"
    "  help                      this text\n"
    "\n"
    "Options:\n"
    "  --db PATH      database file (default: $ELIGO_DB, else ./eligo.db)\n"
    "  --rules DIR    rules directory (default: $ELIGO_RULES, else the source tree's rules/)\n"
    "  --facts        text output lists, under each rule, the facts it read and the\n"
    "                 figures it computed\n"
    "  --max-instructions N  Lua instructions one rule may run (default: "
    "$ELIGO_MAX_INSTRUCTIONS, else 50000000)\n"
    "  --max-memory MIB      memory of the rule sandbox in MiB (default: $ELIGO_MAX_MEMORY_MB, "
    "else 64)\n"
    "  --max-time MS         milliseconds one project's evaluation may take (default: "
    "$ELIGO_MAX_TIME, else 5000)\n"
    "  --max-output KIB      KiB one rule's result may take (message, notices, facts, figures;\n"
    "                        a decision 16 times that) (default: $ELIGO_MAX_OUTPUT_KB, else 256)\n"
    "  --version      print the version\n"
    "\n"
    "Exit codes:\n"
    "  0  success; for check, every decision is eligible\n"
    "  1  check: at least one decision is ineligible (and none in error);\n"
    "     test: a case fails (--coverage: or a rule is never made to pass and fail);\n"
    "     lint: something was found; replay: the decision diverges\n"
    "  2  usage error\n"
    "  3  bad input: malformed document (file:line: field: message), unknown id\n"
    "  4  rule error: a rule failed to run (decision outcome \"error\") or rules cannot load\n"
    "  5  store or internal error\n";

int cli_usage(const char *fmt, ...) {
    va_list ap;
    fputs("eligo: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n(see `eligo help`)\n", stderr);
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

/* Removes argv[i] (and its value when takes_value) from argv. */
static void drop(int *argc, char **argv, int i, int n) {
    memmove(&argv[i], &argv[i + n], sizeof *argv * (size_t)(*argc - i - n + 1));
    *argc -= n;
}

/* Takes --db and --rules (as "--db X" or "--db=X") out of argv. */
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

static int take_common(int *argc, char **argv, cli_ctx *ctx) {
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
        const char **slot = NULL;
        const char *name = NULL;
        if (strncmp(a, "--db", 4) == 0 && (a[4] == '\0' || a[4] == '=')) {
            slot = &ctx->db_path;
            name = "--db";
        } else if (strncmp(a, "--rules", 7) == 0 && (a[7] == '\0' || a[7] == '=')) {
            slot = &ctx->rules_dir;
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

int main(int argc, char **argv) {
    cli_ctx ctx = {0};
    const char *env;
    ctx.db_path = (env = getenv("ELIGO_DB")) && *env ? env : "eligo.db";
    ctx.rules_dir = (env = getenv("ELIGO_RULES")) && *env ? env : ELIGO_DEFAULT_RULES_DIR;
    ctx.rules_base = ctx.rules_dir;
    ctx.color = isatty(STDOUT_FILENO) && !((env = getenv("NO_COLOR")) && *env);
    if (take_common(&argc, argv, &ctx))
        return EXIT_USAGE;
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("eligo %s\n", ELIGO_VERSION);
        return 0;
    }
    static const struct {
        const char *name;
        int (*fn)(cli_ctx *, int, char **);
    } cmds[] = {
        {"init", cmd_init},     {"import", cmd_import}, {"check", cmd_check}, {"trace", cmd_trace},
        {"replay", cmd_replay}, {"test", cmd_test},     {"lint", cmd_lint},
        {"batch", cmd_batch},   {"whatif", cmd_whatif},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(cmd, cmds[i].name) == 0)
            return cmds[i].fn(&ctx, argc - 1, argv + 1);
    return cli_usage("unknown command \"%s\"", cmd);
}
