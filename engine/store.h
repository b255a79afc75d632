/*
 * store: the SQLite database that keeps documents with their history,
 * rule sources by content, and decisions (append-only).
 *
 * The one idea: the verbatim document is the truth. Every imported version is
 * kept with its sha256; importing identical bytes again changes nothing; a
 * batch of imports is one transaction, so a failing import writes nothing.
 * The schema lives in schemas/store.sql (embedded at build time) and is
 * versioned with PRAGMA user_version; opening a store applies the missing
 * migrations. One elg_store per thread.
 *
 * Every project version also has its compact form (engine/form.h), written
 * with the version, and is listed under each call it applies to, so that
 * evaluating stored projects reads no YAML and finds a call's projects by
 * index. Every statement the store runs uses an index, except the walks whose
 * purpose is to return every row (elg_store_explain_each shows the plans).
 */
#ifndef ELG_STORE_H
#define ELG_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "doc.h"
#include "error.h"

typedef struct elg_store elg_store;

/* Opens (creating if needed) the database at path, in WAL mode with foreign
 * keys on and a busy timeout, and migrates it to the current schema. The
 * first store opened in a process turns SQLite's memory statistics off
 * (process-wide, before SQLite is first used; eligo never reads them). */
int elg_store_open(const char *path, elg_store **out, elg_error *err);
/* elg_store_open for a store that must exist already (the commands that
 * only read): ELG_ENOTFOUND when there is no file at path, which is left
 * uncreated. */
int elg_store_open_existing(const char *path, elg_store **out, elg_error *err);
void elg_store_close(elg_store *store);
/* The file the store was opened from (what worker processes open again:
 * a connection is never carried across fork); NULL for a store in memory.
 * Borrowed from the connection. */
const char *elg_store_path(const elg_store *store);

/* Schema version this build writes (PRAGMA user_version). */
int elg_store_schema_version(void);

/* Explicit transactions (BEGIN IMMEDIATE / COMMIT / ROLLBACK). Rollback never
 * overwrites an error already held in err, and does nothing outside a
 * transaction. A failed commit rolls the transaction back. */
int elg_store_begin(elg_store *store, elg_error *err);
int elg_store_commit(elg_store *store, elg_error *err);
void elg_store_rollback(elg_store *store);
/* Whether a transaction is open on the connection. */
int elg_store_in_transaction(elg_store *store);
/* From start to stop (or close), the store's log is checkpointed by a
 * thread of its own (engine/checkpoint.h): the connection's commits never
 * wait for the disk. For a long run of commits (a batch); stopping when
 * not started does nothing. */
int elg_store_checkpoints_start(elg_store *store, elg_error *err);
void elg_store_checkpoints_stop(elg_store *store);
/* Around a fork while they run: hold 1 before, 0 after (elg_ckpt_hold). */
void elg_store_checkpoints_hold(elg_store *store, int hold);

/* A stored document version. Strings are owned by the struct; free with
 * elg_store_doc_release. */
typedef struct elg_stored_doc {
    char *kind;
    char *id;
    int version;
    char *sha256; /* hex, 64 chars */
    char *body;   /* verbatim bytes, NUL-terminated for convenience */
    size_t body_len;
    char *source;      /* file it was imported from */
    char *imported_at; /* ISO 8601 UTC */
} elg_stored_doc;

void elg_store_doc_release(elg_stored_doc *doc);

/*
 * Records a document version. When the latest version of (kind, id) has the
 * same sha256, nothing is written and *version is that version with
 * *created = 0; otherwise a new version (latest + 1, or 1) is inserted and
 * *created = 1. Call inside a transaction for all-or-nothing batches. A
 * project's body is parsed (errors name source, or id when there is none) to
 * store its compact form: ELG_EINPUT when it does not parse, ELG_EUSAGE when
 * it is not project id.
 */
int elg_store_put_doc(elg_store *store, const char *kind, const char *id, const char *body,
                      size_t body_len, const char *source, int *version, int *created,
                      elg_error *err);

/* elg_store_put_doc for a project already parsed from body: project must be
 * what body parses to (the caller has just parsed it; the store does not parse
 * it again). */
int elg_store_put_project(elg_store *store, const elg_project *project, const char *body,
                          size_t body_len, const char *source, int *version, int *created,
                          elg_error *err);

/* *found = whether any version of (kind, id) is stored, this transaction's
 * writes included. */
int elg_store_has_doc(elg_store *store, const char *kind, const char *id, int *found,
                      elg_error *err);

/* Latest version (version <= 0) or a given version of (kind, id).
 * ELG_ENOTFOUND when absent. */
int elg_store_get_doc(elg_store *store, const char *kind, const char *id, int version,
                      elg_stored_doc *out, elg_error *err);

