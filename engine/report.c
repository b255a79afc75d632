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
#include "money.h"

/* ---- output ------------------------------------------------------------- */

static void raw(FILE *f, const char *s) {
    fputs(s, f);
}

/* Writes s[0..n) HTML-escaped (text and attribute values alike). */
static void textn(FILE *f, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        case '\0':
            break;
        default:
            fputc(s[i], f);
        }
    }
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

/* A timestamp YYYY-MM-DDTHH:MM:SS.mmmZ the French way,
 * "24/11/2026 à 22:56:57 UTC"; anything else as it is. */
static void timestamp(FILE *f, const char *iso) {
    if (iso && strlen(iso) >= 20 && iso[10] == 'T' && iso[13] == ':' && iso[16] == ':') {
        char day[11];
        memcpy(day, iso, 10);
        day[10] = '\0';
        date(f, day);
        raw(f, " à ");
        textn(f, iso + 11, 8);
        raw(f, " UTC");
    } else {
        text(f, iso);
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
            raw(f, i == 0 ? "<code>" : "<br><code>");
            text(f, v->u.map.pairs[i].key);
            raw(f, "</code> : ");
            value(f, &v->u.map.pairs[i].value, integers_are_money);
        }
        break;
    }
}

/* The second column of the row of table whose first column is key; dflt
 * when none. */
static const char *lookup(const char *const (*table)[2], size_t n, const char *key,
                          const char *dflt) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i][0], key) == 0)
            return table[i][1];
    return dflt;
}
#define LOOKUP(table, key, dflt) lookup(table, sizeof table / sizeof table[0], key, dflt)

static const char *const category_labels[][2] = {
    {"staff", "Frais de personnel"}, {"services", "Prestations de services"},
    {"equipment", "Matériel"},       {"travel", "Déplacements"},
    {"indirect", "Coûts indirects"}, {"other", "Autres dépenses"}};
static const char *const nature_labels[][2] = {{"eu", "Union européenne"},
                                               {"state", "État"},
                                               {"local-authority", "Collectivité"},
                                               {"social-security", "Sécurité sociale"},
                                               {"private", "Privé"},
                                               {"self", "Autofinancement"}};

static const char *status_label(elg_rule_status s) {
    switch (s) {
    case ELG_RULE_PASS:
        return "respectée";
    case ELG_RULE_FAIL:
        return "non respectée";
    case ELG_RULE_NA:
        return "sans objet";
    case ELG_RULE_ERROR:
        break;
    }
    return "erreur";
}
/* The CSS class of a status: pass, fail, error, na. */
static const char *status_class(elg_rule_status s) {
    switch (s) {
    case ELG_RULE_PASS:
        return "pass";
    case ELG_RULE_FAIL:
        return "fail";
    case ELG_RULE_ERROR:
        return "error";
    case ELG_RULE_NA:
        break;
    }
    return "na";
}
static const char *outcome_label(elg_outcome o) {
    switch (o) {
    case ELG_OUTCOME_ELIGIBLE:
        return "ÉLIGIBLE";
    case ELG_OUTCOME_INELIGIBLE:
        return "NON ÉLIGIBLE";
    case ELG_OUTCOME_ERROR:
        break;
    }
    return "ERREUR DE RÈGLE";
}
static const char *outcome_class(elg_outcome o) {
    switch (o) {
    case ELG_OUTCOME_ELIGIBLE:
        return "eligible";
    case ELG_OUTCOME_INELIGIBLE:
        return "ineligible";
    case ELG_OUTCOME_ERROR:
        break;
    }
    return "error";
}
static const char *category_label(const char *c) {
    return c ? LOOKUP(category_labels, c, c) : "";
}
static const char *nature_label(const char *n) {
    return n ? LOOKUP(nature_labels, n, n) : "";
}

static bool fails(const elg_rule_result *r) {
    return r->status == ELG_RULE_FAIL || r->status == ELG_RULE_ERROR;
}

