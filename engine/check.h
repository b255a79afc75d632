/*
 * check: the stored side of the decision path: calls prepared from the
 * store, projects read from the store, decisions stored with their ruleset.
 *
 * The one idea: a decision is reproducible. It is computed from the stored
 * version of the project and of the call (never from files on disk), and it
 * records the sha256 of those versions, of every financer version and of
 * every rule file used; the rule sources are stored by content and the
 * call-level half of the decision (its ruleset) once per distinct content,
 * so that the decision can be explained and replayed after the files change.
 */
#ifndef ELG_CHECK_H
#define ELG_CHECK_H

#include "decision.h"
#include "eval.h"
#include "rules.h"
#include "store.h"

/* A call prepared from the store, with the financer documents it reads. */
typedef struct elg_check_call elg_check_call;

/*
 * Prepares call_id (version <= 0: the latest) on rules, with the financers
 * in force: exactly the pinned versions when pinned is not NULL (replay),
 * else the latest version of every stored financer. ELG_ENOTFOUND for an
 * unknown call or financer version.
 */
int elg_check_call_open(elg_store *store, elg_rules *rules, const char *call_id, int version,
                        const elg_financer_version *pinned, size_t pinned_count,
                        elg_check_call **out, elg_error *err);
void elg_check_call_close(elg_check_call *cc); /* NULL ok */

/* The aid received (eligo import scdl) that decisions of cc see: only rows imported at or
 * before until (ISO 8601 UTC, copied; NULL: all, the default). Replay passes the decision's
 * created_at, so that files imported since do not change it. */
void elg_check_call_aid_until(elg_check_call *cc, const char *until);

/* Prepares the call document body (named name in errors, recorded as
 * version with the sha256 of body) with the latest stored financers: a call
 * that is not stored, such as an edited one (eligo whatif). ELG_EINPUT
 * when body is not a valid call document. */
int elg_check_call_open_text(elg_store *store, elg_rules *rules, const char *name, int version,
                             const char *body, size_t len, elg_check_call **out, elg_error *err);
/* The call document and the prepared call (borrowed). */
const elg_call *elg_check_call_doc(const elg_check_call *cc);
elg_eval *elg_check_call_eval(elg_check_call *cc);

/* Decides in->project against cc with the aid received (eligo import scdl)
 * that store holds for its applicants' SIREN, as every stored decision is
 * made (store NULL: none). */
int elg_check_decide_in(elg_check_call *cc, elg_store *store, const elg_eval_project *in,
                        elg_decision **out, elg_error *err);

/* Decides stored project project_id (version <= 0: the latest) against cc,
 * from its compact form (one indexed lookup, no YAML parsed); stores
 * nothing. ELG_ENOTFOUND for an unknown project. */
int elg_check_decide(elg_check_call *cc, elg_store *store, const char *project_id, int version,
                     elg_decision **out, elg_error *err);

/* Decides, one after the other in project id order, the latest version of
 * every stored project applying to cc's call, streaming (one project in
 * memory at a time); fn gets each decision, borrowed for the call (store it
 * with elg_check_store if wanted). fn returning non-zero stops the walk. */
typedef int (*elg_check_decision_fn)(void *ctx, elg_decision *d);
int elg_check_each_project(elg_check_call *cc, elg_store *store, elg_check_decision_fn fn,
                           void *ctx, elg_error *err);

/*
 * Stores d (its ruleset and rule sources first, when this store does not
 * have them yet) and sets d->id and d->created_at. Runs in the caller's
 * transaction when one is open (so that a batch stores many decisions per
 * transaction), else in its own.
 */
int elg_check_store(elg_store *store, elg_rules *rules, elg_decision *d, elg_error *err);

/*
 * Storing in two halves, for batches (engine/batch.h): the decision is
 * encoded where it is made (a worker process, engine/pool.h) and inserted
 * by the one writer, which moves bytes and parses no JSON.
 *
 * The inputs key of a decision is the sha256 of "eligo-inputs-1\n", its
 * project version's sha256, "\n", its ruleset's sha256 and "\n": the ruleset
 * covers the call version, the rule files, the parameters in force, the
 * financer versions, the limits and the engine version; then, when the
 * evaluation was given published aid (eligo import scdl), its sha256
 * (elg_decision.aid_sha256) and "\n", so that importing a file changes the
 * key of exactly the projects whose aid it changes. A keyed insert stores
 * nothing when a decision with the same key is stored.
 */
void elg_check_inputs_key(const elg_decision *d, char hex[65]);

/* Remembers which rulesets it has encoded: the first decision of each
 * ruleset carries the ruleset's JSON and rule sources, the next ones only
 * its sha256. Borrows rules (the sources). */
