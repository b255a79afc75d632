/*
 * store: documents, rule sources and decisions in SQLite (see store.h).
 *
 * The one idea: every statement used more than once is prepared when the
 * store opens (SQLITE_PREPARE_PERSISTENT), kept in s->stmt[], and every use
 * ends in stmt_done(), which resets it and clears its bindings on every path,
 * so no statement keeps a read transaction open or points at caller memory.
 * The schema is schemas/store.sql, embedded at build time and cut into
 * numbered migrations at its "-- migration: N" lines.
 */
#include "store.h"
#include "strcopy.h"
#include "tr.h"

#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checkpoint.h"
#include "doc.h"
#include "embedded.h"
#include "form.h"
#include "hash.h"
#include "zrecord.h"

/* The prepared statements of a store, by role. */
enum {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_SAVEPOINT,
    ST_RELEASE,
    ST_ROLLBACK_TO,
    ST_DOC_HEAD,
    ST_DOC_LATEST,
    ST_DOC_VERSION,
    ST_DOC_INSERT,
    ST_DOC_EACH,
    ST_DOC_EXISTS,
    ST_FORM_INSERT,
    ST_FORM_CALL_INSERT,
    ST_FORM_LATEST,
    ST_FORM_VERSION,
    ST_FORM_FOR_CALL,
    ST_BATCH_CLEAR_DOCS,
    ST_BATCH_CLEAR_REFS,
    ST_BATCH_NOTE,
    ST_BATCH_EARLIER,
    ST_BATCH_DEFER,
    ST_BATCH_UNRESOLVED,
    ST_BATCH_EACH,
    ST_RULE_PUT,
    ST_RULE_GET,
    ST_DEC_INSERT,
    ST_DEC_FILE_INSERT,
    ST_DEC_GET,
    ST_DEC_EXISTS,
    ST_DEC_FILES,
    ST_RULESET_HAS,
    ST_RULESET_PUT,
    ST_RULESET_FILE_PUT,
    ST_RULESET_GET,
    ST_DEC_RECORD_INSERT,
    ST_DEC_KEYED_INSERT,
    ST_DEC_BY_INPUTS,
    ST_FORM_FOR_CALL_SINCE,
    ST_SINCE_CLEAR,
    ST_SINCE_FILL,
    ST_BITEM_CLEAR,
    ST_BITEM_ADD,
    ST_BITEM_EACH,
    ST_FORM_COUNT_FOR_CALL,
    ST_ZDICT_FIND,
    ST_ZDICT_GET,
    ST_ZDICT_PUT,
    ST_ZDICT_BY_SHA,
    ST_COUNT
};

/* The log is checkpointed every 250 pages (4 MiB of 16 KiB pages, see open_db), by the
 * connection itself unless elg_store_checkpoints_start gave it a checkpointer. */
#define WAL_PAGES ELG_CKPT_PAGES

#define DOC_COLS "kind, id, version, sha256, body, source, imported_at"
#define FORM_COLS "f.id, f.version, f.sha256, f.form"
#define DEC_COLS                                                                                   \
    "id, project, project_version, project_sha256, call, call_version, call_sha256, "              \
    "ruleset_sha256, engine_version, outcome, figures, trace, created_at, ruleset, trace_z, "      \
    "trace_dict"

/* Each statement with a name for elg_store_explain_each. */
static const struct {
    const char *name;
    const char *sql;
} stmt_def[ST_COUNT] = {
    [ST_BEGIN] = {"begin", "BEGIN IMMEDIATE"},
    [ST_COMMIT] = {"commit", "COMMIT"},
    [ST_ROLLBACK] = {"rollback", "ROLLBACK"},
    [ST_SAVEPOINT] = {"savepoint", "SAVEPOINT elg_decision"},
    [ST_RELEASE] = {"release", "RELEASE elg_decision"},
    [ST_ROLLBACK_TO] = {"rollback_to", "ROLLBACK TO elg_decision"},
    [ST_DOC_HEAD] = {"doc_head", "SELECT version, sha256 FROM documents WHERE kind = ?1 AND id = ?2"
                                 " ORDER BY version DESC LIMIT 1"},
    [ST_DOC_LATEST] = {"doc_latest",
                       "SELECT " DOC_COLS " FROM documents WHERE kind = ?1 AND id = ?2"
                       " ORDER BY version DESC LIMIT 1"},
    [ST_DOC_VERSION] = {"doc_version", "SELECT " DOC_COLS " FROM documents"
                                       " WHERE kind = ?1 AND id = ?2 AND version = ?3"},
    [ST_DOC_INSERT] = {"doc_insert",
                       "INSERT INTO documents (kind, id, version, sha256, body, source)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"},
    /* One kind at a time: with "?1 IS NULL OR kind = ?1" the planner cannot
     * tell whether the term is live and reads the whole table. */
    [ST_DOC_EACH] = {"doc_each", "SELECT " DOC_COLS " FROM documents AS d WHERE d.kind = ?1"
                                 " AND d.version = (SELECT max(l.version) FROM documents AS l"
                                 " WHERE l.kind = d.kind AND l.id = d.id)"
                                 " ORDER BY d.id"},
    [ST_DOC_EXISTS] = {"doc_exists", "SELECT 1 FROM documents WHERE kind = ?1 AND id = ?2 LIMIT 1"},
    [ST_FORM_INSERT] = {"form_insert", "INSERT INTO project_forms (id, version, sha256, form)"
                                       " VALUES (?1, ?2, ?3, ?4)"},
    /* One row per call, even for a project that names a call twice. */
    [ST_FORM_CALL_INSERT] =
        {"form_call_insert",
         "INSERT INTO project_calls (call, project, version)"
         " VALUES (?1, ?2, ?3) ON CONFLICT (call, project, version) DO NOTHING"},
    /* The document's version with its form, NULL when the version has none
     * (see backfill_forms): one lookup, and never an older version's form. */
    [ST_FORM_LATEST] = {"form_latest",
                        "SELECT d.id, d.version, d.sha256, f.form FROM documents AS d"
                        " LEFT JOIN project_forms AS f ON f.id = d.id AND f.version = d.version"
                        " WHERE d.kind = 'project' AND d.id = ?1"
                        " ORDER BY d.version DESC LIMIT 1"},
    [ST_FORM_VERSION] = {"form_version",
                         "SELECT d.id, d.version, d.sha256, f.form FROM documents AS d"
                         " LEFT JOIN project_forms AS f ON f.id = d.id AND f.version = d.version"
                         " WHERE d.kind = 'project' AND d.id = ?1 AND d.version = ?2"},
    /* Every version that applied to the call, kept only when it is its
     * project's latest: a project whose latest version left the call is not
     * listed under it. */
    [ST_FORM_FOR_CALL] = {"form_for_call",
                          "SELECT " FORM_COLS " FROM project_calls AS c"
                          " JOIN project_forms AS f ON f.id = c.project AND f.version = c.version"
                          " WHERE c.call = ?1 AND c.version = (SELECT max(l.version)"
                          " FROM project_forms AS l WHERE l.id = c.project)"
                          " AND c.project > ?3 ORDER BY c.project LIMIT ?4"},
    /* Import batches, in the connection's TEMP tables (batch_schema below).
     * A DELETE without WHERE empties a table without reading it. */
    [ST_BATCH_CLEAR_DOCS] = {"batch_clear_docs", "DELETE FROM temp.import_docs"},
    [ST_BATCH_CLEAR_REFS] = {"batch_clear_refs", "DELETE FROM temp.import_refs"},
    [ST_BATCH_NOTE] = {"batch_note",
                       "INSERT INTO temp.import_docs (seq, kind, id, path, version, created)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (kind, id) DO NOTHING"},
    [ST_BATCH_EARLIER] = {"batch_earlier",
                          "SELECT path FROM temp.import_docs WHERE kind = ?1 AND id = ?2"},
    [ST_BATCH_DEFER] = {"batch_defer", "INSERT INTO temp.import_refs (seq, pos, field, kind, id)"
                                       " VALUES (?1, ?2, ?3, ?4, ?5)"},
    /* Reads every deferred reference, once, at the end of the batch: only
     * references that nothing stored satisfied when their document was read
     * are there (forward references, and missing ones). */
    [ST_BATCH_UNRESOLVED] = {"batch_unresolved",
                             "SELECT r.seq, d.path, r.field, r.kind, r.id, b.body"
                             " FROM temp.import_refs AS r"
                             " JOIN temp.import_docs AS d ON d.seq = r.seq"
                             " JOIN documents AS b"
                             " ON b.kind = d.kind AND b.id = d.id AND b.version = d.version"
                             " WHERE NOT EXISTS (SELECT 1 FROM documents AS x"
                             " WHERE x.kind = r.kind AND x.id = r.id)"
                             " ORDER BY r.seq, r.pos LIMIT 1"},
    /* The report of the batch: every document it read, in order. */
    [ST_BATCH_EACH] = {"batch_each", "SELECT seq, path, kind, id, version, created"
                                     " FROM temp.import_docs ORDER BY seq"},
    /* Not INSERT OR IGNORE: that would also swallow CHECK and NOT NULL
     * failures; only "already stored" is meant to be silent. */
    [ST_RULE_PUT] = {"rule_put", "INSERT INTO rule_sources (sha256, body) VALUES (?1, ?2)"
                                 " ON CONFLICT (sha256) DO NOTHING"},
    [ST_RULE_GET] = {"rule_get", "SELECT body FROM rule_sources WHERE sha256 = ?1"},
    [ST_DEC_INSERT] = {"decision_insert",
                       "INSERT INTO decisions (project, project_version, project_sha256, call,"
                       " call_version, call_sha256, ruleset_sha256, engine_version, outcome,"
                       " figures, trace) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"},
    [ST_DEC_FILE_INSERT] = {"decision_file_insert",
                            "INSERT INTO decision_rule_files (decision_id, position, path, sha256)"
                            " VALUES (?1, ?2, ?3, ?4)"},
    [ST_DEC_GET] = {"decision_get", "SELECT " DEC_COLS " FROM decisions WHERE id = ?1"},
    [ST_DEC_EXISTS] = {"decision_exists", "SELECT 1 FROM decisions WHERE id = ?1"},
    /* A decision has rows in one of the two: its own (stored before
     * rulesets) or its ruleset's. */
    [ST_DEC_FILES] = {"decision_files",
                      "SELECT position, path, sha256 FROM decision_rule_files"
                      " WHERE decision_id = ?1"
                      " UNION ALL SELECT f.position, f.path, f.sha256 FROM decisions AS d"
                      " JOIN ruleset_files AS f ON f.ruleset = d.ruleset WHERE d.id = ?1"
                      " ORDER BY 1"},
    [ST_RULESET_HAS] = {"ruleset_has", "SELECT 1 FROM rulesets WHERE sha256 = ?1"},
    [ST_RULESET_PUT] = {"ruleset_put", "INSERT INTO rulesets (sha256, body) VALUES (?1, ?2)"},
    [ST_RULESET_FILE_PUT] = {"ruleset_file_put",
                             "INSERT INTO ruleset_files (ruleset, position, path, sha256)"
                             " VALUES (?1, ?2, ?3, ?4)"},
    [ST_RULESET_GET] = {"ruleset_get", "SELECT body FROM rulesets WHERE sha256 = ?1"},
    [ST_DEC_RECORD_INSERT] = {"decision_record_insert",
                              "INSERT INTO decisions (project, project_version, project_sha256,"
                              " call, call_version, call_sha256, ruleset_sha256, engine_version,"
                              " outcome, figures, trace, ruleset, created_at, trace_z, trace_dict)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
                              " ?14, ?15)"},
    /* A batch's decision (engine/batch.h): stored unless one with the same
     * inputs is (migrations 5 and 6); then no row changes and the existing
     * one is looked up. Neither insert has RETURNING nor lets SQLite stamp
     * the time: both cost a quarter of an insert (store_stamp). */
    [ST_DEC_KEYED_INSERT] =
        {"decision_keyed_insert",
         "INSERT INTO decisions (project, project_version, project_sha256,"
         " call, call_version, call_sha256, ruleset_sha256, engine_version,"
         " outcome, figures, trace, ruleset, created_at, trace_z, trace_dict, inputs_key)"
         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
         " ON CONFLICT (project, inputs_key) DO NOTHING"},
    [ST_DEC_BY_INPUTS] = {"decision_by_inputs", "SELECT id, created_at FROM decisions"
                                                " WHERE project = ?2 AND inputs_key = ?1"},
    /* ST_FORM_FOR_CALL limited to versions imported since ?2, read from the
     * projects imported since then (temp.since_projects, ST_SINCE_FILL), so
     * that an incremental batch reads what is new, not the whole call. CROSS
     * JOINs: the planner has no statistics to tell that the new are few, and
     * every term names s.id, so that each table is looked up by equality. */
    [ST_FORM_FOR_CALL_SINCE] = {"form_for_call_since",
                                "SELECT " FORM_COLS " FROM temp.since_projects AS s"
                                " CROSS JOIN project_calls AS c CROSS JOIN project_forms AS f"
                                " CROSS JOIN documents AS d"
                                " WHERE c.call = ?1 AND c.project = s.id"
                                " AND c.version = (SELECT max(l.version)"
                                " FROM project_forms AS l WHERE l.id = s.id)"
                                " AND f.id = s.id AND f.version = c.version"
                                " AND d.kind = 'project' AND d.id = s.id AND d.version = c.version"
                                " AND d.imported_at >= ?2"
                                " AND s.id > ?3 ORDER BY s.id LIMIT ?4"},
    [ST_SINCE_CLEAR] = {"since_clear", "DELETE FROM temp.since_projects"},
    /* The projects with a version imported since ?1 (migration 13's index). */
    [ST_SINCE_FILL] = {"since_fill", "INSERT INTO temp.since_projects (id)"
                                     " SELECT id FROM documents"
                                     " WHERE kind = 'project' AND imported_at >= ?1"
                                     " ON CONFLICT (id) DO NOTHING"},
    /* A batch's items, in the connection's TEMP table batch_items. */
    [ST_BITEM_CLEAR] = {"batch_items_clear", "DELETE FROM temp.batch_items"},
    [ST_BITEM_ADD] = {"batch_items_add",
                      "INSERT INTO temp.batch_items (seq, grp, sort_key, project, version,"
                      " edition, outcome, requested, grantable, decision_id, reused, phase)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"},
    [ST_BITEM_EACH] = {"batch_items_each",
                       "SELECT seq, grp, sort_key, project, version, edition, outcome,"
                       " requested, grantable, decision_id, reused FROM temp.batch_items"
                       " WHERE phase = ?1 ORDER BY grp, sort_key, seq"},
    [ST_FORM_COUNT_FOR_CALL] = {"form_count_for_call",
                                "SELECT count(*) FROM project_calls AS c"
                                " WHERE c.call = ?1 AND c.version = (SELECT max(l.version)"
                                " FROM project_forms AS l WHERE l.id = c.project)"},
    /* Record dictionaries (migration 10): the first one kept for a ruleset,
     * one by id, and a new one (kept once by content). */
    [ST_ZDICT_FIND] = {"trace_dict_find", "SELECT id, dict FROM trace_dicts WHERE ruleset = ?1"
                                          " ORDER BY id LIMIT 1"},
    [ST_ZDICT_GET] = {"trace_dict_get", "SELECT dict FROM trace_dicts WHERE id = ?1"},
    [ST_ZDICT_PUT] = {"trace_dict_put", "INSERT INTO trace_dicts (ruleset, sha256, dict)"
                                        " VALUES (?1, ?2, ?3) ON CONFLICT (sha256) DO NOTHING"},
    [ST_ZDICT_BY_SHA] = {"trace_dict_by_sha", "SELECT id FROM trace_dicts WHERE sha256 = ?1"},
};

