/*
 * doc: the three document kinds (financer, call, project) read from YAML.
 *
 * The one idea: libcyaml enforces the structure (unknown field, missing
 * field, wrong type) and this module then checks the values (money, dates,
 * rates, enumerations); either way the error names the file, the line and
 * the field path ("expenses[2].amount", 0-based indices). Documents are
 * parsed from a buffer so that the verbatim bytes stored in the database can
 * be parsed again exactly as they were imported. Money fields are int64
 * cents, dates "YYYY-MM-DD" strings already validated.
 *
 * JSON Schemas for editors live in schemas/<kind>.schema.json and describe
 * the same structure.
 *
 * Checked beyond the structure: ids, parameter names and references to other
 * documents use only [A-Za-z0-9._-]; a text that is present is not empty;
 * enumerated values (natures, categories, resource statuses, legal statuses)
 * are one of their list, and an unknown one, like an unknown field, is refused
 * with the closest known name suggested ("vous vouliez dire « association » ?");
 * dates exist; amounts are not negative and at most ELG_DOC_MAX_AMOUNT; a call
 * closes no earlier than it opens and its `rules` is a relative path without
 * ".."; a project has at least one applicant, a period that ends no earlier
 * than it starts, shares of at most 100 % each and together (the error stands
 * at the share that takes the sum above 100 % and gives the sum; shares whose
 * exact sum needs a denominator above 2^62 are refused too), each call at
 * most once in `applies_to`, INSEE codes of 5 characters (59437, 2A004);
 * declared de minimis aid has a valid date and an amount; parameter names are
 * unique within a list and edition dates within a call; a parameter holds
 * exactly one of money, rate, integer, text, date, list (possibly empty) or
 * bool (true/false only). Refused as input: more than one YAML document,
 * aliases, keys that are not text, nesting deeper than ELG_DOC_MAX_DEPTH,
 * documents over ELG_DOC_MAX_BYTES.
 *
 * Every value is text first, and every text is checked before any value
 * (applicants' spreadsheets are hostile input, and a message must never echo
 * what a terminal would interpret):
 * - Explicit YAML tags: only the standard ones a value of these schemas can
 *   carry, !!str, !!int, !!float, !!bool, !!timestamp on a value, !!map on a
 *   mapping, !!seq on a list; any other (!!binary, !!null, "!", !custom, a tag
 *   redefined by %TAG) is refused with the tag named.
 * - Lengths, in characters (code points): ids, parameter names and references
 *   to other documents (financer, call) ELG_DOC_MAX_ID (128); a call's `rules`
 *   path ELG_DOC_MAX_PATH (256); multi-line texts (a call's `basis`, a
 *   parameter's `source` and `text`) ELG_DOC_MAX_LONG_TEXT (20 000); every
 *   other value (titles, names, labels, statuses, communes, list entries,
 *   amounts, dates...) ELG_DOC_MAX_TEXT (2 000). The message gives the length
 *   and the limit, never the text.
 * - Characters, however written (raw, or as a YAML escape such as "\e",
 *   "\a", "\x07", "\u0000", "\N", "\L"): control characters U+0000-U+001F,
 *   U+007F-U+009F, the line and paragraph separators U+2028 and U+2029, the
 *   bidirectional controls U+202A-U+202E and U+2066-U+2069, U+FEFF, U+FFFE and
 *   U+FFFF are refused; a tab and a line break (U+000A) are allowed only in
 *   the multi-line texts above. A no-break space (U+00A0, "\_") is allowed.
 *
 * ELG_DOC_MAX_AMOUNT is 100 000 000 000,00 € (10^13 cents): far above any
 * grant, budget or envelope (the EU's whole 2021-2027 budget is 1.2 * 10^12 €),
 * and small enough that no sum of the amounts of one document can overflow:
 * every amount takes at least 8 bytes of the document ("money:1" and a
 * separator), so a document of ELG_DOC_MAX_BYTES holds at most 524 288 of
 * them, which sum to at most 5.3 * 10^18 cents, under INT64_MAX (9.2 * 10^18).
 * doc_check.c asserts this at compile time; the money module's checked sums
 * stay as the second guard, for sums across documents.
 */
#ifndef ELG_DOC_H
#define ELG_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "award.h"
#include "error.h"
#include "money.h"

typedef enum elg_doc_kind {
    ELG_DOC_FINANCER = 1,
    ELG_DOC_CALL = 2,
    ELG_DOC_PROJECT = 3,
    ELG_DOC_AWARD = 4, /* engine/award.h */
} elg_doc_kind;

/* "financer", "call", "project", "award". */
const char *elg_doc_kind_name(elg_doc_kind kind);

/* ---- financer ---------------------------------------------------------- */

typedef enum elg_nature {
    ELG_NATURE_EU = 1,
    ELG_NATURE_STATE,
    ELG_NATURE_LOCAL_AUTHORITY,
    ELG_NATURE_SOCIAL_SECURITY,
    ELG_NATURE_PRIVATE,
    ELG_NATURE_SELF,
} elg_nature;

