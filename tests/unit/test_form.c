/*
 * Unit tests for engine/form: the compact form of projects.
 *
 * Every project of seeds/projects and tests/data/docs/valid goes through
 * encode and decode and must come back field for field; a form decoded and
 * encoded again must give the same bytes. Hand-made projects pin NULL fields
 * and empty arrays. Every truncation and a sweep of byte corruptions of a real
 * form must be refused (or, for a byte inside a text, decode to something),
 * never read out of bounds: the ASan build of the suite checks that part.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "files.h"
#include "form.h"

/* ---- comparing projects ---------------------------------------------------- */

static void assert_text(const char *a, const char *b) {
    if (!a || !b)
        assert_ptr_equal(a, b); /* both NULL */
    else
        assert_string_equal(a, b);
}

static void assert_texts(char *const *a, size_t na, char *const *b, size_t nb) {
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++)
        assert_text(a[i], b[i]);
}

static void assert_applicant(const elg_applicant *a, const elg_applicant *b) {
    assert_text(a->name, b->name);
    assert_text(a->status, b->status);
    assert_text(a->siret, b->siret);
    assert_text(a->rna, b->rna);
    assert_text(a->commune, b->commune);
    assert_text(a->insee, b->insee);
    assert_int_equal(a->has_share, b->has_share);
    assert_int_equal(a->share.num, b->share.num);
    assert_int_equal(a->share.den, b->share.den);
    assert_texts(a->approvals, a->approvals_count, b->approvals, b->approvals_count);
}

static void assert_projects_equal(const elg_project *a, const elg_project *b) {
    assert_text(a->id, b->id);
    assert_text(a->title, b->title);
    assert_text(a->owner_status, b->owner_status);
    assert_int_equal(a->applicants_count, b->applicants_count);
    for (size_t i = 0; i < a->applicants_count; i++)
        assert_applicant(&a->applicants[i], &b->applicants[i]);
    assert_texts(a->territory, a->territory_count, b->territory, b->territory_count);
    assert_text(a->start, b->start);
    assert_text(a->end, b->end);
    assert_text(a->submitted, b->submitted);
    assert_texts(a->themes, a->themes_count, b->themes, b->themes_count);
    assert_int_equal(a->expenses_count, b->expenses_count);
    for (size_t i = 0; i < a->expenses_count; i++) {
        assert_int_equal(a->expenses[i].category, b->expenses[i].category);
        assert_text(a->expenses[i].label, b->expenses[i].label);
        assert_int_equal(a->expenses[i].amount, b->expenses[i].amount);
        assert_text(a->expenses[i].action, b->expenses[i].action);
    }
    assert_int_equal(a->resources_count, b->resources_count);
    for (size_t i = 0; i < a->resources_count; i++) {
        assert_text(a->resources[i].financer, b->resources[i].financer);
        assert_text(a->resources[i].label, b->resources[i].label);
        assert_int_equal(a->resources[i].amount, b->resources[i].amount);
        assert_int_equal(a->resources[i].status, b->resources[i].status);
        assert_int_equal(a->resources[i].earmark, b->resources[i].earmark);
        assert_text(a->resources[i].action, b->resources[i].action);
        assert_text(a->resources[i].grant_reference, b->resources[i].grant_reference);
        assert_text(a->resources[i].grant_date, b->resources[i].grant_date);
    }
    assert_int_equal(a->applies_to_count, b->applies_to_count);
    for (size_t i = 0; i < a->applies_to_count; i++) {
        assert_text(a->applies_to[i].call, b->applies_to[i].call);
        assert_int_equal(a->applies_to[i].requested, b->applies_to[i].requested);
    }
    assert_int_equal(a->de_minimis_count, b->de_minimis_count);
    for (size_t i = 0; i < a->de_minimis_count; i++) {
        assert_text(a->de_minimis[i].date, b->de_minimis[i].date);
        assert_int_equal(a->de_minimis[i].amount, b->de_minimis[i].amount);
        assert_text(a->de_minimis[i].source, b->de_minimis[i].source);
    }
}

/* ---- helpers --------------------------------------------------------------- */

static void encode(const elg_project *p, char **buf, size_t *len) {
    elg_error err;
    elg_error_clear(&err);
    if (elg_form_encode_project(p, buf, len, &err) != 0)
        fail_msg("elg_form_encode_project: %s", err.message);
}

