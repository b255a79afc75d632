/*
 * ruletest: rule test cases as data (see ruletest.h).
 *
 * The test file is kept as a libyaml node tree (yaml_document_t) for the
 * whole run: its nodes carry the lines that failures point at, and the
 * values of `set` and inline projects are copied from it into each case's
 * project tree. Node ids, never node pointers, are held across additions to
 * a tree (adding a node may move them all).
 */
#include "ruletest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "eval.h"
#include "files.h"
#include "lint.h"
#include "tr.h"
#include "ytree.h"

typedef struct rt_doc {
    char *path;
    char *text;
    size_t len;
    elg_doc *doc;
} rt_doc;

enum { EXP_OUTCOME = 1, EXP_STATUS, EXP_FIGURE, EXP_MESSAGE, EXP_NOTICE };

typedef struct rt_expect {
    int kind;
    char *key; /* rule id or figure path; NULL for the outcome */
    char *value;
    int line;
} rt_expect;

enum { SRC_ID = 1, SRC_FILE, SRC_INLINE };

typedef struct rt_case {
    char *name;
    int line;
    int source;
    char *ref;         /* project id or file path (relative to the test file) */
    int inline_node;   /* SRC_INLINE: node id in the test file */
    int set_node;      /* mapping node id, 0 when none */
    int remove_node;   /* sequence node id, 0 when none */
    int call_set_node; /* mapping node id: edits of the call document, 0 when none */
    rt_expect *expects;
    size_t expects_count;
} rt_case;

struct elg_ruletest {
    char *path;
    char *dir;
    yaml_document_t ydoc;
    int ydoc_loaded;
    char *call_id;
    int call_line;
    rt_doc *docs;
    size_t docs_count, docs_cap;
    const elg_financer **financers;
    size_t financers_count;
    const elg_call *call;
    rt_case *cases;
    size_t cases_count;
};

/* ---- documents ---------------------------------------------------------------- */

static int slurp(const char *path, char **data, size_t *len, elg_error *err) {
    return elg_files_read(path, ELG_DOC_MAX_BYTES, data, len, err);
}

static int add_doc(elg_ruletest *t, const char *path, elg_error *err) {
    if (t->docs_count == t->docs_cap) {
        size_t cap = t->docs_cap ? t->docs_cap * 2 : 16;
        rt_doc *nd = realloc(t->docs, cap * sizeof *nd);
        if (!nd)
            return elg_error_set(err, ELG_ENOMEM, "out of memory");
        t->docs = nd;
        t->docs_cap = cap;
    }
    rt_doc *d = &t->docs[t->docs_count];
    memset(d, 0, sizeof *d);
    d->path = strdup(path);
    if (!d->path)
        return elg_error_set(err, ELG_ENOMEM, "out of memory");
    t->docs_count++;
    int rc = slurp(path, &d->text, &d->len, err);
    if (rc == 0)
        rc = elg_doc_parse(path, d->text, d->len, &d->doc, err);
    return rc;
}

/* A file, or a directory walked for *.yaml / *.yml in name order. */
static int add_path(elg_ruletest *t, const char *path, elg_error *err) {
    static const char *const yaml[] = {".yaml", ".yml", NULL};
    char **files = NULL;
    size_t n = 0;
    int rc = elg_files_list(path, yaml, &files, &n, err);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = add_doc(t, files[i], err);
    elg_files_list_free(files, n);
    return rc;
}

/* ---- loading the test file ---------------------------------------------------------- */

static int fail_line(elg_ruletest *t, elg_error *err, int line, int code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int fail_line(elg_ruletest *t, elg_error *err, int line, int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    elg_error_setv(err, code, fmt, ap);
    va_end(ap);
    elg_error_at(err, t->path, line, 0, NULL);
    return code;
}

/* Checks that mapping map only has keys among allowed (NULL-terminated). */
static int only_keys(elg_ruletest *t, int map, const char *const *allowed, const char *what,
                     elg_error *err) {
    yaml_node_t *m = elg_ytree_node(&t->ydoc, map);
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const char *k = elg_ytree_scalar(&t->ydoc, p->key);
        int ok = 0;
        for (const char *const *a = allowed; k && *a && !ok; a++)
            ok = strcmp(k, *a) == 0;
        if (!ok) {
            char list[256] = "";
            for (const char *const *a = allowed; *a; a++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                         a == allowed ? "" : ", ", *a);
            return fail_line(t, err, elg_ytree_line(&t->ydoc, p->key), ELG_EINPUT,
                             "%s: unknown field \"%s\" (expected: %s)", what, k ? k : "?", list);
        }
    }
    return 0;
}

static int is_map(elg_ruletest *t, int id) {
    yaml_node_t *n = elg_ytree_node(&t->ydoc, id);
    return n && n->type == YAML_MAPPING_NODE;
}

static int is_seq(elg_ruletest *t, int id) {
    yaml_node_t *n = elg_ytree_node(&t->ydoc, id);
    return n && n->type == YAML_SEQUENCE_NODE;
}

static const char *const STATUSES[] = {"pass", "fail", "not-applicable", "error", "missing", NULL};
static const char *const OUTCOMES[] = {"eligible", "ineligible", "incomplete", "error", NULL};

static int in_set(const char *v, const char *const *set) {
    for (; *set; set++)
        if (strcmp(v, *set) == 0)
            return 1;
    return 0;
}

static int add_expect(elg_ruletest *t, rt_case *c, int kind, const char *key, int value_node,
                      elg_error *err) {
    const char *v = elg_ytree_scalar(&t->ydoc, value_node);
    int line = elg_ytree_line(&t->ydoc, value_node);
    if (!v)
        return fail_line(t, err, line, ELG_EINPUT, "expect: the value for %s must be text",
                         key ? key : "outcome");
    if (kind == EXP_STATUS && strcmp(v, "na") == 0)
        v = "not-applicable";
    if (kind == EXP_STATUS && !in_set(v, STATUSES))
        return fail_line(t, err, line, ELG_EINPUT,
                         "expect.rules.%s: \"%s\" is not a status (pass, fail, not-applicable "
                         "or na, error)",
                         key, v);
    if (kind == EXP_OUTCOME && !in_set(v, OUTCOMES))
        return fail_line(t, err, line, ELG_EINPUT,
                         "expect.outcome: \"%s\" is not an outcome (eligible, ineligible, error)",
                         v);
    rt_expect *ne = realloc(c->expects, (c->expects_count + 1) * sizeof *ne);
    if (!ne)
        return elg_error_set(err, ELG_ENOMEM, "out of memory");
    c->expects = ne;
    rt_expect *e = &c->expects[c->expects_count++];
    e->kind = kind;
    e->key = key ? strdup(key) : NULL;
    e->value = strdup(v);
    e->line = line;
    if ((key && !e->key) || !e->value)
        return elg_error_set(err, ELG_ENOMEM, "out of memory");
    return 0;
}

