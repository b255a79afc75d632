/*
 * Tests for engine/doc: the three document kinds, their values, and the errors for bad input.
 *
 * The bad-input corpus lives in tests/data/docs/invalid/: each file starts with the error it
 * must produce, "# expect: LINE:COLUMN | FIELD | MESSAGE", so a new case is a new file. Every
 * file in tests/data/docs/valid/ must parse; the ones named below are also checked value by
 * value.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "doc.h"

#define DOCS ELIGO_TEST_DATA "/docs"

static elg_doc *load_ok(const char *path) {
    elg_error err;
    elg_doc *doc = NULL;
    elg_error_clear(&err);
    int rc = elg_doc_load_file(path, &doc, &err);
    if (rc != 0) {
        char buf[1200];
        print_error("%s\n", elg_error_format(&err, buf, sizeof buf));
    }
    assert_int_equal(rc, 0);
    assert_non_null(doc);
    return doc;
}

/* Parses text that must fail, and returns the error. */
static elg_error parse_bad(const char *text, size_t len) {
    elg_error err;
    elg_doc *doc = (elg_doc *)&err; /* must be reset to NULL */
    elg_error_clear(&err);
    int rc = elg_doc_parse("mem.yaml", text, len, &doc, &err);
    assert_int_equal(rc, ELG_EINPUT);
    assert_int_equal(err.code, ELG_EINPUT);
    assert_null(doc);
    assert_string_equal(err.file, "mem.yaml");
    return err;
}

static void assert_money_param(const elg_param *p, const char *name, elg_cents cents) {
    assert_non_null(p);
    assert_string_equal(p->name, name);
    assert_int_equal(p->type, ELG_PARAM_MONEY);
    assert_int_equal(p->money, cents);
}

/* ---- valid documents ------------------------------------------------------- */

static void test_financer(void **state) {
    (void)state;
    elg_doc *doc = load_ok(DOCS "/valid/financer-mel.yaml");
    assert_int_equal(elg_doc_kind_of(doc), ELG_DOC_FINANCER);
    assert_string_equal(elg_doc_id(doc), "MEL");
    const elg_financer *f = elg_doc_financer(doc);
    assert_non_null(f);
    assert_null(elg_doc_call(doc));
    assert_null(elg_doc_project(doc));
    assert_string_equal(f->id, "MEL");
    assert_string_equal(f->name, "Métropole Européenne de Lille");
    assert_int_equal(f->nature, ELG_NATURE_LOCAL_AUTHORITY);
    assert_true(elg_nature_is_public(f->nature));
    elg_doc_free(doc);

    doc = load_ok(DOCS "/valid/financer-self.yaml");
    assert_int_equal(elg_doc_financer(doc)->nature, ELG_NATURE_SELF);
    assert_false(elg_nature_is_public(elg_doc_financer(doc)->nature));
    elg_doc_free(doc);
}

static void test_call(void **state) {
    (void)state;
    elg_doc *doc = load_ok(DOCS "/valid/call-mel-strategie-digitale-2018.yaml");
    assert_int_equal(elg_doc_kind_of(doc), ELG_DOC_CALL);
    assert_null(elg_doc_financer(doc));
    const elg_call *call = elg_doc_call(doc);
    assert_non_null(call);
    assert_string_equal(call->id, "mel-strategie-digitale-2018");
    assert_string_equal(elg_doc_id(doc), "mel-strategie-digitale-2018");
    assert_string_equal(call->title, "Stratégie digitale — inclusion numérique");
    assert_string_equal(call->financer, "MEL");
    assert_string_equal(call->basis,
                        "Délibération du Conseil de la MEL (acte exécutoire au 01/03/2018)");
    assert_string_equal(call->basis_ref, "MEL, délibération 18 C 0001");
    assert_string_equal(call->opens, "2018-01-01");
    assert_string_equal(call->closes, "2018-12-31");
    assert_true(call->has_envelope);
    assert_int_equal(call->envelope, 11000000);
    assert_string_equal(call->rules, "calls/mel-strategie-digitale-2018.lua");

    assert_int_equal(call->params_count, 9);
    const elg_param *p = call->params;
    assert_money_param(&p[0], "max_equipment", 8082000);
    assert_string_equal(p[0].source, "délibération, 'dans une limite de 80 820 Euros'");
    assert_string_equal(p[1].name, "max_rate_feder");
    assert_int_equal(p[1].type, ELG_PARAM_RATE);
    assert_int_equal(p[1].rate.num * 100, p[1].rate.den * 65);
    assert_null(p[1].source);
    assert_string_equal(p[2].name, "communes");
    assert_int_equal(p[2].type, ELG_PARAM_LIST);
    assert_int_equal(p[2].list_count, 2);
    assert_string_equal(p[2].list[0], "Emmerin");
    assert_string_equal(p[2].list[1], "Loos");
    assert_int_equal(p[3].type, ELG_PARAM_INTEGER);
    assert_int_equal(p[3].integer, 12);
    assert_int_equal(p[4].type, ELG_PARAM_TEXT);
    assert_string_equal(p[4].text, "Inclusion numérique");
    assert_int_equal(p[5].type, ELG_PARAM_DATE);
    assert_string_equal(p[5].text, "2018-10-31");
    assert_int_equal(p[6].type, ELG_PARAM_BOOL);
    assert_false(p[6].boolean);
    assert_string_equal(p[7].name, "excluded");
    assert_int_equal(p[7].type, ELG_PARAM_LIST); /* `list: []` is a list, not a missing value */
    assert_int_equal(p[7].list_count, 0);
    assert_money_param(&p[8], "envelope_year", 10000000);

    /* Written 2019 then 2013: sorted by `from`. */
    assert_int_equal(call->editions_count, 2);
    assert_string_equal(call->editions[0].name, "2013");
    assert_string_equal(call->editions[0].from, "2013-01-01");
    assert_int_equal(call->editions[0].params_count, 2);
    assert_string_equal(call->editions[1].name, "2019");
    assert_string_equal(call->editions[1].from, "2019-01-01");
    assert_money_param(&call->editions[1].params[0], "envelope_year", 12000000);
    elg_doc_free(doc);
}

