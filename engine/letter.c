/*
 * letter: the applicant's explanation of a decision (see letter.h).
 *
 * One writer for both forms: the letter is a sequence of headings,
 * paragraphs and list items, each composed as plain text first (printf
 * style) and then written either HTML-escaped inside fixed markup, or
 * wrapped at 78 columns for the text form. So nothing that comes from a
 * document, a rule or the store ever reaches the page unescaped, and the
 * two forms cannot say different things.
 */
#include "letter.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hash.h"
#include "html.h"
#include "labels.h"
#include "money.h"

/* ---- output ------------------------------------------------------------- */

typedef struct out {
    FILE *f;
    bool html;
    int item;          /* number of the next item of an ordered list in text, 0 when unordered */
    char ring[12][96]; /* short texts (amounts, dates) for one sentence */
    int next;
} out;

/* A slot of the ring for a short text (valid for the next 11 calls). */
static char *slot(out *o) {
    char *s = o->ring[o->next];
    o->next = (o->next + 1) % 12;
    return s;
}

/* An amount with no-break spaces ("2 000 000,00 €" never cut across lines),
 * into s of size bytes (at least twice ELG_MONEY_FMT_MAX). */
static const char *money_nb(elg_cents c, char *s, size_t size) {
    char plain[ELG_MONEY_FMT_MAX];
    size_t at = 0;
    elg_money_format(c, plain, sizeof plain);
    for (const char *p = plain; *p && at + 3 < size; p++) {
        if (*p == ' ') {
            s[at++] = (char)0xC2; /* U+00A0 */
            s[at++] = (char)0xA0;
        } else {
            s[at++] = *p;
        }
    }
    s[at] = '\0';
    return s;
}

static const char *M(out *o, elg_cents c) {
    return money_nb(c, slot(o), sizeof o->ring[0]);
}

static const char *D(out *o, const char *iso) {
    return elg_labels_date(iso, slot(o), sizeof o->ring[0]);
}

/* A UTC timestamp as the time in Paris. */
static const char *T(out *o, const char *iso) {
    return elg_labels_time_paris(iso, false, slot(o), sizeof o->ring[0]);
}

static const char *BP(out *o, int64_t bp) {
    elg_rate r = {bp, 10000};
    return elg_rate_format(r, slot(o), sizeof o->ring[0]);
}

/* A printf-style text, malloc'ed; NULL when out of memory. */
static char *vfmt(const char *fmt, va_list ap) {
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, again);
    va_end(again);
    return s;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...) {
    va_list ap;
    va_start(ap, f);
    char *s = vfmt(f, ap);
    va_end(ap);
    return s;
}

/* HTML-escaped (html.h), with French typography: a no-break space after «
 * and before », : and ; so that they never start or end a line alone. */
static void esc(FILE *f, const char *s) {
    const char *start = s;
    for (; s && *s; s++) {
        if (*s == ' ' && (strncmp(s + 1, "»", strlen("»")) == 0 || s[1] == ':' || s[1] == ';' ||
                          (s - start >= 2 && strncmp(s - 2, "«", strlen("«")) == 0)))
            fputs("&nbsp;", f);
        else
            elg_html_text(f, s, 1);
    }
}

/* Writes s wrapped at 78 columns (counted in characters, not bytes); the
 * first line starts with lead, the next ones with indent. */
static void wrap(FILE *f, const char *s, const char *lead, const char *indent) {
    const int width = 78;
    int col = 0;
    bool first = true;
    while (*s) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        size_t n = strcspn(s, " \n");
        /* French punctuation stays with its word: "«" goes with the word
         * after it, and no line starts with "»", ":", ";", "!" or "?". */
        if (n == strlen("«") && strncmp(s, "«", n) == 0 && s[n] == ' ' && s[n + 1] &&
            s[n + 1] != ' ' && s[n + 1] != '\n')
            n += 1 + strcspn(s + n + 1, " \n");
        int chars = 0;
        for (size_t i = 0; i < n; i++)
            chars += ((unsigned char)s[i] & 0xC0) != 0x80;
        bool glued = strchr(":;!?", *s) || strncmp(s, "»", strlen("»")) == 0;
        if (first) {
            fputs(lead, f);
            col = (int)strlen(indent);
            first = false;
        } else if (col + 1 + chars > width && !glued) {
            fputc('\n', f);
            fputs(indent, f);
            col = (int)strlen(indent);
        } else {
            fputc(' ', f);
            col++;
        }
        fwrite(s, 1, n, f);
        col += chars;
        s += n;
        if (*s == '\n') {
            fputc('\n', f);
            fputs(indent, f);
            col = (int)strlen(indent);
            s++;
        }
    }
    fputc('\n', f);
}

static void heading(out *o, const char *text) {
    if (o->html) {
        fputs("<h2>", o->f);
        esc(o->f, text);
        fputs("</h2>\n", o->f);
    } else {
        fprintf(o->f, "\n%s\n", text);
        for (const char *s = text; *s; s++)
            if (((unsigned char)*s & 0xC0) != 0x80)
                fputc('-', o->f);
        fputs("\n\n", o->f);
    }
}

