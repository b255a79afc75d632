/*
 * Tests for engine/award and award documents: the values read, SIRET and RNA checks, the
 * beneficiaries' shares (always summing to 10 000 ten-thousandths), and awards in the store
 * (versions, filters, the decision they follow). The bad-input corpus of award documents is
 * tests/data/docs/invalid/award-*.yaml, run by test_doc and test_bad_input.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "award.h"
#include "doc.h"
#include "import.h"
#include "store.h"

#define AWARDS ELIGO_TEST_DATA "/scdl/awards"

static elg_doc *load(const char *path) {
    elg_error err;
    elg_doc *doc = NULL;
    elg_error_clear(&err);
    int rc = elg_doc_load_file(path, &doc, &err);
    if (rc) {
        char buf[1200];
        print_error("%s\n", elg_error_format(&err, buf, sizeof buf));
    }
    assert_int_equal(rc, 0);
    return doc;
}

static void test_siret(void **state) {
    (void)state;
    assert_true(elg_siret_valid("21060004500392"));  /* Antibes, SCDL's example */
    assert_true(elg_siret_valid("52499120500013"));  /* its first beneficiary */
    assert_false(elg_siret_valid("21060004500393")); /* one digit off */
    assert_false(elg_siret_valid("2106000450039"));  /* 13 digits */
    assert_false(elg_siret_valid("210600045003920"));
    assert_false(elg_siret_valid("2106000450039A"));
    assert_false(elg_siret_valid("21860194600000")); /* Poitiers' float-mangled SIRET */
    assert_false(elg_siret_valid(""));
    assert_false(elg_siret_valid(NULL));
    /* La Poste: digit sum a multiple of 5 although Luhn fails. */
    assert_true(elg_siret_valid("35600000000010"));
    assert_false(elg_siret_valid("35600000000011"));
    assert_true(elg_rna_valid("W333216789"));
    assert_false(elg_rna_valid("W33321678"));
    assert_false(elg_rna_valid("w333216789"));
    assert_false(elg_rna_valid("W33321678X"));
}

static void test_award_values(void **state) {
    (void)state;
    elg_doc *doc = load(AWARDS "/mel-centres-sociaux-2018.yaml");
    const elg_award *a = elg_doc_award(doc);
    assert_non_null(a);
    assert_int_equal(elg_doc_kind_of(doc), ELG_DOC_AWARD);
    assert_string_equal(elg_doc_kind_name(ELG_DOC_AWARD), "award");
    assert_string_equal(elg_doc_id(doc), "mel-centres-sociaux-2018");
    assert_string_equal(a->project, "centres-sociaux-connectes-2018");
    assert_string_equal(a->call, "mel-strategie-digitale-2018");
    assert_int_equal(a->decision, 0);
    assert_string_equal(a->funder_siret, "99990000000012");
    assert_true(a->has_requested && a->has_proposed);
    assert_int_equal(a->requested, 6000000);
    assert_int_equal(a->voted, 6000000);
    assert_string_equal(a->convention_date, "2018-03-15");
    assert_int_equal(a->nature, ELG_AWARD_CASH);
    assert_string_equal(a->payment_conditions, "échelonné");
    assert_string_equal(a->payment_from, "2018-04-01");
    assert_string_equal(a->payment_to, "2019-12-31");
    assert_false(a->eu_notification);
    assert_null(a->rae);
    assert_int_equal(a->beneficiaries_count, 2);
    assert_string_equal(a->beneficiaries[0].siret, "99990000100010");
    assert_null(a->beneficiaries[0].rna);
    assert_string_equal(a->beneficiaries[1].rna, "W595000001");
    assert_int_equal(a->beneficiaries[1].amount, 3000000);
    int64_t units[2];
    elg_error err;
    elg_error_clear(&err);
    assert_int_equal(elg_award_shares(a, units, &err), 0);
    assert_int_equal(units[0], 5000);
    assert_int_equal(units[1], 5000);
    elg_doc_free(doc);

    doc = load(AWARDS "/feder-centres-sociaux-2018.yaml");
    a = elg_doc_award(doc);
    assert_int_equal(a->nature, ELG_AWARD_CASH | ELG_AWARD_IN_KIND);
    assert_true(a->eu_notification);
    assert_false(a->has_proposed);
    assert_null(a->payment_to);
    assert_string_equal(a->rae, "12345");
    int64_t three[3];
    assert_int_equal(elg_award_shares(a, three, &err), 0);
    /* 1/3 each: 3333 and a remainder of 1 unit, to the earliest. */
    assert_int_equal(three[0], 3334);
    assert_int_equal(three[1], 3333);
    assert_int_equal(three[2], 3333);
    elg_doc_free(doc);
}

/* Shares follow the amounts, exactly; a share that would print below 0.01 is refused. */
static void test_shares(void **state) {
    (void)state;
    elg_award_beneficiary b[101];
    elg_award a = {.voted = 100000, .beneficiaries = b, .beneficiaries_count = 3};
    int64_t units[101];
    elg_error err;
    memset(b, 0, sizeof b);
    for (int i = 0; i < 101; i++)
        b[i].name = "B";
    b[0] = (elg_award_beneficiary){"A", "x", NULL, true, 66667};
    b[1] = (elg_award_beneficiary){"B", "x", NULL, true, 16667};
    b[2] = (elg_award_beneficiary){"C", "x", NULL, true, 16666};
    elg_error_clear(&err);
    assert_int_equal(elg_award_shares(&a, units, &err), 0);
    assert_int_equal(units[0] + units[1] + units[2], ELG_AWARD_SHARE_UNITS);
    assert_int_equal(units[0], 6667);
    assert_int_equal(units[1], 1667);
    assert_int_equal(units[2], 1666);

    /* 101 equal shares are 99 units (0.0099) each, with one unit left over. */
    for (int i = 0; i < 101; i++)
        b[i].has_amount = false;
    a.beneficiaries_count = 101;
    elg_error_clear(&err);
    assert_int_equal(elg_award_shares(&a, units, &err), ELG_EINPUT);
    assert_string_equal(err.field, "beneficiaries[1]");
    assert_non_null(strstr(err.message, "99/10000, sous le minimum de 0,01 du SCDL"));
    a.beneficiaries_count = 100;
    elg_error_clear(&err);
    assert_int_equal(elg_award_shares(&a, units, &err), 0);
    assert_int_equal(units[99], 100);
}