static void test_call_defaults(void **state) {
    (void)state;
    elg_doc *doc = load_ok(DOCS "/valid/call-minimal.yaml");
    const elg_call *call = elg_doc_call(doc);
    assert_non_null(call);
    assert_null(call->basis_ref);
    assert_null(call->opens);
    assert_null(call->closes);
    assert_false(call->has_envelope);
    assert_int_equal(call->envelope, 0);
    assert_int_equal(call->params_count, 0);
    assert_int_equal(call->editions_count, 0);
    assert_null(elg_call_edition_at(call, "2018-01-01"));
    assert_null(elg_call_param(call, NULL, "anything"));
    elg_doc_free(doc);
}

static void test_project(void **state) {
    (void)state;
    elg_doc *doc = load_ok(DOCS "/valid/project-centres-sociaux.yaml");
    assert_int_equal(elg_doc_kind_of(doc), ELG_DOC_PROJECT);
    const elg_project *p = elg_doc_project(doc);
    assert_non_null(p);
    assert_string_equal(p->id, "centres-sociaux-connectes-2018");
    assert_string_equal(p->title, "Centres sociaux connectés — phase 2");
    assert_string_equal(p->owner_status, "association");

    assert_int_equal(p->applicants_count, 2);
    const elg_applicant *a = &p->applicants[0];
    assert_string_equal(a->name, "AG des centres sociaux Belencontre et Phalempins");
    assert_string_equal(a->status, "association");
    assert_string_equal(a->siret, "775 624 240 00018");
    assert_string_equal(a->rna, "W595012345");
    assert_string_equal(a->commune, "Tourcoing");
    assert_true(a->has_share);
    assert_int_equal(a->share.num * 100, a->share.den * 50);
    assert_int_equal(a->approvals_count, 1);
    assert_string_equal(a->approvals[0], "esus");
    a = &p->applicants[1];
    assert_null(a->siret);
    assert_null(a->rna);
    assert_null(a->commune);
    assert_false(a->has_share);
    assert_int_equal(a->approvals_count, 0);

    assert_int_equal(p->territory_count, 2);
    assert_string_equal(p->territory[0], "Lille");
    assert_string_equal(p->territory[1], "Roubaix");
    assert_string_equal(p->start, "2018-01-01");
    assert_string_equal(p->end, "2019-12-31");
    assert_string_equal(p->submitted, "2018-01-15");
    assert_int_equal(p->themes_count, 1);
    assert_string_equal(p->themes[0], "inclusion-numerique");

    assert_int_equal(p->expenses_count, 3);
    assert_int_equal(p->expenses[0].category, ELG_CAT_STAFF);
    assert_string_equal(p->expenses[0].label, "Coordinateur (100 %)");
    assert_int_equal(p->expenses[0].amount, 12000000);
    assert_int_equal(p->expenses[1].category, ELG_CAT_EQUIPMENT);
    assert_int_equal(p->expenses[1].amount, 125050);
    assert_int_equal(p->expenses[2].category, ELG_CAT_SERVICES);
    assert_int_equal(p->expenses[2].amount, 800000);

    assert_int_equal(p->resources_count, 3);
    const elg_resource *r = p->resources;
    assert_string_equal(r[0].financer, "MEL");
    assert_int_equal(r[0].amount, 6000000);
    assert_int_equal(r[0].status, ELG_RES_REQUESTED);
    assert_int_equal(r[0].earmark, ELG_CAT_STAFF);
    assert_null(r[0].label);
    assert_int_equal(r[1].status, ELG_RES_GRANTED);
    assert_int_equal(r[1].amount, 2000000);
    assert_string_equal(r[1].label, "Prestation de service");
    assert_int_equal(r[1].earmark, 0);
    assert_string_equal(r[2].financer, "SELF");
    assert_int_equal(r[2].amount, 4925050);
    assert_int_equal(r[2].status, ELG_RES_REQUESTED); /* the default */

    assert_int_equal(p->applies_to_count, 1);
    assert_string_equal(p->applies_to[0].call, "mel-strategie-digitale-2018");
    assert_int_equal(p->applies_to[0].requested, 6000000);
    elg_doc_free(doc);
}

static void test_project_defaults(void **state) {
    (void)state;
    elg_doc *doc = load_ok(DOCS "/valid/project-minimal.yaml");
    const elg_project *p = elg_doc_project(doc);
    assert_non_null(p);
    assert_null(p->owner_status);
    assert_int_equal(p->applicants_count, 1);
    assert_int_equal(p->territory_count, 0);
    assert_null(p->submitted);
    assert_int_equal(p->themes_count, 0);
    assert_int_equal(p->expenses_count, 0);
    assert_int_equal(p->resources_count, 0);
    assert_int_equal(p->applies_to_count, 0);
    assert_string_equal(p->start, "2020-02-29");
    elg_doc_free(doc);
}