/* ---- the page ------------------------------------------------------------ */

static const char css[] =
    "<style>\n"
    ":root{--pass:#1b6e2e;--fail:#b3261e;--error:#9a5b00;--na:#5f6368;--line:#d0d4da}\n"
    "body{font-family:'DejaVu Sans',Arial,sans-serif;color:#1f2328;max-width:62rem;"
    "margin:1.5rem auto;padding:0 1rem;line-height:1.45;font-size:15px}\n"
    "h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.2rem;border-bottom:2px solid var(--line);"
    "padding-bottom:.2rem;margin-top:2rem}h3{font-size:1.05rem;margin:.2rem 0}\n"
    ".outcome{border-left:.5rem solid;padding:.8rem 1.2rem;background:#f6f8fa}\n"
    ".outcome.eligible{border-color:var(--pass)}.outcome.ineligible{border-color:var(--fail)}"
    ".outcome.error{border-color:var(--error)}\n"
    ".verdict{font-weight:bold}.eligible .verdict{color:var(--pass)}"
    ".ineligible .verdict{color:var(--fail)}.error .verdict{color:var(--error)}\n"
    "table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid var(--line);"
    "padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f0f2f5}\n"
    "td.num,th.num{text-align:right;white-space:nowrap}tr.total td{font-weight:bold}"
    "tr.sub td{background:#fafbfc;font-style:italic}\n"
    "dl.kv{display:grid;grid-template-columns:max-content auto;gap:.15rem 1rem;margin:.5rem 0}"
    "dl.kv dt{font-weight:bold}dl.kv dd{margin:0}\n"
    ".rule{border:1px solid var(--line);border-left:.4rem solid;border-radius:4px;"
    "padding:.6rem 1rem;margin:.8rem 0}\n"
    ".rule.pass{border-left-color:var(--pass)}.rule.fail{border-left-color:var(--fail)}"
    ".rule.error{border-left-color:var(--error)}.rule.na{border-left-color:var(--na)}\n"
    ".badge{display:inline-block;padding:0 .45rem;border-radius:3px;color:#fff;font-size:.85rem;"
    "font-weight:bold}.badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}"
    ".badge.error{background:var(--error)}.badge.na{background:var(--na)}\n"
    ".message{font-size:1.02rem;margin:.3rem 0}code,pre{font-family:'DejaVu Sans Mono',"
    "monospace;font-size:.85rem}\n"
    "pre{background:#f6f8fa;border:1px solid var(--line);padding:.4rem .6rem;white-space:pre-wrap;"
    "overflow-wrap:anywhere;margin:.3rem 0}\n"
    "pre .decl{background:#fff3c4;display:inline-block;width:100%}.ln{color:#8c959f}\n"
    "ul.v{margin:0;padding-left:1.1rem}.m{white-space:nowrap}.small{font-size:.85rem;color:#57606a}"
    ".hash{font-family:'DejaVu Sans "
    "Mono',monospace;"
    "font-size:.8rem;overflow-wrap:anywhere}\n"
    "@media print{body{max-width:none;margin:0;font-size:10.5pt}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    ".rule,table,pre{break-inside:avoid}h2{break-after:avoid}"
    "@page{size:A4;margin:15mm}}\n"
    "</style>\n";

