/*
 * scdl: SCDL « Subventions » 2.1.1 written from awards and read from published files (scdl.h).
 *
 * engine/scdl_csv reads the CSV (libcsv, iconv) and hands each row with the line it starts on:
 * every error names the file, that line and the CSV column. libcsv also quotes the cells written.
 */
#include "scdl.h"

#include <csv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "doc.h"
#include "files.h"
#include "hash.h"
#include "money.h"
#include "scdl_csv.h"
#include "tr.h"

/* Largest file read: the biggest real files are a few MiB (a region's year). */
#define SCDL_MAX_BYTES (64u * 1024u * 1024u)

enum {
    F_NOM_ATTRIBUANT,
    F_ID_ATTRIBUANT,
    F_DATE_CONVENTION,
    F_REFERENCE,
    F_NOM_BENEFICIAIRE,
    F_ID_BENEFICIAIRE,
    F_RNA,
    F_OBJET,
    F_MONTANT,
    F_NATURE,
    F_CONDITIONS,
    F_PERIODE,
    F_RAE,
    F_NOTIFICATION,
    F_POURCENTAGE,
    F_DISPOSITIF,
};

static const char *const field_names[ELG_SCDL_FIELDS] = {
    "nomAttribuant",   "idAttribuant",   "dateConvention",        "referenceDecision",
    "nomBeneficiaire", "idBeneficiaire", "rnaBeneficiaire",       "objet",
    "montant",         "nature",         "conditionsVersement",   "datesPeriodeVersement",
    "idRAE",           "notificationUE", "pourcentageSubvention", "dispositifAide",
};

static const bool field_required[ELG_SCDL_FIELDS] = {
    [F_NOM_ATTRIBUANT] = true,   [F_ID_ATTRIBUANT] = true, [F_DATE_CONVENTION] = true,
    [F_NOM_BENEFICIAIRE] = true, [F_OBJET] = true,         [F_MONTANT] = true,
    [F_NATURE] = true,           [F_CONDITIONS] = true,    [F_PERIODE] = true,
    [F_NOTIFICATION] = true,     [F_POURCENTAGE] = true,
};

const char *elg_scdl_field_name(int field) {
    return field >= 0 && field < ELG_SCDL_FIELDS ? field_names[field] : NULL;
}

/* ---- the schema's constraints -------------------------------------------------- */

static bool all_digits(const char *s, size_t n) {
    return strlen(s) == n && strspn(s, "0123456789") == n;
}

static size_t utf8_chars(const char *s) {
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* A Table Schema number as this schema writes them: an optional '-', digits, an optional '.'
 * and digits ('.' is the decimal mark; no group character). */
static bool is_number(const char *s) {
    if (*s == '-')
        s++;
    size_t n = strspn(s, "0123456789");
    if (n == 0)
        return false;
    s += n;
    if (*s == '.') {
        n = strspn(s + 1, "0123456789");
        if (n == 0)
            return false;
        s += 1 + n;
    }
    return *s == '\0';
}

/* A number's value in ten-thousandths, for the share's bounds: *out, false when it has more
 * than 4 decimals or is too large to matter (above 1 anyway). */
static bool number_units(const char *s, int64_t *out) {
    int64_t whole = 0, frac = 0;
    int decimals = 0;
    bool negative = *s == '-';
    if (negative)
        s++;
    for (; *s >= '0' && *s <= '9'; s++)
        if (whole < 1000000)
            whole = whole * 10 + (*s - '0');
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++, decimals++) {
            if (decimals < 4)
                frac = frac * 10 + (*s - '0');
            else if (*s != '0')
                return false;
        }
    }
    for (int d = decimals < 4 ? decimals : 4; d < 4; d++)
        frac *= 10;
    *out = (negative ? -1 : 1) * (whole * ELG_AWARD_SHARE_UNITS + frac);
    return true;
}

static bool period_shaped(const char *s) {
    size_t n = strlen(s);
    if (n != 10 && n != 21)
        return false;
    for (size_t i = 0; i < n; i++) {
        size_t k = i % 11;
        bool ok = i == 10              ? s[i] == '/'
                  : (k == 4 || k == 7) ? s[i] == '-'
                                       : s[i] >= '0' && s[i] <= '9';
        if (!ok)
            return false;
    }
    return true;
}