/* A paragraph of class cls (HTML only; NULL for none). */
static void para(out *o, const char *cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void para(out *o, const char *cls, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *s = vfmt(fmt, ap);
    va_end(ap);
    if (!s)
        return;
    if (o->html) {
        fputs(cls ? "<p class=\"" : "<p>", o->f);
        if (cls)
            fprintf(o->f, "%s\">", cls);
        esc(o->f, s);
        fputs("</p>\n", o->f);
    } else {
        wrap(o->f, s, "", "");
        fputc('\n', o->f);
    }
    free(s);
}

static void list_begin(out *o, bool ordered) {
    o->item = ordered ? 1 : 0;
    if (o->html)
        fputs(ordered ? "<ol>\n" : "<ul>\n", o->f);
}

static void list_end(out *o) {
    if (o->html)
        fputs(o->item ? "</ol>\n" : "</ul>\n", o->f);
    else
        fputc('\n', o->f);
    o->item = 0;
}

/* A list item: lead in bold (may be NULL), then the text. */
static void item(out *o, const char *lead, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void item(out *o, const char *lead, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *s = vfmt(fmt, ap);
    va_end(ap);
    if (!s)
        return;
    if (o->html) {
        fputs("<li>", o->f);
        if (lead) {
            fputs("<strong>", o->f);
            esc(o->f, lead);
            fputs("</strong>", o->f);
            fputs(*s ? " " : "", o->f);
        }
        esc(o->f, s);
        fputs("</li>\n", o->f);
    } else {
        char num[16];
        if (o->item)
            snprintf(num, sizeof num, "  %d. ", o->item++);
        else
            snprintf(num, sizeof num, "  - ");
        char *all = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&all, &len);
        if (m) {
            fprintf(m, "%s%s%s", lead ? lead : "", lead && *s ? " " : "", s);
            fclose(m);
            wrap(o->f, all, num, "     ");
        }
        free(all);
    }
    free(s);
}

/* ---- reading the decision ---------------------------------------------- */

static const char *or_empty(const char *s) {
    return s ? s : "";
}

static bool fig_int(const elg_rule_result *r, const char *key, int64_t *v) {
    const elg_value *x = elg_value_get(&r->figures, key);
    if (!x || x->type != ELG_VALUE_INT)
        return false;
    *v = x->u.integer;
    return true;
}

static bool as_rate(const elg_value *v, elg_rate *r) {
    const elg_value *num = v ? elg_value_get(v, "num") : NULL,
                    *den = v ? elg_value_get(v, "den") : NULL;
    if (!v || v->type != ELG_VALUE_MAP || v->u.map.count != 2 || !num ||
        num->type != ELG_VALUE_INT || !den || den->type != ELG_VALUE_INT || den->u.integer <= 0)
        return false;
    r->num = num->u.integer;
    r->den = den->u.integer;
    return true;
}

/* The name of a financer id, the id itself when unknown. */
static const char *financer_name(const elg_letter_input *in, const char *id) {
    for (size_t i = 0; id && i < in->financers_count; i++)
        if (in->financers[i].id && strcmp(in->financers[i].id, id) == 0 && in->financers[i].name)
            return in->financers[i].name;
    return or_empty(id);
}

/* Who decides: the call's financer by name. */
static const char *authority(const elg_letter_input *in) {
    const char *id =
        in->call && in->call->financer ? in->call->financer : in->decision->figures.call_financer;
    return id ? financer_name(in, id) : "l'autorité compétente";
}

static const char *param_type(const elg_decision *d, const char *name) {
    for (size_t i = 0; i < d->params_count; i++)
        if (strcmp(or_empty(d->params[i]->name), name) == 0)
            return or_empty(d->params[i]->type);
    return "";
}

/* The last name of a path: "expenses[6].amount" -> "amount". */
static const char *last_name(const char *path) {
    const char *dot = strrchr(path, '.');
    return dot ? dot + 1 : path;
}

static bool path_is_money(const elg_decision *d, const char *path) {
    if (strncmp(path, "params.", 7) == 0)
        return strcmp(param_type(d, path + 7), "money") == 0;
    const char *l = last_name(path);
    return strcmp(l, "amount") == 0 || strcmp(l, "requested") == 0 || strcmp(l, "envelope") == 0;
}

/* Writes a value in words: amounts in euros when money, rates as rates,
 * dates the French way, categories, natures and statuses by their label. */
static void value_words(FILE *f, const elg_value *v, const char *key, bool money) {
    char buf[96];
    elg_rate r;
    if (as_rate(v, &r)) {
        fputs(elg_rate_format(r, buf, sizeof buf), f);
        return;
    }
    switch (v->type) {
    case ELG_VALUE_NULL:
        fputs("non renseigné", f);
        break;
    case ELG_VALUE_BOOL:
        fputs(v->u.boolean ? "oui" : "non", f);
        break;
    case ELG_VALUE_INT:
        if (money)
            fputs(money_nb(v->u.integer, buf, sizeof buf), f);
        else
            fprintf(f, "%" PRId64, v->u.integer);
        break;
    case ELG_VALUE_STRING: {
        const char *s = v->u.str.text;
        if (strcmp(key, "category") == 0 || strcmp(key, "earmark") == 0)
            s = elg_labels_category(s);
        else if (strcmp(key, "nature") == 0)
            s = elg_labels_nature(s);
        else if (strstr(key, "status"))
            s = elg_labels_legal_status(s);
        else if (strstr(key, "approval"))
            s = elg_labels_approval(s);
        else
            s = elg_labels_date(s, buf, sizeof buf);
        fputs(s, f);
        break;
    }
    case ELG_VALUE_LIST:
        for (size_t i = 0; i < v->u.list.count; i++) {
            fputs(i ? ", " : "", f);
            value_words(f, &v->u.list.items[i], key, money);
        }
        if (!v->u.list.count)
            fputs("aucun", f);
        break;
    case ELG_VALUE_MAP:
        for (size_t i = 0; i < v->u.map.count; i++) {
            const char *k = v->u.map.pairs[i].key;
            const char *w = elg_labels_figure(k);
            fprintf(f, "%s%s : ", i ? " ; " : "", w ? w : "valeur");
            value_words(f, &v->u.map.pairs[i].value, k, money && !elg_labels_figure_is_count(k));
        }
        break;
    }
}

static char *value_str(const elg_value *v, const char *key, bool money) {
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    if (!f)
        return NULL;
    value_words(f, v, key, money);
    fclose(f);
    return s;
}

/* ---- the data used -------------------------------------------------------- */

/* Which lines and applicants the rules read, and the other facts. */
typedef struct used {
    size_t n_app, n_exp, n_res;
    unsigned *app;                           /* per applicant: a bit per field of app_bits */
    const elg_value **exp_cat, **exp_amount; /* per expense line: the facts read, or NULL */
    bool *exp;
    bool *res;
    const elg_value **res_amount;
    const elg_fact **other; /* first reading of each other path */
    size_t n_other, cap_other;
    size_t dropped; /* other facts beyond what the letter lists */
    bool territory, themes;
    const elg_fact **call_facts; /* call.opens, call.closes, call.envelope */
    size_t n_call;
} used;

static const char *const app_bits[] = {"name",    "status", "siret", "rna",
                                       "commune", "insee",  "share", "approvals"};

#define ELG_LETTER_MAX_OTHER                                                                       \
    200 /* facts beyond the lines and applicants: a letter, not a trace                            \
         */

static void used_release(used *u) {
    free(u->app);
    free(u->exp_cat);
    free(u->exp_amount);
    free(u->exp);
    free(u->res);
    free(u->res_amount);
    free(u->other);
    free(u->call_facts);
}

static bool seen_path(const elg_fact **list, size_t n, const char *path) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i]->path, path) == 0)
            return true;
    return false;
}

/* Index i of a kind of line, within the limit n (the project's count, or
 * grown from the facts when there is no project). */
