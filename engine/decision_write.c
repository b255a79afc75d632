/*
 * decision_write: the one place a decision becomes JSON (see decision.h).
 *
 * Written straight into a text buffer by the small generator below, which
 * emits exactly what yajl's generator did (no spaces, the same escapes,
 * the same UTF-8 check). yajl was used first; with the native rules a
 * decision's record is written for every project of a batch, and yajl's
 * one callback per token and byte-by-byte escaping were then about 40 % of
 * the evaluation's time (perf, 5 000 projects): a writer that copies runs
 * of plain bytes at once takes a tenth of that. Text that is not valid
 * UTF-8 (a rule can build any bytes) is written as a fixed notice instead
 * of breaking the JSON.
 */
#include "decision.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "factpath.h"
#include "hash.h"
#include "money.h"
#include "strhash.h"

#define INVALID_UTF8 "(text that is not valid UTF-8)"
#define MAX_DEPTH 64

typedef struct writer {
    elg_text *out;
    int oom;
    int depth;
    bool after_key;            /* the next value follows "key": */
    bool first[MAX_DEPTH + 1]; /* nothing written yet at this depth */
} writer;

static bool grow(writer *w, size_t n) {
    elg_text *t = w->out;
    if (w->oom)
        return false;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *d = realloc(t->data, cap);
        if (!d) {
            w->oom = 1;
            return false;
        }
        t->data = d;
        t->cap = cap;
    }
    return true;
}

/* Room for n more bytes and the final NUL. */
static inline bool reserve(writer *w, size_t n) {
    elg_text *t = w->out;
    return (t->len + n + 1 <= t->cap && !w->oom) || grow(w, n);
}

/* The text is NUL-terminated by writer_close, not after every piece. */
static inline void put(writer *w, const char *s, size_t n) {
    if (!reserve(w, n))
        return;
    memcpy(w->out->data + w->out->len, s, n);
    w->out->len += n;
}

static inline void put_char(writer *w, char c) {
    if (!reserve(w, 1))
        return;
    w->out->data[w->out->len++] = c;
}

/* A comma before a value or a key, unless it is the first of its
 * container or the value of a key. */
static void sep(writer *w) {
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (!w->first[w->depth])
        put_char(w, ',');
    w->first[w->depth] = false;
}

static void w_open(writer *w, char c) {
    sep(w);
    put_char(w, c);
    if (w->depth < MAX_DEPTH)
        w->depth++;
    w->first[w->depth] = true;
}

static void w_close(writer *w, char c) {
    put_char(w, c);
    if (w->depth > 0)
        w->depth--;
}

#define w_map_open(w) w_open((w), '{')
#define w_map_close(w) w_close((w), '}')
#define w_array_open(w) w_open((w), '[')
#define w_array_close(w) w_close((w), ']')

static void w_null(writer *w) {
    sep(w);
    put(w, "null", 4);
}

static void w_bool(writer *w, bool b) {
    sep(w);
    put(w, b ? "true" : "false", b ? 4 : 5);
}

static int writer_open(writer *w, elg_text *out, elg_error *err) {
    (void)err;
    w->out = out;
    w->oom = 0;
    w->depth = 0;
    w->after_key = false;
    w->first[0] = true;
    return 0;
}

static int writer_close(writer *w, elg_error *err) {
    if (reserve(w, 0))
        w->out->data[w->out->len] = '\0';
    if (w->oom)
        return elg_error_set(err, ELG_ENOMEM, "out of memory writing a decision");
    return 0;
}

/* The length of the UTF-8 sequence starting at s[i] (1 to 4), or 0 when it
 * is not one. yajl's check: lead bytes and the number of continuation
 * bytes only. */
