/*
 * cerfa: a CERFA 12156*06 budget in CSV to a project document (cerfa.h). The CSV is read by
 * engine/scdl_csv (libcsv, iconv); the YAML is written to a memory stream.
 */
#include "cerfa.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "scdl_csv.h"

typedef enum line_kind {
    L_EXPENSE = 1,
    L_RESOURCE,  /* 70, 73, 75-79: own resources */
    L_SUBSIDY,   /* 74: one financer */
    L_SELF,      /* autofinancement */
    L_IN_KIND_C, /* 86 */
    L_IN_KIND_P, /* 87 */
    L_TOTAL,     /* a stated total */
    L_SUBTOTAL,  /* a two-digit account with its sub-accounts below: checked, not counted */
} line_kind;

typedef enum total_kind { T_CHARGES = 1, T_PRODUITS, T_74, T_86, T_87 } total_kind;

typedef struct line {
    int line;
    line_kind kind;
    total_kind total;
    char *account; /* as written, trimmed */
    char *label;
    elg_cents amount;
    elg_category category;
    const char *financer; /* L_SUBSIDY, L_RESOURCE, L_SELF */
    bool granted;
} line;

typedef struct budget {
    const char *path;
    const elg_cerfa_options *opt;
    elg_error *err;
    line *lines;
    size_t count, cap;
    bool first;
} budget;

/* ---- text -------------------------------------------------------------------------- */

/* A text folded for matching: ASCII lower case, the French accented letters without their
 * accent ("État" -> "etat"), other bytes kept. */
static void fold(const char *s, char *out, size_t size) {
    static const struct {
        const char *utf8, *ascii;
    } letters[] = {{"é", "e"}, {"è", "e"}, {"ê", "e"}, {"ë", "e"}, {"É", "e"},
                   {"È", "e"}, {"Ê", "e"}, {"à", "a"}, {"â", "a"}, {"À", "a"},
                   {"ô", "o"}, {"Ô", "o"}, {"î", "i"}, {"ï", "i"}, {"Î", "i"},
                   {"ç", "c"}, {"Ç", "c"}, {"û", "u"}, {"ù", "u"}, {"œ", "oe"}};
    size_t n = 0;
    while (*s && n + 3 < size) {
        bool done = false;
        for (size_t i = 0; i < sizeof letters / sizeof letters[0] && !done; i++) {
            size_t k = strlen(letters[i].utf8);
            if (strncmp(s, letters[i].utf8, k) == 0) {
                for (const char *a = letters[i].ascii; *a; a++)
                    out[n++] = *a;
                s += k;
                done = true;
            }
        }
        if (done)
            continue;
        out[n++] = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
        s++;
    }
    out[n] = '\0';
}

static char *trimmed(const char *s) {
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    char *out = malloc(n + 1);
    if (out) {
        memcpy(out, s, n);
        out[n] = '\0';
    }
    return out;
}