/*
 * The connection's own tables for an import batch: which documents the batch
 * read (seq is the position in the batch) and the references that no stored
 * document satisfied when their document was read. TEMP, so private to the
 * connection and never in the database file; created at open, before the
 * statements above are prepared.
 */
static const char batch_schema[] =
    /* The projects an incremental batch reads (ST_FORM_FOR_CALL_SINCE). */
    "CREATE TEMP TABLE IF NOT EXISTS since_projects (id TEXT PRIMARY KEY) WITHOUT ROWID;"
    "CREATE TEMP TABLE IF NOT EXISTS import_docs ("
    " seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, id TEXT NOT NULL, path TEXT NOT NULL,"
    " version INTEGER NOT NULL, created INTEGER NOT NULL, UNIQUE (kind, id));"
    "CREATE TEMP TABLE IF NOT EXISTS import_refs ("
    " seq INTEGER NOT NULL, pos INTEGER NOT NULL, field TEXT NOT NULL, kind TEXT NOT NULL,"
    " id TEXT NOT NULL, PRIMARY KEY (seq, pos)) WITHOUT ROWID;"
    /* A batch's projects, keyed in the order they are decided (seq counts them; each phase
     * once) and sorted once, by SQLite's external sorter, into the order its allocation policy
     * reads them (engine/envelope.h): never held whole in memory. Keyed in that order instead,
     * each item was an insert at a random place: past the connection's page cache (some 20 000
     * items), every item rewrote a page of the TEMP file and journaled another, three system
     * calls an item at 100 000. In arrival order, each phase's items are appended and the file
     * is written once, in order. */
    "CREATE TEMP TABLE IF NOT EXISTS batch_items ("
    " phase INTEGER NOT NULL, seq INTEGER NOT NULL, grp TEXT NOT NULL, sort_key TEXT NOT NULL,"
    " project TEXT NOT NULL,"
    " version INTEGER NOT NULL, edition TEXT, outcome TEXT NOT NULL, requested INTEGER,"
    " grantable INTEGER NOT NULL, decision_id INTEGER NOT NULL, reused INTEGER NOT NULL,"
    " PRIMARY KEY (phase, seq)) WITHOUT ROWID;";

/* Migration 2's backfill (backfill_forms), listed here so that
 * elg_store_explain_each shows its plan too. */
static const char backfill_sql[] = "SELECT id, version, sha256, body FROM documents"
                                   " WHERE kind = 'project' ORDER BY id, version";

/*
 * Decision listing filters. A single statement with "(?1 IS NULL OR project =
 * ?1)" terms cannot use the indexes (the planner does not know which terms
 * are live), so each combination of filters gets its own statement, built
 * from these fixed fragments on first use and kept like the others.
 */
enum { FILTER_COUNT = 5, LIST_VARIANTS = 1 << FILTER_COUNT };
static const char *const filter_sql[FILTER_COUNT] = {
    "project = ?1",
    "call = ?2",
    "outcome = ?3",
    /* A timestamp is >= a prefix exactly when its own prefix is. */
    "created_at >= ?4",
    /* "until" includes every timestamp starting with it: all characters of an
     * ISO 8601 timestamp sort before '~', so appending one gives the first
     * text past them. */
    "created_at < (?5 || '~')",
};

struct elg_store {
    sqlite3 *db;
    sqlite3_stmt *stmt[ST_COUNT];
    sqlite3_stmt *list[LIST_VARIANTS];
    /* The last ruleset found stored: every decision of a batch asks for the
     * same one. Forgotten on rollback, which may have undone its insert;
     * rulesets are never deleted otherwise (append-only). */
    char ruleset_seen[65];
    /* Record compression (zrecord.h, migration 10) for the rulesets of the
     * last records stored: a ruleset's dictionary looked up in trace_dicts
     * (find_dict), else made from its first records. Forgotten on rollback,
     * which may have undone a dictionary's insert. */
    elg_zrec_packer *pack;
    /* Decoders of the dictionaries read lately, by id (a listing may mix
     * rulesets); also forgotten on rollback, which may free an id. */
    struct {
        int64_t id;
        elg_zrec_decoder *dec;
    } zdec[4];
    unsigned zdec_next;
    /* The ids of dictionaries that workers' records name by sha256, lately
     * kept or found (elg_store_put_trace_dict); also forgotten on rollback. */
    struct {
        char sha[65];
        int64_t id;
    } zsha[8];
    unsigned zsha_next;
    elg_ckpt *ckpt; /* NULL: the connection checkpoints its own log */
};

/* ---- errors and statement helpers ------------------------------------- */

/* SQLite's words for its result codes (sqlite3_errstr), in French. */
static const char *const sqlite_french[] = {
    [SQLITE_ERROR] = ELG_N("SQL logic error"),
    [SQLITE_PERM] = ELG_N("access permission denied"),
    [SQLITE_BUSY] = ELG_N("database is locked"),
    [SQLITE_LOCKED] = ELG_N("database table is locked"),
    [SQLITE_NOMEM] = ELG_N("out of memory"),
    [SQLITE_READONLY] = ELG_N("attempt to write a readonly database"),
    [SQLITE_INTERRUPT] = ELG_N("interrupted"),
    [SQLITE_IOERR] = ELG_N("disk I/O error"),
    [SQLITE_CORRUPT] = ELG_N("database disk image is malformed"),
    [SQLITE_FULL] = ELG_N("database or disk is full"),
    [SQLITE_CANTOPEN] = ELG_N("unable to open database file"),
    [SQLITE_PROTOCOL] = ELG_N("locking protocol"),
    [SQLITE_SCHEMA] = ELG_N("database schema has changed"),
    [SQLITE_TOOBIG] = ELG_N("string or blob too big"),
    [SQLITE_CONSTRAINT] = ELG_N("constraint failed"),
    [SQLITE_MISMATCH] = ELG_N("datatype mismatch"),
    [SQLITE_NOTADB] = ELG_N("file is not a database"),
};

/* What SQLite said of the last failure on db, in French: its generic words
 * by result code, and the constraint it names when a constraint failed. */
static void sqlite_words(sqlite3 *db, char *out, size_t size) {
    int primary = sqlite3_errcode(db) & 0xff;
    const char *msg = sqlite3_errmsg(db);
    static const char *const constraints[][2] = {
        {"UNIQUE constraint failed: ", ELG_N("duplicate value refused (unique: %s)")},
        {"NOT NULL constraint failed: ", ELG_N("missing value refused (not null: %s)")},
        {"CHECK constraint failed: ", ELG_N("value refused by the check %s")},
        {"FOREIGN KEY constraint failed", ELG_N("reference to a missing row refused%s")},
    };
    for (size_t i = 0; i < sizeof constraints / sizeof *constraints; i++) {
        size_t k = strlen(constraints[i][0]);
        if (strncmp(msg, constraints[i][0], k) == 0) {
            snprintf(out, size, elg_tr(constraints[i][1]), msg + k);
            return;
        }
    }
    const char *generic = (size_t)primary < sizeof sqlite_french / sizeof *sqlite_french
                              ? sqlite_french[primary]
                              : NULL;
    /* Its generic words only: a specific message (a trigger's, a missing
     * table's) says more, and is kept. */
    if (generic && strcmp(msg, sqlite3_errstr(primary)) == 0)
        msg = elg_tr(generic);
    else
        msg = elg_tr(msg);
    snprintf(out, size, "%s", msg);
}

/* Records an SQLite failure: what we were doing, then SQLite's own words.
 * Call it before anything else touches the connection, which could replace
 * the message. */
static int db_errorv(sqlite3 *db, elg_error *err, const char *fmt, va_list ap) {
    int code = sqlite3_errcode(db) == SQLITE_NOMEM ? ELG_ENOMEM : ELG_ESTORE;
    size_t n;
    char words[512];

    if (!err || err->code != 0)
        return code;
    sqlite_words(db, words, sizeof words);
    elg_error_setv(err, code, fmt, ap);
    n = strlen(err->message);
    snprintf(err->message + n, sizeof err->message - n, elg_tr(": %s"), words);
    return code;
}