static elg_form_project *decode(const void *buf, size_t len) {
    elg_form_project *f = NULL;
    elg_error err;
    elg_error_clear(&err);
    if (elg_form_decode_project(buf, len, &f, &err) != 0)
        fail_msg("elg_form_decode_project: %s", err.message);
    assert_non_null(f);
    return f;
}

/* Decoding must fail with ELG_ESTORE; returns the message. */
static const char *refused(const void *buf, size_t len, elg_error *err) {
    elg_form_project *f = (elg_form_project *)err; /* must be reset to NULL */
    elg_error_clear(err);
    assert_int_equal(elg_form_decode_project(buf, len, &f, err), ELG_ESTORE);
    assert_int_equal(err->code, ELG_ESTORE);
    assert_null(f);
    return err->message;
}

/* Encodes, decodes into a copy that owns nothing of the input, compares, and
 * checks that the decoded project encodes to the same bytes. */
static void round_trip(const elg_project *p) {
    char *buf = NULL, *copy, *again = NULL;
    size_t len = 0, again_len = 0;
    elg_form_project *f;

    encode(p, &buf, &len);
    assert_true(len > 0);
    assert_int_equal((unsigned char)buf[1], ELG_FORM_FORMAT);
    copy = malloc(len);
    assert_non_null(copy);
    memcpy(copy, buf, len);
    f = decode(copy, len);
    /* The result must not point into the buffer it came from. */
    memset(copy, 0xa5, len);
    free(copy);
    assert_projects_equal(elg_form_project_get(f), p);

    encode(elg_form_project_get(f), &again, &again_len);
    assert_int_equal(again_len, len);
    assert_memory_equal(again, buf, len);
    free(again);
    free(buf);
    elg_form_project_free(f);
}

/* Round-trips every project document below dir; returns how many, and in
 * *named how many files are named like one ("project-*.yaml" below
 * tests/data, every file of seeds/projects). */
static int round_trip_dir(const char *dir, const char *prefix, int *named) {
    static const char *const yaml[] = {".yaml", ".yml", NULL};
    char **paths = NULL;
    size_t n = 0;
    int projects = 0;
    elg_error err;

    *named = 0;
    elg_error_clear(&err);
    if (elg_files_list(dir, yaml, &paths, &n, &err) != 0)
        fail_msg("listing %s: %s", dir, err.message);
    for (size_t i = 0; i < n; i++) {
        const char *base = strrchr(paths[i], '/');
        elg_doc *doc = NULL;
        if (strncmp(base ? base + 1 : paths[i], prefix, strlen(prefix)) == 0)
            (*named)++;
        if (elg_doc_load_file(paths[i], &doc, &err) != 0)
            fail_msg("%s: %s", paths[i], err.message);
        if (elg_doc_project(doc)) {
            round_trip(elg_doc_project(doc));
            projects++;
        }
        elg_doc_free(doc);
    }
    elg_files_list_free(paths, n);
    return projects;
}

/* A seed project's form, for the corruption tests. */
static elg_doc *seed_doc(void) {
    elg_doc *doc = NULL;
    elg_error err;
    elg_error_clear(&err);
    if (elg_doc_load_file(ELIGO_SOURCE_DIR "/seeds/projects/centres-sociaux-connectes-2018.yaml",
                          &doc, &err) != 0)
        fail_msg("%s", err.message);
    return doc;
}

/* ---- round trips ----------------------------------------------------------- */

static void test_seed_projects(void **state) {
    int named;
    (void)state;
    int projects = round_trip_dir(ELIGO_SOURCE_DIR "/seeds/projects", "", &named);
    assert_int_equal(projects, named);
    assert_true(named >= 9);
}

/* Every project among the valid documents, whatever their number. */
static void test_valid_documents(void **state) {
    int named;
    (void)state;
    int projects = round_trip_dir(ELIGO_TEST_DATA "/docs/valid", "project-", &named);
    assert_int_equal(projects, named);
    assert_true(named >= 3);
}