static int used_collect(used *u, const elg_decision *d, const elg_project *p) {
    /* Sizes: the project's counts, else the largest index the facts name. */
    u->n_app = p ? p->applicants_count : 0;
    u->n_exp = p ? p->expenses_count : 0;
    u->n_res = p ? p->resources_count : 0;
    for (size_t r = 0; !p && r < d->rules_count; r++)
        for (size_t k = 0; k < d->rules[r].facts_count; k++) {
            char head[64];
            long i;
            const char *rest;
            if (!elg_labels_split_path(or_empty(d->rules[r].facts[k].path), head, sizeof head, &i,
                                       &rest) ||
                i < 0 || i > 100000)
                continue;
            size_t *n = strcmp(head, "applicants") == 0  ? &u->n_app
                        : strcmp(head, "expenses") == 0  ? &u->n_exp
                        : strcmp(head, "resources") == 0 ? &u->n_res
                                                         : NULL;
            if (n && (size_t)i + 1 > *n)
                *n = (size_t)i + 1;
        }
    u->app = calloc(u->n_app + 1, sizeof *u->app);
    u->exp = calloc(u->n_exp + 1, sizeof *u->exp);
    u->exp_cat = calloc(u->n_exp + 1, sizeof *u->exp_cat);
    u->exp_amount = calloc(u->n_exp + 1, sizeof *u->exp_amount);
    u->res = calloc(u->n_res + 1, sizeof *u->res);
    u->res_amount = calloc(u->n_res + 1, sizeof *u->res_amount);
    u->cap_other = ELG_LETTER_MAX_OTHER;
    u->other = calloc(u->cap_other, sizeof *u->other);
    u->call_facts = calloc(8, sizeof *u->call_facts);
    if (!u->app || !u->exp || !u->exp_cat || !u->exp_amount || !u->res || !u->res_amount ||
        !u->other || !u->call_facts)
        return ELG_ENOMEM;
    for (size_t r = 0; r < d->rules_count; r++) {
        for (size_t k = 0; k < d->rules[r].facts_count; k++) {
            const elg_fact *fa = &d->rules[r].facts[k];
            const char *path = or_empty(fa->path);
            char head[64], sub[64];
            long i;
            const char *rest;
            if (!elg_labels_split_path(path, head, sizeof head, &i, &rest))
                continue;
            snprintf(sub, sizeof sub, "%.*s", (int)strcspn(rest, ".["), rest);
            if (strcmp(head, "params") == 0)
                continue; /* the parameters section */
            if (strcmp(head, "call") == 0) {
                if (strcmp(sub, "opens") == 0 || strcmp(sub, "closes") == 0 ||
                    strcmp(sub, "envelope") == 0) {
                    if (u->n_call < 8 && !seen_path(u->call_facts, u->n_call, path))
                        u->call_facts[u->n_call++] = fa;
                    continue;
                }
                if (strcmp(sub, "requested") != 0)
                    continue; /* the call's own identity: the references */
            }
            if (strcmp(head, "applicants") == 0 && i >= 0 && (size_t)i < u->n_app) {
                for (size_t b = 0; b < sizeof app_bits / sizeof app_bits[0]; b++)
                    if (strcmp(sub, app_bits[b]) == 0)
                        u->app[i] |= 1u << b;
                u->app[i] |= 1u << 31; /* read at all */
                continue;
            }
            if (strcmp(head, "expenses") == 0 && i >= 0 && (size_t)i < u->n_exp) {
                u->exp[i] = true;
                if (strcmp(sub, "category") == 0)
                    u->exp_cat[i] = &fa->value;
                else if (strcmp(sub, "amount") == 0)
                    u->exp_amount[i] = &fa->value;
                continue;
            }
            if (strcmp(head, "resources") == 0 && i >= 0 && (size_t)i < u->n_res) {
                u->res[i] = true;
                if (strcmp(sub, "amount") == 0)
                    u->res_amount[i] = &fa->value;
                continue;
            }
            if (strcmp(head, "territory") == 0) {
                u->territory = true;
                continue;
            }
            if (strcmp(head, "themes") == 0) {
                u->themes = true;
                continue;
            }
            if (seen_path(u->other, u->n_other, path))
                continue;
            if (u->n_other < u->cap_other)
                u->other[u->n_other++] = fa;
            else
                u->dropped++;
        }
    }
    return ELG_OK;
}

static void applicant_item(out *o, const elg_applicant *a, unsigned bits, size_t index) {
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    if (!f)
        return;
    const char *sep = "";
    if (a && (bits & (1u << 1)) && a->status) {
        fprintf(f, "statut : %s", elg_labels_legal_status(a->status));
        sep = " ; ";
    }
    if (a && a->siret) {
        fprintf(f, "%sSIRET n° %s", sep, a->siret);
        sep = " ; ";
    }
    if (a && a->rna) {
        fprintf(f, "%sRNA n° %s", sep, a->rna);
        sep = " ; ";
    }
    if (a && (bits & ((1u << 4) | (1u << 5))) && a->commune) {
        fprintf(f, "%scommune : %s", sep, a->commune);
        sep = " ; ";
    }
    if (a && (bits & (1u << 6)) && a->has_share) {
        char buf[64];
        fprintf(f, "%spart déclarée de la subvention : %s", sep,
                elg_rate_format(a->share, buf, sizeof buf));
        sep = " ; ";
    }
    if (a && (bits & (1u << 7))) {
        fprintf(f, "%sagréments : ", sep);
        for (size_t i = 0; i < a->approvals_count; i++)
            fprintf(f, "%s%s", i ? ", " : "", a->approvals[i]);
        if (!a->approvals_count)
            fputs("aucun", f);
    }
    fclose(f);
    char lead[2200];
    if (a && a->name)
        snprintf(lead, sizeof lead, "Porteur « %s » :", a->name);
    else
        snprintf(lead, sizeof lead, "Porteur n° %zu :", index + 1);
    item(o, lead, "%s", *s ? s : "identité du porteur");
    free(s);
}

/* An item listing texts separated by commas; none when there are none. */
static void join_item(out *o, const char *lead, char *const *list, size_t count, const char *none) {
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    if (!f)
        return;
    for (size_t i = 0; i < count; i++)
        fprintf(f, "%s%s", i ? ", " : "", list[i]);
    fclose(f);
    item(o, lead, "%s", *s ? s : none);
    free(s);
}

static void data_section(out *o, const elg_letter_input *in) {
    const elg_decision *d = in->decision;
    const elg_project *p = in->project;
    used u = {0};
    heading(o, "3. Les données utilisées et leur source");
    if (p) {
        char submitted[160] = "";
        if (p->submitted)
            snprintf(submitted, sizeof submitted, ", demande déposée le %s", D(o, p->submitted));
        para(o, NULL,
             "Source : votre dossier « %s » (référence %s), dans sa version n° %d%s%s%s. Seules "
             "les données ci-dessous ont été lues par le traitement ; elles sont reprises telles "
             "que vous les avez déclarées.",
             or_empty(p->title), or_empty(d->project), d->project_version,
             in->project_stored_at ? " enregistrée le " : "",
             in->project_stored_at ? T(o, in->project_stored_at) : "", submitted);
    } else {
        para(o, NULL,
             "Source : votre dossier (référence %s), dans sa version n° %d. Seules les données "
             "ci-dessous ont été lues par le traitement.",
             or_empty(d->project), d->project_version);
    }
    if (used_collect(&u, d, p) != ELG_OK) {
        para(o, NULL, "Le détail des données n'a pas pu être établi (mémoire insuffisante).");
        used_release(&u);
        return;
    }
    list_begin(o, false);
    for (size_t i = 0; i < u.n_app; i++) {
        if (u.app[i])
            applicant_item(o, p ? &p->applicants[i] : NULL, u.app[i], i);
    }
    for (size_t i = 0; i < u.n_exp; i++) {
        if (!u.exp[i])
            continue;
        const elg_expense *e = p ? &p->expenses[i] : NULL;
        const char *cat = e ? elg_category_name(e->category)
                          : u.exp_cat[i] && u.exp_cat[i]->type == ELG_VALUE_STRING
                              ? u.exp_cat[i]->u.str.text
                              : NULL;
        bool has_amount = e || (u.exp_amount[i] && u.exp_amount[i]->type == ELG_VALUE_INT);
        elg_cents amount = e ? e->amount : has_amount ? u.exp_amount[i]->u.integer : 0;
        char lead[128];
        snprintf(lead, sizeof lead, "%s :", elg_labels_category_expenses(cat));
        if (e && e->label)
            item(o, lead, "%s (ligne « %s »)", has_amount ? M(o, amount) : "", e->label);
        else
            item(o, lead, "%s (ligne n° %zu)", has_amount ? M(o, amount) : "", i + 1);
    }
    for (size_t i = 0; i < u.n_res; i++) {
        if (!u.res[i])
            continue;
        const elg_resource *r = p ? &p->resources[i] : NULL;
        char lead[2200];
        snprintf(lead, sizeof lead, "Ressource « %s » :",
                 r ? financer_name(in, r->financer) : "financeur non renseigné");
        bool has_amount = r || (u.res_amount[i] && u.res_amount[i]->type == ELG_VALUE_INT);
        elg_cents amount = r ? r->amount : has_amount ? u.res_amount[i]->u.integer : 0;
        char extra[300] = "";
        if (r && r->earmark)
            snprintf(extra, sizeof extra, ", fléchée sur les dépenses de la catégorie « %s »",
                     elg_labels_category(elg_category_name(r->earmark)));
        if (r && r->label)
            item(o, lead, "%s, %s%s (ligne « %s »)", M(o, amount),
                 r->status == ELG_RES_GRANTED ? "accordée" : "demandée", extra, r->label);
        else if (r)
            item(o, lead, "%s, %s%s", M(o, amount),
                 r->status == ELG_RES_GRANTED ? "accordée" : "demandée", extra);
        else
            item(o, lead, "%s (ligne de ressource n° %zu)", has_amount ? M(o, amount) : "", i + 1);
    }
    if (u.territory)
        join_item(o, "Communes du territoire du projet :", p ? p->territory : NULL,
                  p ? p->territory_count : 0, "non renseignées");
    if (u.themes)
        join_item(o, "Thèmes du projet :", p ? p->themes : NULL, p ? p->themes_count : 0,
                  "non renseignés");
    for (size_t i = 0; i < u.n_other; i++) {
        const elg_fact *fa = u.other[i];
        char label[2400];
        elg_labels_field(fa->path, p, label, sizeof label);
        char *v = value_str(&fa->value, last_name(fa->path), path_is_money(d, fa->path));
        item(o, label, ": %s", v ? v : "");
        free(v);
    }
    if (u.dropped)
        item(o, NULL, "et %zu autres données du dossier.", u.dropped);
    list_end(o);
    used_release(&u);
}