/* Calls fn for the latest version of every document of kind (NULL: all
 * kinds), ordered by kind then id. fn returning non-zero stops the walk and
 * that value is returned. The doc's strings are borrowed for the call's
 * duration (copy what you keep). */
typedef int (*elg_store_doc_fn)(void *ctx, const elg_stored_doc *doc);
int elg_store_each_doc(elg_store *store, const char *kind, elg_store_doc_fn fn, void *ctx,
                       elg_error *err);

/* A project version's compact form (decode with elg_form_decode_project).
 * From elg_store_get_project_form, id and form are malloc'ed (release with
 * elg_store_form_release); in a walk, they are borrowed for the call. */
typedef struct elg_stored_form {
    char *id;
    int version;
    char sha256[65]; /* of the document, as a decision records it */
    void *form;
    size_t form_len;
} elg_stored_form;

/* Latest (version <= 0) or given version of project id with its compact
 * form: one indexed lookup. ELG_ENOTFOUND when absent. */
int elg_store_get_project_form(elg_store *store, const char *id, int version, elg_stored_form *out,
                               elg_error *err);
void elg_store_form_release(elg_stored_form *f);

/* Calls fn with the latest version of every project that applies to call_id
 * (a project whose latest version no longer applies is left out), ordered by
 * project id; f is borrowed for the call. fn returning non-zero stops the walk
 * and that value is returned. */
int elg_store_each_project_form_for_call(elg_store *store, const char *call_id,
                                         int (*fn)(void *ctx, const elg_stored_form *f), void *ctx,
                                         elg_error *err);

/*
 * Import batches (engine/import.c), so that an import need not keep its
 * documents in memory. Inside the import's transaction the store notes which
 * documents the batch read and the references that nothing stored satisfied
 * yet, in TEMP tables private to the connection; they follow the transaction
 * (a rollback forgets them) and stay after a commit until the next reset.
 */

/* Forgets the notes of the previous batch. */
int elg_store_batch_reset(elg_store *store, elg_error *err);

/* Notes document number seq of the batch (read from path, stored as version
 * with created as elg_store_put_doc said). When an earlier document of the
 * batch had the same kind and id, nothing is noted and *earlier is that
 * document's path (malloc'ed); otherwise *earlier is NULL. */
int elg_store_batch_note(elg_store *store, int64_t seq, const char *path, const char *kind,
                         const char *id, int version, int created, char **earlier, elg_error *err);

/* Notes that field of document seq (its pos-th reference, pos counting up
 * within the document) names (kind, id), which nothing stored satisfies yet. */
int elg_store_batch_defer(elg_store *store, int64_t seq, int pos, const char *field,
                          const char *kind, const char *id, elg_error *err);

/* A deferred reference nothing satisfies, with the document holding it.
 * Strings malloc'ed; release with elg_store_batch_ref_release. */
typedef struct elg_batch_ref {
    int64_t seq;
    char *path;  /* the document's file */
    char *field; /* "applies_to[1].call" */
    char *kind;  /* what it names */
    char *id;
    char *body; /* the document's bytes, to locate the field */
    size_t body_len;
} elg_batch_ref;

/* The first (by seq, then pos) deferred reference that no stored document
 * satisfies now: *found = 1 and out filled, or *found = 0. */
int elg_store_batch_unresolved(elg_store *store, elg_batch_ref *out, int *found, elg_error *err);
void elg_store_batch_ref_release(elg_batch_ref *ref);

/* A noted document, strings borrowed for the call. */
typedef struct elg_batch_doc {
    int64_t seq;
    const char *path;
    const char *kind;
    const char *id;
    int version;
    int created;
} elg_batch_doc;

/* Calls fn for every noted document, by seq; non-zero from fn stops the walk
 * and is returned. */
int elg_store_batch_each(elg_store *store, int (*fn)(void *ctx, const elg_batch_doc *d), void *ctx,
                         elg_error *err);

/* Stores a rule source by content (once per distinct sha256). */
int elg_store_put_rule_source(elg_store *store, const char *sha256, const char *body,
                              size_t body_len, elg_error *err);
/* Fetches a rule source by sha256; *body is malloc'ed, caller frees. */
int elg_store_get_rule_source(elg_store *store, const char *sha256, char **body, size_t *len,
                              elg_error *err);

/* A decision row. Strings owned by the struct; release with
 * elg_store_decision_release. JSON columns are text. */
