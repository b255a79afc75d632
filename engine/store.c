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

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "hash.h"

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
    ST_COUNT
};

#define DOC_COLS "kind, id, version, sha256, body, source, imported_at"
#define DEC_COLS                                                                                   \
    "id, project, project_version, project_sha256, call, call_version, call_sha256, "              \
    "ruleset_sha256, engine_version, outcome, figures, trace, created_at, ruleset"

static const char *const stmt_sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_SAVEPOINT] = "SAVEPOINT elg_decision",
    [ST_RELEASE] = "RELEASE elg_decision",
    [ST_ROLLBACK_TO] = "ROLLBACK TO elg_decision",
    [ST_DOC_HEAD] = "SELECT version, sha256 FROM documents WHERE kind = ?1 AND id = ?2"
                    " ORDER BY version DESC LIMIT 1",
    [ST_DOC_LATEST] = "SELECT " DOC_COLS " FROM documents WHERE kind = ?1 AND id = ?2"
                      " ORDER BY version DESC LIMIT 1",
    [ST_DOC_VERSION] = "SELECT " DOC_COLS " FROM documents"
                       " WHERE kind = ?1 AND id = ?2 AND version = ?3",
    [ST_DOC_INSERT] = "INSERT INTO documents (kind, id, version, sha256, body, source)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [ST_DOC_EACH] = "SELECT " DOC_COLS " FROM documents AS d WHERE (?1 IS NULL OR d.kind = ?1)"
                    " AND d.version = (SELECT max(l.version) FROM documents AS l"
                    " WHERE l.kind = d.kind AND l.id = d.id)"
                    " ORDER BY d.kind, d.id",
    /* Not INSERT OR IGNORE: that would also swallow CHECK and NOT NULL
     * failures; only "already stored" is meant to be silent. */
    [ST_RULE_PUT] = "INSERT INTO rule_sources (sha256, body) VALUES (?1, ?2)"
                    " ON CONFLICT (sha256) DO NOTHING",
    [ST_RULE_GET] = "SELECT body FROM rule_sources WHERE sha256 = ?1",
    [ST_DEC_INSERT] = "INSERT INTO decisions (project, project_version, project_sha256, call,"
                      " call_version, call_sha256, ruleset_sha256, engine_version, outcome,"
                      " figures, trace) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [ST_DEC_FILE_INSERT] = "INSERT INTO decision_rule_files (decision_id, position, path, sha256)"
                           " VALUES (?1, ?2, ?3, ?4)",
    [ST_DEC_GET] = "SELECT " DEC_COLS " FROM decisions WHERE id = ?1",
    [ST_DEC_EXISTS] = "SELECT 1 FROM decisions WHERE id = ?1",
    /* A decision has rows in one of the two: its own (stored before
     * rulesets) or its ruleset's. */
    [ST_DEC_FILES] = "SELECT position, path, sha256 FROM decision_rule_files WHERE decision_id = ?1"
                     " UNION ALL SELECT f.position, f.path, f.sha256 FROM decisions AS d"
                     " JOIN ruleset_files AS f ON f.ruleset = d.ruleset WHERE d.id = ?1"
                     " ORDER BY 1",
    [ST_RULESET_HAS] = "SELECT 1 FROM rulesets WHERE sha256 = ?1",
    [ST_RULESET_PUT] = "INSERT INTO rulesets (sha256, body) VALUES (?1, ?2)",
    [ST_RULESET_FILE_PUT] = "INSERT INTO ruleset_files (ruleset, position, path, sha256)"
                            " VALUES (?1, ?2, ?3, ?4)",
    [ST_RULESET_GET] = "SELECT body FROM rulesets WHERE sha256 = ?1",
    [ST_DEC_RECORD_INSERT] =
        "INSERT INTO decisions (project, project_version, project_sha256, call,"
        " call_version, call_sha256, ruleset_sha256, engine_version, outcome,"
        " figures, trace, ruleset) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
        " RETURNING id, created_at",
};

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
};

/* ---- errors and statement helpers ------------------------------------- */

/* Records an SQLite failure: what we were doing, then SQLite's own words.
 * Call it before anything else touches the connection, which could replace
 * the message. */