bool elg_scdl_check_cell(int field, const char *text, char *why, size_t size) {
    const char *t = text ? text : "";
    if (!*t) {
        if (field_required[field]) {
            snprintf(why, size, elg_tr("required, but empty"));
            return false;
        }
        return true;
    }
    switch (field) {
    case F_ID_ATTRIBUANT:
        if (!all_digits(t, 14)) {
            snprintf(why, size, elg_tr("\"%s\" is not 14 digits (pattern ^\\d{14}$)"), t);
            return false;
        }
        return true;
    case F_DATE_CONVENTION:
        if (!elg_doc_date_valid(t)) {
            snprintf(why, size, elg_tr("\"%s\" is not a date AAAA-MM-JJ"), t);
            return false;
        }
        return true;
    case F_RNA:
        if (!elg_rna_valid(t)) {
            snprintf(why, size, elg_tr("\"%s\" is not W and 9 digits (pattern ^W\\d{9}$)"), t);
            return false;
        }
        return true;
    case F_OBJET:
    case F_CONDITIONS:
        if (utf8_chars(t) > ELG_AWARD_MAX_SCDL_TEXT) {
            snprintf(why, size, elg_tr("%zu characters, more than 256"), utf8_chars(t));
            return false;
        }
        return true;
    case F_RAE:
        if (utf8_chars(t) > 5) {
            snprintf(why, size, elg_tr("\"%s\" is longer than 5 characters"), t);
            return false;
        }
        return true;
    case F_MONTANT:
        if (!is_number(t)) {
            snprintf(why, size, elg_tr("\"%s\" is not a number (decimal point '.', no spaces)"), t);
            return false;
        }
        return true;
    case F_NATURE:
        if (strcmp(t, "aide en numéraire") && strcmp(t, "aide en nature") &&
            strcmp(t, "aide en numéraire;aide en nature") &&
            strcmp(t, "aide en nature;aide en numéraire")) {
            snprintf(
                why, size,
                elg_tr("\"%s\" is not aide en numéraire, aide en nature or both joined by ';'"), t);
            return false;
        }
        return true;
    case F_PERIODE:
        if (!period_shaped(t)) {
            snprintf(why, size, elg_tr("\"%s\" is not AAAA-MM-JJ or AAAA-MM-JJ/AAAA-MM-JJ"), t);
            return false;
        }
        return true;
    case F_NOTIFICATION:
        if (strcmp(t, "oui") && strcmp(t, "non")) {
            snprintf(why, size, elg_tr("\"%s\" is not oui or non"), t);
            return false;
        }
        return true;
    case F_POURCENTAGE: {
        int64_t units = 0;
        if (!is_number(t)) {
            snprintf(why, size, elg_tr("\"%s\" is not a number (decimal point '.')"), t);
            return false;
        }
        if (!number_units(t, &units) || units < ELG_AWARD_SHARE_MIN ||
            units > ELG_AWARD_SHARE_UNITS) {
            snprintf(why, size, elg_tr("\"%s\" is not between 0.01 and 1"), t);
            return false;
        }
        return true;
    }
    default:
        return true;
    }
}

/* ---- writing -------------------------------------------------------------------- */

struct elg_scdl_writer {
    char *buf;
    size_t len, cap;
    int columns; /* ELG_SCDL_FIELDS, or with the Data.Subvention ones */
    bool failed;
};

static const char *const ds_names[ELG_SCDL_DS_FIELDS] = {
    "statutLabel",  "montantDemande", "exerciceBudgetaire",
    "dateDecision", "cofinancement",  "attribuantsCofinanceurs",
};