/* Declared de minimis aid and lines detailed by action. */
static void test_project_de_minimis_and_actions(void **state) {
    (void)state;
    elg_doc *doc = load_ok(DOCS "/valid/project-de-minimis-actions.yaml");
    const elg_project *p = elg_doc_project(doc);
    assert_int_equal(p->de_minimis_count, 2);
    assert_string_equal(p->de_minimis[0].date, "2022-06-30");
    assert_int_equal(p->de_minimis[0].amount, 4500000);
    assert_string_equal(p->de_minimis[0].source, "Région, règlement (UE) 1407/2013");
    assert_string_equal(p->de_minimis[1].date, "2023-01-15");
    assert_int_equal(p->de_minimis[1].amount, 125050);
    assert_null(p->de_minimis[1].source);
    assert_string_equal(p->expenses[0].action, "AT-1");
    assert_string_equal(p->expenses[1].action, "AT-1");
    assert_string_equal(p->resources[0].action, "AT-1");
    elg_doc_free(doc);
    /* Absent: no aid declared, lines without action. */
    doc = load_ok(DOCS "/valid/project-centres-sociaux.yaml");
    p = elg_doc_project(doc);
    assert_int_equal(p->de_minimis_count, 0);
    assert_null(p->de_minimis);
    assert_null(p->expenses[0].action);
    assert_null(p->resources[0].action);
    elg_doc_free(doc);
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .yaml files of a corpus directory, sorted; returns the count. */
static size_t list_corpus(const char *dir, char ***out) {
    DIR *d = opendir(dir);
    assert_non_null(d);
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 5, ".yaml") != 0)
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        assert_non_null(names);
        names[n] = malloc(strlen(dir) + len + 2);
        assert_non_null(names[n]);
        sprintf(names[n], "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, compare_names);
    *out = names;
    return n;
}

