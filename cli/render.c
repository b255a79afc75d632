/*
 * render: decisions as text for a terminal, in French like the rules'
 * messages. Failing and erroring rules come first so a reader sees at once
 * why a project is not eligible; colour only on a terminal without NO_COLOR.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "money.h"
#include "report.h"

#define RED "\033[31m"
#define GREEN "\033[32m"
#define YELLOW "\033[33m"
#define DIM "\033[2m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

const char *cli_money(json_t *cents, char *buf, size_t size) {
    if (!json_is_integer(cents)) {
        snprintf(buf, size, "—");
        return buf;
    }
    return elg_money_format((elg_cents)json_integer_value(cents), buf, size);
}

static const char *c(const cli_ctx *ctx, const char *code) {
    return ctx->color ? code : "";
}

static const char *status_label(const char *status) {
    if (strcmp(status, "pass") == 0)
        return "OK    ";
    if (strcmp(status, "fail") == 0)
        return "ÉCHEC ";
    if (strcmp(status, "error") == 0)
        return "ERREUR";
    return "N/A   ";
}

static const char *status_color(const char *status) {
    if (strcmp(status, "pass") == 0)
        return GREEN;
    if (strcmp(status, "fail") == 0)
        return RED;
    if (strcmp(status, "error") == 0)
        return YELLOW;
    return DIM;
}

int cli_path_is_amount(const char *path) {
    const char *dot = strrchr(path, '.');
    const char *last = dot ? dot + 1 : path;
    return strcmp(last, "amount") == 0 || strcmp(last, "requested") == 0 ||
           strcmp(last, "envelope") == 0;
}

/* One value of a fact or a figure: amounts in euros, text as it is, the
 * rest as compact JSON. */
static void print_value(FILE *out, json_t *v, int amount) {
    char m[ELG_MONEY_FMT_MAX];
    if (amount && json_is_integer(v)) {
        fputs(cli_money(v, m, sizeof m), out);
    } else if (json_is_string(v)) {
        fputs(json_string_value(v), out);
    } else if (json_is_null(v)) {
        fputs("(absente)", out);
    } else {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        fputs(s ? s : "?", out);
        free(s);
    }
}

/* Is "params.NAME" a money parameter of the decision? */
static int param_is_money(json_t *params, const char *path) {
    size_t i;
    json_t *p;
    if (strncmp(path, "params.", 7) != 0)
        return 0;
    json_array_foreach(params, i, p) {
        const char *name = json_string_value(json_object_get(p, "name"));
        const char *type = json_string_value(json_object_get(p, "type"));
        if (name && type && strcmp(name, path + 7) == 0)
            return strcmp(type, "money") == 0;
    }
    return 0;
}

/* --facts: what the rule read and what it computed, one line each. */
static void print_facts(FILE *out, const cli_ctx *ctx, json_t *r, json_t *params) {
    const char *path;
    json_t *v;
    json_object_foreach(json_object_get(r, "facts"), path, v) {
        fprintf(out, "         %slu%s %s = ", c(ctx, DIM), c(ctx, RESET), path);
        print_value(out, v, cli_path_is_amount(path) || param_is_money(params, path));
        fputc('\n', out);
    }
    json_object_foreach(json_object_get(r, "figures"), path, v) {
        /* Integer figures are amounts in cents (rules/lib convention). */
        fprintf(out, "         %scalculé%s %s = ", c(ctx, DIM), c(ctx, RESET), path);
        print_value(out, v, 1);
        fputc('\n', out);
    }
}

static void print_rule(FILE *out, const cli_ctx *ctx, json_t *r, const char *call_basis,
                       json_t *params) {
    const char *status = json_string_value(json_object_get(r, "status"));
    fprintf(out, "  %s%s%s %s%s%s  %s\n", c(ctx, status_color(status)), status_label(status),
            c(ctx, RESET), c(ctx, BOLD), json_string_value(json_object_get(r, "id")), c(ctx, RESET),
            json_string_value(json_object_get(r, "message")));
    fprintf(out, "         %s%s", c(ctx, DIM), json_string_value(json_object_get(r, "source")));
    const char *basis = json_string_value(json_object_get(r, "basis"));
    if (basis && basis[0] && (!call_basis || strcmp(basis, call_basis) != 0))
        fprintf(out, " — %s", basis);
    fprintf(out, "%s\n", c(ctx, RESET));
    json_t *tb = json_object_get(r, "traceback");
    if (json_is_string(tb)) {
        const char *s = json_string_value(tb);
        while (*s) {
            const char *nl = strchr(s, '\n');
            int n = nl ? (int)(nl - s) : (int)strlen(s);
            fprintf(out, "         %.*s\n", n, s);
            s += n + (nl ? 1 : 0);
        }
    }
    size_t i;
    json_t *n;
    json_array_foreach(json_object_get(r, "notices"), i, n)
        fprintf(out, "         note : %s\n", json_string_value(n));
    if (ctx->show_facts)
        print_facts(out, ctx, r, params);
}