/* expect.<section>: { key: value ... } */
static int load_expect_map(elg_ruletest *t, rt_case *c, int map, int kind, const char *section,
                           elg_error *err) {
    if (!is_map(t, map))
        return fail_line(t, err, elg_ytree_line(&t->ydoc, map), ELG_EINPUT,
                         "expect.%s must be a mapping such as { plafond-materiel: pass }", section);
    yaml_node_t *m = elg_ytree_node(&t->ydoc, map);
    size_t count = (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
    for (size_t i = 0; i < count; i++) {
        yaml_node_pair_t p = elg_ytree_node(&t->ydoc, map)->data.mapping.pairs.start[i];
        const char *k = elg_ytree_scalar(&t->ydoc, p.key);
        if (!k)
            return fail_line(t, err, elg_ytree_line(&t->ydoc, p.key), ELG_EINPUT,
                             "expect.%s: keys must be text", section);
        int rc = add_expect(t, c, kind, k, p.value, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int load_case(elg_ruletest *t, int id, rt_case *c, elg_error *err) {
    static const char *const keys[] = {"name",   "project",  "file",   "set",
                                       "remove", "call_set", "expect", NULL};
    int line = elg_ytree_line(&t->ydoc, id);
    c->line = line;
    if (!is_map(t, id))
        return fail_line(t, err, line, ELG_EINPUT,
                         "cases: each case must be a mapping with "
                         "name, project and expect");
    int rc = only_keys(t, id, keys, "case", err);
    if (rc)
        return rc;
    const char *name = elg_ytree_scalar(&t->ydoc, elg_ytree_get(&t->ydoc, id, "name"));
    if (!name || !name[0])
        return fail_line(t, err, line, ELG_EINPUT, "case: missing name");
    if (!(c->name = strdup(name)))
        return elg_error_set(err, ELG_ENOMEM, "out of memory");
    int project = elg_ytree_get(&t->ydoc, id, "project");
    int file = elg_ytree_get(&t->ydoc, id, "file");
    if ((project != 0) == (file != 0))
        return fail_line(t, err, line, ELG_EINPUT,
                         "case \"%s\": give either project (an id, or a project written as a "
                         "mapping) or file (a project file)",
                         name);
    if (file) {
        const char *f = elg_ytree_scalar(&t->ydoc, file);
        if (!f)
            return fail_line(t, err, elg_ytree_line(&t->ydoc, file), ELG_EINPUT,
                             "case \"%s\": file must be a path", name);
        c->source = SRC_FILE;
        c->ref = strdup(f);
    } else if (is_map(t, project)) {
        c->source = SRC_INLINE;
        c->inline_node = project;
    } else {
        const char *p = elg_ytree_scalar(&t->ydoc, project);
        if (!p)
            return fail_line(t, err, elg_ytree_line(&t->ydoc, project), ELG_EINPUT,
                             "case \"%s\": project must be a project id or a mapping", name);
        c->source = SRC_ID;
        c->ref = strdup(p);
    }
    if (c->source != SRC_INLINE && !c->ref)
        return elg_error_set(err, ELG_ENOMEM, "out of memory");
    c->set_node = elg_ytree_get(&t->ydoc, id, "set");
    if (c->set_node && !is_map(t, c->set_node))
        return fail_line(t, err, elg_ytree_line(&t->ydoc, c->set_node), ELG_EINPUT,
                         "case \"%s\": set must be a mapping of field paths to values, such as "
                         "{ expenses[6].amount: \"95 000 €\" }",
                         name);
    c->call_set_node = elg_ytree_get(&t->ydoc, id, "call_set");
    if (c->call_set_node && !is_map(t, c->call_set_node))
        return fail_line(t, err, elg_ytree_line(&t->ydoc, c->call_set_node), ELG_EINPUT,
                         "case \"%s\": call_set must be a mapping of field paths of the call "
                         "document to values, such as { parameters[0].money: \"90 000 €\" }",
                         name);
    c->remove_node = elg_ytree_get(&t->ydoc, id, "remove");
    if (c->remove_node && !is_seq(t, c->remove_node))
        return fail_line(t, err, elg_ytree_line(&t->ydoc, c->remove_node), ELG_EINPUT,
                         "case \"%s\": remove must be a list of field paths", name);
    int expect = elg_ytree_get(&t->ydoc, id, "expect");
    if (!expect || !is_map(t, expect))
        return fail_line(t, err, expect ? elg_ytree_line(&t->ydoc, expect) : line, ELG_EINPUT,
                         "case \"%s\": expect is missing (outcome, rules, figures, messages)",
                         name);
    static const char *const ekeys[] = {"outcome", "rules", "figures", "messages", "notices", NULL};
    if ((rc = only_keys(t, expect, ekeys, "expect", err)))
        return rc;
    int v;
    if ((v = elg_ytree_get(&t->ydoc, expect, "outcome")) &&
        (rc = add_expect(t, c, EXP_OUTCOME, NULL, v, err)))
        return rc;
    if ((v = elg_ytree_get(&t->ydoc, expect, "rules")) &&
        (rc = load_expect_map(t, c, v, EXP_STATUS, "rules", err)))
        return rc;
    if ((v = elg_ytree_get(&t->ydoc, expect, "figures")) &&
        (rc = load_expect_map(t, c, v, EXP_FIGURE, "figures", err)))
        return rc;
    if ((v = elg_ytree_get(&t->ydoc, expect, "messages")) &&
        (rc = load_expect_map(t, c, v, EXP_MESSAGE, "messages", err)))
        return rc;
    if ((v = elg_ytree_get(&t->ydoc, expect, "notices")) &&
        (rc = load_expect_map(t, c, v, EXP_NOTICE, "notices", err)))
        return rc;
    if (c->expects_count == 0)
        return fail_line(t, err, elg_ytree_line(&t->ydoc, expect), ELG_EINPUT,
                         "case \"%s\": expect says nothing to check", name);
    return 0;
}

static int find_doc(const elg_ruletest *t, elg_doc_kind kind, const char *id) {
    for (size_t i = 0; i < t->docs_count; i++)
        if (elg_doc_kind_of(t->docs[i].doc) == kind && strcmp(elg_doc_id(t->docs[i].doc), id) == 0)
            return (int)i;
    return -1;
}

static int load_documents(elg_ruletest *t, int root, elg_error *err) {
    int docs = elg_ytree_get(&t->ydoc, root, "documents");
    if (!docs)
        return fail_line(t, err, 1, ELG_EINPUT,
                         "documents: missing (the financer, call and project files or "
                         "directories the cases use, relative to this file, e.g. [../../seeds])");
    int single = elg_ytree_scalar(&t->ydoc, docs) != NULL;
    size_t n = single ? 1 : is_seq(t, docs) ? elg_ytree_len(&t->ydoc, docs) : 0;
    if (!single && !is_seq(t, docs))
        return fail_line(t, err, elg_ytree_line(&t->ydoc, docs), ELG_EINPUT,
                         "documents must be a path or a list of paths");
    for (size_t i = 0; i < n; i++) {
        int item = single ? docs : elg_ytree_node(&t->ydoc, docs)->data.sequence.items.start[i];
        const char *rel = elg_ytree_scalar(&t->ydoc, item);
        if (!rel)
            return fail_line(t, err, elg_ytree_line(&t->ydoc, item), ELG_EINPUT,
                             "documents: each entry must be a path");
        char *full = elg_files_join(t->dir, rel);
        if (!full)
            return elg_error_set(err, ELG_ENOMEM, "out of memory");
        elg_error e = {0};
        int rc = add_path(t, full, &e);
        free(full);
        if (rc) {
            /* A bad document keeps its own location; a missing path gets ours. */
            if (!e.file[0] || e.line == 0) {
                if (e.file[0] == '\0')
                    return fail_line(t, err, elg_ytree_line(&t->ydoc, item), rc, "documents: %s",
                                     e.message);
                return fail_line(t, err, elg_ytree_line(&t->ydoc, item), rc, "documents: %s: %s",
                                 e.file, e.message);
            }
            *err = e;
            return rc;
        }
    }
    /* Two documents of one kind with one id would make cases ambiguous. */
    for (size_t i = 0; i < t->docs_count; i++) {
        for (size_t j = 0; j < i; j++) {
            if (elg_doc_kind_of(t->docs[i].doc) == elg_doc_kind_of(t->docs[j].doc) &&
                strcmp(elg_doc_id(t->docs[i].doc), elg_doc_id(t->docs[j].doc)) == 0)
                return fail_line(t, err, elg_ytree_line(&t->ydoc, docs), ELG_EINPUT,
                                 "documents: %s \"%s\" is defined twice (%s and %s)",
                                 elg_doc_kind_name(elg_doc_kind_of(t->docs[i].doc)),
                                 elg_doc_id(t->docs[i].doc), t->docs[j].path, t->docs[i].path);
        }
    }
    size_t nf = 0;
    t->financers = calloc(t->docs_count ? t->docs_count : 1, sizeof *t->financers);
    if (!t->financers)
        return elg_error_set(err, ELG_ENOMEM, "out of memory");
    for (size_t i = 0; i < t->docs_count; i++)
        if (elg_doc_financer(t->docs[i].doc))
            t->financers[nf++] = elg_doc_financer(t->docs[i].doc);
    t->financers_count = nf;
    return 0;
}

int elg_ruletest_load(const char *path, elg_ruletest **out, elg_error *err) {
    *out = NULL;
    elg_ruletest *t = calloc(1, sizeof *t);
    char *text = NULL;
    size_t len = 0;
    yaml_parser_t parser;
    int parser_ok = 0, rc;
    if (!t || !(t->path = strdup(path)) || !(t->dir = strdup(path))) {
        rc = elg_error_set(err, ELG_ENOMEM, "out of memory");
        goto fail;
    }
    char *slash = strrchr(t->dir, '/');
    if (slash)
        *slash = '\0';
    else
        t->dir[0] = '\0';
    if ((rc = slurp(path, &text, &len, err)))
        goto fail;
    if (!(parser_ok = yaml_parser_initialize(&parser))) {
        rc = elg_error_set(err, ELG_ENOMEM, "out of memory");
        goto fail;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &t->ydoc)) {
        rc = fail_line(t, err, (int)parser.problem_mark.line + 1, ELG_EINPUT, "not valid YAML: %s",
                       parser.problem ? parser.problem : "?");
        goto fail;
    }
    t->ydoc_loaded = 1;
    int root = yaml_document_get_root_node(&t->ydoc) ? 1 : 0;
    if (!root || !is_map(t, root)) {
        rc = fail_line(t, err, 1, ELG_EINPUT,
                       "a test file is a mapping with call, documents and cases");
        goto fail;
    }
    static const char *const keys[] = {"call", "documents", "cases", "description", NULL};
    if ((rc = only_keys(t, root, keys, elg_tr("test file"), err)))
        goto fail;
    int call = elg_ytree_get(&t->ydoc, root, "call");
    if (!elg_ytree_scalar(&t->ydoc, call)) {
        rc = fail_line(t, err, call ? elg_ytree_line(&t->ydoc, call) : 1, ELG_EINPUT,
                       "call: missing (the id of the call the cases test)");
        goto fail;
    }
    t->call_id = strdup(elg_ytree_scalar(&t->ydoc, call));
    t->call_line = elg_ytree_line(&t->ydoc, call);
    if (!t->call_id) {
        rc = elg_error_set(err, ELG_ENOMEM, "out of memory");
        goto fail;
    }
    if ((rc = load_documents(t, root, err)))
        goto fail;
    int ci = find_doc(t, ELG_DOC_CALL, t->call_id);
    if (ci < 0) {
        rc = fail_line(t, err, t->call_line, ELG_ENOTFOUND,
                       "call \"%s\" is not among the documents", t->call_id);
        goto fail;
    }
    t->call = elg_doc_call(t->docs[ci].doc);
    int cases = elg_ytree_get(&t->ydoc, root, "cases");
    if (!cases || !is_seq(t, cases) || elg_ytree_len(&t->ydoc, cases) == 0) {
        rc = fail_line(t, err, cases ? elg_ytree_line(&t->ydoc, cases) : 1, ELG_EINPUT,
                       "cases: missing or empty (a list of cases)");
        goto fail;
    }
    size_t n = elg_ytree_len(&t->ydoc, cases);
    if (!(t->cases = calloc(n, sizeof *t->cases))) {
        rc = elg_error_set(err, ELG_ENOMEM, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        t->cases_count++;
        rt_case *c = &t->cases[i];
        if ((rc = load_case(t, elg_ytree_node(&t->ydoc, cases)->data.sequence.items.start[i], c,
                            err)))
            goto fail;
        if (c->source == SRC_ID && find_doc(t, ELG_DOC_PROJECT, c->ref) < 0) {
            rc = fail_line(t, err, c->line, ELG_ENOTFOUND,
                           "case \"%s\": project \"%s\" is not among the documents", c->name,
                           c->ref);
            goto fail;
        }
    }
    yaml_parser_delete(&parser);
    free(text);
    *out = t;
    return 0;
fail:
    if (parser_ok)
        yaml_parser_delete(&parser);
    free(text);
    elg_ruletest_free(t);
    return rc;
}

void elg_ruletest_free(elg_ruletest *t) {
    if (!t)
        return;
    for (size_t i = 0; i < t->cases_count; i++) {
        rt_case *c = &t->cases[i];
        free(c->name);
        free(c->ref);
        for (size_t k = 0; k < c->expects_count; k++) {
            free(c->expects[k].key);
            free(c->expects[k].value);
        }
        free(c->expects);
    }
    free(t->cases);
    for (size_t i = 0; i < t->docs_count; i++) {
        free(t->docs[i].path);
        free(t->docs[i].text);
        elg_doc_free(t->docs[i].doc);
    }
    free(t->docs);
    free(t->financers);
    if (t->ydoc_loaded)
        yaml_document_delete(&t->ydoc);
    free(t->call_id);
    free(t->dir);
    free(t->path);
    free(t);
}

/* ---- building a case's project -------------------------------------------------------- */

/* "file:line" into buf. */
static const char *at(char *buf, size_t size, const char *file, int line) {
    snprintf(buf, size, "%s:%d", file, line);
    return buf;
}

/* Case failure text in err-like form: "file:line: message". */
typedef struct case_err {
    char text[1400];
} case_err;

static void case_fail(case_err *ce, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void case_fail(case_err *ce, const char *file, int line, const char *fmt, ...) {
    int n = line > 0 ? snprintf(ce->text, sizeof ce->text, "%s:%d: ", file, line)
                     : snprintf(ce->text, sizeof ce->text, "%s: ", file);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ce->text + n, sizeof ce->text - (size_t)n, elg_tr(fmt), ap); /* po/fr.po */
    va_end(ap);
}

/* Is field under path p ("expenses[6]" covers "expenses[6].amount")? */
static int under(const char *field, const char *p) {
    size_t n = strlen(p);
    return strncmp(field, p, n) == 0 && (field[n] == '\0' || field[n] == '.' || field[n] == '[');
}

/* What a case edits: its project, or (call_set) the call. */
typedef struct edit_src {
    const char *what;    /* "project" or "call", for messages */
    const char *set_key; /* "set" or "call_set" */
    elg_doc_kind kind;
    const char *base_name; /* the base document's file (the test file when inline) */
    const char *base_text; /* its text, NULL when inline */
    size_t base_len;
    int inline_node; /* the project written in the case, 0 otherwise */
    int set_node, remove_node;
} edit_src;

/* Parses text as a YAML tree into *pd; 0, or -1 with ce filled. */
static int load_tree(const char *name, const char *text, size_t len, yaml_document_t *pd,
                     case_err *ce) {
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        case_fail(ce, name, 0, "out of memory");
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    int ok = yaml_parser_load(&parser, pd);
    if (!ok)
        case_fail(ce, name, (int)parser.problem_mark.line + 1, "not valid YAML: %s",
                  parser.problem ? parser.problem : "?");
    yaml_parser_delete(&parser);
    if (!ok)
        return -1;
    yaml_node_t *root = yaml_document_get_root_node(pd);
    if (!root || root->type != YAML_MAPPING_NODE) {
        case_fail(ce, name, 1, "not a document (a mapping with kind:)");
        yaml_document_delete(pd);
        return -1;
    }
    return 0;
}

/* Applies the case's remove and set to the tree pd (consumed), writes it
 * back as text and parses it: *doc on success, else ce filled, pointing at
 * what the user wrote (the set line, the inline project's line, or the
 * base document's line). */
static int edit_parse(elg_ruletest *t, const rt_case *c, yaml_document_t *pd, const edit_src *s,
                      elg_doc **doc, case_err *ce) {
    int rc = -1, root = 1;
    char *out = NULL;
    size_t out_len = 0;
    char why[512];
    /* remove first, then set: "set" can then rebuild what was removed. */
    if (s->remove_node) {
        yaml_node_t *rn = elg_ytree_node(&t->ydoc, s->remove_node);
        size_t n = (size_t)(rn->data.sequence.items.top - rn->data.sequence.items.start);
        for (size_t i = 0; i < n; i++) {
            int item = elg_ytree_node(&t->ydoc, s->remove_node)->data.sequence.items.start[i];
            const char *p = elg_ytree_scalar(&t->ydoc, item);
            if (!p || elg_ytree_remove(pd, root, p, why, sizeof why)) {
                case_fail(ce, t->path, elg_ytree_line(&t->ydoc, item), "remove: %s",
                          p ? why : "each entry must be a field path");
                yaml_document_delete(pd);
                return -1;
            }
        }
    }
    if (s->set_node) {
        yaml_node_t *sn = elg_ytree_node(&t->ydoc, s->set_node);
        size_t n = (size_t)(sn->data.mapping.pairs.top - sn->data.mapping.pairs.start);
        for (size_t i = 0; i < n; i++) {
            yaml_node_pair_t p = elg_ytree_node(&t->ydoc, s->set_node)->data.mapping.pairs.start[i];
            const char *path = elg_ytree_scalar(&t->ydoc, p.key);
            if (!path || elg_ytree_set(pd, root, path, &t->ydoc, p.value, why, sizeof why)) {
                case_fail(ce, t->path, elg_ytree_line(&t->ydoc, p.key), "%s: %s", s->set_key,
                          path ? why : "keys must be field paths");
                yaml_document_delete(pd);
                return -1;
            }
        }
    }
    if (elg_ytree_emit(pd, &out, &out_len)) { /* emit consumes the tree */
        case_fail(ce, t->path, c->line, "out of memory building the %s", s->what);
        return -1;
    }
    elg_error e = {0};
    if (elg_doc_parse(s->base_name, out, out_len, doc, &e) == 0) {
        if (elg_doc_kind_of(*doc) == s->kind) {
            rc = 0;
        } else {
            case_fail(ce, s->base_name, 0, "a %s document is not a %s",
                      elg_doc_kind_name(elg_doc_kind_of(*doc)), s->what);
            elg_doc_free(*doc);
            *doc = NULL;
        }
        goto out;
    }
    const char *field = e.field;
    if (s->set_node) {
        yaml_node_t *sn = elg_ytree_node(&t->ydoc, s->set_node);
        for (yaml_node_pair_t *p = sn->data.mapping.pairs.start; p < sn->data.mapping.pairs.top;
             p++) {
            const char *path = elg_ytree_scalar(&t->ydoc, p->key);
            if (field[0] && path && under(field, path)) {
                case_fail(ce, t->path, elg_ytree_line(&t->ydoc, p->key), "%s: %s: %s", s->set_key,
                          field, e.message);
                goto out;
            }
        }
    }
    if (s->inline_node) {
        int n = field[0] ? elg_ytree_find(&t->ydoc, s->inline_node, field) : 0;
        case_fail(ce, t->path,
                  n ? elg_ytree_line(&t->ydoc, n) : elg_ytree_line(&t->ydoc, s->inline_node),
                  "%s: %s%s%s", s->what, field, field[0] ? ": " : "", e.message);
    } else {
        int line = 0, col = 0;
        if (field[0])
            elg_doc_locate(s->base_name, s->base_text, s->base_len, field, &line, &col);
        case_fail(ce, s->base_name, line, "%s%s%s (in case \"%s\", %s:%d)", field,
                  field[0] ? ": " : "", e.message, c->name, t->path, c->line);
    }
out:
    free(out);
    return rc;
}

/* Builds the project of case c: *doc on success, else ce filled. */
static int build_project(elg_ruletest *t, const rt_case *c, elg_doc **doc, case_err *ce) {
    yaml_document_t pd;
    char *file_text = NULL, *file_path = NULL;
    edit_src s = {"project", "set", ELG_DOC_PROJECT, t->path,       NULL,
                  0,         0,     c->set_node,     c->remove_node};
    int rc = -1;
    *doc = NULL;
    if (c->source == SRC_INLINE) {
        s.inline_node = c->inline_node;
        if (!yaml_document_initialize(&pd, NULL, NULL, NULL, 1, 1))
            goto nomem;
        int root = elg_ytree_copy(&pd, &t->ydoc, c->inline_node);
        int k = 0, v = 0;
        if (root && !elg_ytree_pair(&pd, root, "kind")) {
            k = yaml_document_add_scalar(&pd, NULL, (yaml_char_t *)"kind", -1,
                                         YAML_ANY_SCALAR_STYLE);
            v = yaml_document_add_scalar(&pd, NULL, (yaml_char_t *)"project", -1,
                                         YAML_ANY_SCALAR_STYLE);
            if (!k || !v || !yaml_document_append_mapping_pair(&pd, root, k, v))
                root = 0;
        }
        if (!root) {
            yaml_document_delete(&pd);
            goto nomem;
        }
        if (k) { /* kind first, as documents write it */
            yaml_node_t *m = elg_ytree_node(&pd, root);
            yaml_node_pair_t last = m->data.mapping.pairs.top[-1];
            memmove(m->data.mapping.pairs.start + 1, m->data.mapping.pairs.start,
                    (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start - 1) *
                        sizeof last);
            m->data.mapping.pairs.start[0] = last;
        }
    } else {
        if (c->source == SRC_ID) {
            const rt_doc *d = &t->docs[find_doc(t, ELG_DOC_PROJECT, c->ref)];
            s.base_name = d->path;
            s.base_text = d->text;
            s.base_len = d->len;
        } else {
            elg_error e = {0};
            if (!(file_path = elg_files_join(t->dir, c->ref)))
                goto nomem;
            if (slurp(file_path, &file_text, &s.base_len, &e)) {
                case_fail(ce, t->path, c->line, "file: %s", e.message);
                goto out;
            }
            s.base_name = file_path;
            s.base_text = file_text;
        }
        if (load_tree(s.base_name, s.base_text, s.base_len, &pd, ce))
            goto out;
    }
    rc = edit_parse(t, c, &pd, &s, doc, ce);
    goto out;
nomem:
    case_fail(ce, t->path, c->line, "out of memory building the project");
out:
    free(file_text);
    free(file_path);
    return rc;
}

/* The call of case c edited by its call_set: *doc, else ce filled. */
static int build_call(elg_ruletest *t, const rt_case *c, elg_doc **doc, case_err *ce) {
    const rt_doc *d = &t->docs[find_doc(t, ELG_DOC_CALL, t->call_id)];
    edit_src s = {"call", "call_set", ELG_DOC_CALL,     d->path, d->text,
                  d->len, 0,          c->call_set_node, 0};
    yaml_document_t pd;
    *doc = NULL;
    if (load_tree(d->path, d->text, d->len, &pd, ce))
        return -1;
    return edit_parse(t, c, &pd, &s, doc, ce);
}

/* ---- comparing ------------------------------------------------------------------------ */

/* The element of array whose field key is the text value, NULL when none. */
static json_t *find_by(json_t *array, const char *key, const char *value) {
    size_t i;
    json_t *e;
    json_array_foreach(array, i, e) {
        const char *v = json_string_value(json_object_get(e, key));
        if (v && strcmp(v, value) == 0)
            return e;
    }
    return NULL;
}

/* A text of the decision for the JSON result: null for NULL. A rule can
 * build any bytes; text that is not valid UTF-8 becomes the notice the
 * decision's JSON writes in its place (decision_write.c). */
static json_t *jtext(const char *s) {
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    return j ? j : json_string("(text that is not valid UTF-8)");
}

/* The first rule of d named id, NULL when none. */
static const elg_rule_result *find_rule(const elg_decision *d, const char *id) {
    for (size_t i = 0; i < d->rules_count; i++)
        if (d->rules[i].id && strcmp(d->rules[i].id, id) == 0)
            return &d->rules[i];
    return NULL;
}

/* The ids of d's rules, as elg_lint_suggest takes candidates. */
static json_t *rule_ids(const elg_decision *d) {
    json_t *ids = json_array();
    for (size_t i = 0; i < d->rules_count; i++)
        json_array_append_new(ids, jtext(d->rules[i].id));
    return ids;
}

static elg_value v_int(int64_t i) {
    return (elg_value){.type = ELG_VALUE_INT, .u.integer = i};
}

static elg_value v_opt_int(bool has, int64_t i) {
    return has ? v_int(i) : (elg_value){.type = ELG_VALUE_NULL};
}

static elg_value v_bool(bool b) {
    return (elg_value){.type = ELG_VALUE_BOOL, .u.boolean = b};
}

/* Borrows s (NULL: null). */
static elg_value v_text(const char *s) {
    if (!s)
        return (elg_value){.type = ELG_VALUE_NULL};
    return (elg_value){.type = ELG_VALUE_STRING, .u.str = {s, strlen(s)}};
}

/* Makes *v an empty map with room for n members; false when out of memory. */
static bool v_map(elg_arena *a, elg_value *v, size_t n) {
    v->type = ELG_VALUE_MAP;
    v->u.map.count = 0;
    v->u.map.pairs = elg_arena_array(a, n, sizeof *v->u.map.pairs);
    return v->u.map.pairs != NULL;
}

/* Appends key: value to a map made by v_map with room left. */
static void v_put(elg_value *map, const char *key, elg_value value) {
    map->u.map.pairs[map->u.map.count++] = (elg_value_pair){key, value};
}

static bool v_cats(elg_arena *a, const elg_cat_amount *c, size_t n, elg_value *out) {
    if (!v_map(a, out, n))
        return false;
    for (size_t i = 0; i < n; i++)
        v_put(out, c[i].category, v_int(c[i].amount));
    return true;
}

/*
 * The key figures of a decision as one value: the members of the decision
 * document's "figures" (docs/trace.md), under the same names and in the
 * same order, so that `decision.name` expectations are read the way a
 * rule's figures are, and a compound figure shows as the document writes
 * it. Unlike the rules' values its maps keep that order instead of sorted
 * keys: it is only read here, by name (elg_value_get does not need them
 * sorted) and to show it. Lives in arena a; borrows the texts of f.
 */
static bool figures_value(elg_arena *a, const elg_figures *f, elg_value *out) {
    elg_value cats, fins = {.type = ELG_VALUE_LIST};
    fins.u.list.items = elg_arena_array(a, f->financers_count, sizeof *fins.u.list.items);
    if (!fins.u.list.items || !v_cats(a, f->by_category, f->by_category_count, &cats) ||
        !v_map(a, out, 11))
        return false;
    for (size_t i = 0; i < f->financers_count; i++) {
        const elg_financer_figures *x = &f->financers[i];
        elg_value *fv = &fins.u.list.items[i], earmarked;
        if (!v_cats(a, x->earmarked, x->earmarked_count, &earmarked) || !v_map(a, fv, 9))
            return false;
        v_put(fv, "financer", v_text(x->financer));
        v_put(fv, "nature", v_text(x->nature));
        v_put(fv, "public", v_bool(x->is_public));
        v_put(fv, "amount", v_int(x->amount));
        v_put(fv, "requested", v_int(x->requested));
        v_put(fv, "granted", v_int(x->granted));
        v_put(fv, "earmarked", earmarked);
        v_put(fv, "share_bp", v_opt_int(x->has_share, x->share_bp));
        v_put(fv, "max_grantable", v_opt_int(x->has_max_grantable, x->max_grantable));
    }
    fins.u.list.count = f->financers_count;
    v_put(out, "call_financer", v_text(f->call_financer));
    v_put(out, "eligible_cost", v_int(f->eligible_cost));
    v_put(out, "total_resources", v_int(f->total_resources));
    v_put(out, "balance", v_int(f->balance));
    v_put(out, "expenses_by_category", cats);
    v_put(out, "financers", fins);
    v_put(out, "public_amount", v_int(f->public_amount));
    v_put(out, "public_share_bp", v_opt_int(f->has_public_share, f->public_share_bp));
    v_put(out, "requested", v_opt_int(f->has_requested, f->requested));
    v_put(out, "max_grantable", v_opt_int(f->has_max_grantable, f->max_grantable));
    v_put(out, "max_grantable_rule", v_text(f->max_grantable_rule));
    return true;
}

/* Member key[0..n) of map v, NULL when v is not a map or has none. */
static const elg_value *member(const elg_value *v, const char *key, size_t n) {
    if (v->type != ELG_VALUE_MAP)
        return NULL;
    for (size_t i = 0; i < v->u.map.count; i++) {
        const char *k = v->u.map.pairs[i].key;
        if (strlen(k) == n && memcmp(k, key, n) == 0)
            return &v->u.map.pairs[i].value;
    }
    return NULL;
}

/* The value at dotted path under v ("nested.inner.deep"), NULL when absent.
 * Empty names are skipped: a path of dots only gives v itself. */
static const elg_value *dig(const elg_value *v, const char *path) {
    const char *s = path;
    while (v && *s) {
        if (*s == '.') {
            s++;
            continue;
        }
        size_t n = strcspn(s, ".");
        v = member(v, s, n);
        s += n;
    }
    return v;
}

/* A record of exactly two integers num and den. */
static bool is_rate(const elg_value *v) {
    const elg_value *num = elg_value_get(v, "num"), *den = elg_value_get(v, "den");
    return v->type == ELG_VALUE_MAP && v->u.map.count == 2 && num && num->type == ELG_VALUE_INT &&
           den && den->type == ELG_VALUE_INT;
}

static elg_rate rate_of(const elg_value *v) {
    return (elg_rate){elg_value_get(v, "num")->u.integer, elg_value_get(v, "den")->u.integer};
}

/* A value as people read it: amounts in euros, rates as rates. */
static void show(const elg_value *v, int bp, char *buf, size_t size) {
    if (!v || v->type == ELG_VALUE_NULL) {
        snprintf(buf, size, "(absent)");
    } else if (v->type == ELG_VALUE_INT && bp) {
        elg_rate r = {v->u.integer, 10000};
        elg_rate_format(r, buf, size);
    } else if (v->type == ELG_VALUE_INT) {
        elg_money_format((elg_cents)v->u.integer, buf, size);
    } else if (is_rate(v)) {
        elg_rate_format(rate_of(v), buf, size);
    } else if (v->type == ELG_VALUE_STRING) {
        snprintf(buf, size, "\"%s\"", v->u.str.text);
    } else if (v->type == ELG_VALUE_BOOL) {
        snprintf(buf, size, "%s", v->u.boolean ? "true" : "false");
    } else {
        elg_text json = {0};
        elg_error ignored = {0};
        int rc = elg_value_write_json(v, &json, &ignored);
        snprintf(buf, size, "%s", rc == 0 && json.data ? json.data : "?");
        elg_text_release(&json);
    }
}

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Compares expected text with an actual figure; 1 when equal. A text that
 * cannot be read as the actual value's kind gives 0 and the reason in bad. */
static int figure_equal(const char *expected, const elg_value *actual, int bp, elg_error *bad) {
    if (!actual || actual->type == ELG_VALUE_NULL)
        return 0;
    if (actual->type == ELG_VALUE_INT && !bp) {
        elg_cents cents;
        if (elg_money_parse(expected, 1, &cents, bad))
            return 0;
        return cents == (elg_cents)actual->u.integer;
    }
    if (is_rate(actual) || (actual->type == ELG_VALUE_INT && bp)) {
        elg_rate r;
        if (elg_rate_parse(expected, &r, bad))
            return 0;
        elg_rate a = bp ? (elg_rate){actual->u.integer, 10000} : rate_of(actual);
        return (__int128)a.num * r.den == (__int128)r.num * a.den;
    }
    if (actual->type == ELG_VALUE_STRING)
        return strcmp(expected, actual->u.str.text) == 0;
    if (actual->type == ELG_VALUE_BOOL)
        return strcmp(expected, actual->u.boolean ? "true" : "false") == 0;
    return 0;
}

/* Sets on obj what a reader needs of rule r: where it is declared, its
 * message and, for an error, where it happened and the traceback. */
static void rule_fields(json_t *obj, const elg_rule_result *r) {
    json_object_set_new(obj, "source", jtext(r->source));
    json_object_set_new(obj, "message", jtext(r->message));
    if (r->status == ELG_RULE_ERROR) {
        json_object_set_new(obj, "error_at", jtext(r->error_at ? r->error_at : ""));
        if (r->traceback)
            json_object_set_new(obj, "traceback", jtext(r->traceback));
    }
}

static void mismatch(json_t *list, const char *test_file, int line, const char *what,
                     const char *expected, const char *actual, const elg_rule_result *rule) {
    char where[600];
    json_t *m = json_pack("{s:s,s:o,s:s,s:o}", "at", at(where, sizeof where, test_file, line),
                          "what", jtext(what), "expected", expected, "actual", jtext(actual));
    if (m && rule)
        rule_fields(m, rule);
    json_array_append_new(list, m);
}

static void check_expect(const elg_ruletest *t, const rt_expect *x, const elg_decision *d,
                         const elg_value *figures, json_t *mm) {
    char what[512], actual[1024];
    elg_error bad = {0}; /* an expected figure that cannot be read */
    if (x->kind == EXP_OUTCOME) {
        const char *o = elg_outcome_name(d->outcome);
        if (strcmp(o, x->value) != 0) {
            /* The rules that decided it explain the outcome. */
            const elg_rule_result *culprit = NULL;
            for (size_t i = 0; i < d->rules_count && !culprit; i++)
                if (d->rules[i].status == ELG_RULE_ERROR || d->rules[i].status == ELG_RULE_FAIL)
                    culprit = &d->rules[i];
            if (culprit)
                snprintf(what, sizeof what, "résultat (règle %s : %s)", culprit->id,
                         elg_rule_status_name(culprit->status));
            else
                snprintf(what, sizeof what, "résultat");
            mismatch(mm, t->path, x->line, what, x->value, o, culprit);
        }
        return;
    }
    const char *id = x->key;
    char idbuf[256];
    const char *fig = NULL;
    if (x->kind == EXP_FIGURE) {
        const char *dot = strchr(x->key, '.');
        if (!dot) {
            snprintf(what, sizeof what, "%s", x->key);
            mismatch(mm, t->path, x->line, what, x->value,
                     "(écrivez id-de-regle.nom ou decision.nom)", NULL);
            return;
        }
        snprintf(idbuf, sizeof idbuf, "%.*s", (int)(dot - x->key), x->key);
        id = idbuf;
        fig = dot + 1;
        if (strcmp(id, "decision") == 0) {
            const elg_value *v = dig(figures, fig);
            int bp = ends_with(fig, "_bp");
            if (!figure_equal(x->value, v, bp, &bad)) {
                show(v, bp, actual, sizeof actual);
                if (bad.code)
                    snprintf(actual + strlen(actual), sizeof actual - strlen(actual),
                             " — valeur attendue illisible : %s", bad.message);
                snprintf(what, sizeof what, "chiffre %s", x->key);
                mismatch(mm, t->path, x->line, what, x->value, actual, NULL);
            }
            return;
        }
    }
    const elg_rule_result *rule = find_rule(d, id);
    if (!rule) {
        json_t *ids = rule_ids(d);
        const char *s = elg_lint_suggest(id, ids);
        snprintf(actual, sizeof actual, "(aucune règle « %s » dans cet appel%s%s%s)", id,
                 s ? " ; vouliez-vous dire « " : "", s ? s : "", s ? " » ?" : "");
        json_decref(ids);
        mismatch(mm, t->path, x->line, x->key, x->value, actual, NULL);
        return;
    }
    const char *status = elg_rule_status_name(rule->status);
    if (x->kind == EXP_STATUS) {
        if (strcmp(status, x->value) != 0) {
            snprintf(what, sizeof what, "statut de %s", id);
            mismatch(mm, t->path, x->line, what, x->value, status, rule);
        }
    } else if (x->kind == EXP_NOTICE) {
        /* One of the rule's notices contains the text. */
        int found = 0;
        actual[0] = '\0';
        for (size_t i = 0; i < rule->notices_count; i++) {
            const char *text = rule->notices[i];
            found |= text && strstr(text, x->value) != NULL;
            snprintf(actual + strlen(actual), sizeof actual - strlen(actual), "%s« %s »",
                     i ? " ; " : "", text ? text : "");
        }
        if (!found) {
            snprintf(what, sizeof what, "remarques de %s (l'une doit contenir le texte attendu)",
                     id);
            mismatch(mm, t->path, x->line, what, x->value, actual[0] ? actual : "(aucune remarque)",
                     rule);
        }
    } else if (x->kind == EXP_MESSAGE) {
        const char *msg = rule->message;
        if (!msg || !strstr(msg, x->value)) {
            snprintf(what, sizeof what, "message de %s (doit contenir le texte attendu)", id);
            mismatch(mm, t->path, x->line, what, x->value, msg ? msg : "", rule);
        }
    } else {
        /* Figures that are not a map are written as none (decision_write.c). */
        static const elg_value none = {.type = ELG_VALUE_MAP};
        const elg_value *v = dig(rule->figures.type == ELG_VALUE_MAP ? &rule->figures : &none, fig);
        int bp = ends_with(fig, "_bp");
        if (!figure_equal(x->value, v, bp, &bad)) {
            show(v, bp, actual, sizeof actual);
            if (bad.code)
                snprintf(actual + strlen(actual), sizeof actual - strlen(actual),
                         " — valeur attendue illisible : %s", bad.message);
            else if (!v && rule->status == ELG_RULE_ERROR)
                snprintf(actual + strlen(actual), sizeof actual - strlen(actual),
                         " — la règle est en erreur");
            snprintf(what, sizeof what, "chiffre %s", x->key);
            mismatch(mm, t->path, x->line, what, x->value, actual, rule);
        }
    }
}

/* ---- running -------------------------------------------------------------------------- */

static int declared_rules(elg_rules *rules, const elg_call *call, json_t **declared,
                          elg_error *err) {
    const elg_edition *latest =
        call->editions_count ? &call->editions[call->editions_count - 1] : NULL;
    json_t *res = NULL;
    int rc = elg_rules_declare(rules, call, latest, &res, err);
    if (rc)
        return rc;
    json_t *list = json_array();
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(res, "declared"), i, d) {
        json_array_append_new(list, json_pack("{s:O,s:O,s:O,s:O}", "id", json_object_get(d, "id"),
                                              "title", json_object_get(d, "title"), "source",
                                              json_object_get(d, "source"), "kind",
                                              json_object_get(d, "kind")));
    }
    json_decref(res);
    *declared = list;
    return 0;
}

/* The summary of rule r in a case's result. */
static json_t *rule_summary(const elg_rule_result *r) {
    json_t *s =
        json_pack("{s:o,s:s}", "id", jtext(r->id), "status", elg_rule_status_name(r->status));
    if (s)
        rule_fields(s, r);
    return s;
}

static int run_case(elg_ruletest *t, elg_rules *rules, const rt_case *c, json_t *cases,
                    elg_error *err) {
    char where[600];
    json_t *jc =
        json_pack("{s:s,s:s}", "name", c->name, "at", at(where, sizeof where, t->path, c->line));
    json_t *mm = json_array();
    elg_doc *pdoc = NULL, *cdoc = NULL;
    elg_decision *d = NULL;
    case_err ce = {{0}};
    int rc = 0;
    json_array_append_new(cases, jc);
    json_object_set_new(jc, "mismatches", mm);
    if (build_project(t, c, &pdoc, &ce)) {
        json_object_set_new(jc, "ok", json_false());
        json_object_set_new(jc, "error", json_string(ce.text));
        return 0;
    }
    const elg_project *p = elg_doc_project(pdoc);
    const elg_call *call = t->call;
    if (c->call_set_node) {
        if (build_call(t, c, &cdoc, &ce)) {
            json_object_set_new(jc, "ok", json_false());
            json_object_set_new(jc, "error", json_string(ce.text));
            goto out;
        }
        call = elg_doc_call(cdoc);
    }
    /* The one decision path, as check takes it; nothing is stored. */
    elg_eval_call ec = {
        .call = call,
        .call_sha256 = "",
        .financers = t->financers,
        .financers_count = t->financers_count,
    };
    elg_eval *ev = NULL;
    if ((rc = elg_eval_prepare(rules, &ec, &ev, err)))
        goto out;
    elg_eval_project ep = {p, 0, ""};
    elg_error fe = {0};
    int drc = elg_eval_decide(ev, &ep, &d, &fe);
    elg_eval_free(ev);
    if (drc == ELG_EOVERFLOW) {
        json_object_set_new(jc, "ok", json_false());
        json_object_set_new(jc, "error", json_string(fe.message));
        goto out;
    }
    if (drc) {
        rc = elg_error_set(err, drc, "%s", fe.message);
        goto out;
    }
    /* The key figures' view lives as long as the decision, in its arena. */
    elg_value figures;
    if (!figures_value(d->arena, &d->figures, &figures)) {
        rc = elg_error_set(err, ELG_ENOMEM, "out of memory");
        goto out;
    }
    /* Rules that do not load: one error, not a mismatch per expectation. */
    if (d->rules_count && d->rules[0].id && strcmp(d->rules[0].id, "chargement-regles") == 0) {
        char text[1400];
        snprintf(text, sizeof text, "les règles de l'appel ne se chargent pas : %s",
                 d->rules[0].message ? d->rules[0].message : "");
        json_object_set_new(jc, "ok", json_false());
        json_object_set_new(jc, "error", jtext(text));
        goto out;
    }
    json_t *summary = json_array();
    for (size_t i = 0; i < d->rules_count; i++)
        json_array_append_new(summary, rule_summary(&d->rules[i]));
    json_object_set_new(jc, "rules", summary);
    json_object_set_new(jc, "outcome", json_string(elg_outcome_name(d->outcome)));
    for (size_t k = 0; k < c->expects_count; k++)
        check_expect(t, &c->expects[k], d, &figures, mm);
    json_object_set_new(jc, "ok", json_boolean(json_array_size(mm) == 0));
out:
    elg_decision_free(d);
    elg_doc_free(cdoc);
    elg_doc_free(pdoc);
    return rc;
}

int elg_ruletest_run(elg_ruletest *t, elg_rules *rules, json_t **out, elg_error *err) {
    char rules_file[300];
    snprintf(rules_file, sizeof rules_file, "rules/%s", t->call->rules);
    json_t *cases = json_array();
    json_t *res = json_pack("{s:s,s:s,s:s,s:o}", "file", t->path, "call", t->call_id, "rules_file",
                            rules_file, "cases", cases);
    json_t *declared = NULL;
    int rc = 0;
    *out = NULL;
    if (!res)
        return elg_error_set(err, ELG_ENOMEM, "out of memory");
    if ((rc = declared_rules(rules, t->call, &declared, err)))
        goto fail;
    json_object_set_new(res, "declared", declared);
    for (size_t i = 0; i < t->cases_count; i++)
        if ((rc = run_case(t, rules, &t->cases[i], cases, err)))
            goto fail;
    json_int_t passed = 0, failed = 0;
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c) {
        if (json_is_true(json_object_get(c, "ok")))
            passed++;
        else
            failed++;
    }
    json_object_set_new(res, "passed", json_integer(passed));
    json_object_set_new(res, "failed", json_integer(failed));
    *out = res;
    return 0;
fail:
    json_decref(res);
    return rc;
}

/* ---- coverage --------------------------------------------------------------------------- */

static void count_status(json_t *rows, const char *call, json_t *rule) {
    const char *id = json_string_value(json_object_get(rule, "id"));
    const char *status = json_string_value(json_object_get(rule, "status"));
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        if (strcmp(json_string_value(json_object_get(row, "call")), call) == 0 &&
            strcmp(json_string_value(json_object_get(row, "id")), id) == 0) {
            json_object_set_new(row, status,
                                json_integer(json_integer_value(json_object_get(row, status)) + 1));
            return;
        }
    }
}

static void add_rows(json_t *rows, const char *call, json_t *declared) {
    size_t i;
    json_t *d;
    json_array_foreach(declared, i, d) {
        json_t *row = json_pack("{s:s,s:O,s:O,s:O,s:i,s:i,s:i,s:i}", "call", call, "id",
                                json_object_get(d, "id"), "title", json_object_get(d, "title"),
                                "source", json_object_get(d, "source"), "pass", 0, "fail", 0,
                                "not-applicable", 0, "error", 0);
        json_object_set(row, "kind", json_object_get(d, "kind"));
        json_array_append_new(rows, row);
    }
}

int elg_ruletest_coverage(elg_rules *rules, elg_ruletest *const *tests, size_t count, json_t *runs,
                          json_t **out, elg_error *err) {
    json_t *rows = json_array(), *calls = json_array();
    int rc = 0;
    *out = NULL;
    /* Calls with cases, from the runs. */
    size_t i;
    json_t *run;
    json_array_foreach(runs, i, run) {
        const char *call = json_string_value(json_object_get(run, "call"));
        json_t *entry = find_by(calls, "id", call);
        if (!entry) {
            entry = json_pack("{s:s,s:O,s:i}", "id", call, "rules_file",
                              json_object_get(run, "rules_file"), "cases", 0);
            json_array_append_new(calls, entry);
            add_rows(rows, call, json_object_get(run, "declared"));
        }
        size_t k;
        json_t *c;
        json_array_foreach(json_object_get(run, "cases"), k, c) {
            json_object_set_new(
                entry, "cases",
                json_integer(json_integer_value(json_object_get(entry, "cases")) + 1));
            size_t j;
            json_t *r;
            json_array_foreach(json_object_get(c, "rules"), j, r) count_status(rows, call, r);
        }
    }
    /* Calls among the documents that no test file is about. */
    for (size_t n = 0; n < count; n++) {
        const elg_ruletest *t = tests[n];
        for (size_t d = 0; d < t->docs_count; d++) {
            const elg_call *call = elg_doc_call(t->docs[d].doc);
            if (!call || find_by(calls, "id", call->id))
                continue;
            char rules_file[300];
            snprintf(rules_file, sizeof rules_file, "rules/%s", call->rules);
            json_array_append_new(calls, json_pack("{s:s,s:s,s:i}", "id", call->id, "rules_file",
                                                   rules_file, "cases", 0));
            json_t *declared = NULL;
            if ((rc = declared_rules(rules, call, &declared, err)))
                goto fail;
            add_rows(rows, call->id, declared);
            json_decref(declared);
        }
    }
    *out = json_pack("{s:o,s:o}", "rules", rows, "calls", calls);
    return 0;
fail:
    json_decref(rows);
    json_decref(calls);
    return rc;
}