static void free_corpus(char **names, size_t n) {
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static void test_valid_corpus(void **state) {
    (void)state;
    char **names;
    size_t n = list_corpus(DOCS "/valid", &names);
    assert_true(n >= 9);
    for (size_t i = 0; i < n; i++)
        elg_doc_free(load_ok(names[i]));
    free_corpus(names, n);
}

/* ---- invalid documents ------------------------------------------------------ */

/* The first line of path, which must be "# expect: LINE:COLUMN | FIELD | MESSAGE". */
static void read_expectation(const char *path, char *buf, size_t size) {
    static const char prefix[] = "# expect: ";
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_non_null(fgets(buf, (int)size, f));
    fclose(f);
    buf[strcspn(buf, "\r\n")] = '\0';
    if (strncmp(buf, prefix, sizeof prefix - 1) != 0)
        fail_msg("%s: the first line must be \"# expect: LINE:COLUMN | FIELD | MESSAGE\"", path);
    memmove(buf, buf + sizeof prefix - 1, strlen(buf) - (sizeof prefix - 1) + 1);
}

static void test_invalid_corpus(void **state) {
    (void)state;
    char **names;
    size_t n = list_corpus(DOCS "/invalid", &names);
    assert_true(n >= 60);
    for (size_t i = 0; i < n; i++) {
        char expected[1024], got[1024];
        elg_error err;
        elg_doc *doc = NULL;
        read_expectation(names[i], expected, sizeof expected);
        elg_error_clear(&err);
        int rc = elg_doc_load_file(names[i], &doc, &err);
        snprintf(got, sizeof got, "%d:%d | %s | %s", err.line, err.column, err.field, err.message);
        if (rc != ELG_EINPUT || err.code != ELG_EINPUT || doc || strcmp(err.file, names[i]) != 0 ||
            strcmp(got, expected) != 0)
            fail_msg("%s:\n  expected %s\n  got      %s (code %d, file \"%s\")", names[i], expected,
                     got, rc, err.file);
    }
    free_corpus(names, n);
}

/* The example of STYLE.md, end to end through elg_error_format. */
static void test_error_format(void **state) {
    (void)state;
    elg_error err;
    elg_doc *doc = NULL;
    char buf[1200];
    elg_error_clear(&err);
    assert_int_equal(elg_doc_load_file(DOCS "/invalid/project-misspelt-field.yaml", &doc, &err),
                     ELG_EINPUT);
    assert_string_equal(elg_error_format(&err, buf, sizeof buf),
                        DOCS "/invalid/project-misspelt-field.yaml:14:5: expenses[1].amont: "
                             "champ inconnu « amont » : vous vouliez dire « amount » ?");
}

static void test_empty_input(void **state) {
    (void)state;
    elg_error err = parse_bad("", 0);
    assert_string_equal(err.message, "document vide");
    assert_int_equal(err.line, 0);
    err = parse_bad(NULL, 0);
    assert_string_equal(err.message, "document vide");
    err = parse_bad("---\n", 4);
    assert_string_equal(err.message, "document vide");
    err = parse_bad("\n\n   \n", 6);
    assert_string_equal(err.message, "document vide");
}

static void test_empty_file(void **state) {
    (void)state;
    char path[] = "/tmp/eligo-test-doc-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    elg_error err;
    elg_doc *doc = NULL;
    elg_error_clear(&err);
    assert_int_equal(elg_doc_load_file(path, &doc, &err), ELG_EINPUT);
    assert_string_equal(err.message, "document vide");
    assert_string_equal(err.file, path);
    unlink(path);
}

static void test_too_large(void **state) {
    (void)state;
    static const char head[] = "kind: financer\nid: MEL\nname: M\nnature: eu\n";
    size_t len = ELG_DOC_MAX_BYTES;
    char *text = malloc(len + 1);
    assert_non_null(text);
    /* At the limit: accepted (the rest is a comment). */
    memset(text, 'x', len);
    memcpy(text, head, sizeof head - 1);
    text[sizeof head - 1] = '#';
    text[len - 1] = '\n';
    elg_error err;
    elg_doc *doc = NULL;
    elg_error_clear(&err);
    assert_int_equal(elg_doc_parse("big.yaml", text, len, &doc, &err), 0);
    elg_doc_free(doc);
    /* One byte more: refused before any parsing. */
    text[len - 1] = 'x';
    text[len] = '\n';
    err = parse_bad(text, len + 1);
    assert_string_equal(err.message, "document trop volumineux (la limite est de 4 Mio)");
    assert_int_equal(err.line, 0);

    /* The same through a file, which is read only up to the limit. */
    char path[] = "/tmp/eligo-test-doc-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    for (int i = 0; i < 3; i++)
        assert_int_equal(fwrite(text, 1, len + 1, f), len + 1);
    fclose(f);
    elg_error_clear(&err);
    assert_int_equal(elg_doc_load_file(path, &doc, &err), ELG_EINPUT);
    assert_null(doc);
    assert_string_equal(err.message, "document trop volumineux (la limite est de 4 Mio)");
    unlink(path);
    free(text);
}

static void test_missing_file(void **state) {
    (void)state;
    elg_error err;
    elg_doc *doc = NULL;
    elg_error_clear(&err);
    assert_int_equal(elg_doc_load_file(DOCS "/no-such-file.yaml", &doc, &err), ELG_EIO);
    assert_null(doc);
    assert_int_equal(err.code, ELG_EIO);
    assert_string_equal(err.message, "impossible d'ouvrir : Aucun fichier ou dossier de ce type");
    assert_string_equal(err.file, DOCS "/no-such-file.yaml");
}

/* Errors carry the name given by the caller (the store passes "store:kind/id@version"). */
static void test_error_name(void **state) {
    (void)state;
    static const char text[] = "kind: financer\nid: MEL\nname: M\nnature: public\n";
    elg_error err;
    elg_doc *doc = NULL;
    elg_error_clear(&err);
    assert_int_equal(elg_doc_parse("store:financer/MEL@3", text, sizeof text - 1, &doc, &err),
                     ELG_EINPUT);
    assert_string_equal(err.file, "store:financer/MEL@3");
    assert_int_equal(err.line, 4);
    assert_int_equal(err.column, 9);
    assert_string_equal(err.field, "nature");
}

/* Parsing stops at len: bytes after it are not part of the document. */
static void test_parse_respects_len(void **state) {
    (void)state;
    static const char text[] = "kind: financer\nid: MEL\nname: M\nnature: eu\nunknown: 1\n";
    elg_error err;
    elg_doc *doc = NULL;
    elg_error_clear(&err);
    assert_int_equal(
        elg_doc_parse("mem.yaml", text, strlen(text) - strlen("unknown: 1\n"), &doc, &err), 0);
    assert_string_equal(elg_doc_id(doc), "MEL");
    elg_doc_free(doc);
}

static void test_locate(void **state) {
    (void)state;
    static const char text[] = "kind: project\n"
                               "period: { start: 2018-01-01, end: 2019-12-31 }\n"
                               "resources:\n"
                               "  - { financer: MEL, amount: 1 }\n"
                               "  - financer: CAF\n"
                               "    amount: 2\n";
    int line = -1, column = -1;
    assert_int_equal(
        elg_doc_locate("x.yaml", text, sizeof text - 1, "resources[1].financer", &line, &column),
        0);
    assert_int_equal(line, 5);
    assert_int_equal(column, 15);
    assert_int_equal(
        elg_doc_locate("x.yaml", text, sizeof text - 1, "resources[0].amount", &line, &column), 0);
    assert_int_equal(line, 4);
    assert_int_equal(column, 30);
    assert_int_equal(elg_doc_locate("x.yaml", text, sizeof text - 1, "period.end", &line, &column),
                     0);
    assert_int_equal(line, 2);
    assert_int_equal(column, 35);
    assert_int_equal(elg_doc_locate("x.yaml", text, sizeof text - 1, "", &line, &column), 0);
    assert_int_equal(line, 1);
    assert_int_equal(column, 1);
    /* Not there: no such index, no such key, a path through a scalar. */
    assert_int_equal(
        elg_doc_locate("x.yaml", text, sizeof text - 1, "resources[2].amount", &line, &column),
        ELG_ENOTFOUND);
    assert_int_equal(line, 0);
    assert_int_equal(column, 0);
    assert_int_equal(elg_doc_locate("x.yaml", text, sizeof text - 1, "expenses", &line, &column),
                     ELG_ENOTFOUND);
    assert_int_equal(elg_doc_locate("x.yaml", text, sizeof text - 1, "kind.x", &line, &column),
                     ELG_ENOTFOUND);
    /* Past a syntax error. */
    assert_int_equal(elg_doc_locate("x.yaml", "a: [1\nb: 2\n", 11, "b", &line, &column),
                     ELG_ENOTFOUND);
}

/* ---- texts and limits ------------------------------------------------------------ */

/* Every limit reached exactly is accepted, and the values read as written. */
static void test_limits_reached(void **state) {
    (void)state;
    elg_doc *doc = load_ok(DOCS "/valid/project-limits.yaml");
    const elg_project *p = elg_doc_project(doc);
    assert_int_equal(strlen(p->id), ELG_DOC_MAX_ID);
    assert_int_equal(strlen(p->title), 2 * 1990 + 10); /* 2 000 characters, 1 990 of 2 bytes */
    assert_string_equal(p->applicants[0].name, "Asso\xC2\xA0"
                                               "A"); /* "\_" is a no-break space */
    assert_string_equal(p->applicants[0].insee, "59437");
    assert_string_equal(p->applicants[1].insee, "2A004");
    assert_int_equal(p->applicants[0].share.num * 3, p->applicants[0].share.den);
    assert_int_equal(p->expenses[0].amount, ELG_DOC_MAX_AMOUNT);
    assert_int_equal(p->expenses[1].amount, ELG_DOC_MAX_AMOUNT);
    assert_int_equal(p->resources[0].amount, ELG_DOC_MAX_AMOUNT);
    assert_int_equal(p->applies_to[0].requested, ELG_DOC_MAX_AMOUNT);
    assert_string_equal(p->end, "2019-12-31");
    assert_string_equal(p->submitted, "2018-01-15");
    elg_doc_free(doc);
    doc = load_ok(DOCS "/valid/project-centres-sociaux.yaml");
    assert_null(elg_doc_project(doc)->applicants[0].insee);
    elg_doc_free(doc);

    doc = load_ok(DOCS "/valid/call-limits.yaml");
    const elg_call *call = elg_doc_call(doc);
    assert_int_equal(strlen(call->rules), ELG_DOC_MAX_PATH);
    assert_non_null(strchr(call->basis, '\t'));
    assert_non_null(strchr(call->basis, '\n'));
    assert_int_equal(call->envelope, ELG_DOC_MAX_AMOUNT);
    assert_string_equal(call->params[0].source, "« dans une limite »\n\tdélibération, article 2");
    assert_string_equal(call->params[1].text,
                        "Première ligne ;\n\tseconde ligne, après une tabulation.\n");
    elg_doc_free(doc);
}

/* A 100 000-character id is refused at once, with a short message that does not quote it. */
static void test_huge_id(void **state) {
    (void)state;
    static const char head[] = "kind: financer\nid: ", tail[] = "\nname: M\nnature: eu\n";
    size_t n = 100000, len = sizeof head - 1 + n + sizeof tail - 1;
    char *text = malloc(len);
    assert_non_null(text);
    memcpy(text, head, sizeof head - 1);
    memset(text + sizeof head - 1, 'x', n);
    memcpy(text + sizeof head - 1 + n, tail, sizeof tail - 1);
    clock_t start = clock();
    elg_error err = parse_bad(text, len);
    double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
    assert_string_equal(
        err.message,
        "trop long : 100000 caractères (au plus 128 pour un identifiant ou une référence)");
    assert_string_equal(err.field, "id");
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 5);
    /* A generous bound, for the sanitizer builds: it takes milliseconds. */
    assert_true(seconds < 2.0);
    free(text);
}