static int db_error(sqlite3 *db, elg_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int db_error(sqlite3 *db, elg_error *err, const char *fmt, ...) {
    va_list ap;
    int code;

    va_start(ap, fmt);
    code = db_errorv(db, err, fmt, ap);
    va_end(ap);
    return code;
}

/* Ends a use of a statement. The result of sqlite3_reset only repeats the
 * error of the last step, which the caller has already reported. */
static void stmt_done(sqlite3_stmt *st) {
    if (!st)
        return;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* Steps a statement that returns no rows (BEGIN, COMMIT, ...). */
static int run(elg_store *s, int which, elg_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int run(elg_store *s, int which, elg_error *err, const char *fmt, ...) {
    sqlite3_stmt *st = s->stmt[which];
    int rc = 0;

    if (sqlite3_step(st) != SQLITE_DONE) {
        va_list ap;
        va_start(ap, fmt);
        rc = db_errorv(s->db, err, fmt, ap);
        va_end(ap);
    }
    stmt_done(st);
    return rc;
}

/* Binds text, or NULL for a NULL string. The text must outlive the use of
 * the statement, which stmt_done() ends. */
static int bind_text(sqlite3_stmt *st, int i, const char *text) {
    return text ? sqlite3_bind_text(st, i, text, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

static int bind_blob(sqlite3_stmt *st, int i, const char *data, size_t len) {
    return sqlite3_bind_blob64(st, i, data, len, SQLITE_STATIC);
}

/* Column i as text. Every column read is NOT NULL, so NULL means SQLite ran
 * out of memory converting it. For a BLOB this also adds the terminating
 * NUL; sqlite3_column_bytes must be called after it, not before. */
static const char *col_text(sqlite3_stmt *st, int i) {
    return (const char *)sqlite3_column_text(st, i);
}

static char *dup_bytes(const char *p, size_t len) {
    char *copy = malloc(len + 1);
    if (!copy)
        return NULL;
    if (len)
        memcpy(copy, p, len);
    copy[len] = '\0';
    return copy;
}

static char *dup_str(const char *s) {
    return s ? dup_bytes(s, strlen(s)) : NULL;
}

/*
 * Walks hand a row to caller code, which may start the same walk again (a
 * nested listing, say). The cached statement is then still mid-walk, so the
 * inner walk runs on a private copy of it.
 */
static int walk_stmt(elg_store *s, sqlite3_stmt *cached, sqlite3_stmt **st, elg_error *err) {
    if (!sqlite3_stmt_busy(cached)) {
        *st = cached;
        return 0;
    }
    if (sqlite3_prepare_v3(s->db, sqlite3_sql(cached), -1, 0, st, NULL) != SQLITE_OK)
        return db_error(s->db, err, "preparing a nested store query");
    return 0;
}

static void walk_done(sqlite3_stmt *cached, sqlite3_stmt *st) {
    if (st == cached)
        stmt_done(st);
    else
        sqlite3_finalize(st);
}

/* ---- compact forms of projects ---------------------------------------- */

/*
 * Writes the compact form of version `version` of project p (whose document
 * has hash sha) and the calls it applies to, with ins_form and ins_call:
 * ST_FORM_INSERT and ST_FORM_CALL_INSERT, or the migration's copies of them.
 */
static int write_form(sqlite3 *db, sqlite3_stmt *ins_form, sqlite3_stmt *ins_call,
                      const elg_project *p, int version, const char *sha, elg_error *err) {
    char *form = NULL;
    size_t len = 0;
    int rc;

    if ((rc = elg_form_encode_project(p, &form, &len, err)))
        return rc;
    if (bind_text(ins_form, 1, p->id) != SQLITE_OK ||
        sqlite3_bind_int(ins_form, 2, version) != SQLITE_OK ||
        bind_text(ins_form, 3, sha) != SQLITE_OK ||
        bind_blob(ins_form, 4, form, len) != SQLITE_OK || sqlite3_step(ins_form) != SQLITE_DONE)
        rc = db_error(db, err, "storing the compact form of project \"%s\"", p->id);
    stmt_done(ins_form);
    free(form);
    for (size_t i = 0; i < p->applies_to_count && rc == 0; i++) {
        if (bind_text(ins_call, 1, p->applies_to[i].call) != SQLITE_OK ||
            bind_text(ins_call, 2, p->id) != SQLITE_OK ||
            sqlite3_bind_int(ins_call, 3, version) != SQLITE_OK ||
            sqlite3_step(ins_call) != SQLITE_DONE)
            rc = db_error(db, err, "storing the calls of project \"%s\"", p->id);
        stmt_done(ins_call);
    }
    return rc;
}

/* "store:project/x@3", the name doc.h gives a stored document; malloc'ed. */
static char *stored_name(const char *kind, const char *id, int version) {
    size_t size = strlen(kind) + strlen(id) + 32;
    char *name = malloc(size);

    if (name)
        snprintf(name, size, "store:%s/%s@%d", kind, id, version);
    return name;
}

/*
 * Completes migration 2: every project version stored before it gets its
 * compact form, its YAML parsed again as it was at import. One
 * version at a time, so memory does not grow with the store. A version that
 * no longer passes today's document checks (stricter than when it was
 * imported) gets no form: it could not be evaluated, and refusing the whole
 * migration would lock the store. elg_store_get_project_form then says so
 * for that version.
 */
static int backfill_forms(sqlite3 *db, elg_error *err) {
    sqlite3_stmt *sel = NULL, *ins_form = NULL, *ins_call = NULL;
    elg_doc *doc = NULL;
    char *name = NULL;
    int rc = 0, step;

    if (sqlite3_prepare_v2(db, backfill_sql, -1, &sel, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, stmt_def[ST_FORM_INSERT].sql, -1, &ins_form, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, stmt_def[ST_FORM_CALL_INSERT].sql, -1, &ins_call, NULL) !=
            SQLITE_OK) {
        rc = db_error(db, err, "applying store schema migration 2");
        goto out;
    }
    while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
        const char *id = col_text(sel, 0), *sha = col_text(sel, 2), *body = col_text(sel, 3);
        int version = sqlite3_column_int(sel, 1);
        size_t len = (size_t)sqlite3_column_bytes(sel, 3);

        if (!id || !sha || !body) {
            rc = db_error(db, err, "applying store schema migration 2");
            goto out;
        }
        if (!(name = stored_name("project", id, version))) {
            rc = elg_error_set(err, ELG_ENOMEM, "applying store schema migration 2: out of memory");
            goto out;
        }
        elg_error parse_err = {0};
        if (elg_doc_parse(name, body, len, &doc, &parse_err)) {
            if (parse_err.code == ELG_ENOMEM) {
                rc = elg_error_set(err, ELG_ENOMEM, "%s", parse_err.message);
                goto out;
            }
            free(name);
            name = NULL;
            continue;
        }
        if (!elg_doc_project(doc)) {
            rc = elg_error_set(err, ELG_ESTORE, "%s is stored as a project but is a %s", name,
                               elg_doc_kind_name(elg_doc_kind_of(doc)));
            goto out;
        }
        if ((rc = write_form(db, ins_form, ins_call, elg_doc_project(doc), version, sha, err)))
            goto out;
        elg_doc_free(doc);
        doc = NULL;
        free(name);
        name = NULL;
    }
    if (step != SQLITE_DONE)
        rc = db_error(db, err, "applying store schema migration 2");

out:
    elg_doc_free(doc);
    free(name);
    sqlite3_finalize(sel);
    sqlite3_finalize(ins_form);
    sqlite3_finalize(ins_call);
    return rc;
}

/* ---- schema and migrations -------------------------------------------- */

static const char migration_marker[] = "-- migration:";

/* A position in the embedded schema, walked one migration at a time. */
typedef struct migration_iter {
    const char *next; /* start of the next marker line, NULL at the end */
    int last;         /* number of the last migration returned */
} migration_iter;

/* The first marker line at or after p, p being at the start of a line. */
static const char *find_marker(const char *p) {
    while (p) {
        if (strncmp(p, migration_marker, sizeof migration_marker - 1) == 0)
            return p;
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return NULL;
}

static void migration_begin(migration_iter *it) {
    it->next = find_marker(elg_embed_store_sql);
    it->last = 0;
}

/* Returns 1 and the next migration, 0 at the end, -1 when the markers are
 * not "-- migration: N" with N counting up from 1 by one. */
static int migration_next(migration_iter *it, int *number, const char **sql, size_t *len) {
    const char *p = it->next, *end;
    int n = 0, digits = 0;

    if (!p)
        return 0;
    p += sizeof migration_marker - 1;
    while (*p == ' ' || *p == '\t')
        p++;
    /* A handful of digits is plenty and keeps n from overflowing. */
    while (*p >= '0' && *p <= '9' && digits < 6) {
        n = n * 10 + (*p++ - '0');
        digits++;
    }
    while (*p == ' ' || *p == '\t' || *p == '\r')
        p++;
    if (digits == 0 || (*p != '\n' && *p != '\0') || n != it->last + 1)
        return -1;
    if (*p == '\n')
        p++;
    it->next = find_marker(p);
    end = it->next ? it->next : elg_embed_store_sql + elg_embed_store_sql_len;
    it->last = n;
    *number = n;
    *sql = p;
    *len = (size_t)(end - p);
    return 1;
}

int elg_store_schema_version(void) {
    migration_iter it;
    const char *sql;
    size_t len;
    int n, r;

    migration_begin(&it);
    while ((r = migration_next(&it, &n, &sql, &len)) > 0)
        ;
    return r < 0 ? -1 : it.last;
}

static int read_int(sqlite3 *db, const char *sql, int *out, elg_error *err) {
    sqlite3_stmt *st = NULL;
    int rc = 0;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_error(db, err, "reading the schema version");
    if (sqlite3_step(st) != SQLITE_ROW)
        rc = db_error(db, err, "reading the schema version");
    else
        *out = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return rc;
}

static int check_version(int found, int known, elg_error *err) {
    if (found > known)
        return elg_error_set(err, ELG_ESTORE,
                             "database schema version %d is newer than this eligo (%d)", found,
                             known);
    return 0;
}

/* Rewrites a CHECK constraint in table's declaration (https://sqlite.org/lang_altertable.html,
 * "making other kinds of table schema changes"): only for a constraint that every stored row
 * already meets, so that nothing needs copying. The schema version is then moved on so that
 * every connection reads the new declaration. */
static int rewrite_check(sqlite3 *db, const char *table, const char *old_check,
                         const char *new_check, int migration, elg_error *err) {
    sqlite3_stmt *st = NULL;
    int version = 0, rc = 0, changed = 0;
    char pragma[64];

    if ((rc = read_int(db, "PRAGMA schema_version", &version, err)))
        return rc;
    if (sqlite3_exec(db, "PRAGMA writable_schema = ON", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "UPDATE sqlite_schema SET sql = replace(sql, ?1, ?2)"
                           " WHERE type = 'table' AND name = ?3 AND instr(sql, ?1) > 0",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_text(st, 1, old_check, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(st, 2, new_check, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(st, 3, table, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE) {
        rc = db_error(db, err, "applying store schema migration %d", migration);
        goto out;
    }
    changed = sqlite3_changes(db);
    if (changed != 1) {
        rc = elg_error_set(err, ELG_ESTORE,
                           "applying store schema migration %d: the %s table does not declare "
                           "the constraint this migration rewrites",
                           migration, table);
        goto out;
    }
    snprintf(pragma, sizeof pragma, "PRAGMA schema_version = %d", version + 1);
    if (sqlite3_exec(db, pragma, NULL, NULL, NULL) != SQLITE_OK)
        rc = db_error(db, err, "applying store schema migration %d", migration);
out:
    sqlite3_finalize(st);
    sqlite3_exec(db, "PRAGMA writable_schema = OFF", NULL, NULL, NULL);
    return rc;
}

/* Migration 7: widens the outcome CHECK of decisions to 'incomplete'. */
static int allow_incomplete(sqlite3 *db, elg_error *err) {
    return rewrite_check(db, "decisions", "CHECK (outcome IN ('eligible', 'ineligible', 'error'))",
                         "CHECK (outcome IN ('eligible', 'ineligible', 'error', 'incomplete'))", 7,
                         err);
}

/* Migration 9: the same constraints without IN lists. SQLite evaluates a CHECK's IN list of
 * more than two texts by building a temporary b-tree for it on every row written (a pager
 * opened and closed: about a sixth of what a batch's writer spent per decision); equalities
 * joined by OR accept and refuse exactly the same values. */
static int checks_without_in(sqlite3 *db, elg_error *err) {
    int rc = rewrite_check(
        db, "decisions", "CHECK (outcome IN ('eligible', 'ineligible', 'error', 'incomplete'))",
        "CHECK (outcome = 'eligible' OR outcome = 'ineligible' OR outcome = 'error'"
        " OR outcome = 'incomplete')",
        9, err);
    if (rc == 0)
        rc =
            rewrite_check(db, "documents", "CHECK (kind IN ('financer', 'call', 'project'))",
                          "CHECK (kind = 'financer' OR kind = 'call' OR kind = 'project')", 9, err);
    return rc;
}

/* Steps in C that complete a migration, run right after its SQL and in the
 * same transaction, by migration number. */
static int (*const migration_code[])(sqlite3 *db, elg_error *err) = {
    [2] = backfill_forms,
    [7] = allow_incomplete,
    [8] = backfill_forms,
    [9] = checks_without_in,
};

/* Applies the migrations the database lacks, all in one transaction, so a
 * failing migration leaves the database as it was. */
static int migrate(sqlite3 *db, elg_error *err) {
    migration_iter it;
    const char *sql;
    size_t len;
    char *text = NULL, pragma[48];
    int known = elg_store_schema_version(), current = 0, n, r, rc = 0, in_tx = 0;

    if (known < 1)
        return elg_error_set(err, ELG_ESTORE,
                             "the embedded store schema is malformed: its migrations must be "
                             "numbered 1, 2, 3... (schemas/store.sql)");
    if ((rc = read_int(db, "PRAGMA user_version", &current, err)))
        goto out;
    if ((rc = check_version(current, known, err)) || current == known)
        goto out;

    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        rc = db_error(db, err, "upgrading the store schema");
        goto out;
    }
    in_tx = 1;
    /* Read again under the write lock: another process may have migrated
     * the database since. */
    if ((rc = read_int(db, "PRAGMA user_version", &current, err)) ||
        (rc = check_version(current, known, err)))
        goto out;

    migration_begin(&it);
    while ((r = migration_next(&it, &n, &sql, &len)) > 0) {
        if (n <= current)
            continue;
        /* sqlite3_exec wants a NUL-terminated script. */
        if (!(text = dup_bytes(sql, len))) {
            rc = elg_error_set(err, ELG_ENOMEM, "applying store schema migration %d: out of memory",
                               n);
            goto out;
        }
        if (sqlite3_exec(db, text, NULL, NULL, NULL) != SQLITE_OK) {
            rc = db_error(db, err, "applying store schema migration %d", n);
            goto out;
        }
        free(text);
        text = NULL;
        if (n < (int)(sizeof migration_code / sizeof migration_code[0]) && migration_code[n] &&
            (rc = migration_code[n](db, err)))
            goto out;
    }
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", known);
    if (sqlite3_exec(db, pragma, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = db_error(db, err, "upgrading the store schema to version %d", known);
        goto out;
    }
    in_tx = 0;

out:
    free(text);
    if (in_tx)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* Connection settings: WAL so readers never block the writer, foreign keys
 * (off by default in SQLite), and NORMAL sync, which in WAL mode loses at most
 * the last transactions on power loss, never consistency. */
static int configure(sqlite3 *db, elg_error *err) {
    sqlite3_stmt *st = NULL;
    const char *mode;
    int rc = 0;

    /* A new store's pages are 16 KiB (SQLite only takes the size before the first table; an
     * older store keeps its 4 KiB): a decision's row is about 3.3 KB, one to a 4 KiB page,
     * and a batch's writer made a system call per page of the log and of its checkpoints.
     * strace on a 1-job batch of 20 000 decisions: 80 466 pwrite and 29 767 pread with 4 KiB
     * pages, 27 630 and 8 705 with 16 KiB; its system time fell by a quarter. The log is
     * checkpointed every 4 MiB as before (250 pages instead of SQLite's 1 000). The
     * connection's TEMP database keeps 4 KiB pages: it would take the new size too, and with
     * 16 KiB pages a batch's items added 5 MiB to a 100 000-project batch's peak memory
     * (measured when they were inserted in allocation order, batch_schema above). */
    if (sqlite3_busy_timeout(db, 5000) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA main.page_size = 16384; PRAGMA temp.page_size = 4096", NULL, NULL,
                     NULL) != SQLITE_OK)
        return db_error(db, err, "opening the store");

    /* journal_mode answers with the mode in force, which stays the old one
     * when WAL is impossible (some network file systems). Switching a new
     * database to WAL needs it alone, and SQLite answers SQLITE_BUSY at once,
     * without the busy handler, while another process holds it (several
     * commands opening a new store together): retry for the busy timeout. */
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK) {
        rc = db_error(db, err, "opening the store");
        goto out;
    }
    int step = sqlite3_step(st);
    for (int waited = 0; (step == SQLITE_BUSY || step == SQLITE_LOCKED) && waited < 5000;
         waited += 10) {
        sqlite3_reset(st);
        sqlite3_sleep(10);
        step = sqlite3_step(st);
    }
    if (step != SQLITE_ROW) {
        rc = db_error(db, err, "opening the store");
        goto out;
    }
    mode = col_text(st, 0);
    /* In-memory databases (":memory:") cannot use WAL and need not. */
    if (!mode || (sqlite3_stricmp(mode, "wal") != 0 && sqlite3_stricmp(mode, "memory") != 0)) {
        rc = elg_error_set(err, ELG_ESTORE, "cannot switch the store to WAL mode (it stays in %s)",
                           mode ? mode : "an unknown mode");
        goto out;
    }
    if (sqlite3_exec(db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_wal_autocheckpoint(db, WAL_PAGES) != SQLITE_OK)
        rc = db_error(db, err, "opening the store");

out:
    sqlite3_finalize(st);
    return rc;
}

/* ---- compressed records (migration 10) --------------------------------- */

/* Forgets what the store knew of record dictionaries. */
static void zrec_forget(elg_store *s) {
    if (s->pack)
        elg_zrec_packer_forget(s->pack);
    for (size_t i = 0; i < sizeof s->zdec / sizeof s->zdec[0]; i++)
        elg_zrec_decoder_free(s->zdec[i].dec);
    memset(s->zdec, 0, sizeof s->zdec);
    s->zdec_next = 0;
    memset(s->zsha, 0, sizeof s->zsha);
    s->zsha_next = 0;
}

static void zsha_note(elg_store *s, const char *sha, int64_t id) {
    size_t slot = s->zsha_next++ % (sizeof s->zsha / sizeof s->zsha[0]);
    snprintf(s->zsha[slot].sha, sizeof s->zsha[slot].sha, "%s", sha);
    s->zsha[slot].id = id;
}

/* Keeps dict as a dictionary of ruleset and gets its id (the same content
 * kept by another connection is found, not kept twice). */
static int zrec_put_dict(elg_store *s, const char *ruleset, const void *dict, size_t len,
                         int64_t *id, elg_error *err) {
    char sha[ELG_SHA256_HEX];
    elg_sha256_hex(dict, len, sha);
    sqlite3_stmt *st = s->stmt[ST_ZDICT_PUT];
    int ok = bind_text(st, 1, ruleset) == SQLITE_OK && bind_text(st, 2, sha) == SQLITE_OK &&
             sqlite3_bind_blob(st, 3, dict, (int)len, SQLITE_STATIC) == SQLITE_OK &&
             sqlite3_step(st) == SQLITE_DONE;
    stmt_done(st);
    if (ok) {
        st = s->stmt[ST_ZDICT_BY_SHA];
        ok = bind_text(st, 1, sha) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW;
        if (ok)
            *id = sqlite3_column_int64(st, 0);
        stmt_done(st);
    }
    if (!ok)
        return db_error(s->db, err, "keeping the record dictionary of ruleset %s", ruleset);
    zsha_note(s, sha, *id);
    return 0;
}

int elg_store_put_trace_dict(elg_store *s, const char *ruleset, const void *dict, size_t len,
                             elg_error *err) {
    int64_t id;
    if (!s || !ruleset || !dict || !len || len > INT_MAX)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_put_trace_dict: missing argument");
    return zrec_put_dict(s, ruleset, dict, len, &id, err);
}

/* The id of the dictionary of that sha256: kept lately, else looked up. */
static int zsha_find(elg_store *s, const char *sha, int64_t *id, elg_error *err) {
    for (size_t i = 0; i < sizeof s->zsha / sizeof s->zsha[0]; i++) {
        if (s->zsha[i].sha[0] && strcmp(s->zsha[i].sha, sha) == 0) {
            *id = s->zsha[i].id;
            return 0;
        }
    }
    sqlite3_stmt *st = s->stmt[ST_ZDICT_BY_SHA];
    int step = SQLITE_ERROR, rc = 0;
    if (bind_text(st, 1, sha) == SQLITE_OK)
        step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        zsha_note(s, sha, *id);
    } else if (step == SQLITE_DONE) {
        rc = elg_error_set(err, ELG_ESTORE, "record dictionary %s is not in the store", sha);
    } else {
        rc = db_error(s->db, err, "reading record dictionary %s", sha);
    }
    stmt_done(st);
    return rc;
}

/* The packer's find (zrecord.h): the first dictionary kept for ruleset. */
static int find_dict(void *ctx, const char *ruleset, void **dict, size_t *len, int64_t *id,
                     elg_error *err) {
    elg_store *s = ctx;
    sqlite3_stmt *st = s->stmt[ST_ZDICT_FIND];
    int rc = 0, step = SQLITE_ERROR;
    *dict = NULL;
    if (bind_text(st, 1, ruleset) == SQLITE_OK)
        step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        *len = (size_t)sqlite3_column_bytes(st, 1);
        if (!(*dict = dup_bytes(sqlite3_column_blob(st, 1), *len)))
            rc = elg_error_set(err, ELG_ENOMEM, "storing a decision: out of memory");
    } else if (step != SQLITE_DONE) {
        rc = db_error(s->db, err, "reading the record dictionary of ruleset %s", ruleset);
    }
    stmt_done(st);
    return rc;
}

/* Binds a compressed record: '' at ?text, the bytes at ?z, the id of its
 * dictionary at ?z + 1. */
static int bind_compressed(elg_store *s, sqlite3_stmt *st, int text, int z_at, const void *z,
                           size_t len, int64_t dict_id, const elg_stored_decision *d,
                           elg_error *err) {
    if (len > INT_MAX)
        return elg_error_set(err, ELG_ESTORE,
                             "storing decision for project \"%s\": its record is too large",
                             d->project);
    if (sqlite3_bind_text(st, text, "", 0, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_blob(st, z_at, z, (int)len, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int64(st, z_at + 1, dict_id) != SQLITE_OK)
        return db_error(s->db, err, "storing decision for project \"%s\"", d->project);
    return 0;
}

/* Binds a record's trace as the store keeps it, at ?text (the JSON, or ''),
 * ?z (the compressed record or NULL) and ?z + 1 (its dictionary's id or
 * NULL). A ruleset's records are kept as they are until its
 * dictionary is trained, on the ELG_ZREC_SAMPLES-th; samples zstd cannot
 * train on leave the ruleset uncompressed for this connection. */
static int bind_trace(elg_store *s, sqlite3_stmt *st, int text, int z_at,
                      const elg_stored_decision *d, elg_error *err) {
    int rc = 0;
    if (d->trace_z) { /* compressed by a worker */
        int64_t id = 0;
        if (!d->trace_dict_sha256)
            return elg_error_set(err, ELG_EUSAGE,
                                 "storing decision for project \"%s\": its "
                                 "compressed record names no dictionary",
                                 d->project);
        if ((rc = zsha_find(s, d->trace_dict_sha256, &id, err)))
            return rc;
        return bind_compressed(s, st, text, z_at, d->trace_z, d->trace_z_len, id, d, err);
    }
    size_t len = strlen(d->trace);
    elg_zrec_packed pk;
    if ((rc = elg_zrec_pack(s->pack, d->ruleset, d->trace, len, find_dict, s, &pk, err)))
        return rc;
    if (pk.z) {
        if (pk.dict_new && (rc = zrec_put_dict(s, d->ruleset, pk.dict, pk.dict_len, pk.tag, err)))
            return rc;
        return bind_compressed(s, st, text, z_at, pk.z, pk.z_len, *pk.tag, d, err);
    }
    if (sqlite3_bind_text(st, text, d->trace, (int)len, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_null(st, z_at) != SQLITE_OK || sqlite3_bind_null(st, z_at + 1) != SQLITE_OK)
        return db_error(s->db, err, "storing decision for project \"%s\"", d->project);
    return 0;
}

/* The decoder of dictionary id, read once and kept among the last few. */
static int zrec_decoder(elg_store *s, int64_t id, elg_zrec_decoder **out, elg_error *err) {
    const size_t n = sizeof s->zdec / sizeof s->zdec[0];
    for (size_t i = 0; i < n; i++) {
        if (s->zdec[i].dec && s->zdec[i].id == id) {
            *out = s->zdec[i].dec;
            return 0;
        }
    }
    sqlite3_stmt *st = s->stmt[ST_ZDICT_GET];
    elg_zrec_decoder *dec = NULL;
    int rc = 0, step = SQLITE_ERROR;
    if (sqlite3_bind_int64(st, 1, id) == SQLITE_OK)
        step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        rc = elg_zrec_decoder_new(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
                                  &dec, err);
    else if (step == SQLITE_DONE)
        rc = elg_error_set(err, ELG_ESTORE, "record dictionary %lld is not in the store",
                           (long long)id);
    else
        rc = db_error(s->db, err, "reading record dictionary %lld", (long long)id);
    stmt_done(st);
    if (rc)
        return rc;
    size_t slot = s->zdec_next++ % n;
    elg_zrec_decoder_free(s->zdec[slot].dec);
    s->zdec[slot].id = id;
    s->zdec[slot].dec = dec;
    *out = dec;
    return 0;
}

/* ---- open and close ---------------------------------------------------- */

/* SQLite's memory statistics take a global mutex and a counter update on
 * every allocation (5 % of the supervisor's instructions in a batch), and
 * eligo never reads them: the one process-wide setting this module makes,
 * before SQLite is first used. A host that started SQLite itself keeps
 * its own setting (sqlite3_config then refuses, harmlessly). */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

static void sqlite_setup(void) {
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* Opens the store at path; create: whether a missing file is created. */
static int open_store(const char *path, int create, elg_store **out, elg_error *err) {
    elg_store *s = NULL;
    int rc = 0;

    if (!path || !out)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_open: no path or result given");
    *out = NULL;
    if (!(s = calloc(1, sizeof *s)) || !(s->pack = elg_zrec_packer_new())) {
        free(s);
        return elg_error_set(err, ELG_ENOMEM, "opening the store: out of memory");
    }

    pthread_once(&sqlite_once, sqlite_setup);
    /* NOMUTEX: a store is used by one thread (store.h), so SQLite's
     * per-connection mutex would only cost time. */
    if (sqlite3_open_v2(path, &s->db,
                        SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) |
                            SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        if (!create && s->db && sqlite3_errcode(s->db) == SQLITE_CANTOPEN)
            rc = elg_error_set(err, ELG_ENOTFOUND, "no store here (it is created by import)");
        else
            rc = s->db ? db_error(s->db, err, "opening the store")
                       : elg_error_set(err, ELG_ENOMEM, "opening the store: out of memory");
        goto out;
    }
    if ((rc = configure(s->db, err)) || (rc = migrate(s->db, err)))
        goto out;
    if (sqlite3_exec(s->db, batch_schema, NULL, NULL, NULL) != SQLITE_OK) {
        rc = db_error(s->db, err, "opening the store");
        goto out;
    }
    /* Prepared after migrating: preparing checks the tables exist. */
    for (int i = 0; i < ST_COUNT; i++) {
        if (sqlite3_prepare_v3(s->db, stmt_def[i].sql, -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i],
                               NULL) != SQLITE_OK) {
            rc = db_error(s->db, err, "preparing store queries");
            goto out;
        }
    }

out:
    if (rc) {
        elg_error_at(err, path, 0, 0, NULL);
        elg_store_close(s);
        return rc;
    }
    *out = s;
    return 0;
}

int elg_store_open(const char *path, elg_store **out, elg_error *err) {
    return open_store(path, 1, out, err);
}

int elg_store_open_existing(const char *path, elg_store **out, elg_error *err) {
    return open_store(path, 0, out, err);
}

const char *elg_store_path(const elg_store *s) {
    const char *path = s && s->db ? sqlite3_db_filename(s->db, "main") : NULL;
    return path && *path ? path : NULL;
}

void elg_store_close(elg_store *s) {
    if (!s)
        return;
    elg_ckpt_stop(s->ckpt);
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(s->stmt[i]);
    for (int i = 0; i < LIST_VARIANTS; i++)
        sqlite3_finalize(s->list[i]);
    zrec_forget(s);
    elg_zrec_packer_free(s->pack);
    /* close_v2 cannot fail with SQLITE_BUSY; an open transaction is rolled
     * back. */
    sqlite3_close_v2(s->db);
    free(s);
}

/* ---- transactions ------------------------------------------------------ */

int elg_store_begin(elg_store *s, elg_error *err) {
    if (!s)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_begin: no store");
    return run(s, ST_BEGIN, err, "starting a store transaction");
}

int elg_store_checkpoints_start(elg_store *s, elg_error *err) {
    if (!s)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_checkpoints_start: no store");
    if (s->ckpt)
        return 0;
    return elg_ckpt_start(s->db, ELG_CKPT_PAGES, ELG_CKPT_HIGH, WAL_PAGES, &s->ckpt, err);
}

void elg_store_checkpoints_stop(elg_store *s) {
    if (!s)
        return;
    elg_ckpt_stop(s->ckpt);
    s->ckpt = NULL;
}

void elg_store_checkpoints_hold(elg_store *s, int hold) {
    if (s)
        elg_ckpt_hold(s->ckpt, hold);
}

int elg_store_commit(elg_store *s, elg_error *err) {
    int rc;

    if (!s)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_commit: no store");
    rc = run(s, ST_COMMIT, err, "committing to the store");
    /* A failed COMMIT leaves the transaction open; end it here so callers
     * that roll back on error and callers that do not both end up clean. */
    if (rc)
        elg_store_rollback(s);
    return rc;
}

void elg_store_rollback(elg_store *s) {
    if (!s)
        return;
    s->ruleset_seen[0] = '\0';
    zrec_forget(s);
    if (sqlite3_get_autocommit(s->db))
        return;
    /* Nothing to report: the caller is already handling the error that made
     * it roll back, and that is the one to show. */
    run(s, ST_ROLLBACK, NULL, "rolling back");
}

/* ---- documents --------------------------------------------------------- */

static int kind_known(const char *kind) {
    return strcmp(kind, "financer") == 0 || strcmp(kind, "call") == 0 ||
           strcmp(kind, "project") == 0;
}

/* Points doc at the current row of a DOC_COLS query: the strings are
 * SQLite's, valid until the statement moves. */
static int doc_view(sqlite3_stmt *st, elg_stored_doc *doc) {
    memset(doc, 0, sizeof *doc);
    doc->kind = (char *)col_text(st, 0);
    doc->id = (char *)col_text(st, 1);
    doc->version = sqlite3_column_int(st, 2);
    doc->sha256 = (char *)col_text(st, 3);
    doc->body = (char *)col_text(st, 4);
    doc->body_len = (size_t)sqlite3_column_bytes(st, 4);
    doc->source = (char *)col_text(st, 5);
    doc->imported_at = (char *)col_text(st, 6);
    if (!doc->kind || !doc->id || !doc->sha256 || !doc->body || !doc->source || !doc->imported_at)
        return ELG_ENOMEM;
    return 0;
}

static int doc_copy(const elg_stored_doc *view, elg_stored_doc *out) {
    elg_stored_doc d = {
        .kind = dup_str(view->kind),
        .id = dup_str(view->id),
        .version = view->version,
        .sha256 = dup_str(view->sha256),
        .body = dup_bytes(view->body, view->body_len),
        .body_len = view->body_len,
        .source = dup_str(view->source),
        .imported_at = dup_str(view->imported_at),
    };
    if (!d.kind || !d.id || !d.sha256 || !d.body || !d.source || !d.imported_at) {
        elg_store_doc_release(&d);
        return ELG_ENOMEM;
    }
    *out = d;
    return 0;
}

void elg_store_doc_release(elg_stored_doc *doc) {
    if (!doc)
        return;
    free(doc->kind);
    free(doc->id);
    free(doc->sha256);
    free(doc->body);
    free(doc->source);
    free(doc->imported_at);
    memset(doc, 0, sizeof *doc);
}

/*
 * Records a version of (kind, id) as elg_store_put_doc says; for a project,
 * project is its parsed content, whose compact form and calls are written with
 * a new version.
 */
/* Ends the transaction a writer began itself (own_tx): committed when rc is
 * 0, else rolled back; a caller's transaction is left to the caller. */
static int end_own_tx(elg_store *s, int own_tx, int rc, elg_error *err) {
    if (!own_tx)
        return rc;
    if (rc == 0)
        return elg_store_commit(s, err);
    elg_store_rollback(s);
    return rc;
}

/* Steps head, a bound statement giving the latest version of a document
 * and its sha256: *latest is its number (0 when there is none) and *same
 * whether its sha256 is sha. -1 on a database error (or a NULL sha256). */
static int latest_version(sqlite3_stmt *head, const char *sha, int *latest, bool *same) {
    *latest = 0;
    *same = false;
    int step = sqlite3_step(head);
    if (step == SQLITE_DONE)
        return 0;
    if (step != SQLITE_ROW)
        return -1;
    *latest = sqlite3_column_int(head, 0);
    const char *latest_sha = col_text(head, 1);
    if (!latest_sha)
        return -1;
    *same = strcmp(latest_sha, sha) == 0;
    return 0;
}

static int put_version(elg_store *s, const char *kind, const char *id, const char *body,
                       size_t body_len, const char *source, const elg_project *project,
                       int *version, int *created, elg_error *err) {
    char sha[ELG_SHA256_HEX];
    sqlite3_stmt *head = NULL, *ins = NULL;
    int rc = 0, own_tx = 0, latest = 0;

    if (!body)
        body = "";
    elg_sha256_hex(body, body_len, sha);

    /* The latest version read and the next one written must belong to the
     * same snapshot: outside a caller's transaction, hold the write lock for
     * both. */
    if (sqlite3_get_autocommit(s->db)) {
        if ((rc = run(s, ST_BEGIN, err, "storing %s \"%s\"", kind, id)))
            return rc;
        own_tx = 1;
    }

    head = s->stmt[ST_DOC_HEAD];
    bool same;
    if (bind_text(head, 1, kind) != SQLITE_OK || bind_text(head, 2, id) != SQLITE_OK ||
        latest_version(head, sha, &latest, &same)) {
        rc = db_error(s->db, err, "reading %s \"%s\" from the store", kind, id);
        goto out;
    }
    if (same) {
        if (version)
            *version = latest;
        if (created)
            *created = 0;
        goto out;
    }
    stmt_done(head);
    head = NULL;

    /* A project version is never stored without its form: the form and its
     * calls go first and the document last, so a failure leaves no version
     * behind, and what it may leave (a form without its document) fails the
     * deferred foreign keys: the transaction cannot commit it. Cheaper than a
     * savepoint around each version, which costs an import a tenth. */
    if (project && (rc = write_form(s->db, s->stmt[ST_FORM_INSERT], s->stmt[ST_FORM_CALL_INSERT],
                                    project, latest + 1, sha, err)))
        goto out;
    ins = s->stmt[ST_DOC_INSERT];
    if (bind_text(ins, 1, kind) != SQLITE_OK || bind_text(ins, 2, id) != SQLITE_OK ||
        sqlite3_bind_int(ins, 3, latest + 1) != SQLITE_OK || bind_text(ins, 4, sha) != SQLITE_OK ||
        bind_blob(ins, 5, body, body_len) != SQLITE_OK ||
        bind_text(ins, 6, source ? source : "") != SQLITE_OK || sqlite3_step(ins) != SQLITE_DONE) {
        rc = db_error(s->db, err, "storing %s \"%s\"", kind, id);
        goto out;
    }
    if (version)
        *version = latest + 1;
    if (created)
        *created = 1;

out:
    stmt_done(head);
    stmt_done(ins);
    return end_own_tx(s, own_tx, rc, err);
}

/* A project given as bytes alone: parsed here, so that every stored project
 * version has its form. */
static int put_project_body(elg_store *s, const char *id, const char *body, size_t body_len,
                            const char *source, int *version, int *created, elg_error *err) {
    elg_doc *doc = NULL;
    const elg_project *p;
    int rc;

    if ((rc =
             elg_doc_parse(source && *source ? source : id, body ? body : "", body_len, &doc, err)))
        return rc;
    p = elg_doc_project(doc);
    if (!p)
        rc = elg_error_set(err, ELG_EUSAGE, "project \"%s\": the document is a %s", id,
                           elg_doc_kind_name(elg_doc_kind_of(doc)));
    else if (strcmp(p->id, id) != 0)
        rc = elg_error_set(err, ELG_EUSAGE, "project \"%s\": the document is project \"%s\"", id,
                           p->id);
    else
        rc = put_version(s, "project", id, body, body_len, source, p, version, created, err);
    elg_doc_free(doc);
    return rc;
}

int elg_store_put_doc(elg_store *s, const char *kind, const char *id, const char *body,
                      size_t body_len, const char *source, int *version, int *created,
                      elg_error *err) {
    if (!s || !kind || !id || (!body && body_len))
        return elg_error_set(err, ELG_EUSAGE, "elg_store_put_doc: missing argument");
    if (!kind_known(kind))
        return elg_error_set(err, ELG_EUSAGE,
                             "unknown document kind \"%s\" (expected financer, call or project)",
                             kind);
    if (!*id)
        return elg_error_set(err, ELG_EUSAGE, "a %s with an empty id cannot be stored", kind);
    if (strcmp(kind, "project") == 0)
        return put_project_body(s, id, body, body_len, source, version, created, err);
    return put_version(s, kind, id, body, body_len, source, NULL, version, created, err);
}

int elg_store_put_project(elg_store *s, const elg_project *project, const char *body,
                          size_t body_len, const char *source, int *version, int *created,
                          elg_error *err) {
    if (!s || !project || !project->id || !*project->id || (!body && body_len))
        return elg_error_set(err, ELG_EUSAGE, "elg_store_put_project: missing argument");
    return put_version(s, "project", project->id, body, body_len, source, project, version, created,
                       err);
}

int elg_store_has_doc(elg_store *s, const char *kind, const char *id, int *found, elg_error *err) {
    sqlite3_stmt *st;
    int rc = 0, step = SQLITE_ERROR;

    if (!s || !kind || !id || !found)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_has_doc: missing argument");
    st = s->stmt[ST_DOC_EXISTS];
    if (bind_text(st, 1, kind) == SQLITE_OK && bind_text(st, 2, id) == SQLITE_OK)
        step = sqlite3_step(st);
    if (step == SQLITE_ROW || step == SQLITE_DONE)
        *found = step == SQLITE_ROW;
    else
        rc = db_error(s->db, err, "reading %s \"%s\" from the store", kind, id);
    stmt_done(st);
    return rc;
}

int elg_store_get_doc(elg_store *s, const char *kind, const char *id, int version,
                      elg_stored_doc *out, elg_error *err) {
    elg_stored_doc view;
    sqlite3_stmt *st;
    int rc = 0, step;

    if (out)
        memset(out, 0, sizeof *out);
    if (!s || !kind || !id || !out)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_get_doc: missing argument");

    st = s->stmt[version > 0 ? ST_DOC_VERSION : ST_DOC_LATEST];
    if (bind_text(st, 1, kind) != SQLITE_OK || bind_text(st, 2, id) != SQLITE_OK ||
        (version > 0 && sqlite3_bind_int(st, 3, version) != SQLITE_OK)) {
        rc = db_error(s->db, err, "reading %s \"%s\" from the store", kind, id);
        goto out;
    }
    step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        if (version > 0)
            rc = elg_error_set(err, ELG_ENOTFOUND, "no version %d of %s \"%s\" in the store",
                               version, kind, id);
        else
            rc = elg_error_set(err, ELG_ENOTFOUND, "no %s \"%s\" in the store", kind, id);
        goto out;
    }
    if (step != SQLITE_ROW || doc_view(st, &view) != 0) {
        rc = db_error(s->db, err, "reading %s \"%s\" from the store", kind, id);
        goto out;
    }
    if (doc_copy(&view, out) != 0)
        rc = elg_error_set(err, ELG_ENOMEM, "reading %s \"%s\" from the store: out of memory", kind,
                           id);

out:
    stmt_done(st);
    return rc;
}

int elg_store_each_doc(elg_store *s, const char *kind, elg_store_doc_fn fn, void *ctx,
                       elg_error *err) {
    /* Every kind, in the order ORDER BY kind would give: the CHECK on
     * documents.kind allows no other. */
    static const char *const all[] = {"call", "financer", "project"};
    const char *const *kinds = all;
    size_t count = sizeof all / sizeof all[0];
    int rc = 0;

    if (!s || !fn)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_each_doc: missing argument");
    if (kind && *kind) {
        kinds = &kind;
        count = 1;
    }
    for (size_t k = 0; k < count && rc == 0; k++) {
        elg_stored_doc view;
        sqlite3_stmt *st = NULL;
        int step;

        if ((rc = walk_stmt(s, s->stmt[ST_DOC_EACH], &st, err)))
            return rc;
        if (bind_text(st, 1, kinds[k]) != SQLITE_OK) {
            rc = db_error(s->db, err, "listing documents");
            goto next;
        }
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            if (doc_view(st, &view) != 0) {
                rc = db_error(s->db, err, "listing documents");
                goto next;
            }
            if ((rc = fn(ctx, &view)) != 0)
                goto next;
        }
        if (step != SQLITE_DONE)
            rc = db_error(s->db, err, "listing documents");
    next:
        walk_done(s->stmt[ST_DOC_EACH], st);
    }
    return rc;
}

/* ---- compact forms ----------------------------------------------------- */

/* Points f at the current row of a FORM_COLS query (id and form are SQLite's,
 * valid until the statement moves). */
static int form_view(sqlite3_stmt *st, elg_stored_form *f) {
    const char *sha;

    memset(f, 0, sizeof *f);
    f->id = (char *)col_text(st, 0);
    f->version = sqlite3_column_int(st, 1);
    sha = col_text(st, 2);
    f->form = (void *)sqlite3_column_blob(st, 3);
    f->form_len = (size_t)sqlite3_column_bytes(st, 3);
    /* A form is never empty, so a NULL blob is a failed conversion. */
    if (!f->id || !sha || !f->form)
        return ELG_ENOMEM;
    elg_strcopy(f->sha256, sizeof f->sha256, sha);
    return 0;
}

void elg_store_form_release(elg_stored_form *f) {
    if (!f)
        return;
    free(f->id);
    free(f->form);
    memset(f, 0, sizeof *f);
}

int elg_store_get_project_form(elg_store *s, const char *id, int version, elg_stored_form *out,
                               elg_error *err) {
    elg_stored_form view;
    sqlite3_stmt *st;
    int rc = 0, step;

    if (out)
        memset(out, 0, sizeof *out);
    if (!s || !id || !out)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_get_project_form: missing argument");

    st = s->stmt[version > 0 ? ST_FORM_VERSION : ST_FORM_LATEST];
    if (bind_text(st, 1, id) != SQLITE_OK ||
        (version > 0 && sqlite3_bind_int(st, 2, version) != SQLITE_OK)) {
        rc = db_error(s->db, err, "reading project \"%s\" from the store", id);
        goto out;
    }
    step = sqlite3_step(st);
    if (step == SQLITE_ROW && sqlite3_column_type(st, 3) == SQLITE_NULL) {
        rc = elg_error_set(err, ELG_EINPUT,
                           "project \"%s\" version %d was stored before compact forms and does "
                           "not pass today's document checks: import a corrected version",
                           id, sqlite3_column_int(st, 1));
        goto out;
    }
    if (step == SQLITE_DONE) {
        if (version > 0)
            rc = elg_error_set(err, ELG_ENOTFOUND, "no version %d of project \"%s\" in the store",
                               version, id);
        else
            rc = elg_error_set(err, ELG_ENOTFOUND, "no project \"%s\" in the store", id);
        goto out;
    }
    if (step != SQLITE_ROW || form_view(st, &view) != 0) {
        rc = db_error(s->db, err, "reading project \"%s\" from the store", id);
        goto out;
    }
    out->id = dup_str(view.id);
    out->form = dup_bytes(view.form, view.form_len);
    if (!out->id || !out->form) {
        elg_store_form_release(out);
        rc = elg_error_set(err, ELG_ENOMEM, "reading project \"%s\" from the store: out of memory",
                           id);
        goto out;
    }
    out->version = view.version;
    memcpy(out->sha256, view.sha256, sizeof out->sha256);
    out->form_len = view.form_len;

out:
    stmt_done(st);
    return rc;
}

/* The walk of elg_store_each_project_form_for_call(_since): since NULL
 * uses ST_FORM_FOR_CALL, else ST_FORM_FOR_CALL_SINCE (which ignores ?2
 * otherwise). The projects are read FORM_CHUNK at a time, after the last id
 * read, and the statement is reset before fn sees them: a statement left
 * stepping while fn commits would hold a read transaction for the whole walk,
 * and the write-ahead log could not be checkpointed (it grew past 5 GB over a
 * million projects). Memory: one chunk of forms. */
#define FORM_CHUNK 256

static int each_form_for_call(elg_store *s, const char *call_id, const char *since,
                              int (*fn)(void *ctx, const elg_stored_form *f), void *ctx,
                              elg_error *err) {
    elg_stored_form *chunk = NULL;
    size_t n = 0;
    char *after = strdup("");
    int rc = 0;

    if (!s || !call_id || !fn) {
        free(after);
        return elg_error_set(err, ELG_EUSAGE,
                             "elg_store_each_project_form_for_call: missing argument");
    }
    chunk = calloc(FORM_CHUNK, sizeof *chunk);
    if (!chunk || !after) {
        rc = elg_error_set(err, ELG_ENOMEM, "out of memory listing the projects of a call");
        goto out;
    }
    if (since) {
        sqlite3_stmt *fill = s->stmt[ST_SINCE_FILL];
        if ((rc = run(s, ST_SINCE_CLEAR, err, "listing the projects imported since %s", since)))
            goto out;
        if (bind_text(fill, 1, since) != SQLITE_OK) {
            rc = db_error(s->db, err, "listing the projects imported since %s", since);
            stmt_done(fill);
            goto out;
        }
        if ((rc = run(s, ST_SINCE_FILL, err, "listing the projects imported since %s", since)))
            goto out;
    }
    sqlite3_stmt *cached = s->stmt[since ? ST_FORM_FOR_CALL_SINCE : ST_FORM_FOR_CALL];
    for (;;) {
        sqlite3_stmt *st = NULL;
        int step;
        if ((rc = walk_stmt(s, cached, &st, err)))
            goto out;
        if (bind_text(st, 1, call_id) != SQLITE_OK ||
            (since && bind_text(st, 2, since) != SQLITE_OK) ||
            bind_text(st, 3, after) != SQLITE_OK ||
            sqlite3_bind_int(st, 4, FORM_CHUNK) != SQLITE_OK) {
            rc = db_error(s->db, err, "listing the projects of call \"%s\"", call_id);
            walk_done(cached, st);
            goto out;
        }
        while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
            elg_stored_form view, *f = &chunk[n];
            if (form_view(st, &view) != 0) {
                rc = db_error(s->db, err, "listing the projects of call \"%s\"", call_id);
                break;
            }
            *f = view;
            f->id = strdup(view.id);
            f->form = malloc(view.form_len ? view.form_len : 1);
            if (!f->id || !f->form) {
                free(f->id);
                free(f->form);
                rc = elg_error_set(err, ELG_ENOMEM, "out of memory listing the projects");
                break;
            }
            memcpy(f->form, view.form, view.form_len);
            n++;
        }
        if (rc == 0 && step != SQLITE_DONE)
            rc = db_error(s->db, err, "listing the projects of call \"%s\"", call_id);
        walk_done(cached, st); /* the read ends here, before fn runs */
        size_t got = n;
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = fn(ctx, &chunk[i]);
        if (rc == 0 && n > 0) {
            free(after);
            after = chunk[n - 1].id;
            chunk[n - 1].id = NULL;
        }
        for (size_t i = 0; i < n; i++)
            elg_store_form_release(&chunk[i]);
        n = 0;
        if (rc || got < FORM_CHUNK)
            break;
    }
out:
    for (size_t i = 0; i < n; i++)
        elg_store_form_release(&chunk[i]);
    free(chunk);
    free(after);
    if (since) /* what it holds is of no use past this walk */
        run(s, ST_SINCE_CLEAR, NULL, "listing the projects imported since %s", since);
    return rc;
}

int elg_store_each_project_form_for_call(elg_store *s, const char *call_id,
                                         int (*fn)(void *ctx, const elg_stored_form *f), void *ctx,
                                         elg_error *err) {
    return each_form_for_call(s, call_id, NULL, fn, ctx, err);
}

int elg_store_each_project_form_for_call_since(elg_store *s, const char *call_id, const char *since,
                                               int (*fn)(void *ctx, const elg_stored_form *f),
                                               void *ctx, elg_error *err) {
    return each_form_for_call(s, call_id, since, fn, ctx, err);
}

/* ---- import batches ---------------------------------------------------- */

int elg_store_batch_reset(elg_store *s, elg_error *err) {
    int rc;

    if (!s)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_batch_reset: no store");
    if ((rc = run(s, ST_BATCH_CLEAR_DOCS, err, "starting an import")))
        return rc;
    return run(s, ST_BATCH_CLEAR_REFS, err, "starting an import");
}

int elg_store_batch_note(elg_store *s, int64_t seq, const char *path, const char *kind,
                         const char *id, int version, int created, char **earlier, elg_error *err) {
    sqlite3_stmt *st;
    const char *first;
    int rc = 0, step;

    if (earlier)
        *earlier = NULL;
    if (!s || !path || !kind || !id || !earlier)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_batch_note: missing argument");
    st = s->stmt[ST_BATCH_NOTE];
    if (sqlite3_bind_int64(st, 1, seq) != SQLITE_OK || bind_text(st, 2, kind) != SQLITE_OK ||
        bind_text(st, 3, id) != SQLITE_OK || bind_text(st, 4, path) != SQLITE_OK ||
        sqlite3_bind_int(st, 5, version) != SQLITE_OK ||
        sqlite3_bind_int(st, 6, created) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE)
        rc = db_error(s->db, err, "importing %s \"%s\"", kind, id);
    stmt_done(st);
    if (rc || sqlite3_changes(s->db) > 0)
        return rc;

    /* Not inserted: an earlier document of the batch has the same kind and id. */
    st = s->stmt[ST_BATCH_EARLIER];
    step = SQLITE_ERROR;
    if (bind_text(st, 1, kind) == SQLITE_OK && bind_text(st, 2, id) == SQLITE_OK)
        step = sqlite3_step(st);
    if (step != SQLITE_ROW || !(first = col_text(st, 0)))
        rc = db_error(s->db, err, "importing %s \"%s\"", kind, id);
    else if (!(*earlier = dup_str(first)))
        rc = elg_error_set(err, ELG_ENOMEM, "importing %s \"%s\": out of memory", kind, id);
    stmt_done(st);
    return rc;
}

int elg_store_batch_defer(elg_store *s, int64_t seq, int pos, const char *field, const char *kind,
                          const char *id, elg_error *err) {
    sqlite3_stmt *st;
    int rc = 0;

    if (!s || !field || !kind || !id)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_batch_defer: missing argument");
    st = s->stmt[ST_BATCH_DEFER];
    if (sqlite3_bind_int64(st, 1, seq) != SQLITE_OK || sqlite3_bind_int(st, 2, pos) != SQLITE_OK ||
        bind_text(st, 3, field) != SQLITE_OK || bind_text(st, 4, kind) != SQLITE_OK ||
        bind_text(st, 5, id) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE)
        rc = db_error(s->db, err, "importing: noting the reference to %s \"%s\"", kind, id);
    stmt_done(st);
    return rc;
}

void elg_store_batch_ref_release(elg_batch_ref *r) {
    if (!r)
        return;
    free(r->path);
    free(r->field);
    free(r->kind);
    free(r->id);
    free(r->body);
    memset(r, 0, sizeof *r);
}

int elg_store_batch_unresolved(elg_store *s, elg_batch_ref *out, int *found, elg_error *err) {
    sqlite3_stmt *st;
    const char *path, *field, *kind, *id, *body;
    elg_batch_ref r = {0};
    int rc = 0, step;

    if (out)
        memset(out, 0, sizeof *out);
    if (!s || !out || !found)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_batch_unresolved: missing argument");
    st = s->stmt[ST_BATCH_UNRESOLVED];
    step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        *found = 0;
        goto out;
    }
    path = col_text(st, 1);
    field = col_text(st, 2);
    kind = col_text(st, 3);
    id = col_text(st, 4);
    body = col_text(st, 5);
    if (step != SQLITE_ROW || !path || !field || !kind || !id || !body) {
        rc = db_error(s->db, err, "importing: checking references");
        goto out;
    }
    r.seq = sqlite3_column_int64(st, 0);
    r.path = dup_str(path);
    r.field = dup_str(field);
    r.kind = dup_str(kind);
    r.id = dup_str(id);
    r.body_len = (size_t)sqlite3_column_bytes(st, 5);
    r.body = dup_bytes(body, r.body_len);
    if (!r.path || !r.field || !r.kind || !r.id || !r.body) {
        elg_store_batch_ref_release(&r);
        rc = elg_error_set(err, ELG_ENOMEM, "importing: checking references: out of memory");
        goto out;
    }
    *out = r;
    *found = 1;

out:
    stmt_done(st);
    return rc;
}

int elg_store_batch_each(elg_store *s, int (*fn)(void *ctx, const elg_batch_doc *d), void *ctx,
                         elg_error *err) {
    sqlite3_stmt *st = NULL;
    elg_batch_doc d;
    int rc, step;

    if (!s || !fn)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_batch_each: missing argument");
    if ((rc = walk_stmt(s, s->stmt[ST_BATCH_EACH], &st, err)))
        return rc;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        d.seq = sqlite3_column_int64(st, 0);
        d.path = col_text(st, 1);
        d.kind = col_text(st, 2);
        d.id = col_text(st, 3);
        d.version = sqlite3_column_int(st, 4);
        d.created = sqlite3_column_int(st, 5);
        if (!d.path || !d.kind || !d.id) {
            rc = db_error(s->db, err, "reading the import report");
            goto out;
        }
        if ((rc = fn(ctx, &d)) != 0)
            goto out;
    }
    if (step != SQLITE_DONE)
        rc = db_error(s->db, err, "reading the import report");

out:
    walk_done(s->stmt[ST_BATCH_EACH], st);
    return rc;
}

/* ---- rule sources ------------------------------------------------------ */

int elg_store_put_rule_source(elg_store *s, const char *sha256, const char *body, size_t body_len,
                              elg_error *err) {
    char actual[ELG_SHA256_HEX];
    sqlite3_stmt *st;
    int rc = 0;

    if (!s || !sha256 || (!body && body_len))
        return elg_error_set(err, ELG_EUSAGE, "elg_store_put_rule_source: missing argument");
    if (!body)
        body = "";
    /* The table is addressed by content: a wrong hash would make a replay
     * run other code than the decision did. Hashing is cheap next to that. */
    elg_sha256_hex(body, body_len, actual);
    if (strcmp(actual, sha256) != 0)
        return elg_error_set(err, ELG_EUSAGE, "rule source hash %s does not match its content (%s)",
                             sha256, actual);

    st = s->stmt[ST_RULE_PUT];
    if (bind_text(st, 1, sha256) != SQLITE_OK || bind_blob(st, 2, body, body_len) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE)
        rc = db_error(s->db, err, "storing rule source %s", sha256);
    stmt_done(st);
    return rc;
}

int elg_store_get_rule_source(elg_store *s, const char *sha256, char **body, size_t *len,
                              elg_error *err) {
    sqlite3_stmt *st;
    const char *text;
    size_t n;
    int rc = 0, step;

    if (body)
        *body = NULL;
    if (len)
        *len = 0;
    if (!s || !sha256 || !body)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_get_rule_source: missing argument");

    st = s->stmt[ST_RULE_GET];
    if (bind_text(st, 1, sha256) != SQLITE_OK) {
        rc = db_error(s->db, err, "reading rule source %s", sha256);
        goto out;
    }
    step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        rc = elg_error_set(err, ELG_ENOTFOUND, "no rule source %s in the store", sha256);
        goto out;
    }
    if (step != SQLITE_ROW || !(text = col_text(st, 0))) {
        rc = db_error(s->db, err, "reading rule source %s", sha256);
        goto out;
    }
    n = (size_t)sqlite3_column_bytes(st, 0);
    if (!(*body = dup_bytes(text, n))) {
        rc = elg_error_set(err, ELG_ENOMEM, "reading rule source %s: out of memory", sha256);
        goto out;
    }
    if (len)
        *len = n;

out:
    stmt_done(st);
    return rc;
}

/* ---- decisions --------------------------------------------------------- */

/* Points d at the current row of a DEC_COLS query (strings are SQLite's,
 * valid until the statement moves), its trace decompressed into *owned
 * (for the caller to free) when it is kept compressed. */
static int decision_view(elg_store *s, sqlite3_stmt *st, elg_stored_decision *d, char **owned,
                         elg_error *err) {
    *owned = NULL;
    memset(d, 0, sizeof *d);
    d->id = sqlite3_column_int64(st, 0);
    d->project = (char *)col_text(st, 1);
    d->project_version = sqlite3_column_int(st, 2);
    d->project_sha256 = (char *)col_text(st, 3);
    d->call = (char *)col_text(st, 4);
    d->call_version = sqlite3_column_int(st, 5);
    d->call_sha256 = (char *)col_text(st, 6);
    d->ruleset_sha256 = (char *)col_text(st, 7);
    d->engine_version = (char *)col_text(st, 8);
    d->outcome = (char *)col_text(st, 9);
    d->figures = (char *)col_text(st, 10);
    d->trace = (char *)col_text(st, 11);
    d->trace_len = (size_t)sqlite3_column_bytes(st, 11);
    d->created_at = (char *)col_text(st, 12);
    d->ruleset = (char *)col_text(st, 13); /* NULL for decisions stored before rulesets */
    if (!d->project || !d->project_sha256 || !d->call || !d->call_sha256 || !d->ruleset_sha256 ||
        !d->engine_version || !d->outcome || !d->figures || !d->trace || !d->created_at)
        return db_error(s->db, err, "reading decision %lld", (long long)d->id);
    if (sqlite3_column_type(st, 14) != SQLITE_NULL) {
        elg_zrec_decoder *dec;
        size_t len;
        const void *z = sqlite3_column_blob(st, 14);
        size_t zlen = (size_t)sqlite3_column_bytes(st, 14);
        elg_error why = {0};
        int rc = zrec_decoder(s, sqlite3_column_int64(st, 15), &dec, &why);
        if (rc == 0)
            rc = elg_zrec_decode(dec, z, zlen, owned, &len, &why);
        if (rc)
            return elg_error_set(err, rc, "reading decision %lld: %s", (long long)d->id,
                                 why.message);
        d->trace = *owned;
        d->trace_len = len;
    }
    return 0;
}

static int decision_copy(const elg_stored_decision *v, elg_stored_decision *out) {
    elg_stored_decision d = {
        .id = v->id,
        .project = dup_str(v->project),
        .project_version = v->project_version,
        .project_sha256 = dup_str(v->project_sha256),
        .call = dup_str(v->call),
        .call_version = v->call_version,
        .call_sha256 = dup_str(v->call_sha256),
        .ruleset_sha256 = dup_str(v->ruleset_sha256),
        .engine_version = dup_str(v->engine_version),
        .outcome = dup_str(v->outcome),
        .figures = dup_str(v->figures),
        .trace = dup_bytes(v->trace, v->trace_len),
        .trace_len = v->trace_len,
        .created_at = dup_str(v->created_at),
        .ruleset = v->ruleset ? dup_str(v->ruleset) : NULL,
    };
    if (!d.project || !d.project_sha256 || !d.call || !d.call_sha256 || !d.ruleset_sha256 ||
        !d.engine_version || !d.outcome || !d.figures || !d.trace || !d.created_at ||
        (v->ruleset && !d.ruleset)) {
        elg_store_decision_release(&d);
        return ELG_ENOMEM;
    }
    *out = d;
    return 0;
}

void elg_store_decision_release(elg_stored_decision *d) {
    if (!d)
        return;
    free(d->project);
    free(d->project_sha256);
    free(d->call);
    free(d->call_sha256);
    free(d->ruleset_sha256);
    free(d->engine_version);
    free(d->outcome);
    free(d->figures);
    free(d->trace);
    free(d->created_at);
    free(d->ruleset);
    memset(d, 0, sizeof *d);
}

static int insert_decision(elg_store *s, const elg_stored_decision *d,
                           const elg_rule_file_ref *files, size_t files_count, int64_t *id,
                           elg_error *err) {
    sqlite3_stmt *st = s->stmt[ST_DEC_INSERT];
    int64_t new_id;
    int rc = 0;

    if (bind_text(st, 1, d->project) != SQLITE_OK ||
        sqlite3_bind_int(st, 2, d->project_version) != SQLITE_OK ||
        bind_text(st, 3, d->project_sha256) != SQLITE_OK ||
        bind_text(st, 4, d->call) != SQLITE_OK ||
        sqlite3_bind_int(st, 5, d->call_version) != SQLITE_OK ||
        bind_text(st, 6, d->call_sha256) != SQLITE_OK ||
        bind_text(st, 7, d->ruleset_sha256) != SQLITE_OK ||
        bind_text(st, 8, d->engine_version) != SQLITE_OK ||
        bind_text(st, 9, d->outcome) != SQLITE_OK || bind_text(st, 10, d->figures) != SQLITE_OK ||
        bind_text(st, 11, d->trace) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE) {
        rc = db_error(s->db, err, "storing decision for project \"%s\" and call \"%s\"", d->project,
                      d->call);
        stmt_done(st);
        return rc;
    }
    stmt_done(st);
    new_id = sqlite3_last_insert_rowid(s->db);

    st = s->stmt[ST_DEC_FILE_INSERT];
    for (size_t i = 0; i < files_count; i++) {
        if (sqlite3_bind_int64(st, 1, new_id) != SQLITE_OK ||
            sqlite3_bind_int64(st, 2, (sqlite3_int64)i) != SQLITE_OK ||
            bind_text(st, 3, files[i].path) != SQLITE_OK ||
            bind_text(st, 4, files[i].sha256) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE) {
            if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
                rc = elg_error_set(err, ELG_EUSAGE,
                                   "storing decision for project \"%s\" and call \"%s\": rule "
                                   "file %s: its source %s is not in the store",
                                   d->project, d->call, files[i].path, files[i].sha256);
            else
                rc = db_error(s->db, err,
                              "storing decision for project \"%s\" and call \"%s\": rule file %s",
                              d->project, d->call, files[i].path);
            stmt_done(st);
            return rc;
        }
        stmt_done(st);
    }
    *id = new_id;
    return 0;
}

int elg_store_add_decision(elg_store *s, const elg_stored_decision *d,
                           const elg_rule_file_ref *files, size_t files_count, int64_t *id,
                           elg_error *err) {
    int64_t new_id = 0;
    int rc, own_tx, released;

    if (!s || !d || !d->project || !d->call || (!files && files_count))
        return elg_error_set(err, ELG_EUSAGE, "elg_store_add_decision: missing argument");
    for (size_t i = 0; i < files_count; i++)
        if (!files[i].path || !files[i].sha256)
            return elg_error_set(err, ELG_EUSAGE,
                                 "elg_store_add_decision: rule file %zu has no path or hash", i);

    /* A decision without its rule files must never be stored. Alone, it gets
     * its own transaction; inside the caller's, a savepoint, so a failure
     * removes the half-written decision but keeps the caller's other work. */
    own_tx = sqlite3_get_autocommit(s->db);
    if ((rc = run(s, own_tx ? ST_BEGIN : ST_SAVEPOINT, err,
                  "storing decision for project \"%s\" and call \"%s\"", d->project, d->call)))
        return rc;
    rc = insert_decision(s, d, files, files_count, &new_id, err);
    if (own_tx) {
        if (rc == 0)
            rc = elg_store_commit(s, err);
        else
            elg_store_rollback(s);
    } else {
        if (rc != 0)
            run(s, ST_ROLLBACK_TO, NULL, "undoing the decision");
        /* RELEASE after ROLLBACK TO removes the savepoint itself. */
        released = run(s, ST_RELEASE, err, "storing decision for project \"%s\" and call \"%s\"",
                       d->project, d->call);
        if (released != 0 && rc == 0) {
            rc = released;
            run(s, ST_ROLLBACK_TO, NULL, "undoing the decision");
            run(s, ST_RELEASE, NULL, "undoing the decision");
        }
    }
    if (rc == 0 && id)
        *id = new_id;
    return rc;
}

int elg_store_in_transaction(elg_store *s) {
    return !sqlite3_get_autocommit(s->db);
}

/* ---- rulesets and decision records -------------------------------------- */

int elg_store_has_ruleset(elg_store *s, const char *sha256, int *has, elg_error *err) {
    sqlite3_stmt *st = s->stmt[ST_RULESET_HAS];
    int rc = 0, step = SQLITE_ERROR;
    if (s->ruleset_seen[0] && strcmp(s->ruleset_seen, sha256) == 0) {
        *has = 1;
        return 0;
    }
    if (bind_text(st, 1, sha256) == SQLITE_OK)
        step = sqlite3_step(st);
    if (step == SQLITE_ROW || step == SQLITE_DONE)
        *has = step == SQLITE_ROW;
    else
        rc = db_error(s->db, err, "reading ruleset %s", sha256);
    stmt_done(st);
    if (rc == 0 && *has && strlen(sha256) < sizeof s->ruleset_seen)
        snprintf(s->ruleset_seen, sizeof s->ruleset_seen, "%s", sha256);
    return rc;
}

int elg_store_put_ruleset(elg_store *s, const char *sha256, const char *body, size_t body_len,
                          const elg_rule_file_ref *files, size_t files_count, elg_error *err) {
    sqlite3_stmt *st = s->stmt[ST_RULESET_PUT];
    int rc = 0;
    if (bind_text(st, 1, sha256) != SQLITE_OK ||
        sqlite3_bind_text(st, 2, body, (int)body_len, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE)
        rc = db_error(s->db, err, "storing ruleset %s", sha256);
    stmt_done(st);
    st = s->stmt[ST_RULESET_FILE_PUT];
    for (size_t i = 0; rc == 0 && i < files_count; i++) {
        if (bind_text(st, 1, sha256) != SQLITE_OK ||
            sqlite3_bind_int64(st, 2, (sqlite3_int64)i) != SQLITE_OK ||
            bind_text(st, 3, files[i].path) != SQLITE_OK ||
            bind_text(st, 4, files[i].sha256) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE) {
            if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
                rc = elg_error_set(err, ELG_EUSAGE,
                                   "storing ruleset %s: rule file %s: its source %s is not in "
                                   "the store",
                                   sha256, files[i].path, files[i].sha256);
            else
                rc =
                    db_error(s->db, err, "storing ruleset %s: rule file %s", sha256, files[i].path);
        }
        stmt_done(st);
    }
    return rc;
}

int elg_store_get_ruleset(elg_store *s, const char *sha256, char **body, size_t *len,
                          elg_error *err) {
    sqlite3_stmt *st = s->stmt[ST_RULESET_GET];
    const char *text;
    int rc = 0, step;
    *body = NULL;
    *len = 0;
    if (bind_text(st, 1, sha256) != SQLITE_OK) {
        rc = db_error(s->db, err, "reading ruleset %s", sha256);
        goto out;
    }
    step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        rc = elg_error_set(err, ELG_ENOTFOUND, "no ruleset %s in the store", sha256);
        goto out;
    }
    if (step != SQLITE_ROW || !(text = col_text(st, 0))) {
        rc = db_error(s->db, err, "reading ruleset %s", sha256);
        goto out;
    }
    *len = (size_t)sqlite3_column_bytes(st, 0);
    if (!(*body = dup_bytes(text, *len)))
        rc = elg_error_set(err, ELG_ENOMEM, "reading ruleset %s: out of memory", sha256);
out:
    stmt_done(st);
    return rc;
}

/* The time of a decision as the column's default writes it
 * (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'): UTC, milliseconds), from the same
 * system clock. */
static void store_stamp(char out[32]) {
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    unsigned v[7] = {(unsigned)tm.tm_year + 1900,
                     (unsigned)tm.tm_mon + 1,
                     (unsigned)tm.tm_mday,
                     (unsigned)tm.tm_hour,
                     (unsigned)tm.tm_min,
                     (unsigned)tm.tm_sec,
                     (unsigned)(ts.tv_nsec / 1000000)};
    static const char seps[] = "--T::.Z";
    static const int widths[] = {4, 2, 2, 2, 2, 2, 3};
    char *p = out;
    for (int i = 0; i < 7; i++) {
        for (int k = widths[i] - 1; k >= 0; k--, v[i] /= 10)
            p[k] = (char)('0' + v[i] % 10);
        p += widths[i];
        *p++ = seps[i];
    }
    *p = '\0';
}

/* Binds ?1-?12 of a format-2 decision row (ST_DEC_RECORD_INSERT,
 * ST_DEC_KEYED_INSERT) but its trace (bind_trace); SQLITE_OK or the first
 * failure. */
static int bind_record(sqlite3_stmt *st, const elg_stored_decision *d) {
    int rc = bind_text(st, 1, d->project);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 2, d->project_version);
    if (rc == SQLITE_OK)
        rc = bind_text(st, 3, d->project_sha256);
    if (rc == SQLITE_OK)
        rc = bind_text(st, 4, d->call);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 5, d->call_version);
    const char *text[] = {d->call_sha256, d->ruleset_sha256, d->engine_version,
                          d->outcome,     d->figures,        NULL,
                          d->ruleset};
    for (int i = 0; i < 7 && rc == SQLITE_OK; i++)
        if (text[i])
            rc = bind_text(st, 6 + i, text[i]);
    return rc;
}

int elg_store_add_decision_record(elg_store *s, const elg_stored_decision *d, int64_t *id,
                                  char *created_at, size_t created_at_size, elg_error *err) {
    sqlite3_stmt *st = s->stmt[ST_DEC_RECORD_INSERT];
    int rc = 0;
    if (!d->ruleset)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_add_decision_record: no ruleset");
    char at[32];
    store_stamp(at);
    if (!d->trace && !d->trace_z)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_add_decision_record: no trace");
    if ((rc = bind_trace(s, st, 11, 14, d, err)))
        goto out;
    if (bind_record(st, d) != SQLITE_OK || bind_text(st, 13, at) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE) {
        rc = db_error(s->db, err, "storing decision for project \"%s\" and call \"%s\"", d->project,
                      d->call);
        goto out;
    }
    *id = sqlite3_last_insert_rowid(s->db);
    snprintf(created_at, created_at_size, "%s", at);
out:
    stmt_done(st);
    return rc;
}

int elg_store_get_decision(elg_store *s, int64_t id, elg_stored_decision *out, elg_error *err) {
    elg_stored_decision view;
    char *owned = NULL;
    sqlite3_stmt *st;
    int rc = 0, step;

    if (out)
        memset(out, 0, sizeof *out);
    if (!s || !out)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_get_decision: missing argument");

    st = s->stmt[ST_DEC_GET];
    if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK) {
        rc = db_error(s->db, err, "reading decision %lld", (long long)id);
        goto out;
    }
    step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        rc = elg_error_set(err, ELG_ENOTFOUND, "no decision %lld in the store", (long long)id);
        goto out;
    }
    if (step != SQLITE_ROW) {
        rc = db_error(s->db, err, "reading decision %lld", (long long)id);
        goto out;
    }
    if ((rc = decision_view(s, st, &view, &owned, err)))
        goto out;
    if (decision_copy(&view, out) != 0)
        rc = elg_error_set(err, ELG_ENOMEM, "reading decision %lld: out of memory", (long long)id);

out:
    free(owned);
    stmt_done(st);
    return rc;
}