typedef struct elg_stored_decision {
    int64_t id;
    char *project;
    int project_version;
    char *project_sha256;
    char *call;
    int call_version;
    char *call_sha256;
    char *ruleset_sha256;
    char *engine_version;
    char *outcome; /* eligible | ineligible | error */
    /* The key figures, a JSON object; "" when the record holds them (a
     * binary record of format 6, as a batch stores them compressed:
     * elg_check_row_figures reads either). */
    char *figures;
    /* The record: a JSON object (a full document, or a record of formats
     * 2 to 4), or a binary record (format 5 or 6, decision.h), which holds
     * NUL bytes: read it with its length. */
    char *trace;
    size_t trace_len; /* reads only */
    char *created_at; /* ISO 8601 UTC */
    char *ruleset;    /* sha256 of its ruleset (format 2 trace); NULL for older decisions */
    /* Inserts only (borrowed, never set by reads, not freed by release): the
     * record already compressed by a batch's worker (engine/zrecord.h) with
     * the dictionary of that sha256, handed to elg_store_put_trace_dict
     * first; trace is then ignored. Reads always give the text. */
    const void *trace_z;
    size_t trace_z_len;
    const char *trace_dict_sha256;
} elg_stored_decision;

void elg_store_decision_release(elg_stored_decision *d);

/* A rule file used by a decision: its path relative to the rules directory
 * and the sha256 of its content (stored with elg_store_put_rule_source). */
typedef struct elg_rule_file_ref {
    const char *path;
    const char *sha256;
} elg_rule_file_ref;

/* Appends a decision (d->id and d->created_at are ignored and assigned);
 * *id receives the new id. Decisions can never be updated or deleted. */
int elg_store_add_decision(elg_store *store, const elg_stored_decision *d,
                           const elg_rule_file_ref *files, size_t files_count, int64_t *id,
                           elg_error *err);

int elg_store_get_decision(elg_store *store, int64_t id, elg_stored_decision *out, elg_error *err);

/* Rulesets (engine/decision.h): the call-level half of decisions, by the
 * sha256 of their JSON. has: *has = 1 when stored. put: stores the body and
 * its rule files (whose sources must already be stored), inside the
 * caller's transaction; storing the same sha256 twice is an error (check
 * with has first). get: *body malloc'ed, ELG_ENOTFOUND when absent. */
int elg_store_has_ruleset(elg_store *store, const char *sha256, int *has, elg_error *err);
int elg_store_put_ruleset(elg_store *store, const char *sha256, const char *body, size_t body_len,
                          const elg_rule_file_ref *files, size_t files_count, elg_error *err);
int elg_store_get_ruleset(elg_store *store, const char *sha256, char **body, size_t *len,
                          elg_error *err);

/* Keeps dict (len bytes) as a record dictionary of ruleset (stored), once by
 * content, for the decisions that follow to name by its sha256
 * (trace_dict_sha256 above). Inside the caller's transaction. */
int elg_store_put_trace_dict(elg_store *store, const char *ruleset, const void *dict, size_t len,
                             elg_error *err);

/* Appends a decision whose d->ruleset is stored (its trace is the format 2
 * record): one row, no per-decision file rows. *id and created_at (a
 * buffer of created_at_size bytes, 32 is enough) receive what the store
 * assigned. Call inside a transaction; many decisions may share one. */
int elg_store_add_decision_record(elg_store *store, const elg_stored_decision *d, int64_t *id,
                                  char *created_at, size_t created_at_size, elg_error *err);

/*
 * Appends a decision as elg_store_add_decision_record does, unless a
 * decision with the same inputs_key (engine/check.h: the sha256 of the
 * project version's and of the ruleset's) is stored: then nothing is
 * written, *created = 0 and *id / created_at are the stored decision's.
 * Decisions stored by `eligo batch` have a key; the others none.
 */
int elg_store_add_decision_keyed(elg_store *store, const elg_stored_decision *d,
                                 const char *inputs_key, int64_t *id, char *created_at,
                                 size_t created_at_size, int *created, elg_error *err);

/* elg_store_each_project_form_for_call limited to the projects whose latest
 * version was imported at or after since (an ISO 8601 prefix, as for the
 * decision listing); since NULL: every project. */
int elg_store_each_project_form_for_call_since(elg_store *store, const char *call_id,
                                               const char *since,
                                               int (*fn)(void *ctx, const elg_stored_form *f),
                                               void *ctx, elg_error *err);

/*
 * A batch's projects (engine/batch.h), noted in a TEMP table private to the
 * connection so that its allocation (engine/envelope.h) reads them sorted by
 * SQLite, whatever their number, without holding them in memory. The notes
 * follow the transactions (a rollback forgets the uncommitted ones) and stay
 * until the next clear.
 */