static void header(FILE *f, const elg_decision *d, const elg_project *p) {
    const elg_ruleset *rs = d->ruleset;
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
    raw(f, "\">\n<h1>");
    if (stored)
        fprintf(f, "Décision n° %" PRId64 " : ", d->id);
    else
        raw(f, "Décision : ");
    raw(f, "<span class=\"verdict\" id=\"outcome\">");
    text(f, label);
    raw(f, "</span></h1>\n<p><strong>Projet :</strong> ");
    if (p && p->title) {
        text(f, p->title);
        raw(f, " (");
    }
    raw(f, "<code>");
    text(f, d->project);
    fprintf(f, "</code>, version %d", d->project_version);
    if (p && p->title)
        raw(f, ")");
    raw(f, "<br>\n<strong>Appel :</strong> ");
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
    raw(f, ")<br>\n<strong>Décidé le :</strong> ");
    timestamp(f, stored ? d->created_at : NULL);
    raw(f, " par eligo ");
    text(f, rs->engine_version);
    raw(f, "</p>\n");

    /* Why, in one list: the rules that did not pass. */
    size_t total = d->rules_count, failed = 0;
    for (size_t i = 0; i < total; i++)
        failed += fails(&d->rules[i]);
    fprintf(f, "<p>%zu règle%s évaluée%s, %zu non respectée%s ou en erreur.</p>\n", total,
            total > 1 ? "s" : "", total > 1 ? "s" : "", failed, failed > 1 ? "s" : "");
    if (failed) {
        raw(f, "<ul>\n");
        for (size_t i = 0; i < total; i++) {
            const elg_rule_result *r = &d->rules[i];
            if (!fails(r))
                continue;
            raw(f, "<li><a href=\"#regle-");
            text(f, r->id);
            raw(f, "\"><code>");
            text(f, r->id);
            raw(f, "</code></a> (");
            text(f, status_label(r->status));
            raw(f, ") : ");
            text(f, r->message);
            raw(f, "</li>\n");
        }
        raw(f, "</ul>\n");
    }
    raw(f, "</header>\n");
}

static void key_figures(FILE *f, const elg_figures *fig) {
    raw(f, "<section id=\"chiffres\">\n<h2>Chiffres clés</h2>\n<dl class=\"kv\">\n");
    raw(f, "<dt>Coût éligible</dt><dd>");
    money(f, fig->eligible_cost);
    raw(f, "</dd>\n<dt>Total des ressources</dt><dd>");
    money(f, fig->total_resources);
    raw(f, "</dd>\n<dt>Écart dépenses − ressources</dt><dd>");
    money(f, fig->balance);
    raw(f, "</dd>\n<dt>Financements publics</dt><dd>");
    money(f, fig->public_amount);
    raw(f, " (");
    share(f, fig->has_public_share, fig->public_share_bp);
    raw(f, " des ressources)</dd>\n<dt>Demandé à l'appel</dt><dd>");
    money_opt(f, fig->has_requested, fig->requested);
    raw(f, "</dd>\n<dt>Montant maximal attribuable</dt><dd>");
    money_opt(f, fig->has_max_grantable, fig->max_grantable);
    if (fig->max_grantable_rule) {
        raw(f, " (règle <code>");
        text(f, fig->max_grantable_rule);
        raw(f, "</code>)");
    } else if (!fig->has_max_grantable) {
        raw(f, " <span class=\"small\">(aucune règle ne le calcule pour cet appel)</span>");
    }
    raw(f, "</dd>\n</dl>\n</section>\n");
}