/* ---- the rules ------------------------------------------------------------ */

/* The sentence of a rule whose figures have a known shape, in words, when
 * its figures agree with its status; NULL otherwise (the caller falls back
 * on the rule's own message). *gap receives what would have to change, in
 * cents (0 when the shape has none), for a failing rule. */
static char *shape_sentence(out *o, const elg_rule_result *r, elg_cents *gap, const char **fix) {
    int64_t a, b, c, e;
    bool pass = r->status == ELG_RULE_PASS, fail = r->status == ELG_RULE_FAIL;
    char *s = NULL;
    size_t n = 0;
    *gap = 0;
    *fix = NULL;
    if (!pass && !fail)
        return NULL;
    FILE *f = open_memstream(&s, &n);
    if (!f)
        return NULL;
    bool ok = false;
    elg_rate rate;
    if (fig_int(r, "amount", &a) && fig_int(r, "cap", &b) && fig_int(r, "eligible_cost", &c) &&
        as_rate(elg_value_get(&r->figures, "rate"), &rate) && c > 0 && pass == (a <= b)) {
        char rb[64];
        fprintf(f,
                "L'aide demandée, %s, représente %s du coût éligible de %s ; le taux maximal "
                "de %s en permet au plus %s",
                M(o, a), BP(o, elg_money_ratio_bp_half_up(a, c)), M(o, c),
                elg_rate_format(rate, rb, sizeof rb), M(o, b));
        elg_cents beyond;
        if (fig_int(r, "published_beyond", &beyond) && beyond > 0)
            fprintf(f,
                    " (le montant compte %s que le financeur a publiés en open data pour cette "
                    "aide au-delà de votre plan de financement)",
                    M(o, beyond));
        fputs(pass ? "." : "", f);
        if (fail) {
            fprintf(f, " : elle le dépasse de %s.", M(o, a - b));
            *gap = a - b;
            *fix = "réduire l'aide demandée";
        }
        ok = true;
    } else if (fig_int(r, "amount", &a) && (fig_int(r, "max", &b) || fig_int(r, "cap", &b)) &&
               pass == (a <= b)) {
        if (pass)
            fprintf(f, "Le montant concerné, %s, ne dépasse pas le plafond de %s.", M(o, a),
                    M(o, b));
        else
            fprintf(f, "Le montant concerné, %s, dépasse le plafond de %s de %s.", M(o, a), M(o, b),
                    M(o, a - b));
        *gap = fail ? a - b : 0;
        *fix = "réduire le montant concerné";
        ok = true;
    } else if (fig_int(r, "amount", &a) && fig_int(r, "min", &b) && pass == (a >= b)) {
        if (pass)
            fprintf(f, "Le montant concerné, %s, atteint le minimum de %s.", M(o, a), M(o, b));
        else
            fprintf(f, "Le montant concerné, %s, est inférieur de %s au minimum de %s.", M(o, a),
                    M(o, b - a), M(o, b));
        *gap = fail ? b - a : 0;
        *fix = "augmenter le montant concerné";
        ok = true;
    } else if (fig_int(r, "earmarked", &a) && fig_int(r, "expenses", &b) && pass == (a <= b)) {
        if (pass)
            fprintf(f,
                    "Le montant fléché, %s, est couvert par les dépenses de la catégorie visée, "
                    "%s.",
                    M(o, a), M(o, b));
        else
            fprintf(f,
                    "Le montant fléché, %s, dépasse de %s les dépenses de la catégorie visée, "
                    "%s.",
                    M(o, a), M(o, a - b), M(o, b));
        *gap = fail ? a - b : 0;
        *fix =
            "réduire le montant fléché, ou augmenter d'autant les dépenses de la catégorie visée";
        ok = true;
    } else if (fig_int(r, "expenses", &a) && fig_int(r, "resources", &b) && pass == (a == b)) {
        if (pass)
            fprintf(f,
                    "Les dépenses, %s, sont égales aux ressources, %s : le plan de financement "
                    "est équilibré.",
                    M(o, a), M(o, b));
        else
            fprintf(f,
                    "Les dépenses, %s, et les ressources, %s, diffèrent de %s : le plan de "
                    "financement n'est pas équilibré.",
                    M(o, a), M(o, b), M(o, a > b ? a - b : b - a));
        *gap = fail ? (a > b ? a - b : b - a) : 0;
        *fix = a > b ? "ajouter des ressources, ou réduire d'autant les dépenses"
                     : "réduire les ressources, ou augmenter d'autant les dépenses";
        ok = true;
    } else if (fig_int(r, "requested", &a) && fig_int(r, "remaining", &b) && pass == (a <= b)) {
        fig_int(r, "envelope", &c) || (c = -1);
        fig_int(r, "committed", &e) || (e = -1);
        fprintf(f, "Le montant demandé, %s, %s le reste disponible de l'enveloppe de l'appel, %s",
                M(o, a), pass ? "tient dans" : "dépasse", M(o, b));
        if (c >= 0 && e >= 0)
            fprintf(f, " (enveloppe de %s, dont %s déjà engagés)", M(o, c), M(o, e));
        fputs(".", f);
        *gap = fail ? a - b : 0;
        *fix = "réduire le montant demandé";
        ok = true;
    }
    fclose(f);
    if (!ok) {
        free(s);
        return NULL;
    }
    return s;
}