static int fail(budget *b, int at, int column, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int fail(budget *b, int at, int column, const char *field, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int rc = elg_error_setv(b->err, ELG_EINPUT, fmt, ap);
    va_end(ap);
    elg_error_at(b->err, b->path, at, column, field);
    return rc;
}

/* ---- financers of the 74 lines ------------------------------------------------------------ */

/* Label keywords (folded) and the financer id written. The keyword found first in the label
 * names the financer ("État : direction régionale..." is the State, "Communauté de communes" an
 * EPCI); generic ones (organismes sociaux, fonds européens, établissement public) only when no
 * specific one is there ("Organismes sociaux : CAF du Nord" is the CAF). */
static const struct {
    const char *keyword, *financer;
    bool generic;
} financer_table[] = {
    {"fse", "FSE", false},
    {"feder", "FEDER", false},
    {"intercommunal", "EPCI", false},
    {"epci", "EPCI", false},
    {"metropole", "EPCI", false},
    {"communaute", "EPCI", false},
    {"region", "REGION", false},
    {"departement", "DEPARTEMENT", false},
    {"commune", "COMMUNE", false},
    {"ville", "COMMUNE", false},
    {"mairie", "COMMUNE", false},
    {"caf", "CAF", false},
    {"asp", "ASP", false},
    {"emplois aides", "ASP", false},
    {"etat", "ETAT", false},
    {"ministere", "ETAT", false},
    {"prefecture", "ETAT", false},
    {"aides privees", "PRIVATE", false},
    {"fondation", "PRIVATE", false},
    {"fonds europ", "EU", true},
    {"union europ", "EU", true},
    {"organismes sociaux", "SOCIAL", true},
    {"etablissement", "PUBLIC", true},
};

/* Where folded text holds keyword as a word start (so "asp" is not found in "aspect"): its
 * offset, or -1. */
static long holds(const char *text, const char *keyword) {
    size_t k = strlen(keyword);
    for (const char *s = strstr(text, keyword); s; s = strstr(s + 1, keyword)) {
        bool start =
            s == text || !((s[-1] >= 'a' && s[-1] <= 'z') || (s[-1] >= '0' && s[-1] <= '9'));
        bool end = !((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= '0' && s[k] <= '9'));
        /* Plural and feminine forms end the word too: communes, régionale. */
        if (start && (end || s[k] == 's' || s[k] == 'a' || s[k] == 'e'))
            return (long)(s - text);
    }
    return -1;
}

static const char *financer_of(const budget *b, const char *label) {
    char folded[512], key[128];
    fold(label, folded, sizeof folded);
    for (size_t i = 0; i < b->opt->financers_count; i++) {
        fold(b->opt->financers[i].keyword, key, sizeof key);
        if (*key && holds(folded, key) >= 0)
            return b->opt->financers[i].financer;
    }
    for (int generic = 0; generic < 2; generic++) {
        const char *best = NULL;
        long best_at = -1;
        for (size_t i = 0; i < sizeof financer_table / sizeof financer_table[0]; i++) {
            long at = financer_table[i].generic == (generic == 1)
                          ? holds(folded, financer_table[i].keyword)
                          : -1;
            if (at >= 0 && (best_at < 0 || at < best_at)) {
                best = financer_table[i].financer;
                best_at = at;
            }
        }
        if (best)
            return best;
    }
    return NULL;
}

/* ---- lines ---------------------------------------------------------------------------- */

static elg_category category_of(const char *account) {
    if (strncmp(account, "604", 3) == 0 || strncmp(account, "61", 2) == 0)
        return ELG_CAT_SERVICES;
    if (strncmp(account, "625", 3) == 0)
        return ELG_CAT_TRAVEL;
    if (strncmp(account, "62", 2) == 0)
        return ELG_CAT_SERVICES;
    if (strncmp(account, "631", 3) == 0 || strncmp(account, "64", 2) == 0)
        return ELG_CAT_STAFF;
    return ELG_CAT_OTHER; /* 60x, 63x, 65 to 69 */
}

static int classify(budget *b, line *l, const char *status) {
    char account[128], label[512];
    fold(l->account, account, sizeof account);
    fold(l->label, label, sizeof label);
    const char *total_text = strncmp(account, "total", 5) == 0              ? account
                             : !*account && strncmp(label, "total", 5) == 0 ? label
                                                                            : NULL;
    if (total_text) {
        char both[640];
        snprintf(both, sizeof both, "%s %s", account, label);
        l->kind = L_TOTAL;
        /* Charges and produits first: "total des charges avec les contributions (86)" is the
         * charges' total with the contributions in kind, which check_totals allows. */
        l->total = strstr(both, "charge")                                 ? T_CHARGES
                   : strstr(both, "produit") || strstr(both, "ressource") ? T_PRODUITS
                   : strstr(both, "74") || strstr(both, "subvention")     ? T_74
                   : strstr(both, "86")                                   ? T_86
                   : strstr(both, "87")                                   ? T_87
                                                                          : 0;
        if (!l->total)
            return fail(b, l->line, 1, "account",
                        "a total of what? (charges, produits, 74, 86 or 87)");
        return 0;
    }
    if (strstr(account, "autofinancement") || strstr(account, "ressources propres") ||
        (!*account && (strstr(label, "autofinancement") || strstr(label, "ressources propres")))) {
        l->kind = L_SELF;
        l->financer = "SELF";
        return 0;
    }
    if (strstr(account, "charges indirectes") || strcmp(account, "ci") == 0 ||
        (!*account && strstr(label, "charges indirectes"))) {
        l->kind = L_EXPENSE;
        l->category = ELG_CAT_INDIRECT;
        return 0;
    }
    if (!(account[0] >= '0' && account[0] <= '9' && account[1] >= '0' && account[1] <= '9'))
        return fail(b, l->line, 1, "account",
                    "\"%s\" is not an account of the CERFA budget (60-69, 70-79, 86, 87, "
                    "autofinancement, charges indirectes, total)",
                    l->account);
    int n = (account[0] - '0') * 10 + (account[1] - '0');
    if (n >= 60 && n <= 69) {
        l->kind = L_EXPENSE;
        l->category = category_of(account);
    } else if (n == 74) {
        l->kind = L_SUBSIDY;
        l->financer = financer_of(b, l->label);
        if (!l->financer)
            return fail(b, l->line, 2, "label",
                        "74 \"%s\": which financer? (État, Région, Département, intercommunalité, "
                        "commune, CAF, fonds européens, ASP, aides privées..., or --financer "
                        "KEYWORD=ID)",
                        l->label);
        char st[64];
        fold(status ? status : "", st, sizeof st);
        if (*st && !strstr(st, "demand") && !strstr(st, "accord") && !strstr(st, "vot") &&
            !strstr(st, "attribu") && strcmp(st, "requested") && strcmp(st, "granted"))
            return fail(b, l->line, 4, "status",
                        "\"%s\" is not a status (demandé, accordé, voté, attribué)", status);
        l->granted = strstr(st, "accord") || strstr(st, "vot") || strstr(st, "attribu") ||
                     strcmp(st, "granted") == 0;
    } else if (n >= 70 && n <= 79) {
        l->kind = L_RESOURCE;
        l->financer = "SELF";
    } else if (n == 86) {
        l->kind = L_IN_KIND_C;
    } else if (n == 87) {
        l->kind = L_IN_KIND_P;
    } else {
        return fail(b, l->line, 1, "account", "\"%s\" is not an account of the CERFA budget",
                    l->account);
    }
    return 0;
}

static int on_row(void *ctx, int lineno, char *const *fields, size_t count) {
    budget *b = ctx;
    const char *account = count > 0 ? fields[0] : "", *label = count > 1 ? fields[1] : "";
    char *amount_text = trimmed(count > 2 ? fields[2] : "");
    elg_cents amount = 0;
    elg_error e;
    int rc = 0;
    bool first = b->first;
    b->first = false;
    if (!amount_text)
        return elg_error_set(b->err, ELG_ENOMEM, "out of memory");
    elg_error_clear(&e);
    if (!*amount_text)
        goto out; /* a heading */
    if (elg_money_parse(amount_text, 0, &amount, &e)) {
        if (first)
            goto out; /* the header row: compte; libellé; montant */
        rc = fail(b, lineno, 3, "amount", "%s", e.message);
        goto out;
    }
    if (amount % 100 != 0) {
        rc = fail(b, lineno, 3, "amount",
                  "\"%s\": whole euros only (the form says « ne pas indiquer les centimes »)",
                  amount_text);
        goto out;
    }
    if (b->count == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        line *grown = realloc(b->lines, cap * sizeof *grown);
        if (!grown) {
            rc = elg_error_set(b->err, ELG_ENOMEM, "out of memory");
            goto out;
        }
        b->lines = grown;
        b->cap = cap;
    }
    line *l = &b->lines[b->count];
    memset(l, 0, sizeof *l);
    l->line = lineno;
    l->amount = amount;
    l->account = trimmed(account);
    l->label = trimmed(label);
    b->count++;
    if (!l->account || !l->label) {
        rc = elg_error_set(b->err, ELG_ENOMEM, "out of memory");
        goto out;
    }
    rc = classify(b, l, count > 3 ? fields[3] : NULL);
out:
    free(amount_text);
    return rc;
}

/* A two-digit account with sub-accounts below it is their subtotal: it must equal them. */
static int mark_subtotals(budget *b) {
    for (size_t i = 0; i < b->count; i++) {
        line *l = &b->lines[i];
        if (l->kind == L_TOTAL || l->kind == L_SELF || strlen(l->account) != 2 ||
            l->category == ELG_CAT_INDIRECT)
            continue;
        elg_cents sum = 0;
        size_t subs = 0;
        for (size_t j = 0; j < b->count; j++) {
            const line *m = &b->lines[j];
            if (j != i && strlen(m->account) > 2 && strncmp(m->account, l->account, 2) == 0) {
                sum += m->amount;
                subs++;
            }
        }
        if (!subs)
            continue;
        if (sum != l->amount) {
            char a[ELG_MONEY_FMT_MAX], s[ELG_MONEY_FMT_MAX];
            return fail(b, l->line, 3, "amount", "account %s states %s, its sub-accounts sum to %s",
                        l->account, elg_money_format(l->amount, a, sizeof a),
                        elg_money_format(sum, s, sizeof s));
        }
        l->kind = L_SUBTOTAL;
    }
    return 0;
}

static int check_totals(budget *b, elg_cerfa_totals *t) {
    char x[ELG_MONEY_FMT_MAX], y[ELG_MONEY_FMT_MAX];
    int last = b->count ? b->lines[b->count - 1].line : 0;
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < b->count; i++) {
        const line *l = &b->lines[i];
        switch (l->kind) {
        case L_EXPENSE:
            t->charges += l->amount;
            t->expenses++;
            break;
        case L_SUBSIDY:
            t->subsidies += l->amount;
            __attribute__((fallthrough)); /* a subsidy is a resource */
        case L_RESOURCE:
        case L_SELF:
            t->produits += l->amount;
            t->resources++;
            break;
        case L_IN_KIND_C:
            t->in_kind_charges += l->amount;
            break;
        case L_IN_KIND_P:
            t->in_kind_produits += l->amount;
            break;
        default:
            break;
        }
    }
    for (size_t i = 0; i < b->count; i++) {
        const line *l = &b->lines[i];
        if (l->kind != L_TOTAL)
            continue;
        static const char *const names[] = {NULL, "charges", "produits", "74", "86", "87"};
        elg_cents want = l->total == T_CHARGES    ? t->charges
                         : l->total == T_PRODUITS ? t->produits
                         : l->total == T_74       ? t->subsidies
                         : l->total == T_86       ? t->in_kind_charges
                                                  : t->in_kind_produits;
        /* A total of charges or produits may include the contributions in kind below them. */
        elg_cents with = l->total == T_CHARGES    ? want + t->in_kind_charges
                         : l->total == T_PRODUITS ? want + t->in_kind_produits
                                                  : want;
        if (l->amount != want && l->amount != with)
            return fail(b, l->line, 3, "amount", "total %s stated %s, the lines sum to %s",
                        names[l->total], elg_money_format(l->amount, x, sizeof x),
                        elg_money_format(want, y, sizeof y));
    }
    if (t->charges != t->produits)
        return fail(b, last, 0, NULL,
                    "the budget does not balance: charges %s, produits %s (the form requires "
                    "total charges = total produits)",
                    elg_money_format(t->charges, x, sizeof x),
                    elg_money_format(t->produits, y, sizeof y));
    if (t->in_kind_charges != t->in_kind_produits)
        return fail(b, last, 0, NULL,
                    "contributions in kind do not balance: 86 %s, 87 %s (the form requires 86 = "
                    "87)",
                    elg_money_format(t->in_kind_charges, x, sizeof x),
                    elg_money_format(t->in_kind_produits, y, sizeof y));
    if (t->charges == 0)
        return fail(b, 0, 0, NULL, "no charge line: is this a CERFA 12156 budget?");
    return 0;
}