/* No message quotes a control character, whatever field or key holds it. */
static void test_no_control_character_echoed(void **state) {
    (void)state;
    static const char *const texts[] = {
        "kind: financer\nid: \"M\\eL\"\nname: M\nnature: eu\n",
        "kind: financer\nid: MEL\nname: M\nnature: \"e\\x1Bu\"\n",
        "kind: financer\nid: MEL\nname: M\nnature: eu\n\"x\\e[2J\": 1\n",
        "kind: \"fin\\e[2Jancer\"\nid: MEL\n",
        "kind: project\nid: p\ntitle: T\napplicants: [{ name: A, status: association, share: "
        "\"5\\e0 %\" }]\n"
        "period: { start: 2018-01-01, end: 2018-12-31 }\nexpenses: []\nresources: []\n"
        "applies_to: []\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        elg_error err = parse_bad(texts[i], strlen(texts[i]));
        if (strchr(err.message, '\x1B') || strchr(err.field, '\x1B'))
            fail_msg("case %zu: the message quotes ESC: %s: %s", i, err.field, err.message);
    }
    elg_error err = parse_bad(texts[2], strlen(texts[2]));
    assert_string_equal(err.message, "champ inconnu « x\\u{001B}[2J »");
    err = parse_bad(texts[3], strlen(texts[3]));
    assert_string_equal(
        err.message,
        "kind inconnu « fin\\u{001B}[2Jancer » (financer, call, project ou award attendu)");
}

/* A bad document and the error it must give. */
typedef struct located {
    const char *text;
    int line, column;
    const char *field, *message;
} located;

static void assert_located(const located *cases, size_t n) {
    for (size_t i = 0; i < n; i++) {
        elg_error err = parse_bad(cases[i].text, strlen(cases[i].text));
        if (strcmp(err.message, cases[i].message) != 0 || strcmp(err.field, cases[i].field) != 0 ||
            err.line != cases[i].line || err.column != cases[i].column)
            fail_msg("case %zu: got %d:%d | %s | %s, expected %d:%d | %s | %s", i, err.line,
                     err.column, err.field, err.message, cases[i].line, cases[i].column,
                     cases[i].field, cases[i].message);
    }
}

/* Valid documents whose bytes hold no tag indicator, backslash or NUL have their texts checked
 * on the loaded strings, without walking the YAML again (doc_check_texts). A text refused there
 * must still be refused with the same located message as by the walk, and a document whose
 * bytes could hide something from the loaded strings (a tag, an escaped NUL) must still take
 * the walk. */