static int db_errorv(sqlite3 *db, elg_error *err, const char *fmt, va_list ap) {
    int code = sqlite3_errcode(db) == SQLITE_NOMEM ? ELG_ENOMEM : ELG_ESTORE;
    size_t n;

    if (!err || err->code != 0)
        return code;
    elg_error_setv(err, code, fmt, ap);
    n = strlen(err->message);
    snprintf(err->message + n, sizeof err->message - n, ": %s", sqlite3_errmsg(db));
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

    if (sqlite3_busy_timeout(db, 5000) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK)
        return db_error(db, err, "opening the store");

    /* journal_mode answers with the mode in force, which stays the old one
     * when WAL is impossible (some network file systems). */
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
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
    if (sqlite3_exec(db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) != SQLITE_OK)
        rc = db_error(db, err, "opening the store");

out:
    sqlite3_finalize(st);
    return rc;
}

/* ---- open and close ---------------------------------------------------- */

int elg_store_open(const char *path, elg_store **out, elg_error *err) {
    elg_store *s = NULL;
    int rc = 0;

    if (!path || !out)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_open: no path or result given");
    *out = NULL;
    if (!(s = calloc(1, sizeof *s)))
        return elg_error_set(err, ELG_ENOMEM, "opening the store: out of memory");

    /* NOMUTEX: a store is used by one thread (store.h), so SQLite's
     * per-connection mutex would only cost time. */
    if (sqlite3_open_v2(path, &s->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        rc = s->db ? db_error(s->db, err, "opening the store")
                   : elg_error_set(err, ELG_ENOMEM, "opening the store: out of memory");
        goto out;
    }
    if ((rc = configure(s->db, err)) || (rc = migrate(s->db, err)))
        goto out;
    /* Prepared after migrating: preparing checks the tables exist. */
    for (int i = 0; i < ST_COUNT; i++) {
        if (sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i],
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

void elg_store_close(elg_store *s) {
    if (!s)
        return;
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(s->stmt[i]);
    for (int i = 0; i < LIST_VARIANTS; i++)
        sqlite3_finalize(s->list[i]);
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
    if (!s || sqlite3_get_autocommit(s->db))
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

int elg_store_put_doc(elg_store *s, const char *kind, const char *id, const char *body,
                      size_t body_len, const char *source, int *version, int *created,
                      elg_error *err) {
    char sha[ELG_SHA256_HEX];
    sqlite3_stmt *head = NULL, *ins = NULL;
    const char *latest_sha;
    int rc = 0, own_tx = 0, latest = 0, step;

    if (!s || !kind || !id || (!body && body_len))
        return elg_error_set(err, ELG_EUSAGE, "elg_store_put_doc: missing argument");
    if (!kind_known(kind))
        return elg_error_set(err, ELG_EUSAGE,
                             "unknown document kind \"%s\" (expected financer, call or project)",
                             kind);
    if (!*id)
        return elg_error_set(err, ELG_EUSAGE, "a %s with an empty id cannot be stored", kind);
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
    if (bind_text(head, 1, kind) != SQLITE_OK || bind_text(head, 2, id) != SQLITE_OK) {
        rc = db_error(s->db, err, "reading %s \"%s\" from the store", kind, id);
        goto out;
    }
    step = sqlite3_step(head);
    if (step == SQLITE_ROW) {
        latest = sqlite3_column_int(head, 0);
        if (!(latest_sha = col_text(head, 1))) {
            rc = db_error(s->db, err, "reading %s \"%s\" from the store", kind, id);
            goto out;
        }
        if (strcmp(latest_sha, sha) == 0) {
            if (version)
                *version = latest;
            if (created)
                *created = 0;
            goto out;
        }
    } else if (step != SQLITE_DONE) {
        rc = db_error(s->db, err, "reading %s \"%s\" from the store", kind, id);
        goto out;
    }
    stmt_done(head);
    head = NULL;

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
    if (own_tx) {
        if (rc == 0)
            rc = elg_store_commit(s, err);
        else
            elg_store_rollback(s);
    }
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
    elg_stored_doc view;
    sqlite3_stmt *st = NULL;
    int rc, step;

    if (!s || !fn)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_each_doc: missing argument");
    if ((rc = walk_stmt(s, s->stmt[ST_DOC_EACH], &st, err)))
        return rc;
    if (bind_text(st, 1, kind && *kind ? kind : NULL) != SQLITE_OK) {
        rc = db_error(s->db, err, "listing documents");
        goto out;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (doc_view(st, &view) != 0) {
            rc = db_error(s->db, err, "listing documents");
            goto out;
        }
        if ((rc = fn(ctx, &view)) != 0)
            goto out;
    }
    if (step != SQLITE_DONE)
        rc = db_error(s->db, err, "listing documents");

out:
    walk_done(s->stmt[ST_DOC_EACH], st);
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
 * valid until the statement moves). */
static int decision_view(sqlite3_stmt *st, elg_stored_decision *d) {
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
    d->created_at = (char *)col_text(st, 12);
    d->ruleset = (char *)col_text(st, 13); /* NULL for decisions stored before rulesets */
    if (!d->project || !d->project_sha256 || !d->call || !d->call_sha256 || !d->ruleset_sha256 ||
        !d->engine_version || !d->outcome || !d->figures || !d->trace || !d->created_at)
        return ELG_ENOMEM;
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
        .trace = dup_str(v->trace),
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
    if (bind_text(st, 1, sha256) == SQLITE_OK)
        step = sqlite3_step(st);
    if (step == SQLITE_ROW || step == SQLITE_DONE)
        *has = step == SQLITE_ROW;
    else
        rc = db_error(s->db, err, "reading ruleset %s", sha256);
    stmt_done(st);
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

int elg_store_add_decision_record(elg_store *s, const elg_stored_decision *d, int64_t *id,
                                  char *created_at, size_t created_at_size, elg_error *err) {
    sqlite3_stmt *st = s->stmt[ST_DEC_RECORD_INSERT];
    int rc = 0;
    if (!d->ruleset)
        return elg_error_set(err, ELG_EUSAGE, "elg_store_add_decision_record: no ruleset");
    if (bind_text(st, 1, d->project) != SQLITE_OK ||
        sqlite3_bind_int(st, 2, d->project_version) != SQLITE_OK ||
        bind_text(st, 3, d->project_sha256) != SQLITE_OK ||
        bind_text(st, 4, d->call) != SQLITE_OK ||
        sqlite3_bind_int(st, 5, d->call_version) != SQLITE_OK ||
        bind_text(st, 6, d->call_sha256) != SQLITE_OK ||
        bind_text(st, 7, d->ruleset_sha256) != SQLITE_OK ||
        bind_text(st, 8, d->engine_version) != SQLITE_OK ||
        bind_text(st, 9, d->outcome) != SQLITE_OK || bind_text(st, 10, d->figures) != SQLITE_OK ||
        bind_text(st, 11, d->trace) != SQLITE_OK || bind_text(st, 12, d->ruleset) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        rc = db_error(s->db, err, "storing decision for project \"%s\" and call \"%s\"", d->project,
                      d->call);
        goto out;
    }
    *id = sqlite3_column_int64(st, 0);
    const char *at = col_text(st, 1);
    snprintf(created_at, created_at_size, "%s", at ? at : "");
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = db_error(s->db, err, "storing decision for project \"%s\"", d->project);
out:
    stmt_done(st);
    return rc;
}

int elg_store_get_decision(elg_store *s, int64_t id, elg_stored_decision *out, elg_error *err) {
    elg_stored_decision view;
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
    if (step != SQLITE_ROW || decision_view(st, &view) != 0) {
        rc = db_error(s->db, err, "reading decision %lld", (long long)id);
        goto out;
    }
    if (decision_copy(&view, out) != 0)
        rc = elg_error_set(err, ELG_ENOMEM, "reading decision %lld: out of memory", (long long)id);

out:
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
    const char *glue = " WHERE ";

    if (s->list[mask]) {
        *out = s->list[mask];
        return 0;
    }
    for (int i = 0; i < FILTER_COUNT; i++) {
        if (mask & (1u << i)) {
            strcat(sql, glue);
            strcat(sql, filter_sql[i]);
            glue = " AND ";
        }
    }
    strcat(sql, " ORDER BY created_at, id");
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
        if (decision_view(st, &view) != 0) {
            rc = db_error(s->db, err, "listing decisions");
            goto out;
        }
        if ((rc = fn(ctx, &view)) != 0)
            goto out;
    }
    if (step != SQLITE_DONE)
        rc = db_error(s->db, err, "listing decisions");

out:
    walk_done(cached, st);
    return rc;
}