static void put(elg_scdl_writer *w, const char *s, size_t n) {
    if (w->failed)
        return;
    if (w->len + n + 1 > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (w->len + n + 1 > cap)
            cap *= 2;
        char *grown = realloc(w->buf, cap);
        if (!grown) {
            w->failed = true;
            return;
        }
        w->buf = grown;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

/* A cell, quoted by libcsv when it holds the delimiter, a quote or a line break; as it is
 * otherwise (what the schema's own example does). */
static void put_cell(elg_scdl_writer *w, const char *text) {
    size_t n = text ? strlen(text) : 0;
    if (n == 0)
        return;
    if (strcspn(text, ",\"\r\n") == n) {
        put(w, text, n);
        return;
    }
    size_t need = csv_write(NULL, 0, text, n);
    char *quoted = malloc(need);
    if (!quoted) {
        w->failed = true;
        return;
    }
    csv_write(quoted, need, text, n);
    put(w, quoted, need);
    free(quoted);
}

static void put_row(elg_scdl_writer *w, const char *const *cells) {
    for (int i = 0; i < w->columns; i++) {
        if (i)
            put(w, ",", 1);
        put_cell(w, cells[i]);
    }
    put(w, "\n", 1);
}

static elg_scdl_writer *writer_new(bool data_subvention) {
    elg_scdl_writer *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    const char *names[ELG_SCDL_FIELDS + ELG_SCDL_DS_FIELDS];
    memcpy(names, field_names, sizeof field_names);
    memcpy(names + ELG_SCDL_FIELDS, ds_names, sizeof ds_names);
    w->columns = ELG_SCDL_FIELDS + (data_subvention ? ELG_SCDL_DS_FIELDS : 0);
    put_row(w, names);
    if (w->failed) {
        elg_scdl_writer_free(w);
        return NULL;
    }
    return w;
}

elg_scdl_writer *elg_scdl_writer_new(void) {
    return writer_new(false);
}

int elg_scdl_writer_row(elg_scdl_writer *w, const char *const *cells, elg_error *err) {
    put_row(w, cells);
    return w->failed ? elg_error_set(err, ELG_ENOMEM, "out of memory writing SCDL") : 0;
}

char *elg_scdl_writer_finish(elg_scdl_writer *w, size_t *len) {
    char *out = w && !w->failed ? w->buf : NULL;
    if (len)
        *len = out ? w->len : 0;
    if (w && out)
        w->buf = NULL;
    elg_scdl_writer_free(w);
    return out;
}

void elg_scdl_writer_free(elg_scdl_writer *w) {
    if (!w)
        return;
    free(w->buf);
    free(w);
}

/* Cents as a Table Schema number: "60000", "99786.57", "1250.5". */
static void format_euros(elg_cents cents, char *buf, size_t size) {
    long long e = (long long)(cents / 100), c = (long long)(cents % 100);
    if (c == 0)
        snprintf(buf, size, "%lld", e);
    else if (c % 10 == 0)
        snprintf(buf, size, "%lld.%lld", e, c / 10);
    else
        snprintf(buf, size, "%lld.%02lld", e, c);
}

/* Ten-thousandths as a number: "1", "0.5", "0.3334". */
static void format_share(int64_t units, char *buf, size_t size) {
    if (units == ELG_AWARD_SHARE_UNITS) {
        snprintf(buf, size, "1");
        return;
    }
    char digits[8];
    snprintf(digits, sizeof digits, "%04lld", (long long)units);
    size_t n = strlen(digits);
    while (n > 0 && digits[n - 1] == '0')
        digits[--n] = '\0';
    snprintf(buf, size, "0.%s", digits);
}

typedef struct export_ctx {
    elg_scdl_writer *w;
    size_t rows;
    elg_store *store;
    bool data_subvention;
    elg_error *err;
} export_ctx;

/* ---- the Data.Subvention columns -------------------------------------------------- */

/* cofinancement and attribuantsCofinanceurs of award a (scdl.h): into names (';' between
 * them; empty when none). */
static int cofinancers(export_ctx *x, const char *name, const elg_award *a, char *names,
                       size_t size) {
    elg_doc *call = NULL, *project = NULL, *fin = NULL;
    elg_stored_doc call_sd = {0}, project_sd = {0}, fin_sd = {0};
    int version = 0, rc;
    names[0] = '\0';
    if (a->decision > 0) {
        elg_stored_decision d;
        if ((rc = elg_store_get_decision(x->store, a->decision, &d, x->err))) {
            elg_error_at(x->err, name, 0, 0, "decision");
            return rc;
        }
        version = d.project_version;
        elg_store_decision_release(&d);
    }
    if ((rc = elg_check_load_doc(x->store, "call", a->call, 0, &call_sd, &call, x->err))) {
        elg_error_at(x->err, name, 0, 0, "call");
        goto out;
    }
    if ((rc = elg_check_load_doc(x->store, "project", a->project, version, &project_sd, &project,
                                 x->err))) {
        elg_error_at(x->err, name, 0, 0, "project");
        goto out;
    }
    const char *own = elg_doc_call(call)->financer;
    const elg_project *p = elg_doc_project(project);
    size_t len = 0;
    for (size_t i = 0; i < p->resources_count; i++) {
        const char *id = p->resources[i].financer;
        bool seen = strcmp(id, own) == 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(p->resources[j].financer, id) == 0;
        if (seen)
            continue;
        if ((rc = elg_check_load_doc(x->store, "financer", id, 0, &fin_sd, &fin, x->err))) {
            char field[64];
            snprintf(field, sizeof field, "project %s: resources[%zu].financer", p->id, i);
            elg_error_at(x->err, name, 0, 0, field);
            goto out;
        }
        const elg_financer *f = elg_doc_financer(fin);
        if (f->nature != ELG_NATURE_SELF) {
            size_t n = strlen(f->name);
            if (len + n + 2 > size) {
                rc = elg_error_set(x->err, ELG_EINPUT, "attribuantsCofinanceurs: too many names");
                elg_error_at(x->err, name, 0, 0, "project");
                goto out;
            }
            if (len)
                names[len++] = ';';
            memcpy(names + len, f->name, n + 1);
            len += n;
        }
        elg_doc_free(fin);
        elg_store_doc_release(&fin_sd);
        fin = NULL;
    }
out:
    elg_doc_free(fin);
    elg_store_doc_release(&fin_sd);
    elg_doc_free(project);
    elg_store_doc_release(&project_sd);
    elg_doc_free(call);
    elg_store_doc_release(&call_sd);
    return rc;
}

/* The award's rows, each checked against the schema before it is written. */
static int award_rows(export_ctx *x, const char *name, const elg_award *a) {
    char montant[32], period[32], share[16];
    int64_t *units = NULL;
    int rc;
    if (!a->funder_siret || !elg_siret_valid(a->funder_siret)) {
        rc = elg_error_set(x->err, ELG_EINPUT, "idAttribuant: invalid SIRET \"%s\"",
                           a->funder_siret ? a->funder_siret : "");
        elg_error_at(x->err, name, 0, 0, "funder.siret");
        return rc;
    }
    if (!a->beneficiaries_count) {
        rc = elg_error_set(x->err, ELG_EINPUT, "no beneficiary to publish");
        elg_error_at(x->err, name, 0, 0, "beneficiaries");
        return rc;
    }
    units = calloc(a->beneficiaries_count, sizeof *units);
    if (!units)
        return elg_error_set(x->err, ELG_ENOMEM, "out of memory");
    if ((rc = elg_award_shares(a, units, x->err))) {
        elg_error_at(x->err, name, 0, 0, NULL);
        goto out;
    }
    format_euros(a->voted, montant, sizeof montant);
    snprintf(period, sizeof period, "%s%s%s", a->payment_from ? a->payment_from : "",
             a->payment_to ? "/" : "", a->payment_to ? a->payment_to : "");
    const char *nature = a->nature == (ELG_AWARD_CASH | ELG_AWARD_IN_KIND)
                             ? "aide en numéraire;aide en nature"
                         : a->nature == ELG_AWARD_IN_KIND ? "aide en nature"
                         : a->nature == ELG_AWARD_CASH    ? "aide en numéraire"
                                                          : NULL;
    /* Where each SCDL column comes from in the award, for the error. */
    static const char *const source[ELG_SCDL_FIELDS] = {
        "funder.name",
        "funder.siret",
        "convention.date",
        "convention.reference",
        "name",
        "siret",
        "rna",
        "object",
        "amounts.voted",
        "nature",
        "payment.conditions",
        "payment.from",
        "rae",
        "eu_notification",
        "amount",
        "scheme",
    };
    char requested[32] = "", year[5] = "", others[2048] = "";
    if (x->data_subvention) {
        if ((rc = cofinancers(x, name, a, others, sizeof others)))
            goto out;
        if (a->has_requested)
            format_euros(a->requested, requested, sizeof requested);
        snprintf(year, sizeof year, "%.4s", a->convention_date);
    }
    for (size_t i = 0; i < a->beneficiaries_count; i++) {
        const elg_award_beneficiary *b = &a->beneficiaries[i];
        format_share(units[i], share, sizeof share);
        const char *cells[ELG_SCDL_FIELDS + ELG_SCDL_DS_FIELDS] = {
            a->funder_name,
            a->funder_siret,
            a->convention_date,
            a->convention_reference,
            b->name,
            b->siret,
            b->rna,
            a->object,
            montant,
            nature,
            a->payment_conditions,
            period[0] ? period : NULL,
            a->rae,
            a->eu_notification ? "oui" : "non",
            share,
            a->scheme,
            "attribuée",
            requested[0] ? requested : NULL,
            year,
            a->convention_date,
            others[0] ? "oui" : "non",
            others[0] ? others : NULL,
        };
        char why[512], field[64];
        if (b->siret && !elg_siret_valid(b->siret)) {
            rc =
                elg_error_set(x->err, ELG_EINPUT, "idBeneficiaire: invalid SIRET \"%s\"", b->siret);
            snprintf(field, sizeof field, "beneficiaries[%zu].siret", i);
            elg_error_at(x->err, name, 0, 0, field);
            goto out;
        }
        if (!b->siret && !b->rna) {
            rc = elg_error_set(x->err, ELG_EINPUT,
                               "idBeneficiaire or rnaBeneficiaire is required, both are missing");
            snprintf(field, sizeof field, "beneficiaries[%zu]", i);
            elg_error_at(x->err, name, 0, 0, field);
            goto out;
        }
        for (int f = 0; f < ELG_SCDL_FIELDS; f++) {
            if (elg_scdl_check_cell(f, cells[f], why, sizeof why))
                continue;
            rc = elg_error_set(x->err, ELG_EINPUT, "%s: %s", field_names[f], why);
            if (f == F_NOM_BENEFICIAIRE || f == F_ID_BENEFICIAIRE || f == F_RNA ||
                f == F_POURCENTAGE)
                snprintf(field, sizeof field, "beneficiaries[%zu].%s", i, source[f]);
            else
                snprintf(field, sizeof field, "%s", source[f]);
            elg_error_at(x->err, name, 0, 0, field);
            goto out;
        }
        if ((rc = elg_scdl_writer_row(x->w, cells, x->err)))
            goto out;
        x->rows++;
    }
out:
    free(units);
    return rc;
}

static int export_one(void *ctx, const elg_stored_doc *d) {
    export_ctx *x = ctx;
    char name[256];
    elg_doc *doc = NULL;
    snprintf(name, sizeof name, "award %s v%d", d->id, d->version);
    /* Today's checks, on the stored bytes: an award stored by an older version that they refuse
     * is not published. */
    int rc = elg_doc_parse(name, d->body, d->body_len, &doc, x->err);
    if (rc == 0 && !elg_doc_award(doc))
        rc = elg_error_set(x->err, ELG_ESTORE, "%s is not an award", name);
    if (rc == 0)
        rc = award_rows(x, name, elg_doc_award(doc));
    elg_doc_free(doc);
    return rc;
}

int elg_scdl_export(elg_store *store, const elg_award_filter *filter, char **csv, size_t *len,
                    size_t *rows, elg_error *err) {
    return elg_scdl_export_with(store, filter, 0, csv, len, rows, err);
}

int elg_scdl_export_with(elg_store *store, const elg_award_filter *filter, unsigned flags,
                         char **csv, size_t *len, size_t *rows, elg_error *err) {
    bool ds = (flags & ELG_SCDL_DATA_SUBVENTION) != 0;
    export_ctx x = {.w = writer_new(ds), .store = store, .data_subvention = ds, .err = err};
    if (!store || !csv) {
        elg_scdl_writer_free(x.w);
        return elg_error_set(err, ELG_EUSAGE, "elg_scdl_export: missing argument");
    }
    *csv = NULL;
    if (!x.w)
        return elg_error_set(err, ELG_ENOMEM, "out of memory");
    int rc = elg_store_each_award(store, filter, export_one, &x, err);
    if (rc) {
        elg_scdl_writer_free(x.w);
        return rc;
    }
    *csv = elg_scdl_writer_finish(x.w, len);
    if (!*csv)
        return elg_error_set(err, ELG_ENOMEM, "out of memory writing SCDL");
    if (rows)
        *rows = x.rows;
    return 0;
}

/* ---- reading: columns ------------------------------------------------------------ */

/* A header name as compared: ASCII letters and digits, lowercased; other bytes dropped. */
static void header_key(const char *name, char *key, size_t size) {
    size_t n = 0;
    for (const unsigned char *s = (const unsigned char *)name; *s && n + 1 < size; s++) {
        if (*s >= 'A' && *s <= 'Z')
            key[n++] = (char)(*s - 'A' + 'a');
        else if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))
            key[n++] = (char)*s;
    }
    key[n] = '\0';
}