static void test_text_checks_without_walk(void **state) {
    (void)state;
#define PROJECT_HEAD "kind: project\nid: p\n"
#define PROJECT_TAIL                                                                               \
    "applicants: [{ name: A, status: association, commune: Lille }]\n"                             \
    "period: { start: 2018-01-01, end: 2018-12-31 }\n"                                             \
    "expenses: []\n"                                                                               \
    "resources:\n  - { financer: MEL, amount: \"10\" }\n  - { financer: FEDER, amount: \"20\" }\n" \
    "applies_to: []\n"
    static const located cases[] = {
        /* Refused on the loaded strings, then located by the walk. */
        {PROJECT_HEAD "title: \"T\xE2\x80\xAE\"\n" PROJECT_TAIL, 3, 8, "title",
         "caractère de contrôle U+202E interdit"},
        {PROJECT_HEAD "title: \"T\tx\"\n" PROJECT_TAIL, 3, 8, "title",
         "tabulation interdite dans un texte d'une ligne"},
        {PROJECT_HEAD "title: |\n  two\n  lines\n" PROJECT_TAIL, 3, 8, "title",
         "saut de ligne interdit dans un texte d'une ligne"},
        {PROJECT_HEAD "title: T\napplicants: [{ name: A, status: association, commune: "
                      "\"Li\xEF\xBB\xBFlle\" }]\n"
                      "period: { start: 2018-01-01, end: 2018-12-31 }\nexpenses: []\n"
                      "resources: []\napplies_to: []\n",
         4, 55, "applicants[0].commune", "caractère U+FEFF interdit"},
        {PROJECT_HEAD "title: T\nterritory: [Lille, \"Li\xE2\x80\xAElle\"]\n" PROJECT_TAIL, 4, 20,
         "territory[1]", "caractère de contrôle U+202E interdit"},
        /* The walk, for what the loaded strings cannot show. */
        {PROJECT_HEAD "title: !!binary VA==\n" PROJECT_TAIL, 3, 8, "title",
         "l'étiquette YAML « !!binary » n'est pas admise sur une valeur (seulement !!str, !!int, "
         "!!float, !!bool, !!timestamp)"},
        {PROJECT_HEAD "title: \"T\\0x\"\n" PROJECT_TAIL, 3, 8, "title",
         "caractère de contrôle U+0000 interdit"},
        {PROJECT_HEAD "\"title\\0x\": T\n" PROJECT_TAIL, 3, 1, "",
         "caractère de contrôle U+0000 interdit dans un nom de champ"},
    };
    assert_located(cases, sizeof cases / sizeof cases[0]);
    /* The class of a value depends on its field: 129 characters are too long for a reference
     * to a financer, not for a label. */
    char x129[130], text[1024];
    memset(x129, 'x', 129);
    x129[129] = '\0';
    snprintf(text, sizeof text,
             PROJECT_HEAD "title: T\napplicants: [{ name: A, status: association }]\n"
                          "period: { start: 2018-01-01, end: 2018-12-31 }\nexpenses: []\n"
                          "resources:\n  - { financer: MEL, amount: \"1\", label: %s }\n"
                          "  - { financer: %s, amount: \"1\" }\napplies_to: []\n",
             x129, x129);
    elg_error err = parse_bad(text, strlen(text));
    assert_string_equal(
        err.message,
        "trop long : 129 caractères (au plus 128 pour un identifiant ou une référence)");
    assert_string_equal(err.field, "resources[1].financer");
    assert_int_equal(err.line, 9);
    assert_int_equal(err.column, 17);
    /* Valid texts pass either way, and an escape means what it says. */
    static const char plain[] = PROJECT_HEAD "title: \"Caf\xC3\xA9 !\"\n" PROJECT_TAIL;
    static const char escaped[] = PROJECT_HEAD "title: \"Caf\\u00E9\"\n" PROJECT_TAIL;
    elg_doc *doc = NULL;
    elg_error_clear(&err);
    assert_int_equal(elg_doc_parse("mem.yaml", plain, strlen(plain), &doc, &err), 0);
    assert_string_equal(elg_doc_project(doc)->title, "Caf\xC3\xA9 !");
    elg_doc_free(doc);
    assert_int_equal(elg_doc_parse("mem.yaml", escaped, strlen(escaped), &doc, &err), 0);
    assert_string_equal(elg_doc_project(doc)->title, "Caf\xC3\xA9");
    elg_doc_free(doc);
#undef PROJECT_HEAD
#undef PROJECT_TAIL
}

/* A document whose first line names its kind is loaded without the scan for `kind:`; when
 * the rest does not hold what that line seems to say, the errors are those of the scan. */