typedef struct elg_batch_item {
    int64_t seq;          /* the project's position in the batch (project id order) */
    const char *group;    /* allocation group: "" (the whole call) or an edition */
    const char *sort_key; /* allocation order within the group, then seq */
    const char *project;
    int version;
    const char *edition; /* NULL: no edition */
    const char *outcome; /* "eligible" | "ineligible" | "error" */
    int has_requested;
    elg_cents requested;
    elg_cents grantable; /* what the call may grant: 0 unless eligible */
    int64_t decision_id; /* 0: not stored (whatif) */
    int reused;          /* the decision was already stored from the same inputs */
    int phase;           /* a batch notes one phase (0); what-if two: before (0), after (1) */
} elg_batch_item;

int elg_store_batch_items_clear(elg_store *store, elg_error *err);
int elg_store_batch_item_add(elg_store *store, const elg_batch_item *item, elg_error *err);
/* Calls fn for every item of phase ordered by group, sort_key, seq; strings
 * borrowed for the call; non-zero from fn stops the walk and is returned. */
int elg_store_batch_items_each(elg_store *store, int phase,
                               int (*fn)(void *ctx, const elg_batch_item *item), void *ctx,
                               elg_error *err);

/* *count = the number of projects elg_store_each_project_form_for_call walks. */
int elg_store_count_projects_for_call(elg_store *store, const char *call_id, int64_t *count,
                                      elg_error *err);

/* The rule files of a decision, in the order they were recorded. Calls fn
 * with (path, sha256) borrowed for the call's duration. */
typedef int (*elg_store_rule_file_fn)(void *ctx, const char *path, const char *sha256);
int elg_store_each_decision_file(elg_store *store, int64_t id, elg_store_rule_file_fn fn, void *ctx,
                                 elg_error *err);

/* Lists decisions matching filters (NULL or empty: no filter), oldest first.
 * since/until compare with created_at as ISO 8601 text prefixes, both
 * inclusive: since "2024-03" starts on 1 March, until "2024-03-31" takes all
 * of that day. The decision's strings are borrowed for the call's duration. */
typedef struct elg_decision_filter {
    const char *project;
    const char *call;
    const char *outcome;
    const char *since;
    const char *until;
} elg_decision_filter;
typedef int (*elg_store_decision_fn)(void *ctx, const elg_stored_decision *d);
int elg_store_each_decision(elg_store *store, const elg_decision_filter *filter,
                            elg_store_decision_fn fn, void *ctx, elg_error *err);

/* ---- awards and aid received (engine/award.h) ----------------------------
 * Awards are versioned like documents (same sha256 rule, *version and
 * *created as elg_store_put_doc says), in their own table. */

/* Stores a version of award a, parsed from body. When a->decision is set,
 * the decision must exist and be on a->project and a->call (ELG_EINPUT,
 * field "decision", otherwise). */
int elg_store_put_award(elg_store *store, const elg_award *a, const char *body, size_t body_len,
                        const char *source, int *version, int *created, elg_error *err);

/* Which awards elg_store_each_award walks (NULL or empty: no filter). since
 * and until compare with the convention date as text prefixes, both
 * inclusive ("2018" is the whole year). */
typedef struct elg_award_filter {
    const char *call;
    const char *funder_siret;
    const char *since;
    const char *until;
} elg_award_filter;

/* Calls fn for the latest version of every award matching filter, by id;
 * doc (kind "award") is borrowed for the call. */
int elg_store_each_award(elg_store *store, const elg_award_filter *filter, elg_store_doc_fn fn,
                         void *ctx, elg_error *err);

/* Records an aid received, keyed by the file's sha256 and line: *added = 0
 * when that row was imported already (nothing written). */
int elg_store_put_aid_received(elg_store *store, const char *file_sha256, int line,
                               const elg_aid_received *aid, int *added, elg_error *err);

/* Calls fn for every aid received by SIREN siren, by date; aid is borrowed
 * for the call. until (NULL: no limit) keeps only the rows imported at or
 * before it (ISO 8601 UTC, as created_at): the rows are append-only, so a
 * decision's created_at gives back the aid it saw. */
typedef int (*elg_store_aid_fn)(void *ctx, const elg_aid_received *aid);
int elg_store_each_aid_received(elg_store *store, const char *siren, const char *until,
                                elg_store_aid_fn fn, void *ctx, elg_error *err);

/* Test hook: calls fn with the name and the EXPLAIN QUERY PLAN (its detail
 * lines, each ended by a newline) of every statement the store runs: the
 * prepared ones, each variant of the decision listing, and the migrations'
 * queries. Both strings borrowed for the call. */
typedef int (*elg_store_plan_fn)(void *ctx, const char *name, const char *plan);
int elg_store_explain_each(elg_store *store, elg_store_plan_fn fn, void *ctx, elg_error *err);

#endif
