/*
 * Tests of the encoded decision (engine/check.h) read back without a store:
 * elg_check_encode -> elg_check_decode gives the decision again, as
 * elg_diff_decisions sees it, for the decision that carries its ruleset and
 * for the next ones that only name it; a decoder that has not seen the
 * ruleset, and every truncation of the bytes, are errors, never a crash;
 * records a worker compresses read back the same.
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

#include "check.h"
#include "diff.h"
#include "import.h"
#include "rules.h"
#include "wire.h"
#include "zrecord.h"

#ifndef ELIGO_SOURCE_DIR
#error "ELIGO_SOURCE_DIR must be defined"
#endif

#define CALL "mel-appel-projets-territoires"

typedef struct fixture {
    char path[64];
    elg_store *store;
    elg_rules *rules;
    elg_check_call *cc;
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->path, sizeof f->path, "/tmp/eligo-test-check-XXXXXX");
    int fd = mkstemp(f->path);
    assert_true(fd >= 0);
    close(fd);
    unlink(f->path);
    elg_error err = {0};
    assert_int_equal(elg_store_open(f->path, &f->store, &err), 0);
    const char *seeds[] = {ELIGO_SOURCE_DIR "/seeds"};
    elg_import_report rep = {0};
    assert_int_equal(elg_import_paths(f->store, seeds, 1, &rep, &err), 0);
    elg_import_report_release(&rep);
    assert_int_equal(elg_rules_open_dir(ELIGO_SOURCE_DIR "/rules", NULL, &f->rules, &err), 0);
    assert_int_equal(elg_check_call_open(f->store, f->rules, CALL, 0, NULL, 0, &f->cc, &err), 0);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    elg_check_call_close(f->cc);
    elg_rules_free(f->rules);
    elg_store_close(f->store);
    char side[96];
    unlink(f->path);
    snprintf(side, sizeof side, "%s-wal", f->path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", f->path);
    unlink(side);
    free(f);
    return 0;
}

/* The decisions of the call's projects, each encoded after the other in
 * one buffer by one encoder (the first carries the ruleset of its edition). */
typedef struct collected {
    elg_decision *d[8];
    size_t n;
    elg_check_encoder *enc;
    elg_text bytes;
    size_t end[8]; /* where each decision's bytes end */
} collected;

static int collect(void *ctx, elg_decision *d) {
    collected *c = ctx;
    elg_error err = {0};
    assert_true(c->n < 8);
    assert_int_equal(elg_check_encode(c->enc, d, &c->bytes, &err), 0);
    c->end[c->n] = c->bytes.len;
    c->d[c->n++] = d;
    return 0;
}

static void decide_all(fixture *f, collected *c) {
    memset(c, 0, sizeof *c);
    c->enc = elg_check_encoder_new(f->rules);
    assert_non_null(c->enc);
    elg_error err = {0};
    /* The call's five seed projects, of its editions 2012 and 2013. */
    static const char *ids[] = {"cine-cite-social", "lille-transfert-savoir-faire-2012",
                                "hem-mde-val-de-marque-ess", "lille-transfert-savoir-faire-2013",
                                "val-de-marque-agriculture-durable"};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        elg_decision *d = NULL;
        assert_int_equal(elg_check_decide(f->cc, f->store, ids[i], 0, &d, &err), 0);
        collect(c, d);
    }
}

static void collected_free(collected *c) {
    for (size_t i = 0; i < c->n; i++)
        elg_decision_free(c->d[i]);
    elg_check_encoder_free(c->enc);
    elg_text_release(&c->bytes);
}

static void test_round_trip(void **state) {
    fixture *f = *state;
    collected c;
    decide_all(f, &c);
    elg_check_decoder *dec = elg_check_decoder_new();
    assert_non_null(dec);
    elg_wire_reader r = {c.bytes.data, c.bytes.data + c.bytes.len};
    elg_error err = {0};
    for (size_t i = 0; i < c.n; i++) {
        elg_decision *back = NULL;
        assert_int_equal(elg_check_decode(dec, &r, &back, &err), 0);
        assert_ptr_equal(r.p, c.bytes.data + c.end[i]);
        json_t *diff = elg_diff_decisions(c.d[i], back, &err);
        assert_non_null(diff);
        if (!elg_diff_same(diff)) {
            char *text = json_dumps(diff, JSON_COMPACT);
            fail_msg("decision %zu of %s read back differs: %s", i, c.d[i]->project, text);
        }
        json_decref(diff);
        assert_string_equal(back->project, c.d[i]->project);
        assert_int_equal(back->outcome, c.d[i]->outcome);
        assert_string_equal(back->ruleset->sha256, c.d[i]->ruleset->sha256);
        elg_decision_free(back);
    }
    assert_ptr_equal(r.p, r.end);
    elg_check_decoder_free(dec);
    collected_free(&c);
}

/* Decodes the len bytes at p with a new decoder: its error code, after
 * checking that nothing was returned (0 would be a decision read). */
static int refused(const char *p, size_t len) {
    elg_check_decoder *dec = elg_check_decoder_new();
    assert_non_null(dec);
    elg_wire_reader r = {p, p + len};
    elg_decision *back = NULL;
    elg_error err = {0};
    int rc = elg_check_decode(dec, &r, &back, &err);
    if (rc)
        assert_null(back);
    elg_decision_free(back);
    elg_check_decoder_free(dec);
    return rc;
}

/* A decision that only names its ruleset, read by a decoder that has not
 * seen it. */
