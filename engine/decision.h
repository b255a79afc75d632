/*
 * decision: a decision as C data, written to JSON and read back in one place.
 *
 * The one idea: the evaluator builds an elg_decision once; everything else
 * (the store, replay, diff, the renderers, rule tests) reads its fields, never
 * JSON keys. A decision has two halves:
 *   - its ruleset (elg_ruleset): what is the same for every project evaluated
 *     against one prepared call and edition: the call's identity and text,
 *     the rules declared (id, title, legal basis, source line), the
 *     parameters in force, the rule files with their hashes, the financer
 *     versions, the limits. It is stored once, keyed by the sha256 of its
 *     JSON, and shared by reference between decisions;
 *   - the project's part: the project version, the outcome, the key figures
 *     and one result per declared rule, in declaration order.
 *
 * JSON forms (docs/trace.md):
 *   - the full decision document (format 1, the public contract of README:
 *     `check --format json`, `trace show --format json`): both halves
 *     inline, as it always was;
 *   - the stored record (formats 2 to 4): the project's part with a
 *     reference to its ruleset, and per rule only what differs from the
 *     ruleset's declaration. elg_decision_read accepts every format, so
 *     decisions stored by earlier versions still load, show and replay.
 *
 * Plain data with public fields, owned by the decision: strings and arrays
 * live in the decision's arena (or in its ruleset's), valid until
 * elg_decision_free. Treat everything reached from a const elg_decision *
 * as read-only. Money is int64 cents; shares are basis points.
 */
#ifndef ELG_DECISION_H
#define ELG_DECISION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "error.h"
#include "money.h"

#define ELG_DECISION_FORMAT 1 /* the full document's "format" */
/* The stored record's "format". 4: what the row's columns hold (project,
 * version, hash, outcome, ruleset) is not repeated in the record, fact
 * paths are written once per shape ("expenses[].amount") and a rule its
 * ruleset declares at the same position is named by that position. 3: a
 * rule's facts read while it was declared (the same for every project) are
 * in its ruleset, not repeated in each record. 2 and 3 are still read. */
#define ELG_DECISION_RECORD_FORMAT 4

/* ---- statuses and outcomes -------------------------------------------- */

typedef enum elg_rule_status {
    ELG_RULE_PASS = 0,
    ELG_RULE_FAIL,
    ELG_RULE_NA, /* "not-applicable" */
    ELG_RULE_ERROR,
    /* A fact the rule needs is absent: its `missing` list names the document
     * fields to fill (never empty). Not a failure: the decision is then
     * incomplete, unless another rule fails or errs. */
    ELG_RULE_MISSING,
} elg_rule_status;
#define ELG_RULE_STATUS_COUNT 5

typedef enum elg_outcome {
    ELG_OUTCOME_ELIGIBLE = 0,
    ELG_OUTCOME_INELIGIBLE,
    ELG_OUTCOME_ERROR,
    ELG_OUTCOME_INCOMPLETE, /* no rule fails or errs, at least one is missing facts */
} elg_outcome;
#define ELG_OUTCOME_COUNT 4

/* "pass", "fail", "not-applicable", "error", "missing". */
const char *elg_rule_status_name(elg_rule_status s);
/* The status named s; false when s is none of the five. */
bool elg_rule_status_parse(const char *s, elg_rule_status *out);
/* "eligible", "ineligible", "error", "incomplete". */
const char *elg_outcome_name(elg_outcome o);
bool elg_outcome_parse(const char *s, elg_outcome *out);
/* error if any rule errs, else ineligible if any fails, else incomplete if
 * any is missing facts, else eligible. */
elg_outcome elg_outcome_of(const elg_rule_status *statuses, size_t count);
/* The worse of two outcomes (error > ineligible > incomplete > eligible). */
elg_outcome elg_outcome_worst(elg_outcome a, elg_outcome b);

/* ---- values: facts, rule figures, parameters ---------------------------- */

typedef enum elg_value_type {
    ELG_VALUE_NULL = 0, /* also: a fact read that the project does not have */
    ELG_VALUE_BOOL,
    ELG_VALUE_INT, /* amounts are cents */
    ELG_VALUE_STRING,
    ELG_VALUE_LIST,
    ELG_VALUE_MAP, /* keys are text, sorted (Lua's order is not reproducible) */
} elg_value_type;

