/*
 * report: the HTML page of a decision (see report.h).
 *
 * The page is written into a memory stream (open_memstream: a growable
 * buffer the C library already has) through two helpers only: text()
 * escapes, raw() is for the fixed markup of this file. Nothing that comes
 * from a document, a rule or the store may go through raw().
 *
 * Everything shown is read from the typed decision (decision.h): the
 * project's half (outcome, key figures, one result per rule, the parameters
 * the rules used) and its ruleset (the call, its rule files, the financer
 * versions). A field the decision does not have (a NULL text, a figure
 * without a value) shows as nothing, or as "—" for amounts and shares.
 */
#include "report.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hash.h"
#include "html.h"
#include "labels.h"
#include "money.h"

/* ---- output ------------------------------------------------------------- */

static void raw(FILE *f, const char *s) {
    fputs(s, f);
}

/* Writes s[0..n) HTML-escaped (text and attribute values alike). */
static void textn(FILE *f, const char *s, size_t n) {
    elg_html_text(f, s, n);
}

static void text(FILE *f, const char *s) {
    if (s)
        textn(f, s, strlen(s));
}

/* A text of the decision that may be NULL (a field it does not have). */
static const char *or_empty(const char *s) {
    return s ? s : "";
}

static void money(FILE *f, elg_cents cents) {
    char buf[ELG_MONEY_FMT_MAX];
    raw(f, "<span class=\"m\">");
    text(f, elg_money_format(cents, buf, sizeof buf));
    raw(f, "</span>");
}

/* An amount the decision may not have (has == false): "—". */
static void money_opt(FILE *f, bool has, elg_cents cents) {
    if (has)
        money(f, cents);
    else
        raw(f, "—");
}

/* A date YYYY-MM-DD the French way, DD/MM/YYYY; anything else as it is. */
static void date(FILE *f, const char *iso) {
    if (iso && strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-') {
        textn(f, iso + 8, 2);
        raw(f, "/");
        textn(f, iso + 5, 2);
        raw(f, "/");
        textn(f, iso, 4);
    } else {
        text(f, iso);
    }
}

/* A timestamp in UTC the way reviewers in France read it: the time in
 * Paris with UTC beside, "01/12/2026 à 12:38:51, heure de Paris (11:38:51 UTC)". */
static void timestamp(FILE *f, const char *iso) {
    char buf[128];
    text(f, elg_labels_time_paris(iso, false, buf, sizeof buf));
    if (iso && strlen(iso) >= 19 && iso[10] == 'T') {
        raw(f, ", heure de Paris (");
        textn(f, iso + 11, 8);
        raw(f, " UTC)");
    }
}

static void share(FILE *f, bool has, int64_t bp) {
    char buf[64];
    if (!has) {
        raw(f, "—");
        return;
    }
    elg_rate r = {bp, 10000};
    text(f, elg_rate_format(r, buf, sizeof buf));
}

/* A record {num, den} with a positive denominator: a rate. */
static bool is_rate(const elg_value *v) {
    const elg_value *num = elg_value_get(v, "num"), *den = elg_value_get(v, "den");
    return v->type == ELG_VALUE_MAP && v->u.map.count == 2 && num && num->type == ELG_VALUE_INT &&
           den && den->type == ELG_VALUE_INT && den->u.integer > 0;
}

/* A list or a record (not a rate): shown on several lines, left aligned. */
static bool is_compound(const elg_value *v) {
    return v->type == ELG_VALUE_LIST || (v->type == ELG_VALUE_MAP && !is_rate(v));
}

/*
 * A value from a trace: integers as amounts (cents, the traces'
 * convention), rates {num, den} as rates, text as text, null (a field the
 * project does not have) as "absente", booleans as oui/non, lists as
 * lists and records as "key : value" lines, recursively (the depth is
 * bounded by the trace's own, 32 levels).
 */
static void value(FILE *f, const elg_value *v, bool integers_are_money) {
    if (is_rate(v)) {
        char buf[64];
        elg_rate r = {elg_value_get(v, "num")->u.integer, elg_value_get(v, "den")->u.integer};
        text(f, elg_rate_format(r, buf, sizeof buf));
        return;
    }
    switch (v->type) {
    case ELG_VALUE_INT:
        if (integers_are_money) {
            money(f, (elg_cents)v->u.integer);
        } else {
            /* An integer that is not an amount, as JSON writes it. */
            fprintf(f, "%" PRId64, v->u.integer);
        }
        break;
    case ELG_VALUE_STRING:
        textn(f, v->u.str.text, v->u.str.len);
        break;
    case ELG_VALUE_NULL:
        raw(f, "<em>absente</em>");
        break;
    case ELG_VALUE_BOOL:
        raw(f, v->u.boolean ? "oui" : "non");
        break;
    case ELG_VALUE_LIST:
        raw(f, "<ul class=\"v\">");
        for (size_t i = 0; i < v->u.list.count; i++) {
            raw(f, "<li>");
            value(f, &v->u.list.items[i], integers_are_money);
            raw(f, "</li>");
        }
        raw(f, "</ul>");
        break;
    case ELG_VALUE_MAP:
        for (size_t i = 0; i < v->u.map.count; i++) {
            /* Record keys of the rule library under their French label. */
            const char *key = v->u.map.pairs[i].key, *w = elg_labels_figure(key);
            raw(f, i == 0 ? "" : "<br>");
            if (w) {
                text(f, w);
            } else {
                raw(f, "<code>");
                text(f, key);
                raw(f, "</code>");
            }
            raw(f, " : ");
            value(f, &v->u.map.pairs[i].value,
                  integers_are_money && !elg_labels_figure_is_count(key));
        }
        break;
    }
}