static void test_unknown_ruleset(void **state) {
    fixture *f = *state;
    collected c;
    decide_all(f, &c);
    /* The last decision whose ruleset an earlier one carried. */
    size_t k = c.n;
    for (size_t i = 1; i < c.n && k == c.n; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(c.d[i]->ruleset->sha256, c.d[j]->ruleset->sha256) == 0)
                k = i;
    assert_true(k < c.n);
    assert_int_equal(refused(c.bytes.data + c.end[k - 1], c.end[k] - c.end[k - 1]), ELG_ESTORE);
    collected_free(&c);
}

/* Every prefix of the first decision's bytes (which carries its ruleset):
 * an error, nothing returned, nothing read past the end (ASan). */
static void test_truncated(void **state) {
    fixture *f = *state;
    collected c;
    decide_all(f, &c);
    for (size_t len = 0; len < c.end[0]; len += len < 64 ? 1 : 7) {
        char *copy = malloc(len ? len : 1); /* exactly len: ASan sees a read past it */
        assert_non_null(copy);
        memcpy(copy, c.bytes.data, len);
        assert_int_not_equal(refused(copy, len), 0);
        free(copy);
    }
    collected_free(&c);
}

/* One encoder's records beyond its first ELG_ZREC_SAMPLES of a ruleset go
 * compressed (engine/zrecord.h), the first of them with its dictionary:
 * all read back the same; a compressed one without its dictionary, and
 * every prefix of the one that carries it, are refused. */
static void test_compressed_round_trip(void **state) {
    fixture *f = *state;
    enum { N = ELG_ZREC_SAMPLES + 6 };
    elg_decision *d = NULL;
    elg_error err = {0};
    assert_int_equal(elg_check_decide(f->cc, f->store, "cine-cite-social", 0, &d, &err), 0);
    elg_check_encoder *enc = elg_check_encoder_new(f->rules);
    elg_text bytes = {0};
    size_t end[N];
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(elg_check_encode(enc, d, &bytes, &err), 0);
        end[i] = bytes.len;
    }
    size_t plain = end[1] - end[0], with_dict = end[64] - end[63], compressed = end[65] - end[64];
    assert_true(compressed < plain);
    assert_true(with_dict > compressed);
    elg_check_decoder *dec = elg_check_decoder_new();
    elg_wire_reader r = {bytes.data, bytes.data + bytes.len};
    for (size_t i = 0; i < N; i++) {
        elg_decision *back = NULL;
        assert_int_equal(elg_check_decode(dec, &r, &back, &err), 0);
        assert_ptr_equal(r.p, bytes.data + end[i]);
        json_t *diff = elg_diff_decisions(d, back, &err);
        assert_non_null(diff);
        assert_true(elg_diff_same(diff));
        json_decref(diff);
        elg_decision_free(back);
    }
    elg_check_decoder_free(dec);
    /* A fresh decoder has the ruleset (the first message), not the
     * dictionary: decision 65 is refused. */
    dec = elg_check_decoder_new();
    r = (elg_wire_reader){bytes.data, bytes.data + end[0]};
    elg_decision *back = NULL;
    assert_int_equal(elg_check_decode(dec, &r, &back, &err), 0);
    elg_decision_free(back);
    back = NULL;
    r = (elg_wire_reader){bytes.data + end[64], bytes.data + end[65]};
    elg_error_clear(&err);
    assert_int_equal(elg_check_decode(dec, &r, &back, &err), ELG_ESTORE);
    assert_null(back);
    elg_check_decoder_free(dec);
    for (size_t len = 0; len < with_dict; len += len < 64 ? 1 : 13) {
        char *copy = malloc(len ? len : 1);
        assert_non_null(copy);
        memcpy(copy, bytes.data + end[63], len);
        assert_int_not_equal(refused(copy, len), 0);
        free(copy);
    }
    elg_text_release(&bytes);
    elg_check_encoder_free(enc);
    elg_decision_free(d);
}

/* Two editions' decisions in alternation: each ruleset's records go
 * compressed after its own first 64, and all read back the same. */
static void test_compressed_two_editions(void **state) {
    fixture *f = *state;
    enum { N = 2 * ELG_ZREC_SAMPLES + 10 };
    elg_decision *d[2] = {NULL, NULL};
    elg_error err = {0};
    assert_int_equal(
        elg_check_decide(f->cc, f->store, "lille-transfert-savoir-faire-2012", 0, &d[0], &err), 0);
    assert_int_equal(
        elg_check_decide(f->cc, f->store, "lille-transfert-savoir-faire-2013", 0, &d[1], &err), 0);
    assert_string_not_equal(d[0]->ruleset->sha256, d[1]->ruleset->sha256);
    elg_check_encoder *enc = elg_check_encoder_new(f->rules);
    elg_text bytes = {0};
    size_t end[N];
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(elg_check_encode(enc, d[i % 2], &bytes, &err), 0);
        end[i] = bytes.len;
    }
    /* Past both trainings, each message is smaller than the first two. */
    assert_true(end[N - 1] - end[N - 2] < end[2] - end[1]);
    assert_true(end[N - 2] - end[N - 3] < end[3] - end[2]);
    elg_check_decoder *dec = elg_check_decoder_new();
    elg_wire_reader r = {bytes.data, bytes.data + bytes.len};
    for (size_t i = 0; i < N; i++) {
        elg_decision *back = NULL;
        assert_int_equal(elg_check_decode(dec, &r, &back, &err), 0);
        json_t *diff = elg_diff_decisions(d[i % 2], back, &err);
        assert_non_null(diff);
        assert_true(elg_diff_same(diff));
        json_decref(diff);
        elg_decision_free(back);
    }
    assert_ptr_equal(r.p, r.end);
    elg_check_decoder_free(dec);
    elg_text_release(&bytes);
    elg_check_encoder_free(enc);
    elg_decision_free(d[0]);
    elg_decision_free(d[1]);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_ruleset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compressed_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compressed_two_editions, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