static bool same_basis(const elg_decision *d, const elg_rule_result *r) {
    return !r->basis || !r->basis[0] || strcmp(r->basis, or_empty(d->ruleset->basis)) == 0;
}

static void rules_section(out *o, const elg_letter_input *in) {
    const elg_decision *d = in->decision;
    heading(o, "5. Les vérifications effectuées");
    para(o, NULL,
         "Le traitement a vérifié, dans cet ordre, les conditions suivantes fixées par le texte "
         "de l'appel :");
    list_begin(o, true);
    for (size_t i = 0; i < d->rules_count; i++) {
        const elg_rule_result *r = &d->rules[i];
        elg_cents gap;
        const char *fix;
        char *sentence = shape_sentence(o, r, &gap, &fix);
        const char *verdict = r->status == ELG_RULE_PASS      ? "condition remplie."
                              : r->status == ELG_RULE_FAIL    ? "condition non remplie."
                              : r->status == ELG_RULE_NA      ? "sans objet pour votre projet."
                              : r->status == ELG_RULE_MISSING ? "informations manquantes."
                                                              : "vérification non aboutie.";
        char *basis = same_basis(d, r)
                          ? fmt("Base légale : le texte de l'appel (voir « Vos références »).")
                          : fmt("Base légale : %s.", r->basis);
        char *lead = fmt("%s —", or_empty(r->title && r->title[0] ? r->title : r->id));
        char *said = sentence                    ? NULL
                     : r->message && *r->message ? fmt("Constat : %s.", r->message)
                                                 : fmt("%s", "");
        char *notes = NULL;
        size_t notes_len = 0;
        FILE *nf = open_memstream(&notes, &notes_len);
        for (size_t k = 0; nf && k < r->notices_count; k++)
            fprintf(nf, " À noter : %s.", or_empty(r->notices[k]));
        if (nf)
            fclose(nf);
        if (r->status == ELG_RULE_ERROR)
            item(o, lead,
                 "%s Cette vérification n'a pas pu être menée à son terme par le traitement ; un "
                 "agent l'effectuera lors de l'instruction de votre dossier. %s",
                 verdict, or_empty(basis));
        else if (r->status == ELG_RULE_MISSING)
            item(o, lead,
                 "%s Cette vérification sera faite quand votre dossier contiendra les "
                 "informations demandées ci-dessous. %s",
                 verdict, or_empty(basis));
        else
            item(o, lead, "%s %s %s%s", verdict, sentence ? sentence : or_empty(said),
                 or_empty(basis), or_empty(notes));
        free(notes);
        free(said);
        free(basis);
        free(lead);
        free(sentence);
    }
    list_end(o);
}

/* ---- what would have to change, what is missing ------------------------- */

static void changes_section(out *o, const elg_letter_input *in, int number) {
    const elg_decision *d = in->decision;
    char title[96];
    snprintf(title, sizeof title, "%d. Ce qu'il faudrait changer", number);
    heading(o, title);
    para(o, NULL,
         "Pour que votre projet remplisse les conditions de l'appel, il faudrait, sur la base des "
         "données de votre dossier :");
    list_begin(o, false);
    for (size_t i = 0; i < d->rules_count; i++) {
        const elg_rule_result *r = &d->rules[i];
        if (r->status != ELG_RULE_FAIL)
            continue;
        elg_cents gap;
        const char *fix;
        char *sentence = shape_sentence(o, r, &gap, &fix);
        const char *title_r = r->title && r->title[0] ? r->title : or_empty(r->id);
        char *lead = fmt("%s :", title_r);
        const elg_value *rows = elg_value_get(&r->figures, "rows");
        if (sentence && fix && gap > 0) {
            item(o, lead, "%s d'au moins %s.", fix, M(o, gap));
        } else if (rows && rows->type == ELG_VALUE_LIST) {
            /* Declared totals against the sum of their lines. */
            char *s = NULL;
            size_t n = 0;
            FILE *f = open_memstream(&s, &n);
            if (f) {
                fputs("mettre en accord les montants déclarés et la somme des lignes : ", f);
                const char *sep = "";
                for (size_t k = 0; k < rows->u.list.count; k++) {
                    const elg_value *row = &rows->u.list.items[k];
                    const elg_value *l = elg_value_get(row, "label"),
                                    *de = elg_value_get(row, "declared"),
                                    *co = elg_value_get(row, "computed"),
                                    *di = elg_value_get(row, "difference");
                    if (!di || di->type != ELG_VALUE_INT || di->u.integer == 0 || !de ||
                        de->type != ELG_VALUE_INT || !co || co->type != ELG_VALUE_INT)
                        continue;
                    fprintf(f, "%s« %s » déclaré %s, somme des lignes %s (écart %s)", sep,
                            l && l->type == ELG_VALUE_STRING ? l->u.str.text : "total",
                            M(o, de->u.integer), M(o, co->u.integer),
                            M(o, di->u.integer < 0 ? -di->u.integer : di->u.integer));
                    sep = " ; ";
                }
                fputs(".", f);
                fclose(f);
                item(o, lead, "%s", s);
            }
            free(s);
        } else {
            item(o, lead, "que cette condition soit remplie. Constat : %s.",
                 r->message && *r->message ? r->message : "condition non remplie");
        }
        free(lead);
        free(sentence);
    }
    list_end(o);
}

/* The missing facts of the rules that need them, each once, in words. */
static size_t missing_count(const elg_decision *d) {
    size_t n = 0;
    for (size_t i = 0; i < d->rules_count; i++)
        if (elg_rule_awaits_facts(&d->rules[i]))
            n += d->rules[i].missing_count;
    return n;
}

static void missing_section(out *o, const elg_letter_input *in, int number) {
    const elg_decision *d = in->decision;
    char title[96];
    snprintf(title, sizeof title, "%d. Les informations à fournir", number);
    heading(o, title);
    para(o, NULL,
         "Votre dossier ne contient pas les informations suivantes, nécessaires à l'examen de "
         "votre demande. Vous pouvez les transmettre à %s, qui examinera à nouveau votre "
         "dossier :",
         authority(in));
    list_begin(o, false);
    /* Each field once; a letter lists at most ELG_LETTER_MAX_OTHER of them
     * (a rule may read thousands of absent fields: no quadratic walk). */
    const char *listed[ELG_LETTER_MAX_OTHER];
    size_t n_listed = 0, more = 0;
    for (size_t i = 0; i < d->rules_count; i++) {
        const elg_rule_result *r = &d->rules[i];
        if (!elg_rule_awaits_facts(r))
            continue;
        for (size_t k = 0; k < r->missing_count; k++) {
            const char *path = or_empty(r->missing[k]);
            bool again = false;
            for (size_t m = 0; m < n_listed && !again; m++)
                again = strcmp(listed[m], path) == 0;
            if (again)
                continue;
            if (n_listed == ELG_LETTER_MAX_OTHER) {
                more++;
                continue;
            }
            listed[n_listed++] = path;
            char label[2400];
            elg_labels_field(path, in->project, label, sizeof label);
            item(o, label, "(nécessaire à la vérification « %s »)",
                 r->title && r->title[0] ? r->title : or_empty(r->id));
        }
    }
    if (more)
        item(o, NULL, "et %zu autres informations (au plus, certaines pouvant se répéter).", more);
    list_end(o);
}