typedef struct elg_value elg_value;
typedef struct elg_value_pair elg_value_pair;

struct elg_value {
    elg_value_type type;
    union {
        bool boolean;
        int64_t integer;
        struct {
            const char *text; /* NUL-terminated, valid UTF-8 */
            size_t len;
        } str;
        struct {
            elg_value *items;
            size_t count;
        } list;
        struct {
            elg_value_pair *pairs;
            size_t count;
        } map;
    } u;
};

struct elg_value_pair {
    const char *key;
    elg_value value;
};

/* A deep copy of v into a (texts, lists, maps); -1 when out of memory. */
int elg_value_copy(elg_arena *a, const elg_value *v, elg_value *out);
/* Deep equality (map keys compared in order: maps are sorted). */
bool elg_value_equal(const elg_value *a, const elg_value *b);
/* The member key of a map (NULL when v is not a map or has no such key). */
const elg_value *elg_value_get(const elg_value *v, const char *key);

/* ---- the ruleset: the call-level half ----------------------------------- */

/* A rule as declared by the call's rule file. */
typedef struct elg_rule_decl {
    const char *id;
    const char *title;
    const char *basis;  /* legal basis, "" when none */
    const char *source; /* "rules/calls/x.lua:12", where it is declared */
    const char *kind;   /* the constructor ("ceiling", "notice"...), NULL for rule {} */
    /* Facts read while the rule was declared (a parameter given to its
     * constructor): the first facts of every result of the rule. */
    const struct elg_fact *declared;
    size_t declared_count;
} elg_rule_decl;

/* A call parameter in force, with the edition it comes from. */
typedef struct elg_param_value {
    const char *name;
    const char *type;    /* elg_param_type_name: "money", "rate", "list"... */
    elg_value value;     /* money: int cents; rate: {den, num}; list: strings... */
    const char *edition; /* NULL: the call's base value */
} elg_param_value;

typedef struct elg_file_ref {
    const char *path; /* "rules/lib/budget.lua" */
    const char *sha256;
} elg_file_ref;

typedef struct elg_financer_version {
    const char *financer;
    int version;
    const char *sha256;
} elg_financer_version;

typedef struct elg_ruleset {
    char sha256[65]; /* of its JSON (elg_ruleset_write_json): its key in the store */
    const char *call;
    int call_version;
    const char *call_sha256;
    const char *call_title;
    const char *basis;        /* the call's legal basis, "" when none */
    const char *edition_name; /* NULL: no edition in force */
    const char *edition_from;
    const char *rule_files_sha256; /* the decision's "ruleset_sha256": over the rule files */
    elg_file_ref *rule_files;
    size_t rule_files_count;
    elg_param_value *params; /* every parameter in force, sorted by name */
    size_t params_count;
    elg_rule_decl *rules; /* declared, in order; empty when declarations vary by project */
    size_t rules_count;
    uint64_t limit_instructions;
    uint64_t limit_memory;
    uint64_t limit_time_ms; /* 0: not recorded (decisions stored before it was) */
    uint64_t limit_output;  /* 0: not recorded */
    elg_financer_version *financers;
    size_t financers_count;
    const char *engine_version;
    /* private */
    int refs;
    elg_arena *arena;
} elg_ruleset;

/* An empty ruleset (refs = 1) with its own arena; fill its fields from
 * rs->arena, then call elg_ruleset_seal to compute sha256. */
elg_ruleset *elg_ruleset_new(void);
/* Computes rs->sha256 from its content. */
int elg_ruleset_seal(elg_ruleset *rs, elg_error *err);
elg_ruleset *elg_ruleset_ref(elg_ruleset *rs);
void elg_ruleset_unref(elg_ruleset *rs); /* NULL ok */
/* A parameter in force by name, NULL when the ruleset has none. */
const elg_param_value *elg_ruleset_param(const elg_ruleset *rs, const char *name);

/* ---- the project's half ---------------------------------------------- */

typedef struct elg_fact elg_fact;
struct elg_fact {
    const char *path; /* "expenses[6].amount", 0-based */
    elg_value value;  /* ELG_VALUE_NULL when the project does not have it */
    /* NULL, or the path made once with its hash and shape (engine/factpath.h),
     * whose path is then this one: what the record writer uses instead of
     * hashing and splitting the path again. */
    const struct elg_fact_path *fp;
};

