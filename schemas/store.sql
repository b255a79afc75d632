-- The eligo store: documents with their history, rule sources by content,
-- and decisions (append-only). Embedded into the engine at build time and
-- applied by engine/store.c.
--
-- Migrations are numbered: each starts at a line `-- migration: N` (N = 1, 2,
-- 3... without gaps) and runs to the next such line. Opening a store applies,
-- in one transaction, every migration whose number is above the database's
-- PRAGMA user_version, then sets user_version to the highest number. A
-- migration, once released, is never edited: change the schema by appending
-- a new one. Anything above the first marker (this header) is not executed.
--
-- Timestamps are ISO 8601 UTC with milliseconds, e.g. 2024-03-01T09:30:00.125Z,
-- so that text order is time order.

-- migration: 1

-- Every imported version of a document, verbatim: the document is the truth.
-- A changed document becomes a new version; old versions stay, so a decision
-- can always be traced to the exact bytes it was made from.
CREATE TABLE documents (
    kind        TEXT    NOT NULL CHECK (kind IN ('financer', 'call', 'project')),
    id          TEXT    NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    sha256      TEXT    NOT NULL CHECK (length(sha256) = 64),
    body        BLOB    NOT NULL,
    source      TEXT    NOT NULL,
    imported_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (kind, id, version)
) STRICT;

CREATE TRIGGER documents_no_update BEFORE UPDATE ON documents
BEGIN
    SELECT RAISE(ABORT, 'documents are immutable: import a new version instead');
END;

CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents
BEGIN
    SELECT RAISE(ABORT, 'documents are immutable: import a new version instead');
END;

-- Rule files by content, so that a decision names the exact Lua it ran and
-- can be replayed after the files on disk have changed.
CREATE TABLE rule_sources (
    sha256 TEXT NOT NULL PRIMARY KEY CHECK (length(sha256) = 64),
    body   BLOB NOT NULL
) STRICT;

CREATE TRIGGER rule_sources_no_update BEFORE UPDATE ON rule_sources
BEGIN
    SELECT RAISE(ABORT, 'rule sources are immutable');
END;

CREATE TRIGGER rule_sources_no_delete BEFORE DELETE ON rule_sources
BEGIN
    SELECT RAISE(ABORT, 'rule sources are immutable');
END;