void cli_render_decision(FILE *out, const cli_ctx *ctx, json_t *d) {
    char m1[ELG_MONEY_FMT_MAX];
    const char *outcome = json_string_value(json_object_get(d, "outcome"));
    const char *label = strcmp(outcome, "eligible") == 0     ? "ÉLIGIBLE"
                        : strcmp(outcome, "ineligible") == 0 ? "NON ÉLIGIBLE"
                                                             : "ERREUR DE RÈGLE";
    const char *color = strcmp(outcome, "eligible") == 0     ? GREEN
                        : strcmp(outcome, "ineligible") == 0 ? RED
                                                             : YELLOW;
    json_t *fig = json_object_get(d, "figures");
    json_t *edition = json_object_get(d, "edition");
    fprintf(out, "Décision n° %" JSON_INTEGER_FORMAT " : %s%s%s%s\n",
            json_integer_value(json_object_get(d, "decision_id")), c(ctx, BOLD), c(ctx, color),
            label, c(ctx, RESET));
    fprintf(out, "Projet : %s (version %" JSON_INTEGER_FORMAT ")\n",
            json_string_value(json_object_get(d, "project")),
            json_integer_value(json_object_get(d, "project_version")));
    fprintf(out, "Appel  : %s — %s", json_string_value(json_object_get(d, "call")),
            json_string_value(json_object_get(d, "call_title")));
    if (json_is_object(edition))
        fprintf(out, " (édition %s, du %s)", json_string_value(json_object_get(edition, "name")),
                json_string_value(json_object_get(edition, "from")));
    fputc('\n', out);
    fprintf(out, "Coût éligible      : %s\n",
            cli_money(json_object_get(fig, "eligible_cost"), m1, sizeof m1));
    fprintf(out, "Ressources         : %s\n",
            cli_money(json_object_get(fig, "total_resources"), m1, sizeof m1));
    fprintf(out, "Demandé à l'appel  : %s\n",
            cli_money(json_object_get(fig, "requested"), m1, sizeof m1));
    if (json_is_integer(json_object_get(fig, "max_grantable")))
        fprintf(out, "Montant maximal    : %s (règle %s)\n",
                cli_money(json_object_get(fig, "max_grantable"), m1, sizeof m1),
                json_string_value(json_object_get(fig, "max_grantable_rule")));
    const char *call_basis = json_string_value(json_object_get(d, "basis"));
    if (call_basis && call_basis[0])
        fprintf(out, "Base légale : %s\n", call_basis);
    fprintf(out, "Règles :\n");
    json_t *rules = json_object_get(d, "rules");
    for (int want = 0; want <= 3; want++) {
        size_t i;
        json_t *r;
        json_array_foreach(rules, i, r) {
            if (elg_report_status_rank(json_string_value(json_object_get(r, "status"))) == want)
                print_rule(out, ctx, r, call_basis, json_object_get(d, "parameters"));
        }
    }
    fprintf(out, "%sEmpreintes : projet %.12s…  règles %.12s…  eligo %s  le %s%s\n", c(ctx, DIM),
            json_string_value(json_object_get(d, "project_sha256")),
            json_string_value(json_object_get(d, "ruleset_sha256")),
            json_string_value(json_object_get(d, "engine_version")),
            json_string_value(json_object_get(d, "created_at")), c(ctx, RESET));
}

int cli_parse_format(const char *v) {
    if (strcmp(v, "json") == 0)
        return 1;
    if (strcmp(v, "text") == 0)
        return 0;
    return -1;
}

void cli_print_decisions(const cli_ctx *ctx, json_t *decisions, int json) {
    size_t i;
    json_t *d;
    json_array_foreach(decisions, i, d) {
        if (json) {
            char *s = json_dumps(d, JSON_COMPACT);
            if (s)
                puts(s);
            free(s);
        } else {
            if (i > 0)
                putchar('\n');
            cli_render_decision(stdout, ctx, d);
        }
    }
}
