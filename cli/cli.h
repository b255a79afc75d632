/*
 * cli: the eligo program's shared pieces: options common to every command,
 * exit codes, and output helpers. The engine never prints; this layer
 * decides what people see.
 */
#ifndef ELG_CLI_H
#define ELG_CLI_H

#include <jansson.h>
#include <stdio.h>

#include "decision.h"
#include "error.h"
#include "rules.h"
#include "sandbox.h"
#include "store.h"
#include "tr.h"

/* Exit codes (documented in README.md and `eligo help`). */
enum {
    EXIT_ELIGIBLE = 0,   /* success; for check: every decision eligible */
    EXIT_INELIGIBLE = 1, /* check: at least one decision ineligible, none in error */
    EXIT_USAGE = 2,      /* bad command line */
    EXIT_INPUT = 3,      /* bad or missing document, unknown id */
    EXIT_RULE = 4,       /* a rule errored (decision outcome "error") or rules cannot load */
    EXIT_STORE = 5,      /* database or other internal failure */
    EXIT_INCOMPLETE =
        6, /* check: a decision incomplete (facts missing), none ineligible or in error */
};

typedef struct cli_ctx {
    const char *db_path; /* --db, ELIGO_DB, ./eligo.db */
    /* --rules, ELIGO_RULES, else found beside the program (cli/rules_dir.c);
     * NULL when not found, rules_tried then says where it was looked for. */
    const char *rules_dir;
    const char *rules_origin; /* "--rules", "ELIGO_RULES", NULL when found */
    char rules_tried[2048];
    char *rules_owned; /* rules_dir when found, freed by main */
    /* The rules found without --rules (ELIGO_RULES, else beside the
     * program; NULL when none): whatif's rules before the edit. */
    const char *rules_base;
    int color;         /* --color=always, or auto: stdout a terminal, no NO_COLOR, TERM not dumb */
    elg_limits limits; /* --max-instructions, --max-memory (0: engine defaults) */
    int show_facts;    /* --facts: text output lists each rule's facts and figures */
} cli_ctx;

/* Text from documents and rules made safe for a terminal (cli/text.c):
 * control characters, C1 controls and invalid UTF-8 shown as \xNN. */
const char *cli_escape(elg_arena *a, const char *text); /* copy in a; "" for NULL */
void cli_put_text(FILE *out, const char *text);
size_t cli_escaped_size(const char *text);
void cli_escape_into(const char *text, char *buf, size_t size);

/* Maps an engine error code to an exit code. */
int cli_exit_for(int code);

/* Prints "eligo: <file:line:col: field: message>" on stderr; returns the exit code. */
int cli_fail(const elg_error *err);

/* Prints a usage error on stderr and returns EXIT_USAGE. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Opens the store at ctx->db_path, creating it when missing (init, import),
 * reporting errors. */
int cli_open_store(const cli_ctx *ctx, elg_store **store);
/* Opens the store at ctx->db_path only when it exists (the commands that
 * read it): a missing store is an error naming its path (EXIT_INPUT). */
int cli_open_store_existing(const cli_ctx *ctx, elg_store **store);
/* cli_fail for a command reading the store: the message names the store. */
int cli_fail_in(const cli_ctx *ctx, const elg_error *err);

/* Finds the rule library (ctx->rules_dir, else beside the program) and
 * opens it; a missing library is reported with the paths tried and how to
 * choose one (EXIT_RULE). cli/rules_dir.c. */
int cli_open_rules(cli_ctx *ctx, elg_rules **rules);
/* Sets ctx->rules_dir from --rules, ELIGO_RULES or the installation. */
void cli_find_rules(cli_ctx *ctx, const char *option);

/* Renders a decision as text (French labels). */
void cli_render_decision(FILE *out, const cli_ctx *ctx, const elg_decision *decision);

/* --format text|json: 1 for json, 0 for text, -1 when invalid. */
int cli_parse_format(const char *v);

/* Prints decisions as text, or as JSON Lines (one compact object each). */
void cli_print_decisions(const cli_ctx *ctx, elg_decision *const *decisions, size_t count,
                         int json);
/* One decision as its full JSON document on a line. */
void cli_print_decision_json(const elg_decision *d);

/* Whether a field path names an amount in cents (…amount, …requested,
 * …envelope), to show it in euros. */
int cli_path_is_amount(const char *path);

