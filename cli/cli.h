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
#include "sandbox.h"
#include "store.h"

/* Exit codes (documented in README.md and `eligo help`). */
enum {
    EXIT_ELIGIBLE = 0,   /* success; for check: every decision eligible */
    EXIT_INELIGIBLE = 1, /* check: at least one decision ineligible, none in error */
    EXIT_USAGE = 2,      /* bad command line */
    EXIT_INPUT = 3,      /* bad or missing document, unknown id */
    EXIT_RULE = 4,       /* a rule errored (decision outcome "error") or rules cannot load */
    EXIT_STORE = 5,      /* database or other internal failure */
};

typedef struct cli_ctx {
    const char *db_path;   /* --db, ELIGO_DB, ./eligo.db */
    const char *rules_dir; /* --rules, ELIGO_RULES, the build's rules/ */
    const char *rules_base; /* ELIGO_RULES, the build's rules/ (whatif: the rules before) */
    int color;             /* stdout is a terminal and NO_COLOR is unset */
    elg_limits limits;     /* --max-instructions, --max-memory (0: engine defaults) */
    int show_facts;        /* --facts: text output lists each rule's facts and figures */
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

/* Opens the store at ctx->db_path, reporting errors. */
int cli_open_store(const cli_ctx *ctx, elg_store **store);

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

int cmd_init(cli_ctx *ctx, int argc, char **argv);
int cmd_import(cli_ctx *ctx, int argc, char **argv);
int cmd_check(cli_ctx *ctx, int argc, char **argv);
int cmd_trace(cli_ctx *ctx, int argc, char **argv);  /* cmd_trace.c */
int cmd_replay(cli_ctx *ctx, int argc, char **argv); /* cmd_trace.c */
int cmd_test(cli_ctx *ctx, int argc, char **argv);   /* cmd_rules.c */
int cmd_lint(cli_ctx *ctx, int argc, char **argv);   /* cmd_rules.c */
int cmd_batch(cli_ctx *ctx, int argc, char **argv);  /* cmd_batch.c */
int cmd_whatif(cli_ctx *ctx, int argc, char **argv); /* cmd_whatif.c */
/* The default of --jobs: the number of cores online (cmd_batch.c). */
int cli_default_jobs(void);

#endif