static int decision_exists(elg_store *s, int64_t id, int *exists, elg_error *err) {
    sqlite3_stmt *st = s->stmt[ST_DEC_EXISTS];
    int rc = 0, step = SQLITE_ERROR;

    if (sqlite3_bind_int64(st, 1, id) == SQLITE_OK)
        step = sqlite3_step(st);
    if (step == SQLITE_ROW || step == SQLITE_DONE)
        *exists = step == SQLITE_ROW;
    else
        rc = db_error(s->db, err, "reading decision %lld", (long long)id);
    stmt_done(st);
    return rc;
}

int elg_store_each_decision_file(elg_store *s, int64_t id, elg_store_rule_file_fn fn, void *ctx,
                                 elg_error *err) {
    sqlite3_stmt *st = NULL;
    const char *path, *sha;
    int rc, step, rows = 0, exists = 0;

    if (!s || !fn)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_each_decision_file: missing argument");
    if ((rc = walk_stmt(s, s->stmt[ST_DEC_FILES], &st, err)))
        return rc;
    if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK) {
        rc = db_error(s->db, err, "reading the rule files of decision %lld", (long long)id);
        goto out;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        rows++;
        if (!(path = col_text(st, 1)) || !(sha = col_text(st, 2))) {
            rc = db_error(s->db, err, "reading the rule files of decision %lld", (long long)id);
            goto out;
        }
        if ((rc = fn(ctx, path, sha)) != 0)
            goto out;
    }
    if (step != SQLITE_DONE) {
        rc = db_error(s->db, err, "reading the rule files of decision %lld", (long long)id);
        goto out;
    }
    /* No rows: a decision with no rule files, or no decision at all. */
    if (rows == 0) {
        if ((rc = decision_exists(s, id, &exists, err)) == 0 && !exists)
            rc = elg_error_set(err, ELG_ENOTFOUND, "no decision %lld in the store", (long long)id);
    }

