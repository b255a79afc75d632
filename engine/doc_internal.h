/*
 * doc_internal: what the four files of the doc module share, and nothing else includes.
 *
 * doc.c holds the entry points and runs the three readers in turn; doc_locate.c reads the
 * YAML text with libyaml (the kind, positions, field paths and every located error);
 * doc_schema.c holds the libcyaml side (the schemas of the raw structs below, loading,
 * libcyaml's errors, the walk of the loaded strings, freeing); doc_check.c checks the raw values
 * and converts them into the public structs of doc.h. Neither libyaml's nor libcyaml's types appear
 * here, so each library stays inside its own file.
 *
 * Every function taking a parse_ctx reports through c->err (first error wins) and returns
 * 0 or the negative code it recorded.
 */
#ifndef ELG_DOC_INTERNAL_H
#define ELG_DOC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "doc.h"

/* Field paths are built from schema keys and indices only (a user's unknown key is at most
 * the last segment), and elg_error keeps 256 bytes of it: a bounded buffer is enough. */
#define FIELD_MAX 256

typedef struct parse_ctx {
    const char *name; /* for messages */
    const char *data;
    size_t len;
    elg_error *err;
} parse_ctx;

/* ---- raw documents, as libcyaml loads them -------------------------------- */

/* Every scalar is read as a string: money, dates and enumerations are checked by this module,
 * which can then name the value and its line in the user's terms. */
typedef struct raw_param {
    char *name;
    char *money;
    char *rate;
    char *integer;
    char *text;
    char *date;
    char **list;
    unsigned list_count;
    char *boolean;
    char *source;
    /* Not in the schema: set by doc_check_texts, because libcyaml loads `list: []` as a NULL
     * pointer, the same as no `list` at all. */
    bool list_key;
} raw_param;

typedef struct raw_edition {
    char *name;
    char *from;
    raw_param *parameters;
    unsigned parameters_count;
} raw_edition;

typedef struct raw_financer {
    char *kind;
    char *id;
    char *name;
    char *nature;
    char *siret;
} raw_financer;

typedef struct raw_call {
    char *kind;
    char *id;
    char *title;
    char *financer;
    char *basis;
    char *basis_ref;
    char *opens;
    char *closes;
    char *envelope;
    char *rules;
    raw_param *parameters;
    unsigned parameters_count;
    raw_edition *editions;
    unsigned editions_count;
} raw_call;

typedef struct raw_applicant {
    char *name;
    char *status;
    char *siret;
    char *rna;
    char *commune;
    char *insee;
    char *share;
    char **approvals;
    unsigned approvals_count;
} raw_applicant;

typedef struct raw_period {
    char *start;
    char *end;
} raw_period;

typedef struct raw_expense {
    char *category;
    char *label;
    char *amount;
    char *action;
} raw_expense;

typedef struct raw_resource {
    char *financer;
    char *amount;
    char *status;
    char *label;
    char *earmark;
    char *action;
    char *grant_reference;
    char *grant_date;
} raw_resource;

typedef struct raw_aid {
    char *date;
    char *amount;
    char *source;
} raw_aid;

typedef struct raw_application {
    char *call;
    char *requested;
} raw_application;

typedef struct raw_project {
    char *kind;
    char *id;
    char *title;
    char *owner_status;
    raw_applicant *applicants;
    unsigned applicants_count;
    char **territory;
    unsigned territory_count;
    raw_period period;
    char *submitted;
    char **themes;
    unsigned themes_count;
    raw_expense *expenses;
    unsigned expenses_count;
    raw_resource *resources;
    unsigned resources_count;
    raw_application *applies_to;
    unsigned applies_to_count;
    raw_aid *de_minimis;
    unsigned de_minimis_count;
} raw_project;

/* An award (engine/award.h). */
typedef struct raw_award_funder {
    char *name;
    char *siret;
} raw_award_funder;

typedef struct raw_award_amounts {
    char *requested;
    char *proposed;
    char *voted;
} raw_award_amounts;

typedef struct raw_award_convention {
    char *date;
    char *reference;
} raw_award_convention;

typedef struct raw_award_payment {
    char *conditions;
    char *from;
    char *to;
} raw_award_payment;

typedef struct raw_beneficiary {
    char *name;
    char *siret;
    char *rna;
    char *amount;
} raw_beneficiary;

typedef struct raw_award {
    char *kind;
    char *id;
    char *project;
    char *call;
    char *decision;
    raw_award_funder funder;
    char *object;
    raw_award_amounts amounts;
    raw_award_convention convention;
    char **nature;
    unsigned nature_count;
    raw_award_payment payment;
    char *eu_notification;
    char *scheme;
    char *rae;
    raw_beneficiary *beneficiaries;
    unsigned beneficiaries_count;
} raw_award;

/* ---- doc_locate.c: positions, paths and located errors ---------------------- */

/* snprintf for field paths and lists of names shown to people: they may be cut at the buffer's
 * size, as elg_error cuts them anyway. Returns the length written. */