/* ---- the parameters --------------------------------------------------------- */

static const elg_edition *edition_named(const elg_call *call, const char *name) {
    for (size_t i = 0; call && name && i < call->editions_count; i++)
        if (call->editions[i].name && strcmp(call->editions[i].name, name) == 0)
            return &call->editions[i];
    return NULL;
}

static void params_section(out *o, const elg_letter_input *in) {
    const elg_decision *d = in->decision;
    const elg_ruleset *rs = d->ruleset;
    heading(o, "4. Les paramètres appliqués à votre situation");
    if (rs->edition_name)
        para(o, NULL,
             "Les paramètres sont ceux de l'appel « %s », édition « %s » en vigueur à compter du "
             "%s, tels que le texte de l'appel les fixe ; aucun n'est pondéré.",
             or_empty(rs->call_title), rs->edition_name, D(o, rs->edition_from));
    else
        para(o, NULL,
             "Les paramètres sont ceux de l'appel « %s », tels que le texte de l'appel les fixe ; "
             "aucun n'est pondéré.",
             or_empty(rs->call_title));
    list_begin(o, false);
    for (size_t i = 0; i < d->params_count; i++) {
        const elg_param_value *pv = d->params[i];
        const char *label = elg_labels_param(pv->name);
        const elg_param *src =
            in->call ? elg_call_param(in->call, edition_named(in->call, pv->edition), pv->name)
                     : NULL;
        char *v =
            value_str(&pv->value, or_empty(pv->name), strcmp(or_empty(pv->type), "money") == 0);
        char *from = pv->edition ? fmt("édition « %s »", pv->edition)
                                 : fmt("%s", "valeur de base de l'appel");
        char *lead = fmt("%s :", label ? label : "Paramètre de l'appel");
        if (src && src->source)
            item(o, lead, "%s (%s ; texte : %s)", v ? v : "", or_empty(from), src->source);
        else
            item(o, lead, "%s (%s)", v ? v : "", or_empty(from));
        free(lead);
        free(from);
        free(v);
    }
    if (!d->params_count)
        item(o, NULL, "Aucun paramètre chiffré de l'appel n'a été utilisé.");
    list_end(o);
}

/* ---- the letter ------------------------------------------------------------- */

static const char css[] =
    "<style>\n"
    "@page{size:A4;margin:22mm 20mm 24mm 20mm;"
    "@bottom-center{content:'Page ' counter(page) ' sur ' counter(pages);"
    "font-family:'DejaVu Sans',Arial,sans-serif;font-size:8.5pt;color:#555}}\n"
    "body{font-family:'DejaVu Serif',Georgia,serif;color:#111;font-size:11pt;line-height:1.45;"
    "max-width:46rem;margin:1.5rem auto;padding:0 1rem}\n"
    "@media print{body{max-width:none;margin:0;padding:0}}\n"
    ".from{font-family:'DejaVu Sans',Arial,sans-serif;font-weight:bold;font-size:12pt}\n"
    ".to{margin:1.2rem 0 1rem 50%}.ref{font-size:9.5pt;color:#333}\n"
    "h1{font-size:14pt;margin:1.2rem 0 .6rem}h2{font-size:12pt;margin:1.3rem 0 .4rem;"
    "break-after:avoid;page-break-after:avoid}\n"
    "p,li{orphans:3;widows:3}li{margin:.2rem 0}ol,ul{padding-left:1.4rem}\n"
    ".result{border:1.5px solid #333;padding:.6rem .9rem;font-weight:bold}\n"
    ".legal{font-size:10pt}\n"
    "footer{margin-top:1.5rem;border-top:1px solid #999;padding-top:.4rem;font-size:8.5pt;"
    "color:#444;font-family:'DejaVu Sans',Arial,sans-serif;overflow-wrap:anywhere}\n"
    "</style>\n";

static size_t count_status(const elg_decision *d, elg_rule_status s) {
    size_t n = 0;
    for (size_t i = 0; i < d->rules_count; i++)
        n += d->rules[i].status == s;
    return n;
}

/* "Association A et Centre B", the applicants by name. */
static char *applicants_names(const elg_letter_input *in) {
    const elg_project *p = in->project;
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    if (!f)
        return NULL;
    for (size_t i = 0; p && i < p->applicants_count; i++)
        fprintf(f, "%s%s",
                i == 0                         ? ""
                : i + 1 == p->applicants_count ? " et "
                                               : ", ",
                or_empty(p->applicants[i].name));
    fclose(f);
    return s;
}

static void letter_head(out *o, const elg_letter_input *in) {
    const elg_decision *d = in->decision;
    const elg_ruleset *rs = d->ruleset;
    const elg_project *p = in->project;
    const char *who = authority(in);
    bool stored = d->id > 0;
    if (o->html) {
        fputs("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
              o->f);
        esc(o->f, in->is_decision ? "Décision" : "Avis");
        fputs(" — ", o->f);
        esc(o->f, p && p->title ? p->title : d->project);
        fputs("</title>\n", o->f);
        fputs(css, o->f);
        fputs("</head>\n<body>\n<div class=\"from\">", o->f);
        esc(o->f, who);
        fputs("</div>\n<div class=\"ref\">", o->f);
        esc(o->f, rs->call_title);
        fputs("</div>\n<div class=\"to\">", o->f);
        for (size_t i = 0; p && i < p->applicants_count; i++) {
            const elg_applicant *a = &p->applicants[i];
            fputs(i ? "<br>\n" : "", o->f);
            esc(o->f, a->name);
            if (a->siret) {
                fputs("<br>SIRET n° ", o->f);
                esc(o->f, a->siret);
            }
            if (a->rna) {
                fputs("<br>RNA n° ", o->f);
                esc(o->f, a->rna);
            }
            if (a->commune) {
                fputs("<br>", o->f);
                esc(o->f, a->commune);
            }
        }
        if (!p)
            esc(o->f, "Au porteur du projet");
        fputs("</div>\n", o->f);
    } else {
        fprintf(o->f, "%s\n%s\n\n", who, or_empty(rs->call_title));
        for (size_t i = 0; p && i < p->applicants_count; i++) {
            const elg_applicant *a = &p->applicants[i];
            fprintf(o->f, "    %s\n", or_empty(a->name));
            if (a->siret)
                fprintf(o->f, "    SIRET n° %s\n", a->siret);
            if (a->rna)
                fprintf(o->f, "    RNA n° %s\n", a->rna);
            if (a->commune)
                fprintf(o->f, "    %s\n", a->commune);
        }
        fputs(p ? "\n" : "    Au porteur du projet\n\n", o->f);
    }
    if (stored)
        para(o, "ref",
             "Référence : %s n° %" PRId64 " du %s (heure de Paris) — dossier %s, version %d",
             in->is_decision ? "décision" : "avis", d->id, T(o, d->created_at),
             or_empty(d->project), d->project_version);
    else
        para(o, "ref", "Référence : dossier %s, version %d (résultat non enregistré)",
             or_empty(d->project), d->project_version);
    para(o, NULL,
         "Objet : votre demande de subvention pour le projet « %s » au titre de l'appel « %s »",
         p && p->title ? p->title : or_empty(d->project), or_empty(rs->call_title));
    if (o->html)
        fputs("<h1>", o->f);
    if (o->html) {
        esc(o->f, in->is_decision ? "Décision sur votre demande et son explication"
                                  : "Avis sur l'éligibilité de votre demande et son explication");
        fputs("</h1>\n", o->f);
    } else {
        fputs(in->is_decision ? "DÉCISION SUR VOTRE DEMANDE ET SON EXPLICATION\n\n"
                              : "AVIS SUR L'ÉLIGIBILITÉ DE VOTRE DEMANDE ET SON EXPLICATION\n\n",
              o->f);
    }
    para(o, NULL, "Madame, Monsieur,");
    char *names = applicants_names(in);
    para(o, NULL,
         "%s%s%s présenté le projet « %s » au titre de l'appel « %s » de %s. Ce courrier vous "
         "indique le résultat de l'examen de son éligibilité et vous explique comment il a été "
         "obtenu, comme le prévoient les articles L311-3-1 et R311-3-1-2 du code des relations "
         "entre le public et l'administration.",
         names && *names ? "" : "Vous avez", names && *names ? names : "",
         names && *names ? (p->applicants_count > 1 ? " ont" : " a") : "",
         p && p->title ? p->title : or_empty(d->project), or_empty(rs->call_title), who);
    free(names);
}