out:
    walk_done(s->stmt[ST_DEC_FILES], st);
    return rc;
}

/* The listing statement for a combination of filters (bit i set: filter_sql[i]
 * applies), prepared on first use. */
static int list_stmt(elg_store *s, unsigned mask, sqlite3_stmt **out, elg_error *err) {
    /* Only the fixed fragments above go in here: under 400 bytes in all. */
    char sql[1024] = "SELECT " DEC_COLS " FROM decisions";
    size_t n = strlen(sql);
    const char *glue = " WHERE ";

    if (s->list[mask]) {
        *out = s->list[mask];
        return 0;
    }
    for (int i = 0; i < FILTER_COUNT; i++) {
        if (mask & (1u << i)) {
            /* The most selective filter given takes its index (a project has
             * few decisions, a call more, an outcome a third of them); a "+"
             * keeps the others to filtering, which the planner, without
             * statistics, would not know to do. */
            int other = (i == 1 && (mask & 1u)) || (i == 2 && (mask & 3u));
            const char *no_index = other ? "+" : "";
            n += (size_t)snprintf(sql + n, sizeof sql - n, "%s%s%s", glue, no_index, filter_sql[i]);
            glue = " AND ";
        }
    }
    snprintf(sql + n, sizeof sql - n, " ORDER BY created_at, id");
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->list[mask], NULL) !=
        SQLITE_OK)
        return db_error(s->db, err, "preparing the decision listing");
    *out = s->list[mask];
    return 0;
}