const char *elg_nature_name(elg_nature n); /* "eu", "state", "local-authority", ... */
/* Public money: eu, state, local-authority, social-security. */
bool elg_nature_is_public(elg_nature n);

typedef struct elg_financer {
    char *id;
    char *name;
    elg_nature nature;
    char *siret; /* 14 digits with a valid check digit, or NULL: what links the grants it
                  * publishes (SCDL idAttribuant, compared by SIREN) to its resource lines */
} elg_financer;

/* The financer of id among fs[0..n), or NULL. */
const elg_financer *elg_financer_find(const elg_financer *const *fs, size_t n, const char *id);

/* ---- call -------------------------------------------------------------- */

typedef enum elg_param_type {
    ELG_PARAM_MONEY = 1, /* YAML key `money:` */
    ELG_PARAM_RATE,      /* `rate:` "65 %", "6500 bp", "1/3" */
    ELG_PARAM_INTEGER,   /* `integer:` */
    ELG_PARAM_TEXT,      /* `text:` */
    ELG_PARAM_DATE,      /* `date:` */
    ELG_PARAM_LIST,      /* `list:` sequence of strings */
    ELG_PARAM_BOOL,      /* `bool:` true/false */
} elg_param_type;

const char *elg_param_type_name(elg_param_type t);

typedef struct elg_param {
    char *name;
    elg_param_type type;
    elg_cents money;
    elg_rate rate;
    long long integer;
    bool boolean;
    char *text;  /* TEXT and DATE */
    char **list; /* LIST */
    size_t list_count;
    char *source; /* where the value comes from (optional, may be NULL) */
} elg_param;

/* A set of parameters that applies from a date (inclusive). */
typedef struct elg_edition {
    char *name;
    char *from; /* YYYY-MM-DD */
    elg_param *params;
    size_t params_count;
} elg_edition;

typedef struct elg_call {
    char *id;
    char *title;
    char *financer;  /* financer id */
    char *basis;     /* legal basis, text */
    char *basis_ref; /* reference (deliberation number, URL), may be NULL */
    char *opens;     /* YYYY-MM-DD or NULL */
    char *closes;    /* YYYY-MM-DD or NULL */
    bool has_envelope;
    elg_cents envelope;
    char *rules;       /* rule file, relative to the rules directory */
    elg_param *params; /* base parameters (apply unless an edition overrides) */
    size_t params_count;
    elg_edition *editions; /* sorted by `from` ascending after parsing */
    size_t editions_count;
} elg_call;

/* The edition in force at date (YYYY-MM-DD): the one with the latest `from`
 * not after date; NULL when none (base parameters only). */
const elg_edition *elg_call_edition_at(const elg_call *call, const char *date);

/* A parameter by name as in force for edition (may be NULL): the edition's
 * value first, then the base value; NULL when undefined. */
const elg_param *elg_call_param(const elg_call *call, const elg_edition *edition, const char *name);

/* ---- project ----------------------------------------------------------- */

typedef enum elg_category {
    ELG_CAT_STAFF = 1,
    ELG_CAT_SERVICES,
    ELG_CAT_EQUIPMENT,
    ELG_CAT_TRAVEL,
    ELG_CAT_INDIRECT,
    ELG_CAT_OTHER,
} elg_category;

const char *elg_category_name(elg_category c); /* "staff", "services", ... */
int elg_category_from_name(const char *name);  /* 0 when unknown */

/* The closed list of legal statuses an applicant's `status` and a project's `owner_status`
 * may take (lower-case ids: association, scop, commune, epci, company...; each described in
 * French in schemas/project.schema.json and docs/guide-instructeur.md). A status outside it
 * is refused at import, with the closest one suggested: a misspelt status would otherwise
 * make a rule silently not applicable. Returns the i-th (0-based) or NULL past the end. */
const char *elg_legal_status_name(size_t i);

typedef struct elg_applicant {
    char *name;
    char *status;  /* legal status: association, scic, scop, commune, epci, company, ... */
    char *siret;   /* may be NULL */
    char *rna;     /* may be NULL */
    char *commune; /* may be NULL */
    char *insee;   /* INSEE code of the commune, 5 characters ("59437", "2A004"); may be NULL */
    bool has_share;
    elg_rate share;   /* declared share of grants among co-applicants */
    char **approvals; /* e.g. "esus" */
    size_t approvals_count;
} elg_applicant;

typedef struct elg_expense {
    elg_category category;
    char *label;
    elg_cents amount;
    char *action; /* the action (work package) of the project the line belongs to; may be NULL */
} elg_expense;

typedef enum elg_resource_status {
    ELG_RES_REQUESTED = 1,
    ELG_RES_GRANTED,
} elg_resource_status;