static const char *status_label(elg_rule_status s) {
    return elg_labels_status(s);
}
/* The CSS class of a status: pass, fail, error, missing, na. */
static const char *status_class(elg_rule_status s) {
    switch (s) {
    case ELG_RULE_PASS:
        return "pass";
    case ELG_RULE_FAIL:
        return "fail";
    case ELG_RULE_ERROR:
        return "error";
    case ELG_RULE_MISSING:
        return "missing";
    case ELG_RULE_NA:
        break;
    }
    return "na";
}
static const char *outcome_label(elg_outcome o) {
    return elg_labels_outcome(o);
}
static const char *outcome_class(elg_outcome o) {
    switch (o) {
    case ELG_OUTCOME_ELIGIBLE:
        return "eligible";
    case ELG_OUTCOME_INELIGIBLE:
        return "ineligible";
    case ELG_OUTCOME_INCOMPLETE:
        return "incomplete";
    case ELG_OUTCOME_ERROR:
        break;
    }
    return "error";
}
static const char *category_label(const char *c) {
    return elg_labels_category(c);
}
static const char *nature_label(const char *n) {
    return elg_labels_nature(n);
}

/* What the summary lists: rules that fail, err or wait for facts. */
static bool fails(const elg_rule_result *r) {
    return r->status == ELG_RULE_FAIL || r->status == ELG_RULE_ERROR ||
           r->status == ELG_RULE_MISSING;
}

/* ---- the page ------------------------------------------------------------ */

static const char css[] =
    "<style>\n"
    ":root{--pass:#1b6e2e;--fail:#b3261e;--error:#9a5b00;--na:#5f6368;--missing:#6a3fb5;"
    "--line:#d0d4da}\n"
    "body{font-family:'DejaVu Sans',Arial,sans-serif;color:#1f2328;max-width:62rem;"
    "margin:1.5rem auto;padding:0 1rem;line-height:1.4;font-size:15px}\n"
    "h1{font-size:1.5rem;margin:.2rem 0 .4rem}h2{font-size:1.15rem;border-bottom:2px solid "
    "var(--line);padding-bottom:.15rem;margin:1.4rem 0 .5rem}h3{font-size:1rem;margin:.1rem 0}"
    "h4{font-size:.9rem;margin:.5rem 0 .2rem}\n"
    ".outcome{border-left:.5rem solid;padding:.6rem 1.1rem;background:#f6f8fa}\n"
    ".outcome.eligible{border-color:var(--pass)}.outcome.ineligible{border-color:var(--fail)}"
    ".outcome.error{border-color:var(--error)}.outcome.incomplete{border-color:var(--missing)}\n"
    ".verdict{font-weight:bold}.eligible .verdict{color:var(--pass)}"
    ".ineligible .verdict{color:var(--fail)}.error .verdict{color:var(--error)}"
    ".incomplete .verdict{color:var(--missing)}\n"
    ".outcome ul{margin:.3rem 0;padding-left:1.2rem}\n"
    "table{border-collapse:collapse;width:100%;margin:.4rem 0}th,td{border:1px solid var(--line);"
    "padding:.2rem .45rem;text-align:left;vertical-align:top}th{background:#f0f2f5}\n"
    "td.num,th.num{text-align:right;white-space:nowrap}tr.total td{font-weight:bold}"
    "tr.sub td{background:#fafbfc;font-style:italic}\n"
    "dl.kv{display:grid;grid-template-columns:max-content auto;gap:.1rem 1rem;margin:.4rem 0}"
    "dl.kv dt{font-weight:bold}dl.kv dd{margin:0}\n"
    "dl.figs{grid-template-columns:max-content auto max-content auto}\n"
    ".rule{border:1px solid var(--line);border-left:.4rem solid;border-radius:4px;"
    "padding:.4rem .8rem;margin:.5rem 0}\n"
    ".rule.pass{border-left-color:var(--pass)}.rule.fail{border-left-color:var(--fail)}"
    ".rule.error{border-left-color:var(--error)}.rule.na{border-left-color:var(--na)}"
    ".rule.missing{border-left-color:var(--missing)}\n"
    ".badge{display:inline-block;padding:0 .45rem;border-radius:3px;color:#fff;font-size:.8rem;"
    "font-weight:bold}.badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}"
    ".badge.error{background:var(--error)}.badge.na{background:var(--na)}"
    ".badge.missing{background:var(--missing)}\n"
    ".message{margin:.2rem 0}code,pre{font-family:'DejaVu Sans Mono',monospace;font-size:.82rem}\n"
    "pre{background:#f6f8fa;border:1px solid var(--line);padding:.4rem .6rem;white-space:pre-wrap;"
    "overflow-wrap:anywhere;margin:.3rem 0}\n"
    "pre .decl{background:#fff3c4;display:inline-block;width:100%}.ln{color:#8c959f}\n"
    "details{margin:.2rem 0}summary{cursor:pointer;color:#0b57d0;font-size:.88rem}\n"
    "ul.v{margin:0;padding-left:1.1rem}.m{white-space:nowrap}.small{font-size:.82rem;color:#57606a}"
    ".hash{font-family:'DejaVu Sans Mono',monospace;font-size:.76rem;overflow-wrap:anywhere}\n"
    "table.hashes td:nth-child(1){width:11%}table.hashes td:nth-child(2){width:31%}\n"
    "@media print{body{max-width:none;margin:0;padding:0;font-size:9pt;line-height:1.3}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "h1{font-size:14pt}h2{font-size:11pt;margin:.8rem 0 .3rem}"
    ".rule,tr,pre,dl,.outcome li{break-inside:avoid}"
    "h2,h3,h4,summary,thead,.intro{break-after:avoid;page-break-after:avoid}"
    "summary{color:#57606a}"
    "@page{size:A4;margin:12mm 12mm 14mm 12mm;"
    "@bottom-right{content:counter(page) ' / ' counter(pages);font-size:8pt;color:#57606a}}}\n"
    "</style>\n";