/* Money in cents as "80 820,00 €". */
const char *cli_money(json_t *cents, char *buf, size_t size);

/* ---- the command table and its help (cli/help_table.c, cli/help.c) ---- */

/* A command of the program with its help, in French. Texts: usage lines
 * after "eligo " (a line starting with a space continues the one before);
 * one summary line; a description (paragraphs separated by "\n\n");
 * options and exit codes as "TERM\tmeaning" lines (options NULL: none). A
 * sub-command ("trace show") has run NULL: its command dispatches it. */
typedef struct cli_command {
    const char *name;
    int (*run)(cli_ctx *ctx, int argc, char **argv); /* argv[0] is the command */
    const char *usage;
    const char *summary;
    const char *description;
    const char *options;
    const char *exits;
} cli_command;

extern const cli_command cli_commands[];
extern const size_t cli_command_count;

/* The entry named name ("check", "trace show"); NULL when none. */
const cli_command *cli_command_find(const char *name);
/* Prints the help of command name on stdout; returns 0 (EXIT_USAGE, with a
 * suggestion, for an unknown name). */
int cli_help(const char *name);
void cli_help_print(FILE *out, const cli_command *c);
/* The program's help: commands, global options, exit codes. */
void cli_help_main(FILE *out);

/* The candidate nearest to word (a typo: at most two edits, or a
 * beginning typed out), NULL when none is near enough. */
const char *cli_suggest(const char *word, const char *const *candidates, size_t count);
/* "commande inconnue « chek » ; vouliez-vous dire « check » ?" for a
 * command (group NULL) or a sub-command of group; returns EXIT_USAGE. */
int cli_unknown_command(const char *group, const char *word);
/* After getopt_long returned '?' (opterr is 0): says which option of
 * command cmd is unknown (with the nearest one of the command's help and
 * the global options), lacks its value or takes none; returns EXIT_USAGE. */
struct option;
int cli_bad_option(const char *cmd, const struct option *opts, char **argv);

/* --format text|json|csv (csv only when allowed): CLI_TEXT, CLI_JSON,
 * CLI_CSV, or -1 after printing a usage error. */
enum { CLI_TEXT = 0, CLI_JSON = 1, CLI_CSV = 2 };
int cli_format(const char *value, int allow_csv);
/* The options of a command that has only --format text|json and --help:
 * 0 and *format, -1 after printing cmd's help (exit 0), or EXIT_USAGE. */
int cli_format_only(const char *cmd, int argc, char **argv, int *format);
/* Prints o as compact JSON on a line, and releases it (NULL: nothing). */
void cli_put_json(json_t *o);

int cli_help_command(cli_ctx *ctx, int argc, char **argv);    /* help.c */
int cli_version_command(cli_ctx *ctx, int argc, char **argv); /* help.c */
int cmd_init(cli_ctx *ctx, int argc, char **argv);
int cmd_import(cli_ctx *ctx, int argc, char **argv);
int cmd_check(cli_ctx *ctx, int argc, char **argv);
int cmd_trace(cli_ctx *ctx, int argc, char **argv);        /* cmd_trace.c */
int cmd_replay(cli_ctx *ctx, int argc, char **argv);       /* cmd_trace.c */
int cmd_test(cli_ctx *ctx, int argc, char **argv);         /* cmd_rules.c */
int cmd_lint(cli_ctx *ctx, int argc, char **argv);         /* cmd_rules.c */
int cmd_new(cli_ctx *ctx, int argc, char **argv);          /* cmd_new.c */
int cmd_explain(cli_ctx *ctx, int argc, char **argv);      /* cmd_explain.c */
int cmd_export(cli_ctx *ctx, int argc, char **argv);       /* cmd_formats.c */
int cmd_import_scdl(cli_ctx *ctx, int argc, char **argv);  /* cmd_formats.c */
int cmd_import_cerfa(cli_ctx *ctx, int argc, char **argv); /* cmd_formats.c */
int cmd_batch(cli_ctx *ctx, int argc, char **argv);        /* cmd_batch.c */
int cmd_whatif(cli_ctx *ctx, int argc, char **argv);       /* cmd_whatif.c */
/* The default of --jobs: the number of cores online (cmd_batch.c). */
int cli_default_jobs(void);
/* --jobs N: 0 to 256; -1 for anything else (cmd_batch.c). */
int cli_parse_jobs(const char *v, int *out);

#endif