int elg_store_each_decision(elg_store *s, const elg_decision_filter *filter,
                            elg_store_decision_fn fn, void *ctx, elg_error *err) {
    static const elg_decision_filter none = {0};
    const char *value[FILTER_COUNT];
    elg_stored_decision view;
    sqlite3_stmt *cached = NULL, *st = NULL;
    unsigned mask = 0;
    int rc, step;

    if (!s || !fn)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_each_decision: missing argument");
    if (!filter)
        filter = &none;
    value[0] = filter->project;
    value[1] = filter->call;
    value[2] = filter->outcome;
    value[3] = filter->since;
    value[4] = filter->until;
    for (int i = 0; i < FILTER_COUNT; i++)
        if (value[i] && *value[i])
            mask |= 1u << i;

    if ((rc = list_stmt(s, mask, &cached, err)) || (rc = walk_stmt(s, cached, &st, err)))
        return rc;
    for (int i = 0; i < FILTER_COUNT; i++) {
        if ((mask & (1u << i)) && bind_text(st, i + 1, value[i]) != SQLITE_OK) {
            rc = db_error(s->db, err, "listing decisions");
            goto out;
        }
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        char *owned;
        if ((rc = decision_view(s, st, &view, &owned, err)))
            goto out;
        rc = fn(ctx, &view);
        free(owned);
        if (rc != 0)
            goto out;
    }
    if (step != SQLITE_DONE)
        rc = db_error(s->db, err, "listing decisions");

out:
    walk_done(cached, st);
    return rc;
}