typedef struct elg_rule_result {
    /* The declaration (borrowed from the ruleset when it is the same). */
    const char *id;
    const char *title;
    const char *basis;
    const char *source;
    const char *kind; /* may be NULL */
    elg_rule_status status;
    const char *message;
    const char *error_at;  /* errors only: "rules/calls/x.lua:12", else NULL */
    const char *traceback; /* errors only, may be NULL */
    elg_fact *facts;       /* in reading order */
    size_t facts_count;
    elg_value figures; /* a map (empty when none) */
    const char **notices;
    size_t notices_count;
    /* The document fields a `missing` rule needs ("applicants[0].siret");
     * empty on any other status. Decisions of earlier engines listed every
     * absent field a rule read, on any status. */
    const char **missing;
    size_t missing_count;
    int64_t duration_us;
} elg_rule_result;

/* Whether r's missing fields are ones the applicant must provide: a rule
 * that did not conclude (missing; in earlier decisions, fail or error). A
 * passing rule that read an absent optional field needs nothing. */
bool elg_rule_awaits_facts(const elg_rule_result *r);

typedef struct elg_cat_amount {
    const char *category; /* "staff", "equipment"... */
    elg_cents amount;
} elg_cat_amount;

typedef struct elg_financer_figures {
    const char *financer;
    const char *nature; /* "eu", "state"..., "unknown" */
    bool is_public;
    elg_cents amount, requested, granted;
    bool has_share;
    int64_t share_bp; /* of total resources, half up (display only) */
    elg_cat_amount *earmarked;
    size_t earmarked_count;
    bool has_max_grantable;
    elg_cents max_grantable;
} elg_financer_figures;

/* The key figures of the plan (engine/figures.h computes them). */
typedef struct elg_figures {
    const char *call_financer; /* NULL when none */
    elg_cents eligible_cost, total_resources, balance;
    elg_cat_amount *by_category; /* in order of first appearance */
    size_t by_category_count;
    elg_financer_figures *financers; /* in order of first appearance */
    size_t financers_count;
    elg_cents public_amount;
    bool has_public_share;
    int64_t public_share_bp;
    bool has_requested;
    elg_cents requested;
    bool has_max_grantable;
    elg_cents max_grantable;
    const char *max_grantable_rule; /* NULL when none */
} elg_figures;

typedef struct elg_decision {
    int64_t id;             /* 0 until stored */
    const char *created_at; /* NULL until stored */
    elg_ruleset *ruleset;   /* a reference held by the decision */
    const char *project;
    int project_version;
    const char *project_sha256;
    elg_outcome outcome;
    elg_figures figures;
    const elg_param_value **params; /* those the rules used, by name; point into ruleset */
    size_t params_count;
    elg_rule_result *rules; /* one per declared rule, in declaration order */
    size_t rules_count;
    int stored_format; /* the format it was read from (1 to 4), 0 when built */
    /* The sha256 of the published aid the evaluation was given (engine/check.c: the
     * applicants' aid received and the resource lines' published grants), "" when none: what
     * a batch's inputs key adds, so that a batch run again after `eligo import scdl` decides
     * again the projects whose aid changed. Not part of the record (replay reads the aid as
     * it stood). */
    char aid_sha256[65];
    elg_arena *arena;
} elg_decision;

/* An empty decision with its own arena, holding a reference to rs. */
elg_decision *elg_decision_new(elg_ruleset *rs);
void elg_decision_free(elg_decision *d); /* NULL ok */

/* ---- JSON -------------------------------------------------------------- */

/* Appends JSON to a growable buffer (a malloc'ed text owned by the caller). */
typedef struct elg_text {
    char *data; /* NUL-terminated */
    size_t len, cap;
} elg_text;
void elg_text_release(elg_text *t);

/* The full decision document (format 1 of README "The decision JSON"),
 * with decision_id and created_at when stored. */
int elg_decision_write_json(const elg_decision *d, elg_text *out, elg_error *err);
/* One value as compact JSON. */
int elg_value_write_json(const elg_value *v, elg_text *out, elg_error *err);
/* The key figures alone as stored (the decisions table's `figures`
 * column): each financer a list, in the order of the full form's keys. */
int elg_decision_write_figures(const elg_decision *d, elg_text *out, elg_error *err);
/* The key figures in their full form (`trace list --format json`). */
int elg_figures_write_json(const elg_figures *f, elg_text *out, elg_error *err);
/* The key figures stored in a decision's row (either form), read into *f
 * with its text in arena a. */