static size_t utf8_len(const unsigned char *s, size_t i, size_t len) {
    unsigned char c = s[i];
    size_t more;
    if ((c >> 5) == 0x6)
        more = 1;
    else if ((c >> 4) == 0xE)
        more = 2;
    else if ((c >> 3) == 0x1E)
        more = 3;
    else
        return 0;
    for (size_t k = 1; k <= more; k++)
        if (i + k >= len || (s[i + k] >> 6) != 0x2)
            return 0;
    return more + 1;
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* The bytes of x (8 bytes of text, loaded as memcpy does) that need a
 * look: a control character, a quote, a backslash or a byte of a
 * multi-byte sequence, each flagged by its high bit; 0 when none. A borrow
 * can flag a byte above a flagged one, never below: the lowest flag is
 * exact, and it is the first such byte of the text on a little-endian
 * machine. */
static inline uint64_t needs_look(uint64_t x) {
    uint64_t low = (x - ONES * 0x20) & ~x;
    uint64_t quote = x ^ (ONES * '"'), back = x ^ (ONES * '\\');
    uint64_t zq = (quote - ONES) & ~quote, zb = (back - ONES) & ~back;
    return ((low | zq | zb) & HIGHS) | (x & HIGHS);
}

/* A JSON string, escaped as yajl does; false (and nothing kept) when the
 * text is not valid UTF-8. Runs of plain bytes are copied at once, eight
 * bytes tested at a time. */
static bool put_string(writer *w, const char *text, size_t len) {
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *s = (const unsigned char *)text;
    if (!reserve(w, len + 2))
        return true;
    size_t start = w->out->len;
    put_char(w, '"');
    size_t run = 0, i = 0;
    while (i < len) {
        if (i + 8 <= len) {
            uint64_t x;
            memcpy(&x, s + i, 8);
            uint64_t look = needs_look(x);
            if (!look) {
                i += 8;
                continue;
            }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            /* Straight to the first byte that needs a look: messages hold a
             * multi-byte character (é, €, the narrow spaces of amounts)
             * every few bytes, and the plain bytes before it went one by
             * one through the test below. */
            size_t skip = (size_t)__builtin_ctzll(look) / 8;
            if (skip) {
                i += skip;
                continue;
            }
#endif
        }
        unsigned char c = s[i];
        if (c >= 0x80) {
            size_t n = utf8_len(s, i, len);
            if (!n) {
                w->out->len = start;
                return false;
            }
            i += n;
            continue;
        }
        if (c >= 0x20 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        put(w, text + run, i - run);
        run = i + 1;
        char esc[6] = {'\\', 0};
        size_t n = 2;
        switch (c) {
        case '"':
            esc[1] = '"';
            break;
        case '\\':
            esc[1] = '\\';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 0xF];
            n = 6;
            break;
        }
        put(w, esc, n);
        i++;
    }
    put(w, text + run, len - run);
    put_char(w, '"');
    return true;
}

static void w_strn(writer *w, const char *s, size_t len) {
    sep(w);
    if (!put_string(w, s, len))
        put_string(w, INVALID_UTF8, strlen(INVALID_UTF8));
}

static void w_str(writer *w, const char *s) {
    if (s)
        w_strn(w, s, strlen(s));
    else
        w_null(w);
}

/* A key computed at run time (figures' keys, fact paths, categories). */
static void w_dkey(writer *w, const char *k) {
    sep(w);
    if (!put_string(w, k, strlen(k)))
        put_string(w, INVALID_UTF8, strlen(INVALID_UTF8));
    put_char(w, ':');
    w->after_key = true;
}

/* Decimal digits written by hand, two at a time from a table: snprintf was a
 * tenth of a record's cost, and a record holds some 150 integers (amounts of
 * seven or eight digits among them). */
static const char digit_pairs[201] = "00010203040506070809"
                                     "10111213141516171819"
                                     "20212223242526272829"
                                     "30313233343536373839"
                                     "40414243444546474849"
                                     "50515253545556575859"
                                     "60616263646566676869"
                                     "70717273747576777879"
                                     "80818283848586878889"
                                     "90919293949596979899";

static void w_int(writer *w, int64_t v) {
    sep(w);
    if (!reserve(w, 20))
        return;
    if (v >= 0 && v < 100) { /* fact indices, counts: most integers written */
        char *o = w->out->data + w->out->len;
        if (v >= 10) {
            memcpy(o, digit_pairs + 2 * v, 2);
            w->out->len += 2;
        } else {
            *o = (char)('0' + v);
            w->out->len++;
        }
        return;
    }
    char buf[24];
    char *e = buf + sizeof buf, *p = e;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    while (u >= 100) {
        p -= 2;
        memcpy(p, digit_pairs + 2 * (u % 100), 2);
        u /= 100;
    }
    if (u >= 10) {
        p -= 2;
        memcpy(p, digit_pairs + 2 * u, 2);
    } else {
        *--p = (char)('0' + u);
    }
    if (v < 0)
        *--p = '-';
    size_t n = (size_t)(e - p);
    memcpy(w->out->data + w->out->len, p, n);
    w->out->len += n;
}

/* A key known when compiling: written as the quoted literal it is, without
 * the escaping pass (keys were a third of a record's writing). k must be a
 * string literal of plain characters. */
static void w_lkey(writer *w, const char *quoted, size_t n) {
    sep(w);
    put(w, quoted, n);
    w->after_key = true;
}
#define w_key(w, k) w_lkey((w), "\"" k "\":", sizeof("\"" k "\":") - 1)
#define w_kstr(w, k, v) (w_key((w), k), w_str((w), (v)))
#define w_kint(w, k, v) (w_key((w), k), w_int((w), (v)))
#define w_kint_or_null(w, k, has, v) (w_key((w), k), w_int_or_null((w), (has), (v)))

static void w_int_or_null(writer *w, bool has, int64_t v) {
    if (has)
        w_int(w, v);
    else
        w_null(w);
}

static void w_value(writer *w, const elg_value *v) {
    switch (v->type) {
    case ELG_VALUE_NULL:
        w_null(w);
        break;
    case ELG_VALUE_BOOL:
        w_bool(w, v->u.boolean);
        break;
    case ELG_VALUE_INT:
        w_int(w, v->u.integer);
        break;
    case ELG_VALUE_STRING:
        w_strn(w, v->u.str.text, v->u.str.len);
        break;
    case ELG_VALUE_LIST:
        w_array_open(w);
        for (size_t i = 0; i < v->u.list.count; i++)
            w_value(w, &v->u.list.items[i]);
        w_array_close(w);
        break;
    case ELG_VALUE_MAP:
        w_map_open(w);
        for (size_t i = 0; i < v->u.map.count; i++) {
            w_dkey(w, v->u.map.pairs[i].key);
            w_value(w, &v->u.map.pairs[i].value);
        }
        w_map_close(w);
        break;
    }
}

#define w_strings(w, k, s, n) (w_key((w), k), w_string_list((w), (s), (n)))
static void w_string_list(writer *w, const char *const *s, size_t n) {
    w_array_open(w);
    for (size_t i = 0; i < n; i++)
        w_str(w, s[i]);
    w_array_close(w);
}

#define w_cats(w, k, c, n) (w_key((w), k), w_cat_map((w), (c), (n)))
static void w_cat_map(writer *w, const elg_cat_amount *c, size_t n) {
    w_map_open(w);
    for (size_t i = 0; i < n; i++) {
        w_dkey(w, c[i].category);
        w_int(w, c[i].amount);
    }
    w_map_close(w);
}

/* compact: the stored column's form, each financer a list in the order of
 * the full form's keys (docs/trace.md), written for every decision. */
static void w_figures_value(writer *w, const elg_figures *f, bool compact) {
    w_map_open(w);
    w_kstr(w, "call_financer", f->call_financer);
    w_kint(w, "eligible_cost", f->eligible_cost);
    w_kint(w, "total_resources", f->total_resources);
    w_kint(w, "balance", f->balance);
    w_cats(w, "expenses_by_category", f->by_category, f->by_category_count);
    w_key(w, "financers");
    w_array_open(w);
    for (size_t i = 0; i < f->financers_count; i++) {
        const elg_financer_figures *x = &f->financers[i];
        if (compact) {
            w_array_open(w);
            w_str(w, x->financer);
            w_str(w, x->nature);
            w_bool(w, x->is_public);
            w_int(w, x->amount);
            w_int(w, x->requested);
            w_int(w, x->granted);
            w_cat_map(w, x->earmarked, x->earmarked_count);
            w_int_or_null(w, x->has_share, x->share_bp);
            w_int_or_null(w, x->has_max_grantable, x->max_grantable);
            w_array_close(w);
            continue;
        }
        w_map_open(w);
        w_kstr(w, "financer", x->financer);
        w_kstr(w, "nature", x->nature);
        w_key(w, "public");
        w_bool(w, x->is_public);
        w_kint(w, "amount", x->amount);
        w_kint(w, "requested", x->requested);
        w_kint(w, "granted", x->granted);
        w_cats(w, "earmarked", x->earmarked, x->earmarked_count);
        w_kint_or_null(w, "share_bp", x->has_share, x->share_bp);
        w_kint_or_null(w, "max_grantable", x->has_max_grantable, x->max_grantable);
        w_map_close(w);
    }
    w_array_close(w);
    w_kint(w, "public_amount", f->public_amount);
    w_kint_or_null(w, "public_share_bp", f->has_public_share, f->public_share_bp);
    w_kint_or_null(w, "requested", f->has_requested, f->requested);
    w_kint_or_null(w, "max_grantable", f->has_max_grantable, f->max_grantable);
    w_kstr(w, "max_grantable_rule", f->max_grantable_rule);
    w_map_close(w);
}

static void w_figures(writer *w, const elg_figures *f) {
    w_key(w, "figures");
    w_figures_value(w, f, false);
}

int elg_value_write_json(const elg_value *v, elg_text *out, elg_error *err) {
    writer w;
    int rc = writer_open(&w, out, err);
    if (rc)
        return rc;
    w_value(&w, v);
    return writer_close(&w, err);
}

static int write_figures(const elg_figures *f, bool compact, elg_text *out, elg_error *err) {
    writer w;
    int rc = writer_open(&w, out, err);
    if (rc)
        return rc;
    w_figures_value(&w, f, compact);
    return writer_close(&w, err);
}

int elg_decision_write_figures(const elg_decision *d, elg_text *out, elg_error *err) {
    return write_figures(&d->figures, true, out, err);
}

int elg_figures_write_json(const elg_figures *f, elg_text *out, elg_error *err) {
    return write_figures(f, false, out, err);
}

static void w_edition(writer *w, const elg_ruleset *rs) {
    w_key(w, "edition");
    if (!rs->edition_name) {
        w_null(w);
        return;
    }
    w_map_open(w);
    w_kstr(w, "name", rs->edition_name);
    w_kstr(w, "from", rs->edition_from);
    w_map_close(w);
}

static void w_param(writer *w, const elg_param_value *p) {
    w_map_open(w);
    w_kstr(w, "name", p->name);
    w_kstr(w, "type", p->type);
    w_key(w, "value");
    w_value(w, &p->value);
    w_kstr(w, "edition", p->edition);
    w_map_close(w);
}

static void w_rule_files(writer *w, const elg_ruleset *rs) {
    w_key(w, "rule_files");
    w_array_open(w);
    for (size_t i = 0; i < rs->rule_files_count; i++) {
        w_map_open(w);
        w_kstr(w, "path", rs->rule_files[i].path);
        w_kstr(w, "sha256", rs->rule_files[i].sha256);
        w_map_close(w);
    }
    w_array_close(w);
}

static void w_limits(writer *w, const elg_ruleset *rs) {
    w_key(w, "limits");
    w_map_open(w);
    w_kint(w, "instructions", (int64_t)rs->limit_instructions);
    w_kint(w, "memory", (int64_t)rs->limit_memory);
    if (rs->limit_time_ms)
        w_kint(w, "time_ms", (int64_t)rs->limit_time_ms);
    if (rs->limit_output)
        w_kint(w, "output", (int64_t)rs->limit_output);
    w_map_close(w);
}

static void w_financer_versions(writer *w, const elg_ruleset *rs) {
    w_key(w, "financer_versions");
    w_array_open(w);
    for (size_t i = 0; i < rs->financers_count; i++) {
        w_map_open(w);
        w_kstr(w, "financer", rs->financers[i].financer);
        w_kint(w, "version", rs->financers[i].version);
        w_kstr(w, "sha256", rs->financers[i].sha256);
        w_map_close(w);
    }
    w_array_close(w);
}

static bool same_text(const char *a, const char *b) {
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* The rule's declaration as the ruleset has it at position i, or NULL when
 * this result declares something else (declarations that vary by project,
 * or an error raised while loading the rule file). */
static const elg_rule_decl *declared_as(const elg_ruleset *rs, size_t i, const elg_rule_result *r) {
    if (i >= rs->rules_count)
        return NULL;
    const elg_rule_decl *d = &rs->rules[i];
    if (!same_text(d->id, r->id) || !same_text(d->title, r->title) ||
        !same_text(d->basis, r->basis) || !same_text(d->source, r->source) ||
        !same_text(d->kind, r->kind))
        return NULL;
    return d;
}

/* One rule result; with full == false, the declaration fields the ruleset
 * holds at the same position are left out (the id always stays), and facts
 * are indices into the record's fact table (fact_index, in reading order). */
/* How many of r's first facts are its declaration's declared facts, which
 * a record leaves to the ruleset (0 when they are not all there). */
static size_t declared_prefix(const elg_ruleset *rs, size_t i, const elg_rule_result *r) {
    if (!rs || !declared_as(rs, i, r))
        return 0;
    const elg_rule_decl *d = &rs->rules[i];
    if (!d->declared_count || r->facts_count < d->declared_count)
        return 0;
    for (size_t k = 0; k < d->declared_count; k++)
        if ((r->facts[k].path != d->declared[k].path &&
             strcmp(r->facts[k].path, d->declared[k].path) != 0) ||
            !elg_value_equal(&r->facts[k].value, &d->declared[k].value))
            return 0;
    return d->declared_count;
}

/* skip: how many of r's first facts the record leaves to the ruleset
 * (declared_prefix; 0 for the full document). */
static void w_rule(writer *w, const elg_ruleset *rs, size_t i, const elg_rule_result *r, bool full,
                   const size_t *fact_index, size_t skip) {
    bool inline_decl = full || !declared_as(rs, i, r);
    w_map_open(w);
    if (inline_decl) /* a record names a rule its ruleset declares by position */
        w_kstr(w, "id", r->id);
    if (inline_decl)
        w_kstr(w, "title", r->title);
    w_kstr(w, "status", elg_rule_status_name(r->status));
    w_kstr(w, "message", r->message);
    if (inline_decl) {
        w_kstr(w, "basis", r->basis);
        w_kstr(w, "source", r->source);
        if (!full) { /* the full document never carried kind */
            w_key(w, "kind");
            w_str(w, r->kind);
        }
    }
    if (r->status == ELG_RULE_ERROR) {
        w_kstr(w, "error_at", r->error_at ? r->error_at : "");
        if (r->traceback)
            w_kstr(w, "traceback", r->traceback);
    }
    if (skip) {
        w_key(w, "declared");
        w_bool(w, true);
    }
    w_key(w, "facts");
    if (fact_index) {
        w_array_open(w);
        for (size_t k = skip; k < r->facts_count; k++)
            w_int(w, (int64_t)fact_index[k - skip]);
        w_array_close(w);
    } else {
        w_map_open(w);
        for (size_t k = 0; k < r->facts_count; k++) {
            w_dkey(w, r->facts[k].path);
            w_value(w, &r->facts[k].value);
        }
        w_map_close(w);
    }
    /* The record leaves out what is empty; the full document never does. */
    bool has_figures = r->figures.type == ELG_VALUE_MAP && r->figures.u.map.count > 0;
    if (full || has_figures) {
        w_key(w, "figures");
        if (has_figures)
            w_value(w, &r->figures);
        else {
            w_map_open(w);
            w_map_close(w);
        }
    }
    if (full || r->notices_count)
        w_strings(w, "notices", r->notices, r->notices_count);
    if (full || r->missing_count)
        w_strings(w, "missing", r->missing, r->missing_count);
    w_kint(w, "duration_us", r->duration_us);
    w_map_close(w);
}

/* The distinct facts of a decision and, rule after rule, the index of each
 * of its facts among them. */
typedef struct fact_table {
    const elg_fact **facts; /* distinct, in first reading order */
    size_t count;
    size_t *index; /* one per fact of every rule, rules in order */
    size_t *skip;  /* per rule, its facts left to the ruleset (declared_prefix) */
    size_t *slots; /* open addressing: 1 + position in facts, 0 when empty */
    size_t cap;
} fact_table;

static uint64_t hash_text(const char *s) {
    return elg_strhash(s, strlen(s));
}

static int facts_index(const elg_decision *d, fact_table *ft) {
    size_t total = 0;
    for (size_t i = 0; i < d->rules_count; i++)
        total += d->rules[i].facts_count;
    memset(ft, 0, sizeof *ft);
    ft->cap = 16;
    while (ft->cap < total * 2)
        ft->cap *= 2;
    ft->facts = malloc((total + 1) * sizeof *ft->facts);
    ft->index = malloc((total + 1) * sizeof *ft->index);
    ft->slots = calloc(ft->cap, sizeof *ft->slots);
    ft->skip = malloc((d->rules_count + 1) * sizeof *ft->skip);
    if (!ft->facts || !ft->index || !ft->slots || !ft->skip) {
        free(ft->facts);
        free(ft->index);
        free(ft->slots);
        free(ft->skip);
        return -1;
    }
    size_t at = 0;
    for (size_t i = 0; i < d->rules_count; i++) {
        const elg_rule_result *r = &d->rules[i];
        ft->skip[i] = declared_prefix(d->ruleset, i, r);
        for (size_t k = ft->skip[i]; k < r->facts_count; k++) {
            const elg_fact *f = &r->facts[k];
            size_t h = (size_t)(f->fp ? f->fp->hash : hash_text(f->path)) & (ft->cap - 1);
            while (ft->slots[h]) {
                const elg_fact *g = ft->facts[ft->slots[h] - 1];
                /* Paths made once (factpath.h) are equal only as the same
                 * entry: no text to compare. */
                bool same =
                    g->path == f->path || (!(g->fp && f->fp) && strcmp(g->path, f->path) == 0);
                if (same && elg_value_equal(&g->value, &f->value))
                    break;
                h = (h + 1) & (ft->cap - 1);
            }
            if (!ft->slots[h]) {
                ft->facts[ft->count++] = f;
                ft->slots[h] = ft->count;
            }
            ft->index[at++] = ft->slots[h] - 1;
        }
    }
    return 0;
}

/* Fact paths repeat one shape with other indices ("expenses[0].amount",
 * "expenses[1].amount"): a format 4 record writes each shape once, its
 * indices replaced by "[]" ("expenses[].amount"), and each fact as
 * [shape, index..., value]. A path that already holds "[]" is written as it
 * is ([path, value]), so that reading back is exact. Only canonical
 * indices are taken out (0, or up to nine digits without a leading zero);
 * anything else between brackets stays in the shape. */
typedef struct shape_table {
    char *text; /* the shapes, each NUL-terminated */
    size_t len, cap;
    size_t *start; /* per shape, its offset in text */
    uint64_t *hash;
    size_t count;
    size_t *slots; /* open addressing: 1 + shape, 0 when empty */
    size_t mask;
} shape_table;

#define MAX_INDICES 16

/* Splits path into its shape (appended to t->text, not yet kept) and its
 * indices; returns how many, -1 when the path is written whole, -2 when
 * out of memory. Runs between brackets are copied at once. */
/* Room for a shape of n bytes and its NUL at the end of t->text. */
static bool shape_reserve(shape_table *t, size_t n) {
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *d = realloc(t->text, cap);
        if (!d)
            return false;
        t->text = d;
        t->cap = cap;
    }
    return true;
}

static int split_path(shape_table *t, const char *path, int64_t *idx, size_t *shape_len) {
    size_t n = strlen(path);
    if (!shape_reserve(t, n))
        return -2;
    char *out = t->text + t->len, *o = out;
    const char *p = path, *end = path + n;
    int k = 0;
    for (;;) {
        const char *b = memchr(p, '[', (size_t)(end - p));
        size_t run = (size_t)((b ? b : end) - p);
        memcpy(o, p, run);
        o += run;
        if (!b)
            break;
        if (b[1] == ']')
            return -1;
        const char *q = b + 1;
        int64_t v = 0;
        while (q < end && *q >= '0' && *q <= '9' && q - b <= 9)
            v = v * 10 + (*q++ - '0');
        size_t digits = (size_t)(q - b - 1);
        if (k < MAX_INDICES && q < end && *q == ']' && digits >= 1 &&
            (digits == 1 || b[1] != '0')) {
            idx[k++] = v;
            *o++ = '[';
            *o++ = ']';
            p = q + 1;
        } else {
            *o++ = '[';
            p = b + 1;
        }
    }
    *o = '\0';
    *shape_len = (size_t)(o - out);
    return k;
}

/* The shape just split (at the end of t->text) of hash h: its number, kept
 * when new. */
static long shape_id(shape_table *t, size_t len, uint64_t h) {
    const char *s = t->text + t->len;
    size_t at = (size_t)h & t->mask;
    while (t->slots[at]) {
        size_t id = t->slots[at] - 1;
        if (t->hash[id] == h && strcmp(t->text + t->start[id], s) == 0)
            return (long)id;
        at = (at + 1) & t->mask;
    }
    t->start[t->count] = t->len;
    t->hash[t->count] = h;
    t->slots[at] = ++t->count;
    t->len += len + 1;
    return (long)(t->count - 1);
}

static void shapes_free(shape_table *t) {
    free(t->text);
    free(t->start);
    free(t->hash);
    free(t->slots);
}

static void w_project_part(writer *w, const elg_decision *d) {
    w_kstr(w, "project", d->project);
    w_kint(w, "project_version", d->project_version);
    w_kstr(w, "project_sha256", d->project_sha256);
}

int elg_decision_write_json(const elg_decision *d, elg_text *out, elg_error *err) {
    writer w;
    int rc = writer_open(&w, out, err);
    if (rc)
        return rc;
    const elg_ruleset *rs = d->ruleset;
    w_map_open(&w);
    w_kint(&w, "format", ELG_DECISION_FORMAT);
    w_project_part(&w, d);
    w_kstr(&w, "call", rs->call);
    w_kint(&w, "call_version", rs->call_version);
    w_kstr(&w, "call_sha256", rs->call_sha256);
    w_kstr(&w, "call_title", rs->call_title);
    w_edition(&w, rs);
    w_kstr(&w, "outcome", elg_outcome_name(d->outcome));
    w_figures(&w, &d->figures);
    w_kstr(&w, "ruleset_sha256", rs->rule_files_sha256);
    w_rule_files(&w, rs);
    w_key(&w, "parameters");
    w_array_open(&w);
    for (size_t i = 0; i < d->params_count; i++)
        w_param(&w, d->params[i]);
    w_array_close(&w);
    w_limits(&w, rs);
    w_financer_versions(&w, rs);
    w_kstr(&w, "engine_version", rs->engine_version);
    w_key(&w, "rules");
    w_array_open(&w);
    for (size_t i = 0; i < d->rules_count; i++)
        w_rule(&w, rs, i, &d->rules[i], true, NULL, 0);
    w_array_close(&w);
    w_kstr(&w, "basis", rs->basis);
    if (d->id > 0) {
        w_kint(&w, "decision_id", d->id);
        w_kstr(&w, "created_at", d->created_at);
    }
    w_map_close(&w);
    return writer_close(&w, err);
}

/* What both forms of the record write of a decision's facts: the distinct
 * facts (ft), and per distinct fact its shape (-1: its path is written
 * whole) and indices. */
typedef struct record_facts {
    fact_table ft;
    shape_table st;
    long *shape;
    int *nidx;
    int64_t *idx; /* MAX_INDICES per fact */
} record_facts;

static void record_facts_free(record_facts *rf) {
    free(rf->ft.facts);
    free(rf->ft.index);
    free(rf->ft.slots);
    free(rf->ft.skip);
    shapes_free(&rf->st);
    free(rf->shape);
    free(rf->nidx);
    free(rf->idx);
}

/* shape[k]: the fact's shape in st, -1 when its path is written whole,
 * and with static_shapes (binary records) -2 - field for a path made once
 * (engine/factpath.h), which the record names by the field's number
 * instead of writing its shape. */
static int record_facts_of(const elg_decision *d, bool static_shapes, record_facts *rf,
                           elg_error *err) {
    memset(rf, 0, sizeof *rf);
    if (facts_index(d, &rf->ft))
        return elg_error_set(err, ELG_ENOMEM, "out of memory writing a decision");
    fact_table *ft = &rf->ft;
    shape_table *st = &rf->st;
    size_t cap = 16;
    while (cap < ft->count * 2)
        cap *= 2;
    st->mask = cap - 1;
    st->slots = calloc(cap, sizeof *st->slots);
    st->start = malloc((ft->count + 1) * sizeof *st->start);
    st->hash = malloc((ft->count + 1) * sizeof *st->hash);
    rf->shape = malloc((ft->count + 1) * sizeof *rf->shape);
    rf->nidx = malloc((ft->count + 1) * sizeof *rf->nidx);
    rf->idx = malloc((ft->count * MAX_INDICES + 1) * sizeof *rf->idx);
    bool oom = !st->slots || !st->start || !st->hash || !rf->shape || !rf->nidx || !rf->idx;
    for (size_t k = 0; k < ft->count && !oom; k++) {
        const elg_fact_path *fp = ft->facts[k]->fp;
        if (fp && static_shapes) {
            rf->idx[k * MAX_INDICES] = fp->index;
            rf->nidx[k] = 1;
            rf->shape[k] = -2 - (long)fp->field;
            continue;
        }
        if (fp) {
            /* Made once with its shape and index (engine/factpath.h): what
             * split_path would give, without reading the path again. */
            oom = !shape_reserve(st, fp->shape_len);
            if (!oom) {
                memcpy(st->text + st->len, fp->shape, fp->shape_len + 1);
                rf->idx[k * MAX_INDICES] = fp->index;
                rf->nidx[k] = 1;
                rf->shape[k] = shape_id(st, fp->shape_len, fp->shape_hash);
            }
            continue;
        }
        size_t len = 0;
        int n = split_path(st, ft->facts[k]->path, rf->idx + k * MAX_INDICES, &len);
        oom = n == -2;
        rf->nidx[k] = n;
        rf->shape[k] = n >= 0 ? shape_id(st, len, hash_text(st->text + st->len)) : -1;
    }
    if (oom) {
        record_facts_free(rf);
        return elg_error_set(err, ELG_ENOMEM, "out of memory writing a decision");
    }
    return 0;
}

int elg_decision_write_record(const elg_decision *d, elg_text *out, elg_error *err) {
    writer w;
    int rc = writer_open(&w, out, err);
    if (rc)
        return rc;
    const elg_ruleset *rs = d->ruleset;
    record_facts rf;
    if ((rc = record_facts_of(d, false, &rf, err))) {
        elg_text_release(out);
        return rc;
    }
    const fact_table *ft = &rf.ft;
    const shape_table *st = &rf.st;
    /* The project, its version and hash, the outcome and the ruleset are
     * the row's columns (store.h): the record does not repeat them. */
    w_map_open(&w);
    w_kint(&w, "format", ELG_DECISION_RECORD_FORMAT);
    /* The key figures are stored beside the record (elg_decision_write_figures). */
    w_key(&w, "parameters");
    w_array_open(&w);
    for (size_t i = 0; i < d->params_count; i++)
        w_str(&w, d->params[i]->name);
    w_array_close(&w);
    w_key(&w, "paths");
    w_array_open(&w);
    for (size_t i = 0; i < st->count; i++)
        w_str(&w, st->text + st->start[i]);
    w_array_close(&w);
    /* Rules read the same facts again and again: each (path, value) is
     * written once, in first reading order, and rules name them by index. */
    w_key(&w, "facts");
    w_array_open(&w);
    for (size_t k = 0; k < ft->count; k++) {
        w_array_open(&w);
        if (rf.shape[k] < 0)
            w_str(&w, ft->facts[k]->path);
        else {
            w_int(&w, rf.shape[k]);
            for (int q = 0; q < rf.nidx[k]; q++)
                w_int(&w, rf.idx[k * MAX_INDICES + (size_t)q]);
        }
        w_value(&w, &ft->facts[k]->value);
        w_array_close(&w);
    }
    w_array_close(&w);
    w_key(&w, "rules");
    w_array_open(&w);
    for (size_t i = 0, at = 0; i < d->rules_count; i++) {
        w_rule(&w, rs, i, &d->rules[i], false, ft->index + at, ft->skip[i]);
        at += d->rules[i].facts_count - ft->skip[i];
    }
    w_array_close(&w);
    w_map_close(&w);
    rc = writer_close(&w, err);
    if (rc)
        elg_text_release(out);
    record_facts_free(&rf);
    return rc;
}

/* ---- the binary record (format 5) ---------------------------------------
 *
 * The same content as the JSON record, in the same order, as varints and
 * length-prefixed bytes (docs/trace.md "Binary records"). Written for every
 * decision a batch stores, it takes a fraction of the JSON's time, and the
 * bytes zstd then compresses are half as many. Everything that the JSON
 * round trip changes is changed here the same way, so that both forms read
 * back to the same decision: text that is not valid UTF-8 becomes the same
 * notice, empty figures and lists are left out, an error's missing
 * error_at is "". */

static inline void b_byte(writer *w, unsigned c) {
    put_char(w, (char)c);
}

static void b_uint_long(writer *w, uint64_t v) {
    if (!reserve(w, 10))
        return;
    char *o = w->out->data + w->out->len, *p = o;
    while (v >= 0x80) {
        *p++ = (char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (char)v;
    w->out->len += (size_t)(p - o);
}

/* Most varints of a record are one byte (counts, indices, flags). */
static inline void b_uint(writer *w, uint64_t v) {
    elg_text *t = w->out;
    if (v < 0x80 && t->len + 2 <= t->cap && !w->oom) {
        t->data[t->len++] = (char)v;
        return;
    }
    b_uint_long(w, v);
}

static void b_int(writer *w, int64_t v) {
    b_uint(w, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63)); /* zigzag */
}

/* Whether s[0..len) is valid UTF-8, as put_string checks it. */
static bool utf8_valid(const char *text, size_t len) {
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        if (i + 8 <= len) {
            uint64_t x;
            memcpy(&x, s + i, 8);
            if (!(x & HIGHS)) {
                i += 8;
                continue;
            }
        }
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = utf8_len(s, i, len);
        if (!n)
            return false;
        i += n;
    }
    return true;
}

static void b_strn(writer *w, const char *s, size_t len) {
    if (!utf8_valid(s, len)) {
        s = INVALID_UTF8;
        len = strlen(INVALID_UTF8);
    }
    b_uint(w, len);
    put(w, s, len);
}

/* s, or the notice when s is not valid UTF-8; its length in *len. */
static const char *valid_text(const char *s, size_t *len) {
    *len = strlen(s);
    if (utf8_valid(s, *len))
        return s;
    *len = strlen(INVALID_UTF8);
    return INVALID_UTF8;
}

/* Text that may be NULL: its length + 1, 0 for NULL. */
static void b_ostr(writer *w, const char *s) {
    if (!s) {
        b_uint(w, 0);
        return;
    }
    size_t len;
    s = valid_text(s, &len);
    b_uint(w, len + 1);
    put(w, s, len);
}

enum { BV_NULL, BV_FALSE, BV_TRUE, BV_INT, BV_STRING, BV_LIST, BV_MAP };

static void b_value(writer *w, const elg_value *v, int depth) {
    if (depth > MAX_DEPTH) { /* as the JSON reader refuses it */
        w->oom = w->oom ? w->oom : 2;
        return;
    }
    switch (v->type) {
    case ELG_VALUE_NULL:
        b_byte(w, BV_NULL);
        break;
    case ELG_VALUE_BOOL:
        b_byte(w, v->u.boolean ? BV_TRUE : BV_FALSE);
        break;
    case ELG_VALUE_INT:
        b_byte(w, BV_INT);
        b_int(w, v->u.integer);
        break;
    case ELG_VALUE_STRING:
        b_byte(w, BV_STRING);
        b_strn(w, v->u.str.text, v->u.str.len);
        break;
    case ELG_VALUE_LIST:
        b_byte(w, BV_LIST);
        b_uint(w, v->u.list.count);
        for (size_t i = 0; i < v->u.list.count; i++)
            b_value(w, &v->u.list.items[i], depth + 1);
        break;
    case ELG_VALUE_MAP:
        b_byte(w, BV_MAP);
        b_uint(w, v->u.map.count);
        for (size_t i = 0; i < v->u.map.count; i++) {
            b_strn(w, v->u.map.pairs[i].key, strlen(v->u.map.pairs[i].key));
            b_value(w, &v->u.map.pairs[i].value, depth + 1);
        }
        break;
    }
}

/* The rank (1 for the first) among the keys of figures of the integer
 * figure of value v, 0 when none is, or its key is not unique (the reader
 * could not tell which) or ranks past 255. */
static unsigned figure_rank(const elg_value *figures, int64_t v) {
    const elg_value_pair *p = figures->u.map.pairs;
    size_t n = figures->u.map.count;
    for (size_t i = 0; i < n; i++) {
        if (p[i].value.type != ELG_VALUE_INT || p[i].value.u.integer != v)
            continue;
        size_t below = 0, same = 0;
        for (size_t j = 0; j < n; j++) {
            int c = strcmp(p[j].key, p[i].key);
            below += c < 0;
            same += c == 0;
        }
        return same == 1 && below < 255 ? (unsigned)below + 1 : 0;
    }
    return 0;
}

/* A rule's message (format 7). Its amounts are what zstd cannot take out
 * of it (README "Speed"): each amount written as elg_money_format writes
 * it (elg_money_text_before) whose value is one of the rule's integer
 * figures is written as ELG_BREC_MONEY and that figure's rank among the
 * figures' keys, which the reader formats back: it gives back exactly this
 * text. Valid UTF-8 never holds the byte 0xFF. The text is written as its
 * encoded length + 1, 0 for none, as b_ostr writes text. figures: a map
 * with figures in it, or NULL (b_rule's has_figures). */
static void b_message(writer *w, const char *s, const elg_value *figures) {
    if (!s) {
        b_uint(w, 0);
        return;
    }
    size_t len;
    s = valid_text(s, &len);
    struct {
        size_t at, len;
        unsigned rank;
    } spans[64];
    size_t nspans = 0, out_len = len, from = 0;
    /* The places first: the length comes before the bytes. */
    for (const char *e = s; figures && nspans < sizeof spans / sizeof *spans;) {
        e = memchr(e, 0xE2, len - (size_t)(e - s));
        if (!e)
            break;
        e++;
        if ((size_t)(s + len - e) < 2 || (unsigned char)e[0] != 0x82 || (unsigned char)e[1] != 0xAC)
            continue;
        e += 2;
        size_t end = (size_t)(e - s);
        elg_cents v;
        size_t at = elg_money_text_before(s + from, end - from, &v);
        if (at > end - from)
            continue;
        unsigned rank = figure_rank(figures, v);
        if (!rank)
            continue;
        spans[nspans].at = from + at;
        spans[nspans].len = end - from - at;
        spans[nspans++].rank = rank;
        out_len -= end - from - at - 2;
        from = end;
    }
    b_uint(w, out_len + 1);
    size_t at = 0;
    for (size_t i = 0; i < nspans; i++) {
        put(w, s + at, spans[i].at - at);
        b_byte(w, ELG_BREC_MONEY);
        b_byte(w, spans[i].rank);
        at = spans[i].at + spans[i].len;
    }
    put(w, s + at, len - at);
}

static void b_strings(writer *w, const char *const *s, size_t n) {
    b_uint(w, n);
    for (size_t i = 0; i < n; i++)
        b_ostr(w, s[i]);
}

static void b_rule(writer *w, const elg_ruleset *rs, size_t i, const elg_rule_result *r,
                   const size_t *fact_index, size_t skip, int format) {
    bool inline_decl = !declared_as(rs, i, r);
    bool has_figures = r->figures.type == ELG_VALUE_MAP && r->figures.u.map.count > 0;
    unsigned flags = (inline_decl ? ELG_BREC_INLINE : 0) | (skip ? ELG_BREC_DECLARED : 0) |
                     (has_figures ? ELG_BREC_FIGURES : 0) |
                     (r->notices_count ? ELG_BREC_NOTICES : 0) |
                     (r->missing_count ? ELG_BREC_MISSING : 0);
    b_byte(w, flags);
    b_byte(w, (unsigned)r->status);
    if (format >= 7)
        b_message(w, r->message, has_figures ? &r->figures : NULL);
    else
        b_ostr(w, r->message);
    if (inline_decl) {
        b_ostr(w, r->id);
        b_ostr(w, r->title);
        b_ostr(w, r->basis);
        b_ostr(w, r->source);
        b_ostr(w, r->kind);
    }
    if (r->status == ELG_RULE_ERROR) {
        b_ostr(w, r->error_at ? r->error_at : "");
        b_ostr(w, r->traceback);
    }
    b_uint(w, r->facts_count - skip);
    for (size_t k = skip; k < r->facts_count; k++)
        b_uint(w, fact_index[k - skip]);
    if (has_figures)
        b_value(w, &r->figures, 0);
    if (r->notices_count)
        b_strings(w, r->notices, r->notices_count);
    if (r->missing_count)
        b_strings(w, r->missing, r->missing_count);
    b_int(w, r->duration_us);
}

static void b_cats(writer *w, const elg_cat_amount *c, size_t n) {
    b_uint(w, n);
    for (size_t i = 0; i < n; i++) {
        b_ostr(w, c[i].category);
        b_int(w, c[i].amount);
    }
}

/* An amount that may be absent: 0, or 1 and the amount. */
static void b_opt_int(writer *w, bool has, int64_t v) {
    b_byte(w, has ? 1 : 0);
    if (has)
        b_int(w, v);
}

/* The key figures (format 6), in the order of the compact JSON's fields. */
static void b_figures(writer *w, const elg_figures *f) {
    b_ostr(w, f->call_financer);
    b_int(w, f->eligible_cost);
    b_int(w, f->total_resources);
    b_int(w, f->balance);
    b_cats(w, f->by_category, f->by_category_count);
    b_uint(w, f->financers_count);
    for (size_t i = 0; i < f->financers_count; i++) {
        const elg_financer_figures *x = &f->financers[i];
        b_ostr(w, x->financer);
        b_ostr(w, x->nature);
        b_byte(w, x->is_public ? 1 : 0);
        b_int(w, x->amount);
        b_int(w, x->requested);
        b_int(w, x->granted);
        b_cats(w, x->earmarked, x->earmarked_count);
        b_opt_int(w, x->has_share, x->share_bp);
        b_opt_int(w, x->has_max_grantable, x->max_grantable);
    }
    b_int(w, f->public_amount);
    b_opt_int(w, f->has_public_share, f->public_share_bp);
    b_opt_int(w, f->has_requested, f->requested);
    b_opt_int(w, f->has_max_grantable, f->max_grantable);
    b_ostr(w, f->max_grantable_rule);
}

int elg_decision_write_record_bin(const elg_decision *d, elg_text *out, elg_error *err) {
    return elg_decision_write_record_bin_format(d, ELG_BREC_FORMAT, out, err);
}

int elg_decision_write_record_bin_format(const elg_decision *d, int format, elg_text *out,
                                         elg_error *err) {
    if (format != 6 && format != ELG_BREC_FORMAT)
        return elg_error_set(err, ELG_EUSAGE, "writing a decision: no binary format %d", format);
    writer w;
    int rc = writer_open(&w, out, err);
    if (rc)
        return rc;
    const elg_ruleset *rs = d->ruleset;
    for (size_t i = 0; i < d->params_count; i++)
        if (d->params[i] < rs->params || d->params[i] >= rs->params + rs->params_count)
            return elg_error_set(err, ELG_EUSAGE,
                                 "writing a decision: parameter %s is not its ruleset's",
                                 d->params[i]->name);
    record_facts rf;
    if ((rc = record_facts_of(d, true, &rf, err)))
        return rc;
    const fact_table *ft = &rf.ft;
    const shape_table *st = &rf.st;
    put(&w, ELG_BREC_MAGIC, sizeof ELG_BREC_MAGIC - 1);
    b_byte(&w, (unsigned)format);
    b_uint(&w, d->params_count);
    for (size_t i = 0; i < d->params_count; i++)
        b_uint(&w, (uint64_t)(d->params[i] - rs->params));
    b_uint(&w, st->count);
    for (size_t i = 0; i < st->count; i++)
        b_ostr(&w, st->text + st->start[i]);
    b_uint(&w, ft->count);
    for (size_t k = 0; k < ft->count; k++) {
        /* 0: the path whole; else 1 + its shape (the record's, then the
         * fields' of engine/factpath.h), then one index per "[]". */
        if (rf.shape[k] == -1) {
            b_uint(&w, 0);
            b_ostr(&w, ft->facts[k]->path);
        } else if (rf.shape[k] < -1) {
            b_uint(&w, st->count + 1 + (uint64_t)(-2 - rf.shape[k]));
            b_uint(&w, (uint64_t)rf.idx[k * MAX_INDICES]);
        } else {
            b_uint(&w, (uint64_t)rf.shape[k] + 1);
            for (int q = 0; q < rf.nidx[k]; q++)
                b_uint(&w, (uint64_t)rf.idx[k * MAX_INDICES + (size_t)q]);
        }
        b_value(&w, &ft->facts[k]->value, 0);
    }
    b_uint(&w, d->rules_count);
    for (size_t i = 0, at = 0; i < d->rules_count; i++) {
        b_rule(&w, rs, i, &d->rules[i], ft->index + at, ft->skip[i], format);
        at += d->rules[i].facts_count - ft->skip[i];
    }
    b_figures(&w, &d->figures);
    if (w.oom == 2)
        rc = elg_error_set(err, ELG_EUSAGE, "writing a decision: a value nested too deeply");
    else
        rc = writer_close(&w, err);
    if (rc)
        elg_text_release(out);
    record_facts_free(&rf);
    return rc;
}

int elg_ruleset_write_json(const elg_ruleset *rs, elg_text *out, elg_error *err) {
    writer w;
    int rc = writer_open(&w, out, err);
    if (rc)
        return rc;
    w_map_open(&w);
    w_kstr(&w, "call", rs->call);
    w_kint(&w, "call_version", rs->call_version);
    w_kstr(&w, "call_sha256", rs->call_sha256);
    w_kstr(&w, "call_title", rs->call_title);
    w_kstr(&w, "basis", rs->basis);
    w_edition(&w, rs);
    w_kstr(&w, "ruleset_sha256", rs->rule_files_sha256);
    w_rule_files(&w, rs);
    w_key(&w, "parameters");
    w_array_open(&w);
    for (size_t i = 0; i < rs->params_count; i++)
        w_param(&w, &rs->params[i]);
    w_array_close(&w);
    w_key(&w, "rules");
    w_array_open(&w);
    for (size_t i = 0; i < rs->rules_count; i++) {
        const elg_rule_decl *r = &rs->rules[i];
        w_map_open(&w);
        w_kstr(&w, "id", r->id);
        w_kstr(&w, "title", r->title);
        w_kstr(&w, "basis", r->basis);
        w_kstr(&w, "source", r->source);
        w_kstr(&w, "kind", r->kind);
        if (r->declared_count) {
            w_key(&w, "declared_facts");
            w_array_open(&w);
            for (size_t k = 0; k < r->declared_count; k++) {
                w_array_open(&w);
                w_str(&w, r->declared[k].path);
                w_value(&w, &r->declared[k].value);
                w_array_close(&w);
            }
            w_array_close(&w);
        }
        w_map_close(&w);
    }
    w_array_close(&w);
    w_limits(&w, rs);
    w_financer_versions(&w, rs);
    w_kstr(&w, "engine_version", rs->engine_version);
    w_map_close(&w);
    return writer_close(&w, err);
}

int elg_ruleset_seal(elg_ruleset *rs, elg_error *err) {
    elg_text t = {0};
    int rc = elg_ruleset_write_json(rs, &t, err);
    if (rc == 0)
        elg_sha256_hex(t.data ? t.data : "", t.len, rs->sha256);
    elg_text_release(&t);
    return rc;
}