-- Decisions are audit records: written once, never changed or removed. The
-- project and call are named with the version and hash they were evaluated
-- at; figures and trace are JSON text (the trace is the full decision).
CREATE TABLE decisions (
    id              INTEGER PRIMARY KEY,
    project         TEXT    NOT NULL,
    project_version INTEGER NOT NULL,
    project_sha256  TEXT    NOT NULL,
    call            TEXT    NOT NULL,
    call_version    INTEGER NOT NULL,
    call_sha256     TEXT    NOT NULL,
    ruleset_sha256  TEXT    NOT NULL,
    engine_version  TEXT    NOT NULL,
    outcome         TEXT    NOT NULL CHECK (outcome IN ('eligible', 'ineligible', 'error')),
    figures         TEXT    NOT NULL,
    trace           TEXT    NOT NULL,
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

-- Listing: by project, by call, or by date, oldest first. Each index ends
-- with created_at (then the implicit rowid), so a listing filtered on its
-- first column is already in order and a date range narrows the search.
CREATE INDEX decisions_by_project ON decisions (project, created_at);
CREATE INDEX decisions_by_call ON decisions (call, created_at);
CREATE INDEX decisions_by_date ON decisions (created_at);

-- The rule files a decision ran, in load order, by content.
CREATE TABLE decision_rule_files (
    decision_id INTEGER NOT NULL REFERENCES decisions (id),
    position    INTEGER NOT NULL CHECK (position >= 0),
    path        TEXT    NOT NULL,
    sha256      TEXT    NOT NULL REFERENCES rule_sources (sha256),
    PRIMARY KEY (decision_id, position)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only');
END;

CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only');
END;

CREATE TRIGGER decision_rule_files_no_update BEFORE UPDATE ON decision_rule_files
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only');
END;

CREATE TRIGGER decision_rule_files_no_delete BEFORE DELETE ON decision_rule_files
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only');
END;

-- migration: 2

-- The compact form (engine/form.h) of every project version, so that a
-- stored project is evaluated without parsing its YAML again. It is derived
-- from the document of the same id and version and repeats its sha256, so that
-- one indexed lookup gives all that a decision records about the project.
-- store.c fills it at import and, right after this migration, for the project
-- versions stored before it (their YAML parsed again and encoded).
CREATE TABLE project_forms (
    kind    TEXT    NOT NULL DEFAULT 'project' CHECK (kind = 'project'),
    id      TEXT    NOT NULL,
    version INTEGER NOT NULL,
    sha256  TEXT    NOT NULL CHECK (length(sha256) = 64),
    form    BLOB    NOT NULL,
    PRIMARY KEY (id, version),
    -- Deferred: store.c writes the form before its document, so that no
    -- project version is ever stored without its form; a form whose document
    -- could not be written is then refused at COMMIT.
    FOREIGN KEY (kind, id, version) REFERENCES documents (kind, id, version)
        DEFERRABLE INITIALLY DEFERRED
) STRICT;

-- The calls each project version applies to (its applies_to), keyed by call:
-- the projects of a call are found through this index, in project order,
-- without reading any other project.
CREATE TABLE project_calls (
    call    TEXT    NOT NULL,
    project TEXT    NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (call, project, version),
    FOREIGN KEY (project, version) REFERENCES project_forms (id, version)
        DEFERRABLE INITIALLY DEFERRED
) STRICT, WITHOUT ROWID;

-- A form's calls by project: what SQLite looks up to settle the deferred key
-- above when a form is written, and the calls of one project version.
CREATE INDEX project_calls_by_project ON project_calls (project, version);

-- Decisions listed by outcome alone had no index to use.
CREATE INDEX decisions_by_outcome ON decisions (outcome, created_at);

-- Derived from immutable documents, so immutable too. A later form format is
-- a new migration that drops these triggers, encodes again, and restores them.
CREATE TRIGGER project_forms_no_update BEFORE UPDATE ON project_forms
BEGIN
    SELECT RAISE(ABORT, 'project forms are immutable: import a new version instead');
END;

CREATE TRIGGER project_forms_no_delete BEFORE DELETE ON project_forms
BEGIN
    SELECT RAISE(ABORT, 'project forms are immutable: import a new version instead');
END;

CREATE TRIGGER project_calls_no_update BEFORE UPDATE ON project_calls
BEGIN
    SELECT RAISE(ABORT, 'project forms are immutable: import a new version instead');
END;

CREATE TRIGGER project_calls_no_delete BEFORE DELETE ON project_calls
BEGIN
    SELECT RAISE(ABORT, 'project forms are immutable: import a new version instead');
END;

-- migration: 3

-- The call-level half of decisions, stored once per distinct content and
-- shared by every decision made against the same prepared call and edition
-- (engine/decision.h): the call's identity and text, the rules declared,
-- the parameters in force, the limits, the financer versions. Its rule
-- files are listed once here instead of once per decision.
CREATE TABLE rulesets (
    sha256     TEXT NOT NULL PRIMARY KEY CHECK (length(sha256) = 64),
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE TABLE ruleset_files (
    ruleset  TEXT    NOT NULL REFERENCES rulesets (sha256),
    position INTEGER NOT NULL CHECK (position >= 0),
    path     TEXT    NOT NULL,
    sha256   TEXT    NOT NULL REFERENCES rule_sources (sha256),
    PRIMARY KEY (ruleset, position)
) STRICT, WITHOUT ROWID;

-- Decisions stored from now on name their ruleset and keep only the
-- project's half in `trace` (format 2); older ones keep their full trace
-- and their rows in decision_rule_files.
ALTER TABLE decisions ADD COLUMN ruleset TEXT REFERENCES rulesets (sha256);

CREATE TRIGGER rulesets_no_update BEFORE UPDATE ON rulesets
BEGIN
    SELECT RAISE(ABORT, 'rulesets are immutable');
END;

CREATE TRIGGER rulesets_no_delete BEFORE DELETE ON rulesets
BEGIN
    SELECT RAISE(ABORT, 'rulesets are immutable');
END;

CREATE TRIGGER ruleset_files_no_update BEFORE UPDATE ON ruleset_files
BEGIN
    SELECT RAISE(ABORT, 'rulesets are immutable');
END;

CREATE TRIGGER ruleset_files_no_delete BEFORE DELETE ON ruleset_files
BEGIN
    SELECT RAISE(ABORT, 'rulesets are immutable');
END;

-- migration: 4

-- Grant awards (engine/award.h): every imported version, verbatim, as for
-- documents (whose CHECK on kind cannot be widened without rebuilding the
-- table), with the columns the SCDL export selects on. The latest version of
-- each id is the award.
CREATE TABLE awards (
    id              TEXT    NOT NULL,
    version         INTEGER NOT NULL CHECK (version >= 1),
    sha256          TEXT    NOT NULL CHECK (length(sha256) = 64),
    body            BLOB    NOT NULL,
    source          TEXT    NOT NULL,
    imported_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    project         TEXT    NOT NULL,
    call            TEXT    NOT NULL,
    funder_siret    TEXT    NOT NULL,
    convention_date TEXT    NOT NULL,
    PRIMARY KEY (id, version)
) STRICT;

CREATE TRIGGER awards_no_update BEFORE UPDATE ON awards
BEGIN
    SELECT RAISE(ABORT, 'awards are immutable: import a new version instead');
END;

CREATE TRIGGER awards_no_delete BEFORE DELETE ON awards
BEGIN
    SELECT RAISE(ABORT, 'awards are immutable: import a new version instead');
END;

-- Grants of other funders read from published SCDL files (eligo import
-- scdl): one row per beneficiary row imported, its part of the grant in
-- cents, keyed by the file's content and line so that importing the same
-- file again adds nothing. Rules read them per beneficiary SIREN (NULL when
-- the row named the beneficiary by its RNA number only).
CREATE TABLE aid_received (
    file_sha256     TEXT    NOT NULL CHECK (length(file_sha256) = 64),
    line            INTEGER NOT NULL CHECK (line >= 1),
    source          TEXT    NOT NULL,
    siren           TEXT    CHECK (siren IS NULL OR length(siren) = 9),
    siret           TEXT,
    rna             TEXT,
    beneficiary     TEXT    NOT NULL,
    funder_name     TEXT    NOT NULL,
    funder_siret    TEXT,
    date            TEXT    NOT NULL,
    amount          INTEGER NOT NULL CHECK (amount >= 0),
    object          TEXT    NOT NULL,
    imported_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (file_sha256, line)
) STRICT, WITHOUT ROWID;

CREATE INDEX aid_received_by_siren ON aid_received (siren, date);

-- Append-only, so that a decision's created_at gives back the aid it saw
-- (replay reads the rows imported up to then).
CREATE TRIGGER aid_received_no_update BEFORE UPDATE ON aid_received
BEGIN
    SELECT RAISE(ABORT, 'aid received is append-only');
END;

CREATE TRIGGER aid_received_no_delete BEFORE DELETE ON aid_received
BEGIN
    SELECT RAISE(ABORT, 'aid received is append-only');
END;

-- migration: 5

-- What a decision stored by `eligo batch` was made from (engine/check.h):
-- the sha256 of the project version's sha256 and of its ruleset's, which
-- covers the call version, the rule files, the parameters in force, the
-- financer versions, the limits and the engine version. A batch stores a
-- decision only when none with the same inputs is stored, so a batch run
-- again after an interruption makes each decision once. NULL for the
-- decisions of `eligo check` (each check is recorded, as before) and for
-- those stored before this migration.
ALTER TABLE decisions ADD COLUMN inputs_key TEXT
    CHECK (inputs_key IS NULL OR length(inputs_key) = 64);
CREATE UNIQUE INDEX decisions_by_inputs ON decisions (inputs_key)
    WHERE inputs_key IS NOT NULL;

-- migration: 6

-- The batch's unique key in the order a batch writes: a call's projects in
-- id order under one ruleset. On the inputs key alone (a sha256) each
-- insert touched a random leaf of the index, so that beyond the page cache
-- every decision of a batch read and rewrote one more page, and a batch
-- slowed as the store grew (63 against 43 µs a row at 200 000 rows). The
-- key is as unique as before: it names the ruleset and the project version.
DROP INDEX decisions_by_inputs;
CREATE UNIQUE INDEX decisions_by_inputs ON decisions (ruleset, project, inputs_key)
    WHERE inputs_key IS NOT NULL;

-- migration: 7

-- The `incomplete` outcome: no rule fails or errs, and a fact a rule needs
-- is absent (engine/decision.h). SQLite cannot alter a CHECK constraint,
-- and rebuilding the append-only decisions table would copy every decision
-- ever stored; the constraint only widens, which every stored row already
-- meets, so store.c (allow_incomplete) rewrites the table's declaration in
-- place the way SQLite documents for such changes (writable_schema, then a
-- new schema_version), in this migration's transaction.
SELECT 1;

-- migration: 8

-- Grants published in SCDL tied to the resource lines they fund: a financer
-- document may give its SIRET, a resource line the reference (and date) of
-- the act that granted it, and the aid received keeps the referenceDecision
-- it was published under (engine/check.c matches the three). Rows imported
-- before this migration keep no reference and tie to no line: the table is
-- append-only and keyed by the file's content and line, so importing the
-- same file again adds nothing. They still count as aid received by the
-- beneficiary (de minimis).
ALTER TABLE aid_received ADD COLUMN reference TEXT;

-- The compact form's format 2 holds a resource line's grant_reference and
-- grant_date: every form is encoded again (store.c backfill_forms, right
-- after this SQL, from the verbatim YAML).
DROP TRIGGER project_forms_no_delete;
DROP TRIGGER project_calls_no_delete;
DELETE FROM project_calls;
DELETE FROM project_forms;
CREATE TRIGGER project_forms_no_delete BEFORE DELETE ON project_forms
BEGIN
    SELECT RAISE(ABORT, 'project forms are immutable: import a new version instead');
END;
CREATE TRIGGER project_calls_no_delete BEFORE DELETE ON project_calls
BEGIN
    SELECT RAISE(ABORT, 'project forms are immutable: import a new version instead');
END;

-- migration: 9

-- The decisions' outcome and the documents' kind constraints written as
-- equalities joined by OR instead of IN lists, which SQLite checks by
-- building a temporary b-tree on every row written. They accept and refuse
-- the same values; store.c (checks_without_in) rewrites both declarations in
-- place, as migration 7 did.
SELECT 1;

-- migration: 10

-- Decision records compressed (engine/zrecord.h): once 64 decisions of a
-- ruleset are stored by one connection, it trains a zstd dictionary on
-- them, keeps it here, and compresses the ruleset's later records with it
-- into trace_z, leaving trace empty ('') and naming the dictionary in
-- trace_dict. A record is stored in one form or the other, never both;
-- the store gives back the same text either way (store.h). Dictionaries,
-- like the records they decode, are never changed or removed. Several may
-- serve one ruleset (two processes that trained at once).
CREATE TABLE trace_dicts (
    id      INTEGER PRIMARY KEY,
    ruleset TEXT    NOT NULL REFERENCES rulesets (sha256),
    sha256  TEXT    NOT NULL UNIQUE CHECK (length(sha256) = 64),
    dict    BLOB    NOT NULL
) STRICT;

CREATE INDEX trace_dicts_by_ruleset ON trace_dicts (ruleset, id);

CREATE TRIGGER trace_dicts_no_update BEFORE UPDATE ON trace_dicts
BEGIN
    SELECT RAISE(ABORT, 'record dictionaries are immutable');
END;

CREATE TRIGGER trace_dicts_no_delete BEFORE DELETE ON trace_dicts
BEGIN
    SELECT RAISE(ABORT, 'record dictionaries are immutable');
END;

ALTER TABLE decisions ADD COLUMN trace_dict INTEGER REFERENCES trace_dicts (id);
ALTER TABLE decisions ADD COLUMN trace_z BLOB
    CHECK ((trace_z IS NULL) = (trace_dict IS NULL) AND (trace_z IS NULL OR trace = ''));

-- migration: 11

-- A decision whose record is binary and compressed (trace_z, as `eligo
-- batch` stores them) from now on keeps its key figures in the record
-- (binary format 6, engine/decision.h) and leaves `figures` empty (''):
-- they were 40 % of its row's bytes, written for every decision. Rows
-- stored before keep their figures here, and every JSON record (trace) and
-- every record of format 5 still has its figures in this column. Nothing
-- changes in the tables; the version says that a store may hold such rows,
-- so that an eligo that would read '' as broken figures refuses the store.
SELECT 1;

-- migration: 12

-- One index for a decision's project instead of two. Listing a project's
-- decisions and finding a batch's decision by its inputs both start from the
-- project: (project, inputs_key) serves them both, unique as the inputs key
-- (a sha256 over the project version's and the ruleset's) already was. The
-- decisions of `eligo check` have no key (NULL), and NULLs never conflict.
-- A batch writes a call's projects in id order, so its inserts still walk
-- the index forward (migration 6). One b-tree fewer to write a decision: the
-- listing by project sorts that project's decisions by date instead of
-- reading them in order.
DROP INDEX decisions_by_inputs;
DROP INDEX decisions_by_project;
CREATE UNIQUE INDEX decisions_by_project ON decisions (project, inputs_key);

-- migration: 13

-- `eligo batch --since DATE` reads the projects imported since DATE: from
-- this index, not by reading every project of the call to test its date
-- (90 ms on 100 000 projects when none was new). Versions are imported in
-- time order, so each import appends to it.
CREATE INDEX documents_by_import ON documents (kind, imported_at);