static void test_null_and_empty(void **state) {
    char *approvals[] = {"esus", ""};
    elg_applicant applicants[] = {
        {.name = "Asso", .status = "association"},
        {.name = "Scic",
         .status = "scic",
         .siret = "12345678900011",
         .rna = "W595000000",
         .commune = "Lille",
         .insee = "59350",
         .has_share = true,
         .share = {1, 3},
         .approvals = approvals,
         .approvals_count = 2},
    };
    elg_expense expenses[] = {{.category = ELG_CAT_OTHER, .label = "", .amount = 0}};
    elg_resource resources[] = {
        {.financer = "MEL",
         .amount = INT64_MAX,
         .status = ELG_RES_GRANTED,
         .grant_reference = "",
         .grant_date = "2016-12-05"},
        {.financer = "self",
         .label = "fonds propres",
         .amount = 1,
         .status = ELG_RES_REQUESTED,
         .earmark = ELG_CAT_STAFF,
         .action = "A1"},
    };
    elg_declared_aid aid[] = {{.date = "2023-01-31", .amount = -5}};
    elg_project p = {
        .id = "p0",
        .title = "Vide",
        .applicants = applicants,
        .applicants_count = 2,
        .start = "2024-01-01",
        .end = "2024-12-31",
        .expenses = expenses,
        .expenses_count = 1,
        .resources = resources,
        .resources_count = 2,
        .de_minimis = aid,
        .de_minimis_count = 1,
    };
    char *buf = NULL;
    size_t len = 0;
    elg_form_project *f;
    const elg_project *q;
    (void)state;

    round_trip(&p);

    encode(&p, &buf, &len);
    f = decode(buf, len);
    q = elg_form_project_get(f);
    assert_null(q->owner_status);
    assert_null(q->submitted);
    assert_null(q->applicants[0].siret);
    assert_null(q->applicants[0].rna);
    assert_null(q->applicants[0].commune);
    assert_null(q->applicants[0].insee);
    assert_string_equal(q->applicants[1].insee, "59350");
    assert_false(q->applicants[0].has_share);
    assert_int_equal(q->applicants[0].approvals_count, 0);
    assert_null(q->applicants[0].approvals);
    assert_string_equal(q->applicants[1].approvals[1], "");
    assert_int_equal(q->territory_count, 0);
    assert_null(q->territory);
    assert_null(q->themes);
    assert_null(q->applies_to);
    assert_null(q->expenses[0].action);
    assert_null(q->resources[0].label);
    assert_int_equal(q->resources[0].earmark, 0);
    assert_int_equal(q->resources[0].amount, INT64_MAX);
    assert_null(q->de_minimis[0].source);
    assert_int_equal(q->de_minimis[0].amount, -5);
    elg_form_project_free(f);
    free(buf);
    elg_form_project_free(NULL);
    assert_null(elg_form_project_get(NULL));
}

static void test_missing_required_field(void **state) {
    /* An applicant's status may be absent (an incomplete application); its
     * name may not. */
    elg_applicant a = {.name = NULL, .status = "association"};
    elg_project p = {.id = "p1",
                     .title = "T",
                     .applicants = &a,
                     .applicants_count = 1,
                     .start = "2024-01-01",
                     .end = "2024-01-02"};
    char *buf = (char *)&p;
    size_t len = 7;
    elg_error err;
    (void)state;

    elg_error_clear(&err);
    assert_int_equal(elg_form_encode_project(&p, &buf, &len, &err), ELG_EUSAGE);
    assert_string_equal(err.message, "encodage du projet « p1 » : son name est absent");
    /* Outputs untouched on failure. */
    assert_ptr_equal(buf, (char *)&p);
    assert_int_equal(len, 7);
}

/* ---- refused forms --------------------------------------------------------- */

static void test_truncated(void **state) {
    elg_doc *doc = seed_doc();
    char *buf = NULL;
    size_t len = 0;
    elg_error err;
    (void)state;

    encode(elg_doc_project(doc), &buf, &len);
    assert_string_equal(refused(buf, 0, &err), "forme compacte de projet corrompue : tronqué");
    for (size_t n = 0; n < len; n++) {
        /* Each prefix in its own allocation, so ASan sees any read past it. */
        char *prefix = malloc(n ? n : 1);
        assert_non_null(prefix);
        memcpy(prefix, buf, n);
        assert_string_equal(refused(prefix, n, &err),
                            "forme compacte de projet corrompue : tronqué");
        free(prefix);
    }
    free(buf);
    elg_doc_free(doc);
}