/* Column names seen in published files, beside the schema's own (compared as header_key). */
static const struct {
    const char *key;
    int field;
} variants[] = {
    {"collnom", F_NOM_ATTRIBUANT},
    {"collsiret", F_ID_ATTRIBUANT},
    {"actedate", F_DATE_CONVENTION},
    {"acteref", F_REFERENCE},
    {"attribnom", F_NOM_BENEFICIAIRE},
    {"attribsiret", F_ID_BENEFICIAIRE},
    {"attribrna", F_RNA},
    {"subobj", F_OBJET},
    {"submontant", F_MONTANT},
    {"subnature", F_NATURE},
    {"notificationlacommissioneuropenne", F_NOTIFICATION},
    {"datesperiodesversement", F_PERIODE},
};

static int field_of_header(const char *name) {
    char key[128], schema[128];
    header_key(name, key, sizeof key);
    for (int f = 0; f < ELG_SCDL_FIELDS; f++) {
        header_key(field_names[f], schema, sizeof schema);
        if (strcmp(key, schema) == 0)
            return f;
    }
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++)
        if (strcmp(key, variants[i].key) == 0)
            return variants[i].field;
    return -1;
}

/* ---- reading: rows -------------------------------------------------------------------- */

typedef struct reader {
    const char *path;
    bool strict;
    elg_scdl_row_fn on_row;
    elg_scdl_reject_fn on_reject;
    void *ctx;
    elg_scdl_summary *sum;
    elg_error *err;
    int row_line;        /* where the current row started */
    char *const *fields; /* the current row's fields, borrowed from scdl_csv */
    size_t count;
    bool header_done;
    int column_of[ELG_SCDL_FIELDS]; /* 0-based file column of each field, -1 when absent */
    size_t columns;                 /* header's width */
} reader;