size_t doc_bounded(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records an input error at a 1-based line:column (0 when unknown) and a field path. */
int doc_fail_pos(parse_ctx *c, int line, int column, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

int doc_nomem(parse_ctx *c);

/* A value error at the position of the node at field, which is also the path shown. */
int doc_fail_at(parse_ctx *c, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The same, at the first key named key of the mapping at field: for errors about the key. */
int doc_fail_at_key(parse_ctx *c, const char *field, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The line of the node at path, 0 when it is not in the document. */
int doc_line_of(const parse_ctx *c, const char *path);

/* Where a path points. */
typedef struct doc_loc {
    int line;          /* 1-based, 0 when not found */
    int column;        /* 1-based */
    const char *found; /* what the user wrote there, in the user's terms: "a list", ... */
} doc_loc;

/*
 * Finds the node at path ("expenses[2].amount", "" for the root). With key, finds instead
 * the occurrence-th key named key (1 = first) in the mapping at path and returns the key's
 * own position. Returns false, loc->line 0, when the path is not in the document.
 */
bool doc_locate(const parse_ctx *c, const char *path, const char *key, int occurrence,
                doc_loc *loc);

/* Reads the top-level `kind:` without loading the document, which libcyaml cannot do without
 * knowing the schema. Also the place where empty and non-mapping documents are reported. */
int doc_sniff_kind(parse_ctx *c, elg_doc_kind *kind);

/* One open mapping or sequence of the walk, outermost first. */
typedef struct doc_frame {
    bool is_map;
    bool want_key; /* mapping: the next event is a key */
    size_t index;  /* sequence: index of the current entry */
    char *key;     /* mapping: the current key, owned by the walk */
} doc_frame;

/* Called for each scalar key, with the depth open frames, the last being the mapping holding
 * the key. */
typedef void (*doc_key_fn)(const doc_frame *frames, size_t depth, const char *key, void *ud);

/* Walks the whole stream, calling on_key (may be NULL) for each key. Reports the first syntax
 * error, alias, non-text key or second document as an error and returns its code; returns 0
 * when there is none. Used to diagnose what libcyaml reports without a usable path, and to see
 * keys libcyaml's data cannot show (see doc_walk_values). */
int doc_walk(parse_ctx *c, doc_key_fn on_key, void *ud);

/* A scalar value (never a key) met by doc_walk_values, as libyaml decoded it: escapes are
 * resolved, so text may hold any character, NUL included. */
typedef struct doc_scalar {
    const char *text; /* len bytes, not NUL-terminated */
    size_t len;
    int line, column; /* 1-based, where the node starts */
} doc_scalar;

/* Called for each scalar value, with the open frames as for doc_key_fn (the last is the
 * mapping or list holding the value). Returns 0, or the code of an error it recorded, which
 * stops the walk. */
typedef int (*doc_value_fn)(parse_ctx *c, const doc_frame *frames, size_t depth,
                            const doc_scalar *value, void *ud);

/* doc_walk, which also refuses every explicit tag but the standard ones listed in doc.h
 * (naming the tag, at the node) and field names holding a character no text may hold (libcyaml
 * reads "name\0x" as "name"), and calls on_value (may be NULL) for each scalar value. */
int doc_walk_values(parse_ctx *c, doc_key_fn on_key, doc_value_fn on_value, void *ud);

/* The field path of the node the frames lead to ("applicants[1].name"), cut at size. */
void doc_frames_path(const doc_frame *frames, size_t depth, char *buf, size_t size);

/* ---- doc_schema.c: libcyaml --------------------------------------------------- */

/* Loads the document with the schema of kind into *raw (a raw_financer, raw_call or
 * raw_project, raw_award), or reports why not and leaves *raw NULL. */
int doc_load_raw(parse_ctx *c, elg_doc_kind kind, void **raw);

/* Frees what doc_load_raw loaded for kind; NULL does nothing. */
void doc_free_raw(elg_doc_kind kind, void *raw);

/* Called for each string of a loaded document, with frames shaped as doc_walk's are at that
 * value (is_map and key only: the keys are the schema's, never freed). Returns 0 to go on. */
typedef int (*doc_raw_text_fn)(const doc_frame *frames, size_t depth, const char *text, void *ud);

/* Calls fn for every string doc_load_raw loaded into raw for kind, following the schema (the
 * order is the schema's, not the document's). Returns the first nonzero value fn returned, or
 * 0. Lets the texts be checked without walking the YAML events again (doc_check_texts). */
int doc_raw_each_text(elg_doc_kind kind, const void *raw, doc_raw_text_fn fn, void *ud);

/* ---- doc_check.c: values ------------------------------------------------------ */

/* The code point at text[0..len) (len > 0) into *cp; returns its length in bytes. Input that is
 * not UTF-8 (libyaml's reader refuses it) reads as one byte at a time, each its own value. */
size_t doc_utf8_next(const char *text, size_t len, unsigned long *cp);

/* Whether code point cp is refused in every text: a control, separator or formatting
 * character that a terminal or an editor could take for something else (list in doc.h). Tab
 * and line feed are not in it: allowed in multi-line texts only, the caller decides. */
bool doc_char_refused(unsigned long cp);

/* Copies at most max characters of text[0..len) into buf for a message, writing each refused
 * character, tab and line feed as \u{XXXX}, and "..." when cut; buf is cut at size too. */
void doc_quote(char *buf, size_t size, const char *text, size_t len, size_t max);

/* Checks every value as text (tags, lengths, characters, see doc.h) before any is converted:
 * on the loaded strings when they show every value as written (see doc.c), else, and to
 * locate a refused text, on the YAML events. For a call (always on the events) also notes its
 * `list:` keys (raw_param.list_key). */
int doc_check_texts(parse_ctx *c, elg_doc_kind kind, void *raw);

/* Check the raw values and fill the public struct, whose strings are borrowed from raw. Arrays
 * allocated into the public struct are left there on error too, for elg_doc_free. */
int doc_conv_financer(parse_ctx *c, const raw_financer *r, elg_financer *f);
int doc_conv_call(parse_ctx *c, raw_call *r, elg_call *call);
int doc_conv_project(parse_ctx *c, const raw_project *r, elg_project *p);
int doc_conv_award(parse_ctx *c, const raw_award *r, elg_award *a);

#endif