static void project_section(FILE *f, const elg_project *p) {
    if (!p)
        return;
    raw(f, "<section id=\"projet\">\n<h2>Projet</h2>\n<dl class=\"kv\">\n");
    raw(f, "<dt>Période</dt><dd>du ");
    date(f, p->start);
    raw(f, " au ");
    date(f, p->end);
    raw(f, "</dd>\n");
    for (size_t i = 0; i < p->applicants_count; i++) {
        const elg_applicant *a = &p->applicants[i];
        raw(f, i == 0 ? "<dt>Porteur(s)</dt><dd>" : "<dt></dt><dd>");
        text(f, a->name);
        raw(f, " — ");
        text(f, a->status);
        if (a->commune) {
            raw(f, ", ");
            text(f, a->commune);
        }
        if (a->has_share) {
            char buf[64];
            raw(f, " (part ");
            text(f, elg_rate_format(a->share, buf, sizeof buf));
            raw(f, ")");
        }
        raw(f, "</dd>\n");
    }
    if (p->territory_count) {
        raw(f, "<dt>Territoire</dt><dd>");
        for (size_t i = 0; i < p->territory_count; i++) {
            if (i)
                raw(f, ", ");
            text(f, p->territory[i]);
        }
        raw(f, "</dd>\n");
    }
    raw(f, "</dl>\n</section>\n");
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
    raw(f, "<details open><summary>Code source de la règle (<code>");
    textn(f, source, plen);
    fprintf(f, "</code>, lignes %d à %d, sha256 <span class=\"hash\">", first, last);
    text(f, sha);
    raw(f, "</span>)</summary>\n<pre>");
    for (int l = first; l <= last; l++) {
        const char *s = src + starts[l - 1], *e = line_end(src, len, starts, n, l);
        raw(f, l == decl ? "<span class=\"decl\">" : "");
        fprintf(f, "<span class=\"ln\">%4d</span>  ", l);
        textn(f, s, (size_t)(e - s));
        raw(f, l == decl ? "</span>" : "");
        raw(f, "\n");
    }
    raw(f, "</pre>\n</details>\n");
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

static void rule_article(FILE *f, const elg_decision *d, const elg_rule_result *r, size_t index,
                         source_cache *cache, elg_report_source_fn fn, void *ctx) {
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
    raw(f, "</p>\n<dl class=\"kv\">\n<dt>Base légale</dt><dd>");
    text(f, r->basis && r->basis[0] ? r->basis : "—");
    raw(f, "</dd>\n<dt>Déclarée à</dt><dd><code>");
    text(f, r->source);
    raw(f, "</code></dd>\n");
    /* Only an error has a place of error and a traceback (decision.h). */
    bool error = r->status == ELG_RULE_ERROR;
    if (error) {
        raw(f, "<dt>Erreur à</dt><dd><code>");
        text(f, r->error_at);
        raw(f, "</code></dd>\n");
    }
    fprintf(f, "<dt>Durée</dt><dd>%" PRId64 " µs</dd>\n", r->duration_us);
    raw(f, "</dl>\n");
    for (size_t i = 0; i < r->notices_count; i++) {
        raw(f, "<p><strong>Note :</strong> ");
        text(f, r->notices[i]);
        raw(f, "</p>\n");
    }
    if (r->figures.type == ELG_VALUE_MAP && r->figures.u.map.count) {
        raw(f, "<table class=\"figures\"><thead><tr><th>Chiffre calculé</th><th class=\"num\">"
               "Valeur</th></tr></thead><tbody>\n");
        for (size_t i = 0; i < r->figures.u.map.count; i++) {
            const elg_value_pair *fig = &r->figures.u.map.pairs[i];
            raw(f, "<tr><td><code>");
            text(f, fig->key);
            raw(f,
                is_compound(&fig->value) ? "</code></td><td>" : "</code></td><td class=\"num\">");
            value(f, &fig->value, true);
            raw(f, "</td></tr>\n");
        }
        raw(f, "</tbody></table>\n");
    }
    if (r->facts_count) {
        raw(f, "<table class=\"facts\"><thead><tr><th>Donnée lue</th><th>Valeur</th></tr>"
               "</thead><tbody>\n");
        for (size_t i = 0; i < r->facts_count; i++) {
            const char *path = or_empty(r->facts[i].path);
            raw(f, "<tr><td><code>");
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
    excerpt(f, d->ruleset, or_empty(r->source), cache, fn, ctx);
    raw(f, "</article>\n");
}

int elg_report_status_rank(elg_rule_status status) {
    switch (status) {
    case ELG_RULE_ERROR:
        return 0;
    case ELG_RULE_FAIL:
        return 1;
    case ELG_RULE_PASS:
        return 2;
    case ELG_RULE_NA:
        break;
    }
    return 3;
}

static void rules_section(FILE *f, const elg_decision *d, elg_report_source_fn fn, void *ctx) {
    source_cache cache = {0};
    raw(f, "<section id=\"regles\">\n<h2>Règles appliquées</h2>\n<p class=\"small\">Les règles "
           "non respectées ou en erreur d'abord, puis dans l'ordre d'évaluation.</p>\n");
    for (int want = 0; want <= 3; want++) {
        for (size_t i = 0; i < d->rules_count; i++) {
            if (elg_report_status_rank(d->rules[i].status) == want)
                rule_article(f, d, &d->rules[i], i, &cache, fn, ctx);
        }
    }
    raw(f, "</section>\n");
    cache_release(&cache);
}

/* The parameters the rules used, with the edition each comes from. */
static void parameters_section(FILE *f, const elg_decision *d) {
    if (!d->params_count)
        return;
    raw(f, "<section id=\"parametres\">\n<h2>Paramètres de l'appel appliqués</h2>\n<table>"
           "<thead><tr><th>Paramètre</th><th>Valeur</th><th>Édition</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < d->params_count; i++) {
        const elg_param_value *p = d->params[i];
        raw(f, "<tr><td><code>");
        text(f, p->name);
        raw(f, "</code></td><td>");
        value(f, &p->value, strcmp(or_empty(p->type), "money") == 0);
        raw(f, "</td><td>");
        text(f, p->edition ? p->edition : "paramètres de base");
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

static void traceability_section(FILE *f, const elg_decision *d) {
    const elg_ruleset *rs = d->ruleset;
    char detail[512];
    raw(f, "<section id=\"tracabilite\">\n<h2>Traçabilité</h2>\n<p class=\"small\">Empreintes "
           "SHA-256 des données et des règles exactes de la décision, conservées dans la base : "
           "la décision peut être rejouée (<code>eligo replay</code>).</p>\n<table><thead><tr>"
           "<th>Élément</th><th>Version</th><th>SHA-256</th></tr></thead><tbody>\n");
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
    raw(f, ".</p>\n</section>\n");
}

char *elg_report_html(const elg_decision *d, const elg_project *project,
                      elg_report_source_fn source, void *source_ctx, elg_error *err) {
    if (!d || !d->ruleset) {
        elg_error_set(err, ELG_EUSAGE, "not a decision (no ruleset)");
        return NULL;
    }
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f) {
        elg_error_set(err, ELG_ENOMEM, "out of memory rendering the decision");
        return NULL;
    }
    header(f, d, project);
    key_figures(f, &d->figures);
    project_section(f, project);
    raw(f, "<section id=\"plan\">\n<h2>Plan de financement</h2>\n");
    expenses_table(f, &d->figures, project);
    resources_table(f, &d->figures);
    raw(f, "</section>\n");
    rules_section(f, d, source, source_ctx);
    parameters_section(f, d);
    traceability_section(f, d);
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

static int store_source(void *ctx, const char *sha256, char **body, size_t *len, elg_error *err) {
    return elg_store_get_rule_source(ctx, sha256, body, len, err);
}

int elg_report_decision_html(elg_store *store, int64_t id, char **html, elg_error *err) {
    elg_decision *d = NULL;
    elg_stored_doc psd = {0};
    elg_doc *pdoc = NULL;
    *html = NULL;
    int rc = elg_check_load_decision(store, id, &d, err);
    if (rc)
        return rc;
    /* The project as it was decided on; a decision is still shown without it. */
    elg_error ignored = {0};
    if (d->project && d->project_version > 0)
        elg_check_load_doc(store, "project", d->project, d->project_version, &psd, &pdoc, &ignored);
    *html = elg_report_html(d, pdoc ? elg_doc_project(pdoc) : NULL, store_source, store, err);
    if (!*html)
        rc = err->code;
    elg_doc_free(pdoc);
    elg_store_doc_release(&psd);
    elg_decision_free(d);
    return rc;
}