static int fail_file(reader *r, int line, int column, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int fail_file(reader *r, int line, int column, const char *field, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int rc = elg_error_setv(r->err, ELG_EINPUT, fmt, ap);
    va_end(ap);
    elg_error_at(r->err, r->path, line, column, field);
    return rc;
}

/* A strict header's column c (0-based) is not the schema's: reported at line 1. */
static int header_error(reader *r, int c, const char *found) {
    elg_error why;
    elg_error_clear(&why);
    if (c < ELG_SCDL_FIELDS)
        elg_error_set(&why, ELG_EINPUT, "column %d must be %s, found %s%s%s", c + 1, field_names[c],
                      found ? elg_trc("opening quote", "\"") : elg_tr("nothing"),
                      found ? found : "", found ? elg_trc("closing quote", "\"") : "");
    else
        elg_error_set(&why, ELG_EINPUT, "extra column \"%s\"", found);
    elg_error_at(&why, r->path, r->row_line, c + 1, c < ELG_SCDL_FIELDS ? field_names[c] : NULL);
    r->sum->header_errors++;
    return r->on_reject ? r->on_reject(r->ctx, &why) : 0;
}

static int header_row(reader *r) {
    for (int f = 0; f < ELG_SCDL_FIELDS; f++)
        r->column_of[f] = -1;
    r->columns = r->count;
    if (r->strict) {
        /* As a validator: each column not where the schema puts it is an error of the header,
         * and the cells are then checked under the names the header gives them. */
        for (int f = 0; f < ELG_SCDL_FIELDS; f++) {
            const char *found = (size_t)f < r->count ? r->fields[f] : NULL;
            if (found && strcmp(found, field_names[f]) == 0)
                continue;
            int rc = header_error(r, f, found);
            if (rc)
                return rc;
        }
        for (size_t c = ELG_SCDL_FIELDS; c < r->count; c++) {
            int rc = header_error(r, (int)c, r->fields[c]);
            if (rc)
                return rc;
        }
        for (size_t c = 0; c < r->count; c++)
            for (int f = 0; f < ELG_SCDL_FIELDS; f++)
                if (strcmp(r->fields[c], field_names[f]) == 0 && r->column_of[f] < 0)
                    r->column_of[f] = (int)c;
        return 0;
    }
    for (size_t c = 0; c < r->count; c++) {
        int f = field_of_header(r->fields[c]);
        if (f < 0) {
            r->sum->ignored_columns++;
            continue;
        }
        if (r->column_of[f] >= 0)
            return fail_file(r, r->row_line, (int)c + 1, field_names[f],
                             "column \"%s\" is %s again (first at column %d)", r->fields[c],
                             field_names[f], r->column_of[f] + 1);
        r->column_of[f] = (int)c;
    }
    static const int needed[] = {F_NOM_ATTRIBUANT, F_DATE_CONVENTION, F_NOM_BENEFICIAIRE,
                                 F_MONTANT};
    for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
        if (r->column_of[needed[i]] < 0)
            return fail_file(r, r->row_line, 0, field_names[needed[i]],
                             "no column for %s (nor any known variant of its name)",
                             field_names[needed[i]]);
    if (r->column_of[F_ID_BENEFICIAIRE] < 0 && r->column_of[F_RNA] < 0)
        return fail_file(r, r->row_line, 0, "idBeneficiaire",
                         "no column for idBeneficiaire nor rnaBeneficiaire");
    return 0;
}

/* What one row's reading needs: its cells (read, or normalised into cell) and the SIREN. */
typedef struct row_work {
    char cell[ELG_SCDL_FIELDS][64];
    const char *cells[ELG_SCDL_FIELDS];
    char siren[10];
} row_work;

static int reject(reader *r, int field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int reject(reader *r, int field, const char *fmt, ...) {
    elg_error why;
    va_list ap;
    elg_error_clear(&why);
    va_start(ap, fmt);
    elg_error_setv(&why, ELG_EINPUT, fmt, ap);
    va_end(ap);
    elg_error_at(&why, r->path, r->row_line, field >= 0 ? r->column_of[field] + 1 : 0,
                 field >= 0 ? field_names[field] : NULL);
    r->sum->rejected++;
    return r->on_reject ? r->on_reject(r->ctx, &why) : 0;
}

/* The raw text of field in the current row, "" when absent. */
static const char *raw(const reader *r, int field) {
    int c = r->column_of[field];
    return c >= 0 && (size_t)c < r->count ? r->fields[c] : "";
}

/* AAAA-MM-JJ from AAAA-MM-JJ or AAAA/MM/JJ; false when it is neither or no such day. */
static bool norm_date(const char *t, char *out) {
    if (strlen(t) != 10 || (t[4] != '-' && t[4] != '/') || t[7] != t[4])
        return false;
    memcpy(out, t, 11);
    out[4] = out[7] = '-';
    return elg_doc_date_valid(out);
}

/* A SIRET as written: 14 digits, or a number ("21860194600000.0", "2.18601946e+13"). Returns 0
 * with the 14 digits in out, or a reason. as_number is set when it was written as a number. */
static const char *norm_siret(const char *t, char *out, bool *as_number) {
    char digits[32];
    size_t n = 0;
    *as_number = false;
    for (const char *s = t; *s; s++) {
        if (*s == ' ')
            continue;
        if (*s == '.' || *s == 'e' || *s == 'E' || *s == '+') {
            *as_number = true;
            break;
        }
        if (*s < '0' || *s > '9' || n + 1 >= sizeof digits)
            return "is not a SIRET (14 digits)";
        digits[n++] = *s;
    }
    digits[n] = '\0';
    if (*as_number) {
        const char *dot = strchr(t, '.');
        if (strchr(t, 'e') || strchr(t, 'E'))
            return elg_tr("is a number in exponent form: digits were lost (not repaired)");
        if (dot && dot[1 + strspn(dot + 1, "0")] != '\0')
            return elg_tr("is a number with decimals, not a SIRET");
    }
    if (n != 14)
        return n < 14
                   ? elg_tr("has fewer than 14 digits: leading zeros or digits lost (not repaired)")
                   : elg_tr("has more than 14 digits");
    memcpy(out, digits, 15);
    if (*as_number && strcmp(digits + 9, "00000") == 0)
        return elg_tr("was written as a number and ends in 00000: digits lost (not repaired)");
    if (!elg_siret_valid(digits))
        return *as_number ? elg_tr("was written as a number and fails its check digit: digits lost "
                                   "(not repaired)")
                          : elg_tr("fails its check digit");
    return NULL;
}

/* A share: a decimal in (0, 1], '.' or ','; as ten-thousandths rounded half up (for the
 * amount, montant x share is computed exactly from the decimal text instead). */
static bool parse_share(const char *t, int64_t *num, int64_t *den) {
    int64_t n = 0, d = 1;
    bool seen = false, point = false;
    for (const char *s = t; *s; s++) {
        if (*s == '.' || *s == ',') {
            if (point)
                return false;
            point = true;
        } else if (*s >= '0' && *s <= '9') {
            if (n > INT64_MAX / 100 || (point && d > INT64_MAX / 100))
                return false;
            n = n * 10 + (*s - '0');
            if (point)
                d *= 10;
            seen = true;
        } else if (*s != ' ') {
            return false;
        }
    }
    if (!seen)
        return false;
    *num = n;
    *den = d;
    return true;
}

/* A cell as read: borrowed, whatever its length. */
static void keep_cell(row_work *w, int f, const char *text) {
    w->cells[f] = text && *text ? text : NULL;
}

/* A normalised cell (a date, an amount, a share: short), copied into the row's room. */
static void copy_cell(row_work *w, int f, const char *text) {
    snprintf(w->cell[f], sizeof w->cell[f], "%s", text);
    w->cells[f] = w->cell[f][0] ? w->cell[f] : NULL;
}

static int strict_row(reader *r) {
    row_work w;
    char why[512];
    memset(w.cells, 0, sizeof w.cells);
    int bad = 0;
    for (int f = 0; f < ELG_SCDL_FIELDS; f++) {
        const char *t = raw(r, f);
        if (r->column_of[f] < 0)
            continue; /* a column the header lacks: its error is the header's */
        if (!elg_scdl_check_cell(f, t, why, sizeof why)) {
            int rc = reject(r, f, "%s", why);
            r->sum->rejected--; /* counted once per row, below */
            if (rc)
                return rc;
            bad = 1;
        }
        keep_cell(&w, f, t);
    }
    if (bad) {
        r->sum->rejected++;
        return 0;
    }
    r->sum->accepted++;
    elg_scdl_row row = {.line = r->row_line};
    memcpy(row.cells, w.cells, sizeof row.cells);
    return r->on_row ? r->on_row(r->ctx, &row) : 0;
}

static int tolerant_row(reader *r) {
    row_work w;
    char date[11], siret[15] = "", funder[15] = "", source[512];
    bool as_number = false;
    const char *why;
    elg_cents montant = 0, part = 0;
    int64_t num = 1, den = 1;
    elg_error e;
    memset(w.cells, 0, sizeof w.cells);
    for (int f = 0; f < ELG_SCDL_FIELDS; f++)
        keep_cell(&w, f, raw(r, f));

    const char *name = raw(r, F_NOM_BENEFICIAIRE);
    if (!*name)
        return reject(r, F_NOM_BENEFICIAIRE, "required, but empty");
    if (!*raw(r, F_NOM_ATTRIBUANT))
        return reject(r, F_NOM_ATTRIBUANT, "required, but empty");
    if (!norm_date(raw(r, F_DATE_CONVENTION), date))
        return reject(r, F_DATE_CONVENTION,
                      *raw(r, F_DATE_CONVENTION) ? "\"%s\" is not a date AAAA-MM-JJ or AAAA/MM/JJ"
                                                 : ELG_N("required, but empty%s"),
                      raw(r, F_DATE_CONVENTION));
    copy_cell(&w, F_DATE_CONVENTION, date);
    const char *id = raw(r, F_ID_BENEFICIAIRE), *rna = raw(r, F_RNA);
    if (*id) {
        if ((why = norm_siret(id, siret, &as_number)))
            return reject(r, F_ID_BENEFICIAIRE, "SIRET \"%s\" %s", id, why);
        copy_cell(&w, F_ID_BENEFICIAIRE, siret);
    }
    if (*rna && !elg_rna_valid(rna))
        return reject(r, F_RNA, "\"%s\" is not W and 9 digits", rna);
    if (!*id && !*rna)
        return reject(r, F_ID_BENEFICIAIRE, "idBeneficiaire or rnaBeneficiaire is required");
    elg_error_clear(&e);
    if (!*raw(r, F_MONTANT))
        return reject(r, F_MONTANT, "required, but empty");
    if (elg_money_parse(raw(r, F_MONTANT), 0, &montant, &e))
        return reject(r, F_MONTANT, "%s", e.message);
    const char *pct = raw(r, F_POURCENTAGE);
    if (*pct) {
        if (!parse_share(pct, &num, &den))
            return reject(r, F_POURCENTAGE, "\"%s\" is not a decimal number", pct);
        if (num == 0 || num > den)
            return reject(r, F_POURCENTAGE, "\"%s\" is not a share between 0 and 1", pct);
    }
    /* The beneficiary's part: montant x share, rounded half up to the cent. */
    elg_rate share = {num, den};
    if (elg_money_apply_rate_floor(montant, share, &part, &e))
        return reject(r, F_MONTANT, "%s", e.message);
    if ((__int128)montant * num % den * 2 >= den)
        part++;
    /* Normalised cells: what the schema would write. */
    char euros[32];
    format_euros(montant, euros, sizeof euros);
    copy_cell(&w, F_MONTANT, euros);
    if (*pct) {
        char text[64];
        snprintf(text, sizeof text, "%s", pct);
        for (char *s = text; *s; s++)
            if (*s == ',')
                *s = '.';
        copy_cell(&w, F_POURCENTAGE, text);
    }
    const char *notif = raw(r, F_NOTIFICATION);
    if (strcasecmp(notif, "oui") == 0 || strcasecmp(notif, "non") == 0) {
        char low[4] = {(char)(notif[0] | 0x20), (char)(notif[1] | 0x20), (char)(notif[2] | 0x20),
                       0};
        copy_cell(&w, F_NOTIFICATION, low);
    }
    char period[64];
    snprintf(period, sizeof period, "%s", raw(r, F_PERIODE));
    if (strlen(period) == 21 && (period[10] == '_' || period[10] == '/')) {
        char a[11], b[11];
        memcpy(a, period, 10);
        a[10] = '\0';
        memcpy(b, period + 11, 10);
        b[10] = '\0';
        char da[11], db[11];
        if (norm_date(a, da) && norm_date(b, db)) {
            snprintf(period, sizeof period, "%s/%s", da, db);
            copy_cell(&w, F_PERIODE, period);
        }
    } else if (strlen(period) == 10) {
        char d[11];
        if (norm_date(period, d))
            copy_cell(&w, F_PERIODE, d);
    }
    bool funder_number = false;
    const char *fid = raw(r, F_ID_ATTRIBUANT);
    bool funder_ok = *fid && norm_siret(fid, funder, &funder_number) == NULL;
    if (*fid && !funder_ok)
        r->sum->funder_siret_unusable++;
    if (funder_ok)
        copy_cell(&w, F_ID_ATTRIBUANT, funder);
    if (as_number)
        r->sum->siret_as_number++;
    snprintf(source, sizeof source, "%s:%d", r->path, r->row_line);
    if (*siret)
        memcpy(w.siren, siret, 9);
    w.siren[9] = '\0';
    elg_scdl_row row = {
        .line = r->row_line,
        .aid =
            {
                .siren = *siret ? w.siren : NULL,
                .siret = *siret ? siret : NULL,
                .rna = *rna ? rna : NULL,
                .beneficiary = name,
                .funder_name = raw(r, F_NOM_ATTRIBUANT),
                .funder_siret = funder_ok ? funder : NULL,
                .date = date,
                .amount = part,
                .object = raw(r, F_OBJET),
                .source = source,
                .reference = *raw(r, F_REFERENCE) ? raw(r, F_REFERENCE) : NULL,
            },
        .rna = *rna ? rna : NULL,
    };
    memcpy(row.cells, w.cells, sizeof row.cells);
    r->sum->accepted++;
    return r->on_row ? r->on_row(r->ctx, &row) : 0;
}

static int on_row(void *ctx, int line, char *const *fields, size_t count) {
    reader *r = ctx;
    r->row_line = line;
    r->fields = fields;
    r->count = count;
    if (!r->header_done) {
        r->header_done = true;
        return header_row(r);
    }
    r->sum->read++;
    return r->strict ? strict_row(r) : tolerant_row(r);
}

int elg_scdl_read(const char *path, const char *data, size_t len, bool strict,
                  elg_scdl_row_fn on_row_fn, elg_scdl_reject_fn on_reject, void *ctx,
                  elg_scdl_summary *summary, elg_error *err) {
    elg_scdl_summary local = {0};
    elg_scdl_summary *sum = summary ? summary : &local;
    elg_csv_info info;
    memset(sum, 0, sizeof *sum);
    if (!path || (!data && len))
        return elg_error_set(err, ELG_EUSAGE, "elg_scdl_read: missing argument");
    reader r = {.path = path,
                .strict = strict,
                .on_row = on_row_fn,
                .on_reject = on_reject,
                .ctx = ctx,
                .sum = sum,
                .err = err};
    int rc = elg_csv_read(path, data, len, on_row, &r, &info, err);
    sum->encoding = info.encoding;
    sum->delimiter = info.delimiter;
    if (rc == 0 && !r.header_done)
        rc = fail_file(&r, 0, 0, NULL, "no header row: the file is empty");
    return rc;
}

/* ---- importing -------------------------------------------------------------------------- */

typedef struct import_ctx {
    elg_store *store;
    char sha[ELG_SHA256_HEX];
    size_t added;
    elg_scdl_reject_fn on_reject; /* the caller's, with its ctx */
    void *ctx;
    elg_error *err;
} import_ctx;

static int pass_reject(void *ctx, const elg_error *why) {
    import_ctx *x = ctx;
    return x->on_reject ? x->on_reject(x->ctx, why) : 0;
}

static int store_row(void *ctx, const elg_scdl_row *row) {
    import_ctx *x = ctx;
    int added = 0;
    int rc = elg_store_put_aid_received(x->store, x->sha, row->line, &row->aid, &added, x->err);
    x->added += added ? 1 : 0;
    return rc;
}

int elg_scdl_import(elg_store *store, const char *path, elg_scdl_reject_fn on_reject, void *ctx,
                    elg_scdl_summary *summary, size_t *added, elg_error *err) {
    char *data = NULL;
    size_t len = 0;
    import_ctx x = {.store = store, .on_reject = on_reject, .ctx = ctx, .err = err};
    int rc;
    if (!store || !path)
        return elg_error_set(err, ELG_EUSAGE, "elg_scdl_import: missing argument");
    if ((rc = elg_files_read(path, SCDL_MAX_BYTES, &data, &len, err)))
        return rc;
    elg_sha256_hex(data, len, x.sha);
    if ((rc = elg_store_begin(store, err)))
        goto out;
    rc = elg_scdl_read(path, data, len, false, store_row, pass_reject, &x, summary, err);
    if (rc == 0)
        rc = elg_store_commit(store, err);
    else
        elg_store_rollback(store);
    if (rc == 0 && added)
        *added = x.added;
out:
    free(data);
    return rc;
}