/* ---- the document --------------------------------------------------------------------------- */

/* A YAML double-quoted scalar: quotes and backslashes escaped, control characters as spaces. */
static void quoted(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fputc(' ', f);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

static void line_label(FILE *f, const line *l) {
    char text[600];
    snprintf(text, sizeof text, "%s%s%s", l->account, *l->account && *l->label ? " " : "",
             l->label);
    quoted(f, text);
}

static void write_yaml(FILE *f, const budget *b, const elg_cerfa_totals *t) {
    const elg_cerfa_options *o = b->opt;
    char m[ELG_MONEY_FMT_MAX], n[ELG_MONEY_FMT_MAX];
    fprintf(f, "# Project budget read from a CERFA 12156*06 (%s):\n", b->path);
    char sub[ELG_MONEY_FMT_MAX];
    fprintf(f, "# charges %s = produits %s, of which subsidies (74) %s.\n",
            elg_money_format(t->charges, m, sizeof m), elg_money_format(t->produits, n, sizeof n),
            elg_money_format(t->subsidies, sub, sizeof sub));
    if (t->in_kind_charges) {
        fprintf(f, "# Contributions in kind, outside the cash budget (86 = 87 = %s):\n",
                elg_money_format(t->in_kind_charges, m, sizeof m));
        for (size_t i = 0; i < b->count; i++) {
            const line *l = &b->lines[i];
            if (l->kind != L_IN_KIND_C && l->kind != L_IN_KIND_P)
                continue;
            fprintf(f, "#   %s %s: %s\n", l->account, l->label,
                    elg_money_format(l->amount, m, sizeof m));
        }
    }
    fprintf(f, "# To complete where a field is missing: applicants, period, applies_to; the "
               "financers named below must be stored.\n");
    fprintf(f, "kind: project\nid: ");
    quoted(f, o->id ? o->id : "cerfa-project");
    fprintf(f, "\ntitle: ");
    quoted(f, o->title ? o->title : "Projet (budget CERFA 12156)");
    fputc('\n', f);
    if (o->applicant) {
        fprintf(f, "applicants:\n  - name: ");
        quoted(f, o->applicant);
        fprintf(f, "\n    status: ");
        quoted(f, o->status ? o->status : "association");
        if (o->siret) {
            fprintf(f, "\n    siret: ");
            quoted(f, o->siret);
        }
        if (o->rna) {
            fprintf(f, "\n    rna: ");
            quoted(f, o->rna);
        }
        if (o->commune) {
            fprintf(f, "\n    commune: ");
            quoted(f, o->commune);
        }
        fputc('\n', f);
    } else {
        fprintf(f, "# applicants: [{ name: ..., status: association, siret: ... }]\n");
    }
    if (o->commune) {
        fprintf(f, "territory: [");
        quoted(f, o->commune);
        fprintf(f, "]\n");
    }
    if (o->start && o->end)
        fprintf(f, "period: { start: %s, end: %s }\n", o->start, o->end);
    else
        fprintf(f, "# period: { start: YYYY-MM-DD, end: YYYY-MM-DD }\n");
    fprintf(f, "expenses:\n");
    for (size_t i = 0; i < b->count; i++) {
        const line *l = &b->lines[i];
        if (l->kind != L_EXPENSE)
            continue;
        fprintf(f, "  - { category: %s, label: ", elg_category_name(l->category));
        line_label(f, l);
        fprintf(f, ", amount: \"%s\" }\n", elg_money_format(l->amount, m, sizeof m));
    }
    fprintf(f, "resources:\n");
    elg_cents requested = 0;
    for (size_t i = 0; i < b->count; i++) {
        const line *l = &b->lines[i];
        if (l->kind != L_SUBSIDY && l->kind != L_RESOURCE && l->kind != L_SELF)
            continue;
        fprintf(f, "  - { financer: %s, label: ", l->financer);
        line_label(f, l);
        fprintf(f, ", amount: \"%s\", status: %s }\n", elg_money_format(l->amount, m, sizeof m),
                l->granted || l->kind != L_SUBSIDY ? "granted" : "requested");
        if (o->call_financer && strcmp(o->call_financer, l->financer) == 0)
            requested += l->amount;
    }
    if (o->call) {
        fprintf(f, "applies_to:\n  - { call: %s, requested: \"%s\" }\n", o->call,
                elg_money_format(requested, m, sizeof m));
    } else {
        fprintf(f, "# applies_to: [{ call: ..., requested: ... }]\n");
    }
}

int elg_cerfa_to_project(const char *path, const char *data, size_t len,
                         const elg_cerfa_options *opt, char **yaml, size_t *yaml_len,
                         elg_cerfa_totals *totals, elg_error *err) {
    static const elg_cerfa_options none = {0};
    budget b = {.path = path, .opt = opt ? opt : &none, .err = err, .first = true};
    elg_cerfa_totals local;
    elg_cerfa_totals *t = totals ? totals : &local;
    int rc;
    if (!path || !yaml)
        return elg_error_set(err, ELG_EUSAGE, "elg_cerfa_to_project: missing argument");
    *yaml = NULL;
    if (b.opt->call && !b.opt->call_financer)
        return elg_error_set(err, ELG_EUSAGE, "elg_cerfa_to_project: a call needs its financer");
    rc = elg_csv_read(path, data, len, on_row, &b, NULL, err);
    if (rc == 0)
        rc = mark_subtotals(&b);
    if (rc == 0)
        rc = check_totals(&b, t);
    if (rc == 0 && b.opt->call) {
        bool found = false;
        for (size_t i = 0; i < b.count && !found; i++)
            found = b.lines[i].financer && strcmp(b.lines[i].financer, b.opt->call_financer) == 0;
        if (!found)
            rc = fail(&b, 0, 0, NULL,
                      "no resource line of %s, the financer of call %s (map a 74 line to it with "
                      "--financer KEYWORD=%s)",
                      b.opt->call_financer, b.opt->call, b.opt->call_financer);
    }
    if (rc == 0) {
        size_t size = 0;
        FILE *f = open_memstream(yaml, &size);
        if (!f) {
            rc = elg_error_set(err, ELG_ENOMEM, "out of memory");
        } else {
            write_yaml(f, &b, t);
            if (fclose(f) != 0) {
                free(*yaml);
                *yaml = NULL;
                rc = elg_error_set(err, ELG_ENOMEM, "out of memory");
            } else if (yaml_len) {
                *yaml_len = size;
            }
        }
    }
    for (size_t i = 0; i < b.count; i++) {
        free(b.lines[i].account);
        free(b.lines[i].label);
    }
    free(b.lines);
    return rc;
}