/* ---- query plans ------------------------------------------------------- */

/* Runs EXPLAIN QUERY PLAN on sql and hands fn the detail lines, one per line. */
static int explain(elg_store *s, const char *name, const char *sql, elg_store_plan_fn fn, void *ctx,
                   elg_error *err) {
    static const char prefix[] = "EXPLAIN QUERY PLAN ";
    sqlite3_stmt *st = NULL;
    char *text = NULL, *plan = NULL;
    size_t len = 0, cap = 0;
    int rc = 0, step;

    if (!(text = malloc(sizeof prefix + strlen(sql)))) {
        rc = elg_error_set(err, ELG_ENOMEM, "explaining %s: out of memory", name);
        goto out;
    }
    memcpy(text, prefix, sizeof prefix - 1);
    memcpy(text + sizeof prefix - 1, sql, strlen(sql) + 1);
    if (sqlite3_prepare_v2(s->db, text, -1, &st, NULL) != SQLITE_OK) {
        rc = db_error(s->db, err, "explaining %s", name);
        goto out;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *detail = col_text(st, 3);
        size_t n = detail ? strlen(detail) : 0;

        if (len + n + 2 > cap) {
            size_t ncap = (len + n + 2) * 2;
            char *grown = realloc(plan, ncap);
            if (!grown) {
                rc = elg_error_set(err, ELG_ENOMEM, "explaining %s: out of memory", name);
                goto out;
            }
            plan = grown;
            cap = ncap;
        }
        memcpy(plan + len, detail ? detail : "", n);
        len += n;
        plan[len++] = '\n';
        plan[len] = '\0';
    }
    if (step != SQLITE_DONE) {
        rc = db_error(s->db, err, "explaining %s", name);
        goto out;
    }
    rc = fn(ctx, name, plan ? plan : "");

out:
    sqlite3_finalize(st);
    free(text);
    free(plan);
    return rc;
}

/* ---- batches of decisions ------------------------------------------------ */

int elg_store_add_decision_keyed(elg_store *s, const elg_stored_decision *d, const char *inputs_key,
                                 int64_t *id, char *created_at, size_t created_at_size,
                                 int *created, elg_error *err) {
    sqlite3_stmt *st = s->stmt[ST_DEC_KEYED_INSERT];
    int rc = 0, step;
    *created = 0;
    if (!d->ruleset || !inputs_key)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_add_decision_keyed: missing argument");
    if (!d->trace && !d->trace_z)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_add_decision_keyed: no trace");
    char stamp[32];
    store_stamp(stamp);
    if ((rc = bind_trace(s, st, 11, 14, d, err)))
        goto out;
    if (bind_record(st, d) != SQLITE_OK || bind_text(st, 13, stamp) != SQLITE_OK ||
        bind_text(st, 16, inputs_key) != SQLITE_OK) {
        rc = db_error(s->db, err, "storing decision for project \"%s\"", d->project);
        goto out;
    }
    step = sqlite3_step(st);
    if (step == SQLITE_DONE && sqlite3_changes(s->db) == 1) {
        *id = sqlite3_last_insert_rowid(s->db);
        elg_strcopy(created_at, created_at_size, stamp);
        *created = 1;
    }
    if (step != SQLITE_DONE) {
        rc = db_error(s->db, err, "storing decision for project \"%s\" and call \"%s\"", d->project,
                      d->call);
        goto out;
    }
    if (*created)
        goto out;
    stmt_done(st);
    /* Already made from the same inputs: that decision stands. */
    st = s->stmt[ST_DEC_BY_INPUTS];
    if (bind_text(st, 1, inputs_key) != SQLITE_OK || bind_text(st, 2, d->project) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        rc = db_error(s->db, err, "reading the decision of project \"%s\" with inputs %s",
                      d->project, inputs_key);
        goto out;
    }
    *id = sqlite3_column_int64(st, 0);
    const char *at = col_text(st, 1);
    snprintf(created_at, created_at_size, "%s", at ? at : "");
out:
    stmt_done(st);
    return rc;
}