typedef struct elg_check_encoder elg_check_encoder;
elg_check_encoder *elg_check_encoder_new(elg_rules *rules); /* NULL: out of memory */
void elg_check_encoder_free(elg_check_encoder *enc);        /* NULL ok */

/* Appends d, encoded (engine/wire.h fields), to out. */
int elg_check_encode(elg_check_encoder *enc, const elg_decision *d, elg_text *out, elg_error *err);

/* What elg_check_insert did. */
typedef struct elg_check_inserted {
    int64_t id;
    char created_at[40];
    int created; /* 0: a decision with the same inputs was already stored (keyed only) */
    char project[129];
} elg_check_inserted;

/*
 * Inserts the encoded decision at *r (advanced past it), with its ruleset
 * and rule sources when the store lacks them, in the caller's transaction.
 * keyed: stored with its inputs key, unless one with the same key is.
 */
struct elg_wire_reader;
int elg_check_insert(elg_store *store, struct elg_wire_reader *r, int keyed,
                     elg_check_inserted *out, elg_error *err);

/*
 * Turns encoded decisions (elg_check_encode's bytes) back into decisions,
 * without a store: what a supervisor that stores nothing (`eligo whatif`)
 * reads from its workers. The decision is read from its record and key
 * figures by elg_decision_read, as a stored one is. Remembers the rulesets
 * the encoded decisions carried (the first decision of each ruleset
 * carries it, elg_check_encoder); a decision whose ruleset it has not seen
 * is an ELG_ESTORE error.
 */
typedef struct elg_check_decoder elg_check_decoder;
elg_check_decoder *elg_check_decoder_new(void);      /* NULL: out of memory */
void elg_check_decoder_free(elg_check_decoder *dec); /* NULL ok */
/* Reads the encoded decision at *r (advanced past it) into *out. */
int elg_check_decode(elg_check_decoder *dec, struct elg_wire_reader *r, elg_decision **out,
                     elg_error *err);

/*
 * Evaluates project_id (latest version) against call_id, or, when call_id is
 * NULL, against every call listed in its applies_to, and stores every
 * decision in one transaction. *decisions receives a malloc'ed array of
 * *count decisions (free each, then the array). ELG_ENOTFOUND for an unknown
 * project or call, ELG_EUSAGE when the project applies to no call and none is
 * named.
 */
int elg_check_project(elg_store *store, elg_rules *rules, const char *project_id,
                      const char *call_id, elg_decision ***decisions, size_t *count,
                      elg_error *err);

/* Reads stored decision id (either trace format). ELG_ENOTFOUND when absent. */
int elg_check_load_decision(elg_store *store, int64_t id, elg_decision **out, elg_error *err);
/* An elg_ruleset_fn over a store (ctx): the ruleset of that sha256, read
 * from it. */
int elg_check_find_ruleset(void *store, const char *sha256, elg_ruleset **rs, elg_error *err);
/* The same with the records' rulesets found by find (a caller reading many
 * decisions may keep them); elg_check_load_decision reads each from the
 * store. */
int elg_check_load_decision_with(elg_store *store, int64_t id, elg_ruleset_fn find, void *find_ctx,
                                 elg_decision **out, elg_error *err);
/* The record of a stored row (as elg_store_each_decision gives it) as JSON:
 * the text stored when it is JSON, else (a binary record, format 5 or 6)
 * the JSON record (format 4) it reads back to; *format: the format stored.
 * *cache keeps the last ruleset read across calls (NULL at first; the
 * caller unrefs it at the end). */
int elg_check_record_json(elg_store *store, const elg_stored_decision *row, elg_ruleset **cache,
                          elg_text *out, int *format, elg_error *err);
/* The key figures of a stored row in their full form (as `trace list
 * --format json` prints them), from its figures column, or from its record
 * when the column is empty (a binary record of format 6 holds them).
 * *cache as for elg_check_record_json. */
int elg_check_row_figures(elg_store *store, const elg_stored_decision *row, elg_ruleset **cache,
                          elg_text *out, elg_error *err);

/* Reads and parses a stored document version (version <= 0: the latest).
 * On success *doc and sd must be released by the caller; on failure
 * nothing is left to release. */
int elg_check_load_doc(elg_store *store, const char *kind, const char *id, int version,
                       elg_stored_doc *sd, elg_doc **doc, elg_error *err);

/* Reads stored version `version` of (kind, id) as elg_check_load_doc does,
 * but only when its sha256 is the one a decision recorded: NULL (nothing
 * to release) when it is absent, does not parse or is another content.
 * Pages that explain a decision show it without such a version, never
 * from another one. */
elg_doc *elg_check_load_pinned(elg_store *store, const char *kind, const char *id, int version,
                               const char *sha256, elg_stored_doc *sd);

#endif