static void result_section(out *o, const elg_letter_input *in) {
    const elg_decision *d = in->decision;
    const elg_figures *fig = &d->figures;
    size_t total = d->rules_count, failed = count_status(d, ELG_RULE_FAIL);
    heading(o, "1. Le résultat");
    switch (d->outcome) {
    case ELG_OUTCOME_ELIGIBLE: {
        size_t applied = total - count_status(d, ELG_RULE_NA);
        const char *others =
            count_status(d, ELG_RULE_NA) ? " (les autres sont sans objet pour votre projet)" : "";
        if (applied == 1)
            para(o, "result",
                 "Votre projet est éligible : il remplit la condition de l'appel vérifiée par le "
                 "traitement%s.",
                 others);
        else
            para(o, "result",
                 "Votre projet est éligible : il remplit les %zu conditions de l'appel vérifiées "
                 "par le traitement%s.",
                 applied, others);
        break;
    }
    case ELG_OUTCOME_INELIGIBLE:
        if (failed == 1 && total == 1)
            para(o, "result", "%s",
                 "Votre projet n'est pas éligible en l'état : la condition de l'appel n'est pas "
                 "remplie (voir ci-dessous ce qu'il faudrait changer).");
        else if (failed == 1)
            para(o, "result",
                 "Votre projet n'est pas éligible en l'état : une des %zu conditions de l'appel "
                 "n'est pas remplie (voir ci-dessous ce qu'il faudrait changer).",
                 total);
        else
            para(o, "result",
                 "Votre projet n'est pas éligible en l'état : %zu des %zu conditions de l'appel "
                 "ne sont pas remplies (voir ci-dessous ce qu'il faudrait changer).",
                 failed, total);
        break;
    case ELG_OUTCOME_INCOMPLETE: {
        size_t waiting = count_status(d, ELG_RULE_MISSING);
        if (waiting == 1)
            para(o, "result", "%s",
                 "Votre dossier est incomplet : une des conditions de l'appel ne peut pas être "
                 "vérifiée sans les informations demandées ci-dessous. Aucune condition vérifiée "
                 "n'a été trouvée non remplie.");
        else
            para(o, "result",
                 "Votre dossier est incomplet : %zu des %zu conditions de l'appel ne peuvent pas "
                 "être vérifiées sans les informations demandées ci-dessous. Aucune condition "
                 "vérifiée n'a été trouvée non remplie.",
                 waiting, total);
        break;
    }
    case ELG_OUTCOME_ERROR:
        para(o, "result",
             "L'examen automatique de votre projet n'a pas pu être mené à son terme : un agent "
             "examinera votre dossier et vous fera connaître le résultat.");
        break;
    }
    if (fig->has_requested && fig->requested > 0)
        para(o, NULL, "Montant que vous demandez au titre de cet appel : %s.",
             M(o, fig->requested));
    if (fig->has_max_grantable && d->outcome == ELG_OUTCOME_ELIGIBLE)
        para(o, NULL,
             "Montant maximal qui peut vous être attribué au titre de cet appel, selon ses "
             "règles : %s. Le montant effectivement attribué est fixé par %s.",
             M(o, fig->max_grantable), authority(in));
    para(o, NULL, "Coût du projet retenu : %s ; total des ressources déclarées : %s.",
         M(o, fig->eligible_cost), M(o, fig->total_resources));
    if (in->is_decision)
        para(o, NULL, "Ce courrier vous notifie la décision de %s sur votre demande.",
             authority(in));
    else
        para(o, NULL,
             "Ce résultat est un avis préparé pour %s, qui décide de l'attribution de la "
             "subvention. Il ne constitue pas, à lui seul, la décision : celle-ci vous sera "
             "notifiée par %s.",
             authority(in), authority(in));
}

static void processing_section(out *o, const elg_letter_input *in) {
    const elg_decision *d = in->decision;
    heading(o, "2. Un résultat établi par un traitement algorithmique");
    para(o, NULL,
         "%s a été %s au moyen d'un traitement algorithmique (article L311-3-1 du code des "
         "relations entre le public et l'administration).",
         in->is_decision ? "Cette décision" : "Cet avis",
         in->is_decision ? "prise sur le fondement d'un résultat établi" : "préparé");
    para(o, NULL,
         "Degré et mode de contribution du traitement : il a vérifié automatiquement les %zu "
         "conditions d'éligibilité fixées par le texte de l'appel, à partir des seules données de "
         "votre dossier et des paramètres de l'appel décrits ci-dessous, et il a calculé les "
         "montants indiqués. %s Il n'apprécie ni l'intérêt ni la qualité de votre projet, qui "
         "relèvent de l'instruction par les services et de la décision de %s.",
         d->rules_count,
         in->is_decision ? "La décision reprend son résultat sur l'éligibilité."
                         : "Son résultat est un avis : la décision appartient à l'autorité "
                           "compétente.",
         authority(in));
    para(o, NULL,
         "Vous pouvez demander à %s la communication des règles qui définissent ce traitement et "
         "de ses principales caractéristiques.",
         authority(in));
}

static void appeal_section(out *o, const elg_letter_input *in, int number) {
    char title[96];
    snprintf(title, sizeof title, "%d. Voies et délais de recours", number);
    heading(o, title);
    if (!in->is_decision)
        para(o, NULL,
             "Cet avis, qui prépare la décision, ne peut pas être contesté seul. La décision que "
             "prendra %s pourra l'être selon les voies suivantes, dans les délais qu'elle vous "
             "indiquera :",
             authority(in));
    else
        para(o, NULL,
             "Si vous contestez cette décision, vous pouvez, dans un délai de deux mois "
             "à compter de sa notification :");
    list_begin(o, false);
    item(o, "Recours gracieux :",
         "adresser un recours à l'auteur de la décision, %s. Formé dans le délai de deux mois, il "
         "interrompt le délai du recours contentieux, qui court à nouveau à compter de la réponse "
         "(le silence gardé pendant deux mois vaut rejet).",
         authority(in));
    item(o, "Recours contentieux :",
         "saisir le tribunal administratif territorialement compétent dans un délai de deux mois "
         "à compter de la notification de la décision (code de justice administrative, articles "
         "R421-1 et R421-5), y compris par l'application Télérecours citoyens.");
    list_end(o);
}