/* The figures of a rule on one line, French labels: "montant : 95,00 € ; plafond : 50,00 €".
 * Scalars only (lists and records are in the rule's own table). */
static void figures_inline(FILE *f, const elg_value *figs) {
    bool first = true;
    for (size_t i = 0; figs->type == ELG_VALUE_MAP && i < figs->u.map.count; i++) {
        const elg_value_pair *x = &figs->u.map.pairs[i];
        if (is_compound(&x->value))
            continue;
        const char *w = elg_labels_figure(x->key);
        raw(f, first ? "" : " ; ");
        text(f, w ? w : x->key);
        raw(f, " : ");
        value(f, &x->value, !elg_labels_figure_is_count(x->key));
        first = false;
    }
}

/* One screen: what was decided, on what, why, and how much. */
static void summary(FILE *f, const elg_decision *d, const elg_report_context *ctx) {
    const elg_ruleset *rs = d->ruleset;
    const elg_project *p = ctx->project;
    const elg_figures *fig = &d->figures;
    const char *label = outcome_label(d->outcome);
    bool stored = d->id > 0; /* only a stored decision has a number and a date */
    raw(f, "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    if (stored)
        fprintf(f, "Décision n° %" PRId64 " — ", d->id);
    text(f, d->project);
    raw(f, " — ");
    text(f, label);
    raw(f, "</title>\n");
    raw(f, css);
    raw(f, "</head>\n<body>\n<header class=\"outcome ");
    raw(f, outcome_class(d->outcome));
    raw(f, "\" id=\"resume\">\n<h1>");
    if (stored)
        fprintf(f, "Décision n° %" PRId64 " : ", d->id);
    else
        raw(f, "Décision : ");
    raw(f, "<span class=\"verdict\" id=\"outcome\">");
    text(f, label);
    raw(f, "</span></h1>\n<dl class=\"kv\">\n<dt>Projet</dt><dd>");
    if (p && p->title) {
        text(f, p->title);
        raw(f, " (");
    }
    raw(f, "<code>");
    text(f, d->project);
    fprintf(f, "</code>, version %d", d->project_version);
    if (p && p->title)
        raw(f, ")");
    if (p && p->start && p->end) {
        raw(f, ", du ");
        date(f, p->start);
        raw(f, " au ");
        date(f, p->end);
    }
    raw(f, "</dd>\n");
    for (size_t i = 0; p && i < p->applicants_count; i++) {
        const elg_applicant *a = &p->applicants[i];
        raw(f, i == 0 ? "<dt>Porteur(s)</dt><dd>" : "<dt></dt><dd>");
        text(f, a->name);
        raw(f, " — ");
        text(f, elg_labels_legal_status(a->status));
        if (a->commune) {
            raw(f, ", ");
            text(f, a->commune);
        }
        if (a->siret) {
            raw(f, ", SIRET <code>");
            text(f, a->siret);
            raw(f, "</code>");
        }
        if (a->rna) {
            raw(f, ", RNA <code>");
            text(f, a->rna);
            raw(f, "</code>");
        }
        if (a->has_share) {
            char buf[64];
            raw(f, " (part ");
            text(f, elg_rate_format(a->share, buf, sizeof buf));
            raw(f, ")");
        }
        raw(f, "</dd>\n");
    }
    if (p && p->territory_count) {
        raw(f, "<dt>Territoire</dt><dd>");
        for (size_t i = 0; i < p->territory_count; i++) {
            raw(f, i ? ", " : "");
            text(f, p->territory[i]);
        }
        raw(f, "</dd>\n");
    }
    raw(f, "<dt>Appel</dt><dd>");
    text(f, rs->call_title);
    raw(f, " (<code>");
    text(f, rs->call);
    fprintf(f, "</code>, version %d", rs->call_version);
    if (rs->edition_name) {
        raw(f, ", édition ");
        text(f, rs->edition_name);
        raw(f, " du ");
        date(f, rs->edition_from);
    }
    raw(f, ")</dd>\n");
    if (ctx->call && ctx->call->basis_ref) {
        raw(f, "<dt>Référence de l'acte</dt><dd id=\"basis-ref\">");
        text(f, ctx->call->basis_ref);
        raw(f, "</dd>\n");
    }
    raw(f, "<dt>Décidé le</dt><dd>");
    timestamp(f, stored ? d->created_at : NULL);
    raw(f, " par eligo ");
    text(f, rs->engine_version);
    raw(f, "</dd>\n<dt>Demandé à l'appel</dt><dd>");
    money_opt(f, fig->has_requested, fig->requested);
    raw(f, "</dd>\n<dt>Montant maximal attribuable</dt><dd id=\"max-grantable\">");
    money_opt(f, fig->has_max_grantable, fig->max_grantable);
    if (fig->max_grantable_rule) {
        raw(f, " (règle <code>");
        text(f, fig->max_grantable_rule);
        raw(f, "</code>)");
    } else if (!fig->has_max_grantable) {
        raw(f, " <span class=\"small\">(aucune règle ne le calcule pour cet appel)</span>");
    }
    raw(f, "</dd>\n</dl>\n");

    size_t total = d->rules_count, n[ELG_RULE_STATUS_COUNT] = {0};
    for (size_t i = 0; i < total; i++)
        n[(unsigned)d->rules[i].status < ELG_RULE_STATUS_COUNT ? d->rules[i].status
                                                               : ELG_RULE_ERROR]++;
    fprintf(f,
            "<p>%zu règle%s évaluée%s : %zu respectée%s, %zu non respectée%s, %zu sans objet, "
            "%zu en erreur",
            total, total > 1 ? "s" : "", total > 1 ? "s" : "", n[ELG_RULE_PASS],
            n[ELG_RULE_PASS] > 1 ? "s" : "", n[ELG_RULE_FAIL], n[ELG_RULE_FAIL] > 1 ? "s" : "",
            n[ELG_RULE_NA], n[ELG_RULE_ERROR]);
    if (n[ELG_RULE_MISSING])
        fprintf(f, ", %zu en attente de données manquantes", n[ELG_RULE_MISSING]);
    raw(f, ".</p>\n");
    bool any = false;
    for (size_t i = 0; i < total; i++) {
        const elg_rule_result *r = &d->rules[i];
        if (!fails(r))
            continue;
        raw(f, any ? "" : "<ul id=\"echecs\">\n");
        any = true;
        raw(f, "<li><a href=\"#regle-");
        text(f, r->id);
        raw(f, "\"><code>");
        text(f, r->id);
        raw(f, "</code></a> (");
        text(f, status_label(r->status));
        raw(f, ") : ");
        text(f, r->message);
        if (r->figures.type == ELG_VALUE_MAP && r->figures.u.map.count) {
            raw(f, " <span class=\"small\">[");
            figures_inline(f, &r->figures);
            raw(f, "]</span>");
        }
        raw(f, "</li>\n");
    }
    raw(f, any ? "</ul>\n" : "");
    any = false;
    size_t shown = 0, more = 0; /* a summary fits on a screen: the rest is in each rule */
    for (size_t i = 0; i < total; i++) {
        const elg_rule_result *r = &d->rules[i];
        for (size_t k = 0; elg_rule_awaits_facts(r) && k < r->missing_count; k++) {
            if (shown == 20) {
                more++;
                continue;
            }
            shown++;
            char label_buf[2400];
            raw(f,
                any ? "" : "<p><strong>Données manquantes :</strong></p>\n<ul id=\"manquants\">\n");
            any = true;
            raw(f, "<li>");
            text(f, elg_labels_field(r->missing[k], p, label_buf, sizeof label_buf));
            raw(f, " (<code>");
            text(f, r->missing[k]);
            raw(f, "</code>), pour la règle <code>");
            text(f, r->id);
            raw(f, "</code></li>\n");
        }
    }
    if (more)
        fprintf(f, "<li>et %zu autres (voir chaque règle)</li>\n", more);
    raw(f, any ? "</ul>\n" : "");
    raw(f, "</header>\n");
}

static void key_figures(FILE *f, const elg_figures *fig) {
    raw(f, "<dl class=\"kv figs\" id=\"chiffres\">\n<dt>Coût éligible</dt><dd>");
    money(f, fig->eligible_cost);
    raw(f, "</dd>\n<dt>Total des ressources</dt><dd>");
    money(f, fig->total_resources);
    raw(f, "</dd>\n<dt>Écart dépenses − ressources</dt><dd>");
    money(f, fig->balance);
    raw(f, "</dd>\n<dt>Financements publics</dt><dd>");
    money(f, fig->public_amount);
    raw(f, " (");
    share(f, fig->has_public_share, fig->public_share_bp);
    raw(f, ")</dd>\n</dl>\n");
}

static void expenses_table(FILE *f, const elg_figures *fig, const elg_project *p) {
    raw(f, "<h3>Dépenses</h3>\n<table id=\"depenses\">\n<thead><tr><th>Catégorie</th>"
           "<th>Libellé</th><th class=\"num\">Montant</th></tr></thead>\n<tbody>\n");
    for (size_t c = 0; c < fig->by_category_count; c++) {
        const char *cat = or_empty(fig->by_category[c].category);
        size_t lines = 0;
        for (size_t i = 0; p && i < p->expenses_count; i++) {
            const elg_expense *e = &p->expenses[i];
            if (strcmp(elg_category_name(e->category), cat) != 0)
                continue;
            raw(f, "<tr><td>");
            text(f, category_label(cat));
            raw(f, "</td><td>");
            text(f, e->label);
            raw(f, "</td><td class=\"num\">");
            money(f, e->amount);
            raw(f, "</td></tr>\n");
            lines++;
        }
        raw(f, lines ? "<tr class=\"sub\"><td>" : "<tr><td>");
        text(f, category_label(cat));
        raw(f, lines ? "</td><td>Sous-total</td><td class=\"num\">"
                     : "</td><td></td><td class=\"num\">");
        money(f, fig->by_category[c].amount);
        raw(f, "</td></tr>\n");
    }
    raw(f, "<tr class=\"total\"><td colspan=\"2\">Coût éligible</td><td class=\"num\">");
    money(f, fig->eligible_cost);
    raw(f, "</td></tr>\n</tbody>\n</table>\n");
}

static void resources_table(FILE *f, const elg_figures *fig) {
    raw(f, "<h3>Ressources</h3>\n<table id=\"ressources\">\n<thead><tr><th>Financeur</th>"
           "<th>Nature</th><th class=\"num\">Demandé</th><th class=\"num\">Accordé</th>"
           "<th class=\"num\">Montant</th><th class=\"num\">Part</th><th>Fléchage</th>"
           "<th class=\"num\">Maximum attribuable</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < fig->financers_count; i++) {
        const elg_financer_figures *fo = &fig->financers[i];
        raw(f, "<tr><td><code>");
        text(f, fo->financer);
        raw(f, "</code></td><td>");
        text(f, nature_label(fo->nature));
        raw(f, fo->is_public ? " (public)" : "");
        raw(f, "</td><td class=\"num\">");
        money(f, fo->requested);
        raw(f, "</td><td class=\"num\">");
        money(f, fo->granted);
        raw(f, "</td><td class=\"num\">");
        money(f, fo->amount);
        raw(f, "</td><td class=\"num\">");
        share(f, fo->has_share, fo->share_bp);
        raw(f, "</td><td>");
        for (size_t k = 0; k < fo->earmarked_count; k++) {
            raw(f, k ? "<br>" : "");
            text(f, category_label(fo->earmarked[k].category));
            raw(f, " : ");
            money(f, fo->earmarked[k].amount);
        }
        raw(f, "</td><td class=\"num\">");
        money_opt(f, fo->has_max_grantable, fo->max_grantable);
        raw(f, "</td></tr>\n");
    }
    raw(f, "<tr class=\"total\"><td colspan=\"4\">Total des ressources</td><td class=\"num\">");
    money(f, fig->total_resources);
    raw(f, "</td><td class=\"num\">");
    raw(f, fig->total_resources > 0 ? "100 %" : "—");
    raw(f, "</td><td colspan=\"2\"></td></tr>\n</tbody>\n</table>\n");
}

/* ---- rules ----------------------------------------------------------------- */

static int is_comment_line(const char *s, const char *end) {
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    return end - s >= 2 && s[0] == '-' && s[1] == '-';
}

/* Start offsets of the lines of src; *n receives their count. */
static size_t *line_starts(const char *src, size_t len, int *n) {
    size_t cap = 64, count = 0;
    size_t *starts = malloc(cap * sizeof *starts);
    if (!starts) {
        *n = 0;
        return NULL;
    }
    starts[count++] = 0;
    for (size_t i = 0; i < len; i++) {
        if (src[i] != '\n' || i + 1 >= len)
            continue;
        if (count == cap) {
            size_t *ns = realloc(starts, (cap *= 2) * sizeof *ns);
            if (!ns) {
                free(starts);
                *n = 0;
                return NULL;
            }
            starts = ns;
        }
        starts[count++] = i + 1;
    }
    *n = len ? (int)count : 0;
    return starts;
}

static const char *line_end(const char *src, size_t len, const size_t *starts, int n, int line) {
    if (line < n)
        return src + starts[line] - 1; /* line is 1-based: the next line's start, less '\n' */
    return len && src[len - 1] == '\n' ? src + len - 1 : src + len;
}

/* Bracket depth change of one line of Lua, skipping strings and comments. */
static int bracket_delta(const char *s, const char *end, int *opened) {
    int d = 0;
    char quote = 0;
    for (; s < end; s++) {
        if (quote) {
            if (*s == '\\' && s + 1 < end)
                s++;
            else if (*s == quote)
                quote = 0;
        } else if (*s == '"' || *s == '\'') {
            quote = *s;
        } else if (*s == '-' && s + 1 < end && s[1] == '-') {
            break;
        } else if (*s == '{' || *s == '(') {
            d++;
            *opened = 1;
        } else if (*s == '}' || *s == ')') {
            d--;
        }
    }
    return d;
}

void elg_report_excerpt_range(const char *src, size_t len, int decl, int *first, int *last) {
    int n;
    size_t *starts = line_starts(src, len, &n);
    *first = *last = 0;
    if (!starts || decl < 1 || decl > n) {
        free(starts);
        return;
    }
    int a = decl;
    while (a > 1 && decl - a < 8 &&
           is_comment_line(src + starts[a - 2], line_end(src, len, starts, n, a - 1)))
        a--;
    int depth = 0, opened = 0, b = decl;
    for (int l = decl; l <= n && l < decl + 40; l++) {
        depth += bracket_delta(src + starts[l - 1], line_end(src, len, starts, n, l), &opened);
        b = l;
        if ((opened && depth <= 0) || (!opened && l >= decl + 2))
            break;
    }
    *first = a;
    *last = b;
    free(starts);
}

typedef struct source_cache {
    char *sha[16];
    char *body[16];
    size_t len[16];
    int count;
} source_cache;

static const char *cached_source(source_cache *c, elg_report_source_fn fn, void *ctx,
                                 const char *sha, size_t *len) {
    for (int i = 0; i < c->count; i++)
        if (strcmp(c->sha[i], sha) == 0) {
            *len = c->len[i];
            return c->body[i];
        }
    char *body = NULL;
    elg_error e = {0};
    if (!fn || c->count == 16 || fn(ctx, sha, &body, len, &e) != 0 || !body)
        return NULL;
    c->sha[c->count] = strdup(sha);
    if (!c->sha[c->count]) {
        free(body);
        return NULL;
    }
    c->body[c->count] = body;
    c->len[c->count] = *len;
    c->count++;
    return body;
}

static void cache_release(source_cache *c) {
    for (int i = 0; i < c->count; i++) {
        free(c->sha[i]);
        free(c->body[i]);
    }
}

/* The line number after the last ':' of "rules/calls/x.lua:12"; 0 when none. */
static int source_line(const char *colon) {
    long n = colon ? strtol(colon + 1, NULL, 10) : 0;
    return n > 0 && n <= INT_MAX ? (int)n : 0;
}

/* The source excerpt of a rule declared at "rules/calls/x.lua:12". */
static void excerpt(FILE *f, const elg_ruleset *rs, const char *source, source_cache *cache,
                    elg_report_source_fn fn, void *ctx) {
    const char *colon = strrchr(source, ':');
    int decl = source_line(colon);
    const char *sha = NULL;
    size_t plen = colon ? (size_t)(colon - source) : 0;
    for (size_t i = 0; i < rs->rule_files_count; i++) {
        const char *path = or_empty(rs->rule_files[i].path);
        if (plen && strlen(path) == plen && strncmp(path, source, plen) == 0)
            sha = or_empty(rs->rule_files[i].sha256);
    }
    size_t len = 0;
    const char *src = sha ? cached_source(cache, fn, ctx, sha, &len) : NULL;
    int first, last, n;
    if (!src) {
        raw(f, "<p class=\"small\">Extrait du code source non disponible.</p>\n");
        return;
    }
    elg_report_excerpt_range(src, len, decl, &first, &last);
    size_t *starts = line_starts(src, len, &n);
    if (!starts || first == 0) {
        free(starts);
        raw(f, "<p class=\"small\">Extrait du code source non disponible.</p>\n");
        return;
    }
    raw(f, "<h4>Code source de la règle (<code>");
    textn(f, source, plen);
    fprintf(f, "</code>, lignes %d à %d, sha256 <span class=\"hash\">", first, last);
    text(f, sha);
    raw(f, "</span>)</h4>\n<pre>");
    for (int l = first; l <= last; l++) {
        const char *s = src + starts[l - 1], *e = line_end(src, len, starts, n, l);
        raw(f, l == decl ? "<span class=\"decl\">" : "");
        fprintf(f, "<span class=\"ln\">%4d</span>  ", l);
        textn(f, s, (size_t)(e - s));
        raw(f, l == decl ? "</span>" : "");
        raw(f, "\n");
    }
    raw(f, "</pre>\n");
    free(starts);
}

/* The type of parameter `name` among those the rules used, "" when unknown. */
static const char *param_type(const elg_decision *d, const char *name) {
    for (size_t i = 0; i < d->params_count; i++)
        if (strcmp(or_empty(d->params[i]->name), name) == 0)
            return or_empty(d->params[i]->type);
    return "";
}

/* Facts read: amounts are the fields named amount/requested/envelope and the
 * money parameters; other integers stay numbers. */
static bool fact_is_money(const elg_decision *d, const char *path) {
    const char *dot = strrchr(path, '.');
    const char *last = dot ? dot + 1 : path;
    if (strncmp(path, "params.", 7) == 0)
        return strcmp(param_type(d, path + 7), "money") == 0;
    return strcmp(last, "amount") == 0 || strcmp(last, "requested") == 0 ||
           strcmp(last, "envelope") == 0;
}

static void rule_article(FILE *f, const elg_decision *d, const elg_report_context *rc,
                         const elg_rule_result *r, size_t index, source_cache *cache) {
    const char *cls = status_class(r->status);
    raw(f, "<article class=\"rule ");
    raw(f, cls);
    raw(f, "\" id=\"regle-");
    text(f, r->id);
    raw(f, "\">\n<h3><span class=\"badge ");
    raw(f, cls);
    raw(f, "\">");
    text(f, status_label(r->status));
    raw(f, "</span> <code>");
    text(f, r->id);
    raw(f, "</code> — ");
    text(f, r->title);
    fprintf(f, " <span class=\"small\">(règle %zu sur %zu)</span></h3>\n", index + 1,
            d->rules_count);
    raw(f, "<p class=\"message\">");
    text(f, r->message);
    raw(f, "</p>\n");
    for (size_t i = 0; i < r->notices_count; i++) {
        raw(f, "<p class=\"message\"><strong>Note :</strong> ");
        text(f, r->notices[i]);
        raw(f, "</p>\n");
    }
    if (r->figures.type == ELG_VALUE_MAP && r->figures.u.map.count) {
        raw(f, "<table class=\"figures\"><thead><tr><th>Chiffre calculé</th><th class=\"num\">"
               "Valeur</th></tr></thead><tbody>\n");
        for (size_t i = 0; i < r->figures.u.map.count; i++) {
            const elg_value_pair *fig = &r->figures.u.map.pairs[i];
            const char *w = elg_labels_figure(fig->key);
            raw(f, "<tr><td>");
            text(f, w ? w : fig->key);
            raw(f, " <code class=\"small\">");
            text(f, fig->key);
            raw(f,
                is_compound(&fig->value) ? "</code></td><td>" : "</code></td><td class=\"num\">");
            value(f, &fig->value, !elg_labels_figure_is_count(fig->key));
            raw(f, "</td></tr>\n");
        }
        raw(f, "</tbody></table>\n");
    }
    /* The legal basis: most rules take the call's (shown once, at the foot). */
    bool own_basis = r->basis && r->basis[0] && strcmp(r->basis, or_empty(d->ruleset->basis)) != 0;
    raw(f, "<p class=\"small\">Base légale : ");
    if (own_basis)
        text(f, r->basis);
    else
        raw(f, r->basis && r->basis[0] ? "celle de l'appel" : "—");
    raw(f, " · déclarée à <code>");
    text(f, r->source);
    raw(f, "</code>");
    /* Only an error has a place of error and a traceback (decision.h). */
    bool error = r->status == ELG_RULE_ERROR;
    if (error) {
        raw(f, " · erreur à <code>");
        text(f, r->error_at);
        raw(f, "</code>");
    }
    fprintf(f, " · %" PRId64 " µs</p>\n", r->duration_us);
    fprintf(f, "<details><summary>Données lues (%zu)", r->facts_count);
    if (r->missing_count)
        fprintf(f, ", absentes (%zu)", r->missing_count);
    raw(f, error && r->traceback ? ", pile d'appels" : "");
    raw(f, " et code source</summary>\n");
    if (r->facts_count) {
        raw(f, "<table class=\"facts\"><thead><tr><th>Donnée lue</th><th>Champ</th><th>Valeur</th>"
               "</tr></thead><tbody>\n");
        for (size_t i = 0; i < r->facts_count; i++) {
            const char *path = or_empty(r->facts[i].path);
            char label_buf[2400];
            raw(f, "<tr><td>");
            text(f, elg_labels_field(path, rc->project, label_buf, sizeof label_buf));
            raw(f, "</td><td><code>");
            text(f, path);
            raw(f, "</code></td><td>");
            value(f, &r->facts[i].value, fact_is_money(d, path));
            raw(f, "</td></tr>\n");
        }
        raw(f, "</tbody></table>\n");
    }
    if (r->missing_count) {
        raw(f, "<p><strong>Données absentes du projet :</strong> ");
        for (size_t i = 0; i < r->missing_count; i++) {
            raw(f, i ? ", <code>" : "<code>");
            text(f, r->missing[i]);
            raw(f, "</code>");
        }
        raw(f, "</p>\n");
    }
    if (error && r->traceback) {
        raw(f, "<pre>");
        text(f, r->traceback);
        raw(f, "</pre>\n");
    }
    excerpt(f, d->ruleset, or_empty(r->source), cache, rc->source, rc->source_ctx);
    raw(f, "</details>\n</article>\n");
}

int elg_report_status_rank(elg_rule_status status) {
    switch (status) {
    case ELG_RULE_ERROR:
        return 0;
    case ELG_RULE_FAIL:
        return 1;
    case ELG_RULE_MISSING:
        return 2;
    case ELG_RULE_PASS:
        return 3;
    case ELG_RULE_NA:
        break;
    }
    return 4;
}

static void rules_section(FILE *f, const elg_decision *d, const elg_report_context *rc) {
    source_cache cache = {0};
    raw(f,
        "<section id=\"regles\">\n<h2>Règles appliquées</h2>\n<p class=\"small intro\">Les règles "
        "non respectées, en erreur ou en attente de données d'abord, puis dans l'ordre "
        "d'évaluation ; les données "
        "lues et le code source de chaque règle sont repliés.</p>\n");
    for (int want = 0; want <= 4; want++) {
        for (size_t i = 0; i < d->rules_count; i++) {
            if (elg_report_status_rank(d->rules[i].status) == want)
                rule_article(f, d, rc, &d->rules[i], i, &cache);
        }
    }
    raw(f, "</section>\n");
    cache_release(&cache);
}

static const elg_edition *edition_named(const elg_call *call, const char *name) {
    for (size_t i = 0; call && name && i < call->editions_count; i++)
        if (call->editions[i].name && strcmp(call->editions[i].name, name) == 0)
            return &call->editions[i];
    return NULL;
}

/* The parameters the rules used, with the edition and the text each comes from. */
static void parameters_section(FILE *f, const elg_decision *d, const elg_call *call) {
    if (!d->params_count)
        return;
    raw(f, "<section id=\"parametres\">\n<h2>Paramètres de l'appel appliqués</h2>\n<table>"
           "<thead><tr><th>Paramètre</th><th>Valeur</th><th>Édition</th><th>Texte d'origine</th>"
           "</tr></thead><tbody>\n");
    for (size_t i = 0; i < d->params_count; i++) {
        const elg_param_value *p = d->params[i];
        const char *w = elg_labels_param(p->name);
        const elg_param *src =
            call ? elg_call_param(call, edition_named(call, p->edition), p->name) : NULL;
        raw(f, "<tr><td>");
        if (w) {
            text(f, w);
            raw(f, " ");
        }
        raw(f, "<code class=\"small\">");
        text(f, p->name);
        raw(f, "</code></td><td>");
        value(f, &p->value, strcmp(or_empty(p->type), "money") == 0);
        raw(f, "</td><td>");
        text(f, p->edition ? p->edition : "paramètres de base");
        raw(f, "</td><td class=\"small\">");
        text(f, src && src->source ? src->source : "—");
        raw(f, "</td></tr>\n");
    }
    raw(f, "</tbody></table>\n</section>\n");
}

static void hash_row(FILE *f, const char *what, const char *detail, const char *sha) {
    raw(f, "<tr><td>");
    text(f, what);
    raw(f, "</td><td>");
    text(f, detail);
    raw(f, "</td><td class=\"hash\">");
    text(f, sha);
    raw(f, "</td></tr>\n");
}

static void traceability_section(FILE *f, const elg_decision *d, const elg_report_context *rc) {
    const elg_ruleset *rs = d->ruleset;
    char detail[512];
    raw(f, "<section id=\"tracabilite\">\n<h2>Traçabilité</h2>\n");
    if (rc->decision_sha256) {
        raw(f, "<p><strong>Empreinte de la décision :</strong> <span class=\"hash\" "
               "id=\"decision-sha256\">");
        text(f, rc->decision_sha256);
        raw(f, "</span> <span class=\"small\">(SHA-256 du document de décision complet, tel que "
               "<code>eligo trace show");
        if (d->id > 0)
            fprintf(f, " %" PRId64, d->id);
        raw(f, " --format json</code> l'imprime)</span></p>\n");
    }
    raw(f, "<p><strong>Limites d'exécution des règles :</strong> <span id=\"limits\">");
    fprintf(f, "%" PRIu64 " instructions Lua par règle, %" PRIu64 " Mio de mémoire",
            rs->limit_instructions, rs->limit_memory >> 20);
    if (rs->limit_time_ms)
        fprintf(f, ", %" PRIu64 " ms par projet", rs->limit_time_ms);
    if (rs->limit_output)
        fprintf(f, ", %" PRIu64 " Kio de résultat par règle", rs->limit_output >> 10);
    raw(f, "</span> <span class=\"small\">(rejouées à l'identique par <code>eligo "
           "replay</code>)</span></p>\n");
    raw(f,
        "<table "
        "class=\"hashes\"><thead><tr><th>Élément</th><th>Version</th><th>SHA-256</th></tr></thead>"
        "<tbody>\n");
    /* detail: truncating an id of hundreds of characters is acceptable in a
     * table cell; the hash next to it identifies the document. */
    snprintf(detail, sizeof detail, "%s, version %d", or_empty(d->project), d->project_version);
    hash_row(f, "Projet", detail, d->project_sha256);
    snprintf(detail, sizeof detail, "%s, version %d", or_empty(rs->call), rs->call_version);
    hash_row(f, "Appel", detail, rs->call_sha256);
    for (size_t i = 0; i < rs->financers_count; i++) {
        const elg_financer_version *x = &rs->financers[i];
        snprintf(detail, sizeof detail, "%s, version %d", or_empty(x->financer), x->version);
        hash_row(f, "Financeur", detail, x->sha256);
    }
    for (size_t i = 0; i < rs->rule_files_count; i++)
        hash_row(f, "Fichier de règles", rs->rule_files[i].path, rs->rule_files[i].sha256);
    hash_row(f, "Jeu de règles", "ensemble des fichiers", rs->rule_files_sha256);
    /* The page shows the decision document, whatever form it was stored in. */
    fprintf(f, "</tbody></table>\n<p class=\"small\">Format de trace %d", ELG_DECISION_FORMAT);
    raw(f, ", eligo ");
    text(f, rs->engine_version);
    raw(f, ", décision du ");
    text(f, d->id > 0 ? d->created_at : NULL);
    raw(f, " (UTC).</p>\n</section>\n");
}

char *elg_report_page(const elg_decision *d, const elg_report_context *ctx, elg_error *err) {
    static const elg_report_context none = {0};
    if (!d || !d->ruleset) {
        elg_error_set(err, ELG_EUSAGE, "not a decision (no ruleset)");
        return NULL;
    }
    if (!ctx)
        ctx = &none;
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f) {
        elg_error_set(err, ELG_ENOMEM, "out of memory rendering the decision");
        return NULL;
    }
    summary(f, d, ctx);
    raw(f, "<section id=\"plan\">\n<h2>Plan de financement</h2>\n");
    key_figures(f, &d->figures);
    expenses_table(f, &d->figures, ctx->project);
    resources_table(f, &d->figures);
    raw(f, "</section>\n");
    rules_section(f, d, ctx);
    parameters_section(f, d, ctx->call);
    traceability_section(f, d, ctx);
    raw(f, "<footer class=\"small\"><p>Base légale de l'appel : ");
    text(f, d->ruleset->basis);
    raw(f, "</p></footer>\n</body>\n</html>\n");
    if (ferror(f) | fclose(f)) {
        free(buf);
        elg_error_set(err, ELG_ENOMEM, "out of memory rendering the decision");
        return NULL;
    }
    return buf;
}