/* ---- the store ------------------------------------------------------------------- */

typedef struct fixture {
    char dir[64];
    char db[96];
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/eligo-test-award-XXXXXX");
    if (!f || !mkdtemp(f->dir))
        return -1;
    snprintf(f->db, sizeof f->db, "%s/eligo.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    static const char *const suffix[] = {"", "-wal", "-shm"};
    char path[128];
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s%s", f->db, suffix[i]);
        unlink(path);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static int count_item(void *ctx, const elg_import_item *it) {
    (void)it;
    (*(int *)ctx)++;
    return 0;
}

typedef struct seen {
    int count;
    char ids[4][64];
    int versions[4];
} seen;

static int note_award(void *ctx, const elg_stored_doc *d) {
    seen *s = ctx;
    assert_string_equal(d->kind, "award");
    if (s->count < 4) {
        snprintf(s->ids[s->count], sizeof s->ids[0], "%s", d->id);
        s->versions[s->count] = d->version;
    }
    s->count++;
    return 0;
}

static void test_store_awards(void **state) {
    fixture *f = *state;
    elg_store *store = NULL;
    elg_error err;
    elg_error_clear(&err);
    assert_int_equal(elg_store_open(f->db, &store, &err), 0);
    const char *paths[] = {ELIGO_SOURCE_DIR "/seeds", AWARDS};
    int items = 0;
    assert_int_equal(elg_import_each(store, paths, 2, count_item, &items, &err), 0);
    assert_true(items > 2);

    seen s = {0};
    assert_int_equal(elg_store_each_award(store, NULL, note_award, &s, &err), 0);
    assert_int_equal(s.count, 2);
    assert_string_equal(s.ids[0], "feder-centres-sociaux-2018");
    assert_string_equal(s.ids[1], "mel-centres-sociaux-2018");

    /* By call, by funder, by period (prefixes, inclusive). */
    elg_award_filter by_call = {.call = "mel-strategie-digitale-2018"};
    memset(&s, 0, sizeof s);
    assert_int_equal(elg_store_each_award(store, &by_call, note_award, &s, &err), 0);
    assert_int_equal(s.count, 1);
    assert_string_equal(s.ids[0], "mel-centres-sociaux-2018");
    elg_award_filter period = {.since = "2018-06", .until = "2018-09"};
    memset(&s, 0, sizeof s);
    assert_int_equal(elg_store_each_award(store, &period, note_award, &s, &err), 0);
    assert_int_equal(s.count, 1);
    assert_string_equal(s.ids[0], "feder-centres-sociaux-2018");
    elg_award_filter until = {.until = "2018-03-15"};
    memset(&s, 0, sizeof s);
    assert_int_equal(elg_store_each_award(store, &until, note_award, &s, &err), 0);
    assert_int_equal(s.count, 1);
    elg_award_filter funder = {.funder_siret = "21060004500392"};
    memset(&s, 0, sizeof s);
    assert_int_equal(elg_store_each_award(store, &funder, note_award, &s, &err), 0);
    assert_int_equal(s.count, 0);

    /* Same bytes: unchanged; changed bytes: version 2, the one listed. */
    elg_doc *doc = load(AWARDS "/mel-centres-sociaux-2018.yaml");
    char *body = NULL;
    size_t len = 0;
    FILE *in = fopen(AWARDS "/mel-centres-sociaux-2018.yaml", "rb");
    assert_non_null(in);
    body = calloc(1, 8192);
    len = fread(body, 1, 8191, in);
    fclose(in);
    int version = 0, created = -1;
    assert_int_equal(elg_store_put_award(store, elg_doc_award(doc), body, len, "x.yaml", &version,
                                         &created, &err),
                     0);
    assert_int_equal(version, 1);
    assert_int_equal(created, 0);
    body[len] = '\n';
    assert_int_equal(elg_store_put_award(store, elg_doc_award(doc), body, len + 1, "x.yaml",
                                         &version, &created, &err),
                     0);
    assert_int_equal(version, 2);
    assert_int_equal(created, 1);
    memset(&s, 0, sizeof s);
    assert_int_equal(elg_store_each_award(store, &by_call, note_award, &s, &err), 0);
    assert_int_equal(s.count, 1);
    assert_int_equal(s.versions[0], 2);

    /* The decision an award names must exist. */
    elg_award named = *elg_doc_award(doc);
    named.decision = 42;
    assert_int_equal(
        elg_store_put_award(store, &named, body, len, "x.yaml", &version, &created, &err),
        ELG_EINPUT);
    assert_string_equal(err.message, "décision n° 42 inconnue");
    assert_string_equal(err.field, "decision");
    free(body);
    elg_doc_free(doc);
    elg_store_close(store);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_siret),
        cmocka_unit_test(test_award_values),
        cmocka_unit_test(test_shares),
        cmocka_unit_test_setup_teardown(test_store_awards, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