static void references_section(out *o, const elg_letter_input *in, int number) {
    const elg_decision *d = in->decision;
    const elg_ruleset *rs = d->ruleset;
    char title[96];
    snprintf(title, sizeof title, "%d. Vos références", number);
    heading(o, title);
    list_begin(o, false);
    item(o, "Financeur :", "%s", authority(in));
    if (rs->edition_name)
        item(o, "Appel :", "« %s » (référence %s, version %d, édition « %s »)",
             or_empty(rs->call_title), or_empty(rs->call), rs->call_version, rs->edition_name);
    else
        item(o, "Appel :", "« %s » (référence %s, version %d)", or_empty(rs->call_title),
             or_empty(rs->call), rs->call_version);
    if (rs->basis && *rs->basis)
        item(o, "Texte de l'appel (base légale) :", "%s.", rs->basis);
    if (in->call && in->call->basis_ref)
        item(o, "Référence de l'acte :", "%s.", in->call->basis_ref);
    item(o, "Votre dossier :", "référence %s, version %d", or_empty(d->project),
         d->project_version);
    if (d->id > 0)
        item(o, in->is_decision ? "Décision :" : "Avis :", "n° %" PRId64 " du %s", d->id,
             elg_labels_time_paris(d->created_at, true, slot(o), sizeof o->ring[0]));
    list_end(o);
    para(o, NULL,
         "Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations "
         "distinguées.");
}

static void footer(out *o, const elg_letter_input *in) {
    const elg_decision *d = in->decision;
    char *s;
    if (d->id > 0)
        s = fmt("Référence de contrôle : %s n° %" PRId64 ", établi par eligo %s ; empreinte "
                "SHA-256 du dossier de décision : %s",
                in->is_decision ? "décision" : "avis", d->id, or_empty(d->ruleset->engine_version),
                in->decision_sha256 ? in->decision_sha256 : "non calculée");
    else
        s = fmt("Résultat non enregistré, établi par eligo %s",
                or_empty(d->ruleset->engine_version));
    if (!s)
        return;
    if (o->html) {
        fputs("<footer>", o->f);
        esc(o->f, s);
        fputs("</footer>\n</body>\n</html>\n", o->f);
    } else {
        fputs("--\n", o->f);
        wrap(o->f, s, "", "");
    }
    free(s);
}

char *elg_letter_render(const elg_letter_input *in, elg_letter_format format, elg_error *err) {
    if (!in || !in->decision || !in->decision->ruleset) {
        elg_error_set(err, ELG_EUSAGE, "not a decision (no ruleset)");
        return NULL;
    }
    char *buf = NULL;
    size_t size = 0;
    out o = {.f = open_memstream(&buf, &size), .html = format == ELG_LETTER_HTML};
    if (!o.f) {
        elg_error_set(err, ELG_ENOMEM, "out of memory writing the letter");
        return NULL;
    }
    const elg_decision *d = in->decision;
    letter_head(&o, in);
    result_section(&o, in);
    processing_section(&o, in);
    data_section(&o, in);
    params_section(&o, in);
    rules_section(&o, in);
    int n = 6;
    if (d->outcome == ELG_OUTCOME_INELIGIBLE)
        changes_section(&o, in, n++);
    if (d->outcome != ELG_OUTCOME_ELIGIBLE && missing_count(d))
        missing_section(&o, in, n++);
    appeal_section(&o, in, n++);
    references_section(&o, in, n++);
    footer(&o, in);
    if (ferror(o.f) | fclose(o.f)) {
        free(buf);
        elg_error_set(err, ELG_ENOMEM, "out of memory writing the letter");
        return NULL;
    }
    return buf;
}

/* ---- from the store --------------------------------------------------------- */

int elg_letter_from_store(elg_store *store, int64_t id, bool is_decision, elg_letter_format format,
                          char **text, elg_error *err) {
    elg_decision *d = NULL;
    elg_stored_doc psd = {0}, csd = {0};
    elg_doc *pdoc = NULL, *cdoc = NULL;
    elg_stored_doc *fsd = NULL;
    elg_doc **fdoc = NULL;
    elg_letter_financer *names = NULL;
    elg_text json = {0};
    *text = NULL;
    int rc = elg_check_load_decision(store, id, &d, err);
    if (rc)
        return rc;
    const elg_ruleset *rs = d->ruleset;
    /* The versions the decision was made from; the letter is still written
     * without one (with fewer words), never from another version. */
    pdoc = elg_check_load_pinned(store, "project", d->project, d->project_version,
                                 d->project_sha256, &psd);
    cdoc = elg_check_load_pinned(store, "call", rs->call, rs->call_version, rs->call_sha256, &csd);
    size_t nf = rs->financers_count, named = 0;
    fsd = calloc(nf + 1, sizeof *fsd);
    fdoc = calloc(nf + 1, sizeof *fdoc);
    names = calloc(nf + 1, sizeof *names);
    if (!fsd || !fdoc || !names) {
        rc = elg_error_set(err, ELG_ENOMEM, "out of memory writing the letter");
        goto done;
    }
    for (size_t i = 0; i < nf; i++) {
        const elg_financer_version *fv = &rs->financers[i];
        elg_error e = {0};
        if (!fv->financer || elg_check_load_doc(store, "financer", fv->financer, fv->version,
                                                &fsd[i], &fdoc[i], &e) != ELG_OK)
            continue;
        const elg_financer *fin = elg_doc_financer(fdoc[i]);
        if (fin)
            names[named++] = (elg_letter_financer){fin->id, fin->name};
    }
    char sha[ELG_SHA256_HEX] = "";
    if (elg_decision_write_json(d, &json, err) == ELG_OK)
        elg_sha256_hex(json.data, json.len, sha);
    else
        goto done;
    elg_letter_input in = {
        .decision = d,
        .project = pdoc ? elg_doc_project(pdoc) : NULL,
        .project_stored_at = pdoc ? psd.imported_at : NULL,
        .call = cdoc ? elg_doc_call(cdoc) : NULL,
        .financers = names,
        .financers_count = named,
        .is_decision = is_decision,
        .decision_sha256 = sha,
    };
    *text = elg_letter_render(&in, format, err);
    if (!*text)
        rc = err->code;
done:
    if (err->code && !rc)
        rc = err->code;
    for (size_t i = 0; fsd && fdoc && i < nf; i++) {
        if (fdoc[i]) {
            elg_doc_free(fdoc[i]);
            elg_store_doc_release(&fsd[i]);
        }
    }
    free(fsd);
    free(fdoc);
    free(names);
    elg_text_release(&json);
    elg_doc_free(pdoc);
    elg_store_doc_release(&psd);
    elg_doc_free(cdoc);
    elg_store_doc_release(&csd);
    elg_decision_free(d);
    return rc;
}