static void test_kind_on_first_line(void **state) {
    (void)state;
    static const located cases[] = {
        {"kind: project\n  more\nid: x\n", 1, 7, "kind",
         "kind inconnu « project more » (financer, call, project ou award attendu)"},
        {"kind: project\nkind: financer\nid: x\nname: y\nnature: eu\n", 2, 1, "kind",
         "champ « kind » en double"},
        {"kind: project\nid: x\nname: y\nnature: eu\n", 3, 1, "name", "champ inconnu « name »"},
        {"kind: projects\nid: x\n", 1, 7, "kind",
         "kind inconnu « projects » (financer, call, project ou award attendu)"},
        {"kind: financer\nid: x\nname: y\nnature: eu\n---\nkind: financer\n", 5, 1, "",
         "un fichier contient un seul document : retirez le second"},
    };
    assert_located(cases, sizeof cases / sizeof cases[0]);
    static const char financer[] = "kind: financer\nid: x\nname: y\nnature: eu\n";
    elg_doc *doc = NULL;
    elg_error err;
    elg_error_clear(&err);
    assert_int_equal(elg_doc_parse("mem.yaml", financer, strlen(financer), &doc, &err), 0);
    assert_int_equal(elg_doc_kind_of(doc), ELG_DOC_FINANCER);
    assert_string_equal(elg_doc_id(doc), "x");
    elg_doc_free(doc);
}

