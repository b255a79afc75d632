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
#include "labels.h"
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

static const char *money_or_dash(bool has, elg_cents v, char *buf, size_t size) {
    if (!has) {
        snprintf(buf, size, "—");
        return buf;
    }
    return elg_money_format(v, buf, size);
}

static const char *c(const cli_ctx *ctx, const char *code) {
    return ctx->color ? code : "";
}

static const char *status_label(elg_rule_status status) {
    switch (status) {
    case ELG_RULE_PASS:
        return "OK    ";
    case ELG_RULE_FAIL:
        return "ÉCHEC ";
    case ELG_RULE_ERROR:
        return "ERREUR";
    case ELG_RULE_MISSING:
        return "MANQUE";
    case ELG_RULE_NA:
        break;
    }
    return "N/A   ";
}

static const char *status_color(elg_rule_status status) {
    switch (status) {
    case ELG_RULE_PASS:
        return GREEN;
    case ELG_RULE_FAIL:
        return RED;
    case ELG_RULE_ERROR:
    case ELG_RULE_MISSING:
        return YELLOW;
    case ELG_RULE_NA:
        break;
    }
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
static void print_value(FILE *out, const elg_value *v, int amount) {
    char m[ELG_MONEY_FMT_MAX];
    if (amount && v->type == ELG_VALUE_INT) {
        fputs(elg_money_format(v->u.integer, m, sizeof m), out);
    } else if (v->type == ELG_VALUE_STRING) {
        cli_put_text(out, v->u.str.text);
    } else if (v->type == ELG_VALUE_NULL) {
        fputs("(absente)", out);
    } else {
        elg_text t = {0};
        elg_error e = {0};
        cli_put_text(out, elg_value_write_json(v, &t, &e) == 0 && t.data ? t.data : "?");
        elg_text_release(&t);
    }
}

/* Is "params.NAME" a money parameter of the decision? */
static int param_is_money(const elg_decision *d, const char *path) {
    if (strncmp(path, "params.", 7) != 0)
        return 0;
    for (size_t i = 0; i < d->params_count; i++)
        if (strcmp(d->params[i]->name, path + 7) == 0)
            return strcmp(d->params[i]->type, "money") == 0;
    return 0;
}

/* --facts: what the rule read and what it computed, one line each. */
static void print_facts(FILE *out, const cli_ctx *ctx, const elg_rule_result *r,
                        const elg_decision *d) {
    for (size_t i = 0; i < r->facts_count; i++) {
        const char *path = r->facts[i].path;
        fprintf(out, "         %slu%s ", c(ctx, DIM), c(ctx, RESET));
        cli_put_text(out, path);
        fputs(" = ", out);
        print_value(out, &r->facts[i].value, cli_path_is_amount(path) || param_is_money(d, path));
        fputc('\n', out);
    }
    for (size_t i = 0; r->figures.type == ELG_VALUE_MAP && i < r->figures.u.map.count; i++) {
        const elg_value_pair *f = &r->figures.u.map.pairs[i];
        /* Integer figures are amounts in cents (rules/lib convention). */
        fprintf(out, "         %scalculé%s ", c(ctx, DIM), c(ctx, RESET));
        cli_put_text(out, f->key);
        fputs(" = ", out);
        print_value(out, &f->value, 1);
        fputc('\n', out);
    }
}

static void print_rule(FILE *out, const cli_ctx *ctx, const elg_rule_result *r,
                       const elg_decision *d, elg_arena *a) {
    const char *call_basis = d->ruleset->basis;
    fprintf(out, "  %s%s%s %s%s%s  %s\n", c(ctx, status_color(r->status)), status_label(r->status),
            c(ctx, RESET), c(ctx, BOLD), cli_escape(a, r->id), c(ctx, RESET),
            cli_escape(a, r->message));
    fprintf(out, "         %s%s", c(ctx, DIM), cli_escape(a, r->source));
    if (r->basis && r->basis[0] && (!call_basis || strcmp(r->basis, call_basis) != 0))
        fprintf(out, " — %s", cli_escape(a, r->basis));
    fprintf(out, "%s\n", c(ctx, RESET));
    if (r->traceback) {
        const char *s = r->traceback;
        while (*s) {
            const char *nl = strchr(s, '\n');
            size_t n = nl ? (size_t)(nl - s) : strlen(s);
            char *line = elg_arena_strndup(a, s, n);
            fprintf(out, "         %s\n", line ? cli_escape(a, line) : "");
            s += n + (nl ? 1 : 0);
        }
    }
    for (size_t i = 0; i < r->notices_count; i++)
        fprintf(out, "         note : %s\n", cli_escape(a, r->notices[i]));
    for (size_t i = 0; r->status == ELG_RULE_MISSING && i < r->missing_count; i++) {
        char label[512];
        elg_labels_field(r->missing[i], NULL, label, sizeof label);
        fprintf(out, "         à fournir : %s (%s)\n", cli_escape(a, label),
                cli_escape(a, r->missing[i]));
    }
    if (ctx->show_facts)
        print_facts(out, ctx, r, d);
}

void cli_render_decision(FILE *out, const cli_ctx *ctx, const elg_decision *d) {
    char m1[ELG_MONEY_FMT_MAX];
    elg_arena *a = elg_arena_new();
    if (!a) {
        fputs("eligo: mémoire insuffisante\n", stderr);
        return;
    }
    const elg_ruleset *rs = d->ruleset;
    const elg_figures *fig = &d->figures;
    const char *label = elg_labels_outcome(d->outcome);
    const char *color = d->outcome == ELG_OUTCOME_ELIGIBLE     ? GREEN
                        : d->outcome == ELG_OUTCOME_INELIGIBLE ? RED
                                                               : YELLOW;
    fprintf(out, "Décision n° %" PRId64 " : %s%s%s%s\n", d->id, c(ctx, BOLD), c(ctx, color), label,
            c(ctx, RESET));
    fprintf(out, "Projet : %s (version %d)\n", cli_escape(a, d->project), d->project_version);
    fprintf(out, "Appel  : %s — %s", cli_escape(a, rs->call), cli_escape(a, rs->call_title));
    if (rs->edition_name)
        fprintf(out, " (édition %s, du %s)", cli_escape(a, rs->edition_name),
                cli_escape(a, rs->edition_from));
    fputc('\n', out);
    fprintf(out, "Coût éligible      : %s\n", elg_money_format(fig->eligible_cost, m1, sizeof m1));
    fprintf(out, "Ressources         : %s\n",
            elg_money_format(fig->total_resources, m1, sizeof m1));
    fprintf(out, "Demandé à l'appel  : %s\n",
            money_or_dash(fig->has_requested, fig->requested, m1, sizeof m1));
    if (fig->has_max_grantable)
        fprintf(out, "Montant maximal    : %s (règle %s)\n",
                elg_money_format(fig->max_grantable, m1, sizeof m1),
                cli_escape(a, fig->max_grantable_rule));
    if (rs->basis && rs->basis[0])
        fprintf(out, "Base légale : %s\n", cli_escape(a, rs->basis));
    fprintf(out, "Règles :\n");
    /* Failing rules first, in the audit page's order. */
    for (int want = 0; want <= 4; want++)
        for (size_t i = 0; i < d->rules_count; i++)
            if (elg_report_status_rank(d->rules[i].status) == want)
                print_rule(out, ctx, &d->rules[i], d, a);
    fprintf(out, "%sEmpreintes : projet %.12s…  règles %.12s…  eligo %s  le %s%s\n", c(ctx, DIM),
            d->project_sha256, rs->rule_files_sha256, rs->engine_version ? rs->engine_version : "",
            d->created_at ? d->created_at : "", c(ctx, RESET));
    elg_arena_free(a);
}

int cli_parse_format(const char *v) {
    if (strcmp(v, "json") == 0)
        return 1;
    if (strcmp(v, "text") == 0)
        return 0;
    return -1;
}

void cli_print_decision_json(const elg_decision *d) {
    elg_text t = {0};
    elg_error e = {0};
    if (elg_decision_write_json(d, &t, &e) == 0)
        puts(t.data);
    else
        fprintf(stderr, "eligo: %s\n", e.message);
    elg_text_release(&t);
}

void cli_print_decisions(const cli_ctx *ctx, elg_decision *const *decisions, size_t count,
                         int json) {
    for (size_t i = 0; i < count; i++) {
        if (json) {
            cli_print_decision_json(decisions[i]);
        } else {
            if (i > 0)
                putchar('\n');
            cli_render_decision(stdout, ctx, decisions[i]);
        }
    }
}