char *elg_report_html(const elg_decision *d, const elg_project *project,
                      elg_report_source_fn source, void *source_ctx, elg_error *err) {
    elg_report_context ctx = {.project = project, .source = source, .source_ctx = source_ctx};
    return elg_report_page(d, &ctx, err);
}

static int store_source(void *ctx, const char *sha256, char **body, size_t *len, elg_error *err) {
    return elg_store_get_rule_source(ctx, sha256, body, len, err);
}

int elg_report_decision_html(elg_store *store, int64_t id, char **html, elg_error *err) {
    elg_decision *d = NULL;
    elg_stored_doc psd = {0}, csd = {0};
    elg_text json = {0};
    *html = NULL;
    int rc = elg_check_load_decision(store, id, &d, err);
    if (rc)
        return rc;
    /* The project and call as they were decided on. */
    elg_doc *pdoc = elg_check_load_pinned(store, "project", d->project, d->project_version,
                                          d->project_sha256, &psd);
    elg_doc *cdoc = elg_check_load_pinned(store, "call", d->ruleset->call, d->ruleset->call_version,
                                          d->ruleset->call_sha256, &csd);
    char sha[ELG_SHA256_HEX];
    rc = elg_decision_write_json(d, &json, err);
    if (rc == ELG_OK) {
        elg_sha256_hex(json.data, json.len, sha);
        elg_report_context ctx = {
            .project = pdoc ? elg_doc_project(pdoc) : NULL,
            .call = cdoc ? elg_doc_call(cdoc) : NULL,
            .decision_sha256 = sha,
            .source = store_source,
            .source_ctx = store,
        };
        *html = elg_report_page(d, &ctx, err);
        if (!*html)
            rc = err->code;
    }
    elg_text_release(&json);
    elg_doc_free(pdoc);
    elg_store_doc_release(&psd);
    elg_doc_free(cdoc);
    elg_store_doc_release(&csd);
    elg_decision_free(d);
    return rc;
}