int elg_figures_read(const char *json, elg_arena *a, elg_figures *f, elg_error *err);
/* The stored record (ELG_DECISION_RECORD_FORMAT): the project's half,
 * referring to d->ruleset; the row's columns complete it (elg_decision_row). */
int elg_decision_write_record(const elg_decision *d, elg_text *out, elg_error *err);
/* The same record in binary (format 7, docs/trace.md "Binary records"):
 * what a batch stores, compressed, once its ruleset has a dictionary
 * (engine/zrecord.h). Unlike the JSON record it holds the key figures too,
 * so that the row's figures column can be left empty (store.h). Read by
 * elg_decision_read back to the decision the JSON record and its figures
 * give. ELG_EUSAGE for a decision it cannot represent (a parameter that is
 * not its ruleset's, a value nested deeper than 64). */
int elg_decision_write_record_bin(const elg_decision *d, elg_text *out, elg_error *err);
/* The same in format 7 (as elg_decision_write_record_bin) or 6 (its
 * messages written as plain text), so that the readers of records an
 * earlier eligo stored stay tested; ELG_EUSAGE for another format. */
int elg_decision_write_record_bin_format(const elg_decision *d, int format, elg_text *out,
                                         elg_error *err);
/* A binary record starts with these bytes (a NUL: never JSON), then its
 * format: 7 as written now; 6, whose messages are written as plain text,
 * and 5, also without the key figures (their row's figures column has
 * them), are still read. */
#define ELG_BREC_MAGIC "\0E"
#define ELG_BREC_FORMAT 7
#define ELG_BREC_FORMAT_OLDEST 5
/* In a message of format 7: this byte (never in UTF-8), then the rank
 * (1-based) among its rule's figures of the one whose value is written
 * there as elg_money_format writes it. */
#define ELG_BREC_MONEY 0xFF
/* Per rule, what follows its status and message. */
enum {
    ELG_BREC_INLINE = 1,   /* its declaration fields (not its ruleset's at this position) */
    ELG_BREC_DECLARED = 2, /* its first facts are its declaration's */
    ELG_BREC_FIGURES = 4,
    ELG_BREC_NOTICES = 8,
    ELG_BREC_MISSING = 16,
};
/* Whether bytes[0..len) is a binary record (else JSON). */
bool elg_decision_is_binary(const void *bytes, size_t len);
/* The format of a binary record (5 to 7), 0 when bytes is not one. */
int elg_decision_binary_format(const void *bytes, size_t len);
/* The ruleset's JSON (what its sha256 is computed over). */
int elg_ruleset_write_json(const elg_ruleset *rs, elg_text *out, elg_error *err);

/* Finds the ruleset a stored record refers to (the store). *rs receives a
 * new reference. */
typedef int (*elg_ruleset_fn)(void *ctx, const char *sha256, elg_ruleset **rs, elg_error *err);

/* What a stored decision's row holds beside its record (the columns of the
 * decisions table, store.h): a record of format 4 leaves these to its row. */
typedef struct elg_decision_row {
    const char *ruleset; /* the sha256 of its ruleset */
    const char *project;
    int project_version;
    const char *project_sha256;
    const char *outcome;
    const char *figures; /* the key figures' JSON */
    int64_t id;
    const char *created_at;
} elg_decision_row;

/*
 * Reads a decision from JSON text: a full document (format 1, with its own
 * ruleset built from its fields) or a stored record (formats 2 to 4, whose
 * ruleset is fetched through find and whose key figures, stored beside it,
 * are row->figures). row: the stored row (NULL for a document read alone,
 * which is then a full document or a record of format 2 or 3); a binary
 * record (format 5) is read like a record of format 4; its id and
 * created_at are set on the decision (0/NULL: from the document's
 * decision_id/created_at if any). ELG_ESTORE with a message naming the
 * field when the JSON is not a decision.
 */
int elg_decision_read(const char *json, size_t len, const elg_decision_row *row,
                      elg_ruleset_fn find, void *find_ctx, elg_decision **out, elg_error *err);
/* Reads a ruleset's JSON (as written by elg_ruleset_write_json). */
int elg_ruleset_read(const char *json, size_t len, elg_ruleset **out, elg_error *err);

#endif