typedef struct elg_resource {
    char *financer; /* financer id */
    char *label;    /* may be NULL */
    elg_cents amount;
    elg_resource_status status;
    elg_category earmark; /* 0 when not earmarked */
    char *action;         /* as elg_expense.action; may be NULL */
    /* The act that granted the line, as its financer publishes it in SCDL (referenceDecision
     * and dateConvention): what ties the line to a published grant. NULL when not given;
     * grant_date only with grant_reference, and both only on a granted line. */
    char *grant_reference;
    char *grant_date; /* YYYY-MM-DD, may be NULL */
} elg_resource;

/* What the financer of a resource line published for it (eligo import scdl): the parts of the
 * SCDL rows whose funder SIREN is the financer's, whose beneficiary SIREN is an applicant's, and
 * whose referenceDecision (and dateConvention, when the line gives grant_date) is the line's. */
typedef struct elg_published_line {
    size_t rows;        /* 0: nothing published matches the line */
    elg_cents amount;   /* the sum of their parts */
    const char *source; /* "file:line" of the first, "+ N" when several */
} elg_published_line;

/* An aid the applicant declares having received (de minimis declaration). */
typedef struct elg_declared_aid {
    char *date; /* YYYY-MM-DD, when the aid was granted */
    elg_cents amount;
    char *source; /* who granted it, under which regime; may be NULL */
} elg_declared_aid;

typedef struct elg_application {
    char *call; /* call id */
    elg_cents requested;
} elg_application;

typedef struct elg_project {
    char *id;
    char *title;
    char *owner_status; /* NULL: taken from the first applicant */
    elg_applicant *applicants;
    size_t applicants_count;
    char **territory; /* communes */
    size_t territory_count;
    char *start;     /* YYYY-MM-DD */
    char *end;       /* YYYY-MM-DD */
    char *submitted; /* YYYY-MM-DD, may be NULL */
    char **themes;
    size_t themes_count;
    elg_expense *expenses;
    size_t expenses_count;
    elg_resource *resources;
    size_t resources_count;
    elg_application *applies_to;
    size_t applies_to_count;
    elg_declared_aid *de_minimis; /* aid declared over the past fiscal years */
    size_t de_minimis_count;
    /* Not read from the document: filled by the engine (engine/check.c) before evaluation with
     * the grants other funders published for the applicants' SIRENs (eligo import scdl). */
    const elg_declared_aid *aid_received;
    size_t aid_received_count;
    /* Also filled by the engine: one entry per resource line, what its financer published for
     * it; NULL when no line is tied to a published grant. */
    const elg_published_line *published;
} elg_project;

/* ---- documents --------------------------------------------------------- */

typedef struct elg_doc elg_doc;

/* Largest document accepted, in bytes: applicants' files are hostile input, and a grant
 * application that needs more than this is a mistake. */
#define ELG_DOC_MAX_BYTES (4u * 1024u * 1024u)
/* Deepest nesting of lists and mappings accepted (the schemas need 6). */
#define ELG_DOC_MAX_DEPTH 64
/* Longest values, in characters (see the header comment for which fields are which). */
#define ELG_DOC_MAX_ID 128
#define ELG_DOC_MAX_PATH 256
#define ELG_DOC_MAX_TEXT 2000
#define ELG_DOC_MAX_LONG_TEXT 20000
/* Largest amount accepted: 100 000 000 000,00 €, in cents. */
#define ELG_DOC_MAX_AMOUNT ((elg_cents)10000000000000)

/*
 * Parses one YAML document from data[0..len). `name` is used in error
 * messages (a file path, or "store:project/x@3"). The top-level `kind:` field
 * selects the schema. On error returns ELG_EINPUT (or ELG_ENOMEM) with err
 * naming name, line, column and field path; *out is left NULL.
 */
int elg_doc_parse(const char *name, const char *data, size_t len, elg_doc **out, elg_error *err);

/* Reads a file then parses it (ELG_EIO when the file cannot be read). */
int elg_doc_load_file(const char *path, elg_doc **out, elg_error *err);

void elg_doc_free(elg_doc *doc);

elg_doc_kind elg_doc_kind_of(const elg_doc *doc);
/* The document's id (borrowed, valid until elg_doc_free). */
const char *elg_doc_id(const elg_doc *doc);

/* The typed content; NULL when the document is of another kind. Borrowed. */
const elg_financer *elg_doc_financer(const elg_doc *doc);
const elg_call *elg_doc_call(const elg_doc *doc);
const elg_project *elg_doc_project(const elg_doc *doc);
const elg_award *elg_doc_award(const elg_doc *doc);

/*
 * Finds where field path (e.g. "resources[2].financer", 0-based indices;
 * "" for the document itself) stands in the YAML text data[0..len): the
 * line and column (1-based) of its value. Returns 0 when found, ELG_ENOTFOUND
 * otherwise (line and column then 0). name is only used for messages.
 */
int elg_doc_locate(const char *name, const char *data, size_t len, const char *field, int *line,
                   int *column);

/* Checks that date is a valid ISO 8601 calendar date YYYY-MM-DD. */
bool elg_doc_date_valid(const char *date);

#endif
