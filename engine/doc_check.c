/*
 * doc_check: the values of a loaded document checked and converted into the public structs
 * of doc.h (money, rates, dates, integers, booleans, enumerations, ids, and the semantic
 * checks listed in doc.h), with the names of the enumerations.
 *
 * The public structs borrow their strings from the raw structs; only their arrays are
 * allocated here. Every error names the field path and goes through the locator for its
 * line:column.
 */
#include "doc_internal.h"
#include "tr.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"

/* ---- names -------------------------------------------------------------- */

static const char *const kind_names[] = {NULL, "financer", "call", "project", "award"};
static const char *const nature_names[] = {
    NULL, "eu", "state", "local-authority", "social-security", "private", "self"};
static const char *const param_type_names[] = {NULL,   "money", "rate", "integer",
                                               "text", "date",  "list", "bool"};
static const char *const category_names[] = {NULL,     "staff",    "services", "equipment",
                                             "travel", "indirect", "other"};
static const char *const status_names[] = {NULL, "requested", "granted"};
/* Legal statuses (doc.h), in the order the schema and the guide describe them: the social and
 * solidarity economy, companies, then public persons. The rule library's lists (PUBLIC_OWNERS
 * and UNDERTAKINGS in rules/lib) use these ids. */
static const char *const legal_status_names[] = {
    NULL,
    "association",
    "fondation",
    "fonds-dotation",
    "mutuelle",
    "cooperative",
    "scop",
    "scic",
    "company",
    "sa",
    "sas",
    "sasu",
    "sarl",
    "eurl",
    "ei",
    "micro-entreprise",
    "sem",
    "spl",
    "commune",
    "epci",
    "metropole",
    "departement",
    "region",
    "collectivite-territoriale",
    "syndicat-mixte",
    "etat",
    "etablissement-public",
    "gip",
    "bailleur-social",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *table_name(const char *const *table, size_t n, int value) {
    return value > 0 && (size_t)value < n ? table[value] : NULL;
}

static int table_find(const char *const *table, size_t n, const char *text) {
    for (size_t i = 1; i < n; i++)
        if (strcmp(table[i], text) == 0)
            return (int)i;
    return 0;
}

const char *elg_doc_kind_name(elg_doc_kind kind) {
    return table_name(kind_names, COUNT(kind_names), (int)kind);
}

const char *elg_nature_name(elg_nature n) {
    return table_name(nature_names, COUNT(nature_names), (int)n);
}

bool elg_nature_is_public(elg_nature n) {
    return n == ELG_NATURE_EU || n == ELG_NATURE_STATE || n == ELG_NATURE_LOCAL_AUTHORITY ||
           n == ELG_NATURE_SOCIAL_SECURITY;
}

const elg_financer *elg_financer_find(const elg_financer *const *fs, size_t n, const char *id) {
    /* The first bytes first: most ids differ there, and a call of
     * strcmp per financer was a third of the lookups' time. */
    for (size_t i = 0; i < n; i++)
        if (fs[i]->id[0] == id[0] && strcmp(fs[i]->id, id) == 0)
            return fs[i];
    return NULL;
}

const char *elg_param_type_name(elg_param_type t) {
    return table_name(param_type_names, COUNT(param_type_names), (int)t);
}

const char *elg_category_name(elg_category c) {
    return table_name(category_names, COUNT(category_names), (int)c);
}

int elg_category_from_name(const char *name) {
    return name ? table_find(category_names, COUNT(category_names), name) : 0;
}

const char *elg_legal_status_name(size_t i) {
    return i + 1 < COUNT(legal_status_names) ? legal_status_names[i + 1] : NULL;
}

/* ---- dates --------------------------------------------------------------- */

static bool is_digit(char ch) {
    return ch >= '0' && ch <= '9';
}

bool elg_doc_date_valid(const char *date) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!date || strlen(date) != 10 || date[4] != '-' || date[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !is_digit(date[i]))
            return false;
    int y = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 + (date[3] - '0');
    int m = (date[5] - '0') * 10 + (date[6] - '0');
    int d = (date[8] - '0') * 10 + (date[9] - '0');
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

/* ---- texts ---------------------------------------------------------------
 * Every value is checked as text before any is converted, so that no later message quotes a
 * control character or a 100 000-character id. */

_Static_assert(ELG_DOC_MAX_AMOUNT <= INT64_MAX / (ELG_DOC_MAX_BYTES / 8),
               "the amounts of one document must not be able to overflow their sum (doc.h)");

size_t doc_utf8_next(const char *text, size_t len, unsigned long *cp) {
    const unsigned char *s = (const unsigned char *)text;
    size_t n = s[0] < 0x80             ? 1
               : (s[0] & 0xE0) == 0xC0 ? 2
               : (s[0] & 0xF0) == 0xE0 ? 3
               : (s[0] & 0xF8) == 0xF0 ? 4
                                       : 0;
    if (n == 0 || n > len) {
        *cp = s[0];
        return 1;
    }
    unsigned long v = n == 1 ? s[0] : s[0] & (0x7Fu >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = s[0];
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    *cp = v;
    return n;
}

bool doc_char_refused(unsigned long cp) {
    if (cp == '\t' || cp == '\n')
        return false;
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF ||
           cp == 0xFFFE || cp == 0xFFFF;
}

void doc_quote(char *buf, size_t size, const char *text, size_t len, size_t max) {
    size_t n = 0, chars = 0, i = 0;
    if (size == 0)
        return;
    buf[0] = '\0';
    while (i < len && n + 1 < size) {
        unsigned long cp;
        size_t k = doc_utf8_next(text + i, len - i, &cp);
        if (chars++ == max) {
            doc_bounded(buf + n, size - n, "...");
            return;
        }
        if (doc_char_refused(cp) || cp == '\t' || cp == '\n') {
            n += doc_bounded(buf + n, size - n, "\\u{%04lX}", cp);
        } else if (n + k < size) {
            memcpy(buf + n, text + i, k);
            n += k;
            buf[n] = '\0';
        } else {
            return; /* a character cut in half would not be UTF-8 */
        }
        i += k;
    }
}

/* What a value is, for its length and the characters it may hold. */
typedef enum text_class {
    TEXT_LINE, /* one line: titles, names, labels, statuses, communes, amounts, dates... */
    TEXT_LONG, /* several lines: a call's basis, a parameter's source and text */
    TEXT_ID,   /* an id, a parameter name, a reference to another document */
    TEXT_PATH, /* a call's rules file */
} text_class;

static const struct {
    size_t max;
    const char *what;
} text_limits[] = {
    [TEXT_LINE] = {ELG_DOC_MAX_TEXT, ELG_N("a one-line text")},
    [TEXT_LONG] = {ELG_DOC_MAX_LONG_TEXT, ELG_N("a multi-line text")},
    [TEXT_ID] = {ELG_DOC_MAX_ID, ELG_N("an id or a reference")},
    [TEXT_PATH] = {ELG_DOC_MAX_PATH, ELG_N("a rules path")},
};

static bool is(const char *key, const char *name) {
    return key && strcmp(key, name) == 0;
}

/* The class of the value the frames lead to. libcyaml has loaded the document already, so the
 * keys are those of the schemas: the value's own key and, for an entry of a list of mappings,
 * the key of that list ("parameters" for parameters[2].name) tell the field. */
static text_class classify(const doc_frame *f, size_t depth) {
    if (depth == 0 || !f[depth - 1].is_map)
        return TEXT_LINE; /* an entry of a list of texts */
    const char *key = f[depth - 1].key;
    if (depth == 1) {
        /* project and call: an award's references */
        if (is(key, "id") || is(key, "financer") || is(key, "project") || is(key, "call"))
            return TEXT_ID;
        if (is(key, "rules"))
            return TEXT_PATH;
        return is(key, "basis") ? TEXT_LONG : TEXT_LINE;
    }
    const char *list =
        depth >= 3 && !f[depth - 2].is_map && f[depth - 3].is_map ? f[depth - 3].key : NULL;
    if ((is(list, "resources") && is(key, "financer")) ||
        (is(list, "applies_to") && is(key, "call")) || (is(list, "parameters") && is(key, "name")))
        return TEXT_ID;
    if (is(list, "parameters") && (is(key, "source") || is(key, "text")))
        return TEXT_LONG;
    return TEXT_LINE;
}

static int text_fail(parse_ctx *c, const doc_frame *f, size_t depth, const doc_scalar *v,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int text_fail(parse_ctx *c, const doc_frame *f, size_t depth, const doc_scalar *v,
                     const char *fmt, ...) {
    char path[FIELD_MAX], message[FIELD_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, elg_tr(fmt), ap);
    va_end(ap);
    doc_frames_path(f, depth, path, sizeof path);
    return doc_fail_pos(c, v->line, v->column, path, "%s", message);
}

/* The length in characters of text[0..len) and the first character it may not hold as a
 * text of class cls (*found false when there is none). */
static size_t text_scan(text_class cls, const char *text, size_t len, unsigned long *refused,
                        bool *found) {
    size_t chars = 0;
    *found = false;
    for (size_t i = 0; i < len; chars++) {
        unsigned long cp;
        unsigned char b = (unsigned char)text[i];
        if (b >= 0x20 && b < 0x7F) { /* printable ASCII, most of any text: never refused */
            i++;
            continue;
        }
        i += doc_utf8_next(text + i, len - i, &cp);
        if (!*found && (doc_char_refused(cp) || (cls != TEXT_LONG && (cp == '\t' || cp == '\n')))) {
            *refused = cp;
            *found = true;
        }
    }
    return chars;
}

/* doc_value_fn: the length and the characters of one value. */
static int check_text_value(parse_ctx *c, const doc_frame *f, size_t depth, const doc_scalar *v,
                            void *ud) {
    text_class cls = classify(f, depth);
    unsigned long refused = 0;
    bool found;
    (void)ud;
    size_t chars = text_scan(cls, v->text, v->len, &refused, &found);
    if (chars > text_limits[cls].max)
        return text_fail(c, f, depth, v, "too long: %zu characters (at most %zu for %s)", chars,
                         text_limits[cls].max, elg_tr(text_limits[cls].what));
    if (!found)
        return 0;
    if (refused == '\n')
        return text_fail(c, f, depth, v, "line break not allowed in a one-line text");
    if (refused == '\t')
        return text_fail(c, f, depth, v, "tab not allowed in a one-line text");
    if (refused == 0x2028 || refused == 0x2029)
        return text_fail(c, f, depth, v, "line separator U+%04lX not allowed%s", refused,
                         cls == TEXT_LONG ? elg_tr(" (use a line break)") : "");
    if (refused >= 0xFEFF)
        return text_fail(c, f, depth, v, "character U+%04lX not allowed", refused);
    return text_fail(c, f, depth, v, "control character U+%04lX not allowed", refused);
}

/* doc_raw_text_fn: 1 when the loaded text would fail check_text_value. */
static int raw_text_refused(const doc_frame *f, size_t depth, const char *text, void *ud) {
    text_class cls = classify(f, depth);
    unsigned long refused;
    bool found;
    (void)ud;
    return text_scan(cls, text, strlen(text), &refused, &found) > text_limits[cls].max || found;
}

/* ---- value checks ----------------------------------------------------------------- */

/* Field paths are built for every value checked, and used only when one is refused: joined by
 * hand, as printf costs a valid project a tenth of its checks. Cut at FIELD_MAX as doc_bounded
 * cuts. */
static size_t path_put(char *buf, size_t n, const char *text, size_t len) {
    if (n + len > FIELD_MAX - 1)
        len = FIELD_MAX - 1 - n;
    memcpy(buf + n, text, len);
    return n + len;
}

static const char *path_key(char *buf, const char *base, const char *key) {
    size_t n = path_put(buf, 0, base, strlen(base));
    if (*base)
        n = path_put(buf, n, ".", 1);
    buf[path_put(buf, n, key, strlen(key))] = '\0';
    return buf;
}

static const char *path_index(char *buf, const char *base, size_t i) {
    char digits[24];
    size_t d = sizeof digits;
    digits[--d] = ']';
    do
        digits[--d] = (char)('0' + i % 10);
    while ((i /= 10) != 0);
    digits[--d] = '[';
    size_t n = path_put(buf, 0, base, strlen(base));
    buf[path_put(buf, n, digits + d, sizeof digits - d)] = '\0';
    return buf;
}

/* A required or present optional text: an empty one is a forgotten one. */
static int check_text(parse_ctx *c, const char *path, const char *text) {
    if (text && !*text)
        return doc_fail_at(c, path, "must not be empty");
    return 0;
}

static int check_texts(parse_ctx *c, const char *path, char *const *texts, size_t n) {
    char p[FIELD_MAX];
    for (size_t i = 0; i < n; i++) {
        int rc = check_text(c, path_index(p, path, i), texts[i]);
        if (rc)
            return rc;
    }
    return 0;
}

/* Ids and parameter names end up in file names, SQL keys and Lua lookups: keep them plain. */
static int check_ident(parse_ctx *c, const char *path, const char *what, const char *text) {
    bool ok = *text != '\0';
    for (const char *s = text; ok && *s; s++)
        ok = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || is_digit(*s) || *s == '.' ||
             *s == '_' || *s == '-';
    if (!ok)
        return doc_fail_at(c, path, "invalid %s \"%s\" (use letters, digits, '.', '_' and '-')",
                           elg_tr(what), text);
    return 0;
}

static int check_date(parse_ctx *c, const char *path, const char *text) {
    if (elg_doc_date_valid(text))
        return 0;
    bool shaped = strlen(text) == 10 && text[4] == '-' && text[7] == '-';
    for (int i = 0; shaped && i < 10; i++)
        shaped = i == 4 || i == 7 || is_digit(text[i]);
    if (shaped)
        return doc_fail_at(c, path, "invalid date \"%s\"", text);
    return doc_fail_at(c, path, "invalid date \"%s\" (expected YYYY-MM-DD)", text);
}

/* The money module names what is wrong with the text; this adds where it is, and the maximum
 * of doc.h, which also stands for the money module's int64 limit on amounts beyond it. */
static int conv_money(parse_ctx *c, const char *path, const char *text, elg_cents *out) {
    elg_error e;
    elg_cents cents = 0;
    elg_error_clear(&e);
    int rc = elg_money_parse(text, 0, &cents, &e);
    bool too_large = rc == 0 ? cents > ELG_DOC_MAX_AMOUNT
                             : rc == ELG_EOVERFLOW && text[strspn(text, " ")] != '-';
    if (too_large) {
        char max[ELG_MONEY_FMT_MAX];
        return doc_fail_at(c, path, "amount \"%s\" above the maximum of %s", text,
                           elg_money_format(ELG_DOC_MAX_AMOUNT, max, sizeof max));
    }
    if (rc != 0)
        return doc_fail_at(c, path, "%s", e.message);
    *out = cents;
    return 0;
}

static int conv_rate(parse_ctx *c, const char *path, const char *text, elg_rate *out) {
    elg_error e;
    elg_error_clear(&e);
    if (elg_rate_parse(text, out, &e) == 0)
        return 0;
    return doc_fail_at(c, path, "%s", e.message);
}

/* Enumerations: 0 for an absent optional value, else the index in table. An unknown value is
 * named with the closest known one when it looks like a typo, else with the whole list; what
 * is the value's French name ("catégorie", "statut juridique"...), feminine when fem. */
static int conv_enum(parse_ctx *c, const char *path, const char *what, bool fem,
                     const char *const *table, size_t n, const char *text, int *out) {
    *out = text ? table_find(table, n, text) : 0;
    if (!text || *out)
        return 0;
    char quoted[FIELD_MAX];
    doc_quote(quoted, sizeof quoted, text, strlen(text), 64);
    const char *near = elg_suggest(text, table + 1, n - 1);
    if (near)
        return doc_fail_at(c, path, "%s inconnu%s « %s » : vous vouliez dire « %s » ?", what,
                           fem ? "e" : "", quoted, near);
    char expected[512] = "";
    size_t len = 0;
    for (size_t i = 1; i < n; i++)
        len +=
            doc_bounded(expected + len, sizeof expected - len, "%s%s", i > 1 ? ", " : "", table[i]);
    return doc_fail_at(c, path, "%s inconnu%s « %s » (valeurs admises : %s)", what, fem ? "e" : "",
                       quoted, expected);
}

static int conv_legal_status(parse_ctx *c, const char *path, const char *text) {
    int found;
    return conv_enum(c, path, "statut juridique", false, legal_status_names,
                     COUNT(legal_status_names), text, &found);
}

static int conv_integer(parse_ctx *c, const char *path, const char *text, long long *out) {
    const char *s = text;
    bool negative = *s == '-';
    long long v = 0;
    if (negative)
        s++;
    if (!*s)
        goto bad;
    for (; *s; s++) {
        if (!is_digit(*s) || __builtin_mul_overflow(v, 10, &v) ||
            __builtin_add_overflow(v, negative ? -(*s - '0') : *s - '0', &v))
            goto bad;
    }
    *out = v;
    return 0;
bad:
    return doc_fail_at(c, path, "invalid integer \"%s\"", text);
}

static int conv_bool(parse_ctx *c, const char *path, const char *text, bool *out) {
    /* YAML 1.1's yes/no/on/off are refused: "no" is also Norway's country code. */
    if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0) {
        *out = text[0] == 't';
        return 0;
    }
    return doc_fail_at(c, path, "invalid boolean \"%s\" (expected true or false)", text);
}

/* Rule files are read from the rules directory only: no absolute path, no "..". */
static int check_rules_path(parse_ctx *c, const char *path, const char *text) {
    bool ok = *text && *text != '/' && !strchr(text, '\\');
    for (const char *s = text; ok;) {
        size_t n = strcspn(s, "/");
        ok = !(n == 2 && s[0] == '.' && s[1] == '.');
        if (!s[n])
            break;
        s += n + 1;
    }
    if (!ok)
        return doc_fail_at(
            c, path, "rules must be a relative path inside the rules directory, not \"%s\"", text);
    return 0;
}

/* Repeated keys in a list (parameter names, edition dates), found by sorting. */
typedef struct keyed {
    const char *key;
    size_t index;
} keyed;

static int keyed_cmp(const void *a, const void *b) {
    const keyed *x = a, *y = b;
    int d = strcmp(x->key, y->key);
    if (d)
        return d;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Sorts items by key then index; finds the repeat that comes first in the document and the
 * first occurrence of its key. The outputs are written once, when there is a repeat, and never
 * serve as the best so far: gcc -O3 could then not prove that callers read them only after a
 * true return (-Wmaybe-uninitialized). */
static bool first_repeat(keyed *items, size_t n, size_t *repeat, size_t *first) {
    const keyed *found = NULL, *found_first = NULL;
    if (n > 1)
        qsort(items, n, sizeof *items, keyed_cmp);
    for (size_t i = 1, group = 0; i < n; i++) {
        if (strcmp(items[i].key, items[group].key) != 0) {
            group = i;
            continue;
        }
        if (i == group + 1 && (!found || items[i].index < found->index)) {
            found = &items[i];
            found_first = &items[group];
        }
    }
    if (!found)
        return false;
    *repeat = found->index;
    *first = found_first->index;
    return true;
}

/* ---- financer -------------------------------------------------------------------- */

static int check_siret(parse_ctx *c, const char *path, const char *text);

int doc_conv_financer(parse_ctx *c, const raw_financer *r, elg_financer *f) {
    int nature = 0;
    int rc;
    f->id = r->id;
    f->name = r->name;
    f->siret = r->siret;
    if ((rc = check_ident(c, "id", ELG_N("id"), r->id)) || (rc = check_text(c, "name", r->name)) ||
        (rc = conv_enum(c, "nature", "nature", true, nature_names, COUNT(nature_names), r->nature,
                        &nature)) ||
        (r->siret && (rc = check_siret(c, "siret", r->siret))))
        return rc;
    f->nature = (elg_nature)nature;
    return 0;
}

/* ---- call ---------------------------------------------------------------------- */

/* Keys a parameter may hold its value in, in the order of elg_param_type. */
/* The value keys (money, rate, integer, text, date, list, bool) are
 * written out in the messages below: xgettext does not expand a macro, so
 * a msgid built with one would never be found in the catalogue. */

static int conv_param(parse_ctx *c, const char *path, const raw_param *r, elg_param *p) {
    char sub[FIELD_MAX];
    const char *present[ELG_PARAM_BOOL + 1];
    int n = 0;
    int rc;
    p->name = r->name;
    p->source = r->source;
    if ((rc = check_ident(c, path_key(sub, path, "name"), ELG_N("parameter name"), r->name)) ||
        (rc = check_text(c, path_key(sub, path, "source"), r->source)))
        return rc;
    const char *values[] = {NULL,    r->money, r->rate, r->integer,
                            r->text, r->date,  NULL,    r->boolean};
    for (int t = ELG_PARAM_MONEY; t <= ELG_PARAM_BOOL; t++) {
        bool has = t == ELG_PARAM_LIST ? r->list || r->list_key : values[t] != NULL;
        if (has) {
            present[n++] = param_type_names[t];
            p->type = (elg_param_type)t;
        }
    }
    if (n == 0)
        return doc_fail_at(
            c, path,
            "parameter \"%s\" has no value; expected one of money, rate, integer, text, date, "
            "list, bool",
            r->name);
    if (n > 1) {
        char keys[FIELD_MAX];
        size_t len = 0;
        for (int i = 0; i < n; i++)
            len += doc_bounded(keys + len, sizeof keys - len, "%s%s", i ? ", " : "", present[i]);
        return doc_fail_at_key(c, path, present[1],
                               "parameter \"%s\" has %d values (%s); "
                               "expected exactly one of money, rate, integer, text, date, "
                               "list, bool",
                               r->name, n, keys);
    }
    const char *vpath = path_key(sub, path, param_type_names[p->type]);
    switch (p->type) {
    case ELG_PARAM_MONEY:
        return conv_money(c, vpath, r->money, &p->money);
    case ELG_PARAM_RATE:
        return conv_rate(c, vpath, r->rate, &p->rate);
    case ELG_PARAM_INTEGER:
        return conv_integer(c, vpath, r->integer, &p->integer);
    case ELG_PARAM_TEXT:
        p->text = r->text;
        return check_text(c, vpath, r->text);
    case ELG_PARAM_DATE:
        p->text = r->date;
        return check_date(c, vpath, r->date);
    case ELG_PARAM_LIST:
        p->list = r->list;
        p->list_count = r->list_count;
        return check_texts(c, vpath, r->list, r->list_count);
    case ELG_PARAM_BOOL:
        return conv_bool(c, vpath, r->boolean, &p->boolean);
    }
    return 0;
}

/* path: "parameters" or "editions[1].parameters". */
static int conv_params(parse_ctx *c, const char *path, const raw_param *raw, size_t n,
                       elg_param **out, size_t *out_count) {
    char sub[FIELD_MAX];
    keyed *names = NULL;
    int rc = 0;
    if (n == 0)
        return 0;
    *out = calloc(n, sizeof **out);
    names = calloc(n, sizeof *names);
    if (!*out || !names) {
        rc = doc_nomem(c);
        goto out;
    }
    *out_count = n;
    for (size_t i = 0; i < n; i++) {
        if ((rc = conv_param(c, path_index(sub, path, i), &raw[i], &(*out)[i])))
            goto out;
        names[i] = (keyed){raw[i].name, i};
    }
    size_t repeat, first;
    if (first_repeat(names, n, &repeat, &first)) {
        char first_path[FIELD_MAX];
        doc_bounded(first_path, sizeof first_path, "%s[%zu].name", path, first);
        doc_bounded(sub, sizeof sub, "%s[%zu].name", path, repeat);
        rc = doc_fail_at(c, sub, "duplicate parameter \"%s\" (first defined at line %d)",
                         raw[repeat].name, doc_line_of(c, first_path));
        goto out;
    }
out:
    free(names);
    return rc;
}

/* Sees the `list:` keys of parameters, which the loaded data cannot show when the list is
 * empty (see raw_param.list_key). Paths: parameters[i].list, editions[j].parameters[i].list. */
static void mark_list_key(const doc_frame *f, size_t depth, const char *key, void *ud) {
    raw_call *call = ud;
    if (strcmp(key, "list") != 0)
        return;
    if (depth == 3 && f[0].key && strcmp(f[0].key, "parameters") == 0 &&
        f[1].index < call->parameters_count)
        call->parameters[f[1].index].list_key = true;
    if (depth == 5 && f[0].key && strcmp(f[0].key, "editions") == 0 &&
        f[1].index < call->editions_count && f[2].key && strcmp(f[2].key, "parameters") == 0 &&
        f[3].index < call->editions[f[1].index].parameters_count)
        call->editions[f[1].index].parameters[f[3].index].list_key = true;
}

static void clear_list_keys(raw_call *r) {
    for (unsigned i = 0; i < r->parameters_count; i++)
        r->parameters[i].list_key = false;
    for (unsigned j = 0; j < r->editions_count; j++)
        for (unsigned i = 0; i < r->editions[j].parameters_count; i++)
            r->editions[j].parameters[i].list_key = false;
}

/*
 * Whether the loaded strings show every value as the events do. They do unless the bytes hold
 * a tag indicator (libcyaml drops tags), a backslash (an escape may make a NUL, which cuts the
 * loaded string and can hide the rest of a value or of a field name) or a NUL byte. libcyaml has
 * already read the whole stream without a syntax error, an alias or a second document, and every
 * key it accepted is one of the schema's, so nothing else the walk checks can differ. A false
 * answer only costs the walk: a '!' in a title is enough.
 */
static bool raw_shows_all(const parse_ctx *c) {
    return !memchr(c->data, '!', c->len) && !memchr(c->data, '\\', c->len) &&
           !memchr(c->data, '\0', c->len);
}

int doc_check_texts(parse_ctx *c, elg_doc_kind kind, void *raw) {
    /* The fast path: when the loaded strings show everything and every one of them passes,
     * the walk would find nothing either. Otherwise the walk finds the first error in the
     * document's order and locates it, as it always has. A call's `list:` keys need the walk
     * (raw_param.list_key); calls are few. */
    if (kind != ELG_DOC_CALL && raw_shows_all(c) &&
        doc_raw_each_text(kind, raw, raw_text_refused, NULL) == 0)
        return 0;
    if (kind != ELG_DOC_CALL)
        return doc_walk_values(c, NULL, check_text_value, NULL);
    clear_list_keys(raw);
    return doc_walk_values(c, mark_list_key, check_text_value, raw);
}

static int conv_editions(parse_ctx *c, const raw_call *r, elg_call *call) {
    char sub[FIELD_MAX], base[FIELD_MAX];
    keyed *froms = NULL;
    elg_edition *sorted = NULL;
    size_t n = r->editions_count;
    int rc = 0;
    if (n == 0)
        return 0;
    call->editions = calloc(n, sizeof *call->editions);
    froms = calloc(n, sizeof *froms);
    sorted = calloc(n, sizeof *sorted);
    if (!call->editions || !froms || !sorted) {
        rc = doc_nomem(c);
        goto out;
    }
    call->editions_count = n;
    for (size_t i = 0; i < n; i++) {
        const raw_edition *re = &r->editions[i];
        elg_edition *e = &call->editions[i];
        path_index(base, "editions", i);
        e->name = re->name;
        e->from = re->from;
        if ((rc = check_text(c, path_key(sub, base, "name"), re->name)) ||
            (rc = check_date(c, path_key(sub, base, "from"), re->from)) ||
            (rc = conv_params(c, path_key(sub, base, "parameters"), re->parameters,
                              re->parameters_count, &e->params, &e->params_count)))
            goto out;
        froms[i] = (keyed){re->from, i};
    }
    size_t repeat, first;
    if (first_repeat(froms, n, &repeat, &first)) {
        doc_bounded(base, sizeof base, "editions[%zu].from", first);
        doc_bounded(sub, sizeof sub, "editions[%zu].from", repeat);
        rc = doc_fail_at(c, sub, "duplicate edition date \"%s\" (first defined at line %d)",
                         r->editions[repeat].from, doc_line_of(c, base));
        goto out;
    }
    /* froms is now in date order: lay the editions out the same way. */
    for (size_t i = 0; i < n; i++)
        sorted[i] = call->editions[froms[i].index];
    memcpy(call->editions, sorted, n * sizeof *sorted);
out:
    free(sorted);
    free(froms);
    return rc;
}

int doc_conv_call(parse_ctx *c, raw_call *r, elg_call *call) {
    int rc;
    call->id = r->id;
    call->title = r->title;
    call->financer = r->financer;
    call->basis = r->basis;
    call->basis_ref = r->basis_ref;
    call->opens = r->opens;
    call->closes = r->closes;
    call->rules = r->rules;
    if ((rc = check_ident(c, "id", ELG_N("id"), r->id)) ||
        (rc = check_text(c, "title", r->title)) ||
        (rc = check_ident(c, "financer", ELG_N("financer id"), r->financer)) ||
        (rc = check_text(c, "basis", r->basis)) || (rc = check_text(c, "basis_ref", r->basis_ref)))
        return rc;
    if (r->opens && (rc = check_date(c, "opens", r->opens)))
        return rc;
    if (r->closes && (rc = check_date(c, "closes", r->closes)))
        return rc;
    if (r->opens && r->closes && strcmp(r->closes, r->opens) < 0)
        return doc_fail_at(c, "closes", "the call closes (%s) before it opens (%s)", r->closes,
                           r->opens);
    if (r->envelope) {
        call->has_envelope = true;
        if ((rc = conv_money(c, "envelope", r->envelope, &call->envelope)))
            return rc;
    }
    if ((rc = check_rules_path(c, "rules", r->rules)) ||
        (rc = conv_params(c, "parameters", r->parameters, r->parameters_count, &call->params,
                          &call->params_count)))
        return rc;
    return conv_editions(c, r, call);
}

/* ---- project --------------------------------------------------------------------- */

/* An INSEE commune code: the department's two digits (2A, 2B in Corsica) and three digits;
 * overseas, 97 and three digits. */
static bool insee_valid(const char *code) {
    if (strlen(code) != 5)
        return false;
    bool department = (is_digit(code[0]) && is_digit(code[1])) ||
                      (code[0] == '2' && (code[1] == 'A' || code[1] == 'B'));
    return department && is_digit(code[2]) && is_digit(code[3]) && is_digit(code[4]);
}

static int conv_applicant(parse_ctx *c, const char *path, const raw_applicant *r,
                          elg_applicant *a) {
    char sub[FIELD_MAX];
    int rc;
    a->name = r->name;
    a->status = r->status;
    a->siret = r->siret;
    a->rna = r->rna;
    a->commune = r->commune;
    a->insee = r->insee;
    a->approvals = r->approvals;
    a->approvals_count = r->approvals_count;
    if ((rc = check_text(c, path_key(sub, path, "name"), r->name)) ||
        (rc = check_text(c, path_key(sub, path, "status"), r->status)) ||
        (rc = conv_legal_status(c, path_key(sub, path, "status"), r->status)) ||
        (rc = check_text(c, path_key(sub, path, "siret"), r->siret)) ||
        (rc = check_text(c, path_key(sub, path, "rna"), r->rna)) ||
        (rc = check_text(c, path_key(sub, path, "commune"), r->commune)))
        return rc;
    if (r->insee && !insee_valid(r->insee))
        return doc_fail_at(c, path_key(sub, path, "insee"),
                           "invalid INSEE code \"%s\" (5 characters: 59437, or 2A004 in Corsica)",
                           r->insee);
    if (r->share) {
        a->has_share = true;
        if ((rc = conv_rate(c, path_key(sub, path, "share"), r->share, &a->share)))
            return rc;
        if (a->share.num > a->share.den)
            return doc_fail_at(c, path_key(sub, path, "share"), "share \"%s\" is above 100 %%",
                               r->share);
    }
    return check_texts(c, path_key(sub, path, "approvals"), r->approvals, r->approvals_count);
}

static int conv_expense(parse_ctx *c, const char *path, const raw_expense *r, elg_expense *e) {
    char sub[FIELD_MAX];
    int category = 0;
    int rc;
    e->label = r->label;
    e->action = r->action;
    if ((rc = conv_enum(c, path_key(sub, path, "category"), "catégorie", true, category_names,
                        COUNT(category_names), r->category, &category)) ||
        (rc = check_text(c, path_key(sub, path, "label"), r->label)) ||
        (rc = check_text(c, path_key(sub, path, "action"), r->action)) ||
        (rc = conv_money(c, path_key(sub, path, "amount"), r->amount, &e->amount)))
        return rc;
    e->category = (elg_category)category;
    return 0;
}

static int conv_resource(parse_ctx *c, const char *path, const raw_resource *r, elg_resource *res) {
    char sub[FIELD_MAX];
    int status = 0, earmark = 0;
    int rc;
    res->financer = r->financer;
    res->label = r->label;
    res->action = r->action;
    if ((rc = check_ident(c, path_key(sub, path, "financer"), ELG_N("financer id"), r->financer)) ||
        (rc = check_text(c, path_key(sub, path, "action"), r->action)) ||
        (rc = conv_money(c, path_key(sub, path, "amount"), r->amount, &res->amount)) ||
        (rc = conv_enum(c, path_key(sub, path, "status"), "statut de ressource", false,
                        status_names, COUNT(status_names), r->status, &status)) ||
        (rc = check_text(c, path_key(sub, path, "label"), r->label)) ||
        (rc = conv_enum(c, path_key(sub, path, "earmark"), "catégorie", true, category_names,
                        COUNT(category_names), r->earmark, &earmark)))
        return rc;
    res->status = status ? (elg_resource_status)status : ELG_RES_REQUESTED;
    res->earmark = (elg_category)earmark;
    res->grant_reference = r->grant_reference;
    res->grant_date = r->grant_date;
    if ((rc = check_text(c, path_key(sub, path, "grant_reference"), r->grant_reference)) ||
        (r->grant_date && (rc = check_date(c, path_key(sub, path, "grant_date"), r->grant_date))))
        return rc;
    if (r->grant_date && !r->grant_reference)
        return doc_fail_at(c, path_key(sub, path, "grant_date"),
                           "grant_date dates the act named by grant_reference: give both");
    /* The reference names the act that granted the line: a line still requested has none. */
    if (r->grant_reference && res->status != ELG_RES_GRANTED)
        return doc_fail_at(
            c, path_key(sub, path, "grant_reference"),
            "a line tied to the act that granted it is granted: add status: granted");
    return 0;
}

static int conv_application(parse_ctx *c, const char *path, const raw_application *r,
                            elg_application *a) {
    char sub[FIELD_MAX];
    int rc;
    a->call = r->call;
    if ((rc = check_ident(c, path_key(sub, path, "call"), ELG_N("call id"), r->call)))
        return rc;
    return conv_money(c, path_key(sub, path, "requested"), r->requested, &a->requested);
}

static int conv_aid(parse_ctx *c, const char *path, const raw_aid *r, elg_declared_aid *a) {
    char sub[FIELD_MAX];
    int rc;
    a->date = r->date;
    a->source = r->source;
    if ((rc = check_date(c, path_key(sub, path, "date"), r->date)) ||
        (rc = check_text(c, path_key(sub, path, "source"), r->source)))
        return rc;
    return conv_money(c, path_key(sub, path, "amount"), r->amount, &a->amount);
}

static unsigned __int128 gcd128(unsigned __int128 a, unsigned __int128 b) {
    while (b != 0) {
        unsigned __int128 t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/*
 * The declared shares together at most 100 %, summed exactly as fractions. Each share is at
 * most 100 % (conv_applicant), so the running sum num/den stays at most 1 until the share that
 * takes it over, where the error stands. Kept reduced, den is at most INT64_MAX / 2 (larger
 * only for fractions no spreadsheet writes, refused), so that the sum, below twice den, and
 * every product below fit in 128 bits and the sum in an elg_rate for the message.
 */
static int check_share_sum(parse_ctx *c, const raw_project *r, const elg_project *p) {
    unsigned __int128 num = 0, den = 1;
    char sub[FIELD_MAX];
    for (size_t i = 0; i < p->applicants_count; i++) {
        const elg_applicant *a = &p->applicants[i];
        if (!a->has_share)
            continue;
        unsigned __int128 d = (unsigned __int128)a->share.den;
        unsigned __int128 lcm = den / gcd128(den, d) * d;
        num = num * (lcm / den) + (unsigned __int128)a->share.num * (lcm / d);
        unsigned __int128 g = gcd128(num, lcm);
        num /= g;
        den = lcm / g;
        doc_bounded(sub, sizeof sub, "applicants[%zu].share", i);
        if (den > INT64_MAX / 2)
            return doc_fail_at(c, sub,
                               "share \"%s\": the shares' denominators are too large to add them "
                               "exactly",
                               r->applicants[i].share);
        if (num > den) {
            char sum[64];
            elg_rate total = {(int64_t)num, (int64_t)den};
            return doc_fail_at(c, sub,
                               "share \"%s\" takes the applicants' shares to %s, above 100 %%",
                               r->applicants[i].share, elg_rate_format(total, sum, sizeof sum));
        }
    }
    return 0;
}

/* Each call once in applies_to: a second request to the same call is a copy-paste, and which
 * amount counts would be a guess. */
static int check_calls_unique(parse_ctx *c, const raw_project *r) {
    size_t n = r->applies_to_count;
    keyed *calls = NULL;
    int rc = 0;
    if (n < 2)
        return 0;
    calls = calloc(n, sizeof *calls);
    if (!calls)
        return doc_nomem(c);
    for (size_t i = 0; i < n; i++)
        calls[i] = (keyed){r->applies_to[i].call, i};
    size_t repeat, first;
    if (first_repeat(calls, n, &repeat, &first)) {
        char sub[FIELD_MAX], first_path[FIELD_MAX];
        doc_bounded(first_path, sizeof first_path, "applies_to[%zu].call", first);
        doc_bounded(sub, sizeof sub, "applies_to[%zu].call", repeat);
        rc = doc_fail_at(c, sub, "duplicate call \"%s\" (first listed at applies_to[%zu], line %d)",
                         r->applies_to[repeat].call, first, doc_line_of(c, first_path));
    }
    free(calls);
    return rc;
}

/* Allocates a public array of n entries (NULL when n is 0). */
static int alloc_array(parse_ctx *c, void **out, size_t *count, size_t n, size_t size) {
    *out = NULL;
    *count = 0;
    if (n == 0)
        return 0;
    *out = calloc(n, size);
    if (!*out)
        return doc_nomem(c);
    *count = n;
    return 0;
}

int doc_conv_project(parse_ctx *c, const raw_project *r, elg_project *p) {
    char sub[FIELD_MAX];
    int rc;
    p->id = r->id;
    p->title = r->title;
    p->owner_status = r->owner_status;
    p->territory = r->territory;
    p->territory_count = r->territory_count;
    p->start = r->period.start;
    p->end = r->period.end;
    p->submitted = r->submitted;
    p->themes = r->themes;
    p->themes_count = r->themes_count;
    if ((rc = check_ident(c, "id", ELG_N("id"), r->id)) ||
        (rc = check_text(c, "title", r->title)) ||
        (rc = check_text(c, "owner_status", r->owner_status)) ||
        (rc = conv_legal_status(c, "owner_status", r->owner_status)))
        return rc;
    if (r->applicants_count == 0)
        return doc_fail_at(c, "applicants", "at least one applicant is required");
    if ((rc = alloc_array(c, (void **)&p->applicants, &p->applicants_count, r->applicants_count,
                          sizeof *p->applicants)))
        return rc;
    for (size_t i = 0; i < r->applicants_count; i++)
        if ((rc = conv_applicant(c, path_index(sub, "applicants", i), &r->applicants[i],
                                 &p->applicants[i])))
            return rc;
    rc = check_share_sum(c, r, p);
    if (rc)
        return rc;
    if ((rc = check_texts(c, "territory", r->territory, r->territory_count)) ||
        (rc = check_date(c, "period.start", r->period.start)) ||
        (rc = check_date(c, "period.end", r->period.end)))
        return rc;
    if (strcmp(r->period.end, r->period.start) < 0)
        return doc_fail_at(c, "period.end", "the period ends (%s) before it starts (%s)",
                           r->period.end, r->period.start);
    if (r->submitted && (rc = check_date(c, "submitted", r->submitted)))
        return rc;
    if ((rc = check_texts(c, "themes", r->themes, r->themes_count)))
        return rc;
    if ((rc = alloc_array(c, (void **)&p->expenses, &p->expenses_count, r->expenses_count,
                          sizeof *p->expenses)))
        return rc;
    for (size_t i = 0; i < r->expenses_count; i++)
        if ((rc =
                 conv_expense(c, path_index(sub, "expenses", i), &r->expenses[i], &p->expenses[i])))
            return rc;
    if ((rc = alloc_array(c, (void **)&p->resources, &p->resources_count, r->resources_count,
                          sizeof *p->resources)))
        return rc;
    for (size_t i = 0; i < r->resources_count; i++)
        if ((rc = conv_resource(c, path_index(sub, "resources", i), &r->resources[i],
                                &p->resources[i])))
            return rc;
    if ((rc = alloc_array(c, (void **)&p->applies_to, &p->applies_to_count, r->applies_to_count,
                          sizeof *p->applies_to)))
        return rc;
    for (size_t i = 0; i < r->applies_to_count; i++)
        if ((rc = conv_application(c, path_index(sub, "applies_to", i), &r->applies_to[i],
                                   &p->applies_to[i])))
            return rc;
    rc = check_calls_unique(c, r);
    if (rc)
        return rc;
    if ((rc = alloc_array(c, (void **)&p->de_minimis, &p->de_minimis_count, r->de_minimis_count,
                          sizeof *p->de_minimis)))
        return rc;
    for (size_t i = 0; i < r->de_minimis_count; i++)
        if ((rc = conv_aid(c, path_index(sub, "de_minimis", i), &r->de_minimis[i],
                           &p->de_minimis[i])))
            return rc;
    return 0;
}

/* ---- award ----------------------------------------------------------------------- */

static const char *const award_nature_names[] = {NULL, "cash", "in-kind"};

/* SCDL's texts of at most 256 characters (objet, conditionsVersement, idRAE's 5): the export
 * could not publish a longer one. */
static int check_scdl_length(parse_ctx *c, const char *path, const char *text, size_t max) {
    size_t chars = 0, len = text ? strlen(text) : 0;
    for (size_t i = 0; i < len; chars++) {
        unsigned long cp;
        i += doc_utf8_next(text + i, len - i, &cp);
    }
    if (chars > max)
        return doc_fail_at(c, path, "too long: %zu characters (SCDL publishes at most %zu)", chars,
                           max);
    return 0;
}

static int check_siret(parse_ctx *c, const char *path, const char *text) {
    if (elg_siret_valid(text))
        return 0;
    size_t n = strlen(text), digits = strspn(text, "0123456789");
    if (n == 14 && digits == 14)
        return doc_fail_at(c, path, "invalid SIRET \"%s\": wrong check digit", text);
    return doc_fail_at(c, path, "invalid SIRET \"%s\" (14 digits, no spaces)", text);
}

static int conv_beneficiary(parse_ctx *c, const char *path, const raw_beneficiary *r,
                            elg_award_beneficiary *b) {
    char sub[FIELD_MAX];
    int rc;
    b->name = r->name;
    b->siret = r->siret;
    b->rna = r->rna;
    if ((rc = check_text(c, path_key(sub, path, "name"), r->name)))
        return rc;
    if (!r->siret && !r->rna)
        return doc_fail_at(c, path, "a beneficiary needs a siret or an rna (SCDL)");
    if (r->siret && (rc = check_siret(c, path_key(sub, path, "siret"), r->siret)))
        return rc;
    if (r->rna && !elg_rna_valid(r->rna))
        return doc_fail_at(c, path_key(sub, path, "rna"),
                           "invalid RNA number \"%s\" (W and 9 digits)", r->rna);
    if (r->amount) {
        b->has_amount = true;
        if ((rc = conv_money(c, path_key(sub, path, "amount"), r->amount, &b->amount)))
            return rc;
        if (b->amount == 0)
            return doc_fail_at(c, path_key(sub, path, "amount"), "must be above 0");
    }
    return 0;
}

/* The beneficiaries' amounts: all or none, and all of the voted amount. */
static int check_beneficiary_amounts(parse_ctx *c, const elg_award *a) {
    size_t with = 0;
    elg_cents sum = 0;
    char sub[FIELD_MAX];
    for (size_t i = 0; i < a->beneficiaries_count; i++) {
        if (!a->beneficiaries[i].has_amount)
            continue;
        with++;
        sum += a->beneficiaries[i].amount; /* bounded: see ELG_DOC_MAX_AMOUNT */
    }
    if (with == 0)
        return 0;
    for (size_t i = 0; i < a->beneficiaries_count; i++) {
        if (a->beneficiaries[i].has_amount)
            continue;
        doc_bounded(sub, sizeof sub, "beneficiaries[%zu]", i);
        return doc_fail_at(c, sub,
                           "missing field \"amount\" (give every beneficiary an amount, or none)");
    }
    if (sum != a->voted) {
        char got[ELG_MONEY_FMT_MAX], voted[ELG_MONEY_FMT_MAX];
        return doc_fail_at(c, "beneficiaries",
                           "the beneficiaries' amounts sum to %s, not the voted %s",
                           elg_money_format(sum, got, sizeof got),
                           elg_money_format(a->voted, voted, sizeof voted));
    }
    return 0;
}

int doc_conv_award(parse_ctx *c, const raw_award *r, elg_award *a) {
    char sub[FIELD_MAX];
    int rc;
    a->id = r->id;
    a->project = r->project;
    a->call = r->call;
    a->funder_name = r->funder.name;
    a->funder_siret = r->funder.siret;
    a->object = r->object;
    a->convention_date = r->convention.date;
    a->convention_reference = r->convention.reference;
    a->payment_conditions = r->payment.conditions;
    a->payment_from = r->payment.from;
    a->payment_to = r->payment.to;
    a->scheme = r->scheme;
    a->rae = r->rae;
    if ((rc = check_ident(c, "id", ELG_N("id"), r->id)) ||
        (rc = check_ident(c, "project", ELG_N("project id"), r->project)) ||
        (rc = check_ident(c, "call", ELG_N("call id"), r->call)))
        return rc;
    if (r->decision) {
        if ((rc = conv_integer(c, "decision", r->decision, &a->decision)))
            return rc;
        if (a->decision < 1)
            return doc_fail_at(c, "decision", "a decision id is at least 1");
    }
    if ((rc = check_text(c, "funder.name", r->funder.name)) ||
        (rc = check_siret(c, "funder.siret", r->funder.siret)) ||
        (rc = check_text(c, "object", r->object)) ||
        (rc = check_scdl_length(c, "object", r->object, ELG_AWARD_MAX_SCDL_TEXT)))
        return rc;
    if (r->amounts.requested) {
        a->has_requested = true;
        if ((rc = conv_money(c, "amounts.requested", r->amounts.requested, &a->requested)))
            return rc;
    }
    if (r->amounts.proposed) {
        a->has_proposed = true;
        if ((rc = conv_money(c, "amounts.proposed", r->amounts.proposed, &a->proposed)))
            return rc;
    }
    if ((rc = conv_money(c, "amounts.voted", r->amounts.voted, &a->voted)))
        return rc;
    if (a->voted == 0)
        return doc_fail_at(c, "amounts.voted", "must be above 0 (a refusal is not published)");
    if ((rc = check_date(c, "convention.date", r->convention.date)) ||
        (rc = check_text(c, "convention.reference", r->convention.reference)))
        return rc;
    if (r->nature_count == 0)
        return doc_fail_at(c, "nature", "at least one of cash, in-kind is required");
    for (size_t i = 0; i < r->nature_count; i++) {
        int n = 0;
        path_index(sub, "nature", i);
        if ((rc = conv_enum(c, sub, "nature", true, award_nature_names, COUNT(award_nature_names),
                            r->nature[i], &n)))
            return rc;
        if (a->nature & (1u << (n - 1)))
            return doc_fail_at(c, sub, "duplicate nature \"%s\"", r->nature[i]);
        a->nature |= 1u << (n - 1);
    }
    if ((rc = check_text(c, "payment.conditions", r->payment.conditions)) ||
        (rc = check_scdl_length(c, "payment.conditions", r->payment.conditions,
                                ELG_AWARD_MAX_SCDL_TEXT)) ||
        (rc = check_date(c, "payment.from", r->payment.from)))
        return rc;
    if (r->payment.to) {
        if ((rc = check_date(c, "payment.to", r->payment.to)))
            return rc;
        if (strcmp(r->payment.to, r->payment.from) < 0)
            return doc_fail_at(c, "payment.to",
                               "the payment period ends (%s) before it starts (%s)", r->payment.to,
                               r->payment.from);
    }
    if ((rc = conv_bool(c, "eu_notification", r->eu_notification, &a->eu_notification)) ||
        (rc = check_text(c, "scheme", r->scheme)) || (rc = check_text(c, "rae", r->rae)) ||
        (rc = check_scdl_length(c, "rae", r->rae, 5)))
        return rc;
    if (r->beneficiaries_count == 0)
        return doc_fail_at(c, "beneficiaries", "at least one beneficiary is required");
    if ((rc = alloc_array(c, (void **)&a->beneficiaries, &a->beneficiaries_count,
                          r->beneficiaries_count, sizeof *a->beneficiaries)))
        return rc;
    for (size_t i = 0; i < r->beneficiaries_count; i++)
        if ((rc = conv_beneficiary(c, path_index(sub, "beneficiaries", i), &r->beneficiaries[i],
                                   &a->beneficiaries[i])))
            return rc;
    if ((rc = check_beneficiary_amounts(c, a)))
        return rc;
    /* Shares the export could not publish (below 0.01) are refused now, where the officer can
     * see which beneficiary. */
    int64_t *units = calloc(a->beneficiaries_count, sizeof *units);
    elg_error e;
    elg_error_clear(&e);
    if (!units)
        return doc_nomem(c);
    rc = elg_award_shares(a, units, &e);
    free(units);
    if (rc == ELG_ENOMEM)
        return doc_nomem(c);
    if (rc)
        return doc_fail_at(c, e.field[0] ? e.field : "beneficiaries", "%s", e.message);
    return 0;
}