/* The applicants' shares: each and all together at most 100 %, exactly. */
static void test_share_sum(void **state) {
    (void)state;
    static const char head[] = "kind: project\nid: p\ntitle: T\napplicants:\n";
    static const char tail[] = "period: { start: 2018-01-01, end: 2018-12-31 }\n"
                               "expenses: []\nresources: []\napplies_to: []\n";
    static const struct {
        const char *applicants;
        const char *message; /* NULL: accepted */
    } cases[] = {
        {"  - { name: A, status: association, share: \"50 %\" }\n"
         "  - { name: B, status: association, share: \"5000 bp\" }\n",
         NULL},
        {"  - { name: A, status: association, share: \"50 %\" }\n"
         "  - { name: B, status: association, share: \"5001 bp\" }\n",
         "la part « 5001 bp » porte les parts des porteurs à 100,01 %, au-delà de 100 %"},
        /* Two thirds and a third: exactly 100 %, whichever denominators. */
        {"  - { name: A, status: association, share: \"2/3\" }\n"
         "  - { name: B, status: association }\n"
         "  - { name: C, status: association, share: \"1/3\" }\n",
         NULL},
        /* The error stands at the share that crosses 100 %, not at a later one. */
        {"  - { name: A, status: association, share: \"100 %\" }\n"
         "  - { name: B, status: association, share: \"0,01 %\" }\n"
         "  - { name: C, status: association, share: \"70 %\" }\n",
         "la part « 0,01 % » porte les parts des porteurs à 100,01 %, au-delà de 100 %"},
        /* Denominators whose sum no spreadsheet writes are refused, not wrapped. */
        {"  - { name: A, status: association, share: \"1/4611686018427387903\" }\n"
         "  - { name: B, status: association, share: \"1/4611686018427387902\" }\n",
         "part « 1/4611686018427387902 » : les dénominateurs des parts sont trop grands pour les "
         "additionner exactement"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[1024];
        elg_error err;
        elg_doc *doc = NULL;
        snprintf(text, sizeof text, "%s%s%s", head, cases[i].applicants, tail);
        elg_error_clear(&err);
        int rc = elg_doc_parse("mem.yaml", text, strlen(text), &doc, &err);
        if (!cases[i].message) {
            if (rc != 0)
                fail_msg("case %zu: refused: %s: %s", i, err.field, err.message);
            elg_doc_free(doc);
            continue;
        }
        if (rc != ELG_EINPUT || strcmp(err.message, cases[i].message) != 0)
            fail_msg("case %zu:\n  expected %s\n  got      %s", i, cases[i].message, err.message);
    }
}

/* ---- editions and parameters --------------------------------------------------- */

static void test_edition_at(void **state) {
    (void)state;
    elg_doc *doc = load_ok(DOCS "/valid/call-mel-strategie-digitale-2018.yaml");
    const elg_call *call = elg_doc_call(doc);
    assert_null(elg_call_edition_at(call, "2012-12-31"));           /* before the first edition */
    const elg_edition *e = elg_call_edition_at(call, "2013-01-01"); /* its exact date */
    assert_non_null(e);
    assert_string_equal(e->name, "2013");
    e = elg_call_edition_at(call, "2018-06-30"); /* between editions */
    assert_non_null(e);
    assert_string_equal(e->name, "2013");
    e = elg_call_edition_at(call, "2018-12-31");
    assert_string_equal(e->name, "2013");
    e = elg_call_edition_at(call, "2019-01-01");
    assert_non_null(e);
    assert_string_equal(e->name, "2019");
    e = elg_call_edition_at(call, "2030-01-01"); /* after the last */
    assert_string_equal(e->name, "2019");
    assert_null(elg_call_edition_at(NULL, "2018-01-01"));
    assert_null(elg_call_edition_at(call, NULL));
    elg_doc_free(doc);
}

static void test_param_precedence(void **state) {
    (void)state;
    elg_doc *doc = load_ok(DOCS "/valid/call-mel-strategie-digitale-2018.yaml");
    const elg_call *call = elg_doc_call(doc);
    const elg_edition *e2013 = elg_call_edition_at(call, "2018-03-01");
    const elg_edition *e2019 = elg_call_edition_at(call, "2019-03-01");

    /* Base values when no edition applies. */
    assert_money_param(elg_call_param(call, NULL, "envelope_year"), "envelope_year", 10000000);
    assert_int_equal(elg_call_param(call, NULL, "communes")->list_count, 2);
    /* An edition's value wins over the base value... */
    assert_money_param(elg_call_param(call, e2013, "envelope_year"), "envelope_year", 11000000);
    assert_int_equal(elg_call_param(call, e2013, "communes")->list_count, 3);
    assert_money_param(elg_call_param(call, e2019, "envelope_year"), "envelope_year", 12000000);
    /* ...only for the parameters it sets, */
    assert_int_equal(elg_call_param(call, e2019, "communes")->list_count, 2);
    assert_money_param(elg_call_param(call, e2013, "max_equipment"), "max_equipment", 8082000);
    /* and an unknown name is undefined. */
    assert_null(elg_call_param(call, e2013, "max_staff"));
    assert_null(elg_call_param(call, NULL, "max_staff"));
    assert_null(elg_call_param(NULL, NULL, "communes"));
    elg_doc_free(doc);
}

/* ---- small functions ---------------------------------------------------------- */

static void test_date_valid(void **state) {
    (void)state;
    assert_true(elg_doc_date_valid("2018-01-01"));
    assert_true(elg_doc_date_valid("2018-12-31"));
    assert_true(elg_doc_date_valid("2020-02-29"));  /* leap year */
    assert_true(elg_doc_date_valid("2000-02-29"));  /* divisible by 400 */
    assert_false(elg_doc_date_valid("1900-02-29")); /* divisible by 100 only */
    assert_false(elg_doc_date_valid("2019-02-29"));
    assert_false(elg_doc_date_valid("2018-02-30"));
    assert_false(elg_doc_date_valid("2018-04-31"));
    assert_false(elg_doc_date_valid("2018-13-01"));
    assert_false(elg_doc_date_valid("2018-00-10"));
    assert_false(elg_doc_date_valid("2018-01-00"));
    assert_false(elg_doc_date_valid("0000-01-01"));
    assert_false(elg_doc_date_valid("2018-1-01"));
    assert_false(elg_doc_date_valid("2018/01/01"));
    assert_false(elg_doc_date_valid("2018-01-01T00:00:00"));
    assert_false(elg_doc_date_valid("01/01/2018"));
    assert_false(elg_doc_date_valid(""));
    assert_false(elg_doc_date_valid(NULL));
}

static void test_names(void **state) {
    (void)state;
    assert_string_equal(elg_doc_kind_name(ELG_DOC_FINANCER), "financer");
    assert_string_equal(elg_doc_kind_name(ELG_DOC_CALL), "call");
    assert_string_equal(elg_doc_kind_name(ELG_DOC_PROJECT), "project");
    assert_string_equal(elg_nature_name(ELG_NATURE_LOCAL_AUTHORITY), "local-authority");
    assert_string_equal(elg_nature_name(ELG_NATURE_SOCIAL_SECURITY), "social-security");
    assert_null(elg_nature_name((elg_nature)0));
    assert_true(elg_nature_is_public(ELG_NATURE_EU));
    assert_true(elg_nature_is_public(ELG_NATURE_STATE));
    assert_true(elg_nature_is_public(ELG_NATURE_SOCIAL_SECURITY));
    assert_false(elg_nature_is_public(ELG_NATURE_PRIVATE));
    assert_string_equal(elg_param_type_name(ELG_PARAM_MONEY), "money");
    assert_string_equal(elg_param_type_name(ELG_PARAM_BOOL), "bool");
    for (int c = ELG_CAT_STAFF; c <= ELG_CAT_OTHER; c++)
        assert_int_equal(elg_category_from_name(elg_category_name((elg_category)c)), c);
    assert_string_equal(elg_category_name(ELG_CAT_INDIRECT), "indirect");
    assert_int_equal(elg_category_from_name("materiel"), 0);
    assert_int_equal(elg_category_from_name(NULL), 0);
    assert_null(elg_category_name((elg_category)7));
}

static void test_free_and_accessors_null(void **state) {
    (void)state;
    elg_doc_free(NULL);
    assert_int_equal(elg_doc_kind_of(NULL), 0);
    assert_null(elg_doc_id(NULL));
    assert_null(elg_doc_financer(NULL));
    assert_null(elg_doc_call(NULL));
    assert_null(elg_doc_project(NULL));
}

/* The first error wins: a parse does not overwrite an error the caller already holds. */
static void test_first_error_kept(void **state) {
    (void)state;
    elg_error err;
    elg_doc *doc = NULL;
    elg_error_clear(&err);
    elg_error_set(&err, ELG_ESTORE, "earlier failure");
    assert_int_equal(elg_doc_parse("mem.yaml", "kind: grant\n", 12, &doc, &err), ELG_EINPUT);
    assert_int_equal(err.code, ELG_ESTORE);
    assert_string_equal(err.message, "earlier failure");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_financer),
        cmocka_unit_test(test_call),
        cmocka_unit_test(test_call_defaults),
        cmocka_unit_test(test_project),
        cmocka_unit_test(test_project_defaults),
        cmocka_unit_test(test_project_de_minimis_and_actions),
        cmocka_unit_test(test_valid_corpus),
        cmocka_unit_test(test_invalid_corpus),
        cmocka_unit_test(test_error_format),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_error_name),
        cmocka_unit_test(test_parse_respects_len),
        cmocka_unit_test(test_locate),
        cmocka_unit_test(test_limits_reached),
        cmocka_unit_test(test_huge_id),
        cmocka_unit_test(test_no_control_character_echoed),
        cmocka_unit_test(test_text_checks_without_walk),
        cmocka_unit_test(test_kind_on_first_line),
        cmocka_unit_test(test_share_sum),
        cmocka_unit_test(test_edition_at),
        cmocka_unit_test(test_param_precedence),
        cmocka_unit_test(test_date_valid),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_free_and_accessors_null),
        cmocka_unit_test(test_first_error_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