static void test_corrupted(void **state) {
    static const unsigned char values[] = {0x00, 0x01, 0x7f, 0x90, 0xa0, 0xc0, 0xc1,
                                           0xc3, 0xcc, 0xce, 0xcf, 0xd9, 0xdc, 0xff};
    elg_doc *doc = seed_doc();
    elg_form_project *f;
    char *buf = NULL, *bad;
    size_t len = 0, refusals = 0;
    elg_error err;
    (void)state;

    encode(elg_doc_project(doc), &buf, &len);
    bad = malloc(len);
    assert_non_null(bad);
    /* Every byte replaced by values that change the MessagePack structure:
     * either refused with a message or, inside a text, accepted. */
    for (size_t i = 0; i < len; i++) {
        for (size_t v = 0; v < sizeof values; v++) {
            memcpy(bad, buf, len);
            if ((unsigned char)bad[i] == values[v])
                continue;
            bad[i] = (char)values[v];
            f = NULL;
            elg_error_clear(&err);
            if (elg_form_decode_project(bad, len, &f, &err) == 0) {
                assert_non_null(f);
                elg_form_project_free(f);
            } else {
                assert_int_equal(err.code, ELG_ESTORE);
                assert_null(f);
                assert_non_null(strstr(err.message, "forme compacte de projet"));
                refusals++;
            }
        }
    }
    assert_true(refusals > len);
    free(bad);
    free(buf);
    elg_doc_free(doc);
}

static void test_corruption_messages(void **state) {
    elg_doc *doc = seed_doc();
    elg_expense expense = {.category = 9, .label = "x"};
    elg_project p = *elg_doc_project(doc);
    char *buf = NULL, *bad;
    size_t len = 0;
    elg_error err;
    (void)state;

    encode(elg_doc_project(doc), &buf, &len);
    bad = malloc(len + 1);
    assert_non_null(bad);

    /* Header: 0x93, format, 0xce and four bytes of arena size, then the
     * project: 0x9d (13 fields) and its id as a text. */
    assert_int_equal((unsigned char)buf[0], 0x93);
    assert_int_equal((unsigned char)buf[2], 0xce);
    assert_int_equal((unsigned char)buf[7], 0x9d);

    memcpy(bad, buf, len);
    bad[1] = 1; /* the format before a resource line's grant_reference and grant_date */
    assert_string_equal(refused(bad, len, &err),
                        "forme compacte de projet au format 1, cet eligo lit le format 2");

    memcpy(bad, buf, len);
    bad[6]++;
    assert_string_equal(
        refused(bad, len, &err),
        "forme compacte de projet corrompue : contenu plus petit que la taille qu'il annonce");
    memcpy(bad, buf, len);
    bad[6]--;
    assert_string_equal(refused(bad, len, &err),
                        "forme compacte de projet corrompue : applies_to[1].call : contenu plus "
                        "grand que la taille qu'il annonce"); /* the last text of that project */
    memcpy(bad, buf, len);
    bad[3] = 0x7f;
    assert_string_equal(refused(bad, len, &err),
                        "forme compacte de projet corrompue : taille invraisemblable");

    memcpy(bad, buf, len);
    /* The id (a fixstr) becomes bytes of the same total length: bin 8. */
    assert_int_equal((unsigned char)buf[8] & 0xe0, 0xa0);
    bad[8] = (char)0xc4;
    bad[9] = (char)((buf[8] & 0x1f) - 1);
    assert_string_equal(refused(bad, len, &err),
                        "forme compacte de projet corrompue : id : un texte attendu");

    memcpy(bad, buf, len);
    bad[len] = (char)0xc0;
    assert_string_equal(refused(bad, len + 1, &err),
                        "forme compacte de projet corrompue : des octets après la fin");

    memcpy(bad, buf, len);
    bad[0] = (char)0xc1; /* never used by MessagePack */
    assert_string_equal(refused(bad, len, &err),
                        "forme compacte de projet corrompue : pas du MessagePack");

    memcpy(bad, buf, len);
    bad[0] = (char)0x92; /* a header of two values */
    assert_string_equal(refused(bad, len, &err),
                        "forme compacte de projet corrompue : [format, taille, projet] attendu");
    free(bad);
    free(buf);

    /* An enum out of range, as only a corrupt form can hold one. */
    p.expenses = &expense;
    p.expenses_count = 1;
    encode(&p, &buf, &len);
    assert_string_equal(
        refused(buf, len, &err),
        "forme compacte de projet corrompue : expenses[0].category : valeur hors limites");
    free(buf);
    elg_doc_free(doc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_projects),       cmocka_unit_test(test_valid_documents),
        cmocka_unit_test(test_null_and_empty),      cmocka_unit_test(test_missing_required_field),
        cmocka_unit_test(test_truncated),           cmocka_unit_test(test_corrupted),
        cmocka_unit_test(test_corruption_messages),
    };
    return cmocka_run_group_tests_name("form", tests, NULL, NULL);
}