int elg_store_count_projects_for_call(elg_store *s, const char *call_id, int64_t *count,
                                      elg_error *err) {
    sqlite3_stmt *st = s->stmt[ST_FORM_COUNT_FOR_CALL];
    int rc = 0;
    if (bind_text(st, 1, call_id) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
        rc = db_error(s->db, err, "counting the projects of call \"%s\"", call_id);
    else
        *count = sqlite3_column_int64(st, 0);
    stmt_done(st);
    return rc;
}

int elg_store_batch_items_clear(elg_store *s, elg_error *err) {
    return run(s, ST_BITEM_CLEAR, err, "starting a batch");
}

int elg_store_batch_item_add(elg_store *s, const elg_batch_item *it, elg_error *err) {
    sqlite3_stmt *st = s->stmt[ST_BITEM_ADD];
    int rc = 0;
    if (sqlite3_bind_int64(st, 1, it->seq) != SQLITE_OK || bind_text(st, 2, it->group) ||
        bind_text(st, 3, it->sort_key) || bind_text(st, 4, it->project) ||
        sqlite3_bind_int(st, 5, it->version) != SQLITE_OK || bind_text(st, 6, it->edition) ||
        bind_text(st, 7, it->outcome) ||
        (it->has_requested ? sqlite3_bind_int64(st, 8, it->requested) : sqlite3_bind_null(st, 8)) !=
            SQLITE_OK ||
        sqlite3_bind_int64(st, 9, it->grantable) != SQLITE_OK ||
        sqlite3_bind_int64(st, 10, it->decision_id) != SQLITE_OK ||
        sqlite3_bind_int(st, 11, it->reused) != SQLITE_OK ||
        sqlite3_bind_int(st, 12, it->phase) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE)
        rc = db_error(s->db, err, "noting project \"%s\" in the batch", it->project);
    stmt_done(st);
    return rc;
}

int elg_store_batch_items_each(elg_store *s, int phase,
                               int (*fn)(void *ctx, const elg_batch_item *it), void *ctx,
                               elg_error *err) {
    sqlite3_stmt *st = NULL;
    int rc, step;
    if ((rc = walk_stmt(s, s->stmt[ST_BITEM_EACH], &st, err)))
        return rc;
    if (sqlite3_bind_int(st, 1, phase) != SQLITE_OK) {
        rc = db_error(s->db, err, "reading the batch");
        goto out;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        elg_batch_item it = {
            .seq = sqlite3_column_int64(st, 0),
            .group = col_text(st, 1),
            .sort_key = col_text(st, 2),
            .project = col_text(st, 3),
            .version = sqlite3_column_int(st, 4),
            .edition = (const char *)sqlite3_column_text(st, 5),
            .outcome = col_text(st, 6),
            .has_requested = sqlite3_column_type(st, 7) != SQLITE_NULL,
            .requested = sqlite3_column_int64(st, 7),
            .grantable = sqlite3_column_int64(st, 8),
            .decision_id = sqlite3_column_int64(st, 9),
            .reused = sqlite3_column_int(st, 10),
            .phase = phase,
        };
        if (!it.group || !it.sort_key || !it.project || !it.outcome) {
            rc = db_error(s->db, err, "reading the batch");
            goto out;
        }
        if ((rc = fn(ctx, &it)) != 0)
            goto out;
    }
    if (step != SQLITE_DONE)
        rc = db_error(s->db, err, "reading the batch");
out:
    walk_done(s->stmt[ST_BITEM_EACH], st);
    return rc;
}

int elg_store_explain_each(elg_store *s, elg_store_plan_fn fn, void *ctx, elg_error *err) {
    static const char *const filter_name[FILTER_COUNT] = {"project", "call", "outcome", "since",
                                                          "until"};
    sqlite3_stmt *list = NULL;
    int rc = 0;

    if (!s || !fn)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_explain_each: missing argument");
    for (int i = 0; i < ST_COUNT && rc == 0; i++)
        rc = explain(s, stmt_def[i].name, stmt_def[i].sql, fn, ctx, err);
    if (rc == 0)
        rc = explain(s, "backfill_forms", backfill_sql, fn, ctx, err);
    for (unsigned mask = 0; mask < LIST_VARIANTS && rc == 0; mask++) {
        /* "decision_list" and the filters, fixed names only: 64 bytes at most. */
        char name[96] = "decision_list";
        size_t n = strlen(name);

        for (int i = 0; i < FILTER_COUNT; i++)
            if (mask & (1u << i))
                n += (size_t)snprintf(name + n, sizeof name - n, "_%s", filter_name[i]);
        if (mask == 0)
            snprintf(name + n, sizeof name - n, "_all");
        if ((rc = list_stmt(s, mask, &list, err)) == 0)
            rc = explain(s, name, sqlite3_sql(list), fn, ctx, err);
    }
    return rc;
}

/* ---- awards and aid received ------------------------------------------- */

/* Prepares sql on demand: these statements are few and far between (an
 * award per grant voted, an SCDL file now and then), so they are not kept in
 * the prepared table. Each uses the primary key or aid_received_by_siren. */
static int prepare(elg_store *s, const char *sql, sqlite3_stmt **st, elg_error *err) {
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return db_error(s->db, err, "preparing a store query");
    }
    return 0;
}

/* Whether decision id is on project and call. */
static int decision_matches(elg_store *s, const elg_award *a, int *ok, elg_error *err) {
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, "SELECT project = ?2 AND call = ?3 FROM decisions WHERE id = ?1", &st, err);
    if (rc)
        return rc;
    *ok = 0;
    if (sqlite3_bind_int64(st, 1, a->decision) != SQLITE_OK || bind_text(st, 2, a->project) ||
        bind_text(st, 3, a->call)) {
        rc = db_error(s->db, err, "reading decision %lld", a->decision);
    } else {
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW)
            *ok = sqlite3_column_int(st, 0) ? 1 : -1;
        else if (step != SQLITE_DONE)
            rc = db_error(s->db, err, "reading decision %lld", a->decision);
    }
    sqlite3_finalize(st);
    return rc;
}

int elg_store_put_award(elg_store *s, const elg_award *a, const char *body, size_t body_len,
                        const char *source, int *version, int *created, elg_error *err) {
    char sha[ELG_SHA256_HEX];
    sqlite3_stmt *head = NULL, *ins = NULL;
    int rc = 0, own_tx = 0, latest = 0, ok = 0;

    if (!s || !a || !a->id || (!body && body_len))
        return elg_error_set(err, ELG_EUSAGE, "elg_store_put_award: missing argument");
    if (!body)
        body = "";
    elg_sha256_hex(body, body_len, sha);
    if (sqlite3_get_autocommit(s->db)) {
        if ((rc = run(s, ST_BEGIN, err, "storing award \"%s\"", a->id)))
            return rc;
        own_tx = 1;
    }
    if (a->decision) {
        if ((rc = decision_matches(s, a, &ok, err)))
            goto out;
        if (ok <= 0) {
            rc = elg_error_set(err, ELG_EINPUT,
                               ok == 0 ? "unknown decision %lld"
                                       : "decision %lld is not on project \"%s\" and call \"%s\"",
                               a->decision, a->project, a->call);
            elg_error_at(err, NULL, 0, 0, "decision");
            goto out;
        }
    }
    if ((rc = prepare(s,
                      "SELECT version, sha256 FROM awards WHERE id = ?1"
                      " ORDER BY version DESC LIMIT 1",
                      &head, err)))
        goto out;
    bool same;
    if (bind_text(head, 1, a->id) != SQLITE_OK || latest_version(head, sha, &latest, &same)) {
        rc = db_error(s->db, err, "reading award \"%s\"", a->id);
        goto out;
    }
    if (same) {
        if (version)
            *version = latest;
        if (created)
            *created = 0;
        goto out;
    }
    if ((rc = prepare(s,
                      "INSERT INTO awards (id, version, sha256, body, source, project, call,"
                      " funder_siret, convention_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                      &ins, err)))
        goto out;
    if (bind_text(ins, 1, a->id) != SQLITE_OK ||
        sqlite3_bind_int(ins, 2, latest + 1) != SQLITE_OK || bind_text(ins, 3, sha) != SQLITE_OK ||
        bind_blob(ins, 4, body, body_len) != SQLITE_OK ||
        bind_text(ins, 5, source ? source : "") != SQLITE_OK ||
        bind_text(ins, 6, a->project) != SQLITE_OK || bind_text(ins, 7, a->call) != SQLITE_OK ||
        bind_text(ins, 8, a->funder_siret) != SQLITE_OK ||
        bind_text(ins, 9, a->convention_date) != SQLITE_OK || sqlite3_step(ins) != SQLITE_DONE) {
        rc = db_error(s->db, err, "storing award \"%s\"", a->id);
        goto out;
    }
    if (version)
        *version = latest + 1;
    if (created)
        *created = 1;
out:
    sqlite3_finalize(head);
    sqlite3_finalize(ins);
    return end_own_tx(s, own_tx, rc, err);
}

int elg_store_each_award(elg_store *s, const elg_award_filter *f, elg_store_doc_fn fn, void *ctx,
                         elg_error *err) {
    /* The latest version of each id (the primary key's order), then the
     * filters; an empty filter is ?N IS NULL. until is a prefix, inclusive:
     * compared with the date cut to its length. */
    static const char sql[] =
        "SELECT a.id, a.version, a.sha256, a.body, a.source, a.imported_at FROM awards AS a"
        " WHERE a.version = (SELECT max(version) FROM awards WHERE id = a.id)"
        " AND (?1 IS NULL OR a.call = ?1) AND (?2 IS NULL OR a.funder_siret = ?2)"
        " AND (?3 IS NULL OR a.convention_date >= ?3)"
        " AND (?4 IS NULL OR substr(a.convention_date, 1, length(?4)) <= ?4)"
        " ORDER BY a.id";
    elg_award_filter none = {0};
    sqlite3_stmt *st = NULL;
    int rc, step;

    if (!s || !fn)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_each_award: missing argument");
    if (!f)
        f = &none;
#define OR_NULL(t) ((t) && *(t) ? (t) : NULL)
    if ((rc = prepare(s, sql, &st, err)))
        return rc;
    if (bind_text(st, 1, OR_NULL(f->call)) != SQLITE_OK ||
        bind_text(st, 2, OR_NULL(f->funder_siret)) != SQLITE_OK ||
        bind_text(st, 3, OR_NULL(f->since)) != SQLITE_OK ||
        bind_text(st, 4, OR_NULL(f->until)) != SQLITE_OK) {
        rc = db_error(s->db, err, "listing awards");
        goto out;
    }
#undef OR_NULL
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        elg_stored_doc view = {.kind = "award"};
        view.id = (char *)col_text(st, 0);
        view.version = sqlite3_column_int(st, 1);
        view.sha256 = (char *)col_text(st, 2);
        view.body = (char *)col_text(st, 3);
        view.body_len = (size_t)sqlite3_column_bytes(st, 3);
        view.source = (char *)col_text(st, 4);
        view.imported_at = (char *)col_text(st, 5);
        if (!view.id || !view.sha256 || !view.body || !view.source || !view.imported_at) {
            rc = db_error(s->db, err, "listing awards");
            goto out;
        }
        if ((rc = fn(ctx, &view)) != 0)
            goto out;
    }
    if (step != SQLITE_DONE)
        rc = db_error(s->db, err, "listing awards");
out:
    sqlite3_finalize(st);
    return rc;
}

int elg_store_put_aid_received(elg_store *s, const char *file_sha256, int line,
                               const elg_aid_received *aid, int *added, elg_error *err) {
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || !file_sha256 || !aid || !added)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_put_aid_received: missing argument");
    if ((rc = prepare(s,
                      "INSERT OR IGNORE INTO aid_received (file_sha256, line, source, siren, siret,"
                      " beneficiary, funder_name, funder_siret, date, amount, object, rna,"
                      " reference) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                      &st, err)))
        return rc;
    if (bind_text(st, 1, file_sha256) != SQLITE_OK || sqlite3_bind_int(st, 2, line) != SQLITE_OK ||
        bind_text(st, 3, aid->source ? aid->source : "") != SQLITE_OK ||
        bind_text(st, 4, aid->siren) != SQLITE_OK || bind_text(st, 5, aid->siret) != SQLITE_OK ||
        bind_text(st, 6, aid->beneficiary) != SQLITE_OK ||
        bind_text(st, 7, aid->funder_name) != SQLITE_OK ||
        bind_text(st, 8, aid->funder_siret) != SQLITE_OK ||
        bind_text(st, 9, aid->date) != SQLITE_OK ||
        sqlite3_bind_int64(st, 10, aid->amount) != SQLITE_OK ||
        bind_text(st, 11, aid->object) != SQLITE_OK || bind_text(st, 12, aid->rna) != SQLITE_OK ||
        bind_text(st, 13, aid->reference) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE)
        rc =
            db_error(s->db, err, "storing the aid received at %s", aid->source ? aid->source : "?");
    else
        *added = sqlite3_changes(s->db) > 0;
    sqlite3_finalize(st);
    return rc;
}

int elg_store_each_aid_received(elg_store *s, const char *siren, const char *until,
                                elg_store_aid_fn fn, void *ctx, elg_error *err) {
    sqlite3_stmt *st = NULL;
    int rc, step;

    if (!s || !siren || !fn)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_each_aid_received: missing argument");
    if ((rc = prepare(s,
                      "SELECT siren, siret, beneficiary, funder_name, funder_siret, date, amount,"
                      " object, source, rna, reference FROM aid_received WHERE siren = ?1"
                      " AND (?2 IS NULL OR imported_at <= ?2) ORDER BY date, source",
                      &st, err)))
        return rc;
    if (bind_text(st, 1, siren) != SQLITE_OK || bind_text(st, 2, until) != SQLITE_OK) {
        rc = db_error(s->db, err, "reading the aid received by %s", siren);
        goto out;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        elg_aid_received aid = {
            .siren = col_text(st, 0),
            .siret = (const char *)sqlite3_column_text(st, 1),
            .beneficiary = col_text(st, 2),
            .funder_name = col_text(st, 3),
            .funder_siret = (const char *)sqlite3_column_text(st, 4),
            .date = col_text(st, 5),
            .amount = sqlite3_column_int64(st, 6),
            .object = col_text(st, 7),
            .source = col_text(st, 8),
            .rna = (const char *)sqlite3_column_text(st, 9),
            .reference = (const char *)sqlite3_column_text(st, 10),
        };
        if (!aid.siren || !aid.beneficiary || !aid.funder_name || !aid.date || !aid.object ||
            !aid.source) {
            rc = db_error(s->db, err, "reading the aid received by %s", siren);
            goto out;
        }
        if ((rc = fn(ctx, &aid)) != 0)
            goto out;
    }
    if (step != SQLITE_DONE)
        rc = db_error(s->db, err, "reading the aid received by %s", siren);
out:
    sqlite3_finalize(st);
    return rc;
}
